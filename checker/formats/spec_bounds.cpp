// A spec's bounds and memory kind, checked against what this build holds (kMaxProcs, kMaxCells,
// kMaxFrames, ...) and against each other: the "bounds" and "memory" fields (spec_parser.hpp),
// --bound NAME=VALUE, and the limits memory "thp" adds (spec.hpp).
#include <optional>
#include <string>

#include <fmt/format.h>

#include "checker/formats/spec.hpp"
#include "checker/formats/spec_parser.hpp"
#include "model/memory.hpp"

namespace cowpin {

namespace {

// Every bound a spec or --bound may set, with its range: one table for the "bounds" object,
// validate_bounds() and apply_bound(). A spec must give all but depth.
struct BoundField {
    const char* name;
    int Bounds::*field;
    int lo, hi;
    bool required;
};
constexpr BoundField kBoundFields[] = {
    {"processes", &Bounds::processes, 1, kMaxProcs, true},
    {"pages", &Bounds::pages, 1, kMaxPages, true},
    {"handles", &Bounds::handles, 0, kMaxHandles, true},
    {"swap_slots", &Bounds::swap_slots, 0, kMaxSlots, true},
    {"depth", &Bounds::depth, 0, 10000, false},
};
constexpr const char* kBoundNames = "processes, pages, handles, swap_slots, depth";

const BoundField* bound_field(const std::string& name) {
    for (const BoundField& f : kBoundFields)
        if (name == f.name) return &f;
    return nullptr;
}

}  // namespace

namespace spec_detail {

void parse_bounds(const Parser& p, const json& j, Bounds& b) {
    p.want(j, "bounds", j.is_object(), "an object");
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string f = "bounds." + it.key();
        const BoundField* field = bound_field(it.key());
        if (!field) p.fail(f, fmt::format("unknown bound (expected {})", kBoundNames));
        b.*field->field = p.integer(*it, f, field->lo, field->hi);
    }
    for (const BoundField& field : kBoundFields)
        if (field.required && !j.contains(field.name))
            p.fail(fmt::format("bounds.{}", field.name), "missing (expected an integer)");
    if (auto why = cells_problem(b)) p.fail("bounds.pages", *why);
}

// "memory": "base", "thp" or "hugetlb" (MODEL.md §9).
Memory parse_memory_kind(const Parser& p, const json& j) {
    p.want(j, "memory", j.is_string(), "a string: base, thp or hugetlb");
    const std::optional<Memory> m = parse_memory(j.get<std::string>());
    if (!m)
        p.fail("memory", fmt::format("unknown memory kind {} (expected base, thp or hugetlb)",
                                     spec_detail::shown(j)));
    return *m;
}

// A THP spans the VMA (MODEL.md §9): an order-1 folio of 2 pages, or an order-2 one of 4 (a
// 16 kB anonymous mTHP).
void check_memory_bounds(const Parser& p, const Spec& spec) {
    if (spec.memory != Memory::thp) return;
    if (auto why = thp_pages_problem(spec.bounds)) p.fail("bounds.pages", *why);
}

// ... and every frame its folios can keep alive fits (after the programs are read).
void check_thp_frames(const Parser& p, const Spec& spec) {
    if (spec.memory != Memory::thp) return;
    const Bounds& b = spec.bounds;
    // Processes alive at once: a program may keep some apart ("wait P1 exited" before "fork P2").
    // Every large folio is kept alive by a mapping, a handle or a collapse under way (the + 1);
    // a page only the swapcache holds is order-0 (reclaim splits a large folio before it swaps
    // it out, or frees it whole: reclaim.cpp).
    const int live = live_process_bound(spec.programs, b.processes);
    if (auto why = thp_frames_problem(b, live)) p.fail("bounds", *why);
}

// Steps, action families and environment actions the spec's memory does not allow
// (memory_refuses(), model/memory.hpp).
void check_memory_ops(const Parser& p, const Spec& spec) {
    auto check = [&](Op op, bool step, const std::string& field) {
        if (auto why = memory_refuses(spec.memory, op, step))
            p.fail(field, fmt::format("'{}' on {} memory: {}", op_name(op),
                                      memory_name(spec.memory), *why));
    };
    for (int proc = 0; proc < kMaxProcs; ++proc)
        for (std::size_t i = 0; i < spec.programs[proc].size(); ++i)
            check(spec.programs[proc][i].op, true, fmt::format("programs.P{}[{}]", proc, i));
    for (int op = 0; op < kOps; ++op) {
        if (spec.families & op_bit(static_cast<Op>(op)))
            check(static_cast<Op>(op), false, "actions");
        if (spec.environment & op_bit(static_cast<Op>(op)))
            check(static_cast<Op>(op), false, "environment");
    }
}

}  // namespace spec_detail

void validate_bounds(const Bounds& b, const std::string& where) {
    for (const BoundField& f : kBoundFields) {
        const int v = b.*f.field;
        if (v < f.lo || v > f.hi)
            throw SpecError(fmt::format("{}: bound '{}': expected an integer {}..{}, got {}", where,
                                        f.name, f.lo, f.hi, v));
    }
    if (auto why = cells_problem(b)) throw SpecError(fmt::format("{}: bound 'pages': {}", where, *why));
}

std::optional<std::string> cells_problem(const Bounds& b) {
    if (b.processes * b.pages <= kMaxCells) return std::nullopt;
    return fmt::format("expected processes × pages at most {} (ideal cells this build holds), "
                       "got {} × {} = {}", kMaxCells, b.processes, b.pages,
                       b.processes * b.pages);
}

std::optional<std::string> thp_pages_problem(const Bounds& b) {
    if (b.pages == 2 || b.pages == 4) return std::nullopt;
    return fmt::format("a THP spans the VMA: expected 2 or 4 pages with memory \"thp\" (an "
                       "order-1 or order-2 folio), got {}", b.pages);
}

std::optional<std::string> thp_frames_problem(const Bounds& b, int live) {
    // Processes alive at once: a program may keep some apart ("wait P1 exited" before "fork
    // P2"). A step may allocate a whole folio (a collapse, 5.7's THP copy) before it frees.
    const int frames =
        frame_bound(b.processes, b.pages, b.handles, b.swap_slots, true, live) + b.pages;
    if (frames <= kMaxFrames) return std::nullopt;
    return fmt::format("with memory \"thp\", the frames its folios can keep alive "
                       "(frame_bound() + pages) must be at most {}, got {}", kMaxFrames, frames);
}

void apply_bound(Bounds& b, const std::string& assignment) {
    const std::size_t eq = assignment.find('=');
    const std::string name = assignment.substr(0, eq);
    const BoundField* field = bound_field(name);
    if (eq == std::string::npos || !field)
        throw SpecError(fmt::format("--bound '{}': expected name=value with name one of {}",
                                    assignment, kBoundNames));
    const std::string value = assignment.substr(eq + 1);
    if (value.empty() || value.size() > 5 || value.find_first_not_of("0123456789") != std::string::npos)
        throw SpecError(fmt::format("--bound '{}': expected a non-negative integer value", assignment));
    b.*field->field = std::stoi(value);
    validate_bounds(b, "--bound");
}

}  // namespace cowpin
