// The invariants of MODEL.md §5, checked in every reachable state.
//
// Each is a name (used by specs, traces and the CLI), a short tag for the verdict matrix, the
// message of a violation in the wording of tools/testing/selftests/mm/cow.c where one exists,
// and a predicate. refcounts_consistent comes first, as TypeOK does in a TLA+ spec: it catches
// modelling bugs before the semantic invariants report confusing counterexamples.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/policy.hpp"
#include "model/state.hpp"

namespace cowpin {

enum class Inv : std::uint8_t {
    refcounts_consistent,
    pinned_exclusive,
    writable_exclusive,
    anon_exclusive_sound,
    memory_private,
    pin_reliable,
    get_no_leak,
};
inline constexpr int kInvariants = 7;
inline constexpr std::uint32_t kAllInvariants = (1u << kInvariants) - 1;

struct InvariantInfo {
    std::string_view name;     // "pinned_exclusive"
    std::string_view tag;      // "PE", as in the MODEL.md §7 table
    std::string_view message;  // "Pinned page is shared"
};

const std::array<InvariantInfo, kInvariants>& invariant_table();
std::optional<Inv> find_invariant(std::string_view name);
std::string invariant_names();

// Only the shape's processes, pages, handles, slots and frames are looked at: past them a state
// holds defaults (StateSpans). The base-page search checks every new state, and a 544-byte
// State sized for 16 kB folios would otherwise cost it the loops over 4 pages and 28 frames.
bool invariant_holds(const State& s, Inv inv, const CowPolicy& policy,
                     const Shape& shape = Shape::full());

// What a correct OS shows a device through handle `h` (MODEL.md §2): its cell's value, the
// owner's ideal value at the address while attached, the detached cell's `expect` after.
std::uint8_t handle_expected(const State& s, const Handle& h);
// Whether what the device reads through `h` (its frame's data) breaks the handle's promise: a
// longterm pin must read handle_expected() (pin_reliable), a get or short-term pin the value it
// was taken on or one written through its own cell (get_no_leak).
bool handle_breaks_promise(const State& s, const Handle& h);

// The message for a state that violates `inv`: the cow.c wording, classified (leak direction,
// R/O or R/W pin), followed by where: "Leak from parent into child (P1 v0 reads P0's write)".
std::string violation_message(const State& s, Inv inv, const CowPolicy& policy);

}  // namespace cowpin
