//! Tests of the whole simulation that exercise this folder's mechanism.

use crate::model::energy::EnergySystem;
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
