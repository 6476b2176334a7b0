// The shipped specs: exact numbers for every scenario under every policy, and the properties
// of their counterexamples (shortest, replayable, consequences named).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <utility>

#include "checker/views/report.hpp"
#include "checker/run/run.hpp"
#include "checker/formats/spec.hpp"
#include "tests/model_helpers.hpp"
#include "tests/scenario_rows.hpp"

using namespace cowpin;
using cowpin::test::kRows;
using cowpin::test::Row;

namespace {

std::string spec_path(const std::string& name) {
    return std::string(COWPIN_SOURCE_DIR) + "/specs/" + name + ".json";
}


std::string violations(const RunResult& r) {
    std::string out;
    for (const Counterexample& cx : r.counterexamples) {
        if (!out.empty()) out += ' ';
        out += std::string(invariant_table()[static_cast<int>(cx.invariant)].name) + ":" +
               std::to_string(cx.steps());
    }
    return out;
}

}  // namespace

TEST_CASE("every shipped scenario gives its pinned numbers under every policy") {
    // 33 base scenarios × 11 policies, 11 hugetlb, 83 THP and 56 16 kB mTHP ones × 9
    CHECK(std::size(kRows) == 1713);
    for (const Row& row : kRows) {
        const Spec spec = load_spec(spec_path(row.spec));
        const RunResult r = run_check(spec, test::policy(row.policy));
        INFO(row.spec << " under " << row.policy);
        CHECK(r.stats.states == row.states);
        CHECK(r.stats.transitions == row.transitions);
        CHECK(r.stats.depth == row.depth);
        CHECK(r.complete_states == row.complete);
        CHECK(r.stuck_states == row.stuck);
        CHECK(violations(r) == row.violations);
        CHECK(r.matches());
    }
}

TEST_CASE("the pinned numbers cover every scenario spec under every built-in policy once") {
    std::set<std::pair<std::string, std::string>> seen;
    for (const Row& row : kRows) {
        INFO(row.spec << " under " << row.policy);
        CHECK(test::policy(row.policy).name == row.policy);
        CHECK(seen.emplace(row.spec, row.policy).second);
    }
    std::set<std::string> scenarios;
    for (const std::string& f : spec_files_in(std::string(COWPIN_SOURCE_DIR) + "/specs")) {
        const Spec spec = load_spec(f);
        if (spec.name.rfind("exhaustive", 0) != 0) scenarios.insert(spec.name);
    }
    // MODEL.md §7, the paper's 4 tests, 2 needless-copy, the uffd-wp twin, the mechanism-level
    // FOLL_GET leak, a pinned page's refused calls, cow.c's two mprotect() variants, and cow.c's
    // anonymous tests on hugetlb (11), on a THP (29: PMD-mapped, PTE-mapped, single PTE) and on
    // a 16 kB mTHP (56: PTE-mapped, single PTE, each also swapped out, partially shared)
    CHECK(scenarios.size() == 183);
    std::size_t runs = 0;
    for (const std::string& name : scenarios) {
        const Spec spec = load_spec(spec_path(name));
        for (const CowPolicy* p : all_policies()) {
            INFO(name << " under " << p->name);
            // A policy that does not model the spec's memory has no row: it is refused.
            CHECK(seen.count({name, p->name}) == (spec.refusal(*p).empty() ? 1u : 0u));
            runs += spec.refusal(*p).empty();
        }
    }
    CHECK(seen.size() == runs);
}

