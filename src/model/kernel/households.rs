//! Households (`population.household_sizes` and `population.household_shares`; off when empty).
//!
//! Each person carries the id of their household ([`Household`], a component spawned only when
//! households are on, so a world without them carries nothing), and each household's state is
//! one entry of the [`Households`] resource, indexed by that id: its community, how many persons
//! and how many grown-ups (adults and elders) it holds, and its ties to the household it came
//! from and to those that came from it. Ids are never reused: a household that empties is
//! dissolved (size 0) and stays as a tombstone, so its ties can still be followed.
//!
//! Households are formed by [`form`] at the start (`population::setup`) and when newcomers
//! arrive (`events::arrive`); births join their mother's household and deaths leave theirs
//! (`population::demography`); moves carry whole households, and a grown-up leaving home founds
//! a household of their own tied to the one they left (`population::moves`).

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// No household: the tie of a household that came from none.
pub const NONE: u32 = u32::MAX;

/// The household a person belongs to: an index into [`Households`].
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Household(pub u32);

/// One household.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Home {
    /// The community it lives in.
    pub community: u32,
    /// Persons in it (0: dissolved).
    pub size: u32,
    /// Adults and elders in it.
    pub grown: u32,
    /// The household it came from (a grown-up who left home founds one), or [`NONE`].
    pub kin: u32,
    /// The last household founded by someone who left this one, or [`NONE`]; the others follow
    /// through `next_sibling`.
    pub first_child: u32,
    /// The household founded from the same one before this one, or [`NONE`].
    pub next_sibling: u32,
}

/// Every household, by id.
#[derive(Resource, Clone, Debug, Default)]
pub struct Households {
    pub all: Vec<Home>,
}

impl Households {
    /// Whether households are on (any was formed: every settled world has persons).
    pub fn on(&self) -> bool {
        !self.all.is_empty()
    }

    /// Founds a household of `size` persons, `grown` of them grown-ups, in `community`, tied to
    /// `kin` (or [`NONE`]); returns its id.
    pub fn found(&mut self, community: u32, size: u32, grown: u32, kin: u32) -> u32 {
        let id = self.all.len() as u32;
        let mut home = Home {
            community,
            size,
            grown,
            kin,
            first_child: NONE,
            next_sibling: NONE,
        };
        if let Some(parent) = self.all.get_mut(kin as usize) {
            home.next_sibling = parent.first_child;
            parent.first_child = id;
        }
        self.all.push(home);
        id
    }

    /// A person (a grown-up if `grown`) leaves household `h`, by death or to found their own.
    pub fn leave(&mut self, h: u32, grown: bool) {
        let home = &mut self.all[h as usize];
        home.size -= 1;
        home.grown -= u32::from(grown);
    }

    /// Joins a person (a grown-up if `grown`) to household `h`.
    pub fn join(&mut self, h: u32, grown: bool) {
        let home = &mut self.all[h as usize];
        home.size += 1;
        home.grown += u32::from(grown);
    }

    /// The living households tied to `h`: the one it came from, then those that came from it
    /// (latest first).
    pub fn relatives(&self, h: u32) -> impl Iterator<Item = u32> + '_ {
        let home = self.all[h as usize];
        let children =
            std::iter::successors(Some(home.first_child).filter(|&c| c != NONE), move |&c| {
                Some(self.all[c as usize].next_sibling).filter(|&s| s != NONE)
            });
        std::iter::once(home.kin)
            .filter(|&k| k != NONE)
            .chain(children)
            .filter(move |&r| self.all[r as usize].size > 0)
    }

    /// Groups persons newly of `community` (`grown[i]`: person i is an adult or elder) into new
    /// households drawn from `params`' distribution ([`form`]); returns each person's household.
    pub fn form(
        &mut self,
        rng: &mut ChaCha8Rng,
        params: &crate::model::kernel::params::Params,
        community: u32,
        grown: &[bool],
    ) -> Vec<u32> {
        let pop = &params.population;
        let (of, sizes) = form(rng, &pop.household_sizes, &pop.household_shares, grown);
        let first = self.all.len() as u32;
        for &size in &sizes {
            self.found(community, size, 0, NONE);
        }
        for (&h, &g) in of.iter().zip(grown) {
            self.all[(first + h) as usize].grown += u32::from(g);
        }
        of.into_iter().map(|h| first + h).collect()
    }

    /// Living households and their persons in each of `communities` communities.
    pub fn by_community(&self, communities: usize) -> (Vec<u32>, Vec<u32>) {
        let mut count = vec![0; communities];
        let mut persons = vec![0; communities];
        for home in self.all.iter().filter(|h| h.size > 0) {
            count[home.community as usize] += 1;
            persons[home.community as usize] += home.size;
        }
        (count, persons)
    }
}

