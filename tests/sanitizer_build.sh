#!/usr/bin/env bash
# Sourced by tests/sanitize_fast_tests.sh and tests/fuzz_smoke.sh: one clang sub-build,
# BINARY_DIR/sanitizer-build, serves both. Everything in it is compiled with ASan, UBSan and
# libFuzzer's coverage (COWPIN_FUZZ=ON, -O1), and it builds cowpin, cowpin_tests and the fuzz
# targets together. One sanitized build instead of two (g++'s `debug` preset for the unit tests and
# clang's for libFuzzer) takes about ten minutes off a cold CI run on two cores. The ctests that
# use it hold RESOURCE_LOCK cowpin-sanitizer-build: the first builds, the others find it built.
#
#   sanitizer_build SOURCE_DIR BINARY_DIR [COMPILER_LAUNCHER]   (sets $sanitizer_out; exit 77 = skip)
sanitizer_build() {
  local src=$1 bin=$2 launcher=${3:-}
  sanitizer_out=$bin/sanitizer-build
  local cxx=${COWPIN_FUZZ_CXX:-$(command -v clang++-14 || command -v clang++ || true)}
  if [ -z "$cxx" ]; then
    echo "skipped: no clang++ (scripts/install-deps.sh installs clang-14 and libclang-rt-14-dev)"
    exit 77
  fi
  local probe
  probe=$(mktemp -d)
  echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
    >"$probe/probe.cpp"
  if ! "$cxx" -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" \
       2>"$probe/err"; then
    echo "skipped: $cxx cannot link -fsanitize=fuzzer,address,undefined (Debian: libclang-rt-14-dev):"
    head -3 "$probe/err"
    rm -rf "$probe"
    exit 77
  fi
  rm -rf "$probe"
  mkdir -p "$sanitizer_out"
  cmake -S "$src" -B "$sanitizer_out" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCOWPIN_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" \
    ${launcher:+-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher"} >"$sanitizer_out.configure.log" 2>&1 ||
    { cat "$sanitizer_out.configure.log"; exit 1; }
  cmake --build "$sanitizer_out" -j2 --target cowpin cowpin_tests fuzz-targets \
    >"$sanitizer_out.build.log" 2>&1 || { tail -40 "$sanitizer_out.build.log"; exit 1; }
}
