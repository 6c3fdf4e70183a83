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

/// What communities `a` and `b` hold, summed, and each one's part.
#[derive(Clone, Copy, Debug, Default)]
struct Holding {
    persons: f64,
    arable_ha: f64,
    gardeners: f64,
    food_kg: f64,
    goods: f64,
    m2: f64,
    kw: f64,
    storage_kwh: f64,
}

impl Holding {
    fn figures(&self) -> [f64; 8] {
        [
            self.persons,
            self.arable_ha,
            self.gardeners,
            self.food_kg,
            self.goods,
            self.m2,
            self.kw,
            self.storage_kwh,
        ]
    }
}

fn holding(sim: &mut Simulation, c: u32) -> Holding {
    use commune::model::energy::EnergySystem;
    use commune::model::housing::Dwellings;
    use commune::model::kernel::components::*;
    let world = sim.world_mut();
    let mut h = Holding::default();
    for (m, p) in world.query::<(&Member, &Person)>().iter(world) {
        if m.0 == c {
            h.persons += 1.0;
            h.gardeners += f64::from(u8::from(p.gardener));
        }
    }
    let d = world.resource::<Directory>();
    let (e, k) = (d.communities[c as usize], d.kitchens[c as usize]);
    h.arable_ha = world.get::<Land>(e).unwrap().arable_ha;
    h.food_kg = world.get::<StoreRoom>(e).unwrap().food_kg
        + world.get::<KitchenState>(k).unwrap().leftovers_total();
    h.goods = world.get::<Stocks>(e).unwrap().0.iter().sum();
    h.m2 = world.get::<Dwellings>(e).unwrap().m2;
    let system = world.get::<EnergySystem>(e).unwrap();
    h.kw = system.capacity_kw.iter().sum();
    h.storage_kwh = system.storage_kwh + system.stored_kwh;
    h
}

/// A village of 205 with a site beside it (the shipped split scenario's world, demography on).
fn crowded() -> Params {
    commune::scenario::load(&scenario("split"))
        .unwrap()
        .with_values(
            &["population.sizes"],
            &[toml::Value::Array(vec![205.into(), 0.into()])],
        )
        .unwrap()
        .params
}

/// A community past `split_above` votes to split within its first meetings, and on the day the
/// site is founded the two together hold exactly what the founder held the moment before:
/// persons, arable land, food in store and kept, goods in stock, floor area, installed capacity
/// and storage; the new community holds the share of each that is its share of persons (its
/// gardeners are those who moved). Over the next 120 days both eat and work: the new community's
/// food satisfaction is not far below the founder's, and its members fill most of the hours its
/// syndicates ask for. 20 seeds.
#[test]
fn a_community_past_200_splits_and_the_two_conserve_what_it_had() {
    use commune::model::metrics::community::CommunityMetrics;
    let params = crowded();
    for seed in 1..=20u64 {
        let mut sim = Simulation::new(params.clone(), seed);
        let mut day = None;
        for d in 0..120 {
            sim.step();
            let pending = &sim
                .world_mut()
                .resource::<commune::model::kernel::regions::Settled>()
                .pending;
            if !pending.is_empty() {
                assert_eq!(pending[..], [(0, 1)], "seed {seed}");
                day = Some(d + 1);
                break;
            }
        }
        let day = day.unwrap_or_else(|| panic!("seed {seed}: no split passed in 120 days"));
        let before = holding(&mut sim, 0);
        assert!(before.persons > 200.0, "seed {seed}: {before:?}");
        assert_eq!(holding(&mut sim, 1).figures(), [0.0; 8], "a site is empty");
        sim.found_communities(day);
        let (parent, child) = (holding(&mut sim, 0), holding(&mut sim, 1));
        let share = child.persons / before.persons;
        assert_eq!(child.persons, (before.persons / 2.0).floor(), "seed {seed}");
        for (i, ((b, p), c)) in before
            .figures()
            .iter()
            .zip(parent.figures())
            .zip(child.figures())
            .enumerate()
        {
            assert!(
                (p + c - b).abs() <= 1e-9 * b.max(1.0),
                "seed {seed}, figure {i}: {p} + {c} != {b}"
            );
            // Gardens go with the gardeners who move; everything else is shared by the share.
            if i > 2 {
                assert!(
                    (c - share * b).abs() <= 1e-9 * b.max(1.0),
                    "seed {seed}, figure {i}: {c} is not {share} of {b}"
                );
            }
        }
        assert!(child.arable_ha > 0.0 && child.kw > 0.0 && child.m2 > 0.0);
        // The link to the founder and the log.
        assert!(
            sim.rail_links().iter().any(|l| l.joins(0, 1)),
            "seed {seed}: the new community is linked"
        );
        assert!(
            sim.log()
                .iter()
                .any(|e| e.tick == day && e.text.contains("found community 1")),
            "seed {seed}"
        );
        // Both eat and work in the days after.
        let mut rows: Vec<CommunityMetrics> = Vec::new();
        let (mut founded, mut settled) = (0, 0);
        for _ in 0..120 {
            let m = sim.step();
            founded += m.communities_founded;
            settled = m.settled_communities;
            sim.community_metrics(&mut rows);
        }
        assert_eq!(
            (founded, settled),
            (1, 2),
            "seed {seed}: counted on its day"
        );
        let mean = |c: u32, f: fn(&CommunityMetrics) -> f64| {
            let xs: Vec<f64> = rows.iter().filter(|r| r.community == c).map(f).collect();
            xs.iter().sum::<f64>() / xs.len() as f64
        };
        let (food0, food1) = (
            mean(0, |r| r.food_satisfaction),
            mean(1, |r| r.food_satisfaction),
        );
        assert!(
            food1 >= food0 - 0.02 && food1 > 0.95,
            "seed {seed}: {food0} {food1}"
        );
        let filled = mean(1, |r| {
            1.0 - r.labour_shortage_hours / r.labour_posted_hours.max(1e-9)
        });
        assert!(
            filled > 0.9,
            "seed {seed}: the new community fills {filled}"
        );
        assert!(rows.iter().all(|r| r.settled == 1));
        assert!(
            rows.iter()
                .filter(|r| r.community == 1)
                .all(|r| r.founded == day)
        );
    }
}

