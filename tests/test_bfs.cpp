// The engine (BFS explorer and state store) on toy transition systems, with no page/COW model
// involved. All expected numbers are worked out by hand in the comments next to them.
#include <doctest/doctest.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "checker/engine/bfs.hpp"
#include "checker/engine/state_store.hpp"
#include "tests/toy_models.hpp"

using namespace cowpin;
using engine::Explorer;
using engine::kNoParent;
using engine::Limits;
using engine::Progress;
using engine::Result;
using engine::StateId;
using toy::FixedGraph;

namespace {

// Vertex 4 is unreachable; 5 is reachable by 0-1-3-5 (edges listed first) and by the shorter
// 0-2-5; 6 has a self-loop; 7 closes a cycle back to 0.
// Invariants: 0 "not 5", 1 "not 7", 2 "not 3", 3 "not 3 and not 5", 4 "not 4" (unreachable).
std::vector<FixedGraph::Edge> main_edges() {
    return {{0, 1}, {0, 2}, {1, 3}, {3, 5}, {2, 5}, {5, 6}, {6, 6}, {6, 7}, {7, 0}, {4, 0}};
}
std::vector<std::vector<std::uint32_t>> main_bad() { return {{5}, {7}, {3}, {5, 3}, {4}}; }
FixedGraph main_graph() { return FixedGraph(8, main_edges(), main_bad()); }

// BFS on main_graph, by hand (successors in edge-list order):
//   id0 v0 -> id1 v1 (edge 0), id2 v2 (edge 1)
//   id1 v1 -> id3 v3 (edge 2)
//   id2 v2 -> id4 v5 (edge 4)
//   id3 v3 -> v5 again
//   id4 v5 -> id5 v6 (edge 5)
//   id5 v6 -> v6 again, id6 v7 (edge 7)
//   id6 v7 -> v0 again
// Levels {0} {1,2} {3,5} {6} {7}: 7 states, 9 enabled transitions, depth 4.

template <class M>
std::vector<std::uint32_t> vertices(const Explorer<M>& ex, const std::vector<StateId>& ids) {
    std::vector<std::uint32_t> v;
    for (StateId id : ids) v.push_back(ex.state(id).vertex);
    return v;
}

template <class M>
std::vector<StateId> all_ids(const Explorer<M>& ex) {
    std::vector<StateId> ids;
    for (StateId id = 0; id < ex.size(); ++id) ids.push_back(id);
    return ids;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Modular counter

TEST_CASE("explores every state of the modular counter exactly once") {
    const toy::ModCounter model(10);
    Explorer ex(model);
    const Result r = ex.run();

    // Value v is first reached at depth ceil(v/2); every state offers 2 enabled actions.
    CHECK(r.states == 10);
    CHECK(ex.size() == 10);
    CHECK(r.transitions == 20);
    CHECK(r.depth == 5);
    CHECK(r.complete);
    CHECK_FALSE(r.depth_limited);
    CHECK(r.level_states == std::vector<std::uint64_t>{1, 2, 2, 2, 2, 1});
    CHECK(r.partial_level == 0);
    REQUIRE(r.first_violation.size() == 1);
    CHECK_FALSE(r.first_violation[0].has_value());

    for (std::uint32_t v = 0; v < 10; ++v) {
        INFO("value " << v);
        CHECK(ex.find({v}) == v);
    }
}

TEST_CASE("the modular counter's ids, parents and actions follow BFS discovery order") {
    const toy::ModCounter model(10);
    Explorer ex(model);
    ex.run();
    const auto& st = ex;

    // Level d holds values 2d-1 and 2d, discovered low value first, so id == value.
    for (StateId id = 0; id < 10; ++id) CHECK(st.state(id).value == id);

    CHECK(st.parent(0) == kNoParent);
    CHECK(st.action(0) == toy::CounterAction{});
    CHECK(st.parent(1) == 0);
    CHECK(st.action(1).step == 1);
    // 2 comes from 0 by +2; from then on v is first found from v-2 by +2 (v-1 was expanded
    // earlier but its +1 lands on an already-seen value).
    for (StateId v = 2; v < 10; ++v) {
        INFO("value " << v);
        CHECK(st.parent(v) == v - 2);
        CHECK(st.action(v).step == 2);
    }
    CHECK(ex.path_to(9) == std::vector<StateId>{0, 1, 3, 5, 7, 9});
    CHECK(ex.path_to(0) == std::vector<StateId>{0});
}

TEST_CASE("a one-state system with self-loops reports depth zero and counts the loops") {
    const toy::ModCounter model(1);  // +1 and +2 mod 1 both lead back to 0
    Explorer ex(model);
    std::vector<Progress> calls;
    const Result r = ex.run({}, [&](const Progress& p) { calls.push_back(p); });

    CHECK(r.states == 1);
    CHECK(r.transitions == 2);
    CHECK(r.depth == 0);
    CHECK(r.complete);
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].states == 1);
    CHECK(calls[0].transitions == 2);
    CHECK(calls[0].depth == 1);
}

