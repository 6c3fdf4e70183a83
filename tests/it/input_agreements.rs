//! Agreements between syndicates (`economy.input_agreements = "assemblies"`): each goods
//! syndicate has its own standing agreement with each syndicate of its community whose good it
//! uses, made at the start as the store's agreements imply (`A X`) and revised at the
//! community's meetings by both syndicates' workers: the user's offer, the supplier's
//! acceptance.

use commune::analysis::stats::MeanCi;
use commune::model::kernel::decisions::{Decision, Subject};
use commune::model::kernel::goods::{Good, N_GOODS};
use commune::model::kernel::technology::Economy;
use commune::model::{Simulation, Summary};
use commune::scenario::Scenario;
use rayon::prelude::*;

use crate::common::*;

fn standing(extra: &[(&str, toml::Value)]) -> Scenario {
    let mut all = vec![("economy.standing_agreements", true.into())];
    all.extend_from_slice(extra);
    local_village(&all)
}

fn own(extra: &[(&str, toml::Value)]) -> Scenario {
    let mut all = vec![("economy.input_agreements", "assemblies".into())];
    all.extend_from_slice(extra);
    standing(&all)
}

/// The input agreements decided: (day, input, user, amount, day in force, accept, passed).
fn decided(decisions: &[Decision]) -> Vec<(u32, Good, Good, f64, u32, bool, bool)> {
    decisions
        .iter()
        .filter_map(|d| match d.subject {
            Subject::InputAgreement {
                input,
                user,
                millionths,
                from,
                accept,
            } => Some((
                d.tick,
                input,
                user,
                millionths as f64 / 1e6,
                from,
                accept,
                d.passed,
            )),
            _ => None,
        })
        .collect()
}

fn off_agenda(kinds: &[&str]) -> (&'static str, toml::Value) {
    (
        "assembly.community.off_agenda",
        toml::Value::Array(kinds.iter().map(|k| (*k).into()).collect()),
    )
}

/// A village short of materials: the materials syndicate keeps a day's reserve and a tonne
/// takes 150 times the hours (300), so that the syndicates using materials are held back for
/// want of them, their workers offer raises, and the materials syndicate's workers weigh hours
/// that matter. (At 200 hours a seed only sometimes ran short enough: the raises came from one
/// seed of four, and a change in the last bits of the draws lost them. At 300 every one of 12
/// seeds ran short, and 10 of 12 with such a change.)
fn scarce() -> Scenario {
    own(&[
        ("goods.materials.reserve_days", 1.0.into()),
        ("goods.materials.labour_hours_per_unit", 300.0.into()),
    ])
}

#[test]
fn follow_is_todays_rule_to_the_bit() {
    let today = standing(&[]);
    let follow = standing(&[("economy.input_agreements", "follow".into())]);
    for seed in [1, 2] {
        let (a, da) = rows_and_decisions(&today, seed, 150);
        let (b, db) = rows_and_decisions(&follow, seed, 150);
        assert_eq!(da, db, "seed {seed}");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(format!("{x:?}"), format!("{y:?}"), "day {}", x.tick);
            assert_eq!(x.input_agreements_revised, 0);
        }
    }
}

#[test]
fn the_first_agreements_are_the_follow_rule_s_orders() {
    let s = own(&[]);
    let mut sim = Simulation::new(s.params.clone(), 1);
    let economy = sim.world_mut().resource::<Economy>().clone();
    let o = orderings(&mut sim);
    let q = input_orders(&mut sim);
    // The gross output the store's first amounts take (none for energy; the village's
    // syndicates all exist from the start).
    let agreed: [f64; N_GOODS] = std::array::from_fn(|g| o[g].agreed);
    let x = economy.gross_output(&agreed);
    let mut pairs = 0;
    for j in 0..N_GOODS {
        for i in 0..N_GOODS {
            assert_eq!(q[j].agreed[i], economy.a[i][j] * x[j], "{i} to {j}");
            pairs += usize::from(economy.a[i][j] > 0.0);
        }
    }
    assert!(pairs >= 6, "{pairs} pairs");
    // Nobody revises anything (nor idles or creates a syndicate): the agreements made at the
    // start are `follow`'s orders all along, to the bit.
    let still = [
        "standing_agreement",
        "input_agreement",
        "idle",
        "resume",
        "create",
    ];
    let follow = standing(&[off_agenda(&still)]);
    let assemblies = own(&[off_agenda(&still)]);
    for seed in [1, 2] {
        let (a, _) = rows_and_decisions(&follow, seed, 120);
        let (b, _) = rows_and_decisions(&assemblies, seed, 120);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(format!("{x:?}"), format!("{y:?}"), "day {}", x.tick);
        }
    }
    // Everything on the agenda: the same until the first meeting's decisions.
    let (a, _) = rows_and_decisions(&standing(&[]), 1, 7);
    let (b, _) = rows_and_decisions(&s, 1, 7);
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
}

