// The bad-input corpus of traces (tests/bad-input/traces/, README.md there): every malformed or
// tampered trace gets exactly its expected line and exit code, from `replay` and from `explain`
// alike, run from the source directory as a user would.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "checker/formats/json_input.hpp"
#include "tests/cli_helpers.hpp"

namespace {

using namespace cli_test;
namespace fs = std::filesystem;

const fs::path kCorpus = "tests/bad-input/traces";

struct Expected {
    int code = -1;
    std::string line;  // the one line on stderr
};

// NAME.expected: "exit N", then the exact line cowpin prints on stderr.
Expected expected_of(const fs::path& file) {
    std::istringstream in(read_file(kSource / file));
    std::string first;
    Expected e;
    std::getline(in, first);
    std::getline(in, e.line);
    REQUIRE_MESSAGE(first.rfind("exit ", 0) == 0, file.string() << ": the first line is not 'exit N'");
    e.code = std::stoi(first.substr(5));
    return e;
}

std::vector<std::string> corpus() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(kSource / kCorpus))
        if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("every trace in the bad-input corpus gets its expected line and exit code from replay and explain") {
    TempDir tmp("bad-traces");
    const std::vector<std::string> names = corpus();
    CHECK(names.size() == 71);
    std::map<int, int> by_code;
    for (const std::string& name : names) {
        const fs::path trace = kCorpus / (name + ".json");
        const fs::path expected = kCorpus / (name + ".expected");
        REQUIRE_MESSAGE(fs::exists(kSource / expected), expected.string() << " is missing");
        const Expected want = expected_of(expected);
        // One line of valid UTF-8: no control character, no stray byte (printable() leaves it).
        CHECK(cowpin::printable(want.line) == want.line);
        ++by_code[want.code];
        for (const char* command : {"replay ", "explain "}) {
            const Run r = cli_test::cowpin(command + trace.string(), tmp);
            INFO(command << name << ": exit " << r.code << "\nstderr: " << r.err << "stdout: " << r.out);
            CHECK(r.code == want.code);
            CHECK(r.err == "cowpin: " + want.line + "\n");
            CHECK(r.out.empty());
        }
    }
    // Malformed input is exit 2 and names the file; a well-formed trace that does not replay is 1.
    CHECK(by_code[2] == 50);
    CHECK(by_code[1] == 21);
}

TEST_CASE("every expected file of the corpus has a trace, and names the trace's file when it exits 2") {
    std::set<std::string> traces;
    for (const std::string& name : corpus()) traces.insert(name);
    for (const auto& e : fs::directory_iterator(kSource / kCorpus)) {
        if (e.path().extension() != ".expected") continue;
        const std::string name = e.path().stem().string();
        INFO(name);
        CHECK(traces.count(name) == 1);
        const Expected want = expected_of(kCorpus / e.path().filename());
        CHECK((want.code == 1 || want.code == 2));
        // "FILE: field ...", or "FILE (spec.content): field ..." for the spec it carries.
        const std::string file = (kCorpus / (name + ".json")).string();
        if (want.code == 2)
            CHECK((want.line.rfind(file + ": ", 0) == 0 || want.line.rfind(file + " (", 0) == 0));
        if (want.code == 1) CHECK(want.line.rfind("diverges", 0) == 0);
    }
}

TEST_CASE("a trace of the corpus that the schema rejects is one cowpin refuses as malformed (exit 2)") {
    TempDir tmp("bad-traces-schema");
    const Run v = sh("/usr/bin/python3 tests/schema_check.py counterexamples/trace.schema.json " +
                         kCorpus.string(), tmp);
    REQUIRE_MESSAGE((v.code == 0 || v.code == 1), "schema_check.py: " << v.err);
    int rejected = 0;
    for (const std::string& name : corpus()) {
        const std::string trace = (kCorpus / (name + ".json")).string();
        const bool schema_rejects = has(v.out, "FAIL " + trace + ":");
        const Expected want = expected_of(kCorpus / (name + ".expected"));
        INFO(name << ": exit " << want.code << ", schema " << (schema_rejects ? "rejects" : "accepts"));
        if (schema_rejects) CHECK(want.code == 2);
        if (want.code == 1) CHECK_FALSE(schema_rejects);
        rejected += schema_rejects;
    }
    CHECK(rejected == 47);
}
