//! Moves between communities (`population.move_rate`): each day each adult may leave for another
//! settled community of their region, to join family, friends or a guild there, at a constant
//! rate per person and year (an assumption: the essay names no figure). The destination is drawn
//! uniformly among the region's other settled communities with room, that is with fewer persons
//! than `population.split_above` (any, when splitting is off). A person moves alone and brings
//! nothing: land, dwellings, installations and stores stay where they are, as a newcomer's would
//! in a community that took them in. Someone who moves leaves their guild, and a full-time
//! artist returns to ordinary work.
//!
//! Moves to join a guild (`population.guild_move_rate`, [`move_to_guilds`]) come after those: a
//! person who loves a kind of work, and whose community has no guild of it, may move to a
//! community of the region whose guild of it has room, and joins that guild on arrival. They
//! are counted in the same moves and, on their own, as guild moves.
//!
//! One stream (`Purpose::Moves`) is drawn in table order, one draw per adult a day and one more
//! for each mover's destination (and then one per person who could join a guild elsewhere and
//! one more for each guild mover's destination), so the day is the same on any number of
//! threads. With rates of 0 (the default) nothing is drawn and nothing changes.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::demography::Vitals;
use crate::model::guilds::Guild;
use crate::model::kernel::calendar::YEAR;
use crate::model::kernel::components::{AgeClass, Member, Person, Vocation};
use crate::model::kernel::decisions::Government;
use crate::model::kernel::goods::Good;
use crate::model::kernel::households::{Household, Households, NONE};
use crate::model::kernel::params::{Params, Sector};
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
/// [`Vitals::moves_in`] and [`Vitals::moves_out`] by community, and the moves to join a guild
/// ([`move_to_guilds`]) also into [`Vitals::guild_moves`].
#[allow(clippy::too_many_arguments)]
pub fn move_people(
    params: Res<Params>,
    regions: Res<Regions>,
    settled: Res<Settled>,
    mut rng: ResMut<MovesRng>,
    mut vitals: ResMut<Vitals>,
    mut gov: ResMut<Government>,
    mut households: ResMut<Households>,
    mut persons: Query<(&mut Member, &mut Person, Option<&mut Household>, &Vocation)>,
    mut guilds: Query<&mut Guild>,
    mut heads: Local<Vec<u32>>,
    mut going: Local<Vec<u32>>,
) {
    let pop = &params.population;
    let (rate, leave, to_guilds) = (pop.move_rate, pop.leave_home_rate, pop.guild_move_rate);
    let any = rate > 0.0 || leave > 0.0 || to_guilds > 0.0;
    if !any && vitals.moves_out.iter().all(|&m| m == 0) {
        return;
    }
    vitals.moves_in.iter_mut().for_each(|m| *m = 0);
    vitals.moves_out.iter_mut().for_each(|m| *m = 0);
    vitals.family_moves.iter_mut().for_each(|m| *m = 0);
    vitals.guild_moves.iter_mut().for_each(|m| *m = 0);
    if !any {
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
    if rate > 0.0 || leave > 0.0 {
        if households.on() {
            move_households(
                &mut day,
                &mut households,
                &mut going,
                rate / f64::from(YEAR),
            );
        }
        let chance = rate / f64::from(YEAR);
        for (mut member, mut person, home, _) in &mut persons {
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
                        leave_home(&mut households, &mut home, to);
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
            leave_community(&mut person, from, &mut guilds, &mut gov);
        }
    }
    if to_guilds > 0.0 {
        let threshold = params.guilds.founding_appeal as f32;
        let most = params.guilds.max_members;
        move_to_guilds(
            &mut day,
            &mut households,
            &mut persons,
            &mut guilds,
            &mut gov,
            (to_guilds / f64::from(YEAR), threshold, most),
        );
    }
}

/// A grown-up of household `home` leaves it to found a household of their own in community
/// `to`, tied to the one they left.
fn leave_home(households: &mut Households, home: &mut Household, to: usize) {
    let h = home.0;
    households.leave(h, true);
    home.0 = households.found(to as u32, 1, 1, h);
}

/// A person who moved away from community `from` (or died there) leaves their guild there (its
/// member count falls by one) and, if a full-time artist, returns to ordinary work (the
/// community's count of artists falls by one).
pub(super) fn leave_community(
    person: &mut Person,
    from: usize,
    guilds: &mut Query<&mut Guild>,
    gov: &mut Government,
) {
    let (tag, artist) = super::leave_ties(person);
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

/// Moves to join a guild (`population.guild_move_rate`), after the other moves of the day, in
/// table order: each able adult not in a guild who finds making some good appealing enough to
/// found its guild (`threshold`), whose community has no guild of that good, and for whom
/// another community of the region with room has a guild of that good with fewer than `most`
/// members, moves with `chance`, to one such community drawn evenly, and joins the guild there
/// of the good they find most appealing among those open to them (ties by the goods' order).
/// With households, only someone who leaves no child without a grown-up may go: a household
/// of one moves whole; a grown-up who shares a household with another grown-up leaves home.
/// One draw per such person a day and one more for each mover's destination.
fn move_to_guilds(
    day: &mut Day,
    households: &mut Households,
    persons: &mut Query<(&mut Member, &mut Person, Option<&mut Household>, &Vocation)>,
    guilds: &mut Query<&mut Guild>,
    gov: &mut Government,
    (chance, threshold, most): (f64, f32, u32),
) {
    const _: () = assert!(crate::model::kernel::goods::N_GOODS <= 64);
    // Each community's guilds, as a mask of goods, and the guilds with room: (community, good).
    let mut present = vec![0u64; day.heads.len()];
    let mut open: Vec<(usize, Good)> = Vec::new();
    for guild in guilds.iter() {
        present[guild.community as usize] |= 1 << guild.good.index();
        if guild.members < most {
            open.push((guild.community as usize, guild.good));
        }
    }
    if open.is_empty() {
        return;
    }
    for (mut member, mut person, home, vocation) in persons.iter_mut() {
        if person.guild != 0 || !person.is_able_adult() {
            continue;
        }
        let from = member.0 as usize;
        // A good whose guild in `d` this person could join, the one they love most.
        let best = |open: &[(usize, Good)], d: usize| {
            open.iter()
                .filter(|&&(c, good)| {
                    c == d
                        && present[from] & (1 << good.index()) == 0
                        && vocation.appeal.get(Sector::Making(good).index()) >= threshold
                })
                .map(|&(_, good)| good)
                .max_by(|a, b| {
                    let (x, y) = (Sector::Making(*a).index(), Sector::Making(*b).index());
                    vocation.appeal.0[x]
                        .cmp(&vocation.appeal.0[y])
                        .then(b.index().cmp(&a.index()))
                })
        };
        let can = |day: &Day, d: usize| d != from && day.has_room(d, 1) && best(&open, d).is_some();
        let region = day.regions.members(day.regions.of(from));
        if !region.clone().any(|d| can(&*day, d)) {
            continue;
        }
        let alone = home
            .as_ref()
            .is_none_or(|h| households.all[h.0 as usize].size == 1);
        if !alone
            && home
                .as_ref()
                .is_some_and(|h| households.all[h.0 as usize].grown < 2)
        {
            continue;
        }
        if day.rng.random::<f64>() >= chance {
            continue;
        }
        let Some(to) = day.among(from, 1, |day, d| can(day, d)) else {
            continue;
        };
        let Some(good) = best(&open, to) else {
            continue;
        };
        day.count(from, to, 1);
        day.vitals.guild_moves[to] += 1;
        match home {
            Some(home) if alone => households.all[home.0 as usize].community = to as u32,
            Some(mut home) => leave_home(households, &mut home, to),
            None => {}
        }
        member.0 = to as u32;
        leave_community(&mut person, from, guilds, gov);
        person.guild = Guild::tag(good);
        if let Some(mut guild) = guilds
            .iter_mut()
            .find(|g| g.community == to as u32 && g.good == good)
        {
            guild.members += 1;
            if guild.members >= most {
                open.retain(|&(c, g)| (c, g) != (to, good));
            }
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
        self.among(from, size, |_, _| true)
    }

    /// A community `d` of `from`'s region, other than `from`, with room for `size`, for which
    /// `ok(self, d)` holds, drawn evenly.
    fn among(
        &mut self,
        from: usize,
        size: u32,
        ok: impl Fn(&Self, usize) -> bool,
    ) -> Option<usize> {
        let region = self.regions.members(self.regions.of(from));
        let open = region
            .clone()
            .filter(|&d| d != from && self.has_room(d, size) && ok(self, d))
            .count();
        if open == 0 {
            return None;
        }
        let pick = self.rng.random_range(0..open);
        region
            .filter(|&d| d != from && self.has_room(d, size) && ok(self, d))
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
