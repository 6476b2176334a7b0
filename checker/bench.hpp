// `cowpin bench`: the exhaustive specs of specs/bench/ (growing bounds) under each policy they
// name, each run in its own process with a time and memory limit, as a table: states,
// transitions, seconds, transitions/s, bytes per state, peak RSS. The reference point is
// (2, 1, 2, 1) under linux-5.19, where a Murphi model of MODEL.md run by Rumur needs about 400 s
// on these machines (issue 5).
#pragma once

#include <cstdint>
#include <string>

namespace cowpin {

struct BenchOptions {
    std::string dir = "specs/bench";
    double seconds = 60;           // per run
    std::uint64_t memory_mib = 0;  // per run; 0 = half of RAM
};

// Prints the table to stdout; returns 0, or 2 on bad input.
int run_bench(const BenchOptions& options, std::uint64_t default_memory_bytes);

}  // namespace cowpin
