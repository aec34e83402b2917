// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc_slab_test: the slab allocator of /dev/edualloc seen from user
 * space (kselftest harness, runs as root inside the test VM).
 *
 *   - objects of many sizes and alignments: every object is checked through
 *     EDU_IOC_OBJ_INFO to be aligned and not to overlap any other, and
 *     holds its own pattern through write/read;
 *   - fill and drain: slabs appear in slabinfo and go back to the buddy
 *     allocator; after destroy buddyinfo is exactly as before;
 *   - storms: threads pinned to different CPUs allocate and free each
 *     other's objects; afterwards the per-CPU counters add up and nothing
 *     is in use;
 *   - every debug check is provoked with EDU_IOC_OBJ_CORRUPT and must be
 *     counted in debugfs and reported once in the kernel log (/dev/kmsg);
 *     the damaged cache is announced first (edu_announce_damage()), so the
 *     log check expects those reports and no others;
 *   - bad input gets a clear errno and changes nothing (slabinfo equal).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <linux/edualloc.h>

#include "kselftest_harness.h"
#include "edualloc_util.h"

#define DEV_PATH	"/dev/edualloc"

/* ------------------------------------------------------------ helpers -- */

static int edu_open(void)
{
	return open(DEV_PATH, O_RDWR | O_CLOEXEC);
}

static bool debugfs_ready(void)
{
	if (access(EDU_DBG_DIR "/slabinfo", R_OK))
		mount("none", "/sys/kernel/debug", "debugfs", 0, NULL);
	return access(EDU_DBG_DIR "/slabinfo", R_OK) == 0;
}

static int cache_create(int fd, const char *name, __u64 size, __u64 align,
			__u64 flags, struct edu_cache_create *out)
{
	struct edu_cache_create a = { .size = size, .align = align,
				      .flags = flags, .node = EDU_NODE_LOCAL };

	snprintf(a.name, sizeof(a.name), "%s", name);
	if (ioctl(fd, EDU_IOC_CACHE_CREATE, &a))
		return -errno;
	if (out)
		*out = a;
	return 0;
}

static int cache_destroy(int fd, __u64 id)
{
	struct edu_handle_arg h = { .handle = id };

	return ioctl(fd, EDU_IOC_CACHE_DESTROY, &h) ? -errno : 0;
}

static int obj_alloc(int fd, __u64 cache, __u64 size, __u64 *handle)
{
	struct edu_obj_alloc a = { .cache_id = cache, .size = size,
				   .node = EDU_NODE_LOCAL };

	if (ioctl(fd, EDU_IOC_OBJ_ALLOC, &a))
		return -errno;
	*handle = a.handle;
	return 0;
}

static int obj_free(int fd, __u64 handle)
{
	struct edu_handle_arg h = { .handle = handle };

	return ioctl(fd, EDU_IOC_OBJ_FREE, &h) ? -errno : 0;
}

static int obj_batch(int fd, __u64 op, __u64 cache, __u64 size, __u64 *h,
		     __u64 nr, __u64 *done)
{
	struct edu_obj_batch b = { .handles = (uintptr_t)h, .nr = nr,
				   .op = op, .cache_id = cache, .size = size };
	int ret = ioctl(fd, EDU_IOC_OBJ_BATCH, &b) ? -errno : 0;

	if (done)
		*done = b.done;
	return ret;
}

static int obj_rw(int fd, bool write, __u64 h, __u64 off, __u64 len,
		  void *buf)
{
	struct edu_obj_rw rw = { .handle = h, .offset = off, .len = len,
				 .buf = (uintptr_t)buf };

	return ioctl(fd, write ? EDU_IOC_OBJ_WRITE : EDU_IOC_OBJ_READ, &rw) ?
	       -errno : 0;
}

static int obj_info(int fd, __u64 h, struct edu_obj_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = h;
	return ioctl(fd, EDU_IOC_OBJ_INFO, info) ? -errno : 0;
}

static int corrupt(int fd, __u64 h, __u64 kind, __u64 cache)
{
	struct edu_corrupt_arg a = { .handle = h, .kind = kind,
				     .cache_id = cache };

	return ioctl(fd, EDU_IOC_OBJ_CORRUPT, &a) ? -errno : 0;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;
	close(fd);
	return ret;
}

