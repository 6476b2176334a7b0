#include "checker/formats/state_json.hpp"

#include <fmt/format.h>

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

namespace {

json opt(std::uint8_t x, const char* prefix) {
    return x == kNone ? json(nullptr) : json(fmt::format("{}{}", prefix, x));
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

bool parse_name(const json& j, char prefix, std::uint8_t& out) {
    if (!j.is_string()) return false;
    const std::string s = j.get<std::string>();
    if (s.size() < 2 || s[0] != prefix) return false;
    int n = 0;
    for (std::size_t i = 1; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        n = n * 10 + (s[i] - '0');
        if (n > 200) return false;
    }
    out = static_cast<std::uint8_t>(n);
    return true;
}

}  // namespace

std::optional<Action> action_from_json(const json& j, std::string& error) {
    if (!j.is_object() || !j.contains("action") || !j["action"].is_string() ||
        !j.contains("actor") || !j.contains("args") || !j["args"].is_object()) {
        error = "a step needs 'actor', 'action' and 'args'";
        return std::nullopt;
    }
    const std::optional<Op> op = parse_op(j["action"].get<std::string>());
    if (!op) {
        error = fmt::format("unknown action '{}'", j["action"].get<std::string>());
        return std::nullopt;
    }
    Action a;
    a.op = *op;
    if (j.value("program_step", false)) a.flags |= kStepFlag;
    const json& actor = j["actor"];
    if (!parse_name(actor, 'P', a.proc)) {
        if (actor != "kernel" && actor != "device") {
            error = fmt::format("actor must be Pn, kernel or device, not {}", actor.dump());
            return std::nullopt;
        }
        a.proc = kNone;
    }
    const json& args = j["args"];
    auto need = [&](const char* key, char prefix, std::uint8_t& out) {
        if (args.contains(key) && parse_name(args[key], prefix, out)) return true;
        error = fmt::format("action '{}' needs args.{} of the form {}N", op_name(a.op), key, prefix);
        return false;
    };
    switch (a.op) {
        case Op::fork:
            if (!need("child", 'P', a.arg)) return std::nullopt;
            break;
        case Op::wait:
            if (!need("process", 'P', a.arg)) return std::nullopt;
            break;
        case Op::exit:
        case Op::mprotect_vma:
            break;
        case Op::pin:
        case Op::get:
            if (!need("vaddr", 'v', a.arg) || !need("handle", 'h', a.handle)) return std::nullopt;
            if (args.value("access", "") == "rw")
                a.flags |= kWriteFlag;
            else if (args.value("access", "") != "ro") {
                error = "pin/get needs args.access ro or rw";
                return std::nullopt;
            }
            break;
        case Op::vmsplice:
        case Op::odirect_read:
        case Op::odirect_write:
        case Op::iouring_fixed:
            if (!need("vaddr", 'v', a.arg) || !need("handle", 'h', a.handle)) return std::nullopt;
            if (gup_op_writes(a.op, false)) a.flags |= kWriteFlag;
            break;
        case Op::unpin:
        case Op::dma_write:
            if (!need("handle", 'h', a.handle)) return std::nullopt;
            break;
        default:
            if (is_frame_op(a.op) && !a.from_program()) {
                if (!args.contains("frame") || !args["frame"].is_number_unsigned() ||
                    args["frame"].get<unsigned>() >= kMaxFrames) {
                    error = fmt::format("action '{}' needs args.frame", op_name(a.op));
                    return std::nullopt;
                }
                a.arg = static_cast<std::uint8_t>(args["frame"].get<unsigned>());
            } else if (!need("vaddr", 'v', a.arg)) {
                return std::nullopt;
            }
    }
    return a;
}

}  // namespace cowpin
