// A COW policy: for each decision point of the model (MODEL.md §3, marked ⟨policy⟩), which of
// the behaviours that some kernel implements it uses.
//
// A policy is plain data. The behaviours themselves are implemented once, in ops.cpp, each
// citing the kernel function it mirrors; a policy file (model/policies/*.cpp) only picks one per
// decision point and says in prose which kernel era it abstracts and which bugs it has. The same
// table can be read from JSON (policy files as data, policy_json.cpp).
//
// To add a built-in policy: one file in model/policies/, one line in registry.cpp, one line in
// CMakeLists.txt.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/memory.hpp"

namespace cowpin {

// Write fault (or unshare fault) on a R/O-mapped anonymous page: reuse it or copy (do_wp_page).
enum class WpReuse : std::uint8_t {
    mapcount,            // ≤5.8 reuse_swap_page(): mapcount + swapcount == 1, frees the swapcache
    refcount,            // 5.9–5.17: page_count() == 1, so a swapcache page is always copied
    refcount_free_swap,  // 5.18: page_count() <= 1 + swapcache, try_to_free_swap(), then == 1
    anon_exclusive,      // 5.19+: PageAnonExclusive ⇒ reuse; else the 5.18 test, and set the flag
};

// A GUP without FOLL_WRITE on a R/O-mapped page (vmsplice, O_DIRECT write, R/O longterm pin).
enum class GupRead : std::uint8_t {
    none,            // take a reference on whatever is mapped (follow_page_pte)
    break_cow,       // 5.8 should_force_cow_break(): FOLL_WRITE is forced, a full write fault
    unshare,         // 5.19+ gup_must_unshare(): FAULT_FLAG_UNSHARE unless PageAnonExclusive
    copy_if_shared,  // PreCOP: copy-on-pin when mapcount + swapcount > 1
};

// fork(), a present anonymous PTE (copy_present_pte).
enum class ForkPresent : std::uint8_t {
    share,               // write-protect both PTEs, mapcount++, clear PageAnonExclusive
                         // whatever the pins (≤5.8, BSDs)
    copy_if_pinned,      // 5.9–5.18: copy for the child iff MMF_HAS_PINNED && page_maybe_dma_pinned
    anon_exclusive,      // 5.19+ page_try_dup_anon_rmap(): exclusive && maybe pinned ⇒ copy,
                         // exclusive ⇒ clear the flag and share, otherwise share
    copy_if_referenced,  // PreCOP: any pin or get ⇒ copy for the child
    copy_always,         // the textbook fork: the child gets a copy of every page
};

// Whether reclaim may swap out / migration may isolate a frame with GUP references.
enum class MayUnmap : std::uint8_t {
    always,             // ≤5.17 (swap), every era (migration: fails later on the refcount)
    unless_pinned,      // 5.18 page_maybe_dma_pinned() in shrink_page_list; 5.19+
                        // page_try_share_anon_rmap() fails for a pinned exclusive page
    unless_referenced,  // PreCOP, FreeBSD (held), NetBSD (wired): no pin or get at all
};

// Swap-in (do_swap_page): when the new PTE is writable and the page exclusive.
enum class SwapIn : std::uint8_t {
    mapcount,                  // ≤5.17: on a write fault, reuse_swap_page(); else R/O
    refcount,                  // 5.18: free the swapcache on a write fault if only it holds the
                               // page; writable iff page_count() == 1
    anon_exclusive,            // 5.19: also the swap PTE's exclusive bit ⇒ PageAnonExclusive
    anon_exclusive_writable,   // 6.11+ (c18160dba5ff): an exclusive page is mapped writable even
                               // on a read fault
};

// mprotect(PROT_READ|PROT_WRITE) of a private anonymous page.
enum class MprotectUpgrade : std::uint8_t {
    never,              // the PTE stays R/O until a write fault
    if_anon_exclusive,  // 6.0+ can_change_pte_writable(): writable again iff PageAnonExclusive
};

// clear_refs soft-dirty (echo 4 > /proc/PID/clear_refs) on a present PTE: clear_soft_dirty().
enum class ClearRefs : std::uint8_t {
    wrprotect,    // ≤5.10: every present PTE is write-protected, pinned or not
    skip_pinned,  // 5.11+ (9348b73c2e1b, 5.10.9 stable) pte_is_pinned(): a writable PTE of a
                  // maybe-DMA-pinned page in an mm with MMF_HAS_PINNED is left alone
};

// The GUP flavour of O_DIRECT (block/bio.c bio_iov_iter_get_pages()): the odirect_read and
// odirect_write steps.
enum class ODirect : std::uint8_t {
    get,  // ≤6.4: iov_iter_get_pages() → get_user_pages_fast(), FOLL_GET
    pin,  // 6.5+ (a7e689dd1c06): iov_iter_extract_pages() → pin_user_pages_fast(): a
          // short-term FOLL_PIN (no FOLL_LONGTERM), FOLL_WRITE for a read into user memory
};

// Write fault (or unshare fault) on a R/O-mapped private hugetlb page.
enum class HugetlbWp : std::uint8_t {
    mapcount,  // hugetlb_cow() (≤5.18) / hugetlb_wp() (5.19+): page_mapcount() == 1 && PageAnon
               // ⇒ reuse, with no refcount test in any era; 5.19+ sets PageAnonExclusive. Its
               // 6.18 comment: "there can still be leaks between processes, for example, with
               // FOLL_GET users".
    as_base,   // the policy's write_fault rule, as for an order-0 page (PreCOP, eager-copy)
};

// Write fault (or unshare fault) on a R/O PMD-mapped THP: do_huge_pmd_wp_page(). Reuse the
// whole folio, or copy it whole (5.7), or split the PMD and fault again on the PTE.
enum class HugePmdWp : std::uint8_t {
    mapcount_copy,         // 5.7: reuse_swap_page() (every page mapped once); else a new THP
    mapcount_split,        // 5.8-5.17 (3917c80280c9): reuse_swap_page(); else __split_huge_pmd()
                           // and VM_FAULT_FALLBACK. By mapcount: CVE-2020-29374 stays open
    refcount_split,        // 5.18 (3bff7e3f1f16): page_count() == 1 after freeing the swapcache
    anon_exclusive_split,  // 5.19+: PageAnonExclusive(head), else page_count() == 1 (set it)
};

// Write fault on a R/O PTE of a page of a large folio that is not PageAnonExclusive (an
// exclusive page is reused in every era that has the flag).
enum class LargeFolioWp : std::uint8_t {
    as_base,   // ≤6.8: the write_fault rule on the folio's counts (page_count() is the folio's;
               // ≤5.8 reuse_swap_page() reads the largest page mapcount of the THP)
    never,     // 6.9-6.14 (cd197c3a2040): wp_can_reuse_anon_folio() refuses every large folio
    mm_id,     // 6.15+ (1da190f4d0a6): __wp_can_reuse_large_anon_folio(): mapped by this MM
               // only (MM_ID), more than one mapping, and large mapcount == refcount
    mapcount,  // no kernel: as mm_id without the refcount test (GUP references ignored)
    per_page,  // no kernel (PreCOP on large folios): the write_fault rule on the page alone, as
               // if it were an order-0 folio
};

// What a collapse of the PTE-mapped pages of a THP range needs besides every era's refcount
// check (no GUP reference: is_refcount_suitable()): hpage_collapse_scan_pmd() (khugepaged_scan_pmd()
// before 6.1) and __collapse_huge_page_isolate() in mm/khugepaged.c. The model's `collapse` step
// is MADV_COLLAPSE where the era has it (6.1+), else khugepaged's collapse of the range.
enum class Collapse : std::uint8_t {
    exclusive_order0,      // 5.7: page_count() == 1 (+ swapcache): no page mapped by another
                           // process, none of a large folio (PageCompound: SCAN_PAGE_COMPOUND),
                           // and a writable PTE (SCAN_PAGE_RO)
    writable_half_shared,  // 5.8-6.0, khugepaged: shared pages up to max_ptes_shared (default
                           // HPAGE_PMD_NR / 2: half the range), PTE-mapped large folios too
                           // (5.8), and a writable PTE
    writable,              // 6.1-6.17, MADV_COLLAPSE: no limit on shared pages (only khugepaged
                           // has one), still a writable PTE
    any,                   // 6.18: the writable PTE is no longer needed ("enable khugepaged
                           // anonymous collapse on non-writable regions")
};

struct CowPolicy {
    std::string name;     // used by specs and traces: "linux-5.19"
    std::string summary;  // one line for `cowpin policies`
    // PG_anon_exclusive exists. Policies without it never set it, so it never splits states.
    bool anon_exclusive = false;
    // Swap PTEs and migration entries remember exclusivity (pte_swp_mkexclusive(),
    // readable_exclusive migration entries; 5.19 "COW fixes part 3"). Needs anon_exclusive.
    // Without it (archs lacking __HAVE_ARCH_PTE_SWP_EXCLUSIVE) a swapped-out exclusive page
    // comes back possibly shared.
    bool exclusive_entries = false;
    WpReuse wp_reuse = WpReuse::mapcount;
    GupRead gup_read_pin = GupRead::none;
    GupRead gup_read_get = GupRead::none;
    ForkPresent fork = ForkPresent::share;
    MayUnmap swap_out = MayUnmap::always;
    MayUnmap migrate = MayUnmap::always;
    SwapIn swap_in = SwapIn::mapcount;
    MprotectUpgrade mprotect = MprotectUpgrade::never;
    ClearRefs clear_refs = ClearRefs::wrprotect;
    ODirect odirect = ODirect::get;
    // The memory kinds the policy models (memory_bit()); a spec of another kind is refused for
    // it, by name, and never run as base pages.
    std::uint8_t memory = memory_bit(Memory::base);
    // hugetlb (memory_bit(Memory::hugetlb)): fork of a hugetlb page (copy_hugetlb_page_range():
    // share, 5.12+ page_needs_cow_for_dma() copy, 5.19+ hugetlb_try_dup_anon_rmap()) and its
    // write fault.
    ForkPresent hugetlb_fork = ForkPresent::share;
    HugetlbWp hugetlb_write_fault = HugetlbWp::mapcount;
    // thp (memory_bit(Memory::thp)): the write fault on a PMD-mapped THP and on a PTE of a
    // large folio. Fork, GUP and unmap of a THP follow the base rules on the folio's counts.
    HugePmdWp huge_pmd_write_fault = HugePmdWp::anon_exclusive_split;
    LargeFolioWp large_folio_write_fault = LargeFolioWp::as_base;
    Collapse collapse = Collapse::any;

