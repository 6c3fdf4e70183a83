//! The farm's workers decide their hours in the harvest (`food.harvest_hours_decided`): at their
//! community's meetings they raise or lower the extra hours a day beyond their willing hours
//! each of them gives the farm on harvest days.
//!
//! Statistical figures are over 12 seeds of scenarios/harvest-short.toml (a village whose farm
//! work crowds into a short harvest) against scenarios/harvest-hours.toml (the same with the
//! key on), for the first 300 days (the first harvest is days 220 to 260); paired comparisons
//! use common seeds, each a 95% interval over seeds.

use commune::analysis::stats::MeanCi;
use commune::model::kernel::components::{AgeClass, FarmPlan, HealthState, Person, Work};
use commune::model::kernel::decisions::{Decision, Subject};
use commune::model::kernel::params::Sector;
use commune::model::{Simulation, TickMetrics};
use commune::scenario::Scenario;
use rayon::prelude::*;

use crate::common::*;

const SEEDS: u64 = 12;
const DAYS: u32 = 300;
/// The first harvest: two spreads (10 days) either side of day 240.
const HARVEST: std::ops::RangeInclusive<usize> = 220..=260;

fn short() -> Scenario {
    commune::scenario::load(&scenario("harvest-short")).unwrap()
}

fn hours(paths: &[&str], values: &[toml::Value]) -> Scenario {
    commune::scenario::load(&scenario("harvest-hours"))
        .unwrap()
        .with_values(paths, values)
        .unwrap()
}

/// A run's rows, decisions, and its farm's share of the season's work done at the end.
fn run(s: &Scenario, seed: u64) -> (Vec<TickMetrics>, Vec<Decision>, f64) {
    let mut sim = Simulation::new(s.params.clone(), seed);
    let rows = (0..DAYS).map(|_| sim.step()).collect();
    let world = sim.world_mut();
    let done = world
        .query::<&FarmPlan>()
        .iter(world)
        .map(FarmPlan::labour_factor)
        .sum();
    (rows, sim.decisions().to_vec(), done)
}

fn harvest_hours(decisions: &[Decision]) -> Vec<&Decision> {
    decisions
        .iter()
        .filter(|d| matches!(d.subject, Subject::HarvestHours { .. }))
        .collect()
}

#[test]
fn off_or_off_the_agenda_the_run_is_todays_to_the_bit() {
    let today = short();
    let explicit = hours(&["food.harvest_hours_decided"], &[false.into()]);
    // On, but nobody takes it up: the farm's counts are kept and never read, no extra is given.
    let unheard = hours(
        &["assembly.community.off_agenda"],
        &[toml::Value::Array(vec!["harvest_hours".into()])],
    );
    for seed in [1, 2] {
        let (a, da, fa) = run(&today, seed);
        for other in [&explicit, &unheard] {
            let (b, db, fb) = run(other, seed);
            assert_eq!(da, db, "seed {seed}");
            assert_eq!(fa, fb, "seed {seed}");
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(format!("{x:?}"), format!("{y:?}"), "day {}", x.tick);
            }
        }
    }
}

