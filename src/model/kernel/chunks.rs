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

/// Ranges of persons to process in parallel, each made of whole communities (persons are stored
/// community by community). If they are not, because persons were added out of order, there is
/// one range and the pass runs on one thread; results are the same either way.
pub(crate) fn chunk_ranges(members: &[Member], target: usize) -> Vec<Range<usize>> {
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
