// End to end: run the built `cowpin` binary (COWPIN_BINARY) from the source directory
// (COWPIN_SOURCE_DIR), with stdout and stderr redirected to files in a temporary directory, and
// check exit codes (main.cpp: 0 as expected, 1 mismatch or replay diverged, 2 bad input, nothing
// written), messages and the files written.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/cli_helpers.hpp"

namespace {

using namespace cli_test;
namespace fs = std::filesystem;
using nlohmann::json;

bool python_with_jsonschema(const TempDir& tmp) {
    if (!fs::exists("/usr/bin/python3")) return false;
    return sh("/usr/bin/python3 -c 'import jsonschema'", tmp).code == 0;
}

const std::string kVmsplice = "specs/vmsplice-unmap-in-child.json";
const std::string kVmspliceTrace = "vmsplice-unmap-in-child.linux-5.7.get_no_leak.json";

// Writes the linux-5.7 counterexample of vmsplice-unmap-in-child into `dir`; returns its path.
fs::path vmsplice_trace(const TempDir& tmp, const std::string& dir) {
    const Run r = cowpin(fmt::format("check {} --policy linux-5.7 --out {}", kVmsplice, quote(dir)), tmp);
    REQUIRE(r.code == 0);
    const fs::path trace = fs::path(dir) / kVmspliceTrace;
    REQUIRE(fs::exists(trace));
    return trace;
}

}  // namespace

