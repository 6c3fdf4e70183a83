//! The farm's workers decide their hours in the harvest (`food.harvest_hours_decided`): the
//! extra hours a day beyond their willing hours each of them gives the farm on harvest days.
//!
//! **Who.** The farm's workers, counted as a goods syndicate's are (`stock_target.rs`): the
//! members of its community, neither children nor ill on the meeting day, who gave the farm at
//! least [`WORKER_HOURS`] on the day before. Only they vote, only those of them who attend make
//! the quorum, and only they spend the rounds.
//!
//! **When.** With their community's assembly (every `assembly.community.interval_days`), after
//! the community's own agenda and its syndicates', by the community's voting rule, when they
//! saw at least one harvest day (within two `food.harvest_spread_days` of the peak) since their
//! last meeting.
//!
//! **What.** Since their last meeting the workers have seen (`FarmPlan::harvest_seen`) the farm
//! hours posted and left unfilled on harvest days, after everyone's hours, and the hours they gave
//! beyond their willingness. If some went unfilled (at least [`UNFILLED_SHARE`] of those posted)
//! they vote on raising the extra a step (`food.harvest_hours_step`, up to
//! `food.harvest_hours_max`); if none did and the extra they had agreed was not needed (nobody
//! gave an hour beyond their willingness), on lowering it a step. A member weighs, by their own
//! values (`voting::vote`):
//! - raising: goods `+ u x k x F`, the share `u` of the harvest days' farm work left undone
//!   (which they take for the share of the harvest lost: the harvest scales with the share of
//!   the season's work done), times the share `k` of it a step could have made up (a step's hours
//!   from every worker on every harvest day seen, over the hours unfilled, at most 1), times food's
//!   share of a member's needs `F = 1 / (N_GOODS + 1)`; against leisure `- step x H`, the step's
//!   hours on harvest days spread over the year (`H`, the harvest days' share of the year);
//! - lowering: leisure `+ step x H` against goods `- economy.target_caution x F`, the share of the
//!   harvest they expect to lose without the step (the stock targets' caution).
//!
//! Passed, the extra is the farm's from the next harvest day on (`food::plan::post_farm_hours`
//! posts it, `labour::allocation` gives it). Off the agenda (`assembly.community.off_agenda`),
//! nobody gives any extra hours: the scenario's 0 stands.
//!
//! [`WORKER_HOURS`]: crate::model::kernel::components::WORKER_HOURS

use super::stock_target::count_workers;
use super::{Acts, Effect, Meeting, Proposal, ProposalKind, Voter};
use crate::model::kernel::calendar::{YEAR, harvest_days};
use crate::model::kernel::components::HarvestSeen;
use crate::model::kernel::decisions::Subject;
use crate::model::kernel::params::Sector;
use rand_chacha::ChaCha8Rng;

/// Share of the harvest days' farm work left unfilled below which the workers see none unfilled.
pub const UNFILLED_SHARE: f64 = 1e-3;

/// Hours given beyond willingness below this the workers count as none.
const EXTRA_TOLERANCE: f64 = 1e-6;

#[derive(Debug)]
pub struct HarvestHours;

impl ProposalKind for HarvestHours {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["harvest_hours"], "community")
    }

    fn propose(&self, m: &Meeting, _rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        let food = &m.params.food;
        if !food.harvest_hours_decided {
            return;
        }
        let workers = count_workers(m, out.len(), &[Sector::Agriculture]);
        // Food's share of a member's needs (each good has another).
        let share = super::NEED_SHARE;
        // The harvest days' share of the year: a step's hours a day, spread over the year.
        let in_harvest = f64::from(harvest_days(food)) / f64::from(YEAR);
        let (step, max) = (food.harvest_hours_step, food.harvest_hours_max);
        for (c, out) in out.iter_mut().enumerate() {
            let w = f64::from(workers[c][0]);
            if w == 0.0 {
                continue;
            }
            let Ok(plan) = m.holdings.farms.get(m.directory.farms[c]) else {
                continue;
            };
            let HarvestSeen {
                days,
                posted,
                unfilled,
                extra,
            } = plan.harvest_seen;
            if days == 0 || posted <= 0.0 {
                continue;
            }
            let agreed = plan.harvest_extra.min(max);
            let undone = (unfilled / posted).min(1.0);
            let (raise, to, effect) = if undone >= UNFILLED_SHARE && agreed < max {
                let to = (agreed + step).min(max);
                let could = ((to - agreed) * w * f64::from(days) / unfilled).min(1.0);
                let effect = Effect {
                    leisure: -((to - agreed) * in_harvest) as f32,
                    goods: (undone * could * share) as f32,
                    environment: 0.0,
                };
                (true, to, effect)
            } else if undone < UNFILLED_SHARE && extra < EXTRA_TOLERANCE && agreed > 0.0 {
                let to = (agreed - step).max(0.0);
                let effect = Effect {
                    leisure: ((agreed - to) * in_harvest) as f32,
                    goods: -(m.params.economy.target_caution * share) as f32,
                    environment: 0.0,
                };
                (false, to, effect)
            } else {
                continue;
            };
            let subject = Subject::HarvestHours {
                raise,
                hundredths: (to * 100.0).round() as u32,
            };
            let mut p = Proposal::new(&HarvestHours, subject, effect);
            p.figures = [to, undone];
            out.push(p);
        }
    }

    fn voter(&self, _p: &Proposal, who: &Voter) -> bool {
        who.work.works_in(Sector::Agriculture)
    }

    fn decided(&self, p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        if passed && let Ok(mut plan) = acts.holdings.farms.get_mut(acts.directory.farms[c]) {
            plan.harvest_extra = p.figures[0];
        }
    }

    fn met(&self, c: usize, acts: &mut Acts) {
        if !acts.params.food.harvest_hours_decided {
            return;
        }
        // The workers have met: they count afresh until their next meeting.
        if let Ok(mut plan) = acts.holdings.farms.get_mut(acts.directory.farms[c]) {
            plan.harvest_seen = HarvestSeen::default();
        }
    }
}
