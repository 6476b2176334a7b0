// Each policy's decision table, row by row: for one situation (the pre-state named after
// cow.c's ro_pin_test enum where it applies), what every policy decides.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "tests/model_helpers.hpp"

using namespace cowpin;
using namespace cowpin::test;

namespace {

const std::vector<std::string> kPolicies = {"linux-5.7",  "linux-5.8",  "linux-5.9",
                                            "linux-5.11", "linux-5.18", "linux-5.19",
                                            "linux-6.18", "precop",     "freebsd",
                                            "netbsd",     "eager-copy"};

using Table = std::map<std::string, std::string>;

// Run `situation` under every policy and compare its outcome word with the table's.
template <class F>
void check_table(const Table& expected, F situation) {
    REQUIRE(expected.size() == kPolicies.size());
    for (const std::string& name : kPolicies) {
        Sim sim(name);
        const std::string outcome = situation(sim);
        INFO("policy " << name);
        CHECK(outcome == expected.at(name));
    }
}

// After a write by P0 at v0 that had frame `before`: "reuse" (same frame), "copy".
std::string reuse_or_copy(const Sim& sim, int before) {
    return sim.frame(0, 0) == before ? "reuse" : "copy";
}

}  // namespace

TEST_CASE("the registry lists the policies of MODEL.md §4 in order") {
    REQUIRE(all_policies().size() == kPolicies.size());
    for (std::size_t i = 0; i < kPolicies.size(); ++i) CHECK(all_policies()[i]->name == kPolicies[i]);
    CHECK(find_policy("linux-4.0") == nullptr);
    CHECK(policy_names() ==
          "linux-5.7, linux-5.8, linux-5.9, linux-5.11, linux-5.18, linux-5.19, linux-6.18, precop, "
          "freebsd, netbsd, eager-copy");
}

TEST_CASE("PageAnonExclusive and the exclusive swap/migration entries: 5.19+ and eager-copy only") {
    // The BSDs and PreCOP track sharing by counts (shadow_count, an_ref, mapcount + swapcount),
    // never by a flag; entries remember exclusivity only where the flag exists (5.19 part 3).
    for (const CowPolicy* p : all_policies()) {
        const bool relcop = p->name == "linux-5.19" || p->name == "linux-6.18" ||
                            p->name == "eager-copy";
        INFO("policy " << p->name);
        CHECK(p->anon_exclusive == relcop);
        CHECK(p->exclusive_entries == relcop);
        CHECK((!p->exclusive_entries || p->anon_exclusive));
    }
}

TEST_CASE("freebsd decides as linux-5.7 and netbsd as linux-5.8, but for swap-out and migration") {
    // kernel-cow.md §4: FreeBSD's rename-iff-single-mapping is 5.7's mapcount reuse and its R/O
    // hold takes the page as is; NetBSD's wire fault is 5.8's forced COW break. Both share held
    // or wired pages at fork. What differs: held / wired pages are never paged out or moved,
    // where Linux ≤5.17 unmaps them whatever the references.
    auto differ_only_in_unmap = [](const std::string& bsd, const std::string& linux) {
        INFO(bsd << " vs " << linux);
        const CowPolicy& l = policy(linux);
        CowPolicy b = policy(bsd);
        CHECK_FALSE(b.same_decisions(l));
        CHECK(b.swap_out == MayUnmap::unless_referenced);
        CHECK(b.migrate == MayUnmap::unless_referenced);
        CHECK(l.swap_out == MayUnmap::always);
        CHECK(l.migrate == MayUnmap::always);
        CowPolicy swap_aligned = b;
        swap_aligned.swap_out = l.swap_out;
        CHECK_FALSE(swap_aligned.same_decisions(l));  // migrate still differs
        CowPolicy migrate_aligned = b;
        migrate_aligned.migrate = l.migrate;
        CHECK_FALSE(migrate_aligned.same_decisions(l));  // swap_out still differs
        swap_aligned.migrate = l.migrate;
        CHECK(swap_aligned.same_base_decisions(l));
        CHECK(l.same_base_decisions(swap_aligned));
        CHECK_FALSE(swap_aligned.models(Memory::hugetlb));  // and they model no hugetlb
    };
    differ_only_in_unmap("freebsd", "linux-5.7");
    differ_only_in_unmap("netbsd", "linux-5.8");
    // And no other pair of built-in policies decides alike.
    for (const CowPolicy* a : all_policies())
        for (const CowPolicy* b : all_policies()) {
            INFO(a->name << " vs " << b->name);
            CHECK(a->same_decisions(*b) == (a == b));
        }
}

