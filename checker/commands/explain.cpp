// `cowpin explain TRACE.json`: a trace as text, one block per step, in kernel words.
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/run/trace.hpp"
#include "checker/views/explain.hpp"

namespace cowpin {

namespace {

int explain(const std::string& trace) {
    const nlohmann::json t = load_trace(trace);
    std::string text;
    try {
        text = explain_trace(t);
    } catch (const nlohmann::json::exception& e) {
        throw SpecError(fmt::format("{}: not a complete trace: {}", trace, e.what()));
    }
    std::cout << text;
    return kExitOk;
}

}  // namespace

Command add_explain(CLI::App& app) {
    auto trace = std::make_shared<std::string>();
    auto* e = app.add_subcommand("explain", "print a counterexample as text, in kernel words");
    e->add_option("trace", *trace, "counterexample JSON")->required();
    return {e, [trace] { return explain(*trace); }};
}

}  // namespace cowpin
