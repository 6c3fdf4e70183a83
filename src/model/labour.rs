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
use super::components::{Ledger, Member, Person, Vocation, Work};
use super::params::{N_SECTORS, Params};

/// Offers below this many effective hours in a community are not worth a round.
const EPS_HOURS: f64 = 1e-9;

/// Hours a person still offers to each sector this round, given their remaining willingness and
/// which sectors of their community are still short.
#[inline]
fn offers(vocation: &Vocation, remaining: f64, unfilled: &[f64; N_SECTORS]) -> [f64; N_SECTORS] {
    let mut weights = [0.0; N_SECTORS];
    let mut total = 0.0;
    for s in 0..N_SECTORS {
        if unfilled[s] > EPS_HOURS {
            // A small floor so that even unappealing work finds someone willing once it is the
            // only work left.
            weights[s] = f64::from(vocation.appeal[s]) + 0.01;
            total += weights[s];
        }
    }
    if total <= 0.0 || remaining <= 0.0 {
        return [0.0; N_SECTORS];
    }
    weights.map(|w| remaining * w / total)
}

/// Sets garden hours for the day, clears syndicate hours, and runs the volunteering rounds.
pub fn allocate_labour(
    clock: Res<Clock>,
    params: Res<Params>,
    calendar: Res<Calendar>,
    mut ledger: ResMut<Ledger>,
    mut persons: Query<(&Member, &Person, &Vocation, &mut Work)>,
) {
    let growing = calendar.growing[clock.day_of_year() as usize];
    let garden_hours = params.food.garden_hours_per_day as f32;
    for (member, person, _, mut work) in &mut persons {
        *work = Work::default();
        if growing && person.gardener && person.can_work() {
            work.garden = garden_hours;
            ledger.days[member.0 as usize].gardens_tended += 1;
        }
    }
    let remaining = |person: &Person, vocation: &Vocation, work: &Work| -> f64 {
        if person.can_work() {
            f64::from((vocation.willing - work.total()).max(0.0))
        } else {
            0.0
        }
    };
    for _ in 0..params.labour.volunteer_rounds {
        // Offers: sum each community's effective hours offered per sector.
        let mut any_short = false;
        for day in ledger.days.iter_mut() {
            day.offered = [0.0; N_SECTORS];
            any_short |= day.unfilled.iter().any(|u| *u > EPS_HOURS);
        }
        if !any_short {
            break;
        }
        for (member, person, vocation, work) in &persons {
            let day = &mut ledger.days[member.0 as usize];
            let o = offers(vocation, remaining(person, vocation, work), &day.unfilled);
            for s in 0..N_SECTORS {
                day.offered[s] += o[s] * f64::from(vocation.skill[s]);
            }
        }
        for day in ledger.days.iter_mut() {
            for s in 0..N_SECTORS {
                day.take[s] = if day.offered[s] > 0.0 {
                    (day.unfilled[s] / day.offered[s]).min(1.0)
                } else {
                    0.0
                };
            }
        }
        // Take: each offer is accepted in its community's proportion. The unfilled hours are only
        // updated after every offer is taken, so each person's offer saw the same figures.
        for (member, person, vocation, mut work) in &mut persons {
            let day = &mut ledger.days[member.0 as usize];
            let o = offers(vocation, remaining(person, vocation, &work), &day.unfilled);
            for s in 0..N_SECTORS {
                let hours = o[s] * day.take[s];
                work.hours[s] += hours as f32;
                day.filled[s] += hours * f64::from(vocation.skill[s]);
            }
        }
        for day in ledger.days.iter_mut() {
            for s in 0..N_SECTORS {
                day.unfilled[s] = (day.unfilled[s] - day.filled[s]).max(0.0);
                day.filled[s] = 0.0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_go_only_to_short_sectors_in_proportion_to_appeal() {
        let mut appeal = [0.0; N_SECTORS];
        appeal[0] = 0.99;
        appeal[1] = 0.49;
        let v = Vocation {
            willing: 4.0,
            skill: [1.0; N_SECTORS],
            appeal,
        };
        let mut short = [0.0; N_SECTORS];
        short[0] = 1.0;
        short[1] = 1.0;
        let o = offers(&v, 3.0, &short);
        assert!((o[0] + o[1] - 3.0).abs() < 1e-12);
        assert!((o[0] / o[1] - 2.0).abs() < 1e-6);
        assert!(o[2..].iter().all(|x| *x == 0.0));
        short[0] = 0.0;
        let o = offers(&v, 3.0, &short);
        assert_eq!((o[0], o[1]), (0.0, 3.0));
        assert_eq!(offers(&v, 0.0, &short), [0.0; N_SECTORS]);
    }
}