/// Offers and acceptances over `seeds` seeds of `s`, `days` days: (offered, offers passed,
/// acceptances decided, accepted, passed raises, refused raises).
fn tally(s: &Scenario, seeds: u64, days: u32) -> [usize; 6] {
    let per_seed: Vec<[usize; 6]> = (1..=seeds)
        .into_par_iter()
        .map(|seed| {
            let mut sim = Simulation::new(s.params.clone(), seed);
            let mut before = input_orders(&mut sim);
            let mut t = [0usize; 6];
            for day in 0..days {
                sim.step();
                let today: Vec<_> = decided(sim.decisions())
                    .into_iter()
                    .filter(|d| d.0 == day)
                    .collect();
                for d in &today {
                    let (_, input, user, amount, _, accept, passed) = *d;
                    if !accept {
                        t[0] += 1;
                        t[1] += usize::from(passed);
                        continue;
                    }
                    // An acceptance is decided only if its offer passed that day.
                    assert!(
                        today
                            .iter()
                            .any(|o| !o.5 && o.6 && (o.1, o.2, o.3) == (input, user, amount)),
                        "day {day}: {d:?} without its offer"
                    );
                    t[2] += 1;
                    t[3] += usize::from(passed);
                    let now = before[user.index()].agreed_on(input.index(), day);
                    if amount > now {
                        t[4 + usize::from(!passed)] += 1;
                    }
                }
                before = input_orders(&mut sim);
            }
            t
        })
        .collect();
    let mut t = [0; 6];
    for x in per_seed {
        for k in 0..6 {
            t[k] += x[k];
        }
    }
    t
}

#[test]
fn a_revision_is_offered_by_the_user_s_workers_and_accepted_by_the_supplier_s_in_force_after_notice()
 {
    let notice = 5u32;
    let s = scarce().with_values(
        &["economy.agreement_notice_days"],
        &[i64::from(notice).into()],
    );
    let s = s.unwrap();
    let (mut accepted, mut came_in, mut failed_offers) = (0, 0, 0);
    for seed in 1..=2 {
        let mut sim = Simulation::new(s.params.clone(), seed);
        let start = input_orders(&mut sim);
        let mut in_force: Vec<[f64; N_GOODS]> = start.iter().map(|q| q.agreed).collect();
        let mut pending: Vec<Vec<Option<(f64, u32)>>> = vec![vec![None; N_GOODS]; N_GOODS];
        for day in 0..200u32 {
            let row = sim.step();
            let mut due = 0;
            for j in 0..N_GOODS {
                for i in 0..N_GOODS {
                    if let Some((amount, from)) = pending[j][i]
                        && from == day
                    {
                        in_force[j][i] = amount;
                        pending[j][i] = None;
                        due += 1;
                    }
                }
            }
            for (tick, input, user, amount, from, accept, passed) in decided(sim.decisions()) {
                if tick != day {
                    continue;
                }
                failed_offers += usize::from(!accept && !passed);
                if accept && passed {
                    assert_eq!(from, day + notice);
                    let slot = &mut pending[user.index()][input.index()];
                    assert!(slot.is_none(), "one revision at a time");
                    *slot = Some((amount, from));
                    accepted += 1;
                }
            }
            let now = input_orders(&mut sim);
            for j in 0..N_GOODS {
                assert_eq!(now[j].agreed, in_force[j], "day {day}, user {j}");
            }
            assert_eq!(row.input_agreements_revised, due as u64, "day {day}");
            came_in += due;
        }
        // The store's agreements are revised as before.
        assert!(
            sim.decisions()
                .iter()
                .any(|d| matches!(d.subject, Subject::StandingAgreement { .. }) && d.passed)
        );
    }
    eprintln!("accepted {accepted}, in force {came_in}, offers failed {failed_offers}");
    assert!(came_in > 0, "no revision came into force");
}

