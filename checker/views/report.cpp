#include "checker/views/report.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace cowpin {

namespace {

// Display width of UTF-8 text (counts code points; good enough for ✓ and ASCII).
std::size_t width(const std::string& s) {
    return std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; });
}

std::string pad(const std::string& s, std::size_t w) {
    return s + std::string(w > width(s) ? w - width(s) : 0, ' ');
}

}  // namespace

std::string verdict_line(const RunResult& r) {
    std::string verdict;
    if (r.counterexamples.empty())
        verdict = !r.stats.complete ? "no violation in the states explored"
                  : r.depth_bounded ? fmt::format("holds up to depth {}", r.bounds.depth)
                                    : "holds";
    for (const Counterexample& cx : r.counterexamples) {
        if (!verdict.empty()) verdict += "; ";
        const std::string_view name = cx.kind == TraceKind::stuck
                                          ? std::string_view("stuck")
                                          : invariant_table()[static_cast<int>(cx.invariant)].name;
        std::string after;
        if (auto cause = cx.cause())
            after = fmt::format(", consequence: after {} at step {}",
                                invariant_table()[static_cast<int>(cause->first)].name,
                                cause->second);
        verdict += fmt::format("{} [{} steps{}]: {}", name, cx.steps(), after, cx.message);
    }
    std::string stats = fmt::format("states={} transitions={} depth={}", r.stats.states,
                                    r.stats.transitions, r.stats.depth);
    if (r.spec->scenario)
        stats += fmt::format(" complete={} stuck={}", r.complete_states, r.stuck_states);
    stats += fmt::format(" {:.3f}s", r.stats.seconds);
    if (r.stats.compact)
        stats += fmt::format(" omission={:.2g} ({}-bit fingerprints)", r.stats.omission_probability,
                             r.stats.fingerprint_bits);
    std::string status = "ok";
    if (!r.verdict_matches())
        status = fmt::format("MISMATCH: expected {}{}", verdict_string(*r.expected),
                             r.stats.complete ? "" : " (found in an incomplete run)");
    else if (!r.stats.complete)
        status = fmt::format("INCOMPLETE ({} reached after {} states, depth {}: verdicts are for "
                             "the states explored{})",
                             engine::limit_name(r.stats), r.stats.states, r.stats.depth,
                             !r.stats.disk_error.empty() ? "; " + r.stats.disk_error
                             // The way past the memory cap on one machine: only fingerprints
                             // stay in memory (13-27 B a state), the rest goes to disk.
                             : r.stats.memory_limited && !r.stats.disk && r.stats.ranks == 1
                                 ? "; --disk DIR keeps only fingerprints in memory, the queue "
                                   "and trace links on disk"
                             : r.stats.depth_limited && !r.spec->depth_bounded
                                 ? "; a spec may expect a verdict up to its depth with "
                                   "\"depth_bounded\": true"
                                 : "");
    else if (!r.expected)
        status = "no expectation for this policy";
    else if (!r.states_match())
        status = fmt::format("MISMATCH: expected states={}", *r.expected_states);
    if (r.stats.depth_limited) stats += fmt::format(" (depth bound {})", r.bounds.depth);
    return fmt::format("{}  {}  {}  {}  {}", r.spec->name, r.policy->name, verdict, stats, status);
}

std::string matrix_cell(const RunResult& r) {
    std::string cell = verdict_tags(r.violated);
    if (r.depth_bounded && r.stats.complete) cell += fmt::format(" ≤{}", r.bounds.depth);
    if (!r.verdict_matches())
        cell += fmt::format("!({})", verdict_tags(*r.expected));
    else if (!r.stats.complete)
        cell += " (incomplete)";
    else if (!r.expected)
        cell += "?";  // the spec has no expectation for this policy
    else if (!r.matches())
        cell += r.verdict_matches() ? "!" : fmt::format("!({})", verdict_tags(*r.expected));
    return cell;
}

std::string verdict_matrix(const std::vector<RunResult>& results) {
    std::vector<std::string> policies, rows;
    std::map<std::pair<std::string, std::string>, std::string> cells;
    for (const RunResult& r : results) {
        if (std::find(policies.begin(), policies.end(), r.policy->name) == policies.end())
            policies.push_back(r.policy->name);
        if (std::find(rows.begin(), rows.end(), r.spec->name) == rows.end())
            rows.push_back(r.spec->name);
        cells[{r.spec->name, r.policy->name}] = matrix_cell(r);
    }
    std::size_t first = 8;
    for (const std::string& row : rows) first = std::max(first, width(row));
    std::vector<std::size_t> w;
    for (const std::string& p : policies) {
        std::size_t cw = width(p);
        for (const std::string& row : rows)
            if (auto it = cells.find({row, p}); it != cells.end()) cw = std::max(cw, width(it->second));
        w.push_back(cw);
    }
    std::string out = pad("scenario", first);
    for (std::size_t i = 0; i < policies.size(); ++i) out += "  " + pad(policies[i], w[i]);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
    for (const std::string& row : rows) {
        std::string line = pad(row, first);
        for (std::size_t i = 0; i < policies.size(); ++i) {
            auto it = cells.find({row, policies[i]});
            line += "  " + pad(it == cells.end() ? "-" : it->second, w[i]);
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + '\n';
    }
    return out;
}

std::string summary_line(const std::vector<RunResult>& results, std::size_t refused) {
    std::size_t mismatches = 0, unexpected = 0, incomplete = 0;
    for (const RunResult& r : results) {
        if (!r.verdict_matches() || !r.states_match())
            ++mismatches;
        else if (!r.stats.complete)
            ++incomplete;
        else if (!r.expected)
            ++unexpected;
    }
    std::string line = fmt::format("{} checks, {} as expected, {} not", results.size(),
                                   results.size() - mismatches - unexpected - incomplete, mismatches);
    if (unexpected) line += fmt::format(", {} without an expectation (?)", unexpected);
    if (incomplete) line += fmt::format(", {} incomplete", incomplete);
    if (refused) line += fmt::format(", {} refused", refused);
    return line;
}

}  // namespace cowpin
