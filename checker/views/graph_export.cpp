#include "checker/views/graph_export.hpp"

#include <fmt/format.h>

#include "checker/engine/bfs.hpp"
#include "checker/run/run.hpp"
#include "checker/run/stuck.hpp"
#include "checker/views/graph_dot.hpp"
#include "checker/views/state_words.hpp"

namespace cowpin {

namespace {

// The marks of a state: each invariant it violates with its message, and whether it is doomed.
void mark(GraphNode& node, const CowModel& model, const State& raw, bool doomed) {
    for (int i = 0; i < kInvariants; ++i)
        if (model.checks(i) && !model.invariant_holds(raw, i)) {
            node.violates = true;
            node.marks.push_back(fmt::format("VIOLATES {}: {}", invariant_table()[i].name,
                                             violation_message(raw, static_cast<Inv>(i), model.policy())));
        }
    if (!doomed) return;
    node.stuck = true;
    node.marks.push_back(any_program_step(model, raw)
                             ? std::string("STUCK: no execution from here ends every program")
                             : "STUCK: " + stuck_message(model, raw));
}

}  // namespace

WholeGraph whole_graph(const Spec& spec, const CowPolicy& policy, const Bounds& bounds,
                       std::size_t max_states) {
    ModelConfig config = spec.model_config(policy);
    config.bounds = bounds;
    const CowModel model(config);
    engine::Explorer<CowModel> explorer(model);
    engine::Limits limits;
    limits.max_depth = static_cast<std::uint32_t>(bounds.depth);
    limits.max_states = max_states;
    const engine::Result r = explorer.run(limits);
    if (!r.complete)
        throw GraphTooLarge(fmt::format(
            "{} under {} has more than {} states ({} found before stopping): too many to draw "
            "(dot takes seconds past {} states, minutes past 120); draw one counterexample with "
            "`cowpin graph --trace TRACE.json`, lower the bounds (--bound depth=N) or raise "
            "--max-states",
            spec.name, policy.name, max_states, r.states, kGraphStateLimit));

    const std::size_t n = explorer.size();
    std::vector<bool> doomed(n, false);
    if (config.scenario)  // states at the depth bound were not expanded: they may still finish
        doomed = doomed_states(model, explorer,
                               r.depth_limited ? explorer.level_start(r.depth) : n);
    WholeGraph out;
    DrawnGraph graph(n);
    out.stats.states = n;
    Mentions mentions;
    std::vector<State> raw(n);
    std::vector<FrameNames> names(n);
    for (engine::StateId id = 0; id < n; ++id) {
        const Counterexample path = raw_path(model, explorer, id);
        raw[id] = path.states.back();
        names[id] = path_frame_names(path.states).back();
        GraphNode& node = graph[id];
        node.lines = state_lines(raw[id], model, names[id], &mentions);
        if (id == 0) node.lines.insert(node.lines.begin(), "initial state");
        mark(node, model, raw[id], doomed[id]);
    }
    std::vector<Action> actions;
    for (engine::StateId id = 0; id < n; ++id) {
        const State s = explorer.state(id);
        actions.clear();
        model.actions(s, actions);
        for (const Action& a : actions) {
            State next;
            if (!model.next_state(s, a, next)) continue;
            const engine::StateId to = explorer.find(next);
            if (to == engine::kNoParent) continue;  // beyond the depth bound
            // Named as the action reads in the state it leaves, as that state is shown.
            const Action named = model.raw_action(raw[id], a);
            boost::add_edge(id, to, GraphEdge{EdgeKind::step, action_words(named, names[id])},
                            graph);
            ++out.stats.edges;
        }
    }
    out.stats.violating = violating_nodes(graph);
    out.stats.stuck = stuck_nodes(graph);
    const auto legend = boost::add_vertex(graph);
    graph[legend].kind = NodeKind::legend;
    graph[legend].lines = legend_lines(mentions, false, policy.anon_exclusive);
    out.dot = graph_to_dot(graph, fmt::format("{} under {}: {} states, {} edges{}", spec.name,
                                              policy.name, n, out.stats.edges,
                                              bounds.depth ? fmt::format(" (depth bound {})", bounds.depth) : ""));
    return out;
}

}  // namespace cowpin
