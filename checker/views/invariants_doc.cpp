#include "checker/views/invariants_doc.hpp"

#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace cowpin {

// One case per invariant and no default: a new one is a compiler warning here.
std::string_view invariant_prose(Inv inv) {
    switch (inv) {
        case Inv::refcounts_consistent:
            return "Every count matches its definition: a frame's mapcount is the present PTEs "
                   "and PMDs that map it, its pins and gets are the handles that hold it, and "
                   "its refcount is mapcount + PMD references + swapcache + gets + pins + "
                   "isolation; a swap slot's count is the swap entries that name it. Nothing "
                   "names a freed frame or slot, nothing allocated is unreachable, an exited "
                   "process has no entry and owns no handle, and PageAnonExclusive and the swap "
                   "exclusive bit appear only under a policy that has them. Checked first, as "
                   "TypeOK is in a TLA+ spec: a violation is a bug of the model, not of a policy.";
        case Inv::pinned_exclusive:
            return "A frame a longterm pin holds is mapped by no entry but the pin owner's at "
                   "the pinned address (present and migration entries naming it, and swap entries "
                   "of the slot it caches, all count); an orphaned pin allows none. This is "
                   "Copy-on-Pin's \"pinned and COW-shared pages are mutually exclusive\".";
        case Inv::writable_exclusive:
            return "A frame that a writable PTE or PMD maps is named by no other entry.";
        case Inv::anon_exclusive_sound:
            return "Under a policy with PG_anon_exclusive: a writable entry maps a "
                   "PageAnonExclusive page, a pinned page is PageAnonExclusive, and a "
                   "PageAnonExclusive page has at most one mapping. It holds trivially under the "
                   "others.";
        case Inv::memory_private:
            return "Every live process reads at each address it maps what a correct OS would "
                   "show there (its ideal memory): its own latest write, what its parent had at "
                   "fork, what its device wrote by DMA. A violation says who wrote what was read "
                   "instead: a leak from parent into child, from child into parent, between "
                   "processes, or a write lost.";
        case Inv::pin_reliable:
            return "The page a longterm pin holds has the value of the pin's cell: what its "
                   "owner sees at the pinned address while it maps it, and afterwards what was "
                   "last written through a handle of that cell. Otherwise the device and the "
                   "process no longer share the buffer.";
        case Inv::get_no_leak:
            return "What the page of a FOLL_GET or short-term FOLL_PIN reference holds was there "
                   "when the reference was taken, or was written to the reference's own cell "
                   "(by its owner at that address, or by DMA through a handle of the cell): the "
                   "device never reads another process's data.";
    }
    throw std::logic_error("invariant_prose: an invariant without prose");
}

std::string invariants_document(DocFormat format) {
    const bool md = format == DocFormat::markdown;
    std::vector<std::string> with_flag;
    for (const CowPolicy* p : all_policies())
        if (p->anon_exclusive) with_flag.push_back(p->name);
    const std::string intro = fmt::format(
        "Every invariant is checked in every reachable state, and a state that violates one is "
        "still explored (later violations may be its consequences, which the verdict line and "
        "the trace say). A spec may check fewer (\"invariants\"). The name is what specs, traces "
        "and the command line use, the tag what the verdict matrix shows (ST is a stuck "
        "execution, not an invariant), the message how a violation starts, in the words of the "
        "kernel's tools/testing/selftests/mm/cow.c where it has them. PG_anon_exclusive exists "
        "under {}.",
        join(with_flag));
    std::string out;
    if (md) {
        out += "# Invariants\n\n" + generated_note("cowpin policies --invariants --format markdown") +
               "\n" + intro + "\n\n";
        std::vector<std::vector<std::string>> rows;
        for (int i = 0; i < kInvariants; ++i) {
            const InvariantInfo& info = invariant_table()[i];
            rows.push_back({"`" + std::string(info.name) + "`", std::string(info.tag),
                            std::string(info.message)});
        }
        out += markdown_table({"invariant", "tag", "message"}, rows);
    } else {
        out += wrap(intro, 100, "");
    }
    for (int i = 0; i < kInvariants; ++i) {
        const InvariantInfo& info = invariant_table()[i];
        const std::string_view prose = invariant_prose(static_cast<Inv>(i));
        if (md)
            out += fmt::format("\n## `{}` ({})\n\n{}\n\nViolation message: \"{}\".\n", info.name,
                               info.tag, prose, info.message);
        else
            out += fmt::format("\n{} ({}): \"{}\"\n{}", info.name, info.tag, info.message,
                               wrap(prose, 100, "  "));
    }
    return out;
}

}  // namespace cowpin
