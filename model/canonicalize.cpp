// The canonical form of a state (canonicalize(), state.hpp): frames and swap slots renumbered by
// first reference, then values and detached handle cells, unreferenced values dropped. It runs
// once per transition, in four steps:
//   number_frames_and_slots()  the new number of every frame and slot;
//   number_values_and_cells()  the new number of every value and detached cell;
//   already_canonical()        whether every number is its own (about one successor in three);
//   rebuild_tables(), rename_references()  otherwise: the tables in their new order, and every
//                              field that names a frame, slot, value or cell renamed.
// The walk and the renumbering are written without data-dependent branches where they can be
// (a lookup table has one extra entry standing for kNone): a successor's fields are different
// every time, so branches on them mispredict.
#include "model/canonicalize.hpp"

#include <cstring>

namespace cowpin {

namespace {

// An array of N T's that is not initialised (T's default member initialisers do not run): a
// scratch copy that is written before it is read.
template <class T, int N>
union Scratch {
    Scratch() {}
    T at[N];
};

// vmap[kNoneAt] is kNone, so vmap[at(v)] maps kNone to kNone.
constexpr int kNoneAt = kMaxValues;
inline int at(std::uint8_t v) { return v == kNone ? kNoneAt : v; }

// The renumbering: old → new for frames (fmap), slots (smap), values (vmap) and detached cells
// (cmap); new → old for frames and slots (forder, sorder). `identity` stays true while every
// number found is its own.
struct Renumbering {
    std::uint8_t fmap[kMaxFrames], smap[kMaxSlots], forder[kMaxFrames], sorder[kMaxSlots];
    std::uint8_t vmap[kMaxValues + 1];
    std::uint8_t cmap[kMaxHandles + 1];  // cmap[kMaxHandles] stands for kNone
    std::uint8_t nf = 0, ns = 0, nv = 0, nc = 0;
    bool identity = true;

