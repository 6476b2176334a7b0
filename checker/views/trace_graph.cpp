#include "checker/views/trace_graph.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checker/run/stuck.hpp"
#include "checker/views/explain.hpp"
#include "checker/views/graph_dot.hpp"
#include "checker/views/state_words.hpp"
#include "checker/views/trace_words.hpp"

namespace cowpin {

using nlohmann::json;

namespace {

// The invariants `s` violates: "VIOLATES <name>: <message>", or the names alone (`brief`, for
// the leaves of alternatives).
std::vector<std::string> violations(const CowModel& model, const State& s, bool brief) {
    std::vector<std::string> out;
    for (int i = 0; i < kInvariants; ++i) {
        if (!model.checks(i) || model.invariant_holds(s, i)) continue;
        const std::string_view name = invariant_table()[i].name;
        out.push_back(brief ? fmt::format("VIOLATES {}", name)
                            : fmt::format("VIOLATES {}: {}", name,
                                          violation_message(s, static_cast<Inv>(i), model.policy())));
    }
    return out;
}

// A step from a path state and what it leads to.
struct Outcome {
    Action a;
    State next, key;  // raw, canonical
    StepEffects fx;
};

// The steps the trace does not take from its state i: those that leave the state as it is
// (mprotect of a R/O page, say), those that lead to another state of the path, and the rest.
struct NotTaken {
    std::vector<Action> unchanged;
    std::vector<std::pair<Action, std::size_t>> back;  // to path state .second
    std::vector<Outcome> leaves;
};

NotTaken not_taken(const CowModel& model, const ReplayedPath& path,
                   const std::vector<State>& canonical, std::size_t i) {
    NotTaken out;
    std::vector<Action> actions;
    model.actions(path.states[i], actions);
    for (const Action& a : actions) {
        if (a == path.actions[i]) continue;
        Outcome o{a, path.states[i], {}, {}};
        if (!model.step(o.next, a, &o.fx)) continue;
        o.key = o.next;
        model.canonicalize_state(o.key);
        std::size_t to = 0;
        while (to < canonical.size() && !(canonical[to] == o.key)) ++to;
        if (to == i)
            out.unchanged.push_back(a);
        else if (to < canonical.size())
            out.back.emplace_back(a, to);
        else
            out.leaves.push_back(o);
    }
    return out;
}

std::string title_of(const json& t) {
    const std::string kind = t.at("kind").get<std::string>();
    const std::string what = kind == "needless_copy" ? "a needless copy"
                             : kind == "stuck"       ? "stuck"
                                                     : t.at("invariant").get<std::string>() + " violated";
    return fmt::format("{} under {}: {} after {} steps", t.at("spec").at("name").get<std::string>(),
                       t.at("policy").get<std::string>(), what, t.at("steps").size());
}

}  // namespace

TraceGraph trace_graph(const ReplayedPath& path, const std::vector<std::uint32_t>& decisions,
                       const json& trace) {
    const CowModel model(path.config());
    const json rules = trace.value("policy_decisions", json::object());
    const std::vector<FrameNames> names = path_frame_names(path.states);
    const std::size_t n = path.states.size();
    TraceGraph out;
    DrawnGraph graph(n);
    out.path_states = n;
    Mentions mentions;
    const std::string kind = trace.at("kind").get<std::string>();
    const bool stuck_trace = kind == "stuck";
    std::vector<State> canonical = path.states;  // to see an alternative come back to the path
    for (std::size_t i = 0; i < n; ++i) {
        model.canonicalize_state(canonical[i]);
        GraphNode& node = graph[i];
        node.kind = NodeKind::path;
        node.lines = state_lines(path.states[i], model, names[i], &mentions);
        node.lines.insert(node.lines.begin(), i == 0 ? std::string("initial state")
                                                     : fmt::format("after step {}", i));
        node.marks = violations(model, path.states[i], false);
        node.violates = !node.marks.empty();
        // In a scenario, from here on no execution may end every program (the whole graph marks
        // such states too); the last state of a stuck trace says why, below.
        if (model.config().scenario && !(stuck_trace && i + 1 == n) &&
            cannot_complete(model, canonical[i])) {
            node.stuck = true;
            node.marks.push_back("STUCK: no execution from here ends every program");
        }
    }
    GraphNode& last = graph[n - 1];
    const std::string message = trace.at("message").get<std::string>();
    if (stuck_trace) {
        last.stuck = true;
        last.marks.push_back("STUCK: " + message);
    } else if (kind == "needless_copy") {
        last.marks.push_back(message);  // "Needless copy: P0 write v0 copies a page ..."
    }

    // The steps not taken, from each state the trace takes a step from (the last state ends it).
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const NotTaken nt = not_taken(model, path, canonical, i);
        if (!nt.unchanged.empty()) {
            std::string line;
            for (const Action& a : nt.unchanged)
                line += fmt::format("{}{}", line.empty() ? "unchanged by: " : ", ", action_words(a, names[i]));
            graph[i].lines.push_back(line);
        }
        for (const auto& [a, to] : nt.back)
            boost::add_edge(i, to, GraphEdge{EdgeKind::alternative, action_words(a, names[i])}, graph);
        // Leaves staggered over ranks, at most kLeavesPerRank side by side (as Graphviz's
        // unflatten -l does), and the next state of the path below them all: a column beside
        // the path, not a row forty leaves wide.
        constexpr std::size_t kLeavesPerRank = 3;
        const std::size_t ranks = (nt.leaves.size() + kLeavesPerRank - 1) / kLeavesPerRank;
        for (std::size_t j = 0; j < nt.leaves.size(); ++j) {
            const Outcome& o = nt.leaves[j];
            const auto leaf = boost::add_vertex(graph);
            GraphNode& node = graph[leaf];
            node.kind = NodeKind::alternative;
            node.lines = {action_words(o.a, names[i])};
            for (const std::string& d : decision_texts(o.fx.decisions, rules)) node.lines.push_back(d);
            node.marks = violations(model, o.next, true);
            node.violates = !node.marks.empty();
            if (model.config().scenario && cannot_complete(model, o.key)) {
                node.stuck = true;
                node.marks.push_back("STUCK");
            }
            boost::add_edge(i, leaf, GraphEdge{EdgeKind::alternative, "", 1 + static_cast<int>(j % ranks)},
                            graph);
            ++out.alternatives;
        }
        std::string label = fmt::format("step {}: {}", i + 1, action_words(path.actions[i], names[i]));
        if (i < decisions.size())
            for (const std::string& d : decision_texts(decisions[i], rules)) label += "\n" + d;
        boost::add_edge(i, i + 1, GraphEdge{EdgeKind::path, label, std::max<int>(1, ranks)}, graph);
    }
    const auto legend = boost::add_vertex(graph);
    graph[legend].kind = NodeKind::legend;
    graph[legend].lines = legend_lines(mentions, true, path.policy.anon_exclusive);
    for (std::size_t v = 0; v < n; ++v) out.path_violating += graph[v].violates;
    out.alternatives_violating = violating_nodes(graph) - out.path_violating;
    out.dot = graph_to_dot(graph, title_of(trace));
    return out;
}

}  // namespace cowpin
