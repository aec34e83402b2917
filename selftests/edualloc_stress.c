// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc_stress: a bounded multi-threaded, multi-process stress run of
 * /dev/edualloc (plain KTAP, runs as root inside the test VM).
 *
 *   edualloc_stress [SECONDS [THREADS [PROCESSES]]]
 *   EDU_STRESS_SECONDS (default 10), EDU_STRESS_THREADS (default 12),
 *   EDU_STRESS_PROCS (default 2); arguments win over the environment.
 *
 * Worker threads mix every ioctl of the ABI on a few shared open files
 * ("slots") and on private ones: buddy alloc/free, explicit and random
 * batches, drains, node stats, mmap()/munmap() of blocks (also a free while
 * the block is mapped), slab caches created and destroyed (debug flags
 * too), objects allocated, written, read back, described and freed one by
 * one or in batches, kmalloc-mode objects of every size class and larger.
 * Handles go through shared pools so that one thread frees what another
 * allocated; a reopen thread closes and reopens the shared files under the
 * threads' feet (with everything they own still allocated); a reader thread
 * cats every file under /sys/kernel/debug/edualloc and shrinks the kmalloc
 * caches.  Forked processes share one file with the threads (opened before
 * the fork) and use private ones of their own.  Freed handles and handles of
 * another open file must be refused with EINVAL; every other errno but
 * ENOMEM (pool exhausted) and EBUSY (cache destroy with live objects) is a
 * failure, as is any data that does not read back.
 *
 * The walker ioctls (0x50..0x6f) are not exercised: the header defines none
 * yet.
 *
 * At the end, with every file closed, the kmalloc caches shrunk and the
 * per-CPU lists drained: per node, allocations and frees balance and the
 * pool is whole (buddyinfo as before, no page in use, none on a per-CPU
 * list); per kmalloc class, allocations and frees balance and nothing is
 * left in use; no cache of ours is left.
 *
 * Nothing here damages a cache, so no debug check may fire: every cache of
 * ours gets a validate pass and its error counts (slab/<cache>/stats,
 * error_*) must be 0 when we let go of it (before its destroy, before
 * the close of the file that owns it, at the end); the kmalloc classes'
 * counts must not grow over the run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <signal.h>
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
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/edualloc.h>

#include "kselftest.h"
#include "edualloc_util.h"

#define DEV_PATH	"/dev/edualloc"
#define MAX_NODES	64
#define NR_SLOTS	3	/* shared open files, reopened now and then */
#define POOL_MAX	256	/* handles parked per slot and kind */
#define CACHE_MAX	8	/* caches per slot */
#define DEAD_MAX	64	/* freed handles remembered per slot */
#define MAX_THREADS	64
#define MAX_PROCS	16
#define BATCH_OPS	64

enum role {
	ROLE_BUDDY,	/* single blocks, mmap, shared pool */
	ROLE_BATCH,	/* batches, drains, stats */
	ROLE_SLAB,	/* caches and their objects */
	ROLE_KMALLOC,	/* kmalloc-mode objects */
	ROLE_BUDDY2,	/* a second buddy thread: frees the others' blocks */
	ROLE_REOPEN,	/* closes and reopens the slots, private files */
	ROLE_DEBUGFS,	/* reads every debugfs file, shrinks */
	NR_ROLES
};

/* Counters shared with the forked processes (a MAP_SHARED page). */
struct shared {
	unsigned long ops;
	unsigned long errors;	/* unexpected errnos, bad data */
	unsigned long enomem;
	unsigned long reopens;
	unsigned long dbg_reads;
	unsigned long cache_checks;
	unsigned long bad_checks;	/* that found an error_* count > 0 */
	int stop;
};

static struct shared *sh;

struct obj_ref {
	__u64 handle;
	__u64 size;
	unsigned char seed;
};

struct slot {
	pthread_rwlock_t lock;	/* read: using fd; write: reopening it */
	int fd;
	pthread_mutex_t plock;	/* the pools below */
	__u64 blocks[POOL_MAX];
	unsigned int nr_blocks;
	struct obj_ref objs[POOL_MAX];
	unsigned int nr_objs;
	__u64 caches[CACHE_MAX];
	char names[CACHE_MAX][EDU_CACHE_NAME_LEN];	/* of caches[] */
	unsigned int nr_caches;
	__u64 dead[DEAD_MAX];	/* freed handles of this open file */
	unsigned int nr_dead;
};

static struct slot slots[NR_SLOTS];
static int inherit_fd = -1;	/* shared with the forked processes */
static struct edu_info info;
static long page_size;
static int pool_nodes[MAX_NODES], nr_pool_nodes;

static __u64 xorshift64(__u64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static unsigned int rnd(__u64 *x, unsigned int n)
{
	return (xorshift64(x) >> 16) % n;
}

static void count_op(void)
{
	__atomic_fetch_add(&sh->ops, 1, __ATOMIC_RELAXED);
}

static bool stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_RELAXED);
}

/* An unexpected result: count it, log the first few. */
static void bad(const char *what, int err)
{
	unsigned long n = __atomic_fetch_add(&sh->errors, 1, __ATOMIC_RELAXED);

	if (n < 20)
		ksft_print_msg("pid %d: %s: unexpected %s (%d)\n", getpid(),
			       what, err ? strerror(err) : "success", err);
}

/* ioctl: 0 or errno, with ENOMEM counted and allowed. */
static int xioctl(int fd, unsigned long cmd, void *arg)
{
	int err = ioctl(fd, cmd, arg) ? errno : 0;

	count_op();
	if (err == ENOMEM)
		__atomic_fetch_add(&sh->enomem, 1, __ATOMIC_RELAXED);
	return err;
}

/* Expect success (or ENOMEM if @nomem_ok). */
static int want_ok(const char *what, int err, bool nomem_ok)
{
	if (err && !(nomem_ok && err == ENOMEM))
		bad(what, err);
	return err;
}

static __u64 pick_node(__u64 *rng)
{
	if (!rnd(rng, 3) || !nr_pool_nodes)
		return EDU_NODE_LOCAL;
	return pool_nodes[rnd(rng, nr_pool_nodes)];
}

