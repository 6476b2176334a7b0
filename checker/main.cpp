// cowpin: the command line. Each subcommand is a file of checker/commands/ (its options and its
// body); this only sets up logging, parses, and runs the chosen one. Results go to stdout, logs
// and progress to stderr (spdlog). Exit codes: commands/common.hpp.
#include <filesystem>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/formats/output_file.hpp"
#include "commit.hpp"  // COWPIN_COMMIT, generated at build time (cmake/commit.cmake)

int main(int argc, char** argv) {
    using namespace cowpin;
    auto logger = spdlog::stderr_color_mt("cowpin");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("[%l] %v");

    CLI::App app{"cowpin: an explicit-state model checker for copy-on-write and page pinning"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "cowpin " COWPIN_VERSION " (commit " COWPIN_COMMIT ")");
    bool verbose = false;
    app.add_flag("-v,--verbose", verbose, "log every counterexample written");
    const std::vector<Command> commands = {add_check(app),    add_bench(app),   add_reproduce(app),
                                           add_compare(app),  add_policies(app), add_replay(app),
                                           add_explain(app),  add_graph(app),   add_steps(app),
                                           add_export(app),   add_draw(app),    add_report(app)};
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& err) {
        const int rc = app.exit(err);
        return rc == 0 ? kExitOk : kExitBadInput;
    }
    if (verbose) spdlog::set_level(spdlog::level::debug);
    install_signal_cleanup();  // an interrupted run leaves no partial output file
    try {
        for (const Command& c : commands)
            if (*c.app) return c.run();
    } catch (const SpecError& err) {  // and OutputError: an output path that cannot be written
        std::cerr << "cowpin: " << err.what() << '\n';
        return kExitBadInput;
    } catch (const std::filesystem::filesystem_error& err) {
        // A last resort: every write names its path in an OutputError, and this is a path cowpin
        // could not read or list (a spec directory without permission), still one line.
        std::cerr << "cowpin: " << err.what() << '\n';
        return kExitBadInput;
    } catch (const std::ios_base::failure& err) {
        std::cerr << "cowpin: " << err.what() << '\n';
        return kExitBadInput;
    }
    return kExitBadInput;
}
