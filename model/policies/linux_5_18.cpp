// linux-5.18: "mm: COW fixes part 1" (David Hildenbrand).
//
// do_wp_page() tests the refcount after trying to free the swapcache (53a05ad9f21d, the
// try_to_free_swap() in the reuse path), do_swap_page() is refcount-based too (c145e0b47c77,
// reuse_swap_page() removed). Swap-out, clear_refs and fork() as 5.11.
//
// R/O pins are still unreliable: nothing unshares a possibly shared page before a R/O pin, and
// a write fault still copies away from a pinned page that is mapped R/O.
#include "model/policy.hpp"

namespace cowpin {

extern const CowPolicy linux_5_18{
    .name = "linux-5.18",
    .summary = "refcount reuse after try_to_free_swap, in do_swap_page() too; swap-out refuses pinned pages",
    .anon_exclusive = false,
    .wp_reuse = WpReuse::refcount_free_swap,  // do_wp_page()
    .gup_read_pin = GupRead::none,
    .gup_read_get = GupRead::none,
    .fork = ForkPresent::copy_if_pinned,      // copy_present_page(): page_needs_cow_for_dma()
    .swap_out = MayUnmap::unless_pinned,      // shrink_page_list(): page_maybe_dma_pinned()
    .migrate = MayUnmap::always,
    .swap_in = SwapIn::refcount,              // do_swap_page(): should_try_to_free_swap()
    .mprotect = MprotectUpgrade::never,
    .clear_refs = ClearRefs::skip_pinned, // clear_soft_dirty() → pte_is_pinned()
    .odirect = ODirect::get,              // bio_iov_iter_get_pages() → iov_iter_get_pages()
    .memory = memory_bit(Memory::base) | memory_bit(Memory::thp) | memory_bit(Memory::hugetlb),
    .hugetlb_fork = ForkPresent::copy_if_pinned,  // copy_hugetlb_page_range(): page_needs_cow_for_dma()
    .hugetlb_write_fault = HugetlbWp::mapcount,  // hugetlb_cow(): mapcount == 1 ⇒ reuse, refcount ignored
    .huge_pmd_write_fault = HugePmdWp::refcount_split,  // do_huge_pmd_wp_page(): page_count() == 1 (3bff7e3f1f16)
    .large_folio_write_fault = LargeFolioWp::as_base,  // do_wp_page(): page_count() of the folio == 1
    .collapse = Collapse::writable_half_shared,  // khugepaged: max_ptes_shared, a writable PTE
};

}  // namespace cowpin
