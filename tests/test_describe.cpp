// The semantics as the tool prints them: `cowpin steps` (checker/views/steps_doc.hpp) and `cowpin
// policies --describe` / `--invariants` (policies_doc.hpp, invariants_doc.hpp) read the model's
// own tables, so a step, behaviour or invariant the model gains without its words is an error,
// and each one the model has is listed.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "checker/formats/policy_json.hpp"
#include "checker/views/invariants_doc.hpp"
#include "checker/views/policies_doc.hpp"
#include "checker/views/steps_doc.hpp"
#include "model/effects.hpp"
#include "model/syscalls.hpp"
#include "tests/cli_helpers.hpp"

namespace {

using namespace cli_test;

Run run_cowpin(const std::string& args, const TempDir& tmp) { return cli_test::cowpin(args, tmp); }

// The first word of every "## `...`" heading of a Markdown page.
std::multiset<std::string> headings(const std::string& markdown) {
    std::multiset<std::string> out;
    std::istringstream lines(markdown);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("## `", 0) == 0) {
            const std::string rest = line.substr(4);
            out.insert(rest.substr(0, rest.find_first_of(" `")));
        }
    return out;
}

// The block of `text` from the line that is `first` to the next blank line.
std::string block(const std::string& text, const std::string& first) {
    const std::size_t at = text.find("\n" + first + "\n");
    if (at == std::string::npos) return "(no block " + first + ")";
    const std::size_t end = text.find("\n\n", at + 1);
    return text.substr(at + 1, end - at);
}

}  // namespace

TEST_CASE("cowpin steps lists every op the spec parser accepts, once each, headed by the form parse_step asks for") {
    TempDir tmp("steps");
    const Run r = run_cowpin("steps --format markdown", tmp);
    REQUIRE(r.code == 0);
    std::multiset<std::string> accepted;
    for (int i = 0; i < cowpin::kOps; ++i) {
        const std::string name(cowpin::op_name(static_cast<cowpin::Op>(i)));
        if (cowpin::parse_op(name)) accepted.insert(name);
    }
    CHECK(accepted.size() == 27);
    CHECK(headings(r.out) == accepted);
    for (const char* form : {"## `fork Pn`", "## `exit`", "## `pin ro|rw vN hK`",
                             "## `wait Pn exited`", "## `unpin hK`", "## `mprotect_vma`",
                             "## `collapse vN`"})
        CHECK_MESSAGE(has(r.out, std::string("\n") + form + "\n"), form);
}

TEST_CASE("cowpin steps says where a spec may use each op, on which memory and why not, and the reference a GUP step takes under each policy") {
    TempDir tmp("steps-text");
    const Run r = run_cowpin("steps", tmp);
    REQUIRE(r.code == 0);
    CHECK(block(r.out, "wait Pn exited") ==
          "wait Pn exited\n"
          "  stands for      waitpid() until process Pn has exited\n"
          "  step            wait Pn exited\n"
          "  family          no (a program step only)\n"
          "  environment     no\n"
          "  memory          base, thp, hugetlb\n"
          "  decision points none\n"
          "  The program waits here until Pn's program has started and Pn is gone. An execution "
          "where no\n"
          "  program can go on before all have ended is stuck.\n");
    CHECK(has(block(r.out, "split_pmd vN"),
              "  memory          thp; not base, hugetlb: split_pmd is a THP step (memory \"thp\")\n"));
    CHECK(has(block(r.out, "uffd_wp vN"),
              "  memory          base, thp; not hugetlb: uffd-wp of hugetlb memory is not "
              "modelled (hugetlb uffd-wp\n                  came in 5.19)\n"));
    CHECK(has(block(r.out, "odirect_read vN hK"),
              "  GUP reference   FOLL_GET under linux-5.7, linux-5.8, linux-5.9, linux-5.11, "
              "linux-5.18,\n                  linux-5.19, precop, freebsd, netbsd, eager-copy; "
              "short-term FOLL_PIN under\n                  linux-6.18; R/W (FOLL_WRITE)\n"));
    CHECK(has(block(r.out, "reclaim vN"), "  environment     yes\n"));
    CHECK(has(block(r.out, "write vN"), "  environment     no\n"));
    // Every reason a step can change nothing, from the model's own list.
    for (int i = 1; i < cowpin::kNoOps; ++i)
        CHECK(has(r.out, std::string(cowpin::noop_reason(static_cast<cowpin::NoOp>(i))).substr(0, 30)));
}

