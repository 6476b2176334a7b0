// libFuzzer target: a trace as `cowpin replay TRACE` and `cowpin explain TRACE` read it (format
// version 4, checker/run/replay.hpp): replay_trace() re-derives every field from the spec the
// trace carries, and a trace that reproduces is then printed by explain_trace() with the
// decisions replay reported, as checker/commands/explain.cpp does. Both commands take a path, so
// each input is written to this process's own file, <tmp>/cowpin-fuzz-trace-PID/trace.json.
//
// replay_trace() reports bad input as exit code 2 with a message; a SpecError escaping either
// call is what main() turns into exit 2, so it is caught here too. Anything else (an exception
// from nlohmann, say, on a trace replay let through) escapes and is a crash, as it would abort
// the command line.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "checker/formats/spec.hpp"
#include "checker/run/replay.hpp"
#include "checker/run/trace.hpp"
#include "checker/views/explain.hpp"
#include "fuzz/fuzz_common.hpp"
#include "fuzz/json_mutator.hpp"

namespace {

namespace fs = std::filesystem;

// The per-process directory, removed when the fuzzer exits normally.
struct Scratch {
    fs::path dir, trace;
    Scratch() {
        dir = fs::temp_directory_path() / fmt::format("cowpin-fuzz-trace-{}", ::getpid());
        fs::remove_all(dir);
        fs::create_directories(dir);
        trace = dir / "trace.json";
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

}  // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
    return cowpin::fuzz::mutate_json(data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cowpin;
    static const Scratch scratch;
    {
        std::ofstream out(scratch.trace, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    const std::string path = scratch.trace.string();
    std::string out;
    try {
        // `cowpin replay`: exit 0, 1 or 2, with notes and one message line.
        const ReplayOutcome r = replay_trace(path);
        if (r.exit_code != 0) fuzz::require_one_line(r.message);
        out = r.notes + r.message;
        // `cowpin explain`: only a trace that reproduces is printed.
        if (r.exit_code == 0) out += explain_trace(load_trace(path), r.decisions);
    } catch (const SpecError& e) {
        // Bad input: the CLI prints one line and exits 2.
        fuzz::require_one_line(e.what());
    }
    // Keep `out` alive to here so nothing above is optimised away.
    asm volatile("" : : "r"(out.data()) : "memory");
    return 0;
}
