// The shipped specs: exact numbers for every scenario under every policy, and the properties
// of their counterexamples (shortest, replayable, consequences named).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <utility>

#include "checker/views/report.hpp"
#include "checker/run/run.hpp"
#include "checker/formats/spec.hpp"
#include "tests/model_helpers.hpp"

using namespace cowpin;

namespace {

std::string spec_path(const std::string& name) {
    return std::string(COWPIN_SOURCE_DIR) + "/specs/" + name + ".json";
}

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
const Row kRows[] = {
    {"basic-cow-after-fork-mprotect", "linux-5.7", 4, 3, 3, 1, 0, ""},
    {"basic-cow-after-fork-mprotect", "linux-5.8", 4, 3, 3, 1, 0, ""},
    {"basic-cow-after-fork-mprotect", "linux-5.9", 4, 3, 3, 1, 0, ""},
    {"basic-cow-after-fork-mprotect", "linux-5.11", 4, 3, 3, 1, 0, ""},
    {"basic-cow-after-fork-mprotect", "linux-5.18", 4, 3, 3, 1, 0, ""},
    {"basic-cow-after-fork-mprotect", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"basic-cow-after-fork-mprotect", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"basic-cow-after-fork-mprotect", "precop", 4, 3, 3, 1, 0, ""},
    {"basic-cow-after-fork-mprotect", "freebsd", 4, 3, 3, 1, 0, ""},
    {"basic-cow-after-fork-mprotect", "netbsd", 4, 3, 3, 1, 0, ""},
    {"basic-cow-after-fork-mprotect", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"basic-cow-after-fork", "linux-5.7", 3, 2, 2, 1, 0, ""},
    {"basic-cow-after-fork", "linux-5.8", 3, 2, 2, 1, 0, ""},
    {"basic-cow-after-fork", "linux-5.9", 3, 2, 2, 1, 0, ""},
    {"basic-cow-after-fork", "linux-5.11", 3, 2, 2, 1, 0, ""},
    {"basic-cow-after-fork", "linux-5.18", 3, 2, 2, 1, 0, ""},
    {"basic-cow-after-fork", "linux-5.19", 3, 2, 2, 1, 0, ""},
    {"basic-cow-after-fork", "linux-6.18", 3, 2, 2, 1, 0, ""},
    {"basic-cow-after-fork", "precop", 3, 2, 2, 1, 0, ""},
    {"basic-cow-after-fork", "freebsd", 3, 2, 2, 1, 0, ""},
    {"basic-cow-after-fork", "netbsd", 3, 2, 2, 1, 0, ""},
    {"basic-cow-after-fork", "eager-copy", 3, 2, 2, 1, 0, ""},
    {"fork-with-rw-longterm-pin", "linux-5.7", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"fork-with-rw-longterm-pin", "linux-5.8", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"fork-with-rw-longterm-pin", "linux-5.9", 4, 3, 3, 1, 0, ""},
    {"fork-with-rw-longterm-pin", "linux-5.11", 4, 3, 3, 1, 0, ""},
    {"fork-with-rw-longterm-pin", "linux-5.18", 4, 3, 3, 1, 0, ""},
    {"fork-with-rw-longterm-pin", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"fork-with-rw-longterm-pin", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"fork-with-rw-longterm-pin", "precop", 4, 3, 3, 1, 0, ""},
    {"fork-with-rw-longterm-pin", "freebsd", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"fork-with-rw-longterm-pin", "netbsd", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"fork-with-rw-longterm-pin", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"get-on-previously-shared-page-then-write", "linux-5.7", 6, 5, 5, 1, 0, ""},
    {"get-on-previously-shared-page-then-write", "linux-5.8", 6, 5, 5, 1, 0, ""},
    {"get-on-previously-shared-page-then-write", "linux-5.9", 6, 5, 5, 1, 0, ""},
    {"get-on-previously-shared-page-then-write", "linux-5.11", 6, 5, 5, 1, 0, ""},
    {"get-on-previously-shared-page-then-write", "linux-5.18", 6, 5, 5, 1, 0, ""},
    {"get-on-previously-shared-page-then-write", "linux-5.19", 6, 5, 5, 1, 0, ""},
    {"get-on-previously-shared-page-then-write", "linux-6.18", 6, 5, 5, 1, 0, ""},
    {"get-on-previously-shared-page-then-write", "precop", 6, 5, 5, 1, 0, ""},
    {"get-on-previously-shared-page-then-write", "freebsd", 6, 5, 5, 1, 0, ""},
    {"get-on-previously-shared-page-then-write", "netbsd", 6, 5, 5, 1, 0, ""},
    {"get-on-previously-shared-page-then-write", "eager-copy", 6, 5, 5, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork-mprotect", "linux-5.7", 4, 3, 3, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork-mprotect", "linux-5.8", 4, 3, 3, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork-mprotect", "linux-5.9", 4, 3, 3, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork-mprotect", "linux-5.11", 4, 3, 3, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork-mprotect", "linux-5.18", 4, 3, 3, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork-mprotect", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork-mprotect", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork-mprotect", "precop", 4, 3, 3, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork-mprotect", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork", "linux-5.7", 3, 2, 2, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork", "linux-5.8", 3, 2, 2, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork", "linux-5.9", 3, 2, 2, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork", "linux-5.11", 3, 2, 2, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork", "linux-5.18", 3, 2, 2, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork", "linux-5.19", 3, 2, 2, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork", "linux-6.18", 3, 2, 2, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork", "precop", 3, 2, 2, 1, 0, ""},
    {"hugetlb-basic-cow-after-fork", "eager-copy", 3, 2, 2, 1, 0, ""},
    {"hugetlb-fork-with-iouring-fixed-buffer", "linux-5.7", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"hugetlb-fork-with-iouring-fixed-buffer", "linux-5.8", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"hugetlb-fork-with-iouring-fixed-buffer", "linux-5.9", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"hugetlb-fork-with-iouring-fixed-buffer", "linux-5.11", 4, 3, 3, 1, 0, ""},
    {"hugetlb-fork-with-iouring-fixed-buffer", "linux-5.18", 4, 3, 3, 1, 0, ""},
    {"hugetlb-fork-with-iouring-fixed-buffer", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"hugetlb-fork-with-iouring-fixed-buffer", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"hugetlb-fork-with-iouring-fixed-buffer", "precop", 4, 3, 3, 1, 0, ""},
    {"hugetlb-fork-with-iouring-fixed-buffer", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-mapping-iouring-fixed-buffer", "linux-5.7", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-mapping-iouring-fixed-buffer", "linux-5.8", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-mapping-iouring-fixed-buffer", "linux-5.9", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-mapping-iouring-fixed-buffer", "linux-5.11", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-mapping-iouring-fixed-buffer", "linux-5.18", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-mapping-iouring-fixed-buffer", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-mapping-iouring-fixed-buffer", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-mapping-iouring-fixed-buffer", "precop", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-mapping-iouring-fixed-buffer", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-exclusive-page", "linux-5.7", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-exclusive-page", "linux-5.8", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-exclusive-page", "linux-5.9", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-exclusive-page", "linux-5.11", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-exclusive-page", "linux-5.18", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-exclusive-page", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-exclusive-page", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-exclusive-page", "precop", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-exclusive-page", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.7", 6, 5, 5, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.8", 6, 5, 5, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.9", 6, 5, 5, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.11", 6, 5, 5, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.18", 6, 5, 5, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.19", 6, 5, 5, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-previously-shared-page", "linux-6.18", 6, 5, 5, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-previously-shared-page", "precop", 6, 5, 5, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-previously-shared-page", "eager-copy", 6, 5, 5, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-shared-page", "linux-5.7", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"hugetlb-ro-pin-on-ro-mapped-shared-page", "linux-5.8", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-shared-page", "linux-5.9", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"hugetlb-ro-pin-on-ro-mapped-shared-page", "linux-5.11", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"hugetlb-ro-pin-on-ro-mapped-shared-page", "linux-5.18", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"hugetlb-ro-pin-on-ro-mapped-shared-page", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-shared-page", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-shared-page", "precop", 4, 3, 3, 1, 0, ""},
    {"hugetlb-ro-pin-on-ro-mapped-shared-page", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"hugetlb-vmsplice-before-fork-unmap-in-parent", "linux-5.7", 7, 6, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-before-fork-unmap-in-parent", "linux-5.8", 7, 6, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-before-fork-unmap-in-parent", "linux-5.9", 7, 6, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-before-fork-unmap-in-parent", "linux-5.11", 7, 6, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-before-fork-unmap-in-parent", "linux-5.18", 7, 6, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-before-fork-unmap-in-parent", "linux-5.19", 7, 6, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-before-fork-unmap-in-parent", "linux-6.18", 7, 6, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-before-fork-unmap-in-parent", "precop", 6, 6, 4, 1, 0, ""},
    {"hugetlb-vmsplice-before-fork-unmap-in-parent", "eager-copy", 6, 6, 4, 1, 0, ""},
    {"hugetlb-vmsplice-unmap-in-child-mprotect", "linux-5.7", 11, 13, 5, 2, 0, "get_no_leak:5"},
    {"hugetlb-vmsplice-unmap-in-child-mprotect", "linux-5.8", 10, 13, 5, 1, 0, ""},
    {"hugetlb-vmsplice-unmap-in-child-mprotect", "linux-5.9", 11, 13, 5, 2, 0, "get_no_leak:5"},
    {"hugetlb-vmsplice-unmap-in-child-mprotect", "linux-5.11", 11, 13, 5, 2, 0, "get_no_leak:5"},
    {"hugetlb-vmsplice-unmap-in-child-mprotect", "linux-5.18", 11, 13, 5, 2, 0, "get_no_leak:5"},
    {"hugetlb-vmsplice-unmap-in-child-mprotect", "linux-5.19", 11, 13, 5, 2, 0, "get_no_leak:5"},
    {"hugetlb-vmsplice-unmap-in-child-mprotect", "linux-6.18", 11, 13, 5, 2, 0, "get_no_leak:5"},
    {"hugetlb-vmsplice-unmap-in-child-mprotect", "precop", 10, 13, 5, 1, 0, ""},
    {"hugetlb-vmsplice-unmap-in-child-mprotect", "eager-copy", 10, 13, 5, 1, 0, ""},
    {"hugetlb-vmsplice-unmap-in-child", "linux-5.7", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-unmap-in-child", "linux-5.8", 7, 8, 4, 1, 0, ""},
    {"hugetlb-vmsplice-unmap-in-child", "linux-5.9", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-unmap-in-child", "linux-5.11", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-unmap-in-child", "linux-5.18", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-unmap-in-child", "linux-5.19", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-unmap-in-child", "linux-6.18", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-unmap-in-child", "precop", 7, 8, 4, 1, 0, ""},
    {"hugetlb-vmsplice-unmap-in-child", "eager-copy", 7, 8, 4, 1, 0, ""},
    {"hugetlb-vmsplice-unmap-in-parent-after-fork", "linux-5.7", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-unmap-in-parent-after-fork", "linux-5.8", 7, 8, 4, 1, 0, ""},
    {"hugetlb-vmsplice-unmap-in-parent-after-fork", "linux-5.9", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-unmap-in-parent-after-fork", "linux-5.11", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-unmap-in-parent-after-fork", "linux-5.18", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-unmap-in-parent-after-fork", "linux-5.19", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-unmap-in-parent-after-fork", "linux-6.18", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"hugetlb-vmsplice-unmap-in-parent-after-fork", "precop", 7, 8, 4, 1, 0, ""},
    {"hugetlb-vmsplice-unmap-in-parent-after-fork", "eager-copy", 7, 8, 4, 1, 0, ""},
    {"o-direct-read-before-fork", "linux-5.7", 5, 4, 4, 1, 0, "memory_private:4"},
    {"o-direct-read-before-fork", "linux-5.8", 5, 4, 4, 1, 0, "memory_private:4"},
    {"o-direct-read-before-fork", "linux-5.9", 5, 4, 4, 1, 0, "memory_private:4"},
    {"o-direct-read-before-fork", "linux-5.11", 5, 4, 4, 1, 0, "memory_private:4"},
    {"o-direct-read-before-fork", "linux-5.18", 5, 4, 4, 1, 0, "memory_private:4"},
    {"o-direct-read-before-fork", "linux-5.19", 5, 4, 4, 1, 0, "memory_private:4"},
    {"o-direct-read-before-fork", "linux-6.18", 5, 4, 4, 1, 0, ""},
    {"o-direct-read-before-fork", "precop", 5, 4, 4, 1, 0, ""},
    {"o-direct-read-before-fork", "freebsd", 5, 4, 4, 1, 0, "memory_private:4"},
    {"o-direct-read-before-fork", "netbsd", 5, 4, 4, 1, 0, "memory_private:4"},
    {"o-direct-read-before-fork", "eager-copy", 5, 4, 4, 1, 0, ""},
    {"paper-test1-seq1-ro-ref-after-fork", "linux-5.7", 10, 12, 5, 1, 0, "get_no_leak:4"},
    {"paper-test1-seq1-ro-ref-after-fork", "linux-5.8", 9, 11, 5, 1, 0, ""},
    {"paper-test1-seq1-ro-ref-after-fork", "linux-5.9", 9, 11, 5, 1, 0, ""},
    {"paper-test1-seq1-ro-ref-after-fork", "linux-5.11", 9, 11, 5, 1, 0, ""},
    {"paper-test1-seq1-ro-ref-after-fork", "linux-5.18", 9, 11, 5, 1, 0, ""},
    {"paper-test1-seq1-ro-ref-after-fork", "linux-5.19", 9, 11, 5, 1, 0, ""},
    {"paper-test1-seq1-ro-ref-after-fork", "linux-6.18", 9, 11, 5, 1, 0, ""},
    {"paper-test1-seq1-ro-ref-after-fork", "precop", 9, 11, 5, 1, 0, ""},
    {"paper-test1-seq1-ro-ref-after-fork", "freebsd", 10, 12, 5, 1, 0, "get_no_leak:4"},
    {"paper-test1-seq1-ro-ref-after-fork", "netbsd", 9, 11, 5, 1, 0, ""},
    {"paper-test1-seq1-ro-ref-after-fork", "eager-copy", 9, 11, 5, 1, 0, ""},
    {"paper-test1-seq2-ro-ref-before-fork", "linux-5.7", 9, 10, 5, 1, 0, "get_no_leak:4"},
    {"paper-test1-seq2-ro-ref-before-fork", "linux-5.8", 9, 10, 5, 1, 0, "get_no_leak:4"},
    {"paper-test1-seq2-ro-ref-before-fork", "linux-5.9", 8, 9, 5, 1, 0, ""},
    {"paper-test1-seq2-ro-ref-before-fork", "linux-5.11", 8, 9, 5, 1, 0, ""},
    {"paper-test1-seq2-ro-ref-before-fork", "linux-5.18", 8, 9, 5, 1, 0, ""},
    {"paper-test1-seq2-ro-ref-before-fork", "linux-5.19", 8, 9, 5, 1, 0, ""},
    {"paper-test1-seq2-ro-ref-before-fork", "linux-6.18", 8, 9, 5, 1, 0, ""},
    {"paper-test1-seq2-ro-ref-before-fork", "precop", 8, 9, 5, 1, 0, ""},
    {"paper-test1-seq2-ro-ref-before-fork", "freebsd", 9, 10, 5, 1, 0, "get_no_leak:4"},
    {"paper-test1-seq2-ro-ref-before-fork", "netbsd", 9, 10, 5, 1, 0, "get_no_leak:4"},
    {"paper-test1-seq2-ro-ref-before-fork", "eager-copy", 8, 9, 5, 1, 0, ""},
    {"paper-test2-ro-ref-in-child", "linux-5.7", 10, 12, 5, 1, 0, "get_no_leak:4"},
    {"paper-test2-ro-ref-in-child", "linux-5.8", 9, 11, 5, 1, 0, ""},
    {"paper-test2-ro-ref-in-child", "linux-5.9", 9, 11, 5, 1, 0, ""},
    {"paper-test2-ro-ref-in-child", "linux-5.11", 9, 11, 5, 1, 0, ""},
    {"paper-test2-ro-ref-in-child", "linux-5.18", 9, 11, 5, 1, 0, ""},
    {"paper-test2-ro-ref-in-child", "linux-5.19", 9, 11, 5, 1, 0, ""},
    {"paper-test2-ro-ref-in-child", "linux-6.18", 9, 11, 5, 1, 0, ""},
    {"paper-test2-ro-ref-in-child", "precop", 9, 11, 5, 1, 0, ""},
    {"paper-test2-ro-ref-in-child", "freebsd", 10, 12, 5, 1, 0, "get_no_leak:4"},
    {"paper-test2-ro-ref-in-child", "netbsd", 9, 11, 5, 1, 0, ""},
    {"paper-test2-ro-ref-in-child", "eager-copy", 9, 11, 5, 1, 0, ""},
    {"paper-test3-rw-ref-before-fork", "linux-5.7", 6, 5, 5, 1, 0, "memory_private:4"},
    {"paper-test3-rw-ref-before-fork", "linux-5.8", 6, 5, 5, 1, 0, "memory_private:4"},
    {"paper-test3-rw-ref-before-fork", "linux-5.9", 6, 5, 5, 1, 0, "memory_private:4"},
    {"paper-test3-rw-ref-before-fork", "linux-5.11", 6, 5, 5, 1, 0, "memory_private:4"},
    {"paper-test3-rw-ref-before-fork", "linux-5.18", 6, 5, 5, 1, 0, "memory_private:4"},
    {"paper-test3-rw-ref-before-fork", "linux-5.19", 6, 5, 5, 1, 0, "memory_private:4"},
    {"paper-test3-rw-ref-before-fork", "linux-6.18", 6, 5, 5, 1, 0, ""},
    {"paper-test3-rw-ref-before-fork", "precop", 6, 5, 5, 1, 0, ""},
    {"paper-test3-rw-ref-before-fork", "freebsd", 6, 5, 5, 1, 0, "memory_private:4"},
    {"paper-test3-rw-ref-before-fork", "netbsd", 6, 5, 5, 1, 0, "memory_private:4"},
    {"paper-test3-rw-ref-before-fork", "eager-copy", 6, 5, 5, 1, 0, ""},
    {"pinned-page-refused-calls", "linux-5.7", 6, 5, 5, 1, 0, ""},
    {"pinned-page-refused-calls", "linux-5.8", 6, 5, 5, 1, 0, ""},
    {"pinned-page-refused-calls", "linux-5.9", 6, 5, 5, 1, 0, "memory_private:5 pin_reliable:4"},
    {"pinned-page-refused-calls", "linux-5.11", 6, 5, 5, 1, 0, ""},
    {"pinned-page-refused-calls", "linux-5.18", 6, 5, 5, 1, 0, ""},
    {"pinned-page-refused-calls", "linux-5.19", 6, 5, 5, 1, 0, ""},
    {"pinned-page-refused-calls", "linux-6.18", 6, 5, 5, 1, 0, ""},
    {"pinned-page-refused-calls", "precop", 6, 5, 5, 1, 0, ""},
    {"pinned-page-refused-calls", "freebsd", 6, 5, 5, 1, 0, ""},
    {"pinned-page-refused-calls", "netbsd", 6, 5, 5, 1, 0, ""},
    {"pinned-page-refused-calls", "eager-copy", 6, 5, 5, 1, 0, ""},
    {"ro-mapping-rw-pinned-page-uffd-wp", "linux-5.7", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page-uffd-wp", "linux-5.8", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page-uffd-wp", "linux-5.9", 4, 3, 3, 1, 0, "pin_reliable:3"},
    {"ro-mapping-rw-pinned-page-uffd-wp", "linux-5.11", 4, 3, 3, 1, 0, "pin_reliable:3"},
    {"ro-mapping-rw-pinned-page-uffd-wp", "linux-5.18", 4, 3, 3, 1, 0, "pin_reliable:3"},
    {"ro-mapping-rw-pinned-page-uffd-wp", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page-uffd-wp", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page-uffd-wp", "precop", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page-uffd-wp", "freebsd", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page-uffd-wp", "netbsd", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page-uffd-wp", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page", "linux-5.7", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page", "linux-5.8", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page", "linux-5.9", 4, 3, 3, 1, 0, "pin_reliable:3"},
    {"ro-mapping-rw-pinned-page", "linux-5.11", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page", "linux-5.18", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page", "precop", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page", "freebsd", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page", "netbsd", 4, 3, 3, 1, 0, ""},
    {"ro-mapping-rw-pinned-page", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-exclusive-page", "linux-5.7", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-exclusive-page", "linux-5.8", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-exclusive-page", "linux-5.9", 4, 3, 3, 1, 0, "pin_reliable:3"},
    {"ro-pin-on-ro-mapped-exclusive-page", "linux-5.11", 4, 3, 3, 1, 0, "pin_reliable:3"},
    {"ro-pin-on-ro-mapped-exclusive-page", "linux-5.18", 4, 3, 3, 1, 0, "pin_reliable:3"},
    {"ro-pin-on-ro-mapped-exclusive-page", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-exclusive-page", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-exclusive-page", "precop", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-exclusive-page", "freebsd", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-exclusive-page", "netbsd", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-exclusive-page", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-previously-shared-page", "linux-5.7", 6, 5, 5, 1, 0, ""},
    {"ro-pin-on-ro-mapped-previously-shared-page", "linux-5.8", 6, 5, 5, 1, 0, ""},
    {"ro-pin-on-ro-mapped-previously-shared-page", "linux-5.9", 6, 5, 5, 1, 0, "pin_reliable:5"},
    {"ro-pin-on-ro-mapped-previously-shared-page", "linux-5.11", 6, 5, 5, 1, 0, "pin_reliable:5"},
    {"ro-pin-on-ro-mapped-previously-shared-page", "linux-5.18", 6, 5, 5, 1, 0, "pin_reliable:5"},
    {"ro-pin-on-ro-mapped-previously-shared-page", "linux-5.19", 6, 5, 5, 1, 0, ""},
    {"ro-pin-on-ro-mapped-previously-shared-page", "linux-6.18", 6, 5, 5, 1, 0, ""},
    {"ro-pin-on-ro-mapped-previously-shared-page", "precop", 6, 5, 5, 1, 0, ""},
    {"ro-pin-on-ro-mapped-previously-shared-page", "freebsd", 6, 5, 5, 1, 0, ""},
    {"ro-pin-on-ro-mapped-previously-shared-page", "netbsd", 6, 5, 5, 1, 0, ""},
    {"ro-pin-on-ro-mapped-previously-shared-page", "eager-copy", 6, 5, 5, 1, 0, ""},
    {"ro-pin-on-ro-mapped-shared-page", "linux-5.7", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"ro-pin-on-ro-mapped-shared-page", "linux-5.8", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-shared-page", "linux-5.9", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"ro-pin-on-ro-mapped-shared-page", "linux-5.11", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"ro-pin-on-ro-mapped-shared-page", "linux-5.18", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"ro-pin-on-ro-mapped-shared-page", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-shared-page", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-shared-page", "precop", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-shared-page", "freebsd", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"ro-pin-on-ro-mapped-shared-page", "netbsd", 4, 3, 3, 1, 0, ""},
    {"ro-pin-on-ro-mapped-shared-page", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"rw-foll-get-before-fork", "linux-5.7", 5, 4, 4, 1, 0, "memory_private:4"},
    {"rw-foll-get-before-fork", "linux-5.8", 5, 4, 4, 1, 0, "memory_private:4"},
    {"rw-foll-get-before-fork", "linux-5.9", 5, 4, 4, 1, 0, "memory_private:4"},
    {"rw-foll-get-before-fork", "linux-5.11", 5, 4, 4, 1, 0, "memory_private:4"},
    {"rw-foll-get-before-fork", "linux-5.18", 5, 4, 4, 1, 0, "memory_private:4"},
    {"rw-foll-get-before-fork", "linux-5.19", 5, 4, 4, 1, 0, "memory_private:4"},
    {"rw-foll-get-before-fork", "linux-6.18", 5, 4, 4, 1, 0, "memory_private:4"},
    {"rw-foll-get-before-fork", "precop", 5, 4, 4, 1, 0, ""},
    {"rw-foll-get-before-fork", "freebsd", 5, 4, 4, 1, 0, "memory_private:4"},
    {"rw-foll-get-before-fork", "netbsd", 5, 4, 4, 1, 0, "memory_private:4"},
    {"rw-foll-get-before-fork", "eager-copy", 5, 4, 4, 1, 0, ""},
    {"thp-basic-cow-after-fork", "linux-5.7", 3, 2, 2, 1, 0, ""},
    {"thp-basic-cow-after-fork", "linux-5.8", 3, 2, 2, 1, 0, ""},
    {"thp-basic-cow-after-fork", "linux-5.9", 3, 2, 2, 1, 0, ""},
    {"thp-basic-cow-after-fork", "linux-5.11", 3, 2, 2, 1, 0, ""},
    {"thp-basic-cow-after-fork", "linux-5.18", 3, 2, 2, 1, 0, ""},
    {"thp-basic-cow-after-fork", "linux-5.19", 3, 2, 2, 1, 0, ""},
    {"thp-basic-cow-after-fork", "linux-6.18", 3, 2, 2, 1, 0, ""},
    {"thp-basic-cow-after-fork", "precop", 3, 2, 2, 1, 0, ""},
    {"thp-basic-cow-after-fork", "eager-copy", 3, 2, 2, 1, 0, ""},
    {"thp-fork-with-iouring-fixed-buffer", "linux-5.7", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"thp-fork-with-iouring-fixed-buffer", "linux-5.8", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"thp-fork-with-iouring-fixed-buffer", "linux-5.9", 4, 3, 3, 1, 0, ""},
    {"thp-fork-with-iouring-fixed-buffer", "linux-5.11", 4, 3, 3, 1, 0, ""},
    {"thp-fork-with-iouring-fixed-buffer", "linux-5.18", 4, 3, 3, 1, 0, ""},
    {"thp-fork-with-iouring-fixed-buffer", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"thp-fork-with-iouring-fixed-buffer", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"thp-fork-with-iouring-fixed-buffer", "precop", 4, 3, 3, 1, 0, ""},
    {"thp-fork-with-iouring-fixed-buffer", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork-mprotect", "linux-5.7", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork-mprotect", "linux-5.8", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork-mprotect", "linux-5.9", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork-mprotect", "linux-5.11", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork-mprotect", "linux-5.18", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork-mprotect", "linux-5.19", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork-mprotect", "linux-6.18", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork-mprotect", "precop", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork-mprotect", "eager-copy", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork", "linux-5.7", 4, 3, 3, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork", "linux-5.8", 4, 3, 3, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork", "linux-5.9", 4, 3, 3, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork", "linux-5.11", 4, 3, 3, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork", "linux-5.18", 4, 3, 3, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork", "precop", 4, 3, 3, 1, 0, ""},
    {"thp-pte-mapped-basic-cow-after-fork", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"thp-pte-mapped-fork-with-iouring-fixed-buffer", "linux-5.7", 5, 4, 4, 1, 0, "pinned_exclusive:3 pin_reliable:4"},
    {"thp-pte-mapped-fork-with-iouring-fixed-buffer", "linux-5.8", 5, 4, 4, 1, 0, "pinned_exclusive:3 pin_reliable:4"},
    {"thp-pte-mapped-fork-with-iouring-fixed-buffer", "linux-5.9", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-fork-with-iouring-fixed-buffer", "linux-5.11", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-fork-with-iouring-fixed-buffer", "linux-5.18", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-fork-with-iouring-fixed-buffer", "linux-5.19", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-fork-with-iouring-fixed-buffer", "linux-6.18", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-fork-with-iouring-fixed-buffer", "precop", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-fork-with-iouring-fixed-buffer", "eager-copy", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-mapping-iouring-fixed-buffer", "linux-5.7", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-mapping-iouring-fixed-buffer", "linux-5.8", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-mapping-iouring-fixed-buffer", "linux-5.9", 5, 4, 4, 1, 0, "pin_reliable:4"},
    {"thp-pte-mapped-ro-mapping-iouring-fixed-buffer", "linux-5.11", 5, 4, 4, 1, 0, "pin_reliable:4"},
    {"thp-pte-mapped-ro-mapping-iouring-fixed-buffer", "linux-5.18", 5, 4, 4, 1, 0, "pin_reliable:4"},
    {"thp-pte-mapped-ro-mapping-iouring-fixed-buffer", "linux-5.19", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-mapping-iouring-fixed-buffer", "linux-6.18", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-mapping-iouring-fixed-buffer", "precop", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-mapping-iouring-fixed-buffer", "eager-copy", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-exclusive-page", "linux-5.7", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-exclusive-page", "linux-5.8", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-exclusive-page", "linux-5.9", 5, 4, 4, 1, 0, "pin_reliable:4"},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-exclusive-page", "linux-5.11", 5, 4, 4, 1, 0, "pin_reliable:4"},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-exclusive-page", "linux-5.18", 5, 4, 4, 1, 0, "pin_reliable:4"},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-exclusive-page", "linux-5.19", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-exclusive-page", "linux-6.18", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-exclusive-page", "precop", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-exclusive-page", "eager-copy", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.7", 7, 6, 6, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.8", 7, 6, 6, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.9", 7, 6, 6, 1, 0, "pin_reliable:6"},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.11", 7, 6, 6, 1, 0, "pin_reliable:6"},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.18", 7, 6, 6, 1, 0, "pin_reliable:6"},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.19", 7, 6, 6, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-previously-shared-page", "linux-6.18", 7, 6, 6, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-previously-shared-page", "precop", 7, 6, 6, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-previously-shared-page", "eager-copy", 7, 6, 6, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-shared-page", "linux-5.7", 5, 4, 4, 1, 0, "pinned_exclusive:3 pin_reliable:4"},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-shared-page", "linux-5.8", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-shared-page", "linux-5.9", 5, 4, 4, 1, 0, "pinned_exclusive:3 pin_reliable:4"},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-shared-page", "linux-5.11", 5, 4, 4, 1, 0, "pinned_exclusive:3 pin_reliable:4"},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-shared-page", "linux-5.18", 5, 4, 4, 1, 0, "pinned_exclusive:3 pin_reliable:4"},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-shared-page", "linux-5.19", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-shared-page", "linux-6.18", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-shared-page", "precop", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-ro-pin-on-ro-mapped-shared-page", "eager-copy", 5, 4, 4, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-before-fork-unmap-in-parent", "linux-5.7", 10, 10, 6, 2, 0, "get_no_leak:6"},
    {"thp-pte-mapped-vmsplice-before-fork-unmap-in-parent", "linux-5.8", 10, 10, 6, 2, 0, "get_no_leak:6"},
    {"thp-pte-mapped-vmsplice-before-fork-unmap-in-parent", "linux-5.9", 9, 10, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-before-fork-unmap-in-parent", "linux-5.11", 9, 10, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-before-fork-unmap-in-parent", "linux-5.18", 9, 10, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-before-fork-unmap-in-parent", "linux-5.19", 9, 10, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-before-fork-unmap-in-parent", "linux-6.18", 9, 10, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-before-fork-unmap-in-parent", "precop", 9, 10, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-before-fork-unmap-in-parent", "eager-copy", 9, 10, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child-mprotect", "linux-5.7", 15, 19, 7, 2, 0, "get_no_leak:7"},
    {"thp-pte-mapped-vmsplice-unmap-in-child-mprotect", "linux-5.8", 15, 19, 7, 2, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child-mprotect", "linux-5.9", 14, 19, 7, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child-mprotect", "linux-5.11", 14, 19, 7, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child-mprotect", "linux-5.18", 14, 19, 7, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child-mprotect", "linux-5.19", 14, 19, 7, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child-mprotect", "linux-6.18", 14, 19, 7, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child-mprotect", "precop", 17, 21, 7, 2, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child-mprotect", "eager-copy", 14, 19, 7, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child", "linux-5.7", 11, 12, 6, 2, 0, "get_no_leak:6"},
    {"thp-pte-mapped-vmsplice-unmap-in-child", "linux-5.8", 11, 12, 6, 2, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child", "linux-5.9", 10, 12, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child", "linux-5.11", 10, 12, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child", "linux-5.18", 10, 12, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child", "linux-5.19", 10, 12, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child", "linux-6.18", 10, 12, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child", "precop", 13, 14, 6, 2, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-child", "eager-copy", 10, 12, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-parent-after-fork", "linux-5.7", 11, 12, 6, 2, 0, "get_no_leak:6"},
    {"thp-pte-mapped-vmsplice-unmap-in-parent-after-fork", "linux-5.8", 11, 12, 6, 2, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-parent-after-fork", "linux-5.9", 10, 12, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-parent-after-fork", "linux-5.11", 10, 12, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-parent-after-fork", "linux-5.18", 10, 12, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-parent-after-fork", "linux-5.19", 10, 12, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-parent-after-fork", "linux-6.18", 10, 12, 6, 1, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-parent-after-fork", "precop", 13, 14, 6, 2, 0, ""},
    {"thp-pte-mapped-vmsplice-unmap-in-parent-after-fork", "eager-copy", 10, 12, 6, 1, 0, ""},
    {"thp-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.7", 6, 5, 5, 1, 0, ""},
    {"thp-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.8", 6, 5, 5, 1, 0, ""},
    {"thp-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.9", 6, 5, 5, 1, 0, ""},
    {"thp-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.11", 6, 5, 5, 1, 0, ""},
    {"thp-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.18", 6, 5, 5, 1, 0, "pin_reliable:5"},
    {"thp-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.19", 6, 5, 5, 1, 0, ""},
    {"thp-ro-pin-on-ro-mapped-previously-shared-page", "linux-6.18", 6, 5, 5, 1, 0, ""},
    {"thp-ro-pin-on-ro-mapped-previously-shared-page", "precop", 6, 5, 5, 1, 0, ""},
    {"thp-ro-pin-on-ro-mapped-previously-shared-page", "eager-copy", 6, 5, 5, 1, 0, ""},
    {"thp-ro-pin-on-ro-mapped-shared-page", "linux-5.7", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"thp-ro-pin-on-ro-mapped-shared-page", "linux-5.8", 4, 3, 3, 1, 0, ""},
    {"thp-ro-pin-on-ro-mapped-shared-page", "linux-5.9", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"thp-ro-pin-on-ro-mapped-shared-page", "linux-5.11", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"thp-ro-pin-on-ro-mapped-shared-page", "linux-5.18", 4, 3, 3, 1, 0, "pinned_exclusive:2 pin_reliable:3"},
    {"thp-ro-pin-on-ro-mapped-shared-page", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"thp-ro-pin-on-ro-mapped-shared-page", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"thp-ro-pin-on-ro-mapped-shared-page", "precop", 4, 3, 3, 1, 0, ""},
    {"thp-ro-pin-on-ro-mapped-shared-page", "eager-copy", 4, 3, 3, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork-mprotect", "linux-5.7", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork-mprotect", "linux-5.8", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork-mprotect", "linux-5.9", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork-mprotect", "linux-5.11", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork-mprotect", "linux-5.18", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork-mprotect", "linux-5.19", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork-mprotect", "linux-6.18", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork-mprotect", "precop", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork-mprotect", "eager-copy", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork", "linux-5.7", 5, 4, 4, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork", "linux-5.8", 5, 4, 4, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork", "linux-5.9", 5, 4, 4, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork", "linux-5.11", 5, 4, 4, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork", "linux-5.18", 5, 4, 4, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork", "linux-5.19", 5, 4, 4, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork", "linux-6.18", 5, 4, 4, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork", "precop", 5, 4, 4, 1, 0, ""},
    {"thp-single-pte-basic-cow-after-fork", "eager-copy", 5, 4, 4, 1, 0, ""},
    {"thp-single-pte-fork-with-iouring-fixed-buffer", "linux-5.7", 6, 5, 5, 1, 0, "pinned_exclusive:4 pin_reliable:5"},
    {"thp-single-pte-fork-with-iouring-fixed-buffer", "linux-5.8", 6, 5, 5, 1, 0, "pinned_exclusive:4 pin_reliable:5"},
    {"thp-single-pte-fork-with-iouring-fixed-buffer", "linux-5.9", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-fork-with-iouring-fixed-buffer", "linux-5.11", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-fork-with-iouring-fixed-buffer", "linux-5.18", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-fork-with-iouring-fixed-buffer", "linux-5.19", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-fork-with-iouring-fixed-buffer", "linux-6.18", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-fork-with-iouring-fixed-buffer", "precop", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-fork-with-iouring-fixed-buffer", "eager-copy", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-mapping-iouring-fixed-buffer", "linux-5.7", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-mapping-iouring-fixed-buffer", "linux-5.8", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-mapping-iouring-fixed-buffer", "linux-5.9", 6, 5, 5, 1, 0, "pin_reliable:5"},
    {"thp-single-pte-ro-mapping-iouring-fixed-buffer", "linux-5.11", 6, 5, 5, 1, 0, "pin_reliable:5"},
    {"thp-single-pte-ro-mapping-iouring-fixed-buffer", "linux-5.18", 6, 5, 5, 1, 0, "pin_reliable:5"},
    {"thp-single-pte-ro-mapping-iouring-fixed-buffer", "linux-5.19", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-mapping-iouring-fixed-buffer", "linux-6.18", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-mapping-iouring-fixed-buffer", "precop", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-mapping-iouring-fixed-buffer", "eager-copy", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-exclusive-page", "linux-5.7", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-exclusive-page", "linux-5.8", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-exclusive-page", "linux-5.9", 6, 5, 5, 1, 0, "pin_reliable:5"},
    {"thp-single-pte-ro-pin-on-ro-mapped-exclusive-page", "linux-5.11", 6, 5, 5, 1, 0, "pin_reliable:5"},
    {"thp-single-pte-ro-pin-on-ro-mapped-exclusive-page", "linux-5.18", 6, 5, 5, 1, 0, "pin_reliable:5"},
    {"thp-single-pte-ro-pin-on-ro-mapped-exclusive-page", "linux-5.19", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-exclusive-page", "linux-6.18", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-exclusive-page", "precop", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-exclusive-page", "eager-copy", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.7", 8, 7, 7, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.8", 8, 7, 7, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.9", 8, 7, 7, 1, 0, "pin_reliable:7"},
    {"thp-single-pte-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.11", 8, 7, 7, 1, 0, "pin_reliable:7"},
    {"thp-single-pte-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.18", 8, 7, 7, 1, 0, "pin_reliable:7"},
    {"thp-single-pte-ro-pin-on-ro-mapped-previously-shared-page", "linux-5.19", 8, 7, 7, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-previously-shared-page", "linux-6.18", 8, 7, 7, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-previously-shared-page", "precop", 8, 7, 7, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-previously-shared-page", "eager-copy", 8, 7, 7, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-shared-page", "linux-5.7", 6, 5, 5, 1, 0, "pinned_exclusive:4 pin_reliable:5"},
    {"thp-single-pte-ro-pin-on-ro-mapped-shared-page", "linux-5.8", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-shared-page", "linux-5.9", 6, 5, 5, 1, 0, "pinned_exclusive:4 pin_reliable:5"},
    {"thp-single-pte-ro-pin-on-ro-mapped-shared-page", "linux-5.11", 6, 5, 5, 1, 0, "pinned_exclusive:4 pin_reliable:5"},
    {"thp-single-pte-ro-pin-on-ro-mapped-shared-page", "linux-5.18", 6, 5, 5, 1, 0, "pinned_exclusive:4 pin_reliable:5"},
    {"thp-single-pte-ro-pin-on-ro-mapped-shared-page", "linux-5.19", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-shared-page", "linux-6.18", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-shared-page", "precop", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-ro-pin-on-ro-mapped-shared-page", "eager-copy", 6, 5, 5, 1, 0, ""},
    {"thp-single-pte-vmsplice-before-fork-unmap-in-parent", "linux-5.7", 9, 8, 6, 2, 0, "get_no_leak:6"},
    {"thp-single-pte-vmsplice-before-fork-unmap-in-parent", "linux-5.8", 9, 8, 6, 2, 0, "get_no_leak:6"},
    {"thp-single-pte-vmsplice-before-fork-unmap-in-parent", "linux-5.9", 8, 8, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-before-fork-unmap-in-parent", "linux-5.11", 8, 8, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-before-fork-unmap-in-parent", "linux-5.18", 8, 8, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-before-fork-unmap-in-parent", "linux-5.19", 8, 8, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-before-fork-unmap-in-parent", "linux-6.18", 8, 8, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-before-fork-unmap-in-parent", "precop", 8, 8, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-before-fork-unmap-in-parent", "eager-copy", 8, 8, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child-mprotect", "linux-5.7", 13, 15, 7, 2, 0, "get_no_leak:7"},
    {"thp-single-pte-vmsplice-unmap-in-child-mprotect", "linux-5.8", 14, 16, 7, 2, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child-mprotect", "linux-5.9", 12, 15, 7, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child-mprotect", "linux-5.11", 12, 15, 7, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child-mprotect", "linux-5.18", 12, 15, 7, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child-mprotect", "linux-5.19", 12, 15, 7, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child-mprotect", "linux-6.18", 12, 15, 7, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child-mprotect", "precop", 14, 16, 7, 2, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child-mprotect", "eager-copy", 12, 15, 7, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child", "linux-5.7", 10, 10, 6, 2, 0, "get_no_leak:6"},
    {"thp-single-pte-vmsplice-unmap-in-child", "linux-5.8", 11, 11, 6, 2, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child", "linux-5.9", 9, 10, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child", "linux-5.11", 9, 10, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child", "linux-5.18", 9, 10, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child", "linux-5.19", 9, 10, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child", "linux-6.18", 9, 10, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child", "precop", 11, 11, 6, 2, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-child", "eager-copy", 9, 10, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-parent-after-fork", "linux-5.7", 10, 10, 6, 2, 0, "get_no_leak:6"},
    {"thp-single-pte-vmsplice-unmap-in-parent-after-fork", "linux-5.8", 11, 11, 6, 2, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-parent-after-fork", "linux-5.9", 9, 10, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-parent-after-fork", "linux-5.11", 9, 10, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-parent-after-fork", "linux-5.18", 9, 10, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-parent-after-fork", "linux-5.19", 9, 10, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-parent-after-fork", "linux-6.18", 9, 10, 6, 1, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-parent-after-fork", "precop", 11, 11, 6, 2, 0, ""},
    {"thp-single-pte-vmsplice-unmap-in-parent-after-fork", "eager-copy", 9, 10, 6, 1, 0, ""},
    {"thp-vmsplice-before-fork-unmap-in-parent", "linux-5.7", 9, 9, 5, 2, 0, "get_no_leak:5"},
    {"thp-vmsplice-before-fork-unmap-in-parent", "linux-5.8", 9, 9, 5, 2, 0, "get_no_leak:5"},
    {"thp-vmsplice-before-fork-unmap-in-parent", "linux-5.9", 9, 9, 5, 2, 0, "get_no_leak:5"},
    {"thp-vmsplice-before-fork-unmap-in-parent", "linux-5.11", 9, 9, 5, 2, 0, "get_no_leak:5"},
    {"thp-vmsplice-before-fork-unmap-in-parent", "linux-5.18", 8, 9, 5, 1, 0, ""},
    {"thp-vmsplice-before-fork-unmap-in-parent", "linux-5.19", 8, 9, 5, 1, 0, ""},
    {"thp-vmsplice-before-fork-unmap-in-parent", "linux-6.18", 8, 9, 5, 1, 0, ""},
    {"thp-vmsplice-before-fork-unmap-in-parent", "precop", 8, 9, 5, 1, 0, ""},
    {"thp-vmsplice-before-fork-unmap-in-parent", "eager-copy", 8, 9, 5, 1, 0, ""},
    {"thp-vmsplice-unmap-in-child", "linux-5.7", 10, 11, 5, 2, 0, "get_no_leak:5"},
    {"thp-vmsplice-unmap-in-child", "linux-5.8", 10, 11, 5, 2, 0, ""},
    {"thp-vmsplice-unmap-in-child", "linux-5.9", 10, 11, 5, 2, 0, "get_no_leak:5"},
    {"thp-vmsplice-unmap-in-child", "linux-5.11", 10, 11, 5, 2, 0, "get_no_leak:5"},
    {"thp-vmsplice-unmap-in-child", "linux-5.18", 9, 11, 5, 1, 0, ""},
    {"thp-vmsplice-unmap-in-child", "linux-5.19", 9, 11, 5, 1, 0, ""},
    {"thp-vmsplice-unmap-in-child", "linux-6.18", 9, 11, 5, 1, 0, ""},
    {"thp-vmsplice-unmap-in-child", "precop", 13, 13, 5, 3, 0, ""},
    {"thp-vmsplice-unmap-in-child", "eager-copy", 9, 11, 5, 1, 0, ""},
    {"thp-vmsplice-unmap-in-parent-after-fork", "linux-5.7", 10, 11, 5, 2, 0, "get_no_leak:5"},
    {"thp-vmsplice-unmap-in-parent-after-fork", "linux-5.8", 10, 11, 5, 2, 0, ""},
    {"thp-vmsplice-unmap-in-parent-after-fork", "linux-5.9", 10, 11, 5, 2, 0, "get_no_leak:5"},
    {"thp-vmsplice-unmap-in-parent-after-fork", "linux-5.11", 10, 11, 5, 2, 0, "get_no_leak:5"},
    {"thp-vmsplice-unmap-in-parent-after-fork", "linux-5.18", 9, 11, 5, 1, 0, ""},
    {"thp-vmsplice-unmap-in-parent-after-fork", "linux-5.19", 9, 11, 5, 1, 0, ""},
    {"thp-vmsplice-unmap-in-parent-after-fork", "linux-6.18", 9, 11, 5, 1, 0, ""},
    {"thp-vmsplice-unmap-in-parent-after-fork", "precop", 13, 13, 5, 3, 0, ""},
    {"thp-vmsplice-unmap-in-parent-after-fork", "eager-copy", 9, 11, 5, 1, 0, ""},
    {"vmsplice-before-fork-unmap-in-parent", "linux-5.7", 7, 6, 4, 2, 0, "get_no_leak:4"},
    {"vmsplice-before-fork-unmap-in-parent", "linux-5.8", 7, 6, 4, 2, 0, "get_no_leak:4"},
    {"vmsplice-before-fork-unmap-in-parent", "linux-5.9", 6, 6, 4, 1, 0, ""},
    {"vmsplice-before-fork-unmap-in-parent", "linux-5.11", 6, 6, 4, 1, 0, ""},
    {"vmsplice-before-fork-unmap-in-parent", "linux-5.18", 6, 6, 4, 1, 0, ""},
    {"vmsplice-before-fork-unmap-in-parent", "linux-5.19", 6, 6, 4, 1, 0, ""},
    {"vmsplice-before-fork-unmap-in-parent", "linux-6.18", 6, 6, 4, 1, 0, ""},
    {"vmsplice-before-fork-unmap-in-parent", "precop", 6, 6, 4, 1, 0, ""},
    {"vmsplice-before-fork-unmap-in-parent", "freebsd", 7, 6, 4, 2, 0, "get_no_leak:4"},
    {"vmsplice-before-fork-unmap-in-parent", "netbsd", 7, 6, 4, 2, 0, "get_no_leak:4"},
    {"vmsplice-before-fork-unmap-in-parent", "eager-copy", 6, 6, 4, 1, 0, ""},
    {"vmsplice-unmap-in-child-mprotect", "linux-5.7", 11, 13, 5, 2, 0, "get_no_leak:5"},
    {"vmsplice-unmap-in-child-mprotect", "linux-5.8", 10, 13, 5, 1, 0, ""},
    {"vmsplice-unmap-in-child-mprotect", "linux-5.9", 10, 13, 5, 1, 0, ""},
    {"vmsplice-unmap-in-child-mprotect", "linux-5.11", 10, 13, 5, 1, 0, ""},
    {"vmsplice-unmap-in-child-mprotect", "linux-5.18", 10, 13, 5, 1, 0, ""},
    {"vmsplice-unmap-in-child-mprotect", "linux-5.19", 10, 13, 5, 1, 0, ""},
    {"vmsplice-unmap-in-child-mprotect", "linux-6.18", 10, 13, 5, 1, 0, ""},
    {"vmsplice-unmap-in-child-mprotect", "precop", 10, 13, 5, 1, 0, ""},
    {"vmsplice-unmap-in-child-mprotect", "freebsd", 11, 13, 5, 2, 0, "get_no_leak:5"},
    {"vmsplice-unmap-in-child-mprotect", "netbsd", 10, 13, 5, 1, 0, ""},
    {"vmsplice-unmap-in-child-mprotect", "eager-copy", 10, 13, 5, 1, 0, ""},
    {"vmsplice-unmap-in-child", "linux-5.7", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"vmsplice-unmap-in-child", "linux-5.8", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-child", "linux-5.9", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-child", "linux-5.11", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-child", "linux-5.18", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-child", "linux-5.19", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-child", "linux-6.18", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-child", "precop", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-child", "freebsd", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"vmsplice-unmap-in-child", "netbsd", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-child", "eager-copy", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-parent-after-fork", "linux-5.7", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"vmsplice-unmap-in-parent-after-fork", "linux-5.8", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-parent-after-fork", "linux-5.9", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-parent-after-fork", "linux-5.11", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-parent-after-fork", "linux-5.18", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-parent-after-fork", "linux-5.19", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-parent-after-fork", "linux-6.18", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-parent-after-fork", "precop", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-parent-after-fork", "freebsd", 8, 8, 4, 2, 0, "get_no_leak:4"},
    {"vmsplice-unmap-in-parent-after-fork", "netbsd", 7, 8, 4, 1, 0, ""},
    {"vmsplice-unmap-in-parent-after-fork", "eager-copy", 7, 8, 4, 1, 0, ""},
    {"write-after-swap-in", "linux-5.7", 4, 3, 3, 1, 0, ""},
    {"write-after-swap-in", "linux-5.8", 4, 3, 3, 1, 0, ""},
    {"write-after-swap-in", "linux-5.9", 4, 3, 3, 1, 0, ""},
    {"write-after-swap-in", "linux-5.11", 4, 3, 3, 1, 0, ""},
    {"write-after-swap-in", "linux-5.18", 4, 3, 3, 1, 0, ""},
    {"write-after-swap-in", "linux-5.19", 4, 3, 3, 1, 0, ""},
    {"write-after-swap-in", "linux-6.18", 4, 3, 3, 1, 0, ""},
    {"write-after-swap-in", "precop", 4, 3, 3, 1, 0, ""},
    {"write-after-swap-in", "freebsd", 4, 3, 3, 1, 0, ""},
    {"write-after-swap-in", "netbsd", 4, 3, 3, 1, 0, ""},
    {"write-after-swap-in", "eager-copy", 4, 3, 3, 1, 0, ""},
};

std::string violations(const RunResult& r) {
    std::string out;
    for (const Counterexample& cx : r.counterexamples) {
        if (!out.empty()) out += ' ';
        out += std::string(invariant_table()[static_cast<int>(cx.invariant)].name) + ":" +
               std::to_string(cx.steps());
    }
    return out;
}

}  // namespace

TEST_CASE("every shipped scenario gives its pinned numbers under every policy") {
    CHECK(std::size(kRows) == 591);  // 21 base scenarios × 11 policies, 11 hugetlb and 29 THP ones × 9
    for (const Row& row : kRows) {
        const Spec spec = load_spec(spec_path(row.spec));
        const RunResult r = run_check(spec, test::policy(row.policy));
        INFO(row.spec << " under " << row.policy);
        CHECK(r.stats.states == row.states);
        CHECK(r.stats.transitions == row.transitions);
        CHECK(r.stats.depth == row.depth);
        CHECK(r.complete_states == row.complete);
        CHECK(r.stuck_states == row.stuck);
        CHECK(violations(r) == row.violations);
        CHECK(r.matches());
    }
}

TEST_CASE("the pinned numbers cover every scenario spec under every built-in policy once") {
    std::set<std::pair<std::string, std::string>> seen;
    for (const Row& row : kRows) {
        INFO(row.spec << " under " << row.policy);
        CHECK(test::policy(row.policy).name == row.policy);
        CHECK(seen.emplace(row.spec, row.policy).second);
    }
    std::set<std::string> scenarios;
    for (const std::string& f : spec_files_in(std::string(COWPIN_SOURCE_DIR) + "/specs")) {
        const Spec spec = load_spec(f);
        if (spec.name.rfind("exhaustive", 0) != 0) scenarios.insert(spec.name);
    }
    // MODEL.md §7, the paper's 4 tests, 2 needless-copy, the uffd-wp twin, the mechanism-level
    // FOLL_GET leak, a pinned page's refused calls, cow.c's two mprotect() variants, and cow.c's
    // anonymous tests on hugetlb (11) and on a THP (29: PMD-mapped, PTE-mapped, single PTE)
    CHECK(scenarios.size() == 61);
    std::size_t runs = 0;
    for (const std::string& name : scenarios) {
        const Spec spec = load_spec(spec_path(name));
        for (const CowPolicy* p : all_policies()) {
            INFO(name << " under " << p->name);
            // A policy that does not model the spec's memory has no row: it is refused.
            CHECK(seen.count({name, p->name}) == (spec.refusal(*p).empty() ? 1u : 0u));
            runs += spec.refusal(*p).empty();
        }
    }
    CHECK(seen.size() == runs);
}

TEST_CASE("no scenario tells freebsd from linux-5.7 or netbsd from linux-5.8") {
    // They differ only in swap_out and migrate (test_policies.cpp), and the scenarios neither
    // swap nor migrate: every number and every violation is the same.
    auto row_of = [](const std::string& spec, const std::string& pol) -> const Row& {
        for (const Row& r : kRows)
            if (r.spec == spec && r.policy == pol) return r;
        FAIL("no row for " << spec << " under " << pol);
        return kRows[0];
    };
    for (const Row& r : kRows) {
        const std::string pol = r.policy;
        if (pol != "freebsd" && pol != "netbsd") continue;
        const Row& twin = row_of(r.spec, pol == "freebsd" ? "linux-5.7" : "linux-5.8");
        INFO(r.spec << " under " << pol);
        CHECK(r.states == twin.states);
        CHECK(r.transitions == twin.transitions);
        CHECK(r.depth == twin.depth);
        CHECK(r.complete == twin.complete);
        CHECK(r.stuck == twin.stuck);
        CHECK(std::string(r.violations) == twin.violations);
    }
}

TEST_CASE("every shipped spec parses and has a verdict for every policy it checks") {
    const std::vector<std::string> files = spec_files_in(std::string(COWPIN_SOURCE_DIR) + "/specs");
    CHECK(files.size() == 67);  // 61 scenarios and 6 exhaustive specs
    for (const std::string& f : files) {
        const Spec spec = load_spec(f);
        CHECK(spec.sha256.size() == 64);
        for (const std::string& p : spec.policies) CHECK(spec.expected(p).has_value());
    }
}

TEST_CASE("the CVE-2020-29374 counterexample under linux-5.7 is fork, vmsplice, munmap, write") {
    const Spec spec = load_spec(spec_path("vmsplice-unmap-in-child"));
    const RunResult r = run_check(spec, test::policy("linux-5.7"));
    REQUIRE(r.counterexamples.size() == 1);
    const Counterexample& cx = r.counterexamples[0];
    CHECK(cx.invariant == Inv::get_no_leak);
    REQUIRE(cx.steps() == 4);
    CHECK(format_action(cx.actions[0]) == "P0 fork P1");
    CHECK(format_action(cx.actions[1]) == "P1 vmsplice v0 h0");
    CHECK(format_action(cx.actions[2]) == "P1 munmap v0");
    CHECK(format_action(cx.actions[3]) == "P0 write v0");
    CHECK(cx.message == "Leak through a GUP reference (h0 of P1 v0 reads a value written by P0)");
    CHECK(cx.earlier.empty());
    CHECK(replay_divergence(CowModel(spec.model_config(test::policy("linux-5.7"))), cx.actions,
                            cx.states)
              .empty());
}

TEST_CASE("a violation that follows an earlier one is named a consequence of it") {
    // 5.19: a R/W get survives fork (memory_private), then the child R/O-pins its page, which
    // was never what the child should see: the pin is unreliable only because of the leak.
    const Spec spec = parse_spec(R"({
        "name": "get-fork-dma-then-pin", "bounds": {"processes": 2, "pages": 1, "handles": 2,
        "swap_slots": 0}, "programs": {"P0": ["get rw v0 h0", "fork P1", "dma_write h0",
        "unpin h0"], "P1": ["pin ro v0 h1"]}, "expect": {"default": "holds"}})",
                                 "inline.json");
    const RunResult r = run_check(spec, test::policy("linux-5.19"));
    CHECK(verdict_string(r.violated) == "memory_private, pin_reliable");
    REQUIRE(r.counterexamples.size() == 2);
    const Counterexample& pr = r.counterexamples[1];
    CHECK(pr.invariant == Inv::pin_reliable);
    CHECK(pr.steps() == 4);  // get, fork, DMA (the leak), the child's pin
    REQUIRE(pr.cause().has_value());
    CHECK(pr.cause()->first == Inv::memory_private);
    CHECK(pr.cause()->second == 3);
    CHECK(r.counterexamples[0].cause() == std::nullopt);
}

TEST_CASE("every shipped scenario has complete executions and none that is stuck") {
    // Nothing may hold over zero complete executions; a stuck scenario must say so.
    for (const std::string& f : spec_files_in(std::string(COWPIN_SOURCE_DIR) + "/specs")) {
        const Spec spec = load_spec(f);
        if (!spec.scenario) continue;
        for (const std::string& name : spec.policies) {
            const RunResult r = run_check(spec, test::policy(name));
            INFO(spec.name << " under " << name);
            CHECK(r.complete_states > 0);
            CHECK(r.stuck_states == 0);
            CHECK((r.violated & kStuckVerdict) == 0);
        }
    }
}

TEST_CASE("a refused swap-out is a step that changes nothing: the execution goes on") {
    // 5.19 refuses to swap out a pinned page (MADV_PAGEOUT returns, the page stays); 5.7 swaps it
    // out and the swapcache keeps the pinned page, which the write reuses.
    const std::string text = R"({"name": "pinned-swap-out", "bounds": {"processes": 1,
        "pages": 1, "handles": 1, "swap_slots": 1}, "programs": {"P0": ["iouring_fixed v0 h0",
        "swap_out v0", "write v0"]}, "expect": {"default": "holds"}})";
    const Spec spec = parse_spec(text, "inline.json");
    const RunResult relcop = run_check(spec, test::policy("linux-5.19"));
    CHECK(relcop.stats.states == 4);
    CHECK(relcop.stuck_states == 0);
    CHECK(relcop.complete_states == 1);
    CHECK(relcop.violated == 0);
    const RunResult old = run_check(spec, test::policy("linux-5.7"));
    CHECK(old.stats.states == 4);
    CHECK(old.complete_states == 1);
    CHECK(verdict_string(old.violated) == "holds");
}

TEST_CASE("environment actions interleave with the programs on any frame") {
    const Spec base = load_spec(spec_path("fork-with-rw-longterm-pin"));
    Spec spec = base;
    spec.environment = op_bit(Op::swap_out) | op_bit(Op::reclaim);
    const RunResult quiet = run_check(base, test::policy("linux-5.9"));
    const RunResult busy = run_check(spec, test::policy("linux-5.9"));
    CHECK(quiet.stats.states == 4);
    CHECK(busy.stats.states > quiet.stats.states);
    // 5.9 shares a pinned page through the swap entry at fork (kernel-cow.md §5.2, #10).
    CHECK(verdict_string(busy.violated) == "pinned_exclusive, pin_reliable");
}

TEST_CASE("--bound overrides the spec's bounds and then ignores its pinned state counts") {
    const Spec spec = load_spec(spec_path("basic-cow-after-fork"));
    RunOptions opts;
    opts.bounds = Bounds{3, 2, 1, 1, 0};
    const RunResult r = run_check(spec, test::policy("linux-5.19"), opts);
    CHECK(r.bounds.pages == 2);
    CHECK_FALSE(r.expected_states.has_value());
    opts.bounds = Bounds{1, 1, 1, 1, 0};
    CHECK_THROWS_AS(run_check(spec, test::policy("linux-5.19"), opts), SpecError);
}

TEST_CASE("a run stopped by the memory cap is incomplete, never a false holds") {
    const Spec spec = load_spec(spec_path("exhaustive-pins"));
    RunOptions opts;
    opts.limits.max_bytes = 1;  // stops at the first check
    const RunResult relcop = run_check(spec, test::policy("linux-5.19"), opts);
    CHECK_FALSE(relcop.stats.complete);
    CHECK(relcop.stats.memory_limited);
    CHECK(relcop.violated == 0);
    CHECK(relcop.verdict_matches());  // nothing refutes "holds" ...
    CHECK(relcop.states_match());     // ... nor the state count ...
    CHECK_FALSE(relcop.matches());    // ... but nothing confirms them either
    CHECK(verdict_line(relcop).find("no violation in the states explored") != std::string::npos);
    CHECK(verdict_line(relcop).find("INCOMPLETE (memory limit reached") != std::string::npos);
    // A violation the spec does not expect refutes it even in an incomplete run.
    Spec strict = spec;
    strict.expect["linux-5.7"] = 0;
    opts.limits.max_bytes = 0;
    opts.limits.max_states = 1000;
    const RunResult old = run_check(strict, test::policy("linux-5.7"), opts);
    CHECK_FALSE(old.stats.complete);
    CHECK_FALSE(old.stats.memory_limited);
    CHECK(old.violated != 0);
    CHECK_FALSE(old.verdict_matches());
}
