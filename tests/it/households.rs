//! Households (`population.household_sizes` and `household_shares`): their sizes at the start
//! follow the distribution, everyone is in exactly one household every day, a household moves
//! together, newborns join their mother's household, moves go to relatives' communities more
//! than a uniform draw would, and bad distributions are refused with their key.

use std::collections::{BTreeMap, BTreeSet};

use bevy_ecs::prelude::*;
use commune::model::kernel::components::{AgeClass, Member, Person};
use commune::model::kernel::households::{Household, Households};
use commune::model::{Params, Simulation, TickMetrics};
use rayon::prelude::*;

use crate::common::{assert_refused, communities_of};

const SIZES: [u32; 5] = [1, 2, 3, 4, 5];
/// Eurostat's EU-28 shares of 2017, as in `scenarios/households-moves.toml`.
const SHARES: [f64; 5] = [0.336, 0.319, 0.156, 0.131, 0.058];

fn with_households(mut p: Params) -> Params {
    p.population.household_sizes = SIZES.to_vec();
    p.population.household_shares = SHARES.to_vec();
    p
}

/// A world of `communities` of `persons`, all in one region, with households, demography on and
/// the given rates, read as a scenario file is (the life table is derived by the scenario layer).
fn scenario(communities: u32, persons: u32, move_rate: f64, leave_home_rate: f64) -> Params {
    let text = format!(
        "[population]\ncommunities = {communities}\npersons_per_community = {persons}\n\
         communities_per_region = {communities}\nmove_rate = {move_rate}\n\
         leave_home_rate = {leave_home_rate}\nhousehold_sizes = {SIZES:?}\n\
         household_shares = {SHARES:?}\n[demography]\nenabled = true\n"
    );
    commune::scenario::parse(&text, "t").unwrap().params
}

/// Each person's (entity, household, community, grown-up), counted from the persons.
fn members(sim: &mut Simulation) -> Vec<(Entity, u32, u32, bool)> {
    let world = sim.world_mut();
    world
        .query::<(Entity, &Household, &Member, &Person)>()
        .iter(world)
        .map(|(e, h, m, p)| (e, h.0, m.0, p.age != AgeClass::Child))
        .collect()
}

/// Checks the day's households against the persons, after a step that gave `m`: every person
/// is in exactly one household, which lives in their community; each household's size and
/// grown-ups are what its members add up to (and sum to the population); no household of
/// children alone; the world's and the communities' columns count the living households.
/// Returns the persons (as [`members`]) and the households.
fn check_households(
    sim: &mut Simulation,
    m: &TickMetrics,
    seed: u64,
) -> (Vec<(Entity, u32, u32, bool)>, Households) {
    let now = members(sim);
    let homes = sim.world_mut().resource::<Households>().clone();
    let mut size = vec![0u32; homes.all.len()];
    let mut grown = vec![0u32; homes.all.len()];
    for &(_, h, c, g) in &now {
        size[h as usize] += 1;
        grown[h as usize] += u32::from(g);
        assert_eq!(homes.all[h as usize].community, c, "seed {seed}");
    }
    for (h, home) in homes.all.iter().enumerate() {
        assert_eq!((home.size, home.grown), (size[h], grown[h]), "seed {seed}");
        assert!(
            home.size == 0 || home.grown > 0,
            "seed {seed}: household {h}"
        );
    }
    assert_eq!(size.iter().sum::<u32>() as u64, m.population);
    let living = homes.all.iter().filter(|h| h.size > 0).count() as u64;
    assert_eq!(m.households, living);
    assert!((m.household_size - m.population as f64 / living as f64).abs() < 1e-12);
    let mut rows = Vec::new();
    sim.community_metrics(&mut rows);
    assert_eq!(
        rows.iter().map(|r| u64::from(r.households)).sum::<u64>(),
        living
    );
    (now, homes)
}

