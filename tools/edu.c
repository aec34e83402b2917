// SPDX-License-Identifier: GPL-2.0-only
/*
 * edu: the command-line front end of edualloc's page-table walker.
 *
 *   edu walk PID ADDR        follow ADDR of process PID down the page tables
 *   edu range PID ADDR LEN   one line per page of [ADDR, ADDR + LEN)
 *   edu maps PID             the VMAs of PID, with class and page counts
 *   edu layout               the kernel's address-space layout
 *   edu explain PFN          what the kernel knows of a physical frame
 *   edu kbuf                 kmalloc() versus vmalloc(): where the frames are
 *   edu block [ORDER [NODE]] allocate an edualloc buddy block, mmap() it and
 *                            check that its page tables point at the frames
 *                            the buddy allocator returned
 *
 * PID 0 is edu itself.  ADDR and LEN are hexadecimal (0x optional); PFN,
 * ORDER and NODE are decimal, or hex with 0x.  Frame numbers and kernel
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
	      "           | explain PFN | kbuf | block [ORDER [NODE]]\n"
	      "PID 0 is edu itself; ADDR and LEN in hex, the others decimal or 0x-hex\n",
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
		printf("not present: the %s entry is empty; a touch would fault a page in\n",
		       lvl);
		return;
	case EDU_WALK_BAD:
		printf("the %s entry is corrupt\n", lvl);
		return;
	case EDU_WALK_SWAPPED:
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
	if (phys)
		printf("physical address: %#llx\n", (unsigned long long)phys);
	if (eff & EDU_PTE_PRESENT)
		printf("the MMU allows: %s, %s, %s\n",
		       eff & EDU_PTE_USER ? "user and kernel" : "kernel only",
		       eff & EDU_PTE_WRITE ? "read/write" : "read only",
		       eff & EDU_PTE_NX ? "no execute" : "execute");
}

/* ---------------------------------------------------------- commands -- */

static int do_walk(uint64_t pid, uint64_t addr)
{
	struct edu_walk w;

	memset(&w, 0, sizeof(w));
	w.pid = pid;
	w.addr = addr;
	xioctl(EDU_IOC_WALK, &w, "walk");
	printf("walk of %#llx in pid %llu, %llu-level paging\n",
	       (unsigned long long)addr, (unsigned long long)pid,
	       (unsigned long long)w.levels);
	if (w.vm_end)
		printf("VMA %#llx-%#llx, %s\n", (unsigned long long)w.vm_start,
		       (unsigned long long)w.vm_end, edu_vma_class_name(w.vm_class));
	print_levels(w.level);
	print_result(&w.page, w.phys, w.effective);
	return 0;
}

static int do_range(uint64_t pid, uint64_t addr, uint64_t len)
{
	struct edu_walk_range r;
	struct edu_walk_page *pages;
	uint64_t i, total = 0, resident = 0, end = addr + len;
	const size_t max = 4096;

	pages = calloc(max, sizeof(*pages));
	if (!pages)
		die("out of memory");
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
	memset(p, 0x5a, size);	/* touch every page */
	printf("mapped at %p and touched\n\n", (void *)p);
	do_walk(0, (uintptr_t)p);

	pages = calloc(n, sizeof(*pages));
	if (!pages)
		die("out of memory");
	memset(&r, 0, sizeof(r));
	r.start = (uintptr_t)p;
	r.len = size;
	r.pages = (uintptr_t)pages;
	r.max = n;
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

	free(pages);
	munmap(p, size);
	memset(&h, 0, sizeof(h));
	h.handle = a.handle;
	xioctl(EDU_IOC_PAGE_FREE, &h, "EDU_IOC_PAGE_FREE");
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2)
		print_usage();
	cmd = argv[1];
	dev_open();
	if (!strcmp(cmd, "walk") && argc == 4)
		return do_walk(number(argv[2], 10, "PID"),
			       number(argv[3], 16, "ADDR"));
	if (!strcmp(cmd, "range") && argc == 5)
		return do_range(number(argv[2], 10, "PID"),
				number(argv[3], 16, "ADDR"),
				number(argv[4], 16, "LEN"));
	if (!strcmp(cmd, "maps") && argc == 3)
		return do_maps(number(argv[2], 10, "PID"));
	if (!strcmp(cmd, "layout") && argc == 2)
		return do_layout();
	if (!strcmp(cmd, "explain") && argc == 3)
		return do_explain(number(argv[2], 0, "PFN"));
	if (!strcmp(cmd, "kbuf") && argc == 2)
		return do_kbuf();
	if (!strcmp(cmd, "block") && argc <= 4)
		return do_block(argc > 2 ? number(argv[2], 0, "ORDER") : 0,
				argc > 3 ? number(argv[3], 0, "NODE") :
					   EDU_NODE_LOCAL);
	print_usage();
	return 2;
}
