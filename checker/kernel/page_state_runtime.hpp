// The C half of the page-state observations (checker/kernel/page_state.hpp): the controller reads
// each scenario process's /proc/PID/pagemap, then /proc/kpagecount and /proc/kpageflags at the
// PFN it finds, and compares them with the model's prediction for the group. Needs root: without
// CAP_SYS_ADMIN pagemap shows PFN 0 and kpage* cannot be opened, and every group is a SKIP with
// that reason, never a pass.
#pragma once

namespace cowpin {

// Before the generated tables.
inline constexpr const char* kPageStateTypes = R"C(
/* What the model predicts for one process's page after a step. pte: 0 none, 1 present,
 * 2 swapped out; frame: the model's frame name (index into frame_life) when present. */
struct pstate {
	int after_step, proc, page, pte, frame, mapcount, swapcache;
	int large, pmd;  /* THP: a page of a large folio; mapped by a PMD */
	const char *what;
};
/* The steps at which the model allocates and frees a frame (-1: before the first step). */
struct frame_life { int born, died; };
)C";

// After the generated tables, before the controller.
inline constexpr const char* kPageStateChecks = R"C(
/* fs/proc/task_mmu.c: PM_PFRAME_MASK, PM_SWAP, PM_PRESENT; include/uapi/linux/kernel-page-flags.h */
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)
#define KPF_ANON 12
#define KPF_SWAPCACHE 13
#define KPF_COMPOUND_HEAD 15
#define KPF_COMPOUND_TAIL 16
#define KPF_HUGE 17
#define KPF_KSM 21
#define KPF_THP 22

static uint64_t pfn_of[NFRAMES > 0 ? NFRAMES : 1];
static int pfn_known[NFRAMES > 0 ? NFRAMES : 1];

static int read_u64_at(const char *path, uint64_t index, uint64_t *out)
{
	int fd = open(path, O_RDONLY);
	int ok;
	if (fd < 0)
		return -1;
	ok = pread(fd, out, 8, (off_t)(index * 8)) == 8;
	close(fd);
	return ok ? 0 : -1;
}

/* The PFN mapped at the process's page, or 0 (not present, or no root). */
static uint64_t mapped_pfn(pid_t pid, uintptr_t addr)
{
	char path[64];
	uint64_t e;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	if (read_u64_at(path, addr / 4096, &e) || !(e & PM_PRESENT))
		return 0;
	return e & PM_PFN_MASK;
}

/* MADV_PAGEOUT starts writeback to swap and returns; the page stays in the swapcache, under
 * writeback, until the write completes (shrink_folio_list(): pageout(), then keep). While it is
 * under writeback a swap-in finds it but folio_free_swap() refuses to drop it, so whether the page
 * leaves the swapcache would depend on the disk's timing. Wait (at most 2 s) for the write to
 * end, as a page reclaimed earlier would have: the model swaps out at once. */
#define KPF_WRITEBACK 8
static void wait_writeback(uint64_t pfn)
{
	uint64_t flags;
	for (int i = 0; i < 2000; i++) {
		if (read_u64_at("/proc/kpageflags", pfn, &flags) || !(flags & (1ULL << KPF_WRITEBACK)))
			return;
		usleep(1000);
	}
}

/* The end of a swap write (folio_end_writeback()) rotates a folio that reclaim marked
 * (PG_reclaim) to the tail of the LRU through a per-CPU batch, folio_rotate_reclaimable(), which
 * holds a folio reference until that CPU's batch is drained. The write completes in an interrupt,
 * on any CPU; while the reference lasts, a swap-in's should_try_to_free_swap() sees one reference
 * too many (folio_ref_count() != 1 + folio_nr_pages()) and keeps the folio in the swapcache where
 * the model drops it. Whether it lasts is which CPU took the interrupt and what ran there since,
 * not COW logic: drain every CPU's batches after a swap-out. migrate_pages(2) from node 0 to node
 * 0 of this process (the controller maps no scenario page) migrates nothing but starts with
 * lru_cache_disable(), which drains every CPU (__lru_add_drain_all(true)); lru_add_drain_all() is
 * no longer reachable through mlock() since 5.18. Without NUMA the call fails and drains nothing. */
