// The VM state of MODEL.md §1 and the ideal world of §2, as one flat value.
//
// A state is a fixed-size, trivially copyable struct of bytes: processes with their PTEs, frames
// (struct page of order 0), swap slots, GUP handles and the values they hold. It is hashed and
// compared as bytes, so every field is a uint8_t and there is no padding
// (has_unique_object_representations, checked below).
//
// Frames, swap slots, values and detached handle cells carry no identity: canonicalize()
// renumbers them in order of first reference, so two states that differ only in those names are
// the same state. Processes and handles keep their slot numbers (specs name them).
//
// Per-page state machine (RelCOP words; older policies have no anon_exclusive):
//
//     exclusive, writable ──fork──▶ COW-shared, R/O in both ──write fault──▶ reuse | copy
//          │  ▲                          │
//     pin  │  │ unpin              R/O pin: unshare (5.19+) ──▶ exclusive R/O copy, pinned
//          ▼  │
//     exclusive, pinned ──fork──▶ copy for the child (5.9+), parent keeps the pinned page
//          │
//     swap_out / migrate_start: refused while pinned (5.19+), else PTEs become swap/migration
//     entries that remember exclusivity (swap PTE bit, readable_exclusive migration entry)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

namespace cowpin {

// Compile-time capacities. Spec bounds are checked against them (spec.cpp).
// kMaxPages 4: a 16 kB anonymous mTHP (order 2, the smallest anon mTHP) spans the VMA.
// kMaxCells: processes × pages, the ideal cells a spec may have (3 × 4: cow.c's partially shared
// mTHP, a parent, a child that exits and the child that shares the folio). kMaxSlots 4: a
// swapped-out 16 kB mTHP takes a slot per page. The base-page search does not pay for these
// capacities: it copies, compares, packs and checks only its bounds' bytes (StateSpans, Shape).
inline constexpr int kMaxProcs = 4;
inline constexpr int kMaxPages = 4;
inline constexpr int kMaxCells = 12;
inline constexpr int kMaxHandles = 3;
inline constexpr int kMaxSlots = 4;
// Every frame is referenced by a present or migration PTE, a handle or the swapcache, or is a
// page of a large folio one of those keeps alive (frame_bound()); the spec parser refuses
// bounds whose frame_bound() plus a step's allocation exceeds it. Base pages need at most
// kMaxCells + kMaxHandles + kMaxSlots + 1 = 20; a swapped-out 16 kB mTHP of two processes 29.
inline constexpr int kMaxFrames = 32;
static_assert(kMaxCells <= kMaxProcs * kMaxPages);
static_assert(kMaxCells + kMaxHandles + kMaxSlots + 1 <= kMaxFrames, "base pages always fit");
// Every value is referenced by an ideal cell, a frame, a slot, or a handle's expect/baseline;
// one spare for the fresh value of the step being taken.
inline constexpr int kMaxValues = kMaxCells + kMaxFrames + kMaxSlots + 2 * kMaxHandles + 1;

inline constexpr std::uint8_t kNone = 0xFF;

template <std::size_t N>
constexpr std::array<std::uint8_t, N> none_filled() {
    std::array<std::uint8_t, N> a{};
    a.fill(0xFF);
    return a;
}

// pmd: the process maps its whole VMA with one PMD-level entry of a large folio (a PMD-mapped
// THP, MODEL.md §9). Each page's entry then says `pmd` and names the folio's page at that
// address; they all change together (map, split, zap). pmd_migration: that PMD while its folio
// migrates (set_pmd_migration_entry()): like a migration entry it holds no mapcount and no
// reference, names the folio's page at each address and carries the entry's MigrationKind;
// remove_migration_pmd() maps the new folio by a PMD again.
enum class PteKind : std::uint8_t { none, present, swap, migration, pmd, pmd_migration };

// Migration entry kinds (make_writable_migration_entry, make_readable_exclusive_migration_entry,
// make_readable_migration_entry in mm/rmap.c try_to_migrate_one()).
enum class MigrationKind : std::uint8_t { writable, readable_exclusive, readable };

// FOLL_PIN | FOLL_LONGTERM (io_uring fixed buffers, RDMA), FOLL_GET (vmsplice, O_DIRECT before
// 6.5), or a short-term FOLL_PIN (O_DIRECT since 6.5). Every FOLL_PIN counts in Frame::pins, as
// folio_maybe_dma_pinned() sees it; pinned_exclusive and pin_reliable are about longterm pins,
// get_no_leak about gets and short-term pins (MODEL.md §10).
enum class HandleKind : std::uint8_t { pin, get, short_pin };

struct Pte {
    PteKind kind = PteKind::none;
    std::uint8_t target = kNone;  // frame for present/migration, slot for swap
    std::uint8_t writable = 0;    // present: pte_write()
    std::uint8_t swp_exclusive = 0;  // swap: pte_swp_exclusive() (policies that record it)
    MigrationKind migration = MigrationKind::readable;  // migration: entry kind
};

struct Process {
    std::uint8_t alive = 0;
    std::uint8_t parent = kNone;     // process slot of the parent (re-parented on its exit)
    std::uint8_t has_pinned = 0;     // MMF_HAS_PINNED: this mm ever took a FOLL_PIN
    std::uint8_t dontcopy = 0;       // bit v: page v's VMA is VM_DONTCOPY (MADV_DONTFORK)
    std::array<Pte, kMaxPages> pte{};
    std::array<std::uint8_t, kMaxPages> ideal = none_filled<kMaxPages>();  // value a correct OS
                                                                           // shows at v, or kNone
};

// A page of an anonymous folio: an order-0 folio, or one page of a large folio (THP), whose
// pages share `folio` (the head page's frame). A large folio's counts are the sums over its
// pages (folio_ref_count(), folio_maybe_dma_pinned(), model/folio.hpp); each page keeps what
// the kernel keeps per page: its mapcount (page_mapcount(): PTEs of it and PMDs of the folio),
// PageAnonExclusive, its data. A PMD mapping holds one reference, counted on the head page.
struct Frame {
    std::uint8_t in_use = 0;
    std::uint8_t mapcount = 0;       // present PTEs mapping it, and PMDs mapping its folio
    std::uint8_t refcount = 0;       // PTE mapcount + swapcache + gets + pins + isolated, and on
                                     // a large folio's head page one per PMD mapping
    std::uint8_t pins = 0;           // FOLL_PIN references, longterm or not (counted exactly,
                                     // not biased by 1024)
    std::uint8_t gets = 0;           // FOLL_GET references
    std::uint8_t anon_exclusive = 0; // PG_anon_exclusive
    std::uint8_t swapcache = kNone;  // slot it caches, or kNone (PageSwapCache)
    std::uint8_t isolated = 0;       // isolated for migration
    std::uint8_t data = kNone;       // value it holds
    std::uint8_t folio = kNone;      // the head page's frame of its large folio, or kNone
};

struct Slot {                        // a swap slot
    std::uint8_t in_use = 0;
    std::uint8_t count = 0;          // swap PTEs naming it (swap_count)
    std::uint8_t cache = kNone;      // frame in the swapcache for it, or kNone
    std::uint8_t data = kNone;       // value written back; meaningful while cache == kNone
};

// A GUP reference held for a device (io_uring fixed buffer, vmsplice pipe, O_DIRECT).
// Handles taken on the same address of the same process incarnation share one cell (MODEL §2):
// while the owner maps that address the cell is `ideal[owner][vaddr]` (cell == kNone);
// afterwards it is detached, with its own id and frozen value `expect`.
struct Handle {
    std::uint8_t in_use = 0;
    HandleKind kind = HandleKind::pin;
    std::uint8_t write = 0;          // FOLL_WRITE: the device may write through it
    std::uint8_t owner = kNone;      // process slot, or kNone once orphaned by exit
    std::uint8_t vaddr = 0;
    std::uint8_t frame = kNone;
    std::uint8_t cell = kNone;       // detached cell id, or kNone while attached
    std::uint8_t expect = kNone;     // detached cell's value
    std::uint8_t baseline = kNone;   // get, short_pin: the frame's data when it was taken
};

// Value attributes. Values are compared for equality only; `cell` says at which address of
// which process (or through which detached handle cell) it was written, `writer` which process
// wrote it (CPU store, or DMA into its memory), for classifying leaks.
inline constexpr std::uint8_t kDetachedCell = 0x10;  // cell | kDetachedCell: detached cell id
static_assert(kMaxProcs * kMaxPages <= kDetachedCell, "attached cells stay below kDetachedCell");
static_assert(kMaxHandles < kDetachedCell, "detached cell ids fit beside the flag");
inline constexpr std::uint8_t attached_cell(int proc, int vaddr) {
    return static_cast<std::uint8_t>(proc * kMaxPages + vaddr);
}
struct Value {
    std::uint8_t cell = kNone;
    std::uint8_t writer = kNone;
};

// Scenario bookkeeping (MODEL §8): program counter per process and whether its program started.
// A program counter is a byte and counts up to the program's length: the parser refuses longer
// programs (spec.cpp).
inline constexpr int kMaxProgramSteps = 200;
static_assert(kMaxProgramSteps < 255, "a program counter is a byte");
struct Program {
    std::array<std::uint8_t, kMaxProcs> pc{};
    std::array<std::uint8_t, kMaxProcs> started{};
};

inline constexpr std::size_t kStateBytes =
    sizeof(std::array<Process, kMaxProcs>) + sizeof(std::array<Frame, kMaxFrames>) +
    sizeof(std::array<Slot, kMaxSlots>) + sizeof(std::array<Handle, kMaxHandles>) +
    sizeof(std::array<Value, kMaxValues>) + sizeof(Program);

struct State {
    std::array<Process, kMaxProcs> procs{};
    std::array<Frame, kMaxFrames> frames{};
    std::array<Slot, kMaxSlots> slots{};
    std::array<Handle, kMaxHandles> handles{};
    std::array<Value, kMaxValues> values{};
    Program program{};
    // sizeof a multiple of 16: hashed in 8-byte words, copied and compared in 16-byte ones
    std::array<std::uint8_t, 16 - kStateBytes % 16> pad{};

