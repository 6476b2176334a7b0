// How a trace's fields read in kernel words, the same in `explain` (text) and `draw` (a chart):
// names for frames and values that stay with them along the whole trace, page table entries, the
// policy decision a step took, and what a process or device sees next to what a correct OS would
// show.
//
// A trace's states are not canonicalized, but the model reuses a freed frame slot for the next
// allocation: after `swap_out v0` and `read v0` the new page may sit in slot 0 again, and read by
// slot the page swapped in would look like the page swapped out. Values are reused the same way:
// a store takes the first value nothing references any more, so a late write can be named x0, as
// if it were the initial data. So frames are named as the reproducer names them
// (checker/kernel/page_state.hpp): F1, F2, ... in order of allocation, a name kept while the slot
// stays in use and never given again; a slot that is free in one state and in use in the next
// holds a new frame. Values are named x0, x1, ... in order of appearance (the initial ones keep
// the trace's names); a value is new when its name was not referenced in the state before and is
// now (a store took a slot nothing referenced), or its writer changed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cowpin {

// A field's value as text: "none" for null, "yes"/"no", a string as is, a number as digits.
std::string scalar(const nlohmann::json& j);

class TraceNames {
public:
    // `trace` has replayed (replay.hpp): its initial_state and every step's state.
    explicit TraceNames(const nlohmann::json& trace);
    // The name of frame slot `slot` (a frame number as the trace writes it) in state `state`
    // (0 the initial state, i the state after step i): "F1". A slot not in use there reads as
    // the trace wrote it ("7?"), null as "none": replay has refused every trace with either.
    std::string frame(std::size_t state, const nlohmann::json& slot) const;
    // The name of value `value` ("x3" as the trace writes it) in state `state`: "x5"; null and
    // "none" read "none", a name not in use there as written with "?".
    std::string value(std::size_t state, const nlohmann::json& value) const;
    // How many frames and values the trace has, the initial ones included.
    std::size_t frames() const { return frame_count_; }
    std::size_t values() const { return value_count_; }

private:
    std::vector<std::vector<int>> frames_;  // per state, per slot: the frame's number, or -1
    std::vector<std::vector<int>> values_;  // per state, per value slot: the value's number, or -1
    std::size_t frame_count_ = 0, value_count_ = 0;
};

// A page's entry in kernel words, its frame named: "present(F1, R/O)", "swap(slot 0,
// exclusive)", "pmd(F2, writable)", "migration(F1, readable)", "none".
std::string pte_text(const nlohmann::json& pte, const TraceNames& names, std::size_t state);

// The outcomes a step's decision points took (`decisions`: decision_bit(), model/effects.hpp,
// as replay reports them), each with the kernel function that takes it and the policy's rule:
// "do_wp_page: reuse (write_fault: mapcount)". `rules` is the trace's policy_decisions.
std::vector<std::string> decision_texts(std::uint32_t decisions, const nlohmann::json& rules);

// What a process reads at a page of `state` (state number `i` of the trace), by name: the data
// of the frame its entry leads to, or for a swap entry the slot's cached frame, else the slot's
// data; "none" for no entry (view(P, v) of docs/semantics/state.md).
std::string seen_value(const nlohmann::json& state, std::size_t i, const nlohmann::json& page,
                       const TraceNames& names);
// What a correct OS would show a handle's device: its cell's value, the owner's ideal value at
// the address while attached, the detached cell's `expect` after.
std::string handle_ideal(const nlohmann::json& state, std::size_t i, const nlohmann::json& handle,
                         const TraceNames& names);
// What the device reads through the handle: the data of the frame it holds.
std::string handle_reads(const nlohmann::json& state, std::size_t i, const nlohmann::json& handle,
                         const TraceNames& names);
// Whether what the device reads breaks the handle's promise: a longterm pin must read its cell
// (pin_reliable), a get or short-term pin its baseline or a value written to its cell
// (get_no_leak).
bool handle_misreads(const nlohmann::json& state, const nlohmann::json& handle);

}  // namespace cowpin
