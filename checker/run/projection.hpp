// A search that cannot finish here (time, memory): how big would it be? From the sizes of the
// whole levels it explored, a projection of its total states and depth (issue 24: "a run that
// cannot finish here reports its level sizes and a projection of the total from them").
//
// A breadth-first search's levels grow, peak and shrink: the growth ratio r_d = L(d+1) / L(d)
// falls from level to level, past 1 at the peak. The projection fits log r_d as a straight line
// in d (least squares) over the ratios of the last whole levels, then continues the levels one by
// one, L(d+1) = L(d) * r_d, until one holds less than half a state. A log ratio falling linearly
// is a bell (log L quadratic in d): a search whose tail is longer than a bell's (a few states
// that need many more steps) is under-projected, one cut before its ratios start to fall cannot
// be projected at all. Measured on searches that finish (tests/test_projection.cpp), cut after
// each level: once the levels shrink (past the peak) the projection came within 6.2% of the
// total (exhaustive-pins under linux-5.19: -3.7% to +3.0%; bench-pins-2121: -1.5% to +3.6%;
// bench-pins-3121, 194.5 million states: +6.2% at its first shrinking level, then within 2.5%);
// before the peak anything from -99% (early levels) to +176%, so the output says which side of
// the peak it stands on.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cowpin {

struct Projection {
    std::uint64_t states = 0;  // the whole levels plus the projected ones (at least all found)
    std::uint32_t depth = 0;   // the deepest level projected to hold a state
    unsigned ratios = 0;       // growth ratios the line was fitted to
    double last_ratio = 0;     // the last whole level's growth ratio, measured
    bool past_peak = false;    // the last whole level is smaller than the one before
    std::string why_not;       // non-empty: no projection, and why
    explicit operator bool() const { return why_not.empty(); }
};

// Growth ratios fitted: the last this many, or all there are if fewer (at least kMinRatios).
inline constexpr unsigned kProjectionRatios = 6;
inline constexpr unsigned kMinRatios = 3;

// `levels`: the whole levels, level 0 first; `found`: every state the search found, a partial
// next level included (the projection is never below it).
Projection project_levels(const std::vector<std::uint64_t>& levels, std::uint64_t found);

// The method in a line, and which side of the peak it stands on, for output.
std::string projection_method(const Projection& p);

// "projected N states to depth D (method)", or "no projection: why", for project_levels().
std::string projection_text(const std::vector<std::uint64_t>& levels, std::uint64_t found);

// "1 3 12 40 + 77 partial": the level sizes, the partial level (if any) marked.
std::string levels_text(const std::vector<std::uint64_t>& levels, std::uint64_t partial);

}  // namespace cowpin
