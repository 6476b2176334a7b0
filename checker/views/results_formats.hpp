// `cowpin check --format json|junit|sarif|tap`: the results of a check in the formats CI tools
// read, one document on stdout (logs stay on stderr). Every (spec, policy) run is one entry,
// with the same status the text report gives it:
//   ok          the verdict (and the state count, where pinned) is the expected one
//   mismatch    it is not (exit 1)
//   incomplete  a limit cut the run short (exit 4)
//   unexpected  the spec expects nothing of this policy
// JSON follows docs/schemas/results.schema.json; JUnit has one testcase per (spec, policy);
// SARIF 2.1.0 one result per mismatch, located at the spec's expectation for the policy;
// TAP 13 one test point per (spec, policy) with a YAML block.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/run/run.hpp"

namespace cowpin {

enum class ResultsFormat { text, json, junit, sarif, tap };

// "text", "json", ... or nullopt.
std::optional<ResultsFormat> parse_results_format(const std::string& name);

// A run's status word, as above.
std::string_view run_status(const RunResult& r);

// The document for `results`; `refusals` are the "SPEC POLICY: refused: why" lines of runs that
// did not happen (a policy that does not model the spec's memory); `out_dir` is where
// counterexamples were written ("" with --no-write).
std::string format_results(ResultsFormat format, const std::vector<RunResult>& results,
                           const std::vector<std::string>& refusals, const std::string& out_dir);

}  // namespace cowpin
