// Breadth-first exploration over canonical states, on one or more threads.
//
// States get ids in discovery order — the order a one-thread BFS finds them: by parent id, then
// by the index of the action in actions() — so the BFS queue is the id range itself and level d
// is the ids [level_begin[d], level_begin[d+1]). The ids, and so the state counts, the first
// violation of every invariant and every counterexample, are the same for any number of
// threads.
//
// A level is worked through in blocks of kBlock parents (BlockExpansion,
// checker/engine/block_expansion.hpp, expands a block in four phases). Every new state is
// checked against every invariant the model checks; a violating state is still explored, so
// each invariant gets its own first — and therefore shortest — counterexample. Limits are
// checked after each block. No logging, JSON or graph library in here: progress goes out
// through a callback.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "checker/engine/block_expansion.hpp"

namespace cowpin::engine {

// The stored states and the trace side (state(), link(), links_to(), path_to(), depth_of())
// are StoredStates' (checker/engine/stored_states.hpp); the visited set and a block's expansion
// BlockExpansion's; this adds the levels, the limits and the --disk queue.
template <TransitionSystem M>
class Explorer : public BlockExpansion<M> {
    using Base = BlockExpansion<M>;
    using Base::model_, Base::codec_, Base::options_, Base::words_, Base::size_, Base::arena_,
        Base::level_begin_, Base::equal, Base::kKeyId, Base::kKeyAction,
        Base::disk_, Base::id_limited_, Base::index_, Base::hash_of, Base::misfit,
        Base::expand_block, Base::actions_, Base::compact_, Base::pending_, Base::sub_,
        Base::kShards, Base::shard_of, Base::masks_, Base::thread_masks_, Base::first_child_,
        Base::links_;

public:
    using State = typename M::State;
    using Action = typename M::Action;
    using typename Base::Link;

    explicit Explorer(const M& model, Options options = {}) : Base(model, options) {
        options_.threads = std::max(1u, options_.threads);
        if (!options_.disk_dir.empty()) options_.compact = true;
    }
    explicit Explorer(const M&&, Options = {}) = delete;  // keeps a reference to the model

