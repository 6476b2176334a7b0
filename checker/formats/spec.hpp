// Spec files (MODEL.md §8): specs/*.json, in scenario form (`programs`) or exhaustive form
// (`actions`), each carrying its expected verdict per policy.
//
// Parsing is strict: an unknown field, a wrong type, an unknown policy, action or invariant, a
// bound out of range or a malformed step is a SpecError naming the file, the field and what was
// expected. Nothing is checked or written before every spec given has parsed.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/model.hpp"

namespace cowpin {

struct SpecError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The longest spec name: it names the counterexample files, SPEC.POLICY.INVARIANT.json, which
// with a policy name of kMaxPolicyNameChars (policy_json.hpp) and the longest invariant stay
// within a file name's 255 bytes.
inline constexpr std::size_t kMaxSpecNameChars = 128;

// A verdict is a set of violated invariants (bit per Inv) and, for a scenario, whether some
// execution is stuck (MODEL.md §8): "stuck" in a spec's expectations, "ST" in the matrix.
inline constexpr std::uint32_t kStuckVerdict = 1u << kInvariants;

struct Spec {
    std::string path;    // as given on the command line
    std::string sha256;  // of the file's bytes
    std::string text;    // the file's bytes: a trace carries the document (checker/run/trace.hpp)
    std::string name, title, about;
    Bounds bounds;
    Memory memory = Memory::base;   // "memory" (MODEL.md §9)
    bool scenario = false;
    std::uint32_t families = 0;     // exhaustive form
    std::array<std::vector<Step>, kMaxProcs> programs;  // scenario form
    std::uint32_t environment = 0;
    std::uint32_t invariants = kAllInvariants;
    // The expectations are for the executions up to bounds.depth ("depth_bounded": true); without
    // it a run that reaches the depth bound is incomplete.
    bool depth_bounded = false;
    // The decision points (bit per Decision, model/effects.hpp) a scenario claims to exercise,
    // by policy name or "default": `check` warns when a run never consults one ("exercises").
    std::map<std::string, std::uint32_t> exercises;
    std::vector<std::string> policies;  // names, in the spec's order (all if omitted)
    bool policies_named = false;        // "policies" was given
    // Whether a run under `policy` is one the spec asks for: every policy when "policies" is
    // omitted; else the ones named, and any policy that is not a built-in (a policy file's idea).
    bool checks_policy(const std::string& policy) const;
    // Why `policy` cannot be run on this spec (it does not model the spec's memory), or "".
    std::string refusal(const CowPolicy& policy) const;
    // Expected verdict (bit per Inv, kStuckVerdict; 0 = holds), by policy name or "default".
    // Empty when the spec has no "expect": then nothing is expected of any run, and its verdicts
    // are reported, not checked.
    std::map<std::string, std::uint32_t> expect;
    // Expected number of canonical states, by policy name (optional).
    std::map<std::string, std::uint64_t> expect_states;
    // The same under the default symmetry: every renaming sound for the spec (processes, pages on
    // base memory, handle slots; exhaustive specs, "symmetric_states").
    std::map<std::string, std::uint64_t> expect_symmetric_states;

    // The expectation for a policy: its own entry, else "default", else none.
    std::optional<std::uint32_t> expected(const std::string& policy) const;
    // The decision points claimed for a policy: its own entry, else "default", else none.
    std::uint32_t exercised(const std::string& policy) const;
    std::optional<std::uint64_t> expected_states(const std::string& policy,
                                                 bool symmetry = false) const;
    ModelConfig model_config(const CowPolicy& policy) const;
};

// The whole file, as bytes. Throws SpecError ("FILE: cannot read the file").
std::string read_text_file(const std::string& path);

// Parse one spec file. Throws SpecError. Policy names are the built-in ones plus `extra_policies`
// (the names of policy files given on the command line).
Spec load_spec(const std::string& path, const std::vector<std::string>& extra_policies = {});
// Parse from text (path used in messages only). Throws SpecError.
Spec parse_spec(const std::string& text, const std::string& path,
                const std::vector<std::string>& extra_policies = {});
// Every *.json directly in `dir`, sorted by name. Throws SpecError if `dir` holds none.
std::vector<std::string> spec_files_in(const std::string& dir);

// "a, b" for a bit set of invariants; "holds" for 0.
std::string verdict_string(std::uint32_t violated);
// "PE PR" (the MODEL.md §7 tags); "✓" for 0.
std::string verdict_tags(std::uint32_t violated);

// Apply "--bound name=value". Throws SpecError on an unknown name or a value out of range.
void apply_bound(Bounds& bounds, const std::string& assignment);
// Check bounds against the compile-time capacities. Throws SpecError.
void validate_bounds(const Bounds& bounds, const std::string& where);
// Why bounds do not fit this build, or nothing: more ideal cells than kMaxCells (processes ×
// pages); with memory "thp", a folio size other than 2 or 4 pages, or more frames than
// kMaxFrames (`live`: processes alive at once, live_process_bound()).
std::optional<std::string> cells_problem(const Bounds& bounds);
std::optional<std::string> thp_pages_problem(const Bounds& bounds);
std::optional<std::string> thp_frames_problem(const Bounds& bounds, int live);

}  // namespace cowpin
