// `cowpin bench [DIR]`: the exhaustive specs of specs/bench/ (growing bounds) under each policy they
// name, each run in its own process with a time and memory limit, once per thread count, as a
// table: states, transitions, seconds, states/s, transitions/s, bytes per state (and the packed
// state size), peak RSS. Rows whose runs all finish within kBenchRepeatBelow are run `repeat`
// times, thread counts alternating, and show each count's median run: a 5 s run on a shared VM
// can take 30% longer from one minute to the next. The reference point is (2, 1, 2, 1)
// under linux-5.19, where a Murphi model of MODEL.md run by Rumur needs about 400 s on these
// machines (issue 5). A run that does not finish (time, memory) also shows the states at each
// depth it reached and a projection of its whole size from them (checker/run/projection.hpp).
#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <sys/resource.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "checker/commands/bench_mpi.hpp"
#include "checker/commands/commands.hpp"
#include "checker/commands/common.hpp"
#include "checker/mpi/world.hpp"
#include "checker/run/projection.hpp"
#include "checker/run/run.hpp"

namespace cowpin {

namespace {

constexpr double kBenchRepeatBelow = 15;  // seconds
constexpr double kMaxBenchSeconds = 1e6;  // --seconds: about 11 days a run

struct BenchOptions {
    std::string dir = "specs/bench";
    double seconds = 60;                 // per run
    std::uint64_t memory_mib = 0;        // per run; 0 = half of RAM
    std::vector<unsigned> threads{1, 2}; // a run per thread count
    bool compact = false;                // fingerprint mode
    std::optional<Symmetry> symmetry;    // default: all that is sound (the specs are exhaustive)
    std::vector<std::string> only;       // spec names to run (all if empty)
    std::vector<std::string> policies;   // of a spec's policies, only these (all if empty)
    std::string disk;                    // --disk DIR: the queue and trace links in files there
    unsigned repeat = 5;                 // rounds for rows that finish within kBenchRepeatBelow
    // A run under `mpirun -np N` per count and per thread count of `threads` (the MPI rows);
    // empty: none.
    std::vector<unsigned> ranks;
};

constexpr double kRumurSeconds = 400;  // issue 5: Rumur on (2, 1, 2, 1), linux-5.19, pins only

// What a run's process sends back through its pipe.
struct Numbers {
    std::uint64_t states = 0, transitions = 0, store_bytes = 0, packed = 0;
    double seconds = 0;
    int complete = 0, memory_limited = 0, time_limited = 0;
    double omission = 0;
    double mark_seconds = -1;  // when it first held the one-thread run's states (-1: never)
    std::uint64_t disk_bytes = 0;     // --disk: written to the directory
    std::uint64_t partial_level = 0;  // a run cut short: the next level's states found so far
    std::uint32_t levels = 0;         // whole levels, whose sizes follow the numbers in the pipe
};
// A run sends at most this many level sizes (the pipe holds 64 KiB, and is read once the run
// has ended); past it, none.
constexpr std::uint32_t kMaxLevelsSent = 4096;

// Reads exactly n bytes (a pipe can return less than asked).
bool read_all(int fd, void* out, std::size_t n) {
    auto* p = static_cast<char*>(out);
    while (n > 0) {
        const ssize_t k = read(fd, p, n);
        if (k <= 0) return false;
        p += k;
        n -= static_cast<std::size_t>(k);
    }
    return true;
}

std::string result_text(const Numbers& n) {
    if (n.complete) return "complete";
    if (n.memory_limited) return "memory limit";
    if (n.time_limited) return fmt::format("not finished in {:.0f} s", n.seconds);
    return "incomplete";
}

// How much work two busy threads get done, relative to one, on this machine right now: the
// ceiling for the speedup column (a VM whose cores share a physical core, or a busy host,
// shows well under 2).
double machine_parallelism() {
    auto spin = [](double seconds) {
        const auto start = std::chrono::steady_clock::now();
        std::uint64_t n = 0, x = 1;
        while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() <
               seconds) {
            for (int i = 0; i < 100000; ++i) x = x * 6364136223846793005ull + 1442695040888963407ull;
            ++n;
        }
        return n + (x == 0);  // keep x alive
    };
    const double one = double(spin(0.3));
    std::uint64_t a = 0, b = 0;
    std::thread other([&] { b = spin(0.3); });
    a = spin(0.3);
    other.join();
    return (a + b) / std::max(one, 1.0);
}

// One run in a process of its own (so that its peak RSS is its own), with the time and
// memory limits. No numbers if it could not start or sent nothing back (crashed or killed).
struct Measured {
    std::optional<Numbers> n;
    std::vector<std::uint64_t> levels;  // whole levels' states, level 0 first
    double rss_mib = 0;
    double wall_seconds = 0;  // from start to exit: the search, then its counterexamples rebuilt
};
Measured measure(const Spec& spec, const std::string& policy, unsigned threads,
                 const BenchOptions& options, std::uint64_t max_bytes, std::uint64_t mark_states) {
    int fds[2];
    if (pipe(fds)) return {};
    std::cout << std::flush;
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        RunOptions opts;
        opts.limits.max_bytes = max_bytes;
        opts.limits.max_seconds = options.seconds;
        opts.limits.mark_states = mark_states;
        opts.threads = threads;
        opts.compact = options.compact;
        opts.symmetry = options.symmetry;
        opts.disk = options.disk;
        const RunResult r = run_check(spec, *find_policy(policy), opts);
        const std::vector<std::uint64_t>& levels = r.stats.level_states;
        const auto nlevels = static_cast<std::uint32_t>(
            levels.size() <= kMaxLevelsSent ? levels.size() : 0);
        const Numbers n{r.stats.states,         r.stats.transitions,
                        r.stats.store_bytes,    r.stats.packed_bytes,
                        r.stats.seconds,        r.stats.complete,
                        r.stats.memory_limited, r.stats.time_limited,
                        r.stats.omission_probability,
                        r.stats.mark_seconds.value_or(-1),
                        r.stats.disk_bytes,     r.stats.partial_level,
                        nlevels};
        const bool sent = write(fds[1], &n, sizeof(n)) == sizeof(n) &&
                          write(fds[1], levels.data(), nlevels * 8) == ssize_t(nlevels * 8);
        _exit(sent ? 0 : 3);
    }
    close(fds[1]);
    const auto start = std::chrono::steady_clock::now();
    int status = 0;
    struct rusage usage {};
    // A backstop only: the run stops itself at the time limit (the counterexample rebuild of a
    // violating run comes after it).
    const double kill_after = options.seconds * 2 + 30;
    while (wait4(pid, &status, WNOHANG, &usage) == 0) {
        if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >
            kill_after) {
            kill(pid, SIGKILL);
            wait4(pid, &status, 0, &usage);
            break;
        }
        usleep(20000);
    }
    Measured m;
    m.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Numbers n;
    if (read_all(fds[0], &n, sizeof(n))) {
        m.levels.resize(n.levels);
        if (read_all(fds[0], m.levels.data(), m.levels.size() * 8)) m.n = n;
    }
    close(fds[0]);
    m.rss_mib = usage.ru_maxrss / 1024.0;
    return m;
}

