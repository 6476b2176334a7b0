// A state of the model as the lines of a graph node, in kernel words, and the legend that says
// what each line means (`cowpin graph`, whole graph and --trace).
//
// Each page of each process shows its entry, the value the process reads there and the value a
// correct OS would show (its ideal), with "≠" where they differ: the leak or the lost write
// itself. Frames show mapcount, refcount, pins, gets and anon_exclusive; handles what the device
// reads next to what it should. Frames are named F1, F2, ... along a path as `explain` names
// them: in order of allocation, a name kept while the frame stays in use and never given again,
// so a page swapped back in or copied at a write fault is a new frame, not an old slot number.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace cowpin {

// The names of the frames of one state: names[slot] is N for "FN", 0 for a slot not in use.
using FrameNames = std::array<int, kMaxFrames>;

// Frame names along a path of raw states (CowModel::step, never canonicalized): states[0] names
// its frames F1, F2, ... in slot order; in each next state a slot in use before and now keeps
// its name (no single step frees a frame and takes its slot again: a COW copy, collapse and
// migration allocate before they free), and a slot newly in use gets the next unused number.
std::vector<FrameNames> path_frame_names(const std::vector<State>& states);

// "F2", or "frame 7?" for a slot `names` does not name (a model bug: nothing refers to a free
// frame).
std::string frame_word(const FrameNames& names, int slot);

// An action as explain's step line reads it ("P0 write v0", "kernel migrate_start F1"), a frame
// action's frame named in the state it is taken from.
std::string action_words(const Action& a, const FrameNames& names);

// What the lines of one state mention, for a legend that explains only what a graph shows.
struct Mentions {
    bool swap = false, handles = false, values = false, programs = false, differs = false;
    Mentions& operator|=(const Mentions& o);
};

// The lines of a node: one per page of each live process ("P0 v0: present(F1, writable) reads
// x1, ideal x1"), one per process flag, frame, swap slot and handle, the values written so far
// and who wrote them, and in a scenario the next step of each program.
std::vector<std::string> state_lines(const State& s, const CowModel& model, const FrameNames& names,
                                     Mentions* mentions = nullptr);

// The legend: what each kind of line and each mark means. `trace`: a --trace graph (the path
// and the alternatives not taken), else the whole graph.
std::vector<std::string> legend_lines(const Mentions& mentions, bool trace, bool anon_exclusive);

}  // namespace cowpin
