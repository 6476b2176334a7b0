// The actions of MODEL.md §3, one function per kernel operation (the mechanics and faults they
// share are in mm.hpp: mm.cpp and faults.cpp).
//
// Each function applies one atomic kernel operation to a state in place and returns false when
// the action is not enabled (the state is then garbage and must be discarded). Decision points
// are delegated to the CowPolicy; everything else is the common mechanics. The state is left
// un-canonicalized: the caller canonicalizes once.
#pragma once

#include <cstdint>

#include "model/action.hpp"
#include "model/effects.hpp"
#include "model/policy.hpp"
#include "model/state.hpp"

namespace cowpin {

struct OpContext {
    const CowPolicy& policy;
    int swap_slots = kMaxSlots;      // bound: slots swap_out may allocate
    StepEffects* effects = nullptr;  // optional
    Memory memory = Memory::base;    // the spec's memory kind (MODEL.md §9)
    int pages = kMaxPages;           // bound: pages of the VMA (a THP spans them all)
    int values = kMaxValues;         // bound: value records a state of the shape may use
                                     // (Shape::values; past them the table holds defaults)
    bool hugetlb() const { return memory == Memory::hugetlb; }
};

// P0 alone, every page present, writable, in its own frame, with a distinct value.
State initial_state(int pages, bool anon_exclusive);

// fork(): child takes slot `child` (copy_page_range / copy_present_pte / copy_nonpresent_pte).
bool do_fork(State& s, int parent, int child, const OpContext& ctx);
// exit(): zap every PTE (exit_mmap → zap_pte_range); handles become orphans.
bool do_exit(State& s, int proc, const OpContext& ctx);
// CPU store of a fresh value: faults first (do_wp_page / do_swap_page with FAULT_FLAG_WRITE).
bool do_write(State& s, int proc, int vaddr, const OpContext& ctx);
// Read fault on a swap PTE (do_swap_page without FAULT_FLAG_WRITE).
bool do_read(State& s, int proc, int vaddr, const OpContext& ctx);
// mprotect(PROT_READ) then mprotect(PROT_READ|PROT_WRITE) (change_pte_range).
bool do_mprotect(State& s, int proc, int vaddr, const OpContext& ctx);
// The same of the whole VMA at once: a PMD that maps it stays a PMD (change_huge_pmd()).
bool do_mprotect_pmd(State& s, int proc, const OpContext& ctx);
// clear_refs soft-dirty write protection (clear_soft_dirty): PTE becomes R/O (ClearRefs).
bool do_clear_refs(State& s, int proc, int vaddr, const OpContext& ctx);
// UFFDIO_WRITEPROTECT of one page (change_protection(MM_CP_UFFD_WP)): PTE becomes R/O.
bool do_uffd_wp(State& s, int proc, int vaddr);
// munmap() / MADV_DONTNEED of one page (zap_pte_range).
bool do_munmap(State& s, int proc, int vaddr, const OpContext& ctx);
// pin_user_pages() (longterm or not) or get_user_pages() into handle slot `handle`.
bool do_gup(State& s, int proc, int vaddr, HandleKind kind, bool write, int handle,
            const OpContext& ctx);
// __split_huge_pmd() of the process's PMD-mapped THP (false if no PMD maps its VMA).
bool do_split_pmd(State& s, int proc);
// MADV_DONTFORK (`dontcopy` true) or MADV_DOFORK of page v: sets or clears VM_DONTCOPY (false if
// it has that value already, or the process does not map v).
bool can_madvise_fork(const State& s, int proc, int vaddr, bool dontcopy);
bool do_madvise_fork(State& s, int proc, int vaddr, bool dontcopy);
// unpin_user_page() / put_page() of a handle.
bool do_unpin(State& s, int handle);
// The device stores a fresh value through a FOLL_WRITE handle.
bool do_dma_write(State& s, int handle);
// Reclaim: add to the swapcache, unmap (try_to_unmap_one), write back and free if unreferenced.
// A page of a large folio stands for its folio, which is reclaimed whole (reclaim.cpp).
bool do_swap_out(State& s, int frame, const OpContext& ctx);
// Reclaim of a swapcache frame only the swapcache holds (__remove_mapping).
bool do_reclaim(State& s, int frame);
// migrate_pages() first half: isolate, unmap to migration entries (try_to_migrate_one).
bool do_migrate_start(State& s, int frame, const OpContext& ctx);
// migrate_pages() second half: move if the refcount freezes (folio_migrate_mapping), then
// remove_migration_ptes().
bool do_migrate_finish(State& s, int frame, const OpContext& ctx);

// The guards the do_ functions above start with, read without changing the state: false here
// is false there, before anything is written. next_state() asks them before it copies the
// state, because most candidate actions are not enabled (two in three on (2, 1, 2, 1): a
// swap_out or migration of every frame, a read of every page). A true here may still be a
// false there (swap_out finds no free slot).
bool can_read(const State& s, int proc, int vaddr);
bool has_present_pte(const State& s, int proc, int vaddr);  // mprotect and clear_refs
bool can_munmap(const State& s, int proc, int vaddr);
bool can_dma_write(const State& s, int handle);
bool can_swap_out(const State& s, int frame, const OpContext& ctx);
bool can_reclaim(const State& s, int frame);
bool can_migrate_start(const State& s, int frame, const OpContext& ctx);
bool can_migrate_finish(const State& s, int frame);

// The reference a GUP op takes: vmsplice a FOLL_GET, io_uring a longterm FOLL_PIN, O_DIRECT
// what its era's block layer takes (ODirect).
HandleKind gup_kind(Op op, const CowPolicy& policy);
// A GUP op (pin, get, vmsplice, odirect_*, iouring_fixed): do_gup() with the reference its op
// and the policy's era take.
bool take_gup(State& s, const Action& a, const OpContext& ctx);

// Lowest process slot below `procs` that is not alive, or -1.
int free_process_slot(const State& s, int procs);
// Lowest handle slot below `handles` not in use, or -1.
int free_handle_slot(const State& s, int handles);
// The frame process P maps (or caches in the swapcache) at v, for program steps naming a page.
std::uint8_t frame_at(const State& s, int proc, int vaddr);

}  // namespace cowpin
