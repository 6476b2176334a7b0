// The actions of MODEL.md §3 but the process lifecycle (fork.cpp): stores and reads, munmap,
// madvise, mprotect, clear_refs, uffd-wp, GUP and unpin, DMA, the PMD split (ops.hpp).
#include "model/ops.hpp"

#include "model/folio.hpp"
#include "model/mm.hpp"

namespace cowpin {

using namespace mm;

// The reference a GUP op takes: vmsplice a FOLL_GET, io_uring a longterm FOLL_PIN, O_DIRECT
// what its era's block layer takes (ODirect).
HandleKind gup_kind(Op op, const CowPolicy& policy) {
    switch (op) {
        case Op::pin:
        case Op::iouring_fixed:
            return HandleKind::pin;
        case Op::odirect_read:
        case Op::odirect_write:
            return policy.odirect == ODirect::pin ? HandleKind::short_pin : HandleKind::get;
        default:
            return HandleKind::get;
    }
}

bool take_gup(State& s, const Action& a, const OpContext& ctx) {
    if (a.op == Op::odirect_read || a.op == Op::odirect_write)
        record(ctx.effects, Decision::odirect, ctx.policy.odirect == ODirect::pin);
    return do_gup(s, a.proc, a.arg, gup_kind(a.op, ctx.policy), gup_op_writes(a.op, a.write()),
                  a.handle, ctx);
}


int free_handle_slot(const State& s, int handles) {
    for (int h = 0; h < handles; ++h)
        if (!s.handles[h].in_use) return h;
    return -1;
}

std::uint8_t frame_at(const State& s, int proc, int vaddr) {
    if (!s.procs[proc].alive) return kNone;
    return pte_frame(s, s.procs[proc].pte[vaddr]);
}


bool can_munmap(const State& s, int proc, int vaddr) {
    return s.procs[proc].alive && s.procs[proc].pte[vaddr].kind != PteKind::none;
}

// A munmap of one page of a PMD-mapped THP splits the PMD first (zap_pmd_range() →
// __split_huge_pmd() for a partial range).
bool do_munmap(State& s, int proc, int vaddr, const OpContext& ctx) {
    if (!can_munmap(s, proc, vaddr)) return false;
    split_pmd(s, proc);
    Pte& pte = s.procs[proc].pte[vaddr];
    zap_pte(s, pte);
    detach_cell(s, proc, vaddr, ctx.values);
    s.procs[proc].dontcopy &= static_cast<std::uint8_t>(~(1u << vaddr));  // the VMA is gone
    return true;
}

bool can_madvise_fork(const State& s, int proc, int vaddr, bool dontcopy) {
    const Process& p = s.procs[proc];
    return p.alive && p.ideal[vaddr] != kNone && ((p.dontcopy >> vaddr & 1) != dontcopy);
}

// madvise_behavior() → madvise_update_vma(): VM_DONTCOPY set or cleared on page v's range. The
// VMA is split at the page (split_vma()), which splits a PMD mapping across the boundary
// (vma_adjust_trans_huge() → split_huge_pmd_address()); a flag that does not change leaves the
// VMA, and the PMD, as they are.
bool do_madvise_fork(State& s, int proc, int vaddr, bool dontcopy) {
    if (!can_madvise_fork(s, proc, vaddr, dontcopy)) return false;
    split_pmd(s, proc);
    s.procs[proc].dontcopy ^= static_cast<std::uint8_t>(1u << vaddr);
    return true;
}

// A CPU store: handle_mm_fault() with FAULT_FLAG_WRITE if the PTE is not writable, then the
// store of a fresh value.
bool do_write(State& s, int proc, int vaddr, const OpContext& ctx) {
    if (!s.procs[proc].alive || !fault_in(s, proc, vaddr, true, ctx)) return false;
    if (!s.procs[proc].pte[vaddr].writable) wp_fault(s, proc, vaddr, false, ctx);
    store(s, proc, vaddr, alloc_value(s, attached_cell(proc, vaddr), proc));
    return true;
}

bool can_read(const State& s, int proc, int vaddr) {
    return s.procs[proc].alive && s.procs[proc].pte[vaddr].kind == PteKind::swap;
}

bool do_read(State& s, int proc, int vaddr, const OpContext& ctx) {
    if (!can_read(s, proc, vaddr)) return false;
    return fault_in(s, proc, vaddr, false, ctx);
}

bool has_present_pte(const State& s, int proc, int vaddr) {
    const PteKind kind = s.procs[proc].pte[vaddr].kind;
    return s.procs[proc].alive && (kind == PteKind::present || kind == PteKind::pmd);
}

// mprotect() of one page of a PMD-mapped THP is a partial one: change_pmd_range() splits the
// PMD, then changes the page's PTE.
bool do_mprotect(State& s, int proc, int vaddr, const OpContext& ctx) {
    if (!has_present_pte(s, proc, vaddr)) return false;
    split_pmd(s, proc);
    Pte& pte = s.procs[proc].pte[vaddr];
    // hugetlb_change_protection() has no can_change_pte_writable(): a private huge PTE stays
    // R/O until a write fault, in every era.
    if (ctx.hugetlb()) {
        pte.writable = 0;
        return true;
    }
    // Soft-dirty and uffd-wp state is not modelled: can_change_pte_writable() is taken to allow
    // the upgrade of every exclusive page.
    pte.writable = ctx.policy.mprotect == MprotectUpgrade::if_anon_exclusive &&
                   s.frames[pte.target].anon_exclusive;
    record(ctx.effects, Decision::mprotect, !pte.writable);
    return true;
}

// change_huge_pmd() of a PMD the range covers whole: the PMD becomes R/O, then may be made
// writable again by can_change_pmd_writable() (6.2+: the head page's PageAnonExclusive, as
// can_change_pte_writable() reads a PTE's page since 6.0; a private PMD is never upgraded
// before: pmd_modify() with the private vm_page_prot drops the write bit). The policy's one
// mprotect rule stands for both: the eras it tells apart (≤5.19, 6.18) agree on PTE and PMD.
bool do_mprotect_pmd(State& s, int proc, const OpContext& ctx) {
    const std::uint8_t head = pmd_head(s, proc);
    if (!s.procs[proc].alive || head == kNone) return false;
    const bool writable = ctx.policy.mprotect == MprotectUpgrade::if_anon_exclusive &&
                          s.frames[head].anon_exclusive;
    for (Pte& pte : s.procs[proc].pte)
        if (pte.kind == PteKind::pmd) pte.writable = writable;
    record(ctx.effects, Decision::mprotect, !writable);
    return true;
}

// clear_soft_dirty(): the PTE becomes R/O, unless the policy's era leaves a pinned page alone:
// pte_is_pinned() is a writable PTE, an mm that has pinned (MMF_HAS_PINNED) and a
// maybe-DMA-pinned page (a small folio's refcount past GUP_PIN_COUNTING_BIAS: its pins).
// clear_refs_walk_ops has no hugetlb_entry: a hugetlb VMA is walked without visiting its PTEs.
// A PMD-mapped THP is clear_soft_dirty_pmd()'s: the whole PMD becomes R/O, with no pinned check
// in any era (5.11.0, 5.19.0 and 6.18.2 fs/proc/task_mmu.c); a PTE of a large folio reads the
// folio's pins (folio_maybe_dma_pinned()).
bool do_clear_refs(State& s, int proc, int vaddr, const OpContext& ctx) {
    if (!has_present_pte(s, proc, vaddr)) return false;
    if (ctx.hugetlb()) return true;
    if (pmd_mapped(s, proc)) {
        for (Pte& pte : s.procs[proc].pte)
            if (pte.kind == PteKind::pmd) pte.writable = 0;
        return true;
    }
    Pte& pte = s.procs[proc].pte[vaddr];
    const bool pinned = pte.writable && s.procs[proc].has_pinned && folio_pins(s, pte.target) > 0;
    const bool skip = ctx.policy.clear_refs == ClearRefs::skip_pinned && pinned;
    if (pinned) record(ctx.effects, Decision::clear_refs, skip);
    if (skip) return true;
    pte.writable = 0;
    return true;
}

// mwriteprotect_range() → change_protection(MM_CP_UFFD_WP): R/O whatever the pins (no pin
// check in change_pte_range(), 5.7 to 6.18). A later write faults; the model takes the fault as
// resolved by the monitor (or UFFD_FEATURE_WP_ASYNC), so do_wp_page() decides as for any
// R/O-mapped page. One page of a PMD-mapped THP is a partial range: change_pmd_range() splits
// the PMD first.
bool do_uffd_wp(State& s, int proc, int vaddr) {
    if (!has_present_pte(s, proc, vaddr)) return false;
    split_pmd(s, proc);
    s.procs[proc].pte[vaddr].writable = 0;
    return true;
}

// __get_user_pages(): fault the page in (FOLL_WRITE: write fault; a R/O GUP per policy: none,
// forced COW break, unshare, or copy-on-pin), then take the reference (try_grab_page()).
bool do_gup(State& s, int proc, int vaddr, HandleKind kind, bool write, int handle,
            const OpContext& ctx) {
    if (!s.procs[proc].alive || s.handles[handle].in_use) return false;
    // gup_must_unshare() and the 5.8 forced COW break look at FOLL_PIN, longterm or not.
    const GupRead rule = kind != HandleKind::get ? ctx.policy.gup_read_pin : ctx.policy.gup_read_get;
    // The read rule matters for a R/O GUP of a page that is not mapped writable.
    const Pte& before = s.procs[proc].pte[vaddr];
    const bool read_rule = !write && !((before.kind == PteKind::present ||
                                        before.kind == PteKind::pmd) && before.writable);
    bool faulted = read_rule && rule == GupRead::break_cow;
    // FOLL_WRITE (or 5.8's forced FOLL_WRITE) faults with FAULT_FLAG_WRITE, swap-in included.
    if (!fault_in(s, proc, vaddr, write || rule == GupRead::break_cow, ctx)) return false;
    Pte& pte = s.procs[proc].pte[vaddr];
    if (!pte.writable) {
        const Frame& fr = s.frames[pte.target];
        const int swapcount = fr.swapcache != kNone ? s.slots[fr.swapcache].count : 0;
        if (write || rule == GupRead::break_cow) {
            wp_fault(s, proc, vaddr, false, ctx);
        } else if (rule == GupRead::unshare && !fr.anon_exclusive) {
            wp_fault(s, proc, vaddr, true, ctx);
            faulted = true;
        } else if (rule == GupRead::copy_if_shared && fr.mapcount + swapcount > 1) {
            split_pmd(s, proc);  // copy-on-pin of one page of a THP: split, then copy it
            wp_page_copy(s, proc, pte, true, ctx);
            faulted = true;
        }
    }
    if (read_rule)
        record(ctx.effects,
               kind != HandleKind::get ? Decision::gup_read_pin : Decision::gup_read_get,
               faulted);
    Frame& fr = s.frames[pte.target];
    ++fr.refcount;
    if (kind != HandleKind::get) {  // try_grab_folio(FOLL_PIN); mm_set_has_pinned_flag()
        ++fr.pins;
        s.procs[proc].has_pinned = 1;
    } else {
        ++fr.gets;
    }
    Handle& h = s.handles[handle];
    h = Handle{};
    h.in_use = 1;
    h.kind = kind;
    h.write = write;
    h.owner = static_cast<std::uint8_t>(proc);
    h.vaddr = static_cast<std::uint8_t>(vaddr);
    h.frame = pte.target;
    if (kind != HandleKind::pin) h.baseline = fr.data;
    return true;
}

bool do_unpin(State& s, int handle) {
    Handle& h = s.handles[handle];
    if (!h.in_use) return false;
    Frame& fr = s.frames[h.frame];
    if (h.kind != HandleKind::get)
        --fr.pins;
    else
        --fr.gets;
    put_frame(s, h.frame);
    const std::uint8_t cell = h.cell;
    h = Handle{};
    // A detached cell no handle holds any more is no cell: its values forget it, or a later
    // detach that reuses the id would adopt them (canonicalize() reads them so already).
    if (cell != kNone) {
        for (const Handle& o : s.handles)
            if (o.in_use && o.cell == cell) return true;
        for (Value& v : s.values)
            if (v.cell == (cell | kDetachedCell)) v.cell = kNone;
    }
    return true;
}

bool do_split_pmd(State& s, int proc) {
    if (!s.procs[proc].alive || !(pmd_mapped(s, proc) || pmd_migrating(s, proc))) return false;
    split_pmd(s, proc);
    return true;
}

bool can_dma_write(const State& s, int handle) {
    return s.handles[handle].in_use && s.handles[handle].write;
}

bool do_dma_write(State& s, int handle) {
    if (!can_dma_write(s, handle)) return false;
    const Handle h = s.handles[handle];
    const bool attached = h.cell == kNone;
    const std::uint8_t cell = attached ? attached_cell(h.owner, h.vaddr)
                                       : static_cast<std::uint8_t>(h.cell | kDetachedCell);
    const std::uint8_t value = alloc_value(s, cell, h.owner);
    s.frames[h.frame].data = value;
    if (attached) {
        s.procs[h.owner].ideal[h.vaddr] = value;
        return true;
    }
    for (Handle& o : s.handles)
        if (o.in_use && o.cell == h.cell) o.expect = value;
    return true;
}

}  // namespace cowpin

