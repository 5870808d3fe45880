#!/usr/bin/env bash
# Builds lontar with AddressSanitizer and UndefinedBehaviorSanitizer in a
# folder of its own and runs the unit tests there. Any report fails them:
# -fno-sanitize-recover makes UBSan abort, ASan aborts by itself.
# Usage: sanitize.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cmake -S "$src" -B "$build" -DLNT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j2 >/dev/null
ctest --test-dir "$build" -L unit --output-on-failure
