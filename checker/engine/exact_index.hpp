// The exact-mode index of the visited set: kShards open-addressing tables of 4-byte slots (8-byte
// once ids pass 2^28, SlotLayout), picked by the top bits of a state's hash, so that each thread inserts into shards of its own
// without locks. A slot holds a stored state's id and a tag of its hash (SlotLayout), or, while
// a block's new states are being inserted, SlotLayout::kPending and the number of a pending
// record (the explorer's).
//
// The states themselves are the explorer's (its arena, in id order). The index never reads
// them: a lookup is given a function that says whether an id holds the state looked for, and
// make_room() one that gives the hash of the state with an id.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "checker/engine/pool.hpp"
#include "checker/engine/state_store.hpp"

namespace cowpin::engine {

// One open-addressing table of the index, of 4-byte or 8-byte slots (the layout's width, the
// same for every table); a slot reads as a 64-bit value either way. Empty slots hold all ones.
// Each table is on its own cache line: neighbouring shards belong to different threads, and
// `used_` is written on every insert.
class alignas(64) IndexTable {
public:
    IndexTable() : IndexTable(64, false) {}
    IndexTable(std::size_t capacity, bool wide) : wide_(wide) {
        capacity = std::max<std::size_t>(64, capacity);
        if (wide) narrow_.reset(), wide_slots_ = Buffer<std::uint64_t>(capacity);
        else narrow_ = Buffer<std::uint32_t>(capacity);
        std::memset(raw(), 0xFF, capacity * width());
        capacity_ = capacity;
    }
    std::size_t capacity() const { return capacity_; }
    std::size_t used() const { return used_; }
    std::size_t width() const { return wide_ ? 8 : 4; }
    std::size_t bytes() const { return capacity_ * width(); }
    std::size_t home(std::uint64_t hash) const {
        return static_cast<std::size_t>(((hash & 0xFFFFFFFFull) * capacity_) >> 32);
    }
    std::size_t next(std::size_t i) const { return i + 1 == capacity_ ? 0 : i + 1; }
    const void* address(std::size_t i) const {
        return static_cast<const char*>(static_cast<const void*>(raw())) + i * width();
    }
    std::uint64_t operator[](std::size_t i) const { return wide_ ? wide_slots_[i] : narrow_[i]; }
    void set(std::size_t i, std::uint64_t v) {
        if (wide_) wide_slots_[i] = v;
        else narrow_[i] = static_cast<std::uint32_t>(v);
    }
    void fill(std::size_t i, std::uint64_t v) {
        set(i, v);
        ++used_;
    }
    // Puts a slot known not to be in the table yet at the first free place from its home.
    void place(std::uint64_t hash, std::uint64_t v) {
        const std::uint64_t empty = wide_ ? ~std::uint64_t{0} : 0xFFFFFFFFull;
        std::size_t j = home(hash);
        while ((*this)[j] != empty) j = next(j);
        fill(j, v);
    }

private:
    void* raw() { return wide_ ? static_cast<void*>(wide_slots_.data()) : narrow_.data(); }
    const void* raw() const {
        return wide_ ? static_cast<const void*>(wide_slots_.data()) : narrow_.data();
    }
    bool wide_ = false;
    Buffer<std::uint32_t> narrow_;
    Buffer<std::uint64_t> wide_slots_;
    std::size_t capacity_ = 0;
    std::size_t used_ = 0;
};

class ExactIndex {
  public:
    static constexpr std::size_t kShards = 64;
    using Shard = IndexTable;
    static std::size_t shard_of(std::uint64_t h) { return h >> 58; }

    // kShards empty shards, with the slot layout of their capacity. Ids of more than
    // `narrow_max` bits (at most 28) take 8-byte slots; tests lower it to see the switch.
    void reset(unsigned narrow_max = SlotLayout::kNarrowIdBits) {
        narrow_max_ = std::min(narrow_max, SlotLayout::kNarrowIdBits);
        shards_.clear();
        shards_.resize(kShards);
        std::size_t capacity = 0;
        for (const Shard& t : shards_) capacity += t.capacity();
        layout_ = SlotLayout::for_capacity(capacity, narrow_max_);
        if (layout_.wide)
            for (Shard& t : shards_) t = Shard(t.capacity(), true);
    }

    Shard& operator[](std::size_t sh) { return shards_[sh]; }
    const Shard& operator[](std::size_t sh) const { return shards_[sh]; }
    const SlotLayout& layout() const { return layout_; }
    std::size_t bytes() const {
        std::size_t n = 0;
        for (const Shard& t : shards_) n += t.bytes();
        return n;
    }

    // Stores id under hash h (a state known not to be in the index).
    void place(std::uint64_t h, StateId id) { shards_[shard_of(h)].place(h, layout_.slot(h, id)); }

    // The id of the state with hash h for which is_state(id) holds, or kNoParent. Pending slots
    // match no hash.
    template <class IsState>
    StateId find(std::uint64_t h, IsState&& is_state) const {
        const Shard& t = shards_[shard_of(h)];
        for (std::size_t i = t.home(h);; i = t.next(i)) {
            const std::uint64_t slot = t[i];
            if (slot == layout_.empty) return kNoParent;
            if (layout_.matches(slot, h) && is_state(layout_.id_of(slot)))
                return layout_.id_of(slot);
        }
    }

