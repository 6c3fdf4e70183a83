//! The global device syndicate and data network, regional training centres and research
//! communities (`[global]` and `[learning]`).

#![allow(clippy::needless_range_loop)]

use commune::model::kernel::components::{AgeClass, Person, Work};
use commune::model::kernel::goods::{Good, N_GOODS, coefficient_matrix};
use commune::model::kernel::ledger::{Days, GoodsDay, LabourDay};
use commune::model::kernel::params::global::DeviceMaking;
use commune::model::kernel::params::{N_SECTORS, Sector};
use commune::model::{Params, Simulation, TickMetrics};

fn run(p: &Params, seed: u64, days: usize) -> Vec<TickMetrics> {
    let mut sim = Simulation::new(p.clone(), seed);
    (0..days).map(|_| sim.step()).collect()
}

fn total(rows: &[TickMetrics], f: impl Fn(&TickMetrics) -> f64) -> f64 {
    rows.iter().map(f).sum()
}

/// Hours given to every syndicate (all sectors).
fn all_hours(m: &TickMetrics) -> f64 {
    m.sector_hours.iter().sum()
}

/// Two regions of three communities.
fn regions() -> Params {
    let mut p = Params::default();
    p.population.communities = 6;
    p.population.communities_per_region = 3;
    p.population.persons_per_community = 80;
    p
}

#[test]
fn in_global_mode_only_workshops_make_devices_and_everyone_still_gets_them() {
    let mut p = regions();
    p.global.devices = DeviceMaking::Global;
    let d = Good::Devices.index();
    for seed in [1, 2, 3] {
        let mut sim = Simulation::new(p.clone(), seed);
        let mut made = [0.0f64; 6];
        let mut rows = Vec::new();
        for _ in 0..400 {
            rows.push(sim.step());
            let goods = sim.world_mut().resource::<Days<GoodsDay>>();
            for (c, day) in goods.iter().enumerate() {
                made[c] += day.made[d];
            }
        }
        // Communities 0 and 3 are the workshops of their regions; no one else makes devices.
        assert!(made[0] > 0.0 && made[3] > 0.0, "{made:?}");
        for c in [1, 2, 4, 5] {
            assert_eq!(made[c], 0.0, "community {c}");
        }
        let global = total(&rows, |m| m.devices_made_global);
        assert!((global - (made[0] + made[3])).abs() < 1e-9 * global);
        // After the first stocks have run down, devices reach everyone by freight.
        let late = &rows[100..];
        for m in late {
            assert!(
                m.satisfaction(d) > 0.99,
                "day {}: {}",
                m.tick,
                m.satisfaction(d)
            );
        }
        assert!(total(late, |m| m.goods_shipped_kg) > 0.0);
        // The data network: its upkeep is posted and its energy is part of the need.
        let persons = f64::from(p.population.communities * p.population.persons_per_community);
        let m = rows.last().unwrap();
        let expected = persons * p.global.data_network_hours_per_person_year / 365.0;
        assert!((m.data_network_hours - expected).abs() < 1e-9 * expected);
        let kwh = persons * p.global.data_network_kwh_per_person_day;
        assert!((m.data_network_kwh - kwh).abs() < 1e-9 * kwh);
    }
}

#[test]
fn global_and_community_device_making_take_about_the_same_labour() {
    let community = regions();
    let mut global = regions();
    global.global.devices = DeviceMaking::Global;
    // The data network is labour and energy beyond the community mode's; leave it out here.
    global.global.data_network_hours_per_person_year = 0.0;
    global.global.data_network_kwh_per_person_day = 0.0;
    let d = 2 + Good::Devices.index();
    for seed in [4, 5] {
        let a = run(&community, seed, 400);
        let b = run(&global, seed, 400);
        assert_eq!(total(&a, |m| m.devices_made_global), 0.0);
        assert_eq!(total(&a, |m| m.data_network_hours), 0.0);
        let (ha, hb) = (total(&a[100..], all_hours), total(&b[100..], all_hours));
        assert!((hb / ha - 1.0).abs() < 0.02, "{ha} h vs {hb} h");
        let (da, db) = (
            total(&a[100..], |m| m.sector_hours[d]),
            total(&b[100..], |m| m.sector_hours[d]),
        );
        assert!((db / da - 1.0).abs() < 0.1, "devices {da} h vs {db} h");
    }
}

