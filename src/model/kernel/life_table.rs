//! A life table as the model uses it: each day's chance of dying and of giving birth by year of
//! age and sex, and the stable population the rates imply (Lotka).
//!
//! Within a year of age the force of mortality is constant, so a person of age `x` dies on a
//! given day with probability `1 - (1 - q_x)^(1/365)` and the year's deaths add up to `q_x`
//! exactly. A woman of age `x` gives birth on a given day with probability `f_x / 365`, where
//! `f_x` is her age's births a year (daughters and sons); a newborn is a girl with probability
//! daughters / (daughters + sons) at her age.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::model::kernel::calendar::YEAR;
use crate::model::kernel::params::demography::LifeTableRates;

/// Oldest age a person may reach (years): ages are kept in days in a `u16`.
pub const MAX_AGE_YEARS: u32 = 150;

/// A checked life table and what the model derives from it.
#[derive(Clone, Debug, PartialEq)]
pub struct LifeTable {
    /// The table as given: one entry per year of age from 0.
    pub rates: LifeTableRates,
    /// Each day's probability of dying, by sex (0 women, 1 men) and year of age.
    death_day: [Vec<f64>; 2],
    /// Each day's probability that a woman gives birth, by year of age.
    birth_day: Vec<f64>,
    /// Share of a woman's births that are daughters, by year of age.
    daughter_share: Vec<f64>,
    /// The intrinsic growth rate of the stable population (per year).
    pub growth_rate: f64,
    /// The stable population by year of age: persons of each sex (0 women, 1 men), in
    /// proportion (they add up to 1 over both sexes and every age).
    pub stable: Vec<[f64; 2]>,
}