/* The debugfs directory of the (unique) cache called @name. */
static int cache_dir(const char *name, char *dir, size_t len)
{
	char pat[256];
	glob_t g;
	int ret = -1;

	/* The size classes are called by name; other caches name-id. */
	snprintf(pat, sizeof(pat), EDU_DBG_DIR "/slab/%s", name);
	if (!access(pat, F_OK)) {
		snprintf(dir, len, "%s", pat);
		return 0;
	}
	snprintf(pat, sizeof(pat), EDU_DBG_DIR "/slab/%s-*", name);
	if (glob(pat, 0, NULL, &g))
		return -1;
	if (g.gl_pathc == 1) {
		snprintf(dir, len, "%s", g.gl_pathv[0]);
		ret = 0;
	}
	globfree(&g);
	return ret;
}

/* One "key value" line of a cache's stats file; -1 if absent. */
static long cache_stat(const char *name, const char *key)
{
	char dir[256], path[300], buf[8192], *p;
	size_t klen = strlen(key);

	if (cache_dir(name, dir, sizeof(dir)))
		return -1;
	snprintf(path, sizeof(path), "%s/stats", dir);
	if (edu_read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ' ')
			return strtol(p + klen, NULL, 10);
	return -1;
}

static int cache_ctl(const char *name, const char *file)
{
	char dir[256], path[300];

	if (cache_dir(name, dir, sizeof(dir)))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return write_text(path, "1\n");
}

static int nr_nodes(void)
{
	struct edu_info info;
	int nodes[1024], n, fd = edu_open();

	if (fd < 0)
		return 1;
	n = edu_pool_nodes(fd, &info, nodes, 1024);
	close(fd);
	return n < 0 ? 1 : n;
}

/* Every test gets its own open file; closing it frees what is left. */
FIXTURE(slab) {
	int fd;
};

FIXTURE_SETUP(slab)
{
	self->fd = edu_open();
	if (self->fd < 0)
		SKIP(return, "%s: %s", DEV_PATH, strerror(errno));
	if (!debugfs_ready())
		SKIP(return, "no debugfs");
}

FIXTURE_TEARDOWN(slab)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* -------------------------------------------------- sizes and layout -- */

struct placed {
	__u64 slab, off, size;
};

static int cmp_placed(const void *a, const void *b)
{
	const struct placed *x = a, *y = b;

	if (x->slab != y->slab)
		return x->slab < y->slab ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

TEST_F_TIMEOUT(slab, sizes_and_alignments, 120)
{
	static const __u64 sizes[] = { 1, 7, 8, 24, 100, 192, 256, 1000,
				       4096, 5000, 70000 };
	static const __u64 aligns[] = { 0, 8, 64, 512, 4096 };
	enum { NR = 40 };
	unsigned int si, ai, i;
	int fd;

	fd = self->fd;
	for (si = 0; si < ARRAY_SIZE(sizes); si++) {
		for (ai = 0; ai < ARRAY_SIZE(aligns); ai++) {
			__u64 flags = (si + ai) % 3 == 0 ? EDU_CACHE_DEBUG : 0;
			__u64 align = aligns[ai] ? aligns[ai] : 8;
			struct edu_cache_create cc;
			struct placed pl[NR];
			__u64 h[NR];
			char buf[256];

			ASSERT_EQ(0, cache_create(fd, "t_sizes", sizes[si],
						  aligns[ai], flags, &cc));
			EXPECT_EQ(0, cc.obj_stride % align);
			EXPECT_GE(cc.objs_per_slab, 1);
			for (i = 0; i < NR; i++) {
				struct edu_obj_info info;
				unsigned char b = i + 1;

				ASSERT_EQ(0, obj_alloc(fd, cc.cache_id, 0,
						       &h[i]));
				ASSERT_EQ(0, obj_info(fd, h[i], &info));
				EXPECT_EQ(cc.cache_id, info.cache_id);
				EXPECT_EQ(sizes[si], info.size);
				EXPECT_EQ(0, info.offset % align)
					TH_LOG("size %llu align %llu off %llu",
					       sizes[si], align, info.offset);
				if (info.addr)
					EXPECT_EQ(0, info.addr % align);
				pl[i].slab = info.slab_id;
				pl[i].off = info.offset;
				pl[i].size = info.size;
				/* First and last byte carry the pattern. */
				ASSERT_EQ(0, obj_rw(fd, true, h[i], 0, 1, &b));
				ASSERT_EQ(0, obj_rw(fd, true, h[i],
						    sizes[si] - 1, 1, &b));
			}
			qsort(pl, NR, sizeof(pl[0]), cmp_placed);
			for (i = 1; i < NR; i++)
				if (pl[i].slab == pl[i - 1].slab)
					EXPECT_LE(pl[i - 1].off + pl[i - 1].size,
						  pl[i].off);
			for (i = 0; i < NR; i++) {
				unsigned char b[2];

				ASSERT_EQ(0, obj_rw(fd, false, h[i], 0, 1, b));
				ASSERT_EQ(0, obj_rw(fd, false, h[i],
						    sizes[si] - 1, 1, b + 1));
				EXPECT_EQ(i + 1, b[0]);
				EXPECT_EQ(i + 1, b[1]);
				ASSERT_EQ(0, obj_free(fd, h[i]));
			}
			ASSERT_EQ(0, cache_destroy(fd, cc.cache_id));
			(void)buf;
		}
	}
}

TEST_F_TIMEOUT(slab, kmalloc_classes, 120)
{
	static const struct { __u64 size, class; } t[] = {
		{ 1, 8 }, { 8, 8 }, { 9, 16 }, { 33, 64 }, { 65, 96 },
		{ 96, 96 }, { 97, 128 }, { 129, 192 }, { 193, 256 },
		{ 300, 512 }, { 4097, 8192 }, { 8192, 8192 },
	};
	unsigned int i;
	int fd;

	fd = self->fd;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		char name[32];
		long before, after;
		struct edu_obj_info info;
		__u64 h = 0;

		snprintf(name, sizeof(name), "kmalloc-%llu", t[i].class);
		before = cache_stat(name, "alloc_fastpath") +
			 cache_stat(name, "alloc_slowpath");
		ASSERT_EQ(0, obj_alloc(fd, 0, t[i].size, &h));
		after = cache_stat(name, "alloc_fastpath") +
			cache_stat(name, "alloc_slowpath");
		EXPECT_EQ(before + 1, after) TH_LOG("size %llu", t[i].size);
		ASSERT_EQ(0, obj_info(fd, h, &info));
		EXPECT_EQ(0, info.cache_id);
		EXPECT_EQ(t[i].size, info.size);
		ASSERT_EQ(0, obj_free(fd, h));
	}
}

