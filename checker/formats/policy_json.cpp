#include "checker/formats/policy_json.hpp"

#include "checker/formats/json_input.hpp"

#include <set>

#include <fmt/format.h>

#include "checker/formats/spec.hpp"
#include "checker/formats/spec_parser.hpp"

namespace cowpin {

using nlohmann::json;
using spec_detail::shown;
using spec_detail::type_of;

namespace {

// Behaviour names, in enum order.
const std::vector<std::string> kWpReuse = {"mapcount", "refcount", "refcount_free_swap",
                                           "anon_exclusive"};
const std::vector<std::string> kGupRead = {"none", "break_cow", "unshare", "copy_if_shared"};
const std::vector<std::string> kFork = {"share", "copy_if_pinned", "anon_exclusive",
                                        "copy_if_referenced", "copy_always"};
const std::vector<std::string> kMayUnmap = {"always", "unless_pinned", "unless_referenced"};
const std::vector<std::string> kSwapIn = {"mapcount", "refcount", "anon_exclusive",
                                          "anon_exclusive_writable"};
const std::vector<std::string> kMprotect = {"never", "if_anon_exclusive"};
const std::vector<std::string> kClearRefs = {"wrprotect", "skip_pinned"};
const std::vector<std::string> kODirect = {"get", "pin"};
const std::vector<std::string> kHugetlbWp = {"mapcount", "as_base"};
const std::vector<std::string> kHugePmdWp = {"mapcount_copy", "mapcount_split", "refcount_split",
                                             "anon_exclusive_split"};
const std::vector<std::string> kLargeFolioWp = {"as_base", "never", "mm_id", "mapcount",
                                                "per_page"};
const std::vector<std::string> kCollapse = {"exclusive_order0", "writable_half_shared",
                                            "writable", "any"};

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

}  // namespace

const std::vector<DecisionPoint>& decision_points() {
    static const std::vector<DecisionPoint> points = {
        {"write_fault", kWpReuse},   {"gup_read_pin", kGupRead}, {"gup_read_get", kGupRead},
        {"fork", kFork},             {"swap_out", kMayUnmap},    {"migrate", kMayUnmap},
        {"swap_in", kSwapIn},        {"mprotect", kMprotect},    {"clear_refs", kClearRefs},
        {"odirect", kODirect},       {"hugetlb_fork", kFork},    {"hugetlb_write_fault", kHugetlbWp},
        {"huge_pmd_write_fault", kHugePmdWp}, {"large_folio_write_fault", kLargeFolioWp},
        {"collapse", kCollapse},
    };
    return points;
}

CowPolicy parse_policy(const std::string& text, const std::string& path) {
    // Size, depth, number range and duplicate keys: json_input.hpp.
    const json j = parse_json_input(text, path, /*comments=*/true);
    if (!j.is_object())
        throw SpecError(fmt::format("{}: expected a JSON object of a policy's decisions, got {}",
                                    path, type_of(j)));
    auto fail = [&](const std::string& what, const std::string& key, const std::string& msg) {
        throw SpecError(fmt::format("{}: {} '{}': {}", path, what, shown(key), msg));
    };
    std::set<std::string> known = {"name", "summary", "anon_exclusive", "exclusive_entries",
                                   "memory"};
    for (const DecisionPoint& d : decision_points()) known.insert(d.key);
    for (auto it = j.begin(); it != j.end(); ++it)
        if (!known.count(it.key()))
            fail("field", it.key(),
                 fmt::format("unknown (expected name, summary, anon_exclusive, exclusive_entries, "
                             "memory, or a decision point: write_fault, gup_read_pin, "
                             "gup_read_get, fork, swap_out, migrate, swap_in, mprotect, "
                             "clear_refs, odirect, hugetlb_fork, hugetlb_write_fault, "
                             "huge_pmd_write_fault, large_folio_write_fault, collapse)"));
    CowPolicy p;
    if (!j.contains("name")) fail("field", "name", "missing (expected a non-empty string)");
    if (!j["name"].is_string() || j["name"].get<std::string>().empty())
        fail("field", "name",
             fmt::format("expected a non-empty string, got {}",
                         j["name"].is_string() ? "an empty string" : type_of(j["name"])));
    p.name = j["name"].get<std::string>();
    if (p.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_.") != std::string::npos)
        fail("field", "name", "expected lower-case letters, digits, '-', '_' or '.'");
    if (p.name.size() > kMaxPolicyNameChars)
        fail("field", "name",
             fmt::format("{} characters, over the {} a policy's name may have (it names the "
                         "counterexample files, SPEC.POLICY.INVARIANT.json)",
                         p.name.size(), kMaxPolicyNameChars));
    if (j.contains("summary") && !j["summary"].is_string())
        fail("field", "summary", fmt::format("expected a string, got {}", type_of(j["summary"])));
    p.summary = j.value("summary", "policy file " + path);
    for (const char* flag : {"anon_exclusive", "exclusive_entries"}) {
        if (!j.contains(flag)) fail("decision point", flag, "missing (expected true or false)");
        if (!j[flag].is_boolean())
            fail("decision point", flag,
                 fmt::format("expected true or false, got {}", type_of(j[flag])));
    }
    p.anon_exclusive = j["anon_exclusive"].get<bool>();
    // "memory": the kinds the policy models; base is required, the decision points of the
    // others are required with them.
    const char* kinds =
        "an array of the memory kinds the policy models: base, and any of thp, hugetlb";
    if (!j.contains("memory")) fail("field", "memory", fmt::format("missing (expected {})", kinds));
    if (!j["memory"].is_array())
        fail("field", "memory", fmt::format("expected {}, got {}", kinds, type_of(j["memory"])));
    p.memory = 0;
    for (std::size_t i = 0; i < j["memory"].size(); ++i) {
        const json& k = j["memory"][i];
        const std::optional<Memory> m = k.is_string() ? parse_memory(k.get<std::string>()) : std::nullopt;
        if (!m)
            fail("field", fmt::format("memory[{}]", i),
                 fmt::format("unknown memory kind {} (expected base, thp or hugetlb)", shown(k)));
        p.memory |= memory_bit(*m);
    }
    if (!p.models(Memory::base))
        fail("field", "memory",
             fmt::format("base is not listed, got {} (expected {})", shown(j["memory"]), kinds));
    p.exclusive_entries = j["exclusive_entries"].get<bool>();
    auto pick = [&](const DecisionPoint& d) -> int {
        if (!j.contains(d.key))
            fail("decision point", d.key, fmt::format("missing (expected one of: {})", joined(d.behaviours)));
        const json& v = j[d.key];
        for (std::size_t i = 0; v.is_string() && i < d.behaviours.size(); ++i)
            if (d.behaviours[i] == v.get<std::string>()) return static_cast<int>(i);
        fail("decision point", d.key,
             fmt::format("unknown behaviour {} (expected one of: {})", shown(v), joined(d.behaviours)));
        return 0;
    };
    const auto& dp = decision_points();
    p.wp_reuse = static_cast<WpReuse>(pick(dp[0]));
    p.gup_read_pin = static_cast<GupRead>(pick(dp[1]));
    p.gup_read_get = static_cast<GupRead>(pick(dp[2]));
    p.fork = static_cast<ForkPresent>(pick(dp[3]));
    p.swap_out = static_cast<MayUnmap>(pick(dp[4]));
    p.migrate = static_cast<MayUnmap>(pick(dp[5]));
    p.swap_in = static_cast<SwapIn>(pick(dp[6]));
    p.mprotect = static_cast<MprotectUpgrade>(pick(dp[7]));
    p.clear_refs = static_cast<ClearRefs>(pick(dp[8]));
    p.odirect = static_cast<ODirect>(pick(dp[9]));
    if (p.models(Memory::thp)) {
        p.huge_pmd_write_fault = static_cast<HugePmdWp>(pick(dp[12]));
        p.large_folio_write_fault = static_cast<LargeFolioWp>(pick(dp[13]));
        p.collapse = static_cast<Collapse>(pick(dp[14]));
    } else {
        for (const char* key : {"huge_pmd_write_fault", "large_folio_write_fault", "collapse"})
            if (j.contains(key))
                fail("decision point", key, "given, but \"memory\" does not list thp");
    }
    if (p.models(Memory::hugetlb)) {
        p.hugetlb_fork = static_cast<ForkPresent>(pick(dp[10]));
        p.hugetlb_write_fault = static_cast<HugetlbWp>(pick(dp[11]));
    } else {
        for (const char* key : {"hugetlb_fork", "hugetlb_write_fault"})
            if (j.contains(key))
                fail("decision point", key, "given, but \"memory\" does not list hugetlb");
    }
    // Behaviours that read or write PageAnonExclusive need the flag.
    auto needs_flag = [&](bool uses, const char* key) {
        if (uses && !p.anon_exclusive)
            fail("decision point", key,
                 fmt::format("behaviour {} needs \"anon_exclusive\": true", shown(j[key])));
    };
    needs_flag(p.exclusive_entries, "exclusive_entries");
    needs_flag(p.wp_reuse == WpReuse::anon_exclusive, "write_fault");
    needs_flag(p.gup_read_pin == GupRead::unshare, "gup_read_pin");
    needs_flag(p.gup_read_get == GupRead::unshare, "gup_read_get");
    needs_flag(p.fork == ForkPresent::anon_exclusive, "fork");
    needs_flag(p.swap_in == SwapIn::anon_exclusive || p.swap_in == SwapIn::anon_exclusive_writable,
               "swap_in");
    needs_flag(p.mprotect == MprotectUpgrade::if_anon_exclusive, "mprotect");
    needs_flag(p.models(Memory::hugetlb) && p.hugetlb_fork == ForkPresent::anon_exclusive,
               "hugetlb_fork");
    needs_flag(p.models(Memory::thp) &&
                   p.huge_pmd_write_fault == HugePmdWp::anon_exclusive_split,
               "huge_pmd_write_fault");
    return p;
}

CowPolicy load_policy_file(const std::string& path) {
    return parse_policy(read_text_file(path), path);
}

nlohmann::ordered_json policy_to_json(const CowPolicy& p) {
    nlohmann::ordered_json j;
    j["name"] = p.name;
    j["summary"] = p.summary;
    j["anon_exclusive"] = p.anon_exclusive;
    j["exclusive_entries"] = p.exclusive_entries;
    j["write_fault"] = kWpReuse[static_cast<int>(p.wp_reuse)];
    j["gup_read_pin"] = kGupRead[static_cast<int>(p.gup_read_pin)];
    j["gup_read_get"] = kGupRead[static_cast<int>(p.gup_read_get)];
    j["fork"] = kFork[static_cast<int>(p.fork)];
    j["swap_out"] = kMayUnmap[static_cast<int>(p.swap_out)];
    j["migrate"] = kMayUnmap[static_cast<int>(p.migrate)];
    j["swap_in"] = kSwapIn[static_cast<int>(p.swap_in)];
    j["mprotect"] = kMprotect[static_cast<int>(p.mprotect)];
    j["clear_refs"] = kClearRefs[static_cast<int>(p.clear_refs)];
    j["odirect"] = kODirect[static_cast<int>(p.odirect)];
    j["memory"] = nlohmann::ordered_json::array();
    for (Memory m : {Memory::base, Memory::thp, Memory::hugetlb})
        if (p.models(m)) j["memory"].push_back(memory_name(m));
    if (p.models(Memory::hugetlb)) {
        j["hugetlb_fork"] = kFork[static_cast<int>(p.hugetlb_fork)];
        j["hugetlb_write_fault"] = kHugetlbWp[static_cast<int>(p.hugetlb_write_fault)];
    }
    if (p.models(Memory::thp)) {
        j["huge_pmd_write_fault"] = kHugePmdWp[static_cast<int>(p.huge_pmd_write_fault)];
        j["large_folio_write_fault"] = kLargeFolioWp[static_cast<int>(p.large_folio_write_fault)];
        j["collapse"] = kCollapse[static_cast<int>(p.collapse)];
    }
    return j;
}

}  // namespace cowpin
