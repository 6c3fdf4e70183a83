//! Accounting: spoilage and the ageing of leftovers, then the day's metrics row.

use bevy_ecs::prelude::*;

use super::calendar::{Clock, YEAR};
use super::components::{
    Directory, KitchenState, LEFTOVER_SLOTS, Ledger, Person, Ration, StoreRoom, Syndicate, Work,
};
use super::metrics::TickMetrics;
use super::params::{Params, Sector};
use super::stats::HoursHistogram;

/// Store-room food spoils at the scenario's daily rate; leftovers older than the keeping time are
/// thrown away, and the rest grow a day older.
pub fn spoil_food(
    params: Res<Params>,
    directory: Res<Directory>,
    mut ledger: ResMut<Ledger>,
    mut stores: Query<&mut StoreRoom>,
    mut kitchens: Query<(&Syndicate, &mut KitchenState)>,
) {
    let keep = params.food.leftover_days as usize;
    for (syndicate, mut kitchen) in &mut kitchens {
        let c = syndicate.community as usize;
        let day = &mut ledger.days[c];
        if let Ok(mut store) = stores.get_mut(directory.communities[c]) {
            let spoiled = store.food_kg * params.food.store_spoilage_per_day;
            store.food_kg -= spoiled;
            day.wasted_kg += spoiled;
        }
        // After tonight, leftovers of age `keep` or more would be too old to serve.
        let mut aged = [0.0; LEFTOVER_SLOTS];
        for (age, kg) in kitchen.leftovers.iter().enumerate() {
            if age + 1 > keep || age + 1 >= LEFTOVER_SLOTS {
                day.wasted_kg += kg;
            } else {
                aged[age + 1] = *kg;
            }
        }
        kitchen.leftovers = aged;
    }
}

/// Food produced and wasted over the last year, for the waste share.
#[derive(Resource)]
pub struct WasteWindow {
    produced: [f64; YEAR as usize],
    wasted: [f64; YEAR as usize],
}

impl Default for WasteWindow {
    fn default() -> Self {
        Self {
            produced: [0.0; YEAR as usize],
            wasted: [0.0; YEAR as usize],
        }
    }
}

/// Reusable buffers for the metrics pass.
#[derive(Resource, Default)]
pub struct MetricsScratch {
    hours: HoursHistogram,
}

/// Sums the day into the world's metrics row.
#[allow(clippy::too_many_arguments)]
pub fn collect_metrics(
    clock: Res<Clock>,
    params: Res<Params>,
    ledger: Res<Ledger>,
    mut window: ResMut<WasteWindow>,
    mut scratch: ResMut<MetricsScratch>,
    mut metrics: ResMut<TickMetrics>,
    persons: Query<(&Person, &Work, &Ration)>,
    stores: Query<&StoreRoom>,
    kitchens: Query<&KitchenState>,
) {
    let hist = &mut scratch.hours;
    hist.clear();
    let mut population = 0u64;
    let mut unmet = 0u64;
    let mut sector_hours = [0.0f64; super::params::N_SECTORS];
    let mut garden_hours = 0.0f64;
    for (person, work, ration) in &persons {
        population += 1;
        if ration.delivered < ration.need * (1.0 - 1e-4) {
            unmet += 1;
        }
        for (total, h) in sector_hours.iter_mut().zip(work.hours) {
            *total += f64::from(h);
        }
        garden_hours += f64::from(work.garden);
        if person.is_able_adult() {
            hist.add(f64::from(work.total()));
        }
    }
    let mut m = TickMetrics {
        tick: clock.tick,
        day_of_year: clock.day_of_year(),
        population,
        able_adults: hist.count(),
        work_hours_mean: hist.mean(),
        work_hours_p50: hist.quantile(0.5),
        work_hours_p90: hist.quantile(0.9),
        work_hours_max: hist.max(),
        leisure_hours_mean: params.labour.waking_hours - hist.mean(),
        unmet_need_share: ratio(unmet as f64, population as f64),
        agriculture_hours: sector_hours[Sector::Agriculture.index()],
        kitchen_hours: sector_hours[Sector::Kitchen.index()],
        garden_hours,
        ..Default::default()
    };
    for day in &ledger.days {
        m.food_needed_kg += day.need_kg;
        m.food_harvested_kg += day.harvested_kg;
        m.food_garden_kg += day.garden_kg;
        m.food_cooked_kg += day.cooked_kg;
        m.food_eaten_kg += day.eaten_kg;
        m.food_wasted_kg += day.wasted_kg;
        m.labour_posted_hours += day.posted.iter().sum::<f64>();
        m.labour_shortage_hours += day.unfilled.iter().sum::<f64>();
    }
    m.food_produced_kg = m.food_harvested_kg + m.food_garden_kg;
    m.food_stored_kg = stores.iter().map(|s| s.food_kg).sum::<f64>()
        + kitchens.iter().map(|k| k.leftovers_total()).sum::<f64>();
    m.need_satisfaction = ratio(m.food_eaten_kg, m.food_needed_kg);
    let slot = clock.day_of_year() as usize;
    window.produced[slot] = m.food_produced_kg;
    window.wasted[slot] = m.food_wasted_kg;
    let produced: f64 = window.produced.iter().sum();
    let wasted: f64 = window.wasted.iter().sum();
    m.waste_share = if produced > 0.0 {
        wasted / produced
    } else {
        f64::NAN
    };
    let fp = &params.footprint;
    let emissions = m.food_harvested_kg * fp.farm_kg_co2e_per_kg
        + m.food_cooked_kg * fp.cooking_kwh_per_kg * fp.grid_g_co2e_per_kwh / 1000.0
        + m.food_wasted_kg * fp.waste_kg_co2e_per_kg;
    m.footprint_kg_co2e_per_person = ratio(emissions, population as f64);
    *metrics = m;
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// Moves the clock on, last thing in the tick.
pub fn advance_clock(mut clock: ResMut<Clock>) {
    clock.tick += 1;
}
