// Breadth-first exploration over canonical states, on one or more threads.
//
// States get ids in discovery order — the order a one-thread BFS finds them: by parent id, then
// by the index of the action in actions() — so the BFS queue is the id range itself and level d
// is the ids [level_begin[d], level_begin[d+1]). The ids, and so the state counts, the first
// violation of every invariant and every counterexample, are the same for any number of
// threads.
//
// A level is worked through in blocks of parents, each in four phases (cf. the level-synchronous
// BFS of DiVinE and LTSmin's multi-core hash table, made deterministic):
//   A  (parallel, by parent) expand: successors, canonicalised and packed; successors already
//      in the visited set are dropped (the set is read-only in this phase);
//   B  (parallel, by shard) insert the remaining candidates into the shard of their hash, in
//      parent order, so the first insertion of a state is its first discovery; a new state
//      sets the bit of its action in its parent's mask (the inserting thread's own copy);
//   C  (one thread) number: the threads' masks are joined, and a prefix sum over the parents'
//      masks gives each new state its id;
//   D  (parallel, by range of parents, so by range of ids) store the new states under their ids
//      and check the invariants.
// Before B, the index grows if B could fill a shard past 80% (ExactIndex::make_room).
// Every new state is checked against every invariant the model checks; a violating state is
// still explored, so each invariant gets its own first — and therefore shortest —
// counterexample. No logging, JSON or graph library in here: progress goes out through a
// callback.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "checker/engine/concepts.hpp"
#include "checker/engine/disk_store.hpp"
#include "checker/engine/exact_index.hpp"
#include "checker/engine/fingerprint_table.hpp"
#include "checker/engine/explore_types.hpp"
#include "checker/engine/pool.hpp"
#include "checker/engine/state_store.hpp"
#include "checker/engine/stored_states.hpp"

namespace cowpin::engine {

// The stored states and the trace side (state(), link(), links_to(), path_to(), depth_of())
// are StoredStates' (checker/engine/stored_states.hpp); this adds the search and the visited set.
template <TransitionSystem M>
class Explorer : public StoredStates<M> {
    using Base = StoredStates<M>;
    using Base::model_, Base::codec_, Base::options_, Base::words_, Base::size_, Base::arena_,
        Base::level_begin_, Base::actions_, Base::equal;

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
    static constexpr std::size_t kShards = ExactIndex::kShards;
    static constexpr std::size_t kMaxActions = 256;  // action indices are one byte
    static constexpr unsigned kLabelsMax = 64;       // action labels counted (Labels<M>)
    unsigned label_of(const Action& a) const {
        if constexpr (Labels<M>)
            return std::min<unsigned>(model_.label(a), kLabelsMax - 1);
        else
            return 0;
    }
    static constexpr std::size_t kBlock = 8192;   // parents per block
    static constexpr std::size_t kSub = 128;      // parents per phase-A work item
    // Phase A's pipeline, in parents: home slots prefetched, then kSlotLead parents later the
    // states they name, then kStateLead parents later the lookups. (Leads of 2 were within 1%
    // of these on (2,1,2,1) and on the first 3 M states of (3,2,2,2).)
    static constexpr std::size_t kSlotLead = 1;
    static constexpr std::size_t kStateLead = 1;
    // Candidate keys: the parent's id in the low 48 bits, the action index in the next 8, and
    // the action's family (label, for --stats) in the top 8. Disk links use the first two.
    static constexpr std::uint64_t kKeyId = (std::uint64_t{1} << 48) - 1;
    static constexpr unsigned kKeyAction = 48;
    static constexpr unsigned kKeyLabel = 56;

    std::uint64_t hash_of(const std::uint64_t* w) const {
        const std::uint64_t h = hash_words(w, words_);
        return h ? h : 1;  // 0 marks an empty fingerprint slot
    }
    static std::size_t shard_of(std::uint64_t h) { return ExactIndex::shard_of(h); }
    static std::logic_error misfit() {
        return std::logic_error("a state does not fit the packed encoding of its bounds (model bug)");
    }

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

