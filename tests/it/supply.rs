//! Supply agreements made, revised and ended by the regional assemblies
//! (`rail.transfers = "assemblies"`): a region left short asks, the supplier's assembly decides,
//! and food and goods cross between regions only along the pairs in force.

use commune::model::kernel::decisions::{Decision, Level, Subject};

use crate::common::assert_refused;

/// A small drought world: four regions of four communities of 60 in a row, region 1's harvest
/// failing for 300 days, with `extra` appended (a `[rail]` body, other sections after it).
fn drought(extra: &str) -> String {
    format!(
        "name = \"supply\"\nticks = 310\n[population]\ncommunities = 16\npersons_per_community = 60\n\
         communities_per_region = 4\n[food]\narable_spread = 0.4\n\
         [[events]]\nday = 0\nkind = \"drought\"\nregion = 1\nyield_factor = 0.2\ndays = 300\n\
         [rail]\n{extra}"
    )
}

fn scenario(text: &str, seed: u64) -> commune::scenario::Scenario {
    let mut s = commune::scenario::parse(text, "supply").unwrap();
    s.meta.seed = seed;
    s
}

/// A run's days: the agreements in force and what each region sent to and received from other
/// regions (food, kg), with the decisions at the end.
#[derive(Default)]
struct Run {
    /// Per day: agreements in force (supplier, receiver).
    agreed: Vec<Vec<(u32, u32)>>,
    /// Per day: each region's food sent beyond what its own communities received from each
    /// other (positive: it sent food out of the region; negative: it received from outside).
    out: Vec<[f64; 4]>,
    decisions: Vec<Decision>,
    metrics: Vec<String>,
}

fn run(s: &commune::scenario::Scenario) -> Run {
    let mut r = Run::default();
    let mut rows = Vec::new();
    let (_, sim) = commune::runner::simulate_keep(s, |sim, m| {
        r.metrics.push(format!("{m:?}"));
        r.agreed.push(sim.supply_agreements());
        rows.clear();
        sim.community_metrics(&mut rows);
        let mut out = [0.0; 4];
        for c in &rows {
            out[c.region as usize] += c.food_sent_kg - c.food_received_kg;
        }
        r.out.push(out);
    })
    .unwrap();
    r.decisions = sim.decisions().to_vec();
    r
}

/// On every day, food leaves a region only if it has agreed to supply a region that receives
/// food from outside that day, and enters one only if a region that agreed to supply it sends.
fn only_along_agreements(r: &Run, seed: u64) {
    for (day, (out, agreed)) in r.out.iter().zip(&r.agreed).enumerate() {
        let sends = |g: usize| out[g] > 1e-6;
        let takes = |g: usize| out[g] < -1e-6;
        for g in 0..4u32 {
            let i = g as usize;
            if sends(i) {
                assert!(
                    agreed.iter().any(|&(s, to)| s == g && takes(to as usize)),
                    "seed {seed} day {day}: region {g} sent {} kg out with {agreed:?}",
                    out[i]
                );
            }
            if takes(i) {
                assert!(
                    agreed
                        .iter()
                        .any(|&(from, to)| to == g && sends(from as usize)),
                    "seed {seed} day {day}: region {g} received {} kg with {agreed:?}",
                    -out[i]
                );
            }
        }
    }
}

fn passed(r: &Run, want: impl Fn(Subject) -> bool) -> Vec<&Decision> {
    r.decisions
        .iter()
        .filter(|d| d.passed && want(d.subject))
        .collect()
}

