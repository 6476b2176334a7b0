// `cowpin check --bless` (checker/formats/spec_bless.hpp, checker/run/bless.hpp) and specs
// without "expect": the observed verdicts go into the spec's text where the old ones were, every
// other byte stays, an incomplete run blesses nothing, and a spec that expects nothing is checked
// and reported.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

#include "checker/formats/spec.hpp"
#include "checker/formats/spec_bless.hpp"
#include "checker/run/run.hpp"
#include "tests/cli_helpers.hpp"

namespace {

using namespace cli_test;
using cowpin::Observation;

constexpr std::uint32_t kPR = 1u << static_cast<int>(cowpin::Inv::pin_reliable);
constexpr std::uint32_t kPE = 1u << static_cast<int>(cowpin::Inv::pinned_exclusive);

// ro-mapping-rw-pinned-page under three policies, with linux-5.11's and linux-5.9's verdicts
// swapped: linux-5.9 loses the pin, linux-5.11 keeps it.
const std::string kWrong = R"({
  "name": "x",
  "bounds": {
    "processes": 2,
    "pages": 1,
    "handles": 1,
    "swap_slots": 1
  },
  "programs": {
    "P0": [
      "iouring_fixed v0 h0",
      "clear_refs v0",
      "write v0"
    ]
  },
  "policies": ["linux-5.9", "linux-5.11", "linux-5.19"],
  "expect": {
    "linux-5.11": "pin_reliable",
    "default": "holds"
  }
}
)";

const std::string kBlessed = R"({
  "name": "x",
  "bounds": {
    "processes": 2,
    "pages": 1,
    "handles": 1,
    "swap_slots": 1
  },
  "programs": {
    "P0": [
      "iouring_fixed v0 h0",
      "clear_refs v0",
      "write v0"
    ]
  },
  "policies": ["linux-5.9", "linux-5.11", "linux-5.19"],
  "expect": {
    "linux-5.9": [
      "pin_reliable"
    ],
    "default": "holds"
  }
}
)";

// The same spec without "expect".
std::string without_expect() {
    std::string t = kWrong;
    const std::size_t from = t.find(",\n  \"expect\"");
    return t.substr(0, from) + "\n}\n";
}

cowpin::Blessing bless(const std::string& text, const std::vector<Observation>& observed) {
    return cowpin::bless_spec_text(text, cowpin::parse_spec(text, "specs/x.json"), observed);
}

Run run_cowpin(const std::string& args, const TempDir& tmp) { return cli_test::cowpin(args, tmp); }

const std::vector<Observation> kObserved = {
    {"linux-5.9", kPR, std::nullopt, false},
    {"linux-5.11", 0, std::nullopt, false},
    {"linux-5.19", 0, std::nullopt, false},
};

}  // namespace

TEST_CASE("bless puts a changed verdict before default, drops an entry default now covers, and keeps every other byte") {
    const cowpin::Blessing b = bless(kWrong, kObserved);
    CHECK(b.text == kBlessed);
    CHECK(b.changes == std::vector<std::string>{"expect.linux-5.9: holds (default) -> [pin_reliable]",
                                                "expect.linux-5.11: [pin_reliable] -> holds"});
    // Blessed twice: nothing left to change.
    const cowpin::Blessing again = bless(kBlessed, kObserved);
    CHECK(again.changes.empty());
    CHECK(again.text == kBlessed);
}

TEST_CASE("bless replaces a policy's own entry in place, at its indentation, one invariant per line") {
    std::string text = kWrong;
    text.replace(text.find("\"linux-5.11\": \"pin_reliable\""), 28, "\"linux-5.9\": \"holds\"");
    const std::vector<Observation> observed = {{"linux-5.9", kPR | kPE, std::nullopt, false}};
    const cowpin::Blessing b = bless(text, observed);
    std::string want = text;
    want.replace(want.find("\"linux-5.9\": \"holds\""), 20,
                 "\"linux-5.9\": [\n      \"pinned_exclusive\",\n      \"pin_reliable\"\n    ]");
    CHECK(b.text == want);
    CHECK(b.changes ==
          std::vector<std::string>{"expect.linux-5.9: holds -> [pinned_exclusive, pin_reliable]"});
}

