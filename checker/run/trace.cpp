#include "checker/run/trace.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "checker/formats/json_input.hpp"
#include "checker/formats/output_file.hpp"
#include "checker/formats/policy_json.hpp"
#include "checker/formats/state_json.hpp"
#include "checker/run/stuck.hpp"
#include "model/syscalls.hpp"

namespace cowpin {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Why a program step changed nothing ("" if it changed something, or is no program step).
std::string_view noop_of(const CowModel& model, const State& before, const Action& a) {
    StepEffects fx;
    State s = before;
    model.step(s, a, &fx);
    return noop_reason(fx.noop);
}

json bounds_json(const Bounds& b) {
    json j{{"processes", b.processes}, {"pages", b.pages}, {"handles", b.handles},
           {"swap_slots", b.swap_slots}};
    if (b.depth) j["depth"] = b.depth;
    return j;
}

// "specs/x.json": the spec's directory name and file name, the same whatever --out or the
// working directory was, so a regenerated trace is byte-identical.
std::string spec_reference(const std::string& path) {
    const fs::path abs = fs::absolute(path).lexically_normal();
    return (abs.parent_path().filename() / abs.filename()).generic_string();
}

// Where the spec a trace names is: beside the trace's directory (counterexamples/../specs), or
// under the working directory.
std::string find_spec(const std::string& trace_path, const std::string& ref) {
    const fs::path beside = fs::absolute(trace_path).parent_path().parent_path() / ref;
    if (fs::exists(beside)) return beside.lexically_normal().string();
    return ref;
}

std::string inv_name(Inv inv) { return std::string(invariant_table()[static_cast<int>(inv)].name); }

}  // namespace

// The trace's kind as its file and JSON name it: "violation", "needless_copy" or "stuck".
std::string_view kind_name(TraceKind kind) {
    switch (kind) {
        case TraceKind::needless_copy:
            return "needless_copy";
        case TraceKind::stuck:
            return "stuck";
        case TraceKind::violation:
            break;
    }
    return "violation";
}

std::string counterexample_filename(const RunResult& r, const Counterexample& cx) {
    return fmt::format("{}.{}.{}.json", r.spec->name, r.policy->name,
                       cx.kind == TraceKind::violation ? inv_name(cx.invariant)
                                                       : std::string(kind_name(cx.kind)));
}

json counterexample_json(const RunResult& r, const Counterexample& cx, const std::string& spec_path) {
    ModelConfig config = r.spec->model_config(*r.policy);
    config.bounds = r.bounds;
    const CowModel bound_model(config);
    json earlier = json::array();
    for (const auto& [inv, step] : cx.earlier)
        earlier.push_back({{"invariant", inv_name(inv)},
                           {"step", step},
                           {"message", violation_message(cx.states[step], inv, *r.policy)}});
    json steps = json::array();
    json prev = state_to_json(cx.states[0], bound_model);
    const json initial = prev;
    for (std::size_t i = 0; i < cx.actions.size(); ++i) {
        json state = state_to_json(cx.states[i + 1], bound_model);
        json step = action_to_json(cx.actions[i]);
        json out{{"index", i + 1}, {"actor", step["actor"]}, {"action", step["action"]},
                 {"args", step["args"]}, {"text", format_action(cx.actions[i])}};
        if (step.contains("program_step")) out["program_step"] = true;
        if (const std::string_view why = noop_of(bound_model, cx.states[i], cx.actions[i]);
            !why.empty())
            out["noop"] = why;
        out["changes"] = json::diff(prev, state);
        out["state"] = state;
        steps.push_back(out);
        prev = std::move(state);
    }
    json j;
    j["format"] = kTraceFormat;
    j["version"] = kTraceVersion;
    j["tool"] = {{"name", "cowpin"}, {"version", COWPIN_VERSION}};
    j["spec"] = {{"name", r.spec->name}, {"path", spec_path}, {"sha256", r.spec->sha256}};
    j["policy"] = r.policy->name;
    j["memory"] = memory_name(r.spec->memory);
    // The decisions themselves, so a trace of a policy file replays without the file.
    nlohmann::ordered_json decisions = policy_to_json(*r.policy);
    decisions.erase("name");
    decisions.erase("summary");
    j["policy_decisions"] = json::parse(decisions.dump());
    j["bounds"] = bounds_json(r.bounds);
    if (cx.kind == TraceKind::needless_copy) {
        j["kind"] = "needless_copy";
        j["message"] = cx.message;
        j["initial_state"] = initial;
        j["steps"] = steps;
        j["needless_copy"] = {{"step", cx.steps()}, {"message", cx.message}};
    } else if (cx.kind == TraceKind::stuck) {
        j["kind"] = "stuck";
        j["message"] = cx.message;
        j["already_violated"] = earlier;
        j["initial_state"] = initial;
        j["steps"] = steps;
        j["stuck"] = {{"step", cx.steps()}, {"message", cx.message}};
    } else {
        j["kind"] = "violation";
        j["invariant"] = inv_name(cx.invariant);
        j["message"] = cx.message;
        j["already_violated"] = earlier;
        j["initial_state"] = initial;
        j["steps"] = steps;
        j["violation"] = {{"step", cx.steps()}, {"invariant", inv_name(cx.invariant)},
                          {"message", cx.message}};
    }
    j["stats"] = {{"states", r.stats.states}, {"transitions", r.stats.transitions},
                  {"depth", r.stats.depth}, {"symmetry", r.symmetry}};
    return j;
}

