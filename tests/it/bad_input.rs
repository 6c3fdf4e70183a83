//! Bad input: each kind gets a clear message naming file, line and key, a non-zero exit, and no
//! run directory.

use std::path::Path;

use crate::common::*;

/// Writes `text` as a scenario, runs it into `<tmp>/run`, and checks that it fails cleanly.
/// Returns stderr.
fn run_fails(text: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad.toml");
    std::fs::write(&file, text).unwrap();
    let out = tmp.path().join("run");
    let o = commune_in(
        tmp.path(),
        &[
            "run",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(!o.status.success(), "should fail: {text}");
    assert!(!out.exists(), "no run directory for a failed run");
    assert!(
        !tmp.path().join("output").exists(),
        "nothing written under output/"
    );
    let err = stderr(&o);
    assert!(err.contains("bad.toml"), "names the file: {err}");
    err
}

#[test]
fn unknown_key_names_line_key_and_suggestion() {
    let err = run_fails("seed = 1\n\n[food]\nyeild_kg_per_ha = 3000\n");
    assert!(err.contains("bad.toml:4"), "{err}");
    assert!(err.contains("food.yeild_kg_per_ha"), "{err}");
    assert!(err.contains("unknown key"), "{err}");
    assert!(
        err.contains("yield_kg_per_ha"),
        "suggests the right key: {err}"
    );
}

#[test]
fn unknown_section_is_reported() {
    let err = run_fails("[fod]\nx = 1\n");
    assert!(
        err.contains("bad.toml:1") && err.contains("`fod`") && err.contains("unknown key"),
        "{err}"
    );
}

#[test]
fn wrong_type_names_line_and_key() {
    let err = run_fails("[labour]\nwilling_hours_mean = \"four\"\n");
    assert!(
        err.contains("bad.toml:2")
            && err.contains("labour.willing_hours_mean")
            && err.contains("wrong type"),
        "{err}"
    );
}

#[test]
fn negative_population_is_refused() {
    let err = run_fails("[population]\npersons_per_community = -150\n");
    assert!(
        err.contains("bad.toml:2") && err.contains("population.persons_per_community"),
        "{err}"
    );
}

#[test]
fn absurd_numbers_are_refused() {
    let err = run_fails("[population]\npersons_per_community = 1000000\n");
    assert!(
        err.contains("population.persons_per_community") && err.contains("between 1 and 1000"),
        "{err}"
    );
    let err = run_fails("[population]\ncommunities = 1000000\npersons_per_community = 200\n");
    assert!(err.contains("fit in memory"), "{err}");
    let err = run_fails("[health]\ndaily_illness_probability = 1.2\n");
    assert!(
        err.contains("bad.toml:2")
            && err.contains("health.daily_illness_probability")
            && err.contains("between 0 and 1"),
        "{err}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let err = run_fails(
        "[population]\nchild_share = 2\nelder_shar = 0.1\n[food]\nkitchen_share = -1\n[health]\nmean_illness_days = \"x\"\n",
    );
    assert!(err.contains("4 problems"), "{err}");
    for key in [
        "population.child_share",
        "population.elder_shar",
        "food.kitchen_share",
        "health.mean_illness_days",
    ] {
        assert!(err.contains(key), "{key}: {err}");
    }
}

#[test]
fn syntax_error_names_the_line() {
    let err = run_fails("seed = 1\nticks = = 3\n");
    assert!(
        err.contains("bad.toml:2") && err.contains("not valid TOML"),
        "{err}"
    );
}

#[test]
fn missing_file_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let o = commune_in(tmp.path(), &["run", "no-such-scenario.toml"], &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("no-such-scenario.toml") && err.contains("cannot be read"),
        "{err}"
    );
    assert!(!tmp.path().join("output").exists());
}

#[test]
fn unwritable_output_is_refused_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("a-file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let out = blocker.join("run");
    let o = commune(&[
        "run",
        scenario("village").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("a-file"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&blocker).unwrap(),
        "not a directory"
    );
}

#[test]
fn existing_output_is_kept_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("precious.txt"), "keep me").unwrap();
    let village = scenario("village");
    let o = commune(&[
        "run",
        village.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--ticks",
        "2",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--force"));
    assert!(out.join("precious.txt").exists());
    let o = commune(&[
        "run",
        village.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--ticks",
        "2",
        "--force",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("precious.txt").exists());
    assert!(out.join("metrics.csv").exists());
}

#[test]
fn validate_reports_problems_and_exits_non_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad.toml");
    std::fs::write(&file, "[population]\ncommunities = 0\n").unwrap();
    let o = commune(&[
        "validate",
        file.to_str().unwrap(),
        scenario("village").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("bad.toml:2: `population.communities`"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("village.toml: ok"));
    assert!(!Path::new(&tmp.path().join("output")).exists());
}

#[test]
fn bad_flags_are_refused() {
    let o = commune(&["run", scenario("village").to_str().unwrap(), "--ticks", "0"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--ticks"));
}

#[test]
fn bad_events_name_their_entry_key_and_line() {
    let err = run_fails(
        "[[events]]\nday = 3\nkind = \"drout\"\n\n[[events]]\nday = 5\nkind = \"influx\"\ncommunity = 0\npersns = 4\n",
    );
    assert!(
        err.contains("bad.toml:3") && err.contains("events[0].kind"),
        "{err}"
    );
    assert!(
        err.contains("unknown kind") && err.contains("drought"),
        "{err}"
    );
    assert!(
        err.contains("bad.toml:9") && err.contains("events[1].persns"),
        "{err}"
    );
    assert!(err.contains("did you mean `persons`"), "{err}");
    assert!(err.contains("needs `persons`"), "{err}");

    let err = run_fails("[[events]]\nday = 3\nkind = \"influx\"\ncommunity = 4\npersons = 10\n");
    assert!(
        err.contains("events[0].community") && err.contains("not a community"),
        "{err}"
    );
    let err = run_fails(
        "[[events]]\nday = 3\nkind = \"set\"\npath = \"labour.undesirable_policy\"\nvalue = \"lottery\"\n",
    );
    assert!(
        err.contains("events[0].value") && err.contains("lottery"),
        "{err}"
    );
    let err = run_fails(
        "[[events]]\nday = 3\nkind = \"set\"\npath = \"population.communities\"\nvalue = 4\n",
    );
    assert!(
        err.contains("events[0].path") && err.contains("cannot be changed"),
        "{err}"
    );
}

#[test]
fn a_rail_failure_must_name_a_link_that_exists() {
    // Ten communities in one region: 0-1 is on the generated line, 0-5 is not.
    let err = run_fails(
        "[population]\ncommunities = 10\n\n\
         [[events]]\nday = 3\nkind = \"rail_failure\"\nfrom = 0\nto = 5\ndays = 4\n",
    );
    assert!(
        err.contains("events[0].to") && err.contains("no rail link joins communities 0 and 5"),
        "{err}"
    );
    let err = run_fails(
        "[population]\ncommunities = 3\n[[rail.links]]\nfrom = 0\nto = 1\nkm = 5\n\n\
         [[events]]\nday = 3\nkind = \"rail_failure\"\nfrom = 1\nto = 2\ndays = 4\n",
    );
    assert!(
        err.contains("no rail link joins communities 1 and 2") && err.contains("rail.links"),
        "{err}"
    );
    let err =
        run_fails("[[events]]\nday = 3\nkind = \"rail_failure\"\nfrom = 0\nto = 99\ndays = 0\n");
    assert!(
        err.contains("events[0].to") && err.contains("not a community"),
        "{err}"
    );
    assert!(
        err.contains("events[0].days") && err.contains("at least 1"),
        "{err}"
    );
    let err = run_fails("[[events]]\nday = 3\nkind = \"rail_failure\"\nfrom = 0\ndays = 4\n");
    assert!(err.contains("needs `to`"), "{err}");
    let err = run_fails("[rail]\nsource_regions = 0\nkwh_per_passenger_km = -1\n");
    assert!(
        err.contains("rail.source_regions") && err.contains("rail.kwh_per_passenger_km"),
        "{err}"
    );
}

#[test]
fn bad_assembly_and_labour_policy_values_are_refused() {
    let err = run_fails(
        "[labour]\nundesirable_sectors = [\"mining\"]\n\n[assembly.community]\nrule = \"unanimity\"\nquorum = 1.5\n",
    );
    assert!(err.contains("labour.undesirable_sectors"), "{err}");
    assert!(err.contains("\"mining\" is not a sector"), "{err}");
    assert!(err.contains("assembly.community.rule"), "{err}");
    let err = run_fails("[assembly.region]\nquorum = 1.5\n");
    assert!(
        err.contains("assembly.region.quorum") && err.contains("between 0 and 1"),
        "{err}"
    );
    let err = run_fails(
        "[labour]\nundesirable_policy = \"swap\"\nsedentary_sectors = [\"painting\"]\nswap_start_day = 400\n\n[guilds]\ngoods = [\"art\"]\nmin_founders = 0\n\n[assembly]\nartist_acceptance = 2.0\n\n[transport]\ncar_hours_saved_per_km = -1.0\n",
    );
    for needle in [
        "labour.sedentary_sectors",
        "\"painting\" is not a sector",
        "labour.swap_start_day",
        "guilds.goods",
        "\"art\" is not a good",
        "guilds.min_founders",
        "assembly.artist_acceptance",
        "transport.car_hours_saved_per_km",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
}
