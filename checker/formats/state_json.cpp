#include "checker/formats/state_json.hpp"

#include <fmt/format.h>

#include "checker/formats/json_input.hpp"

namespace cowpin {

using nlohmann::json;

std::string value_name(std::uint8_t v) { return v == kNone ? "none" : fmt::format("x{}", v); }

std::string_view handle_kind_name(HandleKind k) {
    switch (k) {
        case HandleKind::pin:
            return "pin";
        case HandleKind::short_pin:
            return "short_pin";
        case HandleKind::get:
            break;
    }
    return "get";
}

std::string_view migration_name(MigrationKind k) {
    switch (k) {
        case MigrationKind::writable:
            return "writable";
        case MigrationKind::readable_exclusive:
            return "readable_exclusive";
        case MigrationKind::readable:
            break;
    }
    return "readable";
}

namespace {

json opt(std::uint8_t x, const char* prefix) {
    return x == kNone ? json(nullptr) : json(fmt::format("{}{}", prefix, x));
}

json pte_json(const Pte& pte, bool exclusive_entries) {
    switch (pte.kind) {
        case PteKind::none:
            return json{{"pte", "none"}};
        case PteKind::present:
            return json{{"pte", "present"}, {"frame", pte.target}, {"writable", bool(pte.writable)}};
        case PteKind::swap: {
            json j{{"pte", "swap"}, {"slot", pte.target}};
            if (exclusive_entries) j["exclusive"] = bool(pte.swp_exclusive);
            return j;
        }
        case PteKind::migration:
            return json{{"pte", "migration"}, {"frame", pte.target},
                        {"kind", migration_name(pte.migration)}};
        case PteKind::pmd:  // the page's share of a PMD mapping of its THP
            return json{{"pte", "pmd"}, {"frame", pte.target}, {"writable", bool(pte.writable)}};
        case PteKind::pmd_migration:  // the page's share of a PMD migration entry
            return json{{"pte", "pmd_migration"}, {"frame", pte.target},
                        {"kind", migration_name(pte.migration)}};
    }
    return nullptr;
}

std::string cell_name(std::uint8_t cell) {
    if (cell == kNone) return "none";
    if (cell & kDetachedCell) return fmt::format("detached{}", cell & ~kDetachedCell);
    return fmt::format("P{} v{}", cell / kMaxPages, cell % kMaxPages);
}

}  // namespace

json state_to_json(const State& s, const CowModel& model) {
    const bool ae = model.policy().anon_exclusive;
    const Bounds& b = model.config().bounds;
    json procs = json::array();
    for (int p = 0; p < b.processes; ++p) {
        const Process& pr = s.procs[p];
        if (!pr.alive) continue;
        json ptes = json::object();
        for (int v = 0; v < b.pages; ++v) {
            json pte = pte_json(pr.pte[v], model.policy().exclusive_entries);
            pte["ideal"] = value_name(pr.ideal[v]);
            ptes[fmt::format("v{}", v)] = pte;
        }
        json proc{{"process", fmt::format("P{}", p)},
                  {"parent", opt(pr.parent, "P")},
                  {"has_pinned", bool(pr.has_pinned)}};
        if (pr.dontcopy) {  // MADV_DONTFORK: only when some page has it
            json pages = json::array();
            for (int v = 0; v < b.pages; ++v)
                if (pr.dontcopy >> v & 1) pages.push_back(fmt::format("v{}", v));
            proc["vm_dontcopy"] = pages;
        }
        proc["pages"] = ptes;
        procs.push_back(proc);
    }
    json frames = json::array();
    for (int f = 0; f < kMaxFrames; ++f) {
        const Frame& fr = s.frames[f];
        if (!fr.in_use) continue;
        json j{{"frame", f},         {"data", value_name(fr.data)}, {"mapcount", fr.mapcount},
               {"refcount", fr.refcount}, {"pins", fr.pins},        {"gets", fr.gets}};
        if (ae) j["anon_exclusive"] = bool(fr.anon_exclusive);
        j["swapcache"] = fr.swapcache == kNone ? json(nullptr) : json(fr.swapcache);
        j["isolated"] = bool(fr.isolated);
        if (fr.folio != kNone) j["folio"] = fr.folio;  // head page of its large folio
        frames.push_back(j);
    }
    json slots = json::array();
    for (int sl = 0; sl < kMaxSlots; ++sl) {
        const Slot& slot = s.slots[sl];
        if (!slot.in_use) continue;
        slots.push_back({{"slot", sl},
                         {"count", slot.count},
                         {"cache", slot.cache == kNone ? json(nullptr) : json(slot.cache)},
                         {"data", value_name(slot.data)}});
    }
    json handles = json::array();
    for (int h = 0; h < b.handles; ++h) {
        const Handle& hd = s.handles[h];
        if (!hd.in_use) continue;
        json j{{"handle", fmt::format("h{}", h)},
               {"kind", handle_kind_name(hd.kind)},
               {"access", hd.write ? "rw" : "ro"},
               {"owner", opt(hd.owner, "P")},
               {"vaddr", fmt::format("v{}", hd.vaddr)},
               {"frame", hd.frame},
               {"cell", hd.cell == kNone ? "attached" : fmt::format("detached{}", hd.cell)}};
        if (hd.cell != kNone) j["expect"] = value_name(hd.expect);
        if (hd.kind != HandleKind::pin) j["baseline"] = value_name(hd.baseline);
        handles.push_back(j);
    }
    json values = json::array();
    for (int v = 0; v < kMaxValues; ++v) {
        const Value& val = s.values[v];
        if (val.cell == kNone && val.writer == kNone) continue;
        values.push_back({{"value", value_name(static_cast<std::uint8_t>(v))},
                          {"writer", opt(val.writer, "P")},
                          {"cell", cell_name(val.cell)}});
    }
    json out{{"processes", procs}, {"frames", frames}, {"swap_slots", slots},
             {"handles", handles}, {"values", values}};
    if (model.config().scenario) {
        json pcs = json::object();
        for (int p = 0; p < kMaxProcs; ++p)
            if (!model.config().programs[p].empty())
                pcs[fmt::format("P{}", p)] =
                    s.program.started[p] ? json(s.program.pc[p]) : json(nullptr);
        out["program_counters"] = pcs;
    }
    return out;
}

json action_to_json(const Action& a) {
    json args = json::object();
    switch (a.op) {
        case Op::fork:
            args["child"] = fmt::format("P{}", a.arg);
            break;
        case Op::wait:
            args["process"] = fmt::format("P{}", a.arg);
            break;
        case Op::exit:
        case Op::mprotect_vma:
            break;
        case Op::pin:
        case Op::get:
            args["vaddr"] = fmt::format("v{}", a.arg);
            args["access"] = a.write() ? "rw" : "ro";
            args["handle"] = fmt::format("h{}", a.handle);
            break;
        case Op::vmsplice:
        case Op::odirect_read:
        case Op::odirect_write:
        case Op::iouring_fixed:
            args["vaddr"] = fmt::format("v{}", a.arg);
            args["handle"] = fmt::format("h{}", a.handle);
            break;
        case Op::unpin:
        case Op::dma_write:
            args["handle"] = fmt::format("h{}", a.handle);
            break;
        default:
            if (is_frame_op(a.op) && !a.from_program())
                args["frame"] = a.arg;
            else
                args["vaddr"] = fmt::format("v{}", a.arg);
    }
    json j{{"actor", a.proc == kNone ? (is_handle_op(a.op) ? "device" : "kernel")
                                     : fmt::format("P{}", a.proc)},
           {"action", op_name(a.op)},
           {"args", args}};
    if (a.from_program()) j["program_step"] = true;
    return j;
}

namespace {

// "P3" → 3 with prefix 'P'; nullopt if it is not a prefix and digits (never wrapped).
std::optional<int> parse_name(const json& j, char prefix) {
    if (!j.is_string()) return std::nullopt;
    const std::string s = j.get<std::string>();
    if (s.size() < 2 || s.size() > 4 || s[0] != prefix ||
        s.find_first_not_of("0123456789", 1) != std::string::npos)
        return std::nullopt;
    return std::stoi(s.substr(1));
}

// "P0..P1": the names below `count`.
std::string name_range(char prefix, int count) {
    return count == 1 ? fmt::format("{}0", prefix) : fmt::format("{}0..{}{}", prefix, prefix, count - 1);
}

}  // namespace

std::optional<Action> action_from_json(const json& j, const Bounds& bounds, ActionError& error) {
    auto fail = [&](std::string field, std::string message) -> std::optional<Action> {
        error = ActionError{std::move(field), std::move(message)};
        return std::nullopt;
    };
    if (!j.is_object() || !j.contains("action") || !j["action"].is_string() ||
        !j.contains("actor") || !j.contains("args") || !j["args"].is_object())
        return fail("", "a step needs 'actor', 'action' and 'args'");
    const std::optional<Op> op = parse_op(j["action"].get<std::string>());
    if (!op)
        return fail("action",
                    fmt::format("unknown action '{}'", quote_text(j["action"].get<std::string>())));
    Action a;
    a.op = *op;
    if (j.contains("program_step")) {
        if (j["program_step"] != true) return fail("program_step", "expected true, or no such field");
        a.flags |= kStepFlag;
    }
    const json& actor = j["actor"];
    const std::optional<int> proc = parse_name(actor, 'P');
    if (proc && *proc < bounds.processes) {
        a.proc = static_cast<std::uint8_t>(*proc);
    } else if (actor == (is_handle_op(a.op) ? "device" : "kernel")) {  // as action_to_json()
        a.proc = kNone;
    } else {
        return fail("actor", fmt::format("expected {} or {}, got {}", name_range('P', bounds.processes),
                                         is_handle_op(a.op) ? "device" : "kernel", actor.dump()));
    }
    const json& args = j["args"];
    // args.KEY names a process, page or handle below `count`.
    auto need = [&](const char* key, char prefix, int count, std::uint8_t& out) {
        const std::optional<int> n = args.contains(key) ? parse_name(args[key], prefix) : std::nullopt;
        if (n && *n < count) {
            out = static_cast<std::uint8_t>(*n);
            return true;
        }
        const std::string range = name_range(prefix, count);
        error = ActionError{fmt::format("args.{}", key),
                            args.contains(key)
                                ? fmt::format("expected {}, got {}", range, args[key].dump())
                                : fmt::format("missing (action '{}' names {})", op_name(a.op), range)};
        return false;
    };
    auto need_page = [&](std::uint8_t& out) { return need("vaddr", 'v', bounds.pages, out); };
    auto need_handle = [&](std::uint8_t& out) { return need("handle", 'h', bounds.handles, out); };
    switch (a.op) {
        case Op::fork:
            if (!need("child", 'P', bounds.processes, a.arg)) return std::nullopt;
            break;
        case Op::wait:
            if (!need("process", 'P', bounds.processes, a.arg)) return std::nullopt;
            break;
        case Op::exit:
        case Op::mprotect_vma:
            break;
        case Op::pin:
        case Op::get:
            if (!need_page(a.arg) || !need_handle(a.handle)) return std::nullopt;
            if (args.value("access", json()) == "rw")
                a.flags |= kWriteFlag;
            else if (args.value("access", json()) != "ro")
                return fail("args.access", fmt::format("expected \"ro\" or \"rw\", got {}",
                                                       args.value("access", json()).dump()));
            break;
        case Op::vmsplice:
        case Op::odirect_read:
        case Op::odirect_write:
        case Op::iouring_fixed:
            if (!need_page(a.arg) || !need_handle(a.handle)) return std::nullopt;
            if (gup_op_writes(a.op, false)) a.flags |= kWriteFlag;
            break;
        case Op::unpin:
        case Op::dma_write:
            if (!need_handle(a.handle)) return std::nullopt;
            break;
        default:
            if (is_frame_op(a.op) && !a.from_program()) {
                const json frame = args.value("frame", json());
                // get<std::uint64_t>(): 4294967296 is not frame 0.
                if (!frame.is_number_unsigned() || frame.get<std::uint64_t>() >= kMaxFrames)
                    return fail("args.frame",
                                fmt::format("expected a frame 0..{}, got {}", kMaxFrames - 1,
                                            frame.is_null() ? std::string("none") : frame.dump()));
                a.arg = static_cast<std::uint8_t>(frame.get<std::uint64_t>());
            } else if (!need_page(a.arg)) {
                return std::nullopt;
            }
    }
    return a;
}

std::optional<Action> action_from_json(const json& j, std::string& error) {
    ActionError e;
    const std::optional<Action> a =
        action_from_json(j, Bounds{kMaxProcs, kMaxPages, kMaxHandles, kMaxSlots, 0}, e);
    if (!a) error = e.field.empty() ? e.message : fmt::format("field '{}': {}", e.field, e.message);
    return a;
}

}  // namespace cowpin
