//! The daily demography pass against demographic theory computed here on its own.

use bevy_ecs::prelude::*;
use rayon::prelude::*;

use crate::model::kernel::calendar::YEAR;
use crate::model::kernel::components::{AgeClass, Draws, Person, Vocation};
use crate::model::kernel::life_table::LifeTable;
use crate::model::kernel::params::Params;
use crate::model::kernel::params::demography::{InitialAges, LifeTableRates};
use crate::model::kernel::rng::{Purpose, stream};
use crate::model::population::demography::{DemographyRngs, Vitals, found, live_a_day, stage};
use crate::model::population::setup::draw_person;

/// The shipped World table of UN WPP 2024 (2015-2020), read here column by column.
fn world_rates() -> LifeTableRates {
    let text = include_str!("../../../data/demography/wpp2024-world.csv");
    let mut rates = LifeTableRates::default();
    for line in text.lines().skip(1) {
        let x: Vec<f64> = line.split(',').map(|c| c.parse().unwrap()).collect();
        rates.q_female.push(x[1]);
        rates.q_male.push(x[2]);
        rates.daughters.push(x[3]);
        rates.sons.push(x[4]);
    }
    rates
}

/// The stable population of `rates` by year of age (women, men), in shares, computed day by
/// day: survival `(1 - q)^(1/365)` a day, births `f / 365` a day, Lotka's `r` by bisection on
/// the sum over days. (The model derives the same from closed forms within each year.)
fn stable_by_days(rates: &LifeTableRates, years: usize) -> Vec<[f64; 2]> {
    let n = rates.q_female.len();
    let at = |v: &Vec<f64>, day: usize| v[(day / 365).min(n - 1)];
    let survival = |q: &Vec<f64>| -> Vec<f64> {
        let mut l = 1.0;
        (0..years * 365)
            .map(|d| {
                let now = l;
                l *= (1.0 - at(q, d)).powf(1.0 / 365.0);
                now
            })
            .collect()
    };
    let (lf, lm) = (survival(&rates.q_female), survival(&rates.q_male));
    let net = |r: f64| -> f64 {
        (0..years * 365)
            .map(|d| (-r * d as f64 / 365.0).exp() * lf[d] * at(&rates.daughters, d) / 365.0)
            .sum()
    };
    let (mut lo, mut hi) = (-0.1, 0.1);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if net(mid) > 1.0 { lo = mid } else { hi = mid }
    }
    let r = 0.5 * (lo + hi);
    let births = |d: usize, f: &Vec<f64>| (-r * d as f64 / 365.0).exp() * lf[d] * at(f, d);
    let daughters: f64 = (0..years * 365).map(|d| births(d, &rates.daughters)).sum();
    let sons: f64 = (0..years * 365).map(|d| births(d, &rates.sons)).sum();
    let mut out = vec![[0.0; 2]; years];
    for d in 0..years * 365 {
        let discount = (-r * d as f64 / 365.0).exp();
        out[d / 365][0] += discount * lf[d];
        out[d / 365][1] += discount * lm[d] * sons / daughters;
    }
    let total: f64 = out.iter().map(|x| x[0] + x[1]).sum();
    out.iter().map(|x| [x[0] / total, x[1] / total]).collect()
}

/// A world of persons only, one community, with demography on: what `live_a_day` needs.
fn persons_only(params: &Params, seed: u64, persons: u32) -> World {
    let mut world = World::new();
    let table = params.demography.derived.as_deref().unwrap();
    let mut rng = stream(seed, Purpose::Setup, 0);
    let mut people: Vec<_> = (0..persons)
        .map(|_| draw_person(&mut rng, params, 0))
        .collect();
    found(params, table, seed, 0, &mut people);
    world.spawn_batch(people);
    world.insert_resource(params.clone());
    world.insert_resource(DemographyRngs::new(seed, 1));
    world.insert_resource(Vitals::new(1));
    world.insert_resource(crate::model::kernel::households::Households::default());
    world.insert_resource(crate::model::kernel::decisions::Government::new(seed, 1, 1));
    world
}

/// A schedule of the demography pass alone.
fn one_day() -> Schedule {
    let mut schedule = Schedule::default();
    schedule.set_executor(bevy_ecs::schedule::SingleThreadedExecutor::new());
    schedule.add_systems(live_a_day);
    schedule
}

fn demography_params(initial: InitialAges) -> Params {
    let mut p = Params::default();
    p.demography.enabled = true;
    p.demography.initial_ages = initial;
    p.demography.derived = Some(std::sync::Arc::new(LifeTable::new(world_rates()).unwrap()));
    p
}

/// Shares of persons under 15, 15 to 64 and 65 and over.
fn broad(by_age: &[[f64; 2]]) -> [f64; 3] {
    let sum = |r: std::ops::Range<usize>| -> f64 {
        by_age[r.start.min(by_age.len())..r.end.min(by_age.len())]
            .iter()
            .map(|x| x[0] + x[1])
            .sum()
    };
    let total = sum(0..by_age.len());
    [
        sum(0..15) / total,
        sum(15..65) / total,
        sum(65..by_age.len()) / total,
    ]
}

