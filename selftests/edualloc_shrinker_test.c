// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc_shrinker_test: the pools under the real kernel's memory
 * pressure.  edualloc's shrinker gives wholly free pool chunks back to the
 * kernel, and a node short of pages takes chunks again up to its cap
 * (module/shrinker.c).  Runs as root in the test VM with small pools
 * (edualloc_shrinker.sh loads the module with pool_mb=16 first).
 *
 * The oracles are the kernel's: the node's free memory
 * (/sys/devices/system/node/nodeN/meminfo) rises by what was given back;
 * /proc/kpageflags shows a given-back chunk as a free block of the kernel's
 * buddy allocator and every page an area still uses as not free; the pages
 * of an area keep their frames (/proc/self/pagemap) and their contents.
 * The kernel asks the shrinker itself, through "echo 2 > drop_caches"
 * (drop_slab()) and, in the last test, through its own reclaim when a
 * process eats the machine's memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/edualloc.h>

/* The 6.1 harness's SIGALRM handler ignores its third argument. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#include "edualloc_util.h"
#include "edualloc_area.h"
#pragma GCC diagnostic pop

#define DEV_PATH	"/dev/edualloc"
#define MAX_NODES	64
#define CHUNK		1024L	/* pages in a pool chunk */
#define KPF_BUDDY	10	/* /proc/kpageflags: a free block's head */
#define MAX_CHUNKS	64	/* of a node, with pool_mb=16: 4 */

long page_size;

/* Value @name of debugfs nodeN/stats, or -1. */
static long node_stat(int node, const char *name)
{
	char path[128], buf[4096], key[64], *at;
	long v;

	snprintf(path, sizeof(path), EDU_DBG_DIR "/node%d/stats", node);
	if (edu_read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	snprintf(key, sizeof(key), "\n%s ", name);
	at = strstr(buf, key);
	if (!at || sscanf(at + strlen(key), "%ld", &v) != 1)
		return -1;
	return v;
}

/* The module's own count of a node's pool pages (EDU_IOC_NODE_STATS). */
static long pool_pages(int fd, int node, struct edu_node_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->node = node;
	return ioctl(fd, EDU_IOC_NODE_STATS, s) ? -1 : (long)s->pool_pages;
}

/* The kernel asks every shrinker to give back all it can: drop_slab(). */
static int drop_slab(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, "2", 1) == 1 ? 0 : -1;
	close(fd);
	return ret;
}

/* The kernel's free memory on @node, in KiB, or -1. */
static long node_memfree_kb(int node)
{
	char path[128], buf[8192], *at;
	long v;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo",
		 node);
	if (edu_read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	at = strstr(buf, "MemFree:");
	if (!at || sscanf(at + 8, "%ld", &v) != 1)
		return -1;
	return v;
}

/* Field @name of /proc/meminfo (or the sysctl min_free_kbytes), KiB. */
static long meminfo_kb(const char *name)
{
	char buf[8192], *at;
	long v;

	if (!strcmp(name, "min_free_kbytes"))
		return edu_read_text("/proc/sys/vm/min_free_kbytes", buf,
				     sizeof(buf)) < 0 ||
		       sscanf(buf, "%ld", &v) != 1 ? -1 : v;
	if (edu_read_text("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	at = strstr(buf, name);
	if (!at || sscanf(at + strlen(name) + 1, "%ld", &v) != 1)
		return -1;
	return v;
}

/* The kernel's flags of frame @pfn (/proc/kpageflags), or ~0. */
static __u64 page_flags(__u64 pfn)
{
	static int fd = -1;
	__u64 f;

	if (fd < 0)
		fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, &f, sizeof(f), pfn * sizeof(f)) != sizeof(f))
		return ~0ULL;
	return f;
}

/*
 * The chunks of @node's debugfs map: the frame of each present slot into
 * @pfn (0 for an empty one, "with the kernel").  The number of slots, or -1.
 */
static int map_chunks(int node, __u64 *pfn, int max)
{
	static char buf[1 << 21];
	char path[128], *line, *save = NULL;
	unsigned long slot, f;
	int n = 0;

	snprintf(path, sizeof(path), EDU_DBG_DIR "/node%d/map", node);
	if (edu_read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "chunk %lu pfn 0x%lx", &slot, &f) == 2) {
			if (slot >= (unsigned long)max)
				return -1;
			pfn[slot] = f;
			n = slot + 1;
		} else if (strstr(line, ": with the kernel (shrinker)") &&
			   sscanf(line, "chunk %lu:", &slot) == 1) {
			if (slot >= (unsigned long)max)
				return -1;
			pfn[slot] = 0;
			n = slot + 1;
		}
	}
	return n;
}

