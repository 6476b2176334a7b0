// `cowpin bench --ranks N`: one MPI row (bench_mpi.hpp).
#include "checker/commands/bench_mpi.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <iostream>
#include <regex>
#include <vector>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

namespace cowpin {

std::optional<MpiNumbers> measure_mpi(const std::string& spec_path, const std::string& policy,
                                      unsigned ranks, unsigned threads, const std::string& symmetry,
                                      double seconds, std::uint64_t max_bytes, std::string& why) {
    char self[4096];
    const ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len <= 0) return why = "cannot find its own executable", std::nullopt;
    self[len] = 0;
    const std::string np = std::to_string(ranks), mib = std::to_string(std::max<std::uint64_t>(1, (max_bytes / ranks) >> 20));
    // Unbound: mpirun would bind each rank to one core, and its threads with it.
    std::vector<std::string> argv{"mpirun", "--oversubscribe", "--bind-to", "none", "-np", np};
    if (geteuid() == 0) argv.insert(argv.begin() + 1, "--allow-run-as-root");
    for (const std::string& a : {std::string(self), std::string("check"), spec_path,
                                 std::string("--policy"), policy, std::string("--no-write"),
                                 std::string("--stats"), std::string("--threads"), std::to_string(threads),
                                 std::string("--memory"), mib, std::string("--symmetry"), symmetry})
        argv.push_back(a);
    int fds[2];
    if (pipe(fds)) return why = "pipe failed", std::nullopt;
    std::cout << std::flush;
    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        dup2(fds[1], 2);
        const int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        close(fds[0]);
        std::vector<char*> args;
        for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp("mpirun", args.data());
        _exit(127);
    }
    close(fds[1]);
    std::string err;
    const auto start = std::chrono::steady_clock::now();
    bool killed = false;
    for (;;) {
        pollfd p{fds[0], POLLIN, 0};
        if (poll(&p, 1, 200) > 0) {
            char buf[4096];
            const ssize_t n = read(fds[0], buf, sizeof(buf));
            if (n <= 0) break;
            err.append(buf, static_cast<std::size_t>(n));
        }
        if (!killed && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >
                           seconds) {
            kill(-pid, SIGTERM);
            killed = true;
        }
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (killed) return why = fmt::format("not finished in {:.0f} s", seconds), std::nullopt;
    static const std::regex line(
        R"(: (\d+) states, (\d+) transitions, depth (\d+), ([0-9.]+) s, .* ([0-9.]+) B/state .* (\d+) bytes and (\d+) messages sent between ranks, [0-9.]+ bytes/state, (\d+) collectives per rank)");
    std::smatch m;
    if (!std::regex_search(err, m, line)) {
        const bool no_mpirun = WIFEXITED(status) && WEXITSTATUS(status) == 127;
        return why = no_mpirun ? "mpirun not found" : fmt::format("failed (exit {})", WEXITSTATUS(status)),
               std::nullopt;
    }
    MpiNumbers n;
    n.states = std::stoull(m[1]);
    n.transitions = std::stoull(m[2]);
    n.depth = std::stoull(m[3]);
    n.seconds = std::stod(m[4]);
    n.store_per_state = std::stod(m[5]);
    n.bytes_sent = std::stoull(m[6]);
    n.messages = std::stoull(m[7]);
    n.collectives = std::stoull(m[8]);
    return n;
}

}  // namespace cowpin
