// hugetlb memory (MODEL.md §9, docs/evidence/hugetlb.md): one model page is one huge page of a
// private MAP_HUGETLB mapping. Its write fault is hugetlb_wp() (hugetlb_cow() before 5.19), which
// decides by page_mapcount() alone; its fork is copy_hugetlb_page_range(); it is never swapped
// out or migrated, mprotect() never maps it writable again, clear_refs leaves it alone.
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "checker/formats/policy_json.hpp"
#include "checker/formats/spec.hpp"
#include "model/syscalls.hpp"
#include "tests/cli_helpers.hpp"
#include "tests/model_helpers.hpp"

using namespace cowpin;
using test::Sim;

namespace {

Sim hugetlb(const std::string& policy) { return Sim(policy, {2, 1, 2, 1, 0}, Memory::hugetlb); }
Sim base(const std::string& policy) { return Sim(policy, {2, 1, 2, 1, 0}, Memory::base); }

std::string spec_error(const std::string& text) {
    try {
        parse_spec(text, "specs/bad.json");
    } catch (const SpecError& e) {
        return e.what();
    }
    FAIL_CHECK("accepted: " << text);
    return "(accepted)";
}

std::string hugetlb_spec(const std::string& programs, const std::string& extra = "") {
    return R"({"name": "bad", "memory": "hugetlb", "bounds": {"processes": 2, "pages": 1,
        "handles": 1, "swap_slots": 1}, "programs": )" + programs + extra +
           R"(, "expect": {"default": "holds"}})";
}

}  // namespace

TEST_CASE("a huge page whose only other reference is a FOLL_GET is reused on a write fault, in "
          "every Linux era: hugetlb_wp() ignores the refcount") {
    for (const char* policy : {"linux-5.7", "linux-5.9", "linux-5.18", "linux-6.18"}) {
        CAPTURE(policy);
        Sim h = hugetlb(policy);
        REQUIRE(h.fork(0, 1));
        REQUIRE(h.get(1, 0, false, 0));  // the child's vmsplice
        REQUIRE(h.munmap(1, 0));
        REQUIRE(h.write(0, 0));
        CHECK(h.frame(0, 0) == 0);  // reused: the pipe sees the parent's new data
        CHECK(h.effects.copies == 0);
        CHECK_FALSE(h.holds(Inv::get_no_leak));
    }
    // The same sequence on base pages under 5.9+ copies: page_count() is 2.
    Sim b = base("linux-5.9");
    REQUIRE(b.fork(0, 1));
    REQUIRE(b.get(1, 0, false, 0));
    REQUIRE(b.munmap(1, 0));
    REQUIRE(b.write(0, 0));
    CHECK(b.frame(0, 0) != 0);
    CHECK(b.holds(Inv::get_no_leak));
}

TEST_CASE("fork() copies a pinned exclusive huge page for the child from 5.12 on, and shares it "
          "before: copy_hugetlb_page_range()") {
    Sim old = hugetlb("linux-5.9");  // 5.9-5.10: no pin check for hugetlb
    REQUIRE(old.pin(0, 0, true, 0));
    REQUIRE(old.fork(0, 1));
    CHECK(old.frame(1, 0) == old.frame(0, 0));
    CHECK_FALSE(old.pte(0, 0).writable);

    Sim early_cow = hugetlb("linux-5.11");  // page_needs_cow_for_dma() (4eae4efa2c29, 5.12)
    REQUIRE(early_cow.pin(0, 0, true, 0));
    REQUIRE(early_cow.fork(0, 1));
    CHECK(early_cow.frame(1, 0) != early_cow.frame(0, 0));
    CHECK(early_cow.pte(0, 0).writable);  // the parent's huge PTE is left as it was

    Sim relcop = hugetlb("linux-6.18");  // hugetlb_try_dup_anon_rmap(): exclusive and pinned
    REQUIRE(relcop.pin(0, 0, true, 0));
    REQUIRE(relcop.fork(0, 1));
    CHECK(relcop.frame(1, 0) != relcop.frame(0, 0));
    CHECK(relcop.fr(relcop.frame(0, 0)).anon_exclusive == 1);
}

