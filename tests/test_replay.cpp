// A trace stands alone (format version 4): it carries its spec, so `replay` and `explain` work on
// the file alone from any directory, and never follow the path it records; `replay` re-derives
// every field and names the first that differs; `explain` replays first, then shows the policy
// decision each step took in the words of the kernel function that takes it.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/cli_helpers.hpp"

namespace {

using namespace cli_test;
namespace fs = std::filesystem;
using nlohmann::json;

const std::string kCve = "counterexamples/vmsplice-unmap-in-child.linux-5.7.get_no_leak.json";
const std::string kReproduced =
    "reproduced: get_no_leak violated after 4 steps: Leak through a GUP reference (h0 of P1 v0 "
    "reads a value written by P0)\n";

json cve() { return json::parse(read_file(kSource / kCve)); }

// The CVE trace edited by `edit`, written to `tmp`/NAME.json; returns its path.
std::string edited(const TempDir& tmp, const std::string& name, auto&& edit) {
    json t = cve();
    edit(t);
    write_file(tmp.path / (name + ".json"), t.dump(2));
    return tmp / (name + ".json");
}

// `cowpin ARGS` run in `dir` instead of the source directory.
Run cowpin_in(const std::string& dir, const std::string& args, const TempDir& tmp) {
    return sh(fmt::format("cd {} && {} {}", quote(dir), quote(kBinary.string()), args), tmp);
}

}  // namespace

TEST_CASE("a trace copied alone into an empty directory replays and explains from there") {
    TempDir tmp("alone");
    const std::string dir = tmp / "alone";
    fs::create_directories(dir);
    fs::copy_file(kSource / kCve, fs::path(dir) / "leak.json");
    const Run replay = cowpin_in(dir, "replay leak.json", tmp);
    CHECK(replay.code == 0);
    CHECK(replay.err.empty());
    CHECK(replay.out == kReproduced);
    const Run explain = cowpin_in(dir, "explain leak.json", tmp);
    CHECK(explain.code == 0);
    CHECK(explain.out.rfind("vmsplice-unmap-in-child under linux-5.7: get_no_leak violated after 4 "
                            "steps\n", 0) == 0);
    CHECK(has(explain.out, "Step 4: P0 write v0\n"));
}

TEST_CASE("a trace of a spec kept outside specs/ replays after the spec file is deleted") {
    TempDir tmp("outside");
    const std::string spec = tmp / "my-specs/cve.json";
    write_file(spec, read_file(kSource / "specs/vmsplice-unmap-in-child.json"));
    const Run check = cowpin(fmt::format("check {} --policy linux-5.7 --out {}", quote(spec),
                                         quote(tmp / "out")), tmp);
    REQUIRE(check.code == 0);
    fs::remove_all(tmp.path / "my-specs");
    const std::string trace = tmp / "out/vmsplice-unmap-in-child.linux-5.7.get_no_leak.json";
    CHECK(json::parse(read_file(trace))["spec"]["path"] == "my-specs/cve.json");
    const Run replay = cowpin("replay " + quote(trace), tmp);
    CHECK(replay.code == 0);
    CHECK(replay.out == kReproduced);
}

TEST_CASE("replay never follows the spec path a trace records: another spec there changes nothing") {
    TempDir tmp("path-ignored");
    // Under the old lookup this path resolved, beside the trace's parent directory, to a spec
    // whose steps differ.
    const std::string trace = edited(tmp, "elsewhere", [](json& t) {
        t["spec"]["path"] = "specs/fork-with-rw-longterm-pin.json";
    });
    fs::create_directories(tmp.path / "specs");
    fs::copy_file(kSource / "specs/fork-with-rw-longterm-pin.json",
                  tmp.path / "specs/fork-with-rw-longterm-pin.json");
    const Run r = cowpin("replay " + quote(trace), tmp);
    CHECK(r.code == 0);
    CHECK(r.out == kReproduced);
}

