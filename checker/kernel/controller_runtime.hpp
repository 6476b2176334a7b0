// The controller half of every program `cowpin reproduce` emits (after the scenario processes'
// command loop, reproduce_runtime.hpp, and the page-state checks, page_state_runtime.hpp): main()
// sets up P0's memory (base pages, MAP_HUGETLB pages, a PMD-mapped THP or a 16 kB mTHP), sends each step to the
// process that takes it, and prints one KTAP line per predicted observation, values and page
// state, waiting for swap writeback so that the swapcache does not depend on the disk's timing.
#pragma once

namespace cowpin {

inline constexpr const char* kControllerRuntime = R"C(
#ifdef THP
/* The kpageflags of the page mapped at addr in this process; -1 without root or page. */
static int own_page(const char *addr, uint64_t *pfn, uint64_t *flags)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY), ok;
	if (fd < 0)
		return -1;
	ok = pread(fd, &e, 8, (off_t)((uintptr_t)addr / 4096) * 8) == 8 && (e & (1ULL << 63));
	close(fd);
	*pfn = e & ((1ULL << 55) - 1);
	fd = open("/proc/kpageflags", O_RDONLY);
	if (fd < 0 || !ok || !*pfn)
		ok = 0;
	else
		ok = pread(fd, flags, 8, (off_t)*pfn * 8) == 8;
	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* NULL if the area is the large folio the model assumes, else why not. THP: page 0 is a THP's
 * (KPF_THP). MTHP: pages 0-3 are one folio of exactly 4 pages: a compound head and 3 tails at
 * consecutive PFNs, all KPF_THP, and the page after them no tail (else the folio is larger). */
static const char *large_folio_missing(const char *area)
{
	uint64_t pfn, flags;
	if (access("/proc/kpageflags", R_OK))
		return "THP: needs root to see the folio (/proc/kpageflags)";
#ifdef MTHP
	uint64_t head = 0;
	for (int v = 0; v <= NPAGES; v++) {
		uint64_t want = v == 0 ? 1ULL << 15 : 1ULL << 16;  /* KPF_COMPOUND_HEAD, _TAIL */
		if (v == NPAGES) {  /* the page after the folio: not one of its tails */
			int fd = open("/proc/kpageflags", O_RDONLY);
			int ok = fd >= 0 && pread(fd, &flags, 8, (off_t)(head + NPAGES) * 8) == 8;
			if (fd >= 0)
				close(fd);
			if (ok && (flags & (1ULL << 16)))
				return "mTHP: the kernel gave a folio larger than 16 kB";
			break;
		}
		if (own_page(area + (size_t)v * 4096, &pfn, &flags))
			return "mTHP: a page of the area is not present after the write";
		if (v == 0)
			head = pfn;
		if (pfn != head + (uint64_t)v || !(flags & want) || !(flags & (1ULL << 22)))
			return "mTHP: the kernel gave no 16 kB folio (hugepages-16kB/enabled? memory?)";
	}
#else
	if (own_page(area, &pfn, &flags) || !(flags & (1ULL << 22)))
		return "THP: the kernel gave no PMD-sized THP (enabled? free 2 MiB pages?)";
#endif
	return NULL;
}

/* THP: a PMD-mapped THP: a 2 MiB-aligned VMA of exactly 2 MiB with MADV_HUGEPAGE, every byte
 * written (do_huge_pmd_anonymous_page() on the first touch; no page left zero-filled, so the THP
 * shrinker never finds it underused), then MADV_NOHUGEPAGE so that khugepaged leaves it alone.
 * MTHP: the same with a 16 kB-aligned VMA of exactly 16 kB: no PMD fits, and the first touch
 * allocates the largest order thp_vma_allowable_orders() allows that fits the VMA
 * (alloc_anon_folio()): order 2, with hugepages-16kB/enabled "madvise" (the harness sets it).
 * MADV_NOHUGEPAGE afterwards makes later faults (a swap-in) order-0 ones, as the model's are.
 * MAP_FAILED with r->why set if the kernel gave no such folio. */
