// Large anonymous folios (a THP, MODEL.md §9): the folio-level counts the kernel reads, summed
// over the folio's pages, and the PMD mapping of a whole folio (map, split, zap). A large
// folio's pages are frames that share Frame::folio (the head page's frame); an order-0 page has
// folio == kNone and every function here reads it as a folio of one page.
#pragma once

#include <cstdint>

#include "model/state.hpp"

namespace cowpin {

// Calls fn(frame) for every page of f's folio (f alone for an order-0 page). It visits each
// frame once and compares with the head it read first, so fn may change the pages it is given.
template <class Fn>
void for_each_page(const State& s, std::uint8_t f, Fn&& fn) {
    const std::uint8_t head = s.frames[f].folio;
    if (head == kNone) {
        fn(f);
        return;
    }
    for (int g = 0; g < kMaxFrames; ++g)
        if (s.frames[g].in_use && s.frames[g].folio == head) fn(static_cast<std::uint8_t>(g));
}
// Whether frame g is a page of f's folio (g == f for an order-0 page).
inline bool same_folio(const State& s, std::uint8_t f, std::uint8_t g) {
    return g == f || (s.frames[f].folio != kNone && s.frames[g].folio == s.frames[f].folio);
}

// folio_ref_count(): the references of the page's folio.
int folio_ref_count(const State& s, std::uint8_t f);
// The FOLL_PIN references of the folio (folio_maybe_dma_pinned(), counted exactly).
int folio_pins(const State& s, std::uint8_t f);
// FOLL_PIN and FOLL_GET references of the folio.
int folio_gup_refs(const State& s, std::uint8_t f);
// A page of the folio is isolated for migration (folio_isolate_lru() took the folio).
bool folio_isolated(const State& s, std::uint8_t f);
// folio_entire_mapcount(): PMD mappings of the folio.
int folio_entire_mapcount(const State& s, std::uint8_t f);
// folio_mapcount() of a large folio (its "large mapcount" since 6.15): PTEs mapping any of its
// pages, plus PMD mappings.
int folio_large_mapcount(const State& s, std::uint8_t f);
// page_trans_huge_map_swapcount() of ≤5.8's reuse_swap_page(): the largest page_mapcount()
// (plus swap count) over the folio's pages.
int folio_max_page_mapcount(const State& s, std::uint8_t f);
// Whether a process other than `proc` maps a page of the folio: folio_maybe_mapped_shared(),
// exact while at most two MMs map it (MM_ID tracks two; the model's THP specs have two
// processes, and with more the kernel may only err towards "shared").
bool folio_mapped_by_other(const State& s, std::uint8_t f, int proc);
// The process maps its VMA with a PMD (pte[0] says so; all its entries agree).
inline bool pmd_mapped(const State& s, int proc) {
    return s.procs[proc].pte[0].kind == PteKind::pmd;
}
// The process's PMD is a migration entry (set_pmd_migration_entry()).
inline bool pmd_migrating(const State& s, int proc) {
    return s.procs[proc].pte[0].kind == PteKind::pmd_migration;
}
// The head page of the folio the process's PMD maps, or kNone where no PMD maps its VMA.
inline std::uint8_t pmd_head(const State& s, int proc) {
    const Pte& pte = s.procs[proc].pte[0];
    return pte.kind == PteKind::pmd ? s.frames[pte.target].folio : kNone;
}

namespace mm {

// Sets or clears PageAnonExclusive on every page of the folio: a PMD-mapped folio keeps one
// flag for all (the head's, which __split_huge_pmd_locked() copies to every PTE).
void set_folio_anon_exclusive(State& s, std::uint8_t f, bool exclusive);
// Frees the folio's pages once nothing references it.
void free_folio_if_unreferenced(State& s, std::uint8_t f);
// split_folio(): f's large folio becomes order-0 folios, where can_split_folio() allows.
bool can_split_folio(const State& s, std::uint8_t f);
void split_folio(State& s, std::uint8_t f);
// __split_huge_pmd(): the process's PMD becomes one PTE per page, same protection; the PMD's
// reference becomes one per PTE (folio_ref_add(HPAGE_PMD_NR - 1)). A PMD migration entry
// becomes one PTE migration entry per page, same kind (__split_huge_pmd_locked()). No-op
// without a PMD.
void split_pmd(State& s, int proc);
// zap_huge_pmd(): the process's PMD goes; folio_remove_rmap_pmd() and the PMD's reference. A
// PMD migration entry holds neither: it is cleared, and a migration left with nothing to
// restore forgets its folio (forget_if_only_isolated()).
void zap_pmd(State& s, int proc);
// The child maps the parent's PMD, write-protected in both (copy_huge_pmd() sharing it).
void share_pmd(State& s, int parent, int child);

}  // namespace mm

// P0's VMA as one PMD-mapped THP of `pages` pages, writable and exclusive, a value per page.
State initial_thp_state(int pages, bool anon_exclusive);

}  // namespace cowpin
