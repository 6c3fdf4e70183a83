//! Tests of the whole simulation that exercise this folder's mechanism.

use crate::model::kernel::components::{AgeClass, Person};
use crate::model::kernel::goods::{Good, N_GOODS, coefficient_matrix};
use crate::model::kernel::params::Sector;
use crate::model::*;

/// A village with perfect planning: no reserves, no stocks, no illness, no cooking energy,
/// and more willingness than work.
pub(crate) fn perfect() -> Params {
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
    // Every garment is new: reuse would lower the labour below the labour value of the need.
    p.clothing.exchange_store = false;
    // No rail upkeep or freight: they are labour and energy outside the final need.
    p.rail.maintenance_hours_per_km_year = 0.0;
    p.rail.freight = false;
    // Dwellings rebuilt at no cost: building is outside the final need.
    p.dwellings.build_hours_per_m2 = 0.0;
    p.dwellings.build_materials_t_per_m2 = 0.0;
    // Installations do not wear out: rebuilding them is outside the final need too.
    p.energy.wear = false;
    // Ample, steady energy: planning, not the weather, is under test.
    p.energy.solar.kw_per_person = 0.0;
    p.energy.wind.kw_per_person = 0.0;
    p.energy.geothermal.kw_per_person = 5.0;
    p
}

/// (I - A)^-1 d by the Neumann series d + A d + A^2 d + ..., independent of the model's
/// Gauss-Jordan inverse.
fn gross_output(a: &kernel::goods::Matrix, d: &[f64; N_GOODS]) -> [f64; N_GOODS] {
    let mut total = *d;
    let mut term = *d;
    for _ in 0..200 {
        let mut next = [0.0; N_GOODS];
        for i in 0..N_GOODS {
            for j in 0..N_GOODS {
                next[i] += a[i][j] * term[j];
            }
        }
        term = next;
        for i in 0..N_GOODS {
            total[i] += term[i];
        }
    }
    total
}

#[test]
fn steady_state_labour_equals_the_classical_labour_value() {
    let params = perfect();
    let mut sim = Simulation::new(params.clone(), 8);
    // Final need d, summed here from the persons themselves.
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
    let x = gross_output(&coefficient_matrix(&params.inputs), &d);
    let value: f64 = Good::ALL
        .iter()
        .map(|g| params.goods.get(*g).labour_hours_per_unit * x[g.index()])
        .sum();
    assert!(value > 0.0);
    for _ in 0..30 {
        let m = sim.step();
        let world = sim.world_mut();
        let labour = world.resource::<kernel::ledger::Days<kernel::ledger::LabourDay>>();
        let sector_sum = |f: &dyn Fn(&kernel::ledger::LabourDay, usize) -> f64| -> f64 {
            labour
                .iter()
                .map(|day| {
                    Good::ALL
                        .iter()
                        .map(|g| f(day, Sector::Making(*g).index()))
                        .sum::<f64>()
                })
                .sum()
        };
        let posted = sector_sum(&|day, s| day.posted[s]);
        let done = sector_sum(&|day, s| day.posted[s] - day.unfilled[s]);
        assert!(
            (posted - value).abs() < 1e-9 * value,
            "tick {}: labour planned {posted} h, labour value {value} h",
            m.tick
        );
        // Hours are split among persons in single precision.
        assert!(
            (done - value).abs() < 1e-6 * value,
            "tick {}: labour done {done} h, labour value {value} h",
            m.tick
        );
        for good in Good::ALL {
            let g = good.index();
            assert!(
                (m.goods_delivered[g] - d[g]).abs() < 1e-6 * d[g].max(1.0),
                "{good:?} delivered"
            );
        }
    }
}

#[test]
fn a_labour_shortage_in_energy_curtails_the_sectors_that_use_it() {
    let mut params = perfect();
    // Energy work is so slow that nobody can do enough of it, and the installations, run
    // short-handed, make too little.
    params.goods.energy.labour_hours_per_unit = 5.0;
    params.energy.geothermal.kw_per_person = 0.5;
    let mut sim = Simulation::new(params, 8);
    let m = (0..5).map(|_| sim.step()).last().unwrap();
    let e = Good::Energy.index();
    assert!(m.energy_shortage_kwh > 0.0);
    assert!(m.goods_delivered[e] < m.goods_needed[e]);
    // Rail runs on energy: it is curtailed too, though its own labour is plentiful.
    let t = Good::Transport.index();
    assert!(m.goods_delivered[t] < m.goods_needed[t]);
    assert!(m.need_satisfaction < 1.0);
    assert!(m.unmet_need_share > 0.99);
}