/// Households with the other ways persons come and go: the shipped `split.toml` (a village of
/// 190 beside an unsettled site, with births and deaths, twenty newcomers arriving on day 90 and
/// a split once past 200) and `newcomers.toml` (three groups asking to join a region, decided
/// by the assemblies), each with households on, over 4 seeds. Every day the households hold
/// everyone as [`check_households`] says; in `split.toml` the site is settled by whole
/// households (nobody's household is in two communities), and the newcomers come as
/// households of their own (the day they arrive, every newcomer is in a household no one else
/// was in the day before).
#[test]
fn households_hold_everyone_through_splits_and_newcomers() {
    let with = |file: &str| {
        let text = std::fs::read_to_string(format!("scenarios/{file}"))
            .unwrap()
            .replace(
                "[population]\n",
                &format!(
                    "[population]\nhousehold_sizes = {SIZES:?}\nhousehold_shares = {SHARES:?}\n"
                ),
            );
        commune::scenario::parse(&text, file).unwrap()
    };
    let split = with("split.toml");
    let newcomers = with("newcomers.toml");
    assert!(split.params.population.households() && newcomers.params.population.households());
    let runs: Vec<(u64, u64, u64)> = (0..4u64)
        .flat_map(|seed| [(seed, &split, 150), (seed, &newcomers, 200)])
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|(seed, scenario, days)| {
            let mut sim = Simulation::new(scenario.params.clone(), seed);
            for e in &scenario.schedule {
                sim.schedule_event(e.clone());
            }
            let mut before = members(&mut sim);
            let (mut founded, mut arrived, mut newcomer_homes) = (0, 0, 0);
            for _ in 0..days {
                let m = sim.step();
                let (now, homes) = check_households(&mut sim, &m, seed);
                founded += m.communities_founded;
                let yesterday: BTreeMap<Entity, u32> =
                    before.iter().map(|&(e, h, _, _)| (e, h)).collect();
                let old_homes: BTreeSet<u32> = before.iter().map(|b| b.1).collect();
                let new: Vec<u32> = now
                    .iter()
                    .filter(|(e, ..)| !yesterday.contains_key(e))
                    .map(|&(_, h, _, _)| h)
                    .collect();
                // More than a day's births: an arrival.
                if new.len() as u64 > m.births {
                    arrived += new.len() as u64 - m.births;
                    let fresh: BTreeSet<u32> = new
                        .iter()
                        .copied()
                        .filter(|h| !old_homes.contains(h))
                        .collect();
                    newcomer_homes += fresh.len() as u64;
                    assert!(
                        new.iter().filter(|h| fresh.contains(h)).count() as u64
                            >= new.len() as u64 - m.births,
                        "seed {seed}: newcomers put into households that were there"
                    );
                    assert!(fresh.iter().all(|&h| homes.all[h as usize].size > 0));
                }
                before = now;
            }
            (founded, arrived, newcomer_homes)
        })
        .collect();
    for (i, r) in runs.iter().enumerate() {
        println!(
            "run {i}: {} founded, {} arrived in {} households",
            r.0, r.1, r.2
        );
    }
    // Every split run settled its site, and every run took newcomers in.
    assert!(runs.iter().step_by(2).all(|r| r.0 == 1), "{runs:?}");
    assert!(runs.iter().all(|r| r.1 > 0 && r.2 > 0), "{runs:?}");
}

/// Over 20 seeds of six communities of 150, the households formed at the start (counted from
/// the persons' household ids) have the distribution's sizes: each size's count lies within 4
/// standard errors of its share of the households drawn. The last household of each community,
/// cut to fit the persons left, is left out.
#[test]
fn household_sizes_at_the_start_follow_the_distribution() {
    let counts: Vec<[f64; 5]> = (0..20u64)
        .into_par_iter()
        .map(|seed| {
            let p = with_households(communities_of(vec![150; 6], 3));
            let mut sim = Simulation::new(p, seed);
            let mut size: BTreeMap<u32, u32> = BTreeMap::new();
            let mut last: BTreeMap<u32, u32> = BTreeMap::new();
            for (_, h, c, _) in members(&mut sim) {
                *size.entry(h).or_default() += 1;
                let l = last.entry(c).or_default();
                *l = (*l).max(h);
            }
            let cut: BTreeSet<u32> = last.values().copied().collect();
            let mut counts = [0.0; 5];
            for (h, s) in size {
                if !cut.contains(&h) {
                    counts[(s - 1) as usize] += 1.0;
                }
            }
            counts
        })
        .collect();
    let total: [f64; 5] = std::array::from_fn(|i| counts.iter().map(|c| c[i]).sum());
    let n: f64 = total.iter().sum();
    for (i, &share) in SHARES.iter().enumerate() {
        let expected = n * share;
        let se = (n * share * (1.0 - share)).sqrt();
        println!(
            "size {}: {} of {n}, {expected:.1} ± {se:.1} expected",
            i + 1,
            total[i]
        );
        assert!(
            (total[i] - expected).abs() < 4.0 * se,
            "size {}: {} households against {expected:.1} ± {se:.1}",
            i + 1,
            total[i]
        );
    }
    // The mean size is the distribution's (2.256) within sampling error.
    let mean = total
        .iter()
        .enumerate()
        .map(|(i, c)| (i + 1) as f64 * c)
        .sum::<f64>()
        / n;
    assert!((mean - 2.256).abs() < 0.05, "{mean}");
}

