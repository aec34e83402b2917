// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc_area_test: areas, fault-driven mappings of /dev/edualloc
 * (EDU_IOC_AREA_*), seen from user space.  Runs as root in the test VM.
 *
 * The oracles are the kernel's, not the module's:
 *   - /proc/self/pagemap (bit 63, present; bits 0-54, the frame) and
 *     mincore(2) say which pages of a mapping are present: the module maps
 *     them VM_MIXEDMAP, which both page walkers look at;
 *   - the frame's node comes from /sys/devices/system/node/nodeN/memoryM
 *     (or /proc/zoneinfo's spans), as in edualloc_buddy_test;
 *   - the node's free page count (EDU_IOC_NODE_STATS, after draining the
 *     per-CPU lists) says what the buddy allocator gave out and got back;
 *   - data written through one mapping is read through another.
 * The module's own answers (EDU_IOC_AREA_INFO, debugfs "areas") are
 * checked against those.  Every test's teardown checks that each node's
 * free page count is back where it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
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
#define NODE_DIR	"/sys/devices/system/node"
#define MAX_NODES	64

long page_size;

/* ------------------------------------------------------------ helpers -- */

/* Present pages of [@p, @p + @pages) as a string of '.' and '#'. */
static void presence(const char *p, size_t pages, char *pm, char *mc)
{
	unsigned char vec[4096];
	size_t i;

	memset(vec, 0xff, sizeof(vec));
	mincore((void *)p, pages * page_size, vec);
	for (i = 0; i < pages; i++) {
		pm[i] = pagemap_entry(p + i * page_size) & PM_PRESENT ? '#' : '.';
		mc[i] = vec[i] & 1 ? '#' : '.';
	}
	pm[pages] = '\0';
	mc[pages] = '\0';
}

/* ------------------------------------ which node a frame belongs to -- */

struct memblk {
	unsigned long nr;
	int node;
};

static struct memblk *memblks;
static size_t nr_memblks;
static unsigned long memblk_pages;

struct zspan {
	unsigned long start, end;
	int node;
};

static struct zspan *zspans;
static size_t nr_zspans;

/* Without memory-block sysfs (the debug kernel), the zones' spans. */
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
			zspans = realloc(zspans, (nr_zspans + 1) * sizeof(*zspans));
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

	if (memblk_pages || nr_zspans)
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

/* The node of @pfn: -1 when no node lists it, -2 when several do. */
static int pfn_node(unsigned long pfn)
{
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
	for (i = 0; i < nr_memblks; i++) {
		if (memblks[i].nr != pfn / memblk_pages)
			continue;
		if (node >= 0 && node != memblks[i].node)
			return -2;
		node = memblks[i].node;
	}
	return node;
}

/* The node of the page mapped at @addr by the oracles, -1 if none. */
static int addr_node(const void *addr)
{
	__u64 e = pagemap_entry(addr);

	if (!(e & PM_PRESENT) || !(e & PM_PFN_MASK))
		return -1;
	return pfn_node(e & PM_PFN_MASK);
}

/* A CPU of @node (its sysfs cpulist), or -1. */
static int node_cpu(int node)
{
	char path[128], buf[256];

	snprintf(path, sizeof(path), NODE_DIR "/node%d/cpulist", node);
	if (edu_read_text(path, buf, sizeof(buf)) <= 0 || buf[0] < '0' ||
	    buf[0] > '9')
		return -1;
	return atoi(buf);
}

/* ---------------------------------------------------------- fixture -- */

FIXTURE(area)
{
	int fd;
	int skip;
	struct edu_info info;
	int nr_pool;
	int pool[MAX_NODES];
	long free0[MAX_NODES];
};

FIXTURE_SETUP(area)
{
	int ret = area_fixture_open(&self->fd, &self->info, self->pool,
				    MAX_NODES, &self->nr_pool, self->free0);

	if (ret > 0) {
		self->skip = 1;
		SKIP(return, DEV_PATH " not present (edualloc not loaded)");
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, load_memblks());
}

