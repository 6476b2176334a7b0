// What `cowpin check` prints on stdout: one verdict line per (spec, policy), then the
// policy × scenario matrix in the tags of MODEL.md §7, then a summary. Logs go to stderr.
#pragma once

#include <string>
#include <vector>

#include "checker/run/run.hpp"

namespace cowpin {

// "vmsplice-unmap-in-child  linux-5.7  get_no_leak [4 steps]: Leak through ...  states=9 ..."
std::string verdict_line(const RunResult& r);
// One cell of the matrix: the run's verdict tags ("PE PR", "✓", "ST"), "!(tags)" where they
// differ from the spec's expectation, "?" where it has none, " (incomplete)" for a run a limit
// cut short, " ≤N" for a verdict up to a depth bound.
std::string matrix_cell(const RunResult& r);
// The matrix: one row per spec, one column per policy checked; a cell that differs from the
// spec's expectation is marked with '!' and the expectation.
std::string verdict_matrix(const std::vector<RunResult>& results);
// "11 checks, 10 as expected, 1 not" (", N without an expectation (?)", ", N incomplete",
// ", N refused" where there are any).
std::string summary_line(const std::vector<RunResult>& results, std::size_t refused);

}  // namespace cowpin