TEST_CASE("a large counter forces the store to grow during exploration") {
    const toy::ModCounter model(10000);
    Explorer ex(model);
    const Result r = ex.run();

    CHECK(r.states == 10000);
    CHECK(r.transitions == 20000);
    CHECK(r.depth == 5000);  // ceil(9999 / 2)
    CHECK(ex.state(9999).value == 9999);
    CHECK(ex.path_to(9999).size() == 5001);
}

// ---------------------------------------------------------------------------------------------
// Diamond

TEST_CASE("two paths to the same state in a diamond yield one stored state") {
    const toy::Diamond model(1);
    Explorer ex(model);
    const Result r = ex.run();
    const auto& st = ex;

    // (0,0) -> (1,0), (0,1); (1,0) -> (1,1) new; (0,1) -> (1,1) again.
    CHECK(r.states == 4);
    CHECK(r.transitions == 4);
    CHECK(r.depth == 2);
    CHECK(st.state(0) == toy::GridState{0, 0});
    CHECK(st.state(1) == toy::GridState{1, 0});
    CHECK(st.state(2) == toy::GridState{0, 1});
    CHECK(st.state(3) == toy::GridState{1, 1});
    // The first path to reach the bottom keeps it: via (1,0), by the y step.
    CHECK(st.parent(3) == 1);
    CHECK(st.action(3).axis == 1);
    CHECK(st.find({1, 1}) == 3);
}

TEST_CASE("a grid of diamonds stores each point once despite exponentially many paths") {
    const toy::Diamond model(3);
    Explorer ex(model);
    const Result r = ex.run();

    // 4x4 points; 3*4 x-steps + 3*4 y-steps; 20 distinct paths reach (3,3) at depth 6.
    CHECK(r.states == 16);
    CHECK(r.transitions == 24);
    CHECK(r.depth == 6);
    // Level d is the diagonal x + y = d.
    CHECK(r.level_states == std::vector<std::uint64_t>{1, 2, 3, 4, 3, 2, 1});
    CHECK(r.partial_level == 0);
    const StateId corner = ex.find({3, 3});
    REQUIRE(corner != kNoParent);
    CHECK(corner == 15);
    CHECK(ex.path_to(corner).size() == 7);
}

// ---------------------------------------------------------------------------------------------
// Fixed graph

TEST_CASE("the fixed graph is explored in successor order with every enabled edge counted") {
    const FixedGraph model = main_graph();
    Explorer ex(model);
    const Result r = ex.run();
    const auto& st = ex;

    CHECK(r.states == 7);  // vertex 4 is unreachable
    CHECK(r.transitions == 9);
    CHECK(r.depth == 4);
    CHECK(r.complete);
    CHECK(vertices(ex, all_ids(ex)) == std::vector<std::uint32_t>{0, 1, 2, 3, 5, 6, 7});
    CHECK(st.find({4}) == kNoParent);

    const std::vector<StateId> parents = {kNoParent, 0, 0, 1, 2, 4, 5};
    const std::vector<std::uint32_t> edges = {0, 0, 1, 2, 4, 5, 7};
    for (StateId id = 0; id < 7; ++id) {
        INFO("id " << id);
        CHECK(st.parent(id) == parents[id]);
        CHECK(st.action(id).edge == edges[id]);
    }
}