static unsigned int pick_order(__u64 *rng)
{
	/* Mostly small blocks, now and then a big one. */
	if (!rnd(rng, 16))
		return rnd(rng, EDU_NR_ORDERS);
	return rnd(rng, 4);
}

static int block_alloc(int fd, __u64 *rng, struct edu_page_alloc *a)
{
	memset(a, 0, sizeof(*a));
	a->node = pick_node(rng);
	a->order = pick_order(rng);
	a->flags = rnd(rng, 8) & EDU_ALLOC_FLAGS;
	return want_ok("PAGE_ALLOC", xioctl(fd, EDU_IOC_PAGE_ALLOC, a), true);
}

static int block_free(int fd, __u64 handle)
{
	struct edu_handle_arg h = { .handle = handle };

	return xioctl(fd, EDU_IOC_PAGE_FREE, &h);
}

static int obj_free(int fd, __u64 handle)
{
	struct edu_handle_arg h = { .handle = handle };

	return xioctl(fd, EDU_IOC_OBJ_FREE, &h);
}

static void remember_dead(struct slot *s, __u64 handle)
{
	pthread_mutex_lock(&s->plock);
	s->dead[s->nr_dead++ % DEAD_MAX] = handle;
	pthread_mutex_unlock(&s->plock);
}

/* A freed handle of this file, or one of another open file: EINVAL. */
static void try_foreign(struct slot *s, __u64 *rng)
{
	struct slot *o = &slots[rnd(rng, NR_SLOTS)];
	__u64 handle = 0;
	int err;

	if (o == s) {
		pthread_mutex_lock(&s->plock);
		if (s->nr_dead)
			handle = s->dead[rnd(rng, s->nr_dead < DEAD_MAX ?
					     s->nr_dead : DEAD_MAX)];
		pthread_mutex_unlock(&s->plock);
		if (!handle)
			return;
		err = rnd(rng, 2) ? block_free(s->fd, handle) :
				    obj_free(s->fd, handle);
		if (err != EINVAL)
			bad("free of a freed handle", err);
		return;
	}
	/* Never wait for a second slot while holding one. */
	if (pthread_rwlock_tryrdlock(&o->lock))
		return;
	pthread_mutex_lock(&o->plock);
	if (o->nr_blocks)
		handle = o->blocks[rnd(rng, o->nr_blocks)];
	else if (o->nr_objs)
		handle = o->objs[rnd(rng, o->nr_objs)].handle;
	pthread_mutex_unlock(&o->plock);
	if (handle) {
		struct edu_obj_info oi = { .handle = handle };

		err = block_free(s->fd, handle);
		if (err != EINVAL)
			bad("free of another file's handle", err);
		err = xioctl(s->fd, EDU_IOC_OBJ_INFO, &oi);
		if (err != EINVAL)
			bad("info on another file's handle", err);
	}
	pthread_rwlock_unlock(&o->lock);
}

/* ------------------------------------------------------------ buddy -- */

static void check_mapping(int fd, __u64 *rng, struct edu_page_alloc *a,
			  bool free_first)
{
	size_t len = page_size << a->order;
	unsigned char *m;
	size_t i, step;
	int err;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 a->mmap_offset);
	count_op();
	if (m == MAP_FAILED) {
		if (errno != ENOMEM)
			bad("mmap", errno);
		return;
	}
	step = len / 8;
	for (i = 0; i < len; i += step)
		if (m[i] || m[len - 1])
			break;
	if (i < len)
		bad("block not cleared", 0);
	if (free_first) {
		/* The mapping keeps the block alive until munmap. */
		err = block_free(fd, a->handle);
		want_ok("PAGE_FREE while mapped", err, false);
		a->handle = 0;
	}
	memset(m, 0xa5, len);
	for (i = 0; i < len; i += step)
		if (m[i] != 0xa5)
			break;
	if (i < len || m[len - 1] != 0xa5)
		bad("mapping does not read back", 0);
	munmap(m, len);
	count_op();
}

static void buddy_step(struct slot *s, __u64 *rng)
{
	struct edu_page_alloc a;
	__u64 handle = 0;
	int err;

	switch (rnd(rng, 6)) {
	case 0:
	case 1:	/* alloc, maybe park it for someone else */
		if (block_alloc(s->fd, rng, &a))
			return;
		pthread_mutex_lock(&s->plock);
		if (s->nr_blocks < POOL_MAX) {
			s->blocks[s->nr_blocks++] = a.handle;
			a.handle = 0;
		}
		pthread_mutex_unlock(&s->plock);
		if (a.handle && !want_ok("PAGE_FREE", block_free(s->fd, a.handle),
					 false))
			remember_dead(s, a.handle);
		return;
	case 2:	/* free someone's block */
		pthread_mutex_lock(&s->plock);
		if (s->nr_blocks) {
			unsigned int i = rnd(rng, s->nr_blocks);

			handle = s->blocks[i];
			s->blocks[i] = s->blocks[--s->nr_blocks];
		}
		pthread_mutex_unlock(&s->plock);
		if (!handle)
			return;
		err = block_free(s->fd, handle);
		if (!want_ok("PAGE_FREE of a pooled block", err, false))
			remember_dead(s, handle);
		return;
	case 3:	/* map, write, read back, unmap, free */
	case 4:
		if (block_alloc(s->fd, rng, &a))
			return;
		check_mapping(s->fd, rng, &a, rnd(rng, 2));
		if (a.handle) {
			err = block_free(s->fd, a.handle);
			if (!want_ok("PAGE_FREE after munmap", err, false))
				remember_dead(s, a.handle);
		}
		return;
	default:
		try_foreign(s, rng);
		return;
	}
}

/* ------------------------------------------------------------ batch -- */