TEST_CASE("Every op has words for the call it stands for and what it does, and names only decision points the model has") {
    for (int i = 0; i < cowpin::kOps; ++i) {
        const cowpin::Op op = static_cast<cowpin::Op>(i);
        const cowpin::StepProse p = cowpin::step_prose(op);
        CAPTURE(cowpin::op_name(op));
        CHECK_FALSE(p.call.empty());
        CHECK_FALSE(p.does.empty());
        for (std::string_view d : p.decisions) CHECK_MESSAGE(cowpin::find_decision(d), d);
    }
    const std::vector<cowpin::StepInfo> table = cowpin::step_table();
    REQUIRE(table.size() == cowpin::kOps);
    CHECK(table[static_cast<int>(cowpin::Op::swap_out)].environment[0] == std::nullopt);
    CHECK(table[static_cast<int>(cowpin::Op::swap_out)].family[2] ==
          "hugetlb pages are never swapped out, reclaimed or migrated by the model (docs/semantics/state.md)");
    CHECK(table[static_cast<int>(cowpin::Op::swap_out)].step[2] == std::nullopt);  // -EINVAL, a no-op
    CHECK(table[static_cast<int>(cowpin::Op::write)].environment[0].has_value());
}

TEST_CASE("cowpin policies --describe names every decision point and flag of the policy table and every behaviour, with who takes it") {
    TempDir tmp("describe");
    const Run r = run_cowpin("policies --describe --format markdown", tmp);
    REQUIRE(r.code == 0);
    std::multiset<std::string> keys = {"anon_exclusive", "exclusive_entries", "memory"};
    for (const cowpin::DecisionPoint& d : cowpin::decision_points()) {
        keys.insert(d.key);
        for (const std::string& b : d.behaviours)
            CHECK_MESSAGE(has(r.out, fmt::format("| `{}` |", b)), fmt::format("{} {}", d.key, b));
    }
    CHECK(keys.size() == 18);
    CHECK(headings(r.out) == keys);
    CHECK(has(r.out, "| `fork` | share | share | copy_if_pinned | copy_if_pinned | copy_if_pinned | "
                     "anon_exclusive | anon_exclusive | copy_if_referenced | share | share | "
                     "copy_always |\n"));
    CHECK(has(r.out, "| `large_folio_write_fault` | as_base | as_base | as_base | as_base | as_base "
                     "| as_base | mm_id | per_page | — | — | as_base |\n"));
}

TEST_CASE("cowpin policies --describe NAME gives one decision point, or one policy decision by decision") {
    TempDir tmp("describe-one");
    const Run point = run_cowpin("policies --describe clear_refs", tmp);
    CHECK(point.code == 0);
    CHECK(point.out ==
          "clear_refs\n"
          "  clear_refs soft-dirty (echo 4 > /proc/PID/clear_refs) on a writable PTE of a page "
          "that may be\n"
          "  pinned, in an mm that has pinned: write-protect it or leave it. Mirrors: "
          "clear_soft_dirty(). Its\n"
          "  two outcomes in check --coverage: \"write-protect\" and \"skip\".\n"
          "  wrprotect               Every present PTE is write-protected, pinned or not; the "
          "owner's next\n"
          "                          write may then copy away from the pin.\n"
          "                          mirrors: up to 5.10\n"
          "                          taken by: linux-5.7, linux-5.8, linux-5.9, freebsd, netbsd\n"
          "  skip_pinned             A writable PTE of a maybe-pinned page in an mm with "
          "MMF_HAS_PINNED is left\n"
          "                          alone.\n"
          "                          mirrors: 5.11+ (and 5.10.9): 9348b73c2e1b, pte_is_pinned()\n"
          "                          taken by: linux-5.11, linux-5.18, linux-5.19, linux-6.18, "
          "precop,\n"
          "                          eager-copy\n");
    const Run policy = run_cowpin("policies --describe freebsd", tmp);
    CHECK(policy.code == 0);
    CHECK(policy.out.rfind("freebsd: shadow objects: rename iff a single mapping, holds ignored; "
                           "holds shared at fork\n  anon_exclusive          no\n",
                           0) == 0);
    CHECK(has(policy.out, "\n  memory                  base\n  hugetlb_fork            —\n"));
    std::size_t keys = 0;  // lines that start a key: every key of a policy file but name, summary
    std::istringstream lines(policy.out);
    for (std::string line; std::getline(lines, line);) keys += line.size() > 2 && line[2] != ' ';
    CHECK(keys == 1 + 18);
}

