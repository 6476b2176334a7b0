// Internal to checker/formats: the strict JSON reader behind parse_spec() (spec.cpp), the
// reading of scenario programs (spec_programs.cpp) and of bounds and memory (spec_bounds.cpp).
// Every failure is one SpecError naming the file and the field.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/formats/json_input.hpp"
#include "checker/formats/spec.hpp"

namespace cowpin::spec_detail {

using nlohmann::json;

// What a value is, for "expected X, got Y": an empty array or object is named as empty (where
// a non-empty one is expected, "got an array" would read as a contradiction).
inline std::string type_of(const json& j) {
    if (j.is_null()) return "null";
    if (j.is_boolean()) return "a boolean";
    if (j.is_number_integer()) return "an integer";
    if (j.is_number()) return "a number";
    if (j.is_string()) return "a string";
    if (j.is_array()) return j.empty() ? "an empty array" : "an array";
    return j.empty() ? "an empty object" : "an object";
}

// A string from the file (a key, a name) as a message quotes it: quote_text() (json_input.hpp).
inline std::string shown(const std::string& s) { return quote_text(s); }

// A value from the file as a message quotes it: its JSON, cut to kMaxQuotedChars.
inline std::string shown(const json& j) {
    return quote_excerpt(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

struct Parser {
    const std::string& path;
    const std::vector<std::string>& extra_policies;

    bool known_policy(const std::string& name) const {
        return find_policy(name) ||
               std::find(extra_policies.begin(), extra_policies.end(), name) != extra_policies.end();
    }

    [[noreturn]] void fail(const std::string& field, const std::string& what) const {
        throw SpecError(fmt::format("{}: field '{}': {}", path, shown(field), what));
    }
    void want(const json& j, const std::string& field, bool ok, const char* expected) const {
        if (!ok) fail(field, fmt::format("expected {}, got {}", expected, type_of(j)));
    }
    std::string string(const json& obj, const std::string& key, bool required) const {
        if (!obj.contains(key)) {
            if (required) fail(key, "missing (expected a string)");
            return {};
        }
        want(obj[key], key, obj[key].is_string(), "a string");
        return obj[key].get<std::string>();
    }
    int integer(const json& j, const std::string& field, int lo, int hi) const {
        if (!j.is_number_integer())  // a fraction is quoted: "got 1.5"
            fail(field, fmt::format("expected an integer {}..{}, got {}", lo, hi,
                                    j.is_number() ? shown(j) : type_of(j)));
        const bool in_range = j.is_number_unsigned()
                                  ? j.get<std::uint64_t>() >= std::uint64_t(lo) &&
                                        j.get<std::uint64_t>() <= std::uint64_t(hi)
                                  : j.get<std::int64_t>() >= lo && j.get<std::int64_t>() <= hi;
        if (!in_range)
            fail(field, fmt::format("expected an integer {}..{}, got {}", lo, hi, j.dump()));
        return j.get<int>();
    }
    Op op(const json& j, const std::string& field) const {
        want(j, field, j.is_string(), "an action name");
        const std::optional<Op> o = parse_op(j.get<std::string>());
        if (!o || *o == Op::wait)
            fail(field, fmt::format("unknown action '{}' (expected one of: fork, exit, write, "
                                    "read, mprotect, clear_refs, uffd_wp, munmap, pin, get, "
                                    "vmsplice, odirect_read, odirect_write, iouring_fixed, unpin, "
                                    "dma_write, swap_out, reclaim, migrate_start, migrate_finish, "
                                    "split_pmd, dontfork, dofork, mprotect_vma, split_folio, "
                                    "collapse)",
                                    shown(j.get<std::string>())));
        return *o;
    }
    // A verdict ("holds", invariant names and "stuck"), or with `verdict` false a set of
    // invariants to check.
    std::uint32_t invariant_set(const json& j, const std::string& field, bool verdict) const {
        if (j.is_string() && j.get<std::string>() == "holds") return 0;
        if (verdict && j.is_string() && j.get<std::string>() == "stuck") return kStuckVerdict;
        std::vector<json> names;
        if (j.is_string())
            names.push_back(j);
        else if (j.is_array() && !j.empty())
            names = j.get<std::vector<json>>();
        else
            fail(field, fmt::format("expected \"holds\", an invariant name or a non-empty list "
                                    "of invariant names, got {}", type_of(j)));
        std::uint32_t set = 0;
        for (std::size_t i = 0; i < names.size(); ++i) {
            const std::string f = j.is_array() ? fmt::format("{}[{}]", field, i) : field;
            want(names[i], f, names[i].is_string(), "an invariant name");
            if (verdict && names[i].get<std::string>() == "stuck") {
                set |= kStuckVerdict;
                continue;
            }
            const std::optional<Inv> inv = find_invariant(names[i].get<std::string>());
            if (!inv)
                fail(f, fmt::format("unknown invariant '{}' (expected one of: {}{})",
                                    shown(names[i].get<std::string>()), invariant_names(),
                                    verdict ? ", or stuck" : ""));
            set |= 1u << static_cast<int>(*inv);
        }
        return set;
    }
};

// "programs": each process's steps, checked against the bounds, the fork tree and what each
// step may name (spec_programs.cpp).
void parse_programs(const Parser& p, const json& j, Spec& spec);

// "bounds", "memory" and what they must agree on (spec_bounds.cpp): bounds within this build's
// capacities; with memory "thp", 2 or 4 pages (check_memory_bounds) and frames enough for the
// folios the programs can keep alive (check_thp_frames, once the programs are read); no step,
// family or environment action the memory refuses (check_memory_ops).
void parse_bounds(const Parser& p, const json& j, Bounds& b);
Memory parse_memory_kind(const Parser& p, const json& j);
void check_memory_bounds(const Parser& p, const Spec& spec);
void check_thp_frames(const Parser& p, const Spec& spec);
void check_memory_ops(const Parser& p, const Spec& spec);

}  // namespace cowpin::spec_detail
