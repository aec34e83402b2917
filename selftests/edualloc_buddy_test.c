// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc_buddy_test: the buddy allocator of /dev/edualloc seen from user
 * space (kselftest harness, runs as root inside the test VM).
 *
 * Wherever one exists, a test checks the module against an oracle the
 * module does not control:
 *   - /proc/kcore reads physical memory through the kernel's direct map:
 *     what a test writes through its mmap() of a block must be there at
 *     the PFN the ioctl reported.  (/proc/self/pagemap cannot say: the
 *     page walker skips VM_PFNMAP mappings, so their pages read as not
 *     present; alloc_every_order logs what it says.)
 *   - /sys/devices/system/node/nodeN/memoryM and block_size_bytes tell
 *     which node a frame belongs to.  move_pages(2) and
 *     get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR) cannot answer for a block:
 *     it is mapped with remap_pfn_range() (VM_PFNMAP), which neither
 *     follow_page() nor get_user_pages() accept (both report EFAULT);
 *     alloc_every_order shows this at run time and uses the memory blocks;
 *   - models of our own: how a split changes the per-order free counts,
 *     the watermark arithmetic, the per-CPU list refill/drain rule, the
 *     documented xorshift generator of the random batch mode;
 *   - data written through one mapping and read back through another.
 * Every test starts from a drained module and its teardown checks that
 * buddyinfo and the free page counts are exactly what they were.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/edualloc.h>
#include <linux/elf.h>
#include <linux/mempolicy.h>

/* The 6.1 harness's SIGALRM handler ignores its third argument. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#include "edualloc_util.h"
#pragma GCC diagnostic pop

#define DEV_PATH	"/dev/edualloc"
#define NODE_DIR	"/sys/devices/system/node"
#define MAX_NODES	64		/* node numbers this test handles */
#define NR_ORDERS	EDU_NR_ORDERS
#define OPS_CHUNK	4096		/* ops per batch ioctl in the helpers */

static long page_size;

/* ------------------------------------------------------------ helpers -- */

static __u64 xorshift64(__u64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static int edu_open(void)
{
	return open(DEV_PATH, O_RDWR | O_CLOEXEC);
}

static int alloc_one(int fd, __u64 node, __u64 order, __u64 flags,
		     struct edu_page_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->node = node;
	a->order = order;
	a->flags = flags;
	return ioctl(fd, EDU_IOC_PAGE_ALLOC, a) ? -errno : 0;
}

static int free_one(int fd, __u64 handle)
{
	struct edu_handle_arg h = { .handle = handle };

	return ioctl(fd, EDU_IOC_PAGE_FREE, &h) ? -errno : 0;
}

static int node_stats(int fd, int node, struct edu_node_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->node = node;
	return ioctl(fd, EDU_IOC_NODE_STATS, s) ? -errno : 0;
}

/* Drain the per-CPU lists of @node (EDU_NODE_LOCAL: all): pages or -errno. */
static long drain(int fd, __u64 node)
{
	struct edu_drain_arg d = { .node = node };

	return ioctl(fd, EDU_IOC_PCP_DRAIN, &d) ? -errno : (long)d.drained;
}

static int run_batch(int fd, struct edu_page_batch *b)
{
	return ioctl(fd, EDU_IOC_PAGE_BATCH, b) ? -errno : 0;
}

/* The errno of a call that is meant to fail, 0 if it succeeded. */
static int ioctl_errno(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/* Write one command to the debugfs control file: 0 or -errno. */
static int ctl_write(const char *cmd)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(EDU_DBG_DIR "/control", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, cmd, strlen(cmd));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(cmd))
		err = -EIO;
	close(fd);
	return err;
}

/* Parse a sysfs list such as "0-1,3" into @set[0..max-1]; highest + 1. */
static int read_list(const char *path, bool *set, int max)
{
	char buf[4096], *p, *end;
	int hi = 0;
	long a, b;

	memset(set, 0, max * sizeof(*set));
	if (edu_read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; *p && *p != '\n';) {
		a = strtol(p, &end, 10);
		if (end == p)
			break;
		b = a;
		p = end;
		if (*p == '-') {
			p++;
			b = strtol(p, &end, 10);
			p = end;
		}
		for (; a <= b; a++) {
			if (a < max)
				set[a] = true;
			if (a + 1 > hi)
				hi = a + 1;
		}
		if (*p == ',')
			p++;
	}
	return hi;
}

/* ------------------------------------------------ debugfs: buddyinfo -- */

struct binfo {
	int present[MAX_NODES];
	unsigned long cnt[MAX_NODES][NR_ORDERS];
};

static int read_buddyinfo(struct binfo *bi)
{
	char buf[16384], zone[16], *line, *save = NULL;
	unsigned long c[NR_ORDERS];
	int node, n;

	memset(bi, 0, sizeof(*bi));
	if (edu_read_text(EDU_DBG_DIR "/buddyinfo", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		n = sscanf(line, "Node %d, zone %15s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			   &node, zone, &c[0], &c[1], &c[2], &c[3], &c[4],
			   &c[5], &c[6], &c[7], &c[8], &c[9], &c[10]);
		if (n != 2 + NR_ORDERS || strcmp(zone, "pool") || node < 0 ||
		    node >= MAX_NODES)
			return -1;
		bi->present[node] = 1;
		memcpy(bi->cnt[node], c, sizeof(c));
	}
	return 0;
}

static void binfo_format(const unsigned long *c, char *out, size_t size)
{
	size_t len = 0;
	int o;

	for (o = 0; o < NR_ORDERS && len < size; o++)
		len += snprintf(out + len, size - len, " %lu", c[o]);
}

/* EXPECT @a == @b, order by order, logging the nodes that differ. */
static int binfo_same(struct __test_metadata *_metadata, const char *what,
		      const struct binfo *a, const struct binfo *b)
{
	char sa[256], sb[256];
	int node, same = 1;

	for (node = 0; node < MAX_NODES; node++) {
		if (a->present[node] == b->present[node] &&
		    !memcmp(a->cnt[node], b->cnt[node], sizeof(a->cnt[node])))
			continue;
		binfo_format(a->cnt[node], sa, sizeof(sa));
		binfo_format(b->cnt[node], sb, sizeof(sb));
		TH_LOG("%s: node %d buddyinfo differs:\n#   expected%s\n#   got     %s",
		       what, node, sa, sb);
		same = 0;
	}
	EXPECT_TRUE(same);
	return same;
}

static void print_buddyinfo(const char *title)
{
	char buf[16384], *line, *save = NULL;

	ksft_print_msg("%s\n", title);
	if (edu_read_text(EDU_DBG_DIR "/buddyinfo", buf, sizeof(buf)) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		ksft_print_msg("  %s\n", line);
}

/*
 * Our model of an allocation of @order from the free lists: the smallest
 * free block of at least @order is taken and halved down to @order, each
 * unused upper half becoming a free block one order down.
 */
static bool model_split(unsigned long *nr_free, unsigned int order)
{
	unsigned int o, k;

	for (o = order; o < NR_ORDERS; o++)
		if (nr_free[o])
			break;
	if (o == NR_ORDERS)
		return false;
	nr_free[o]--;
	for (k = order; k < o; k++)
		nr_free[k]++;
	return true;
}

/* ------------------------------------ which node a frame belongs to -- */

struct memblk {
	unsigned long nr;
	int node;
};

static struct memblk *memblks;
static size_t nr_memblks;
static unsigned long memblk_pages;

/*
 * Without memory-block sysfs (CONFIG_MEMORY_HOTPLUG off, as on the debug
 * kernel), the zones' spans in /proc/zoneinfo give each node's frames.
 */
struct zspan {
	unsigned long start, end;
	int node;
};

static struct zspan *zspans;
static size_t nr_zspans;

static int load_zspans(void)
{
	unsigned long spanned = 0, start;
	char line[256];
	int node = -1;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d, zone", &node) == 1) {
			spanned = 0;
			continue;
		}
		if (sscanf(line, " spanned %lu", &spanned) == 1)
			continue;
		if (sscanf(line, " start_pfn: %lu", &start) == 1 && spanned &&
		    node >= 0) {
			zspans = realloc(zspans, (nr_zspans + 1) *
					 sizeof(*zspans));
			if (!zspans)
				abort();
			zspans[nr_zspans].start = start;
			zspans[nr_zspans].end = start + spanned;
			zspans[nr_zspans].node = node;
			nr_zspans++;
		}
	}
	fclose(f);
	return nr_zspans ? 0 : -1;
}

static int load_memblks(void)
{
	char buf[64], path[300];
	struct dirent *nd, *md;
	DIR *ndir, *mdir;
	char *end;
	long node;

	if (memblk_pages)
		return 0;
	if (nr_zspans)
		return 0;
	if (edu_read_text("/sys/devices/system/memory/block_size_bytes", buf,
			  sizeof(buf)) <= 0)
		return load_zspans();
	memblk_pages = strtoul(buf, NULL, 16) / page_size;
	if (!memblk_pages)
		return -1;
	ndir = opendir(NODE_DIR);
	if (!ndir)
		return -1;
	while ((nd = readdir(ndir))) {
		if (strncmp(nd->d_name, "node", 4))
			continue;
		node = strtol(nd->d_name + 4, &end, 10);
		if (end == nd->d_name + 4 || *end)
			continue;
		snprintf(path, sizeof(path), NODE_DIR "/%s", nd->d_name);
		mdir = opendir(path);
		if (!mdir)
			continue;
		while ((md = readdir(mdir))) {
			unsigned long nr;

			if (strncmp(md->d_name, "memory", 6))
				continue;
			nr = strtoul(md->d_name + 6, &end, 10);
			if (end == md->d_name + 6 || *end)
				continue;
			memblks = realloc(memblks, (nr_memblks + 1) *
					  sizeof(*memblks));
			if (!memblks)
				abort();
			memblks[nr_memblks].nr = nr;
			memblks[nr_memblks].node = node;
			nr_memblks++;
		}
		closedir(mdir);
	}
	closedir(ndir);
	return nr_memblks ? 0 : -1;
}

/*
 * The node of @pfn according to the memory block (or zone) that holds it:
 * -1 when no node lists it, -2 when more than one does.
 */
static int pfn_node(unsigned long pfn)
{
	unsigned long nr;
	int node = -1;
	size_t i;

	if (!memblk_pages) {
		for (i = 0; i < nr_zspans; i++) {
			if (pfn < zspans[i].start || pfn >= zspans[i].end)
				continue;
			if (node >= 0 && node != zspans[i].node)
				return -2;
			node = zspans[i].node;
		}
		return node;
	}
	nr = pfn / memblk_pages;

	for (i = 0; i < nr_memblks; i++) {
		if (memblks[i].nr != nr)
			continue;
		if (node >= 0 && node != memblks[i].node)
			return -2;
		node = memblks[i].node;
	}
	return node;
}

/* ----------------------------------------------- pagemap: real frames -- */

/* The frame mapped at @addr, 0 when the page is not present, -errno. */
static long long pagemap_pfn(const void *addr)
{
	static int fd = -1;
	__u64 e;

	if (fd < 0)
		fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, &e, sizeof(e), (uintptr_t)addr / page_size *
		  sizeof(e)) != sizeof(e))
		return -EIO;
	if (!(e >> 63))
		return 0;
	return e & ((1ULL << 55) - 1);
}

/* ------------------------------- /proc/kcore: physical memory, read -- */

struct kseg {
	__u64 paddr;
	__u64 size;
	__u64 offset;
};

static struct kseg *ksegs;
static int nr_ksegs;
static int kcore_fd = -1;

/* The segments of /proc/kcore that have a physical address: 0 or -1. */
static int kcore_load(void)
{
	struct elf64_hdr eh;
	struct elf64_phdr ph;
	int i;

	if (kcore_fd >= 0)
		return 0;
	kcore_fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
	if (kcore_fd < 0)
		return -1;
	if (pread(kcore_fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64)
		goto fail;
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(kcore_fd, &ph, sizeof(ph),
			  eh.e_phoff + (off_t)i * eh.e_phentsize) != sizeof(ph))
			goto fail;
		if (ph.p_type != PT_LOAD || ph.p_paddr == ~0ULL)
			continue;
		ksegs = realloc(ksegs, (nr_ksegs + 1) * sizeof(*ksegs));
		if (!ksegs)
			abort();
		ksegs[nr_ksegs].paddr = ph.p_paddr;
		ksegs[nr_ksegs].size = ph.p_memsz;
		ksegs[nr_ksegs].offset = ph.p_offset;
		nr_ksegs++;
	}
	if (nr_ksegs)
		return 0;
fail:
	close(kcore_fd);
	kcore_fd = -1;
	return -1;
}

/* Read @len bytes at offset @off of frame @pfn: 0 or -errno. */
static int kcore_read(__u64 pfn, size_t off, void *buf, size_t len)
{
	__u64 phys = pfn * page_size + off;
	int i;

	for (i = 0; i < nr_ksegs; i++) {
		const struct kseg *k = &ksegs[i];

		if (phys < k->paddr || phys + len > k->paddr + k->size)
			continue;
		if (pread(kcore_fd, buf, len, k->offset + phys - k->paddr) !=
		    (ssize_t)len)
			return -EIO;
		return 0;
	}
	return -ENOENT;
}

/*
 * Is @map (@pages pages) really frame @pfn onwards?  Writes a fresh token
 * into each page through the mapping and reads it back from the frame
 * through /proc/kcore.  The number of pages that do not match.
 */
static long kcore_check(struct __test_metadata *_metadata, void *map,
			__u64 pfn, unsigned long pages)
{
	static __u64 serial = 0x6b636f7265000000ULL;
	__u64 token[2], seen[2];
	unsigned long p, bad = 0;
	size_t off;
	int err;

	if (kcore_fd < 0)
		return 0;
	for (p = 0; p < pages; p++) {
		off = (p * 40 + 8) % (page_size - sizeof(token));
		token[0] = ++serial;
		token[1] = pfn + p;
		memcpy((char *)map + p * page_size + off, token, sizeof(token));
		err = kcore_read(pfn + p, off, seen, sizeof(seen));
		if (err || memcmp(token, seen, sizeof(seen))) {
			if (!bad++)
				TH_LOG("page %lu of the mapping is not frame 0x%llx (%s)",
				       p, pfn + p, err ? strerror(-err) : "other data");
		}
	}
	return bad;
}

static void *map_block(int fd, __u64 offset, unsigned int order, int prot)
{
	return mmap(NULL, page_size << order, prot, MAP_SHARED, fd, offset);
}

/* ------------------------------------------------- vectors of blocks -- */

struct blk {
	__u64 handle;
	__u64 pfn;
	__u64 node;
	__u64 order;
};

struct blkvec {
	struct blk *v;
	size_t nr;
	size_t cap;
};

static void blk_push(struct blkvec *bv, __u64 handle, __u64 pfn, __u64 node,
		     __u64 order)
{
	if (bv->nr == bv->cap) {
		bv->cap = bv->cap ? 2 * bv->cap : 256;
		bv->v = realloc(bv->v, bv->cap * sizeof(*bv->v));
		if (!bv->v)
			abort();
	}
	bv->v[bv->nr].handle = handle;
	bv->v[bv->nr].pfn = pfn;
	bv->v[bv->nr].node = node;
	bv->v[bv->nr].order = order;
	bv->nr++;
}

static void blkvec_reset(struct blkvec *bv)
{
	free(bv->v);
	memset(bv, 0, sizeof(*bv));
}

/*
 * Allocate up to @max blocks of @order on @node with batched EDU_OP_ALLOC,
 * stopping at the first failure.  Appends to @bv.  Returns the result of
 * the op that failed (0 if @max were allocated) or the ioctl's -errno.
 */