/// With no agreement at the start, region 1, whose harvest failed, asks at a regional meeting
/// after it was left short, a region agrees to supply it, and from then on food crosses, only
/// along the pairs in force; without the option nothing crosses in the same world and region 1
/// is fed worse.
#[test]
fn a_short_region_gets_an_agreement_through_its_assemblies_and_food_crosses_only_under_it() {
    let text = drought("transfers = \"assemblies\"\n");
    let mut received = Vec::new();
    for seed in 1..=20 {
        let r = run(&scenario(&text, seed));
        only_along_agreements(&r, seed);
        let asked = passed(&r, |s| matches!(s, Subject::AskSupply { receiver: 1, .. }));
        let made = passed(&r, |s| matches!(s, Subject::Supply { receiver: 1, .. }));
        assert!(!asked.is_empty() && !made.is_empty(), "seed {seed}");
        let first = made[0];
        // The receiver asked first, the same day, at its own assembly.
        assert!(asked.iter().any(|a| a.tick == first.tick
            && a.level == Level::Region(1)
            && matches!(a.subject, Subject::AskSupply { supplier, .. }
                if Level::Region(supplier) == first.level)));
        // Nothing crossed into region 1 before its first agreement.
        let before: f64 = r.out[..first.tick as usize].iter().map(|o| o[1]).sum();
        assert!(before.abs() < 1e-6, "seed {seed}: {before}");
        let after: f64 = -r.out[first.tick as usize..]
            .iter()
            .map(|o| o[1])
            .sum::<f64>();
        received.push(after);
    }
    // Region 1 received food from outside in every seed.
    assert!(received.iter().all(|&kg| kg > 1_000.0), "{received:?}");
}

/// A supplier whose members do not count others' needs (`assembly.solidarity = 0`, votes
/// without noise or deviation) refuses every request, and no food leaves any region.
#[test]
fn a_supplier_whose_assembly_refuses_sends_nothing() {
    let text = drought("transfers = \"assemblies\"\n")
        + "[assembly]\nsolidarity = 0.0\nvote_noise = 0.0\ndeviation_probability = 0.0\n";
    for seed in 1..=20 {
        let r = run(&scenario(&text, seed));
        let asked = passed(&r, |s| matches!(s, Subject::AskSupply { .. }));
        let refused = r
            .decisions
            .iter()
            .filter(|d| !d.passed && matches!(d.subject, Subject::Supply { .. }))
            .count();
        assert!(!asked.is_empty(), "seed {seed}: no region asked");
        assert!(refused > 0, "seed {seed}");
        assert!(passed(&r, |s| matches!(s, Subject::Supply { .. })).is_empty());
        assert!(r.agreed.iter().all(Vec::is_empty), "seed {seed}");
        for (day, out) in r.out.iter().enumerate() {
            assert!(out.iter().all(|x| x.abs() < 1e-6), "seed {seed} day {day}");
        }
    }
}

/// An agreement in force from the start ends when the supplier's assembly revises it and no
/// longer counts the receiver's needs: food crossed under it before, and nothing crosses after.
/// An agreement nothing crosses under lapses after `agreement_lapse_days`; the other is used
/// by then, so it does not.
#[test]
fn an_agreement_ends_when_revised_or_when_it_lapses_and_transfers_stop() {
    // Region 0 supplies region 1 (whose harvest failed) from the start; region 3 has agreed to
    // supply region 2, which is never short: that one lapses at the first regional meeting 280
    // days in. Goods stay home, so only food
    // crosses, and an agreement is used only when food does.
    let text = drought(
        "transfers = \"assemblies\"\ngoods_freight = false\nagreement_term_days = 28\n\
         agreement_lapse_days = 280\n\
         [[rail.agreements]]\nsupplier = 0\nreceiver = 1\n\
         [[rail.agreements]]\nsupplier = 3\nreceiver = 2\n",
    ) + "[assembly]\nsolidarity = 0.0\nvote_noise = 0.0\ndeviation_probability = 0.0\n";
    for seed in 1..=20 {
        let r = run(&scenario(&text, seed));
        only_along_agreements(&r, seed);
        let lapsed = passed(&r, |s| {
            s == Subject::SupplyLapsed {
                supplier: 3,
                receiver: 2,
            }
        });
        assert_eq!(lapsed.len(), 1, "seed {seed}");
        assert_eq!(lapsed[0].tick, 280, "seed {seed}");
        assert_eq!(lapsed[0].level, Level::Region(3));
        assert!(r.agreed[..280].iter().all(|a| a.contains(&(3, 2))));
        assert!(r.agreed[280..].iter().all(|a| !a.contains(&(3, 2))));
        let ended: Vec<&Decision> = r
            .decisions
            .iter()
            .filter(|d| {
                !d.passed
                    && d.subject
                        == Subject::KeepSupply {
                            supplier: 0,
                            receiver: 1,
                        }
            })
            .collect();
        assert_eq!(ended.len(), 1, "seed {seed}");
        let end = ended[0].tick as usize;
        let sent_before: f64 = r.out[..end].iter().map(|o| o[0]).sum();
        let sent_after: f64 = r.out[end..].iter().map(|o| o[0]).sum();
        assert!(sent_before > 1_000.0, "seed {seed}: {sent_before}");
        assert!(sent_after.abs() < 1e-6, "seed {seed}: {sent_after}");
        assert!(
            r.agreed[end..].iter().all(|a| !a.contains(&(0, 1))),
            "seed {seed}"
        );
    }
}

