// Never lose or garble a result (issue 22): an output path that cannot be written is refused
// before any run (exit 2, one line, nothing printed or written); an interrupted run leaves no
// partial file; a run cut short by a limit writes no trace and removes none; a complete run
// names the stale traces it finds and leaves them; a number out of range on the command line is
// refused, never wrapped. End to end through the built binary (cli_helpers.hpp), and
// write_file_atomically() and SignalCleanup in this process.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/formats/output_file.hpp"
#include "tests/cli_helpers.hpp"

namespace {

using namespace cli_test;
namespace fs = std::filesystem;

const std::string kFork = "specs/fork-with-rw-longterm-pin.json";  // 11 policies, 8 traces

// The names of the files in `dir` that contain `part`.
std::vector<std::string> names_with(const fs::path& dir, std::string_view part) {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(dir))
        if (has(e.path().filename().string(), part)) found.push_back(e.path().filename().string());
    return found;
}

// `cowpin check SPEC --out OUT`, sent `sig` the moment its first temporary trace file exists in
// OUT: the main thread runs under ptrace, stopping at each system call, and the first stop that
// finds a "*.json.tmp*" file in OUT (just after the open() that created it) resumes it with
// `sig`, before it writes a byte. Returns the wait status.
int check_interrupted_while_writing(const std::string& spec, const fs::path& out, int sig,
                                    const TempDir& tmp) {
    fs::create_directories(out);
    const std::string err = tmp / "io/interrupted.err";
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int null = open("/dev/null", O_WRONLY);
        const int errfd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(null, 1);
        dup2(errfd, 2);
        if (chdir(kSource.c_str()) != 0 || ptrace(PTRACE_TRACEME, 0, nullptr, nullptr) != 0)
            _exit(126);
        execl(kBinary.c_str(), "cowpin", "check", spec.c_str(), "--out", out.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);  // stopped at exec
    REQUIRE_MESSAGE(WIFSTOPPED(status), "ptrace is not allowed here");
    ptrace(PTRACE_SETOPTIONS, pid, nullptr, PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL);
    auto tmp_file_written = [&] { return !names_with(out, ".json.tmp").empty(); };
    bool sent = false;
    int pass_on = 0;  // a signal the traced thread got, delivered as it resumes
    while (ptrace(PTRACE_SYSCALL, pid, nullptr, pass_on) == 0 && waitpid(pid, &status, 0) == pid &&
           WIFSTOPPED(status)) {
        pass_on = WSTOPSIG(status) == (SIGTRAP | 0x80) ? 0 : WSTOPSIG(status);
        if (pass_on == 0 && tmp_file_written()) {
            sent = ptrace(PTRACE_DETACH, pid, nullptr, sig) == 0;
            break;
        }
    }
    if (!sent) kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    REQUIRE_MESSAGE(sent, "no temporary trace file appeared in " << out.string());
    return status;
}

}  // namespace

TEST_CASE("check --out naming a regular file exits 2 with one line, before any verdict, and leaves the file alone") {
    TempDir tmp("out-file");
    write_file(tmp.path / "afile", "mine\n");
    const Run r = cli_test::cowpin(fmt::format("check {} --out {}", kFork, quote(tmp / "afile")), tmp);
    CHECK(r.code == 2);
    CHECK(r.out == "");
    CHECK(r.err == fmt::format("cowpin: --out {}: not a directory (expected a directory to write "
                               "into)\n", tmp / "afile"));
    CHECK(read_file(tmp.path / "afile") == "mine\n");
}

TEST_CASE("check and compare with an --out that cannot be created exit 2 with one line naming it and print no verdict") {
    TempDir tmp("out-unwritable");
    write_file(tmp.path / "afile", "mine\n");
    const std::string under_file = tmp / "afile/traces";
    const Run check = cli_test::cowpin(fmt::format("check {} --out {}", kFork, quote(under_file)), tmp);
    CHECK(check.code == 2);
    CHECK(check.out == "");
    CHECK(check.err == fmt::format("cowpin: --out {}: cannot create the directory: Not a "
                                   "directory\n", under_file));
    const Run compare = cli_test::cowpin(fmt::format("compare {} --out {}", kFork, quote(under_file)), tmp);
    CHECK(compare.code == 2);
    CHECK(compare.out == "");
    CHECK(compare.err == check.err);
    // /proc takes no directories, even from root.
    const Run proc = cli_test::cowpin(fmt::format("check {} --out /proc/cowpin-out", kFork), tmp);
    CHECK(proc.code == 2);
    CHECK(proc.out == "");
    CHECK(proc.err.rfind("cowpin: --out /proc/cowpin-out: cannot create the directory: ", 0) == 0);
    CHECK(count_lines(proc.err) == 1);
}

