#include "checker/views/explain.hpp"

#include <map>

#include <fmt/format.h>

#include "checker/views/trace_words.hpp"

namespace cowpin {

using nlohmann::json;

namespace {

// Flatten state `i` of the trace (0 the initial state) into "subject" → {"field" → text}, in
// kernel words, frames and values by their names along the trace (trace_words.hpp).
using Flat = std::map<std::string, std::map<std::string, std::string>>;

Flat flatten(const json& s, const TraceNames& names, std::size_t i) {
    Flat f;
    // A field that names a frame or a value, by its name along the trace.
    const auto text = [&](const std::string& key, const json& v) {
        if (key == "frame" || key == "folio" || key == "cache") return names.frame(i, v);
        if (key == "data" || key == "ideal" || key == "baseline" || key == "expect")
            return names.value(i, v);
        return scalar(v);
    };
    for (const json& p : s.value("processes", json::array())) {
        const std::string name = p.value("process", "?");
        f[name]["parent"] = scalar(p.at("parent"));
        f[name]["has_pinned"] = scalar(p.at("has_pinned"));
        if (p.contains("vm_dontcopy")) f[name]["VM_DONTCOPY"] = p.at("vm_dontcopy").dump();
        for (auto it = p.at("pages").begin(); it != p.at("pages").end(); ++it) {
            f[name + " " + it.key()]["PTE"] = pte_text(*it, names, i);
            f[name + " " + it.key()]["ideal"] = text("ideal", it->at("ideal"));
        }
    }
    // Frames, swap slots and handles: every field but the one that names the subject.
    const auto fields = [&](const char* list, const char* key, const std::string& subject) {
        for (const json& e : s.value(list, json::array())) {
            auto& m = f[subject + (std::string(key) == "frame" ? names.frame(i, e.at(key)) : scalar(e.at(key)))];
            for (auto it = e.begin(); it != e.end(); ++it)
                if (it.key() != key) m[it.key()] = text(it.key(), *it);
        }
    };
    fields("frames", "frame", "frame ");
    fields("swap_slots", "slot", "swap slot ");
    fields("handles", "handle", "handle ");
    for (const json& v : s.value("values", json::array()))
        f["value " + names.value(i, v.at("value"))]["written by"] =
            scalar(v.at("writer")) + " at " + scalar(v.at("cell"));
    if (s.contains("program_counters"))
        for (auto it = s.at("program_counters").begin(); it != s.at("program_counters").end(); ++it)
            f["program " + it.key()]["next step"] = scalar(*it);
    return f;
}

std::string describe(const Flat& f) {
    std::string out;
    for (const auto& [subject, fields] : f) {
        if (subject.rfind("value ", 0) == 0 || subject.rfind("program ", 0) == 0) continue;
        std::string line;
        for (const auto& [k, v] : fields) line += fmt::format("{}{} {}", line.empty() ? "" : ", ", k, v);
        out += fmt::format("    {}: {}\n", subject, line);
    }
    return out;
}

std::string changes(const Flat& before, const Flat& after) {
    std::string out;
    for (const auto& [subject, fields] : after) {
        if (subject.rfind("program ", 0) == 0) continue;
        auto b = before.find(subject);
        if (b == before.end()) {
            std::string line;
            for (const auto& [k, v] : fields) line += fmt::format("{}{} {}", line.empty() ? "" : ", ", k, v);
            out += fmt::format("    + {}: {}\n", subject, line);
            continue;
        }
        std::string line;
        for (const auto& [k, v] : fields) {
            auto old = b->second.find(k);
            const std::string was = old == b->second.end() ? "-" : old->second;
            if (was != v) line += fmt::format("{}{} {} → {}", line.empty() ? "" : ", ", k, was, v);
        }
        for (const auto& [k, v] : b->second)  // a field only some states have (VM_DONTCOPY, folio)
            if (!fields.count(k)) line += fmt::format("{}{} {} → -", line.empty() ? "" : ", ", k, v);
        if (!line.empty()) out += fmt::format("    {}: {}\n", subject, line);
    }
    for (const auto& [subject, fields] : before)
        if (!after.count(subject) && subject.rfind("value ", 0) != 0)
            out += fmt::format("    - {}: gone\n", subject);
    if (out.empty()) out = "    (no change)\n";
    return out;
}

// "    decision: do_wp_page: reuse (write_fault: mapcount)", one line per outcome a step's
// decision points took, with the policy's rule for each.
std::string decision_lines(std::uint32_t decisions, const json& rules) {
    std::string out;
    for (const std::string& d : decision_texts(decisions, rules))
        out += fmt::format("    decision: {}\n", d);
    return out;
}

}  // namespace

std::string explain_trace(const json& t, const std::vector<std::uint32_t>& decisions) {
    const std::string kind = t.value("kind", "");
    const bool needless = kind == "needless_copy", stuck = kind == "stuck";
    const std::string what = needless ? "a needless copy"
                             : stuck  ? "stuck"
                                      : t.value("invariant", std::string("?")) + " violated";
    std::string out = fmt::format(
        "{} under {}: {} after {} steps\nspec {} (sha256 {})\nbounds {}\n\n",
        t.at("spec").value("name", "?"), t.value("policy", std::string("?")), what,
        t.at("steps").size(), t.at("spec").value("path", "?"), t.at("spec").value("sha256", "?"),
        t.at("bounds").dump());
    // hugetlb: each frame is a whole huge page (MODEL.md §9); base traces say nothing more.
    if (t.value("memory", std::string("base")) == "hugetlb")
        out.insert(out.size() - 1, "memory hugetlb: each frame is one huge page (MAP_HUGETLB)\n");
    const TraceNames names(t);
    Flat prev = flatten(t.at("initial_state"), names, 0);
    out += "Initial state:\n" + describe(prev);
    std::map<std::size_t, std::string> earlier;
    for (const json& e : t.value("already_violated", json::array()))
        earlier[e.value("step", std::size_t{0})] +=
            fmt::format("  !! {} violated here: {}\n", scalar(e.at("invariant")), scalar(e.at("message")));
    if (earlier.count(0)) out += earlier[0];
    for (const json& step : t.at("steps")) {
        const std::size_t i = step.value("index", std::size_t{0});
        out += fmt::format("\nStep {}: {}\n", i, step.value("text", scalar(step.at("action"))));
        if (i >= 1 && i <= decisions.size())
            out += decision_lines(decisions[i - 1], t.value("policy_decisions", json::object()));
        Flat next = flatten(step.at("state"), names, i);
        if (step.contains("noop"))
            out += fmt::format("    (no effect: {})\n", scalar(step.at("noop")));
        else
            out += changes(prev, next);
        if (earlier.count(i)) out += earlier[i];
        prev = std::move(next);
    }
    if (needless)
        out += fmt::format("\nNeedless copy at step {}:\n  {}\n", t.at("steps").size(),
                           t.value("message", std::string()));
    else if (stuck)
        out += fmt::format("\nStuck after step {}: no execution from here ends every program\n  {}\n",
                           t.at("steps").size(), t.value("message", std::string()));
    else
        out += fmt::format("\nViolation after step {}: {}\n  {}\n", t.at("steps").size(),
                           t.value("invariant", std::string("?")), t.value("message", std::string()));
    return out;
}

}  // namespace cowpin
