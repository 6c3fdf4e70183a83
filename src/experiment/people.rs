//! Per-person totals over a run, for the distribution of work hours and the Lorenz curve of need
//! satisfaction. They are read off the world after each tick (the model keeps only the day's
//! figures per person), so they cost a pass over the persons a day and are gathered only when
//! plots are wanted. A run of at most [`PERSON_ROWS`] persons writes them one row per person
//! (`people.parquet`, [`people_frame`]); a bigger one writes exact quantiles of each
//! distribution instead (`people_quantiles.parquet`, [`quantile_frame`]).

use bevy_ecs::prelude::*;
use polars::prelude::{Column, DataFrame, PolarsResult};
use rayon::prelude::*;

use crate::analysis::quantiles::{self, PERSON_FIGURES, STEPS};
use crate::model::Simulation;
use crate::model::kernel::calendar::YEAR;
use crate::model::kernel::components::{AgeClass, Person, Work};

/// The most persons a run writes one row each for (`people.parquet`) unless told otherwise
/// (`commune run --person-rows`). Up to here the file is at most about 1.5 MB and its table
/// 8 MB in memory; a million rows make a 14 MB file, and its table and the plots read from it
/// held over 200 MB at once. Above it, [`quantile_frame`] is written instead.
pub const PERSON_ROWS: usize = 100_000;

/// One person's totals over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PersonTotals {
    /// Whether the person was an adult (not a child or elder) at the end.
    pub adult: bool,
    /// Days the person was a well adult (the base of the work-hours statistics).
    pub able_days: u32,
    /// Hours worked on those days (h).
    pub work_hours: f64,
    /// Food needed over the run (kg).
    pub need_kg: f64,
    /// Food delivered over the run (kg).
    pub delivered_kg: f64,
    /// Age when last seen (days; 0 without `[demography]`).
    pub age_days: u16,
    /// A woman (drawn only with `[demography]`).
    pub female: bool,
}

impl PersonTotals {
    /// Mean hours worked per day as a well adult (NaN if never one).
    pub fn work_hours_per_day(&self) -> f64 {
        if self.able_days == 0 {
            f64::NAN
        } else {
            self.work_hours / f64::from(self.able_days)
        }
    }

    /// Food delivered over food needed (NaN if nothing was needed).
    pub fn satisfaction(&self) -> f64 {
        if self.need_kg > 0.0 {
            self.delivered_kg / self.need_kg
        } else {
            f64::NAN
        }
    }
}

/// Accumulates [`PersonTotals`] tick by tick.
#[derive(Default)]
pub struct People {
    entities: Vec<Entity>,
    totals: Vec<PersonTotals>,
    /// Each entity's slot in `entities` and `totals`, by the entity's index (`u32::MAX`: none).
    /// An index freed by a death is reused with a new generation, so a slot is trusted only if
    /// `entities` holds the very entity there. (4 bytes a person, where a `HashMap` took about 36.)
    slots: Vec<u32>,
    /// One bit per slot: seen on the last day observed, so alive at the end (a bit rather than
    /// the day last seen in [`PersonTotals`], which keeps a person's totals at 32 bytes).
    seen_today: Vec<u64>,
    /// Days observed.
    days: u32,
}

