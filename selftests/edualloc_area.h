/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the area selftests (edualloc_area_test, edualloc_reclaim_test):
 * the EDU_IOC_AREA_* calls, the oracles they share (a node's free pages,
 * /proc/self/pagemap, the task's major faults) and the reclaim views.
 * The including program defines page_size.
 */
#ifndef EDUALLOC_AREA_H
#define EDUALLOC_AREA_H

#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include "edualloc_util.h"

#define PM_PRESENT	0x8000000000000000ULL
#define PM_PFN_MASK	((1ULL << 55) - 1)

extern long page_size;

static inline int area_create(int fd, __u64 pages, __u64 policy,
			      __u64 node, struct edu_area_create *c)
{
	memset(c, 0, sizeof(*c));
	c->pages = pages;
	c->policy = policy;
	c->node = node;
	return ioctl(fd, EDU_IOC_AREA_CREATE, c) ? -errno : 0;
}

static inline int area_info(int fd, __u64 handle, __u64 page,
			    struct edu_area_info *i)
{
	memset(i, 0, sizeof(*i));
	i->handle = handle;
	i->page = page;
	return ioctl(fd, EDU_IOC_AREA_INFO, i) ? -errno : 0;
}

static inline int area_destroy(int fd, __u64 handle)
{
	struct edu_handle_arg h = { .handle = handle };

	return ioctl(fd, EDU_IOC_AREA_DESTROY, &h) ? -errno : 0;
}

static inline char *area_map(int fd, const struct edu_area_create *c,
			     size_t pages)
{
	void *p = mmap(NULL, pages * page_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, c->mmap_offset);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Move the mapping @p of @bytes with mremap() to a stretch of its own,
 * reserved first (MREMAP_FIXED onto it): the new address, or MAP_FAILED.
 */
static inline void *move_elsewhere(void *p, size_t bytes)
{
	void *at = mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);

	if (at == MAP_FAILED)
		return at;
	if (mremap(p, bytes, bytes, MREMAP_MAYMOVE | MREMAP_FIXED, at) != at) {
		munmap(at, bytes);
		return MAP_FAILED;
	}
	return at;
}

/* Free pages of @node with every per-CPU list drained, or -1. */
static inline long node_free(int fd, int node)
{
	struct edu_drain_arg d = { .node = EDU_NODE_LOCAL };
	struct edu_node_stats s = { .node = node };

	if (ioctl(fd, EDU_IOC_PCP_DRAIN, &d) || ioctl(fd, EDU_IOC_NODE_STATS, &s))
		return -1;
	return s.free_pages;
}

static inline __u64 pagemap_entry(const void *addr)
{
	static int fd = -1;
	__u64 e = 0;

	if (fd < 0)
		fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, &e, sizeof(e), (uintptr_t)addr / page_size *
			    sizeof(e)) != sizeof(e))
		return ~0ULL;
	return e;
}

/*
 * One of the maps of this process's (only) area in debugfs "areas", its
 * lines joined into @out: @col 0 the node map, 1 the LRU map (each map
 * line is "  NODEMAP  LRUMAP"); its header line into @hdr if not NULL.
 * 0, or -1 if there is none.
 */
static inline int areas_map(int col, char *hdr, size_t hsize, char *out,
			    size_t size)
{
	static char buf[1 << 20];
	char key[64], *line, *save = NULL, *w;
	size_t len = 0;
	bool in = false;

	if (edu_read_text(EDU_DBG_DIR "/areas", buf, sizeof(buf)) < 0)
		return -1;
	snprintf(key, sizeof(key), " pid %d ", getpid());
	out[0] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "area ", 5)) {
			in = strstr(line, key);
			if (in && hdr)
				snprintf(hdr, hsize, "%s", line);
			continue;
		}
		if (!in || strncmp(line, "  ", 2))
			continue;
		w = col ? strstr(line + 2, "  ") : line;
		if (!w)
			continue;
		w += 2;
		len += snprintf(out + len, size - len, "%.*s",
				(int)strcspn(w, " "), w);
	}
	return len ? 0 : -1;
}

/* debugfs "swap": its first lines. */
struct swap_stat {
	long slots, used, pswpout, pswpin, failed;
};

static inline int swap_stat(struct swap_stat *sw)
{
	char buf[4096];

	memset(sw, 0, sizeof(*sw));
	if (edu_read_text(EDU_DBG_DIR "/swap", buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "slots %ld used %ld pswpout %ld pswpin %ld failed %ld",
		   &sw->slots, &sw->used, &sw->pswpout, &sw->pswpin,
		   &sw->failed) != 5)
		return -1;
	return 0;
}

/* Counter @name of node @node in debugfs "reclaim", or -1. */
static inline long reclaim_stat(int node, const char *name)
{
	static char buf[16384];
	char *at, key[64];
	long v;

	if (edu_read_text(EDU_DBG_DIR "/reclaim", buf, sizeof(buf)) < 0)
		return -1;
	snprintf(key, sizeof(key), "node %d ", node);
	at = strstr(buf, key);
	if (!at)
		return -1;
	snprintf(key, sizeof(key), "\n  %s ", name);
	at = strstr(at, key);
	if (!at || sscanf(at + strlen(key), "%ld", &v) != 1)
		return -1;
	return v;
}

/* The task's major faults so far, as the kernel counts them. */
static inline long majflt(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? -1 : ru.ru_majflt;
}

/*
 * The area tests' fixture set-up: open the device, learn the nodes with a
 * pool (at most @max), check the ABI, mount debugfs if need be, shrink the
 * caches and note each pool node's free pages in @free0.  0; 1 without the
 * module (the caller skips); -1 on an error, said on stderr.
 */
static inline int area_fixture_open(int *fd, struct edu_info *info,
				    int *pool, int max, int *nr_pool,
				    long *free0)
{
	int i;

	page_size = sysconf(_SC_PAGESIZE);
	*fd = open("/dev/edualloc", O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return errno == ENOENT ? 1 : -1;
	*nr_pool = edu_pool_nodes(*fd, info, pool, max);
	if (*nr_pool <= 0 || info->abi_version != EDU_ABI_VERSION) {
		fprintf(stderr, "# %d pool nodes, ABI %llu (want %u)\n",
			*nr_pool, (unsigned long long)info->abi_version,
			EDU_ABI_VERSION);
		return -1;
	}
	if (access(EDU_DBG_DIR "/info", R_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (edu_shrink_caches())
		return -1;
	for (i = 0; i < *nr_pool; i++) {
		free0[i] = node_free(*fd, pool[i]);
		if (free0[i] < 0)
			return -1;
	}
	return 0;
}

/*
 * Node @node's free pages, read up to @tries times 10 ms apart until they
 * are @want (a reclaimer may still be freeing a dead area's last batch).
 */
static inline long area_free_back(int fd, int node, long want, int tries)
{
	long free = -1;

	while (tries-- > 0) {
		free = node_free(fd, node);
		if (free == want || !tries)
			break;
		usleep(10000);
	}
	return free;
}

#endif /* EDUALLOC_AREA_H */