TEST_CASE("reproduce and graph with -o naming a directory or a device exit 2 before any work and leave no temporary file") {
    TempDir tmp("out-dir");
    fs::create_directories(tmp.path / "dir");
    const std::string dir = tmp / "dir";
    const Run rep = cli_test::cowpin(fmt::format("reproduce specs/basic-cow-after-fork.json -o {}", quote(dir)), tmp);
    CHECK(rep.code == 2);
    CHECK(rep.out == "");
    CHECK(rep.err == fmt::format("cowpin: -o {}: is a directory (expected a file to write)\n", dir));
    const Run graph = cli_test::cowpin(fmt::format("graph {} --policy linux-5.7 -o {}", kFork, quote(dir)), tmp);
    CHECK(graph.code == 2);
    CHECK(graph.err == rep.err);
    // Renamed over, a FIFO (or /dev/null, as root) would become a regular file.
    const std::string fifo = tmp / "fifo";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    const Run dev = cli_test::cowpin(fmt::format("graph {} --policy linux-5.7 -o {}", kFork, quote(fifo)), tmp);
    CHECK(dev.code == 2);
    CHECK(dev.err == fmt::format("cowpin: -o {}: not a regular file (expected a file cowpin may "
                                 "replace whole)\n", fifo));
    CHECK(fs::is_fifo(fifo));
    const Run nodir = cli_test::cowpin(fmt::format("reproduce specs/basic-cow-after-fork.json -o {}",
                                         quote(tmp / "missing/prog.c")), tmp);
    CHECK(nodir.code == 2);
    CHECK(nodir.err == fmt::format("cowpin: -o {}: no directory {} to write it in\n",
                                   tmp / "missing/prog.c", tmp / "missing"));
    CHECK(names_with(tmp.path, ".tmp").empty());
    CHECK(fs::is_empty(tmp.path / "dir"));
}

TEST_CASE("a check interrupted by SIGINT or SIGTERM while writing a trace ends by that signal and leaves no temporary file") {
    TempDir tmp("interrupted");
    for (const int sig : {SIGINT, SIGTERM}) {
        CAPTURE(sig);
        const fs::path out = tmp.path / fmt::format("out-{}", sig);
        const int status = check_interrupted_while_writing(kFork, out, sig, tmp);
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) == sig);  // the shell reports 130 or 143
        CHECK(names_with(out, ".tmp") == std::vector<std::string>{});
        for (const auto& file : snapshot(out)) {  // what was renamed into place is whole
            const auto& name = file.first;  // not a binding: CAPTURE()'s lambda (clang 14)
            const auto& bytes = file.second;
            CAPTURE(name);
            CHECK(nlohmann::json::parse(bytes)["format"] == "cowpin-trace");
        }
    }
}

TEST_CASE("a run cut short by --max-states writes no trace, removes none, and says so under the summary") {
    TempDir tmp("incomplete");
    const fs::path out = tmp.path / "out";
    for (const auto& e : fs::directory_iterator(kSource / "counterexamples"))
        if (e.path().filename().string().rfind("fork-with-rw-longterm-pin.", 0) == 0)
            write_file(out / e.path().filename(), read_file(e.path()));
    write_file(out / "fork-with-rw-longterm-pin.linux-6.18.pin_reliable.json", "{}\n");
    const auto before = snapshot(out);
    REQUIRE(before.size() == 9);
    const Run r = cli_test::cowpin(fmt::format("check {} --max-states 2 --out {}", kFork, quote(out.string())), tmp);
    CHECK(r.code == 4);
    CHECK(ends_with(r.out, "\n11 checks, 0 as expected, 0 not, 11 incomplete\n"
                           "no traces written for the 11 incomplete runs: a run cut short by a "
                           "limit writes none\n"));
    CHECK(r.err == "");  // and no stale-trace warning: an incomplete run judges no trace
    CHECK(snapshot(out) == before);
    // --no-write asks for nothing, so nothing is said.
    const Run quiet = cli_test::cowpin(fmt::format("check {} --max-states 2 --no-write", kFork), tmp);
    CHECK(ends_with(quiet.out, "\n11 checks, 0 as expected, 0 not, 11 incomplete\n"));
}

