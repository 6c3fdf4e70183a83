//! Tests of the whole simulation that exercise this folder's mechanism.

use crate::model::energy::{EnergySystem, Grid};
use crate::model::kernel::components::Region;
use crate::model::kernel::ledger::{Days, EnergyDay};
use crate::model::kernel::params::energy::Source;
use crate::model::*;

fn region_of(communities: u32) -> Params {
    let mut p = Params::default();
    p.population.communities = communities;
    p.population.persons_per_community = 60;
    p.population.communities_per_region = 3;
    p
}

fn run(p: Params, ticks: usize) -> Vec<TickMetrics> {
    let mut sim = Simulation::new(p, 21);
    (0..ticks).map(|_| sim.step()).collect()
}

#[test]
fn energy_flows_balance_in_every_community_and_storage_stays_in_bounds() {
    let mut sim = Simulation::new(region_of(6), 3);
    for _ in 0..120 {
        sim.step();
        let world = sim.world_mut();
        for e in world
            .resource::<kernel::ledger::Days<kernel::ledger::EnergyDay>>()
            .iter()
        {
            let generated: f64 = e.generated.iter().sum();
            let fossil = e.generated[Source::Fossil as usize];
            let own_use = e.available - e.discharged - e.imported - fossil;
            let out = own_use + e.charged + e.exported + e.curtailed;
            assert!(
                (generated - fossil - out).abs() < 1e-6 * generated.max(1.0),
                "{e:?}"
            );
            assert!(own_use >= -1e-9 && e.curtailed >= -1e-9);
        }
        for system in world.query::<&EnergySystem>().iter(world) {
            assert!(system.stored_kwh >= -1e-9);
            assert!(system.stored_kwh <= system.storage_kwh + 1e-9);
        }
    }
}

#[test]
fn a_regional_grid_moves_surplus_to_communities_short_of_energy() {
    let mut p = region_of(6);
    p.energy.capacity_spread = 0.9;
    p.energy.storage_kwh_per_person = 0.0;
    let with_grid = run(p.clone(), 60);
    p.energy.regional_grid = false;
    let without = run(p, 60);
    let sum = |rows: &[TickMetrics], f: fn(&TickMetrics) -> f64| rows.iter().map(f).sum::<f64>();
    assert!(sum(&with_grid, |m| m.energy_traded_kwh) > 0.0);
    assert_eq!(sum(&without, |m| m.energy_traded_kwh), 0.0);
    assert!(sum(&with_grid, |m| m.energy_shortage_kwh) < sum(&without, |m| m.energy_shortage_kwh));
    assert!(
        sum(&with_grid, |m| m.energy_curtailed_kwh) < sum(&without, |m| m.energy_curtailed_kwh)
    );
}

#[test]
fn fossil_plants_fill_the_gap_only_where_allowed() {
    let mut p = region_of(3);
    p.energy.solar.kw_per_person = 0.1;
    p.energy.wind.kw_per_person = 0.1;
    p.energy.fossil.kw_per_person = 2.0;
    // No global assembly to vote fossil energy out.
    p.assembly.enabled = false;
    let clean = run(p.clone(), 30);
    p.energy.allow_fossil = true;
    let fossil = run(p, 30);
    let last = |rows: &[TickMetrics]| *rows.last().unwrap();
    assert!(last(&clean).energy_shortage_kwh > 0.0);
    assert_eq!(last(&clean).energy_renewable_share, 1.0);
    assert!(last(&fossil).energy_shortage_kwh < 1e-3);
    assert!(last(&fossil).energy_renewable_share < 0.5);
    assert!(
        last(&fossil).footprint_energy_kg_co2e_per_person
            > 5.0 * last(&clean).footprint_energy_kg_co2e_per_person
    );
}

/// Each region's entity and its grid after the last day, in region order, with the day's energy
/// ledger.
fn grids(sim: &mut Simulation) -> (Vec<(Region, Grid)>, Vec<EnergyDay>) {
    let world = sim.world_mut();
    let mut grids: Vec<(Region, Grid)> = world
        .query::<(&Region, &Grid)>()
        .iter(world)
        .map(|(r, g)| (*r, *g))
        .collect();
    grids.sort_by_key(|(r, _)| r.id);
    (grids, world.resource::<Days<EnergyDay>>().0.clone())
}

#[test]
fn each_regions_grid_entity_records_what_moved_over_its_links() {
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
    let mut p = region_of(7);
    p.energy.capacity_spread = 0.9;
    p.energy.storage_kwh_per_person = 0.0;
    p.energy.regional_grid = true;
    let mut sim = Simulation::new(p.clone(), 21);
    let mut moved = 0.0;
    for _ in 0..60 {
        sim.step();
        let (grids, days) = grids(&mut sim);
        let members: Vec<_> = grids.iter().map(|(r, _)| r.members()).collect();
        assert_eq!(members, vec![0..3, 3..6, 6..7]);
        for (region, grid) in &grids {
            assert!(grid.built && !grid.pooled);
            assert_eq!(grid.loss_share, p.energy.grid_loss_share);
            let days = &days[region.members()];
            let sum = |f: fn(&EnergyDay) -> f64| days.iter().map(f).sum();
            let generated: f64 =
                sum(|d| d.generated.iter().sum::<f64>() - d.generated[Source::Fossil as usize]);
            assert!(close(grid.generated_kwh, generated), "{grid:?}");
            assert!(close(grid.received_kwh, sum(|d| d.imported)), "{grid:?}");
            assert!(close(grid.sent_kwh, sum(|d| d.exported)), "{grid:?}");
            assert!(
                close(grid.sent_kwh, grid.received_kwh + grid.lost_kwh),
                "{grid:?}"
            );
            assert!(
                grid.received_kwh <= grid.short_kwh * (1.0 + 1e-12),
                "{grid:?}"
            );
            assert!(
                grid.sent_kwh <= grid.surplus_kwh * (1.0 + 1e-12),
                "{grid:?}"
            );
            moved += grid.received_kwh;
        }
        // A region of one community has no one to share with.
        assert_eq!(grids[2].1.received_kwh, 0.0);
    }
    assert!(moved > 0.0);

    p.energy.regional_grid = false;
    let mut sim = Simulation::new(p, 21);
    for _ in 0..60 {
        sim.step();
        let (grids, days) = grids(&mut sim);
        assert_eq!(grids.len(), 3);
        for (_, grid) in &grids {
            assert!(!grid.built && !grid.pooled);
            assert!(grid.generated_kwh > 0.0);
            assert_eq!(
                (grid.surplus_kwh, grid.short_kwh),
                (0.0, 0.0),
                "no grid, no sums for it"
            );
            assert_eq!(
                (grid.sent_kwh, grid.received_kwh, grid.lost_kwh),
                (0.0, 0.0, 0.0)
            );
        }
        assert!(days.iter().all(|d| d.imported == 0.0 && d.exported == 0.0));
    }
}