static void batch_step(struct slot *s, __u64 *rng)
{
	struct edu_page_op ops[BATCH_OPS];
	struct edu_page_batch b;
	struct edu_drain_arg d;
	struct edu_node_stats st;
	unsigned int i, n = 1 + rnd(rng, BATCH_OPS), o;
	unsigned long sum;
	int err;

	switch (rnd(rng, 4)) {
	case 0:	/* explicit: n allocations, then their frees */
		memset(ops, 0, sizeof(ops));
		for (i = 0; i < n; i++) {
			ops[i].op = EDU_OP_ALLOC;
			ops[i].node = pick_node(rng);
			ops[i].order = rnd(rng, 3);
			ops[i].flags = rnd(rng, 8) & EDU_ALLOC_FLAGS;
		}
		memset(&b, 0, sizeof(b));
		b.ops = (uintptr_t)ops;
		b.nr_ops = n;
		b.flags = EDU_BATCH_CONTINUE;
		err = want_ok("PAGE_BATCH alloc", xioctl(s->fd, EDU_IOC_PAGE_BATCH,
							 &b), false);
		if (err)
			return;
		if (b.done != n)
			bad("PAGE_BATCH alloc: done", 0);
		for (i = 0; i < n; i++) {
			if (ops[i].result && ops[i].result != -ENOMEM)
				bad("PAGE_BATCH alloc op", (int)-ops[i].result);
			if (ops[i].result) {
				ops[i].op = EDU_OP_FREE;
				ops[i].handle = 0;	/* fails: EINVAL */
			} else {
				ops[i].op = EDU_OP_FREE;
			}
			ops[i].result = 0;
			ops[i].pfn = 0;
		}
		memset(&b, 0, sizeof(b));
		b.ops = (uintptr_t)ops;
		b.nr_ops = n;
		b.flags = EDU_BATCH_CONTINUE;
		err = want_ok("PAGE_BATCH free", xioctl(s->fd, EDU_IOC_PAGE_BATCH,
							&b), false);
		if (err)
			return;
		for (i = 0; i < n; i++)
			if (ops[i].result && !(ops[i].result == -EINVAL &&
					       !ops[i].handle))
				bad("PAGE_BATCH free op", (int)-ops[i].result);
		return;
	case 1:	/* random mode, then free what is left */
		memset(ops, 0, sizeof(ops));
		memset(&b, 0, sizeof(b));
		b.ops = (uintptr_t)ops;
		b.nr_ops = n;
		b.flags = EDU_BATCH_RANDOM | EDU_BATCH_CONTINUE;
		b.seed = xorshift64(rng);
		b.max_order = rnd(rng, 4);
		b.alloc_pct = 1 + rnd(rng, 100);
		b.node = pick_node(rng);
		err = want_ok("PAGE_BATCH random",
			      xioctl(s->fd, EDU_IOC_PAGE_BATCH, &b), false);
		if (err)
			return;
		for (i = 0; i < n; i++) {
			if (ops[i].result && ops[i].result != -ENOMEM)
				bad("PAGE_BATCH random op",
				    (int)-ops[i].result);
			if (ops[i].op == EDU_OP_ALLOC && !ops[i].result)
				block_free(s->fd, ops[i].handle); /* may be freed */
		}
		return;
	case 2:
		memset(&d, 0, sizeof(d));
		d.node = rnd(rng, 2) ? EDU_NODE_LOCAL : pick_node(rng);
		want_ok("PCP_DRAIN", xioctl(s->fd, EDU_IOC_PCP_DRAIN, &d), false);
		return;
	default:
		if (!nr_pool_nodes)
			return;
		memset(&st, 0, sizeof(st));
		st.node = pool_nodes[rnd(rng, nr_pool_nodes)];
		if (want_ok("NODE_STATS", xioctl(s->fd, EDU_IOC_NODE_STATS, &st),
			    false))
			return;
		sum = 0;
		for (o = 0; o < EDU_NR_ORDERS; o++)
			sum += st.nr_free[o] << o;
		/* One consistent snapshot under the node lock. */
		if (sum != st.free_pages || st.free_pages > st.pool_pages ||
		    st.free_pages + st.pcp_pages > st.pool_pages)
			bad("NODE_STATS: inconsistent page counts", 0);
		return;
	}
}

/* ------------------------------------------------------------- slab -- */

static void write_file(const char *path, const char *text);

/*
 * The sum of the "error_KIND N" lines of a stats file; with @who, those
 * that are not 0 are printed.
 */
