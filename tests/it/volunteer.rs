//! Hours volunteered from outside the simulation (`volunteer` events, a classroom's students):
//! they fill what the members leave unfilled, and only that.

use commune::model::events::{EventKind, ScheduledEvent};
use commune::model::kernel::log::LogKind;
use commune::model::kernel::params::Sector;
use commune::model::{Params, Simulation, TickMetrics};

use crate::common::{assert_refused, village_with};

/// Runs the scenario's parameters for `days` days with `events`; returns each day's metrics and
/// community 0's kitchen at the end of each day: (shortage, hours offered from outside, taken).
fn run(
    params: &Params,
    days: u32,
    events: &[ScheduledEvent],
) -> (Vec<TickMetrics>, Vec<(f64, f64, f64)>, Simulation) {
    let mut sim = Simulation::new(params.clone(), 42);
    for e in events {
        sim.schedule_event(e.clone());
    }
    let k = Sector::Kitchen.index();
    let mut rows = Vec::new();
    let mut kitchen = Vec::new();
    for _ in 0..days {
        rows.push(sim.step());
        let (offered, taken) = sim.outside_hours(0)[k];
        kitchen.push((sim.sector_shortage(0)[k], offered, taken));
    }
    (rows, kitchen, sim)
}

fn kitchen(day: u32, hours: f64, days: u32) -> ScheduledEvent {
    ScheduledEvent {
        tick: day,
        kind: EventKind::Volunteer {
            community: 0,
            sector: Sector::Kitchen,
            hours,
            days,
        },
    }
}

/// The village with members willing to give one hour a day: its kitchen is short by about three
/// hours a day from the second week on.
fn short_village() -> Params {
    village_with(&["labour.willing_hours_mean"], &[toml::Value::Float(1.0)]).params
}

#[test]
fn volunteered_hours_fill_a_shortage_and_the_kitchen_cooks_what_they_allow() {
    let params = short_village();
    let day = 10u32;
    let (plain, plain_kitchen, _) = run(&params, 20, &[]);
    let short = plain_kitchen[day as usize].0;
    assert!(
        short > 2.0,
        "the kitchen is short by {short} h on day {day}"
    );
    let (with, with_kitchen, sim) = run(&params, 20, &[kitchen(day, 2.0, 1)]);
    let d = day as usize;
    assert!(
        plain[..d] == with[..d],
        "the days before the offer are the same"
    );
    // All two hours are taken, and only on the day offered.
    assert_eq!((with_kitchen[d].1, with_kitchen[d].2), (2.0, 2.0));
    assert_eq!((with_kitchen[d + 1].1, with_kitchen[d + 1].2), (0.0, 0.0));
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
    assert!(
        close(with_kitchen[d].0, short - 2.0),
        "the shortage falls by 2 h"
    );
    assert!(
        close(with[d].kitchen_hours, plain[d].kitchen_hours + 2.0),
        "{} vs {}",
        with[d].kitchen_hours,
        plain[d].kitchen_hours
    );
    assert!(close(
        with[d].labour_shortage_hours,
        plain[d].labour_shortage_hours - 2.0
    ));
    // The members' own hours are as they were: the student displaced no one.
    assert_eq!(with[d].work_hours_mean, plain[d].work_hours_mean);
    // The kitchen, short of hands, cooks 2 h / 0.11 h per kg more.
    let per_kg = params.food.kitchen_hours_per_kg;
    assert!(
        close(
            with[d].food_cooked_kg,
            plain[d].food_cooked_kg + 2.0 / per_kg
        ),
        "cooked {} vs {} + {}",
        with[d].food_cooked_kg,
        plain[d].food_cooked_kg,
        2.0 / per_kg
    );
    // The offer is logged with its day.
    assert!(sim.log().iter().any(|e| {
        e.kind == LogKind::Event
            && e.tick == day
            && e.text
                .contains("offers 2 h a day to the kitchen syndicate of community 0")
    }));
}