static int alloc_blks(int fd, struct blkvec *bv, size_t max, __u64 node,
		      unsigned int order, __u64 flags)
{
	struct edu_page_op *ops;
	struct edu_page_batch b;
	size_t n, i;
	int ret = 0;

	ops = calloc(OPS_CHUNK, sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	while (max) {
		n = max < OPS_CHUNK ? max : OPS_CHUNK;
		memset(ops, 0, n * sizeof(*ops));
		for (i = 0; i < n; i++) {
			ops[i].op = EDU_OP_ALLOC;
			ops[i].node = node;
			ops[i].order = order;
			ops[i].flags = flags;
		}
		memset(&b, 0, sizeof(b));
		b.ops = (uintptr_t)ops;
		b.nr_ops = n;
		ret = run_batch(fd, &b);
		if (ret)
			break;
		for (i = 0; i < b.done; i++)
			if (!ops[i].result)
				blk_push(bv, ops[i].handle, ops[i].pfn,
					 ops[i].node, order);
		if (b.failed) {
			ret = ops[b.done - 1].result;
			break;
		}
		max -= n;
	}
	free(ops);
	return ret;
}

/* Free @nr blocks (in this order) with batched EDU_OP_FREE: ops failed. */
static long free_blks(int fd, const struct blk *v, size_t nr)
{
	struct edu_page_op *ops;
	struct edu_page_batch b;
	size_t n, i;
	long failed = 0;

	ops = calloc(OPS_CHUNK, sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	while (nr) {
		n = nr < OPS_CHUNK ? nr : OPS_CHUNK;
		memset(ops, 0, n * sizeof(*ops));
		for (i = 0; i < n; i++) {
			ops[i].op = EDU_OP_FREE;
			ops[i].handle = v[i].handle;
		}
		memset(&b, 0, sizeof(b));
		b.ops = (uintptr_t)ops;
		b.nr_ops = n;
		b.flags = EDU_BATCH_CONTINUE;
		if (run_batch(fd, &b)) {
			failed = -errno;
			break;
		}
		failed += b.failed + (n - b.done);
		v += n;
		nr -= n;
	}
	free(ops);
	return failed;
}

static unsigned long bv_pages(const struct blkvec *bv)
{
	unsigned long pages = 0;
	size_t i;

	for (i = 0; i < bv->nr; i++)
		pages += 1UL << bv->v[i].order;
	return pages;
}

static int cmp_blk_pfn(const void *a, const void *b)
{
	const struct blk *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

static int cmp_blk_pfn_desc(const void *a, const void *b)
{
	return cmp_blk_pfn(b, a);
}

/*
 * EXPECT every block aligned to its order, on the node it claims by the
 * memory-block oracle, and the PFN ranges pairwise disjoint.  Sorts @bv.
 */
static void check_blocks(struct __test_metadata *_metadata, struct blkvec *bv)
{
	size_t i, bad = 0;
	int node;

	qsort(bv->v, bv->nr, sizeof(*bv->v), cmp_blk_pfn);
	for (i = 0; i < bv->nr; i++) {
		const struct blk *b = &bv->v[i];

		if (b->pfn & ((1ULL << b->order) - 1)) {
			if (!bad++)
				TH_LOG("pfn 0x%llx not aligned to order %llu",
				       b->pfn, b->order);
		}
		node = pfn_node(b->pfn);
		if (node != (int)b->node ||
		    pfn_node(b->pfn + (1ULL << b->order) - 1) != node) {
			if (!bad++)
				TH_LOG("block 0x%llx/%llu: node %llu, memory blocks: %d",
				       b->pfn, b->order, b->node, node);
		}
		if (i + 1 < bv->nr &&
		    b->pfn + (1ULL << b->order) > bv->v[i + 1].pfn) {
			if (!bad++)
				TH_LOG("blocks 0x%llx/%llu and 0x%llx/%llu overlap",
				       b->pfn, b->order, bv->v[i + 1].pfn,
				       bv->v[i + 1].order);
		}
	}
	EXPECT_EQ(0U, bad);
}

/* ---------------------------------------------------------- per-CPU -- */

struct pcp_row {
	int cpu;
	int node;
	long count;
	long batch;
	long high;
};

/* The pcp view: one row per possible CPU and pooled node.  Rows or -1. */
static int read_pcp(struct pcp_row *rows, int max)
{
	char *buf, *line, *save = NULL;
	int n = 0;

	buf = malloc(1 << 20);
	if (!buf)
		return -1;
	if (edu_read_text(EDU_DBG_DIR "/pcp", buf, 1 << 20) < 0) {
		free(buf);
		return -1;
	}
	for (line = strtok_r(buf, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%d %d %ld %ld %ld", &rows[n].cpu,
			   &rows[n].node, &rows[n].count, &rows[n].batch,
			   &rows[n].high) != 5) {
			n = -1;
			break;
		}
		n++;
	}
	free(buf);
	return n;
}

static int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Online CPUs we may run on, in @cpus; how many. */
static int usable_cpus(int *cpus, int max)
{
	cpu_set_t set;
	int cpu, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (cpu = 0; cpu < CPU_SETSIZE && n < max; cpu++)
		if (CPU_ISSET(cpu, &set))
			cpus[n++] = cpu;
	return n;
}

/* ---------------------------------------------------------- fixture -- */

FIXTURE(buddy)
{
	int fd;
	int skip;
	struct edu_info info;
	int nr_pool;			/* nodes with a pool */
	int pool[MAX_NODES];		/* their ids */
	bool has_pool[MAX_NODES];	/* by node id */
	int nr_node_ids;		/* highest possible node + 1 */
	struct edu_node_stats init[MAX_NODES];
	struct binfo bi0;
	int ctl_used;			/* teardown: "free all" */
	int wmark_node;			/* teardown: restore, or -1 */
	int fds[8];			/* teardown: close */
};

FIXTURE_SETUP(buddy)
{
	bool possible[MAX_NODES];
	int pool[MAX_NODES];
	int i, node, nr_pool;

	self->fd = -1;
	self->wmark_node = -1;
	for (i = 0; i < (int)ARRAY_SIZE(self->fds); i++)
		self->fds[i] = -1;
	page_size = sysconf(_SC_PAGESIZE);

	self->fd = edu_open();
	if (self->fd < 0 && errno == ENOENT) {
		self->skip = 1;
		SKIP(return, DEV_PATH " not present (edualloc not loaded)");
	}
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", DEV_PATH, strerror(errno));
	nr_pool = edu_pool_nodes(self->fd, &self->info, pool, MAX_NODES);
	ASSERT_LT(0, nr_pool) TH_LOG("EDU_IOC_INFO: %s", strerror(errno));
	for (i = 0; i < nr_pool; i++)
		self->has_pool[pool[i]] = true;
	ASSERT_EQ((__u64)EDU_ABI_VERSION, self->info.abi_version);
	ASSERT_EQ((__u64)NR_ORDERS, self->info.nr_orders);
	ASSERT_EQ((__u64)page_size, self->info.page_size);

	if (access(EDU_DBG_DIR "/buddyinfo", R_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (access(EDU_DBG_DIR "/buddyinfo", R_OK)) {
		self->skip = 1;
		SKIP(return, "no %s/buddyinfo (debugfs)", EDU_DBG_DIR);
	}
	ASSERT_EQ(0, load_memblks())
		TH_LOG("cannot read the memory blocks of %s", NODE_DIR);
	if (kcore_load())
		TH_LOG("no /proc/kcore (%s): mappings not checked against PFNs",
		       strerror(errno));
	self->nr_node_ids = read_list(NODE_DIR "/possible", possible,
				      MAX_NODES);
	ASSERT_LT(0, self->nr_node_ids);

	ASSERT_LE(0, drain(self->fd, EDU_NODE_LOCAL));
	for (node = 0; node < MAX_NODES; node++) {
		struct edu_node_stats *s = &self->init[node];
		unsigned long sum = 0;
		unsigned int o;

		if (!self->has_pool[node])
			continue;
		self->pool[self->nr_pool++] = node;
		ASSERT_EQ(0, node_stats(self->fd, node, s));
		ASSERT_EQ(0U, s->pcp_pages);
		for (o = 0; o < NR_ORDERS; o++)
			sum += s->nr_free[o] << o;
		ASSERT_EQ(sum, s->free_pages);
		ASSERT_LE(s->free_pages, s->pool_pages);
		if (s->free_pages != s->pool_pages)
			TH_LOG("node %d: %llu of %llu pages in use before the test",
			       node, s->pool_pages - s->free_pages,
			       s->pool_pages);
	}
	ASSERT_EQ(0, read_buddyinfo(&self->bi0));
	for (node = 0; node < MAX_NODES; node++) {
		ASSERT_EQ(self->has_pool[node], !!self->bi0.present[node]);
		if (self->bi0.present[node])
			ASSERT_EQ(0, memcmp(self->bi0.cnt[node],
					    self->init[node].nr_free,
					    sizeof(self->bi0.cnt[node])));
	}
}

/*
 * Whatever the test did (or failed to undo), put the module back and check
 * that it is exactly where the test found it.  No ASSERT here: a failed
 * ASSERT in teardown would jump back into the harness.
 */
FIXTURE_TEARDOWN(buddy)
{
	struct edu_node_stats s;
	struct binfo bi;
	char cmd[128];
	int i, node;

	if (self->skip)
		return;
	for (i = 0; i < (int)ARRAY_SIZE(self->fds); i++)
		if (self->fds[i] >= 0)
			close(self->fds[i]);
	if (self->ctl_used)
		EXPECT_EQ(0, ctl_write("free all"));
	if (self->wmark_node >= 0) {
		const struct edu_node_stats *w = &self->init[self->wmark_node];

		snprintf(cmd, sizeof(cmd), "wmark node=%d min=%llu low=%llu high=%llu",
			 self->wmark_node, w->wmark_min, w->wmark_low,
			 w->wmark_high);
		EXPECT_EQ(0, ctl_write(cmd));
	}
	/* The test's own fd goes last: closing it frees what it still owns. */
	close(self->fd);
	self->fd = edu_open();
	EXPECT_LE(0, self->fd);
	EXPECT_LE(0, drain(self->fd, EDU_NODE_LOCAL));
	for (i = 0; i < self->nr_pool; i++) {
		node = self->pool[i];
		EXPECT_EQ(0, node_stats(self->fd, node, &s));
		EXPECT_EQ(self->init[node].free_pages, s.free_pages)
			TH_LOG("teardown: node %d free_pages", node);
		EXPECT_EQ(0U, s.pcp_pages);
		EXPECT_EQ(self->init[node].wmark_min, s.wmark_min);
	}
	if (!read_buddyinfo(&bi))
		binfo_same(_metadata, "teardown", &self->bi0, &bi);
	else
		EXPECT_TRUE(0) TH_LOG("teardown: cannot read buddyinfo");
	close(self->fd);
}

static int extra_fd(struct __test_metadata *_metadata,
		    struct _test_data_buddy *self)
{
	int i, fd;

	fd = edu_open();
	EXPECT_LE(0, fd);
	for (i = 0; i < (int)ARRAY_SIZE(self->fds); i++) {
		if (self->fds[i] < 0) {
			self->fds[i] = fd;
			return fd;
		}
	}
	return fd;
}

static void close_extra_fd(struct _test_data_buddy *self, int fd)
{
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(self->fds); i++)
		if (self->fds[i] == fd)
			self->fds[i] = -1;
	close(fd);
}

/* A second open file whose handles do not share the first one's tag. */
static int foreign_fd(struct __test_metadata *_metadata,
		      struct _test_data_buddy *self, __u64 my_handle)
{
	struct edu_page_alloc a;
	int tries, fd = -1;

	/*
	 * The tag that marks a file's handles is 16 random bits (dev.c): two
	 * files share it with a chance of 1 in 2^15.  Such a pair cannot
	 * tell its handles apart, so pick another file then.
	 */
	for (tries = 0; tries < 16; tries++) {
		fd = extra_fd(_metadata, self);
		if (fd < 0)
			return fd;
		if (alloc_one(fd, EDU_NODE_LOCAL, 0, EDU_ALLOC_NOPCP, &a))
			return fd;
		EXPECT_EQ(0, free_one(fd, a.handle));
		if (a.handle >> 32 != my_handle >> 32)
			return fd;
		TH_LOG("two open files got the same handle tag 0x%llx",
		       a.handle >> 32);
		close_extra_fd(self, fd);
	}
	return fd;
}

static int drain_all(int fd)
{
	return drain(fd, EDU_NODE_LOCAL) < 0 ? -1 : 0;
}

/*
 * Allocate blocks on @node (EDU_ALLOC_THISNODE | EDU_ALLOC_NOPCP | @flags),
 * largest first, until its free pages are down to @target or allocations
 * fail.  Appends to @bv.  0 or the first error other than ENOMEM.
 */
static int fill_node(int fd, int node, unsigned long target, __u64 flags,
		     struct blkvec *bv)
{
	struct edu_node_stats s;
	struct edu_page_alloc a;
	unsigned long free;
	int o, err;

	err = node_stats(fd, node, &s);
	if (err)
		return err;
	free = s.free_pages;
	for (o = EDU_MAX_ORDER; o >= 0; o--) {
		while (free >= target + (1UL << o)) {
			err = alloc_one(fd, node, o, flags | EDU_ALLOC_THISNODE |
					EDU_ALLOC_NOPCP, &a);
			if (err == -ENOMEM)
				break;
			if (err)
				return err;
			blk_push(bv, a.handle, a.pfn, a.node, o);
			free -= 1UL << o;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ tests -- */

/*
 * Item 1: every order on every pooled node, THISNODE.  The block is on the
 * node asked for, aligned to its order, really mapped at its PFN, cleared,
 * and the free counts change exactly as our split model says.
 */
TEST_F_TIMEOUT(buddy, alloc_every_order, 120)
{
	static char zero[65536];
	struct edu_node_stats s0, s1;
	struct edu_page_alloc a;
	unsigned long model[NR_ORDERS];
	int i, node, o, status, mode, logged = 0;
	unsigned long p, bad, size;
	unsigned char *map;
	void *addr;
	long ret;

	if (self->skip)
		return;
	ASSERT_TRUE(!!(self->info.caps & EDU_CAP_PFN));
	for (i = 0; i < self->nr_pool; i++) {
		node = self->pool[i];
		for (o = 0; o <= EDU_MAX_ORDER; o++) {
			ASSERT_EQ(0, node_stats(self->fd, node, &s0));
			ASSERT_EQ(0, alloc_one(self->fd, node, o,
					       EDU_ALLOC_THISNODE |
					       EDU_ALLOC_NOPCP, &a))
				TH_LOG("node %d order %d: free %llu", node, o,
				       s0.free_pages);
			EXPECT_EQ((__u64)node, a.node);
			EXPECT_EQ(0U, a.result_flags);
			EXPECT_NE(0U, a.handle);
			EXPECT_NE(0U, a.pfn);
			EXPECT_EQ(0U, a.pfn & ((1ULL << o) - 1))
				TH_LOG("order %d pfn 0x%llx", o, a.pfn);
			EXPECT_EQ(node, pfn_node(a.pfn));
			EXPECT_EQ(node, pfn_node(a.pfn + (1UL << o) - 1));

			/* The free counts, against our model of a split. */
			ASSERT_EQ(0, node_stats(self->fd, node, &s1));
			memcpy(model, s0.nr_free, sizeof(model));
			EXPECT_TRUE(model_split(model, o));
			EXPECT_EQ(0, memcmp(model, s1.nr_free, sizeof(model)))
				TH_LOG("node %d order %d: nr_free not as split", node, o);
			EXPECT_EQ(s0.free_pages - (1UL << o), s1.free_pages);
			EXPECT_EQ(s0.allocs + 1, s1.allocs);

			map = map_block(self->fd, a.mmap_offset, o,
					PROT_READ | PROT_WRITE);
			ASSERT_NE(MAP_FAILED, map)
				TH_LOG("mmap order %d: %s", o, strerror(errno));
			bad = 0;
			for (p = 0; p < 1UL << o; p++) {
				if (memcmp(map + p * page_size, zero, page_size)) {
					if (!bad++)
						TH_LOG("order %d page %lu not cleared", o, p);
				}
			}
			EXPECT_EQ(0U, bad);
			EXPECT_EQ(0, kcore_check(_metadata, map, a.pfn, 1UL << o))
				TH_LOG("node %d order %d", node, o);
			if (!logged)
				TH_LOG("pagemap of the block: %lld (0: not present, VM_PFNMAP)",
				       pagemap_pfn(map));

			/*
			 * The node as the kernel's NUMA calls see it: they
			 * refuse a VM_PFNMAP mapping (EFAULT), so the memory
			 * blocks above are the oracle; accept their answer
			 * only if they give one.
			 */
			addr = map;
			status = 0;
			ret = syscall(SYS_move_pages, 0, 1UL, &addr, NULL,
				      &status, 0);
			if (!ret && status >= 0) {
				EXPECT_EQ(node, status);
			} else if (!logged) {
				TH_LOG("move_pages on a block: %ld, status %d",
				       ret, status);
			}
			ret = syscall(SYS_get_mempolicy, &mode, NULL, 0UL,
				      map, MPOL_F_NODE | MPOL_F_ADDR);
			if (!ret) {
				EXPECT_EQ(node, mode);
			} else if (!logged++) {
				TH_LOG("get_mempolicy(MPOL_F_ADDR) on a block: %s",
				       strerror(errno));
			}

			/* Dirty it: the next user must get it cleared. */
			memset(map, 0xa5, page_size << o);
			EXPECT_EQ(0, munmap(map, page_size << o));
			EXPECT_EQ(0, free_one(self->fd, a.handle));
		}

		/* Order 0 through the per-CPU list of this node. */
		ASSERT_EQ(0, alloc_one(self->fd, node, 0, EDU_ALLOC_THISNODE,
				       &a));
		EXPECT_EQ((__u64)node, a.node);
		EXPECT_EQ(EDU_RESULT_PCP, a.result_flags);
		EXPECT_EQ(node, pfn_node(a.pfn));
		map = map_block(self->fd, a.mmap_offset, 0, PROT_READ);
		ASSERT_NE(MAP_FAILED, map);
		EXPECT_EQ(0, memcmp(map, zero, page_size));
		munmap(map, page_size);
		map = map_block(self->fd, a.mmap_offset, 0,
				PROT_READ | PROT_WRITE);
		ASSERT_NE(MAP_FAILED, map);
		EXPECT_EQ(0, kcore_check(_metadata, map, a.pfn, 1));
		munmap(map, page_size);
		EXPECT_EQ(0, free_one(self->fd, a.handle));
		ASSERT_EQ(0, drain_all(self->fd));
	}
	/* The dirtied blocks come back cleared whatever the order. */
	for (i = 0; i < self->nr_pool; i++) {
		node = self->pool[i];
		for (o = 0; o <= EDU_MAX_ORDER; o += 5) {
			ASSERT_EQ(0, alloc_one(self->fd, node, o,
					       EDU_ALLOC_THISNODE |
					       EDU_ALLOC_NOPCP, &a));
			map = map_block(self->fd, a.mmap_offset, o, PROT_READ);
			ASSERT_NE(MAP_FAILED, map);
			size = page_size << o;
			for (p = 0; p < size; p += sizeof(zero))
				EXPECT_EQ(0, memcmp(map + p, zero,
						    size - p < sizeof(zero) ?
						    size - p : sizeof(zero)));
			munmap(map, page_size << o);
			EXPECT_EQ(0, free_one(self->fd, a.handle));
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	const __u64 *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/*
 * Item 2: exhaust a node with order-0 pages.  A normal request stops at the
 * min mark, EDU_ALLOC_HIGH goes on to half of the reserve; freeing all of
 * it and draining coalesces everything back: buddyinfo is exactly as before.
 */
TEST_F_TIMEOUT(buddy, exhaust_order0_and_coalesce, 180)
{
	struct edu_node_stats s0, s1, s2;
	struct blkvec bv = {};
	struct binfo bi;
	unsigned long want;
	int i, node, err;
	size_t k, dups;
	__u64 *pfns;

	if (self->skip)
		return;
	for (i = 0; i < self->nr_pool; i++) {
		node = self->pool[i];
		ASSERT_EQ(0, node_stats(self->fd, node, &s0));

		err = alloc_blks(self->fd, &bv, s0.pool_pages, node, 0,
				 EDU_ALLOC_THISNODE | EDU_ALLOC_NOPCP);
		EXPECT_EQ(-ENOMEM, err);
		ASSERT_EQ(0, node_stats(self->fd, node, &s1));
		EXPECT_EQ(s1.wmark_min, s1.free_pages)
			TH_LOG("node %d: normal requests must stop at min", node);
		EXPECT_EQ(s0.free_pages - s1.free_pages, bv.nr);
		EXPECT_EQ(s0.failures + 1, s1.failures);
		EXPECT_EQ(s0.allocs + bv.nr, s1.allocs);

		err = alloc_blks(self->fd, &bv, s0.pool_pages, node, 0,
				 EDU_ALLOC_THISNODE | EDU_ALLOC_NOPCP |
				 EDU_ALLOC_HIGH);
		EXPECT_EQ(-ENOMEM, err);
		ASSERT_EQ(0, node_stats(self->fd, node, &s2));
		want = s2.wmark_min - s2.wmark_min / 2;
		EXPECT_EQ(want, s2.free_pages)
			TH_LOG("node %d: EDU_ALLOC_HIGH may use half of min %llu",
			       node, s2.wmark_min);
		EXPECT_LT(s2.free_pages, s2.wmark_min);
		EXPECT_EQ(s0.free_pages - s2.free_pages, bv.nr);
		EXPECT_EQ(s0.failures + 2, s2.failures);
		EXPECT_EQ(0U, s2.pcp_pages);

		/* Every page distinct, every one on this node. */
		pfns = calloc(bv.nr, sizeof(*pfns));
		ASSERT_NE(NULL, pfns);
		for (k = 0; k < bv.nr; k++)
			pfns[k] = bv.v[k].pfn;
		qsort(pfns, bv.nr, sizeof(*pfns), cmp_u64);
		dups = 0;
		for (k = 0; k + 1 < bv.nr; k++)
			dups += pfns[k] == pfns[k + 1];
		EXPECT_EQ(0U, dups);
		EXPECT_EQ(node, pfn_node(pfns[0]));
		EXPECT_EQ(node, pfn_node(pfns[bv.nr - 1]));
		free(pfns);

		/* Free in an order unlike the allocation's, then coalesce. */
		for (k = 0; k < bv.nr / 2; k += 2) {
			struct blk t = bv.v[k];

			bv.v[k] = bv.v[bv.nr - 1 - k];
			bv.v[bv.nr - 1 - k] = t;
		}
		EXPECT_EQ(0, free_blks(self->fd, bv.v, bv.nr));
		ASSERT_EQ(0, node_stats(self->fd, node, &s1));
		EXPECT_EQ(s0.free_pages, s1.free_pages + s1.pcp_pages);
		EXPECT_EQ((long)s1.pcp_pages, drain(self->fd, node));
		ASSERT_EQ(0, node_stats(self->fd, node, &s1));
		EXPECT_EQ(s0.free_pages, s1.free_pages);
		EXPECT_EQ(0U, s1.pcp_pages);
		EXPECT_EQ(s2.frees + bv.nr, s1.frees);
		EXPECT_EQ(s1.allocs - s0.allocs, s1.frees - s0.frees);
		ASSERT_EQ(0, read_buddyinfo(&bi));
		binfo_same(_metadata, "after freeing all order-0 pages",
			   &self->bi0, &bi);
		blkvec_reset(&bv);
	}
}

/*
 * Item 2, mixed: random orders until the node runs dry, free in random
 * order, drain: buddyinfo is back to its initial state.
 */
TEST_F_TIMEOUT(buddy, exhaust_random_orders_and_coalesce, 180)
{
	struct edu_page_op ops[32];
	struct edu_node_stats s0, s1;
	struct edu_page_batch b;
	struct blkvec bv = {};
	__u64 rng = 0x9e3779b97f4a7c15ULL;
	struct binfo bi;
	int i, node, rounds;
	size_t k, j;

	if (self->skip)
		return;
	for (i = 0; i < self->nr_pool; i++) {
		node = self->pool[i];
		ASSERT_EQ(0, node_stats(self->fd, node, &s0));
		for (rounds = 0; rounds < 100000; rounds++) {
			memset(ops, 0, sizeof(ops));
			for (k = 0; k < ARRAY_SIZE(ops); k++) {
				ops[k].op = EDU_OP_ALLOC;
				ops[k].node = node;
				/* The last op is order 0: a batch that fails
				 * entirely means the node is dry.
				 */
				ops[k].order = k == ARRAY_SIZE(ops) - 1 ? 0 :
					       xorshift64(&rng) % NR_ORDERS;
				ops[k].flags = EDU_ALLOC_THISNODE |
					       EDU_ALLOC_NOPCP | EDU_ALLOC_HIGH;
			}
			memset(&b, 0, sizeof(b));
			b.ops = (uintptr_t)ops;
			b.nr_ops = ARRAY_SIZE(ops);
			b.flags = EDU_BATCH_CONTINUE;
			ASSERT_EQ(0, run_batch(self->fd, &b));
			ASSERT_EQ(ARRAY_SIZE(ops), b.done);
			for (k = 0; k < ARRAY_SIZE(ops); k++) {
				if (ops[k].result) {
					EXPECT_EQ(-ENOMEM, ops[k].result);
					continue;
				}
				EXPECT_EQ((__u64)node, ops[k].node);
				blk_push(&bv, ops[k].handle, ops[k].pfn,
					 ops[k].node, ops[k].order);
			}
			if (b.failed == ARRAY_SIZE(ops))
				break;
		}
		ASSERT_EQ(0, node_stats(self->fd, node, &s1));
		TH_LOG("node %d: %zu blocks, %llu pages left free (min %llu)",
		       node, bv.nr, s1.free_pages, s1.wmark_min);
		EXPECT_EQ(s1.wmark_min - s1.wmark_min / 2, s1.free_pages);
		EXPECT_EQ(s0.free_pages - s1.free_pages, bv_pages(&bv));
		check_blocks(_metadata, &bv);

		/* Fisher-Yates, then free everything. */
		for (k = bv.nr; k > 1; k--) {
			struct blk t;

			j = xorshift64(&rng) % k;
			t = bv.v[k - 1];
			bv.v[k - 1] = bv.v[j];
			bv.v[j] = t;
		}
		EXPECT_EQ(0, free_blks(self->fd, bv.v, bv.nr));
		ASSERT_LE(0, drain(self->fd, node));
		ASSERT_EQ(0, node_stats(self->fd, node, &s1));
		EXPECT_EQ(s0.free_pages, s1.free_pages);
		EXPECT_LT(s0.merges, s1.merges);
		ASSERT_EQ(0, read_buddyinfo(&bi));
		binfo_same(_metadata, "after freeing the random mix", &self->bi0,
			   &bi);
		blkvec_reset(&bv);
	}
}

/*
 * Item 3: many blocks of mixed orders on mixed nodes: aligned, on their
 * node, pairwise disjoint by PFN; and, independently of any PFN, a
 * signature written into every page of every block reads back intact.
 */
TEST_F_TIMEOUT(buddy, many_blocks_disjoint, 120)
{
	enum { NR = 1200, MAPPED = 300 };
	struct edu_page_alloc *single;
	struct edu_page_op *ops;
	struct edu_page_batch b;
	struct blkvec bv = {};
	__u64 rng = 12345, *sig, seen[2];
	void **maps;
	size_t i, p, bad = 0;
	int r;

	if (self->skip)
		return;
	ops = calloc(NR, sizeof(*ops));
	single = calloc(MAPPED, sizeof(*single));
	maps = calloc(MAPPED, sizeof(*maps));
	ASSERT_NE(NULL, ops);
	ASSERT_NE(NULL, single);
	ASSERT_NE(NULL, maps);
	for (i = 0; i < NR; i++) {
		ops[i].op = EDU_OP_ALLOC;
		r = xorshift64(&rng) % (self->nr_pool + 1);
		ops[i].node = r == self->nr_pool ? EDU_NODE_LOCAL :
			      (__u64)self->pool[r];
		ops[i].order = xorshift64(&rng) % 5;
		ops[i].flags = xorshift64(&rng) & 1 ? EDU_ALLOC_NOPCP : 0;
	}
	/* Batch ops carry no mmap offset: the mapped ones come one by one. */
	for (i = 0; i < MAPPED; i++) {
		ASSERT_EQ(0, alloc_one(self->fd, ops[i].node, ops[i].order,
				       ops[i].flags, &single[i]));
		if (ops[i].node != EDU_NODE_LOCAL)
			EXPECT_EQ(ops[i].node, single[i].node);
		EXPECT_EQ(0U, single[i].result_flags & EDU_RESULT_FALLBACK);
		blk_push(&bv, single[i].handle, single[i].pfn, single[i].node,
			 ops[i].order);
	}
	memset(&b, 0, sizeof(b));
	b.ops = (uintptr_t)(ops + MAPPED);
	b.nr_ops = NR - MAPPED;
	ASSERT_EQ(0, run_batch(self->fd, &b));
	ASSERT_EQ((__u64)(NR - MAPPED), b.done);
	ASSERT_EQ(0U, b.failed);
	for (i = MAPPED; i < NR; i++) {
		EXPECT_EQ(0, ops[i].result);
		EXPECT_TRUE(ops[i].node < MAX_NODES &&
			    self->has_pool[ops[i].node]);
		blk_push(&bv, ops[i].handle, ops[i].pfn, ops[i].node,
			 ops[i].order);
	}
	check_blocks(_metadata, &bv);

	/* A signature in every page, through the mappings, read back. */
	for (i = 0; i < MAPPED; i++) {
		maps[i] = map_block(self->fd, single[i].mmap_offset,
				    ops[i].order, PROT_READ | PROT_WRITE);
		ASSERT_NE(MAP_FAILED, maps[i]);
		for (p = 0; p < 1UL << ops[i].order; p++) {
			sig = (__u64 *)((char *)maps[i] + p * page_size);
			sig[0] = single[i].handle;
			sig[1] = p;
		}
	}
	for (i = 0; i < MAPPED; i++) {
		for (p = 0; p < 1UL << ops[i].order; p++) {
			sig = (__u64 *)((char *)maps[i] + p * page_size);
			if (sig[0] != single[i].handle || sig[1] != p) {
				if (!bad++)
					TH_LOG("block %zu page %zu overwritten by another block",
					       i, p);
			}
			/* ... and at the frame the ioctl reported. */
			if (kcore_fd < 0 ||
			    kcore_read(single[i].pfn + p, 0, seen, sizeof(seen)) ||
			    memcmp(seen, sig, sizeof(seen))) {
				if (kcore_fd >= 0 && !bad++)
					TH_LOG("block %zu page %zu: not at pfn 0x%llx",
					       i, p, single[i].pfn + p);
			}
		}
		munmap(maps[i], page_size << ops[i].order);
	}
	EXPECT_EQ(0U, bad);
	EXPECT_EQ(0, free_blks(self->fd, bv.v, bv.nr));
	blkvec_reset(&bv);
	free(maps);
	free(single);
	free(ops);
}

/* The pooled node other than @from that a fallback should go to first. */
static int nearest_other(struct _test_data_buddy *self, int from)
{
	char path[128], buf[4096], *p, *end;
	int dist[MAX_NODES], i, node, best = -1;
	long d;

	snprintf(path, sizeof(path), NODE_DIR "/node%d/distance", from);
	for (i = 0; i < MAX_NODES; i++)
		dist[i] = 1000;
	if (edu_read_text(path, buf, sizeof(buf)) > 0) {
		/* One distance per online node, in node order. */
		bool online[MAX_NODES];

		read_list(NODE_DIR "/online", online, MAX_NODES);
		p = buf;
		for (node = 0; node < MAX_NODES; node++) {
			if (!online[node])
				continue;
			d = strtol(p, &end, 10);
			if (end == p)
				break;
			dist[node] = d;
			p = end;
		}
	}
	for (i = 0; i < self->nr_pool; i++) {
		node = self->pool[i];
		if (node != from && (best < 0 || dist[node] < dist[best]))
			best = node;
	}
	return best;
}

/*
 * Item 4: with node A exhausted, a request for A without THISNODE is served
 * by its nearest other node B (EDU_RESULT_FALLBACK, B's fallbacks + 1);
 * with THISNODE it fails with ENOMEM and A's failures + 1.
 */
TEST_F_TIMEOUT(buddy, thisnode_vs_fallback, 120)
{
	struct edu_node_stats a0, b0, a1, b1;
	struct edu_page_alloc a;
	struct blkvec bv = {};
	int na, nb;

	if (self->skip)
		return;
	if (self->nr_pool < 2)
		SKIP(return, "one NUMA node with a pool: no fallback to test");
	na = self->pool[0];
	nb = nearest_other(self, na);
	ASSERT_LE(0, nb);

	ASSERT_EQ(0, fill_node(self->fd, na, 0, EDU_ALLOC_HIGH, &bv));
	ASSERT_EQ(0, node_stats(self->fd, na, &a0));
	ASSERT_EQ(0, node_stats(self->fd, nb, &b0));
	EXPECT_EQ(a0.wmark_min - a0.wmark_min / 2, a0.free_pages);

	/* Normal, no THISNODE: node B steps in. */
	ASSERT_EQ(0, alloc_one(self->fd, na, 0, EDU_ALLOC_NOPCP, &a));
	blk_push(&bv, a.handle, a.pfn, a.node, 0);
	EXPECT_EQ((__u64)nb, a.node);
	EXPECT_EQ(EDU_RESULT_FALLBACK, a.result_flags);
	EXPECT_EQ(nb, pfn_node(a.pfn));
	ASSERT_EQ(0, node_stats(self->fd, na, &a1));
	ASSERT_EQ(0, node_stats(self->fd, nb, &b1));
	EXPECT_EQ(b0.fallbacks + 1, b1.fallbacks);
	EXPECT_EQ(a0.fallbacks, a1.fallbacks);
	EXPECT_EQ(a0.failures, a1.failures);
	EXPECT_EQ(a0.free_pages, a1.free_pages);
	EXPECT_EQ(b0.free_pages - 1, b1.free_pages);

	/* Order 3, and order 0 through the per-CPU lists: the same. */
	ASSERT_EQ(0, alloc_one(self->fd, na, 3, 0, &a));
	blk_push(&bv, a.handle, a.pfn, a.node, 3);
	EXPECT_EQ((__u64)nb, a.node);
	EXPECT_EQ(EDU_RESULT_FALLBACK, a.result_flags);
	EXPECT_EQ(0U, a.pfn & 7);
	ASSERT_EQ(0, alloc_one(self->fd, na, 0, 0, &a));
	blk_push(&bv, a.handle, a.pfn, a.node, 0);
	EXPECT_EQ((__u64)nb, a.node);
	EXPECT_EQ(EDU_RESULT_FALLBACK | EDU_RESULT_PCP, a.result_flags);
	ASSERT_EQ(0, node_stats(self->fd, nb, &b1));
	EXPECT_EQ(b0.fallbacks + 3, b1.fallbacks);
	ASSERT_EQ(0, node_stats(self->fd, na, &a1));
	EXPECT_EQ(0U, a1.pcp_pages) TH_LOG("node %d refilled below min", na);

	/* THISNODE: no way out. */
	EXPECT_EQ(-ENOMEM, alloc_one(self->fd, na, 0, EDU_ALLOC_THISNODE |
				     EDU_ALLOC_NOPCP, &a));
	EXPECT_EQ(-ENOMEM, alloc_one(self->fd, na, 0, EDU_ALLOC_THISNODE |
				     EDU_ALLOC_HIGH, &a));
	ASSERT_EQ(0, node_stats(self->fd, na, &a1));
	ASSERT_EQ(0, node_stats(self->fd, nb, &b1));
	EXPECT_EQ(a0.failures + 2, a1.failures);
	EXPECT_EQ(b0.fallbacks + 3, b1.fallbacks);
	EXPECT_EQ(b0.failures, b1.failures);

	EXPECT_EQ(0, free_blks(self->fd, bv.v, bv.nr));
	blkvec_reset(&bv);
}

/* The min/low/high lines of nodeN/watermarks; 0 or -1. */
static int read_wmarks(int node, unsigned long *w, char *state, size_t size)
{
	static const char * const keys[] = { "min ", "low ", "high " };
	char path[128], buf[1024], *line, *save = NULL;
	int i, found = 0;

	snprintf(path, sizeof(path), EDU_DBG_DIR "/node%d/watermarks", node);
	if (edu_read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	state[0] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		for (i = 0; i < 3; i++) {
			if (!strncmp(line, keys[i], strlen(keys[i]))) {
				w[i] = strtoul(line + strlen(keys[i]), NULL,
					       10);
				found++;
			}
		}
		if (!strncmp(line, "state ", 6))
			snprintf(state, size, "%s", line + 6);
	}
	return found == 3 ? 0 : -1;
}

/*
 * Item 5: at min + 1 free pages an order-1 request fails, the last order-0
 * page above min is granted, then normal requests fail (with or without
 * the per-CPU lists) while EDU_ALLOC_HIGH goes on for exactly half of the
 * reserve.
 */
TEST_F_TIMEOUT(buddy, watermarks, 120)
{
	struct edu_node_stats s0, s;
	struct edu_page_alloc a;
	struct blkvec bv = {};
	unsigned long w[3], min, high_ok;
	char state[64];
	int node, n;

	if (self->skip)
		return;
	node = self->pool[self->nr_pool - 1];
	ASSERT_EQ(0, node_stats(self->fd, node, &s0));
	ASSERT_EQ(0, read_wmarks(node, w, state, sizeof(state)));
	EXPECT_EQ(s0.wmark_min, w[0]);
	EXPECT_EQ(s0.wmark_low, w[1]);
	EXPECT_EQ(s0.wmark_high, w[2]);
	EXPECT_LE(s0.wmark_min, s0.wmark_low);
	EXPECT_LE(s0.wmark_low, s0.wmark_high);
	EXPECT_STREQ("ok", state);
	min = s0.wmark_min;
	if (min < 2)
		SKIP(return, "node %d: min watermark %lu leaves nothing to test",
		     node, min);

	ASSERT_EQ(0, fill_node(self->fd, node, min + 1, EDU_ALLOC_HIGH, &bv));
	ASSERT_EQ(0, node_stats(self->fd, node, &s0));
	ASSERT_EQ(min + 1, s0.free_pages);
	ASSERT_EQ(0, read_wmarks(node, w, state, sizeof(state)));
	if (min + 1 < s0.wmark_low)
		EXPECT_STREQ("below low (kswapd would wake)", state);

	EXPECT_EQ(-ENOMEM, alloc_one(self->fd, node, 1, EDU_ALLOC_THISNODE |
				     EDU_ALLOC_NOPCP, &a));
	ASSERT_EQ(0, alloc_one(self->fd, node, 0, EDU_ALLOC_THISNODE |
			       EDU_ALLOC_NOPCP, &a));
	blk_push(&bv, a.handle, a.pfn, a.node, 0);
	EXPECT_EQ(-ENOMEM, alloc_one(self->fd, node, 0, EDU_ALLOC_THISNODE |
				     EDU_ALLOC_NOPCP, &a));
	EXPECT_EQ(-ENOMEM, alloc_one(self->fd, node, 0, EDU_ALLOC_THISNODE,
				     &a));
	ASSERT_EQ(0, node_stats(self->fd, node, &s));
	EXPECT_EQ(min, s.free_pages);
	EXPECT_EQ(0U, s.pcp_pages);
	EXPECT_EQ(s0.failures + 3, s.failures);

	/* High priority: down to min - min / 2, one page at a time. */
	high_ok = 0;
	for (n = 0; n <= (int)min; n++) {
		if (alloc_one(self->fd, node, 0, EDU_ALLOC_THISNODE |
			      EDU_ALLOC_NOPCP | EDU_ALLOC_HIGH, &a))
			break;
		blk_push(&bv, a.handle, a.pfn, a.node, 0);
		high_ok++;
	}
	EXPECT_EQ(ENOMEM, errno);
	EXPECT_EQ(min / 2, high_ok);
	ASSERT_EQ(0, node_stats(self->fd, node, &s));
	EXPECT_EQ(min - min / 2, s.free_pages);
	EXPECT_EQ(s0.failures + 4, s.failures);
	ASSERT_EQ(0, read_wmarks(node, w, state, sizeof(state)));
	EXPECT_STREQ("below min", state);

	EXPECT_EQ(0, free_blks(self->fd, bv.v, bv.nr));
	blkvec_reset(&bv);
}

/* Item 6: data written through a mapping is in the block, across mmaps. */
TEST_F(buddy, mmap_pattern_persists)
{
	const unsigned int order = 2;
	size_t size = page_size << order, i;
	struct edu_page_alloc a;
	unsigned char *m1, *m2, *m3, *buf;

	if (self->skip)
		return;
	ASSERT_EQ(0, alloc_one(self->fd, EDU_NODE_LOCAL, order, 0, &a));
	m1 = map_block(self->fd, a.mmap_offset, order, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, m1);
	for (i = 0; i < size; i++)
		m1[i] = (unsigned char)(i * 7 + 3);
	EXPECT_EQ(0, munmap(m1, size));

	m2 = map_block(self->fd, a.mmap_offset, order, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, m2);
	for (i = 0; i < size; i++)
		if (m2[i] != (unsigned char)(i * 7 + 3))
			break;
	EXPECT_EQ(size, i) TH_LOG("byte %zu lost after munmap + mmap", i);
	/* The pattern is in the frames the ioctl named. */
	if (kcore_fd >= 0) {
		buf = malloc(size);
		ASSERT_NE(NULL, buf);
		for (i = 0; i < size; i += page_size)
			ASSERT_EQ(0, kcore_read(a.pfn + i / page_size, 0,
						buf + i, page_size));
		EXPECT_EQ(0, memcmp(buf, m2, size));
		free(buf);
	}

	/* Two live mappings of one block see each other's writes. */
	m3 = map_block(self->fd, a.mmap_offset, order, PROT_READ);
	ASSERT_NE(MAP_FAILED, m3);
	m2[size - 1] = 0x5a;
	EXPECT_EQ(0x5a, m3[size - 1]);
	munmap(m3, size);
	munmap(m2, size);
	EXPECT_EQ(0, free_one(self->fd, a.handle));
}

/*
 * Item 6: a block freed by handle while mapped stays allocated, and usable,
 * until the last mapping goes.
 */
TEST_F(buddy, mmap_free_while_mapped)
{
	const unsigned int order = 3;
	size_t size = page_size << order, i;
	struct edu_node_stats s0, s1;
	struct edu_page_alloc a;
	unsigned char *m1, *m2;
	struct binfo bi0, bi;
	int node;

	if (self->skip)
		return;
	node = self->pool[0];
	ASSERT_EQ(0, alloc_one(self->fd, node, order, EDU_ALLOC_THISNODE, &a));
	m1 = map_block(self->fd, a.mmap_offset, order, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, m1);
	m2 = map_block(self->fd, a.mmap_offset, order, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, m2);
	ASSERT_EQ(0, node_stats(self->fd, node, &s0));
	ASSERT_EQ(0, read_buddyinfo(&bi0));

	ASSERT_EQ(0, free_one(self->fd, a.handle));
	EXPECT_EQ(-EINVAL, free_one(self->fd, a.handle));
	EXPECT_EQ(MAP_FAILED, map_block(self->fd, a.mmap_offset, order,
					PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, node_stats(self->fd, node, &s1));
	EXPECT_EQ(s0.free_pages, s1.free_pages)
		TH_LOG("pages returned while still mapped");
	ASSERT_EQ(0, read_buddyinfo(&bi));
	binfo_same(_metadata, "after free of a mapped block", &bi0, &bi);

	for (i = 0; i < size; i++)
		m1[i] = (unsigned char)(i ^ 0x3c);
	for (i = 0; i < size; i++)
		if (m2[i] != (unsigned char)(i ^ 0x3c))
			break;
	EXPECT_EQ(size, i);
	EXPECT_EQ(0, kcore_check(_metadata, m1, a.pfn, 1UL << order));

	EXPECT_EQ(0, munmap(m1, size));
	ASSERT_EQ(0, node_stats(self->fd, node, &s1));
	EXPECT_EQ(s0.free_pages, s1.free_pages)
		TH_LOG("pages returned while one mapping remains");
	EXPECT_EQ(0, munmap(m2, size));
	ASSERT_EQ(0, node_stats(self->fd, node, &s1));
	EXPECT_EQ(s0.free_pages + (1UL << order), s1.free_pages)
		TH_LOG("pages not returned at the last munmap");
	ASSERT_EQ(0, read_buddyinfo(&bi));
	binfo_same(_metadata, "after the last munmap", &self->bi0, &bi);
}

/* Item 6: mmap of a wrong size, an unknown or a foreign handle: EINVAL. */
TEST_F(buddy, mmap_bad_args)
{
	struct edu_page_alloc a, f;
	void *m;
	int fd2;

	if (self->skip)
		return;
	ASSERT_EQ(0, alloc_one(self->fd, EDU_NODE_LOCAL, 2, 0, &a));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page_size << 3, PROT_READ,
				   MAP_SHARED, self->fd, a.mmap_offset));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page_size << 1, PROT_READ,
				   MAP_SHARED, self->fd, a.mmap_offset));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page_size << 2, PROT_READ,
				   MAP_SHARED, self->fd, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page_size << 2, PROT_READ,
				   MAP_SHARED, self->fd,
				   a.mmap_offset + (1000 * page_size)));
	EXPECT_EQ(EINVAL, errno);
	/* Another tag, same id. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page_size << 2, PROT_READ,
				   MAP_SHARED, self->fd,
				   a.mmap_offset ^ (2ULL << (32 + 12))));
	EXPECT_EQ(EINVAL, errno);

	fd2 = foreign_fd(_metadata, self, a.handle);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, alloc_one(fd2, EDU_NODE_LOCAL, 2, 0, &f));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page_size << 2, PROT_READ,
				   MAP_SHARED, self->fd, f.mmap_offset));
	EXPECT_EQ(EINVAL, errno);
	/* ... and it is fine through its own file. */
	m = mmap(NULL, page_size << 2, PROT_READ, MAP_SHARED, fd2,
		 f.mmap_offset);
	EXPECT_NE(MAP_FAILED, m);
	if (m != MAP_FAILED)
		munmap(m, page_size << 2);
	EXPECT_EQ(0, free_one(fd2, f.handle));
	EXPECT_EQ(0, free_one(self->fd, a.handle));
}

/* Our model of one per-CPU list: refill and drain by @batch above @high. */
struct pcp_model {
	long count;
	long batch;
	long high;
	long refills;
	long drains;
};

static void pcp_model_alloc(struct pcp_model *m)
{
	if (!m->count) {
		m->count += m->batch;
		m->refills++;
	}
	m->count--;
}

static void pcp_model_free(struct pcp_model *m)
{
	m->count++;
	if (m->count > m->high) {
		m->count -= m->batch;
		m->drains++;
	}
}

/* Count of (@cpu, @node) in the pcp view, and the sum over all rows. */
static int pcp_view(int cpu, int node, long *count, long *sum,
		    struct pcp_model *m)
{
	static struct pcp_row rows[4096];
	int n, i, found = 0;

	n = read_pcp(rows, ARRAY_SIZE(rows));
	if (n < 0)
		return -1;
	*sum = 0;
	for (i = 0; i < n; i++) {
		*sum += rows[i].count;
		if (rows[i].cpu == cpu && rows[i].node == node) {
			*count = rows[i].count;
			if (m) {
				m->batch = rows[i].batch;
				m->high = rows[i].high;
			}
			found = 1;
		}
	}
	return found ? 0 : -1;
}

/*
 * Item 7: order-0 requests of a pinned task go through its CPU's list for
 * the node; refills, drains above high, the stats and the pcp view follow
 * our model; EDU_IOC_PCP_DRAIN returns the pages and says how many.
 */
TEST_F_TIMEOUT(buddy, pcp_lists, 120)
{
	enum { K = 200 };
	struct edu_node_stats s0, s;
	struct pcp_model m = {};
	struct edu_page_alloc a;
	struct blkvec bv = {};
	unsigned int cpu, node;
	int cpus[CPU_SETSIZE], ncpu, other = -1;
	long count, sum;
	struct binfo bi;
	size_t i;

	if (self->skip)
		return;
	ncpu = usable_cpus(cpus, CPU_SETSIZE);
	ASSERT_LE(1, ncpu);
	ASSERT_EQ(0, pin_cpu(cpus[0]));
	ASSERT_EQ(0, getcpu(&cpu, &node));
	ASSERT_EQ(cpus[0], (int)cpu);
	if (node >= MAX_NODES || !self->has_pool[node])
		SKIP(return, "CPU %u's node %u has no pool", cpu, node);
	ASSERT_EQ(0, pcp_view(cpu, node, &count, &sum, &m));
	EXPECT_EQ(0, sum);
	ASSERT_LT(0, m.batch);
	ASSERT_LE(m.batch, m.high);
	ASSERT_EQ(0, node_stats(self->fd, node, &s0));

	/* EDU_NODE_LOCAL is the pinned CPU's node. */
	for (i = 0; i < K; i++) {
		ASSERT_EQ(0, alloc_one(self->fd, i ? node : EDU_NODE_LOCAL, 0,
				       EDU_ALLOC_THISNODE, &a));
		EXPECT_EQ(node, a.node);
		EXPECT_EQ(EDU_RESULT_PCP, a.result_flags);
		blk_push(&bv, a.handle, a.pfn, a.node, 0);
		pcp_model_alloc(&m);
	}
	ASSERT_EQ(0, node_stats(self->fd, node, &s));
	EXPECT_EQ((__u64)m.count, s.pcp_pages);
	EXPECT_EQ(s0.pcp_hits + K, s.pcp_hits);
	EXPECT_EQ(s0.pcp_refills + m.refills, s.pcp_refills);
	EXPECT_EQ(s0.allocs + K, s.allocs);
	EXPECT_EQ(s0.free_pages - K - m.count, s.free_pages);
	check_blocks(_metadata, &bv);

	/* NOPCP bypasses the list. */
	ASSERT_EQ(0, alloc_one(self->fd, node, 0, EDU_ALLOC_THISNODE |
			       EDU_ALLOC_NOPCP, &a));
	EXPECT_EQ(0U, a.result_flags);
	EXPECT_EQ(0, free_one(self->fd, a.handle));
	pcp_model_free(&m);	/* an order-0 free joins the list */

	for (i = 0; i < K; i++) {
		ASSERT_EQ(0, free_one(self->fd, bv.v[i].handle));
		pcp_model_free(&m);
	}
	ASSERT_EQ(0, node_stats(self->fd, node, &s));
	EXPECT_LT(0U, s.pcp_pages);
	EXPECT_EQ((__u64)m.count, s.pcp_pages);
	EXPECT_EQ(s0.pcp_drains + m.drains, s.pcp_drains);
	EXPECT_EQ(s0.frees + K + 1, s.frees);
	EXPECT_EQ(s0.free_pages, s.free_pages + s.pcp_pages);
	ASSERT_EQ(0, pcp_view(cpu, node, &count, &sum, NULL));
	EXPECT_EQ(m.count, count);
	EXPECT_EQ(m.count, sum);

	/* A page freed on another CPU joins that CPU's list. */
	if (ncpu > 1) {
		other = cpus[1];
		ASSERT_EQ(0, alloc_one(self->fd, node, 0, EDU_ALLOC_THISNODE,
				       &a));
		pcp_model_alloc(&m);
		ASSERT_EQ(0, pin_cpu(other));
		ASSERT_EQ(0, free_one(self->fd, a.handle));
		ASSERT_EQ(0, pcp_view(other, node, &count, &sum, NULL));
		EXPECT_EQ(1, count);
		EXPECT_EQ(m.count + 1, sum);
		ASSERT_EQ(0, pin_cpu(cpus[0]));
	}

	ASSERT_EQ(0, node_stats(self->fd, node, &s0));
	EXPECT_EQ((long)s0.pcp_pages, drain(self->fd, node));
	ASSERT_EQ(0, node_stats(self->fd, node, &s));
	EXPECT_EQ(0U, s.pcp_pages);
	EXPECT_EQ(s0.free_pages + s0.pcp_pages, s.free_pages);
	EXPECT_EQ(0, drain(self->fd, node));
	ASSERT_EQ(0, pcp_view(cpu, node, &count, &sum, NULL));
	EXPECT_EQ(0, sum);
	ASSERT_EQ(0, read_buddyinfo(&bi));
	binfo_same(_metadata, "after the drain", &self->bi0, &bi);
	blkvec_reset(&bv);
}

/* ------------------------------------------------------ concurrency -- */

#define POOL_CAP	512
#define OWN_CAP		128
#define NR_RACE		256

struct conc {
	int fd;				/* shared by all workers */
	int nr_pool;
	const int *pool;
	pthread_barrier_t start;
	pthread_mutex_t lock;
	struct edu_page_alloc shared[POOL_CAP];	/* live blocks of @fd */
	size_t nr_shared;
	__u64 race[NR_RACE];		/* handles every worker frees */
	int race_wins[NR_RACE];
	long seconds;
};

struct worker {
	pthread_t tid;
	struct conc *c;
	int idx;
	int cpu;
	int nr_workers;
	long allocs;
	long frees;
	long enomem;
	long errors;
	long race_wins;
	long race_einval;
	char err[128];
};

static void worker_error(struct worker *w, const char *what, int err)
{
	if (!w->errors++)
		snprintf(w->err, sizeof(w->err), "%s: %s", what,
			 strerror(-err));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static __u64 random_node(struct conc *c, __u64 *rng)
{
	int r = xorshift64(rng) % (c->nr_pool + 1);

	return r == c->nr_pool ? EDU_NODE_LOCAL : (__u64)c->pool[r];
}

/* Take a random live block of the shared file; false if there is none. */
static bool take_shared(struct conc *c, __u64 *rng, struct edu_page_alloc *a)
{
	bool found = false;
	size_t i;

	pthread_mutex_lock(&c->lock);
	if (c->nr_shared) {
		i = xorshift64(rng) % c->nr_shared;
		*a = c->shared[i];
		c->shared[i] = c->shared[--c->nr_shared];
		found = true;
	}
	pthread_mutex_unlock(&c->lock);
	return found;
}

/* Free @a, sometimes while mapped: the mapping outlives the handle. */
static void worker_free_shared(struct worker *w, const struct edu_page_alloc *a,
			       __u64 *rng)
{
	size_t size = page_size << a->order;
	unsigned char *m = MAP_FAILED;
	int err;

	if (!(xorshift64(rng) % 8)) {
		m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 w->c->fd, a->mmap_offset);
		if (m == MAP_FAILED)
			worker_error(w, "mmap of a shared block", -errno);
	}
	err = free_one(w->c->fd, a->handle);
	if (err)
		worker_error(w, "free of a shared block", err);
	else
		w->frees++;
	if (m == MAP_FAILED)
		return;
	m[0] = 1;
	m[size - 1] = 2;
	if (m[0] != 1 || m[size - 1] != 2)
		worker_error(w, "write through a mapping of a freed block",
			     -EIO);
	munmap(m, size);
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct conc *c = w->c;
	__u64 own[OWN_CAP], rng = 0x1234567ULL * (w->idx + 1), flags;
	size_t nr_own = 0, i, k;
	struct edu_page_alloc a;
	bool full;
	double end;
	int fd, err, r;

	pin_cpu(w->cpu);
	fd = edu_open();
	if (fd < 0)
		worker_error(w, "open", -errno);
	pthread_barrier_wait(&c->start);
	end = now() + c->seconds;
	while (fd >= 0 && now() < end) {
		for (k = 0; k < 64; k++) {
			r = xorshift64(&rng) % 100;
			flags = xorshift64(&rng) & (EDU_ALLOC_NOPCP |
						    EDU_ALLOC_THISNODE);
			if (r < 30) {
				err = alloc_one(c->fd, random_node(c, &rng),
						xorshift64(&rng) % 4, flags, &a);
				if (err == -ENOMEM) {
					w->enomem++;
					continue;
				}
				if (err) {
					worker_error(w, "alloc on the shared file", err);
					continue;
				}
				w->allocs++;
				pthread_mutex_lock(&c->lock);
				full = c->nr_shared == POOL_CAP;
				if (!full)
					c->shared[c->nr_shared++] = a;
				pthread_mutex_unlock(&c->lock);
				if (full)
					worker_free_shared(w, &a, &rng);
			} else if (r < 55) {
				if (take_shared(c, &rng, &a))
					worker_free_shared(w, &a, &rng);
			} else if (r < 80 && nr_own < OWN_CAP) {
				err = alloc_one(fd, random_node(c, &rng),
						xorshift64(&rng) % 4, flags, &a);
				if (err == -ENOMEM) {
					w->enomem++;
					continue;
				}
				if (err) {
					worker_error(w, "alloc on an own file", err);
					continue;
				}
				w->allocs++;
				own[nr_own++] = a.handle;
			} else if (nr_own) {
				i = xorshift64(&rng) % nr_own;
				err = free_one(fd, own[i]);
				if (err)
					worker_error(w, "free on an own file", err);
				else
					w->frees++;
				own[i] = own[--nr_own];
			}
		}
	}
	for (i = 0; i < nr_own; i++) {
		err = free_one(fd, own[i]);
		if (err)
			worker_error(w, "final free on an own file", err);
		else
			w->frees++;
	}
	if (fd >= 0)
		close(fd);

	/* Phase 2: every worker frees every handle of c->race at once. */
	pthread_barrier_wait(&c->start);
	pthread_barrier_wait(&c->start);
	for (k = 0; k < NR_RACE; k++) {
		i = (k + w->idx * NR_RACE / w->nr_workers) % NR_RACE;
		err = free_one(c->fd, c->race[i]);
		if (!err) {
			__atomic_add_fetch(&c->race_wins[i], 1,
					   __ATOMIC_RELAXED);
			w->race_wins++;
		} else if (err == -EINVAL) {
			w->race_einval++;
		} else {
			worker_error(w, "racing free", err);
		}
	}
	return NULL;
}

/*
 * Item 8: one pinned thread per CPU allocating and freeing random orders on
 * a shared file and on files of their own, freeing each other's blocks
 * (and some while mapped); then all of them freeing the same handles at
 * once, where exactly one free of each may succeed.  Afterwards every page
 * is back, buddyinfo is as before and the counters add up.
 */
TEST_F_TIMEOUT(buddy, concurrency, 120)
{
	struct edu_node_stats s0[MAX_NODES], s;
	long allocs = 0, frees = 0, enomem = 0, errors = 0, wins = 0;
	long einval = 0, d_allocs = 0, d_frees = 0;
	int cpus[CPU_SETSIZE], ncpu, i, node, multi_wins = 0;
	struct edu_page_alloc a;
	struct worker *w;
	struct binfo bi;
	struct conc *c;
	size_t k;

	if (self->skip)
		return;
	ncpu = usable_cpus(cpus, CPU_SETSIZE);
	if (ncpu > 16)
		ncpu = 16;
	ASSERT_LE(1, ncpu);
	c = calloc(1, sizeof(*c));
	w = calloc(ncpu, sizeof(*w));
	ASSERT_NE(NULL, c);
	ASSERT_NE(NULL, w);
	c->fd = self->fd;
	c->nr_pool = self->nr_pool;
	c->pool = self->pool;
	c->seconds = 3;
	pthread_mutex_init(&c->lock, NULL);
	pthread_barrier_init(&c->start, NULL, ncpu + 1);
	for (i = 0; i < self->nr_pool; i++)
		ASSERT_EQ(0, node_stats(self->fd, self->pool[i],
					&s0[self->pool[i]]));

	for (i = 0; i < ncpu; i++) {
		w[i].c = c;
		w[i].idx = i;
		w[i].cpu = cpus[i];
		w[i].nr_workers = ncpu;
		ASSERT_EQ(0, pthread_create(&w[i].tid, NULL, worker_fn, &w[i]));
	}
	pthread_barrier_wait(&c->start);	/* go */
	pthread_barrier_wait(&c->start);	/* phase 1 done */
	for (k = 0; k < NR_RACE; k++) {
		if (alloc_one(self->fd, EDU_NODE_LOCAL, k % 3, 0, &a)) {
			TH_LOG("alloc for the race: %s", strerror(errno));
			c->race[k] = 0;
			continue;
		}
		c->race[k] = a.handle;
		allocs++;
	}
	pthread_barrier_wait(&c->start);	/* race */
	for (i = 0; i < ncpu; i++)
		pthread_join(w[i].tid, NULL);

	for (i = 0; i < ncpu; i++) {
		allocs += w[i].allocs;
		frees += w[i].frees + w[i].race_wins;
		enomem += w[i].enomem;
		errors += w[i].errors;
		wins += w[i].race_wins;
		einval += w[i].race_einval;
		if (w[i].errors)
			TH_LOG("worker %d (cpu %d): %ld errors, first: %s", i,
			       w[i].cpu, w[i].errors, w[i].err);
	}
	for (k = 0; k < NR_RACE; k++)
		if (c->race[k] && c->race_wins[k] != 1)
			multi_wins++;
	TH_LOG("%d threads: %ld allocs, %ld frees, %ld ENOMEM", ncpu, allocs,
	       frees, enomem);
	EXPECT_EQ(0, errors);
	EXPECT_EQ(0, multi_wins) TH_LOG("racing frees: a handle freed twice or never");
	EXPECT_EQ(NR_RACE, wins);
	EXPECT_EQ((long)NR_RACE * (ncpu - 1), einval);
	EXPECT_LT(200, allocs) TH_LOG("too little work to mean anything");

	for (k = 0; k < c->nr_shared; k++) {
		EXPECT_EQ(0, free_one(self->fd, c->shared[k].handle));
		frees++;
	}
	ASSERT_LE(0, drain(self->fd, EDU_NODE_LOCAL));
	for (i = 0; i < self->nr_pool; i++) {
		node = self->pool[i];
		ASSERT_EQ(0, node_stats(self->fd, node, &s));
		EXPECT_EQ(s0[node].free_pages, s.free_pages);
		EXPECT_EQ(0U, s.pcp_pages);
		if (self->init[node].free_pages == self->init[node].pool_pages)
			EXPECT_EQ(s.pool_pages, s.free_pages);
		d_allocs += s.allocs - s0[node].allocs;
		d_frees += s.frees - s0[node].frees;
	}
	EXPECT_EQ(allocs, frees);
	EXPECT_EQ(allocs, d_allocs);
	EXPECT_EQ(frees, d_frees);
	ASSERT_EQ(0, read_buddyinfo(&bi));
	binfo_same(_metadata, "after the threads", &self->bi0, &bi);
	pthread_barrier_destroy(&c->start);
	free(w);
	free(c);
}

/* ---------------------------------------------------------- batches -- */

/* Successful allocations on every pool node so far. */
static __u64 all_allocs(int fd, const int *pool, int nr_pool)
{
	struct edu_node_stats s;
	__u64 sum = 0;
	int i;

	for (i = 0; i < nr_pool; i++)
		if (!node_stats(fd, pool[i], &s))
			sum += s.allocs;
	return sum;
}

/*
 * A fatal signal stops a batch between two operations.  The longest random
 * batch (order 0, so every allocation succeeds) is killed 20 ms into the
 * call; the node counters must show fewer allocations than the whole batch
 * makes, which the generator documented in the uapi header tells.  What it
 * allocated comes back when its file closes (the teardown checks).
 */
TEST_F(buddy, killed_batch_stops)
{
	static struct edu_page_op ops[EDU_BATCH_MAX];
	struct edu_page_batch b = {
		.ops = (uintptr_t)ops, .nr_ops = EDU_BATCH_MAX,
		.flags = EDU_BATCH_RANDOM, .seed = 12345, .max_order = 0,
		.alloc_pct = 50, .node = EDU_NODE_LOCAL,
	};
	__u64 x = b.seed, live = 0, whole = 0, before, ran;
	int i, r;

	if (self->skip)
		return;
	for (i = 0; i < EDU_BATCH_MAX; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (!live || (x >> 32) % 100 < b.alloc_pct) {
			live++;
			whole++;
		} else {
			live--;
		}
	}
	before = all_allocs(self->fd, self->pool, self->nr_pool);
	r = edu_kill_during_ioctl(EDU_IOC_PAGE_BATCH, &b, 20000);
	ASSERT_LE(0, r);
	if (!r)
		SKIP(return, "the batch ended before the kill landed");
	ran = all_allocs(self->fd, self->pool, self->nr_pool) - before;
	TH_LOG("killed batch: %llu of its %llu allocations ran", ran, whole);
	EXPECT_LT(ran, whole);
}

/*
 * Item 9: explicit vectors: alloc then free; stop at the first failing op
 * unless EDU_BATCH_CONTINUE; per-op checks.
 */
TEST_F(buddy, batch_explicit)
{
	static const unsigned int orders[4] = { 0, 3, 10, 1 };
	struct edu_page_op ops[5];
	struct edu_node_stats s0, s;
	struct edu_page_batch b;
	int node, last, i;
	__u64 h0, h2;

	if (self->skip)
		return;
	node = self->pool[0];
	last = self->pool[self->nr_pool - 1];
	memset(ops, 0, sizeof(ops));
	for (i = 0; i < 4; i++) {
		ops[i].op = EDU_OP_ALLOC;
		ops[i].order = orders[i];
	}
	ops[0].node = node;
	ops[0].flags = EDU_ALLOC_NOPCP;
	ops[1].node = last;
	ops[2].node = EDU_NODE_LOCAL;
	ops[3].node = node;
	ops[3].flags = EDU_ALLOC_THISNODE;
	memset(&b, 0, sizeof(b));
	b.ops = (uintptr_t)ops;
	b.nr_ops = 4;
	ASSERT_EQ(0, run_batch(self->fd, &b));
	EXPECT_EQ(4U, b.done);
	EXPECT_EQ(0U, b.failed);
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(0, ops[i].result);
		EXPECT_NE(0U, ops[i].handle);
		EXPECT_NE(0U, ops[i].pfn);
		EXPECT_EQ(0U, ops[i].pfn & ((1ULL << orders[i]) - 1));
		EXPECT_EQ((int)ops[i].node, pfn_node(ops[i].pfn));
		EXPECT_EQ(orders[i], ops[i].order);
	}
	EXPECT_EQ((__u64)node, ops[0].node);
	EXPECT_EQ((__u64)last, ops[1].node);
	EXPECT_EQ((__u64)node, ops[3].node);
	for (i = 0; i < 4; i++) {
		h0 = ops[i].handle;
		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].op = EDU_OP_FREE;
		ops[i].handle = h0;
	}
	memset(&b, 0, sizeof(b));
	b.ops = (uintptr_t)ops;
	b.nr_ops = 4;
	ASSERT_EQ(0, run_batch(self->fd, &b));
	EXPECT_EQ(4U, b.done);
	EXPECT_EQ(0U, b.failed);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, ops[i].result);
	ASSERT_LE(0, drain(self->fd, EDU_NODE_LOCAL));

	/* Stop at the first error: op 1 (order 11) fails, op 2 never runs. */
	ASSERT_EQ(0, node_stats(self->fd, node, &s0));
	memset(ops, 0, sizeof(ops));
	for (i = 0; i < 3; i++) {
		ops[i].op = EDU_OP_ALLOC;
		ops[i].node = node;
		ops[i].order = i == 1 ? EDU_MAX_ORDER + 1 : 2;
		ops[i].flags = EDU_ALLOC_THISNODE;
	}
	memset(&b, 0, sizeof(b));
	b.ops = (uintptr_t)ops;
	b.nr_ops = 3;
	ASSERT_EQ(0, run_batch(self->fd, &b));
	EXPECT_EQ(2U, b.done);
	EXPECT_EQ(1U, b.failed);
	EXPECT_EQ(0, ops[0].result);
	EXPECT_EQ(-EINVAL, ops[1].result);
	EXPECT_EQ(0U, ops[1].handle);
	EXPECT_EQ(0, ops[2].result);
	EXPECT_EQ(0U, ops[2].handle);
	EXPECT_EQ(0U, ops[2].pfn);
	ASSERT_EQ(0, node_stats(self->fd, node, &s));
	EXPECT_EQ(s0.free_pages - 4, s.free_pages);
	EXPECT_EQ(s0.allocs + 1, s.allocs);
	EXPECT_EQ(0, free_one(self->fd, ops[0].handle));

	/* The same with EDU_BATCH_CONTINUE: op 2 runs too. */
	memset(ops, 0, sizeof(ops));
	for (i = 0; i < 3; i++) {
		ops[i].op = EDU_OP_ALLOC;
		ops[i].node = node;
		ops[i].order = i == 1 ? EDU_MAX_ORDER + 1 : 2;
		ops[i].flags = EDU_ALLOC_THISNODE;
	}
	memset(&b, 0, sizeof(b));
	b.ops = (uintptr_t)ops;
	b.nr_ops = 3;
	b.flags = EDU_BATCH_CONTINUE;
	ASSERT_EQ(0, run_batch(self->fd, &b));
	EXPECT_EQ(3U, b.done);
	EXPECT_EQ(1U, b.failed);
	EXPECT_EQ(0, ops[0].result);
	EXPECT_EQ(-EINVAL, ops[1].result);
	EXPECT_EQ(0, ops[2].result);
	EXPECT_NE(0U, ops[2].handle);
	ASSERT_EQ(0, node_stats(self->fd, node, &s));
	EXPECT_EQ(s0.free_pages - 8, s.free_pages);
	h0 = ops[0].handle;
	h2 = ops[2].handle;

	/* Frees, stopping at a handle op 0 just freed. */
	memset(ops, 0, sizeof(ops));
	ops[0].op = EDU_OP_FREE;
	ops[0].handle = h0;
	ops[1].op = EDU_OP_FREE;
	ops[1].handle = h0;
	ops[2].op = EDU_OP_FREE;
	ops[2].handle = h2;
	memset(&b, 0, sizeof(b));
	b.ops = (uintptr_t)ops;
	b.nr_ops = 3;
	ASSERT_EQ(0, run_batch(self->fd, &b));
	EXPECT_EQ(2U, b.done);
	EXPECT_EQ(1U, b.failed);
	EXPECT_EQ(0, ops[0].result);
	EXPECT_EQ(-EINVAL, ops[1].result);
	ASSERT_EQ(0, node_stats(self->fd, node, &s));
	EXPECT_EQ(s0.free_pages - 4, s.free_pages);

	/* Malformed ops fail alone under EDU_BATCH_CONTINUE. */
	memset(ops, 0, sizeof(ops));
	ops[0].op = 3;			/* no such op */
	ops[1].op = EDU_OP_ALLOC;
	ops[1].order = 1;
	ops[1].handle = 5;		/* an output field set on input */
	ops[2].op = EDU_OP_FREE;
	ops[2].handle = h2;
	ops[3].op = EDU_OP_FREE;
	ops[3].handle = h2;
	ops[3].result = -1;		/* ditto */
	ops[4].op = EDU_OP_ALLOC;
	ops[4].reserved = 1;		/* must be zero */
	memset(&b, 0, sizeof(b));
	b.ops = (uintptr_t)ops;
	b.nr_ops = 5;
	b.flags = EDU_BATCH_CONTINUE;
	ASSERT_EQ(0, run_batch(self->fd, &b));
	EXPECT_EQ(5U, b.done);
	EXPECT_EQ(4U, b.failed);
	EXPECT_EQ(-EINVAL, ops[0].result);
	EXPECT_EQ(-EINVAL, ops[1].result);
	EXPECT_EQ(0, ops[2].result);
	EXPECT_EQ(-EINVAL, ops[3].result);
	EXPECT_EQ(-EINVAL, ops[4].result);
	ASSERT_EQ(0, node_stats(self->fd, node, &s));
	EXPECT_EQ(s0.free_pages, s.free_pages);
	EXPECT_EQ(s0.allocs + 3, s.allocs);
	EXPECT_EQ(s0.frees + 3, s.frees);
}

/*
 * Check @ops (done by the module in random mode) against the documented
 * generator, and collect the blocks still live at the end.
 */
static void check_generator(struct __test_metadata *_metadata,
			    const struct edu_page_batch *b,
			    const struct edu_page_op *ops, struct blkvec *live)
{
	__u64 x = b->seed ? b->seed : 1, slot;
	size_t i, bad = 0;

	for (i = 0; i < b->done; i++) {
		const struct edu_page_op *op = &ops[i];

		xorshift64(&x);
		if (!live->nr || (x >> 32) % 100 < b->alloc_pct) {
			if (op->op != EDU_OP_ALLOC ||
			    op->order != (x >> 8) % (b->max_order + 1) ||
			    (op->result && op->result != -ENOMEM) ||
			    op->flags != b->alloc_flags) {
				if (!bad++)
					TH_LOG("op %zu: op %llu order %llu = %lld, want alloc %llu",
					       i, op->op, op->order, op->result,
					       (x >> 8) % (b->max_order + 1));
			}
			if (op->op == EDU_OP_ALLOC && !op->result)
				blk_push(live, op->handle, op->pfn, op->node,
					 op->order);
			continue;
		}
		slot = (x >> 16) % live->nr;
		if (op->op != EDU_OP_FREE || op->result ||
		    op->handle != live->v[slot].handle) {
			if (!bad++)
				TH_LOG("op %zu: op %llu 0x%llx = %lld, want free 0x%llx",
				       i, op->op, op->handle, op->result,
				       live->v[slot].handle);
		}
		live->v[slot] = live->v[--live->nr];
	}
	EXPECT_EQ(0U, bad);
}

/*
 * Put @node's free lists in a canonical order: with its min mark at 0, take
 * every order-10 block, give them back highest PFN first.  Needs the node
 * entirely free.  0, or -1 when the control file cannot do it.
 */
static int canonicalize(struct __test_metadata *_metadata,
			struct _test_data_buddy *self, int node)
{
	struct edu_node_stats s;
	struct blkvec bv = {};
	char cmd[128];

	if (node_stats(self->fd, node, &s) || s.free_pages != s.pool_pages)
		return -1;
	snprintf(cmd, sizeof(cmd), "wmark node=%d min=0 low=0 high=0", node);
	if (ctl_write(cmd))
		return -1;
	self->wmark_node = node;
	EXPECT_EQ(-ENOMEM, alloc_blks(self->fd, &bv, s.pool_pages, node,
				      EDU_MAX_ORDER, EDU_ALLOC_THISNODE |
				      EDU_ALLOC_NOPCP));
	EXPECT_EQ(s.pool_pages >> EDU_MAX_ORDER, bv.nr);
	qsort(bv.v, bv.nr, sizeof(*bv.v), cmp_blk_pfn_desc);
	EXPECT_EQ(0, free_blks(self->fd, bv.v, bv.nr));
	blkvec_reset(&bv);
	snprintf(cmd, sizeof(cmd), "wmark node=%d min=%llu low=%llu high=%llu",
		 node, self->init[node].wmark_min, self->init[node].wmark_low,
		 self->init[node].wmark_high);
	EXPECT_EQ(0, ctl_write(cmd));
	self->wmark_node = -1;
	EXPECT_EQ(0, node_stats(self->fd, node, &s));
	EXPECT_EQ(self->init[node].wmark_min, s.wmark_min);
	return 0;
}

static void print_fragmentation(void)
{
	char buf[8192], *line, *save = NULL;

	if (edu_read_text(EDU_DBG_DIR "/fragmentation", buf, sizeof(buf)) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		ksft_print_msg("  %s\n", line);
}

/*
 * Item 9: the random mode.  Its ops follow the documented generator (our
 * own reimplementation is the oracle), and a rerun with the same seed from
 * the same state does the very same thing, down to the PFNs.
 */
TEST_F_TIMEOUT(buddy, batch_random_replay, 180)
{
	enum { NR = 3000, SEED = 0xed0a110c };
	struct edu_page_op *ops[2];
	struct edu_page_batch b[2];
	struct blkvec live = {};
	int node = self->pool[0], run, canon = 0, bad = 0;
	unsigned int cpu, cpu_node;
	char title[256];
	struct binfo bi;
	size_t i;

	if (self->skip)
		return;
	ASSERT_EQ(0, getcpu(&cpu, &cpu_node));
	ASSERT_EQ(0, pin_cpu(cpu));	/* order-0 frees go to one list */
	for (run = 0; run < 2; run++) {
		ops[run] = calloc(NR, sizeof(*ops[run]));
		ASSERT_NE(NULL, ops[run]);
		if (!canonicalize(_metadata, self, node))
			canon++;
		ASSERT_EQ(0, drain_all(self->fd));
		snprintf(title, sizeof(title),
			 "random batch (seed 0x%x, %d ops, orders 0-5, 60%% allocs, node %d, THISNODE|NOPCP): buddyinfo %s",
			 SEED, NR, node, run ? "after" : "before");
		if (!run)
			print_buddyinfo(title);
		memset(&b[run], 0, sizeof(b[run]));
		b[run].ops = (uintptr_t)ops[run];
		b[run].nr_ops = NR;
		b[run].flags = EDU_BATCH_RANDOM | EDU_BATCH_CONTINUE;
		b[run].seed = SEED;
		b[run].max_order = 5;
		b[run].alloc_pct = 60;
		b[run].node = node;
		b[run].alloc_flags = EDU_ALLOC_THISNODE | EDU_ALLOC_NOPCP;
		ASSERT_EQ(0, run_batch(self->fd, &b[run]));
		EXPECT_EQ((__u64)NR, b[run].done);
		if (!run) {
			memcpy(strstr(title, "buddyinfo before"),
			       "buddyinfo after ", 16);
			print_buddyinfo(title);
			print_fragmentation();
		}
		check_generator(_metadata, &b[run], ops[run], &live);
		check_blocks(_metadata, &live);
		TH_LOG("run %d: %zu blocks live at the end, %llu ops failed", run,
		       live.nr, b[run].failed);
		EXPECT_EQ(0, free_blks(self->fd, live.v, live.nr));
		blkvec_reset(&live);
		ASSERT_EQ(0, drain_all(self->fd));
		ASSERT_EQ(0, read_buddyinfo(&bi));
		binfo_same(_metadata, "after freeing the random batch",
			   &self->bi0, &bi);
	}

	EXPECT_EQ(b[0].failed, b[1].failed);
	for (i = 0; i < NR; i++) {
		const struct edu_page_op *x = &ops[0][i], *y = &ops[1][i];

		if (x->op != y->op || x->order != y->order ||
		    x->result != y->result || x->node != y->node) {
			if (!bad++)
				TH_LOG("op %zu differs: %llu/%llu/%lld vs %llu/%llu/%lld",
				       i, x->op, x->order, x->result, y->op,
				       y->order, y->result);
		}
		if (canon == 2 && x->pfn != y->pfn) {
			if (!bad++)
				TH_LOG("op %zu: pfn 0x%llx then 0x%llx", i,
				       x->pfn, y->pfn);
		}
	}
	EXPECT_EQ(0, bad);
	if (canon != 2)
		TH_LOG("control file unusable: PFNs of the replay not compared");
	free(ops[0]);
	free(ops[1]);

	/* Seed 0 is seed 1. */
	for (run = 0; run < 2; run++) {
		ops[run] = calloc(64, sizeof(*ops[run]));
		ASSERT_NE(NULL, ops[run]);
		memset(&b[run], 0, sizeof(b[run]));
		b[run].ops = (uintptr_t)ops[run];
		b[run].nr_ops = 64;
		b[run].flags = EDU_BATCH_RANDOM;
		b[run].seed = run;
		b[run].max_order = 3;
		b[run].alloc_pct = 50;
		b[run].node = EDU_NODE_LOCAL;
		ASSERT_EQ(0, run_batch(self->fd, &b[run]));
		EXPECT_EQ(64U, b[run].done);
		check_generator(_metadata, &b[run], ops[run], &live);
		EXPECT_EQ(0, free_blks(self->fd, live.v, live.nr));
		blkvec_reset(&live);
	}
	for (i = 0; i < 64; i++) {
		EXPECT_EQ(ops[0][i].op, ops[1][i].op);
		EXPECT_EQ(ops[0][i].order, ops[1][i].order);
	}
	free(ops[0]);
	free(ops[1]);
}

/*
 * Pages parked on another CPU's list do not make an allocation fail: the
 * node is filled to its min mark, 40 pages are freed on a second CPU (so
 * they sit on its list, invisible to the buddy lists and the watermark
 * check), and a request on the first CPU must drain them and succeed, as
 * the kernel's drain_all_pages() before it gives up.
 */
TEST_F(buddy, alloc_drains_pcp_on_failure)
{
	enum { K = 40 };
	struct edu_node_stats s0, s;
	struct blkvec fill = {}, parked = {};
	struct edu_page_alloc a;
	int cpus[2], node;

	if (self->skip)
		return;
	if (usable_cpus(cpus, 2) < 2)
		SKIP(return, "needs two CPUs");
	node = self->pool[0];
	ASSERT_EQ(0, node_stats(self->fd, node, &s0));
	ASSERT_EQ(0, fill_node(self->fd, node, s0.wmark_min + K, 0, &fill));
	ASSERT_EQ(0, alloc_blks(self->fd, &parked, K, node, 0,
				EDU_ALLOC_THISNODE | EDU_ALLOC_NOPCP));
	ASSERT_EQ(K, parked.nr);
	ASSERT_EQ(0, node_stats(self->fd, node, &s));
	ASSERT_EQ(s.wmark_min, s.free_pages);

	/* Freed on CPU 1: they stay on its list (K < high). */
	ASSERT_EQ(0, pin_cpu(cpus[1]));
	EXPECT_EQ(0, free_blks(self->fd, parked.v, parked.nr));
	ASSERT_EQ(0, node_stats(self->fd, node, &s));
	ASSERT_EQ(K, s.pcp_pages);
	ASSERT_EQ(s.wmark_min, s.free_pages);

	/* On CPU 0, at the min mark: served after a drain, not refused. */
	ASSERT_EQ(0, pin_cpu(cpus[0]));
	EXPECT_EQ(0, alloc_one(self->fd, node, 0,
			       EDU_ALLOC_THISNODE | EDU_ALLOC_NOPCP, &a));
	ASSERT_EQ(0, node_stats(self->fd, node, &s));
	EXPECT_EQ(0U, s.pcp_pages);
	EXPECT_EQ(s.wmark_min + K - 1, s.free_pages);
	EXPECT_EQ(s0.drain_retries + 1, s.drain_retries);
	EXPECT_EQ(s0.failures, s.failures);
	EXPECT_EQ(0, free_one(self->fd, a.handle));
	EXPECT_EQ(1, drain(self->fd, node));

	/* With nothing parked, the same request is refused, and counted. */
	ASSERT_EQ(0, alloc_blks(self->fd, &parked, K, node, 0,
				EDU_ALLOC_THISNODE | EDU_ALLOC_NOPCP));
	EXPECT_EQ(-ENOMEM, alloc_one(self->fd, node, 0,
				     EDU_ALLOC_THISNODE | EDU_ALLOC_NOPCP, &a));
	ASSERT_EQ(0, node_stats(self->fd, node, &s));
	EXPECT_EQ(s0.failures + 1, s.failures);
	EXPECT_EQ(s0.drain_retries + 1, s.drain_retries);
	EXPECT_EQ(0, free_blks(self->fd, parked.v + K, parked.nr - K));
	EXPECT_EQ(0, free_blks(self->fd, fill.v, fill.nr));
	blkvec_reset(&parked);
	blkvec_reset(&fill);
}

/* maps lines of the device, to check that none is left behind. */
static int dev_maps_lines(void)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, DEV_PATH))
			n++;
	fclose(f);
	return n;
}

