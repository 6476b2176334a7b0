#include "checker/views/state_words.hpp"

#include <fmt/format.h>

#include "checker/formats/state_json.hpp"

namespace cowpin {

namespace {

// The entry as explain writes it: "present(F1, writable)", "swap(slot 0, exclusive)".
std::string pte_words(const Pte& pte, const FrameNames& names, bool exclusive_entries) {
    const auto rw = [&] { return pte.writable ? "writable" : "R/O"; };
    switch (pte.kind) {
        case PteKind::none:
            break;
        case PteKind::present:
            return fmt::format("present({}, {})", frame_word(names, pte.target), rw());
        case PteKind::swap:
            return fmt::format("swap(slot {}{})", pte.target,
                               exclusive_entries && pte.swp_exclusive ? ", exclusive" : "");
        case PteKind::migration:
            return fmt::format("migration({}, {})", frame_word(names, pte.target),
                               migration_name(pte.migration));
        case PteKind::pmd:  // the page's share of the process's PMD mapping of its THP
            return fmt::format("pmd({}, {})", frame_word(names, pte.target), rw());
        case PteKind::pmd_migration:
            return fmt::format("pmd_migration({}, {})", frame_word(names, pte.target),
                               migration_name(pte.migration));
    }
    return "none";
}

// "reads x1, ideal x1", or "reads x0 ≠ ideal x1" where the two differ; "" for a page that
// neither shows nor should show anything.
std::string seen_words(std::uint8_t seen, std::uint8_t ideal, bool broken) {
    if (seen == kNone && ideal == kNone) return "";
    return fmt::format(" reads {}{} ideal {}", value_name(seen), broken ? " ≠" : ",",
                       value_name(ideal));
}

std::string cell_words(std::uint8_t cell) {
    if (cell & kDetachedCell) return ", now held by a detached handle";
    return fmt::format(" at P{} v{}", cell / kMaxPages, cell % kMaxPages);
}

}  // namespace

Mentions& Mentions::operator|=(const Mentions& o) {
    swap |= o.swap;
    handles |= o.handles;
    values |= o.values;
    programs |= o.programs;
    differs |= o.differs;
    return *this;
}

std::vector<FrameNames> path_frame_names(const std::vector<State>& states) {
    std::vector<FrameNames> out;
    int count = 0;
    for (std::size_t i = 0; i < states.size(); ++i) {
        FrameNames now{};
        for (int f = 0; f < kMaxFrames; ++f) {
            if (!states[i].frames[f].in_use) continue;
            now[f] = i > 0 && out.back()[f] ? out.back()[f] : ++count;
        }
        out.push_back(now);
    }
    return out;
}

std::string frame_word(const FrameNames& names, int slot) {
    if (slot >= 0 && slot < kMaxFrames && names[slot]) return fmt::format("F{}", names[slot]);
    return fmt::format("frame {}?", slot);
}

std::string action_words(const Action& a, const FrameNames& names) {
    if (!is_frame_op(a.op) || a.from_program()) return format_action(a);
    const std::string actor = a.proc == kNone ? "kernel" : fmt::format("P{}", a.proc);
    return fmt::format("{} {} {}", actor, op_name(a.op), frame_word(names, a.arg));
}

std::vector<std::string> state_lines(const State& s, const CowModel& model, const FrameNames& names,
                                     Mentions* mentions) {
    const Bounds& b = model.config().bounds;
    const CowPolicy& policy = model.policy();
    Mentions m;
    std::vector<std::string> out;
    for (int p = 0; p < b.processes; ++p) {
        const Process& pr = s.procs[p];
        if (!pr.alive) continue;
        std::string flags;
        if (pr.has_pinned) flags += " MMF_HAS_PINNED";
        for (int v = 0; v < b.pages; ++v)
            if (pr.dontcopy >> v & 1) flags += fmt::format(" VM_DONTCOPY(v{})", v);
        if (!flags.empty()) out.push_back(fmt::format("P{}:{}", p, flags));
        for (int v = 0; v < b.pages; ++v) {
            const std::uint8_t seen = view(s, p, v), ideal = pr.ideal[v];
            m.differs |= seen != ideal && ideal != kNone;
            out.push_back(fmt::format("P{} v{}: {}{}", p, v,
                                      pte_words(pr.pte[v], names, policy.exclusive_entries),
                                      seen_words(seen, ideal, seen != ideal && ideal != kNone)));
        }
    }
    for (int f = 0; f < kMaxFrames; ++f) {
        const Frame& fr = s.frames[f];
        if (!fr.in_use) continue;
        std::string line = fmt::format("{}: {} mapcount {} refcount {}", frame_word(names, f),
                                       value_name(fr.data), fr.mapcount, fr.refcount);
        if (fr.pins) line += fmt::format(" pins {}", fr.pins);
        if (fr.gets) line += fmt::format(" gets {}", fr.gets);
        if (policy.anon_exclusive && fr.anon_exclusive) line += " anon_exclusive";
        if (fr.swapcache != kNone) line += fmt::format(" swapcache(slot {})", fr.swapcache);
        if (fr.isolated) line += " isolated";
        if (fr.folio != kNone && fr.folio != f) line += " folio " + frame_word(names, fr.folio);
        out.push_back(line);
    }
    for (int sl = 0; sl < kMaxSlots; ++sl) {
        const Slot& slot = s.slots[sl];
        if (!slot.in_use) continue;
        m.swap = true;
        out.push_back(slot.cache == kNone
                          ? fmt::format("swap slot {}: {} count {}", sl, value_name(slot.data), slot.count)
                          : fmt::format("swap slot {}: in the swapcache as {}, count {}", sl,
                                        frame_word(names, slot.cache), slot.count));
    }
    for (int h = 0; h < b.handles; ++h) {
        const Handle& hd = s.handles[h];
        if (!hd.in_use) continue;
        m.handles = true;
        const std::uint8_t reads = s.frames[hd.frame].data;
        const bool broken = handle_breaks_promise(s, hd);
        m.differs |= broken;
        out.push_back(fmt::format(
            "h{}: {} {} of {} v{}{} → {}{}", h, handle_kind_name(hd.kind), hd.write ? "rw" : "ro",
            hd.owner == kNone ? "an exited process's" : fmt::format("P{}", hd.owner), hd.vaddr,
            hd.cell == kNone ? "" : " (detached)", frame_word(names, hd.frame),
            seen_words(reads, handle_expected(s, hd), broken)));
    }
    const State initial = model.initial();
    for (int v = 0; v < kMaxValues; ++v) {
        const Value& val = s.values[v];
        // The initial values go without saying (also once a handle that holds one detaches); a
        // value written since is named with its writer.
        const Value& was = initial.values[v];
        if (val.writer == kNone ||
            (val.writer == was.writer && (val.cell == was.cell || val.cell & kDetachedCell)))
            continue;
        m.values = true;
        out.push_back(fmt::format("{} written by P{}{}", value_name(static_cast<std::uint8_t>(v)),
                                  val.writer, cell_words(val.cell)));
    }
    if (model.config().scenario) {
        std::string next;
        for (int p = 0; p < kMaxProcs; ++p) {
            const auto& program = model.config().programs[p];
            if (program.empty() || !s.program.started[p]) continue;
            const std::size_t pc = s.program.pc[p];
            next += fmt::format("{}P{} {}", next.empty() ? "" : ", ", p,
                                pc < program.size() ? format_step(program[pc]) : "done");
        }
        m.programs = true;
        out.push_back("next: " + next);
    }
    if (mentions) *mentions |= m;
    return out;
}

std::vector<std::string> legend_lines(const Mentions& m, bool trace, bool anon_exclusive) {
    std::vector<std::string> out = {
        "Legend",
        "P1 v0: page v0 of process P1: its page table entry (present, swap, migration or pmd;",
        "       writable or R/O), the value the process reads there and its ideal: the value a",
        "       correct OS shows there (MODEL.md §2); none: no entry",
        "F1: a page (struct page) and the value it holds: mapcount, refcount, pins (FOLL_PIN),",
        fmt::format("    gets (FOLL_GET){}", anon_exclusive ? ", anon_exclusive (PG_anon_exclusive set)" : ""),
        "F1, F2, ...: frames in order of allocation, as explain names them; a copy is a new name",
    };
    if (!trace)
        out.push_back("    (each state is named as on its shortest path from the initial state)");
    if (m.swap) {
        out.push_back("swap slot N: a swap entry's slot: the value written back, count: swap PTEs;");
        out.push_back("    swapcache(slot N) on a frame: it is that slot's page in the swapcache");
    }
    if (m.handles) {
        out.push_back("h0: a GUP reference held for a device (pin: longterm FOLL_PIN, get: FOLL_GET,");
        out.push_back("    short_pin: FOLL_PIN) taken at P v, the page it holds, what the device reads");
        out.push_back("    and its ideal: the cell's value (detached: the owner no longer maps it)");
    }
    out.push_back("x0, x1, ...: values (what a page holds)");
    if (m.values) out.push_back("x1 written by P0 at P0 v0: a value stored since the initial state, by whom, where");
    if (m.programs) out.push_back("next: each program's next step, or done");
    out.push_back("≠: what is read is not what a correct OS shows: a leak or a lost write");
    out.push_back("red, double border, VIOLATES: the state breaks an invariant (its message)");
    out.push_back("orange, cut corners, STUCK: no execution from here ends every program");
    if (trace) {
        out.push_back("blue: the trace's path; edge: step N, the policy decision it took");
        out.push_back("grey dashed: a step the trace does not take, the decisions it would take");
        out.push_back("    and what it would break; unchanged by: such steps that change nothing");
    } else {
        out.push_back("edge: an action, its frame named as in the state it leaves");
    }
    return out;
}

}  // namespace cowpin
