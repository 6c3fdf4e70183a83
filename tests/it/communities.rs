//! Urban and rural communities: land shared out by the region, city dwellers' help on the farms
//! at harvest and farmers' help in the cities later in the year (`population.urban`,
//! `labour.harvest_help`, `labour.city_help`).

use crate::common::{assert_refused, scenario};
use commune::model::Simulation;
use commune::model::metrics::community::CommunityMetrics;
use commune::scenario::Scenario;

fn city_and_country(help: bool) -> Scenario {
    commune::scenario::load(&scenario("city-and-country"))
        .unwrap()
        .with_values(&["labour.harvest_help"], &[toml::Value::Boolean(help)])
        .unwrap()
}

/// What a year of the city and countryside gives, summed over the year.
#[derive(Debug, Default)]
struct Year {
    /// Farm hours asked for and left unfilled by the rural communities at harvest.
    rural_farm_posted: f64,
    rural_farm_short: f64,
    /// Help the rural communities received, and the urban ones gave.
    received_rural: f64,
    received_urban: f64,
    given_urban: f64,
    given_rural: f64,
    helpers_km: f64,
    world_exchange_hours: f64,
    world_exchange_km: f64,
    harvested_kg: f64,
    /// Help received on days outside the harvest window.
    received_out_of_harvest: f64,
}

fn year(s: &Scenario, seed: u64) -> Year {
    let mut sim = Simulation::new(s.params.clone(), seed);
    let mut rows: Vec<CommunityMetrics> = Vec::new();
    let mut y = Year::default();
    for _ in 0..365 {
        let m = sim.step();
        y.world_exchange_hours += m.exchange_hours;
        y.world_exchange_km += m.exchange_passenger_km;
        y.harvested_kg += m.food_harvested_kg;
        let food = &s.params.food;
        let harvest = (f64::from(m.day_of_year) - f64::from(food.harvest_peak_day)).abs()
            <= 2.0 * food.harvest_spread_days;
        rows.clear();
        sim.community_metrics(&mut rows);
        for r in &rows {
            if !harvest {
                y.received_out_of_harvest += r.help_received_hours;
            }
            if r.urban == 1 {
                y.received_urban += r.help_received_hours;
                y.given_urban += r.help_given_hours;
            } else {
                y.rural_farm_posted += r.farm_posted_hours;
                y.rural_farm_short += r.farm_shortage_hours;
                y.received_rural += r.help_received_hours;
                y.given_rural += r.help_given_hours;
            }
            y.helpers_km += r.helpers_passenger_km;
        }
    }
    y
}

/// An urban community keeps `urban_land_share` of the land its residents would have had, and
/// the rural communities of its region farm the rest in proportion to their own: each region's
/// land is the same as if every community were rural.
#[test]
fn urban_land_is_farmed_by_the_rural_communities_of_its_region() {
    let s = city_and_country(true);
    let keep = s.params.population.urban_land_share;
    let mut rural_only = s.params.clone();
    rural_only.population.urban.clear();
    rural_only.labour.harvest_help = false;
    let land = |params: &commune::model::Params| {
        let mut sim = Simulation::new(params.clone(), 3);
        sim.step();
        let mut rows = Vec::new();
        sim.community_metrics(&mut rows);
        rows.iter()
            .map(|r| (r.region, r.urban, r.arable_ha))
            .collect::<Vec<_>>()
    };
    let (shared, base) = (land(&s.params), land(&rural_only));
    for region in 0..2 {
        let of = |rows: &[(u32, u32, f64)]| -> f64 {
            rows.iter().filter(|r| r.0 == region).map(|r| r.2).sum()
        };
        assert!((of(&shared) / of(&base) - 1.0).abs() < 1e-12);
        let moved: f64 = base
            .iter()
            .zip(&shared)
            .filter(|(b, s)| b.0 == region && s.1 == 1)
            .map(|(b, _)| b.2 * (1.0 - keep))
            .sum();
        let rural: f64 = base
            .iter()
            .zip(&shared)
            .filter(|(b, s)| b.0 == region && s.1 == 0)
            .map(|(b, _)| b.2)
            .sum();
        for (b, s) in base.iter().zip(&shared).filter(|(b, _)| b.0 == region) {
            let expected = if s.1 == 1 {
                b.2 * keep
            } else {
                b.2 + moved * b.2 / rural
            };
            assert!(
                (s.2 / expected - 1.0).abs() < 1e-12,
                "{s:?} against {expected}"
            );
        }
    }
    assert_eq!(shared.iter().filter(|r| r.1 == 1).count(), 8);
}

