// The decision points of a policy (policy.hpp, Decision in effects.hpp) in kernel words: the
// kernel function that takes each decision, and the names of its two outcomes. One table, read
// by `check --coverage` (how often each outcome fired), `explain` (the decision each step took)
// and `policies --describe`; indexed by Decision, names in kDecisionNames.
#pragma once

#include <array>
#include <string_view>

#include "model/effects.hpp"

namespace cowpin {

struct DecisionPointText {
    Decision point;
    // The function that decides, in every era the policies model (its callers and its later
    // renames aside: shrink_page_list() became shrink_folio_list(), hugetlb_cow() hugetlb_wp()).
    std::string_view kernel_function;
    // Outcome 0 and 1 (decision_bit(point, false), decision_bit(point, true)).
    std::array<std::string_view, 2> outcomes;
};

inline constexpr std::array<DecisionPointText, kDecisionPoints> kDecisionPointTable = {{
    {Decision::write_fault, "do_wp_page", {"reuse", "copy"}},
    // A GUP without FOLL_WRITE of a page not mapped writable: take it as it is mapped, or fault
    // first (5.8 should_force_cow_break(), 5.19 gup_must_unshare(), PreCOP's copy-on-pin).
    {Decision::gup_read_pin, "__get_user_pages", {"as is", "fault"}},
    {Decision::gup_read_get, "__get_user_pages", {"as is", "fault"}},
    {Decision::fork, "copy_present_pte", {"share", "copy"}},
    {Decision::swap_out, "shrink_folio_list", {"allowed", "refused"}},
    {Decision::migrate, "try_to_migrate_one", {"allowed", "refused"}},
    // The PTE the swapped-in page gets.
    {Decision::swap_in, "do_swap_page", {"writable", "R/O"}},
    {Decision::mprotect, "change_pte_range", {"writable", "R/O"}},
    {Decision::clear_refs, "clear_soft_dirty", {"write-protect", "skip"}},
    // The reference O_DIRECT takes: FOLL_GET (iov_iter_get_pages()) or FOLL_PIN.
    {Decision::odirect, "bio_iov_iter_get_pages", {"get", "pin"}},
    {Decision::hugetlb_fork, "copy_hugetlb_page_range", {"share", "copy"}},
    {Decision::hugetlb_write_fault, "hugetlb_wp", {"reuse", "copy"}},
    {Decision::huge_pmd_write_fault, "do_huge_pmd_wp_page", {"reuse", "split or copy"}},
    // A R/O PTE of a page of a large folio (through wp_can_reuse_anon_folio() where the era has
    // it).
    {Decision::large_folio_write_fault, "do_wp_page", {"reuse", "copy"}},
    {Decision::collapse, "hpage_collapse_scan_pmd", {"collapse", "refuse"}},
}};

// Row i is Decision i.
constexpr bool decision_table_in_order() {
    for (int i = 0; i < kDecisionPoints; ++i)
        if (static_cast<int>(kDecisionPointTable[i].point) != i) return false;
    return true;
}
static_assert(decision_table_in_order());

inline const DecisionPointText& decision_point_text(Decision d) {
    return kDecisionPointTable[static_cast<int>(d)];
}

}  // namespace cowpin
