//! Supply agreements between regions made by the regional assemblies
//! (`rail.transfers = "assemblies"`): the agreements in force, and what the freight shipper
//! learns for the next regional meetings.
//!
//! The shipper (`rail/freight.rs::ship`) moves food and storable goods between regions only along
//! the pairs in force. When a region is left short while a region it has no agreement with has a
//! surplus, it notes the nearest such region and how much was left unmet (`wants`); it notes
//! what each agreement carried (`Terms::sent`, `Terms::last_used`) and which regions were short
//! themselves (`short`). The regional assemblies read these at their next meeting
//! (`governance/proposals/supply_agreement.rs`), which clears them.

use std::collections::BTreeMap;

use crate::model::kernel::goods::N_GOODS;
use crate::model::kernel::params::rail::RailParams;

/// Slots of what is shipped: every good by its index, and food (kg) last.
pub const SLOTS: usize = N_GOODS + 1;
/// The slot of food.
pub const FOOD: usize = N_GOODS;

/// An agreement in force: a supplier region sends a receiver what it can spare when the receiver
/// is short.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Terms {
    /// The day it was made, or last kept at a revision.
    pub since: u32,
    /// The last day anything crossed under it (the day it was made, before anything has).
    pub last_used: u32,
    /// What crossed under it since it was made or last kept (units of each good; kg of food in
    /// the last slot).
    pub sent: [f64; SLOTS],
}

impl Terms {
    pub fn new(tick: u32) -> Self {
        Terms {
            since: tick,
            last_used: tick,
            sent: [0.0; SLOTS],
        }
    }
}

/// The agreements in force and what the regional meetings learn of them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Supply {
    /// In force, by (supplier, receiver).
    pub in_force: BTreeMap<(u32, u32), Terms>,
    /// For (supplier, receiver) without an agreement: the most the receiver was left short on
    /// one day, since its last regional meeting, while the supplier was the nearest region it has
    /// no agreement with that had a surplus (units, or kg of food), capped by that surplus.
    pub wants: BTreeMap<(u32, u32), [f64; SLOTS]>,
    /// Each region's own shortfall since its last regional meeting: the most it was left short
    /// on one day after what crossed from other regions.
    pub short: Vec<[f64; SLOTS]>,
    /// Pairs whose receiver's assembly asked for an agreement today: the supplier's assembly
    /// decides on them today.
    pub asked: Vec<(u32, u32)>,
}

impl Supply {
    /// The scenario's agreements, in force from day 0.
    pub fn new(rail: &RailParams, regions: u32) -> Self {
        Supply {
            in_force: rail
                .agreements
                .iter()
                .map(|a| ((a.supplier, a.receiver), Terms::new(0)))
                .collect(),
            wants: BTreeMap::new(),
            short: vec![[0.0; SLOTS]; regions as usize],
            asked: Vec::new(),
        }
    }

    /// Whether `supplier` has agreed to supply `receiver`.
    pub fn agreed(&self, supplier: u32, receiver: u32) -> bool {
        self.in_force.contains_key(&(supplier, receiver))
    }

    /// Notes that `units` of `slot` were left unmet in `receiver` for want of an agreement with
    /// `supplier`.
    pub fn want(&mut self, supplier: u32, receiver: u32, slot: usize, units: f64) {
        let w = self
            .wants
            .entry((supplier, receiver))
            .or_insert([0.0; SLOTS]);
        w[slot] = w[slot].max(units);
    }

    /// Notes that region `r` was left short by `units` of `slot`.
    pub fn was_short(&mut self, r: usize, slot: usize, units: f64) {
        if let Some(s) = self.short.get_mut(r) {
            s[slot] = s[slot].max(units);
        }
    }

    /// Notes that `units` of `slot` crossed from `supplier` to `receiver` on `tick`.
    pub fn sent(&mut self, supplier: u32, receiver: u32, slot: usize, units: f64, tick: u32) {
        if let Some(t) = self.in_force.get_mut(&(supplier, receiver)) {
            t.sent[slot] += units;
            t.last_used = tick;
        }
    }

    /// Region `r` has met: what it learnt since its last meeting is cleared.
    pub fn met(&mut self, r: u32) {
        self.wants.retain(|&(_, receiver), _| receiver != r);
        if let Some(s) = self.short.get_mut(r as usize) {
            *s = [0.0; SLOTS];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kernel::params::rail::AgreementSpec;

    #[test]
    fn the_scenarios_agreements_start_in_force_and_a_meeting_clears_what_its_region_learnt() {
        let rail = RailParams {
            agreements: vec![AgreementSpec {
                supplier: 0,
                receiver: 1,
            }],
            ..RailParams::default()
        };
        let mut s = Supply::new(&rail, 3);
        assert!(s.agreed(0, 1) && !s.agreed(1, 0));
        // Balances are stock-like: the largest shortfall of a day is kept, not a sum.
        s.want(2, 1, FOOD, 50.0);
        s.want(2, 1, FOOD, 30.0);
        s.want(0, 2, 3, 4.0);
        s.was_short(1, FOOD, 80.0);
        s.was_short(1, FOOD, 20.0);
        assert_eq!(s.wants[&(2, 1)][FOOD], 50.0);
        assert_eq!(s.short[1][FOOD], 80.0);
        // What crosses under an agreement in force is noted with the day; nothing else is.
        s.sent(0, 1, FOOD, 10.0, 40);
        s.sent(0, 1, FOOD, 5.0, 41);
        s.sent(2, 1, FOOD, 7.0, 41);
        let t = s.in_force[&(0, 1)];
        assert_eq!((t.since, t.last_used, t.sent[FOOD]), (0, 41, 15.0));
        assert!(!s.in_force.contains_key(&(2, 1)));
        // Region 1 meets: its wants and shortfall are cleared; region 2's stay, and what
        // crossed under an agreement stays until it is kept.
        s.met(1);
        assert!(!s.wants.contains_key(&(2, 1)));
        assert_eq!(s.wants[&(0, 2)][3], 4.0);
        assert_eq!(s.short[1], [0.0; SLOTS]);
        assert_eq!(s.in_force[&(0, 1)].sent[FOOD], 15.0);
    }
}