TEST_CASE("cowpin check on a malformed spec exits 2 with a one-line error naming the file and field and writes nothing") {
    TempDir tmp("malformed");
    const std::string bad = tmp / "specs/broken.json";
    write_file(bad, R"({
  "name": "broken",
  "bounds": { "processes": 2, "pages": 7, "handles": 1, "swap_slots": 1 },
  "programs": { "P0": ["fork P1", "write v0"] },
  "expect": { "default": "holds" }
})");
    const std::string out = tmp / "out";
    const Run r = cowpin(fmt::format("check {} --out {}", quote(bad), quote(out)), tmp);
    INFO("stderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(r.err == fmt::format("cowpin: {}: field 'bounds.pages': expected an integer 1..4, got 7\n", bad));
    CHECK(count_lines(r.err) == 1);
    CHECK(r.out.empty());
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("cowpin check parses every spec before checking any, so one bad spec in a directory writes nothing") {
    TempDir tmp("bad-in-dir");
    // A valid spec that has a counterexample under linux-5.7, and a bad one sorted after it.
    fs::create_directories(tmp.path / "specs");
    fs::copy_file(kSource / kVmsplice, tmp.path / "specs/vmsplice-unmap-in-child.json");
    const std::string bad = tmp / "specs/zz-bad.json";
    write_file(bad, R"({
  "name": "zz-bad",
  "bounds": { "processes": 2, "pages": 1, "handles": 1, "swap_slots": 1 },
  "programs": { "P0": ["fork P1", "write v0"] },
  "policies": ["linux-5.7", "linux-4.0"],
  "expect": { "default": "holds" }
})");
    // The out directory already holds a file with the name the valid spec would write.
    const fs::path out = tmp.path / "out";
    write_file(out / kVmspliceTrace, "sentinel\n");

    const Run r = cowpin(fmt::format("check {} --out {}", quote(tmp / "specs"), quote(out.string())), tmp);
    INFO("stderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(count_lines(r.err) == 1);
    CHECK(has(r.err, "cowpin: " + bad + ": field 'policies[1]': unknown policy 'linux-4.0' (expected one of: "));
    CHECK(r.out.empty());  // no verdict line: nothing was checked
    CHECK(snapshot(out) == std::map<std::string, std::string>{{kVmspliceTrace, "sentinel\n"}});
}

TEST_CASE("cowpin check with a bad --bound or --policy exits 2 and writes nothing") {
    TempDir tmp("bad-options");
    const std::string out = tmp / "out";
    const Run bound = cowpin(fmt::format("check {} --bound pages=9 --out {}", kVmsplice, quote(out)), tmp);
    CHECK(bound.code == 2);
    CHECK(bound.err == "cowpin: --bound: bound 'pages': expected an integer 1..4, got 9\n");
    const Run policy = cowpin(fmt::format("check {} --policy linux-9.9 --out {}", kVmsplice, quote(out)), tmp);
    CHECK(policy.code == 2);
    CHECK(has(policy.err, "cowpin: --policy: unknown policy 'linux-9.9' (expected one of: linux-5.7, "));
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("cowpin check writes the same counterexample files byte for byte when run twice") {
    TempDir tmp("twice");
    const std::string spec = "specs/fork-with-rw-longterm-pin.json";
    const fs::path out = tmp.path / "out";
    const Run first = cowpin(fmt::format("check {} --out {}", spec, quote(out.string())), tmp);
    INFO("stdout: " << first.out << "stderr: " << first.err);
    REQUIRE(first.code == 0);
    const auto before = snapshot(out);
    std::vector<std::string> names;
    for (const auto& [name, bytes] : before) names.push_back(name);
    CHECK(names == std::vector<std::string>{
                       "fork-with-rw-longterm-pin.freebsd.pin_reliable.json",
                       "fork-with-rw-longterm-pin.freebsd.pinned_exclusive.json",
                       "fork-with-rw-longterm-pin.linux-5.7.pin_reliable.json",
                       "fork-with-rw-longterm-pin.linux-5.7.pinned_exclusive.json",
                       "fork-with-rw-longterm-pin.linux-5.8.pin_reliable.json",
                       "fork-with-rw-longterm-pin.linux-5.8.pinned_exclusive.json",
                       "fork-with-rw-longterm-pin.netbsd.pin_reliable.json",
                       "fork-with-rw-longterm-pin.netbsd.pinned_exclusive.json",
                   });

    // A stale trace of a (spec, policy) pair that now holds stays (with a warning), as do other
    // files: a run removes nothing (test_output_safety.cpp).
    write_file(out / "fork-with-rw-longterm-pin.linux-5.9.pin_reliable.json", "{}\n");
    write_file(out / "notes.txt", "kept\n");
    const Run second = cowpin(fmt::format("check {} --out {}", spec, quote(out.string())), tmp);
    REQUIRE(second.code == 0);
    auto after = snapshot(out);
    CHECK(after.count("notes.txt") == 1);
    after.erase("notes.txt");
    CHECK(after["fork-with-rw-longterm-pin.linux-5.9.pin_reliable.json"] == "{}\n");
    after.erase("fork-with-rw-longterm-pin.linux-5.9.pin_reliable.json");
    CHECK(after.size() == before.size());
    for (const auto& file : before) {
        // Not a structured binding: INFO() captures it in a lambda, which clang 14 refuses.
        const auto& name = file.first;
        const auto& bytes = file.second;
        INFO(name);
        CHECK(after[name] == bytes);
    }
    // The trace names its spec by directory and file name, whatever --out was, and by its hash.
    const json t = json::parse(before.begin()->second);
    CHECK(t["spec"]["path"] == spec);
    CHECK(t["spec"]["sha256"].get<std::string>().size() == 64);
    CHECK(ends_with(before.begin()->second, "}\n"));
}

TEST_CASE("Every trace cowpin check writes validates against counterexamples/trace.schema.json" *
          doctest::test_suite("slow")) {
    TempDir tmp("schema");
    REQUIRE_MESSAGE(python_with_jsonschema(tmp),
                    "/usr/bin/python3 with jsonschema is missing: run scripts/install-deps.sh");
    // The scenario specs; the exhaustive ones' traces are checked in, regenerated byte for byte
    // by the spec/* tests, and validated below with the rest of counterexamples/.
    std::string scenarios;
    for (const auto& e : fs::directory_iterator(kSource / "specs"))
        if (e.path().extension() == ".json" && e.path().filename().string().rfind("exhaustive", 0) != 0)
            scenarios += " " + quote(("specs" / e.path().filename()).string());
    const fs::path out = tmp.path / "cx";
    const Run check = cowpin(fmt::format("check{} --out {}", scenarios, quote(out.string())), tmp);
    INFO("stdout: " << check.out << "stderr: " << check.err);
    CHECK(check.code == 0);  // a verdict mismatch (1) still writes its traces: validate them anyway
    REQUIRE((check.code == 0 || check.code == 1));
    const std::size_t traces = snapshot(out).size();
    REQUIRE(traces > 0);

    const std::string validate = "/usr/bin/python3 tests/schema_check.py counterexamples/trace.schema.json ";
    const Run ok = sh(validate + quote(out.string()), tmp);
    INFO("schema_check: " << ok.out << ok.err);
    CHECK(ok.code == 0);
    CHECK(ends_with(ok.out, fmt::format("\n{} passed, 0 failed\n", traces)));
    CHECK(count(ok.out, "\nok ") + (ok.out.rfind("ok ", 0) == 0) == traces);

    // The check can fail: a trace with a mistyped count and an unknown PTE kind is rejected.
    json t = json::parse(read_file(out / kVmspliceTrace));
    t["steps"][0]["state"]["frames"][0]["refcount"] = "2";
    t["initial_state"]["processes"][0]["pages"]["v0"]["pte"] = "mapped";
    write_file(tmp.path / "bad" / kVmspliceTrace, t.dump(2));
    const Run bad = sh(validate + quote(tmp / "bad"), tmp);
    INFO("schema_check: " << bad.out << bad.err);
    CHECK(bad.code == 1);
    CHECK(ends_with(bad.out, "\n0 passed, 1 failed\n"));
    CHECK(has(bad.out, "at /steps/0/state/frames/0/refcount: '2' is not of type 'integer'"));
    CHECK(has(bad.out, "at /initial_state/processes/0/pages/v0/pte: 'mapped' is not one of"));
}

TEST_CASE("cowpin replay reproduces a written trace and names the step where a tampered copy diverges") {
    TempDir tmp("replay");
    const std::string dir = tmp / "cx";
    const fs::path trace = vmsplice_trace(tmp, dir);
    const json original = json::parse(read_file(trace));
    REQUIRE(original["steps"].size() == 4);

    const Run ok = cowpin("replay " + quote(trace.string()), tmp);
    CHECK(ok.code == 0);
    CHECK(ok.out == "reproduced: get_no_leak violated after 4 steps: " +
                        original["message"].get<std::string>() + "\n");

    // Tampered copies carry the spec as the original does.
    auto replay_modified = [&](const std::string& name, auto&& edit) {
        json t = original;
        edit(t);
        const fs::path p = fs::path(dir) / name;
        write_file(p, t.dump(2));
        return cowpin("replay " + quote(p.string()), tmp);
    };

    // Step 2 was "P1 vmsplice v0 h0"; "P0 write v0" is also enabled there but leads elsewhere.
    const Run other = replay_modified("other-action.json", [](json& t) {
        json& s = t["steps"][1];
        s["actor"] = "P0";
        s["action"] = "write";
        s["args"] = {{"vaddr", "v0"}};
        s["text"] = "P0 write v0";
    });
    CHECK(other.code == 1);
    CHECK(other.err == "cowpin: diverges at step 2: P0 write v0 leads to a different state than the "
                       "trace records: field 'steps[1].state.frames[0].gets' is 1 in the trace; "
                       "replay derives 0\n");

    // Step 3 was "P1 munmap v0"; P1's program does not read.
    const Run not_enabled = replay_modified("not-enabled.json", [](json& t) {
        t["steps"][2]["action"] = "read";
    });
    CHECK(not_enabled.code == 1);
    CHECK(not_enabled.err == "cowpin: diverges at step 3: P1 read v0 is not enabled\n");

    // A recorded state value changed.
    const Run state = replay_modified("state.json", [](json& t) {
        json& frame = t["steps"][1]["state"]["frames"][0];
        REQUIRE(frame["refcount"] == 3);
        frame["refcount"] = 4;
    });
    CHECK(state.code == 1);
    CHECK(state.err == "cowpin: diverges at step 2: P1 vmsplice v0 h0 leads to a different state "
                       "than the trace records: field 'steps[1].state.frames[0].refcount' is 4 in "
                       "the trace; replay derives 3\n");

    const Run initial = replay_modified("initial.json", [](json& t) {
        t["initial_state"]["frames"][0]["data"] = "x1";
    });
    CHECK(initial.code == 1);
    CHECK(initial.err == "cowpin: diverges at step 0: the initial state differs from the trace's: "
                         "field 'initial_state.frames[0].data' is \"x1\" in the trace; replay "
                         "derives \"x0\"\n");

    // The path cut short of the violating step.
    const Run short_path = replay_modified("short.json", [](json& t) { t["steps"].erase(3); });
    CHECK(short_path.code == 1);
    CHECK(short_path.err == "cowpin: diverges at the end: after 3 steps get_no_leak holds\n");

    // A malformed step is bad input, not a divergence.
    const Run malformed = replay_modified("malformed.json", [](json& t) { t["steps"][0]["action"] = "jump"; });
    CHECK(malformed.code == 2);
    CHECK(malformed.err == "cowpin: " + (fs::path(dir) / "malformed.json").string() +
                               ": field 'steps[0].action': unknown action 'jump'\n");
}

TEST_CASE("cowpin replay of a file that is not a trace exits 2 naming the file") {
    TempDir tmp("replay-bad");
    const Run spec = cowpin("replay " + kVmsplice, tmp);
    CHECK(spec.code == 2);
    CHECK(spec.err == "cowpin: " + kVmsplice + ": field 'format': expected \"cowpin-trace\"\n");

    const std::string missing = tmp / "missing.json";
    const Run none = cowpin("replay " + quote(missing), tmp);
    CHECK(none.code == 2);
    CHECK(none.err == "cowpin: " + missing + ": cannot read the file: No such file or directory\n");

    const std::string garbage = tmp / "garbage.json";
    write_file(garbage, "not json");
    const Run g = cowpin("replay " + quote(garbage), tmp);
    CHECK(g.code == 2);
    CHECK(g.err.rfind("cowpin: " + garbage + ": not valid JSON: ", 0) == 0);
}

TEST_CASE("cowpin policies lists the eleven policies in order") {
    TempDir tmp("policies");
    const Run r = cowpin("policies", tmp);
    CHECK(r.code == 0);
    std::vector<std::string> names;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        CHECK(line.find("  ") != std::string::npos);  // name, then a summary
        names.push_back(line.substr(0, line.find(' ')));
    }
    CHECK(names == std::vector<std::string>{"linux-5.7", "linux-5.8", "linux-5.9", "linux-5.11",
                                            "linux-5.18", "linux-5.19", "linux-6.18", "precop",
                                            "freebsd", "netbsd", "eager-copy"});
}

TEST_CASE("cowpin explain prints every step in kernel words and ends with the violation") {
    TempDir tmp("explain");
    const fs::path trace = vmsplice_trace(tmp, tmp / "cx");
    const json t = json::parse(read_file(trace));
    const Run r = cowpin("explain " + quote(trace.string()), tmp);
    INFO(r.out);
    CHECK(r.code == 0);
    CHECK(r.out.rfind("vmsplice-unmap-in-child under linux-5.7: get_no_leak violated after 4 steps\n", 0) == 0);
    CHECK(has(r.out, "Step 1: P0 fork P1\n"));
    CHECK(has(r.out, "Step 2: P1 vmsplice v0 h0\n"));
    CHECK(has(r.out, "Step 3: P1 munmap v0\n"));
    CHECK(has(r.out, "Step 4: P0 write v0\n"));
    CHECK_FALSE(has(r.out, "Step 5:"));
    CHECK(has(r.out, "mapcount"));
    CHECK(has(r.out, "refcount"));
    CHECK(has(r.out, "frame F1: mapcount 1 → 2, refcount 1 → 2"));
    const std::string ending = "Violation after step 4: get_no_leak\n  " +
                               t["message"].get<std::string>() + "\n";
    CHECK(ends_with(r.out, ending));
    CHECK(r.out.find("Step 4:") < r.out.find("Violation after step 4"));

    const Run bad = cowpin("explain " + kVmsplice, tmp);
    CHECK(bad.code == 2);
    CHECK(bad.err == "cowpin: " + kVmsplice + ": field 'format': expected \"cowpin-trace\"\n");
}

TEST_CASE("Every checked-in counterexample validates against the schema" *
          doctest::test_suite("slow")) {
    TempDir tmp("checked-in");
    std::size_t traces = 0;
    for (const auto& e : fs::directory_iterator(kSource / "counterexamples"))
        traces += e.path().extension() == ".json" && e.path().filename() != "trace.schema.json";
    REQUIRE(traces > 0);
    REQUIRE_MESSAGE(python_with_jsonschema(tmp),
                    "/usr/bin/python3 with jsonschema is missing: run scripts/install-deps.sh");
    const Run v = sh("/usr/bin/python3 tests/schema_check.py counterexamples/trace.schema.json counterexamples", tmp);
    INFO(v.out << v.err);
    CHECK(v.code == 0);
    CHECK(ends_with(v.out, fmt::format("\n{} passed, 0 failed\n", traces)));
}

TEST_CASE("cowpin check stops cleanly at its --memory cap with exit 4 and says how far it got") {
    TempDir tmp("memory-cap");
    const Run r = cowpin("check specs/exhaustive-pins.json --policy linux-5.19 --memory 1 --no-write", tmp);
    INFO(r.out << r.err);
    CHECK(r.code == 4);
    CHECK(has(r.out, "no violation in the states explored"));
    CHECK(has(r.out, "INCOMPLETE (memory limit reached after "));
    CHECK(has(r.out, "; --disk DIR keeps only fingerprints in memory, the queue and trace links "
                     "on disk)"));  // the way past the cap, which a --disk run does not repeat
    CHECK(has(r.out, "1 checks, 0 as expected, 0 not, 1 incomplete"));
    const Run disk = cowpin("check specs/exhaustive-pins.json --policy linux-5.19 --memory 1 "
                            "--no-write --disk " + quote(tmp.path.string()), tmp);
    CHECK(disk.code == 4);
    CHECK(has(disk.out, "INCOMPLETE (memory limit reached after "));
    CHECK_FALSE(has(disk.out, "--disk DIR"));
}

TEST_CASE("cowpin bench times each spec and policy on 1 and 2 threads, each in its own process" *
          doctest::test_suite("slow")) {
    TempDir tmp("bench");
    fs::create_directories(tmp.path / "bench");
    write_file(tmp.path / "bench" / "tiny.json", R"({"name": "tiny", "bounds": {"processes": 1,
        "pages": 1, "handles": 1, "swap_slots": 1}, "actions": ["write", "pin", "unpin"],
        "policies": ["linux-5.19", "linux-5.9"], "expect": {"default": "holds"}})");
    const Run r = cowpin("bench " + quote(tmp / "bench") + " --seconds 20", tmp);
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(has(r.out, "cowpin bench: 1 specs, 20 s and "));
    CHECK(has(r.out, ", symmetry on\n"));
    CHECK(has(r.out, "spec             policy      thr      states  transitions  seconds   states/s"));
    CHECK(count(r.out, "complete") == 4);  // 2 policies x 1 and 2 threads
    CHECK(has(r.out, "tiny             linux-5.19    1           4           10 "));
    CHECK(has(r.out, "tiny             linux-5.19    2           4           10 "));
    CHECK(has(r.out, "tiny             linux-5.9     2           4           10 "));
    // Two threads are timed to the one-thread run's states, which they reached.
    CHECK(has(r.out, "\nspeedup: one thread's seconds over the seconds the run took to hold the same states"));
    CHECK(count(r.out, "x*") == 0);
    // Rows this quick are run five times, thread counts alternating; the median run is shown.
    CHECK(count(r.out, "(median of 5: ") == 4);
    CHECK(has(r.out, "\nmedian of N: runs that all finish within 15 s are repeated, thread counts "
                     "alternating; the row is each count's median run\n"));
    const Run once = cowpin("bench " + quote(tmp / "bench") + " --seconds 20 --repeat 1", tmp);
    CHECK(once.code == 0);
    CHECK(count(once.out, "complete") == 4);
    CHECK(count(once.out, "median of") == 0);
}

