// `cowpin policies [--json NAME]`: the built-in policies, one line each, or one as a policy file.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/formats/policy_json.hpp"

namespace cowpin {

namespace {

int policies(const std::string& json_of) {
    if (!json_of.empty()) {
        std::cout << policy_to_json(policy_or_throw(json_of)).dump(2) << '\n';
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
    auto json_of = std::make_shared<std::string>();
    auto* p = app.add_subcommand("policies", "list the policies with a one-line summary each");
    p->add_option("--json", *json_of, "print this built-in policy as a policy file");
    return {p, [json_of] { return policies(*json_of); }};
}

}  // namespace cowpin