std::string write_trace(const RunResult& r, const Counterexample& cx, const std::string& dir) {
    make_output_dir(dir);
    const std::string path = (fs::path(dir) / counterexample_filename(r, cx)).string();
    write_file_atomically(path,
                          counterexample_json(r, cx, spec_reference(r.spec->path)).dump(2) + "\n");
    return path;
}

std::vector<std::string> write_counterexamples(const RunResult& r, const std::string& dir) {
    if (!r.stats.complete) return {};  // partial statistics, and maybe not every trace found
    make_output_dir(dir);
    std::vector<std::string> written;
    for (const Counterexample& cx : r.counterexamples) written.push_back(write_trace(r, cx, dir));
    return written;
}

std::vector<std::string> stale_counterexamples(const RunResult& r, const std::string& dir) {
    if (!r.stats.complete) return {};
    std::vector<std::string> mine, stale;
    for (const Counterexample& cx : r.counterexamples) mine.push_back(counterexample_filename(r, cx));
    const std::string prefix = fmt::format("{}.{}.", r.spec->name, r.policy->name);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(prefix, 0) != 0 || e.path().extension() != ".json") continue;
        const std::string rest = name.substr(prefix.size(), name.size() - prefix.size() - 5);
        if ((find_invariant(rest) || rest == "stuck") &&
            std::find(mine.begin(), mine.end(), name) == mine.end())
            stale.push_back(e.path().string());
    }
    std::sort(stale.begin(), stale.end());
    return stale;
}

json load_trace(const std::string& path) {
    const std::string text = read_text_file(path);
    // Size, depth, number range and duplicate keys: json_input.hpp.
    json j = parse_json_input(text, path, /*comments=*/false);
    if (!j.is_object() || j.value("format", "") != kTraceFormat)
        throw SpecError(fmt::format("{}: field 'format': expected \"{}\"", path, kTraceFormat));
    if (j.contains("version") && j["version"] == 1)
        throw SpecError(fmt::format(
            "{}: field 'version': 1 is a trace of cowpin before program steps became system calls "
            "(refused calls, O_DIRECT, clear_refs and migration zaps per era): it cannot replay; "
            "regenerate it with cowpin check",
            path));
    // Version 2 predates memory kinds: every run of it was of base pages.
    if (j.contains("version") && j["version"] == 2) {
        j["memory"] = "base";
        if (j.contains("policy_decisions") && j["policy_decisions"].is_object())
            j["policy_decisions"]["memory"] = json::array({"base"});
    } else if (!j.contains("version") || j["version"] != kTraceVersion) {
        throw SpecError(fmt::format("{}: field 'version': expected {} (or 2)", path, kTraceVersion));
    }
    if (!j.contains("memory") || !j["memory"].is_string() ||
        !parse_memory(j["memory"].get<std::string>()))
        throw SpecError(fmt::format("{}: field 'memory': expected \"base\", \"thp\" or "
                                    "\"hugetlb\"", path));
    const std::string kind = j.contains("kind") && j["kind"].is_string() ? j["kind"].get<std::string>() : "";
    if (kind != "violation" && kind != "needless_copy" && kind != "stuck")
        throw SpecError(fmt::format(
            "{}: field 'kind': expected \"violation\", \"needless_copy\" or \"stuck\"", path));
    for (const char* key : {"spec", "policy", "bounds", "steps", "initial_state"})
        if (!j.contains(key)) throw SpecError(fmt::format("{}: field '{}': missing", path, key));
    if (kind == "violation" && !j.contains("invariant"))
        throw SpecError(fmt::format("{}: field 'invariant': missing", path));
    if (!j["steps"].is_array()) throw SpecError(fmt::format("{}: field 'steps': expected an array", path));
    return j;
}

