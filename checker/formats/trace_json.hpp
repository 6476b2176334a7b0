// The shape of a trace file (format "cowpin-trace", checker/run/trace.hpp): every field's type,
// which fields each object must have, and no others, so that a hand-edited trace is refused
// with one line naming the field ("field 'steps[2].index': expected a non-negative integer, got
// a string") before anything reads it, never aborted on or silently wrapped. Whether the values
// are right is replay's question (checker/run/replay.hpp); this is only whether they can be read.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace cowpin {

// Throws SpecError "PATH: field 'F': ..." for the first field (in document order) of the wrong
// type, missing, unknown, or out of place for the trace's kind. `version` is the trace's (2, 3
// or 4): only version 4 carries spec.content.
void check_trace_shape(const nlohmann::json& trace, const std::string& path, int version);

// The first place where `given` (a field of a trace) and `derived` (what replay derives for it)
// differ, as "field 'F' is A in the trace; replay derives B" (values quoted short); nullopt if
// they are equal. `field` names `given` ("steps[1].state").
std::optional<std::string> first_difference(const nlohmann::json& given,
                                            const nlohmann::json& derived,
                                            const std::string& field);

}  // namespace cowpin