/// The economy test's village with perfect planning (no reserves, stocks, illness or upkeep).
fn perfect() -> Params {
    let mut p = Params::default();
    p.population.persons_per_community = 150;
    p.population.communities = 2;
    p.health.daily_illness_probability = 0.0;
    p.population.incapacitated_share = 0.0;
    p.footprint.cooking_kwh_per_kg = 0.0;
    p.labour.willing_hours_mean = 8.0;
    p.labour.willing_hours_sd = 0.0;
    for good in Good::ALL {
        let g = p.goods.get_mut(*good);
        g.reserve_days = 0.0;
        g.initial_stock_days = 0.0;
    }
    // Devices only: a reserve, so that the workshop holds more than its own reserve and the
    // other community draws on its own stock until freight brings more. World stocks stay
    // constant, so the world makes exactly its need every day.
    p.goods.devices.reserve_days = 10.0;
    p.goods.devices.initial_stock_days = 10.0;
    p.clothing.exchange_store = false;
    p.rail.maintenance_hours_per_km_year = 0.0;
    p.rail.freight = false;
    // Devices travel from the workshop by rail: free freight, so energy is only the need's.
    p.rail.kwh_per_tonne_km = 0.0;
    p.dwellings.build_hours_per_m2 = 0.0;
    p.dwellings.build_materials_t_per_m2 = 0.0;
    // Replacing worn installations is investment beyond the final need.
    p.energy.wear = false;
    p.energy.solar.kw_per_person = 0.0;
    p.energy.wind.kw_per_person = 0.0;
    p.energy.geothermal.kw_per_person = 5.0;
    p.global.devices = DeviceMaking::Global;
    p.global.data_network_hours_per_person_year = 0.0;
    p.global.data_network_kwh_per_person_day = 0.0;
    p
}

#[test]
fn the_global_syndicate_plans_the_classical_labour_value_of_the_worlds_need() {
    let params = perfect();
    let mut sim = Simulation::new(params.clone(), 8);
    let world = sim.world_mut();
    let mut d = [0.0; N_GOODS];
    for person in world.query::<&Person>().iter(world) {
        for good in Good::ALL {
            let p = params.goods.get(*good);
            d[good.index()] += match person.age {
                AgeClass::Child => p.need_child,
                AgeClass::Adult => p.need_adult,
                AgeClass::Elder => p.need_elder,
            };
        }
    }
    // (I - A)^-1 d by the Neumann series.
    let a = coefficient_matrix(&params.inputs);
    let mut x = d;
    let mut term = d;
    for _ in 0..200 {
        let mut next = [0.0; N_GOODS];
        for i in 0..N_GOODS {
            for j in 0..N_GOODS {
                next[i] += a[i][j] * term[j];
            }
        }
        term = next;
        for i in 0..N_GOODS {
            x[i] += term[i];
        }
    }
    let value: f64 = Good::ALL
        .iter()
        .map(|g| params.goods.get(*g).labour_hours_per_unit * x[g.index()])
        .sum();
    let dev = Good::Devices.index();
    // The world makes exactly its need every day, all of it in the workshop.
    for day in 0..40 {
        let m = sim.step();
        let world = sim.world_mut();
        let posted: f64 = world
            .resource::<Days<LabourDay>>()
            .iter()
            .map(|day| {
                Good::ALL
                    .iter()
                    .map(|g| day.posted[Sector::Making(*g).index()])
                    .sum::<f64>()
            })
            .sum();
        assert_eq!(world.resource::<Days<GoodsDay>>()[1].made[dev], 0.0);
        // (Stocks carried from day to day add rounding: the world's stock is summed anew.)
        assert!(
            (posted - value).abs() < 1e-7 * value,
            "day {day}: labour planned {posted} h, labour value {value} h"
        );
        assert!((m.goods_delivered[dev] - d[dev]).abs() < 1e-9 * d[dev]);
    }
}

/// One region of four communities, the training centre in community 0.
fn training_region(training: bool) -> Params {
    let mut p = Params::default();
    p.population.communities = 4;
    p.population.communities_per_region = 4;
    p.population.persons_per_community = 80;
    p.learning.training = training;
    // Training made strong enough to show within two years.
    p.learning.training_share = 0.1;
    p.learning.skill_gain_per_hour = 0.01;
    p
}

