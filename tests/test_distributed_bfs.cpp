// The distributed explorer (checker/engine/distributed_bfs.hpp) against the threaded one, on
// 1, 2 and 3 ranks that are threads of this process (tests/thread_comm.hpp), each rank
// expanding on 1, 2 or 3 threads of its own (checker/engine/rank_expansion.hpp): the same
// states, transitions, depth, first violations (by id) and counterexample paths. mpirun itself is
// exercised by tests/check_mpi.sh (label mpi).
#include <doctest/doctest.h>

#include <cstdint>
#include <mutex>
#include <numeric>
#include <optional>
#include <vector>

#include "checker/engine/bfs.hpp"
#include "checker/engine/distributed_bfs.hpp"
#include "checker/formats/spec.hpp"
#include "checker/run/run.hpp"
#include "tests/model_helpers.hpp"
#include "tests/thread_comm.hpp"
#include "tests/toy_models.hpp"

using namespace cowpin;
using engine::DistributedExplorer;
using engine::Explorer;
using engine::Result;
using engine::StateId;

namespace {

// A pseudo-random graph: vertex v has `fanout` successors (a hash of v and the edge number, mod
// n), so most vertices are found many times in their level, from parents on different ranks:
// which discovery counts is what the ranks must agree on. Invariant i: "v % 61 != 7 + i".
struct RandomGraph {
    using State = toy::VertexState;
    using Action = toy::EdgeAction;
    std::uint32_t n, fanout;
    State initial() const { return {}; }
    void actions(const State&, std::vector<Action>& out) const {
        for (std::uint32_t e = 0; e < fanout; ++e) out.push_back({e});
    }
    bool next_state(const State& s, const Action& a, State& out) const {
        std::uint64_t h = (std::uint64_t{s.vertex} << 8 | a.edge) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
        out.vertex = static_cast<std::uint32_t>(h % n);
        return a.edge != 3 || s.vertex % 2 == 0;  // edge 3 only from even vertices
    }
    int invariant_count() const { return 3; }
    bool checks(int) const { return true; }
    bool invariant_holds(const State& s, int inv) const {
        return s.vertex % 61 != 7u + static_cast<std::uint32_t>(inv);
    }
};

// The one-thread run's numbers and, per violated invariant, its path of states and actions.
template <class M>
struct Seen {
    Result r;
    std::vector<std::vector<typename M::State>> paths;
    std::vector<std::vector<typename M::Action>> actions;
};

template <class M>
Seen<M> threaded(const M& model, const engine::Limits& limits = {}) {
    Explorer<M> ex(model, {1, false});
    Seen<M> s;
    s.r = ex.run(limits);
    for (const auto& v : s.r.first_violation) {
        s.paths.emplace_back();
        s.actions.emplace_back();
        if (!v) continue;
        for (const auto& [id, link] : ex.links_to(*v)) {
            s.paths.back().push_back(ex.state(id));
            if (link.parent != engine::kNoParent) s.actions.back().push_back(link.action);
        }
    }
    return s;
}

// Rank 0's view of a run on `ranks` ranks (threads of this process), each expanding on
// `threads` threads.
template <class M>
Seen<M> distributed(const M& model, int ranks, const engine::Limits& limits = {},
                    unsigned threads = 1) {
    Seen<M> s;
    std::mutex m;
    test::on_ranks(ranks, [&](engine::Comm& comm) {
        const M own = model;  // a process of its own each, as under mpirun
        DistributedExplorer<M> ex(own, comm, threads);
        const Result r = ex.run(limits);
        std::vector<std::vector<typename M::State>> paths;
        std::vector<std::vector<typename M::Action>> actions;
        for (std::size_t i = 0; i < r.first_violation.size(); ++i) {
            paths.emplace_back();
            actions.emplace_back();
            if (r.first_violation[i]) paths.back() = ex.path(static_cast<int>(i), actions.back());
        }
        if (comm.rank() != 0) return;
        std::lock_guard lock(m);
        s.r = r;
        s.paths = paths;
        s.actions = actions;
    });
    return s;
}

template <class M>
void same_search(const Seen<M>& a, const Seen<M>& b) {
    CHECK(a.r.states == b.r.states);
    CHECK(a.r.transitions == b.r.transitions);
    CHECK(a.r.depth == b.r.depth);
    CHECK(a.r.complete == b.r.complete);
    CHECK(a.r.depth_limited == b.r.depth_limited);
    CHECK(a.r.level_states == b.r.level_states);
    CHECK(a.r.partial_level == b.r.partial_level);
    CHECK(a.r.first_violation == b.r.first_violation);
    CHECK(a.r.violation_depth == b.r.violation_depth);
    CHECK(a.paths == b.paths);
    CHECK(a.actions == b.actions);
}

}  // namespace

TEST_CASE("a random graph explored over 1, 2 and 3 ranks has the threaded run's ids and paths") {
    const RandomGraph model{20000, 6};
    const auto one = threaded(model);
    CHECK(one.r.states == 19922);
    CHECK(one.r.transitions == 109578);
    CHECK(one.r.depth == 9);
    for (int i = 0; i < 3; ++i) REQUIRE(one.r.first_violation[i]);
    for (int ranks : {1, 2, 3}) {
        INFO(ranks << " ranks");
        const auto d = distributed(model, ranks);
        same_search(one, d);
        CHECK(d.r.ranks == unsigned(ranks));
        CHECK(d.r.threads == 1u);
        // One rank sends nothing; more send the successors other ranks own.
        CHECK((ranks == 1) == (d.r.bytes_sent == 0));
    }
}

