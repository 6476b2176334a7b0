#!/bin/sh
# The engine's software prefetches are in the binary. GCC 12's IPA mod-ref analysis sees a
# member function whose only effect is __builtin_prefetch as having none, and deletes the call
# (the lookups in phase A then wait on DRAM: about 250 cycles each instead of 75 on the
# benchmark specs). bfs.hpp and exact_index.hpp mark those helpers always_inline; this fails if
# one of them vanishes again.
# Skipped (exit 77) where there is no x86-64 objdump to look with.
binary="$1"
command -v objdump >/dev/null 2>&1 || { echo "no objdump: skipped"; exit 77; }
[ "$(uname -m)" = x86_64 ] || { echo "not x86-64: skipped"; exit 77; }
# Each __builtin_prefetch in the source is at least one prefetcht0 (more if the compiler
# unrolls or duplicates a loop), so the count must reach the number of sites:
#   phase A (bfs.hpp, expand_block's first lambda): prefetch_slot() — the compact table's home
#     slot, the exact index's home slot and the line after it (ExactIndex::prefetch_home) — and
#     prefetch_state(): 4;
#   phase B (its third lambda): prefetch_slot() before the loop and in it: 2 x 3 = 6;
#   ExactIndex::make_room(): the fresh shard's home slot: 1.
# 11 in all. A bound of 5 did not notice phase A's state prefetch going (11 -> 10) when it was
# handed to the index as a function.
sites=11
objdump -d --no-show-raw-insn -C "$binary" |
    awk '/^[0-9a-f]+ <.*>:$/ { fn = $0 } /prefetcht0/ { n[fn]++ }
         END { for (f in n) printf "%3d in %.150s\n", n[f], substr(f, 18) }'
n=$(objdump -d --no-show-raw-insn "$binary" | grep -c 'prefetcht0')
echo "$n prefetcht0 instructions in $binary, for $sites prefetch sites in the source"
[ "$n" -ge "$sites" ]