static void drain_lru_batches_everywhere(void)
{
	unsigned long node0 = 1;
	syscall(SYS_migrate_pages, getpid(), 8 * sizeof(node0), &node0, &node0);
}

/* Whether the page swapped out from pfn stayed in the swapcache. Usually it does: the write to
 * the swap file completes after shrink_folio_list() checked folio_test_writeback(), which then
 * keeps the folio, and a later swap-in finds it there. When the write completes first, the
 * folio is freed at once and a swap-in reads a new folio, which sits in a per-CPU LRU batch
 * (folio_add_lru()) during the fault: its extra reference makes should_try_to_free_swap() keep
 * it in the swapcache on a write fault where the first path drops it. Which path the kernel
 * takes is the disk's timing, not COW logic, so the program retries rather than compares. */
static int left_in_swapcache(uint64_t pfn)
{
	uint64_t flags;
	return !read_u64_at("/proc/kpageflags", pfn, &flags) && (flags & (1ULL << KPF_SWAPCACHE));
}

/* Whether the VMA at addr is mapped by a PMD: its AnonHugePages in /proc/PID/smaps
 * (smaps_pmd_entry() counts PMD-mapped anonymous THPs there, PTE-mapped ones not). */
static int pmd_mapped(pid_t pid, uintptr_t addr)
{
	char path[64], line[256];
	int in_vma = 0, found = 0;
	FILE *f;
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end, kb;
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 && strchr(line, '-') < strchr(line, ' '))
			in_vma = addr >= start && addr < end;
		else if (in_vma && sscanf(line, "AnonHugePages: %lu kB", &kb) == 1)
			found = kb > 0;
	}
	fclose(f);
	return found;
}

#ifdef MTHP
/* Whether the process's four PTEs map the area's 16 kB folio whole: every page present, page v
 * at the compound head's PFN + v (what the model's PMD mapping of the folio is on a kernel that
 * never maps an mTHP by a PMD). */
static int mapped_whole(pid_t pid, uintptr_t addr)
{
	uint64_t head = mapped_pfn(pid, addr), flags;
	if (!head || read_u64_at("/proc/kpageflags", head, &flags) ||
	    !(flags & (1ULL << KPF_COMPOUND_HEAD)))
		return 0;
	for (int v = 1; v < NPAGES; v++)
		if (mapped_pfn(pid, addr + (uintptr_t)v * 4096) != head + (uint64_t)v)
			return 0;
	return 1;
}
#endif

static const char *pte_words(int pte)
{
	return pte == 1 ? "present" : pte == 2 ? "swapped out" : "no page";
}

