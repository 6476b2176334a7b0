#include "checker/commands/common.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <chrono>
#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "checker/formats/policy_json.hpp"

namespace cowpin {

ReplayOutcome replay_for_command(const std::string& trace, const std::string& spec_file,
                                 const std::vector<std::string>& policy_files) {
    ReplayOutcome r = replay_trace(
        trace, spec_file.empty() ? std::nullopt : std::optional<std::string>(spec_file),
        load_policy_files(policy_files));
    std::cerr << r.notes;
    if (r.exit_code != kExitOk) std::cerr << "cowpin: " << r.message << '\n';
    return r;
}

std::vector<std::string> expand_spec_args(const std::vector<std::string>& args) {
    std::vector<std::string> files;
    for (const std::string& a : args) {
        // Without an error_code, a path the system cannot even look up (a name over NAME_MAX,
        // no permission on a directory on the way) would throw filesystem_error; as a file, it
        // gets load_spec()'s one line, which says why it cannot be read.
        std::error_code ec;
        if (std::filesystem::is_directory(a, ec)) {
            for (std::string& f : spec_files_in(a)) files.push_back(std::move(f));
        } else {
            files.push_back(a);
        }
    }
    return files;
}

// A policy file is graded against the specs' expectations for its name, and its traces are
// named after it: a file that took a built-in's name and decided otherwise would be judged by
// that built-in's expectations and overwrite its counterexamples, and two files of one name
// would overwrite each other's. So a built-in's name is only for a file that decides exactly as
// that built-in (specs/policies/, the twins the tests run), and every name is used once.
std::vector<CowPolicy> load_policy_files(const std::vector<std::string>& files) {
    std::vector<CowPolicy> out;
    for (std::size_t i = 0; i < files.size(); ++i) {
        CowPolicy p = load_policy_file(files[i]);
        const CowPolicy* builtin = find_policy(p.name);
        if (builtin && !builtin->same_decisions(p))
            throw SpecError(fmt::format(
                "{}: field 'name': '{}' is a built-in policy's name and this file decides "
                "otherwise (expected a name of its own)",
                files[i], p.name));
        for (std::size_t j = 0; j < i; ++j)
            if (out[j].name == p.name)
                throw SpecError(fmt::format(
                    "{}: field 'name': '{}' is also the name of {} (expected one file per name)",
                    files[i], p.name, files[j]));
        out.push_back(std::move(p));
    }
    return out;
}

RunPlan plan_runs(const std::vector<Spec>& specs, const std::string& policy,
                  const std::vector<CowPolicy>& policy_files) {
    std::vector<const CowPolicy*> only;
    // --policy a,b: these policies, in the order given.
    for (std::size_t from = 0; !policy.empty() && from <= policy.size();) {
        const std::size_t comma = std::min(policy.find(',', from), policy.size());
        const CowPolicy* p = &policy_or_throw(policy.substr(from, comma - from));
        if (std::find(only.begin(), only.end(), p) == only.end()) only.push_back(p);
        from = comma + 1;
    }
    for (const CowPolicy& p : policy_files) only.push_back(&p);
    RunPlan plan;
    plan.policies.resize(specs.size());
    std::string first_refusal;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const Spec& spec = specs[i];
        for (const CowPolicy* p : only)
            if (const std::string why = spec.refusal(*p); !why.empty()) {
                plan.refusals.push_back(fmt::format("{} {}: refused: {}", spec.name, p->name, why));
                if (first_refusal.empty())
                    first_refusal = fmt::format("{}: field 'memory': {}", spec.path, why);
            } else if (spec.checks_policy(p->name))
                plan.policies[i].push_back(p);
            else
                spdlog::info("{}: not checked under {}: the spec's \"policies\" leave it out",
                             spec.path, p->name);
        if (only.empty())
            for (const std::string& name : spec.policies) plan.policies[i].push_back(find_policy(name));
        plan.runs += plan.policies[i].size();
    }
    if (plan.runs == 0 && !plan.refusals.empty())
        throw SpecError(first_refusal + " (nothing else to check)");
    return plan;
}

RunOptions run_options(const Spec& spec, const CowPolicy& policy, const std::optional<Bounds>& bounds,
                       std::uint64_t max_states, std::uint64_t memory_mib, unsigned threads,
                       bool compact, const std::string& symmetry) {
    RunOptions opts;
    opts.bounds = bounds;
    opts.limits.max_states = max_states;
    opts.limits.max_bytes = memory_bytes(memory_mib);
    opts.threads = threads ? threads : default_threads();
    opts.compact = compact;
    opts.symmetry = symmetry_option(symmetry);
    auto last = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
    opts.progress = [last, spec = spec.name, policy = policy.name](const engine::Progress& p) {
        const auto now = std::chrono::steady_clock::now();
        if (now - *last < std::chrono::seconds(3)) return;
        *last = now;
        spdlog::info("{} {}: {} states, {:.0f} transitions/s, queue {}, depth {}, "
                     "{:.0f} MiB, {:.0f} B/state",
                     spec, policy, p.states, p.transitions / std::max(p.seconds, 1e-9), p.queue,
                     p.depth, p.bytes / 1048576.0, double(p.bytes) / std::max<double>(p.states, 1));
    };
    return opts;
}