static char *thp_area(struct reply *r)
{
	char *raw, *area;
	const char *why;
#ifdef MTHP
	if (access(MTHP_CONTROL, F_OK)) {
		r->status = 1;
		snprintf(r->why, sizeof(r->why), "mTHP: no hugepages-16kB control (Linux 6.8+, THP)");
		return MAP_FAILED;
	}
#endif
	raw = mmap(NULL, 2 * AREA, PROT_READ | PROT_WRITE, MAP_MEMORY, -1, 0);
	if (raw == MAP_FAILED)
		return raw;
	area = (char *)(((uintptr_t)raw + AREA - 1) & ~(AREA - 1));
	if (area > raw)
		munmap(raw, area - raw);
	munmap(area + AREA, raw + AREA - area);
	madvise(area, AREA, MADV_HUGEPAGE);
	memset(area, 0x5a, AREA);
	madvise(area, AREA, MADV_NOHUGEPAGE);
	why = large_folio_missing(area);
	if (why) {
		r->status = 1;
		snprintf(r->why, sizeof(r->why), "%s", why);
		munmap(area, AREA);
		return MAP_FAILED;
	}
	return area;
}
#endif

static pid_t pids[NPROCS];

static int send_cmd(int proc, struct cmd c, struct reply *r)
{
	if (write(cmd_pipe[proc][1], &c, sizeof(c)) != sizeof(c))
		return -1;
	if (read(reply_pipe[0], r, sizeof(*r)) != sizeof(*r))
		return -1;
	return 0;
}

/* An exited process is gone once its mm is torn down: it is a zombie, or reaped. */
static void wait_gone(pid_t pid)
{
	char path[64], buf[256];
	for (int i = 0; i < 10000; i++) {
		int fd;
		ssize_t n;
		char *p;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = 0;
		p = strrchr(buf, ')');
		if (!p || p[2] == 'Z' || p[2] == 'X')
			return;
		usleep(100);
	}
}

static uintptr_t base;  /* the scenario's pages, at the same address in every process */
#ifdef THP
static uint64_t before_pageout[AREA / 4096];  /* each base page's PFN before MADV_PAGEOUT */
#endif
static int next_ps, tap, failed, passed, skipped;

/* One KTAP line per page-state group predicted after step i (-1: after the setup). */
static void page_states(int i)
{
	for (; next_ps < NPSTATES && pstates[next_ps].after_step == i; next_ps++) {
		const struct pstate *g = &pstates[next_ps];
		char why[512];
		int rc = check_page_state(g, pids[g->proc], base, why, sizeof(why));
		tap++;
		if (rc == 0) {
			passed++;
			printf("ok %d %s\n", tap, g->what);
		} else if (rc == 2) {
			skipped++;
			printf("ok %d %s # SKIP %s\n", tap, g->what, why);
		} else {
			failed++;
			printf("not ok %d %s # %s\n", tap, g->what, why);
		}
	}
}