ReplayOutcome replay_trace(const std::string& trace_path, const std::optional<std::string>& spec_override,
                           const std::vector<CowPolicy>& policy_files) {
    json t;
    Spec spec;
    try {
        t = load_trace(trace_path);
        const std::string ref = t["spec"].value("path", "");
        const std::string spec_path = spec_override ? *spec_override : find_spec(trace_path, ref);
        std::vector<std::string> extra;
        for (const CowPolicy& p : policy_files) extra.push_back(p.name);
        if (t["policy"].is_string()) extra.push_back(t["policy"].get<std::string>());
        spec = load_spec(spec_path, extra);
    } catch (const SpecError& e) {
        return {2, e.what()};
    }
    if (t["memory"] != memory_name(spec.memory))
        return {2, fmt::format("{}: field 'memory': the trace is of {} memory, {} of {} memory",
                               trace_path, t["memory"].get<std::string>(), spec.path,
                               memory_name(spec.memory))};
    std::string notes;
    if (t["spec"].value("sha256", "") != spec.sha256)
        notes = fmt::format("note: {} has changed since the trace was written (sha256 differs)\n",
                            spec.path);
    const std::string policy_name = t["policy"].is_string() ? t["policy"].get<std::string>() : "";
    // The policy: a policy file given for it, else the decisions the trace records, else the
    // built-in of that name.
    const CowPolicy* policy = nullptr;
    for (const CowPolicy& p : policy_files)
        if (p.name == policy_name) policy = &p;
    CowPolicy recorded;
    if (!policy && t.contains("policy_decisions")) {
        json decisions = t["policy_decisions"];
        if (!decisions.is_object())
            return {2, fmt::format("{}: field 'policy_decisions': expected an object", trace_path)};
        decisions["name"] = policy_name;
        try {
            recorded = parse_policy(decisions.dump(), trace_path + " (policy_decisions)");
        } catch (const SpecError& e) {
            return {2, e.what()};
        }
        recorded.summary = policy_name;
        policy = &recorded;
    }
    if (!policy) policy = find_policy(policy_name);
    if (!policy)
        return {2, fmt::format("{}: field 'policy': unknown policy '{}' (give its --policy-file)",
                               trace_path, policy_name)};
    if (const CowPolicy* builtin = find_policy(policy_name);
        builtin && !builtin->decides_alike_on(spec.memory, *policy))
        notes += fmt::format("note: the trace's policy '{}' decides differently from the built-in "
                             "of that name\n", policy_name);
    const bool needless = t["kind"] == "needless_copy", stuck = t["kind"] == "stuck";
    const std::optional<Inv> inv =
        needless || stuck ? std::optional<Inv>(Inv::refcounts_consistent)
                 : find_invariant(t["invariant"].is_string() ? t["invariant"].get<std::string>() : "");
    if (!inv) return {2, fmt::format("{}: field 'invariant': unknown invariant", trace_path)};
    ModelConfig config = spec.model_config(*policy);
    const json& b = t["bounds"];
    for (const char* key : {"processes", "pages", "handles", "swap_slots", "depth"}) {
        if (!b.is_object() || !b.contains(key)) continue;
        if (!b[key].is_number_unsigned() || b[key].get<std::uint64_t>() > 10000)
            return {2, fmt::format("{}: field 'bounds.{}': expected a non-negative integer",
                                   trace_path, key)};
        try {
            apply_bound(config.bounds, fmt::format("{}={}", key, b[key].get<std::uint64_t>()));
        } catch (const SpecError&) {
            return {2, fmt::format("{}: field 'bounds.{}': {} is beyond this build's capacity",
                                   trace_path, key, b[key].dump())};
        }
    }
    const CowModel model(config);
    State s = model.initial();
    json prev = state_to_json(s, model);
    if (prev != t["initial_state"])
        return {1, notes + "diverges at step 0: the initial state differs from the trace's"};
    std::vector<Action> enabled;
    std::size_t index = 0;
    StepEffects last_effects;
    for (const json& step : t["steps"]) {
        ++index;
        std::string error;
        const std::optional<Action> a = action_from_json(step, error);
        if (!a) return {2, fmt::format("{}: field 'steps[{}]': {}", trace_path, index - 1, error)};
        enabled.clear();
        model.actions(s, enabled);
        State next = s;
        last_effects = StepEffects{};
        if (std::find(enabled.begin(), enabled.end(), *a) == enabled.end() ||
            !model.step(next, *a, &last_effects))
            return {1, notes + fmt::format("diverges at step {}: {} is not enabled", index,
                                           format_action(*a))};
        json state = state_to_json(next, model);
        if (step.value("index", std::size_t{0}) != index)
            return {1, notes + fmt::format("diverges at step {}: the trace numbers it {}", index,
                                           step.value("index", std::size_t{0}))};
        if (step.contains("state") && state != step["state"])
            return {1, notes + fmt::format("diverges at step {}: {} leads to a different state "
                                           "than the trace records",
                                           index, format_action(*a))};
        if (step.contains("changes") && json::diff(prev, state) != step["changes"])
            return {1, notes + fmt::format("diverges at step {}: the recorded changes are not "
                                           "what {} changes",
                                           index, format_action(*a))};
        const std::string_view noop = noop_reason(last_effects.noop);
        if (step.value("noop", std::string()) != noop)
            return {1, notes + fmt::format("diverges at step {}: {} {}", index, format_action(*a),
                                           noop.empty() ? std::string("changes the state; the trace "
                                                                      "says it had no effect")
                                                        : fmt::format("has no effect ({}); the "
                                                                      "trace does not say so",
                                                                      noop))};
        s = next;
        prev = std::move(state);
    }
    if (stuck) {
        State canonical = s;
        model.canonicalize_state(canonical);
        if (model.complete(s) || !cannot_complete(model, canonical))
            return {1, notes + fmt::format("diverges at the end: after {} steps an execution can "
                                           "still end every program", index)};
        const std::string message = stuck_message(model, s);
        if (t.contains("message") && t["message"] != message)
            return {1, notes + fmt::format("diverges at the end: the stuck state is '{}', the trace "
                                           "says '{}'", message, t["message"].dump())};
        return {0, notes + fmt::format("reproduced: stuck after {} steps: {}", index, message)};
    }
    if (needless) {
        if (last_effects.needless == 0)
            return {1, notes + fmt::format("diverges at the end: step {} makes no needless copy", index)};
        return {0, notes + fmt::format("reproduced: a needless copy at step {}: {}", index,
                                       t.value("message", std::string()))};
    }
    if (model.invariant_holds(s, static_cast<int>(*inv)))
        return {1, notes + fmt::format("diverges at the end: after {} steps {} holds", index,
                                       invariant_table()[static_cast<int>(*inv)].name)};
    const std::string message = violation_message(s, *inv, *policy);
    if (t.contains("message") && t["message"] != message)
        return {1, notes + fmt::format("diverges at the end: the violation is '{}', the trace "
                                       "says '{}'", message, t["message"].dump())};
    return {0, notes + fmt::format("reproduced: {} violated after {} steps: {}",
                                   invariant_table()[static_cast<int>(*inv)].name, index, message)};
}

}  // namespace cowpin
