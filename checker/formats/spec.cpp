#include "checker/formats/spec.hpp"

#include "checker/formats/json_input.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/formats/sha256.hpp"
#include "checker/formats/spec_parser.hpp"

namespace cowpin {

using nlohmann::json;
using spec_detail::Parser;
using spec_detail::type_of;
using spec_detail::check_memory_bounds, spec_detail::check_memory_ops, spec_detail::check_thp_frames,
    spec_detail::parse_bounds, spec_detail::parse_memory_kind;

namespace {

const std::set<std::string> kFields = {"name",   "title",       "about",    "bounds",
                                       "programs", "actions",   "environment", "policies",
                                       "expect", "states",      "invariants",
                                       "symmetric_states", "depth_bounded", "exercises",
                                       "memory"};

// "exercises": a list of decision points (for every policy), or an object of such lists by
// policy name and "default".
void parse_exercises(const Parser& p, const json& e, Spec& spec) {
    if (!spec.scenario)
        p.fail("exercises", "only a scenario names what it exercises (an exhaustive spec is held "
                            "to every decision point its actions can reach)");
    auto points = [&](const json& list, const std::string& field) {
        p.want(list, field, list.is_array(), "an array of decision points");
        std::uint32_t set = 0;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string f = fmt::format("{}[{}]", field, i);
            p.want(list[i], f, list[i].is_string(), "a decision point");
            const std::optional<Decision> d = find_decision(list[i].get<std::string>());
            if (!d)
                p.fail(f, fmt::format("unknown decision point '{}' (expected one of: write_fault, "
                                      "gup_read_pin, gup_read_get, fork, swap_out, migrate, "
                                      "swap_in, mprotect, clear_refs, odirect)",
                                      spec_detail::shown(list[i].get<std::string>())));
            set |= 1u << static_cast<int>(*d);
        }
        return set;
    };
    if (e.is_array()) {
        spec.exercises["default"] = points(e, "exercises");
        return;
    }
    p.want(e, "exercises", e.is_object(), "an array of decision points, or an object of them by "
                                          "policy");
    for (auto it = e.begin(); it != e.end(); ++it) {
        const std::string f = "exercises." + it.key();
        if (it.key() != "default" && !p.known_policy(it.key()))
            p.fail(f, fmt::format("unknown policy '{}' (expected default or one of: {})",
                                  spec_detail::shown(it.key()), policy_names()));
        spec.exercises[it.key()] = points(*it, f);
    }
}

}  // namespace

std::string Spec::refusal(const CowPolicy& policy) const {
    if (policy.models(memory)) return {};
    return fmt::format("policy {} does not model {} memory", policy.name, memory_name(memory));
}

bool Spec::checks_policy(const std::string& policy) const {
    return !policies_named || !find_policy(policy) ||
           std::find(policies.begin(), policies.end(), policy) != policies.end();
}

std::uint32_t Spec::exercised(const std::string& policy) const {
    if (auto it = exercises.find(policy); it != exercises.end()) return it->second;
    if (auto it = exercises.find("default"); it != exercises.end()) return it->second;
    return 0;
}

std::optional<std::uint32_t> Spec::expected(const std::string& policy) const {
    if (auto it = expect.find(policy); it != expect.end()) return it->second;
    if (auto it = expect.find("default"); it != expect.end()) return it->second;
    return std::nullopt;
}

std::optional<std::uint64_t> Spec::expected_states(const std::string& policy,
                                                   bool symmetry) const {
    const auto& table = symmetry ? expect_symmetric_states : expect_states;
    if (auto it = table.find(policy); it != table.end()) return it->second;
    return std::nullopt;
}

ModelConfig Spec::model_config(const CowPolicy& policy) const {
    ModelConfig c;
    c.policy = &policy;
    c.bounds = bounds;
    c.scenario = scenario;
    c.families = families;
    c.programs = programs;
    c.environment = environment;
    c.invariants = invariants;
    c.memory = memory;
    return c;
}

