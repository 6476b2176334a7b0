// Steps steps are system calls (MODEL.md §8, §10; model/syscalls.hpp): a call the kernel
// refuses or ignores is a step that changes nothing and says why; only a fault on a migration
// entry and "wait Pn exited" wait.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "model/syscalls.hpp"
#include "tests/steps_helpers.hpp"

using namespace cowpin;

using test::Steps;

TEST_CASE("MADV_PAGEOUT of a pinned page is a no-op from 5.11 on, and swaps it out before") {
    Steps relcop("linux-5.19", {"iouring_fixed v0 h0", "swap_out v0", "write v0"});
    relcop.run(1);
    CHECK(relcop.next() == "noop: MADV_PAGEOUT: reclaim keeps the page (the policy's swap-out "
                           "rule: pinned or referenced)");
    CHECK(relcop.next() == "done");
    Steps old("linux-5.9", {"iouring_fixed v0 h0", "swap_out v0"});
    old.run(2);
    CHECK(old.s.procs[0].pte[0].kind == PteKind::swap);
}

TEST_CASE("MADV_PAGEOUT skips a page another process maps, in every era") {
    for (const CowPolicy* p : all_policies()) {
        Steps prog(p->name, {"fork P1", "swap_out v0"});
        prog.run(1);
        INFO(p->name);
        if (p->name == "eager-copy")  // the child got a copy: the parent's page is its own
            CHECK(prog.next() == "done");
        else
            CHECK(prog.next() == "noop: MADV_PAGEOUT skips a page another process maps "
                                 "(folio_mapcount() != 1)");
    }
}

TEST_CASE("mprotect and clear_refs of a swapped-out page, and a read of a present page, change nothing") {
    Steps prog("linux-6.18", {"read v0", "swap_out v0", "mprotect v0", "clear_refs v0",
                                "uffd_wp v0", "swap_out v0", "read v0"});
    CHECK(prog.next() == "noop: a read of a present page reads it");
    CHECK(prog.next() == "done");
    CHECK(prog.next() == "noop: mprotect of a swap entry changes nothing (change_pte_range())");
    CHECK(prog.next() == "noop: clear_refs of a page that is not present only clears soft-dirty bits");
    CHECK(prog.next() == "noop: uffd-wp of a page that is not present: the model keeps no uffd-wp "
                         "bit in swap and migration entries");
    CHECK(prog.next() == "noop: MADV_PAGEOUT: the page is not present (swapped out or under "
                         "migration)");
    CHECK(prog.next() == "done");  // the read swaps it in
}

TEST_CASE("clear_refs leaves a writable pinned page alone from 5.11 on, uffd-wp never does") {
    Steps skip("linux-5.11", {"iouring_fixed v0 h0", "clear_refs v0", "uffd_wp v0"});
    skip.run(1);
    CHECK(skip.next() == "noop: clear_refs leaves a writable pinned page alone (pte_is_pinned())");
    CHECK(skip.next() == "done");
    CHECK_FALSE(skip.s.procs[0].pte[0].writable);
    Steps wp("linux-5.9", {"iouring_fixed v0 h0", "clear_refs v0"});
    wp.run(2);
    CHECK_FALSE(wp.s.procs[0].pte[0].writable);
}

TEST_CASE("migration of a pinned page is refused from 5.19 on, migrate_finish needs a migration") {
    Steps pinned("linux-5.19", {"iouring_fixed v0 h0", "migrate_start v0", "migrate_finish v0"});
    pinned.run(1);
    CHECK(pinned.next() == "noop: migration refused (the policy's migration rule: pinned or "
                           "referenced)");
    CHECK(pinned.next() == "noop: migrate_finish: no migration in flight");
    Steps old("linux-5.18", {"iouring_fixed v0 h0", "migrate_start v0", "migrate_finish v0"});
    old.run(3);  // isolated, then the refcount does not freeze: the entry is restored
    CHECK(old.s.procs[0].pte[0].kind == PteKind::present);
}

TEST_CASE("only a fault on a migration entry waits, munmap and exit zap it at once") {
    Steps fault("linux-6.18", {"migrate_start v0", "write v0"});
    fault.run(1);
    CHECK(fault.next() == "waits");
    CHECK(fault.next() == "waits");
    Steps zap("linux-6.18", {"migrate_start v0", "munmap v0"});
    zap.run(2);
    CHECK(zap.s.procs[0].pte[0].kind == PteKind::none);
    Steps gone("linux-6.18", {"migrate_start v0", "exit"});
    gone.run(2);
    CHECK_FALSE(gone.s.procs[0].alive);
}

TEST_CASE("mprotect of a writable migration entry makes it readable, exclusive where entries say so") {
    Steps relcop("linux-5.19", {"migrate_start v0", "mprotect v0", "migrate_finish v0"});
    relcop.run(2);
    CHECK(relcop.s.procs[0].pte[0].migration == MigrationKind::readable_exclusive);
    relcop.run(1);
    const Pte pte = relcop.s.procs[0].pte[0];
    CHECK(pte.kind == PteKind::present);
    CHECK_FALSE(pte.writable);
    CHECK(relcop.s.frames[pte.target].anon_exclusive);
    Steps old("linux-5.9", {"migrate_start v0", "mprotect v0"});
    old.run(2);
    CHECK(old.s.procs[0].pte[0].migration == MigrationKind::readable);
}

TEST_CASE("O_DIRECT takes a FOLL_GET until 6.4 and a short-term FOLL_PIN since 6.5") {
    Steps get("linux-5.19", {"odirect_read v0 h0"});
    get.run(1);
    CHECK(get.s.handles[0].kind == HandleKind::get);
    CHECK(get.s.handles[0].write);
    CHECK_FALSE(get.s.procs[0].has_pinned);
    Steps pin("linux-6.18", {"odirect_write v0 h0"});
    pin.run(1);
    CHECK(pin.s.handles[0].kind == HandleKind::short_pin);
    CHECK_FALSE(pin.s.handles[0].write);
    CHECK(pin.s.procs[0].has_pinned);  // any FOLL_PIN sets MMF_HAS_PINNED
    CHECK(pin.s.frames[pin.s.handles[0].frame].pins == 1);
}