/*
 * Blocks map shared only.  A private (copy-on-write) mapping would put the
 * block's frame number in vm_pgoff, which /proc/PID/maps prints to anyone.
 */
TEST_F(buddy, mmap_private_refused)
{
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE };
	struct edu_page_alloc a;
	unsigned int i;
	void *m;

	if (self->skip)
		return;
	ASSERT_EQ(0, alloc_one(self->fd, EDU_NODE_LOCAL, 1, 0, &a));
	ASSERT_EQ(0, dev_maps_lines());
	for (i = 0; i < ARRAY_SIZE(prots); i++) {
		m = mmap(NULL, page_size << 1, prots[i], MAP_PRIVATE, self->fd,
			 a.mmap_offset);
		EXPECT_EQ(MAP_FAILED, m);
		EXPECT_EQ(EINVAL, errno);
		if (m != MAP_FAILED)
			munmap(m, page_size << 1);
	}
	EXPECT_EQ(0, dev_maps_lines());
	/* The same block maps shared, at offset = handle << page shift. */
	m = mmap(NULL, page_size << 1, PROT_READ, MAP_SHARED, self->fd,
		 a.mmap_offset);
	ASSERT_NE(MAP_FAILED, m);
	EXPECT_EQ(1, dev_maps_lines());
	EXPECT_EQ(0, munmap(m, page_size << 1));
	EXPECT_EQ(0, free_one(self->fd, a.handle));
}

