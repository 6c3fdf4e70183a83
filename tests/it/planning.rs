//! Coordination without perfect information (`economy.planning`): syndicates that plan from the
//! orders they receive show the stylised facts of supply chains, and perfect planning stays the
//! exact solve it was.
//!
//! Every figure is over 20 seeds of the village with communities' requests varying day to day
//! (`economy.request_cv = 0.1`), each a 95% interval over seeds; paired comparisons use common
//! seeds.

use commune::analysis::stats::MeanCi;
use commune::model::{Simulation, Summary, TickMetrics};
use commune::scenario::Scenario;
use rayon::prelude::*;

use crate::common::*;

const SEEDS: u64 = 20;
const DAYS: u32 = 400;

/// The village with varying requests and the given values, planned perfectly unless they say
/// otherwise (the shipped village plans locally).
fn village(paths: &[&str], values: &[toml::Value]) -> Scenario {
    let mut p = vec!["economy.request_cv"];
    let mut v = vec![toml::Value::from(0.1)];
    if !paths.contains(&"economy.planning") {
        p.push("economy.planning");
        v.push(toml::Value::from("perfect"));
    }
    p.extend_from_slice(paths);
    v.extend_from_slice(values);
    village_with(&p, &v)
}

fn rows(s: &Scenario, seed: u64, days: u32) -> Vec<TickMetrics> {
    let mut sim = Simulation::new(s.params.clone(), seed);
    (0..days).map(|_| sim.step()).collect()
}

/// A summary figure of each seed's run.
fn over_seeds(s: &Scenario, figure: fn(&Summary) -> f64) -> Vec<f64> {
    (1..=SEEDS)
        .into_par_iter()
        .map(|seed| figure(&Summary::from_rows(&rows(s, seed, DAYS))))
        .collect()
}

fn local(extra: &[(&str, toml::Value)]) -> Scenario {
    let mut paths = vec!["economy.planning"];
    let mut values = vec![toml::Value::from("local")];
    for (p, v) in extra {
        paths.push(p);
        values.push(v.clone());
    }
    village(&paths, &values)
}

#[test]
fn local_orders_upstream_vary_more_than_requests_and_sharing_requests_damps_them() {
    let perfect = MeanCi::of(&over_seeds(&village(&[], &[]), |s| s.bullwhip_ratio));
    let local_ratios = over_seeds(&local(&[]), |s| s.bullwhip_ratio);
    let shared_ratios = over_seeds(&local(&[("economy.share_requests", true.into())]), |s| {
        s.bullwhip_ratio
    });
    let local = MeanCi::of(&local_ratios);
    eprintln!("bullwhip: perfect {perfect:?}, local {local:?}");
    // With perfect information the plan is today's requirement plus yesterday's correction.
    assert!(
        perfect.low > 0.8 && perfect.high < 1.25,
        "perfect planning passes requests on as they are: {perfect:?}"
    );
    assert!(
        local.low > 1.0,
        "forecasting from orders amplifies them upstream: {local:?}"
    );
    assert!(local.low > perfect.high, "{local:?} vs {perfect:?}");
    let change: Vec<f64> = shared_ratios
        .iter()
        .zip(&local_ratios)
        .map(|(s, l)| s - l)
        .collect();
    let change = MeanCi::of(&change);
    eprintln!("sharing requests changes the ratio by {change:?}");
    assert!(
        change.high < 0.0,
        "sharing the communities' requests upstream lowers the ratio: {change:?}"
    );
}

#[test]
fn local_planning_costs_hours_and_shortages_within_stated_bounds() {
    let perfect = village(&[], &[]);
    let local = local(&[]);
    let figure = |s: &Scenario, f: fn(&Summary) -> f64| over_seeds(s, f);
    let hours = |s: &Summary| s.work_and_meeting_hours_mean;
    let short = |s: &Summary| s.goods_short_share;
    let (hp, hl) = (figure(&perfect, hours), figure(&local, hours));
    let (sp, sl) = (figure(&perfect, short), figure(&local, short));
    let extra: Vec<f64> = hl.iter().zip(&hp).map(|(l, p)| l / p - 1.0).collect();
    let extra = MeanCi::of(&extra);
    let (sp, sl) = (MeanCi::of(&sp), MeanCi::of(&sl));
    eprintln!("local hours over perfect: {extra:?}; short share perfect {sp:?} local {sl:?}");
    // The README's figures: local planning costs more hours than the exact solve (spare
    // capacity for services, stock swings), but not more than a fifth.
    assert!(
        extra.low > 0.0 && extra.high < 0.2,
        "local's extra hours: {extra:?}"
    );
    assert!(
        sl.mean > sp.mean && sl.high < 0.15,
        "short share: local {sl:?}, perfect {sp:?}"
    );
}

