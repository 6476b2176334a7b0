// States and actions as JSON, in kernel words (mapcount, refcount, anon_exclusive, the PTE).
// Only the checker uses JSON; the model never sees it.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "model/action.hpp"
#include "model/model.hpp"
#include "model/state.hpp"

namespace cowpin {

// Value names are "x0", "x1", ... in canonical order.
std::string value_name(std::uint8_t v);
// "pin" (longterm FOLL_PIN), "short_pin" (FOLL_PIN) or "get" (FOLL_GET).
std::string_view handle_kind_name(HandleKind kind);
// "writable", "readable_exclusive" or "readable": a migration entry's kind.
std::string_view migration_name(MigrationKind kind);

nlohmann::json state_to_json(const State& s, const CowModel& model);

// {"actor": "P0", "action": "pin", "args": {...}}; from_program marks a scenario step.
nlohmann::json action_to_json(const Action& a);
// Why a step's action cannot be read: the field within the step ("action", "args.frame"; empty
// for the step itself) and what was expected.
struct ActionError {
    std::string field, message;
};
// Inverse of action_to_json; nullopt (with `error`) if malformed, or if it names a process, page
// or handle beyond `bounds`, or a frame beyond the build's kMaxFrames (never wrapped).
std::optional<Action> action_from_json(const nlohmann::json& j, const Bounds& bounds,
                                       ActionError& error);
// The same within the build's capacities; `error` is "field 'args.frame': ...".
std::optional<Action> action_from_json(const nlohmann::json& j, std::string& error);

}  // namespace cowpin
