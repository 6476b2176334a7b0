// `cowpin graph`, end to end: the whole graph of a small spec and `--trace` (a trace's path and
// the steps it does not take), their DOT node by node (views/graph_dot.hpp: node lines "N[...]",
// edge lines "A->B [...]"), the legend, the marks, the limit (exit 4) and the rendered pictures.
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "tests/cli_helpers.hpp"

namespace {

using namespace cli_test;
namespace fs = std::filesystem;

const std::string kVmsplice = "specs/vmsplice-unmap-in-child.json";
// CVE-2020-29374: P0 fork P1, P1 vmsplice v0 h0, P1 munmap v0, P0 write v0 reuses the page.
const std::string kCveTrace = "counterexamples/vmsplice-unmap-in-child.linux-5.7.get_no_leak.json";

// A DOT file as write_graphviz writes it: node statements by id, edge statements in order.
struct Dot {
    std::vector<std::string> nodes;  // the statement after "N", by N
    std::vector<std::string> edges;  // "A->B [...]"
    explicit Dot(const std::string& text) {
        static const std::regex node(R"(^(\d+)\[(.*)\];$)"), edge(R"(^\d+->\d+ \[.*\];$)");
        std::istringstream lines(text);
        std::smatch m;
        for (std::string line; std::getline(lines, line);) {
            if (std::regex_match(line, m, node)) {
                REQUIRE(std::stoul(m[1]) == nodes.size());
                nodes.push_back(m[2]);
            } else if (std::regex_match(line, edge)) {
                edges.push_back(line);
            }
        }
    }
    // Ids of the nodes whose statement contains `part`.
    std::vector<std::size_t> with(std::string_view part) const {
        std::vector<std::size_t> ids;
        for (std::size_t i = 0; i < nodes.size(); ++i)
            if (has(nodes[i], part)) ids.push_back(i);
        return ids;
    }
};

}  // namespace

TEST_CASE("graph --trace draws the CVE-2020-29374 trace as its 5 states, the 2 writes it does not take first, and a legend, with the leak marked at step 4") {
    TempDir tmp("graph-trace");
    const std::string out = tmp / "cve.dot";
    const Run r = cowpin(fmt::format("graph --trace {} -o {}", kCveTrace, quote(out)), tmp);
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out == fmt::format("wrote {}: 5 states on the path (1 violating), 2 alternatives (0 violating)\n", out));
    CHECK(r.err == "");
    const std::string text = read_file(out);
    CHECK(has(text, "label=\"vmsplice-unmap-in-child under linux-5.7: get_no_leak violated after 4 steps\";"));
    const Dot dot(text);
    CHECK(dot.nodes.size() == 8);  // 5 on the path, 2 leaves, the legend
    CHECK(dot.edges.size() == 6);  // 4 steps, 2 not taken

    // The path, in blue, named as explain names it: one frame F1 all along, x1 the parent's write.
    CHECK(dot.with("penwidth=2,shape=box,color=blue,").size() == 4);
    CHECK(has(dot.nodes[0], "label=\"initial state\\lP0 v0: present(F1, writable) reads x0, ideal x0\\l"
                            "F1: x0 mapcount 1 refcount 1\\lnext: P0 fork P1\\l\""));
    CHECK(dot.edges[0] == "0->1 [color=blue,fontcolor=blue,penwidth=2,label=\"step 1: P0 fork P1\\n"
                          "copy_present_pte: share (fork: share)\"];");
    CHECK(has(text, "3->4 [color=blue,fontcolor=blue,penwidth=2,label=\"step 4: P0 write v0\\n"
                    "do_wp_page: reuse (write_fault: mapcount)\"];"));

    // The one violating state: red, double border, the invariant's message first, the leak as ≠.
    REQUIRE(dot.with("VIOLATES").size() == 2);  // the state and the legend's line for the mark
    CHECK(dot.with("VIOLATES get_no_leak").size() == 1);
    CHECK(dot.nodes[4] ==
          "penwidth=2,shape=box,peripheries=2,style=filled,color=red,fillcolor=\"#ffe8e8\","
          "label=\"VIOLATES get_no_leak: Leak through a GUP reference (h0 of P1 v0 reads a value "
          "written by P0)\\lafter step 4\\lP0 v0: present(F1, writable) reads x1, ideal x1\\l"
          "P1 v0: none\\lF1: x1 mapcount 1 refcount 2 gets 1\\l"
          "h0: get ro of P1 v0 (detached) → F1 reads x1 ≠ ideal x0\\lx1 written by P0 at P0 v0\\l"
          "next: P0 done, P1 done\\l\"");

    // From the states after steps 1 and 2 P0 could write first: the fault would copy.
    CHECK(dot.with("label=\"P0 write v0\\ldo_wp_page: copy (write_fault: mapcount)\\l\"") ==
          std::vector<std::size_t>{5, 6});
    CHECK(has(text, "1->5 [style=dashed,color=gray50,fontcolor=gray30,label=\"\"];"));
    CHECK(has(text, "2->6 [style=dashed,color=gray50,fontcolor=gray30,label=\"\"];"));

    // The legend says what the fields and the marks mean.
    REQUIRE(dot.with("shape=note").size() == 1);
    const std::string& legend = dot.nodes[7];
    CHECK(has(legend, "label=\"Legend\\lP1 v0: page v0 of process P1: its page table entry"));
    CHECK(has(legend, "\\lh0: a GUP reference held for a device"));
    CHECK(has(legend, "\\l≠: what is read is not what a correct OS shows: a leak or a lost write\\l"));
    CHECK(has(legend, "\\lred, double border, VIOLATES: the state breaks an invariant (its message)\\l"));
    CHECK(has(legend, "\\lgrey dashed: a step the trace does not take"));
}

