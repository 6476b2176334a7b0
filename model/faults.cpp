#include "model/mm.hpp"

#include "model/folio.hpp"

namespace cowpin::mm {

/*------------------------------------------------------------------------------------------*/
// Faults.

// wp_page_copy(): a COW copy (or, with `unshare`, an unshare: same, but mapped R/O). The new
// page is exclusive (page_add_new_anon_rmap); the old one loses this mapping.
void wp_page_copy(State& s, int proc, Pte& pte, bool unshare, const OpContext& ctx) {
    const std::uint8_t old = pte.target;
    if (ctx.effects) {
        ++ctx.effects->copies;
        if (!referenced_by_others(s, old, proc)) ++ctx.effects->needless;
    }
    const std::uint8_t f = alloc_frame(s);
    s.frames[f].data = s.frames[old].data;
    s.frames[f].anon_exclusive = ctx.policy.anon_exclusive ? 1 : 0;
    --s.frames[old].mapcount;
    put_frame(s, old);
    map_present(s, pte, f, !unshare);
}

// The 5.18+ refcount test of do_wp_page() / wp_can_reuse_anon_folio(): no reference but ours,
// after freeing the swapcache if no swap PTE still needs it.
static bool can_reuse_by_refcount(State& s, std::uint8_t f) {
    if (s.frames[f].refcount > 1 + (s.frames[f].swapcache != kNone ? 1 : 0)) return false;
    try_to_free_swap(s, f);
    return s.frames[f].refcount == 1;
}

// The policy's write_fault rule (WpReuse) for an order-0 page: reuse it? Frees the swapcache
// where the rule does, and sets PageAnonExclusive on reuse where the era has it.
static bool reuse_page(State& s, std::uint8_t f, const OpContext& ctx) {
    Frame& fr = s.frames[f];
    switch (ctx.policy.wp_reuse) {
        case WpReuse::mapcount: {  // reuse_swap_page()
            const int swapcount = fr.swapcache != kNone ? s.slots[fr.swapcache].count : 0;
            const bool reuse = fr.mapcount + swapcount == 1;
            if (reuse && fr.swapcache != kNone) delete_from_swap_cache(s, f);
            return reuse;
        }
        case WpReuse::refcount:  // 5.9: page_count(page) != 1 ⇒ copy
            return fr.refcount == 1;
        case WpReuse::refcount_free_swap:
            return can_reuse_by_refcount(s, f);
        case WpReuse::anon_exclusive: {  // PageAnonExclusive ⇒ reuse; else prove it, set the flag
            const bool reuse = fr.anon_exclusive || can_reuse_by_refcount(s, f);
            if (reuse) s.frames[f].anon_exclusive = 1;  // page_move_anon_rmap()
            return reuse;
        }
    }
    return false;
}

// hugetlb_cow() (≤5.18) / hugetlb_wp() (5.19+) on a private anonymous hugetlb page: reuse iff
// page_mapcount() == 1 (no swapcache, no refcount test: GUP references do not count, which is
// why FOLL_GET users still see leaks on hugetlb in 6.18, cow.c's XFAILs); 5.19+ sets
// PageAnonExclusive (page_move_anon_rmap()). Unshare copies map the new page R/O, as
// make_huge_pte(…, !unshare) does.
static bool reuse_hugetlb_page(State& s, std::uint8_t f, const OpContext& ctx) {
    if (ctx.policy.hugetlb_write_fault == HugetlbWp::as_base) return reuse_page(s, f, ctx);
    const bool reuse = s.frames[f].mapcount == 1;
    if (reuse && ctx.policy.anon_exclusive) s.frames[f].anon_exclusive = 1;
    return reuse;
}

// do_wp_page() on a page of a large folio (LargeFolioWp). An exclusive page is reused in every
// era; otherwise the policy's rule on the folio's counts.
static bool reuse_large_folio_page(State& s, int proc, std::uint8_t f, const OpContext& ctx) {
    if (s.frames[f].anon_exclusive) return true;
    bool reuse = false;
    switch (ctx.policy.large_folio_write_fault) {
        case LargeFolioWp::as_base:
            switch (ctx.policy.wp_reuse) {
                case WpReuse::mapcount:  // reuse_swap_page(): page_trans_huge_map_swapcount()
                    reuse = folio_max_page_mapcount(s, f) <= 1;
                    break;
                case WpReuse::refcount:  // page_count(page) is the folio's (page_ref.h)
                case WpReuse::refcount_free_swap:
                case WpReuse::anon_exclusive:
                    reuse = folio_ref_count(s, f) == 1;
                    break;
            }
            break;
        case LargeFolioWp::never:  // wp_can_reuse_anon_folio(): folio_test_large() ⇒ false
            break;
        case LargeFolioWp::per_page:
            return reuse_page(s, f, ctx);
        case LargeFolioWp::mm_id:  // __wp_can_reuse_large_anon_folio()
        case LargeFolioWp::mapcount: {
            const int mapcount = folio_large_mapcount(s, f);
            reuse = mapcount > 1 && !folio_mapped_by_other(s, f, proc);
            if (ctx.policy.large_folio_write_fault == LargeFolioWp::mm_id)
                reuse = reuse && mapcount == folio_ref_count(s, f);
            break;
        }
    }
    // page_move_anon_rmap() / folio_move_anon_rmap() + SetPageAnonExclusive() on this page.
    if (reuse && ctx.policy.anon_exclusive) s.frames[f].anon_exclusive = 1;
    return reuse;
}

// A new THP for the process, a copy of the folio it PMD-maps (5.7 do_huge_pmd_wp_page():
// alloc_hugepage_vma() + copy_user_huge_page()), mapped by a writable PMD.
static void copy_huge_page(State& s, int proc, const OpContext& ctx) {
    Process& p = s.procs[proc];
    const std::uint8_t old_head = pmd_head(s, proc);
    std::uint8_t head = kNone;
    for (int v = 0; v < kMaxPages; ++v) {
        Pte& pte = p.pte[v];
        if (pte.kind != PteKind::pmd) continue;
        if (ctx.effects) {
            ++ctx.effects->copies;
            if (!referenced_by_others(s, pte.target, proc)) ++ctx.effects->needless;
        }
        const std::uint8_t f = alloc_frame(s);
        if (head == kNone) head = f;
        s.frames[f].folio = head;
        s.frames[f].data = s.frames[pte.target].data;
        s.frames[f].anon_exclusive = ctx.policy.anon_exclusive ? 1 : 0;
        s.frames[f].mapcount = 1;
        --s.frames[pte.target].mapcount;
        pte.target = f;
        pte.writable = 1;
    }
    ++s.frames[head].refcount;
    --s.frames[old_head].refcount;
    free_folio_if_unreferenced(s, old_head);
}

// do_huge_pmd_wp_page() on the process's R/O PMD (HugePmdWp): reuse the whole THP, copy it
// (5.7), or split the PMD and fault again on the PTE (VM_FAULT_FALLBACK → do_wp_page()).
static void huge_pmd_wp_fault(State& s, int proc, int vaddr, bool unshare, const OpContext& ctx) {
    Process& p = s.procs[proc];
    const std::uint8_t head = pmd_head(s, proc);
    bool reuse = false;
    switch (ctx.policy.huge_pmd_write_fault) {
        case HugePmdWp::mapcount_copy:
        case HugePmdWp::mapcount_split:  // reuse_swap_page() of the THP
            reuse = folio_max_page_mapcount(s, head) <= 1;
            break;
        case HugePmdWp::refcount_split:  // 3bff7e3f1f16: page_count(page) == 1
            reuse = folio_ref_count(s, head) == 1;
            break;
        case HugePmdWp::anon_exclusive_split:
            reuse = s.frames[head].anon_exclusive || folio_ref_count(s, head) == 1;
            break;
    }
    record(ctx.effects, Decision::huge_pmd_write_fault, !reuse);
    if (reuse) {
        if (ctx.policy.anon_exclusive) set_folio_anon_exclusive(s, head, true);
        if (!unshare)
            for (Pte& pte : p.pte)
                if (pte.kind == PteKind::pmd) pte.writable = 1;  // maybe_pmd_mkwrite()
        return;
    }
    if (ctx.policy.huge_pmd_write_fault == HugePmdWp::mapcount_copy) {
        copy_huge_page(s, proc, ctx);
        return;
    }
    split_pmd(s, proc);
    wp_fault(s, proc, vaddr, unshare, ctx);
}

// do_wp_page() (hugetlb_wp() for hugetlb memory, do_huge_pmd_wp_page() for a PMD) on a R/O
// entry of an anonymous page (FAULT_FLAG_WRITE, or FAULT_FLAG_UNSHARE with `unshare`: reuse
// keeps the entry R/O).
void wp_fault(State& s, int proc, int vaddr, bool unshare, const OpContext& ctx) {
    Pte& pte = s.procs[proc].pte[vaddr];
    if (pte.kind == PteKind::pmd) {
        huge_pmd_wp_fault(s, proc, vaddr, unshare, ctx);
        return;
    }
    const std::uint8_t f = pte.target;
    bool reuse;
    if (s.frames[f].folio != kNone) {
        reuse = reuse_large_folio_page(s, proc, f, ctx);
        record(ctx.effects, Decision::large_folio_write_fault, !reuse);
    } else if (ctx.hugetlb()) {
        reuse = reuse_hugetlb_page(s, f, ctx);
        record(ctx.effects, Decision::hugetlb_write_fault, !reuse);
    } else {
        reuse = reuse_page(s, f, ctx);
        record(ctx.effects, Decision::write_fault, !reuse);
    }
    if (!reuse)
        wp_page_copy(s, proc, pte, unshare, ctx);
    else if (!unshare)
        pte.writable = 1;  // wp_page_reuse()
}

bool swap_entry_waits(const State& s, const Pte& pte) {
    const std::uint8_t f = s.slots[pte.target].cache;
    return f != kNone && s.frames[f].isolated;  // migration_entry_wait() on the swapcache folio
}

// do_swap_page(): bring the slot's page in (the swapcache one, or a new one read from the slot
// and added to the swapcache), map it, and for a write fault finish with do_wp_page().
void swap_in(State& s, int proc, int vaddr, bool write, const OpContext& ctx) {
    Pte& pte = s.procs[proc].pte[vaddr];
    const std::uint8_t sl = pte.target;
    const bool exclusive_bit = pte.swp_exclusive;
    std::uint8_t f = s.slots[sl].cache;
    if (f == kNone) {  // swapin_readahead() + add_to_swap_cache()
        f = alloc_frame(s);
        s.frames[f].data = s.slots[sl].data;
        s.frames[f].swapcache = sl;
        s.frames[f].refcount = 1;
        s.slots[sl].cache = f;
    }
    ++s.frames[f].refcount;  // the fault's own reference (swapin_readahead / folio_get)
    bool writable = false;
    switch (ctx.policy.swap_in) {
        case SwapIn::mapcount:  // reuse_swap_page() while the faulting entry is still counted
            writable = write && s.frames[f].mapcount + s.slots[sl].count == 1;
            if (writable) delete_from_swap_cache(s, f);
            --s.slots[sl].count;  // swap_free()
            break;
        case SwapIn::refcount:
        case SwapIn::anon_exclusive:
        case SwapIn::anon_exclusive_writable: {
            --s.slots[sl].count;  // swap_free()
            // should_try_to_free_swap(): a write fault, and only the swapcache and we hold it.
            if (write && s.frames[f].swapcache != kNone && s.frames[f].refcount == 2)
                try_to_free_swap(s, f);
            // "exclusive || page_count(page) == 1": the swap PTE's bit, or only our reference.
            const bool exclusive = (ctx.policy.swap_in != SwapIn::refcount && exclusive_bit) ||
                                   s.frames[f].refcount == 1;
            if (exclusive) {
                if (ctx.policy.anon_exclusive) s.frames[f].anon_exclusive = 1;  // RMAP_EXCLUSIVE
                writable = write || ctx.policy.swap_in == SwapIn::anon_exclusive_writable;
            }
            break;
        }
    }
    record(ctx.effects, Decision::swap_in, !writable);
    maybe_free_slot(s, sl);
    map_present(s, pte, f, writable);
    put_frame(s, f);  // drop the fault's reference; the mapping keeps the page
    if (write && !writable) wp_fault(s, proc, vaddr, false, ctx);
}

// Bring P's v in for a fault: swap it in if needed. False if the fault must wait or there is
// nothing mapped.
bool fault_in(State& s, int proc, int vaddr, bool write, const OpContext& ctx) {
    Pte& pte = s.procs[proc].pte[vaddr];
    switch (pte.kind) {
        case PteKind::none:
        case PteKind::migration:  // migration_entry_wait()
        case PteKind::pmd_migration:  // pmd_migration_entry_wait()
            return false;
        case PteKind::swap:
            if (swap_entry_waits(s, pte)) return false;
            swap_in(s, proc, vaddr, write, ctx);
            return true;
        case PteKind::present:
        case PteKind::pmd:
            return true;
    }
    return false;
}

}  // namespace cowpin::mm
