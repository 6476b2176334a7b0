// MADV_DONTFORK and MADV_DOFORK (MODEL.md §9): VM_DONTCOPY on one page's VMA. dup_mmap() skips a
// VM_DONTCOPY VMA, so the child has no such page and the parent's PTE is left as it is; the
// VMA split splits a PMD across the boundary (vma_adjust_trans_huge()). cow.c's "partially
// shared THP" variant is built from them (run_with_partial_shared_thp()).
#include <doctest/doctest.h>

#include <string>

#include "checker/formats/spec.hpp"
#include "model/folio.hpp"
#include "tests/model_helpers.hpp"
#include "tests/spec_helpers.hpp"

using namespace cowpin;
using test::Sim;
using test::u8;

namespace {

bool dontfork(Sim& t, int p, int v) { return t.act({Op::dontfork, u8(p), u8(v)}); }
bool dofork(Sim& t, int p, int v) { return t.act({Op::dofork, u8(p), u8(v)}); }

std::string programs_error(const std::string& programs) {
    return test::spec_error(R"({"name": "bad", "bounds": {"processes": 3, "pages": 2, "handles": 1,
                                "swap_slots": 0}, "programs": )" + programs +
                            R"(, "expect": {"default": "holds"}})");
}

}  // namespace

TEST_CASE("fork leaves the child without a MADV_DONTFORK page and the parent's PTE writable") {
    Sim t("linux-6.18", {2, 2, 1, 0, 0});
    REQUIRE(dontfork(t, 0, 1));
    CHECK(t.s.procs[0].dontcopy == 0b10);
    REQUIRE(t.fork(0, 1));
    CHECK(t.pte(1, 1).kind == PteKind::none);
    CHECK(t.s.procs[1].ideal[1] == kNone);  // no VMA there: an access would be SIGSEGV
    CHECK(t.s.procs[1].dontcopy == 0);      // the child has no such VMA to carry the flag
    CHECK(t.pte(0, 1).writable == 1);       // not write-protected: not copied at all
    CHECK(t.fr(t.frame(0, 1)).anon_exclusive == 1);
    CHECK(t.pte(0, 0).writable == 0);       // the other page is COW-shared as usual
    CHECK(t.frame(1, 0) == t.frame(0, 0));
    CHECK(t.holds(Inv::refcounts_consistent));
    CHECK_FALSE(t.write(1, 1));             // nothing to write to in the child
    REQUIRE(t.write(0, 1));                 // the parent's page is still its own
    CHECK(t.effects.copies == 0);
}

TEST_CASE("MADV_DONTFORK of a page already VM_DONTCOPY, or MADV_DOFORK of one without it, "
          "changes nothing") {
    Sim t("linux-6.18", {2, 2, 1, 0, 0});
    CHECK_FALSE(dofork(t, 0, 0));
    REQUIRE(dontfork(t, 0, 0));
    CHECK_FALSE(dontfork(t, 0, 0));
    REQUIRE(dofork(t, 0, 0));
    CHECK(t.s.procs[0].dontcopy == 0);
    REQUIRE(t.munmap(0, 1));
    CHECK_FALSE(dontfork(t, 0, 1));  // no VMA: -ENOMEM
}

TEST_CASE("MADV_DONTFORK of one page of a PMD-mapped THP splits the PMD, and the folio stays large") {
    Sim t("linux-6.18", {3, 2, 1, 0, 0}, Memory::thp);
    REQUIRE(dontfork(t, 0, 1));
    CHECK(t.pte(0, 0).kind == PteKind::present);
    CHECK(t.pte(0, 1).kind == PteKind::present);
    CHECK(t.fr(t.frame(0, 0)).folio == t.fr(t.frame(0, 1)).folio);
    // run_with_partial_shared_thp(): a child shares v0 and exits, then MADV_DOFORK.
    REQUIRE(t.fork(0, 1));
    CHECK(folio_large_mapcount(t.s, t.frame(0, 0)) == 3);
    REQUIRE(t.exit(1));
    REQUIRE(dofork(t, 0, 1));
    CHECK(t.pte(0, 0).writable == 0);                   // v0: R/O, no longer exclusive
    CHECK(t.fr(t.frame(0, 0)).anon_exclusive == 0);
    CHECK(t.pte(0, 1).writable == 1);                   // v1: writable and exclusive
    CHECK(t.fr(t.frame(0, 1)).anon_exclusive == 1);
    CHECK(folio_large_mapcount(t.s, t.frame(0, 0)) == 2);
    CHECK(t.holds(Inv::refcounts_consistent));
    // 6.18 reuses the partially shared folio for v0 (mapped by this MM only, mapcount ==
    // refcount: __wp_can_reuse_large_anon_folio()); 5.19 never reuses a large folio's page
    // that is not exclusive.
    Sim old("linux-5.19", {3, 2, 1, 0, 0}, Memory::thp);
    old.s = t.s;
    REQUIRE(t.write(0, 0));
    CHECK(t.effects.copies == 0);
    REQUIRE(old.write(0, 0));
    CHECK(old.effects.copies == 1);
}

TEST_CASE("a child's step on a page its parent marked MADV_DONTFORK before the fork is refused") {
    CHECK(programs_error(R"({"P0": ["dontfork v1", "fork P1"], "P1": ["write v1"]})") ==
          "specs/bad.json: field 'programs.P1[0]': 'write v1': v1 is no longer mapped here (P0 "
          "marked it MADV_DONTFORK before forking P1); an access would fault with SIGSEGV, a GUP "
          "with EFAULT");
    CHECK(programs_error(R"({"P0": ["dontfork v1", "dofork v1", "fork P1"], "P1": ["write v1"]})") ==
          "(accepted)");
}

TEST_CASE("a parent that waits for one child to exit before forking the next has two processes "
          "alive at once, not three") {
    std::array<std::vector<Step>, kMaxProcs> programs;
    std::string err;
    for (const char* st : {"fork P1", "wait P1 exited", "fork P2"})
        programs[0].push_back(*parse_step(st, err));
    programs[1].push_back(*parse_step("exit", err));
    CHECK(live_process_bound(programs, 3) == 2);
    programs[0].erase(programs[0].begin() + 1);  // no wait: P1 may outlive the fork of P2
    CHECK(live_process_bound(programs, 3) == 3);
    CHECK(live_process_bound({}, 3) == 3);       // the exhaustive form
}
