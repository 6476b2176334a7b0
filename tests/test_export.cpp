// `cowpin export TRACE --itf -o FILE`: a trace in Apalache's Informal Trace Format (ADR-015).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cli_helpers.hpp"

using namespace cli_test;

namespace {
const std::string kCve = "counterexamples/vmsplice-unmap-in-child.linux-5.7.get_no_leak.json";
}

TEST_CASE("the CVE-2020-29374 trace exports to ITF: five states, the trace's fields as variables, null as None") {
    TempDir tmp("itf");
    const Run r = cli_test::cowpin("export " + kCve + " --itf -o " + quote(tmp / "cve.itf.json"), tmp);
    CHECK(r.code == 0);
    CHECK(r.out == "wrote " + tmp / "cve.itf.json" + "\n");
    const nlohmann::json itf = nlohmann::json::parse(read_file(tmp / "cve.itf.json"));
    CHECK(itf["#meta"]["format"] == "ITF");
    CHECK(itf["#meta"]["source"] == "specs/vmsplice-unmap-in-child.json");
    CHECK(itf["vars"] == nlohmann::json::array({"frames", "handles", "processes", "program_counters",
                                                "swap_slots", "values", "action", "step"}));
    REQUIRE(itf["states"].size() == 5);
    std::vector<std::string> actions;
    for (const auto& s : itf["states"]) actions.push_back(s["action"]);
    CHECK(actions == std::vector<std::string>{"init", "P0 fork P1", "P1 vmsplice v0 h0",
                                              "P1 munmap v0", "P0 write v0"});
    CHECK(itf["states"][3]["#meta"]["index"] == 3);
    // A frame in no swapcache: Quint's option variant, since ITF has no null.
    CHECK(itf["states"][0]["frames"][0]["swapcache"] ==
          nlohmann::json::parse(R"({"tag": "None", "value": {"#tup": []}})"));
    // The leak: after the parent's write the page holds x1, which the child's pipe still sees.
    CHECK(itf["states"][4]["frames"][0]["data"] == "x1");
    CHECK(itf["states"][4]["frames"][0]["mapcount"] == 1);
}

TEST_CASE("export refuses a trace that does not replay, and writes nothing") {
    TempDir tmp("itf-bad");
    const Run r = cli_test::cowpin("export tests/bad-input/traces/step-state-edited.json --itf -o " +
                                       quote(tmp / "x.json"),
                                   tmp);
    CHECK(r.code == 1);
    CHECK(r.err.find("diverges at step 2") != std::string::npos);
    CHECK_FALSE(fs::exists(tmp / "x.json"));
    const Run dir = cli_test::cowpin("export " + kCve + " --itf -o " + quote(tmp.path.string()), tmp);
    CHECK(dir.code == 2);
}
