// Breadth-first exploration over ranks (processes, e.g. under mpirun): the same states, state
// counts, first violations and counterexamples as the threaded Explorer (checker/engine/bfs.hpp).
//
// Each state is owned by the rank its hash names, and only its owner stores it. A level is
// expanded in rounds of at most kRoundParents parents per rank: every rank expands its share
// of the frontier, buckets the successors by owner and exchanges them (Comm::exchange, an
// all-to-all); the owner drops those it has stored and keeps the new ones. Rounds bound the
// bytes in flight; all ranks make the same number of them (the largest share decides).
//
// The threaded explorer numbers states in discovery order: level d+1 is ordered by (the id of
// the parent that first found a state, the index of the action there), and its first violation
// of an invariant is its violating state of lowest id. Here a state of the frontier carries its
// position in its level (its id minus the level's first id), and a candidate carries the key
// (parent position << 8 | action index). A state found twice in one level keeps the smaller
// key and that key's parent: so it keeps the parent the threaded run records. At the end of
// the level the new states are ranked by key: each is sent to the rank that sorts the keys of
// a range of parent positions (ranges in order, so a rank's first position is the count of the
// ranks before it), which sends its position back. Then the ranks agree on each invariant's
// violating state of lowest position, which is the threaded run's first violation, with the
// same id (the level's first id plus the position).
//
// A stored state keeps its parent's (rank, local id) and its action index, so a trace is walked
// back from the violating state, one broadcast per step from the rank that owns it (path()).
// A rank expands a round's parents on one thread or several (RankExpansion,
// checker/engine/rank_expansion.hpp): the same candidates reach the same owners either way.
// Limits: max_bytes is each rank's own memory; max_states and kMaxStates count all ranks'; a
// rank numbers its own states in 32 bits (kMaxRankStates). Ranks store states exactly: there
// is no compact (fingerprint) mode over ranks.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "checker/engine/comm.hpp"
#include "checker/engine/concepts.hpp"
#include "checker/engine/explore_types.hpp"
#include "checker/engine/rank_expansion.hpp"
#include "checker/engine/state_store.hpp"

namespace cowpin::engine {

template <TransitionSystem M>
class DistributedExplorer {
public:
    using State = typename M::State;
    using Action = typename M::Action;

    // `threads` expand each round's parents on this rank (at least 1).
    DistributedExplorer(const M& model, Comm& comm, unsigned threads = 1)
        : model_(model), codec_{model}, comm_(comm), words_(codec_.words()), arena_(words_),
          expansion_(model, words_, threads) {}
    DistributedExplorer(const M&&, Comm&, unsigned = 1) = delete;  // keeps a reference to the model

