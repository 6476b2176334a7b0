#include "checker/kernel/reproduce.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <sys/wait.h>

#include <cerrno>
#include <csignal>

#include <fmt/format.h>

#include "checker/kernel/controller_runtime.hpp"
#include "checker/kernel/machine.hpp"
#include "checker/kernel/page_state.hpp"
#include "checker/kernel/page_state_runtime.hpp"
#include "checker/kernel/reproduce_runtime.hpp"
#include "model/syscalls.hpp"

namespace cowpin {

namespace fs = std::filesystem;

namespace {

void dfs(const CowModel& model, const State& s, std::vector<Action>& path,
         std::vector<Interleaving>& out, std::size_t limit) {
    if (out.size() >= limit) return;
    if (model.complete(s)) {
        out.push_back(Interleaving{path});
        return;
    }
    std::vector<Action> actions;
    model.actions(s, actions);
    for (const Action& a : actions) {
        if (!a.from_program()) continue;
        State next = s;
        if (!model.step(next, a)) continue;
        path.push_back(a);
        dfs(model, next, path, out, limit);
        path.pop_back();
    }
}

// The runtime's command for a step, or nullptr for a step with no C equivalent (why_not_
// reproducible() says why for each of those).
const char* c_op(Op op) {
    switch (op) {
        case Op::fork: return "OP_FORK";
        case Op::exit: return "OP_EXIT";
        case Op::write: return "OP_WRITE";
        case Op::read: return "OP_READ";
        case Op::mprotect: return "OP_MPROTECT";
        case Op::clear_refs: return "OP_CLEAR_REFS";
        case Op::uffd_wp: return "OP_UFFD_WP";
        case Op::munmap: return "OP_MUNMAP";
        case Op::pin:
        case Op::iouring_fixed: return "OP_PIN";
        case Op::get:
        case Op::vmsplice: return "OP_GET";
        case Op::unpin: return "OP_UNPIN";
        case Op::dma_write: return "OP_DMA_WRITE";
        case Op::swap_out: return "OP_SWAP_OUT";
        case Op::wait: return "OP_WAIT";
        case Op::dontfork: return "OP_DONTFORK";
        case Op::dofork: return "OP_DOFORK";
        case Op::mprotect_vma: return "OP_MPROTECT_VMA";
        case Op::split_pmd: return "OP_SPLIT_PMD";
        case Op::split_folio: return "OP_SPLIT_FOLIO";
        case Op::collapse: return "OP_COLLAPSE";
        default: return nullptr;
    }
}


constexpr std::uint64_t kInitialMarker = 0xC0C0000000000000ull;
constexpr std::uint64_t kStepMarker = 0x5EED000000000000ull;

}  // namespace

std::string c_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::vector<Interleaving> interleavings(const Spec& spec, const CowPolicy& policy,
                                        std::size_t limit) {
    std::vector<Interleaving> out;
    if (!spec.scenario) return out;
    const CowModel model(spec.model_config(policy));
    std::vector<Action> path;
    dfs(model, model.initial(), path, out, limit);
    return out;
}

std::vector<std::size_t> sample_indices(std::size_t count, std::size_t n) {
    std::vector<std::size_t> all(count);
    for (std::size_t i = 0; i < count; ++i) all[i] = i;
    if (count <= n) return all;
    std::mt19937 rng(0x5eed);  // fixed: the same sample every run
    std::shuffle(all.begin(), all.end(), rng);
    all.resize(n);
    std::sort(all.begin(), all.end());
    return all;
}

std::string describe(const Interleaving& il) {
    std::string out;
    for (const Action& a : il.steps) out += (out.empty() ? "" : ", ") + format_action(a);
    return out;
}

bool runs_on_mthp(const Spec& spec) {
    return spec.memory == Memory::thp && spec.bounds.pages == kMaxPages;
}

std::optional<std::string> why_not_reproducible(const Spec& spec, const CowPolicy& policy,
                                                const Interleaving& il) {
    if (!spec.scenario) return "an exhaustive spec has no single interleaving to run";
    if (spec.environment)
        return "environment actions (the kernel's own swap-out, reclaim, migration at any time) "
               "have no deterministic userspace trigger";
    const CowModel model(spec.model_config(policy));
    State s = model.initial();
    for (const Action& a : il.steps) {
        const Handle& h = s.handles[a.handle == kNone ? 0 : a.handle];
        switch (a.op) {
            case Op::migrate_start:
            case Op::migrate_finish:
                return "migration has no userspace trigger that isolates and moves a page at a "
                       "chosen step";
            case Op::reclaim:
                return "reclaim of a swapcache page has no userspace trigger";
            case Op::pin:
                if (!a.write())
                    return "a R/O longterm pin needs gup_test (CONFIG_GUP_TEST) or a driver that "
                           "takes one (RDMA, iommufd, VFIO, vhost-vdpa, V4L2 USERPTR: "
                           "docs/evidence/kernel-differential.md); io_uring fixed buffers and "
                           "AF_XDP always pin with FOLL_WRITE";
                break;
            case Op::get:
                if (a.write())
                    return "a R/W get is an O_DIRECT read, which completes when the kernel "
                           "decides: its reference cannot be held to a chosen step";
                break;
            case Op::odirect_read:
            case Op::odirect_write:
                return "O_DIRECT completes when the kernel decides: its reference cannot be held "
                       "to a chosen step";
            case Op::collapse:
                if (runs_on_mthp(spec))
                    return "MADV_COLLAPSE collapses PMD-sized THPs only (madvise_collapse()): no "
                           "userspace call collapses four base pages into a 16 kB mTHP";
                break;
            case Op::clear_refs:
                if (spec.bounds.pages > 1)
                    return "clear_refs write-protects the whole process, the model one page";
                break;
            case Op::unpin:
            case Op::dma_write:
                if (h.owner != a.proc)
                    return "io_uring rings and vmsplice pipes belong to the process that "
                           "created them; another process cannot release or use them";
                break;
            case Op::exit:
                for (const Handle& o : s.handles)
                    if (o.in_use && o.owner == a.proc)
                        return "the kernel closes a process's io_uring rings and pipes at exit, "
                               "dropping the reference the model keeps";
                break;
            default:
                break;
        }
        if (!c_op(a.op)) return fmt::format("{} has no userspace equivalent", op_name(a.op));
        if (!model.step(s, a)) return "the interleaving does not replay through the model";
    }
    return std::nullopt;
}

std::string emit_program(const Spec& spec, const CowPolicy& policy, const Interleaving& il,
                         std::size_t index, std::size_t count) {
    const CowModel model(spec.model_config(policy));
    const Bounds& b = spec.bounds;
    State s = model.initial();
    std::map<std::uint8_t, std::uint64_t> marker;  // live value id → its marker
    std::vector<std::string> initial;
    for (int v = 0; v < b.pages; ++v) {
        marker[s.procs[0].ideal[v]] = kInitialMarker + static_cast<std::uint64_t>(v);
        initial.push_back(fmt::format("{:#x}ULL", kInitialMarker + static_cast<std::uint64_t>(v)));
    }
    std::vector<std::string> steps, obs;
    PageStatePlan page_state(model, spec.memory, runs_on_mthp(spec));
    page_state.initial(s);
    // Observations after step i: what each live process reads at each present page, whether a
    // swapped page is swapped, and what each pin's device sees.
    auto observe = [&](std::size_t i, const std::string& after) {
        for (int p = 0; p < b.processes; ++p) {
            if (!s.procs[p].alive) continue;
            for (int v = 0; v < b.pages; ++v) {
                const Pte& pte = s.procs[p].pte[v];
                if (pte.kind == PteKind::present || pte.kind == PteKind::migration)
                    obs.push_back(fmt::format(
                        "\t{{ {}, {}, OP_CHECK_PAGE, {}, 0, {:#x}ULL, {} }},", i, p, v,
                        marker.at(view(s, p, v)),
                        c_string(fmt::format("{}: P{} v{} reads {}", after, p, v,
                                             fmt::format("{:#x}", marker.at(view(s, p, v)))))));
                else if (pte.kind == PteKind::swap)
                    obs.push_back(fmt::format(
                        "\t{{ {}, {}, OP_CHECK_SWAPPED, {}, 0, 1, {} }},", i, p, v,
                        c_string(fmt::format("{}: P{} v{} is swapped out", after, p, v))));
            }
        }
        for (int h = 0; h < b.handles; ++h) {
            const Handle& hd = s.handles[h];
            if (!hd.in_use || hd.kind != HandleKind::pin || hd.owner == kNone) continue;
            const std::uint64_t m = marker.at(s.frames[hd.frame].data);
            obs.push_back(fmt::format(
                "\t{{ {}, {}, OP_CHECK_PIN, {}, {}, {:#x}ULL, {} }},", i, hd.owner, hd.vaddr, h, m,
                c_string(fmt::format("{}: the device sees {:#x} through pin h{}", after, m, h))));
        }
    };
    auto add_step = [&](const Action& a, std::uint64_t m, int arg) {
        steps.push_back(fmt::format("\t{{ {}, {{ {}, {}, {}, {}, {:#x}ULL }}, {} }},", a.proc,
                                    c_op(a.op), is_page_op(a.op) ? a.arg : 0,
                                    a.handle == kNone ? 0 : a.handle, arg, m,
                                    c_string(format_action(a))));
    };
    for (std::size_t i = 0; i < il.steps.size(); ++i) {
        const Action& a = il.steps[i];
        const std::string after = fmt::format("after step {} ({})", i + 1, format_action(a));
        std::uint64_t m = 0;
        int arg = 0;
        std::optional<std::uint64_t> device_read;  // a get's view, read as it is released
        if (a.op == Op::unpin && s.handles[a.handle].kind == HandleKind::get) {
            arg = 1;
            device_read = marker.at(s.frames[s.handles[a.handle].frame].data);
        }
        if (a.op == Op::fork) arg = a.arg;
        if (a.op == Op::dma_write) arg = s.handles[a.handle].vaddr;
        StepEffects fx;
        if (!model.step(s, a, &fx)) throw std::logic_error("interleaving does not replay");
        // MADV_PAGEOUT: whether the model swaps the page out (arg 1) or the kernel must leave
        // it present (arg 0: a refused call, which the program checks rather than skips).
        if (a.op == Op::swap_out) arg = fx.noop == NoOp::none;
        if (a.op == Op::write) {
            m = kStepMarker + i + 1;
            marker[s.procs[a.proc].ideal[a.arg]] = m;
        }
        if (a.op == Op::dma_write) {
            m = kStepMarker + i + 1;
            marker[s.frames[s.handles[a.handle].frame].data] = m;
        }
        add_step(a, m, arg);
        if (a.op == Op::swap_out && fx.noop != NoOp::none)
            obs.push_back(fmt::format(
                "\t{{ {}, {}, OP_CHECK_SWAPPED, {}, 0, 0, {} }},", i, a.proc, a.arg,
                c_string(fmt::format("{}: P{} v{} is not swapped out ({})", after, a.proc, a.arg,
                                     noop_reason(fx.noop)))));
        if (device_read)
            obs.push_back(fmt::format(
                "\t{{ {}, {}, OP_UNPIN, 0, {}, {:#x}ULL, {} }},", i, a.proc, a.handle, *device_read,
                c_string(fmt::format("{}: the device read {:#x} through get h{}", after,
                                     *device_read, a.handle))));
        if (a.op == Op::read)
            obs.push_back(fmt::format(
                "\t{{ {}, {}, OP_READ, {}, 0, {:#x}ULL, {} }},", i, a.proc, a.arg,
                marker.at(view(s, a.proc, a.arg)),
                c_string(fmt::format("{}: P{} v{} reads {:#x}", after, a.proc, a.arg,
                                     marker.at(view(s, a.proc, a.arg))))));
        page_state.after(static_cast<int>(i), s, after);
        observe(i, after);
    }
    // At the end the device reads every get still held (it is released as it is read).
    for (int h = 0; h < b.handles; ++h) {
        const Handle hd = s.handles[h];
        if (!hd.in_use || hd.kind != HandleKind::get || hd.owner == kNone) continue;
        const Action a{Op::unpin, hd.owner, 0, static_cast<std::uint8_t>(h), kStepFlag};
        const std::uint64_t m = marker.at(s.frames[hd.frame].data);
        const std::size_t i = steps.size();
        add_step(a, 0, 1);
        obs.push_back(fmt::format(
            "\t{{ {}, {}, OP_UNPIN, 0, {}, {:#x}ULL, {} }},", i, hd.owner, h, m,
            c_string(fmt::format("at the end: the device reads {:#x} through get h{}", m, h))));
    }

    std::ostringstream out;
    out << fmt::format(
        "/*\n * cowpin reproduce: {} under {}, interleaving {} of {}:\n *   {}\n *\n"
        " * Generated by cowpin {}. Each KTAP line compares the kernel with the model's "
        "prediction.\n * Build: cc -Wall -Werror -O1 prog.c -o prog -luring; run as root.\n */\n",
        spec.name, policy.name, index, count, describe(il), COWPIN_VERSION);
    if (spec.memory == Memory::hugetlb)  // one model page is one 2 MiB huge page
        out << "#define PAGE (2UL << 20)\n"
               "#define MAP_MEMORY (MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB)\n";
    if (runs_on_mthp(spec))  // the model's 4 pages are one 16 kB mTHP, its VMA exactly
        out << "#define THP 1\n#define MTHP 1\n";
    else if (spec.memory == Memory::thp)  // the model's pages: the first of a 2 MiB THP
        out << "#define THP 1\n";
    out << fmt::format("#define NPROCS {}\n#define NPAGES {}\n#define NHANDLES {}\n", b.processes,
                       b.pages, std::max(1, b.handles));
    out << fmt::format("#define NSTEPS {}\n#define NOBS {}\n", steps.size(), obs.size());
    out << kReproduceRuntime << kPageStateTypes;
    out << "static const uint64_t initial_marker[NPAGES] = { ";
    for (const std::string& m : initial) out << m << ", ";
    out << "};\n\nstatic const struct step steps[NSTEPS] = {\n";
    for (const std::string& l : steps) out << l << '\n';
    out << "};\n\nstatic const struct observation obs[NOBS > 0 ? NOBS : 1] = {\n";
    for (const std::string& l : obs) out << l << '\n';
    out << "};\n\n" << page_state.c_tables() << kPageStateChecks;
    out << kReproduceRuntimeTail << kControllerRuntime;
    return out.str();
}


}  // namespace cowpin