TEST_CASE("write fault on a R/O-mapped exclusive page (clear_refs) reuses it everywhere") {
    check_table({{"linux-5.7", "reuse"}, {"linux-5.8", "reuse"}, {"linux-5.9", "reuse"},
                 {"linux-5.11", "reuse"}, {"linux-5.18", "reuse"}, {"linux-5.19", "reuse"},
                 {"linux-6.18", "reuse"}, {"precop", "reuse"}, {"freebsd", "reuse"},
                 {"netbsd", "reuse"}, {"eager-copy", "reuse"}},
                [](Sim& sim) {
                    REQUIRE(sim.clear_refs(0, 0));
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.write(0, 0));
                    CHECK(sim.pte(0, 0).writable);
                    return reuse_or_copy(sim, f);
                });
}

TEST_CASE("write fault on a COW-shared page (child alive) copies everywhere but eager-copy") {
    // PreCOP shares an unreferenced page at fork like everyone; the BSDs copy (vm_fault_cow()
    // with two shadows, an_ref 2 ⇒ promote).
    check_table({{"linux-5.7", "copy"}, {"linux-5.8", "copy"}, {"linux-5.9", "copy"},
                 {"linux-5.11", "copy"}, {"linux-5.18", "copy"}, {"linux-5.19", "copy"},
                 {"linux-6.18", "copy"}, {"precop", "copy"}, {"freebsd", "copy"},
                 {"netbsd", "copy"}, {"eager-copy", "reuse"}},  // nothing is shared: the parent stays writable
                [](Sim& sim) {
                    REQUIRE(sim.fork(0, 1));
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.write(0, 0));
                    return reuse_or_copy(sim, f);
                });
}

TEST_CASE("write fault on a previously-shared page (child exited) reuses it everywhere") {
    // The BSDs: a single shadow / an_ref 1 again ⇒ rename / reuse in place.
    check_table({{"linux-5.7", "reuse"}, {"linux-5.8", "reuse"}, {"linux-5.9", "reuse"},
                 {"linux-5.11", "reuse"}, {"linux-5.18", "reuse"}, {"linux-5.19", "reuse"},
                 {"linux-6.18", "reuse"}, {"precop", "reuse"}, {"freebsd", "reuse"},
                 {"netbsd", "reuse"}, {"eager-copy", "reuse"}},
                [](Sim& sim) {
                    REQUIRE(sim.fork(0, 1));
                    REQUIRE(sim.exit(1));
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.write(0, 0));
                    // 5.19+ proves exclusivity by the refcount and sets the flag.
                    if (sim.model.policy().anon_exclusive) CHECK(sim.fr(f).anon_exclusive);
                    return reuse_or_copy(sim, f);
                });
}

TEST_CASE("write fault on a R/O-mapped page with a R/W pin copies only under the refcount rule") {
    // cow.c "R/O-mapping a page registered as iouring fixed buffer", write-protected by uffd-wp
    // (no pin check). PreCOP and the BSDs ignore pins (wire / hold counts) in the reuse
    // decision: a single mapping is reused.
    check_table({{"linux-5.7", "reuse"}, {"linux-5.8", "reuse"}, {"linux-5.9", "copy"},
                 {"linux-5.11", "copy"}, {"linux-5.18", "copy"}, {"linux-5.19", "reuse"},
                 {"linux-6.18", "reuse"}, {"precop", "reuse"}, {"freebsd", "reuse"},
                 {"netbsd", "reuse"}, {"eager-copy", "reuse"}},
                [](Sim& sim) {
                    REQUIRE(sim.pin(0, 0, true, 0));
                    REQUIRE(sim.uffd_wp(0, 0));
                    CHECK_FALSE(sim.pte(0, 0).writable);
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.write(0, 0));
                    return reuse_or_copy(sim, f);
                });
}

