// `cowpin policies [--json NAME | --describe [NAME] | --invariants] [--format text|markdown]`: the
// built-in policies, one line each; one as a policy file; the policy table as a reference (each
// decision point, its behaviours, what each means and mirrors, and which policy takes which;
// or one decision point, or one policy); the invariants (checker/views/policies_doc.hpp,
// invariants_doc.hpp). docs/semantics/policies.md and invariants.md are their Markdown.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/formats/policy_json.hpp"
#include "checker/views/invariants_doc.hpp"
#include "checker/views/policies_doc.hpp"

namespace cowpin {

namespace {

struct PoliciesArgs {
    std::string json_of;
    std::string describe;
    bool describing = false;  // --describe given, with or without a name
    bool invariants = false;
    std::string format = "text";
};

int policies(const PoliciesArgs& args) {
    if (!args.json_of.empty() + args.describing + args.invariants > 1)
        throw SpecError("policies: give one of --json, --describe, --invariants");
    const DocFormat format = *parse_doc_format(args.format);
    if (!args.json_of.empty()) {
        std::cout << policy_to_json(policy_or_throw(args.json_of)).dump(2) << '\n';
        return kExitOk;
    }
    if (args.describing) {
        std::cout << policies_document(format, args.describe);
        return kExitOk;
    }
    if (args.invariants) {
        std::cout << invariants_document(format);
        return kExitOk;
    }
    std::size_t w = 0;
    for (const CowPolicy* p : all_policies()) w = std::max(w, p->name.size());
    for (const CowPolicy* p : all_policies())
        std::cout << fmt::format("{:<{}}  {}\n", p->name, w, p->summary);
    return kExitOk;
}

}  // namespace

Command add_policies(CLI::App& app) {
    auto args = std::make_shared<PoliciesArgs>();
    auto* p = app.add_subcommand(
        "policies", "list the policies with a one-line summary each; --describe their decision "
                    "points and behaviours; --invariants");
    p->add_option("--json", args->json_of, "print this built-in policy as a policy file")
        ->type_name("NAME");
    auto* describe =
        p->add_option("--describe", args->describe,
                      "each decision point, its behaviours, what each means and the kernel code "
                      "it mirrors, and which policy takes which; or one decision point, or one "
                      "policy, by NAME")
            ->expected(0, 1)
            ->type_name("[NAME]");
    p->add_flag("--invariants", args->invariants, "the invariants every state is checked for");
    p->add_option("--format", args->format,
                  "text (default) or markdown, for --describe and --invariants")
        ->check(CLI::IsMember({"text", "markdown"}));
    return {p, [args, describe] {
                args->describing = describe->count() > 0;
                return policies(*args);
            }};
}

}  // namespace cowpin
