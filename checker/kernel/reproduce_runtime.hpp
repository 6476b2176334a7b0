// The fixed part of every program `cowpin reproduce` emits: a kselftest-style harness that runs
// one interleaving of a scenario on the running kernel.
//
// A controller (the program's main) forks P0, which maps the scenario's private anonymous pages;
// every scenario process then serves commands from its own pipe, in the order the controller
// sends them, and answers on a shared reply pipe. fork is a real fork(); a pin is an io_uring
// fixed buffer (FOLL_PIN | FOLL_LONGTERM | FOLL_WRITE), dma_write a READ_FIXED into it and the
// device's view a WRITE_FIXED out of it; a get is vmsplice() into a pipe, whose read is the
// device's view; swap_out is MADV_PAGEOUT, checked in /proc/self/pagemap. After every step each
// live process reads its own present pages and the controller prints one KTAP line per
// observation. The generated part defines the schedule and the model's expectations.
#pragma once

namespace cowpin {

inline constexpr const char* kReproduceRuntime = R"C(
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

/* A model page: a base page, or with MAP_HUGETLB (memory "hugetlb") a 2 MiB huge page, which the
 * generated part defines. Devices move IO bytes at the start of the page, where the marker is. */
#ifndef PAGE
#define PAGE 4096UL
#define MAP_MEMORY (MAP_PRIVATE | MAP_ANONYMOUS)
#endif
/* The scenario's VMA. With memory "thp" (THP defined) it is one 2 MiB-aligned PMD-sized THP
 * whose first NPAGES base pages are the model's pages; the rest of the folio is filled and left
 * alone. With MTHP also defined (a spec of 4 pages) it is one 16 kB-aligned 16 kB mTHP (order
 * 2), the model's pages exactly, which no PMD can map. */
#ifdef MTHP
#define AREA ((size_t)NPAGES * PAGE)
#define MTHP_CONTROL "/sys/kernel/mm/transparent_hugepage/hugepages-16kB/enabled"
#elif defined(THP)
#define AREA (2UL << 20)
#else
#define AREA ((size_t)NPAGES * PAGE)
#endif
#ifndef MAP_FIXED_NOREPLACE  /* Linux 4.17 */
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_COLLAPSE  /* Linux 6.1 */
#define MADV_COLLAPSE 25
#endif
#define IO 4096L
#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 4
#ifndef UFFD_FEATURE_WP_ASYNC  /* Linux 6.7; Debian bookworm's headers are 6.1 */
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

enum op {
	OP_FORK, OP_EXIT, OP_WRITE, OP_READ, OP_MPROTECT, OP_CLEAR_REFS, OP_UFFD_WP, OP_MUNMAP,
	OP_PIN, OP_GET, OP_UNPIN, OP_DMA_WRITE, OP_SWAP_OUT, OP_WAIT, OP_DONTFORK, OP_DOFORK, OP_MPROTECT_VMA,
	OP_SPLIT_PMD, OP_SPLIT_FOLIO, OP_COLLAPSE,
	OP_CHECK_PAGE, OP_CHECK_SWAPPED, OP_CHECK_PIN, OP_QUIT,
};

struct cmd { int op, page, handle, arg; uint64_t marker; };
struct reply { int status; uint64_t seen; char why[96]; };  /* status: 0 ok, 1 skip, 2 error */

/* What the controller runs: one step, then the observations the model predicts after it. */
struct step { int proc; struct cmd cmd; const char *text; };
struct observation {
	int after_step;   /* index into steps */
	int proc, op, page, handle;
	uint64_t expect;  /* marker; for OP_CHECK_SWAPPED 1 or 0 */
	const char *what;
};

)C";

// The generated schedule and expectations go between the two halves.
inline constexpr const char* kReproduceRuntimeTail = R"C(
static int cmd_pipe[NPROCS][2];
static int reply_pipe[2];
static char *mem;
static int me;
static struct io_uring rings[NHANDLES];
static int ring_file[NHANDLES];
static int get_pipe[NHANDLES][2];

static void put_marker(char *p, uint64_t m, size_t len) { memcpy(p, &m, 8); memcpy(p + len - 8, &m, 8); }
static uint64_t get_marker(const char *page) { uint64_t m; memcpy(&m, page, 8); return m; }

