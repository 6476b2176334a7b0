#include "checker/formats/spec_bless.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "checker/formats/json_members.hpp"

namespace cowpin {

namespace {

// The names of a verdict, in table order, then "stuck".
std::vector<std::string> verdict_names(std::uint32_t verdict) {
    std::vector<std::string> names;
    for (int i = 0; i < kInvariants; ++i)
        if (verdict & (1u << i)) names.emplace_back(invariant_table()[i].name);
    if (verdict & kStuckVerdict) names.emplace_back("stuck");
    return names;
}

std::string quoted(const std::string& s) { return fmt::format("\"{}\"", s); }

// verdict_json(), or on one line where the neighbours are: ["a", "b"].
std::string verdict_value(std::uint32_t v, const std::optional<std::string>& indent) {
    if (indent || v == 0 || v == kStuckVerdict) return verdict_json(v, indent.value_or(""));
    std::string names;
    for (const std::string& n : verdict_names(v)) names += (names.empty() ? "" : ", ") + quoted(n);
    return "[" + names + "]";
}

// A value, given the indentation of the line its key starts (or nullopt: on one line).
using Render = std::function<std::string(const std::optional<std::string>& indent)>;

struct Entry {
    std::string key;
    Render value;
    bool remove = false;  // drop the entry: "default" says the same
};

struct Edit {
    std::size_t at, erase;
    std::string insert;
};

// Where the line of byte `at` starts.
std::size_t line_start(const std::string& text, std::size_t at) {
    const std::size_t nl = at == 0 ? std::string::npos : text.rfind('\n', at - 1);
    return nl == std::string::npos ? 0 : nl + 1;
}

// Whether the member's key is the first thing on its line: then new entries get lines of their
// own at its indentation; otherwise they are written on the line, as their neighbours are.
std::optional<std::string> own_line(const std::string& text, const JsonMember& m) {
    std::string indent = line_indent(text, m.key_begin);
    const std::size_t line = m.key_begin - indent.size();
    if (line == 0 || text[line - 1] == '\n') return indent;
    return std::nullopt;
}

// One more level than `indent`: as deep again as the file's first level is, two spaces at least.
std::string deeper(const std::string& indent, const std::string& unit) {
    return indent + (unit.empty() ? std::string("  ") : unit);
}

std::string object_text(const std::vector<Entry>& entries, const std::optional<std::string>& indent,
                        const std::string& unit) {
    std::string out = "{";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (indent) {
            const std::string in = deeper(*indent, unit);
            out += fmt::format("{}\n{}{}: {}", i ? "," : "", in, quoted(entries[i].key),
                               entries[i].value(in));
        } else {
            out += fmt::format("{}{}: {}", i ? ", " : "", quoted(entries[i].key),
                               entries[i].value(std::nullopt));
        }
    }
    return out + (indent ? "\n" + *indent + "}" : "}");
}

// The entries of the object member `name` of the root: each replaces the value of its own entry
// where there is one, else is added (before "default" if `before_default` and there is one, else
// after the last entry); a missing member is appended to `root_tail`.
void set_entries(const std::string& text, const JsonObject& root, const std::string& name,
                 const std::vector<Entry>& entries, bool before_default, const std::string& unit,
                 std::vector<Edit>& edits, std::string& root_tail) {
    if (entries.empty()) return;
    const JsonMember* member = root.find(name);
    if (!member) {
        std::vector<Entry> kept;
        for (const Entry& e : entries)
            if (!e.remove) kept.push_back(e);
        const std::optional<std::string> at = own_line(text, root.members.back());
        root_tail += at ? fmt::format(",\n{}{}: {}", *at, quoted(name), object_text(kept, at, unit))
                        : fmt::format(", {}: {}", quoted(name), object_text(kept, at, unit));
        return;
    }
    const JsonObject obj = json_object_at(text, member->value_begin);
    if (text[member->value_begin] != '{')
        throw std::invalid_argument(fmt::format("member '{}' is not an object", name));
    std::vector<Entry> added;
    for (const Entry& e : entries) {
        const JsonMember* own = obj.find(e.key);
        if (own && e.remove) {  // with its line, or its comma; some other entry ("default") stays
            const std::size_t i = own - obj.members.data();
            if (i + 1 < obj.members.size()) {
                const JsonMember& next = obj.members[i + 1];
                const std::size_t from = own_line(text, *own) ? line_start(text, own->key_begin)
                                                              : own->key_begin;
                const std::size_t to = own_line(text, next) ? line_start(text, next.key_begin)
                                                            : next.key_begin;
                edits.push_back({from, to - from, ""});
            } else {
                const std::size_t from = obj.members[i - 1].value_end;
                edits.push_back({from, own->value_end - from, ""});
            }
        } else if (own) {
            edits.push_back({own->value_begin, own->value_end - own->value_begin,
                             e.value(own_line(text, *own))});
        } else if (!e.remove) {
            added.push_back(e);
        }
    }
    if (added.empty()) return;
    if (obj.members.empty()) {
        edits.push_back({obj.open, obj.close + 1 - obj.open,
                         object_text(added, own_line(text, *member), unit)});
        return;
    }
    const JsonMember* dflt = before_default ? obj.find("default") : nullptr;
    if (dflt) {  // "k": v, before the default's key (on lines of their own if it has one)
        const std::optional<std::string> at = own_line(text, *dflt);
        std::string ins;
        for (const Entry& e : added)
            ins += at ? fmt::format("{}: {},\n{}", quoted(e.key), e.value(at), *at)
                      : fmt::format("{}: {}, ", quoted(e.key), e.value(at));
        edits.push_back({dflt->key_begin, 0, ins});
        return;
    }
    const JsonMember& last = obj.members.back();
    const std::optional<std::string> at = own_line(text, last);
    std::string ins;
    for (const Entry& e : added)
        ins += at ? fmt::format(",\n{}{}: {}", *at, quoted(e.key), e.value(at))
                  : fmt::format(", {}: {}", quoted(e.key), e.value(at));
    edits.push_back({last.value_end, 0, ins});
}

std::string old_expectation(const Spec& spec, const std::string& policy) {
    if (auto it = spec.expect.find(policy); it != spec.expect.end())
        return verdict_brief(it->second);
    if (auto d = spec.expected(policy)) return verdict_brief(*d) + " (default)";
    return "(none)";
}

}  // namespace

