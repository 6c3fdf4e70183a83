//! Headline results of a run, computed from its metrics rows.

use crate::model::kernel::calendar::YEAR;
use crate::model::kernel::goods::Good;
use crate::model::metrics::row::TickMetrics;

/// The figures the essay makes claims about, over a whole run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Summary {
    /// Mean over days of the mean hours worked per able adult (h/day).
    pub work_hours_mean: f64,
    /// Mean over days of the 90th percentile of hours worked (h/day).
    pub work_hours_p90: f64,
    /// Most hours anyone worked on any day (h).
    pub work_hours_max: f64,
    /// Mean over days of need satisfaction, all goods (0..1).
    pub need_satisfaction: f64,
    /// Food eaten over food needed, over the run (0..1).
    pub food_satisfaction: f64,
    /// Mean over days of the share of persons with unmet need (0..1).
    pub unmet_need_share: f64,
    /// Food wasted over food produced, over the run's last whole years (0..1; NaN in a run
    /// shorter than a year, or if nothing was produced: production is seasonal, so a share of
    /// part of a year's means nothing).
    pub waste_share: f64,
    /// Emissions per person per year (kg CO2e/person/year).
    pub footprint_kg_co2e_per_person_year: f64,
    /// Effective labour hours asked for and never filled, over the run (h).
    pub labour_shortage_hours: f64,
    /// Mean over days of the most hours of undesirable work anyone did (h/day).
    pub undesirable_hours_max: f64,
    /// Mean over days of the Gini coefficient of undesirable work hours (0..1).
    pub gini_undesirable_hours: f64,
    /// Proposals passed by all assemblies over the run.
    pub proposals_passed: f64,
    /// Delegates recalled over the run.
    pub delegate_recalls: f64,
    /// Mean over days of the mean hours of the able adults who worked (h/day).
    pub work_hours_per_worker: f64,
    /// Mean over days of work plus assembly time per able adult (h/day).
    pub work_and_meeting_hours_mean: f64,
    /// Mean over days of the hours everyone worked per person alive (h/day).
    pub work_hours_per_person: f64,
    /// Mean over days of the share of communities' requests of goods delivered short (0..1).
    pub goods_short_share: f64,
    /// The longest stock-out: most days in a row any one community was delivered less of a
    /// good than it requested (days).
    pub longest_stockout_days: f64,
    /// The longest stock-out of a good the syndicates plan: the same without energy, which is
    /// balanced on the day, so that it measures how long syndicates take to catch up rather
    /// than installed capacity (days).
    pub longest_planned_stockout_days: f64,
    /// The bullwhip ratio: the variance over days of the materials syndicates' plans over the
    /// variance of what the day's requests take of materials with perfect information (the
    /// most upstream good), after the first [`WARM_UP`] days (NaN if the latter never varies).
    pub bullwhip_ratio: f64,
}

/// Days left out of the bullwhip ratio while syndicates' forecasts settle from their start.
pub const WARM_UP: usize = 60;

/// The variance over days of `x` over that of `y` (NaN if `y` does not vary).
fn variance_ratio(x: &[f64], y: &[f64]) -> f64 {
    let var = |v: &[f64]| {
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        v.iter().map(|a| (a - mean).powi(2)).sum::<f64>() / n
    };
    let (vx, vy) = (var(x), var(y));
    if x.len() < 2 || vy <= 0.0 || !vy.is_finite() {
        f64::NAN
    } else {
        vx / vy
    }
}

impl Summary {
    pub fn from_rows(rows: &[TickMetrics]) -> Self {
        if rows.is_empty() {
            return Self::default();
        }
        let n = rows.len() as f64;
        let mean = |f: fn(&TickMetrics) -> f64| rows.iter().map(f).sum::<f64>() / n;
        let sum = |f: fn(&TickMetrics) -> f64| rows.iter().map(f).sum::<f64>();
        // The last whole years of the run (all of it when it lasts a whole number of years).
        let years = rows.len() / YEAR as usize;
        let whole = &rows[rows.len() - years * YEAR as usize..];
        let produced: f64 = whole.iter().map(|r| r.food_produced_kg).sum();
        let wasted: f64 = whole.iter().map(|r| r.food_wasted_kg).sum();
        Self {
            work_hours_mean: mean(|r| r.work_hours_mean),
            work_hours_p90: mean(|r| r.work_hours_p90),
            work_hours_max: rows.iter().map(|r| r.work_hours_max).fold(0.0, f64::max),
            need_satisfaction: mean(|r| r.need_satisfaction),
            food_satisfaction: sum(|r| r.food_eaten_kg) / sum(|r| r.food_needed_kg),
            unmet_need_share: mean(|r| r.unmet_need_share),
            waste_share: if years > 0 && produced > 0.0 {
                (wasted / produced).min(1.0)
            } else {
                f64::NAN
            },
            footprint_kg_co2e_per_person_year: mean(|r| r.footprint_kg_co2e_per_person)
                * f64::from(YEAR),
            labour_shortage_hours: sum(|r| r.labour_shortage_hours),
            undesirable_hours_max: mean(|r| r.undesirable_hours_max),
            gini_undesirable_hours: mean(|r| r.gini_undesirable_hours),
            proposals_passed: sum(|r| r.proposals_passed as f64),
            delegate_recalls: sum(|r| r.delegate_recalls as f64),
            work_hours_per_worker: mean(|r| r.work_hours_per_worker),
            work_and_meeting_hours_mean: mean(|r| r.work_and_meeting_hours_mean),
            work_hours_per_person: mean(|r| r.work_hours_per_person),
            goods_short_share: mean(|r| r.goods_short_share),
            longest_stockout_days: rows
                .iter()
                .map(|r| r.goods_short_spell_days as f64)
                .fold(0.0, f64::max),
            longest_planned_stockout_days: rows
                .iter()
                .map(|r| r.planned_short_spell_days as f64)
                .fold(0.0, f64::max),
            bullwhip_ratio: {
                let settled = &rows[WARM_UP.min(rows.len() / 2)..];
                let m = Good::Materials.index();
                let planned: Vec<f64> = settled.iter().map(|r| r.goods_planned[m]).collect();
                let required: Vec<f64> = settled.iter().map(|r| r.goods_required[m]).collect();
                variance_ratio(&planned, &required)
            },
        }
    }
}