TEST_CASE("bless gives a spec without expect one before its closing brace, the verdict two or more policies share as default") {
    const cowpin::Blessing b = bless(without_expect(), kObserved);
    CHECK(b.text == kBlessed);
    CHECK(b.changes == std::vector<std::string>{"expect.linux-5.9: (none) -> [pin_reliable]",
                                                "expect.linux-5.11: (none) -> holds",
                                                "expect.linux-5.19: (none) -> holds"});
}

TEST_CASE("bless of a spec without expect refuses observations that leave a policy out") {
    const std::vector<Observation> part = {kObserved[0], kObserved[1]};
    CHECK_THROWS_WITH_AS(bless(without_expect(), part),
                         "specs/x.json: --bless: no \"expect\" yet, and nothing observed under "
                         "linux-5.19 (an \"expect\" names every policy the spec checks)",
                         cowpin::SpecError);
}

TEST_CASE("bless writes an exhaustive spec's exact state counts into symmetric_states or states") {
    const std::string text = R"({
  "name": "x",
  "bounds": { "processes": 2, "pages": 1, "handles": 1, "swap_slots": 0 },
  "actions": ["fork", "write", "pin", "unpin"],
  "policies": ["linux-5.9", "precop"],
  // hand-written: the comment and the one-line objects stay
  "expect": { "linux-5.9": "pin_reliable", "default": "holds" },
  "symmetric_states": { "linux-5.9": 80 }
})";
    const std::vector<Observation> observed = {
        {"linux-5.9", kPE | kPR, 87, true},
        {"precop", 0, 78, true},
    };
    const cowpin::Blessing b = bless(text, observed);
    CHECK(b.text == R"({
  "name": "x",
  "bounds": { "processes": 2, "pages": 1, "handles": 1, "swap_slots": 0 },
  "actions": ["fork", "write", "pin", "unpin"],
  "policies": ["linux-5.9", "precop"],
  // hand-written: the comment and the one-line objects stay
  "expect": { "linux-5.9": ["pinned_exclusive", "pin_reliable"], "default": "holds" },
  "symmetric_states": { "linux-5.9": 87, "precop": 78 }
})");
    CHECK(b.changes == std::vector<std::string>{
                           "expect.linux-5.9: [pin_reliable] -> [pinned_exclusive, pin_reliable]",
                           "symmetric_states.linux-5.9: 80 -> 87",
                           "symmetric_states.precop: (none) -> 78"});
    const std::vector<Observation> without_symmetry = {
        {"linux-5.9", kPE | kPR, 87, false},
        {"precop", 0, 78, false},
    };
    const cowpin::Blessing c = bless(b.text, without_symmetry);
    CHECK(c.text == b.text.substr(0, b.text.size() - 2) +
                        ",\n  \"states\": {\n    \"linux-5.9\": 87,\n    \"precop\": 78\n  }\n}");
}

TEST_CASE("A spec without expect parses and expects nothing, so every verdict of its runs matches") {
    const cowpin::Spec spec = cowpin::parse_spec(without_expect(), "specs/x.json");
    CHECK(spec.expect.empty());
    CHECK_FALSE(spec.expected("linux-5.9"));
    const cowpin::RunResult r = cowpin::run_check(spec, *cowpin::find_policy("linux-5.9"));
    CHECK(r.violated == kPR);
    CHECK_FALSE(r.expected);
    CHECK(r.verdict_matches());
    CHECK(r.matches());
}

// End to end, on copies in a temporary directory.

