//! Installations that wear out and are rebuilt, and regional energy syndicates against each
//! community running its own (appropriate technology).

use commune::model::energy::EnergySystem;
use commune::model::kernel::goods::Good;
use commune::model::kernel::params::energy::Organisation;
use commune::model::{Params, Simulation, TickMetrics};
use commune::scenario;

fn run(p: &Params, seed: u64, days: usize) -> Vec<TickMetrics> {
    let mut sim = Simulation::new(p.clone(), seed);
    (0..days).map(|_| sim.step()).collect()
}

fn total(rows: &[TickMetrics], f: impl Fn(&TickMetrics) -> f64) -> f64 {
    rows.iter().map(f).sum()
}

fn hours(good: Good) -> impl Fn(&TickMetrics) -> f64 {
    move |m| m.sector_hours[2 + good.index()]
}

/// Two communities on solar and wind that last two years.
fn short_lived() -> Params {
    let mut p = Params::default();
    p.population.communities = 2;
    p.population.persons_per_community = 100;
    p.energy.solar.lifetime_years = 2.0;
    p.energy.wind.lifetime_years = 2.0;
    p
}

#[test]
fn worn_installations_are_retired_and_rebuilt_with_construction_hours() {
    let days = 3 * 365;
    for seed in [1, 2, 3] {
        let p = short_lived();
        let wear = run(&p, seed, days);
        let mut off = p.clone();
        off.energy.wear = false;
        let kept = run(&off, seed, days);
        let start = wear[0].energy_capacity_kw;
        let retired = total(&wear, |m| m.energy_retired_kw);
        let built = total(&wear, |m| m.energy_built_kw);
        // Everything standing at the start is gone after two years, and more besides.
        assert!(retired > start, "seed {seed}: retired {retired} of {start}");
        assert!(built > 0.8 * start, "seed {seed}: built {built}");
        let end = wear[days - 1].energy_capacity_kw;
        assert!(end > 0.8 * start, "seed {seed}: {end} of {start} kW stand");
        assert!(wear.iter().any(|m| m.energy_replacing_kw > 0.0));
        // Without wear nothing retires, nothing is built, and no hours go to building.
        assert_eq!(total(&kept, |m| m.energy_retired_kw), 0.0);
        assert_eq!(total(&kept, |m| m.energy_build_hours), 0.0);
        assert_eq!(
            kept[days - 1].energy_capacity_kw,
            kept[0].energy_capacity_kw
        );
        let c = hours(Good::Construction);
        assert!(
            total(&wear, &c) > total(&kept, &c) + 0.5 * total(&wear, |m| m.energy_build_hours),
            "seed {seed}: construction hours rise"
        );
        assert!(total(&wear, |m| m.energy_build_hours) > 0.0);
    }
}

#[test]
fn without_builders_worn_capacity_is_not_replaced_and_falls() {
    let mut p = short_lived();
    // So many hours a kW that the construction syndicates cannot keep up (only the first,
    // tiny replacement, of a day's wear, is finished).
    p.energy.solar.build_hours_per_kw = 100_000.0;
    p.energy.wind.build_hours_per_kw = 100_000.0;
    for seed in [1, 2] {
        let rows = run(&p, seed, 2 * 365 + 10);
        let start = rows[0].energy_capacity_kw;
        let end = rows.last().unwrap().energy_capacity_kw;
        assert!(end < 0.02 * start, "seed {seed}: {end} of {start} kW");
        let built = total(&rows, |m| m.energy_built_kw);
        assert!(built < 0.01 * start, "seed {seed}: built {built}");
        // The community is short of energy once its installations are gone.
        let late: f64 = rows[rows.len() - 30..]
            .iter()
            .map(|m| m.energy_shortage_kwh)
            .sum();
        let early: f64 = rows[..30].iter().map(|m| m.energy_shortage_kwh).sum();
        assert!(late > early + 1.0, "seed {seed}: {late} vs {early}");
    }
}

/// Three communities of one region on steady geothermal, with ample capacity.
fn steady() -> Params {
    let mut p = Params::default();
    p.population.communities = 3;
    p.population.communities_per_region = 3;
    p.population.persons_per_community = 80;
    p.energy.solar.kw_per_person = 0.0;
    p.energy.wind.kw_per_person = 0.0;
    p.energy.geothermal.kw_per_person = 2.0;
    p.energy.wear = false;
    p
}

