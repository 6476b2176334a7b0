#!/usr/bin/env python3
"""Derive specs/mthp-16k-*.json from the 2-page thp-pte-mapped-*, thp-single-pte-* (each also
swapped out) and thp-partially-shared-* specs.

A 16 kB anonymous mTHP (order 2, hugepages-16kB) is four pages and is never PMD-mapped: the model
starts it PMD-mapped (initial_thp_state()) and the program's first step, split_pmd v0, leaves it
PTE-mapped, as cow.c's run_with_thp() finds every mTHP smaller than a PMD. Each cow.c test then
runs as on the 2-page THP, with every "all but v0" range (munmap of the rest, MADV_DONTFORK of the
rest) widened to v1..v3 and every "the whole range" (munmap v0, munmap v1) to v0..v3.

A swapped-out PTE-mapped folio takes a swap slot per page (four); the partially shared variant
has three processes of four pages (12 ideal cells). The PMD-mapped ones (thp-swapped-out-*) have
no mTHP twin: an mTHP is never PMD-mapped.

The expected verdicts are taken from the 2-page spec and then checked by `cowpin check` under
every policy (see the commit that added the specs for the kernel functions behind them):
    scripts/gen-mthp-specs.py [SPECS_DIR]
"""
import json
import os
import sys

PAGES = 4
# Longest prefixes first: the swapped-out variants before their plain twins.
VARIANTS = {
    "thp-pte-mapped-swapped-out-": ("mthp-16k-pte-mapped-swapped-out-", "swapped-out, PTE-mapped THP",
                                    "swapped-out, PTE-mapped THP (16 kB)"),
    "thp-single-pte-swapped-out-": ("mthp-16k-single-pte-swapped-out-", "single PTE of swapped-out THP",
                                    "single PTE of swapped-out THP (16 kB)"),
    "thp-pte-mapped-": ("mthp-16k-pte-mapped-", "PTE-mapped THP", "PTE-mapped THP (16 kB)"),
    "thp-single-pte-": ("mthp-16k-single-pte-", "single PTE of THP", "single PTE of THP (16 kB)"),
    "thp-partially-shared-": ("mthp-16k-partially-shared-", "partially shared THP",
                              "partially shared THP (16 kB)"),
}


def widen(program):
    out = []
    i = 0
    while i < len(program):
        step = program[i]
        nxt = program[i + 1] if i + 1 < len(program) else None
        if step == "munmap v0" and nxt == "munmap v1":  # the whole range
            out += [f"munmap v{v}" for v in range(PAGES)]
            i += 2
            continue
        if step == "munmap v1":  # all but v0
            out += [f"munmap v{v}" for v in range(1, PAGES)]
        elif step in ("dontfork v1", "dofork v1"):
            op = step.split()[0]
            out += [f"{op} v{v}" for v in range(1, PAGES)]
        else:
            out.append(step)
        i += 1
    return out


def derive(src):
    with open(src) as f:
        spec = json.load(f)
    name = spec["name"]
    for prefix, (new_prefix, old_words, new_words) in VARIANTS.items():
        if name.startswith(prefix):
            break
    else:
        return None
    spec["name"] = new_prefix + name[len(prefix):]
    spec["title"] = spec["title"].replace(old_words, new_words)
    spec["about"] = (spec["about"].replace("a THP", "a 16 kB mTHP (order 2, four pages)")
                     .replace("PTE-mapped THP", "PTE-mapped 16 kB mTHP (four pages)")
                     + (" A 16 kB mTHP is never PMD-mapped: the split_pmd v0 leaves it PTE-mapped"
                        " as cow.c finds it." if name.startswith(("thp-pte-mapped-", "thp-single-pte-"))
                        else " A 16 kB mTHP is never PMD-mapped: the VMA split of MADV_DONTFORK"
                        " leaves it PTE-mapped as cow.c finds it."))
    if spec["bounds"]["swap_slots"] == spec["bounds"]["pages"]:  # every page swapped out
        spec["bounds"]["swap_slots"] = PAGES
    spec["bounds"]["pages"] = PAGES
    spec["programs"] = {p: widen(prog) for p, prog in spec["programs"].items()}
    return spec


def main():
    specs = sys.argv[1] if len(sys.argv) > 1 else "specs"
    for name in sorted(os.listdir(specs)):
        if not name.startswith("thp-") or not name.endswith(".json"):
            continue
        spec = derive(os.path.join(specs, name))
        if spec is None:
            continue
        out = os.path.join(specs, spec["name"] + ".json")
        with open(out, "w") as f:
            json.dump(spec, f, indent=2, ensure_ascii=False)
            f.write("\n")
        print(out)


if __name__ == "__main__":
    main()
