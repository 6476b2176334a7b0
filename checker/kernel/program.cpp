// Building and running one reproducer: the system compiler in a temporary directory, then the
// program under `timeout`, its KTAP output counted (values, page state, skips).
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "checker/kernel/machine.hpp"
#include "checker/kernel/reproduce.hpp"

namespace cowpin {

namespace fs = std::filesystem;

BuiltProgram build_program(const std::string& source) {
    BuiltProgram b;
    char tmpl[] = "/tmp/cowpin-reproduce-XXXXXX";
    if (!mkdtemp(tmpl)) {
        b.output = "cannot create a temporary directory";
        return b;
    }
    b.dir = tmpl;
    std::ofstream(fs::path(b.dir) / "prog.c") << source;
    const std::string log = b.dir + "/cc.txt";
    // -O0: the program's behaviour does not depend on it, and it builds in half the time.
    const int st = run_command("cc -std=gnu11 -Wall -Werror -O0 " + b.dir + "/prog.c -o " +
                               b.dir + "/prog -luring > " + log + " 2>&1");
    std::ifstream in(log);
    std::ostringstream text;
    text << in.rdbuf();
    b.output = text.str();
    b.ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    return b;
}

ProgramRun run_program(const BuiltProgram& b) {
    ProgramRun r;
    if (!b.ok) {
        r.exit_code = 2;
        r.output = b.output;
        if (!b.dir.empty()) fs::remove_all(b.dir);
        return r;
    }
    const std::string log = b.dir + "/out.txt";
    // --foreground: the program stays in this process group, which an interrupt kills whole.
    const int st = run_command("timeout --foreground 20 " + b.dir + "/prog > " + log + " 2>&1");
    r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    std::ifstream in(log);
    std::ostringstream text;
    text << in.rdbuf();
    r.output = text.str();
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("ok ", 0) == 0 && line.find(" # SKIP ") != std::string::npos)
            ++r.skipped_observations, r.observation_skip = line.substr(line.find(" # SKIP ") + 8);
        else if (line.rfind("ok ", 0) == 0)
            ++r.observations, ++r.agree;
        if (line.find(" page state after step ") != std::string::npos &&
            line.find(" # SKIP ") == std::string::npos)
            ++r.page_states, r.page_state_disagree += line.rfind("not ok ", 0) == 0;
        if (line.rfind("not ok ", 0) == 0) ++r.observations, ++r.disagree;
        if (line.rfind("# SKIP ", 0) == 0) r.skipped = line.substr(7);
    }
    fs::remove_all(b.dir);
    return r;
}

ProgramRun build_and_run(const std::string& source) { return run_program(build_program(source)); }

}  // namespace cowpin