static long stat_errors(const char *text, const char *who)
{
	const char *p = text;
	long sum = 0, n;

	while (p && *p) {
		if (!strncmp(p, "error_", 6) && strchr(p, ' ')) {
			n = strtol(strchr(p, ' '), NULL, 10);
			if (n && who)
				ksft_print_msg("%s: %.*s\n", who,
					       (int)strcspn(p, "\n"), p);
			sum += n;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return sum;
}

/*
 * Cache @name (ours, a unique name) is about to go: a validate pass, then
 * its error counts must all be 0.  What its destroy or the file's close
 * frees afterwards only the kernel log check sees.
 */
static void check_cache(const char *name)
{
	char path[512], buf[8192];
	const char *dir;
	glob_t g;
	long errors;

	snprintf(path, sizeof(path), EDU_DBG_DIR "/slab/%s-*", name);
	if (glob(path, 0, NULL, &g)) {
		bad("no debugfs directory for one of our caches", 0);
		return;
	}
	if (g.gl_pathc != 1) {
		bad("two debugfs directories for one of our caches", 0);
		globfree(&g);
		return;
	}
	dir = g.gl_pathv[0];
	snprintf(path, sizeof(path), "%s/validate", dir);
	write_file(path, "1");
	snprintf(path, sizeof(path), "%s/stats", dir);
	if (edu_read_text(path, buf, sizeof(buf)) <= 0) {
		bad(path, errno);
	} else if (!strstr(buf, "\nerror_")) {
		bad("stats without error_ counts", 0);
	} else {
		errors = stat_errors(buf, NULL);
		__atomic_fetch_add(&sh->cache_checks, 1, __ATOMIC_RELAXED);
		if (errors &&
		    __atomic_fetch_add(&sh->bad_checks, 1, __ATOMIC_RELAXED) < 20)
			stat_errors(buf, name);
	}
	globfree(&g);
}

/* Every cache a slot holds; nobody else uses the slot (its lock held). */
static void check_slot_caches(struct slot *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_caches; i++)
		check_cache(s->names[i]);
}

/* A name for a new cache of ours, unique while the run lasts. */
static void cache_name(char *name, const char *what)
{
	static unsigned int serial;

	snprintf(name, EDU_CACHE_NAME_LEN, "%s.%d.%u", what, getpid(),
		 __atomic_fetch_add(&serial, 1, __ATOMIC_RELAXED));
}

static void fill(unsigned char *buf, size_t len, unsigned char seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = seed + i * 7;
}

/* Write a pattern into an object, read it back. */
static void obj_rw_check(int fd, __u64 handle, __u64 size, unsigned char seed,
			 bool write)
{
	static __thread unsigned char wbuf[16384], rbuf[16384];
	struct edu_obj_rw rw = { .handle = handle };
	__u64 len = size < sizeof(wbuf) ? size : sizeof(wbuf);

	fill(wbuf, len, seed);
	if (write) {
		rw.len = len;
		rw.buf = (uintptr_t)wbuf;
		if (want_ok("OBJ_WRITE", xioctl(fd, EDU_IOC_OBJ_WRITE, &rw),
			    false))
			return;
	}
	memset(&rw, 0, sizeof(rw));
	rw.handle = handle;
	rw.len = len;
	rw.buf = (uintptr_t)rbuf;
	if (want_ok("OBJ_READ", xioctl(fd, EDU_IOC_OBJ_READ, &rw), false))
		return;
	if (memcmp(wbuf, rbuf, len))
		bad("object does not read back", 0);
}

static void obj_info_check(int fd, __u64 handle, __u64 cache_id, __u64 size)
{
	struct edu_obj_info oi = { .handle = handle };

	if (want_ok("OBJ_INFO", xioctl(fd, EDU_IOC_OBJ_INFO, &oi), false))
		return;
	if (oi.cache_id != cache_id || oi.size < size ||
	    (cache_id && oi.size != size))
		bad("OBJ_INFO: wrong cache or size", 0);
	if (!oi.addr || !oi.slab_pfn)
		bad("OBJ_INFO: no address for a privileged opener", 0);
}

static void park_obj(struct slot *s, __u64 handle, __u64 size,
		     unsigned char seed)
{
	pthread_mutex_lock(&s->plock);
	if (s->nr_objs < POOL_MAX) {
		s->objs[s->nr_objs].handle = handle;
		s->objs[s->nr_objs].size = size;
		s->objs[s->nr_objs].seed = seed;
		s->nr_objs++;
		handle = 0;
	}
	pthread_mutex_unlock(&s->plock);
	if (handle && !want_ok("OBJ_FREE", obj_free(s->fd, handle), false))
		remember_dead(s, handle);
}

/* Free an object someone parked, after checking its contents. */
static void unpark_obj(struct slot *s, __u64 *rng)
{
	struct obj_ref r = { 0 };

	pthread_mutex_lock(&s->plock);
	if (s->nr_objs) {
		unsigned int i = rnd(rng, s->nr_objs);

		r = s->objs[i];
		s->objs[i] = s->objs[--s->nr_objs];
	}
	pthread_mutex_unlock(&s->plock);
	if (!r.handle)
		return;
	obj_rw_check(s->fd, r.handle, r.size, r.seed, false);
	if (!want_ok("OBJ_FREE of a parked object", obj_free(s->fd, r.handle),
		     false))
		remember_dead(s, r.handle);
}

static void cache_create(struct slot *s, __u64 *rng)
{
	static const __u64 sizes[] = { 1, 8, 24, 64, 100, 256, 1000, 4096,
				       5000, 65536, 1 << 20 };
	struct edu_cache_create c;

	memset(&c, 0, sizeof(c));
	cache_name(c.name, "stress");
	c.size = rnd(rng, 2) ? sizes[rnd(rng, ARRAY_SIZE(sizes))] :
			       1 + rnd(rng, 3000);
	c.align = rnd(rng, 2) ? 0 : 1ULL << rnd(rng, 13);
	if (c.align > (__u64)page_size)
		c.align = 0;
	c.flags = rnd(rng, 3) ? 0 : rnd(rng, 16);
	c.node = pick_node(rng);
	if (want_ok("CACHE_CREATE", xioctl(s->fd, EDU_IOC_CACHE_CREATE, &c),
		    true))
		return;
	if (!c.cache_id || !c.objs_per_slab || c.obj_stride < c.size)
		bad("CACHE_CREATE: bad output", 0);
	pthread_mutex_lock(&s->plock);
	if (s->nr_caches < CACHE_MAX) {
		strcpy(s->names[s->nr_caches], c.name);
		s->caches[s->nr_caches++] = c.cache_id;
		c.cache_id = 0;
	}
	pthread_mutex_unlock(&s->plock);
	if (c.cache_id) {
		struct edu_handle_arg h = { .handle = c.cache_id };

		want_ok("CACHE_DESTROY of an empty cache",
			xioctl(s->fd, EDU_IOC_CACHE_DESTROY, &h), false);
	}
}

static void slab_step(struct slot *s, __u64 *rng)
{
	__u64 handles[BATCH_OPS], cache = 0, size;
	char name[EDU_CACHE_NAME_LEN];
	struct edu_obj_alloc a;
	struct edu_obj_batch b;
	struct edu_obj_info oi;
	struct edu_handle_arg h;
	unsigned int i, n;
	int err;

	pthread_mutex_lock(&s->plock);
	if (s->nr_caches)
		cache = s->caches[rnd(rng, s->nr_caches)];
	pthread_mutex_unlock(&s->plock);

	switch (rnd(rng, 6)) {
	case 0:
		cache_create(s, rng);
		return;
	case 1:	/* destroy one: EBUSY while objects live, EINVAL if gone */
		pthread_mutex_lock(&s->plock);
		cache = 0;
		if (s->nr_caches) {
			i = rnd(rng, s->nr_caches);
			cache = s->caches[i];
			strcpy(name, s->names[i]);
			s->caches[i] = s->caches[--s->nr_caches];
			strcpy(s->names[i], s->names[s->nr_caches]);
		}
		pthread_mutex_unlock(&s->plock);
		if (!cache)
			return;
		check_cache(name);
		h = (struct edu_handle_arg){ .handle = cache };
		err = xioctl(s->fd, EDU_IOC_CACHE_DESTROY, &h);
		if (err == EBUSY) {
			pthread_mutex_lock(&s->plock);
			if (s->nr_caches < CACHE_MAX) {
				strcpy(s->names[s->nr_caches], name);
				s->caches[s->nr_caches++] = cache;
				cache = 0;
			}
			pthread_mutex_unlock(&s->plock);
			if (cache)	/* no room: let close destroy it */
				return;
		} else if (!want_ok("CACHE_DESTROY", err, false)) {
			remember_dead(s, cache);
		}
		return;
	case 2:	/* one object: write, info, park it */
		if (!cache)
			return;
		memset(&a, 0, sizeof(a));
		a.cache_id = cache;
		a.node = pick_node(rng);
		err = xioctl(s->fd, EDU_IOC_OBJ_ALLOC, &a);
		/* The cache may have been destroyed meanwhile. */
		if (err == EINVAL || want_ok("OBJ_ALLOC", err, true))
			return;
		memset(&oi, 0, sizeof(oi));
		oi.handle = a.handle;
		if (want_ok("OBJ_INFO", xioctl(s->fd, EDU_IOC_OBJ_INFO, &oi),
			    false))
			return;
		size = oi.size;
		obj_info_check(s->fd, a.handle, cache, size);
		obj_rw_check(s->fd, a.handle, size, a.handle, true);
		park_obj(s, a.handle, size, a.handle);
		return;
	case 3:	/* a batch of objects, checked and freed in a batch */
		if (!cache)
			return;
		n = 1 + rnd(rng, BATCH_OPS);
		memset(&b, 0, sizeof(b));
		b.handles = (uintptr_t)handles;
		b.nr = n;
		b.op = EDU_OP_ALLOC;
		b.cache_id = cache;
		err = xioctl(s->fd, EDU_IOC_OBJ_BATCH, &b);
		if (err && err != EINVAL && err != ENOMEM)
			bad("OBJ_BATCH alloc", err);
		/* Stops at the first failure: done objects were made. */
		n = b.done;
		if (!n)
			return;
		for (i = 0; i < n; i++)
			obj_rw_check(s->fd, handles[i], 1, i, true);
		memset(&b, 0, sizeof(b));
		b.handles = (uintptr_t)handles;
		b.nr = n;
		b.op = EDU_OP_FREE;
		err = want_ok("OBJ_BATCH free", xioctl(s->fd, EDU_IOC_OBJ_BATCH,
						       &b), false);
		if (!err && b.done != n)
			bad("OBJ_BATCH free: done", 0);
		return;
	case 4:
		unpark_obj(s, rng);
		return;
	default:
		try_foreign(s, rng);
		return;
	}
}

static void kmalloc_step(struct slot *s, __u64 *rng)
{
	static const __u64 sizes[] = { 1, 8, 9, 96, 97, 192, 193, 4096, 8192,
				       8193, 65536, 1 << 20 };
	__u64 handles[BATCH_OPS], size;
	struct edu_obj_alloc a;
	struct edu_obj_batch b;
	unsigned int i, n;
	int err;

	size = rnd(rng, 3) ? 1 + rnd(rng, 2048) :
			     sizes[rnd(rng, ARRAY_SIZE(sizes))];
	switch (rnd(rng, 4)) {
	case 0:
	case 1:
		memset(&a, 0, sizeof(a));
		a.size = size;
		a.node = pick_node(rng);
		if (want_ok("OBJ_ALLOC kmalloc",
			    xioctl(s->fd, EDU_IOC_OBJ_ALLOC, &a), true))
			return;
		obj_info_check(s->fd, a.handle, 0, size);
		obj_rw_check(s->fd, a.handle, size, a.handle, true);
		park_obj(s, a.handle, size, a.handle);
		return;
	case 2:
		n = 1 + rnd(rng, BATCH_OPS);
		if (size > 65536)
			size = 65536;
		memset(&b, 0, sizeof(b));
		b.handles = (uintptr_t)handles;
		b.nr = n;
		b.op = EDU_OP_ALLOC;
		b.size = size;
		err = xioctl(s->fd, EDU_IOC_OBJ_BATCH, &b);
		if (err && err != ENOMEM)
			bad("OBJ_BATCH kmalloc", err);
		n = b.done;
		for (i = 0; i < n; i++)
			obj_rw_check(s->fd, handles[i], size, i, true);
		for (i = 0; i < n; i++)
			if (!want_ok("OBJ_FREE kmalloc",
				     obj_free(s->fd, handles[i]), false))
				remember_dead(s, handles[i]);
		return;
	default:
		unpark_obj(s, rng);
		return;
	}
}

/* --------------------------------------------------- reopen, debugfs -- */

static int open_dev(void)
{
	int fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);

	count_op();
	if (fd < 0)
		bad("open " DEV_PATH, errno);
	return fd;
}

