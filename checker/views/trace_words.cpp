#include "checker/views/trace_words.hpp"

#include <set>

#include <fmt/format.h>

#include "model/policy_points.hpp"

namespace cowpin {

using nlohmann::json;

std::string scalar(const json& j) {
    if (j.is_null()) return "none";
    if (j.is_string()) return j.get<std::string>();
    if (j.is_boolean()) return j.get<bool>() ? "yes" : "no";
    return j.dump();
}

namespace {

// "x3" → 3, or -1 for anything else.
int value_slot(const json& v) {
    if (!v.is_string()) return -1;
    const std::string& s = v.get_ref<const std::string&>();
    if (s.size() < 2 || s.size() > 4 || s[0] != 'x') return -1;
    int n = 0;
    for (std::size_t k = 1; k < s.size(); ++k) {
        if (s[k] < '0' || s[k] > '9') return -1;
        n = n * 10 + (s[k] - '0');
    }
    return n;
}

// The values a state references: ideal values, frame and slot data, handles' cells and baselines.
std::set<std::string> referenced_values(const json& s) {
    std::set<std::string> out;
    const auto add = [&](const json& v) {
        if (v.is_string()) out.insert(v.get<std::string>());
    };
    for (const json& p : s.value("processes", json::array())) {
        const json pages = p.value("pages", json::object());
        for (const json& page : pages) add(page.value("ideal", json()));
    }
    for (const json& f : s.value("frames", json::array())) add(f.value("data", json()));
    for (const json& sl : s.value("swap_slots", json::array())) add(sl.value("data", json()));
    for (const json& h : s.value("handles", json::array())) {
        add(h.value("expect", json()));
        add(h.value("baseline", json()));
    }
    return out;
}

}  // namespace

TraceNames::TraceNames(const json& trace) {
    std::vector<const json*> states = {&trace.at("initial_state")};
    for (const json& step : trace.at("steps")) states.push_back(&step.at("state"));
    const json* before = nullptr;
    std::set<std::string> referenced;  // the values the state before references
    for (const json* s : states) {
        std::vector<int> frames, values;
        for (const json& fr : s->value("frames", json::array())) {
            if (!fr.contains("frame") || !fr.at("frame").is_number_unsigned()) continue;
            const std::size_t slot = fr.at("frame").get<std::size_t>();
            if (slot >= 64) continue;  // beyond any build's frames: replay refused it
            if (frames.size() <= slot) frames.resize(slot + 1, -1);
            // In use before and now: the same frame (no single step frees a frame and takes
            // its slot again: a COW copy, collapse and migration allocate before they free).
            static const std::vector<int> none;
            const std::vector<int>& was = before ? frames_.back() : none;
            frames[slot] = slot < was.size() && was[slot] >= 0 ? was[slot] : static_cast<int>(frame_count_++);
        }
        // A value slot is taken again only once nothing references its value: a value that no
        // field referenced before and one does now is new, and so is one with another writer.
        // (Its cell may change: exit and munmap detach it.)
        const std::set<std::string> now = referenced_values(*s);
        for (const json& v : s->value("values", json::array())) {
            const int slot = value_slot(v.value("value", json()));
            if (slot < 0 || slot >= 256) continue;
            if (values.size() <= static_cast<std::size_t>(slot)) values.resize(slot + 1, -1);
            const std::string name = v.at("value").get<std::string>();
            int same = -1;
            if (before && static_cast<std::size_t>(slot) < values_.back().size() &&
                (referenced.count(name) || !now.count(name)))
                for (const json& w : before->value("values", json::array()))
                    if (w.value("value", json()) == v.value("value", json()) &&
                        w.value("writer", json()) == v.value("writer", json()))
                        same = values_.back()[slot];
            values[slot] = same >= 0 ? same : static_cast<int>(value_count_++);
        }
        referenced = now;
        frames_.push_back(std::move(frames));
        values_.push_back(std::move(values));
        before = s;
    }
}

std::string TraceNames::frame(std::size_t state, const json& slot) const {
    if (!slot.is_number_unsigned()) return scalar(slot);
    const std::size_t n = slot.get<std::size_t>();
    if (state < frames_.size() && n < frames_[state].size() && frames_[state][n] >= 0)
        return fmt::format("F{}", frames_[state][n] + 1);
    return fmt::format("{}?", n);
}

std::string TraceNames::value(std::size_t state, const json& value) const {
    const int n = value_slot(value);
    if (n < 0) return scalar(value);  // null, "none"
    if (state < values_.size() && static_cast<std::size_t>(n) < values_[state].size() &&
        values_[state][n] >= 0)
        return fmt::format("x{}", values_[state][n]);
    return scalar(value) + "?";
}

std::string pte_text(const json& pte, const TraceNames& names, std::size_t state) {
    const std::string kind = pte.value("pte", "none");
    const auto frame = [&] { return names.frame(state, pte.value("frame", json())); };
    if (kind == "present")
        return fmt::format("present({}, {})", frame(),
                           pte.value("writable", false) ? "writable" : "R/O");
    if (kind == "swap")
        return fmt::format("swap(slot {}{})", scalar(pte.value("slot", json())),
                           pte.value("exclusive", false) ? ", exclusive" : "");
    if (kind == "pmd")  // the page's share of the process's PMD mapping of its THP
        return fmt::format("pmd({}, {})", frame(), pte.value("writable", false) ? "writable" : "R/O");
    if (kind == "migration" || kind == "pmd_migration")  // a PTE or PMD migration entry
        return fmt::format("{}({}, {})", kind, frame(), pte.value("kind", ""));
    return "none";
}

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

namespace {

// The entry of `list` (a state's frames or swap_slots) whose `key` is `id`, or null.
const json* find_by(const json& state, const char* list, const char* key, const json& id) {
    const auto entries = state.find(list);
    if (id.is_null() || entries == state.end() || !entries->is_array()) return nullptr;
    for (const json& e : *entries)
        if (e.value(key, json()) == id) return &e;
    return nullptr;
}

// The data of frame `frame` in `state`, as the trace writes it.
json frame_data(const json& state, const json& frame) {
    const json* f = find_by(state, "frames", "frame", frame);
    return f ? f->value("data", json()) : json();
}

json seen(const json& state, const json& page) {
    const std::string kind = page.value("pte", "none");
    if (kind == "none") return json();
    if (kind == "swap") {
        const json* slot = find_by(state, "swap_slots", "slot", page.value("slot", json()));
        if (!slot) return json();
        const json cache = slot->value("cache", json());
        return cache.is_null() ? slot->value("data", json()) : frame_data(state, cache);
    }
    return frame_data(state, page.value("frame", json()));
}

json ideal_of(const json& state, const json& handle) {
    if (handle.contains("expect")) return handle.at("expect");  // a detached cell
    for (const json& p : state.value("processes", json::array()))
        if (p.value("process", json()) == handle.value("owner", json())) {
            const json pages = p.value("pages", json::object());
            const auto page = pages.find(handle.value("vaddr", std::string()));
            if (page != pages.end()) return page->value("ideal", json());
        }
    return json();
}

}  // namespace

std::string seen_value(const json& state, std::size_t i, const json& page, const TraceNames& names) {
    return names.value(i, seen(state, page));
}

std::string handle_ideal(const json& state, std::size_t i, const json& handle, const TraceNames& names) {
    return names.value(i, ideal_of(state, handle));
}

std::string handle_reads(const json& state, std::size_t i, const json& handle, const TraceNames& names) {
    return names.value(i, frame_data(state, handle.value("frame", json())));
}

bool handle_misreads(const json& state, const json& handle) {
    const json reads = frame_data(state, handle.value("frame", json()));
    if (reads == ideal_of(state, handle)) return false;
    if (handle.value("kind", "") == "pin") return true;
    if (reads == handle.value("baseline", json())) return false;
    // A get may also read what was written to its own cell since: a value whose cell is the
    // handle's ("P1 v0" while attached, "detached0" after).
    const std::string cell = handle.value("cell", "");
    const std::string own = cell == "attached" ? scalar(handle.value("owner", json())) + " " +
                                                     scalar(handle.value("vaddr", json()))
                                               : cell;
    const json* value = find_by(state, "values", "value", reads);
    return !value || scalar(value->value("cell", json())) != own;
}

}  // namespace cowpin