#[test]
fn training_raises_skill_and_the_same_output_takes_fewer_hours() {
    for seed in [1, 2, 3] {
        let off = run(&training_region(false), seed, 730);
        let on = run(&training_region(true), seed, 730);
        assert_eq!(total(&off, |m| m.training_hours), 0.0);
        assert!(off.windows(2).all(|w| w[0].mean_skill == w[1].mean_skill));
        // Skill rises year on year (it never decays).
        let skill = |rows: &[TickMetrics], day: usize| rows[day].mean_skill;
        assert!(skill(&on, 364) > skill(&on, 0) + 0.01);
        assert!(skill(&on, 729) > skill(&on, 364) + 0.01);
        assert!(total(&on, |m| m.training_hours) > 0.0);
        assert!(total(&on, |m| m.training_staff_hours) > 0.0);
        assert!(total(&on, |m| m.training_passenger_km) > 0.0);
        // The same needs are met ...
        let sat = |rows: &[TickMetrics]| total(&rows[365..], |m| m.need_satisfaction) / 365.0;
        assert!(sat(&on) > 0.99 && sat(&off) > 0.99);
        // ... with fewer hours in the second year, the centres' facilitators included.
        let (h_on, h_off) = (total(&on[365..], all_hours), total(&off[365..], all_hours));
        assert!(h_on < 0.97 * h_off, "seed {seed}: {h_on} h vs {h_off} h");
    }
}

#[test]
fn research_raises_technology_and_lowers_the_hours_per_unit() {
    let mut p = Params::default();
    p.population.communities = 2;
    p.population.persons_per_community = 100;
    let plain = run(&p, 6, 365);
    p.learning.research = true;
    p.learning.research_communities = vec![1];
    // A small scale, so that a year of one community's research shows.
    p.learning.research_hours_scale = 10_000.0;
    let mut sim = Simulation::new(p.clone(), 6);
    let rows: Vec<_> = (0..365).map(|_| sim.step()).collect();
    assert!(plain.iter().all(|m| m.technology_level == 1.0));
    assert_eq!(total(&plain, |m| m.research_hours), 0.0);
    assert!(total(&rows, |m| m.research_hours) > 0.0);
    assert!(
        rows.windows(2)
            .all(|w| w[1].technology_level >= w[0].technology_level)
    );
    let level = rows.last().unwrap().technology_level;
    assert!(level > 1.1 && level <= p.learning.max_technology, "{level}");
    // Care is a service made to need every day: its hours per unit fell by the level.
    let care = Good::Care.index();
    let world = sim.world_mut();
    let posted = world.resource::<Days<LabourDay>>()[0].posted[Sector::Making(Good::Care).index()];
    let per_unit = posted / world.resource::<Days<GoodsDay>>()[0].planned[care];
    let base = p.goods.care.labour_hours_per_unit;
    assert!(per_unit < base / 1.1, "{per_unit} h/unit");
    // The goods syndicates work less for the same need.
    let goods_hours = |m: &TickMetrics| m.sector_hours[2..N_SECTORS].iter().sum::<f64>();
    let late = |rows: &[TickMetrics]| total(&rows[300..], goods_hours);
    assert!(
        late(&rows) < late(&plain) / 1.05,
        "{} {}",
        late(&rows),
        late(&plain)
    );
}

#[test]
fn off_by_default_and_nothing_changes_when_off() {
    let p = Params::default();
    assert_eq!(p.global.devices, DeviceMaking::Community);
    assert!(!p.learning.training && !p.learning.research);
    // Turning training and research on and off again mid-run leaves no hours behind.
    let mut p = regions();
    let mut sim = Simulation::new(p.clone(), 3);
    for _ in 0..5 {
        sim.step();
    }
    p.learning.training = true;
    p.learning.research = true;
    sim.set_params(p.clone());
    let m = sim.step();
    assert!(m.training_hours > 0.0 && m.research_hours > 0.0);
    p.learning.training = false;
    p.learning.research = false;
    sim.set_params(p);
    let m = sim.step();
    assert_eq!(m.training_hours + m.research_hours, 0.0);
    let world = sim.world_mut();
    let mut works = world.query::<&Work>();
    assert!(
        works
            .iter(world)
            .all(|w| w.training == 0.0 && w.research == 0.0)
    );
}
