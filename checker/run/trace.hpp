// Counterexample files and needless-copy witnesses (format "cowpin-trace", version 4, "kind"
// "violation", "needless_copy" or "stuck"; schema in counterexamples/trace.schema.json).
//
// A trace stands alone: it carries its spec (the document itself, with the spec's name, the path
// it had and the SHA-256 of its bytes), the policy and its decisions, the bounds, the violated
// invariant and its message, the invariants its path had already violated (so a consequence is
// never mistaken for a second bug), the initial state, and each step: actor, action and
// arguments, the changes (RFC 6902 JSON Patch against the previous state) and the full state.
// Nothing in it depends on time or the machine, so `check` regenerates it byte for byte, and
// `replay` (replay.hpp) re-derives every field of it from the spec and the policy.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/run/run.hpp"

namespace cowpin {

inline constexpr const char* kTraceFormat = "cowpin-trace";
// 2: system-call steps, "noop" steps, kind "stuck"; 3: "memory", and the policy's memory kinds;
// 4: "spec.content", the spec itself.
inline constexpr int kTraceVersion = 4;

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

// One step as a trace records it: its index, the action (actor, action, args, text,
// program_step), why it changed nothing if it did (`effects`), the changes from `before` (the
// previous state's JSON) and `after`.
nlohmann::json step_json(std::size_t index, const Action& a, const StepEffects& effects,
                         const nlohmann::json& before, const nlohmann::json& after);
// The policy's decisions as a trace records them: its policy file without name and summary.
nlohmann::json policy_decisions_json(const CowPolicy& policy);

// Read a trace file: a cowpin trace of version 4 (or 2 or 3), every field of the right type
// (checker/formats/trace_json.hpp); otherwise throws SpecError naming the file and the field.
nlohmann::json load_trace(const std::string& path);

}  // namespace cowpin