#[test]
fn hours_a_sector_does_not_need_are_not_worked() {
    // The shipped village under the exact solve: its kitchen is fully staffed on days 5 and 6
    // (checked below).
    let params = village_with(&["economy.planning"], &["perfect".into()]).params;
    let (plain, plain_kitchen, _) = run(&params, 60, &[]);
    assert_eq!((plain_kitchen[5].0, plain_kitchen[6].0), (0.0, 0.0));
    let (with, with_kitchen, _) = run(&params, 60, &[kitchen(5, 8.0, 2)]);
    for d in [5, 6] {
        assert_eq!(with_kitchen[d].1, 8.0, "offered on day {d}");
        assert_eq!(with_kitchen[d].2, 0.0, "none taken on day {d}");
    }
    assert!(
        plain == with,
        "nothing changes, to the bit, when the hours are not needed"
    );
}

#[test]
fn a_volunteer_event_in_a_scenario_file_is_checked_and_scheduled() {
    let base = "ticks = 40\n[population]\ncommunities = 2\npersons_per_community = 30\n";
    let text = format!(
        "{base}\n[[events]]\nday = 3\nkind = \"volunteer\"\ncommunity = 1\nsector = \"clothing\"\n\
         hours = 2.5\ndays = 4\n\n[[events]]\nday = 4\nkind = \"volunteer\"\ncommunity = 0\n\
         sector = \"agriculture\"\nhours = 1\n"
    );
    let s = commune::scenario::parse(&text, "t").unwrap();
    assert_eq!(
        s.schedule[0].kind,
        EventKind::Volunteer {
            community: 1,
            sector: Sector::Making(commune::model::kernel::goods::Good::Clothing),
            hours: 2.5,
            days: 4
        }
    );
    assert!(matches!(
        s.schedule[1].kind,
        EventKind::Volunteer { days: 1, .. }
    ));
    // The file writes them back as it read them.
    let again = commune::scenario::parse(&s.to_toml(), "t").unwrap();
    assert_eq!(again.schedule, s.schedule);
    let event = |keys: &str| format!("{base}\n[[events]]\nday = 3\nkind = \"volunteer\"\n{keys}\n");
    let cases = [
        (
            event("community = 0\nsector = \"cooking\"\nhours = 2"),
            "events[0].sector",
            "unknown sector \"cooking\"; one of: agriculture, kitchen",
        ),
        (
            event("community = 2\nsector = \"kitchen\"\nhours = 2"),
            "events[0].community",
            "2 is not a community (0 to 1)",
        ),
        (
            event("community = 0\nsector = \"kitchen\"\nhours = 0"),
            "events[0].hours",
            "0 is not more than 0 and at most 8",
        ),
        (
            event("community = 0\nsector = \"kitchen\"\nhours = -1.5"),
            "events[0].hours",
            "-1.5 is not more than 0",
        ),
        (
            event("community = 0\nsector = \"kitchen\"\nhours = 9"),
            "events[0].hours",
            "at most 8",
        ),
        (
            event("community = 0\nsector = \"kitchen\"\nhours = 2\ndays = 0"),
            "events[0].days",
            "0 is not between 1 and 30",
        ),
        (
            event("community = 0\nsector = \"kitchen\"\nhours = 2\ndays = 31"),
            "events[0].days",
            "31 is not between 1 and 30",
        ),
        (
            event("community = 0\nhours = 2"),
            "events[0]",
            "a volunteer event needs `sector`",
        ),
        (
            event("community = 0\nsector = \"kitchen\"\nhours = 2\nitem = 1"),
            "events[0].item",
            "a volunteer event does not take `item`",
        ),
    ];
    let cases: Vec<(&str, &str, &str)> =
        cases.iter().map(|(t, k, m)| (t.as_str(), *k, *m)).collect();
    assert_refused(&cases);
}
