// `cowpin graph SPEC --policy P [-o G.svg|G.dot]`: the explored state graph of a small spec;
// `cowpin graph --trace TRACE.json [-o G.svg|G.dot]`: one trace's path and the steps it does not
// take (views/trace_graph.hpp). Both carry a legend. Written as DOT, or rendered by Graphviz's
// library when the name ends in .svg, .png or .pdf (views/graph_render.hpp); without -o the DOT
// goes to stdout.
//
// A whole graph above --max-states (default kGraphStateLimit, what dot lays out in 10 s) is
// refused with exit 4 (common.hpp): the spec and the command line are well-formed, a limit stops
// the run, as `check --max-states` does; nothing is written. A trace that does not replay is
// refused as explain refuses it (exit 1 or 2).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/formats/output_file.hpp"
#include "checker/run/trace.hpp"
#include "checker/views/graph_export.hpp"
#include "checker/views/graph_render.hpp"
#include "checker/views/trace_graph.hpp"

namespace cowpin {

namespace {

struct GraphArgs {
    std::string spec, policy, out, trace, trace_spec;
    std::vector<std::string> bounds, policy_files;
    std::size_t max_states = kGraphStateLimit;
};

// The options that belong to the other form, refused by name.
void check_form(const GraphArgs& a, const CLI::App& g) {
    if (a.spec.empty() == a.trace.empty())
        throw SpecError("graph: give a spec (with --policy) or --trace TRACE.json, one of the two");
    if (!a.spec.empty()) {
        if (a.policy.empty()) throw SpecError("graph: --policy is required with a spec");
        for (const char* o : {"--spec", "--policy-file"})
            if (g.count(o)) throw SpecError(fmt::format("graph: {} goes with --trace", o));
        return;
    }
    for (const char* o : {"--policy", "--bound", "--max-states"})
        if (g.count(o)) throw SpecError(fmt::format("graph: {} goes with a spec, not --trace", o));
}

// DOT as it is, or rendered for a .svg, .png or .pdf name; written whole, or to stdout.
void emit(const std::string& out, const std::string& dot) {
    if (out.empty()) {
        std::cout << dot;
        return;
    }
    const std::string format = picture_format(out);
    std::string bytes = dot;
    if (!format.empty()) {
        try {
            bytes = render_picture(dot, format);
        } catch (const RenderError& err) {
            throw SpecError(fmt::format("-o {}: {}", out, err.what()));
        }
    }
    write_file_atomically(out, bytes);
}

int graph(const GraphArgs& args, const CLI::App& g) {
    check_form(args, g);
    if (!args.out.empty()) {
        check_output_file(args.out, "-o");
        const std::string format = picture_format(args.out);
        if (const std::string why = format.empty() ? "" : graphviz_missing(format); !why.empty())
            throw SpecError(fmt::format("-o {}: {}", args.out, why));
    }
    if (!args.trace.empty()) {
        const ReplayOutcome r = replay_for_command(args.trace, args.trace_spec, args.policy_files);
        if (r.exit_code != kExitOk) return r.exit_code;
        const TraceGraph tg = trace_graph(*r.path, r.decisions, load_trace(args.trace));
        emit(args.out, tg.dot);
        if (!args.out.empty())
            std::cout << fmt::format(
                "wrote {}: {} states on the path ({} violating), {} alternatives ({} violating)\n",
                args.out, tg.path_states, tg.path_violating, tg.alternatives, tg.alternatives_violating);
        return kExitOk;
    }
    const Spec spec = load_spec(args.spec);
    const CowPolicy& p = policy_or_throw(args.policy);
    const Bounds b = bounds_override(spec, args.bounds).value_or(spec.bounds);
    WholeGraph wg;
    try {
        wg = whole_graph(spec, p, b, args.max_states);
    } catch (const GraphTooLarge& err) {
        std::cerr << "cowpin: " << err.what() << '\n';
        return kExitIncomplete;
    }
    emit(args.out, wg.dot);
    if (!args.out.empty())
        std::cout << fmt::format("wrote {}: {} states, {} edges, {} violating, {} stuck\n", args.out,
                                 wg.stats.states, wg.stats.edges, wg.stats.violating, wg.stats.stuck);
    return kExitOk;
}

}  // namespace

Command add_graph(CLI::App& app) {
    auto args = std::make_shared<GraphArgs>();
    GraphArgs& a = *args;
    auto* g = app.add_subcommand(
        "graph", "draw the explored state graph of a small spec, or one trace and its alternatives");
    g->add_option("spec", a.spec, "spec file (the whole graph; with --policy)");
    g->add_option("--policy", a.policy, "policy (with a spec)");
    g->add_option("--trace", a.trace,
                  "counterexample JSON: draw its path and the steps it does not take");
    g->add_option("-o,--output", a.out,
                  "file to write: .svg, .png or .pdf rendered by Graphviz, else DOT (default: DOT "
                  "on stdout)");
    g->add_option("--bound", a.bounds, "override a bound: name=value (repeatable; with a spec)");
    g->add_option("--max-states", a.max_states,
                  fmt::format("refuse (exit 4) a whole graph of more states (default {}: what dot "
                              "lays out in under 10 s)", kGraphStateLimit))
        ->transform(whole_number(1, ~std::uint64_t{0}));
    g->add_option("--spec", a.trace_spec, "with --trace: spec file (default: the one the trace carries)");
    g->add_option("--policy-file", a.policy_files, "with --trace: policy file the trace was checked with");
    return {g, [args, g] { return graph(*args, *g); }};
}

}  // namespace cowpin
