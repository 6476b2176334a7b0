// The projection of an unfinished search from its whole levels (checker/run/projection.hpp): on
// hand-made level sequences, worked out in the comments, and on the levels of searches that
// finish, cut where a shorter run would have stopped, against the true totals.
#include <doctest/doctest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#include "checker/run/projection.hpp"

using namespace cowpin;

namespace {

using Levels = std::vector<std::uint64_t>;

std::uint64_t sum(const Levels& l) { return std::accumulate(l.begin(), l.end(), std::uint64_t{0}); }

// The first `n` levels, as a run stopped after finding them would have them.
Levels first(const Levels& l, std::size_t n) { return Levels(l.begin(), l.begin() + n); }

// `cowpin check --stats` on this machine: the states at each depth of searches that finish.
const Levels kExhaustivePins519{1, 8, 25, 97, 276, 561, 979, 1531, 2103, 2973, 4022, 5454, 6700, 7146, 6579, 5603, 4642, 3540, 2350, 1388, 780, 433, 218, 84, 20, 2};  // specs/exhaustive-pins.json, linux-5.19: 57,515

// cowpin bench's first rung (2, 1, 2, 1), linux-5.19 (symmetry on): 718,851 states, depth 30.
const Levels kBenchPins2121{1,     8,     28,    124,   413,   973,   1986,  3882,  6656,  10629, 16602,
                            24344, 33633, 44595, 57448, 72393, 83492, 84829, 76340, 63548, 49965, 36162,
                            23486, 13791, 7418,  3599,  1590,  648,   216,   48,    4};

// The ladder's rung (3, 1, 2, 1), linux-5.19 (symmetry on), run to its end on this machine:
// 194,526,897 states, depth 38, holds (`check specs/bench/bench-pins-3121.json --stats`).
const Levels kBenchPins3121{1,        8,        30,       162,      802,      3418,     12043,
                            35738,    92345,    213897,   446046,   853591,   1514278,  2513468,
                            3929650,  5807414,  8201965,  11166987, 14551530, 17874797, 20390727,
                            21479849, 20906879, 18791668, 15518354, 11704118, 8045690,  5037843,
                            2863902,  1468772,  675682,   277828,   101500,   32944,    9703,
                            2605,     571,      84,       8};

// Every cut of `l` after `from` levels or more is past the peak and projected within `within`
// (a fraction) of the whole search.
void check_cuts_within(const Levels& l, std::size_t from, double within) {
    const double total = double(sum(l));
    for (std::size_t n = from; n <= l.size(); ++n) {
        CAPTURE(n);
        const Projection p = project_levels(first(l, n), sum(first(l, n)));
        REQUIRE(bool(p));
        CHECK(p.past_peak);
        CHECK(double(p.states) > total * (1 - within));
        CHECK(double(p.states) < total * (1 + within));
    }
}

}  // namespace

TEST_CASE("a bell's levels are projected exactly from its rising half") {
    // Levels 1 4 8 8 4 1: growth ratios 4 2 1 1/2 1/4, whose log falls by log 2 a level. From
    // 1 4 8 8 the line through log 4, log 2, log 1 continues to 1/2, 1/4, 1/8: levels 4 and 1,
    // then 1/8 of a state, which ends it.
    const Projection p = project_levels({1, 4, 8, 8}, 21);
    REQUIRE(bool(p));
    CHECK(p.states == 26);
    CHECK(p.depth == 5);
    CHECK(p.ratios == 3);
    CHECK(p.last_ratio == 1);
    CHECK(projection_method(p) ==
          "log growth ratio fitted linearly over the last 4 whole levels and extrapolated until "
          "the levels vanish; before the peak: a rough guess");  // 8 / 8 is no shrinking
}

TEST_CASE("the projection is never below the states the search found") {
    // A partial level of 19 states past 1 4 8 8: more than the bell's 4 + 1.
    const Projection p = project_levels({1, 4, 8, 8}, 40);
    REQUIRE(bool(p));
    CHECK(p.states == 40);
}

