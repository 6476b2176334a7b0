// The strict spec parser (checker/formats/spec.cpp, MODEL.md §8): every malformed spec is a SpecError
// "FILE: field 'F': what was expected". Each case starts from one valid spec and breaks one thing,
// then pins the file, the field and the expectation words of the message.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <string_view>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/formats/sha256.hpp"
#include "checker/formats/spec.hpp"

namespace {

using nlohmann::json;

constexpr const char* kFile = "specs/bad.json";

// vmsplice-unmap-in-child, as in MODEL.md §8: valid, and small enough to break one field at a time.
constexpr const char* kValid = R"({
  "name": "bad",
  "title": "vmsplice() + unmap in child",
  "bounds": { "processes": 2, "pages": 1, "handles": 1, "swap_slots": 1 },
  "programs": { "P0": ["fork P1", "write v0"], "P1": ["get ro v0 h0", "munmap v0"] },
  "environment": [],
  "policies": ["linux-5.7", "linux-5.19"],
  "expect": { "linux-5.7": "get_no_leak", "default": "holds" }
})";

// The valid spec in exhaustive form.
constexpr const char* kValidExhaustive = R"({
  "name": "bad",
  "bounds": { "processes": 2, "pages": 1, "handles": 1, "swap_slots": 1 },
  "actions": ["fork", "write", "get"],
  "policies": ["linux-5.7"],
  "expect": { "default": "holds" }
})";

std::string edited(const char* base, const std::function<void(json&)>& edit) {
    json j = json::parse(base);
    edit(j);
    return j.dump(2);
}
std::string scenario(const std::function<void(json&)>& edit) { return edited(kValid, edit); }
std::string exhaustive(const std::function<void(json&)>& edit) { return edited(kValidExhaustive, edit); }

// The SpecError message parse_spec throws for `text`; a failed check if it accepts it.
std::string error_of(const std::string& text) {
    try {
        cowpin::parse_spec(text, kFile);
    } catch (const cowpin::SpecError& e) {
        return e.what();
    }
    FAIL_CHECK("parse_spec accepted a malformed spec:\n" << text);
    return "(accepted)";
}

bool has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }
bool starts(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// "specs/bad.json: field 'F': " + rest
std::string field_error(std::string_view field, std::string_view rest) {
    return fmt::format("{}: field '{}': {}", kFile, field, rest);
}

const std::string kActionList =
    "fork, exit, write, read, mprotect, clear_refs, uffd_wp, munmap, pin, get, vmsplice, "
    "odirect_read, odirect_write, iouring_fixed, unpin, dma_write, swap_out, reclaim, "
    "migrate_start, migrate_finish";
const std::string kThpActions = "split_pmd, dontfork, dofork, mprotect_vma, split_folio, collapse";
const std::string kInvariantList =
    "refcounts_consistent, pinned_exclusive, writable_exclusive, anon_exclusive_sound, "
    "memory_private, pin_reliable, get_no_leak";

}  // namespace

TEST_CASE("The valid base specs parse, so each error below comes from the one thing its case breaks") {
    const cowpin::Spec s = cowpin::parse_spec(kValid, kFile);
    CHECK(s.path == kFile);
    CHECK(s.name == "bad");
    CHECK(s.scenario);
    CHECK(s.sha256 == cowpin::sha256_hex(kValid));
    CHECK(s.policies == std::vector<std::string>{"linux-5.7", "linux-5.19"});
    CHECK(s.expected("linux-5.7") == (1u << static_cast<int>(cowpin::Inv::get_no_leak)));
    CHECK(s.expected("linux-5.19") == 0u);
    CHECK(s.programs[0].size() == 2);
    CHECK(s.programs[1].size() == 2);

    const cowpin::Spec e = cowpin::parse_spec(kValidExhaustive, kFile);
    CHECK_FALSE(e.scenario);
    CHECK(e.title == "bad");  // the title defaults to the name
    CHECK(e.families == (cowpin::op_bit(cowpin::Op::fork) | cowpin::op_bit(cowpin::Op::write) |
                         cowpin::op_bit(cowpin::Op::get)));
}