TEST_CASE("check --policy a,b runs those policies in the order given, each once, an unknown one exits 2") {
    TempDir tmp("policy-list");
    const Run r = cowpin("check specs/vmsplice-unmap-in-child.json --policy linux-6.18,linux-5.7,linux-6.18 "
                         "--out " + quote(tmp / "out"), tmp);
    CHECK(r.code == 0);
    CHECK(has(r.out, "vmsplice-unmap-in-child  linux-6.18  holds  states=7 transitions=8 depth=4"));
    CHECK(has(r.out, "vmsplice-unmap-in-child  linux-5.7  get_no_leak [4 steps]"));
    CHECK(r.out.find("linux-6.18  holds") < r.out.find("linux-5.7  get_no_leak"));
    CHECK(has(r.out, "2 checks, 2 as expected, 0 not"));
    CHECK(fs::exists(tmp / "out/vmsplice-unmap-in-child.linux-5.7.get_no_leak.json"));
    const Run bad = cowpin("check specs/vmsplice-unmap-in-child.json --policy linux-6.18,linux-4.0 "
                           "--out " + quote(tmp / "bad"), tmp);
    CHECK(bad.code == 2);
    CHECK(count_lines(bad.err) == 1);
    CHECK(has(bad.err, "cowpin: --policy: unknown policy 'linux-4.0' (expected one of: linux-5.7,"));
    CHECK(bad.out == "");
    CHECK(!fs::exists(tmp / "bad"));
}

