// `cowpin explain TRACE.json`: a counterexample as text, one block per step with the actor, the
// action and what changed, in kernel words (the PTE, mapcount, refcount, pins, gets,
// anon_exclusive, the swapcache), and the violation at the end.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace cowpin {

std::string explain_trace(const nlohmann::json& trace);

}  // namespace cowpin
