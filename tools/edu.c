// SPDX-License-Identifier: GPL-2.0-only
/*
 * edu: the command-line front end of edualloc's page-table walker.
 *
 *   edu walk PID ADDR        follow ADDR of process PID down the page tables
 *   edu range PID ADDR LEN   one line per page of [ADDR, ADDR + LEN)
 *   edu cow                  fork, walk a page in parent and child, write it
 *                            in the parent, walk both again: copy-on-write
 *   edu file PATH            mmap() PATH, read one byte in its middle and
 *                            walk the mapping: which pages the fault mapped
 *   edu maps PID             the VMAs of PID, with class and page counts
 *   edu layout               the kernel's address-space layout
 *   edu explain PFN          what the kernel knows of a physical frame
 *   edu kbuf                 kmalloc() versus vmalloc(): where the frames are
 *   edu block [ORDER [NODE]] allocate an edualloc buddy block, mmap() it and
 *                            check that its page tables point at the frames
 *                            the buddy allocator returned (and see that
 *                            /proc/self/pagemap does not show them)
 *   edu area PAGES [node N | interleave]
 *                            create an area (EDU_IOC_AREA_CREATE), mmap() it,
 *                            touch two pages of every three and draw which
 *                            pages the faults made present, on which node
 *   edu reclaim PAGES NODE   an area larger than NODE's pool, written and
 *                            read back: kswapd, swap, major faults
 *   edu writeback FILE PAGES a file-backed area over FILE's first PAGES
 *                            pages: read (major faults), write every other
 *                            page (dirty), msync(): the file sees it
 *
 * PID 0 is edu itself.  ADDR is hexadecimal (0x optional).  LEN carries
 * its unit, so that it cannot be misread: 16p (pages), 64K, 2M, 1G
 * (KiB, MiB, GiB) or 4096B (bytes).  PFN, ORDER and NODE are decimal, or
 * hex with 0x.  Frame numbers and kernel
 * addresses show as "hidden" unless /dev/edualloc was opened with
 * CAP_SYS_ADMIN.  Everything goes through the ioctls of
 * include/uapi/linux/edualloc.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/edualloc.h>
#include <edualloc_names.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int dev_fd = -1;
static bool privileged;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("edu: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void print_usage(void)
{
	fputs("usage: edu walk PID ADDR | range PID ADDR LEN | maps PID | layout\n"
	      "           | explain PFN | kbuf | block [ORDER [NODE]] | cow\n"
	      "           | file PATH | area PAGES [node N | interleave]\n"
	      "           | reclaim PAGES NODE | writeback FILE PAGES\n"
	      "PID 0 is edu itself; ADDR in hex; LEN with a unit: 16p (pages),\n"
	      "64K, 2M, 1G or 4096B (bytes); the others decimal or 0x-hex\n",
	      stderr);
	exit(2);
}

static uint64_t number(const char *s, int base, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || end == s || *end || *s == '-')
		die("bad %s '%s'", what, s);
	return v;
}

/*
 * A length always carries its unit.  A bare "10000" used to be read as hex
 * (16 pages), which nobody guessed; now it is refused.
 */
static uint64_t length(const char *s)
{
	static const struct {
		char unit;
		unsigned int shift;	/* 0 for pages: the page size decides */
	} units[] = {
		{ 'B', 0 }, { 'K', 10 }, { 'M', 20 }, { 'G', 30 }, { 'p', 0 },
	};
	unsigned int i, shift;
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-' || !end[0] || end[1])
		die("bad LEN '%s': give a unit, as in 16p (pages), 64K, 2M, 1G or 4096B (bytes)",
		    s);
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (*end != units[i].unit &&
		    !(units[i].shift && *end == units[i].unit + 'a' - 'A'))
			continue;
		shift = units[i].shift;
		if (units[i].unit == 'p')
			shift = __builtin_ctz(getpagesize());
		if (v > UINT64_MAX >> shift)
			die("LEN '%s' is too large", s);
		return v << shift;
	}
	die("bad LEN '%s': the unit is one of p (pages), K, M, G or B (bytes)", s);
	return 0;
}

static void dev_open(void)
{
	struct edu_info info;

	dev_fd = open("/dev/edualloc", O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		die("cannot open /dev/edualloc: %s (is the module loaded? are you root?)",
		    strerror(errno));
	memset(&info, 0, sizeof(info));
	if (ioctl(dev_fd, EDU_IOC_INFO, &info))
		die("EDU_IOC_INFO: %s", strerror(errno));
	privileged = info.caps & EDU_CAP_PFN;
}

static void xioctl(unsigned long cmd, void *arg, const char *name)
{
	if (ioctl(dev_fd, cmd, arg))
		die("%s: %s", name, strerror(errno));
}

/* ------------------------------------------------------------- words -- */

static void print_flags(uint64_t f)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(edu_pte_flag_names); i++)
		if (f & edu_pte_flag_names[i].bit)
			printf(" %s", edu_pte_flag_names[i].name);
	if (EDU_PTE_PKEY(f))
		printf(" pkey=%llu", (unsigned long long)EDU_PTE_PKEY(f));
}

