#!/usr/bin/env bash
# ctest (label kernel): the differential fails on page state alone. Under linux-5.9's prediction
# the write after a swap-in copies the swapcache page (page_count() == 1 fails: the swapcache
# holds a reference); this kernel reuses it (5.18's folio_free_swap() in do_wp_page()). Every
# value agrees, so only the PFN tells: the run must exit 1 with exactly one disagreement, the
# frame (and swapcache) of step 3, and no value observation may disagree.
set -uo pipefail
cowpin=$1 src=$2
out=$("$cowpin" reproduce "$src/specs/write-after-swap-in.json" --policy linux-5.9 --run 2>&1)
rc=$?
echo "$out"
if [ "$rc" = 4 ]; then exit 4; fi  # no swap, or not root: skipped with the reason above
[ "$rc" = 1 ] || { echo "expected exit 1, got $rc"; exit 1; }
[ "$(grep -c '^ *not ok ' <<<"$out")" = 1 ] || { echo "expected one disagreement"; exit 1; }
grep -q "not ok 7 page state after step 3 (P0 write v0): P0 v0 present, frame F3 (new), mapcount 1, not in the swapcache # field 'frame': the kernel maps pfn 0x[0-9a-f]*, which is frame F2's page; the model maps a new frame F3" <<<"$out" ||
  { echo "the disagreement is not the copy/reuse of step 3"; exit 1; }
grep -q "observations skipped" <<<"$out" && { echo "page state was skipped"; exit 4; }
exit 0
