// `cowpin policies --describe [NAME]`: the policy table of model/policy.hpp as a reference. The
// decision points, their behaviours and which policy takes which are read off the table itself
// (decision_points() and policy_to_json() of checker/formats/policy_json.hpp, all_policies(),
// the --coverage outcome names); what each point decides and what each behaviour means, with the
// kernel function or commit it mirrors, is the prose of policy_prose.cpp, one entry per point
// and behaviour (a missing one throws, a stale one is caught by the tests).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checker/views/doc_text.hpp"

namespace cowpin {

struct BehaviourProse {
    std::string_view name, meaning, kernel;
};

// A decision point (a key of a policy file), or one of the flags a policy file also sets
// (anon_exclusive, exclusive_entries, memory), in words.
struct PointProse {
    std::string_view key, decides, kernel;
    std::vector<BehaviourProse> behaviours;  // none for the flags
};

// Every decision point and flag, in policy-file order.
const std::vector<PointProse>& policy_prose();
// One by key; throws std::logic_error if there is none.
const PointProse& point_prose(std::string_view key);

// The reference: everything (`name` empty), one decision point or flag, or one built-in policy
// decision by decision. Throws SpecError naming `--describe` for another name.
std::string policies_document(DocFormat format, const std::string& name = "");

}  // namespace cowpin
