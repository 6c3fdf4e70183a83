//! Range checks on every value of a scenario. Each check names its key and says what is allowed.

use super::Scenario;
use crate::model::Params;
use crate::model::kernel::calendar::YEAR;
use crate::model::kernel::decisions::{COMMUNITY_AGENDA, REGION_AGENDA, WORLD_AGENDA};
use crate::model::kernel::decl;
use crate::model::kernel::decl::Check;
use crate::model::kernel::goods::{Good, leontief_inverse};
use crate::model::kernel::params::economy::{InputAgreements, LongerBy, Planning, Shortfall};
use crate::model::kernel::params::energy::{EnergyUser, Source};
use crate::model::kernel::params::{MAX_COMMUNITY, Sector};
use crate::model::kernel::technology::technical_matrix;

/// Most persons a scenario may hold: about 2 GB of state, far beyond the shipped `large` scenario.
pub const MAX_PERSONS: u64 = 20_000_000;

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

/// The checks every parameter's declaration states (`model::kernel::decl`): shares, ranges, counts.
fn declared(c: &mut Checks, params: &Params) {
    for (path, value) in params.leaves() {
        let (Some(d), Some(x)) = (decl::find(&path), value.as_f64()) else {
            continue;
        };
        // Shares are numbers from 0 to 1: the bounds say it all.
        let unit = if d.unit.starts_with("share") {
            ""
        } else {
            d.unit
        };
        match d.check {
            Check::Free | Check::Choice(_) => {}
            Check::Share => c.share(&path, x),
            Check::Range(lo, hi) => c.range(&path, x, lo, hi, unit),
            Check::Count(lo, hi) => c.count(&path, x as u64, lo, hi),
        }
    }
}

/// Every problem with the values of `s`, as (dotted key, message).
pub fn check(s: &Scenario) -> Vec<(String, String)> {
    let mut c = Checks {
        problems: Vec::new(),
    };
    meta(&mut c, s);
    declared(&mut c, &s.params);
    population(&mut c, s);
    labour(&mut c, s);
    assembly(&mut c, s);
    guilds(&mut c, s);
    food_and_goods(&mut c, s);
    energy(&mut c, s);
    rail(&mut c, s);
    global(&mut c, s);
    learning(&mut c, s);
    economy(&mut c, s);
    demography(&mut c, s);
    c.problems
}

