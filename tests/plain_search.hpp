// A reference search for the symmetry tests, written independently of the engine: every
// reachable state of a model, each canonicalized by `canon` (a reduction under test, or none),
// kept as bytes in a std::set; and the invariant verdicts of a state as one bit per invariant.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "model/invariants.hpp"
#include "model/model.hpp"

namespace cowpin::test {

inline std::string bytes(const State& s) {
    return std::string(reinterpret_cast<const char*>(&s), sizeof(State));
}

// Bit i set: invariant i holds in `s`.
inline std::uint32_t verdicts(const State& s, const CowPolicy& policy) {
    std::uint32_t held = 0;
    for (int i = 0; i < kInvariants; ++i)
        if (invariant_holds(s, static_cast<Inv>(i), policy)) held |= 1u << i;
    return held;
}

// Reachable canonical states of the exhaustive model under `canon`, and the invariants some
// reachable state violates.
struct Reach {
    std::set<std::string> states;
    std::uint32_t violated = 0;
};
inline Reach explore(const CowModel& model, const std::function<void(State&)>& canon) {
    Reach r;
    State init = model.initial();
    canon(init);
    std::deque<State> queue{init};
    r.states.insert(bytes(init));
    std::vector<Action> actions;
    while (!queue.empty()) {
        const State s = queue.front();
        queue.pop_front();
        r.violated |= ~verdicts(s, model.policy()) & kAllInvariants;
        actions.clear();
        model.actions(s, actions);
        for (const Action& a : actions) {
            State n = s;
            if (!model.step(n, a)) continue;
            canon(n);
            if (r.states.insert(bytes(n)).second) queue.push_back(n);
        }
    }
    return r;
}

}  // namespace cowpin::test