Spec parse_spec(const std::string& text, const std::string& path,
                const std::vector<std::string>& extra_policies) {
    // Size, depth, number range and duplicate keys: json_input.hpp.
    const json j = parse_json_input(text, path, /*comments=*/true);
    const Parser p{path, extra_policies};
    if (!j.is_object())
        throw SpecError(fmt::format("{}: expected a JSON object of spec fields, got {}", path,
                                    type_of(j)));
    for (auto it = j.begin(); it != j.end(); ++it)
        if (!kFields.count(it.key()))
            p.fail(it.key(), "unknown field (expected name, title, about, memory, bounds, programs "
                             "or actions, environment, policies, expect, states, "
                             "symmetric_states, invariants, depth_bounded, exercises)");
    Spec spec;
    spec.path = path;
    spec.sha256 = sha256_hex(text);
    spec.text = text;
    spec.name = p.string(j, "name", true);
    if (spec.name.empty() || spec.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_.") !=
                                 std::string::npos)
        p.fail("name", "expected a non-empty lower-case name of [a-z0-9-_.]");
    if (spec.name.size() > kMaxSpecNameChars)
        p.fail("name", fmt::format("{} characters, over the {} a spec's name may have (it names "
                                   "the counterexample files, SPEC.POLICY.INVARIANT.json)",
                                   spec.name.size(), kMaxSpecNameChars));
    spec.title = p.string(j, "title", false);
    if (spec.title.empty()) spec.title = spec.name;
    spec.about = p.string(j, "about", false);
    if (j.contains("memory")) spec.memory = parse_memory_kind(p, j["memory"]);
    if (!j.contains("bounds")) p.fail("bounds", "missing (expected an object)");
    parse_bounds(p, j["bounds"], spec.bounds);
    check_memory_bounds(p, spec);

    if (j.contains("programs") == j.contains("actions"))
        p.fail("programs", "expected exactly one of 'programs' (scenario) or 'actions' (exhaustive)");
    spec.scenario = j.contains("programs");
    if (spec.scenario) {
        parse_programs(p, j["programs"], spec);
    } else {
        const json& a = j["actions"];
        p.want(a, "actions", a.is_array() && !a.empty(), "a non-empty array of action names");
        for (std::size_t i = 0; i < a.size(); ++i)
            spec.families |= op_bit(p.op(a[i], fmt::format("actions[{}]", i)));
    }
    if (j.contains("environment")) {
        const json& e = j["environment"];
        p.want(e, "environment", e.is_array(), "an array of action names");
        if (!spec.scenario && !e.empty())
            p.fail("environment", "only a scenario spec has an environment");
        for (std::size_t i = 0; i < e.size(); ++i) {
            const std::string f = fmt::format("environment[{}]", i);
            const Op op = p.op(e[i], f);
            if (!is_frame_op(op))
                p.fail(f, fmt::format("'{}' cannot happen on its own (expected swap_out, "
                                      "reclaim, migrate_start, migrate_finish or split_folio)",
                                      op_name(op)));
            spec.environment |= op_bit(op);
        }
    }
    check_thp_frames(p, spec);
    check_memory_ops(p, spec);
    if (j.contains("invariants")) {
        spec.invariants = p.invariant_set(j["invariants"], "invariants", false);
        if (spec.invariants == 0) p.fail("invariants", "expected at least one invariant");
    }
    if (j.contains("exercises")) parse_exercises(p, j["exercises"], spec);
    if (j.contains("depth_bounded")) {
        p.want(j["depth_bounded"], "depth_bounded", j["depth_bounded"].is_boolean(), "true or false");
        spec.depth_bounded = j["depth_bounded"].get<bool>();
        if (spec.depth_bounded && spec.bounds.depth == 0)
            p.fail("depth_bounded", "true needs a depth bound (bounds.depth > 0)");
    }
    if (j.contains("policies")) {
        spec.policies_named = true;
        const json& ps = j["policies"];
        p.want(ps, "policies", ps.is_array() && !ps.empty(), "a non-empty array of policy names");
        for (std::size_t i = 0; i < ps.size(); ++i) {
            const std::string f = fmt::format("policies[{}]", i);
            p.want(ps[i], f, ps[i].is_string(), "a policy name");
            const std::string name = ps[i].get<std::string>();
            if (!p.known_policy(name))
                p.fail(f, fmt::format("unknown policy '{}' (expected one of: {})",
                                      spec_detail::shown(name), policy_names()));
            if (const CowPolicy* pol = find_policy(name); pol && !spec.refusal(*pol).empty())
                p.fail(f, spec.refusal(*pol));
            spec.policies.push_back(name);
        }
    } else {  // every built-in policy that models the spec's memory
        for (const CowPolicy* pol : all_policies())
            if (pol->models(spec.memory)) spec.policies.push_back(pol->name);
    }
    // Without "expect" the verdicts are reported, not checked (`check --bless` records them);
    // with it, every policy the spec checks needs one.
    const json& ex = j.contains("expect") ? j["expect"] : json::object();
    p.want(ex, "expect", ex.is_object(), "an object mapping policies to verdicts");
    if (j.contains("expect") && ex.empty())
        p.fail("expect", "an empty object (expected a verdict per policy, or \"default\"; leave "
                         "\"expect\" out to check nothing)");
    for (auto it = ex.begin(); it != ex.end(); ++it) {
        const std::string f = "expect." + it.key();
        if (it.key() != "default" && !p.known_policy(it.key()))
            p.fail(f, fmt::format("unknown policy '{}' (expected default or one of: {})",
                                  spec_detail::shown(it.key()), policy_names()));
        if (const CowPolicy* pol = find_policy(it.key()); pol && !spec.refusal(*pol).empty())
            p.fail(f, spec.refusal(*pol));
        spec.expect[it.key()] = p.invariant_set(*it, f, true);
        if (spec.expect[it.key()] & ~spec.invariants & ~kStuckVerdict)
            p.fail(f, fmt::format("expects {}, which 'invariants' does not check",
                                  verdict_string(spec.expect[it.key()] & ~spec.invariants &
                                                 ~kStuckVerdict)));
        if ((spec.expect[it.key()] & kStuckVerdict) && !spec.scenario)
            p.fail(f, "only a scenario can be stuck (an exhaustive spec has no programs)");
    }
    for (const std::string& pol : spec.policies)
        if (!spec.expect.empty() && !spec.expected(pol))
            p.fail("expect", fmt::format("no verdict for policy '{}' and no 'default'", pol));
    for (const char* key : {"states", "symmetric_states"}) {
        if (!j.contains(key)) continue;
        const bool symmetric = std::string(key) == "symmetric_states";
        if (symmetric && spec.scenario)
            p.fail(key, "only exhaustive specs have process symmetry (scenario programs name "
                        "their processes)");
        const json& st = j[key];
        p.want(st, key, st.is_object(), "an object mapping policies to state counts");
        for (auto it = st.begin(); it != st.end(); ++it) {
            const std::string f = std::string(key) + "." + it.key();
            if (!p.known_policy(it.key()))
                p.fail(f, fmt::format("unknown policy '{}' (expected one of: {})",
                                      spec_detail::shown(it.key()), policy_names()));
            if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0)
                p.fail(f, fmt::format("expected a positive integer, got {}",
                                      it->is_number() ? spec_detail::shown(*it) : type_of(*it)));
            (symmetric ? spec.expect_symmetric_states : spec.expect_states)[it.key()] =
                it->get<std::uint64_t>();
        }
    }
    return spec;
}