    // Explores from scratch (a second call starts again with an empty store). max_states and
    // max_bytes are checked after each block of parents, so a run stops a little past them;
    // depth_limited means some states at max_depth were left unexpanded.
    Result run(const Limits& limits = {},
               const std::function<void(const Progress&)>& progress = {}) {
        const auto start = std::chrono::steady_clock::now();
        reset();
        detail::Pool pool(options_.threads);
        const unsigned T = pool.size();
        Result r;
        r.threads = T;
        r.compact = options_.compact;
        r.packed_bytes = words_ * 8;
        r.first_violation.assign(model_.invariant_count(), std::nullopt);
        r.violation_depth.assign(model_.invariant_count(), std::nullopt);

        {  // the initial state is id 0
            const State init = model_.initial();
            std::vector<std::uint64_t> w(words_);
            if (!codec_.pack(init, w.data())) throw misfit();
            const std::uint64_t h = hash_of(w.data());
            insert_initial(w.data(), h);
            for (int i = 0; i < model_.invariant_count(); ++i)
                if (model_.checks(i) && !model_.invariant_holds(init, i)) {
                    r.first_violation[i] = 0;
                    r.violation_depth[i] = 0;
                }
        }

        std::vector<std::uint64_t> transitions(T, 0);
        std::vector<std::vector<std::optional<StateId>>> found(T);
        auto last_progress = start;
        std::size_t begin = 0;
        std::size_t expanded = 0;  // the parents expanded so far, and their new states stored
        for (std::uint32_t depth = 0; begin < size_; ++depth) {
            const std::size_t end = size_;
            level_begin_.push_back(end);  // level depth+1 starts here
            r.depth = depth;
            if (limits.max_depth && depth >= limits.max_depth) {
                r.depth_limited = true;
                break;
            }
            if (options_.compact) arena_.release_below(begin);
            for (std::size_t b = begin; b < end && r.complete; b += kBlock) {
                const std::size_t e = std::min(end, b + kBlock);
                try {
                    if (disk_) arena_.release_below(b), bring_in(b, e);
                    expand_block(pool, b, e, transitions, found, r);
                    if (!id_limited_) expanded = e;
                    if (disk_) spill_past(e);
                } catch (const DiskError& err) {  // a full disk: a limit, like memory
                    r.complete = false;
                    r.disk_error = err.what();
                    break;
                }
                for (int i = 0; i < model_.invariant_count(); ++i)
                    for (unsigned t = 0; t < T; ++t)
                        if (found[t][i] && (!r.first_violation[i] || *found[t][i] < *r.first_violation[i])) {
                            r.first_violation[i] = found[t][i];
                            r.violation_depth[i] = depth + 1;
                        }
                r.transitions = 0;
                for (std::uint64_t n : transitions) r.transitions += n;
                if (limits.mark_states && !r.mark_seconds && size_ >= limits.mark_states)
                    r.mark_seconds = seconds_since(start);
                if (limits.max_states && size_ > limits.max_states) r.complete = false;
                const std::size_t now_bytes = bytes();
                r.peak_bytes = std::max<std::uint64_t>(r.peak_bytes, now_bytes);
                if (limits.max_bytes && now_bytes > limits.max_bytes) {
                    r.complete = false;
                    r.memory_limited = true;
                }
                const auto now = std::chrono::steady_clock::now();
                if (limits.max_seconds && seconds_since(start) > limits.max_seconds) {
                    r.complete = false;
                    r.time_limited = true;
                }
                if (limits.interrupt && limits.interrupt->load(std::memory_order_relaxed)) {
                    r.complete = false;
                    r.interrupted = true;
                }
                if (progress && e < end && now - last_progress > std::chrono::seconds(1)) {
                    last_progress = now;
                    progress(Progress{size_, r.transitions, depth, size_ - e, bytes(),
                                      seconds_since(start)});
                }
            }
            if (id_limited_) r.complete = false, r.id_limited = true;
            if (!r.complete) break;
            begin = end;
            if (progress)
                progress(Progress{size_, r.transitions, depth + 1, size_ - end, bytes(),
                                  seconds_since(start)});
        }
        // Level d is the ids [level_begin_[d], level_begin_[d+1]); the level after the last
        // start is whole too if a limit stopped the run only once its parents were all expanded.
        for (std::size_t d = 0; d + 1 < level_begin_.size(); ++d)
            r.level_states.push_back(level_begin_[d + 1] - level_begin_[d]);
        const bool last_whole = expanded == level_begin_.back();
        if (last_whole && size_ > expanded) r.level_states.push_back(size_ - expanded);
        r.partial_level = last_whole ? 0 : size_ - level_begin_.back();
        r.states = size_;
        r.bytes = bytes();
        r.store_bytes = store_bytes();
        if (disk_) r.disk = true, r.disk_bytes = disk_->bytes_written();
        r.seconds = seconds_since(start);
        if (options_.compact) {
            r.fingerprint_bits = FingerprintTable::kFingerprintBits;
            r.omission_probability = double(r.states) *
                                     double(r.transitions > r.states ? r.transitions - r.states : 0) /
                                     std::ldexp(1.0, r.fingerprint_bits);
        }
        return r;
    }

    bool disk() const { return disk_ != nullptr; }

    // --disk: the canonical states from the initial state to `last` (element 0 the initial
    // state) and the action taken into each later one, found by following the links file back
    // from `last` and replaying the action indices forward through the model.
    void replay_path(StateId last, std::vector<State>& canonical, std::vector<Action>& searched) const {
        if (!disk_) throw std::logic_error("replay_path() needs a --disk run");
        std::vector<unsigned> indices;
        for (StateId id = last; id != 0;) {
            const std::uint64_t link = disk_->link(id);
            indices.push_back(static_cast<unsigned>(link >> kKeyAction) & 0xFF);
            const StateId parent = link & kKeyId;
            if (parent >= id) throw std::logic_error("a --disk link points forward (engine bug)");
            id = parent;
        }
        canonical.assign(1, model_.initial());
        searched.clear();
        std::vector<Action> acts;
        State next;
        for (auto it = indices.rbegin(); it != indices.rend(); ++it) {
            acts.clear();
            model_.actions(canonical.back(), acts);
            if (*it >= acts.size() || !model_.next_state(canonical.back(), acts[*it], next))
                throw std::logic_error("a --disk link names an action that is not enabled (model bug)");
            searched.push_back(acts[*it]);
            canonical.push_back(next);
        }
    }

