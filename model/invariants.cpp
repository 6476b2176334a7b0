#include "model/invariants.hpp"

#include "model/folio.hpp"

#include <fmt/format.h>

#include <type_traits>

namespace cowpin {

namespace {

const std::array<InvariantInfo, kInvariants> kTable = {{
    {"refcounts_consistent", "RC", "model bug: a count does not match its definition"},
    {"pinned_exclusive", "PE", "Pinned page is shared"},
    {"writable_exclusive", "WE", "Writable mapping of a shared page"},
    {"anon_exclusive_sound", "AE", "PageAnonExclusive is wrong"},
    {"memory_private", "MP", "Leak or lost write"},
    {"pin_reliable", "PR", "Longterm pin is not reliable"},
    {"get_no_leak", "GNL", "Leak through a GUP reference"},
}};

// Where a PTE of some process leads a frame: present and migration entries naming it, and swap
// entries whose slot caches it.
bool maps_frame(const State& s, const Pte& pte, std::uint8_t f) {
    return pte.kind != PteKind::none && pte_frame(s, pte) == f;
}

// How many PTEs of live processes lead to each frame (maps_frame), in one pass over the PTEs.
std::array<std::uint8_t, kMaxFrames + 1> all_mappings(const State& s, const Shape& sh) {
    std::array<std::uint8_t, kMaxFrames + 1> n{};  // n[kMaxFrames]: PTEs that lead to no frame
    for (int q = 0; q < sh.procs; ++q)
        if (const Process& p = s.procs[q]; p.alive)
            for (int v = 0; v < sh.pages; ++v)
                if (const Pte& pte = p.pte[v]; pte.kind != PteKind::none) {
                    const std::uint8_t f = pte_frame(s, pte);
                    ++n[f < kMaxFrames ? f : kMaxFrames];
                }
    return n;
}

std::uint8_t handle_cell(const Handle& h) {
    return h.cell == kNone ? attached_cell(h.owner, h.vaddr)
                           : static_cast<std::uint8_t>(h.cell | kDetachedCell);
}

bool is_ancestor(const State& s, int ancestor, int p) {
    for (int hops = 0; hops < kMaxProcs && p != kNone; ++hops) {
        p = s.procs[p].parent;
        if (p == ancestor) return true;
    }
    return false;
}

std::string pname(int p) {
    return p == kNone ? std::string("an exited process") : fmt::format("P{}", p);
}

/*------------------------------------------------------------------------------------------*/
// Each check is written once and compiled twice. With E (explain) it returns what is wrong, or
// an empty string when it holds: violation_message() wants that for the one violating state of
// a counterexample. Without, it returns whether it fails, and formats nothing: the search asks
// it of every new state.
template <bool E>
using Outcome = std::conditional_t<E, std::string, bool>;
template <bool E>
Outcome<E> holds() {
    return {};  // "" or false
}
template <bool E, class Message>
Outcome<E> fails(Message&& message) {
    if constexpr (E)
        return message();
    else
        return true;
}

template <bool E>
Outcome<E> check_refcounts(const State& s, const CowPolicy& policy, const Shape& sh) {
    // pmd_refs: a PMD mapping holds one reference for its whole folio, on the head page, where
    // a PTE holds one per page: +1 on the head per PMD, -1 on each page it maps.
    // Bytes, not ints: zeroed for every state checked (each count is at most kMaxCells + 1).
    std::array<std::int8_t, kMaxFrames> mapcount{}, pmd_refs{}, pins{}, gets{};
    std::array<int, kMaxSlots> count{};
    for (int p = 0; p < sh.procs; ++p) {
        const Process& pr = s.procs[p];
        for (int v = 0; v < sh.pages; ++v) {
            const Pte& pte = pr.pte[v];
            if (!pr.alive) {
                if (pte.kind != PteKind::none)
                    return fails<E>([&] { return fmt::format("exited P{} has a PTE", p); });
                continue;
            }
            if ((pte.kind == PteKind::none) != (pr.ideal[v] == kNone))
                return fails<E>([&] {
                    return fmt::format("P{} v{}: ideal cell and PTE disagree on being mapped", p,
                                       v);
                });
            if (pte.kind == PteKind::none) continue;
            if (pte.kind == PteKind::swap) {
                if (!s.slots[pte.target].in_use)
                    return fails<E>([&] {
                        return fmt::format("P{} v{} names freed swap slot {}", p, v, pte.target);
                    });
                ++count[pte.target];
                if (pte.swp_exclusive && !policy.exclusive_entries)
                    return fails<E>([&] {
                        return fmt::format("P{} v{}: swap exclusive bit without the policy", p, v);
                    });
                continue;
            }
            if (!s.frames[pte.target].in_use)
                return fails<E>(
                    [&] { return fmt::format("P{} v{} maps freed frame {}", p, v, pte.target); });
            if (pte.kind == PteKind::present) ++mapcount[pte.target];
            if (pte.kind == PteKind::pmd) {
                const std::uint8_t head = s.frames[pte.target].folio;
                const Pte& first = pr.pte[0];
                if (head == kNone || first.kind != PteKind::pmd || first.writable != pte.writable ||
                    s.frames[first.target].folio != head)
                    return fails<E>([&] {
                        return fmt::format("P{} v{}: a PMD entry that does not map one large "
                                           "folio with one protection", p, v);
                    });
                ++mapcount[pte.target];
                --pmd_refs[pte.target];
                if (v == 0) ++pmd_refs[head];
            }
            if ((pte.kind == PteKind::migration || pte.kind == PteKind::pmd_migration) &&
                !s.frames[pte.target].isolated)
                return fails<E>([&] {
                    return fmt::format("P{} v{}: migration entry of a frame not isolated", p, v);
                });
        }
    }
    for (int h = 0; h < sh.handles; ++h) {
        const Handle& hd = s.handles[h];
        if (!hd.in_use) continue;
        if (!s.frames[hd.frame].in_use)
            return fails<E>([&] { return fmt::format("h{} holds freed frame {}", h, hd.frame); });
        (hd.kind != HandleKind::get ? pins : gets)[hd.frame]++;
        if (hd.owner != kNone && !s.procs[hd.owner].alive)
            return fails<E>([&] { return fmt::format("h{} is owned by exited P{}", h, hd.owner); });
        if (hd.cell == kNone && (hd.owner == kNone || s.procs[hd.owner].ideal[hd.vaddr] == kNone))
            return fails<E>(
                [&] { return fmt::format("h{}: attached cell of an unmapped address", h); });
    }
    for (int f = 0; f < sh.frames; ++f) {
        const Frame& fr = s.frames[f];
        if (!fr.in_use) continue;
        const bool cached = fr.swapcache != kNone;
        if (cached && (!s.slots[fr.swapcache].in_use || s.slots[fr.swapcache].cache != f))
            return fails<E>([&] {
                return fmt::format("frame {}: swapcache slot {} does not cache it", f,
                                   fr.swapcache);
            });
        if (fr.folio != kNone &&
            (!s.frames[fr.folio].in_use || s.frames[fr.folio].folio != fr.folio))
            return fails<E>([&] {
                return fmt::format("frame {}: its folio's head, frame {}, is no head", f, fr.folio);
            });
        const int refcount = mapcount[f] + pmd_refs[f] + cached + gets[f] + pins[f] + fr.isolated;
        if (fr.mapcount != mapcount[f] || fr.pins != pins[f] || fr.gets != gets[f] ||
            fr.refcount != refcount)
            return fails<E>([&] {
                return fmt::format(
                    "frame {}: refcount {} mapcount {} pins {} gets {}, expected refcount {} = "
                    "mapcount {} + PMD references {} + swapcache {} + gets {} + pins {} + "
                    "isolated {}",
                    f, fr.refcount, fr.mapcount, fr.pins, fr.gets, refcount, mapcount[f],
                    pmd_refs[f], int(cached), gets[f], pins[f], fr.isolated);
            });
        if (refcount == 0 && (fr.folio == kNone || folio_ref_count(s, f) == 0))
            return fails<E>(
                [&] { return fmt::format("frame {} is allocated but unreachable", f); });
        if (fr.anon_exclusive && !policy.anon_exclusive)
            return fails<E>(
                [&] { return fmt::format("frame {}: PageAnonExclusive without the policy", f); });
        if (fr.data == kNone)
            return fails<E>([&] { return fmt::format("frame {} holds no value", f); });
    }
    for (int sl = 0; sl < sh.slots; ++sl) {
        const Slot& slot = s.slots[sl];
        if (!slot.in_use) continue;
        if (slot.count != count[sl])
            return fails<E>([&] {
                return fmt::format("swap slot {}: count {}, expected {}", sl, slot.count,
                                   count[sl]);
            });
        if (slot.cache != kNone &&
            (!s.frames[slot.cache].in_use || s.frames[slot.cache].swapcache != sl))
            return fails<E>([&] {
                return fmt::format("swap slot {}: cached frame {} is not in the swapcache", sl,
                                   slot.cache);
            });
        if (slot.cache == kNone && (slot.count == 0 || slot.data == kNone))
            return fails<E>([&] {
                return fmt::format("swap slot {} is allocated but unreachable or holds no data",
                                   sl);
            });
    }
    return holds<E>();
}

template <bool E>
Outcome<E> check_pinned_exclusive(const State& s, const Shape& sh) {
    for (int h = 0; h < sh.handles; ++h) {
        const Handle& hd = s.handles[h];
        if (!hd.in_use || hd.kind != HandleKind::pin) continue;
        for (int p = 0; p < sh.procs; ++p) {
            if (!s.procs[p].alive) continue;
            for (int v = 0; v < sh.pages; ++v)
                if (maps_frame(s, s.procs[p].pte[v], hd.frame) && !(p == hd.owner && v == hd.vaddr))
                    return fails<E>([&] {
                        return fmt::format("frame pinned by h{} ({} v{}) is also mapped by P{} v{}",
                                           h, pname(hd.owner), hd.vaddr, p, v);
                    });
        }
    }
    return holds<E>();
}

template <bool E>
Outcome<E> check_writable_exclusive(const State& s, const Shape& sh) {
    const auto maps = all_mappings(s, sh);
    for (int p = 0; p < sh.procs; ++p) {
        if (!s.procs[p].alive) continue;
        for (int v = 0; v < sh.pages; ++v) {
            const Pte& pte = s.procs[p].pte[v];
            if ((pte.kind != PteKind::present && pte.kind != PteKind::pmd) || !pte.writable)
                continue;
            if (maps[pte.target] > 1)
                return fails<E>([&] {
                    return fmt::format("P{} v{} maps writable a frame that {} entries name", p, v,
                                       int{maps[pte.target]});
                });
        }
    }
    return holds<E>();
}

template <bool E>
Outcome<E> check_anon_exclusive(const State& s, const CowPolicy& policy, const Shape& sh) {
    if (!policy.anon_exclusive) return holds<E>();
    for (int p = 0; p < sh.procs; ++p) {
        if (!s.procs[p].alive) continue;
        for (int v = 0; v < sh.pages; ++v) {
            const Pte& pte = s.procs[p].pte[v];
            if ((pte.kind == PteKind::present || pte.kind == PteKind::pmd) && pte.writable &&
                !s.frames[pte.target].anon_exclusive)
                return fails<E>([&] {
                    return fmt::format("P{} v{} is writable but its page is not exclusive", p, v);
                });
        }
    }
    const auto maps = all_mappings(s, sh);
    for (int f = 0; f < sh.frames; ++f) {
        const Frame& fr = s.frames[f];
        if (!fr.in_use) continue;
        if (fr.pins > 0 && !fr.anon_exclusive)
            return fails<E>([&] { return fmt::format("frame {} is pinned but not exclusive", f); });
        if (fr.anon_exclusive && maps[f] > 1)
            return fails<E>([&] {
                return fmt::format("frame {} is exclusive but has {} mappings", f, int{maps[f]});
            });
    }
    return holds<E>();
}

template <bool E>
Outcome<E> check_memory_private(const State& s, const Shape& sh) {
    for (int p = 0; p < sh.procs; ++p) {
        if (!s.procs[p].alive) continue;
        for (int v = 0; v < sh.pages; ++v) {
            const std::uint8_t ideal = s.procs[p].ideal[v];
            if (ideal == kNone) continue;
            const std::uint8_t seen = view(s, p, v);
            if (seen == ideal) continue;
            const int own = s.values[ideal].writer;
            const int writer = s.values[seen].writer;
            const char* what = "Leak between processes";
            if (own == p || writer == p)
                what = "Write lost";
            else if (writer != kNone && is_ancestor(s, writer, p))
                what = "Leak from parent into child";
            else if (writer != kNone && is_ancestor(s, p, writer))
                what = "Leak from child into parent";
            if (own == p)
                return fails<E>([&] {
                    return fmt::format("{} (P{} v{} does not see its own latest write)", what, p,
                                       v);
                });
            return fails<E>([&] {
                return fmt::format("{} (P{} v{} reads a value written by {})", what, p, v,
                                   pname(writer));
            });
        }
    }
    return holds<E>();
}

template <bool E>
Outcome<E> check_pin_reliable(const State& s, const Shape& sh) {
    for (int h = 0; h < sh.handles; ++h) {
        const Handle& hd = s.handles[h];
        if (!hd.in_use || hd.kind != HandleKind::pin || !handle_breaks_promise(s, hd)) continue;
        return fails<E>([&] {
            return fmt::format("Longterm {} pin is not reliable (h{} on {} v{} sees stale data)",
                               hd.write ? "R/W" : "R/O", h, pname(hd.owner), hd.vaddr);
        });
    }
    return holds<E>();
}

template <bool E>
Outcome<E> check_get_no_leak(const State& s, const Shape& sh) {
    for (int h = 0; h < sh.handles; ++h) {
        const Handle& hd = s.handles[h];
        if (!hd.in_use || hd.kind == HandleKind::pin) continue;  // gets and short-term pins
        if (!handle_breaks_promise(s, hd)) continue;
        const std::uint8_t x = s.frames[hd.frame].data;
        return fails<E>([&] {
            return fmt::format(
                "Leak through a GUP reference (h{} of {} v{} reads a value written by {})", h,
                pname(hd.owner), hd.vaddr, pname(s.values[x].writer));
        });
    }
    return holds<E>();
}

template <bool E>
Outcome<E> check(const State& s, Inv inv, const CowPolicy& policy, const Shape& sh) {
    switch (inv) {
        case Inv::refcounts_consistent:
            return check_refcounts<E>(s, policy, sh);
        case Inv::pinned_exclusive:
            return check_pinned_exclusive<E>(s, sh);
        case Inv::writable_exclusive:
            return check_writable_exclusive<E>(s, sh);
        case Inv::anon_exclusive_sound:
            return check_anon_exclusive<E>(s, policy, sh);
        case Inv::memory_private:
            return check_memory_private<E>(s, sh);
        case Inv::pin_reliable:
            return check_pin_reliable<E>(s, sh);
        case Inv::get_no_leak:
            return check_get_no_leak<E>(s, sh);
    }
    return holds<E>();
}

}  // namespace

const std::array<InvariantInfo, kInvariants>& invariant_table() { return kTable; }

std::optional<Inv> find_invariant(std::string_view name) {
    for (int i = 0; i < kInvariants; ++i)
        if (kTable[i].name == name) return static_cast<Inv>(i);
    return std::nullopt;
}

std::string invariant_names() {
    std::string out;
    for (const InvariantInfo& i : kTable) {
        if (!out.empty()) out += ", ";
        out += i.name;
    }
    return out;
}

std::uint8_t handle_expected(const State& s, const Handle& h) {
    return h.cell == kNone ? s.procs[h.owner].ideal[h.vaddr] : h.expect;
}

bool handle_breaks_promise(const State& s, const Handle& h) {
    const std::uint8_t x = s.frames[h.frame].data;
    if (h.kind == HandleKind::pin) return x != handle_expected(s, h);
    return x != h.baseline && s.values[x].cell != handle_cell(h);
}

bool invariant_holds(const State& s, Inv inv, const CowPolicy& policy, const Shape& shape) {
    return !check<false>(s, inv, policy, shape);
}

std::string violation_message(const State& s, Inv inv, const CowPolicy& policy) {
    std::string what = check<true>(s, inv, policy, Shape::full());
    switch (inv) {
        case Inv::pinned_exclusive:
        case Inv::writable_exclusive:
        case Inv::anon_exclusive_sound:
            return fmt::format("{} ({})", kTable[static_cast<int>(inv)].message, what);
        case Inv::refcounts_consistent:
            return "model bug: " + what;
        default:
            return what;  // already starts with the classified cow.c wording
    }
}

}  // namespace cowpin
