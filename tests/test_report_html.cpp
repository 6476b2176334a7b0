// `cowpin report --html`: the check's results as a static site (views/html_report.hpp). The
// pages are read back as XML (they are HTML in its XML-compatible form), so these tests pin the
// matrix, the links of every violating cell, the needless-copy table and the statistics, and
// that every link resolves to a file the report wrote. tests/check_html_report.sh renders the
// same site in headless Chromium.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "checker/views/html_page.hpp"
#include "tests/cli_helpers.hpp"

namespace {

using namespace cli_test;
namespace fs = std::filesystem;

// The cowpin binary (cli_helpers.hpp), by another name than the namespace.
Run tool(const std::string& args, const TempDir& tmp) { return cli_test::cowpin(args, tmp); }

// Two scenarios: CVE-2020-29374 (violated under linux-5.7 and freebsd) and a write after a
// swap-in (needless copies under linux-5.9 and linux-5.11).
std::string two_specs(const TempDir& tmp) {
    for (const char* name : {"vmsplice-unmap-in-child", "write-after-swap-in"})
        fs::copy_file(kSource / "specs" / (std::string(name) + ".json"), tmp.path / "specs" / (std::string(name) + ".json"),
                      fs::copy_options::overwrite_existing);
    return tmp / "specs";
}

std::vector<std::string> all(const pugi::xml_node& root, const char* xpath, const char* attribute = nullptr) {
    std::vector<std::string> out;
    for (const pugi::xpath_node& n : root.select_nodes(xpath))
        out.push_back(attribute ? n.node().attribute(attribute).value() : n.node().text().get());
    return out;
}

// A relative link's file: percent-decoded, from the page's directory.
fs::path target(const fs::path& page, const std::string& href) {
    std::string path;
    for (std::size_t i = 0; i < href.size(); ++i)
        if (href[i] == '%' && i + 2 < href.size()) {
            path += static_cast<char>(std::stoi(href.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            path += href[i];
        }
    return page.parent_path() / path;
}

}  // namespace

TEST_CASE("cowpin report writes the matrix with every violating cell linked to its chart, explain page and JSON") {
    TempDir tmp("report");
    fs::create_directories(tmp.path / "specs");
    const std::string specs = two_specs(tmp), site = tmp / "site";
    const Run r = tool(fmt::format("report {} --html {}", specs, site), tmp);
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK(ends_with(r.out, fmt::format("\n22 checks, 22 as expected, 0 not\nwrote {}/index.html\n", site)));
    CHECK(has(r.out, "vmsplice-unmap-in-child  linux-5.7  get_no_leak [4 steps]: Leak through a GUP "
                     "reference (h0 of P1 v0 reads a value written by P0)"));

    pugi::xml_document doc;
    const fs::path index = fs::path(site) / "index.html";
    REQUIRE(doc.load_file(index.c_str()));
    const pugi::xml_node html = doc.child("html");
    CHECK(std::string(html.child("head").child_value("title")) == "cowpin report");
    CHECK(all(html, "//p[@class='summary']") == std::vector<std::string>{"22 checks, 22 as expected, 0 not"});
    // The matrix check prints: a row per spec, a column per policy.
    CHECK(all(html, "//table[@class='matrix']/thead/tr/th") ==
          std::vector<std::string>{"scenario", "linux-5.7", "linux-5.8", "linux-5.9", "linux-5.11",
                                   "linux-5.18", "linux-5.19", "linux-6.18", "precop", "freebsd",
                                   "netbsd", "eager-copy"});
    CHECK(all(html, "//table[@class='matrix']/tbody/tr/th") ==
          std::vector<std::string>{"vmsplice-unmap-in-child", "write-after-swap-in"});
    CHECK(all(html, "//table[@class='matrix']/tbody/tr[1]/td/div[@class='verdict']") ==
          std::vector<std::string>{"GNL", "✓", "✓", "✓", "✓", "✓", "✓", "✓", "GNL", "✓", "✓"});
    CHECK(all(html, "//table[@class='matrix']/tbody/tr[1]/td", "class") ==
          std::vector<std::string>{"violates", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "violates", "ok", "ok"});
    // Each violating cell links its trace three ways; no other cell links anything.
    CHECK(all(html, "//table[@class='matrix']/tbody/tr[1]/td[1]/div[@class='trace']/a", "href") ==
          std::vector<std::string>{"charts/vmsplice-unmap-in-child.linux-5.7.get_no_leak.svg",
                                   "explain/vmsplice-unmap-in-child.linux-5.7.get_no_leak.html",
                                   "traces/vmsplice-unmap-in-child.linux-5.7.get_no_leak.json"});
    CHECK(all(html, "//table[@class='matrix']/tbody/tr[1]/td[9]/div[@class='trace']/a") ==
          std::vector<std::string>{"GNL", "text", "JSON"});
    CHECK(all(html, "//table[@class='matrix']//a").size() == 6);
    // The needless-copy table: write-after-swap-in copies needlessly under 5.9 and 5.11.
    CHECK(all(html, "//table[@class='copies']/tbody/tr[2]/td[3]/div") ==
          std::vector<std::string>{"copies 1..1", "needless 1..1", ""});
    CHECK(all(html, "//table[@class='copies']/tbody/tr[2]/td[3]/div/a") ==
          std::vector<std::string>{"3 steps", "text", "JSON"});
    CHECK(all(html, "//table[@class='copies']/tbody/tr[2]/td[3]/div/a", "href") ==
          std::vector<std::string>{"charts/write-after-swap-in.linux-5.9.needless_copy.svg",
                                   "explain/write-after-swap-in.linux-5.9.needless_copy.html",
                                   "traces/write-after-swap-in.linux-5.9.needless_copy.json"});
    CHECK(all(html, "//table[@class='copies']//a").size() == 6);
    // Statistics: a row per run, then the totals.
    CHECK(all(html, "//table[@class='runs']/tbody/tr").size() == 23);
    CHECK(all(html, "//table[@class='runs']/tbody/tr[1]/td").at(4) == "8");  // vmsplice under 5.7: 8 states
    CHECK(all(html, "//table[@class='runs']/tbody/tr[23]/th") == std::vector<std::string>{"22 runs"});

    // Every link of every page resolves to a file the report wrote, and nothing else is there.
    std::set<fs::path> linked;
    std::vector<fs::path> pages = {index};
    for (const auto& e : fs::directory_iterator(fs::path(site) / "explain")) pages.push_back(e.path());
    CHECK(pages.size() == 5);  // and a page for each of two violations and two needless-copy witnesses
    for (const fs::path& page : pages) {
        pugi::xml_document p;
        REQUIRE(p.load_file(page.c_str()));
        for (const char* xpath : {"//a/@href", "//img/@src"})
            for (const pugi::xpath_node& n : p.select_nodes(xpath)) {
                const fs::path file = target(page, n.attribute().value());
                INFO(page << " links " << n.attribute().value());
                CHECK(fs::is_regular_file(file));
                linked.insert(fs::weakly_canonical(file));
            }
    }
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(site))
        if (e.is_regular_file()) {
            ++files;
            CHECK(linked.count(fs::weakly_canonical(e.path())) == 1);  // index.html: from each explain page
        }
    CHECK(files == 13);  // index.html, and 4 traces with a chart and an explain page each
}

TEST_CASE("cowpin report keeps what it did not write, names a stale trace, and refuses an --html that is a file") {
    TempDir tmp("report-keeps");
    fs::create_directories(tmp.path / "specs");
    const std::string specs = two_specs(tmp), site = tmp / "site";
    write_file(fs::path(site) / "notes.txt", "mine\n");
    write_file(fs::path(site) / "traces/vmsplice-unmap-in-child.linux-6.18.get_no_leak.json", "{}\n");
    const Run r = tool(fmt::format("report {} --html {} --policy linux-6.18", specs, site), tmp);
    CHECK(r.code == 0);
    CHECK(read_file(fs::path(site) / "notes.txt") == "mine\n");
    CHECK(read_file(fs::path(site) / "traces/vmsplice-unmap-in-child.linux-6.18.get_no_leak.json") == "{}\n");
    CHECK(has(r.err, fmt::format("[warning] stale counterexample {}/traces/vmsplice-unmap-in-child.linux-6.18."
                                 "get_no_leak.json: this run found no such trace; left in place",
                                 site)));

    write_file(tmp.path / "file", "x\n");
    const Run bad = tool(fmt::format("report {} --html {}", specs, tmp / "file"), tmp);
    CHECK(bad.code == 2);
    CHECK(bad.err == fmt::format("cowpin: --html {}: not a directory (expected a directory to write into)\n",
                                 tmp / "file"));
    CHECK(bad.out.empty());
    CHECK(read_file(tmp.path / "file") == "x\n");
}

TEST_CASE("cowpin report exits 1 on a verdict the spec does not expect, and still writes the report marking it") {
    TempDir tmp("report-mismatch");
    std::string spec = read_file(kSource / "specs/vmsplice-unmap-in-child.json");
    const std::string from = R"("linux-5.7": "get_no_leak")";
    spec.replace(spec.find(from), from.size(), R"("linux-5.7": "holds")");
    write_file(tmp.path / "specs/vmsplice-unmap-in-child.json", spec);
    const Run r = tool(fmt::format("report {} --html {} --policy linux-5.7", tmp / "specs", tmp / "site"), tmp);
    CHECK(r.code == 1);
    pugi::xml_document doc;
    REQUIRE(doc.load_file((tmp.path / "site/index.html").c_str()));
    CHECK(all(doc, "//table[@class='matrix']/tbody/tr/td", "class") == std::vector<std::string>{"mismatch"});
    CHECK(all(doc, "//table[@class='matrix']/tbody/tr/td/div[@class='verdict']") ==
          std::vector<std::string>{"GNL!(✓)"});
    CHECK(all(doc, "//p[@class='summary']") == std::vector<std::string>{"1 checks, 0 as expected, 1 not"});
}

TEST_CASE("an HTML page closes every element it writes and percent-encodes its links") {
    cowpin::HtmlPage page("t", "p { color: red; }");
    pugi::xml_node tr = page.add(page.add(page.body(), "table"), "tr");
    page.add(tr, "td");
    page.link(tr, "traces/a b#1?.json", "x");
    const std::string html = page.str();
    CHECK(html.rfind("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/>", 0) == 0);
    CHECK(has(html, "<td></td>"));
    CHECK(has(html, "<a href=\"traces/a%20b%231%3F.json\">x</a>"));
    CHECK_THROWS_AS(cowpin::HtmlPage("t", "a > b { }"), std::logic_error);
}
