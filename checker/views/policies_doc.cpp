#include "checker/views/policies_doc.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/formats/policy_json.hpp"
#include "checker/formats/spec.hpp"
#include "checker/run/coverage.hpp"

namespace cowpin {

namespace {

using nlohmann::ordered_json;

// The keys of a policy file after name and summary, in file order: a policy that models every
// memory kind has them all.
std::vector<std::string> table_keys() {
    const CowPolicy* all = nullptr;
    for (const CowPolicy* p : all_policies())
        if (p->models(Memory::thp) && p->models(Memory::hugetlb)) all = p;
    if (!all) throw std::logic_error("policies: no built-in policy models every memory kind");
    const ordered_json j = policy_to_json(*all);
    std::vector<std::string> keys;
    for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() != "name" && it.key() != "summary") keys.push_back(it.key());
    return keys;
}

const DecisionPoint* point_of(const std::string& key) {
    for (const DecisionPoint& d : decision_points())
        if (d.key == key) return &d;
    return nullptr;
}

// The prose of every behaviour of a decision point, in the table's order; throws if the prose
// and the table disagree.
std::vector<BehaviourProse> behaviours_of(const DecisionPoint& d) {
    const PointProse& prose = point_prose(d.key);
    std::vector<BehaviourProse> out;
    for (const std::string& b : d.behaviours) {
        auto it = std::find_if(prose.behaviours.begin(), prose.behaviours.end(),
                               [&](const BehaviourProse& p) { return p.name == b; });
        if (it == prose.behaviours.end())
            throw std::logic_error(fmt::format("policy_prose: {} has no entry for '{}'", d.key, b));
        out.push_back(*it);
    }
    if (prose.behaviours.size() != d.behaviours.size())
        throw std::logic_error(fmt::format("policy_prose: {} describes a behaviour the table does "
                                           "not have", d.key));
    return out;
}

// A policy's value for a key, as the policy file has it; "—" where it has none (a memory kind
// it does not model).
std::string value_of(const CowPolicy& p, const std::string& key) {
    const ordered_json j = policy_to_json(p);
    if (!j.contains(key)) return "—";
    const ordered_json& v = j[key];
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (v.is_array()) {
        std::vector<std::string> items;
        for (const auto& x : v) items.push_back(x.get<std::string>());
        return join(items);
    }
    return v.get<std::string>();
}

// The policies taking each value of a key, in the order the values first appear.
std::vector<std::pair<std::string, std::vector<std::string>>> takers(const std::string& key) {
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    for (const CowPolicy* p : all_policies()) {
        const std::string v = value_of(*p, key);
        auto it = std::find_if(out.begin(), out.end(), [&](const auto& t) { return t.first == v; });
        if (it == out.end()) it = out.insert(out.end(), {v, {}});
        it->second.push_back(p->name);
    }
    return out;
}

std::vector<std::string> takers_of(const std::string& key, const std::string& value) {
    for (auto& [v, names] : takers(key))
        if (v == value) return names;
    return {};
}

std::string outcomes(const std::string& key) {
    const std::optional<Decision> d = find_decision(key);
    if (!d) return {};
    return fmt::format("\"{}\" and \"{}\"", outcome_name(*d, false), outcome_name(*d, true));
}


std::string section(const std::string& key, DocFormat format) {
    const bool md = format == DocFormat::markdown;
    const PointProse& prose = point_prose(key);
    const DecisionPoint* d = point_of(key);
    std::string out;
    std::string about = std::string(prose.decides) + " Mirrors: " + std::string(prose.kernel) + ".";
    if (const std::string o = outcomes(key); !o.empty())
        about += " Its two outcomes in check --coverage: " + o + ".";
    if (md) {
        out += fmt::format("\n## {}\n\n{}\n\n", code(key), about);
    } else {
        out += "\n" + key + "\n" + wrap(about, 100, "  ");
    }
    if (!d) {  // a flag: its values
        std::vector<std::vector<std::string>> rows;
        for (const auto& [value, names] : takers(key)) {
            if (md)
                rows.push_back({value, join(names)});
            else
                out += wrap(join(names), 100, std::string(26, ' '), fmt::format("  {:<24}", value));
        }
        if (md) out += markdown_table({"value", "policies"}, rows);
        return out;
    }
    std::vector<std::vector<std::string>> rows;
    for (const BehaviourProse& b : behaviours_of(*d)) {
        std::vector<std::string> names = takers_of(key, std::string(b.name));
        const std::string taken = names.empty() ? "no built-in policy" : join(names);
        if (md) {
            rows.push_back({code(std::string(b.name)), std::string(b.meaning), std::string(b.kernel),
                            taken});
        } else {
            out += wrap(std::string(b.meaning), 100, std::string(26, ' '),
                        fmt::format("  {:<24}", b.name));
            out += wrap("mirrors: " + std::string(b.kernel), 100, std::string(26, ' '));
            out += wrap("taken by: " + taken, 100, std::string(26, ' '));
        }
    }
    if (md) out += markdown_table({"behaviour", "meaning", "mirrors", "taken by"}, rows);
    if (const auto none = takers_of(key, "—"); !none.empty())
        out += md ? fmt::format("\nNot set (the policy does not model that memory): {}.\n", join(none))
                  : wrap("not set (the policy does not model that memory): " + join(none), 100,
                         std::string(26, ' '));
    return out;
}

// One policy, decision by decision.
std::string one_policy(const CowPolicy& p, DocFormat format) {
    const bool md = format == DocFormat::markdown;
    std::string out = md ? fmt::format("# {}\n\n{}\n\n", code(p.name), p.summary)
                         : fmt::format("{}: {}\n", p.name, p.summary);
    std::vector<std::vector<std::string>> rows;
    for (const std::string& key : table_keys()) {
        const std::string v = value_of(p, key);
        std::string meaning;
        if (const DecisionPoint* d = point_of(key); d && v != "—")
            for (const BehaviourProse& b : behaviours_of(*d))
                if (b.name == v) meaning = fmt::format("{} Mirrors: {}.", b.meaning, b.kernel);
        if (md)
            rows.push_back({code(key), v == "—" ? v : code(v), meaning});
        else
            out += wrap(meaning.empty() ? v : v + ": " + meaning, 100, std::string(26, ' '),
                        fmt::format("  {:<24}", key));
    }
    if (md) out += markdown_table({"decision point", "behaviour", "meaning"}, rows);
    return out;
}

}  // namespace

