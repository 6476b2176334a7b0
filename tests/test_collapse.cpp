// A large folio split into order-0 folios (split_folio(), MODEL.md §9) and PTE-mapped pages
// collapsed into a new THP (MADV_COLLAPSE, khugepaged: model/khugepaged.cpp), per era.
#include <doctest/doctest.h>

#include "model/folio.hpp"
#include "tests/model_helpers.hpp"

using namespace cowpin;
using test::Sim;
using test::u8;

namespace {

Sim thp(const char* policy) { return Sim(policy, {2, 2, 1, 0, 0}, Memory::thp); }
bool split_folio(Sim& t, int frame) { return t.act({Op::split_folio, kNone, u8(frame)}); }
bool collapse(Sim& t, int p) { return t.act({Op::collapse, u8(p), 0}); }

}  // namespace

TEST_CASE("split_folio splits the PMD, keeps each page's PageAnonExclusive and refuses a pinned "
          "folio") {
    Sim t = thp("linux-6.18");
    REQUIRE(t.pin(0, 1, true, 0));
    CHECK_FALSE(split_folio(t, t.frame(0, 0)));  // can_split_folio(): the pin is no mapping
    REQUIRE(t.unpin(0));
    REQUIRE(split_folio(t, t.frame(0, 0)));
    CHECK(t.pte(0, 0).kind == PteKind::present);
    CHECK(t.pte(0, 1).writable == 1);
    for (int v = 0; v < 2; ++v) {
        const Frame& fr = t.fr(t.frame(0, v));
        CHECK(fr.folio == kNone);
        CHECK(fr.refcount == 1);
        CHECK(fr.mapcount == 1);
        CHECK(fr.anon_exclusive == 1);
    }
    CHECK(t.holds(Inv::refcounts_consistent));
    CHECK_FALSE(split_folio(t, t.frame(0, 0)));  // order-0 already
}

TEST_CASE("a collapse copies the PTE-mapped pages into a new exclusive THP mapped writable by a "
          "PMD, and a child keeps the old pages") {
    Sim t = thp("linux-6.18");
    REQUIRE(t.act({Op::split_pmd, 0, 0}));
    REQUIRE(t.fork(0, 1));  // fully shared: every parent PTE R/O
    const int old0 = t.frame(0, 0);
    REQUIRE(collapse(t, 0));  // 6.18 needs no writable PTE
    CHECK(t.pte(0, 0).kind == PteKind::pmd);
    CHECK(t.pte(0, 1).writable == 1);
    CHECK(t.frame(0, 0) != old0);
    CHECK(t.frame(1, 0) == old0);
    CHECK(t.fr(t.frame(0, 0)).anon_exclusive == 1);
    CHECK(t.fr(old0).mapcount == 1);
    CHECK(folio_ref_count(t.s, t.frame(0, 0)) == 1);
    CHECK(t.holds(Inv::refcounts_consistent));
    CHECK(t.holds(Inv::memory_private));
    REQUIRE(t.write(0, 1));
    CHECK(t.effects.copies == 0);  // a writable PMD: no fault
    CHECK(t.holds(Inv::memory_private));
    CHECK_FALSE(collapse(t, 0));  // a PMD maps it already
}

TEST_CASE("before 6.18 a fully shared range does not collapse (no writable PTE: SCAN_PAGE_RO), "
          "5.7 collapses no page of a large folio, and a pinned page stops every era") {
    Sim shared = thp("linux-5.19");
    REQUIRE(shared.act({Op::split_pmd, 0, 0}));
    REQUIRE(shared.fork(0, 1));
    CHECK_FALSE(collapse(shared, 0));

    Sim compound = thp("linux-5.7");
    REQUIRE(compound.act({Op::split_pmd, 0, 0}));
    CHECK_FALSE(collapse(compound, 0));  // PageCompound: SCAN_PAGE_COMPOUND
    REQUIRE(split_folio(compound, compound.frame(0, 0)));
    CHECK(collapse(compound, 0));        // order-0, exclusive, writable pages do

    Sim pinned = thp("linux-6.18");
    REQUIRE(pinned.act({Op::split_pmd, 0, 0}));
    REQUIRE(pinned.pin(0, 0, true, 0));
    CHECK_FALSE(collapse(pinned, 0));    // is_refcount_suitable()
}
