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

/// A community of 100 adults, 30 children and 20 elders planning under `p`: its economy, its
/// headcount and its members' requests.
fn session_community(
    p: &Params,
) -> (
    crate::model::kernel::technology::Economy,
    crate::model::kernel::goods::Headcount,
    [f64; N_GOODS],
) {
    let economy = crate::model::kernel::technology::Economy::new(p);
    let headcount = crate::model::kernel::goods::Headcount {
        adults: 100.0,
        children: 30.0,
        elders: 20.0,
        ill: 0.0,
    };
    let wanted = p.goods.final_need(&headcount);
    (economy, headcount, wanted)
}

/// A planning session lowers the requests by `revision` of the gap each round, so with hours
/// linear in the requests the share still to close after round `k` is `(1 - revision)^(k-1)`
/// of `1 - s*`, `s* = room / hours asked in full`: the rounds it takes have a closed form.
#[test]
fn a_planning_session_takes_the_rounds_the_closed_form_says() {
    use crate::model::syndicates::economy::plan_session;
    let mut p = Params::default();
    let (economy, headcount, wanted) = session_community(&p);
    let full = economy.gross_output(&wanted);
    let asked: f64 = (0..N_GOODS).map(|g| full[g] * economy.labour[g]).sum();
    let offered = 100.0 * p.labour.willing_hours_mean
        + 20.0 * p.labour.elder_willingness * p.labour.willing_hours_mean;
    // Willing hours ample: one round, nothing cut.
    let (_, s) = plan_session(&p, &economy, 1.0, &wanted, &headcount, 0.0, 0.0, &[]);
    assert_eq!((s.rounds, s.agreed, s.scale), (1, true, 1.0));
    // Food and building already take all but 40% of what the goods ask.
    let committed = offered - 0.4 * asked;
    for (revision, tolerance) in [(0.5, 0.02), (0.3, 0.01), (0.9, 0.05)] {
        p.economy.revision = revision;
        p.economy.tolerance = tolerance;
        p.economy.round_limit = 100;
        let target = 0.4;
        // Smallest k with (1 - r)^(k - 1) (1 - s*) <= tol s*.
        let k = (1..100)
            .find(|&k| (1.0f64 - revision).powi(k - 1) * (1.0 - target) <= tolerance * target)
            .unwrap();
        let (output, s) = plan_session(&p, &economy, 1.0, &wanted, &headcount, committed, 0.0, &[]);
        assert_eq!(
            s.rounds as i32, k,
            "revision {revision}, tolerance {tolerance}"
        );
        assert!(s.agreed);
        let hours: f64 = (0..N_GOODS).map(|g| output[g] * economy.labour[g]).sum();
        assert!(hours <= 0.4 * asked * (1.0 + tolerance) * (1.0 + 1e-9));
        assert!(
            (s.scale - hours / asked).abs() < 1e-9,
            "output is the scaled requests' solve"
        );
        // One round short of it, the session ends unagreed.
        p.economy.round_limit = (k - 1) as u32;
        if k > 1 {
            let (_, s) = plan_session(&p, &economy, 1.0, &wanted, &headcount, committed, 0.0, &[]);
            assert_eq!((s.rounds as i32, s.agreed), (k - 1, false));
        }
    }
}

