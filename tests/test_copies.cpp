// Needless copies: exact minimum and maximum over complete executions, and the paper's claim
// made concrete (PreCOP never copies needlessly; RelCOP sometimes does; 5.9 more often).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "checker/run/copies.hpp"
#include "checker/views/explain.hpp"
#include "checker/run/replay.hpp"
#include "checker/run/trace.hpp"
#include "tests/model_helpers.hpp"

using namespace cowpin;
namespace fs = std::filesystem;

namespace {

Spec spec(const std::string& name) {
    return load_spec(std::string(COWPIN_SOURCE_DIR) + "/specs/" + name + ".json");
}

std::string range(const std::optional<CopyRange>& r) {
    return r ? std::to_string(r->min) + ".." + std::to_string(r->max) : "-";
}

}  // namespace

TEST_CASE("precop makes no needless copy in any shipped scenario") {
    for (const auto& e : fs::directory_iterator(std::string(COWPIN_SOURCE_DIR) + "/specs")) {
        if (e.path().extension() != ".json") continue;
        const Spec s = load_spec(e.path().string());
        if (!s.scenario) continue;
        const CopyReport rep = analyze_copies(s, test::policy("precop"));
        INFO(s.name);
        REQUIRE(rep.needless.has_value());
        CHECK(rep.needless->max == 0);
        CHECK_FALSE(rep.witness.has_value());
    }
}

TEST_CASE("linux-5.19 copies a previously-shared page it holds a FOLL_GET on, needlessly") {
    const Spec s = spec("get-on-previously-shared-page-then-write");
    const CopyReport relcop = analyze_copies(s, test::policy("linux-5.19"));
    CHECK(range(relcop.copies) == "1..1");
    CHECK(range(relcop.needless) == "1..1");
    REQUIRE(relcop.witness.has_value());
    CHECK(relcop.witness->steps() == 5);
    CHECK(format_action(relcop.witness->actions.back()) == "P0 write v0");
    const CopyReport precise = analyze_copies(s, test::policy("precop"));
    CHECK(range(precise.copies) == "0..0");
    CHECK(range(precise.needless) == "0..0");
}

TEST_CASE("linux-5.9 needlessly copies a page that sits in the swapcache, 5.19 does not") {
    const Spec s = spec("write-after-swap-in");
    const CopyReport old = analyze_copies(s, test::policy("linux-5.9"));
    CHECK(range(old.copies) == "1..1");
    CHECK(range(old.needless) == "1..1");
    REQUIRE(old.witness.has_value());
    CHECK(old.witness->steps() == 3);
    const CopyReport relcop = analyze_copies(s, test::policy("linux-5.19"));
    CHECK(range(relcop.needless) == "0..0");
    CHECK(range(analyze_copies(s, test::policy("linux-5.18")).needless) == "0..0");
}

TEST_CASE("min and max differ when only some interleavings copy") {
    // Paper test1 seq #1 under 5.19: the child's write may come before or after the parent's.
    const CopyReport rep = analyze_copies(spec("paper-test1-seq1-ro-ref-after-fork"),
                                          test::policy("linux-5.19"));
    CHECK(range(rep.copies) == "1..2");
    CHECK(range(rep.needless) == "0..1");
    CHECK(rep.needless_edges == 1);
}

TEST_CASE("a scenario whose every execution is stuck has no copy range") {
    // The write faults on the migration entry and waits for a migration nothing finishes.
    const Spec s = parse_spec(R"({"name": "stuck", "bounds": {"processes": 1, "pages": 1,
        "handles": 1, "swap_slots": 1}, "programs": {"P0": ["migrate_start v0", "write v0"]},
        "expect": {"default": "stuck"}})", "stuck.json");
    const CopyReport rep = analyze_copies(s, test::policy("linux-5.19"));
    CHECK_FALSE(rep.copies.has_value());
    CHECK(rep.run.stuck_states == 2);
    CHECK(rep.run.complete_states == 0);
}

TEST_CASE("a needless-copy witness is written like a counterexample and replays") {
    const Spec s = spec("write-after-swap-in");
    const CopyReport rep = analyze_copies(s, test::policy("linux-5.9"));
    REQUIRE(rep.witness.has_value());
    const fs::path dir = fs::temp_directory_path() / "cowpin-test-copies";
    fs::remove_all(dir);
    const std::string path = write_trace(rep.run, *rep.witness, dir.string());
    CHECK(fs::path(path).filename() == "write-after-swap-in.linux-5.9.needless_copy.json");
    const nlohmann::json t = load_trace(path);
    CHECK(t["kind"] == "needless_copy");
    CHECK(t["needless_copy"]["step"] == 3);
    const ReplayOutcome ok = replay_trace(path);
    CHECK(ok.exit_code == 0);
    CHECK(ok.message ==
          "reproduced: a needless copy at step 3: Needless copy: P0 write v0 copies a page no "
          "other process maps or references");
    const std::string text = explain_trace(t, ok.decisions);
    CHECK(text.rfind("write-after-swap-in under linux-5.9: a needless copy after 3 steps\n", 0) == 0);
    CHECK(text.find("\nNeedless copy at step 3:\n  Needless copy: P0 write v0 copies a page") !=
          std::string::npos);
    // Under 5.18's name the recorded decisions are not 5.18's: a divergence naming the first
    // decision point that differs (5.18 frees the swapcache before the refcount test).
    nlohmann::json other = t;
    other["policy"] = "linux-5.18";
    const fs::path p2 = dir / "other.json";
    std::ofstream(p2) << other.dump();
    const ReplayOutcome diverged = replay_trace(p2.string());
    CHECK(diverged.exit_code == 1);
    CHECK(diverged.message ==
          "diverges: the trace's decisions are not those of the built-in policy linux-5.18: field "
          "'policy_decisions.write_fault' is \"refcount\" in the trace; replay derives "
          "\"refcount_free_swap\"");
    fs::remove_all(dir);
}
