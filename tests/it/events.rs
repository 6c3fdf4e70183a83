//! Events from a scenario file and from the API: each does what it says, is logged, and a
//! session driven through the API replays exactly from a scenario with the same events.

use commune::model::events::{EventKind, ScheduledEvent, Target};
use commune::model::kernel::log::LogKind;
use commune::model::kernel::params::UndesirablePolicy;
use commune::model::kernel::params::setting::ParamValue;
use commune::model::{Params, Simulation, TickMetrics};
use commune::scenario;

fn scenario_text(events: &str) -> String {
    format!("ticks = 40\n[population]\ncommunities = 3\npersons_per_community = 60\n\n{events}")
}

#[test]
fn scheduled_events_happen_on_their_day_and_are_logged() {
    let text = scenario_text(
        "[[events]]\nday = 5\nkind = \"influx\"\ncommunity = 1\npersons = 25\n\n\
         [[events]]\nday = 10\nkind = \"illness_wave\"\nshare = 0.5\n\n\
         [[events]]\nday = 12\nkind = \"installation_failure\"\ncommunity = 0\nsource = \"solar\"\ndays = 5\n\n\
         [[events]]\nday = 20\nkind = \"set\"\npath = \"labour.undesirable_policy\"\nvalue = \"rota\"\n",
    );
    let s = scenario::parse(&text, "t").unwrap();
    assert_eq!(s.schedule.len(), 4);
    let mut sim = Simulation::new(s.params.clone(), 3);
    for e in &s.schedule {
        sim.schedule_event(e.clone());
    }
    let rows: Vec<TickMetrics> = (0..40).map(|_| sim.step()).collect();
    assert_eq!(rows[4].population, 180);
    assert_eq!(rows[5].population, 205);
    // Half the well fall ill: able adults drop sharply on day 10.
    assert!(
        rows[10].able_adults * 10 < rows[9].able_adults * 7,
        "{} vs {}",
        rows[10].able_adults,
        rows[9].able_adults
    );
    assert_eq!(
        sim.params().labour.undesirable_policy,
        UndesirablePolicy::Rota
    );
    // Under the rota everyone in a community does the same undesirable hours.
    let gini = |r: &[TickMetrics]| {
        r.iter().map(|m| m.gini_undesirable_hours).sum::<f64>() / r.len() as f64
    };
    assert!(
        gini(&rows[22..40]) < gini(&rows[0..20]) * 0.75,
        "{} vs {}",
        gini(&rows[22..40]),
        gini(&rows[0..20])
    );
    let events: Vec<_> = sim
        .log()
        .iter()
        .filter(|e| e.kind == LogKind::Event)
        .collect();
    let ticks: Vec<u32> = events.iter().map(|e| e.tick).take(4).collect();
    assert_eq!(ticks, vec![5, 10, 12, 20]);
    assert!(
        events[3]
            .text
            .contains("labour.undesirable_policy = \"rota\""),
        "{:?}",
        events[3]
    );
}

#[test]
fn an_installation_failure_cuts_generation_until_repaired() {
    let mut p = Params::default();
    p.energy.wind.kw_per_person = 0.0;
    p.energy.hydro.kw_per_person = 0.0;
    p.energy.geothermal.kw_per_person = 0.0;
    p.energy.weather_cv = 0.0;
    let mut sim = Simulation::new(p, 1);
    sim.schedule_event(ScheduledEvent {
        tick: 10,
        kind: EventKind::InstallationFailure {
            community: 0,
            source: commune::model::kernel::params::energy::Source::Solar,
            share: 1.0,
            days: 5,
        },
    });
    let rows: Vec<TickMetrics> = (0..20).map(|_| sim.step()).collect();
    assert!(rows[9].energy_generated_kwh > 0.0);
    assert!(rows[10..15].iter().all(|m| m.energy_generated_kwh == 0.0));
    assert!(rows[15].energy_generated_kwh > 0.0);
}

#[test]
fn a_live_session_replays_exactly_from_its_scenario_file() {
    let base = scenario::parse(&scenario_text(""), "t").unwrap();
    // Live: buttons pressed and a lever moved between ticks.
    let mut live = Simulation::new(base.params.clone(), 9);
    let mut rows = Vec::new();
    for t in 0..40 {
        if t == 8 {
            live.apply_event(EventKind::Drought {
                target: Target::Region(0),
                yield_factor: 0.5,
                days: 30,
            });
        }
        if t == 15 {
            live.apply_event(EventKind::Set {
                path: "labour.undesirable_policy".into(),
                value: ParamValue::Text("incentive".into()),
            });
        }
        rows.push(live.step());
    }
    // The same session written as a scenario file.
    let text = scenario_text(
        "[[events]]\nday = 8\nkind = \"drought\"\nregion = 0\nyield_factor = 0.5\ndays = 30\n\n\
         [[events]]\nday = 15\nkind = \"set\"\npath = \"labour.undesirable_policy\"\nvalue = \"incentive\"\n",
    );
    let s = scenario::parse(&text, "t").unwrap();
    // And it survives being written out and read back.
    let s = scenario::parse(&s.to_toml(), "t").unwrap();
    let mut replay = Simulation::new(s.params.clone(), 9);
    for e in &s.schedule {
        replay.schedule_event(e.clone());
    }
    let again: Vec<TickMetrics> = (0..40).map(|_| replay.step()).collect();
    assert_eq!(rows, again);
    assert_eq!(live.log(), replay.log());
}