/* Larger than 8 KiB: a block straight from the buddy allocator. */
TEST_F_TIMEOUT(slab, kmalloc_large, 120)
{
	char buf[20000];
	__u64 h = 0;
	int fd;

	fd = self->fd;
	memset(buf, 0x5c, sizeof(buf));
	ASSERT_EQ(0, obj_alloc(fd, 0, sizeof(buf), &h));
	ASSERT_EQ(0, obj_rw(fd, true, h, 0, sizeof(buf), buf));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, obj_rw(fd, false, h, 0, sizeof(buf), buf));
	EXPECT_EQ(0x5c, buf[0]);
	EXPECT_EQ(0x5c, buf[sizeof(buf) - 1]);
	EXPECT_EQ(-EINVAL, obj_rw(fd, false, h, 1, sizeof(buf), buf));
	ASSERT_EQ(0, obj_free(fd, h));
}

/* ---------------------------------------------------- fill and drain -- */

TEST_F_TIMEOUT(slab, fill_drain_returns_slabs, 120)
{
	enum { NR = 3000 };
	static char bi0[4096], bi1[4096], bi2[4096];
	struct edu_cache_create cc;
	__u64 *h = calloc(NR, sizeof(*h)), done;
	long slabs;
	int fd;

	fd = self->fd;
	ASSERT_NE(NULL, h);
	ASSERT_LT(0, edu_read_text(EDU_DBG_DIR "/buddyinfo", bi0, sizeof(bi0)));
	ASSERT_EQ(0, cache_create(fd, "t_fill", 512, 0, 0, &cc));
	ASSERT_EQ(0, obj_batch(fd, EDU_OP_ALLOC, cc.cache_id, 0, h, NR,
			       &done));
	EXPECT_EQ(NR, done);
	slabs = cache_stat("t_fill", "slabs");
	EXPECT_GE(slabs, NR / cc.objs_per_slab);
	EXPECT_EQ(slabs, cache_stat("t_fill", "slab_new"));
	ASSERT_LT(0, edu_read_text(EDU_DBG_DIR "/buddyinfo", bi1, sizeof(bi1)));
	EXPECT_NE(0, strcmp(bi0, bi1));
	EXPECT_EQ(NR, cache_stat("t_fill", "objects_inuse") -
		      cache_stat("t_fill", "objects_cpu_cached"));

	ASSERT_EQ(0, obj_batch(fd, EDU_OP_FREE, 0, 0, h, NR, &done));
	EXPECT_EQ(NR, done);
	/*
	 * Empty slabs beyond min_partial per node went back at once; those
	 * the per-CPU magazines still hold objects of are not empty (at most
	 * one slab per cached object: more when the test moved between CPUs
	 * while it freed)...
	 */
	EXPECT_GE(cache_stat("t_fill", "min_partial") * nr_nodes() +
		  cache_stat("t_fill", "objects_cpu_cached"),
		  cache_stat("t_fill", "slabs"));
	/* ... the rest go on shrink. */
	ASSERT_EQ(0, cache_ctl("t_fill", "shrink"));
	EXPECT_EQ(0, cache_stat("t_fill", "slabs"));
	EXPECT_EQ(slabs, cache_stat("t_fill", "slab_free"));
	EXPECT_EQ(0, cache_stat("t_fill", "objects_inuse"));
	ASSERT_EQ(0, cache_destroy(fd, cc.cache_id));
	ASSERT_LT(0, edu_read_text(EDU_DBG_DIR "/buddyinfo", bi2, sizeof(bi2)));
	EXPECT_STREQ(bi0, bi2);
	free(h);
}

