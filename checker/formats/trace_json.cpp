#include "checker/formats/trace_json.hpp"

#include <functional>
#include <utility>
#include <string_view>

#include <fmt/format.h>

#include "checker/formats/json_input.hpp"
#include "checker/formats/spec.hpp"
#include "checker/formats/spec_parser.hpp"

namespace cowpin {

using nlohmann::json;

namespace {

enum class Type { string, natural, positive, boolean, object, array, any, natural_or_null, string_or_null };

// A nested check of an object's or array's contents.
class FieldCheck;
using Nested = std::function<void(const FieldCheck&, const json&, const std::string&)>;

struct Field {
    std::string_view key;
    Type type;
    bool required = true;
    Nested nested = nullptr;
};

std::string_view expected(Type t) {
    switch (t) {
        case Type::string:
            return "a string";
        case Type::natural:
            return "a non-negative integer";
        case Type::positive:
            return "a positive integer";
        case Type::boolean:
            return "true or false";
        case Type::object:
            return "an object";
        case Type::array:
            return "an array";
        case Type::natural_or_null:
            return "a non-negative integer or null";
        case Type::string_or_null:
            return "a string or null";
        case Type::any:
            break;
    }
    return "a value";
}

bool fits(const json& j, Type t) {
    switch (t) {
        case Type::string:
            return j.is_string();
        case Type::natural:
            return j.is_number_unsigned();
        case Type::positive:
            return j.is_number_unsigned() && j.get<std::uint64_t>() > 0;
        case Type::boolean:
            return j.is_boolean();
        case Type::object:
            return j.is_object();
        case Type::array:
            return j.is_array();
        case Type::natural_or_null:
            return j.is_null() || j.is_number_unsigned();
        case Type::string_or_null:
            return j.is_null() || j.is_string();
        case Type::any:
            break;
    }
    return true;
}

// `field`'s member `key`; the key may be the trace's own (an unknown field), so it is quoted.
std::string child(const std::string& field, std::string_view key) {
    return field.empty() ? quote_text(key) : fmt::format("{}.{}", field, quote_text(key));
}

class FieldCheck {
public:
    explicit FieldCheck(const std::string& path) : path_(path) {}

    [[noreturn]] void fail(const std::string& field, const std::string& what) const {
        throw SpecError(fmt::format("{}: field '{}': {}", path_, field, what));
    }

    void value(const json& j, const std::string& field, Type t, const Nested& nested = nullptr) const {
        if (!fits(j, t))  // a number is quoted: "got -1", "got 1.5"
            fail(field, fmt::format("expected {}, got {}", expected(t),
                                    j.is_number() ? j.dump() : spec_detail::type_of(j)));
        if (nested) nested(*this, j, field);
    }

    // An object with exactly `fields` (the required ones present, no others).
    void object(const json& j, const std::string& field, const std::vector<Field>& fields) const {
        for (auto it = j.begin(); it != j.end(); ++it) {
            bool known = false;
            for (const Field& f : fields) known |= f.key == it.key();
            if (known) continue;
            std::string names;
            for (const Field& f : fields) names += fmt::format("{}{}", names.empty() ? "" : ", ", f.key);
            fail(child(field, it.key()), fmt::format("unknown (expected {})", names));
        }
        for (const Field& f : fields) {
            const std::string name = child(field, f.key);
            if (!j.contains(f.key)) {
                if (f.required) fail(name, fmt::format("missing (expected {})", expected(f.type)));
                continue;
            }
            value(j[std::string(f.key)], name, f.type, f.nested);
        }
    }