/* Every page back in the buddy allocator once the test's areas are gone. */
FIXTURE_TEARDOWN(area)
{
	int i, fd;

	if (self->skip)
		return;
	close(self->fd);
	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	EXPECT_LE(0, fd);
	for (i = 0; i < self->nr_pool; i++)
		EXPECT_EQ(self->free0[i], node_free(fd, self->pool[i]))
			TH_LOG("teardown: node %d free pages", self->pool[i]);
	close(fd);
}

/* ------------------------------------------------------------- tests -- */

/*
 * Nothing is present after mmap(); touching page i makes exactly page i
 * present (pagemap and mincore agree), counted as one minor fault that
 * allocated and cleared a page; the module's node and frame for it are
 * the kernel's.
 */
TEST_F(area, fault_on_touch)
{
	static const int order[] = { 5, 0, 15, 7, 8, 1, 14 };
	char want[17], pm[17], mc[17];
	struct edu_area_create c;
	struct edu_area_info ai;
	unsigned int k;
	char *p;

	ASSERT_EQ(0, area_create(self->fd, 16, EDU_AREA_POLICY_LOCAL, 0, &c));
	ASSERT_NE(0, c.handle);
	p = area_map(self->fd, &c, 16);
	ASSERT_NE(NULL, p);
	memset(want, '.', 16);
	want[16] = '\0';
	presence(p, 16, pm, mc);
	EXPECT_STREQ(want, pm);
	EXPECT_STREQ(want, mc);
	ASSERT_EQ(0, area_info(self->fd, c.handle, 0, &ai));
	EXPECT_EQ(0, ai.present);
	EXPECT_EQ(0, ai.faults_minor);
	EXPECT_EQ(1, ai.mappings);
	EXPECT_EQ(16, ai.pages);
	EXPECT_EQ(c.mmap_offset, ai.mmap_offset);
	EXPECT_EQ(EDU_NODE_NONE, ai.page_node);

	for (k = 0; k < ARRAY_SIZE(order); k++) {
		char *pg = p + order[k] * page_size;
		int i;

		/* A new page reads as zeros everywhere. */
		for (i = 0; i < page_size; i += 512)
			ASSERT_EQ(0, pg[i]);
		memset(pg, 'a' + order[k], page_size);
		want[order[k]] = '#';
		presence(p, 16, pm, mc);
		EXPECT_STREQ(want, pm);
		EXPECT_STREQ(want, mc);
		ASSERT_EQ(0, area_info(self->fd, c.handle, order[k], &ai));
		EXPECT_EQ(k + 1, ai.present);
		EXPECT_EQ(k + 1, ai.zero_fills);
		EXPECT_EQ(k + 1, ai.faults_minor);
		EXPECT_EQ(0, ai.faults_major);
		EXPECT_EQ(0, ai.faults_sigbus);
		EXPECT_EQ(pagemap_entry(pg) & PM_PFN_MASK, ai.page_pfn);
		EXPECT_EQ(addr_node(pg), (int)ai.page_node);
	}
	/* Touching them again faults no more. */
	for (k = 0; k < ARRAY_SIZE(order); k++)
		EXPECT_EQ('a' + order[k], p[order[k] * page_size + 100]);
	ASSERT_EQ(0, area_info(self->fd, c.handle, 0, &ai));
	EXPECT_EQ(ARRAY_SIZE(order), ai.faults_minor);
	EXPECT_EQ(0, munmap(p, 16 * page_size));
	ASSERT_EQ(0, area_info(self->fd, c.handle, 0, &ai));
	EXPECT_EQ(0, ai.mappings);
	/* The data is the area's, not the mapping's. */
	p = area_map(self->fd, &c, 16);
	ASSERT_NE(NULL, p);
	for (k = 0; k < ARRAY_SIZE(order); k++)
		EXPECT_EQ('a' + order[k], p[order[k] * page_size + 4000]);
	EXPECT_EQ(0, munmap(p, 16 * page_size));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
}

