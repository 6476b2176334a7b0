// `cowpin draw`: a trace as a message sequence chart (views/cowpin::sequence_chart.hpp, chart_svg.hpp).
// The chart is read back as XML: its lifelines, rows and marks are groups with classes and ids,
// so these tests pin its structure and its words, not its pixels.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "checker/run/replay.hpp"
#include "checker/run/trace.hpp"
#include "checker/views/sequence_chart.hpp"
#include "tests/cli_helpers.hpp"

namespace {

using namespace cli_test;
namespace fs = std::filesystem;
using nlohmann::json;

const std::string kCve = "counterexamples/vmsplice-unmap-in-child.linux-5.7.get_no_leak.json";

// The cowpin binary (cli_helpers.hpp), by another name than the namespace.
Run tool(const std::string& args, const TempDir& tmp) { return cli_test::cowpin(args, tmp); }

// `cowpin draw TRACE -o tmp/NAME.svg`, parsed; fails the test if it does not draw.
pugi::xml_document drawn(const TempDir& tmp, const std::string& trace, const std::string& name) {
    const std::string svg = tmp / (name + ".svg");
    const Run r = tool(fmt::format("draw {} -o {}", quote(trace), quote(svg)), tmp);
    INFO(r.err);
    REQUIRE(r.code == 0);
    pugi::xml_document doc;
    REQUIRE(doc.load_file(svg.c_str()));
    return doc;
}

std::vector<std::string> all(const pugi::xml_node& root, const char* xpath, const char* attribute = nullptr) {
    std::vector<std::string> out;
    for (const pugi::xpath_node& n : root.select_nodes(xpath))
        out.push_back(attribute ? n.node().attribute(attribute).value() : n.node().text().get());
    return out;
}

}  // namespace

TEST_CASE("the chart of the CVE-2020-29374 trace has a lifeline for P0, P1 and h0, a row per step, and the leak marked at step 4") {
    TempDir tmp("draw-cve");
    const Run r = tool(fmt::format("draw {} -o {}", kCve, tmp / "cve.svg"), tmp);
    CHECK(r.code == 0);
    CHECK(r.out == fmt::format("wrote {}: 4 steps, 3 lifelines\n", tmp / "cve.svg"));
    CHECK(r.err.empty());
    const pugi::xml_document doc = drawn(tmp, kCve, "cve");
    const pugi::xml_node svg = doc.child("svg");
    CHECK(std::string(svg.child_value("title")) ==
          "vmsplice-unmap-in-child under linux-5.7: get_no_leak violated after 4 steps");
    CHECK(all(svg, "//g[@class='lifeline']", "id") ==
          std::vector<std::string>{"lifeline-P0", "lifeline-P1", "lifeline-h0"});
    // The initial state, then one row per step.
    CHECK(all(svg, "//g[@class='row']", "id") ==
          std::vector<std::string>{"step-0", "step-1", "step-2", "step-3", "step-4"});
    // Each step as explain writes it, with the decision it took.
    CHECK(all(svg, "//g[@class='row']/text[@class='step-text']") ==
          std::vector<std::string>{"0  initial state", "1  P0 fork P1", "2  P1 vmsplice v0 h0",
                                   "3  P1 munmap v0", "4  P0 write v0"});
    CHECK(all(svg, "//g[@id='step-4']/text[@class='note']") ==
          std::vector<std::string>{"do_wp_page: reuse (write_fault: mapcount)"});
    // Arrows from the actor (fork to the child, vmsplice to the handle), boxes on it.
    CHECK(all(svg, "//g[@class='row']/text[@class='label']") ==
          std::vector<std::string>{"fork()", "vmsplice() v0: FOLL_GET R/O", "munmap() v0", "store v0 = x1"});
    CHECK(all(svg, "//g[@class='row']/line[@class='call']").size() == 2);
    CHECK(all(svg, "//g[@class='row']/rect[@class='box']").size() == 2);
    // What is seen next to the ideal value: the one wrong value is what the pipe reads after
    // the parent's write, in the last row.
    CHECK(all(svg, "//text[@class='wrong']") == std::vector<std::string>{"reads x1 ≠ ideal x0"});
    CHECK(all(svg, "//g[@id='step-4']/text[@class='wrong']").size() == 1);
    CHECK(all(svg, "//g[@id='step-3']/text") ==
          std::vector<std::string>{"3  P1 munmap v0", "munmap() v0", "v0 present(F1, R/O)", "sees x0 = ideal x0",
                                   "v0 none", "FOLL_GET R/O → F1", "of P1 v0, detached, baseline x0",
                                   "reads x0 = ideal x0", "F1 x0  mapcount 1  refcount 2  gets 1"});
    // One mark: the violation, with the trace's message, after the last step.
    CHECK(all(svg, "//g[contains(@class, 'mark')]").size() == 1);
    CHECK(all(svg, "//g[@id='step-4']/g[@class='mark violation']/text[@class='mark-text']") ==
          std::vector<std::string>{"get_no_leak violated after step 4: Leak through a GUP reference (h0 "
                                   "of P1 v0 reads a value written by P0)"});
}