/// When the requests take more hours than the members offer, a session that may work longer
/// asks each willing adult for just the hours missing (the elders their share), up to the cap,
/// and lowers no request if they suffice; past the cap it lowers requests for the rest.
#[test]
fn a_session_that_works_longer_asks_only_the_hours_missing() {
    use crate::model::syndicates::economy::plan_session;
    let mut p = Params::default();
    p.economy.round_limit = 100;
    let (economy, headcount, wanted) = session_community(&p);
    let full = economy.gross_output(&wanted);
    let asked: f64 = (0..N_GOODS).map(|g| full[g] * economy.labour[g]).sum();
    let offered = 100.0 * p.labour.willing_hours_mean
        + 20.0 * p.labour.elder_willingness * p.labour.willing_hours_mean;
    let willing = 100.0 + 20.0 * p.labour.elder_willingness;
    // 30 hours short in all.
    let committed = offered - (asked - 30.0);
    let needed = 30.0 / willing;
    let (_, s) = plan_session(&p, &economy, 1.0, &wanted, &headcount, committed, 1.0, &[]);
    assert!((s.needed - needed).abs() < 1e-9, "{} {needed}", s.needed);
    assert!((s.extra - needed).abs() < 1e-9);
    assert_eq!((s.rounds, s.agreed, s.scale), (1, true, 1.0));
    // Without working longer, the requests are lowered instead.
    let (_, s) = plan_session(&p, &economy, 1.0, &wanted, &headcount, committed, 0.0, &[]);
    assert_eq!(s.extra, 0.0);
    assert!(s.agreed && s.scale < 1.0 && s.rounds > 1);
    // A cap of half the hours missing: half is worked, the rest is cut.
    let cap = needed / 2.0;
    let (output, s) = plan_session(&p, &economy, 1.0, &wanted, &headcount, committed, cap, &[]);
    assert!((s.extra - cap).abs() < 1e-12);
    let hours: f64 = (0..N_GOODS).map(|g| output[g] * economy.labour[g]).sum();
    let room = asked - 30.0 + cap * willing;
    assert!(s.agreed && hours <= room * (1.0 + p.economy.tolerance) * (1.0 + 1e-9));
    assert!(
        hours > asked - 30.0,
        "working longer kept more than the willing hours allow"
    );
}

/// With a cut order, a session lowers the first good's request to nothing before it touches
/// the next, leaves the goods it does not name as they are, and ends within the hours offered.
#[test]
fn a_session_with_a_cut_order_lowers_requests_good_by_good() {
    use crate::model::syndicates::economy::plan_session;
    let mut p = Params::default();
    p.economy.round_limit = 100;
    p.economy.tolerance = 1e-6;
    let (economy, headcount, wanted) = session_community(&p);
    let hours_of = |x: &[f64; N_GOODS]| -> f64 {
        let out = economy.gross_output(x);
        (0..N_GOODS).map(|g| out[g] * economy.labour[g]).sum()
    };
    let asked = hours_of(&wanted);
    let devices = Good::Devices.index();
    let transport = Good::Transport.index();
    let only = |g: usize| {
        let mut x = [0.0; N_GOODS];
        x[g] = wanted[g];
        hours_of(&x)
    };
    let (h_devices, h_transport) = (only(devices), only(transport));
    assert!(h_devices > 0.0 && h_transport > 0.0);
    let offered = 100.0 * p.labour.willing_hours_mean
        + 20.0 * p.labour.elder_willingness * p.labour.willing_hours_mean;
    let order = [devices, transport];
    // Short by all the devices take and half of what transport takes.
    let short = h_devices + 0.5 * h_transport;
    let committed = offered - (asked - short);
    let (output, s) = plan_session(
        &p, &economy, 1.0, &wanted, &headcount, committed, 0.0, &order,
    );
    assert!(s.agreed, "{s:?}");
    assert!(s.scales[devices] < 0.01, "devices first: {:?}", s.scales);
    assert!(
        (s.scales[transport] - 0.5).abs() < 0.01,
        "then half of transport: {:?}",
        s.scales
    );
    for g in 0..N_GOODS {
        if !order.contains(&g) {
            assert_eq!(s.scales[g], 1.0, "{:?} was not named", Good::ALL[g]);
        }
    }
    let hours: f64 = (0..N_GOODS).map(|g| output[g] * economy.labour[g]).sum();
    assert!((s.scale - hours / asked).abs() < 1e-9);
    assert!(hours <= (asked - short) * (1.0 + p.economy.tolerance) * (1.0 + 1e-9));
    // Short of more than the named goods take: they go to nothing and the session cannot agree.
    let committed = offered - (asked - 2.0 * (h_devices + h_transport));
    let (_, s) = plan_session(
        &p, &economy, 1.0, &wanted, &headcount, committed, 0.0, &order,
    );
    assert!(!s.agreed && s.scales[devices] < 1e-6 && s.scales[transport] < 1e-6);
}
