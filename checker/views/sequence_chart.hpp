// `cowpin draw`: a trace as a message sequence chart, the way SPIN draws a trail. This file
// decides what the chart says; chart_svg.hpp lays it out as SVG.
//
// One lifeline per process and per device handle (and one for the kernel when a step is the
// kernel's own: reclaim, migration), one row per step, top to bottom, after a row for the initial
// state. A step is an arrow from its actor to the lifeline it reaches (fork to the child, a GUP
// call to its handle, a DMA write from the handle to its owner) or a box on its actor, labelled
// with the call it stands for and the GUP reference it took; the row's gutter has the step as
// `explain` writes it and the policy decisions it took. Under each lifeline, after each step:
// what the process sees at each page (the entry, the value it reads and the value a correct OS
// would show, in red where they differ), or what the device reads through its handle next to
// its cell's value; and a column of frames and swap slots with their counts. Frames are named
// F1, F2, ... along the trace as `explain` names them (trace_words.hpp). Invariants the path
// violated on the way are marked at their step; the end (violation, needless copy or stuck
// state) is marked after the last step with the trace's message, and a violation that may be a
// consequence of an earlier one says so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cowpin {

struct ChartLine {
    std::string text;
    bool wrong = false;  // what is seen differs from what a correct OS would show
    bool changed = false;  // changed by this row's step
};

struct Lifeline {
    enum class Kind { process, handle, kernel };
    Kind kind = Kind::process;
    std::string name;  // "P0", "h0", "kernel"
    std::string role;  // "process", "device handle", "kernel (no process)"
};

// A mark on a row: an invariant the path violated at this step (`earlier`), or the trace's end.
struct ChartMark {
    enum class Kind { earlier, violation, needless_copy, stuck };
    Kind kind = Kind::violation;
    std::string text;  // "get_no_leak violated after step 4: Leak through a GUP reference (...)"
    std::string note;  // "may be a consequence of memory_private at step 3", or ""
};

struct ChartRow {
    std::size_t step = 0;           // 0 the initial state
    std::string text;               // "P1 vmsplice v0 h0", or "initial state"
    std::vector<std::string> notes; // the decisions taken, why nothing changed
    std::string label;              // on the arrow or box: "vmsplice(): FOLL_GET R/O"
    int from = -1, to = -1;         // lifelines: an arrow from → to; a box on `from` if equal
    bool noop = false;              // a call the kernel refused or ignored
    // Per lifeline: what it sees after the step (empty where it is not alive).
    std::vector<std::vector<ChartLine>> cells;
    std::vector<bool> alive;        // per lifeline, after the step
    std::vector<ChartLine> frames;  // frames and swap slots after the step
    std::vector<ChartMark> marks;
};

struct SequenceChart {
    std::string title;     // "vmsplice-unmap-in-child under linux-5.7: get_no_leak violated ..."
    std::string subtitle;  // the spec's title and path
    std::vector<Lifeline> lifelines;
    std::vector<ChartRow> rows;  // rows[0] the initial state, rows[i] step i
};

// `trace` has replayed (replay.hpp); decisions[i] are the decision points step i + 1 took, as
// replay reports them.
SequenceChart sequence_chart(const nlohmann::json& trace, const std::vector<std::uint32_t>& decisions);

}  // namespace cowpin
