// `cowpin report SPEC|DIR... --html DIR`: runs the checks `check` runs and writes what they found
// as a static site (views/html_report.hpp): DIR/index.html with the policy × scenario matrix,
// the needless-copy table and the statistics of every run; each trace in DIR/traces/ (as
// `check --out` writes it), its chart in DIR/charts/ (as `cowpin draw` draws it) and its explain
// text in DIR/explain/. It prints the verdict lines and the summary `check` prints.
//
// DIR is handled as `check --out` is: checked (created if need be) before anything runs, every
// file written whole or not at all, nothing removed; a trace of an earlier report that a complete
// run no longer finds is named in a warning and left. Exit codes as `check`'s: 0 every verdict as
// expected, 1 one is not, 4 a limit cut a run short, 2 bad input (nothing written).
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/formats/output_file.hpp"
#include "checker/run/copies.hpp"
#include "checker/run/replay.hpp"
#include "checker/run/trace.hpp"
#include "checker/views/chart_svg.hpp"
#include "checker/views/explain.hpp"
#include "checker/views/html_report.hpp"
#include "checker/views/report.hpp"
#include "checker/views/sequence_chart.hpp"
#include "commit.hpp"  // COWPIN_COMMIT, generated at build time (cmake/commit.cmake)

namespace cowpin {

namespace {

struct ReportArgs {
    std::vector<std::string> specs;
    std::string html;
    std::string policy;
    std::vector<std::string> policy_files;
    std::vector<std::string> bounds;
    std::uint64_t max_states = 0;
    std::uint64_t memory_mib = 0;
    unsigned threads = 0;
    std::string symmetry = "auto";
};

// The chart and the explain page of the trace at `dir`/`links.json`, beside it. The trace was
// just written from a run and replays (check's tests hold every shipped one to that): one that
// does not is a bug of the model, not bad input.
void write_trace_views(const std::string& dir, const TraceLinks& links) {
    const std::string path = dir + "/" + links.json;
    const ReplayOutcome r = replay_trace(path);
    if (r.exit_code != kExitOk)
        throw std::logic_error(fmt::format("{} does not replay (model bug): {}", path, r.message));
    const nlohmann::json t = load_trace(path);
    write_file_atomically(dir + "/" + links.chart, chart_svg(sequence_chart(t, r.decisions)));
    const std::string text = explain_trace(t, r.decisions);
    write_file_atomically(dir + "/" + links.explain,
                          explain_page_html(text.substr(0, text.find('\n')), text, links));
}

// Writes `cx` of `run` into DIR/traces and its views beside it; the links, or nullopt for a run a
// limit cut short (its traces are not written, as check writes none).
std::optional<TraceLinks> write_one(const std::string& dir, const RunResult& run, const Counterexample& cx) {
    if (!run.stats.complete) return std::nullopt;
    const std::string path = write_trace(run, cx, dir + "/traces");
    const TraceLinks links = trace_links(counterexample_filename(run, cx));
    spdlog::debug("wrote {}", path);
    write_trace_views(dir, links);
    return links;
}

int report(const ReportArgs& args) {
    const std::vector<CowPolicy> files = load_policy_files(args.policy_files);
    const std::vector<Spec> specs = load_specs(args.specs, files);
    const RunPlan plan = plan_runs(specs, args.policy, files);
    std::vector<std::optional<Bounds>> overrides;
    for (const Spec& s : specs) overrides.push_back(bounds_override(s, args.bounds));
    prepare_output_dir(args.html, "--html");  // before any verdict is printed
    for (const char* sub : {"traces", "charts", "explain"}) make_output_dir(args.html + "/" + sub);
    for (const std::string& line : plan.refusals) std::cout << line << '\n';

    // Every report keeps its run (entries point into it): reserved, never reallocated.
    std::vector<CopyReport> reports;
    reports.reserve(plan.runs);
    std::vector<ReportEntry> entries;
    int status = kExitOk;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const Spec& spec = specs[i];
        for (const CowPolicy* policy : plan.policies[i]) {
            const RunOptions opts = run_options(spec, *policy, overrides[i], args.max_states,
                                                args.memory_mib, args.threads, false, args.symmetry);
            // A scenario's copies come from the same exploration (compare's analysis); an
            // exhaustive spec's are per path, so its run is check's alone.
            CopyReport rep;
            if (spec.scenario)
                rep = analyze_copies(spec, *policy, opts);
            else
                rep.run = run_check(spec, *policy, opts);
            reports.push_back(std::move(rep));
            const CopyReport& done = reports.back();
            const RunResult& r = done.run;
            std::cout << verdict_line(r) << '\n' << std::flush;

            ReportEntry e;
            e.run = &r;
            for (const Counterexample& cx : r.counterexamples) e.traces.push_back(write_one(args.html, r, cx));
            for (const std::string& path : stale_counterexamples(r, args.html + "/traces"))
                spdlog::warn("stale counterexample {}: this run found no such trace; left in place", path);
            e.copies_measured = spec.scenario;
            e.copies = done.copies;
            e.needless = done.needless;
            if (done.witness) {
                e.witness_steps = done.witness->steps();
                e.witness = write_one(args.html, r, *done.witness);
            }
            entries.push_back(std::move(e));
            if (!r.stats.complete && status == kExitOk) status = kExitIncomplete;
            if (!r.verdict_matches() || !r.states_match()) status = kExitMismatch;
        }
    }
    const std::string index = args.html + "/index.html";
    write_file_atomically(index, report_index_html(entries, plan.refusals,
                                                   "cowpin " COWPIN_VERSION " (commit " COWPIN_COMMIT ")"));
    std::vector<RunResult> results;
    for (const CopyReport& rep : reports) results.push_back(rep.run);
    std::cout << '\n' << summary_line(results, plan.refusals.size()) << '\n';
    std::cout << fmt::format("wrote {}\n", index);
    return status;
}

}  // namespace

Command add_report(CLI::App& app) {
    auto args = std::make_shared<ReportArgs>();
    ReportArgs& a = *args;
    auto* r = app.add_subcommand("report", "check specs and write the results as a static HTML site");
    r->add_option("specs", a.specs, "spec files or directories of them")->required();
    r->add_option("--html", a.html,
                  "directory for the site: index.html, traces/, charts/, explain/ (created if "
                  "absent; no file there is ever removed)")
        ->required();
    r->add_option("--policy", a.policy,
                  "check only this policy, or these (comma-separated; other expectations ignored)");
    r->add_option("--policy-file", a.policy_files,
                  "check only the policy in this JSON file (repeatable)");
    r->add_option("--bound", a.bounds, "override a bound: name=value (repeatable)");
    r->add_option("--max-states", a.max_states,
                  "stop a run past this many states (exit 4; it writes no traces)")
        ->transform(whole_number(0, ~std::uint64_t{0}, "0: no limit"));
    r->add_option("--memory", a.memory_mib,
                  "stop a run when its states take this many MiB (exit 4; default: half of RAM)")
        ->transform(whole_number(0, kMaxMemoryMiB, "0: half of RAM"));
    r->add_option("--threads", a.threads, "worker threads, at most 1024 (default: every core)")
        ->transform(whole_number(0, kMaxThreads, "0: every core"));
    r->add_option("--symmetry", a.symmetry, kSymmetryHelp)->check(symmetry_error);
    return {r, [args] { return report(*args); }};
}

}  // namespace cowpin
