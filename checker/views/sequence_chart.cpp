#include "checker/views/sequence_chart.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "checker/views/trace_words.hpp"

namespace cowpin {

using nlohmann::json;

namespace {

// The call a step stands for, short enough for an arrow (`cowpin steps` has the long form).
const std::map<std::string, std::string, std::less<>> kCalls = {
    {"fork", "fork()"},
    {"exit", "exit()"},
    {"write", "store"},
    {"read", "load"},
    {"mprotect", "mprotect() R/O, R/W"},
    {"mprotect_vma", "mprotect() of the VMA"},
    {"clear_refs", "clear_refs (soft-dirty)"},
    {"munmap", "munmap()"},
    {"pin", "pin_user_pages()"},
    {"get", "get_user_pages()"},
    {"vmsplice", "vmsplice()"},
    {"odirect_read", "O_DIRECT read()"},
    {"odirect_write", "O_DIRECT write()"},
    {"iouring_fixed", "io_uring fixed buffer"},
    {"unpin", "unpin"},
    {"dma_write", "DMA write"},
    {"swap_out", "MADV_PAGEOUT"},
    {"reclaim", "reclaim"},
    {"migrate_start", "migration: isolate"},
    {"migrate_finish", "migration: finish"},
    {"wait", "waitpid()"},
    {"uffd_wp", "UFFDIO_WRITEPROTECT"},
    {"split_pmd", "__split_huge_pmd()"},
    {"dontfork", "MADV_DONTFORK"},
    {"dofork", "MADV_DOFORK"},
    {"split_folio", "split_folio()"},
    {"collapse", "MADV_COLLAPSE"},
};

// The GUP reference a handle holds, in the kernel's flags: "FOLL_PIN|FOLL_LONGTERM R/W".
std::string reference_text(const json& h) {
    const std::string kind = h.value("kind", "");
    const std::string flags = kind == "pin"         ? "FOLL_PIN|FOLL_LONGTERM"
                              : kind == "short_pin" ? "FOLL_PIN"
                                                    : "FOLL_GET";
    return fmt::format("{} {}", flags, h.value("access", "") == "rw" ? "R/W" : "R/O");
}

const json* find_named(const json& state, const char* list, const char* key, const std::string& name) {
    const auto entries = state.find(list);
    if (entries == state.end() || !entries->is_array()) return nullptr;
    for (const json& e : *entries)
        if (e.value(key, json()) == name) return &e;
    return nullptr;
}

std::vector<ChartLine> process_cell(const json& state, const json& p, const TraceNames& names,
                                    std::size_t i) {
    std::vector<ChartLine> lines;
    std::set<std::string> dontcopy;
    for (const json& v : p.value("vm_dontcopy", json::array())) dontcopy.insert(scalar(v));
    for (auto it = p.at("pages").begin(); it != p.at("pages").end(); ++it) {
        const std::string ideal = names.value(i, it->value("ideal", json()));
        std::string entry = fmt::format("{} {}", it.key(), pte_text(*it, names, i));
        if (dontcopy.count(it.key())) entry += " VM_DONTCOPY";
        lines.push_back({entry});
        if (it->value("pte", "none") == "none" && ideal == "none") continue;  // unmapped for good
        const std::string seen = seen_value(state, i, *it, names);
        const bool wrong = seen != ideal;
        lines.push_back({fmt::format("sees {} {} ideal {}", seen, wrong ? "≠" : "=", ideal), wrong});
    }
    if (p.value("has_pinned", false)) lines.push_back({"MMF_HAS_PINNED"});
    return lines;
}

std::vector<ChartLine> handle_cell(const json& state, const json& h, const TraceNames& names,
                                   std::size_t i) {
    std::vector<ChartLine> lines;
    lines.push_back({fmt::format("{} → {}", reference_text(h), names.frame(i, h.value("frame", json())))});
    std::string where = h.value("owner", json()).is_null()
                            ? fmt::format("orphan, was at {}", scalar(h.value("vaddr", json())))
                            : fmt::format("of {} {}", scalar(h.at("owner")), scalar(h.value("vaddr", json())));
    if (h.value("cell", "attached") != "attached") where += ", detached";
    if (h.contains("baseline")) where += fmt::format(", baseline {}", names.value(i, h.at("baseline")));
    lines.push_back({where});
    const bool wrong = handle_misreads(state, h);
    const std::string reads = handle_reads(state, i, h, names), ideal = handle_ideal(state, i, h, names);
    lines.push_back({fmt::format("reads {} {} ideal {}", reads, reads == ideal ? "=" : "≠", ideal),
                     wrong});
    return lines;
}

std::vector<ChartLine> frame_lines(const json& state, const TraceNames& names, std::size_t i) {
    std::vector<ChartLine> lines;
    for (const json& fr : state.value("frames", json::array())) {
        std::string line = fmt::format("{} {}  mapcount {}  refcount {}", names.frame(i, fr.at("frame")),
                                       names.value(i, fr.value("data", json())),
                                       scalar(fr.value("mapcount", json())),
                                       scalar(fr.value("refcount", json())));
        for (const char* count : {"pins", "gets"})
            if (fr.value(count, 0) != 0) line += fmt::format("  {} {}", count, scalar(fr.at(count)));
        if (fr.value("anon_exclusive", false)) line += "  anon_exclusive";
        if (!fr.value("swapcache", json()).is_null())
            line += fmt::format("  swapcache slot {}", scalar(fr.at("swapcache")));
        if (fr.value("isolated", false)) line += "  isolated";
        if (fr.contains("folio")) line += fmt::format("  folio {}", names.frame(i, fr.at("folio")));
        lines.push_back({line});
    }
    for (const json& sl : state.value("swap_slots", json::array())) {
        // A slot's data is what was written back to it; none while only the swapcache has it.
        std::string line = fmt::format("swap slot {}", scalar(sl.at("slot")));
        if (!sl.value("data", json()).is_null()) line += " " + names.value(i, sl.at("data"));
        line += fmt::format("  count {}", scalar(sl.value("count", json())));
        if (!sl.value("cache", json()).is_null())
            line += fmt::format("  swapcache {}", names.frame(i, sl.at("cache")));
        lines.push_back({line});
    }
    return lines;
}

// Lines not in `before` are what the step changed.
void mark_changed(std::vector<ChartLine>& now, const std::vector<ChartLine>& before) {
    for (ChartLine& l : now)
        l.changed = std::none_of(before.begin(), before.end(),
                                 [&](const ChartLine& b) { return b.text == l.text; });
}

}  // namespace

SequenceChart sequence_chart(const json& t, const std::vector<std::uint32_t>& decisions) {
    SequenceChart chart;
    const TraceNames names(t);
    const json& steps = t.at("steps");
    std::vector<const json*> states = {&t.at("initial_state")};
    for (const json& s : steps) states.push_back(&s.at("state"));

    // Lifelines: every process and handle some state has, the kernel if it acts.
    std::set<std::string> procs, handles;
    for (const json* s : states) {
        for (const json& p : s->value("processes", json::array())) procs.insert(scalar(p.at("process")));
        for (const json& h : s->value("handles", json::array())) handles.insert(scalar(h.at("handle")));
    }
    for (const std::string& p : procs) chart.lifelines.push_back({Lifeline::Kind::process, p, "process"});
    for (const std::string& h : handles)
        chart.lifelines.push_back({Lifeline::Kind::handle, h, "device handle"});
    if (std::any_of(steps.begin(), steps.end(), [](const json& s) { return s.value("actor", "") == "kernel"; }))
        chart.lifelines.push_back({Lifeline::Kind::kernel, "kernel", "no process"});
    const auto lifeline = [&](const std::string& name) {
        for (std::size_t l = 0; l < chart.lifelines.size(); ++l)
            if (chart.lifelines[l].name == name) return static_cast<int>(l);
        return -1;
    };

    const std::string kind = t.value("kind", "");
    const std::size_t n = steps.size();
    const std::string what = kind == "needless_copy" ? "a needless copy"
                             : kind == "stuck"       ? "stuck"
                                                     : scalar(t.value("invariant", json())) + " violated";
    chart.title = fmt::format("{} under {}: {} after {} step{}", scalar(t.at("spec").value("name", json())),
                              scalar(t.value("policy", json())), what, n, n == 1 ? "" : "s");
    const json& content = t.at("spec").value("content", json::object());
    const std::string memory = t.value("memory", std::string("base"));
    chart.subtitle = fmt::format("{}{}{} memory{}, spec {}", content.value("title", ""),
                                 content.contains("title") ? " · " : "", memory,
                                 memory == "hugetlb" ? " (each frame is one huge page)" : "",
                                 scalar(t.at("spec").value("path", json())));

    for (std::size_t i = 0; i <= n; ++i) {
        const json& s = *states[i];
        ChartRow row;
        row.step = i;
        row.cells.resize(chart.lifelines.size());
        row.alive.resize(chart.lifelines.size());
        for (std::size_t l = 0; l < chart.lifelines.size(); ++l) {
            const Lifeline& life = chart.lifelines[l];
            if (life.kind == Lifeline::Kind::kernel) {
                row.alive[l] = true;
            } else if (life.kind == Lifeline::Kind::process) {
                if (const json* p = find_named(s, "processes", "process", life.name)) {
                    row.alive[l] = true;
                    row.cells[l] = process_cell(s, *p, names, i);
                }
            } else if (const json* h = find_named(s, "handles", "handle", life.name)) {
                row.alive[l] = true;
                row.cells[l] = handle_cell(s, *h, names, i);
            }
        }
        row.frames = frame_lines(s, names, i);
        if (i == 0) {
            row.text = "initial state";
            row.notes.push_back("P0 has mapped and written its pages");
        } else {
            const json& step = steps[i - 1];
            const json& before = *states[i - 1];
            const std::string action = step.value("action", ""), actor = step.value("actor", "");
            const json& args = step.value("args", json::object());
            row.text = step.value("text", action);
            if (i <= decisions.size())
                row.notes = decision_texts(decisions[i - 1], t.value("policy_decisions", json::object()));
            if (step.contains("noop")) {
                row.noop = true;
                row.notes.push_back("no effect: " + scalar(step.at("noop")));
            }
            const auto call = kCalls.find(action);
            row.label = call == kCalls.end() ? action : call->second;
            const std::string vaddr = scalar(args.value("vaddr", json()));
            const std::string handle = scalar(args.value("handle", json()));
            row.from = actor == "device" ? lifeline(handle) : lifeline(actor);
            row.to = row.from;
            if (args.contains("vaddr")) row.label += " " + vaddr;
            if (args.contains("frame")) {  // a frame action of the kernel, by its slot before
                if (action == "swap_out") row.label = "reclaim: swap out";
                row.label += " " + names.frame(i - 1, args.at("frame"));
            }
            if (action == "fork") {
                row.to = lifeline(scalar(args.value("child", json())));
            } else if (action == "wait") {
                row.label += " " + scalar(args.value("process", json()));
            } else if (action == "write") {
                if (const json* p = find_named(s, "processes", "process", actor))
                    row.label += " = " + names.value(i, p->at("pages").value(vaddr, json::object()).value("ideal", json()));
            } else if (action == "dma_write" || action == "unpin") {
                const json* h = find_named(before, "handles", "handle", handle);
                if (action == "dma_write") {
                    const json* after = find_named(s, "handles", "handle", handle);
                    if (after) row.label += " " + handle_reads(s, i, *after, names);
                    // From the device to the process whose buffer it is, while it maps it.
                    if (h && !h->value("owner", json()).is_null() && h->value("cell", "") == "attached")
                        row.to = lifeline(scalar(h->at("owner")));
                    row.from = lifeline(handle);
                } else {
                    if (h) row.label = h->value("kind", "") == "get" ? "put_page()" : "unpin_user_page()";
                    row.to = lifeline(handle);
                }
            } else if (args.contains("handle")) {  // a GUP call: from the process to its handle
                row.to = lifeline(handle);
                if (const json* h = find_named(s, "handles", "handle", handle); h && !row.noop)
                    row.label += ": " + reference_text(*h);
            }
            if (row.from < 0) row.from = row.to;
            if (row.to < 0) row.to = row.from;
            for (std::size_t l = 0; l < row.cells.size(); ++l)
                mark_changed(row.cells[l], chart.rows[i - 1].cells[l]);
            mark_changed(row.frames, chart.rows[i - 1].frames);
        }
        for (const json& e : t.value("already_violated", json::array()))
            if (e.value("step", std::size_t{0}) == i)
                row.marks.push_back({ChartMark::Kind::earlier,
                                     fmt::format("{} violated here: {}", scalar(e.at("invariant")),
                                                 scalar(e.at("message")))});
        chart.rows.push_back(std::move(row));
    }

    ChartMark end;
    const std::string message = scalar(t.value("message", json()));
    if (kind == "needless_copy") {
        end = {ChartMark::Kind::needless_copy, fmt::format("Needless copy at step {}: {}", n, message)};
    } else if (kind == "stuck") {
        end = {ChartMark::Kind::stuck,
               fmt::format("Stuck after step {}: no execution from here ends every program: {}", n, message)};
    } else {
        end = {ChartMark::Kind::violation,
               fmt::format("{} violated after step {}: {}", scalar(t.value("invariant", json())), n, message)};
        // The earliest invariant the path broke before: the end may be its consequence.
        const json earlier = t.value("already_violated", json::array());
        const json* first = nullptr;
        for (const json& e : earlier)
            if (!first || e.value("step", 0) < first->value("step", 0)) first = &e;
        if (first)
            end.note = fmt::format("consequence: after {} at step {}", scalar(first->at("invariant")),
                                   scalar(first->at("step")));
    }
    chart.rows.back().marks.push_back(end);
    return chart;
}

}  // namespace cowpin
