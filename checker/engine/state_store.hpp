// Storage for the explorer: flat chunked arrays, the exact index's slot layout and the hash.
//
// Exact mode keeps every state, packed (model/packing.hpp), in discovery order: a state's id is
// its index, so the BFS queue is an id range (cf. Storm's getOrAddStateIndex). Ids are 64-bit.
// Per state that is the packed words and a 1-byte action index, plus one slot of the index
// (checker/engine/exact_index.hpp), which holds the id and as many bits of the hash as the ids
// leave (SlotLayout: 8 at 4 M states) so that probes nearly never touch a state that is not the
// one looked for. Slots are 4 bytes while ids fit 28 bits (268 M states) and 8 bytes past that,
// so the common case costs what it did with 32-bit ids. Parent ids are not stored: the
// explorer keeps where each level begins, and finds a parent again by trying the stored action
// on the level before (StoredStates::link in checker/engine/stored_states.hpp), which costs one
// level scan per trace step and saves 8 bytes per state.
//
// Compact mode (`--compact`, TLC's fingerprint set) keeps only a 100-bit fingerprint per state
// in a compact table (checker/engine/fingerprint_table.hpp) and the states of the two levels
// being worked on; two states with the same fingerprint are taken for one, with the
// probability the run prints.
//
// The index is split into kShards open-addressing tables by the top bits of the hash, so that
// threads can insert into disjoint tables without locks. Exact tables are sized to any capacity
// (fast range reduction, not a power of two). They grow before a block's inserts when
// the block could fill them past 80%, to 70% of what they would then hold (ExactIndex::make_room);
// candidates that turn out to be duplicates leave them a little emptier, so they stay at most
// 80% full (5.1–5.7 bytes of index per state on the benchmark specs). Fingerprint tables double
// when 90% full (45–90%, 13.3 to 26.7 bytes).
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace cowpin::engine {

using StateId = std::uint64_t;
inline constexpr StateId kNoParent = ~StateId{0};
// The most states one exploration numbers: a candidate record keys its parent's id in 48 bits,
// then the action index and the action's family (checker/engine/bfs.hpp): 2.8e14 states.
inline constexpr StateId kMaxStates = (StateId{1} << 48) - 1;

// How an exact-mode index slot holds a state: a pending flag (the top bit), then the hash's tag,
// then the id in the low `id_bits` bits. Slots are 4 bytes while ids need at most
// `narrow_max` bits (28: 268 M states) and 8 bytes past that (every slot is rebuilt when the
// tables grow past it). The explorer keeps id_bits as narrow as the ids its tables can hold
// (fewer than their total capacity) and widens it when they grow (rebuilding every slot), so
// the tag is as wide as it can be: 18 bits at first, 8 at 4 M states, 3 at 268 M states in
// 4-byte slots, then 26 again in 8-byte slots. A probe whose tag matches reads the stored
// state, a random DRAM read, so every tag bit halves the false ones.
struct SlotLayout {
    static constexpr unsigned kNarrowIdBits = 28;
    unsigned id_bits = 5;
    bool wide = false;                    // 8-byte slots
    std::uint64_t empty = 0xFFFFFFFFull;  // all ones: a pending slot with a tag of all ones
    std::uint64_t pending = 0x80000000ull;
    std::uint64_t tag_mask = 0;
    std::uint64_t id_mask = 0;

    // Tables of `capacity` slots in all: at least 5 id bits, so at most 26 tag bits, taken
    // from hash bits 32-57 (the low 32 place a state in its shard, the top 6 pick the shard).
    static SlotLayout for_capacity(std::size_t capacity, unsigned narrow_max = kNarrowIdBits) {
        SlotLayout l;
        l.id_bits = std::max<unsigned>(static_cast<unsigned>(std::bit_width(capacity)), 5);
        l.wide = l.id_bits > narrow_max;
        const unsigned bits = l.wide ? 64 : 32;
        l.empty = l.wide ? ~std::uint64_t{0} : 0xFFFFFFFFull;
        l.pending = std::uint64_t{1} << (bits - 1);
        l.tag_mask = (std::uint64_t{1} << std::min(bits - 1 - l.id_bits, 26u)) - 1;
        l.id_mask = (std::uint64_t{1} << l.id_bits) - 1;
        return l;
    }
    std::uint64_t tag(std::uint64_t h) const { return (h >> 32) & tag_mask; }
    std::uint64_t slot(std::uint64_t h, StateId id) const { return tag(h) << id_bits | id; }
    // Whether a filled slot has the tag of `h`: a pending or empty slot never matches.
    bool matches(std::uint64_t slot, std::uint64_t h) const { return slot >> id_bits == tag(h); }
    StateId id_of(std::uint64_t slot) const { return slot & id_mask; }
};

// Fixed-seed hash of packed words (multiply-xorshift, wyhash-style constants).
inline std::uint64_t hash_words(const std::uint64_t* w, std::size_t n) {
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    for (std::size_t i = 0; i < n; ++i) {
        h ^= w[i];
        h *= 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    h *= 0x94D049BB133111EBull;
    h ^= h >> 29;
    return h;
}

// An uninitialised array of T. Arrays of 2 MiB or more are 2 MiB-aligned, and can be given
// transparent huge pages (madvise MADV_HUGEPAGE, the mode Debian's kernels default to): the
// index and the states are read at random, and with 4 KiB pages nearly every such read also
// misses the TLB. Index tables ask at once (they are filled when made); state chunks ask once
// they are full, so that the chunk being filled is backed 4 KiB at a time.
template <class T>
class Buffer {
public:
    static constexpr std::size_t kHuge = std::size_t{2} << 20;
    Buffer() = default;
    explicit Buffer(std::size_t n, bool huge_now = true) : n_(n) {
        static_assert(std::is_trivially_copyable_v<T>);
        const std::size_t bytes = std::max<std::size_t>(1, n * sizeof(T));
        void* p = nullptr;
        if (bytes >= kHuge) {
            if (::posix_memalign(&p, kHuge, bytes) != 0) p = nullptr;
#if defined(MADV_HUGEPAGE)
            // Whole huge pages only: the tail keeps 4 KiB pages, so nothing past the array is
            // ever backed.
            if (p && huge_now) ::madvise(p, huge_bytes(), MADV_HUGEPAGE);
#endif
        } else {
            p = std::malloc(bytes);
        }
        if (!p) throw std::bad_alloc();
        p_.reset(static_cast<T*>(p));
    }
    T* data() { return p_.get(); }
    const T* data() const { return p_.get(); }
    T& operator[](std::size_t i) { return p_.get()[i]; }
    const T& operator[](std::size_t i) const { return p_.get()[i]; }
    std::size_t size() const { return n_; }
    // The bytes at the start that huge pages can back.
    std::size_t huge_bytes() const { return n_ * sizeof(T) / kHuge * kHuge; }
    // Asks for huge pages now (a state chunk that is full).
    void advise_huge() {
#if defined(MADV_HUGEPAGE)
        if (p_ && huge_bytes()) ::madvise(p_.get(), huge_bytes(), MADV_HUGEPAGE);
#endif
    }
    explicit operator bool() const { return p_ != nullptr; }
    void reset() {
        p_.reset();
        n_ = 0;
    }

private:
    struct Free {
        void operator()(T* p) const { std::free(p); }
    };
    std::unique_ptr<T, Free> p_;
    std::size_t n_ = 0;
};

// Records of `stride` elements of T in 64 Ki-record chunks: growing never moves a record, and
// chunks wholly behind the search can be released (compact mode).
template <class T>
class Chunked {
public:
    static constexpr std::size_t kChunk = std::size_t{1} << 16;
    explicit Chunked(std::size_t stride = 1) : stride_(stride) {}

    void ensure(std::size_t records) {
        while (chunks_.size() * kChunk < records) {
            // Default-initialised (not zeroed): every record is written before it is read,
            // and the pages are touched by the threads that fill them.
            if (!chunks_.empty() && chunks_.back()) chunks_.back().advise_huge();
            chunks_.emplace_back(kChunk * stride_, false);
            ++live_;
        }
    }
    T* at(std::size_t i) { return chunks_[i / kChunk].data() + (i % kChunk) * stride_; }
    const T* at(std::size_t i) const { return chunks_[i / kChunk].data() + (i % kChunk) * stride_; }
    // Frees the chunks that hold only records below `i`.
    // (Called with i that only grows: the chunks below released_ are gone already, so a
    // --disk run, which releases after every block, does not walk them again.)
    void release_below(std::size_t i) {
        for (; released_ < chunks_.size() && (released_ + 1) * kChunk <= i; ++released_)
            if (chunks_[released_]) {
                chunks_[released_].reset();
                --live_;
            }
    }
    std::size_t chunks() const { return chunks_.size(); }
    bool live(std::size_t c) const { return c < chunks_.size() && chunks_[c]; }
    std::size_t chunk_bytes() const { return kChunk * stride_ * sizeof(T); }
    // Hands chunk c to `write(data, bytes)` and frees it (--disk: checker/engine/disk_store.hpp).
    template <class Write>
    void spill(std::size_t c, Write&& write) {
        write(static_cast<const void*>(chunks_[c].data()), chunk_bytes());
        chunks_[c].reset();
        --live_;
    }
    // Gives a spilled chunk c its memory back and `read(data, bytes)` its records.
    template <class Read>
    void load(std::size_t c, Read&& read) {
        chunks_[c] = Buffer<T>(kChunk * stride_, false);
        ++live_;
        read(static_cast<void*>(chunks_[c].data()), chunk_bytes());
    }
    std::size_t bytes() const { return live_ * kChunk * stride_ * sizeof(T); }
    // The memory the first `records` records occupy: chunks are allocated untouched, so the
    // pages of a chunk's unused tail are never backed (the chunk being filled has 4 KiB pages).
    std::size_t bytes_used(std::size_t records) const {
        std::size_t n = 0;
        for (std::size_t c = released_; c < chunks_.size(); ++c) {
            if (!chunks_[c] || c * kChunk >= records) continue;
            const std::size_t in = std::min(kChunk, records - c * kChunk);
            n += (in * stride_ * sizeof(T) + 4095) / 4096 * 4096;
        }
        return n;
    }
    std::size_t stride() const { return stride_; }

private:
    std::size_t stride_;
    std::vector<Buffer<T>> chunks_;
    std::size_t live_ = 0;
    std::size_t released_ = 0;  // chunks below this one are released
};

}  // namespace cowpin::engine
