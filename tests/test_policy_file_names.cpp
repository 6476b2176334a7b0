// A policy file is graded by its name and its traces are named after it (issue 22): a file may
// take a built-in's name only if it decides exactly as that built-in, and two files may not
// share a name; either is exit 2, naming the file and the field, with nothing written.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "tests/cli_helpers.hpp"

using namespace cli_test;
namespace fs = std::filesystem;

namespace {

const std::string kSpec = "specs/basic-cow-after-fork.json";

}  // namespace

TEST_CASE("a policy file that takes linux-5.7's name but decides otherwise is refused, and "
          "leaves linux-5.7's counterexamples alone") {
    TempDir tmp("policy-names");
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(
        read_file(kSource / "specs/policies/linux-5.7.json"));
    j["fork"] = "copy_always";
    const std::string impostor = tmp / "impostor.json";
    write_file(impostor, j.dump(2));
    const std::string out = tmp / "out";
    const Run r = cowpin(fmt::format("check {} --policy-file {} --out {}", kSpec, quote(impostor),
                                     quote(out)), tmp);
    CHECK(r.code == 2);
    CHECK(r.err == fmt::format("cowpin: {}: field 'name': 'linux-5.7' is a built-in policy's "
                               "name and this file decides otherwise (expected a name of its "
                               "own)\n", impostor));
    CHECK_FALSE(fs::exists(out));

    // The shipped twin decides as linux-5.7 does: it keeps the name.
    const Run twin = cowpin(fmt::format("check {} --policy-file specs/policies/linux-5.7.json "
                                        "--no-write", kSpec), tmp);
    CHECK(twin.code == 0);
}

TEST_CASE("two policy files of one name are refused") {
    TempDir tmp("policy-names-twice");
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(
        read_file(kSource / "specs/policies/linux-6.18.json"));
    j["name"] = "my-idea";
    const std::string a = tmp / "a.json", b = tmp / "b.json";
    write_file(a, j.dump(2));
    j["fork"] = "share";
    write_file(b, j.dump(2));
    const Run r = cowpin(fmt::format("check {} --policy-file {} --policy-file {} --no-write", kSpec,
                                     quote(a), quote(b)), tmp);
    CHECK(r.code == 2);
    CHECK(r.err == fmt::format("cowpin: {}: field 'name': 'my-idea' is also the name of {} "
                               "(expected one file per name)\n", b, a));
}