// Under a row that did not finish: the states at each depth it reached, and the projection of
// the whole search from them.
std::string unfinished_text(const Measured& m) {
    const Numbers& n = *m.n;
    if (m.levels.empty())
        return fmt::format("    levels: not sent (more than {})\n", kMaxLevelsSent);
    return "    levels: " + levels_text(m.levels, n.partial_level) + "\n    " +
           projection_text(m.levels, n.states) + "\n";
}

int bench(const BenchOptions& options) {
    std::vector<Spec> specs;
    for (const std::string& f : spec_files_in(options.dir)) {
        Spec s = load_spec(f);
        if (options.only.empty() ||
            std::find(options.only.begin(), options.only.end(), s.name) != options.only.end())
            specs.push_back(std::move(s));
    }
    for (const std::string& name : options.policies) policy_or_throw(name);
    if (!options.disk.empty())
        if (const std::string why = engine::DiskDir::unusable(options.disk); !why.empty())
            throw SpecError(fmt::format("--disk: {} (expected a writable directory)", why));
    const std::uint64_t max_bytes = memory_bytes(options.memory_mib);
    std::cout << fmt::format(
        "cowpin bench: {} specs, {:.0f} s and {} MiB per run, symmetry {}{}{}\n", specs.size(),
        options.seconds, max_bytes >> 20, options.symmetry ? symmetry_name(*options.symmetry) : std::string("on"),
        options.compact ? ", compact (fingerprints)" : "",
        options.disk.empty() ? "" : ", --disk " + options.disk);
    std::cout << fmt::format("machine: two busy threads do {:.2f}x the work of one\n\n",
                             machine_parallelism());
    std::cout << fmt::format("{:<16} {:<11} {:>3} {:>11} {:>12} {:>8} {:>10} {:>11} {:>7} {:>6} "
                             "{:>8} {:>6}  {}\n",
                             "spec", "policy", "thr", "states", "transitions", "seconds",
                             "states/s", "trans/s", "B/state", "packed", "peak RSS", "speedup",
                             "result");
    bool repeated = false;
    for (const Spec& spec : specs) {
        for (const std::string& name : spec.policies) {
            if (!options.policies.empty() &&
                std::find(options.policies.begin(), options.policies.end(), name) ==
                    options.policies.end())
                continue;
            // A round: one run per thread count, the one-thread run first (its states are the
            // mark the others are timed to). Rounds repeat while every run finishes within
            // kBenchRepeatBelow, up to `repeat` of them.
            const std::size_t T = options.threads.size();
            std::vector<std::vector<Measured>> runs(T);  // runs that sent their numbers
            std::vector<Measured> failed(T);              // the last that did not
            std::uint64_t one_thread_states = 0;
            for (unsigned round = 0; round < std::max(1u, options.repeat); ++round) {
                bool quick = true;
                for (std::size_t k = 0; k < T; ++k) {
                    const unsigned threads = options.threads[k];
                    const Measured m = measure(spec, name, threads, options, max_bytes,
                                               threads == 1 ? 0 : one_thread_states);
                    if (!m.n) {
                        failed[k] = m;
                        quick = false;
                        continue;
                    }
                    if (threads == 1) one_thread_states = m.n->states;
                    quick &= m.n->complete && m.n->seconds < kBenchRepeatBelow;
                    runs[k].push_back(m);
                }
                if (!quick) break;
                repeated |= round > 0;
            }
            // Each thread count's median run, by seconds.
            auto seconds = [](const Measured& m) { return m.n->seconds; };
            std::vector<const Measured*> shown(T, nullptr);
            for (std::size_t k = 0; k < T; ++k) {
                if (runs[k].empty()) continue;
                std::sort(runs[k].begin(), runs[k].end(), [&](const Measured& x, const Measured& y) {
                    return seconds(x) < seconds(y);
                });
                shown[k] = &runs[k][(runs[k].size() - 1) / 2];
            }
            double one_thread_seconds = 0;
            for (std::size_t k = 0; k < T; ++k)
                if (options.threads[k] == 1 && shown[k]) one_thread_seconds = seconds(*shown[k]);
            for (std::size_t k = 0; k < T; ++k) {
                const unsigned threads = options.threads[k];
                if (!shown[k]) {
                    std::cout << fmt::format("{:<16} {:<11} {:>3} {:>11} {:>12} {:>8} {:>10} "
                                             "{:>11} {:>7} {:>6} {:>7.0f}M {:>6}  {}\n",
                                             spec.name, name, threads, "-", "-", "-", "-", "-",
                                             "-", "-", failed[k].rss_mib, "-", "failed");
                    continue;
                }
                const Numbers& n = *shown[k]->n;
                const double rate = n.states / std::max(n.seconds, 1e-9);
                // Speedup at equal work: the one-thread run's time over the time this run took
                // to hold the same states (the same first states, by id). If it stopped short
                // of them (a memory limit), the ratio of states/s, marked *.
                std::string speedup = "-";
                if (threads != 1 && one_thread_states > 0 && n.mark_seconds > 0)
                    speedup = fmt::format("{:.2f}x", one_thread_seconds / n.mark_seconds);
                else if (threads != 1 && one_thread_states > 0)
                    speedup = fmt::format("{:.2f}x*", rate * one_thread_seconds / one_thread_states);
                std::string result = result_text(n);
                if (runs[k].size() > 1)
                    result += fmt::format("  (median of {}: {:.2f}-{:.2f} s)", runs[k].size(),
                                          seconds(runs[k].front()), seconds(runs[k].back()));
                if (n.complete && spec.bounds == Bounds{2, 1, 2, 1, 0} && name == "linux-5.19")
                    result += fmt::format("  ({:.0f}x Rumur's ~{:.0f} s)",
                                          kRumurSeconds / n.seconds, kRumurSeconds);
                if (n.complete)  // the search, then each violation's counterexample rebuilt
                    result += fmt::format("  (verdict in {:.2f} s)", shown[k]->wall_seconds);
                if (options.compact)
                    result += fmt::format("  (omission probability {:.1g})", n.omission);
                if (!options.disk.empty())
                    result += fmt::format("  (disk: {:.1f} MiB written)", n.disk_bytes / 1048576.0);
                std::cout << fmt::format(
                    "{:<16} {:<11} {:>3} {:>11} {:>12} {:>8.2f} {:>10.0f} {:>11.0f} {:>7.1f} "
                    "{:>6} {:>7.0f}M {:>6}  {}\n",
                    spec.name, name, threads,
                    n.states, n.transitions, n.seconds, rate,
                    n.transitions / std::max(n.seconds, 1e-9),
                    double(n.store_bytes) / std::max<double>(n.states, 1), n.packed,
                    shown[k]->rss_mib, speedup, result);
                if (!n.complete) std::cout << unfinished_text(*shown[k]);
            }
            for (unsigned ranks : options.ranks)
                for (unsigned threads : options.threads) {
                    std::string why;
                    const std::optional<MpiNumbers> n =
                        measure_mpi(spec.path, name, ranks, threads,
                                    options.symmetry ? symmetry_name(*options.symmetry) : "auto",
                                    options.seconds, max_bytes, why);
                    const std::string thr = fmt::format("{}x{}", ranks, threads);
                    if (!n) {
                        std::cout << fmt::format("{:<16} {:<11} {:>3} {:>11} {:>12} {:>8} {:>10} "
                                                 "{:>11} {:>7} {:>6} {:>8} {:>6}  mpirun: {}\n",
                                                 spec.name, name, thr, "-", "-", "-", "-", "-", "-",
                                                 "-", "-", "-", why);
                        continue;
                    }
                    const double rate = n->states / std::max(n->seconds, 1e-9);
                    std::string speedup = "-";
                    if (one_thread_seconds > 0 && n->states == one_thread_states)
                        speedup = fmt::format("{:.2f}x", one_thread_seconds / n->seconds);
                    std::cout << fmt::format(
                        "{:<16} {:<11} {:>3} {:>11} {:>12} {:>8.2f} {:>10.0f} {:>11.0f} {:>7.1f} "
                        "{:>6} {:>8} {:>6}  {} rank{} of {} thread{}: {:.1f} B sent/state, "
                        "{:.1f} messages and {:.1f} collectives per rank per level\n",
                        spec.name, name, thr, n->states, n->transitions, n->seconds, rate,
                        n->transitions / std::max(n->seconds, 1e-9), n->store_per_state, "-", "-",
                        speedup, ranks, ranks == 1 ? "" : "s", threads, threads == 1 ? "" : "s",
                        double(n->bytes_sent) / std::max<double>(n->states, 1),
                        double(n->messages) / double(ranks) / double(n->depth + 1),
                        double(n->collectives) / double(n->depth + 1));
                }
        }
    }
    if (!options.ranks.empty())
        std::cout << "\nNxT: mpirun -np N --bind-to none, T threads a rank (README: "
                     "\"Running on a cluster\"); B/state is summed over the ranks; B sent: "
                     "payload sent to other ranks\n";
    if (std::find(options.threads.begin(), options.threads.end(), 1u) != options.threads.end() &&
        options.threads.size() > 1)
        std::cout << "\nspeedup: one thread's seconds over the seconds the run took to hold the "
                     "same states (the same first states: ids do not depend on the thread count)\n";
    if (repeated)
        std::cout << fmt::format("median of N: runs that all finish within {:.0f} s are repeated, "
                                 "thread counts alternating; the row is each count's median run\n",
                                 kBenchRepeatBelow);
    return kExitOk;
}

}  // namespace

