// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc_fuzz: a bounded, seeded, structure-aware fuzzer of the
 * /dev/edualloc ioctls and mmap() (plain KTAP, root, inside the test VM).
 *
 *   edualloc_fuzz [SEED [CALLS]]
 *   EDU_FUZZ_SEED (default: from the clock, printed), EDU_FUZZ_CALLS
 *   (default 20000); arguments win over the environment.  The same seed
 *   replays the same calls (the kernel's answers, ENOMEM aside, too).
 *
 * Each call starts from a plausible argument for a command of the ABI and
 * damages it: random and boundary values (0, 1, -1, 2^k +- 1, huge) in
 * random fields, non-zero reserved words, handles of other files, freed
 * and forged handles, inner pointers (batch vectors, read/write buffers,
 * node and CPU sets) that are NULL, unmapped, read-only, PROT_NONE or straddle into a
 * PROT_NONE page, and the argument itself at such places.  Commands are
 * also mutated into unknown ones: other numbers, sizes 0, 1, size +- 1,
 * PAGE_SIZE + 1 and the largest encoded in the number, other directions
 * and magic.  mmap() gets random offsets, sizes, protections and flags.
 * Files are closed and reopened along the way.
 *
 * Besides "no crash" (the VM's kernel log check), the answers must follow
 * the ABI's rules where they are unambiguous:
 *   - a command that is not exactly one of the header's: ENOTTY;
 *   - the argument unreadable (NULL, unmapped, PROT_NONE, straddling):
 *     EFAULT; EDU_IOC_INFO's readable but not writable: EFAULT, or EINVAL
 *     for a bad set length;
 *   - a non-zero reserved word in an otherwise readable argument: EINVAL
 *     (ENOENT too for EDU_IOC_NODE_STATS, which looks the node up first).
 * Every debug cache it creates is announced in the kernel log first
 * (edu_announce_damage()): it may damage any of them, and the module's
 * reports about them are expected (scripts/logcheck).
 *
 * Afterwards the module must still work and, with every file closed, the
 * kmalloc caches shrunk and the per-CPU lists drained, buddyinfo must be
 * what it was before.  Prints "# fuzz: N calls, seed S" and per-errno
 * counts.
 *
 * A call still running after EDU_FUZZ_CALL_TIMEOUT seconds (default 120)
 * fails the run at once, printed with its arguments and the kernel stack
 * it is in, rather than leaving the runner's timeout with nothing to go on.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
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
#include <sys/syscall.h>
#include <linux/edualloc.h>

#include "kselftest.h"
#include "edualloc_util.h"

#define DEV_PATH	"/dev/edualloc"
#define MAX_NODES	64
#define NR_FDS		3
#define BANK_MAX	512
/*
 * The valid buffer: the argument at its start, inner vectors and buffers in
 * its second half (INNER), with room for the largest a valid call may
 * write (EDU_BATCH_MAX page ops: 4 MiB) and a PROT_NONE page after it.
 */
#define BIG_BYTES	0x1000000UL
#define INNER		(big + BIG_BYTES / 2)
#define MAX_ERRNO	140

/* Where a pointer points. */
enum ptr_kind {
	PTR_VALID,
	PTR_NULL,
	PTR_UNMAPPED,
	PTR_RDONLY,
	PTR_NONE,	/* PROT_NONE */
	PTR_STRADDLE,	/* readable start, PROT_NONE rest */
	PTR_KERNEL,	/* a kernel address */
	PTR_NONCANON,	/* non-canonical */
	NR_PTR_KINDS
};

static const char *const ptr_names[NR_PTR_KINDS] = {
	"valid", "null", "unmapped", "rdonly", "prot_none", "straddle",
	"kernel", "noncanonical",
};

static long page_size;
static __u64 rng;
static int fds[NR_FDS];
static struct edu_info info;
static int pool_nodes[MAX_NODES], nr_pool_nodes;

/* Memory to point at: see setup_memory(). */
static unsigned char *big;		/* BIG_BYTES, read-write */
static unsigned char *rw_alias;		/* one page, RW view of ro_page */
static unsigned char *ro_page;		/* the same page, read-only,
					 * then a PROT_NONE page
					 */
static unsigned char *none_page;	/* PROT_NONE */
static unsigned char *straddle;		/* RW page followed by PROT_NONE */
static unsigned char *unmapped;		/* was mapped, now is not */

/* Handles seen: valid, freed or of a closed file, all fair game. */
static __u64 bank[BANK_MAX];
static unsigned int nr_bank;

/*
 * Canary: anonymous memory of ours the kernel is never given a pointer to.
 * If it changes, the kernel wrote into our pages (e.g. one of its pages
 * was freed while still mapped here, then reused).
 */
#define CANARY_BYTES	0x800000UL
static unsigned char *canary;
static bool shared_only;	/* EDU_FUZZ_SHARED_ONLY=1: no MAP_PRIVATE */

/*
 * The call in progress, for the watchdog thread.  The main thread fills it
 * in, then publishes @seq (release); the watchdog reads @seq (acquire) and,
 * only if the same call is still running, the rest.
 */
#define WD_WORDS	24
static struct {
	unsigned long seq;	/* call number; 0 between calls */
	double start;		/* CLOCK_MONOTONIC seconds */
	const char *what;	/* command name, or "mmap" */
	unsigned long nr;	/* ioctl number; for mmap: length */
	__u64 words[WD_WORDS];	/* the argument; for mmap: offset, prot, flags */
	unsigned int nr_words;
	const char *kind;	/* where the argument pointer points */
} wd;
static pid_t main_tid;
static double longest;		/* the longest call, seconds */
static const char *longest_what;
static __u64 seed;

static unsigned long errno_count[MAX_ERRNO + 1];
static unsigned long touched;	/* bytes read from mappings: keeps the reads */
static unsigned long calls, mmaps, violations;

static __u64 xorshift64(__u64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static __u64 r64(void)
{
	return xorshift64(&rng);
}

static unsigned int rnd(unsigned int n)
{
	return (r64() >> 16) % n;
}

static void bank_add(__u64 handle)
{
	if (handle)
		bank[nr_bank++ % BANK_MAX] = handle;
}

static __u64 bank_pick(void)
{
	unsigned int n = nr_bank < BANK_MAX ? nr_bank : BANK_MAX;

	return n ? bank[rnd(n)] : 0;
}

/* A value for a numeric field: boundaries, powers of two, random. */
static __u64 interesting(void)
{
	unsigned int k = rnd(64);

	switch (rnd(12)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return -1ULL;
	case 3:
		return 1ULL << k;
	case 4:
		return (1ULL << k) + 1;
	case 5:
		return (1ULL << k) - 1;
	case 6:
		return rnd(16);
	case 7:
		return EDU_BATCH_MAX + rnd(3) - 1;
	case 8:
		return page_size + rnd(3) - 1;
	case 9:
		return EDU_OBJ_MAX_SIZE + rnd(3) - 1;
	case 10:
		return 0x8000000000000000ULL >> rnd(4);
	default:
		return r64();
	}
}

/* A handle field: valid, freed, of another file, forged, random. */
static __u64 any_handle(void)
{
	__u64 h = bank_pick();

	switch (rnd(8)) {
	case 0:
		return 0;
	case 1:
		return interesting();
	case 2:		/* same tag, another id */
		return (h & ~0xffffffffULL) | rnd(64);
	case 3:		/* another tag, same id */
		return h ^ (1ULL << (32 + rnd(16)));
	default:
		return h;
	}
}

static __u64 any_node(void)
{
	switch (rnd(6)) {
	case 0:
	case 1:
		return EDU_NODE_LOCAL;
	case 2:
		return interesting();
	case 3:
		return rnd(MAX_NODES + 2);
	default:
		return nr_pool_nodes ? pool_nodes[rnd(nr_pool_nodes)] : 0;
	}
}

static enum ptr_kind pick_ptr_kind(void)
{
	return rnd(10) < 7 ? PTR_VALID : 1 + rnd(NR_PTR_KINDS - 1);
}

/*
 * An address of @kind for @len bytes whose first bytes are @src (copied
 * where the memory can take them).
 */
static void *place(enum ptr_kind kind, const void *src, size_t len)
{
	size_t part;

	switch (kind) {
	case PTR_VALID:
		if (len > BIG_BYTES)
			len = BIG_BYTES;
		memcpy(big, src, len);
		return big;
	case PTR_NULL:
		return NULL;
	case PTR_UNMAPPED:
		return unmapped + rnd(page_size);
	case PTR_RDONLY:
		part = len < (size_t)page_size ? len : page_size;
		memcpy(rw_alias + page_size - part, src, part);
		return ro_page + page_size - part;
	case PTR_NONE:
		return none_page;
	case PTR_STRADDLE:
		/* Only the first 1..len-1 bytes are readable. */
		part = len > 1 ? 1 + rnd(len - 1) : 0;
		if (part > (size_t)page_size)
			part = page_size;
		memcpy(straddle + page_size - part, src, part);
		return straddle + page_size - part;
	case PTR_KERNEL:
		return (void *)0xffff888000000000UL;
	default:
		return (void *)0x8000000000000000UL;
	}
}

/* Whether the kernel can read all @len bytes at a @kind pointer. */
static bool readable(enum ptr_kind kind, size_t len)
{
	return kind == PTR_VALID || (kind == PTR_RDONLY && len <= (size_t)page_size);
}

/* ------------------------------------------------- announced damage -- */

#define DEBUG_CHECKS	(EDU_CACHE_RED_ZONE | EDU_CACHE_POISON | \
			 EDU_CACHE_CONSISTENCY)

/* A byte the module's isgraph() takes (Latin-1 included). */
static bool name_char_ok(unsigned char ch)
{
	return ch != '/' && ((ch > ' ' && ch < 0x7f) || ch > 0xa0);
}

/* A name EDU_IOC_CACHE_CREATE accepts (edu_cache_name_ok()). */
static bool cache_name_ok(const char *name)
{
	size_t len = strnlen(name, EDU_CACHE_NAME_LEN), i;

	if (!len || len == EDU_CACHE_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!name_char_ok(name[i]))
			return false;
	return true;
}

/*
 * Only debug caches can be damaged through EDU_IOC_OBJ_CORRUPT, and the
 * fuzzer damages them at random: before each EDU_IOC_CACHE_CREATE of a
 * debug cache its name is announced to scripts/logcheck (once per name),
 * so the module's reports about it are expected.  @cc is the argument
 * where the kernel will read it, @w the same bytes writable.  A cache that
 * cannot be announced distinctly loses its checks instead, so it cannot be
 * damaged: one named after a kmalloc class (the announcement would excuse
 * the real class too), and one whose announcement failed (failslab).
 */
static void announce_cache(const struct edu_cache_create *cc,
			   struct edu_cache_create *w)
{
	static char done[64][EDU_CACHE_NAME_LEN];
	static unsigned int nr_done;
	unsigned int i;

	if (!(cc->flags & DEBUG_CHECKS) || !cache_name_ok(cc->name))
		return;
	for (i = 0; i < nr_done; i++)
		if (!strcmp(done[i], cc->name))
			return;
	if (strncmp(cc->name, "kmalloc-", 8) &&
	    !edu_announce_damage(cc->name)) {
		if (nr_done < ARRAY_SIZE(done))
			strcpy(done[nr_done++], cc->name);
		return;
	}
	w->flags &= ~(__u64)DEBUG_CHECKS;
}

/* -------------------------------------------------- the commands -- */

struct cmd {
	const char *name;
	unsigned long nr;
	size_t size;
	size_t res_off;		/* reserved words; res_n 0: input unchecked */
	size_t res_n;
	void (*build)(void *arg);
};

/* An inner pointer of a kind other than INNER: NULL, unmapped, read-only... */
static __u64 odd_inner(const void *src, size_t len)
{
	return (uintptr_t)place(1 + rnd(NR_PTR_KINDS - 1), src, len);
}

static void build_info(void *p)
{
	struct edu_info *in = p;

	switch (rnd(4)) {
	case 0:		/* no set: the facts only */
		break;
	case 1:
		in->pool_node_mask = (uintptr_t)INNER;
		in->pool_node_bits = 1 + rnd(2 * info.node_ids + 64);
		break;
	case 2:
		in->pool_node_mask = (uintptr_t)INNER;
		in->pool_node_bits = interesting();
		break;
	default:
		in->pool_node_mask = odd_inner(in, 0);
		in->pool_node_bits = 1 + rnd(EDU_MASK_MAX_BITS);
	}
}

static void build_page_alloc(void *p)
{
	struct edu_page_alloc *a = p;

	a->node = any_node();
	a->order = rnd(4) ? rnd(EDU_NR_ORDERS) : interesting();
	a->flags = rnd(4) ? rnd(8) : interesting();
}

static void build_handle(void *p)
{
	struct edu_handle_arg *h = p;

	h->handle = any_handle();
}

/* A vector of batch ops (in big, or at a bad place). */
static __u64 ops_vector(__u64 nr)
{
	struct edu_page_op op;
	__u64 i, max = 4096;	/* the rest: whatever is there */
	unsigned char *v;

	if (rnd(6))
		goto valid;
	return (uintptr_t)place(pick_ptr_kind(), &op, 0);
valid:
	v = INNER;
	for (i = 0; i < nr && i < max; i++) {
		memset(&op, 0, sizeof(op));
		op.op = rnd(8) ? 1 + rnd(2) : interesting();
		op.node = any_node();
		op.order = rnd(4) ? rnd(EDU_NR_ORDERS) : interesting();
		op.flags = rnd(4) ? 0 : interesting();
		op.handle = op.op == EDU_OP_FREE || !rnd(8) ? any_handle() : 0;
		if (!rnd(16))
			op.result = interesting();
		if (!rnd(16))
			op.reserved = interesting();
		memcpy(v + i * sizeof(op), &op, sizeof(op));
	}
	return (uintptr_t)v;
}

static __u64 small_count(void)
{
	return rnd(4) ? 1 + rnd(64) : interesting();
}

static void build_page_batch(void *p)
{
	struct edu_page_batch *b = p;

	b->nr_ops = small_count();
	b->flags = rnd(4) ? rnd(4) : interesting();
	if (b->flags & EDU_BATCH_RANDOM) {
		b->seed = r64();
		b->max_order = rnd(4) ? rnd(EDU_NR_ORDERS) : interesting();
		b->alloc_pct = rnd(4) ? 1 + rnd(100) : interesting();
		b->node = any_node();
		b->alloc_flags = rnd(4) ? rnd(8) : interesting();
	}
	b->ops = ops_vector(b->nr_ops);
}

static void build_drain(void *p)
{
	struct edu_drain_arg *d = p;

	d->node = any_node();
}

static void build_node_stats(void *p)
{
	struct edu_node_stats *s = p;

	s->node = any_node();
}

static void build_cache_create(void *p)
{
	static const char *const names[] = {
		"fuzz", "a", "with space", "slash/name", "", "kmalloc-64",
		"0123456789012345678901234567890",
	};
	struct edu_cache_create *c = p;

	if (rnd(8)) {
		snprintf(c->name, sizeof(c->name), "%s",
			 names[rnd(ARRAY_SIZE(names))]);
	} else {
		unsigned int i;

		for (i = 0; i < sizeof(c->name); i++)
			c->name[i] = r64();
	}
	c->size = rnd(3) ? 1 + rnd(5000) : interesting();
	c->align = rnd(3) ? (rnd(2) ? 0 : 1ULL << rnd(14)) : interesting();
	c->flags = rnd(3) ? rnd(16) : interesting();
	c->node = any_node();
}

static void build_obj_alloc(void *p)
{
	struct edu_obj_alloc *a = p;

	if (rnd(2))
		a->cache_id = any_handle();
	else
		a->size = rnd(3) ? 1 + rnd(10000) : interesting();
	a->node = any_node();
}

static void build_obj_batch(void *p)
{
	struct edu_obj_batch *b = p;
	__u64 i;

	b->nr = small_count();
	b->op = rnd(8) ? 1 + rnd(2) : interesting();
	if (b->op == EDU_OP_ALLOC) {
		if (rnd(2))
			b->cache_id = any_handle();
		else
			b->size = rnd(3) ? 1 + rnd(10000) : interesting();
	}
	if (rnd(6)) {
		__u64 *h = (__u64 *)INNER;

		for (i = 0; i < b->nr && i < 4096; i++)
			h[i] = any_handle();
		b->handles = (uintptr_t)h;
	} else {
		b->handles = (uintptr_t)place(pick_ptr_kind(), &i, 0);
	}
}

static void build_obj_rw(void *p)
{
	struct edu_obj_rw *rw = p;

	rw->handle = any_handle();
	rw->offset = rnd(2) ? rnd(64) : interesting();
	rw->len = rnd(2) ? rnd(4096) : interesting();
	rw->buf = rnd(2) ? (uintptr_t)INNER :
		  (uintptr_t)place(pick_ptr_kind(), &rw, 0);
}

static void build_obj_info(void *p)
{
	struct edu_obj_info *oi = p;

	oi->handle = any_handle();
}

static void build_corrupt(void *p)
{
	struct edu_corrupt_arg *c = p;

	c->handle = any_handle();
	c->kind = rnd(4) ? 1 + rnd(5) : interesting();
	c->cache_id = rnd(2) ? 0 : any_handle();
}

/*
 * Small valid runs only: a valid 2^24 x 64 benchmark would take hours under
 * KASAN and TCG (the bench test checks that such a run stops when killed).
 */
static __u64 bench_count(__u64 max)
{
	switch (rnd(6)) {
	case 0:
		return 0;
	case 1:
		return max + 1;
	case 2:
		return -1ULL;
	default:
		return 1 + rnd(max < 64 ? max : 64);
	}
}

static void build_bench(void *p)
{
	struct edu_bench *b = p;

	b->workload = rnd(10);
	b->impl = rnd(8) ? rnd(2) : interesting();
	__u64 *set = (__u64 *)INNER;

	set[0] = rnd(4) ? 1 + rnd(15) : interesting();
	set[1] = rnd(4) ? 0 : interesting();
	b->cpu_mask = rnd(8) ? (uintptr_t)set : odd_inner(set, 16);
	b->cpu_bits = rnd(4) ? 1 + rnd(128) : interesting();
	b->iterations = bench_count(EDU_BENCH_MAX_ITER);
	b->repeats = bench_count(4);
	b->size = rnd(2) ? rnd(EDU_NR_ORDERS) : 1 + rnd(5000);
	b->batch = rnd(2) ? 0 : bench_count(EDU_BENCH_MAX_BATCH);
}

static void build_area_create(void *p)
{
	struct edu_area_create *c = p;

	c->pages = rnd(4) ? 1 + rnd(64) : interesting();
	c->policy = rnd(8) ? rnd(EDU_AREA_NR_POLICIES) : interesting();
	c->node = c->policy == EDU_AREA_POLICY_NODE || !rnd(8) ? any_node() : 0;
	c->flags = rnd(8) ? 0 : interesting();
	c->fd = rnd(8) ? 0 : interesting();
}

static void build_area_info(void *p)
{
	struct edu_area_info *ai = p;

	ai->handle = any_handle();
	ai->page = rnd(4) ? rnd(64) : interesting();
}

/*
 * The damage below may turn counts back into valid large ones: a benchmark
 * of 10^7 ops runs for a quarter of an hour on the debug kernel (one held a
 * check-debug run past its timeout), a random batch of 65536 page ops for a
 * minute.  Valid counts are made small again, invalid ones stay.
 */
static void keep_short(unsigned long nr, void *arg)
{
	struct edu_page_batch *pb = arg;
	struct edu_obj_batch *ob = arg;
	struct edu_bench *b = arg;

	if (nr == EDU_IOC_BENCH) {
		if (b->iterations > 64 && b->iterations <= EDU_BENCH_MAX_ITER)
			b->iterations = 1 + rnd(64);
		if (b->repeats > 4 && b->repeats <= EDU_BENCH_MAX_REPEATS)
			b->repeats = 1 + rnd(4);
	} else if (nr == EDU_IOC_PAGE_BATCH) {
		if (pb->nr_ops > 4096 && pb->nr_ops <= EDU_BATCH_MAX)
			pb->nr_ops = 1 + rnd(4096);
	} else if (nr == EDU_IOC_OBJ_BATCH) {
		if (ob->nr > 4096 && ob->nr <= EDU_BATCH_MAX)
			ob->nr = 1 + rnd(4096);
	}
}

/* ---------------------------------------------------------- watchdog -- */

static double mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void wd_begin(const char *what, unsigned long nr, const void *words,
		     size_t size, const char *kind)
{
	wd.what = what;
	wd.nr = nr;
	wd.nr_words = size / 8 < WD_WORDS ? size / 8 : WD_WORDS;
	memcpy(wd.words, words, wd.nr_words * 8);
	wd.kind = kind;
	wd.start = mono_seconds();
	__atomic_store_n(&wd.seq, calls + 1, __ATOMIC_RELEASE);
}

static void wd_end(void)
{
	double t = mono_seconds() - wd.start;

	__atomic_store_n(&wd.seq, 0, __ATOMIC_RELEASE);
	if (t > longest) {
		longest = t;
		longest_what = wd.what;
	}
}

static void *wd_thread_fn(void *arg)
{
	long timeout = (long)arg;
	char path[64], line[256];
	unsigned long seq;
	unsigned int i;
	FILE *f;

	for (;;) {
		sleep(1);
		seq = __atomic_load_n(&wd.seq, __ATOMIC_ACQUIRE);
		if (!seq || mono_seconds() - wd.start < timeout)
			continue;
		printf("# call %lu (%s %#lx, argument %s) still running after %ld s\n",
		       seq, wd.what, wd.nr, wd.kind, timeout);
		for (i = 0; i < wd.nr_words; i++)
			printf("#   word %2u: %#llx\n", i,
			       (unsigned long long)wd.words[i]);
		snprintf(path, sizeof(path), "/proc/self/task/%d/stack",
			 main_tid);
		f = fopen(path, "r");
		printf("# kernel stack of the call:\n");
		while (f && fgets(line, sizeof(line), f))
			printf("#   %s", line);
		if (f)
			fclose(f);
		printf("Bail out! a call did not return (EDU_FUZZ_SEED=%llu)\n",
		       (unsigned long long)seed);
		fflush(stdout);
		_exit(KSFT_FAIL);
	}
	return NULL;
}

#define CMD(c, type, fn, n)						\
	{ #c, c, sizeof(type), offsetof(type, reserved) / 8, n, fn }
#define RES(type)	(sizeof(((type *)0)->reserved) / 8)

static const struct cmd cmds[] = {
	CMD(EDU_IOC_INFO, struct edu_info, build_info, RES(struct edu_info)),
	CMD(EDU_IOC_PAGE_ALLOC, struct edu_page_alloc, build_page_alloc,
	    RES(struct edu_page_alloc)),
	CMD(EDU_IOC_PAGE_FREE, struct edu_handle_arg, build_handle,
	    RES(struct edu_handle_arg)),
	CMD(EDU_IOC_PAGE_BATCH, struct edu_page_batch, build_page_batch,
	    RES(struct edu_page_batch)),
	CMD(EDU_IOC_PCP_DRAIN, struct edu_drain_arg, build_drain,
	    RES(struct edu_drain_arg)),
	CMD(EDU_IOC_NODE_STATS, struct edu_node_stats, build_node_stats,
	    RES(struct edu_node_stats)),
	CMD(EDU_IOC_CACHE_CREATE, struct edu_cache_create, build_cache_create,
	    RES(struct edu_cache_create)),
	CMD(EDU_IOC_CACHE_DESTROY, struct edu_handle_arg, build_handle,
	    RES(struct edu_handle_arg)),
	CMD(EDU_IOC_OBJ_ALLOC, struct edu_obj_alloc, build_obj_alloc,
	    RES(struct edu_obj_alloc)),
	CMD(EDU_IOC_OBJ_FREE, struct edu_handle_arg, build_handle,
	    RES(struct edu_handle_arg)),
	CMD(EDU_IOC_OBJ_BATCH, struct edu_obj_batch, build_obj_batch,
	    RES(struct edu_obj_batch)),
	CMD(EDU_IOC_OBJ_READ, struct edu_obj_rw, build_obj_rw,
	    RES(struct edu_obj_rw)),
	CMD(EDU_IOC_OBJ_WRITE, struct edu_obj_rw, build_obj_rw,
	    RES(struct edu_obj_rw)),
	CMD(EDU_IOC_OBJ_INFO, struct edu_obj_info, build_obj_info,
	    RES(struct edu_obj_info)),
	CMD(EDU_IOC_OBJ_CORRUPT, struct edu_corrupt_arg, build_corrupt,
	    RES(struct edu_corrupt_arg)),
	CMD(EDU_IOC_BENCH, struct edu_bench, build_bench,
	    RES(struct edu_bench)),
	CMD(EDU_IOC_AREA_CREATE, struct edu_area_create, build_area_create,
	    RES(struct edu_area_create)),
	CMD(EDU_IOC_AREA_INFO, struct edu_area_info, build_area_info,
	    RES(struct edu_area_info)),
	CMD(EDU_IOC_AREA_DESTROY, struct edu_handle_arg, build_handle,
	    RES(struct edu_handle_arg)),
};

/* mmap() offsets of the areas created (a small ring). */
static __u64 area_offs[64];
static unsigned int nr_area_offs;

/*
 * The walker's commands are not generated here (edualloc_walk_test covers
 * their bad input), but a mutated number may hit one: it is then a real
 * command, not an unknown one, and its answer is not judged.
 */
static const unsigned long other_cmds[] = {
	EDU_IOC_WALK, EDU_IOC_WALK_RANGE, EDU_IOC_VMA_LIST, EDU_IOC_LAYOUT,
	EDU_IOC_PFN_INFO, EDU_IOC_KWALK,
};

static bool known_cmd(unsigned long nr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmds[i].nr == nr)
			return true;
	for (i = 0; i < ARRAY_SIZE(other_cmds); i++)
		if (other_cmds[i] == nr)
			return true;
	return false;
}

/* A command number near @c: another size, direction, number or magic. */
static unsigned long mutate_cmd(unsigned long c, size_t size)
{
	static const unsigned long bad_sizes[] = { 0, 1, (1 << 14) - 1 };
	unsigned int dir = _IOC_DIR(c), type = _IOC_TYPE(c), nr = _IOC_NR(c);
	unsigned long sz = size;

	switch (rnd(5)) {
	case 0:
		switch (rnd(4)) {
		case 0:
			sz = size - 1;
			break;
		case 1:
			sz = size + 1;
			break;
		case 2:
			sz = page_size + 1;
			break;
		default:
			sz = bad_sizes[rnd(ARRAY_SIZE(bad_sizes))];
		}
		break;
	case 1:
		dir = rnd(4);
		break;
	case 2:
		nr = rnd(256);
		break;
	case 3:
		type = rnd(4) ? EDU_IOC_MAGIC ^ (1 << rnd(8)) : rnd(256);
		break;
	default:
		return r64() & 0xffffffff;
	}
	return _IOC(dir, type, nr, sz & _IOC_SIZEMASK);
}

static void count_errno(int err)
{
	errno_count[err <= MAX_ERRNO ? err : MAX_ERRNO]++;
}

static void violation(const char *what, const char *name, int err,
		      const char *ptr)
{
	if (violations++ < 20)
		ksft_print_msg("call %lu: %s %s (arg %s): got %s\n", calls,
			       what, name, ptr, err ? strerror(err) : "success");
}

/* Remember the handles a successful call produced. */
static void harvest(unsigned long nr, const void *arg)
{
	const struct edu_page_batch *pb = arg;
	const struct edu_obj_batch *ob = arg;
	const struct edu_page_op *op;
	const __u64 *h;
	__u64 i;

	switch (nr) {
	case EDU_IOC_PAGE_ALLOC:
		bank_add(((const struct edu_page_alloc *)arg)->handle);
		break;
	case EDU_IOC_CACHE_CREATE:
		bank_add(((const struct edu_cache_create *)arg)->cache_id);
		break;
	case EDU_IOC_OBJ_ALLOC:
		bank_add(((const struct edu_obj_alloc *)arg)->handle);
		break;
	case EDU_IOC_AREA_CREATE:
		bank_add(((const struct edu_area_create *)arg)->handle);
		area_offs[nr_area_offs++ % ARRAY_SIZE(area_offs)] =
			((const struct edu_area_create *)arg)->mmap_offset;
		break;
	case EDU_IOC_PAGE_BATCH:
		op = (const void *)(uintptr_t)pb->ops;
		if ((unsigned char *)op != INNER)
			break;
		for (i = 0; i < pb->done && i < 64; i++)
			if (op[i].op == EDU_OP_ALLOC && !op[i].result)
				bank_add(op[i].handle);
		break;
	case EDU_IOC_OBJ_BATCH:
		h = (const void *)(uintptr_t)ob->handles;
		if (ob->op != EDU_OP_ALLOC ||
		    (unsigned char *)h != INNER)
			break;
		for (i = 0; i < ob->done && i < 64; i++)
			bank_add(h[i]);
		break;
	}
}

static void fuzz_ioctl(int fd)
{
	__u64 arg[(sizeof(struct edu_node_stats) + 64) / 8];	/* aligned */
	const struct cmd *c = &cmds[rnd(ARRAY_SIZE(cmds))];
	enum ptr_kind kind = pick_ptr_kind();
	unsigned long nr = c->nr;
	bool res_dirty = false;
	size_t words = c->size / 8, i, n;
	__u64 *w = arg;
	void *p;
	int err;

	memset(arg, 0, sizeof(arg));
	c->build(arg);
	/* A few damaged words, anywhere in the structure. */
	n = rnd(3) ? 0 : 1 + rnd(3);
	for (i = 0; i < n; i++)
		w[rnd(words)] = interesting();
	if (c->res_n && !rnd(8))
		w[c->res_off + rnd(c->res_n)] = interesting() ?: 1;
	for (i = 0; i < c->res_n; i++)
		if (w[c->res_off + i])
			res_dirty = true;
	if (!rnd(8))
		nr = mutate_cmd(nr, c->size);
	keep_short(nr, arg);

	p = place(kind, arg, c->size);
	/* Where the kernel can read all of it (else EFAULT, no cache). */
	if (nr == EDU_IOC_CACHE_CREATE &&
	    (kind == PTR_VALID ||
	     (kind == PTR_RDONLY && c->size >= sizeof(struct edu_cache_create))))
		announce_cache(p, kind == PTR_VALID ? p :
			       (void *)(rw_alias + ((unsigned char *)p - ro_page)));
	wd_begin(c->name, nr, arg, c->size, ptr_names[kind]);
	err = ioctl(fd, nr, p) ? errno : 0;
	wd_end();
	calls++;
	count_errno(err);

	if (!known_cmd(nr)) {
		if (err != ENOTTY)
			violation("unknown command", c->name, err,
				  ptr_names[kind]);
		return;
	}
	/* Mutated onto another real command: c's rules do not apply. */
	if (nr != c->nr)
		return;
	if (!readable(kind, c->size)) {
		if (err != EFAULT)
			violation("unreadable argument", c->name, err,
				  ptr_names[kind]);
		return;
	}
	if (res_dirty && err != EINVAL &&
	    !(nr == EDU_IOC_NODE_STATS && err == ENOENT))
		violation("non-zero reserved word", c->name, err,
			  ptr_names[kind]);
	else if (nr == EDU_IOC_INFO && kind != PTR_VALID &&
		 err != EFAULT && err != EINVAL)
		violation("unwritable argument", c->name, err,
			  ptr_names[kind]);
	if (!err && kind == PTR_VALID)
		harvest(nr, big);
}

static sigjmp_buf bus_jmp;
static unsigned long sigbus;	/* touches of an area with no page left */

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

/* Not inlined into its caller: a function that calls sigsetjmp() is not. */
static void touch_mapping(unsigned char *m, size_t len, int prot)
{
	if (sigsetjmp(bus_jmp, 1)) {
		sigbus++;
		return;
	}
	if (prot & PROT_READ)
		touched += m[len - 1];
	if ((prot & PROT_WRITE) && rnd(2))
		m[0] = 0x5a;
}

static void fuzz_mmap(int fd)
{
	static const int prots[] = {
		PROT_READ | PROT_WRITE, PROT_READ, PROT_WRITE, PROT_NONE,
		PROT_READ | PROT_EXEC,
	};
	size_t len;
	off_t off;
	int flags, prot;
	unsigned char *m;

	switch (rnd(5)) {
	case 0:
		off = r64() & ~(page_size - 1);
		break;
	case 1:
		off = interesting() & ~(page_size - 1);
		break;
	case 2:		/* an area, from a page before it to well past it */
		off = (bank_pick() + rnd(3) - 1) * page_size;
		if (nr_area_offs)
			off = area_offs[rnd(nr_area_offs < ARRAY_SIZE(area_offs) ?
					    nr_area_offs : ARRAY_SIZE(area_offs))] +
			      ((long)rnd(66) - 1) * page_size;
		break;
	default:
		off = (bank_pick() + rnd(3) - 1) * page_size;
	}
	if (off < 0)
		off &= 0x7fffffffffffffffLL & ~(page_size - 1);
	len = rnd(3) ? page_size << rnd(EDU_NR_ORDERS) : interesting();
	if (!rnd(4))
		len += ((long)rnd(3) - 1) * page_size;
	if (len > (64UL << 20))
		len = rnd(2) ? len : 0;
	flags = rnd(4) || shared_only ? MAP_SHARED : MAP_PRIVATE;
	prot = prots[rnd(ARRAY_SIZE(prots))];
	{
		__u64 w[3] = { off, prot, flags };

		wd_begin("mmap", len, w, sizeof(w), "length");
	}
	m = mmap(NULL, len, prot, flags, fd, off);
	mmaps++;
	calls++;
	count_errno(m == MAP_FAILED ? errno : 0);
	if (m == MAP_FAILED) {
		wd_end();
		return;
	}
	/*
	 * Touch it where we may (a private write copies); split it.  A page
	 * of an area faults in, or is SIGBUS when the pools are empty.
	 */
	touch_mapping(m, len, prot);
	if (len > (size_t)page_size && rnd(2))
		munmap(m + page_size, page_size);
	munmap(m, len);
	wd_end();
}

/* ----------------------------------------------------------- checks -- */

/* Shrink every slab cache, drain the lists, read buddyinfo. */
static int settle(int fd, char *buddyinfo, size_t size)
{
	if (edu_settle(fd) && errno != ENOENT)
		return -1;
	return edu_read_text(EDU_DBG_DIR "/buddyinfo", buddyinfo, size) > 0 ? 0 : -1;
}

/*
 * Found by this fuzzer, kept as a fixed case: EDU_IOC_OBJ_CORRUPT must
 * refuse a non-zero reserved word also when @cache_id is non-zero (the
 * check's || and ?: once let it through).  0 or the errno of the call.
 * The caches are not announced: damage to them would be a bug.
 */
static int corrupt_reserved(void)
{
	struct edu_cache_create c1 = { .name = "fuzz_rz", .size = 64,
				       .flags = EDU_CACHE_DEBUG,
				       .node = EDU_NODE_LOCAL };
	struct edu_cache_create c2 = { .name = "fuzz_rz2", .size = 64,
				       .flags = EDU_CACHE_DEBUG,
				       .node = EDU_NODE_LOCAL };
	struct edu_obj_alloc oa = { .node = EDU_NODE_LOCAL };
	struct edu_corrupt_arg ca = { .kind = EDU_CORRUPT_REDZONE,
				      .reserved = { 1 } };
	int fd, err = -1;

	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (!ioctl(fd, EDU_IOC_CACHE_CREATE, &c1) &&
	    !ioctl(fd, EDU_IOC_CACHE_CREATE, &c2)) {
		oa.cache_id = c1.cache_id;
		if (!ioctl(fd, EDU_IOC_OBJ_ALLOC, &oa)) {
			ca.handle = oa.handle;
			ca.cache_id = c2.cache_id;
			err = ioctl(fd, EDU_IOC_OBJ_CORRUPT, &ca) ? errno : 0;
		}
	}
	close(fd);
	return err;
}

static int setup_memory(void)
{
	unsigned char *m, vec;
	unsigned long i;
	int mfd;

	big = mmap(NULL, BIG_BYTES + page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED ||
	    mprotect(big + BIG_BYTES, page_size, PROT_NONE))
		return -1;
	m = mmap(NULL, 4 * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED || m == MAP_FAILED)
		return -1;
	straddle = m;
	none_page = m + page_size;
	if (mprotect(none_page, page_size, PROT_NONE) ||
	    munmap(m + 2 * page_size, 2 * page_size))
		return -1;
	/* Far from where mmap() puts things: nothing will land there. */
	unmapped = (unsigned char *)0x3f0000000000UL;
	if (!mincore(unmapped, page_size, &vec) ||
	    errno != ENOMEM)
		return -1;
	canary = mmap(NULL, CANARY_BYTES, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (canary == MAP_FAILED)
		return -1;
	for (i = 0; i < CANARY_BYTES; i++)
		canary[i] = i * 131 + 7;
	mfd = syscall(SYS_memfd_create, "edualloc_fuzz", 0);
	if (mfd < 0 || ftruncate(mfd, page_size))
		return -1;
	rw_alias = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			mfd, 0);
	/*
	 * The read-only view with a PROT_NONE page after it: a zero-length
	 * "read-only" inner pointer is its end, where the kernel may write up
	 * to megabytes.  Without the guard that was whatever mmap() had put
	 * above it (once ld.so's data, which the kernel then overwrote).
	 */
	m = mmap(NULL, 2 * page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	ro_page = m == MAP_FAILED ? m :
		  mmap(m, page_size, PROT_READ, MAP_SHARED | MAP_FIXED, mfd, 0);
	close(mfd);
	return rw_alias == MAP_FAILED || ro_page == MAP_FAILED ? -1 : 0;
}

static unsigned long long env_or(const char *arg, const char *env,
				 unsigned long long dflt)
{
	const char *v = arg ? arg : getenv(env);

	return v && *v ? strtoull(v, NULL, 0) : dflt;
}

int main(int argc, char **argv)
{
	static char bi0[16384], bi1[16384];
	struct timespec t0, t1;
	unsigned long ncalls, i;
	pthread_t wd_thread;
	long timeout;
	int fd, e, ok;

	/* The seed line must get out even if a call never returns. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGBUS, on_sigbus);
	seed = env_or(argc > 1 ? argv[1] : NULL, "EDU_FUZZ_SEED",
		      time(NULL) ^ getpid());
	ncalls = env_or(argc > 2 ? argv[2] : NULL, "EDU_FUZZ_CALLS", 20000);
	timeout = env_or(NULL, "EDU_FUZZ_CALL_TIMEOUT", 120);
	rng = seed ?: 1;
	shared_only = getenv("EDU_FUZZ_SHARED_ONLY") &&
		      !strcmp(getenv("EDU_FUZZ_SHARED_ONLY"), "1");
	page_size = sysconf(_SC_PAGESIZE);

	ksft_print_header();
	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		ksft_exit_skip(DEV_PATH ": %s (module not loaded?)\n",
			       strerror(errno));
	if (access(EDU_DBG_DIR "/buddyinfo", R_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	nr_pool_nodes = edu_pool_nodes(fd, &info, pool_nodes, MAX_NODES);
	if (nr_pool_nodes < 0)
		ksft_exit_fail_msg("EDU_IOC_INFO: %s\n", strerror(errno));
	if (setup_memory())
		ksft_exit_fail_msg("memory setup: %s\n", strerror(errno));
	if (settle(fd, bi0, sizeof(bi0)))
		ksft_exit_skip("no " EDU_DBG_DIR "/buddyinfo\n");
	ksft_set_plan(6);
	ksft_print_msg("fuzz: seed %llu, %lu calls (EDU_FUZZ_SEED=%llu to replay)\n",
		       (unsigned long long)seed, ncalls,
		       (unsigned long long)seed);

	main_tid = syscall(SYS_gettid);
	errno = pthread_create(&wd_thread, NULL, wd_thread_fn, (void *)timeout);
	if (errno)
		ksft_exit_fail_msg("watchdog thread: %s\n", strerror(errno));
	for (i = 0; i < NR_FDS; i++)
		fds[i] = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (calls < ncalls) {
		int slot = rnd(NR_FDS);

		if (fds[slot] < 0 || !rnd(200)) {
			/* Everything it owns goes; its handles stay banked. */
			if (fds[slot] >= 0)
				close(fds[slot]);
			fds[slot] = open(DEV_PATH, O_RDWR | O_CLOEXEC);
			if (fds[slot] < 0)
				ksft_exit_fail_msg("reopen: %s\n",
						   strerror(errno));
		}
		if (rnd(8))
			fuzz_ioctl(fds[slot]);
		else
			fuzz_mmap(fds[slot]);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0; i < NR_FDS; i++)
		close(fds[i]);
	for (i = 0; i < CANARY_BYTES; i++)
		if (canary[i] != (unsigned char)(i * 131 + 7))
			break;
	if (i < CANARY_BYTES)
		printf("# canary changed at offset %#lx: our memory was written\n",
		       i);
	ksft_test_result(i == CANARY_BYTES, "process_memory_intact\n");

	ksft_print_msg("fuzz: %lu calls, seed %llu, %.1f s (%lu mmap, %lu SIGBUS)\n",
		       calls, (unsigned long long)seed,
		       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9,
		       mmaps, sigbus);
	ksft_print_msg("fuzz: longest call %.2f s (%s)\n", longest,
		       longest_what ?: "none");
	for (e = 0; e <= MAX_ERRNO; e++)
		if (errno_count[e])
			ksft_print_msg("  %-8s %6lu  %s\n",
				       e ? (e == MAX_ERRNO ? ">=max" :
					    strerrorname_np(e) ?: "?") : "OK",
				       errno_count[e], e ? strerror(e) : "");
	ksft_test_result(!violations, "abi_rules_hold (%lu violations)\n",
			 violations);

	{
		struct edu_info in = { 0 };

		ok = !ioctl(fd, EDU_IOC_INFO, &in) &&
		     in.abi_version == EDU_ABI_VERSION;
	}
	ksft_test_result(ok, "info_still_works\n");
	{
		struct edu_page_alloc a = { .node = EDU_NODE_LOCAL, .order = 3 };
		struct edu_obj_alloc oa = { .size = 100,
					    .node = EDU_NODE_LOCAL };
		struct edu_handle_arg h = { 0 };

		ok = !ioctl(fd, EDU_IOC_PAGE_ALLOC, &a);
		h.handle = a.handle;
		ok = ok && !ioctl(fd, EDU_IOC_PAGE_FREE, &h);
		ok = ok && !ioctl(fd, EDU_IOC_OBJ_ALLOC, &oa);
		h.handle = oa.handle;
		ok = ok && !ioctl(fd, EDU_IOC_OBJ_FREE, &h);
	}
	ksft_test_result(ok, "alloc_free_still_work\n");

	e = corrupt_reserved();
	ksft_test_result(e == EINVAL,
			 "corrupt_refuses_reserved_with_cache_id (%s)\n",
			 e > 0 ? strerror(e) : e ? "setup failed" : "accepted");

	ok = !settle(fd, bi1, sizeof(bi1)) && !strcmp(bi0, bi1);
	if (!ok)
		ksft_print_msg("buddyinfo before:\n%s# after:\n%s", bi0, bi1);
	ksft_test_result(ok, "buddyinfo_restored\n");
	close(fd);
	ksft_finished();
}