std::string verdict_json(std::uint32_t verdict, const std::string& indent) {
    if (verdict == 0) return "\"holds\"";
    if (verdict == kStuckVerdict) return "\"stuck\"";
    std::string out = "[";
    const std::vector<std::string> names = verdict_names(verdict);
    for (std::size_t i = 0; i < names.size(); ++i)
        out += fmt::format("{}\n{}  {}", i ? "," : "", indent, quoted(names[i]));
    return out + "\n" + indent + "]";
}

std::string verdict_brief(std::uint32_t verdict) {
    if (verdict == 0) return "holds";
    if (verdict == kStuckVerdict) return "stuck";
    std::string out;
    for (const std::string& n : verdict_names(verdict)) out += (out.empty() ? "" : ", ") + n;
    return "[" + out + "]";
}

Blessing bless_spec_text(const std::string& text, const Spec& spec,
                         const std::vector<Observation>& observed,
                         const std::vector<std::string>& extra_policies) {
    Blessing b;
    std::vector<Entry> expect, states, symmetric;
    // A spec without "expect" gets one as the shipped specs have it: the verdict most policies
    // share (if two or more do) as "default", an entry for each other policy.
    std::optional<std::uint32_t> fresh_default;
    if (spec.expect.empty()) {
        for (const std::string& p : spec.policies) {
            bool seen = false;
            for (const Observation& o : observed) seen |= o.policy == p;
            if (!seen)
                throw SpecError(fmt::format("{}: --bless: no \"expect\" yet, and nothing "
                                            "observed under {} (an \"expect\" names every "
                                            "policy the spec checks)", spec.path, p));
        }
        std::map<std::uint32_t, int> count;
        for (const Observation& o : observed) ++count[o.verdict];
        for (const auto& [verdict, n] : count)  // ascending: "holds" wins a tie
            if (n >= 2 && (!fresh_default || n > count[*fresh_default])) fresh_default = verdict;
    }
    for (const Observation& o : observed) {
        if (spec.expected(o.policy) != o.verdict) {
            b.changes.push_back(fmt::format("expect.{}: {} -> {}", o.policy,
                                            old_expectation(spec, o.policy),
                                            verdict_brief(o.verdict)));
            const std::uint32_t v = o.verdict;
            const auto dflt = spec.expect.find("default");
            const bool remove = (dflt != spec.expect.end() && dflt->second == v) ||
                                fresh_default == v;
            expect.push_back({o.policy,
                              [v](const std::optional<std::string>& indent) {
                                  return verdict_value(v, indent);
                              },
                              remove});
        }
        if (!o.states || spec.expected_states(o.policy, o.symmetric) == o.states) continue;
        const std::optional<std::uint64_t> old = spec.expected_states(o.policy, o.symmetric);
        b.changes.push_back(fmt::format("{}.{}: {} -> {}",
                                        o.symmetric ? "symmetric_states" : "states", o.policy,
                                        old ? std::to_string(*old) : "(none)", *o.states));
        const std::uint64_t n = *o.states;
        (o.symmetric ? symmetric : states)
            .push_back({o.policy, [n](const std::optional<std::string>&) { return std::to_string(n); }});
    }
    if (fresh_default) {
        const std::uint32_t v = *fresh_default;
        expect.push_back({"default", [v](const std::optional<std::string>& indent) {
                              return verdict_value(v, indent);
                          }});
    }
    if (b.changes.empty()) {
        b.text = text;
        return b;
    }
    try {
        const JsonObject root = json_object_at(text);
        if (root.members.empty()) throw std::invalid_argument("an empty object");
        const std::optional<std::string> unit = own_line(text, root.members.front());
        std::vector<Edit> edits;
        std::string tail;
        set_entries(text, root, "expect", expect, true, unit.value_or(""), edits, tail);
        set_entries(text, root, "states", states, false, unit.value_or(""), edits, tail);
        set_entries(text, root, "symmetric_states", symmetric, false, unit.value_or(""), edits,
                    tail);
        if (!tail.empty()) edits.push_back({root.members.back().value_end, 0, tail});
        // Back to front, so that each edit's offsets still hold; no two edits overlap or share
        // an offset (one per entry, one for the tail; a removal may end where an insertion
        // before "default" starts, which goes first).
        std::sort(edits.begin(), edits.end(),
                  [](const Edit& x, const Edit& y) { return x.at > y.at; });
        b.text = text;
        for (const Edit& e : edits) b.text.replace(e.at, e.erase, e.insert);
    } catch (const std::invalid_argument& e) {
        throw SpecError(fmt::format("{}: --bless: cannot find where to write: {}", spec.path,
                                    e.what()));
    }
    // What is written must read back to what was observed.
    const Spec back = parse_spec(b.text, spec.path, extra_policies);
    for (const Observation& o : observed)
        if (back.expected(o.policy) != o.verdict ||
            (o.states && back.expected_states(o.policy, o.symmetric) != o.states))
            throw SpecError(fmt::format("{}: --bless: the new text does not read back to the "
                                        "verdict observed under {}", spec.path, o.policy));
    return b;
}

}  // namespace cowpin