    // Collective. `progress` is called on rank 0 only, with all ranks' sums.
    Result run(const Limits& limits = {},
               const std::function<void(const Progress&)>& progress = {}) {
        const auto start = std::chrono::steady_clock::now();
        const CommCounters before = comm_.counters();
        const int R = comm_.size(), me = comm_.rank();
        reset();
        Result r;
        r.threads = expansion_.threads();
        r.packed_bytes = words_ * 8;
        const int ninv = model_.invariant_count();
        r.first_violation.assign(ninv, std::nullopt);
        r.violation_depth.assign(ninv, std::nullopt);
        violation_at_.assign(ninv, kNone);

        {  // the initial state: position 0 of level 0, stored by its owner
            const State init = model_.initial();
            std::vector<std::uint64_t> w(words_);
            if (!codec_.pack(init, w.data())) throw misfit();
            const int owner = owner_of(hash_words(w.data(), words_));
            if (owner == me) {
                insert_new(w.data(), 0, kNone);
                frontier_pos_.assign(1, 0);
            }
            for (int i = 0; i < ninv; ++i)
                if (model_.checks(i) && !model_.invariant_holds(init, i)) {
                    r.first_violation[i] = 0;
                    r.violation_depth[i] = 0;
                    violation_at_[i] = handle(owner, 0);
                }
        }
        std::uint64_t level_size = 1, level_first = 0, states = 1, transitions = 0;
        std::size_t frontier_begin = 0, frontier_end = size_;
        auto last_progress = start;
        std::vector<std::vector<std::uint64_t>> send(R), recv;
        bool last_whole = false;  // a limit stopped the run once a level's parents were all expanded
        for (std::uint32_t depth = 0; level_size > 0; ++depth) {
            r.depth = depth;
            r.level_states.push_back(level_size);
            if (limits.max_depth && depth >= limits.max_depth) {
                r.depth_limited = true;
                break;
            }
            std::vector<std::uint64_t> rounds{(frontier_end - frontier_begin + kRoundParents - 1) /
                                              kRoundParents};
            comm_.max(rounds);
            new_begin_ = size_;
            new_keys_.clear();
            std::uint64_t k = 0;
            for (; k < rounds[0] && r.complete; ++k) {
                for (auto& v : send) v.clear();
                const std::size_t lo = std::min(frontier_end, frontier_begin + k * kRoundParents);
                const std::size_t hi = std::min(frontier_end, lo + kRoundParents);
                transitions_ += expansion_.expand(arena_, frontier_pos_, lo, hi, frontier_begin,
                                                  depth, me, R, send);
                comm_.exchange(send, recv);
                const std::size_t rs = words_ + 2;
                for (const auto& in : recv)
                    for (std::size_t i = 0; i < in.size(); i += rs)
                        insert_or_improve(&in[i], in[i + words_], in[i + words_ + 1]);
                // Agree on the counts and on whether a limit stops the run (rank 0's clock).
                const bool late = me == 0 && limits.max_seconds &&
                                  seconds_since(start) > limits.max_seconds;
                // mpirun passes SIGINT and SIGTERM to every rank: any rank's flag stops all.
                const bool stop = limits.interrupt && limits.interrupt->load(std::memory_order_relaxed);
                std::vector<std::uint64_t> v{size_, transitions_, bytes(),
                                             limits.max_bytes && bytes() > limits.max_bytes,
                                             late, size_ > kMaxRankStates, stop};
                comm_.sum(v);
                states = v[0], transitions = v[1];
                if (limits.mark_states && !r.mark_seconds && states >= limits.mark_states)
                    r.mark_seconds = seconds_since(start);
                if (limits.max_states && states > limits.max_states) r.complete = false;
                if (v[3]) r.complete = false, r.memory_limited = true;
                if (v[4]) r.complete = false, r.time_limited = true;
                if (v[6]) r.complete = false, r.interrupted = true;
                if (states > kMaxStates || v[5]) r.complete = false, r.id_limited = true;
                const auto now = std::chrono::steady_clock::now();
                if (me == 0 && progress && k + 1 < rounds[0] &&
                    now - last_progress > std::chrono::seconds(1)) {
                    last_progress = now;
                    progress(Progress{states, transitions, depth, 0, v[2], seconds_since(start)});
                }
            }
            if (!r.complete) {
                last_whole = k == rounds[0];
                break;
            }
            const std::uint64_t next_size = rank_new_level(level_size);
            level_first += level_size;
            check_new_level(depth + 1, level_first, r);
            frontier_begin = new_begin_;
            frontier_end = size_;
            level_size = next_size;
            std::vector<std::uint64_t> b{bytes()};
            comm_.sum(b);
            if (me == 0 && progress)
                progress(Progress{states, transitions, depth + 1, level_size, b[0],
                                  seconds_since(start)});
        }
        std::vector<std::uint64_t> v{size_, transitions_, bytes(), store_bytes(),
                                     comm_.counters().bytes_sent - before.bytes_sent,
                                     comm_.counters().messages - before.messages};
        comm_.sum(v);
        r.states = v[0];
        // The states past the levels counted: the next level, whole or partly found.
        std::uint64_t counted = 0;
        for (const std::uint64_t n : r.level_states) counted += n;
        if (r.states > counted && last_whole) r.level_states.push_back(r.states - counted);
        else r.partial_level = r.states - counted;
        r.transitions = v[1];
        r.bytes = v[2];
        r.store_bytes = v[3];
        r.ranks = static_cast<unsigned>(R);
        r.bytes_sent = v[4];
        r.messages = v[5];
        r.collectives = comm_.counters().collectives - before.collectives;
        r.seconds = seconds_since(start);
        return r;
    }

