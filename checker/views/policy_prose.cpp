// What each decision point of a policy decides, and what each of its behaviours means, in the
// kernel's words and with the function or commit it mirrors: the prose half of `cowpin policies
// --describe` (policies_doc.cpp reads the rest off the policy table). The behaviours are
// implemented once, in model/ (faults.cpp, ops.cpp, reclaim.cpp, khugepaged.cpp), each citing
// the kernel function it mirrors; the enums of model/policy.hpp say the same in comments.
#include <stdexcept>
#include <string>

#include "checker/views/policies_doc.hpp"

namespace cowpin {

namespace {

const std::vector<BehaviourProse> kGupRead = {
    {"none", "Take the reference on whatever page is mapped; a later write fault may copy the "
             "mapping away from it.",
     "follow_page_pte() without FOLL_WRITE (pins up to 5.18 but 5.8, gets in every era); "
     "FreeBSD's R/O hold"},
    {"break_cow", "Force FOLL_WRITE: a full write fault first, so that the reference lands on a "
                  "private, writable page.",
     "5.8: should_force_cow_break() (17839856fd58, reverted by a308c71bf1e6 in 5.9); NetBSD's "
     "wiring (uvm_fault_check() cow_now)"},
    {"unshare", "Unless the page is PageAnonExclusive, an unshare fault first "
                "(FAULT_FLAG_UNSHARE): the page is reused if the write-fault rule allows it, "
                "copied otherwise, and stays mapped R/O.",
     "5.19+: gup_must_unshare() (\"mm: COW fixes part 2\")"},
    {"copy_if_shared", "Copy-on-pin: a page another mapping shares (mapcount + swap count > 1) "
                       "is copied for this process first, mapped R/O.",
     "no kernel: PreCOP (ASPLOS'23)"},
};

const std::vector<BehaviourProse> kFork = {
    {"share", "Share every page with the child, write-protected in both, pinned or not; it is "
              "no longer PageAnonExclusive.",
     "up to 5.8 copy_one_pte(); hugetlb up to 5.11; FreeBSD and NetBSD (only wired map entries "
     "are copied)"},
    {"copy_if_pinned", "Copy for the child a page that may be DMA-pinned "
                       "(page_maybe_dma_pinned()) in an mm that has pinned (MMF_HAS_PINNED); the "
                       "parent keeps its page, still writable. Other pages are shared.",
     "5.9-5.18: copy_present_page() (70e806e4e645); hugetlb 5.12-5.18 (4eae4efa2c29)"},
    {"anon_exclusive", "An exclusive page that may be pinned is copied for the child; an "
                       "exclusive one without pins loses PageAnonExclusive and is shared; a "
                       "shared one is shared.",
     "5.19+: page_try_dup_anon_rmap() (folio_try_dup_anon_rmap_ptes() in 6.x; hugetlb: "
     "hugetlb_try_dup_anon_rmap())"},
    {"copy_if_referenced", "Copy for the child every page with a pin or a get.",
     "no kernel: PreCOP"},
    {"copy_always", "The child gets its own copy of every page, swapped-out and migrating ones "
                    "too; nothing is ever COW-shared.",
     "no kernel: the textbook fork (eager-copy)"},
};

const std::vector<BehaviourProse> kMayUnmap = {
    {"always", "Yes: pins and gets are not looked at (a migration then fails on the refcount "
               "when it finishes).",
     "reclaim up to 5.10 (shrink_page_list() without a pin check); migration up to 5.18"},
    {"unless_pinned", "Not a page that may be DMA-pinned; gets do not count.",
     "reclaim 5.11+: feb889fb40fa (page_maybe_dma_pinned() in shrink_page_list()); 5.19+: "
     "page_try_share_anon_rmap() fails for a pinned exclusive page in try_to_unmap_one() and "
     "try_to_migrate_one()"},
    {"unless_referenced", "Not a page with any pin or get.",
     "PreCOP; FreeBSD's held and NetBSD's wired pages are not paged out"},
};

const std::vector<PointProse> kPoints = {
    {"anon_exclusive",
     "Whether PG_anon_exclusive exists: a page is either exclusive to one mapping (reused on a "
     "write fault without further checks, and the only kind a pin may hold) or possibly shared. "
     "A policy without it never sets it; the behaviours that read it need it.",
     "5.19+: 6c287605fd56 (\"mm: remember exclusively mapped anonymous pages with "
     "PG_anon_exclusive\")",
     {}},
    {"exclusive_entries",
     "Whether swap PTEs and migration entries remember exclusivity (pte_swp_mkexclusive(), "
     "readable_exclusive migration entries), so that a page swapped out or migrated exclusive "
     "comes back exclusive. Needs anon_exclusive.",
     "5.19: \"mm: COW fixes part 3\" (architectures with __HAVE_ARCH_PTE_SWP_EXCLUSIVE)",
     {}},
    {"write_fault",
     "A write fault, or an unshare fault, on a R/O-mapped anonymous order-0 page: reuse it (an "
     "unshare keeps it R/O) or copy it (wp_page_copy()). Consulted by write and by every fault "
     "a GUP takes (R/W GUP, 5.8's forced COW break, an unshare), a swap-in's write fault too.",
     "do_wp_page()",
     {{"mapcount", "Reuse iff the page has one mapping: mapcount + swap count == 1, freeing the "
                   "swapcache. GUP references are not counted, so a page a device still reads "
                   "through a get can be reused and written (CVE-2020-29374).",
       "up to 5.8: reuse_swap_page(); FreeBSD's vm_fault_cow() rename, NetBSD's an_ref == 1"},
      {"refcount", "Reuse iff page_count() == 1: any pin, get or the swapcache makes it a copy, "
                   "so a write-protected pinned page is copied away from its pin.",
       "5.9-5.17: 09854ba94c6a (\"mm: do_wp_page() simplification\")"},
      {"refcount_free_swap", "As refcount, after freeing the swapcache when no swap entry needs "
                             "it (page_count() <= 1 + swapcache, try_to_free_swap(), then == 1).",
       "5.18: 53a05ad9f21d"},
      {"anon_exclusive", "A PageAnonExclusive page is reused at once; another by the 5.18 test, "
                         "and it is then marked exclusive.",
       "5.19+: 6c287605fd56; wp_can_reuse_anon_folio() in 6.x"}}},
    {"gup_read_pin",
     "What a FOLL_PIN without FOLL_WRITE (a R/O pin, longterm or short-term) does first to a "
     "page that is not mapped writable. Consulted by pin ro, and odirect_write where O_DIRECT "
     "pins.",
     "__get_user_pages(), follow_page_pte()", kGupRead},
    {"gup_read_get",
     "The same for a FOLL_GET without FOLL_WRITE. Consulted by get ro, vmsplice, and "
     "odirect_write where O_DIRECT gets.",
     "__get_user_pages(), follow_page_pte()", kGupRead},
    {"fork",
     "At fork(), for each present anonymous page of the parent (and a PMD-mapped THP as a "
     "whole): share it with the child, write-protected in both, or copy it for the child.",
     "copy_present_pte(), copy_huge_pmd()", kFork},
    {"swap_out",
     "Whether reclaim (MADV_PAGEOUT, kswapd) may swap out a page that GUP references hold.",
     "shrink_page_list() / shrink_folio_list(), try_to_unmap_one()", kMayUnmap},
    {"migrate",
     "Whether migration may unmap a page that GUP references hold.",
     "migrate_pages(), try_to_migrate_one()", kMayUnmap},
    {"swap_in",
     "At swap-in, whether the new PTE is writable and the page exclusive, and whether the "
     "swapcache is freed. Consulted by every fault on a swap entry.",
     "do_swap_page()",
     {{"mapcount", "On a write fault, reuse iff mapcount + swap count == 1 (reuse_swap_page()), "
                   "freeing the swapcache; a read fault maps R/O.",
       "up to 5.17: do_swap_page() → reuse_swap_page()"},
      {"refcount", "On a write fault, free the swapcache if only it holds the page "
                   "(should_try_to_free_swap()); writable iff page_count() == 1.",
       "5.18: c145e0b47c77"},
      {"anon_exclusive", "As refcount, and the swap entry's exclusive bit makes the page "
                         "PageAnonExclusive; a read fault still maps R/O.",
       "5.19: pte_swp_exclusive()"},
      {"anon_exclusive_writable", "As anon_exclusive, and an exclusive page is mapped writable "
                                  "even on a read fault.",
       "6.11+: c18160dba5ff"}}},
    {"mprotect",
     "mprotect(PROT_READ|PROT_WRITE) after mprotect(PROT_READ) of a private anonymous page: "
     "whether the PTE is made writable again without a fault.",
     "change_pte_range()",
     {{"never", "It stays R/O until a write fault.", "up to 5.19"},
      {"if_anon_exclusive", "Writable again iff the page is PageAnonExclusive.",
       "6.0+: can_change_pte_writable()"}}},
    {"clear_refs",
     "clear_refs soft-dirty (echo 4 > /proc/PID/clear_refs) on a writable PTE of a page that "
     "may be pinned, in an mm that has pinned: write-protect it or leave it.",
     "clear_soft_dirty()",
     {{"wrprotect", "Every present PTE is write-protected, pinned or not; the owner's next write "
                    "may then copy away from the pin.",
       "up to 5.10"},
      {"skip_pinned", "A writable PTE of a maybe-pinned page in an mm with MMF_HAS_PINNED is "
                      "left alone.",
       "5.11+ (and 5.10.9): 9348b73c2e1b, pte_is_pinned()"}}},
    {"odirect",
     "The GUP flavour of O_DIRECT: the reference the odirect_read and odirect_write steps take.",
     "bio_iov_iter_get_pages() (block/bio.c)",
     {{"get", "FOLL_GET: iov_iter_get_pages() → get_user_pages_fast().", "up to 6.4"},
      {"pin", "A short-term FOLL_PIN: iov_iter_extract_pages() → pin_user_pages_fast(), "
              "FOLL_WRITE for a read into user memory.",
       "6.5+: a7e689dd1c06"}}},
    {"memory",
     "The kinds of memory the policy models (base, thp, hugetlb). A spec of another kind is "
     "refused for it, by name, and never run as base pages; the decision points of thp and "
     "hugetlb are set exactly when it lists them.",
     "the model's scope for that policy", {}},
    {"hugetlb_fork",
     "The fork rule for a private hugetlb page (memory \"hugetlb\").",
     "copy_hugetlb_page_range()", kFork},
    {"hugetlb_write_fault",
     "A write or unshare fault on a R/O-mapped private hugetlb page: reuse or copy.",
     "hugetlb_cow() (up to 5.18), hugetlb_wp() (5.19+)",
     {{"mapcount", "Reuse iff page_mapcount() == 1, with no refcount test in any era (5.19+ "
                   "sets PageAnonExclusive): FOLL_GET users can still see leaks, as the 6.18 "
                   "source says.",
       "every Linux era"},
      {"as_base", "The policy's write_fault rule, as for an order-0 page.",
       "no kernel: PreCOP, eager-copy"}}},
    {"huge_pmd_write_fault",
     "A write or unshare fault on a R/O PMD-mapped THP (memory \"thp\"): reuse the whole folio, "
     "copy it whole, or split the PMD and fault again on the PTE.",
     "do_huge_pmd_wp_page()",
     {{"mapcount_copy", "Reuse iff reuse_swap_page() finds every page mapped once; else a new "
                        "THP, a copy of the whole folio.",
       "5.7"},
      {"mapcount_split", "reuse_swap_page(); else __split_huge_pmd() and VM_FAULT_FALLBACK to "
                         "the PTE. By mapcount: CVE-2020-29374 stays open for THP.",
       "5.8-5.17: 3917c80280c9"},
      {"refcount_split", "Reuse iff page_count() == 1 after freeing the swapcache; else split.",
       "5.18: 3bff7e3f1f16"},
      {"anon_exclusive_split", "PageAnonExclusive of the head page ⇒ reuse; else page_count() "
                               "== 1 (and mark it exclusive); else split.",
       "5.19+"}}},
    {"large_folio_write_fault",
     "A write fault on a R/O PTE of a page of a large folio that is not PageAnonExclusive (an "
     "exclusive page is reused in every era that has the flag): reuse it or copy the page.",
     "do_wp_page() → wp_can_reuse_anon_folio()",
     {{"as_base", "The write_fault rule on the folio's counts (page_count() is the folio's; up "
                  "to 5.8 reuse_swap_page() reads the THP's largest page mapcount).",
       "up to 6.8"},
      {"never", "A large folio is never reused: the page is copied.", "6.9-6.14: cd197c3a2040"},
      {"mm_id", "Reuse iff only this mm maps the folio (MM_ID), through more than one mapping, "
                "and its large mapcount equals its refcount.",
       "6.15+: 1da190f4d0a6, __wp_can_reuse_large_anon_folio()"},
      {"mapcount", "As mm_id without the refcount test: GUP references are ignored.",
       "no kernel"},
      {"per_page", "The write_fault rule on the page alone, as if it were an order-0 folio.",
       "no kernel: PreCOP on large folios"}}},
    {"collapse",
     "What a collapse of the PTE-mapped pages of a THP range needs besides every era's refcount "
     "check (no GUP reference: is_refcount_suitable()).",
     "hpage_collapse_scan_pmd() (khugepaged_scan_pmd() before 6.1), "
     "__collapse_huge_page_isolate()",
     {{"exclusive_order0", "page_count() == 1 (+ swapcache): no page another process maps, none "
                           "of a large folio (SCAN_PAGE_COMPOUND), and a writable PTE "
                           "(SCAN_PAGE_RO).",
       "5.7 khugepaged"},
      {"writable_half_shared", "Shared pages up to max_ptes_shared (half the range by default), "
                               "PTE-mapped large folios too, and a writable PTE.",
       "5.8-6.0 khugepaged"},
      {"writable", "No limit on shared pages (only khugepaged has one), still a writable PTE.",
       "6.1-6.17 MADV_COLLAPSE: 7d8faaf15545"},
      {"any", "No writable PTE needed either.",
       "6.18: \"enable khugepaged anonymous collapse on non-writable regions\""}}},
};

}  // namespace

const std::vector<PointProse>& policy_prose() { return kPoints; }

const PointProse& point_prose(std::string_view key) {
    for (const PointProse& p : kPoints)
        if (p.key == key) return p;
    throw std::logic_error("policy_prose: no entry for '" + std::string(key) + "'");
}

}  // namespace cowpin
