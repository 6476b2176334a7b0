// Breadth-first exploration over canonical states.
//
// States get ids in discovery order, so the BFS queue is the id range itself: level d is the
// ids [level_begin[d], level_begin[d+1]). Every new state is checked against every invariant the
// model checks; a violating state is still explored, so each invariant gets its own first — and
// therefore shortest — counterexample. No logging, JSON or graph library in here: progress goes
// out through a callback between levels.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "checker/concepts.hpp"
#include "checker/state_store.hpp"

namespace cowpin::engine {

struct Limits {
    std::uint32_t max_depth = 0;   // 0 = none; states at this depth are not expanded
    std::uint64_t max_states = 0;  // 0 = none; exploration stops (incomplete) past this
    std::uint64_t max_bytes = 0;   // 0 = none; stops (incomplete) when the store grows past this
};

struct Progress {
    std::uint64_t states = 0, transitions = 0;
    std::uint32_t depth = 0;  // levels fully expanded so far
    std::uint64_t queue = 0;  // states found but not yet expanded
    std::uint64_t bytes = 0;  // the state store's memory
    double seconds = 0;
};

struct Result {
    std::uint64_t states = 0;
    std::uint64_t transitions = 0;  // enabled (state, action) pairs, new or not
    std::uint32_t depth = 0;        // deepest level reached
    bool complete = true;           // false if max_states or max_bytes cut the run short
    bool memory_limited = false;    // it was max_bytes
    std::uint64_t bytes = 0;        // the state store's memory at the end
    bool depth_limited = false;     // true if max_depth left states unexpanded
    double seconds = 0;
    std::vector<std::optional<StateId>> first_violation;  // per invariant
};

template <TransitionSystem M>
class Explorer {
public:
    using State = typename M::State;
    using Action = typename M::Action;
    using Store = StateStore<State, Action>;

    explicit Explorer(const M& model) : model_(model) {}
    explicit Explorer(const M&&) = delete;  // the explorer keeps a reference to the model

    // Explores from scratch (a second call starts again with an empty store). max_states is
    // checked after each expanded state, so a run stops a little past it; depth_limited means
    // some states at max_depth were left unexpanded, whether or not they had new successors.
    Result run(const Limits& limits = {},
               const std::function<void(const Progress&)>& progress = {}) {
        const auto start = std::chrono::steady_clock::now();
        store_ = Store{};
        Result r;
        r.first_violation.assign(model_.invariant_count(), std::nullopt);
        const State init = model_.initial();
        store_.insert(init, hash_state(init), kNoParent, Action{});
        check(r, 0);
        std::vector<Action> actions;
        State next;
        std::size_t begin = 0;
        for (std::uint32_t depth = 0; begin < store_.size(); ++depth) {
            const std::size_t end = store_.size();
            r.depth = depth;
            if (limits.max_depth && depth >= limits.max_depth) {
                r.depth_limited = true;
                break;
            }
            for (std::size_t id = begin; id < end; ++id) {
                actions.clear();
                const State s = store_.at(static_cast<StateId>(id));
                model_.actions(s, actions);
                for (const Action& a : actions) {
                    if (!model_.next_state(s, a, next)) continue;
                    ++r.transitions;
                    auto [nid, inserted] =
                        store_.insert(next, hash_state(next), static_cast<StateId>(id), a);
                    if (inserted) check(r, nid);
                }
                if (limits.max_states && store_.size() > limits.max_states) {
                    r.complete = false;
                    break;
                }
                // Checked every 4096 expansions: the store's size only grows by whole chunks.
                if ((id & 4095) == 0) {
                    if (limits.max_bytes && store_.bytes() > limits.max_bytes) {
                        r.complete = false;
                        r.memory_limited = true;
                        break;
                    }
                    if (progress && id != 0 && (id & 65535) == 0)  // long levels
                        progress(Progress{store_.size(), r.transitions, depth,
                                          store_.size() - id - 1, store_.bytes(),
                                          seconds_since(start)});
                }
            }
            if (!r.complete) break;
            begin = end;
            if (progress)
                progress(Progress{store_.size(), r.transitions, depth + 1, store_.size() - end,
                                  store_.bytes(), seconds_since(start)});
        }
        r.states = store_.size();
        r.bytes = store_.bytes();
        r.seconds = seconds_since(start);
        return r;
    }

    const Store& store() const { return store_; }

    // Ids from the initial state to `last`, inclusive.
    std::vector<StateId> path_to(StateId last) const {
        std::vector<StateId> path;
        for (StateId id = last; id != kNoParent; id = store_.parent(id)) path.push_back(id);
        return {path.rbegin(), path.rend()};
    }

private:
    void check(Result& r, StateId id) {
        for (int i = 0; i < model_.invariant_count(); ++i) {
            if (r.first_violation[i] || !model_.checks(i)) continue;
            if (!model_.invariant_holds(store_.at(id), i)) r.first_violation[i] = id;
        }
    }
    static double seconds_since(std::chrono::steady_clock::time_point t) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    }

    const M& model_;
    Store store_;
};

}  // namespace cowpin::engine