/* EDU_AREA_POLICY_NODE: every page on that node, for each node. */
TEST_F(area, policy_node)
{
	struct edu_area_create c;
	struct edu_area_info ai;
	int i, k;
	char *p;

	for (k = 0; k < self->nr_pool; k++) {
		int node = self->pool[k];

		ASSERT_EQ(0, area_create(self->fd, 32, EDU_AREA_POLICY_NODE,
					 node, &c));
		p = area_map(self->fd, &c, 32);
		ASSERT_NE(NULL, p);
		for (i = 0; i < 32; i++) {
			p[i * page_size] = 1;
			EXPECT_EQ(node, addr_node(p + i * page_size))
				TH_LOG("node %d page %d", node, i);
			ASSERT_EQ(0, area_info(self->fd, c.handle, i, &ai));
			EXPECT_EQ(node, (int)ai.page_node);
		}
		EXPECT_EQ(0, munmap(p, 32 * page_size));
		EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	}
}

/*
 * EDU_AREA_POLICY_INTERLEAVE: page i on the (i mod n)-th pool node,
 * whatever order the pages are touched in; debugfs draws the same map.
 */
TEST_F(area, policy_interleave)
{
	char want[129], got[4096], hdr[512];
	int pages = 16 * self->nr_pool, i, j;
	struct edu_area_create c;
	char *p;

	ASSERT_EQ(0, area_create(self->fd, pages, EDU_AREA_POLICY_INTERLEAVE,
				 0, &c));
	p = area_map(self->fd, &c, pages);
	ASSERT_NE(NULL, p);
	memset(want, '.', pages);
	want[pages] = '\0';
	/* Odd pages backwards first, then the even ones; page 2 never. */
	for (j = 0; j < pages; j++) {
		i = j < pages / 2 ? pages - 1 - 2 * j : 2 * (j - pages / 2);
		if (i == 2)
			continue;
		p[i * page_size] = 1;
		EXPECT_EQ(self->pool[i % self->nr_pool],
			  addr_node(p + i * page_size))
			TH_LOG("page %d", i);
		want[i] = '0' + addr_node(p + i * page_size);
	}
	if (!areas_map(0, hdr, sizeof(hdr), got, sizeof(got))) {
		EXPECT_STREQ(want, got);
		EXPECT_NE(NULL, strstr(hdr, "policy interleave"));
		TH_LOG("debugfs: %s\n#   %s", hdr, got);
	} else {
		TH_LOG("no debugfs %s/areas", EDU_DBG_DIR);
	}
	EXPECT_EQ(0, munmap(p, pages * page_size));
}

/* EDU_AREA_POLICY_LOCAL: first touch, on the node of the faulting CPU. */
TEST_F(area, policy_local)
{
	struct edu_area_create c;
	cpu_set_t set, old;
	int i, k;
	char *p;

	ASSERT_EQ(0, sched_getaffinity(0, sizeof(old), &old));
	ASSERT_EQ(0, area_create(self->fd, 8 * self->nr_pool,
				 EDU_AREA_POLICY_LOCAL, 0, &c));
	p = area_map(self->fd, &c, 8 * self->nr_pool);
	ASSERT_NE(NULL, p);
	for (k = 0; k < self->nr_pool; k++) {
		int node = self->pool[k], cpu = node_cpu(node);

		if (cpu < 0) {
			TH_LOG("node %d has no CPU", node);
			continue;
		}
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
		for (i = 8 * k; i < 8 * (k + 1); i++) {
			p[i * page_size] = 1;
			EXPECT_EQ(node, addr_node(p + i * page_size))
				TH_LOG("cpu %d page %d", cpu, i);
		}
	}
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(old), &old));
	EXPECT_EQ(0, munmap(p, 8 * self->nr_pool * page_size));
}

/*
 * The pages go back to the buddy allocator when the last of handle and
 * mappings goes, in either order; closing the file frees an unmapped area.
 */