/* The two header lines of /proc/slabinfo, version 2.1. */
static const char * const slabinfo_head[] = {
	"slabinfo - version: 2.1\n",
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n",
};

TEST_F_TIMEOUT(slab, destroy_busy_and_slabinfo, 120)
{
	struct edu_cache_create cc;
	char buf[65536];
	__u64 h[3];
	int fd, i;

	fd = self->fd;
	ASSERT_EQ(0, cache_create(fd, "t_busy", 40, 0, 0, &cc));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, obj_alloc(fd, cc.cache_id, 0, &h[i]));
	EXPECT_EQ(-EBUSY, cache_destroy(fd, cc.cache_id));
	ASSERT_LT(0, edu_read_text(EDU_DBG_DIR "/slabinfo", buf, sizeof(buf)));
	EXPECT_EQ(0, strncmp(buf, slabinfo_head[0], strlen(slabinfo_head[0])));
	EXPECT_EQ(0, strncmp(buf + strlen(slabinfo_head[0]), slabinfo_head[1],
			     strlen(slabinfo_head[1])));
	EXPECT_NE(NULL, strstr(buf, "t_busy-"));
	EXPECT_NE(NULL, strstr(buf, "kmalloc-96 "));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, obj_free(fd, h[i]));
	EXPECT_EQ(0, cache_destroy(fd, cc.cache_id));
	EXPECT_EQ(-EINVAL, cache_destroy(fd, cc.cache_id));
	EXPECT_EQ(-EINVAL, obj_alloc(fd, cc.cache_id, 0, &h[0]));
	/* Objects left at close are freed before their cache. */
	ASSERT_EQ(0, cache_create(fd, "t_close", 40, 0, 0, &cc));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, obj_alloc(fd, cc.cache_id, 0, &h[i]));
	close(fd);
	self->fd = -1;
	EXPECT_NE(0, cache_dir("t_close", buf, sizeof(buf)));
}

/* ------------------------------------------------------------ storms -- */

#define STORM_THREADS	4
#define STORM_ROUNDS	60
#define STORM_BATCH	48

struct storm {
	int fd;
	__u64 cache;
	pthread_barrier_t bar;
	__u64 slots[STORM_THREADS][STORM_BATCH];
	int errors;
};

struct storm_arg {
	struct storm *st;
	int id;
	int cpu;
};

/*
 * Each round, thread i allocates a batch into its slot, then, after a
 * barrier, frees the batch thread i + 1 allocated (on another CPU).
 */
