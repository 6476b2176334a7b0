// Limits and stuck runs are never a pass (issue 18): a scenario whose executions cannot all end
// is stuck, a depth bound gives an incomplete run unless the spec asks for a bounded verdict,
// and a spec that the state cannot represent is refused at parse time, with exit 2.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli_helpers.hpp"

using namespace cli_test;
using nlohmann::json;

namespace {

std::string scenario(const std::string& name, const std::string& programs,
                     const std::string& expect, const std::string& extra = "") {
    return R"({"name": ")" + name + R"(", "bounds": {"processes": 2, "pages": 1, "handles": 1,
        "swap_slots": 1)" + extra + R"(}, "programs": )" + programs +
           R"(, "policies": ["linux-6.18"], "expect": {"default": )" + expect + "}}";
}

}  // namespace

TEST_CASE("a scenario whose executions can never all end is stuck: never holds, exit 1") {
    TempDir tmp("stuck");
    write_file(tmp.path / "waits.json",
               scenario("waits", R"({"P0": ["fork P1", "wait P1 exited"], "P1": ["write v0"]})",
                        R"("holds")"));
    const Run r = cowpin("check " + tmp / "waits.json" + " --out " + tmp / "out", tmp);
    CHECK(r.code == 1);
    CHECK(has(r.out, "waits  linux-6.18  stuck [2 steps]: No process can take its next step: P0 "
                     "waits at 'wait P1 exited' (P1 never exits)  states=3 transitions=2 depth=2 "
                     "complete=0 stuck=3"));
    CHECK(has(r.out, "waits     ST!(✓)\n"));
    const std::string trace = tmp / "out/waits.linux-6.18.stuck.json";
    const json t = json::parse(read_file(trace));
    CHECK(t["kind"] == "stuck");
    CHECK(t["stuck"]["step"] == 2);
    const Run replay = cowpin("replay " + trace + " --spec " + tmp / "waits.json", tmp);
    CHECK(replay.code == 0);
    CHECK(replay.out == "reproduced: stuck after 2 steps: No process can take its next step: P0 "
                        "waits at 'wait P1 exited' (P1 never exits)\n");
    CHECK(has(cowpin("explain " + trace, tmp).out, "\nStuck after step 2: no execution from here "
                                                   "ends every program\n"));
    SUBCASE("a spec may expect it") {
        write_file(tmp.path / "expected.json",
                   scenario("expected", R"({"P0": ["migrate_start v0", "write v0"]})", R"("stuck")"));
        const Run ok = cowpin("check " + tmp / "expected.json" + " --no-write", tmp);
        CHECK(ok.code == 0);
        CHECK(has(ok.out, "stuck [1 steps]: No process can take its next step: P0 waits at 'write "
                          "v0' (v0 is a migration entry: the fault waits for the migration)"));
        CHECK(has(ok.out, "expected  ST\n"));
    }
}

TEST_CASE("a depth bound gives an incomplete run, exit 4, unless the spec asks for a bounded verdict") {
    TempDir tmp("depth");
    // Under linux-5.7 the pinned page is shared at step 2: a depth bound of 1 cannot see it.
    const Run cut = cowpin("check specs/fork-with-rw-longterm-pin.json --policy linux-5.7 --bound "
                           "depth=1 --no-write", tmp);
    CHECK(cut.code == 4);
    CHECK(has(cut.out, "no violation in the states explored"));
    CHECK(has(cut.out, "INCOMPLETE (depth bound reached after 2 states, depth 1"));
    CHECK(has(cut.out, "fork-with-rw-longterm-pin  ✓ (incomplete)\n"));
    write_file(tmp.path / "bounded.json",
               scenario("bounded", R"({"P0": ["iouring_fixed v0 h0", "fork P1", "write v0"]})",
                        R"("holds")", R"(, "depth": 1)"));
    CHECK(cowpin("check " + tmp / "bounded.json" + " --no-write", tmp).code == 4);
    json j = json::parse(read_file(tmp.path / "bounded.json"));
    j["depth_bounded"] = true;
    write_file(tmp.path / "bounded.json", j.dump());
    const Run ok = cowpin("check " + tmp / "bounded.json" + " --no-write", tmp);
    CHECK(ok.code == 0);
    CHECK(has(ok.out, "bounded  linux-6.18  holds up to depth 1  states=2"));
    CHECK(has(ok.out, "bounded   ✓ ≤1\n"));
    // The command line cannot move a bounded verdict's depth.
    CHECK(cowpin("check " + tmp / "bounded.json" + " --bound depth=2 --no-write", tmp).code == 4);
}

