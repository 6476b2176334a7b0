// linux-5.11 (5.11 – 5.17, and 5.10.9+ stable): linux-5.9's refcount COW, with two fixes for
// pinned pages that Linus merged for 5.11 and that were backported to 5.10.9:
//
// - 9348b73c2e1b "mm: don't play games with pinned pages in clear_page_refs": clear_soft_dirty()
//   leaves a writable PTE of a maybe-pinned page in an mm that has pinned alone
//   (pte_is_pinned()), so the pin's own reference can no longer make the owner's next write
//   fault copy away from the pinned page ("R/O-mapping a page registered as iouring fixed
//   buffer" passes with clear_refs). uffd-wp still write-protects it, and then it breaks.
// - feb889fb40fa "mm: don't put pinned pages into the swap cache": shrink_page_list() keeps a
//   page_maybe_dma_pinned() page off the swapcache.
//
// Still broken: R/O pins of R/O-mapped pages (no unshare before 5.19), and any write-protection
// of a pinned page other than clear_refs.
#include "model/policy.hpp"

namespace cowpin {

extern const CowPolicy linux_5_11{
    .name = "linux-5.11",
    .summary = "5.11-5.17: as 5.9, but clear_refs and swap-out leave pinned pages alone",
    .anon_exclusive = false,
    .wp_reuse = WpReuse::refcount,         // do_wp_page(): page_count(page) != 1 ⇒ copy
    .gup_read_pin = GupRead::none,
    .gup_read_get = GupRead::none,
    .fork = ForkPresent::copy_if_pinned,   // copy_present_page(): page_needs_cow_for_dma()
    .swap_out = MayUnmap::unless_pinned,   // shrink_page_list(): page_maybe_dma_pinned()
    .migrate = MayUnmap::always,
    .swap_in = SwapIn::mapcount,           // do_swap_page() → reuse_swap_page()
    .mprotect = MprotectUpgrade::never,
    .clear_refs = ClearRefs::skip_pinned,  // clear_soft_dirty() → pte_is_pinned()
    .odirect = ODirect::get,               // bio_iov_iter_get_pages() → iov_iter_get_pages()
    .memory = memory_bit(Memory::base) | memory_bit(Memory::thp) | memory_bit(Memory::hugetlb),
    .hugetlb_fork = ForkPresent::copy_if_pinned,  // copy_hugetlb_page_range(): page_needs_cow_for_dma() ⇒ copy
                                           // (4eae4efa2c29, 5.12-rc3; 5.11.x still shared)
    .hugetlb_write_fault = HugetlbWp::mapcount,  // hugetlb_cow(): mapcount == 1 ⇒ reuse, refcount ignored
    .huge_pmd_write_fault = HugePmdWp::mapcount_split,  // do_huge_pmd_wp_page(): still reuse_swap_page(): CVE open for THP
    .large_folio_write_fault = LargeFolioWp::as_base,  // do_wp_page(): page_count() of the folio == 1
    .collapse = Collapse::writable_half_shared,  // khugepaged: max_ptes_shared, a writable PTE
};

}  // namespace cowpin
