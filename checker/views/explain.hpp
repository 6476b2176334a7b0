// `cowpin explain TRACE.json`: a counterexample as text, one block per step with the actor, the
// action, the policy decision it took in the words of the kernel function that takes it
// (model/policy_points.hpp), and what changed, in kernel words (the PTE, mapcount, refcount,
// pins, gets, anon_exclusive, the swapcache), and the violation at the end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cowpin {

// `trace` has replayed (replay.hpp): every field is there, of its type. decisions[i] are the
// decision points step i + 1 consulted (decision_bit(), model/effects.hpp), as replay reports
// them.
std::string explain_trace(const nlohmann::json& trace, const std::vector<std::uint32_t>& decisions);

// The outcomes a step's decision points took (`decisions`: decision_bit(), model/effects.hpp),
// each with the kernel function that takes it and the policy's rule: "do_wp_page: reuse
// (write_fault: mapcount)". `rules` is the trace's policy_decisions (or policy_decisions_json()).
std::vector<std::string> decision_texts(std::uint32_t decisions, const nlohmann::json& rules);

}  // namespace cowpin
