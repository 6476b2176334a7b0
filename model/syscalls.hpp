// Program steps as system calls (MODEL.md §8 as revised, §10).
//
// A scenario step is the call (or event) a process makes, and it completes as that call does in
// the kernel of the policy's era: a request the kernel refuses or ignores is a step that changes
// nothing, recorded with its reason (MADV_PAGEOUT skips a pinned or shared page, mprotect of a
// swap entry changes nothing, a read of a present page reads it). Only what waits in the kernel
// waits: a fault (CPU access or GUP) on a migration entry, or on a swap entry whose swapcache
// page is under migration (migration_entry_wait()), and "wait Pn exited". The exhaustive form's
// action families keep their guards (ops.hpp can_*): there a refused action is no transition.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/action.hpp"
#include "model/effects.hpp"
#include "model/ops.hpp"
#include "model/state.hpp"

namespace cowpin {

// "MADV_PAGEOUT skips a pinned page" and so on.
std::string_view noop_reason(NoOp why);

// Applies program step `a` (a.from_program()) in place: false if it must wait (the state is then
// garbage), true if it was taken, having changed the state or not; a step that changed nothing
// records why in ctx.effects->noop.
bool program_step(State& s, const Action& a, const OpContext& ctx);

// mprotect(PROT_READ) then mprotect(PROT_READ|PROT_WRITE) of the process's whole VMA, as a step
// and as the exhaustive family (false if the process is not alive).
bool mprotect_vma(State& s, int proc, const OpContext& ctx);

}  // namespace cowpin