std::vector<Spec> load_specs(const std::vector<std::string>& args,
                             const std::vector<CowPolicy>& policy_files) {
    std::vector<std::string> names;
    for (const CowPolicy& p : policy_files) names.push_back(p.name);
    std::vector<Spec> specs;
    for (const std::string& f : expand_spec_args(args)) specs.push_back(load_spec(f, names));
    return specs;
}

const CowPolicy& policy_or_throw(const std::string& name) {
    const CowPolicy* p = find_policy(name);
    if (!p)
        throw SpecError(fmt::format("--policy: unknown policy '{}' (expected one of: {})", name,
                                    policy_names()));
    return *p;
}

std::optional<Bounds> bounds_override(const Spec& spec, const std::vector<std::string>& bounds) {
    if (bounds.empty()) return std::nullopt;
    Bounds b = spec.bounds;
    for (const std::string& a : bounds) apply_bound(b, a);
    return b;
}

unsigned default_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

const char* const kSymmetryHelp =
    "which renamings the search reduces by, exactly (verdicts and shortest traces unchanged): "
    "auto (default: every one sound for the spec: processes; pages of the VMA on base memory, "
    "not in a large folio; handle slots; none for scenario programs), all (= on), off, or a "
    "comma-separated list of procs, pages, handles";

namespace {

std::optional<Symmetry> parse_symmetry(const std::string& value) {
    if (value == "all" || value == "on") return Symmetry(true);
    if (value == "off") return Symmetry(false);
    Symmetry s;
    std::size_t begin = 0;
    for (;;) {
        const std::size_t end = value.find(',', begin);
        const std::string word = value.substr(begin, end == std::string::npos ? end : end - begin);
        if (word == "procs" || word == "processes")
            s.procs = true;
        else if (word == "pages")
            s.pages = true;
        else if (word == "handles")
            s.handles = true;
        else
            return std::nullopt;
        if (end == std::string::npos) return s;
        begin = end + 1;
    }
}

}  // namespace

std::string symmetry_error(const std::string& value) {
    if (value == "auto" || parse_symmetry(value)) return {};
    return fmt::format("'{}' is not auto, all, on, off or a comma-separated list of procs, "
                       "pages, handles",
                       value);
}

std::optional<Symmetry> symmetry_option(const std::string& value) {
    if (value == "auto") return std::nullopt;
    if (const std::optional<Symmetry> s = parse_symmetry(value)) return s;
    throw SpecError("--symmetry: " + symmetry_error(value));
}

std::string symmetry_name(const Symmetry& s) {
    if (!s.any()) return "off";
    std::string out;
    for (const auto& [on, name] : {std::pair{s.procs, "procs"}, std::pair{s.pages, "pages"},
                                   std::pair{s.handles, "handles"}})
        if (on) out += (out.empty() ? "" : ",") + std::string(name);
    return out;
}

std::uint64_t default_memory_bytes() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    while (meminfo >> key >> kib)
        if (key == "MemTotal:") return kib * 1024 / 2;
    return std::uint64_t{8} << 30;
}

CLI::Validator whole_number(std::uint64_t min, std::uint64_t max, const std::string& note) {
    const std::string expected =
        fmt::format("expected a whole number from {} to {}{}", min,
                    max == ~std::uint64_t{0} ? std::string("2^64 - 1") : std::to_string(max),
                    note.empty() ? "" : fmt::format(" ({})", note));
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            std::uint64_t v = 0;
            bool ok = !text.empty() && text.size() <= 20;
            for (const char c : text) {
                if (c < '0' || c > '9' || v > (~std::uint64_t{0} - (c - '0')) / 10) {
                    ok = false;
                    break;
                }
                v = v * 10 + (c - '0');
            }
            if (!ok || v < min || v > max) return fmt::format("{}, got '{}'", expected, text);
            text = std::to_string(v);  // CLI11 reads a leading 0 as octal
            return "";
        },
        "");
}

CLI::Validator seconds_number(double max) {
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            if (text.empty() || end != text.c_str() + text.size() || !(v > 0) || !(v <= max))
                return fmt::format("expected a number of seconds above 0 and at most {}, got "
                                   "'{}'", max, text);
            return "";
        },
        "");
}

std::uint64_t memory_bytes(std::uint64_t mib) {
    return mib ? std::min(mib, kMaxMemoryMiB) << 20 : default_memory_bytes();
}

}  // namespace cowpin
