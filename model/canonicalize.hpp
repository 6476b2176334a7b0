// Internal to the model: the renumbering both canonical forms share (canonicalize.cpp), which
// process symmetry (symmetry.cpp) runs after renaming the processes.
#pragma once

#include <array>
#include <cstdint>

#include "model/state.hpp"

namespace cowpin {

// Whether a value's writer names no live process (an exited one, or no slot at all).
inline bool dead_writer(const State& s, std::uint8_t writer) {
    return writer != kNone && (writer >= kMaxProcs || !s.procs[writer].alive);
}

// canonicalize(); with forget_dead_writers, values whose writer is not a live process also
// forget it (canonicalize_symmetric()).
void canonicalize_values(State& s, const Shape& shape,
                         std::array<std::uint8_t, kMaxFrames>* frame_map, bool forget_dead_writers);

}  // namespace cowpin