TEST_CASE("Text that is not JSON is rejected naming the file") {
    const std::string msg = error_of(R"({ "name": "bad", "bounds": )");
    INFO(msg);
    CHECK(starts(msg, "specs/bad.json: not valid JSON: "));
    CHECK(has(msg, "parse error"));

    CHECK(error_of(R"(["name", "bad"])") ==
          "specs/bad.json: expected a JSON object of spec fields, got an array");
    CHECK(error_of("") .rfind("specs/bad.json: not valid JSON: ", 0) == 0);
}

TEST_CASE("An unknown policy in 'policies' names its index and lists the known policies") {
    const std::string msg = error_of(scenario([](json& j) { j["policies"][1] = "linux-4.0"; }));
    INFO(msg);
    CHECK(msg == field_error("policies[1]", "unknown policy 'linux-4.0' (expected one of: " +
                                                cowpin::policy_names() + ")"));
    for (const char* p : {"linux-5.7", "linux-5.8", "linux-5.9", "linux-5.18", "linux-5.19",
                          "linux-6.18", "precop", "freebsd", "netbsd", "eager-copy"})
        CHECK(has(msg, p));

    CHECK(error_of(scenario([](json& j) { j["policies"][0] = 5; })) ==
          field_error("policies[0]", "expected a policy name, got an integer"));
    CHECK(error_of(scenario([](json& j) { j["policies"] = json::array(); })) ==
          field_error("policies", "expected a non-empty array of policy names, got an empty array"));
    CHECK(error_of(scenario([](json& j) { j["policies"] = "linux-5.7"; })) ==
          field_error("policies", "expected a non-empty array of policy names, got a string"));
}

TEST_CASE("An unknown policy in 'expect' names the key and offers default besides the policies") {
    const std::string msg =
        error_of(scenario([](json& j) { j["expect"]["linux-4.0"] = "holds"; }));
    INFO(msg);
    CHECK(msg == field_error("expect.linux-4.0",
                             "unknown policy 'linux-4.0' (expected default or one of: " +
                                 cowpin::policy_names() + ")"));
}

TEST_CASE("An unknown action in the exhaustive 'actions' list names its index and the known actions") {
    const std::string msg = error_of(exhaustive([](json& j) { j["actions"][1] = "jump"; }));
    INFO(msg);
    CHECK(msg == field_error("actions[1]",
                             "unknown action 'jump' (expected one of: " + kActionList + ", " + kThpActions + ")"));

    // 'wait' is a program step only, never an action family.
    CHECK(error_of(exhaustive([](json& j) { j["actions"][0] = "wait"; })) ==
          field_error("actions[0]", "unknown action 'wait' (expected one of: " + kActionList + ", " +
                                        kThpActions + ")"));
    CHECK(error_of(exhaustive([](json& j) { j["actions"][0] = 3; })) ==
          field_error("actions[0]", "expected an action name, got an integer"));
    CHECK(error_of(exhaustive([](json& j) { j["actions"] = json::array(); })) ==
          field_error("actions", "expected a non-empty array of action names, got an empty array"));
}

TEST_CASE("An unknown action in a program step names the program, the step and the known steps") {
    const std::string msg = error_of(scenario([](json& j) { j["programs"]["P0"][1] = "jump v0"; }));
    INFO(msg);
    CHECK(msg == field_error("programs.P0[1]", "unknown action 'jump' (expected one of: " +
                                                   kActionList + ", wait, " + kThpActions + ")"));
}

TEST_CASE("An unknown invariant names the verdict or list entry and lists the invariants") {
    const std::string one = error_of(scenario([](json& j) { j["expect"]["linux-5.7"] = "no_leak"; }));
    INFO(one);
    CHECK(one == field_error("expect.linux-5.7", "unknown invariant 'no_leak' (expected one of: " +
                                                     kInvariantList + ", or stuck)"));

    const std::string listed = error_of(scenario(
        [](json& j) { j["expect"]["linux-5.7"] = json::array({"get_no_leak", "pin_reliabel"}); }));
    INFO(listed);
    CHECK(listed == field_error("expect.linux-5.7[1]",
                                "unknown invariant 'pin_reliabel' (expected one of: " +
                                    kInvariantList + ", or stuck)"));

    CHECK(error_of(scenario([](json& j) { j["invariants"] = json::array({"memory_private", "x"}); })) ==
          field_error("invariants[1]",
                      "unknown invariant 'x' (expected one of: " + kInvariantList + ")"));
    CHECK(error_of(scenario([](json& j) { j["invariants"] = "holds"; })) ==
          field_error("invariants", "expected at least one invariant"));
    CHECK(error_of(scenario([](json& j) { j["expect"]["default"] = json::array(); })) ==
          field_error("expect.default", "expected \"holds\", an invariant name or a non-empty "
                                        "list of invariant names, got an empty array"));
    // "holds" is a verdict, not an invariant: it cannot appear inside a list.
    CHECK(error_of(scenario([](json& j) { j["expect"]["default"] = json::array({"holds"}); })) ==
          field_error("expect.default[0]",
                      "unknown invariant 'holds' (expected one of: " + kInvariantList + ", or stuck)"));
}