/// Under the regional agreement, city dwellers fill the farm work the rural communities leave
/// unfilled at harvest, and their trips appear in passenger-km; without it the farms stay
/// short (20 seeds, a year each).
#[test]
fn city_dwellers_help_rural_farms_at_harvest() {
    let (with, without) = (city_and_country(true), city_and_country(false));
    let (mut short_with, mut short_without) = (0.0, 0.0);
    for seed in 1..=20 {
        let (h, n) = (year(&with, seed), year(&without, seed));
        // Without the agreement nobody helps or travels to help.
        assert_eq!(n.received_rural + n.given_urban + n.helpers_km, 0.0);
        assert!(
            n.rural_farm_short > 100.0,
            "seed {seed}: farms short only {n:?}"
        );
        // With it, only urban members give, only rural farms receive, only at harvest.
        assert!(h.received_rural > 100.0, "seed {seed}: {h:?}");
        assert_eq!(h.received_urban + h.given_rural, 0.0, "seed {seed}: {h:?}");
        assert_eq!(h.received_out_of_harvest, 0.0, "seed {seed}: {h:?}");
        // Helpers give hours; farms receive effective hours (an hour times the helper's skill,
        // from labour.min_skill to 1).
        let min_skill = with.params.labour.min_skill;
        assert!(
            h.received_rural <= h.given_urban + 1e-9
                && h.received_rural >= min_skill * h.given_urban - 1e-9,
            "seed {seed}: {h:?}"
        );
        assert!((h.world_exchange_hours - h.given_urban).abs() < 1e-6);
        // The farms asked for as much; what was short is what the helpers did.
        assert!((h.rural_farm_posted / n.rural_farm_posted - 1.0).abs() < 0.02);
        let filled_more =
            (h.rural_farm_posted - h.rural_farm_short) - (n.rural_farm_posted - n.rural_farm_short);
        assert!(
            (filled_more / h.received_rural - 1.0).abs() < 0.05,
            "seed {seed}: {filled_more} more filled, {} received",
            h.received_rural
        );
        assert!(h.harvested_kg > n.harvested_kg, "seed {seed}");
        // Trips by rail, counted on the helpers' communities and in the world table.
        assert!(h.helpers_km > 0.0 && (h.helpers_km / h.world_exchange_km - 1.0).abs() < 1e-9);
        short_with += h.rural_farm_short;
        short_without += n.rural_farm_short;
    }
    assert!(
        short_with < 0.05 * short_without,
        "harvest help left {short_with} h of {short_without} unfilled"
    );
}

fn city_help(help: bool) -> Scenario {
    commune::scenario::load(&scenario("city-help"))
        .unwrap()
        .with_values(&["labour.city_help"], &[toml::Value::Boolean(help)])
        .unwrap()
}

/// What the first `days` of a year of `city-help.toml` give, summed: the help each kind of
/// community gave and received, in and out of the growing season, and the cities' work.
#[derive(Debug, Default)]
struct Winter {
    urban_posted: f64,
    /// The cities' shortage on days outside the growing season.
    urban_short_winter: f64,
    received_urban: f64,
    received_rural: f64,
    given_urban: f64,
    given_rural: f64,
    /// Help received on growing days.
    received_growing: f64,
    helpers_km: f64,
    world_exchange_hours: f64,
    world_exchange_km: f64,
    /// Each day's urban hours asked for, left short and received.
    days: Vec<[f64; 3]>,
}

fn winter(s: &Scenario, seed: u64, days: u32) -> Winter {
    let mut sim = Simulation::new(s.params.clone(), seed);
    let (first, last) = s.params.food.growing_season;
    let mut rows: Vec<CommunityMetrics> = Vec::new();
    let mut w = Winter::default();
    for _ in 0..days {
        let m = sim.step();
        w.world_exchange_hours += m.exchange_hours;
        w.world_exchange_km += m.exchange_passenger_km;
        let growing = (first..=last).contains(&m.day_of_year);
        rows.clear();
        sim.community_metrics(&mut rows);
        w.days.push([0.0; 3]);
        for r in &rows {
            if growing {
                w.received_growing += r.help_received_hours;
            }
            if r.urban == 1 {
                let day = w.days.last_mut().expect("pushed above");
                day[0] += r.labour_posted_hours;
                day[1] += r.labour_shortage_hours;
                day[2] += r.help_received_hours;
            }
            if r.urban == 1 {
                w.urban_posted += r.labour_posted_hours;
                if !growing {
                    w.urban_short_winter += r.labour_shortage_hours;
                }
                w.received_urban += r.help_received_hours;
                w.given_urban += r.help_given_hours;
            } else {
                w.received_rural += r.help_received_hours;
                w.given_rural += r.help_given_hours;
            }
            w.helpers_km += r.helpers_passenger_km;
        }
    }
    w
}

