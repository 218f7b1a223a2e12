#!/usr/bin/env bash
# Runs the cargo-fuzz targets (fuzz/fuzz_targets) for a bounded time each.
#   scripts/fuzz.sh [SECONDS]     default 60 per target
# Needs the nightly toolchain and cargo-fuzz (installed from crates.io if
# missing). Without nightly it says so and exits 0: the property tests in
# tests/it/properties.rs still run in the test command. A crash found fails
# the run; its input is in fuzz/artifacts/<target>/ and belongs in a
# regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzz: no nightly toolchain here; skipped (property tests cover the parsers)"
    exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked --quiet || { echo "fuzz: cargo-fuzz could not be installed; skipped"; exit 0; }
fi
export CARGO_TARGET_DIR=${FUZZ_TARGET_DIR:-fuzz/target}
if ! cargo +nightly fuzz build --dev >/tmp/handoff-fuzz-build.log 2>&1; then
    echo "fuzz: the fuzz targets did not build with this nightly; skipped (log: /tmp/handoff-fuzz-build.log)"
    tail -5 /tmp/handoff-fuzz-build.log
    exit 0
fi
for target in config load_csv; do
    corpus=$(mktemp -d)
    echo "fuzz: $target for ${seconds}s"
    if ! cargo +nightly fuzz run --dev "$target" "$corpus" "fuzz/seeds/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 >"/tmp/handoff-fuzz-$target.log" 2>&1; then
        echo "fuzz: $target FOUND A CRASH; input in fuzz/artifacts/$target/"
        grep -E "panicked|ERROR|SUMMARY" "/tmp/handoff-fuzz-$target.log" | head -5
        exit 1
    fi
    grep -E "^Done" "/tmp/handoff-fuzz-$target.log" | sed "s/^/fuzz: $target: /"
    rm -rf "$corpus"
done
