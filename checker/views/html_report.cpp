#include "checker/views/html_report.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "checker/views/html_page.hpp"
#include "checker/views/report.hpp"
#include "checker/views/results_formats.hpp"
#include "model/invariants.hpp"

namespace cowpin {

namespace {

// No '<', '>' or '&': a browser reads <style> as raw text, where an escaped one stays escaped.
constexpr const char* kReportCss = R"(
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; margin: 24px; color: #1a1a1a; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 18px; margin-top: 28px; }
p.summary { font-size: 15px; font-weight: bold; }
p.tool, p.legend { color: #555555; font-size: 13px; max-width: 1100px; }
table { border-collapse: collapse; font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 12px; }
th, td { border: 1px solid #c8ced8; padding: 3px 6px; text-align: left; vertical-align: top; }
thead th { background: #e3e9f2; position: sticky; top: 0; white-space: nowrap; }
td div { white-space: nowrap; }
tbody th { font-weight: normal; white-space: nowrap; }
td.ok { background: #ffffff; }
td.violates { background: #fff4f2; }
td.mismatch { background: #fde0e0; font-weight: bold; }
td.incomplete, td.unexpected { background: #fff8d6; }
td.none { color: #999999; }
td.num { text-align: right; }
div.trace { white-space: nowrap; font-size: 11px; }
div.trace a { margin-right: 5px; }
a { color: #1f4e8c; }
pre { font-family: 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 13px; background: #f7f7f7; padding: 12px; border: 1px solid #dddddd; }
img.chart { max-width: 100%; border: 1px solid #dddddd; }
)";

// The tag of a trace in the matrix: "GNL", or "ST" for a stuck trace.
std::string trace_tag(const Counterexample& cx) {
    return cx.kind == TraceKind::stuck ? "ST"
                                       : std::string(invariant_table()[static_cast<int>(cx.invariant)].tag);
}

// "PE text JSON": the trace's name (its tag, or "3 steps" for a witness) links to its chart, then its
// explain page and its JSON.
void trace_links_into(HtmlPage& page, pugi::xml_node parent, std::string_view what, const TraceLinks& l) {
    pugi::xml_node d = page.add(parent, "div", "", "trace");
    page.link(d, l.chart, what, "chart");
    page.link(d, l.explain, "text", "explain");
    page.link(d, l.json, "JSON", "json");
}

// Rows and columns in the order the runs came, as the text matrix has them.
template <class Name>
std::vector<std::string> in_order(const std::vector<ReportEntry>& entries, Name name) {
    std::vector<std::string> out;
    for (const ReportEntry& e : entries)
        if (std::find(out.begin(), out.end(), name(e)) == out.end()) out.push_back(name(e));
    return out;
}

std::string range(const std::optional<CopyRange>& r) {
    return r ? fmt::format("{}..{}", r->min, r->max) : std::string("-");
}

}  // namespace

TraceLinks trace_links(const std::string& file) {
    std::string stem = file;
    if (stem.size() > 5 && stem.compare(stem.size() - 5, 5, ".json") == 0) stem.resize(stem.size() - 5);
    return {"traces/" + file, "charts/" + stem + ".svg", "explain/" + stem + ".html"};
}

std::string report_index_html(const std::vector<ReportEntry>& entries,
                              const std::vector<std::string>& refusals, std::string_view tool) {
    HtmlPage page("cowpin report", kReportCss);
    pugi::xml_node body = page.body();
    std::vector<RunResult> results;  // copies, for the summary line check prints
    for (const ReportEntry& e : entries) results.push_back(*e.run);
    page.add(body, "h1", "cowpin report");
    page.add(body, "p", summary_line(results, refusals.size()), "summary");
    page.add(body, "p", fmt::format("Written by {}. Each trace replays and explains from its JSON "
                                    "file alone: cowpin replay, cowpin explain, cowpin draw.", tool),
             "tool");

    const auto spec_of = [](const ReportEntry& e) { return e.run->spec->name; };
    const auto policy_of = [](const ReportEntry& e) { return e.run->policy->name; };
    const std::vector<std::string> specs = in_order(entries, spec_of), policies = in_order(entries, policy_of);
    std::map<std::pair<std::string, std::string>, const ReportEntry*> at;
    for (const ReportEntry& e : entries) at[{spec_of(e), policy_of(e)}] = &e;

    page.add(body, "h2", "Verdicts");
    std::string legend = "Each cell lists the invariants some interleaving violates:";
    for (const InvariantInfo& inv : invariant_table())
        if (inv.name != "refcounts_consistent") legend += fmt::format(" {} {},", inv.tag, inv.name);
    legend += " ST an execution that is stuck; ✓ none; - not checked. !(…) differs from the spec's "
              "expectation (shown in brackets), ? the spec has none. Under the verdict, each trace: "
              "its tag links to its chart, then its explain text and its JSON.";
    page.add(body, "p", legend, "legend");
    pugi::xml_node matrix = page.add(body, "table", "", "matrix");
    pugi::xml_node head = page.add(page.add(matrix, "thead"), "tr");
    page.add(head, "th", "scenario");
    for (const std::string& p : policies) page.add(head, "th", p);
    pugi::xml_node rows = page.add(matrix, "tbody");
    for (const std::string& s : specs) {
        pugi::xml_node tr = page.add(rows, "tr");
        page.add(tr, "th", s);
        for (const std::string& p : policies) {
            const auto it = at.find({s, p});
            if (it == at.end()) {
                page.add(tr, "td", "-", "none");
                continue;
            }
            const ReportEntry& e = *it->second;
            const std::string_view status = run_status(*e.run);
            pugi::xml_node td = page.add(tr, "td", "", status == "ok" && e.run->violated ? "violates"
                                                                                          : std::string(status));
            page.add(td, "div", matrix_cell(*e.run), "verdict");
            for (std::size_t k = 0; k < e.run->counterexamples.size(); ++k)
                if (k < e.traces.size() && e.traces[k])
                    trace_links_into(page, td, trace_tag(e.run->counterexamples[k]), *e.traces[k]);
        }
    }

    page.add(body, "h2", "Needless copies");
    page.add(body, "p",
             "Per scenario and policy, as cowpin compare reports them: the minimum..maximum number of "
             "COW copies and of needless ones (a copy of a page no other process maps or references) "
             "over all complete executions, and the shortest path to a needless copy (its length links "
             "to its chart). Exhaustive specs are left out: their copies are per path.",
             "legend");
    pugi::xml_node copies = page.add(body, "table", "", "copies");
    pugi::xml_node chead = page.add(page.add(copies, "thead"), "tr");
    page.add(chead, "th", "scenario");
    for (const std::string& p : policies) page.add(chead, "th", p);
    pugi::xml_node crows = page.add(copies, "tbody");
    for (const std::string& s : specs) {
        if (std::none_of(entries.begin(), entries.end(),
                         [&](const ReportEntry& e) { return spec_of(e) == s && e.copies_measured; }))
            continue;
        pugi::xml_node tr = page.add(crows, "tr");
        page.add(tr, "th", s);
        for (const std::string& p : policies) {
            const auto it = at.find({s, p});
            if (it == at.end() || !it->second->copies_measured) {
                page.add(tr, "td", "-", "none");
                continue;
            }
            const ReportEntry& e = *it->second;
            pugi::xml_node td = page.add(tr, "td", "", e.needless && e.needless->max ? "violates" : "ok");
            page.add(td, "div", fmt::format("copies {}", range(e.copies)));
            page.add(td, "div", fmt::format("needless {}", range(e.needless)));
            if (e.witness)
                trace_links_into(page, td, fmt::format("{} steps", *e.witness_steps), *e.witness);
            else if (e.witness_steps)
                page.add(td, "div", fmt::format("witness, {} steps (not written)", *e.witness_steps), "trace");
        }
    }

    page.add(body, "h2", "Runs");
    pugi::xml_node runs = page.add(body, "table", "", "runs");
    pugi::xml_node rhead = page.add(page.add(runs, "thead"), "tr");
    for (const char* h : {"spec", "policy", "verdict", "status", "states", "transitions", "depth",
                          "complete", "stuck", "symmetry", "seconds"})
        page.add(rhead, "th", h);
    pugi::xml_node rrows = page.add(runs, "tbody");
    std::uint64_t states = 0, transitions = 0;
    double seconds = 0;
    for (const ReportEntry& e : entries) {
        const RunResult& r = *e.run;
        const std::string_view status = run_status(r);
        pugi::xml_node tr = page.add(rrows, "tr");
        page.add(tr, "td", r.spec->name);
        page.add(tr, "td", r.policy->name);
        page.add(tr, "td", matrix_cell(r));
        page.add(tr, "td", status, std::string(status));
        page.add(tr, "td", fmt::format("{}", r.stats.states), "num");
        page.add(tr, "td", fmt::format("{}", r.stats.transitions), "num");
        page.add(tr, "td", fmt::format("{}", r.stats.depth), "num");
        page.add(tr, "td", r.spec->scenario ? fmt::format("{}", r.complete_states) : "-", "num");
        page.add(tr, "td", r.spec->scenario ? fmt::format("{}", r.stuck_states) : "-", "num");
        page.add(tr, "td", r.symmetry ? "on" : "off");
        page.add(tr, "td", fmt::format("{:.3f}", r.stats.seconds), "num");
        states += r.stats.states;
        transitions += r.stats.transitions;
        seconds += r.stats.seconds;
    }
    pugi::xml_node total = page.add(rrows, "tr", "", "total");
    page.add(total, "th", fmt::format("{} runs", entries.size()));
    for (int k = 0; k < 3; ++k) page.add(total, "td");
    page.add(total, "td", fmt::format("{}", states), "num");
    page.add(total, "td", fmt::format("{}", transitions), "num");
    for (int k = 0; k < 4; ++k) page.add(total, "td");
    page.add(total, "td", fmt::format("{:.3f}", seconds), "num");

    if (!refusals.empty()) {
        page.add(body, "h2", "Refused");
        pugi::xml_node ul = page.add(body, "ul");
        for (const std::string& line : refusals) page.add(ul, "li", line);
    }
    return page.str();
}

std::string explain_page_html(std::string_view title, std::string_view text, const TraceLinks& links) {
    HtmlPage page(title, kReportCss);
    pugi::xml_node body = page.body();
    page.add(body, "h1", title);
    pugi::xml_node nav = page.add(body, "p", "", "tool");
    page.link(nav, "../index.html", "report");
    page.add(nav, "span", " · ");
    page.link(nav, "../" + links.chart, "chart (SVG)");
    page.add(nav, "span", " · ");
    page.link(nav, "../" + links.json, "trace (JSON)");
    pugi::xml_node img = page.add(page.add(body, "p"), "img");
    img.remove_children();  // a void element
    img.append_attribute("src").set_value(url_path("../" + links.chart).c_str());
    img.append_attribute("alt").set_value(std::string(title).c_str());
    img.append_attribute("class").set_value("chart");
    page.add(body, "pre", text);
    return page.str();
}

}  // namespace cowpin
