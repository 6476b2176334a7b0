// What `cowpin check` prints on stdout: one verdict line per (spec, policy), then the
// policy × scenario matrix in the tags of MODEL.md §7, then a summary. Logs go to stderr.
#pragma once

#include <string>
#include <vector>

#include "checker/run/run.hpp"

namespace cowpin {

// "vmsplice-unmap-in-child  linux-5.7  get_no_leak [4 steps]: Leak through ...  states=9 ..."
std::string verdict_line(const RunResult& r);
// The matrix: one row per spec, one column per policy checked; a cell that differs from the
// spec's expectation is marked with '!' and the expectation.
std::string verdict_matrix(const std::vector<RunResult>& results);

}  // namespace cowpin
