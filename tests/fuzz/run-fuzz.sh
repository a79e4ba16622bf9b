#!/bin/bash
# run-fuzz.sh TARGET SEED_DIR WORK_DIR SECONDS — runs one libFuzzer target for SECONDS over its
# committed seed corpus SEED_DIR. New interesting inputs go to WORK_DIR/corpus (never into the
# source tree); a crash, leak, sanitizer report or timeout is written to WORK_DIR/crash-* etc. and
# fails the run (exit status 1: libFuzzer's own default, 77, would read as "skipped" to meson).
# Used by the meson suite 'fuzz' and by scripts/fuzz.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: run-fuzz.sh TARGET SEED_DIR WORK_DIR SECONDS" >&2; exit 2; }
target=$1 seeds=$2 work=$3 secs=$4
[ -d "$seeds" ] || { echo "run-fuzz.sh: seed corpus $seeds does not exist" >&2; exit 2; }
mkdir -p "$work/corpus"
# -timeout: one input taking over 10 s is a hang; -rss_limit_mb: a runaway allocation is a bug.
exec "$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -error_exitcode=1 -timeout_exitcode=1 \
    -artifact_prefix="$work/" "$work/corpus" "$seeds"
