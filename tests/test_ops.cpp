// One test case per action of MODEL.md §3, with subcases for the pre-states (exclusive, shared,
// previously shared, swapped), checking exact counts and the ideal world.
#include <doctest/doctest.h>

#include "tests/model_helpers.hpp"

using namespace cowpin;
using namespace cowpin::test;

namespace {

void check_all_invariants_hold(const Sim& sim) {
    for (int i = 0; i < kInvariants; ++i) {
        INFO("invariant " << invariant_table()[i].name << ": "
                          << violation_message(sim.s, static_cast<Inv>(i), sim.model.policy()));
        CHECK(sim.model.invariant_holds(sim.s, i));
    }
}

}  // namespace

TEST_CASE("the initial state: P0 alone, every page present, writable, exclusive, distinct") {
    Sim sim("linux-5.19");
    CHECK(sim.s.procs[0].alive);
    CHECK_FALSE(sim.s.procs[1].alive);
    for (int v = 0; v < 2; ++v) {
        CHECK(sim.pte(0, v).kind == PteKind::present);
        CHECK(sim.pte(0, v).writable);
        const Frame& f = sim.fr(sim.frame(0, v));
        CHECK(f.mapcount == 1);
        CHECK(f.refcount == 1);
        CHECK(f.anon_exclusive);
        CHECK(view(sim.s, 0, v) == sim.s.procs[0].ideal[v]);
    }
    CHECK(sim.frame(0, 0) != sim.frame(0, 1));
    CHECK(view(sim.s, 0, 0) != view(sim.s, 0, 1));
    check_all_invariants_hold(sim);
    Sim old("linux-5.7");
    CHECK_FALSE(old.fr(old.frame(0, 0)).anon_exclusive);  // no flag without the policy
}

TEST_CASE("fork shares present pages R/O and copies the ideal world") {
    Sim sim("linux-5.19");
    REQUIRE(sim.fork(0, 1));
    const Frame& f = sim.fr(sim.frame(0, 0));
    CHECK(sim.frame(1, 0) == sim.frame(0, 0));
    CHECK(f.mapcount == 2);
    CHECK(f.refcount == 2);
    CHECK_FALSE(f.anon_exclusive);  // page_try_dup_anon_rmap() cleared it
    CHECK_FALSE(sim.pte(0, 0).writable);
    CHECK_FALSE(sim.pte(1, 0).writable);
    CHECK(sim.s.procs[1].ideal == sim.s.procs[0].ideal);
    CHECK(sim.s.procs[1].parent == 0);
    CHECK_FALSE(sim.fork(0, 1));  // the slot is taken
    check_all_invariants_hold(sim);

    SUBCASE("swapped: the child shares the swap entry, the parent loses the exclusive bit") {
        Sim sw("linux-5.19");
        REQUIRE(sw.swap_out(sw.frame(0, 0)));
        CHECK(sw.pte(0, 0).swp_exclusive);
        REQUIRE(sw.fork(0, 1));
        CHECK(sw.pte(1, 0).kind == PteKind::swap);
        CHECK(sw.pte(1, 0).target == sw.pte(0, 0).target);
        CHECK(sw.s.slots[sw.pte(0, 0).target].count == 2);
        CHECK_FALSE(sw.pte(0, 0).swp_exclusive);
        check_all_invariants_hold(sw);
    }
    SUBCASE("migrating: both entries become readable") {
        Sim mg("linux-5.19");
        const int fr = mg.frame(0, 0);
        REQUIRE(mg.migrate_start(fr));
        CHECK(mg.pte(0, 0).migration == MigrationKind::writable);
        REQUIRE(mg.fork(0, 1));
        CHECK(mg.pte(0, 0).migration == MigrationKind::readable);
        CHECK(mg.pte(1, 0).migration == MigrationKind::readable);
        REQUIRE(mg.migrate_finish(fr));
        CHECK(mg.frame(0, 0) == mg.frame(1, 0));
        CHECK_FALSE(mg.fr(mg.frame(0, 0)).anon_exclusive);
        CHECK(mg.fr(mg.frame(0, 0)).mapcount == 2);
        check_all_invariants_hold(mg);
    }
    SUBCASE("eager-copy gives the child its own copy of swapped and migrating pages too") {
        Sim ec("eager-copy");
        REQUIRE(ec.swap_out(ec.frame(0, 0)));
        REQUIRE(ec.migrate_start(ec.frame(0, 1)));
        REQUIRE(ec.fork(0, 1));
        CHECK(ec.pte(1, 0).kind == PteKind::present);
        CHECK(ec.pte(1, 1).kind == PteKind::present);
        CHECK(ec.pte(0, 0).kind == PteKind::swap);
        CHECK(view(ec.s, 1, 0) == view(ec.s, 0, 0));
        check_all_invariants_hold(ec);
    }
}