TEST_CASE("a R/O pin of a shared huge page unshares under 5.19+ (hugetlb_wp() with "
          "FAULT_FLAG_UNSHARE): the pinned copy is mapped R/O and exclusive") {
    Sim h = hugetlb("linux-5.19");
    REQUIRE(h.fork(0, 1));
    REQUIRE(h.pin(0, 0, false, 0));
    CHECK(h.frame(0, 0) != h.frame(1, 0));
    CHECK_FALSE(h.pte(0, 0).writable);
    CHECK(h.fr(h.frame(0, 0)).anon_exclusive == 1);
    CHECK(h.fr(h.frame(0, 0)).pins == 1);
    REQUIRE(h.write(0, 0));  // mapcount 1: reused, the pin sees the write
    CHECK(h.holds(Inv::pin_reliable));
    CHECK(h.holds(Inv::pinned_exclusive));
}

TEST_CASE("mprotect() never maps a huge page writable again, and clear_refs leaves it alone") {
    Sim h = hugetlb("linux-6.18");
    REQUIRE(h.mprotect(0, 0));  // exclusive, yet R/O: no can_change_pte_writable() for hugetlb
    CHECK_FALSE(h.pte(0, 0).writable);
    Sim b = base("linux-6.18");
    REQUIRE(b.mprotect(0, 0));
    CHECK(b.pte(0, 0).writable);

    Sim c = hugetlb("linux-5.9");
    REQUIRE(c.clear_refs(0, 0));
    CHECK(c.pte(0, 0).writable);
}

TEST_CASE("the built-in policies model hugetlb except the BSDs, and a spec refuses a policy "
          "that does not, by name") {
    for (const CowPolicy* p : all_policies())
        CHECK(p->models(Memory::hugetlb) == (p->name != "freebsd" && p->name != "netbsd"));
    const Spec spec = parse_spec(hugetlb_spec(R"({"P0": ["fork P1", "write v0"]})"), "h.json");
    CHECK(spec.policies.size() == 9);
    CHECK(spec.refusal(*find_policy("freebsd")) == "policy freebsd does not model hugetlb memory");
    CHECK(spec.refusal(*find_policy("linux-6.18")).empty());
    CHECK(spec_error(hugetlb_spec(R"({"P0": ["write v0"]})", R"(, "policies": ["netbsd"])")) ==
          "specs/bad.json: field 'policies[0]': policy netbsd does not model hugetlb memory");
}

TEST_CASE("bad memory input is one line naming the file and the field") {
    std::string text = hugetlb_spec(R"({"P0": ["write v0"]})");
    auto with_memory = [&](const std::string& m) {
        std::string t = text;
        t.replace(t.find(R"("hugetlb")"), 9, m);
        return t;
    };
    CHECK(spec_error(with_memory(R"("huge")")) ==
          "specs/bad.json: field 'memory': unknown memory kind \"huge\" (expected base, thp or "
          "hugetlb)");
    CHECK(spec_error(with_memory("2")) ==
          "specs/bad.json: field 'memory': expected a string: base, thp or hugetlb, got an integer");
    CHECK(spec_error(hugetlb_spec(R"({"P0": ["migrate_start v0"]})")) ==
          "specs/bad.json: field 'programs.P0[0]': 'migrate_start' on hugetlb memory: hugetlb pages "
          "are never swapped out, reclaimed or migrated by the model (docs/semantics/state.md)");
    CHECK(spec_error(hugetlb_spec(R"({"P0": ["uffd_wp v0"]})")) ==
          "specs/bad.json: field 'programs.P0[0]': 'uffd_wp' on hugetlb memory: uffd-wp of hugetlb "
          "memory is not modelled (hugetlb uffd-wp came in 5.19)");
    CHECK(spec_error(hugetlb_spec(R"({"P0": ["write v0"]})", R"(, "environment": ["swap_out"])")) ==
          "specs/bad.json: field 'environment': 'swap_out' on hugetlb memory: hugetlb pages are "
          "never swapped out, reclaimed or migrated by the model (docs/semantics/state.md)");
}

