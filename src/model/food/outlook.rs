//! The food outlook: what a community holds and still expects from this season's harvest,
//! against how long it must last. The rationing rule and the regional freight of food both read
//! it, so they agree on what "enough until the next harvest" means.

use crate::model::kernel::calendar::Calendar;
use crate::model::kernel::components::FarmPlan;

/// A community's food held and to come, and the days it must cover.
#[derive(Clone, Copy, Debug)]
pub struct Outlook {
    /// In store and in the kitchen's leftovers (kg).
    pub held: f64,
    /// Still to come from this season's harvest, counting what the region agreed to move (kg).
    pub coming: f64,
    /// Days until the next season's peak.
    pub horizon: f64,
    /// Before this season's peak, the days until it: what is held must last that long, as the
    /// harvest still to come is not in hand yet. `None` once the peak has passed.
    pub until_peak: Option<f64>,
}

impl Outlook {
    /// The outlook on day of year `day` of a community holding `store` and `leftovers` (kg),
    /// whose farm (if any) is `farm`.
    pub fn new(
        store: f64,
        leftovers: f64,
        farm: Option<&FarmPlan>,
        yield_kg_per_ha: f64,
        calendar: &Calendar,
        day: usize,
    ) -> Self {
        let coming = farm.map_or(0.0, |f| {
            f.expected_kg(yield_kg_per_ha, calendar.harvest_remaining[day])
        });
        Outlook {
            held: store + leftovers,
            coming,
            horizon: f64::from(calendar.days_to_next_season_peak[day]),
            until_peak: (calendar.harvest_remaining[day] > 0.5)
                .then(|| f64::from(calendar.days_to_harvest[day])),
        }
    }

    /// The most a day may take (kg) so that what is held and to come lasts until the next
    /// season's peak, and what is held lasts until this season's.
    pub fn daily_limit(&self) -> f64 {
        let mut limit = (self.held + self.coming) / self.horizon;
        if let Some(days) = self.until_peak {
            limit = limit.min(self.held / days);
        }
        limit
    }

    /// What is left over (kg, positive: can be given) or missing (negative) once a daily need of
    /// `need` kg is covered for as long as the outlook must last.
    pub fn surplus(&self, need: f64) -> f64 {
        let mut balance = self.held + self.coming - need * self.horizon;
        if let Some(days) = self.until_peak {
            balance = balance.min(self.held - need * days);
        }
        balance
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_and_the_surplus_agree_on_when_food_is_enough() {
        let before_peak = Outlook {
            held: 300.0,
            coming: 700.0,
            horizon: 100.0,
            until_peak: Some(20.0),
        };
        // 1,000 kg over 100 days is 10 a day, but 300 held over 20 days is only 15: 10 binds.
        assert_eq!(before_peak.daily_limit(), 10.0);
        assert_eq!(before_peak.surplus(10.0), 0.0);
        assert!(before_peak.surplus(11.0) < 0.0);
        // Held food binds when it cannot last until the peak.
        let thin = Outlook {
            held: 100.0,
            ..before_peak
        };
        assert_eq!(thin.daily_limit(), 5.0);
        assert_eq!(thin.surplus(5.0), 0.0);
        let after_peak = Outlook {
            until_peak: None,
            ..thin
        };
        assert_eq!(after_peak.daily_limit(), 8.0);
        assert_eq!(after_peak.surplus(8.0), 0.0);
    }
}
