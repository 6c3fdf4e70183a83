//! Sites, splits and moves (issue 14): a community of size 0 is a site, inert until a community
//! of its region grows past `population.split_above` and founds it with a share of everything
//! it has; persons may move between the settled communities of a region
//! (`population.move_rate`).

use crate::common::scenario;
use commune::model::{Params, Simulation};

/// `params` with a site (a community of size 0) added after its last community, in the same
/// region (one region of them all), and demography off.
fn with_site(params: &Params, seed: u64) -> (Params, Params) {
    let mut without = params.clone();
    without.demography.enabled = false;
    let mut sizes = without.community_sizes(seed);
    let n = sizes.len() as u32;
    without.population.size_range.clear();
    without.population.sizes = sizes.clone();
    without.population.communities_per_region = n + 1;
    let mut with = without.clone();
    sizes.push(0);
    with.population.sizes = sizes;
    with.population.communities = n + 1;
    (without, with)
}

fn load(name: &str) -> Params {
    commune::scenario::load(&scenario(name)).unwrap().params
}

/// A site at the end of the world is inert: every column of the world's metrics, to the bit, and
/// every decision are what they are without it, day after day (no community counts differ: the
/// columns that count communities count settled ones).
#[test]
fn a_site_changes_nothing_until_it_is_founded() {
    let mut region = load("region");
    region.population.communities = 3;
    for (name, params, days) in [
        ("village", load("village"), 400),
        ("labour-exchange", load("labour-exchange"), 400),
        ("region of 3", region, 300),
    ] {
        let seed = 3;
        let (without, with) = with_site(&params, seed);
        let (mut a, mut b) = (Simulation::new(without, seed), Simulation::new(with, seed));
        for day in 0..days {
            let (ra, rb) = (a.step(), b.step());
            assert_eq!(format!("{ra:?}"), format!("{rb:?}"), "{name}, day {day}");
        }
        assert_eq!(a.decisions(), b.decisions(), "{name}");
    }
}