TEST_CASE("graph --trace refuses a trace that does not replay with explain's line and exit code, and writes nothing") {
    TempDir tmp("graph-bad-trace");
    const std::string bad = "tests/bad-input/traces/step-state-edited.json";
    const std::string out = tmp / "bad.dot";
    const Run explain = cowpin("explain " + bad, tmp);
    const Run r = cowpin(fmt::format("graph --trace {} -o {}", bad, quote(out)), tmp);
    CHECK(r.code == 1);
    CHECK(r.code == explain.code);
    CHECK(r.err == explain.err);
    CHECK(r.err == "cowpin: diverges at step 2: P1 vmsplice v0 h0 leads to a different state than "
                   "the trace records: field 'steps[1].state.frames[0].refcount' is 4 in the "
                   "trace; replay derives 3\n");
    CHECK(r.out == "");
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("the whole graph of vmsplice-unmap-in-child names frames along each path, shows ideal values, marks the leak and has a legend") {
    TempDir tmp("graph-whole");
    const std::string out = tmp / "vmsplice.dot";
    const Run r = cowpin(fmt::format("graph {} --policy linux-5.7 -o {}", kVmsplice, quote(out)), tmp);
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out == fmt::format("wrote {}: 8 states, 8 edges, 1 violating, 0 stuck\n", out));
    const std::string text = read_file(out);
    CHECK(has(text, "label=\"vmsplice-unmap-in-child under linux-5.7: 8 states, 8 edges\";"));
    const Dot dot(text);
    CHECK(dot.nodes.size() == 9);
    CHECK(dot.edges.size() == 8);
    // The parent wrote after fork and got the copy, F2, with its new value; the child keeps F1
    // and the old one (the canonical names would give the child x1).
    CHECK(dot.nodes[2] ==
          "shape=box,label=\"P0 v0: present(F2, writable) reads x1, ideal x1\\l"
          "P1 v0: present(F1, R/O) reads x0, ideal x0\\lF1: x0 mapcount 1 refcount 1\\l"
          "F2: x1 mapcount 1 refcount 1\\lx1 written by P0 at P0 v0\\lnext: P0 done, P1 vmsplice v0 h0\\l\"");
    const std::vector<std::size_t> marked = dot.with("VIOLATES get_no_leak: Leak through a GUP "
                                                     "reference (h0 of P1 v0 reads a value written by P0)");
    REQUIRE(marked.size() == 1);
    CHECK(has(dot.nodes[marked[0]], "shape=box,peripheries=2,style=filled,color=red,"));
    CHECK(has(dot.nodes[marked[0]], "h0: get ro of P1 v0 (detached) → F1 reads x1 ≠ ideal x0"));
    CHECK(dot.with("≠").size() == 2);  // that state and the legend
    CHECK(dot.with("shape=note").size() == 1);
    CHECK(has(dot.nodes[8], "(each state is named as on its shortest path from the initial state)"));
    CHECK(has(text, "1->2 [label=\"P0 write v0\"];"));
}

