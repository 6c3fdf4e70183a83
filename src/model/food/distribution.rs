//! Distribution by need: the kitchen serves from what it has cooked, oldest first; what it cannot
//! serve is taken home raw from the store-room; under scarcity the ill and incapacitated are served
//! first and everyone else gets the same share of their need.

use bevy_ecs::prelude::*;

use crate::model::kernel::chunks::each_piece;
use crate::model::kernel::components::{
    Directory, KitchenState, Member, Person, StoreRoom, Syndicate,
};
use crate::model::kernel::ledger::{Days, FoodDay};
use crate::model::kernel::params::Params;

/// Weight of today's demand in the kitchen's forecast for tomorrow (0..1).
const FORECAST_WEIGHT: f64 = 0.3;

/// Serves each community's allowance and works out the shares of need delivered.
pub fn serve_food(
    params: Res<Params>,
    directory: Res<Directory>,
    mut days: ResMut<Days<FoodDay>>,
    mut stores: Query<&mut StoreRoom>,
    mut kitchens: Query<(&Syndicate, &mut KitchenState)>,
) {
    let food = &params.food;
    for (syndicate, mut kitchen) in &mut kitchens {
        let c = syndicate.community as usize;
        let day = &mut days[c];
        let Ok(mut store) = stores.get_mut(directory.communities[c]) else {
            continue;
        };
        // The kitchen serves its share of the allowance, oldest leftovers first; a share of what
        // is served is left on plates, so it serves that much more.
        let demand = day.allowance_kg * food.kitchen_share;
        let plate = food.plate_waste_share;
        let served_wanted = demand / (1.0 - plate);
        let mut to_serve = served_wanted;
        for slot in kitchen.leftovers.iter_mut().rev() {
            let take = slot.min(to_serve);
            *slot -= take;
            to_serve -= take;
        }
        let served = served_wanted - to_serve;
        let from_kitchen = served * (1.0 - plate);
        day.wasted_kg += served - from_kitchen;
        // The rest of the allowance is taken home raw; households waste a share of what they take.
        let keep = 1.0 - food.household_waste_share;
        let home_wanted = day.allowance_kg - from_kitchen;
        let taken = (home_wanted / keep).min(store.food_kg).max(0.0);
        store.food_kg -= taken;
        let from_home = taken * keep;
        day.wasted_kg += taken - from_home;
        day.eaten_kg = from_kitchen + from_home;
        kitchen.forecast_kg =
            (1.0 - FORECAST_WEIGHT) * kitchen.forecast_kg + FORECAST_WEIGHT * served_wanted;
        // Shares of need: the ill and incapacitated first, then an equal share for everyone else.
        let delivered = day.eaten_kg;
        let priority = day.priority_need_kg;
        let others = day.need_kg - priority;
        day.share_priority = if priority > 0.0 {
            (delivered / priority).min(1.0)
        } else {
            1.0
        };
        day.share_other = if others > 0.0 {
            ((delivered - priority * day.share_priority) / others).clamp(0.0, 1.0)
        } else {
            1.0
        };
    }
}

/// Persons per piece of [`deliver_rations`]' pass (each person's ration is their own, so the
/// pieces do not change a figure).
const RATION_CHUNK: usize = 16_384;

/// Each person receives their community's share of their need. In parallel over fixed pieces of
/// the persons' table: at a million persons a serial pass was most of the distribution phase.
pub fn deliver_rations(days: Res<Days<FoodDay>>, mut persons: Query<(&Member, &mut Person)>) {
    let Ok(tables) = persons.contiguous_iter_mut() else {
        unreachable!("a query of components is always dense");
    };
    for (members, mut people) in tables {
        let people = people.bypass_change_detection();
        let pieces: Vec<_> = members
            .chunks(RATION_CHUNK)
            .zip(people.chunks_mut(RATION_CHUNK))
            .collect();
        each_piece(pieces, |(members, people)| {
            for (member, person) in members.iter().zip(people) {
                let day = &days[member.0 as usize];
                let share = if person.has_priority() {
                    day.share_priority
                } else {
                    day.share_other
                };
                person.ration.delivered = person.ration.need * share as f32;
            }
        });
    }
}
