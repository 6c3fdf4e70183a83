#!/usr/bin/env bash
# The sweep benchmark of BENCHMARKS.md ("Sweeps"): scenarios/bench-sweep.toml (40 runs of 2,000
# persons) on --jobs 1 and --jobs 2, three rounds, alternating. On a shared machine each timing
# waits until the CPUs are at least 95% idle, so another user's build does not take a core away.
#
#   cargo build --release && scripts/bench-sweep.sh
set -euo pipefail
cd "$(dirname "$0")/.."
COMMUNE="${COMMUNE:-${CARGO_TARGET_DIR:-target}/release/commune}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

idle_pct() { # CPU idle percentage over 2 seconds
    local a b c d e f g h t1 i1 t2 i2
    read -r _ a b c d e f g h _ < /proc/stat; t1=$((a+b+c+d+e+f+g+h)); i1=$((d+e))
    sleep 2
    read -r _ a b c d e f g h _ < /proc/stat; t2=$((a+b+c+d+e+f+g+h)); i2=$((d+e))
    echo $(( 100 * (i2 - i1) / (t2 - t1) ))
}
wait_idle() { for _ in $(seq 1 300); do [ "$(idle_pct)" -ge 95 ] && return 0; done; echo "(machine busy)"; }

for round in 1 2 3; do
    for jobs in 1 2; do
        wait_idle
        rm -rf "$OUT/j$jobs"
        start=$(date +%s.%N)
        "$COMMUNE" sweep scenarios/bench-sweep.toml --jobs "$jobs" --out "$OUT/j$jobs" --no-plots --quiet
        end=$(date +%s.%N)
        echo "round $round --jobs $jobs: $(echo "$end - $start" | bc) s"
    done
done
