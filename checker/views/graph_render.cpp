#include "checker/views/graph_render.hpp"

#include <filesystem>

#include <fmt/format.h>

#if COWPIN_HAVE_GVC
#include <graphviz/gvc.h>
#endif

namespace cowpin {

std::string picture_format(const std::string& path) {
    const std::string ext = std::filesystem::path(path).extension().string();
    for (const char* f : {"svg", "png", "pdf"})
        if (ext == std::string(".") + f) return f;
    return "";
}

#if COWPIN_HAVE_GVC

namespace {

// Graphviz reports errors through a callback (agerr()): collected here, one message, instead of
// lines on stderr.
std::string graphviz_errors;
int collect_error(char* message) {
    graphviz_errors += message;
    return 0;
}

// One line of Graphviz's messages, for an exception.
std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n') c = ' ';
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s.empty() ? "no message" : s;
}

}  // namespace

std::string graphviz_missing(const std::string&) { return ""; }

std::string render_picture(const std::string& dot, const std::string& format) {
    graphviz_errors.clear();
    agseterr(AGERR);  // errors only: warnings (a picture scaled down) are not failures
    agseterrf(collect_error);
    GVC_t* gvc = gvContext();
    Agraph_t* g = agmemread(dot.c_str());
    if (!g) {
        gvFreeContext(gvc);
        throw RenderError("Graphviz cannot read the graph: " + one_line(graphviz_errors));
    }
    std::string out;
    bool laid_out = gvLayout(gvc, g, "dot") == 0;
    if (laid_out) {
        char* data = nullptr;
        unsigned int length = 0;
        if (gvRenderData(gvc, g, format.c_str(), &data, &length) == 0 && data)
            out.assign(data, length);
        gvFreeRenderData(data);
        gvFreeLayout(gvc, g);
    }
    agclose(g);
    gvFreeContext(gvc);
    if (!laid_out || out.empty())
        throw RenderError(fmt::format("Graphviz cannot {} the graph as {}: {}",
                                      laid_out ? "render" : "lay out", format,
                                      one_line(graphviz_errors)));
    return out;
}

#else

std::string graphviz_missing(const std::string& format) {
    return fmt::format(
        "this cowpin was built without Graphviz's library (libgvc), so it writes DOT only: "
        "name the output .dot and run `dot -T{} G.dot -o G.{}`", format, format);
}

std::string render_picture(const std::string&, const std::string& format) {
    throw RenderError(graphviz_missing(format));
}

#endif

}  // namespace cowpin
