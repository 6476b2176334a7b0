// cowpin reproduce: which shipped scenarios can run on a kernel and why not, the interleavings,
// and programs that build with -Wall -Werror.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>

#include "checker/kernel/reproduce.hpp"
#include "tests/model_helpers.hpp"

using namespace cowpin;

namespace {

Spec spec(const std::string& name) {
    return load_spec(std::string(COWPIN_SOURCE_DIR) + "/specs/" + name + ".json");
}

// The exit code of `cc -Wall -Werror` compiling the program `c` (build only: running needs
// io_uring and root; the kernel-labelled ctests run them).
int compiles(const std::string& c) {
    char dir[] = "/tmp/cowpin-test-build-XXXXXX";
    if (mkdtemp(dir) == nullptr) return -1;
    const std::string src = std::string(dir) + "/prog.c";
    std::ofstream(src) << c;
    const int rc = std::system(("cc -std=gnu11 -Wall -Werror -O1 -c " + src + " -o " +
                                std::string(dir) + "/prog.o")
                                   .c_str());
    std::system(("rm -rf " + std::string(dir)).c_str());
    return rc;
}

}  // namespace

TEST_CASE("every interleaving of a scenario is enumerated, in program order") {
    const CowPolicy& p = test::policy("linux-6.18");
    CHECK(interleavings(spec("basic-cow-after-fork"), p).size() == 1);
    const auto cve = interleavings(spec("vmsplice-unmap-in-child"), p);
    REQUIRE(cve.size() == 3);
    CHECK(describe(cve[2]) == "P0 fork P1, P1 vmsplice v0 h0, P1 munmap v0, P0 write v0");
    CHECK(interleavings(spec("paper-test1-seq1-ro-ref-after-fork"), p).size() == 4);
    CHECK(interleavings(spec("exhaustive-pins"), p).empty());
}

TEST_CASE("the shipped scenarios that cannot run on a kernel say why") {
    const CowPolicy& p = test::policy("linux-6.18");
    const std::map<std::string, std::string> expected = {
        {"o-direct-read-before-fork", "O_DIRECT completes when the kernel decides"},
        {"paper-test1-seq1-ro-ref-after-fork", "O_DIRECT completes when the kernel decides"},
        {"paper-test1-seq2-ro-ref-before-fork", "O_DIRECT completes when the kernel decides"},
        {"paper-test2-ro-ref-in-child", "O_DIRECT completes when the kernel decides"},
        {"paper-test3-rw-ref-before-fork", "O_DIRECT completes when the kernel decides"},
        {"rw-foll-get-before-fork", "a R/W get is an O_DIRECT read"},
        {"ro-pin-on-ro-mapped-shared-page", "a R/O longterm pin needs gup_test"},
        {"ro-pin-on-ro-mapped-previously-shared-page", "a R/O longterm pin needs gup_test"},
        {"ro-pin-on-ro-mapped-exclusive-page", "a R/O longterm pin needs gup_test"},
    };
    const std::vector<std::string> runnable = {
        "basic-cow-after-fork", "vmsplice-unmap-in-child", "vmsplice-before-fork-unmap-in-parent",
        "vmsplice-unmap-in-parent-after-fork", "fork-with-rw-longterm-pin",
        "ro-mapping-rw-pinned-page", "ro-mapping-rw-pinned-page-uffd-wp",
        "pinned-page-refused-calls",
        "get-on-previously-shared-page-then-write", "write-after-swap-in",
        // THP: the model's pages are the first pages of a PMD-mapped 2 MiB THP.
        "thp-vmsplice-unmap-in-child", "thp-pte-mapped-fork-with-iouring-fixed-buffer",
        "thp-single-pte-swapped-out-vmsplice-unmap-in-child", "thp-collapse-after-fork-lower-shared",
        "thp-partially-shared-vmsplice-unmap-in-child"};
    for (const auto& row : expected) {
        // Not a structured binding: INFO() captures it in a lambda, which clang 14 refuses.
        const auto& name = row.first;
        const auto& why = row.second;
        INFO(name);
        const auto all = interleavings(spec(name), p);
        REQUIRE_FALSE(all.empty());
        const auto reason = why_not_reproducible(spec(name), p, all[0]);
        REQUIRE(reason.has_value());
        CHECK(reason->rfind(why, 0) == 0);
    }
    for (const std::string& name : runnable) {
        INFO(name);
        for (const Interleaving& il : interleavings(spec(name), p))
            CHECK_FALSE(why_not_reproducible(spec(name), p, il).has_value());
    }
}

