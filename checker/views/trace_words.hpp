// How a trace's fields read in kernel words, the same in `explain` (text) and `draw` (a chart):
// frame names that stay with a page along the whole trace, page table entries, the policy
// decision a step took, and what a process or device sees next to what a correct OS would show.
//
// A trace's states are not canonicalized, but the model reuses a freed frame slot for the next
// allocation: after `swap_out v0` and `read v0` the new page may sit in slot 0 again. Read by
// slot, the page swapped in would look like the page swapped out. So frames are named as the
// reproducer names them (checker/kernel/page_state.hpp): F1, F2, ... in order of allocation, a
// name kept while the slot stays in use and never given again; a slot that is free in one state
// and in use in the next holds a new frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cowpin {

// A field's value as text: "none" for null, "yes"/"no", a string as is, a number as digits.
std::string scalar(const nlohmann::json& j);

class FrameNames {
public:
    // `trace` has replayed (replay.hpp): its initial_state and every step's state.
    explicit FrameNames(const nlohmann::json& trace);
    // The name of frame slot `slot` (a frame number as the trace writes it) in state `state`
    // (0 the initial state, i the state after step i): "F1". A slot not in use there, or null,
    // reads as the trace wrote it ("7?", "none"): replay has refused every such trace.
    std::string name(std::size_t state, const nlohmann::json& slot) const;
    // How many frames the trace allocates, the initial ones included.
    std::size_t count() const { return count_; }

private:
    std::vector<std::vector<int>> names_;  // per state, per slot: the frame's number, or -1
    std::size_t count_ = 0;
};

// A page's entry in kernel words, its frame named: "present(F1, R/O)", "swap(slot 0,
// exclusive)", "pmd(F2, writable)", "migration(F1, readable)", "none".
std::string pte_text(const nlohmann::json& pte, const FrameNames& names, std::size_t state);

// The outcomes a step's decision points took (`decisions`: decision_bit(), model/effects.hpp,
// as replay reports them), each with the kernel function that takes it and the policy's rule:
// "do_wp_page: reuse (write_fault: mapcount)". `rules` is the trace's policy_decisions.
std::vector<std::string> decision_texts(std::uint32_t decisions, const nlohmann::json& rules);

// What process `process` reads at page `vaddr` in `state` (a trace state): the data of the frame
// its entry leads to, or for a swap entry the slot's cached frame, else the slot's data; "none"
// for no entry (MODEL.md §4, view(P, v); docs/semantics/state.md).
std::string seen_value(const nlohmann::json& state, const nlohmann::json& page);
// What a correct OS would show a handle's device: its cell's value, the owner's ideal value at
// the address while attached, the detached cell's `expect` after.
std::string handle_ideal(const nlohmann::json& state, const nlohmann::json& handle);
// What the device reads through the handle: the data of the frame it holds.
std::string handle_reads(const nlohmann::json& state, const nlohmann::json& handle);
// Whether what the device reads breaks the handle's promise: a longterm pin must read its cell
// (pin_reliable), a get or short-term pin its baseline or its cell (get_no_leak).
bool handle_misreads(const nlohmann::json& state, const nlohmann::json& handle);

}  // namespace cowpin
