// Reclaim and migration (MODEL.md §3, §9): swap-out of an order-0 page or a large folio,
// reclaim of a swapcache page, and page migration in two halves. A fault on the entries these
// leave is in faults.cpp (do_swap_page(), migration_entry_wait()).
#include <array>

#include "model/folio.hpp"
#include "model/mm.hpp"
#include "model/ops.hpp"

namespace cowpin {

using namespace mm;

namespace {

// Whether reclaim (shrink_folio_list()) or migration (migrate_pages()) may take a frame and
// unmap it: it is mapped (folio_mapped()), not isolated by a migration in flight
// (isolate_lru_page() took it off the LRU, where neither looks), and the policy's rule for
// frames with GUP references allows it (may_unmap()).
bool can_unmap(const Frame& fr, MayUnmap rule) {
    return fr.in_use && fr.mapcount != 0 && !fr.isolated && may_unmap(rule, fr);
}

// Coverage: the swap-out or migration rule decides for a page it could unmap that GUP
// references hold (may_unmap()).
void consult_unmap_rule(const Frame& fr, Decision point, MayUnmap rule, const OpContext& ctx) {
    if (fr.in_use && fr.mapcount != 0 && !fr.isolated && fr.pins + fr.gets > 0)
        record(ctx.effects, point, !may_unmap(rule, fr));
}

// shrink_folio_list(): add_to_swap() (or reuse the slot of a swapcache frame), then
// try_to_unmap_one() on every present PTE — which, with PG_anon_exclusive, clears the flag via
// page_try_share_anon_rmap() and records it in the swap PTE (pte_swp_mkexclusive()) — then
// pageout() and free if only the swapcache still holds the frame.
bool swap_out_page(State& s, std::uint8_t f, const OpContext& ctx) {
    consult_unmap_rule(s.frames[f], Decision::swap_out, ctx.policy.swap_out, ctx);
    if (!can_unmap(s.frames[f], ctx.policy.swap_out)) return false;
    Frame& fr = s.frames[f];
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

// Reclaim of a large anonymous folio (shrink_folio_list(), every era from 5.7 to 6.18; MODEL.md
// §9). A folio with any reference besides its mappings — a GUP pin or get on any page — is kept:
// "cannot split folio, skip it" (!can_split_huge_page() before 5.19, !can_split_folio() after,
// then goto activate_locked), and so is one under migration. Otherwise the kernel either swaps
// it out whole (add_to_swap() of a THP with CONFIG_THP_SWAP, folio_alloc_swap() of an mTHP,
// and try_to_unmap(TTU_SPLIT_HUGE_PMD) splitting every PMD that maps it), or splits it first
// and swaps its pages one by one (split_folio_to_list(): 5.7–6.9 a folio no PMD maps
// (!compound_mapcount()), a partially mapped one in every era, and the fallback when no swap
// cluster is free). Both end in the same state: each mapped page's entries become swap entries
// carrying its PageAnonExclusive (5.19+), and the folio, which nothing else references, is
// written back and freed; a page nothing maps is freed without I/O. The model takes the second
// path: split_folio(), then swap_out_page() per page while swap slots last.
bool swap_out_folio(State& s, std::uint8_t head, const OpContext& ctx) {
    std::array<std::uint8_t, kMaxFrames> pages{};
    int n = 0;
    for (int g = 0; g < kMaxFrames; ++g)
        if (s.frames[g].in_use && s.frames[g].folio == head) pages[n++] = static_cast<std::uint8_t>(g);
    split_folio(s, head);
    for (int i = 0; i < n; ++i)
        if (s.frames[pages[i]].in_use && s.frames[pages[i]].mapcount != 0)
            swap_out_page(s, pages[i], ctx);
    return true;
}

}  // namespace

bool can_swap_out(const State& s, int frame, const OpContext& ctx) {
    const Frame& fr = s.frames[frame];
    // A large folio is reclaimed whole: its head page stands for it (one action per folio).
    if (fr.in_use && fr.folio != kNone)
        return fr.folio == frame && folio_large_mapcount(s, fr.folio) > 0 &&
               can_split_folio(s, fr.folio);
    return can_unmap(fr, ctx.policy.swap_out);
}

bool do_swap_out(State& s, int frame, const OpContext& ctx) {
    const std::uint8_t f = static_cast<std::uint8_t>(frame);
    if (s.frames[f].in_use && s.frames[f].folio != kNone)
        return can_swap_out(s, frame, ctx) && swap_out_folio(s, f, ctx);
    return swap_out_page(s, f, ctx);
}

bool can_reclaim(const State& s, int frame) {
    const Frame& fr = s.frames[frame];
    return fr.in_use && fr.swapcache != kNone && fr.refcount == 1;
}

bool do_reclaim(State& s, int frame) {
    if (!can_reclaim(s, frame)) return false;
    write_back_and_free(s, static_cast<std::uint8_t>(frame));
    return true;
}

// Migration of a large folio (set_pmd_migration_entry(), a folio migrated whole) is not
// modelled: the parser refuses migrate_start and migrate_finish on THP memory (memory.cpp).
bool can_migrate_start(const State& s, int frame, const OpContext& ctx) {
    return s.frames[frame].folio == kNone && can_unmap(s.frames[frame], ctx.policy.migrate);
}

bool do_migrate_start(State& s, int frame, const OpContext& ctx) {
    consult_unmap_rule(s.frames[frame], Decision::migrate, ctx.policy.migrate, ctx);
    if (!can_migrate_start(s, frame, ctx)) return false;
    const std::uint8_t f = static_cast<std::uint8_t>(frame);
    Frame& fr = s.frames[f];
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

bool can_migrate_finish(const State& s, int frame) {
    return s.frames[frame].in_use && s.frames[frame].isolated;
}

bool do_migrate_finish(State& s, int frame, const OpContext& ctx) {
    if (!can_migrate_finish(s, frame)) return false;
    const std::uint8_t f = static_cast<std::uint8_t>(frame);
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
    // A new frame no entry was left to map (each was zapped during the migration) and no
    // swapcache holds is freed when migration drops its reference.
    if (moved && s.frames[target].refcount == 0) s.frames[target] = Frame{};
    if (moved)
        s.frames[f] = Frame{};
    else {
        s.frames[f].isolated = 0;  // putback_lru_page()
        put_frame(s, f);
    }
    return true;
}


}  // namespace cowpin