/// With `supply_agreement` off the regional agenda the scenario's agreements stand for the whole
/// run: the same run as `transfers = "agreements"`, to the bit.
#[test]
fn off_the_agenda_the_scenarios_agreements_stand_as_under_agreements() {
    let agreements = "[[rail.agreements]]\nsupplier = 0\nreceiver = 1\n\
                      [[rail.agreements]]\nsupplier = 3\nreceiver = 2\n";
    let fixed = drought(&format!("transfers = \"agreements\"\n{agreements}"));
    let assemblies = drought(&format!("transfers = \"assemblies\"\n{agreements}"))
        + "[assembly.region]\ninterval_days = 28\noff_agenda = [\"supply_agreement\"]\n";
    for seed in 1..=3 {
        let a = run(&scenario(&fixed, seed));
        let b = run(&scenario(&assemblies, seed));
        assert!(a.out.iter().any(|o| o[0] > 0.0), "seed {seed}");
        assert_eq!(a.metrics, b.metrics, "seed {seed}");
        assert_eq!(a.decisions, b.decisions, "seed {seed}");
        assert!(b.agreed.iter().all(|x| x == &[(0, 1), (3, 2)]));
    }
}

#[test]
fn bad_supply_agreement_settings_are_refused_with_the_key() {
    let head = "[population]\ncommunities = 6\ncommunities_per_region = 3\n[rail]\n";
    let cases = [
        (
            format!("{head}transfers = \"markets\"\n"),
            "rail.transfers",
            "unknown variant `markets`, expected one of `nearest`, `agreements`, `assemblies`",
        ),
        (
            format!(
                "{head}transfers = \"assemblies\"\n[[rail.agreements]]\nsupplier = 0\nreceiver = 2\n"
            ),
            "rail.agreements.0.receiver",
            "region 2 does not exist; there are 2 (ids 0 to 1)",
        ),
        (
            format!("{head}transfers = \"assemblies\"\nagreement_lapse_days = 0\n"),
            "rail.agreement_lapse_days",
            "is 0; it must be between 1 and 36500",
        ),
        (
            format!("{head}transfers = \"assemblies\"\nagreement_term_days = -3\n"),
            "rail.agreement_term_days",
            "",
        ),
        (
            format!("{head}[assembly.region]\noff_agenda = [\"supply_agreements\"]\n"),
            "assembly.region.off_agenda",
            "supply_agreements",
        ),
    ];
    let cases: Vec<(&str, &str, &str)> =
        cases.iter().map(|(t, k, m)| (t.as_str(), *k, *m)).collect();
    assert_refused(&cases);
}

/// New `rail.agreements` set from outside during a run replace the agreements the assemblies
/// made, from the next day.
#[test]
fn agreements_set_from_outside_replace_those_in_force() {
    use commune::model::kernel::params::rail::AgreementSpec;
    let s = scenario(
        &drought("transfers = \"assemblies\"\n[[rail.agreements]]\nsupplier = 0\nreceiver = 1\n"),
        1,
    );
    let mut sim = commune::model::Simulation::new(s.params.clone(), 1);
    sim.step();
    assert_eq!(sim.supply_agreements(), vec![(0, 1)]);
    let mut p = sim.params().clone();
    p.rail.agreements = vec![AgreementSpec {
        supplier: 2,
        receiver: 1,
    }];
    sim.set_params(p.clone());
    assert_eq!(sim.supply_agreements(), vec![(2, 1)]);
    // The same list again changes nothing.
    sim.step();
    sim.set_params(p);
    assert_eq!(sim.supply_agreements(), vec![(2, 1)]);
}
