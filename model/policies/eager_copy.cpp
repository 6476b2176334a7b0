// eager-copy: no kernel. The textbook fork() that gives the child its own copy of every page
// (present, swapped or migrating) and leaves the parent untouched; everything else as 5.19.
//
// Nothing is ever COW-shared, so every data-level invariant must hold in every spec, pins and
// gets included. It is the check that the ideal-world oracle raises no false alarms.
#include "model/policy.hpp"

namespace cowpin {

extern const CowPolicy eager_copy{
    .name = "eager-copy",
    .summary = "textbook fork: the child gets a copy of every page; otherwise as 5.19",
    .anon_exclusive = true,
    .exclusive_entries = true,          // pte_swp_mkexclusive(), readable_exclusive entries
    .wp_reuse = WpReuse::anon_exclusive,
    .gup_read_pin = GupRead::unshare,
    .gup_read_get = GupRead::none,
    .fork = ForkPresent::copy_always,
    .swap_out = MayUnmap::unless_pinned,
    .migrate = MayUnmap::unless_pinned,
    .swap_in = SwapIn::anon_exclusive,
    .mprotect = MprotectUpgrade::never,
    .clear_refs = ClearRefs::skip_pinned, // clear_soft_dirty() → pte_is_pinned()
    .odirect = ODirect::get,
    .memory = memory_bit(Memory::base) | memory_bit(Memory::thp) | memory_bit(Memory::hugetlb),
    .hugetlb_fork = ForkPresent::copy_always,  // the child gets a copy of every huge page too
    .hugetlb_write_fault = HugetlbWp::as_base,  // the write_fault rule above
    .huge_pmd_write_fault = HugePmdWp::anon_exclusive_split,  // as 5.19
    .large_folio_write_fault = LargeFolioWp::as_base,  // as 5.19
    .collapse = Collapse::any,  // as 6.18
};

}  // namespace cowpin