TEST_CASE("levels that grow by a steady ratio, or too few of them, are not projected") {
    const Projection doubling = project_levels({1, 2, 4, 8, 16}, 31);
    CHECK_FALSE(bool(doubling));
    CHECK(doubling.why_not ==
          "the growth ratio is not falling over the last 5 levels (x2 a level at the last): no "
          "end in sight");
    CHECK(doubling.states == 31);
    const Projection few = project_levels({1, 3, 9}, 13);
    CHECK_FALSE(bool(few));
    CHECK(few.why_not == "3 whole levels, too few to fit a trend to (at least 4)");
}

TEST_CASE("level sizes read as a line, the partial level marked") {
    CHECK(levels_text({1, 3, 12}, 0) == "1 3 12");
    CHECK(levels_text({1, 3, 12}, 40) == "1 3 12 + 40 partial");
}

TEST_CASE("exhaustive-pins under linux-5.19 is projected within 2% from two thirds of its depth, "
          "past its peak, and nearly three times too big from half, before it") {
    const Levels& l = kExhaustivePins519;
    REQUIRE(sum(l) == 57515);
    REQUIRE(l.size() == 26);  // depth 25, the widest level 13 (7,146 states)
    // Half: levels 0-12, still growing (6,700 / 5,454 = x1.23): the falling ratios are fitted
    // to the rise alone and reach the levels' end too late.
    const Projection half = project_levels(first(l, 13), sum(first(l, 13)));
    REQUIRE(bool(half));
    CHECK(sum(first(l, 13)) == 24730);
    CHECK(half.states == 158661);  // +176%
    CHECK(half.depth == 41);
    CHECK_FALSE(half.past_peak);
    // Two thirds: levels 0-16, past the peak (4,642 / 5,603 = x0.83).
    const Projection two_thirds = project_levels(first(l, 17), sum(first(l, 17)));
    REQUIRE(bool(two_thirds));
    CHECK(sum(first(l, 17)) == 48700);
    CHECK(two_thirds.states == 56338);  // -2.0%
    CHECK(two_thirds.depth == 26);
    CHECK(two_thirds.past_peak);
}

TEST_CASE("bench-pins-2121 is projected within 4% from its first shrinking level on, and 86% too "
          "big from three levels before its peak") {
    const Levels& l = kBenchPins2121;
    REQUIRE(sum(l) == 718851);
    // Levels 0-18: 76,340 after 84,829 (x0.90), the first level past the peak.
    const Projection past = project_levels(first(l, 19), sum(first(l, 19)));
    REQUIRE(bool(past));
    CHECK(past.past_peak);
    CHECK(past.states == 744835);  // +3.6%
    CHECK(past.depth == 34);
    // Every later cut comes closer: within 1.5%.
    check_cuts_within(l, 20, 0.015);
    // Levels 0-15: 72,393 after 57,448 (x1.26), still growing.
    const Projection before = project_levels(first(l, 16), sum(first(l, 16)));
    REQUIRE(bool(before));
    CHECK_FALSE(before.past_peak);
    CHECK(before.states == 1335941);  // +85.8%
    CHECK(before.depth == 43);
}

TEST_CASE("bench-pins-3121, 194,526,897 states, is projected 6.2% too big at its first shrinking "
          "level and within 2.5% from the next on, but 32% too small or 57% too big before it") {
    const Levels& l = kBenchPins3121;
    REQUIRE(sum(l) == 194526897);
    REQUIRE(l.size() == 39);  // depth 38, the widest level 21 (21,479,849 states)
    // Levels 0-22: 20,906,879 after 21,479,849 (x0.97), the first level past the peak.
    const Projection past = project_levels(first(l, 23), sum(first(l, 23)));
    REQUIRE(bool(past));
    CHECK(past.past_peak);
    CHECK(past.states == 206514315);  // +6.2%
    CHECK(past.depth == 43);
    check_cuts_within(l, 24, 0.025);
    // Before the peak the line swings: levels 0-15 (what 200 s found on a shared machine) give
    // 132.7 million (-31.8%), levels 0-19 give 305 million (+56.7%).
    const Projection at200s = project_levels(first(l, 16), sum(first(l, 16)));
    REQUIRE(bool(at200s));
    CHECK_FALSE(at200s.past_peak);
    CHECK(at200s.states == 132719762);
    const Projection at20 = project_levels(first(l, 20), sum(first(l, 20)));
    REQUIRE(bool(at20));
    CHECK_FALSE(at20.past_peak);
    CHECK(at20.states == 304875441);
}
