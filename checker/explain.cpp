#include "checker/explain.hpp"

#include <map>

#include <fmt/format.h>

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
        return fmt::format("present(frame {}, {})", scalar(pte["frame"]),
                           pte.value("writable", false) ? "writable" : "R/O");
    if (kind == "swap")
        return fmt::format("swap(slot {}{})", scalar(pte["slot"]),
                           pte.value("exclusive", false) ? ", exclusive" : "");
    if (kind == "migration")
        return fmt::format("migration(frame {}, {})", scalar(pte["frame"]),
                           pte.value("kind", ""));
    return "none";
}

// Flatten a state into "subject" → {"field" → text}, in kernel words.
using Flat = std::map<std::string, std::map<std::string, std::string>>;

Flat flatten(const json& s) {
    Flat f;
    for (const json& p : s.value("processes", json::array())) {
        const std::string name = p.value("process", "?");
        f[name]["parent"] = scalar(p["parent"]);
        f[name]["has_pinned"] = scalar(p["has_pinned"]);
        for (auto it = p["pages"].begin(); it != p["pages"].end(); ++it) {
            f[name + " " + it.key()]["PTE"] = pte_text(*it);
            f[name + " " + it.key()]["ideal"] = scalar((*it)["ideal"]);
        }
    }
    for (const json& fr : s.value("frames", json::array())) {
        auto& m = f["frame " + scalar(fr["frame"])];
        for (auto it = fr.begin(); it != fr.end(); ++it)
            if (it.key() != "frame") m[it.key()] = scalar(*it);
    }
    for (const json& sl : s.value("swap_slots", json::array())) {
        auto& m = f["swap slot " + scalar(sl["slot"])];
        for (auto it = sl.begin(); it != sl.end(); ++it)
            if (it.key() != "slot") m[it.key()] = scalar(*it);
    }
    for (const json& h : s.value("handles", json::array())) {
        auto& m = f["handle " + scalar(h["handle"])];
        for (auto it = h.begin(); it != h.end(); ++it)
            if (it.key() != "handle") m[it.key()] = scalar(*it);
    }
    for (const json& v : s.value("values", json::array()))
        f["value " + scalar(v["value"])]["written by"] = scalar(v["writer"]) + " at " + scalar(v["cell"]);
    if (s.contains("program_counters"))
        for (auto it = s["program_counters"].begin(); it != s["program_counters"].end(); ++it)
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
        if (!line.empty()) out += fmt::format("    {}: {}\n", subject, line);
    }
    for (const auto& [subject, fields] : before)
        if (!after.count(subject) && subject.rfind("value ", 0) != 0)
            out += fmt::format("    - {}: gone\n", subject);
    if (out.empty()) out = "    (no change)\n";
    return out;
}

}  // namespace

std::string explain_trace(const json& t) {
    std::string out = fmt::format(
        "{} under {}: {} violated after {} steps\nspec {} (sha256 {})\nbounds {}\n\n",
        t["spec"].value("name", "?"), scalar(t["policy"]), scalar(t["invariant"]),
        t["steps"].size(), t["spec"].value("path", "?"), t["spec"].value("sha256", "?"),
        t["bounds"].dump());
    Flat prev = flatten(t["initial_state"]);
    out += "Initial state:\n" + describe(prev);
    std::map<std::size_t, std::string> earlier;
    for (const json& e : t.value("already_violated", json::array()))
        earlier[e.value("step", std::size_t{0})] +=
            fmt::format("  !! {} violated here: {}\n", scalar(e["invariant"]), scalar(e["message"]));
    if (earlier.count(0)) out += earlier[0];
    for (const json& step : t["steps"]) {
        const std::size_t i = step.value("index", std::size_t{0});
        out += fmt::format("\nStep {}: {}\n", i, step.value("text", scalar(step["action"])));
        Flat next = flatten(step["state"]);
        out += changes(prev, next);
        if (earlier.count(i)) out += earlier[i];
        prev = std::move(next);
    }
    out += fmt::format("\nViolation after step {}: {}\n  {}\n", t["steps"].size(),
                       scalar(t["invariant"]), scalar(t["message"]));
    return out;
}

}  // namespace cowpin
