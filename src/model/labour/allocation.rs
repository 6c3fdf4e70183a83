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
//!
//! Communities do not interact while they volunteer, so the day is solved community by
//! community ([`Solver`]): all of a community's rounds run while its members are in cache, which
//! reads the persons' state from memory once a day instead of once a round. The figures are the
//! same to the bit as round-by-round passes over the whole table.

use std::ops::Range;

use bevy_ecs::prelude::*;

use crate::model::guilds::{Agreement, Guild};
use crate::model::kernel::calendar::{Calendar, Clock};
use crate::model::kernel::chunks::{chunk_ranges, community_chunks, map_pieces, split_by};
use crate::model::kernel::components::{AgeClass, Member, Person, Vocation, Work, lane_sum};
use crate::model::kernel::decisions::Government;
use crate::model::kernel::goods::N_GOODS;
use crate::model::kernel::ledger::{Days, FoodDay, LabourDay};
use crate::model::kernel::params::{N_SECTORS, Params, Sector, UndesirablePolicy};
use crate::model::kernel::regions::{Regions, Urban};

/// Unfilled hours below this are treated as filled.
const EPS_HOURS: f64 = 1e-9;

/// Hours of willingness a person offers to each sector this round: their remaining willingness
/// split over the sectors still open (`open` is 1 for a sector still short, 0 otherwise) in
/// proportion to `weights` (how much each appeals to them, see [`weights`]). Branch-free over
/// sectors, in f32, so it vectorises.
#[inline(always)]
fn offers(weights: &[f32; N_SECTORS], remaining: f32, open: &[f32; N_SECTORS]) -> [f32; N_SECTORS] {
    let mut w = [0.0f32; N_SECTORS];
    if remaining <= 0.0 {
        return w;
    }
    for s in 0..N_SECTORS {
        // A small floor so that even unappealing work finds someone willing once it is the
        // only work left.
        w[s] = (weights[s] + 0.01) * open[s];
    }
    let total = lane_sum(&w);
    if total <= 0.0 {
        return [0.0; N_SECTORS];
    }
    let per_weight = remaining / total;
    w.map(|x| x * per_weight)
}

/// The sectors a person's offers favour: their appeal scaled by the community's `appeal_scale`
/// (undesirable work appeals less). In a swap season a sedentary worker (whose most appealing
/// sector is sedentary) swaps: undesirable work weighs as their favourite sector did, and their
/// sedentary work as undesirable work would.
#[inline(always)]
fn weights(vocation: &Vocation, day: &LabourDay, masks: &Masks) -> [f32; N_SECTORS] {
    let mut w = [0.0f32; N_SECTORS];
    for s in 0..N_SECTORS {
        w[s] = vocation.appeal.get(s) * day.appeal_scale[s];
    }
    if day.swap_today && is_sedentary(vocation, &masks.sedentary) {
        let best = vocation.appeal.best();
        for s in 0..N_SECTORS {
            if masks.undesirable[s] > 0.0 {
                w[s] = best;
            } else if masks.sedentary[s] > 0.0 {
                w[s] = vocation.appeal.get(s) * masks.undesirable_appeal;
            }
        }
    }
    w
}

/// Whether a person's most appealing sector is one `sedentary` marks.
#[inline(always)]
pub fn is_sedentary(vocation: &Vocation, sedentary: &[f32; N_SECTORS]) -> bool {
    let mut best = 0;
    for s in 1..N_SECTORS {
        if vocation.appeal.0[s] > vocation.appeal.0[best] {
            best = s;
        }
    }
    sedentary[best] > 0.0
}

/// The sectors that are undesirable and sedentary, for job swaps.
#[derive(Clone, Copy)]
struct Masks {
    undesirable: [f32; N_SECTORS],
    sedentary: [f32; N_SECTORS],
    undesirable_appeal: f32,
}

/// One community's sums during a pass over its members.
#[derive(Clone, Copy, Default)]
struct Sums {
    offered: [f64; N_SECTORS],
    filled: [f64; N_SECTORS],
    gardens: u32,
    /// Effective hours given to guilds, by good.
    guild: [f64; N_GOODS],
    /// Effective hours members could still give to each sector (for exchange schemes).
    spare: [f64; N_SECTORS],
    /// Hours given through exchange schemes.
    exchanged: f64,
    /// Hours full-time artists gave to their art.
    art: f64,
    /// Persons who gave hours through exchange schemes (helpers travelling to their hosts).
    helpers: u32,
}

/// The persons' component columns, as slices of the one table they share.
struct Columns<'a> {
    members: &'a [Member],
    persons: &'a [Person],
    vocations: &'a [Vocation],
}

