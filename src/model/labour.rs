//! Labour: volunteers fill the hours syndicates post, by appeal and skill, up to what each person
//! is willing to give.
//!
//! Allocation runs in rounds, each O(persons x sectors) with no sorting and no pairwise matching.
//! In a round every person who can still work offers their remaining willing hours to the sectors
//! still short of labour, split in proportion to how much each appeals to them. A community takes
//! the same share of every offer to a sector, just enough to fill it (or all of the offers, if they
//! fall short). So when there is less work to do than people are willing to give, everyone works
//! proportionally less, which is how the essay expects shared labour to shrink the working day.
//! What is still unfilled after the last round is the day's labour shortage.

use bevy_ecs::prelude::*;

use super::calendar::{Calendar, Clock};
use super::components::{Ledger, Member, Person, Vocation, Work, lane_sum};
use super::params::{N_SECTORS, Params};

/// Unfilled hours below this are treated as filled.
const EPS_HOURS: f64 = 1e-9;

/// Hours a person offers to each sector this round: their remaining willingness split over the
/// sectors still open (`open` is 1 for a sector still short, 0 otherwise) in proportion to how
/// much each appeals to them. Branch-free over sectors, in f32, so it vectorises.
#[inline]
fn offers(vocation: &Vocation, remaining: f32, open: &[f32; N_SECTORS]) -> [f32; N_SECTORS] {
    let mut weights = [0.0f32; N_SECTORS];
    if remaining <= 0.0 {
        return weights;
    }
    for s in 0..N_SECTORS {
        // A small floor so that even unappealing work finds someone willing once it is the
        // only work left.
        weights[s] = (vocation.appeal[s] + 0.01) * open[s];
    }
    let total = lane_sum(&weights);
    if total <= 0.0 {
        return [0.0; N_SECTORS];
    }
    let per_weight = remaining / total;
    weights.map(|w| w * per_weight)
}

/// One community's sums during a pass over persons, added to its ledger entry when the pass
/// moves on to the next community (and at the end). Adding to the ledger is the same whatever the
/// order of communities, so this is only a matter of speed.
#[derive(Default)]
struct Sums {
    community: Option<usize>,
    offered: [f64; N_SECTORS],
    filled: [f64; N_SECTORS],
    gardens: u32,
}

impl Sums {
    #[inline]
    fn switch_to(&mut self, community: usize, ledger: &mut Ledger) {
        if self.community != Some(community) {
            self.flush(ledger);
            self.community = Some(community);
        }
    }

    fn flush(&mut self, ledger: &mut Ledger) {
        if let Some(c) = self.community.take() {
            let day = &mut ledger.days[c];
            for s in 0..N_SECTORS {
                day.offered[s] += self.offered[s];
                day.filled[s] += self.filled[s];
            }
            day.gardens_tended += self.gardens;
        }
        *self = Sums::default();
    }
}

/// Remaining willing hours of a person today.
#[inline]
fn remaining(person: &Person, vocation: &Vocation, work: &Work) -> f32 {
    if person.can_work() {
        (vocation.willing - work.total()).max(0.0)
    } else {
        0.0
    }
}

/// Sets garden hours for the day, clears syndicate hours, and runs the volunteering rounds.
///
/// Each round's offers are summed in the pass before it, so a round costs one pass over persons:
/// whether a sector stays open for the next round is known before anyone's offer is taken (it
/// does exactly when its offers fell short).
pub fn allocate_labour(
    clock: Res<Clock>,
    params: Res<Params>,
    calendar: Res<Calendar>,
    mut ledger: ResMut<Ledger>,
    mut persons: Query<(&Member, &Person, &Vocation, &mut Work)>,
) {
    let growing = calendar.growing[clock.day_of_year() as usize];
    let garden_hours = params.food.garden_hours_per_day as f32;
    for day in ledger.days.iter_mut() {
        day.offered = [0.0; N_SECTORS];
        day.open = day.unfilled.map(|u| f32::from(u8::from(u > EPS_HOURS)));
    }
    // First pass: gardens, and the first round's offers. Persons come community by community,
    // so sums are kept locally and written to the ledger when the community changes.
    let mut sums = Sums::default();
    for (member, person, vocation, mut work) in &mut persons {
        let c = member.0 as usize;
        sums.switch_to(c, &mut ledger);
        let day = &ledger.days[c];
        *work = Work::default();
        if growing && person.gardener && person.can_work() {
            work.garden = garden_hours;
            sums.gardens += 1;
        }
        let o = offers(vocation, remaining(person, vocation, &work), &day.open);
        for s in 0..N_SECTORS {
            sums.offered[s] += f64::from(o[s] * vocation.skill[s]);
        }
    }
    sums.flush(&mut ledger);
    let rounds = params.labour.volunteer_rounds;
    for round in 0..rounds {
        // Each community takes the same share of every offer to a sector, just enough to fill
        // it; a sector whose offers fell short stays open for the next round.
        let mut any_open = false;
        for day in ledger.days.iter_mut() {
            for s in 0..N_SECTORS {
                let take = if day.open[s] > 0.0 && day.offered[s] > 0.0 {
                    (day.unfilled[s] / day.offered[s]).min(1.0)
                } else {
                    0.0
                };
                day.take[s] = take as f32;
                let still_short =
                    day.open[s] > 0.0 && day.unfilled[s] - day.offered[s] * take > EPS_HOURS;
                day.open_next[s] = f32::from(u8::from(still_short));
                any_open |= still_short;
                day.offered[s] = 0.0;
            }
        }
        let last = round + 1 == rounds || !any_open;
        // Take this round's offers and, unless this is the last round, make the next round's.
        let mut sums = Sums::default();
        for (member, person, vocation, mut work) in &mut persons {
            let c = member.0 as usize;
            sums.switch_to(c, &mut ledger);
            let day = &ledger.days[c];
            let o = offers(vocation, remaining(person, vocation, &work), &day.open);
            for s in 0..N_SECTORS {
                let hours = o[s] * day.take[s];
                work.hours[s] += hours;
                sums.filled[s] += f64::from(hours * vocation.skill[s]);
            }
            if !last {
                let o = offers(vocation, remaining(person, vocation, &work), &day.open_next);
                for s in 0..N_SECTORS {
                    sums.offered[s] += f64::from(o[s] * vocation.skill[s]);
                }
            }
        }
        sums.flush(&mut ledger);
        for day in ledger.days.iter_mut() {
            for s in 0..N_SECTORS {
                day.unfilled[s] = (day.unfilled[s] - day.filled[s]).max(0.0);
                day.filled[s] = 0.0;
            }
            day.open = day.open_next;
        }
        if last {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_go_only_to_short_sectors_in_proportion_to_appeal() {
        let mut appeal = [0.0f32; N_SECTORS];
        appeal[0] = 0.99;
        appeal[1] = 0.49;
        let v = Vocation {
            willing: 4.0,
            skill: [1.0; N_SECTORS],
            appeal,
        };
        let mut short = [0.0f32; N_SECTORS];
        short[0] = 1.0;
        short[1] = 1.0;
        let o = offers(&v, 3.0, &short);
        assert!((o[0] + o[1] - 3.0).abs() < 1e-6);
        assert!((o[0] / o[1] - 2.0).abs() < 1e-5);
        assert!(o[2..].iter().all(|x| *x == 0.0));
        short[0] = 0.0;
        let o = offers(&v, 3.0, &short);
        assert_eq!(o[0], 0.0);
        assert!((o[1] - 3.0).abs() < 1e-6);
        assert_eq!(offers(&v, 0.0, &short), [0.0; N_SECTORS]);
    }
}
