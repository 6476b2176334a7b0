// `cowpin check SPEC|DIR...`: every spec under every policy it names (or the one given), one
// verdict line per run, then the policy × scenario matrix and a summary.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sched.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/formats/output_file.hpp"
#include "checker/mpi/world.hpp"
#include "checker/run/bless.hpp"
#include "checker/run/interrupt.hpp"
#include "checker/run/projection.hpp"
#include "checker/run/run.hpp"
#include "checker/run/trace.hpp"
#include "checker/views/report.hpp"
#include "checker/views/results_formats.hpp"

namespace cowpin {

namespace {

constexpr double kMaxCheckSeconds = 1e7;  // --seconds: about 4 months a run

struct CheckArgs {
    std::vector<std::string> specs;
    std::string policy;
    std::vector<std::string> policy_files;
    std::vector<std::string> bounds;
    std::string out = "counterexamples";
    bool no_write = false;
    std::uint64_t max_states = 0;
    std::uint64_t memory_mib = 0;  // 0 = the default share of physical memory
    double seconds = 0;            // 0 = no time limit; per run
    unsigned threads = 0;          // 0 = every core
    std::string symmetry = "auto"; // auto (all that is sound), all, off, procs,pages,handles
    bool compact = false;
    std::string disk;  // --disk DIR: queue and trace links on disk (implies compact)
    bool stats = false;
    bool coverage = false;
    std::string format = "text";  // text, json, junit, sarif, tap (views/results_formats.hpp)
    bool bless = false;            // write the observed verdicts into the specs (run/bless.hpp)
};

// `--stats`: how big and how fast, on stderr.
std::string stats_line(const RunResult& r) {
    const engine::Result& st = r.stats;
    std::string line = fmt::format(
        "{} {}: {} states, {} transitions, depth {}, {:.2f} s, {:.0f} states/s, {:.0f} "
        "transitions/s, {:.2f} B/state (packed state {} B), {} thread{}, symmetry {}",
        r.spec->name, r.policy->name, st.states, st.transitions, st.depth, st.seconds,
        st.states / std::max(st.seconds, 1e-9), st.transitions / std::max(st.seconds, 1e-9),
        double(st.store_bytes) / std::max<double>(st.states, 1), st.packed_bytes, st.threads,
        st.threads == 1 ? "" : "s", symmetry_name(r.reduced));
    if (st.compact)
        line += fmt::format(", compact: {}-bit fingerprints, omission probability d(g-d)/2^{} = {:.2g}",
                            st.fingerprint_bits, st.fingerprint_bits, st.omission_probability);
    if (st.disk)
        line += fmt::format(", disk: {:.1f} MiB written", st.disk_bytes / 1048576.0);
    if (st.compact)  // the fingerprints and the queue's states in memory (--disk: a few chunks)
        line += fmt::format(", peak {:.1f} MiB in memory", st.peak_bytes / 1048576.0);
    if (!st.collectives)  // the threaded engine's phases (a run over ranks has none)
        line += fmt::format(
            " (expand {:.2f} s, grow {:.2f} s, insert {:.2f} s, number {:.2f} s, store {:.2f} s)",
            st.phase_seconds[0], st.phase_seconds[1], st.phase_seconds[2], st.phase_seconds[3],
            st.phase_seconds[4]);
    if (st.collectives)
        line += fmt::format(", {} rank{}: {} bytes and {} messages sent between ranks, {:.1f} "
                            "bytes/state, {} collectives per rank",
                            st.ranks, st.ranks == 1 ? "" : "s", st.bytes_sent, st.messages,
                            double(st.bytes_sent) / std::max<double>(st.states, 1), st.collectives);
    // Which action family first discovered each state (the initial state is no one's): where
    // the states come from, most first.
    std::vector<std::pair<std::uint64_t, std::size_t>> by;
    for (std::size_t op = 0; op < st.discovered_by.size(); ++op)
        if (st.discovered_by[op]) by.emplace_back(st.discovered_by[op], op);
    std::sort(by.begin(), by.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (!by.empty()) {
        line += "\n  states first reached by:";
        for (std::size_t i = 0; i < by.size(); ++i)
            line += fmt::format("{} {} {:.1f}%", i ? "," : "", op_name(static_cast<Op>(by[i].second)),
                                100.0 * by[i].first / std::max<double>(st.states - 1, 1));
    }
    // The states at each depth; a run cut short also projects its whole size from them.
    if (!st.level_states.empty())
        line += "\n  levels: " + levels_text(st.level_states, st.partial_level);
    if (!st.complete && !st.depth_limited)
        line += "\n  " + projection_text(st.level_states, st.states);
    return line;
}

int check_on(CheckArgs args, engine::Comm* comm);

// The cores this process may run on (mpirun binds each rank to one core unless told
// `--bind-to none`), or 0 if unknown.
unsigned cores_allowed() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    return static_cast<unsigned>(CPU_COUNT(&set));
}

// Started by mpirun: every rank explores its share of each exhaustive spec; rank 0 alone
// prints and writes. An error on one rank ends the whole job (MPI_Abort) with its exit code:
// the other ranks, waiting in a collective for it, would otherwise wait forever.
int check_over_ranks(const CheckArgs& args) {
    const int launched = mpi::launched_size();
    if (!mpi::available()) {
        if (launched == 1) return check_on(args, nullptr);
        if (mpi::launched_rank() == 0)
            std::cerr << fmt::format("cowpin: started by mpirun with {} ranks, but this cowpin "
                                     "was built without MPI (the MPI feature is off): install "
                                     "libopenmpi-dev and rebuild, or run it without mpirun\n",
                                     launched);
        return kExitBadInput;
    }
    const std::shared_ptr<engine::Comm> comm = mpi::world();
    const int rank = comm->rank();
    if (rank != 0) {
        std::cout.rdbuf(nullptr);
        spdlog::set_level(spdlog::level::off);
    }
    try {
        return check_on(args, comm.get());
    } catch (const SpecError& err) {
        // Bad input is the same on every rank (rank 0 alone writes, so an output error is
        // its own): rank 0 says it; the others give it time to before ending the job.
        if (rank == 0) {
            std::cerr << "cowpin: " << err.what() << std::endl;
        } else {
            std::this_thread::sleep_for(std::chrono::seconds(2));
        }
        mpi::abort_job(kExitBadInput);
    } catch (const std::exception& err) {
        std::cerr << fmt::format("cowpin: rank {} of {}: {}", rank, comm->size(), err.what())
                  << std::endl;
        mpi::abort_job(kExitInternal);
    }
}

int check(const CheckArgs& args) {
    if (mpi::launched_size() > 0) return check_over_ranks(args);
    return check_on(args, nullptr);
}

int check_on(CheckArgs args, engine::Comm* comm) {
    if (comm && comm->rank() != 0) args.no_write = true;  // rank 0 writes
    // The default cap, half of RAM, is shared by the ranks on this node.
    if (comm && args.memory_mib == 0)
        args.memory_mib = std::max<std::uint64_t>(1, (memory_bytes(0) >> 20) / mpi::local_ranks());
    // So are the default threads, every core: each rank expands on its share of them.
    if (comm && args.threads == 0)
        args.threads = std::max(1u, default_threads() / static_cast<unsigned>(mpi::local_ranks()));
    if (comm) {
        const unsigned cores = cores_allowed();
        if (args.threads > 1 && cores && cores < args.threads)  // rank 0 alone logs
            spdlog::warn("--threads {}: this rank may run on {} core{} only (mpirun binds a rank "
                         "to a core unless given --bind-to none)",
                         args.threads, cores, cores == 1 ? "" : "s");
    }
    if (comm && args.compact)
        throw SpecError("--compact: the ranks of mpirun store states exactly (run without "
                        "--compact, or without mpirun)");
    if (comm && !args.disk.empty())
        throw SpecError("--disk: the ranks of mpirun store states in memory (run without "
                        "--disk, or without mpirun)");
    if (!args.disk.empty())
        if (const std::string why = engine::DiskDir::unusable(args.disk); !why.empty())
            throw SpecError(fmt::format("--disk: {} (expected a writable directory)", why));
    if (comm && args.coverage)
        throw SpecError("--coverage: not measured over the ranks of mpirun (run without "
                        "--coverage, or without mpirun)");
    const ResultsFormat format = *parse_results_format(args.format);
    const bool text = format == ResultsFormat::text;
    // Parse everything first: bad input writes nothing.
    const std::vector<CowPolicy> files = load_policy_files(args.policy_files);
    const std::vector<Spec> specs = load_specs(args.specs, files);
    // Which policies each spec runs under; a policy that does not model the spec's memory is
    // refused by name, never run as base pages (and if nothing is left to run, that is bad input).
    const RunPlan plan = plan_runs(specs, args.policy, files);
    const std::vector<std::vector<const CowPolicy*>>& plans = plan.policies;
    const std::vector<std::string>& refusals = plan.refusals;
    std::vector<std::optional<Bounds>> overrides;
    for (const Spec& s : specs) overrides.push_back(bounds_override(s, args.bounds));
    if (args.bless && !args.bounds.empty())
        throw SpecError("--bless: a run under --bound does not check the spec's own bounds, so "
                        "its verdicts are not the spec's (bless without --bound)");
    if (args.bless && !text)
        throw SpecError("--bless: it prints what it changes as text (bless without --format)");
    if (args.bless)
        for (std::size_t i = 0; i < specs.size(); ++i) check_blessable(specs[i], plans[i]);
    if (!args.no_write) prepare_output_dir(args.out, "--out");  // before any verdict is printed
    if (text)
        for (const std::string& line : refusals) std::cout << line << '\n';

    std::vector<RunResult> results;
    int status = kExitOk;
    // SIGINT or SIGTERM during a search stops it as a limit and skips the runs after it; while
    // traces are written, the handlers before (output_file.hpp's cleanup) apply.
    int interrupted_by = 0;
    std::size_t skipped = 0;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (interrupted_by) {
            skipped += plans[i].size();
            continue;
        }
        const Spec& spec = specs[i];
        const std::vector<const CowPolicy*>& policies = plans[i];
        if (spec.expect.empty() && !policies.empty())
            std::cout << fmt::format("{}: no \"expect\": its verdicts are reported, not checked "
                                     "(check --bless records them)\n",
                                     spec.path);
        for (const CowPolicy* policy : policies) {
            if (interrupted_by) {
                ++skipped;
                continue;
            }
            RunOptions opts = run_options(spec, *policy, overrides[i], args.max_states, args.memory_mib,
                                          args.threads, args.compact, args.symmetry);
            opts.limits.max_seconds = args.seconds;
            opts.coverage = args.coverage;
            opts.disk = args.disk;
            opts.comm = comm;
            RunResult r = [&] {
                const InterruptScope interrupt;
                opts.limits.interrupt = interrupt.flag();
                RunResult searched = run_check(spec, *policy, opts);
                interrupted_by = interrupt.signal();
                return searched;
            }();
            if (args.stats && (!comm || comm->rank() == 0)) std::cerr << stats_line(r) << '\n';
            if (!spec.expected(policy->name) && !spec.expect.empty())
                spdlog::warn("{}: no expectation for policy {}", spec.path, policy->name);
            if (text) std::cout << verdict_line(r) << '\n' << std::flush;
            if (r.coverage) {
                if (args.coverage && text) std::cout << coverage_text(spec, *policy, *r.coverage);
                for (const std::string& w : coverage_warnings(spec, *policy, *r.coverage))
                    spdlog::warn("{}", w);
            }
            // A run cut short by a limit writes no trace (write_counterexamples()). Nothing is
            // removed: a trace of this spec and policy that a complete run did not find is named.
            if (!args.no_write) {
                for (const std::string& path : write_counterexamples(r, args.out))
                    spdlog::debug("wrote {}", path);
                for (const std::string& path : stale_counterexamples(r, args.out))
                    spdlog::warn("stale counterexample {}: this run found no such trace; left in "
                                 "place", path);
            }
            if (!r.stats.complete && status == kExitOk) status = kExitIncomplete;
            if (!r.verdict_matches() || !r.states_match()) status = kExitMismatch;
            results.push_back(std::move(r));
        }
    }
    if (skipped)
        spdlog::warn("{}: {} run{} not started", strsignal(interrupted_by), skipped,
                     skipped == 1 ? "" : "s");
    if (!text) {
        std::cout << format_results(format, results, refusals, args.no_write ? "" : args.out);
        return status;
    }
    std::cout << '\n' << verdict_matrix(results);
    std::cout << '\n' << summary_line(results, refusals.size()) << '\n';
    const std::size_t unwritten = std::count_if(results.begin(), results.end(),
                                                [](const RunResult& r) { return !r.stats.complete; });
    if (!args.no_write && unwritten)
        std::cout << fmt::format("no traces written for the {} incomplete run{}: a run cut short "
                                 "by a limit writes none\n", unwritten, unwritten == 1 ? "" : "s");
    if (args.bless) {
        std::vector<std::string> names;
        for (const CowPolicy& p : files) names.push_back(p.name);
        const BlessOutcome b = bless_specs(specs, results, names, !args.no_write);
        std::cout << '\n';
        for (const std::string& line : b.lines) std::cout << line << '\n';
        // Blessed runs match now; an incomplete one proves nothing (or still refutes).
        if (!args.no_write)
            status = b.refuted ? kExitMismatch : b.incomplete ? kExitIncomplete : kExitOk;
    }
    return status;
}

}  // namespace

