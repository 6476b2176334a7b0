// `cowpin steps`: every program step and action family of the model, read off the model's own
// tables so that it cannot drift from them: the ops (model/action.hpp), the form each step takes
// (parse_step()'s own "takes the form"), where the spec parser accepts it (a program, the
// exhaustive form's "actions", a scenario's "environment") on which memory, and why not
// (parse_spec() and memory_refuses()), the GUP reference it takes under each policy (gup_kind()),
// and why a step can change nothing (noop_reason()). What each stands for and does in the kernel
// is the prose table of steps_doc.cpp, one entry per op (a missing one throws).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/views/doc_text.hpp"
#include "model/action.hpp"

namespace cowpin {

struct StepInfo {
    Op op = Op::write;
    std::string form;  // "pin ro|rw vN hK"
    // Per memory kind (base, thp, hugetlb): why the spec parser refuses the op there as a program
    // step, as an action family, as an environment action; nullopt where it accepts it.
    std::array<std::optional<std::string>, 3> step, family, environment;
    std::string family_range;  // what the exhaustive family ranges over
    std::string reference;     // the GUP reference it takes ("" if none), per policy
    std::string call;          // the system call or event it stands for
    std::string does;          // what it does, in kernel words
    std::vector<std::string> decisions;  // the decision points it may consult
};

// The prose of one op (step_prose.cpp): the call it stands for, what it does, the decision points
// it may consult (names of kDecisionNames), and, where the exhaustive family does not range over
// every page, what it ranges over. Throws std::logic_error for an op without an entry.
struct StepProse {
    std::string_view call, does;
    std::vector<std::string_view> decisions;
    std::string_view family_range = {};
};
StepProse step_prose(Op op);

// Every op, in enum order.
std::vector<StepInfo> step_table();

// The whole reference, as `cowpin steps` prints it.
std::string steps_document(DocFormat format);

}  // namespace cowpin
