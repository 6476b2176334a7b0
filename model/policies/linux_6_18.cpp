// linux-6.18: RelCOP as in 5.19, folio-based, with two later refinements.
//
// - mprotect() may map a private anonymous page writable again without a fault only if it is
//   PageAnonExclusive (can_change_pte_writable(), 6.0; cow.c "Basic COW after fork() with
//   mprotect() optimization" checks that a shared page is not made writable).
// - do_swap_page() maps an exclusive page writable even on a read fault (c18160dba5ff, 6.11:
//   "if (vma->vm_flags & VM_WRITE) ... pte_mkwrite()" under "exclusive || folio_ref_count == 1").
//   MODEL.md §4 says "as 5.19" for swap; the 6.18 source differs, and this follows the source.
//
// Large folios (MODEL.md §9) follow 6.18's folio code: do_huge_pmd_wp_page(), the MM_ID
// large-folio reuse of 6.15 (__wp_can_reuse_large_anon_folio()), MADV_COLLAPSE without a
// writable PTE, and reclaim of a whole folio (reclaim.cpp). mTHP swap-in is not reached: the
// model frees a swapped-out folio at once, and pages come back order-0 (docs/evidence/thp-swap.md).
#include "model/policy.hpp"

namespace cowpin {

extern const CowPolicy linux_6_18{
    .name = "linux-6.18",
    .summary = "as 5.19; mprotect upgrades only exclusive pages; exclusive swap-in maps writable; "
               "O_DIRECT takes short-term pins",
    .anon_exclusive = true,
    .exclusive_entries = true,          // pte_swp_mkexclusive(), readable_exclusive entries
    .wp_reuse = WpReuse::anon_exclusive,    // do_wp_page() → wp_can_reuse_anon_folio()
    .gup_read_pin = GupRead::unshare,       // gup_must_unshare() (mm/internal.h)
    .gup_read_get = GupRead::none,
    .fork = ForkPresent::anon_exclusive,    // copy_present_ptes() → folio_try_dup_anon_rmap_ptes()
    .swap_out = MayUnmap::unless_pinned,    // try_to_unmap_one() → folio_try_share_anon_rmap_pte()
    .migrate = MayUnmap::unless_pinned,     // try_to_migrate_one()
    .swap_in = SwapIn::anon_exclusive_writable,  // do_swap_page()
    .mprotect = MprotectUpgrade::if_anon_exclusive,  // can_change_pte_writable()
    .clear_refs = ClearRefs::skip_pinned, // clear_soft_dirty() → pte_is_pinned()
    .odirect = ODirect::pin,              // bio_iov_iter_get_pages() → iov_iter_extract_pages()
    .memory = memory_bit(Memory::base) | memory_bit(Memory::thp) | memory_bit(Memory::hugetlb),
    .hugetlb_fork = ForkPresent::anon_exclusive,  // copy_hugetlb_page_range() → hugetlb_try_dup_anon_rmap()
    .hugetlb_write_fault = HugetlbWp::mapcount,  // hugetlb_wp(): mapcount == 1 ⇒ reuse, refcount ignored
    .huge_pmd_write_fault = HugePmdWp::anon_exclusive_split,  // do_huge_pmd_wp_page(): PageAnonExclusive, else folio_ref_count()
    .large_folio_write_fault = LargeFolioWp::mm_id,  // __wp_can_reuse_large_anon_folio() (6.15)
    .collapse = Collapse::any,  // MADV_COLLAPSE: no writable PTE needed since 6.18
};

}  // namespace cowpin