/// The shipped scenario splits within its run: twenty newcomers take the village of 190 past 200
/// in the first spring and it founds its site, for every one of 20 seeds.
#[test]
fn the_shipped_village_splits_after_its_newcomers() {
    let s = commune::scenario::load(&scenario("split")).unwrap();
    for seed in 1..=20u64 {
        let mut sim = Simulation::new(s.params.clone(), seed);
        for e in &s.schedule {
            sim.schedule_event(e.clone());
        }
        let founded: u64 = (0..150).map(|_| sim.step().communities_founded).sum();
        assert_eq!(founded, 1, "seed {seed}");
    }
}

/// Bad input: a site cannot be urban nor named by a given rail link, a split size is a count.
#[test]
fn bad_sites_and_split_sizes_are_refused_with_their_key() {
    crate::common::assert_refused(&[
        (
            "[population]\ncommunities = 2\nsizes = [150, 0]\nurban = [1]\n",
            "population.urban",
            "a site",
        ),
        (
            "[population]\ncommunities = 2\nsizes = [150, 0]\n[[rail.links]]\nfrom = 0\nto = 1\nkm = 5\n",
            "rail.links.0",
            "a site",
        ),
        (
            "[population]\nsplit_above = 1001\n",
            "population.split_above",
            "1001",
        ),
        (
            "[population]\nsplit_above = -1\n",
            "population.split_above",
            "",
        ),
    ]);
}

/// A region made only of sites has no assembly: it sends no delegate to the world and counts
/// for none of the world assembly's quorum. With such a region beside the fossil world's one
/// community, and a world quorum of three quarters, the world still votes fossil energy out on
/// the same day as without it (with the region counted, one region of two would never make
/// the quorum).
#[test]
fn a_region_of_sites_counts_for_no_world_quorum() {
    let text = std::fs::read_to_string(scenario("fossil-allowed"))
        .unwrap()
        .replace("interval_days = 36500", "interval_days = 90\nquorum = 0.75");
    let alone = commune::scenario::parse(&text, "t").unwrap();
    let with_region = commune::scenario::parse(
        &text.replace(
            "communities = 1\n",
            "communities = 2\ncommunities_per_region = 1\nsizes = [150, 0]\n",
        ),
        "t",
    )
    .unwrap();
    assert_eq!(with_region.params.regions(), 2);
    let phase_out = |params: &Params| {
        let mut sim = Simulation::new(params.clone(), 3);
        for _ in 0..400 {
            sim.step();
        }
        let world: Vec<_> = sim
            .decisions()
            .iter()
            .filter(|d| d.subject.kind() == "phase_out_fossil")
            .map(|d| (d.tick, d.passed))
            .collect();
        world
    };
    let voted = phase_out(&alone.params);
    assert!(voted.iter().any(|d| d.1), "{voted:?}");
    assert_eq!(phase_out(&with_region.params), voted);
}