TEST_CASE("a run past check --seconds stops as incomplete, exit 4, and --stats still prints its levels") {
    TempDir tmp("seconds");
    // (3, 1, 2, 1) takes minutes on this machine: one second of it is a few levels.
    const Run r = cli_test::cowpin("check specs/bench/bench-pins-3121.json --policy linux-5.19 "
                                   "--threads 1 --seconds 1 --no-write --stats", tmp);
    CHECK(r.code == 4);
    CHECK(has(r.out, "INCOMPLETE (time limit reached after "));
    CHECK(ends_with(r.out, "\n1 checks, 0 as expected, 0 not, 1 incomplete\n"));
    CHECK(has(r.err, "\n  levels: 1 8 30 162 802 3418 "));
}

TEST_CASE("compare --out writes no witness of a run cut short by a depth bound, and its table says so") {
    TempDir tmp("compare-incomplete");
    const fs::path out = tmp.path / "out";
    const std::string args = fmt::format("compare specs/write-after-swap-in.json --policies linux-5.9 "
                                         "--out {} --bound depth=", quote(out.string()));
    const Run cut = cli_test::cowpin(args + "3", tmp);
    CHECK(cut.code == 0);
    CHECK(has(cut.out, "\n  needless witness    3 steps (incomplete run: not written)\n"));
    CHECK(fs::is_empty(out));
    const Run whole = cli_test::cowpin(args + "4", tmp);
    CHECK(has(whole.out, "\n  needless witness    3 steps\n"));
    CHECK(names_with(out, "") == std::vector<std::string>{"write-after-swap-in.linux-5.9.needless_copy.json"});
}

TEST_CASE("a complete run leaves a stale trace of its spec and policy in place and warns once per file") {
    TempDir tmp("stale");
    const fs::path out = tmp.path / "out";
    const std::string stale = "fork-with-rw-longterm-pin.linux-6.18.pin_reliable.json";
    write_file(out / stale, "{}\n");
    write_file(out / "fork-with-rw-longterm-pin.linux-6.18.needless_copy.json", "{}\n");  // compare's
    write_file(out / "fork-with-rw-longterm-pin-dontfork.linux-6.18.pin_reliable.json", "{}\n");
    const Run r = cli_test::cowpin(fmt::format("check {} --out {}", kFork, quote(out.string())), tmp);
    CHECK(r.code == 0);
    CHECK(r.err == fmt::format("[warning] stale counterexample {}: this run found no such trace; "
                               "left in place\n", (out / stale).string()));
    const auto after = snapshot(out);
    CHECK(after.size() == 3 + 8);
    CHECK(after.at(stale) == "{}\n");
}

