#include "checker/formats/itf.hpp"

#include <string>

#include <fmt/format.h>

namespace cowpin {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// A trace value as an ITF value: objects are records, arrays lists, null the None variant.
ordered_json itf_value(const json& v) {
    if (v.is_null()) return {{"tag", "None"}, {"value", {{"#tup", json::array()}}}};
    if (v.is_object()) {
        ordered_json r = ordered_json::object();
        for (auto it = v.begin(); it != v.end(); ++it) r[it.key()] = itf_value(*it);
        return r;
    }
    if (v.is_array()) {
        ordered_json l = ordered_json::array();
        for (const json& e : v) l.push_back(itf_value(e));
        return l;
    }
    if (v.is_number_float()) return {{"#unserializable", v.dump()}};  // never in a trace
    return ordered_json::parse(v.dump());
}

ordered_json itf_state(std::size_t index, const json& state, const std::string& action) {
    ordered_json s;
    s["#meta"] = {{"index", index}};
    for (auto it = state.begin(); it != state.end(); ++it) s[it.key()] = itf_value(*it);
    s["action"] = action;
    s["step"] = index;
    return s;
}

}  // namespace

ordered_json trace_to_itf(const json& trace) {
    const json& first = trace.at("initial_state");
    ordered_json vars = ordered_json::array();
    for (auto it = first.begin(); it != first.end(); ++it) vars.push_back(it.key());
    vars.push_back("action");
    vars.push_back("step");
    ordered_json states = ordered_json::array();
    states.push_back(itf_state(0, first, "init"));
    for (const json& step : trace.at("steps"))
        states.push_back(itf_state(step.at("index").get<std::size_t>(), step.at("state"),
                                   step.at("text").get<std::string>()));
    const std::string spec = trace.at("spec").value("name", "");
    const std::string what =
        trace.value("kind", "") == "violation"
            ? fmt::format("{} violated: {}", trace.value("invariant", ""), trace.value("message", ""))
            : fmt::format("{}: {}", trace.value("kind", ""), trace.value("message", ""));
    ordered_json itf;
    itf["#meta"] = {
        {"format", "ITF"},
        {"format-description", "https://apalache-mc.org/docs/adr/015adr-trace.html"},
        {"source", trace.at("spec").value("path", spec)},
        {"description", fmt::format("cowpin {} counterexample of {} under {}: {}",
                                    trace.value("memory", "base"), spec,
                                    trace.value("policy", ""), what)}};
    itf["vars"] = vars;
    itf["states"] = states;
    return itf;
}

}  // namespace cowpin
