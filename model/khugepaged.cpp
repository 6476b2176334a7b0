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

// max_ptes_swap: khugepaged refuses a range with more than HPAGE_PMD_NR / 8 swap entries
// (SCAN_EXCEED_SWAP_PTE), one page in eight, so any swap entry in the model's range of two
// pages; MADV_COLLAPSE (6.1+: the writable and any rules) has no such limit
// (hpage_collapse_scan_pmd(): `if (!cc->is_khugepaged || unmapped <= khugepaged_max_ptes_swap)`).
bool swap_limit_exceeded(Collapse rule, int swapped, int pages) {
    const bool khugepaged = rule == Collapse::exclusive_order0 || rule == Collapse::writable_half_shared;
    return khugepaged && 8 * swapped > pages;
}

}  // namespace

CollapseCheck collapse_check(const State& s, int proc, const OpContext& ctx) {
    const int pages = ctx.pages;  // the THP spans the VMA: the spec's pages
    const Process& p = s.procs[proc];
    if (!p.alive) return CollapseCheck::not_eligible;
    if (pmd_mapped(s, proc)) return CollapseCheck::pmd_mapped;  // SCAN_PMD_MAPPED: nothing to do
    // MADV_DONTFORK of part of the range split the VMA: no VMA covers the THP range any more.
    const unsigned all = (1u << pages) - 1;
    if ((p.dontcopy & all) != 0 && (p.dontcopy & all) != all) return CollapseCheck::not_eligible;
    bool large = false, writable = false;
    int shared = 0, swapped = 0;
    for (int v = 0; v < pages; ++v) {
        const Pte& pte = p.pte[v];
        // A hole in the range: the VMA no longer covers the THP (thp_vma_allowable_order()).
        if (p.ideal[v] == kNone) return CollapseCheck::not_eligible;
        // A swap entry is swapped in by the collapse itself (collapse_huge_page() below), the
        // scan only counts it; one whose page is under migration waits, and so does a
        // migration entry (SCAN_PTE_NON_PRESENT).
        if (pte.kind == PteKind::swap && !swap_entry_waits(s, pte)) {
            ++swapped;
            continue;
        }
        if (pte.kind != PteKind::present) return CollapseCheck::not_eligible;
        const Frame& fr = s.frames[pte.target];
        // is_refcount_suitable() / folio_expected_ref_count(): every reference is a mapping
        // (or the swapcache's), in every era: a GUP pin or get refuses the collapse.
        if (folio_gup_refs(s, pte.target) > 0 || fr.isolated) return CollapseCheck::referenced;
        large |= fr.folio != kNone;
        shared += fr.mapcount > 1;
        writable |= pte.writable != 0;
    }
    const bool ok = !swap_limit_exceeded(ctx.policy.collapse, swapped, pages) &&
                    era_allows(ctx.policy.collapse, large, shared, pages, writable);
    record(ctx.effects, Decision::collapse, !ok);
    return ok ? CollapseCheck::ok : CollapseCheck::refused;
}

// collapse_huge_page(): a new large folio gets a copy of every page (__collapse_huge_page_copy());
// the process's PTEs are cleared and their references dropped (the old pages are freed unless
// another process maps them); the new folio is mapped by a PMD, writable and dirty
// (maybe_pmd_mkwrite(): the VMA has VM_WRITE), and PageAnonExclusive where the era has the flag
// (page_add_new_anon_rmap() sets it from 5.19, folio_add_new_anon_rmap(RMAP_EXCLUSIVE) in 6.x).
bool collapse_huge_page(State& s, int proc, const OpContext& ctx) {
    Process& p = s.procs[proc];
    // __collapse_huge_page_swapin(): do_swap_page() on every swap entry of the range, a read
    // fault; then __collapse_huge_page_isolate() checks the range again, now all present.
    bool swapped_in = false;
    for (int v = 0; v < ctx.pages; ++v)
        if (p.pte[v].kind == PteKind::swap) {
            swap_in(s, proc, v, false, ctx);
            swapped_in = true;
        }
    if (swapped_in && collapse_check(s, proc, ctx) != CollapseCheck::ok) return false;
    std::uint8_t head = kNone;
    for (int v = 0; v < ctx.pages; ++v) {
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
    return true;
}

bool do_collapse(State& s, int proc, const OpContext& ctx) {
    if (collapse_check(s, proc, ctx) != CollapseCheck::ok) return false;
    collapse_huge_page(s, proc, ctx);  // a range swapped in but then refused is still a step
    return true;
}

}  // namespace cowpin