TEST_CASE("exit zaps every PTE, orphans handles and re-parents children") {
    Sim sim("linux-5.19");
    REQUIRE(sim.fork(0, 1));
    REQUIRE(sim.fork(1, 2));
    REQUIRE(sim.get(1, 0, false, 0));
    REQUIRE(sim.swap_out(sim.frame(1, 1)));
    const int f = sim.frame(0, 0);
    REQUIRE(sim.exit(1));
    CHECK_FALSE(sim.s.procs[1].alive);
    CHECK(sim.s.procs[2].parent == 0);
    CHECK(sim.s.handles[0].owner == kNone);
    CHECK(sim.s.handles[0].cell != kNone);  // the cell froze
    CHECK(sim.fr(f).mapcount == 2);         // P0 and P2 still map it
    CHECK(sim.fr(f).refcount == 3);         // ... plus the orphaned get
    CHECK(sim.s.slots[sim.pte(0, 1).target].count == 2);
    check_all_invariants_hold(sim);
    SUBCASE("exit does not wait for a migration: it zaps the entry (zap_nonpresent_ptes)") {
        const int g = sim.frame(2, 0);
        REQUIRE(sim.migrate_start(g));
        REQUIRE(sim.exit(2));
        CHECK(sim.fr(g).isolated == 1);  // P0's entry and the get still hold the page
        CHECK(sim.pte(0, 0).kind == PteKind::migration);
        REQUIRE(sim.migrate_finish(g));  // the get makes the move fail: P0's entry is restored
        CHECK(sim.pte(0, 0).kind == PteKind::present);
        check_all_invariants_hold(sim);
    }
    SUBCASE("a page under migration that only its isolation holds is gone with its last entry") {
        Sim one("linux-5.19");
        const int g = one.frame(0, 0);
        REQUIRE(one.migrate_start(g));
        REQUIRE(one.munmap(0, 0));
        CHECK_FALSE(one.fr(g).in_use);
        check_all_invariants_hold(one);
    }
}

TEST_CASE("write stores a fresh value seen by the writer only") {
    SUBCASE("exclusive writable page: no fault") {
        Sim sim("linux-5.19");
        const auto before = sim.s.procs[0].ideal[0];
        REQUIRE(sim.write(0, 0));
        CHECK(sim.s.procs[0].ideal[0] != before);
        CHECK(view(sim.s, 0, 0) == sim.s.procs[0].ideal[0]);
        CHECK(sim.effects.copies == 0);
        check_all_invariants_hold(sim);
    }
    SUBCASE("shared page: the writer gets a copy, the child keeps the old value") {
        Sim sim("linux-5.19");
        REQUIRE(sim.fork(0, 1));
        const auto old = view(sim.s, 1, 0);
        REQUIRE(sim.write(0, 0));
        CHECK(view(sim.s, 1, 0) == old);
        CHECK(sim.frame(0, 0) != sim.frame(1, 0));
        CHECK(sim.fr(sim.frame(1, 0)).mapcount == 1);
        CHECK(sim.fr(sim.frame(0, 0)).anon_exclusive);
        CHECK(sim.effects.copies == 1);
        CHECK(sim.effects.needless == 0);
        check_all_invariants_hold(sim);
    }
    SUBCASE("swapped page: swapped in with a write fault") {
        Sim sim("linux-5.9");
        REQUIRE(sim.swap_out(sim.frame(0, 0)));
        CHECK(sim.frame(0, 0) == kNone);  // written back and freed
        REQUIRE(sim.write(0, 0));
        CHECK(sim.pte(0, 0).kind == PteKind::present);
        CHECK(sim.pte(0, 0).writable);
        CHECK_FALSE(sim.s.slots[0].in_use);
        check_all_invariants_hold(sim);
    }
    SUBCASE("a migration entry makes the write wait") {
        Sim sim("linux-5.19");
        REQUIRE(sim.migrate_start(sim.frame(0, 0)));
        CHECK_FALSE(sim.write(0, 0));
    }
}

TEST_CASE("read swaps a page in and is not enabled on a present page") {
    Sim sim("linux-5.18");
    CHECK_FALSE(sim.read(0, 0));
    const auto value = view(sim.s, 0, 0);
    REQUIRE(sim.swap_out(sim.frame(0, 0)));
    CHECK(sim.s.slots[0].data == value);
    REQUIRE(sim.read(0, 0));
    CHECK(view(sim.s, 0, 0) == value);
    CHECK_FALSE(sim.pte(0, 0).writable);
    CHECK(sim.fr(sim.frame(0, 0)).swapcache == 0);
    CHECK(sim.fr(sim.frame(0, 0)).refcount == 2);  // mapping + swapcache
    check_all_invariants_hold(sim);
}

