#!/usr/bin/env bash
# Benchmark: one leads export of about 2 GB through `handoff ledger`, to show
# that a file of any size is read chunk by chunk (never held whole, and its raw
# text never held next to the parsed rows). Prints figures; asserts nothing.
#   scripts/bench-large-file.sh [COPIES]   default 8 copies of 1M generated leads (~2.2 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-8}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --locked --quiet
bin="$target/release/handoff"
data=${BENCH_DATA:-/tmp/handoff-bench-1000000}
if [ ! -f "$data/leads.csv" ]; then
    echo "generating 1000000 leads into $data"
    "$bin" sample --leads 1000000 --seed 1 --out "$data" >/dev/null
fi
big=${BENCH_LARGE:-/tmp/handoff-large-leads.csv}
if [ ! -f "$big" ]; then
    # The same leads repeated: duplicate ids are merged by the join, as the contract says.
    { head -1 "$data/leads.csv"; for _ in $(seq "$copies"); do tail -n +2 "$data/leads.csv"; done; } > "$big"
fi
echo "leads file: $(du -h "$big" | cut -f1), $(($(wc -l < "$big") - 1)) rows"
echo "cores: $(nproc), memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
out=$(mktemp -d)
start=$(date +%s.%N)
"$bin" ledger --leads "$big" --as-of 2026-11-21 --out "$out" --timings
end=$(date +%s.%N)
echo "wall time, whole run: $(echo "$end - $start" | bc) s"
rm -rf "$out"