TEST_CASE("clear_refs write-protects a pinned page until 5.11 leaves it alone (pte_is_pinned)") {
    // 9348b73c2e1b: a writable PTE of a maybe-pinned page in an mm that has pinned is skipped.
    // The BSDs have no soft-dirty tracking; their clear_refs stands for a plain write-protection.
    check_table({{"linux-5.7", "R/O"}, {"linux-5.8", "R/O"}, {"linux-5.9", "R/O"},
                 {"linux-5.11", "writable"}, {"linux-5.18", "writable"}, {"linux-5.19", "writable"},
                 {"linux-6.18", "writable"}, {"precop", "writable"}, {"freebsd", "R/O"},
                 {"netbsd", "R/O"}, {"eager-copy", "writable"}},
                [](Sim& sim) {
                    REQUIRE(sim.pin(0, 0, true, 0));
                    REQUIRE(sim.clear_refs(0, 0));
                    return std::string(sim.pte(0, 0).writable ? "writable" : "R/O");
                });
    // A get is no pin: clear_refs write-protects the page in every era.
    for (const std::string& name : kPolicies) {
        Sim sim(name);
        REQUIRE(sim.get(0, 0, true, 0));
        REQUIRE(sim.clear_refs(0, 0));
        INFO("policy " << name);
        CHECK_FALSE(sim.pte(0, 0).writable);
    }
}

TEST_CASE("write fault on a page still in the swapcache copies only under 5.9's refcount rule") {
    // A get keeps the page in the swapcache across swap_out; read swap-in; unpin; write.
    // PreCOP and the BSDs never swap out a page with a get ("refused"): the next row asks them
    // the same question about a page read back from the swap device.
    check_table({{"linux-5.7", "reuse"}, {"linux-5.8", "reuse"}, {"linux-5.9", "copy"},
                 {"linux-5.11", "copy"}, {"linux-5.18", "reuse"}, {"linux-5.19", "reuse"},
                 {"linux-6.18", "reuse"}, {"precop", "refused"}, {"freebsd", "refused"},
                 {"netbsd", "refused"}, {"eager-copy", "reuse"}},
                [](Sim& sim) {
                    REQUIRE(sim.get(0, 0, false, 0));
                    const int f = sim.frame(0, 0);
                    if (!sim.swap_out(f)) return std::string("refused");
                    REQUIRE(sim.read(0, 0));
                    REQUIRE(sim.unpin(0));
                    CHECK(sim.fr(f).swapcache != kNone);
                    REQUIRE(sim.write(0, 0));
                    return reuse_or_copy(sim, f);
                });
}

TEST_CASE("write fault on a page read back from swap (nothing else holds it) copies only in 5.9") {
    // swap_out of an unreferenced page frees the frame; a read fault brings it back into a new
    // frame that stays in the swapcache (swapcount 0); then write. 5.9 sees page_count 2.
    check_table({{"linux-5.7", "reuse"}, {"linux-5.8", "reuse"}, {"linux-5.9", "copy"},
                 {"linux-5.11", "copy"}, {"linux-5.18", "reuse"}, {"linux-5.19", "reuse"},
                 {"linux-6.18", "reuse"}, {"precop", "reuse"}, {"freebsd", "reuse"},
                 {"netbsd", "reuse"}, {"eager-copy", "reuse"}},
                [](Sim& sim) {
                    REQUIRE(sim.swap_out(sim.frame(0, 0)));
                    CHECK(sim.frame(0, 0) == kNone);  // written back and freed
                    REQUIRE(sim.read(0, 0));
                    const int f = sim.frame(0, 0);
                    CHECK(sim.fr(f).swapcache != kNone);
                    REQUIRE(sim.write(0, 0));
                    CHECK(sim.pte(0, 0).writable);
                    return reuse_or_copy(sim, f);
                });
}

