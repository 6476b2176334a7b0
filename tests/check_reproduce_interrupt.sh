#!/usr/bin/env bash
# ctest (label kernel): a `reproduce --run` interrupted with SIGINT stops after the program it is
# running, exits 130, and leaves the machine as it found it: no swap file of its own left active
# or on disk, vm.nr_hugepages and the THP settings as before.
set -uo pipefail
cowpin=$1 src=$2
[ "$(id -u)" = 0 ] || { echo "needs root (swap, hugetlb pool)"; exit 4; }
before=$(cat /proc/sys/vm/nr_hugepages /sys/kernel/mm/transparent_hugepage/enabled; grep -v '^Filename' /proc/swaps)
out=$(mktemp)
"$cowpin" reproduce "$src/specs" --policy linux-6.18 --run >"$out" 2>&1 &
pid=$!
# Wait until it has set up swap and huge pages (the swapped-out and hugetlb scenarios come
# early in the sorted list), then interrupt it.
for _ in $(seq 100); do
  grep -q "hugetlb-" "$out" && grep -q "swapped-out\|swap file" "$out" && break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
cat "$out"; rm -f "$out"
[ "$rc" = 130 ] || { echo "expected exit 130, got $rc"; exit 1; }
after=$(cat /proc/sys/vm/nr_hugepages /sys/kernel/mm/transparent_hugepage/enabled; grep -v '^Filename' /proc/swaps)
[ "$before" = "$after" ] || { echo "the machine changed:"; diff <(echo "$before") <(echo "$after"); exit 1; }
[ ! -e /tmp/cowpin-swapfile ] || { echo "/tmp/cowpin-swapfile left behind"; exit 1; }
echo "interrupted cleanly; the machine is as it was"