fn census(world: &mut World) -> Vec<[f64; 2]> {
    let mut by_age = vec![[0.0; 2]; 151];
    for p in world.query::<&Person>().iter(world) {
        let year = (usize::from(p.age_days) / YEAR as usize).min(150);
        by_age[year][usize::from(!p.female)] += 1.0;
    }
    by_age
}

/// A guild member who dies leaves their guild one member fewer, and a full-time artist who dies
/// their community one artist fewer: over 20 years of 200 persons (adults and elders of the WPP
/// 2024 World table, a fifth of them in one guild and the other elders artists), every day the
/// guild's count is its living members and the community's count of artists its living
/// artists, and some of each died (so the counts did fall).
#[test]
fn the_dead_leave_their_guild_and_their_art() {
    use crate::model::guilds::{Agreement, Guild};
    use crate::model::kernel::decisions::Government;
    use crate::model::kernel::goods::Good;
    let p = demography_params(InitialAges::Classes);
    let mut world = persons_only(&p, 3, 200);
    let tag = Guild::tag(Good::Clothing);
    let (mut members, mut artists) = (0u32, 0u32);
    for (i, mut person) in world
        .query::<&mut Person>()
        .iter_mut(&mut world)
        .enumerate()
    {
        if person.age == AgeClass::Child {
            continue;
        }
        if i % 5 == 0 {
            person.guild = tag;
            members += 1;
        } else if person.age == AgeClass::Elder {
            person.artist = true;
            artists += 1;
        }
    }
    world.spawn(Guild {
        community: 0,
        good: Good::Clothing,
        members,
        agreement: Agreement::Accepted,
    });
    world.resource_mut::<Government>().artists[0] = artists;
    let (start_members, start_artists) = (members, artists);
    let mut day = one_day();
    for d in 0..20 * YEAR {
        day.run(&mut world);
        let living = |world: &mut World, f: fn(&Person) -> bool| {
            world
                .query::<&Person>()
                .iter(world)
                .filter(|p| f(p))
                .count() as u32
        };
        members = living(&mut world, |p| p.guild != 0);
        artists = living(&mut world, |p| p.artist);
        let guild = *world.query::<&Guild>().single(&world).unwrap();
        assert_eq!(guild.members, members, "day {d}");
        assert_eq!(
            world.resource::<Government>().artists[0],
            artists,
            "day {d}"
        );
    }
    assert!(
        members < start_members && artists < start_artists,
        "{start_members} -> {members} members, {start_artists} -> {artists} artists"
    );
}

/// A child whose only grown-up dies joins a relative household of their community if there is
/// one, else the community's first household with a grown-up. Rates under which every man of 20
/// or more dies on the day and nobody else dies: a household of a man of 30 and a child of 5
/// (id 0), an unrelated woman's (id 1) and a woman's founded from household 0 (id 2, tied to
/// it). The man dies on the first day; the child goes to household 2, or, with household 2 not
/// tied to 0, to household 1; household 0 is dissolved and every count adds up.
#[test]
fn an_orphan_joins_a_relative_household_first() {
    use crate::model::kernel::households::{Household, Households, NONE};
    let ages = 121;
    let rates = LifeTableRates {
        q_female: vec![0.0; ages],
        q_male: (0..ages).map(|a| if a >= 20 { 1.0 } else { 0.0 }).collect(),
        daughters: vec![0.0; ages],
        sons: vec![0.0; ages],
    };
    let mut p = demography_params(InitialAges::Classes);
    p.demography.derived = Some(std::sync::Arc::new(LifeTable::new(rates).unwrap()));
    for (kin, expected) in [(0, 2), (NONE, 1)] {
        let mut world = persons_only(&p, 5, 0);
        let mut homes = Households::default();
        assert_eq!(homes.found(0, 2, 1, NONE), 0);
        assert_eq!(homes.found(0, 1, 1, NONE), 1);
        assert_eq!(homes.found(0, 1, 1, kin), 2);
        world.insert_resource(homes);
        let mut rng = stream(5, Purpose::Setup, 0);
        // (female, age in years, household)
        let people = [(false, 30, 0), (false, 5, 0), (true, 30, 1), (true, 40, 2)];
        let mut child = None;
        for (female, years, h) in people {
            let mut bundle = draw_person(&mut rng, &p, 0);
            bundle.1.female = female;
            bundle.1.age_days = (years * YEAR) as u16;
            bundle.1.age = stage(&p, bundle.1.age_days);
            let e = world.spawn((bundle, Household(h))).id();
            if years == 5 {
                child = Some(e);
            }
        }
        let child = child.unwrap();
        assert_eq!(world.get::<Person>(child).unwrap().age, AgeClass::Child);
        one_day().run(&mut world);
        assert_eq!(
            world.query::<&Person>().iter(&world).count(),
            3,
            "the man died"
        );
        assert_eq!(
            world.get::<Household>(child).unwrap().0,
            expected,
            "kin {kin}"
        );
        let homes = world.resource::<Households>();
        assert_eq!((homes.all[0].size, homes.all[0].grown), (0, 0));
        assert_eq!(
            (
                homes.all[expected as usize].size,
                homes.all[expected as usize].grown
            ),
            (2, 1)
        );
        let other = 3 - expected as usize;
        assert_eq!((homes.all[other].size, homes.all[other].grown), (1, 1));
    }
}

