// Coverage of a run, as Murphi and TLC report it: how often each action and each outcome of each
// decision point fired over the explored graph (one count per transition, recomputed from the
// stored states after the search, never inside it), and for a scenario, how often each program
// step was taken and how often it changed nothing.
//
// Warnings: a program step that no execution takes, and a decision point of interest that never
// fires. Of interest: for an exhaustive spec, every decision point its action families can reach
// (a point whose answer no family can ask is reported as out of reach, not warned about); for a
// scenario, the points its "exercises" field names.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine/bfs.hpp"
#include "checker/formats/spec.hpp"
#include "model/effects.hpp"
#include "model/model.hpp"

namespace cowpin {

struct ProgramStepCount {
    std::uint64_t taken = 0;  // transitions that take the step
    std::uint64_t noop = 0;   // of those, the ones that changed nothing
    NoOp reason = NoOp::none; // why, the first time
};

struct Coverage {
    std::array<std::uint64_t, kOps> actions{};  // enabled transitions per op
    std::array<std::array<std::uint64_t, 2>, kDecisionPoints> decisions{};  // per point, outcome
    std::array<std::vector<ProgramStepCount>, kMaxProcs> steps;  // scenario: per process, step
    std::uint32_t of_interest = 0;  // bit per Decision
    std::uint32_t reachable = 0;    // bit per Decision a family or step can consult
};

// The decision points a spec's steps, families and environment can consult under `policy`.
std::uint32_t reachable_decisions(const Spec& spec, const CowPolicy& policy);

Coverage measure_coverage(const Spec& spec, const CowModel& model,
                          const engine::Explorer<CowModel>& explorer);

// "write_fault", "gup_read_pin", ... (the policy file's keys), and each point's two outcomes.
std::string_view decision_name(Decision d);
std::string_view outcome_name(Decision d, bool second);

// The coverage block `check --coverage` prints after a run's verdict line.
std::string coverage_text(const Spec& spec, const CowPolicy& policy, const Coverage& c);
// One line each: a program step no execution takes, a decision point of interest that never
// fires.
std::vector<std::string> coverage_warnings(const Spec& spec, const CowPolicy& policy,
                                           const Coverage& c);

}  // namespace cowpin
