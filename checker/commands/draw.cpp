// `cowpin draw TRACE.json -o FILE.svg [--spec S] [--policy-file F]`: a trace (counterexample,
// needless-copy witness or stuck trace) as a message sequence chart in SVG
// (views/sequence_chart.hpp, views/chart_svg.hpp). The trace is replayed first, as `explain`
// does: one that does not reproduce is refused with replay's message and exit code, and nothing
// is written.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/formats/output_file.hpp"
#include "checker/run/replay.hpp"
#include "checker/run/trace.hpp"
#include "checker/views/chart_svg.hpp"
#include "checker/views/sequence_chart.hpp"

namespace cowpin {

namespace {

struct DrawArgs {
    std::string trace, spec, output;
    std::vector<std::string> policy_files;
};

int draw(const DrawArgs& args) {
    check_output_file(args.output, "-o");
    const ReplayOutcome r = replay_trace(
        args.trace, args.spec.empty() ? std::nullopt : std::optional<std::string>(args.spec),
        load_policy_files(args.policy_files));
    std::cerr << r.notes;
    if (r.exit_code != kExitOk) {
        std::cerr << "cowpin: " << r.message << '\n';
        return r.exit_code;
    }
    const SequenceChart chart = sequence_chart(load_trace(args.trace), r.decisions);
    write_file_atomically(args.output, chart_svg(chart));
    std::cout << fmt::format("wrote {}: {} steps, {} lifelines\n", args.output, chart.rows.size() - 1,
                             chart.lifelines.size());
    return kExitOk;
}

}  // namespace

Command add_draw(CLI::App& app) {
    auto args = std::make_shared<DrawArgs>();
    auto* d = app.add_subcommand("draw", "draw a trace as a message sequence chart (SVG)");
    d->add_option("trace", args->trace, "trace JSON (counterexample, needless-copy witness, stuck trace)")
        ->required();
    d->add_option("-o,--output", args->output, "SVG file to write")->required();
    d->add_option("--spec", args->spec, "spec file (default: the one the trace carries)");
    d->add_option("--policy-file", args->policy_files, "policy file the trace was checked with");
    return {d, [args] { return draw(*args); }};
}

}  // namespace cowpin
