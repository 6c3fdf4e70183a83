#!/usr/bin/env bash
# Every figure the documentation quotes from runs, made again: each table or paragraph of
# README.md, docs/results.md, docs/planning.md, docs/demography.md, docs/accounts.md and
# docs/experiments.md that quotes figures (mostly means with 95% intervals, "1.796 [1.755, 1.838]")
# names the command that made them; this script runs each of those commands, one section per
# quoted table or paragraph, each into $OUT/<id>/. Where the docs use a modified copy of a
# shipped scenario ("a copy that sets labour.harvest_help = false"), the copy is made under
# $OUT/scenarios/ (named apart, since `commune compare` tells scenarios by name) and checked with
# `commune validate`.
#
# What it is for: to check the quoted figures against the build, and, after a change that moves
# figures in their last bits (ARCHITECTURE.md, "Figures the same in distribution": a change that
# reorders a sum or narrows a type, checked over seeds with `commune dock`, not to the bit), to
# re-run every quoted figure before the docs are updated. Compare $OUT with the docs section by
# section; each section's comment says where its figures are quoted.
#
#   cargo build --release && scripts/doc-figures.sh            # every section, one after another
#   scripts/doc-figures.sh planning-region                      # one section
#   scripts/doc-figures.sh --list                               # the section ids
#   COMMUNE=path/to/commune OUT=/tmp/doc-figures JOBS=2 scripts/doc-figures.sh
#
# Sections run one after another; within one, runs go in parallel only through the command's
# own --jobs (JOBS, default 0: one per core). Per-seed `commune run`s go one at a time. Every
# section removes and remakes its own directory (and the commands get --force; sweep and
# sensitivity would otherwise resume), so running it again is safe. Each section's time goes to
# $OUT/timings.txt. All 40 sections take about 7.5 minutes on 2 cores shared with a build
# (sensitivity-sobol 3.5 of them, wants 40 s, regions-agreements 25 s, the rest under 20 s each).
#
# Figures the docs label as measured under an older version ("measured under `perfect`
# planning", "not re-run") are not made again, except where the same runs make them anyway
# (harvest-hours, single-seed). Figures the integration tests measure (tests/it/*.rs) are made
# here only where a test's runs can be made with the command line: the status-quo table of
# docs/accounts.md (tests/it/table_economy.rs) and the village's standing-agreement figures
# (tests/it/standing_agreements.rs, input_agreements.rs). Two sections follow a command the docs
# do not state (village-perfect-year, planning-shortfall); their comments say what was assumed.
set -euo pipefail
cd "$(dirname "$0")/.."
COMMUNE="${COMMUNE:-${CARGO_TARGET_DIR:-target}/release/commune}"
OUT="${OUT:-output/doc-figures}"
JOBS="${JOBS:-0}"
S=scenarios
C="$OUT/scenarios" # the modified copies

# --- helpers -----------------------------------------------------------------------------------

# compare ID FILE... [OPTIONS]: `commune compare` into $OUT/ID.
compare() {
    local id=$1
    shift
    "$COMMUNE" compare "$@" --jobs "$JOBS" --out "$OUT/$id" --force --quiet --no-plots
}

# runs ID TICKS FILE SEED...: one `commune run` per seed, into $OUT/ID/<file's name>/seed-<seed>;
# TICKS - keeps the file's own.
runs() {
    local id=$1 ticks=$2 file=$3
    shift 3
    local name seed days=()
    name=$(basename "$file" .toml)
    [ "$ticks" = - ] || days=(--ticks "$ticks")
    for seed in "$@"; do
        "$COMMUNE" run "$file" --seed "$seed" "${days[@]}" \
            --out "$OUT/$id/$name/seed-$seed" --force --quiet --no-plots
    done
}

# seeds_of DIR: the common seeds of the comparison in DIR (its compare.json), one a line.
seeds_of() {
    sed -n '/"seeds"/,/\]/p' "$1/compare.json" | grep -o '[0-9][0-9]*'
}