#[test]
fn a_guild_with_an_accepted_agreement_makes_goods_and_the_syndicate_makes_less() {
    let mut p = Params::default();
    p.population.persons_per_community = 150;
    let run = |guild: bool| {
        let mut sim = Simulation::new(p.clone(), 4);
        if guild {
            sim.schedule_event(ScheduledEvent {
                tick: 1,
                kind: EventKind::GuildFounded {
                    community: 0,
                    good: commune::model::kernel::goods::Good::Clothing,
                    members: 12,
                },
            });
        }
        let rows: Vec<TickMetrics> = (0..120).map(|_| sim.step()).collect();
        (rows, sim)
    };
    let (plain, _) = run(false);
    let (with, sim) = run(true);
    let accepted = sim.decisions().iter().any(|d| {
        d.passed
            && matches!(
                d.subject,
                commune::model::kernel::decisions::Subject::GuildAgreement(_)
            )
    });
    assert!(accepted, "{:?}", sim.decisions());
    assert!(with.last().unwrap().guilds_active == 1);
    assert!(with.iter().map(|m| m.guild_hours).sum::<f64>() > 0.0);
    assert!(
        sim.log()
            .iter()
            .any(|e| e.text.contains("guild of community 0 offers"))
    );
    // Clothing needs are met either way; the syndicate's own hours fall when the guild supplies.
    let syndicate =
        |rows: &[TickMetrics]| -> f64 { rows[60..].iter().map(|m| m.sector_hours[2]).sum() };
    let guild: f64 = with[60..].iter().map(|m| m.guild_hours).sum();
    assert!(guild > 0.0);
    assert!(
        syndicate(&with) < syndicate(&plain) + guild,
        "{} vs {}",
        syndicate(&with),
        syndicate(&plain)
    );
    assert!(with[60..].iter().all(|m| m.satisfaction(0) > 0.99));
}

#[test]
fn exchange_schemes_fill_undesirable_work_with_help_from_the_region() {
    let mut p = Params::default();
    p.population.communities = 4;
    p.population.persons_per_community = 60;
    p.assembly.enabled = false;
    p.labour.undesirable_appeal = 0.0;
    p.labour.volunteer_rounds = 1;
    let run = |policy| {
        let mut q = p.clone();
        q.labour.undesirable_policy = policy;
        let mut sim = Simulation::new(q, 2);
        (0..30).map(|_| sim.step()).collect::<Vec<TickMetrics>>()
    };
    let vol = run(UndesirablePolicy::Volunteer);
    let exch = run(UndesirablePolicy::Exchange);
    let unfilled = |rows: &[TickMetrics]| {
        rows.iter()
            .map(|m| m.undesirable_unfilled_hours)
            .sum::<f64>()
    };
    assert!(unfilled(&vol) > 0.0);
    assert!(
        unfilled(&exch) < unfilled(&vol) * 0.5,
        "{} vs {}",
        unfilled(&exch),
        unfilled(&vol)
    );
    assert!(exch.iter().map(|m| m.exchange_hours).sum::<f64>() > 0.0);
    assert_eq!(vol.iter().map(|m| m.exchange_hours).sum::<f64>(), 0.0);
}

/// Undesirable work draws at least as many people under an incentive, each giving less: over 12
/// seeds of 60 days, paired by seed, the most anyone gives on a day is lower in total. The effect
/// is small in one community of defaults (about 0.8 h over 60 days, with a seed-to-seed spread
/// of about 0.9 h, so a single seed's story is not the claim; 12 seeds put the total about three
/// standard errors below).
#[test]
fn an_incentive_means_fewer_hours_for_the_same_undesirable_work() {
    use rayon::prelude::*;
    let mut p = Params::default();
    p.assembly.enabled = false;
    let run = |policy, seed| {
        let mut q = p.clone();
        q.labour.undesirable_policy = policy;
        let mut sim = Simulation::new(q, seed);
        let rows: Vec<TickMetrics> = (0..60).map(|_| sim.step()).collect();
        let persons = rows.last().unwrap().persons_ever_undesirable;
        let max: f64 = rows.iter().map(|m| m.undesirable_hours_max).sum();
        (persons, max)
    };
    let runs: Vec<[(u64, f64); 2]> = (1..=12u64)
        .into_par_iter()
        .map(|seed| {
            [
                run(UndesirablePolicy::Volunteer, seed),
                run(UndesirablePolicy::Incentive, seed),
            ]
        })
        .collect();
    eprintln!("(persons, sum of the day's most) volunteering, incentive: {runs:?}");
    // Over the seeds: (persons who ever did undesirable work, sum of the day's most).
    let total = |k: usize| {
        runs.iter()
            .fold((0u64, 0.0f64), |(n, h), r| (n + r[k].0, h + r[k].1))
    };
    let (vol, inc) = (total(0), total(1));
    assert!(inc.0 >= vol.0, "{} vs {}", inc.0, vol.0);
    assert!(inc.1 < vol.1, "{} vs {}", inc.1, vol.1);
}