TEST_CASE("cowpin check --bless rewrites a wrong expectation, says what changed, exits 0, and the spec then checks as expected") {
    TempDir tmp("bless");
    write_file(tmp / "x.json", kWrong);
    const Run r = run_cowpin(fmt::format("check {} --bless --no-write", quote(tmp / "x.json")), tmp);
    CHECK(r.code == 1);  // --no-write: nothing blessed, the mismatch stands
    CHECK(ends_with(r.out, fmt::format("\n{0}: expect.linux-5.9: holds (default) -> [pin_reliable]\n"
                                       "{0}: expect.linux-5.11: [pin_reliable] -> holds\n"
                                       "bless --no-write: 1 spec would be rewritten (2 entries), "
                                       "0 unchanged; nothing written\n",
                                       tmp / "x.json")));
    CHECK(read_file(tmp / "x.json") == kWrong);

    const Run b = run_cowpin(fmt::format("check {} --bless --out {}", quote(tmp / "x.json"),
                                     quote(tmp / "cx")), tmp);
    CHECK(b.code == 0);
    CHECK(has(b.out, "x  linux-5.9  pin_reliable [3 steps]"));
    CHECK(ends_with(b.out, fmt::format("\n{0}: expect.linux-5.9: holds (default) -> [pin_reliable]\n"
                                       "{0}: expect.linux-5.11: [pin_reliable] -> holds\n"
                                       "bless: 1 spec rewritten (2 entries), 0 unchanged\n",
                                       tmp / "x.json")));
    CHECK(read_file(tmp / "x.json") == kBlessed);
    CHECK(snapshot(tmp.path) == std::map<std::string, std::string>{{"x.json", kBlessed}});

    const Run again = run_cowpin(fmt::format("check {} --no-write", quote(tmp / "x.json")), tmp);
    CHECK(again.code == 0);
    CHECK(ends_with(again.out, "\n3 checks, 3 as expected, 0 not\n"));
}

TEST_CASE("cowpin check --bless --policy changes only that policy's entry") {
    TempDir tmp("bless-policy");
    write_file(tmp / "x.json", kWrong);
    const Run r = run_cowpin(fmt::format("check {} --bless --policy linux-5.11 --no-write",
                                     quote(tmp / "x.json")), tmp);
    CHECK(r.code == 1);
    CHECK(ends_with(r.out, fmt::format("\n{}: expect.linux-5.11: [pin_reliable] -> holds\n"
                                       "bless --no-write: 1 spec would be rewritten (1 entry), 0 "
                                       "unchanged; nothing written\n",
                                       tmp / "x.json")));
    const Run w = run_cowpin(fmt::format("check {} --bless --policy linux-5.11 --out {}",
                                     quote(tmp / "x.json"), quote(tmp / "cx")), tmp);
    CHECK(w.code == 0);
    std::string want = kWrong;
    want.erase(want.find("    \"linux-5.11\""), std::string("    \"linux-5.11\": \"pin_reliable\",\n").size());
    CHECK(read_file(tmp / "x.json") == want);
    // linux-5.9 was not blessed: its mismatch stands.
    CHECK(run_cowpin(fmt::format("check {} --no-write", quote(tmp / "x.json")), tmp).code == 1);
}

TEST_CASE("cowpin check --bless leaves a spec alone when a limit cuts its run short, says so and exits 4") {
    TempDir tmp("bless-incomplete");
    write_file(tmp / "x.json", kWrong);
    const Run r = run_cowpin(fmt::format("check {} --bless --policy linux-5.19 --max-states 2 --out {}",
                                     quote(tmp / "x.json"), quote(tmp / "cx")), tmp);
    CHECK(r.code == 4);
    CHECK(ends_with(r.out, fmt::format("\n{}: expect.linux-5.19: not blessed: the run is "
                                       "incomplete (state limit reached)\n"
                                       "bless: 0 specs rewritten (0 entries), 0 unchanged, 1 run "
                                       "not blessed (incomplete)\n",
                                       tmp / "x.json")));
    CHECK(read_file(tmp / "x.json") == kWrong);
}

