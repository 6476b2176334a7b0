#!/usr/bin/env python3
"""Write the malformed traces of tests/bad-input/traces/ from two real counterexamples.

Usage: tests/bad-input/corrupt_traces.py [SOURCE_DIR]   (default: the repository this is in)

Each NAME.json is one checked-in counterexample corrupted in one way (see CORRUPTIONS). The
NAME.expected files beside them are NOT written here: each holds the exact line cowpin must
print, checked by hand when the corruption is added (README.md in tests/bad-input/). Run this
again when the trace format changes (a new "version"), then review every .expected file
against `cowpin replay` before committing.
"""

import copy
import json
import sys
from pathlib import Path

SRC = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2]
OUT = SRC / "tests" / "bad-input" / "traces"
# The CVE-2020-29374 trace (4 steps: fork, vmsplice, munmap, write) and an exhaustive one whose
# steps take a FOLL_GET with args.access and swap out a frame by number (args.frame).
CVE = json.loads((SRC / "counterexamples" / "vmsplice-unmap-in-child.linux-5.7.get_no_leak.json").read_text())
FRAME = json.loads((SRC / "counterexamples" / "exhaustive-pins-gets.linux-5.9.get_no_leak.json").read_text())


def edit(fn, base=CVE):
    t = copy.deepcopy(base)
    fn(t)
    return t


def swap_steps(t, renumber):
    t["steps"][1], t["steps"][2] = t["steps"][2], t["steps"][1]
    if renumber:
        t["steps"][1]["index"], t["steps"][2]["index"] = 2, 3


def relabel_needless(t):
    for key in ("invariant", "already_violated", "violation"):
        del t[key]
    t["kind"] = "needless_copy"
    t["needless_copy"] = {"step": 4, "message": t["message"]}


def v3(t):
    t["version"] = 3
    del t["spec"]["content"]


