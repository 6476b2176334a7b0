// The process lifecycle of MODEL.md §3: the first process, fork() and exit() (ops.hpp). The
// other actions are in ops.cpp.
#include "model/folio.hpp"
#include "model/mm.hpp"
#include "model/ops.hpp"

namespace cowpin {

using namespace mm;

namespace {

// Copy P's view of v into a fresh private frame for the child (eager-copy fork, and
// copy_present_page()): exclusive, writable.
void copy_for_child(State& s, Pte& child_pte, std::uint8_t data, const OpContext& ctx) {
    const std::uint8_t f = alloc_frame(s);
    s.frames[f].data = data;
    s.frames[f].anon_exclusive = ctx.policy.anon_exclusive ? 1 : 0;
    map_present(s, child_pte, f, true);
}

// The fork rule for frame f of the parent (ForkPresent): does the child get a copy of it?
// page_needs_cow_for_dma() / folio_needs_cow_for_dma() read the folio's pins, for a page of a
// large folio too (page_maybe_dma_pinned() reads the compound pincount).
bool fork_copies(const State& s, const Process& parent, std::uint8_t f, ForkPresent rule) {
    const bool maybe_pinned = parent.has_pinned && folio_pins(s, f) > 0;
    switch (rule) {
        case ForkPresent::share:  // no pin check
            return false;
        case ForkPresent::copy_if_pinned:
            return maybe_pinned;
        case ForkPresent::anon_exclusive:  // page_try_dup_anon_rmap(): -EBUSY if maybe pinned
            return s.frames[f].anon_exclusive && maybe_pinned;
        case ForkPresent::copy_if_referenced:
            return folio_gup_refs(s, f) > 0;
        case ForkPresent::copy_always:
            return true;
    }
    return false;
}

// copy_present_pte(): share or copy one present anonymous PTE of the parent. A hugetlb page
// follows copy_hugetlb_page_range() under the policy's hugetlb_fork rule, with the same
// choices: share (≤5.11), page_needs_cow_for_dma() ⇒ copy (5.12+), hugetlb_try_dup_anon_rmap()
// (5.19+); the parent's huge PTE is write-protected when shared and untouched when copied.
void fork_present(State& s, const Process& parent, Pte& ppte, Pte& cpte, const OpContext& ctx) {
    Frame& fr = s.frames[ppte.target];
    const bool copy = fork_copies(s, parent, ppte.target,
                                  ctx.hugetlb() ? ctx.policy.hugetlb_fork : ctx.policy.fork);
    record(ctx.effects, ctx.hugetlb() ? Decision::hugetlb_fork : Decision::fork, copy);
    if (copy) {  // copy_present_page(): parent PTE untouched
        copy_for_child(s, cpte, fr.data, ctx);
        return;
    }
    // A shared page is possibly shared from now on, whatever the rule that shared it
    // (page_try_dup_anon_rmap() → ClearPageAnonExclusive()).
    fr.anon_exclusive = 0;
    ppte.writable = 0;  // ptep_set_wrprotect()
    map_present(s, cpte, ppte.target, false);
}

// copy_huge_pmd(): a PMD-mapped THP is shared whole, write-protected in both, unless the fork
// rule would copy one of its pages (a maybe-pinned folio: d042035eaf5f in 5.9, and from 5.19
// page_try_dup_anon_rmap() failing for an exclusive one): then the parent's PMD is split and
// its PTEs are copied one by one (copy_present_pte(), fork_present()).
void fork_pmd(State& s, int parent, int child, const OpContext& ctx) {
    const Process& p = s.procs[parent];
    if (fork_copies(s, p, p.pte[0].target, ctx.policy.fork)) {
        split_pmd(s, parent);
        return;
    }
    record(ctx.effects, Decision::fork, false);
    share_pmd(s, parent, child);
}

}  // namespace

State initial_state(int pages, bool anon_exclusive) {
    State s;
    Process& p0 = s.procs[0];
    p0.alive = 1;
    for (int v = 0; v < pages; ++v) {
        const std::uint8_t f = static_cast<std::uint8_t>(v);
        s.frames[f].in_use = 1;
        s.frames[f].data = static_cast<std::uint8_t>(v);
        s.frames[f].anon_exclusive = anon_exclusive;   // page_add_new_anon_rmap()
        s.values[v] = Value{attached_cell(0, v), 0};  // P0 populated its memory
        map_present(s, p0.pte[v], f, true);
        p0.ideal[v] = static_cast<std::uint8_t>(v);
    }
    return s;
}

int free_process_slot(const State& s, int procs) {
    for (int p = 0; p < procs; ++p)
        if (!s.procs[p].alive) return p;
    return -1;
}

// copy_page_range(): the child gets the parent's PTEs under the policy's fork rule; swap PTEs
// are shared (swap_duplicate(), the parent's exclusive bit cleared: "mark the swap entry as
// shared"); migration entries become readable in both (copy_nonpresent_pte()).
bool do_fork(State& s, int parent, int child, const OpContext& ctx) {
    if (!s.procs[parent].alive || s.procs[child].alive) return false;
    for (Value& v : s.values)  // values of a previous incarnation of the slot
        if (v.writer == child) v.writer = kNone;
    Process& p = s.procs[parent];
    Process& c = s.procs[child];
    c = Process{};
    c.alive = 1;
    c.parent = static_cast<std::uint8_t>(parent);
    c.ideal = p.ideal;
    const bool eager = ctx.policy.fork == ForkPresent::copy_always;
    // A PMD maps a VMA that is VM_DONTCOPY as a whole or not at all (MADV_DONTFORK of part of
    // it splits the PMD, and a collapse needs one VMA over the range).
    if (pmd_mapped(s, parent) && !p.dontcopy) fork_pmd(s, parent, child, ctx);
    for (int v = 0; v < kMaxPages; ++v) {
        Pte& ppte = p.pte[v];
        Pte& cpte = c.pte[v];
        if (p.dontcopy >> v & 1) {  // dup_mmap() skips a VM_DONTCOPY VMA: not in the child
            c.ideal[v] = kNone;
            continue;
        }
        switch (ppte.kind) {
            case PteKind::none:
            case PteKind::pmd:  // shared whole by fork_pmd()
                break;
            case PteKind::present:
                fork_present(s, p, ppte, cpte, ctx);
                break;
            case PteKind::swap:
                if (eager) {
                    copy_for_child(s, cpte, view(s, parent, v), ctx);
                    break;
                }
                ppte.swp_exclusive = 0;
                cpte = Pte{PteKind::swap, ppte.target, 0, 0, MigrationKind::readable};
                ++s.slots[ppte.target].count;
                break;
            case PteKind::migration:
            case PteKind::pmd_migration:  // copy_huge_pmd() of a PMD migration entry
                if (eager) {
                    copy_for_child(s, cpte, s.frames[ppte.target].data, ctx);
                    break;
                }
                ppte.migration = MigrationKind::readable;
                cpte = ppte;
                break;
        }
    }
    return true;
}

bool do_exit(State& s, int proc, const OpContext& ctx) {
    Process& p = s.procs[proc];
    if (!p.alive) return false;
    zap_pmd(s, proc);  // zap_huge_pmd(), if a PMD maps the VMA
    for (int v = 0; v < ctx.pages; ++v) {  // every address it maps (a zapped PMD's too)
        if (p.ideal[v] == kNone) continue;
        zap_pte(s, p.pte[v]);
        detach_cell(s, proc, v, ctx.values);
    }
    for (Handle& h : s.handles)
        if (h.in_use && h.owner == proc) h.owner = kNone;
    for (Process& c : s.procs)  // re-parent the children to our parent
        if (c.alive && c.parent == proc) c.parent = p.parent;
    p = Process{};
    return true;
}

}  // namespace cowpin