TEST_CASE("a version 3 trace, which carries no spec, replays only with --spec") {
    TempDir tmp("v3");
    const std::string trace = edited(tmp, "v3", [](json& t) {
        t["version"] = 3;
        t["spec"].erase("content");
    });
    const Run alone = cowpin("replay " + quote(trace), tmp);
    CHECK(alone.code == 2);
    CHECK(alone.err == "cowpin: " + trace + ": field 'version': 3 is a trace of cowpin before "
                       "traces carried their spec: replay it with --spec FILE, or regenerate it "
                       "with cowpin check\n");
    const Run given = cowpin("replay " + quote(trace) + " --spec specs/vmsplice-unmap-in-child.json", tmp);
    CHECK(given.code == 0);
    CHECK(given.out == kReproduced);
}

TEST_CASE("--spec with a file whose bytes differ from the recorded ones replays it, with a note on stderr") {
    TempDir tmp("spec-note");
    const std::string spec = tmp / "cve.json";
    write_file(spec, read_file(kSource / "specs/vmsplice-unmap-in-child.json") + "\n");
    const Run r = cowpin("replay " + kCve + " --spec " + quote(spec), tmp);
    CHECK(r.code == 0);
    CHECK(r.out == kReproduced);
    CHECK(r.err == "note: " + spec + " has changed since the trace was written (sha256 differs)\n");
}

TEST_CASE("a changed step text is a divergence naming the field, exit 1") {
    TempDir tmp("text");
    const std::string trace = edited(tmp, "text", [](json& t) { t["steps"][2]["text"] = "P1 munmap v1"; });
    const Run r = cowpin("replay " + quote(trace), tmp);
    CHECK(r.code == 1);
    CHECK(r.err == "cowpin: diverges at step 3: field 'steps[2].text' is \"P1 munmap v1\" in the "
                   "trace; replay derives \"P1 munmap v0\"\n");
}

TEST_CASE("a trace naming another built-in policy is a divergence at its first different decision") {
    TempDir tmp("policy");
    const std::string trace = edited(tmp, "renamed", [](json& t) { t["policy"] = "linux-5.9"; });
    const Run r = cowpin("replay " + quote(trace), tmp);
    CHECK(r.code == 1);
    CHECK(r.err == "cowpin: diverges: the trace's decisions are not those of the built-in policy "
                   "linux-5.9: field 'policy_decisions.write_fault' is \"mapcount\" in the trace; "
                   "replay derives \"refcount\"\n");
}

TEST_CASE("a trace of a policy file replays from its recorded decisions, and a policy file given for it must decide alike") {
    TempDir tmp("policy-file");
    const std::string trace = edited(tmp, "idea", [](json& t) { t["policy"] = "my-idea"; });
    const Run alone = cowpin("replay " + quote(trace), tmp);
    CHECK(alone.code == 0);
    CHECK(alone.out == kReproduced);
    json file = json::parse(read_file(kSource / "specs/policies/linux-5.9.json"));
    file["name"] = "my-idea";
    write_file(tmp.path / "my-idea.json", file.dump(2));
    const Run other = cowpin("replay " + quote(trace) + " --policy-file " + quote(tmp / "my-idea.json"), tmp);
    CHECK(other.code == 1);
    CHECK(other.err == "cowpin: diverges: the trace's decisions are not those of the policy file "
                       "of my-idea: field 'policy_decisions.write_fault' is \"mapcount\" in the "
                       "trace; replay derives \"refcount\"\n");
}

TEST_CASE("explain refuses a trace that does not replay, with replay's message and exit code") {
    TempDir tmp("explain-refuses");
    const std::string trace = edited(tmp, "refcount", [](json& t) {
        t["steps"][1]["state"]["frames"][0]["refcount"] = 4;
    });
    const std::string line =
        "cowpin: diverges at step 2: P1 vmsplice v0 h0 leads to a different state than the trace "
        "records: field 'steps[1].state.frames[0].refcount' is 4 in the trace; replay derives 3\n";
    const Run replay = cowpin("replay " + quote(trace), tmp);
    CHECK(replay.code == 1);
    CHECK(replay.err == line);
    const Run explain = cowpin("explain " + quote(trace), tmp);
    CHECK(explain.code == 1);
    CHECK(explain.err == line);
    CHECK(explain.out.empty());
}