TEST_CASE("a R/O pin of a COW-shared page: taken as is, COW broken, or unshared") {
    // "none": the pin is on the shared frame; "break": a writable private copy; "unshare": a
    // R/O private copy (FAULT_FLAG_UNSHARE, or PreCOP's copy-on-pin, kernel-cow.md §1.4 PreCOP
    // rule 3: "R/O pin keeps PTE R/O"); eager-copy shares nothing. FreeBSD's R/O hold takes the
    // page as is; NetBSD's wire fault asks for full access (cow_now).
    check_table({{"linux-5.7", "none"}, {"linux-5.8", "break"}, {"linux-5.9", "none"},
                 {"linux-5.11", "none"}, {"linux-5.18", "none"}, {"linux-5.19", "unshare"},
                 {"linux-6.18", "unshare"}, {"precop", "unshare"}, {"freebsd", "none"},
                 {"netbsd", "break"}, {"eager-copy", "none"}},
                [](Sim& sim) {
                    REQUIRE(sim.fork(0, 1));
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.pin(0, 0, false, 0));
                    if (sim.frame(0, 0) == f) return std::string("none");
                    CHECK(sim.frame(1, 0) == f);         // the child keeps the old page
                    CHECK(sim.effects.needless == 0);    // which it maps: not a needless copy
                    CHECK(sim.holds(Inv::pinned_exclusive));
                    return std::string(sim.pte(0, 0).writable ? "break" : "unshare");
                });
}

TEST_CASE("a R/O get (vmsplice) of a COW-shared page: Linux never unshares, only 5.8 breaks COW") {
    // Words as for the pin. PreCOP copies on a get as on a pin (it knows every GUP reference);
    // NetBSD wires for physio as for any I/O, so the get breaks COW as 5.8's does.
    check_table({{"linux-5.7", "none"}, {"linux-5.8", "break"}, {"linux-5.9", "none"},
                 {"linux-5.11", "none"}, {"linux-5.18", "none"}, {"linux-5.19", "none"},
                 {"linux-6.18", "none"}, {"precop", "unshare"}, {"freebsd", "none"},
                 {"netbsd", "break"}, {"eager-copy", "none"}},
                [](Sim& sim) {
                    REQUIRE(sim.fork(0, 1));
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.get(0, 0, false, 0));
                    if (sim.frame(0, 0) == f) return std::string("none");
                    CHECK(sim.frame(1, 0) == f);
                    CHECK(sim.effects.needless == 0);
                    return std::string(sim.pte(0, 0).writable ? "break" : "unshare");
                });
}

TEST_CASE("a R/O pin or get of a R/O-mapped exclusive page copies nowhere (copy-on-pin is precise)") {
    // clear_refs leaves P0 the only mapper of both pages. "as is": taken on the R/O page;
    // "writable": the forced write fault reuses it (5.8, NetBSD). PreCOP copies only a page some
    // other process maps (mapcount + swapcount > 1), 5.19+ only a page not PageAnonExclusive.
    check_table({{"linux-5.7", "as is, as is"}, {"linux-5.8", "writable, writable"},
                 {"linux-5.9", "as is, as is"}, {"linux-5.11", "as is, as is"},
                 {"linux-5.18", "as is, as is"}, {"linux-5.19", "as is, as is"},
                 {"linux-6.18", "as is, as is"}, {"precop", "as is, as is"},
                 {"freebsd", "as is, as is"}, {"netbsd", "writable, writable"},
                 {"eager-copy", "as is, as is"}},
                [](Sim& sim) {
                    REQUIRE(sim.clear_refs(0, 0));
                    REQUIRE(sim.clear_refs(0, 1));
                    const int f0 = sim.frame(0, 0), f1 = sim.frame(0, 1);
                    REQUIRE(sim.pin(0, 0, false, 0));
                    REQUIRE(sim.get(0, 1, false, 1));
                    CHECK(sim.frame(0, 0) == f0);
                    CHECK(sim.frame(0, 1) == f1);
                    CHECK(sim.effects.copies == 0);
                    auto word = [&](int v) {
                        return std::string(sim.pte(0, v).writable ? "writable" : "as is");
                    };
                    return word(0) + ", " + word(1);
                });
}