    // Collective, after run(): the canonical states from the initial state to the first
    // violation of `inv` (which run() found), and in `actions` the action into each state after
    // the first (the one at the stored index of its parent's actions()). The same on every rank.
    std::vector<State> path(int inv, std::vector<Action>& actions) const {
        std::vector<std::vector<std::uint64_t>> packed;
        std::vector<unsigned> index;
        for (std::uint64_t h = violation_at_.at(inv); h != kNone;) {
            const int root = static_cast<int>(h >> 32);
            const std::size_t id = h & 0xFFFFFFFFu;
            std::vector<std::uint64_t> buf(words_ + 2);
            if (root == comm_.rank()) {
                std::memcpy(buf.data(), arena_.at(id), words_ * 8);
                buf[words_] = *parent_.at(id);
                buf[words_ + 1] = *actions_.at(id);
            }
            comm_.broadcast(buf, root);
            h = buf[words_];
            index.push_back(static_cast<unsigned>(buf[words_ + 1]));
            buf.resize(words_);
            packed.push_back(std::move(buf));
        }
        std::reverse(packed.begin(), packed.end());
        std::reverse(index.begin(), index.end());
        std::vector<State> states(packed.size());
        for (std::size_t i = 0; i < packed.size(); ++i) codec_.unpack(packed[i].data(), states[i]);
        actions.clear();
        std::vector<Action> acts;
        for (std::size_t i = 1; i < states.size(); ++i) {
            acts.clear();
            model_.actions(states[i - 1], acts);
            if (index[i] >= acts.size())
                throw std::logic_error("a stored action index is past its parent's actions (model bug)");
            actions.push_back(acts[index[i]]);
        }
        return states;
    }

private:
    static constexpr std::uint64_t kNone = ~std::uint64_t{0};
    static constexpr std::size_t kRoundParents = 4096;  // parents per rank per exchange

    static std::uint64_t handle(int rank, std::size_t id) { return detail::rank_handle(rank, id); }
    int owner_of(std::uint64_t h) const { return detail::owner_of(h, comm_.size()); }
    static std::logic_error misfit() {
        return std::logic_error("a state does not fit the packed encoding of its bounds (model bug)");
    }
    static double seconds_since(std::chrono::steady_clock::time_point t) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    }

    void reset() {
        size_ = 0;
        transitions_ = 0;
        arena_ = Chunked<std::uint64_t>(words_);
        parent_ = Chunked<std::uint64_t>(1);
        actions_ = Chunked<std::uint8_t>(1);
        slots_.assign(1024, kEmpty);
        frontier_pos_.clear();
        new_keys_.clear();
        new_begin_ = 0;
        expansion_.reset();
    }

    // Packed states of words_ words (detail::equal_words, inline).
    bool equal(const std::uint64_t* a, const std::uint64_t* b) const {
        return detail::equal_words(a, b, words_);
    }

