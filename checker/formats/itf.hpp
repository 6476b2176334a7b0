// A trace in Apalache's Informal Trace Format (ITF, ADR-015), for the tools that read TLA+ and
// Quint traces. One ITF state per trace state: the initial state, then the state after each
// step, with the trace's own state fields as variables (frames, handles, processes,
// program_counters, swap_slots, values) and two more: `action`, the step that led to the state
// ("init" for the first), and `step`, its index. ITF has no null: an absent value (a frame not
// in the swapcache, a process slot not yet forked) is the Quint option variant
// {"tag": "None", "value": {"#tup": []}}. Integers stay JSON numbers (all are far below 2^53).
#pragma once

#include <nlohmann/json.hpp>

namespace cowpin {

// `trace`: a loaded trace (load_trace()), which must have replayed.
nlohmann::ordered_json trace_to_itf(const nlohmann::json& trace);

}  // namespace cowpin