    // Byte equality: sound because the representation is unique (asserted below).
    friend bool operator==(const State& a, const State& b);
};
static_assert(std::is_trivially_copyable_v<State>);
static_assert(std::has_unique_object_representations_v<State>, "State is hashed as bytes");
static_assert(sizeof(State) % 16 == 0);

// State copies and comparisons 16 bytes at a time, with SSE2 on x86-64. They run for every
// candidate action (copy the parent, step, compare with the parent). GCC copies a struct this
// size with `rep movsq`, whose start-up cost made next_state() 11% of a (2,1,2,1) search in
// perf (6.5% with this), and compares it through a call to memcmp.
inline bool operator==(const State& a, const State& b) {
#if defined(__x86_64__)
    const auto* x = reinterpret_cast<const __m128i*>(&a);
    const auto* y = reinterpret_cast<const __m128i*>(&b);
    __m128i diff = _mm_setzero_si128();
    for (std::size_t i = 0; i < sizeof(State) / 16; ++i)
        diff = _mm_or_si128(diff, _mm_xor_si128(_mm_loadu_si128(x + i), _mm_loadu_si128(y + i)));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(diff, _mm_setzero_si128())) == 0xFFFF;
#else
    return std::memcmp(&a, &b, sizeof(State)) == 0;
#endif
}
inline void copy_state(State& dst, const State& src) {
#if defined(__x86_64__)
    auto* d = reinterpret_cast<__m128i*>(&dst);
    const auto* s = reinterpret_cast<const __m128i*>(&src);
    for (std::size_t i = 0; i < sizeof(State) / 16; ++i) _mm_storeu_si128(d + i, _mm_loadu_si128(s + i));
#else
    std::memcpy(&dst, &src, sizeof(State));
#endif
}

