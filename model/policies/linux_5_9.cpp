// linux-5.9 (5.9 – 5.10.8): refcount-based COW (09854ba94c6a "mm: do_wp_page() simplification")
// plus the fork-time copy of pinned pages (70e806e4e645, copy_present_page()).
//
// do_wp_page() reuses only when page_count() == 1: any GUP reference, pin, or the swapcache
// forces a copy. The forced COW break of 5.8 is gone (a308c71bf1e6). fork() copies a page for
// the child when the parent has MMF_HAS_PINNED and page_maybe_dma_pinned(). do_swap_page() still
// decides by mapcount (reuse_swap_page()).
//
// 5.11 (and 5.10.9 stable) stopped write-protecting and swapping out pinned pages: that is
// linux-5.11.
//
// Fixes the vmsplice leaks and "fork() with an iouring fixed buffer"; breaks R/O pins (cow.c
// "R/O GUP pin on R/O-mapped shared / previously-shared / exclusive page") and any
// write-protected pinned page ("R/O-mapping a page registered as iouring fixed buffer"): the
// pin's own reference makes the owner's write fault copy away from the pinned page.
#include "model/policy.hpp"

namespace cowpin {

extern const CowPolicy linux_5_9{
    .name = "linux-5.9",
    .summary = "5.9-5.10: refcount reuse (page_count == 1); fork copies pinned pages for the child",
    .anon_exclusive = false,
    .wp_reuse = WpReuse::refcount,         // do_wp_page(): page_count(page) != 1 ⇒ copy
    .gup_read_pin = GupRead::none,
    .gup_read_get = GupRead::none,
    .fork = ForkPresent::copy_if_pinned,   // copy_present_page(): has_pinned && maybe_dma_pinned
    .swap_out = MayUnmap::always,
    .migrate = MayUnmap::always,
    .swap_in = SwapIn::mapcount,           // do_swap_page() → reuse_swap_page()
    .mprotect = MprotectUpgrade::never,
    .clear_refs = ClearRefs::wrprotect,   // clear_soft_dirty(): no pin check before 5.11
    .odirect = ODirect::get,              // bio_iov_iter_get_pages() → iov_iter_get_pages()
    .memory = memory_bit(Memory::base) | memory_bit(Memory::thp) | memory_bit(Memory::hugetlb),
    .hugetlb_fork = ForkPresent::share,  // copy_hugetlb_page_range(): no pin check until 5.12
    .hugetlb_write_fault = HugetlbWp::mapcount,  // hugetlb_cow(): mapcount == 1 ⇒ reuse, refcount ignored
    .huge_pmd_write_fault = HugePmdWp::mapcount_split,  // do_huge_pmd_wp_page(): still reuse_swap_page(): CVE open for THP
    .large_folio_write_fault = LargeFolioWp::as_base,  // do_wp_page(): page_count() of the folio == 1
    .collapse = Collapse::writable_half_shared,  // khugepaged: max_ptes_shared, a writable PTE
};

}  // namespace cowpin
