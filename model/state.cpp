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
    bool identity = true;
    for (int f = 0; f < kMaxFrames; ++f) {
        if (s.frames[f].in_use) rn.visit_frame(static_cast<std::uint8_t>(f));
        identity &= rn.frame[f] == (s.frames[f].in_use ? f : kNone);
    }
    for (int sl = 0; sl < kMaxSlots; ++sl) {
        if (s.slots[sl].in_use) rn.visit_slot(static_cast<std::uint8_t>(sl));
        identity &= rn.slot[sl] == (s.slots[sl].in_use ? sl : kNone);
    }
    if (frame_map) *frame_map = rn.frame;

    // Frames and slots in their new order (inverse maps), to number values in that order.
    std::array<std::uint8_t, kMaxFrames> frame_at_new{};
    std::array<std::uint8_t, kMaxSlots> slot_at_new{};
    for (int f = 0; f < kMaxFrames; ++f)
        if (rn.frame[f] != kNone) frame_at_new[rn.frame[f]] = static_cast<std::uint8_t>(f);
    for (int sl = 0; sl < kMaxSlots; ++sl)
        if (rn.slot[sl] != kNone) slot_at_new[rn.slot[sl]] = static_cast<std::uint8_t>(sl);

    // Values, by first reference: ideal cells, frames, slots, handles.
    std::array<std::uint8_t, kMaxValues> vmap{};
    vmap.fill(kNone);
    std::uint8_t next_value = 0;
    auto number = [&](std::uint8_t v) {
        if (v != kNone && vmap[v] == kNone) {
            vmap[v] = next_value++;
            identity &= vmap[v] == v;
        }
    };
    for (const Process& p : s.procs)
        for (std::uint8_t v : p.ideal) number(v);
    for (int i = 0; i < rn.next_frame; ++i) number(s.frames[frame_at_new[i]].data);
    for (int i = 0; i < rn.next_slot; ++i) number(s.slots[slot_at_new[i]].data);
    // Detached cells, by first reference from a handle.
    std::array<std::uint8_t, kMaxHandles> cmap{};
    cmap.fill(kNone);
    std::uint8_t next_cell = 0;
    for (const Handle& h : s.handles) {
        if (!h.in_use) continue;
        number(h.expect);
        number(h.baseline);
        if (h.cell != kNone && cmap[h.cell] == kNone) {
            cmap[h.cell] = next_cell++;
            identity &= cmap[h.cell] == h.cell;
        }
    }
    // A value record nobody references, or a detached cell no handle holds, is garbage.
    for (int v = 0; v < kMaxValues && identity; ++v) {
        const Value& val = s.values[v];
        if (vmap[v] == kNone)
            identity = val.cell == kNone && val.writer == kNone;
        else if (val.cell != kNone && (val.cell & kDetachedCell))
            identity = cmap[val.cell & ~kDetachedCell] == (val.cell & ~kDetachedCell);
    }
    if (identity) return;

    std::array<Frame, kMaxFrames> frames{};
    std::array<Slot, kMaxSlots> slots{};
    std::array<Value, kMaxValues> values{};
    auto remap = [&](std::uint8_t v) { return v == kNone ? kNone : vmap[v]; };
    for (int f = 0; f < kMaxFrames; ++f) {
        if (!s.frames[f].in_use) continue;
        Frame fr = s.frames[f];
        fr.swapcache = map_or_none(fr.swapcache, rn.slot.data());
        fr.data = remap(fr.data);
        frames[rn.frame[f]] = fr;
    }
    for (int sl = 0; sl < kMaxSlots; ++sl) {
        if (!s.slots[sl].in_use) continue;
        Slot slot = s.slots[sl];
        slot.cache = map_or_none(slot.cache, rn.frame.data());
        slot.data = remap(slot.data);
        slots[rn.slot[sl]] = slot;
    }
    for (int v = 0; v < kMaxValues; ++v) {
        if (vmap[v] == kNone) continue;
        Value val = s.values[v];
        if (val.cell != kNone && (val.cell & kDetachedCell)) {
            const std::uint8_t c = cmap[val.cell & ~kDetachedCell];
            // A detached cell no handle holds any more is no cell: nobody can observe it.
            val.cell = c == kNone ? kNone : static_cast<std::uint8_t>(c | kDetachedCell);
        }
        values[vmap[v]] = val;
    }
    s.frames = frames;
    s.slots = slots;
    s.values = values;
    for (Process& p : s.procs) {
        for (Pte& pte : p.pte) {
            if (pte.kind == PteKind::present || pte.kind == PteKind::migration)
                pte.target = rn.frame[pte.target];
            else if (pte.kind == PteKind::swap)
                pte.target = rn.slot[pte.target];
        }
        for (std::uint8_t& v : p.ideal) v = remap(v);
    }
    for (Handle& h : s.handles) {
        if (!h.in_use) continue;
        h.frame = rn.frame[h.frame];
        h.expect = remap(h.expect);
        h.baseline = remap(h.baseline);
        if (h.cell != kNone) h.cell = cmap[h.cell];
    }
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