/// A population that starts far from it (a quarter children, a tenth elders, ages even within
/// each stage) and lives a century under the WPP 2024 World rates ends in the stable age
/// structure of those rates (Lotka), pooled over 20 seeds.
#[test]
fn a_century_under_constant_rates_ends_in_the_stable_age_structure() {
    let p = demography_params(InitialAges::Classes);
    let expected = broad(&stable_by_days(&world_rates(), 121));
    let (start, end): (Vec<_>, Vec<_>) = (1..=20u64)
        .into_par_iter()
        .map(|seed| {
            let mut world = persons_only(&p, seed, 250);
            let start = census(&mut world);
            let mut day = one_day();
            for _ in 0..100 * YEAR {
                day.run(&mut world);
            }
            (start, census(&mut world))
        })
        .unzip();
    let pool = |all: &[Vec<[f64; 2]>]| -> Vec<[f64; 2]> {
        let mut sum = vec![[0.0; 2]; 151];
        for one in all {
            for (s, x) in sum.iter_mut().zip(one) {
                s[0] += x[0];
                s[1] += x[1];
            }
        }
        sum
    };
    let (start, end) = (broad(&pool(&start)), broad(&pool(&end)));
    // The start is far from stable (the World's stable population has about 16% elders), so
    // the test can tell.
    assert!(
        (start[2] - expected[2]).abs() > 0.04,
        "start {start:?}, stable {expected:?}"
    );
    for g in 0..3 {
        assert!(
            (end[g] - expected[g]).abs() < 0.015,
            "after 100 years {end:?}, stable {expected:?}"
        );
    }
}

/// The model's stable population (closed forms within each year) is the one computed here day
/// by day, year of age by year of age.
#[test]
fn the_models_stable_population_is_lotkas() {
    let table = LifeTable::new(world_rates()).unwrap();
    let by_days = stable_by_days(&world_rates(), 121);
    let mut model = table.stable.clone();
    // The model's last age is open-ended: compare ages under 100 one by one, and the rest as one.
    let tail: f64 = model[100..].iter().map(|x| x[0] + x[1]).sum();
    let tail_days: f64 = by_days[100..].iter().map(|x| x[0] + x[1]).sum();
    model.truncate(100);
    for (age, (m, d)) in model.iter().zip(&by_days).enumerate() {
        for sex in 0..2 {
            assert!(
                (m[sex] - d[sex]).abs() < 2e-5,
                "age {age} sex {sex}: {} vs {}",
                m[sex],
                d[sex]
            );
        }
    }
    assert!((tail - tail_days).abs() < 1e-4, "{tail} vs {tail_days}");
}

/// Children become adults on the day they reach `adult_age`, with an adult's willing hours, and
/// adults retire at `retirement_age` with an elder's share.
#[test]
fn ageing_moves_children_into_the_labour_pool_and_adults_into_retirement() {
    let p = demography_params(InitialAges::Stable);
    let mut world = persons_only(&p, 3, 2000);
    let adult_day = (p.demography.adult_age * YEAR) as u16;
    let retire_day = (p.demography.retirement_age * YEAR) as u16;
    // The stable start gives everyone the stage of their age.
    for person in world.query::<&Person>().iter(&world) {
        assert_eq!(person.age, stage(&p, person.age_days));
    }
    let mut day = one_day();
    for _ in 0..YEAR {
        day.run(&mut world);
    }
    let mut grown = 0;
    let mut retired = 0;
    let mut grown_willing = 0.0;
    for (person, vocation, draws) in world.query::<(&Person, &Vocation, &Draws)>().iter(&world) {
        // Those born during the year are children still.
        let Some(was) = person.age_days.checked_sub(YEAR as u16) else {
            assert_eq!(person.age, AgeClass::Child);
            continue;
        };
        if was < adult_day && person.age_days >= adult_day {
            assert_eq!(person.age, AgeClass::Adult);
            assert_eq!(vocation.willing, draws.willing(&p.labour, AgeClass::Adult));
            assert!(
                !draws.garden_u.is_nan(),
                "a grown-up child gets a garden draw"
            );
            grown_willing += f64::from(vocation.willing);
            grown += 1;
        }
        if was < retire_day && person.age_days >= retire_day {
            assert_eq!(person.age, AgeClass::Elder);
            assert_eq!(vocation.willing, draws.willing(&p.labour, AgeClass::Elder));
            retired += 1;
        }
        if person.age == AgeClass::Child {
            assert_eq!(vocation.willing, 0.0);
            assert!(!person.gardener);
        }
    }
    assert!(
        grown > 10 && retired > 5,
        "{grown} grown up, {retired} retired"
    );
    // They join the labour pool with about the mean willingness (4 h a day by default).
    let mean = grown_willing / f64::from(grown);
    assert!(
        mean > 2.5,
        "grown-ups are willing to give {mean} h a day on average"
    );
}
