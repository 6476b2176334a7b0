#include "model/syscalls.hpp"

#include <array>

#include "model/folio.hpp"
#include "model/khugepaged.hpp"
#include "model/mm.hpp"

namespace cowpin {

using namespace mm;

namespace {

constexpr std::array<std::string_view, kNoOps> kReasons = {
    "",
    "a read of a present page reads it",
    "mprotect of a swap entry changes nothing (change_pte_range())",
    "clear_refs leaves a writable pinned page alone (pte_is_pinned())",
    "clear_refs of a page that is not present only clears soft-dirty bits",
    "uffd-wp of a page that is not present: the model keeps no uffd-wp bit in swap and "
    "migration entries",
    "MADV_PAGEOUT: the page is not present (swapped out or under migration)",
    "MADV_PAGEOUT skips a page another process maps (folio_mapcount() != 1)",
    "MADV_PAGEOUT: reclaim keeps the page (the policy's swap-out rule: pinned or referenced)",
    "MADV_PAGEOUT: no free swap slot",
    "reclaim: the page is not a swapcache page that only the swapcache holds",
    "migration: the page is not present",
    "migration refused (the policy's migration rule: pinned or referenced)",
    "migrate_finish: no migration in flight",
    "the handle holds no reference",
    "clear_refs leaves hugetlb pages alone (clear_refs_walk_ops has no hugetlb_entry)",
    "MADV_PAGEOUT refuses a hugetlb VMA (-EINVAL)",
    "split_pmd: no PMD maps the page",
    "the VMA has that VM_DONTCOPY setting already (madvise_update_vma() changes nothing)",
    "split_folio: the page is an order-0 folio already",
    "split_folio refused: a reference other than the folio's mappings (can_split_folio())",
    "collapse: a PMD maps the range already (SCAN_PMD_MAPPED)",
    "collapse: no one VMA covers the range (a hole, or MADV_DONTFORK of part of it), or a page "
    "is not present",
    "collapse refused: a page has a GUP reference (is_refcount_suitable(): SCAN_PAGE_COUNT)",
    "collapse refused by the era's checks (the policy's collapse rule: a shared page, a page of "
    "a large folio, or no writable PTE)",
    "MADV_PAGEOUT: reclaim keeps a large folio with a GUP reference (it cannot be split: "
    "can_split_folio())",
};

bool noop(const OpContext& ctx, NoOp why) {
    if (ctx.effects) ctx.effects->noop = why;
    return true;
}

// A fault (CPU access or GUP) on this PTE waits: a migration entry, or a swap entry whose
// swapcache page is under migration (migration_entry_wait(), do_swap_page()).
bool fault_waits(const State& s, const Pte& pte) {
    return pte.kind == PteKind::migration || pte.kind == PteKind::pmd_migration ||
           (pte.kind == PteKind::swap && swap_entry_waits(s, pte));
}

// MADV_PAGEOUT of the range of the large folio P maps at v (`swap_out vN` on THP memory names
// the folio, as cow.c pages out the whole THP, or its one remaining PTE): a folio another process
// maps is skipped (madvise_cold_or_pageout_pte_range(): page_mapcount() != 1 of a PMD-mapped
// head in 5.x, folio_maybe_mapped_shared() in 6.18; a PTE-mapped folio is split first where
// only part of it is mapped, and skipped unless folio_mapcount() == folio_nr_pages()), then
// reclaim takes it whole or not at all (do_swap_out(), reclaim.cpp). 5.x walks a PTE-mapped
// THP page by page after splitting it, so there a folio shared in part has its unshared pages
// paged out; the model skips the folio, as 6.18 does (docs/evidence/thp-swap.md).
bool pageout_folio(State& s, int proc, std::uint8_t f, const OpContext& ctx) {
    if (folio_mapped_by_other(s, f, proc)) return noop(ctx, NoOp::pageout_shared);
    const std::uint8_t head = s.frames[f].folio;
    if (!can_split_folio(s, head)) return noop(ctx, NoOp::pageout_folio_referenced);
    do_swap_out(s, head, ctx);
    return true;
}

// MADV_PAGEOUT of one page (madvise_cold_or_pageout_pte_range() → reclaim_pages() →
// shrink_folio_list()): present PTEs only, folios mapped exactly once (a page shared after fork
// is skipped in every era since 5.4), then the policy's swap-out rule.
bool pageout(State& s, int proc, int vaddr, const OpContext& ctx) {
    // madvise_pageout(): can_madv_lru_vma() excludes VM_HUGETLB, -EINVAL
    if (ctx.hugetlb()) return noop(ctx, NoOp::pageout_hugetlb);
    const Pte& pte = s.procs[proc].pte[vaddr];
    if (pte.kind != PteKind::present && pte.kind != PteKind::pmd)
        return noop(ctx, NoOp::pageout_not_present);
    const Frame& fr = s.frames[pte.target];
    if (fr.folio != kNone) return pageout_folio(s, proc, pte.target, ctx);
    if (fr.mapcount != 1) return noop(ctx, NoOp::pageout_shared);
    if (!may_unmap(ctx.policy.swap_out, fr)) {
        record(ctx.effects, Decision::swap_out, true);
        return noop(ctx, NoOp::pageout_refused);
    }
    if (!do_swap_out(s, pte.target, ctx)) return noop(ctx, NoOp::pageout_no_slot);
    return true;
}

// change_pte_range() and change_huge_pmd() make a writable migration entry readable
// (readable_exclusive for an anonymous page where entries remember exclusivity, 5.19+).
void wrprotect_migration_entry(Pte& pte, const OpContext& ctx) {
    if (pte.migration == MigrationKind::writable)
        pte.migration = ctx.policy.exclusive_entries ? MigrationKind::readable_exclusive
                                                     : MigrationKind::readable;
}

// mprotect(PROT_READ) then mprotect(PROT_READ|PROT_WRITE) of one page: the PTE, a migration
// entry made readable, a swap entry left alone; one page of a PMD or PMD migration entry is a
// partial range, which splits it first (change_pmd_range() → __split_huge_pmd()).
bool mprotect_step(State& s, int proc, int vaddr, const OpContext& ctx) {
    Pte& pte = s.procs[proc].pte[vaddr];
    switch (pte.kind) {
        case PteKind::present:
        case PteKind::pmd:
            return do_mprotect(s, proc, vaddr, ctx);
        case PteKind::pmd_migration:
            split_pmd(s, proc);
            [[fallthrough]];
        case PteKind::migration:
            wrprotect_migration_entry(pte, ctx);
            return true;
        default:
            return noop(ctx, NoOp::mprotect_swapped);
    }
}

bool clear_refs_step(State& s, int proc, int vaddr, const OpContext& ctx) {
    const Pte& pte = s.procs[proc].pte[vaddr];
    if (pte.kind != PteKind::present && pte.kind != PteKind::pmd)
        return noop(ctx, NoOp::clear_refs_not_present);
    if (ctx.hugetlb()) return noop(ctx, NoOp::clear_refs_hugetlb);
    const bool was_writable = pte.writable;
    do_clear_refs(s, proc, vaddr, ctx);
    if (was_writable && pte.writable) return noop(ctx, NoOp::clear_refs_pinned);
    return true;
}

bool migrate_start_step(State& s, int proc, int vaddr, const OpContext& ctx) {
    const Pte& pte = s.procs[proc].pte[vaddr];
    if (pte.kind != PteKind::present) return noop(ctx, NoOp::migrate_not_present);
    if (!can_migrate_start(s, pte.target, ctx)) {
        record(ctx.effects, Decision::migrate, true);
        return noop(ctx, NoOp::migrate_refused);
    }
    return do_migrate_start(s, pte.target, ctx);
}

}  // namespace

// mprotect() of the whole VMA (the parser refuses a range with a hole, which the kernel would
// fail with -ENOMEM there): change_huge_pmd() for a PMD that maps it, else each mapped page as
// mprotect_step() does it (a swap entry among them is no reason to call the step a no-op).
bool mprotect_vma(State& s, int proc, const OpContext& ctx) {
    if (!s.procs[proc].alive) return false;
    if (do_mprotect_pmd(s, proc, ctx)) return true;
    if (pmd_migrating(s, proc)) {  // change_huge_pmd() keeps a PMD migration entry whole
        for (Pte& pte : s.procs[proc].pte) wrprotect_migration_entry(pte, ctx);
        return true;
    }
    for (int v = 0; v < kMaxPages; ++v)
        if (s.procs[proc].ideal[v] != kNone) mprotect_step(s, proc, v, ctx);
    if (ctx.effects) ctx.effects->noop = NoOp::none;
    return true;
}

std::string_view noop_reason(NoOp why) { return kReasons[static_cast<int>(why)]; }

bool program_step(State& s, const Action& a, const OpContext& ctx) {
    const int p = a.proc, v = a.arg;
    switch (a.op) {
        case Op::fork:
            return do_fork(s, p, v, ctx);
        case Op::exit:
            return do_exit(s, p, ctx);
        case Op::wait:  // "wait Pn exited": Pn's program started and Pn is gone
            return s.program.started[v] && !s.procs[v].alive;
        case Op::mprotect_vma:
            return mprotect_vma(s, p, ctx);
        case Op::unpin:
            return s.handles[a.handle].in_use ? do_unpin(s, a.handle) : noop(ctx, NoOp::handle_free);
        case Op::dma_write:
            return s.handles[a.handle].in_use ? do_dma_write(s, a.handle)
                                              : noop(ctx, NoOp::handle_free);
        default:
            break;
    }
    // A page step. The parser refuses a step on a page its process no longer maps (munmap is
    // for good), so the PTE is never none here.
    const Pte& pte = s.procs[p].pte[v];
    switch (a.op) {
        case Op::write:
            return !fault_waits(s, pte) && do_write(s, p, v, ctx);
        case Op::read:
            if (fault_waits(s, pte)) return false;
            return pte.kind == PteKind::present || pte.kind == PteKind::pmd
                       ? noop(ctx, NoOp::read_present)
                       : do_read(s, p, v, ctx);
        case Op::pin:
        case Op::get:
        case Op::vmsplice:
        case Op::odirect_read:
        case Op::odirect_write:
        case Op::iouring_fixed:
            return !fault_waits(s, pte) && take_gup(s, a, ctx);
        case Op::mprotect:
            return mprotect_step(s, p, v, ctx);
        case Op::clear_refs:
            return clear_refs_step(s, p, v, ctx);
        case Op::uffd_wp:
            return pte.kind == PteKind::present || pte.kind == PteKind::pmd
                       ? do_uffd_wp(s, p, v)
                       : noop(ctx, NoOp::uffd_wp_not_present);
        case Op::munmap:
            return do_munmap(s, p, v, ctx);
        case Op::split_pmd:
            return do_split_pmd(s, p) || noop(ctx, NoOp::split_pmd_none);
        case Op::dontfork:
        case Op::dofork:
            return do_madvise_fork(s, p, v, a.op == Op::dontfork) ||
                   noop(ctx, NoOp::madvise_fork_same);
        case Op::swap_out:
            return pageout(s, p, v, ctx);
        case Op::reclaim: {
            const std::uint8_t f = frame_at(s, p, v);
            if (f == kNone || !can_reclaim(s, f)) return noop(ctx, NoOp::reclaim_not_possible);
            return do_reclaim(s, f);
        }
        case Op::migrate_start:
            return migrate_start_step(s, p, v, ctx);
        case Op::collapse:
            switch (collapse_check(s, p, ctx)) {
                case CollapseCheck::ok:
                    collapse_huge_page(s, p, ctx);
                    return true;
                case CollapseCheck::pmd_mapped:
                    return noop(ctx, NoOp::collapse_pmd_mapped);
                case CollapseCheck::not_eligible:
                    return noop(ctx, NoOp::collapse_not_eligible);
                case CollapseCheck::referenced:
                    return noop(ctx, NoOp::collapse_referenced);
                case CollapseCheck::refused:
                    return noop(ctx, NoOp::collapse_refused);
            }
            return false;
        case Op::split_folio: {
            const std::uint8_t f = frame_at(s, p, v);
            if (f == kNone || s.frames[f].folio == kNone)
                return noop(ctx, NoOp::split_folio_not_large);
            if (!can_split_folio(s, f)) return noop(ctx, NoOp::split_folio_refused);
            mm::split_folio(s, f);
            return true;
        }
        case Op::migrate_finish: {
            const std::uint8_t f = frame_at(s, p, v);
            if (f == kNone || !can_migrate_finish(s, f)) return noop(ctx, NoOp::migrate_none);
            return do_migrate_finish(s, f, ctx);
        }
        default:
            return false;
    }
}

}  // namespace cowpin
