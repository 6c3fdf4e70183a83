//! Needs: each person's food need today, summed per community.

use bevy_ecs::prelude::*;
use rand::RngExt;

use crate::model::kernel::chunks::{community_chunks, each_piece, split_by};
use crate::model::kernel::components::{AgeClass, Member, Person};
use crate::model::kernel::ledger::{
    BuildDay, Days, EnergyDay, FoodDay, GoodsDay, LabourDay, LearningDay, PeopleDay, RailDay,
};
use crate::model::kernel::params::Params;
use crate::model::kernel::regions::Urban;
use crate::model::kernel::rng::CommunityRngs;

/// Clears yesterday's figures in every ledger so today's can be summed.
#[allow(clippy::too_many_arguments)]
pub fn reset_ledgers(
    mut people: ResMut<Days<PeopleDay>>,
    mut food: ResMut<Days<FoodDay>>,
    mut labour: ResMut<Days<LabourDay>>,
    mut goods: ResMut<Days<GoodsDay>>,
    mut energy: ResMut<Days<EnergyDay>>,
    mut rail: ResMut<Days<RailDay>>,
    mut builds: ResMut<Days<BuildDay>>,
    mut learning: ResMut<Days<LearningDay>>,
) {
    people.clear();
    food.clear();
    labour.clear();
    goods.clear();
    energy.clear();
    rail.clear();
    // The guilds' ledger is not cleared: what they made yesterday is kept for the goods plan,
    // which expects it again and clears it.
    builds.clear();
    learning.clear();
}

/// Each person's need today: an adult's need, scaled for children, times a day-to-day appetite
/// factor with mean 1 and the scenario's coefficient of variation (uniform, so never negative for
/// a coefficient below 0.58, which validation enforces).
pub fn assess_needs(
    params: Res<Params>,
    mut rngs: ResMut<CommunityRngs>,
    mut census: ResMut<Days<PeopleDay>>,
    mut food: ResMut<Days<FoodDay>>,
    mut persons: Query<(&Member, &mut Person)>,
    urban: Res<Urban>,
) {
    for (c, day) in census.iter_mut().enumerate() {
        day.urban = urban.is(c);
    }
    let adult_kg = params.adult_need_kg();
    let child_kg = adult_kg * params.food.child_need_factor;
    // A uniform on [1 - a, 1 + a] has standard deviation a / sqrt(3).
    let spread = params.food.appetite_cv * 3f64.sqrt();
    let n = census.len();
    let Ok(tables) = persons.contiguous_iter_mut() else {
        unreachable!("a query of components is always dense");
    };
    for (members, mut people) in tables {
        let people = people.bypass_change_detection();
        // In parallel over whole communities: each touches only its own streams and sums.
        let (ranges, spans) = community_chunks(members, n);
        let days = split_by(&mut census.0, &spans);
        let food_days = split_by(&mut food.0, &spans);
        let streams = split_by(&mut rngs.0, &spans);
        let people = split_by(people, &ranges);
        let pieces: Vec<_> = ranges
            .into_iter()
            .zip(spans)
            .zip(days)
            .zip(food_days)
            .zip(streams)
            .zip(people)
            .collect();
        each_piece(
            pieces,
            |(((((range, span), days), food_days), streams), people)| {
                // A community's persons come in runs (all of them, unless newcomers are stored
                // apart): each run's sums are kept in locals, starting from the community's
                // figures so far and added in the same order, so the figures are the same to
                // the bit as adding every person into the ledgers, without waiting on a write
                // to memory after each person.
                let mut start = range.start;
                while start < range.end {
                    let community = members[start].0;
                    let end = (start + 1..range.end)
                        .find(|&i| members[i].0 != community)
                        .unwrap_or(range.end);
                    let c = community as usize - span.start;
                    let rng = &mut streams[c];
                    let (day, food) = (&mut days[c], &mut food_days[c]);
                    let mut persons = day.persons;
                    let mut count = day.headcount;
                    let (mut need_kg, mut priority_kg, mut gardeners) =
                        (food.need_kg, food.priority_need_kg, food.gardeners);
                    for i in start..end {
                        let person = &mut people[i - range.start];
                        let base = if person.age == AgeClass::Child {
                            child_kg
                        } else {
                            adult_kg
                        };
                        let appetite = if spread > 0.0 {
                            1.0 + spread * (2.0 * rng.random::<f64>() - 1.0)
                        } else {
                            1.0
                        };
                        let need = base * appetite;
                        person.ration.need = need as f32;
                        person.ration.delivered = 0.0;
                        persons += 1;
                        need_kg += need;
                        if person.has_priority() {
                            priority_kg += need;
                        }
                        if person.gardener {
                            gardeners += 1;
                        }
                        count.add(person);
                    }
                    day.persons = persons;
                    day.headcount = count;
                    (food.need_kg, food.priority_need_kg, food.gardeners) =
                        (need_kg, priority_kg, gardeners);
                    start = end;
                }
            },
        );
    }
}
