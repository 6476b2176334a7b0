// Pictures of a graph through Graphviz's own library (libgvc: the dot layout and its renderers),
// so that `cowpin graph -o G.svg` needs no `dot` on the PATH. Optional at build time: without
// libgvc (Debian libgraphviz-dev) cowpin writes DOT only, and asks for a .dot name.
#pragma once

#include <stdexcept>
#include <string>

namespace cowpin {

struct RenderError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The format an output name asks for, by its extension: "svg", "png" or "pdf", rendered; ""
// for anything else (".dot", ".gv", no extension), written as DOT.
std::string picture_format(const std::string& path);

// Why this build cannot render `format`: "" if it was linked with libgvc (CMake found it), else
// a sentence saying to write DOT and run dot.
std::string graphviz_missing(const std::string& format);

// `dot` laid out by Graphviz's dot layout and rendered as `format` ("svg", "png", "pdf"). Throws
// RenderError with Graphviz's own message if it cannot, or if this build has no libgvc.
std::string render_picture(const std::string& dot, const std::string& format);

}  // namespace cowpin