std::string policies_document(DocFormat format, const std::string& name) {
    const std::vector<std::string> keys = table_keys();
    if (const CowPolicy* p = find_policy(name); p && !name.empty()) return one_policy(*p, format);
    if (!name.empty()) {
        if (std::find(keys.begin(), keys.end(), name) == keys.end())
            throw SpecError(fmt::format("--describe '{}': unknown (expected a decision point: {}; "
                                        "or a policy: {})",
                                        name, join(keys), policy_names()));
        return section(name, format).substr(1);
    }
    const bool md = format == DocFormat::markdown;
    const std::string intro =
        "A policy picks, for each decision point of the model, one of the behaviours some kernel "
        "implements; everything else is the common mechanics. The behaviours are implemented "
        "once, in model/, each citing the kernel function it mirrors, and a policy is data: a "
        "built-in one (model/policies/) or a policy file with the same keys (cowpin policies "
        "--json NAME writes one). A decision point is counted by check --coverage only where its "
        "answer matters.";
    std::string out;
    if (md) {
        out += "# Policies: decision points and behaviours\n\n" +
               generated_note("cowpin policies --describe --format markdown") + "\n" + intro +
               "\n\n## Which policy takes which\n\n";
        std::vector<std::string> header = {"decision point"};
        for (const CowPolicy* p : all_policies()) header.push_back(p->name);
        std::vector<std::vector<std::string>> rows;
        for (const std::string& key : keys) {
            std::vector<std::string> row = {code(key)};
            for (const CowPolicy* p : all_policies()) row.push_back(value_of(*p, key));
            rows.push_back(row);
        }
        out += markdown_table(header, rows);
        std::vector<std::vector<std::string>> summaries;
        for (const CowPolicy* p : all_policies()) summaries.push_back({code(p->name), p->summary});
        out += '\n';
        out += markdown_table({"policy", "summary"}, summaries);
    } else {
        out += wrap(intro, 100, "");
    }
    for (const std::string& key : keys) out += section(key, format);
    return out;
}

}  // namespace cowpin