/* ------------------------------------------------------- bad input -- */

struct snapshot {
	struct binfo bi;
	struct edu_node_stats s[MAX_NODES];
};

static void take_snapshot(struct __test_metadata *_metadata,
			  struct _test_data_buddy *self, struct snapshot *snap)
{
	int i;

	ASSERT_LE(0, drain(self->fd, EDU_NODE_LOCAL));
	ASSERT_EQ(0, read_buddyinfo(&snap->bi));
	for (i = 0; i < self->nr_pool; i++)
		ASSERT_EQ(0, node_stats(self->fd, self->pool[i],
					&snap->s[self->pool[i]]));
}

/* EXPECT the state of @a; the counters too if @counters. */
static void same_snapshot(struct __test_metadata *_metadata,
			  struct _test_data_buddy *self, const char *what,
			  const struct snapshot *a, bool counters)
{
	struct snapshot b;
	int i, node;

	take_snapshot(_metadata, self, &b);
	binfo_same(_metadata, what, &a->bi, &b.bi);
	for (i = 0; i < self->nr_pool; i++) {
		node = self->pool[i];
		EXPECT_EQ(a->s[node].free_pages, b.s[node].free_pages)
			TH_LOG("%s: node %d", what, node);
		if (!counters)
			continue;
		EXPECT_EQ(a->s[node].allocs, b.s[node].allocs)
			TH_LOG("%s: node %d", what, node);
		EXPECT_EQ(a->s[node].frees, b.s[node].frees)
			TH_LOG("%s: node %d", what, node);
		EXPECT_EQ(a->s[node].failures, b.s[node].failures)
			TH_LOG("%s: node %d", what, node);
	}
}

