#include "model/memory.hpp"

namespace cowpin {

std::string_view memory_name(Memory m) {
    switch (m) {
        case Memory::base:
            return "base";
        case Memory::thp:
            return "thp";
        case Memory::hugetlb:
            return "hugetlb";
    }
    return "?";
}

std::optional<Memory> parse_memory(std::string_view name) {
    for (Memory m : {Memory::base, Memory::thp, Memory::hugetlb})
        if (memory_name(m) == name) return m;
    return std::nullopt;
}

// hugetlb (MODEL.md §9): a huge page is never swapped out, reclaimed or migrated by the model.
// As a system call, MADV_PAGEOUT of a hugetlb VMA is refused by the kernel (a step that changes
// nothing, syscalls.cpp); as a kernel event it never happens. UFFDIO_WRITEPROTECT of private
// hugetlb memory needs 5.19's hugetlb uffd-wp, which the model does not follow.
std::optional<std::string> memory_refuses(Memory memory, Op op, bool step) {
    if ((op == Op::split_pmd || op == Op::split_folio || op == Op::collapse) &&
        memory != Memory::thp)
        return std::string(op_name(op)) + " is a THP step (memory \"thp\")";
    if (memory != Memory::hugetlb) return std::nullopt;
    switch (op) {
        case Op::swap_out:
            if (step) return std::nullopt;
            [[fallthrough]];
        case Op::reclaim:
        case Op::migrate_start:
        case Op::migrate_finish:
            return std::string("hugetlb pages are never swapped out, reclaimed or migrated by "
                               "the model (docs/semantics/state.md)");
        case Op::uffd_wp:
            return std::string("uffd-wp of hugetlb memory is not modelled (hugetlb uffd-wp "
                               "came in 5.19)");
        default:
            return std::nullopt;
    }
}

}  // namespace cowpin