# copy SRC NAME: $C/NAME.toml, SRC with `name = "NAME"`.
copy() {
    mkdir -p "$C"
    sed "s/^name = \".*\"/name = \"$2\"/" "$1" >"$C/$2.toml"
    grep -q "^name = \"$2\"$" "$C/$2.toml" || { echo "copy: $1 has no name line" >&2; exit 1; }
}

# set_key FILE SECTION KEY VALUE: KEY = VALUE in [SECTION] of FILE: the key's line replaced if the
# section has it, added right after the section's header if not, and the section added at the
# end of the file if the file has none.
set_key() {
    local file=$1 section=$2 key=$3 value=$4
    awk -v sec="[$section]" -v key="$key" -v val="$value" '
        NR == FNR {
            if ($0 ~ /^\[/) { insec = ($0 == sec); if (insec) found = 1 }
            else if (insec && $0 ~ "^" key "[ \t]*=") has = 1
            next
        }
        {
            if ($0 ~ /^\[/) insec = ($0 == sec)
            if (insec && has && $0 ~ "^" key "[ \t]*=") { print key " = " val; next }
            print
            if ($0 == sec && !has) print key " = " val
        }
        END { if (!found) { print ""; print sec; print key " = " val } }
    ' "$file" "$file" >"$file.tmp"
    mv "$file.tmp" "$file"
}

# checked NAME: validate $C/NAME.toml (an unknown or misplaced key is refused).
checked() {
    local said
    said=$("$COMMUNE" validate "$C/$1.toml" 2>&1) || { echo "$said" >&2; exit 1; }
}

# --- sections ----------------------------------------------------------------------------------
# Each: section_<id with - as _>. SECTIONS lists them in order, with where their figures are quoted.

SECTIONS=(
    "decompose-deu|README.md (The essay's headline; From published accounts), docs/results.md (From today's economy to the essay's, step by step: Germany)"
    "decompose-usa|README.md (The essay's headline), docs/results.md (From today's economy to the essay's, step by step: United States)"
    "village-perfect-year|docs/results.md (From today's economy..., 'under perfect planning the village took 1.93 [1.78, 2.08]'; command not stated)"
    "gardens|README.md (What the shipped comparisons found), docs/results.md (Gardens on vs off)"
    "kitchens|README.md (The essay's headline: footprint and waste; What the shipped comparisons found), docs/results.md (Community kitchens vs households cooking alone)"
    "plate-waste|README.md (The essay's headline: 7.5 %), docs/results.md (Community kitchens vs households: Plates left unfinished)"
    "fossil|README.md (What the shipped comparisons found), docs/results.md (Renewables only vs a fossil plant allowed)"
    "renewables-build|README.md (What the shipped comparisons found), docs/results.md (Renewables only vs renewables that grow)"
    "energy-regional|README.md (What the shipped comparisons found), docs/results.md (Appropriate technology vs a regional energy syndicate)"
    "status-quo|README.md (What the shipped comparisons found), docs/results.md (The essay's society vs the status quo)"
    "labour|README.md (What the shipped comparisons found), docs/results.md (Rota vs incentive vs exchange vs volunteering vs job swaps)"
    "majority-consensus|README.md (What the shipped comparisons found), docs/results.md (Majority vs consensus)"
    "consensus-fallback|docs/results.md (Majority vs consensus: What deliberation costs, and what the fallback does)"
    "cars|README.md (What the shipped comparisons found), docs/results.md (Rail only vs cars)"
    "guild-clothing|README.md (What the shipped comparisons found), docs/results.md (Syndicate vs guild clothing)"
    "sensitivity-headline|docs/results.md (What the shipped sensitivity analysis found)"
    "sensitivity-sobol|README.md (The essay's headline), docs/results.md (How much each one explains: Sobol' indices)"
    "sweep-gardens|docs/experiments.md (Sweeps)"
    "planning-region|README.md (Coordination without a planner)"
    "planning-village|docs/planning.md (Which shipped scenarios plan how), README.md (Coordination without a planner: the shipped village)"
    "planning-shortfall|README.md (Coordination without a planner: planning-shortfall.toml; command not stated)"
    "longer-vote|docs/planning.md (When wants exceed willing hours, the community chooses: planning-longer-vote.toml)"
    "wants|docs/planning.md (Needs stated, not assigned: What it changes in the region)"
    "regions-agreements|docs/planning.md (Transfers between regions only under agreements; Agreements made by the regional assemblies)"
    "syndicate-assemblies|docs/planning.md (Syndicates' own assemblies: What it does in the region)"
    "harvest-hours|docs/planning.md (The farm's hours in the harvest: What it does in a village short of hands)"
    "planning-agreements|docs/planning.md (Standing agreements: What it does in the region)"
    "village-agreements|README.md (Coordination without a planner: bullwhip 0.44 and 0.96), docs/planning.md (Standing agreements: In the village; Agreements between syndicates: In the village as shipped)"
    "input-agreements|docs/planning.md (Agreements between syndicates, made by their workers: What it does in the region)"
    "harvest-help|docs/demography.md (City and countryside: urban communities, and help at harvest)"
    "harvest-help-decided|docs/demography.md (City and countryside: Harvest help decided by the regional assemblies)"
    "city-help|docs/demography.md (City and countryside: Farmers help in the cities later in the year)"
    "city-help-decided|docs/demography.md (City and countryside: City help decided by the regions)"
    "moves|docs/demography.md (Moves between communities)"
    "guild-moves|docs/demography.md (Moves between communities: Moving to join a guild)"
    "households-moves|docs/demography.md (Households: households-moves.toml)"
    "newcomers|docs/demography.md (Newcomers as a decision)"
    "city-needs|docs/demography.md (Urban needs that differ from rural ones)"
    "accounts|docs/accounts.md (The shipped status-quo scenarios: the table of tests/it/table_economy.rs)"
    "single-seed|docs/results.md, docs/demography.md: single-seed prose figures ('with seed 42 ...')"
)

# README.md "The essay's headline" (the village's 1.95 h [1.80, 2.09] is step 6; Germany 2.90 and
# 1.88) and docs/results.md "From today's economy to the essay's, step by step", Germany's table.
# 10 seeds x 365 days from the file's [decompose] section.
section_decompose_deu() {
    "$COMMUNE" decompose $S/status-quo-deu.toml --jobs "$JOBS" --out "$OUT/decompose-deu" --force --quiet --no-plots
}

# The same, the United States' table (README: 3.70 and 2.28).
section_decompose_usa() {
    "$COMMUNE" decompose $S/status-quo-usa.toml --jobs "$JOBS" --out "$OUT/decompose-usa" --force --quiet --no-plots
}

# docs/results.md "From today's economy to the essay's, step by step", "How to read it": "under
# `perfect` planning the village took 1.93 [1.78, 2.08]". The docs do not give the command; this
# is the decompose's last step (the village, 10 seeds from 42, 365 days) under both rules.
section_village_perfect_year() {
    copy $S/village.toml village-perfect
    set_key "$C/village-perfect.toml" economy planning '"perfect"'
    checked village-perfect
    compare village-perfect-year $S/village.toml "$C/village-perfect.toml" --replicates 10 --ticks 365
}

# README.md "What the shipped comparisons found"; docs/results.md "Gardens on vs off".
section_gardens() {
    compare gardens $S/gardens-on.toml $S/gardens-off.toml --replicates 20
}

# README.md "The essay's headline" (0.68 t [0.67, 0.68], 2.1 % wasted: the kitchens' figures) and
# "What the shipped comparisons found"; docs/results.md "Community kitchens vs households cooking
# alone".
section_kitchens() {
    compare kitchens $S/kitchens.toml $S/households.toml --replicates 20
}

# README.md "The essay's headline" (7.5 %); docs/results.md "Plates left unfinished".
section_plate_waste() {
    compare plate-waste $S/kitchens.toml $S/kitchens-plate-waste.toml --replicates 20
}

# README.md "What the shipped comparisons found"; docs/results.md "Renewables only vs a fossil
# plant allowed".
section_fossil() {
    compare fossil $S/renewables.toml $S/fossil-allowed.toml --replicates 20
}

# README.md "What the shipped comparisons found" (10 seeds); docs/results.md "Renewables only vs
# renewables that grow".
section_renewables_build() {
    compare renewables-build $S/renewables.toml $S/renewables-build.toml --replicates 10
}

# README.md "What the shipped comparisons found" (5 seeds); docs/results.md "Appropriate
# technology vs a regional energy syndicate".
section_energy_regional() {
    compare energy-regional $S/energy-appropriate.toml $S/energy-regional.toml --replicates 5
}

# README.md "What the shipped comparisons found" (10 seeds); docs/results.md "The essay's society
# vs the status quo".
section_status_quo() {
    compare status-quo $S/village.toml $S/status-quo.toml --replicates 10
}

# README.md "What the shipped comparisons found"; docs/results.md "Rota vs incentive vs exchange vs
# volunteering vs job swaps" (seeds from labour-volunteer.toml's seed, 7).
section_labour() {
    compare labour $S/labour-volunteer.toml $S/labour-rota.toml $S/labour-incentive.toml \
        $S/labour-exchange.toml $S/labour-swap.toml --replicates 20
}

# README.md "What the shipped comparisons found"; docs/results.md "Majority vs consensus".
section_majority_consensus() {
    compare majority-consensus $S/majority.toml $S/consensus.toml --replicates 20
}

# docs/results.md "Majority vs consensus", "What deliberation costs, and what the fallback does".
section_consensus_fallback() {
    compare consensus-fallback $S/majority.toml $S/consensus.toml $S/consensus-majority-fallback.toml --replicates 20
}

# README.md "What the shipped comparisons found"; docs/results.md "Rail only vs cars".
section_cars() {
    compare cars $S/rail-only.toml $S/cars.toml --replicates 20
}

# README.md "What the shipped comparisons found"; docs/results.md "Syndicate vs guild clothing".
section_guild_clothing() {
    compare guild-clothing $S/syndicate-clothing.toml $S/guild-clothing.toml --replicates 20
}

# docs/results.md "What the shipped sensitivity analysis found": the Morris screening (420 runs).
section_sensitivity_headline() {
    rm -rf "$OUT/sensitivity-headline"
    "$COMMUNE" sensitivity $S/sensitivity-headline.toml --jobs "$JOBS" --out "$OUT/sensitivity-headline" --quiet --no-plots
}

# README.md "The essay's headline" (S1 of care 0.28 [0.19, 0.37] ...); docs/results.md "How much
# each one explains: Sobol' indices of the nine that matter" (5,632 runs).
section_sensitivity_sobol() {
    rm -rf "$OUT/sensitivity-sobol"
    "$COMMUNE" sensitivity $S/sensitivity-sobol.toml --jobs "$JOBS" --out "$OUT/sensitivity-sobol" --quiet --no-plots
}

# docs/experiments.md "Sweeps": the shipped garden sweep (50 runs; its figures are in prose).
section_sweep_gardens() {
    rm -rf "$OUT/sweep-gardens"
    "$COMMUNE" sweep $S/sweep-gardens.toml --jobs "$JOBS" --out "$OUT/sweep-gardens" --quiet --no-plots
}

# README.md "Coordination without a planner": the region under the four planning rules.
section_planning_region() {
    compare planning-region $S/planning-perfect.toml $S/planning-local.toml \
        $S/planning-shared.toml $S/planning-participatory.toml --replicates 20
}

# docs/planning.md "Which shipped scenarios plan how" ("`commune compare` of `village.toml` with
# `planning = "perfect"` against it", 20 seeds, two years); README.md "Coordination without a
# planner" quotes its +0.018 h and 4.6 % against 3.4 %.
section_planning_village() {
    copy $S/village.toml village-perfect
    set_key "$C/village-perfect.toml" economy planning '"perfect"'
    checked village-perfect
    compare planning-village "$C/village-perfect.toml" $S/village.toml --replicates 20
}

# README.md "Coordination without a planner": "In scenarios/planning-shortfall.toml ... the
# assembly votes to work longer in all 20 seeds: +0.26 h/day [0.20, 0.31] against wanting less".
# The docs do not give the command; this compares the file with a copy that fixes
# `shortfall = "less"` (the file's own comment names that copy), over 20 seeds.
section_planning_shortfall() {
    copy $S/planning-shortfall.toml planning-shortfall-less
    set_key "$C/planning-shortfall-less.toml" economy shortfall '"less"'
    checked planning-shortfall-less
    compare planning-shortfall "$C/planning-shortfall-less.toml" $S/planning-shortfall.toml --replicates 20
}

# docs/planning.md "When wants exceed willing hours, the community chooses", the paragraph on
# scenarios/planning-longer-vote.toml: seeds 1-20 x 730 days of `commune run`, the file against
# copies with `longer_by = "everyone"` and `"rota"`, and the three again with the day capped at
# 2.5 h (labour.max_hours_per_day) instead of 3. 120 runs.
section_longer_vote() {
    local by cap name
    for cap in 3 2.5; do
        for by in vote everyone rota; do
            name="longer-$by-cap$cap"
            copy $S/planning-longer-vote.toml "$name"
            set_key "$C/$name.toml" economy longer_by "\"$by\""
            set_key "$C/$name.toml" labour max_hours_per_day "$cap"
            checked "$name"
            runs longer-vote 730 "$C/$name.toml" $(seq 1 20)
        done
    done
}

# docs/planning.md "Needs stated, not assigned", "What it changes in the region": planning-local,
# wants.toml with `restate_after_days = 0`, wants.toml, 20 seeds; then the per-run figures
# ("Per run (the same 20 seeds ...)": devices requested, made, their hours, requests re-stated)
# from the same seeds run one by one, and "Over seeds 1 to 20 (730 days)" the longest planned
# stock-out without and with re-stating.
section_wants() {
    copy $S/wants.toml wants-no-restate
    set_key "$C/wants-no-restate.toml" economy restate_after_days 0
    checked wants-no-restate
    compare wants $S/planning-local.toml "$C/wants-no-restate.toml" $S/wants.toml --replicates 20
    local seeds
    seeds=$(seeds_of "$OUT/wants")
    runs wants/same-seeds 730 $S/planning-local.toml $seeds
    runs wants/same-seeds 730 $S/wants.toml $seeds
    runs wants/seeds-1-20 730 "$C/wants-no-restate.toml" $(seq 1 20)
    runs wants/seeds-1-20 730 $S/wants.toml $(seq 1 20)
}

# docs/planning.md "Transfers between regions only under agreements" (the rule, one agreement, no
# agreement) and "Agreements made by the regional assemblies" (the same and regions-assemblies):
# the no-agreement file is regions-agreements.toml without its [[rail.agreements]].
section_regions_agreements() {
    mkdir -p "$C"
    sed 's/^name = ".*"/name = "regions-no-agreement"/' $S/regions-agreements.toml |
        awk '/^\[\[rail\.agreements\]\]/ { skip = 1; next } /^\[/ { skip = 0 } !skip' >"$C/regions-no-agreement.toml"
    if grep -q 'rail.agreements\|^supplier\|^receiver' "$C/regions-no-agreement.toml"; then
        echo "regions-no-agreement: an agreement is left" >&2
        exit 1
    fi
    checked regions-no-agreement
    compare regions-agreements $S/small-world.toml $S/regions-agreements.toml \
        "$C/regions-no-agreement.toml" $S/regions-assemblies.toml --replicates 20
    # "Over the 20 runs regions asked 161 times, ...": the assemblies' runs one by one.
    runs regions-agreements/same-seeds - $S/regions-assemblies.toml $(seeds_of "$OUT/regions-agreements")
}

# docs/planning.md "Syndicates' own assemblies: workers decide their stock target", "What it does
# in the region": the headlines from the comparison, "the other rows ... from the same seeds run
# one by one".
section_syndicate_assemblies() {
    compare syndicate-assemblies $S/planning-local.toml $S/syndicate-assemblies.toml --replicates 20 --ticks 365
    local seeds
    seeds=$(seeds_of "$OUT/syndicate-assemblies")
    runs syndicate-assemblies/same-seeds 365 $S/planning-local.toml $seeds
    runs syndicate-assemblies/same-seeds 365 $S/syndicate-assemblies.toml $seeds
}

# docs/planning.md "The farm's hours in the harvest", "What it does in a village short of hands
# at harvest": the comparison. (Its second table, seeds 1 to 20 run one by one, is labelled as
# measured under `perfect` planning and not re-run; the runs below make it for this version.)
section_harvest_hours() {
    compare harvest-hours $S/harvest-short.toml $S/harvest-hours.toml --replicates 20
    runs harvest-hours/seeds-1-20 730 $S/harvest-short.toml $(seq 1 20)
    runs harvest-hours/seeds-1-20 730 $S/harvest-hours.toml $(seq 1 20)
}

# docs/planning.md "Standing agreements between a community and its syndicates", "What it does in
# the region".
section_planning_agreements() {
    compare planning-agreements $S/planning-local.toml $S/planning-agreements.toml --replicates 20 --ticks 365
}

# README.md "Coordination without a planner" (bullwhip cut to 0.44 [0.42, 0.46], 0.96 [0.92,
# 1.00]) and docs/planning.md "Standing agreements": "In the village (20 seeds, 400 days,
# tests/it/standing_agreements.rs)", and "Agreements between syndicates": "In the village as
# shipped (20 seeds, 400 days)" (tests/it/input_agreements.rs). The tests run the village with
# requests varying 10% a day (tests/it/common.rs, local_village) over seeds 1-20 for 400 days;
# these are the same runs through the command line: without agreements, with agreements revised
# by the assembly, with the first ones left standing (standing_agreement off the agenda), and
# with the syndicates' own agreements. Then the docs' "in `commune compare` over 20 seeds of the
# same village, 4.15 against 9.56", whose length is not stated: 400 days, as the tests.
section_village_agreements() {
    copy $S/village.toml village-cv
    set_key "$C/village-cv.toml" economy request_cv 0.1
    checked village-cv
    copy "$C/village-cv.toml" village-agreements
    set_key "$C/village-agreements.toml" economy standing_agreements true
    checked village-agreements
    copy "$C/village-agreements.toml" village-agreements-fixed
    set_key "$C/village-agreements-fixed.toml" assembly.community off_agenda '["standing_agreement"]'
    checked village-agreements-fixed
    copy "$C/village-agreements.toml" village-input-agreements
    set_key "$C/village-input-agreements.toml" economy input_agreements '"assemblies"'
    checked village-input-agreements
    local name
    for name in village-cv village-agreements village-agreements-fixed village-input-agreements; do
        runs village-agreements 400 "$C/$name.toml" $(seq 1 20)
    done
    compare village-agreements/compare "$C/village-cv.toml" "$C/village-agreements-fixed.toml" --replicates 20 --ticks 400
}

# docs/planning.md "Agreements between syndicates, made by their workers", "What it does in the
# region".
section_input_agreements() {
    compare input-agreements $S/planning-agreements.toml $S/planning-input-agreements.toml --replicates 20 --ticks 365
}

# docs/demography.md "City and countryside": "Over 20 seeds (`commune compare` with a copy that sets
# `harvest_help = false`)"; without help first, so the differences are with minus without.
section_harvest_help() {
    copy $S/city-and-country.toml city-and-country-no-help
    set_key "$C/city-and-country-no-help.toml" labour harvest_help false
    checked city-and-country-no-help
    compare harvest-help "$C/city-and-country-no-help.toml" $S/city-and-country.toml --replicates 20
}

# docs/demography.md "Harvest help decided by the regional assemblies".
section_harvest_help_decided() {
    compare harvest-help-decided $S/city-and-country.toml $S/harvest-help-decided.toml --replicates 20 --ticks 730
}

# docs/demography.md "Farmers help in the cities later in the year": "with a copy that sets
# `city_help = false`, 365 days"; without first.
section_city_help() {
    copy $S/city-help.toml city-help-off
    set_key "$C/city-help-off.toml" labour city_help false
    checked city-help-off
    compare city-help "$C/city-help-off.toml" $S/city-help.toml --replicates 20
}

# docs/demography.md "City help decided by the regions".
section_city_help_decided() {
    compare city-help-decided $S/city-help.toml $S/city-help-decided.toml --replicates 20
}

# docs/demography.md "Moves between communities": moves.toml against the same file with a rate
# of 0, 20 seeds, two years; no moves first.
section_moves() {
    copy $S/moves.toml moves-none
    set_key "$C/moves-none.toml" population move_rate 0.0
    checked moves-none
    compare moves "$C/moves-none.toml" $S/moves.toml --replicates 20
}

# docs/demography.md "Moving to join a guild": guild-moves.toml against the same file with
# `guild_move_rate = 0`, "over 20 seeds (1 to 20) and two years, paired by seed": its rows
# (guild moves, members, guilds, guild hours, clothing made, second-year hours and shortage) are
# read from each run's metrics.csv.
section_guild_moves() {
    copy $S/guild-moves.toml guild-moves-none
    set_key "$C/guild-moves-none.toml" population guild_move_rate 0.0
    checked guild-moves-none
    runs guild-moves 730 "$C/guild-moves-none.toml" $(seq 1 20)
    runs guild-moves 730 $S/guild-moves.toml $(seq 1 20)
}

# docs/demography.md "Households": `commune compare scenarios/moves.toml
# scenarios/households-moves.toml households-matched.toml --replicates 20 --ticks 365`, where
# households-matched is households-moves.toml with `move_rate = 0.16` and no leaving home.
section_households_moves() {
    copy $S/households-moves.toml households-matched
    set_key "$C/households-matched.toml" population move_rate 0.16
    set_key "$C/households-matched.toml" population leave_home_rate 0.0
    checked households-matched
    compare households-moves $S/moves.toml $S/households-moves.toml "$C/households-matched.toml" \
        --replicates 20 --ticks 365
}

# docs/demography.md "Newcomers as a decision": newcomers.toml against the same file with
# `population.influx = "arrive"`, 20 seeds; arrive first. The paragraph before the table ("Over
# the 20 seeds of `commune compare`": votes, requests sent to the region, arrivals, hours worked)
# reads the decided runs' decisions and metrics: the same seeds run one by one.
section_newcomers() {
    copy $S/newcomers.toml newcomers-arrive
    set_key "$C/newcomers-arrive.toml" population influx '"arrive"'
    checked newcomers-arrive
    compare newcomers "$C/newcomers-arrive.toml" $S/newcomers.toml --replicates 20
    runs newcomers/same-seeds - $S/newcomers.toml $(seeds_of "$OUT/newcomers")
}

# docs/demography.md "Urban needs that differ from rural ones".
section_city_needs() {
    compare city-needs $S/city-and-country.toml $S/city-needs.toml --replicates 20
}

# docs/accounts.md "The shipped status-quo scenarios": the table tests/it/table_economy.rs writes
# (and checks): each country's status quo over seeds 1-10, 30 days each; the simulated columns
# are the means over the 30 days of work_hours_per_person, 365 x work_hours_per_worker and
# 365 / 1000 x footprint_kg_co2e_per_person in each run's metrics.csv, with a t interval over the
# 10 seeds. The accounts' own totals are `commune accounts` of each country.
section_accounts() {
    local c
    mkdir -p "$OUT/accounts"
    for c in usa deu gbr fra can aus; do
        runs accounts 30 $S/status-quo-$c.toml $(seq 1 10)
        "$COMMUNE" accounts --country "${c^^}" --year 2014 >"$OUT/accounts/accounts-$c.txt"
    done
}

# Single seeds the prose quotes, where the docs do not label them as measured under an older
# version: docs/results.md (the village and the status quo at seed 42: worn installations
# rebuilt, the status quo's second year; the drought at seed 3; the garment guild at seed 42;
# energy short with and without building wind at seed 42),
# docs/demography.md (the century at seed 7; split.toml at seed 42; households-moves.toml at its
# seed 11; moves.toml and its copy without moves at seed 3; city-and-country with and without
# harvest help at seed 5; harvest-help-decided.toml at seed 5 over 730 days, its first decisions;
# city-help.toml and its copy without city help at seed 5 with `--communities`: the urban
# communities' `labour_shortage_hours` on days 0-59 and 300-364 and on days 60-89, and the rural
# ones' over the year, from communities.parquet by its `urban` column), docs/planning.md (seeds
# 1 and 2 of planning-local, planning-agreements and planning-input-agreements over 365 days).
section_single_seed() {
    runs single-seed - $S/village.toml 42
    runs single-seed - $S/status-quo.toml 42
    runs single-seed - $S/drought.toml 3
    runs single-seed - $S/guild-clothing.toml 42
    runs single-seed - $S/renewables.toml 42
    runs single-seed - $S/renewables-build.toml 42
    runs single-seed - $S/demography-century.toml 7
    runs single-seed - $S/split.toml 42
    runs single-seed - $S/households-moves.toml 11
    copy $S/moves.toml moves-none
    set_key "$C/moves-none.toml" population move_rate 0.0
    checked moves-none
    runs single-seed - $S/moves.toml 3
    runs single-seed - "$C/moves-none.toml" 3
    copy $S/city-and-country.toml city-and-country-no-help
    set_key "$C/city-and-country-no-help.toml" labour harvest_help false
    checked city-and-country-no-help
    runs single-seed - $S/city-and-country.toml 5
    runs single-seed - "$C/city-and-country-no-help.toml" 5
    runs single-seed 730 $S/harvest-help-decided.toml 5
    copy $S/city-help.toml city-help-off
    set_key "$C/city-help-off.toml" labour city_help false
    checked city-help-off
    local f
    for f in $S/city-help.toml "$C/city-help-off.toml"; do
        "$COMMUNE" run "$f" --seed 5 --communities --out "$OUT/single-seed/$(basename "$f" .toml)/seed-5" \
            --force --quiet --no-plots
    done
    runs single-seed 365 $S/planning-local.toml 1 2
    runs single-seed 365 $S/planning-agreements.toml 1 2
    runs single-seed 365 $S/planning-input-agreements.toml 1 2
}

# --- main --------------------------------------------------------------------------------------

ids() { local s; for s in "${SECTIONS[@]}"; do echo "${s%%|*}"; done; }

if [ "${1:-}" = "--list" ]; then
    for s in "${SECTIONS[@]}"; do printf '%-22s %s\n' "${s%%|*}" "${s#*|}"; done
    exit 0
fi
if [ $# -gt 1 ] || { [ $# -eq 1 ] && ! ids | grep -qx -- "$1"; }; then
    echo "usage: $0 [--list | SECTION]; sections: $(ids | tr '\n' ' ')" >&2
    exit 2
fi
[ -x "$COMMUNE" ] || { echo "no commune binary at $COMMUNE (cargo build --release, or set COMMUNE)" >&2; exit 2; }

mkdir -p "$OUT"
[ $# -eq 1 ] || : >"$OUT/timings.txt"
total_start=$(date +%s)
for id in $(ids); do
    [ $# -eq 1 ] && [ "$1" != "$id" ] && continue
    start=$(date +%s)
    echo "== $id"
    rm -rf "${OUT:?}/$id"
    "section_${id//-/_}"
    took=$(($(date +%s) - start))
    echo "$id: $took s" | tee -a "$OUT/timings.txt"
done
echo "all: $(($(date +%s) - total_start)) s" | tee -a "$OUT/timings.txt"
