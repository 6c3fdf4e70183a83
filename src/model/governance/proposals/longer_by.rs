//! How a community that works longer shares the extra hours, when its assembly chooses
//! (`economy.longer_by = "vote"`): everyone alike, each willing member giving the extra hours
//! every day, or by rota, each giving `economy.longer_rota_days` times as many on the day their
//! turn comes and none on the others.
//!
//! At each community meeting after a planning session that needed extra hours (under
//! `economy.shortfall = "vote"`, at the meeting that votes on `work_longer` too, as it may pass),
//! the assembly is asked to change the way in force (everyone alike at first), by its voting
//! rule. Only the members who would give extra hours vote (willing, able and not full-time
//! artists): how they are shared is their matter. Each member's preference comes from their own
//! day: the rota's long day is their willing hours plus `longer_rota_days` times their extra
//! hours (elders `labour.elder_willingness` of them). A member prefers the rota when that long
//! day stays within `labour.max_hours_per_day`: the same hours, but their other days at their
//! usual length. A member whose long day would pass the cap prefers everyone alike: on the rota
//! the cap would cut their share, and what is cut is lost to the goods everyone gets. The
//! member's leisure effect is the hours a day by which the long day fits under the cap (or
//! passes it), averaged over the rota's cycle; their values weigh it and the vote's personal
//! term is added as on every proposal. The way chosen is `Agreement::by_rota`, read by the
//! syndicates' plan from the same day on and kept until the assembly changes it.

use super::work_longer::NEEDED_TOLERANCE;
use super::{Acts, Ballot, Effect, Meeting, Proposal, ProposalKind, Voter};
use crate::model::kernel::components::AgeClass;
use crate::model::kernel::decisions::Subject;
use crate::model::kernel::params::economy::{LongerBy, Planning, Shortfall};
use rand_chacha::ChaCha8Rng;

#[derive(Debug)]
pub struct ShareLonger;

impl ProposalKind for ShareLonger {
    fn names(&self) -> (&'static [&'static str], &'static str) {
        (&["longer_by"], "community")
    }

    fn propose(&self, m: &Meeting, _rngs: &mut [ChaCha8Rng], out: &mut [Vec<Proposal>]) {
        let e = &m.params.economy;
        if e.planning != Planning::Participatory
            || e.longer_by != LongerBy::Vote
            || e.shortfall == Shortfall::Less
            || e.longer_hours <= 0.0
        {
            return;
        }
        // Under `shortfall = "vote"` with `work_longer` off the agenda, a community that has not
        // voted to work longer never will.
        let vote_open = m.params.assembly.community.takes_up("work_longer");
        for (c, out) in out.iter_mut().enumerate() {
            let Ok(a) = m.holdings.agreements.get(m.directory.communities[c]) else {
                continue;
            };
            if a.needed < NEEDED_TOLERANCE
                || (e.shortfall == Shortfall::Vote && !a.longer && !vote_open)
            {
                continue;
            }
            // The extra hours a willing adult would give a day, as the session asked.
            let hours = a.needed.min(e.longer_hours);
            let mut p = Proposal::new(
                &ShareLonger,
                Subject::LongerBy { rota: !a.by_rota },
                Effect::default(),
            );
            p.figures = [hours, f64::from(e.longer_rota_days.max(1))];
            out.push(p);
        }
    }

    /// Only the members who would give extra hours: willing, able, not full-time artists (as
    /// `labour::allocation` gives the extra hours).
    fn voter(&self, _p: &Proposal, who: &Voter) -> bool {
        who.person.can_work() && !who.person.artist && who.vocation.willing > 0.0
    }

    fn effect_on(&self, p: &Proposal, b: &Ballot, who: &Voter, _rng: &mut ChaCha8Rng) -> Effect {
        let Subject::LongerBy { rota } = p.subject else {
            return p.effect;
        };
        let fits = long_day_fits(
            p.figures[0],
            p.figures[1],
            who.person.age == AgeClass::Elder,
            f64::from(who.vocation.willing),
            b.params.labour.max_hours_per_day,
            b.params.labour.elder_willingness,
        );
        Effect {
            leisure: if rota { fits } else { -fits } as f32,
            goods: 0.0,
            environment: 0.0,
        }
    }

    fn decided(&self, p: &Proposal, c: usize, passed: bool, acts: &mut Acts) {
        if let (true, Subject::LongerBy { rota }) = (passed, p.subject)
            && let Ok(mut a) = acts
                .holdings
                .agreements
                .get_mut(acts.directory.communities[c])
        {
            a.by_rota = rota;
        }
    }
}

/// Hours a day by which a member's long day on a rota of `cycle` days fits under the day's
/// `cap` (negative: by which it would pass it), averaged over the cycle: the long day is their
/// `willing` hours plus `cycle` times the extra hours `extra` a willing adult gives (an elder
/// `elder_share` of them).
fn long_day_fits(
    extra: f64,
    cycle: f64,
    elder: bool,
    willing: f64,
    cap: f64,
    elder_share: f64,
) -> f64 {
    let mine = if elder { extra * elder_share } else { extra };
    (cap - willing - cycle * mine) / cycle
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_day_fits_when_the_willing_hours_leave_room_for_the_turn() {
        // 4 willing hours, 0.5 extra a day, a rota of 4: a long day of 6 h.
        assert_eq!(long_day_fits(0.5, 4.0, false, 4.0, 8.0, 0.3), 0.5);
        assert_eq!(long_day_fits(0.5, 4.0, false, 4.0, 5.0, 0.3), -0.25);
        // An elder gives a share of the extra hours: 4 x 0.15 = 0.6 more.
        assert!((long_day_fits(0.5, 4.0, true, 4.0, 5.0, 0.3) - 0.1).abs() < 1e-12);
    }
}