TEST_CASE("A bound out of range names the bound and its range") {
    using cowpin::kMaxHandles, cowpin::kMaxPages, cowpin::kMaxProcs, cowpin::kMaxSlots;
    CHECK(error_of(scenario([](json& j) { j["bounds"]["processes"] = kMaxProcs + 1; })) ==
          field_error("bounds.processes",
                      fmt::format("expected an integer 1..{}, got {}", kMaxProcs, kMaxProcs + 1)));
    CHECK(error_of(scenario([](json& j) { j["bounds"]["pages"] = 0; })) ==
          field_error("bounds.pages", fmt::format("expected an integer 1..{}, got 0", kMaxPages)));
    CHECK(error_of(scenario([](json& j) { j["bounds"]["handles"] = -1; })) ==
          field_error("bounds.handles", fmt::format("expected an integer 0..{}, got -1", kMaxHandles)));
    CHECK(error_of(scenario([](json& j) { j["bounds"]["swap_slots"] = kMaxSlots + 1; })) ==
          field_error("bounds.swap_slots",
                      fmt::format("expected an integer 0..{}, got {}", kMaxSlots, kMaxSlots + 1)));
    CHECK(error_of(scenario([](json& j) { j["bounds"]["depth"] = 10001; })) ==
          field_error("bounds.depth", "expected an integer 0..10000, got 10001"));
}

TEST_CASE("A bound of the wrong type names the bound and the type it got") {
    const std::string msg = error_of(scenario([](json& j) { j["bounds"]["pages"] = "1"; }));
    INFO(msg);
    CHECK(msg == field_error("bounds.pages",
                             fmt::format("expected an integer 1..{}, got a string", cowpin::kMaxPages)));
    CHECK(error_of(scenario([](json& j) { j["bounds"]["processes"] = 1.5; })) ==
          field_error("bounds.processes",
                      fmt::format("expected an integer 1..{}, got 1.5", cowpin::kMaxProcs)));
    CHECK(error_of(scenario([](json& j) { j["bounds"]["handles"] = nullptr; })) ==
          field_error("bounds.handles",
                      fmt::format("expected an integer 0..{}, got null", cowpin::kMaxHandles)));
    CHECK(error_of(scenario([](json& j) { j["bounds"] = json::array({2, 1, 1, 1}); })) ==
          field_error("bounds", "expected an object, got an array"));
}

TEST_CASE("An unknown bound name is rejected with the list of bounds") {
    CHECK(error_of(scenario([](json& j) { j["bounds"]["frames"] = 4; })) ==
          field_error("bounds.frames",
                      "unknown bound (expected processes, pages, handles, swap_slots, depth)"));
}

TEST_CASE("A missing bound is named, depth alone is optional") {
    CHECK(error_of(scenario([](json& j) { j["bounds"].erase("swap_slots"); })) ==
          field_error("bounds.swap_slots", "missing (expected an integer)"));
    CHECK(error_of(scenario([](json& j) { j["bounds"] = json::object(); })) ==
          field_error("bounds.processes", "missing (expected an integer)"));
    const cowpin::Spec with_depth =
        cowpin::parse_spec(scenario([](json& j) { j["bounds"]["depth"] = 3; }), kFile);
    CHECK(with_depth.bounds.depth == 3);
}

