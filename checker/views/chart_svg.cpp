#include "checker/views/chart_svg.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "checker/views/svg_writer.hpp"

namespace cowpin {

namespace {

// Sizes in px. Text is 12 px monospace, notes 11 px; a line of either takes kLine.
constexpr double kMargin = 16, kText = 12, kSmall = 11, kLine = 15, kPad = 8;
constexpr double kHeaderTop = 64, kHeaderHeight = 40;
constexpr double kActionBand = 34;  // a row's arrow or box, above its cells
constexpr double kMarkHeight = 24, kMarkNoteHeight = 16;
constexpr double kMinColumn = 150, kMinFrames = 220;

constexpr const char* kChartCss = R"(
text { font-family: 'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace; font-size: 12px; fill: #1a1a1a; }
.title { font-size: 16px; font-weight: bold; }
.subtitle, .legend, .note, .role { font-size: 11px; fill: #555; }
.background { fill: #ffffff; }
.stripe { fill: #f4f6f9; }
.header { fill: #e3e9f2; stroke: #5a6f8f; stroke-width: 1; }
.header-frames { fill: #eeeeee; stroke: #888888; stroke-width: 1; }
.name { font-size: 13px; font-weight: bold; }
.step-text { font-weight: bold; }
.guide { stroke: #c8ced8; stroke-width: 1; stroke-dasharray: 2 4; }
.life { stroke: #5a6f8f; stroke-width: 2; }
.end { stroke: #5a6f8f; stroke-width: 2.5; fill: none; }
.cell { fill: #ffffff; stroke: #aab4c3; stroke-width: 1; }
.cell-frames { fill: #fbfbfb; stroke: #bbbbbb; stroke-width: 1; }
.changed { font-weight: bold; }
.wrong { fill: #c0161b; font-weight: bold; }
.cell-wrong { fill: #fdeaea; stroke: #c0161b; stroke-width: 1.5; }
.call { stroke: #1f4e8c; stroke-width: 1.6; }
.arrowhead { fill: #1f4e8c; }
.box { fill: #dbe7f7; stroke: #1f4e8c; stroke-width: 1.2; }
.noop { fill: #eeeeee; stroke: #999999; stroke-width: 1; stroke-dasharray: 3 2; }
.label { fill: #1f4e8c; }
.label-ground { fill: #ffffff; fill-opacity: 0.9; }
.label-noop { fill: #777777; }
.mark-violation { fill: #fdeaea; stroke: #c0161b; stroke-width: 1.5; }
.mark-earlier { fill: #fff1e0; stroke: #d9730d; stroke-width: 1.2; }
.mark-needless_copy { fill: #fff8d6; stroke: #a68a00; stroke-width: 1.2; }
.mark-stuck { fill: #f1e8fa; stroke: #6b3fa0; stroke-width: 1.2; }
.mark-text { font-weight: bold; }
.violation .mark-text { fill: #c0161b; }
.earlier .mark-text { fill: #a35200; }
)";

const char* mark_class(ChartMark::Kind k) {
    switch (k) {
        case ChartMark::Kind::earlier: return "earlier";
        case ChartMark::Kind::violation: return "violation";
        case ChartMark::Kind::needless_copy: return "needless_copy";
        case ChartMark::Kind::stuck: return "stuck";
    }
    return "violation";
}

double lines_width(const std::vector<ChartLine>& lines) {
    double w = 0;
    for (const ChartLine& l : lines) w = std::max(w, text_width(l.text, kText));
    return w;
}

double cell_height(const std::vector<ChartLine>& lines) {
    return lines.empty() ? 0 : static_cast<double>(lines.size()) * kLine + kPad;
}

bool any_wrong(const std::vector<ChartLine>& lines) {
    return std::any_of(lines.begin(), lines.end(), [](const ChartLine& l) { return l.wrong; });
}

// Where everything goes: x of each lifeline, and each row's top and parts.
struct Layout {
    double gutter = 0, frames_x = 0, frames_w = 0, width = 0;
    std::vector<double> col_w, x;  // per lifeline: column width, centre
    std::vector<double> top, cells_h, gutter_h, height;  // per row
    double rows_end = 0, height_total = 0;
};

Layout layout(const SequenceChart& c) {
    Layout L;
    const std::size_t n = c.lifelines.size();
    for (const ChartRow& r : c.rows) {
        L.gutter = std::max(L.gutter, text_width(fmt::format("{}  {}", r.step, r.text), kText));
        for (const std::string& note : r.notes) L.gutter = std::max(L.gutter, text_width(note, kSmall) + 2 * kText);
    }
    L.gutter += 2 * kPad;
    L.col_w.assign(n, kMinColumn);
    for (std::size_t l = 0; l < n; ++l) {
        L.col_w[l] = std::max(L.col_w[l], text_width(c.lifelines[l].name, 13) + 4 * kPad);
        for (const ChartRow& r : c.rows) {
            L.col_w[l] = std::max(L.col_w[l], lines_width(r.cells[l]) + 4 * kPad);
            if (r.from == static_cast<int>(l) && r.to == r.from)
                L.col_w[l] = std::max(L.col_w[l], text_width(r.label, kText) + 4 * kPad);
        }
    }
    // An arrow's label fits between the lifelines it joins: widen the columns it spans.
    for (const ChartRow& r : c.rows) {
        if (r.from < 0 || r.to < 0 || r.from == r.to) continue;
        const std::size_t a = std::min(r.from, r.to), b = std::max(r.from, r.to);
        double span = 0;
        for (std::size_t l = a; l < b; ++l) span += (L.col_w[l] + L.col_w[l + 1]) / 2;
        const double need = text_width(r.label, kText) + 6 * kPad;
        if (need > span)
            for (std::size_t l = a; l <= b; ++l) L.col_w[l] += (need - span) / static_cast<double>(b - a);
    }
    double x = kMargin + L.gutter;
    for (std::size_t l = 0; l < n; ++l) {
        L.x.push_back(x + L.col_w[l] / 2);
        x += L.col_w[l];
    }
    L.frames_x = x + kPad;
    L.frames_w = kMinFrames;
    for (const ChartRow& r : c.rows) L.frames_w = std::max(L.frames_w, lines_width(r.frames) + 2 * kPad);
    // Wide enough for the title and every mark, which span the chart: the frames column takes
    // what is missing.
    double widest = text_width(c.title, 16);
    for (const ChartRow& r : c.rows)
        for (const ChartMark& m : r.marks) widest = std::max(widest, text_width(m.text, kText));
    L.frames_w = std::max(L.frames_w, 2 * kMargin + widest - L.frames_x);
    L.width = L.frames_x + L.frames_w + kMargin;

    double y = kHeaderTop + kHeaderHeight + kPad;
    for (const ChartRow& r : c.rows) {
        double cells = cell_height(r.frames);
        for (const auto& cell : r.cells) cells = std::max(cells, cell_height(cell));
        const double action = r.step == 0 ? kPad : kActionBand;
        const double gutter = 2 * kLine + static_cast<double>(r.notes.size()) * kLine;
        double marks = 0;
        for (const ChartMark& m : r.marks) marks += kMarkHeight + (m.note.empty() ? 0 : kMarkNoteHeight) + kPad;
        L.top.push_back(y);
        L.cells_h.push_back(cells);
        L.gutter_h.push_back(gutter);
        const double h = std::max(action + cells, gutter) + kPad + marks;
        L.height.push_back(h);
        y += h;
    }
    L.rows_end = y;
    return L;
}

void headers(SvgWriter& svg, pugi::xml_node parent, const SequenceChart& c, const Layout& L,
             std::size_t l, double y) {
    if (l < c.lifelines.size()) {
        const double w = L.col_w[l] - 2 * kPad;
        svg.rect(parent, L.x[l] - w / 2, y, w, kHeaderHeight, "header", 4);
        svg.text(parent, L.x[l], y + 17, c.lifelines[l].name, "name", "middle");
        svg.text(parent, L.x[l], y + 32, c.lifelines[l].role, "role", "middle");
        return;
    }
    svg.rect(parent, L.frames_x, y, L.frames_w, kHeaderHeight, "header-frames", 4);
    svg.text(parent, L.frames_x + L.frames_w / 2, y + 17, "frames and swap slots", "name", "middle");
    svg.text(parent, L.frames_x + L.frames_w / 2, y + 32, "data, mapcount, refcount, ...", "role", "middle");
}

void cell(SvgWriter& svg, pugi::xml_node parent, const std::vector<ChartLine>& lines, double x,
          double y, double w, const char* cls) {
    if (lines.empty()) return;
    svg.rect(parent, x, y, w, cell_height(lines), any_wrong(lines) ? "cell-wrong" : cls, 3);
    double ty = y + kPad / 2 + kText;
    for (const ChartLine& line : lines) {
        svg.text(parent, x + kPad, ty, line.text, line.wrong ? "wrong" : line.changed ? "changed" : "seen");
        ty += kLine;
    }
}

}  // namespace

std::string chart_svg(const SequenceChart& c) {
    const Layout L = layout(c);
    const std::size_t n = c.lifelines.size();
    const bool repeat_headers = c.rows.size() > 6;
    const double legend_top = L.rows_end + (repeat_headers ? kHeaderHeight + 2 * kPad : kPad);
    const double height = legend_top + 3 * kLine + kMargin;
    SvgWriter svg(L.width, height, kChartCss, c.title);
    pugi::xml_node root = svg.root();
    svg.rect(root, 0, 0, L.width, height, "background");
    svg.text(root, kMargin, 28, c.title, "title");
    svg.text(root, kMargin, 48, c.subtitle, "subtitle");

    // Row stripes first, so that lifelines and cells are drawn over them.
    pugi::xml_node stripes = svg.group(root, "stripes");
    for (std::size_t i = 0; i < c.rows.size(); ++i)
        if (i % 2 == 1) svg.rect(stripes, kMargin / 2, L.top[i], L.width - kMargin, L.height[i], "stripe");

    // Lifelines: a dotted guide from header to bottom, solid while the process or handle lives,
    // a cross where it ends (exit, unpin).
    for (std::size_t l = 0; l <= n; ++l) {
        pugi::xml_node g = svg.group(root, l < n ? "lifeline" : "frames-column",
                                     l < n ? "lifeline-" + c.lifelines[l].name : "frames");
        headers(svg, g, c, L, l, kHeaderTop);
        if (repeat_headers) headers(svg, g, c, L, l, L.rows_end + kPad);
        if (l == n) continue;
        svg.line(g, L.x[l], kHeaderTop + kHeaderHeight, L.x[l], L.rows_end, "guide");
        for (std::size_t i = 0; i < c.rows.size(); ++i) {
            const bool before = i > 0 && c.rows[i - 1].alive[l], after = c.rows[i].alive[l];
            const double top = L.top[i], bottom = top + L.height[i];
            if (after)
                svg.line(g, L.x[l], before || i == 0 ? top : top + kActionBand / 2, L.x[l], bottom, "life");
            else if (before) {
                svg.line(g, L.x[l], top, L.x[l], top + kActionBand, "life");
                svg.cross(g, L.x[l], top + kActionBand, 6, "end");
            }
        }
    }

    for (std::size_t i = 0; i < c.rows.size(); ++i) {
        const ChartRow& r = c.rows[i];
        const double top = L.top[i];
        pugi::xml_node g = svg.group(root, "row", fmt::format("step-{}", r.step));
        // The gutter: the step as explain writes it, then its decisions.
        svg.text(g, kMargin, top + kLine, fmt::format("{}  {}", r.step, r.text), "step-text");
        double ny = top + 2 * kLine;
        for (const std::string& note : r.notes) {
            svg.text(g, kMargin + 2 * kText, ny, note, "note");
            ny += kLine;
        }
        // The arrow or box.
        if (r.step > 0 && r.from >= 0) {
            const double y = top + 22;
            if (r.to == r.from) {
                const double w = text_width(r.label, kText) + 2 * kPad;
                svg.rect(g, L.x[r.from] - w / 2, top + 6, w, 22, r.noop ? "noop" : "box", 4);
                svg.text(g, L.x[r.from], top + 21, r.label, r.noop ? "label-noop" : "label", "middle");
            } else {
                const double dir = r.to > r.from ? 1 : -1;
                svg.arrow(g, L.x[r.from] + dir * 4, y, L.x[r.to] - dir * 4, y, "call");
                // On a white ground: the label may cross the lifelines between the two it joins.
                const double mid = (L.x[r.from] + L.x[r.to]) / 2, w = text_width(r.label, kText) + kPad;
                svg.rect(g, mid - w / 2, y - 6 - kText, w, kText + 4, "label-ground", 2);
                svg.text(g, mid, y - 6, r.label, r.noop ? "label-noop" : "label", "middle");
            }
        }
        // What each lifeline sees after the step, and the frames.
        const double cy = top + (r.step == 0 ? kPad : kActionBand);
        for (std::size_t l = 0; l < n; ++l)
            cell(svg, g, r.cells[l], L.x[l] - L.col_w[l] / 2 + kPad, cy, L.col_w[l] - 2 * kPad, "cell");
        cell(svg, g, r.frames, L.frames_x, cy, L.frames_w, "cell-frames");
        // Marks under the row, across the chart.
        double my = top + std::max(cy - top + L.cells_h[i], L.gutter_h[i]) + kPad;
        for (const ChartMark& m : r.marks) {
            pugi::xml_node mg = svg.group(g, fmt::format("mark {}", mark_class(m.kind)));
            const double h = kMarkHeight + (m.note.empty() ? 0 : kMarkNoteHeight);
            svg.rect(mg, kMargin / 2, my, L.width - kMargin, h, fmt::format("mark-{}", mark_class(m.kind)), 3);
            svg.text(mg, kMargin, my + 16, m.text, "mark-text");
            if (!m.note.empty()) svg.text(mg, kMargin, my + 32, m.note, "note");
            my += h + kPad;
        }
    }

    pugi::xml_node legend = svg.group(root, "legend");
    const char* lines[] = {
        "Rows are steps, top to bottom. Under a process: each page's entry, the value it sees and the value a "
        "correct OS would show it (ideal).",
        "Under a device handle: its GUP reference and frame, what the device reads and its buffer's ideal value. "
        "Red: not what it should be; bold: changed by the step.",
        "Frames F1, F2, ... are named in order of allocation and keep their names along the trace (as cowpin "
        "explain names them).",
    };
    double ly = legend_top + kText;
    for (const char* line : lines) {
        svg.text(legend, kMargin, ly, line, "legend");
        ly += kLine;
    }
    return svg.str();
}

}  // namespace cowpin