#[test]
fn a_regional_syndicate_runs_a_kw_with_fewer_hours() {
    let mut community = steady();
    community.energy.regional_site_gain = 1.0;
    let mut regional = community.clone();
    regional.energy.organisation = Organisation::Regional;
    let e = hours(Good::Energy);
    for seed in [4, 5] {
        let a = run(&community, seed, 60);
        let b = run(&regional, seed, 60);
        let per_kw = |rows: &[TickMetrics]| {
            total(rows, &e) / total(rows, |m| m.energy_capacity_kw).max(1e-9)
        };
        let ratio = per_kw(&b) / per_kw(&a);
        let f = regional.energy.regional_scale_factor;
        assert!(
            (ratio - f).abs() < 0.05,
            "seed {seed}: hours a kW regional/community {ratio}, factor {f}"
        );
        // The same kW cost fewer hours to build.
        let mut sa = Simulation::new(community.clone(), seed);
        let mut sb = Simulation::new(regional.clone(), seed);
        let geo = commune::model::kernel::params::energy::Source::Geothermal;
        commune::model::energy::request_build(sa.world_mut(), 0, geo, 10.0);
        commune::model::energy::request_build(sb.world_mut(), 0, geo, 10.0);
        let (ha, hb) = (
            total(&(0..30).map(|_| sa.step()).collect::<Vec<_>>(), |m| {
                m.energy_build_hours
            }),
            total(&(0..30).map(|_| sb.step()).collect::<Vec<_>>(), |m| {
                m.energy_build_hours
            }),
        );
        assert!((hb / ha - f).abs() < 1e-6, "build hours {hb} vs {ha}");
    }
}

/// Takes every installation from community 0.
fn strip_community_zero(sim: &mut Simulation) {
    let world = sim.world_mut();
    let mut q = world.query::<(
        &commune::model::kernel::components::Community,
        &mut EnergySystem,
    )>();
    for (c, mut system) in q.iter_mut(world) {
        if c.id == 0 {
            system.capacity_kw = [0.0; 6];
        }
    }
}

fn shortage_of_community_zero(p: &Params, seed: u64) -> (f64, f64) {
    let mut sim = Simulation::new(p.clone(), seed);
    strip_community_zero(&mut sim);
    let mut rows = Vec::new();
    let mut short = 0.0;
    let mut generated = 0.0;
    for _ in 0..40 {
        sim.step();
        rows.clear();
        sim.community_metrics(&mut rows);
        short += rows[0].energy_shortage_kwh;
        generated += rows[0].energy_generated_kwh;
    }
    assert_eq!(generated, 0.0, "community 0 has no installations");
    (
        short,
        rows[1].energy_shortage_kwh + rows[2].energy_shortage_kwh,
    )
}

#[test]
fn a_regional_syndicate_supplies_a_community_without_installations() {
    let mut community = steady();
    community.energy.regional_grid = false;
    let mut regional = community.clone();
    regional.energy.organisation = Organisation::Regional;
    for seed in [1, 2, 3] {
        let (alone, _) = shortage_of_community_zero(&community, seed);
        let (pooled, others) = shortage_of_community_zero(&regional, seed);
        // Alone, with the grid off, it runs short once its storage is drawn down.
        assert!(alone > 1000.0, "seed {seed}: short {alone} kWh alone");
        assert!(pooled < 1e-6, "seed {seed}: short {pooled} kWh pooled");
        assert!(others < 1e-6, "seed {seed}: the others short {others} kWh");
    }
}

#[test]
fn transmission_losses_are_counted() {
    let p = steady();
    let mut regional = p.clone();
    regional.energy.organisation = Organisation::Regional;
    regional.energy.regional_site_gain = 1.0;
    let a = run(&p, 1, 20);
    let b = run(&regional, 1, 20);
    let lost = |rows: &[TickMetrics]| total(rows, |m| m.energy_lost_kwh);
    let generated = total(&b, |m| m.energy_generated_kwh);
    assert!(lost(&b) >= regional.energy.transmission_loss_share * generated * 0.999);
    assert!(lost(&b) > lost(&a));
}

#[test]
fn the_organisation_and_lifetimes_are_read_and_checked() {
    let s = scenario::parse(
        "[energy]\norganisation = \"regional\"\nwear = false\n[energy.wind]\nlifetime_years = 12\n",
        "t",
    )
    .unwrap();
    assert_eq!(s.params.energy.organisation, Organisation::Regional);
    assert!(!s.params.energy.wear);
    assert_eq!(s.params.energy.wind.lifetime_years, 12.0);
    assert_eq!(s.params.energy.solar.lifetime_years, 25.0);
    for (text, key) in [
        ("[energy]\norganisation = \"national\"\n", "organisation"),
        (
            "[energy]\nregional_scale_factor = 1.5\n",
            "regional_scale_factor",
        ),
        (
            "[energy]\ntransmission_loss_share = -0.1\n",
            "transmission_loss_share",
        ),
        ("[energy.solar]\nlifetime_years = 0\n", "lifetime_years"),
    ] {
        let err = format!("{:?}", scenario::parse(text, "t").unwrap_err());
        assert!(err.contains(key), "{text}: {err}");
    }
}

#[test]
fn the_shipped_pair_differs_only_in_the_organisation() {
    let read = |name: &str| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{name}.toml"));
        scenario::parse(&std::fs::read_to_string(path).unwrap(), name).unwrap()
    };
    let a = read("energy-appropriate");
    let b = read("energy-regional");
    assert_eq!(a.params.energy.organisation, Organisation::Community);
    assert_eq!(b.params.energy.organisation, Organisation::Regional);
    let mut same = b.params.clone();
    same.energy.organisation = Organisation::Community;
    assert_eq!(a.params, same);
    assert_eq!((a.meta.seed, a.meta.ticks), (b.meta.seed, b.meta.ticks));
}
