// The pinned numbers of every shipped scenario under every policy that models its memory
// (tests/test_specs.cpp checks them): one row per (spec, policy).
#pragma once

#include <cstdint>

namespace cowpin::test {

struct Row {
    const char* spec;
    const char* policy;
    std::uint64_t states, transitions;
    std::uint32_t depth;
    std::uint64_t complete, stuck;
    const char* violations;  // "invariant:steps ..." in invariant order
};

// Generated once from `cowpin check specs/<name>.json --no-write` and checked by hand for the
// small cases (e.g. the CVE scenario under 5.7: 1 + 1 + 2 + 2 + 2 = 8 states; under 5.19
// get-munmap-write and write-get-munmap end in the same state, so 7). The paper's tests:
// test3 is one program of five steps, so 6 states in a line everywhere. test1 seq #2 after the
// fork interleaves P0's write, unpin with P1's write: 3 × 2 = 6 states, 8 with the two before;
// under 5.7 (and FreeBSD, 5.8, NetBSD) the two writes done in either order leave the get on a
// page mapped by P0 in one order and by P1 in the other (whoever writes second reuses the page
// under I/O), so that state splits: 9. PreCOP copied the page with the get at fork, so both
// writes reuse their own page and the orders meet again: 8. freebsd decides as linux-5.7 and
// netbsd as linux-5.8 except for swap-out and migration, which no scenario uses: their rows
// equal those policies' rows (checked below).
// One file of rows per memory kind (tests/scenario_rows/*.inc).
const Row kRows[] = {
#include "tests/scenario_rows/base.inc"
#include "tests/scenario_rows/hugetlb.inc"
#include "tests/scenario_rows/thp.inc"
#include "tests/scenario_rows/mthp.inc"
};

}  // namespace cowpin::test
