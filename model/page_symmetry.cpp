// Page and handle symmetry (canonicalize_reduced(), state.hpp): the pages of the VMA and the
// handle slots renamed, on top of process symmetry, as Ip & Dill's scalarsets.
//
// A page renaming is one permutation of page numbers applied to every process (all processes
// share one VMA layout): Process::pte[], ideal[], the dontcopy bits, Handle::vaddr and the page
// of an attached cell (attached_cell(proc, vaddr)). A handle renaming permutes the handle slots;
// nothing in a state names a handle slot (detached cell ids are renumbered by canonicalize()).
//
// Why these are symmetries of the exhaustive form on base pages: every page and handle action
// family is offered for every page and every handle alike; each page is its own order-0 folio,
// so nothing relates page v to page v + 1; munmap and mprotect act on one page; fork and exit
// treat all pages alike; a GUP takes the lowest free handle slot, and free slots are all
// Handle{}, so taking another free slot gives a renaming of the same successor. Large folios
// (memory "thp") give a page's place in its folio meaning, and split_pmd and collapse act on
// page 0 only; hugetlb is left out as well (its model page is a whole huge page): pages are
// only renamed on base memory (CowModel decides). Invariants quantify over all pages and
// handles.
//
// Canonical form: pages ordered by a signature no renaming changes, handles likewise (free
// slots last); every order of each run of equal signatures is tried, each candidate then gets
// its process-canonical form (canonicalize_symmetric(), or canonicalize() without process
// symmetry), and the least state as bytes wins. The signatures of a renamed state are those of
// the original moved along, so the candidates of every state of an orbit are the same states
// up to process renaming, which the process-canonical form removes: the result is a function
// of the orbit. Were a signature not invariant the result would still be a renaming of the
// state (sound), only less reduced.
#include <algorithm>
#include <cstring>

#include "model/canonicalize.hpp"
#include "model/state.hpp"

