// Drive the model one kernel operation at a time on un-canonicalized states, so frames keep
// their numbers and a test can say "the write reused frame 0" or "copied it".
#pragma once

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace cowpin::test {

inline const CowPolicy& policy(const std::string& name) {
    const CowPolicy* p = find_policy(name);
    if (!p) throw std::invalid_argument("no policy " + name);
    return *p;
}

inline ModelConfig exhaustive(const CowPolicy& p, Bounds b = {3, 2, 2, 2, 0}) {
    ModelConfig c;
    c.policy = &p;
    c.bounds = b;
    // every family of §3 and §10 (split_pmd, dontfork and dofork are §9's, after them)
    for (int op = 0; op < static_cast<int>(Op::split_pmd); ++op)
        if (static_cast<Op>(op) != Op::wait) c.families |= op_bit(static_cast<Op>(op));
    return c;
}

inline constexpr std::uint8_t u8(int x) { return static_cast<std::uint8_t>(x); }

// A simulation: the model's initial state, then operations applied with CowModel::step.
struct Sim {
    CowModel model;
    State s;
    StepEffects effects;

    explicit Sim(const std::string& policy_name, Bounds b = {3, 2, 2, 2, 0},
                 Memory memory = Memory::base)
        : model(with_memory(exhaustive(policy(policy_name), b), memory)), s(model.initial()) {}
    static ModelConfig with_memory(ModelConfig c, Memory m) {
        c.memory = m;
        return c;
    }

    bool act(Action a) { return model.step(s, a, &effects); }
    bool fork(int p, int child) { return act({Op::fork, u8(p), u8(child)}); }
    bool exit(int p) { return act({Op::exit, u8(p)}); }
    bool write(int p, int v) { return act({Op::write, u8(p), u8(v)}); }
    bool read(int p, int v) { return act({Op::read, u8(p), u8(v)}); }
    bool mprotect(int p, int v) { return act({Op::mprotect, u8(p), u8(v)}); }
    bool clear_refs(int p, int v) { return act({Op::clear_refs, u8(p), u8(v)}); }
    bool munmap(int p, int v) { return act({Op::munmap, u8(p), u8(v)}); }
    bool uffd_wp(int p, int v) { return act({Op::uffd_wp, u8(p), u8(v)}); }
    bool pin(int p, int v, bool rw, int h) {
        return act({Op::pin, u8(p), u8(v), u8(h), rw ? kWriteFlag : std::uint8_t{0}});
    }
    bool get(int p, int v, bool rw, int h) {
        return act({Op::get, u8(p), u8(v), u8(h), rw ? kWriteFlag : std::uint8_t{0}});
    }
    bool unpin(int h) { return act({Op::unpin, kNone, 0, u8(h)}); }
    bool dma_write(int h) { return act({Op::dma_write, kNone, 0, u8(h)}); }
    bool swap_out(int f) { return act({Op::swap_out, kNone, u8(f)}); }
    bool reclaim(int f) { return act({Op::reclaim, kNone, u8(f)}); }
    bool migrate_start(int f) { return act({Op::migrate_start, kNone, u8(f)}); }
    bool migrate_finish(int f) { return act({Op::migrate_finish, kNone, u8(f)}); }

    const Pte& pte(int p, int v) const { return s.procs[p].pte[v]; }
    // The frame P maps (present or migration) or caches (swap) at v.
    int frame(int p, int v) const { return frame_at(s, p, v); }
    const Frame& fr(int f) const { return s.frames[f]; }
    bool holds(Inv inv) const { return model.invariant_holds(s, static_cast<int>(inv)); }
};

// What a random walk does when no action is enabled (every process exited).
enum class WhenStuck { stop, restart };

// A seeded random walk through raw (un-canonicalized) states, `steps` states long unless it
// stops early.
inline std::vector<State> random_walk(const CowModel& model, unsigned seed, int steps,
                                      WhenStuck when_stuck = WhenStuck::stop) {
    std::mt19937 rng(seed);
    std::vector<State> seen;
    State s = model.initial();
    std::vector<Action> actions;
    for (int i = 0; i < steps; ++i) {
        seen.push_back(s);
        actions.clear();
        model.actions(s, actions);
        std::vector<State> nexts;
        for (const Action& a : actions) {
            State n = s;
            if (model.step(n, a)) nexts.push_back(n);
        }
        if (nexts.empty() && when_stuck == WhenStuck::stop) break;
        s = nexts.empty() ? model.initial() : nexts[rng() % nexts.size()];
    }
    return seen;
}

}  // namespace cowpin::test
