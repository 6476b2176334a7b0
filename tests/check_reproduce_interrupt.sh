#!/usr/bin/env bash
# ctest (label kernel): a `reproduce --run` interrupted with SIGINT stops after the program it is
# running, exits 130, and leaves the machine as it found it: no swap file of its own left active
# or on disk, vm.nr_hugepages and the THP settings (also hugepages-16kB/enabled) as before. A
# second run, of the 16 kB mTHP specs alone, is interrupted once one of them has run, when the
# harness has set hugepages-16kB/enabled.
set -uo pipefail
cowpin=$1 src=$2
[ "$(id -u)" = 0 ] || { echo "needs root (swap, hugetlb pool)"; exit 4; }
thp=/sys/kernel/mm/transparent_hugepage
machine() {
  cat /proc/sys/vm/nr_hugepages $thp/enabled $thp/hugepages-2048kB/enabled
  cat $thp/hugepages-16kB/enabled 2>/dev/null
  grep -v '^Filename' /proc/swaps
}
before=$(machine)
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
cat "$out"; : >"$out"
[ "$rc" = 130 ] || { echo "expected exit 130, got $rc"; exit 1; }
after=$(machine)
[ "$before" = "$after" ] || { echo "the machine changed:"; diff <(echo "$before") <(echo "$after"); exit 1; }
[ ! -e /tmp/cowpin-swapfile ] || { echo "/tmp/cowpin-swapfile left behind"; exit 1; }
echo "interrupted cleanly; the machine is as it was"

# The 16 kB mTHP specs: interrupted after the first interleaving's result line, while the
# harness holds hugepages-16kB/enabled at "madvise" (if it found it "never").
[ -e $thp/hugepages-16kB/enabled ] || exit 0
dir=$(mktemp -d)
cp "$src"/specs/mthp-16k-*.json "$dir"/
"$cowpin" reproduce "$dir" --policy linux-6.18 --run >"$out" 2>&1 &
pid=$!
for _ in $(seq 300); do
  grep -q "^  #" "$out" && break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid"
rc=$?
cat "$out"; rm -f "$out"; rm -rf "$dir"
[ "$rc" = 130 ] || { echo "mTHP run: expected exit 130, got $rc"; exit 1; }
after=$(machine)
[ "$before" = "$after" ] || { echo "the mTHP run changed the machine:"; diff <(echo "$before") <(echo "$after"); exit 1; }
echo "the mTHP run interrupted cleanly; hugepages-16kB/enabled is as it was"