Command add_bench(CLI::App& app) {
    auto options = std::make_shared<BenchOptions>();
    auto symmetry = std::make_shared<std::string>("auto");
    BenchOptions& o = *options;
    auto* bn = app.add_subcommand("bench", "time the exhaustive specs of specs/bench/");
    bn->add_option("dir", o.dir, "directory of benchmark specs (default: specs/bench)");
    bn->add_option("--seconds", o.seconds, "time limit per run, above 0 (default 60)")
        ->check(seconds_number(kMaxBenchSeconds));
    bn->add_option("--memory", o.memory_mib, "memory limit per run in MiB (default: half of RAM)")
        ->transform(whole_number(0, kMaxMemoryMiB, "0: half of RAM"));
    bn->add_option("--threads", o.threads, "thread counts from 1 to 1024, a run each (default: 1 2)")
        ->delimiter(',')
        ->transform(whole_number(1, kMaxThreads));
    bn->add_flag("--compact", o.compact, "fingerprint mode");
    bn->add_option("--disk", o.disk,
                   "a directory for each run's BFS queue and trace links (implies --compact; "
                   "not the MPI rows)");
    bn->add_option("--policy", o.policies,
                   "of each spec's policies, only these (comma-separated or repeated; default: all)")
        ->delimiter(',');
    bn->add_option("--ranks", o.ranks,
                   "rank counts from 1 to 64, a run each under mpirun -np N per --threads count "
                   "(MPI rows, N x T; default: none)")
        ->delimiter(',')
        ->transform(whole_number(1, 64));
    bn->add_option("--symmetry", *symmetry, kSymmetryHelp)->check(symmetry_error);
    bn->add_option("--spec", o.only, "only this benchmark spec (repeatable)");
    bn->add_option("--repeat", o.repeat,
                   fmt::format("runs of each row that finishes within {:.0f} s, 1 to 100; the "
                               "median is shown (default 5)", kBenchRepeatBelow))
        ->transform(whole_number(1, 100));
    return {bn, [options, symmetry] {
                options->symmetry = symmetry_option(*symmetry);
                options->compact |= !options->disk.empty();  // as in the engine
                return bench(*options);
            }};
}

}  // namespace cowpin