/// Runs `visit` on every person, in parallel over ranges of whole communities, and returns each
/// community's sums in person order. Each community's sums are made on one thread in the same
/// order as a serial pass would, so the figures do not depend on the number of threads.
fn pass<F>(
    columns: &Columns<'_>,
    ranges: &[Range<usize>],
    works: &mut [Work],
    days: &[LabourDay],
    visit: F,
) -> Vec<Vec<(usize, Sums)>>
where
    F: Fn(&Person, &Vocation, &mut Work, &LabourDay, &mut Sums) + Sync,
{
    let pieces: Vec<_> = ranges.iter().zip(split_by(works, ranges)).collect();
    map_pieces(pieces, |(range, works)| {
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
}

/// Adds a person's offers (hours of willingness per sector, from [`offers`]) to their
/// community's `offered` (effective hours), over the sectors `open` lists (the others' offers
/// are zero).
#[inline(always)]
fn add_offers<const UNIT: bool>(
    o: &[f32; N_SECTORS],
    vocation: &Vocation,
    day: &LabourDay,
    offered: &mut [f64; N_SECTORS],
    open: &Listed,
) {
    if open.few() {
        open.each(|s| {
            offered[s] += f64::from(per_hour::<UNIT>(o[s], day.counts_as[s]) * vocation.skill[s]);
        });
    } else {
        let hours: [f32; N_SECTORS] =
            std::array::from_fn(|s| per_hour::<UNIT>(o[s], day.counts_as[s]));
        add_products(offered, &hours, &vocation.skill);
    }
}

/// Adds `a[s] * b[s]`, made in f32 and widened to f64, to `sums[s]`, for all twelve sectors:
/// the loop [`Listed::each`] runs over all twelve, written four sectors at a time so that the
/// compiler makes it with whole vectors (multiplications, widenings and additions lane by lane,
/// each rounded as the one-by-one loop rounds it, so the same figures to the bit).
#[inline(always)]
fn add_products(sums: &mut [f64; N_SECTORS], a: &[f32; N_SECTORS], b: &[f32; N_SECTORS]) {
    for c in 0..N_SECTORS / 4 {
        let p: [f32; 4] = std::array::from_fn(|k| a[4 * c + k] * b[4 * c + k]);
        for k in 0..4 {
            sums[4 * c + k] += f64::from(p[k]);
        }
    }
}

/// Some of the sectors, listed in ascending order: those open to offers, or the undesirable
/// ones. A sector left out of the list adds exactly nothing where the list is used (an offer
/// of 0 times a skill, a skill times a mask of 0), and adding +0.0 to hours and
/// sums that are never negative leaves them as they were to the bit; so a loop over the list
/// gives the figures of a loop over all twelve, and costs the sectors listed. In the later
/// rounds of a day only the sectors still short are listed, often one or two.
#[derive(Clone, Copy)]
struct Listed {
    sectors: [u8; N_SECTORS],
    len: usize,
}

impl Listed {
    /// The sectors where `values` is above zero.
    fn above_zero(values: &[f32; N_SECTORS]) -> Self {
        let mut listed = Listed {
            sectors: [0; N_SECTORS],
            len: 0,
        };
        for (s, &v) in values.iter().enumerate() {
            if v > 0.0 {
                listed.sectors[listed.len] = s as u8;
                listed.len += 1;
            }
        }
        listed
    }

    /// Whether at most half the sectors are listed (see [`Listed::each`]).
    #[inline(always)]
    fn few(&self) -> bool {
        self.len <= N_SECTORS / 2
    }

    /// Runs `visit` on the sectors listed, or on all twelve when most are listed (a loop over
    /// all twelve is then faster); the figures are the same either way. The hottest loops,
    /// which add hours times skills to a community's sums, are written out for all twelve
    /// ([`add_products`]): through a closure indexed by sector the compiler made them one
    /// sector at a time.
    #[inline(always)]
    fn each(&self, mut visit: impl FnMut(usize)) {
        if self.few() {
            for &s in &self.sectors[..self.len] {
                visit(usize::from(s));
            }
        } else {
            for s in 0..N_SECTORS {
                visit(s);
            }
        }
    }
}

/// Adds a run's sums to its community's ledger entry and rounds.
fn add_sums(day: &mut LabourDay, rounds: &mut Rounds, gardens: &mut u32, sums: &Sums) {
    for s in 0..N_SECTORS {
        rounds.offered[s] += sums.offered[s];
        rounds.filled[s] += sums.filled[s];
    }
    *gardens += sums.gardens;
    for g in 0..N_GOODS {
        day.guild_hours[g] += sums.guild[g];
    }
    day.art_hours += sums.art;
}

/// Hours of work that `willing` hours of willingness buy, when an hour counts as `counts_as`.
/// `UNIT` says that every hour counts as one, as it does unless the community gives an incentive
/// for undesirable work; the division is then skipped, which gives the same figure to the bit
/// (x / 1 is x in IEEE arithmetic), as skipping the multiplication in [`remaining_in`] does.
#[inline(always)]
fn per_hour<const UNIT: bool>(willing: f32, counts_as: f32) -> f32 {
    if UNIT { willing } else { willing / counts_as }
}

/// Remaining willing hours of a person today: an hour of work uses `counts_as` hours of
/// willingness (1, or more for undesirable work under an incentive).
#[inline(always)]
fn remaining(person: &Person, vocation: &Vocation, work: &Work, day: &LabourDay) -> f32 {
    remaining_in::<false>(person, vocation, work, day)
}

/// [`remaining`], where `UNIT` says that every hour counts as one hour of willingness (no
/// incentive in the community today; see [`per_hour`]).
#[inline(always)]
fn remaining_in<const UNIT: bool>(
    person: &Person,
    vocation: &Vocation,
    work: &Work,
    day: &LabourDay,
) -> f32 {
    remaining_after::<UNIT>(person, vocation, &work.hours, work, day)
}

/// [`remaining_in`], with the person's hours in the syndicates' sectors given as `hours` (the
/// ones just added up, kept in registers rather than read back from `work`).
#[inline(always)]
fn remaining_after<const UNIT: bool>(
    person: &Person,
    vocation: &Vocation,
    hours: &[f32; N_SECTORS],
    work: &Work,
    day: &LabourDay,
) -> f32 {
    if person.can_work() && !person.artist {
        left_after::<UNIT>(willing_today(person, vocation, day), hours, work, day).max(0.0)
    } else {
        0.0
    }
}

/// A person's willing hours today: their willingness, with the extra hours of working longer.
#[inline(always)]
fn willing_today(person: &Person, vocation: &Vocation, day: &LabourDay) -> f32 {
    let mut willing = vocation.willing;
    // Working longer (participatory planning): the willing give the agreed extra hours.
    // By rota, a member gives the cycle's extra hours on the day their turn comes, and none
    // on the others.
    if day.extra_willing[0] > 0.0 && willing > 0.0 {
        let mut extra = day.extra_willing[usize::from(person.age == AgeClass::Elder)];
        if day.rota_cycle > 1 {
            extra = if rota_turn(vocation, day.rota_cycle) == day.rota_turn {
                extra * f32::from(day.rota_cycle)
            } else {
                0.0
            };
        }
        willing = with_extra(willing, extra, day.max_willing);
    }
    willing
}

/// `willing` hours with `extra` more, at most `max` (or `willing` itself, if that is more): how
/// the extra hours of working longer and the farm's extra hours in the harvest are given.
#[inline(always)]
fn with_extra(willing: f32, extra: f32, max: f32) -> f32 {
    (willing + extra).min(max.max(willing))
}

/// `willing` hours less those `work` has used today (possibly below zero).
#[inline(always)]
fn left_of<const UNIT: bool>(willing: f32, work: &Work, day: &LabourDay) -> f32 {
    left_after::<UNIT>(willing, &work.hours, work, day)
}

/// [`left_of`], with the hours in the syndicates' sectors given as `hours`.
#[inline(always)]
fn left_after<const UNIT: bool>(
    willing: f32,
    hours: &[f32; N_SECTORS],
    work: &Work,
    day: &LabourDay,
) -> f32 {
    let mut used = [0.0f32; N_SECTORS];
    for s in 0..N_SECTORS {
        used[s] = if UNIT {
            hours[s]
        } else {
            hours[s] * day.counts_as[s]
        };
    }
    willing - lane_sum(&used) - work.garden - work.training - work.research
}

/// A person's turn in a rota of `cycle` days (`economy.longer_by = "rota"`): a number in
/// `0..cycle`, the same all their life, made from the steps of their first four sectors' appeal
/// (drawn once and never changed) by a multiplicative hash, so it needs no state of its own and
/// does not depend on which work appeals to them.
#[inline]
pub fn rota_turn(vocation: &Vocation, cycle: u16) -> u16 {
    let [a, b, c, d, ..] = vocation.appeal.0;
    let bits = u32::from_le_bytes([a, b, c, d]);
    let hash = bits.wrapping_mul(0x9E37_79B1);
    ((u64::from(hash) * u64::from(cycle)) >> 32) as u16
}

/// Sets each community's rules for today's labour: the policy for undesirable work, how much
/// each sector appeals, how much an hour counts, and which guilds work.
fn set_rules(
    params: &Params,
    gov: Option<&Government>,
    guilds: &Query<&Guild>,
    labour: &mut [LabourDay],
    day_of_year: u32,
) {
    let swap_season = params.labour.in_swap_season(day_of_year);
    let mask = params.labour.undesirable_mask();
    let l = &params.labour;
    for (c, day) in labour.iter_mut().enumerate() {
        day.policy = gov.map_or(l.undesirable_policy, |g| g.policy(params, c));
        let incentive = day.policy == UndesirablePolicy::Incentive;
        day.swap_today = day.policy == UndesirablePolicy::Swap && swap_season;
        for s in 0..N_SECTORS {
            let undesirable = mask[s] > 0.0;
            day.appeal_scale[s] = if undesirable {
                (l.undesirable_appeal * if incentive { l.incentive_factor } else { 1.0 }) as f32
            } else {
                1.0
            };
            day.counts_as[s] = if undesirable && incentive {
                l.incentive_factor as f32
            } else {
                1.0
            };
            day.rota_hours[s] = 0.0;
            day.exchange_take[s] = 0.0;
            day.outside_offered[s] = 0.0;
            day.outside_taken[s] = 0.0;
        }
        day.guild_open = [false; N_GOODS];
        day.guild_hours = [0.0; N_GOODS];
        day.exchange_given = 0.0;
        day.exchange_received = 0.0;
    }
    for guild in guilds {
        if guild.agreement == Agreement::Accepted
            && let Some(day) = labour.get_mut(guild.community as usize)
        {
            day.guild_open[guild.good.index()] = true;
        }
    }
}

/// Sets garden hours for the day, clears syndicate hours, shares any rota, gives guild members'
/// hours to their guilds, runs the volunteering rounds, then any exchange scheme, and last
/// the hours offered from outside the simulation (`labour::outside`), which fill only what is
/// still short.
///
/// Each round's offers are summed in the pass before it, so a round costs one pass over persons:
/// whether a sector stays open for the next round is known before anyone's offer is taken (it
/// does exactly when its offers fell short). Passes run in parallel over whole communities.
#[allow(clippy::too_many_arguments)]
pub fn allocate_labour(
    clock: Res<Clock>,
    params: Res<Params>,
    calendar: Res<Calendar>,
    gov: Option<Res<Government>>,
    regions: Res<Regions>,
    urban: Res<Urban>,
    guilds: Query<&Guild>,
    mut labour: ResMut<Days<LabourDay>>,
    mut food: ResMut<Days<FoodDay>>,
    mut persons: Query<(&Member, &Person, &Vocation, &mut Work)>,
    outside: Option<ResMut<crate::model::labour::outside::OutsideHours>>,
) {
    let rules = Rules {
        growing: calendar.growing[clock.day_of_year() as usize],
        garden_hours: params.food.garden_hours_per_day as f32,
        guild_hours: params.guilds.hours_per_member as f32,
        max_hours: params.labour.max_hours_per_day as f32,
        masks: Masks {
            undesirable: params.labour.undesirable_mask(),
            sedentary: params.labour.sedentary_mask(),
            undesirable_appeal: params.labour.undesirable_appeal as f32,
        },
    };
    set_rules(
        &params,
        gov.as_deref(),
        &guilds,
        &mut labour,
        clock.day_of_year(),
    );
    // Urban members help rural farms today under a regional agreement (`labour.harvest_help`,
    // or each region's decision under `labour.harvest_help_decided`).
    let helping: Vec<bool> = (0..regions.count())
        .map(|r| match gov.as_deref() {
            Some(g) if params.labour.harvest_help_decided => g.harvest_help(&params, r),
            _ => params.labour.harvest_help,
        })
        .collect();
    let harvest_help = helping.iter().any(|&h| h)
        && calendar.in_harvest[clock.day_of_year() as usize]
        && urban.any();
    // Later in the year, outside the growing season and the harvest, rural members help the
    // urban communities under the other half of the agreement (`labour.city_help`, or each
    // region's decision under `labour.city_help_decided`).
    let today = clock.day_of_year() as usize;
    let helping_city: Vec<bool> = (0..regions.count())
        .map(|r| match gov.as_deref() {
            Some(g) if params.labour.city_help_decided => g.city_help(&params, r),
            _ => params.labour.city_help,
        })
        .collect();
    let city_help = helping_city.iter().any(|&h| h)
        && !calendar.growing[today]
        && !calendar.in_harvest[today]
        && urban.any();
    let any_exchange = harvest_help
        || city_help
        || labour
            .iter()
            .any(|d| d.policy == UndesirablePolicy::Exchange);
    let Ok(tables) = persons.contiguous_iter_mut() else {
        unreachable!("a query of components is always dense");
    };
    // Persons share one archetype, so there is one table; the loop keeps this correct if not,
    // though each table's solve then sees only its own persons' offers.
    for (members, persons, vocations, mut works) in tables {
        let columns = Columns {
            members,
            persons,
            vocations,
        };
        let works = works.bypass_change_detection();
        let solver = Solver {
            columns: &columns,
            rules: &rules,
            rounds: params.labour.volunteer_rounds,
            any_exchange,
        };
        let spare = solver.solve(works, &mut labour, &mut food);
        if any_exchange {
            let scheme = Scheme {
                regions: &regions,
                mask: &rules.masks.undesirable,
                harvest_help: harvest_help.then_some((&*urban, &helping[..])),
                city_help: city_help.then_some((&*urban, &helping_city[..])),
            };
            scheme.exchange(&mut labour, &spare);
            exchange_pass(&columns, works, &mut labour, &rules);
        }
    }
    if let Some(mut outside) = outside
        && !outside.is_empty()
    {
        outside.work(clock.tick, &mut labour);
    }
}

/// What the day's passes over persons read besides each community's ledger.
struct Rules {
    /// Whether gardens grow today.
    growing: bool,
    /// Hours a gardener gives their plot, a guild member their guild, and anyone a rota.
    garden_hours: f32,
    guild_hours: f32,
    max_hours: f32,
    masks: Masks,
}

/// A community's volunteering rounds in progress, per sector: the effective hours offered and
/// taken in the current round, the share of each offer taken, and which sectors are short of
/// labour in this round and the next. Scratch of one community's solve, never seen outside it.
#[derive(Clone, Copy, Default)]
struct Rounds {
    offered: [f64; N_SECTORS],
    filled: [f64; N_SECTORS],
    take: [f32; N_SECTORS],
    open: [f32; N_SECTORS],
    open_next: [f32; N_SECTORS],
}

/// A person's figures kept from one round to the next within their community's solve: how much
/// each sector appeals to them today ([`weights`]) and the offers they make in the coming round
/// ([`offers`]). Neither changes between the pass that makes the offers and the one that takes
/// them, so keeping them gives the same figures as computing them again.
#[derive(Clone, Copy)]
struct Kept {
    weights: [f32; N_SECTORS],
    offers: [f32; N_SECTORS],
    /// Whether any of `offers` is above zero. A person who offers nothing (a child, someone
    /// whose willing hours are used up, or in a community with no sector short) offers nothing
    /// in every later round: their hours do not change, so neither do their remaining hours,
    /// and the sectors open can only close. The rounds that follow add nothing for them and are
    /// skipped.
    active: bool,
}

impl Kept {
    /// Keeps a member's offers for the coming round, and whether they offer anything.
    fn set_offers(&mut self, offers: [f32; N_SECTORS]) {
        self.offers = offers;
        self.active = any_above_zero(&offers);
    }
}

/// Whether any of `xs` is above zero: `xs.iter().any(|&x| x > 0.0)`, as the largest of them
/// and zero, in four lanes with no early exit, which compiles to a few vector maxima (the
/// short-circuiting form, and comparisons turned into booleans, compiled to a dozen byte loads
/// after a vector store, which drew a tenth of labour's samples in `perf`). A NaN is never above
/// the lane's maximum, so it is passed over, as `x > 0.0` passes it over.
#[inline(always)]
fn any_above_zero(xs: &[f32; N_SECTORS]) -> bool {
    let mut lanes = [0.0f32; 4];
    for (i, &x) in xs.iter().enumerate() {
        let lane = &mut lanes[i % 4];
        *lane = if x > *lane { x } else { *lane };
    }
    lanes.iter().any(|&m| m > 0.0)
}

/// Adds a member's `rem` spare hours of willingness, as effective hours per sector, to `spare`
/// (what the exchange schemes may ask of them).
#[inline(always)]
fn add_spare(rem: f32, vocation: &Vocation, spare: &mut [f64; N_SECTORS]) {
    for s in 0..N_SECTORS {
        spare[s] += f64::from(rem * vocation.skill[s]);
    }
}

/// Solves the day's labour community by community. Communities do not interact while they
/// volunteer (each takes only its own members' offers), so each one's rounds run to the end
/// while its members are in cache: one pass over the persons' state from memory a day, whatever
/// the number of rounds, instead of one per round. Each community's sums are made in its
/// persons' order, as a serial pass would, so figures do not depend on the threads.
struct Solver<'a, 'c> {
    columns: &'a Columns<'c>,
    rules: &'a Rules,
    rounds: u32,
    any_exchange: bool,
}

impl Solver<'_, '_> {
    /// Solves every community's allocation, in parallel over ranges of whole communities, and
    /// returns each community's spare hours after its last round (effective hours per sector;
    /// empty without an exchange scheme).
    fn solve(
        &self,
        works: &mut [Work],
        labour: &mut [LabourDay],
        food: &mut [FoodDay],
    ) -> Vec<[f64; N_SECTORS]> {
        let communities = labour.len();
        let (ranges, spans) = community_chunks(self.columns.members, communities);
        let pieces: Vec<_> = ranges
            .iter()
            .zip(&spans)
            .zip(split_by(works, &ranges))
            .zip(
                split_by(labour, &spans)
                    .into_iter()
                    .zip(split_by(food, &spans)),
            )
            .collect();
        let spares = map_pieces(pieces, |(((range, span), works), (labour, food))| {
            self.piece(range, span.start, works, labour, food)
        });
        let mut spare = Vec::new();
        if self.any_exchange {
            spare = vec![[0.0f64; N_SECTORS]; communities];
            for (c, s) in spares.into_iter().flatten() {
                spare[c] = s;
            }
        }
        spare
    }

    /// Solves the communities of one range of persons (`works` starts at the range's first
    /// person; `labour` and `food` at community `first_c`). Returns each community's spare
    /// hours under an exchange scheme.
    fn piece(
        &self,
        range: &Range<usize>,
        first_c: usize,
        works: &mut [Work],
        labour: &mut [LabourDay],
        food: &mut [FoodDay],
    ) -> Vec<(usize, [f64; N_SECTORS])> {
        // Runs of persons of one community in table order, grouped by community by a stable
        // sort: a community whose persons are not all together (newcomers are stored apart)
        // keeps its runs in table order, and each run's sums are added in that order, as a
        // pass over the table would.
        let members = self.columns.members;
        let mut runs: Vec<(u32, Range<usize>)> = Vec::new();
        for i in range.clone() {
            let c = members[i].0;
            match runs.last_mut() {
                Some((last, run)) if *last == c => run.end = i + 1,
                _ => runs.push((c, i..i + 1)),
            }
        }
        runs.sort_by_key(|(c, _)| *c);
        let mut kept = Vec::new();
        let mut group = Vec::new();
        let mut spare = Vec::new();
        for same in runs.chunk_by(|a, b| a.0 == b.0) {
            let c = same[0].0 as usize;
            group.clear();
            group.extend(
                same.iter()
                    .map(|(_, run)| run.start - range.start..run.end - range.start),
            );
            let local = c - first_c;
            let s = solve_community(
                self,
                &group,
                range.start,
                works,
                &mut labour[local],
                &mut food[local].gardens_tended,
                &mut kept,
            );
            if self.any_exchange {
                spare.push((c, s));
            }
        }
        spare
    }

    /// Shares a rota community's undesirable work equally over its able adults' skills: the
    /// rota takes those sectors, and volunteers go elsewhere.
    fn share_rota(
        &self,
        runs: &[Range<usize>],
        first: usize,
        day: &mut LabourDay,
        rounds: &mut Rounds,
    ) {
        let mask = self.rules.masks.undesirable;
        // The other sectors would add a skill times 0, +0.0, which leaves the sums as they are
        // (see `Listed`).
        let undesirable = Listed::above_zero(&mask);
        let mut skill = [0.0f64; N_SECTORS];
        for run in runs {
            let mut sums = [0.0f64; N_SECTORS];
            for i in run.start + first..run.end + first {
                let (person, vocation) = (&self.columns.persons[i], &self.columns.vocations[i]);
                if person.is_able_adult() && !person.artist {
                    undesirable.each(|s| {
                        sums[s] += f64::from(vocation.skill[s] * mask[s]);
                    });
                }
            }
            for s in 0..N_SECTORS {
                skill[s] += sums[s];
            }
        }
        for s in 0..N_SECTORS {
            if mask[s] > 0.0 && skill[s] > 0.0 {
                day.rota_hours[s] = ((day.unfilled[s] / skill[s]) as f32).min(self.rules.max_hours);
                rounds.open[s] = 0.0;
            }
        }
    }

    /// The first pass: gardens, art, rota, guilds, and the first round's offers.
    #[allow(clippy::too_many_arguments)]
    fn first_pass<const UNIT: bool>(
        &self,
        runs: &[Range<usize>],
        first: usize,
        works: &mut [Work],
        day: &mut LabourDay,
        rounds: &mut Rounds,
        gardens: &mut u32,
        kept: &mut [Kept],
    ) {
        let rules = self.rules;
        let open = Listed::above_zero(&rounds.open);
        let mut k = 0;
        for run in runs {
            let mut sums = Sums::default();
            for j in run.clone() {
                let i = j + first;
                let (person, vocation) = (&self.columns.persons[i], &self.columns.vocations[i]);
                let work = &mut works[j];
                // Training and research were set before volunteering (`learning::study`).
                *work = Work {
                    ever_undesirable: work.ever_undesirable,
                    training: work.training,
                    research: work.research,
                    ..Work::default()
                };
                if rules.growing && person.gardener && person.can_work() {
                    work.garden = rules.garden_hours.min(vocation.willing);
                    sums.gardens += 1;
                }
                if person.artist && person.can_work() {
                    // The community asked them to give their working hours to their art.
                    work.art = (vocation.willing - work.garden).max(0.0);
                    sums.art += f64::from(work.art);
                }
                // The day's hours in the syndicates' sectors, made here and stored once, so that
                // the remaining hours are made from registers rather than read back just after
                // single-sector stores.
                let mut worked = [0.0f32; N_SECTORS];
                if day.policy == UndesirablePolicy::Rota && person.is_able_adult() && !person.artist
                {
                    // 0 + h is h, and the sectors outside the rota have hours of 0, which add
                    // exactly nothing to the sums: the rota's hours over all twelve sectors.
                    worked = day.rota_hours;
                    add_products(&mut sums.filled, &worked, &vocation.skill);
                }
                if person.guild > 0 && person.can_work() {
                    let g = usize::from(person.guild - 1);
                    if day.guild_open[g] {
                        let s = 2 + g;
                        let h = rules.guild_hours.min(remaining_after::<UNIT>(
                            person, vocation, &worked, work, day,
                        ));
                        worked[s] += h;
                        sums.guild[g] += f64::from(h * vocation.skill[s]);
                    }
                }
                work.hours = worked;
                let kp = &mut kept[k];
                kp.weights = weights(vocation, day, &rules.masks);
                kp.set_offers(offers(
                    &kp.weights,
                    remaining_after::<UNIT>(person, vocation, &worked, work, day),
                    &rounds.open,
                ));
                add_offers::<UNIT>(&kp.offers, vocation, day, &mut sums.offered, &open);
                k += 1;
            }
            add_sums(day, rounds, gardens, &sums);
        }
    }

    /// Takes this round's offers and, unless this is the `last` round, makes the next round's;
    /// in the last round, under an exchange scheme, adds the members' spare hours (effective
    /// hours, per sector) to `spare`.
    #[allow(clippy::too_many_arguments)]
    fn take_offers<const UNIT: bool>(
        &self,
        runs: &[Range<usize>],
        first: usize,
        works: &mut [Work],
        day: &mut LabourDay,
        rounds: &mut Rounds,
        gardens: &mut u32,
        kept: &mut [Kept],
        last: bool,
        spare: &mut [f64; N_SECTORS],
    ) {
        let with_spare = self.any_exchange && last;
        let open_next = Listed::above_zero(&rounds.open_next);
        let mut k = 0;
        for run in runs {
            let mut sums = Sums::default();
            for j in run.clone() {
                let i = j + first;
                let (person, vocation) = (&self.columns.persons[i], &self.columns.vocations[i]);
                let work = &mut works[j];
                let kp = &mut kept[k];
                k += 1;
                if !kp.active {
                    // Nothing to take or offer (see `Kept::active`).
                    if with_spare {
                        let rem = remaining_in::<UNIT>(person, vocation, work, day);
                        add_spare(rem, vocation, &mut sums.spare);
                    }
                    continue;
                }
                // Over all twelve sectors, as whole vectors: a sector not taking has a take of
                // 0, so its hours are +0.0 and add exactly nothing. The new hours stay in
                // registers for the remaining hours below (read back from `work` just after
                // single-sector stores, they stalled the pass).
                let hours: [f32; N_SECTORS] = std::array::from_fn(|s| {
                    per_hour::<UNIT>(kp.offers[s], day.counts_as[s]) * rounds.take[s]
                });
                let mut worked = work.hours;
                for s in 0..N_SECTORS {
                    worked[s] += hours[s];
                }
                work.hours = worked;
                add_products(&mut sums.filled, &hours, &vocation.skill);
                if !last {
                    let rem = remaining_after::<UNIT>(person, vocation, &worked, work, day);
                    kp.set_offers(offers(&kp.weights, rem, &rounds.open_next));
                    add_offers::<UNIT>(&kp.offers, vocation, day, &mut sums.offered, &open_next);
                } else if with_spare {
                    let rem = remaining_after::<UNIT>(person, vocation, &worked, work, day);
                    add_spare(rem, vocation, &mut sums.spare);
                }
            }
            add_sums(day, rounds, gardens, &sums);
            if with_spare {
                for s in 0..N_SECTORS {
                    spare[s] += sums.spare[s];
                }
            }
        }
    }
}

impl Solver<'_, '_> {
    /// On a harvest day, after the volunteering rounds (`food.harvest_hours_decided`): those who
    /// worked the farm today (at least `WORKER_HOURS`) give it what is still unfilled, each up
    /// to their willing hours plus the extra their meeting agreed (`day.harvest_extra`), at most
    /// `labour.max_hours_per_day` (or their willing hours, if more), the same share of each
    /// one's hours, just enough to fill it, as a round takes offers. What they give beyond their
    /// willingness is counted in `harvest_extra_given`; what they give within it comes off the
    /// spare hours the exchange schemes may ask of them.
    fn harvest_extra(
        &self,
        runs: &[Range<usize>],
        first: usize,
        works: &mut [Work],
        day: &mut LabourDay,
        spare: &mut [f64; N_SECTORS],
    ) {
        let a = Sector::Agriculture.index();
        let cols = self.columns;
        // A farm worker's hours of willingness today: their willing hours left, and those with
        // the agreed extra.
        let hours = |i: usize, work: &Work| {
            let (person, vocation) = (&cols.persons[i], &cols.vocations[i]);
            if !person.can_work() || person.artist || !work.works_in(Sector::Agriculture) {
                return (0.0, 0.0);
            }
            let willing = willing_today(person, vocation, day);
            let longer = with_extra(willing, day.harvest_extra, self.rules.max_hours);
            (
                left_of::<false>(willing, work, day).max(0.0),
                left_of::<false>(longer, work, day).max(0.0),
            )
        };
        let mut offered = 0.0f64;
        for run in runs {
            for j in run.clone() {
                let (_, can) = hours(j + first, &works[j]);
                offered += f64::from(per_hour::<false>(can, day.counts_as[a]))
                    * f64::from(cols.vocations[j + first].skill[a]);
            }
        }
        if offered <= 0.0 {
            return;
        }
        let take = (day.unfilled[a] / offered).min(1.0) as f32;
        let (mut filled, mut beyond) = (0.0f64, 0.0f64);
        for run in runs {
            for j in run.clone() {
                let i = j + first;
                let (left, can) = hours(i, &works[j]);
                let given = can * take;
                if given <= 0.0 {
                    continue;
                }
                let vocation = &cols.vocations[i];
                let work = &mut works[j];
                let h = per_hour::<false>(given, day.counts_as[a]);
                work.hours[a] += h;
                filled += f64::from(h * vocation.skill[a]);
                beyond += f64::from(per_hour::<false>((given - left).max(0.0), day.counts_as[a]));
                if self.any_exchange {
                    add_spare(-given.min(left), vocation, spare);
                }
            }
        }
        day.unfilled[a] = (day.unfilled[a] - filled).max(0.0);
        day.harvest_extra_given += beyond;
    }
}

/// One community's day: any rota, then gardens, art and guilds with the first round's offers,
/// then the volunteering rounds until no sector is short or the rounds run out. `runs` are its
/// persons as ranges of `works`, whose first is person `first` of the table. Returns its spare
/// hours after the last round under an exchange scheme (zero otherwise).
fn solve_community(
    solver: &Solver<'_, '_>,
    runs: &[Range<usize>],
    first: usize,
    works: &mut [Work],
    day: &mut LabourDay,
    gardens: &mut u32,
    kept: &mut Vec<Kept>,
) -> [f64; N_SECTORS] {
    let n = runs.iter().map(|r| r.len()).sum();
    kept.clear();
    kept.resize(
        n,
        Kept {
            weights: [0.0; N_SECTORS],
            offers: [0.0; N_SECTORS],
            active: false,
        },
    );
    let mut rounds = Rounds {
        open: day.unfilled.map(|u| f32::from(u8::from(u > EPS_HOURS))),
        ..Rounds::default()
    };
    if day.policy == UndesirablePolicy::Rota {
        solver.share_rota(runs, first, day, &mut rounds);
    }
    // Unless the community gives an incentive, every hour counts as one (see `per_hour`).
    let unit = day.counts_as.iter().all(|&c| c == 1.0);
    if unit {
        solver.first_pass::<true>(runs, first, works, day, &mut rounds, gardens, kept);
    } else {
        solver.first_pass::<false>(runs, first, works, day, &mut rounds, gardens, kept);
    }
    let mut spare = [0.0f64; N_SECTORS];
    for round in 0..solver.rounds {
        let any_open = set_takes(day, &mut rounds);
        let last = round + 1 == solver.rounds || !any_open;
        if unit {
            solver.take_offers::<true>(
                runs,
                first,
                works,
                day,
                &mut rounds,
                gardens,
                kept,
                last,
                &mut spare,
            );
        } else {
            solver.take_offers::<false>(
                runs,
                first,
                works,
                day,
                &mut rounds,
                gardens,
                kept,
                last,
                &mut spare,
            );
        }
        close_round(day, &mut rounds);
        if last {
            break;
        }
    }
    if day.harvest_extra > 0.0 && day.unfilled[Sector::Agriculture.index()] > EPS_HOURS {
        solver.harvest_extra(runs, first, works, day, &mut spare);
    }
    // Whether each member has ever done undesirable work, once the day's hours are given: a
    // member's hours only grow during the day (every hour added is zero or more), so one of
    // their undesirable sectors' hours is above zero now exactly when it was after any of the
    // rounds. Only those sectors are looked at.
    let mask = &solver.rules.masks.undesirable;
    let undesirable = Listed::above_zero(mask);
    for run in runs {
        for work in &mut works[run.clone()] {
            let mut any = false;
            undesirable.each(|s| any |= work.hours[s] * mask[s] > 0.0);
            work.ever_undesirable |= any;
        }
    }
    spare
}

/// Each sector takes the same share of every offer to it, just enough to fill it; a sector
/// whose offers fell short stays open for the next round. Returns whether any does.
fn set_takes(day: &LabourDay, rounds: &mut Rounds) -> bool {
    let mut any_open = false;
    for s in 0..N_SECTORS {
        let take = if rounds.open[s] > 0.0 && rounds.offered[s] > 0.0 {
            (day.unfilled[s] / rounds.offered[s]).min(1.0)
        } else {
            0.0
        };
        rounds.take[s] = take as f32;
        let still_short =
            rounds.open[s] > 0.0 && day.unfilled[s] - rounds.offered[s] * take > EPS_HOURS;
        rounds.open_next[s] = f32::from(u8::from(still_short));
        any_open |= still_short;
        rounds.offered[s] = 0.0;
    }
    any_open
}

/// After a round: what was filled comes off what is unfilled, and the next round's open
/// sectors become the current ones.
fn close_round(day: &mut LabourDay, rounds: &mut Rounds) {
    for s in 0..N_SECTORS {
        day.unfilled[s] = (day.unfilled[s] - rounds.filled[s]).max(0.0);
        rounds.filled[s] = 0.0;
    }
    rounds.open = rounds.open_next;
}

/// Exchange helpers give their remaining hours to the region's communities short of hands
/// (`exchange_take`, set by [`Scheme::exchange`]): a pass over the persons after every
/// community's rounds.
fn exchange_pass(
    columns: &Columns<'_>,
    works: &mut [Work],
    labour: &mut [LabourDay],
    rules: &Rules,
) {
    let mask = &rules.masks.undesirable;
    let ranges = chunk_ranges(columns.members, 8 * rayon::current_num_threads());
    let chunks = pass(
        columns,
        &ranges,
        works,
        labour,
        |person, vocation, work, day, sums| {
            let rem = remaining(person, vocation, work, day);
            if rem <= 0.0 {
                return;
            }
            let mut gave = false;
            for s in 0..N_SECTORS {
                let h = rem * day.exchange_take[s];
                work.hours[s] += h;
                sums.exchanged += f64::from(h);
                gave |= h > 0.0;
            }
            sums.helpers += u32::from(gave);
            work.ever_undesirable |= work.masked_hours(mask) > 0.0;
        },
    );
    for (c, sums) in chunks.into_iter().flatten() {
        labour[c].exchange_given += sums.exchanged;
        labour[c].exchange_helpers += sums.helpers;
    }
}

/// Who gives and who takes in a region's exchange schemes today.
struct Scheme<'a> {
    regions: &'a Regions,
    /// The undesirable sectors.
    mask: &'a [f32; N_SECTORS],
    /// Under a harvest-help agreement today, which communities are urban, and which regions
    /// are under the agreement.
    harvest_help: Option<(&'a Urban, &'a [bool])>,
    /// Under city help today (`labour.city_help`, outside the growing season), which
    /// communities are urban, and which regions are under the agreement.
    city_help: Option<(&'a Urban, &'a [bool])>,
}

impl Scheme<'_> {
    /// Whether community `c`'s unfilled hours in sector `s` are offered to the region: those of a
    /// community under `exchange` in undesirable sectors and on the farm, under harvest help
    /// those of a rural community's farm, and under city help those of an urban community in
    /// every sector but the farm.
    fn takes(&self, day: &LabourDay, c: usize, s: usize) -> bool {
        let agriculture = s == Sector::Agriculture.index();
        (day.policy == UndesirablePolicy::Exchange && (self.mask[s] > 0.0 || agriculture))
            || (agriculture && self.helps(c, false))
            || (!agriculture && self.city(c, true))
    }

    /// Whether community `c` is under city help today as an urban community (`urban`) or a
    /// rural one.
    fn city(&self, c: usize, urban: bool) -> bool {
        self.city_help
            .is_some_and(|(u, regions)| u.is(c) == urban && regions[self.regions.of(c)])
    }

    /// Whether community `c` is under harvest help today as an urban community (`urban`) or a
    /// rural one.
    fn helps(&self, c: usize, urban: bool) -> bool {
        self.harvest_help
            .is_some_and(|(u, regions)| u.is(c) == urban && regions[self.regions.of(c)])
    }

    /// Exchange schemes: in each region, the work the communities left unfilled that a scheme
    /// covers (see [`Scheme::takes`]) is offered to those of the region with hours to spare:
    /// everyone, where a community of the region is under `exchange`; otherwise, under harvest
    /// help, the members of its urban communities, and under city help those of its rural ones.
    /// It is split over the sectors in proportion to
    /// what is unfilled, and taken as far as it is needed. What helpers do is given to the
    /// communities short in proportion to their shortfall. Sets each community's `exchange_take`
    /// (a share of a helper's spare hours per sector) and reduces the unfilled hours.
    fn exchange(&self, labour: &mut [LabourDay], spare: &[[f64; N_SECTORS]]) {
        for members in self.regions.all() {
            let mut unfilled = [0.0f64; N_SECTORS];
            let mut everyone = false;
            for c in members.clone() {
                let day = &labour[c];
                everyone |= day.policy == UndesirablePolicy::Exchange;
                for s in 0..N_SECTORS {
                    if self.takes(day, c, s) {
                        unfilled[s] += day.unfilled[s];
                    }
                }
            }
            let total: f64 = unfilled.iter().sum();
            if total <= EPS_HOURS {
                continue;
            }
            let gives = |c: usize| everyone || self.helps(c, true) || self.city(c, false);
            let mut share = [0.0f64; N_SECTORS];
            let mut done = [0.0f64; N_SECTORS];
            for s in 0..N_SECTORS {
                let w = unfilled[s] / total;
                let offered: f64 = members
                    .clone()
                    .filter(|&c| gives(c))
                    .map(|c| spare[c][s])
                    .sum::<f64>()
                    * w;
                let take = if offered > 0.0 {
                    (unfilled[s] / offered).min(1.0)
                } else {
                    0.0
                };
                share[s] = w * take;
                done[s] = offered * take;
            }
            for c in members {
                let day = &mut labour[c];
                if gives(c) {
                    day.exchange_take = share.map(|x| x as f32);
                }
                for s in 0..N_SECTORS {
                    if unfilled[s] > 0.0 && self.takes(day, c, s) {
                        let got = done[s] * day.unfilled[s] / unfilled[s];
                        day.unfilled[s] -= got.min(day.unfilled[s]);
                        day.exchange_received += got;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::kernel::components::Appeal;

    #[test]
    fn any_above_zero_is_any_positive() {
        // Every sector alone above zero, and the values that are not above zero (zeros of both
        // signs, negatives, NaN) alone and mixed with one that is.
        for s in 0..N_SECTORS {
            let mut xs = [0.0f32; N_SECTORS];
            xs[s] = f32::from_bits(1); // the smallest subnormal
            assert!(any_above_zero(&xs), "sector {s}");
        }
        let not_above = [
            0.0,
            -0.0,
            -1.0,
            f32::NAN,
            -f32::MIN_POSITIVE,
            f32::NEG_INFINITY,
        ];
        for &x in &not_above {
            let mut xs = [x; N_SECTORS];
            assert!(!any_above_zero(&xs), "{x}");
            xs[N_SECTORS - 1] = 0.5;
            assert!(any_above_zero(&xs), "{x} and 0.5");
        }
        let mut xs = [0.0f32; N_SECTORS];
        xs[..not_above.len()].copy_from_slice(&not_above);
        assert!(!any_above_zero(&xs), "all of them at once");
    }

    #[test]
    fn rota_turns_are_spread_evenly_and_kept() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for cycle in [2u16, 4, 7] {
            let mut counts = vec![0u32; usize::from(cycle)];
            let n = 20_000;
            for _ in 0..n {
                let mut v = Vocation {
                    willing: 4.0,
                    skill: [1.0; N_SECTORS],
                    appeal: Appeal::uniform(0.0),
                };
                for a in &mut v.appeal.0 {
                    *a = rng.random::<u8>();
                }
                let turn = rota_turn(&v, cycle);
                assert!(turn < cycle);
                assert_eq!(turn, rota_turn(&v, cycle), "a turn is kept");
                counts[usize::from(turn)] += 1;
            }
            // Each turn holds 1/cycle of the persons, within 5 binomial standard deviations.
            let p = 1.0 / f64::from(cycle);
            let sd = (f64::from(n) * p * (1.0 - p)).sqrt();
            for c in counts {
                assert!(
                    (f64::from(c) - f64::from(n) * p).abs() < 5.0 * sd,
                    "{cycle}: {c}"
                );
            }
        }
    }

    #[test]
    fn by_rota_a_member_gives_the_cycles_extra_hours_on_their_turn_only() {
        let person = Person::well(AgeClass::Adult);
        let mut v = Vocation {
            willing: 3.0,
            skill: [1.0; N_SECTORS],
            appeal: Appeal::uniform(0.3),
        };
        v.appeal.set(1, 0.7);
        let work = Work::default();
        let mut day = LabourDay {
            extra_willing: [0.5, 0.25],
            max_willing: 10.0,
            ..LabourDay::default()
        };
        assert_eq!(remaining(&person, &v, &work, &day), 3.5, "everyone");
        day.rota_cycle = 4;
        let turn = rota_turn(&v, 4);
        let days: Vec<f32> = (0..8)
            .map(|t| {
                day.rota_turn = t % 4;
                remaining(&person, &v, &work, &day)
            })
            .collect();
        for (t, r) in days.iter().enumerate() {
            let expected = if t as u16 % 4 == turn { 5.0 } else { 3.0 };
            assert_eq!(*r, expected, "day {t}");
        }
        // Over a cycle the same extra hours as everyone's, unless the cap binds.
        assert_eq!(days[..4].iter().sum::<f32>(), 4.0 * 3.5);
        day.max_willing = 4.0;
        day.rota_turn = turn;
        assert_eq!(remaining(&person, &v, &work, &day), 4.0, "capped");
    }

    #[test]
    fn offers_go_only_to_short_sectors_in_proportion_to_appeal() {
        let mut appeal = [0.0f32; N_SECTORS];
        appeal[0] = 0.99;
        appeal[1] = 0.49;
        let mut short = [0.0f32; N_SECTORS];
        short[0] = 1.0;
        short[1] = 1.0;
        let o = offers(&appeal, 3.0, &short);
        assert!((o[0] + o[1] - 3.0).abs() < 1e-6);
        assert!((o[0] / o[1] - 2.0).abs() < 1e-5);
        assert!(o[2..].iter().all(|x| *x == 0.0));
        short[0] = 0.0;
        let o = offers(&appeal, 3.0, &short);
        assert_eq!(o[0], 0.0);
        assert!((o[1] - 3.0).abs() < 1e-6);
        assert_eq!(offers(&appeal, 0.0, &short), [0.0; N_SECTORS]);
    }

    #[test]
    fn in_a_swap_season_sedentary_workers_take_undesirable_work_as_their_own() {
        let mut appeal = [0.1f32; N_SECTORS];
        appeal[5] = 0.9;
        let v = Vocation {
            willing: 4.0,
            skill: [1.0; N_SECTORS],
            appeal: Appeal::from_levels(appeal),
        };
        let mut masks = Masks {
            undesirable: [0.0; N_SECTORS],
            sedentary: [0.0; N_SECTORS],
            undesirable_appeal: 0.2,
        };
        masks.undesirable[3] = 1.0;
        masks.sedentary[5] = 1.0;
        let mut day = LabourDay {
            appeal_scale: [1.0; N_SECTORS],
            ..LabourDay::default()
        };
        day.appeal_scale[3] = 0.2;
        assert!(is_sedentary(&v, &masks.sedentary));
        let before = weights(&v, &day, &masks);
        // Appeal is kept in 256 steps: 0.1 reads as 25.5 / 256, 0.9 as 230.5 / 256.
        let (low, high) = (v.appeal.get(3), v.appeal.get(5));
        assert!((low - 0.1).abs() < 1.0 / 256.0 && (high - 0.9).abs() < 1.0 / 256.0);
        assert!((before[3] - 0.2 * low).abs() < 1e-6 && (before[5] - high).abs() < 1e-6);
        day.swap_today = true;
        let after = weights(&v, &day, &masks);
        assert!(
            (after[3] - high).abs() < 1e-6,
            "undesirable work weighs as their vocation"
        );
        assert!(
            (after[5] - 0.2 * high).abs() < 1e-6,
            "their own work as undesirable work"
        );
        assert_eq!(after[0], before[0]);
        // Someone whose vocation is not sedentary does not swap.
        let mut other = v;
        other.appeal.set(5, 0.0);
        other.appeal.set(0, 0.9);
        assert_eq!(weights(&other, &day, &masks)[3], before[3]);
    }
}