TEST_CASE("explain shows the policy decision each step of the CVE-2020-29374 trace took, in kernel words") {
    TempDir tmp("decisions");
    const Run r = cowpin("explain " + kCve, tmp);
    CHECK(r.code == 0);
    // fork shares the page, vmsplice takes a FOLL_GET on it as mapped, and the parent's write
    // fault reuses it: its mapcount is 1 once the child has unmapped it.
    CHECK(has(r.out, "\nStep 1: P0 fork P1\n    decision: copy_present_pte: share (fork: share)\n"));
    CHECK(has(r.out, "\nStep 2: P1 vmsplice v0 h0\n    decision: __get_user_pages: as is "
                     "(gup_read_get: none)\n"));
    CHECK(has(r.out, "\nStep 3: P1 munmap v0\n    P1 v0:"));
    CHECK(has(r.out, "\nStep 4: P0 write v0\n    decision: do_wp_page: reuse (write_fault: mapcount)\n"));
    CHECK(count(r.out, "decision: ") == 3);
}

TEST_CASE("explain names a page swapped back in as a new frame, though the model reuses its slot") {
    // swap_out frees the page (slot 0); the child's vmsplice swaps it in, into slot 0 again.
    // By slot both would be "frame 0"; by name the swapped-in page is F2, and F1 is gone.
    TempDir tmp("reborn");
    const Run r = cowpin("explain counterexamples/swapped-out-vmsplice-unmap-in-child.linux-5.7."
                         "get_no_leak.json", tmp);
    CHECK(r.code == 0);
    CHECK(has(r.out, "\nStep 1: P0 swap_out v0\n    P0 v0: PTE present(F1, writable) → swap(slot 0)\n"));
    CHECK(has(r.out, "    - frame F1: gone\n"));
    CHECK(has(r.out, "    P1 v0: PTE swap(slot 0) → present(F2, R/O)\n"
                     "    + frame F2: data x0, gets 1, isolated no, mapcount 1, pins 0, refcount 3, "
                     "swapcache 0\n"
                     "    + handle h0: access ro, baseline x0, cell attached, frame F2, kind get, "
                     "owner P1, vaddr v0\n"
                     "    swap slot 0: cache none → F2, count 2 → 1\n"));
    CHECK(has(r.out, "    frame F2: data x0 → x1, mapcount 0 → 1, swapcache 0 → none\n"));
    CHECK_FALSE(has(r.out, "F3"));
}

TEST_CASE("explain gives a late write a new value name, though the model reuses the name of a value nothing references") {
    // P0 unmaps v1, so nothing references x1 any more, and its write at step 6 takes slot x1
    // again: by slot the new data would read as the old x1.
    TempDir tmp("revalued");
    const Run r = cowpin("explain counterexamples/thp-single-pte-swapped-out-fork-with-iouring-"
                         "fixed-buffer.linux-5.7.pin_reliable.json", tmp);
    CHECK(r.code == 0);
    CHECK(has(r.out, "\nStep 6: P0 write v0\n    decision: do_wp_page: copy (write_fault: mapcount)\n"
                     "    P0 v0: PTE present(F3, R/O) → present(F4, writable), ideal x0 → x2\n"
                     "    frame F3: mapcount 2 → 1, refcount 3 → 2\n"
                     "    + frame F4: data x2, gets 0, isolated no, mapcount 1, pins 0, refcount 1, "
                     "swapcache none\n"
                     "    + value x2: written by P0 at P0 v0\n"));
    CHECK_FALSE(has(r.out, "→ x1"));
}
