#include "checker/run/copies.hpp"

#include <fmt/format.h>

namespace cowpin {

namespace {

struct Edge {
    engine::StateId from, to;
    std::uint8_t copies, needless;
};

// Shortest and longest weights from the initial state to every state. Weights are
// non-negative and every cycle has weight 0 (copies happen only in program steps, which advance
// a program counter; environment actions never copy), so relaxing to a fixpoint terminates.
void relax(const std::vector<Edge>& edges, std::size_t n, bool use_needless,
           std::vector<std::uint64_t>& lo, std::vector<std::uint64_t>& hi) {
    constexpr std::uint64_t kUnreached = ~std::uint64_t{0};
    lo.assign(n, kUnreached);
    hi.assign(n, kUnreached);
    lo[0] = hi[0] = 0;
    for (bool changed = true; changed;) {
        changed = false;
        for (const Edge& e : edges) {
            if (lo[e.from] == kUnreached) continue;
            const std::uint64_t w = use_needless ? e.needless : e.copies;
            if (lo[e.from] + w < lo[e.to]) lo[e.to] = lo[e.from] + w, changed = true;
            if (hi[e.to] == kUnreached || hi[e.from] + w > hi[e.to])
                hi[e.to] = hi[e.from] + w, changed = true;
        }
    }
}

}  // namespace

std::string needless_copy_message(const Action& a) {
    return fmt::format("Needless copy: {} copies a page no other process maps or references",
                       format_action(a));
}

CopyReport analyze_copies(const Spec& spec, const CowPolicy& policy, const RunOptions& options) {
    CopyReport rep;
    std::vector<Edge> edges;
    std::vector<std::uint8_t> complete;
    bool scenario = false;
    rep.run = run_check(spec, policy, options, [&](const CowModel& model,
                                                   const engine::Explorer<CowModel>& explorer) {
        scenario = model.config().scenario;
        std::vector<Action> actions;
        for (engine::StateId id = 0; id < explorer.size(); ++id) {
            const State s = explorer.state(id);
            if (scenario) complete.push_back(model.complete(s));
            actions.clear();
            model.actions(s, actions);
            for (const Action& a : actions) {
                State next;
                StepEffects fx;
                if (!model.next_state(s, a, next, &fx)) continue;
                const engine::StateId to = explorer.find(next);
                if (to == engine::kNoParent) continue;  // beyond the depth bound
                if (fx.needless) {
                    ++rep.needless_edges;
                    // States are numbered in BFS order, so the first parent found is the
                    // shallowest.
                    if (!rep.witness) {
                        rep.witness = raw_path(model, explorer, id, &a);
                        rep.witness->kind = TraceKind::needless_copy;
                        rep.witness->message = needless_copy_message(rep.witness->actions.back());
                    }
                }
                if (scenario) edges.push_back(Edge{id, to, fx.copies, fx.needless});
            }
        }
    });
    if (!scenario) return rep;

    std::vector<std::uint64_t> lo, hi, nlo, nhi;
    relax(edges, complete.size(), false, lo, hi);
    relax(edges, complete.size(), true, nlo, nhi);
    for (std::size_t id = 0; id < complete.size(); ++id) {
        if (!complete[id]) continue;
        if (!rep.copies) {
            rep.copies = CopyRange{lo[id], hi[id]};
            rep.needless = CopyRange{nlo[id], nhi[id]};
            continue;
        }
        rep.copies->min = std::min(rep.copies->min, lo[id]);
        rep.copies->max = std::max(rep.copies->max, hi[id]);
        rep.needless->min = std::min(rep.needless->min, nlo[id]);
        rep.needless->max = std::max(rep.needless->max, nhi[id]);
    }
    return rep;
}

}  // namespace cowpin