/// Draws one household size: `sizes[i]` with chance `shares[i]` (shares add up to 1 within
/// rounding; the last size takes what is left).
pub fn draw_size(rng: &mut ChaCha8Rng, sizes: &[u32], shares: &[f64]) -> u32 {
    let u = rng.random::<f64>() * shares.iter().sum::<f64>();
    let mut acc = 0.0;
    for (&s, &share) in sizes.iter().zip(shares) {
        acc += share;
        if u < acc {
            return s;
        }
    }
    *sizes.last().expect("households are on: sizes are given")
}

/// Groups persons (`grown[i]`: person i is an adult or elder) into households, returning each
/// person's household as an index from 0 in founding order and each household's size.
///
/// Sizes are drawn from the distribution until they hold everyone (the last one cut to fit).
/// Each household is headed by a grown-up, taken in order; if there are fewer grown-ups than
/// households, the last households are dropped and their places shared out over the others one
/// by one. The other places are filled household by household, in order, first with the
/// children and then with the grown-ups left, each in order. A group with no grown-up at all
/// makes one household.
pub fn form(
    rng: &mut ChaCha8Rng,
    sizes: &[u32],
    shares: &[f64],
    grown: &[bool],
) -> (Vec<u32>, Vec<u32>) {
    let n = grown.len() as u32;
    if n == 0 {
        // A site not yet settled: nobody to house.
        return (Vec::new(), Vec::new());
    }
    let mut drawn = Vec::new();
    let mut total = 0;
    while total < n {
        let s = draw_size(rng, sizes, shares).min(n - total);
        drawn.push(s);
        total += s;
    }
    let heads = grown.iter().filter(|&&g| g).count().max(1);
    if drawn.len() > heads {
        let extra: u32 = drawn.drain(heads..).sum();
        for i in 0..extra as usize {
            drawn[i % heads] += 1;
        }
    }
    let mut of = vec![0u32; grown.len()];
    // Places to fill after each head, household by household.
    let mut places = drawn
        .iter()
        .enumerate()
        .flat_map(|(h, &s)| std::iter::repeat_n(h as u32, s.saturating_sub(1) as usize));
    let mut headed = 0;
    let mut rest = Vec::with_capacity(grown.len());
    for (i, &g) in grown.iter().enumerate() {
        if g && headed < drawn.len() {
            of[i] = headed as u32;
            headed += 1;
        } else {
            rest.push(i);
        }
    }
    if headed == 0 {
        // No grown-up: everyone in the one household, headed by the first person.
        rest.remove(0);
    }
    rest.sort_by_key(|&i| grown[i]);
    for i in rest {
        of[i] = places.next().expect("the sizes add up to the persons");
    }
    (of, drawn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kernel::rng::{Purpose, stream};

    #[test]
    fn every_person_has_a_household_headed_by_a_grown_up() {
        let mut rng = stream(1, Purpose::Households, 0);
        for n in [1usize, 2, 7, 60, 200] {
            let grown: Vec<bool> = (0..n).map(|i| i % 4 != 1).collect();
            let (of, sizes) = form(
                &mut rng,
                &[1, 2, 3, 4, 5],
                &[0.3, 0.3, 0.2, 0.1, 0.1],
                &grown,
            );
            assert_eq!(sizes.iter().sum::<u32>() as usize, n);
            let mut counted = vec![0u32; sizes.len()];
            let mut heads = vec![0u32; sizes.len()];
            for (i, &h) in of.iter().enumerate() {
                counted[h as usize] += 1;
                heads[h as usize] += u32::from(grown[i]);
            }
            assert_eq!(counted, sizes);
            assert!(heads.iter().all(|&g| g > 0), "{heads:?}");
        }
        // Only children: one household.
        let (of, sizes) = form(&mut rng, &[1, 2], &[0.5, 0.5], &[false; 3]);
        assert_eq!((of, sizes), (vec![0, 0, 0], vec![3]));
        // Nobody (a site not yet settled): no household, and nothing drawn.
        let before = rng.clone();
        assert_eq!(form(&mut rng, &[1, 2], &[0.5, 0.5], &[]), (vec![], vec![]));
        assert_eq!(rng, before);
    }

    #[test]
    fn relatives_are_the_living_ties() {
        let mut h = Households::default();
        let a = h.found(0, 3, 2, NONE);
        let b = h.found(1, 1, 1, a);
        let c = h.found(2, 1, 1, a);
        assert_eq!(h.relatives(a).collect::<Vec<_>>(), vec![c, b]);
        assert_eq!(h.relatives(b).collect::<Vec<_>>(), vec![a]);
        h.leave(c, true);
        assert_eq!(h.relatives(a).collect::<Vec<_>>(), vec![b]);
        assert_eq!(h.by_community(3), (vec![1, 1, 0], vec![3, 1, 0]));
    }
}
