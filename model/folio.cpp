#include "model/folio.hpp"

#include <algorithm>

#include "model/mm.hpp"

namespace cowpin {

int folio_ref_count(const State& s, std::uint8_t f) {
    int n = 0;
    for_each_page(s, f, [&](std::uint8_t g) { n += s.frames[g].refcount; });
    return n;
}

int folio_pins(const State& s, std::uint8_t f) {
    int n = 0;
    for_each_page(s, f, [&](std::uint8_t g) { n += s.frames[g].pins; });
    return n;
}

int folio_gup_refs(const State& s, std::uint8_t f) {
    int n = 0;
    for_each_page(s, f, [&](std::uint8_t g) { n += s.frames[g].pins + s.frames[g].gets; });
    return n;
}

bool folio_isolated(const State& s, std::uint8_t f) {
    bool isolated = false;
    for_each_page(s, f, [&](std::uint8_t g) { isolated |= s.frames[g].isolated != 0; });
    return isolated;
}

int folio_entire_mapcount(const State& s, std::uint8_t f) {
    const std::uint8_t head = s.frames[f].folio;
    if (head == kNone) return 0;
    int n = 0;
    for (int p = 0; p < kMaxProcs; ++p)
        if (s.procs[p].alive && pmd_head(s, p) == head) ++n;
    return n;
}

int folio_large_mapcount(const State& s, std::uint8_t f) {
    const int entire = folio_entire_mapcount(s, f);
    int ptes = 0;
    for_each_page(s, f, [&](std::uint8_t g) { ptes += s.frames[g].mapcount - entire; });
    return ptes + entire;
}

int folio_max_page_mapcount(const State& s, std::uint8_t f) {
    int most = 0;
    for_each_page(s, f, [&](std::uint8_t g) {
        const Frame& fr = s.frames[g];
        const int swapcount = fr.swapcache != kNone ? s.slots[fr.swapcache].count : 0;
        most = std::max(most, fr.mapcount + swapcount);
    });
    return most;
}

bool folio_mapped_by_other(const State& s, std::uint8_t f, int proc) {
    const std::uint8_t head = s.frames[f].folio;
    for (int p = 0; p < kMaxProcs; ++p) {
        if (p == proc || !s.procs[p].alive) continue;
        for (const Pte& pte : s.procs[p].pte) {
            const std::uint8_t g = pte_frame(s, pte);
            if (g != kNone && (g == f || (head != kNone && s.frames[g].folio == head))) return true;
        }
    }
    return false;
}

namespace mm {

void set_folio_anon_exclusive(State& s, std::uint8_t f, bool exclusive) {
    for_each_page(s, f, [&](std::uint8_t g) { s.frames[g].anon_exclusive = exclusive; });
}

void free_folio_if_unreferenced(State& s, std::uint8_t f) {
    if (folio_ref_count(s, f) == 0) for_each_page(s, f, [&](std::uint8_t g) { s.frames[g] = Frame{}; });
}

void split_pmd(State& s, int proc) {
    if (pmd_migrating(s, proc)) {
        for (Pte& pte : s.procs[proc].pte)
            if (pte.kind == PteKind::pmd_migration) pte.kind = PteKind::migration;
        return;
    }
    const std::uint8_t head = pmd_head(s, proc);
    if (head == kNone) return;
    for (Pte& pte : s.procs[proc].pte) {
        if (pte.kind != PteKind::pmd) continue;
        pte.kind = PteKind::present;  // page_mapcount() is unchanged: the PMD's share becomes a PTE
        ++s.frames[pte.target].refcount;
    }
    --s.frames[head].refcount;
}

void zap_pmd(State& s, int proc) {
    if (pmd_migrating(s, proc)) {
        const std::uint8_t page = s.procs[proc].pte[0].target;
        for (Pte& pte : s.procs[proc].pte)
            if (pte.kind == PteKind::pmd_migration) pte = Pte{};
        forget_if_only_isolated(s, page);
        return;
    }
    const std::uint8_t head = pmd_head(s, proc);
    if (head == kNone) return;
    for (Pte& pte : s.procs[proc].pte) {
        if (pte.kind != PteKind::pmd) continue;
        --s.frames[pte.target].mapcount;
        pte = Pte{};
    }
    --s.frames[head].refcount;
    free_folio_if_unreferenced(s, head);
}

// can_split_folio() (split_huge_page_to_list() ≤6.x, __folio_split() in 6.18): every reference
// but the caller's must be a mapping (folio_mapcount() == folio_ref_count() - extra_pins - 1),
// so a FOLL_PIN or FOLL_GET on any page refuses the split (-EBUSY, -EAGAIN from 6.x), in every
// era and before anything is unmapped; a folio isolated for migration is not split either.
bool can_split_folio(const State& s, std::uint8_t f) {
    const Frame& fr = s.frames[f];
    return fr.in_use && fr.folio != kNone && folio_gup_refs(s, f) == 0 && !folio_isolated(s, f);
}

// unmap_folio() splits every PMD mapping the folio (TTU_SPLIT_HUGE_PMD) and remap_page() maps
// each page back by a PTE, with its PageAnonExclusive carried in the migration entry (5.19+);
// then each page is an order-0 folio whose references are its PTEs', and a page nothing maps
// any more (its folio was partially unmapped) is freed (the tail loop of __split_huge_page()
// puts every new folio but the caller's).
void split_folio(State& s, std::uint8_t f) {
    const std::uint8_t head = s.frames[f].folio;
    for (int p = 0; p < kMaxProcs; ++p)
        if (s.procs[p].alive && pmd_head(s, p) == head) split_pmd(s, p);
    for (Frame& g : s.frames) {
        if (!g.in_use || g.folio != head) continue;
        g.folio = kNone;
        if (g.refcount == 0) g = Frame{};
    }
}

void share_pmd(State& s, int parent, int child) {
    Process& pp = s.procs[parent];
    Process& c = s.procs[child];
    const std::uint8_t head = pmd_head(s, parent);
    for (int v = 0; v < kMaxPages; ++v) {
        Pte& ppte = pp.pte[v];
        if (ppte.kind != PteKind::pmd) continue;
        ppte.writable = 0;  // pmdp_set_wrprotect()
        c.pte[v] = ppte;
        ++s.frames[ppte.target].mapcount;
    }
    ++s.frames[head].refcount;
    set_folio_anon_exclusive(s, head, false);  // page_try_dup_anon_rmap() on the compound page
}

}  // namespace mm

State initial_thp_state(int pages, bool anon_exclusive) {
    State s;
    Process& p0 = s.procs[0];
    p0.alive = 1;
    for (int v = 0; v < pages; ++v) {
        Frame& fr = s.frames[v];
        fr.in_use = 1;
        fr.folio = 0;
        fr.mapcount = 1;  // the PMD
        fr.data = static_cast<std::uint8_t>(v);
        fr.anon_exclusive = anon_exclusive;  // folio_add_new_anon_rmap()
        s.values[v] = Value{attached_cell(0, v), 0};
        p0.pte[v] = Pte{PteKind::pmd, static_cast<std::uint8_t>(v), 1, 0, MigrationKind::readable};
        p0.ideal[v] = static_cast<std::uint8_t>(v);
    }
    s.frames[0].refcount = 1;  // the PMD's reference
    return s;
}

}  // namespace cowpin
