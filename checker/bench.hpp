// `cowpin bench`: the exhaustive specs of specs/bench/ (growing bounds) under each policy they
// name, each run in its own process with a time and memory limit, once per thread count, as a
// table: states, transitions, seconds, states/s, transitions/s, bytes per state (and the packed
// state size), peak RSS. Rows whose runs all finish within kBenchRepeatBelow are run `repeat`
// times, thread counts alternating, and show each count's median run: a 5 s run on a shared VM
// can take 30% longer from one minute to the next. The reference point is (2, 1, 2, 1)
// under linux-5.19, where a Murphi model of MODEL.md run by Rumur needs about 400 s on these
// machines (issue 5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cowpin {

inline constexpr double kBenchRepeatBelow = 15;  // seconds

struct BenchOptions {
    std::string dir = "specs/bench";
    double seconds = 60;                 // per run
    std::uint64_t memory_mib = 0;        // per run; 0 = half of RAM
    std::vector<unsigned> threads{1, 2}; // a run per thread count
    bool compact = false;                // fingerprint mode
    std::optional<bool> symmetry;        // default: on (the specs are exhaustive)
    std::vector<std::string> only;       // spec names to run (all if empty)
    unsigned repeat = 5;                 // rounds for rows that finish within kBenchRepeatBelow
};

// Prints the table to stdout; returns 0, or 2 on bad input.
int run_bench(const BenchOptions& options, std::uint64_t default_memory_bytes);

}  // namespace cowpin
