#include "checker/run/replay.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "checker/formats/json_input.hpp"
#include "checker/formats/policy_json.hpp"
#include "checker/formats/state_json.hpp"
#include "checker/formats/trace_json.hpp"
#include "checker/run/copies.hpp"
#include "checker/run/stuck.hpp"
#include "checker/run/trace.hpp"
#include "model/syscalls.hpp"

namespace cowpin {

using nlohmann::json;

namespace {

[[noreturn]] void bad(const std::string& path, const std::string& field, const std::string& what) {
    throw SpecError(fmt::format("{}: field '{}': {}", path, field, what));
}

// What a replay reads from the trace and checks before the model runs: every failure here is
// malformed input (SpecError, exit 2), so a trace is never half-replayed into a divergence.
struct Prepared {
    json t;
    std::string notes;
    Spec spec;
    CowPolicy policy;
    std::string policy_source;  // "the built-in policy linux-5.7", for messages
    Bounds bounds;
    std::optional<Inv> inv;  // kind "violation"
    std::vector<Action> actions;
};

// The spec the trace carries, or --spec FILE; never a path the trace names.
Spec trace_spec(Prepared& p, const std::string& path, const std::optional<std::string>& spec_file,
                const std::vector<std::string>& policy_names) {
    if (spec_file) {
        Spec spec = load_spec(*spec_file, policy_names);
        if (p.t["spec"]["sha256"] != spec.sha256)
            p.notes += fmt::format("note: {} has changed since the trace was written (sha256 "
                                   "differs)\n", spec.path);
        return spec;
    }
    if (!p.t["spec"].contains("content"))
        bad(path, "version",
            fmt::format("{} is a trace of cowpin before traces carried their spec: replay it with "
                        "--spec FILE, or regenerate it with cowpin check",
                        p.t["version"].dump()));
    return parse_spec(p.t["spec"]["content"].dump(2), path + " (spec.content)", policy_names);
}

// A policy file given for the trace's policy, else the built-in of its name, else the decisions
// the trace records.
void trace_policy(Prepared& p, const std::string& path, const std::vector<CowPolicy>& files) {
    const std::string name = p.t["policy"].get<std::string>();
    std::optional<CowPolicy> recorded;
    if (p.t.contains("policy_decisions")) {
        json decisions = p.t["policy_decisions"];
        decisions["name"] = name;
        recorded = parse_policy(decisions.dump(), path + " (policy_decisions)");
        recorded->summary = name;
    }
    for (const CowPolicy& f : files)
        if (f.name == name) {
            p.policy = f;
            p.policy_source = "the policy file of " + name;
            return;
        }
    if (const CowPolicy* builtin = find_policy(name)) {
        p.policy = *builtin;
        p.policy_source = "the built-in policy " + name;
        return;
    }
    if (!recorded)
        bad(path, "policy",
            fmt::format("unknown policy '{}' (give its --policy-file)", quote_text(name)));
    p.policy = *recorded;
    p.policy_source = "the recorded decisions";
}

// The run's bounds, within the build's capacities, and fitting the spec's programs (as
// `check --bound` would have them).
void trace_bounds(Prepared& p, const std::string& path) {
    struct Row {
        const char* key;
        int lo, hi;
        int Bounds::*field;
    };
    const Row rows[] = {{"processes", 1, kMaxProcs, &Bounds::processes},
                        {"pages", 1, kMaxPages, &Bounds::pages},
                        {"handles", 0, kMaxHandles, &Bounds::handles},
                        {"swap_slots", 0, kMaxSlots, &Bounds::swap_slots},
                        {"depth", 0, 10000, &Bounds::depth}};
    const json& b = p.t["bounds"];
    p.bounds.depth = 0;
    for (const Row& row : rows) {
        if (!b.contains(row.key)) continue;  // depth (the shape check wants the others)
        const std::uint64_t v = b[row.key].get<std::uint64_t>();
        if (v < std::uint64_t(row.lo) || v > std::uint64_t(row.hi))
            bad(path, fmt::format("bounds.{}", row.key),
                fmt::format("expected an integer {}..{}, got {}", row.lo, row.hi, v));
        p.bounds.*row.field = static_cast<int>(v);
    }
    RunOptions options;
    options.bounds = p.bounds;
    try {
        run_config(p.spec, p.policy, options);
    } catch (const SpecError& e) {  // "SPEC: bounds 1/1/1/1 no longer fit step 'fork P1' of P0"
        const std::string what = e.what();
        bad(path, "bounds", what.substr(std::min(what.size(), p.spec.path.size() + 2)));
    }
}

Inv known_invariant(const json& name, const std::string& path, const std::string& field) {
    const std::optional<Inv> inv = find_invariant(name.get<std::string>());
    if (!inv)
        bad(path, field, fmt::format("unknown invariant '{}' (expected one of: {})",
                                     quote_text(name.get<std::string>()), invariant_names()));
    return *inv;
}

Prepared prepare(const std::string& path, const std::optional<std::string>& spec_file,
                 const std::vector<CowPolicy>& policy_files) {
    Prepared p;
    p.t = load_trace(path);
    std::vector<std::string> names;  // the policies the spec may name besides the built-ins
    for (const CowPolicy& f : policy_files) names.push_back(f.name);
    names.push_back(p.t["policy"].get<std::string>());
    p.spec = trace_spec(p, path, spec_file, names);
    trace_policy(p, path, policy_files);
    trace_bounds(p, path);
    if (p.t["kind"] == "violation") {
        p.inv = known_invariant(p.t["invariant"], path, "invariant");
        known_invariant(p.t["violation"]["invariant"], path, "violation.invariant");
    }
    if (p.t.contains("already_violated"))
        for (std::size_t i = 0; i < p.t["already_violated"].size(); ++i)
            known_invariant(p.t["already_violated"][i]["invariant"], path,
                            fmt::format("already_violated[{}].invariant", i));
    const json& steps = p.t["steps"];
    for (std::size_t i = 0; i < steps.size(); ++i) {
        ActionError error;
        const std::optional<Action> a = action_from_json(steps[i], p.bounds, error);
        if (!a)
            bad(path, fmt::format("steps[{}]{}", i, error.field.empty() ? "" : "." + error.field),
                error.message);
        p.actions.push_back(*a);
    }
    return p;
}

// Re-derives the trace from p.spec, p.policy, p.bounds and p.actions, field by field in the
// order replay.hpp gives; the first difference is the divergence (exit 1).
class Replay {
public:
    explicit Replay(const Prepared& p)
        : p_(p), t_(p.t), model_(bounded(p.spec.model_config(p.policy), p.bounds)) {}

