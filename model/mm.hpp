// Internal to the model: the common mechanics of MODEL.md §1 (allocation, reference counting,
// the swapcache, the ideal world of §2) and the faults every action goes through (do_wp_page,
// do_swap_page). The actions themselves are in ops.cpp. States here are un-canonicalized.
#pragma once

#include <cstdint>

#include "model/ops.hpp"
#include "model/state.hpp"

namespace cowpin::mm {

// Allocation and reference counting.
std::uint8_t alloc_frame(State& s);
std::uint8_t alloc_value(State& s, std::uint8_t cell, std::uint8_t writer);
void maybe_free_slot(State& s, std::uint8_t slot);
void put_frame(State& s, std::uint8_t frame);
void forget_if_only_isolated(State& s, std::uint8_t frame);
void delete_from_swap_cache(State& s, std::uint8_t frame);
void try_to_free_swap(State& s, std::uint8_t frame);
void free_swap_cache(State& s, std::uint8_t frame);
void write_back_and_free(State& s, std::uint8_t frame);
void map_present(State& s, Pte& pte, std::uint8_t frame, bool writable);
bool referenced_by_others(const State& s, std::uint8_t frame, int proc);
bool may_unmap(MayUnmap rule, const Frame& fr);
// zap_pte_range() of one PTE (munmap, exit, and a collapse's old PTEs).
void zap_pte(State& s, Pte& pte);

// The ideal world.
void store(State& s, int proc, int vaddr, std::uint8_t value);
void detach_cell(State& s, int proc, int vaddr, int values);

// Faults.
void wp_page_copy(State& s, int proc, Pte& pte, bool unshare, const OpContext& ctx);
void wp_fault(State& s, int proc, int vaddr, bool unshare, const OpContext& ctx);
bool swap_entry_waits(const State& s, const Pte& pte);
void swap_in(State& s, int proc, int vaddr, bool write, const OpContext& ctx);
bool fault_in(State& s, int proc, int vaddr, bool write, const OpContext& ctx);

}  // namespace cowpin::mm