#[test]
fn a_newly_wanted_service_runs_short_then_recovers_within_days() {
    use commune::model::kernel::goods::Good;
    let g = Good::Learning.index();
    let day = 200usize;
    let recoveries = |s: &Scenario| -> Vec<usize> {
        (1..=SEEDS)
            .into_par_iter()
            .map(|seed| {
                // Adults now want two hours of learning a day, not 0.3: a service wanted
                // at once, which no store can hold in advance.
                let rows = learning_shock(&s.params, seed, day, 60);
                assert!(
                    rows[day].goods_needed[g] > 150.0,
                    "{}",
                    rows[day].goods_needed[g]
                );
                recovery(&rows, g, day).expect("recovers within 60 days")
            })
            .collect()
    };
    let local = recoveries(&local(&[]));
    let perfect = recoveries(&village(&[], &[]));
    let days: Vec<f64> = local.iter().map(|d| *d as f64).collect();
    let recover = MeanCi::of(&days);
    eprintln!("recovery after a newly wanted service: {recover:?} days");
    assert!(
        perfect.iter().all(|d| *d == 0),
        "an exact solve knows today's requests: never short ({perfect:?})"
    );
    assert!(
        local.iter().all(|d| *d > 0),
        "syndicates forecasting from yesterday's orders run short on the day ({local:?})"
    );
    assert!(
        recover.high < 14.0,
        "the syndicate learns the new orders and catches up within days: {recover:?}"
    );
}

#[test]
fn perfect_planning_is_the_exact_solve_whatever_the_local_rule_says() {
    // The local rule's settings must not touch perfect planning.
    let base = village_with(&["economy.planning"], &["perfect".into()]);
    let tuned = base
        .with_values(
            &[
                "economy.smoothing",
                "economy.stock_adjust_days",
                "economy.lead_days",
                "economy.safety_factor",
                "economy.share_requests",
            ],
            &[
                0.7.into(),
                5.0.into(),
                toml::Value::Integer(6),
                0.0.into(),
                true.into(),
            ],
        )
        .unwrap();
    assert_eq!(rows(&base, 5, 200), rows(&tuned, 5, 200));
    // And with requests that never vary, every community is delivered what it requested of
    // every good made to plan (energy aside, which the weather limits).
    let m = rows(&base, 5, 200);
    let energy = commune::model::kernel::goods::Good::Energy.index();
    for r in &m {
        for g in 0..r.goods_short.len() {
            if g != energy {
                assert_eq!(r.goods_short[g], 0.0, "day {} good {g}", r.tick);
            }
        }
    }
}

/// Sums of a column over `days` days of each of 20 seeds.
fn sums(s: &Scenario, days: u32, f: fn(&TickMetrics) -> f64) -> Vec<f64> {
    (1..=SEEDS)
        .into_par_iter()
        .map(|seed| rows(s, seed, days).iter().map(f).sum())
        .collect()
}

#[test]
fn participatory_planning_agrees_within_its_round_limit_and_costs_meeting_hours() {
    // The shipped scenario: every weekly session agrees, in one round (willing hours are ample).
    let shipped = commune::scenario::load(&scenario("planning-participatory")).unwrap();
    let days: u32 = 365;
    let sessions = 10.0 * f64::from(days.div_ceil(7));
    let unagreed = sums(&shipped, days, |m| m.planning_unagreed as f64);
    let rounds = sums(&shipped, days, |m| m.planning_rounds as f64);
    let hours = sums(&shipped, days, |m| m.planning_meeting_hours);
    assert!(unagreed.iter().all(|u| *u == 0.0), "{unagreed:?}");
    assert!(
        rounds.iter().all(|r| *r == sessions),
        "{rounds:?} vs {sessions}"
    );
    // Each round: a delegate of each of the 10 goods syndicates and one of the community.
    assert!(
        hours
            .iter()
            .all(|h| (h - sessions * 11.0 * 0.5).abs() < 1e-9),
        "{hours:?}"
    );
    // The village with members willing to give 0.8 hours a day, less than food and
    // goods take: sessions need several rounds, agree within the limit, and cut requests.
    let scarce = village(
        &["economy.planning", "labour.willing_hours_mean"],
        &["participatory".into(), 0.8.into()],
    );
    let days: u32 = 120;
    let rounds = MeanCi::of(&sums(&scarce, days, |m| m.planning_rounds as f64));
    let unagreed = sums(&scarce, days, |m| m.planning_unagreed as f64);
    let cut = MeanCi::of(&sums(&scarce, days, |m| m.requests_cut_share / 120.0));
    eprintln!("scarce hours: rounds {rounds:?}, mean share cut {cut:?}");
    let sessions = f64::from(days.div_ceil(7));
    assert!(rounds.low > 2.0 * sessions, "{rounds:?}");
    assert!(unagreed.iter().all(|u| *u == 0.0), "{unagreed:?}");
    assert!(cut.low > 0.05, "{cut:?}");
    // With one round allowed they cannot agree.
    let hurried = village(
        &[
            "economy.planning",
            "labour.willing_hours_mean",
            "economy.round_limit",
        ],
        &["participatory".into(), 0.8.into(), toml::Value::Integer(1)],
    );
    let unagreed = sums(&hurried, days, |m| m.planning_unagreed as f64);
    assert!(unagreed.iter().all(|u| *u > 0.0), "{unagreed:?}");
}