TEST_CASE("clear_refs write-protects a present page and keeps it exclusive") {
    Sim sim("linux-5.19");
    REQUIRE(sim.clear_refs(0, 0));
    CHECK_FALSE(sim.pte(0, 0).writable);
    CHECK(sim.fr(sim.frame(0, 0)).anon_exclusive);
    REQUIRE(sim.swap_out(sim.frame(0, 0)));
    CHECK_FALSE(sim.clear_refs(0, 0));  // not present
}

TEST_CASE("munmap drops the mapping for good and detaches handle cells") {
    Sim sim("linux-5.19");
    REQUIRE(sim.fork(0, 1));
    REQUIRE(sim.get(1, 0, false, 0));
    const int f = sim.frame(1, 0);
    REQUIRE(sim.munmap(1, 0));
    CHECK(sim.pte(1, 0).kind == PteKind::none);
    CHECK(sim.s.procs[1].ideal[0] == kNone);
    CHECK(sim.fr(f).mapcount == 1);
    CHECK(sim.fr(f).refcount == 2);
    CHECK(sim.s.handles[0].cell != kNone);
    CHECK_FALSE(sim.munmap(1, 0));
    CHECK_FALSE(sim.write(1, 0));
    check_all_invariants_hold(sim);
}

TEST_CASE("pin and get take references, unpin drops them and frees an orphaned frame") {
    Sim sim("linux-5.19");
    const int f = sim.frame(0, 0);
    REQUIRE(sim.pin(0, 0, true, 0));
    REQUIRE(sim.get(0, 0, false, 1));
    CHECK(sim.fr(f).pins == 1);
    CHECK(sim.fr(f).gets == 1);
    CHECK(sim.fr(f).refcount == 3);
    CHECK_FALSE(sim.pin(0, 0, true, 0));  // handle slot taken
    REQUIRE(sim.munmap(0, 0));
    REQUIRE(sim.unpin(0));
    CHECK(sim.fr(f).refcount == 1);
    REQUIRE(sim.unpin(1));
    CHECK_FALSE(sim.fr(f).in_use);
    CHECK_FALSE(sim.unpin(1));
    check_all_invariants_hold(sim);
}

TEST_CASE("dma_write updates the owner's memory, or the detached cell after munmap") {
    Sim sim("linux-5.19");
    REQUIRE(sim.pin(0, 0, false, 0));
    CHECK_FALSE(sim.dma_write(0));  // R/O: the device only reads
    REQUIRE(sim.pin(0, 1, true, 1));
    REQUIRE(sim.dma_write(1));
    CHECK(view(sim.s, 0, 1) == sim.s.procs[0].ideal[1]);
    REQUIRE(sim.munmap(0, 1));
    REQUIRE(sim.dma_write(1));
    const Handle& h = sim.s.handles[1];
    CHECK(sim.fr(h.frame).data == h.expect);
    check_all_invariants_hold(sim);
}

TEST_CASE("swap_out writes back and frees an unreferenced page, keeps a referenced one cached") {
    Sim sim("linux-5.19");
    const int f0 = sim.frame(0, 0);
    REQUIRE(sim.swap_out(f0));
    CHECK_FALSE(sim.fr(f0).in_use);
    CHECK(sim.s.slots[0].count == 1);
    CHECK(sim.s.slots[0].cache == kNone);
    const int f1 = sim.frame(0, 1);
    REQUIRE(sim.get(0, 1, false, 0));
    REQUIRE(sim.swap_out(f1));
    CHECK(sim.fr(f1).swapcache == 1);
    CHECK(sim.fr(f1).refcount == 2);  // swapcache + get
    CHECK_FALSE(sim.swap_out(f1));    // no present PTE left
    Sim full("linux-5.19", {3, 2, 2, 1, 0});
    REQUIRE(full.swap_out(full.frame(0, 0)));
    CHECK_FALSE(full.swap_out(full.frame(0, 1)));  // no free slot
    check_all_invariants_hold(sim);
}

TEST_CASE("unmapping the last swap entry of a page nothing maps frees its swapcache entry, references or not") {
    // free_swap_and_cache() → __try_to_reclaim_swap(TTRS_UNMAPPED): no refcount check, in every
    // era. The page lives on for its get, outside the swapcache; the slot is freed.
    Sim sim("linux-5.19");
    const int f = sim.frame(0, 0);
    REQUIRE(sim.get(0, 0, false, 0));
    REQUIRE(sim.swap_out(f));
    REQUIRE(sim.fr(f).swapcache == 0);
    REQUIRE(sim.munmap(0, 0));
    CHECK(sim.fr(f).in_use);
    CHECK(sim.fr(f).swapcache == kNone);
    CHECK(sim.fr(f).refcount == 1);  // the get
    CHECK_FALSE(sim.s.slots[0].in_use);
    check_all_invariants_hold(sim);
    SUBCASE("while another process maps it, the swapcache keeps it (folio_mapped())") {
        Sim two("linux-5.9");
        REQUIRE(two.fork(0, 1));
        const int g = two.frame(0, 0);
        REQUIRE(two.get(0, 0, false, 0));
        REQUIRE(two.swap_out(g));      // both PTEs become swap entries; the get keeps it cached
        REQUIRE(two.read(1, 0));       // P1 maps it again
        REQUIRE(two.munmap(0, 0));     // P0's entry was the slot's last one
        CHECK(two.fr(g).swapcache != kNone);
        check_all_invariants_hold(two);
        REQUIRE(two.munmap(1, 0));     // the last mapping goes: free_swap_cache()
        CHECK(two.fr(g).swapcache == kNone);
        CHECK(two.fr(g).refcount == 1);
        check_all_invariants_hold(two);
    }
}

