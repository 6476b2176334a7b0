#!/bin/sh
# Write the generated pages of docs/semantics/ from the cowpin binary's own tables, so that they
# say what the build does:
#   steps.md       cowpin steps --format markdown
#   policies.md    cowpin policies --describe --format markdown
#   invariants.md  cowpin policies --invariants --format markdown
# The other pages there (state.md, spec-format.md, trace-format.md) are written by hand.
#
# usage: gen-semantics.sh COWPIN [DIR]     write them into DIR (default: docs/semantics)
#        gen-semantics.sh --check COWPIN   exit 1, with a diff, if the checked-in ones differ
#                                          (the ctest docs/semantics-up-to-date)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
check=false
if [ "${1:-}" = --check ]; then check=true; shift; fi
[ $# -ge 1 ] || { echo "usage: $0 [--check] COWPIN [DIR]" >&2; exit 2; }
cowpin=$1
docs=$here/docs/semantics
if $check; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
else
  out=${2:-$docs}
  mkdir -p "$out"
fi
write() {  # write FILE ARGS...: cowpin ARGS into FILE, whole or not at all
  file=$1; shift
  "$cowpin" "$@" > "$out/$file.tmp"
  mv "$out/$file.tmp" "$out/$file"
}
write steps.md steps --format markdown
write policies.md policies --describe --format markdown
write invariants.md policies --invariants --format markdown
if $check; then
  status=0
  for f in steps.md policies.md invariants.md; do
    if ! diff -u "$docs/$f" "$out/$f"; then
      echo "docs/semantics/$f is stale: run scripts/gen-semantics.sh $cowpin (or cmake --build build --target semantics-docs)" >&2
      status=1
    fi
  done
  exit $status
fi