    // The home slot of h, and 32 bytes on: a probe run (2-3 slots for a state that is there,
    // 6-13 for one that is not) often crosses into the next line. Always inlined: called out of
    // line, GCC 12 (IPA mod-ref) takes a function whose only effect is __builtin_prefetch for
    // one without effects and deletes the call, and with it the prefetch
    // (tests/check_prefetch.sh).
    [[gnu::always_inline]] void prefetch_home(std::uint64_t h) const {
        const Shard& t = shards_[shard_of(h)];
        const char* home = static_cast<const char*>(t.address(t.home(h)));
        __builtin_prefetch(home);
        __builtin_prefetch(home + 32);
    }

    // Before a block's inserts: if the shards with `incoming[sh]` more states each could fill
    // one past 80%, every shard over 74% grows so that it and its incoming states would fill 70%
    // of it; inserts never rehash. Rebuilding reads the `stored` states in id order and hashes
    // them again (hash_of(id)): a sequential pass, where rehashing slot by slot would read one
    // random state per slot.
    template <class HashOf>
    void make_room(detail::Pool& pool, const std::array<std::size_t, kShards>& incoming,
                   std::size_t stored, HashOf&& hash_of) {
        const unsigned T = pool.size();
        std::array<std::size_t, kShards> need{};
        bool any = false;
        for (std::size_t sh = 0; sh < kShards; ++sh) {
            need[sh] = shards_[sh].used() + 1 + incoming[sh];
            any |= need[sh] * 100 > shards_[sh].capacity() * 80;
        }
        if (!any) return;
        // Shards fill at about the same rate, and each rebuild reads every state: the shards
        // close to full (over 74%) grow in the same pass, to 70% full.
        std::array<std::size_t, kShards> cap{};
        for (std::size_t sh = 0; sh < kShards; ++sh)
            if (need[sh] * 100 > shards_[sh].capacity() * 74) cap[sh] = need[sh] * 10 / 7 + 1;
        // Ids stay below the shards' total capacity (each state is in one slot). If the grown
        // shards could hold ids wider than the slots' id field, every slot gets the new layout:
        // every shard is rebuilt, those not growing at their present size.
        std::size_t capacity = 0;
        for (std::size_t sh = 0; sh < kShards; ++sh)
            capacity += cap[sh] ? cap[sh] : shards_[sh].capacity();
        if (const SlotLayout wider = SlotLayout::for_capacity(capacity, narrow_max_);
            wider.id_bits > layout_.id_bits) {
            layout_ = wider;
            for (std::size_t sh = 0; sh < kShards; ++sh)
                if (!cap[sh]) cap[sh] = shards_[sh].capacity();
        }
        std::vector<Shard> fresh(kShards);
        pool.run([&](unsigned t) {
            for (std::size_t sh = t; sh < kShards; sh += T)
                if (cap[sh]) fresh[sh] = Shard(cap[sh], layout_.wide);
        });
        // Blocks of ids: every thread hashes its share of a block and sorts each state that
        // falls in a growing shard into the list of the thread that owns the shard; then every
        // thread places its lists' states, from the lowest share up, so in id order. Hashing is
        // not repeated per thread, and no thread walks another's states.
        constexpr std::uint8_t kNoOwner = 0xFF;
        std::array<std::uint8_t, kShards> owner{};
        for (std::size_t sh = 0; sh < kShards; ++sh) owner[sh] = cap[sh] ? sh % T : kNoOwner;
        struct Placed {
            std::uint64_t hash;
            std::uint64_t id;
        };
        // lists[from * T + to]: placed by thread `to`, hashed by thread `from` (each list's
        // header on a cache line of its own: `from` writes it on every state).
        struct alignas(64) List : std::vector<Placed> {};
        std::vector<List> lists(T * T);
        constexpr std::size_t kBlock = std::size_t{1} << 16;
        for (std::size_t lo = 0; lo < stored; lo += kBlock) {
            const std::size_t n = std::min(stored - lo, kBlock);
            pool.run([&](unsigned t) {
                for (unsigned to = 0; to < T; ++to) lists[t * T + to].clear();
                for (std::size_t i = lo + n * t / T; i < lo + n * (t + 1) / T; ++i) {
                    const std::uint64_t h = hash_of(i);
                    const std::uint8_t to = owner[shard_of(h)];
                    if (to != kNoOwner) lists[t * T + to].push_back({h, i});
                }
            });
            pool.run([&](unsigned t) {
                constexpr std::size_t kAhead = 16;  // home slots prefetched this many states ahead
                for (unsigned from = 0; from < T; ++from) {
                    const std::vector<Placed>& in = lists[from * T + t];
                    for (std::size_t i = 0; i < in.size(); ++i) {
                        if (i + kAhead < in.size()) {
                            const Shard& f = fresh[shard_of(in[i + kAhead].hash)];
                            __builtin_prefetch(f.address(f.home(in[i + kAhead].hash)));
                        }
                        const std::uint64_t h = in[i].hash;
                        fresh[shard_of(h)].place(h, layout_.slot(h, in[i].id));
                    }
                }
            });
        }
        for (std::size_t sh = 0; sh < kShards; ++sh)
            if (cap[sh]) shards_[sh] = std::move(fresh[sh]);
    }

  private:
    SlotLayout layout_;  // how slots hold tag and id
    unsigned narrow_max_ = SlotLayout::kNarrowIdBits;
    std::vector<Shard> shards_;
};

}  // namespace cowpin::engine
