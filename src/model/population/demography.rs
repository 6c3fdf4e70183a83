//! Demography (`[demography]`): everyone ages a day a day; each day a person may die, and a
//! woman may give birth, at the rates of their age and sex in the life table
//! ([`crate::model::kernel::life_table`]). Children join the labour pool at `adult_age`, adults
//! retire at `retirement_age`.
//!
//! The day's pass runs over every person in table order, each drawing from their community's
//! own stream, and then removes the dead and adds the newborn in that order, so the day is the
//! same on any number of threads. A death removes the person's entity; a newborn is spawned in
//! its mother's community. Needs, labour, housing and the metrics count persons every day, so
//! they follow without further ado.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::model::kernel::calendar::YEAR;
use crate::model::kernel::components::{AgeClass, Draws, Member, Person, Vocation};
use crate::model::kernel::decisions::Values;
use crate::model::kernel::households::{Household, Households, NONE};
use crate::model::kernel::life_table::{LifeTable, MAX_AGE_YEARS};
use crate::model::kernel::params::Params;
use crate::model::kernel::params::demography::InitialAges;
use crate::model::kernel::rng::{Purpose, stream, streams};

/// Each community's stream of births and deaths, indexed by community id.
#[derive(Resource)]
pub struct DemographyRngs(pub Vec<ChaCha8Rng>);

impl DemographyRngs {
    pub fn new(seed: u64, communities: u32) -> Self {
        Self(streams(seed, Purpose::Demography, communities))
    }
}

/// Today's births, deaths and moves (`population::moves`) in each community, indexed by
/// community id.
#[derive(Resource, Clone, Debug, Default)]
pub struct Vitals {
    pub births: Vec<u32>,
    pub deaths: Vec<u32>,
    pub moves_in: Vec<u32>,
    pub moves_out: Vec<u32>,
    /// Persons who moved here today to join a relative household (with households).
    pub family_moves: Vec<u32>,
    /// Persons who moved here today to join a guild (`population.guild_move_rate`).
    pub guild_moves: Vec<u32>,
}

impl Vitals {
    pub fn new(communities: usize) -> Self {
        Self {
            births: vec![0; communities],
            deaths: vec![0; communities],
            moves_in: vec![0; communities],
            moves_out: vec![0; communities],
            family_moves: vec![0; communities],
            guild_moves: vec![0; communities],
        }
    }
}

/// The stage of life of a person `age_days` old.
pub fn stage(params: &Params, age_days: u16) -> AgeClass {
    let years = u32::from(age_days) / YEAR;
    if years < params.demography.adult_age {
        AgeClass::Child
    } else if years < params.demography.retirement_age {
        AgeClass::Adult
    } else {
        AgeClass::Elder
    }
}

/// Moves a person to stage `age`: the willing hours of that stage, and a garden plot drawn for a
/// newly grown-up child (children keep none).
fn enter_stage(
    params: &Params,
    age: AgeClass,
    person: &mut Person,
    vocation: &mut Vocation,
    draws: &mut Draws,
    rng: &mut ChaCha8Rng,
) {
    person.age = age;
    vocation.willing = draws.willing(&params.labour, age);
    if age == AgeClass::Child {
        draws.garden_u = f32::NAN;
    } else if draws.garden_u.is_nan() {
        draws.garden_u = Draws::unit(rng.random::<f64>());
    }
    person.gardener = draws.gardener(params.food.garden_share);
}

