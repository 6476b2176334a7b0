// The pages of `cowpin report --html DIR` (html_page.hpp writes them): index.html, with the
// policy × scenario matrix that `check` prints (each cell's verdict; each trace a cell found
// linked to its chart, its explain page and its JSON), the needless-copy table that `compare`
// prints, and the statistics of every run; and one page per trace with its `explain` text under
// its chart. Every link is a relative path inside DIR, so the site works from file:// and copied
// anywhere.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/run/copies.hpp"
#include "checker/run/run.hpp"

namespace cowpin {

// A trace's files, relative to the site's root: "traces/X.json", "charts/X.svg",
// "explain/X.html".
struct TraceLinks {
    std::string json, chart, explain;
};
// The files of the trace named `file` ("X.json", as counterexample_filename() names it).
TraceLinks trace_links(const std::string& file);

// One (spec, policy) run of the report.
struct ReportEntry {
    const RunResult* run = nullptr;
    // Per run->counterexamples: its files, or nullopt where none were written (a run a limit
    // cut short writes no trace).
    std::vector<std::optional<TraceLinks>> traces;
    // Scenarios only (an exhaustive spec's copies are per path): min..max over complete
    // executions, and the shortest needless-copy witness.
    bool copies_measured = false;
    std::optional<CopyRange> copies, needless;
    std::optional<std::size_t> witness_steps;
    std::optional<TraceLinks> witness;
};

// index.html. `refusals` are the "SPEC POLICY: refused: why" lines of runs that did not happen;
// `tool` names the cowpin that wrote it ("cowpin 0.1.0 (commit abc)").
std::string report_index_html(const std::vector<ReportEntry>& entries,
                              const std::vector<std::string>& refusals, std::string_view tool);

// explain/X.html: `title` (the trace's first explain line), the chart, `text` (explain's output)
// and links to the index, the chart and the JSON, from explain/.
std::string explain_page_html(std::string_view title, std::string_view text, const TraceLinks& links);

}  // namespace cowpin
