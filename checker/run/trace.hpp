// Counterexample files and needless-copy witnesses (format "cowpin-trace", version 1, "kind"
// "violation" or "needless_copy"; schema in
// counterexamples/trace.schema.json) and their replay.
//
// A trace names the spec ("specs/x.json", looked up beside the trace's directory or under the
// working directory, and its SHA-256), the policy and
// bounds, the violated invariant and its message, the invariants its path had already violated
// (so a consequence is never mistaken for a second bug), the initial state, and each step: actor,
// action and arguments, the changes (RFC 6902 JSON Patch against the previous state) and the full
// state. Nothing in it depends on time or the machine, so `check` regenerates it byte for byte.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/run/run.hpp"

namespace cowpin {

inline constexpr const char* kTraceFormat = "cowpin-trace";
inline constexpr int kTraceVersion = 3;  // 2: system-call steps, "noop" steps, kind "stuck";
                                         // 3: "memory", and the policy's memory kinds

// "<spec>.<policy>.<invariant>.json"
std::string counterexample_filename(const RunResult& r, const Counterexample& cx);
// "violation", "needless_copy" or "stuck", as trace files and JSON name the kind.
std::string_view kind_name(TraceKind kind);
// `spec_path` is how the trace refers to the spec ("specs/x.json").
nlohmann::json counterexample_json(const RunResult& r, const Counterexample& cx,
                                   const std::string& spec_path);
// Writes one trace (counterexample or needless-copy witness) into `dir`; returns its path.
std::string write_trace(const RunResult& r, const Counterexample& cx, const std::string& dir);
// Writes every counterexample of `r` into `dir` (each whole or not at all: write_file_atomically)
// and returns the paths written. A run cut short by a limit writes none: its statistics are
// partial and a trace it did not reach may exist. Nothing in `dir` is ever removed.
std::vector<std::string> write_counterexamples(const RunResult& r, const std::string& dir);
// The traces of r's (spec, policy) in `dir` (violations and stuck executions) that the complete
// run `r` did not find: left from an earlier model or spec; none for an incomplete run.
std::vector<std::string> stale_counterexamples(const RunResult& r, const std::string& dir);

struct ReplayOutcome {
    int exit_code = 0;  // 0 violation reproduced, 1 diverged, 2 malformed input
    std::string message;
};
// Re-execute a trace file through the model (the spec is found from the trace unless given; a
// policy not built in must be given as a policy file). A violation trace must end in a state
// violating its invariant; a needless-copy witness must end with a step that copies needlessly.
ReplayOutcome replay_trace(const std::string& trace_path,
                           const std::optional<std::string>& spec_path = std::nullopt,
                           const std::vector<CowPolicy>& policy_files = {});

// Read a trace file; throws SpecError naming the file if it is not a cowpin trace.
nlohmann::json load_trace(const std::string& path);

}  // namespace cowpin