static uint64_t pagemap_entry(const void *addr)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (off_t)((uintptr_t)addr / 4096) * 8) != 8)
		e = 0;
	close(fd);
	return e;
}

/* Whether any swap space is on: without it MADV_PAGEOUT keeps every anonymous page, which says
 * nothing about the model; with it, a page left present is the kernel's answer. */
static int swap_configured(void)
{
	struct sysinfo si;
	return sysinfo(&si) == 0 && si.totalswap > 0;
}

static void reply_with(int status, uint64_t seen, const char *why)
{
	struct reply r;
	memset(&r, 0, sizeof(r));
	r.status = status;
	r.seen = seen;
	if (why)
		snprintf(r.why, sizeof(r.why), "%s", why);
	if (write(reply_pipe[1], &r, sizeof(r)) != sizeof(r))
		_exit(3);
}

/* A file holding one page with a marker, for io_uring READ_FIXED / WRITE_FIXED. */
static int marker_file(uint64_t m)
{
	char buf[IO];
	int fd = syscall(SYS_memfd_create, "cowpin", 0);
	if (fd < 0)
		return -1;
	memset(buf, 0, sizeof(buf));
	put_marker(buf, m, IO);
	if (pwrite(fd, buf, IO, 0) != IO) {
		close(fd);
		return -1;
	}
	return fd;
}

static int ring_io(int h, int write_fixed, char *addr)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&rings[h]);
	struct io_uring_cqe *cqe;
	int res;
	if (!sqe)
		return -1;
	if (write_fixed)
		io_uring_prep_write_fixed(sqe, ring_file[h], addr, IO, 0, 0);
	else
		io_uring_prep_read_fixed(sqe, ring_file[h], addr, IO, 0, 0);
	if (io_uring_submit(&rings[h]) != 1 || io_uring_wait_cqe(&rings[h], &cqe))
		return -1;
	res = cqe->res;
	io_uring_cqe_seen(&rings[h], cqe);
	return res == IO ? 0 : -1;
}