static void *storm_thread(void *p)
{
	struct storm_arg *a = p;
	struct storm *st = a->st;
	int next = (a->id + 1) % STORM_THREADS;
	cpu_set_t set;
	__u64 done;
	int r;

	CPU_ZERO(&set);
	CPU_SET(a->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	for (r = 0; r < STORM_ROUNDS; r++) {
		if (obj_batch(st->fd, EDU_OP_ALLOC, st->cache, 0,
			      st->slots[a->id], STORM_BATCH, &done))
			__atomic_add_fetch(&st->errors, 1, __ATOMIC_RELAXED);
		pthread_barrier_wait(&st->bar);
		if (obj_batch(st->fd, EDU_OP_FREE, 0, 0, st->slots[next],
			      STORM_BATCH, &done))
			__atomic_add_fetch(&st->errors, 1, __ATOMIC_RELAXED);
		pthread_barrier_wait(&st->bar);
	}
	return NULL;
}

TEST_F_TIMEOUT(slab, cross_cpu_storm, 120)
{
	static struct storm st;
	struct storm_arg args[STORM_THREADS];
	pthread_t th[STORM_THREADS];
	struct edu_cache_create cc;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	long af, as, ff, fs, ns, sf, remote;
	int i;

	st.fd = self->fd;
	ASSERT_EQ(0, cache_create(st.fd, "t_storm", 128, 0,
				  EDU_CACHE_HARDENED, &cc));
	st.cache = cc.cache_id;
	pthread_barrier_init(&st.bar, NULL, STORM_THREADS);
	for (i = 0; i < STORM_THREADS; i++) {
		args[i] = (struct storm_arg){ &st, i, (int)(i % ncpu) };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, storm_thread,
					    &args[i]));
	}
	for (i = 0; i < STORM_THREADS; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, st.errors);

	af = cache_stat("t_storm", "alloc_fastpath");
	as = cache_stat("t_storm", "alloc_slowpath");
	ff = cache_stat("t_storm", "free_fastpath");
	fs = cache_stat("t_storm", "free_slowpath");
	remote = cache_stat("t_storm", "free_remote");
	TH_LOG("alloc fast %ld slow %ld, free fast %ld slow %ld remote %ld",
	       af, as, ff, fs, remote);
	EXPECT_EQ(STORM_THREADS * STORM_ROUNDS * STORM_BATCH, af + as);
	EXPECT_EQ(af + as, ff + fs);
	EXPECT_EQ(remote, fs);
	EXPECT_GT(af, as);
	if (nr_nodes() > 1 && ncpu >= STORM_THREADS)
		EXPECT_GT(remote, 0);
	EXPECT_EQ(0, cache_stat("t_storm", "objects_inuse") -
		     cache_stat("t_storm", "objects_cpu_cached"));
	ASSERT_EQ(0, cache_ctl("t_storm", "validate"));
	EXPECT_EQ(0, cache_stat("t_storm", "error_freelist"));
	ASSERT_EQ(0, cache_ctl("t_storm", "shrink"));
	EXPECT_EQ(0, cache_stat("t_storm", "objects_inuse"));
	ns = cache_stat("t_storm", "slab_new");
	sf = cache_stat("t_storm", "slab_free");
	EXPECT_EQ(ns, sf);
	EXPECT_EQ(0, cache_stat("t_storm", "slabs"));
	ASSERT_EQ(0, cache_destroy(st.fd, cc.cache_id));
}

/* ----------------------------------------------------- debug checks -- */

/* Kernel log records after @fd's position that mention @what. */
static int kmsg_count(int fd, const char *cache, const char *what)
{
	char rec[2048];
	ssize_t n;
	int count = 0;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0) {
		rec[n] = 0;
		if (strstr(rec, "edualloc: slab error: cache ") &&
		    strstr(rec, cache) && strstr(rec, what))
			count++;
	}
	return count;
}

static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

