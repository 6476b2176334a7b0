#include "model/model.hpp"

#include "model/folio.hpp"
#include "model/khugepaged.hpp"
#include "model/syscalls.hpp"

#include <algorithm>
#include <bit>
#include <utility>

namespace cowpin {

namespace {

std::array<std::uint8_t, kMaxProcs> program_lengths(const ModelConfig& c) {
    std::array<std::uint8_t, kMaxProcs> len{};
    if (c.scenario)
        for (int p = 0; p < kMaxProcs; ++p) len[p] = static_cast<std::uint8_t>(c.programs[p].size());
    return len;
}

// The loop and packing limits of the bounds, and which of §9's state the spec can reach.
Shape shape_of(const ModelConfig& c) {
    Shape sh = Shape::for_bounds(c.bounds.processes, c.bounds.pages, c.bounds.handles,
                                 c.bounds.swap_slots, c.memory == Memory::thp,
                                 live_process_bound(c.programs, c.bounds.processes));
    bool dontfork = (c.families & (op_bit(Op::dontfork) | op_bit(Op::dofork))) != 0;
    for (const std::vector<Step>& prog : c.programs)
        for (const Step& st : prog) dontfork |= st.op == Op::dontfork;
    sh.dontfork = dontfork;
    return sh;
}

}  // namespace

Symmetry effective_symmetry(const ModelConfig& c, const Symmetry& wanted) {
    if (c.scenario) return Symmetry{};
    return Symmetry{wanted.procs, wanted.pages && c.memory == Memory::base && c.bounds.pages > 1,
                    wanted.handles && c.bounds.handles > 1};
}

int live_process_bound(const std::array<std::vector<Step>, kMaxProcs>& programs, int processes) {
    bool scenario = false;
    for (const std::vector<Step>& prog : programs) scenario |= !prog.empty();
    if (!scenario) return processes;
    // gone_before[b]: processes that have exited whenever b exists; exists: P0 and every child.
    std::array<std::uint32_t, kMaxProcs> gone_before{};
    std::uint32_t exists = 1;
    for (int round = 0; round < kMaxProcs; ++round)  // a fork chain is at most kMaxProcs long
        for (int q = 0; q < kMaxProcs; ++q) {
            std::uint32_t waited = gone_before[q];
            for (const Step& st : programs[q]) {
                if (st.op == Op::wait) waited |= 1u << st.arg;
                if (st.op == Op::fork) {
                    gone_before[st.arg] |= waited;
                    exists |= 1u << st.arg;
                }
            }
        }
    int best = 0;
    for (std::uint32_t set = 1; set < (1u << kMaxProcs); ++set) {
        if ((set & exists) != set) continue;
        bool together = true;
        for (int b = 0; b < kMaxProcs; ++b)
            if (set >> b & 1 && gone_before[b] & set) together = false;
        if (together) best = std::max(best, std::popcount(set));
    }
    return std::min(best, processes);
}

CowModel::CowModel(ModelConfig config)
    : config_(std::move(config)),
      shape_(shape_of(config_)),
      spans_(shape_),
      codec_(shape_, program_lengths(config_)) {
    config_.symmetry = effective_symmetry(config_, config_.symmetry);
}

void CowModel::canonicalize_state(State& s) const {
    canonicalize_reduced(s, shape_, config_.symmetry);
}

State CowModel::initial() const {
    State s = config_.memory == Memory::thp
                  ? initial_thp_state(config_.bounds.pages, config_.policy->anon_exclusive)
                  : initial_state(config_.bounds.pages, config_.policy->anon_exclusive);
    if (config_.scenario) s.program.started[0] = 1;
    canonicalize_state(s);
    return s;
}

void CowModel::actions(const State& s, std::vector<Action>& out) const {
    if (config_.scenario) {
        program_actions(s, out);
        family_actions(s, config_.environment, out);
    } else {
        family_actions(s, config_.families, out);
    }
}

void CowModel::program_actions(const State& s, std::vector<Action>& out) const {
    for (int p = 0; p < kMaxProcs; ++p) {
        const std::vector<Step>& prog = config_.programs[p];
        if (!s.program.started[p] || s.program.pc[p] >= prog.size()) continue;
        const Step& st = prog[s.program.pc[p]];
        std::uint8_t flags = kStepFlag | (st.write ? kWriteFlag : 0);
        out.push_back(Action{st.op, static_cast<std::uint8_t>(p), st.arg, st.handle, flags});
    }
}

void CowModel::family_actions(const State& s, std::uint32_t families,
                              std::vector<Action>& out) const {
    const Bounds& b = config_.bounds;
    auto on = [&](Op op) { return (families & op_bit(op)) != 0; };
    for (int p = 0; p < kMaxProcs; ++p) {
        if (!s.procs[p].alive) continue;
        const auto proc = static_cast<std::uint8_t>(p);
        if (on(Op::fork)) {
            const int child = free_process_slot(s, b.processes);
            if (child >= 0) out.push_back(Action{Op::fork, proc, static_cast<std::uint8_t>(child)});
        }
        if (on(Op::exit)) out.push_back(Action{Op::exit, proc});
        if (on(Op::mprotect_vma)) out.push_back(Action{Op::mprotect_vma, proc});
        for (int v = 0; v < b.pages; ++v) {
            const auto page = static_cast<std::uint8_t>(v);
            for (Op op : {Op::write, Op::read, Op::mprotect, Op::clear_refs, Op::munmap})
                if (on(op)) out.push_back(Action{op, proc, page});
            if (on(Op::uffd_wp)) out.push_back(Action{Op::uffd_wp, proc, page});
            if (on(Op::split_pmd) && v == 0) out.push_back(Action{Op::split_pmd, proc, page});
            for (Op op : {Op::dontfork, Op::dofork})
                if (on(op)) out.push_back(Action{op, proc, page});
            if (on(Op::collapse) && v == 0) out.push_back(Action{Op::collapse, proc, page});
            const int h = free_handle_slot(s, b.handles);
            if (h < 0) continue;
            const auto handle = static_cast<std::uint8_t>(h);
            for (Op op : {Op::pin, Op::get}) {
                if (!on(op)) continue;
                for (std::uint8_t flags : {std::uint8_t{0}, kWriteFlag})
                    out.push_back(Action{op, proc, page, handle, flags});
            }
            for (Op op : {Op::vmsplice, Op::odirect_read, Op::odirect_write, Op::iouring_fixed})
                if (on(op))
                    out.push_back(Action{op, proc, page, handle,
                                         gup_op_writes(op, false) ? kWriteFlag : std::uint8_t{0}});
        }
    }
    for (int h = 0; h < b.handles; ++h) {
        if (!s.handles[h].in_use) continue;
        for (Op op : {Op::unpin, Op::dma_write})
            if (on(op)) out.push_back(Action{op, kNone, 0, static_cast<std::uint8_t>(h)});
    }
    for (int f = 0; f < shape_.frames; ++f) {  // no frame in use lies past the shape
        if (!s.frames[f].in_use) continue;
        for (Op op : {Op::swap_out, Op::reclaim, Op::migrate_start, Op::migrate_finish,
                      Op::split_folio})
            if (on(op)) out.push_back(Action{op, kNone, static_cast<std::uint8_t>(f)});
    }
}

bool CowModel::apply(State& s, const Action& a, StepEffects* effects) const {
    const OpContext ctx = context(effects);
    if (a.from_program()) return program_step(s, a, ctx);
    const int frame = a.arg;
    switch (a.op) {
        case Op::fork:
            return do_fork(s, a.proc, a.arg, ctx);
        case Op::exit:
            return do_exit(s, a.proc, ctx);
        case Op::write:
            return do_write(s, a.proc, a.arg, ctx);
        case Op::read:
            return do_read(s, a.proc, a.arg, ctx);
        case Op::mprotect:
            return do_mprotect(s, a.proc, a.arg, ctx);
        case Op::clear_refs:
            return do_clear_refs(s, a.proc, a.arg, ctx);
        case Op::uffd_wp:
            return do_uffd_wp(s, a.proc, a.arg);
        case Op::split_pmd:
            return do_split_pmd(s, a.proc);
        case Op::dontfork:
        case Op::dofork:
            return do_madvise_fork(s, a.proc, a.arg, a.op == Op::dontfork);
        case Op::mprotect_vma:
            return mprotect_vma(s, a.proc, ctx);
        case Op::collapse:
            return do_collapse(s, a.proc, ctx);
        case Op::munmap:
            return do_munmap(s, a.proc, a.arg, ctx);
        case Op::pin:
        case Op::get:
        case Op::vmsplice:
        case Op::odirect_read:
        case Op::odirect_write:
        case Op::iouring_fixed:
            return take_gup(s, a, ctx);
        case Op::unpin:
            return do_unpin(s, a.handle);
        case Op::dma_write:
            return do_dma_write(s, a.handle);
        case Op::swap_out:
            return do_swap_out(s, frame, ctx);
        case Op::reclaim:
            return do_reclaim(s, frame);
        case Op::migrate_start:
            return do_migrate_start(s, frame, ctx);
        case Op::migrate_finish:
            return do_migrate_finish(s, frame, ctx);
        case Op::split_folio:
            if (!mm::can_split_folio(s, static_cast<std::uint8_t>(frame))) return false;
            mm::split_folio(s, static_cast<std::uint8_t>(frame));
            return true;
        case Op::wait:  // only a program waits
            return false;
    }
    return false;
}

bool CowModel::step(State& s, const Action& a, StepEffects* effects) const {
    if (!apply(s, a, effects)) return false;
    if (a.from_program()) {
        ++s.program.pc[a.proc];
        if (a.op == Op::fork) {
            s.program.started[a.arg] = 1;
            s.program.pc[a.arg] = 0;
        }
    }
    return true;
}

// Whether the guard of a family action holds (ops.hpp can_*), asked before the state is
// copied; true for actions without such a guard and for program steps (few, and their frame
// steps name a page).
__attribute__((always_inline)) inline bool CowModel::may_apply(const State& s, const Action& a) const {
    if (a.from_program()) return true;
    switch (a.op) {
        case Op::read:
            return can_read(s, a.proc, a.arg);
        case Op::mprotect:
        case Op::clear_refs:
        case Op::uffd_wp:
            return has_present_pte(s, a.proc, a.arg);
        case Op::munmap:
            return can_munmap(s, a.proc, a.arg);
        case Op::split_pmd:
            return s.procs[a.proc].alive && (pmd_mapped(s, a.proc) || pmd_migrating(s, a.proc));
        case Op::dontfork:
        case Op::dofork:
            return can_madvise_fork(s, a.proc, a.arg, a.op == Op::dontfork);
        case Op::dma_write:
            return can_dma_write(s, a.handle);
        case Op::swap_out:
            return can_swap_out(s, a.arg, context(nullptr));
        case Op::reclaim:
            return can_reclaim(s, a.arg);
        case Op::migrate_start:
            return can_migrate_start(s, a.arg, context(nullptr));
        case Op::migrate_finish:
            return can_migrate_finish(s, a.arg);
        case Op::split_folio:
            return mm::can_split_folio(s, a.arg);
        case Op::collapse:
            return collapse_check(s, a.proc, context(nullptr)) == CollapseCheck::ok;
        default:
            return true;
    }
}

bool CowModel::next(const State& s, const Action& a, State& out, StepEffects* effects,
                    bool& unchanged) const {
    unchanged = false;
    if (!may_apply(s, a)) return false;
    // Only the shape's bytes: `out` holds defaults past them as `s` does (a step that wrote
    // there would leave them in the engine's successor buffer, and every later successor
    // packed from it would be refused as not fitting).
    spans_.copy(out, s);
    if (!step(out, a, effects)) return false;
    // A step that changed nothing (a read of a mapped page, an mprotect that keeps the PTE,
    // about one enabled step in six) leaves `s`, which is canonical already.
    unchanged = spans_.equal(out, s);
    if (!unchanged) canonicalize_state(out);
    return true;
}

Action CowModel::raw_action(const State& raw, const Action& a) const {
    if (!is_frame_op(a.op) || a.from_program()) return a;
    State copy = raw;
    std::array<std::uint8_t, kMaxFrames> map{};
    canonicalize(copy, &map);
    Action out = a;
    for (int f = 0; f < kMaxFrames; ++f)
        if (map[f] == a.arg) out.arg = static_cast<std::uint8_t>(f);
    return out;
}

bool CowModel::invariant_holds(const State& s, int inv) const {
    return cowpin::invariant_holds(s, static_cast<Inv>(inv), *config_.policy, shape_);
}

bool CowModel::complete(const State& s) const {
    for (int p = 0; p < kMaxProcs; ++p) {
        const std::size_t len = config_.programs[p].size();
        if (len == 0) continue;
        if (!s.program.started[p] || s.program.pc[p] < len) return false;
    }
    return true;
}

bool CowModel::stuck(const State& s) const {
    if (!config_.scenario || complete(s)) return false;
    std::vector<Action> steps;
    program_actions(s, steps);
    State next;
    for (const Action& a : steps)
        if (next_state(s, a, next)) return false;
    return true;
}

}  // namespace cowpin
