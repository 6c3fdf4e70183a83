//! Needs: each person's food need today, summed per community.

use bevy_ecs::prelude::*;
use rand::RngExt;

use super::components::{AgeClass, CommunityDay, Ledger, Member, Person, Ration};
use super::params::Params;
use super::rng::CommunityRngs;

/// Clears yesterday's figures so today's can be summed.
pub fn reset_ledger(mut ledger: ResMut<Ledger>) {
    // What guilds made yesterday is kept: the goods plan expects it again.
    ledger.days.iter_mut().for_each(|d| {
        *d = CommunityDay {
            guild_made: d.guild_made,
            ..Default::default()
        }
    });
}

/// Each person's need today: an adult's need, scaled for children, times a day-to-day appetite
/// factor with mean 1 and the scenario's coefficient of variation (uniform, so never negative for
/// a coefficient below 0.58, which validation enforces).
pub fn assess_needs(
    params: Res<Params>,
    mut rngs: ResMut<CommunityRngs>,
    mut ledger: ResMut<Ledger>,
    mut persons: Query<(&Member, &Person, &mut Ration)>,
) {
    let adult_kg = params.adult_need_kg();
    let child_kg = adult_kg * params.food.child_need_factor;
    // A uniform on [1 - a, 1 + a] has standard deviation a / sqrt(3).
    let spread = params.food.appetite_cv * 3f64.sqrt();
    for (member, person, mut ration) in &mut persons {
        let c = member.0 as usize;
        let base = if person.age == AgeClass::Child {
            child_kg
        } else {
            adult_kg
        };
        let appetite = if spread > 0.0 {
            1.0 + spread * (2.0 * rngs.0[c].random::<f64>() - 1.0)
        } else {
            1.0
        };
        let need = base * appetite;
        ration.need = need as f32;
        ration.delivered = 0.0;
        let day = &mut ledger.days[c];
        day.persons += 1;
        day.need_kg += need;
        if person.has_priority() {
            day.priority_need_kg += need;
        }
        if person.gardener {
            day.gardeners += 1;
        }
        let count = &mut day.headcount;
        match person.age {
            AgeClass::Child => count.children += 1.0,
            AgeClass::Adult => count.adults += 1.0,
            AgeClass::Elder => count.elders += 1.0,
        }
        if person.has_priority() {
            count.ill += 1.0;
        }
    }
}