/* Private file: fill it with a bit of everything, then close it. */
static void private_file(__u64 *rng)
{
	struct edu_cache_create c;
	struct edu_page_alloc a;
	struct edu_obj_alloc oa;
	int fd = open_dev(), i;

	if (fd < 0)
		return;
	for (i = 0; i < 8; i++)
		block_alloc(fd, rng, &a);
	memset(&c, 0, sizeof(c));
	cache_name(c.name, "priv");
	c.size = 1 + rnd(rng, 512);
	c.flags = rnd(rng, 16);
	if (!want_ok("CACHE_CREATE", xioctl(fd, EDU_IOC_CACHE_CREATE, &c),
		     true)) {
		for (i = 0; i < 16; i++) {
			memset(&oa, 0, sizeof(oa));
			oa.cache_id = c.cache_id;
			oa.node = EDU_NODE_LOCAL;
			want_ok("OBJ_ALLOC", xioctl(fd, EDU_IOC_OBJ_ALLOC, &oa),
				true);
		}
	}
	for (i = 0; i < 8; i++) {
		memset(&oa, 0, sizeof(oa));
		oa.size = 1 + rnd(rng, 10000);
		oa.node = EDU_NODE_LOCAL;
		want_ok("OBJ_ALLOC kmalloc", xioctl(fd, EDU_IOC_OBJ_ALLOC, &oa),
			true);
	}
	if (c.cache_id)		/* 0 unless created */
		check_cache(c.name);
	/* A mapping outliving the close: the block goes at munmap. */
	if (!block_alloc(fd, rng, &a)) {
		size_t len = page_size << a.order;
		unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_SHARED, fd, a.mmap_offset);

		close(fd);
		fd = -1;
		if (m == MAP_FAILED) {
			if (errno != ENOMEM)
				bad("mmap", errno);
		} else {
			m[len - 1] = 1;
			munmap(m, len);
		}
	}
	if (fd >= 0)
		close(fd);
	count_op();
}

