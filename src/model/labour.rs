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

use std::ops::Range;

use bevy_ecs::prelude::*;
use rayon::prelude::*;

use super::calendar::{Calendar, Clock};
use super::components::{CommunityDay, Ledger, Member, Person, Vocation, Work, lane_sum};
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

/// One community's sums during a pass over its members.
#[derive(Clone, Copy, Default)]
struct Sums {
    offered: [f64; N_SECTORS],
    filled: [f64; N_SECTORS],
    gardens: u32,
}

/// The persons' component columns, as slices of the one table they share.
struct Columns<'a> {
    members: &'a [Member],
    persons: &'a [Person],
    vocations: &'a [Vocation],
}

/// Ranges of persons to process in parallel, each made of whole communities (persons are stored
/// community by community). If they are not, because persons were added out of order, there is
/// one range and the pass runs on one thread; results are the same either way.
fn chunk_ranges(members: &[Member], target: usize) -> Vec<Range<usize>> {
    let n = members.len();
    if n == 0 {
        return Vec::new();
    }
    if !members.windows(2).all(|w| w[0].0 <= w[1].0) {
        return vec![Range { start: 0, end: n }];
    }
    let per = (n / target.max(1)).max(1);
    let mut ranges = Vec::new();
    let mut start = 0;
    while start < n {
        let mut end = (start + per).min(n);
        while end < n && members[end].0 == members[end - 1].0 {
            end += 1;
        }
        ranges.push(start..end);
        start = end;
    }
    ranges
}

/// Splits `works` into the disjoint mutable pieces named by `ranges` (which tile it in order).
fn split_by<'a, T>(mut rest: &'a mut [T], ranges: &[Range<usize>]) -> Vec<&'a mut [T]> {
    let mut pieces = Vec::with_capacity(ranges.len());
    for range in ranges {
        let (piece, tail) = std::mem::take(&mut rest).split_at_mut(range.len());
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

/// Runs `visit` on every person, in parallel over ranges of whole communities, and returns each
/// community's sums in person order. Each community's sums are made on one thread in the same
/// order as a serial pass would, so the figures do not depend on the number of threads.
fn pass<F>(
    columns: &Columns<'_>,
    ranges: &[Range<usize>],
    works: &mut [Work],
    days: &[CommunityDay],
    visit: F,
) -> Vec<Vec<(usize, Sums)>>
where
    F: Fn(&Person, &Vocation, &mut Work, &CommunityDay, &mut Sums) + Sync,
{
    let pieces = split_by(works, ranges);
    ranges
        .par_iter()
        .zip(pieces)
        .map(|(range, works)| {
            let mut out: Vec<(usize, Sums)> = Vec::new();
            for (i, work) in range.clone().zip(works.iter_mut()) {
                let c = columns.members[i].0 as usize;
                if out.last().is_none_or(|(last, _)| *last != c) {
                    out.push((c, Sums::default()));
                }
                let sums = &mut out.last_mut().expect("pushed above").1;
                visit(
                    &columns.persons[i],
                    &columns.vocations[i],
                    work,
                    &days[c],
                    sums,
                );
            }
            out
        })
        .collect()
}

/// Adds a person's offers to the sectors in `open` to their community's sums (effective hours).
#[inline]
fn add_offers(
    person: &Person,
    vocation: &Vocation,
    work: &Work,
    open: &[f32; N_SECTORS],
    sums: &mut Sums,
) {
    let o = offers(vocation, remaining(person, vocation, work), open);
    for s in 0..N_SECTORS {
        sums.offered[s] += f64::from(o[s] * vocation.skill[s]);
    }
}

/// Adds each community's sums to its ledger entry, in a fixed order.
fn add_sums(ledger: &mut Ledger, chunks: Vec<Vec<(usize, Sums)>>) {
    for (c, sums) in chunks.into_iter().flatten() {
        let day = &mut ledger.days[c];
        for s in 0..N_SECTORS {
            day.offered[s] += sums.offered[s];
            day.filled[s] += sums.filled[s];
        }
        day.gardens_tended += sums.gardens;
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
/// does exactly when its offers fell short). Passes run in parallel over whole communities.
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
    let Ok(tables) = persons.contiguous_iter_mut() else {
        unreachable!("a query of components is always dense");
    };
    // Persons share one archetype, so there is one table; the loop keeps this correct if not,
    // though each table's pass then sees only its own persons' offers of the round.
    let mut tables: Vec<_> = tables.collect();
    let rounds = params.labour.volunteer_rounds;
    let target = 8 * rayon::current_num_threads();
    for (members, persons, vocations, works) in tables.iter_mut() {
        let columns = Columns {
            members,
            persons,
            vocations,
        };
        let works = works.bypass_change_detection();
        let ranges = chunk_ranges(columns.members, target);
        // First pass: gardens, and the first round's offers.
        let chunks = pass(
            &columns,
            &ranges,
            works,
            &ledger.days,
            |person, vocation, work, day, sums| {
                *work = Work::default();
                if growing && person.gardener && person.can_work() {
                    work.garden = garden_hours.min(vocation.willing);
                    sums.gardens += 1;
                }
                add_offers(person, vocation, work, &day.open, sums);
            },
        );
        add_sums(&mut ledger, chunks);
        for round in 0..rounds {
            // Each community takes the same share of every offer to a sector, just enough to
            // fill it; a sector whose offers fell short stays open for the next round.
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
            let chunks = pass(
                &columns,
                &ranges,
                works,
                &ledger.days,
                |person, vocation, work, day, sums| {
                    let o = offers(vocation, remaining(person, vocation, work), &day.open);
                    for s in 0..N_SECTORS {
                        let hours = o[s] * day.take[s];
                        work.hours[s] += hours;
                        sums.filled[s] += f64::from(hours * vocation.skill[s]);
                    }
                    if !last {
                        add_offers(person, vocation, work, &day.open_next, sums);
                    }
                },
            );
            add_sums(&mut ledger, chunks);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_hold_whole_communities_and_tile_the_persons() {
        let members: Vec<Member> = [0, 0, 0, 1, 1, 2, 3, 3, 3, 3].map(Member).to_vec();
        let ranges = chunk_ranges(&members, 4);
        assert_eq!(ranges.first().unwrap().start, 0);
        assert_eq!(ranges.last().unwrap().end, members.len());
        for pair in ranges.windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
            assert_ne!(members[pair[0].end - 1].0, members[pair[1].start].0);
        }
        // Out of order: one range, one thread.
        let shuffled: Vec<Member> = [1, 0, 1].map(Member).to_vec();
        assert_eq!(chunk_ranges(&shuffled, 4), vec![Range { start: 0, end: 3 }]);
        let mut xs = [1, 2, 3, 4, 5];
        let pieces = split_by(&mut xs, &[0..2, 2..5]);
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[1], &mut [3, 4, 5]);
    }

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