    bool models(Memory m) const { return memory & memory_bit(m); }

    // Same decisions (name and summary aside).
    bool same_decisions(const CowPolicy& o) const {
        return same_base_decisions(o) && memory == o.memory && hugetlb_fork == o.hugetlb_fork &&
               hugetlb_write_fault == o.hugetlb_write_fault &&
               huge_pmd_write_fault == o.huge_pmd_write_fault &&
               large_folio_write_fault == o.large_folio_write_fault && collapse == o.collapse;
    }
    // Same decisions wherever a run on memory `m` consults them.
    bool decides_alike_on(Memory m, const CowPolicy& o) const {
        if (!same_base_decisions(o) || models(m) != o.models(m)) return false;
        if (m == Memory::thp)
            return huge_pmd_write_fault == o.huge_pmd_write_fault &&
                   large_folio_write_fault == o.large_folio_write_fault &&
                   collapse == o.collapse;
        return m != Memory::hugetlb ||
               (hugetlb_fork == o.hugetlb_fork && hugetlb_write_fault == o.hugetlb_write_fault);
    }
    bool same_base_decisions(const CowPolicy& o) const {
        return anon_exclusive == o.anon_exclusive && exclusive_entries == o.exclusive_entries &&
               wp_reuse == o.wp_reuse && gup_read_pin == o.gup_read_pin &&
               gup_read_get == o.gup_read_get && fork == o.fork && swap_out == o.swap_out &&
               migrate == o.migrate && swap_in == o.swap_in && mprotect == o.mprotect &&
               clear_refs == o.clear_refs && odirect == o.odirect;
    }
};

// The built-in policies, in the order of MODEL.md §4.
std::span<const CowPolicy* const> all_policies();
// nullptr if there is none by that name.
const CowPolicy* find_policy(std::string_view name);
// "linux-5.7, linux-5.8, ..." for error messages.
std::string policy_names();

}  // namespace cowpin
