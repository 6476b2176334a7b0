// A small SVG writer over pugixml (which escapes every text and attribute): the elements a chart
// needs, each with a CSS class that the document's own <style> gives its look, so that the file
// stands alone (no external stylesheet or font, nothing fetched) and a test can find the parts of
// a chart by class. Text is measured as monospace (kCharWidth per code point of the font size),
// which is what the style asks for, so a layout can size boxes to their text.
#pragma once

#include <string>
#include <string_view>

#include <pugixml.hpp>

namespace cowpin {

// The advance of one character of a monospace font, as a fraction of its size (DejaVu Sans Mono,
// Liberation Mono and Courier all use 0.6).
inline constexpr double kCharWidth = 0.6;
// The width of `text` (UTF-8) at `size` px: code points × kCharWidth × size.
double text_width(std::string_view text, double size);

class SvgWriter {
public:
    // An SVG document of `width` × `height` px with `css` as its style sheet and `title` as its
    // <title> (what a browser tab and a screen reader show).
    SvgWriter(double width, double height, std::string_view css, std::string_view title);

    pugi::xml_node root() { return svg_; }
    // A <g class="cls"> in `parent`, with an id if one is given.
    pugi::xml_node group(pugi::xml_node parent, std::string_view cls, std::string_view id = {});
    pugi::xml_node rect(pugi::xml_node parent, double x, double y, double w, double h,
                        std::string_view cls, double radius = 0);
    pugi::xml_node line(pugi::xml_node parent, double x1, double y1, double x2, double y2,
                        std::string_view cls);
    // Text with its baseline at y; anchor "start", "middle" or "end".
    pugi::xml_node text(pugi::xml_node parent, double x, double y, std::string_view content,
                        std::string_view cls, std::string_view anchor = "start");
    // A horizontal or slanted line from (x1, y1) to (x2, y2) ending in the arrowhead marker.
    pugi::xml_node arrow(pugi::xml_node parent, double x1, double y1, double x2, double y2,
                         std::string_view cls);
    // A cross of half-width r centred on (x, y): the end of a lifeline.
    pugi::xml_node cross(pugi::xml_node parent, double x, double y, double r, std::string_view cls);

    std::string str() const;

private:
    pugi::xml_document doc_;
    pugi::xml_node svg_;
};

}  // namespace cowpin
