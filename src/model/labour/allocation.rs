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

use crate::model::guilds::{Agreement, Guild};
use crate::model::kernel::calendar::{Calendar, Clock};
use crate::model::kernel::chunks::{chunk_ranges, map_pieces, split_by};
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
        w[s] = vocation.appeal[s] * day.appeal_scale[s];
    }
    if day.swap_today && is_sedentary(vocation, &masks.sedentary) {
        let best = vocation.appeal.iter().copied().fold(0.0f32, f32::max);
        for s in 0..N_SECTORS {
            if masks.undesirable[s] > 0.0 {
                w[s] = best;
            } else if masks.sedentary[s] > 0.0 {
                w[s] = vocation.appeal[s] * masks.undesirable_appeal;
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
        if vocation.appeal[s] > vocation.appeal[best] {
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
    /// Skill of the able adults in each sector (for sharing a rota).
    skill: [f64; N_SECTORS],
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

/// Adds a person's offers to the sectors in `open` to their community's sums (effective hours).
#[inline(always)]
fn add_offers(
    person: &Person,
    vocation: &Vocation,
    work: &Work,
    day: &LabourDay,
    open: &[f32; N_SECTORS],
    weights: &[f32; N_SECTORS],
    sums: &mut Sums,
) {
    let o = offers(weights, remaining(person, vocation, work, day), open);
    for s in 0..N_SECTORS {
        sums.offered[s] += f64::from(o[s] / day.counts_as[s] * vocation.skill[s]);
    }
}

/// Adds each community's sums to its ledger entry, in a fixed order.
fn add_sums(labour: &mut [LabourDay], food: &mut [FoodDay], chunks: Vec<Vec<(usize, Sums)>>) {
    for (c, sums) in chunks.into_iter().flatten() {
        let day = &mut labour[c];
        for s in 0..N_SECTORS {
            day.offered[s] += sums.offered[s];
            day.filled[s] += sums.filled[s];
        }
        food[c].gardens_tended += sums.gardens;
        for g in 0..N_GOODS {
            day.guild_hours[g] += sums.guild[g];
        }
        day.exchange_given += sums.exchanged;
        day.art_hours += sums.art;
        day.exchange_helpers += sums.helpers;
    }
}

/// Remaining willing hours of a person today: an hour of work uses `counts_as` hours of
/// willingness (1, or more for undesirable work under an incentive).
#[inline(always)]
fn remaining(person: &Person, vocation: &Vocation, work: &Work, day: &LabourDay) -> f32 {
    if person.can_work() && !person.artist {
        let mut used = [0.0f32; N_SECTORS];
        for s in 0..N_SECTORS {
            used[s] = work.hours[s] * day.counts_as[s];
        }
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
            willing = (willing + extra).min(day.max_willing.max(willing));
        }
        (willing - lane_sum(&used) - work.garden - work.training - work.research).max(0.0)
    } else {
        0.0
    }
}

/// A person's turn in a rota of `cycle` days (`economy.longer_by = "rota"`): a number in
/// `0..cycle`, the same all their life, made from the bits of their appeal draws (which are
/// drawn once and never change) by a multiplicative hash, so it needs no state of its own and
/// does not depend on which work appeals to them.
#[inline]
pub fn rota_turn(vocation: &Vocation, cycle: u16) -> u16 {
    let bits = vocation.appeal[0].to_bits() ^ vocation.appeal[1].to_bits().rotate_left(16);
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
    let any_rota = labour.iter().any(|d| d.policy == UndesirablePolicy::Rota);
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
    let any_exchange = harvest_help
        || labour
            .iter()
            .any(|d| d.policy == UndesirablePolicy::Exchange);
    for day in labour.iter_mut() {
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
        let mut table = Table {
            ranges: chunk_ranges(columns.members, target),
            columns,
            works: works.bypass_change_detection(),
            labour: &mut labour,
            food: &mut food,
        };
        if any_rota {
            table.share_rota(&rules);
        }
        table.first_pass(&rules);
        for round in 0..rounds {
            let any_open = set_takes(table.labour);
            let last = round + 1 == rounds || !any_open;
            let spare = table.take_offers(&rules, last, any_exchange);
            close_round(table.labour);
            if last {
                if any_exchange {
                    let scheme = Scheme {
                        regions: &regions,
                        mask: &rules.masks.undesirable,
                        harvest_help: harvest_help.then_some((&*urban, &helping[..])),
                    };
                    scheme.exchange(table.labour, &spare);
                    table.exchange_pass(&rules);
                }
                break;
            }
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

/// One table of persons, split into ranges of whole communities, and the ledgers its passes
/// add to.
struct Table<'a, 'c> {
    columns: Columns<'c>,
    ranges: Vec<Range<usize>>,
    works: &'a mut [Work],
    labour: &'a mut [LabourDay],
    food: &'a mut [FoodDay],
}

impl Table<'_, '_> {
    /// A pass over this table's persons (see [`pass`]).
    fn pass<F>(&mut self, visit: F) -> Vec<Vec<(usize, Sums)>>
    where
        F: Fn(&Person, &Vocation, &mut Work, &LabourDay, &mut Sums) + Sync,
    {
        pass(&self.columns, &self.ranges, self.works, self.labour, visit)
    }

    /// Shares each rota community's undesirable work equally over its able adults' skills.
    fn share_rota(&mut self, rules: &Rules) {
        let mask = rules.masks.undesirable;
        let chunks = self.pass(|person, vocation, _, day, sums| {
            if day.policy == UndesirablePolicy::Rota && person.is_able_adult() && !person.artist {
                for s in 0..N_SECTORS {
                    sums.skill[s] += f64::from(vocation.skill[s] * mask[s]);
                }
            }
        });
        // A community may appear in more than one chunk (newcomers are stored apart).
        let mut skill = vec![[0.0f64; N_SECTORS]; self.labour.len()];
        for (c, sums) in chunks.into_iter().flatten() {
            for s in 0..N_SECTORS {
                skill[c][s] += sums.skill[s];
            }
        }
        for (day, skill) in self.labour.iter_mut().zip(&skill) {
            for s in 0..N_SECTORS {
                if mask[s] > 0.0 && skill[s] > 0.0 {
                    day.rota_hours[s] = ((day.unfilled[s] / skill[s]) as f32).min(rules.max_hours);
                    // The rota takes the sector; volunteers go elsewhere.
                    day.open[s] = 0.0;
                }
            }
        }
    }

    /// The first pass: gardens, art, rota, guilds, and the first round's offers.
    fn first_pass(&mut self, rules: &Rules) {
        let masks = &rules.masks;
        let chunks = self.pass(|person, vocation, work, day, sums| {
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
            if day.policy == UndesirablePolicy::Rota && person.is_able_adult() && !person.artist {
                for s in 0..N_SECTORS {
                    let h = day.rota_hours[s];
                    work.hours[s] += h;
                    sums.filled[s] += f64::from(h * vocation.skill[s]);
                }
            }
            if person.guild > 0 && person.can_work() {
                let g = usize::from(person.guild - 1);
                if day.guild_open[g] {
                    let s = 2 + g;
                    let h = rules
                        .guild_hours
                        .min(remaining(person, vocation, work, day));
                    work.hours[s] += h;
                    sums.guild[g] += f64::from(h * vocation.skill[s]);
                }
            }
            let w = weights(vocation, day, masks);
            add_offers(person, vocation, work, day, &day.open, &w, sums);
        });
        add_sums(self.labour, self.food, chunks);
    }

    /// Takes this round's offers and, unless this is the `last` round, makes the next round's;
    /// in the last round, with an exchange scheme anywhere, sums each community's spare hours
    /// (effective hours, per sector), which it returns (empty otherwise).
    fn take_offers(
        &mut self,
        rules: &Rules,
        last: bool,
        any_exchange: bool,
    ) -> Vec<[f64; N_SECTORS]> {
        let (masks, mask) = (&rules.masks, &rules.masks.undesirable);
        let chunks = self.pass(|person, vocation, work, day, sums| {
            let w = weights(vocation, day, masks);
            let o = offers(&w, remaining(person, vocation, work, day), &day.open);
            for s in 0..N_SECTORS {
                let hours = o[s] / day.counts_as[s] * day.take[s];
                work.hours[s] += hours;
                sums.filled[s] += f64::from(hours * vocation.skill[s]);
            }
            if !last {
                add_offers(person, vocation, work, day, &day.open_next, &w, sums);
            }
            if any_exchange && last {
                let rem = remaining(person, vocation, work, day);
                for s in 0..N_SECTORS {
                    sums.spare[s] += f64::from(rem * vocation.skill[s]);
                }
            }
            work.ever_undesirable |= work.masked_hours(mask) > 0.0;
        });
        let mut spare = Vec::new();
        if any_exchange && last {
            spare = vec![[0.0f64; N_SECTORS]; self.labour.len()];
            for (c, sums) in chunks.iter().flatten() {
                for s in 0..N_SECTORS {
                    spare[*c][s] += sums.spare[s];
                }
            }
        }
        add_sums(self.labour, self.food, chunks);
        spare
    }

    /// Exchange helpers give their remaining hours to the region's communities short of hands
    /// (`exchange_take`, set by [`exchange`]).
    fn exchange_pass(&mut self, rules: &Rules) {
        let mask = &rules.masks.undesirable;
        let chunks = self.pass(|person, vocation, work, day, sums| {
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
        });
        add_sums(self.labour, self.food, chunks);
    }
}

/// Each community takes the same share of every offer to a sector, just enough to fill it; a
/// sector whose offers fell short stays open for the next round. Returns whether any does.
fn set_takes(labour: &mut [LabourDay]) -> bool {
    let mut any_open = false;
    for day in labour.iter_mut() {
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
    any_open
}

/// After a round: what was filled comes off what is unfilled, and the next round's open
/// sectors become the current ones.
fn close_round(labour: &mut [LabourDay]) {
    for day in labour.iter_mut() {
        for s in 0..N_SECTORS {
            day.unfilled[s] = (day.unfilled[s] - day.filled[s]).max(0.0);
            day.filled[s] = 0.0;
        }
        day.open = day.open_next;
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
}

impl Scheme<'_> {
    /// Whether community `c`'s unfilled hours in sector `s` are offered to the region: those of a
    /// community under `exchange` in undesirable sectors and on the farm, and under harvest help
    /// those of a rural community's farm.
    fn takes(&self, day: &LabourDay, c: usize, s: usize) -> bool {
        let agriculture = s == Sector::Agriculture.index();
        (day.policy == UndesirablePolicy::Exchange && (self.mask[s] > 0.0 || agriculture))
            || (agriculture && self.helps(c, false))
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
    /// help, the members of its urban communities. It is split over the sectors in proportion to
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
            let gives = |c: usize| everyone || self.helps(c, true);
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
                    appeal: [0.0; N_SECTORS],
                };
                for a in &mut v.appeal {
                    *a = rng.random::<f32>();
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
            appeal: [0.3; N_SECTORS],
        };
        v.appeal[1] = 0.7;
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
            appeal,
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
        assert!((before[3] - 0.02).abs() < 1e-6 && (before[5] - 0.9).abs() < 1e-6);
        day.swap_today = true;
        let after = weights(&v, &day, &masks);
        assert!(
            (after[3] - 0.9).abs() < 1e-6,
            "undesirable work weighs as their vocation"
        );
        assert!(
            (after[5] - 0.18).abs() < 1e-6,
            "their own work as undesirable work"
        );
        assert_eq!(after[0], before[0]);
        // Someone whose vocation is not sedentary does not swap.
        let mut other = v;
        other.appeal[5] = 0.0;
        other.appeal[0] = 0.9;
        assert_eq!(weights(&other, &day, &masks)[3], before[3]);
    }
}