TEST_CASE("no scenario tells freebsd from linux-5.7 or netbsd from linux-5.8") {
    // They differ only in whether swap_out and migrate may unmap a page with GUP references
    // (test_policies.cpp). No scenario migrates; the swapped-out-* ones swap a page before anyone
    // pins or gets it. pinned-page-refused-calls, the one scenario that swaps a pinned page out,
    // takes different paths but ends with the same numbers: this test pins that they stay equal.
    auto row_of = [](const std::string& spec, const std::string& pol) -> const Row& {
        for (const Row& r : kRows)
            if (r.spec == spec && r.policy == pol) return r;
        FAIL("no row for " << spec << " under " << pol);
        return kRows[0];
    };
    for (const Row& r : kRows) {
        const std::string pol = r.policy;
        if (pol != "freebsd" && pol != "netbsd") continue;
        const Row& twin = row_of(r.spec, pol == "freebsd" ? "linux-5.7" : "linux-5.8");
        INFO(r.spec << " under " << pol);
        CHECK(r.states == twin.states);
        CHECK(r.transitions == twin.transitions);
        CHECK(r.depth == twin.depth);
        CHECK(r.complete == twin.complete);
        CHECK(r.stuck == twin.stuck);
        CHECK(std::string(r.violations) == twin.violations);
    }
}

TEST_CASE("every shipped spec parses and has a verdict for every policy it checks") {
    const std::vector<std::string> files = spec_files_in(std::string(COWPIN_SOURCE_DIR) + "/specs");
    CHECK(files.size() == 191);  // 183 scenarios and 8 exhaustive specs
    for (const std::string& f : files) {
        const Spec spec = load_spec(f);
        CHECK(spec.sha256.size() == 64);
        for (const std::string& p : spec.policies) CHECK(spec.expected(p).has_value());
    }
}

TEST_CASE("the CVE-2020-29374 counterexample under linux-5.7 is fork, vmsplice, munmap, write") {
    const Spec spec = load_spec(spec_path("vmsplice-unmap-in-child"));
    const RunResult r = run_check(spec, test::policy("linux-5.7"));
    REQUIRE(r.counterexamples.size() == 1);
    const Counterexample& cx = r.counterexamples[0];
    CHECK(cx.invariant == Inv::get_no_leak);
    REQUIRE(cx.steps() == 4);
    CHECK(format_action(cx.actions[0]) == "P0 fork P1");
    CHECK(format_action(cx.actions[1]) == "P1 vmsplice v0 h0");
    CHECK(format_action(cx.actions[2]) == "P1 munmap v0");
    CHECK(format_action(cx.actions[3]) == "P0 write v0");
    CHECK(cx.message == "Leak through a GUP reference (h0 of P1 v0 reads a value written by P0)");
    CHECK(cx.earlier.empty());
    CHECK(replay_divergence(CowModel(spec.model_config(test::policy("linux-5.7"))), cx.actions,
                            cx.states)
              .empty());
}

TEST_CASE("a violation that follows an earlier one is named a consequence of it") {
    // 5.19: a R/W get survives fork (memory_private), then the child R/O-pins its page, which
    // was never what the child should see: the pin is unreliable only because of the leak.
    const Spec spec = parse_spec(R"({
        "name": "get-fork-dma-then-pin", "bounds": {"processes": 2, "pages": 1, "handles": 2,
        "swap_slots": 0}, "programs": {"P0": ["get rw v0 h0", "fork P1", "dma_write h0",
        "unpin h0"], "P1": ["pin ro v0 h1"]}, "expect": {"default": "holds"}})",
                                 "inline.json");
    const RunResult r = run_check(spec, test::policy("linux-5.19"));
    CHECK(verdict_string(r.violated) == "memory_private, pin_reliable");
    REQUIRE(r.counterexamples.size() == 2);
    const Counterexample& pr = r.counterexamples[1];
    CHECK(pr.invariant == Inv::pin_reliable);
    CHECK(pr.steps() == 4);  // get, fork, DMA (the leak), the child's pin
    REQUIRE(pr.cause().has_value());
    CHECK(pr.cause()->first == Inv::memory_private);
    CHECK(pr.cause()->second == 3);
    CHECK(r.counterexamples[0].cause() == std::nullopt);
}

TEST_CASE("every shipped scenario has complete executions and none that is stuck") {
    // Nothing may hold over zero complete executions; a stuck scenario must say so.
    for (const std::string& f : spec_files_in(std::string(COWPIN_SOURCE_DIR) + "/specs")) {
        const Spec spec = load_spec(f);
        if (!spec.scenario) continue;
        for (const std::string& name : spec.policies) {
            const RunResult r = run_check(spec, test::policy(name));
            INFO(spec.name << " under " << name);
            CHECK(r.complete_states > 0);
            CHECK(r.stuck_states == 0);
            CHECK((r.violated & kStuckVerdict) == 0);
        }
    }
}