TEST_CASE("cowpin policies --describe of an unknown name, or with --json, is bad input naming what is expected") {
    TempDir tmp("describe-bad");
    const Run r = run_cowpin("policies --describe fork_rule", tmp);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "cowpin: --describe 'fork_rule': unknown (expected a decision point: anon_exclusive, "
          "exclusive_entries, write_fault, gup_read_pin, gup_read_get, fork, swap_out, migrate, "
          "swap_in, mprotect, clear_refs, odirect, memory, hugetlb_fork, hugetlb_write_fault, "
          "huge_pmd_write_fault, large_folio_write_fault, collapse; or a policy: linux-5.7, "
          "linux-5.8, linux-5.9, linux-5.11, linux-5.18, linux-5.19, linux-6.18, precop, freebsd, "
          "netbsd, eager-copy)\n");
    const Run both = run_cowpin("policies --json linux-5.9 --invariants", tmp);
    CHECK(both.code == 2);
    CHECK(both.err == "cowpin: policies: give one of --json, --describe, --invariants\n");
}

TEST_CASE("The policy prose describes exactly the behaviours of the table, and the flags beside them") {
    std::set<std::string> points;
    for (const cowpin::DecisionPoint& d : cowpin::decision_points()) {
        points.insert(d.key);
        const cowpin::PointProse& p = cowpin::point_prose(d.key);
        std::vector<std::string> names;
        for (const cowpin::BehaviourProse& b : p.behaviours) {
            names.emplace_back(b.name);
            CHECK_FALSE(b.meaning.empty());
            CHECK_FALSE(b.kernel.empty());
        }
        std::vector<std::string> want = d.behaviours;
        std::sort(names.begin(), names.end());
        std::sort(want.begin(), want.end());
        CHECK_MESSAGE(names == want, d.key);
    }
    std::set<std::string> flags;
    for (const cowpin::PointProse& p : cowpin::policy_prose())
        if (!points.count(std::string(p.key))) flags.insert(std::string(p.key));
    CHECK(flags == std::set<std::string>{"anon_exclusive", "exclusive_entries", "memory"});
    CHECK_THROWS_AS(cowpin::point_prose("fork_rule"), std::logic_error);
}

TEST_CASE("cowpin policies --invariants lists every invariant of the model's table with its tag, message and meaning") {
    TempDir tmp("invariants");
    const Run r = run_cowpin("policies --invariants --format markdown", tmp);
    REQUIRE(r.code == 0);
    std::multiset<std::string> names;
    for (const cowpin::InvariantInfo& info : cowpin::invariant_table()) {
        names.emplace(info.name);
        CHECK(has(r.out, fmt::format("| `{}` | {} | {} |\n", info.name, info.tag, info.message)));
        CHECK(has(r.out, std::string(cowpin::invariant_prose(*cowpin::find_invariant(info.name)))));
    }
    CHECK(names.size() == 7);
    CHECK(headings(r.out) == names);
    CHECK(has(r.out, "PG_anon_exclusive exists under linux-5.19, linux-6.18, eager-copy."));
}
