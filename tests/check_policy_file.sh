#!/usr/bin/env bash
# ctest: a built-in policy written as a policy file (specs/policies/NAME.json) behaves exactly
# as its C++ twin on the shipped specs: the same verdicts and state counts (cowpin check exits 0
# against the specs' expectations for NAME) and byte-identical counterexamples.
#
#   check_policy_file.sh COWPIN POLICY_FILE SOURCE_DIR [scenarios|exhaustive]
#
# SCOPE scenarios (the default run, label policy-file): every spec but specs/exhaustive-*;
# exhaustive (label long): the exhaustive specs alone, minutes each per policy, which the spec
# tests already run under every built-in policy.
set -euo pipefail
cowpin=$1 policy_file=$2 src=$3 scope=${4:-scenarios}
name=$(basename "$policy_file" .json)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/specs" "$tmp/out"
for spec in "$src"/specs/*.json; do
  base=$(basename "$spec")
  case $scope:$base in
    scenarios:exhaustive-*) ;;
    scenarios:*) ln -s "$spec" "$tmp/specs/$base" ;;
    exhaustive:exhaustive-*) ln -s "$spec" "$tmp/specs/$base" ;;
    exhaustive:*) ;;
    *) echo "unknown scope '$scope' (scenarios or exhaustive)"; exit 2 ;;
  esac
done
in_scope() {  # counterexample file names of this policy whose spec is in scope
  grep -F ".$name." | if [ "$scope" = exhaustive ]; then grep '^exhaustive-'; else grep -v '^exhaustive-'; fi || true
}
"$cowpin" check "$tmp/specs" --policy-file "$policy_file" --out "$tmp/out" > "$tmp/verdicts.txt"
tail -1 "$tmp/verdicts.txt"
written=$(cd "$tmp/out" && ls -1 | in_scope)
checked_in=$(cd "$src/counterexamples" && ls -1 | in_scope)
if [ "$written" != "$checked_in" ]; then
  echo "the policy file's counterexamples differ from its twin's:"
  diff <(echo "$written") <(echo "$checked_in") || true
  exit 1
fi
for f in $written; do
  cmp "$tmp/out/$f" "$src/counterexamples/$f" || { echo "$f is not byte-identical"; exit 1; }
done
echo "$name ($scope): $(echo "$written" | grep -c . || true) counterexamples byte-identical to the C++ twin's"
