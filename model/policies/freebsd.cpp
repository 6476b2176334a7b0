// freebsd: FreeBSD's vm_object shadow chains (kernel-cow.md §4.1).
//
// Direct I/O holds pages with vm_fault_quick_hold_pages(): a R/O hold takes the mapped page as
// is, a R/W hold write-faults first. vmspace_fork() → vm_map_copy_entry() copies only *wired*
// map entries; a held page in an ordinary entry is COW-shared. vm_fault_cow() moves ("renames")
// the page into the faulting object instead of copying when the backing object has a single
// shadow and reference — i.e. when the page has a single mapping — without looking at hold or
// wire counts. Held pages are not paged out.
//
// The paper's O_DIRECT + fork tests break it: test1 (a R/O hold, then the other process's
// secret is renamed into the page under DMA), test2, and test3 (the DMA of a R/W hold lands in
// the child's page).
#include "model/policy.hpp"

namespace cowpin {

extern const CowPolicy freebsd{
    .name = "freebsd",
    .summary = "shadow objects: rename iff a single mapping, holds ignored; holds shared at fork",
    .anon_exclusive = false,
    .exclusive_entries = false,
    .wp_reuse = WpReuse::mapcount,          // vm_fault_cow(): rename iff shadow_count == 1
    .gup_read_pin = GupRead::none,          // vm_fault_quick_hold_pages(VM_PROT_READ)
    .gup_read_get = GupRead::none,
    .fork = ForkPresent::share,             // vm_map_copy_entry(): only wired entries copied
    .swap_out = MayUnmap::unless_referenced,  // held and wired pages are not paged out
    .migrate = MayUnmap::unless_referenced,
    .swap_in = SwapIn::mapcount,
    .mprotect = MprotectUpgrade::never,
    .clear_refs = ClearRefs::wrprotect,   // write-protection knows no holds
    .odirect = ODirect::get,              // vm_fault_quick_hold_pages(): a hold
};

}  // namespace cowpin
