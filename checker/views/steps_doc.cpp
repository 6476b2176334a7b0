#include "checker/views/steps_doc.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/formats/spec.hpp"
#include "model/ops.hpp"
#include "model/syscalls.hpp"

namespace cowpin {

namespace {

using nlohmann::json;

constexpr std::array<Memory, 3> kMemories = {Memory::base, Memory::thp, Memory::hugetlb};

// The form parse_step() asks for: its own "takes the form '...'" for a bare op name, or the
// name itself where that is a whole step.
std::string form_of(Op op) {
    const std::string name(op_name(op));
    std::string err;
    if (parse_step(name, err)) return name;
    const std::string mark = "takes the form '";
    const std::size_t at = err.find(mark);
    if (at == std::string::npos)
        throw std::logic_error(fmt::format("steps: parse_step(\"{}\") names no form: {}", name, err));
    const std::size_t from = at + mark.size();
    return err.substr(from, err.find('\'', from) - from);
}

// The form with its placeholders filled in.
std::string instance(std::string form) {
    for (const auto& [from, to] : std::map<std::string, std::string>{
             {"ro|rw", "rw"}, {"vN", "v0"}, {"hK", "h0"}, {"Pn", "P1"}})
        for (std::size_t at = form.find(from); at != std::string::npos; at = form.find(from))
            form.replace(at, from.size(), to);
    return form;
}

// A spec of memory `m` to try one op in.
json probe(Memory m) {
    return json{{"name", "probe"},
                {"memory", memory_name(m)},
                {"bounds", {{"processes", 2}, {"pages", kMaxPages}, {"handles", 1},
                            {"swap_slots", 1}}}};
}

// Why the spec parser refuses `spec` (what follows "field '...': "), or nullopt.
std::optional<std::string> refusal(const json& spec) {
    try {
        parse_spec(spec.dump(), "probe.json");
        return std::nullopt;
    } catch (const SpecError& e) {
        const std::string what = e.what();
        const std::size_t at = what.find("': ");
        return at == std::string::npos ? what : what.substr(at + 3);
    }
}

// The parser's answer for `op` on each memory kind, in a program (`as` "step"), as an action
// family ("family") or in the environment ("environment"); a refusal by the memory kind gives
// memory_refuses()' reason.
std::array<std::optional<std::string>, 3> accepted(Op op, const std::string& as,
                                                   const std::string& form) {
    std::array<std::optional<std::string>, 3> out;
    for (std::size_t i = 0; i < kMemories.size(); ++i) {
        json j = probe(kMemories[i]);
        const std::string name(op_name(op));
        if (as == "step") {
            json p0 = json::array();
            if (is_handle_op(op) && !is_gup_op(op)) p0.push_back("pin rw v0 h0");  // a reference
            if (op == Op::wait) p0.push_back("fork P1");
            p0.push_back(instance(form));
            j["programs"] = {{"P0", p0}};
            if (op == Op::wait) j["programs"]["P1"] = {"exit"};
        } else if (as == "family") {
            j["actions"] = {name};
        } else {
            j["programs"] = {{"P0", {"write v0"}}};
            j["environment"] = {name};
        }
        out[i] = refusal(j);
        if (auto why = memory_refuses(kMemories[i], op, as == "step"); why && out[i]) out[i] = why;
    }
    return out;
}

std::string_view kind_label(HandleKind k) {
    switch (k) {
        case HandleKind::pin:
            return "longterm FOLL_PIN (FOLL_PIN | FOLL_LONGTERM)";
        case HandleKind::short_pin:
            return "short-term FOLL_PIN";
        case HandleKind::get:
            break;
    }
    return "FOLL_GET";
}

// The reference a GUP op takes, by policy (gup_kind()), and whether it writes (gup_op_writes()).
std::string reference_of(Op op) {
    if (!is_gup_op(op)) return {};
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    for (const CowPolicy* p : all_policies()) {
        const std::string label(kind_label(gup_kind(op, *p)));
        auto it = std::find_if(groups.begin(), groups.end(), [&](auto& g) { return g.first == label; });
        if (it == groups.end()) it = groups.insert(groups.end(), {label, {}});
        it->second.push_back(p->name);
    }
    std::string kinds;
    if (groups.size() == 1)
        kinds = groups[0].first + " under every policy";
    else
        for (const auto& [label, names] : groups)
            kinds += fmt::format("{}{} under {}", kinds.empty() ? "" : "; ", label, join(names));
    const std::string access = gup_op_writes(op, true) != gup_op_writes(op, false)
                                   ? "R/O or R/W, as the step says (rw adds FOLL_WRITE)"
                               : gup_op_writes(op, false) ? "R/W (FOLL_WRITE)"
                                                          : "R/O";
    return kinds + "; " + access;
}

// What the exhaustive family ranges over, from what the op names (action.hpp), unless the
// prose says more.
std::string range_of(Op op, const StepProse& prose) {
    if (!prose.family_range.empty()) return std::string(prose.family_range);
    if (is_frame_op(op)) return "the kernel, on every frame in use";
    if (is_handle_op(op) && !is_gup_op(op)) return "the device, on every handle in use";
    if (is_gup_op(op))
        return gup_op_writes(op, true) != gup_op_writes(op, false)
                   ? "every live process and page, R/O and R/W, into the lowest free handle"
                   : "every live process and page, into the lowest free handle";
    if (is_page_op(op)) return "every live process and page";
    return "every live process";
}

// "base, thp, hugetlb", then the kinds refused and why.
std::string memory_text(const std::array<std::optional<std::string>, 3>& a) {
    std::vector<std::string> ok;
    std::vector<std::pair<std::string, std::vector<std::string>>> no;  // reason, kinds
    for (std::size_t i = 0; i < a.size(); ++i) {
        const std::string kind(memory_name(kMemories[i]));
        if (!a[i]) {
            ok.push_back(kind);
            continue;
        }
        auto it = std::find_if(no.begin(), no.end(), [&](auto& n) { return n.first == *a[i]; });
        if (it == no.end()) it = no.insert(no.end(), {*a[i], {}});
        it->second.push_back(kind);
    }
    if (ok.empty()) return "no";
    std::string out = join(ok);
    for (const auto& [why, kinds] : no) out += fmt::format("; not {}: {}", join(kinds), why);
    return out;
}

// The kinds alone: "base, thp".
std::string kinds_text(const std::array<std::optional<std::string>, 3>& a) {
    std::vector<std::string> ok;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!a[i]) ok.emplace_back(memory_name(kMemories[i]));
    return ok.empty() ? "—" : join(ok);
}

bool anywhere(const std::array<std::optional<std::string>, 3>& a) {
    return !a[0] || !a[1] || !a[2];
}


}  // namespace

