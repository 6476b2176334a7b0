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

TEST_CASE("printable() escapes control characters as JSON does and each byte that is not UTF-8 as \\xNN") {
    using cowpin::printable;
    CHECK(printable("fork P1") == "fork P1");
    CHECK(printable("a\nb\tc\rd\be\ff") == "a\\nb\\tc\\rd\\be\\ff");
    CHECK(printable(std::string("\0\x01\x1b[2J", 6)) == "\\u0000\\u0001\\u001b[2J");
    // Well-formed UTF-8 stays as it is: 2, 3 and 4 bytes.
    CHECK(printable("café — 🐄") == "café — 🐄");
    // Latin-1, a lone continuation byte, a truncated sequence, an overlong '/', a UTF-16
    // surrogate and a code point past U+10FFFF are each byte by byte.
    CHECK(printable("caf\xe9") == "caf\\xE9");
    CHECK(printable("\x80x") == "\\x80x");
    CHECK(printable("\xe2\x80") == "\\xE2\\x80");
    CHECK(printable("\xc0\xaf") == "\\xC0\\xAF");
    CHECK(printable("\xed\xa0\x80") == "\\xED\\xA0\\x80");
    CHECK(printable("\xf4\x90\x80\x80") == "\\xF4\\x90\\x80\\x80");
    CHECK(printable("\xff\xfe{") == "\\xFF\\xFE{");
}

TEST_CASE("quote_text() quotes a key as the text of a JSON string, cut to 80 characters") {
    using cowpin::quote_text;
    CHECK(quote_text("ti\ntle") == "ti\\ntle");
    CHECK(quote_text("say \"hi\" \\ bye") == "say \\\"hi\\\" \\\\ bye");
    CHECK(quote_text("v\xff") == "v\\xFF");
    // 100 newlines are 200 characters escaped: the first 80 of them, then "…".
    std::string forty;
    for (int i = 0; i < 40; ++i) forty += "\\n";
    CHECK(quote_text(std::string(100, '\n')) == forty + "…");
}

TEST_CASE("a key with a newline or a control character is escaped in the reader's own messages") {
    // The duplicate key and the number beyond a double are found while parsing (json_input.cpp),
    // before the spec's and the policy file's own checks, which escaped keys already.
    CHECK(error_of([] { cowpin::parse_spec("{\"name\": \"x\", \"a\\nb\": 1, \"a\\nb\": 2}", "s.json"); }) ==
          "s.json: field 'a\\nb': appears twice in one object");
    CHECK(error_of([] { cowpin::parse_policy("{\"fo\\u0007rk\": 1e400}", "p.json"); }) ==
          "p.json: field 'fo\\u0007rk': a number beyond the range of a double "
          "([json.exception.out_of_range.406] number overflow parsing '1e400')");
}

TEST_CASE("the excerpt a parse error quotes shows each byte that is not UTF-8 as \\xNN") {
    CHECK(error_of([] { cowpin::parse_spec("{\"name\": \"caf\xe9\"}", "s.json"); }) ==
          "s.json: not valid JSON: [json.exception.parse_error.101] parse error at line 1, column "
          "15: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; last "
          "read: '\"caf\\xE9\"'");
}

TEST_CASE("a path with a name over NAME_MAX or a length over PATH_MAX says which limit it breaks") {
    // Under specs/ of the source tree: a directory that exists whatever the working directory
    // (the sanitizer shards run elsewhere), so only the name is wrong.
    const std::string name(300, 'a');
    const std::string path = std::string(COWPIN_SOURCE_DIR) + "/specs/" + name + ".json";
    CHECK(error_of([&] { cowpin::load_spec(path); }) ==
          path + ": cannot read the file: a name in the path is 305 bytes, over "
          "the 255 a file name may have (NAME_MAX)");
    std::string deep;
    for (int i = 0; i < 25; ++i) deep += std::string(200, 'b') + "/";
    deep += "x.json";
    CHECK(error_of([&] { cowpin::load_spec(deep); }) ==
          deep + ": cannot read the file: the path is 5031 bytes, over the 4095 a path may have "
          "(PATH_MAX)");
}
