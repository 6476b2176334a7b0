// Each policy's decision table, row by row: for one situation (the pre-state named after
// cow.c's ro_pin_test enum where it applies), what every policy decides.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "tests/model_helpers.hpp"

using namespace cowpin;
using namespace cowpin::test;

namespace {

const std::vector<std::string> kPolicies = {"linux-5.7",  "linux-5.8",  "linux-5.9", "linux-5.18",
                                            "linux-5.19", "linux-6.18", "eager-copy"};

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
          "linux-5.7, linux-5.8, linux-5.9, linux-5.18, linux-5.19, linux-6.18, eager-copy");
}

TEST_CASE("write fault on a R/O-mapped exclusive page (clear_refs) reuses it everywhere") {
    check_table({{"linux-5.7", "reuse"}, {"linux-5.8", "reuse"}, {"linux-5.9", "reuse"},
                 {"linux-5.18", "reuse"}, {"linux-5.19", "reuse"}, {"linux-6.18", "reuse"},
                 {"eager-copy", "reuse"}},
                [](Sim& sim) {
                    REQUIRE(sim.clear_refs(0, 0));
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.write(0, 0));
                    CHECK(sim.pte(0, 0).writable);
                    return reuse_or_copy(sim, f);
                });
}

TEST_CASE("write fault on a COW-shared page (child alive) copies everywhere but eager-copy") {
    check_table({{"linux-5.7", "copy"}, {"linux-5.8", "copy"}, {"linux-5.9", "copy"},
                 {"linux-5.18", "copy"}, {"linux-5.19", "copy"}, {"linux-6.18", "copy"},
                 {"eager-copy", "reuse"}},  // nothing is shared: the parent stays writable
                [](Sim& sim) {
                    REQUIRE(sim.fork(0, 1));
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.write(0, 0));
                    return reuse_or_copy(sim, f);
                });
}

TEST_CASE("write fault on a previously-shared page (child exited) reuses it everywhere") {
    check_table({{"linux-5.7", "reuse"}, {"linux-5.8", "reuse"}, {"linux-5.9", "reuse"},
                 {"linux-5.18", "reuse"}, {"linux-5.19", "reuse"}, {"linux-6.18", "reuse"},
                 {"eager-copy", "reuse"}},
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
    // cow.c "R/O-mapping a page registered as iouring fixed buffer".
    check_table({{"linux-5.7", "reuse"}, {"linux-5.8", "reuse"}, {"linux-5.9", "copy"},
                 {"linux-5.18", "copy"}, {"linux-5.19", "reuse"}, {"linux-6.18", "reuse"},
                 {"eager-copy", "reuse"}},
                [](Sim& sim) {
                    REQUIRE(sim.pin(0, 0, true, 0));
                    REQUIRE(sim.clear_refs(0, 0));
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.write(0, 0));
                    return reuse_or_copy(sim, f);
                });
}

TEST_CASE("write fault on a page still in the swapcache copies only under 5.9's refcount rule") {
    // A get keeps the page in the swapcache across swap_out; read swap-in; unpin; write.
    check_table({{"linux-5.7", "reuse"}, {"linux-5.8", "reuse"}, {"linux-5.9", "copy"},
                 {"linux-5.18", "reuse"}, {"linux-5.19", "reuse"}, {"linux-6.18", "reuse"},
                 {"eager-copy", "reuse"}},
                [](Sim& sim) {
                    REQUIRE(sim.get(0, 0, false, 0));
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.swap_out(f));
                    REQUIRE(sim.read(0, 0));
                    REQUIRE(sim.unpin(0));
                    CHECK(sim.fr(f).swapcache != kNone);
                    REQUIRE(sim.write(0, 0));
                    return reuse_or_copy(sim, f);
                });
}

TEST_CASE("a R/O pin of a COW-shared page: taken as is, COW broken, or unshared") {
    // "none": the pin is on the shared frame; "break": a writable private copy; "unshare": a
    // R/O private copy (FAULT_FLAG_UNSHARE); eager-copy shares nothing.
    check_table({{"linux-5.7", "none"}, {"linux-5.8", "break"}, {"linux-5.9", "none"},
                 {"linux-5.18", "none"}, {"linux-5.19", "unshare"}, {"linux-6.18", "unshare"},
                 {"eager-copy", "none"}},
                [](Sim& sim) {
                    REQUIRE(sim.fork(0, 1));
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.pin(0, 0, false, 0));
                    if (sim.frame(0, 0) == f) return std::string("none");
                    return std::string(sim.pte(0, 0).writable ? "break" : "unshare");
                });
}