TEST_CASE("fork() of a pinned page shares it before 5.9 and copies it for the child after") {
    // The BSDs copy only wired *map entries* (vm_map_copy_entry(), amap_cow_now()); a held or
    // wired page in an ordinary entry is shared. PreCOP never shares a pinned page.
    check_table({{"linux-5.7", "share"}, {"linux-5.8", "share"}, {"linux-5.9", "copy"},
                 {"linux-5.11", "copy"}, {"linux-5.18", "copy"}, {"linux-5.19", "copy"},
                 {"linux-6.18", "copy"}, {"precop", "copy"}, {"freebsd", "share"},
                 {"netbsd", "share"}, {"eager-copy", "copy"}},
                [](Sim& sim) {
                    REQUIRE(sim.pin(0, 0, true, 0));
                    REQUIRE(sim.fork(0, 1));
                    if (sim.frame(1, 0) == sim.frame(0, 0)) return std::string("share");
                    CHECK(sim.pte(0, 0).writable);  // copy_present_page(): parent untouched
                    CHECK(sim.pte(1, 0).writable);
                    return std::string("copy");
                });
}

TEST_CASE("fork() of a page with only a FOLL_GET reference shares it in every Linux era") {
    // PreCOP copies a page with any GUP reference for the child (the paper's test3 fix: "don't
    // share the page during fork"); the BSDs share it as they share a pinned one.
    check_table({{"linux-5.7", "share"}, {"linux-5.8", "share"}, {"linux-5.9", "share"},
                 {"linux-5.11", "share"}, {"linux-5.18", "share"}, {"linux-5.19", "share"},
                 {"linux-6.18", "share"}, {"precop", "copy"}, {"freebsd", "share"},
                 {"netbsd", "share"}, {"eager-copy", "copy"}},
                [](Sim& sim) {
                    REQUIRE(sim.get(0, 0, true, 0));
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.fork(0, 1));
                    if (sim.frame(1, 0) == sim.frame(0, 0)) return std::string("share");
                    CHECK(sim.frame(0, 0) == f);  // the parent keeps the page under I/O
                    CHECK(sim.pte(0, 0).writable);
                    CHECK(sim.pte(1, 0).writable);
                    return std::string("copy");
                });
}

TEST_CASE("fork() that shares a page always clears PageAnonExclusive") {
    // Unreferenced, the page is shared everywhere but under eager-copy. A shared page is mapped
    // R/O by both and never PageAnonExclusive (page_try_dup_anon_rmap(); ≤5.8 and the BSDs have
    // no flag); a page copied for the child leaves the parent's flag alone.
    check_table({{"linux-5.7", "share"}, {"linux-5.8", "share"}, {"linux-5.9", "share"},
                 {"linux-5.11", "share"}, {"linux-5.18", "share"}, {"linux-5.19", "share"},
                 {"linux-6.18", "share"}, {"precop", "share"}, {"freebsd", "share"},
                 {"netbsd", "share"}, {"eager-copy", "copy"}},
                [](Sim& sim) {
                    const int f = sim.frame(0, 0);
                    CHECK(sim.fr(f).anon_exclusive == sim.model.policy().anon_exclusive);
                    REQUIRE(sim.fork(0, 1));
                    CHECK(sim.holds(Inv::anon_exclusive_sound));
                    if (sim.frame(1, 0) != f) {
                        CHECK(sim.fr(f).anon_exclusive == sim.model.policy().anon_exclusive);
                        return std::string("copy");
                    }
                    CHECK_FALSE(sim.fr(f).anon_exclusive);
                    CHECK_FALSE(sim.pte(0, 0).writable);
                    CHECK_FALSE(sim.pte(1, 0).writable);
                    return std::string("share");
                });
}

