//! Planning: production targets follow need minus stocks, and syndicates post the hours their
//! targets need.
//!
//! In this slice the rules below stand in for the community assembly's decisions: the farm plans
//! a season's land from a year's need minus the stock that will be left at harvest and the food
//! gardens are expected to add, and the kitchen cooks for tomorrow from its forecast.

use bevy_ecs::prelude::*;

use crate::model::food::droughts::Droughts;
use crate::model::food::outlook::Outlook;
use crate::model::kernel::calendar::{Calendar, Clock, YEAR};
use crate::model::kernel::components::{
    Directory, FarmPlan, KitchenState, Land, StoreRoom, Syndicate,
};
use crate::model::kernel::decisions::Government;
use crate::model::kernel::ledger::{Days, FoodDay, LabourDay};
use crate::model::kernel::params::{Params, Sector};
use crate::model::kernel::regions::Regions;

/// On the planning day, each agricultural syndicate decides how much land to work this season.
///
/// Target harvest = a year's need plus the reserve, minus what gardens are expected to add, minus
/// the stock that will be left over when the harvest comes in. Land is the target over the yield,
/// at most the community's arable land. A large stock therefore idles the syndicate, and it
/// resumes once the stock has run down. Where rail freight runs, the region agrees to grow for
/// its members whose land falls short: their shortfall is shared among the members with land to
/// spare, in proportion to that spare land, and moved by rail later in the year.
#[allow(clippy::too_many_arguments)]
pub fn plan_season(
    clock: Res<Clock>,
    params: Res<Params>,
    calendar: Res<Calendar>,
    days: Res<Days<FoodDay>>,
    directory: Res<Directory>,
    stores: Query<(&StoreRoom, &Land)>,
    mut farms: Query<(&Syndicate, &mut FarmPlan)>,
    droughts: Res<Droughts>,
    gov: Res<Government>,
    regions: Res<Regions>,
) {
    let day = clock.day_of_year();
    // The first tick plans the season already under way, so a run may start on any day.
    if day != params.food.planning_day && clock.tick != 0 {
        return;
    }
    let food = &params.food;
    let to_harvest = f64::from(calendar.days_to_harvest[day as usize]);
    let n = days.len();
    // Each community's own target and the harvest its land can give (kg).
    let mut target = vec![0.0; n];
    let mut capacity = vec![0.0; n];
    for (c, today) in days.iter().enumerate() {
        let Ok((store, land)) = stores.get(directory.communities[c]) else {
            continue;
        };
        let daily_need = today.need_kg;
        let gardens = f64::from(today.gardeners) * food.garden_yield_kg_per_year;
        let carry_over = (store.food_kg - daily_need * to_harvest).max(0.0);
        target[c] =
            (daily_need * f64::from(YEAR) * (1.0 + food.reserve_share) - gardens - carry_over)
                .max(0.0);
        // A drought under way when the season is planned lowers what the land can give.
        capacity[c] = land.arable_ha * food.yield_kg_per_ha * droughts.factor(c, clock.tick);
    }
    // Extra grown for others (kg, by the giver) and food promised (kg, to the receiver).
    let mut extra = vec![0.0; n];
    let mut promised = vec![0.0; n];
    if params.rail.freight {
        for (region, members) in regions.all().enumerate() {
            // The regional assembly may have let the agreement lapse.
            if !gov.food_agreement.get(region).copied().unwrap_or(true) {
                continue;
            }
            let short: f64 = members
                .clone()
                .map(|c| (target[c] - capacity[c]).max(0.0))
                .sum();
            let spare: f64 = members
                .clone()
                .map(|c| (capacity[c] - target[c]).max(0.0))
                .sum();
            if short > 0.0 && spare > 0.0 {
                let given = short.min(spare);
                for c in members {
                    extra[c] = (capacity[c] - target[c]).max(0.0) * given / spare;
                    promised[c] = (target[c] - capacity[c]).max(0.0) * given / short;
                }
            }
        }
    }
    for (syndicate, mut plan) in &mut farms {
        let c = syndicate.community as usize;
        let kg = (target[c] + extra[c]).min(capacity[c]);
        let yield_now = food.yield_kg_per_ha * droughts.factor(c, clock.tick);
        plan.planned_ha = if yield_now > 0.0 {
            (kg / yield_now).min(capacity[c] / yield_now)
        } else {
            0.0
        };
        plan.regional_kg = promised[c] - extra[c];
        plan.season_posted = 0.0;
        plan.season_filled = 0.0;
    }
}