/// A headline figure of a run, read off its [`Summary`].
pub struct Headline {
    /// Column name in the tables.
    pub name: &'static str,
    /// What it is, for tables and plot titles.
    pub label: &'static str,
    pub unit: &'static str,
    pub get: fn(&Summary) -> f64,
}

/// The figures the essay makes claims about, in table order.
pub const HEADLINES: &[Headline] = &[
    Headline {
        name: "work_hours_mean",
        label: "work hours per able adult",
        unit: "h/day",
        get: |s| s.work_hours_mean,
    },
    Headline {
        name: "work_hours_p90",
        label: "work hours, 90th percentile",
        unit: "h/day",
        get: |s| s.work_hours_p90,
    },
    Headline {
        name: "work_hours_max",
        label: "most hours anyone worked",
        unit: "h",
        get: |s| s.work_hours_max,
    },
    Headline {
        name: "need_satisfaction",
        label: "need satisfaction",
        unit: "0..1",
        get: |s| s.need_satisfaction,
    },
    Headline {
        name: "food_satisfaction",
        label: "food satisfaction",
        unit: "0..1",
        get: |s| s.food_satisfaction,
    },
    Headline {
        name: "unmet_need_share",
        label: "persons short on a day",
        unit: "0..1",
        get: |s| s.unmet_need_share,
    },
    Headline {
        name: "waste_share",
        label: "waste share of food produced",
        unit: "0..1",
        get: |s| s.waste_share,
    },
    Headline {
        name: "footprint_kg_co2e_per_person_year",
        label: "footprint per person",
        unit: "kg CO2e/yr",
        get: |s| s.footprint_kg_co2e_per_person_year,
    },
    Headline {
        name: "labour_shortage_hours",
        label: "labour shortage",
        unit: "h",
        get: |s| s.labour_shortage_hours,
    },
    Headline {
        name: "undesirable_hours_max",
        label: "most undesirable work by anyone",
        unit: "h/day",
        get: |s| s.undesirable_hours_max,
    },
    Headline {
        name: "gini_undesirable_hours",
        label: "Gini of undesirable work",
        unit: "0..1",
        get: |s| s.gini_undesirable_hours,
    },
    Headline {
        name: "proposals_passed",
        label: "proposals passed",
        unit: "proposals",
        get: |s| s.proposals_passed,
    },
    Headline {
        name: "delegate_recalls",
        label: "delegates recalled",
        unit: "delegates",
        get: |s| s.delegate_recalls,
    },
    Headline {
        name: "work_hours_per_worker",
        label: "work hours per worker",
        unit: "h/day",
        get: |s| s.work_hours_per_worker,
    },
    Headline {
        name: "work_and_meeting_hours_mean",
        label: "work and assembly hours per able adult",
        unit: "h/day",
        get: |s| s.work_and_meeting_hours_mean,
    },
    Headline {
        name: "work_hours_per_person",
        label: "hours worked per person alive",
        unit: "h/day",
        get: |s| s.work_hours_per_person,
    },
    Headline {
        name: "goods_short_share",
        label: "goods requests delivered short",
        unit: "0..1",
        get: |s| s.goods_short_share,
    },
    Headline {
        name: "longest_stockout_days",
        label: "longest stock-out",
        unit: "days",
        get: |s| s.longest_stockout_days,
    },
    Headline {
        name: "longest_planned_stockout_days",
        label: "longest stock-out of a planned good",
        unit: "days",
        get: |s| s.longest_planned_stockout_days,
    },
    Headline {
        name: "bullwhip_ratio",
        label: "bullwhip ratio (materials)",
        unit: "ratio",
        get: |s| s.bullwhip_ratio,
    },
];

/// The headline column names.
pub fn headline_names() -> Vec<&'static str> {
    HEADLINES.iter().map(|h| h.name).collect()
}
