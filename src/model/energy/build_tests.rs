//! Tests of the whole simulation that exercise this folder's mechanism.

use crate::model::energy::{EnergySystem, request_build};
use crate::model::kernel::params::energy::Source;
use crate::model::*;

fn wind_kw(sim: &mut Simulation) -> f64 {
    let world = sim.world_mut();
    world
        .query::<&EnergySystem>()
        .iter(world)
        .map(|s| s.capacity_kw[Source::Wind as usize])
        .sum()
}

fn village() -> Params {
    let mut p = crate::model::syndicates::economy_tests::perfect();
    p.population.communities = 1;
    // The builds asked for here alone, without replacements of worn installations.
    p.energy.wear = false;
    p
}

#[test]
fn a_requested_installation_takes_labour_and_materials_and_adds_capacity_when_built() {
    let p = village();
    let days = p.energy.wind.build_days as usize;
    let mut base = Simulation::new(p.clone(), 3);
    let mut sim = Simulation::new(p.clone(), 3);
    let before = wind_kw(&mut sim);
    assert!(request_build(sim.world_mut(), 0, Source::Wind, 100.0));
    assert!(!request_build(sim.world_mut(), 7, Source::Wind, 100.0));
    let c = 2 + kernel::goods::Good::Construction.index();
    let mut hours = 0.0;
    for day in 0..days + 5 {
        let plain = base.step();
        let m = sim.step();
        hours += m.energy_build_hours;
        if day + 1 < days {
            assert_eq!(m.energy_building_kw, 100.0, "day {day}");
            assert_eq!(wind_kw(&mut sim), before, "not before it is built");
            assert!(m.sector_hours[c] > plain.sector_hours[c], "builders work");
        }
    }
    assert_eq!(wind_kw(&mut sim), before + 100.0);
    let m = sim.step();
    assert_eq!(m.energy_building_kw, 0.0);
    let expected = 100.0 * p.energy.wind.build_hours_per_kw;
    assert!((hours - expected).abs() < 1e-6 * expected, "{hours} h");
}

#[test]
fn a_build_without_hands_is_never_finished() {
    let mut p = village();
    p.labour.willing_hours_mean = 0.0;
    let mut sim = Simulation::new(p, 3);
    let before = wind_kw(&mut sim);
    request_build(sim.world_mut(), 0, Source::Wind, 100.0);
    let rows: Vec<_> = (0..200).map(|_| sim.step()).collect();
    assert!(rows.iter().all(|m| m.energy_built_kw == 0.0));
    assert_eq!(wind_kw(&mut sim), before);
    assert_eq!(rows.last().unwrap().energy_building_kw, 100.0);
}

#[test]
fn the_standing_rule_builds_where_energy_was_short() {
    let mut p = village();
    p.energy.geothermal.kw_per_person = 0.2;
    p.energy.expand_source = "wind".to_owned();
    p.energy.expand_review_days = 10;
    let mut sim = Simulation::new(p, 3);
    let before = wind_kw(&mut sim);
    let rows: Vec<_> = (0..400).map(|_| sim.step()).collect();
    assert!(
        rows[15].energy_building_kw > 0.0,
        "a build starts at the first review"
    );
    assert!(wind_kw(&mut sim) > before);
    let late = &rows[300..];
    let early = &rows[..10];
    let short = |rows: &[TickMetrics]| {
        rows.iter().map(|m| m.energy_shortage_kwh).sum::<f64>() / rows.len() as f64
    };
    assert!(
        short(late) < 0.5 * short(early),
        "{} {}",
        short(late),
        short(early)
    );
}
