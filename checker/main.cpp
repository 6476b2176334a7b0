// cowpin: the command line. Results go to stdout, logs and progress to stderr (spdlog).
// Exit codes: 0 everything as expected, 1 a verdict differs from the spec (or a replay
// diverges), 2 bad input (nothing written), 4 inconclusive (a state limit cut a run short).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "checker/bench.hpp"
#include "checker/copies.hpp"
#include "checker/explain.hpp"
#include "checker/graph_export.hpp"
#include "checker/policy_json.hpp"
#include "checker/report.hpp"
#include "checker/reproduce.hpp"
#include "checker/run.hpp"
#include "checker/state_json.hpp"
#include "checker/spec.hpp"
#include "checker/trace.hpp"

namespace {

using namespace cowpin;

constexpr int kExitOk = 0, kExitMismatch = 1, kExitBadInput = 2, kExitIncomplete = 4;

std::vector<std::string> expand_spec_args(const std::vector<std::string>& args) {
    std::vector<std::string> files;
    for (const std::string& a : args) {
        if (std::filesystem::is_directory(a)) {
            for (std::string& f : spec_files_in(a)) files.push_back(std::move(f));
        } else {
            files.push_back(a);
        }
    }
    return files;
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

std::vector<CowPolicy> load_policy_files(const std::vector<std::string>& files) {
    std::vector<CowPolicy> out;
    for (const std::string& f : files) out.push_back(load_policy_file(f));
    return out;
}

std::vector<std::string> names_of(const std::vector<CowPolicy>& policies) {
    std::vector<std::string> names;
    for (const CowPolicy& p : policies) names.push_back(p.name);
    return names;
}

std::vector<Spec> load_specs(const std::vector<std::string>& args,
                             const std::vector<CowPolicy>& policy_files) {
    std::vector<Spec> specs;
    for (const std::string& f : expand_spec_args(args))
        specs.push_back(load_spec(f, names_of(policy_files)));
    return specs;
}

struct CheckArgs {
    std::vector<std::string> specs;
    std::string policy;
    std::vector<std::string> policy_files;
    std::vector<std::string> bounds;
    std::string out = "counterexamples";
    bool no_write = false;
    std::uint64_t max_states = 0;
    std::uint64_t memory_mib = 0;  // 0 = the default share of physical memory
    unsigned threads = 0;          // 0 = every core
    std::string symmetry = "auto"; // auto (on where sound), on, off
    bool compact = false;
    bool stats = false;
};

unsigned default_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

// "--symmetry on|off|auto" as RunOptions::symmetry.
std::optional<bool> symmetry_option(const std::string& v) {
    if (v == "on") return true;
    if (v == "off") return false;
    return std::nullopt;
}

// The default memory cap: half the machine's memory, so a run stops cleanly (exit 4) long
// before the OOM killer would end it.
std::uint64_t default_memory_bytes() {
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    while (meminfo >> key >> kib)
        if (key == "MemTotal:") return kib * 1024 / 2;
    return std::uint64_t{8} << 30;
}

// `--stats`: how big and how fast, on stderr.
std::string stats_line(const RunResult& r) {
    const engine::Result& st = r.stats;
    std::string line = fmt::format(
        "{} {}: {} states, {} transitions, depth {}, {:.2f} s, {:.0f} states/s, {:.0f} "
        "transitions/s, {:.2f} B/state (packed state {} B), {} thread{}, symmetry {}",
        r.spec->name, r.policy->name, st.states, st.transitions, st.depth, st.seconds,
        st.states / std::max(st.seconds, 1e-9), st.transitions / std::max(st.seconds, 1e-9),
        double(st.store_bytes) / std::max<double>(st.states, 1), st.packed_bytes, st.threads,
        st.threads == 1 ? "" : "s", r.symmetry ? "on" : "off");
    if (st.compact)
        line += fmt::format(", compact: omission probability {:.2g}", st.omission_probability);
    line += fmt::format(
        " (expand {:.2f} s, grow {:.2f} s, insert {:.2f} s, number {:.2f} s, store {:.2f} s)",
        st.phase_seconds[0], st.phase_seconds[1], st.phase_seconds[2], st.phase_seconds[3],
        st.phase_seconds[4]);
    return line;
}

int cmd_check(const CheckArgs& args) {
    // Parse everything first: bad input writes nothing.
    const std::vector<CowPolicy> files = load_policy_files(args.policy_files);
    const std::vector<Spec> specs = load_specs(args.specs, files);
    std::vector<const CowPolicy*> only;
    if (!args.policy.empty()) only.push_back(&policy_or_throw(args.policy));
    for (const CowPolicy& p : files) only.push_back(&p);
    std::vector<std::optional<Bounds>> overrides;
    for (const Spec& s : specs) overrides.push_back(bounds_override(s, args.bounds));

    std::vector<RunResult> results;
    int status = kExitOk;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const Spec& spec = specs[i];
        std::vector<const CowPolicy*> policies = only;
        if (only.empty())
            for (const std::string& name : spec.policies) policies.push_back(find_policy(name));
        for (const CowPolicy* policy : policies) {
            RunOptions opts;
            opts.bounds = overrides[i];
            opts.limits.max_states = args.max_states;
            opts.limits.max_bytes =
                args.memory_mib ? args.memory_mib << 20 : default_memory_bytes();
            opts.threads = args.threads ? args.threads : default_threads();
            opts.compact = args.compact;
            opts.symmetry = symmetry_option(args.symmetry);
            auto last = std::chrono::steady_clock::now();
            opts.progress = [&](const engine::Progress& p) {
                const auto now = std::chrono::steady_clock::now();
                if (now - last < std::chrono::seconds(3)) return;
                last = now;
                spdlog::info("{} {}: {} states, {:.0f} transitions/s, queue {}, depth {}, "
                             "{:.0f} MiB, {:.0f} B/state",
                             spec.name, policy->name, p.states,
                             p.transitions / std::max(p.seconds, 1e-9), p.queue, p.depth,
                             p.bytes / 1048576.0, double(p.bytes) / std::max<double>(p.states, 1));
            };
            RunResult r = run_check(spec, *policy, opts);
            if (args.stats) std::cerr << stats_line(r) << '\n';
            if (!spec.expected(policy->name))
                spdlog::warn("{}: no expectation for policy {}", spec.path, policy->name);
            std::cout << verdict_line(r) << '\n' << std::flush;
            // A violation found before a limit stopped the run is still a shortest one: every
            // shallower BFS level was finished.
            if (!args.no_write)
                for (const std::string& path : write_counterexamples(r, args.out))
                    spdlog::debug("wrote {}", path);
            if (!r.stats.complete && status == kExitOk) status = kExitIncomplete;
            if (!r.verdict_matches() || !r.states_match()) status = kExitMismatch;
            results.push_back(std::move(r));
        }
    }
    std::cout << '\n' << verdict_matrix(results);
    std::size_t mismatches = 0, unexpected = 0, incomplete = 0;
    for (const RunResult& r : results) {
        if (!r.verdict_matches() || !r.states_match())
            ++mismatches;
        else if (!r.stats.complete)
            ++incomplete;
        else if (!r.expected)
            ++unexpected;
    }
    std::cout << fmt::format("\n{} checks, {} as expected, {} not", results.size(),
                             results.size() - mismatches - unexpected - incomplete, mismatches);
    if (unexpected) std::cout << fmt::format(", {} without an expectation (?)", unexpected);
    if (incomplete) std::cout << fmt::format(", {} incomplete", incomplete);
    std::cout << '\n';
    return status;
}

struct CompareArgs {
    std::vector<std::string> specs;
    std::string policies;  // "A,B"
    std::vector<std::string> policy_files;
    std::vector<std::string> bounds;
    std::string out;  // write needless-copy witnesses here if set
};

std::string range_text(const std::optional<CopyRange>& r) {
    return r ? fmt::format("{}..{}", r->min, r->max) : std::string("-");
}

// `cowpin compare`: per spec, the policies side by side: verdict, copies and needless copies
// (min..max over complete executions of a scenario), and the shortest needless-copy witness.
int cmd_compare(const CompareArgs& args) {
    const std::vector<CowPolicy> files = load_policy_files(args.policy_files);
    const std::vector<Spec> specs = load_specs(args.specs, files);
    std::vector<const CowPolicy*> policies;
    std::string list = args.policies;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        policies.push_back(&policy_or_throw(list.substr(0, comma)));
        list = comma == std::string::npos ? "" : list.substr(comma + 1);
    }
    for (const CowPolicy& p : files) policies.push_back(&p);
    if (policies.empty())
        for (const CowPolicy* p : all_policies()) policies.push_back(p);
    std::vector<std::optional<Bounds>> overrides;
    for (const Spec& s : specs) overrides.push_back(bounds_override(s, args.bounds));

