// One block of parents of a BFS level expanded against the visited set (Explorer, bfs.hpp, runs
// the levels and blocks), in four phases (cf. the level-synchronous BFS of DiVinE and LTSmin's
// multi-core hash table, made deterministic):
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
// The visited set is the index of the stored states (exact mode) or the fingerprints (compact
// mode, and --disk, whose block's links phase D appends to the links file).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstring>
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

template <TransitionSystem M>
class BlockExpansion : public StoredStates<M> {
    using Base = StoredStates<M>;

protected:
    using Base::model_, Base::codec_, Base::options_, Base::words_, Base::size_, Base::arena_,
        Base::level_begin_, Base::actions_, Base::equal;
    using State = typename M::State;
    using Action = typename M::Action;

    BlockExpansion(const M& model, const Options& options) : Base(model, options) {}

    static constexpr std::size_t kShards = ExactIndex::kShards;
    static constexpr std::size_t kMaxActions = 256;  // action indices are one byte
    static constexpr unsigned kLabelsMax = 64;       // action labels counted (Labels<M>)
    unsigned label_of(const Action& a) const {
        if constexpr (Labels<M>)
            return std::min<unsigned>(model_.label(a), kLabelsMax - 1);
        else
            return 0;
    }
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

    bool id_limited_ = false;
    std::unique_ptr<DiskDir> disk_;     // --disk: the run's files
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