    // The prefetch helpers are always inlined: called out of line, GCC 12 (IPA mod-ref) takes a
    // function whose only effect is __builtin_prefetch for one without effects and deletes the
    // call, and with it every prefetch (tests/check_prefetch.sh).
    [[gnu::always_inline]] void prefetch_slot(std::uint64_t h) const {
        if (options_.compact) {
            __builtin_prefetch(compact_[shard_of(h)].home_address(h));
        } else {
            index_.prefetch_home(h);
        }
    }

    // The states a lookup of `h` will compare with: those of its probe run whose tag matches
    // (with tags of 8 bits or more, nearly always the state itself or none). Every cache line
    // of each: a packed state may straddle two or three. (Written out here rather than given to
    // the index as a function: GCC 12 deleted that function's prefetch.)
    [[gnu::always_inline]] void prefetch_state(std::uint64_t h) const {
        if (options_.compact) return;
        const ExactIndex::Shard& t = index_[shard_of(h)];
        const SlotLayout& layout = index_.layout();
        for (std::size_t i = t.home(h), n = 0; n < 8; i = t.next(i), ++n) {
            const std::uint64_t slot = t[i];
            if (slot == layout.empty) return;
            if (!layout.matches(slot, h)) continue;
            const auto first = reinterpret_cast<std::uintptr_t>(arena_.at(layout.id_of(slot)));
            for (std::uintptr_t line = first & ~std::uintptr_t{63}; line < first + words_ * 8; line += 64)
                __builtin_prefetch(reinterpret_cast<const void*>(line));
        }
    }

    // Read-only lookup against the states of earlier blocks.
    bool seen(const std::uint64_t* w, std::uint64_t h) const {
        if (options_.compact) return compact_[shard_of(h)].contains(h, hash_words_2(w, words_));
        return index_.find(h, [&](StateId id) { return equal(arena_.at(id), w); }) != kNoParent;
    }

    // Candidate records: packed words, hash, key (parent id | action index << 48 | action label
    // << 56); pending
    // records add the table slot they occupy.
    std::size_t cand_stride() const { return words_ + 2; }
    std::size_t pend_stride() const { return words_ + 3; }

    // Phase B: insert one candidate into its shard (owned by this thread).
    void insert_candidate(const std::uint64_t* rec, std::uint64_t* masks, std::size_t block_begin) {
        const std::uint64_t h = rec[words_];
        const std::size_t sh = shard_of(h);
        std::vector<std::uint64_t>& pend = pending_[sh];
        const std::size_t ps = pend_stride();
        if (options_.compact) {
            if (!compact_[sh].insert(h, hash_words_2(rec, words_))) return;
        } else {
            ExactIndex::Shard& t = index_[sh];  // make_room() left room for every candidate
            const SlotLayout& layout = index_.layout();
            std::size_t i = t.home(h);
            for (;; i = t.next(i)) {
                const std::uint64_t slot = t[i];
                if (slot == layout.empty) break;
                if (slot & layout.pending) {
                    if (equal(&pend[(slot & ~layout.pending) * ps], rec)) return;
                } else if (layout.matches(slot, h) && equal(arena_.at(layout.id_of(slot)), rec)) {
                    return;
                }
            }
            t.fill(i, layout.pending | (pend.size() / ps));
            pend.insert(pend.end(), rec, rec + words_ + 2);
            pend.push_back(i);
        }
        if (options_.compact) pend.insert(pend.end(), rec, rec + words_ + 2), pend.push_back(0);
        const std::uint64_t key = rec[words_ + 1];
        const std::size_t p = (key & kKeyId) - block_begin;
        const unsigned a = static_cast<unsigned>(key >> kKeyAction) & 0xFF;
        masks[p * 4 + a / 64] |= std::uint64_t{1} << (a % 64);
    }

