#include "checker/bench.hpp"

#include <chrono>
#include <csignal>
#include <iostream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include "checker/run.hpp"
#include "checker/spec.hpp"

namespace cowpin {

namespace {

constexpr double kRumurSeconds = 400;  // issue 5: Rumur on (2, 1, 2, 1), linux-5.19, pins only

struct Numbers {
    std::uint64_t states = 0, transitions = 0, bytes = 0;
    double seconds = 0;
    int complete = 0, memory_limited = 0;
};

}  // namespace

int run_bench(const BenchOptions& options, std::uint64_t default_memory_bytes) {
    std::vector<Spec> specs;
    for (const std::string& f : spec_files_in(options.dir)) specs.push_back(load_spec(f));
    const std::uint64_t max_bytes =
        options.memory_mib ? options.memory_mib << 20 : default_memory_bytes;
    std::cout << fmt::format("cowpin bench: {} specs, {:.0f} s and {} MiB per run, 1 thread\n\n",
                             specs.size(), options.seconds, max_bytes >> 20);
    std::cout << fmt::format("{:<20} {:<11} {:>11} {:>12} {:>9} {:>14} {:>8} {:>10}  {}\n", "spec",
                             "policy", "states", "transitions", "seconds", "transitions/s",
                             "B/state", "peak RSS", "result");
    for (const Spec& spec : specs) {
        for (const std::string& name : spec.policies) {
            int fds[2];
            if (pipe(fds)) return 2;
            std::cout << std::flush;
            const pid_t pid = fork();
            if (pid == 0) {  // the run, in its own process: its own peak RSS and time limit
                close(fds[0]);
                RunOptions opts;
                opts.limits.max_bytes = max_bytes;
                const RunResult r = run_check(spec, *find_policy(name), opts);
                const Numbers n{r.stats.states, r.stats.transitions, r.stats.bytes,
                                r.stats.seconds, r.stats.complete, r.stats.memory_limited};
                _exit(write(fds[1], &n, sizeof(n)) == sizeof(n) ? 0 : 3);
            }
            close(fds[1]);
            const auto start = std::chrono::steady_clock::now();
            int status = 0;
            struct rusage usage {};
            bool timed_out = false;
            while (wait4(pid, &status, WNOHANG, &usage) == 0) {
                if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >
                    options.seconds) {
                    kill(pid, SIGKILL);
                    wait4(pid, &status, 0, &usage);
                    timed_out = true;
                    break;
                }
                usleep(20000);
            }
            Numbers n;
            const bool got = read(fds[0], &n, sizeof(n)) == sizeof(n);
            close(fds[0]);
            const double rss_mib = usage.ru_maxrss / 1024.0;
            if (!got) {
                std::cout << fmt::format("{:<20} {:<11} {:>11} {:>12} {:>9} {:>14} {:>8} {:>9.0f}M  {}\n",
                                         spec.name, name, "-", "-", "-", "-", "-", rss_mib,
                                         timed_out ? fmt::format("not finished in {:.0f} s", options.seconds)
                                                   : "failed");
                continue;
            }
            std::string result = n.complete ? "complete" : n.memory_limited ? "memory limit" : "incomplete";
            if (n.complete && spec.bounds == Bounds{2, 1, 2, 1, 0} && name == "linux-5.19")
                result += fmt::format("  ({:.0f}x Rumur's ~{:.0f} s)", kRumurSeconds / n.seconds,
                                      kRumurSeconds);
            std::cout << fmt::format("{:<20} {:<11} {:>11} {:>12} {:>9.2f} {:>14.0f} {:>8.0f} {:>9.0f}M  {}\n",
                                     spec.name, name, n.states, n.transitions, n.seconds,
                                     n.transitions / std::max(n.seconds, 1e-9),
                                     double(n.bytes) / std::max<double>(n.states, 1), rss_mib, result);
        }
    }
    return 0;
}

}  // namespace cowpin
