// libFuzzer target: a trace as `cowpin replay TRACE` and `cowpin explain TRACE` read it. Both take
// a path, so each input is written to this process's own file, <tmp>/cowpin-fuzz-trace-PID/
// counterexamples/trace.json, beside a link to the source tree's specs/: a trace naming
// "specs/x.json" finds the spec there, as a checked-in counterexample does.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "checker/formats/spec.hpp"
#include "fuzz/json_mutator.hpp"
#include "checker/run/trace.hpp"
#include "checker/views/explain.hpp"

namespace {

namespace fs = std::filesystem;

// The per-process directory, removed when the fuzzer exits normally.
struct Scratch {
    fs::path dir, trace;
    Scratch() {
        dir = fs::temp_directory_path() / fmt::format("cowpin-fuzz-trace-{}", ::getpid());
        fs::remove_all(dir);
        fs::create_directories(dir / "counterexamples");
        fs::create_directory_symlink(fs::path(COWPIN_SOURCE_DIR) / "specs", dir / "specs");
        trace = dir / "counterexamples" / "trace.json";
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
    // `cowpin replay`: exit 0, 1 or 2 with a message (main() turns a SpecError into exit 2).
    std::string out;
    try {
        out = replay_trace(path).message;
    } catch (const SpecError&) {
    }
    // `cowpin explain`: load_trace() throws SpecError on bad input; explain_trace() may throw
    // nlohmann's exceptions on a trace that is not complete, which the command turns into a
    // SpecError (checker/commands/explain.cpp).
    try {
        const nlohmann::json t = load_trace(path);
        try {
            out += explain_trace(t);
        } catch (const nlohmann::json::exception&) {
        }
    } catch (const SpecError&) {
    }
    asm volatile("" : : "r"(out.data()) : "memory");
    return 0;
}
