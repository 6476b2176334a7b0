// Every checked-in counterexample still replays through the model and still violates its
// invariant (cf. CaDiCaL's test/trace/ regression traces): a model change that silently "fixes"
// a known bug fails here loudly.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "checker/trace.hpp"

namespace fs = std::filesystem;
using namespace cowpin;

namespace {

std::vector<fs::path> checked_in() {
    std::vector<fs::path> traces;
    for (const auto& e : fs::directory_iterator(fs::path(COWPIN_SOURCE_DIR) / "counterexamples"))
        if (e.path().extension() == ".json" && e.path().filename() != "trace.schema.json")
            traces.push_back(e.path());
    std::sort(traces.begin(), traces.end());
    return traces;
}

}  // namespace

TEST_CASE("every checked-in counterexample replays and reproduces its violation") {
    const std::vector<fs::path> traces = checked_in();
    CHECK(traces.size() == 57);
    for (const fs::path& t : traces) {
        const ReplayOutcome r = replay_trace(t.string());
        INFO(t.filename().string() << ": " << r.message);
        CHECK(r.exit_code == 0);
        CHECK(r.message.rfind("reproduced: ", 0) == 0);  // no "spec has changed" note first
    }
}

TEST_CASE("the checked-in counterexamples are one per violated invariant of each spec and policy") {
    std::map<std::string, int> per_policy;
    for (const fs::path& t : checked_in()) {
        const nlohmann::json j = load_trace(t.string());
        CHECK(t.filename().string() == j["spec"]["name"].get<std::string>() + "." +
                                           j["policy"].get<std::string>() + "." +
                                           j["invariant"].get<std::string>() + ".json");
        ++per_policy[j["policy"].get<std::string>()];
    }
    CHECK(per_policy["linux-5.7"] == 15);
    CHECK(per_policy["linux-5.8"] == 11);
    CHECK(per_policy["linux-5.9"] == 13);
    CHECK(per_policy["linux-5.18"] == 12);
    CHECK(per_policy["linux-5.19"] == 3);  // O_DIRECT before fork; gets: memory_private, pin_reliable
    CHECK(per_policy["linux-6.18"] == 3);
    CHECK(per_policy.count("eager-copy") == 0);
}
