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

// The GUP references of f's folio, as one Frame for may_unmap(): folio_maybe_dma_pinned() reads
// the folio's pins.
Frame folio_counts(const State& s, std::uint8_t f) {
    Frame fr = s.frames[f];
    fr.pins = static_cast<std::uint8_t>(folio_pins(s, f));
    fr.gets = static_cast<std::uint8_t>(folio_gup_refs(s, f) - fr.pins);
    fr.mapcount = static_cast<std::uint8_t>(folio_large_mapcount(s, f));
    return fr;
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
    for_each_page(s, head, [&](std::uint8_t g) { pages[n++] = g; });
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

// Migration (migrate_pages(): migrate_folio_unmap(), then migrate_folio_move() or the undo),
// of an order-0 page or of a large folio whole (the head page stands for it). A THP stays a
// THP: x86-64 has THP migration (CONFIG_ARCH_ENABLE_THP_MIGRATION), so a PMD becomes a PMD
// migration entry (set_pmd_migration_entry()) and comes back as a PMD of the new folio
// (remove_migration_pmd()); the split that migrate_pages_batch() falls back to when no THP can
// be allocated is the split_folio action followed by order-0 migrations.
bool can_migrate_start(const State& s, int frame, const OpContext& ctx) {
    const Frame& fr = s.frames[frame];
    if (!fr.in_use || fr.folio == kNone) return can_unmap(fr, ctx.policy.migrate);
    if (fr.folio != frame || folio_large_mapcount(s, fr.folio) == 0) return false;
    return !folio_isolated(s, fr.folio) && may_unmap(ctx.policy.migrate, folio_counts(s, fr.folio));
}

// try_to_migrate_one(): every mapping of the folio becomes a migration entry that says whether
// it was writable, or else (5.19+) whether the page was PageAnonExclusive
// (make_readable_exclusive_migration_entry()), and PageAnonExclusive is cleared
// (page_try_share_anon_rmap(), folio_try_share_anon_rmap_pmd()). The policy's migrate rule
// stands for the -EBUSY of a maybe-pinned folio; isolation (folio_isolate_lru()) holds a
// reference, one per page in the model.
bool do_migrate_start(State& s, int frame, const OpContext& ctx) {
    const std::uint8_t f = static_cast<std::uint8_t>(frame);
    if (s.frames[f].in_use)
        consult_unmap_rule(folio_counts(s, f), Decision::migrate, ctx.policy.migrate, ctx);
    if (!can_migrate_start(s, frame, ctx)) return false;
    auto entry_kind = [&](bool writable, std::uint8_t page) {
        if (writable) return MigrationKind::writable;
        return ctx.policy.exclusive_entries && s.frames[page].anon_exclusive
                   ? MigrationKind::readable_exclusive
                   : MigrationKind::readable;
    };
    for (int pi = 0; pi < kMaxProcs; ++pi) {
        Process& p = s.procs[pi];
        if (!p.alive) continue;
        const std::uint8_t head = pmd_head(s, pi);
        if (head != kNone && same_folio(s, f, head)) {  // set_pmd_migration_entry()
            const MigrationKind kind = entry_kind(p.pte[0].writable, head);
            for (Pte& pte : p.pte) {
                if (pte.kind != PteKind::pmd) continue;
                --s.frames[pte.target].mapcount;
                pte = Pte{PteKind::pmd_migration, pte.target, 0, 0, kind};
            }
            --s.frames[head].refcount;  // the PMD's reference
        }
        for (Pte& pte : p.pte) {
            if (pte.kind != PteKind::present || !same_folio(s, f, pte.target)) continue;
            Frame& page = s.frames[pte.target];
            pte = Pte{PteKind::migration, pte.target, 0, 0, entry_kind(pte.writable, pte.target)};
            --page.mapcount;
            --page.refcount;
        }
    }
    for_each_page(s, f, [&](std::uint8_t g) {
        Frame& page = s.frames[g];
        page.anon_exclusive = 0;
        page.isolated = 1;
        ++page.refcount;
    });
    return true;
}

bool can_migrate_finish(const State& s, int frame) {
    const Frame& fr = s.frames[frame];
    return fr.in_use && fr.isolated && (fr.folio == kNone || fr.folio == frame);
}

// folio_migrate_mapping(): the refcount must freeze at the isolation's (+ the swapcache's), or
// the migration fails (-EAGAIN) and the entries are restored to the old folio. Then
// remove_migration_ptes(): each entry maps the new (or old) page again, writable if it was a
// writable entry, PageAnonExclusive unless it was a readable one (RMAP_EXCLUSIVE); a PMD
// migration entry becomes a PMD (remove_migration_pmd(), folio_add_anon_rmap_pmd()).
bool do_migrate_finish(State& s, int frame, const OpContext& ctx) {
    if (!can_migrate_finish(s, frame)) return false;
    const std::uint8_t f = static_cast<std::uint8_t>(frame);
    std::array<std::uint8_t, kMaxFrames> old_page{}, new_page{};
    int n = 0;
    for_each_page(s, f, [&](std::uint8_t g) { old_page[n++] = g; });
    const std::uint8_t sl = s.frames[f].swapcache;  // order-0 only: reclaim splits a THP
    const bool moved = folio_ref_count(s, f) == n + (sl != kNone ? 1 : 0);
    const bool large = s.frames[f].folio != kNone;
    for (int i = 0; i < n; ++i) {
        new_page[i] = old_page[i];
        if (!moved) continue;
        const std::uint8_t g = alloc_frame(s);
        new_page[i] = g;
        s.frames[g].data = s.frames[old_page[i]].data;
        if (large) s.frames[g].folio = new_page[0];
    }
    if (moved && sl != kNone) {  // the new folio takes over the swapcache entry
        s.frames[new_page[0]].swapcache = sl;
        s.frames[new_page[0]].refcount = 1;
        s.slots[sl].cache = new_page[0];
    }
    auto target = [&](std::uint8_t old) {
        for (int i = 0; i < n; ++i)
            if (old_page[i] == old) return new_page[i];
        return kNone;
    };
    const bool exclusive_flag = ctx.policy.anon_exclusive;
    for (int pi = 0; pi < kMaxProcs; ++pi) {
        Process& p = s.procs[pi];
        if (!p.alive) continue;
        if (pmd_migrating(s, pi) && target(p.pte[0].target) != kNone) {
            const MigrationKind kind = p.pte[0].migration;
            for (Pte& pte : p.pte) {
                if (pte.kind != PteKind::pmd_migration) continue;
                const std::uint8_t g = target(pte.target);
                pte = Pte{PteKind::pmd, g, kind == MigrationKind::writable, 0,
                          MigrationKind::readable};
                ++s.frames[g].mapcount;
            }
            ++s.frames[s.frames[new_page[0]].folio].refcount;  // the PMD's, on the head page
            if (exclusive_flag && kind != MigrationKind::readable)
                set_folio_anon_exclusive(s, new_page[0], true);
        }
        for (Pte& pte : p.pte) {
            if (pte.kind != PteKind::migration || target(pte.target) == kNone) continue;
            const MigrationKind kind = pte.migration;
            const std::uint8_t g = target(pte.target);
            map_present(s, pte, g, kind == MigrationKind::writable);
            if (exclusive_flag && kind != MigrationKind::readable) s.frames[g].anon_exclusive = 1;
        }
    }
    if (moved) {
        // A new folio no entry was left to map (each was zapped during the migration) and no
        // swapcache holds is freed when migration drops its reference.
        if (folio_ref_count(s, new_page[0]) == 0)
            for (int i = 0; i < n; ++i) s.frames[new_page[i]] = Frame{};
        for (int i = 0; i < n; ++i) s.frames[old_page[i]] = Frame{};
        return true;
    }
    for (int i = 0; i < n; ++i) s.frames[old_page[i]].isolated = 0;  // folio_putback_lru()
    for (int i = 0; i < n; ++i) put_frame(s, old_page[i]);
    return true;
}

}  // namespace cowpin