impl People {
    /// Adds the day just stepped. Persons are visited table by table, in the same order every
    /// day unless someone joins: a table whose persons are the ones already seen at the same
    /// places is added in parallel (each person's totals are their own, so the result does not
    /// depend on the threads); otherwise persons are matched one by one through the map.
    pub fn observe(&mut self, sim: &mut Simulation) {
        self.days += 1;
        self.seen_today.fill(0);
        let world = sim.world_mut();
        let mut query = world.query::<(Entity, &Person, &Work)>();
        let Ok(tables) = query.contiguous_iter(world) else {
            unreachable!("a query of components is always dense");
        };
        let mut offset = 0;
        for (entities, persons, works) in tables {
            let n = entities.len();
            if self
                .entities
                .get(offset..offset + n)
                .is_some_and(|seen| same_entities(seen, entities))
            {
                self.totals[offset..offset + n]
                    .par_chunks_mut(4096)
                    .enumerate()
                    .for_each(|(k, chunk)| {
                        for (j, t) in chunk.iter_mut().enumerate() {
                            let i = k * 4096 + j;
                            add(t, &persons[i], &works[i]);
                        }
                    });
                mark(&mut self.seen_today, offset..offset + n);
            } else {
                for i in 0..n {
                    let entity = entities[i];
                    let slot = if self.entities.get(offset + i) == Some(&entity) {
                        offset + i
                    } else if let Some(slot) = self.slot_of(entity) {
                        slot
                    } else {
                        self.entities.push(entity);
                        self.totals.push(PersonTotals::default());
                        let slot = self.totals.len() - 1;
                        let at = entity.index_u32() as usize;
                        if self.slots.len() <= at {
                            self.slots.resize(at + 1, u32::MAX);
                        }
                        self.slots[at] = u32::try_from(slot).expect("fewer than 2^32 persons");
                        slot
                    };
                    add(&mut self.totals[slot], &persons[i], &works[i]);
                    mark(&mut self.seen_today, slot..slot + 1);
                }
            }
            offset += n;
        }
    }

    /// The slot of a person seen before.
    fn slot_of(&self, entity: Entity) -> Option<usize> {
        let slot = *self.slots.get(entity.index_u32() as usize)? as usize;
        (self.entities.get(slot) == Some(&entity)).then_some(slot)
    }

    /// Bytes held per person seen (totals, entity and slot; and a bit, left out), for
    /// `--profile`.
    pub fn bytes_per_person(&self) -> usize {
        std::mem::size_of::<PersonTotals>()
            + std::mem::size_of::<Entity>()
            + std::mem::size_of::<u32>()
    }

    /// Everyone's totals, in the order first seen.
    pub fn totals(&self) -> &[PersonTotals] {
        &self.totals
    }

    /// Whether the person of slot `slot` (their place in [`People::totals`]) was alive on the
    /// last day observed: seen that day.
    pub fn alive(&self, slot: usize) -> bool {
        self.seen_today
            .get(slot / 64)
            .is_some_and(|w| w >> (slot % 64) & 1 == 1)
    }
}

/// Whether two tables' entities are the same, in the same order: compared in pieces on rayon
/// (8 bytes a person, 8 MB a day at a million persons).
fn same_entities(a: &[Entity], b: &[Entity]) -> bool {
    const PIECE: usize = 16_384;
    a.len() == b.len()
        && a.par_chunks(PIECE)
            .zip(b.par_chunks(PIECE))
            .all(|(x, y)| x == y)
}

/// Marks the slots of `range` seen today, growing `bits` as needed: whole words at a time (a
/// million persons are 15,625 words, where setting each bit on its own took a million
/// read-modify-writes of the same few words).
fn mark(bits: &mut Vec<u64>, range: std::ops::Range<usize>) {
    if range.is_empty() {
        return;
    }
    let words = range.end.div_ceil(64);
    if bits.len() < words {
        bits.resize(words, 0);
    }
    let (first, last) = (range.start / 64, (range.end - 1) / 64);
    for (w, word) in bits.iter_mut().enumerate().take(last + 1).skip(first) {
        // The bits of this word within the range: from `lo` to `hi` inclusive.
        let lo = if w == first { range.start % 64 } else { 0 };
        let hi = if w == last { (range.end - 1) % 64 } else { 63 };
        *word |= (u64::MAX >> (63 - hi)) & (u64::MAX << lo);
    }
}

