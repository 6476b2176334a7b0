// `cowpin explain TRACE.json [--spec S] [--policy-file F]`: a trace as text, one block per step,
// in kernel words, with the policy decision each step took. The trace is replayed first
// (replay.hpp): one that does not reproduce is refused with replay's message and exit code.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/run/trace.hpp"
#include "checker/views/explain.hpp"

namespace cowpin {

namespace {

struct ExplainArgs {
    std::string trace, spec;
    std::vector<std::string> policy_files;
};

int explain(const ExplainArgs& args) {
    const ReplayOutcome r = replay_for_command(args.trace, args.spec, args.policy_files);
    if (r.exit_code != kExitOk) return r.exit_code;
    std::cout << explain_trace(load_trace(args.trace), r.decisions);
    return kExitOk;
}

}  // namespace

Command add_explain(CLI::App& app) {
    auto args = std::make_shared<ExplainArgs>();
    auto* e = app.add_subcommand("explain", "print a counterexample as text, in kernel words");
    e->add_option("trace", args->trace, "counterexample JSON")->required();
    e->add_option("--spec", args->spec, "spec file (default: the one the trace carries)");
    e->add_option("--policy-file", args->policy_files, "policy file the trace was checked with");
    return {e, [args] { return explain(*args); }};
}

}  // namespace cowpin