static void print_levels(const struct edu_walk_level *lv)
{
	unsigned int i;

	for (i = 0; i < EDU_NR_LEVELS; i++) {
		const struct edu_walk_level *l = &lv[i];

		if (l->state == EDU_ENTRY_UNUSED)
			break;
		if (l->state == EDU_ENTRY_FOLDED) {
			puts("  P4D       folded into the PGD (4-level paging: no P4D table)");
			continue;
		}
		printf("  %s[%3llu]  0x%016llx  ", edu_level_names[i],
		       (unsigned long long)l->index,
		       (unsigned long long)l->entry);
		switch (l->state) {
		case EDU_ENTRY_NONE:
			printf("empty: nothing mapped below");
			break;
		case EDU_ENTRY_TABLE:
			printf("-> %s table", edu_level_names[edu_next_level(lv, i)]);
			break;
		case EDU_ENTRY_LEAF:
			printf("-> %s page", edu_leaf_size(i));
			break;
		case EDU_ENTRY_PROT_NONE:
			printf("-> %s page, not accessible (present bit clear)",
			       edu_leaf_size(i));
			break;
		case EDU_ENTRY_NOT_PRESENT:
			printf("not present: a swap-style entry");
			break;
		default:
			printf("bad entry");
			break;
		}
		if (l->next_pfn)
			printf(" at frame %#llx",
			       (unsigned long long)l->next_pfn);
		print_flags(l->flags);
		putchar('\n');
	}
}

/* An area's page, as reclaim sees it (edu_walk_page.area). */
static void print_area(uint64_t area)
{
	if (!area)
		return;
	printf(area & EDU_WALK_AREA_FILE ?
	       "edualloc area page (file-backed): " : "edualloc area page: ");
	if (area & EDU_WALK_AREA_SWAPPED)
		puts("in swap, not in memory");
	else if (!(area & EDU_WALK_AREA_PRESENT))
		puts(area & EDU_WALK_AREA_FILE ?
		     "only in the file: the next touch reads it (major fault)" :
		     "never touched, no page behind it");
	else if (!(area & EDU_WALK_AREA_LRU))
		puts("in memory, taken off the LRU lists by reclaim");
	else
		printf("in memory, on the %s list%s\n",
		       area & EDU_WALK_AREA_ACTIVE ? "active" : "inactive",
		       area & EDU_WALK_AREA_REFERENCED ?
		       ", referenced (seen used once)" : "");
	if (area & EDU_WALK_AREA_WRITEBACK)
		puts("writeback: being written to the file now");
	else if (area & EDU_WALK_AREA_DIRTY)
		puts("dirty: written since its last writeback; the flusher,\n"
		     "  msync() or reclaim writes it to the file");
	else if (area & EDU_WALK_AREA_PRESENT && area & EDU_WALK_AREA_FILE)
		puts("clean: the file holds the same; mapped read-only until the next write");
}

static void print_result(const struct edu_walk_page *pg, uint64_t phys,
			 uint64_t eff)
{
	const char *lvl = pg->level < EDU_NR_LEVELS ?
			  edu_level_names[pg->level] : "-";

	printf("result: ");
	switch (pg->result) {
	case EDU_WALK_NO_VMA:
		puts("no VMA covers this address: not mapped (a SIGSEGV if touched)");
		return;
	case EDU_WALK_NOT_PRESENT:
		if (pg->area & EDU_WALK_AREA_PRESENT)
			printf("not mapped here: the %s entry is empty, %s\n", lvl,
			       "but the area's page is in memory; a touch is a minor fault that maps it again");
		else if (pg->area)
			printf("never touched: the %s entry is empty; %s\n", lvl,
			       "the first touch takes a page from the pool and clears it (a minor fault)");
		else
			printf("not present: the %s entry is empty; %s\n", lvl,
			       "a touch would fault a page in");
		print_area(pg->area);
		return;
	case EDU_WALK_BAD:
		printf("the %s entry is corrupt\n", lvl);
		return;
	case EDU_WALK_SWAPPED:
		if (pg->area & EDU_WALK_AREA_SWAPPED) {
			printf("swapped out to edualloc's swap");
			if (privileged)
				printf(", slot %llu",
				       (unsigned long long)pg->swap_offset);
			puts(": the next touch is a major fault that reads it back");
			print_area(pg->area);
			return;
		}
		printf("swapped out");
		if (privileged)
			printf(" to swap area %llu, slot %#llx",
			       (unsigned long long)pg->swap_type,
			       (unsigned long long)pg->swap_offset);
		putchar('\n');
		return;
	case EDU_WALK_OTHER:
		puts("not present (hwpoison, device or marker entry)");
		return;
	case EDU_WALK_PTE:
	case EDU_WALK_PMD_LEAF:
	case EDU_WALK_PUD_LEAF:
		printf("in a %s page mapped by the %s", edu_leaf_size(pg->level),
		       lvl);
		break;
	case EDU_WALK_PROT_NONE:
		printf("in memory but PROT_NONE: the %s says not present, any access faults",
		       lvl);
		break;
	case EDU_WALK_NUMA_HINT:
		printf("in memory; NUMA balancing made the %s PROT_NONE to see who touches it",
		       lvl);
		break;
	case EDU_WALK_MIGRATING:
		printf("being migrated to another frame");
		break;
	}
	if (privileged)
		printf("; frame %#llx", (unsigned long long)pg->pfn);
	else
		printf("; frame hidden");
	if (pg->nid != EDU_NODE_NONE)
		printf(" on node %llu", (unsigned long long)pg->nid);
	printf(", %s", edu_page_kind_name(pg->kind));
	if (pg->mapcount)
		printf(", mapped %llu time%s", (unsigned long long)pg->mapcount,
		       pg->mapcount == 1 ? "" : "s");
	putchar('\n');
	print_area(pg->area);
	if (phys)
		printf("physical address: %#llx\n", (unsigned long long)phys);
	if (eff & EDU_PTE_PRESENT)
		printf("the MMU allows: %s, %s, %s\n",
		       eff & EDU_PTE_USER ? "user and kernel" : "kernel only",
		       eff & EDU_PTE_WRITE ? "read/write" : "read only",
		       eff & EDU_PTE_NX ? "no execute" : "execute");
}