// Frames a state of these bounds can hold in use after a step (Shape::stored_frames): the
// references (PTEs of processes alive at once, handles, swap slots), and with large folios
// (memory "thp") the other pages of the folios they keep alive. `live` < 0: all `procs`.
int frame_bound(int procs, int pages, int handles, int slots, bool large_folios, int live = -1);

// Loop limits derived from the bounds (MODEL §6): how many process slots, pages, handles and
// swap slots a state uses, how many frames can be in use (one PTE per process page, one per
// handle, one per swapcache slot, plus the frame a step allocates before it frees another), and
// how many values can be live. canonicalize() and the packed encoding (model/packing.hpp) look no
// further; a state that does is a model bug, which pack() reports (it checks that the state fits).
struct Shape {
    std::uint8_t procs = kMaxProcs, pages = kMaxPages, handles = kMaxHandles, slots = kMaxSlots;
    std::uint8_t frames = kMaxFrames, values = kMaxValues;
    // After a step, in a canonical state: no frame or value allocated mid-step is left over.
    std::uint8_t stored_frames = kMaxFrames, stored_values = kMaxValues;
    // Large folios may exist (memory "thp"): PMD entries and Frame::folio are in use.
    std::uint8_t large_folios = 1;
    // MADV_DONTFORK may happen (a dontfork step or family): Process::dontcopy is in use.
    std::uint8_t dontfork = 1;
    // `live`: processes alive at once (live_process_bound()), for the frames; procs otherwise.
    static Shape for_bounds(int procs, int pages, int handles, int slots, bool large_folios = false,
                            int live = -1);
    static Shape full() { return Shape{}; }
};