/// Gives the persons of one community, drawn for day 0, their sexes and ages, from their own
/// stream (`Purpose::Ages`) so that their other draws are those of a run without demography.
pub(crate) fn found(
    params: &Params,
    table: &LifeTable,
    seed: u64,
    community: u32,
    persons: &mut [super::setup::PersonBundle],
) {
    let mut rng = stream(seed, Purpose::Ages, u64::from(community));
    let d = &params.demography;
    let girls = table.girls_share();
    for (_, person, vocation, _, draws) in persons.iter_mut() {
        match d.initial_ages {
            InitialAges::Classes => {
                person.female = rng.random::<f64>() < girls;
                let (lo, hi) = match person.age {
                    AgeClass::Child => (0, d.adult_age),
                    AgeClass::Adult => (d.adult_age, d.retirement_age),
                    AgeClass::Elder => (d.retirement_age, d.retirement_age.max(100)),
                };
                person.age_days = rng.random_range(lo * YEAR..hi.max(lo + 1) * YEAR) as u16;
            }
            InitialAges::Stable => {
                let (female, age_days) = table.draw_stable(&mut rng);
                person.female = female;
                person.age_days = age_days;
                let age = stage(params, age_days);
                if age != person.age {
                    enter_stage(params, age, person, vocation, draws, &mut rng);
                }
            }
        }
    }
}

/// The day's ageing, deaths and births (the first system of [`crate::model::Phase::Life`]). The
/// dead are removed and the newborn added by `commands`, in the order found, when the system
/// ends.
#[allow(clippy::too_many_arguments)]
pub fn live_a_day(
    params: Res<Params>,
    mut rngs: Option<ResMut<DemographyRngs>>,
    mut vitals: ResMut<Vitals>,
    mut persons: Query<(Entity, &Member, &mut Person, &mut Vocation, &mut Draws)>,
    mut commands: Commands,
    mut mothers: Local<Vec<(u32, u16, u32)>>,
    mut serial: Option<ResMut<super::wants::WantSerial>>,
    mut households: ResMut<Households>,
    mut homes: Query<(Entity, &mut Household)>,
    mut gone: Local<Gone>,
    mut guilds: Query<&mut crate::model::guilds::Guild>,
    mut gov: ResMut<crate::model::kernel::decisions::Government>,
) {
    let (true, Some(rngs)) = (params.demography.enabled, rngs.as_deref_mut()) else {
        return;
    };
    let table =
        params.demography.derived.as_deref().expect(
            "the life table is derived when the scenario is read (commune::scenario::parse)",
        );
    vitals.births.iter_mut().for_each(|b| *b = 0);
    vitals.deaths.iter_mut().for_each(|d| *d = 0);
    let oldest = (MAX_AGE_YEARS * YEAR) as u16;
    // Kept from day to day so that the day allocates nothing.
    mothers.clear();
    gone.dead.clear();
    gone.orphaned.clear();
    let homed = households.on();
    let Ok(tables) = persons.contiguous_iter_mut() else {
        unreachable!("a query of components is always dense");
    };
    for (entities, members, mut people, mut vocations, mut draws) in tables {
        let people = people.bypass_change_detection();
        let vocations = vocations.bypass_change_detection();
        let draws = draws.bypass_change_detection();
        for i in 0..entities.len() {
            let c = members[i].0;
            let rng = &mut rngs.0[c as usize];
            let person = &mut people[i];
            person.age_days = person.age_days.saturating_add(1).min(oldest);
            let age = stage(&params, person.age_days);
            // The person's household, with households on.
            let home = homed
                .then(|| homes.get(entities[i]).map(|(_, h)| h.0).ok())
                .flatten();
            if age != person.age && age != AgeClass::Child {
                if let (Some(h), AgeClass::Child) = (home, person.age) {
                    households.all[h as usize].grown += 1;
                }
                enter_stage(&params, age, person, &mut vocations[i], &mut draws[i], rng);
            }
            // One draw decides the day: death below `die`, a birth in the next `birth` of
            // what is left.
            let u: f64 = rng.random();
            let die = table.death_today(person.female, person.age_days);
            if u < die {
                vitals.deaths[c as usize] += 1;
                commands.entity(entities[i]).despawn();
                // Their guild has one member fewer, their community one artist fewer.
                if person.guild != 0 || person.artist {
                    super::moves::leave_community(person, c as usize, &mut guilds, &mut gov);
                }
                if let Some(h) = home {
                    households.leave(h, person.age != AgeClass::Child);
                    gone.dead.push(entities[i]);
                    let left = households.all[h as usize];
                    if left.size > 0 && left.grown == 0 {
                        gone.orphaned.push(h);
                    }
                }
                continue;
            }
            if person.female {
                let birth = table.birth_today(person.age_days);
                if birth > 0.0 && (u - die) / (1.0 - die) < birth {
                    mothers.push((c, person.age_days, home.unwrap_or(NONE)));
                }
            }
        }
    }
    if !gone.orphaned.is_empty() {
        rehome_orphans(&mut households, &mut homes, &gone);
    }
    if mothers.is_empty() {
        return;
    }
    // Newborns join their mother's household.
    let born_homes: Option<Vec<u32>> = homed.then(|| {
        mothers
            .iter()
            .map(|&(_, _, h)| {
                households.join(h, false);
                h
            })
            .collect()
    });
    let newborns = mothers.iter().map(|&(c, mother_age, _)| {
        vitals.births[c as usize] += 1;
        let rng = &mut rngs.0[c as usize];
        let mut born = super::setup::draw_person(rng, &params, c);
        let (_, person, vocation, _, draws) = &mut born;
        person.female = rng.random::<f64>() < table.daughter_share(mother_age);
        person.age_days = 0;
        enter_stage(&params, AgeClass::Child, person, vocation, draws, rng);
        super::setup::with_values(born, Values::draw(rng))
    });
    if let (true, Some(serial)) = (params.economy.wants(), serial.as_deref_mut()) {
        // Newborns' wants, in the order they are born (`populate` inserts the serial).
        let born: Vec<_> = newborns.map(|born| (born, serial.draw(&params))).collect();
        spawn_born(&mut commands, born, born_homes);
    } else {
        let born: Vec<_> = newborns.collect();
        spawn_born(&mut commands, born, born_homes);
    }
}

