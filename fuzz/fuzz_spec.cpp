// libFuzzer target: a spec file as `cowpin check SPEC` reads it. An input that parses is then
// checked under one of the policies it names (picked by the input's length, so the corpus
// spreads over them), bounded to kMaxStates, with everything the command prints and writes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "checker/formats/spec.hpp"
#include "fuzz/json_mutator.hpp"
#include "fuzz/fuzz_common.hpp"

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
    return cowpin::fuzz::mutate_json(data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace cowpin;
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const Spec spec = parse_spec(text, "fuzz/spec.json");
        const std::string& name = spec.policies[size % spec.policies.size()];
        fuzz::check_like_the_cli(spec, *find_policy(name));
    } catch (const SpecError& e) {
        // Bad input: the CLI prints one line and exits 2.
        fuzz::require_one_line(e.what());
    }
    return 0;
}
