// One check: a spec under one policy. Explores, then rebuilds each violated invariant's shortest
// counterexample from the stored levels and action indices (Explorer::link) and re-executes it
// through the model before anyone sees it (a mismatch is a model bug: nondeterministic
// actions() or canonicalize()).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checker/engine/bfs.hpp"
#include "checker/engine/comm.hpp"
#include "checker/formats/spec.hpp"
#include "checker/run/coverage.hpp"
#include "model/model.hpp"

namespace cowpin {

// A counterexample path, re-executed without canonicalization (CowModel::step) so that frames,
// slots and values keep their names from step to step; each state canonicalizes to the state
// the search found.
enum class TraceKind : std::uint8_t {
    violation,      // the last state violates `invariant`
    needless_copy,  // the last step copies a page no other process maps or references
    stuck,          // from the last state no execution reaches the end of every program
};

struct Counterexample {
    TraceKind kind = TraceKind::violation;
    Inv invariant = Inv::refcounts_consistent;  // for violations
    std::string message;           // violation_message() of the last state
    std::vector<State> states;     // states[0] is the initial state
    std::vector<Action> actions;   // actions[i] leads from states[i] to states[i + 1]
    // Invariants the path violated before its last state, with the first step that did.
    std::vector<std::pair<Inv, std::size_t>> earlier;
    std::size_t steps() const { return actions.size(); }
    // The earliest earlier violation, if this one may be its consequence.
    std::optional<std::pair<Inv, std::size_t>> cause() const;
};

struct RunOptions {
    std::optional<Bounds> bounds;  // overrides the spec's (then state counts are not compared)
    engine::Limits limits;         // max_states (depth comes from the bounds)
    std::function<void(const engine::Progress&)> progress;
    unsigned threads = 1;
    bool compact = false;          // fingerprints (traces are rebuilt by an exact re-run)
    // --disk: fingerprints, with the BFS queue and the trace links in files under this
    // directory (traces are replayed from the links, no re-run). Empty: in memory.
    std::string disk;
    // Renamings the search reduces by (processes, pages, handles); default: all, where sound
    // (exhaustive specs; pages on base memory), none for scenarios.
    std::optional<Symmetry> symmetry;
    // Measure coverage (checker/run/coverage.hpp); scenarios always do, they are small.
    bool coverage = false;
    // The ranks of `mpirun -np N cowpin check`: an exhaustive spec is explored over them
    // (checker/engine/distributed_bfs.hpp; every rank calls run_check and gets the same
    // result); a scenario, small, runs threaded on each. Needs exact mode and no coverage.
    engine::Comm* comm = nullptr;
};

struct RunResult {
    const Spec* spec = nullptr;
    const CowPolicy* policy = nullptr;
    Bounds bounds;
    engine::Result stats;
    std::uint32_t violated = 0;                   // bit per Inv, and kStuckVerdict
    // In invariant order, then the stuck trace (kind stuck) if the verdict has kStuckVerdict.
    std::vector<Counterexample> counterexamples;
    std::uint64_t complete_states = 0;            // scenario: all programs finished
    std::uint64_t stuck_states = 0;               // scenario: no complete state is reachable
    // The search stopped at a depth bound: a verdict for the executions up to it, which counts
    // only where the spec says so ("depth_bounded"); otherwise the run is incomplete.
    bool depth_bounded = false;
    std::optional<Coverage> coverage;
    std::optional<std::uint32_t> expected;
    std::optional<std::uint64_t> expected_states;
    // The counts are those of the default reduction ("symmetric_states" rather than "states"):
    // every sound renaming was reduced by, and at least one was.
    bool symmetry = false;
    Symmetry reduced;                             // what the search reduced by
    // The state count can be compared with the spec's: no reduction, or the default one.
    bool counts_comparable = true;

    // An incomplete run can still refute an expectation: by a violation the spec does not
    // expect. It can never confirm one, nor a state count.
    bool verdict_matches() const {
        if (!expected) return true;
        return stats.complete ? *expected == violated : (violated & ~*expected) == 0;
    }
    bool states_match() const {
        return !stats.complete || !expected_states || *expected_states == stats.states;
    }
    bool matches() const { return stats.complete && verdict_matches() && states_match(); }
};

// Called once exploration is done, with the model and the explored store (e.g. to scan edges
// for copy accounting without exploring twice).
using AfterExploration =
    std::function<void(const CowModel&, const engine::Explorer<CowModel>&)>;

// Throws SpecError if overridden bounds no longer fit the spec's programs.
RunResult run_check(const Spec& spec, const CowPolicy& policy, const RunOptions& options = {},
                    const AfterExploration& after = {});

// The model of `spec` under `policy`, with overridden bounds if given.
ModelConfig run_config(const Spec& spec, const CowPolicy& policy, const RunOptions& options);

// The search path to `last`, then `extra` if given, re-executed without canonicalization and
// checked against the stored states (throws std::logic_error on a mismatch: a model bug).
Counterexample raw_path(const CowModel& model, const engine::Explorer<CowModel>& ex,
                        engine::StateId last, const Action* extra = nullptr);

// The same for a path given as the canonical states the search stored (element 0 the initial
// state) and the searched action into each later one.
Counterexample raw_path(const CowModel& model, const std::vector<State>& canonical,
                        const std::vector<Action>& searched, const Action* extra = nullptr);

// Record in cx.earlier the invariants (other than `except`, an Inv, or -1 for none) the path
// violated before its last state, each with the first step that did.
void note_earlier(const CowModel& model, Counterexample& cx, int except);

// Re-execute a path's actions from the model's initial state with CowModel::step, checking
// each is offered by actions() and enabled; empty if every state matches, else which step
// diverged and how.
std::string replay_divergence(const CowModel& model, const std::vector<Action>& actions,
                              const std::vector<State>& states);

}  // namespace cowpin