    void expand_block(detail::Pool& pool, std::size_t b, std::size_t e,
                      std::vector<std::uint64_t>& transitions,
                      std::vector<std::vector<std::optional<StateId>>>& found, Result& r) {
        const unsigned T = pool.size();
        const std::size_t nsub = (e - b + kSub - 1) / kSub;
        incoming_.resize(T);
        if (sub_.size() < nsub * T) sub_.resize(nsub * T);
        std::atomic<std::size_t> next_sub{0};
        const std::size_t cs = cand_stride();

        const auto t0 = std::chrono::steady_clock::now();
        // A: expand. Software-pipelined over parents so that the index slots and stored states
        // a lookup needs are in cache by the time it runs: parent i's successors are packed and
        // their home slots prefetched; kSlotLead parents later, the states those slots name are
        // prefetched; kStateLead parents after that, the successors are looked up.
        pool.run([&](unsigned t) {
            State s, next;
            std::vector<Action> acts;
            struct Batch {
                std::vector<std::uint64_t> rec;  // candidate records (cand_stride() words each)
                std::size_t n = 0;
            };
            constexpr std::size_t kLead = kSlotLead + kStateLead, kRing = kLead + 1;
            std::array<Batch, kRing> ring;
            for (Batch& bt : ring) bt.rec.resize(kMaxActions * cs);
            std::uint64_t count = 0;
            // Candidates by the thread that will insert them (their shard's owner); filled
            // here, not in sub_, so that no two threads write neighbouring vector headers.
            std::vector<std::vector<std::uint64_t>> out(T);
            std::array<std::uint32_t, kShards>& incoming = incoming_[t].n;
            incoming.fill(0);
            auto look_up = [&](const Batch& bt) {
                for (std::size_t j = 0; j < bt.n; ++j) {
                    const std::uint64_t* w = &bt.rec[j * cs];
                    if (seen(w, w[words_])) continue;
                    ++incoming[shard_of(w[words_])];
                    std::vector<std::uint64_t>& o = out[shard_of(w[words_]) % T];
                    o.insert(o.end(), w, w + cs);
                }
            };
            for (std::size_t k; (k = next_sub.fetch_add(1)) < nsub;) {
                for (unsigned o = 0; o < T; ++o) {
                    out[o].swap(sub_[k * T + o]);
                    out[o].clear();
                }
                const std::size_t lo = b + k * kSub, hi = std::min(e, lo + kSub);
                for (std::size_t id = lo; id < hi + kLead; ++id) {
                    if (id < hi) {  // parent id (overwrites the batch of id-kRing, looked up)
                        Batch& cur = ring[id % kRing];
                        cur.n = 0;
                        codec_.unpack(arena_.at(id), s);
                        acts.clear();
                        model_.actions(s, acts);
                        if (acts.size() > kMaxActions)
                            throw std::logic_error("more than 256 candidate actions in one state");
                        const std::uint64_t* parent = arena_.at(id);
                        for (std::size_t ai = 0; ai < acts.size(); ++ai) {
                            bool unchanged;
                            if (!codec_.successor(s, acts[ai], next, unchanged)) continue;
                            if (unchanged) {  // a self-loop: the parent is stored already
                                ++count;
                                continue;
                            }
                            std::uint64_t* w = &cur.rec[cur.n * cs];
                            if (!codec_.pack(next, w)) throw misfit();
                            if (equal(w, parent)) {  // changed, and canonical again: a self-loop
                                ++count;
                                continue;
                            }
                            const std::uint64_t h = hash_of(w);
                            w[words_] = h;
                            w[words_ + 1] = id | (std::uint64_t{ai} << kKeyAction) |
                                            (std::uint64_t{label_of(acts[ai])} << kKeyLabel);
                            prefetch_slot(h);
                            ++cur.n;
                        }
                        count += cur.n;
                    }
                    if (id >= lo + kLead) look_up(ring[(id - kLead) % kRing]);
                    if (id >= lo + kSlotLead && id - kSlotLead < hi) {
                        const Batch& prev = ring[(id - kSlotLead) % kRing];
                        for (std::size_t j = 0; j < prev.n; ++j)
                            prefetch_state(prev.rec[j * cs + words_]);
                    }
                }
                for (unsigned o = 0; o < T; ++o) out[o].swap(sub_[k * T + o]);
            }
            transitions[t] += count;
        });

        const auto t1 = std::chrono::steady_clock::now();
        if (!options_.compact) {
            std::array<std::size_t, kShards> incoming{};
            for (const Incoming& in : incoming_)
                for (std::size_t sh = 0; sh < kShards; ++sh) incoming[sh] += in.n[sh];
            index_.make_room(pool, incoming, size_,
                             [&](std::size_t id) { return hash_of(arena_.at(id)); });
        }
        const auto t1b = std::chrono::steady_clock::now();
        // B: insert, each thread into its own shards, in parent order.
        // Each thread its own masks: both threads walk the parents in the same order, and one
        // shared word per parent would move between their caches on every insert.
        thread_masks_.resize(T);
        pool.run([&](unsigned t) {
            std::vector<std::uint64_t>& masks = thread_masks_[t];
            masks.assign((e - b) * 4, 0);
            for (std::size_t k = 0; k < nsub; ++k) {
                const std::vector<std::uint64_t>& in = sub_[k * T + t];
                constexpr std::size_t kAhead = 8;  // home slots prefetched this many records ahead
                for (std::size_t i = 0; i < in.size() && i < kAhead * cs; i += cs)
                    prefetch_slot(in[i + words_]);
                for (std::size_t i = 0; i < in.size(); i += cs) {
                    if (i + kAhead * cs < in.size()) prefetch_slot(in[i + kAhead * cs + words_]);
                    insert_candidate(&in[i], masks.data(), b);
                }
            }
        });

        const auto t2 = std::chrono::steady_clock::now();
        // C: number the new states in discovery order.
        masks_.swap(thread_masks_[0]);
        for (unsigned t = 1; t < T; ++t)
            for (std::size_t i = 0; i < masks_.size(); ++i) masks_[i] |= thread_masks_[t][i];
        first_child_.resize(e - b);
        std::uint64_t added = 0;
        for (std::size_t p = 0; p < e - b; ++p) {
            first_child_[p] = static_cast<std::uint32_t>(added);
            for (int q = 0; q < 4; ++q) added += std::popcount(masks_[p * 4 + q]);
        }
        if (size_ + added > kMaxStates) {
            id_limited_ = true;
            r.complete = false;
            return;
        }
        const std::size_t base = size_;
        arena_.ensure(base + added);
        if (disk_) links_.resize(added);
        if (!options_.compact) actions_.ensure(base + added);

        const auto t3 = std::chrono::steady_clock::now();
        // D: store and check, each thread the new states of a range of parents, so that each
        // writes a range of ids: by shard, neighbouring ids (sharing a cache line of the arena
        // and of the actions) would be written by both threads at once. A shard's new states
        // are in parent order (phase B inserted them so), so a thread's are a run of each.
        const std::size_t ps = pend_stride();
        std::vector<std::size_t> split(T + 1, e - b);  // the first parent of each thread's range
        for (unsigned t = 0; t < T; ++t)
            split[t] = static_cast<std::size_t>(
                std::lower_bound(first_child_.begin(), first_child_.end(), added * t / T) -
                first_child_.begin());
        std::vector<std::array<std::uint64_t, kLabelsMax>> discovered(T);
        pool.run([&](unsigned t) {
            std::vector<std::optional<StateId>>& first = found[t];
            first.assign(model_.invariant_count(), std::nullopt);
            State s;
            const std::uint64_t lo = b + split[t], hi = b + split[t + 1];
            for (std::size_t sh = 0; sh < kShards; ++sh) {
                const std::vector<std::uint64_t>& pend = pending_[sh];
                // The first record whose parent is at least `p`.
                auto run_start = [&](std::uint64_t p) {
                    std::size_t l = 0, h = pend.size() / ps;
                    while (l < h) {
                        const std::size_t m = (l + h) / 2;
                        if ((pend[m * ps + words_ + 1] & kKeyId) < p) l = m + 1;
                        else h = m;
                    }
                    return l * ps;
                };
                for (std::size_t i = run_start(lo), end_i = run_start(hi); i < end_i; i += ps) {
                    const std::uint64_t* rec = &pend[i];
                    const std::uint64_t key = rec[words_ + 1];
                    const std::size_t p = (key & kKeyId) - b;
                    const unsigned a = static_cast<unsigned>(key >> kKeyAction) & 0xFF;
                    ++discovered[t][std::min<unsigned>(static_cast<unsigned>(key >> kKeyLabel), kLabelsMax - 1)];
                    unsigned rank = 0;
                    for (unsigned q = 0; q < a / 64; ++q) rank += std::popcount(masks_[p * 4 + q]);
                    rank += std::popcount(masks_[p * 4 + a / 64] & ((std::uint64_t{1} << (a % 64)) - 1));
                    const auto id = static_cast<StateId>(base + first_child_[p] + rank);
                    std::memcpy(arena_.at(id), rec, words_ * 8);
                    if (disk_) links_[id - base] = (b + p) | std::uint64_t{a} << kKeyAction;
                    if (!options_.compact) {
                        *actions_.at(id) = static_cast<std::uint8_t>(a);
                        index_[sh].set(rec[words_ + 2], index_.layout().slot(rec[words_], id));
                    }
                    codec_.unpack(rec, s);
                    for (int inv = 0; inv < model_.invariant_count(); ++inv) {
                        if (r.first_violation[inv] || !model_.checks(inv)) continue;
                        if (first[inv] && *first[inv] < id) continue;
                        if (!model_.invariant_holds(s, inv)) first[inv] = id;
                    }
                }
            }
        });
        for (auto& pend : pending_) pend.clear();
        if (disk_) disk_->append_links(links_.data(), added);
        if constexpr (Labels<M>) {
            r.discovered_by.resize(M::kLabels);
            for (unsigned t = 0; t < T; ++t)
                for (unsigned l = 0; l < M::kLabels && l < kLabelsMax; ++l)
                    r.discovered_by[l] += discovered[t][l];
        }
        size_ = base + added;
        const auto t4 = std::chrono::steady_clock::now();
        r.phase_seconds[0] += std::chrono::duration<double>(t1 - t0).count();
        r.phase_seconds[1] += std::chrono::duration<double>(t1b - t1).count();
        r.phase_seconds[2] += std::chrono::duration<double>(t2 - t1b).count();
        r.phase_seconds[3] += std::chrono::duration<double>(t3 - t2).count();
        r.phase_seconds[4] += std::chrono::duration<double>(t4 - t3).count();
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

    bool id_limited_ = false;
    std::unique_ptr<DiskDir> disk_;     // --disk: the run's files
    std::size_t next_spill_ = 0;        // --disk: chunks below this one were considered
    std::vector<std::uint64_t> links_;  // --disk: the block's new states' links, by id
    ExactIndex index_;  // exact mode: the ids of the stored states, by hash
    std::vector<FingerprintTable> compact_;  // compact mode: the fingerprints, by shard
    // A vector on a cache line of its own (its header is written by the thread that owns it).
    struct alignas(64) OwnVector : std::vector<std::uint64_t> {};
    std::vector<OwnVector> pending_;  // per shard, this block's new states
    std::vector<std::vector<std::uint64_t>> sub_;      // per work item, phase A's candidates
    std::vector<std::uint64_t> masks_;                 // per parent of the block, 256 bits
    std::vector<OwnVector> thread_masks_;              // per thread, phase B's masks
    std::vector<std::uint32_t> first_child_;           // per parent of the block
    // Per thread: phase A's new candidates per shard (on cache lines of its own: they are
    // counted on every candidate).
    struct alignas(64) Incoming {
        std::array<std::uint32_t, kShards> n;
    };
    std::vector<Incoming> incoming_;
};

}  // namespace cowpin::engine
