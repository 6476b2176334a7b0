// The bad-input corpus (tests/bad-input/README.md): every NAME.json there is malformed in one way,
// and its sibling NAME.expected holds "exit N" and the one line `cowpin check` writes on stderr
// for it, run from the source directory. Each file must give exactly that line, exit 2, and
// nothing on stdout (nothing checked, nothing written).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "checker/formats/json_input.hpp"
#include "cli_helpers.hpp"

using namespace cli_test;

namespace {

// The corpus of one kind: the files, sorted, and how `cowpin check` is given each.
struct Corpus {
    std::string dir;                     // under tests/bad-input/
    std::string (*command)(const std::string& file);
};

std::string check_spec(const std::string& file) { return "check " + quote(file); }
std::string check_policy_file(const std::string& file) {
    return "check specs/basic-cow-after-fork.json --policy-file " + quote(file);
}

std::vector<std::string> files_in(const std::string& dir, const std::string& extension) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(kSource / "tests/bad-input" / dir))
        if (e.path().extension() == extension) names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

// Runs every file of `corpus` and checks it against its .expected; returns how many ran.
std::size_t run_corpus(const Corpus& corpus) {
    const std::vector<std::string> inputs = files_in(corpus.dir, ".json");
    // Every input has its expectation and every expectation its input.
    CHECK(files_in(corpus.dir, ".expected") == inputs);
    TempDir tmp("bad-input-" + corpus.dir);
    for (const std::string& name : inputs) {
        const std::string file = "tests/bad-input/" + corpus.dir + "/" + name + ".json";
        INFO(file);
        const std::string expected = read_file(kSource / ("tests/bad-input/" + corpus.dir + "/" +
                                                          name + ".expected"));
        const std::size_t eol = expected.find('\n');
        REQUIRE(eol != std::string::npos);
        const std::string exit_line = expected.substr(0, eol);
        const std::string stderr_line = expected.substr(eol + 1);
        // The convention: "exit 2", then one line; bad input is never anything but exit 2.
        CHECK(exit_line == "exit 2");
        CHECK(count_lines(stderr_line) == 1);
        // One line of valid UTF-8: no control character, no stray byte (printable() leaves it).
        CHECK(cowpin::printable(stderr_line.substr(0, stderr_line.size() - 1)) + "\n" == stderr_line);
        CHECK(stderr_line.rfind("cowpin: " + file + ": ", 0) == 0);
        // It names the field, unless the file is no JSON object at all (then there is none).
        if (!has(stderr_line, ": not valid JSON: ") && !has(stderr_line, ": expected a JSON object"))
            CHECK((has(stderr_line, ": field '") || has(stderr_line, ": decision point '")));
        const Run r = cli_test::cowpin(corpus.command(file), tmp);
        CHECK(r.code == 2);
        CHECK(r.err == stderr_line);
        CHECK(r.out == "");
    }
    return inputs.size();
}

}  // namespace

TEST_CASE("every malformed spec of tests/bad-input/specs exits 2 with its expected line") {
    CHECK(run_corpus({"specs", check_spec}) >= 40);
}

TEST_CASE("every malformed policy file of tests/bad-input/policies exits 2 with its expected line") {
    CHECK(run_corpus({"policies", check_policy_file}) >= 40);
}

TEST_CASE("a spec path with a file name over 255 bytes exits 2 with one line naming the path and the limit") {
    TempDir tmp("bad-input-long-name");
    const std::string file = "tests/bad-input/specs/" + std::string(300, 'a') + ".json";
    const Run r = cli_test::cowpin(check_spec(file), tmp);
    CHECK(r.code == 2);
    CHECK(r.err == "cowpin: " + file + ": cannot read the file: a name in the path is 305 bytes, "
                   "over the 255 a file name may have (NAME_MAX)\n");
    CHECK(r.out == "");
    // The same name as a directory on the way to the spec.
    const Run dir = cli_test::cowpin(check_spec(std::string(300, 'a') + "/x.json"), tmp);
    CHECK(dir.code == 2);
    CHECK(dir.err == "cowpin: " + std::string(300, 'a') + "/x.json: cannot read the file: a name in "
                     "the path is 300 bytes, over the 255 a file name may have (NAME_MAX)\n");
}