TEST_CASE("reclaim frees a swapcache page only the swapcache holds") {
    Sim sim("linux-5.19");
    const int f = sim.frame(0, 0);
    REQUIRE(sim.get(0, 0, false, 0));
    REQUIRE(sim.swap_out(f));
    CHECK_FALSE(sim.reclaim(f));  // the get still holds it
    REQUIRE(sim.unpin(0));
    REQUIRE(sim.reclaim(f));
    CHECK_FALSE(sim.fr(f).in_use);
    CHECK(sim.s.slots[0].data == sim.s.procs[0].ideal[0]);
    check_all_invariants_hold(sim);
}

TEST_CASE("migration moves an unreferenced page and restores exclusivity from the entry") {
    Sim sim("linux-5.19");
    const int f = sim.frame(0, 0);
    REQUIRE(sim.clear_refs(0, 0));
    REQUIRE(sim.migrate_start(f));
    CHECK(sim.pte(0, 0).migration == MigrationKind::readable_exclusive);
    CHECK(sim.fr(f).isolated);
    CHECK(sim.fr(f).refcount == 1);
    CHECK_FALSE(sim.migrate_start(f));
    REQUIRE(sim.migrate_finish(f));
    CHECK(sim.frame(0, 0) != f);
    CHECK(sim.fr(sim.frame(0, 0)).anon_exclusive);
    CHECK_FALSE(sim.pte(0, 0).writable);
    CHECK_FALSE(sim.migrate_finish(sim.frame(0, 0)));  // not isolated
    check_all_invariants_hold(sim);
    SUBCASE("a FOLL_GET reference makes the move fail and the entries come back") {
        Sim g("linux-5.19");
        const int fg = g.frame(0, 0);
        REQUIRE(g.get(0, 0, false, 0));
        REQUIRE(g.migrate_start(fg));
        REQUIRE(g.migrate_finish(fg));
        CHECK(g.frame(0, 0) == fg);
        CHECK(g.pte(0, 0).writable);
        CHECK(g.fr(fg).anon_exclusive);
        CHECK(g.fr(fg).refcount == 2);
        check_all_invariants_hold(g);
    }
}

TEST_CASE("needless copies are counted: a copy of a page nobody else maps or references") {
    Sim sim("linux-5.9");
    REQUIRE(sim.clear_refs(0, 0));
    REQUIRE(sim.pin(0, 0, false, 0));
    REQUIRE(sim.write(0, 0));  // refcount 2 (our own pin): copies, needlessly
    CHECK(sim.effects.copies == 1);
    CHECK(sim.effects.needless == 1);
    Sim shared("linux-5.9");
    REQUIRE(shared.fork(0, 1));
    REQUIRE(shared.write(0, 0));
    CHECK(shared.effects.copies == 1);
    CHECK(shared.effects.needless == 0);
}

TEST_CASE("next_state's guards refuse exactly the actions the step itself refuses") {
    // next_state() asks the do_ functions' guards (ops.hpp) before it copies the state, with
    // the action's arguments picked out by op; a guard asked with the wrong ones, or for the
    // wrong op, would refuse an enabled action here and lose its states in a search.
    long refused = 0, taken = 0;
    for (const CowPolicy* p : all_policies()) {
        const CowModel model(exhaustive(*p));
        std::vector<Action> actions;
        for (State s : random_walk(model, 13, 200)) {
            model.canonicalize_state(s);
            actions.clear();
            model.actions(s, actions);
            for (const Action& a : actions) {
                State raw = s, out;
                const bool stepped = model.step(raw, a);
                INFO(p->name << ": " << format_action(a));
                REQUIRE(model.next_state(s, a, out) == stepped);
                if (!stepped) {
                    ++refused;
                    continue;
                }
                ++taken;
                model.canonicalize_state(raw);
                CHECK(out == raw);
            }
        }
    }
    // Every policy, 200 states each: more refused than taken, as in a search.
    CHECK(refused == 10563);
    CHECK(taken == 3209);
}
