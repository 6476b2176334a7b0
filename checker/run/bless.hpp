// `cowpin check --bless`: after the runs, each checked spec's file gets the verdicts its complete
// runs observed (and an exhaustive spec its exact state counts), through bless_spec_text()
// (checker/formats/spec_bless.hpp), written atomically (a temporary file beside it, then a
// rename). A run a limit cut short proves no verdict: its entry is left alone, and said so.
#pragma once

#include <string>
#include <vector>

#include "checker/formats/spec.hpp"
#include "checker/run/run.hpp"

namespace cowpin {

// Before any run: a spec without "expect" can only be blessed for every policy it checks at
// once, since an "expect" must name each of them (or give a "default"). Throws SpecError naming
// the spec when `planned` (the policies this run checks it under) leaves one of them out.
void check_blessable(const Spec& spec, const std::vector<const CowPolicy*>& planned);

struct BlessOutcome {
    std::vector<std::string> lines;  // what changed, per spec and entry; what was not blessed
    bool incomplete = false;         // a run was incomplete: its entry was left alone
    bool refuted = false;            // ... and it refuted its expectation all the same
};

// Blesses every spec of `specs` from the results of its runs (`results`, as `check` collects
// them). `extra_policies`: the policy files' names. With `write` false, nothing is written and
// the lines say what would change. Throws SpecError if a spec's file changed since it was read.
BlessOutcome bless_specs(const std::vector<Spec>& specs, const std::vector<RunResult>& results,
                         const std::vector<std::string>& extra_policies, bool write);

}  // namespace cowpin