/// `people.parquet`: each person's totals over the run, one row each, in the order first seen.
pub fn people_frame(people: &People) -> PolarsResult<DataFrame> {
    let t = people.totals();
    DataFrame::new(
        t.len(),
        vec![
            Column::new("person".into(), (0..t.len() as i64).collect::<Vec<_>>()),
            Column::new(
                "adult".into(),
                t.iter().map(|p| i64::from(p.adult)).collect::<Vec<_>>(),
            ),
            Column::new(
                "able_days".into(),
                t.iter().map(|p| i64::from(p.able_days)).collect::<Vec<_>>(),
            ),
            Column::new(
                "work_hours_per_day".into(),
                t.iter().map(|p| p.work_hours_per_day()).collect::<Vec<_>>(),
            ),
            Column::new(
                "need_kg".into(),
                t.iter().map(|p| p.need_kg).collect::<Vec<_>>(),
            ),
            Column::new(
                "delivered_kg".into(),
                t.iter().map(|p| p.delivered_kg).collect::<Vec<_>>(),
            ),
            Column::new(
                "need_satisfaction".into(),
                t.iter().map(|p| p.satisfaction()).collect::<Vec<_>>(),
            ),
            Column::new(
                "alive".into(),
                (0..t.len())
                    .map(|i| i64::from(people.alive(i)))
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "age_years".into(),
                t.iter().map(age_years).collect::<Vec<_>>(),
            ),
            Column::new(
                "female".into(),
                t.iter().map(|p| i64::from(p.female)).collect::<Vec<_>>(),
            ),
        ],
    )
}

fn age_years(p: &PersonTotals) -> f64 {
    f64::from(p.age_days) / f64::from(YEAR)
}

/// The values of figure `f` of [`PERSON_FIGURES`], of the persons it covers (non-finite ones are left
/// out by the quantiles): hours per day of adults, as the histogram of `people.parquet` takes them.
fn figure_values(people: &People, f: usize) -> Vec<f64> {
    let t = people.totals();
    match f {
        0 => t
            .iter()
            .filter(|p| p.adult)
            .map(PersonTotals::work_hours_per_day)
            .collect(),
        1 => t.iter().map(PersonTotals::satisfaction).collect(),
        2 => t.iter().map(|p| p.need_kg).collect(),
        3 => t.iter().map(|p| p.delivered_kg).collect(),
        _ => t
            .iter()
            .enumerate()
            .filter(|&(i, p)| people.alive(i) && p.female == (f == 4))
            .map(|(_, p)| age_years(p))
            .collect(),
    }
}

/// `people_quantiles.parquet`: for each of [`PERSON_FIGURES`], its exact quantiles at 0, 1/1000, ...,
/// 1 ([`quantiles::distribution`]), one row each: `figure`, `persons` (how many it covers),
/// `quantile`, `rank` (0-based, ascending), `value`, `cumulative_share` (its Lorenz curve
/// there) and `gini` (of the whole distribution, the same on each of its rows). A figure that
/// covers no one has no rows.
pub fn quantile_frame(people: &People) -> PolarsResult<DataFrame> {
    let mut figure = Vec::new();
    let mut persons = Vec::new();
    let mut quantile = Vec::new();
    let mut rank = Vec::new();
    let mut value = Vec::new();
    let mut share = Vec::new();
    let mut gini = Vec::new();
    for (f, name) in PERSON_FIGURES.iter().enumerate() {
        // One distribution at a time: its values and its Lorenz curve are dropped before the next.
        let d = quantiles::distribution(&figure_values(people, f), STEPS);
        for q in &d.quantiles {
            figure.push(*name);
            persons.push(d.persons as i64);
            quantile.push(q.quantile);
            rank.push(q.rank as i64);
            value.push(q.value);
            share.push(q.cumulative_share);
            gini.push(d.gini);
        }
    }
    DataFrame::new(
        figure.len(),
        vec![
            Column::new("figure".into(), figure),
            Column::new("persons".into(), persons),
            Column::new("quantile".into(), quantile),
            Column::new("rank".into(), rank),
            Column::new("value".into(), value),
            Column::new("cumulative_share".into(), share),
            Column::new("gini".into(), gini),
        ],
    )
}

