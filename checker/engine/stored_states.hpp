// The states an exploration stored, and the way back from any of them to the initial state.
//
// Exact mode keeps, per state id, the packed state and the 1-byte index of the action that
// first led to it in its parent's actions() list, plus where each BFS level begins. No parent
// id is stored: the parent of a state at depth d is the first state of level d-1, in id order,
// whose action at the stored index leads to it. That is exactly the state that discovered it,
// since ids follow discovery order and an earlier state with that successor would have
// discovered it first. A trace costs one scan of a level per step, and no parent id costs
// 4 bytes a state.
//
// Explorer (checker/engine/bfs.hpp) fills these and adds the visited set; this side only reads them,
// and is what run.cpp needs to turn a violating id into a counterexample.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "checker/engine/concepts.hpp"
#include "checker/engine/explore_types.hpp"
#include "checker/engine/state_store.hpp"

namespace cowpin::engine {

template <TransitionSystem M>
class StoredStates {
public:
    using State = typename M::State;
    using Action = typename M::Action;

    bool compact() const { return options_.compact; }
    std::size_t size() const { return size_; }
    std::size_t packed_bytes() const { return words_ * 8; }

    // A stored state (exact mode; compact mode keeps only the last two levels).
    State state(StateId id) const {
        State s;
        codec_.unpack(arena_.at(id), s);
        return s;
    }

    // How a stored state was first reached: its parent and the action taken there.
    struct Link {
        StateId parent = kNoParent;
        Action action{};
    };
    Link link(StateId id) const {
        if (options_.compact) throw std::logic_error("link() needs an exact run");
        if (id == 0) return {};
        const std::size_t d = depth_of(id);
        const unsigned a = *actions_.at(id);
        const std::uint64_t* want = arena_.at(id);
        State s, next;
        std::vector<Action> acts;
        std::vector<std::uint64_t> w(words_);
        for (std::size_t p = level_begin_[d - 1]; p < level_begin_[d]; ++p) {
            codec_.unpack(arena_.at(p), s);
            acts.clear();
            model_.actions(s, acts);
            if (a >= acts.size() || !model_.next_state(s, acts[a], next)) continue;
            codec_.pack(next, w.data());
            if (equal(w.data(), want)) return {static_cast<StateId>(p), acts[a]};
        }
        throw std::logic_error("no state of the level before reaches a stored state (model bug)");
    }
    StateId parent(StateId id) const { return link(id).parent; }
    // The action that first led to `id` (recomputed from its parent's candidate list).
    Action action(StateId id) const { return link(id).action; }
    // The stored action index of `id`: its place in its parent's actions() list.
    unsigned action_index(StateId id) const { return *actions_.at(id); }
    // The BFS depth of a stored state.
    // The first id of level `depth` (the size for a level past the last).
    std::size_t level_start(std::size_t depth) const {
        return depth < level_begin_.size() ? level_begin_[depth] : size_;
    }
    std::size_t depth_of(StateId id) const {
        return static_cast<std::size_t>(
                   std::upper_bound(level_begin_.begin(), level_begin_.end(), std::size_t{id}) -
                   level_begin_.begin()) - 1;
    }
    // The links from the initial state to `last`: element 0 is the initial state's (no parent),
    // element i the step into the i-th state of the path.
    std::vector<std::pair<StateId, Link>> links_to(StateId last) const {
        std::vector<std::pair<StateId, Link>> path;
        for (StateId id = last;;) {
            const Link l = link(id);
            path.emplace_back(id, l);
            if (l.parent == kNoParent) break;
            id = l.parent;
        }
        return {path.rbegin(), path.rend()};
    }
    // Ids from the initial state to `last`, inclusive.
    std::vector<StateId> path_to(StateId last) const {
        std::vector<StateId> ids;
        for (const auto& [id, l] : links_to(last)) ids.push_back(id);
        return ids;
    }

protected:
    StoredStates(const M& model, Options options)
        : model_(model), codec_{model}, options_(options), words_(codec_.words()),
          arena_(words_) {}

    bool equal(const std::uint64_t* a, const std::uint64_t* b) const {
        std::uint64_t diff = 0;
        for (std::size_t i = 0; i < words_; ++i) diff |= a[i] ^ b[i];
        return diff == 0;
    }

    const M& model_;
    detail::Codec<M> codec_;
    Options options_;
    std::size_t words_;                        // packed words per state
    std::size_t size_ = 0;                     // states stored
    Chunked<std::uint64_t> arena_;             // packed states by id
    std::vector<std::size_t> level_begin_{0};  // first id of each level, and one past the last
    Chunked<std::uint8_t> actions_{1};         // action index by id (exact mode)
};

}  // namespace cowpin::engine
