// What each op of the model stands for and does, in kernel words: the prose half of `cowpin
// steps` (steps_doc.cpp derives the rest from the model and the parser). One case per op and no
// default, so that a new op is a compiler warning here and an exception at run time until it
// has its entry.
#include <stdexcept>
#include <string>

#include "checker/views/steps_doc.hpp"

namespace cowpin {

StepProse step_prose(Op op) {
    switch (op) {
        case Op::fork:
            return {"fork()",
                    "A child gets a copy of the process's page tables (copy_page_range()). Each "
                    "present page is either shared, write-protected in both and no longer "
                    "PageAnonExclusive, or copied for the child with the parent's PTE untouched, "
                    "as the policy's fork rule decides (hugetlb_fork on hugetlb memory). A "
                    "PMD-mapped THP is shared whole by its PMD unless the rule would copy it; then "
                    "the parent's PMD is split and its pages go one by one (copy_huge_pmd()). A "
                    "swap entry is shared (swap_duplicate(), the parent's exclusive bit cleared), "
                    "a migration entry becomes readable in both. A page under MADV_DONTFORK "
                    "(VM_DONTCOPY) is left out of the child. The child's ideal memory starts as "
                    "the parent's; MMF_HAS_PINNED stays the parent's. In a program `fork Pn` "
                    "starts Pn's program.",
                    {"fork", "hugetlb_fork"},
                    "every live process; the child takes the lowest free process slot"};
        case Op::exit:
            return {"exit()",
                    "Every mapping of the process is zapped as munmap does it (exit_mmap(), "
                    "zap_pte_range(); a PMD by zap_huge_pmd()), and the handles it holds become "
                    "orphans: their cells keep the value they last had. In a program it is the "
                    "last step.",
                    {}};
        case Op::write:
            return {"a CPU store to the page",
                    "Stores a fresh value. A writable entry takes it at once; a R/O one "
                    "write-faults first and the policy reuses the page or copies it (do_wp_page(); "
                    "hugetlb_wp() on hugetlb memory; do_huge_pmd_wp_page() on a R/O PMD, which "
                    "reuses, copies the THP or splits the PMD; the large-folio rule on a PTE of a "
                    "large folio). A swap entry is swapped in first with FAULT_FLAG_WRITE "
                    "(do_swap_page()). A fault on a migration entry, or on a swap entry whose "
                    "swapcache page is under migration, waits (migration_entry_wait()).",
                    {"write_fault", "hugetlb_write_fault", "huge_pmd_write_fault",
                     "large_folio_write_fault", "swap_in"}};
        case Op::read:
            return {"a CPU load from the page",
                    "A read fault on a swap entry swaps the page in (do_swap_page() without "
                    "FAULT_FLAG_WRITE): the policy's swap-in rule decides whether the new PTE is "
                    "writable and the page exclusive. A read of a present page changes nothing "
                    "(a step that records so; as a family it is only enabled on a swap entry). A "
                    "fault on a migration entry waits.",
                    {"swap_in"}};
        case Op::mprotect:
            return {"mprotect(PROT_READ), then mprotect(PROT_READ|PROT_WRITE), of the one page",
                    "change_pte_range(): the PTE becomes R/O, then the policy's mprotect rule "
                    "decides whether it is made writable again without a fault (6.0+ "
                    "can_change_pte_writable(): only a PageAnonExclusive page); a hugetlb PTE "
                    "stays R/O. One page of a PMD-mapped THP is a partial range: the PMD is split "
                    "first. A migration entry is made readable (readable_exclusive where entries "
                    "remember exclusivity); a swap entry is left as it is.",
                    {"mprotect"}};
        case Op::clear_refs:
            return {"echo 4 > /proc/PID/clear_refs (soft-dirty tracking)",
                    "clear_soft_dirty(): the present PTE is write-protected, unless the policy's "
                    "clear_refs rule leaves a writable PTE of a maybe-pinned page in an mm with "
                    "MMF_HAS_PINNED alone (5.11+, pte_is_pinned()); a PMD is write-protected "
                    "whole. hugetlb "
                    "PTEs are left alone (clear_refs_walk_ops has no hugetlb_entry), and an entry "
                    "that is not present only loses soft-dirty bits.",
                    {"clear_refs"}};
        case Op::munmap:
            return {"munmap() (or MADV_DONTNEED) of the one page",
                    "zap_pte_range(): a present PTE drops its mapcount and its reference, a swap "
                    "entry its swap count, and a migration entry is cleared without waiting for "
                    "the migration. Handles on the address detach, keeping its last value. The "
                    "page is gone from the process for good: a later step of its program on it is "
                    "refused by the parser. Part of a PMD-mapped THP splits the PMD first.",
                    {}};
        case Op::pin:
            return {"pin_user_pages(FOLL_LONGTERM), e.g. RDMA or a VFIO mapping",
                    "__get_user_pages(): the page is faulted in (FOLL_WRITE for rw: a full write "
                    "fault), and a R/O pin of a page not mapped writable follows the policy's "
                    "gup_read_pin rule (take it as is, force a COW break, unshare a page that is "
                    "not PageAnonExclusive, or copy a shared one); then the handle holds a "
                    "FOLL_PIN reference (pincount) and the mm gets MMF_HAS_PINNED.",
                    {"gup_read_pin", "write_fault", "hugetlb_write_fault", "huge_pmd_write_fault",
                     "large_folio_write_fault", "swap_in"}};
        case Op::get:
            return {"get_user_pages() (FOLL_GET), as vmsplice() and O_DIRECT before 6.5 use it",
                    "As pin, with a FOLL_GET reference (refcount only) and the policy's "
                    "gup_read_get rule for a R/O get. Reliability is not promised for a get; "
                    "what its device reads is checked by get_no_leak.",
                    {"gup_read_get", "write_fault", "hugetlb_write_fault", "huge_pmd_write_fault",
                     "large_folio_write_fault", "swap_in"}};
        case Op::unpin:
            return {"unpin_user_page() or put_page(): the device is done with the buffer",
                    "The handle drops its reference; the page is freed if nothing else holds it.",
                    {}};
        case Op::dma_write:
            return {"the device writes into the buffer (DMA)",
                    "A fresh value in the handle's page. While the owner maps that address it is "
                    "what the owner should read there (its ideal memory); after that it updates "
                    "the handle's detached cell. Only through a R/W (FOLL_WRITE) reference.",
                    {}};
        case Op::swap_out:
            return {"MADV_PAGEOUT of the page (a step); reclaim by kswapd (a family or the "
                    "environment)",
                    "shrink_folio_list(): the page goes into the swapcache (add_to_swap()), every "
                    "present PTE mapping it becomes a swap entry (try_to_unmap_one(); with the "
                    "page's exclusivity where entries remember it), and it is written back and "
                    "freed if only the swapcache holds it. The policy's swap_out rule may refuse a "
                    "page with GUP references. A large folio is reclaimed whole or kept (a GUP "
                    "reference keeps it: can_split_folio()). As a step, MADV_PAGEOUT skips a page "
                    "another process maps and a page that is not present, and is refused on "
                    "hugetlb (-EINVAL).",
                    {"swap_out"},
                    "the kernel, on every frame in use (a large folio once, by its head page)"};
        case Op::reclaim:
            return {"reclaim of a swapcache page nothing maps",
                    "__remove_mapping(): a page only the swapcache holds is written back and "
                    "freed; the slot keeps the data.",
                    {}};
        case Op::migrate_start:
            return {"page migration, first half (compaction, NUMA balancing, move_pages())",
                    "migrate_pages() unmaps the page: every mapping becomes a migration entry "
                    "(writable, readable_exclusive or readable: try_to_migrate_one()) and the page "
                    "is isolated. The policy's migrate rule may refuse a page with GUP references "
                    "(5.19+: page_try_share_anon_rmap() fails for a pinned page). A THP migrates "
                    "whole, its PMD a PMD migration entry.",
                    {"migrate"}};
        case Op::migrate_finish:
            return {"page migration, second half",
                    "folio_migrate_mapping(): if the refcount freezes (no reference beyond the "
                    "isolation and the swapcache) the data moves to a new page; otherwise the "
                    "migration fails. remove_migration_ptes() maps the new (or old) page again: "
                    "writable from a writable entry, PageAnonExclusive unless the entry was "
                    "readable.",
                    {}};
        case Op::wait:
            return {"waitpid() until process Pn has exited",
                    "The program waits here until Pn's program has started and Pn is gone. An "
                    "execution where no program can go on before all have ended is stuck.",
                    {}};
        case Op::vmsplice:
            return {"vmsplice() of the page into a pipe",
                    "A R/O FOLL_GET reference in every era (iter_to_pipe() → "
                    "iov_iter_get_pages()), under the policy's gup_read_get rule.",
                    {"gup_read_get", "write_fault", "hugetlb_write_fault", "huge_pmd_write_fault",
                     "large_folio_write_fault", "swap_in"}};
        case Op::odirect_read:
            return {"an O_DIRECT read() from a file into the page",
                    "A R/W reference the device writes through (dma_write): FOLL_GET until 6.4 "
                    "(bio_iov_iter_get_pages() → iov_iter_get_pages()), a short-term FOLL_PIN "
                    "since 6.5 (a7e689dd1c06, iov_iter_extract_pages()), as the policy's odirect "
                    "decides. FOLL_WRITE makes it a full write fault first.",
                    {"odirect", "write_fault", "hugetlb_write_fault", "huge_pmd_write_fault",
                     "large_folio_write_fault", "swap_in"}};
        case Op::odirect_write:
            return {"an O_DIRECT write() of the page to a file",
                    "A R/O reference the device reads through, of the flavour the policy's "
                    "odirect decides (FOLL_GET, or a short-term FOLL_PIN), under the matching "
                    "read rule.",
                    {"odirect", "gup_read_get", "gup_read_pin", "write_fault", "hugetlb_write_fault",
                     "huge_pmd_write_fault", "large_folio_write_fault", "swap_in"}};
        case Op::iouring_fixed:
            return {"io_uring_register(IORING_REGISTER_BUFFERS): a fixed buffer",
                    "A longterm R/W pin (FOLL_PIN | FOLL_LONGTERM | FOLL_WRITE): a full write "
                    "fault first, then the pin, and MMF_HAS_PINNED.",
                    {"write_fault", "hugetlb_write_fault", "huge_pmd_write_fault",
                     "large_folio_write_fault", "swap_in"}};
        case Op::uffd_wp:
            return {"ioctl(UFFDIO_WRITEPROTECT) of the page",
                    "change_protection(MM_CP_UFFD_WP): the PTE becomes R/O, pinned or not (a PMD "
                    "is split first). The model keeps no uffd-wp bit: an entry that is not present "
                    "is left alone.",
                    {}};
        case Op::split_pmd:
            return {"__split_huge_pmd(): a partial mprotect(), munmap() or madvise() of the THP",
                    "The process's PMD (or PMD migration entry) becomes one PTE per page of the "
                    "same folio, with the same protection and exclusivity; the folio stays large.",
                    {},
                    "every live process (page v0 stands for the VMA)"};
        case Op::dontfork:
            return {"madvise(MADV_DONTFORK) of the page",
                    "VM_DONTCOPY on the page's part of the VMA (the VMA is split there, and a PMD "
                    "across it): a later fork leaves the child without the page.",
                    {}};
        case Op::dofork:
            return {"madvise(MADV_DOFORK) of the page", "VM_DONTCOPY cleared again.", {}};
        case Op::mprotect_vma:
            return {"mprotect(PROT_READ), then mprotect(PROT_READ|PROT_WRITE), of the whole VMA",
                    "As mprotect, but of the whole range at once: a PMD stays a PMD "
                    "(change_huge_pmd()). A range with a hole (after munmap) fails with ENOMEM in "
                    "the kernel; the parser refuses it.",
                    {"mprotect"}};
        case Op::split_folio:
            return {"split_folio(): deferred split, reclaim, migration fallback, or debugfs "
                    "split_huge_pages",
                    "The large folio at the page becomes order-0 folios, each page keeping its "
                    "counts and PageAnonExclusive; refused while a reference other than its "
                    "mappings and the swapcache holds it (can_split_folio()).",
                    {},
                    "the kernel, on every frame in use (a large folio once, by its head page)"};
        case Op::collapse:
            return {"madvise(MADV_COLLAPSE) of the THP range (khugepaged before 6.1)",
                    "collapse_huge_page(): the PTE-mapped pages of the range are copied into a new "
                    "PMD-mapped THP, where every era's refcount check (no GUP reference) and the "
                    "policy's collapse rule allow it; the old pages stay with whoever else maps "
                    "them.",
                    {"collapse"},
                    "every live process (page v0 stands for the VMA)"};
    }
    throw std::logic_error("step_prose: an op without prose: " + std::to_string(int(op)));
}

}  // namespace cowpin
