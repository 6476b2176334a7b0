#include "model/state.hpp"

#include <algorithm>
#include <cstring>

namespace cowpin {

Shape Shape::for_bounds(int procs, int pages, int handles, int slots) {
    Shape sh;
    sh.procs = static_cast<std::uint8_t>(procs);
    sh.pages = static_cast<std::uint8_t>(pages);
    sh.handles = static_cast<std::uint8_t>(handles);
    sh.slots = static_cast<std::uint8_t>(slots);
    sh.frames = static_cast<std::uint8_t>(std::min(kMaxFrames, procs * pages + handles + slots + 1));
    sh.values = static_cast<std::uint8_t>(
        std::min(kMaxValues, procs * pages + sh.frames + slots + 2 * handles + 1));
    sh.stored_frames = static_cast<std::uint8_t>(std::min(kMaxFrames, procs * pages + handles + slots));
    sh.stored_values = static_cast<std::uint8_t>(
        std::min(kMaxValues, procs * pages + sh.stored_frames + slots + 2 * handles));
    return sh;
}

void canonicalize(State& s, std::array<std::uint8_t, kMaxFrames>* frame_map) {
    canonicalize(s, Shape::full(), frame_map);
}

namespace {

// An array of N T's that is not initialised (T's default member initialisers do not run): a
// scratch copy that is written before it is read.
template <class T, int N>
union Scratch {
    Scratch() {}
    T at[N];
};

// Whether a value's writer names no live process (an exited one, or no slot at all).
bool dead_writer(const State& s, std::uint8_t writer) {
    return writer != kNone && (writer >= kMaxProcs || !s.procs[writer].alive);
}

// canonicalize(); with forget_dead_writers, values whose writer is not a live process also
// forget it (canonicalize_symmetric()).
//
// The walk and the renumbering are written without data-dependent branches where they can be
// (a lookup table has one extra entry standing for kNone): a successor's fields are different
// every time, so branches on them mispredict, and this runs once per transition.
void canonicalize_values(State& s, const Shape& shape,
                         std::array<std::uint8_t, kMaxFrames>* frame_map, bool forget_dead_writers) {
    const int P = shape.procs, V = shape.pages, H = shape.handles;
    const int F = shape.frames, S = shape.slots, NV = shape.values;

    // Frames and slots by first reference: processes in slot order, PTEs in page order, then
    // handles, then in-use frames and slots nothing references (a model bug, kept so that
    // refcounts_consistent reports them). fmap/smap: old → new; forder/sorder: new → old.
    std::uint8_t fmap[kMaxFrames], smap[kMaxSlots], forder[kMaxFrames], sorder[kMaxSlots];
    std::memset(fmap, 0xFF, sizeof fmap);
    std::memset(smap, 0xFF, sizeof smap);
    std::uint8_t nf = 0, ns = 0;
    // A frame, the slot it caches, that slot's cached frame, ... (swapcache links).
    auto visit_frame = [&](std::uint8_t f) {
        while (f != kNone && fmap[f] == kNone) {
            fmap[f] = nf;
            forder[nf++] = f;
            const std::uint8_t sl = s.frames[f].swapcache;
            if (sl == kNone || smap[sl] != kNone) return;
            smap[sl] = ns;
            sorder[ns++] = sl;
            f = s.slots[sl].cache;
        }
    };
    auto visit_slot = [&](std::uint8_t sl) {
        if (sl == kNone || smap[sl] != kNone) return;
        smap[sl] = ns;
        sorder[ns++] = sl;
        visit_frame(s.slots[sl].cache);
    };
    for (int pi = 0; pi < P; ++pi) {
        const Process& p = s.procs[pi];
        if (!p.alive) continue;
        for (int v = 0; v < V; ++v) {
            const Pte& pte = p.pte[v];
            if (pte.kind == PteKind::present || pte.kind == PteKind::migration)
                visit_frame(pte.target);
            else if (pte.kind == PteKind::swap)
                visit_slot(pte.target);
        }
    }
    for (int h = 0; h < H; ++h)
        if (s.handles[h].in_use) visit_frame(s.handles[h].frame);
    bool identity = true;
    for (int f = 0; f < F; ++f) {
        const bool used = s.frames[f].in_use;
        if (used && fmap[f] == kNone) visit_frame(static_cast<std::uint8_t>(f));
        identity &= fmap[f] == (used ? f : kNone);
    }
    for (int sl = 0; sl < S; ++sl) {
        const bool used = s.slots[sl].in_use;
        if (used && smap[sl] == kNone) visit_slot(static_cast<std::uint8_t>(sl));
        identity &= smap[sl] == (used ? sl : kNone);
    }
    if (frame_map) {
        frame_map->fill(kNone);
        std::memcpy(frame_map->data(), fmap, F);
    }

    // Values by first reference: ideal cells, frames and slots in their new order, handles'
    // expect and baseline; then detached cells by first reference from a handle. vmap[kNoneAt]
    // is kNone, so vmap[at(v)] maps kNone to kNone.
    constexpr int kNoneAt = kMaxValues;
    auto at = [](std::uint8_t v) { return v == kNone ? kNoneAt : v; };
    std::uint8_t vmap[kMaxValues + 1];
    std::memset(vmap, 0xFF, sizeof vmap);
    std::uint8_t nv = 0;
    auto number = [&](std::uint8_t v) {
        const int i = at(v);
        const bool fresh = (vmap[i] == kNone) & (i != kNoneAt);
        vmap[i] = fresh ? nv : vmap[i];
        identity &= !fresh | (nv == v);
        nv += fresh;
    };
    for (int p = 0; p < P; ++p)
        for (int v = 0; v < V; ++v) number(s.procs[p].ideal[v]);
    for (int i = 0; i < nf; ++i) number(s.frames[forder[i]].data);
    for (int i = 0; i < ns; ++i) number(s.slots[sorder[i]].data);
    std::uint8_t cmap[kMaxHandles + 1];  // detached cell ids; cmap[kMaxHandles] for kNone
    std::memset(cmap, 0xFF, sizeof cmap);
    std::uint8_t nc = 0;
    for (int hi = 0; hi < H; ++hi) {
        const Handle& h = s.handles[hi];
        if (!h.in_use) continue;
        number(h.expect);
        number(h.baseline);
        const int c = h.cell == kNone ? kMaxHandles : h.cell;
        const bool fresh = (cmap[c] == kNone) & (c != kMaxHandles);
        cmap[c] = fresh ? nc : cmap[c];
        identity &= !fresh | (nc == h.cell);
        nc += fresh;
    }
    // A value record nobody references, or a detached cell no handle holds, is garbage. Still
    // the identity, values 0..nv-1 are the referenced ones and cells 0..nc-1 the held ones, so
    // the rest of the table must hold defaults and no value may name a cell past nc.
    static const State kDefault{};
    if (identity) {
        identity = std::memcmp(&s.values[nv], &kDefault.values[nv], (NV - nv) * sizeof(Value)) == 0;
        for (int v = 0; v < nv; ++v) {
            const std::uint8_t cell = s.values[v].cell;
            identity &= cell == kNone || !(cell & kDetachedCell) || (cell & (kDetachedCell - 1)) < nc;
            identity &= !(forget_dead_writers && dead_writer(s, s.values[v].writer));
        }
    }
    if (identity) return;

    // Rebuild frames, slots and values in their new order; the rest of the shape's entries
    // become their defaults. (The scratch arrays are left uninitialised: only their first
    // nf, ns and NV entries are written and read.)
    Scratch<Frame, kMaxFrames> frames_buf;
    Frame* frames = frames_buf.at;
    for (int i = 0; i < nf; ++i) {
        Frame fr = s.frames[forder[i]];
        if (!fr.in_use) fr = Frame{};  // referenced but not in use (a model bug): dropped
        fr.swapcache = fr.swapcache == kNone ? kNone : smap[fr.swapcache];
        fr.data = vmap[at(fr.data)];
        frames[i] = fr;
    }
    Scratch<Slot, kMaxSlots> slots_buf;
    Slot* slots = slots_buf.at;
    for (int i = 0; i < ns; ++i) {
        Slot sl = s.slots[sorder[i]];
        if (!sl.in_use) sl = Slot{};
        sl.cache = sl.cache == kNone ? kNone : fmap[sl.cache];
        sl.data = vmap[at(sl.data)];
        slots[i] = sl;
    }
    Scratch<Value, kMaxValues> values_buf;
    Value* values = values_buf.at;
    std::memcpy(values, kDefault.values.data(), NV * sizeof(Value));
    for (int v = 0; v < NV; ++v) {
        if (vmap[v] == kNone) continue;
        Value val = s.values[v];
        if (forget_dead_writers && dead_writer(s, val.writer)) val.writer = kNone;
        if (val.cell != kNone && (val.cell & kDetachedCell)) {
            const std::uint8_t c = cmap[val.cell & (kDetachedCell - 1)];
            // A detached cell no handle holds any more is no cell: nobody can observe it.
            val.cell = c == kNone ? kNone : static_cast<std::uint8_t>(c | kDetachedCell);
        }
        values[vmap[v]] = val;
    }
    std::memcpy(s.frames.data(), frames, nf * sizeof(Frame));
    std::memcpy(s.frames.data() + nf, kDefault.frames.data() + nf, (F - nf) * sizeof(Frame));
    std::memcpy(s.slots.data(), slots, ns * sizeof(Slot));
    std::memcpy(s.slots.data() + ns, kDefault.slots.data() + ns, (S - ns) * sizeof(Slot));
    std::memcpy(s.values.data(), values, NV * sizeof(Value));
    for (int pi = 0; pi < P; ++pi) {
        Process& p = s.procs[pi];
        for (int v = 0; v < V; ++v) {
            Pte& pte = p.pte[v];
            if (pte.kind == PteKind::present || pte.kind == PteKind::migration)
                pte.target = fmap[pte.target];
            else if (pte.kind == PteKind::swap)
                pte.target = smap[pte.target];
            p.ideal[v] = vmap[at(p.ideal[v])];
        }
    }
    for (int hi = 0; hi < H; ++hi) {
        Handle& h = s.handles[hi];
        if (!h.in_use) continue;
        h.frame = h.frame == kNone ? kNone : fmap[h.frame];
        h.expect = vmap[at(h.expect)];
        h.baseline = vmap[at(h.baseline)];
        if (h.cell != kNone) h.cell = cmap[h.cell];
    }
}

}  // namespace

void canonicalize(State& s, const Shape& shape, std::array<std::uint8_t, kMaxFrames>* frame_map) {
    canonicalize_values(s, shape, frame_map, false);
}

namespace {

// Process symmetry. A renaming is a map from old process slot to new slot; every field that
// names a process slot goes through it: the position in procs[], Process::parent,
// Handle::owner, Value::writer, and a Value::cell that is an attached cell
// (attached_cell(proc, vaddr)). Detached cells, handle slots, pages and Program are not renamed.
using ProcMap = std::array<std::uint8_t, kMaxProcs>;

std::uint8_t rename_proc(std::uint8_t p, const ProcMap& m) { return p < kMaxProcs ? m[p] : p; }

bool is_attached_cell(std::uint8_t cell) { return cell != kNone && !(cell & kDetachedCell); }

// dst = src with processes renamed by m (dst and src are different objects).
void rename_into(State& dst, const State& src, const ProcMap& m, const Shape& shape) {
    copy_state(dst, src);
    for (int p = 0; p < shape.procs; ++p) {
        Process pr = src.procs[p];
        pr.parent = rename_proc(pr.parent, m);
        dst.procs[m[p]] = pr;
    }
    for (int h = 0; h < shape.handles; ++h) {
        Handle& hd = dst.handles[h];
        if (hd.in_use) hd.owner = rename_proc(hd.owner, m);
    }
    for (int v = 0; v < shape.values; ++v) {
        Value& val = dst.values[v];
        val.writer = rename_proc(val.writer, m);
        if (is_attached_cell(val.cell)) {
            const auto owner = static_cast<std::uint8_t>(val.cell / kMaxPages);
            val.cell = attached_cell(rename_proc(owner, m), val.cell % kMaxPages);
        }
    }
}

// A process's signature is a 128-bit key of small fields, each read from the state without
// naming any process, frame, slot or value, so that no renaming changes it. Its fields are
// packed side by side rather than hashed: the keys of a state's processes are computed for every
// successor, and packing them costs a shift and an or per field where a hash costs a chain of
// dependent multiplies. A field is masked to its width, so a key stays a function of what it
// reads even in a state that breaks the width's assumption (a model bug).
using SigKey = unsigned __int128;

// Field widths, with the compile-time capacities they rely on.
inline constexpr int kRelationBits = 5;   // value_relation(): writer 2 bits, cell 3 bits
inline constexpr int kPageKeyBits = 37;   // page_key()
inline constexpr int kHandleKeyBits = 5;  // an owned handle, in SigContext::handles
static_assert(kMaxProcs <= 7 && kMaxProcs + kMaxHandles + 2 <= 15 && kMaxHandles <= 3,
              "mapcount, slot count (3 bits), refcount (4 bits), pins and gets (2 bits) fit");
static_assert(kMaxPages <= 2, "a page number is one bit of a key");
inline constexpr int kTreeKeyBits = 2 + 1 + 1 + 2 + kMaxHandles * kHandleKeyBits;  // tree_key()
static_assert(kTreeKeyBits + kMaxPages * kPageKeyBits <= 128, "a signature fits 128 bits");

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
                                      std::uint32_t{hd.vaddr & 1u} << 3 |
                                      std::uint32_t{hd.cell == kNone} << 4)
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
               static_cast<std::uint64_t>(val.cell % kMaxPages) << 2;
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
        k |= std::uint64_t{sl.count & 7u} << 18 | std::uint64_t{sl.cache != kNone} << 21;
    }
    if (f == kNone) return k | std::uint64_t{1} << 22;
    const Frame& fr = s.frames[f];
    return k | std::uint64_t{fr.mapcount & 7u} << 23 | std::uint64_t{fr.refcount & 15u} << 26 |
           std::uint64_t{fr.pins & 3u} << 30 | std::uint64_t{fr.gets & 3u} << 32 |
           std::uint64_t{fr.anon_exclusive & 1u} << 34 |
           std::uint64_t{fr.swapcache != kNone} << 35 | std::uint64_t{fr.isolated & 1u} << 36;
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
    for (int v = 0; v < shape.pages; ++v)
        k |= static_cast<SigKey>(page_key(s, p, v, ctx)) << (v * kPageKeyBits);
    return k;
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
        if (!identity) {
            State raw;
            copy_state(raw, s);
            rename_into(s, raw, to_map(), shape);
        }
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

// 64-bit multiply-xorshift over 8-byte words (wyhash-style mixing) with fixed constants.
std::uint64_t hash_state(const State& s) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(&s);
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ sizeof(State);
    for (std::size_t i = 0; i < sizeof(State); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, bytes + i, 8);
        h ^= w;
        h *= 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    h *= 0x94D049BB133111EBull;
    h ^= h >> 29;
    return h;
}

}  // namespace cowpin
