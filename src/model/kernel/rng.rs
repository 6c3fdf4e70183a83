//! Seeded random streams.
//!
//! Every random draw in the model comes from a ChaCha8 stream derived from the scenario seed, a
//! purpose and an index (a community, usually). Giving each purpose its own stream means that a new
//! system drawing numbers does not shift the draws of the others, and giving each community its own
//! stream means the draws do not depend on the order in which communities are processed.

use bevy_ecs::prelude::Resource;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// What a stream is used for. The discriminant is part of the stream number, so never reorder.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub enum Purpose {
    /// Drawing the initial population: ages, skills, appeal, willingness, gardens.
    Setup = 1,
    /// Daily draws of each community: illness, appetite.
    Daily = 2,
    /// Daily weather of each region.
    Weather = 3,
    /// Generating the rail network.
    Rail = 4,
    /// Drawing the adults given no work (`market.unemployed_share`).
    Unemployment = 5,
    /// Each person's values (leisure, goods, environment), drawn at the start.
    Values = 6,
    /// Assemblies: attendance, votes, delegates' deviations.
    Assembly = 7,
    /// Events: newcomers, who falls ill in a wave.
    Events = 8,
    /// Who trains at the regional training centre each day, per community.
    Training = 9,
    /// Guilds founded by people who love a kind of work (`guilds.spontaneous`).
    Guilds = 12,
    /// Each community's daily requests of goods around its members' need (`economy.request_cv`).
    Requests = 13,
    /// Each region's delegate to the world assembly: whether they deviate from the region's
    /// mandate and are seen doing so, per region.
    RegionDelegates = 14,
    /// Each community's daily births and deaths (`[demography]`).
    Demography = 15,
    /// The sexes and ages of each community's persons at the start (`[demography]`).
    Ages = 16,
    /// Each community's size at the start, drawn within `population.size_range`.
    Sizes = 17,
    /// Who moves to the new community when a community splits, per founding community.
    Split = 18,
    /// Who moves between communities, and where (`population.move_rate`).
    Moves = 19,
    /// Each person's wants (`economy.wants_cv`, `economy.optional_goods`), indexed by the
    /// person's serial number: persons counted in the order they are made.
    Wants = 20,
    /// Each community's households at the start, by community (`population.household_sizes`).
    Households = 21,
}

/// A stream for `purpose` and `index` under `seed`.
pub fn stream(seed: u64, purpose: Purpose, index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(((purpose as u64) << 48) | (index & ((1 << 48) - 1)));
    rng
}

/// One daily stream per community, indexed by community id.
#[derive(Resource)]
pub struct CommunityRngs(pub Vec<ChaCha8Rng>);

/// One stream for `purpose` per index `0..count` (a community or a region).
pub fn streams(seed: u64, purpose: Purpose, count: u32) -> Vec<ChaCha8Rng> {
    (0..count)
        .map(|i| stream(seed, purpose, u64::from(i)))
        .collect()
}

impl CommunityRngs {
    pub fn new(seed: u64, communities: u32) -> Self {
        Self(streams(seed, Purpose::Daily, communities))
    }
}

/// Each community's stream of requests of goods (`economy.request_cv`), indexed by community id.
#[derive(Resource)]
pub struct RequestRngs(pub Vec<ChaCha8Rng>);

impl RequestRngs {
    pub fn new(seed: u64, communities: u32) -> Self {
        Self(streams(seed, Purpose::Requests, communities))
    }
}

/// A standard normal draw (Box-Muller).
pub fn standard_normal(rng: &mut ChaCha8Rng) -> f64 {
    use rand::RngExt;
    let u1: f64 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_differ_by_purpose_and_index_and_repeat_by_seed() {
        let draw = |s, p, i| stream(s, p, i).random::<u64>();
        assert_eq!(draw(7, Purpose::Daily, 3), draw(7, Purpose::Daily, 3));
        assert_ne!(draw(7, Purpose::Daily, 3), draw(7, Purpose::Daily, 4));
        assert_ne!(draw(7, Purpose::Daily, 3), draw(7, Purpose::Setup, 3));
        assert_ne!(draw(7, Purpose::Daily, 3), draw(8, Purpose::Daily, 3));
    }
}
