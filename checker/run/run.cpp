#include "checker/run/run.hpp"

#include "checker/engine/distributed_bfs.hpp"
#include "checker/run/stuck.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

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
    // Bounds given for a run (check --bound, a trace's) fit the build as a spec's must.
    auto refuse = [&](const std::string& why) {
        throw SpecError(fmt::format("{}: bounds {}/{}/{}/{}: {}", spec.path, b.processes, b.pages,
                                    b.handles, b.swap_slots, why));
    };
    if (auto why = cells_problem(b)) refuse(*why);
    if (spec.memory == Memory::thp) {
        if (auto why = thp_pages_problem(b)) refuse(*why);
        if (auto why = thp_frames_problem(b, live_process_bound(spec.programs, b.processes)))
            refuse(*why);
    }
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

Counterexample finish(const CowModel& model, Counterexample cx, Inv inv) {
    cx.invariant = inv;
    cx.message = violation_message(cx.states.back(), inv, model.policy());
    note_earlier(model, cx, static_cast<int>(inv));
    return cx;
}

Counterexample rebuild(const CowModel& model, const engine::Explorer<CowModel>& ex,
                       engine::StateId last, Inv inv) {
    return finish(model, raw_path(model, ex, last), inv);
}

// An exhaustive spec over the ranks of options.comm: the same stats, first violations and
// counterexamples as the threaded search, on every rank.
void run_distributed(const CowModel& model, const RunOptions& options,
                     const engine::Limits& limits, RunResult& r) {
    engine::DistributedExplorer<CowModel> explorer(model, *options.comm, options.threads);
    r.stats = explorer.run(limits, options.progress);
    for (int i = 0; i < kInvariants; ++i)
        if (r.stats.first_violation[i]) r.violated |= 1u << i;
    for (int i = 0; i < kInvariants; ++i)
        if (r.stats.first_violation[i]) {
            std::vector<Action> searched;
            const std::vector<State> canonical = explorer.path(i, searched);
            r.counterexamples.push_back(
                finish(model, raw_path(model, canonical, searched), static_cast<Inv>(i)));
        }
}

}  // namespace

void note_earlier(const CowModel& model, Counterexample& cx, int except) {
    for (int i = 0; i < kInvariants; ++i) {
        if (i == except || !model.checks(i)) continue;
        for (std::size_t k = 0; k + 1 < cx.states.size(); ++k)
            if (!model.invariant_holds(cx.states[k], i)) {
                cx.earlier.emplace_back(static_cast<Inv>(i), k);
                break;
            }
    }
}

Counterexample raw_path(const CowModel& model, const engine::Explorer<CowModel>& ex,
                        engine::StateId last, const Action* extra) {
    std::vector<State> canonical;
    std::vector<Action> searched;
    for (const auto& [id, link] : ex.links_to(last)) {
        canonical.push_back(ex.state(id));
        if (link.parent != engine::kNoParent) searched.push_back(link.action);
    }
    return raw_path(model, canonical, searched, extra);
}

