#include "checker/views/graph_dot.hpp"

#include <sstream>

#include <boost/graph/graphviz.hpp>
#include <fmt/format.h>

namespace cowpin {

namespace {

// Text for a DOT string: quotes and backslashes escaped, a line break as `newline` ("\\n"
// centres the line before it, "\\l" left-justifies it).
std::string escape(const std::string& s, const char* newline = "\\n") {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n')
            out += newline;
        else
            out += c;
    }
    return out;
}

// Lines for a DOT label, each ended by "\l" (left-justified).
std::string dot_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& line : lines) out += escape(line, "\\l") + "\\l";
    return out;
}

std::string node_style(const GraphNode& n) {
    switch (n.kind) {
        case NodeKind::legend:
            return "shape=note,color=gray40,fontcolor=gray20";
        case NodeKind::alternative:
            if (n.violates)
                return "shape=box,peripheries=2,style=\"dashed,filled\",color=red,"
                       "fillcolor=\"#fff0f0\",fontcolor=gray20";
            if (n.stuck)
                return "shape=box,style=\"dashed,filled,diagonals\",color=darkorange,"
                       "fillcolor=\"#fff8f0\",fontcolor=gray20";
            return "shape=box,style=\"dashed,rounded\",color=gray50,fontcolor=gray30";
        case NodeKind::state:
        case NodeKind::path:
            break;
    }
    const char* edge = n.kind == NodeKind::path ? "penwidth=2," : "";
    // Shapes that stay as narrow as their text: a double border, cut corners.
    if (n.violates)
        return std::string(edge) + "shape=box,peripheries=2,style=filled,color=red,fillcolor=\"#ffe8e8\"";
    if (n.stuck)
        return std::string(edge) +
               "shape=box,style=\"filled,diagonals\",color=darkorange,fillcolor=\"#fff3e0\"";
    return std::string(edge) + (n.kind == NodeKind::path ? "shape=box,color=blue" : "shape=box");
}

std::string edge_style(const GraphEdge& e) {
    switch (e.kind) {
        case EdgeKind::path:
            return "color=blue,fontcolor=blue,penwidth=2";
        case EdgeKind::alternative:
            return "style=dashed,color=gray50,fontcolor=gray30";
        case EdgeKind::step:
            break;
    }
    return "";
}

}  // namespace

std::string graph_to_dot(const DrawnGraph& g, const std::string& title) {
    std::ostringstream out;
    boost::write_graphviz(
        out, g,
        [&](std::ostream& o, std::size_t v) {
            const GraphNode& n = g[v];
            std::vector<std::string> lines = n.marks;
            lines.insert(lines.end(), n.lines.begin(), n.lines.end());
            o << "[" << node_style(n) << ",label=\"" << dot_lines(lines) << "\"]";
        },
        [&](std::ostream& o, const DrawnGraph::edge_descriptor& e) {
            std::string style = edge_style(g[e]);
            if (g[e].minlen > 1) style += (style.empty() ? "" : ",") + fmt::format("minlen={}", g[e].minlen);
            o << "[" << style << (style.empty() ? "" : ",") << "label=\"" << escape(g[e].label)
              << "\"]";
        },
        [&](std::ostream& o) {
            o << "label=\"" << escape(title) << "\";\nlabelloc=t;\nfontname=monospace;\n"
              << "node [fontname=monospace,fontsize=10];\n"
              << "edge [fontname=monospace,fontsize=10];\n";
        });
    return out.str();
}

std::size_t violating_nodes(const DrawnGraph& g) {
    std::size_t n = 0;
    for (std::size_t v = 0; v < boost::num_vertices(g); ++v)
        n += g[v].violates;
    return n;
}

std::size_t stuck_nodes(const DrawnGraph& g) {
    std::size_t n = 0;
    for (std::size_t v = 0; v < boost::num_vertices(g); ++v) n += g[v].stuck;
    return n;
}

}  // namespace cowpin
