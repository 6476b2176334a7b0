// `cowpin graph`: the explored state graph of a small spec as Graphviz DOT.
//
// The graph is built as a Boost.Graph adjacency_list after exploration, from the state store
// (successors recomputed per stored state), never inside the exploration loop; it is written
// with boost::write_graphviz. States are labelled in kernel words, edges by action, and
// violating states are marked with the invariants they violate.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "checker/formats/spec.hpp"

namespace cowpin {

struct GraphTooLarge : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct GraphStats {
    std::size_t states = 0, edges = 0, violating = 0;
};

// Throws GraphTooLarge (nothing written) when the graph has more than `max_states` states.
GraphStats export_graph(const Spec& spec, const CowPolicy& policy, const Bounds& bounds,
                        std::size_t max_states, std::ostream& out);

// One state in kernel words, e.g. "P0 v0: f0 W\nf0 x0 map1 ref1 AE".
std::string state_label(const State& s, const CowModel& model);

}  // namespace cowpin
