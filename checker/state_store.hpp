// Explored states: dense ids in discovery order, one parent link and action per id, and an
// open-addressing index keyed by the state hash (cf. Storm's getOrAddStateIndex, LTSmin's
// parent_ref[]). Flat vectors only; no per-state allocation.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace cowpin::engine {

using StateId = std::uint32_t;
inline constexpr StateId kNoParent = ~StateId{0};

template <class State, class Action>
class StateStore {
public:
    StateStore() { index_.assign(1u << 12, kEmpty); }

    // {id, inserted}: the id of `s`, adding it with this parent and action if it is new.
    std::pair<StateId, bool> insert(const State& s, std::uint64_t hash, StateId parent,
                                    const Action& action) {
        if ((size_ + 1) * 2 > index_.size()) grow();
        std::size_t mask = index_.size() - 1;
        for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
            const StateId id = index_[i];
            if (id == kEmpty) {
                index_[i] = static_cast<StateId>(size_);
                if (size_ % kChunk == 0) chunks_.push_back(std::make_unique<State[]>(kChunk));
                chunks_.back()[size_ % kChunk] = s;
                ++size_;
                hashes_.push_back(hash);
                parents_.push_back(parent);
                actions_.push_back(action);
                return {index_[i], true};
            }
            if (hashes_[id] == hash && at(id) == s) return {id, false};
        }
    }

    // The id of `s`, or kNoParent if it was never inserted.
    StateId find(const State& s, std::uint64_t hash) const {
        const std::size_t mask = index_.size() - 1;
        for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
            const StateId id = index_[i];
            if (id == kEmpty) return kNoParent;
            if (hashes_[id] == hash && at(id) == s) return id;
        }
    }

    std::size_t size() const { return size_; }
    const State& at(StateId id) const { return chunks_[id / kChunk][id % kChunk]; }
    StateId parent(StateId id) const { return parents_[id]; }
    const Action& action(StateId id) const { return actions_[id]; }
    std::size_t bytes() const {
        return chunks_.size() * kChunk * sizeof(State) + hashes_.capacity() * 8 +
               parents_.capacity() * sizeof(StateId) + actions_.capacity() * sizeof(Action) +
               index_.capacity() * sizeof(StateId);
    }

private:
    static constexpr StateId kEmpty = ~StateId{0};

    void grow() {
        std::vector<StateId> bigger(index_.size() * 2, kEmpty);
        const std::size_t mask = bigger.size() - 1;
        for (StateId id = 0; id < size_; ++id) {
            std::size_t i = hashes_[id] & mask;
            while (bigger[i] != kEmpty) i = (i + 1) & mask;
            bigger[i] = id;
        }
        index_.swap(bigger);
    }

    // States live in fixed-size chunks: growing never copies them, and references stay valid.
    static constexpr std::size_t kChunk = 1u << 16;
    std::vector<std::unique_ptr<State[]>> chunks_;
    std::size_t size_ = 0;
    std::vector<std::uint64_t> hashes_;
    std::vector<StateId> parents_;
    std::vector<Action> actions_;
    std::vector<StateId> index_;
};

}  // namespace cowpin::engine
