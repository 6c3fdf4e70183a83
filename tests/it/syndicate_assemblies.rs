//! Syndicates' own assemblies (`economy.syndicate_assemblies`): each goods syndicate's workers
//! raise or lower its stock target at their meetings, weighing the stock-outs they saw against
//! what went beyond need and their own hours.
//!
//! Statistical figures are over 20 seeds of the village (one community of 150) under local
//! planning with requests varying 10% a day, as in `planning.rs`; paired comparisons use common
//! seeds, each a 95% interval over seeds.

use commune::analysis::stats::MeanCi;
use commune::model::kernel::components::{Ordering, Syndicate};
use commune::model::kernel::decisions::{Decision, Subject};
use commune::model::kernel::goods::Good;
use commune::model::kernel::params::Sector;
use commune::model::kernel::params::setting::ParamValue;
use commune::model::{Simulation, TickMetrics};
use commune::scenario::Scenario;
use rayon::prelude::*;

use crate::common::*;

const SEEDS: u64 = 20;
const DAYS: u32 = 200;
/// Days left out of the figures while the syndicates' forecasts settle in.
const SETTLING: usize = 30;

fn on(extra: &[(&str, toml::Value)]) -> Scenario {
    let mut all = vec![("economy.syndicate_assemblies", true.into())];
    all.extend_from_slice(extra);
    local_village(&all)
}

/// The services whose safety stock the workers decide.
const SERVICES: [Good; 3] = [Good::Transport, Good::Care, Good::Learning];

/// Days the village was short of a service, summed over the services, after settling in.
fn service_short_days(rows: &[TickMetrics]) -> f64 {
    rows[SETTLING..]
        .iter()
        .map(|r| {
            SERVICES
                .iter()
                .map(|g| r.goods_short[g.index()])
                .sum::<f64>()
        })
        .sum()
}

/// Passed stock target decisions on `good`, raising (`true`) or lowering.
fn passed(decisions: &[Decision], good: Good, raise: bool) -> Vec<u32> {
    decisions
        .iter()
        .filter(|d| {
            d.passed
                && matches!(d.subject, Subject::StockTarget { good: g, raise: r, .. }
                    if g == good && r == raise)
        })
        .map(|d| d.tick)
        .collect()
}

#[test]
fn off_or_off_the_agenda_the_run_is_todays_to_the_bit() {
    let today = local_village(&[]);
    let explicit = local_village(&[("economy.syndicate_assemblies", false.into())]);
    // On, but nobody takes it up: the syndicates' counts are kept and never read.
    let unheard = on(&[(
        "assembly.community.off_agenda",
        toml::Value::Array(vec!["stock_target".into()]),
    )]);
    for seed in [1, 2] {
        let (a, da) = rows_and_decisions(&today, seed, DAYS);
        for other in [&explicit, &unheard] {
            let (b, db) = rows_and_decisions(other, seed, DAYS);
            assert_eq!(da, db, "seed {seed}");
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(format!("{x:?}"), format!("{y:?}"), "day {}", x.tick);
            }
        }
    }
}

#[test]
fn after_stock_outs_the_workers_raise_their_target_and_stock_outs_fall() {
    let (off, on) = (local_village(&[]), on(&[]));
    let runs: Vec<_> = (1..=SEEDS)
        .into_par_iter()
        .map(|seed| {
            (
                rows_and_decisions(&off, seed, DAYS),
                rows_and_decisions(&on, seed, DAYS),
            )
        })
        .collect();
    let mut change = Vec::new();
    let mut share = Vec::new();
    for (seed, ((off_rows, _), (on_rows, decisions))) in (1..).zip(&runs) {
        // Under the scenario's target the village runs short of services.
        let before = service_short_days(off_rows);
        assert!(before > 0.0, "seed {seed}: no stock-out to answer");
        // Their workers raise the target, and every raise follows days short.
        let raised: usize = SERVICES
            .iter()
            .map(|g| passed(decisions, *g, true).len())
            .sum();
        assert!(raised > 0, "seed {seed}: no raise passed: {decisions:?}");
        let after = service_short_days(on_rows);
        change.push(after - before);
        share.push(after / before);
    }
    let change = MeanCi::of(&change);
    let share = MeanCi::of(&share);
    eprintln!("service days short, on less off: {change:?}; on over off {share:?}");
    assert!(change.high < 0.0, "stock-outs fall: {change:?}");
}

/// The mean a day, after settling in, of `f` of each day's row.
fn mean_a_day(rows: &[TickMetrics], f: impl Fn(&TickMetrics) -> f64) -> f64 {
    rows[SETTLING..].iter().map(f).sum::<f64>() / (rows.len() - SETTLING) as f64
}