TEST_CASE("A missing required field is named with what it should hold") {
    CHECK(error_of(scenario([](json& j) { j.erase("name"); })) ==
          field_error("name", "missing (expected a string)"));
    CHECK(error_of(scenario([](json& j) { j.erase("bounds"); })) ==
          field_error("bounds", "missing (expected an object)"));
    CHECK(error_of(scenario([](json& j) { j.erase("programs"); })) ==
          field_error("programs",
                      "expected exactly one of 'programs' (scenario) or 'actions' (exhaustive)"));
    CHECK(error_of(exhaustive([](json& j) { j.erase("actions"); })) ==
          field_error("programs",
                      "expected exactly one of 'programs' (scenario) or 'actions' (exhaustive)"));
    CHECK(error_of(scenario([](json& j) { j["programs"].erase("P0"); j["programs"]["P1"] = {"write v0"}; })) ==
          field_error("programs.P0", "missing (P0 is the initial process)"));
}

TEST_CASE("An empty 'expect' is refused: a spec expects a verdict of every policy, or leaves 'expect' out") {
    CHECK(error_of(scenario([](json& j) { j["expect"] = json::object(); })) ==
          field_error("expect", "an empty object (expected a verdict per policy, or \"default\"; "
                                "leave \"expect\" out to check nothing)"));
}

TEST_CASE("A field of the wrong type names the field, the expected type and the type it got") {
    CHECK(error_of(scenario([](json& j) { j["name"] = 7; })) ==
          field_error("name", "expected a string, got an integer"));
    CHECK(error_of(scenario([](json& j) { j["name"] = "Basic COW"; })) ==
          field_error("name", "expected a non-empty lower-case name of [a-z0-9-_.]"));
    CHECK(error_of(scenario([](json& j) { j["title"] = json::array(); })) ==
          field_error("title", "expected a string, got an empty array"));
    CHECK(error_of(scenario([](json& j) { j["programs"] = json::array({"fork P1"}); })) ==
          field_error("programs", "expected a non-empty object of process programs, got an array"));
    CHECK(error_of(scenario([](json& j) { j["programs"] = json::object(); })) ==
          field_error("programs", "expected a non-empty object of process programs, got an empty object"));
    CHECK(error_of(scenario([](json& j) { j["programs"]["P1"] = "munmap v0"; })) ==
          field_error("programs.P1", "expected an array of steps, got a string"));
    CHECK(error_of(scenario([](json& j) { j["programs"]["P0"][1] = 0; })) ==
          field_error("programs.P0[1]", "expected a step such as \"write v0\", got an integer"));
    CHECK(error_of(scenario([](json& j) { j["expect"] = "holds"; })) ==
          field_error("expect", "expected an object mapping policies to verdicts, got a string"));
    CHECK(error_of(scenario([](json& j) { j["environment"] = "swap_out"; })) ==
          field_error("environment", "expected an array of action names, got a string"));
}

TEST_CASE("A program key that is not a process within the bounds is rejected") {
    CHECK(error_of(scenario([](json& j) { j["programs"]["child"] = {"write v0"}; })) ==
          field_error("programs.child", "expected a process name P0..P1"));
    CHECK(error_of(scenario([](json& j) { j["programs"]["P2"] = {"write v0"}; })) ==
          field_error("programs.P2", "expected a process name P0..P1"));
}

TEST_CASE("A step with bad syntax quotes the step and the form it takes") {
    auto step_error = [](const char* step) {
        return error_of(scenario([&](json& j) { j["programs"]["P1"][0] = step; }));
    };
    CHECK(step_error("pin xx v0 h0") ==
          field_error("programs.P1[0]", "in 'pin xx v0 h0': expected ro or rw, got 'xx'"));
    CHECK(step_error("write 0") == field_error("programs.P1[0]", "in 'write 0': expected vN, got '0'"));
    CHECK(step_error("fork") == field_error("programs.P1[0]", "'fork' takes the form 'fork Pn'"));
    CHECK(step_error("wait P1") ==
          field_error("programs.P1[0]", "'wait P1' takes the form 'wait Pn exited'"));
    CHECK(step_error("wait P0 done") ==
          field_error("programs.P1[0]", "'wait P0 done' takes the form 'wait Pn exited'"));
    CHECK(step_error("pin rw v0") ==
          field_error("programs.P1[0]", "'pin rw v0' takes the form 'pin ro|rw vN hK'"));
    CHECK(step_error("get ro h0 v0") ==
          field_error("programs.P1[0]", "in 'get ro h0 v0': expected vN, got 'h0'"));
    CHECK(step_error("unpin v0") == field_error("programs.P1[0]", "in 'unpin v0': expected hN, got 'v0'"));
    CHECK(step_error("exit now") == field_error("programs.P1[0]", "'exit now' takes the form 'exit'"));
    CHECK(step_error("munmap v0 v0") ==
          field_error("programs.P1[0]", "'munmap v0 v0' takes the form 'munmap vN'"));
    CHECK(step_error("") == field_error("programs.P1[0]", "an empty step"));
}