#[test]
fn bad_planning_values_are_refused_with_the_key() {
    let cases = [
        ("[economy]\nsmoothing = 0\n", "economy.smoothing"),
        ("[economy]\nlead_days = -2\n", "economy.lead_days"),
        ("[economy]\nlead_days = 30\n", "economy.lead_days"),
        (
            "[economy]\nstock_adjust_days = 0.5\n",
            "economy.stock_adjust_days",
        ),
        ("[economy]\nplanning = \"market\"\n", "economy.planning"),
        ("[economy]\nround_limit = 0\n", "economy.round_limit"),
        ("[economy]\nplan_days = 0\n", "economy.plan_days"),
        ("[economy]\nrevision = 0\n", "economy.revision"),
        ("[economy]\nshortfall = \"strike\"\n", "economy.shortfall"),
        ("[economy]\nlonger_hours = -1\n", "economy.longer_hours"),
        ("[economy]\nlonger_by = \"turns\"\n", "economy.longer_by"),
        (
            "[economy]\nlonger_rota_days = 1\n",
            "economy.longer_rota_days",
        ),
        (
            "[economy]\ncut_order = [\"devices\", \"devises\"]\n",
            "economy.cut_order.1",
        ),
        (
            "[economy]\ncut_order = [\"housing\"]\n",
            "economy.cut_order.0",
        ),
        (
            "[economy]\ncut_order = [\"care\", \"care\"]\n",
            "economy.cut_order.1",
        ),
        (
            "[goods.clothing]\nreserve_days = -1\n",
            "goods.clothing.reserve_days",
        ),
        (
            "[economy]\ntable = \"wiod2016\"\nplanning = \"local\"\n[labour]\nmin_skill = 1.0\n",
            "economy.planning",
        ),
    ];
    for (text, key) in cases {
        let problems = commune::scenario::parse(text, "t").expect_err(text);
        let all: String = problems.iter().map(|p| format!("{p:?}\n")).collect();
        assert!(all.contains(key), "{text}: {all}");
    }
}

/// The village under participatory planning with members willing to give `willing` hours a
/// day on average, and the given shortfall values.
fn short_of_hours(willing: f64, extra: &[(&str, toml::Value)]) -> Scenario {
    let mut paths = vec!["economy.planning", "labour.willing_hours_mean"];
    let mut values = vec![toml::Value::from("participatory"), willing.into()];
    for (p, v) in extra {
        paths.push(p);
        values.push(v.clone());
    }
    village(&paths, &values)
}

/// Means over 20 seeds of a column over `days` days.
fn means(s: &Scenario, days: u32, f: fn(&TickMetrics) -> f64) -> MeanCi {
    MeanCi::of(
        &sums(s, days, f)
            .iter()
            .map(|x| x / f64::from(days))
            .collect::<Vec<_>>(),
    )
}