#[test]
fn both_sides_votes_matter() {
    // In the village the users' workers offer lowerings (the inputs' stock beyond its reserve)
    // and refuse them: the hours they would spare are the supplier's, spread over everyone,
    // against the shortage they risk. The supplier's workers never vote on an offer refused
    // (nor, without their quorum, on one passed).
    let village = tally(&own(&[]), 4, 200);
    // Short of materials, the users also offer raises and pass them; the materials syndicate's
    // workers weigh the hours a raise costs each of them against the goods it serves and refuse
    // some of them, which then do not come into force.
    let scarce = tally(&scarce(), 8, 200);
    eprintln!(
        "offers, passed, acceptances, accepted, raises accepted, raises refused: village \
         {village:?}, scarce {scarce:?}"
    );
    for t in [village, scarce] {
        assert!(
            t[2] <= t[1],
            "acceptances only of offers passed (and quorate): {t:?}"
        );
    }
    // Measured (200 days): village (4 seeds) 142 offers, 1 passed and accepted; scarce (8
    // seeds) 483 offers, 214 passed, 211 put to the suppliers, 190 accepted (188 raises), 18
    // raises and 3 lowerings refused.
    assert!(
        village[0] > 20 && village[1] < village[0] / 4,
        "{village:?}"
    );
    assert!(scarce[1] > 10, "the users offer raises: {scarce:?}");
    assert!(
        scarce[4] > 5,
        "the supplier's workers accept raises: {scarce:?}"
    );
    assert!(
        scarce[5] > 0 && scarce[3] < scarce[2],
        "and refuse some: {scarce:?}"
    );
}

#[test]
fn off_the_agenda_the_first_agreements_stand() {
    let s = own(&[off_agenda(&["input_agreement"])]);
    let mut sim = Simulation::new(s.params.clone(), 1);
    let start = input_orders(&mut sim);
    for _ in 0..150 {
        let row = sim.step();
        assert_eq!(row.input_agreements_revised, 0);
    }
    let end = input_orders(&mut sim);
    for j in 0..N_GOODS {
        assert_eq!(start[j].agreed, end[j].agreed);
    }
    assert!(decided(sim.decisions()).is_empty());
    // The store's agreements are still revised.
    assert!(
        sim.decisions()
            .iter()
            .any(|d| matches!(d.subject, Subject::StandingAgreement { .. }))
    );
}

#[test]
fn bad_values_are_refused_with_their_key() {
    let local = "[economy]\nplanning = \"local\"\n";
    let cases = [
        (
            format!("{local}input_agreements = \"assemblies\"\n"),
            "economy.input_agreements",
            "standing_agreements",
        ),
        (
            format!("{local}standing_agreements = true\ninput_agreements = \"syndicates\"\n"),
            "economy.input_agreements",
            "syndicates",
        ),
    ];
    let cases: Vec<(&str, &str, &str)> =
        cases.iter().map(|(t, k, s)| (t.as_str(), *k, *s)).collect();
    assert_refused(&cases);
}

const SEEDS: u64 = 20;

/// Bullwhip ratios and goods short shares of `s` over seeds (400 days, as in `planning.rs`).
fn figures(s: &Scenario) -> Vec<(f64, f64)> {
    (1..=SEEDS)
        .into_par_iter()
        .map(|seed| {
            let sum = Summary::from_rows(&rows_and_decisions(s, seed, 400).0);
            (sum.bullwhip_ratio, sum.goods_short_share)
        })
        .collect()
}

#[test]
fn the_syndicates_own_agreements_against_the_store_s_alone() {
    let follow = figures(&standing(&[]));
    let assemblies = figures(&own(&[]));
    let diff = |f: fn(&(f64, f64)) -> f64| -> MeanCi {
        let d: Vec<f64> = assemblies
            .iter()
            .zip(&follow)
            .map(|(a, b)| f(a) - f(b))
            .collect();
        MeanCi::of(&d)
    };
    let bullwhip = diff(|x| x.0);
    let short = diff(|x| x.1);
    eprintln!(
        "follow: bullwhip {:?}, short {:?}; assemblies - follow: bullwhip {bullwhip:?}, short {short:?}",
        MeanCi::of(&follow.iter().map(|x| x.0).collect::<Vec<_>>()),
        MeanCi::of(&follow.iter().map(|x| x.1).collect::<Vec<_>>()),
    );
    // Measured (20 seeds, 400 days): follow's bullwhip 9.02 [8.64, 9.41], short share 0.081
    // [0.066, 0.096]; the difference, bullwhip -0.32 [-0.76, 0.11], short -0.0001 [-0.0006,
    // 0.0004]. In the village the syndicates' own agreements are seldom revised (their workers
    // refuse the lowerings they offer and nothing is short of an input), so they stand nearly as
    // made while the store's are revised: they take away part of the steps each store
    // revision makes in the input orders, and the ratio falls a little.
    assert!(
        bullwhip.high < 0.6 && bullwhip.low > -1.5,
        "the bullwhip ratio changes by under a sixth: {bullwhip:?}"
    );
    assert!(
        short.low > -0.003 && short.high < 0.003,
        "the goods short share hardly changes: {short:?}"
    );
}