/// Adds a person's day to their totals.
#[inline]
fn add(t: &mut PersonTotals, person: &Person, work: &Work) {
    t.adult = person.age == AgeClass::Adult;
    t.age_days = person.age_days;
    t.female = person.female;
    if person.is_able_adult() {
        t.able_days += 1;
        t.work_hours += f64::from(work.total());
    }
    t.need_kg += f64::from(person.ration.need);
    t.delivered_kg += f64::from(person.ration.delivered);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Params;

    #[test]
    fn totals_cover_everyone_and_add_up_to_the_metrics() {
        let mut p = Params::default();
        p.population.persons_per_community = 60;
        let mut sim = Simulation::new(p, 3);
        let mut people = People::default();
        let mut eaten = 0.0;
        for _ in 0..30 {
            eaten += sim.step().food_eaten_kg;
            people.observe(&mut sim);
        }
        let totals = people.totals();
        assert_eq!(totals.len(), 60);
        let delivered: f64 = totals.iter().map(|t| t.delivered_kg).sum();
        assert!(
            (delivered - eaten).abs() < 1e-3 * eaten,
            "{delivered} {eaten}"
        );
        assert!(totals.iter().any(|t| t.able_days > 0 && t.work_hours > 0.0));
    }

    #[test]
    fn a_person_is_alive_if_seen_on_the_last_day_and_totals_take_32_bytes() {
        assert_eq!(std::mem::size_of::<PersonTotals>(), 32);
        let mut p = Params::default();
        p.population.persons_per_community = 130;
        let mut sim = Simulation::new(p, 5);
        let mut people = People::default();
        sim.step();
        people.observe(&mut sim);
        assert!((0..130).all(|i| people.alive(i)));
        // Two persons leave the world (one in the first word of the bits, one in the third):
        // the table's order changes, so the persons are matched one by one from then on.
        let world = sim.world_mut();
        let gone: Vec<Entity> = world
            .query_filtered::<Entity, With<Person>>()
            .iter(world)
            .enumerate()
            .filter(|(i, _)| *i == 3 || *i == 129)
            .map(|(_, e)| e)
            .collect();
        for e in &gone {
            world.despawn(*e);
        }
        sim.step();
        people.observe(&mut sim);
        assert_eq!(people.totals().len(), 130);
        let dead: Vec<usize> = (0..130).filter(|&i| !people.alive(i)).collect();
        assert_eq!(dead, [3, 129]);
        // The dead keep their totals, over the one day they were seen.
        assert!(people.totals()[3].need_kg > 0.0);
        let frame = people_frame(&people).unwrap();
        let alive = frame.column("alive").unwrap().i64().unwrap();
        assert_eq!((0..130).filter_map(|i| alive.get(i)).sum::<i64>(), 128);
        assert_eq!(alive.get(3), Some(0));
        assert_eq!(alive.get(129), Some(0));
    }

    /// Marking a range word by word sets the bits that setting each slot's bit would, and no
    /// others, whatever the range's ends within their words and whatever was set before.
    #[test]
    fn marking_a_range_sets_its_bits_and_no_others() {
        let before = [0x8000_0000_0000_0001u64, 0, 0x00f0_0000_0000_0f00, 0];
        for start in 0..200 {
            for end in start..=256 {
                let mut words = before.to_vec();
                mark(&mut words, start..end);
                let mut bits = before.to_vec();
                for slot in start..end {
                    bits[slot / 64] |= 1 << (slot % 64);
                }
                assert_eq!(words, bits, "{start}..{end}");
            }
        }
        // The bitset grows to hold the range.
        let mut short = vec![1u64];
        mark(&mut short, 130..131);
        assert_eq!(short, [1, 0, 1 << 2]);
    }

    #[test]
    fn entities_compare_piece_by_piece() {
        let mut world = World::new();
        let a: Vec<Entity> = (0..40_000).map(|_| world.spawn_empty().id()).collect();
        let mut b = a.clone();
        assert!(same_entities(&a, &b));
        b[33_000] = a[0];
        assert!(!same_entities(&a, &b));
        assert!(!same_entities(&a, &a[1..]));
    }
}
