//! Production: harvests from the common land, food from gardens, cooking in the kitchens.

use bevy_ecs::prelude::*;

use crate::model::kernel::calendar::{Calendar, Clock};
use crate::model::kernel::components::{
    Community, Directory, FarmPlan, KitchenState, StoreRoom, Syndicate,
};
use crate::model::kernel::ledger::{Days, FoodDay, LabourDay};
use crate::model::kernel::params::{Params, Sector};

/// Effective hours a sector got today in a community.
fn filled(day: &LabourDay, sector: Sector) -> f64 {
    let s = sector.index();
    (day.posted[s] - day.unfilled[s]).max(0.0)
}

/// Each farm brings in today's share of its season's harvest, scaled down by the share of the
/// season's labour that went undone.
#[allow(clippy::too_many_arguments)]
pub fn harvest_fields(
    clock: Res<Clock>,
    params: Res<Params>,
    calendar: Res<Calendar>,
    directory: Res<Directory>,
    labour: Res<Days<LabourDay>>,
    mut food: ResMut<Days<FoodDay>>,
    mut stores: Query<&mut StoreRoom>,
    mut farms: Query<(&Syndicate, &mut FarmPlan)>,
    droughts: Res<crate::model::food::droughts::Droughts>,
) {
    let today = clock.day_of_year() as usize;
    let share = calendar.harvest[today];
    // What the farm's workers see of the harvest for their next meeting.
    let seen = params.food.harvest_hours_decided && calendar.in_harvest[today];
    let a = Sector::Agriculture.index();
    for (syndicate, mut plan) in &mut farms {
        let c = syndicate.community as usize;
        let day = &mut food[c];
        plan.season_posted += labour[c].posted[a];
        plan.season_filled += filled(&labour[c], Sector::Agriculture);
        if seen {
            let l = &labour[c];
            let s = &mut plan.harvest_seen;
            s.days += 1;
            s.posted += l.posted[a];
            s.unfilled += l.unfilled[a];
            s.extra += l.harvest_extra_given;
        }
        let kg = plan.planned_ha
            * params.food.yield_kg_per_ha
            * droughts.factor(c, clock.tick)
            * share
            * plan.labour_factor();
        if let Ok(mut store) = stores.get_mut(directory.communities[c]) {
            store.food_kg += kg;
            day.harvested_kg += kg;
        }
    }
}

/// Tended garden plots add their daily yield to the store-room.
pub fn harvest_gardens(
    params: Res<Params>,
    calendar: Res<Calendar>,
    mut food: ResMut<Days<FoodDay>>,
    mut communities: Query<(&Community, &mut StoreRoom)>,
) {
    let per_plot = params.food.garden_yield_kg_per_year / f64::from(calendar.growing_days.max(1));
    for (community, mut store) in &mut communities {
        let day = &mut food[community.id as usize];
        let kg = f64::from(day.gardens_tended) * per_plot;
        store.food_kg += kg;
        day.garden_kg += kg;
    }
}

/// Each kitchen cooks what it planned, as far as the hours it got allow, from the store-room.
pub fn cook_meals(
    params: Res<Params>,
    directory: Res<Directory>,
    labour: Res<Days<LabourDay>>,
    mut food: ResMut<Days<FoodDay>>,
    mut stores: Query<&mut StoreRoom>,
    mut kitchens: Query<(&Syndicate, &mut KitchenState)>,
) {
    let per_kg = params.food.kitchen_hours_per_kg;
    for (syndicate, mut kitchen) in &mut kitchens {
        let c = syndicate.community as usize;
        let day = &mut food[c];
        let Ok(mut store) = stores.get_mut(directory.communities[c]) else {
            continue;
        };
        let by_labour = if per_kg > 0.0 {
            filled(&labour[c], Sector::Kitchen) / per_kg
        } else {
            day.cook_plan_kg
        };
        let kg = day.cook_plan_kg.min(by_labour).min(store.food_kg).max(0.0);
        store.food_kg -= kg;
        kitchen.leftovers[0] += kg;
        day.cooked_kg = kg;
    }
}
