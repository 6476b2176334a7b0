// netbsd: NetBSD's UVM amaps and anons (kernel-cow.md §4.2).
//
// physio wires pages with uvm_vslock() → uvm_fault_wire(); for a wired fault
// uvm_fault_check() asks for full access ("cow_now"), so wiring a writable private mapping
// resolves COW at wire time even for R/O I/O. uvmspace_fork() calls amap_cow_now() only for
// wired *map entries*; page-level wiring is not looked at, so a wired page is COW-shared
// (an_ref 2). A COW write fault reuses an anon iff an_ref == 1, whatever its wire count. Wired
// pages are not paged out.
//
// The paper's tests: test1 seq #1 and test2 pass (COW resolved at wire time); a wire taken
// before fork (test1 seq #2, test3) breaks it.
#include "model/policy.hpp"

namespace cowpin {

extern const CowPolicy netbsd{
    .name = "netbsd",
    .summary = "UVM: wiring resolves COW at wire time; wired pages shared at fork",
    .anon_exclusive = false,
    .exclusive_entries = false,
    .wp_reuse = WpReuse::mapcount,            // an_ref == 1 ⇒ reuse the anon in place
    .gup_read_pin = GupRead::break_cow,       // uvm_fault_check(): cow_now for wired faults
    .gup_read_get = GupRead::break_cow,
    .fork = ForkPresent::share,               // amap_cow_now() only for wired map entries
    .swap_out = MayUnmap::unless_referenced,  // wired pages are not paged out
    .migrate = MayUnmap::unless_referenced,
    .swap_in = SwapIn::mapcount,
    .mprotect = MprotectUpgrade::never,
    .clear_refs = ClearRefs::wrprotect,   // write-protection knows no wiring
    .odirect = ODirect::get,              // uvm_vslock(): wiring, as for any physio
};

}  // namespace cowpin
