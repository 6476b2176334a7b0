// libFuzzer target: a policy file as `cowpin check SPEC --policy-file FILE` reads it. A policy
// that parses (and passes the command's name rule) then checks small shipped specs under it,
// one per kind of memory it models, each bounded to kMaxStates.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "checker/formats/policy_json.hpp"
#include "checker/formats/spec.hpp"
#include "fuzz/json_mutator.hpp"
#include "fuzz/fuzz_common.hpp"

namespace {

// Scenarios that reach the write fault, fork, GUP and swap decisions of each kind of memory.
const std::vector<cowpin::Spec>& specs() {
    static const std::vector<cowpin::Spec> loaded = [] {
        std::vector<cowpin::Spec> out;
        for (const char* name : {"swapped-out-vmsplice-unmap-in-child", "thp-vmsplice-unmap-in-child",
                                 "hugetlb-fork-with-iouring-fixed-buffer"})
            out.push_back(cowpin::load_spec(std::string(COWPIN_SOURCE_DIR) + "/specs/" + name + ".json"));
        return out;
    }();
    return loaded;
}

}  // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
    return cowpin::fuzz::mutate_json(data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cowpin;
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const CowPolicy policy = parse_policy(text, "fuzz/policy.json");
        // load_policy_files() (checker/commands/common.cpp): a built-in's name is only for a
        // file that decides as that built-in.
        if (const CowPolicy* builtin = find_policy(policy.name);
            builtin && !builtin->same_decisions(policy))
            return 0;
        for (const Spec& spec : specs()) fuzz::check_like_the_cli(spec, policy);
    } catch (const SpecError& e) {
        // Bad input: the CLI prints one line and exits 2.
        fuzz::require_one_line(e.what());
    }
    return 0;
}
