//! Range checks on every value of a scenario. Each check names its key and says what is allowed.

use super::Scenario;
use crate::model::calendar::YEAR;
use crate::model::components::LEFTOVER_SLOTS;
use crate::model::economy::technical_matrix;
use crate::model::energy::{EnergyUser, Source};
use crate::model::goods::{Good, leontief_inverse};
use crate::model::params::Sector;

/// Most persons a scenario may hold: about 2 GB of state, far beyond the shipped `large` scenario.
pub const MAX_PERSONS: u64 = 20_000_000;
/// Largest community allowed. The essay's communities are "no more than 200 people"; larger ones
/// are allowed for experiments, up to this face-to-face limit.
pub const MAX_COMMUNITY: u32 = 1_000;

struct Checks {
    problems: Vec<(String, String)>,
}

impl Checks {
    fn fail(&mut self, key: &str, message: String) {
        self.problems.push((key.to_owned(), message));
    }

    /// `value` must be finite and within `lo..=hi`.
    fn range(&mut self, key: &str, value: f64, lo: f64, hi: f64, unit: &str) {
        if !value.is_finite() {
            self.fail(key, format!("must be a finite number, not {value}"));
        } else if value < lo || value > hi {
            let unit = if unit.is_empty() {
                String::new()
            } else {
                format!(" {unit}")
            };
            self.fail(
                key,
                format!("is {value}{unit}; it must be between {lo} and {hi}{unit}"),
            );
        }
    }

    fn share(&mut self, key: &str, value: f64) {
        self.range(key, value, 0.0, 1.0, "");
    }

    fn count(&mut self, key: &str, value: u64, lo: u64, hi: u64) {
        if value < lo || value > hi {
            self.fail(key, format!("is {value}; it must be between {lo} and {hi}"));
        }
    }
}