#[test]
fn after_overstock_or_services_given_up_the_workers_lower_their_target() {
    let c = Good::Clothing.index();
    // Clothing: the village's 30 days' reserve leaves stock beyond it on some days (overstock),
    // and the clothing syndicate is never short.
    let (off, on_) = (local_village(&[]), on(&[]));
    // Services: a safety factor of 4 gives up much of what is made, and is seldom short.
    let generous = [("economy.safety_factor", toml::Value::from(4.0))];
    let (off_s, on_s) = (local_village(&generous), on(&generous));
    let runs: Vec<_> = (1..=SEEDS)
        .into_par_iter()
        .map(|seed| {
            (
                (
                    rows_and_decisions(&off, seed, DAYS),
                    rows_and_decisions(&on_, seed, DAYS),
                ),
                (
                    rows_and_decisions(&off_s, seed, DAYS),
                    rows_and_decisions(&on_s, seed, DAYS),
                ),
            )
        })
        .collect();
    let given_up =
        |r: &TickMetrics| -> f64 { SERVICES.iter().map(|g| r.goods_wasted[g.index()]).sum() };
    let (mut overstock, mut waste) = (Vec::new(), Vec::new());
    for (seed, (((off_rows, _), (on_rows, decisions)), ((off_s, _), (on_s, dec_s)))) in
        (1..).zip(&runs)
    {
        let lowered = passed(decisions, Good::Clothing, false);
        assert!(
            !lowered.is_empty(),
            "seed {seed}: clothing's workers never lower"
        );
        assert!(
            passed(decisions, Good::Clothing, true).is_empty(),
            "seed {seed}: clothing is never short, so never raised"
        );
        overstock.push(
            mean_a_day(on_rows, |r| r.goods_overstock[c])
                - mean_a_day(off_rows, |r| r.goods_overstock[c]),
        );
        let lowered: usize = SERVICES
            .iter()
            .map(|g| passed(dec_s, *g, false).len())
            .sum();
        assert!(
            lowered > 0,
            "seed {seed}: no service lowered at a safety factor of 4"
        );
        waste.push(mean_a_day(on_s, given_up) / mean_a_day(off_s, given_up));
    }
    let overstock = MeanCi::of(&overstock);
    let waste = MeanCi::of(&waste);
    eprintln!("clothing overstock a day, on less off: {overstock:?}");
    eprintln!("services given up at a safety factor of 4, on over off: {waste:?}");
    assert!(overstock.high < 0.0, "overstock falls: {overstock:?}");
    assert!(waste.high < 1.0, "less is given up: {waste:?}");
}

#[test]
fn a_set_of_the_safety_factor_returns_the_service_syndicates_to_the_scenarios_target() {
    let s = on(&[]);
    let mut sim = Simulation::new(s.params.clone(), 1);
    for _ in 0..DAYS {
        sim.step();
    }
    let steps = |sim: &mut Simulation| -> Vec<(Good, i8)> {
        let world = sim.world_mut();
        world
            .query::<(&Syndicate, &Ordering)>()
            .iter(world)
            .filter_map(|(s, o)| match s.sector {
                Sector::Making(g) => Some((g, o.target_steps)),
                _ => None,
            })
            .collect()
    };
    let before = steps(&mut sim);
    assert!(
        before.iter().any(|(g, t)| !g.storable() && *t != 0),
        "{before:?}"
    );
    let text = sim.set("economy.safety_factor", &ParamValue::Float(2.0));
    assert!(
        text.contains("overrides the stock targets decided"),
        "{text}"
    );
    let after = steps(&mut sim);
    for ((g, b), (_, a)) in before.iter().zip(&after) {
        // Services are back at the scenario's (new) target; storable goods keep theirs.
        let expected = if g.storable() { *b } else { 0 };
        assert_eq!(*a, expected, "{g:?}");
    }
    // A set of the switch itself returns every syndicate.
    let text = sim.set("economy.syndicate_assemblies", &ParamValue::Bool(false));
    let kept = before.iter().any(|(g, t)| g.storable() && *t != 0);
    assert_eq!(text.contains("overrides"), kept, "{text}");
    assert!(steps(&mut sim).iter().all(|(_, t)| *t == 0));
}

#[test]
fn bad_values_are_refused_with_their_key() {
    let local = "[economy]\nplanning = \"local\"\n";
    let cases = [
        (
            format!("{local}target_step = 0\n"),
            "economy.target_step",
            "0",
        ),
        (
            format!("{local}target_step = 1.5\n"),
            "economy.target_step",
            "1.5",
        ),
        (
            format!("{local}target_caution = -0.1\n"),
            "economy.target_caution",
            "-0.1",
        ),
        (
            format!("{local}target_caution = 2\n"),
            "economy.target_caution",
            "2",
        ),
        (
            "[economy]\nsyndicate_assemblies = true\n".to_owned(),
            "economy.syndicate_assemblies",
            "perfect",
        ),
    ];
    let cases: Vec<(&str, &str, &str)> =
        cases.iter().map(|(t, k, s)| (t.as_str(), *k, *s)).collect();
    assert_refused(&cases);
}
