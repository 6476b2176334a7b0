// A rank's expansion of one round of its frontier (checker/engine/distributed_bfs.hpp), on one
// or more threads: the successors of the parents [lo, hi), canonicalised and packed, bucketed
// by the rank that owns them, each with its key and its parent's handle.
//
// With T threads the parents are split into T contiguous slices; thread t expands slice t into
// per-owner buffers of its own, and the buffers are then joined in thread order, so each owner
// receives the candidates in the order one thread would have sent them, less some duplicates
// that the owner would drop anyway (below). The owner's insert keeps the smaller key whatever
// the order, so the states, their keys and the levels are the same for any T.
//
// Each thread has its own scratch (State, actions, packed words) and its own sent-before cache.
// A cache drops only a state its own thread sent earlier (in an earlier level, or in this level
// with a key no larger), so the argument that the owner would drop it holds per thread: the
// earlier copy went out on the same path, ahead of this one. The model and the codec are only
// read, through their const members, as by the threaded Explorer's phase A (bfs.hpp), which
// calls the same four (unpack, actions, successor, pack) from every thread at once.
//
// One thread runs on the caller, without the pool, into the caller's buffers: no hop, no copy.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "checker/engine/concepts.hpp"
#include "checker/engine/explore_types.hpp"
#include "checker/engine/pool.hpp"
#include "checker/engine/state_store.hpp"

namespace cowpin::engine::detail {

// The rank of `ranks` that owns a state of hash `h` (the hash's high half, scaled).
inline int owner_of(std::uint64_t h, int ranks) {
    return static_cast<int>(((h >> 32) * static_cast<std::uint64_t>(ranks)) >> 32);
}
// A stored state's handle: its owner and its local id there.
inline std::uint64_t rank_handle(int rank, std::size_t id) { return std::uint64_t(rank) << 32 | id; }
// Packed states of n words (inline: a call to memcmp was 11% of a rank's cycles).
inline bool equal_words(const std::uint64_t* a, const std::uint64_t* b, std::size_t n) {
    std::uint64_t diff = 0;
    for (std::size_t i = 0; i < n; ++i) diff |= a[i] ^ b[i];
    return diff == 0;
}

template <TransitionSystem M>
class RankExpansion {
public:
    using State = typename M::State;
    using Action = typename M::Action;

    RankExpansion(const M& model, std::size_t words, unsigned threads)
        : model_(model), codec_{model}, words_(words), own_(std::max(1u, threads)) {
        if (own_.size() > 1) pool_ = std::make_unique<Pool>(static_cast<unsigned>(own_.size()));
    }
    RankExpansion(const M&&, std::size_t, unsigned) = delete;  // keeps a reference to the model

    unsigned threads() const { return static_cast<unsigned>(own_.size()); }

    // Empties the caches (a new run).
    void reset() {
        for (Own& o : own_) {
            o.cache_words.assign(kCacheSlots * words_, 0);
            o.cache_level.assign(kCacheSlots, 0);
            o.cache_key.assign(kCacheSlots, 0);
        }
    }

    // Expands local ids [lo, hi) of the rank `me` of `ranks`, whose states are `arena` and
    // whose frontier starts at local id `first` with the positions `pos`, appending to `send`
    // by owner: packed words, key (position << 8 | action index), parent handle. Returns the
    // enabled transitions.
    std::uint64_t expand(const Chunked<std::uint64_t>& arena, const std::vector<std::uint64_t>& pos,
                         std::size_t lo, std::size_t hi, std::size_t first, std::uint32_t depth,
                         int me, int ranks, std::vector<std::vector<std::uint64_t>>& send) {
        if (!pool_) return slice(own_[0], send, arena, pos, lo, hi, first, depth, me, ranks);
        const std::size_t T = own_.size();
        pool_->run([&](unsigned t) {
            Own& o = own_[t];
            if (t > 0) {
                o.send.resize(static_cast<std::size_t>(ranks));
                for (auto& v : o.send) v.clear();
            }
            o.count = slice(o, t == 0 ? send : o.send, arena, pos, lo + (hi - lo) * t / T,
                            lo + (hi - lo) * (t + 1) / T, first, depth, me, ranks);
        });
        std::uint64_t count = own_[0].count;
        for (std::size_t t = 1; t < T; ++t) {
            count += own_[t].count;
            for (int d = 0; d < ranks; ++d)
                send[d].insert(send[d].end(), own_[t].send[d].begin(), own_[t].send[d].end());
        }
        return count;
    }

