//! Policy changes during a run do what they say: a `set` carries one path and value, leaves the
//! assemblies' decisions alone (unless it sets the very parameter a decision is about), takes
//! effect from the next day or is refused, and every parameter is declared once.

use crate::common::{commune, scenario as shipped, stderr, stdout};
use commune::model::kernel::decl::{self, Check, Live};
use commune::model::kernel::params::setting::ParamValue;
use commune::model::{Params, Simulation, TickMetrics};
use commune::scenario::{self, Scenario};

fn load(text: &str) -> Scenario {
    scenario::parse(text, "t").unwrap_or_else(|p| panic!("{p:?}"))
}

fn run(s: &Scenario) -> (Vec<TickMetrics>, Simulation) {
    let mut sim = Simulation::new(s.params.clone(), s.meta.seed);
    for e in &s.schedule {
        sim.schedule_event(e.clone());
    }
    let rows = (0..s.meta.ticks).map(|_| sim.step()).collect();
    (rows, sim)
}

/// `fossil-allowed.toml` with the world assembly meeting every 90 days, and `extra` appended.
fn fossil_world(extra: &str) -> Scenario {
    let text = std::fs::read_to_string(shipped("fossil-allowed"))
        .unwrap()
        .replace("interval_days = 36500", "interval_days = 90");
    load(&format!("{text}\n{extra}"))
}

fn phase_out_day(sim: &Simulation) -> Option<u32> {
    sim.decisions()
        .iter()
        .find(|d| d.passed && d.subject.kind() == "phase_out_fossil")
        .map(|d| d.tick)
}

#[test]
fn a_world_vote_stands_after_an_unrelated_set() {
    let s = fossil_world(
        "[[events]]\nday = 400\nkind = \"set\"\npath = \"food.leftover_days\"\nvalue = 3\n",
    );
    let (rows, sim) = run(&s);
    let voted = phase_out_day(&sim).expect("the world votes fossil energy out");
    assert!(voted < 400, "voted on day {voted}");
    // No coal is burnt after the vote, before or after the unrelated change.
    let lowest = rows[voted as usize + 1..]
        .iter()
        .map(|r| r.energy_renewable_share)
        .filter(|x| x.is_finite())
        .fold(1.0, f64::min);
    assert_eq!(lowest, 1.0);
    // The change itself was applied.
    assert_eq!(sim.params().food.leftover_days, 3);
    assert!(!sim.in_force().energy.allow_fossil);
}

#[test]
fn a_set_of_the_decided_parameter_overrides_the_decision_and_says_so() {
    let s = fossil_world(
        "[[events]]\nday = 400\nkind = \"set\"\npath = \"energy.allow_fossil\"\nvalue = true\n",
    );
    let (rows, sim) = run(&s);
    let voted = phase_out_day(&sim).expect("a vote");
    assert!(voted < 400);
    let line = sim
        .log()
        .iter()
        .find(|e| e.tick == 400 && e.text.contains("energy.allow_fossil"))
        .expect("the set is logged");
    assert!(
        line.text
            .contains("overrides the world assembly's decision of day"),
        "{}",
        line.text
    );
    // Coal runs again after day 400 (until the world votes again).
    assert!(rows[400..].iter().any(|r| r.energy_renewable_share < 1.0));
}

#[test]
fn the_world_may_be_barred_from_voting_on_fossil_energy() {
    let text = std::fs::read_to_string(shipped("fossil-allowed"))
        .unwrap()
        .replace(
            "interval_days = 36500",
            "interval_days = 90\noff_agenda = [\"phase_out_fossil\"]",
        );
    let s = load(&text);
    let (rows, sim) = run(&s);
    assert_eq!(phase_out_day(&sim), None);
    assert!(rows[400..].iter().any(|r| r.energy_renewable_share < 1.0));
    // Without the bar the vote reverses the scenario's policy, and says so.
    let (_, sim) = run(&fossil_world(""));
    let d = sim
        .decisions()
        .iter()
        .find(|d| d.passed && d.subject.kind() == "phase_out_fossil")
        .unwrap();
    assert_eq!(d.reverses, Some("energy.allow_fossil"));
    assert!(sim.log().iter().any(|e| e.text.contains("off_agenda")));
}

#[test]
fn a_set_of_willingness_changes_hours_from_the_next_day() {
    let base = "name = \"t\"\nseed = 3\nticks = 40\n[labour]\nwilling_hours_mean = 4.0\n";
    let plain = load(base);
    let changed = load(&format!(
        "{base}[[events]]\nday = 5\nkind = \"set\"\npath = \"labour.willing_hours_mean\"\nvalue = 0.5\n"
    ));
    let (a, _) = run(&plain);
    let (b, sim) = run(&changed);
    assert_eq!(a[..5], b[..5], "nothing changes before day 5");
    let shortage = |rows: &[TickMetrics]| rows.iter().map(|r| r.labour_shortage_hours).sum::<f64>();
    assert!(
        shortage(&b[5..]) > shortage(&a[5..]) + 1.0,
        "with half an hour of willingness work goes undone: {} vs {}",
        shortage(&b[5..]),
        shortage(&a[5..])
    );
    assert_eq!(sim.params().labour.willing_hours_mean, 0.5);
}

