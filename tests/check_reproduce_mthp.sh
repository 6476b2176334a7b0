#!/usr/bin/env bash
# ctest (label kernel): a "thp" spec of 4 pages runs on a real 16 kB anonymous mTHP (the program
# checks in kpageflags that P0's area is one folio of 4 pages) and agrees with linux-6.18 on
# values and page state; the run leaves hugepages-16kB/enabled as it found it. Skipped (exit 4),
# with the reason, without root or without the 16 kB mTHP control.
set -uo pipefail
cowpin=$1 spec=$2
control=/sys/kernel/mm/transparent_hugepage/hugepages-16kB/enabled
[ -e "$control" ] || { echo "no $control (Linux 6.8+ with THP): skipped"; exit 4; }
before=$(cat "$control")
out=$("$cowpin" reproduce "$spec" --policy linux-6.18 --run 2>&1)
rc=$?
echo "$out"
after=$(cat "$control")
[ "$before" = "$after" ] || { echo "$control changed: '$before' -> '$after'"; exit 1; }
[ "$rc" = 4 ] && { echo "skipped (exit 4): see the reason above"; exit 4; }
[ "$rc" = 0 ] || { echo "expected exit 0 (the kernel agrees), got $rc"; exit 1; }
grep -q "interleavings under linux-6.18 on a 16 kB mTHP" <<<"$out" ||
  { echo "the spec did not run on a 16 kB mTHP"; exit 1; }
grep -q "skipped" <<<"$out" && { echo "an interleaving or observation was skipped"; exit 4; }
grep -q " agree  *0 disagree  agree " <<<"$out" || { echo "no interleaving agreed"; exit 1; }
exit 0
