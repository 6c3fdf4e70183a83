//! Needs: each person's food need today, summed per community.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rayon::prelude::*;

use crate::model::kernel::chunks::{community_chunks, split_by};
use crate::model::kernel::components::{AgeClass, CommunityDay, Ledger, Member, Person, Ration};
use crate::model::kernel::params::Params;
use crate::model::kernel::rng::CommunityRngs;

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
    let n = ledger.days.len();
    let Ok(tables) = persons.contiguous_iter_mut() else {
        unreachable!("a query of components is always dense");
    };
    for (members, people, mut rations) in tables {
        let rations = rations.bypass_change_detection();
        // In parallel over whole communities: each touches only its own streams and sums.
        let (ranges, spans) = community_chunks(members, n);
        let days = split_by(&mut ledger.days, &spans);
        let streams = split_by(&mut rngs.0, &spans);
        let rations = split_by(rations, &ranges);
        ranges
            .into_par_iter()
            .zip(spans)
            .zip(days)
            .zip(streams)
            .zip(rations)
            .for_each(|((((range, span), days), streams), rations)| {
                for (i, ration) in range.zip(rations.iter_mut()) {
                    let c = members[i].0 as usize - span.start;
                    let person = &people[i];
                    let base = if person.age == AgeClass::Child {
                        child_kg
                    } else {
                        adult_kg
                    };
                    let appetite = if spread > 0.0 {
                        1.0 + spread * (2.0 * streams[c].random::<f64>() - 1.0)
                    } else {
                        1.0
                    };
                    let need = base * appetite;
                    ration.need = need as f32;
                    ration.delivered = 0.0;
                    let day = &mut days[c];
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
            });
    }
}
