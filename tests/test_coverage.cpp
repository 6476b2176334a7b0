// Coverage (checker/run/coverage.hpp): how often each action, each outcome of each decision
// point and each program step fired, counted per transition of the explored graph; and the
// warnings for a step or a claimed decision point that never fires.
#include <doctest/doctest.h>

#include <string>

#include "checker/run/coverage.hpp"
#include "checker/run/run.hpp"
#include "tests/model_helpers.hpp"

using namespace cowpin;

namespace {

Spec spec_file(const std::string& name) {
    return load_spec(std::string(COWPIN_SOURCE_DIR) + "/specs/" + name + ".json");
}

Coverage coverage_of(const Spec& spec, const std::string& policy) {
    RunOptions opts;
    opts.coverage = true;
    const RunResult r = run_check(spec, test::policy(policy), opts);
    REQUIRE(r.coverage.has_value());
    return *r.coverage;
}

std::array<std::uint64_t, 2> outcomes(const Coverage& c, Decision d) {
    return c.decisions[static_cast<int>(d)];
}

}  // namespace

TEST_CASE("fork with a R/W pin: 5.7 shares the page and the write copies, 5.19 copies at fork") {
    const Spec spec = spec_file("fork-with-rw-longterm-pin");
    const Coverage old = coverage_of(spec, "linux-5.7");
    CHECK(outcomes(old, Decision::fork) == std::array<std::uint64_t, 2>{1, 0});         // share
    CHECK(outcomes(old, Decision::write_fault) == std::array<std::uint64_t, 2>{0, 1});  // copy
    const Coverage relcop = coverage_of(spec, "linux-5.19");
    CHECK(outcomes(relcop, Decision::fork) == std::array<std::uint64_t, 2>{0, 1});  // copy
    CHECK(outcomes(relcop, Decision::write_fault) == std::array<std::uint64_t, 2>{0, 0});
    CHECK(relcop.actions[static_cast<int>(Op::iouring_fixed)] == 1);
    CHECK(relcop.steps[0].size() == 3);
    for (const ProgramStepCount& n : relcop.steps[0]) CHECK(n.taken == 1);
    CHECK(coverage_warnings(spec, test::policy("linux-5.19"), relcop).empty());
}

TEST_CASE("a refused call counts as taken, with its reason, and as the decision that refused it") {
    const Spec spec = spec_file("pinned-page-refused-calls");
    const Coverage c = coverage_of(spec, "linux-6.18");
    CHECK(c.steps[0][1].taken == 1);
    CHECK(c.steps[0][1].noop == 1);
    CHECK(c.steps[0][1].reason == NoOp::pageout_refused);
    CHECK(c.steps[0][2].reason == NoOp::read_present);
    CHECK(outcomes(c, Decision::swap_out) == std::array<std::uint64_t, 2>{0, 1});
    const Coverage old = coverage_of(spec, "linux-5.9");
    CHECK(outcomes(old, Decision::swap_out) == std::array<std::uint64_t, 2>{1, 0});
    CHECK(outcomes(old, Decision::swap_in) == std::array<std::uint64_t, 2>{0, 1});      // R/O
    CHECK(outcomes(old, Decision::write_fault) == std::array<std::uint64_t, 2>{0, 1});  // copy
}

TEST_CASE("a step no execution takes and a claimed decision point that never fires are warned about") {
    const Spec spec = parse_spec(R"({"name": "claims", "bounds": {"processes": 2, "pages": 1,
        "handles": 1, "swap_slots": 1}, "programs": {"P0": ["migrate_start v0", "write v0"]},
        "exercises": ["write_fault"], "expect": {"default": "stuck"}})", "claims.json");
    const Coverage c = coverage_of(spec, "linux-6.18");
    const std::vector<std::string> w = coverage_warnings(spec, test::policy("linux-6.18"), c);
    REQUIRE(w.size() == 2);
    CHECK(w[0] == "claims under linux-6.18: step programs.P0[1] ('write v0') never fires");
    CHECK(w[1] == "claims under linux-6.18: decision point write_fault never fires (the spec's "
                  "\"exercises\" names it)");
}

TEST_CASE("an exhaustive spec is held to every decision point its actions can reach" *
          doctest::test_suite("slow")) {
    const Spec spec = spec_file("exhaustive-pins");
    CHECK(reachable_decisions(spec, test::policy("linux-6.18")) ==
          (kAllDecisions & ~(1u << static_cast<int>(Decision::gup_read_get)) &
           ~(1u << static_cast<int>(Decision::odirect)) &
           ~(1u << static_cast<int>(Decision::hugetlb_fork)) &
           ~(1u << static_cast<int>(Decision::hugetlb_write_fault)) &
           ~(1u << static_cast<int>(Decision::huge_pmd_write_fault)) &
           ~(1u << static_cast<int>(Decision::large_folio_write_fault)) &
           ~(1u << static_cast<int>(Decision::collapse))));
    for (const CowPolicy* p : all_policies()) {
        const Coverage c = coverage_of(spec, p->name);
        INFO(p->name);
        CHECK(c.of_interest == c.reachable);
        CHECK(coverage_warnings(spec, *p, c).empty());
    }
}
