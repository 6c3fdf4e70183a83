//! Moves between communities (`population.move_rate`), over 20 seeds: they happen at the stated
//! rate, conserve persons and each region's, fill no community past `split_above`, and are
//! counted the same in the world's column and the communities' table.

use commune::model::kernel::components::{AgeClass, Member, Person};
use commune::model::{Params, Simulation};
use rayon::prelude::*;

use crate::common::{assert_refused, communities_of};

const SEEDS: u64 = 20;

fn world(sizes: Vec<u32>, per_region: u32, move_rate: f64) -> Params {
    let mut p = communities_of(sizes, per_region);
    p.population.move_rate = move_rate;
    p
}

/// Persons in each community, and adults in all, counted from the persons.
fn census(sim: &mut Simulation, communities: usize) -> (Vec<u32>, u32) {
    let world = sim.world_mut();
    let mut sizes = vec![0; communities];
    let mut adults = 0;
    for (member, person) in world.query::<(&Member, &Person)>().iter(world) {
        sizes[member.0 as usize] += 1;
        adults += u32::from(person.age == AgeClass::Adult);
    }
    (sizes, adults)
}

/// Over 20 seeds × 120 days of two regions of three communities, the moves counted lie within
/// 4 standard errors of the adults' person-days times `move_rate / 365`; each day persons are
/// conserved in each region, and each community changes by its moves in less its moves out.
#[test]
fn moves_happen_at_the_stated_rate_and_conserve_persons() {
    let rate = 1.5;
    let results: Vec<(f64, f64, u64)> = (0..SEEDS)
        .into_par_iter()
        .map(|seed| {
            let p = world(vec![60, 90, 120, 50, 80, 110], 3, rate);
            let mut sim = Simulation::new(p, seed);
            let (mut expected, mut variance, mut counted) = (0.0, 0.0, 0);
            let (mut sizes, mut adults) = census(&mut sim, 6);
            for _ in 0..120 {
                let chance = rate / 365.0;
                expected += f64::from(adults) * chance;
                variance += f64::from(adults) * chance * (1.0 - chance);
                let m = sim.step();
                let (after, adults_after) = census(&mut sim, 6);
                let mut rows = Vec::new();
                sim.community_metrics(&mut rows);
                for c in 0..6 {
                    let row = rows.iter().find(|r| r.community == c as u32).unwrap();
                    assert_eq!(
                        i64::from(after[c]) - i64::from(sizes[c]),
                        i64::from(row.moves_in) - i64::from(row.moves_out),
                        "seed {seed}, community {c}"
                    );
                }
                assert_eq!(
                    m.moves,
                    rows.iter().map(|r| u64::from(r.moves_out)).sum::<u64>()
                );
                assert_eq!(
                    m.moves,
                    rows.iter().map(|r| u64::from(r.moves_in)).sum::<u64>()
                );
                assert_eq!(after[..3].iter().sum::<u32>(), 270, "seed {seed}");
                assert_eq!(after[3..].iter().sum::<u32>(), 240, "seed {seed}");
                counted += m.moves;
                (sizes, adults) = (after, adults_after);
            }
            (expected, variance, counted)
        })
        .collect();
    let expected: f64 = results.iter().map(|r| r.0).sum();
    let se = results.iter().map(|r| r.1).sum::<f64>().sqrt();
    let counted = results.iter().map(|r| r.2).sum::<u64>() as f64;
    println!("{counted} moves against {expected:.1} expected, SE {se:.1}");
    assert!(
        (counted - expected).abs() < 4.0 * se,
        "{counted} moves against {expected:.1} ± {se:.1}"
    );
    assert!(counted > 100.0, "{counted}");
}

/// Nobody moves into a community with `split_above` persons or more: two communities of 150 and
/// 60 with a limit of 150 never exceed it, over 20 seeds and a year, though people move both ways.
#[test]
fn a_full_community_takes_nobody_in() {
    (0..SEEDS).into_par_iter().for_each(|seed| {
        let mut p = world(vec![150, 60], 2, 3.0);
        p.population.split_above = 150;
        let mut sim = Simulation::new(p, seed);
        let (mut into_first, mut into_second) = (0, 0);
        for _ in 0..365 {
            sim.step();
            let (sizes, _) = census(&mut sim, 2);
            assert!(sizes[0] <= 150 && sizes[1] <= 150, "seed {seed}: {sizes:?}");
            let mut rows = Vec::new();
            sim.community_metrics(&mut rows);
            into_first += rows[0].moves_in;
            into_second += rows[1].moves_in;
        }
        assert!(into_first > 0 && into_second > 0, "seed {seed}");
    });
}

#[test]
fn bad_move_rates_are_refused() {
    assert_refused(&[
        (
            "[population]\nmove_rate = -0.5\n",
            "population.move_rate",
            "-0.5",
        ),
        (
            "[population]\nmove_rate = 20\n",
            "population.move_rate",
            "20",
        ),
    ]);
}