TEST_CASE("migration, environment actions and handles outliving their programs are not reproducible") {
    const CowPolicy& p = test::policy("linux-6.18");
    auto reason = [&](const std::string& programs, const std::string& env = "[]") {
        const Spec s = parse_spec(R"({"name": "x", "bounds": {"processes": 2, "pages": 1,
            "handles": 1, "swap_slots": 1}, "programs": )" + programs + R"(, "environment": )" +
                                      env + R"(, "expect": {"default": "holds"}})",
                                  "x.json");
        const auto all = interleavings(s, p);
        REQUIRE_FALSE(all.empty());
        return why_not_reproducible(s, p, all[0]).value_or("reproducible");
    };
    CHECK(reason(R"({"P0": ["migrate_start v0", "migrate_finish v0"]})").rfind("migration", 0) == 0);
    CHECK(reason(R"({"P0": ["write v0"]})", R"(["swap_out"])").rfind("environment actions", 0) == 0);
    CHECK(reason(R"({"P0": ["fork P1", "write v0"], "P1": ["get ro v0 h0", "exit"]})")
              .rfind("the kernel closes a process's io_uring rings and pipes at exit", 0) == 0);
    // MADV_PAGEOUT of a shared page is a refused call in the model as in the kernel.
    CHECK(reason(R"({"P0": ["fork P1", "swap_out v0"]})") == "reproducible");
    CHECK(reason(R"({"P0": ["pin rw v0 h0", "dma_write h0", "unpin h0"]})") == "reproducible");
}

TEST_CASE("an emitted program carries the model's predictions and builds with -Wall -Werror") {
    const CowPolicy& p = test::policy("linux-6.18");
    const Spec s = spec("fork-with-rw-longterm-pin");
    const auto all = interleavings(s, p);
    REQUIRE(all.size() == 1);
    const std::string c = emit_program(s, p, all[0], 1, 1);
    CHECK(c.find("cowpin reproduce: fork-with-rw-longterm-pin under linux-6.18, interleaving 1 of 1") !=
          std::string::npos);
    CHECK(c.find("#define NSTEPS 3") != std::string::npos);
    CHECK(c.find("#define NOBS 8") != std::string::npos);
    CHECK(c.find("the device sees 0x5eed000000000003 through pin h0") != std::string::npos);
    // Build only (running needs io_uring; the kernel-labelled ctest runs it).
    CHECK(compiles(c) == 0);
}

TEST_CASE("an emitted program predicts each page's state: a new frame where the model copies, the same where it reuses") {
    // write-after-swap-in: swap_out, read (swap-in, the page stays in the swapcache), write.
    const Spec s = spec("write-after-swap-in");
    const auto emit = [&](const char* policy) {
        const CowPolicy& p = test::policy(policy);
        return emit_program(s, p, interleavings(s, p).at(0), 1, 1);
    };
    const std::string copies = emit("linux-5.9"), reuses = emit("linux-6.18");
    for (const std::string& c : {copies, reuses}) {
        CHECK(c.find("#define NPSTATES 4") != std::string::npos);  // P0 v0 after steps 0..3
        CHECK(c.find("page state after step 0 (P0 maps and writes its pages): P0 v0 present, "
                     "frame F1, mapcount 1, not in the swapcache") != std::string::npos);
        CHECK(c.find("page state after step 1 (P0 swap_out v0): P0 v0 swapped out") !=
              std::string::npos);
        CHECK(c.find("page state after step 2 (P0 read v0): P0 v0 present, frame F2 (new), "
                     "mapcount 1, in the swapcache") != std::string::npos);
    }
    // 5.9-5.17: page_count() == 1 fails (the swapcache's reference), so the write copies.
    CHECK(copies.find("#define NFRAMES 3") != std::string::npos);
    CHECK(copies.find("page state after step 3 (P0 write v0): P0 v0 present, frame F3 (new), "
                      "mapcount 1, not in the swapcache") != std::string::npos);
    // 6.18: wp_can_reuse_anon_folio() reuses it.
    CHECK(reuses.find("#define NFRAMES 2") != std::string::npos);
    CHECK(reuses.find("page state after step 3 (P0 write v0): P0 v0 present, frame F2, "
                      "mapcount 1, in the swapcache") != std::string::npos);
    // F1 lives from before the first step to the swap-out (step index 0), F2 from the read on.
    CHECK(reuses.find("frame_life[NFRAMES > 0 ? NFRAMES : 1] = {\n\t{ -1, 0 },\n\t{ 1, 1073741824 },\n};") !=
          std::string::npos);
}