    std::size_t bytes() const {
        std::size_t n = 0;
        for (const Own& o : own_) {
            n += (o.cache_words.capacity() + o.cache_key.capacity()) * 8 + o.cache_level.capacity() * 4;
            for (const auto& v : o.send) n += v.capacity() * 8;
        }
        return n;
    }

private:
    static constexpr std::size_t kMaxActions = 256;  // action indices are one byte
    // The sent-before cache: direct-mapped, per thread.
    static constexpr std::size_t kCacheSlots = std::size_t{1} << 16;

    // A thread's own: its buffers by owner (thread 0 writes the caller's), its cache of the
    // states it sent to other ranks (their words, level + 1 with 0 for empty, and key), and
    // its count of transitions. On cache lines of its own: each thread writes its headers.
    struct alignas(64) Own {
        std::vector<std::vector<std::uint64_t>> send;
        std::vector<std::uint64_t> cache_words;
        std::vector<std::uint32_t> cache_level;
        std::vector<std::uint64_t> cache_key;
        std::uint64_t count = 0;
    };

    static std::logic_error misfit() {
        return std::logic_error("a state does not fit the packed encoding of its bounds (model bug)");
    }

    std::uint64_t slice(Own& o, std::vector<std::vector<std::uint64_t>>& send,
                        const Chunked<std::uint64_t>& arena, const std::vector<std::uint64_t>& pos,
                        std::size_t lo, std::size_t hi, std::size_t first, std::uint32_t depth,
                        int me, int ranks) {
        State s, next;
        std::vector<Action> acts;
        std::vector<std::uint64_t> w(words_);
        std::uint64_t count = 0;
        for (std::size_t id = lo; id < hi; ++id) {
            const std::uint64_t* parent = arena.at(id);
            codec_.unpack(parent, s);
            acts.clear();
            model_.actions(s, acts);
            if (acts.size() > kMaxActions)
                throw std::logic_error("more than 256 candidate actions in one state");
            for (std::size_t ai = 0; ai < acts.size(); ++ai) {
                bool unchanged;
                if (!codec_.successor(s, acts[ai], next, unchanged)) continue;
                ++count;
                if (unchanged) continue;  // a self-loop: the parent is stored already
                if (!codec_.pack(next, w.data())) throw misfit();
                if (equal_words(w.data(), parent, words_)) continue;  // canonical again: a self-loop
                const std::uint64_t h = hash_words(w.data(), words_);
                const int owner = owner_of(h, ranks);
                const std::uint64_t key = pos[id - first] << 8 | ai;
                if (owner != me && sent_before(o, w.data(), h, depth, key)) continue;
                std::vector<std::uint64_t>& out = send[owner];
                out.insert(out.end(), w.begin(), w.end());
                out.push_back(key);
                out.push_back(rank_handle(me, id));
            }
        }
        return count;
    }

    // A rank's own duplicates stay off the network. A state this thread sent in an earlier
    // level is stored by its owner; one it sent in this level with a smaller key (an earlier
    // discovery) makes this one lose at its owner. Either way the owner would drop it.
    bool sent_before(Own& o, const std::uint64_t* w, std::uint64_t h, std::uint32_t depth,
                     std::uint64_t key) const {
        const std::size_t i = (h >> 40) & (kCacheSlots - 1);
        std::uint64_t* cw = &o.cache_words[i * words_];
        if (o.cache_level[i] != 0 && equal_words(cw, w, words_)) {
            if (o.cache_level[i] <= depth || o.cache_key[i] <= key) return true;
            o.cache_key[i] = key;
            return false;
        }
        std::memcpy(cw, w, words_ * 8);
        o.cache_level[i] = depth + 1;  // 0: empty
        o.cache_key[i] = key;
        return false;
    }

    const M& model_;
    Codec<M> codec_;
    std::size_t words_;
    std::vector<Own> own_;        // by thread
    std::unique_ptr<Pool> pool_;  // more than one thread: the pool (the caller is thread 0)
};

}  // namespace cowpin::engine::detail
