// What a step did besides changing the state, for those who ask (a null StepEffects* asks
// nothing, and the search never asks): copies and needless copies (MODEL.md §5 "also
// measured"), and why a program step changed nothing (syscalls.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cowpin {

// Why a program step changed nothing (StepEffects::noop).
enum class NoOp : std::uint8_t {
    none,
    read_present,         // a read of a present page reads it
    mprotect_swapped,     // change_pte_range() leaves a swap entry as it is
    clear_refs_pinned,    // clear_soft_dirty() → pte_is_pinned()
    clear_refs_not_present,  // clear_soft_dirty() of a swap or migration entry: soft-dirty only
    uffd_wp_not_present,  // the model keeps no uffd-wp bit in swap and migration entries
    pageout_not_present,  // MADV_PAGEOUT walks present PTEs only
    pageout_shared,       // madvise_cold_or_pageout_pte_range(): folio_mapcount() != 1
    pageout_refused,      // shrink_folio_list() keeps the page: the policy's swap_out rule
    pageout_no_slot,      // no free swap slot (the bounds' swap_slots)
    reclaim_not_possible, // only a swapcache page nothing else holds can be reclaimed
    migrate_not_present,  // nothing present to migrate at that page
    migrate_refused,      // the policy's migrate rule (try_to_migrate_one() refuses a pin)
    migrate_none,         // migrate_finish with no migration in flight
    handle_free,          // unpin or dma_write of a handle that holds no reference
    clear_refs_hugetlb,   // clear_refs_walk_ops has no hugetlb_entry: hugetlb PTEs stay
    pageout_hugetlb,      // MADV_PAGEOUT refuses a hugetlb VMA (-EINVAL)
    split_pmd_none,       // split_pmd of a page that no PMD maps
    madvise_fork_same,    // MADV_DONTFORK of a VM_DONTCOPY page, MADV_DOFORK of one without it
    split_folio_not_large,  // split_folio of an order-0 page
    split_folio_refused,    // can_split_folio(): a GUP reference, or isolated for migration
    collapse_pmd_mapped,    // MADV_COLLAPSE of a range a PMD maps already
    collapse_not_eligible,  // a hole in the range, or a page not present
    collapse_referenced,    // a GUP reference (is_refcount_suitable())
    collapse_refused,       // the era's checks (the policy's collapse rule)
    pageout_folio_referenced,  // shrink_folio_list(): !can_split_folio(), the folio is kept
};
inline constexpr int kNoOps = 26;

// The decision points of a policy (policy.hpp; the keys of a policy file) and the two ways each
// can go, as a step consults them: the coverage of a run (Murphi's and TLC's "which rules
// fired") counts them per transition. A point is recorded only where its answer matters: the
// GUP read rules for a R/O GUP of a page not mapped writable, swap-out and migration for a page
// with GUP references, clear_refs for a writable pinned page.
enum class Decision : std::uint8_t {
    write_fault, gup_read_pin, gup_read_get, fork, swap_out, migrate, swap_in, mprotect,
    clear_refs, odirect, hugetlb_fork, hugetlb_write_fault, huge_pmd_write_fault,
    large_folio_write_fault, collapse,
};
inline constexpr int kDecisionPoints = 15;
inline constexpr std::uint32_t kAllDecisions = (1u << kDecisionPoints) - 1;
// Their names: the keys of a policy file (checker/formats/policy_json.hpp).
inline constexpr std::array<std::string_view, kDecisionPoints> kDecisionNames = {
    "write_fault", "gup_read_pin", "gup_read_get", "fork",       "swap_out",
    "migrate",     "swap_in",      "mprotect",     "clear_refs", "odirect",
    "hugetlb_fork", "hugetlb_write_fault", "huge_pmd_write_fault", "large_folio_write_fault",
    "collapse",
};
inline std::optional<Decision> find_decision(std::string_view name) {
    for (int i = 0; i < kDecisionPoints; ++i)
        if (kDecisionNames[i] == name) return static_cast<Decision>(i);
    return std::nullopt;
}
// Outcome 0 or 1 of each point: reuse | copy, as is | fault, share | copy, allowed | refused,
// allowed | refused, writable | R/O, writable | R/O, write-protect | skip, get | pin,
// share | copy, reuse | copy, reuse | split or copy, reuse | copy, collapse | refuse.
inline constexpr std::uint32_t decision_bit(Decision d, bool second) {
    return 1u << (2 * static_cast<int>(d) + (second ? 1 : 0));
}

// Counters and records a step adds to.
struct StepEffects {
    std::uint8_t copies = 0;     // COW copies and unshares (wp_page_copy)
    std::uint8_t needless = 0;   // of those, of a frame no other process mapped or referenced
    NoOp noop = NoOp::none;      // a program step that changed nothing: why
    std::uint32_t decisions = 0; // decision_bit() of each decision the step consulted

    void decided(Decision d, bool second) { decisions |= decision_bit(d, second); }
};

inline void record(StepEffects* fx, Decision d, bool second) {
    if (fx) fx->decided(d, second);
}

}  // namespace cowpin
