// `cowpin reproduce SPEC|DIR... [--policy P] [--interleaving N | --trace T] [-o prog.c] [--run]`:
// scenario interleavings (or a trace's steps) as C programs for the running kernel; with --run,
// built and run here, every observation compared with the policy's prediction.
#include <csignal>
#include <algorithm>
#include <filesystem>
#include <functional>
#include <future>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/formats/output_file.hpp"
#include "checker/formats/state_json.hpp"
#include "checker/kernel/machine.hpp"
#include "checker/kernel/reproduce.hpp"
#include "checker/run/trace.hpp"

namespace cowpin {

namespace {

struct ReproduceArgs {
    std::vector<std::string> specs;
    std::string policy = "linux-6.18";
    std::size_t interleaving = 0;  // 1-based; 0 = all (sampled)
    std::string trace, output;
    bool run = false;
    std::size_t sample = 16;
};

bool uses(const Interleaving& il, Op op) {
    for (const Action& a : il.steps)
        if (a.op == op) return true;
    return false;
}

// One program to a file: the chosen interleaving, or a trace's steps.
int write_one(const ReproduceArgs& args, const CowPolicy& policy, const Spec& spec) {
    std::vector<Interleaving> all = interleavings(spec, policy);
    Interleaving il;
    std::size_t index = 1, count = all.size();
    if (!args.trace.empty()) {
        const nlohmann::json t = load_trace(args.trace);
        for (const nlohmann::json& step : t["steps"]) {
            std::string error;
            const std::optional<Action> a = action_from_json(step, error);
            if (!a) throw SpecError(fmt::format("{}: {}", args.trace, error));
            il.steps.push_back(*a);
        }
        count = 1;
    } else {
        index = args.interleaving ? args.interleaving : 1;
        if (all.empty())
            throw SpecError(fmt::format("{}: no complete interleaving to reproduce", spec.path));
        if (index > all.size())
            throw SpecError(fmt::format("--interleaving {}: {} has {} interleavings", index,
                                        spec.name, all.size()));
        il = all[index - 1];
    }
    if (auto why = why_not_reproducible(spec, policy, il)) {
        std::cout << fmt::format("{}: not reproducible: {}\n", spec.name, *why);
        return kExitIncomplete;
    }
    write_file_atomically(args.output, emit_program(spec, policy, il, index, count));
    std::cout << fmt::format("wrote {}: {} interleaving {} of {}: {}\n", args.output, spec.name,
                             index, count, describe(il));
    return kExitOk;
}

int reproduce(const ReproduceArgs& args) {
    const CowPolicy& policy = policy_or_throw(args.policy);
    const std::vector<Spec> specs = load_specs(args.specs, {});
    if (!args.run) {
        if (specs.size() != 1 || args.output.empty())
            throw SpecError("reproduce: give one spec and -o FILE (or --run)");
        if (const std::string why = specs[0].refusal(policy); !why.empty())
            throw SpecError(fmt::format("{}: field 'memory': {}", specs[0].path, why));
        check_output_file(args.output, "-o");
        return write_one(args, policy, specs[0]);
    }
    // Declared first, destroyed last: the machine is put back before the handlers go.
    InterruptGuard interrupt;
    SwapFile swap;
    HugePages huge;
    ThpSettings thp;
    Debugfs debugfs;
    std::size_t ran = 0, disagreements = 0, scenarios = 0, unreproducible = 0;
    ProgramRun total;
    for (const Spec& spec : specs) {
        if (InterruptGuard::interrupted()) break;
        if (const std::string why = spec.refusal(policy); !why.empty()) {
            std::cout << fmt::format("{}: not reproducible: {}\n", spec.name, why);
            continue;
        }
        const std::vector<Interleaving> all = interleavings(spec, policy);
        std::vector<std::size_t> chosen;
        if (args.interleaving) {
            if (args.interleaving > all.size())
                throw SpecError(fmt::format("--interleaving {}: {} has {} interleavings",
                                            args.interleaving, spec.name, all.size()));
            chosen.push_back(args.interleaving - 1);
        } else {
            chosen = sample_indices(all.size(), args.sample);
        }
        std::vector<std::size_t> runnable;
        std::string why = all.empty() ? std::string(spec.scenario ? "no complete interleaving"
                                                                  : "an exhaustive spec has no "
                                                                    "single interleaving to run")
                                      : "";
        for (std::size_t i : chosen) {
            if (auto w = why_not_reproducible(spec, policy, all[i]))
                why = *w;
            else
                runnable.push_back(i);
        }
        if (runnable.empty()) {
            std::cout << fmt::format("{}: not reproducible: {}\n", spec.name, why);
            ++unreproducible;
            continue;
        }
        ++scenarios;
        std::cout << fmt::format("{}: {} of {} interleavings under {}{}{}\n", spec.name,
                                 runnable.size(), all.size(), policy.name,
                                 runs_on_mthp(spec) ? " on a 16 kB mTHP" : "",
                                 chosen.size() < all.size() ? " (fixed seeded sample)" : "");
        // Build this spec's programs on every core while they run one at a time (a run
        // must have the machine to itself: swap, the LRU batches, the hugetlb pool).
        std::vector<std::string> programs;
        for (std::size_t i : runnable)
            programs.push_back(emit_program(spec, policy, all[i], i + 1, all.size()));
        std::vector<std::future<BuiltProgram>> built(programs.size());
        std::size_t launched = 0;
        const std::size_t ahead = std::max(1u, default_threads());
        auto launch = [&](std::size_t upto) {
            for (; launched < std::min(upto, programs.size()); ++launched)
                built[launched] =
                    std::async(std::launch::async, build_program, std::cref(programs[launched]));
        };
        for (std::size_t k = 0; k < runnable.size(); ++k) {
            const std::size_t i = runnable[k];
            launch(k + ahead);
            const BuiltProgram program = built[k].get();
            if (InterruptGuard::interrupted()) {
                if (!program.dir.empty()) std::filesystem::remove_all(program.dir);
                continue;  // collect the builds still running, run nothing more
            }
            if (uses(all[i], Op::swap_out)) swap.ensure();
            if (uses(all[i], Op::split_folio)) debugfs.ensure();
            if (runs_on_mthp(spec))
                thp.ensure_mthp();
            else if (spec.memory == Memory::thp)
                thp.ensure();
            // Every frame a run of the scenario can hold at once, with room to spare: a COW
            // copy that finds no free huge page kills the process (SIGBUS).
            if (spec.memory == Memory::hugetlb) huge.ensure(2L * kMaxFrames);
            ProgramRun r = run_program(program);
            // The disk's timing decides whether a swapped-out page stays in the swapcache
            // (left_in_swapcache() in the program): a run that lost that race is run again.
            for (int retry = 0; retry < 4 && r.exit_code == kExitIncomplete &&
                                r.skipped.find("swap-out race") != std::string::npos;
                 ++retry)
                r = build_and_run(programs[k]);
            std::string result = r.disagree ? "DISAGREE" : "agree";
            if (r.exit_code == 4) result = "skipped: " + r.skipped;
            if (r.exit_code == 2 || (r.exit_code == 1 && !r.disagree)) result = "ERROR";
            std::cout << fmt::format("  #{:<3} {:>3} observations ({:>2} of page state) {:>3} agree "
                                     "{:>3} disagree  {}  [{}]\n",
                                     i + 1, r.observations, r.page_states, r.agree, r.disagree,
                                     result, describe(all[i]));
            if (r.skipped_observations)
                std::cout << fmt::format("      {} observations skipped: {}\n",
                                         r.skipped_observations, r.observation_skip);
            total.observations += r.observations;
            total.page_states += r.page_states;
            total.skipped_observations += r.skipped_observations;
            if (r.exit_code != 0 && r.exit_code != 4) {
                std::istringstream lines(r.output);
                for (std::string line; std::getline(lines, line);)
                    if (line.rfind("not ok", 0) == 0 || line.rfind("Bail", 0) == 0 ||
                        line.find("error") != std::string::npos)
                        std::cout << "      " << line << '\n';
            }
            if (r.exit_code != 4) ++ran;
            if (r.exit_code != 0 && r.exit_code != 4) ++disagreements;
        }
    }
    if (const int sig = InterruptGuard::interrupted()) {
        std::cout << fmt::format("\ninterrupted ({}) after {} interleavings: the machine is put "
                                 "back as it was\n",
                                 sig == SIGINT ? "SIGINT" : "SIGTERM", ran);
        return 128 + sig;
    }
    std::cout << fmt::format(
        "\n{} interleavings of {} scenarios run under {}: {} observations ({} of values, {} of "
        "page state), {} disagree{}; {} scenarios not reproducible\n",
        ran, scenarios, policy.name, total.observations, total.observations - total.page_states,
        total.page_states, disagreements ? fmt::format("in {} interleavings", disagreements) : "none",
        total.skipped_observations
            ? fmt::format(", {} observations skipped", total.skipped_observations)
            : "",
        unreproducible);
    if (disagreements) return kExitMismatch;
    return ran ? kExitOk : kExitIncomplete;
}

}  // namespace

Command add_reproduce(CLI::App& app) {
    auto args = std::make_shared<ReproduceArgs>();
    ReproduceArgs& a = *args;
    auto* rp = app.add_subcommand(
        "reproduce", "turn a scenario interleaving into a C program for the running kernel");
    rp->add_option("specs", a.specs, "scenario spec files or directories")->required();
    rp->add_option("--policy", a.policy, "the policy whose predictions to check (linux-6.18)");
    rp->add_option("--interleaving", a.interleaving, "which interleaving (1-based)")
        ->transform(whole_number(1, ~std::uint64_t{0}));
    rp->add_option("--trace", a.trace, "reproduce a counterexample trace's steps instead");
    rp->add_option("-o,--output", a.output, "C file to write");
    rp->add_flag("--run", a.run, "build and run the programs, compare with the model");
    rp->add_option("--sample", a.sample, "at most this many interleavings per spec (16)")
        ->transform(whole_number(1, ~std::uint64_t{0}));
    return {rp, [args] { return reproduce(*args); }};
}

}  // namespace cowpin