TEST_F(area, lifetime)
{
	int node = self->pool[0], fd2;
	struct edu_area_create c;
	char *p;

	/* Handle first, then the mapping. */
	ASSERT_EQ(0, area_create(self->fd, 64, EDU_AREA_POLICY_NODE, node, &c));
	p = area_map(self->fd, &c, 64);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(self->free0[0], node_free(self->fd, node));
	memset(p, 7, 64 * page_size);
	EXPECT_EQ(self->free0[0] - 64, node_free(self->fd, node));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	EXPECT_EQ(-EINVAL, area_destroy(self->fd, c.handle));
	EXPECT_EQ(7, p[63 * page_size]);
	EXPECT_EQ(self->free0[0] - 64, node_free(self->fd, node));
	/* A freed handle's area is not mapped anew. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page_size, PROT_READ, MAP_SHARED,
				   self->fd, c.mmap_offset));
	EXPECT_EQ(0, munmap(p, 64 * page_size));
	EXPECT_EQ(self->free0[0], node_free(self->fd, node));

	/* The mapping first, then the handle. */
	ASSERT_EQ(0, area_create(self->fd, 64, EDU_AREA_POLICY_NODE, node, &c));
	p = area_map(self->fd, &c, 64);
	ASSERT_NE(NULL, p);
	memset(p, 7, 32 * page_size);
	EXPECT_EQ(0, munmap(p, 64 * page_size));
	EXPECT_EQ(self->free0[0] - 32, node_free(self->fd, node));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	EXPECT_EQ(self->free0[0], node_free(self->fd, node));

	/* Close with a mapping: the mapping keeps the file, then both go. */
	fd2 = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, area_create(fd2, 64, EDU_AREA_POLICY_NODE, node, &c));
	p = area_map(fd2, &c, 64);
	ASSERT_NE(NULL, p);
	memset(p, 7, 64 * page_size);
	EXPECT_EQ(0, close(fd2));
	EXPECT_EQ(self->free0[0] - 64, node_free(self->fd, node));
	EXPECT_EQ(0, munmap(p, 64 * page_size));
	EXPECT_EQ(self->free0[0], node_free(self->fd, node));

	/* Close without: every area of the file goes. */
	fd2 = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	for (int i = 0; i < 4; i++) {
		ASSERT_EQ(0, area_create(fd2, 16, EDU_AREA_POLICY_NODE, node,
					 &c));
		p = area_map(fd2, &c, 16);
		ASSERT_NE(NULL, p);
		memset(p, 7, 16 * page_size);
		EXPECT_EQ(0, munmap(p, 16 * page_size));
	}
	EXPECT_EQ(self->free0[0] - 64, node_free(self->fd, node));
	EXPECT_EQ(0, close(fd2));
	EXPECT_EQ(self->free0[0], node_free(self->fd, node));
}

/*
 * mmap(): shared only, within the area, through the file that owns it;
 * a mapping of part of the area maps those very pages.
 */
TEST_F(area, mmap_rules)
{
	struct edu_area_create c, c2;
	struct edu_area_info ai;
	int fd2;
	char *p, *q;

	ASSERT_EQ(0, area_create(self->fd, 8, EDU_AREA_POLICY_LOCAL, 0, &c));
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page_size, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE, self->fd, c.mmap_offset));
	EXPECT_EQ(EINVAL, errno);
	/* Past the end, or starting past it. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 9 * page_size, PROT_READ, MAP_SHARED,
				   self->fd, c.mmap_offset));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * page_size, PROT_READ, MAP_SHARED,
				   self->fd, c.mmap_offset + 7 * page_size));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page_size, PROT_READ, MAP_SHARED,
				   self->fd, c.mmap_offset + 8 * page_size));
	/* Through another file: not ours there. */
	fd2 = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page_size, PROT_READ, MAP_SHARED,
				   fd2, c.mmap_offset));
	/* Two areas never share offsets. */
	ASSERT_EQ(0, area_create(fd2, 8, EDU_AREA_POLICY_LOCAL, 0, &c2));
	EXPECT_TRUE(c2.mmap_offset >= c.mmap_offset + 8 * page_size ||
		    c.mmap_offset >= c2.mmap_offset + 8 * page_size);
	close(fd2);

	/* Pages 2..5 alone, then the whole: the same pages. */
	q = mmap(NULL, 4 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, c.mmap_offset + 2 * page_size);
	ASSERT_NE(MAP_FAILED, q);
	strcpy(q, "page two");
	strcpy(q + 3 * page_size, "page five");
	p = area_map(self->fd, &c, 8);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("page two", p + 2 * page_size);
	EXPECT_STREQ("page five", p + 5 * page_size);
	EXPECT_EQ(pagemap_entry(q) & PM_PFN_MASK,
		  pagemap_entry(p + 2 * page_size) & PM_PFN_MASK);
	/* mremap() cannot grow a mapping of it. */
	EXPECT_EQ(MAP_FAILED, mremap(q, 4 * page_size, 6 * page_size,
				     MREMAP_MAYMOVE));
	/* munmap() of a middle page splits the VMA: two mappings now. */
	EXPECT_EQ(0, munmap(p + 4 * page_size, page_size));
	ASSERT_EQ(0, area_info(self->fd, c.handle, 0, &ai));
	EXPECT_EQ(3, ai.mappings);
	EXPECT_EQ(2, ai.zero_fills);
	EXPECT_EQ(0, munmap(p, 8 * page_size));
	EXPECT_EQ(0, munmap(q, 4 * page_size));
}