TEST_CASE("A step naming a page, handle or process outside the bounds names the bound") {
    auto step_error = [](const char* proc, int index, const char* step) {
        return error_of(scenario([&](json& j) { j["programs"][proc][index] = step; }));
    };
    CHECK(step_error("P1", 1, "munmap v1") ==
          field_error("programs.P1[1]", "page v1 is outside bounds.pages = 1"));
    CHECK(step_error("P0", 1, "swap_out v3") ==
          field_error("programs.P0[1]", "page v3 is outside bounds.pages = 1"));
    CHECK(step_error("P1", 0, "get ro v0 h1") ==
          field_error("programs.P1[0]", "handle h1 is outside bounds.handles = 1"));
    CHECK(step_error("P1", 1, "dma_write h2") ==
          field_error("programs.P1[1]", "handle h2 is outside bounds.handles = 1"));
    CHECK(step_error("P0", 0, "fork P2") ==
          field_error("programs.P0[0]", "P2 is not another process within bounds.processes = 2"));
    CHECK(step_error("P1", 0, "wait P1 exited") ==
          field_error("programs.P1[0]", "P1 is not another process within bounds.processes = 2"));
}

TEST_CASE("An exit that is not the last step of its program is rejected") {
    CHECK(error_of(scenario([](json& j) { j["programs"]["P1"] = {"exit", "munmap v0"}; })) ==
          field_error("programs.P1[0]", "'exit' must be the last step of a program"));
    // As the last step it is fine.
    CHECK_NOTHROW(cowpin::parse_spec(
        scenario([](json& j) { j["programs"]["P1"] = {"munmap v0", "exit"}; }), kFile));
}

TEST_CASE("A child program that no program forks is rejected, and so is a child forked twice") {
    CHECK(error_of(scenario([](json& j) { j["programs"]["P0"] = {"write v0"}; })) ==
          field_error("programs.P1", "no program forks P1"));
    CHECK(error_of(scenario([](json& j) {
              j["bounds"]["processes"] = 3;
              j["programs"]["P0"] = {"fork P1", "fork P2"};
              j["programs"]["P2"] = {"write v0"};
              j["programs"]["P1"] = {"fork P2"};
          })) == field_error("programs.P1[0]", "P2 is forked twice"));
}

TEST_CASE("An environment may only hold frame actions, and only in a scenario spec") {
    CHECK(error_of(scenario([](json& j) { j["environment"] = {"swap_out", "write"}; })) ==
          field_error("environment[1]", "'write' cannot happen on its own (expected swap_out, "
                                        "reclaim, migrate_start, migrate_finish or split_folio)"));
    CHECK(error_of(scenario([](json& j) { j["environment"] = {"swapout"}; })) ==
          field_error("environment[0]",
                      "unknown action 'swapout' (expected one of: " + kActionList + ", " +
                                     kThpActions + ")"));
    CHECK(error_of(exhaustive([](json& j) { j["environment"] = {"swap_out"}; })) ==
          field_error("environment", "only a scenario spec has an environment"));
    const cowpin::Spec ok = cowpin::parse_spec(
        scenario([](json& j) { j["environment"] = {"swap_out", "reclaim", "migrate_start", "migrate_finish"}; }),
        kFile);
    CHECK(ok.environment == (cowpin::op_bit(cowpin::Op::swap_out) | cowpin::op_bit(cowpin::Op::reclaim) |
                             cowpin::op_bit(cowpin::Op::migrate_start) |
                             cowpin::op_bit(cowpin::Op::migrate_finish)));
}

