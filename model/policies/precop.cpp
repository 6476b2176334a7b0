// precop: the paper's precise Copy-on-Pin (PreCOP; Hildenbrand, Schulz, Amit, ASPLOS'23 §4).
//
// PreCOP knows every GUP reference and every sharer exactly, so it can keep "pinned" and
// "COW-shared" mutually exclusive without relaxation: a pin or get of a shared page copies first
// (copy-on-pin), fork() copies any page with a pin or get for the child, the write fault reuses
// a page iff it is not shared (mapcount + swapcount == 1, the ≤5.8 reuse_swap_page() rule, GUP
// references ignored), and pages with pins or gets are never swapped out or migrated (so the
// sharing information never has to survive an unmap). The artifact's precop kernel is 5.18 with
// 5.8's COW logic (kernel-cow.md §1.2).
//
// It must hold every invariant on every scenario, FOLL_GET included, and never copy needlessly:
// it copies only a page some other process maps.
#include "model/policy.hpp"

namespace cowpin {

extern const CowPolicy precop{
    .name = "precop",
    .summary = "the paper's precise COP: pin/get of a shared page copies; referenced pages never shared",
    .anon_exclusive = false,
    .exclusive_entries = false,
    .wp_reuse = WpReuse::mapcount,             // reuse iff mapcount + swapcount == 1
    .gup_read_pin = GupRead::copy_if_shared,   // copy-on-pin
    .gup_read_get = GupRead::copy_if_shared,
    .fork = ForkPresent::copy_if_referenced,   // pins or gets ⇒ copy for the child
    .swap_out = MayUnmap::unless_referenced,
    .migrate = MayUnmap::unless_referenced,
    .swap_in = SwapIn::mapcount,
    .mprotect = MprotectUpgrade::never,
    .clear_refs = ClearRefs::skip_pinned, // the artifact's kernel is 5.18
    .odirect = ODirect::get,
    .memory = memory_bit(Memory::base) | memory_bit(Memory::thp) | memory_bit(Memory::hugetlb),
    .hugetlb_fork = ForkPresent::copy_if_referenced,  // as for an order-0 page: referenced pages never shared
    .hugetlb_write_fault = HugetlbWp::as_base,  // the write_fault rule above
    .huge_pmd_write_fault = HugePmdWp::mapcount_split,  // split, then the page-level rule
    .large_folio_write_fault = LargeFolioWp::per_page,  // the write_fault rule on the page alone
    .collapse = Collapse::any,  // as 6.18
};

}  // namespace cowpin
