// Scenario steps one at a time (MODEL.md §8, §10): a program for P0, stepped in order, each
// step's outcome said in words, for tests that a system call the kernel refuses or ignores
// changes nothing and says why.
#pragma once

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "checker/formats/spec.hpp"
#include "model/syscalls.hpp"
#include "tests/model_helpers.hpp"

namespace cowpin::test {

// P0's program, stepped in order under `policy` from the initial state: each step's outcome is
// "waits", "noop: <reason>" or "done".
struct Steps {
    CowModel model;
    State s;
    // `memory` "thp": P0's VMA is a PMD-mapped THP of two pages, one handle, two swap slots.
    Steps(const std::string& policy, const std::vector<std::string>& steps, int processes = 2,
          const std::string& memory = "base")
        : model(config(policy, steps, processes, memory)), s(model.initial()) {}

    static ModelConfig config(const std::string& policy, const std::vector<std::string>& steps,
                              int processes, const std::string& memory) {
        const bool thp = memory == "thp";
        std::string json = R"({"name": "p", "memory": ")" + memory +
                           R"(", "bounds": {"processes": )" + std::to_string(processes) +
                           (thp ? R"(, "pages": 2, "handles": 1, "swap_slots": 2})"
                                : R"(, "pages": 1, "handles": 2, "swap_slots": 1})") +
                           R"(, "programs": {"P0": [)";
        for (std::size_t i = 0; i < steps.size(); ++i)
            json += (i ? ", \"" : "\"") + steps[i] + "\"";
        json += R"(]}, "expect": {"default": "holds"}})";
        return parse_spec(json, "inline.json").model_config(test::policy(policy));
    }
    // Takes P0's next step.
    std::string next() {
        std::vector<Action> actions;
        model.actions(s, actions);
        for (const Action& a : actions) {
            if (!a.from_program() || a.proc != 0) continue;
            State n = s;
            StepEffects fx;
            if (!model.step(n, a, &fx)) return "waits";
            State x = n, y = s;
            x.program = y.program = cowpin::Program{};
            const bool changed = !(x == y);
            s = n;
            if (fx.noop != NoOp::none) {
                CHECK_FALSE(changed);
                return "noop: " + std::string(noop_reason(fx.noop));
            }
            return "done";
        }
        return "no step";
    }
    // Takes the next `n` steps, all of them taken and changing the state.
    void run(int n) {
        for (int i = 0; i < n; ++i) REQUIRE(next() == "done");
    }
};


}  // namespace cowpin::test
