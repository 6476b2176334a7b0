// Migration of a THP (MODEL.md §9, model/reclaim.cpp, docs/evidence/thp-migration.md): the
// folio migrates whole; its PMD becomes a PMD migration entry (set_pmd_migration_entry()) and
// comes back as a PMD of the new folio (remove_migration_pmd()), with the exclusivity the entry
// recorded; a GUP reference fails the move and the old folio is mapped again.
#include <doctest/doctest.h>

#include "model/folio.hpp"
#include <cstdint>
#include <vector>

#include "tests/model_helpers.hpp"

using namespace cowpin;
using test::Sim;
using test::u8;

namespace {

Sim thp(const char* policy) { return Sim(policy, {2, 2, 1, 1, 0}, Memory::thp); }

}  // namespace

TEST_CASE("migrating a PMD-mapped THP: a PMD migration entry while it moves, then a PMD of the "
          "new folio, exclusive again from 5.19") {
    for (const char* policy : {"linux-5.18", "linux-6.18"}) {
        Sim t = thp(policy);
        const int old_head = t.frame(0, 0);
        CHECK_FALSE(t.migrate_start(t.frame(0, 1)));  // the head page stands for its folio
        REQUIRE(t.migrate_start(old_head));
        CHECK(t.pte(0, 0).kind == PteKind::pmd_migration);
        CHECK(t.pte(0, 1).migration == MigrationKind::writable);
        CHECK(t.holds(Inv::refcounts_consistent));
        CHECK_FALSE(t.write(0, 1));  // pmd_migration_entry_wait()
        REQUIRE(t.migrate_finish(old_head));
        CHECK(t.pte(0, 0).kind == PteKind::pmd);
        CHECK(t.pte(0, 1).writable == 1);
        CHECK(t.frame(0, 0) != old_head);
        CHECK(folio_ref_count(t.s, t.frame(0, 0)) == 1);
        CHECK(t.fr(t.frame(0, 1)).anon_exclusive == (std::string(policy) == "linux-6.18"));
        CHECK(t.holds(Inv::refcounts_consistent));
        CHECK(t.holds(Inv::memory_private));
    }
}

TEST_CASE("a pinned THP: 6.18 does not unmap it (folio_try_share_anon_rmap_pmd() fails), 5.18 "
          "unmaps it, fails the refcount freeze and maps the same folio again") {
    Sim now = thp("linux-6.18");
    REQUIRE(now.pin(0, 1, true, 0));
    CHECK_FALSE(now.migrate_start(now.frame(0, 0)));

    Sim old = thp("linux-5.18");
    REQUIRE(old.pin(0, 1, true, 0));
    const int head = old.frame(0, 0);
    REQUIRE(old.migrate_start(head));
    CHECK(old.pte(0, 0).kind == PteKind::pmd_migration);
    REQUIRE(old.migrate_finish(head));
    CHECK(old.pte(0, 0).kind == PteKind::pmd);
    CHECK(old.frame(0, 0) == head);
    CHECK(old.pte(0, 0).writable == 1);
    CHECK(old.holds(Inv::refcounts_consistent));
    CHECK(old.holds(Inv::pin_reliable));
}

TEST_CASE("fork during a THP migration gives the child a readable PMD migration entry: both map "
          "the new folio R/O and shared") {
    Sim t = thp("linux-6.18");
    const int head = t.frame(0, 0);
    REQUIRE(t.migrate_start(head));
    REQUIRE(t.fork(0, 1));
    CHECK(t.pte(1, 0).kind == PteKind::pmd_migration);
    CHECK(t.pte(0, 0).migration == MigrationKind::readable);
    REQUIRE(t.migrate_finish(head));
    CHECK(t.pte(0, 0).kind == PteKind::pmd);
    CHECK(t.pte(1, 1).kind == PteKind::pmd);
    CHECK(t.frame(0, 1) == t.frame(1, 1));
    CHECK(t.pte(0, 0).writable == 0);
    CHECK(t.fr(t.frame(0, 0)).anon_exclusive == 0);
    CHECK(folio_entire_mapcount(t.s, t.frame(0, 0)) == 2);
    CHECK(t.holds(Inv::refcounts_consistent));
    REQUIRE(t.write(1, 0));  // do_huge_pmd_wp_page(): shared, so split and copy
    CHECK(t.holds(Inv::memory_private));
}

TEST_CASE("munmap of one page splits a PMD migration entry, and exit forgets a folio no entry "
          "names any more") {
    Sim t = thp("linux-6.18");
    const int head = t.frame(0, 0);
    REQUIRE(t.migrate_start(head));
    REQUIRE(t.munmap(0, 1));
    CHECK(t.pte(0, 0).kind == PteKind::migration);
    REQUIRE(t.migrate_finish(head));
    CHECK(t.pte(0, 0).kind == PteKind::present);  // the new folio, PTE-mapped
    CHECK(t.fr(t.frame(0, 0)).folio != kNone);
    CHECK(t.holds(Inv::refcounts_consistent));

    Sim gone = thp("linux-6.18");
    REQUIRE(gone.migrate_start(gone.frame(0, 0)));
    REQUIRE(gone.exit(0));
    for (const Frame& fr : gone.s.frames) CHECK_FALSE(fr.in_use);
}

TEST_CASE("random walks through THP migration, swap-out, gets and pins keep every count "
          "consistent and every state within the packed encoding") {
    for (const char* policy : {"linux-5.9", "linux-6.18"}) {
        ModelConfig c = test::exhaustive(test::policy(policy), {2, 2, 1, 1, 0});
        c.memory = Memory::thp;
        // THP memory: no clear_refs or uffd-wp (the parser refuses them), and the THP steps.
        c.families &= ~(op_bit(Op::clear_refs) | op_bit(Op::uffd_wp));
        c.families |= op_bit(Op::split_pmd) | op_bit(Op::split_folio);
        const CowModel model(c);
        std::vector<std::uint64_t> packed(model.packed_words());
        int misfits = 0, inconsistent = 0;
        for (unsigned seed = 1; seed <= 40; ++seed)
            for (State s : test::random_walk(model, seed, 60, test::WhenStuck::restart)) {
                inconsistent += !model.invariant_holds(s, static_cast<int>(Inv::refcounts_consistent));
                model.canonicalize_state(s);
                misfits += !model.pack(s, packed.data());
            }
        CHECK(inconsistent == 0);
        CHECK(misfits == 0);
    }
}