# name -> the corrupted trace (a JSON value), or raw text for what is not JSON at all.
CORRUPTIONS = {
    # Not a trace at all.
    "truncated": json.dumps(CVE, indent=2, sort_keys=True)[:2000],
    "empty": "",
    "array": "[]",
    "duplicate-key": json.dumps(CVE, indent=2, sort_keys=True).replace(
        '"kind": "violation",', '"kind": "violation",\n  "kind": "stuck",', 1),
    "format-number": edit(lambda t: t.update(format=3)),
    "format-other": edit(lambda t: t.update(format="cowpin-spec")),
    "version-string": edit(lambda t: t.update(version="4")),
    "version-1": edit(lambda t: t.update(version=1)),
    "version-3": edit(v3),
    "version-5": edit(lambda t: t.update(version=5)),
    # Top-level fields of the wrong type, missing or unknown.
    "unknown-field": edit(lambda t: t.update(comment="found by hand")),
    "tool-missing": edit(lambda t: t.pop("tool")),
    "spec-string": edit(lambda t: t.update(spec="specs/vmsplice-unmap-in-child.json")),
    "spec-content-missing": edit(lambda t: t["spec"].pop("content")),
    "spec-content-bad-bound": edit(lambda t: t["spec"]["content"]["bounds"].update(pages=7)),
    "policy-number": edit(lambda t: t.update(policy=57)),
    "policy-decisions-array": edit(lambda t: t.update(policy_decisions=[])),
    "policy-decisions-unknown-behaviour": edit(lambda t: t["policy_decisions"].update(fork="sometimes")),
    "memory-unknown": edit(lambda t: t.update(memory="huge")),
    "bounds-string": edit(lambda t: t.update(bounds="2/1/1/1")),
    "bounds-negative": edit(lambda t: t["bounds"].update(pages=-1)),
    "bounds-beyond-capacity": edit(lambda t: t["bounds"].update(processes=9)),
    "bounds-too-small-for-the-programs": edit(lambda t: t["bounds"].update(processes=1)),
    "kind-unknown": edit(lambda t: t.update(kind="counterexample")),
    "kind-number": edit(lambda t: t.update(kind=1)),
    "invariant-unknown": edit(lambda t: t.update(invariant="no_leaks")),
    "already-violated-unknown-invariant": edit(lambda t: t.update(
        already_violated=[{"invariant": "no_leaks", "step": 1, "message": "?"}])),
    "stuck-in-a-violation": edit(lambda t: t.update(stuck={"step": 4, "message": "?"})),
    "stats-string": edit(lambda t: t.update(stats="fast")),
    "steps-object": edit(lambda t: t.update(steps={})),
    "initial-state-missing": edit(lambda t: t.pop("initial_state")),
    # Steps of the wrong type or out of range.
    "step-index-string": edit(lambda t: t["steps"][2].update(index="3")),
    "step-index-negative": edit(lambda t: t["steps"][0].update(index=-1)),
    "step-unknown-field": edit(lambda t: t["steps"][0].update(comment="the fork")),
    "step-action-unknown": edit(lambda t: t["steps"][0].update(action="jump")),
    # Names with a newline or a control character: the one line quotes them escaped.
    "step-unknown-field-with-newline": edit(lambda t: t["steps"][0].update({"the\nfork": 1})),
    "step-action-with-newline": edit(lambda t: t["steps"][0].update(action="fork\nP1")),
    "invariant-unknown-with-control-character": edit(lambda t: t.update(invariant="no_leaks\u001b[2J")),
    "step-actor-beyond-bounds": edit(lambda t: t["steps"][0].update(actor="P7")),
    "step-handle-beyond-bounds": edit(lambda t: t["steps"][1]["args"].update(handle="h1")),
    "step-vaddr-huge": edit(lambda t: t["steps"][3]["args"].update(vaddr="v4294967296")),
    "step-program-step-false": edit(lambda t: t["steps"][0].update(program_step=False)),
    "step-state-refcount-string": edit(lambda t: t["steps"][1]["state"]["frames"][0].update(refcount="3")),
    "step-state-refcount-negative": edit(lambda t: t["steps"][1]["state"]["frames"][0].update(refcount=-1)),
    "step-access-number": edit(lambda t: t["steps"][1]["args"].update(access=1), FRAME),
    "step-access-other": edit(lambda t: t["steps"][1]["args"].update(access="wr"), FRAME),
    "step-frame-4294967296": edit(lambda t: t["steps"][3]["args"].update(frame=4294967296), FRAME),
    "step-frame-beyond-capacity": edit(lambda t: t["steps"][3]["args"].update(frame=28), FRAME),
    # Well-formed, but not what the spec and the policy give: exit 1.
    "spec-name-changed": edit(lambda t: t["spec"].update(name="vmsplice-in-child")),
    "spec-content-program-changed": edit(lambda t: t["spec"]["content"]["programs"].update(
        P1=["vmsplice v0 h0", "read v0"])),
    "policy-renamed": edit(lambda t: t.update(policy="linux-5.8")),
    "policy-decisions-edited": edit(lambda t: t["policy_decisions"].update(fork="copy_always")),
    "memory-changed": edit(lambda t: t.update(memory="thp")),
    "bounds-depth-below-the-steps": edit(lambda t: t["bounds"].update(depth=2)),
    "initial-state-edited": edit(lambda t: t["initial_state"]["frames"][0].update(data="x1")),
    "steps-reordered": edit(lambda t: swap_steps(t, renumber=False)),
    "steps-reordered-and-renumbered": edit(lambda t: swap_steps(t, renumber=True)),
    "step-dropped": edit(lambda t: t["steps"].pop(1)),
    "step-appended": edit(lambda t: t["steps"].append(dict(t["steps"][3], index=5))),
    "last-step-dropped": edit(lambda t: t["steps"].pop()),
    "step-index-zero": edit(lambda t: t["steps"][0].update(index=0)),
    "step-text-changed": edit(lambda t: t["steps"][1].update(text="P1 vmsplice v0 h1")),
    "step-actor-device": edit(lambda t: t["steps"][3].update(actor="device"), FRAME),
    "step-state-edited": edit(lambda t: t["steps"][1]["state"]["frames"][0].update(refcount=4)),
    "step-changes-edited": edit(lambda t: t["steps"][2]["changes"][0].update(op="add")),
    "step-noop-added": edit(lambda t: t["steps"][0].update(noop="read_present")),
    "invariant-changed": edit(lambda t: t.update(invariant="memory_private")),
    "message-changed": edit(lambda t: t.update(message="Leak through a pipe")),
    "violation-step-wrong": edit(lambda t: t["violation"].update(step=5)),
    "already-violated-added": edit(lambda t: t.update(already_violated=[
        {"invariant": "pin_reliable", "step": 2, "message": "Longterm R/W pin is not reliable"}])),
    "kind-relabelled-needless-copy": edit(relabel_needless),
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, t in CORRUPTIONS.items():
        text = t if isinstance(t, str) else json.dumps(t, indent=2, sort_keys=True) + "\n"
        (OUT / f"{name}.json").write_text(text, encoding="utf-8")
    print(f"{len(CORRUPTIONS)} traces in {OUT}")


if __name__ == "__main__":
    main()
