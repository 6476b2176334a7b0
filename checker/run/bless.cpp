#include "checker/run/bless.hpp"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "checker/formats/sha256.hpp"
#include "checker/formats/spec_bless.hpp"

namespace cowpin {

namespace fs = std::filesystem;

namespace {

std::string plural(std::size_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

// The file's new text, through a temporary file in its directory and a rename, with the old
// file's permissions; refused if the file is no longer the one the spec was read from.
void write_atomically(const Spec& spec, const std::string& text) {
    if (sha256_hex(read_text_file(spec.path)) != spec.sha256)
        throw SpecError(fmt::format("{}: changed on disk since it was read; not blessed (run "
                                    "check again)", spec.path));
    const fs::path path = spec.path;
    const fs::path tmp = path.string() + ".bless.tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) {
            std::error_code ec;
            fs::remove(tmp, ec);
            throw SpecError(fmt::format("{}: cannot write the blessed spec", tmp.string()));
        }
    }
    std::error_code ec;
    fs::permissions(tmp, fs::status(path).permissions(), ec);
    fs::rename(tmp, path);
}

}  // namespace

void check_blessable(const Spec& spec, const std::vector<const CowPolicy*>& planned) {
    if (!spec.expect.empty()) return;
    for (const std::string& name : spec.policies) {
        bool found = false;
        for (const CowPolicy* p : planned) found |= p->name == name;
        if (!found)
            throw SpecError(fmt::format(
                "{}: field 'expect': missing, and --bless would write it for only part of the "
                "policies it checks ({} is not checked here; run without --policy or "
                "--policy-file to bless them all)",
                spec.path, name));
    }
}

BlessOutcome bless_specs(const std::vector<Spec>& specs, const std::vector<RunResult>& results,
                         const std::vector<std::string>& extra_policies, bool write) {
    BlessOutcome out;
    std::size_t rewritten = 0, entries = 0, unchanged = 0, left = 0;
    for (const Spec& spec : specs) {
        std::vector<Observation> observed;
        std::vector<std::string> unfinished;
        for (const RunResult& r : results) {
            if (r.spec != &spec) continue;
            if (!r.stats.complete) {
                out.incomplete = true;
                out.refuted |= !r.verdict_matches();
                unfinished.push_back(r.policy->name);
                ++left;
                out.lines.push_back(fmt::format(
                    "{}: expect.{}: not blessed: the run is incomplete ({} reached){}", spec.path,
                    r.policy->name, engine::limit_name(r.stats),
                    r.verdict_matches() ? "" : ", and its expectation is refuted all the same"));
                continue;
            }
            Observation o{r.policy->name, r.violated, std::nullopt, r.symmetry};
            // Exact counts only: of an exhaustive spec, with its own bounds, every state stored.
            if (!spec.scenario && r.bounds == spec.bounds && !r.stats.compact &&
                r.counts_comparable)
                o.states = r.stats.states;
            observed.push_back(std::move(o));
        }
        if (observed.empty()) continue;
        if (spec.expect.empty() && !unfinished.empty()) {
            std::string names;
            for (const std::string& n : unfinished) names += (names.empty() ? "" : ", ") + n;
            out.lines.push_back(fmt::format(
                "{}: not blessed: it has no \"expect\" yet, and one must name every policy it "
                "checks ({} did not complete)",
                spec.path, names));
            continue;
        }
        const Blessing b = bless_spec_text(read_text_file(spec.path), spec, observed,
                                           extra_policies);
        if (b.changes.empty()) {
            ++unchanged;
            continue;
        }
        ++rewritten;
        entries += b.changes.size();
        for (const std::string& change : b.changes)
            out.lines.push_back(fmt::format("{}: {}", spec.path, change));
        for (const Observation& o : observed)
            if (!find_policy(o.policy) && !spec.expect.count(o.policy) &&
                spec.expected(o.policy) != o.verdict)
                out.lines.push_back(fmt::format(
                    "{}: note: expect.{} names a policy file's policy: the spec now reads only "
                    "with --policy-file giving it",
                    spec.path, o.policy));
        if (write) write_atomically(spec, b.text);
    }
    std::string summary = fmt::format("bless{}: {} {} ({}), {} unchanged",
                                      write ? "" : " --no-write", plural(rewritten, "spec", "specs"),
                                      write ? "rewritten" : "would be rewritten",
                                      plural(entries, "entry", "entries"), unchanged);
    if (left) summary += fmt::format(", {} not blessed (incomplete)", plural(left, "run", "runs"));
    if (!write) summary += "; nothing written";
    out.lines.push_back(summary);
    return out;
}

}  // namespace cowpin
