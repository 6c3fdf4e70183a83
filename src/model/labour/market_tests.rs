//! Tests of the whole simulation that exercise this folder's mechanism.

use crate::model::kernel::goods::Good;
use crate::model::*;

fn run(p: Params, days: usize) -> Vec<TickMetrics> {
    let mut sim = Simulation::new(p, 5);
    (0..days).map(|_| sim.step()).collect()
}

fn base() -> Params {
    let mut p = Params::default();
    p.population.communities = 2;
    p.population.persons_per_community = 100;
    p
}

fn total(rows: &[TickMetrics], f: fn(&TickMetrics) -> f64) -> f64 {
    rows.iter().map(f).sum()
}

#[test]
fn cars_cost_energy_labour_and_emissions() {
    let rail = run(base(), 30);
    let mut p = base();
    p.transport.cars_allowed = true;
    let cars = run(p.clone(), 30);
    let hours = |m: &TickMetrics| m.sector_hours[2 + Good::Transport.index()];
    assert_eq!(total(&rail, |m| m.car_passenger_km), 0.0);
    let km = total(&cars, |m| m.car_passenger_km);
    let pkm = total(&cars, |m| m.goods_delivered[Good::Transport.index()]);
    assert!(
        (km / pkm - p.transport.car_share).abs() < 0.02,
        "{km} of {pkm}"
    );
    let (car_h, rail_h): (f64, f64) = (cars.iter().map(hours).sum(), rail.iter().map(hours).sum());
    assert!(car_h > 1.1 * rail_h, "{car_h} vs {rail_h}");
    let all = |rows: &[TickMetrics]| total(rows, |m| m.sector_hours.iter().sum::<f64>());
    assert!(all(&cars) > all(&rail));
    assert!(total(&cars, |m| m.energy_demanded_kwh) > total(&rail, |m| m.energy_demanded_kwh));
    assert!(
        total(&cars, |m| m.footprint_transport_kg_co2e_per_person)
            > 3.0 * total(&rail, |m| m.footprint_transport_kg_co2e_per_person)
    );
}

#[test]
fn unemployment_money_law_and_overproduction_cost_what_they_should() {
    // Long enough for the first stocks of garments to run down. Installations do not wear
    // out: rebuilding them is work for nearly every employed adult on some days, which
    // would blur the unemployed out of the ratio below. No assemblies, as in the status quo
    // scenarios: a community that votes in a rota for undesirable work gives the unemployed
    // their turns too, which is the assembly's doing, not the market's (with seed 5, one did on
    // day 14 once a person's appeal was kept in 256 steps, and the ratio fell to 1.11).
    let mut p = base();
    p.energy.wear = false;
    p.assembly.enabled = false;
    let plain = run(p.clone(), 120);
    p.market.unemployed_share = 0.2;
    p.market.money_law_share = 0.25;
    p.market.overproduction = 0.5;
    let market = run(p, 120);
    for m in &market {
        let all: f64 = m.sector_hours.iter().sum();
        assert!((m.money_law_hours - 0.25 * all).abs() < 1e-9 * all);
        assert!(m.work_hours_per_worker > 1.15 * m.work_hours_mean);
    }
    for m in &plain {
        assert!((m.work_hours_per_worker - m.work_hours_mean).abs() < 0.05);
        assert_eq!(m.money_law_hours, 0.0);
    }
    let worked = |rows: &[TickMetrics]| total(rows, |m| m.sector_hours.iter().sum::<f64>());
    assert!(worked(&market) > 1.3 * worked(&plain));
    let thrown = |rows: &[TickMetrics]| total(rows, |m| m.garments_discarded);
    assert!(
        thrown(&market) > 1.2 * thrown(&plain),
        "{} {}",
        thrown(&market),
        thrown(&plain)
    );
    // Everyone still gets what they need.
    assert!(
        market
            .iter()
            .all(|m| m.satisfaction(Good::Clothing.index()) > 0.999)
    );
}