/* Word @w of page @i of an area: names the page and the word. */
static inline __u64 pattern(long i, long w)
{
	return (__u64)i << 32 ^ (__u64)w * 0x9e3779b97f4a7c15ULL ^ 0x5348524bULL;
}

static void fill(char *p, long pages)
{
	long i, w, words = page_size / 8;

	for (i = 0; i < pages; i++)
		for (w = 0; w < words; w++)
			((__u64 *)(p + i * page_size))[w] = pattern(i, w);
}

/* Pages of @p whose contents are not the pattern. */
static long check(const char *p, long pages)
{
	long i, w, words = page_size / 8, bad = 0;

	for (i = 0; i < pages; i++)
		for (w = 0; w < words; w++)
			if (((const __u64 *)(p + i * page_size))[w] !=
			    pattern(i, w)) {
				bad++;
				break;
			}
	return bad;
}

/* ---------------------------------------------------------- fixture -- */

FIXTURE(shrink)
{
	int fd;
	int skip;
	struct edu_info info;
	int nr_pool;
	int pool[MAX_NODES];
	long free0[MAX_NODES];
	long cap[MAX_NODES];
};

FIXTURE_SETUP(shrink)
{
	int ret, i;

	ret = area_fixture_open(&self->fd, &self->info, self->pool,
				MAX_NODES, &self->nr_pool, self->free0);
	if (ret > 0) {
		self->skip = 1;
		SKIP(return, DEV_PATH " not present (edualloc not loaded)");
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, edu_param_set("pool_shrinker", "Y"));
	for (i = 0; i < self->nr_pool; i++) {
		self->cap[i] = node_stat(self->pool[i], "pool_cap_pages");
		ASSERT_LT(0, self->cap[i]);
		ASSERT_GE(MAX_CHUNKS * CHUNK, self->cap[i]);
	}
}

FIXTURE_TEARDOWN(shrink)
{
	if (self->skip)
		return;
	EXPECT_EQ(0, edu_param_set("pool_shrinker", "Y"));
	close(self->fd);
}

/*
 * Make @node's pool whole again, or as whole as the kernel lets it: an
 * area of all but a chunk of its cap, touched (each fault that finds no
 * page takes chunks from the kernel first), then destroyed.  The pool's
 * pages after, or -1.
 */
static long regrow(int fd, int node, long cap)
{
	struct edu_node_stats s;
	struct edu_area_create c;
	long pages = cap - CHUNK, i;
	char *p;

	if (area_create(fd, pages, EDU_AREA_POLICY_NODE, node, &c))
		return -1;
	p = area_map(fd, &c, pages);
	if (!p)
		return -1;
	for (i = 0; i < pages; i++)
		p[i * page_size] = 1;
	munmap(p, pages * page_size);
	if (area_destroy(fd, c.handle) || edu_settle(fd))
		return -1;
	return pool_pages(fd, node, &s);
}

/* ------------------------------------------------------------- tests -- */

/* With the parameter off, the shrinker gives nothing back. */
TEST_F(shrink, parameter_off_keeps_the_pools)
{
	struct edu_node_stats s;
	long before[MAX_NODES], ret[MAX_NODES];
	int i;

	ASSERT_EQ(0, edu_param_set("pool_shrinker", "N"));
	ASSERT_EQ(0, edu_settle(self->fd));
	for (i = 0; i < self->nr_pool; i++) {
		before[i] = pool_pages(self->fd, self->pool[i], &s);
		ret[i] = node_stat(self->pool[i], "chunks_returned");
		ASSERT_LT(0, before[i]);
	}
	ASSERT_EQ(0, drop_slab());
	for (i = 0; i < self->nr_pool; i++) {
		EXPECT_EQ(before[i], pool_pages(self->fd, self->pool[i], &s));
		EXPECT_EQ(ret[i],
			  node_stat(self->pool[i], "chunks_returned"));
	}
}

/*
 * drop_slab() asks the shrinker for everything: every wholly free chunk
 * above the high watermark goes back.  The kernel's free memory on the
 * node grows by that much, and each chunk's first frame is a free block of
 * the kernel's buddy allocator; the map shows the empty slots.
 */