    ReplayOutcome run() {
        if (auto d = header()) return diverged(*d);
        State s = model_.initial();
        json prev = state_to_json(s, model_);
        if (auto d = first_difference(t_["initial_state"], prev, "initial_state"))
            return diverged("diverges at step 0: the initial state differs from the trace's: " + *d);
        states_.push_back(s);
        for (std::size_t i = 0; i < p_.actions.size(); ++i)
            if (auto d = step(i, s, prev)) return diverged(*d);
        if (auto d = ending(s)) return diverged(*d);
        if (auto d = summary()) return diverged("diverges at the end: " + *d);
        auto path = std::make_shared<ReplayedPath>(
            ReplayedPath{p_.spec, p_.policy, p_.bounds, p_.actions, states_});
        return {0, p_.notes, reproduced(s), decisions_, std::move(path)};
    }

private:
    static ModelConfig bounded(ModelConfig c, const Bounds& b) {
        c.bounds = b;
        return c;
    }
    ReplayOutcome diverged(const std::string& message) const { return {1, p_.notes, message, {}}; }
    std::size_t steps() const { return p_.actions.size(); }
    std::string_view inv_name() const { return invariant_table()[static_cast<int>(*p_.inv)].name; }

    // What the spec and the policy determine before the first step.
    std::optional<std::string> header() const {
        if (auto d = first_difference(t_["spec"]["name"], p_.spec.name, "spec.name"))
            return "diverges: " + *d;
        if (auto d = first_difference(t_["memory"], std::string(memory_name(p_.spec.memory)), "memory"))
            return "diverges: " + *d;
        if (t_.contains("policy_decisions"))
            if (auto d = decisions_difference(t_["policy_decisions"]))
                return fmt::format("diverges: the trace's decisions are not those of {}: {}",
                                   p_.policy_source, *d);
        if (const std::string why = p_.spec.refusal(p_.policy); !why.empty())
            return "diverges: " + why;
        if (p_.inv && !model_.checks(static_cast<int>(*p_.inv)))
            return fmt::format("diverges: field 'invariant': the spec does not check {}", inv_name());
        if (p_.bounds.depth && steps() > static_cast<std::size_t>(p_.bounds.depth))
            return fmt::format("diverges: field 'bounds.depth': the trace has {} steps, more than "
                               "its depth bound {}", steps(), p_.bounds.depth);
        return std::nullopt;
    }

