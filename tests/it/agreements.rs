//! Transfers between regions under agreements (`rail.transfers = "agreements"`): food and goods
//! cross from one region to another only where the supplier agreed to supply the receiver.

use crate::common::assert_refused;

/// The shipped small world (four regions in a row; region 1's harvest fails) with `transfers`
/// and the agreements `(supplier, receiver)`.
fn small_world(transfers: &str, agreements: &[(u32, u32)]) -> commune::scenario::Scenario {
    let list = agreements
        .iter()
        .map(|&(supplier, receiver)| {
            let mut t = toml::Table::new();
            t.insert("supplier".into(), toml::Value::Integer(supplier.into()));
            t.insert("receiver".into(), toml::Value::Integer(receiver.into()));
            toml::Value::Table(t)
        })
        .collect();
    commune::scenario::load(&crate::common::scenario("small-world"))
        .unwrap()
        .with_values(
            &["rail.transfers", "rail.agreements"],
            &[
                toml::Value::String(transfers.into()),
                toml::Value::Array(list),
            ],
        )
        .unwrap()
}

/// What crossed between regions over a year, and how well region 1 was fed.
#[derive(Debug, Default, PartialEq)]
struct Year {
    trunk_tonne_km: f64,
    /// Food received by each region's communities by rail.
    received_kg: [f64; 4],
    /// Food sent by each region's communities by rail.
    sent_kg: [f64; 4],
    /// Region 1's food eaten over its need.
    fed: f64,
    metrics: Vec<String>,
}

fn year(s: &commune::scenario::Scenario) -> Year {
    let mut y = Year::default();
    let (mut eaten, mut need) = (0.0, 0.0);
    let mut rows = Vec::new();
    commune::runner::simulate_with(s, |sim, m| {
        y.trunk_tonne_km += m.trunk_tonne_km;
        y.metrics.push(format!("{m:?}"));
        rows.clear();
        sim.community_metrics(&mut rows);
        for r in &rows {
            y.received_kg[r.region as usize] += r.food_received_kg;
            y.sent_kg[r.region as usize] += r.food_sent_kg;
            if r.region == 1 {
                eaten += r.food_eaten_kg;
                need += r.food_needed_kg;
            }
        }
    })
    .unwrap();
    y.fed = eaten / need;
    y
}

/// Food a region's communities received from other regions: what they received beyond what
/// they sent each other (within a region, what one sends another receives).
fn from_outside(y: &Year, r: usize) -> f64 {
    y.received_kg[r] - y.sent_kg[r]
}

/// With no agreement nothing crosses between regions; with one, only the supplier sends and
/// only the receiver receives, and the region whose harvest failed is fed better than with none
/// and worse than under the rule (which lets every region supply it).
#[test]
fn food_crosses_between_regions_only_under_an_agreement() {
    let rule = year(&small_world("nearest", &[]));
    let none = year(&small_world("agreements", &[]));
    let one = year(&small_world("agreements", &[(0, 1)]));
    assert_eq!(none.trunk_tonne_km, 0.0);
    for r in 0..4 {
        assert!(from_outside(&none, r).abs() < 1e-6, "region {r}: {none:?}");
    }
    assert!(one.trunk_tonne_km > 0.0);
    assert!(from_outside(&one, 1) > 10_000.0, "{:?}", one.received_kg);
    assert!(
        (from_outside(&one, 0) + from_outside(&one, 1)).abs() < 1e-6,
        "region 0 sent what region 1 received from outside"
    );
    for r in [2, 3] {
        assert!(
            from_outside(&one, r).abs() < 1e-6 && one.sent_kg[r] < 1e-6,
            "region {r}"
        );
    }
    // The rule lets regions 2 and 3 supply it too.
    assert!(from_outside(&rule, 2) < -10_000.0 && from_outside(&rule, 3) < -10_000.0);
    assert!(
        none.fed + 0.02 < one.fed && one.fed + 0.02 < rule.fed,
        "fed: none {}, one {}, rule {}",
        none.fed,
        one.fed,
        rule.fed
    );
}

/// Agreements between every pair of regions are the rule: the same run to the bit.
#[test]
fn agreements_between_every_pair_are_the_rule() {
    let every: Vec<(u32, u32)> = (0..4)
        .flat_map(|s| (0..4).filter(move |&r| r != s).map(move |r| (s, r)))
        .collect();
    let rule = year(&small_world("nearest", &[]));
    let all = year(&small_world("agreements", &every));
    assert!(rule.trunk_tonne_km > 0.0);
    assert_eq!(rule, all);
}

#[test]
fn agreements_naming_regions_that_do_not_exist_are_refused() {
    let head = "[population]\ncommunities = 6\ncommunities_per_region = 3\n[rail]\ntransfers = \"agreements\"\n";
    let cases = [
        (
            format!("{head}[[rail.agreements]]\nsupplier = 2\nreceiver = 0\n"),
            "rail.agreements.0.supplier",
            "region 2 does not exist; there are 2 (ids 0 to 1)",
        ),
        (
            format!("{head}[[rail.agreements]]\nsupplier = 1\nreceiver = 1\n"),
            "rail.agreements.0.receiver",
            "two different regions",
        ),
        (
            format!(
                "{head}[[rail.agreements]]\nsupplier = 1\nreceiver = 0\n[[rail.agreements]]\nsupplier = 1\nreceiver = 0\n"
            ),
            "rail.agreements.1.receiver",
            "region 1 already agreed to supply region 0",
        ),
        (
            format!("{head}[[rail.agreements]]\nsupplier = 1\nreciever = 0\n"),
            "rail.agreements[0].reciever",
            "unknown field `reciever`, expected `supplier` or `receiver`",
        ),
    ];
    let cases: Vec<(&str, &str, &str)> =
        cases.iter().map(|(t, k, m)| (t.as_str(), *k, *m)).collect();
    assert_refused(&cases);
}