/* EXPECT EDU_IOC_PAGE_ALLOC of @a to fail with @err. */
static void expect_alloc_err(struct __test_metadata *_metadata, int fd,
			     const struct edu_page_alloc *a, int err,
			     const char *what)
{
	struct edu_page_alloc c = *a;

	EXPECT_EQ(err, ioctl_errno(fd, EDU_IOC_PAGE_ALLOC, &c))
		TH_LOG("alloc with %s", what);
}

/*
 * Item 10: bad input gets a clear errno and changes nothing: buddyinfo and
 * every counter are the same before and after.
 */
TEST_F(buddy, bad_input)
{
	struct edu_page_alloc a, good;
	struct edu_page_batch b;
	struct edu_page_op ops[2];
	struct edu_handle_arg h;
	struct edu_drain_arg d;
	struct edu_node_stats s;
	bool online[MAX_NODES];
	struct snapshot snap;
	unsigned long cmd;
	int i, fd2, offline = 0;
	__u64 foreign;
	void *hole, *ro, *noaccess;
	struct edu_page_op *ro_op;

	if (self->skip)
		return;
	/* One live block of ours, to forge and misuse handles from. */
	ASSERT_EQ(0, alloc_one(self->fd, EDU_NODE_LOCAL, 1, 0, &good));
	fd2 = foreign_fd(_metadata, self, good.handle);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, alloc_one(fd2, EDU_NODE_LOCAL, 0, EDU_ALLOC_NOPCP, &a));
	foreign = a.handle;
	/*
	 * Read-only pages holding a valid alloc request (page 0) and a valid
	 * alloc op (page 1); an inaccessible page; and, made last so that no
	 * other mapping takes its place, an unmapped one.
	 */
	ro = mmap(NULL, 3 * page_size, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	((struct edu_page_alloc *)ro)->node = EDU_NODE_LOCAL;
	((struct edu_page_alloc *)ro)->flags = EDU_ALLOC_NOPCP;
	ro_op = (struct edu_page_op *)((char *)ro + page_size);
	ro_op->op = EDU_OP_ALLOC;
	ro_op->node = EDU_NODE_LOCAL;
	ro_op->flags = EDU_ALLOC_NOPCP;
	ASSERT_EQ(0, mprotect(ro, 2 * page_size, PROT_READ));
	noaccess = (char *)ro + 2 * page_size;
	ASSERT_EQ(0, mprotect(noaccess, page_size, PROT_NONE));
	hole = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	munmap(hole, page_size);
	take_snapshot(_metadata, self, &snap);

	/* Orders. */
	memset(&a, 0, sizeof(a));
	a.node = EDU_NODE_LOCAL;
	a.order = EDU_MAX_ORDER + 1;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL, "order 11");
	a.order = 1ULL << 32;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL, "order 2^32");
	a.order = ~0ULL;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL, "order ~0");
	a.order = 0;

	/* Nodes. */
	a.node = self->nr_node_ids;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL, "node nr_node_ids");
	a.flags = EDU_ALLOC_THISNODE;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL,
			 "node nr_node_ids, THISNODE");
	a.flags = 0;
	a.node = 1ULL << 31;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL, "node 2^31");
	a.node = EDU_NODE_LOCAL - 1;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL, "node 2^64 - 2");
	read_list(NODE_DIR "/online", online, MAX_NODES);
	for (i = 0; i < self->nr_node_ids && i < MAX_NODES; i++) {
		if (online[i])
			continue;
		a.node = i;
		expect_alloc_err(_metadata, self->fd, &a, EINVAL,
				 "an offline node");
		offline++;
	}
	if (!offline)
		TH_LOG("no offline node below nr_node_ids %d: not tested",
		       self->nr_node_ids);
	a.node = EDU_NODE_LOCAL;

	/* Flags, reserved words, output fields. */
	a.flags = EDU_ALLOC_FLAGS + 1;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL, "flag bit 3");
	a.flags = 1ULL << 8;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL, "flag bit 8");
	a.flags = 1ULL << 63;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL, "flag bit 63");
	a.flags = 0;
	for (i = 0; i < (int)ARRAY_SIZE(a.reserved); i++) {
		a.reserved[i] = 1;
		expect_alloc_err(_metadata, self->fd, &a, EINVAL, "reserved");
		a.reserved[i] = 0;
	}
	a.handle = good.handle;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL, "handle set");
	a.handle = 0;
	a.pfn = 1;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL, "pfn set");
	a.pfn = 0;
	a.mmap_offset = 1;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL, "mmap_offset set");
	a.mmap_offset = 0;
	a.result_flags = EDU_RESULT_PCP;
	expect_alloc_err(_metadata, self->fd, &a, EINVAL, "result_flags set");
	a.result_flags = 0;

	/* Handles: none, unknown, forged, foreign, reserved words. */
	memset(&h, 0, sizeof(h));
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_FREE, &h));
	h.handle = good.handle + 100000;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_FREE, &h));
	h.handle = good.handle ^ (1ULL << 40);		/* another tag */
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_FREE, &h));
	h.handle = good.handle & 0xffffffffULL;		/* no tag */
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_FREE, &h));
	h.handle = good.handle | (1ULL << 63);
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_FREE, &h));
	h.handle = foreign;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_FREE, &h));
	h.handle = good.handle;
	h.reserved[2] = 1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_FREE, &h));

	/* NULL and unmapped pointers. */
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_PAGE_ALLOC, NULL));
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_PAGE_ALLOC, hole));
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_PAGE_FREE, NULL));
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_PAGE_FREE, hole));
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, NULL));
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_PCP_DRAIN, hole));
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_NODE_STATS, NULL));
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_INFO, hole));
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_PAGE_ALLOC, noaccess));
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_NODE_STATS, noaccess));
	same_snapshot(_metadata, self, "single-op bad input", &snap, true);

	/* Batches. */
	memset(ops, 0, sizeof(ops));
	ops[0].op = EDU_OP_ALLOC;
	memset(&b, 0, sizeof(b));
	b.ops = (uintptr_t)ops;
	b.nr_ops = 0;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.nr_ops = EDU_BATCH_MAX + 1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.nr_ops = 1;
	b.flags = EDU_BATCH_FLAGS + 1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.flags = 0;
	b.seed = 1;			/* random-mode fields, explicit mode */
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.seed = 0;
	b.done = 1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.done = 0;
	b.failed = 1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.failed = 0;
	b.reserved[5] = 1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.reserved[5] = 0;
	b.ops = 0;
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.ops = (uintptr_t)hole;
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.ops = (uintptr_t)noaccess;
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.ops = (uintptr_t)ops;

	/* Random mode parameters. */
	b.flags = EDU_BATCH_RANDOM;
	b.max_order = 3;
	b.alloc_pct = 50;
	b.node = EDU_NODE_LOCAL;
	b.max_order = EDU_MAX_ORDER + 1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.max_order = 3;
	b.alloc_pct = 0;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.alloc_pct = 101;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.alloc_pct = 50;
	b.alloc_flags = EDU_ALLOC_FLAGS + 1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	b.alloc_flags = 0;
	/* A bad node: refused up front, or by every op; nothing allocated. */
	b.node = self->nr_node_ids;
	b.flags |= EDU_BATCH_CONTINUE;
	b.nr_ops = 2;
	i = ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b);
	if (i) {
		EXPECT_EQ(EINVAL, i);
	} else {
		EXPECT_EQ(2U, b.failed);
		EXPECT_EQ(-EINVAL, ops[0].result);
		EXPECT_EQ(-EINVAL, ops[1].result);
		TH_LOG("random mode: a bad node fails each op, not the ioctl");
	}
	same_snapshot(_metadata, self, "bad batch parameters", &snap, true);

	/* Drain and stats. */
	memset(&d, 0, sizeof(d));
	d.node = self->nr_node_ids;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PCP_DRAIN, &d));
	d.node = EDU_NODE_LOCAL;
	d.drained = 1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PCP_DRAIN, &d));
	d.drained = 0;
	d.reserved[1] = 1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_PCP_DRAIN, &d));
	memset(&s, 0, sizeof(s));
	s.node = 1ULL << 40;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_NODE_STATS, &s));
	s.node = EDU_NODE_LOCAL;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_NODE_STATS, &s));
	s.node = self->pool[0];
	s.reserved[6] = 1;
	EXPECT_EQ(EINVAL, ioctl_errno(self->fd, EDU_IOC_NODE_STATS, &s));
	cmd = _IOWR(EDU_IOC_MAGIC, 0x1f, struct edu_drain_arg);
	EXPECT_EQ(ENOTTY, ioctl_errno(self->fd, cmd, &d));
	same_snapshot(_metadata, self, "bad drain/stats input", &snap, true);

	/*
	 * An allocation whose result cannot be copied back: the caller never
	 * learns the handle, so no block may stay behind (the allocation
	 * and its undoing may show in the counters).
	 */
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_PAGE_ALLOC, ro));
	same_snapshot(_metadata, self, "alloc into a read-only result", &snap,
		      false);
	memset(&b, 0, sizeof(b));
	b.ops = (uintptr_t)ro_op;
	b.nr_ops = 1;
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	same_snapshot(_metadata, self, "batch alloc into a read-only vector",
		      &snap, false);
	memset(&b, 0, sizeof(b));
	b.ops = (uintptr_t)hole;
	b.nr_ops = 1;
	b.flags = EDU_BATCH_RANDOM;
	b.max_order = 0;
	b.alloc_pct = 100;
	b.node = EDU_NODE_LOCAL;
	b.alloc_flags = EDU_ALLOC_NOPCP;
	EXPECT_EQ(EFAULT, ioctl_errno(self->fd, EDU_IOC_PAGE_BATCH, &b));
	same_snapshot(_metadata, self, "random batch into an unmapped vector",
		      &snap, false);

	/* The good block survived all that; freed twice, the second fails. */
	EXPECT_EQ(0, free_one(self->fd, good.handle));
	EXPECT_EQ(-EINVAL, free_one(self->fd, good.handle));
	EXPECT_EQ(0, free_one(fd2, foreign));
	munmap(ro, 3 * page_size);
}

