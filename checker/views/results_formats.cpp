#include "checker/views/results_formats.hpp"

#include <filesystem>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "checker/formats/json_input.hpp"
#include "checker/run/trace.hpp"
#include "checker/views/report.hpp"

namespace cowpin {

using nlohmann::ordered_json;

namespace {

// The verdict as names: invariants in table order, then "stuck"; empty = holds.
std::vector<std::string> verdict_names(std::uint32_t violated) {
    std::vector<std::string> names;
    for (int i = 0; i < kInvariants; ++i)
        if (violated & (1u << i)) names.emplace_back(invariant_table()[i].name);
    if (violated & kStuckVerdict) names.emplace_back("stuck");
    return names;
}

std::string words(std::uint32_t violated) {
    return violated ? verdict_string(violated) : "holds";
}

// "spec POLICY: refused: why" -> (spec, policy, why).
struct Refusal {
    std::string spec, policy, why;
};
Refusal split_refusal(const std::string& line) {
    Refusal r;
    const std::size_t space = line.find(' '), colon = line.find(": refused: ");
    r.spec = line.substr(0, space);
    r.policy = space == std::string::npos || colon == std::string::npos
                   ? ""
                   : line.substr(space + 1, colon - space - 1);
    r.why = colon == std::string::npos ? line : line.substr(colon + 11);
    return r;
}

// What a mismatch is, in one sentence.
std::string mismatch_text(const RunResult& r) {
    if (!r.verdict_matches())
        return fmt::format("{} under {}: found {}, the spec expects {}", r.spec->name,
                           r.policy->name, words(r.violated), words(*r.expected));
    return fmt::format("{} under {}: {} states, the spec expects {}", r.spec->name, r.policy->name,
                       r.stats.states, *r.expected_states);
}

ordered_json json_document(const std::vector<RunResult>& results,
                           const std::vector<std::string>& refusals, const std::string& out_dir) {
    ordered_json checks = ordered_json::array();
    std::map<std::string, int> counts{{"ok", 0}, {"mismatch", 0}, {"incomplete", 0},
                                      {"unexpected", 0}};
    for (const RunResult& r : results) {
        ordered_json c;
        c["spec"] = r.spec->name;
        c["path"] = r.spec->path;
        c["memory"] = memory_name(r.spec->memory);
        c["policy"] = r.policy->name;
        c["status"] = run_status(r);
        ++counts[std::string(run_status(r))];
        c["verdict"] = verdict_names(r.violated);
        c["expected"] = r.expected ? ordered_json(verdict_names(*r.expected)) : ordered_json();
        c["complete"] = r.stats.complete;
        if (!r.stats.complete) c["limit"] = engine::limit_name(r.stats);
        c["states"] = r.stats.states;
        c["expected_states"] = r.expected_states ? ordered_json(*r.expected_states) : ordered_json();
        c["transitions"] = r.stats.transitions;
        c["depth"] = r.stats.depth;
        // Scenarios: how many states ran every program to its end, and how many can never get
        // there (MODEL.md §8); a verdict over no complete run says nothing. Null for the
        // exhaustive form, which has no programs.
        c["complete_states"] = r.spec->scenario ? ordered_json(r.complete_states) : ordered_json();
        c["stuck_states"] = r.spec->scenario ? ordered_json(r.stuck_states) : ordered_json();
        c["seconds"] = r.stats.seconds;
        c["symmetry"] = r.symmetry;
        ordered_json cxs = ordered_json::array();
        for (const Counterexample& cx : r.counterexamples) {
            ordered_json j;
            j["kind"] = kind_name(cx.kind);
            j["invariant"] = cx.kind == TraceKind::violation
                                 ? ordered_json(invariant_table()[static_cast<int>(cx.invariant)].name)
                                 : ordered_json();
            j["steps"] = cx.steps();
            j["message"] = cx.message;
            j["file"] = out_dir.empty() || !r.stats.complete
                            ? ordered_json()
                            : ordered_json((std::filesystem::path(out_dir) /
                                            counterexample_filename(r, cx))
                                               .generic_string());
            cxs.push_back(j);
        }
        c["counterexamples"] = cxs;
        checks.push_back(c);
    }
    ordered_json refused = ordered_json::array();
    for (const std::string& line : refusals) {
        const Refusal f = split_refusal(line);
        refused.push_back({{"spec", f.spec}, {"policy", f.policy}, {"reason", f.why}});
    }
    ordered_json doc;
    doc["format"] = "cowpin-results";
    doc["version"] = 1;
    doc["tool"] = {{"name", "cowpin"}, {"version", COWPIN_VERSION}};
    doc["checks"] = checks;
    doc["refused"] = refused;
    doc["summary"] = {{"checks", results.size()},  {"ok", counts["ok"]},
                      {"mismatch", counts["mismatch"]}, {"incomplete", counts["incomplete"]},
                      {"unexpected", counts["unexpected"]}, {"refused", refusals.size()}};
    return doc;
}

std::string junit_document(const std::vector<RunResult>& results,
                           const std::vector<std::string>& refusals) {
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto suites = doc.append_child("testsuites");
    suites.append_attribute("name") = "cowpin check";
    std::map<std::string, pugi::xml_node> suite_of;
    std::map<std::string, std::array<int, 3>> counts;  // tests, failures, skipped
    std::map<std::string, double> seconds;
    auto suite = [&](const std::string& spec, const std::string& path) {
        auto it = suite_of.find(spec);
        if (it != suite_of.end()) return it->second;
        auto s = suites.append_child("testsuite");
        s.append_attribute("name") = spec.c_str();
        if (!path.empty()) s.append_attribute("file") = path.c_str();
        return suite_of[spec] = s;
    };
    int tests = 0, failures = 0, skipped = 0;
    double total = 0;
    for (const RunResult& r : results) {
        auto s = suite(r.spec->name, r.spec->path);
        auto tc = s.append_child("testcase");
        tc.append_attribute("classname") = r.spec->name.c_str();
        tc.append_attribute("name") = r.policy->name.c_str();
        tc.append_attribute("time") = fmt::format("{:.3f}", r.stats.seconds).c_str();
        tc.append_attribute("file") = r.spec->path.c_str();
        const std::string_view status = run_status(r);
        auto& c = counts[r.spec->name];
        ++c[0], ++tests;
        seconds[r.spec->name] += r.stats.seconds;
        total += r.stats.seconds;
        if (status == "mismatch") {
            auto f = tc.append_child("failure");
            f.append_attribute("type") = "mismatch";
            f.append_attribute("message") = mismatch_text(r).c_str();
            f.text() = verdict_line(r).c_str();
            ++c[1], ++failures;
        } else if (status == "incomplete") {
            tc.append_child("skipped").append_attribute("message") =
                fmt::format("incomplete: {} reached after {} states", engine::limit_name(r.stats),
                            r.stats.states).c_str();
            ++c[2], ++skipped;
        }
        tc.append_child("system-out").text() = verdict_line(r).c_str();
    }
    for (const std::string& line : refusals) {
        const Refusal f = split_refusal(line);
        auto tc = suite(f.spec, "").append_child("testcase");
        tc.append_attribute("classname") = f.spec.c_str();
        tc.append_attribute("name") = f.policy.c_str();
        tc.append_attribute("time") = "0.000";
        tc.append_child("skipped").append_attribute("message") = ("refused: " + f.why).c_str();
        auto& c = counts[f.spec];
        ++c[0], ++c[2], ++tests, ++skipped;
    }
    for (auto& [spec, s] : suite_of) {
        s.prepend_attribute("time") = fmt::format("{:.3f}", seconds[spec]).c_str();
        s.prepend_attribute("skipped") = counts[spec][2];
        s.prepend_attribute("failures") = counts[spec][1];
        s.prepend_attribute("tests") = counts[spec][0];
        s.remove_attribute("name");
        s.prepend_attribute("name") = spec.c_str();
    }
    suites.append_attribute("tests") = tests;
    suites.append_attribute("failures") = failures;
    suites.append_attribute("skipped") = skipped;
    suites.append_attribute("time") = fmt::format("{:.3f}", total).c_str();
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

// The 1-based line of the spec's expectation for `policy` (its key in "expect", else
// "default", else "expect" itself), or 0 if the file cannot be read.
int expectation_line(const std::string& path, const std::string& policy, const char* key) {
    std::string text;
    try {
        text = read_input_file(path);
    } catch (const SpecError&) {
        return 0;
    }
    std::size_t at = text.find(fmt::format("\"{}\"", key));
    if (at == std::string::npos) return 1;
    for (const std::string& k : {policy, std::string("default")})
        if (const std::size_t p = text.find(fmt::format("\"{}\"", k), at); p != std::string::npos) {
            at = p;
            break;
        }
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

ordered_json sarif_document(const std::vector<RunResult>& results) {
    ordered_json rules = ordered_json::array();
    for (const InvariantInfo& inv : invariant_table())
        rules.push_back({{"id", inv.name},
                         {"shortDescription", {{"text", std::string(inv.message)}}}});
    rules.push_back({{"id", "stuck"},
                     {"shortDescription", {{"text", "An execution cannot end every program"}}}});
    rules.push_back({{"id", "state_count"},
                     {"shortDescription",
                      {{"text", "The exhaustive search reaches another number of states"}}}});
    ordered_json found = ordered_json::array();
    for (const RunResult& r : results) {
        if (run_status(r) != "mismatch") continue;
        auto add = [&](const std::string& rule, const std::string& text, const char* key) {
            ordered_json region = {{"startLine", std::max(1, expectation_line(r.spec->path,
                                                                              r.policy->name, key))}};
            found.push_back(
                {{"ruleId", rule},
                 {"level", "error"},
                 {"message", {{"text", text}}},
                 {"locations",
                  {{{"physicalLocation",
                     {{"artifactLocation", {{"uri", r.spec->path}}}, {"region", region}}}}}},
                 {"properties", {{"spec", r.spec->name}, {"policy", r.policy->name}}}});
        };
        if (!r.verdict_matches()) {
            const std::uint32_t differ = r.violated ^ *r.expected;
            for (const std::string& name : verdict_names(differ)) {
                const bool unexpected = r.violated & ~*r.expected &
                                        (name == "stuck" ? kStuckVerdict
                                                         : 1u << static_cast<int>(*find_invariant(name)));
                add(name,
                    fmt::format("{} under {}: {} {}, which the spec does not expect", r.spec->name,
                                r.policy->name, name,
                                unexpected ? (name == "stuck" ? "is reached" : "is violated")
                                           : (name == "stuck" ? "is not reached"
                                                              : "is not violated")),
                    "expect");
            }
        } else {
            add("state_count", mismatch_text(r),
                r.symmetry ? "symmetric_states" : "states");
        }
    }
    ordered_json run;
    run["tool"] = {{"driver",
                    {{"name", "cowpin"}, {"version", COWPIN_VERSION}, {"rules", rules}}}};
    run["results"] = found;
    ordered_json doc;
    doc["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
    doc["version"] = "2.1.0";
    doc["runs"] = ordered_json::array({run});
    return doc;
}

std::string tap_document(const std::vector<RunResult>& results,
                         const std::vector<std::string>& refusals) {
    std::string out = fmt::format("TAP version 13\n1..{}\n", results.size() + refusals.size());
    int n = 0;
    for (const RunResult& r : results) {
        const std::string_view status = run_status(r);
        const std::string name = fmt::format("{} {}", r.spec->name, r.policy->name);
        if (status == "incomplete")
            out += fmt::format("ok {} - {} # SKIP incomplete: {} reached after {} states\n", ++n,
                               name, engine::limit_name(r.stats), r.stats.states);
        else
            out += fmt::format("{} {} - {}\n", status == "mismatch" ? "not ok" : "ok", ++n, name);
        out += fmt::format("  ---\n  status: {}\n  verdict: {}\n  expected: {}\n  states: {}\n",
                           status, words(r.violated),
                           r.expected ? words(*r.expected) : std::string("none"), r.stats.states);
        if (status == "mismatch") out += fmt::format("  message: \"{}\"\n", mismatch_text(r));
        out += "  ...\n";
    }
    for (const std::string& line : refusals) {
        const Refusal f = split_refusal(line);
        out += fmt::format("ok {} - {} {} # SKIP refused: {}\n", ++n, f.spec, f.policy, f.why);
    }
    return out;
}

}  // namespace

std::optional<ResultsFormat> parse_results_format(const std::string& name) {
    if (name == "text") return ResultsFormat::text;
    if (name == "json") return ResultsFormat::json;
    if (name == "junit") return ResultsFormat::junit;
    if (name == "sarif") return ResultsFormat::sarif;
    if (name == "tap") return ResultsFormat::tap;
    return std::nullopt;
}

std::string_view run_status(const RunResult& r) {
    if (!r.verdict_matches() || !r.states_match()) return "mismatch";
    if (!r.stats.complete) return "incomplete";
    if (!r.expected) return "unexpected";
    return "ok";
}

std::string format_results(ResultsFormat format, const std::vector<RunResult>& results,
                           const std::vector<std::string>& refusals, const std::string& out_dir) {
    switch (format) {
        case ResultsFormat::json:
            return json_document(results, refusals, out_dir).dump(2) + "\n";
        case ResultsFormat::junit:
            return junit_document(results, refusals);
        case ResultsFormat::sarif:
            return sarif_document(results).dump(2) + "\n";
        case ResultsFormat::tap:
            return tap_document(results, refusals);
        case ResultsFormat::text:
            break;
    }
    return "";
}

}  // namespace cowpin
