// `cowpin export TRACE.json --itf -o FILE`: a trace in Apalache's Informal Trace Format
// (formats/itf.hpp), for TLA+ and Quint tooling. The trace is replayed first, as `explain` does:
// one that does not reproduce is refused with replay's message and exit code.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/formats/itf.hpp"
#include "checker/formats/output_file.hpp"
#include "checker/run/trace.hpp"

namespace cowpin {

namespace {

struct ExportArgs {
    std::string trace, spec, output;
    std::vector<std::string> policy_files;
    bool itf = false;
};

int export_trace(const ExportArgs& args) {
    if (!args.itf) throw SpecError("export: give the format (--itf)");
    check_output_file(args.output, "-o");
    const ReplayOutcome r = replay_for_command(args.trace, args.spec, args.policy_files);
    if (r.exit_code != kExitOk) return r.exit_code;
    write_file_atomically(args.output, trace_to_itf(load_trace(args.trace)).dump(2) + "\n");
    std::cout << "wrote " << args.output << '\n';
    return kExitOk;
}

}  // namespace

Command add_export(CLI::App& app) {
    auto args = std::make_shared<ExportArgs>();
    auto* e = app.add_subcommand("export", "write a trace in another tool's format (ITF)");
    e->add_option("trace", args->trace, "counterexample JSON")->required();
    e->add_flag("--itf", args->itf, "Apalache's Informal Trace Format (ADR-015)");
    e->add_option("-o,--output", args->output, "file to write")->required();
    e->add_option("--spec", args->spec, "spec file (default: the one the trace carries)");
    e->add_option("--policy-file", args->policy_files, "policy file the trace was checked with");
    return {e, [args] { return export_trace(*args); }};
}

}  // namespace cowpin
