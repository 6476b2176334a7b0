// Collapse (MODEL.md §9 `collapse vN`): the PTE-mapped pages of a THP range become a new
// PMD-mapped THP, as MADV_COLLAPSE (6.1+, 7d8faaf15545) or, in earlier eras, khugepaged does it
// (mm/khugepaged.c: hpage_collapse_scan_pmd() / khugepaged_scan_pmd(), then collapse_huge_page()
// with __collapse_huge_page_isolate() and __collapse_huge_page_copy()). In the model the range
// is the process's whole VMA. The new THP is always a copy: the process's old PTEs are zapped,
// and a process that shares the old pages (a fork child) keeps them.
#include "model/khugepaged.hpp"

#include "model/folio.hpp"
#include "model/mm.hpp"

namespace cowpin {

using namespace mm;

namespace {

// The era's checks beyond the refcount (Collapse, policy.hpp), given whether some page is of a
// large folio, how many pages another process maps too, and whether a PTE is writable.
bool era_allows(Collapse rule, bool large, int shared, int pages, bool writable) {
    switch (rule) {
        case Collapse::exclusive_order0:  // page_count() != 1 + PageSwapCache(): SCAN_PAGE_COUNT
            return !large && shared == 0 && writable;
        case Collapse::writable_half_shared:  // ++shared > khugepaged_max_ptes_shared
            return 2 * shared <= pages && writable;
        case Collapse::writable:  // if (unlikely(!writable)) result = SCAN_PAGE_RO
            return writable;
        case Collapse::any:
            return true;
    }
    return false;
}

}  // namespace

CollapseCheck collapse_check(const State& s, int proc, const OpContext& ctx) {
    constexpr int pages = kMaxPages;
    const Process& p = s.procs[proc];
    if (!p.alive) return CollapseCheck::not_eligible;
    if (pmd_mapped(s, proc)) return CollapseCheck::pmd_mapped;  // SCAN_PMD_MAPPED: nothing to do
    // MADV_DONTFORK of part of the range split the VMA: no VMA covers the THP range any more.
    const unsigned all = (1u << pages) - 1;
    if ((p.dontcopy & all) != 0 && (p.dontcopy & all) != all) return CollapseCheck::not_eligible;
    bool large = false, writable = false;
    int shared = 0;
    for (int v = 0; v < pages; ++v) {
        const Pte& pte = p.pte[v];
        // A hole in the range: the VMA no longer covers the THP (thp_vma_allowable_order()).
        // Swap and migration entries: THP swap-out and migration are not modelled (the parser
        // refuses them on a THP), so a PTE here is present.
        if (p.ideal[v] == kNone || pte.kind != PteKind::present) return CollapseCheck::not_eligible;
        const Frame& fr = s.frames[pte.target];
        // is_refcount_suitable() / folio_expected_ref_count(): every reference is a mapping
        // (or the swapcache's), in every era: a GUP pin or get refuses the collapse.
        if (folio_gup_refs(s, pte.target) > 0 || fr.isolated) return CollapseCheck::referenced;
        large |= fr.folio != kNone;
        shared += fr.mapcount > 1;
        writable |= pte.writable != 0;
    }
    const bool ok = era_allows(ctx.policy.collapse, large, shared, pages, writable);
    record(ctx.effects, Decision::collapse, !ok);
    return ok ? CollapseCheck::ok : CollapseCheck::refused;
}

// collapse_huge_page(): a new large folio gets a copy of every page (__collapse_huge_page_copy());
// the process's PTEs are cleared and their references dropped (the old pages are freed unless
// another process maps them); the new folio is mapped by a PMD, writable and dirty
// (maybe_pmd_mkwrite(): the VMA has VM_WRITE), and PageAnonExclusive where the era has the flag
// (page_add_new_anon_rmap() sets it from 5.19, folio_add_new_anon_rmap(RMAP_EXCLUSIVE) in 6.x).
void collapse_huge_page(State& s, int proc, const OpContext& ctx) {
    Process& p = s.procs[proc];
    std::uint8_t head = kNone;
    for (int v = 0; v < kMaxPages; ++v) {
        const std::uint8_t f = alloc_frame(s);
        if (head == kNone) head = f;
        Frame& fr = s.frames[f];
        fr.data = s.frames[p.pte[v].target].data;
        fr.folio = head;
        fr.anon_exclusive = ctx.policy.anon_exclusive ? 1 : 0;
        zap_pte(s, p.pte[v]);
        p.pte[v] = Pte{PteKind::pmd, f, 1, 0, MigrationKind::readable};
        fr.mapcount = 1;  // the PMD
    }
    ++s.frames[head].refcount;  // the PMD's reference, on the head page
}

bool do_collapse(State& s, int proc, const OpContext& ctx) {
    if (collapse_check(s, proc, ctx) != CollapseCheck::ok) return false;
    collapse_huge_page(s, proc, ctx);
    return true;
}

}  // namespace cowpin