Command add_check(CLI::App& app) {
    auto args = std::make_shared<CheckArgs>();
    CheckArgs& a = *args;
    auto* c = app.add_subcommand(
        "check", mpi::available()
                     ? "check specs against every policy they name (MPI: on: mpirun -np N "
                       "cowpin check explores each exhaustive spec over N ranks)"
                     : "check specs against every policy they name (MPI: off: this build runs "
                       "on one machine)");
    c->add_option("specs", a.specs, "spec files or directories of them")->required();
    c->add_option("--policy", a.policy,
                  "check only this policy, or these (comma-separated; other expectations ignored)");
    c->add_option("--policy-file", a.policy_files,
                  "check only the policy in this JSON file (repeatable); specs' expectations "
                  "apply to it by its name");
    c->add_option("--bound", a.bounds, "override a bound: name=value (repeatable)");
    c->add_option("--out", a.out,
                  "directory for counterexamples (default: counterexamples); a run cut short by "
                  "a limit writes none there, and no file there is ever removed");
    c->add_flag("--no-write", a.no_write, "write no counterexample files");
    c->add_option("--max-states", a.max_states,
                  "stop a run past this many states (exit 4; it writes no counterexamples)")
        ->transform(whole_number(0, ~std::uint64_t{0}, "0: no limit"));
    c->add_option("--memory", a.memory_mib,
                  "stop a run when its states take this many MiB (exit 4; it writes no "
                  "counterexamples; default: half of RAM)")
        ->transform(whole_number(0, kMaxMemoryMiB, "0: half of RAM"));
    c->add_option("--seconds", a.seconds,
                  "stop a run after this many seconds of search (exit 4; it writes no "
                  "counterexamples; --stats still prints its levels; default: no limit)")
        ->check(seconds_number(kMaxCheckSeconds));
    c->add_option("--threads", a.threads,
                  "worker threads, at most 1024; under mpirun, each rank's (default: every core, "
                  "shared by the ranks on a node)")
        ->transform(whole_number(0, kMaxThreads, "0: every core"));
    c->add_option("--symmetry", a.symmetry, kSymmetryHelp)->check(symmetry_error);
    c->add_flag("--compact", a.compact,
                "store 100-bit fingerprints, not states (prints the chance a state was missed); "
                "not under mpirun");
    c->add_option("--disk", a.disk,
                  "keep the BFS queue and the trace links in files in this directory (removed "
                  "at the end of the run), and only fingerprints in memory, as --compact; not "
                  "under mpirun");
    c->add_flag("--stats", a.stats, "print states, speed and memory of each run on stderr");
    c->add_option("--format", a.format,
                  "results on stdout as text (default), json (docs/schemas/results.schema.json), "
                  "junit, sarif (2.1.0) or tap (13)")
        ->check(CLI::IsMember({"text", "json", "junit", "sarif", "tap"}));
    c->add_flag("--coverage", a.coverage,
                "print how often each action, decision point outcome and program step fired");
    c->add_flag("--bless", a.bless,
                "write each complete run's verdict (and an exhaustive spec's state count) into "
                "its spec, keeping the rest of the file; exit 0 once written, 4 if a run was "
                "incomplete (with --no-write: only print what would change)");
    return {c, [args] { return check(*args); }};
}

}  // namespace cowpin
