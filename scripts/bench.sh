#!/usr/bin/env bash
# Benchmark: wall time, CPU time and peak memory of the scorecard pipeline
# (load, join, clocks, metrics, write) on a generated sample, side by side
# with a DuckDB SQL baseline of the core figures (scripts/bench-duckdb.py) on
# the same files. Prints figures; asserts nothing.
#   scripts/bench.sh [LEADS] [RUNS]   default 1000000 leads (~1.2 forms, ~2.5 calls
#                                     each), 3 runs of each; each figure's median over
#                                     the runs is the figure (the lower middle one for
#                                     an even count)
# Runs alternate (handoff, duckdb, handoff, duckdb, ...), so a slow spell on a
# shared machine falls on both; peer comparisons are read as ratios on one
# machine in one run. CPU seconds (user + system, every thread) and peak RSS
# come from /usr/bin/time -v (else from getrusage in a small Python wrapper).
# Stage times vary run to run on a shared machine; each run starts after `sync`,
# so the previous run's files being written to disk do not slow it, and the
# inputs are read once before the first run, so neither side pays for the disk.
# Environment:
#   BENCH_BIN   a built handoff binary to use instead of `cargo build --release`
#   BENCH_DATA  the data folder (default /tmp/handoff-bench-LEADS; generated if missing)
#   BENCH_VENV  the venv holding the pinned DuckDB (default /var/tmp/handoff-bench-venv;
#               created by scripts/bench-duckdb.py when missing, pip from PyPI)
set -euo pipefail
cd "$(dirname "$0")/.."
leads=${1:-1000000}
runs=${2:-3}
if [ -n "${BENCH_BIN:-}" ]; then
    bin=$BENCH_BIN
else
    target=${CARGO_TARGET_DIR:-target}
    cargo build --release --locked --quiet
    bin="$target/release/handoff"
fi
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
py=$(python3 scripts/bench-duckdb.py --venv-python)
echo "baseline: DuckDB $("$py" -c 'import duckdb; print(duckdb.__version__)') (scripts/bench-duckdb.py, $py)"
cat "$data"/*.csv >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# measure NAME CMD...: runs CMD (stdout dropped, stderr kept in $work/NAME.err)
# and writes "wall_s cpu_s peak_mib" to $work/NAME.fig; stops the script if CMD fails.
measure() {
    local name=$1
    shift
    if ! measure_cmd "$name" "$@" >"$work/$name.fig"; then
        echo "failed: $*" >&2
        cat "$work/$name.err" >&2
        exit 1
    fi
}
measure_cmd() {
    local name=$1
    shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err" || return
        awk -F': ' '
            /Elapsed \(wall clock\)/ { n = split($2, p, ":"); wall = 0
                                       for (i = 1; i <= n; i++) wall = wall * 60 + p[i] }
            /User time \(seconds\)/   { cpu += $2 }
            /System time \(seconds\)/ { cpu += $2 }
            /Maximum resident set size/ { peak = $2 / 1024 }
            END { printf "%.2f %.2f %.0f\n", wall, cpu, peak }' "$work/$name.time"
    else
        python3 - "$work/$name.err" "$@" <<'EOF'
import resource, subprocess, sys, time
start = time.perf_counter()
with open(sys.argv[1], "w") as err:
    code = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=err)
wall = time.perf_counter() - start
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.2f} {ru.ru_utime + ru.ru_stime:.2f} {ru.ru_maxrss / 1024:.0f}")
sys.exit(code)
EOF
    fi
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

tool_wall=() tool_cpu=() tool_peak=() duck_wall=() duck_cpu=() duck_peak=()
cached_wall=() cached_cpu=() cached_peak=()
for run in $(seq 1 "$runs"); do
    sync
    echo "run $run of $runs, handoff:"
    # --no-cache: every run parses its inputs (the cached re-run is measured below).
    measure tool "$bin" scorecard --data "$data" --week 2026-W46 --out "$data/out" --timings --no-cache
    read -r wall cpu peak <"$work/tool.fig"
    sed 's/^/  /' "$work/tool.err"
    printf '  handoff: wall %s s, cpu %s s, peak %s MiB\n' "$wall" "$cpu" "$peak"
    tool_wall+=("$wall") tool_cpu+=("$cpu") tool_peak+=("$peak")

    sync
    echo "run $run of $runs, duckdb:"
    measure duck "$py" scripts/bench-duckdb.py --data "$data" --week 2026-W46 --out "$data/duckdb-figures.json" --timings
    read -r wall cpu peak <"$work/duck.fig"
    sed 's/^/  /' "$work/duck.err"
    printf '  duckdb: wall %s s, cpu %s s, peak %s MiB\n' "$wall" "$cpu" "$peak"
    duck_wall+=("$wall") duck_cpu+=("$cpu") duck_peak+=("$peak")
done

echo "per run (wall s / cpu s / peak MiB):"
echo "  handoff: ${tool_wall[*]} / ${tool_cpu[*]} / ${tool_peak[*]}"
echo "  duckdb:  ${duck_wall[*]} / ${duck_cpu[*]} / ${duck_peak[*]}"
tw=$(median "${tool_wall[@]}") tc=$(median "${tool_cpu[@]}") tp=$(median "${tool_peak[@]}")
dw=$(median "${duck_wall[@]}") dc=$(median "${duck_cpu[@]}") dp=$(median "${duck_peak[@]}")
echo "median of $runs runs, $leads leads:"
printf '  %-18s %8s %8s %9s\n' "" "wall s" "cpu s" "peak MiB"
printf '  %-18s %8s %8s %9s\n' "handoff" "$tw" "$tc" "$tp" "duckdb baseline" "$dw" "$dc" "$dp"
awk -v tw="$tw" -v tc="$tc" -v tp="$tp" -v dw="$dw" -v dc="$dc" -v dp="$dp" '
    function ratio(a, b) { return b > 0 ? sprintf("%.2fx", a / b) : "-" }
    BEGIN { printf "  %-18s %8s %8s %9s\n", "duckdb / handoff", ratio(dw, tw), ratio(dc, tc), ratio(dp, tp) }'
# The consultant's loop: the same exports again, the parsed inputs from the
# cache (a fresh cache folder: the first run fills it, the next are served).
cache=$(mktemp -d)
for run in fill $(seq 1 "$runs"); do
    sync
    measure cached "$bin" scorecard --data "$data" --week 2026-W46 --out "$data/out-cached" --timings --cache-dir "$cache"
    read -r wall cpu peak <"$work/cached.fig"
    if [ "$run" = fill ]; then
        printf 'handoff filling the cache: wall %s s, cpu %s s, peak %s MiB
' "$wall" "$cpu" "$peak"
    else
        cached_wall+=("$wall") cached_cpu+=("$cpu") cached_peak+=("$peak")
    fi
done
grep -E '^ *load|total' "$work/cached.err" | sed 's/^/  last cached run: /'
printf '  %-18s %8s %8s %9s
' "handoff, cached" "$(median "${cached_wall[@]}")" "$(median "${cached_cpu[@]}")" "$(median "${cached_peak[@]}")"
cmp -s "$data/out/metrics.json" "$data/out-cached/metrics.json" && echo "  metrics.json of the cached runs: byte-identical to the uncached run's"
rm -rf "$cache"
echo "figures from the last run (duckdb baseline beside handoff's metrics.json):"
python3 scripts/bench-duckdb.py --compare "$data/duckdb-figures.json" "$data/out/metrics.json"
