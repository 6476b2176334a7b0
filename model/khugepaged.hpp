// THP collapse (MADV_COLLAPSE, khugepaged): model/khugepaged.cpp.
#pragma once

#include "model/ops.hpp"
#include "model/state.hpp"

namespace cowpin {

enum class CollapseCheck : std::uint8_t {
    ok,            // the range collapses
    pmd_mapped,    // a PMD maps it already (SCAN_PMD_MAPPED: MADV_COLLAPSE succeeds, no change)
    not_eligible,  // a hole in the range, or a migration entry (or a swap entry that waits)
    referenced,    // a GUP reference or an isolated page (SCAN_PAGE_COUNT, every era)
    refused,       // the era's own checks (the policy's collapse rule)
};

// Whether process proc's VMA collapses into a THP (records the decision). The range is the whole
// VMA: a THP spans it, kMaxPages pages (the parser allows no other size).
CollapseCheck collapse_check(const State& s, int proc, const OpContext& ctx);
// The collapse itself, once collapse_check() said ok: swap entries in the range are swapped in
// first, and the range is checked again; false if it then does not collapse.
bool collapse_huge_page(State& s, int proc, const OpContext& ctx);
// Both: false if the range does not collapse.
bool do_collapse(State& s, int proc, const OpContext& ctx);

}  // namespace cowpin
