// `cowpin compare SPEC|DIR... --policies A,B`: per spec, the policies side by side: verdict,
// copies and needless copies (min..max over complete executions of a scenario), and the
// shortest needless-copy witness.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/formats/output_file.hpp"
#include "checker/run/copies.hpp"
#include "checker/run/trace.hpp"

namespace cowpin {

namespace {

struct CompareArgs {
    std::vector<std::string> specs;
    std::string policies;  // "A,B"
    std::vector<std::string> policy_files;
    std::vector<std::string> bounds;
    std::string out;  // write needless-copy witnesses here if set
};

std::string range_text(const std::optional<CopyRange>& r) {
    return r ? fmt::format("{}..{}", r->min, r->max) : std::string("-");
}

int compare(const CompareArgs& args) {
    const std::vector<CowPolicy> files = load_policy_files(args.policy_files);
    const std::vector<Spec> specs = load_specs(args.specs, files);
    std::vector<const CowPolicy*> policies;
    std::string list = args.policies;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        policies.push_back(&policy_or_throw(list.substr(0, comma)));
        list = comma == std::string::npos ? "" : list.substr(comma + 1);
    }
    for (const CowPolicy& p : files) policies.push_back(&p);
    if (policies.empty())
        for (const CowPolicy* p : all_policies()) policies.push_back(p);
    std::vector<std::optional<Bounds>> overrides;
    for (const Spec& s : specs) overrides.push_back(bounds_override(s, args.bounds));
    if (!args.out.empty()) prepare_output_dir(args.out, "--out");

    for (std::size_t i = 0; i < specs.size(); ++i) {
        const Spec& spec = specs[i];
        std::vector<std::vector<std::string>> cols;
        for (const CowPolicy* p : policies) {
            if (!spec.refusal(*p).empty()) {  // never run as base pages
                cols.push_back({p->name, "refused", "-", "-", "-"});
                continue;
            }
            RunOptions opts;
            opts.bounds = overrides[i];
            const CopyReport rep = analyze_copies(spec, *p, opts);
            std::string witness = "none";
            if (rep.witness) {
                witness = fmt::format("{} steps", rep.witness->steps());
                // As `check`: a run cut short (a --bound depth) writes no trace.
                if (!args.out.empty() && !rep.run.stats.complete)
                    witness += " (incomplete run: not written)";
                else if (!args.out.empty())
                    spdlog::info("wrote {}", write_trace(rep.run, *rep.witness, args.out));
            }
            cols.push_back({p->name, verdict_tags(rep.run.violated), range_text(rep.copies),
                            range_text(rep.needless), witness});
        }
        const std::vector<std::string> rows = {"", "verdict", "copies min..max",
                                               "needless min..max", "needless witness"};
        std::cout << fmt::format("{}{}\n", spec.name, spec.scenario ? "" : " (exhaustive: copies "
                                                                         "are per path, not shown)");
        for (std::size_t r = 0; r < rows.size(); ++r) {
            std::string line = fmt::format("  {:<18}", rows[r]);
            for (const auto& c : cols) line += fmt::format("  {:<12}", c[r]);
            while (!line.empty() && line.back() == ' ') line.pop_back();
            std::cout << line << '\n';
        }
        std::cout << '\n';
    }
    return kExitOk;
}

}  // namespace

Command add_compare(CLI::App& app) {
    auto args = std::make_shared<CompareArgs>();
    CompareArgs& a = *args;
    auto* cmp = app.add_subcommand(
        "compare", "policies side by side: verdict, copies and needless copies per spec");
    cmp->add_option("specs", a.specs, "spec files or directories of them")->required();
    cmp->add_option("--policies", a.policies, "comma-separated policies (default: all)");
    cmp->add_option("--policy-file", a.policy_files, "also compare this policy file");
    cmp->add_option("--bound", a.bounds, "override a bound: name=value (repeatable)");
    cmp->add_option("--out", a.out,
                    "write each needless-copy witness trace here (not one of a run cut short by a "
                    "depth bound)");
    return {cmp, [args] { return compare(*args); }};
}

}  // namespace cowpin