/* ------------------------------------------------------- privileges -- */

/*
 * The child of privileges(): without CAP_SYS_ADMIN, as uid 0.  The exit
 * status names the first check that failed.
 */
static int unprivileged_child(int inherited_fd)
{
	struct edu_page_op op = { .op = EDU_OP_ALLOC, .node = EDU_NODE_LOCAL };
	struct edu_page_batch b = { .nr_ops = 1 };
	struct edu_page_alloc a;
	struct edu_info info = { 0 };
	unsigned char *m;
	int fd;

	if (edu_drop_sys_admin())
		return 10;
	fd = edu_open();
	if (fd < 0)
		return 11;
	if (ioctl(fd, EDU_IOC_INFO, &info) || (info.caps & EDU_CAP_PFN))
		return 12;
	if (alloc_one(fd, EDU_NODE_LOCAL, 2, 0, &a) || !a.handle)
		return 13;
	if (a.pfn)
		return 14;
	m = map_block(fd, a.mmap_offset, 2, PROT_READ | PROT_WRITE);
	if (m == MAP_FAILED)
		return 15;
	m[0] = 1;
	munmap(m, page_size << 2);
	if (free_one(fd, a.handle))
		return 16;
	b.ops = (uintptr_t)&op;
	if (run_batch(fd, &b) || op.result || !op.handle)
		return 17;
	if (op.pfn)
		return 18;
	/* Privilege is the opener's: an fd opened as root keeps it. */
	if (alloc_one(inherited_fd, EDU_NODE_LOCAL, 0, 0, &a) || !a.pfn)
		return 19;
	free_one(inherited_fd, a.handle);
	close(fd);	/* frees the batch's block */
	return 0;
}