static int run(void)
{
	int next_obs = 0;
	printf("TAP version 13\n1..%d\n", NOBS + NPSTATES);
	fflush(stdout);
	for (int p = 0; p < NPROCS; p++)
		if (pipe(cmd_pipe[p]))
			return KSFT_FAIL;
	if (pipe(reply_pipe))
		return KSFT_FAIL;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* Every scenario process on one CPU: a page faulted in sits in that CPU's LRU batch
	 * until drained, and MADV_PAGEOUT drains only the CPU it runs on (lru_add_drain() in
	 * madvise_pageout()); a page left in another CPU's batch is not paged out. */
	{
		cpu_set_t one;
		int cpu = sched_getcpu();
		CPU_ZERO(&one);
		CPU_SET(cpu < 0 ? 0 : cpu, &one);
		sched_setaffinity(0, sizeof(one), &one);
	}
	pids[0] = fork();
	if (pids[0] == 0) {
		struct reply r;
		me = 0;
		memset(&r, 0, sizeof(r));
#ifdef THP
		mem = thp_area(&r);
#else
		mem = mmap(NULL, AREA, PROT_READ | PROT_WRITE, MAP_MEMORY, -1, 0);
#endif
		if (mem == MAP_FAILED) {  /* MAP_HUGETLB without free huge pages, or no THP */
			r.status = 1;
			if (!r.why[0])
				snprintf(r.why, sizeof(r.why), "mmap failed: %s", strerror(errno));
			if (write(reply_pipe[1], &r, sizeof(r)) != sizeof(r))
				_exit(3);
			_exit(0);
		}
#ifndef THP
		if (PAGE == 4096)
			madvise(mem, AREA, MADV_NOHUGEPAGE);
#endif
		for (int v = 0; v < NPAGES; v++)
			put_marker(mem + (size_t)v * PAGE, initial_marker[v], PAGE);
		r.seen = (uint64_t)(uintptr_t)mem;  /* where the pages are, for their page state */
		if (write(reply_pipe[1], &r, sizeof(r)) != sizeof(r))
			_exit(3);
		serve();
	}
	{
		struct reply hello;
		if (read(reply_pipe[0], &hello, sizeof(hello)) != sizeof(hello))
			return KSFT_FAIL;
		if (hello.status == 1) {
			printf("# SKIP step 0 (mmap): %s\n", hello.why);
			printf("Bail out! cannot reproduce on this kernel\n");
			return KSFT_SKIP;
		}
		base = (uintptr_t)hello.seen;
	}
	page_states(-1);
	for (int i = 0; i < NSTEPS; i++) {
		struct reply r;
		uint64_t pageout_pfn = 0;
		if (steps[i].cmd.op == OP_SWAP_OUT) {
			pageout_pfn = mapped_pfn(pids[steps[i].proc], base + (uintptr_t)steps[i].cmd.page * PAGE);
#ifdef THP
			for (uintptr_t a = base; a < base + AREA; a += 4096)
				before_pageout[(a - base) / 4096] = mapped_pfn(pids[steps[i].proc], a);
#endif
		}
		if (send_cmd(steps[i].proc, steps[i].cmd, &r))
			return KSFT_FAIL;
		if (pageout_pfn && steps[i].cmd.arg) {
#ifdef THP
			/* MADV_PAGEOUT of the whole area writes every base page of the THP: wait for
			 * all of them (a swap-in's readahead reads the neighbours' slots). */
			for (uintptr_t a = base; a < base + AREA; a += 4096) {
				uint64_t pfn = mapped_pfn(pids[steps[i].proc], a);
				if (!pfn)
					pfn = before_pageout[(a - base) / 4096];
				if (pfn)
					wait_writeback(pfn);
			}
#endif
			wait_writeback(pageout_pfn);
			/* Only if the kernel did swap the page out: a page it kept present is its answer,
			 * compared below. */
			if (!mapped_pfn(pids[steps[i].proc], base + (uintptr_t)steps[i].cmd.page * PAGE) &&
			    !left_in_swapcache(pageout_pfn)) {
				printf("# SKIP step %d (%s): swap-out race: the swap write completed at once "
				       "and the page left the swapcache\n", i + 1, steps[i].text);
				printf("Bail out! timing, not COW logic: run it again\n");
				return KSFT_SKIP;
			}
			drain_lru_batches_everywhere();
		}
		if (r.status == 1) {
			printf("# SKIP step %d (%s): %s\n", i + 1, steps[i].text, r.why);
			printf("Bail out! cannot reproduce on this kernel\n");
			return KSFT_SKIP;
		}
		if (r.status == 2) {
			printf("Bail out! step %d (%s): %s\n", i + 1, steps[i].text, r.why);
			return KSFT_FAIL;
		}
		if (steps[i].cmd.op == OP_FORK)
			pids[steps[i].cmd.arg] = (pid_t)r.seen;
		if (steps[i].cmd.op == OP_EXIT)
			wait_gone(pids[steps[i].proc]);
		page_states(i);
		for (; next_obs < NOBS && obs[next_obs].after_step == i; next_obs++) {
			const struct observation *o = &obs[next_obs];
			struct cmd c = { o->op, o->page, o->handle, o->page, 0 };
			uint64_t seen = r.seen;
			if (o->op != OP_UNPIN && o->op != OP_READ) { /* the step's own reply is the view */
				if (send_cmd(o->proc, c, &r) || r.status)
					return KSFT_FAIL;
				seen = r.seen;
			}
			tap++;
			if (seen == o->expect) {
				passed++;
				printf("ok %d %s\n", tap, o->what);
			} else {
				failed++;
				printf("not ok %d %s # kernel shows %#llx, the model %#llx\n", tap,
				       o->what, (unsigned long long)seen, (unsigned long long)o->expect);
			}
		}
		fflush(stdout);
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n", passed, failed, skipped);
	return failed ? KSFT_FAIL : KSFT_PASS;
}

int main(void)
{
	int rc = run();
	fflush(stdout);
	for (int p = 0; p < NPROCS; p++)
		if (pids[p] > 0)
			kill(pids[p], SIGKILL);
	while (wait(NULL) > 0)
		;
	return rc;
}
)C";

}  // namespace cowpin
