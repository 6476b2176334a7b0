#!/usr/bin/env bash
# ctest: one spec meets every expectation it carries (verdicts and state counts), exercises what
# it claims (`--coverage` warns of no step that never fires and no decision point of interest that
# never fires), and the counterexamples `cowpin check` writes for it are byte-identical to the
# checked-in ones. With POLICIES (comma-separated), only under those, against their checked-in
# counterexamples.
#
#   check_spec.sh COWPIN SPEC SOURCE_DIR [POLICIES]
set -euo pipefail
cowpin=$1 spec=$2 src=$3 policies=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cowpin" check "$spec" --out "$tmp" --coverage ${policies:+--policy "$policies"} 2> "$tmp/stderr" ||
  { cat "$tmp/stderr"; exit 1; }
if grep -q '^\[warning\]' "$tmp/stderr"; then
  grep '^\[warning\]' "$tmp/stderr"
  echo "the spec does not exercise what it claims"
  exit 1
fi
rm "$tmp/stderr"
name=$(basename "$spec" .json)
# Traces of this spec: named "<spec>.<policy>.<invariant>.json" (a prefix, not a substring:
# vmsplice-unmap-in-child is not hugetlb-vmsplice-unmap-in-child).
# With POLICIES, only the traces of those.
mine() {
  awk -v p="$name." -v only="$policies" '
    BEGIN { n = split(only, ps, ",") }
    index($0, p) == 1 && !/\.tmp$/ {
      if (n == 0) { print; next }
      for (i = 1; i <= n; i++) if (index($0, p ps[i] ".") == 1) { print; next }
    }'
}
written=$(cd "$tmp" && ls -1 | mine || true)
checked_in=$(cd "$src/counterexamples" && ls -1 | mine || true)
if [ "$written" != "$checked_in" ]; then
  echo "counterexamples differ from the checked-in set for $name:"
  diff <(echo "$written") <(echo "$checked_in") || true
  echo "(regenerate with: cowpin check specs --out counterexamples)"
  exit 1
fi
for f in $written; do
  cmp "$tmp/$f" "$src/counterexamples/$f" || { echo "$f is not byte-identical"; exit 1; }
done
echo "$name: $(echo "$written" | grep -c . || true) counterexamples byte-identical"
