// Transparent huge pages (MODEL.md §9, docs/evidence/large-folios.md): P0's VMA is one large
// folio mapped by a PMD. A PMD write fault is do_huge_pmd_wp_page() (reuse, 5.7's THP copy, or
// split and fall back to do_wp_page()); a write to a PTE of a large folio follows the era's
// large-folio reuse rule; fork is copy_huge_pmd(); pins reference the whole folio.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "checker/formats/policy_json.hpp"
#include "checker/formats/spec.hpp"
#include "checker/run/run.hpp"
#include "model/folio.hpp"
#include "tests/model_helpers.hpp"
#include "tests/spec_helpers.hpp"

using namespace cowpin;
using test::Sim;
using test::spec_error;

namespace {

Sim thp(const std::string& policy) { return Sim(policy, {2, 2, 1, 0, 0}, Memory::thp); }
std::string src(const std::string& rel) { return std::string(COWPIN_SOURCE_DIR) + "/" + rel; }

std::string thp_spec(const std::string& bounds, const std::string& programs) {
    return R"({"name": "bad", "memory": "thp", "bounds": )" + bounds + R"(, "programs": )" +
           programs + R"(, "expect": {"default": "holds"}})";
}

constexpr const char* kBounds = R"({"processes": 2, "pages": 2, "handles": 1, "swap_slots": 0})";

}  // namespace

TEST_CASE("a THP starts as one PMD-mapped folio: one reference, every page mapped once") {
    Sim t = thp("linux-6.18");
    CHECK(t.pte(0, 0).kind == PteKind::pmd);
    CHECK(t.pte(0, 1).kind == PteKind::pmd);
    CHECK(t.frame(0, 0) != t.frame(0, 1));
    CHECK(folio_ref_count(t.s, t.frame(0, 0)) == 1);
    CHECK(folio_entire_mapcount(t.s, t.frame(0, 1)) == 1);
    CHECK(folio_large_mapcount(t.s, t.frame(0, 1)) == 1);
    CHECK(t.holds(Inv::refcounts_consistent));
    // __split_huge_pmd(): one PTE per page, the PMD's reference becomes one per PTE.
    REQUIRE(t.act({Op::split_pmd, 0, 0}));
    CHECK(t.pte(0, 0).kind == PteKind::present);
    CHECK(t.pte(0, 1).writable == 1);
    CHECK(folio_ref_count(t.s, t.frame(0, 0)) == 2);
    CHECK(folio_large_mapcount(t.s, t.frame(0, 0)) == 2);
    CHECK(t.holds(Inv::refcounts_consistent));
    CHECK_FALSE(t.act({Op::split_pmd, 0, 0}));  // no PMD left to split
}

TEST_CASE("a write to a shared PMD copies the whole THP in 5.7 and splits and copies one page "
          "from 5.8 (3917c80280c9)") {
    Sim old = thp("linux-5.7");
    REQUIRE(old.fork(0, 1));
    REQUIRE(old.write(0, 0));
    CHECK(old.pte(0, 0).kind == PteKind::pmd);  // a new THP, mapped by a writable PMD
    CHECK(old.pte(0, 0).writable == 1);
    CHECK(old.s.frames[old.frame(0, 0)].folio != old.s.frames[old.frame(1, 0)].folio);
    CHECK(old.effects.copies == 2);
    CHECK(old.holds(Inv::refcounts_consistent));

    Sim split = thp("linux-5.8");
    REQUIRE(split.fork(0, 1));
    REQUIRE(split.write(0, 0));
    CHECK(split.pte(0, 0).kind == PteKind::present);
    CHECK(split.s.frames[split.frame(0, 0)].folio == kNone);  // an order-0 copy
    CHECK(split.frame(0, 1) == split.frame(1, 1));           // page 1 still shared
    CHECK(split.pte(1, 0).kind == PteKind::pmd);             // the child's PMD is untouched
    CHECK(split.effects.copies == 1);
    CHECK(split.holds(Inv::refcounts_consistent));
}