TEST_CASE("a R/O get (vmsplice) of a COW-shared page never unshares; only 5.8 breaks COW") {
    check_table({{"linux-5.7", "none"}, {"linux-5.8", "break"}, {"linux-5.9", "none"},
                 {"linux-5.18", "none"}, {"linux-5.19", "none"}, {"linux-6.18", "none"},
                 {"eager-copy", "none"}},
                [](Sim& sim) {
                    REQUIRE(sim.fork(0, 1));
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.get(0, 0, false, 0));
                    return std::string(sim.frame(0, 0) == f ? "none" : "break");
                });
}

TEST_CASE("fork() of a pinned page shares it before 5.9 and copies it for the child after") {
    check_table({{"linux-5.7", "share"}, {"linux-5.8", "share"}, {"linux-5.9", "copy"},
                 {"linux-5.18", "copy"}, {"linux-5.19", "copy"}, {"linux-6.18", "copy"},
                 {"eager-copy", "copy"}},
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
    check_table({{"linux-5.7", "share"}, {"linux-5.8", "share"}, {"linux-5.9", "share"},
                 {"linux-5.18", "share"}, {"linux-5.19", "share"}, {"linux-6.18", "share"},
                 {"eager-copy", "copy"}},
                [](Sim& sim) {
                    REQUIRE(sim.get(0, 0, true, 0));
                    REQUIRE(sim.fork(0, 1));
                    return std::string(sim.frame(1, 0) == sim.frame(0, 0) ? "share" : "copy");
                });
}

TEST_CASE("swap_out of a pinned page is allowed until 5.18 refuses it") {
    check_table({{"linux-5.7", "allowed"}, {"linux-5.8", "allowed"}, {"linux-5.9", "allowed"},
                 {"linux-5.18", "refused"}, {"linux-5.19", "refused"}, {"linux-6.18", "refused"},
                 {"eager-copy", "refused"}},
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
                 {"linux-5.18", "restored"}, {"linux-5.19", "refused"}, {"linux-6.18", "refused"},
                 {"eager-copy", "refused"}},
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

TEST_CASE("read swap-in of an exclusive page maps it writable only in 6.18") {
    check_table({{"linux-5.7", "R/O"}, {"linux-5.8", "R/O"}, {"linux-5.9", "R/O"},
                 {"linux-5.18", "R/O"}, {"linux-5.19", "R/O exclusive"},
                 {"linux-6.18", "writable exclusive"}, {"eager-copy", "R/O exclusive"}},
                [](Sim& sim) {
                    REQUIRE(sim.swap_out(sim.frame(0, 0)));
                    if (sim.model.policy().anon_exclusive) CHECK(sim.pte(0, 0).swp_exclusive);
                    REQUIRE(sim.read(0, 0));
                    const Frame& fr = sim.fr(sim.frame(0, 0));
                    CHECK(fr.swapcache != kNone);  // a read swap-in never frees the swapcache
                    std::string out = sim.pte(0, 0).writable ? "writable" : "R/O";
                    if (fr.anon_exclusive) out += " exclusive";
                    return out;
                });
}

TEST_CASE("write swap-in of an exclusive page reuses it and frees the swapcache everywhere") {
    check_table({{"linux-5.7", "reuse"}, {"linux-5.8", "reuse"}, {"linux-5.9", "reuse"},
                 {"linux-5.18", "reuse"}, {"linux-5.19", "reuse"}, {"linux-6.18", "reuse"},
                 {"eager-copy", "reuse"}},
                [](Sim& sim) {
                    REQUIRE(sim.get(0, 0, false, 0));  // keeps the frame in the swapcache
                    const int f = sim.frame(0, 0);
                    REQUIRE(sim.swap_out(f));
                    REQUIRE(sim.unpin(0));
                    REQUIRE(sim.write(0, 0));
                    CHECK(sim.fr(sim.frame(0, 0)).swapcache == kNone);
                    CHECK(sim.pte(0, 0).writable);
                    return reuse_or_copy(sim, f);
                });
}

TEST_CASE("mprotect(RO) then mprotect(RW) maps an exclusive page writable again only in 6.18") {
    check_table({{"linux-5.7", "R/O"}, {"linux-5.8", "R/O"}, {"linux-5.9", "R/O"},
                 {"linux-5.18", "R/O"}, {"linux-5.19", "R/O"}, {"linux-6.18", "writable"},
                 {"eager-copy", "R/O"}},
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

TEST_CASE("only pins set MMF_HAS_PINNED; gets do not") {
    for (const std::string& name : kPolicies) {
        Sim sim(name);
        REQUIRE(sim.get(0, 0, true, 0));
        CHECK_FALSE(sim.s.procs[0].has_pinned);
        REQUIRE(sim.pin(0, 1, false, 1));
        CHECK(sim.s.procs[0].has_pinned);
    }
}
