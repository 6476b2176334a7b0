// Process symmetry (canonicalize_symmetric(), state.hpp): live processes renamed into the
// lowest slots, ordered by a signature no renaming changes, ties tried in every order.
#include <algorithm>
#include <cstring>

#include "model/canonicalize.hpp"
#include "model/state.hpp"

namespace cowpin {

namespace {

// Process symmetry. A renaming is a map from old process slot to new slot; every field that
// names a process slot goes through it: the position in procs[], Process::parent,
// Handle::owner, Value::writer, and a Value::cell that is an attached cell
// (attached_cell(proc, vaddr)). Detached cells, handle slots, pages and Program are not renamed.
using ProcMap = std::array<std::uint8_t, kMaxProcs>;

std::uint8_t rename_proc(std::uint8_t p, const ProcMap& m) { return p < kMaxProcs ? m[p] : p; }

bool is_attached_cell(std::uint8_t cell) { return cell != kNone && !(cell & kDetachedCell); }

// s with processes renamed by m, in place: only the processes move, through a copy of them
// rather than of the whole 608-byte State (the common case, one candidate order, copied it
// twice: into a scratch state, then back).
void rename_in_place(State& s, const ProcMap& m, const Shape& shape) {
    const std::array<Process, kMaxProcs> procs = s.procs;
    for (int p = 0; p < shape.procs; ++p) {
        Process pr = procs[p];
        pr.parent = rename_proc(pr.parent, m);
        s.procs[m[p]] = pr;
    }
    for (int h = 0; h < shape.handles; ++h) {
        Handle& hd = s.handles[h];
        if (hd.in_use) hd.owner = rename_proc(hd.owner, m);
    }
    for (int v = 0; v < shape.values; ++v) {
        Value& val = s.values[v];
        val.writer = rename_proc(val.writer, m);
        if (is_attached_cell(val.cell)) {
            const auto owner = static_cast<std::uint8_t>(val.cell / kMaxPages);
            val.cell = attached_cell(rename_proc(owner, m), val.cell % kMaxPages);
        }
    }
}

// dst = src with processes renamed by m (dst and src are different objects).
void rename_into(State& dst, const State& src, const ProcMap& m, const Shape& shape) {
    copy_state(dst, src);
    rename_in_place(dst, m, shape);
}

// A process's signature is a 128-bit key of small fields, each read from the state without
// naming any process, frame, slot or value, so that no renaming changes it. Its fields are
// packed side by side rather than hashed: the keys of a state's processes are computed for every
// successor, and packing them costs a shift and an or per field where a hash costs a chain of
// dependent multiplies. A field is masked to its width, so a key stays a function of what it
// reads even in a state that breaks the width's assumption (a model bug).
using SigKey = unsigned __int128;

// Field widths, with the compile-time capacities they rely on.
// A page number is 2 bits of a key (kMaxPages 4). The fields keep the order of significance
// they had when it was 1 bit: with 2 pages or fewer the added bits are 0, so processes sort as
// they did, and the canonical forms of those states are the bytes they were.
inline constexpr int kRelationBits = 6;   // value_relation(): writer 2 bits, cell 4 bits
inline constexpr int kPageKeyBits = 39;   // page_key()
inline constexpr int kHandleKeyBits = 7;  // an owned handle, in SigContext::handles
static_assert(kMaxProcs <= 7 && kMaxProcs + kMaxHandles + 2 <= 15 && kMaxHandles <= 3,
              "mapcount, slot count (3 bits), refcount (4 bits), pins and gets (2 bits) fit");
static_assert(kMaxPages <= 4, "a page number is two bits of a key");
inline constexpr int kTreeKeyBits = 2 + 1 + 1 + 2 + kMaxHandles * kHandleKeyBits;  // tree_key()
// Pages 0 and 1 are packed side by side; the keys of pages 2 and 3 (a 4-page mTHP) are mixed
// into the bits left (kFoldBits): equal pages give equal bits, and a collision only makes two
// processes tie, which canonicalize_symmetric() resolves by trying both orders.
inline constexpr int kPackedPages = 2;
inline constexpr int kFoldBits = 128 - kTreeKeyBits - kPackedPages * kPageKeyBits;
static_assert(kFoldBits >= 16, "the folded keys of the other pages keep some bits");

// What every signature of a state reads about the other processes and the handles, computed
// once per state: live children and depth in the process tree per process, the handles each
// process owns, and which detached cells a handle holds.
struct SigContext {
    std::array<std::uint8_t, kMaxProcs> children{};
    std::array<std::uint8_t, kMaxProcs> depth{};      // 0 for a process without a parent
    std::array<std::uint32_t, kMaxProcs> handles{};   // kHandleKeyBits per owned handle
    std::uint32_t held_cells = 0;                     // bit c: an in-use handle holds cell c