TEST_F_TIMEOUT(slab, debug_detection, 120)
{
	static const struct {
		__u64 kind;
		const char *stat, *log;
		bool validate;
	} t[] = {
		{ EDU_CORRUPT_REDZONE, "error_redzone", "redzone", false },
		{ EDU_CORRUPT_USE_AFTER_FREE, "error_use_after_free",
		  "use_after_free", true },
		{ EDU_CORRUPT_DOUBLE_FREE, "error_double_free",
		  "double_free", false },
		{ EDU_CORRUPT_WRONG_CACHE, "error_wrong_cache",
		  "wrong_cache", false },
		{ EDU_CORRUPT_FREELIST, "error_freelist", "freelist", true },
	};
	struct edu_cache_create dbg, other, plain;
	__u64 h = 0, keep[8] = { 0 };
	unsigned int i;
	int fd, kfd;

	fd = self->fd;
	kfd = kmsg_open();
	ASSERT_LE(0, kfd);
	/* Every report below is about t_dbg, the wrong-cache free's too. */
	ASSERT_EQ(0, edu_announce_damage("t_dbg"));
	ASSERT_EQ(0, cache_create(fd, "t_dbg", 100, 0, EDU_CACHE_DEBUG, &dbg));
	ASSERT_EQ(0, cache_create(fd, "t_dbg2", 100, 0, EDU_CACHE_DEBUG,
				  &other));
	ASSERT_EQ(0, cache_create(fd, "t_plain", 100, 0, 0, &plain));
	/* Neighbours that must survive everything below intact. */
	for (i = 0; i < 8; i++) {
		unsigned char pat[100];

		memset(pat, 0x30 + i, sizeof(pat));
		ASSERT_EQ(0, obj_alloc(fd, dbg.cache_id, 0, &keep[i]));
		ASSERT_EQ(0, obj_rw(fd, true, keep[i], 0, 100, pat));
	}
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		long before = cache_stat("t_dbg", t[i].stat);
		long q0 = cache_stat("t_dbg", "objects_quarantined");

		ASSERT_EQ(0, obj_alloc(fd, dbg.cache_id, 0, &h));
		ASSERT_EQ(0, corrupt(fd, h, t[i].kind,
				     t[i].kind == EDU_CORRUPT_WRONG_CACHE ?
				     other.cache_id : 0));
		if (t[i].kind == EDU_CORRUPT_REDZONE ||
		    t[i].kind == EDU_CORRUPT_WRONG_CACHE) {
			ASSERT_EQ(0, obj_free(fd, h));	/* still ours */
		} else {
			EXPECT_EQ(-EINVAL, obj_free(fd, h));	/* consumed */
		}
		if (t[i].validate) {
			ASSERT_EQ(0, cache_ctl("t_dbg", "validate"));
			/* A second pass finds nothing new: reported once. */
			ASSERT_EQ(0, cache_ctl("t_dbg", "validate"));
		}
		EXPECT_EQ(before + 1, cache_stat("t_dbg", t[i].stat))
			TH_LOG("%s", t[i].stat);
		EXPECT_EQ(1, kmsg_count(kfd, "t_dbg", t[i].log))
			TH_LOG("kernel log for %s", t[i].log);
		if (t[i].kind != EDU_CORRUPT_WRONG_CACHE &&
		    t[i].kind != EDU_CORRUPT_DOUBLE_FREE)
			EXPECT_EQ(q0 + 1, cache_stat("t_dbg",
						     "objects_quarantined"));
	}
	/* A red zone hit on a live object is found by validate, once. */
	ASSERT_EQ(0, obj_alloc(fd, dbg.cache_id, 0, &h));
	ASSERT_EQ(0, corrupt(fd, h, EDU_CORRUPT_REDZONE, 0));
	ASSERT_EQ(0, cache_ctl("t_dbg", "validate"));
	ASSERT_EQ(0, cache_ctl("t_dbg", "validate"));
	EXPECT_EQ(2, cache_stat("t_dbg", "error_redzone"));
	ASSERT_EQ(0, obj_free(fd, h));
	EXPECT_EQ(2, cache_stat("t_dbg", "error_redzone"));
	EXPECT_EQ(1, kmsg_count(kfd, "t_dbg", "redzone"));

	/* Many more allocations never hand out a quarantined object. */
	for (i = 0; i < 8; i++) {
		unsigned char pat[100], want[100];
		__u64 more = 0;

		ASSERT_EQ(0, obj_alloc(fd, dbg.cache_id, 0, &more));
		memset(want, 0x30 + i, sizeof(want));
		ASSERT_EQ(0, obj_rw(fd, false, keep[i], 0, 100, pat));
		EXPECT_EQ(0, memcmp(pat, want, sizeof(pat)));
		ASSERT_EQ(0, obj_free(fd, keep[i]));
		ASSERT_EQ(0, obj_free(fd, more));
	}
	EXPECT_EQ(0, cache_stat("t_dbg", "error_bad_pointer"));

	/* Only caches with the matching check accept damage. */
	ASSERT_EQ(0, obj_alloc(fd, plain.cache_id, 0, &h));
	EXPECT_EQ(-EINVAL, corrupt(fd, h, EDU_CORRUPT_REDZONE, 0));
	EXPECT_EQ(-EINVAL, corrupt(fd, h, EDU_CORRUPT_USE_AFTER_FREE, 0));
	ASSERT_EQ(0, obj_free(fd, h));
	ASSERT_EQ(0, obj_alloc(fd, 0, 64, &h));
	EXPECT_EQ(-EINVAL, corrupt(fd, h, EDU_CORRUPT_REDZONE, 0));
	ASSERT_EQ(0, obj_free(fd, h));

	/* Quarantined objects do not keep a cache from going away. */
	EXPECT_EQ(0, cache_destroy(fd, dbg.cache_id));
	EXPECT_EQ(0, cache_destroy(fd, other.cache_id));
	EXPECT_EQ(0, cache_destroy(fd, plain.cache_id));
	close(kfd);
}

/* --------------------------------------------------------- bad input -- */