static void reopen_step(__u64 *rng)
{
	struct slot *s = &slots[rnd(rng, NR_SLOTS)];
	int fd;

	if (rnd(rng, 3)) {
		private_file(rng);
		return;
	}
	pthread_rwlock_wrlock(&s->lock);
	check_slot_caches(s);
	close(s->fd);	/* frees all the slot still owns */
	count_op();
	fd = open_dev();
	s->fd = fd;
	pthread_mutex_lock(&s->plock);
	s->nr_blocks = 0;
	s->nr_objs = 0;
	s->nr_caches = 0;
	s->nr_dead = 0;
	pthread_mutex_unlock(&s->plock);
	pthread_rwlock_unlock(&s->lock);
	__atomic_fetch_add(&sh->reopens, 1, __ATOMIC_RELAXED);
	if (fd < 0)
		__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
}

static void cat_file(const char *path)
{
	char buf[65536];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		/* A cache's directory may go away under us. */
		if (errno != ENOENT)
			bad(path, errno);
		return;
	}
	do {
		n = read(fd, buf, sizeof(buf));
	} while (n > 0);
	/* debugfs answers EIO once the file has been removed. */
	if (n < 0 && errno != EIO && errno != ENOENT)
		bad(path, errno);
	close(fd);
	count_op();
	__atomic_fetch_add(&sh->dbg_reads, 1, __ATOMIC_RELAXED);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, text, strlen(text)) < 0 && errno != EIO)
		bad(path, errno);
	close(fd);
	count_op();
}

/* cat every readable file under @dir; @shrink: shrink kmalloc caches */
static void cat_tree(const char *dir, bool shrink)
{
	struct dirent *de;
	char path[512];
	struct stat st;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) && !stopping()) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			cat_tree(path, shrink);
		else if (S_ISREG(st.st_mode) && (st.st_mode & 0444))
			cat_file(path);
		else if (shrink && !strcmp(de->d_name, "shrink") &&
			 strstr(dir, "/kmalloc-"))
			write_file(path, "1");
	}
	closedir(d);
}

/* ---------------------------------------------------------- workers -- */

struct worker {
	pthread_t tid;
	enum role role;
	__u64 seed;
};

static void worker_step(enum role role, __u64 *rng)
{
	struct slot *s;

	if (role == ROLE_REOPEN) {
		reopen_step(rng);
		usleep(2000);
		return;
	}
	if (role == ROLE_DEBUGFS) {
		cat_tree(EDU_DBG_DIR, !rnd(rng, 4));
		return;
	}
	s = &slots[rnd(rng, NR_SLOTS)];
	pthread_rwlock_rdlock(&s->lock);
	if (s->fd >= 0) {
		switch (role) {
		case ROLE_BUDDY:
		case ROLE_BUDDY2:
			buddy_step(s, rng);
			break;
		case ROLE_BATCH:
			batch_step(s, rng);
			break;
		case ROLE_SLAB:
			slab_step(s, rng);
			break;
		case ROLE_KMALLOC:
			kmalloc_step(s, rng);
			break;
		default:
			break;
		}
	}
	pthread_rwlock_unlock(&s->lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	__u64 rng = w->seed;

	while (!stopping())
		worker_step(w->role, &rng);
	return NULL;
}

/*
 * A forked process: blocks and objects on the file it shares with the
 * parent and on private files, mapped and checked.
 */
static void child_main(int idx, __u64 seed)
{
	__u64 rng = seed;
	struct edu_page_alloc a;
	struct edu_obj_alloc oa;
	int fd, i;

	/* The slots are the parent's: its reopens must really close them. */
	for (i = 0; i < NR_SLOTS; i++)
		close(slots[i].fd);
	fd = open_dev();

	while (!stopping() && fd >= 0) {
		int use = rnd(&rng, 2) ? inherit_fd : fd;

		switch (rnd(&rng, 5)) {
		case 0:
			if (!block_alloc(use, &rng, &a)) {
				check_mapping(use, &rng, &a, rnd(&rng, 2));
				if (a.handle)
					want_ok("PAGE_FREE",
						block_free(use, a.handle), false);
			}
			break;
		case 1:
			memset(&oa, 0, sizeof(oa));
			oa.size = 1 + rnd(&rng, 9000);
			oa.node = EDU_NODE_LOCAL;
			if (!want_ok("OBJ_ALLOC kmalloc",
				     xioctl(use, EDU_IOC_OBJ_ALLOC, &oa), true)) {
				obj_rw_check(use, oa.handle, oa.size, idx,
					     true);
				want_ok("OBJ_FREE", obj_free(use, oa.handle),
					false);
			}
			break;
		case 2:	/* leave a few things for close to free */
			block_alloc(fd, &rng, &a);
			break;
		case 3:
			if (!rnd(&rng, 16)) {
				close(fd);
				fd = open_dev();
			}
			break;
		default:
			private_file(&rng);
			break;
		}
	}
	if (fd >= 0)
		close(fd);
	_exit(0);
}

/* ----------------------------------------------------- final checks -- */

struct binfo {
	int present[MAX_NODES];
	unsigned long cnt[MAX_NODES][EDU_NR_ORDERS];
};

static int read_buddyinfo(struct binfo *bi)
{
	char buf[16384], zone[16], *line, *save = NULL;
	unsigned long *c;
	int node;

	memset(bi, 0, sizeof(*bi));
	if (edu_read_text(EDU_DBG_DIR "/buddyinfo", buf, sizeof(buf)) <= 0)
		return -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long t[EDU_NR_ORDERS];

		if (sscanf(line, "Node %d, zone %15s %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu",
			   &node, zone, &t[0], &t[1], &t[2], &t[3], &t[4],
			   &t[5], &t[6], &t[7], &t[8], &t[9], &t[10]) !=
		    2 + EDU_NR_ORDERS || node < 0 || node >= MAX_NODES)
			return -1;
		c = bi->cnt[node];
		memcpy(c, t, sizeof(t));
		bi->present[node] = 1;
	}
	return 0;
}

