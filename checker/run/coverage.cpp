#include "checker/run/coverage.hpp"

#include <fmt/format.h>

#include "model/policy_points.hpp"
#include "model/syscalls.hpp"

namespace cowpin {

namespace {

std::uint32_t bit(Decision d) { return 1u << static_cast<int>(d); }

}  // namespace

std::string_view decision_name(Decision d) { return kDecisionNames[static_cast<int>(d)]; }
std::string_view outcome_name(Decision d, bool second) {
    return decision_point_text(d).outcomes[second ? 1 : 0];
}

std::uint32_t reachable_decisions(const Spec& spec, const CowPolicy& policy) {
    std::uint32_t ops = spec.families | spec.environment;
    for (const auto& prog : spec.programs)
        for (const Step& st : prog) ops |= op_bit(st.op);
    auto any = [&](std::initializer_list<Op> list) {
        for (Op op : list)
            if (ops & op_bit(op)) return true;
        return false;
    };
    const bool odirect_pins = policy.odirect == ODirect::pin;
    const bool gup = any({Op::pin, Op::get, Op::vmsplice, Op::odirect_read, Op::odirect_write,
                          Op::iouring_fixed});
    const bool pins = any({Op::pin, Op::iouring_fixed}) ||
                      (odirect_pins && any({Op::odirect_read, Op::odirect_write}));
    std::uint32_t r = 0;
    const bool hugetlb = spec.memory == Memory::hugetlb;
    const bool writes = any({Op::write, Op::pin, Op::get, Op::iouring_fixed, Op::odirect_read});
    if (writes) r |= bit(hugetlb ? Decision::hugetlb_write_fault : Decision::write_fault);
    if (any({Op::pin}) || (odirect_pins && any({Op::odirect_write}))) r |= bit(Decision::gup_read_pin);
    if (any({Op::get, Op::vmsplice}) || (!odirect_pins && any({Op::odirect_write})))
        r |= bit(Decision::gup_read_get);
    if (any({Op::fork})) r |= bit(hugetlb ? Decision::hugetlb_fork : Decision::fork);
    if (any({Op::odirect_read, Op::odirect_write})) r |= bit(Decision::odirect);
    // A THP: a R/O PMD needs a fork, a whole-VMA mprotect or clear_refs; a R/O PTE of a large
    // folio needs the PMD split first (split_pmd, a partial mprotect, munmap or MADV_DONTFORK,
    // or a fork of a maybe-pinned THP), or uffd-wp, which splits it. (eager-copy's fork copies
    // every page: no PMD is ever shared.)
    const bool splits = any({Op::split_pmd, Op::mprotect, Op::munmap, Op::dontfork});
    if (spec.memory == Memory::thp && writes &&
        ((any({Op::fork}) && policy.fork != ForkPresent::copy_always) ||
         any({Op::mprotect_vma, Op::clear_refs})))
        r |= bit(Decision::huge_pmd_write_fault);
    if (spec.memory == Memory::thp && writes &&
        ((any({Op::fork}) && (splits || any({Op::pin, Op::iouring_fixed}))) ||
         any({Op::uffd_wp}) || (any({Op::clear_refs}) && splits)))
        r |= bit(Decision::large_folio_write_fault);
    if (spec.memory == Memory::thp && any({Op::collapse})) r |= bit(Decision::collapse);
    // hugetlb pages are never swapped out or migrated, mprotect never makes them writable
    // again, and clear_refs leaves them alone: those points are not consulted.
    if (hugetlb) return r;
    if (any({Op::swap_out}) && gup) r |= bit(Decision::swap_out);
    if (any({Op::migrate_start}) && gup) r |= bit(Decision::migrate);
    if (any({Op::swap_out}) && (gup || any({Op::read, Op::write}))) r |= bit(Decision::swap_in);
    if (any({Op::mprotect, Op::mprotect_vma})) r |= bit(Decision::mprotect);
    if (any({Op::clear_refs}) && pins) r |= bit(Decision::clear_refs);
    return r;
}

Coverage measure_coverage(const Spec& spec, const CowModel& model,
                          const engine::Explorer<CowModel>& explorer) {
    Coverage c;
    c.reachable = reachable_decisions(spec, model.policy());
    c.of_interest = spec.scenario ? spec.exercised(model.policy().name) : c.reachable;
    for (int p = 0; p < kMaxProcs; ++p) c.steps[p].resize(spec.programs[p].size());
    std::vector<Action> actions;
    for (engine::StateId id = 0; id < explorer.size(); ++id) {
        const State s = explorer.state(id);
        actions.clear();
        model.actions(s, actions);
        for (const Action& a : actions) {
            // The raw step, not next_state(): its guards refuse before a decision is recorded.
            State next = s;
            StepEffects fx;
            const bool enabled = model.step(next, a, &fx);
            for (int i = 0; i < 2 * kDecisionPoints; ++i)
                if (fx.decisions >> i & 1) ++c.decisions[i / 2][i % 2];
            if (!enabled) continue;
            ++c.actions[static_cast<int>(a.op)];
            if (!a.from_program()) continue;
            ProgramStepCount& n = c.steps[a.proc][s.program.pc[a.proc]];
            ++n.taken;
            if (fx.noop != NoOp::none) {
                if (!n.noop) n.reason = fx.noop;
                ++n.noop;
            }
        }
    }
    return c;
}

std::string coverage_text(const Spec& spec, const CowPolicy& policy, const Coverage& c) {
    std::string actions, decisions, unreachable;
    for (int op = 0; op < kOps; ++op)
        if (c.actions[op])
            actions += fmt::format("{}{} {}", actions.empty() ? "" : ", ",
                                   op_name(static_cast<Op>(op)), c.actions[op]);
    for (int i = 0; i < kDecisionPoints; ++i) {
        const auto d = static_cast<Decision>(i);
        if (!(c.reachable & bit(d))) {
            unreachable += fmt::format("{}{}", unreachable.empty() ? "" : ", ", decision_name(d));
            continue;
        }
        decisions += fmt::format("\n    {:<13} {} {}, {} {}{}", decision_name(d),
                                 outcome_name(d, false), c.decisions[i][0], outcome_name(d, true),
                                 c.decisions[i][1], c.of_interest & bit(d) ? "" : "  (not claimed)");
    }
    std::string out = fmt::format("coverage {} {}\n  actions: {}\n  decision points:{}\n",
                                  spec.name, policy.name, actions.empty() ? "none" : actions,
                                  decisions.empty() ? " none reachable" : decisions);
    if (!unreachable.empty())
        out += fmt::format("  out of reach of the spec's actions: {}\n", unreachable);
    for (int p = 0; p < kMaxProcs; ++p)
        for (std::size_t i = 0; i < c.steps[p].size(); ++i) {
            const ProgramStepCount& n = c.steps[p][i];
            out += fmt::format("  P{}[{}] {:<22} taken {}", p, i, format_step(spec.programs[p][i]),
                               n.taken);
            if (n.noop) out += fmt::format(", no effect {} ({})", n.noop, noop_reason(n.reason));
            out += '\n';
        }
    return out;
}

std::vector<std::string> coverage_warnings(const Spec& spec, const CowPolicy& policy,
                                           const Coverage& c) {
    std::vector<std::string> out;
    for (int p = 0; p < kMaxProcs; ++p)
        for (std::size_t i = 0; i < c.steps[p].size(); ++i)
            if (c.steps[p][i].taken == 0)
                out.push_back(fmt::format("{} under {}: step programs.P{}[{}] ('{}') never fires",
                                          spec.name, policy.name, p, i,
                                          format_step(spec.programs[p][i])));
    for (int i = 0; i < kDecisionPoints; ++i) {
        const auto d = static_cast<Decision>(i);
        if ((c.of_interest & bit(d)) && c.decisions[i][0] + c.decisions[i][1] == 0)
            out.push_back(fmt::format("{} under {}: decision point {} never fires{}", spec.name,
                                      policy.name, decision_name(d),
                                      spec.scenario ? " (the spec's \"exercises\" names it)" : ""));
    }
    return out;
}

}  // namespace cowpin
