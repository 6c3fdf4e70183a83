//! Kitchens can fail: what diners leave on their plates is wasted, at the share the scenario
//! says, while without it (and with no spoilage in store) the kitchen wastes nothing, by
//! construction.

use commune::model::Simulation;

use crate::common::*;

/// Food wasted and eaten over days 10-70 of the kitchens scenario, with no spoilage in store and
/// the given plate waste.
fn wasted_and_eaten(plate: f64) -> (f64, f64, f64) {
    let s = commune::scenario::load(&scenario("kitchens"))
        .unwrap()
        .with_values(
            &["food.store_spoilage_per_day", "food.plate_waste_share"],
            &[0.0.into(), plate.into()],
        )
        .unwrap();
    assert_eq!(
        s.params.food.kitchen_share, 1.0,
        "everyone eats at the kitchen"
    );
    let mut sim = Simulation::new(s.params.clone(), 3);
    let (mut wasted, mut eaten, mut needed) = (0.0, 0.0, 0.0);
    for day in 0..70 {
        let m = sim.step();
        if day >= 10 {
            wasted += m.food_wasted_kg;
            eaten += m.food_eaten_kg;
            needed += m.food_needed_kg;
        }
    }
    (wasted, eaten, needed)
}

#[test]
fn plates_left_unfinished_are_wasted_and_nothing_else_is() {
    let (wasted, eaten, needed) = wasted_and_eaten(0.0);
    assert_eq!(
        wasted, 0.0,
        "no plate waste and no spoilage: nothing is wasted"
    );
    assert!((eaten / needed - 1.0).abs() < 1e-9, "{eaten} of {needed}");
    // WRAP 2013: 34% of one meal in six is left on plates.
    let p = 0.057;
    let (wasted, eaten, needed) = wasted_and_eaten(p);
    // Diners still eat their allowance; what is served is eaten / (1 - p), and p of it is left.
    assert!((eaten / needed - 1.0).abs() < 1e-9, "{eaten} of {needed}");
    let expected = eaten * p / (1.0 - p);
    assert!(
        wasted >= expected * (1.0 - 1e-9) && wasted <= expected * 1.05,
        "wasted {wasted} kg, plates alone {expected} kg"
    );
}
