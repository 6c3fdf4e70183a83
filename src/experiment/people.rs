//! Per-person totals over a run, for the distribution of work hours and the Lorenz curve of need
//! satisfaction. They are read off the world after each tick (the model keeps only the day's
//! figures per person), so they cost a pass over the persons a day and are gathered only when
//! plots are wanted.

use bevy_ecs::prelude::*;
use rayon::prelude::*;

use crate::model::Simulation;
use crate::model::kernel::components::{AgeClass, Person, Ration, Work};

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
    /// Days observed so far when the person was last seen: alive at the end if that is every day.
    pub seen: u32,
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
    index: std::collections::HashMap<Entity, usize>,
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
        let day = self.days;
        let world = sim.world_mut();
        let mut query = world.query::<(Entity, &Person, &Work, &Ration)>();
        let Ok(tables) = query.contiguous_iter(world) else {
            unreachable!("a query of components is always dense");
        };
        let mut offset = 0;
        for (entities, persons, works, rations) in tables {
            let n = entities.len();
            if self.entities.get(offset..offset + n) == Some(entities) {
                self.totals[offset..offset + n]
                    .par_chunks_mut(4096)
                    .enumerate()
                    .for_each(|(k, chunk)| {
                        for (j, t) in chunk.iter_mut().enumerate() {
                            let i = k * 4096 + j;
                            add(t, &persons[i], &works[i], &rations[i], day);
                        }
                    });
            } else {
                for i in 0..n {
                    let entity = entities[i];
                    let slot = if self.entities.get(offset + i) == Some(&entity) {
                        offset + i
                    } else if let Some(&slot) = self.index.get(&entity) {
                        slot
                    } else {
                        self.entities.push(entity);
                        self.totals.push(PersonTotals::default());
                        let slot = self.totals.len() - 1;
                        self.index.insert(entity, slot);
                        slot
                    };
                    add(
                        &mut self.totals[slot],
                        &persons[i],
                        &works[i],
                        &rations[i],
                        day,
                    );
                }
            }
            offset += n;
        }
    }

    /// Everyone's totals, in the order first seen.
    pub fn totals(&self) -> &[PersonTotals] {
        &self.totals
    }

    /// Whether the person with these totals was alive on the last day observed.
    pub fn alive(&self, t: &PersonTotals) -> bool {
        t.seen == self.days
    }
}

/// Adds a person's day to their totals.
#[inline]
fn add(t: &mut PersonTotals, person: &Person, work: &Work, ration: &Ration, day: u32) {
    t.adult = person.age == AgeClass::Adult;
    t.age_days = person.age_days;
    t.female = person.female;
    t.seen = day;
    if person.is_able_adult() {
        t.able_days += 1;
        t.work_hours += f64::from(work.total());
    }
    t.need_kg += f64::from(ration.need);
    t.delivered_kg += f64::from(ration.delivered);
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
}
