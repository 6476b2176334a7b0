// linux-5.19: RelCOP, PG_anon_exclusive ("mm: COW fixes part 2: reliable GUP pins of anonymous
// pages" and "part 3: reliable GUP R/W FOLL_GET of anonymous pages", 6c287605fd56 and series).
//
// A page is either exclusive to one process (PageAnonExclusive: reused on a write fault without
// further checks, pinnable) or possibly shared (must be proven exclusive by its refcount before
// reuse; a R/O pin first unshares it). fork() clears the flag through page_try_dup_anon_rmap(),
// which fails for a maybe-pinned page: that page is copied for the child. Swap-out and migration
// clear it through page_try_share_anon_rmap(), which fails for a pinned page; the swap PTE and
// the migration entry remember exclusivity. FOLL_GET never unshares.
//
// All pin-based cow.c cases pass. FOLL_GET + fork is still broken (an O_DIRECT read before
// fork(): the DMA lands in the page the child keeps) — a real, never-fixed limitation.
#include "model/policy.hpp"

namespace cowpin {

extern const CowPolicy linux_5_19{
    .name = "linux-5.19",
    .summary = "RelCOP: PageAnonExclusive; R/O pins unshare; pinned pages never shared",
    .anon_exclusive = true,
    .exclusive_entries = true,          // pte_swp_mkexclusive(), readable_exclusive entries
    .wp_reuse = WpReuse::anon_exclusive,    // do_wp_page(): PageAnonExclusive ⇒ reuse
    .gup_read_pin = GupRead::unshare,       // gup_must_unshare() ⇒ FAULT_FLAG_UNSHARE
    .gup_read_get = GupRead::none,          // gup_must_unshare(): FOLL_GET never unshares
    .fork = ForkPresent::anon_exclusive,    // copy_present_pte() → page_try_dup_anon_rmap()
    .swap_out = MayUnmap::unless_pinned,    // try_to_unmap_one() → page_try_share_anon_rmap()
    .migrate = MayUnmap::unless_pinned,     // try_to_migrate_one() → page_try_share_anon_rmap()
    .swap_in = SwapIn::anon_exclusive,      // do_swap_page(): pte_swp_exclusive()
    .mprotect = MprotectUpgrade::never,
    .clear_refs = ClearRefs::skip_pinned, // clear_soft_dirty() → pte_is_pinned()
    .odirect = ODirect::get,              // bio_iov_iter_get_pages() → iov_iter_get_pages()
    .memory = memory_bit(Memory::base) | memory_bit(Memory::thp) | memory_bit(Memory::hugetlb),
    .hugetlb_fork = ForkPresent::anon_exclusive,  // copy_hugetlb_page_range(): page_try_dup_anon_rmap()
    .hugetlb_write_fault = HugetlbWp::mapcount,  // hugetlb_wp(): mapcount == 1 ⇒ reuse, refcount ignored
    .huge_pmd_write_fault = HugePmdWp::anon_exclusive_split,  // do_huge_pmd_wp_page(): PageAnonExclusive, else page_count()
    .large_folio_write_fault = LargeFolioWp::as_base,  // do_wp_page(): page_count() of the folio == 1 (until 6.8)
    .collapse = Collapse::writable_half_shared,  // khugepaged: max_ptes_shared, a writable PTE (MADV_COLLAPSE from 6.1)
};

}  // namespace cowpin