    // The visited set: open addressing over local ids, by the hash's low bits.
    static constexpr std::uint32_t kEmpty = ~std::uint32_t{0};
    // A rank's local ids are 32-bit; past this many states the run stops (id_limited). A round
    // adds at most kRoundParents x 256 states to a rank, far below the gap to kEmpty.
    static constexpr std::uint64_t kMaxRankStates = std::uint64_t{1} << 31;
    std::size_t slot_of(const std::uint64_t* w, std::uint64_t h) const {
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = h & mask;; i = (i + 1) & mask)
            if (slots_[i] == kEmpty || equal(arena_.at(slots_[i]), w)) return i;
    }
    void grow() {
        std::vector<std::uint32_t> old(slots_.size() * 2, kEmpty);
        old.swap(slots_);
        for (std::uint32_t id : old)
            if (id != kEmpty) {
                const std::uint64_t* w = arena_.at(id);
                slots_[slot_of(w, hash_words(w, words_))] = id;
            }
    }
    void insert_new(const std::uint64_t* w, std::uint64_t key, std::uint64_t parent) {
        if ((size_ + 1) * 10 > slots_.size() * 7) grow();
        const std::size_t i = slot_of(w, hash_words(w, words_));
        const std::size_t id = size_++;
        if (id >= kEmpty) throw std::length_error("a rank stores more than 2^32 states");
        arena_.ensure(size_);
        parent_.ensure(size_);
        actions_.ensure(size_);
        std::memcpy(arena_.at(id), w, words_ * 8);
        *parent_.at(id) = parent;
        *actions_.at(id) = static_cast<std::uint8_t>(key & 0xFF);
        slots_[i] = static_cast<std::uint32_t>(id);
        new_keys_.push_back(key);
    }
    void insert_or_improve(const std::uint64_t* w, std::uint64_t key, std::uint64_t parent) {
        const std::uint32_t id = slots_[slot_of(w, hash_words(w, words_))];
        if (id == kEmpty) return insert_new(w, key, parent);
        if (id < new_begin_ || new_keys_[id - new_begin_] <= key) return;
        new_keys_[id - new_begin_] = key;  // an earlier discovery in this level
        *parent_.at(id) = parent;
        *actions_.at(id) = static_cast<std::uint8_t>(key & 0xFF);
    }

    // Gives each new state its position in the new level (frontier_pos_, by local id from
    // new_begin_); `parents` is the size of the level expanded. Returns the new level's size.
    std::uint64_t rank_new_level(std::uint64_t parents) {
        const int R = comm_.size();
        std::vector<std::vector<std::uint64_t>> send(R), sent_ids(R), recv;
        for (std::size_t i = 0; i < new_keys_.size(); ++i) {
            const std::uint64_t parent_pos = new_keys_[i] >> 8;
            const auto sorter = static_cast<std::size_t>(parent_pos * R / parents);
            send[sorter].push_back(new_keys_[i]);
            sent_ids[sorter].push_back(i);
        }
        comm_.exchange(send, recv);
        std::vector<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>> keys;
        for (int s = 0; s < R; ++s)
            for (std::size_t j = 0; j < recv[s].size(); ++j)
                keys.emplace_back(recv[s][j], s, static_cast<std::uint32_t>(j));
        std::sort(keys.begin(), keys.end());
        const std::vector<std::uint64_t> counts = comm_.gather_all(keys.size());
        std::uint64_t offset = 0, total = 0;
        for (int s = 0; s < R; ++s) {
            if (s < comm_.rank()) offset += counts[s];
            total += counts[s];
        }
        std::vector<std::vector<std::uint64_t>> reply(R);
        for (int s = 0; s < R; ++s) reply[s].resize(recv[s].size());
        for (std::size_t k = 0; k < keys.size(); ++k)
            reply[std::get<1>(keys[k])][std::get<2>(keys[k])] = offset + k;
        comm_.exchange(reply, recv);
        frontier_pos_.assign(new_keys_.size(), 0);
        for (int d = 0; d < R; ++d)
            for (std::size_t j = 0; j < sent_ids[d].size(); ++j)
                frontier_pos_[sent_ids[d][j]] = recv[d][j];
        return total;
    }

    // Checks the new level (its first global id `first`) against every invariant not yet
    // violated; the ranks agree on each one's violating state of lowest position.
    void check_new_level(std::uint32_t depth, std::uint64_t first, Result& r) {
        const int ninv = model_.invariant_count();
        std::vector<std::uint64_t> best(ninv, kNone);
        State s;
        for (std::size_t i = 0; i < new_keys_.size(); ++i) {
            bool unpacked = false;
            for (int inv = 0; inv < ninv; ++inv) {
                if (r.first_violation[inv] || !model_.checks(inv) || frontier_pos_[i] >= best[inv])
                    continue;
                if (!unpacked) codec_.unpack(arena_.at(new_begin_ + i), s), unpacked = true;
                if (!model_.invariant_holds(s, inv)) best[inv] = frontier_pos_[i];
            }
        }
        comm_.min(best);
        if (std::all_of(best.begin(), best.end(), [](std::uint64_t b) { return b == kNone; }))
            return;
        std::vector<std::uint64_t> at(ninv, 0);  // the owner's handle + 1
        for (std::size_t i = 0; i < new_keys_.size(); ++i)
            for (int inv = 0; inv < ninv; ++inv)
                if (best[inv] == frontier_pos_[i]) at[inv] = handle(comm_.rank(), new_begin_ + i) + 1;
        comm_.max(at);
        for (int inv = 0; inv < ninv; ++inv)
            if (best[inv] != kNone) {
                r.first_violation[inv] = static_cast<StateId>(first + best[inv]);
                r.violation_depth[inv] = depth;
                violation_at_[inv] = at[inv] - 1;
            }
    }

    std::size_t store_bytes() const {
        return arena_.bytes_used(size_) + parent_.bytes_used(size_) + actions_.bytes_used(size_) +
               slots_.capacity() * 4;
    }
    std::size_t bytes() const {
        return store_bytes() + (frontier_pos_.capacity() + new_keys_.capacity()) * 8 +
               expansion_.bytes();
    }

    const M& model_;
    detail::Codec<M> codec_;
    Comm& comm_;
    std::size_t words_;
    std::size_t size_ = 0;                // states this rank stores, by local id
    std::uint64_t transitions_ = 0;       // enabled transitions of this rank's parents
    Chunked<std::uint64_t> arena_;        // packed states by local id
    Chunked<std::uint64_t> parent_{1};    // the parent's handle (rank << 32 | local id)
    Chunked<std::uint8_t> actions_{1};    // the action index in the parent's actions()
    std::vector<std::uint32_t> slots_;    // the visited set (local ids)
    std::size_t new_begin_ = 0;           // the first local id of the level being found
    std::vector<std::uint64_t> new_keys_;   // its states' keys (parent position << 8 | action)
    std::vector<std::uint64_t> frontier_pos_;  // the frontier's positions in its level
    std::vector<std::uint64_t> violation_at_;  // per invariant, the first violation's handle
    detail::RankExpansion<M> expansion_;       // a round's parents, on this rank's threads
};

}  // namespace cowpin::engine