TEST_CASE("reordering a vertex's edges changes the discovery ids") {
    // Same graph with 0->2 listed before 0->1.
    auto edges = main_edges();
    std::swap(edges[0], edges[1]);
    const FixedGraph model(8, edges, main_bad());
    Explorer ex(model);
    const Result r = ex.run();

    CHECK(r.states == 7);
    CHECK(r.transitions == 9);
    CHECK(r.depth == 4);
    CHECK(vertices(ex, all_ids(ex)) == std::vector<std::uint32_t>{0, 2, 1, 5, 3, 6, 7});
    // Vertices 3 and 5 share depth 2; "not 3 and not 5" now first fails on 5.
    REQUIRE(r.first_violation[3].has_value());
    CHECK(*r.first_violation[3] == 3);
    CHECK(vertices(ex, ex.path_to(*r.first_violation[3])) == std::vector<std::uint32_t>{0, 2, 5});
}

TEST_CASE("two runs of the same model produce identical stores") {
    const FixedGraph model = main_graph();
    Explorer a(model), b(model);
    const Result ra = a.run(), rb = b.run();

    CHECK(ra.states == rb.states);
    CHECK(ra.transitions == rb.transitions);
    REQUIRE(a.size() == b.size());
    for (StateId id = 0; id < a.size(); ++id) {
        CHECK(a.state(id) == b.state(id));
        CHECK(a.parent(id) == b.parent(id));
        CHECK(a.action(id) == b.action(id));
    }
}

TEST_CASE("the counterexample to a bad vertex is the shortest path, not the first listed") {
    const FixedGraph model = main_graph();
    Explorer ex(model);
    const Result r = ex.run();

    // 5 is reachable as 0-1-3-5 (edges listed first) and 0-2-5; BFS keeps the latter.
    REQUIRE(r.first_violation[0].has_value());
    CHECK(*r.first_violation[0] == 4);
    const auto path = ex.path_to(*r.first_violation[0]);
    CHECK(path == std::vector<StateId>{0, 2, 4});
    CHECK(vertices(ex, path) == std::vector<std::uint32_t>{0, 2, 5});
}

TEST_CASE("a violating state is still expanded and exploration continues past it") {
    const FixedGraph model = main_graph();
    Explorer ex(model);
    const Result r = ex.run();

    // 6 and 7 are only reachable through the bad vertex 5.
    CHECK(r.complete);
    CHECK(r.states == 7);
    REQUIRE(r.first_violation[1].has_value());
    CHECK(*r.first_violation[1] == 6);
    CHECK(vertices(ex, ex.path_to(*r.first_violation[1])) ==
          std::vector<std::uint32_t>{0, 2, 5, 6, 7});
}

TEST_CASE("each invariant gets its own first violation") {
    const FixedGraph model = main_graph();
    Explorer ex(model);
    const Result r = ex.run();

    REQUIRE(r.first_violation.size() == 5);
    const std::vector<std::optional<StateId>> expected = {4, 6, 3, 3, std::nullopt};
    CHECK(r.first_violation == expected);
    // "not 3 and not 5": 3 and 5 both sit at depth 2; 3 (id 3) is discovered first.
    CHECK(vertices(ex, ex.path_to(*r.first_violation[2])) == std::vector<std::uint32_t>{0, 1, 3});
    CHECK(vertices(ex, ex.path_to(*r.first_violation[3])) == std::vector<std::uint32_t>{0, 1, 3});
    // An invariant never violated is evaluated on every new state.
    CHECK(model.holds_calls(4) == 7);
}