#[test]
fn when_wants_exceed_willing_hours_the_community_works_longer_or_wants_less() {
    const WILLING: f64 = 0.8;
    let days: u32 = 120;
    let less = short_of_hours(WILLING, &[]);
    let longer = short_of_hours(WILLING, &[("economy.shortfall", "longer".into())]);
    let cut_less = means(&less, days, |m| m.requests_cut_share);
    let cut_longer = means(&longer, days, |m| m.requests_cut_share);
    let extra = means(&longer, days, |m| m.planning_extra_hours);
    let hours_less = means(&less, days, |m| m.work_hours_mean);
    let hours_longer = means(&longer, days, |m| m.work_hours_mean);
    eprintln!(
        "willing {WILLING} h: cut {cut_less:?} (less) vs {cut_longer:?} (longer), extra {extra:?}, \
         hours {hours_less:?} vs {hours_longer:?}"
    );
    // Wanting less: requests are cut and nobody works longer.
    assert!(cut_less.low > 0.02, "{cut_less:?}");
    assert!(
        sums(&less, days, |m| m.planning_extra_hours)
            .iter()
            .all(|x| *x == 0.0)
    );
    // Working longer: members agree extra hours, within the cap, and requests are cut less.
    assert!(extra.low > 0.05 && extra.high <= 1.0, "{extra:?}");
    assert!(
        cut_longer.high < cut_less.low,
        "{cut_longer:?} vs {cut_less:?}"
    );
    assert!(
        hours_longer.low > hours_less.high,
        "{hours_longer:?} vs {hours_less:?}"
    );
    // Nobody's day goes past their willingness and the cap.
    let max: f64 = (1..=4)
        .map(|seed| {
            rows(&longer, seed, days)
                .iter()
                .map(|m| m.work_hours_max)
                .fold(0.0, f64::max)
        })
        .fold(0.0, f64::max);
    let p = &longer.params.labour;
    assert!(max <= p.max_hours_per_day + 1e-6, "{max}");

    // The assembly chooses: it votes on working longer, and what it decides is what happens.
    let vote = short_of_hours(WILLING, &[("economy.shortfall", "vote".into())]);
    let mut sim = Simulation::new(vote.params.clone(), 1);
    let rows_vote: Vec<TickMetrics> = (0..days).map(|_| sim.step()).collect();
    let votes: Vec<_> = sim
        .decisions()
        .iter()
        .filter(|d| d.subject.kind() == "work_longer")
        .collect();
    assert!(!votes.is_empty(), "no vote on working longer");
    let passed = votes.iter().find(|d| d.passed).map(|d| d.tick);
    let extra_days: Vec<u32> = rows_vote
        .iter()
        .filter(|m| m.planning_extra_hours > 0.0)
        .map(|m| m.tick)
        .collect();
    match passed {
        // Working longer starts at the first session after the vote (the same day's, as the
        // assembly meets before the syndicates plan), not before.
        Some(tick) => assert!(
            !extra_days.is_empty() && extra_days[0] >= tick && extra_days[0] < tick + 7,
            "passed on day {tick}, extra hours from {extra_days:?}"
        ),
        None => assert!(extra_days.is_empty(), "{extra_days:?}"),
    }
    // Taken off the agenda, the vote never happens and the community wants less, as under
    // `less`, to the bit.
    let off = short_of_hours(
        WILLING,
        &[
            ("economy.shortfall", "vote".into()),
            (
                "assembly.community.off_agenda",
                toml::Value::Array(vec!["work_longer".into()]),
            ),
        ],
    );
    let a = rows(&off, 1, days);
    let b = rows(&less, 1, days);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.work_hours_mean.to_bits(), y.work_hours_mean.to_bits());
        assert_eq!(
            x.requests_cut_share.to_bits(),
            y.requests_cut_share.to_bits()
        );
    }
}

#[test]
fn working_longer_by_rota_gives_the_same_hours_in_turns() {
    const WILLING: f64 = 0.8;
    let days: u32 = 120;
    let everyone = short_of_hours(WILLING, &[("economy.shortfall", "longer".into())]);
    let rota = short_of_hours(
        WILLING,
        &[
            ("economy.shortfall", "longer".into()),
            ("economy.longer_by", "rota".into()),
        ],
    );
    // Paired over the same seeds: the difference of each seed's mean, rota less everyone.
    let paired = |f: fn(&TickMetrics) -> f64| {
        let a = sums(&rota, days, f);
        let b = sums(&everyone, days, f);
        MeanCi::of(
            &a.iter()
                .zip(&b)
                .map(|(x, y)| (x - y) / f64::from(days))
                .collect::<Vec<_>>(),
        )
    };
    let hours = paired(|m| m.work_hours_mean);
    let cut = paired(|m| m.requests_cut_share);
    let gini = paired(|m| m.gini_work_hours);
    let p90 = paired(|m| m.work_hours_p90);
    eprintln!("rota - everyone: hours {hours:?}, cut {cut:?}, gini {gini:?}, p90 {p90:?}");
    // The same hours on average (the cap of 8 h never binds at 0.8 h + 4 x 1 h) and the same
    // requests kept, within stated tolerances ...
    assert!(hours.low > -0.03 && hours.high < 0.03, "{hours:?}");
    assert!(cut.low > -0.01 && cut.high < 0.01, "{cut:?}");
    // ... but in turns: a few long days, so hours are spread less evenly on any one day.
    assert!(gini.low > 0.02, "{gini:?}");
    assert!(p90.low > 0.1, "{p90:?}");
    // Under `everyone` the rota's keys change nothing.
    let cycle = short_of_hours(
        WILLING,
        &[
            ("economy.shortfall", "longer".into()),
            ("economy.longer_rota_days", 7.into()),
        ],
    );
    let a = rows(&cycle, 1, days);
    let b = rows(&everyone, 1, days);
    assert!(a == b, "longer_rota_days changed a run without a rota");
}