    for (std::size_t i = 0; i < specs.size(); ++i) {
        const Spec& spec = specs[i];
        std::vector<std::vector<std::string>> cols;
        for (const CowPolicy* p : policies) {
            RunOptions opts;
            opts.bounds = overrides[i];
            const CopyReport rep = analyze_copies(spec, *p, opts);
            std::string witness = "none";
            if (rep.witness) {
                witness = fmt::format("{} steps", rep.witness->steps());
                if (!args.out.empty())
                    spdlog::info("wrote {}", write_trace(rep.run, *rep.witness, args.out));
            }
            cols.push_back({p->name, verdict_tags(rep.run.violated), range_text(rep.copies),
                            range_text(rep.needless), witness});
        }
        const std::vector<std::string> rows = {"", "verdict", "copies min..max",
                                               "needless min..max", "needless witness"};
        std::cout << fmt::format("{}{}\n", spec.name, spec.scenario ? "" : " (exhaustive: copies "
                                                                         "are per path, not shown)");
        for (std::size_t r = 0; r < rows.size(); ++r) {
            std::string line = fmt::format("  {:<18}", rows[r]);
            for (const auto& c : cols) line += fmt::format("  {:<12}", c[r]);
            while (!line.empty() && line.back() == ' ') line.pop_back();
            std::cout << line << '\n';
        }
        std::cout << '\n';
    }
    return kExitOk;
}