TEST_CASE("ranks of 2 and 3 threads each find the random graph's states, ids and paths") {
    const RandomGraph model{20000, 6};
    const auto one = threaded(model);
    CHECK(one.r.states == 19922);
    CHECK(one.r.transitions == 109578);
    CHECK(one.r.level_states ==
          std::vector<std::uint64_t>{1, 5, 28, 153, 826, 3851, 9873, 4919, 262, 4});
    for (unsigned threads : {2u, 3u})
        for (int ranks : {1, 2, 3}) {
            INFO(ranks << " ranks of " << threads << " threads");
            const auto d = distributed(model, ranks, {}, threads);
            same_search(one, d);
            CHECK(d.r.threads == threads);
            CHECK(d.r.ranks == unsigned(ranks));
        }
}

TEST_CASE("ranks of 2 threads each stop at the threaded run's depth limit and state limit") {
    const RandomGraph model{20000, 6};
    engine::Limits limits;
    limits.max_depth = 4;
    const auto one = threaded(model, limits);
    CHECK(one.r.states == 1013);
    for (int ranks : {1, 2, 3}) same_search(one, distributed(model, ranks, limits, 2));
    // A state limit stops after the same round on any thread count: a round's new states
    // do not depend on how its parents were shared out.
    engine::Limits cap;
    cap.max_states = 5000;
    for (int ranks : {2, 3}) {
        INFO(ranks << " ranks");
        const auto on1 = distributed(model, ranks, cap, 1);
        const auto on2 = distributed(model, ranks, cap, 2);
        CHECK_FALSE(on2.r.complete);
        CHECK(on2.r.states > 5000);
        same_search(on1, on2);
    }
}

TEST_CASE("over ranks, a depth limit stops at the same level as the threaded run") {
    const RandomGraph model{20000, 6};
    engine::Limits limits;
    limits.max_depth = 4;
    const auto one = threaded(model, limits);
    CHECK(one.r.depth_limited);
    CHECK(one.r.states == 1013);
    for (int ranks : {2, 3}) same_search(one, distributed(model, ranks, limits));
}

TEST_CASE("over ranks, the fixed graph's violations and paths are the hand-worked ones") {
    // tests/test_bfs.cpp works these out: 7 states, 9 transitions, depth 4; "not 5" first
    // violated by id 4 on 0-2-5, "not 3" by id 3 on 0-1-3, the initial state violates "not 0".
    const toy::FixedGraph model(8, {{0, 1}, {0, 2}, {1, 3}, {3, 5}, {2, 5}, {5, 6}, {6, 6}, {6, 7},
                                    {7, 0}, {4, 0}},
                                {{5}, {7}, {3}, {5, 3}, {4}, {0}});
    const auto one = threaded(model);
    CHECK(one.r.states == 7);
    CHECK(one.r.level_states == std::vector<std::uint64_t>{1, 2, 2, 1, 1});  // {0} {1,2} {3,5} {6} {7}
    CHECK(one.r.first_violation[0] == std::optional<StateId>{4});
    CHECK(one.r.first_violation[5] == std::optional<StateId>{0});
    for (int ranks : {1, 2, 3}) same_search(one, distributed(model, ranks));
}

TEST_CASE("over ranks, an exhaustive spec's first violations and paths are the threaded run's") {
    const Spec spec = load_spec(std::string(COWPIN_SOURCE_DIR) + "/specs/exhaustive-hugetlb.json");
    const CowModel model(run_config(spec, test::policy("linux-5.19"), RunOptions{}));
    const auto one = threaded(model);
    CHECK(one.r.states == 20384);  // the spec's pinned symmetric count
    CHECK(one.r.first_violation[static_cast<int>(Inv::memory_private)]);
    for (int ranks : {2, 3}) same_search(one, distributed(model, ranks));
    for (int ranks : {1, 2}) {
        INFO(ranks << " ranks of 2 threads");
        const auto d = distributed(model, ranks, {}, 2);
        same_search(one, d);
        CHECK(d.r.threads == 2u);
    }
}

TEST_CASE("over ranks, a state limit stops every rank after the same round, incomplete") {
    const RandomGraph model{20000, 6};
    engine::Limits limits;
    limits.max_states = 5000;
    for (int ranks : {1, 2, 3}) {
        INFO(ranks << " ranks");
        std::vector<Result> results(ranks);
        test::on_ranks(ranks, [&](engine::Comm& comm) {
            const RandomGraph own = model;
            DistributedExplorer<RandomGraph> ex(own, comm);
            results[comm.rank()] = ex.run(limits);  // returns on every rank: no one left waiting
        });
        for (const Result& r : results) {
            CHECK_FALSE(r.complete);
            CHECK_FALSE(r.memory_limited);
            CHECK(r.states > 5000);
            CHECK(r.states == results[0].states);
            CHECK(r.depth == results[0].depth);
            // Every rank counts the same levels; they and the partial one are all the states.
            CHECK(r.level_states == results[0].level_states);
            CHECK(std::accumulate(r.level_states.begin(), r.level_states.end(), r.partial_level) ==
                  r.states);
        }
    }
}