TEST_CASE("swap_out of a pinned page is allowed until 5.11 refuses it (feb889fb40fa)") {
    check_table({{"linux-5.7", "allowed"}, {"linux-5.8", "allowed"}, {"linux-5.9", "allowed"},
                 {"linux-5.11", "refused"}, {"linux-5.18", "refused"}, {"linux-5.19", "refused"},
                 {"linux-6.18", "refused"}, {"precop", "refused"}, {"freebsd", "refused"},
                 {"netbsd", "refused"}, {"eager-copy", "refused"}},
                [](Sim& sim) {
                    REQUIRE(sim.pin(0, 0, true, 0));
                    const bool ok = sim.swap_out(sim.frame(0, 0));
                    if (ok) {
                        CHECK(sim.pte(0, 0).kind == PteKind::swap);
                        CHECK(sim.fr(sim.frame(0, 0)).pins == 1);  // stays in the swapcache
                    }
                    return std::string(ok ? "allowed" : "refused");
                });
}

TEST_CASE("migrate_start of a pinned page is allowed (to fail later) until 5.19 refuses it") {
    check_table({{"linux-5.7", "restored"}, {"linux-5.8", "restored"}, {"linux-5.9", "restored"},
                 {"linux-5.11", "restored"}, {"linux-5.18", "restored"}, {"linux-5.19", "refused"},
                 {"linux-6.18", "refused"}, {"precop", "refused"}, {"freebsd", "refused"},
                 {"netbsd", "refused"}, {"eager-copy", "refused"}},
                [](Sim& sim) {
                    REQUIRE(sim.pin(0, 0, true, 0));
                    const int f = sim.frame(0, 0);
                    if (!sim.migrate_start(f)) return std::string("refused");
                    CHECK(sim.pte(0, 0).kind == PteKind::migration);
                    REQUIRE(sim.migrate_finish(f));
                    CHECK(sim.frame(0, 0) == f);  // the refcount did not freeze: entries restored
                    CHECK(sim.pte(0, 0).writable);
                    return std::string("restored");
                });
}

TEST_CASE("swap_out of a page with only a get is allowed in Linux and refused by PreCOP and the BSDs") {
    // Linux checks pins at most (page_maybe_dma_pinned(), page_try_share_anon_rmap()); a FOLL_GET
    // reference is invisible to it. PreCOP refuses any referenced page, FreeBSD a held one,
    // NetBSD a wired one.
    check_table({{"linux-5.7", "allowed"}, {"linux-5.8", "allowed"}, {"linux-5.9", "allowed"},
                 {"linux-5.11", "allowed"}, {"linux-5.18", "allowed"}, {"linux-5.19", "allowed"},
                 {"linux-6.18", "allowed"}, {"precop", "refused"}, {"freebsd", "refused"},
                 {"netbsd", "refused"}, {"eager-copy", "allowed"}},
                [](Sim& sim) {
                    REQUIRE(sim.get(0, 0, true, 0));
                    const int f = sim.frame(0, 0);
                    if (!sim.swap_out(f)) {
                        CHECK(sim.pte(0, 0).kind == PteKind::present);
                        return std::string("refused");
                    }
                    CHECK(sim.pte(0, 0).kind == PteKind::swap);
                    CHECK(sim.frame(0, 0) == f);  // the get keeps it in the swapcache
                    CHECK(sim.fr(f).gets == 1);
                    return std::string("allowed");
                });
}

TEST_CASE("migrate_start of a page with only a get is allowed in Linux and refused by PreCOP and the BSDs") {
    check_table({{"linux-5.7", "restored"}, {"linux-5.8", "restored"}, {"linux-5.9", "restored"},
                 {"linux-5.11", "restored"}, {"linux-5.18", "restored"}, {"linux-5.19", "restored"},
                 {"linux-6.18", "restored"}, {"precop", "refused"}, {"freebsd", "refused"},
                 {"netbsd", "refused"}, {"eager-copy", "restored"}},
                [](Sim& sim) {
                    REQUIRE(sim.get(0, 0, true, 0));
                    const int f = sim.frame(0, 0);
                    if (!sim.migrate_start(f)) return std::string("refused");
                    CHECK(sim.pte(0, 0).kind == PteKind::migration);
                    REQUIRE(sim.migrate_finish(f));
                    CHECK(sim.frame(0, 0) == f);  // the get's reference: the refcount won't freeze
                    CHECK(sim.pte(0, 0).writable);
                    return std::string("restored");
                });
}