    // The recorded decisions against the policy's, in the order of a policy file (the flags,
    // then the decision points as MODEL.md lists them), then anything else.
    std::optional<std::string> decisions_difference(const json& given) const {
        const nlohmann::ordered_json mine = policy_to_json(p_.policy);
        for (auto it = mine.begin(); it != mine.end(); ++it)
            if (it.key() != "name" && it.key() != "summary" && given.contains(it.key()))
                if (auto d = first_difference(given[it.key()], json::parse(it.value().dump()),
                                              "policy_decisions." + it.key()))
                    return d;
        return first_difference(given, policy_decisions_json(p_.policy), "policy_decisions");
    }

    // Step i + 1 from `s` (the state after step i, `prev` its JSON); advances both.
    std::optional<std::string> step(std::size_t i, State& s, json& prev) {
        const json& given = t_["steps"][i];
        const Action& a = p_.actions[i];
        const std::size_t index = i + 1;
        const std::string field = fmt::format("steps[{}]", i);
        if (given["index"] != index)
            return fmt::format("diverges at step {}: the trace numbers it {}", index,
                               given["index"].dump());
        std::vector<Action> enabled;
        model_.actions(s, enabled);
        State next = s;
        StepEffects fx;
        if (std::find(enabled.begin(), enabled.end(), a) == enabled.end() ||
            !model_.step(next, a, &fx))
            return fmt::format("diverges at step {}: {} is not enabled", index, format_action(a));
        json state = state_to_json(next, model_);
        const json derived = step_json(index, a, fx, prev, state);
        const std::string text = format_action(a);
        auto at = [&](const std::string& what) { return fmt::format("diverges at step {}: {}", index, what); };
        if (auto d = first_difference(given["text"], derived["text"], field + ".text")) return at(*d);
        if (auto d = first_difference(given["state"], state, field + ".state"))
            return at(fmt::format("{} leads to a different state than the trace records: {}", text, *d));
        if (auto d = first_difference(given["changes"], derived["changes"], field + ".changes"))
            return at(fmt::format("the recorded changes are not what {} changes: {}", text, *d));
        if (given.contains("noop") && !derived.contains("noop"))
            return at(text + " changes the state; the trace says it had no effect");
        if (!given.contains("noop") && derived.contains("noop"))
            return at(fmt::format("{} has no effect ({}); the trace does not say so", text,
                                  derived["noop"].get<std::string>()));
        if (auto d = first_difference(given, derived, field)) return at(*d);
        if (p_.inv && index < steps() && !model_.invariant_holds(next, static_cast<int>(*p_.inv)))
            return at(fmt::format("{} is already violated after it; the trace goes on to step {}",
                                  inv_name(), steps()));
        decisions_.push_back(fx.decisions);
        last_effects_ = fx;
        s = next;
        states_.push_back(s);
        prev = std::move(state);
        return std::nullopt;
    }

