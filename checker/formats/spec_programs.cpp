// Scenario programs (MODEL.md §8): each process's steps, the fork tree that starts them, and
// what each step may name as the programs run (pages still mapped, handles held).
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "checker/formats/spec_parser.hpp"

namespace cowpin::spec_detail {

namespace {

// The longest step text: "odirect_write rw v1 h2" has 22 characters.
constexpr std::size_t kMaxStepChars = 64;

// What each program step may name, followed through the programs in program order (a child's
// program starts with its parent's pages at the fork, but for those the parent marked
// MADV_DONTFORK): a page step on a page the process no longer maps (munmap is for good; in the
// kernel the access would fault with SIGSEGV, the GUP with EFAULT) is refused, and so is a
// handle used by more than one program, taken while it is held, or released or written through
// when it holds nothing (or only a R/O reference).
void check_pages_and_handles(const Parser& p, const Spec& spec) {
    struct Held {
        bool held = false, writes = false;
        std::size_t at = 0;  // the step that took it
    };
    std::array<int, kMaxHandles> owner;
    owner.fill(-1);
    // Depth first from P0: (process, its mapped pages at its start, where it lost each page).
    struct Start {
        int proc;
        std::uint32_t mapped;
        std::array<std::string, kMaxPages> lost;
        std::uint32_t dontcopy = 0;  // pages this process marked MADV_DONTFORK
    };
    std::vector<Start> todo = {{0, (1u << spec.bounds.pages) - 1, {}}};
    while (!todo.empty()) {
        Start st = todo.back();
        todo.pop_back();
        std::array<Held, kMaxHandles> handles{};
        const std::vector<Step>& prog = spec.programs[st.proc];
        for (std::size_t i = 0; i < prog.size(); ++i) {
            const Step& s = prog[i];
            const std::string f = fmt::format("programs.P{}[{}]", st.proc, i);
            const std::string text = format_step(s);
            if (s.op == Op::mprotect_vma && st.mapped != (1u << spec.bounds.pages) - 1)
                for (int v = 0; v < spec.bounds.pages; ++v)
                    if (!(st.mapped >> v & 1))
                        p.fail(f, fmt::format("'{}': v{} is no longer mapped here ({}); mprotect() "
                                              "of a range with a hole fails with ENOMEM there",
                                              text, v, st.lost[v]));
            if (is_page_op(s.op) && !(st.mapped >> s.arg & 1))
                p.fail(f, fmt::format("'{}': v{} is no longer mapped here ({}); an access would "
                                      "fault with SIGSEGV, a GUP with EFAULT",
                                      text, s.arg, st.lost[s.arg]));
            if (s.op == Op::munmap) {
                st.mapped &= ~(1u << s.arg);
                st.dontcopy &= ~(1u << s.arg);
                st.lost[s.arg] = fmt::format("munmap at programs.P{}[{}]", st.proc, i);
            }
            if (s.op == Op::dontfork) st.dontcopy |= 1u << s.arg;
            if (s.op == Op::dofork) st.dontcopy &= ~(1u << s.arg);
            if (s.op == Op::fork) {
                Start child{s.arg, st.mapped & ~st.dontcopy, st.lost};
                for (int v = 0; v < kMaxPages; ++v) {
                    if (!(st.mapped >> v & 1))
                        child.lost[v] = fmt::format("P{} unmapped it before forking P{}",
                                                    st.proc, s.arg);
                    else if (st.dontcopy >> v & 1)
                        child.lost[v] = fmt::format("P{} marked it MADV_DONTFORK before forking "
                                                    "P{}", st.proc, s.arg);
                }
                todo.push_back(child);
            }
            if (!is_handle_op(s.op)) continue;
            Held& h = handles[s.handle];
            if (is_gup_op(s.op)) {
                if (owner[s.handle] >= 0 && owner[s.handle] != st.proc)
                    p.fail(f, fmt::format("'{}': h{} is taken by P{}'s program; a handle is the "
                                          "reference of one program",
                                          text, s.handle, owner[s.handle]));
                if (h.held)
                    p.fail(f, fmt::format("'{}': h{} still holds the reference taken at "
                                          "programs.P{}[{}]",
                                          text, s.handle, st.proc, h.at));
                owner[s.handle] = st.proc;
                h = Held{true, gup_op_writes(s.op, s.write), i};
                continue;
            }
            if (!h.held)
                p.fail(f, fmt::format("'{}': h{} holds no reference here (take it first with pin, "
                                      "get, vmsplice, odirect_read, odirect_write or "
                                      "iouring_fixed in this program)",
                                      text, s.handle));
            if (s.op == Op::dma_write && !h.writes)
                p.fail(f, fmt::format("'{}': h{} is a R/O reference (taken at programs.P{}[{}]); "
                                      "the device cannot write through it",
                                      text, s.handle, st.proc, h.at));
            if (s.op == Op::unpin) h.held = false;
        }
    }
}

}  // namespace

void parse_programs(const Parser& p, const json& j, Spec& spec) {
    p.want(j, "programs", j.is_object() && !j.empty(), "a non-empty object of process programs");
    std::array<int, kMaxProcs> forked_by{};
    forked_by.fill(-1);
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string field = "programs." + it.key();
        std::string err;
        const std::optional<Step> as_fork = parse_step("fork " + it.key(), err);
        if (!as_fork || as_fork->arg >= spec.bounds.processes ||
            it.key() != fmt::format("P{}", as_fork->arg))
            p.fail(field, fmt::format("expected a process name P0..P{}", spec.bounds.processes - 1));
        const std::uint8_t proc = as_fork->arg;
        p.want(*it, field, it->is_array(), "an array of steps");
        std::vector<Step>& prog = spec.programs[proc];
        for (std::size_t i = 0; i < it->size(); ++i) {
            const std::string f = fmt::format("{}[{}]", field, i);
            const json& step = (*it)[i];
            p.want(step, f, step.is_string(), "a step such as \"write v0\"");
            // parse_step() quotes the text it refuses: first make sure that is one short line.
            const std::string& text = step.get<std::string>();
            if (text.size() > kMaxStepChars ||
                std::any_of(text.begin(), text.end(), [](char c) { return (unsigned char)c < 0x20; }))
                p.fail(f, fmt::format("\"{}\" is no step (expected a step such as \"write v0\", on "
                                      "one line of at most {} characters)",
                                      shown(text), kMaxStepChars));
            const std::optional<Step> st = parse_step(text, err);
            if (!st) p.fail(f, err);
            if (is_page_op(st->op) && st->arg >= spec.bounds.pages)
                p.fail(f, fmt::format("page v{} is outside bounds.pages = {}", st->arg,
                                      spec.bounds.pages));
            if (is_handle_op(st->op) && st->handle >= spec.bounds.handles)
                p.fail(f, fmt::format("handle h{} is outside bounds.handles = {}", st->handle,
                                      spec.bounds.handles));
            if ((st->op == Op::fork || st->op == Op::wait) &&
                (st->arg >= spec.bounds.processes || st->arg == proc ||
                 (st->op == Op::fork && st->arg == 0)))
                p.fail(f, fmt::format("P{} is not another process within bounds.processes = {}",
                                      st->arg, spec.bounds.processes));
            if (st->op == Op::fork) {
                if (forked_by[st->arg] >= 0) p.fail(f, fmt::format("P{} is forked twice", st->arg));
                forked_by[st->arg] = proc;
            }
            if (i + 1 < it->size() && st->op == Op::exit)
                p.fail(f, "'exit' must be the last step of a program");
            prog.push_back(*st);
        }
    }
    if (!j.contains("P0")) p.fail("programs.P0", "missing (P0 is the initial process)");
    // A scenario is P0's program and what it forks: with no step in it there is nothing to
    // interleave (and no program counter to run, which the model's state encoding assumes).
    if (spec.programs[0].empty())
        p.fail("programs.P0", "expected at least one step (P0's program starts the scenario)");
    for (auto it = j.begin(); it != j.end(); ++it)
        if (it->size() > static_cast<std::size_t>(kMaxProgramSteps))
            p.fail("programs." + it.key(),
                   fmt::format("{} steps; a program has at most {} (the state's program counter)",
                               it->size(), kMaxProgramSteps));
    // Every program must be reachable from P0 through forks (no orphans, no fork cycles).
    std::array<bool, kMaxProcs> reached{};
    reached[0] = true;
    for (int round = 0; round < kMaxProcs; ++round)
        for (int q = 1; q < kMaxProcs; ++q)
            if (forked_by[q] >= 0 && reached[forked_by[q]]) reached[q] = true;
    for (int q = 1; q < kMaxProcs; ++q)
        if (j.contains(fmt::format("P{}", q)) && !reached[q])
            p.fail(fmt::format("programs.P{}", q),
                   forked_by[q] < 0 ? fmt::format("no program forks P{}", q)
                                    : fmt::format("P{} is forked only by a program P0 never "
                                                  "starts", q));
    check_pages_and_handles(p, spec);
}

}  // namespace cowpin::spec_detail
