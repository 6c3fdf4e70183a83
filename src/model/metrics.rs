//! The world's figures for one tick, and the declared list of metric columns.
//!
//! Output files, the headline table and (later) the dashboard read metrics through [`COLUMNS`], by
//! the names declared here, so a metric is added in exactly one place.

use bevy_ecs::prelude::Resource;

/// One row of the metrics table: the whole world on one day.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq)]
pub struct TickMetrics {
    pub tick: u32,
    pub day_of_year: u32,
    pub population: u64,
    pub able_adults: u64,
    pub work_hours_mean: f64,
    pub work_hours_p50: f64,
    pub work_hours_p90: f64,
    pub work_hours_max: f64,
    pub leisure_hours_mean: f64,
    pub need_satisfaction: f64,
    pub unmet_need_share: f64,
    pub food_needed_kg: f64,
    pub food_produced_kg: f64,
    pub food_harvested_kg: f64,
    pub food_garden_kg: f64,
    pub food_cooked_kg: f64,
    pub food_eaten_kg: f64,
    pub food_stored_kg: f64,
    pub food_wasted_kg: f64,
    pub waste_share: f64,
    pub footprint_kg_co2e_per_person: f64,
    pub labour_posted_hours: f64,
    pub labour_shortage_hours: f64,
    pub agriculture_hours: f64,
    pub kitchen_hours: f64,
    pub garden_hours: f64,
}

/// Whether a column holds whole numbers or reals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Float,
}

/// A declared metric column.
pub struct Column {
    pub name: &'static str,
    pub unit: &'static str,
    pub doc: &'static str,
    pub kind: Kind,
    pub get: fn(&TickMetrics) -> f64,
}

macro_rules! columns {
    ($( $field:ident : $kind:ident, $unit:literal, $doc:literal; )*) => {
        /// Every metric column, in output order.
        pub const COLUMNS: &[Column] = &[
            $( Column {
                name: stringify!($field),
                unit: $unit,
                doc: $doc,
                kind: Kind::$kind,
                get: |m| m.$field as f64,
            }, )*
        ];
    };
}

columns! {
    tick: Int, "day", "Tick number, counted from 0; one tick is one day.";
    day_of_year: Int, "day", "Day of the year, 0 to 364.";
    population: Int, "persons", "Persons alive.";
    able_adults: Int, "persons", "Adults who are well today (the base of the work-hours statistics).";
    work_hours_mean: Float, "h/day", "Mean hours worked per able adult: syndicate work plus own garden.";
    work_hours_p50: Float, "h/day", "Median hours worked per able adult (to 0.01 h).";
    work_hours_p90: Float, "h/day", "90th percentile of hours worked per able adult (to 0.01 h).";
    work_hours_max: Float, "h/day", "Most hours anyone worked.";
    leisure_hours_mean: Float, "h/day", "Mean waking hours left after work per able adult.";
    need_satisfaction: Float, "0..1", "Food delivered divided by food needed.";
    unmet_need_share: Float, "0..1", "Share of persons who got less than they needed.";
    food_needed_kg: Float, "kg", "Food needed by everyone today.";
    food_produced_kg: Float, "kg", "Food harvested from common land plus garden food.";
    food_harvested_kg: Float, "kg", "Food harvested by the agricultural syndicates.";
    food_garden_kg: Float, "kg", "Food from garden plots.";
    food_cooked_kg: Float, "kg", "Food cooked by community kitchens.";
    food_eaten_kg: Float, "kg", "Food delivered and eaten.";
    food_stored_kg: Float, "kg", "Food in store-rooms and kept as leftovers at the end of the day.";
    food_wasted_kg: Float, "kg", "Food spoiled in store, leftovers past keeping and household waste.";
    waste_share: Float, "0..1", "Food wasted divided by food produced, both summed over the last 365 days.";
    footprint_kg_co2e_per_person: Float, "kg CO2e/person/day", "Emissions of farming, cooking energy and waste per person.";
    labour_posted_hours: Float, "h", "Effective hours the syndicates asked for.";
    labour_shortage_hours: Float, "h", "Effective hours asked for that no one filled.";
    agriculture_hours: Float, "h", "Hours given to agricultural syndicates.";
    kitchen_hours: Float, "h", "Hours given to community kitchens.";
    garden_hours: Float, "h", "Hours spent on garden plots.";
}

/// Looks a column up by name.
pub fn column(name: &str) -> Option<&'static Column> {
    COLUMNS.iter().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_are_unique_and_read_their_field() {
        let mut names: Vec<_> = COLUMNS.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), COLUMNS.len());
        let m = TickMetrics {
            tick: 3,
            need_satisfaction: 0.5,
            ..Default::default()
        };
        assert_eq!((column("tick").unwrap().get)(&m), 3.0);
        assert_eq!((column("need_satisfaction").unwrap().get)(&m), 0.5);
        assert!(column("no_such_metric").is_none());
    }
}