TEST_F_TIMEOUT(slab, bad_input_changes_nothing, 120)
{
	static char si0[65536], si1[65536];
	struct edu_cache_create cc, a;
	struct edu_obj_alloc oa;
	struct edu_obj_info info;
	struct edu_handle_arg ha;
	unsigned char buf[200];
	__u64 h = 0, fh = 0, hs[2] = { 0 };
	int fd, fd2;

	fd = self->fd;
	fd2 = edu_open();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, cache_create(fd, "t_bad", 100, 0, EDU_CACHE_DEBUG, &cc));
	ASSERT_EQ(0, obj_alloc(fd, cc.cache_id, 0, &h));
	ASSERT_EQ(0, obj_alloc(fd2, 0, 32, &fh));
	ASSERT_LT(0, edu_read_text(EDU_DBG_DIR "/slabinfo", si0, sizeof(si0)));

	/* Cache creation. */
	EXPECT_EQ(-EINVAL, cache_create(fd, "t_bad0", 0, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, cache_create(fd, "t_bad0", EDU_OBJ_MAX_SIZE + 1,
					0, 0, NULL));
	EXPECT_EQ(-EINVAL, cache_create(fd, "t_bad0", 1ULL << 40, 0, 0,
					NULL));
	EXPECT_EQ(-EINVAL, cache_create(fd, "t_bad0", 64, 3, 0, NULL));
	EXPECT_EQ(-EINVAL, cache_create(fd, "t_bad0", 64, 8192, 0, NULL));
	EXPECT_EQ(-EINVAL, cache_create(fd, "t_bad0", 64, 0, 1 << 7, NULL));
	EXPECT_EQ(-EINVAL, cache_create(fd, "", 64, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, cache_create(fd, "a b", 64, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, cache_create(fd, "a/b", 64, 0, 0, NULL));
	memset(&a, 0, sizeof(a));
	memset(a.name, 'x', sizeof(a.name));	/* not NUL-terminated */
	a.size = 64;
	a.node = EDU_NODE_LOCAL;
	EXPECT_EQ(-1, ioctl(fd, EDU_IOC_CACHE_CREATE, &a));
	EXPECT_EQ(EINVAL, errno);
	memset(&a, 0, sizeof(a));
	strcpy(a.name, "t_bad0");
	a.size = 64;
	a.node = EDU_NODE_LOCAL;
	a.reserved[5] = 1;
	EXPECT_EQ(-1, ioctl(fd, EDU_IOC_CACHE_CREATE, &a));
	EXPECT_EQ(EINVAL, errno);
	a.reserved[5] = 0;
	a.node = 1000;
	EXPECT_EQ(-1, ioctl(fd, EDU_IOC_CACHE_CREATE, &a));
	EXPECT_EQ(EINVAL, errno);

	/* Allocation. */
	EXPECT_EQ(-EINVAL, obj_alloc(fd, 0x1234567800000001ULL, 0, &hs[0]));
	EXPECT_EQ(-EINVAL, obj_alloc(fd, cc.cache_id, 8, &hs[0]));
	EXPECT_EQ(-EINVAL, obj_alloc(fd, 0, 0, &hs[0]));
	EXPECT_EQ(-EINVAL, obj_alloc(fd, 0, EDU_OBJ_MAX_SIZE + 1, &hs[0]));
	EXPECT_EQ(-EINVAL, obj_alloc(fd, h, 0, &hs[0]));	/* not a cache */
	EXPECT_EQ(-EINVAL, obj_alloc(fd2, cc.cache_id, 0, &hs[0])); /* foreign */
	memset(&oa, 0, sizeof(oa));
	oa.size = 8;
	oa.node = EDU_NODE_LOCAL;
	oa.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(fd, EDU_IOC_OBJ_ALLOC, &oa));
	EXPECT_EQ(EINVAL, errno);

	/* Free, read, write, info, corrupt. */
	EXPECT_EQ(-EINVAL, obj_free(fd, fh));		/* foreign */
	EXPECT_EQ(-EINVAL, obj_free(fd, cc.cache_id));	/* not an object */
	EXPECT_EQ(-EINVAL, obj_free(fd, 0));
	EXPECT_EQ(-EINVAL, obj_rw(fd, false, h, 0, 101, buf));
	EXPECT_EQ(-EINVAL, obj_rw(fd, false, h, 100, 1, buf));
	EXPECT_EQ(-EINVAL, obj_rw(fd, true, h, 1, 100, buf));
	EXPECT_EQ(-EINVAL, obj_rw(fd, false, h, ~0ULL, 2, buf));
	EXPECT_EQ(-EINVAL, obj_rw(fd, false, fh, 0, 1, buf));
	EXPECT_EQ(-EFAULT, obj_rw(fd, false, h, 0, 10, NULL));
	EXPECT_EQ(0, obj_rw(fd, false, h, 100, 0, buf));
	EXPECT_EQ(-EINVAL, obj_info(fd, fh, &info));
	memset(&info, 0, sizeof(info));
	info.handle = h;
	info.size = 1;
	EXPECT_EQ(-1, ioctl(fd, EDU_IOC_OBJ_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-EINVAL, corrupt(fd, h, 99, 0));
	EXPECT_EQ(-EINVAL, corrupt(fd, h, EDU_CORRUPT_WRONG_CACHE, 0));
	EXPECT_EQ(-EINVAL, corrupt(fd, h, EDU_CORRUPT_WRONG_CACHE,
				   cc.cache_id));	/* same cache */
	EXPECT_EQ(-EINVAL, corrupt(fd, h, EDU_CORRUPT_REDZONE, cc.cache_id));
	EXPECT_EQ(-EINVAL, corrupt(fd, fh, EDU_CORRUPT_REDZONE, 0));

	/* Batches. */
	EXPECT_EQ(-EINVAL, obj_batch(fd, EDU_OP_ALLOC, 0, 8, hs, 0, NULL));
	EXPECT_EQ(-EINVAL, obj_batch(fd, 7, 0, 8, hs, 2, NULL));
	EXPECT_EQ(-EINVAL, obj_batch(fd, EDU_OP_ALLOC, 0, 8, hs,
				     EDU_BATCH_MAX + 1, NULL));
	EXPECT_EQ(-EFAULT, obj_batch(fd, EDU_OP_FREE, 0, 0, NULL, 2, NULL));

	/* Destroy. */
	EXPECT_EQ(-EBUSY, cache_destroy(fd, cc.cache_id));
	EXPECT_EQ(-EINVAL, cache_destroy(fd2, cc.cache_id));
	EXPECT_EQ(-EINVAL, cache_destroy(fd, h));
	ha = (struct edu_handle_arg){ .handle = cc.cache_id,
				      .reserved = { 1 } };
	EXPECT_EQ(-1, ioctl(fd, EDU_IOC_CACHE_DESTROY, &ha));
	EXPECT_EQ(EINVAL, errno);

	ASSERT_LT(0, edu_read_text(EDU_DBG_DIR "/slabinfo", si1, sizeof(si1)));
	EXPECT_STREQ(si0, si1);
	EXPECT_EQ(0, cache_stat("t_bad", "error_redzone"));

	/* Double free by handle: the second is refused, nothing else. */
	ASSERT_EQ(0, obj_free(fd, h));
	EXPECT_EQ(-EINVAL, obj_free(fd, h));
	EXPECT_EQ(0, cache_stat("t_bad", "error_double_free"));
	EXPECT_EQ(0, cache_destroy(fd, cc.cache_id));
	EXPECT_EQ(-EINVAL, obj_alloc(fd, cc.cache_id, 0, &hs[0]));
	close(fd2);
}

/*
 * A fatal signal stops an object batch too: the longest kmalloc batch is
 * killed 20 ms into the call and kmalloc-64 must count fewer allocations
 * than the batch asked for.  The objects go with the child's file.
 */
TEST_F_TIMEOUT(slab, killed_batch_stops, 120)
{
	static __u64 handles[EDU_BATCH_MAX];
	struct edu_obj_batch b = {
		.handles = (uintptr_t)handles, .nr = EDU_BATCH_MAX,
		.op = EDU_OP_ALLOC, .size = 64,
	};
	long before, ran;
	int r;

	before = cache_stat("kmalloc-64", "alloc_fastpath") +
		 cache_stat("kmalloc-64", "alloc_slowpath");
	r = edu_kill_during_ioctl(EDU_IOC_OBJ_BATCH, &b, 20000);
	ASSERT_LE(0, r);
	if (!r)
		SKIP(return, "the batch ended before the kill landed");
	ran = cache_stat("kmalloc-64", "alloc_fastpath") +
	      cache_stat("kmalloc-64", "alloc_slowpath") - before;
	TH_LOG("killed batch: %ld of %d allocations ran", ran, EDU_BATCH_MAX);
	EXPECT_LT(ran, EDU_BATCH_MAX);
	EXPECT_LT(0, ran);
}

TEST_HARNESS_MAIN
