// linux-5.7: the mapcount era (≤ 5.7; 5.8 keeps its do_wp_page()).
//
// do_wp_page() reuses an anonymous page when reuse_swap_page() finds a single mapping
// (mapcount + swapcount == 1) and ignores every GUP reference; a read GUP (vmsplice, O_DIRECT
// write, R/O pin) takes whatever page is mapped; fork() shares every page, pinned or not.
//
// Known bugs this policy must show (kernel-cow.md §5.2): CVE-2020-29374 (cow.c "vmsplice() +
// unmap in child": the parent reuses the page the child still holds), the child→parent
// vmsplice leaks, "fork() with an iouring fixed buffer" and "R/O GUP pin on R/O-mapped shared
// page". It passes "R/O pin on previously-shared / exclusive page" (mapcount is exact).
#include "model/policy.hpp"

namespace cowpin {

extern const CowPolicy linux_5_7{
    .name = "linux-5.7",
    .summary = "mapcount reuse (reuse_swap_page); read GUP never breaks COW; fork shares all",
    .anon_exclusive = false,
    .wp_reuse = WpReuse::mapcount,      // do_wp_page() → reuse_swap_page()
    .gup_read_pin = GupRead::none,      // follow_page_pte(): no FOLL_WRITE, no fault
    .gup_read_get = GupRead::none,
    .fork = ForkPresent::share,         // copy_one_pte(): no pin check at all
    .swap_out = MayUnmap::always,       // shrink_page_list(): pins not checked
    .migrate = MayUnmap::always,        // migrate_page_move_mapping() fails on the refcount
    .swap_in = SwapIn::mapcount,        // do_swap_page() → reuse_swap_page() on a write fault
    .mprotect = MprotectUpgrade::never,
    .clear_refs = ClearRefs::wrprotect,   // clear_soft_dirty(): no pin check before 5.11
    .odirect = ODirect::get,              // bio_iov_iter_get_pages() → iov_iter_get_pages()
    .memory = memory_bit(Memory::base) | memory_bit(Memory::thp) | memory_bit(Memory::hugetlb),
    .hugetlb_fork = ForkPresent::share,  // copy_hugetlb_page_range(): huge_ptep_set_wrprotect(), share; no pin check
    .hugetlb_write_fault = HugetlbWp::mapcount,  // hugetlb_cow(): mapcount == 1 ⇒ reuse, refcount ignored
    .huge_pmd_write_fault = HugePmdWp::mapcount_copy,  // do_huge_pmd_wp_page(): reuse_swap_page(), else copy the THP
    .large_folio_write_fault = LargeFolioWp::as_base,  // do_wp_page(): reuse_swap_page() of the THP
    .collapse = Collapse::exclusive_order0,  // khugepaged: page_count() == 1 + PageSwapCache(), no PageCompound, a writable PTE
};

}  // namespace cowpin