/* A "key value" line of a debugfs stats file; -1 if absent. */
static long stat_field(const char *text, const char *key)
{
	size_t len = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, len) && (p[len] == ' '))
			return strtol(p + len, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

#define MAX_CLASSES	32

struct slabsnap {
	int nr;
	char name[MAX_CLASSES][64];
	long allocs[MAX_CLASSES], frees[MAX_CLASSES];
	long inuse[MAX_CLASSES], cached[MAX_CLASSES], slabs[MAX_CLASSES];
	long errors[MAX_CLASSES];
	int others;	/* caches that are not kmalloc classes */
};

/* Shrink every cache (flushes the magazines too), then read the stats. */
static void slab_snapshot(struct slabsnap *ss)
{
	char path[512], buf[8192];
	struct dirent *de;
	DIR *d;

	memset(ss, 0, sizeof(*ss));
	d = opendir(EDU_DBG_DIR "/slab");
	if (!d)
		return;
	while ((de = readdir(d))) {
		int i = ss->nr;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "control"))
			continue;
		snprintf(path, sizeof(path), EDU_DBG_DIR "/slab/%s/shrink",
			 de->d_name);
		write_file(path, "1");
		if (strncmp(de->d_name, "kmalloc-", 8)) {
			ss->others++;
			ksft_print_msg("cache %s left over\n", de->d_name);
			continue;
		}
		if (i == MAX_CLASSES)
			continue;
		snprintf(path, sizeof(path), EDU_DBG_DIR "/slab/%s/stats",
			 de->d_name);
		if (edu_read_text(path, buf, sizeof(buf)) <= 0)
			continue;
		snprintf(ss->name[i], sizeof(ss->name[i]), "%.63s", de->d_name);
		ss->allocs[i] = stat_field(buf, "alloc_fastpath") +
				stat_field(buf, "alloc_slowpath");
		ss->frees[i] = stat_field(buf, "free_fastpath") +
			       stat_field(buf, "free_slowpath");
		ss->inuse[i] = stat_field(buf, "objects_inuse");
		ss->cached[i] = stat_field(buf, "objects_cpu_cached");
		ss->slabs[i] = stat_field(buf, "slabs");
		ss->errors[i] = stat_errors(buf, NULL);
		ss->nr++;
	}
	closedir(d);
}

static void drain_all(int fd)
{
	struct edu_drain_arg d = { .node = EDU_NODE_LOCAL };

	if (ioctl(fd, EDU_IOC_PCP_DRAIN, &d))
		ksft_print_msg("drain: %s\n", strerror(errno));
}

static void node_snapshot(int fd, struct edu_node_stats *st)
{
	int i;

	for (i = 0; i < nr_pool_nodes; i++) {
		memset(&st[i], 0, sizeof(st[i]));
		st[i].node = pool_nodes[i];
		if (ioctl(fd, EDU_IOC_NODE_STATS, &st[i]))
			ksft_print_msg("node stats %d: %s\n", pool_nodes[i],
				       strerror(errno));
	}
}

static long env_or(const char *arg, const char *env, long dflt)
{
	const char *v = arg ? arg : getenv(env);

	return v && *v ? strtol(v, NULL, 0) : dflt;
}

