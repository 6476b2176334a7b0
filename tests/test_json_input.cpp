// Every JSON input (spec, policy file, trace) is read under one set of limits
// (checker/formats/json_input.hpp): malformed input is one line naming the file and the field and
// exit 2, never an abort (exit 134 or 139) or a read until memory runs out.
#include <doctest/doctest.h>

#include <string>

#include "checker/formats/json_input.hpp"
#include "checker/formats/policy_json.hpp"
#include "checker/formats/spec.hpp"
#include "checker/run/trace.hpp"
#include "cli_helpers.hpp"

using namespace cli_test;

namespace {

std::string error_of(auto&& parse) {
    try {
        parse();
    } catch (const cowpin::SpecError& e) {
        return e.what();
    }
    return "(accepted)";
}

const std::string kTrace = "counterexamples/vmsplice-unmap-in-child.linux-5.7.get_no_leak.json";

}  // namespace

TEST_CASE("a number beyond the range of a double is refused in a spec, a policy file and a trace") {
    CHECK(error_of([] { cowpin::parse_spec(R"({"name": "x", "bounds": {"pages": 1e400}})", "s.json"); }) ==
          "s.json: field 'bounds.pages': a number beyond the range of a double "
          "([json.exception.out_of_range.406] number overflow parsing '1e400')");
    CHECK(error_of([] { cowpin::parse_policy(R"({"name": "x", "fork": -1e400})", "p.json"); }) ==
          "p.json: field 'fork': a number beyond the range of a double "
          "([json.exception.out_of_range.406] number overflow parsing '-1e400')");
    TempDir tmp("json-range");
    std::string trace = read_file(kSource / kTrace);
    trace.replace(trace.find("\"version\": 4"), 12, "\"version\": 1e400");
    write_file(tmp / "t.json", trace);
    const Run replay = cli_test::cowpin("replay " + quote(tmp / "t.json"), tmp);
    CHECK(replay.code == 2);
    CHECK(replay.err == "cowpin: " + tmp / "t.json" +
                            ": field 'version': a number beyond the range of a double "
                            "([json.exception.out_of_range.406] number overflow parsing '1e400')\n");
}

TEST_CASE("nesting 200,000 levels deep is refused at level 64, not by a stack overflow") {
    const std::string deep = std::string(200000, '[') + std::string(200000, ']');
    const std::string policy = R"({"name": "x", "fork": )" + deep + "}";
    const std::string msg = error_of([&] { cowpin::parse_policy(policy, "p.json"); });
    CHECK(msg.rfind("p.json: field 'fork[0][0][0]", 0) == 0);
    CHECK(msg.size() < 200);
    CHECK(msg.find("': nested deeper than 64 levels") != std::string::npos);
    TempDir tmp("json-deep");
    std::string trace = read_file(kSource / kTrace);
    const std::size_t at = trace.find("\"policy_decisions\": {") + 21;
    trace.insert(at, "\"deep\": " + deep + ",");
    write_file(tmp / "t.json", trace);
    for (const char* command : {"replay ", "explain "}) {
        const Run r = cli_test::cowpin(command + quote(tmp / "t.json"), tmp);
        CHECK(r.code == 2);
        CHECK(r.err.find("field 'policy_decisions.deep[0][0]") != std::string::npos);
    }
}

TEST_CASE("a key twice in one object of a policy file or a trace is refused, naming its path") {
    CHECK(error_of([] {
              cowpin::parse_policy(R"({"name": "x", "memory": ["base"], "name": "y"})", "p.json");
          }) == "p.json: field 'name': appears twice in one object");
    CHECK(error_of([] {
              cowpin::parse_spec(R"({"name": "x", "bounds": {"pages": 1, "pages": 2}})", "s.json");
          }) == "s.json: field 'bounds.pages': appears twice in one object");
    TempDir tmp("json-dup");
    std::string trace = read_file(kSource / kTrace);
    trace.replace(trace.find("\"policy\": \"linux-5.7\""), 21,
                  "\"policy\": \"linux-6.18\", \"policy\": \"linux-5.7\"");
    write_file(tmp / "t.json", trace);
    const Run r = cli_test::cowpin("replay " + quote(tmp / "t.json"), tmp);
    CHECK(r.code == 2);
    CHECK(r.err == "cowpin: " + tmp / "t.json" + ": field 'policy': appears twice in one object\n");
}

TEST_CASE("a device is not read as a spec, and a file over 16 MiB is refused by its size") {
    CHECK(error_of([] { cowpin::load_spec("/dev/zero"); }) ==
          "/dev/zero: cannot read the file: not a regular file");
    TempDir tmp("json-size");
    write_file(tmp / "big.json", "{\"name\": \"" + std::string(100 << 20, 'a'));
    CHECK(error_of([&] { cowpin::load_spec(tmp / "big.json"); }) ==
          tmp / "big.json" + ": the file is 104857610 bytes, over the 16 MiB an input may have");
}

TEST_CASE("an unterminated 10 MB string gives a one-line error that quotes 80 characters of it") {
    const std::string text = "{\"name\": \"" + std::string(10 << 20, 'a') + "\n";
    const std::string msg = error_of([&] { cowpin::parse_spec(text, "s.json"); });
    CHECK(msg.rfind("s.json: not valid JSON: [json.exception.parse_error.101]", 0) == 0);
    CHECK(msg.find('\n') == std::string::npos);
    CHECK(msg.size() < 400);
    CHECK(msg.find("last read: '\"" + std::string(79, 'a') + "…'") != std::string::npos);
}
