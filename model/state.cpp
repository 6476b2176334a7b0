#include "model/state.hpp"

#include <algorithm>
#include <cstring>

namespace cowpin {

int frame_bound(int procs, int pages, int handles, int slots, bool large_folios, int live) {
    // Every frame is referenced (a PTE, a handle, a swapcache slot), or, with large folios, is
    // a page of a folio one of those references keeps alive.
    const int alive = live < 0 ? procs : live;
    const int refs = alive * pages + handles + slots;
    if (!large_folios) return refs;
    // A large folio is never made from order-0 pages but whole (the initial THP, a collapse,
    // 5.7's THP copy, a migration's new folio), for one process's range; COW copies, swap-ins
    // and reclaim's split leave order-0 pages. So each process's range maps pages of at most
    // one large folio, each handle holds at most one more once its process unmapped it, and
    // the other frames are order-0 ones, each referenced: at most (live + handles) folios of
    // `pages` frames, plus `refs` order-0 frames; and never more than `pages` per reference.
    return std::min(refs * pages, (alive + handles) * pages + refs);
}

Shape Shape::for_bounds(int procs, int pages, int handles, int slots, bool large_folios,
                        int live) {
    Shape sh;
    sh.procs = static_cast<std::uint8_t>(procs);
    sh.pages = static_cast<std::uint8_t>(pages);
    sh.handles = static_cast<std::uint8_t>(handles);
    sh.slots = static_cast<std::uint8_t>(slots);
    sh.large_folios = large_folios;
    sh.stored_frames = static_cast<std::uint8_t>(
        std::min(kMaxFrames, frame_bound(procs, pages, handles, slots, large_folios, live)));
    // A step allocates at most one frame, or a whole folio (5.7's THP copy, a collapse's new
    // folio), before it frees the old ones.
    sh.frames = static_cast<std::uint8_t>(
        std::min(kMaxFrames, sh.stored_frames + (large_folios ? pages : 1)));
    sh.values = static_cast<std::uint8_t>(
        std::min(kMaxValues, procs * pages + sh.frames + slots + 2 * handles + 1));
    sh.stored_values = static_cast<std::uint8_t>(
        std::min(kMaxValues, procs * pages + sh.stored_frames + slots + 2 * handles));
    // (Values are bounded with every process slot's cells: conservative.)
    return sh;
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
