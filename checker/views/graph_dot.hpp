// The picture `cowpin graph` draws, whole graph or --trace: nodes of a few kinds, each with its
// lines of text and marks, edges with their labels, and a legend; written as Graphviz DOT with
// boost::write_graphviz. A mark is colour, shape and text at once, so that it reads on paper in
// black and white too: a violating state is a red octagon whose first line is "VIOLATES
// <invariant>: <message>", a stuck one an orange hexagon whose first line is "STUCK: <why>".
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

namespace cowpin {

enum class NodeKind {
    state,        // a state of the whole graph
    path,         // a state on a trace's path
    alternative,  // a leaf: the outcome of a step the trace does not take
    legend,
};

struct GraphNode {
    NodeKind kind = NodeKind::state;
    bool violates = false, stuck = false;
    std::vector<std::string> marks;  // "VIOLATES get_no_leak: Leak through ...", "STUCK: ..."
    std::vector<std::string> lines;  // state_lines(), or the alternative's action and outcome
};

enum class EdgeKind { step, path, alternative };

struct GraphEdge {
    EdgeKind kind = EdgeKind::step;
    std::string label;
    int minlen = 1;  // ranks the edge spans at least: leaves staggered over a few ranks
};

using DrawnGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, GraphNode, GraphEdge>;

// The graph as DOT: `title` at the top, node and edge styles by kind and mark, left-justified
// monospace lines. The legend is an ordinary node of the graph (NodeKind::legend).
std::string graph_to_dot(const DrawnGraph& g, const std::string& title);

// How many nodes of `g` carry a violation mark, and how many a stuck one.
std::size_t violating_nodes(const DrawnGraph& g);
std::size_t stuck_nodes(const DrawnGraph& g);

}  // namespace cowpin
