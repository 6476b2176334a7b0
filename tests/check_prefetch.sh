#!/bin/sh
# The engine's software prefetches are in the binary. GCC 12's IPA mod-ref analysis sees a
# member function whose only effect is __builtin_prefetch as having none, and deletes the call
# (the lookups in phase A then wait on DRAM: about 250 cycles each instead of 75 on the
# benchmark specs). bfs.hpp and exact_index.hpp mark those helpers always_inline; this fails if they vanish again.
# Skipped (exit 77) where there is no x86-64 objdump to look with.
binary="$1"
command -v objdump >/dev/null 2>&1 || { echo "no objdump: skipped"; exit 77; }
[ "$(uname -m)" = x86_64 ] || { echo "not x86-64: skipped"; exit 77; }
n=$(objdump -d --no-show-raw-insn "$binary" | grep -c 'prefetcht0')
echo "$n prefetcht0 instructions in $binary"
# make_room's own, phase A's slot and state prefetches, phase B's two slot prefetches: at
# least 5 sites (11 with GCC 12 at -O2, which unrolls some).
[ "$n" -ge 5 ]