/* The child of privileges() as nobody: @flags cannot open the device. */
static int nobody_child(int flags)
{
	int fd;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return 10;
	fd = open(DEV_PATH, flags);
	if (fd >= 0)
		return 11;
	if (errno != EACCES)
		return 12;
	fd = open(DEV_PATH, O_RDONLY);
	if (fd >= 0 || errno != EACCES)
		return 13;
	return 0;
}

static int run_child(int (*fn)(int), int arg)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Item 11: PFNs only for openers with CAP_SYS_ADMIN (as root: non-zero);
 * without it, as uid 0, the device opens but PFNs read 0 and
 * EDU_CAP_PFN is clear; as nobody, the 0600 node does not open.
 */
TEST_F(buddy, privileges)
{
	struct edu_page_alloc a;
	struct stat st;
	int ret;

	if (self->skip)
		return;
	ASSERT_EQ(0U, getuid());
	ASSERT_TRUE(!!(self->info.caps & EDU_CAP_PFN));
	ASSERT_EQ(0, alloc_one(self->fd, EDU_NODE_LOCAL, 0, 0, &a));
	EXPECT_NE(0U, a.pfn);
	EXPECT_EQ(0, free_one(self->fd, a.handle));
	ASSERT_EQ(0, stat(DEV_PATH, &st));
	EXPECT_EQ(0600U, st.st_mode & 07777);
	EXPECT_EQ(0U, st.st_uid);

	ret = run_child(unprivileged_child, self->fd);
	EXPECT_EQ(0, ret) TH_LOG("without CAP_SYS_ADMIN: check %d failed", ret);
	ret = run_child(nobody_child, O_RDWR);
	EXPECT_EQ(0, ret) TH_LOG("as uid 65534: check %d failed", ret);
}