TEST_CASE("a THP program predicts which pages a PMD maps, and the order-0 copy a write makes of one page") {
    // thp-vmsplice-unmap-in-child, interleaving 1: P0 fork P1, P0 write v0, ...
    const CowPolicy& p = test::policy("linux-6.18");
    const Spec s = spec("thp-vmsplice-unmap-in-child");
    const std::string c = emit_program(s, p, interleavings(s, p).at(0), 1, 4);
    CHECK(c.find("#define THP 1") != std::string::npos);
    CHECK(c.find("#define NPSTATES 22") != std::string::npos);
    CHECK(c.find("#define NFRAMES 3") != std::string::npos);
    // copy_huge_pmd() shares the PMD with the child: both map both pages, mapcount 2.
    CHECK(c.find("page state after step 1 (P0 fork P1): P1 v1 present, frame F2 (PMD-mapped "
                 "THP), mapcount 2, not in the swapcache") != std::string::npos);
    // do_huge_pmd_wp_page() splits the parent's PMD and wp_page_copy() copies one page.
    CHECK(c.find("page state after step 2 (P0 write v0): P0 v0 present, frame F3 (new, order 0), "
                 "mapcount 1, not in the swapcache") != std::string::npos);
    CHECK(c.find("page state after step 2 (P0 write v0): P0 v1 present, frame F2 (PTE-mapped "
                 "THP), mapcount 2, not in the swapcache") != std::string::npos);
    CHECK(c.find("page state after step 2 (P0 write v0): P1 v0 present, frame F1 (PMD-mapped "
                 "THP), mapcount 1, not in the swapcache") != std::string::npos);
}

TEST_CASE("a thp spec of 4 pages runs on a 16 kB mTHP whose PTEs map it whole where the model has a PMD") {
    const CowPolicy& p = test::policy("linux-6.18");
    CHECK_FALSE(runs_on_mthp(spec("thp-pte-mapped-vmsplice-unmap-in-child")));  // 2 pages: 2 MiB
    const Spec s = spec("mthp-16k-pte-mapped-vmsplice-unmap-in-child");
    REQUIRE(runs_on_mthp(s));
    const auto all = interleavings(s, p);
    REQUIRE(all.size() == 6);
    const std::string c = emit_program(s, p, all.at(0), 1, 6);
    CHECK(c.find("#define THP 1\n#define MTHP 1\n") != std::string::npos);
    CHECK(c.find("#define NPAGES 4") != std::string::npos);
    // Before split_pmd the model's folio is PMD-mapped: the kernel's four PTEs map it whole.
    CHECK(c.find("page state after step 0 (P0 maps and writes its pages): P0 v3 present, frame F4 "
                 "(16 kB mTHP mapped whole (the model's PMD)), mapcount 1, not in the swapcache") !=
          std::string::npos);
    CHECK(c.find("page state after step 1 (P0 split_pmd v0): P0 v0 present, frame F1 (PTE-mapped "
                 "mTHP), mapcount 1, not in the swapcache") != std::string::npos);
    CHECK(compiles(c) == 0);
}

TEST_CASE("a sample of many interleavings is fixed by its seed") {
    CHECK(sample_indices(5, 16) == std::vector<std::size_t>{0, 1, 2, 3, 4});
    const auto a = sample_indices(100, 16);
    CHECK(a.size() == 16);
    CHECK(a == sample_indices(100, 16));
    CHECK(std::is_sorted(a.begin(), a.end()));
}