// Renumber frames and slots by first reference (processes in slot order, PTEs in page order,
// then handles), then values and detached cells; drop unreferenced values. Unreferenced
// in-use frames or slots (a model bug) are kept, after the reachable ones, so that
// refcounts_consistent can report them. Idempotent. If `frame_map` is given, it receives the
// new number of each old frame (kNone for frames not in use).
void canonicalize(State& s, std::array<std::uint8_t, kMaxFrames>* frame_map = nullptr);
void canonicalize(State& s, const Shape& shape,
                  std::array<std::uint8_t, kMaxFrames>* frame_map = nullptr);

// canonicalize(), and processes too (process symmetry, `--symmetry`): live processes are
// renamed (PTE owner, parent, handle owner, value writer and cell all renamed together) into the
// lowest slots, ordered by a signature that no renaming changes (their place in the process
// tree, PTEs, frames' counts, handles); processes with equal signatures are tried in every
// order and the least state, as bytes, wins. Every renaming of a state gives the same bytes. Only sound when nothing names a process slot from outside the state: the
// exhaustive form, not scenario programs. Writers that name an exited process are forgotten
// (they only label leak messages, and traces are re-executed without canonicalization).
void canonicalize_symmetric(State& s, const Shape& shape);

// Which renamings a canonical form removes (`cowpin check --symmetry`): process slots, the
// pages of the VMA (one permutation for every process), handle slots. Constructed from a bool:
// all or none. CowModel turns off what is not sound for its spec (model.hpp).
struct Symmetry {
    bool procs = false, pages = false, handles = false;
    constexpr Symmetry() = default;
    constexpr Symmetry(bool all) : procs(all), pages(all), handles(all) {}  // NOLINT: on/off
    constexpr Symmetry(bool p, bool v, bool h) : procs(p), pages(v), handles(h) {}
    constexpr bool any() const { return procs || pages || handles; }
    friend constexpr bool operator==(const Symmetry&, const Symmetry&) = default;
};

// canonicalize_symmetric() (or canonicalize() without process symmetry), and pages and handle
// slots renamed too where `symmetry` says so (model/page_symmetry.cpp): pages and handles
// ordered by signatures no renaming changes, ties tried in every order, the least state as
// bytes wins. Every renaming of a state by the selected groups gives the same bytes. Only sound
// for the exhaustive form, and pages only on base memory (CowModel decides).
void canonicalize_reduced(State& s, const Shape& shape, const Symmetry& symmetry);

// Fixed-seed hash of the state's bytes: stable across builds and runs.
std::uint64_t hash_state(const State& s);

// The frame a PTE leads to: present or migration target, or the swapcache frame of a swap
// entry (kNone if the slot caches none). Inline: the symmetry signatures and the invariants
// ask it for every PTE of every successor.
inline std::uint8_t pte_frame(const State& s, const Pte& pte) {
    switch (pte.kind) {
        case PteKind::present:
        case PteKind::migration:
        case PteKind::pmd:
        case PteKind::pmd_migration:
            return pte.target;
        case PteKind::swap:
            return s.slots[pte.target].cache;
        case PteKind::none:
            break;
    }
    return kNone;
}

// What a PTE shows (MODEL §2 view), given `frame = pte_frame(s, pte)`: the frame's data for
// present and migration PTEs; for a swap PTE the cached frame's data if the slot is in the
// swapcache, else the slot's data; kNone for no PTE. For callers that need the frame as well.
inline std::uint8_t view_through(const State& s, const Pte& pte, std::uint8_t frame) {
    if (pte.kind == PteKind::none) return kNone;
    if (frame != kNone) return s.frames[frame].data;
    return s.slots[pte.target].data;
}

// What P reads at v (MODEL §2 view).
inline std::uint8_t view(const State& s, int proc, int vaddr) {
    const Pte& pte = s.procs[proc].pte[vaddr];
    return view_through(s, pte, pte_frame(s, pte));
}

}  // namespace cowpin
