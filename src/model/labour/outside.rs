//! Hours offered from outside the simulation: a classroom's students volunteering for one of
//! their community's syndicates (`volunteer` events).
//!
//! An offer gives a sector of a community `hours` a day for `days` days. Offered hours fill only
//! what the members left unfilled: they are taken after the members' volunteering rounds (and any
//! rota or exchange scheme), up to what is still short, so a student never displaces a member and
//! hours a sector does not need are not worked. Several offers to the same sector on the same day
//! are taken in the same proportion. An offered hour is an effective hour (skill 1). What is
//! taken comes off the day's shortage, so the syndicate makes what the hours allow, and counts
//! in the sector's hours (`metrics`), not in the members' own hours.

use bevy_ecs::prelude::*;

use crate::model::kernel::ledger::LabourDay;
use crate::model::kernel::params::N_SECTORS;

/// Most hours a day one offer may give (a working day).
pub const MAX_HOURS: f64 = 8.0;
/// Most days one offer may cover.
pub const MAX_DAYS: u32 = 30;

/// One offer of hours from outside: `hours` a day to `sector` of `community`, on days `from`
/// to `until` (not included).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Offer {
    pub community: u32,
    pub sector: usize,
    pub hours: f64,
    pub from: u32,
    pub until: u32,
}

/// The offers in force or to come, in the order they were made.
#[derive(Resource, Default, Debug)]
pub struct OutsideHours {
    offers: Vec<Offer>,
}

impl OutsideHours {
    pub fn offer(&mut self, offer: Offer) {
        self.offers.push(offer);
    }

    /// Whether any offer is in force on `tick` or later.
    pub fn is_empty(&self) -> bool {
        self.offers.is_empty()
    }

    /// Works today's offers into the communities' labour: each sector takes what it is still
    /// short of, up to what is offered to it (`outside_offered`, `outside_taken`), and its
    /// shortage falls by as much. Offers that have run out are dropped.
    pub fn work(&mut self, tick: u32, labour: &mut [LabourDay]) {
        self.offers.retain(|o| o.until > tick);
        if self.offers.is_empty() {
            return;
        }
        for o in self.offers.iter().filter(|o| o.from <= tick) {
            if let Some(day) = labour.get_mut(o.community as usize)
                && o.sector < N_SECTORS
            {
                day.outside_offered[o.sector] += o.hours;
            }
        }
        for day in labour.iter_mut() {
            for s in 0..N_SECTORS {
                let offered = day.outside_offered[s];
                if offered > 0.0 {
                    let taken = offered.min(day.unfilled[s].max(0.0));
                    day.unfilled[s] -= taken;
                    day.outside_taken[s] = taken;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_fill_only_the_shortage_and_run_out() {
        let mut labour = vec![LabourDay::default(); 2];
        labour[0].unfilled[1] = 5.0;
        labour[1].unfilled[1] = 5.0;
        let mut outside = OutsideHours::default();
        for (community, hours) in [(0, 3.0), (0, 4.0), (1, 2.0)] {
            outside.offer(Offer {
                community,
                sector: 1,
                hours,
                from: 10,
                until: 12,
            });
        }
        // Not yet in force.
        outside.work(9, &mut labour);
        assert_eq!(labour[0].unfilled[1], 5.0);
        outside.work(10, &mut labour);
        assert_eq!(labour[0].outside_offered[1], 7.0);
        assert_eq!(labour[0].outside_taken[1], 5.0, "only what is short");
        assert_eq!(labour[0].unfilled[1], 0.0);
        assert_eq!(labour[1].outside_taken[1], 2.0);
        assert_eq!(labour[1].unfilled[1], 3.0);
        outside.work(12, &mut labour);
        assert!(outside.is_empty(), "run out after two days");
    }
}
