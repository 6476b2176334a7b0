// Stuck executions of a scenario (MODEL.md §8): an execution that can no longer reach the end of
// every program. Found on the explored graph after the search, never inside it: a state is
// doomed when no complete state is reachable from it (successors recomputed per stored state, a
// backward search from the complete states). A stuck trace is the shortest path to a doomed
// state in which no program step can be taken, so that its last state shows who waits for what.
// States the search did not expand (beyond a depth bound) count as possibly finishing: a stuck
// verdict is never drawn from an unexplored future.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/engine/bfs.hpp"
#include "model/model.hpp"

namespace cowpin {

struct StuckReport {
    std::uint64_t complete = 0;  // states in which every program has ended
    std::uint64_t doomed = 0;    // states from which no complete state is reachable
    std::optional<engine::StateId> first;  // the lowest id of a doomed state with no program step
};

// `expanded_below`: ids below it were expanded (all of them for a finished search).
StuckReport find_stuck(const CowModel& model, const engine::Explorer<CowModel>& explorer,
                       std::size_t expanded_below);

// Whether no complete state is reachable from `s` (a canonical state of `model`), by a search
// from it; false if it runs past `max_states` without deciding. For replaying a stuck trace.
// Per stored state (by id), whether it is doomed: no complete state is reachable from it.
// `expanded_below` as for find_stuck().
std::vector<bool> doomed_states(const CowModel& model, const engine::Explorer<CowModel>& explorer,
                                std::size_t expanded_below);

// Whether some program step is enabled in `s`: a doomed state without one is where a stuck
// execution ends, every unfinished program waiting.
bool any_program_step(const CowModel& model, const State& s);

bool cannot_complete(const CowModel& model, const State& s, std::size_t max_states = 1000000);

// Why each unfinished program cannot go on in `s` (a raw or canonical state with no program
// step enabled): "P0 waits at 'wait P1 exited'; P1 waits at 'write v0' (migration entry)".
std::string stuck_message(const CowModel& model, const State& s);

}  // namespace cowpin
