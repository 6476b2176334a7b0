// What the fuzz targets share: a run as `cowpin check` does it (run_check, the verdict line and
// matrix, the coverage warnings, every counterexample as trace JSON, the --format documents),
// bounded so that one input takes milliseconds, not the whole search.
//
// Only SpecError is caught, as main() catches only SpecError: any other exception escapes
// LLVMFuzzerTestOneInput and ends the process, which libFuzzer reports as a crash, exactly as
// the command line would abort on it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "checker/formats/json_input.hpp"
#include "checker/formats/spec.hpp"
#include "checker/run/coverage.hpp"
#include "checker/run/run.hpp"
#include "checker/run/trace.hpp"
#include "checker/views/report.hpp"
#include "checker/views/results_formats.hpp"

namespace cowpin::fuzz {

// States one run may hold: the initial levels of any spec, a few milliseconds under ASan.
inline constexpr std::uint64_t kMaxStates = 2000;
// Memory one run may take before it stops (exit 4 in the CLI), well under libFuzzer's -rss_limit_mb.
inline constexpr std::uint64_t kMaxBytes = std::uint64_t{256} << 20;

// Bad input is one line of valid text (tests/bad-input/README.md): a message with a newline, a
// control character or a byte that is not UTF-8 ends the run as a crash would, so the fuzzer
// keeps the input that made it.
inline void require_one_line(const std::string& message) {
    if (printable(message) == message) return;
    std::fprintf(stderr, "cowpin fuzz: a message that is not one printable line: %s\n",
                 printable(message).c_str());
    std::abort();
}

// `spec` under `policy` as `cowpin check --max-states 2000 --threads 1` runs it, then the text
// and traces the command would print and write (the traces as JSON, not as files).
inline void check_like_the_cli(const Spec& spec, const CowPolicy& policy) {
    if (!spec.refusal(policy).empty()) return;  // check refuses it by name, runs nothing
    if (!spec.checks_policy(policy.name)) return;  // the spec's "policies" leave it out
    RunOptions opts;
    opts.limits.max_states = kMaxStates;
    opts.limits.max_bytes = kMaxBytes;
    opts.threads = 1;
    RunResult r = run_check(spec, policy, opts);
    std::string out = verdict_line(r);
    if (r.coverage) {
        out += coverage_text(spec, policy, *r.coverage);
        for (const std::string& w : coverage_warnings(spec, policy, *r.coverage)) out += w;
    }
    for (const Counterexample& cx : r.counterexamples) {
        out += counterexample_filename(r, cx);
        out += counterexample_json(r, cx, "specs/" + spec.name + ".json").dump(2);
    }
    std::vector<RunResult> results;
    results.push_back(std::move(r));
    out += verdict_matrix(results);
    // `check --format json|junit|sarif|tap`: the same results as CI tools read them.
    for (const ResultsFormat f :
         {ResultsFormat::json, ResultsFormat::junit, ResultsFormat::sarif, ResultsFormat::tap})
        out += format_results(f, results, {}, "counterexamples");
    // Keep `out` alive to here so nothing above is optimised away.
    asm volatile("" : : "r"(out.data()) : "memory");
}

}  // namespace cowpin::fuzz
