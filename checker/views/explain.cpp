#include "checker/views/explain.hpp"

#include <map>

#include <fmt/format.h>

#include "model/policy_points.hpp"

namespace cowpin {

using nlohmann::json;

namespace {

std::string scalar(const json& j) {
    if (j.is_null()) return "none";
    if (j.is_string()) return j.get<std::string>();
    if (j.is_boolean()) return j.get<bool>() ? "yes" : "no";
    return j.dump();
}

std::string pte_text(const json& pte) {
    const std::string kind = pte.value("pte", "none");
    if (kind == "present")
        return fmt::format("present(frame {}, {})", scalar(pte.at("frame")),
                           pte.value("writable", false) ? "writable" : "R/O");
    if (kind == "swap")
        return fmt::format("swap(slot {}{})", scalar(pte.at("slot")),
                           pte.value("exclusive", false) ? ", exclusive" : "");
    if (kind == "pmd")  // the page's share of the process's PMD mapping of its THP
        return fmt::format("pmd(frame {}, {})", scalar(pte.at("frame")),
                           pte.value("writable", false) ? "writable" : "R/O");
    if (kind == "migration" || kind == "pmd_migration")  // a PTE or PMD migration entry
        return fmt::format("{}(frame {}, {})", kind, scalar(pte.at("frame")),
                           pte.value("kind", ""));
    return "none";
}

// Flatten a state into "subject" → {"field" → text}, in kernel words.
using Flat = std::map<std::string, std::map<std::string, std::string>>;

Flat flatten(const json& s) {
    Flat f;
    for (const json& p : s.value("processes", json::array())) {
        const std::string name = p.value("process", "?");
        f[name]["parent"] = scalar(p.at("parent"));
        f[name]["has_pinned"] = scalar(p.at("has_pinned"));
        if (p.contains("vm_dontcopy")) f[name]["VM_DONTCOPY"] = p.at("vm_dontcopy").dump();
        for (auto it = p.at("pages").begin(); it != p.at("pages").end(); ++it) {
            f[name + " " + it.key()]["PTE"] = pte_text(*it);
            f[name + " " + it.key()]["ideal"] = scalar((*it).at("ideal"));
        }
    }
    for (const json& fr : s.value("frames", json::array())) {
        auto& m = f["frame " + scalar(fr.at("frame"))];
        for (auto it = fr.begin(); it != fr.end(); ++it)
            if (it.key() != "frame") m[it.key()] = scalar(*it);
    }
    for (const json& sl : s.value("swap_slots", json::array())) {
        auto& m = f["swap slot " + scalar(sl.at("slot"))];
        for (auto it = sl.begin(); it != sl.end(); ++it)
            if (it.key() != "slot") m[it.key()] = scalar(*it);
    }
    for (const json& h : s.value("handles", json::array())) {
        auto& m = f["handle " + scalar(h.at("handle"))];
        for (auto it = h.begin(); it != h.end(); ++it)
            if (it.key() != "handle") m[it.key()] = scalar(*it);
    }
    for (const json& v : s.value("values", json::array()))
        f["value " + scalar(v.at("value"))]["written by"] = scalar(v.at("writer")) + " at " + scalar(v.at("cell"));
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

}  // namespace

std::vector<std::string> decision_texts(std::uint32_t decisions, const json& rules) {
    std::vector<std::string> out;
    for (int i = 0; i < 2 * kDecisionPoints; ++i) {
        if (!(decisions >> i & 1)) continue;
        const std::string_view name = kDecisionNames[i / 2];
        const DecisionPointText& text = decision_point_text(static_cast<Decision>(i / 2));
        const json rule = rules.value(std::string(name), json());
        out.push_back(fmt::format("{}: {} ({}{}{})", text.kernel_function, text.outcomes[i % 2],
                                  name, rule.is_string() ? ": " : "",
                                  rule.is_string() ? rule.get<std::string>() : ""));
    }
    return out;
}

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
    Flat prev = flatten(t.at("initial_state"));
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
            for (const std::string& d :
                 decision_texts(decisions[i - 1], t.value("policy_decisions", json::object())))
                out += "    decision: " + d + "\n";
        Flat next = flatten(step.at("state"));
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