TEST_CASE("fork() splits the parent's PMD of a maybe-pinned THP and copies its exclusive pages "
          "for the child (copy_huge_pmd(), 5.9+)") {
    Sim t = thp("linux-5.19");
    REQUIRE(t.pin(0, 0, true, 0));
    REQUIRE(t.fork(0, 1));
    CHECK(t.pte(0, 0).kind == PteKind::present);  // split in the parent
    CHECK(t.frame(1, 0) != t.frame(0, 0));         // copied for the child
    CHECK(t.frame(1, 1) != t.frame(0, 1));         // every page of an exclusive pinned folio
    CHECK(t.s.frames[t.frame(0, 0)].anon_exclusive == 1);
    CHECK(t.holds(Inv::pinned_exclusive));
    CHECK(t.holds(Inv::refcounts_consistent));
    Sim old = thp("linux-5.8");  // no pin check in copy_huge_pmd()
    REQUIRE(old.pin(0, 0, true, 0));
    REQUIRE(old.fork(0, 1));
    CHECK(old.pte(1, 0).kind == PteKind::pmd);
    CHECK_FALSE(old.holds(Inv::pinned_exclusive));
}

TEST_CASE("a PTE of a large folio the child no longer maps is reused under 6.18 (MM_ID) and "
          "copied under 5.19 (page_count() is 2)") {
    for (const char* policy : {"linux-5.19", "linux-6.18"}) {
        CAPTURE(policy);
        Sim t = thp(policy);
        REQUIRE(t.act({Op::split_pmd, 0, 0}));
        REQUIRE(t.fork(0, 1));
        REQUIRE(t.exit(1));
        const int before = t.frame(0, 0);
        REQUIRE(t.write(0, 0));
        CHECK((t.frame(0, 0) == before) == (std::string(policy) == "linux-6.18"));
        CHECK(t.holds(Inv::refcounts_consistent));
    }
}

TEST_CASE("CVE-2020-29374 on a PMD-mapped THP leaks under 5.7 and 5.9-5.17, not from 5.18") {
    const Spec spec = load_spec(src("specs/thp-vmsplice-unmap-in-child.json"));
    for (const char* policy : {"linux-5.7", "linux-5.9", "linux-5.11"})
        CHECK(run_check(spec, *find_policy(policy)).violated ==
              1u << static_cast<int>(Inv::get_no_leak));
    for (const char* policy : {"linux-5.8", "linux-5.18", "linux-5.19", "linux-6.18"})
        CHECK(run_check(spec, *find_policy(policy)).violated == 0);
}

TEST_CASE("linux-6.18 reusing a PTE-mapped large folio by mapcount alone yields the vmsplice leak") {
    nlohmann::ordered_json j = policy_to_json(*find_policy("linux-6.18"));
    j["name"] = "large-folio-by-mapcount";
    j["large_folio_write_fault"] = "mapcount";
    const CowPolicy idea = parse_policy(j.dump(), "large-folio-by-mapcount.json");
    CHECK_FALSE(idea.same_decisions(*find_policy("linux-6.18")));
    const Spec spec = load_spec(src("specs/thp-pte-mapped-vmsplice-unmap-in-child.json"), {idea.name});
    const RunResult r = run_check(spec, idea);
    CHECK(verdict_string(r.violated) == "get_no_leak");
    REQUIRE(r.counterexamples.size() == 1);
    CHECK(r.counterexamples[0].steps() == 6);
    CHECK(r.counterexamples[0].message ==
          "Leak through a GUP reference (h0 of P1 v0 reads a value written by P0)");
    CHECK(run_check(spec, *find_policy("linux-6.18")).violated == 0);
}

