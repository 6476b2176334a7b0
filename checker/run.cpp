#include "checker/run.hpp"

#include <fmt/format.h>

namespace cowpin {

std::optional<std::pair<Inv, std::size_t>> Counterexample::cause() const {
    std::optional<std::pair<Inv, std::size_t>> first;
    for (const auto& e : earlier)
        if (!first || e.second < first->second) first = e;
    return first;
}

namespace {

void check_programs_fit(const Spec& spec, const Bounds& b) {
    if (!spec.scenario) return;
    for (int p = 0; p < kMaxProcs; ++p)
        for (const Step& st : spec.programs[p]) {
            const bool ok = p < b.processes &&
                            (!is_page_op(st.op) || st.arg < b.pages) &&
                            (!is_handle_op(st.op) || st.handle < b.handles) &&
                            ((st.op != Op::fork && st.op != Op::wait) || st.arg < b.processes);
            if (!ok)
                throw SpecError(fmt::format("{}: bounds {}/{}/{}/{} no longer fit step '{}' of P{}",
                                            spec.path, b.processes, b.pages, b.handles,
                                            b.swap_slots, format_step(st), p));
        }
}

Counterexample rebuild(const CowModel& model, const engine::Explorer<CowModel>& ex,
                       engine::StateId last, Inv inv) {
    Counterexample cx = raw_path(model, ex, last);
    cx.invariant = inv;
    cx.message = violation_message(cx.states.back(), inv, model.policy());
    for (int i = 0; i < kInvariants; ++i) {
        if (i == static_cast<int>(inv) || !model.checks(i)) continue;
        for (std::size_t k = 0; k + 1 < cx.states.size(); ++k)
            if (!model.invariant_holds(cx.states[k], i)) {
                cx.earlier.emplace_back(static_cast<Inv>(i), k);
                break;
            }
    }
    return cx;
}

}  // namespace

Counterexample raw_path(const CowModel& model, const engine::Explorer<CowModel>& ex,
                        engine::StateId last, const Action* extra) {
    Counterexample cx;
    State raw = model.initial();
    cx.states.push_back(raw);
    const std::vector<engine::StateId> path = ex.path_to(last);
    for (std::size_t i = 1; i <= path.size(); ++i) {
        if (i == path.size() && !extra) break;
        const Action& searched = i < path.size() ? ex.store().action(path[i]) : *extra;
        const Action a = model.raw_action(raw, searched);
        if (!model.step(raw, a)) throw std::logic_error("path step not enabled (model bug)");
        State canonical = raw;
        canonicalize(canonical);
        if (i < path.size() && !(canonical == ex.store().at(path[i])))
            throw std::logic_error(fmt::format(
                "step {} ({}) does not re-execute to the state the search found: actions() or "
                "canonicalize() is not deterministic (model bug)", i, format_action(a)));
        cx.actions.push_back(a);
        cx.states.push_back(raw);
    }
    const std::string diverged = replay_divergence(model, cx.actions, cx.states);
    if (!diverged.empty()) throw std::logic_error("path does not replay (model bug): " + diverged);
    return cx;
}

ModelConfig run_config(const Spec& spec, const CowPolicy& policy, const RunOptions& options) {
    ModelConfig config = spec.model_config(policy);
    if (options.bounds) {
        check_programs_fit(spec, *options.bounds);
        config.bounds = *options.bounds;
    }
    return config;
}

std::string replay_divergence(const CowModel& model, const std::vector<Action>& actions,
                              const std::vector<State>& states) {
    State s = model.initial();
    if (!states.empty() && !(s == states[0])) return "the initial state differs";
    std::vector<Action> enabled;
    for (std::size_t i = 0; i < actions.size(); ++i) {
        enabled.clear();
        model.actions(s, enabled);
        State next = s;
        bool offered = false;
        for (const Action& a : enabled) offered |= a == actions[i];
        if (!offered || !model.step(next, actions[i]))
            return fmt::format("step {} ({}) is not enabled", i + 1, format_action(actions[i]));
        if (i + 1 < states.size() && !(next == states[i + 1]))
            return fmt::format("step {} ({}) leads to a different state", i + 1,
                               format_action(actions[i]));
        s = next;
    }
    return {};
}

RunResult run_check(const Spec& spec, const CowPolicy& policy, const RunOptions& options,
                    const AfterExploration& after) {
    RunResult r;
    r.spec = &spec;
    r.policy = &policy;
    const ModelConfig config = run_config(spec, policy, options);
    r.bounds = config.bounds;
    r.expected = spec.expected(policy.name);
    if (!options.bounds || *options.bounds == spec.bounds)
        r.expected_states = spec.expected_states(policy.name);

    const CowModel model(config);
    engine::Explorer<CowModel> explorer(model);
    engine::Limits limits = options.limits;
    limits.max_depth = static_cast<std::uint32_t>(config.bounds.depth);
    r.stats = explorer.run(limits, options.progress);
    for (int i = 0; i < kInvariants; ++i) {
        if (!r.stats.first_violation[i]) continue;
        r.violated |= 1u << i;
        r.counterexamples.push_back(
            rebuild(model, explorer, *r.stats.first_violation[i], static_cast<Inv>(i)));
    }
    if (config.scenario)
        for (std::size_t id = 0; id < explorer.store().size(); ++id) {
            const State& s = explorer.store().at(static_cast<engine::StateId>(id));
            if (model.complete(s))
                ++r.complete_states;
            else if (model.stuck(s))
                ++r.stuck_states;
        }
    if (after) after(model, explorer);
    return r;
}

}  // namespace cowpin
