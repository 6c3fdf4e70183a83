//! An economy whose coefficients come from a published input-output table (`[economy] table`):
//! the status quo as it is, built from national accounts instead of assumptions.
//!
//! The table's industries are summed onto the model's sectors and `other` (the mapping in
//! `data/wiod2016/sector_map.csv`), so a table economy has [`TABLE_SECTORS`] sectors, each
//! counted in thousands of US$ of output at the table's basic prices. The scenario layer derives
//! the [`TableEconomy`] (`kernel::technology`; the core reads no file); each day, each community:
//!
//! 1. plans the gross output that meets its residents' final demand, `x = (I - A)^-1 f`, with
//!    `f` the country's final demand per resident times the residents living there;
//! 2. posts the hours that output takes, `l x`, in place of every hour the model's own
//!    mechanisms posted: each sector's hours to its syndicate, and `other`'s (industries the
//!    model has no sector for) to every syndicate in proportion to the hours it already has,
//!    so that who works them follows the same volunteering or jobs as all other work;
//! 3. after the day's work, makes each sector's plan in the share of its syndicate's hours
//!    filled, and counts the CO2 of what was made (`c x`) and residents' own direct CO2 (heating
//!    and cars).
//!
//! The model's physical mechanisms (fields, kitchens, installations, goods) still run on their
//! own parameters and scale with the same shares of hours filled, but their hours and emissions
//! are the table's: nothing is counted twice.

use bevy_ecs::prelude::*;

use crate::model::kernel::ledger::{Days, LabourDay, PeopleDay, TableDay};
use crate::model::kernel::params::N_SECTORS;
pub use crate::model::kernel::technology::{TABLE_SECTORS, TableEconomy};

/// Each community plans the output its residents' final demand takes and posts its hours, in
/// place of the hours the model's own mechanisms posted. Runs last in the Plan phase.
pub fn post_table_hours(
    table: Option<Res<TableEconomy>>,
    people: Res<Days<PeopleDay>>,
    mut labour: ResMut<Days<LabourDay>>,
    mut days: ResMut<Days<TableDay>>,
) {
    let Some(table) = table else {
        return;
    };
    for (c, day) in days.iter_mut().enumerate() {
        let persons = f64::from(people[c].persons);
        let mut f = table.final_use;
        f.iter_mut().for_each(|v| *v *= persons);
        let x = table.gross_output(&f);
        let mut slots = [0.0; N_SECTORS];
        let mut spread = 0.0;
        for s in 0..TABLE_SECTORS {
            day.planned[s] = x[s];
            day.hours[s] = x[s] * table.labour[s];
            match table.slot[s] {
                Some(k) => slots[k] += day.hours[s],
                None => spread += day.hours[s],
            }
        }
        let mapped: f64 = slots.iter().sum();
        for hours in &mut slots {
            *hours += if mapped > 0.0 {
                spread * *hours / mapped
            } else {
                spread / N_SECTORS as f64
            };
        }
        day.persons = persons;
        let work = &mut labour[c];
        work.posted = slots;
        work.unfilled = slots;
    }
}

/// Each sector makes its plan in the share of its syndicate's hours filled (`other` in the
/// share of all hours filled), and the CO2 of what was made and of residents' own fuel is
/// counted. Runs in the Production phase.
pub fn make_table(
    table: Option<Res<TableEconomy>>,
    labour: Res<Days<LabourDay>>,
    mut days: ResMut<Days<TableDay>>,
) {
    let Some(table) = table else {
        return;
    };
    for (c, day) in days.iter_mut().enumerate() {
        let work = &labour[c];
        let share = |posted: f64, unfilled: f64| {
            if posted > 0.0 {
                ((posted - unfilled) / posted).clamp(0.0, 1.0)
            } else {
                1.0
            }
        };
        let all = share(work.posted.iter().sum(), work.unfilled.iter().sum());
        day.household_co2_kg = table.household_co2 * day.persons;
        let mut co2 = day.household_co2_kg;
        for s in 0..TABLE_SECTORS {
            let rate = table.slot[s].map_or(all, |k| share(work.posted[k], work.unfilled[k]));
            day.made[s] = day.planned[s] * rate;
            co2 += day.made[s] * table.co2[s];
        }
        day.co2_kg = co2;
    }
}