int main(int argc, char **argv)
{
	struct edu_node_stats st0[MAX_NODES], st1[MAX_NODES];
	struct worker workers[MAX_THREADS];
	pthread_rwlockattr_t rwattr;
	struct slabsnap ss0, ss1;
	struct binfo bi0, bi1;
	pid_t pids[MAX_PROCS];
	struct timespec t0, t1;
	long seconds, nthreads, nprocs;
	double secs;
	__u64 seed;
	int fd, i, ok, status;

	seconds = env_or(argc > 1 ? argv[1] : NULL, "EDU_STRESS_SECONDS", 10);
	nthreads = env_or(argc > 2 ? argv[2] : NULL, "EDU_STRESS_THREADS", 12);
	nprocs = env_or(argc > 3 ? argv[3] : NULL, "EDU_STRESS_PROCS", 2);
	if (seconds < 1)
		seconds = 1;
	if (nthreads < NR_ROLES)
		nthreads = NR_ROLES;
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	if (nprocs < 0)
		nprocs = 0;
	if (nprocs > MAX_PROCS)
		nprocs = MAX_PROCS;
	page_size = sysconf(_SC_PAGESIZE);

	ksft_print_header();
	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		ksft_exit_skip(DEV_PATH ": %s (module not loaded?)\n",
			       strerror(errno));
	if (access(EDU_DBG_DIR "/buddyinfo", R_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (access(EDU_DBG_DIR "/buddyinfo", R_OK))
		ksft_exit_skip("no " EDU_DBG_DIR "/buddyinfo\n");
	nr_pool_nodes = edu_pool_nodes(fd, &info, pool_nodes, MAX_NODES);
	if (nr_pool_nodes < 0)
		ksft_exit_fail_msg("EDU_IOC_INFO: %s\n", strerror(errno));
	if (!(info.caps & EDU_CAP_PFN))
		ksft_exit_skip("needs CAP_SYS_ADMIN\n");
	ksft_set_plan(7);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	memset(sh, 0, sizeof(*sh));

	/* Baseline: no empty slab kept, nothing on a per-CPU list. */
	slab_snapshot(&ss0);
	drain_all(fd);
	node_snapshot(fd, st0);
	if (read_buddyinfo(&bi0))
		ksft_exit_fail_msg("cannot read buddyinfo\n");

	seed = time(NULL) ^ getpid();
	ksft_print_msg("stress: %ld s, %ld threads, %ld processes, seed %llu\n",
		       seconds, nthreads, nprocs, (unsigned long long)seed);

	/* Writers first, or the reopen thread would starve. */
	pthread_rwlockattr_init(&rwattr);
	pthread_rwlockattr_setkind_np(&rwattr,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	for (i = 0; i < NR_SLOTS; i++) {
		pthread_rwlock_init(&slots[i].lock, &rwattr);
		pthread_mutex_init(&slots[i].plock, NULL);
		slots[i].fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
		if (slots[i].fd < 0)
			ksft_exit_fail_msg("open: %s\n", strerror(errno));
	}
	/* Not O_CLOEXEC: the children share it with the threads. */
	inherit_fd = open(DEV_PATH, O_RDWR);
	if (inherit_fd < 0)
		ksft_exit_fail_msg("open: %s\n", strerror(errno));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	fflush(NULL);
	for (i = 0; i < nprocs; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			ksft_exit_fail_msg("fork: %s\n", strerror(errno));
		if (!pids[i])
			child_main(i, seed * 31 + i + 1);
	}
	for (i = 0; i < nthreads; i++) {
		workers[i].role = i % NR_ROLES;
		workers[i].seed = seed * 131 + 1000 + i;
		if (pthread_create(&workers[i].tid, NULL, worker_main,
				   &workers[i]))
			ksft_exit_fail_msg("pthread_create failed\n");
	}
	/* The parent also uses the shared file between checks. */
	{
		struct timespec now;
		__u64 rng = seed ^ 0x5eed;
		struct edu_page_alloc a;

		do {
			if (!block_alloc(inherit_fd, &rng, &a))
				want_ok("PAGE_FREE", block_free(inherit_fd,
								a.handle),
					false);
			usleep(1000);
			clock_gettime(CLOCK_MONOTONIC, &now);
		} while (!stopping() && now.tv_sec - t0.tv_sec < seconds);
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < nthreads; i++)
		pthread_join(workers[i].tid, NULL);
	ok = 1;
	for (i = 0; i < nprocs; i++)
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			ok = 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Before the results: a failed check counts as an error too. */
	for (i = 0; i < NR_SLOTS; i++)
		check_slot_caches(&slots[i]);
	secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ksft_print_msg("stress: %lu ops in %.1f s, %ld threads, %ld processes\n",
		       sh->ops, secs, nthreads, nprocs);
	ksft_print_msg("stress: %lu ENOMEM, %lu reopens, %lu debugfs reads\n",
		       sh->enomem, sh->reopens, sh->dbg_reads);
	ksft_test_result(ok, "children_exited_cleanly\n");
	ksft_test_result(!sh->errors, "no_unexpected_errors (%lu)\n",
			 sh->errors);

	/* Everything closed: the module must have taken all back. */
	for (i = 0; i < NR_SLOTS; i++)
		if (slots[i].fd >= 0)
			close(slots[i].fd);
	close(inherit_fd);

	slab_snapshot(&ss1);
	drain_all(fd);
	node_snapshot(fd, st1);
	ok = 1;
	for (i = 0; i < nr_pool_nodes; i++) {
		long da = st1[i].allocs - st0[i].allocs;
		long df = st1[i].frees - st0[i].frees;
		__u64 used0 = st0[i].pool_pages - st0[i].free_pages -
			      st0[i].pcp_pages;
		__u64 used1 = st1[i].pool_pages - st1[i].free_pages -
			      st1[i].pcp_pages;

		ksft_print_msg("node %d: %ld allocs %ld frees, used %llu -> %llu, pcp %llu\n",
			       pool_nodes[i], da, df,
			       (unsigned long long)used0,
			       (unsigned long long)used1,
			       (unsigned long long)st1[i].pcp_pages);
		if (da != df || used1 != used0 || st1[i].pcp_pages)
			ok = 0;
	}
	ksft_test_result(ok, "node_counters_balance\n");

	ok = !ss1.others;
	for (i = 0; i < ss1.nr; i++) {
		int j;
		long da, df;

		for (j = 0; j < ss0.nr; j++)
			if (!strcmp(ss0.name[j], ss1.name[i]))
				break;
		da = ss1.allocs[i] - (j < ss0.nr ? ss0.allocs[j] : 0);
		df = ss1.frees[i] - (j < ss0.nr ? ss0.frees[j] : 0);
		if (da != df || ss1.inuse[i] || ss1.cached[i] ||
		    ss1.slabs[i]) {
			ksft_print_msg("%s: %ld allocs %ld frees %ld inuse %ld cached %ld slabs\n",
				       ss1.name[i], da, df, ss1.inuse[i],
				       ss1.cached[i], ss1.slabs[i]);
			ok = 0;
		}
	}
	ksft_test_result(ok && ss1.nr, "slab_counters_balance (%d classes)\n",
			 ss1.nr);

	ok = !sh->bad_checks;
	for (i = 0; i < ss1.nr; i++) {
		long e0 = 0;
		int j;

		for (j = 0; j < ss0.nr; j++)
			if (!strcmp(ss0.name[j], ss1.name[i]))
				e0 = ss0.errors[j];
		if (ss1.errors[i] != e0) {
			ksft_print_msg("%s: %ld errors found by its checks, %ld before the run\n",
				       ss1.name[i], ss1.errors[i], e0);
			ok = 0;
		}
	}
	ksft_test_result(ok, "no_slab_errors (%lu cache checks, %lu found errors)\n",
			 sh->cache_checks, sh->bad_checks);

	ok = !read_buddyinfo(&bi1) && !memcmp(&bi0, &bi1, sizeof(bi0));
	if (!ok)
		for (i = 0; i < MAX_NODES; i++) {
			int o;

			if (!memcmp(bi0.cnt[i], bi1.cnt[i], sizeof(bi0.cnt[i])))
				continue;
			for (o = 0; o < EDU_NR_ORDERS; o++)
				ksft_print_msg("node %d order %d: %lu -> %lu\n",
					       i, o, bi0.cnt[i][o],
					       bi1.cnt[i][o]);
		}
	ksft_test_result(ok, "buddyinfo_restored\n");

	{
		struct edu_page_alloc a = { .node = EDU_NODE_LOCAL };
		struct edu_handle_arg h;

		ok = !ioctl(fd, EDU_IOC_PAGE_ALLOC, &a);
		h = (struct edu_handle_arg){ .handle = a.handle };
		ok = ok && !ioctl(fd, EDU_IOC_PAGE_FREE, &h);
	}
	ksft_test_result(ok, "still_works\n");
	close(fd);
	ksft_finished();
}
