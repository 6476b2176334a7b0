#include "checker/views/trace_words.hpp"

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

FrameNames::FrameNames(const json& trace) {
    std::vector<const json*> states = {&trace.at("initial_state")};
    for (const json& step : trace.at("steps")) states.push_back(&step.at("state"));
    std::vector<int> previous;
    for (const json* s : states) {
        std::vector<int> now;
        for (const json& fr : s->value("frames", json::array())) {
            if (!fr.contains("frame") || !fr.at("frame").is_number_unsigned()) continue;
            const std::size_t slot = fr.at("frame").get<std::size_t>();
            if (slot >= 64) continue;  // beyond any build's frames: replay refused it
            if (now.size() <= slot) now.resize(slot + 1, -1);
            // In use before and now: the same frame (no single step frees a frame and takes
            // its slot again: a COW copy, collapse and migration allocate before they free).
            now[slot] = slot < previous.size() && previous[slot] >= 0 ? previous[slot]
                                                                      : static_cast<int>(count_++);
        }
        names_.push_back(now);
        previous = std::move(now);
    }
}

std::string FrameNames::name(std::size_t state, const json& slot) const {
    if (!slot.is_number_unsigned()) return scalar(slot);
    const std::size_t n = slot.get<std::size_t>();
    if (state < names_.size() && n < names_[state].size() && names_[state][n] >= 0)
        return fmt::format("F{}", names_[state][n] + 1);
    return fmt::format("{}?", n);
}

std::string pte_text(const json& pte, const FrameNames& names, std::size_t state) {
    const std::string kind = pte.value("pte", "none");
    const auto frame = [&] { return names.name(state, pte.value("frame", json())); };
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

std::string frame_data(const json& state, const json& frame) {
    const json* f = find_by(state, "frames", "frame", frame);
    return f ? scalar(f->value("data", json())) : "none";
}

}  // namespace

std::string seen_value(const json& state, const json& page) {
    const std::string kind = page.value("pte", "none");
    if (kind == "none") return "none";
    if (kind == "swap") {
        const json* slot = find_by(state, "swap_slots", "slot", page.value("slot", json()));
        if (!slot) return "none";
        const json cache = slot->value("cache", json());
        return cache.is_null() ? scalar(slot->value("data", json())) : frame_data(state, cache);
    }
    return frame_data(state, page.value("frame", json()));
}

std::string handle_ideal(const json& state, const json& handle) {
    if (handle.contains("expect")) return scalar(handle.at("expect"));  // a detached cell
    for (const json& p : state.value("processes", json::array()))
        if (p.value("process", json()) == handle.value("owner", json())) {
            const json& pages = p.value("pages", json::object());
            const auto page = pages.find(handle.value("vaddr", std::string()));
            if (page != pages.end()) return scalar(page->value("ideal", json()));
        }
    return "none";
}

std::string handle_reads(const json& state, const json& handle) {
    return frame_data(state, handle.value("frame", json()));
}

bool handle_misreads(const json& state, const json& handle) {
    const std::string reads = handle_reads(state, handle);
    if (reads == handle_ideal(state, handle)) return false;
    if (handle.value("kind", "") == "pin") return true;
    if (reads == scalar(handle.value("baseline", json()))) return false;
    // A get may also read what was written to its own cell since: a value whose cell is the
    // handle's ("P1 v0" while attached, "detached0" after).
    const std::string cell = handle.value("cell", "");
    const std::string own = cell == "attached" ? scalar(handle.value("owner", json())) + " " +
                                                     scalar(handle.value("vaddr", json()))
                                               : cell;
    const json* value = find_by(state, "values", "value", json(reads));
    return !value || scalar(value->value("cell", json())) != own;
}

}  // namespace cowpin