TEST_CASE("read swap-in of an exclusive page maps it writable only in 6.18") {
    check_table({{"linux-5.7", "R/O"}, {"linux-5.8", "R/O"}, {"linux-5.9", "R/O"},
                 {"linux-5.11", "R/O"}, {"linux-5.18", "R/O"}, {"linux-5.19", "R/O exclusive"},
                 {"linux-6.18", "writable exclusive"}, {"precop", "R/O"}, {"freebsd", "R/O"},
                 {"netbsd", "R/O"}, {"eager-copy", "R/O exclusive"}},
                [](Sim& sim) {
                    REQUIRE(sim.swap_out(sim.frame(0, 0)));
                    CHECK(sim.pte(0, 0).swp_exclusive == sim.model.policy().exclusive_entries);
                    REQUIRE(sim.read(0, 0));
                    const Frame& fr = sim.fr(sim.frame(0, 0));
                    CHECK(fr.swapcache != kNone);  // a read swap-in never frees the swapcache
                    std::string out = sim.pte(0, 0).writable ? "writable" : "R/O";
                    if (fr.anon_exclusive) out += " exclusive";
                    return out;
                });
}

TEST_CASE("write swap-in of an exclusive page reuses it and frees the swapcache wherever a get lets it swap out") {
    // PreCOP and the BSDs refuse the swap_out of a page with a get; the next row swaps in from
    // the swap device for every policy.
    check_table({{"linux-5.7", "reuse"}, {"linux-5.8", "reuse"}, {"linux-5.9", "reuse"},
                 {"linux-5.11", "reuse"}, {"linux-5.18", "reuse"}, {"linux-5.19", "reuse"},
                 {"linux-6.18", "reuse"}, {"precop", "refused"}, {"freebsd", "refused"},
                 {"netbsd", "refused"}, {"eager-copy", "reuse"}},
                [](Sim& sim) {
                    REQUIRE(sim.get(0, 0, false, 0));  // keeps the frame in the swapcache
                    const int f = sim.frame(0, 0);
                    if (!sim.swap_out(f)) return std::string("refused");
                    REQUIRE(sim.unpin(0));
                    REQUIRE(sim.write(0, 0));
                    CHECK(sim.fr(sim.frame(0, 0)).swapcache == kNone);
                    CHECK(sim.pte(0, 0).writable);
                    return reuse_or_copy(sim, f);
                });
}

TEST_CASE("write swap-in from the swap device maps the page read in, writable, everywhere") {
    // Nothing holds the page: swap_out writes it back and frees it; the write fault reads it
    // into a new frame and maps that one ("reuse") or copies it again ("copy").
    check_table({{"linux-5.7", "reuse"}, {"linux-5.8", "reuse"}, {"linux-5.9", "reuse"},
                 {"linux-5.11", "reuse"}, {"linux-5.18", "reuse"}, {"linux-5.19", "reuse"},
                 {"linux-6.18", "reuse"}, {"precop", "reuse"}, {"freebsd", "reuse"},
                 {"netbsd", "reuse"}, {"eager-copy", "reuse"}},
                [](Sim& sim) {
                    REQUIRE(sim.swap_out(sim.frame(0, 0)));
                    REQUIRE(sim.frame(0, 0) == kNone);
                    REQUIRE(sim.write(0, 0));
                    CHECK(sim.fr(sim.frame(0, 0)).swapcache == kNone);
                    CHECK(sim.pte(0, 0).writable);
                    CHECK(sim.s.slots[0].in_use == 0);  // the slot is freed with the swapcache
                    return std::string(sim.effects.copies == 0 ? "reuse" : "copy");
                });
}

TEST_CASE("mprotect(RO) then mprotect(RW) maps an exclusive page writable again only in 6.18") {
    check_table({{"linux-5.7", "R/O"}, {"linux-5.8", "R/O"}, {"linux-5.9", "R/O"},
                 {"linux-5.11", "R/O"}, {"linux-5.18", "R/O"}, {"linux-5.19", "R/O"},
                 {"linux-6.18", "writable"}, {"precop", "R/O"}, {"freebsd", "R/O"},
                 {"netbsd", "R/O"}, {"eager-copy", "R/O"}},
                [](Sim& sim) {
                    REQUIRE(sim.mprotect(0, 0));
                    return std::string(sim.pte(0, 0).writable ? "writable" : "R/O");
                });
}