/// Under `labour.city_help`, outside the growing season, rural members fill the work the urban
/// communities leave unfilled, and their trips appear in passenger-km; in the growing season
/// nobody helps the cities, and without the agreement nobody helps at all (20 seeds, the first
/// 120 days of a year: 90 of winter, 30 of the growing season). The farms' own work takes the
/// rural members' hours from about day 60, so the help fills only part of the winter's
/// shortage. Up to the first day of help the two runs are the same, so on that day what the
/// cities filled beyond the run without help must be exactly what the helpers did.
#[test]
fn farmers_help_in_the_cities_later_in_the_year() {
    let (with, without) = (city_help(true), city_help(false));
    assert_eq!(
        with.params.food.growing_season.0, 90,
        "the window below assumes it"
    );
    let (mut short_with, mut short_without) = (0.0, 0.0);
    for seed in 1..=20 {
        let (h, n) = (winter(&with, seed, 120), winter(&without, seed, 120));
        assert_eq!(
            n.received_urban + n.given_rural + n.helpers_km,
            0.0,
            "seed {seed}"
        );
        // Only rural members give, only cities receive, and only out of the growing season
        // (no harvest falls in these days).
        assert!(h.received_urban > 0.0, "seed {seed}: {h:?}");
        assert_eq!(h.received_rural + h.given_urban, 0.0, "seed {seed}: {h:?}");
        assert_eq!(h.received_growing, 0.0, "seed {seed}: {h:?}");
        // Helpers give hours; the cities receive effective hours (an hour times the helper's
        // skill, from labour.min_skill to 1).
        let min_skill = with.params.labour.min_skill;
        assert!(
            h.received_urban <= h.given_rural + 1e-9
                && h.received_urban >= min_skill * h.given_rural - 1e-9,
            "seed {seed}: {h:?}"
        );
        assert!((h.world_exchange_hours - h.given_rural).abs() < 1e-6);
        // The cities asked for about as much over the days.
        assert!(
            (h.urban_posted / n.urban_posted - 1.0).abs() < 0.02,
            "seed {seed}"
        );
        let first = h.days.iter().position(|d| d[2] > 0.0).expect("help given");
        assert_eq!(
            h.days[..first],
            n.days[..first],
            "seed {seed}: before any help"
        );
        let (hd, nd) = (h.days[first], n.days[first]);
        assert_eq!(
            hd[0], nd[0],
            "seed {seed}: asked for the same on day {first}"
        );
        let filled_more = nd[1] - hd[1];
        assert!(
            (filled_more - hd[2]).abs() < 1e-9 * hd[0],
            "seed {seed}, day {first}: {filled_more} more filled, {} received",
            hd[2]
        );
        assert!(h.helpers_km > 0.0 && (h.helpers_km / h.world_exchange_km - 1.0).abs() < 1e-9);
        short_with += h.urban_short_winter;
        short_without += n.urban_short_winter;
    }
    assert!(
        short_with < short_without,
        "city help left {short_with} h of {short_without} unfilled in the cities' winter"
    );
}

#[test]
fn urban_communities_that_do_not_exist_are_refused() {
    assert_refused(&[
        (
            "[population]\ncommunities = 3\nurban = [1, 3]\n",
            "population.urban",
            "names community 3, but there are 3 (ids 0 to 2)",
        ),
        (
            "[population]\ncommunities = 3\nurban = [1, 1]\n",
            "population.urban",
            "names community 1 twice",
        ),
        (
            "[labour]\nharvest_help = true\n",
            "labour.harvest_help",
            "names no urban community",
        ),
        (
            "[labour]\ncity_help = true\n",
            "labour.city_help",
            "names no urban community",
        ),
        (
            "[population]\ncommunities = 2\nurban = [0, 1]\n[labour]\ncity_help = true\n",
            "labour.city_help",
            "no rural community",
        ),
        (
            "[labour]\ncity_help_decided = true\n",
            "labour.city_help_decided",
            "names no urban community",
        ),
        (
            "[population]\ncommunities = 2\nurban = [0, 1]\n[labour]\ncity_help_decided = true\n",
            "labour.city_help_decided",
            "no rural community",
        ),
    ]);
}

