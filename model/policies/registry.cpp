#include <array>

#include "model/policy.hpp"

namespace cowpin {

extern const CowPolicy linux_5_7, linux_5_8, linux_5_9, linux_5_11, linux_5_18, linux_5_19, linux_6_18,
    precop, freebsd, netbsd, eager_copy;

namespace {
const std::array<const CowPolicy*, 11> kPolicies = {
    &linux_5_7, &linux_5_8,  &linux_5_9, &linux_5_11, &linux_5_18, &linux_5_19,
    &linux_6_18, &precop, &freebsd, &netbsd, &eager_copy,
};
}  // namespace

std::span<const CowPolicy* const> all_policies() { return kPolicies; }

const CowPolicy* find_policy(std::string_view name) {
    for (const CowPolicy* p : kPolicies)
        if (p->name == name) return p;
    return nullptr;
}

std::string policy_names() {
    std::string out;
    for (const CowPolicy* p : kPolicies) {
        if (!out.empty()) out += ", ";
        out += p->name;
    }
    return out;
}

}  // namespace cowpin