TEST_CASE("mprotect never maps a COW-shared page writable (cow.c mprotect() optimization)") {
    for (const std::string& name : kPolicies) {
        Sim sim(name);
        REQUIRE(sim.fork(0, 1));
        REQUIRE(sim.mprotect(0, 0));
        INFO("policy " << name);
        CHECK_FALSE(sim.pte(0, 0).writable);
        CHECK(sim.holds(Inv::writable_exclusive));
    }
}

TEST_CASE("only pins set MMF_HAS_PINNED, gets do not") {
    for (const std::string& name : kPolicies) {
        Sim sim(name);
        REQUIRE(sim.get(0, 0, true, 0));
        CHECK_FALSE(sim.s.procs[0].has_pinned);
        REQUIRE(sim.pin(0, 1, false, 1));
        CHECK(sim.s.procs[0].has_pinned);
    }
}

namespace {

// fork() of P0's v0 under `p`, the page first given `pre` ("plain", "get" or "pin", R/W): true
// if the child shares the parent's frame. Checks that a shared frame lost PageAnonExclusive.
bool fork_shares_and_clears_flag(const CowPolicy& p, const std::string& pre) {
    const CowModel model(exhaustive(p));
    State s = model.initial();
    if (pre == "get") REQUIRE(model.step(s, {Op::get, 0, 0, 0, kWriteFlag}));
    if (pre == "pin") REQUIRE(model.step(s, {Op::pin, 0, 0, 0, kWriteFlag}));
    REQUIRE(model.step(s, {Op::fork, 0, 1}));
    const int f = frame_at(s, 0, 0);
    if (frame_at(s, 1, 0) != f) return false;
    INFO("fork rule " << static_cast<int>(p.fork) << ", page " << pre);
    CHECK_FALSE(s.frames[f].anon_exclusive);
    // Sharing a pinned page breaks "pinned ⇒ exclusive" whatever the flag says; otherwise the
    // flag must be sound: no PageAnonExclusive page with two mappings, no writable shared PTE.
    if (pre != "pin") CHECK(model.invariant_holds(s, static_cast<int>(Inv::anon_exclusive_sound)));
    return true;
}

CowPolicy relcop_with_fork(ForkPresent rule) {
    CowPolicy p = policy("linux-5.19");  // PageAnonExclusive, exclusive swap entries
    p.name = "linux-5.19-fork-variant";
    p.fork = rule;
    return p;
}

}  // namespace

TEST_CASE("with PageAnonExclusive, the share and page_try_dup_anon_rmap fork rules clear it") {
    // Policy files may pair any fork rule with the flag. share clears it whatever the pins
    // (policy.hpp); anon_exclusive clears it when it shares; copy_always never shares.
    for (const std::string pre : {"plain", "get", "pin"}) {
        CHECK(fork_shares_and_clears_flag(relcop_with_fork(ForkPresent::share), pre));
        CHECK(fork_shares_and_clears_flag(relcop_with_fork(ForkPresent::anon_exclusive), pre) ==
              (pre != "pin"));
        CHECK_FALSE(fork_shares_and_clears_flag(relcop_with_fork(ForkPresent::copy_always), pre));
    }
}

// Any page fork() shares loses PageAnonExclusive, whatever the rule that shared it; a policy
// file may pair copy_if_pinned or copy_if_referenced with the flag ("anon_exclusive": true).
TEST_CASE("with PageAnonExclusive, every fork rule that shares clears it") {
    for (const std::string pre : {"plain", "get", "pin"}) {
        CHECK(fork_shares_and_clears_flag(relcop_with_fork(ForkPresent::copy_if_pinned), pre) ==
              (pre != "pin"));
        CHECK(fork_shares_and_clears_flag(relcop_with_fork(ForkPresent::copy_if_referenced), pre) ==
              (pre == "plain"));
    }
}
