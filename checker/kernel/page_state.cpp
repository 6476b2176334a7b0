#include "checker/kernel/page_state.hpp"

#include "checker/kernel/reproduce.hpp"

#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace cowpin {

namespace {

// What pagemap shows for the entry (pte_to_pagemap_entry() in fs/proc/task_mmu.c): 0 none,
// 1 present (PM_PRESENT), 2 swapped (PM_SWAP). A migration entry is PM_SWAP too, but migration
// is never reproduced; a PMD mapping is present.
int pagemap_kind(PteKind k) {
    switch (k) {
        case PteKind::present:
        case PteKind::pmd:
            return 1;
        case PteKind::swap:
        case PteKind::migration:
        case PteKind::pmd_migration:
            return 2;
        case PteKind::none:
            break;
    }
    return 0;
}

constexpr const char* kPteWords[] = {"no page", "present", "swapped out"};

}  // namespace

PageStatePlan::PageStatePlan(const CowModel& model, Memory memory, bool mthp)
    : model_(model), memory_(memory), mthp_(mthp) {
    name_of_slot_.fill(-1);
}

void PageStatePlan::name_frames(int step, const State& s) {
    for (int f = 0; f < kMaxFrames; ++f) {
        const bool live = s.frames[f].in_use;
        int& name = name_of_slot_[f];
        if (name >= 0 && !live) {
            died_[name] = step;
            name = -1;
        } else if (name < 0 && live) {
            name = static_cast<int>(born_.size());
            born_.push_back(step);
            died_.push_back(-2);  // alive to the end (the C side reads it as "never")
        }
    }
}

void PageStatePlan::observe(int step, const State& s, const std::string& label) {
    const Bounds& b = model_.config().bounds;
    for (int p = 0; p < b.processes; ++p) {
        if (!s.procs[p].alive) continue;
        for (int v = 0; v < b.pages; ++v) {
            const Pte& pte = s.procs[p].pte[v];
            const int kind = pagemap_kind(pte.kind);
            int frame = -1, mapcount = 0, swapcache = 0, large = 0;
            const int pmd = pte.kind == PteKind::pmd;
            std::string what =
                fmt::format("page state {}: P{} v{} {}", label, p, v, kPteWords[kind]);
            if (kind == 1) {
                const Frame& fr = s.frames[pte.target];
                frame = name_of_slot_[pte.target];
                mapcount = fr.mapcount;
                swapcache = fr.swapcache != kNone;
                large = fr.folio != kNone;
                std::vector<std::string> notes;
                if (born_[frame] == step && step >= 0) notes.push_back("new");
                if (memory_ == Memory::thp && mthp_)  // the model's PMD: the folio mapped whole
                    notes.push_back(!large ? "order 0"
                                    : pmd  ? "16 kB mTHP mapped whole (the model's PMD)"
                                           : "PTE-mapped mTHP");
                else if (memory_ == Memory::thp)
                    notes.push_back(!large ? "order 0" : pmd ? "PMD-mapped THP" : "PTE-mapped THP");
                what += fmt::format(", frame F{}{}, mapcount {}, {}", frame + 1,
                                    notes.empty() ? "" : fmt::format(" ({})", fmt::join(notes, ", ")),
                                    mapcount,
                                    swapcache ? "in the swapcache" : "not in the swapcache");
            }
            groups_.push_back(fmt::format("\t{{ {}, {}, {}, {}, {}, {}, {}, {}, {}, {} }},", step,
                                          p, v, kind, frame, mapcount, swapcache, large, pmd,
                                          c_string(what)));
        }
    }
}

void PageStatePlan::initial(const State& s) {
    name_frames(-1, s);
    observe(-1, s, "after step 0 (P0 maps and writes its pages)");
}

void PageStatePlan::after(int step, const State& s, const std::string& label) {
    name_frames(step, s);
    observe(step, s, label);
}

std::string PageStatePlan::c_tables() const {
    std::ostringstream out;
    const int kind = memory_ == Memory::hugetlb ? 1 : memory_ == Memory::thp ? 2 : 0;
    out << fmt::format("#define NPSTATES {}\n#define NFRAMES {}\n#define MEMORY_KIND {}\n",
                       groups_.size(), born_.size(), kind);
    out << "static const struct pstate pstates[NPSTATES > 0 ? NPSTATES : 1] = {\n";
    for (const std::string& g : groups_) out << g << '\n';
    out << "};\n\nstatic const struct frame_life frame_life[NFRAMES > 0 ? NFRAMES : 1] = {\n";
    for (std::size_t f = 0; f < born_.size(); ++f)
        out << fmt::format("\t{{ {}, {} }},\n", born_[f], died_[f] == -2 ? 1 << 30 : died_[f]);
    out << "};\n";
    return out.str();
}

}  // namespace cowpin
