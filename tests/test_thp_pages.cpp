// Large folios of four pages (a 16 kB anonymous mTHP, order 2, the smallest anon mTHP the
// kernel allows: hugepages-16kB): the model's THP of memory "thp" with pages 4. A 16 kB mTHP is
// never PMD-mapped in the kernel; the model starts it PMD-mapped (initial_thp_state()) and a
// split_pmd leaves it PTE-mapped, as cow.c finds it. Fork of a PTE-mapped large folio is
// folio_try_dup_anon_rmap_ptes() (batched in 6.x), and a write to one of its pages is
// wp_can_reuse_anon_folio() (6.18: __wp_can_reuse_large_anon_folio() with MM_ID).
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "checker/formats/spec.hpp"
#include "model/folio.hpp"
#include "tests/model_helpers.hpp"
#include "tests/spec_helpers.hpp"

using namespace cowpin;
using test::Sim;
using test::spec_error;
using test::u8;

namespace {

Sim mthp(const char* policy, int slots = 0) {
    return Sim(policy, {2, 4, 1, slots, 0}, Memory::thp);
}

std::string thp_spec(const std::string& bounds) {
    return R"({"name": "bad", "memory": "thp", "bounds": )" + bounds +
           R"(, "programs": {"P0": ["fork P1", "write v0"]}, "expect": {"default": "holds"}})";
}

}  // namespace

TEST_CASE("a 16 kB mTHP is one folio of four pages: mapped by one PMD, one reference, and "
          "split_pmd makes four PTEs holding a reference each") {
    Sim t = mthp("linux-6.18");
    const int head = t.frame(0, 0);
    for (int v = 0; v < 4; ++v) {
        CHECK(t.pte(0, v).kind == PteKind::pmd);
        CHECK(t.fr(t.frame(0, v)).folio == head);
    }
    CHECK(folio_ref_count(t.s, u8(head)) == 1);
    CHECK(folio_entire_mapcount(t.s, u8(head)) == 1);
    CHECK(t.holds(Inv::refcounts_consistent));
    REQUIRE(t.act({Op::split_pmd, 0, 0}));
    for (int v = 0; v < 4; ++v) {
        CHECK(t.pte(0, v).kind == PteKind::present);
        CHECK(t.pte(0, v).writable == 1);
        CHECK(t.fr(t.frame(0, v)).mapcount == 1);
        CHECK(t.fr(t.frame(0, v)).anon_exclusive == 1);  // the head's flag, on every PTE
    }
    CHECK(folio_ref_count(t.s, u8(head)) == 4);
    CHECK(folio_large_mapcount(t.s, u8(head)) == 4);
    CHECK(folio_entire_mapcount(t.s, u8(head)) == 0);
    CHECK(t.holds(Inv::refcounts_consistent));
}

TEST_CASE("fork of a PTE-mapped mTHP shares all four pages and clears PageAnonExclusive on each "
          "(folio_try_dup_anon_rmap_ptes()), 6.18 reuses the folio once the child is gone") {
    Sim t = mthp("linux-6.18");
    REQUIRE(t.act({Op::split_pmd, 0, 0}));
    REQUIRE(t.fork(0, 1));
    const int head = t.frame(0, 0);
    for (int v = 0; v < 4; ++v) {
        CHECK(t.frame(1, v) == t.frame(0, v));
        CHECK(t.pte(0, v).writable == 0);
        CHECK(t.fr(t.frame(0, v)).mapcount == 2);
        CHECK(t.fr(t.frame(0, v)).anon_exclusive == 0);
    }
    CHECK(folio_large_mapcount(t.s, u8(head)) == 8);
    CHECK(folio_ref_count(t.s, u8(head)) == 8);
    CHECK(folio_mapped_by_other(t.s, u8(head), 0));
    CHECK(t.holds(Inv::refcounts_consistent));
    // While the child maps it, a write copies one page (an order-0 copy).
    REQUIRE(t.write(0, 1));
    CHECK(t.fr(t.frame(0, 1)).folio == kNone);
    CHECK(t.effects.copies == 1);
    // Once it exited, __wp_can_reuse_large_anon_folio(): only this MM maps the folio, its large
    // mapcount (3) equals its refcount (3): the page is reused in place, no copy.
    REQUIRE(t.exit(1));
    t.effects = StepEffects{};
    REQUIRE(t.write(0, 2));
    CHECK(t.frame(0, 2) != kNone);
    CHECK(t.fr(t.frame(0, 2)).folio == head);
    CHECK(t.effects.copies == 0);
    CHECK(t.fr(t.frame(0, 2)).anon_exclusive == 1);
    CHECK(t.holds(Inv::refcounts_consistent));
}

TEST_CASE("after the child exits, a write to a page of the parent's mTHP is reused or copied by "
          "the era's rule on the folio's counts") {
    struct Row {
        const char* policy;
        int copies;
    };
    // ≤6.8 (as_base): page_count() is the folio's (3 PTEs + nothing else = 3 ≠ 1): copy; 5.7
    // and 5.8's reuse_swap_page() reads the largest page mapcount (1): reuse. 6.9–6.14 never
    // reuse a large folio (not modelled as a policy); 6.18 reuses (MM_ID, mapcount == refcount);
    // PreCOP decides on the page alone, mapped once: reuse.
    for (const Row& r : {Row{"linux-5.7", 0}, Row{"linux-5.8", 0}, Row{"linux-5.9", 1},
                         Row{"linux-5.19", 1}, Row{"linux-6.18", 0}, Row{"precop", 0}}) {
        CAPTURE(r.policy);
        Sim t = mthp(r.policy);
        REQUIRE(t.act({Op::split_pmd, 0, 0}));
        REQUIRE(t.fork(0, 1));
        REQUIRE(t.exit(1));
        t.effects = StepEffects{};
        REQUIRE(t.write(0, 3));
        CHECK(t.effects.copies == r.copies);
        CHECK(t.holds(Inv::refcounts_consistent));
    }
}

