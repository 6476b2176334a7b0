#include "model/ops.hpp"

namespace cowpin {

namespace {

/*------------------------------------------------------------------------------------------*/
// Allocation and reference counting: the common mechanics of MODEL §1.

std::uint8_t alloc_frame(State& s) {
    for (int f = 0; f < kMaxFrames; ++f)
        if (!s.frames[f].in_use) {
            s.frames[f] = Frame{};
            s.frames[f].in_use = 1;
            return static_cast<std::uint8_t>(f);
        }
    return kNone;  // cannot happen within kMaxFrames (see state.hpp)
}

std::uint8_t alloc_value(State& s, std::uint8_t cell, std::uint8_t writer) {
    // A value is free when nothing references it; canonicalize() keeps the table compact, so
    // the first slot past the live ones is free.
    std::array<bool, kMaxValues> used{};
    auto mark = [&](std::uint8_t v) {
        if (v != kNone) used[v] = true;
    };
    for (const Process& p : s.procs)
        for (std::uint8_t v : p.ideal) mark(v);
    for (const Frame& f : s.frames)
        if (f.in_use) mark(f.data);
    for (const Slot& sl : s.slots)
        if (sl.in_use) mark(sl.data);
    for (const Handle& h : s.handles)
        if (h.in_use) {
            mark(h.expect);
            mark(h.baseline);
        }
    for (int v = 0; v < kMaxValues; ++v)
        if (!used[v]) {
            s.values[v] = Value{cell, writer};
            return static_cast<std::uint8_t>(v);
        }
    return kNone;
}

void maybe_free_slot(State& s, std::uint8_t sl) {
    if (sl != kNone && s.slots[sl].count == 0 && s.slots[sl].cache == kNone) s.slots[sl] = Slot{};
}

// put_page(): drop one reference; a frame is freed exactly when its refcount reaches 0.
void put_frame(State& s, std::uint8_t f) {
    Frame& fr = s.frames[f];
    if (--fr.refcount == 0) fr = Frame{};
}

// delete_from_swap_cache(): the frame leaves the swapcache; the slot keeps its swap PTEs.
void delete_from_swap_cache(State& s, std::uint8_t f) {
    const std::uint8_t sl = s.frames[f].swapcache;
    s.frames[f].swapcache = kNone;
    s.slots[sl].cache = kNone;
    put_frame(s, f);
    maybe_free_slot(s, sl);
}

// try_to_free_swap(): succeeds only when no swap PTE references the slot any more.
void try_to_free_swap(State& s, std::uint8_t f) {
    const std::uint8_t sl = s.frames[f].swapcache;
    if (sl != kNone && s.slots[sl].count == 0) delete_from_swap_cache(s, f);
}

// Write-back then free: the slot keeps the data (pageout + __remove_mapping).
void write_back_and_free(State& s, std::uint8_t f) {
    const std::uint8_t sl = s.frames[f].swapcache;
    s.slots[sl].data = s.frames[f].data;
    s.slots[sl].cache = kNone;
    s.frames[f] = Frame{};
    maybe_free_slot(s, sl);
}

void map_present(State& s, Pte& pte, std::uint8_t f, bool writable) {
    pte = Pte{PteKind::present, f, static_cast<std::uint8_t>(writable), 0,
              MigrationKind::readable};
    ++s.frames[f].mapcount;
    ++s.frames[f].refcount;
}

// Is this frame mapped or referenced by anyone but `proc`? Present, migration and swap entries
// (of the slot caching it) of other processes, and handles of other owners (or orphans).
bool referenced_by_others(const State& s, std::uint8_t f, int proc) {
    for (int p = 0; p < kMaxProcs; ++p) {
        if (!s.procs[p].alive || p == proc) continue;
        for (const Pte& pte : s.procs[p].pte)
            if (pte.kind != PteKind::none && pte_frame(s, pte) == f) return true;
    }
    for (const Handle& h : s.handles)
        if (h.in_use && h.frame == f && h.owner != proc) return true;
    return false;
}

/*------------------------------------------------------------------------------------------*/
// The ideal world (MODEL §2).

// Store `value` at P's v: the frame's data and ideal[P][v]. Attached handle cells follow ideal.
void store(State& s, int proc, int vaddr, std::uint8_t value) {
    const Pte& pte = s.procs[proc].pte[vaddr];
    s.frames[pte.target].data = value;
    s.procs[proc].ideal[vaddr] = value;
}

// P stops mapping v (munmap or exit): handle cells on (P, v) detach with their last value, and
// values written there keep their cell only if a handle still holds it.
void detach_cell(State& s, int proc, int vaddr) {
    std::uint8_t id = kNone;
    for (Handle& h : s.handles) {
        if (!h.in_use || h.cell != kNone || h.owner != proc || h.vaddr != vaddr) continue;
        if (id == kNone) {
            std::array<bool, kMaxHandles> used{};
            for (const Handle& o : s.handles)
                if (o.in_use && o.cell != kNone) used[o.cell] = true;
            id = 0;
            while (used[id]) ++id;
        }
        h.cell = id;
        h.expect = s.procs[proc].ideal[vaddr];
    }
    const std::uint8_t old_cell = attached_cell(proc, vaddr);
    for (Value& v : s.values)
        if (v.cell == old_cell)
            v.cell = id == kNone ? kNone : static_cast<std::uint8_t>(id | kDetachedCell);
    s.procs[proc].ideal[vaddr] = kNone;
}

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
bool can_reuse_by_refcount(State& s, std::uint8_t f) {
    if (s.frames[f].refcount > 1 + (s.frames[f].swapcache != kNone ? 1 : 0)) return false;
    try_to_free_swap(s, f);
    return s.frames[f].refcount == 1;
}

// do_wp_page() on a present R/O PTE of an anonymous page (FAULT_FLAG_WRITE, or
// FAULT_FLAG_UNSHARE with `unshare`: reuse keeps the PTE R/O).
void wp_fault(State& s, int proc, int vaddr, bool unshare, const OpContext& ctx) {
    Pte& pte = s.procs[proc].pte[vaddr];
    const std::uint8_t f = pte.target;
    Frame& fr = s.frames[f];
    bool reuse = false;
    switch (ctx.policy.wp_reuse) {
        case WpReuse::mapcount: {  // reuse_swap_page()
            const int swapcount = fr.swapcache != kNone ? s.slots[fr.swapcache].count : 0;
            reuse = fr.mapcount + swapcount == 1;
            if (reuse && fr.swapcache != kNone) delete_from_swap_cache(s, f);
            break;
        }
        case WpReuse::refcount:  // 5.9: page_count(page) != 1 ⇒ copy
            reuse = fr.refcount == 1;
            break;
        case WpReuse::refcount_free_swap:
            reuse = can_reuse_by_refcount(s, f);
            break;
        case WpReuse::anon_exclusive:  // PageAnonExclusive ⇒ reuse; else prove it, set the flag
            reuse = fr.anon_exclusive || can_reuse_by_refcount(s, f);
            if (reuse) s.frames[f].anon_exclusive = 1;  // page_move_anon_rmap()
            break;
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
            return false;
        case PteKind::swap:
            if (swap_entry_waits(s, pte)) return false;
            swap_in(s, proc, vaddr, write, ctx);
            return true;
        case PteKind::present:
            return true;
    }
    return false;
}

// Copy P's view of v into a fresh private frame for the child (eager-copy fork, and
// copy_present_page()): exclusive, writable.
void copy_for_child(State& s, Pte& child_pte, std::uint8_t data, const OpContext& ctx) {
    const std::uint8_t f = alloc_frame(s);
    s.frames[f].data = data;
    s.frames[f].anon_exclusive = ctx.policy.anon_exclusive ? 1 : 0;
    map_present(s, child_pte, f, true);
}

// copy_present_pte(): share or copy one present anonymous PTE of the parent.
void fork_present(State& s, const Process& parent, Pte& ppte, Pte& cpte, const OpContext& ctx) {
    Frame& fr = s.frames[ppte.target];
    const bool maybe_pinned = parent.has_pinned && fr.pins > 0;  // page_needs_cow_for_dma()
    bool copy = false;
    switch (ctx.policy.fork) {
        case ForkPresent::share:  // no pin check
            break;
        case ForkPresent::copy_if_pinned:
            copy = maybe_pinned;
            break;
        case ForkPresent::anon_exclusive:  // page_try_dup_anon_rmap(): -EBUSY if maybe pinned
            copy = fr.anon_exclusive && maybe_pinned;
            break;
        case ForkPresent::copy_if_referenced:
            copy = fr.pins + fr.gets > 0;
            break;
        case ForkPresent::copy_always:
            copy = true;
            break;
    }
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

bool may_unmap(MayUnmap rule, const Frame& fr) {
    switch (rule) {
        case MayUnmap::always:
            return true;
        case MayUnmap::unless_pinned:
            return fr.pins == 0;
        case MayUnmap::unless_referenced:
            return fr.pins + fr.gets == 0;
    }
    return true;
}

}  // namespace

/*------------------------------------------------------------------------------------------*/
// Actions.

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

int free_handle_slot(const State& s, int handles) {
    for (int h = 0; h < handles; ++h)
        if (!s.handles[h].in_use) return h;
    return -1;
}

std::uint8_t frame_at(const State& s, int proc, int vaddr) {
    if (!s.procs[proc].alive) return kNone;
    return pte_frame(s, s.procs[proc].pte[vaddr]);
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
    for (int v = 0; v < kMaxPages; ++v) {
        Pte& ppte = p.pte[v];
        Pte& cpte = c.pte[v];
        switch (ppte.kind) {
            case PteKind::none:
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

// zap_pte_range() of one PTE.
static void zap_pte(State& s, Pte& pte) {
    switch (pte.kind) {
        case PteKind::present:
            --s.frames[pte.target].mapcount;
            put_frame(s, pte.target);
            break;
        case PteKind::swap:
            --s.slots[pte.target].count;  // free_swap_and_cache()
            maybe_free_slot(s, pte.target);
            break;
        case PteKind::none:
        case PteKind::migration:
            break;
    }
    pte = Pte{};
}

bool do_exit(State& s, int proc) {
    Process& p = s.procs[proc];
    if (!p.alive) return false;
    for (const Pte& pte : p.pte)
        if (pte.kind == PteKind::migration) return false;  // waits for the migration
    for (int v = 0; v < kMaxPages; ++v) {
        if (p.pte[v].kind == PteKind::none) continue;
        zap_pte(s, p.pte[v]);
        detach_cell(s, proc, v);
    }
    for (Handle& h : s.handles)
        if (h.in_use && h.owner == proc) h.owner = kNone;
    for (Process& c : s.procs)  // re-parent the children to our parent
        if (c.alive && c.parent == proc) c.parent = p.parent;
    p = Process{};
    return true;
}

bool do_munmap(State& s, int proc, int vaddr) {
    Pte& pte = s.procs[proc].pte[vaddr];
    if (!s.procs[proc].alive || pte.kind == PteKind::none || pte.kind == PteKind::migration)
        return false;
    zap_pte(s, pte);
    detach_cell(s, proc, vaddr);
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

bool do_read(State& s, int proc, int vaddr, const OpContext& ctx) {
    const Pte& pte = s.procs[proc].pte[vaddr];
    if (!s.procs[proc].alive || pte.kind != PteKind::swap) return false;
    return fault_in(s, proc, vaddr, false, ctx);
}

bool do_mprotect(State& s, int proc, int vaddr, const OpContext& ctx) {
    Pte& pte = s.procs[proc].pte[vaddr];
    if (!s.procs[proc].alive || pte.kind != PteKind::present) return false;
    // Soft-dirty and uffd-wp state is not modelled: can_change_pte_writable() is taken to allow
    // the upgrade of every exclusive page.
    pte.writable = ctx.policy.mprotect == MprotectUpgrade::if_anon_exclusive &&
                   s.frames[pte.target].anon_exclusive;
    return true;
}

bool do_clear_refs(State& s, int proc, int vaddr) {
    Pte& pte = s.procs[proc].pte[vaddr];
    if (!s.procs[proc].alive || pte.kind != PteKind::present) return false;
    pte.writable = 0;
    return true;
}

// __get_user_pages(): fault the page in (FOLL_WRITE: write fault; a R/O GUP per policy: none,
// forced COW break, unshare, or copy-on-pin), then take the reference (try_grab_page()).
bool do_gup(State& s, int proc, int vaddr, HandleKind kind, bool write, int handle,
            const OpContext& ctx) {
    if (!s.procs[proc].alive || s.handles[handle].in_use) return false;
    const GupRead rule = kind == HandleKind::pin ? ctx.policy.gup_read_pin : ctx.policy.gup_read_get;
    // FOLL_WRITE (or 5.8's forced FOLL_WRITE) faults with FAULT_FLAG_WRITE, swap-in included.
    if (!fault_in(s, proc, vaddr, write || rule == GupRead::break_cow, ctx)) return false;
    Pte& pte = s.procs[proc].pte[vaddr];
    if (!pte.writable) {
        const Frame& fr = s.frames[pte.target];
        const int swapcount = fr.swapcache != kNone ? s.slots[fr.swapcache].count : 0;
        if (write || rule == GupRead::break_cow)
            wp_fault(s, proc, vaddr, false, ctx);
        else if (rule == GupRead::unshare && !fr.anon_exclusive)
            wp_fault(s, proc, vaddr, true, ctx);
        else if (rule == GupRead::copy_if_shared && fr.mapcount + swapcount > 1)
            wp_page_copy(s, proc, pte, true, ctx);
    }
    Frame& fr = s.frames[pte.target];
    ++fr.refcount;
    if (kind == HandleKind::pin) {
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
    if (kind == HandleKind::get) h.baseline = fr.data;
    return true;
}

bool do_unpin(State& s, int handle) {
    Handle& h = s.handles[handle];
    if (!h.in_use) return false;
    Frame& fr = s.frames[h.frame];
    if (h.kind == HandleKind::pin)
        --fr.pins;
    else
        --fr.gets;
    put_frame(s, h.frame);
    h = Handle{};
    return true;
}

bool do_dma_write(State& s, int handle) {
    const Handle h = s.handles[handle];
    if (!h.in_use || !h.write) return false;
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

// shrink_folio_list(): add_to_swap() (or reuse the slot of a swapcache frame), then
// try_to_unmap_one() on every present PTE — which, with PG_anon_exclusive, clears the flag via
// page_try_share_anon_rmap() and records it in the swap PTE (pte_swp_mkexclusive()) — then
// pageout() and free if only the swapcache still holds the frame.
bool do_swap_out(State& s, int frame, const OpContext& ctx) {
    const std::uint8_t f = static_cast<std::uint8_t>(frame);
    Frame& fr = s.frames[f];
    if (!fr.in_use || fr.mapcount == 0 || fr.isolated) return false;
    if (!may_unmap(ctx.policy.swap_out, fr)) return false;
    std::uint8_t sl = fr.swapcache;
    if (sl == kNone) {
        for (int i = 0; i < kMaxSlots && sl == kNone; ++i)
            if (!s.slots[i].in_use && i < ctx.swap_slots) sl = static_cast<std::uint8_t>(i);
        if (sl == kNone) return false;
        s.slots[sl] = Slot{1, 0, f, kNone};
        fr.swapcache = sl;
        ++fr.refcount;
    }
    const std::uint8_t exclusive = ctx.policy.exclusive_entries ? fr.anon_exclusive : 0;
    for (Process& p : s.procs) {
        if (!p.alive) continue;
        for (Pte& pte : p.pte) {
            if (pte.kind != PteKind::present || pte.target != f) continue;
            pte = Pte{PteKind::swap, sl, 0, exclusive, MigrationKind::readable};
            ++s.slots[sl].count;
            --fr.mapcount;
            --fr.refcount;
        }
    }
    fr.anon_exclusive = 0;
    if (fr.refcount == 1) write_back_and_free(s, f);
    return true;
}

bool do_reclaim(State& s, int frame) {
    const Frame& fr = s.frames[frame];
    if (!fr.in_use || fr.swapcache == kNone || fr.refcount != 1) return false;
    write_back_and_free(s, static_cast<std::uint8_t>(frame));
    return true;
}

bool do_migrate_start(State& s, int frame, const OpContext& ctx) {
    const std::uint8_t f = static_cast<std::uint8_t>(frame);
    Frame& fr = s.frames[f];
    if (!fr.in_use || fr.mapcount == 0 || fr.isolated) return false;
    if (!may_unmap(ctx.policy.migrate, fr)) return false;
    for (Process& p : s.procs) {
        if (!p.alive) continue;
        for (Pte& pte : p.pte) {
            if (pte.kind != PteKind::present || pte.target != f) continue;
            MigrationKind kind = MigrationKind::readable;
            if (pte.writable)
                kind = MigrationKind::writable;
            else if (ctx.policy.exclusive_entries && fr.anon_exclusive)
                kind = MigrationKind::readable_exclusive;
            pte = Pte{PteKind::migration, f, 0, 0, kind};
            --fr.mapcount;
            --fr.refcount;
        }
    }
    fr.anon_exclusive = 0;  // page_try_share_anon_rmap()
    fr.isolated = 1;        // isolate_lru_page() holds a reference
    ++fr.refcount;
    return true;
}

bool do_migrate_finish(State& s, int frame, const OpContext& ctx) {
    const std::uint8_t f = static_cast<std::uint8_t>(frame);
    if (!s.frames[f].in_use || !s.frames[f].isolated) return false;
    const std::uint8_t sl = s.frames[f].swapcache;
    // folio_migrate_mapping(): the refcount must freeze at 1 (isolation) + swapcache.
    const bool moved = s.frames[f].refcount == 1 + (sl != kNone ? 1 : 0);
    std::uint8_t target = f;
    if (moved) {
        target = alloc_frame(s);
        s.frames[target].data = s.frames[f].data;
        if (sl != kNone) {  // the new folio takes over the swapcache entry
            s.frames[target].swapcache = sl;
            s.frames[target].refcount = 1;
            s.slots[sl].cache = target;
        }
    }
    // remove_migration_pte(): restore the entries; RMAP_EXCLUSIVE unless readable.
    for (Process& p : s.procs) {
        if (!p.alive) continue;
        for (Pte& pte : p.pte) {
            if (pte.kind != PteKind::migration || pte.target != f) continue;
            const MigrationKind kind = pte.migration;
            map_present(s, pte, target, kind == MigrationKind::writable);
            if (ctx.policy.anon_exclusive && kind != MigrationKind::readable)
                s.frames[target].anon_exclusive = 1;
        }
    }
    if (moved)
        s.frames[f] = Frame{};
    else {
        s.frames[f].isolated = 0;  // putback_lru_page()
        put_frame(s, f);
    }
    return true;
}

}  // namespace cowpin
