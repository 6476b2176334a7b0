// Needless-copy accounting (MODEL.md §5 "also measured"; the paper's RelCOP vs PreCOP claim).
//
// A COW copy or unshare is needless when no other process maps or references the frame at that
// moment (ops.cpp, wp_page_copy()). For a scenario the analysis reports the minimum and maximum
// number of copies, and of needless copies, over all complete executions; for any spec, whether
// a needless copy is reachable at all, with a shortest witness: a path whose last step makes
// one, re-executed through the model like a counterexample. The edge scan runs on the store of
// the same exploration that gives the verdicts, after it, never inside it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "checker/run/run.hpp"

namespace cowpin {

struct CopyRange {
    std::uint64_t min = 0, max = 0;
};

struct CopyReport {
    RunResult run;                          // the verdicts, as `check` reports them
    std::optional<CopyRange> copies;        // scenarios with a complete execution
    std::optional<CopyRange> needless;
    std::optional<Counterexample> witness;  // shortest path ending in a needless copy
    std::uint64_t needless_edges = 0;       // transitions that copy needlessly
};

// A witness's message: "Needless copy: P0 write v0 copies a page ...".
std::string needless_copy_message(const Action& last_step);

CopyReport analyze_copies(const Spec& spec, const CowPolicy& policy, const RunOptions& options = {});

}  // namespace cowpin
