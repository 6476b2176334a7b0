#!/usr/bin/env bash
# ctest: a built-in policy written as a policy file (specs/policies/NAME.json) behaves exactly
# as its C++ twin on every shipped spec: the same verdicts and state counts (cowpin check exits 0
# against the specs' expectations for NAME) and byte-identical counterexamples.
set -euo pipefail
cowpin=$1 policy_file=$2 src=$3
name=$(basename "$policy_file" .json)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cowpin" check "$src/specs" --policy-file "$policy_file" --out "$tmp" > "$tmp/verdicts.txt"
tail -1 "$tmp/verdicts.txt"
written=$(cd "$tmp" && ls -1 | grep -F ".$name." || true)
checked_in=$(cd "$src/counterexamples" && ls -1 | grep -F ".$name." || true)
if [ "$written" != "$checked_in" ]; then
  echo "the policy file's counterexamples differ from its twin's:"
  diff <(echo "$written") <(echo "$checked_in") || true
  exit 1
fi
for f in $written; do
  cmp "$tmp/$f" "$src/counterexamples/$f" || { echo "$f is not byte-identical"; exit 1; }
done
echo "$name: $(echo "$written" | grep -c . || true) counterexamples byte-identical to the C++ twin's"
