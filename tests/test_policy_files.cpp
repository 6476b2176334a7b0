// Policies as data: the built-ins as files, strict parsing naming the decision point, and a
// one-decision change to linux-5.19 that brings back a historical bug.
#include <doctest/doctest.h>

#include <filesystem>

#include "checker/formats/policy_json.hpp"
#include "checker/run/run.hpp"
#include "checker/formats/spec.hpp"
#include "checker/run/replay.hpp"
#include "checker/run/trace.hpp"

using namespace cowpin;
namespace fs = std::filesystem;

namespace {

std::string src(const std::string& rel) { return std::string(COWPIN_SOURCE_DIR) + "/" + rel; }

std::string error_of(const std::string& text) {
    try {
        parse_policy(text, "my-idea.json");
    } catch (const SpecError& e) {
        return e.what();
    }
    FAIL_CHECK("accepted: " << text);
    return "(accepted)";
}

std::string edited(const std::string& key, const nlohmann::json& value) {
    nlohmann::ordered_json j = policy_to_json(*find_policy("linux-5.19"));
    if (value.is_null())
        j.erase(key);
    else
        j[key] = value;
    return j.dump();
}

}  // namespace

TEST_CASE("every built-in policy has a policy file with the same name, summary and decisions") {
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(src("specs/policies"))) {
        const CowPolicy p = load_policy_file(e.path().string());
        INFO(e.path().filename().string());
        const CowPolicy* twin = find_policy(p.name);
        REQUIRE(twin != nullptr);
        CHECK(e.path().stem().string() == p.name);
        CHECK(p.summary == twin->summary);
        CHECK(p.same_decisions(*twin));
        ++files;
    }
    CHECK(files == all_policies().size());
}

TEST_CASE("a policy file round-trips through JSON for every built-in") {
    for (const CowPolicy* p : all_policies()) {
        const CowPolicy back = parse_policy(policy_to_json(*p).dump(), "x.json");
        CHECK(back.name == p->name);
        CHECK(back.same_decisions(*p));
    }
}

TEST_CASE("a policy file missing a decision point is refused naming it and its behaviours") {
    CHECK(error_of(edited("fork", nullptr)) ==
          "my-idea.json: decision point 'fork': missing (expected one of: share, copy_if_pinned, "
          "anon_exclusive, copy_if_referenced, copy_always)");
    CHECK(error_of(edited("exclusive_entries", nullptr)) ==
          "my-idea.json: decision point 'exclusive_entries': missing (expected true or false)");
}

TEST_CASE("an unknown behaviour is refused naming the decision point and the choices") {
    CHECK(error_of(edited("write_fault", "reuse_always")) ==
          "my-idea.json: decision point 'write_fault': unknown behaviour \"reuse_always\" "
          "(expected one of: mapcount, refcount, refcount_free_swap, anon_exclusive)");
    CHECK(error_of(edited("swap_out", 3)) ==
          "my-idea.json: decision point 'swap_out': unknown behaviour 3 (expected one of: always, "
          "unless_pinned, unless_referenced)");
}

TEST_CASE("a behaviour that needs PageAnonExclusive is refused in a policy without it") {
    const std::string text = edited("anon_exclusive", false);
    CHECK(error_of(text) == "my-idea.json: decision point 'exclusive_entries': behaviour true "
                            "needs \"anon_exclusive\": true");
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(text);
    j["exclusive_entries"] = false;
    CHECK(error_of(j.dump()) == "my-idea.json: decision point 'write_fault': behaviour "
                                "\"anon_exclusive\" needs \"anon_exclusive\": true");
}

TEST_CASE("unknown fields, a bad name and malformed JSON are refused") {
    CHECK(error_of(edited("forks", "share")).rfind("my-idea.json: field 'forks': unknown", 0) == 0);
    CHECK(error_of(edited("name", "My Idea")) ==
          "my-idea.json: field 'name': expected lower-case letters, digits, '-', '_' or '.'");
    CHECK(error_of("{").rfind("my-idea.json: not valid JSON", 0) == 0);
    CHECK_THROWS_AS(load_policy_file(src("specs/policies/no-such-policy.json")), SpecError);
}

TEST_CASE("linux-5.19 whose fork() shares pinned pages yields the pin_reliable counterexample") {
    // page_try_dup_anon_rmap() without the page_needs_cow_for_dma() check: the pinned page is
    // shared, the parent's write copies away from it (cow.c "fork() with an iouring fixed buffer").
    const CowPolicy idea = parse_policy(edited("fork", "share"), "fork-shares-pinned.json");
    CHECK_FALSE(idea.same_decisions(*find_policy("linux-5.19")));
    const Spec spec = load_spec(src("specs/fork-with-rw-longterm-pin.json"), {idea.name});
    const RunResult r = run_check(spec, idea);
    CHECK(verdict_string(r.violated) == "pinned_exclusive, anon_exclusive_sound, pin_reliable");
    REQUIRE(r.counterexamples.size() == 3);
    const Counterexample& pr = r.counterexamples[2];
    CHECK(pr.invariant == Inv::pin_reliable);
    CHECK(pr.steps() == 3);
    CHECK(pr.message == "Longterm R/W pin is not reliable (h0 on P0 v0 sees stale data)");
    CHECK_FALSE(r.verdict_matches());  // the spec expects every policy but 5.7/5.8/BSDs to hold
    const RunResult twin = run_check(spec, *find_policy("linux-5.19"));
    CHECK(twin.violated == 0);
}

TEST_CASE("a spec's expectations apply to a policy file by its name") {
    const CowPolicy idea = parse_policy(edited("name", "my-idea"), "my-idea.json");
    const std::string text = R"({"name": "x", "bounds": {"processes": 2, "pages": 1,
        "handles": 1, "swap_slots": 1}, "programs": {"P0": ["fork P1", "write v0"]},
        "expect": {"my-idea": "memory_private", "default": "holds"}})";
    CHECK_THROWS_AS(parse_spec(text, "x.json"), SpecError);  // unknown without the file
    const Spec spec = parse_spec(text, "x.json", {"my-idea"});
    CHECK(spec.expected("my-idea") == (1u << static_cast<int>(Inv::memory_private)));
    const RunResult r = run_check(spec, idea);
    CHECK(r.violated == 0);
    CHECK_FALSE(r.verdict_matches());
}

TEST_CASE("a trace of a policy file records its decisions and replays without the file") {
    const CowPolicy idea = parse_policy(edited("fork", "share").replace(
                                            edited("fork", "share").find("linux-5.19"), 10, "fork-shares-pinned"),
                                        "fork-shares-pinned.json");
    REQUIRE(idea.name == "fork-shares-pinned");
    const Spec spec = load_spec(src("specs/fork-with-rw-longterm-pin.json"), {idea.name});
    const RunResult r = run_check(spec, idea);
    const fs::path dir = fs::temp_directory_path() / "cowpin-test-policy-file-trace";
    fs::remove_all(dir);
    const std::vector<std::string> written = write_counterexamples(r, dir.string());
    REQUIRE(written.size() == 3);
    const nlohmann::json t = load_trace(written[2]);
    CHECK(t["policy"] == "fork-shares-pinned");
    CHECK(t["policy_decisions"]["fork"] == "share");
    CHECK_FALSE(t["policy_decisions"].contains("name"));
    const ReplayOutcome out = replay_trace(written[2]);
    CHECK(out.exit_code == 0);
    CHECK(out.message == "reproduced: pin_reliable violated after 3 steps: Longterm R/W pin is "
                         "not reliable (h0 on P0 v0 sees stale data)");
    fs::remove_all(dir);
}
