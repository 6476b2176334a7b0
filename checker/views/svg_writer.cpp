#include "checker/views/svg_writer.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

namespace cowpin {

namespace {

// Coordinates to a tenth of a pixel, without trailing zeros: the file stays small and stable.
std::string num(double v) {
    std::string s = fmt::format("{:.1f}", v);
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s == "-0" ? "0" : s;
}

void set(pugi::xml_node n, const char* name, std::string_view value) {
    n.append_attribute(name).set_value(std::string(value).c_str());
}

}  // namespace

double text_width(std::string_view text, double size) {
    const auto points = std::count_if(text.begin(), text.end(),
                                      [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
    return static_cast<double>(points) * kCharWidth * size;
}

SvgWriter::SvgWriter(double width, double height, std::string_view css, std::string_view title) {
    svg_ = doc_.append_child("svg");
    set(svg_, "xmlns", "http://www.w3.org/2000/svg");
    set(svg_, "width", num(width));
    set(svg_, "height", num(height));
    set(svg_, "viewBox", fmt::format("0 0 {} {}", num(width), num(height)));
    svg_.append_child("title").text().set(std::string(title).c_str());
    svg_.append_child("style").text().set(std::string(css).c_str());
    // The arrowhead every arrow() ends in; it takes the colour of the line (context-stroke is
    // not everywhere yet, so each arrow class has its own marker colour through CSS `fill`).
    pugi::xml_node marker = svg_.append_child("defs").append_child("marker");
    set(marker, "id", "arrowhead");
    set(marker, "viewBox", "0 0 10 10");
    set(marker, "refX", "10");
    set(marker, "refY", "5");
    set(marker, "markerWidth", "8");
    set(marker, "markerHeight", "8");
    set(marker, "orient", "auto-start-reverse");
    pugi::xml_node head = marker.append_child("path");
    set(head, "d", "M 0 0 L 10 5 L 0 10 z");
    set(head, "class", "arrowhead");
}

pugi::xml_node SvgWriter::group(pugi::xml_node parent, std::string_view cls, std::string_view id) {
    pugi::xml_node g = parent.append_child("g");
    set(g, "class", cls);
    if (!id.empty()) set(g, "id", id);
    return g;
}

pugi::xml_node SvgWriter::rect(pugi::xml_node parent, double x, double y, double w, double h,
                               std::string_view cls, double radius) {
    pugi::xml_node r = parent.append_child("rect");
    set(r, "x", num(x));
    set(r, "y", num(y));
    set(r, "width", num(w));
    set(r, "height", num(h));
    if (radius > 0) set(r, "rx", num(radius));
    set(r, "class", cls);
    return r;
}

pugi::xml_node SvgWriter::line(pugi::xml_node parent, double x1, double y1, double x2, double y2,
                               std::string_view cls) {
    pugi::xml_node l = parent.append_child("line");
    set(l, "x1", num(x1));
    set(l, "y1", num(y1));
    set(l, "x2", num(x2));
    set(l, "y2", num(y2));
    set(l, "class", cls);
    return l;
}

pugi::xml_node SvgWriter::text(pugi::xml_node parent, double x, double y, std::string_view content,
                               std::string_view cls, std::string_view anchor) {
    pugi::xml_node t = parent.append_child("text");
    set(t, "x", num(x));
    set(t, "y", num(y));
    if (anchor != "start") set(t, "text-anchor", anchor);
    set(t, "class", cls);
    t.text().set(std::string(content).c_str());
    return t;
}

pugi::xml_node SvgWriter::arrow(pugi::xml_node parent, double x1, double y1, double x2, double y2,
                                std::string_view cls) {
    pugi::xml_node l = line(parent, x1, y1, x2, y2, cls);
    set(l, "marker-end", "url(#arrowhead)");
    return l;
}

pugi::xml_node SvgWriter::cross(pugi::xml_node parent, double x, double y, double r,
                                std::string_view cls) {
    pugi::xml_node p = parent.append_child("path");
    set(p, "d", fmt::format("M {} {} L {} {} M {} {} L {} {}", num(x - r), num(y - r), num(x + r),
                            num(y + r), num(x - r), num(y + r), num(x + r), num(y - r)));
    set(p, "class", cls);
    return p;
}

std::string SvgWriter::str() const {
    std::ostringstream out;
    doc_.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

}  // namespace cowpin