/// Every problem with the values of `s`, as (dotted key, message).
pub fn check(s: &Scenario) -> Vec<(String, String)> {
    let mut c = Checks {
        problems: Vec::new(),
    };
    let name = &s.meta.name;
    if name.is_empty()
        || name.starts_with('.')
        || !name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "-_.".contains(ch))
    {
        c.fail(
            "name",
            format!(
                "{name:?} cannot name an output folder: use letters, digits, '-', '_' and '.', \
                 not starting with '.'"
            ),
        );
    }
    c.count("ticks", u64::from(s.meta.ticks), 1, 100 * u64::from(YEAR));

    let p = &s.params.population;
    c.count(
        "population.communities",
        u64::from(p.communities),
        1,
        1_000_000,
    );
    c.count(
        "population.persons_per_community",
        u64::from(p.persons_per_community),
        1,
        u64::from(MAX_COMMUNITY),
    );
    let total = u64::from(p.communities) * u64::from(p.persons_per_community);
    if total > MAX_PERSONS {
        c.fail(
            "population.communities",
            format!(
                "{} communities of {} make {total} persons, more than the {MAX_PERSONS} that fit \
                 in memory",
                p.communities, p.persons_per_community
            ),
        );
    }
    c.count(
        "population.communities_per_region",
        u64::from(p.communities_per_region),
        1,
        1_000_000,
    );
    c.share("population.child_share", p.child_share);
    c.share("population.elder_share", p.elder_share);
    let shares_valid = (0.0..=1.0).contains(&p.child_share) && (0.0..=1.0).contains(&p.elder_share);
    if shares_valid && p.child_share + p.elder_share > 1.0 {
        c.fail(
            "population.elder_share",
            format!(
                "child_share + elder_share is {}; it must be at most 1",
                p.child_share + p.elder_share
            ),
        );
    }
    c.share("population.incapacitated_share", p.incapacitated_share);

    let h = &s.params.health;
    c.share(
        "health.daily_illness_probability",
        h.daily_illness_probability,
    );
    c.range(
        "health.mean_illness_days",
        h.mean_illness_days,
        1.0,
        365.0,
        "days",
    );

    let l = &s.params.labour;
    c.range(
        "labour.willing_hours_mean",
        l.willing_hours_mean,
        0.0,
        24.0,
        "h/day",
    );
    c.range(
        "labour.willing_hours_sd",
        l.willing_hours_sd,
        0.0,
        12.0,
        "h/day",
    );
    c.range(
        "labour.max_hours_per_day",
        l.max_hours_per_day,
        0.0,
        24.0,
        "h/day",
    );
    c.share("labour.elder_willingness", l.elder_willingness);
    c.range("labour.min_skill", l.min_skill, 0.01, 1.0, "");
    c.range("labour.waking_hours", l.waking_hours, 0.0, 24.0, "h/day");
    if l.waking_hours < l.max_hours_per_day {
        c.fail(
            "labour.waking_hours",
            format!(
                "is {} h/day, less than max_hours_per_day ({} h/day)",
                l.waking_hours, l.max_hours_per_day
            ),
        );
    }
    c.count(
        "labour.volunteer_rounds",
        u64::from(l.volunteer_rounds),
        1,
        20,
    );
    for (key, list) in [
        ("labour.undesirable_sectors", &l.undesirable_sectors),
        ("labour.sedentary_sectors", &l.sedentary_sectors),
    ] {
        for name in list {
            if !Sector::all().any(|s| s.name() == name) {
                let names: Vec<&str> = Sector::all().map(|s| s.name()).collect();
                c.fail(
                    key,
                    format!("{name:?} is not a sector; sectors are {}", names.join(", ")),
                );
            }
        }
    }
    c.range(
        "labour.swap_start_day",
        f64::from(l.swap_start_day),
        0.0,
        364.0,
        "day of year",
    );
    c.range(
        "labour.swap_days",
        f64::from(l.swap_days),
        0.0,
        365.0,
        "days",
    );
    c.share("labour.undesirable_appeal", l.undesirable_appeal);
    c.range("labour.incentive_factor", l.incentive_factor, 1.0, 10.0, "");

    let a = &s.params.assembly;
    for (level, rules) in [
        ("community", &a.community),
        ("region", &a.region),
        ("world", &a.world),
    ] {
        let key = |k: &str| format!("assembly.{level}.{k}");
        c.count(
            &key("interval_days"),
            u64::from(rules.interval_days),
            1,
            100 * u64::from(YEAR),
        );
        c.range(&key("supermajority"), rules.supermajority, 0.5, 1.0, "");
        c.count(
            &key("consensus_rounds"),
            u64::from(rules.consensus_rounds),
            1,
            16,
        );
        c.share(&key("quorum"), rules.quorum);
        c.share(&key("attendance"), rules.attendance);
    }
    c.share("assembly.deviation_probability", a.deviation_probability);
    c.share("assembly.detection_probability", a.detection_probability);
    c.range("assembly.vote_noise", a.vote_noise, 0.0, 10.0, "");
    c.share("assembly.solidarity", a.solidarity);
    c.range(
        "assembly.max_artists",
        f64::from(a.max_artists),
        0.0,
        1000.0,
        "persons",
    );
    c.share("assembly.artist_value", a.artist_value);
    c.share("assembly.artist_acceptance", a.artist_acceptance);
    c.range(
        "assembly.stand_aside_step",
        a.stand_aside_step,
        0.0,
        10.0,
        "",
    );
    c.range(
        "assembly.idle_cover_days",
        a.idle_cover_days,
        0.0,
        f64::from(YEAR) * 10.0,
        "days",
    );
    let g = &s.params.guilds;
    c.range(
        "guilds.hours_per_member",
        g.hours_per_member,
        0.0,
        24.0,
        "h/day",
    );
    c.share("guilds.variety_value", g.variety_value);
    for name in &g.goods {
        if !Good::ALL.iter().any(|good| good.name() == name) {
            let names: Vec<&str> = Good::ALL.iter().map(|good| good.name()).collect();
            c.fail(
                "guilds.goods",
                format!("{name:?} is not a good; goods are {}", names.join(", ")),
            );
        }
    }
    c.share("guilds.founding_appeal", g.founding_appeal);
    c.range(
        "guilds.min_founders",
        f64::from(g.min_founders),
        1.0,
        1000.0,
        "persons",
    );
    c.range(
        "guilds.max_members",
        f64::from(g.max_members),
        1.0,
        1000.0,
        "persons",
    );
    c.share("guilds.founding_probability", g.founding_probability);

    let f = &s.params.food;
    c.range(
        "food.need_kcal_per_day",
        f.need_kcal_per_day,
        1.0,
        10_000.0,
        "kcal",
    );
    c.range("food.child_need_factor", f.child_need_factor, 0.0, 2.0, "");
    c.range("food.kcal_per_kg", f.kcal_per_kg, 100.0, 9_000.0, "kcal/kg");
    // A uniform appetite factor stays positive while its coefficient of variation is below 1/sqrt(3).
    c.range("food.appetite_cv", f.appetite_cv, 0.0, 0.5, "");
    c.range(
        "food.arable_ha_per_person",
        f.arable_ha_per_person,
        0.0,
        100.0,
        "ha",
    );
    c.range(
        "food.yield_kg_per_ha",
        f.yield_kg_per_ha,
        1.0,
        100_000.0,
        "kg/ha/yr",
    );
    c.range(
        "food.labour_hours_per_ha",
        f.labour_hours_per_ha,
        0.0,
        10_000.0,
        "h/ha/yr",
    );
    c.count(
        "food.planning_day",
        u64::from(f.planning_day),
        0,
        u64::from(YEAR) - 1,
    );
    c.count(
        "food.harvest_peak_day",
        u64::from(f.harvest_peak_day),
        0,
        u64::from(YEAR) - 1,
    );
    c.range(
        "food.harvest_spread_days",
        f.harvest_spread_days,
        1.0,
        60.0,
        "days",
    );
    if f.planning_day < YEAR && f.harvest_peak_day < YEAR && f.harvest_spread_days.is_finite() {
        // The whole harvest (three spreads either side of its peak) must fall between one
        // planning day and the next, or a season's harvest would be credited to the wrong plan.
        let gap = f64::from((f.harvest_peak_day + YEAR - f.planning_day) % YEAR);
        let reach = 3.0 * f.harvest_spread_days;
        if gap - reach < 1.0 || gap + reach > f64::from(YEAR) {
            c.fail(
                "food.harvest_peak_day",
                format!(
                    "the harvest around day {} (plus or minus {reach} days) must fall between \
                     planning day {} and the next year's",
                    f.harvest_peak_day, f.planning_day
                ),
            );
        }
    }
    c.share("food.harvest_labour_share", f.harvest_labour_share);
    c.range("food.reserve_share", f.reserve_share, 0.0, 2.0, "");
    c.range(
        "food.initial_stock_days",
        f.initial_stock_days,
        0.0,
        3650.0,
        "days",
    );
    c.share("food.store_spoilage_per_day", f.store_spoilage_per_day);
    c.share("food.garden_share", f.garden_share);
    c.range(
        "food.garden_yield_kg_per_year",
        f.garden_yield_kg_per_year,
        0.0,
        10_000.0,
        "kg",
    );
    c.range(
        "food.garden_hours_per_day",
        f.garden_hours_per_day,
        0.0,
        12.0,
        "h/day",
    );
    let (first, last) = f.growing_season;
    c.count(
        "food.growing_season",
        u64::from(first.max(last)),
        0,
        u64::from(YEAR) - 1,
    );
    c.share("food.kitchen_share", f.kitchen_share);
    c.range(
        "food.kitchen_hours_per_kg",
        f.kitchen_hours_per_kg,
        0.0,
        10.0,
        "h/kg",
    );
    c.share("food.kitchen_margin", f.kitchen_margin);
    c.count(
        "food.leftover_days",
        u64::from(f.leftover_days),
        0,
        LEFTOVER_SLOTS as u64 - 1,
    );
    c.range(
        "food.household_waste_share",
        f.household_waste_share,
        0.0,
        0.9,
        "",
    );

    for good in Good::ALL {
        let p = s.params.goods.get(*good);
        let key = |field: &str| format!("goods.{}.{field}", good.name());
        let unit = format!("{}/person/day", good.unit());
        c.range(&key("need_adult"), p.need_adult, 0.0, 1e6, &unit);
        c.range(&key("need_child"), p.need_child, 0.0, 1e6, &unit);
        c.range(&key("need_elder"), p.need_elder, 0.0, 1e6, &unit);
        c.range(&key("need_ill_extra"), p.need_ill_extra, 0.0, 1e6, &unit);
        c.range(
            &key("labour_hours_per_unit"),
            p.labour_hours_per_unit,
            0.0,
            1e4,
            "h",
        );
        c.range(&key("kg_co2e_per_unit"), p.kg_co2e_per_unit, 0.0, 1e6, "kg");
        c.range(&key("reserve_days"), p.reserve_days, 0.0, 3650.0, "days");
        c.range(
            &key("initial_stock_days"),
            p.initial_stock_days,
            0.0,
            3650.0,
            "days",
        );
    }
    let mut inputs_valid = true;
    for output in Good::ALL {
        for input in Good::ALL {
            let a = s.params.inputs.row(*output).get(*input);
            if !a.is_finite() || !(0.0..=1e6).contains(&a) {
                inputs_valid = false;
                c.fail(
                    &format!("inputs.{}.{}", output.name(), input.name()),
                    format!(
                        "is {a}; it must be between 0 and 1000000 {} per {}",
                        input.unit(),
                        output.unit()
                    ),
                );
            }
        }
    }
    let t = &s.params.transport;
    c.share("transport.car_share", t.car_share);
    c.range(
        "transport.car_kwh_per_km",
        t.car_kwh_per_km,
        0.0,
        100.0,
        "kWh/passenger-km",
    );
    c.range(
        "transport.car_materials_t_per_km",
        t.car_materials_t_per_km,
        0.0,
        1.0,
        "t/passenger-km",
    );
    c.range(
        "transport.car_hours_per_km",
        t.car_hours_per_km,
        0.0,
        10.0,
        "h/passenger-km",
    );
    c.range(
        "transport.car_kg_co2e_per_km",
        t.car_kg_co2e_per_km,
        0.0,
        100.0,
        "kg/passenger-km",
    );
    c.range(
        "transport.car_hours_saved_per_km",
        t.car_hours_saved_per_km,
        0.0,
        10.0,
        "h/passenger-km",
    );
    let cars_valid = c.problems.iter().all(|(k, _)| !k.starts_with("transport."));
    // Where the world may vote cars in, the coefficients must work with them too.
    let with_cars = {
        let mut p = s.params.clone();
        p.transport.cars_allowed |= p.transport.cars_vote;
        p
    };
    if inputs_valid
        && cars_valid
        && (leontief_inverse(&technical_matrix(&s.params)).is_none()
            || leontief_inverse(&technical_matrix(&with_cars)).is_none())
    {
        c.fail(
            "inputs",
            "these coefficients cannot meet any need: some good takes, directly or through \
             others, more of itself than it makes (the matrix I - A has no non-negative inverse)"
                .to_owned(),
        );
    }

    c.share("clothing.wearable_share", s.params.clothing.wearable_share);
    c.range(
        "clothing.garment_kg",
        s.params.clothing.garment_kg,
        0.0,
        100.0,
        "kg",
    );

    let en = &s.params.energy;
    for source in Source::ALL {
        let p = en.source(source);
        let key = |field: &str| format!("energy.{}.{field}", source.name());
        c.range(&key("kw_per_person"), p.kw_per_person, 0.0, 1000.0, "kW");
        c.range(&key("capacity_factor"), p.capacity_factor, 0.01, 1.0, "");
        c.range(
            &key("g_co2e_per_kwh"),
            p.g_co2e_per_kwh,
            0.0,
            2000.0,
            "g/kWh",
        );
        c.share(&key("seasonal_amplitude"), p.seasonal_amplitude);
        c.count(
            &key("peak_day"),
            u64::from(p.peak_day),
            0,
            u64::from(YEAR) - 1,
        );
        c.range(
            &key("build_hours_per_kw"),
            p.build_hours_per_kw,
            0.0,
            100_000.0,
            "h/kW",
        );
        c.range(
            &key("build_materials_t_per_kw"),
            p.build_materials_t_per_kw,
            0.0,
            1_000.0,
            "t/kW",
        );
        c.range(&key("build_days"), p.build_days, 1.0, 36_500.0, "days");
        c.range(
            &key("lifetime_years"),
            p.lifetime_years,
            0.1,
            1_000.0,
            "years",
        );
    }
    let mut seen = Vec::new();
    for (i, name) in en.curtailment_order.iter().enumerate() {
        let key = format!("energy.curtailment_order.{i}");
        match EnergyUser::from_name(name) {
            None => {
                let known = EnergyUser::names();
                let close = known
                    .iter()
                    .map(|k| (super::edit_distance(name, k), *k))
                    .filter(|(d, k)| *d <= 2.max(k.len() / 4))
                    .min();
                let hint = match close {
                    Some((_, k)) => format!("did you mean `{k}`? "),
                    None => String::new(),
                };
                c.fail(
                    &key,
                    format!(
                        "`{name}` is not a user of energy; {hint}the users are {}",
                        known.join(", ")
                    ),
                );
            }
            Some(user) if seen.contains(&user) => {
                c.fail(&key, format!("`{name}` is named twice"));
            }
            Some(user) => seen.push(user),
        }
    }
    if !en.expand_source.is_empty() {
        match Source::from_name(&en.expand_source) {
            None => c.fail(
                "energy.expand_source",
                format!(
                    "`{}` is not a source; the sources are {}",
                    en.expand_source,
                    Source::ALL.map(Source::name).join(", ")
                ),
            ),
            Some(source) if !en.allowed(source) => c.fail(
                "energy.expand_source",
                format!(
                    "`{}` plants are not allowed in this scenario (allow_{} is false)",
                    en.expand_source, en.expand_source
                ),
            ),
            Some(_) => {}
        }
    }
    c.count(
        "energy.expand_review_days",
        u64::from(en.expand_review_days),
        1,
        3650,
    );
    c.range(
        "energy.storage_kwh_per_person",
        en.storage_kwh_per_person,
        0.0,
        10_000.0,
        "kWh",
    );
    c.range(
        "energy.storage_efficiency",
        en.storage_efficiency,
        0.01,
        1.0,
        "",
    );
    c.share("energy.grid_loss_share", en.grid_loss_share);
    c.range("energy.weather_cv", en.weather_cv, 0.0, 0.5, "");
    c.share("energy.capacity_spread", en.capacity_spread);
    c.range(
        "energy.regional_scale_factor",
        en.regional_scale_factor,
        0.01,
        1.0,
        "",
    );
    c.range(
        "energy.regional_site_gain",
        en.regional_site_gain,
        1.0,
        2.0,
        "",
    );
    c.share("energy.transmission_loss_share", en.transmission_loss_share);

    let rail = &s.params.rail;
    c.range("rail.link_km_min", rail.link_km_min, 0.01, 10_000.0, "km");
    c.range("rail.link_km_max", rail.link_km_max, 0.01, 10_000.0, "km");
    if rail.link_km_max < rail.link_km_min {
        c.fail(
            "rail.link_km_max",
            format!(
                "is {} km, less than link_km_min ({} km)",
                rail.link_km_max, rail.link_km_min
            ),
        );
    }
    c.count(
        "rail.extra_links_per_region",
        u64::from(rail.extra_links_per_region),
        0,
        1_000,
    );
    c.range(
        "rail.capacity_tonne_km_per_day",
        rail.capacity_tonne_km_per_day,
        0.0,
        1e9,
        "tonne-km/day",
    );
    c.range(
        "rail.kwh_per_tonne_km",
        rail.kwh_per_tonne_km,
        0.0,
        100.0,
        "kWh/tonne-km",
    );
    c.range(
        "rail.maintenance_hours_per_km_year",
        rail.maintenance_hours_per_km_year,
        0.0,
        100_000.0,
        "h/km/yr",
    );
    c.range(
        "rail.min_shortfall_days",
        rail.min_shortfall_days,
        0.0,
        365.0,
        "days",
    );
    c.range(
        "rail.kwh_per_passenger_km",
        rail.kwh_per_passenger_km,
        0.0,
        10.0,
        "kWh/passenger-km",
    );
    c.count(
        "rail.source_regions",
        u64::from(rail.source_regions),
        1,
        100_000,
    );
    for (i, link) in rail.links.iter().enumerate() {
        let key = |field: &str| format!("rail.links.{i}.{field}");
        for (field, id) in [("from", link.from), ("to", link.to)] {
            if id >= p.communities {
                c.fail(
                    &key(field),
                    format!(
                        "community {id} does not exist; ids run from 0 to {}",
                        p.communities.saturating_sub(1)
                    ),
                );
            }
        }
        if link.from == link.to {
            c.fail(
                &key("to"),
                "a link must join two different communities".to_owned(),
            );
        }
        c.range(&key("km"), link.km, 0.01, 10_000.0, "km");
    }

    let m = &s.params.market;
    c.range("market.overproduction", m.overproduction, 0.0, 2.0, "");
    c.share("market.unemployed_share", m.unemployed_share);
    c.range("market.money_law_share", m.money_law_share, 0.0, 0.9, "");

    let d = &s.params.dwellings;
    c.range(
        "dwellings.m2_per_person",
        d.m2_per_person,
        0.0,
        1_000.0,
        "m2",
    );
    c.share("dwellings.vacancy_share", d.vacancy_share);
    c.range("dwellings.life_years", d.life_years, 1.0, 10_000.0, "years");
    c.range(
        "dwellings.build_hours_per_m2",
        d.build_hours_per_m2,
        0.0,
        10_000.0,
        "h/m2",
    );
    c.range(
        "dwellings.build_materials_t_per_m2",
        d.build_materials_t_per_m2,
        0.0,
        100.0,
        "t/m2",
    );
    c.range("dwellings.build_days", d.build_days, 1.0, 36_500.0, "days");

    let gl = &s.params.global;
    c.count(
        "global.device_communities_per_region",
        u64::from(gl.device_communities_per_region),
        1,
        u64::from(p.communities_per_region.max(1)),
    );
    c.range(
        "global.data_network_hours_per_person_year",
        gl.data_network_hours_per_person_year,
        0.0,
        1_000.0,
        "h/person/year",
    );
    c.range(
        "global.data_network_kwh_per_person_day",
        gl.data_network_kwh_per_person_day,
        0.0,
        100.0,
        "kWh/person/day",
    );

    let l = &s.params.learning;
    c.share("learning.training_share", l.training_share);
    c.range(
        "learning.training_hours_per_day",
        l.training_hours_per_day,
        0.0,
        s.params.labour.max_hours_per_day,
        "h/day (at most labour.max_hours_per_day)",
    );
    c.share("learning.skill_gain_per_hour", l.skill_gain_per_hour);
    c.share("learning.research_share", l.research_share);
    if l.research && l.research_communities.is_empty() {
        c.fail(
            "learning.research_communities",
            "research is on: name at least one research community".to_owned(),
        );
    }
    for (i, id) in l.research_communities.iter().enumerate() {
        if *id >= p.communities {
            c.fail(
                &format!("learning.research_communities.{i}"),
                format!(
                    "community {id} does not exist; ids run from 0 to {}",
                    p.communities.saturating_sub(1)
                ),
            );
        }
    }
    c.range(
        "learning.research_hours_scale",
        l.research_hours_scale,
        1.0,
        1e15,
        "h",
    );
    c.share("learning.research_elasticity", l.research_elasticity);
    c.range("learning.max_technology", l.max_technology, 1.0, 100.0, "");

    let e = &s.params.footprint;
    c.range(
        "footprint.farm_kg_co2e_per_kg",
        e.farm_kg_co2e_per_kg,
        0.0,
        100.0,
        "kg/kg",
    );
    c.range(
        "footprint.cooking_kwh_per_kg",
        e.cooking_kwh_per_kg,
        0.0,
        100.0,
        "kWh/kg",
    );
    c.range(
        "footprint.waste_kg_co2e_per_kg",
        e.waste_kg_co2e_per_kg,
        0.0,
        100.0,
        "kg/kg",
    );
    c.problems
}