#[test]
fn a_set_of_gardens_changes_gardeners_from_the_next_day() {
    let base = "name = \"t\"\nseed = 3\nticks = 150\n[food]\ngarden_share = 0.2\n";
    let (a, _) = run(&load(base));
    let (b, _) = run(&load(&format!(
        "{base}[[events]]\nday = 100\nkind = \"set\"\npath = \"food.garden_share\"\nvalue = 0.9\n"
    )));
    assert_eq!(a[..100], b[..100]);
    let garden = |rows: &[TickMetrics]| rows.iter().map(|r| r.food_garden_kg).sum::<f64>();
    assert!(garden(&b[100..]) > 2.0 * garden(&a[100..]));
}

#[test]
fn sets_that_cannot_act_are_refused_and_no_ops_are_warned() {
    let refused = scenario::parse(
        "ticks = 30\n[[events]]\nday = 5\nkind = \"set\"\npath = \"food.initial_stock_days\"\nvalue = 10\n",
        "t",
    )
    .unwrap_err();
    assert!(
        refused[0].message.contains("cannot change during a run"),
        "{refused:?}"
    );
    let warned = load(
        "ticks = 30\n[[events]]\nday = 5\nkind = \"set\"\npath = \"labour.willing_hours_mean\"\nvalue = 4.0\n",
    );
    assert!(warned.warnings[0].message.contains("changes nothing"));
    // A set to the value a parameter already has is no no-op where it stands over what
    // assemblies decided: the syndicates' workers' stock targets, the regions' harvest help.
    let set = |head: &str, path: &str, value: &str| {
        load(&format!(
            "ticks = 30\n{head}\n[[events]]\nday = 5\nkind = \"set\"\npath = \"{path}\"\nvalue = {value}\n"
        ))
        .warnings
        .iter()
        .any(|w| w.message.contains("changes nothing"))
    };
    let local = "[economy]\nplanning = \"local\"";
    let workers = "[economy]\nplanning = \"local\"\nsyndicate_assemblies = true";
    assert!(set(local, "economy.safety_factor", "1.65"));
    assert!(!set(workers, "economy.safety_factor", "1.65"));
    assert!(set(local, "goods.clothing.reserve_days", "30"));
    assert!(!set(workers, "goods.clothing.reserve_days", "30"));
    assert!(set(workers, "labour.willing_hours_mean", "4.0"));
    let decided = "[population]\ncommunities = 2\ncommunities_per_region = 2\nurban = [0]\n[labour]\nharvest_help_decided = true";
    assert!(!set(decided, "labour.harvest_help", "false"));
    let standing = "[population]\ncommunities = 2\ncommunities_per_region = 2\nurban = [0]";
    assert!(set(standing, "labour.harvest_help", "false"));
    let city = "[population]\ncommunities = 2\ncommunities_per_region = 2\nurban = [0]\n[labour]\ncity_help_decided = true";
    assert!(!set(city, "labour.city_help", "false"));
    assert!(set(standing, "labour.city_help", "false"));
    // validate prints the warning, and --strict counts it.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("noop.toml");
    std::fs::write(
        &file,
        "ticks = 30\n[[events]]\nday = 5\nkind = \"set\"\npath = \"labour.willing_hours_mean\"\nvalue = 4.0\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let out = commune(&["validate", f]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("changes nothing"), "{}", stderr(&out));
    let out = commune(&["validate", "--strict", f]);
    assert!(!out.status.success());
}

#[test]
fn events_after_the_last_day_are_errors() {
    let ps = scenario::parse(
        "ticks = 30\n[[events]]\nday = 30\nkind = \"illness_wave\"\nshare = 0.1\n",
        "t",
    )
    .unwrap_err();
    assert_eq!(ps[0].key, "events[0].day");
    assert!(ps[0].message.contains("never happen"), "{ps:?}");
}

#[test]
fn one_wrong_type_hides_no_other_problem() {
    let ps = scenario::parse(
        "[population]\npersons_per_community = -3\nchild_share = 1.5\nelder_share = \"x\"\n\
         communities_per_region = 0\n",
        "t",
    )
    .unwrap_err();
    let keys: Vec<&str> = ps.iter().map(|p| p.key.as_str()).collect();
    for key in [
        "population.persons_per_community",
        "population.child_share",
        "population.elder_share",
        "population.communities_per_region",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
}

#[test]
fn a_key_in_the_wrong_section_names_its_section() {
    let ps = scenario::parse("[labour]\ngarden_share = 0.3\n", "t").unwrap_err();
    assert!(
        ps[0].message.contains("belongs in the `[food]` section"),
        "{ps:?}"
    );
    let ps = scenario::parse("garden_share = 0.3\n", "t").unwrap_err();
    assert!(ps[0].message.contains("`[food]`"), "{ps:?}");
}

#[test]
fn no_communities_is_one_problem() {
    let ps = scenario::parse("[population]\ncommunities = 0\n", "t").unwrap_err();
    assert_eq!(ps.len(), 1, "{ps:?}");
}

#[test]
fn shares_stay_within_0_and_1_from_day_one() {
    for name in ["village", "region", "status-quo"] {
        let mut s = scenario::load(&shipped(name)).unwrap();
        s = s.with_ticks(400);
        let (rows, _) = run(&s);
        for (day, r) in rows.iter().enumerate() {
            for (what, x) in [
                ("waste_share", r.waste_share),
                ("need_satisfaction", r.need_satisfaction),
                ("unmet_need_share", r.unmet_need_share),
                ("energy_renewable_share", r.energy_renewable_share),
            ] {
                assert!(
                    x.is_nan() || (0.0..=1.0).contains(&x),
                    "{name} day {day}: {what} = {x}"
                );
            }
        }
        assert!(rows[..364].iter().all(|r| r.waste_share.is_nan()));
        assert!(rows[399].waste_share.is_finite());
    }
    let dir = tempfile::tempdir().unwrap();
    let out = commune(&[
        "run",
        shipped("village").to_str().unwrap(),
        "--ticks",
        "60",
        "--no-plots",
        "--out",
        dir.path().join("r").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let line = text.lines().find(|l| l.contains("waste share")).unwrap();
    assert!(line.contains("n/a"), "{line}");
}

/// Every declared parameter is validated against its range, documented, and settable during a
/// run exactly when it is declared live; a new parameter needs nothing more than its declaration.
#[test]
fn every_declaration_is_validated_documented_and_settable_as_declared() {
    let reference = scenario::reference::markdown();
    let defaults = Params::default();
    for (path, value) in defaults.leaves() {
        let d = decl::find(&path).unwrap();
        let key = d.path.split_once('.').unwrap().1;
        assert!(reference.contains(&format!("| `{key}` |")), "{path}");
        // Validated: a value past the declared bound is refused, naming the key.
        let above = match d.check {
            Check::Share => Some(1.5),
            Check::Range(_, hi) => Some(hi * 2.0 + 1.0),
            Check::Count(_, hi) if hi < i64::MAX as u64 / 4 => Some((hi + 1) as f64),
            _ => None,
        };
        if let Some(x) = above
            && path.split('.').count() == 2
        {
            let (section, leaf) = path.split_once('.').unwrap();
            let v = if matches!(value, ParamValue::Integer(_)) {
                format!("{}", x as i64)
            } else {
                format!("{x:?}")
            };
            let ps = scenario::parse(&format!("[{section}]\n{leaf} = {v}\n"), "t").unwrap_err();
            assert!(ps.iter().any(|p| p.key == path), "{path}: {ps:?}");
        }
        // Settable exactly when declared live (population is fixed by the scenario).
        if path.starts_with("population.") {
            continue;
        }
        let shown = match &value {
            ParamValue::Text(w) => format!("{w:?}"),
            ParamValue::List(items) if items.is_empty() => continue,
            other => other.to_string(),
        };
        let text = format!(
            "ticks = 10\n[[events]]\nday = 2\nkind = \"set\"\npath = \"{path}\"\nvalue = {shown}\n"
        );
        let result = scenario::parse(&text, "t");
        match d.live {
            Live::Yes => assert!(result.is_ok(), "{path}: {:?}", result.err()),
            Live::No(_) => assert!(result.is_err(), "{path} is not live"),
        }
    }
}

#[test]
fn seeds_above_toml_integers_are_written_as_strings_and_replay() {
    let mut s = load("name = \"t\"\nticks = 5\n");
    s.meta.seed = 13_679_457_532_755_275_413;
    let text = s.to_toml();
    assert!(text.contains("seed = \"13679457532755275413\""), "{text}");
    let back = scenario::parse(&text, "t").unwrap();
    assert_eq!(back.meta.seed, s.meta.seed);
    assert_eq!(run(&back).0, run(&s).0);
    let ps = scenario::parse("seed = -1\n", "t").unwrap_err();
    assert!(ps[0].message.contains("negative"), "{ps:?}");
}

#[test]
fn text_parameters_can_be_swept() {
    let s = load(
        "name = \"t\"\nticks = 5\n[sweep]\n[sweep.parameters]\n\
         \"labour.undesirable_policy\" = [\"volunteer\", \"rota\"]\n",
    );
    let sweep = s.sweep.unwrap();
    assert_eq!(sweep.points(1).len(), 2);
    let ps = scenario::parse(
        "[sweep]\n[sweep.parameters]\n\"labour.undesirable_policy\" = [\"volunteer\", \"odd\"]\n",
        "t",
    )
    .unwrap_err();
    assert!(!ps.is_empty());
}

#[test]
fn event_problems_are_reported_with_the_others() {
    let ps = scenario::parse(
        "ticks = 30\n[population]\nchild_share = 1.5\n[[events]]\nday = 40\nkind = \"set\"\n\
         path = \"food.arable_ha_per_person\"\nvalue = 0.3\n",
        "t",
    )
    .unwrap_err();
    let keys: Vec<&str> = ps.iter().map(|p| p.key.as_str()).collect();
    for key in ["population.child_share", "events[0].day", "events[0].path"] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
}
