// `cowpin graph SPEC --policy P -o G.dot`: the explored state graph as Graphviz DOT, refused
// (exit 2, nothing written) above --max-states.
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/formats/output_file.hpp"
#include "checker/views/graph_export.hpp"

namespace cowpin {

namespace {

struct GraphArgs {
    std::string spec, policy, out;
    std::vector<std::string> bounds;
    std::size_t max_states = 5000;
};

int graph(const GraphArgs& args) {
    const Spec spec = load_spec(args.spec);
    const CowPolicy& p = policy_or_throw(args.policy);
    const Bounds b = bounds_override(spec, args.bounds).value_or(spec.bounds);
    check_output_file(args.out, "-o");
    std::ostringstream dot;
    GraphStats st;
    try {
        st = export_graph(spec, p, b, args.max_states, dot);
    } catch (const GraphTooLarge& err) {
        throw SpecError(err.what());
    }
    write_file_atomically(args.out, dot.str());
    std::cout << fmt::format("wrote {}: {} states, {} edges, {} violating\n", args.out, st.states,
                             st.edges, st.violating);
    return kExitOk;
}

}  // namespace

Command add_graph(CLI::App& app) {
    auto args = std::make_shared<GraphArgs>();
    GraphArgs& a = *args;
    auto* g = app.add_subcommand("graph", "write the explored state graph as Graphviz DOT");
    g->add_option("spec", a.spec, "spec file")->required();
    g->add_option("--policy", a.policy, "policy")->required();
    g->add_option("-o,--output", a.out, "DOT file to write")->required();
    g->add_option("--bound", a.bounds, "override a bound: name=value (repeatable)");
    g->add_option("--max-states", a.max_states, "refuse graphs with more states (default 5000)")
        ->transform(whole_number(1, ~std::uint64_t{0}));
    return {g, [args] { return graph(*args); }};
}

}  // namespace cowpin