/// How much food each community hands out today. Without scarcity, everyone's need. With
/// rationing on, the community looks ahead: what it holds plus what the current season's harvest
/// should still bring must last until the peak of the next season's harvest, and, before this
/// season's peak, what it holds must last until that peak. If either falls short, the food is
/// spread evenly over the days instead. With assemblies on, rationing is a decision: a community
/// rations only once its assembly has voted to (see `assembly`), until the scarcity is over
/// (a day whose outlook is full ends it, in `assembly::remember_day`; the limit does not bind
/// on such a day anyway).
#[allow(clippy::too_many_arguments)]
pub fn decide_allowance(
    clock: Res<Clock>,
    params: Res<Params>,
    calendar: Res<Calendar>,
    directory: Res<Directory>,
    mut days: ResMut<Days<FoodDay>>,
    stores: Query<&StoreRoom>,
    kitchens: Query<&KitchenState>,
    farms: Query<&FarmPlan>,
    gov: Res<Government>,
) {
    let day = clock.day_of_year() as usize;
    let voted = params.assembly.enabled;
    for (c, today) in days.iter_mut().enumerate() {
        let store = stores
            .get(directory.communities[c])
            .map_or(0.0, |s| s.food_kg);
        let leftovers = kitchens
            .get(directory.kitchens[c])
            .map_or(0.0, |k| k.leftovers_total());
        let available = store + leftovers;
        today.allowance_kg = today.need_kg.min(available);
        if params.food.rationing {
            let farm = farms.get(directory.farms[c]).ok();
            let outlook = Outlook::new(
                store,
                leftovers,
                farm,
                params.food.yield_kg_per_ha,
                &calendar,
                day,
            );
            // What is held plus what is still to come must last until the next season's peak,
            // and, before this season's peak, what is held must last until that peak.
            let limit = outlook.daily_limit();
            today.food_outlook = if today.need_kg > 0.0 {
                (limit / today.need_kg).min(1.0)
            } else {
                1.0
            };
            if !voted || gov.rationing[c] {
                today.allowance_kg = today.allowance_kg.min(limit);
            }
        } else {
            today.food_outlook = 1.0;
        }
    }
}

/// Each farm posts the share of its season's labour that falls on today; on a harvest day,
/// under `food.harvest_hours_decided`, with the extra hours its workers agreed to give it (at
/// most `food.harvest_hours_max`).
pub fn post_farm_hours(
    clock: Res<Clock>,
    params: Res<Params>,
    calendar: Res<Calendar>,
    mut labour: ResMut<Days<LabourDay>>,
    farms: Query<(&Syndicate, &FarmPlan)>,
) {
    let today = clock.day_of_year() as usize;
    let share = calendar.labour[today];
    let a = Sector::Agriculture.index();
    let food = &params.food;
    let extra = food.harvest_hours_decided && calendar.in_harvest[today];
    for (syndicate, plan) in &farms {
        let hours = plan.planned_ha * food.labour_hours_per_ha * share;
        let day = &mut labour[syndicate.community as usize];
        day.posted[a] = hours;
        day.unfilled[a] = hours;
        if extra {
            day.harvest_extra = plan.harvest_extra.min(food.harvest_hours_max) as f32;
        }
    }
}

/// Each kitchen plans to cook its forecast (at most its share of today's allowance) plus a margin
/// for latecomers, less the leftovers it already keeps, and no more than the store holds; it posts
/// the hours that cooking takes.
pub fn post_kitchen_hours(
    params: Res<Params>,
    directory: Res<Directory>,
    mut food: ResMut<Days<FoodDay>>,
    mut labour: ResMut<Days<LabourDay>>,
    stores: Query<&StoreRoom>,
    kitchens: Query<(&Syndicate, &KitchenState)>,
) {
    let k = Sector::Kitchen.index();
    for (syndicate, kitchen) in &kitchens {
        let c = syndicate.community as usize;
        let store = stores
            .get(directory.communities[c])
            .map_or(0.0, |s| s.food_kg);
        let day = &mut food[c];
        // The kitchen never cooks for more than today's allowance (and what is left on plates):
        // under rationing, food cooked beyond it would only spoil.
        let expected = kitchen.forecast_kg.min(
            day.allowance_kg * params.food.kitchen_share / (1.0 - params.food.plate_waste_share),
        );
        let wanted =
            (expected * (1.0 + params.food.kitchen_margin) - kitchen.leftovers_total()).max(0.0);
        day.cook_plan_kg = wanted.min(store);
        day.cooking_kwh = day.cook_plan_kg * params.footprint.cooking_kwh_per_kg;
        let hours = day.cook_plan_kg * params.food.kitchen_hours_per_kg;
        labour[c].posted[k] = hours;
        labour[c].unfilled[k] = hours;
    }
}
