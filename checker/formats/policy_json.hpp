// Policies as data: a JSON file that picks, for each decision point of the model, one of the
// named behaviours the built-in policies use (the enums of model/policy.hpp), e.g.
//
//   { "name": "my-idea", "summary": "5.19, but fork shares pinned pages",
//     "anon_exclusive": true, "exclusive_entries": true,
//     "write_fault": "anon_exclusive", "gup_read_pin": "unshare", "gup_read_get": "none",
//     "fork": "share", "swap_out": "unless_pinned", "migrate": "unless_pinned",
//     "swap_in": "anon_exclusive", "mprotect": "never", "clear_refs": "skip_pinned",
//     "odirect": "get", "memory": ["base", "thp", "hugetlb"],
//     "hugetlb_fork": "anon_exclusive", "hugetlb_write_fault": "mapcount",
//     "huge_pmd_write_fault": "anon_exclusive_split", "large_folio_write_fault": "mm_id" }
//
// "memory" lists the kinds of memory the policy models (MODEL.md §9); the decision points of
// thp and of hugetlb are required when it lists them, and refused when it does not. Every decision
// point of the base page is required; an unknown key, an unknown behaviour, or a behaviour that
// needs PageAnonExclusive in a policy without it is refused naming the decision point.
// specs/policies/ holds every built-in policy in this form.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/policy.hpp"

namespace cowpin {

// The longest policy name: it names counterexample files (SPEC.POLICY.INVARIANT.json, spec.hpp).
inline constexpr std::size_t kMaxPolicyNameChars = 64;

// Throws SpecError ("FILE: decision point 'fork': ...").
CowPolicy parse_policy(const std::string& text, const std::string& path);
CowPolicy load_policy_file(const std::string& path);
// In file order (decision points as listed above).
nlohmann::ordered_json policy_to_json(const CowPolicy& policy);

// The decision points, in file order, with their behaviours (for errors and documentation).
struct DecisionPoint {
    std::string key;
    std::vector<std::string> behaviours;
};
const std::vector<DecisionPoint>& decision_points();

}  // namespace cowpin
