#!/usr/bin/env bash
# ctest fuzz/<target> (label `fuzz`): builds the libFuzzer targets of fuzz/ with clang in
# BINARY_DIR/sanitizer-build (tests/sanitizer_build.sh: COWPIN_FUZZ=ON, ASan, UBSan, libFuzzer;
# the sanitizer unit tests use the same sub-build) and runs fuzz_TARGET for SECONDS
# over its seeds (fuzz/corpus/TARGET) and the bad-input files of its kind. Any crash, leak, UB or
# timeout fails the test, and the input is left in BINARY_DIR/sanitizer-build/artifacts/.
# Skips (exit 77) where clang or libFuzzer (Debian: libclang-rt-14-dev) is missing.
#
#   fuzz_smoke.sh SOURCE_DIR BINARY_DIR TARGET SECONDS [COMPILER_LAUNCHER]
set -euo pipefail
src=$1 bin=$2 target=$3 seconds=$4 launcher=${5:-}

source "$src/tests/sanitizer_build.sh"
sanitizer_build "$src" "$bin" "$launcher"
out=$sanitizer_out

# New inputs go to a scratch corpus in the build tree, never into the source tree.
case $target in
  spec) regressions=$src/tests/bad-input/specs ;;
  policy) regressions=$src/tests/bad-input/policies ;;
  trace) regressions=$src/tests/bad-input/traces ;;
esac
scratch=$out/corpus-$target
mkdir -p "$scratch" "$out/artifacts"
dirs=("$src/fuzz/corpus/$target")
[ -d "$regressions" ] && dirs+=("$regressions")
cd "$out"
# fuzz_trace writes each input to a file under $TMPDIR; a crash (or libFuzzer's exit) leaves it:
# keep those in the build tree.
export TMPDIR=$out/tmp
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
# libFuzzer exits 77 on a crash by default, which is ctest's skip code here: any failure is 1.
status=0
"$out/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -dict="$src/fuzz/cowpin.dict" -artifact_prefix="$out/artifacts/$target-" -print_final_stats=1 \
  "$scratch" "${dirs[@]}" || status=$?
if [ $status -ne 0 ]; then
  echo "fuzz_$target failed (exit $status); the input is in $out/artifacts/, replay it with"
  echo "  $out/fuzz/fuzz_$target $out/artifacts/$target-<crash-...>"
  exit 1
fi
