#!/usr/bin/env bash
# Benchmark: wall time and peak memory of the scorecard pipeline (load, join,
# clocks, metrics, write) on a generated sample. Prints figures; asserts nothing.
#   scripts/bench.sh [LEADS] [RUNS]   default 1000000 leads (~1.2 forms, ~2.5 calls
#                                     each), 3 runs; the median run is the figure
# Stage times vary run to run on a shared machine; each run starts after `sync`,
# so the previous run's files being written to disk do not slow it.
set -euo pipefail
cd "$(dirname "$0")/.."
leads=${1:-1000000}
runs=${2:-3}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --locked --quiet
bin="$target/release/handoff"
data=${BENCH_DATA:-/tmp/handoff-bench-$leads}
if [ ! -f "$data/leads.csv" ]; then
    echo "generating $leads leads into $data"
    "$bin" sample --leads "$leads" --seed 1 --out "$data" >/dev/null
fi
echo "input files:"
for f in leads deals forms calls spend; do
    printf '  %-6s %10s rows %8s\n' "$f" "$(($(wc -l < "$data/$f.csv") - 1))" "$(du -h "$data/$f.csv" | cut -f1)"
done
echo "cores: $(nproc), memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
walls=()
for run in $(seq 1 "$runs"); do
    sync
    echo "run $run of $runs:"
    start=$(date +%s.%N)
    "$bin" scorecard --data "$data" --week 2026-W46 --out "$data/out" --timings 2>&1 >/dev/null | sed 's/^/  /'
    end=$(date +%s.%N)
    wall=$(echo "$end - $start" | bc)
    walls+=("$wall")
    echo "  wall time, whole run: $wall s"
done
echo "wall time per run: ${walls[*]} s"
echo "median: $(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') s"
