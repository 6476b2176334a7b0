#include "checker/run/stuck.hpp"

#include <deque>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

namespace cowpin {

bool any_program_step(const CowModel& model, const State& s) {
    std::vector<Action> actions;
    model.actions(s, actions);
    State next;
    for (const Action& a : actions)
        if (a.from_program() && model.next_state(s, a, next)) return true;
    return false;
}

std::vector<bool> doomed_states(const CowModel& model, const engine::Explorer<CowModel>& explorer,
                                std::size_t expanded_below) {
    const std::size_t n = explorer.size();
    std::vector<std::vector<engine::StateId>> preds(n);
    std::vector<bool> finishes(n, false);
    std::deque<engine::StateId> queue;
    std::vector<Action> actions;
    for (std::size_t id = 0; id < n; ++id) {
        const State s = explorer.state(static_cast<engine::StateId>(id));
        // A complete state finishes; one not expanded may still finish.
        finishes[id] = model.complete(s) || id >= expanded_below;
        if (finishes[id]) queue.push_back(static_cast<engine::StateId>(id));
        if (id >= expanded_below) continue;
        actions.clear();
        model.actions(s, actions);
        State next;
        for (const Action& a : actions) {
            if (!model.next_state(s, a, next)) continue;
            const engine::StateId to = explorer.find(next);
            if (to < n) preds[to].push_back(static_cast<engine::StateId>(id));
        }
    }
    while (!queue.empty()) {
        const engine::StateId id = queue.front();
        queue.pop_front();
        for (engine::StateId p : preds[id])
            if (!finishes[p]) {
                finishes[p] = true;
                queue.push_back(p);
            }
    }
    finishes.flip();
    return finishes;
}

StuckReport find_stuck(const CowModel& model, const engine::Explorer<CowModel>& explorer,
                       std::size_t expanded_below) {
    StuckReport r;
    const std::vector<bool> doomed = doomed_states(model, explorer, expanded_below);
    for (std::size_t id = 0; id < doomed.size(); ++id) {
        const State s = explorer.state(static_cast<engine::StateId>(id));
        r.complete += model.complete(s);
        if (!doomed[id]) continue;
        ++r.doomed;
        if (!r.first && !any_program_step(model, s)) r.first = static_cast<engine::StateId>(id);
    }
    return r;
}

bool cannot_complete(const CowModel& model, const State& start, std::size_t max_states) {
    std::unordered_set<std::string> seen;
    auto key = [](const State& s) {
        return std::string(reinterpret_cast<const char*>(&s), sizeof(State));
    };
    std::deque<State> queue = {start};
    seen.insert(key(start));
    std::vector<Action> actions;
    while (!queue.empty()) {
        const State s = queue.front();
        queue.pop_front();
        if (model.complete(s)) return false;
        if (seen.size() > max_states) return false;
        actions.clear();
        model.actions(s, actions);
        State next;
        for (const Action& a : actions)
            if (model.next_state(s, a, next) && seen.insert(key(next)).second) queue.push_back(next);
    }
    return true;
}

std::string stuck_message(const CowModel& model, const State& s) {
    std::string out;
    for (int p = 0; p < kMaxProcs; ++p) {
        const std::vector<Step>& prog = model.config().programs[p];
        if (prog.empty() || (s.program.started[p] && s.program.pc[p] >= prog.size())) continue;
        if (!out.empty()) out += "; ";
        if (!s.program.started[p]) {
            out += fmt::format("P{} is never forked", p);
            continue;
        }
        const Step& st = prog[s.program.pc[p]];
        std::string why;
        if (st.op == Op::wait)
            why = fmt::format("P{} never exits", st.arg);
        else if (is_page_op(st.op) && (s.procs[p].pte[st.arg].kind == PteKind::migration ||
                                       s.procs[p].pte[st.arg].kind == PteKind::pmd_migration))
            why = fmt::format("v{} is a migration entry: the fault waits for the migration", st.arg);
        else if (is_page_op(st.op) && s.procs[p].pte[st.arg].kind == PteKind::swap)
            why = fmt::format("v{}'s swapcache page is under migration: the fault waits", st.arg);
        out += fmt::format("P{} waits at '{}'{}", p, format_step(st),
                           why.empty() ? std::string() : " (" + why + ")");
    }
    return "No process can take its next step: " + out;
}

}  // namespace cowpin