TEST_CASE("a stuck execution is marked in the whole graph and at the end of its trace with who waits for what") {
    TempDir tmp("graph-stuck");
    const std::string spec = tmp / "waits.json";
    write_file(spec, R"({
  "name": "waits",
  "bounds": { "processes": 2, "pages": 1, "handles": 0, "swap_slots": 0 },
  "programs": { "P0": ["fork P1", "wait P1 exited"], "P1": ["write v0"] }
})");
    const std::string whole = tmp / "whole.dot";
    const Run w = cowpin(fmt::format("graph {} --policy linux-6.18 -o {}", quote(spec), quote(whole)), tmp);
    INFO(w.out << w.err);
    REQUIRE(w.code == 0);
    CHECK(w.out == fmt::format("wrote {}: 3 states, 2 edges, 0 violating, 3 stuck\n", whole));
    const std::string why = "STUCK: No process can take its next step: P0 waits at 'wait P1 "
                            "exited' (P1 never exits)";
    const Dot wd(read_file(whole));
    CHECK(wd.with("style=\"filled,diagonals\",color=darkorange").size() == 3);
    CHECK(wd.with(why).size() == 1);

    const Run check = cowpin(fmt::format("check {} --policy linux-6.18 --out {}", quote(spec), quote(tmp / "out")), tmp);
    REQUIRE(check.code == 0);
    const std::string trace = tmp / "out/waits.linux-6.18.stuck.json";
    const Run t = cowpin(fmt::format("graph --trace {}", quote(trace)), tmp);
    INFO(t.err);
    REQUIRE(t.code == 0);
    const Dot td(t.out);  // DOT on stdout without -o
    CHECK(td.nodes.size() == 4);
    CHECK(td.edges.size() == 2);
    CHECK(has(td.nodes[2], "label=\"" + why + "\\lafter step 2\\l"));
    // Doomed from the start: fork leads only to the wait that never ends.
    CHECK(has(td.nodes[0], "label=\"STUCK: no execution from here ends every program\\linitial state\\l"));
    CHECK(has(td.nodes[1], "label=\"STUCK: no execution from here ends every program\\lafter step 1\\l"));
    CHECK(td.with("style=\"filled,diagonals\",color=darkorange").size() == 3);
}

TEST_CASE("a whole graph over --max-states is refused with exit 4 and one line that suggests --trace, nothing written") {
    TempDir tmp("graph-limit");
    const std::string out = tmp / "big.dot";
    const Run r = cowpin(fmt::format("graph specs/exhaustive-pins.json --policy linux-6.18 -o {}", quote(out)), tmp);
    CHECK(r.code == 4);
    CHECK(r.out == "");
    CHECK(r.err ==
          "cowpin: exhaustive-pins under linux-6.18 has more than 60 states (133 found before "
          "stopping): too many to draw (dot takes seconds past 60 states, minutes past 120); draw "
          "one counterexample with `cowpin graph --trace TRACE.json`, lower the bounds (--bound "
          "depth=N) or raise --max-states\n");
    CHECK_FALSE(fs::exists(out));

    const Run small = cowpin(fmt::format("graph {} --policy linux-5.7 -o {} --max-states 3", kVmsplice, quote(out)), tmp);
    CHECK(small.code == 4);
    CHECK(has(small.err, "cowpin: vmsplice-unmap-in-child under linux-5.7 has more than 3 states"));
    CHECK(count_lines(small.err) == 1);
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(out + ".tmp"));
}