    // Every element of an array, or every member of an object used as a map ("pages": {"v0":
    // ...}), is a `t` checked by `nested`.
    void each(const json& j, const std::string& field, Type t, const Nested& nested) const {
        std::size_t i = 0;
        for (auto it = j.begin(); it != j.end(); ++it, ++i)
            value(*it, j.is_array() ? fmt::format("{}[{}]", field, i) : child(field, it.key()), t,
                  nested);
    }

private:
    const std::string& path_;
};

// The nested checks: an object of `fields`, a list or map of `t`.
Nested fields(std::vector<Field> list) {
    return [list = std::move(list)](const FieldCheck& s, const json& j, const std::string& f) {
        s.object(j, f, list);
    };
}
Nested each(Type t, Nested nested = nullptr) {
    return [t, nested = std::move(nested)](const FieldCheck& s, const json& j, const std::string& f) {
        s.each(j, f, t, nested);
    };
}

// A state as state_to_json() writes it (checker/formats/state_json.cpp).
Nested state_shape() {
    using T = Type;
    const Nested pte = fields({{"pte", T::string},
                               {"frame", T::natural, false},
                               {"writable", T::boolean, false},
                               {"slot", T::natural, false},
                               {"exclusive", T::boolean, false},
                               {"kind", T::string, false},
                               {"ideal", T::string}});
    const Nested process = fields({{"process", T::string},
                                   {"parent", T::string_or_null},
                                   {"has_pinned", T::boolean},
                                   {"vm_dontcopy", T::array, false, each(T::string)},
                                   {"pages", T::object, true, each(T::object, pte)}});
    const Nested frame = fields({{"frame", T::natural},
                                 {"data", T::string},
                                 {"mapcount", T::natural},
                                 {"refcount", T::natural},
                                 {"pins", T::natural},
                                 {"gets", T::natural},
                                 {"anon_exclusive", T::boolean, false},
                                 {"swapcache", T::natural_or_null},
                                 {"isolated", T::boolean},
                                 {"folio", T::natural, false}});
    const Nested slot = fields({{"slot", T::natural},
                                {"count", T::natural},
                                {"cache", T::natural_or_null},
                                {"data", T::string}});
    const Nested handle = fields({{"handle", T::string},
                                  {"kind", T::string},
                                  {"access", T::string},
                                  {"owner", T::string_or_null},
                                  {"vaddr", T::string},
                                  {"frame", T::natural},
                                  {"cell", T::string},
                                  {"expect", T::string, false},
                                  {"baseline", T::string, false}});
    const Nested value = fields({{"value", T::string}, {"writer", T::string_or_null}, {"cell", T::string}});
    return fields({{"processes", T::array, true, each(T::object, process)},
                   {"frames", T::array, true, each(T::object, frame)},
                   {"swap_slots", T::array, true, each(T::object, slot)},
                   {"handles", T::array, true, each(T::object, handle)},
                   {"values", T::array, true, each(T::object, value)},
                   {"program_counters", T::object, false, each(T::natural_or_null)}});
}

// A step as counterexample_json() writes it (checker/run/trace.cpp).
Nested step_shape(const Nested& state) {
    using T = Type;
    const Nested args = fields({{"child", T::string, false},
                                {"process", T::string, false},
                                {"vaddr", T::string, false},
                                {"handle", T::string, false},
                                {"access", T::string, false},
                                {"frame", T::natural, false}});
    const Nested patch = fields({{"op", T::string},
                                 {"path", T::string},
                                 {"from", T::string, false},
                                 {"value", T::any, false}});
    return fields({{"index", T::positive},
                   {"actor", T::string},
                   {"action", T::string},
                   {"args", T::object, true, args},
                   {"text", T::string},
                   {"program_step", T::boolean, false},
                   {"noop", T::string, false},
                   {"changes", T::array, true, each(T::object, patch)},
                   {"state", T::object, true, state}});
}

}  // namespace

void check_trace_shape(const json& t, const std::string& path, int version) {
    using T = Type;
    const FieldCheck check(path);
    if (!t.is_object()) throw SpecError(fmt::format("{}: expected a JSON object", path));
    const std::string kind = t.value("kind", json()).is_string() ? t["kind"].get<std::string>() : "";
    if (kind != "violation" && kind != "needless_copy" && kind != "stuck")
        check.fail("kind", "expected \"violation\", \"needless_copy\" or \"stuck\"");
    // What each kind has: its invariant and earlier violations, or neither.
    const bool violation = kind == "violation", needless = kind == "needless_copy",
               stuck = kind == "stuck";
    const Nested state = state_shape();
    const Nested earlier = each(T::object, fields({{"invariant", T::string},
                                                   {"step", T::natural},
                                                   {"message", T::string}}));
    // Version 4 carries the spec itself.
    std::vector<Field> spec = {{"name", T::string}, {"path", T::string}, {"sha256", T::string}};
    if (version >= 4) spec.push_back({"content", T::object});
    check.object(
        t, "",
        {{"format", T::string},
         {"version", T::natural},
         {"tool", T::object, true, fields({{"name", T::string}, {"version", T::string}})},
         {"spec", T::object, true, fields(spec)},
         {"policy", T::string},
         {"memory", T::string},
         {"policy_decisions", T::object, version >= 4},
         {"bounds", T::object, true,
          fields({{"processes", T::natural},
                  {"pages", T::natural},
                  {"handles", T::natural},
                  {"swap_slots", T::natural},
                  {"depth", T::natural, false}})},
         {"kind", T::string},
         {"invariant", T::string, violation},
         {"message", T::string},
         {"already_violated", T::array, !needless, earlier},
         {"initial_state", T::object, true, state},
         {"steps", T::array, true, each(T::object, step_shape(state))},
         {"violation", T::object, violation,
          fields({{"step", T::natural}, {"invariant", T::string}, {"message", T::string}})},
         {"needless_copy", T::object, needless,
          fields({{"step", T::positive}, {"message", T::string}})},
         {"stuck", T::object, stuck, fields({{"step", T::natural}, {"message", T::string}})},
         {"stats", T::object, true,
          fields({{"states", T::natural},
                  {"transitions", T::natural},
                  {"depth", T::natural},
                  {"symmetry", T::boolean, false}})}});
    // The fields of the other kinds.
    const std::pair<const char*, bool> belongs[] = {{"invariant", violation},
                                                    {"already_violated", !needless},
                                                    {"violation", violation},
                                                    {"needless_copy", needless},
                                                    {"stuck", stuck}};
    for (const auto& [key, here] : belongs)
        if (t.contains(key) && !here) check.fail(key, fmt::format("not in a trace of kind \"{}\"", kind));
}

std::optional<std::string> first_difference(const json& given, const json& derived,
                                            const std::string& field) {
    auto said = [](const json& j) { return quote_excerpt(j.dump()); };
    if (given.type() != derived.type() && !(given.is_number() && derived.is_number()))
        return fmt::format("field '{}' is {} in the trace; replay derives {}", field, said(given),
                           said(derived));
    if (given.is_object()) {
        for (auto it = given.begin(); it != given.end(); ++it)
            if (!derived.contains(it.key()))
                return fmt::format("field '{}' is {} in the trace; replay derives no such field",
                                   child(field, it.key()), said(*it));
        for (auto it = derived.begin(); it != derived.end(); ++it) {
            if (!given.contains(it.key()))
                return fmt::format("field '{}' is missing in the trace; replay derives {}",
                                   child(field, it.key()), said(*it));
            if (auto d = first_difference(given[it.key()], *it, child(field, it.key()))) return d;
        }
        return std::nullopt;
    }
    if (given.is_array()) {
        for (std::size_t i = 0; i < given.size() && i < derived.size(); ++i)
            if (auto d = first_difference(given[i], derived[i], fmt::format("{}[{}]", field, i)))
                return d;
        if (given.size() != derived.size())
            return fmt::format("field '{}' has {} {} in the trace; replay derives {}", field,
                               given.size(), given.size() == 1 ? "entry" : "entries",
                               derived.size());
        return std::nullopt;
    }
    if (given != derived)
        return fmt::format("field '{}' is {} in the trace; replay derives {}", field, said(given),
                           said(derived));
    return std::nullopt;
}

}  // namespace cowpin