/* A page dropped from the page table is still the area's. */
TEST_F(area, dontneed_keeps_the_page)
{
	struct edu_area_create c;
	struct edu_area_info ai;
	__u64 pfn;
	char *p;

	ASSERT_EQ(0, area_create(self->fd, 2, EDU_AREA_POLICY_LOCAL, 0, &c));
	p = area_map(self->fd, &c, 2);
	ASSERT_NE(NULL, p);
	strcpy(p, "kept");
	pfn = pagemap_entry(p) & PM_PFN_MASK;
	ASSERT_EQ(0, madvise(p, 2 * page_size, MADV_DONTNEED));
	EXPECT_FALSE(pagemap_entry(p) & PM_PRESENT);
	EXPECT_STREQ("kept", p);
	EXPECT_EQ(pfn, pagemap_entry(p) & PM_PFN_MASK);
	ASSERT_EQ(0, area_info(self->fd, c.handle, 0, &ai));
	EXPECT_EQ(1, ai.present);
	EXPECT_EQ(1, ai.zero_fills);
	EXPECT_EQ(2, ai.faults_minor);
	EXPECT_EQ(0, munmap(p, 2 * page_size));
}

/*
 * fork() shares the area: the child sees the parent's pages at once (its
 * page table is a copy), writes the parent sees, and its mapping keeps
 * the area alive after the parent has let go of it.
 */
