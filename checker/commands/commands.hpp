// The subcommands of `cowpin`, one file each (check.cpp, compare.cpp, ...): each adds its
// subcommand and options to the command line and returns its body, which main() runs when that
// subcommand is chosen. A body returns the exit code (common.hpp) and throws SpecError on bad
// input.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace cowpin {

struct Command {
    CLI::App* app = nullptr;   // the subcommand, to ask whether it was chosen
    std::function<int()> run;  // its body, reading the options parsed into it
};

Command add_check(CLI::App& app);
Command add_compare(CLI::App& app);
Command add_reproduce(CLI::App& app);
Command add_bench(CLI::App& app);
Command add_policies(CLI::App& app);
Command add_replay(CLI::App& app);
Command add_explain(CLI::App& app);
Command add_export(CLI::App& app);
Command add_draw(CLI::App& app);
Command add_report(CLI::App& app);
Command add_graph(CLI::App& app);
Command add_steps(CLI::App& app);

}  // namespace cowpin
