// What the subcommands share: exit codes, loading specs and policy files, and the defaults of a
// run (threads, memory cap, symmetry). Every loader throws SpecError on bad input, which main()
// turns into one line on stderr and exit 2, before anything is written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "checker/formats/spec.hpp"
#include "checker/run/replay.hpp"
#include "checker/run/run.hpp"

namespace cowpin {

// 0 everything as expected, 1 a verdict differs from the spec (or a replay diverges), 2 bad input
// (nothing written), 4 inconclusive (a limit cut a run short, or nothing could run).
inline constexpr int kExitOk = 0, kExitMismatch = 1, kExitBadInput = 2, kExitIncomplete = 4;
// An internal error (a bug, or memory) on one rank of `mpirun ... cowpin check`, which ends the
// whole job through MPI_Abort (EX_SOFTWARE of sysexits.h).
inline constexpr int kExitInternal = 70;

// Spec files and directories as given on the command line, directories expanded (sorted).
std::vector<std::string> expand_spec_args(const std::vector<std::string>& args);
// Every spec named, parsed; `policy_files` are policy names the specs may use besides the
// built-ins.
std::vector<Spec> load_specs(const std::vector<std::string>& args,
                             const std::vector<CowPolicy>& policy_files);
std::vector<CowPolicy> load_policy_files(const std::vector<std::string>& files);
// A built-in policy by name, or a SpecError naming `--policy` and the known names.
const CowPolicy& policy_or_throw(const std::string& name);

// Which policies each spec runs under (`check`, `report`): the ones chosen on the command line
// (--policy, --policy-file), or else the spec's own. A chosen policy that does not model the
// spec's memory is refused by name ("SPEC POLICY: refused: why"), never run as base pages; one
// the spec's "policies" leave out is skipped (logged). If nothing is left to run but refusals,
// that is bad input: a SpecError naming the first refusal's spec and field.
struct RunPlan {
    std::vector<std::vector<const CowPolicy*>> policies;  // per spec
    std::vector<std::string> refusals;
    std::size_t runs = 0;
};
// `policy`: empty (every policy each spec names) or a comma-separated list of built-in policies.
RunPlan plan_runs(const std::vector<Spec>& specs, const std::string& policy,
                  const std::vector<CowPolicy>& policy_files);
// The options of one run as `check` and `report` take them, with progress logged every few
// seconds on stderr.
RunOptions run_options(const Spec& spec, const CowPolicy& policy, const std::optional<Bounds>& bounds,
                       std::uint64_t max_states, std::uint64_t memory_mib, unsigned threads,
                       bool compact, const std::string& symmetry);
// The spec's bounds with "--bound name=value" applied, or nullopt if none is given.
std::optional<Bounds> bounds_override(const Spec& spec, const std::vector<std::string>& bounds);

// A trace replayed (checker/run/replay.hpp) before a command reads it (explain, export, graph
// --trace): with --spec `spec_file` if not empty (else the spec the trace carries) and the policy
// files given. Replay's notes go to stderr; a trace that does not reproduce is refused with
// replay's message on stderr, and the outcome's exit_code (1 or 2) is the command's.
ReplayOutcome replay_for_command(const std::string& trace, const std::string& spec_file,
                                 const std::vector<std::string>& policy_files);

// Every core.
unsigned default_threads();
// "--symmetry" as RunOptions::symmetry: auto (nullopt: every renaming that is sound for the
// spec), all or on, off, or a comma-separated list of procs, pages, handles. Throws SpecError
// naming the option and what it expects on anything else (symmetry_error() says why first).
std::optional<Symmetry> symmetry_option(const std::string& value);
// Why `value` is no --symmetry value, or "" if it is one (for the option's check, which names
// the option).
std::string symmetry_error(const std::string& value);
// The --symmetry help text, shared by check, report and bench.
extern const char* const kSymmetryHelp;
// A reduction as --symmetry spells it: "off", or "procs,pages,handles" and the like.
std::string symmetry_name(const Symmetry& s);
// The default memory cap: half the machine's memory, so a run stops cleanly (exit 4) long
// before the OOM killer would end it.
std::uint64_t default_memory_bytes();

// Numbers on the command line. CLI11 reads "-5" into an unsigned option as 2^64 - 5, and a
// number past 2^64 as 2^64 - 1, both "no limit" to a run: these checks refuse them (exit 2, one
// line naming the option) before CLI11 converts anything.
// A whole number from `min` to `max`, in decimal digits; `note` says what a special value means,
// e.g. "0: no limit". Give it to ->transform(), not ->check(): it rewrites "010" as "10", which
// CLI11 would read as octal 8.
CLI::Validator whole_number(std::uint64_t min, std::uint64_t max, const std::string& note = "");
// A number of seconds above 0 and at most `max`.
CLI::Validator seconds_number(double max);
// The largest "--memory" in MiB whose bytes fit in 64 bits.
inline constexpr std::uint64_t kMaxMemoryMiB = ~std::uint64_t{0} >> 20;
// "--memory MIB" in bytes, or the default cap for 0.
std::uint64_t memory_bytes(std::uint64_t mib);
// The most threads a run may ask for.
inline constexpr unsigned kMaxThreads = 1024;

}  // namespace cowpin
