// What a spec's VMA is made of (MODEL.md §9 "memory"), and what each kind of memory allows.
//
// The memory kind is a property of the spec, fixed for a whole run (ModelConfig::memory): the
// steps consult it where the kernel takes another path (hugetlb_wp() for do_wp_page(),
// copy_hugetlb_page_range() for copy_present_pte()), and the parser refuses what the kernel or
// the model does not do with that memory, with the reason.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/action.hpp"

namespace cowpin {

// Order-0 anonymous pages; a transparent huge page; hugetlb pages (MAP_HUGETLB), one model
// page per huge page.
enum class Memory : std::uint8_t { base, thp, hugetlb };
inline constexpr std::uint8_t memory_bit(Memory m) {
    return static_cast<std::uint8_t>(1u << static_cast<int>(m));
}
std::string_view memory_name(Memory m);
std::optional<Memory> parse_memory(std::string_view name);

// Why `op` cannot be used on `memory` (as a program step if `step`, else as an action family
// or environment action), or nothing if it can.
std::optional<std::string> memory_refuses(Memory memory, Op op, bool step);

}  // namespace cowpin