/// Over 4 seeds of a year with births, deaths, household moves and grown-ups leaving home at
/// high rates: every day every person is in exactly one household, the households' sizes and
/// grown-ups are what their members add up to (and sum to the population), every household's
/// members live in its community (so a household moves together), no child is in a household
/// without a grown-up, each newborn joins a household that was there the day before with a woman
/// in it, and the world's and communities' columns count the households.
#[test]
fn everyone_is_in_one_household_which_moves_together() {
    let (born, moved) = (0..4u64)
        .into_par_iter()
        .map(|seed| {
            let mut sim = Simulation::new(scenario(3, 80, 3.0, 1.0), seed);
            let mut before = members(&mut sim);
            let (mut born, mut moved, mut births) = (0u64, 0, 0);
            for _ in 0..365 {
                let m = sim.step();
                let (now, homes) = check_households(&mut sim, &m, seed);
                // Newborns: persons who were not there yesterday.
                let yesterday: BTreeMap<Entity, (u32, u32)> =
                    before.iter().map(|&(e, h, c, _)| (e, (h, c))).collect();
                let world = sim.world_mut();
                let women: BTreeSet<u32> = world
                    .query::<(&Household, &Person)>()
                    .iter(world)
                    .filter(|(_, p)| p.female && p.age != AgeClass::Child)
                    .map(|(h, _)| h.0)
                    .collect();
                for &(e, h, _, _) in &now {
                    match yesterday.get(&e) {
                        None => {
                            born += 1;
                            assert!(
                                before.iter().any(|b| b.1 == h) && women.contains(&h),
                                "seed {seed}: a newborn in household {h}"
                            );
                        }
                        Some(&(_, c)) => {
                            moved += u32::from(c != homes.all[h as usize].community);
                        }
                    }
                }
                births += m.births;
                before = now;
            }
            assert_eq!(born, births, "seed {seed}: newborns against births counted");
            (born, moved)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!("{born} born, {moved} moved");
    assert!(born > 5 && moved > 100, "{born} born, {moved} moved");
}

/// Over 20 seeds of a region of four communities of 100, with grown-ups leaving home (which
/// ties their new household to the one they left) and households moving: of the household moves
/// made by households with a relative household in another community, more go to a relative's
/// community than a uniform draw over the other communities would send there, by more than 4
/// standard errors.
#[test]
fn households_move_to_their_relatives() {
    let runs: Vec<(f64, f64, f64, u64)> = (0..20u64)
        .into_par_iter()
        .map(|seed| {
            let mut p = with_households(communities_of(vec![100; 4], 4));
            p.population.move_rate = 1.0;
            p.population.leave_home_rate = 1.0;
            p.population.split_above = 0;
            let mut sim = Simulation::new(p, seed);
            let (mut hits, mut expected, mut variance, mut family) = (0.0, 0.0, 0.0, 0);
            for _ in 0..200 {
                let homes = sim.world_mut().resource::<Households>().clone();
                let m = sim.step();
                family += m.family_moves;
                let after = sim.world_mut().resource::<Households>().clone();
                for (h, home) in homes.all.iter().enumerate() {
                    let to = after.all[h].community;
                    if home.size == 0 || to == home.community {
                        continue;
                    }
                    // Relatives' communities other than the origin, counted independently: the
                    // households it came from and that came from it.
                    let kin: BTreeSet<u32> = homes
                        .all
                        .iter()
                        .enumerate()
                        .filter(|(r, other)| {
                            other.size > 0
                                && (home.kin == *r as u32 || other.kin == h as u32)
                                && other.community != home.community
                        })
                        .map(|(_, other)| other.community)
                        .collect();
                    if kin.is_empty() {
                        continue;
                    }
                    // A uniform draw over the three other communities.
                    let chance = kin.len() as f64 / 3.0;
                    expected += chance;
                    variance += chance * (1.0 - chance);
                    hits += f64::from(u8::from(kin.contains(&to)));
                }
            }
            (hits, expected, variance, family)
        })
        .collect();
    let hits: f64 = runs.iter().map(|r| r.0).sum();
    let expected: f64 = runs.iter().map(|r| r.1).sum();
    let se = runs.iter().map(|r| r.2).sum::<f64>().sqrt();
    println!("{hits} moves to relatives against {expected:.1} ± {se:.1} by a uniform draw");
    assert!(
        hits > expected + 4.0 * se,
        "{hits} against {expected:.1} ± {se:.1}"
    );
    assert!(runs.iter().map(|r| r.3).sum::<u64>() as f64 >= hits);
}

#[test]
fn bad_household_distributions_are_refused() {
    let with = |sizes: &str, shares: &str| {
        format!("[population]\nhousehold_sizes = {sizes}\nhousehold_shares = {shares}\n")
    };
    let cases = [
        (
            with("[1, 2, 3]", "[0.5, 0.3, 0.1]"),
            "population.household_shares",
            "adds up to 0.9",
        ),
        (
            with("[1, 2, 3]", "[0.6, 0.5, -0.1]"),
            "population.household_shares",
            "-0.1",
        ),
        (
            with("[0, 2]", "[0.5, 0.5]"),
            "population.household_sizes",
            "0 persons",
        ),
        (
            with("[1, 2, 2]", "[0.5, 0.25, 0.25]"),
            "population.household_sizes",
            "the size 2 twice",
        ),
        (
            with("[1, 2]", "[1.0]"),
            "population.household_shares",
            "has 1 entries",
        ),
        (
            "[population]\nleave_home_rate = 0.5\n".to_owned(),
            "population.leave_home_rate",
            "no households",
        ),
    ];
    let cases: Vec<(&str, &str, &str)> =
        cases.iter().map(|(t, k, s)| (t.as_str(), *k, *s)).collect();
    assert_refused(&cases);
}
