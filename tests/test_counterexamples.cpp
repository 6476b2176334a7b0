// Every checked-in counterexample still replays through the model and still violates its
// invariant (cf. CaDiCaL's test/trace/ regression traces): a model change that silently "fixes"
// a known bug fails here loudly.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "checker/run/replay.hpp"
#include "checker/run/trace.hpp"

namespace fs = std::filesystem;
using namespace cowpin;

namespace {

std::vector<fs::path> checked_in() {
    std::vector<fs::path> traces;
    for (const auto& e : fs::directory_iterator(fs::path(COWPIN_SOURCE_DIR) / "counterexamples"))
        if (e.path().extension() == ".json" && e.path().filename() != "trace.schema.json")
            traces.push_back(e.path());
    std::sort(traces.begin(), traces.end());
    return traces;
}

}  // namespace

TEST_CASE("every checked-in counterexample replays and reproduces its violation") {
    const std::vector<fs::path> traces = checked_in();
    CHECK(traces.size() == 599);
    for (const fs::path& t : traces) {
        const ReplayOutcome r = replay_trace(t.string());
        INFO(t.filename().string() << ": " << r.message);
        CHECK(r.exit_code == 0);
        CHECK(r.notes.empty());
        CHECK(r.message.rfind("reproduced: ", 0) == 0);
    }
}

TEST_CASE("the checked-in counterexamples are one per violated invariant of each spec and policy") {
    std::map<std::string, int> per_policy;
    for (const fs::path& t : checked_in()) {
        const nlohmann::json j = load_trace(t.string());
        const bool witness = j.value("kind", std::string("violation")) == "needless_copy";
        CHECK(t.filename().string() ==
              j["spec"]["name"].get<std::string>() + "." + j["policy"].get<std::string>() + "." +
                  (witness ? std::string("needless_copy") : j["invariant"].get<std::string>()) +
                  ".json");
        ++per_policy[j["policy"].get<std::string>()];
    }
    // The paper's tests add test1 seq #1 and #2, test2 and test3 to 5.7, seq #2 and test3 to 5.8,
    // test3 to every later Linux up to 5.19 (O_DIRECT takes a FOLL_GET until 6.4); the
    // mechanism-level R/W FOLL_GET before fork leaks in every era; the uffd-wp twin breaks the
    // pin in 5.9 to 5.18, the clear_refs one in 5.9 only; a pinned page swapped out and read
    // back breaks in 5.9 (MP, PR); cow.c's mprotect() variant of vmsplice-in-child leaks
    // where vmsplice-in-child does (5.7, freebsd). On hugetlb (cow.c's anonymous tests): the four vmsplice
    // tests leak in every era but 5.8 (whose forced COW break covers hugetlb), which still
    // leaks vmsplice before fork; a R/O pin of a shared huge page breaks (PE, PR) in 5.7 and
    // 5.9-5.18, a fixed buffer across fork() in 5.7-5.9 (hugetlb early COW came in 5.12);
    // exhaustively on hugetlb, PE MP PR GNL up to 5.18 and MP PR GNL from 5.19. On a THP
    // (29 cow.c scenarios, + 3 PE MP PR exhaustively up to 5.18): 5.7 leaks through every
    // vmsplice (11), loses the fixed buffer at fork (3 x 2) and pins shared pages (3 x 2);
    // 5.8 leaks vmsplice before fork (3) and shares the pinned THP at fork (3 x 2); 5.9-5.17
    // keep the CVE open on a PMD (3), pin shared pages (3 x 2) and lose R/O-mapped pins by the
    // refcount (6); 5.18 closes the CVE, yet a pinned PMD-mapped THP is split and copied.
    // On a swapped-out page (11 cow.c scenarios, the last term): as on a base page, and
    // 5.9-5.17 leak the three vmsplice-and-unmap tests through do_swap_page()'s
    // reuse_swap_page() (8 in 5.7, 5.9, 5.11 and freebsd; 3 in 5.8 and netbsd; 5 in 5.18).
    // On a partially shared THP (11 cow.c scenarios, the next term): as on a PTE-mapped one.
    // A whole-THP mprotect() keeps the PMD (4 cow.c scenarios, the last term): 5.7 and 5.9-5.17
    // leak through vmsplice in the child; 5.18 splits and copies a R/O-mapped pinned THP (2).
    // The three swapped-out THP variants (33 scenarios, 3 × the last term): as the swapped-out
    // base page, since their pages come back order-0. clear_refs on a pinned THP (the + 1s):
    // 5.9 and 5.10 write-protect its PTE (no pte_is_pinned() yet), every era its PMD
    // (clear_soft_dirty_pmd() has no pinned check), and only 5.18 then copies the PMD away.
    // On a 16 kB mTHP, PTE-mapped or a single PTE of it (23 cow.c scenarios, the last term): as
    // on the 2-page THP's two variants: 5.7 leaks through vmsplice (8), loses the fixed buffer
    // at fork (2 x 2) and pins shared pages (2 x 2); 5.8 leaks vmsplice before fork (2) and
    // shares the pinned folio at fork (2 x 2); 5.9-5.17 pin shared pages (2 x 2) and lose
    // R/O-mapped pins by the refcount (3 + 3, and the clear_refs one in 5.9). Swapped out, its
    // two variants (22 scenarios, 2 × the next term) come back order-0, as the swapped-out base
    // page; partially shared (11, the last term), as its 2-page twin.
    CHECK(per_policy["linux-5.7"] ==
          20 + 1 + 4 + 2 + 2 + 4 + 11 + 6 + 6 + 3 + 8 + 8 + 1 + 3 * 8 + 16 + 2 * 8 + 8);
    CHECK(per_policy["linux-5.8"] == 14 + 1 + 2 + 4 + 3 + 6 + 3 + 3 + 3 + 3 * 3 + 6 + 2 * 3 + 3);
    CHECK(per_policy["linux-5.9"] ==
          18 + 4 + 2 + 2 + 4 + 3 + 6 + 6 + 3 + 8 + 5 + 1 + 3 * 8 + 1 + 11 + 2 * 8 + 5);
    CHECK(per_policy["linux-5.11"] ==
          15 + 4 + 2 + 4 + 3 + 6 + 6 + 3 + 8 + 5 + 1 + 3 * 8 + 10 + 2 * 8 + 5);
    CHECK(per_policy["linux-5.18"] ==
          14 + 4 + 2 + 4 + 6 + 6 + 1 + 3 + 5 + 5 + 2 + 3 * 5 + 1 + 10 + 2 * 5 + 5);
    // O_DIRECT before fork, test3, FOLL_GET; gets, and the system calls exhaustively: MP, PR;
    // the four hugetlb vmsplice tests (cow.c's XFAILs)
    CHECK(per_policy["linux-5.19"] == 7 + 4 + 3);
    CHECK(per_policy["linux-6.18"] == 3 + 4 + 3 + 2);  // FOLL_GET before fork; gets: MP, PR
    // PreCOP holds every invariant on every spec, gets included.
    CHECK(per_policy.count("precop") == 0);
    // As linux-5.7 on the scenarios (14 + 8 traces), and PE MP PR (+ GNL with gets) exhaustively.
    CHECK(per_policy["freebsd"] == 21 + 8);
    // As linux-5.8 on the scenarios (7 + 3 traces), and PE MP PR (+ GNL with gets) exhaustively.
    CHECK(per_policy["netbsd"] == 14 + 3);
    CHECK(per_policy.count("eager-copy") == 0);
    int total = 0;
    for (const auto& [policy, n] : per_policy) total += n;
    CHECK(total == 599);
}