    Renumbering() {
        std::memset(fmap, 0xFF, sizeof fmap);
        std::memset(smap, 0xFF, sizeof smap);
        std::memset(vmap, 0xFF, sizeof vmap);
        std::memset(cmap, 0xFF, sizeof cmap);
    }
};

// Frames and slots by first reference: processes in slot order, PTEs in page order, then
// handles, then in-use frames and slots nothing references (a model bug, kept so that
// refcounts_consistent reports them). A frame brings the slot it caches, that slot's cached
// frame, ... (swapcache links).
// The order of the pages of a large folio that the walk reaches through one of them: the
// page's first reference in the walk (PTEs of processes in slot order, pages in address order,
// then handles), then the head page first, then its flags and counts, then the cell and writer
// of the value it holds (every page of an mTHP holds the value written at its own address), and
// last its old number. Every field but the last names no frame, so two states that differ only
// in how a folio's pages are numbered get one canonical form unless two unreferenced pages of a
// folio agree in all of them (still sound: only a state counted twice).
struct FolioPageKey {
    std::uint8_t first_ref, not_head, anon_exclusive, isolated, mapcount, refcount, pins, gets,
        cell, writer, frame;
    friend bool operator<(const FolioPageKey& a, const FolioPageKey& b) {
        return std::memcmp(&a, &b, sizeof(FolioPageKey)) < 0;
    }
};

template <bool kLargeFolios>
inline void number_frames_and_slots(const State& s, const Shape shape, Renumbering& r) {
    std::uint8_t nf = 0, ns = 0;
    bool identity = true;
    // first_ref[f]: the position of the first PTE or handle that names frame f, in walk order
    // (only with large folios, where a folio's pages are numbered together).
    std::uint8_t first_ref[kMaxFrames];
    if constexpr (kLargeFolios) {
        std::memset(first_ref, 0xFF, sizeof first_ref);
        std::uint8_t n = 0;
        auto note = [&](std::uint8_t f) {
            if (f < kMaxFrames && first_ref[f] == kNone) first_ref[f] = n;
            ++n;
        };
        for (int pi = 0; pi < shape.procs; ++pi) {
            const Process& p = s.procs[pi];
            for (int v = 0; v < shape.pages; ++v) {
                const Pte& pte = p.pte[v];
                if (p.alive && pte.kind != PteKind::swap && pte.kind != PteKind::none)
                    note(pte.target);
                else
                    ++n;
            }
        }
        for (int h = 0; h < shape.handles; ++h)
            if (s.handles[h].in_use) note(s.handles[h].frame);
    }
    // The pages of a large folio are numbered together: the page reached first, then the
    // others in FolioPageKey order.
    auto visit_folio = [&](std::uint8_t head) {
        FolioPageKey keys[kMaxPages];
        int n = 0;
        for (int g = 0; g < shape.frames && n < kMaxPages; ++g) {
            if (s.frames[g].folio != head || r.fmap[g] != kNone) continue;
            const Frame& fr = s.frames[g];
            const Value none{};
            const Value& val = fr.data == kNone ? none : s.values[fr.data];
            FolioPageKey k{first_ref[g], g != head, fr.anon_exclusive, fr.isolated, fr.mapcount,
                           fr.refcount, fr.pins, fr.gets, val.cell, val.writer,
                           static_cast<std::uint8_t>(g)};
            int i = n++;
            for (; i > 0 && k < keys[i - 1]; --i) keys[i] = keys[i - 1];
            keys[i] = k;
        }
        for (int i = 0; i < n; ++i) {
            r.fmap[keys[i].frame] = nf;
            r.forder[nf++] = keys[i].frame;
        }
    };
    auto visit_frame = [&](std::uint8_t f) {
        while (f != kNone && r.fmap[f] == kNone) {
            r.fmap[f] = nf;
            r.forder[nf++] = f;
            if constexpr (kLargeFolios)
                if (s.frames[f].folio != kNone) visit_folio(s.frames[f].folio);
            const std::uint8_t sl = s.frames[f].swapcache;
            if (sl == kNone || r.smap[sl] != kNone) return;
            r.smap[sl] = ns;
            r.sorder[ns++] = sl;
            f = s.slots[sl].cache;
        }
    };
    auto visit_slot = [&](std::uint8_t sl) {
        if (sl == kNone || r.smap[sl] != kNone) return;
        r.smap[sl] = ns;
        r.sorder[ns++] = sl;
        visit_frame(s.slots[sl].cache);
    };
    for (int pi = 0; pi < shape.procs; ++pi) {
        const Process& p = s.procs[pi];
        if (!p.alive) continue;
        for (int v = 0; v < shape.pages; ++v) {
            const Pte& pte = p.pte[v];
            if (pte.kind == PteKind::swap)
                visit_slot(pte.target);
            else if (pte.kind != PteKind::none)  // present, migration, pmd
                visit_frame(pte.target);
        }
    }
    for (int h = 0; h < shape.handles; ++h)
        if (s.handles[h].in_use) visit_frame(s.handles[h].frame);
    for (int f = 0; f < shape.frames; ++f) {
        const bool used = s.frames[f].in_use;
        if (used && r.fmap[f] == kNone) visit_frame(static_cast<std::uint8_t>(f));
        identity &= r.fmap[f] == (used ? f : kNone);
    }
    for (int sl = 0; sl < shape.slots; ++sl) {
        const bool used = s.slots[sl].in_use;
        if (used && r.smap[sl] == kNone) visit_slot(static_cast<std::uint8_t>(sl));
        identity &= r.smap[sl] == (used ? sl : kNone);
    }
    r.nf = nf;
    r.ns = ns;
    r.identity = identity;
}

// Values by first reference: ideal cells, frames and slots in their new order, handles' expect
// and baseline; detached cells by first reference from a handle.
inline void number_values_and_cells(const State& s, const Shape shape, Renumbering& r) {
    // Counters in locals, not in `r`: stores into r.vmap would make them be read again.
    std::uint8_t nv = 0, nc = 0;
    bool identity = r.identity;
    auto number = [&](std::uint8_t v) {
        const int i = at(v);
        const bool fresh = (r.vmap[i] == kNone) & (i != kNoneAt);
        r.vmap[i] = fresh ? nv : r.vmap[i];
        identity &= !fresh | (nv == v);
        nv += fresh;
    };
    for (int p = 0; p < shape.procs; ++p)
        for (int v = 0; v < shape.pages; ++v) number(s.procs[p].ideal[v]);
    for (int i = 0; i < r.nf; ++i) number(s.frames[r.forder[i]].data);
    for (int i = 0; i < r.ns; ++i) number(s.slots[r.sorder[i]].data);
    for (int hi = 0; hi < shape.handles; ++hi) {
        const Handle& h = s.handles[hi];
        if (!h.in_use) continue;
        number(h.expect);
        number(h.baseline);
        const int c = h.cell == kNone ? kMaxHandles : h.cell;
        const bool fresh = (r.cmap[c] == kNone) & (c != kMaxHandles);
        r.cmap[c] = fresh ? nc : r.cmap[c];
        identity &= !fresh | (nc == h.cell);
        nc += fresh;
    }
    r.nv = nv;
    r.nc = nc;
    r.identity = identity;
}

const State kDefault{};

// Every number is its own, so the state is canonical as it is, unless garbage is left: a value
// record nobody references, or a detached cell no handle holds. Values 0..nv-1 are then the
// referenced ones and cells 0..nc-1 the held ones, so the rest of the table must hold defaults
// and no value may name a cell past nc (or, with forget_dead_writers, a dead writer).
inline bool already_canonical(const State& s, const Shape shape, const Renumbering& r,
                              bool forget_dead_writers) {
    if (!r.identity) return false;
    bool canonical = std::memcmp(&s.values[r.nv], &kDefault.values[r.nv],
                                 (shape.values - r.nv) * sizeof(Value)) == 0;
    for (int v = 0; v < r.nv; ++v) {
        const std::uint8_t cell = s.values[v].cell;
        canonical &= cell == kNone || !(cell & kDetachedCell) || (cell & (kDetachedCell - 1)) < r.nc;
        canonical &= !(forget_dead_writers && dead_writer(s, s.values[v].writer));
    }
    return canonical;
}

// The frame, slot and value tables in their new order (what they name renamed too); the rest of
// the shape's entries become their defaults. The scratch arrays are left uninitialised: only
// their first nf, ns and shape.values entries are written and read.
template <bool kLargeFolios>
inline void rebuild_tables(State& s, const Shape shape, const Renumbering& r,
                           bool forget_dead_writers) {
    Scratch<Frame, kMaxFrames> frames_buf;
    Frame* frames = frames_buf.at;
    for (int i = 0; i < r.nf; ++i) {
        Frame fr = s.frames[r.forder[i]];
        if (!fr.in_use) fr = Frame{};  // referenced but not in use (a model bug): dropped
        fr.swapcache = fr.swapcache == kNone ? kNone : r.smap[fr.swapcache];
        if constexpr (kLargeFolios) fr.folio = fr.folio == kNone ? kNone : r.fmap[fr.folio];
        fr.data = r.vmap[at(fr.data)];
        frames[i] = fr;
    }
    Scratch<Slot, kMaxSlots> slots_buf;
    Slot* slots = slots_buf.at;
    for (int i = 0; i < r.ns; ++i) {
        Slot sl = s.slots[r.sorder[i]];
        if (!sl.in_use) sl = Slot{};
        sl.cache = sl.cache == kNone ? kNone : r.fmap[sl.cache];
        sl.data = r.vmap[at(sl.data)];
        slots[i] = sl;
    }
    Scratch<Value, kMaxValues> values_buf;
    Value* values = values_buf.at;
    std::memcpy(values, kDefault.values.data(), shape.values * sizeof(Value));
    for (int v = 0; v < shape.values; ++v) {
        if (r.vmap[v] == kNone) continue;
        Value val = s.values[v];
        if (forget_dead_writers && dead_writer(s, val.writer)) val.writer = kNone;
        if (val.cell != kNone && (val.cell & kDetachedCell)) {
            const std::uint8_t c = r.cmap[val.cell & (kDetachedCell - 1)];
            // A detached cell no handle holds any more is no cell: nobody can observe it.
            val.cell = c == kNone ? kNone : static_cast<std::uint8_t>(c | kDetachedCell);
        }
        values[r.vmap[v]] = val;
    }
    std::memcpy(s.frames.data(), frames, r.nf * sizeof(Frame));
    std::memcpy(s.frames.data() + r.nf, kDefault.frames.data() + r.nf,
                (shape.frames - r.nf) * sizeof(Frame));
    std::memcpy(s.slots.data(), slots, r.ns * sizeof(Slot));
    std::memcpy(s.slots.data() + r.ns, kDefault.slots.data() + r.ns,
                (shape.slots - r.ns) * sizeof(Slot));
    std::memcpy(s.values.data(), values, shape.values * sizeof(Value));
}

// Every field outside the tables that names a frame, slot, value or detached cell: PTEs, ideal
// cells and handles.
inline void rename_references(State& s, const Shape shape, const Renumbering& r) {
    for (int pi = 0; pi < shape.procs; ++pi) {
        Process& p = s.procs[pi];
        for (int v = 0; v < shape.pages; ++v) {
            Pte& pte = p.pte[v];
            if (pte.kind == PteKind::swap)
                pte.target = r.smap[pte.target];
            else if (pte.kind != PteKind::none)
                pte.target = r.fmap[pte.target];
            p.ideal[v] = r.vmap[at(p.ideal[v])];
        }
    }
    for (int hi = 0; hi < shape.handles; ++hi) {
        Handle& h = s.handles[hi];
        if (!h.in_use) continue;
        h.frame = h.frame == kNone ? kNone : r.fmap[h.frame];
        h.expect = r.vmap[at(h.expect)];
        h.baseline = r.vmap[at(h.baseline)];
        if (h.cell != kNone) h.cell = r.cmap[h.cell];
    }
}

}  // namespace

namespace {

// Without large folios (every spec but "thp") no frame names a folio: the walk and the tables
// skip Frame::folio altogether.
template <bool kLargeFolios>
void canonicalize_with(State& s, const Shape sh, std::array<std::uint8_t, kMaxFrames>* frame_map,
                       bool forget_dead_writers) {
    Renumbering r;
    number_frames_and_slots<kLargeFolios>(s, sh, r);
    if (frame_map) {
        frame_map->fill(kNone);
        std::memcpy(frame_map->data(), r.fmap, sh.frames);
    }
    number_values_and_cells(s, sh, r);
    if (already_canonical(s, sh, r, forget_dead_writers)) return;
    rebuild_tables<kLargeFolios>(s, sh, r, forget_dead_writers);
    rename_references(s, sh, r);
}

}  // namespace

void canonicalize_values(State& s, const Shape& shape,
                         std::array<std::uint8_t, kMaxFrames>* frame_map, bool forget_dead_writers) {
    // By value into the steps: the state's bytes may alias a Shape the steps read by reference,
    // so every store into the state would make them read its fields again.
    const Shape sh = shape;
    if (sh.large_folios)
        canonicalize_with<true>(s, sh, frame_map, forget_dead_writers);
    else
        canonicalize_with<false>(s, sh, frame_map, forget_dead_writers);
}

void canonicalize(State& s, const Shape& shape, std::array<std::uint8_t, kMaxFrames>* frame_map) {
    canonicalize_values(s, shape, frame_map, false);
}

void canonicalize(State& s, std::array<std::uint8_t, kMaxFrames>* frame_map) {
    canonicalize(s, Shape::full(), frame_map);
}

}  // namespace cowpin
