// `cowpin check --bless`: the observed verdicts (and an exhaustive spec's exact state counts)
// written into a spec's text, and nothing else changed.
//
// Specs are formatted by hand, so the file is never re-dumped: each new value is spliced into the
// original text where the old one was (the byte range of that entry of "expect", "states" or
// "symmetric_states"), a new entry goes before "default" (or after the last entry), and a missing
// member goes after the last member of the file, formatted as the shipped specs are (the
// indentation of the neighbouring lines, one invariant per line). The result must read back, with
// parse_spec(), to exactly the observations, or nothing is blessed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/formats/spec.hpp"

namespace cowpin {

// What one complete run of the spec observed.
struct Observation {
    std::string policy;
    std::uint32_t verdict = 0;            // bit per Inv, and kStuckVerdict
    std::optional<std::uint64_t> states;  // the exact state count to record, if any
    bool symmetric = false;               // counted under process symmetry: "symmetric_states"
};

struct Blessing {
    std::string text;                  // the new file text (the old one if nothing changed)
    std::vector<std::string> changes;  // "expect.linux-5.9: holds -> [pin_reliable]"
};

// The spec's text (`text`, which parsed to `spec`) with every observation written in: an entry
// expect.<policy> where the spec expected something else (also where that came from "default",
// which stays for the others), and states.<policy> or symmetric_states.<policy> where a count is
// given. Throws SpecError naming the file if the text cannot be scanned or the result would not
// parse back to the observations (`extra_policies`: the policy files' names, as for parse_spec).
Blessing bless_spec_text(const std::string& text, const Spec& spec,
                         const std::vector<Observation>& observed,
                         const std::vector<std::string>& extra_policies = {});

// A verdict as specs write it: "holds", "stuck", or a list of invariant names (and "stuck"), one
// per line indented by `indent` plus two spaces, the closing bracket at `indent`.
std::string verdict_json(std::uint32_t verdict, const std::string& indent);
// A verdict for a change line: holds, stuck, [pin_reliable, stuck].
std::string verdict_brief(std::uint32_t verdict);

}  // namespace cowpin
