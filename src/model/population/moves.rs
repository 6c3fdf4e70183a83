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
use crate::model::kernel::households::{Household, Households, NONE};
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
    mut households: ResMut<Households>,
    mut persons: Query<(&mut Member, &mut Person, Option<&mut Household>)>,
    mut guilds: Query<&mut Guild>,
    mut heads: Local<Vec<u32>>,
    mut going: Local<Vec<u32>>,
) {
    let pop = &params.population;
    let (rate, leave) = (pop.move_rate, pop.leave_home_rate);
    if rate <= 0.0 && leave <= 0.0 && vitals.moves_out.iter().all(|&m| m == 0) {
        return;
    }
    vitals.moves_in.iter_mut().for_each(|m| *m = 0);
    vitals.moves_out.iter_mut().for_each(|m| *m = 0);
    vitals.family_moves.iter_mut().for_each(|m| *m = 0);
    if rate <= 0.0 && leave <= 0.0 {
        return;
    }
    let n = vitals.moves_in.len();
    heads.clear();
    heads.resize(n, 0);
    for (member, ..) in &persons {
        heads[member.0 as usize] += 1;
    }
    let mut day = Day {
        regions: &regions,
        settled: &settled,
        room: pop.split_above,
        heads: &mut heads,
        rng: &mut rng.0,
        vitals: &mut vitals,
    };
    if households.on() {
        move_households(
            &mut day,
            &mut households,
            &mut going,
            rate / f64::from(YEAR),
        );
    }
    let chance = rate / f64::from(YEAR);
    for (mut member, mut person, home) in &mut persons {
        let from = member.0 as usize;
        let to = match home {
            // With households: the household's move, decided above, or leaving home.
            Some(mut home) => match going.get(home.0 as usize) {
                Some(&to) if to != NONE => to as usize,
                _ if leave > 0.0 && person.age == AgeClass::Adult => {
                    let h = home.0;
                    if households.all[h as usize].grown < 2
                        || day.rng.random::<f64>() >= leave / f64::from(YEAR)
                    {
                        continue;
                    }
                    let Some(to) = day.destination(&households, h, from, 1) else {
                        continue;
                    };
                    day.count(from, to, 1);
                    households.leave(h, true);
                    home.0 = households.found(to as u32, 1, 1, h);
                    to
                }
                _ => continue,
            },
            None => {
                if person.age != AgeClass::Adult || day.rng.random::<f64>() >= chance {
                    continue;
                }
                let Some(to) = day.anywhere(from, 1) else {
                    continue;
                };
                day.count(from, to, 1);
                to
            }
        };
        member.0 = to as u32;
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

/// What the day's moves read and change.
struct Day<'a> {
    regions: &'a Regions,
    settled: &'a Settled,
    /// `population.split_above`: a community is full at this many persons (0: never).
    room: u32,
    /// Persons in each community, kept up to date move by move.
    heads: &'a mut Vec<u32>,
    rng: &'a mut ChaCha8Rng,
    vitals: &'a mut Vitals,
}

impl Day<'_> {
    /// Whether community `d` is settled and has room for `size` more persons.
    fn has_room(&self, d: usize, size: u32) -> bool {
        self.settled.is(d) && (self.room == 0 || self.heads[d] + size <= self.room)
    }

    /// A community of `from`'s region, other than `from`, with room for `size`, drawn evenly.
    fn anywhere(&mut self, from: usize, size: u32) -> Option<usize> {
        let region = self.regions.members(self.regions.of(from));
        let open = region
            .clone()
            .filter(|&d| d != from && self.has_room(d, size))
            .count();
        if open == 0 {
            return None;
        }
        let pick = self.rng.random_range(0..open);
        region
            .filter(|&d| d != from && self.has_room(d, size))
            .nth(pick)
    }

    /// Where household `h` (or someone leaving it: `size` persons) in `from` goes: a relative
    /// household's community of the region with room, drawn evenly among such relatives, or
    /// else any other community of the region with room ([`Day::anywhere`]).
    fn destination(
        &mut self,
        households: &Households,
        h: u32,
        from: usize,
        size: u32,
    ) -> Option<usize> {
        let near = |day: &Self, r: u32| {
            let d = households.all[r as usize].community as usize;
            d != from && day.regions.of(d) == day.regions.of(from) && day.has_room(d, size)
        };
        let kin = households.relatives(h).filter(|&r| near(self, r)).count();
        if kin == 0 {
            return self.anywhere(from, size);
        }
        let pick = self.rng.random_range(0..kin);
        let r = households
            .relatives(h)
            .filter(|&r| near(self, r))
            .nth(pick)?;
        let to = households.all[r as usize].community as usize;
        self.vitals.family_moves[to] += size;
        Some(to)
    }

    /// Counts `size` persons moving from `from` to `to`.
    fn count(&mut self, from: usize, to: usize, size: u32) {
        self.heads[from] -= size;
        self.heads[to] += size;
        self.vitals.moves_out[from] += size;
        self.vitals.moves_in[to] += size;
    }
}

/// Decides which households move whole today and where, each with chance `chance`, in the order
/// of their ids: `going[h]` is the destination, or [`NONE`].
fn move_households(day: &mut Day, households: &mut Households, going: &mut Vec<u32>, chance: f64) {
    going.clear();
    going.resize(households.all.len(), NONE);
    if chance <= 0.0 {
        return;
    }
    for h in 0..households.all.len() {
        let home = households.all[h];
        let from = home.community as usize;
        if home.size == 0 || day.rng.random::<f64>() >= chance {
            continue;
        }
        let Some(to) = day.destination(households, h as u32, from, home.size) else {
            continue;
        };
        day.count(from, to, home.size);
        households.all[h].community = to as u32;
        going[h] = to as u32;
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