/* ---------------------------------------------------------- control -- */

struct ctl_entry {
	unsigned int id;
	int node;
	unsigned int order;
	unsigned long pfn;
};

static int read_control(struct ctl_entry *e, int max)
{
	char buf[65536], *line, *save = NULL;
	int n = 0;

	if (edu_read_text(EDU_DBG_DIR "/control", buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%u %d %u 0x%lx", &e[n].id, &e[n].node,
			   &e[n].order, &e[n].pfn) != 4)
			return -1;
		n++;
	}
	return n;
}

/*
 * Item 12: the debugfs control file allocates (listed with its PFN, seen in
 * buddyinfo as our split model says), frees all, refuses bad commands.
 */
TEST_F(buddy, control_file)
{
	struct ctl_entry e[64];
	struct binfo bi, model;
	char cmd[64];
	int fd, n, node;

	if (self->skip)
		return;
	fd = open(EDU_DBG_DIR "/control", O_RDWR);
	if (fd < 0)
		SKIP(return, "control: %s (kernel lockdown?)", strerror(errno));
	close(fd);
	ASSERT_EQ(0, read_control(e, ARRAY_SIZE(e)))
		TH_LOG("control holds blocks before the test");
	node = self->pool[self->nr_pool > 1 ? 1 : 0];
	self->ctl_used = 1;

	snprintf(cmd, sizeof(cmd), "alloc node=%d order=3\n", node);
	ASSERT_EQ(0, ctl_write(cmd));
	n = read_control(e, ARRAY_SIZE(e));
	ASSERT_EQ(1, n);
	EXPECT_EQ(node, e[0].node);
	EXPECT_EQ(3U, e[0].order);
	EXPECT_EQ(0U, e[0].pfn & 7);
	EXPECT_EQ(node, pfn_node(e[0].pfn));
	model = self->bi0;
	EXPECT_TRUE(model_split(model.cnt[node], 3));
	ASSERT_EQ(0, read_buddyinfo(&bi));
	binfo_same(_metadata, "after alloc order=3", &model, &bi);

	snprintf(cmd, sizeof(cmd), "alloc node=%d order=0 thisnode nopcp",
		 node);
	ASSERT_EQ(0, ctl_write(cmd));
	EXPECT_TRUE(model_split(model.cnt[node], 0));
	ASSERT_EQ(0, read_buddyinfo(&bi));
	binfo_same(_metadata, "after alloc order=0", &model, &bi);
	n = read_control(e, ARRAY_SIZE(e));
	ASSERT_EQ(2, n);
	EXPECT_LT(e[0].id, e[1].id);
	EXPECT_EQ(0U, e[1].order);
	EXPECT_TRUE(e[1].pfn < e[0].pfn || e[1].pfn >= e[0].pfn + 8);

	/* Bad commands: EINVAL (ENOENT for an unknown id), no change. */
	EXPECT_EQ(-EINVAL, ctl_write("bogus"));
	EXPECT_EQ(-EINVAL, ctl_write("alloc order=11"));
	EXPECT_EQ(-EINVAL, ctl_write("alloc order=x"));
	EXPECT_EQ(-EINVAL, ctl_write("alloc node=999 order=1"));
	EXPECT_EQ(-EINVAL, ctl_write("alloc order=1 sideways"));
	EXPECT_EQ(-EINVAL, ctl_write("\n"));
	snprintf(cmd, sizeof(cmd), "wmark node=%d min=5 low=3 high=4", node);
	EXPECT_EQ(-EINVAL, ctl_write(cmd));
	EXPECT_EQ(-ENOENT, ctl_write("free id=999999"));
	ASSERT_EQ(0, read_buddyinfo(&bi));
	binfo_same(_metadata, "after bad commands", &model, &bi);
	EXPECT_EQ(2, read_control(e, ARRAY_SIZE(e)));

	/* "free id=K", then "free all" and "drain": as it was. */
	snprintf(cmd, sizeof(cmd), "free id=%u", e[0].id);
	EXPECT_EQ(0, ctl_write(cmd));
	EXPECT_EQ(1, read_control(e, ARRAY_SIZE(e)));
	EXPECT_EQ(0, ctl_write("free all"));
	EXPECT_EQ(0, read_control(e, ARRAY_SIZE(e)));
	EXPECT_EQ(0, ctl_write("drain"));
	ASSERT_EQ(0, read_buddyinfo(&bi));
	binfo_same(_metadata, "after free all + drain", &self->bi0, &bi);
	self->ctl_used = 0;
}

/* Fill @fd with blocks of every order on every node and a random batch. */
static void fill_file(struct __test_metadata *_metadata,
		      struct _test_data_buddy *self, int fd, __u64 seed)
{
	struct edu_page_alloc a;
	struct edu_page_op *ops;
	struct edu_page_batch b;
	int i, o;

	for (i = 0; i < self->nr_pool; i++)
		for (o = 0; o <= EDU_MAX_ORDER; o++)
			ASSERT_EQ(0, alloc_one(fd, self->pool[i], o, o & 1 ?
					       EDU_ALLOC_NOPCP : 0, &a));
	ops = calloc(500, sizeof(*ops));
	ASSERT_NE(NULL, ops);
	memset(&b, 0, sizeof(b));
	b.ops = (uintptr_t)ops;
	b.nr_ops = 500;
	b.flags = EDU_BATCH_RANDOM;
	b.seed = seed;
	b.max_order = 4;
	b.alloc_pct = 70;
	b.node = EDU_NODE_LOCAL;
	ASSERT_EQ(0, run_batch(fd, &b));
	EXPECT_EQ(500U, b.done);
	free(ops);
}

/* EXPECT every pooled node to have @missing[node] pages fewer than at first. */
static void expect_free(struct __test_metadata *_metadata,
			struct _test_data_buddy *self, const char *what,
			const unsigned long *missing)
{
	struct edu_node_stats s;
	int i, node;

	ASSERT_LE(0, drain(self->fd, EDU_NODE_LOCAL));
	for (i = 0; i < self->nr_pool; i++) {
		node = self->pool[i];
		ASSERT_EQ(0, node_stats(self->fd, node, &s));
		EXPECT_EQ(self->init[node].free_pages - missing[node],
			  s.free_pages)
			TH_LOG("%s: node %d", what, node);
	}
}

/*
 * Item 13: closing a file frees everything it still owns.  A mapping keeps
 * its file open (the VFS holds a reference for the vma), so a file with a
 * mapping is released, and its blocks freed, at the last munmap.
 */
TEST_F(buddy, close_frees_all)
{
	unsigned long none[MAX_NODES] = {}, held[MAX_NODES];
	struct edu_node_stats s;
	struct edu_page_alloc a;
	struct binfo bi;
	unsigned char *m;
	int fd, i, node;

	if (self->skip)
		return;
	fd = extra_fd(_metadata, self);
	ASSERT_LE(0, fd);
	fill_file(_metadata, self, fd, 42);
	for (i = 0; i < self->nr_pool; i++) {
		node = self->pool[i];
		ASSERT_EQ(0, node_stats(self->fd, node, &s));
		EXPECT_LT(s.free_pages + s.pcp_pages,
			  self->init[node].free_pages);
	}
	close_extra_fd(self, fd);
	expect_free(_metadata, self, "after close", none);
	ASSERT_EQ(0, read_buddyinfo(&bi));
	binfo_same(_metadata, "after close", &self->bi0, &bi);

	/* The same with one block mapped when the file is closed. */
	fd = extra_fd(_metadata, self);
	ASSERT_LE(0, fd);
	fill_file(_metadata, self, fd, 43);
	ASSERT_EQ(0, alloc_one(fd, self->pool[0], 2, EDU_ALLOC_THISNODE, &a));
	m = map_block(fd, a.mmap_offset, 2, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_LE(0, drain(self->fd, EDU_NODE_LOCAL));
	for (i = 0; i < self->nr_pool; i++) {
		node = self->pool[i];
		ASSERT_EQ(0, node_stats(self->fd, node, &s));
		held[node] = self->init[node].free_pages - s.free_pages;
	}
	close_extra_fd(self, fd);
	expect_free(_metadata, self, "after close with a mapping", held);
	m[0] = 0x77;
	m[(page_size << 2) - 1] = 0x88;
	EXPECT_EQ(0x77, m[0]);
	EXPECT_EQ(0, kcore_check(_metadata, m, a.pfn, 4));
	EXPECT_EQ(0, munmap(m, page_size << 2));
	expect_free(_metadata, self, "after the last munmap", none);
	ASSERT_EQ(0, read_buddyinfo(&bi));
	binfo_same(_metadata, "after close and munmap", &self->bi0, &bi);
}

/* With no module, every test is reported as skipped and we exit with 4. */
static void exit_skip(void)
{
	fflush(NULL);
	_exit(KSFT_SKIP);
}

int main(int argc, char **argv)
{
	if (access(DEV_PATH, F_OK))
		atexit(exit_skip);
	return test_harness_run(argc, argv);
}