TEST_CASE("A spec with both programs and actions is rejected") {
    CHECK(error_of(scenario([](json& j) { j["actions"] = {"fork"}; })) ==
          field_error("programs",
                      "expected exactly one of 'programs' (scenario) or 'actions' (exhaustive)"));
}

TEST_CASE("An unknown top-level field is rejected with the list of fields") {
    const std::string msg = error_of(scenario([](json& j) { j["program"] = json::object(); }));
    INFO(msg);
    CHECK(msg == field_error("program", "unknown field (expected name, title, about, memory, bounds, "
                                        "programs or actions, environment, policies, expect, "
                                        "states, symmetric_states, invariants, depth_bounded, "
                                        "exercises)"));
}

TEST_CASE("A policy with no verdict and no default is rejected naming the policy") {
    CHECK(error_of(scenario([](json& j) { j["expect"].erase("default"); })) ==
          field_error("expect", "no verdict for policy 'linux-5.19' and no 'default'"));
    // Without 'policies' every policy is checked, so every one needs a verdict.
    CHECK(error_of(scenario([](json& j) {
              j.erase("policies");
              j["expect"] = {{"linux-5.7", "get_no_leak"}};
          })) == field_error("expect", "no verdict for policy 'linux-5.8' and no 'default'"));
}

TEST_CASE("Expected state counts must name a known policy and be positive") {
    CHECK(error_of(scenario([](json& j) { j["states"] = {{"linux-4.0", 3}}; })) ==
          field_error("states.linux-4.0", "unknown policy 'linux-4.0' (expected one of: " +
                                              cowpin::policy_names() + ")"));
    CHECK(error_of(scenario([](json& j) { j["states"] = {{"linux-5.7", "8"}}; })) ==
          field_error("states.linux-5.7", "expected a positive integer, got a string"));
    CHECK(error_of(scenario([](json& j) { j["states"] = json::array(); })) ==
          field_error("states", "expected an object mapping policies to state counts, got an empty array"));
    const cowpin::Spec ok = cowpin::parse_spec(scenario([](json& j) { j["states"] = {{"linux-5.7", 8}}; }), kFile);
    CHECK(ok.expected_states("linux-5.7") == 8u);
    CHECK_FALSE(ok.expected_states("linux-5.19").has_value());
}

TEST_CASE("apply_bound sets a bound or names the assignment and what was expected") {
    cowpin::Bounds b;
    cowpin::apply_bound(b, "pages=2");
    cowpin::apply_bound(b, "depth=12");
    CHECK(b.pages == 2);
    CHECK(b.depth == 12);

    auto error = [](const std::string& assignment) -> std::string {
        cowpin::Bounds bounds;
        try {
            cowpin::apply_bound(bounds, assignment);
        } catch (const cowpin::SpecError& e) {
            return e.what();
        }
        FAIL_CHECK("apply_bound accepted '" << assignment << "'");
        return "(accepted)";
    };
    const std::string names = "expected name=value with name one of processes, pages, handles, swap_slots, depth";
    CHECK(error("frames=2") == "--bound 'frames=2': " + names);
    CHECK(error("pages") == "--bound 'pages': " + names);
    CHECK(error("=2") == "--bound '=2': " + names);
    CHECK(error("pages=x") == "--bound 'pages=x': expected a non-negative integer value");
    CHECK(error("pages=") == "--bound 'pages=': expected a non-negative integer value");
    CHECK(error("pages=-1") == "--bound 'pages=-1': expected a non-negative integer value");
    CHECK(error("pages=123456") == "--bound 'pages=123456': expected a non-negative integer value");
    CHECK(error("pages=9") ==
          fmt::format("--bound: bound 'pages': expected an integer 1..{}, got 9", cowpin::kMaxPages));
    CHECK(error("processes=0") ==
          fmt::format("--bound: bound 'processes': expected an integer 1..{}, got 0", cowpin::kMaxProcs));
    CHECK(error("depth=10001") == "--bound: bound 'depth': expected an integer 0..10000, got 10001");
}

