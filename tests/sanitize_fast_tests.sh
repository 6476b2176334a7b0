#!/usr/bin/env bash
# ctest sanitize/fast-unit-tests (label `sanitize`): builds cowpin and cowpin_tests with clang
# under ASan and UBSan in BINARY_DIR/sanitizer-build (tests/sanitizer_build.sh, shared with the
# fuzz targets) and runs the fast doctest cases there, two processes at once. Fast: every case but the test suite "slow" (the dozen that explore
# exhaustive specs or validate every trace with Python, seconds each in the optimised build and
# minutes under the sanitizers; the optimised build runs them in every ctest run). Any ASan or
# UBSan report fails the test (halt_on_error, and the report files below), and so does a leak.
#
#   sanitize_fast_tests.sh SOURCE_DIR BINARY_DIR [COMPILER_LAUNCHER]
set -euo pipefail
src=$1 bin=$2 launcher=${3:-}

source "$src/tests/sanitizer_build.sh"
SECONDS=0
sanitizer_build "$src" "$bin" "$launcher"
out=$sanitizer_out
built=$SECONDS

# abort (exit 134), so a report in a cowpin the tests run never passes for an expected exit 1;
# and every report also goes to a file under $reports (log_path: one per process), so one in a
# cowpin whose exit code a test does not pin (or a leak, exit 23) still fails this test.
reports=$out/sanitizer-reports
rm -rf "$reports" && mkdir -p "$reports"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$reports/asan
# Graphviz's libgvc and the fontconfig it loads keep caches they never free (cowpin graph -o
# x.svg renders in-process): their allocations are not cowpin's leaks (tests/lsan.supp).
export LSAN_OPTIONS=suppressions=$src/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$reports/ubsan
tests=$out/tests/cowpin_tests
filter=(--test-suite-exclude=slow)
n=$("$tests" "${filter[@]}" --count | sed -n 's/.*unskipped test cases passing the current filters: \([0-9]*\).*/\1/p')
[ -n "$n" ] && [ "$n" -gt 0 ] || { echo "no fast test cases found"; exit 1; }
# Two shards of a fixed shuffle, so each gets its share of the CLI-heavy files.
half=$(((n + 1) / 2))
SECONDS=0
shard() {
  "$tests" "${filter[@]}" --order-by=rand --rand-seed=1 --first="$1" --last="$2" \
    --no-version=true >"$out/shard-$3.log" 2>&1
}
shard 1 "$half" 1 & first=$!
shard $((half + 1)) "$n" 2 & second=$!
status=0
wait $first || status=1
wait $second || status=1
echo "built in $built s; $n fast test cases in two shards in $SECONDS s"
for s in 1 2; do
  echo "--- shard $s"
  if [ $status -ne 0 ]; then cat "$out/shard-$s.log"; else tail -3 "$out/shard-$s.log"; fi
done
if [ -n "$(ls -A "$reports")" ]; then
  echo "--- sanitizer reports (from cowpin_tests or a cowpin it ran):"
  for f in "$reports"/*; do echo "== $f"; cat "$f"; done
  status=1
fi
exit $status
