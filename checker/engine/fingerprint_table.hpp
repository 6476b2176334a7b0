// Compact mode's visited set: 100-bit fingerprints in a compact hash table (Cleary's idea, with
// Robin Hood linear probing in place of his change/virgin bits).
//
// A state's fingerprint is its 64-bit hash h1 and the top 36 bits of a second hash h2
// (hash_words_2). The explorer picks one of 64 tables by h1's top 6 bits; a table of 2^q
// slots puts the fingerprint at home h1 bits [58-q, 58) and stores in the slot only what the
// shard and the home do not say: h1's low 58-q bits and h2's 36 bits (at most 88 bits, since
// q >= 6), and the slot's distance from home (8 bits). So a 12-byte slot holds a 100-bit
// fingerprint, where storing it whole would take 13 bytes, and the stored remainder shrinks as
// the table grows. Robin Hood insertion keeps entries in order of home along a run, so a
// probe stops at the first entry closer to its home than the probe is to its own, and the
// longest distance stays short (a table whose distance would pass 254 grows, as one 90% full
// does). Tables double (power-of-two sizes keep the home a run of bits), so they are 45% to 90%
// full: 13.3 to 26.7 bytes a state.
//
// Two states with the same 100 bits are taken for one: the explorer prints TLC's estimate of
// the chance that happened, d (g - d) / 2^100 for d states and g transitions.
#pragma once

#include <cstdint>
#include <cstring>
#include <utility>

#include "checker/engine/state_store.hpp"

namespace cowpin::engine {

// A second hash of packed words, with other constants than hash_words: compact mode's
// fingerprints take 36 bits of it past hash_words' 64.
inline std::uint64_t hash_words_2(const std::uint64_t* w, std::size_t n) {
    std::uint64_t h = 0xD1B54A32D192ED03ull + n;
    for (std::size_t i = 0; i < n; ++i) {
        h = (h ^ w[i]) * 0xD6E8FEB86659FD93ull;
        h ^= h >> 32;
    }
    h *= 0xE7037ED1A0B428DBull;
    h ^= h >> 29;
    return h;
}

class alignas(64) FingerprintTable {
public:
    static constexpr unsigned kFingerprintBits = 100;
    static constexpr unsigned kMinBits = 6;  // 64 slots; the remainder then fills 88 bits
    static constexpr unsigned kMaxDistance = 254;

    FingerprintTable() = default;
    // The table of shard `shard` (h1's top 6 bits), 2^bits slots.
    explicit FingerprintTable(std::uint64_t shard, unsigned bits = kMinBits)
        : shard_(shard), bits_(bits), slots_(std::size_t{1} << bits) {
        std::memset(slots_.data(), 0, slots_.size() * sizeof(Slot));
    }

    std::size_t capacity() const { return slots_.size(); }
    std::size_t used() const { return used_; }
    std::size_t bytes() const { return slots_.size() * sizeof(Slot); }
    const void* home_address(std::uint64_t h1) const { return &slots_[home(h1)]; }

    // Whether the fingerprint (h1, h2) is in the table.
    bool contains(std::uint64_t h1, std::uint64_t h2) const {
        const Key k = key(h1, h2);
        std::size_t j = home(h1);
        for (unsigned d = 1; d <= kMaxDistance + 1; ++d, j = next(j)) {
            const Slot& s = slots_[j];
            const unsigned sd = s.distance();
            if (sd < d) return false;  // empty (0), or an entry nearer its home than we are
            if (sd == d && s.key() == k) return true;
        }
        return false;
    }

    // Adds the fingerprint (h1, h2); false if it was there.
    bool insert(std::uint64_t h1, std::uint64_t h2) {
        if (contains(h1, h2)) return false;
        if ((used_ + 1) * 10 > slots_.size() * 9) grow();
        add(home(h1), key(h1, h2));
        return true;
    }

private:
    // The stored remainder: h2's top 36 bits and h1's low 58-q bits (28 in `lo`'s top bits,
    // the rest in `hi`'s low 24), and in `hi`'s top 8 bits the distance from home + 1 (0: empty).
    struct Key {
        std::uint64_t lo = 0;
        std::uint32_t hi = 0;  // without the distance
        bool operator==(const Key&) const = default;
    };
    struct Slot {
        std::uint32_t w[3];
        unsigned distance() const { return w[2] >> 24; }
        Key key() const { return {w[0] | std::uint64_t{w[1]} << 32, w[2] & 0xFFFFFFu}; }
        void set(const Key& k, unsigned distance) {
            w[0] = static_cast<std::uint32_t>(k.lo);
            w[1] = static_cast<std::uint32_t>(k.lo >> 32);
            w[2] = k.hi | distance << 24;
        }
    };
    static_assert(sizeof(Slot) == 12);

    std::size_t home(std::uint64_t h1) const {
        return static_cast<std::size_t>(h1 >> (58 - bits_)) & (slots_.size() - 1);
    }
    std::size_t next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }
    Key key(std::uint64_t h1, std::uint64_t h2) const {
        const std::uint64_t low = h1 & ((std::uint64_t{1} << (58 - bits_)) - 1);
        return {(h2 >> 28) | (low & 0xFFFFFFFull) << 36, static_cast<std::uint32_t>(low >> 28)};
    }
    // The fingerprint of a key found at `home`: (h1, h2 with its low 28 bits zero).
    std::pair<std::uint64_t, std::uint64_t> fingerprint(std::size_t home, const Key& k) const {
        const std::uint64_t low = (k.lo >> 36) | std::uint64_t{k.hi} << 28;
        const std::uint64_t h1 = shard_ << 58 | std::uint64_t{home} << (58 - bits_) | low;
        return {h1, (k.lo & 0xFFFFFFFFFull) << 28};
    }

    // Robin Hood: walks from home and takes the slot of the first entry nearer its own home,
    // which then walks on. A walk that would pass kMaxDistance grows the table.
    void add(std::size_t j, Key k) {
        for (unsigned d = 1;; ++d, j = next(j)) {
            if (d > kMaxDistance + 1) {
                const std::size_t h = (j - (d - 1)) & (slots_.size() - 1);
                const auto [h1, h2] = fingerprint(h, k);
                grow();
                add(home(h1), key(h1, h2));
                return;
            }
            Slot& s = slots_[j];
            const unsigned sd = s.distance();
            if (sd == 0) {
                s.set(k, d);
                ++used_;
                return;
            }
            if (sd < d) {
                const Key out = s.key();
                s.set(k, d);
                k = out;
                d = sd;
            }
        }
    }

    void grow() {
        FingerprintTable bigger(shard_, bits_ + 1);
        for (std::size_t j = 0; j < slots_.size(); ++j) {
            const Slot& s = slots_[j];
            if (!s.distance()) continue;
            const auto [h1, h2] = fingerprint((j - (s.distance() - 1)) & (slots_.size() - 1), s.key());
            bigger.add(bigger.home(h1), bigger.key(h1, h2));
        }
        *this = std::move(bigger);
    }

    std::uint64_t shard_ = 0;
    unsigned bits_ = kMinBits;
    Buffer<Slot> slots_;
    std::size_t used_ = 0;
};

}  // namespace cowpin::engine