#[test]
fn after_unfilled_harvest_work_the_workers_give_more_and_the_harvest_rises() {
    let (off, on) = (short(), hours(&[], &[]));
    let max_day = on.params.labour.max_hours_per_day;
    let runs: Vec<_> = (1..=SEEDS)
        .into_par_iter()
        .map(|seed| (run(&off, seed), run(&on, seed)))
        .collect();
    let unfilled = |rows: &[TickMetrics]| -> f64 {
        rows[HARVEST].iter().map(|r| r.labour_shortage_hours).sum()
    };
    let harvested =
        |rows: &[TickMetrics]| -> f64 { rows.iter().map(|r| r.food_harvested_kg).sum() };
    let (mut fewer, mut more, mut done) = (Vec::new(), Vec::new(), Vec::new());
    for (seed, ((off_rows, off_dec, off_done), (on_rows, on_dec, on_done))) in (1..).zip(&runs) {
        // Without the decision the harvest runs short of hands, and nobody decides anything.
        assert!(unfilled(off_rows) > 0.0, "seed {seed}: nothing unfilled");
        assert!(harvest_hours(off_dec).is_empty());
        assert!(off_rows.iter().all(|r| r.harvest_extra_hours == 0.0));
        // With it the workers raise their hours, and give some only in the harvest.
        let raised = harvest_hours(on_dec)
            .iter()
            .filter(|d| d.passed && matches!(d.subject, Subject::HarvestHours { raise: true, .. }))
            .count();
        assert!(raised > 0, "seed {seed}: no raise passed: {on_dec:?}");
        for (day, r) in on_rows.iter().enumerate() {
            assert!(
                r.harvest_extra_hours == 0.0 || HARVEST.contains(&day),
                "seed {seed}: extra hours on day {day}"
            );
            assert!(r.work_hours_max <= max_day + 1e-4, "seed {seed}: day {day}");
        }
        assert!(on_rows.iter().map(|r| r.harvest_extra_hours).sum::<f64>() > 0.0);
        fewer.push(unfilled(on_rows) - unfilled(off_rows));
        more.push(harvested(on_rows) / harvested(off_rows));
        done.push(on_done - off_done);
    }
    let (fewer, more, done) = (MeanCi::of(&fewer), MeanCi::of(&more), MeanCi::of(&done));
    eprintln!("harvest hours unfilled, on less off: {fewer:?}");
    eprintln!("food harvested, on over off: {more:?}");
    eprintln!("share of the season's farm work done, on less off: {done:?}");
    // Measured: -1001 [-1183, -819] h, 1.121 [1.093, 1.148] and +0.181 [0.148, 0.215]; the
    // bounds are about half of that.
    assert!(
        fewer.high < -500.0,
        "unfilled harvest work falls: {fewer:?}"
    );
    assert!(more.low > 1.05, "the harvest rises: {more:?}");
    assert!(done.low > 0.08, "more of the farm's work is done: {done:?}");
}

#[test]
fn only_the_farms_workers_vote() {
    let s = hours(&[], &[]);
    let interval = s.params.assembly.community.interval_days;
    let mut sim = Simulation::new(s.params.clone(), 3);
    let (mut checked, mut seen) = (0, 0usize);
    for day in 0..DAYS {
        // The farm's workers and the members who could vote, as the meeting counts them: from
        // the hours of the day before.
        let (workers, members) = {
            let world = sim.world_mut();
            let mut q = world.query::<(&Person, &Work)>();
            let able = |p: &Person| p.age != AgeClass::Child && p.health == HealthState::Well;
            let workers = q
                .iter(world)
                .filter(|(p, w)| able(p) && w.works_in(Sector::Agriculture))
                .count();
            (workers, q.iter(world).filter(|(p, _)| able(p)).count())
        };
        let before = sim.decisions().len();
        sim.step();
        for d in &sim.decisions()[before..] {
            let votes = (d.yes + d.no) as usize;
            if matches!(d.subject, Subject::HarvestHours { .. }) {
                assert_eq!(day % interval, 0);
                assert!(
                    votes <= workers,
                    "day {day}: {votes} votes, {workers} workers"
                );
                checked += 1;
            } else {
                // Everyone's matters: more than the farm's workers ever could.
                seen = seen.max(votes);
            }
        }
        assert!(workers < members);
    }
    assert!(checked > 0, "no harvest hours decided");
    eprintln!("{checked} decisions checked; at most {seen} votes on the community's matters");
}

#[test]
fn bad_values_are_refused_with_their_key() {
    let cases = [
        (
            "[food]\nharvest_hours_decided = true\n[assembly]\nenabled = false\n",
            "food.harvest_hours_decided",
            "assemblies are off",
        ),
        (
            "[food]\nharvest_hours_step = -0.5\n",
            "food.harvest_hours_step",
            "-0.5",
        ),
        (
            "[food]\nharvest_hours_max = -1\n",
            "food.harvest_hours_max",
            "-1",
        ),
        (
            "[food]\nharvest_hours_decided = true\nharvest_hours_step = 3\nharvest_hours_max = 2\n",
            "food.harvest_hours_step",
            "more than `food.harvest_hours_max`",
        ),
    ];
    assert_refused(&cases);
}