Counterexample raw_path(const CowModel& model, const std::vector<State>& canonical,
                        const std::vector<Action>& searched_actions, const Action* extra) {
    Counterexample cx;
    State raw = model.initial();
    cx.states.push_back(raw);
    const std::size_t n = canonical.size();
    std::vector<Action> offered;
    for (std::size_t i = 1; i <= n; ++i) {
        if (i == n && !extra) break;
        const Action searched = i < n ? searched_actions[i - 1] : *extra;
        // The canonical state this step must reach.
        State want;
        if (i < n) {
            want = canonical[i];
        } else if (!model.next_state(canonical[i - 1], searched, want)) {
            throw std::logic_error("the extra step is not enabled (model bug)");
        }
        auto reaches = [&](const Action& a, State& next) {
            next = raw;
            if (!model.step(next, a)) return false;
            State c = next;
            model.canonicalize_state(c);
            return c == want;
        };
        // The searched action, with frames renamed from canonical to raw numbers; under process
        // symmetry the canonical state may also have its processes renamed, and then the raw
        // action is the first one offered in `raw` that reaches the same canonical state.
        Action a = model.raw_action(raw, searched);
        State next;
        bool ok = reaches(a, next);
        if (!ok) {
            offered.clear();
            model.actions(raw, offered);
            for (const Action& b : offered)
                if ((ok = reaches(b, next))) {
                    a = b;
                    break;
                }
        }
        if (!ok)
            throw std::logic_error(fmt::format(
                "step {} ({}) does not re-execute to the state the search found: actions() or "
                "canonicalize() is not deterministic (model bug)", i, format_action(searched)));
        raw = next;
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
    config.symmetry = effective_symmetry(config, options.symmetry.value_or(Symmetry(true)));
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
    if (const std::string why = spec.refusal(policy); !why.empty())
        throw SpecError(fmt::format("{}: {}", spec.path, why));
    RunResult r;
    r.spec = &spec;
    r.policy = &policy;
    const ModelConfig config = run_config(spec, policy, options);
    r.bounds = config.bounds;
    r.expected = spec.expected(policy.name);
    r.reduced = config.symmetry;
    r.symmetry = r.reduced.any();
    // Pinned counts are of no reduction ("states") or of the default one ("symmetric_states").
    r.counts_comparable =
        !r.reduced.any() || r.reduced == effective_symmetry(config, Symmetry(true));
    if (r.counts_comparable && (!options.bounds || *options.bounds == spec.bounds))
        r.expected_states = spec.expected_states(policy.name, r.symmetry);

    const CowModel model(config);
    if (options.comm && !config.scenario) {
        if (options.compact || options.coverage || after)
            throw std::logic_error("a run over ranks is exact, without coverage or a store scan");
        engine::Limits limits = options.limits;
        limits.max_depth = static_cast<std::uint32_t>(config.bounds.depth);
        run_distributed(model, options, limits, r);
        if (r.stats.depth_limited) {
            r.depth_bounded = true;
            if (!spec.depth_bounded || config.bounds.depth != spec.bounds.depth)
                r.stats.complete = false;
        }
        return r;
    }
    // Fingerprints keep no states to walk back through: scenarios (small, and scanned after the
    // search for complete and stuck executions) and callers that scan the store run exact.
    const bool compact = (options.compact || !options.disk.empty()) && !config.scenario && !after &&
                         !options.coverage;
    engine::Options engine_options{options.threads, compact};
    if (compact) engine_options.disk_dir = options.disk;
    engine::Explorer<CowModel> explorer(model, engine_options);
    engine::Limits limits = options.limits;
    limits.max_depth = static_cast<std::uint32_t>(config.bounds.depth);
    r.stats = explorer.run(limits, options.progress);
    // A depth bound is a limit like any other, unless the spec asks for the verdict up to its
    // own depth (and the command line did not move it).
    if (r.stats.depth_limited) {
        r.depth_bounded = true;
        if (!spec.depth_bounded || config.bounds.depth != spec.bounds.depth) r.stats.complete = false;
    }
    for (int i = 0; i < kInvariants; ++i)
        if (r.stats.first_violation[i]) r.violated |= 1u << i;
    // Fingerprints keep no states: rebuild the traces from an exact search as deep as
    // the deepest first violation. Ids are the same in both modes, so it finds the same first
    // violations.
    // With --disk the links on disk lead back from each violating state: no re-run.
    std::optional<engine::Explorer<CowModel>> exact;
    if (compact && r.violated && !explorer.disk()) {
        std::uint32_t deepest = 0;
        for (const auto& d : r.stats.violation_depth)
            if (d) deepest = std::max(deepest, *d);
        exact.emplace(model, engine::Options{options.threads, false});
        engine::Limits shallow = options.limits;
        shallow.max_depth = std::max(1u, deepest);
        const engine::Result again = exact->run(shallow);
        for (int i = 0; i < kInvariants; ++i)
            if (again.first_violation[i] != r.stats.first_violation[i] && r.stats.first_violation[i])
                throw std::logic_error(fmt::format(
                    "the exact re-run does not find the compact run's first violation of {} "
                    "(model bug or fingerprint collision)", invariant_table()[i].name));
    }
    const engine::Explorer<CowModel>& searched = exact ? *exact : explorer;
    for (int i = 0; i < kInvariants; ++i) {
        if (!r.stats.first_violation[i]) continue;
        if (!explorer.disk()) {
            r.counterexamples.push_back(
                rebuild(model, searched, *r.stats.first_violation[i], static_cast<Inv>(i)));
            continue;
        }
        std::vector<State> canonical;
        std::vector<Action> actions;
        explorer.replay_path(*r.stats.first_violation[i], canonical, actions);
        if (canonical.size() != std::size_t{*r.stats.violation_depth[i]} + 1 ||
            model.invariant_holds(canonical.back(), i))
            throw std::logic_error(fmt::format(
                "the --disk links do not lead to a violation of {} at depth {} (engine bug)",
                invariant_table()[i].name, *r.stats.violation_depth[i]));
        r.counterexamples.push_back(
            finish(model, raw_path(model, canonical, actions), static_cast<Inv>(i)));
    }
    if (config.scenario && (r.stats.complete || r.stats.depth_limited)) {
        const std::size_t expanded_below =
            r.stats.depth_limited ? explorer.level_start(r.stats.depth) : explorer.size();
        const StuckReport stuck = find_stuck(model, explorer, expanded_below);
        r.complete_states = stuck.complete;
        r.stuck_states = stuck.doomed;
        if (stuck.doomed && !stuck.first)
            throw std::logic_error("doomed states, but none where every program waits (model bug)");
        if (stuck.first) {
            r.violated |= kStuckVerdict;
            Counterexample cx = raw_path(model, explorer, *stuck.first);
            cx.kind = TraceKind::stuck;
            cx.message = stuck_message(model, cx.states.back());
            note_earlier(model, cx, -1);
            r.counterexamples.push_back(std::move(cx));
        }
    }
    if ((options.coverage || config.scenario) && (r.stats.complete || r.stats.depth_limited))
        r.coverage = measure_coverage(spec, model, explorer);
    if (after) after(model, explorer);
    return r;
}

}  // namespace cowpin