/// `population.file` fills the sizes and urban ids from a CSV file beside the scenario; the run's
/// scenario.toml lists them, so the run directory replays byte for byte without the file.
#[test]
fn communities_read_from_a_file_replay_without_it() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("places.csv"),
        "community,persons,urban\n1,90,0\n0,160,1\n2,40,\n",
    )
    .unwrap();
    let file = tmp.path().join("places.toml");
    std::fs::write(
        &file,
        "ticks = 30\n[population]\ncommunities = 3\ncommunities_per_region = 3\nfile = \"places.csv\"\n",
    )
    .unwrap();
    let s = commune::scenario::load(&file).unwrap();
    assert_eq!(s.params.population.sizes, [160, 90, 40]);
    assert_eq!(s.params.population.urban, [0]);
    assert_eq!(s.params.population.file, "");
    let first = tmp.path().join("first");
    let out = crate::common::commune(&[
        "run",
        file.to_str().unwrap(),
        "-q",
        "--no-plots",
        "--out",
        first.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", crate::common::stderr(&out));
    // The replay runs from elsewhere, with the file gone.
    std::fs::remove_file(tmp.path().join("places.csv")).unwrap();
    let replay = tmp.path().join("replay");
    let again = first.join("scenario.toml");
    let out = crate::common::commune(&[
        "run",
        again.to_str().unwrap(),
        "-q",
        "--no-plots",
        "--out",
        replay.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", crate::common::stderr(&out));
    for name in ["metrics.csv", "scenario.toml"] {
        assert_eq!(
            std::fs::read(first.join(name)).unwrap(),
            std::fs::read(replay.join(name)).unwrap(),
            "{name}"
        );
    }
}

/// A communities file that cannot be read, that clashes with the lists, or whose rows are wrong
/// is refused at `population.file`, naming the file and line.
#[test]
fn bad_communities_files_are_refused_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("bad.csv"),
        "community,persons\n0,150\n0,20\n",
    )
    .unwrap();
    let cases = [
        ("file = \"none.csv\"", "none.csv` cannot be read"),
        (
            "file = \"bad.csv\"\nsizes = [1, 2]",
            "cannot be given with `sizes`",
        ),
        (
            "file = \"bad.csv\"",
            "bad.csv, line 3: community 0 is listed twice",
        ),
    ];
    for (lines, says) in cases {
        let file = tmp.path().join("s.toml");
        std::fs::write(&file, format!("[population]\ncommunities = 2\n{lines}\n")).unwrap();
        let err = commune::scenario::load(&file).expect_err(lines);
        assert!(
            err.problems
                .iter()
                .any(|p| p.key == "population.file" && p.message.contains(says)),
            "{lines}: {err}"
        );
    }
}

/// Community `c`'s installed capacity by source (kW), its storage (kWh) and its floor area (m2).
fn installed(sim: &mut Simulation, c: usize) -> ([f64; 6], f64, f64) {
    let world = sim.world_mut();
    let e = world
        .resource::<commune::model::kernel::components::Directory>()
        .communities[c];
    let energy = world
        .get::<commune::model::energy::EnergySystem>(e)
        .unwrap();
    let dwellings = world.get::<commune::model::housing::Dwellings>(e).unwrap();
    (energy.capacity_kw, energy.storage_kwh, dwellings.m2)
}

/// `[[population.overrides]]` give a community its own land, energy and floor area per person;
/// the others keep the scenario's (no spread, so the figures are exact).
#[test]
fn a_community_override_gives_its_own_land_energy_and_floor_area() {
    let text = "[population]\ncommunities = 3\ncommunities_per_region = 3\n\
                [[population.overrides]]\ncommunity = 1\narable_ha_per_person = 0.5\n\
                energy_factor = 2.0\nm2_per_person = 40.0\n\
                [food]\narable_spread = 0.0\n[energy]\ncapacity_spread = 0.0\n\
                [dwellings]\nm2_per_person = 30.0\n";
    let s = commune::scenario::parse(text, "t").unwrap();
    let mut sim = Simulation::new(s.params.clone(), 2);
    let persons = 150.0;
    let (kw0, storage0, m2_0) = installed(&mut sim, 0);
    let (kw1, storage1, m2_1) = installed(&mut sim, 1);
    for (a, b) in kw0.iter().zip(&kw1) {
        assert!((b - 2.0 * a).abs() < 1e-9, "{kw0:?} {kw1:?}");
    }
    assert_eq!(storage0, storage1, "storage is not overridden");
    assert_eq!((m2_0, m2_1), (30.0 * persons, 40.0 * persons));
    sim.step();
    let mut rows = Vec::new();
    sim.community_metrics(&mut rows);
    let default_ha = s.params.food.arable_ha_per_person * persons;
    assert!((rows[0].arable_ha - default_ha).abs() < 1e-9);
    assert!((rows[1].arable_ha - 0.5 * persons).abs() < 1e-9);
    assert!((rows[2].arable_ha - default_ha).abs() < 1e-9);
    assert!(rows[1].energy_generated_kwh > 1.99 * rows[0].energy_generated_kwh);
}

#[test]
fn overrides_of_communities_that_do_not_exist_are_refused() {
    assert_refused(&[
        (
            "[population]\ncommunities = 2\n[[population.overrides]]\ncommunity = 2\nenergy_factor = 2\n",
            "population.overrides.0.community",
            "community 2 does not exist; ids run from 0 to 1",
        ),
        (
            "[population]\ncommunities = 2\n[[population.overrides]]\ncommunity = 1\n[[population.overrides]]\ncommunity = 1\n",
            "population.overrides.1.community",
            "community 1 has an override already",
        ),
        (
            "[population]\ncommunities = 2\n[[population.overrides]]\ncommunity = 0\narable_ha_per_person = -1\n",
            "population.overrides.0.arable_ha_per_person",
            "is -1 ha; it must be between 0 and 10 ha",
        ),
    ]);
}

/// `[[population.region_overrides]]` give every community of a region its own size, land,
/// energy and floor area per person; a community's own override takes precedence value by
/// value, and the other region keeps the scenario's values (no spread, so the figures are
/// exact).
#[test]
fn a_region_override_reaches_every_community_of_its_region_and_yields_to_their_own() {
    let text = "[population]\ncommunities = 5\ncommunities_per_region = 3\n\
                persons_per_community = 150\n\
                [[population.region_overrides]]\nregion = 1\npersons = 80\n\
                arable_ha_per_person = 0.5\nenergy_factor = 2.0\nm2_per_person = 40.0\n\
                [[population.overrides]]\ncommunity = 4\nm2_per_person = 25.0\n\
                [food]\narable_spread = 0.0\n[energy]\ncapacity_spread = 0.0\n\
                [dwellings]\nm2_per_person = 30.0\n";
    let s = commune::scenario::parse(text, "t").unwrap();
    assert_eq!(s.params.community_sizes(2), vec![150, 150, 150, 80, 80]);
    let mut sim = Simulation::new(s.params.clone(), 2);
    let installed = |sim: &mut Simulation, c: usize| {
        let (kw, _, m2) = installed(sim, c);
        (kw, m2)
    };
    let (kw0, m2_0) = installed(&mut sim, 0);
    for c in [1, 2] {
        assert_eq!(installed(&mut sim, c), (kw0, m2_0), "community {c}");
    }
    assert_eq!(m2_0, 30.0 * 150.0);
    // Energy capacity is per person, times the region's factor.
    let per_person = |kw: &[f64], n: f64| kw.iter().map(|k| k / n).collect::<Vec<_>>();
    for c in [3, 4] {
        let (kw, m2) = installed(&mut sim, c);
        for (a, b) in per_person(&kw0, 150.0).iter().zip(per_person(&kw, 80.0)) {
            assert!((b - 2.0 * a).abs() < 1e-9, "community {c}: {kw0:?} {kw:?}");
        }
        let own = if c == 4 { 25.0 } else { 40.0 };
        assert_eq!(m2, own * 80.0, "community {c}");
    }
    sim.step();
    let mut rows = Vec::new();
    sim.community_metrics(&mut rows);
    let default_ha = s.params.food.arable_ha_per_person * 150.0;
    for (c, row) in rows.iter().enumerate() {
        let (persons, ha) = if c < 3 {
            (150, default_ha)
        } else {
            (80, 0.5 * 80.0)
        };
        assert_eq!(row.persons, persons, "community {c}");
        assert!(
            (row.arable_ha - ha).abs() < 1e-9,
            "community {c}: {}",
            row.arable_ha
        );
    }
}

#[test]
fn bad_region_overrides_are_refused() {
    assert_refused(&[
        (
            "[population]\ncommunities = 5\ncommunities_per_region = 3\n[[population.region_overrides]]\nregion = 2\npersons = 90\n",
            "population.region_overrides.0.region",
            "region 2 does not exist; the scenario's 5 communities, 3 to a region, make regions 0 to 1",
        ),
        (
            "[population]\ncommunities = 5\ncommunities_per_region = 3\n[[population.region_overrides]]\nregion = 1\n[[population.region_overrides]]\nregion = 1\n",
            "population.region_overrides.1.region",
            "region 1 has an override already",
        ),
        (
            "[population]\ncommunities = 2\nsizes = [100, 120]\n[[population.region_overrides]]\nregion = 0\npersons = 90\n",
            "population.region_overrides.0.persons",
            "is given with `population.sizes`",
        ),
        (
            "[population]\ncommunities = 2\n[[population.region_overrides]]\nregion = 0\npersons = 0\n",
            "population.region_overrides.0.persons",
            "is 0; a community starts with 1 to",
        ),
        (
            "[population]\ncommunities = 2\n[[population.region_overrides]]\nregion = 0\nenergy_factor = -2\n",
            "population.region_overrides.0.energy_factor",
            "is -2 times; it must be between 0 and 100 times",
        ),
        (
            "[population]\ncommunities = 2\n[[population.region_overrides]]\nregion = 0\nland = 2\n",
            "population.region_overrides[0].land",
            "unknown field `land`",
        ),
    ]);
}

/// One run of `s` for `days`: the harvest-help decisions of each region (tick, passed) and the
/// exchange hours of each year.
fn decided_help(s: &Scenario, seed: u64, days: u32) -> (Vec<(u32, String, bool)>, [f64; 2]) {
    let mut sim = Simulation::new(s.params.clone(), seed);
    let mut hours = [0.0; 2];
    for _ in 0..days {
        let m = sim.step();
        hours[usize::from(m.tick >= 365)] += m.exchange_hours;
    }
    let decisions = sim
        .decisions()
        .iter()
        .filter(|d| d.subject.kind() == "harvest_help")
        .map(|d| (d.tick, d.level.name(), d.passed))
        .collect();
    (decisions, hours)
}

/// Under `labour.harvest_help_decided`, starting without help, over 20 seeds: each region
/// takes up harvest help at its first meeting after its rural farm is left short at the first
/// harvest, and agrees; the first year's help is less than under the standing agreement of
/// city-and-country.toml (it starts late), and in the second year some help is given in every
/// seed and, in at least 15 of the 20 seeds and at the median, as much as under the standing
/// agreement (less 5%; up to a quarter more, the farms having been left shorter the year
/// before). With
/// solidarity 0 (10 seeds) the urban delegates, four of five, refuse it: at most 5% of the
/// decisions pass (a delegate may deviate), and the cities give under a tenth of the help.
#[test]
fn regional_assemblies_decide_harvest_help() {
    use rayon::prelude::*;
    let decided = commune::scenario::load(&scenario("harvest-help-decided")).unwrap();
    let standing = city_and_country(true);
    let selfish = decided
        .with_values(&["assembly.solidarity"], &[toml::Value::Float(0.0)])
        .unwrap();
    let days = 640;
    let results: Vec<_> = (1..=20u64)
        .into_par_iter()
        .map(|seed| {
            (
                decided_help(&decided, seed, days),
                decided_help(&standing, seed, days).1,
                (seed <= 10).then(|| decided_help(&selfish, seed, days)),
            )
        })
        .collect();
    let (mut given, mut selfish_given, mut selfish_passed, mut selfish_decisions) =
        (0.0, 0.0, 0, 0);
    let mut ratios = Vec::new();
    for (seed, ((decisions, hours), standing_hours, refused)) in (1..=20).zip(&results) {
        for region in ["region 0", "region 1"] {
            let first = decisions
                .iter()
                .find(|d| d.1 == region)
                .unwrap_or_else(|| panic!("seed {seed}: {region} never took it up"));
            assert!(first.2, "seed {seed}: {region} refused: {decisions:?}");
            assert!(
                first.0 < 300,
                "seed {seed}: {region} decided on day {}",
                first.0
            );
        }
        assert!(
            hours[0] > 0.0 && hours[0] < standing_hours[0],
            "seed {seed}: {hours:?}"
        );
        assert!(hours[1] > 0.0, "seed {seed}: no help in year 2");
        ratios.push(hours[1] / standing_hours[1]);
        if let Some((refused, selfish_hours)) = refused {
            given += hours[1];
            selfish_given += selfish_hours[1];
            selfish_passed += refused.iter().filter(|d| d.2).count();
            selfish_decisions += refused.len();
        }
    }
    // The second year's help against the standing agreement's, seed by seed: most seeds within
    // [0.95, 1.3). A seed may leave it either way: its regions' other decisions go on, and one
    // that ends a regional food agreement (a 3-2 vote) changes what the cities and farms are
    // short of. (Today every seed is within; with the draws changed in their last bits, branch
    // proto/appeal-u8, 17 were, one at 0.49 and two at 2.1 and 2.3.)
    eprintln!("year 2, decided over standing help, by seed: {ratios:.3?}");
    let within = ratios.iter().filter(|r| (0.95..1.3).contains(*r)).count();
    assert!(within >= 15, "{within} of 20 seeds within: {ratios:.3?}");
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    let median = (sorted[9] + sorted[10]) / 2.0;
    assert!((0.95..1.3).contains(&median), "median {median}");
    assert!(selfish_decisions > 200, "{selfish_decisions}");
    assert!(
        (selfish_passed as f64) <= 0.05 * selfish_decisions as f64,
        "{selfish_passed} of {selfish_decisions}"
    );
    assert!(
        selfish_given < 0.1 * given,
        "{selfish_given} against {given}"
    );
}

/// Under `labour.city_help_decided`, starting without city help (`city-help.toml` with the
/// standing rule off), over 20 seeds and the first 120 days of a year (90 of winter): each region
/// takes up city help once its cities have been left short, and agrees (four of five
/// communities of each region are urban, so their delegates carry it) at its next meeting
/// (every 28 days), in at least half of the 40 regions (28 today); a region whose cities were never left
/// short enough never takes it up and is never helped. No city receives help before its
/// region's first decision: up to the first decision the run is, day by day, the run without
/// city help, and the cities are helped after it.
#[test]
fn regional_assemblies_decide_city_help() {
    use rayon::prelude::*;
    let decided = city_help(false)
        .with_values(&["labour.city_help_decided"], &[toml::Value::Boolean(true)])
        .unwrap();
    let without = city_help(false);
    let days = 120;
    let results: Vec<_> = (1..=20u64)
        .into_par_iter()
        .map(|seed| {
            let mut sim = Simulation::new(decided.params.clone(), seed);
            let mut rows: Vec<CommunityMetrics> = Vec::new();
            // Per region: the days its cities received help.
            let mut helped: [Vec<u32>; 2] = [Vec::new(), Vec::new()];
            for _ in 0..days {
                let m = sim.step();
                rows.clear();
                sim.community_metrics(&mut rows);
                for r in &rows {
                    if r.urban == 1
                        && r.help_received_hours > 0.0
                        && helped[r.region as usize].last() != Some(&m.tick)
                    {
                        helped[r.region as usize].push(m.tick);
                    }
                }
            }
            let decisions: Vec<(u32, String, bool)> = sim
                .decisions()
                .iter()
                .filter(|d| d.subject.kind() == "city_help")
                .map(|d| (d.tick, d.level.name(), d.passed))
                .collect();
            (
                decisions,
                helped,
                winter(&decided, seed, days),
                winter(&without, seed, days),
            )
        })
        .collect();
    let mut passed = 0;
    for (seed, (decisions, helped, decided, without)) in (1..=20).zip(&results) {
        for (r, region) in ["region 0", "region 1"].iter().enumerate() {
            let days = &helped[r];
            match decisions.iter().find(|d| d.1 == *region && d.2) {
                Some(first) => {
                    passed += 1;
                    assert!(
                        days.first().is_some_and(|&d| d >= first.0),
                        "seed {seed}: {region} agreed on day {}, helped on {days:?}",
                        first.0
                    );
                }
                None => assert!(days.is_empty(), "seed {seed}: {region} helped on {days:?}"),
            }
        }
        // Every decision taken up passed (the urban delegates carry it).
        assert!(decisions.iter().all(|d| d.2), "seed {seed}: {decisions:?}");
        // Up to the first agreement the run is the run without city help; from it the cities
        // are helped.
        let first = decisions.first().map_or(days as usize, |d| d.0 as usize);
        assert_eq!(decided.days[..first], without.days[..first], "seed {seed}");
        assert_eq!(
            decided.received_urban > 0.0,
            first < days as usize,
            "seed {seed}"
        );
        assert_eq!(decided.received_rural + decided.given_urban, 0.0);
    }
    assert!(passed >= 20, "{passed} of 40 regions agreed");
}

#[test]
fn harvest_help_decided_without_urban_communities_is_refused() {
    assert_refused(&[(
        "[labour]\nharvest_help_decided = true\n",
        "labour.harvest_help_decided",
        "names no urban community",
    )]);
}

/// Communities with a location (`x_km`, `y_km`) are joined by links as long as the straight
/// line between them times `rail.detour_factor`; a link with an end that has none keeps its
/// drawn length, and the draws of the others do not change.
#[test]
fn located_communities_are_joined_by_links_as_long_as_the_distance_between_them() {
    let base = "[population]\ncommunities = 4\ncommunities_per_region = 4\n\
                [rail]\ndetour_factor = 1.5\nextra_links_per_region = 3\n";
    let located = format!(
        "{base}[[population.overrides]]\ncommunity = 0\nx_km = 0\ny_km = 0\n\
         [[population.overrides]]\ncommunity = 1\nx_km = 3\ny_km = 4\n\
         [[population.overrides]]\ncommunity = 2\nx_km = 6\ny_km = 8\n"
    );
    let links = |text: &str| {
        let s = commune::scenario::parse(text, "t").unwrap();
        let mut sim = Simulation::new(s.params, 7);
        commune::model::rail::links::built(sim.world_mut())
    };
    let (drawn, placed) = (links(base), links(&located));
    assert_eq!(drawn.len(), placed.len());
    for (d, p) in drawn.iter().zip(&placed) {
        assert_eq!((d.a, d.b), (p.a, p.b));
        let straight = |c: u32| {
            [(0.0, 0.0), (3.0, 4.0), (6.0, 8.0)]
                .get(c as usize)
                .copied()
        };
        match (straight(p.a), straight(p.b)) {
            (Some(a), Some(b)) => {
                let km = f64::hypot(a.0 - b.0, a.1 - b.1) * 1.5;
                assert!((p.km - km).abs() < 1e-9, "{p:?}");
            }
            _ => assert_eq!(d.km, p.km, "{p:?}"),
        }
    }
    assert!(placed.iter().any(|l| l.b == 3 || l.a == 3));
    assert!(placed.iter().any(|l| (l.a, l.b) == (0, 1)));
}

#[test]
fn a_location_needs_both_coordinates() {
    assert_refused(&[
        (
            "[population]\ncommunities = 2\n[[population.overrides]]\ncommunity = 1\nx_km = 3\n",
            "population.overrides.0.y_km",
            "is missing: a location is `x_km` and `y_km` together",
        ),
        (
            "[population]\ncommunities = 2\n[[population.overrides]]\ncommunity = 1\nx_km = 3\ny_km = 1e9\n",
            "population.overrides.0.y_km",
            "it must be between -20000 and 20000 km",
        ),
    ]);
}

/// `population.urban_needs` scales what an urban community's members need of a good, and
/// nothing of a rural one's: every community's need of every good on the first day, against the
/// same world without it (the same draws), and the world's hours over two months.
#[test]
fn urban_needs_scale_the_urban_communities_needs_only() {
    use commune::model::kernel::goods::{Good, N_GOODS};
    use commune::model::kernel::ledger::{Days, GoodsDay};
    use commune::model::kernel::params::Sector;
    let base = city_and_country(true);
    let scaled = base
        .clone()
        .with_values(
            &[
                "population.urban_needs.transport",
                "population.urban_needs.devices",
            ],
            &[2.0.into(), 0.5.into()],
        )
        .unwrap();
    let urban = &base.params.population.urban;
    let mut a = Simulation::new(base.params.clone(), 3);
    let mut b = Simulation::new(scaled.params.clone(), 3);
    a.step();
    b.step();
    let need_a: Vec<[f64; N_GOODS]> = a
        .world_mut()
        .resource::<Days<GoodsDay>>()
        .iter()
        .map(|d| d.need)
        .collect();
    let need_b: Vec<[f64; N_GOODS]> = b
        .world_mut()
        .resource::<Days<GoodsDay>>()
        .iter()
        .map(|d| d.need)
        .collect();
    for (c, (x, y)) in need_a.iter().zip(&need_b).enumerate() {
        let is_urban = urban.contains(&(c as u32));
        for good in Good::ALL {
            let factor = match (is_urban, good) {
                (true, Good::Transport) => 2.0,
                (true, Good::Devices) => 0.5,
                _ => 1.0,
            };
            let (x, y) = (x[good.index()], y[good.index()]);
            if x == 0.0 {
                // Textiles are made only for other syndicates.
                assert_eq!(y, 0.0, "community {c}, {}", good.name());
                assert!(factor == 1.0, "community {c} needs no {}", good.name());
                continue;
            }
            assert!(
                (y / x - factor).abs() < 1e-12,
                "community {c}, {}: {y} against {x}",
                good.name()
            );
        }
    }
    // Over two months the syndicates follow: more hours on transport, fewer on devices.
    let hours = |s: &Scenario, sector: Sector| -> f64 {
        let mut sim = Simulation::new(s.params.clone(), 3);
        (0..60)
            .map(|_| sim.step().sector_hours[sector.index()])
            .sum()
    };
    for (good, more) in [(Good::Transport, true), (Good::Devices, false)] {
        let (x, y) = (
            hours(&base, Sector::Making(good)),
            hours(&scaled, Sector::Making(good)),
        );
        assert!(
            if more { y > 1.2 * x } else { y < 0.9 * x },
            "{}: {x} h, then {y} h",
            good.name()
        );
    }
}

#[test]
fn bad_urban_needs_are_refused() {
    assert_refused(&[
        (
            "[population.urban_needs]\nhousing = 2\n",
            "population.urban_needs.housing",
            "floor area",
        ),
        (
            "[population.urban_needs]\ntransprt = 2\n",
            "population.urban_needs.transprt",
            "did you mean `transport`",
        ),
        (
            "[population.urban_needs]\ntransport = -1\n",
            "population.urban_needs.transport",
            "",
        ),
        (
            "[economy]\ntable = \"wiod2016\"\n[labour]\nmin_skill = 1.0\n[population.urban_needs]\ntransport = 2\n",
            "population.urban_needs.transport",
            "economy.table",
        ),
    ]);
}
