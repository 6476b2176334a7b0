// `cowpin reproduce`: one spec, two back ends (cf. herd7 and klitmus7). A scenario interleaving,
// or a counterexample trace, becomes a kselftest-style C program that drives the running kernel
// through the same steps with real processes, and checks after every step that what each process
// reads (and what each device sees through its pin or get) is what the model predicts.
//
// Steps with no deterministic userspace equivalent (migration, reclaim, R/O longterm pins without
// gup_test, O_DIRECT reads, environment actions, ...) make the interleaving "not reproducible",
// with the reason; they are never dropped silently.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/formats/spec.hpp"

namespace cowpin {

struct Interleaving {
    std::vector<Action> steps;  // program steps, in order
};

// Every complete interleaving of the scenario's program steps (environment actions excluded), in
// DFS order of actions(); at most `limit`.
std::vector<Interleaving> interleavings(const Spec& spec, const CowPolicy& policy,
                                        std::size_t limit = 10000);
// A fixed, seeded sample of at most `n` of them (all of them, in order, if there are few).
std::vector<std::size_t> sample_indices(std::size_t count, std::size_t n);

// Whether a "thp" spec runs on a 16 kB anonymous mTHP rather than the first pages of a 2 MiB
// THP: its bounds give the VMA 4 pages (kMaxPages), so the model's large folio, which spans the
// VMA, is exactly an order-2 folio, the smallest anonymous mTHP. With fewer pages (2: an order-1
// folio, which anonymous memory never gets) the model's pages stay the first base pages of a
// PMD-mapped 2 MiB THP.
bool runs_on_mthp(const Spec& spec);

// Why the interleaving cannot run on a kernel, or nullopt if it can.
std::optional<std::string> why_not_reproducible(const Spec& spec, const CowPolicy& policy,
                                                const Interleaving& il);

// The C program for one interleaving (index is 1-based, for its header).
std::string emit_program(const Spec& spec, const CowPolicy& policy, const Interleaving& il,
                         std::size_t index, std::size_t count);

struct ProgramRun {
    int exit_code = 0;  // the program's: 0 agree, 1 disagree, 4 skipped; 2 if it could not build
    std::size_t observations = 0, agree = 0, disagree = 0;
    std::size_t skipped_observations = 0;  // "ok ... # SKIP why" lines (page state without root)
    std::string observation_skip;          // the last such line's reason
    std::size_t page_states = 0, page_state_disagree = 0;  // of the observations: page state
    std::string output;    // its KTAP output (or the compiler's)
    std::string skipped;   // the "# SKIP" reason, if any
};

// A program built with the system compiler (-Wall -Werror) in a temporary directory: building
// is most of a run's time, so the caller builds several at once and runs them one by one.
struct BuiltProgram {
    std::string dir;     // the temporary directory (prog.c, prog), removed by run_program()
    bool ok = false;     // built
    std::string output;  // the compiler's
};
BuiltProgram build_program(const std::string& source);
// Run it (at most 20 s) and read its KTAP output; removes its directory.
ProgramRun run_program(const BuiltProgram& program);
ProgramRun build_and_run(const std::string& source);

// `s` as a C string literal, quotes and backslashes escaped (the generated tables' texts).
std::string c_string(const std::string& s);

// "P0 fork P1, P1 get ro v0 h0, ..."
std::string describe(const Interleaving& il);

}  // namespace cowpin
