//! Persons split into runs of whole communities, so per-person passes can run in parallel and
//! still sum in a fixed order.

use crate::model::kernel::components::Member;
use rayon::prelude::*;
use std::ops::Range;

/// Runs `work` on each piece: on rayon when there are several, on the calling thread when there
/// is one. A small world is one piece, and handing it to the pool and waiting for it costs more
/// than its pass; each piece's work is the same wherever it runs, so the results are too.
pub(crate) fn each_piece<T, F>(pieces: Vec<T>, work: F)
where
    T: Send,
    F: Fn(T) + Sync + Send,
{
    if pieces.len() <= 1 {
        pieces.into_iter().for_each(work);
    } else {
        pieces.into_par_iter().for_each(work);
    }
}

/// Like [`each_piece`], keeping each piece's result, in the pieces' order.
pub(crate) fn map_pieces<T, R, F>(pieces: Vec<T>, work: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync + Send,
{
    if pieces.len() <= 1 {
        pieces.into_iter().map(work).collect()
    } else {
        pieces.into_par_iter().map(work).collect()
    }
}

/// Splits `works` into the disjoint mutable pieces named by `ranges` (which tile it in order).
pub(crate) fn split_by<'a, T>(mut rest: &'a mut [T], ranges: &[Range<usize>]) -> Vec<&'a mut [T]> {
    let mut pieces = Vec::with_capacity(ranges.len());
    for range in ranges {
        let (piece, tail) = std::mem::take(&mut rest).split_at_mut(range.len());
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

/// Ranges of persons to process in parallel (see [`chunk_ranges`]) and, for each, the span of
/// community ids it owns; the spans tile `0..communities`, so per-community slices (the ledger,
/// the community streams) can be split by them. A range's persons all belong to communities of
/// its span, so a pass that touches only its own communities' entries gives the same results as
/// a serial pass, on any number of threads.
pub(crate) fn community_chunks(
    members: &[Member],
    communities: usize,
) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let ranges = chunk_ranges(members, 8 * rayon::current_num_threads());
    if ranges.len() <= 1 {
        let all = ranges.first().cloned().unwrap_or(0..0);
        return (
            std::iter::once(all).collect(),
            std::iter::once(0..communities).collect(),
        );
    }
    let starts: Vec<usize> = ranges
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if i == 0 {
                0
            } else {
                members[r.start].0 as usize
            }
        })
        .collect();
    let spans = (0..ranges.len())
        .map(|i| starts[i]..starts.get(i + 1).copied().unwrap_or(communities))
        .collect();
    (ranges, spans)
}

/// Persons up to which a pass is one range, on the calling thread, without looking at the
/// order of their communities: a pass over a few hundred persons costs less than handing its
/// pieces to other threads, and the figures do not depend on the ranges. A village's day made
/// three scans of its members to check their order (2.6% of its instructions).
const ONE_RANGE: usize = 256;

/// Ranges of persons to process in parallel, each made of whole communities (persons are stored
/// community by community). If they are not, because persons were added out of order, there is
/// one range and the pass runs on one thread; results are the same either way. So are they for
/// a world of at most [`ONE_RANGE`] persons, which is one range.
pub(crate) fn chunk_ranges(members: &[Member], target: usize) -> Vec<Range<usize>> {
    ranges_of(members, target, ONE_RANGE)
}

/// Whether persons are stored in community order. Looked at in blocks, each compared whole
/// without stopping at the first pair out of order, so that the comparisons are made with
/// whole vectors (`windows(2).all`, which stops at once, compared one pair at a time: three
/// scans of a million persons a day were 1.7% of `large.toml`'s time).
fn in_order(members: &[Member]) -> bool {
    const BLOCK: usize = 1024;
    let (Some(earlier), Some(later)) = (
        members.get(..members.len().saturating_sub(1)),
        members.get(1..),
    ) else {
        return true;
    };
    earlier
        .chunks(BLOCK)
        .zip(later.chunks(BLOCK))
        .all(|(a, b)| a.iter().zip(b).fold(true, |ok, (x, y)| ok & (x.0 <= y.0)))
}

/// [`chunk_ranges`], with worlds of at most `one_range` persons in one range.
fn ranges_of(members: &[Member], target: usize, one_range: usize) -> Vec<Range<usize>> {
    let n = members.len();
    if n == 0 {
        return Vec::new();
    }
    if n <= one_range {
        return vec![Range { start: 0, end: n }];
    }
    if !in_order(members) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_hold_whole_communities_and_tile_the_persons() {
        let members: Vec<Member> = [0, 0, 0, 1, 1, 2, 3, 3, 3, 3].map(Member).to_vec();
        let ranges = ranges_of(&members, 4, 0);
        assert!(ranges.len() > 1, "{ranges:?}");
        assert_eq!(ranges.first().unwrap().start, 0);
        assert_eq!(ranges.last().unwrap().end, members.len());
        for pair in ranges.windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
            assert_ne!(members[pair[0].end - 1].0, members[pair[1].start].0);
        }
        // Out of order: one range, one thread.
        let shuffled: Vec<Member> = [1, 0, 1].map(Member).to_vec();
        assert_eq!(ranges_of(&shuffled, 4, 0), vec![Range { start: 0, end: 3 }]);
        // Out of order across a block of the order check, and in order.
        let mut long: Vec<Member> = (0..3000u32).map(|i| Member(i / 10)).collect();
        assert!(in_order(&long) && in_order(&long[..1]) && in_order(&[]));
        long.swap(1024, 1025 + 20);
        assert!(!in_order(&long));
        assert_eq!(
            ranges_of(&long, 4, 0),
            vec![Range {
                start: 0,
                end: 3000
            }]
        );
        // A small world is one range, in order or not.
        assert_eq!(
            chunk_ranges(&members, 4),
            vec![Range {
                start: 0,
                end: members.len()
            }]
        );
        let many: Vec<Member> = (0..ONE_RANGE as u32 + 1).map(|i| Member(i / 10)).collect();
        assert!(chunk_ranges(&many, 4).len() > 1);
        let mut xs = [1, 2, 3, 4, 5];
        let pieces = split_by(&mut xs, &[0..2, 2..5]);
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[1], &mut [3, 4, 5]);
    }
}