TEST_CASE("an invariant violated by the initial state has a one-state counterexample") {
    const FixedGraph model(8, main_edges(), {{0}, {7}});
    Explorer ex(model);
    const Result r = ex.run();

    CHECK(r.first_violation[0] == std::optional<StateId>{0});
    CHECK(ex.path_to(0) == std::vector<StateId>{0});
    CHECK(r.first_violation[1] == std::optional<StateId>{6});
    CHECK(r.states == 7);
}

TEST_CASE("an invariant the model does not check is never evaluated or reported") {
    FixedGraph model = main_graph();
    model.uncheck(0);
    Explorer ex(model);
    const Result r = ex.run();

    REQUIRE(r.first_violation.size() == 5);
    CHECK_FALSE(r.first_violation[0].has_value());
    CHECK(model.holds_calls(0) == 0);
    // The others and the exploration itself are unaffected.
    CHECK(r.first_violation[1] == std::optional<StateId>{6});
    CHECK(r.first_violation[2] == std::optional<StateId>{3});
    CHECK(r.states == 7);
    CHECK(r.transitions == 9);
}

TEST_CASE("states at the depth limit are checked but not expanded") {
    const FixedGraph model = main_graph();
    Explorer ex(model);
    const Result r = ex.run(Limits{.max_depth = 2});

    // Levels 0 and 1 expanded (2 + 1 + 1 edges); level 2 = {3, 5} stored, checked, not expanded.
    CHECK(r.states == 5);
    CHECK(r.transitions == 4);
    CHECK(r.depth == 2);
    CHECK(r.depth_limited);
    CHECK(r.complete);
    CHECK(r.level_states == std::vector<std::uint64_t>{1, 2, 2});  // level 2 found whole
    CHECK(vertices(ex, all_ids(ex)) == std::vector<std::uint32_t>{0, 1, 2, 3, 5});
    CHECK(r.first_violation[0] == std::optional<StateId>{4});  // vertex 5, at the limit
    CHECK_FALSE(r.first_violation[1].has_value());              // vertex 7 never reached
}

// ---------------------------------------------------------------------------------------------
// Limits and progress on the counter (levels {0} {1,2} {3,4} {5,6} {7,8} {9})

TEST_CASE("the depth limit stops expansion at that level and sets depth_limited") {
    const toy::ModCounter model(10);

    SUBCASE("limit 1: only the initial state is expanded") {
        Explorer ex(model);
        const Result r = ex.run(Limits{.max_depth = 1});
        CHECK(r.states == 3);
        CHECK(r.transitions == 2);
        CHECK(r.depth == 1);
        CHECK(r.depth_limited);
    }
    SUBCASE("limit 2: levels 0 and 1 are expanded") {
        Explorer ex(model);
        std::vector<Progress> calls;
        const Result r = ex.run(Limits{.max_depth = 2}, [&](const Progress& p) { calls.push_back(p); });
        CHECK(r.states == 5);
        CHECK(r.transitions == 6);
        CHECK(r.depth == 2);
        CHECK(r.depth_limited);
        CHECK(r.complete);
        CHECK(calls.size() == 2);
        CHECK(ex.find({4}) == 4);
        CHECK(ex.find({5}) == kNoParent);
    }
    SUBCASE("limit at the deepest level: all states found, the last level unexpanded") {
        Explorer ex(model);
        const Result r = ex.run(Limits{.max_depth = 5});
        CHECK(r.states == 10);
        CHECK(r.transitions == 18);  // value 9's two edges are not taken
        CHECK(r.depth == 5);
        CHECK(r.depth_limited);
    }
    SUBCASE("limit beyond the deepest level has no effect") {
        Explorer ex(model);
        const Result r = ex.run(Limits{.max_depth = 6});
        CHECK(r.states == 10);
        CHECK(r.transitions == 20);
        CHECK(r.depth == 5);
        CHECK_FALSE(r.depth_limited);
    }
}

