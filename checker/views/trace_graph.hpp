// `cowpin graph --trace TRACE.json`: one trace drawn as its path and the immediate alternatives
// to it, instead of the whole state graph.
//
// Path states are the trace's own (replayed, never canonicalized), with the names `explain`
// gives them; path edges say "step N: <action>" and the policy decisions the step took. From
// each path state, every other enabled action is an alternative: a dashed edge to a leaf that
// names the action, the decisions it would take and any invariant its outcome violates, or, when
// it leads back to a state on the path (as the canonical model sees it), a dashed edge to that
// state. The last state carries the trace's verdict: the violated invariant and its message, the
// stuck execution's waits, or the needless copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/run/replay.hpp"

namespace cowpin {

struct TraceGraph {
    // DOT (graph_dot.hpp), titled "vmsplice-unmap-in-child under linux-5.7: get_no_leak violated
    // after 4 steps"
    std::string dot;
    std::size_t path_states = 0, path_violating = 0;
    std::size_t alternatives = 0, alternatives_violating = 0;  // leaves
};

// `path` and `decisions` as replay_trace() gives them for `trace` (which it reproduced).
TraceGraph trace_graph(const ReplayedPath& path, const std::vector<std::uint32_t>& decisions,
                       const nlohmann::json& trace);

}  // namespace cowpin