TEST_F(area, fork_shares)
{
	int to_child[2], to_parent[2], status, node = self->pool[0];
	struct edu_area_create c;
	struct edu_area_info ai;
	char *p, ch;
	pid_t pid;

	ASSERT_EQ(0, area_create(self->fd, 4, EDU_AREA_POLICY_NODE, node, &c));
	p = area_map(self->fd, &c, 4);
	ASSERT_NE(NULL, p);
	strcpy(p, "parent");
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int ok = (pagemap_entry(p) & PM_PRESENT) &&
			 !strcmp(p, "parent");

		strcpy(p + page_size, "child");
		if (write(to_parent[1], "1", 1) != 1 ||
		    read(to_child[0], &ch, 1) != 1)
			_exit(2);
		/* The parent has unmapped and destroyed it: still here. */
		ok = ok && !strcmp(p, "parent") &&
		     !strcmp(p + page_size, "child");
		strcpy(p + 2 * page_size, "late");
		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(1, read(to_parent[0], &ch, 1));
	EXPECT_STREQ("child", p + page_size);
	ASSERT_EQ(0, area_info(self->fd, c.handle, 1, &ai));
	EXPECT_EQ(2, ai.mappings);
	EXPECT_EQ(2, ai.zero_fills);
	EXPECT_EQ(2, ai.present);
	EXPECT_EQ(node, (int)ai.page_node);
	EXPECT_EQ(0, munmap(p, 4 * page_size));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	EXPECT_EQ(self->free0[0] - 2, node_free(self->fd, node));
	ASSERT_EQ(1, write(to_child[1], "1", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The child's exit dropped the last mapping: all three pages back. */
	EXPECT_EQ(self->free0[0], node_free(self->fd, node));
}

#define RACE_THREADS	4
#define RACE_PAGES	512

struct racer {
	char *p;
	int id;
	pthread_barrier_t *go;
};

static void *race_touch(void *arg)
{
	struct racer *r = arg;
	int k, i;

	pthread_barrier_wait(r->go);
	for (k = 0; k < RACE_PAGES; k++) {
		i = (k + r->id * 7) % RACE_PAGES;
		r->p[i * page_size + r->id] = 'A' + r->id;
	}
	return NULL;
}

/*
 * Threads fault the same pages at once: each page is allocated once (one
 * zero fill per page, no page lost or leaked), and every thread's byte is
 * in it.
 */
TEST_F(area, threads_fault_together)
{
	pthread_t th[RACE_THREADS];
	struct racer r[RACE_THREADS];
	pthread_barrier_t go;
	struct edu_area_create c;
	struct edu_area_info ai;
	long used = 0;
	int i, t;
	char *p;

	ASSERT_EQ(0, area_create(self->fd, RACE_PAGES,
				 EDU_AREA_POLICY_INTERLEAVE, 0, &c));
	p = area_map(self->fd, &c, RACE_PAGES);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pthread_barrier_init(&go, NULL, RACE_THREADS));
	for (t = 0; t < RACE_THREADS; t++) {
		r[t] = (struct racer){ .p = p, .id = t, .go = &go };
		ASSERT_EQ(0, pthread_create(&th[t], NULL, race_touch, &r[t]));
	}
	for (t = 0; t < RACE_THREADS; t++)
		pthread_join(th[t], NULL);
	for (i = 0; i < RACE_PAGES; i++)
		for (t = 0; t < RACE_THREADS; t++)
			ASSERT_EQ('A' + t, p[i * page_size + t])
				TH_LOG("page %d thread %d", i, t);
	ASSERT_EQ(0, area_info(self->fd, c.handle, 0, &ai));
	EXPECT_EQ(RACE_PAGES, ai.zero_fills);
	EXPECT_EQ(RACE_PAGES, ai.present);
	EXPECT_LE(RACE_PAGES, ai.faults_minor);
	TH_LOG("%d pages, %d threads: %llu faults", RACE_PAGES, RACE_THREADS,
	       (unsigned long long)ai.faults_minor);
	for (i = 0; i < self->nr_pool; i++)
		used += self->free0[i] - node_free(self->fd, self->pool[i]);
	EXPECT_EQ(RACE_PAGES, used);
	EXPECT_EQ(0, munmap(p, RACE_PAGES * page_size));
	pthread_barrier_destroy(&go);
}

/* Bad arguments are EINVAL, more than the pools and swap hold ENOMEM. */
TEST_F(area, bad_args)
{
	struct edu_area_create c, ok;
	struct edu_area_info ai;
	struct edu_handle_arg h = { 0 };
	struct swap_stat sw;
	const unsigned long unknown[] = {
		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_AREA + 0x03, struct edu_area_info),
		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_END - 1, struct edu_area_info),
		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_END, struct edu_area_info),
		_IOR(EDU_IOC_MAGIC, EDU_IOC_NR_AREA, struct edu_area_create),
	};
	unsigned int i;

	EXPECT_EQ(-EINVAL, area_create(self->fd, 0, EDU_AREA_POLICY_LOCAL, 0, &c));
	EXPECT_EQ(-EINVAL, area_create(self->fd, EDU_AREA_MAX_PAGES + 1,
				       EDU_AREA_POLICY_LOCAL, 0, &c));
	EXPECT_EQ(-EINVAL, area_create(self->fd, 1, EDU_AREA_NR_POLICIES, 0, &c));
	EXPECT_EQ(-EINVAL, area_create(self->fd, 1, EDU_AREA_POLICY_LOCAL, 1, &c));
	EXPECT_EQ(-EINVAL, area_create(self->fd, 1, EDU_AREA_POLICY_INTERLEAVE,
				       self->pool[0] + 1, &c));
	EXPECT_EQ(-EINVAL, area_create(self->fd, 1, EDU_AREA_POLICY_NODE,
				       EDU_NODE_LOCAL, &c));
	EXPECT_EQ(-EINVAL, area_create(self->fd, 1, EDU_AREA_POLICY_NODE,
				       self->info.node_ids, &c));
	ASSERT_EQ(0, swap_stat(&sw));
	EXPECT_EQ(-ENOMEM, area_create(self->fd,
				       self->info.pool_pages + sw.slots + 1,
				       EDU_AREA_POLICY_LOCAL, 0, &c));
	/* One word at a time: flags, fd, out fields, each reserved word. */
	for (i = 3; i < sizeof(c) / sizeof(__u64); i++) {
		memset(&c, 0, sizeof(c));
		c.pages = 1;
		((__u64 *)&c)[i] = i == 3 ? EDU_AREA_FLAGS + 1 : 1;
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_AREA_CREATE, &c))
			TH_LOG("word %u", i);
		EXPECT_EQ(EINVAL, errno);
	}
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_AREA_CREATE, NULL));
	EXPECT_EQ(EFAULT, errno);

	ASSERT_EQ(0, area_create(self->fd, 4, EDU_AREA_POLICY_LOCAL, 0, &ok));
	EXPECT_EQ(-EINVAL, area_info(self->fd, ok.handle, 4, &ai));
	EXPECT_EQ(-EINVAL, area_info(self->fd, ok.handle + 1, 0, &ai));
	EXPECT_EQ(-EINVAL, area_info(self->fd, 0, 0, &ai));
	memset(&ai, 0, sizeof(ai));
	ai.handle = ok.handle;
	ai.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_AREA_INFO, &ai));
	EXPECT_EQ(EINVAL, errno);
	/* Another kind's handle, and a reserved word of the destroy. */
	h.handle = ok.handle;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_PAGE_FREE, &h));
	EXPECT_EQ(EINVAL, errno);
	h.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_AREA_DESTROY, &h));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, area_destroy(self->fd, ok.handle));
	EXPECT_EQ(-EINVAL, area_destroy(self->fd, ok.handle));

	for (i = 0; i < ARRAY_SIZE(unknown); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, unknown[i], &ai));
		EXPECT_EQ(ENOTTY, errno) TH_LOG("cmd %#lx", unknown[i]);
	}
}