std::string read_text_file(const std::string& path) { return read_input_file(path); }

Spec load_spec(const std::string& path, const std::vector<std::string>& extra_policies) {
    return parse_spec(read_text_file(path), path, extra_policies);
}

std::vector<std::string> spec_files_in(const std::string& dir) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path().string());
    if (ec) throw SpecError(fmt::format("{}: cannot read the directory: {}", dir, ec.message()));
    if (files.empty()) throw SpecError(fmt::format("{}: no *.json spec files in it", dir));
    std::sort(files.begin(), files.end());
    return files;
}

namespace {

// The invariants of a bit set, in table order, by name or by tag; then "stuck" ("ST").
std::string join_invariants(std::uint32_t set, bool tags, const char* sep) {
    std::string out;
    for (int i = 0; i < kInvariants; ++i)
        if (set & (1u << i)) {
            if (!out.empty()) out += sep;
            out += tags ? invariant_table()[i].tag : invariant_table()[i].name;
        }
    if (set & kStuckVerdict) out += std::string(out.empty() ? "" : sep) + (tags ? "ST" : "stuck");
    return out;
}

}  // namespace

std::string verdict_string(std::uint32_t violated) {
    return violated == 0 ? "holds" : join_invariants(violated, false, ", ");
}

std::string verdict_tags(std::uint32_t violated) {
    return violated == 0 ? "✓" : join_invariants(violated, true, " ");
}

}  // namespace cowpin