#[cfg(test)]
mod tests {
    use super::super::parse;

    fn keys(text: &str) -> Vec<String> {
        parse(text, "t")
            .expect_err("should fail")
            .into_iter()
            .map(|p| p.key)
            .collect()
    }

    #[test]
    fn absurd_values_are_refused() {
        assert_eq!(
            keys("[population]\npersons_per_community = 1000000\n"),
            ["population.persons_per_community"]
        );
        assert_eq!(
            keys("[population]\ncommunities = 900000\npersons_per_community = 200\n"),
            ["population.communities"]
        );
        assert_eq!(
            keys("[health]\ndaily_illness_probability = 1.5\n"),
            ["health.daily_illness_probability"]
        );
        assert_eq!(
            keys("[food]\nyield_kg_per_ha = nan\n"),
            ["food.yield_kg_per_ha"]
        );
        assert_eq!(keys("name = \"../etc\"\n"), ["name"]);
        assert_eq!(
            keys("[food]\nharvest_peak_day = 70\n"),
            ["food.harvest_peak_day"]
        );
    }

    #[test]
    fn negative_counts_are_type_errors() {
        assert_eq!(
            keys("[population]\ncommunities = -3\n"),
            ["population.communities"]
        );
    }

    #[test]
    fn goods_and_inputs_are_checked() {
        assert_eq!(
            keys("[goods.clothing]\nneed_adult = -1\n"),
            ["goods.clothing.need_adult"]
        );
        assert_eq!(keys("[inputs.energy]\nenergy = 1.5\n"), ["inputs"]);
        assert_eq!(
            keys("[inputs.devices]\nmaterials = inf\n"),
            ["inputs.devices.materials"]
        );
    }

