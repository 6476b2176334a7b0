// linux-5.8: "COW can break either way" (17839856fd58, also backported to 5.7.y stable).
//
// Every GUP on a private mapping forces FOLL_WRITE (should_force_cow_break()), so a read GUP
// performs a full write fault first and takes its reference on a private, writable page.
// do_wp_page() and fork() are still those of 5.7.
//
// Fixes CVE-2020-29374 and "R/O GUP pin on R/O-mapped shared page"; still broken: a GUP taken
// *before* fork (cow.c "vmsplice() before fork(), unmap in parent after fork()", "fork() with an
// iouring fixed buffer"), since fork shares the page the reference points to.
#include "model/policy.hpp"

namespace cowpin {

extern const CowPolicy linux_5_8{
    .name = "linux-5.8",
    .summary = "as 5.7, but every GUP forces a write fault first (should_force_cow_break)",
    .anon_exclusive = false,
    .wp_reuse = WpReuse::mapcount,        // do_wp_page() → reuse_swap_page()
    .gup_read_pin = GupRead::break_cow,   // __get_user_pages(): foll_flags |= FOLL_WRITE
    .gup_read_get = GupRead::break_cow,
    .fork = ForkPresent::share,           // copy_one_pte()
    .swap_out = MayUnmap::always,
    .migrate = MayUnmap::always,
    .swap_in = SwapIn::mapcount,
    .mprotect = MprotectUpgrade::never,
    .clear_refs = ClearRefs::wrprotect,   // clear_soft_dirty(): no pin check before 5.11
    .odirect = ODirect::get,              // bio_iov_iter_get_pages() → iov_iter_get_pages()
    .memory = memory_bit(Memory::base) | memory_bit(Memory::thp) | memory_bit(Memory::hugetlb),
    .hugetlb_fork = ForkPresent::share,  // copy_hugetlb_page_range(): no pin check
    .hugetlb_write_fault = HugetlbWp::mapcount,  // hugetlb_cow(): mapcount == 1 ⇒ reuse, refcount ignored
    .huge_pmd_write_fault = HugePmdWp::mapcount_split,  // do_huge_pmd_wp_page(): reuse_swap_page(), else split (3917c80280c9)
    .large_folio_write_fault = LargeFolioWp::as_base,  // do_wp_page(): reuse_swap_page() of the THP
    .collapse = Collapse::writable_half_shared,  // khugepaged: max_ptes_shared, PTE-mapped THPs (5.8), a writable PTE
};

}  // namespace cowpin
