#include "model/state.hpp"

#include <cstring>

namespace cowpin {

namespace {

// Builds old→new maps for frames and slots by a deterministic walk of the references.
struct Renumber {
    std::array<std::uint8_t, kMaxFrames> frame{};
    std::array<std::uint8_t, kMaxSlots> slot{};
    std::uint8_t next_frame = 0, next_slot = 0;
    const State& s;

    explicit Renumber(const State& st) : s(st) {
        frame.fill(kNone);
        slot.fill(kNone);
    }
    void visit_frame(std::uint8_t f) {
        if (f == kNone || frame[f] != kNone) return;
        frame[f] = next_frame++;
        visit_slot(s.frames[f].swapcache);
    }
    void visit_slot(std::uint8_t sl) {
        if (sl == kNone || slot[sl] != kNone) return;
        slot[sl] = next_slot++;
        visit_frame(s.slots[sl].cache);
    }
};

std::uint8_t map_or_none(std::uint8_t x, const std::uint8_t* table) {
    return x == kNone ? kNone : table[x];
}

}  // namespace

void canonicalize(State& s, std::array<std::uint8_t, kMaxFrames>* frame_map) {
    Renumber rn(s);
    for (const Process& p : s.procs) {
        if (!p.alive) continue;
        for (const Pte& pte : p.pte) {
            if (pte.kind == PteKind::present || pte.kind == PteKind::migration)
                rn.visit_frame(pte.target);
            else if (pte.kind == PteKind::swap)
                rn.visit_slot(pte.target);
        }
    }
    for (const Handle& h : s.handles)
        if (h.in_use) rn.visit_frame(h.frame);
    for (int f = 0; f < kMaxFrames; ++f)
        if (s.frames[f].in_use) rn.visit_frame(static_cast<std::uint8_t>(f));
    for (int sl = 0; sl < kMaxSlots; ++sl)
        if (s.slots[sl].in_use) rn.visit_slot(static_cast<std::uint8_t>(sl));

    if (frame_map) *frame_map = rn.frame;
    State out = s;
    out.frames.fill(Frame{});
    out.slots.fill(Slot{});
    for (int f = 0; f < kMaxFrames; ++f) {
        if (!s.frames[f].in_use) continue;
        Frame fr = s.frames[f];
        fr.swapcache = map_or_none(fr.swapcache, rn.slot.data());
        out.frames[rn.frame[f]] = fr;
    }
    for (int sl = 0; sl < kMaxSlots; ++sl) {
        if (!s.slots[sl].in_use) continue;
        Slot slot = s.slots[sl];
        slot.cache = map_or_none(slot.cache, rn.frame.data());
        out.slots[rn.slot[sl]] = slot;
    }
    for (Process& p : out.procs)
        for (Pte& pte : p.pte) {
            if (pte.kind == PteKind::present || pte.kind == PteKind::migration)
                pte.target = rn.frame[pte.target];
            else if (pte.kind == PteKind::swap)
                pte.target = rn.slot[pte.target];
        }
    for (Handle& h : out.handles)
        if (h.in_use) h.frame = rn.frame[h.frame];

    // Values, by first reference: ideal cells, frames, slots, handles.
    std::array<std::uint8_t, kMaxValues> vmap{};
    vmap.fill(kNone);
    std::uint8_t next_value = 0;
    auto value = [&](std::uint8_t& v) {
        if (v == kNone) return;
        if (vmap[v] == kNone) vmap[v] = next_value++;
        v = vmap[v];
    };
    // Detached cells, by first reference from a handle.
    std::array<std::uint8_t, kMaxHandles> cmap{};
    cmap.fill(kNone);
    std::uint8_t next_cell = 0;
    for (Handle& h : out.handles) {
        if (!h.in_use || h.cell == kNone) continue;
        if (cmap[h.cell] == kNone) cmap[h.cell] = next_cell++;
        h.cell = cmap[h.cell];
    }
    for (Process& p : out.procs)
        for (std::uint8_t& v : p.ideal) value(v);
    for (Frame& f : out.frames)
        if (f.in_use) value(f.data);
    for (Slot& sl : out.slots)
        if (sl.in_use) value(sl.data);
    for (Handle& h : out.handles) {
        if (!h.in_use) continue;
        value(h.expect);
        value(h.baseline);
    }
    out.values.fill(Value{});
    for (int v = 0; v < kMaxValues; ++v) {
        if (vmap[v] == kNone) continue;
        Value val = s.values[v];
        if (val.cell != kNone && (val.cell & kDetachedCell)) {
            const std::uint8_t c = cmap[val.cell & ~kDetachedCell];
            // A detached cell no handle holds any more is no cell: nobody can observe it.
            val.cell = c == kNone ? kNone : static_cast<std::uint8_t>(c | kDetachedCell);
        }
        out.values[vmap[v]] = val;
    }
    s = out;
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

std::uint8_t pte_frame(const State& s, const Pte& pte) {
    switch (pte.kind) {
        case PteKind::present:
        case PteKind::migration:
            return pte.target;
        case PteKind::swap:
            return s.slots[pte.target].cache;
        case PteKind::none:
            break;
    }
    return kNone;
}

std::uint8_t view(const State& s, int proc, int vaddr) {
    const Pte& pte = s.procs[proc].pte[vaddr];
    if (pte.kind == PteKind::none) return kNone;
    const std::uint8_t f = pte_frame(s, pte);
    if (f != kNone) return s.frames[f].data;
    return s.slots[pte.target].data;
}

}  // namespace cowpin
