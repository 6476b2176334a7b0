#!/usr/bin/env bash
# Installs what cowpin needs to build and test, from Debian bookworm's archive. Idempotent.
# chromium renders `cowpin report --html` in a test (tests/check_html_report.sh) and screenshots
# it for the README (scripts/gen-charts.sh).
set -euo pipefail
# clang-14 and libclang-rt-14-dev (its compiler-rt: libclang_rt.fuzzer, .asan, .ubsan) build the
# libFuzzer targets of fuzz/ that ctest runs (label fuzz); g++ brings the sanitizer runtimes of
# the ASan and UBSan build (label sanitize).
packages=(cmake ninja-build g++ libboost-graph-dev libcli11-dev libfmt-dev libspdlog-dev
          nlohmann-json3-dev doctest-dev python3 python3-jsonschema liburing-dev
          libpugixml-dev chromium clang-14 libclang-rt-14-dev
          libgraphviz-dev graphviz   # libgvc renders cowpin graph -o G.svg; dot for its ctest
          libopenmpi-dev openmpi-bin)  # mpirun -np N cowpin check (optional at build time)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
