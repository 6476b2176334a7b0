#include "checker/views/graph_export.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <fmt/format.h>

#include "checker/engine/bfs.hpp"
#include "checker/formats/state_json.hpp"

namespace cowpin {

namespace {

struct Vertex {
    std::string label;
    std::string violated;  // invariant names, empty if none
};
struct Edge {
    std::string label;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, Vertex, Edge>;

std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

}  // namespace

std::string state_label(const State& s, const CowModel& model) {
    const Bounds& b = model.config().bounds;
    const bool ae = model.policy().anon_exclusive;
    std::string out;
    for (int p = 0; p < b.processes; ++p) {
        if (!s.procs[p].alive) continue;
        out += fmt::format("P{}{}", p, s.procs[p].has_pinned ? "*" : "");
        for (int v = 0; v < b.pages; ++v) {
            const Pte& pte = s.procs[p].pte[v];
            switch (pte.kind) {
                case PteKind::none:
                    out += fmt::format(" v{}:-", v);
                    break;
                case PteKind::present:
                    out += fmt::format(" v{}:f{}{}", v, pte.target, pte.writable ? "W" : "R");
                    break;
                case PteKind::swap:
                    out += fmt::format(" v{}:s{}{}", v, pte.target, pte.swp_exclusive ? "X" : "");
                    break;
                case PteKind::migration:
                    out += fmt::format(" v{}:m{}", v, pte.target);
                    break;
                case PteKind::pmd:  // a PMD-mapped THP page
                    out += fmt::format(" v{}:P{}{}", v, pte.target, pte.writable ? "W" : "R");
                    break;
                case PteKind::pmd_migration:  // its PMD migration entry
                    out += fmt::format(" v{}:Pm{}", v, pte.target);
                    break;
            }
        }
        out += '\n';
    }
    for (int f = 0; f < kMaxFrames; ++f) {
        const Frame& fr = s.frames[f];
        if (!fr.in_use) continue;
        out += fmt::format("f{} {} map{} ref{}", f, value_name(fr.data), fr.mapcount, fr.refcount);
        if (fr.pins) out += fmt::format(" pin{}", fr.pins);
        if (fr.gets) out += fmt::format(" get{}", fr.gets);
        if (ae && fr.anon_exclusive) out += " AE";
        if (fr.swapcache != kNone) out += fmt::format(" sc{}", fr.swapcache);
        if (fr.isolated) out += " iso";
        out += '\n';
    }
    for (int sl = 0; sl < kMaxSlots; ++sl)
        if (s.slots[sl].in_use)
            out += fmt::format("s{} count{} {}\n", sl, s.slots[sl].count, value_name(s.slots[sl].data));
    for (int h = 0; h < b.handles; ++h) {
        const Handle& hd = s.handles[h];
        if (!hd.in_use) continue;
        out += fmt::format("h{} {} {} f{}", h, handle_kind_name(hd.kind),
                           hd.write ? "rw" : "ro", hd.frame);
        out += hd.owner == kNone ? " orphan\n" : fmt::format(" P{} v{}\n", hd.owner, hd.vaddr);
    }
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

GraphStats export_graph(const Spec& spec, const CowPolicy& policy, const Bounds& bounds,
                        std::size_t max_states, std::ostream& out) {
    ModelConfig config = spec.model_config(policy);
    config.bounds = bounds;
    const CowModel model(config);
    engine::Explorer<CowModel> explorer(model);
    engine::Limits limits;
    limits.max_depth = static_cast<std::uint32_t>(bounds.depth);
    limits.max_states = max_states;
    const engine::Result r = explorer.run(limits);
    if (!r.complete)
        throw GraphTooLarge(fmt::format(
            "{} under {} has more than {} states ({} found before stopping); a picture that "
            "large is unreadable: raise --max-states or lower the bounds",
            spec.name, policy.name, max_states, r.states));

    Graph g(explorer.size());
    GraphStats stats;
    stats.states = explorer.size();
    std::vector<Action> actions;
    for (engine::StateId id = 0; id < explorer.size(); ++id) {
        const State s = explorer.state(id);
        Vertex& v = g[id];
        v.label = state_label(s, model);
        for (int i = 0; i < kInvariants; ++i)
            if (model.checks(i) && !model.invariant_holds(s, i))
                v.violated += (v.violated.empty() ? "" : ", ") +
                              std::string(invariant_table()[i].name);
        stats.violating += !v.violated.empty();
        actions.clear();
        model.actions(s, actions);
        for (const Action& a : actions) {
            State next;
            if (!model.next_state(s, a, next)) continue;
            const engine::StateId to = explorer.find(next);
            if (to == engine::kNoParent) continue;  // beyond the depth bound
            boost::add_edge(id, to, Edge{format_action(a)}, g);
            ++stats.edges;
        }
    }
    boost::write_graphviz(
        out, g,
        [&](std::ostream& o, std::size_t v) {
            const Vertex& vx = g[v];
            if (vx.violated.empty())
                o << "[shape=box,label=\"" << escape(vx.label) << "\"]";
            else
                o << "[shape=box,color=red,penwidth=2,label=\"" << escape(vx.label)
                  << "\\nVIOLATES " << escape(vx.violated) << "\"]";
        },
        [&](std::ostream& o, const Graph::edge_descriptor& e) {
            o << "[label=\"" << escape(g[e].label) << "\"]";
        },
        [&](std::ostream& o) {
            o << "label=\"" << escape(spec.name + " under " + policy.name) << "\";\n"
              << "node [fontname=monospace];\n";
        });
    return stats;
}

}  // namespace cowpin