/// `population.household_sizes` and `household_shares`: a distribution of household sizes.
fn households(c: &mut Checks, p: &crate::model::kernel::params::PopulationParams) {
    const LARGEST: u32 = 50;
    let (sizes, shares) = (&p.household_sizes, &p.household_shares);
    if sizes.len() != shares.len() {
        c.fail(
            "population.household_shares",
            format!(
                "has {} entries but `household_sizes` has {}; give one share for each size",
                shares.len(),
                sizes.len()
            ),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for &n in sizes {
        if !(1..=LARGEST).contains(&n) {
            c.fail(
                "population.household_sizes",
                format!("has a household of {n} persons; a household has 1 to {LARGEST}"),
            );
        } else if !seen.insert(n) {
            c.fail(
                "population.household_sizes",
                format!("gives the size {n} twice"),
            );
        }
    }
    for (i, &x) in shares.iter().enumerate() {
        if !(x.is_finite() && (0.0..=1.0).contains(&x)) {
            c.fail(
                "population.household_shares",
                format!("gives the share {x} (entry {i}); each share is from 0 to 1"),
            );
        }
    }
    let total: f64 = shares.iter().sum();
    if !shares.is_empty() && total.is_finite() && (total - 1.0).abs() > 1e-3 {
        c.fail(
            "population.household_shares",
            format!("adds up to {total}; the shares of the sizes must add up to 1"),
        );
    }
    if p.leave_home_rate > 0.0 && sizes.is_empty() {
        c.fail(
            "population.leave_home_rate",
            format!(
                "is {}, but there are no households (`household_sizes` is empty): only a \
                 household has a home to leave",
                p.leave_home_rate
            ),
        );
    }
}

/// `[demography]`: children grow into adults before adults retire.
fn demography(c: &mut Checks, s: &Scenario) {
    let d = &s.params.demography;
    if d.adult_age >= d.retirement_age {
        c.fail(
            "demography.retirement_age",
            format!(
                "is {}; it must be above `adult_age` ({}), or nobody would work as an adult",
                d.retirement_age, d.adult_age
            ),
        );
    }
}

/// `[economy]`: a table's hours are hours actually worked, and already include what the market
/// spends on money and law and what it throws away.
fn economy(c: &mut Checks, s: &Scenario) {
    let p = &s.params;
    if p.economy.planning == Planning::Participatory
        && p.economy.shortfall == Shortfall::Vote
        && !p.assembly.enabled
    {
        c.fail(
            "economy.shortfall",
            "is \"vote\", but assemblies are off (`assembly.enabled = false`): no assembly \
             would vote to work longer, so requests would always be lowered; turn assemblies on \
             or use \"less\" (the same) or \"longer\""
                .to_owned(),
        );
    }
    let local = p.economy.planning != Planning::Perfect;
    if local && p.economy.from_table() {
        c.fail(
            "economy.planning",
            "must be \"perfect\" with `economy.table`: a table economy's \
             hours come from the published accounts (its output is what was made), and its \
             syndicates keep no stock or orders of their own"
                .to_owned(),
        );
    }
    if local && p.market.overproduction > 0.0 {
        c.fail(
            "market.overproduction",
            format!(
                "is {}; with `economy.planning` \"local\" or \"participatory\" it must be 0: overproduction is the \
                 status quo's rule for perfect planning, and local syndicates make what their \
                 own forecasts say",
                p.market.overproduction
            ),
        );
    }
    if !local && p.economy.syndicate_assemblies {
        c.fail(
            "economy.syndicate_assemblies",
            "needs `economy.planning` \"local\" or \"participatory\": under \"perfect\" \
             nobody keeps a stock target of their own to decide"
                .to_owned(),
        );
    }
    if p.economy.standing_agreements && p.economy.planning != Planning::Local {
        c.fail(
            "economy.standing_agreements",
            format!(
                "needs `economy.planning` \"local\", not {:?}: under \"perfect\" every day's \
                 output is solved from the day's requests, and under \"participatory\" the \
                 sessions' agreed plan replaces the forecast the agreements would firm up",
                planning_name(p.economy.planning)
            ),
        );
    }
    longer_by(c, s);
    if p.economy.input_agreements == InputAgreements::Assemblies && !p.economy.standing_agreements {
        c.fail(
            "economy.input_agreements",
            "is \"assemblies\"; it needs `economy.standing_agreements = true`: the syndicates' \
             agreements with each other are made from the store's firm orders at the start and \
             planned as firm orders beside them"
                .to_owned(),
        );
    }
    if p.economy.standing_agreements && p.economy.share_requests {
        c.fail(
            "economy.share_requests",
            "must be false with `economy.standing_agreements`: syndicates that forecast from \
             the shared requests have no orders of their own to firm up"
                .to_owned(),
        );
    }
    if p.economy.standing_agreements && p.economy.restate_after_days > 0 {
        c.fail(
            "economy.restate_after_days",
            format!(
                "is {}; with `economy.standing_agreements` it must be 0: a community revises \
                 its agreements at its assembly instead of re-stating its requests",
                p.economy.restate_after_days
            ),
        );
    }
    let mut seen = Vec::new();
    for (i, name) in p.economy.cut_order.iter().enumerate() {
        let key = format!("economy.cut_order.{i}");
        let housing = "`housing` cannot be cut: dwellings are kept in repair whatever the plan";
        match good_named(c, &key, name, housing) {
            Some(g) if seen.contains(&g) => c.fail(&key, format!("`{name}` is named twice")),
            Some(g) => seen.push(g),
            None => {}
        }
    }
    for name in p.economy.optional_goods.keys() {
        let key = format!("economy.optional_goods.{name}");
        let housing = "`housing` cannot be optional: everyone lives in a dwelling kept in repair";
        good_named(c, &key, name, housing);
    }
    for name in p.population.urban_needs.keys() {
        let key = format!("population.urban_needs.{name}");
        let housing = "`housing` is floor area: give an urban community's with `m2_per_person` \
                       in `population.overrides` or `population.region_overrides`";
        good_named(c, &key, name, housing);
        if p.economy.from_table() {
            c.fail(
                &key,
                "must be left out with `economy.table`: a table economy's final demand per \
                 resident comes from the published accounts"
                    .to_owned(),
            );
        }
    }
    if p.economy.wants() && p.economy.from_table() {
        let key = if p.economy.wants_cv > 0.0 {
            "economy.wants_cv".to_owned()
        } else {
            format!(
                "economy.optional_goods.{}",
                p.economy
                    .optional_goods
                    .keys()
                    .next()
                    .cloned()
                    .unwrap_or_default()
            )
        };
        c.fail(
            &key,
            "must be left out with `economy.table`: a table economy's final demand per \
             resident comes from the published accounts, not from its members' wants"
                .to_owned(),
        );
    }
    if !p.economy.from_table() {
        return;
    }
    if p.labour.min_skill < 1.0 {
        c.fail(
            "labour.min_skill",
            format!(
                "is {}; with `economy.table` it must be 1: the table's hours per US$ are hours \
                 actually worked at today's skills, and a skill below 1 would make each of them \
                 count for less",
                p.labour.min_skill
            ),
        );
    }
    for (key, value) in [
        ("market.money_law_share", p.market.money_law_share),
        ("market.overproduction", p.market.overproduction),
    ] {
        if value > 0.0 {
            c.fail(
                key,
                format!(
                    "is {value}; with `economy.table` it must be 0: the table's hours and output \
                     already include finance, law and what is made and thrown away (remove \
                     industries with `[economy.scale]` instead)"
                ),
            );
        }
    }
}

/// `economy.planning`'s value as a scenario names it.
fn planning_name(planning: Planning) -> &'static str {
    match planning {
        Planning::Perfect => "perfect",
        Planning::Local => "local",
        Planning::Participatory => "participatory",
    }
}

/// `economy.longer_by = "vote"`: some community must be able to work longer, and its assembly
/// to choose how.
fn longer_by(c: &mut Checks, s: &Scenario) {
    let p = &s.params;
    if p.economy.longer_by != LongerBy::Vote {
        return;
    }
    let key = "economy.longer_by";
    let community = &p.assembly.community;
    if p.economy.planning != Planning::Participatory {
        c.fail(
            key,
            format!(
                "is \"vote\", but `economy.planning` is {:?}: only a participatory planning \
                 session asks members to work longer; use `planning = \"participatory\"`, or \
                 `longer_by` \"everyone\" (it changes nothing then)",
                planning_name(p.economy.planning)
            ),
        );
    } else if p.economy.shortfall == Shortfall::Less {
        c.fail(
            key,
            "is \"vote\", but `economy.shortfall` is \"less\": the community never works \
             longer, so there are no extra hours to share; use `shortfall` \"longer\" or \
             \"vote\", or `longer_by` \"everyone\""
                .to_owned(),
        );
    } else if !p.assembly.enabled {
        c.fail(
            key,
            "is \"vote\", but assemblies are off (`assembly.enabled = false`): no assembly \
             would choose how the extra hours are shared; turn assemblies on or use \
             \"everyone\" or \"rota\""
                .to_owned(),
        );
    } else if !community.takes_up("longer_by") {
        c.fail(
            key,
            "is \"vote\", but \"longer_by\" is in `assembly.community.off_agenda`: no \
             assembly would choose how the extra hours are shared; take it off that list or \
             use \"everyone\" or \"rota\""
                .to_owned(),
        );
    } else if p.economy.shortfall == Shortfall::Vote && !community.takes_up("work_longer") {
        c.fail(
            key,
            "is \"vote\", but `economy.shortfall` is \"vote\" with \"work_longer\" in \
             `assembly.community.off_agenda`: no community ever works longer, so there are no \
             extra hours to share; take it off that list, or use `longer_by` \"everyone\""
                .to_owned(),
        );
    }
}

/// The scenario's name (it names an output folder) and its length.
fn meta(c: &mut Checks, s: &Scenario) {
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
}

/// `[population]`: how many persons fit, and age shares that add up.
fn population(c: &mut Checks, s: &Scenario) {
    let p = &s.params.population;
    if p.influx == crate::model::kernel::params::InfluxRule::Decided {
        let a = &s.params.assembly;
        if !a.enabled {
            c.fail(
                "population.influx",
                "is \"decided\", but assemblies are off (`assembly.enabled = false`): no \
                 assembly would decide on newcomers; turn assemblies on or use \"arrive\""
                    .to_owned(),
            );
        } else if !a.community.takes_up("newcomers") {
            c.fail(
                "population.influx",
                "is \"decided\", but \"newcomers\" is in `assembly.community.off_agenda`: no \
                 assembly would decide on newcomers; take it off that list or use \"arrive\""
                    .to_owned(),
            );
        }
    }
    households(c, p);
    let largest = match p.size_range[..] {
        [_, hi] => hi,
        _ => p.persons_per_community,
    };
    let total = if p.sizes.is_empty() {
        u64::from(p.communities) * u64::from(largest)
    } else {
        p.sizes.iter().map(|&n| u64::from(n)).sum()
    };
    if !p.sizes.is_empty() && !p.size_range.is_empty() {
        c.fail(
            "population.size_range",
            "cannot be given with `sizes`: give each community's size, or a range to draw them from".to_owned(),
        );
    }
    if !p.sizes.is_empty() && p.sizes.len() != p.communities as usize {
        c.fail(
            "population.sizes",
            format!(
                "lists {} communities but `communities` is {}; give one size per community",
                p.sizes.len(),
                p.communities
            ),
        );
    }
    for (i, &n) in p.sizes.iter().enumerate() {
        if n > MAX_COMMUNITY {
            c.fail(
                "population.sizes",
                format!(
                    "gives community {i} {n} persons; a community has 0 (a site) to {MAX_COMMUNITY}"
                ),
            );
        }
    }
    match p.size_range[..] {
        [] => {}
        [lo, hi] if (1..=hi).contains(&lo) && hi <= MAX_COMMUNITY => {}
        [lo, hi] => c.fail(
            "population.size_range",
            format!("is [{lo}, {hi}]; it must be [least, most] with 1 <= least <= most <= {MAX_COMMUNITY}"),
        ),
        _ => c.fail(
            "population.size_range",
            format!("has {} entries; it is two numbers, [least, most]", p.size_range.len()),
        ),
    }
    let mut overridden = std::collections::BTreeSet::new();
    for (i, o) in p.overrides.iter().enumerate() {
        let key = |field: &str| format!("population.overrides.{i}.{field}");
        if o.community >= p.communities {
            c.fail(
                &key("community"),
                format!(
                    "community {} does not exist; ids run from 0 to {}",
                    o.community,
                    p.communities.saturating_sub(1)
                ),
            );
        } else if !overridden.insert(o.community) {
            c.fail(
                &key("community"),
                format!("community {} has an override already", o.community),
            );
        }
        local_values(
            c,
            &key,
            [o.arable_ha_per_person, o.energy_factor, o.m2_per_person],
        );
        match (o.x_km, o.y_km) {
            (Some(x), Some(y)) => {
                c.range(&key("x_km"), x, -20000.0, 20000.0, "km");
                c.range(&key("y_km"), y, -20000.0, 20000.0, "km");
            }
            (None, None) => {}
            (Some(_), None) => c.fail(
                &key("y_km"),
                "is missing: a location is `x_km` and `y_km` together".to_string(),
            ),
            (None, Some(_)) => c.fail(
                &key("x_km"),
                "is missing: a location is `x_km` and `y_km` together".to_string(),
            ),
        }
    }
    let regions = p.communities.div_ceil(p.communities_per_region.max(1));
    let mut overridden = std::collections::BTreeSet::new();
    for (i, o) in p.region_overrides.iter().enumerate() {
        let key = |field: &str| format!("population.region_overrides.{i}.{field}");
        if o.region >= regions {
            c.fail(
                &key("region"),
                format!(
                    "region {} does not exist; the scenario's {} communities, {} to a region, \
                     make regions 0 to {}",
                    o.region,
                    p.communities,
                    p.communities_per_region,
                    regions.saturating_sub(1)
                ),
            );
        } else if !overridden.insert(o.region) {
            c.fail(
                &key("region"),
                format!("region {} has an override already", o.region),
            );
        }
        if let Some(n) = o.persons {
            if !p.sizes.is_empty() {
                c.fail(
                    &key("persons"),
                    "is given with `population.sizes` (or a `population.file`), which lists \
                     every community's persons already; give one or the other"
                        .to_string(),
                );
            } else if !(1..=MAX_COMMUNITY).contains(&n) {
                c.fail(
                    &key("persons"),
                    format!("is {n}; a community starts with 1 to {MAX_COMMUNITY} persons"),
                );
            }
        }
        local_values(
            c,
            &key,
            [o.arable_ha_per_person, o.energy_factor, o.m2_per_person],
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for &id in &p.urban {
        if id >= p.communities {
            c.fail(
                "population.urban",
                format!(
                    "names community {id}, but there are {} (ids 0 to {})",
                    p.communities,
                    p.communities.saturating_sub(1)
                ),
            );
        } else if !seen.insert(id) {
            c.fail("population.urban", format!("names community {id} twice"));
        } else if p.sizes.get(id as usize) == Some(&0) {
            c.fail(
                "population.urban",
                format!(
                    "names community {id}, a site (size 0): a site is founded by a split and \
                     starts rural"
                ),
            );
        }
    }
    for (i, l) in s.params.rail.links.iter().enumerate() {
        for end in [l.from, l.to] {
            if p.sizes.get(end as usize) == Some(&0) {
                c.fail(
                    &format!("rail.links.{i}"),
                    format!(
                        "joins community {end}, a site (size 0): a site gets its link to the \
                         community that founds it when it is founded"
                    ),
                );
            }
        }
    }
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
}

/// The ranges of an override's own land, energy factor and floor area (community or region),
/// each named by `key(field)`.
fn local_values(c: &mut Checks, key: &dyn Fn(&str) -> String, values: [Option<f64>; 3]) {
    let limits = [
        ("arable_ha_per_person", 10.0, "ha"),
        ("energy_factor", 100.0, "times"),
        ("m2_per_person", 1000.0, "m2"),
    ];
    for ((field, most, unit), value) in limits.into_iter().zip(values) {
        if let Some(v) = value {
            c.range(&key(field), v, 0.0, most, unit);
        }
    }
}

/// The good `name` at `key`, other than housing (refused with `housing`, its message), or
/// `None` with the failure recorded: not a good, with the closest name and the list.
fn good_named(c: &mut Checks, key: &str, name: &str, housing: &str) -> Option<Good> {
    let names = Good::ALL
        .iter()
        .filter(|g| **g != Good::Housing)
        .map(|g| g.name());
    match Good::ALL.iter().find(|g| g.name() == name) {
        Some(Good::Housing) => {
            c.fail(key, housing.to_owned());
            None
        }
        Some(g) => Some(*g),
        None => {
            let hint = match super::closest(name, names.clone()) {
                Some(k) => format!("did you mean `{k}`? "),
                None => String::new(),
            };
            c.fail(
                key,
                format!(
                    "`{name}` is not a good; {hint}the goods are {}",
                    names.collect::<Vec<_>>().join(", ")
                ),
            );
            None
        }
    }
}

/// `[labour]`.
fn labour(c: &mut Checks, s: &Scenario) {
    if s.params.labour.harvest_help && s.params.population.urban.is_empty() {
        c.fail(
            "labour.harvest_help",
            "is on, but `population.urban` names no urban community whose members could help"
                .to_owned(),
        );
    }
    if s.params.labour.harvest_help_decided && s.params.population.urban.is_empty() {
        c.fail(
            "labour.harvest_help_decided",
            "is on, but `population.urban` names no urban community whose members could help"
                .to_owned(),
        );
    }
    for (key, on) in [
        ("labour.city_help", s.params.labour.city_help),
        (
            "labour.city_help_decided",
            s.params.labour.city_help_decided,
        ),
    ] {
        let p = &s.params.population;
        if !on {
            continue;
        }
        if p.urban.is_empty() {
            c.fail(
                key,
                "is on, but `population.urban` names no urban community for rural members to help"
                    .to_owned(),
            );
        } else if p.urban.len() >= p.communities as usize {
            c.fail(
                key,
                "is on, but `population.urban` names every community: no rural community's \
                 members could help"
                    .to_owned(),
            );
        }
    }
    let l = &s.params.labour;
    if l.waking_hours < l.max_hours_per_day {
        c.fail(
            "labour.waking_hours",
            format!(
                "is {} h/day, less than max_hours_per_day ({} h/day)",
                l.waking_hours, l.max_hours_per_day
            ),
        );
    }
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
}

/// `[assembly]`.
fn assembly(c: &mut Checks, s: &Scenario) {
    let a = &s.params.assembly;
    for (level, rules, agenda) in [
        ("community", &a.community, COMMUNITY_AGENDA),
        ("region", &a.region, REGION_AGENDA),
        ("world", &a.world, WORLD_AGENDA),
    ] {
        for kind in &rules.off_agenda {
            if !agenda.contains(&kind.as_str()) {
                let elsewhere = [
                    ("community", COMMUNITY_AGENDA),
                    ("region", REGION_AGENDA),
                    ("world", WORLD_AGENDA),
                ]
                .iter()
                .find(|(_, list)| list.contains(&kind.as_str()))
                .map_or(String::new(), |(other, _)| {
                    format!(" (it is a {other} assembly's proposal)")
                });
                c.fail(
                    &format!("assembly.{level}.off_agenda"),
                    format!(
                        "{kind:?} is not a proposal the {level} assembly takes up{elsewhere}; \
                         its proposals are {}",
                        agenda.join(", ")
                    ),
                );
            }
        }
    }
}

/// `[guilds]`.
fn guilds(c: &mut Checks, s: &Scenario) {
    let g = &s.params.guilds;
    for name in &g.goods {
        if !Good::ALL.iter().any(|good| good.name() == name) {
            let names: Vec<&str> = Good::ALL.iter().map(|good| good.name()).collect();
            c.fail(
                "guilds.goods",
                format!("{name:?} is not a good; goods are {}", names.join(", ")),
            );
        }
    }
    // Moves to join a guild need guilds: founded of people's own accord or by an event (or
    // spontaneous founding turned on later by a `set` event).
    let rate = s.params.population.guild_move_rate;
    let founded = g.spontaneous && !g.goods.is_empty();
    let by_event = s.events.iter().any(|e| {
        e.kind == "guild"
            || (e.kind == "set"
                && e.path
                    .as_deref()
                    .is_some_and(|p| p == "guilds.spontaneous" || p == "guilds.goods"))
    });
    if rate > 0.0 && !founded && !by_event {
        c.fail(
            "population.guild_move_rate",
            format!(
                "is {rate}, but no guild can ever exist to join: `guilds.spontaneous` is {} and \
                 `guilds.goods` {}, and no `guild` event founds one; turn on \
                 `guilds.spontaneous` with some `guilds.goods`, add a `guild` event, or set \
                 `population.guild_move_rate` to 0",
                g.spontaneous,
                if g.goods.is_empty() {
                    "is empty".to_owned()
                } else {
                    format!("names {}", g.goods.join(", "))
                }
            ),
        );
    }
}

/// `[food]`, the goods, their inputs and transport: the coefficients must be able to meet a need.
fn food_and_goods(c: &mut Checks, s: &Scenario) {
    let f = &s.params.food;
    // A uniform appetite factor stays positive while its coefficient of variation is below 1/sqrt(3).
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
    if f.harvest_hours_decided && !s.params.assembly.enabled {
        c.fail(
            "food.harvest_hours_decided",
            "is on, but assemblies are off (`assembly.enabled = false`): the farm's workers \
             decide their harvest hours at their community's meetings; turn assemblies on or \
             this key off"
                .to_owned(),
        );
    }
    if f.harvest_hours_decided && f.harvest_hours_step > f.harvest_hours_max {
        c.fail(
            "food.harvest_hours_step",
            format!(
                "is {} h/day, more than `food.harvest_hours_max` ({} h/day): the farm's workers \
                 could never agree to a step",
                f.harvest_hours_step, f.harvest_hours_max
            ),
        );
    }
    let (first, last) = f.growing_season;
    c.count(
        "food.growing_season",
        u64::from(first.max(last)),
        0,
        u64::from(YEAR) - 1,
    );

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
}

/// `[energy]`.
fn energy(c: &mut Checks, s: &Scenario) {
    let en = &s.params.energy;
    let mut seen = Vec::new();
    for (i, name) in en.curtailment_order.iter().enumerate() {
        let key = format!("energy.curtailment_order.{i}");
        match EnergyUser::from_name(name) {
            None => {
                let known = EnergyUser::names();
                let hint = match super::closest(name, known.iter().copied()) {
                    Some(k) => format!("did you mean `{k}`? "),
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
}

/// `[rail]`.
fn rail(c: &mut Checks, s: &Scenario) {
    let p = &s.params.population;
    let rail = &s.params.rail;
    if rail.link_km_max < rail.link_km_min {
        c.fail(
            "rail.link_km_max",
            format!(
                "is {} km, less than link_km_min ({} km)",
                rail.link_km_max, rail.link_km_min
            ),
        );
    }
    for (i, link) in rail.links.iter().enumerate() {
        let key = |field: &str| format!("rail.links.{i}.{field}");
        for (field, id) in [("from", link.from), ("to", link.to)] {
            if id >= p.communities && p.communities > 0 {
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
    let regions = p.communities.div_ceil(p.communities_per_region.max(1));
    let mut seen = std::collections::BTreeSet::new();
    for (i, a) in rail.agreements.iter().enumerate() {
        let key = |field: &str| format!("rail.agreements.{i}.{field}");
        for (field, id) in [("supplier", a.supplier), ("receiver", a.receiver)] {
            if id >= regions {
                c.fail(
                    &key(field),
                    format!(
                        "region {id} does not exist; there are {regions} (ids 0 to {})",
                        regions.saturating_sub(1)
                    ),
                );
            }
        }
        if a.supplier == a.receiver {
            c.fail(
                &key("receiver"),
                "an agreement joins two different regions (a region shares within itself anyway)"
                    .to_owned(),
            );
        } else if !seen.insert((a.supplier, a.receiver)) {
            c.fail(
                &key("receiver"),
                format!(
                    "region {} already agreed to supply region {}",
                    a.supplier, a.receiver
                ),
            );
        }
    }
}

/// `[global]`.
fn global(c: &mut Checks, s: &Scenario) {
    let p = &s.params.population;
    let gl = &s.params.global;
    c.count(
        "global.device_communities_per_region",
        u64::from(gl.device_communities_per_region),
        1,
        u64::from(p.communities_per_region.max(1)),
    );
}

/// `[learning]`, whose research communities must exist.
fn learning(c: &mut Checks, s: &Scenario) {
    let p = &s.params.population;
    let l = &s.params.learning;
    c.range(
        "learning.training_hours_per_day",
        l.training_hours_per_day,
        0.0,
        s.params.labour.max_hours_per_day,
        "h/day (at most labour.max_hours_per_day)",
    );
    if l.research && l.research_communities.is_empty() {
        c.fail(
            "learning.research_communities",
            "research is on: name at least one research community".to_owned(),
        );
    }
    // With no communities (an error of its own) no id could exist: say so once.
    for (i, id) in l.research_communities.iter().enumerate() {
        if *id >= p.communities && p.communities > 0 {
            c.fail(
                &format!("learning.research_communities.{i}"),
                format!(
                    "community {id} does not exist; ids run from 0 to {}",
                    p.communities.saturating_sub(1)
                ),
            );
        }
    }
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
