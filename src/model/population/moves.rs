//! Moves between communities (`population.move_rate`): each day each adult may leave for another
//! settled community of their region, to join family, friends or a guild there, at a constant
//! rate per person and year (an assumption: the essay names no figure). The destination is drawn
//! uniformly among the region's other settled communities with room, that is with fewer persons
//! than `population.split_above` (any, when splitting is off). A person moves alone and brings
//! nothing: land, dwellings, installations and stores stay where they are, as a newcomer's would
//! in a community that took them in. Someone who moves leaves their guild, and a full-time
//! artist returns to ordinary work.
//!
//! One stream (`Purpose::Moves`) is drawn in table order, one draw per adult a day and one more
//! for each mover's destination, so the day is the same on any number of threads. With a rate
//! of 0 (the default) nothing is drawn and nothing changes.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::demography::Vitals;
use crate::model::guilds::Guild;
use crate::model::kernel::calendar::YEAR;
use crate::model::kernel::components::{AgeClass, Member, Person};
use crate::model::kernel::decisions::Government;
use crate::model::kernel::params::Params;
use crate::model::kernel::regions::{Regions, Settled};
use crate::model::kernel::rng::{Purpose, stream};

/// The stream of who moves and where.
#[derive(Resource)]
pub struct MovesRng(pub ChaCha8Rng);

impl MovesRng {
    pub fn new(seed: u64) -> Self {
        Self(stream(seed, Purpose::Moves, 0))
    }
}

/// The day's moves (the last system of [`crate::model::Phase::Life`]): counted into
/// [`Vitals::moves_in`] and [`Vitals::moves_out`] by community.
#[allow(clippy::too_many_arguments)]
pub fn move_people(
    params: Res<Params>,
    regions: Res<Regions>,
    settled: Res<Settled>,
    mut rng: ResMut<MovesRng>,
    mut vitals: ResMut<Vitals>,
    mut gov: ResMut<Government>,
    mut persons: Query<(&mut Member, &mut Person)>,
    mut guilds: Query<&mut Guild>,
    mut heads: Local<Vec<u32>>,
) {
    let rate = params.population.move_rate;
    if rate <= 0.0 && vitals.moves_out.iter().all(|&m| m == 0) {
        return;
    }
    vitals.moves_in.iter_mut().for_each(|m| *m = 0);
    vitals.moves_out.iter_mut().for_each(|m| *m = 0);
    if rate <= 0.0 {
        return;
    }
    let chance = rate / f64::from(YEAR);
    let room = params.population.split_above;
    let n = vitals.moves_in.len();
    heads.clear();
    heads.resize(n, 0);
    for (member, _) in &persons {
        heads[member.0 as usize] += 1;
    }
    let has_room = |heads: &[u32], d: usize| settled.is(d) && (room == 0 || heads[d] < room);
    let rng = &mut rng.0;
    for (mut member, mut person) in &mut persons {
        if person.age != AgeClass::Adult || rng.random::<f64>() >= chance {
            continue;
        }
        let from = member.0 as usize;
        let region = regions.members(regions.of(from));
        let open = region
            .clone()
            .filter(|&d| d != from && has_room(&heads, d))
            .count();
        if open == 0 {
            continue;
        }
        let pick = rng.random_range(0..open);
        let Some(to) = region
            .filter(|&d| d != from && has_room(&heads, d))
            .nth(pick)
        else {
            unreachable!("pick is below the count of open communities");
        };
        heads[from] -= 1;
        heads[to] += 1;
        member.0 = to as u32;
        vitals.moves_out[from] += 1;
        vitals.moves_in[to] += 1;
        let (tag, artist) = super::leave_ties(&mut person);
        if tag != 0
            && let Some(mut guild) = guilds
                .iter_mut()
                .find(|g| g.community == from as u32 && Guild::tag(g.good) == tag)
        {
            guild.members = guild.members.saturating_sub(1);
        }
        if artist {
            gov.artists[from] = gov.artists[from].saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Simulation;

    fn region(move_rate: f64) -> Params {
        let mut p = Params::default();
        p.population.communities = 4;
        p.population.communities_per_region = 2;
        p.population.persons_per_community = 60;
        p.population.move_rate = move_rate;
        p
    }

    /// Persons in each community, counted from the persons.
    fn sizes(sim: &mut Simulation) -> Vec<u32> {
        let world = sim.world_mut();
        let mut sizes = vec![0; 4];
        for member in world.query::<&Member>().iter(world) {
            sizes[member.0 as usize] += 1;
        }
        sizes
    }

    /// Persons are conserved, they move only within their region, and what the metrics count
    /// is what happened to the persons.
    #[test]
    fn moves_stay_in_the_region_and_conserve_persons() {
        let mut sim = Simulation::new(region(2.0), 7);
        let mut moved = 0;
        for _ in 0..60 {
            let before = sizes(&mut sim);
            let m = sim.step();
            let after = sizes(&mut sim);
            let vitals = sim.world_mut().resource::<Vitals>();
            assert_eq!(before.iter().sum::<u32>(), after.iter().sum::<u32>());
            for c in 0..4 {
                let change = i64::from(after[c]) - i64::from(before[c]);
                assert_eq!(
                    change,
                    i64::from(vitals.moves_in[c]) - i64::from(vitals.moves_out[c])
                );
            }
            // Regions {0, 1} and {2, 3} each keep their persons.
            assert_eq!(after[0] + after[1], 120);
            assert_eq!(after[2] + after[3], 120);
            assert_eq!(
                m.moves,
                vitals.moves_out.iter().map(|&x| u64::from(x)).sum::<u64>()
            );
            moved += m.moves;
        }
        assert!(moved > 0);
    }
}