TEST_CASE("cowpin check of a spec without expect reports its verdicts with a note and exits 0, --bless writes them") {
    TempDir tmp("no-expect");
    write_file(tmp / "x.json", without_expect());
    const Run r = run_cowpin(fmt::format("check {} --out {}", quote(tmp / "x.json"), quote(tmp / "cx")), tmp);
    CHECK(r.code == 0);
    CHECK(r.out.rfind(fmt::format("{}: no \"expect\": its verdicts are reported, not checked "
                                  "(check --bless records them)\n",
                                  tmp / "x.json"),
                      0) == 0);
    CHECK(has(r.out, "x  linux-5.9  pin_reliable [3 steps]: Longterm R/W pin is not reliable (h0 "
                     "on P0 v0 sees stale data)  states=4 transitions=3 depth=3 complete=1 "
                     "stuck=0 "));
    CHECK(count(r.out, "  no expectation for this policy\n") == 3);
    CHECK(has(r.out, "\nscenario  linux-5.9  linux-5.11  linux-5.19\n"
                     "x         PR?        ✓?          ✓?\n"));
    CHECK(ends_with(r.out, "\n3 checks, 0 as expected, 0 not, 3 without an expectation (?)\n"));
    CHECK(r.err.empty());  // one note, no warning per policy

    // The tools that read a spec's programs, not its expectations, work on it as on any other.
    const std::string trace = tmp / "cx/x.linux-5.9.pin_reliable.json";
    const Run replay = run_cowpin(fmt::format("replay {} --spec {}", quote(trace), quote(tmp / "x.json")), tmp);
    CHECK(replay.code == 0);
    CHECK(replay.out == "reproduced: pin_reliable violated after 3 steps: Longterm R/W pin is not "
                        "reliable (h0 on P0 v0 sees stale data)\n");
    const Run compare = run_cowpin(fmt::format("compare {} --policies linux-5.9,linux-5.19",
                                           quote(tmp / "x.json")), tmp);
    CHECK(compare.code == 0);
    CHECK(has(compare.out, "  verdict             PR            ✓\n"));
    const Run reproduce = run_cowpin(fmt::format("reproduce {} -o {}", quote(tmp / "x.json"),
                                             quote(tmp / "x.c")), tmp);
    CHECK(reproduce.code == 0);
    CHECK(has(reproduce.out, "x interleaving 1 of 1: P0 iouring_fixed v0 h0, P0 clear_refs v0, "
                             "P0 write v0\n"));

    const Run b = run_cowpin(fmt::format("check {} --bless --no-write", quote(tmp / "x.json")), tmp);
    CHECK(b.code == 0);
    CHECK(run_cowpin(fmt::format("check {} --bless --out {}", quote(tmp / "x.json"), quote(tmp / "cx")), tmp).code == 0);
    CHECK(read_file(tmp / "x.json") == kBlessed);
}

TEST_CASE("cowpin check --bless of a spec without expect under --policy alone is bad input: it would name one policy of three") {
    TempDir tmp("no-expect-policy");
    write_file(tmp / "x.json", without_expect());
    const Run r = run_cowpin(fmt::format("check {} --bless --policy linux-5.9 --out {}",
                                     quote(tmp / "x.json"), quote(tmp / "cx")), tmp);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == fmt::format("cowpin: {}: field 'expect': missing, and --bless would write it "
                               "for only part of the policies it checks (linux-5.11 is not "
                               "checked here; run without --policy or --policy-file to bless them "
                               "all)\n",
                               tmp / "x.json"));
    CHECK(read_file(tmp / "x.json") == without_expect());
    CHECK_FALSE(fs::exists(tmp / "cx"));
}

TEST_CASE("cowpin check --bless under --bound is bad input: those verdicts are not for the spec's bounds") {
    TempDir tmp("bless-bound");
    write_file(tmp / "x.json", kWrong);
    const Run r = run_cowpin(fmt::format("check {} --bless --bound handles=0 --no-write",
                                         quote(tmp / "x.json")), tmp);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "cowpin: --bless: a run under --bound does not check the spec's own bounds, so "
                   "its verdicts are not the spec's (bless without --bound)\n");
    CHECK(read_file(tmp / "x.json") == kWrong);
}
