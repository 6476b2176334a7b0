// `cowpin bench --ranks N`: the MPI rows, each a `mpirun -np N cowpin check --threads T` in a
// process group of its own, its numbers read back from the --stats line (checker/commands/check.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cowpin {

struct MpiNumbers {
    std::uint64_t states = 0, transitions = 0, depth = 0, bytes_sent = 0, messages = 0,
                  collectives = 0;
    double seconds = 0, store_per_state = 0;
};

// One MPI row: `mpirun -np N --bind-to none cowpin check SPEC --policy P --threads T --stats`,
// its numbers read back from the --stats line (checker/commands/check.cpp), stopped at the time
// limit. Each rank gets max_bytes / N.
std::optional<MpiNumbers> measure_mpi(const std::string& spec_path, const std::string& policy,
                                      unsigned ranks, unsigned threads, const std::string& symmetry,
                                      double seconds, std::uint64_t max_bytes, std::string& why);

}  // namespace cowpin
