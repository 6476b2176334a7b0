#include "checker/run/trace.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "checker/formats/json_input.hpp"
#include "checker/formats/output_file.hpp"
#include "checker/formats/policy_json.hpp"
#include "checker/formats/state_json.hpp"
#include "checker/formats/trace_json.hpp"
#include "checker/run/stuck.hpp"
#include "model/syscalls.hpp"

namespace cowpin {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

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

json step_json(std::size_t index, const Action& a, const StepEffects& effects, const json& before,
               const json& after) {
    const json action = action_to_json(a);
    json out{{"index", index}, {"actor", action["actor"]}, {"action", action["action"]},
             {"args", action["args"]}, {"text", format_action(a)}};
    if (action.contains("program_step")) out["program_step"] = true;
    if (const std::string_view why = noop_reason(effects.noop); !why.empty()) out["noop"] = why;
    out["changes"] = json::diff(before, after);
    out["state"] = after;
    return out;
}

json spec_json(const Spec& spec, const std::string& spec_path) {
    if (spec.text.empty())
        throw std::logic_error(fmt::format("{}: a trace needs the spec's text", spec.path));
    // The document as parse_spec() read it (comments, if any, are not kept).
    return {{"name", spec.name}, {"path", spec_path}, {"sha256", spec.sha256},
            {"content", parse_json_input(spec.text, spec.path, /*comments=*/true)}};
}

json policy_decisions_json(const CowPolicy& policy) {
    nlohmann::ordered_json decisions = policy_to_json(policy);
    decisions.erase("name");
    decisions.erase("summary");
    return json::parse(decisions.dump());
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
        StepEffects fx;  // why a program step changed nothing, if it did
        State s = cx.states[i];
        bound_model.step(s, cx.actions[i], &fx);
        steps.push_back(step_json(i + 1, cx.actions[i], fx, prev, state));
        prev = std::move(state);
    }
    json j;
    j["format"] = kTraceFormat;
    j["version"] = kTraceVersion;
    j["tool"] = {{"name", "cowpin"}, {"version", COWPIN_VERSION}};
    j["spec"] = spec_json(*r.spec, spec_path);
    j["policy"] = r.policy->name;
    j["memory"] = memory_name(r.spec->memory);
    // The decisions themselves, so a trace of a policy file replays without the file.
    j["policy_decisions"] = policy_decisions_json(*r.policy);
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
    if (!j.is_object() || !j.contains("format") || j["format"] != kTraceFormat)
        throw SpecError(fmt::format("{}: field 'format': expected \"{}\"", path, kTraceFormat));
    const json version = j.value("version", json());
    if (version == 1)
        throw SpecError(fmt::format(
            "{}: field 'version': 1 is a trace of cowpin before program steps became system calls "
            "(refused calls, O_DIRECT, clear_refs and migration zaps per era): it cannot replay; "
            "regenerate it with cowpin check",
            path));
    if (version != 2 && version != 3 && version != kTraceVersion)
        throw SpecError(fmt::format("{}: field 'version': expected {} (or 2 or 3), got {}", path,
                                    kTraceVersion, quote_excerpt(version.dump())));
    // Version 2 predates memory kinds: every run of it was of base pages.
    if (version == 2) {
        j["memory"] = "base";
        if (j.contains("policy_decisions") && j["policy_decisions"].is_object())
            j["policy_decisions"]["memory"] = json::array({"base"});
    }
    check_trace_shape(j, path, version.get<int>());
    if (!parse_memory(j["memory"].get<std::string>()))
        throw SpecError(fmt::format("{}: field 'memory': expected \"base\", \"thp\" or "
                                    "\"hugetlb\"", path));
    return j;
}

}  // namespace cowpin