/* ---------------------------------------------------------- commands -- */

static void walk_one(uint64_t pid, uint64_t addr, struct edu_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->pid = pid;
	w->addr = addr;
	xioctl(EDU_IOC_WALK, w, "walk");
}

static void print_walk(uint64_t pid, const struct edu_walk *w)
{
	printf("walk of %#llx in pid %llu, %llu-level paging\n",
	       (unsigned long long)w->addr, (unsigned long long)pid,
	       (unsigned long long)w->levels);
	if (w->vm_end)
		printf("VMA %#llx-%#llx, %s\n", (unsigned long long)w->vm_start,
		       (unsigned long long)w->vm_end,
		       edu_vma_class_name(w->vm_class));
	print_levels(w->level);
	print_result(&w->page, w->phys, w->effective);
}

static int do_walk(uint64_t pid, uint64_t addr)
{
	struct edu_walk w;

	walk_one(pid, addr, &w);
	print_walk(pid, &w);
	return 0;
}

static bool page_mapped(const struct edu_walk_page *p)
{
	return p->result == EDU_WALK_PTE || p->result == EDU_WALK_PMD_LEAF ||
	       p->result == EDU_WALK_PUD_LEAF;
}

static void print_len(uint64_t len)
{
	long psize = getpagesize();

	if (len % (1024 * 1024) == 0)
		printf("%llu MiB", (unsigned long long)(len >> 20));
	else if (len % 1024 == 0)
		printf("%llu KiB", (unsigned long long)(len >> 10));
	else
		printf("%llu bytes", (unsigned long long)len);
	printf(" (%llu page%s)", (unsigned long long)((len + psize - 1) / psize),
	       len > (uint64_t)psize ? "s" : "");
}

static void do_range(uint64_t pid, uint64_t addr, uint64_t len)
{
	struct edu_walk_range r;
	struct edu_walk_page *pages;
	uint64_t i, total = 0, resident = 0, end = addr + len;
	const size_t max = 4096;

	pages = calloc(max, sizeof(*pages));
	if (!pages)
		die("out of memory");
	/* Say what was read, so a wrong unit shows at once. */
	printf("range of ");
	print_len(len);
	printf(" from %#llx in pid %llu\n", (unsigned long long)addr,
	       (unsigned long long)pid);
	printf("%-18s %-11s %-4s %-12s %-8s %-4s %s\n", "address", "result",
	       "lvl", "frame", "kind", "node", "flags");
	memset(&r, 0, sizeof(r));
	r.pid = pid;
	r.start = addr;
	r.len = len;
	r.pages = (uintptr_t)pages;
	r.max = max;
	for (;;) {
		xioctl(EDU_IOC_WALK_RANGE, &r, "range");
		for (i = 0; i < r.nr; i++) {
			const struct edu_walk_page *p = &pages[i];

			printf("0x%016llx %-11s %-4s ", (unsigned long long)p->addr,
			       edu_walk_result_short(p->result),
			       p->level < EDU_NR_LEVELS ?
			       edu_level_names[p->level] : "-");
			if (p->pfn)
				printf("%#-12llx ", (unsigned long long)p->pfn);
			else
				printf("%-12s ", "-");
			printf("%-8s ", edu_page_kind_short(p->kind));
			if (p->nid != EDU_NODE_NONE)
				printf("%-4llu", (unsigned long long)p->nid);
			else
				printf("%-4s", "-");
			print_flags(p->flags);
			putchar('\n');
		}
		total += r.nr;
		resident += r.resident;
		if (!r.next)
			break;
		r.start = r.next;
		r.len = end - r.next;
	}
	printf("%llu pages, %llu in memory\n", (unsigned long long)total,
	       (unsigned long long)resident);
	free(pages);
}

/*
 * Copy-on-write with a live child: fork() shares the page read-only; the
 * first write by the parent faults and gives the parent a copy, while the
 * child keeps the original frame.  Returns 1 if the page tables do not
 * show that.
 */