TEST_CASE("the state limit stops exploration and marks it incomplete") {
    const toy::ModCounter model(10);

    SUBCASE("limit 4: stops once the store exceeds 4, after the block that passed it") {
        Explorer ex(model);
        std::vector<Progress> calls;
        const Result r = ex.run(Limits{.max_states = 4}, [&](const Progress& p) { calls.push_back(p); });
        // id0 -> 1,2 (3 states); id1 -> 3 (4); id2 -> 4 (5 > 4): stop after expanding id2.
        CHECK_FALSE(r.complete);
        CHECK(r.states == 5);
        CHECK(r.transitions == 6);
        CHECK(r.depth == 1);
        CHECK_FALSE(r.depth_limited);
        CHECK(calls.size() == 1);  // only level 0 completed
        // Level 1 (ids 1 and 2) was one block, expanded whole: level 2 is whole, none partial.
        CHECK(r.level_states == std::vector<std::uint64_t>{1, 2, 2});
        CHECK(r.partial_level == 0);
    }
    SUBCASE("limit 9: all 10 states are found but the run is still incomplete") {
        Explorer ex(model);
        const Result r = ex.run(Limits{.max_states = 9});
        // Expanding level 3 leaves 9 states; expanding level 4 (ids 7 and 8, one block) finds
        // 9 (10 > 9): the limit is checked after each block of parents.
        CHECK_FALSE(r.complete);
        CHECK(r.states == 10);
        CHECK(r.transitions == 18);
        CHECK(r.depth == 4);
        CHECK(r.level_states == std::vector<std::uint64_t>{1, 2, 2, 2, 2, 1});
    }
    SUBCASE("limit equal to the state count: complete") {
        Explorer ex(model);
        const Result r = ex.run(Limits{.max_states = 10});
        CHECK(r.complete);
        CHECK(r.states == 10);
        CHECK(r.transitions == 20);
    }
}

TEST_CASE("the progress callback is called once per level with growing counts") {
    const toy::ModCounter model(10);
    Explorer ex(model);
    std::vector<Progress> calls;
    const Result r = ex.run({}, [&](const Progress& p) { calls.push_back(p); });

    // (states, transitions, depth) after each of the 6 levels; the last level adds nothing.
    const std::vector<std::uint64_t> states = {3, 5, 7, 9, 10, 10};
    const std::vector<std::uint64_t> transitions = {2, 6, 10, 14, 18, 20};
    REQUIRE(calls.size() == 6);
    for (std::size_t i = 0; i < calls.size(); ++i) {
        INFO("call " << i);
        CHECK(calls[i].states == states[i]);
        CHECK(calls[i].transitions == transitions[i]);
        CHECK(calls[i].depth == i + 1);
        if (i) CHECK(calls[i].seconds >= calls[i - 1].seconds);
    }
    CHECK(calls.back().states == r.states);
    CHECK(calls.back().transitions == r.transitions);
}

// ---------------------------------------------------------------------------------------------
// Offered but not enabled

TEST_CASE("transitions count only enabled actions, and disabled ones leave no state") {
    const toy::GatedCounter model(3);
    Explorer ex(model);
    const Result r = ex.run();

    // Offered: 3 actions x 4 states = 12. Enabled: inc at 0,1,2 and dec at 1,2,3 = 6.
    CHECK(model.next_state_calls() == 12);
    CHECK(r.transitions == 6);
    CHECK(r.states == 4);
    CHECK(r.depth == 3);
    for (StateId id = 0; id < 4; ++id) CHECK(ex.state(id).value == id);
    // jam wrote this value into the scratch state before refusing; it must not be stored.
    const toy::GatedState jam{toy::GatedCounter::kJamValue};
    CHECK(ex.find(jam) == kNoParent);
    CHECK_FALSE(r.first_violation[0].has_value());
}

// STORE_TESTS_PLACEHOLDER

