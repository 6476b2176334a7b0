#!/usr/bin/env bash
# ctest: `cowpin check --format json` validates against docs/schemas/results.schema.json (JSON
# Schema 2020-12, python3-jsonschema), `--format junit` is well-formed XML with one testcase per
# (spec, policy), `--format sarif` is SARIF 2.1.0 with one result per unexpected verdict, on
# shipped scenarios (with the refusals of hugetlb specs under the BSDs) and on a spec whose
# expectation is wrong (exit 1 in every format).
set -euo pipefail
cowpin=$1 src=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/in"; spec="$tmp/in/fork-with-rw-longterm-pin.json"
# A wrong expectation: linux-6.18 expected to violate pin_reliable.
python3 - "$src/specs/fork-with-rw-longterm-pin.json" "$spec" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["expect"]["linux-6.18"] = ["pin_reliable"]
json.dump(spec, open(sys.argv[2], "w"), indent=2)
PY
for fmt in json junit sarif tap; do
  "$cowpin" check "$src"/specs/vmsplice-*.json "$src"/specs/hugetlb-*.json "$src/specs/write-after-swap-in.json" \
    --no-write --format $fmt > "$tmp/all.$fmt" 2>/dev/null
  set +e; "$cowpin" check "$spec" --no-write --format $fmt > "$tmp/wrong.$fmt" 2>"$tmp/err"; rc=$?; set -e
  [ "$rc" = 1 ] || { cat "$tmp/err"; echo "--format $fmt: a wrong expectation exits $rc, not 1"; exit 1; }
done
python3 - "$src/docs/schemas/results.schema.json" "$tmp" <<'PY'
import json, sys, xml.etree.ElementTree as ET
import jsonschema
schema = json.load(open(sys.argv[1])); tmp = sys.argv[2]
v = jsonschema.Draft202012Validator(schema)
for name in ("all", "wrong"):
    doc = json.load(open(f"{tmp}/{name}.json"))
    v.validate(doc)
    junit = ET.parse(f"{tmp}/{name}.junit").getroot()
    cases = junit.findall("./testsuite/testcase")
    assert len(cases) == doc["summary"]["checks"] + doc["summary"]["refused"], (name, len(cases))
    assert int(junit.get("failures")) == doc["summary"]["mismatch"], name
    sarif = json.load(open(f"{tmp}/{name}.sarif"))
    assert sarif["version"] == "2.1.0" and len(sarif["runs"]) == 1
    assert len(sarif["runs"][0]["results"]) == (0 if name == "all" else 1), name
# Every scenario run reached the end of its programs somewhere (a verdict over no complete run
# says nothing): complete_states is a count for scenarios, null for nothing else here.
alldoc = json.load(open(f"{tmp}/all.json"))
assert all(c["complete_states"] >= 1 and c["stuck_states"] is not None for c in alldoc["checks"]), \
    [c["spec"] for c in alldoc["checks"] if not c["complete_states"]]
wrong = json.load(open(f"{tmp}/wrong.json"))
bad = [c for c in wrong["checks"] if c["status"] == "mismatch"]
assert [(c["policy"], c["verdict"], c["expected"]) for c in bad] == [("linux-6.18", [], ["pin_reliable"])], bad
r = json.load(open(f"{tmp}/wrong.sarif"))["runs"][0]["results"][0]
assert r["ruleId"] == "pin_reliable", r
assert r["message"]["text"] == "fork-with-rw-longterm-pin under linux-6.18: pin_reliable is not violated, which the spec does not expect", r
loc = r["locations"][0]["physicalLocation"]
line = open(loc["artifactLocation"]["uri"]).read().splitlines()[loc["region"]["startLine"] - 1]
assert '"linux-6.18"' in line, line
print("json: %d checks valid; junit, sarif and tap agree" % json.load(open(f"{tmp}/all.json"))["summary"]["checks"])
PY
grep -q '^not ok [0-9]* - fork-with-rw-longterm-pin linux-6.18$' "$tmp/wrong.tap" || { echo "tap: no 'not ok' for the mismatch"; exit 1; }