TEST_CASE("a GUP pin on one page of a PTE-mapped mTHP makes 6.18 copy on a write to another "
          "page after fork (large mapcount ≠ refcount), and keeps the pinned page in the parent") {
    Sim t = mthp("linux-6.18");
    REQUIRE(t.act({Op::split_pmd, 0, 0}));
    REQUIRE(t.pin(0, 0, true, 0));
    const int pinned = t.frame(0, 0);
    REQUIRE(t.fork(0, 1));
    CHECK(t.frame(0, 0) == pinned);                 // the parent keeps its pinned page
    CHECK(t.frame(1, 0) != pinned);                 // the child gets a copy of it
    CHECK(t.fr(pinned).anon_exclusive == 1);
    CHECK(t.holds(Inv::refcounts_consistent));
    CHECK(t.holds(Inv::pin_reliable));
}

TEST_CASE("reclaim of a 4-page mTHP splits it and swaps its pages one by one while swap slots "
          "last: with three slots the fourth page stays mapped, an order-0 page") {
    Sim t = mthp("linux-6.18", 3);
    REQUIRE(t.act({Op::split_pmd, 0, 0}));
    REQUIRE(t.swap_out(t.frame(0, 0)));
    for (int v = 0; v < 3; ++v) {
        CHECK(t.pte(0, v).kind == PteKind::swap);
        CHECK(t.pte(0, v).swp_exclusive == 1);
    }
    CHECK(t.pte(0, 3).kind == PteKind::present);
    CHECK(t.fr(t.frame(0, 3)).folio == kNone);
    CHECK(t.holds(Inv::refcounts_consistent));
    REQUIRE(t.write(0, 1));  // do_swap_page(): an exclusive order-0 page, mapped writable
    CHECK(t.pte(0, 1).kind == PteKind::present);
    CHECK(t.pte(0, 1).writable == 1);
    CHECK(t.holds(Inv::refcounts_consistent));
}

TEST_CASE("two states that differ only in how the pages of a 4-page folio are numbered have one "
          "canonical form") {
    Sim t = mthp("linux-6.18");
    REQUIRE(t.act({Op::split_pmd, 0, 0}));
    REQUIRE(t.munmap(0, 2));  // v2's page stays in the folio, mapped by nobody
    State a = t.s;
    // b: the same state with frames 1 and 3 swapped (v1's page and v3's page)...
    State b = a;
    std::swap(b.frames[1], b.frames[3]);
    for (int v = 0; v < 4; ++v) {
        Pte& pte = b.procs[0].pte[v];
        if (pte.kind == PteKind::present && (pte.target == 1 || pte.target == 3))
            pte.target = static_cast<std::uint8_t>(4 - pte.target);
    }
    CHECK_FALSE(a == b);
    canonicalize(a);
    canonicalize(b);
    CHECK(a == b);
    // ... and c: two unmapped pages of the folio numbered either way (their first reference,
    // flags, counts and values' cells are what tell them apart).
    Sim u = mthp("linux-6.18");
    REQUIRE(u.act({Op::split_pmd, 0, 0}));
    REQUIRE(u.munmap(0, 1));
    REQUIRE(u.munmap(0, 2));
    State c = u.s, d = u.s;
    std::swap(d.frames[1], d.frames[2]);
    canonicalize(c);
    canonicalize(d);
    CHECK(c == d);
    // Which page maps which address is not a numbering: with v1 and v3 mapping each other's
    // page (each process reading the value written at the other address), the forms differ.
    State g = t.s, h = t.s;
    std::swap(h.procs[0].pte[1].target, h.procs[0].pte[3].target);
    canonicalize(g);
    canonicalize(h);
    CHECK_FALSE(g == h);
}

TEST_CASE("bounds past the build's mTHP capacity are refused with one line naming the field") {
    CHECK(spec_error(thp_spec(R"({"processes": 2, "pages": 5, "handles": 1, "swap_slots": 0})")) ==
          "specs/bad.json: field 'bounds.pages': expected an integer 1..4, got 5");
    CHECK(spec_error(thp_spec(R"({"processes": 4, "pages": 4, "handles": 1, "swap_slots": 0})")) ==
          "specs/bad.json: field 'bounds.pages': expected processes × pages at most 12 (ideal "
          "cells this build holds), got 4 × 4 = 16");
    CHECK(spec_error(thp_spec(R"({"processes": 2, "pages": 3, "handles": 1, "swap_slots": 0})")) ==
          "specs/bad.json: field 'bounds.pages': a THP spans the VMA: expected 2 or 4 pages with "
          "memory \"thp\" (an order-1 or order-2 folio), got 3");
    // (2 + 3) folios of 4 pages + 15 order-0 frames, + 4 for a step's new folio: 39.
    CHECK(spec_error(thp_spec(R"({"processes": 2, "pages": 4, "handles": 3, "swap_slots": 4})")) ==
          "specs/bad.json: field 'bounds': with memory \"thp\", the frames its folios can keep "
          "alive (frame_bound() + pages) must be at most 32, got 39");
    CHECK(spec_error(thp_spec(R"({"processes": 2, "pages": 4, "handles": 1, "swap_slots": 3})")) ==
          "(accepted)");
    // A swapped-out 16 kB mTHP: a slot per page (29 frames).
    CHECK(spec_error(thp_spec(R"({"processes": 2, "pages": 4, "handles": 1, "swap_slots": 4})")) ==
          "(accepted)");
}