std::vector<StepInfo> step_table() {
    std::vector<StepInfo> table;
    for (int i = 0; i < kOps; ++i) {
        const Op op = static_cast<Op>(i);
        const StepProse prose = step_prose(op);
        StepInfo info;
        info.op = op;
        info.form = form_of(op);
        info.step = accepted(op, "step", info.form);
        info.family = accepted(op, "family", info.form);
        info.environment = accepted(op, "environment", info.form);
        info.family_range = range_of(op, prose);
        info.reference = reference_of(op);
        info.call = prose.call;
        info.does = prose.does;
        for (std::string_view d : prose.decisions) info.decisions.emplace_back(d);
        table.push_back(std::move(info));
    }
    return table;
}

std::string steps_document(DocFormat format) {
    const std::vector<StepInfo> table = step_table();
    const bool md = format == DocFormat::markdown;
    const std::string placeholders = fmt::format(
        "Pn names a process (P0 to P{}), vN a page of the process's VMA (v0 to v{}), hK a GUP "
        "handle (h0 to h{}); the spec's bounds may allow fewer.",
        kMaxProcs - 1, kMaxPages - 1, kMaxHandles - 1);
    const std::string intro =
        "Every op of the model, as a spec uses it: a step of a scenario's programs (the system "
        "call a process makes; it completes as that call does in the policy's era, and a call "
        "the kernel refuses or ignores is a step that changes nothing), an action family of the "
        "exhaustive form (\"actions\": enabled for everything within the bounds wherever its "
        "guard holds, so a refused action is no transition), or an environment action of a "
        "scenario (\"environment\": the kernel may take it at any point, on any frame).";
    std::string out;
    if (md) {
        out += "# Program steps and action families\n\n" +
               generated_note("cowpin steps --format markdown") + "\n" + intro + " " +
               placeholders + "\n\n";
        std::vector<std::vector<std::string>> rows;
        for (const StepInfo& s : table)
            rows.push_back({code(s.form), s.call, anywhere(s.family) ? "yes" : "—",
                            anywhere(s.environment) ? "yes" : "—", kinds_text(s.step)});
        out += markdown_table({"step", "stands for", "family", "environment", "memory (as a step)"},
                              rows);
    } else {
        out += wrap(intro, 100, "") + wrap(placeholders, 100, "");
    }
    for (const StepInfo& s : table) {
        const std::string name(op_name(s.op));
        // Memory: one line where the step, the family and the environment action agree.
        std::vector<std::pair<std::string, std::string>> kinds;
        if (anywhere(s.step)) kinds.push_back({"As a step", memory_text(s.step)});
        if (anywhere(s.family)) kinds.push_back({"As a family", memory_text(s.family)});
        if (anywhere(s.environment))
            kinds.push_back({"In the environment", memory_text(s.environment)});
        std::string memory = kinds.front().second;
        if (std::any_of(kinds.begin(), kinds.end(),
                        [&](const auto& k) { return k.second != kinds.front().second; })) {
            std::vector<std::string> parts;
            for (const auto& [where, text] : kinds) parts.push_back(where + ": " + text);
            memory = join(parts, ". ");
        }
        std::vector<std::pair<std::string, std::string>> facts = {
            {"stands for", s.call},
            {"step", anywhere(s.step) ? (md ? code(s.form) : s.form) : "no"},
            {"family", anywhere(s.family)
                           ? fmt::format("{}, {}", md ? code(name) : name, s.family_range)
                           : "no (a program step only)"},
            {"environment", anywhere(s.environment) ? "yes" : "no"},
            {"memory", memory},
        };
        if (!s.reference.empty()) facts.push_back({"GUP reference", s.reference});
        std::vector<std::string> points;
        for (const std::string& d : s.decisions) points.push_back(md ? code(d) : d);
        facts.push_back({"decision points", points.empty() ? "none" : join(points)});
        if (md) {
            out += fmt::format("\n## {}\n\n", code(s.form));
            for (const auto& [k, v] : facts) out += fmt::format("- **{}:** {}\n", k, v);
            out += "\n" + s.does + "\n";
        } else {
            out += "\n" + s.form + "\n";
            for (const auto& [k, v] : facts)
                out += wrap(v, 100, std::string(18, ' '), fmt::format("  {:<16}", k));
            out += wrap(s.does, 100, "  ");
        }
    }
    const std::string noop_intro =
        "A program step that the kernel refuses or ignores changes nothing; the trace and "
        "`check --coverage` give the reason, one of:";
    out += md ? fmt::format("\n## Steps that change nothing\n\n{}\n\n", noop_intro)
              : fmt::format("\n{}", wrap(noop_intro, 100, ""));
    for (int i = 1; i < kNoOps; ++i) {
        const std::string why(noop_reason(static_cast<NoOp>(i)));
        out += md ? "- " + why + "\n" : wrap(why, 100, "    ", std::string("  - "));
    }
    return out;
}

}  // namespace cowpin