struct ReproduceArgs {
    std::vector<std::string> specs;
    std::string policy = "linux-6.18";
    std::size_t interleaving = 0;  // 1-based; 0 = all (sampled)
    std::string trace, output;
    bool run = false;
    std::size_t sample = 16;
};

// A swap file for MADV_PAGEOUT when no swap is active; the machine is left as it was found.
struct SwapFile {
    std::string path;
    bool active = false;
    ~SwapFile() {
        if (!active) return;
        const int rc = std::system(("swapoff " + path + " 2>/dev/null").c_str());
        std::filesystem::remove(path);
        spdlog::info("swapoff {} ({}), file removed", path, rc == 0 ? "done" : "failed");
    }
    void ensure() {
        std::ifstream swaps("/proc/swaps");
        std::string header, line;
        std::getline(swaps, header);
        if (std::getline(swaps, line) && !line.empty()) return;  // swap is active
        path = "/tmp/cowpin-swapfile";
        spdlog::info("no active swap: setting up a 64 MiB swap file at {} (removed afterwards)", path);
        const std::string cmd = "dd if=/dev/zero of=" + path + " bs=1M count=64 status=none && chmod 600 " +
                                path + " && mkswap " + path + " >/dev/null && swapon " + path;
        active = std::system((cmd + " 2>/dev/null").c_str()) == 0;
        if (!active) {
            std::filesystem::remove(path);
            spdlog::warn("could not set up swap (not root?): swap_out steps will be skipped");
        }
    }
};

bool uses_swap(const Interleaving& il) {
    for (const Action& a : il.steps)
        if (a.op == Op::swap_out) return true;
    return false;
}