TEST_F(shrink, drop_caches_gives_free_chunks_back)
{
	long pool0[MAX_NODES], kb0[MAX_NODES], ret0[MAX_NODES];
	__u64 pfn0[MAX_NODES][MAX_CHUNKS], pfn1[MAX_CHUNKS];
	long pool1, kb1, given, high;
	int i, node, slots, c, empty;
	struct edu_node_stats s;

	/* Whole pools, and the kernel's own caches dropped: no noise. */
	ASSERT_EQ(0, edu_param_set("pool_shrinker", "N"));
	for (i = 0; i < self->nr_pool; i++)
		ASSERT_LE(self->cap[i] - CHUNK,
			  regrow(self->fd, self->pool[i], self->cap[i]));
	ASSERT_EQ(0, drop_slab());
	ASSERT_EQ(0, edu_settle(self->fd));
	for (i = 0; i < self->nr_pool; i++) {
		node = self->pool[i];
		pool0[i] = pool_pages(self->fd, node, &s);
		ASSERT_EQ(pool0[i], (long)s.free_pages);
		ASSERT_EQ(self->cap[i] / CHUNK,
			  map_chunks(node, pfn0[i], MAX_CHUNKS));
		ret0[i] = node_stat(node, "chunks_returned");
		kb0[i] = node_memfree_kb(node);
		ASSERT_LT(0, kb0[i]);
	}

	ASSERT_EQ(0, edu_param_set("pool_shrinker", "Y"));
	ASSERT_EQ(0, drop_slab());
	for (i = 0; i < self->nr_pool; i++) {
		node = self->pool[i];
		kb1 = node_memfree_kb(node);
		pool1 = pool_pages(self->fd, node, &s);
		high = s.wmark_high;
		given = pool0[i] - pool1;
		TH_LOG("node %d: pool %ld -> %ld pages (cap %ld, high %ld); MemFree %ld -> %ld KiB",
		       node, pool0[i], pool1, self->cap[i], high, kb0[i], kb1);
		/* Everything it could: one more chunk would cross high. */
		EXPECT_LE(high, pool1);
		EXPECT_GT(high, pool1 - CHUNK);
		EXPECT_LT(0, given);
		EXPECT_EQ(given / CHUNK,
			  node_stat(node, "chunks_returned") - ret0[i]);
		/* The kernel's oracle: its free memory grew by as much. */
		EXPECT_LE(given * (page_size / 1024) * 9 / 10, kb1 - kb0[i]);

		/* The slots emptied are the chunks given back, free there. */
		slots = map_chunks(node, pfn1, MAX_CHUNKS);
		ASSERT_EQ(self->cap[i] / CHUNK, slots);
		for (c = 0, empty = 0; c < slots; c++) {
			if (pfn1[c]) {
				EXPECT_EQ(pfn0[i][c], pfn1[c]);
				continue;
			}
			empty++;
			EXPECT_TRUE(page_flags(pfn0[i][c]) >> KPF_BUDDY & 1)
				TH_LOG("chunk %d pfn %#llx: not free in the kernel",
				       c, (unsigned long long)pfn0[i][c]);
		}
		EXPECT_EQ(given / CHUNK, empty);
	}
}

/*
 * A shrunk pool grows back when its node needs the pages: an area of
 * three quarters of the cap, on a pool of one chunk, is served without
 * a page going to swap (each fault that finds no page takes chunks from
 * the kernel before it would evict anything), every word intact.
 */
TEST_F(shrink, pool_grows_back_on_demand)
{
	long pool0, pool1, regrown0, pages, bad;
	int node = self->pool[0];
	struct edu_node_stats s;
	struct edu_area_create c;
	struct swap_stat sw0, sw1;
	char *p;

	ASSERT_EQ(0, edu_settle(self->fd));
	ASSERT_EQ(0, drop_slab());
	pool0 = pool_pages(self->fd, node, &s);
	ASSERT_GT(self->cap[0] / 2, pool0) TH_LOG("pool not shrunk");
	regrown0 = node_stat(node, "chunks_regrown");
	ASSERT_EQ(0, swap_stat(&sw0));

	pages = self->cap[0] * 3 / 4;
	ASSERT_EQ(0, area_create(self->fd, pages, EDU_AREA_POLICY_NODE, node,
				 &c));
	p = area_map(self->fd, &c, pages);
	ASSERT_NE(NULL, p);
	fill(p, pages);
	bad = check(p, pages);
	pool1 = pool_pages(self->fd, node, &s);
	ASSERT_EQ(0, swap_stat(&sw1));
	TH_LOG("node %d: pool %ld -> %ld pages for %ld; %ld chunks taken, %ld refused; %ld swapped",
	       node, pool0, pool1, pages,
	       node_stat(node, "chunks_regrown") - regrown0,
	       node_stat(node, "grow_failures"), sw1.pswpout - sw0.pswpout);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(sw0.pswpout, sw1.pswpout);
	EXPECT_LE(pages, pool1);
	EXPECT_GE(self->cap[0], pool1);
	EXPECT_EQ((pool1 - pool0) / CHUNK,
		  node_stat(node, "chunks_regrown") - regrown0);
	munmap(p, pages * page_size);
	ASSERT_EQ(0, area_destroy(self->fd, c.handle));
}

