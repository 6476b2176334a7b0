// Which action family first discovers each state (engine::Result::discovered_by, printed by
// `cowpin check --stats`): every state but the initial one is counted once, the same on one and
// two threads and in compact mode (the first discovery is the same parent and action there).
#include <doctest/doctest.h>

#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "checker/engine/bfs.hpp"
#include "checker/formats/spec.hpp"
#include "checker/run/run.hpp"
#include "tests/model_helpers.hpp"

using namespace cowpin;

TEST_CASE("every state but the initial one is first discovered by exactly one action family") {
    const Spec spec = load_spec(std::string(COWPIN_SOURCE_DIR) + "/specs/exhaustive-pins.json");
    const CowModel model(run_config(spec, test::policy("linux-5.19"), RunOptions{}));
    engine::Explorer<CowModel> one(model, {1, false}), two(model, {2, false}), compact(model, {2, true});
    const engine::Result a = one.run(), b = two.run(), c = compact.run();
    REQUIRE(a.states == 57515);  // the spec's symmetric_states
    REQUIRE(a.discovered_by.size() == static_cast<std::size_t>(kOps));
    CHECK(std::accumulate(a.discovered_by.begin(), a.discovered_by.end(), std::uint64_t{0}) ==
          a.states - 1);
    CHECK(b.discovered_by == a.discovered_by);
    CHECK(c.discovered_by == a.discovered_by);
    auto by = [&](Op op) { return a.discovered_by[static_cast<int>(op)]; };
    // Migration makes most of the states of this spec: an entry per mapping, and each
    // migrate_finish lands in another frame or, pinned, back in the same one.
    CHECK(by(Op::migrate_finish) == 22356);
    CHECK(by(Op::migrate_start) == 18728);
    CHECK(by(Op::fork) == 943);
    CHECK(by(Op::get) == 0);  // not a family of this spec
    CHECK(by(Op::wait) == 0);
}
