#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in a folder of its own and runs
# each for LNT_FUZZ_SECONDS (default 60). A crash, a leak or a sanitizer
# report fails the test and leaves the input in the build folder.
# Usage: fuzz.sh SOURCE_DIR BUILD_DIR TARGET...
set -euo pipefail
src=$1 build=$2
shift 2
seconds=${LNT_FUZZ_SECONDS:-60}
cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DLNT_FUZZ=ON -DBUILD_TESTING=ON >/dev/null
for name in "$@"; do
    cmake --build "$build" -j2 --target "fuzz_$name" >/dev/null
    corpus=$build/corpus-$name
    mkdir -p "$corpus"
    echo "fuzz_$name: ${seconds}s"
    # pipefail: the fuzzer's status, not tail's, decides.
    (cd "$build" && "./tests/fuzz_$name" -max_total_time="$seconds" -print_final_stats=1 \
        -rss_limit_mb=2048 "$corpus" 2>&1 | tail -n 12)
done
echo "fuzzing done: $# targets, no crash"