TEST_CASE("a refused swap-out is a step that changes nothing: the execution goes on") {
    // 5.19 refuses to swap out a pinned page (MADV_PAGEOUT returns, the page stays); 5.7 swaps it
    // out and the swapcache keeps the pinned page, which the write reuses.
    const std::string text = R"({"name": "pinned-swap-out", "bounds": {"processes": 1,
        "pages": 1, "handles": 1, "swap_slots": 1}, "programs": {"P0": ["iouring_fixed v0 h0",
        "swap_out v0", "write v0"]}, "expect": {"default": "holds"}})";
    const Spec spec = parse_spec(text, "inline.json");
    const RunResult relcop = run_check(spec, test::policy("linux-5.19"));
    CHECK(relcop.stats.states == 4);
    CHECK(relcop.stuck_states == 0);
    CHECK(relcop.complete_states == 1);
    CHECK(relcop.violated == 0);
    const RunResult old = run_check(spec, test::policy("linux-5.7"));
    CHECK(old.stats.states == 4);
    CHECK(old.complete_states == 1);
    CHECK(verdict_string(old.violated) == "holds");
}

TEST_CASE("environment actions interleave with the programs on any frame") {
    const Spec base = load_spec(spec_path("fork-with-rw-longterm-pin"));
    Spec spec = base;
    spec.environment = op_bit(Op::swap_out) | op_bit(Op::reclaim);
    const RunResult quiet = run_check(base, test::policy("linux-5.9"));
    const RunResult busy = run_check(spec, test::policy("linux-5.9"));
    CHECK(quiet.stats.states == 4);
    CHECK(busy.stats.states > quiet.stats.states);
    // 5.9 shares a pinned page through the swap entry at fork (kernel-cow.md §5.2, #10).
    CHECK(verdict_string(busy.violated) == "pinned_exclusive, pin_reliable");
}

TEST_CASE("--bound overrides the spec's bounds and then ignores its pinned state counts") {
    const Spec spec = load_spec(spec_path("basic-cow-after-fork"));
    RunOptions opts;
    opts.bounds = Bounds{3, 2, 1, 1, 0};
    const RunResult r = run_check(spec, test::policy("linux-5.19"), opts);
    CHECK(r.bounds.pages == 2);
    CHECK_FALSE(r.expected_states.has_value());
    opts.bounds = Bounds{1, 1, 1, 1, 0};
    CHECK_THROWS_AS(run_check(spec, test::policy("linux-5.19"), opts), SpecError);
}

TEST_CASE("a run stopped by the memory cap is incomplete, never a false holds") {
    const Spec spec = load_spec(spec_path("exhaustive-pins"));
    RunOptions opts;
    opts.limits.max_bytes = 1;  // stops at the first check
    const RunResult relcop = run_check(spec, test::policy("linux-5.19"), opts);
    CHECK_FALSE(relcop.stats.complete);
    CHECK(relcop.stats.memory_limited);
    CHECK(relcop.violated == 0);
    CHECK(relcop.verdict_matches());  // nothing refutes "holds" ...
    CHECK(relcop.states_match());     // ... nor the state count ...
    CHECK_FALSE(relcop.matches());    // ... but nothing confirms them either
    CHECK(verdict_line(relcop).find("no violation in the states explored") != std::string::npos);
    CHECK(verdict_line(relcop).find("INCOMPLETE (memory limit reached") != std::string::npos);
    // A violation the spec does not expect refutes it even in an incomplete run.
    Spec strict = spec;
    strict.expect["linux-5.7"] = 0;
    opts.limits.max_bytes = 0;
    opts.limits.max_states = 1000;
    const RunResult old = run_check(strict, test::policy("linux-5.7"), opts);
    CHECK_FALSE(old.stats.complete);
    CHECK_FALSE(old.stats.memory_limited);
    CHECK(old.violated != 0);
    CHECK_FALSE(old.verdict_matches());
}
