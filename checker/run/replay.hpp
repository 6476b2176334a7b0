// `replay`: re-execute a trace file (trace.hpp) through the model and re-derive every field of it
// that the spec, the policy and the bounds determine; `explain` replays before it prints.
//
// The spec is the one the trace carries (version 4), or `--spec FILE`; a path the trace records
// is never followed (a version 2 or 3 trace, which carries none, needs --spec). The policy is a
// policy file given for it, else the built-in of its name, else the decisions the trace records;
// the recorded decisions must be that policy's.
//
// Exit codes (checker/commands/common.hpp): 0 the trace reproduces; 1 a well-formed trace that
// diverges, naming the first field that differs, in this order: spec.name, memory,
// policy_decisions, the bounds' depth, the initial state, each step (index, whether it is
// enabled, text, state, changes, noop, the rest), the ending (the invariant still holds, or fails
// earlier; the needless copy; the stuck state), then message, already_violated and the kind's
// summary; 2 malformed input: not JSON, a field of the wrong type, missing or unknown, an unknown
// name, or a number beyond the build's capacity or the trace's bounds (never wrapped).
// Not re-derived: tool (the writer), stats (of the search, not of the path), spec.path and
// spec.sha256 (of the file the spec was read from); the bounds are the run's (`check --bound`
// may differ from the spec's) and are checked to fit the build and the spec's programs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/formats/spec.hpp"
#include "model/policy.hpp"

namespace cowpin {

// A trace that reproduced, as the model ran it: what views that draw the path read (graph
// --trace) instead of re-deriving it from the JSON. states are raw (CowModel::step, never
// canonicalized), so frames, slots and values keep the names the trace and `explain` give them.
struct ReplayedPath {
    Spec spec;
    CowPolicy policy;
    Bounds bounds;
    std::vector<Action> actions;  // actions[i] leads from states[i] to states[i + 1]
    std::vector<State> states;    // states[0] is the initial state
    // The model that ran it: spec.model_config(policy) with the trace's bounds. It points into
    // `policy`: keep this ReplayedPath alive, where it is, while a model built from it runs.
    ModelConfig config() const;
};

struct ReplayOutcome {
    int exit_code = 0;  // 0 reproduced, 1 diverged, 2 malformed input
    std::string notes;  // "note: ..." lines (a --spec whose bytes differ from the recorded ones)
    std::string message;
    // When it reproduced: the decision points each step consulted (decision_bit(), effects.hpp),
    // steps[i] for step i + 1.
    std::vector<std::uint32_t> decisions;
    std::shared_ptr<const ReplayedPath> path;  // when it reproduced
};

ReplayOutcome replay_trace(const std::string& trace_path,
                           const std::optional<std::string>& spec_path = std::nullopt,
                           const std::vector<CowPolicy>& policy_files = {});

}  // namespace cowpin