/*
 * Chunks in use stay: an area over two chunks' worth keeps its frames and
 * its contents through drop_slab(), and the kernel still sees each of
 * those frames in use, not free.
 */
TEST_F(shrink, chunks_in_use_stay)
{
	long pages = 2 * CHUNK + CHUNK / 2, i, moved = 0, freed = 0;
	int node = self->pool[0];
	struct edu_area_create c;
	struct edu_node_stats s;
	__u64 *pfn;
	char *p;

	pfn = calloc(pages, sizeof(*pfn));
	ASSERT_NE(NULL, pfn);
	ASSERT_EQ(0, area_create(self->fd, pages, EDU_AREA_POLICY_NODE, node,
				 &c));
	p = area_map(self->fd, &c, pages);
	ASSERT_NE(NULL, p);
	fill(p, pages);
	for (i = 0; i < pages; i++) {
		__u64 e = pagemap_entry(p + i * page_size);

		ASSERT_TRUE(e & PM_PRESENT);
		pfn[i] = e & PM_PFN_MASK;
		ASSERT_NE(0, pfn[i]) TH_LOG("no frame numbers: not root?");
	}
	ASSERT_EQ(0, drop_slab());
	for (i = 0; i < pages; i++) {
		__u64 e = pagemap_entry(p + i * page_size);

		moved += (e & PM_PFN_MASK) != pfn[i];
		freed += page_flags(pfn[i]) >> KPF_BUDDY & 1;
	}
	EXPECT_EQ(0, moved);
	EXPECT_EQ(0, freed);
	EXPECT_EQ(0, check(p, pages));
	EXPECT_LE(pages, pool_pages(self->fd, node, &s));
	munmap(p, pages * page_size);
	ASSERT_EQ(0, area_destroy(self->fd, c.handle));
	free(pfn);
}

/*
 * Real pressure: a child eats the machine's memory, 4 MiB at a time,
 * until the kernel's own reclaim (its kswapd, woken at the zones' low
 * watermarks) has asked the shrinker for chunks; failure if free memory
 * comes within 8 MiB of the min watermarks (min_free_kbytes) first.  The
 * child is the OOM killer's first choice, should it come to that.
 * Afterwards the pools grow back.
 */
TEST_F_TIMEOUT(shrink, real_memory_pressure, 600)
{
	long ret0 = 0, ret1 = 0, pool, step = 4L << 20, floor_kb;
	int i, pipefd[2], status;
	char verdict = 0;
	pid_t pid;

	for (i = 0; i < self->nr_pool; i++) {
		pool = regrow(self->fd, self->pool[i], self->cap[i]);
		ASSERT_LE(2 * CHUNK, pool);
		ret0 += node_stat(self->pool[i], "chunks_returned");
	}
	floor_kb = meminfo_kb("min_free_kbytes") + 8192;
	ASSERT_LT(8192, floor_kb);
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int adj = open("/proc/self/oom_score_adj", O_WRONLY);
		long got = 0, now;

		if (adj < 0 || write(adj, "1000", 4) != 4)
			_exit(2);
		close(adj);
		for (;;) {
			char *m = mmap(NULL, step, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (m == MAP_FAILED)
				break;
			memset(m, 0x5a, step);
			got += step;
			for (now = 0, i = 0; i < self->nr_pool; i++)
				now += node_stat(self->pool[i],
						 "chunks_returned");
			if (now > ret0) {
				verdict = 'Y';
				break;
			}
			if (meminfo_kb("MemFree") < floor_kb)
				break;
		}
		if (!verdict)
			verdict = 'N';
		fprintf(stderr, "#   hog: %ld MiB taken, MemFree %ld KiB, verdict %c\n",
			got >> 20, meminfo_kb("MemFree"), verdict);
		if (write(pipefd[1], &verdict, 1) != 1)
			_exit(3);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	EXPECT_EQ(1, read(pipefd[0], &verdict, 1));
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(pipefd[0]);
	for (i = 0; i < self->nr_pool; i++)
		ret1 += node_stat(self->pool[i], "chunks_returned");
	TH_LOG("chunks given back under the hog: %ld", ret1 - ret0);
	EXPECT_EQ('Y', verdict);
	EXPECT_LT(ret0, ret1);
	/* The memory is the kernel's again; the pools take it back. */
	for (i = 0; i < self->nr_pool; i++)
		EXPECT_LE(self->cap[i] - CHUNK,
			  regrow(self->fd, self->pool[i], self->cap[i]));
}

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
