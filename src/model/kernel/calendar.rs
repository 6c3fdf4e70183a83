//! The clock and the farming calendar.
//!
//! One tick is one day; a year is 365 ticks. The calendar precomputes, for each day of the year,
//! the share of a season's farm labour and of its harvest that falls on that day, so the daily
//! systems only look numbers up.

use bevy_ecs::prelude::Resource;

use crate::model::kernel::params::FoodParams;

/// Days in a year (ticks).
pub const YEAR: u32 = 365;

/// The current tick, counted from 0.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct Clock {
    pub tick: u32,
}

impl Clock {
    pub fn day_of_year(&self) -> u32 {
        self.tick % YEAR
    }
}

/// Shares of the season's labour and harvest by day of year.
#[derive(Resource, Clone, Debug)]
pub struct Calendar {
    /// Share of a season's farm labour done on each day (sums to 1 over the year).
    pub labour: [f64; YEAR as usize],
    /// Share of a season's harvest that comes in on each day (sums to 1 over the year).
    pub harvest: [f64; YEAR as usize],
    /// Whether gardens are tended and yield on each day.
    pub growing: [bool; YEAR as usize],
    /// Whether a day is in the harvest: within two spreads of its peak.
    pub in_harvest: [bool; YEAR as usize],
    /// Days from each day of the year until the next harvest peak (days, at least 1).
    pub days_to_harvest: [u32; YEAR as usize],
    /// Share of the current season's harvest still to come from each day on (0..1). A season runs
    /// from one planning day to the next.
    pub harvest_remaining: [f64; YEAR as usize],
    /// Days from each day until the harvest peak of the season after the current one: how long
    /// what is in store plus what the current season still brings must last.
    pub days_to_next_season_peak: [u32; YEAR as usize],
    /// Length of the growing season (days).
    pub growing_days: u32,
}

impl Calendar {
    pub fn new(food: &FoodParams) -> Self {
        let n = YEAR as usize;
        // Days are counted from the planning day, so a season never wraps in this frame.
        let offset = |day: u32| (day + YEAR - food.planning_day) % YEAR;
        let peak = f64::from(offset(food.harvest_peak_day));
        let sd = food.harvest_spread_days.max(0.5);
        let mut harvest = [0.0; YEAR as usize];
        for (day, h) in harvest.iter_mut().enumerate() {
            let x = (f64::from(offset(day as u32)) - peak) / sd;
            *h = (-0.5 * x * x).exp();
        }
        normalise(&mut harvest);
        // Before the harvest begins (two spreads before its peak) the rest of the work is spread
        // evenly: sowing, tending, weeding.
        let harvest_start = (peak - 2.0 * sd).max(1.0);
        let mut tending = [0.0; YEAR as usize];
        for (day, t) in tending.iter_mut().enumerate() {
            if f64::from(offset(day as u32)) < harvest_start {
                *t = 1.0;
            }
        }
        normalise(&mut tending);
        let mut in_harvest = [false; YEAR as usize];
        for (day, h) in in_harvest.iter_mut().enumerate() {
            *h = is_harvest_day(food, day as u32);
        }
        let mut labour = [0.0; YEAR as usize];
        for day in 0..n {
            labour[day] = food.harvest_labour_share * harvest[day]
                + (1.0 - food.harvest_labour_share) * tending[day];
        }
        let (first, last) = food.growing_season;
        let mut growing = [false; YEAR as usize];
        for (day, g) in growing.iter_mut().enumerate() {
            let day = day as u32;
            *g = if first <= last {
                day >= first && day <= last
            } else {
                day >= first || day <= last
            };
        }
        let growing_days = growing.iter().filter(|g| **g).count() as u32;
        let peak_day = food.harvest_peak_day;
        let mut days_to_harvest = [0; YEAR as usize];
        for (day, d) in days_to_harvest.iter_mut().enumerate() {
            *d = ((peak_day + YEAR - day as u32) % YEAR).max(1);
        }
        let mut harvest_remaining = [0.0; YEAR as usize];
        let mut days_to_next_season_peak = [0; YEAR as usize];
        for day in 0..YEAR {
            let o = offset(day);
            harvest_remaining[day as usize] = (0..YEAR)
                .filter(|d| offset(*d) >= o)
                .map(|d| harvest[d as usize])
                .sum();
            days_to_next_season_peak[day as usize] = YEAR - o + offset(food.harvest_peak_day);
        }
        Self {
            labour,
            harvest,
            growing,
            in_harvest,
            days_to_harvest,
            harvest_remaining,
            days_to_next_season_peak,
            growing_days,
        }
    }
}

/// Whether `day` (of the year) is in the harvest: within two spreads of its peak.
fn is_harvest_day(food: &FoodParams, day: u32) -> bool {
    let offset = |day: u32| (day + YEAR - food.planning_day) % YEAR;
    let peak = f64::from(offset(food.harvest_peak_day));
    let sd = food.harvest_spread_days.max(0.5);
    (f64::from(offset(day)) - peak).abs() <= 2.0 * sd
}

/// Days of the year in the harvest (`Calendar::in_harvest`).
pub fn harvest_days(food: &FoodParams) -> u32 {
    (0..YEAR).filter(|&d| is_harvest_day(food, d)).count() as u32
}

fn normalise(xs: &mut [f64]) {
    let total: f64 = xs.iter().sum();
    if total > 0.0 {
        xs.iter_mut().for_each(|x| *x /= total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_sum_to_one_and_harvest_peaks_on_its_day() {
        let food = crate::scenario::default_params().food;
        let cal = Calendar::new(&food);
        assert!((cal.labour.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!((cal.harvest.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let argmax = (0..YEAR as usize)
            .max_by(|a, b| cal.harvest[*a].total_cmp(&cal.harvest[*b]))
            .unwrap();
        assert_eq!(argmax as u32, food.harvest_peak_day);
        // Nothing is harvested in the weeks right after planning.
        assert!(cal.harvest[food.planning_day as usize] < 1e-6);
        assert!(cal.labour[food.planning_day as usize] > 0.0);
        assert_eq!(cal.days_to_harvest[food.harvest_peak_day as usize], 1);
        let p = food.planning_day as usize;
        assert!((cal.harvest_remaining[p] - 1.0).abs() < 1e-9);
        assert!(cal.harvest_remaining[p - 1] < 1e-9);
        let peak = food.harvest_peak_day as usize;
        assert!((cal.harvest_remaining[peak] - 0.5 - cal.harvest[peak] / 2.0).abs() < 1e-3);
        assert_eq!(cal.days_to_next_season_peak[p], YEAR + (peak - p) as u32);
        assert_eq!(cal.days_to_next_season_peak[p - 1], 1 + (peak - p) as u32);
    }

    #[test]
    fn the_harvest_is_two_spreads_either_side_of_its_peak() {
        let mut food = crate::scenario::default_params().food;
        for spread in [20.0, 7.5] {
            food.harvest_spread_days = spread;
            let cal = Calendar::new(&food);
            let n = cal.in_harvest.iter().filter(|h| **h).count() as u32;
            assert_eq!(harvest_days(&food), n);
            // Every whole day within two spreads of the peak, the peak day included.
            assert_eq!(n, 2 * (2.0 * spread).floor() as u32 + 1);
        }
    }
}
