// The projection of an unfinished search from its whole levels (projection.hpp says how and
// where it errs).
#include "checker/run/projection.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace cowpin {

namespace {

// Past this many states (or levels beyond the last whole one) the projection gives up: the
// growth ratio falls too slowly to say where the search ends.
constexpr double kMaxProjected = 1e19;
constexpr std::uint32_t kMaxProjectedLevels = 100000;

}  // namespace

Projection project_levels(const std::vector<std::uint64_t>& levels, std::uint64_t found) {
    Projection p;
    double total = 0;
    for (const std::uint64_t n : levels) total += double(n);
    p.states = std::max<std::uint64_t>(found, static_cast<std::uint64_t>(total));
    p.depth = levels.empty() ? 0 : static_cast<std::uint32_t>(levels.size() - 1);
    if (std::find(levels.begin(), levels.end(), 0) != levels.end()) {
        p.why_not = "a level is empty: the search had ended";
        return p;
    }
    const std::size_t n = levels.size();
    const std::size_t available = n < 2 ? 0 : n - 1;  // ratio d is L(d+1) / L(d)
    p.ratios = static_cast<unsigned>(std::min<std::size_t>(available, kProjectionRatios));
    if (p.ratios < kMinRatios) {
        p.why_not = fmt::format("{} whole level{}, too few to fit a trend to (at least {})", n,
                                n == 1 ? "" : "s", kMinRatios + 1);
        return p;
    }
    p.last_ratio = double(levels[n - 1]) / double(levels[n - 2]);
    p.past_peak = p.last_ratio < 1;
    // Least squares: log r_d = a + b d over the last p.ratios ratios.
    const std::size_t first = available - p.ratios;
    double mx = 0, my = 0;
    for (std::size_t d = first; d < available; ++d) {
        mx += double(d);
        my += std::log(double(levels[d + 1]) / double(levels[d]));
    }
    mx /= p.ratios;
    my /= p.ratios;
    double sxy = 0, sxx = 0;
    for (std::size_t d = first; d < available; ++d) {
        const double x = double(d) - mx;
        sxy += x * (std::log(double(levels[d + 1]) / double(levels[d])) - my);
        sxx += x * x;
    }
    const double b = sxy / sxx, a = my - b * mx;
    if (!(b < 0)) {
        p.why_not = fmt::format("the growth ratio is not falling over the last {} levels (x{:.3g} "
                                "a level at the last): no end in sight",
                                p.ratios + 1, p.last_ratio);
        return p;
    }
    // Continue the levels until one holds less than half a state.
    double level = double(levels.back());
    std::uint32_t depth = static_cast<std::uint32_t>(n - 1);
    for (;;) {
        level *= std::exp(a + b * double(depth));
        if (level < 0.5) break;
        total += level;
        ++depth;
        if (total > kMaxProjected || depth - (n - 1) > kMaxProjectedLevels) {
            p.why_not = fmt::format("the growth ratio falls too slowly: past {:.0e} states or {} "
                                    "more levels",
                                    kMaxProjected, kMaxProjectedLevels);
            return p;
        }
    }
    p.states = std::max<std::uint64_t>(found, static_cast<std::uint64_t>(std::llround(total)));
    p.depth = depth;
    return p;
}

std::string projection_method(const Projection& p) {
    return fmt::format("log growth ratio fitted linearly over the last {} whole levels and "
                       "extrapolated until the levels vanish; {}",
                       p.ratios + 1,
                       p.past_peak ? "past the peak" : "before the peak: a rough guess");
}

std::string projection_text(const std::vector<std::uint64_t>& levels, std::uint64_t found) {
    const Projection p = project_levels(levels, found);
    return p ? fmt::format("projected {} states to depth {} ({})", p.states, p.depth,
                           projection_method(p))
             : "no projection: " + p.why_not;
}

std::string levels_text(const std::vector<std::uint64_t>& levels, std::uint64_t partial) {
    std::string s;
    for (const std::uint64_t n : levels) s += fmt::format("{}{}", s.empty() ? "" : " ", n);
    if (partial) s += fmt::format("{}+ {} partial", s.empty() ? "" : " ", partial);
    return s;
}

}  // namespace cowpin