TEST_CASE("a program longer than the program counter can count is refused, not wrapped") {
    TempDir tmp("long");
    json steps = json::array({"iouring_fixed v0 h0", "fork P1"});
    for (int i = 0; i < 509; ++i) steps.push_back("write v0");
    json spec = json::parse(scenario("long", "{}", R"("holds")"));
    spec["programs"]["P0"] = steps;
    spec["policies"] = {"linux-5.7"};
    write_file(tmp.path / "long.json", spec.dump());
    const Run r = cowpin("check " + tmp / "long.json" + " --no-write", tmp);
    CHECK(r.code == 2);
    CHECK(r.err == "cowpin: " + tmp / "long.json" + ": field 'programs.P0': 511 steps; a program "
                   "has at most 200 (the state's program counter)\n");
    CHECK(r.out.empty());
    steps.erase(steps.begin() + 200, steps.end());
    spec["programs"]["P0"] = steps;
    spec["expect"]["default"] = {"pinned_exclusive", "pin_reliable"};
    write_file(tmp.path / "long.json", spec.dump());
    CHECK(cowpin("check " + tmp / "long.json" + " --no-write", tmp).code == 0);
}

TEST_CASE("a step on a page its process no longer maps, or through a handle it does not hold, is refused") {
    TempDir tmp("names");
    auto error = [&](const std::string& programs) {
        write_file(tmp.path / "bad.json", scenario("bad", programs, R"("holds")"));
        const Run r = cowpin("check " + tmp / "bad.json" + " --no-write", tmp);
        CHECK(r.code == 2);
        CHECK(r.out.empty());
        return r.err.substr(r.err.find("field"));
    };
    CHECK(error(R"({"P0": ["munmap v0", "write v0"]})") ==
          "field 'programs.P0[1]': 'write v0': v0 is no longer mapped here (munmap at "
          "programs.P0[0]); an access would fault with SIGSEGV, a GUP with EFAULT\n");
    CHECK(error(R"({"P0": ["munmap v0", "fork P1"], "P1": ["vmsplice v0 h0"]})") ==
          "field 'programs.P1[0]': 'vmsplice v0 h0': v0 is no longer mapped here (P0 unmapped it "
          "before forking P1); an access would fault with SIGSEGV, a GUP with EFAULT\n");
    CHECK(error(R"({"P0": ["iouring_fixed v0 h0", "fork P1"], "P1": ["unpin h0"]})") ==
          "field 'programs.P1[0]': 'unpin h0': h0 holds no reference here (take it first with "
          "pin, get, vmsplice, odirect_read, odirect_write or iouring_fixed in this program)\n");
    CHECK(error(R"({"P0": ["vmsplice v0 h0", "dma_write h0"]})") ==
          "field 'programs.P0[1]': 'dma_write h0': h0 is a R/O reference (taken at "
          "programs.P0[0]); the device cannot write through it\n");
    CHECK(error(R"({"P0": ["pin rw v0 h0", "get ro v0 h0"]})") ==
          "field 'programs.P0[1]': 'get ro v0 h0': h0 still holds the reference taken at "
          "programs.P0[0]\n");
    CHECK(error(R"({"P0": ["fork P1", "pin rw v0 h0"], "P1": ["vmsplice v0 h0"]})") ==
          "field 'programs.P1[0]': 'vmsplice v0 h0': h0 is taken by P0's program; a handle is the "
          "reference of one program\n");
}