TEST_CASE("bad THP input is one line naming the file and the field") {
    CHECK(spec_error(thp_spec(R"({"processes": 2, "pages": 1, "handles": 1, "swap_slots": 0})",
                              R"({"P0": ["write v0"]})")) ==
          "specs/bad.json: field 'bounds.pages': a THP spans the VMA: expected 2 or 4 pages with "
          "memory \"thp\" (an order-1 or order-2 folio), got 1");
    // Three processes of a 4-page mTHP with a handle: (3 + 1) × 4 pages of large folios + 13
    // order-0 frames, + 4 for a step's new folio, is 33 frames, past the build's 32
    // (frame_bound())...
    CHECK(spec_error(thp_spec(R"({"processes": 3, "pages": 4, "handles": 1, "swap_slots": 0})",
                              R"({"P0": ["fork P1", "fork P2", "write v0"]})")) ==
          "specs/bad.json: field 'bounds': with memory \"thp\", the frames its folios can keep "
          "alive (frame_bound() + pages) must be at most 32, got 33");
    // ... unless the program keeps them apart: two alive at once (25 frames), as cow.c's
    // partially shared mTHP does.
    CHECK(spec_error(thp_spec(R"({"processes": 3, "pages": 4, "handles": 1, "swap_slots": 0})",
                              R"({"P0": ["fork P1", "wait P1 exited", "fork P2", "write v0"],
                                  "P1": ["exit"]})")) == "(accepted)");
    CHECK(spec_error(R"({"name": "bad", "bounds": {"processes": 2, "pages": 1, "handles": 1,
        "swap_slots": 0}, "programs": {"P0": ["split_pmd v0"]}, "expect": {"default": "holds"}})") ==
          "specs/bad.json: field 'programs.P0[0]': 'split_pmd' on base memory: split_pmd is a "
          "THP step (memory \"thp\")");
    nlohmann::ordered_json j = policy_to_json(*find_policy("linux-6.18"));
    j.erase("huge_pmd_write_fault");
    try {
        parse_policy(j.dump(), "my-idea.json");
        FAIL("accepted");
    } catch (const SpecError& e) {
        CHECK(std::string(e.what()) ==
              "my-idea.json: decision point 'huge_pmd_write_fault': missing (expected one of: "
              "mapcount_copy, mapcount_split, refcount_split, anon_exclusive_split)");
    }
}

TEST_CASE("mprotect of the whole THP keeps the PMD: 6.18 maps it writable again while exclusive "
          "(can_change_pmd_writable()), 5.19 leaves it R/O until the write fault") {
    Sim now = thp("linux-6.18");
    REQUIRE(now.act({Op::mprotect_vma, 0}));
    CHECK(now.pte(0, 0).kind == PteKind::pmd);
    CHECK(now.pte(0, 1).writable == 1);
    Sim old = thp("linux-5.19");
    REQUIRE(old.act({Op::mprotect_vma, 0}));
    CHECK(old.pte(0, 0).kind == PteKind::pmd);
    CHECK(old.pte(0, 0).writable == 0);
    REQUIRE(old.write(0, 0));  // do_huge_pmd_wp_page() reuses the exclusive folio
    CHECK(old.pte(0, 0).kind == PteKind::pmd);
    CHECK(old.effects.copies == 0);
    // After a fork the folio is no longer exclusive: 6.18 leaves both PMDs R/O.
    REQUIRE(now.fork(0, 1));
    REQUIRE(now.act({Op::mprotect_vma, 0}));
    CHECK(now.pte(0, 0).writable == 0);
    CHECK(now.holds(Inv::refcounts_consistent));
}

TEST_CASE("mprotect_vma over a page the process unmapped is refused: the kernel fails it with "
          "ENOMEM at the hole") {
    CHECK(spec_error(thp_spec(kBounds, R"({"P0": ["munmap v1", "mprotect_vma"]})")) ==
          "specs/bad.json: field 'programs.P0[1]': 'mprotect_vma': v1 is no longer mapped here "
          "(munmap at programs.P0[0]); mprotect() of a range with a hole fails with ENOMEM there");
}

TEST_CASE("clear_refs write-protects a pinned PMD in every era (clear_soft_dirty_pmd() has no "
          "pinned check) but not a pinned large folio's PTE from 5.11, uffd-wp of one page "
          "splits the PMD") {
    for (const char* policy : {"linux-5.9", "linux-5.18", "linux-6.18"}) {
        Sim pmd = thp(policy);
        REQUIRE(pmd.pin(0, 0, true, 0));
        REQUIRE(pmd.clear_refs(0, 1));
        CHECK(pmd.pte(0, 0).kind == PteKind::pmd);
        CHECK(pmd.pte(0, 0).writable == 0);
        CHECK(pmd.pte(0, 1).writable == 0);

        Sim pte = thp(policy);
        REQUIRE(pte.act({Op::split_pmd, 0, 0}));
        REQUIRE(pte.pin(0, 0, true, 0));
        REQUIRE(pte.clear_refs(0, 1));  // the folio is pinned through page 0
        CHECK(pte.pte(0, 1).writable == (std::string(policy) == "linux-5.9" ? 0 : 1));
    }
    Sim wp = thp("linux-6.18");
    REQUIRE(wp.uffd_wp(0, 1));
    CHECK(wp.pte(0, 0).kind == PteKind::present);
    CHECK(wp.pte(0, 0).writable == 1);
    CHECK(wp.pte(0, 1).writable == 0);
    CHECK(wp.holds(Inv::refcounts_consistent));
}