/// Who left households today: the dead (still in the world until the day's commands run) and
/// the households left with children and no grown-up.
#[derive(Default)]
pub struct Gone {
    dead: Vec<Entity>,
    orphaned: Vec<u32>,
}

/// Children left without a grown-up join another household of their community: a relative
/// household's there with a grown-up if any (the first, as [`Households::relatives`] lists them),
/// or else the first household of the community with a grown-up. With none in the community
/// they stay as they are.
fn rehome_orphans(
    households: &mut Households,
    homes: &mut Query<(Entity, &mut Household)>,
    gone: &Gone,
) {
    for &h in &gone.orphaned {
        let home = households.all[h as usize];
        if home.size == 0 || home.grown > 0 {
            continue;
        }
        let fits = |r: &u32| {
            let other = &households.all[*r as usize];
            *r != h && other.community == home.community && other.grown > 0 && other.size > 0
        };
        let Some(to) = households
            .relatives(h)
            .find(fits)
            .or_else(|| (0..households.all.len() as u32).find(fits))
        else {
            continue;
        };
        for (entity, mut member) in homes.iter_mut() {
            if member.0 == h && !gone.dead.contains(&entity) {
                member.0 = to;
                households.leave(h, false);
                households.join(to, false);
            }
        }
    }
}

/// Spawns the newborn, each in their mother's household if `homes` gives them.
fn spawn_born<B: Bundle<Effect: bevy_ecs::bundle::NoBundleEffect> + Send + Sync + 'static>(
    commands: &mut Commands,
    born: Vec<B>,
    homes: Option<Vec<u32>>,
) {
    match homes {
        Some(homes) => {
            let born: Vec<_> = born
                .into_iter()
                .zip(homes)
                .map(|(b, h)| (b, Household(h)))
                .collect();
            commands.spawn_batch(born);
        }
        None => commands.spawn_batch(born),
    }
}

#[cfg(test)]
#[path = "demography_tests.rs"]
mod tests;