#[test]
fn a_cut_order_spares_the_goods_it_does_not_name() {
    let days: u32 = 120;
    let ordered = short_of_hours(
        0.8,
        &[(
            "economy.cut_order",
            toml::Value::Array(vec![
                "devices".into(),
                "transport".into(),
                "clothing".into(),
            ]),
        )],
    );
    let care = commune::model::kernel::goods::Good::Care.index();
    let devices = commune::model::kernel::goods::Good::Devices.index();
    let r = rows(&ordered, 1, days);
    // Care is not named: its request stays whole, while devices' is cut.
    let from = 30;
    let care_req: f64 = r[from..].iter().map(|m| m.goods_needed[care]).sum();
    let proportional = rows(&short_of_hours(0.8, &[]), 1, days);
    let care_prop: f64 = proportional[from..]
        .iter()
        .map(|m| m.goods_needed[care])
        .sum();
    let dev: f64 = r[from..].iter().map(|m| m.goods_needed[devices]).sum();
    let dev_prop: f64 = proportional[from..]
        .iter()
        .map(|m| m.goods_needed[devices])
        .sum();
    eprintln!("care {care_req} vs {care_prop}, devices {dev} vs {dev_prop}");
    assert!(care_req > care_prop * 1.01, "{care_req} vs {care_prop}");
    assert!(dev < dev_prop, "{dev} vs {dev_prop}");
}

/// `planned_short_spell_days` is `goods_short_spell_days` without energy, which no syndicate
/// plans: never longer, the same on a day no community is short of energy, and shorter on some
/// day of the region's first 150 days under `local` (energy runs short there; seed 1).
#[test]
fn the_planned_goods_stock_out_leaves_energy_out() {
    let s = commune::scenario::load(&scenario("planning-local")).unwrap();
    let energy = commune::model::kernel::goods::Good::Energy.index();
    let days = rows(&s, 1, 150);
    for m in &days {
        assert!(
            m.planned_short_spell_days <= m.goods_short_spell_days,
            "day {}",
            m.tick
        );
        if m.goods_short[energy] == 0.0 {
            assert_eq!(
                m.planned_short_spell_days, m.goods_short_spell_days,
                "day {}: no community short of energy",
                m.tick
            );
        }
    }
    assert!(
        days.iter()
            .any(|m| m.planned_short_spell_days < m.goods_short_spell_days),
        "energy never made the longest stock-out"
    );
}

#[test]
fn the_grid_and_the_materials_syndicate_recover_when_their_stocks_run_out() {
    // Found re-running the docs: the village under local planning with 15 newcomers on day 0
    // who bring no provisions. In 7 of 20 seeds its materials stock ran out in the spring; the
    // grid then stopped for want of its upkeep materials, the materials syndicate could make
    // nothing without energy, and neither ever came back: orders grew without bound, every
    // worker's hours went to materials that were never made, and the installations, staffed
    // against that demand, fell idle. The grid's upkeep now waits, and its installations are
    // staffed for what they can make (`syndicates/economy.rs::make_goods`,
    // `energy::staffing`). At these seeds the old rules gave no energy at all after day 85.
    for seed in [1, 2, 14] {
        let rows = village_with_newcomers("", 15, "provisions = false\n", seed, 400);
        for r in &rows[100..] {
            assert!(
                r.energy_generated_kwh > 0.0 && r.energy_supplied_kwh > 0.0,
                "seed {seed} day {}: generated {}, supplied {}",
                r.tick,
                r.energy_generated_kwh,
                r.energy_supplied_kwh
            );
        }
        let late = &rows[260..];
        let met = late.iter().map(|r| r.need_satisfaction).sum::<f64>() / late.len() as f64;
        assert!(met > 0.9, "seed {seed}: needs met {met} after day 260");
    }
}