int cmd_reproduce(const ReproduceArgs& args) {
    const CowPolicy& policy = policy_or_throw(args.policy);
    const std::vector<Spec> specs = load_specs(args.specs, {});
    if (!args.run) {
        if (specs.size() != 1 || args.output.empty())
            throw SpecError("reproduce: give one spec and -o FILE (or --run)");
        const Spec& spec = specs[0];
        std::vector<Interleaving> all = interleavings(spec, policy);
        Interleaving il;
        std::size_t index = 1, count = all.size();
        if (!args.trace.empty()) {
            const nlohmann::json t = load_trace(args.trace);
            for (const nlohmann::json& step : t["steps"]) {
                std::string error;
                const std::optional<Action> a = action_from_json(step, error);
                if (!a) throw SpecError(fmt::format("{}: {}", args.trace, error));
                il.steps.push_back(*a);
            }
            count = 1;
        } else {
            index = args.interleaving ? args.interleaving : 1;
            if (all.empty())
                throw SpecError(fmt::format("{}: no complete interleaving to reproduce", spec.path));
            if (index > all.size())
                throw SpecError(fmt::format("--interleaving {}: {} has {} interleavings", index,
                                            spec.name, all.size()));
            il = all[index - 1];
        }
        if (auto why = why_not_reproducible(spec, policy, il)) {
            std::cout << fmt::format("{}: not reproducible: {}\n", spec.name, *why);
            return kExitIncomplete;
        }
        const std::string tmp = args.output + ".tmp";
        std::ofstream(tmp) << emit_program(spec, policy, il, index, count);
        std::filesystem::rename(tmp, args.output);
        std::cout << fmt::format("wrote {}: {} interleaving {} of {}: {}\n", args.output, spec.name,
                                 index, count, describe(il));
        return kExitOk;
    }
    SwapFile swap;
    std::size_t ran = 0, disagreements = 0;
    for (const Spec& spec : specs) {
        const std::vector<Interleaving> all = interleavings(spec, policy);
        std::vector<std::size_t> chosen;
        if (args.interleaving) {
            if (args.interleaving > all.size())
                throw SpecError(fmt::format("--interleaving {}: {} has {} interleavings",
                                            args.interleaving, spec.name, all.size()));
            chosen.push_back(args.interleaving - 1);
        } else {
            chosen = sample_indices(all.size(), args.sample);
        }
        std::vector<std::size_t> runnable;
        std::string why = all.empty() ? std::string(spec.scenario ? "no complete interleaving"
                                                                  : "an exhaustive spec has no "
                                                                    "single interleaving to run")
                                      : "";
        for (std::size_t i : chosen) {
            if (auto w = why_not_reproducible(spec, policy, all[i]))
                why = *w;
            else
                runnable.push_back(i);
        }
        if (runnable.empty()) {
            std::cout << fmt::format("{}: not reproducible: {}\n", spec.name, why);
            continue;
        }
        std::cout << fmt::format("{}: {} of {} interleavings under {}{}\n", spec.name,
                                 runnable.size(), all.size(), policy.name,
                                 chosen.size() < all.size() ? " (fixed seeded sample)" : "");
        for (std::size_t i : runnable) {
            if (uses_swap(all[i])) swap.ensure();
            const ProgramRun r =
                build_and_run(emit_program(spec, policy, all[i], i + 1, all.size()));
            std::string result = r.disagree ? "DISAGREE" : "agree";
            if (r.exit_code == 4) result = "skipped: " + r.skipped;
            if (r.exit_code == 2 || (r.exit_code == 1 && !r.disagree)) result = "ERROR";
            std::cout << fmt::format("  #{:<3} {:>3} observations {:>3} agree {:>3} disagree  {}  [{}]\n",
                                     i + 1, r.observations, r.agree, r.disagree, result,
                                     describe(all[i]));
            if (r.exit_code != 0 && r.exit_code != 4) {
                std::istringstream lines(r.output);
                for (std::string line; std::getline(lines, line);)
                    if (line.rfind("not ok", 0) == 0 || line.rfind("Bail", 0) == 0 ||
                        line.find("error") != std::string::npos)
                        std::cout << "      " << line << '\n';
            }
            if (r.exit_code != 4) ++ran;
            if (r.exit_code != 0 && r.exit_code != 4) ++disagreements;
        }
    }
    if (disagreements) return kExitMismatch;
    return ran ? kExitOk : kExitIncomplete;
}

int cmd_policies(const std::string& json_of) {
    if (!json_of.empty()) {
        std::cout << policy_to_json(policy_or_throw(json_of)).dump(2) << '\n';
        return kExitOk;
    }
    std::size_t w = 0;
    for (const CowPolicy* p : all_policies()) w = std::max(w, p->name.size());
    for (const CowPolicy* p : all_policies())
        std::cout << fmt::format("{:<{}}  {}\n", p->name, w, p->summary);
    return kExitOk;
}

