// The seam between model and engine (cf. Stateright's Model trait, LTSmin's PINS).
//
// A transition system has a flat, trivially copyable State, compared as bytes, an Action label,
// a deterministic initial state, candidate actions in a deterministic order, a successor
// function that says whether an action is enabled, and numbered invariants. It may also pack its
// states (packed_words, pack, unpack; see bfs.hpp's Codec); the engine hashes what it stores,
// the packed words or the State's own bytes. The engine knows nothing else: no pages, no
// policies.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace cowpin::engine {

template <class M>
concept TransitionSystem =
    std::is_trivially_copyable_v<typename M::State> &&
    std::has_unique_object_representations_v<typename M::State> &&  // hashed as bytes
    std::default_initializable<typename M::State> &&
    std::default_initializable<typename M::Action> &&
    std::equality_comparable<typename M::State> &&
    requires(const M& m, const typename M::State& s, const typename M::Action& a,
             typename M::State& out, std::vector<typename M::Action>& acts, int inv) {
        { m.initial() } -> std::same_as<typename M::State>;
        { m.actions(s, acts) } -> std::same_as<void>;
        { m.next_state(s, a, out) } -> std::same_as<bool>;
        { m.invariant_count() } -> std::convertible_to<int>;
        { m.checks(inv) } -> std::same_as<bool>;
        { m.invariant_holds(s, inv) } -> std::same_as<bool>;
    };

// Optionally, a small label per action (the model's action family) and how many there are: the
// engine then counts the new states each label discovered (Result::discovered_by).
template <class M>
concept Labels = requires(const M& m, const typename M::Action& a) {
    { m.label(a) } -> std::convertible_to<unsigned>;
    { M::kLabels } -> std::convertible_to<unsigned>;
};

}  // namespace cowpin::engine