/*
 * An opener without CAP_SYS_ADMIN learns each page's node, never its
 * frame, as pagemap hides frames from it.
 */
TEST_F(area, pfn_hidden_unprivileged)
{
	struct edu_area_create c;
	struct edu_area_info ai;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd, ok;
		char *p;

		if (edu_drop_sys_admin())
			_exit(2);
		fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
		if (fd < 0 || area_create(fd, 1, EDU_AREA_POLICY_NODE,
					  self->pool[0], &c))
			_exit(3);
		p = area_map(fd, &c, 1);
		if (!p)
			_exit(4);
		p[0] = 1;
		ok = !area_info(fd, c.handle, 0, &ai) && ai.present == 1 &&
		     ai.page_node == (__u64)self->pool[0] && !ai.page_pfn &&
		     !(pagemap_entry(p) & PM_PFN_MASK);
		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* max_areas per file: past it ENOSPC; back under it, creation works. */
TEST_F(area, per_file_limit)
{
	struct edu_area_create c;
	char old[32] = "";
	__u64 h[4];
	int i;

	if (edu_read_text("/sys/module/edualloc/parameters/max_areas", old,
			  sizeof(old)) <= 0)
		SKIP(return, "no max_areas parameter");
	ASSERT_EQ(0, edu_param_set("max_areas", "3"));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(0, area_create(self->fd, 1, EDU_AREA_POLICY_LOCAL, 0,
					 &c));
		h[i] = c.handle;
	}
	EXPECT_EQ(-ENOSPC, area_create(self->fd, 1, EDU_AREA_POLICY_LOCAL, 0,
				       &c));
	EXPECT_EQ(0, area_destroy(self->fd, h[0]));
	EXPECT_EQ(0, area_create(self->fd, 1, EDU_AREA_POLICY_LOCAL, 0, &c));
	old[strcspn(old, "\n")] = '\0';
	EXPECT_EQ(0, edu_param_set("max_areas", old));
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
