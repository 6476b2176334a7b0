// Swap-out of a large folio (MODEL.md §9, model/reclaim.cpp, docs/evidence/thp-swap.md): reclaim
// takes a THP whole or not at all; its pages come back as order-0 pages through do_swap_page(),
// each with the exclusivity its swap entry recorded; MADV_COLLAPSE swaps them in first.
#include <doctest/doctest.h>

#include "model/folio.hpp"
#include "tests/model_helpers.hpp"
#include "tests/steps_helpers.hpp"

using namespace cowpin;
using test::Sim;
using test::Steps;
using test::u8;

namespace {

Sim thp(const char* policy) { return Sim(policy, {2, 2, 1, 2, 0}, Memory::thp); }
bool collapse(Sim& t, int p) { return t.act({Op::collapse, u8(p), 0}); }

}  // namespace

TEST_CASE("reclaim of a PMD-mapped THP splits the PMD and leaves one swap entry per page, "
          "exclusive where the era records it (5.19+), and frees the folio") {
    for (const char* policy : {"linux-5.18", "linux-5.19", "linux-6.18"}) {
        Sim t = thp(policy);
        const int head = t.frame(0, 0);
        CHECK_FALSE(t.swap_out(t.frame(0, 1)));  // the head page stands for its folio
        REQUIRE(t.swap_out(head));
        for (int v = 0; v < 2; ++v) {
            CHECK(t.pte(0, v).kind == PteKind::swap);
            CHECK(t.pte(0, v).swp_exclusive == (std::string(policy) != "linux-5.18"));
        }
        for (const Frame& fr : t.s.frames) CHECK_FALSE(fr.in_use);
        CHECK(t.s.slots[0].count == 1);
        CHECK(t.s.slots[1].count == 1);
        CHECK(t.holds(Inv::refcounts_consistent));
        // do_swap_page() reads each page back as an order-0 folio, exclusive from 5.19.
        REQUIRE(t.write(0, 1));
        CHECK(t.pte(0, 1).kind == PteKind::present);
        CHECK(t.fr(t.frame(0, 1)).folio == kNone);
        CHECK(t.pte(0, 0).kind == PteKind::swap);
        CHECK(t.holds(Inv::memory_private));
    }
}

TEST_CASE("reclaim keeps a THP that a GUP reference holds, in every era (can_split_folio())") {
    for (const char* policy : {"linux-5.7", "linux-5.9", "linux-6.18"}) {
        Sim t = thp(policy);
        REQUIRE(t.get(0, 1, false, 0));
        CHECK_FALSE(t.swap_out(t.frame(0, 0)));
        REQUIRE(t.unpin(0));
        CHECK(t.swap_out(t.frame(0, 0)));
    }
}

TEST_CASE("a THP shared with a child is reclaimed from both, as non-exclusive swap entries "
          "that one swap slot per page holds") {
    Sim t = thp("linux-6.18");
    REQUIRE(t.fork(0, 1));
    REQUIRE(t.swap_out(t.frame(0, 0)));
    for (int p = 0; p < 2; ++p)
        for (int v = 0; v < 2; ++v) {
            CHECK(t.pte(p, v).kind == PteKind::swap);
            CHECK(t.pte(p, v).swp_exclusive == 0);
        }
    CHECK(t.s.slots[0].count == 2);
    CHECK(t.holds(Inv::refcounts_consistent));
}

TEST_CASE("MADV_PAGEOUT of a THP: the whole folio, unless the child maps it too or a pipe "
          "holds a page of it") {
    Steps whole("linux-6.18", {"swap_out v1"}, 2, "thp");
    whole.run(1);
    CHECK(whole.s.procs[0].pte[0].kind == PteKind::swap);
    CHECK(whole.s.procs[0].pte[1].kind == PteKind::swap);

    Steps shared("linux-6.18", {"fork P1", "swap_out v0"}, 2, "thp");
    shared.run(1);
    CHECK(shared.next() == "noop: MADV_PAGEOUT skips a page another process maps "
                           "(folio_mapcount() != 1)");

    Steps piped("linux-5.9", {"vmsplice v1 h0", "swap_out v0"}, 2, "thp");
    piped.run(1);
    CHECK(piped.next() == "noop: MADV_PAGEOUT: reclaim keeps a large folio with a GUP "
                          "reference (it cannot be split: can_split_folio())");
}

TEST_CASE("MADV_COLLAPSE swaps a swapped-out range back in and collapses it (6.1+), "
          "khugepaged's max_ptes_swap refuses it before") {
    Sim now = thp("linux-6.18");
    REQUIRE(now.swap_out(now.frame(0, 0)));
    REQUIRE(collapse(now, 0));
    CHECK(now.pte(0, 0).kind == PteKind::pmd);
    CHECK(now.pte(0, 1).writable == 1);
    CHECK(now.fr(now.frame(0, 0)).anon_exclusive == 1);
    CHECK(now.holds(Inv::refcounts_consistent));
    CHECK(now.holds(Inv::memory_private));

    Sim old = thp("linux-5.19");
    REQUIRE(old.swap_out(old.frame(0, 0)));
    CHECK_FALSE(collapse(old, 0));
}