static int do_cow(void)
{
	static const char *const when[] = { "before", "before", "after", "after" };
	static const char *const who[] = { "parent", "child", "parent", "child" };
	long psize = getpagesize();
	struct edu_walk w[4];
	char *p;
	int go[2], status, i, bad;
	pid_t pid[2];
	char c;

	if (!privileged)
		die("comparing frames needs CAP_SYS_ADMIN");
	p = mmap(NULL, psize, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	/* An anonymous page of our own, written so it is there. */
	__atomic_store_n(&p[0], 1, __ATOMIC_RELAXED);
	if (pipe(go))
		die("pipe: %s", strerror(errno));
	fflush(stdout);
	pid[1] = fork();
	if (pid[1] < 0)
		die("fork: %s", strerror(errno));
	if (!pid[1]) {
		/* The child never touches the page: it waits until told. */
		close(go[1]);
		while (read(go[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(go[0]);
	pid[0] = getpid();

	printf("one anonymous page at %p, written by the parent (pid %d),\n"
	       "then fork(): the child (pid %d) waits without touching it\n",
	       (void *)p, pid[0], pid[1]);
	for (i = 0; i < 4; i++) {
		if (i == 2) {
			/* The copy-on-write fault. */
			__atomic_store_n(&p[0], 2, __ATOMIC_RELAXED);
			printf("\n-- the parent writes to the page\n");
		}
		walk_one(pid[i % 2], (uintptr_t)p, &w[i]);
		printf("\n-- %s the write: the %s\n", when[i], who[i]);
		print_walk(pid[i % 2], &w[i]);
	}
	close(go[1]);
	waitpid(pid[1], &status, 0);

	printf("\n%-7s %-7s %-14s %-7s %s\n", "when", "who", "frame",
	       "mapped", "writable");
	for (i = 0; i < 4; i++)
		printf("%-7s %-7s %#-14llx %-7llu %s\n", when[i], who[i],
		       (unsigned long long)w[i].page.pfn,
		       (unsigned long long)w[i].page.mapcount,
		       w[i].effective & EDU_PTE_WRITE ? "yes" : "no");
	bad = w[0].page.pfn != w[1].page.pfn ||		/* shared */
	      w[0].page.mapcount != 2 ||
	      (w[0].effective | w[1].effective) & EDU_PTE_WRITE ||
	      w[2].page.pfn == w[0].page.pfn ||		/* the parent's copy */
	      !(w[2].effective & EDU_PTE_WRITE) ||
	      w[3].page.pfn != w[0].page.pfn ||		/* the child's original */
	      w[3].page.mapcount != 1;
	puts(bad ? "UNEXPECTED: this is not what copy-on-write looks like" :
	     "copy-on-write: one frame shared read-only until the write, then a private copy for the writer");
	munmap((void *)p, psize);
	return bad;
}

/* A walk-range request for the @n pages at @p, into a new array of them. */
static struct edu_walk_page *range_setup(struct edu_walk_range *r,
					 const void *p, uint64_t size,
					 uint64_t n)
{
	struct edu_walk_page *pages = calloc(n, sizeof(*pages));

	if (!pages)
		die("out of memory");
	memset(r, 0, sizeof(*r));
	r->start = (uintptr_t)p;
	r->len = size;
	r->pages = (uintptr_t)pages;
	r->max = n;
	return pages;
}

/*
 * Map a file and read one byte in its middle: the fault maps the page, and
 * with it the neighbours already in the page cache (fault-around, up to
 * /sys/kernel/debug/fault_around_bytes); the rest of the mapping is empty.
 * Drawn one character a page, as debugfs draws a pool.
 */
static int do_file(const char *path)
{
	long psize = getpagesize();
	struct edu_walk_range r;
	struct edu_walk_page *pages;
	uint64_t size, n, i, got = 0, mapped = 0, first = 0, last = 0, touch;
	const char *p;
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		die("%s: %s", path, strerror(errno));
	size = st.st_size & ~((uint64_t)psize - 1);
	n = size / psize;
	if (!n || n > 65536)
		die("%s: give a file of 1 to 65536 pages", path);
	p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	close(fd);
	touch = n / 2;
	printf("%s: %llu pages mapped at %p; reading one byte of page %llu\n",
	       path, (unsigned long long)n, (void *)p,
	       (unsigned long long)touch);
	/* A real load, which the compiler may not drop: the fault. */
	(void)__atomic_load_n(&p[touch * psize], __ATOMIC_RELAXED);

	pages = range_setup(&r, p, size, n);
	while (got < n) {
		r.pages = (uintptr_t)(pages + got);
		r.max = n - got;
		xioctl(EDU_IOC_WALK_RANGE, &r, "range");
		got += r.nr;
		if (!r.next)
			break;
		r.len -= r.next - r.start;
		r.start = r.next;
	}
	puts("the mapping, one character a page: R the page read, # mapped, . empty");
	for (i = 0; i < got; i++) {
		bool m = page_mapped(&pages[i]);

		if (i % 64 == 0)
			printf("  ");
		putchar(i == touch ? 'R' : m ? '#' : '.');
		if (i % 64 == 63 || i == got - 1)
			putchar('\n');
		if (!m)
			continue;
		if (!mapped++)
			first = i;
		last = i;
	}
	printf("mapped: %llu page%s", (unsigned long long)mapped,
	       mapped == 1 ? "" : "s");
	if (mapped)
		printf(", pages %llu-%llu, addresses %#llx-%#llx",
		       (unsigned long long)first, (unsigned long long)last,
		       (unsigned long long)pages[first].addr,
		       (unsigned long long)(pages[last].addr + psize));
	putchar('\n');
	free(pages);
	munmap((void *)p, size);
	return 0;
}

static int do_maps(uint64_t pid)
{
	struct edu_vma_list l;
	struct edu_vma *v;
	const size_t max = 64;
	uint64_t i;

	v = calloc(max, sizeof(*v));
	if (!v)
		die("out of memory");
	printf("%-25s %-4s %-8s %-5s %-10s %8s %6s %6s %-7s %s\n", "start-end",
	       "perm", "offset", "dev", "inode", "resident", "huge", "swap",
	       "class", "name");
	memset(&l, 0, sizeof(l));
	l.pid = pid;
	l.vmas = (uintptr_t)v;
	l.max = max;
	do {
		xioctl(EDU_IOC_VMA_LIST, &l, "maps");
		for (i = 0; i < l.nr; i++) {
			const struct edu_vma *e = &v[i];

			printf("%08llx-%08llx %c%c%c%c %08llx ",
			       (unsigned long long)e->start,
			       (unsigned long long)e->end,
			       e->prot & EDU_VMA_READ ? 'r' : '-',
			       e->prot & EDU_VMA_WRITE ? 'w' : '-',
			       e->prot & EDU_VMA_EXEC ? 'x' : '-',
			       e->prot & EDU_VMA_SHARED ? 's' : 'p',
			       (unsigned long long)e->offset);
			printf("%02llx:%02llx %-10llu %8llu %6llu %6llu ",
			       (unsigned long long)e->dev_major,
			       (unsigned long long)e->dev_minor,
			       (unsigned long long)e->inode,
			       (unsigned long long)e->resident,
			       (unsigned long long)e->huge,
			       (unsigned long long)e->swapped);
			printf("%-7s %s%s\n", edu_vma_class_name(e->class), e->name,
			       e->flags & EDU_VMA_NAME_TRUNC ? "..." : "");
		}
		l.start = l.next;
		l.nr = 0;
	} while (l.next);
	free(v);
	return 0;
}

static void print_size(uint64_t size)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	unsigned int u = 0;
	uint64_t unit;

	while (u < ARRAY_SIZE(units) - 1 && size >> (10 * (u + 1)) >= 10)
		u++;
	unit = 1ULL << (10 * u);
	printf("%6llu %-3s", (unsigned long long)((size + unit / 2) / unit),
	       units[u]);
}

static int do_layout(void)
{
	unsigned int idx[EDU_NR_REGIONS], i, j, t;
	struct edu_layout l;

	memset(&l, 0, sizeof(l));
	xioctl(EDU_IOC_LAYOUT, &l, "layout");
	printf("paging: %llu-level, %s\n", (unsigned long long)l.levels,
	       l.levels == 5 ? "57-bit virtual addresses (LA57)" :
			       "48-bit virtual addresses");
	if (!privileged)
		puts("kernel addresses hidden: run as root (CAP_SYS_ADMIN)");
	printf("%-18s   %-18s %10s  %s\n", "start", "end", "size", "region");
	for (i = 0; i < EDU_NR_REGIONS; i++) {
		idx[i] = i;
		for (j = i; j > 0; j--) {
			const struct edu_region *a = &l.region[idx[j]];
			const struct edu_region *b = &l.region[idx[j - 1]];

			if (a->start > b->start ||
			    (a->start == b->start && a->end <= b->end))
				break;
			t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	}
	for (i = 0; i < EDU_NR_REGIONS; i++) {
		const struct edu_region *r = &l.region[idx[i]];

		if (!r->end)
			continue;
		printf("0x%016llx - 0x%016llx ", (unsigned long long)r->start,
		       (unsigned long long)(r->end - 1));
		print_size(r->end - r->start);
		printf("  %s\n", edu_region_names[idx[i]]);
	}
	return 0;
}

static void print_frame(uint64_t pfn)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} bits[] = {
		{ EDU_FRAME_VALID, "has a struct page" },
		{ EDU_FRAME_ONLINE, "online RAM" },
		{ EDU_FRAME_RESERVED, "reserved" },
		{ EDU_FRAME_BUDDY, "free in the kernel's buddy allocator" },
		{ EDU_FRAME_SLAB, "kernel slab" },
		{ EDU_FRAME_PGTABLE, "a page table" },
		{ EDU_FRAME_ANON, "anonymous memory" },
		{ EDU_FRAME_FILE, "page cache" },
		{ EDU_FRAME_LRU, "on an LRU list" },
		{ EDU_FRAME_COMPOUND, "part of a compound page" },
		{ EDU_FRAME_ZERO, "the zero page" },
		{ EDU_FRAME_POOL, "in an edualloc pool" },
	};
	static const char *const states[] = {
		[EDU_POOL_NONE] = "?",
		[EDU_POOL_FREE] = "free, in a buddy free list",
		[EDU_POOL_ALLOCATED] = "in an allocated block",
		[EDU_POOL_PCP] = "on a per-CPU list",
		[EDU_POOL_SLAB] = "in a block of the slab allocator",
	};
	struct edu_pfn_info p;
	unsigned int i;

	memset(&p, 0, sizeof(p));
	p.pfn = pfn;
	xioctl(EDU_IOC_PFN_INFO, &p, "explain");
	printf("frame %#llx (physical address %#llx):",
	       (unsigned long long)pfn, (unsigned long long)(pfn << 12));
	if (!p.flags)
		printf(" not memory the kernel manages");
	for (i = 0; i < ARRAY_SIZE(bits); i++)
		if (p.flags & bits[i].bit)
			printf("%s %s", i ? "," : "", bits[i].name);
	putchar('\n');
	if (p.nid != EDU_NODE_NONE)
		printf("  node %llu, refcount %llu, mapcount %llu, order %llu\n",
		       (unsigned long long)p.nid,
		       (unsigned long long)p.refcount,
		       (unsigned long long)p.mapcount,
		       (unsigned long long)p.order);
	if (p.flags & EDU_FRAME_POOL)
		printf("  edualloc: node %llu pool, %s: block %#llx of order %llu\n",
		       (unsigned long long)p.pool_node,
		       p.pool_state < ARRAY_SIZE(states) ?
		       states[p.pool_state] : "?",
		       (unsigned long long)p.pool_block_pfn,
		       (unsigned long long)p.pool_order);
}

static int do_explain(uint64_t pfn)
{
	if (!privileged)
		die("explaining frames needs CAP_SYS_ADMIN");
	print_frame(pfn);
	return 0;
}

static int do_kbuf(void)
{
	static const char *const what[] = {
		[EDU_KBUF_KMALLOC] =
			"kmalloc: in the direct map, so pa = va - PAGE_OFFSET (virt_to_phys)",
		[EDU_KBUF_VMALLOC] =
			"vmalloc: any free frames, mapped in the vmalloc area: pa = vmalloc_to_pfn(va)",
	};
	struct edu_kwalk k;
	unsigned int which, i;

	if (!privileged)
		die("kernel addresses need CAP_SYS_ADMIN");
	for (which = EDU_KBUF_KMALLOC; which <= EDU_KBUF_VMALLOC; which++) {
		puts(what[which]);
		for (i = 0; i < EDU_KBUF_PAGES; i++) {
			memset(&k, 0, sizeof(k));
			k.which = which;
			k.offset = (uint64_t)i * getpagesize();
			xioctl(EDU_IOC_KWALK, &k, "kbuf");
			printf("  page %u: va %#llx  pa %#llx  walked %#llx (%s leaf)%s\n",
			       i, (unsigned long long)k.va,
			       (unsigned long long)k.pa,
			       (unsigned long long)k.phys,
			       k.page.level < EDU_NR_LEVELS ?
			       edu_level_names[k.page.level] : "no",
			       k.pa == k.phys ? "" : "  MISMATCH");
		}
		memset(&k, 0, sizeof(k));
		k.which = which;
		xioctl(EDU_IOC_KWALK, &k, "kbuf");
		puts("  the walk of page 0:");
		print_levels(k.level);
	}
	return 0;
}

/*
 * How many of @n pages from @addr /proc/self/pagemap calls present.  The
 * kernel's generic page walker, which pagemap uses, skips VM_PFNMAP areas
 * such as our buddy blocks' mappings: it reports them as holes.
 */
static uint64_t pagemap_present(uintptr_t addr, uint64_t n)
{
	uint64_t i, e, present = 0;
	long psize = getpagesize();
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("/proc/self/pagemap: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		off_t off = (off_t)((addr / psize + i) * sizeof(e));

		if (pread(fd, &e, sizeof(e), off) != sizeof(e))
			die("/proc/self/pagemap: %s", strerror(errno));
		present += e >> 63;	/* bit 63: page present */
	}
	close(fd);
	return present;
}

/*
 * The buddy allocator and the MMU agree: allocate a block, map it into
 * our address space, and see that its PTEs hold the frames we were given.
 */
static int do_block(uint64_t order, uint64_t node)
{
	struct edu_page_alloc a;
	struct edu_handle_arg h;
	struct edu_walk_range r;
	struct edu_walk_page *pages;
	long psize = getpagesize();
	uint64_t i, n, bad = 0;
	struct edu_walk w;
	unsigned char *p;
	size_t size;

	memset(&a, 0, sizeof(a));
	a.order = order;
	a.node = node;
	xioctl(EDU_IOC_PAGE_ALLOC, &a, "EDU_IOC_PAGE_ALLOC");
	n = 1ULL << order;
	size = (size_t)psize << order;
	printf("buddy block: order %llu (%llu page%s), node %llu, ",
	       (unsigned long long)order, (unsigned long long)n,
	       n == 1 ? "" : "s", (unsigned long long)a.node);
	if (privileged)
		printf("first frame %#llx\n", (unsigned long long)a.pfn);
	else
		printf("frames hidden (not CAP_SYS_ADMIN)\n");

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dev_fd,
		 (off_t)a.mmap_offset);
	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	/* The module's mmap() calls remap_pfn_range(): no fault needed. */
	walk_one(0, (uintptr_t)p, &w);
	printf("mapped at %p; before any touch its first page is %s\n",
	       (void *)p, page_mapped(&w.page) ?
	       "mapped already (remap_pfn_range() filled the PTEs in mmap())" :
	       "not mapped yet");
	memset(p, 0x5a, size);	/* touch every page */
	printf("touched every page\n\n");
	do_walk(0, (uintptr_t)p);

	pages = range_setup(&r, p, size, n);
	xioctl(EDU_IOC_WALK_RANGE, &r, "range");
	for (i = 0; i < r.nr; i++)
		if (pages[i].result != EDU_WALK_PTE ||
		    pages[i].kind != EDU_PAGE_POOL ||
		    pages[i].pfn != (privileged ? a.pfn + i : 0))
			bad++;
	putchar('\n');
	if (privileged && !bad)
		printf("the PTE's frame %#llx = the frame the buddy allocator gave (%#llx)%s\n",
		       (unsigned long long)pages[0].pfn,
		       (unsigned long long)a.pfn,
		       n > 1 ? ", and so on for every page" : "");
	else if (!bad)
		printf("all %llu pages are mapped by PTEs to pool frames\n",
		       (unsigned long long)n);
	else
		printf("MISMATCH: %llu of %llu pages do not map the block's frames\n",
		       (unsigned long long)bad, (unsigned long long)n);
	if (privileged) {
		putchar('\n');
		print_frame(a.pfn);
	}
	printf("/proc/self/pagemap: %llu of %llu pages present (it skips PFN-mapped areas)\n",
	       (unsigned long long)pagemap_present((uintptr_t)p, n),
	       (unsigned long long)n);

	free(pages);
	munmap(p, size);
	memset(&h, 0, sizeof(h));
	h.handle = a.handle;
	xioctl(EDU_IOC_PAGE_FREE, &h, "EDU_IOC_PAGE_FREE");
	return bad ? 1 : 0;
}

/*
 * One character per page of the area: '.' never touched, 's' in swap, else
 * the node of its frame.
 */
static void area_draw(uint64_t handle, uint64_t pages)
{
	struct edu_area_info ai;
	uint64_t i;

	for (i = 0; i < pages; i++) {
		memset(&ai, 0, sizeof(ai));
		ai.handle = handle;
		ai.page = i;
		xioctl(EDU_IOC_AREA_INFO, &ai, "EDU_IOC_AREA_INFO");
		if (i % 64 == 0)
			fputs("  ", stdout);
		putchar(ai.page_state == EDU_AREA_PAGE_SWAPPED ? 's' :
			ai.page_node == EDU_NODE_NONE ? '.' :
			ai.page_node < 10 ? '0' + (int)ai.page_node : '*');
		if (i % 64 == 63 || i == pages - 1)
			putchar('\n');
	}
	printf("  present %llu, swapped %llu, faults: minor %llu",
	       (unsigned long long)ai.present,
	       (unsigned long long)ai.swapped,
	       (unsigned long long)ai.faults_minor);
	printf(" (zero-filled %llu) major %llu sigbus %llu\n",
	       (unsigned long long)ai.zero_fills,
	       (unsigned long long)ai.faults_major,
	       (unsigned long long)ai.faults_sigbus);
}

/* An area of @pages with @policy (@node), mapped shared; its handle. */
static char *area_open(uint64_t pages, uint64_t policy, uint64_t node,
		       uint64_t *handle)
{
	struct edu_area_create c;
	char *p;

	memset(&c, 0, sizeof(c));
	c.pages = pages;
	c.policy = policy;
	c.node = node;
	xioctl(EDU_IOC_AREA_CREATE, &c, "EDU_IOC_AREA_CREATE");
	p = mmap(NULL, pages * getpagesize(), PROT_READ | PROT_WRITE,
		 MAP_SHARED, dev_fd, (off_t)c.mmap_offset);
	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	*handle = c.handle;
	return p;
}

static void area_close(char *p, uint64_t pages, uint64_t handle)
{
	struct edu_handle_arg h;

	munmap(p, pages * getpagesize());
	memset(&h, 0, sizeof(h));
	h.handle = handle;
	xioctl(EDU_IOC_AREA_DESTROY, &h, "EDU_IOC_AREA_DESTROY");
}

/*
 * Virtual memory on demand: an area's mmap() maps nothing, and each first
 * touch of a page faults one in from the buddy allocator.
 */
static int do_area(uint64_t pages, uint64_t policy, uint64_t node)
{
	static const char *const names[] = {
		[EDU_AREA_POLICY_LOCAL] = "local (the faulting CPU's node)",
		[EDU_AREA_POLICY_NODE] = "one node",
		[EDU_AREA_POLICY_INTERLEAVE] = "interleave (page i on pool node i mod n)",
	};
	long psize = getpagesize();
	uint64_t i, handle;
	char *p;

	p = area_open(pages, policy, node, &handle);
	printf("area: %llu pages, policy %s", (unsigned long long)pages,
	       names[policy]);
	if (policy == EDU_AREA_POLICY_NODE)
		printf(" %llu", (unsigned long long)node);
	printf("\nmapped at %p; '.' not present, a digit: the page's node\n",
	       (void *)p);
	area_draw(handle, pages);
	for (i = 0; i < pages; i++)
		if (i % 3 != 2)
			p[i * psize] = 1;	/* one fault each */
	puts("touched two pages of every three:");
	area_draw(handle, pages);
	printf("/proc/self/pagemap: %llu of %llu pages present (it sees VM_MIXEDMAP areas)\n",
	       (unsigned long long)pagemap_present((uintptr_t)p, pages),
	       (unsigned long long)pages);
	area_close(p, pages, handle);
	return 0;
}

static long task_majflt(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? -1 : ru.ru_majflt;
}

/*
 * Memory running short: an area of PAGES on NODE, more than its pool,
 * written page by page, then read back.  Writing past the pool wakes
 * kswapd, which evicts pages to edualloc's swap (and the faulting task
 * reclaims itself when kswapd falls behind); reading back a page that was
 * evicted is a major fault.  The walker then explains a swapped page.
 */
static int do_reclaim(uint64_t pages, uint64_t node)
{
	long psize = getpagesize(), maj;
	uint64_t i, bad = 0, handle;
	struct edu_area_info ai;
	char *p;

	p = area_open(pages, EDU_AREA_POLICY_NODE, node, &handle);
	maj = task_majflt();
	for (i = 0; i < pages; i++)
		*(uint64_t *)(p + i * psize) = i;
	for (i = 0; i < pages; i++)
		bad += *(uint64_t *)(p + i * psize) != i;
	maj = task_majflt() - maj;
	printf("area of %llu pages on node %llu: %s, read them back: %llu wrong\n",
	       (unsigned long long)pages, (unsigned long long)node,
	       "wrote its page number into each page", (unsigned long long)bad);
	for (i = 0; i < pages; i++) {
		memset(&ai, 0, sizeof(ai));
		ai.handle = handle;
		ai.page = i;
		xioctl(EDU_IOC_AREA_INFO, &ai, "EDU_IOC_AREA_INFO");
		if (ai.page_state == EDU_AREA_PAGE_SWAPPED)
			break;
	}
	printf("now present %llu, swapped %llu; ",
	       (unsigned long long)ai.present, (unsigned long long)ai.swapped);
	printf("faults: minor %llu (zero-filled %llu), major %llu\n",
	       (unsigned long long)ai.faults_minor,
	       (unsigned long long)ai.zero_fills,
	       (unsigned long long)ai.faults_major);
	printf("this task's major faults (getrusage): %ld\n", maj);
	if (i < pages) {
		printf("page %llu is in swap; the walk of its address:\n",
		       (unsigned long long)i);
		do_walk(0, (uintptr_t)(p + i * psize));
	}
	area_close(p, pages, handle);
	return bad ? 1 : 0;
}

/* The first line of @ffd's page 0, as read() sees it @when writeback. */
static void print_first_line(int ffd, const char *when)
{
	char buf[64];

	memset(buf, 0, sizeof(buf));
	if (pread(ffd, buf, sizeof(buf) - 1, 0) < 0)
		die("pread: %s", strerror(errno));
	buf[strcspn(buf, "\n")] = '\0';
	printf("the file's page 0 %s writeback: \"%s\"\n", when, buf);
}

/*
 * Writeback: a file-backed area over the first PAGES pages of FILE (made
 * that long if it is shorter).  Reading a page reads it from the file (a
 * major fault); writing one makes it dirty; the file sees the writes only
 * once they are written back, here by msync(MS_SYNC).
 */
static int do_writeback(const char *path, uint64_t pages)
{
	long psize = getpagesize(), maj;
	struct edu_area_create c;
	struct edu_area_info ai;
	char line[64];
	uint64_t i, sum = 0;
	struct stat st;
	int ffd;
	char *p;

	ffd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (ffd < 0 || fstat(ffd, &st))
		die("%s: %s", path, strerror(errno));
	if ((uint64_t)st.st_size < pages * psize &&
	    ftruncate(ffd, (off_t)(pages * psize)))
		die("%s: ftruncate: %s", path, strerror(errno));
	memset(&c, 0, sizeof(c));
	c.pages = pages;
	c.flags = EDU_AREA_FILE;
	c.fd = (uint64_t)ffd;
	xioctl(EDU_IOC_AREA_CREATE, &c, "EDU_IOC_AREA_CREATE");
	p = mmap(NULL, pages * psize, PROT_READ | PROT_WRITE, MAP_SHARED,
		 dev_fd, (off_t)c.mmap_offset);
	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));

	maj = task_majflt();
	for (i = 0; i < pages; i++)
		sum += p[i * psize] != 0;
	maj = task_majflt() - maj;
	memset(&ai, 0, sizeof(ai));
	ai.handle = c.handle;
	xioctl(EDU_IOC_AREA_INFO, &ai, "EDU_IOC_AREA_INFO");
	printf("read %llu pages of %s (%llu begin with a non-zero byte): ",
	       (unsigned long long)pages, path, (unsigned long long)sum);
	printf("%ld major faults (getrusage), dirty %llu\n",
	       maj, (unsigned long long)ai.dirty);

	for (i = 0; i < pages; i += 2) {
		snprintf(line, sizeof(line), "page %llu written by edu\n",
			 (unsigned long long)i);
		memcpy(p + i * psize, line, strlen(line));
	}
	xioctl(EDU_IOC_AREA_INFO, &ai, "EDU_IOC_AREA_INFO");
	printf("wrote every other page: dirty %llu, written back %llu\n",
	       (unsigned long long)ai.dirty, (unsigned long long)ai.written);
	print_first_line(ffd, "before");
	printf("the walk of page 0:\n");
	do_walk(0, (uintptr_t)p);

	if (msync(p, pages * psize, MS_SYNC))
		die("msync: %s", strerror(errno));
	xioctl(EDU_IOC_AREA_INFO, &ai, "EDU_IOC_AREA_INFO");
	printf("msync(MS_SYNC): dirty %llu, written back %llu\n",
	       (unsigned long long)ai.dirty, (unsigned long long)ai.written);
	print_first_line(ffd, "after");
	area_close(p, pages, c.handle);
	close(ffd);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t pid, addr, len;
	const char *cmd;

	if (argc < 2)
		print_usage();
	cmd = argv[1];
	/* Arguments first: a typo is reported even without the module. */
	if (!strcmp(cmd, "walk") && argc == 4) {
		pid = number(argv[2], 10, "PID");
		addr = number(argv[3], 16, "ADDR");
		dev_open();
		return do_walk(pid, addr);
	}
	if (!strcmp(cmd, "range") && argc == 5) {
		pid = number(argv[2], 10, "PID");
		addr = number(argv[3], 16, "ADDR");
		len = length(argv[4]);
		dev_open();
		do_range(pid, addr, len);
		return 0;
	}
	if (!strcmp(cmd, "maps") && argc == 3) {
		pid = number(argv[2], 10, "PID");
		dev_open();
		return do_maps(pid);
	}
	if (!strcmp(cmd, "explain") && argc == 3) {
		addr = number(argv[2], 0, "PFN");
		dev_open();
		return do_explain(addr);
	}
	if (!strcmp(cmd, "block") && argc <= 4) {
		addr = argc > 2 ? number(argv[2], 0, "ORDER") : 0;
		len = argc > 3 ? number(argv[3], 0, "NODE") : EDU_NODE_LOCAL;
		dev_open();
		return do_block(addr, len);
	}
	if (!strcmp(cmd, "writeback") && argc == 4) {
		len = number(argv[3], 0, "PAGES");
		dev_open();
		return do_writeback(argv[2], len);
	}
	if (!strcmp(cmd, "area") && argc >= 3 && argc <= 5) {
		uint64_t policy = EDU_AREA_POLICY_LOCAL, node = 0;

		len = number(argv[2], 0, "PAGES");
		if (argc == 4 && !strcmp(argv[3], "interleave"))
			policy = EDU_AREA_POLICY_INTERLEAVE;
		else if (argc == 5 && !strcmp(argv[3], "node"))
			policy = EDU_AREA_POLICY_NODE;
		else if (argc != 3)
			print_usage();
		if (policy == EDU_AREA_POLICY_NODE)
			node = number(argv[4], 0, "NODE");
		dev_open();
		return do_area(len, policy, node);
	}
	if (!strcmp(cmd, "reclaim") && argc == 4) {
		len = number(argv[2], 0, "PAGES");
		addr = number(argv[3], 0, "NODE");
		dev_open();
		return do_reclaim(len, addr);
	}
	if (!strcmp(cmd, "file") && argc == 3) {
		dev_open();
		return do_file(argv[2]);
	}
	if (argc != 2)
		print_usage();
	dev_open();
	if (!strcmp(cmd, "cow"))
		return do_cow();
	if (!strcmp(cmd, "layout"))
		return do_layout();
	if (!strcmp(cmd, "kbuf"))
		return do_kbuf();
	print_usage();
	return 2;
}
