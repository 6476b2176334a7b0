#include "model/mm.hpp"

#include "model/folio.hpp"

#include <bit>

namespace cowpin::mm {

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
    // the first slot past the live ones is free. The referenced ones as bits of one word: the
    // base-page search writes a value in about every fourth step, and a loop over the 46 slots
    // of a State sized for 16 kB folios cost it more than the marking.
    static_assert(kMaxValues <= 64, "used values fit one 64-bit mask");
    std::uint64_t used = 0;
    auto mark = [&](std::uint8_t v) {
        if (v != kNone) used |= std::uint64_t{1} << v;
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
    const int v = std::countr_one(used);
    if (v >= kMaxValues) return kNone;
    s.values[v] = Value{cell, writer};
    return static_cast<std::uint8_t>(v);
}

void maybe_free_slot(State& s, std::uint8_t sl) {
    if (sl != kNone && s.slots[sl].count == 0 && s.slots[sl].cache == kNone) s.slots[sl] = Slot{};
}

// put_page(): drop one reference; a frame is freed exactly when its refcount reaches 0, a page
// of a large folio with the whole folio (folio_put()).
void put_frame(State& s, std::uint8_t f) {
    Frame& fr = s.frames[f];
    if (fr.folio != kNone) {
        --fr.refcount;
        if (fr.isolated)
            forget_if_only_isolated(s, f);
        else
            free_folio_if_unreferenced(s, fr.folio);
        return;
    }
    if (--fr.refcount == 0)
        fr = Frame{};
    else if (fr.isolated && fr.refcount == 1)
        forget_if_only_isolated(s, f);
}

// A page under migration whose every entry was zapped (zapping does not wait for a migration)
// and that nothing else references: the migration goes on with a page nobody can see, and its
// moved copy is freed as soon as it is made. The model finishes it at once: postponing it would
// only pile up garbage frames, one per migration of a page whose process exited. A large
// folio goes as a whole, once no entry names any of its pages (each page holds one isolation
// reference: the folio's, spread over its pages as the model spreads its counts).
void forget_if_only_isolated(State& s, std::uint8_t f) {
    bool only_isolated = true;
    for_each_page(s, f, [&](std::uint8_t g) {
        only_isolated &= s.frames[g].isolated && s.frames[g].refcount == 1;
    });
    if (!only_isolated) return;
    for (const Process& p : s.procs)
        if (p.alive)
            for (const Pte& pte : p.pte)
                if ((pte.kind == PteKind::migration || pte.kind == PteKind::pmd_migration) &&
                    same_folio(s, f, pte.target))
                    return;
    for_each_page(s, f, [&](std::uint8_t g) { s.frames[g] = Frame{}; });
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

// free_swap_cache(): a swapcache page nothing maps leaves the swapcache once no swap entry
// names its slot (folio_free_swap()); the folio lock is taken with trylock, which fails while a
// migration holds it.
void free_swap_cache(State& s, std::uint8_t f) {
    const Frame& fr = s.frames[f];
    if (fr.swapcache != kNone && fr.mapcount == 0 && !fr.isolated) try_to_free_swap(s, f);
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

// The policy's rule for a frame that GUP references hold (MayUnmap, policy.hpp).
// unless_pinned: the page_maybe_dma_pinned() check before add_to_swap() in shrink_page_list()
// (feb889fb40fa, 5.11 and 5.10.9), and from 5.19 page_try_share_anon_rmap() refusing a
// pinned exclusive page in try_to_unmap_one() and try_to_migrate_one(). unless_referenced:
// PreCOP, and FreeBSD's held and NetBSD's wired pages, which no pin or get may leave.
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
void detach_cell(State& s, int proc, int vaddr, int values) {
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
    // Only the first `values` records can be in use (the shape's bound: past it the table holds
    // defaults); a base-page search exits or unmaps in about every sixth step.
    const std::uint8_t new_cell = id == kNone ? kNone : static_cast<std::uint8_t>(id | kDetachedCell);
    for (int i = 0; i < values; ++i)
        if (s.values[i].cell == old_cell) s.values[i].cell = new_cell;
    s.procs[proc].ideal[vaddr] = kNone;
}


// zap_pte_range() of one PTE. Migration entries hold no mapcount and no reference
// (try_to_migrate_one() dropped them): zapping one clears it without waiting for the
// migration, whose remove_migration_ptes() then finds nothing to restore (zap_pte_range() in
// 5.7 and 5.19, zap_nonpresent_ptes() in 6.18). Unmapping the last mapping of a swapcache page,
// or the last swap entry of a slot whose page nothing maps, frees the swapcache entry whatever
// other references the page has (free_pages_and_swap_cache() → free_swap_cache(), and
// free_swap_and_cache() → __try_to_reclaim_swap(TTRS_UNMAPPED), in every era).
void zap_pte(State& s, Pte& pte) {
    switch (pte.kind) {
        case PteKind::present:
            --s.frames[pte.target].mapcount;
            free_swap_cache(s, pte.target);
            put_frame(s, pte.target);
            break;
        case PteKind::swap: {
            Slot& sl = s.slots[pte.target];
            --sl.count;
            if (sl.count == 0 && sl.cache != kNone) free_swap_cache(s, sl.cache);
            maybe_free_slot(s, pte.target);
            break;
        }
        case PteKind::migration: {
            const std::uint8_t f = pte.target;
            pte = Pte{};
            forget_if_only_isolated(s, f);
            break;
        }
        case PteKind::none:
        case PteKind::pmd:  // never here: munmap splits a PMD first, exit zaps it whole
        case PteKind::pmd_migration:
            break;
    }
    pte = Pte{};
}

}  // namespace cowpin::mm