TEST_CASE("the chart model of the CVE-2020-29374 trace: lifelines, rows, who sees what after each step") {
    const std::string path = (kSource / kCve).string();
    const cowpin::ReplayOutcome ok = cowpin::replay_trace(path);
    REQUIRE(ok.exit_code == 0);
    const cowpin::SequenceChart c = cowpin::sequence_chart(cowpin::load_trace(path), ok.decisions);
    REQUIRE(c.lifelines.size() == 3);
    CHECK(c.lifelines[0].name == "P0");
    CHECK(c.lifelines[2].kind == cowpin::Lifeline::Kind::handle);
    REQUIRE(c.rows.size() == 5);
    // fork is an arrow from P0 to P1, vmsplice from P1 to h0; munmap and the write are boxes.
    CHECK((c.rows[1].from == 0 && c.rows[1].to == 1));
    CHECK((c.rows[2].from == 1 && c.rows[2].to == 2));
    CHECK((c.rows[3].from == 1 && c.rows[3].to == 1));
    CHECK((c.rows[4].from == 0 && c.rows[4].to == 0));
    // P1 and h0 are alive from their step on.
    CHECK(c.rows[0].alive == std::vector<bool>{true, false, false});
    CHECK(c.rows[1].alive == std::vector<bool>{true, true, false});
    CHECK(c.rows[4].alive == std::vector<bool>{true, true, true});
    const std::vector<cowpin::ChartLine>& h0 = c.rows[4].cells[2];
    REQUIRE(h0.size() == 3);
    CHECK(h0[2].text == "reads x1 ≠ ideal x0");
    CHECK(h0[2].wrong);
    CHECK(c.rows[4].cells[0][1].text == "sees x1 = ideal x1");
    CHECK_FALSE(c.rows[4].cells[0][1].wrong);
    CHECK(c.rows[4].frames.size() == 1);
    CHECK(c.rows[4].frames[0].text == "F1 x1  mapcount 1  refcount 2  gets 1");
    CHECK(c.rows[4].frames[0].changed);
    REQUIRE(c.rows[4].marks.size() == 1);
    CHECK(c.rows[4].marks[0].kind == cowpin::ChartMark::Kind::violation);
    CHECK(c.rows[4].marks[0].note.empty());
}

TEST_CASE("a chart marks an earlier violation at its step and the end as its consequence") {
    TempDir tmp("draw-consequence");
    const pugi::xml_document doc = drawn(
        tmp, "counterexamples/thp-partially-shared-ro-pin-on-ro-mapped-shared-page.linux-5.7.pin_reliable.json",
        "thp");
    const pugi::xml_node svg = doc.child("svg");
    CHECK(all(svg, "//g[@class='lifeline']", "id") ==
          std::vector<std::string>{"lifeline-P0", "lifeline-P1", "lifeline-P2", "lifeline-h0"});
    CHECK(all(svg, "//g[@class='row']").size() == 9);
    CHECK(all(svg, "//g[@id='step-7']/g[@class='mark earlier']/text[@class='mark-text']") ==
          std::vector<std::string>{"pinned_exclusive violated here: Pinned page is shared (frame pinned by "
                                   "h0 (P0 v0) is also mapped by P2 v0)"});
    CHECK(all(svg, "//g[@id='step-8']/g[@class='mark violation']/text") ==
          std::vector<std::string>{"pin_reliable violated after step 8: Longterm R/O pin is not reliable "
                                   "(h0 on P0 v0 sees stale data)",
                                   "consequence: after pinned_exclusive at step 7"});
    // P1 exits at step 3: its lifeline ends in a cross.
    CHECK(all(svg, "//g[@id='lifeline-P1']/path[@class='end']").size() == 1);
    CHECK(all(svg, "//g[@id='lifeline-P0']/path[@class='end']").empty());
}