/// What is wrong with the rates of a life table: (which list, or "" for all, message).
pub type TableProblem = (&'static str, String);

impl LifeTable {
    /// Checks `rates` and derives the daily rates and the stable population. Every problem is
    /// returned, each naming its list and the age it is at.
    pub fn new(rates: LifeTableRates) -> Result<LifeTable, Vec<TableProblem>> {
        let mut problems = Vec::new();
        let n = rates.q_female.len();
        let lists: [(&'static str, &Vec<f64>); 4] = [
            ("q_female", &rates.q_female),
            ("q_male", &rates.q_male),
            ("daughters", &rates.daughters),
            ("sons", &rates.sons),
        ];
        if n == 0 {
            problems.push(("", "the life table has no ages".to_owned()));
        }
        for (name, list) in lists {
            if list.len() != n {
                problems.push((
                    name,
                    format!(
                        "has {} ages and q_female {n}; every list gives one entry per year of age from 0",
                        list.len()
                    ),
                ));
                continue;
            }
            for (age, &x) in list.iter().enumerate() {
                let what = if name.starts_with('q') {
                    "a probability of dying within the year"
                } else {
                    "births per woman per year"
                };
                if !x.is_finite() || !(0.0..=1.0).contains(&x) {
                    problems.push((
                        name,
                        format!("is {x} at age {age}; {what} must be between 0 and 1"),
                    ));
                }
            }
        }
        if problems.is_empty() {
            for age in 0..n {
                let births = rates.daughters[age] + rates.sons[age];
                if births > 1.0 {
                    problems.push((
                        "daughters",
                        format!(
                            "daughters and sons add up to {births} births a year per woman at age {age}; that is more than 1"
                        ),
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let day = |q: f64| 1.0 - (1.0 - q).powf(1.0 / f64::from(YEAR));
        let death_day = [
            rates.q_female.iter().map(|&q| day(q)).collect(),
            rates.q_male.iter().map(|&q| day(q)).collect(),
        ];
        let birth_day = (0..n)
            .map(|a| (rates.daughters[a] + rates.sons[a]) / f64::from(YEAR))
            .collect();
        let daughter_share = (0..n)
            .map(|a| {
                let births = rates.daughters[a] + rates.sons[a];
                if births > 0.0 {
                    rates.daughters[a] / births
                } else {
                    0.5
                }
            })
            .collect();
        let (growth_rate, stable) = stable_population(&rates);
        Ok(LifeTable {
            rates,
            death_day,
            birth_day,
            daughter_share,
            growth_rate,
            stable,
        })
    }

    /// The year of age whose rates apply at `age_days` (the last for everyone that old or older).
    pub fn year_of(&self, age_days: u16) -> usize {
        (usize::from(age_days) / YEAR as usize).min(self.birth_day.len() - 1)
    }

    /// Today's probability that a person of this age and sex dies.
    pub fn death_today(&self, female: bool, age_days: u16) -> f64 {
        self.death_day[usize::from(!female)][self.year_of(age_days)]
    }

    /// Today's probability that a woman of this age gives birth.
    pub fn birth_today(&self, age_days: u16) -> f64 {
        self.birth_day[self.year_of(age_days)]
    }

    /// The probability that a child born today to a woman of this age is a girl.
    pub fn daughter_share(&self, age_days: u16) -> f64 {
        self.daughter_share[self.year_of(age_days)]
    }

    /// Share of the stable population's births that are girls.
    pub fn girls_share(&self) -> f64 {
        let (mut d, mut s) = (0.0, 0.0);
        for (a, both) in self.stable.iter().enumerate() {
            d += both[0] * self.rates.daughters[a];
            s += both[0] * self.rates.sons[a];
        }
        if d + s > 0.0 { d / (d + s) } else { 0.5 }
    }

    /// A person of the stable population: (female, age in days).
    pub fn draw_stable(&self, rng: &mut ChaCha8Rng) -> (bool, u16) {
        let mut u: f64 = rng.random();
        let last = self.stable.len() - 1;
        let mut pick = (last, 1);
        'find: for (age, both) in self.stable.iter().enumerate() {
            for (sex, &w) in both.iter().enumerate() {
                if u < w {
                    pick = (age, sex);
                    break 'find;
                }
                u -= w;
            }
        }
        let (age, sex) = pick;
        let q = if sex == 0 {
            self.rates.q_female[age]
        } else {
            self.rates.q_male[age]
        };
        // Within the year, the density falls as exp(-(r + mu) t); the last age is open.
        let k = self.growth_rate + force(q);
        let v: f64 = rng.random();
        let t = if age == last {
            if k > 1e-9 { -(1.0 - v).ln() / k } else { v }
        } else if k.abs() < 1e-9 {
            v
        } else if k.is_infinite() {
            0.0
        } else {
            -(1.0 - v * (1.0 - (-k).exp())).ln() / k
        };
        let days = ((age as f64 + t) * f64::from(YEAR))
            .floor()
            .min(f64::from(MAX_AGE_YEARS * YEAR));
        (sex == 0, days as u16)
    }
}

/// The constant force of mortality within a year whose probability of dying is `q`.
fn force(q: f64) -> f64 {
    if q >= 1.0 {
        f64::INFINITY
    } else {
        -(1.0 - q).ln()
    }
}

/// Persons of one sex per birth, by year of age, in a population growing at `r` a year: the
/// integral over each year of `exp(-r a) l(a)` (the last age open-ended, up to
/// [`MAX_AGE_YEARS`]), under a constant force of mortality within each year.
fn persons_per_birth(q: &[f64], r: f64) -> Vec<f64> {
    let mut l = 1.0;
    let n = q.len();
    let mut out = Vec::with_capacity(n);
    for (x, &qx) in q.iter().enumerate() {
        let k = r + force(qx);
        let discount = (-r * x as f64).exp();
        // The last age is open, up to the oldest age a person may reach.
        let years = if x == n - 1 {
            f64::from(MAX_AGE_YEARS).max(x as f64 + 1.0) - x as f64
        } else {
            1.0
        };
        let within = if k.is_infinite() {
            0.0
        } else if k.abs() < 1e-12 {
            years
        } else {
            (1.0 - (-k * years).exp()) / k
        };
        out.push(l * discount * within);
        l *= 1.0 - qx;
    }
    out
}

/// The intrinsic growth rate `r` solving Lotka's equation `sum f(x) L_r(x) = 1` for daughters,
/// and the stable population it implies, in shares over both sexes. A table with no daughters
/// has no stable population: its stationary one (r = 0) is used instead.
fn stable_population(rates: &LifeTableRates) -> (f64, Vec<[f64; 2]>) {
    let net = |r: f64| -> f64 {
        persons_per_birth(&rates.q_female, r)
            .iter()
            .zip(&rates.daughters)
            .map(|(l, f)| l * f)
            .sum()
    };
    let r = if rates.daughters.iter().all(|&d| d == 0.0) {
        0.0
    } else {
        // The net reproduction falls as r rises; bisect on a bracket wide enough for any
        // human population (growth from -20% to +20% a year).
        let (mut lo, mut hi) = (-0.2, 0.2);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if net(mid) > 1.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    };
    let women = persons_per_birth(&rates.q_female, r);
    // Sons per daughter born in the stable population.
    let d: f64 = women.iter().zip(&rates.daughters).map(|(w, f)| w * f).sum();
    let s: f64 = women.iter().zip(&rates.sons).map(|(w, f)| w * f).sum();
    let sons_per_daughter = if d > 0.0 { s / d } else { 1.0 };
    let men: Vec<f64> = persons_per_birth(&rates.q_male, r)
        .into_iter()
        .map(|m| m * sons_per_daughter)
        .collect();
    let total: f64 = women.iter().sum::<f64>() + men.iter().sum::<f64>();
    let stable = women
        .iter()
        .zip(&men)
        .map(|(w, m)| {
            if total.is_finite() && total > 0.0 {
                [w / total, m / total]
            } else {
                [0.0, 0.0]
            }
        })
        .collect();
    (r, stable)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same probability of dying at every age, and `births` a year at 20 to 39, half of
    /// them daughters.
    fn flat(q: f64, births: f64, n: usize) -> LifeTableRates {
        let half: Vec<f64> = (0..n)
            .map(|a| {
                if (20..40).contains(&a) {
                    births / 2.0
                } else {
                    0.0
                }
            })
            .collect();
        LifeTableRates {
            q_female: vec![q; n],
            q_male: vec![q; n],
            daughters: half.clone(),
            sons: half,
        }
    }

    #[test]
    fn a_year_of_daily_chances_adds_up_to_the_tables_probability() {
        let t = LifeTable::new(flat(0.2, 0.1, 101)).unwrap();
        let p = t.death_today(true, 40 * 365);
        let survive = (1.0 - p).powi(365);
        assert!((1.0 - survive - 0.2).abs() < 1e-12);
        assert!((t.birth_today(30 * 365) * 365.0 - 0.1).abs() < 1e-12);
        assert_eq!(t.birth_today(10 * 365), 0.0);
        // Ages past the table's last take its last rates.
        assert_eq!(t.year_of(u16::MAX), 100);
    }

    #[test]
    fn a_constant_hazard_gives_an_exponential_stable_population() {
        // With the same force mu at every age and births at 20-40, the stable density is
        // proportional to exp(-(r + mu) a); Lotka's r makes the daughters' net reproduction 1.
        let q = 0.02;
        let t = LifeTable::new(flat(q, 0.12, 101)).unwrap();
        let mu = -(1.0f64 - q).ln();
        let r = t.growth_rate;
        // Net reproduction at r, by the closed form: sum over 20..40 of 0.06 exp(-(r+mu) x) (1 - e^-k)/k.
        let k = r + mu;
        let net: f64 = (20..40)
            .map(|x| 0.06 * (-k * x as f64).exp() * (1.0 - (-k).exp()) / k)
            .sum();
        assert!((net - 1.0).abs() < 1e-9, "net reproduction {net}");
        let ratio = (t.stable[11][0] / t.stable[10][0]).ln();
        assert!((ratio + k).abs() < 1e-9, "{ratio} vs {}", -k);
        let total: f64 = t.stable.iter().map(|s| s[0] + s[1]).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn rates_above_one_and_lists_of_other_lengths_are_refused() {
        let mut rates = flat(0.01, 0.1, 101);
        rates.q_male[40] = 1.3;
        rates.sons.pop();
        let problems = LifeTable::new(rates).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|(k, m)| *k == "q_male" && m.contains("1.3 at age 40")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|(k, m)| *k == "sons" && m.contains("100 ages")),
            "{problems:?}"
        );
        let mut twins = flat(0.01, 0.1, 101);
        twins.daughters[25] = 0.7;
        twins.sons[25] = 0.7;
        let problems = LifeTable::new(twins).unwrap_err();
        assert!(problems[0].1.contains("1.4 births"), "{problems:?}");
    }
}
