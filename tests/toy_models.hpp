// Small purpose-built transition systems for testing the engine on its own (cf. Stateright's
// src/test_util.rs, DIVINE's t-search.hpp). Nothing here knows about pages or COW: if the engine
// passes on these, its bookkeeping is right independently of the real model.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "checker/engine/concepts.hpp"

namespace cowpin::toy {

// FNV-1a over the object bytes: States below have no padding, so bytes are the value.
template <class T>
std::uint64_t hash_bytes(const T& v) {
    static_assert(std::has_unique_object_representations_v<T>);
    const auto* p = reinterpret_cast<const unsigned char*>(&v);
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

// ---------------------------------------------------------------------------------------------
// (1) Modular counter: values 0..n-1, actions +1 and +2 (in that order) mod n.
// From 0, value v is first reached at depth ceil(v/2), so ids equal values.

struct CounterState {
    std::uint32_t value = 0;
    bool operator==(const CounterState&) const = default;
};
struct CounterAction {
    std::uint32_t step = 0;
    bool operator==(const CounterAction&) const = default;
};
inline std::uint64_t hash_state(const CounterState& s) { return hash_bytes(s); }

class ModCounter {
public:
    using State = CounterState;
    using Action = CounterAction;

    explicit ModCounter(std::uint32_t n) : n_(n) {}

    State initial() const { return {}; }
    void actions(const State&, std::vector<Action>& out) const {
        out.push_back({1});
        out.push_back({2});
    }
    bool next_state(const State& s, const Action& a, State& out) const {
        out.value = (s.value + a.step) % n_;
        return true;
    }
    int invariant_count() const { return 1; }
    bool checks(int) const { return true; }
    // Invariant 0, "value is in range", holds everywhere.
    bool invariant_holds(const State& s, int) const { return s.value < n_; }

private:
    std::uint32_t n_;
};

// ---------------------------------------------------------------------------------------------
// (2) Diamond: a grid (x, y) in [0, side]^2, actions "x+1" then "y+1", offered only while in
// bounds. With side 1 it is the plain diamond (0,0) -> (1,0)|(0,1) -> (1,1): two paths, one state.

struct GridState {
    std::uint32_t x = 0, y = 0;
    bool operator==(const GridState&) const = default;
};
struct GridAction {
    std::uint32_t axis = 0;  // 0 = x, 1 = y
    bool operator==(const GridAction&) const = default;
};
inline std::uint64_t hash_state(const GridState& s) { return hash_bytes(s); }

class Diamond {
public:
    using State = GridState;
    using Action = GridAction;

    explicit Diamond(std::uint32_t side = 1) : side_(side) {}

    State initial() const { return {}; }
    void actions(const State& s, std::vector<Action>& out) const {
        if (s.x < side_) out.push_back({0});
        if (s.y < side_) out.push_back({1});
    }
    bool next_state(const State& s, const Action& a, State& out) const {
        out = s;
        (a.axis == 0 ? out.x : out.y) += 1;
        return true;
    }
    int invariant_count() const { return 1; }
    bool checks(int) const { return true; }
    bool invariant_holds(const State& s, int) const { return s.x <= side_ && s.y <= side_; }

private:
    std::uint32_t side_;
};

// ---------------------------------------------------------------------------------------------
// (3) Fixed graph: vertices 0..n-1, edges in a list; a vertex's successors come in list order.
// Invariant i is "the vertex is not in bad[i]". Counts invariant_holds calls per invariant so
// tests can see which invariants the engine evaluated.

struct VertexState {
    std::uint32_t vertex = 0;
    bool operator==(const VertexState&) const = default;
};
struct EdgeAction {
    std::uint32_t edge = 0;  // index into the edge list
    bool operator==(const EdgeAction&) const = default;
};
inline std::uint64_t hash_state(const VertexState& s) { return hash_bytes(s); }

class FixedGraph {
public:
    using State = VertexState;
    using Action = EdgeAction;
    using Edge = std::pair<std::uint32_t, std::uint32_t>;

    FixedGraph(std::uint32_t n, std::vector<Edge> edges,
               std::vector<std::vector<std::uint32_t>> bad, std::uint32_t initial = 0)
        : n_(n),
          edges_(std::move(edges)),
          bad_(std::move(bad)),
          checked_(bad_.size(), true),
          initial_(initial),
          holds_calls_(bad_.size(), 0) {}

    void uncheck(int inv) { checked_[inv] = false; }
    std::uint64_t holds_calls(int inv) const { return holds_calls_[inv]; }
    std::uint32_t vertex_count() const { return n_; }

    State initial() const { return {initial_}; }
    void actions(const State& s, std::vector<Action>& out) const {
        for (std::uint32_t e = 0; e < edges_.size(); ++e)
            if (edges_[e].first == s.vertex) out.push_back({e});
    }
    bool next_state(const State&, const Action& a, State& out) const {
        out.vertex = edges_[a.edge].second;
        return true;
    }
    int invariant_count() const { return static_cast<int>(bad_.size()); }
    bool checks(int inv) const { return checked_[inv]; }
    bool invariant_holds(const State& s, int inv) const {
        ++holds_calls_[inv];
        for (std::uint32_t b : bad_[inv])
            if (b == s.vertex) return false;
        return true;
    }

private:
    std::uint32_t n_;
    std::vector<Edge> edges_;
    std::vector<std::vector<std::uint32_t>> bad_;
    std::vector<bool> checked_;
    std::uint32_t initial_;
    mutable std::vector<std::uint64_t> holds_calls_;
};

// ---------------------------------------------------------------------------------------------
// (4) Gated counter: values 0..max; every state is offered inc, dec and jam (in that order).
// inc is enabled below max, dec above 0, jam never: it scribbles an out-of-range value into
// `out` and returns false, so a bug that used `out` anyway would show as an extra state.

struct GatedState {
    std::uint32_t value = 0;
    bool operator==(const GatedState&) const = default;
};
struct GatedAction {
    enum Kind : std::uint32_t { inc, dec, jam };
    Kind kind = inc;
    bool operator==(const GatedAction&) const = default;
};
inline std::uint64_t hash_state(const GatedState& s) { return hash_bytes(s); }

class GatedCounter {
public:
    using State = GatedState;
    using Action = GatedAction;
    static constexpr std::uint32_t kJamValue = 999;

    explicit GatedCounter(std::uint32_t max) : max_(max) {}

    std::uint64_t next_state_calls() const { return calls_; }

    State initial() const { return {}; }
    void actions(const State&, std::vector<Action>& out) const {
        out.push_back({Action::inc});
        out.push_back({Action::dec});
        out.push_back({Action::jam});
    }
    bool next_state(const State& s, const Action& a, State& out) const {
        ++calls_;
        switch (a.kind) {
            case Action::inc:
                if (s.value >= max_) return false;
                out.value = s.value + 1;
                return true;
            case Action::dec:
                if (s.value == 0) return false;
                out.value = s.value - 1;
                return true;
            case Action::jam:
                out.value = kJamValue;
                return false;
        }
        return false;
    }
    int invariant_count() const { return 1; }
    bool checks(int) const { return true; }
    // Would fail on the jam value if it ever got in.
    bool invariant_holds(const State& s, int) const { return s.value <= max_; }

private:
    std::uint32_t max_;
    mutable std::uint64_t calls_ = 0;
};

static_assert(engine::TransitionSystem<ModCounter>);
static_assert(engine::TransitionSystem<Diamond>);
static_assert(engine::TransitionSystem<FixedGraph>);
static_assert(engine::TransitionSystem<GatedCounter>);
static_assert(std::is_trivially_copyable_v<CounterAction> &&
              std::is_trivially_copyable_v<GridAction> &&
              std::is_trivially_copyable_v<EdgeAction> &&
              std::is_trivially_copyable_v<GatedAction>);

}  // namespace cowpin::toy