TEST_CASE("negative, overflowing and non-decimal numbers on the command line exit 2 with one line naming the option") {
    TempDir tmp("numbers");
    struct Case {
        std::string args, line;
    };
    const std::string fork = kFork + " --no-write";
    const std::string bench = "bench " + quote(tmp / "no-specs");  // nothing to time, if accepted
    fs::create_directories(tmp.path / "no-specs");
    const std::string c_file = quote(tmp / "x.c"), dot_file = quote(tmp / "g.dot");
    const std::vector<Case> cases = {
        {"check " + fork + " --max-states -5",
         "--max-states: expected a whole number from 0 to 2^64 - 1 (0: no limit), got '-5'"},
        {"check " + fork + " --max-states 18446744073709551616",
         "--max-states: expected a whole number from 0 to 2^64 - 1 (0: no limit), got "
         "'18446744073709551616'"},
        {"check " + fork + " --max-states 0x10",
         "--max-states: expected a whole number from 0 to 2^64 - 1 (0: no limit), got '0x10'"},
        {"check " + fork + " --memory 17592186044416",  // 2^44 MiB: << 20 would be 0, no cap
         "--memory: expected a whole number from 0 to 17592186044415 (0: half of RAM), got "
         "'17592186044416'"},
        {"check " + fork + " --threads -1",
         "--threads: expected a whole number from 0 to 1024 (0: every core), got '-1'"},
        {bench + " --memory -1",
         "--memory: expected a whole number from 0 to 17592186044415 (0: half of RAM), got '-1'"},
        {bench + " --seconds -1",
         "--seconds: expected a number of seconds above 0 and at most 1000000, got '-1'"},
        {bench + " --seconds nan",
         "--seconds: expected a number of seconds above 0 and at most 1000000, got 'nan'"},
        {"check " + fork + " --seconds 0",
         "--seconds: expected a number of seconds above 0 and at most 10000000, got '0'"},
        {bench + " --threads 1,-2", "--threads: expected a whole number from 1 to 1024, got '-2'"},
        {bench + " --repeat 4294967297", "--repeat: expected a whole number from 1 to 100, got "
                                      "'4294967297'"},
        {"reproduce " + kFork + " --interleaving -1 -o " + c_file,
         "--interleaving: expected a whole number from 1 to 2^64 - 1, got '-1'"},
        {"reproduce " + kFork + " --sample -3 -o " + c_file,
         "--sample: expected a whole number from 1 to 2^64 - 1, got '-3'"},
        {"graph " + kFork + " --policy linux-5.7 -o " + dot_file + " --max-states -1",
         "--max-states: expected a whole number from 1 to 2^64 - 1, got '-1'"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.args);
        const Run r = cli_test::cowpin(c.args, tmp);
        CHECK(r.code == 2);
        CHECK(r.out == "");
        CHECK(r.err.substr(0, r.err.find('\n')) == c.line);
    }
    CHECK_FALSE(fs::exists(tmp.path / "x.c"));
    CHECK_FALSE(fs::exists(tmp.path / "g.dot"));
    // A leading zero is decimal, not octal (which has no 9).
    const Run nine = cli_test::cowpin("check " + fork + " --policy linux-5.7 --max-states 09", tmp);
    CHECK(nine.err == "");
    CHECK(nine.code == 0);
}

TEST_CASE("write_file_atomically replaces a file whole, and an unwritable path is an OutputError naming it") {
    TempDir tmp("atomic");
    const std::string path = tmp / "x.txt";
    write_file(path, "old\n");
    cowpin::write_file_atomically(path, "new\n");
    CHECK(read_file(path) == "new\n");
    CHECK(names_with(tmp.path, ".tmp").empty());
    CHECK_THROWS_WITH_AS(cowpin::write_file_atomically(tmp / "missing/x.txt", "x"),
                         (tmp / "missing/x.txt" + ": cannot write: No such file or directory").c_str(),
                         cowpin::OutputError);
    CHECK_THROWS_WITH_AS(cowpin::write_file_atomically(tmp / "io", "x"),
                         (tmp / "io" + ": is a directory (expected a file to write)").c_str(),
                         cowpin::OutputError);
}

TEST_CASE("a SignalCleanup hook runs, newest first, when SIGTERM ends the process, and a removed one does not") {
    TempDir tmp("hook");
    const std::string marker = tmp / "marker";
    write_file(marker, "");
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        cowpin::install_signal_cleanup();
        static std::string path = marker;
        auto append = [](void* text) {
            const int fd = open(path.c_str(), O_WRONLY | O_APPEND);
            (void)!write(fd, text, strlen(static_cast<char*>(text)));
            close(fd);
        };
        static char first[] = "first\n", second[] = "second\n", gone[] = "gone\n";
        cowpin::SignalCleanup a(append, first);
        cowpin::SignalCleanup b(append, second);
        { cowpin::SignalCleanup c(append, gone); }
        raise(SIGTERM);
        _exit(0);  // not reached
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGTERM);
    CHECK(read_file(marker) == "second\nfirst\n");
}