    SigContext(const State& s, const Shape& shape) {
        for (int q = 0; q < shape.procs; ++q) {
            const std::uint8_t parent = s.procs[q].parent;
            if (s.procs[q].alive && parent < kMaxProcs) ++children[parent];
            int d = 0;
            for (std::uint8_t r = parent; r < kMaxProcs && d < kMaxProcs; r = s.procs[r].parent)
                ++d;
            depth[q] = static_cast<std::uint8_t>(d);
        }
        for (int h = 0; h < shape.handles; ++h) {
            const Handle& hd = s.handles[h];
            if (!hd.in_use) continue;
            if (hd.cell < 32) held_cells |= 1u << hd.cell;
            // Handle slots are not renamed, so a handle's slot is its place in the key.
            if (hd.owner < kMaxProcs)
                handles[hd.owner] |= (1u | std::uint32_t{hd.kind == HandleKind::get} << 1 |
                                      std::uint32_t{hd.write != 0} << 2 |
                                      std::uint32_t{hd.vaddr & 3u} << 3 |
                                      std::uint32_t{hd.cell == kNone} << 5 |
                                      std::uint32_t{hd.kind == HandleKind::short_pin} << 6)
                                     << (h * kHandleKeyBits);
        }
    }
    // Whether an in-use handle holds detached cell `cell` (canonicalize() forgets cells nobody
    // holds).
    bool cell_held(std::uint8_t cell) const { return cell < 32 && (held_cells >> cell & 1); }
};

// How a value relates to process p: who wrote it (nobody, p, another process) and whose cell
// it is (none, a detached cell a handle holds, p's or another's at which page). It reads the
// state as canonicalize_symmetric() leaves it: a detached cell no handle holds counts as no
// cell, and a writer that is not a live process as nobody.
// All ones for no value.
std::uint64_t value_relation(const State& s, int p, std::uint8_t value, const SigContext& ctx) {
    if (value == kNone) return (1u << kRelationBits) - 1;
    const Value& val = s.values[value];
    const std::uint64_t writer = dead_writer(s, val.writer) || val.writer == kNone ? 0
                                 : val.writer == p                              ? 1
                                                                                : 2;
    std::uint64_t cell = 0;
    if (val.cell == kNone)
        cell = 0;
    else if (val.cell & kDetachedCell)
        cell = ctx.cell_held(val.cell & ~kDetachedCell) ? 1 : 0;
    else  // attached: whose (self or other), and at which page (pages are not renamed)
        cell = (val.cell / kMaxPages == p ? 2u : 3u) |
               static_cast<std::uint64_t>(val.cell % kMaxPages & 3u) << 2;
    return writer | cell << 2;
}

// Page v of process p: its PTE, what p should see there and what it sees, the swap slot's
// count, and the counts of the frame the PTE leads to (kPageKeyBits bits).
std::uint64_t page_key(const State& s, int p, int v, const SigContext& ctx) {
    const Pte& pte = s.procs[p].pte[v];
    const std::uint8_t ideal = s.procs[p].ideal[v];
    // The frame the PTE leads to, looked up once: what p sees (view()) is read off it.
    const std::uint8_t f = pte_frame(s, pte);
    const std::uint8_t seen = view_through(s, pte, f);
    std::uint64_t k = static_cast<std::uint64_t>(pte.kind) | std::uint64_t{pte.writable & 1u} << 2 |
                      std::uint64_t{pte.swp_exclusive & 1u} << 3 |
                      static_cast<std::uint64_t>(pte.migration) << 4 |
                      std::uint64_t{ideal == kNone} << 6 | std::uint64_t{seen == ideal} << 7 |
                      value_relation(s, p, ideal, ctx) << 8 |
                      value_relation(s, p, seen, ctx) << (8 + kRelationBits);
    if (pte.kind == PteKind::swap) {
        const Slot& sl = s.slots[pte.target];
        k |= std::uint64_t{sl.count & 7u} << 20 | std::uint64_t{sl.cache != kNone} << 23;
    }
    if (f == kNone) return k | std::uint64_t{1} << 24;
    const Frame& fr = s.frames[f];
    return k | std::uint64_t{fr.mapcount & 7u} << 25 | std::uint64_t{fr.refcount & 15u} << 28 |
           std::uint64_t{fr.pins & 3u} << 32 | std::uint64_t{fr.gets & 3u} << 34 |
           std::uint64_t{fr.anon_exclusive & 1u} << 36 |
           std::uint64_t{fr.swapcache != kNone} << 37 | std::uint64_t{fr.isolated & 1u} << 38;
}

// The signature of live process p is tree_key() | pages_key(). tree_key() is its top bits: its
// place in the process tree (depth first, so that parents sort before their children) and the
// handles it owns; pages_key() is page_key() of each page.
SigKey tree_key(const State& s, int p, const SigContext& ctx) {
    const Process& pr = s.procs[p];
    return static_cast<SigKey>(ctx.depth[p] & 3u) << 126 |
           static_cast<SigKey>(pr.has_pinned & 1u) << 125 |
           static_cast<SigKey>(pr.parent == kNone) << 124 |
           static_cast<SigKey>(ctx.children[p] & 3u) << 122 |
           static_cast<SigKey>(ctx.handles[p]) << (128 - kTreeKeyBits);
}
SigKey pages_key(const State& s, int p, const Shape& shape, const SigContext& ctx) {
    SigKey k = 0;
    const int packed = std::min<int>(shape.pages, kPackedPages);
    for (int v = 0; v < packed; ++v)
        k |= static_cast<SigKey>(page_key(s, p, v, ctx)) << (v * kPageKeyBits);
    if (shape.pages <= kPackedPages) return k;
    std::uint64_t fold = 0;  // the other pages, mixed in address order (pages are not renamed)
    for (int v = kPackedPages; v < shape.pages; ++v) {
        fold = (fold ^ page_key(s, p, v, ctx)) * 0x9E3779B97F4A7C15ull;
        fold ^= fold >> 29;
    }
    const std::uint64_t mask = (std::uint64_t{1} << kFoldBits) - 1;
    return k | static_cast<SigKey>(fold & mask) << (kPackedPages * kPageKeyBits);
}

}  // namespace

void canonicalize_symmetric(State& s, const Shape& shape) {
    const int nprocs = std::min<int>(shape.procs, kMaxProcs);
    // Values whose writer is not a live process forget it (it only labels leak messages), so
    // dead slots name nothing and are interchangeable; canonicalize_values() forgets them.
    // Signatures are read before that: they name no frame, slot or value, and value_relation()
    // reads detached cells and writers as they will be left, so they are those of the canonical
    // form, and each candidate renaming is canonicalized once.

    // order[k]: the old slot that takes new slot k. Live processes by signature, then dead slots
    // in slot order (nothing names them any more).
    std::array<SigKey, kMaxProcs> sig{};
    ProcMap order{};
    int live = 0;
    for (int p = 0; p < nprocs; ++p)
        if (s.procs[p].alive) order[live++] = static_cast<std::uint8_t>(p);
    // Insertion sort of order[b, e), stable (at most kMaxProcs entries; std::stable_sort
    // allocates a buffer).
    auto sort = [&](int b, int e) {
        for (int i = b + 1; i < e; ++i)
            for (int j = i; j > b && sig[order[j]] < sig[order[j - 1]]; --j)
                std::swap(order[j], order[j - 1]);
    };
    // (A lone live process takes slot 0 whatever its signature.)
    if (live > 1) {
        const SigContext ctx(s, shape);
        for (int k = 0; k < live; ++k) sig[order[k]] = tree_key(s, order[k], ctx);
        sort(0, live);
        // The page keys only order processes whose tree keys are equal, so only those get them
        // (a stable sort by tree key, then of each run of equal ones by the whole signature, is
        // the stable sort by the whole signature). In the first 3 M states of (3,2,2,2), 12% of
        // the live processes of successors needed them; in (2,1,2,1), none.
        for (int b = 0, e; b < live; b = e) {
            for (e = b + 1; e < live && sig[order[e]] == sig[order[b]];) ++e;
            if (e - b == 1) continue;
            for (int k = b; k < e; ++k) sig[order[k]] |= pages_key(s, order[k], shape, ctx);
            sort(b, e);
        }
    }
    int next = live;
    for (int p = 0; p < nprocs; ++p)
        if (!s.procs[p].alive) order[next++] = static_cast<std::uint8_t>(p);

    auto to_map = [&] {
        ProcMap m{};
        for (int p = 0; p < kMaxProcs; ++p) m[p] = static_cast<std::uint8_t>(p);
        for (int k = 0; k < nprocs; ++k) m[order[k]] = static_cast<std::uint8_t>(k);
        return m;
    };
    bool ties = false, identity = true;
    for (int k = 0; k < nprocs; ++k) {
        identity &= order[k] == k;
        ties |= k > 0 && k < live && sig[order[k]] == sig[order[k - 1]];
    }
    if (!ties) {  // the common case: one candidate
        if (!identity) rename_in_place(s, to_map(), shape);
        canonicalize_values(s, shape, nullptr, true);
        return;
    }

    // Every order consistent with the signatures: the product of the permutations of each tie
    // group (each group starts in ascending slot order, as next_permutation wants). Keep the
    // least canonical bytes.
    State best;
    bool have = false;
    for (;;) {
        State c;
        rename_into(c, s, to_map(), shape);
        canonicalize_values(c, shape, nullptr, true);
        if (!have || std::memcmp(&c, &best, sizeof(State)) < 0) best = c;
        have = true;
        bool advanced = false;
        for (int end = live; end > 0 && !advanced;) {
            int begin = end - 1;
            while (begin > 0 && sig[order[begin - 1]] == sig[order[end - 1]]) --begin;
            advanced = end - begin > 1 &&
                       std::next_permutation(order.begin() + begin, order.begin() + end);
            end = begin;
        }
        if (!advanced) break;
    }
    s = best;
}

}  // namespace cowpin
