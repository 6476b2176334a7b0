// CowModel: the transition system the engine explores (checker/engine/concepts.hpp).
//
// It binds a policy, the bounds, and either the exhaustive action families (every process,
// page, handle and frame within the bounds) or scenario programs (every interleaving of the
// per-process step lists, plus environment actions on any frame). initial(), actions() and
// next_state() are deterministic: traces are rebuilt and replayed from them.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "model/action.hpp"
#include "model/invariants.hpp"
#include "model/ops.hpp"
#include "model/packing.hpp"
#include "model/policy.hpp"
#include "model/state.hpp"
#include "model/state_spans.hpp"

namespace cowpin {

struct Bounds {
    int processes = 2;   // process slots alive at once
    int pages = 1;       // virtual pages per process
    int handles = 1;     // GUP handles held at once
    int swap_slots = 1;  // swap slots
    int depth = 0;       // BFS depth limit, 0 = none
    friend bool operator==(const Bounds&, const Bounds&) = default;
};

inline constexpr std::uint32_t op_bit(Op op) { return 1u << static_cast<int>(op); }

struct ModelConfig {
    const CowPolicy* policy = nullptr;
    Bounds bounds;
    bool scenario = false;
    std::uint32_t families = 0;       // exhaustive form: op_bit() of each enabled family
    std::array<std::vector<Step>, kMaxProcs> programs;  // scenario form
    std::uint32_t environment = 0;    // scenario form: op_bit() of frame ops that may happen
    std::uint32_t invariants = kAllInvariants;  // bit per Inv
    // Renamings the canonical form removes (exhaustive form only; pages on base memory only):
    // CowModel keeps only the sound ones (effective_symmetry()).
    Symmetry symmetry;
    Memory memory = Memory::base;     // what the VMA is made of (MODEL.md §9)
};

// How many processes can be alive at once: `processes`, or fewer in a scenario whose programs
// keep some apart (a parent that forks Pb after "wait Pa exited" in its own program: Pa is gone
// before Pb, or any process Pb forks, exists). Frames are bounded by it (Shape::for_bounds()).
int live_process_bound(const std::array<std::vector<Step>, kMaxProcs>& programs, int processes);

// What of `wanted` is sound for this configuration and reduces anything: nothing for scenario
// programs (they name process slots, pages and handles); processes; pages on base memory with
// more than one page (a large folio gives a page's place in it meaning, and split_pmd and
// collapse act on page 0; a hugetlb page is left alone as well); handles with more than one
// handle slot.
Symmetry effective_symmetry(const ModelConfig& config, const Symmetry& wanted);

class CowModel {
public:
    using State = cowpin::State;
    using Action = cowpin::Action;

    explicit CowModel(ModelConfig config);

    const ModelConfig& config() const { return config_; }
    const CowPolicy& policy() const { return *config_.policy; }

    State initial() const;
    // Appends candidate actions in a fixed order; next_state() decides which are enabled.
    void actions(const State& s, std::vector<Action>& out) const;
    // The canonical successor, or false if `a` is not enabled in `s`. `s` is canonical, as
    // initial() and next_state() give it.
    bool next_state(const State& s, const Action& a, State& out,
                    StepEffects* effects = nullptr) const {
        bool unchanged;
        return next(s, a, out, effects, unchanged);
    }
    // next_state(), and whether the step left `s` as it was (`unchanged`: then `out` == s): the
    // engine counts such a self-loop without packing it. A step that changed `s` into a state
    // whose canonical form is `s` is not `unchanged`; the engine finds it by its packed words.
    bool successor(const State& s, const Action& a, State& out, bool& unchanged) const {
        return next(s, a, out, nullptr, unchanged);
    }

    // The state's canonical form: frames, slots and values renumbered, and processes too under
    // symmetry.
    void canonicalize_state(State& s) const;

    // The packed encoding (model/packing.hpp), sized from the bounds.
    std::size_t packed_words() const { return codec_.words(); }
    std::size_t packed_bits() const { return codec_.bits(); }
    // False if `s` does not fit the encoding (a model bug: see packing.hpp).
    bool pack(const State& s, std::uint64_t* out) const { return codec_.pack(s, out); }
    void unpack(const std::uint64_t* in, State& s) const { codec_.unpack(in, s); }

    // The same step without canonicalization: frames, slots and values keep their names, so a
    // trace reads naturally. A frame action names the frame by its number in `s`.
    bool step(State& s, const Action& a, StepEffects* effects = nullptr) const;
    // The action that, in the un-canonicalized `raw`, does what `canonical_action` does in
    // canonical form (frame actions are renumbered; others are unchanged).
    Action raw_action(const State& raw, const Action& canonical_action) const;

    // The action's family, for counting which family discovers which states (engine Labels).
    static constexpr unsigned kLabels = kOps;
    unsigned label(const Action& a) const { return static_cast<unsigned>(a.op); }

    int invariant_count() const { return kInvariants; }
    bool checks(int inv) const { return config_.invariants & (1u << inv); }
    bool invariant_holds(const State& s, int inv) const;

    // Scenario form: all programs ran to their end.
    bool complete(const State& s) const;
    // Scenario form: no program step is enabled, and not complete (MODEL §8 "stuck").
    bool stuck(const State& s) const;

private:
    bool next(const State& s, const Action& a, State& out, StepEffects* effects,
              bool& unchanged) const;
    bool apply(State& s, const Action& a, StepEffects* effects) const;
    bool may_apply(const State& s, const Action& a) const;
    OpContext context(StepEffects* effects) const {
        return OpContext{*config_.policy, config_.bounds.swap_slots, effects, config_.memory,
                         config_.bounds.pages, shape_.values};
    }
    void program_actions(const State& s, std::vector<Action>& out) const;
    void family_actions(const State& s, std::uint32_t families, std::vector<Action>& out) const;

    ModelConfig config_;
    Shape shape_;
    StateSpans spans_;  // the bytes of shape_: next_state() copies and compares only those
    StateCodec codec_;
};

}  // namespace cowpin