    // The id of a canonical state, or kNoParent if it was never stored (exact mode).
    StateId find(const State& s) const {
        if (options_.compact) throw std::logic_error("find() needs an exact run");
        std::vector<std::uint64_t> w(words_);
        codec_.pack(s, w.data());
        // (A slot left pending by a run stopped mid-block matches no hash.)
        return index_.find(hash_of(w.data()),
                           [&](StateId id) { return equal(arena_.at(id), w.data()); });
    }

private:
    static constexpr std::size_t kBlock = 8192;  // parents per block (expand_block())

    // An empty store and visited set (and a fresh --disk directory).
    void reset() {
        size_ = 0;
        id_limited_ = false;
        arena_ = Chunked<std::uint64_t>(words_);
        level_begin_.assign(1, 0);
        actions_ = Chunked<std::uint8_t>(1);
        index_ = ExactIndex{};
        if (!options_.compact) index_.reset(options_.narrow_id_bits);
        compact_.clear();
        if (options_.compact)
            for (std::size_t sh = 0; sh < kShards; ++sh) compact_.emplace_back(sh);
        pending_.assign(kShards, {});
        sub_.clear();
        disk_.reset();
        next_spill_ = 0;
        if (!options_.disk_dir.empty()) disk_ = std::make_unique<DiskDir>(options_.disk_dir);
    }

    // The initial state is id 0.
    void insert_initial(const std::uint64_t* w, std::uint64_t h) {
        arena_.ensure(1);
        std::memcpy(arena_.at(0), w, words_ * 8);
        if (options_.compact) {
            compact_[shard_of(h)].insert(h, hash_words_2(w, words_));
            if (disk_) {
                const std::uint64_t none = kNoParent;
                disk_->append_links(&none, 1);
            }
        } else {
            actions_.ensure(1);
            *actions_.at(0) = 0;
            index_.place(h, 0);
        }
        size_ = 1;
    }

    // The visited set: in exact mode the states with their links and the index; in compact mode
    // the fingerprints alone (the two levels of states being worked on are a queue).
    std::size_t store_bytes() const {
        std::size_t n =
            options_.compact ? 0 : arena_.bytes_used(size_) + actions_.bytes_used(size_);
        n += index_.bytes();
        for (const auto& t : compact_) n += t.bytes();
        return n;
    }
    std::size_t bytes() const {
        std::size_t n = store_bytes() + masks_.capacity() * 8 + first_child_.capacity() * 4;
        for (const auto& v : thread_masks_) n += v.capacity() * 8;
        if (options_.compact) n += arena_.bytes_used(size_);
        for (const auto& v : sub_) n += v.capacity() * 8;
        for (const auto& v : pending_) n += v.capacity() * 8;
        n += links_.capacity() * 8;
        return n;
    }

    // --disk: reads back the spilled chunks that hold the parents [b, e).
    void bring_in(std::size_t b, std::size_t e) {
        constexpr std::size_t K = Chunked<std::uint64_t>::kChunk;
        for (std::size_t c = b / K; c <= (e - 1) / K; ++c)
            if (!arena_.live(c))
                arena_.load(c, [&](void* d, std::size_t n) { disk_->read_chunk(c, d, n); });
    }
    // --disk: writes out every full chunk wholly past the parents expanded so far (the queue).
    void spill_past(std::size_t e) {
        constexpr std::size_t K = Chunked<std::uint64_t>::kChunk;
        for (std::size_t c = std::max(next_spill_, (e + K - 1) / K); (c + 1) * K <= size_; ++c) {
            if (arena_.live(c))
                arena_.spill(c, [&](const void* d, std::size_t n) { disk_->write_chunk(c, d, n); });
            next_spill_ = c + 1;
        }
    }

    static double seconds_since(std::chrono::steady_clock::time_point t) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    }

    std::size_t next_spill_ = 0;  // --disk: chunks below this one were considered
};

}  // namespace cowpin::engine