TEST_CASE("cowpin bench shows the states at each depth of a run that does not finish, and "
          "projects its total from them" * doctest::test_suite("slow")) {
    TempDir tmp("bench-unfinished");
    fs::create_directories(tmp.path / "bench");
    fs::copy_file(kSource / "specs/exhaustive-pins.json", tmp.path / "bench/exhaustive-pins.json");
    // A memory cap stops the run after the same block every time (57,515 states uncapped).
    const Run r = cowpin("bench " + quote(tmp / "bench") +
                             " --memory 1 --threads 1 --repeat 1 --policy linux-5.19",
                         tmp);
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(count(r.out, "exhaustive-pins  linux-5.19") == 1);  // of its eleven policies, one
    CHECK(has(r.out, "memory limit\n    levels: 1 8 25 97 276 561 979 1531 2103 2973 4022\n"));
    CHECK(has(r.out, "\n    projected 46272 states to depth 27 (log growth ratio "
                     "fitted linearly over the last 7 whole levels and extrapolated until the "
                     "levels vanish; before the peak: a rough guess)\n"));
    const Run unknown = cowpin("bench " + quote(tmp / "bench") + " --policy linux-9", tmp);
    CHECK(unknown.code == 2);
    CHECK(has(unknown.err, "--policy: unknown policy 'linux-9'"));
}

TEST_CASE("cowpin bench --disk runs each search with its queue in a directory and says what it "
          "wrote there" * doctest::test_suite("slow")) {
    TempDir tmp("bench-disk");
    fs::create_directories(tmp.path / "bench");
    fs::create_directories(tmp.path / "queue");
    fs::copy_file(kSource / "specs/exhaustive-pins.json", tmp.path / "bench/exhaustive-pins.json");
    const Run r = cowpin("bench " + quote(tmp / "bench") + " --disk " + quote(tmp / "queue") +
                             " --threads 1 --repeat 1 --policy linux-5.19",
                         tmp);
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(has(r.out, ", compact (fingerprints), --disk "));
    CHECK(has(r.out, "exhaustive-pins  linux-5.19    1       57515 "));
    CHECK(has(r.out, "complete  (verdict in "));
    CHECK(has(r.out, "  (disk: 0.4 MiB written)\n"));
    CHECK(fs::is_empty(tmp.path / "queue"));  // each run's files are removed at its end
}
