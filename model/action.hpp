// Actions (MODEL.md §3) and program steps (§8).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/state.hpp"

namespace cowpin {

enum class Op : std::uint8_t {
    fork,
    exit,
    write,
    read,
    mprotect,
    clear_refs,
    munmap,
    pin,
    get,
    unpin,
    dma_write,
    swap_out,
    reclaim,
    migrate_start,
    migrate_finish,
    wait,  // scenario only: "wait Pn exited"
    // The system calls of MODEL.md §10, whose GUP flavour the policy's era decides.
    vmsplice,       // R/O FOLL_GET (iter_to_pipe() → iov_iter_get_pages())
    odirect_read,   // a read from a file into the page: R/W, ODirect decides get or pin
    odirect_write,  // a write of the page to a file: R/O, ODirect decides get or pin
    iouring_fixed,  // io_uring fixed buffer: FOLL_PIN | FOLL_LONGTERM | FOLL_WRITE
    uffd_wp,        // UFFDIO_WRITEPROTECT: the PTE becomes R/O, pinned or not
    // MODEL.md §9 (memory "thp").
    split_pmd,      // __split_huge_pmd(): the process's PMD becomes PTEs (partial mprotect,
                    // munmap or madvise of the THP)
    dontfork,       // MADV_DONTFORK of one page: VM_DONTCOPY, fork() leaves the child without it
    dofork,         // MADV_DOFORK of one page: VM_DONTCOPY cleared
    mprotect_vma,   // mprotect() of the whole VMA at once: a PMD stays (change_huge_pmd())
    split_folio,    // split_folio(): a large folio becomes order-0 folios (the kernel's own
                    // deferred split, reclaim, migration, or debugfs split_huge_pages)
    collapse,       // MADV_COLLAPSE (khugepaged before 6.1) of the THP range of page vN
};
inline constexpr int kOps = 27;

std::string_view op_name(Op op);
std::optional<Op> parse_op(std::string_view name);
// Ops that act on a frame (the environment's, and the exhaustive form's per-frame families).
bool is_frame_op(Op op);
// Ops that name a handle.
bool is_handle_op(Op op);
// Ops that take a GUP reference into a handle: pin, get and the system calls that do.
bool is_gup_op(Op op);
// Whether a GUP op writes through its reference: pin/get say so in their step ("pin rw"); the
// system calls imply it (odirect_read and iouring_fixed do).
bool gup_op_writes(Op op, bool flag);
// Ops that name a page of the acting process.
bool is_page_op(Op op);

inline constexpr std::uint8_t kStepFlag = 1;   // taken from a scenario program
inline constexpr std::uint8_t kWriteFlag = 2;  // pin/get with FOLL_WRITE

// One transition label. `proc` is the acting process (kNone for the kernel or a device acting
// outside any program); `arg` is the child slot (fork), the page (page ops, and frame ops taken
// from a program, which name the page), the frame (frame ops otherwise) or the process waited
// for (wait); `handle` is the handle slot of pin/get/unpin/dma_write.
struct Action {
    Op op = Op::write;
    std::uint8_t proc = kNone;
    std::uint8_t arg = 0;
    std::uint8_t handle = kNone;
    std::uint8_t flags = 0;

    bool from_program() const { return flags & kStepFlag; }
    bool write() const { return flags & kWriteFlag; }
    friend bool operator==(const Action&, const Action&) = default;
};

// A program step as written in a spec, e.g. "pin rw v0 h0", "fork P1", "wait P1 exited".
struct Step {
    Op op = Op::write;
    std::uint8_t arg = 0;        // page, child or waited-for process
    std::uint8_t handle = kNone;
    bool write = false;
    friend bool operator==(const Step&, const Step&) = default;
};

// "pin rw v0 h0" and back. parse_step() returns an error message on failure.
std::string format_step(const Step& step);
std::optional<Step> parse_step(std::string_view text, std::string& error);

// "P0 write v0", "kernel swap_out frame 1", "h0 dma_write" — for logs and explain.
std::string format_action(const Action& a);

}  // namespace cowpin