    // The last state is what the trace's kind says.
    std::optional<std::string> ending(const State& s) {
        const std::string& kind = t_["kind"].get_ref<const std::string&>();
        if (kind == "stuck") {
            State canonical = s;
            model_.canonicalize_state(canonical);
            if (model_.complete(s) || !cannot_complete(model_, canonical))
                return fmt::format("diverges at the end: after {} steps an execution can still "
                                   "end every program", steps());
            message_ = stuck_message(model_, s);
        } else if (kind == "needless_copy") {
            if (steps() == 0 || last_effects_.needless == 0)
                return fmt::format("diverges at the end: step {} makes no needless copy", steps());
            message_ = needless_copy_message(p_.actions.back());
        } else {
            if (model_.invariant_holds(s, static_cast<int>(*p_.inv)))
                return fmt::format("diverges at the end: after {} steps {} holds", steps(), inv_name());
            message_ = violation_message(s, *p_.inv, p_.policy);
        }
        if (t_["message"] != message_)  // the derived message whole: it is the news
            return fmt::format("diverges at the end: field 'message' is {} in the trace; replay "
                               "derives {}", quote_excerpt(t_["message"].dump()), json(message_).dump());
        return std::nullopt;
    }

    // The rest of what counterexample_json() writes for this path.
    std::optional<std::string> summary() const {
        Counterexample cx;
        const std::string& kind = t_["kind"].get_ref<const std::string&>();
        cx.kind = kind == "stuck" ? TraceKind::stuck
                  : kind == "needless_copy" ? TraceKind::needless_copy
                                            : TraceKind::violation;
        if (p_.inv) cx.invariant = *p_.inv;
        cx.message = message_;
        cx.states = states_;
        cx.actions = p_.actions;
        if (cx.kind != TraceKind::needless_copy)
            note_earlier(model_, cx, p_.inv ? static_cast<int>(*p_.inv) : -1);
        RunResult r;
        r.spec = &p_.spec;
        r.policy = &p_.policy;
        r.bounds = p_.bounds;
        const json derived = counterexample_json(r, cx, t_["spec"]["path"].get<std::string>());
        for (const char* key : {"already_violated", "violation", "needless_copy", "stuck"})
            if (auto d = first_difference(t_.value(key, json()), derived.value(key, json()), key))
                return d;
        return std::nullopt;
    }

    std::string reproduced(const State& s) const {
        const std::string& kind = t_["kind"].get_ref<const std::string&>();
        if (kind == "stuck")
            return fmt::format("reproduced: stuck after {} steps: {}", steps(), stuck_message(model_, s));
        if (kind == "needless_copy")
            return fmt::format("reproduced: a needless copy at step {}: {}", steps(), message_);
        return fmt::format("reproduced: {} violated after {} steps: {}", inv_name(), steps(), message_);
    }

    const Prepared& p_;
    const json& t_;
    CowModel model_;
    std::vector<State> states_;  // states_[0] initial, states_[i] after step i
    std::vector<std::uint32_t> decisions_;
    StepEffects last_effects_;  // of the last step (a needless copy?)
    std::string message_;  // the ending's message, as the model derives it
};

}  // namespace

ModelConfig ReplayedPath::config() const {
    ModelConfig c = spec.model_config(policy);
    c.bounds = bounds;
    return c;
}

ReplayOutcome replay_trace(const std::string& trace_path, const std::optional<std::string>& spec_file,
                           const std::vector<CowPolicy>& policy_files) {
    Prepared p;
    try {
        p = prepare(trace_path, spec_file, policy_files);
    } catch (const SpecError& e) {
        return {2, "", e.what(), {}};
    }
    return Replay(p).run();
}

}  // namespace cowpin
