#!/usr/bin/env bash
# ctest: one spec meets every expectation it carries (verdicts and state counts), and the
# counterexamples `cowpin check` writes for it are byte-identical to the checked-in ones.
set -euo pipefail
cowpin=$1 spec=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cowpin" check "$spec" --out "$tmp"
name=$(basename "$spec" .json)
written=$(cd "$tmp" && ls -1 | grep -F "$name." | grep -v '\.tmp$' || true)
checked_in=$(cd "$src/counterexamples" && ls -1 | grep -F "$name." || true)
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