TEST_CASE("graph refuses options of the other form by name, with exit 2") {
    TempDir tmp("graph-options");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"graph", "cowpin: graph: give a spec (with --policy) or --trace TRACE.json, one of the two\n"},
        {"graph " + kVmsplice + " --trace " + kCveTrace,
         "cowpin: graph: give a spec (with --policy) or --trace TRACE.json, one of the two\n"},
        {"graph " + kVmsplice, "cowpin: graph: --policy is required with a spec\n"},
        {"graph --trace " + kCveTrace + " --policy linux-5.7",
         "cowpin: graph: --policy goes with a spec, not --trace\n"},
        {"graph --trace " + kCveTrace + " --max-states 9",
         "cowpin: graph: --max-states goes with a spec, not --trace\n"},
        {"graph " + kVmsplice + " --policy linux-5.7 --spec " + kVmsplice,
         "cowpin: graph: --spec goes with --trace\n"},
    };
    for (const auto& row : cases) {
        // Not a structured binding: CAPTURE() takes it into a lambda, which clang 14 refuses.
        const auto& args = row.first;
        const auto& line = row.second;
        CAPTURE(args);
        const Run r = cowpin(args, tmp);
        CHECK(r.code == 2);
        CHECK(r.out == "");
        CHECK(r.err == line);
    }
}

#if COWPIN_HAVE_GVC
TEST_CASE("graph -o NAME.svg, .png and .pdf render through Graphviz's library, no dot needed") {
    TempDir tmp("graph-render");
    for (const char* ext : {"svg", "png", "pdf"}) {
        CAPTURE(ext);
        const std::string out = tmp / fmt::format("cve.{}", ext);
        // An empty PATH: no dot to run; the picture comes from libgvc in-process.
        const Run r = sh(fmt::format("PATH= {} graph --trace {} -o {}", quote(kBinary.string()),
                                     kCveTrace, quote(out)), tmp);
        INFO(r.err);
        REQUIRE(r.code == 0);
        const std::string bytes = read_file(out);
        if (std::string(ext) == "svg") {
            CHECK(bytes.rfind("<?xml", 0) == 0);
            CHECK(has(bytes, "<svg"));
            CHECK(has(bytes, "VIOLATES get_no_leak: Leak through a GUP reference"));
            CHECK(count(bytes, "class=\"node\"") == 8);
            CHECK(count(bytes, "class=\"edge\"") == 6);
        } else if (std::string(ext) == "png") {
            CHECK(bytes.substr(0, 8) == "\x89PNG\r\n\x1a\n");
        } else {
            CHECK(bytes.rfind("%PDF-", 0) == 0);
        }
    }
}
#else
TEST_CASE("graph -o NAME.svg without Graphviz's library is refused with exit 2 before any work, saying to write DOT") {
    TempDir tmp("graph-render");
    const std::string out = tmp / "cve.svg";
    const Run r = cowpin(fmt::format("graph --trace {} -o {}", kCveTrace, quote(out)), tmp);
    CHECK(r.code == 2);
    CHECK(r.err == fmt::format("cowpin: -o {}: this cowpin was built without Graphviz's library "
                               "(libgvc), so it writes DOT only: name the output .dot and run `dot "
                               "-Tsvg G.dot -o G.svg`\n", out));
    CHECK_FALSE(fs::exists(out));
}
#endif
