// `cowpin replay TRACE.json [--spec S] [--policy-file F]`: re-execute a counterexample (or a
// needless-copy witness, or a stuck trace) through the model and re-derive every field of it:
// exit 0 if it reproduces, 1 naming the first field that diverges, 2 on a malformed trace (one
// line on stderr for both).
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/run/replay.hpp"

namespace cowpin {

namespace {

struct ReplayArgs {
    std::string trace, spec;
    std::vector<std::string> policy_files;
};

int replay(const ReplayArgs& args) {
    const ReplayOutcome r = replay_trace(
        args.trace, args.spec.empty() ? std::nullopt : std::optional<std::string>(args.spec),
        load_policy_files(args.policy_files));
    std::cerr << r.notes;
    if (r.exit_code == kExitOk)
        std::cout << r.message << '\n';
    else
        std::cerr << "cowpin: " << r.message << '\n';
    return r.exit_code;
}

}  // namespace

Command add_replay(CLI::App& app) {
    auto args = std::make_shared<ReplayArgs>();
    auto* r = app.add_subcommand("replay", "re-execute a counterexample through the model");
    r->add_option("trace", args->trace, "counterexample JSON")->required();
    r->add_option("--spec", args->spec, "spec file (default: the one the trace carries)");
    r->add_option("--policy-file", args->policy_files, "policy file the trace was checked with");
    return {r, [args] { return replay(*args); }};
}

}  // namespace cowpin