TEST_CASE("sha256_hex matches the FIPS 180-4 test vectors") {
    CHECK(cowpin::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(cowpin::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(cowpin::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(cowpin::sha256_hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    // Lengths around the 56- and 64-byte padding boundaries.
    CHECK(cowpin::sha256_hex(std::string(55, 'a')) ==
          "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    CHECK(cowpin::sha256_hex(std::string(56, 'a')) ==
          "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    CHECK(cowpin::sha256_hex(std::string(63, 'a')) ==
          "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
    CHECK(cowpin::sha256_hex(std::string(64, 'a')) ==
          "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
    CHECK(cowpin::sha256_hex(std::string(65, 'a')) ==
          "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
}

TEST_CASE("load_spec on a missing file names the file") {
    const std::string path =
        (std::filesystem::temp_directory_path() / "cowpin-no-such-dir" / "missing-spec.json").string();
    try {
        cowpin::load_spec(path);
        FAIL_CHECK("load_spec read a file that does not exist: " << path);
    } catch (const cowpin::SpecError& e) {
        CHECK(std::string(e.what()) == path + ": cannot read the file: No such file or directory");
    }
}

TEST_CASE("load_spec hashes the file's exact bytes and parses it") {
    const auto dir = std::filesystem::temp_directory_path() /
                     fmt::format("cowpin-spec-errors-{}", ::getpid());
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "bad.json").string();
    {
        std::ofstream out(path, std::ios::binary);
        out << kValid;
    }
    const cowpin::Spec s = cowpin::load_spec(path);
    CHECK(s.path == path);
    CHECK(s.sha256 == cowpin::sha256_hex(kValid));
    {
        std::ofstream out(path, std::ios::binary);
        out << R"({"name": "bad", "bounds": {"processes": 2}})";
    }
    try {
        cowpin::load_spec(path);
        FAIL_CHECK("load_spec accepted a spec without pages");
    } catch (const cowpin::SpecError& e) {
        CHECK(std::string(e.what()) == path + ": field 'bounds.pages': missing (expected an integer)");
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("Process, page and handle names must be written canonically: P01 and v01 are no names") {
    CHECK(error_of(scenario([](json& j) { j["programs"]["P01"] = {"write v0"}; })) ==
          field_error("programs.P01", "expected a process name P0..P1"));
    CHECK(error_of(scenario([](json& j) { j["programs"]["P0"][1] = "write v01"; })) ==
          field_error("programs.P0[1]", "in 'write v01': expected vN, got 'v01'"));
    CHECK(error_of(scenario([](json& j) { j["programs"]["P1"][0] = "get ro v0 h00"; })) ==
          field_error("programs.P1[0]", "in 'get ro v0 h00': expected hN, got 'h00'"));
}

TEST_CASE("Every program must be reachable from P0: no fork of P0, no fork cycles") {
    CHECK(error_of(scenario([](json& j) { j["programs"]["P1"].push_back("fork P0"); })) ==
          field_error("programs.P1[2]", "P0 is not another process within bounds.processes = 2"));
    CHECK(error_of(scenario([](json& j) {
              j["bounds"]["processes"] = 3;
              j["programs"]["P0"] = {"write v0"};
              j["programs"]["P1"] = {"fork P2"};
              j["programs"]["P2"] = {"fork P1"};
          })) == field_error("programs.P1", "P1 is forked only by a program P0 never starts"));
}

TEST_CASE("A key that appears twice in one object is rejected, not silently overwritten") {
    const std::string text = std::string(kValid).replace(1, 0, "\"name\": \"other\",");
    CHECK(error_of(text) == field_error("name", "appears twice in one object"));
}

TEST_CASE("A huge bound is reported as written, not wrapped around") {
    const std::string text = edited(kValid, [](json& j) {
        j["bounds"]["processes"] = std::uint64_t{18446744073709551615ull};
    });
    CHECK(error_of(text) ==
          field_error("bounds.processes", "expected an integer 1..4, got 18446744073709551615"));
}

TEST_CASE("An expectation naming an invariant the spec does not check is rejected") {
    CHECK(error_of(scenario([](json& j) { j["invariants"] = {"pin_reliable"}; })) ==
          field_error("expect.linux-5.7", "expects get_no_leak, which 'invariants' does not check"));
}

TEST_CASE("A zero state count says what it got") {
    CHECK(error_of(scenario([](json& j) { j["states"] = {{"linux-5.7", 0}}; })) ==
          field_error("states.linux-5.7", "expected a positive integer, got 0"));
}