TEST_CASE("a chart names a page swapped back in as a new frame, and the kernel's own steps get a lifeline") {
    TempDir tmp("draw-names");
    const pugi::xml_document swapped =
        drawn(tmp, "counterexamples/swapped-out-vmsplice-unmap-in-child.linux-5.7.get_no_leak.json", "swap");
    CHECK(all(swapped.child("svg"), "//g[@id='step-1']/text[@class='changed']") ==
          std::vector<std::string>{"v0 swap(slot 0)", "swap slot 0 x0  count 1"});
    CHECK(all(swapped.child("svg"), "//g[@id='step-3']/text[@class='changed']")[0] == "v0 present(F2, R/O)");
    const pugi::xml_document kernel =
        drawn(tmp, "counterexamples/exhaustive-pins-gets.linux-5.9.get_no_leak.json", "kernel");
    CHECK(all(kernel.child("svg"), "//g[@class='lifeline']", "id") ==
          std::vector<std::string>{"lifeline-P0", "lifeline-P1", "lifeline-h0", "lifeline-kernel"});
    CHECK(all(kernel.child("svg"), "//g[@id='step-4']/text[@class='label']") ==
          std::vector<std::string>{"reclaim: swap out F1"});
}

TEST_CASE("a needless-copy witness and a stuck trace are drawn with their endings") {
    TempDir tmp("draw-endings");
    REQUIRE(tool("compare specs/write-after-swap-in.json --policies linux-5.9 --out " + tmp / "w", tmp).code == 0);
    const pugi::xml_document needless =
        drawn(tmp, tmp / "w/write-after-swap-in.linux-5.9.needless_copy.json", "needless");
    CHECK(all(needless.child("svg"), "//g[@class='row']").size() == 4);
    CHECK(all(needless.child("svg"), "//g[@id='step-3']/g[@class='mark needless_copy']/text") ==
          std::vector<std::string>{"Needless copy at step 3: Needless copy: P0 write v0 copies a page no "
                                   "other process maps or references"});

    write_file(tmp.path / "waits.json",
               R"({"name": "waits", "bounds": {"processes": 2, "pages": 1, "handles": 1, "swap_slots": 1},
                   "programs": {"P0": ["fork P1", "wait P1 exited"], "P1": ["write v0"]},
                   "policies": ["linux-6.18"], "expect": {"default": "stuck"}})");
    REQUIRE(tool("check " + tmp / "waits.json" + " --out " + tmp / "s", tmp).code == 0);
    const pugi::xml_document stuck = drawn(tmp, tmp / "s/waits.linux-6.18.stuck.json", "stuck");
    CHECK(all(stuck.child("svg"), "//g[@id='step-2']/g[@class='mark stuck']/text") ==
          std::vector<std::string>{"Stuck after step 2: no execution from here ends every program: No "
                                   "process can take its next step: P0 waits at 'wait P1 exited' (P1 "
                                   "never exits)"});
    CHECK(all(stuck.child("svg"), "//g[@class='row']/text[@class='label']") ==
          std::vector<std::string>{"fork()", "store v0 = x1"});
}

TEST_CASE("draw refuses a trace that does not replay as explain does, and bad input in one line, writing nothing") {
    TempDir tmp("draw-refuses");
    json t = json::parse(read_file(kSource / kCve));
    t["steps"][1]["state"]["frames"][0]["refcount"] = 4;
    write_file(tmp.path / "edited.json", t.dump(2));
    const Run explain = tool("explain " + tmp / "edited.json", tmp);
    const Run r = tool(fmt::format("draw {} -o {}", tmp / "edited.json", tmp / "edited.svg"), tmp);
    CHECK(explain.code == 1);
    CHECK(r.code == explain.code);
    CHECK(r.err == explain.err);
    CHECK(r.out.empty());
    CHECK_FALSE(fs::exists(tmp.path / "edited.svg"));

    write_file(tmp.path / "not-a-trace.json", R"({"format": "something"})");
    const Run bad = tool(fmt::format("draw {} -o {}", tmp / "not-a-trace.json", tmp / "x.svg"), tmp);
    CHECK(bad.code == 2);
    CHECK(bad.err == fmt::format("cowpin: {}: field 'format': expected \"cowpin-trace\"\n", tmp / "not-a-trace.json"));
    CHECK_FALSE(fs::exists(tmp.path / "x.svg"));

    const Run dir = tool(fmt::format("draw {} -o {}", kCve, tmp.path.string()), tmp);
    CHECK(dir.code == 2);
    CHECK(dir.err == fmt::format("cowpin: -o {}: is a directory (expected a file to write)\n", tmp.path.string()));
}