static void serve(void)
{
	struct cmd c;
	for (;;) {
		char *page;
		if (read(cmd_pipe[me][0], &c, sizeof(c)) != sizeof(c))
			_exit(3);
		page = mem + (size_t)c.page * PAGE;
		switch (c.op) {
		case OP_FORK: {
			pid_t pid = fork();
			if (pid < 0) {
				reply_with(2, 0, "fork failed");
				break;
			}
			if (pid == 0) { /* the child serves its own pipe from now on */
				me = c.arg;
				continue;
			}
			reply_with(0, (uint64_t)pid, NULL);
			break;
		}
		case OP_EXIT:
			reply_with(0, 0, NULL);
			_exit(0);
		case OP_WRITE:
			put_marker(page, c.marker, PAGE);
			reply_with(0, 0, NULL);
			break;
		case OP_READ:
		case OP_CHECK_PAGE:
			reply_with(0, get_marker(page), NULL);
			break;
		case OP_MPROTECT:
			if (mprotect(page, PAGE, PROT_READ) || mprotect(page, PAGE, PROT_READ | PROT_WRITE))
				reply_with(2, 0, "mprotect failed");
			else
				reply_with(0, 0, NULL);
			break;
		case OP_MPROTECT_VMA: /* the whole area at once */
			if (mprotect(mem, AREA, PROT_READ) || mprotect(mem, AREA, PROT_READ | PROT_WRITE))
				reply_with(2, 0, "mprotect failed");
			else
				reply_with(0, 0, NULL);
			break;
		case OP_CLEAR_REFS: {
			int fd = open("/proc/self/clear_refs", O_WRONLY);
			/* Soft-dirty tracking shows as pagemap bit 55 on a just-written page. */
			if (!(pagemap_entry(page) & (1ULL << 55))) {
				reply_with(1, 0, "clear_refs: no soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY)");
				if (fd >= 0)
					close(fd);
				break;
			}
			if (fd < 0 || write(fd, "4", 1) != 1)
				reply_with(1, 0, "clear_refs: /proc/self/clear_refs not writable");
			else
				reply_with(0, 0, NULL);
			if (fd >= 0)
				close(fd);
			break;
		}
		case OP_UFFD_WP: {
			/* Write-protect the page with userfaultfd; UFFD_FEATURE_WP_ASYNC resolves the
			 * later write fault in the kernel (clear the bit, then do_wp_page() as for any
			 * R/O-mapped page), so no monitor thread is needed. The descriptor stays open:
			 * closing it would unregister the range and drop the protection. */
			struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC };
			struct uffdio_register reg = { .range = { (uintptr_t)page, PAGE },
						       .mode = UFFDIO_REGISTER_MODE_WP };
			struct uffdio_writeprotect wp = { .range = { (uintptr_t)page, PAGE },
							  .mode = UFFDIO_WRITEPROTECT_MODE_WP };
			int fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
			if (fd < 0)
				reply_with(1, 0, "userfaultfd unavailable");
			else if (ioctl(fd, UFFDIO_API, &api))
				reply_with(1, 0, "userfaultfd: no UFFD_FEATURE_WP_ASYNC (Linux 6.7+)");
			else if (ioctl(fd, UFFDIO_REGISTER, &reg) || ioctl(fd, UFFDIO_WRITEPROTECT, &wp))
				reply_with(1, 0, "userfaultfd: write-protect registration failed");
			else
				reply_with(0, 0, NULL);
			break;
		}
		case OP_MUNMAP:
			if (munmap(page, PAGE))
				reply_with(2, 0, "munmap failed");
#ifdef MTHP
			/* Keep the address taken: a 16 kB area's holes fit a later mmap (io_uring's
			 * rings at OP_PIN landed on v1-v3 after munmap), whose page pagemap would show
			 * where the model has none. A PROT_NONE placeholder has no pages (pagemap: no
			 * page) and no PTE of the folio. */
			else if (mmap(page, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
				      -1, 0) != page)
				reply_with(2, 0, "mmap of a PROT_NONE placeholder failed");
#endif
			else
				reply_with(0, 0, NULL);
			break;
		case OP_DONTFORK:
		case OP_DOFORK:
			if (madvise(page, PAGE, c.op == OP_DONTFORK ? MADV_DONTFORK : MADV_DOFORK))
				reply_with(2, 0, "MADV_DONTFORK/MADV_DOFORK failed");
			else
				reply_with(0, 0, NULL);
			break;
		case OP_PIN: {
			struct iovec iov = { page, PAGE };
			int ret = io_uring_queue_init(4, &rings[c.handle], 0);
			if (ret) {
				reply_with(1, 0, "io_uring unavailable");
				break;
			}
			ring_file[c.handle] = marker_file(0);
			ret = io_uring_register_buffers(&rings[c.handle], &iov, 1);
			if (ret || ring_file[c.handle] < 0)
				reply_with(1, 0, "io_uring_register_buffers failed (RLIMIT_MEMLOCK?)");
			else
				reply_with(0, 0, NULL);
			break;
		}
		case OP_GET: {
			struct iovec iov = { page, IO };  /* a reference on the whole (huge) page */
			if (pipe(get_pipe[c.handle]) ||
			    vmsplice(get_pipe[c.handle][1], &iov, 1, 0) != IO)
				reply_with(1, 0, "vmsplice failed");
			else
				reply_with(0, 0, NULL);
			break;
		}
		case OP_UNPIN:
			if (c.arg) { /* a get: the device reads the pipe, dropping the reference */
				char buf[IO];
				ssize_t n = read(get_pipe[c.handle][0], buf, IO);
				close(get_pipe[c.handle][0]);
				close(get_pipe[c.handle][1]);
				reply_with(n == IO ? 0 : 2, n == IO ? get_marker(buf) : 0, "pipe read failed");
			} else {
				io_uring_unregister_buffers(&rings[c.handle]);
				io_uring_queue_exit(&rings[c.handle]);
				close(ring_file[c.handle]);
				reply_with(0, 0, NULL);
			}
			break;
		case OP_DMA_WRITE: {
			char buf[IO];
			memset(buf, 0, sizeof(buf));
			put_marker(buf, c.marker, IO);
			if (pwrite(ring_file[c.handle], buf, IO, 0) != IO ||
			    ring_io(c.handle, 0, mem + (size_t)c.arg * PAGE))
				reply_with(2, 0, "READ_FIXED failed");
			else
				reply_with(0, 0, NULL);
			break;
		}
		case OP_CHECK_PIN: {
			char buf[IO];
			if (ring_io(c.handle, 1, mem + (size_t)c.arg * PAGE) ||
			    pread(ring_file[c.handle], buf, IO, 0) != IO)
				reply_with(2, 0, "WRITE_FIXED failed");
			else
				reply_with(0, get_marker(buf), NULL);
			break;
		}
#ifdef MTHP
		case OP_SPLIT_PMD:
			/* The model starts its folio PMD-mapped; a 16 kB mTHP is PTE-mapped from its
			 * fault on, so the split has nothing to do (cow.c's run_with_pte_mapped_thp()
			 * finds it so: its mprotect() of one page changes no PMD). The model's PMD is
			 * compared as the four PTEs mapping the folio whole (check_page_state()). */
			reply_with(0, 0, NULL);
			break;
#elif defined(THP)
		case OP_SPLIT_PMD:
			/* cow.c's way to PTE-map a THP: mprotect() one base page (the folio's last, which
			 * the model does not name) and back; change_pmd_range() splits the PMD. */
			if (mprotect(mem + AREA - 4096, 4096, PROT_READ) ||
			    mprotect(mem + AREA - 4096, 4096, PROT_READ | PROT_WRITE))
				reply_with(2, 0, "mprotect failed");
			else
				reply_with(0, 0, NULL);
			break;
#endif
#ifdef THP
		case OP_SPLIT_FOLIO: {
			/* split_huge_pages_pid() (debugfs): split the large folio mapped in this range. */
			char req[96];
			int fd = open("/sys/kernel/debug/split_huge_pages", O_WRONLY);
			snprintf(req, sizeof(req), "%d,%#lx,%#lx", (int)getpid(), (unsigned long)mem,
				 (unsigned long)(mem + AREA));
			if (fd < 0)
				reply_with(1, 0, "split_folio needs /sys/kernel/debug/split_huge_pages");
			else if (write(fd, req, strlen(req)) < 0)
				reply_with(2, 0, "split_huge_pages failed");
			else
				reply_with(0, 0, NULL);
			if (fd >= 0)
				close(fd);
			break;
		}
		case OP_COLLAPSE:
			/* MADV_COLLAPSE (6.1+) needs the VMA to allow THPs again (the setup forbade them,
			 * so khugepaged cannot collapse behind the model's back). */
			madvise(mem, AREA, MADV_HUGEPAGE);
			if (madvise(mem, AREA, MADV_COLLAPSE) && errno == EINVAL)
				reply_with(1, 0, "MADV_COLLAPSE unavailable (Linux 6.1+)");
			else
				reply_with(0, 0, NULL);
			madvise(mem, AREA, MADV_NOHUGEPAGE);
			break;
#endif
		case OP_SWAP_OUT: /* arg: the model swaps the page out (1) or predicts a refusal (0) */
#ifdef THP
			/* The whole folio, as the model's swap_out; ENOMEM says part of the range is
			 * unmapped (a single-PTE THP), after advising the rest (madvise_walk_vmas()). */
			if (madvise(mem, AREA, MADV_PAGEOUT) && errno != ENOMEM)
#else
			if (madvise(page, PAGE, MADV_PAGEOUT))
#endif
				reply_with(1, 0, "MADV_PAGEOUT failed");
			else if (c.arg && !(pagemap_entry(page) & (1ULL << 62)) && !swap_configured())
				reply_with(1, 0, "MADV_PAGEOUT did not swap the page out: no swap space");
			else
				reply_with(0, 0, NULL);
			break;
		case OP_CHECK_SWAPPED:
			reply_with(0, (pagemap_entry(page) >> 62) & 1, NULL);
			break;
		case OP_WAIT:
			reply_with(0, 0, NULL);
			break;
		case OP_QUIT:
			_exit(0);
		default:
			reply_with(2, 0, "unknown command");
		}
	}
}

)C";

}  // namespace cowpin
