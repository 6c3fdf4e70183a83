#!/usr/bin/env bash
# Split a commune sweep over a Slurm job array: each array task runs one shard, then a last job
# merges the shards. Submit from a clone with a built binary (cargo build --release):
#
#   SCENARIO=scenarios/sweep-gardens.toml OUT=$SCRATCH/sweep-gardens \
#     sbatch --array=1-8 scripts/slurm-sweep.sh
#   # when the array has finished (or chain it: sbatch --dependency=afterok:<array job id> ...):
#   target/release/commune merge --out $SCRATCH/sweep-gardens/merged $SCRATCH/sweep-gardens/shard-*
#
# A task that is killed (time limit, pre-emption) can simply be resubmitted: the sweep skips the
# runs its shard already completed. Every shard derives the same seeds from the scenario's root
# seed, so the merged sweep equals one run on a single machine.
#
#SBATCH --job-name=commune-sweep
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=02:00:00
#SBATCH --output=commune-sweep-%A_%a.log

set -euo pipefail

: "${SCENARIO:?set SCENARIO to the scenario file with a [sweep] section}"
: "${OUT:?set OUT to a directory on shared storage}"
COMMUNE="${COMMUNE:-target/release/commune}"

K="${SLURM_ARRAY_TASK_ID:?submit as an array job: sbatch --array=1-N}"
N="${SLURM_ARRAY_TASK_COUNT:?submit as an array job: sbatch --array=1-N}"

# One directory per shard, so shards never write into each other's; plots are made after merge.
"$COMMUNE" sweep "$SCENARIO" \
    --shard "$K/$N" \
    --jobs "${SLURM_CPUS_PER_TASK:-1}" \
    --out "$OUT/shard-$K" \
    --no-plots --quiet