int cmd_replay(const std::string& trace, const std::string& spec,
               const std::vector<std::string>& policy_files) {
    const ReplayOutcome r =
        replay_trace(trace, spec.empty() ? std::nullopt : std::optional<std::string>(spec),
                     load_policy_files(policy_files));
    if (r.exit_code == kExitOk)
        std::cout << r.message << '\n';
    else
        std::cerr << "cowpin: " << r.message << '\n';
    return r.exit_code;
}

int cmd_explain(const std::string& trace) {
    const nlohmann::json t = load_trace(trace);
    std::string text;
    try {
        text = explain_trace(t);
    } catch (const nlohmann::json::exception& e) {
        throw SpecError(fmt::format("{}: not a complete trace: {}", trace, e.what()));
    }
    std::cout << text;
    return kExitOk;
}

int cmd_graph(const std::string& spec_path, const std::string& policy,
              const std::vector<std::string>& bounds, const std::string& out,
              std::size_t max_states) {
    const Spec spec = load_spec(spec_path);
    const CowPolicy& p = policy_or_throw(policy);
    const Bounds b = bounds_override(spec, bounds).value_or(spec.bounds);
    std::ostringstream dot;
    const GraphStats st = export_graph(spec, p, b, max_states, dot);
    const std::string tmp = out + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary);
        f << dot.str();
        if (!f) throw SpecError(fmt::format("{}: cannot write", out));
    }
    std::filesystem::rename(tmp, out);
    std::cout << fmt::format("wrote {}: {} states, {} edges, {} violating\n", out, st.states,
                             st.edges, st.violating);
    return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    auto logger = spdlog::stderr_color_mt("cowpin");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("[%l] %v");

    CLI::App app{"cowpin: an explicit-state model checker for copy-on-write and page pinning"};
    app.require_subcommand(1);
    app.set_version_flag("--version", COWPIN_VERSION);
    bool verbose = false;
    app.add_flag("-v,--verbose", verbose, "log every counterexample written");

    CheckArgs check;
    auto* c = app.add_subcommand("check", "check specs against every policy they name");
    c->add_option("specs", check.specs, "spec files or directories of them")->required();
    c->add_option("--policy", check.policy, "check only this policy (other expectations ignored)");
    c->add_option("--policy-file", check.policy_files,
                  "check only the policy in this JSON file (repeatable); specs' expectations "
                  "apply to it by its name");
    c->add_option("--bound", check.bounds, "override a bound: name=value (repeatable)");
    c->add_option("--out", check.out, "directory for counterexamples (default: counterexamples)");
    c->add_flag("--no-write", check.no_write, "write no counterexample files");
    c->add_option("--max-states", check.max_states, "stop a run past this many states (exit 4)");
    c->add_option("--memory", check.memory_mib,
                  "stop a run when its states take this many MiB (exit 4; default: half of RAM)");
    c->add_option("--threads", check.threads, "worker threads (default: every core)");
    c->add_option("--symmetry", check.symmetry,
                  "process symmetry: auto (on for exhaustive specs, where it is sound), on, off")
        ->check(CLI::IsMember({"auto", "on", "off"}));
    c->add_flag("--compact", check.compact,
                "store 64-bit fingerprints, not states (prints the chance a state was missed)");
    c->add_flag("--stats", check.stats, "print states, speed and memory of each run on stderr");

    BenchOptions bench;
    auto* bn = app.add_subcommand("bench", "time the exhaustive specs of specs/bench/");
    bn->add_option("dir", bench.dir, "directory of benchmark specs (default: specs/bench)");
    bn->add_option("--seconds", bench.seconds, "time limit per run (default 60)");
    bn->add_option("--memory", bench.memory_mib, "memory limit per run in MiB (default: half of RAM)");
    bn->add_option("--threads", bench.threads, "thread counts, a run each (default: 1 2)")
        ->delimiter(',');
    bn->add_flag("--compact", bench.compact, "fingerprint mode");
    std::string bench_symmetry = "auto";
    bn->add_option("--symmetry", bench_symmetry, "process symmetry: auto (on), on, off")
        ->check(CLI::IsMember({"auto", "on", "off"}));
    bn->add_option("--spec", bench.only, "only this benchmark spec (repeatable)");
    bn->add_option("--repeat", bench.repeat,
                   fmt::format("runs of each row that finishes within {:.0f} s; the median is "
                               "shown (default 5)", kBenchRepeatBelow))
        ->check(CLI::Range(1u, 100u));

    ReproduceArgs repro;
    auto* rp = app.add_subcommand(
        "reproduce", "turn a scenario interleaving into a C program for the running kernel");
    rp->add_option("specs", repro.specs, "scenario spec files or directories")->required();
    rp->add_option("--policy", repro.policy, "the policy whose predictions to check (linux-6.18)");
    rp->add_option("--interleaving", repro.interleaving, "which interleaving (1-based)");
    rp->add_option("--trace", repro.trace, "reproduce a counterexample trace's steps instead");
    rp->add_option("-o,--output", repro.output, "C file to write");
    rp->add_flag("--run", repro.run, "build and run the programs, compare with the model");
    rp->add_option("--sample", repro.sample, "at most this many interleavings per spec (16)");

    CompareArgs compare;
    auto* cmp = app.add_subcommand(
        "compare", "policies side by side: verdict, copies and needless copies per spec");
    cmp->add_option("specs", compare.specs, "spec files or directories of them")->required();
    cmp->add_option("--policies", compare.policies, "comma-separated policies (default: all)");
    cmp->add_option("--policy-file", compare.policy_files, "also compare this policy file");
    cmp->add_option("--bound", compare.bounds, "override a bound: name=value (repeatable)");
    cmp->add_option("--out", compare.out, "write each needless-copy witness trace here");

    std::string json_of;
    auto* p = app.add_subcommand("policies", "list the policies with a one-line summary each");
    p->add_option("--json", json_of, "print this built-in policy as a policy file");

    std::string trace, spec;
    auto* r = app.add_subcommand("replay", "re-execute a counterexample through the model");
    r->add_option("trace", trace, "counterexample JSON")->required();
    r->add_option("--spec", spec, "spec file (default: the one the trace names)");
    std::vector<std::string> replay_policy_files;
    r->add_option("--policy-file", replay_policy_files, "policy file the trace was checked with");

    auto* e = app.add_subcommand("explain", "print a counterexample as text, in kernel words");
    e->add_option("trace", trace, "counterexample JSON")->required();

    std::string gpolicy, gout;
    std::vector<std::string> gbounds;
    std::size_t gmax = 5000;
    auto* g = app.add_subcommand("graph", "write the explored state graph as Graphviz DOT");
    g->add_option("spec", spec, "spec file")->required();
    g->add_option("--policy", gpolicy, "policy")->required();
    g->add_option("-o,--output", gout, "DOT file to write")->required();
    g->add_option("--bound", gbounds, "override a bound: name=value (repeatable)");
    g->add_option("--max-states", gmax, "refuse graphs with more states (default 5000)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& err) {
        const int rc = app.exit(err);
        return rc == 0 ? kExitOk : kExitBadInput;
    }
    if (verbose) spdlog::set_level(spdlog::level::debug);
    try {
        if (*c) return cmd_check(check);
        if (*cmp) return cmd_compare(compare);
        if (*rp) return cmd_reproduce(repro);
        if (*bn) {
            bench.symmetry = symmetry_option(bench_symmetry);
            return run_bench(bench, default_memory_bytes());
        }
        if (*p) return cmd_policies(json_of);
        if (*r) return cmd_replay(trace, spec, replay_policy_files);
        if (*e) return cmd_explain(trace);
        if (*g) return cmd_graph(spec, gpolicy, gbounds, gout, gmax);
    } catch (const SpecError& err) {
        std::cerr << "cowpin: " << err.what() << '\n';
        return kExitBadInput;
    } catch (const GraphTooLarge& err) {
        std::cerr << "cowpin: " << err.what() << '\n';
        return kExitBadInput;
    }
    return kExitBadInput;
}
