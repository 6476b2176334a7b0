// `cowpin graph SPEC --policy P`: the explored state graph of a small spec as DOT
// (graph_dot.hpp), with its legend.
//
// The graph is built after exploration, from the state store (successors recomputed per stored
// state), never inside the exploration loop. Each state is shown as it is reached along its
// shortest path from the initial state, re-executed without canonicalization (raw_path(), as a
// counterexample is), so its frames and values have the names `explain` would give them on that
// path: along the shortest-path tree, names are stable. Violating states and stuck ones (no
// execution from them ends every program) are marked.
//
// A graph of more than kGraphStateLimit states is refused before anything is written: past it
// dot's layout time climbs steeply and unevenly, and the picture is unreadable long before that;
// `graph --trace` draws one counterexample instead. Measured (dot 2.43, `dot -Tsvg`, this
// project's 2-core machine at load 10): the depth-3 graphs of every exhaustive spec under five
// policies, cut to their first N states (~5.5 edges per state, the densest graphs cowpin
// draws), took at most 1.6 s at N = 60, 3.9 s at 70, 8.1 s at 80, 10.7 s at 100, and over 60 s
// at 120; scenario graphs (at most 18 states) take under 0.1 s. 60 keeps every measured graph
// six times under ten seconds.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include "checker/formats/spec.hpp"

namespace cowpin {

inline constexpr std::size_t kGraphStateLimit = 60;

struct GraphTooLarge : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct GraphStats {
    std::size_t states = 0, edges = 0, violating = 0, stuck = 0;
};

struct WholeGraph {
    std::string dot;  // titled "vmsplice-unmap-in-child under linux-5.7: 8 states, 8 edges"
    GraphStats stats;
};

// Throws GraphTooLarge (one line, suggesting --trace) when the graph has more than
// `max_states` states.
WholeGraph whole_graph(const Spec& spec, const CowPolicy& policy, const Bounds& bounds,
                       std::size_t max_states);

}  // namespace cowpin