/* Appends "; field 'name': ..." to why. */
static void differs(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void differs(char *why, size_t n, const char *fmt, ...)
{
	size_t len = strlen(why);
	va_list ap;
	if (len && len + 2 < n) {
		strcat(why, "; ");
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why + len, n - len, fmt, ap);
	va_end(ap);
}

/* 0 agree, 1 disagree, 2 skip; why says which fields differ (or why skipped). */
static int check_page_state(const struct pstate *g, pid_t pid, uintptr_t base, char *why, size_t n)
{
	char path[64];
	uint64_t e, count, flags, pfn;
	int pte, kind_ok;
	why[0] = 0;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	if (read_u64_at(path, (base + (uint64_t)g->page * PAGE) / 4096, &e)) {
		snprintf(why, n, "cannot read %s", path);
		return 2;
	}
	pte = e & PM_PRESENT ? 1 : e & PM_SWAP ? 2 : 0;
	if (pte != g->pte) {
		differs(why, n, "field 'pte': the kernel shows %s, the model %s", pte_words(pte),
			pte_words(g->pte));
		return 1;
	}
	if (pte != 1)
		return 0;
	pfn = e & PM_PFN_MASK;
	if (!pfn || read_u64_at("/proc/kpagecount", pfn, &count) ||
	    read_u64_at("/proc/kpageflags", pfn, &flags)) {
		snprintf(why, n, "page state needs root (PFNs in pagemap, /proc/kpagecount, /proc/kpageflags)");
		return 2;
	}
	/* The frame: the same PFN while the model keeps the frame; a new frame on a page that no
	 * frame alive when it was allocated has. */
	if (pfn_known[g->frame]) {
		if (pfn_of[g->frame] != pfn)
			differs(why, n, "field 'frame': the kernel maps pfn %#llx, the model keeps frame F%d "
				"(pfn %#llx)", (unsigned long long)pfn, g->frame + 1,
				(unsigned long long)pfn_of[g->frame]);
	} else {
		int born = frame_life[g->frame].born;
		for (int f = 0; f < NFRAMES; f++) {
			int alive_then = frame_life[f].born <= born && frame_life[f].died >= born;
			int alive_now = frame_life[f].born <= g->after_step && frame_life[f].died > g->after_step;
			if (f == g->frame || !pfn_known[f] || pfn_of[f] != pfn || !(alive_then || alive_now))
				continue;
			differs(why, n, "field 'frame': the kernel maps pfn %#llx, which is frame F%d's "
				"page; the model maps a new frame F%d", (unsigned long long)pfn, f + 1,
				g->frame + 1);
			break;
		}
		pfn_of[g->frame] = pfn;
		pfn_known[g->frame] = 1;
	}
	if (count != (uint64_t)g->mapcount)
		differs(why, n, "field 'mapcount': the kernel counts %llu, the model %d",
			(unsigned long long)count, g->mapcount);
	if (!!(flags & (1ULL << KPF_SWAPCACHE)) != g->swapcache)
		differs(why, n, "field 'swapcache': the kernel %s, the model %s",
			flags & (1ULL << KPF_SWAPCACHE) ? "has it in the swapcache" : "does not",
			g->swapcache ? "has it in the swapcache" : "does not");
	if (!(flags & (1ULL << KPF_ANON)))
		differs(why, n, "field 'anon': the kernel's page is not anonymous");
	if (flags & (1ULL << KPF_KSM))
		differs(why, n, "field 'ksm': the kernel merged the page (KSM)");
	switch (MEMORY_KIND) {
	case 1: /* hugetlb: a 2 MiB hugetlb folio */
		kind_ok = (flags & (1ULL << KPF_HUGE)) && (flags & (1ULL << KPF_COMPOUND_HEAD));
		break;
	case 2: /* THP or mTHP: a page of a large folio, or an order-0 page (a COW copy, a split) */
		kind_ok = g->large ? !!(flags & (1ULL << KPF_THP))
				   : !(flags & ((1ULL << KPF_THP) | (1ULL << KPF_COMPOUND_HEAD) |
						(1ULL << KPF_COMPOUND_TAIL)));
		break;
	default: /* an order-0 page */
		kind_ok = !(flags & ((1ULL << KPF_HUGE) | (1ULL << KPF_THP) |
				     (1ULL << KPF_COMPOUND_HEAD) | (1ULL << KPF_COMPOUND_TAIL)));
	}
	if (!kind_ok)
		differs(why, n, "field 'folio': the kernel's flags %#llx are not those of %s",
			(unsigned long long)flags,
			MEMORY_KIND == 1 ? "a hugetlb page" : g->large ? "a THP's page" : "an order-0 page");
#ifdef MTHP
	/* No PMD maps a 16 kB mTHP: the model's PMD is the folio mapped whole by four PTEs, its
	 * PTE mapping (after split_pmd) any PTE mapping. */
	if (pmd_mapped(pid, base))
		differs(why, n, "field 'pmd': the kernel maps the 16 kB area by a PMD");
	else if (g->pmd && !mapped_whole(pid, base))
		differs(why, n, "field 'pmd': the model maps the folio whole (its PMD), the kernel's "
			"PTEs do not map the folio's 4 pages in order");
#else
	if (MEMORY_KIND == 2 && pmd_mapped(pid, base) != g->pmd)
		differs(why, n, "field 'pmd': the kernel maps the area %s, the model %s",
			g->pmd ? "by PTEs" : "by a PMD", g->pmd ? "by a PMD" : "by PTEs");
#endif
	return why[0] ? 1 : 0;
}
)C";

}  // namespace cowpin