namespace cowpin {

namespace {

using PageMap = std::array<std::uint8_t, kMaxPages>;      // order[k]: old page taking new k
using HandleMap = std::array<std::uint8_t, kMaxHandles>;  // order[k]: old slot taking new k

constexpr std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 31;
    x *= 0x9E3779B97F4A7C15ull;
    x ^= x >> 29;
    return x;
}

// How value `value` relates to page v of process p, naming no process, page, handle, frame or
// value: who wrote it (nobody or an exited process, p, another live process) and whose cell it
// is (none or a detached cell, (p, v) itself, another page of p, a page of another process).
std::uint64_t value_relation(const State& s, int p, int v, std::uint8_t value) {
    if (value == kNone) return 15;
    const Value& val = s.values[value];
    const std::uint64_t writer = dead_writer(s, val.writer) || val.writer == kNone ? 0
                                 : val.writer == p                              ? 1
                                                                                : 2;
    std::uint64_t cell = 0;
    if (val.cell != kNone && !(val.cell & kDetachedCell))
        cell = val.cell == attached_cell(p, v) ? 1 : val.cell / kMaxPages == p ? 2 : 3;
    return writer | cell << 2;
}

// The counts of frame f (kNone: none), naming nothing.
std::uint64_t frame_key(const State& s, std::uint8_t f) {
    if (f == kNone) return 1;
    const Frame& fr = s.frames[f];
    return std::uint64_t{fr.mapcount & 7u} << 1 | std::uint64_t{fr.refcount & 15u} << 4 |
           std::uint64_t{fr.pins & 3u} << 8 | std::uint64_t{fr.gets & 3u} << 10 |
           std::uint64_t{fr.anon_exclusive & 1u} << 12 |
           std::uint64_t{fr.swapcache != kNone} << 13 | std::uint64_t{fr.isolated & 1u} << 14;
}

// The handles taken at each page of each process, as page_key() folds them in: per (owner,
// vaddr), one bit per handle at its kind, cell and write flags (a sum: no slot order). Computed
// once per state, not once per page and process. 16 bits a page: a bit position is at most 11
// and at most kMaxHandles handles add up at one (32 bytes to clear, not 128).
struct HandlesAt {
    std::uint16_t at[kMaxProcs][kMaxPages] = {};
    HandlesAt(const State& s, const Shape& shape) {
        for (int h = 0; h < shape.handles; ++h) {
            const Handle& hd = s.handles[h];
            if (!hd.in_use || hd.owner >= kMaxProcs || hd.vaddr >= kMaxPages) continue;
            at[hd.owner][hd.vaddr] += static_cast<std::uint16_t>(
                1u << (static_cast<int>(hd.kind) * 4 + 2 * (hd.cell == kNone) + (hd.write != 0)));
        }
    }
};
static_assert(static_cast<int>(HandleKind::short_pin) * 4 + 3 + 2 < 16, "a page's handles fit");

// mix(handles + 0x51) for a page no handle is taken at (most pages): one multiply chain fewer.
inline constexpr std::uint64_t kNoHandlesMix = mix(0x51);

// Page v of live process p: its PTE, dontcopy bit, what p should see and sees there, the
// frame's and slot's counts, and the handles taken there.
std::uint64_t page_key(const State& s, int p, int v, const HandlesAt& handles_at) {
    const Process& pr = s.procs[p];
    const Pte& pte = pr.pte[v];
    const std::uint8_t ideal = pr.ideal[v];
    const std::uint8_t f = pte_frame(s, pte);
    const std::uint8_t seen = view_through(s, pte, f);
    std::uint64_t k = static_cast<std::uint64_t>(pte.kind) |
                      std::uint64_t{pte.writable & 1u} << 3 |
                      std::uint64_t{pte.swp_exclusive & 1u} << 4 |
                      static_cast<std::uint64_t>(pte.migration) << 5 |
                      std::uint64_t{pr.dontcopy >> v & 1u} << 7 |
                      std::uint64_t{ideal == kNone} << 8 | std::uint64_t{seen == ideal} << 9 |
                      value_relation(s, p, v, ideal) << 10 | value_relation(s, p, v, seen) << 14 |
                      frame_key(s, f) << 18;
    if (pte.kind == PteKind::swap) {
        const Slot& sl = s.slots[pte.target];
        k |= std::uint64_t{sl.count & 7u} << 33 | std::uint64_t{sl.cache != kNone} << 36;
    }
    const std::uint64_t handles = handles_at.at[p][v];
    return mix(k ^ (handles == 0 ? kNoHandlesMix : mix(handles + 0x51)));
}

// A page's signature: the sum of page_key() over live processes (a sum: no process order).
std::uint64_t page_signature(const State& s, int v, const Shape& shape, const HandlesAt& handles_at) {
    std::uint64_t sig = 0;
    for (int p = 0; p < shape.procs; ++p)
        if (s.procs[p].alive) sig += mix(page_key(s, p, v, handles_at) + 0x2545F4914F6CDD1Dull);
    return sig;
}

// A handle's signature: its own fields that name nothing, how its frame and its owner's PTE at
// its address relate to it, and its frame's counts. Free slots sort last.
std::uint64_t handle_signature(const State& s, int h) {
    const Handle& hd = s.handles[h];
    if (!hd.in_use) return ~std::uint64_t{0};
    std::uint64_t k = static_cast<std::uint64_t>(hd.kind) | std::uint64_t{hd.write & 1u} << 2 |
                      std::uint64_t{hd.owner == kNone} << 3 | std::uint64_t{hd.cell == kNone} << 4 |
                      frame_key(s, hd.frame) << 5;
    if (hd.frame < kMaxFrames) {
        const std::uint8_t data = s.frames[hd.frame].data;
        k |= std::uint64_t{hd.baseline == data} << 20 | std::uint64_t{hd.expect == data} << 21;
    }
    if (hd.owner < kMaxProcs && hd.vaddr < kMaxPages && hd.frame < kMaxFrames) {
        const Process& pr = s.procs[hd.owner];
        k |= std::uint64_t{pte_frame(s, pr.pte[hd.vaddr]) == hd.frame} << 22 |
             std::uint64_t{pr.ideal[hd.vaddr] == s.frames[hd.frame].data} << 23 |
             std::uint64_t{pr.alive & 1u} << 24;
    }
    return mix(k) >> 1;  // below the free slots' all ones
}

// s with page old_page[k] renamed k and handle slot old_slot[k] renamed k, in place: only the
// processes and handles are copied first, not the whole state.
void rename_in_place(State& s, const PageMap& pages, const HandleMap& slots, const Shape& shape) {
    PageMap to{};  // old page → new page
    for (int v = 0; v < kMaxPages; ++v) to[v] = static_cast<std::uint8_t>(v);
    for (int k = 0; k < shape.pages; ++k) to[pages[k]] = static_cast<std::uint8_t>(k);
    for (int p = 0; p < shape.procs; ++p) {
        const Process from = s.procs[p];
        Process& pr = s.procs[p];
        std::uint8_t dontcopy = from.dontcopy;
        for (int k = 0; k < shape.pages; ++k) {
            const int v = pages[k];
            pr.pte[k] = from.pte[v];
            pr.ideal[k] = from.ideal[v];
            dontcopy = static_cast<std::uint8_t>((dontcopy & ~(1u << k)) |
                                                 ((from.dontcopy >> v & 1u) << k));
        }
        pr.dontcopy = dontcopy;
    }
    const std::array<Handle, kMaxHandles> handles = s.handles;
    for (int k = 0; k < shape.handles; ++k) {
        Handle& hd = s.handles[k];
        hd = handles[slots[k]];
        if (hd.in_use && hd.vaddr < kMaxPages) hd.vaddr = to[hd.vaddr];
    }
    for (int i = 0; i < shape.values; ++i) {
        Value& val = s.values[i];
        if (val.cell != kNone && !(val.cell & kDetachedCell))
            val.cell = attached_cell(val.cell / kMaxPages, to[val.cell % kMaxPages]);
    }
}

// dst = src with pages and handle slots renamed (dst and src are different objects).
void rename_into(State& dst, const State& src, const PageMap& pages, const HandleMap& slots,
                 const Shape& shape) {
    copy_state(dst, src);
    rename_in_place(dst, pages, slots, shape);
}

// Insertion sort of order[b, e) by key (a handful of entries), stable.
template <class Order>
void sort_by(Order& order, const std::uint64_t* key, int b, int e) {
    e = std::min<int>(e, static_cast<int>(order.size()));
    for (int i = b + 1; i < e; ++i)
        for (int j = i; j > b && key[order[j]] < key[order[j - 1]]; --j)
            std::swap(order[j], order[j - 1]);
}

// Advance order[0, n) to the next order consistent with the keys (the product of the
// permutations of each run of equal keys, each run starting sorted by slot); false after the
// last.
template <class Order>
bool next_tie_order(Order& order, const std::uint64_t* key, int n) {
    n = std::min<int>(n, static_cast<int>(order.size()));
    for (int end = n; end > 0;) {
        int begin = end - 1;
        while (begin > 0 && key[order[begin - 1]] == key[order[end - 1]]) --begin;
        if (end - begin > 1 && std::next_permutation(order.begin() + begin, order.begin() + end))
            return true;
        end = begin;
    }
    return false;
}

template <class Order>
bool has_ties(const Order& order, const std::uint64_t* key, int n) {
    n = std::min<int>(n, static_cast<int>(order.size()));
    for (int k = 1; k < n; ++k)
        if (key[order[k]] == key[order[k - 1]]) return true;
    return false;
}

void process_canonical(State& s, const Shape& shape, bool procs) {
    if (procs)
        canonicalize_symmetric(s, shape);
    else
        canonicalize(s, shape);
}

// Pages and handles renamed, then processes (canonicalize_reduced() with two or more pages or
// handle slots to rename). Out of line: its candidate states are on its stack, which the
// common case, no pages or handles to rename, does not pay to set up.
[[gnu::noinline]] void reduce_pages_and_handles(State& s, const Shape& shape,
                                                const Symmetry& symmetry, int npages, int nslots) {
    std::uint64_t page_sig[kMaxPages] = {}, slot_sig[kMaxHandles] = {};
    PageMap pages{};
    HandleMap slots{};
    for (int v = 0; v < kMaxPages; ++v) pages[v] = static_cast<std::uint8_t>(v);
    for (int h = 0; h < kMaxHandles; ++h) slots[h] = static_cast<std::uint8_t>(h);
    if (npages >= 2) {  // one page has no other to trade places with
        const HandlesAt handles_at(s, shape);
        for (int v = 0; v < npages; ++v) page_sig[v] = page_signature(s, v, shape, handles_at);
    }
    int used = 0;  // in-use handles: free slots are all Handle{} and need no trying
    for (int h = 0; h < nslots; ++h) {
        slot_sig[h] = handle_signature(s, h);
        used += s.handles[h].in_use != 0;
    }
    sort_by(pages, page_sig, 0, npages);
    sort_by(slots, slot_sig, 0, nslots);
    // Ties among handles are runs of equal signatures (run[h]: the sorted position where h's run
    // starts). A run of handles equal byte for byte (two pins of one page by one process,
    // alike) gives the same state in every order: its members count as untied, so one order is
    // tried. Every renaming keeps such handles equal, so this is still a function of the orbit.
    std::uint64_t run[kMaxHandles] = {};
    for (int k = 0; k < used; ++k)
        run[slots[k]] = k > 0 && slot_sig[slots[k]] == slot_sig[slots[k - 1]] ? run[slots[k - 1]]
                                                                           : std::uint64_t(k);
    for (int b = 0, e; b < used; b = e) {
        bool alike = true;
        for (e = b + 1; e < used && run[slots[e]] == run[slots[b]]; ++e)
            alike &= std::memcmp(&s.handles[slots[e]], &s.handles[slots[b]], sizeof(Handle)) == 0;
        if (alike)
            for (int k = b; k < e; ++k) run[slots[k]] = static_cast<std::uint64_t>(k);
    }

    if (!has_ties(pages, page_sig, npages) && !has_ties(slots, run, used)) {
        bool identity = true;
        for (int k = 0; k < npages; ++k) identity &= pages[k] == k;
        for (int k = 0; k < nslots; ++k) identity &= slots[k] == k;
        if (!identity) rename_in_place(s, pages, slots, shape);
        return process_canonical(s, shape, symmetry.procs);
    }

    State best;
    bool have = false;
    const PageMap first_pages = pages;
    for (;;) {
        for (;;) {
            State c;
            rename_into(c, s, pages, slots, shape);
            process_canonical(c, shape, symmetry.procs);
            if (!have || std::memcmp(&c, &best, sizeof(State)) < 0) copy_state(best, c);
            have = true;
            if (!next_tie_order(pages, page_sig, npages)) break;
        }
        pages = first_pages;
        if (!next_tie_order(slots, run, used)) break;
    }
    copy_state(s, best);
}

}  // namespace

void canonicalize_reduced(State& s, const Shape& shape, const Symmetry& symmetry) {
    const int npages = symmetry.pages ? std::min<int>(shape.pages, kMaxPages) : 0;
    const int nslots = symmetry.handles ? std::min<int>(shape.handles, kMaxHandles) : 0;
    if (npages < 2 && nslots < 2) return process_canonical(s, shape, symmetry.procs);
    reduce_pages_and_handles(s, shape, symmetry, npages, nslots);
}

}  // namespace cowpin