TEST_CASE("MADV_PAGEOUT and clear_refs of a huge page are calls that change nothing, and say why") {
    const Spec spec =
        parse_spec(hugetlb_spec(R"({"P0": ["swap_out v0", "clear_refs v0"]})"), "h.json");
    const CowModel model(spec.model_config(*find_policy("linux-6.18")));
    State s = model.initial();
    std::vector<std::string> reasons;
    for (int i = 0; i < 2; ++i) {
        std::vector<Action> actions;
        model.actions(s, actions);
        StepEffects fx;
        REQUIRE(model.step(s, actions.front(), &fx));
        reasons.push_back(std::string(noop_reason(fx.noop)));
    }
    CHECK(reasons == std::vector<std::string>{
                         "MADV_PAGEOUT refuses a hugetlb VMA (-EINVAL)",
                         "clear_refs leaves hugetlb pages alone (clear_refs_walk_ops has no "
                         "hugetlb_entry)"});
}

TEST_CASE("a policy file lists the memory it models, hugetlb needs its two decision points") {
    nlohmann::ordered_json j = policy_to_json(*find_policy("linux-6.18"));
    auto error = [](const nlohmann::ordered_json& text) {
        try {
            parse_policy(text.dump(), "my-idea.json");
        } catch (const SpecError& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    nlohmann::ordered_json no_memory = j;
    no_memory.erase("memory");
    CHECK(error(no_memory) == "my-idea.json: field 'memory': missing (expected an array of the "
                              "memory kinds the policy models: base, and any of thp, hugetlb)");
    nlohmann::ordered_json no_fork = j;
    no_fork.erase("hugetlb_fork");
    CHECK(error(no_fork) == "my-idea.json: decision point 'hugetlb_fork': missing (expected one "
                            "of: share, copy_if_pinned, anon_exclusive, copy_if_referenced, "
                            "copy_always)");
    nlohmann::ordered_json base_only = j;
    base_only["memory"] = {"base", "thp"};
    CHECK(error(base_only) == "my-idea.json: decision point 'hugetlb_fork': given, but \"memory\" "
                              "does not list hugetlb");
    base_only.erase("hugetlb_fork");
    base_only.erase("hugetlb_write_fault");
    CHECK(error(base_only) == "(accepted)");
    nlohmann::ordered_json huge = j;
    huge["memory"] = {"base", "huge"};
    CHECK(error(huge) == "my-idea.json: field 'memory[1]': unknown memory kind \"huge\" (expected "
                         "base, thp or hugetlb)");
}

TEST_CASE("a hugetlb policy that decides the write fault by refcount (as_base) closes the "
          "vmsplice leak that linux-6.18 has on hugetlb") {
    using namespace cli_test;
    TempDir tmp("hugetlb-as-base");
    nlohmann::ordered_json j = policy_to_json(*find_policy("linux-6.18"));
    j["name"] = "hugetlb-by-refcount";
    j["hugetlb_write_fault"] = "as_base";
    write_file(tmp.path / "p.json", j.dump(2));
    const Run r = cli_test::cowpin("check " + std::string(COWPIN_SOURCE_DIR) +
                             "/specs/hugetlb-vmsplice-unmap-in-child.json --no-write --policy-file " +
                             tmp / "p.json" + " --policy linux-6.18",
                         tmp);
    CHECK(r.code == 0);  // the spec's default ("holds") applies to the policy file by name
    CHECK(has(r.out, "hugetlb-vmsplice-unmap-in-child  linux-6.18  get_no_leak [4 steps]"));
    CHECK(has(r.out, "hugetlb-vmsplice-unmap-in-child  hugetlb-by-refcount  holds"));
}