    #[test]
    fn rail_links_must_join_existing_communities() {
        let text = "[population]\ncommunities = 3\n[[rail.links]]\nfrom = 0\nto = 7\nkm = 4\n\
                    [[rail.links]]\nfrom = 1\nto = 1\nkm = -2\n";
        let problems = parse(text, "t").unwrap_err();
        let keys: Vec<_> = problems.iter().map(|p| (p.key.as_str(), p.line)).collect();
        assert_eq!(
            keys,
            [
                ("rail.links.0.to", Some(5)),
                ("rail.links.1.to", Some(9)),
                ("rail.links.1.km", Some(10))
            ]
        );
    }

    #[test]
    fn curtailment_order_names_users_of_energy_once() {
        let text = "[energy]\nallow_fossil = false\ncurtailment_order = [\n  \"devices\",\n  \"hoems\",\n  \"devices\",\n]\nexpand_source = \"fossil\"\n";
        let problems = parse(text, "t").unwrap_err();
        let found: Vec<_> = problems
            .iter()
            .map(|p| (p.key.as_str(), p.line, p.message.as_str()))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, "energy.curtailment_order.1");
        assert_eq!(found[0].1, Some(5));
        assert!(
            found[0].2.contains("did you mean `homes`?"),
            "{}",
            found[0].2
        );
        assert_eq!(found[1].0, "energy.curtailment_order.2");
        assert_eq!(found[1].1, Some(6));
        assert!(found[1].2.contains("named twice"));
        assert_eq!(found[2].0, "energy.expand_source");
        assert!(found[2].2.contains("not allowed"));
        assert!(
            parse(
                "[energy]\ncurtailment_order = [\"devices\", \"homes\"]\n",
                "t"
            )
            .is_ok()
        );
    }

    #[test]
    fn market_and_transport_values_are_checked() {
        assert_eq!(
            keys("[market]\nunemployed_share = 1.5\nmoney_law_share = 0.95\n"),
            ["market.unemployed_share", "market.money_law_share"]
        );
        assert_eq!(
            keys("[transport]\ncars_allowed = true\ncar_share = -0.1\n"),
            ["transport.car_share"]
        );
    }

    #[test]
    fn defaults_are_valid() {
        assert!(parse("", "t").is_ok());
    }
}
