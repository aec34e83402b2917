// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the slab layer (module/slab.c, slab_cpu.c, slab_debug.c,
 * kmalloc.c, compiled unchanged on the buddy core of buddy.c and pcp.c).
 * Single-threaded steps run on the allocator and the test's model at once,
 * each followed by every check of slab_harness.c; the threaded tests check
 * what can be checked while everything moves (no object handed out twice,
 * none written by anyone but its owner, the lock rules) and the counters,
 * the caches and the pools once all threads are done.
 *
 *   slab_test [-s seed] [-n steps] [-T threads] [-o ops] [test...]
 *
 * Output is TAP-like: "ok N - name" or "not ok N - name" per test.
 */
#include <getopt.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "slab_harness.h"

static unsigned long opt_seed = 1;
static unsigned long opt_steps = 3000;	/* per seed of model_random */
static int opt_threads = 8;
static unsigned long opt_ops = 100000;	/* per thread */

static bool check(bool cond, const char *what)
{
	return cond || host_fail("%s", what);
}

/* Index in w->objs of the object at @ptr. */
static unsigned long obj_index(struct sm_world *w, void *ptr)
{
	unsigned int i;

	for (i = 0; i < w->nr_objs; i++)
		if (w->objs[i].ptr == ptr)
			return i;
	host_fail("test: object %p not held", ptr);
	return 0;
}

static unsigned long cache_pick(struct sm_world *w, struct sm_cache *mc)
{
	return mc - w->caches;
}

/* One step of @kind on @cpu with @pick and @count, all checks after it. */
static bool op(struct sm_world *w, enum sm_op_kind kind, int cpu,
	       unsigned long pick, unsigned int count)
{
	struct sm_op op = {
		.kind = kind, .cpu = cpu, .pick = pick, .count = count,
		.nid = NUMA_NO_NODE,
	};

	return sm_step(w, &op);
}

/* A new user cache, or NULL. */
static struct sm_cache *op_create(struct sm_world *w, unsigned int size,
				  unsigned int align, unsigned int flags)
{
	struct sm_op op = {
		.kind = SM_CREATE, .size = size, .align = align,
		.flags = flags, .nid = NUMA_NO_NODE,
	};
	struct edu_cache *best = NULL;
	unsigned int i;

	if (!sm_step(w, &op))
		return NULL;
	for (i = SM_NR_KMALLOC; i < SM_MAX_CACHES; i++)
		if (w->caches[i].c &&
		    (!best || w->caches[i].c->gid > best->gid))
			best = w->caches[i].c;
	return sm_cache_of(w, best);
}

static bool op_alloc(struct sm_world *w, int cpu, struct sm_cache *mc,
		     unsigned int count)
{
	return op(w, SM_ALLOC, cpu, cache_pick(w, mc), count);
}

/* Shrink, validate or destroy @mc. */
static bool op_cache(struct sm_world *w, enum sm_op_kind kind,
		     struct sm_cache *mc)
{
	unsigned long pick = cache_pick(w, mc);

	/* Destroy picks among the user caches only. */
	return op(w, kind, 0, kind == SM_DESTROY ? pick - SM_NR_KMALLOC : pick,
		  0);
}

static bool op_corrupt(struct sm_world *w, enum sm_corrupt how,
		       unsigned long pick, unsigned long pick2)
{
	struct sm_op op = {
		.kind = SM_CORRUPT, .how = how, .pick = pick, .pick2 = pick2,
	};

	return sm_step(w, &op);
}

static bool world(struct sm_world *w)
{
	struct model_cfg cfg;

	sm_cfg_default(&cfg);
	if (sm_world_init(w, &cfg, 4096))
		return host_fail("setup of the pools failed");
	w->full_every = 1;
	return true;
}

static bool world_end(struct sm_world *w, bool ok)
{
	ok = ok && sm_world_finish(w);
	sm_world_destroy(w);
	return ok;
}

/* ---- deterministic tests ---- */

/* Parameters refused; layouts within their rules; the classes. */
static bool test_layout(void)
{
	static const unsigned int sizes[] = {
		1, 7, 8, 24, 100, 256, 1000, 2048, 3000, 4096, 5000, 65536,
		1 << 20,
	};
	struct sm_world w;
	struct sm_cache *mc;
	unsigned int i, f;
	size_t size;
	bool ok = world(&w);

	w.full_every = 0;
	ok = ok && check(IS_ERR(edu_cache_create("x", 0, 0, 0, -1, false)),
			 "size 0 accepted") &&
	     check(IS_ERR(edu_cache_create("x", 16, 24, 0, -1, false)),
		   "alignment 24 accepted") &&
	     check(IS_ERR(edu_cache_create("x", 16, 8192, 0, -1, false)),
		   "alignment above a page accepted") &&
	     check(IS_ERR(edu_cache_create("x", 16, 0, 0x10, -1, false)),
		   "unknown flag accepted") &&
	     check(IS_ERR(edu_cache_create("x", EDU_OBJ_MAX_SIZE + 1, 0, 0,
					   -1, false)),
		   "size above the maximum accepted");
	/* Two objects of each, freed, then the cache destroyed. */
	for (i = 0; ok && i < ARRAY_SIZE(sizes); i++) {
		for (f = 0; ok && f < 16; f += 5) {
			mc = op_create(&w, sizes[i],
				       i % 3 ? 0 : 64 << (i % 4), f);
			ok = mc && op_alloc(&w, 0, mc, 2) &&
			     op(&w, SM_FREE, 0, 0, 2) &&
			     op_cache(&w, SM_DESTROY, mc);
		}
	}
	/* Every size maps to its documented class. */
	for (size = 1; ok && size <= 8192; size++) {
		struct edu_cache *c = edu_kmalloc_cache(size);

		ok = check(c && c->size == sm_kmalloc_class(size),
			   "kmalloc size in the wrong class");
	}
	ok = ok && check(!edu_kmalloc_cache(0) && !edu_kmalloc_cache(8193),
			 "class for 0 or 8193 bytes");
	return world_end(&w, ok);
}

/* kmalloc of every kind of size, kfree, ksize. */
static bool test_kmalloc(void)
{
	static const size_t sizes[] = {
		1, 8, 9, 96, 97, 192, 193, 4096, 8192, 8193, 12288, 65536,
		PAGE_SIZE << EDU_MAX_ORDER, 0,
		(PAGE_SIZE << EDU_MAX_ORDER) + 1,
	};
	struct sm_world w;
	unsigned int i;
	bool ok = world(&w);

	for (i = 0; ok && i < ARRAY_SIZE(sizes); i++) {
		struct sm_op op = {
			.kind = SM_KMALLOC, .size = sizes[i],
			.nid = (int)(i % 3) - 1, .cpu = i % EDU_NR_CPUS,
		};

		ok = sm_step(&w, &op);
	}
	ok = ok && check(w.t_large == 4, "not 4 large blocks") &&
	     check(w.nr_objs == 13, "not 13 objects");
	edu_kfree(NULL);
	while (ok && w.nr_objs) {
		struct sm_op op = { .kind = SM_FREE, .how = 1 };

		ok = sm_step(&w, &op);
	}
	return world_end(&w, ok);
}

/* Destroy refuses while objects are live and names their count. */
static bool test_destroy_busy(void)
{
	struct sm_world w;
	struct sm_cache *mc = NULL;
	bool ok = world(&w) && (mc = op_create(&w, 72, 0, 0));

	ok = ok && op_alloc(&w, 0, mc, 37) && op_cache(&w, SM_DESTROY, mc) &&
	     check(w.t_ebusy == 1 && mc->c, "destroyed with live objects") &&
	     op(&w, SM_FREE, 0, 0, 36) && op_cache(&w, SM_DESTROY, mc) &&
	     check(w.t_ebusy == 2, "destroyed with a live object") &&
	     op(&w, SM_FREE, 0, 0, 1) && op_cache(&w, SM_DESTROY, mc) &&
	     check(!mc->c, "not destroyed when empty");
	return world_end(&w, ok);
}

static unsigned long err_total(struct edu_cache *c)
{
	unsigned long sum = 0;
	int k;

	for (k = 0; k < EDU_ERR_NR; k++)
		sum += atomic_long_read(&c->err[k]);
	return sum;
}

/*
 * A debug cache, a few objects; @kind damages one of them; then twice a
 * slab's worth of objects is allocated: a quarantined object must never
 * come back.  Every step has checked the model, including the patterns of
 * all the neighbours.
 */
static bool debug_case(unsigned int flags, enum sm_corrupt kind,
		       bool validate, const char *name)
{
	struct sm_world w;
	struct sm_cache *mc = NULL, *other = NULL;
	unsigned long before, k, pick2 = 9;
	void *victim;
	unsigned int i;
	bool ok = world(&w) &&
		  (other = op_create(&w, 40, 0, EDU_CACHE_DEBUG)) &&
		  (mc = op_create(&w, 40, 0, flags)) &&
		  op_alloc(&w, 0, mc, 9) && op_alloc(&w, 0, other, 2);

	if (!ok)
		return world_end(&w, false);
	/* The fifth object of @mc, between live neighbours. */
	victim = w.objs[4].ptr;
	k = obj_index(&w, victim);
	before = err_total(mc->c);
	if (kind == SM_BAD_WRONG_CACHE)
		pick2 = cache_pick(&w, other);
	if (kind == SM_BAD_FOREIGN)
		pick2 = cache_pick(&w, mc);
	ok = op_corrupt(&w, kind, k, pick2);
	if (ok && kind == SM_BAD_REDZONE)	/* found by validate or free */
		ok = validate ? op_cache(&w, SM_VALIDATE, mc) :
		     op(&w, SM_FREE, 0, obj_index(&w, victim), 1);
	if (ok && kind == SM_BAD_UAF && validate)
		ok = op_cache(&w, SM_VALIDATE, mc);
	/* A damaged object stays out; a merely refused free changes nothing. */
	for (i = 0; ok && i < 2 * mc->c->objects; i++) {
		ok = op_alloc(&w, 0, mc, 1);
		if (ok && (kind == SM_BAD_REDZONE || kind == SM_BAD_UAF) &&
		    w.objs[w.nr_objs - 1].ptr == victim &&
		    !(kind == SM_BAD_REDZONE && validate))
			ok = host_fail("%s: quarantined object handed out again",
				       name);
	}
	ok = ok && check(err_total(mc->c) == before + 1,
			 "not exactly one error counted") &&
	     op_cache(&w, SM_VALIDATE, mc);
	printf("# %s: \"%s\"\n", name, host_log_line(host_log_count() - 1));
	return world_end(&w, ok);
}

static bool test_debug_redzone(void)
{
	return debug_case(EDU_CACHE_RED_ZONE, SM_BAD_REDZONE, false,
			  "redzone found on free") &&
	       debug_case(EDU_CACHE_RED_ZONE | EDU_CACHE_POISON,
			  SM_BAD_REDZONE, true, "redzone found by validate");
}

static bool test_debug_uaf(void)
{
	return debug_case(EDU_CACHE_POISON, SM_BAD_UAF, false,
			  "use after free found on allocation") &&
	       debug_case(EDU_CACHE_POISON | EDU_CACHE_CONSISTENCY,
			  SM_BAD_UAF, true, "use after free found by validate");
}

static bool test_debug_double_free(void)
{
	return debug_case(EDU_CACHE_CONSISTENCY, SM_BAD_DOUBLE, false,
			  "double free") &&
	       debug_case(EDU_CACHE_DEBUG, SM_BAD_DOUBLE, false,
			  "double free, all checks");
}

static bool test_debug_wrong_cache(void)
{
	return debug_case(EDU_CACHE_CONSISTENCY, SM_BAD_WRONG_CACHE, false,
			  "wrong cache") &&
	       debug_case(0, SM_BAD_WRONG_CACHE, false,
			  "wrong cache, no debugging");
}

static bool test_debug_bad_ptr(void)
{
	return debug_case(EDU_CACHE_CONSISTENCY, SM_BAD_PTR, false,
			  "pointer into an object") &&
	       debug_case(EDU_CACHE_HARDENED, SM_BAD_PTR, false,
			  "pointer into an object, hardened") &&
	       debug_case(0, SM_BAD_FOREIGN, false, "pointer not in a slab");
}

/* A freelist pointer damaged in a free object, found when followed. */
static bool test_debug_freelist(void)
{
	unsigned int flags[] = {
		EDU_CACHE_CONSISTENCY | EDU_CACHE_HARDENED,
		EDU_CACHE_RED_ZONE | EDU_CACHE_HARDENED,
	};
	unsigned int f, i;
	bool ok = true;

	for (f = 0; ok && f < ARRAY_SIZE(flags); f++) {
		struct sm_world w;
		struct sm_cache *mc = NULL;
		unsigned long logs;
		void *victim;

		ok = world(&w) && (mc = op_create(&w, 64, 0, flags[f])) &&
		     op_alloc(&w, 0, mc, 6);
		if (!ok)
			return world_end(&w, false);
		/* edu_debug_corrupt() frees it and damages its pointer. */
		victim = w.objs[3].ptr;
		w.objs[3] = w.objs[--w.nr_objs];
		mc->live--;
		mc->frees++;
		logs = host_log_count();
		edu_debug_corrupt(mc->c, victim, EDU_CORRUPT_FREELIST, NULL);
		/* Popping it finds the damage: quarantined, never reused. */
		for (i = 0; ok && i < mc->c->objects; i++) {
			void *p = edu_cache_alloc(mc->c, NUMA_NO_NODE);

			ok = check(p && p != victim,
				   "damaged object handed out again");
			if (ok)
				edu_cache_free(mc->c, p);
			if (ok && !i)
				ok = check(atomic_long_read(&mc->c->err[EDU_ERR_FREELIST]) == 1,
					   "damaged pointer not found") &&
				     sm_log_has(logs, ": freelist: ");
		}
		mc->err[EDU_ERR_FREELIST] = 1;
		mc->quar = 1;
		mc->allocs += mc->c->objects;
		mc->frees += mc->c->objects;
		printf("# freelist: \"%s\"\n", host_log_line(logs));
		ok = ok && sm_check(&w, true);
		ok = world_end(&w, ok);
	}
	return ok;
}

/* Magazines of other CPUs are flushed by work items run as those CPUs. */
static bool test_flush_work(void)
{
	struct sm_world w;
	struct sm_cache *mc = NULL;
	unsigned long st[EDU_ST_NR];
	int cpu;
	bool ok = world(&w) && (mc = op_create(&w, 128, 0, 0));

	/* Each CPU: a refill of a batch, two more, one freed. */
	for (cpu = 1; ok && cpu < EDU_NR_CPUS; cpu++)
		ok = op_alloc(&w, cpu, mc, 3) &&
		     op(&w, SM_FREE, cpu, w.nr_objs - 1, 1);
	/* Shrink from CPU 0: every other CPU flushes its own magazine. */
	ok = ok && op_cache(&w, SM_SHRINK, mc);
	for (cpu = 0; ok && cpu < EDU_NR_CPUS; cpu++) {
		struct edu_slab_stats *s = per_cpu_ptr(mc->c->stats, cpu);

		ok = check(!s->n[EDU_ST_FLUSH] == !cpu,
			   "a magazine flushed by another CPU than its own");
	}
	edu_cache_stats_sum(mc->c, st);
	ok = ok && check(st[EDU_ST_FLUSH_OBJS] ==
			 (EDU_NR_CPUS - 1) * (mc->c->batch - 2),
			 "flushed objects: not the magazines' contents");
	return world_end(&w, ok);
}

/* A CPU going down gives its magazines back; flushes skip it. */
static bool test_hotplug(void)
{
	struct sm_world w;
	struct sm_cache *mc = NULL;
	bool ok = world(&w) && (mc = op_create(&w, 24, 0, 0));

	ok = ok && op_alloc(&w, 5, mc, 20) && op(&w, SM_FREE, 5, 0, 10) &&
	     check(per_cpu_ptr(mc->c->cpu, 5)->count > 0,
		   "nothing in CPU 5's magazine") &&
	     op(&w, SM_CPU_DOWN, 0, 4, 0) &&
	     check(!cpu_online(5), "CPU 5 still online") &&
	     op(&w, SM_FREE, 5, 0, 5) && op_cache(&w, SM_SHRINK, mc) &&
	     op(&w, SM_CPU_UP, 0, 5, 0) && op_alloc(&w, 5, mc, 20);
	return world_end(&w, ok);
}

/* Every allocation of the slab layer's set-up failing in turn. */
static bool test_setup_fail(void)
{
	struct model_cfg cfg;
	struct edu_cache *c;
	int nth, ret;
	bool ok = true;

	sm_cfg_default(&cfg);
	for (nth = 1; ok; nth++) {
		int left;

		if (host_pool_create(&cfg))
			return host_fail("pool setup failed");
		edu_fail_nth = nth;
		ret = edu_slab_init();
		left = edu_fail_nth;
		edu_fail_nth = 0;
		if (ret) {
			ok = check(ret == -ENOMEM, "not -ENOMEM") &&
			     host_pool_whole();
			host_pool_destroy();
			continue;
		}
		/* Set up (a failure may have been absorbed): tear down. */
		edu_slab_exit();
		ok = host_pool_whole();
		host_pool_destroy();
		if (left)
			break;	/* nothing left to fail */
	}
	printf("# setup_fail: %d allocations failed in turn\n", nth - 1);
	ok = ok && check(nth > 20, "fewer allocations than expected");
	/* Creation of a cache, failing in turn too. */
	if (ok && host_pool_create(&cfg))
		return host_fail("pool setup failed");
	ok = ok && check(!edu_slab_init(), "slab setup failed");
	for (ret = 1; ok; ret++) {
		edu_fail_nth = ret;
		c = edu_cache_create("f", 200, 0, EDU_CACHE_DEBUG,
				     NUMA_NO_NODE, false);
		edu_fail_nth = 0;
		if (!IS_ERR(c)) {
			ok = check(!edu_cache_destroy(c), "destroy failed");
			break;
		}
		ok = check(PTR_ERR(c) == -ENOMEM, "not -ENOMEM");
	}
	if (ok) {
		edu_slab_exit();
		ok = host_pool_whole();
		host_pool_destroy();
	}
	return ok;
}

/* ---- random sequences against the model ---- */

static unsigned int random_size(unsigned long *r)
{
	unsigned long x = host_rand(r) % 1000;

	if (x < 600)
		return 1 + host_rand(r) % 256;
	if (x < 850)
		return 257 + host_rand(r) % 3840;
	if (x < 990)
		return 4097 + host_rand(r) % 61440;
	return 65537 + host_rand(r) % (EDU_OBJ_MAX_SIZE - 65536);
}

static void random_op(unsigned long *r, unsigned long step, struct sm_op *op)
{
	static const unsigned int alloc_pct[] = { 45, 30, 18 };
	unsigned long x = host_rand(r) % 1000;
	unsigned int a = alloc_pct[step / 400 % 3] * 10;

	memset(op, 0, sizeof(*op));
	op->cpu = host_rand(r) % EDU_NR_CPUS;
	op->nid = host_rand(r) % 4 ? NUMA_NO_NODE :
				     (int)(host_rand(r) % MAX_NUMNODES);
	op->pick = host_rand(r);
	op->pick2 = host_rand(r);
	op->how = host_rand(r) % 256;
	if (x < 15) {
		op->kind = SM_CREATE;
		op->size = random_size(r);
		op->align = host_rand(r) % 4 ? 0 : 1U << host_rand(r) % 13;
		op->flags = host_rand(r) % 2 ? 0 : host_rand(r) % 16;
		if (host_rand(r) % 2)
			op->nid = NUMA_NO_NODE;
		if (host_rand(r) % 50 == 0)	/* refused */
			op->align = 24;
		if (host_rand(r) % 50 == 0)
			op->flags = 0x30;
	} else if (x < 25) {
		op->kind = SM_DESTROY;
	} else if (x < 25 + a * 2 / 3) {
		op->kind = SM_ALLOC;
		op->count = 1 + host_rand(r) % (host_rand(r) % 8 ? 3 : 40);
	} else if (x < 25 + a) {
		op->kind = SM_KMALLOC;
		x = host_rand(r) % 100;
		op->size = x < 70 ? 1 + host_rand(r) % 8192 :
			   x < 96 ? 8193 + host_rand(r) % (1 << 17) :
			   x < 98 ? 0 : (PAGE_SIZE << EDU_MAX_ORDER) + 1;
	} else if (x < 950) {
		op->kind = SM_FREE;
		op->count = 1 + host_rand(r) % (host_rand(r) % 8 ? 2 : 30);
		op->how &= 1;
	} else if (x < 962) {
		op->kind = SM_SHRINK;
	} else if (x < 972) {
		op->kind = SM_VALIDATE;
	} else if (x < 980) {
		op->kind = x < 976 ? SM_CPU_DOWN : SM_CPU_UP;
	} else {
		op->kind = SM_CORRUPT;
	}
	if ((op->kind == SM_ALLOC || op->kind == SM_CREATE ||
	     op->kind == SM_KMALLOC) && host_rand(r) % 40 == 0)
		op->fail_nth = 1 + host_rand(r) % 3;
}

static void tally_stats(struct sm_world *w)
{
	unsigned long st[EDU_ST_NR];
	unsigned int i;

	for (i = 0; i < SM_MAX_CACHES; i++) {
		if (!w->caches[i].c)
			continue;
		edu_cache_stats_sum(w->caches[i].c, st);
		w->t_fast += st[EDU_ST_ALLOC_FAST];
		w->t_slow += st[EDU_ST_ALLOC_SLOW];
		w->t_remote += st[EDU_ST_REMOTE_FREE];
		w->t_flush += st[EDU_ST_FLUSH];
		w->t_new += st[EDU_ST_NEW_SLAB];
		w->t_slab_free += st[EDU_ST_SLAB_FREE];
	}
}

static bool test_model_random(void)
{
	struct model_cfg cfg;
	struct sm_world w, sum = { 0 };
	unsigned long seed, st, r, lookups;
	bool ok = true;
	int cpu;

	for (seed = opt_seed; ok && seed < opt_seed + 4; seed++) {
		struct sm_op op;

		r = seed * 0x9e3779b97f4a7c15UL | 1;
		sm_cfg_default(&cfg);
		/* Vary the machine from seed to seed. */
		for (cpu = 0; cpu < EDU_NR_CPUS; cpu++)
			cfg.cpu_node[cpu] = cpu % (1 + seed % 4);
		cfg.chunks[1] = seed % 3 ? 1 : 0;
		/* Odd seeds: no direct lookup table (edu_slab_of_slow()). */
		sm_slow_lookup = seed & 1;
		if (sm_world_init(&w, &cfg, 3000))
			return host_fail("world setup failed");
		lookups = sm_pfn_lookups;
		for (st = 0; ok && st < opt_steps; st++) {
			random_op(&r, st, &op);
			ok = sm_step(&w, &op);
		}
		if (!ok)
			printf("# seed %lu failed at step %lu (op %d)\n", seed,
			       st, op.kind);
		tally_stats(&w);
		/*
		 * Without the table every edu_slab_of() (each check calls it
		 * for every object) searches the chunks; with it, only large
		 * kmalloc blocks and stray pointers do.
		 */
		lookups = sm_pfn_lookups - lookups;
		if (ok && (sm_slow_lookup ? lookups < w.steps :
			   lookups > 2 * (w.t_large + w.t_errors) + 16))
			ok = host_fail("%lu chunk searches in %lu steps",
				       lookups, w.steps);
		sum.steps += w.steps;
		sum.t_allocs += w.t_allocs;
		sum.t_fails += w.t_fails;
		sum.t_frees += w.t_frees;
		sum.t_large += w.t_large;
		sum.t_ebusy += w.t_ebusy;
		sum.t_destroyed += w.t_destroyed;
		sum.t_errors += w.t_errors;
		sum.t_hotplug += w.t_hotplug;
		sum.t_shrinks += w.t_shrinks;
		sum.t_fast += w.t_fast;
		sum.t_slow += w.t_slow;
		sum.t_remote += w.t_remote;
		sum.t_flush += w.t_flush;
		sum.t_new += w.t_new;
		sum.t_slab_free += w.t_slab_free;
		ok = world_end(&w, ok);
	}
	sm_slow_lookup = false;
	printf("# model_random: %lu steps checked: %lu allocations",
	       sum.steps, sum.t_allocs);
	printf(" (%lu fast, %lu slow, %lu large, %lu failed),",
	       sum.t_fast, sum.t_slow, sum.t_large, sum.t_fails);
	printf(" %lu frees (%lu remote)\n", sum.t_frees, sum.t_remote);
	printf("# model_random: %lu flushes, %lu slabs new, %lu given back;",
	       sum.t_flush, sum.t_new, sum.t_slab_free);
	printf(" %lu caches destroyed, %lu refused;", sum.t_destroyed,
	       sum.t_ebusy);
	printf(" %lu errors detected; %lu CPUs down; %lu shrinks\n",
	       sum.t_errors, sum.t_hotplug, sum.t_shrinks);
	return ok;
}

/* ---- many threads ---- */

#define THR_OWN		64	/* objects a thread holds at most */
#define THR_QUEUE	512	/* objects in transit between threads */
#define THR_CACHES	4

struct thr_obj {
	void *ptr;
	int cache;		/* index in thr_test.caches, -1: kmalloc */
	size_t size;
	unsigned long stamp;
};

/* What a thread did, per cache, held to the statistics at the end. */
struct thr_count {
	unsigned long allocs, fails, frees;
};

struct thr_test {
	const char *name;
	int nr_threads;
	unsigned long ops;
	int migrate_pct;
	struct edu_cache *caches[THR_CACHES];
	pthread_mutex_t qlock;
	struct thr_obj queue[THR_QUEUE];
	unsigned int nr_queued;
	unsigned long shrinks, lives, validates;
};

struct thr {
	struct thr_test *t;
	pthread_t tid;
	int id;
	unsigned long rand;
	struct thr_obj own[THR_OWN];
	unsigned int nr_own;
	struct thr_count count[THR_CACHES];
	unsigned long kmallocs, kfrees;
};

/* The first and last words carry the object's stamp. */
static void thr_stamp(struct thr_obj *o)
{
	size_t last = (o->size - 8) & ~7UL;

	memcpy(o->ptr, &o->stamp, 8);
	memcpy((char *)o->ptr + last, &o->stamp, 8);
}

static bool thr_stamp_ok(const struct thr_obj *o)
{
	size_t last = (o->size - 8) & ~7UL;

	return !memcmp(o->ptr, &o->stamp, 8) &&
	       !memcmp((char *)o->ptr + last, &o->stamp, 8);
}

static bool thr_alloc(struct thr *th)
{
	struct thr_test *t = th->t;
	unsigned long x = host_rand(&th->rand);
	int k = x % 5 == 4 ? -1 : (int)(x % 5);
	int nid = (x >> 8) % 3 ? NUMA_NO_NODE : (int)((x >> 12) % 2);
	struct thr_obj *o = &th->own[th->nr_own];

	if (k < 0) {
		o->size = 8 + (x >> 16) % ((x >> 32) % 16 ? 4096 : 40000);
		o->ptr = edu_kmalloc(o->size, nid);
		if (!o->ptr)
			return true;
		th->kmallocs++;
	} else {
		o->size = t->caches[k]->size;
		o->ptr = edu_cache_alloc(t->caches[k], nid);
		if (!o->ptr) {
			th->count[k].fails++;
			return true;
		}
		th->count[k].allocs++;
		if (edu_slab_of(o->ptr)->cache != t->caches[k])
			return host_fail("object of another cache");
	}
	o->cache = k;
	o->stamp = x | 1;
	thr_stamp(o);
	th->nr_own++;
	return true;
}

static bool thr_free(struct thr *th, struct thr_obj *o)
{
	if (!thr_stamp_ok(o))
		return host_fail("object %p: overwritten while live", o->ptr);
	if (o->cache < 0) {
		edu_kfree(o->ptr);
		th->kfrees++;
		return true;
	}
	if (host_rand(&th->rand) % 2)
		edu_kfree(o->ptr);
	else
		edu_cache_free(th->t->caches[o->cache], o->ptr);
	th->count[o->cache].frees++;
	return true;
}

static bool thr_queue(struct thr_test *t, struct thr_obj *o, bool put)
{
	bool done = false;

	pthread_mutex_lock(&t->qlock);
	if (put && t->nr_queued < THR_QUEUE) {
		t->queue[t->nr_queued++] = *o;
		done = true;
	} else if (!put && t->nr_queued) {
		*o = t->queue[--t->nr_queued];
		done = true;
	}
	pthread_mutex_unlock(&t->qlock);
	return done;
}

static void *thr_main(void *arg)
{
	struct thr *th = arg;
	struct thr_test *t = th->t;
	unsigned long i;
	bool ok = true;

	host_set_cpu(th->id % EDU_NR_CPUS);
	edu_migrate_pct = t->migrate_pct;
	for (i = 0; ok && i < t->ops && !host_error(); i++) {
		unsigned long x = host_rand(&th->rand) % 1000;
		struct thr_obj o;
		unsigned int k;

		if (x < 450 && th->nr_own < THR_OWN) {
			ok = thr_alloc(th);
		} else if (x < 800 && th->nr_own) {
			/* Free it here, or hand it to whoever comes next. */
			k = host_rand(&th->rand) % th->nr_own;
			o = th->own[k];
			th->own[k] = th->own[--th->nr_own];
			if (x >= 600 && thr_queue(t, &o, true))
				continue;
			ok = thr_free(th, &o);
		} else if (x < 995) {
			if (thr_queue(t, &o, false))
				ok = thr_free(th, &o);
		} else {
			/* Flushes of every CPU's magazines, from here. */
			struct edu_cache *c = t->caches[x % THR_CACHES];

			if (x % 2) {
				edu_cache_shrink(c);
				__atomic_fetch_add(&t->shrinks, 1,
						   __ATOMIC_RELAXED);
			} else if (c->flags & EDU_CACHE_RED_ZONE) {
				if (edu_cache_validate(c))
					ok = host_fail("validate found errors");
				__atomic_fetch_add(&t->validates, 1,
						   __ATOMIC_RELAXED);
			} else {
				edu_cache_live(c);
				__atomic_fetch_add(&t->lives, 1,
						   __ATOMIC_RELAXED);
			}
		}
		if (ok && edu_preempt_count)
			ok = host_fail("preempt count %d", edu_preempt_count);
	}
	edu_migrate_pct = 0;
	return NULL;
}

static bool thr_run(struct thr_test *t)
{
	struct thr *ths = calloc(t->nr_threads + 1, sizeof(*ths));
	struct thr *me = &ths[t->nr_threads];
	struct model_cfg cfg;
	struct sm_world w;
	struct thr_obj o;
	unsigned long st[EDU_ST_NR], allocs = 0, remote = 0, flushes = 0;
	int i, k, cpu;
	bool ok = true;

	sm_cfg_default(&cfg);
	for (cpu = 0; cpu < EDU_NR_CPUS; cpu++)
		cfg.cpu_node[cpu] = cpu % 2;
	cfg.chunks[1] = 2;
	if (!ths || sm_world_init(&w, &cfg, 16))
		return host_fail("setup failed");
	pthread_mutex_init(&t->qlock, NULL);
	/* Plain; of node 1 (freed on node 0's CPUs: remote); debug; hardened. */
	t->caches[0] = edu_cache_create("plain", 64, 0, 0, NUMA_NO_NODE, false);
	t->caches[1] = edu_cache_create("node1", 200, 0, 0, 1, false);
	t->caches[2] = edu_cache_create("debug", 48, 0, EDU_CACHE_DEBUG,
					NUMA_NO_NODE, false);
	t->caches[3] = edu_cache_create("hardened", 1000, 64,
					EDU_CACHE_HARDENED, NUMA_NO_NODE,
					false);
	for (k = 0; k < THR_CACHES; k++)
		if (IS_ERR(t->caches[k]))
			return host_fail("cache creation failed");

	for (i = 0; i < t->nr_threads; i++) {
		ths[i].t = t;
		ths[i].id = i;
		ths[i].rand = (opt_seed + 1) * 0x9e3779b97f4a7c15UL * (i + 1) | 1;
		if (pthread_create(&ths[i].tid, NULL, thr_main, &ths[i]))
			return host_fail("pthread_create failed");
	}
	for (i = 0; i < t->nr_threads; i++)
		pthread_join(ths[i].tid, NULL);

	/* Give everything back from here (CPU 0). */
	me->t = t;
	host_set_cpu(0);
	for (i = 0; ok && i < t->nr_threads; i++)
		while (ok && ths[i].nr_own)
			ok = thr_free(me, &ths[i].own[--ths[i].nr_own]);
	while (ok && thr_queue(t, &o, false))
		ok = thr_free(me, &o);
	for (k = 0; ok && k < THR_CACHES; k++) {
		struct thr_count sum = { 0 };
		struct edu_cache *c = t->caches[k];

		for (i = 0; i <= t->nr_threads; i++) {
			sum.allocs += ths[i].count[k].allocs;
			sum.fails += ths[i].count[k].fails;
			sum.frees += ths[i].count[k].frees;
		}
		edu_cache_stats_sum(c, st);
		if (st[EDU_ST_ALLOC_FAST] + st[EDU_ST_ALLOC_SLOW] != sum.allocs ||
		    st[EDU_ST_ALLOC_FAIL] != sum.fails ||
		    st[EDU_ST_FREE_FAST] + st[EDU_ST_FREE_SLOW] != sum.frees ||
		    sum.allocs != sum.frees)
			ok = host_fail("%s: %lu+%lu/%lu/%lu+%lu, threads %lu/%lu/%lu",
				       c->name, st[EDU_ST_ALLOC_FAST],
				       st[EDU_ST_ALLOC_SLOW],
				       st[EDU_ST_ALLOC_FAIL],
				       st[EDU_ST_FREE_FAST],
				       st[EDU_ST_FREE_SLOW], sum.allocs,
				       sum.fails, sum.frees);
		for (i = 0; ok && i < EDU_ERR_NR; i++)
			ok = check(!atomic_long_read(&c->err[i]),
				   "an error reported");
		ok = ok && check(!edu_cache_live(c), "objects live at the end") &&
		     check(!edu_cache_destroy(c), "destroy failed");
		allocs += sum.allocs;
		remote += st[EDU_ST_REMOTE_FREE];
		flushes += st[EDU_ST_FLUSH];
	}
	ok = ok && !host_error() &&
	     check(!host_kmemleak_count(), "kmemleak: objects registered");
	/* The kmalloc classes are the world's: their counts are not. */
	sm_mag_resync(&w);
	for (k = 0; k < SM_NR_KMALLOC; k++) {
		w.caches[k].allocs = 0;
		edu_cache_stats_sum(w.caches[k].c, st);
		w.caches[k].allocs = st[EDU_ST_ALLOC_FAST] +
				     st[EDU_ST_ALLOC_SLOW];
		w.caches[k].frees = st[EDU_ST_FREE_FAST] + st[EDU_ST_FREE_SLOW];
		w.caches[k].fails = st[EDU_ST_ALLOC_FAIL];
	}
	for (i = 0; i <= t->nr_threads; i++)
		ok = ok && check(ths[i].kmallocs || i == t->nr_threads ||
				 !t->ops, "a thread made no kmalloc");
	printf("# %s: %d threads x %lu ops: %lu cache allocations,",
	       t->name, t->nr_threads, t->ops, allocs);
	printf(" %lu remote frees, %lu flushes;", remote, flushes);
	printf(" %lu shrinks, %lu validates, %lu live counts\n", t->shrinks,
	       t->validates, t->lives);
	ok = world_end(&w, ok);
	free(ths);
	return ok;
}

static bool test_threads(void)
{
	static struct thr_test t;

	memset(&t, 0, sizeof(t));
	t.name = "threads";
	t.nr_threads = opt_threads;
	t.ops = opt_ops;
	return thr_run(&t);
}

/* The same, with threads moved between CPUs wherever they may sleep. */
static bool test_threads_migrate(void)
{
	static struct thr_test t;

	memset(&t, 0, sizeof(t));
	t.name = "threads_migrate";
	t.nr_threads = opt_threads;
	t.ops = opt_ops / 2;
	t.migrate_pct = 30;
	return thr_run(&t);
}

/* ---- the runner ---- */

static const char usage[] =
	"usage: %s [-s seed] [-n steps] [-T threads] [-o ops] [-v] [test]...\n";

static const struct host_test tests[] = {
	{ "layout", test_layout },
	{ "kmalloc", test_kmalloc },
	{ "destroy_busy", test_destroy_busy },
	{ "debug_redzone", test_debug_redzone },
	{ "debug_uaf", test_debug_uaf },
	{ "debug_double_free", test_debug_double_free },
	{ "debug_wrong_cache", test_debug_wrong_cache },
	{ "debug_bad_ptr", test_debug_bad_ptr },
	{ "debug_freelist", test_debug_freelist },
	{ "flush_work", test_flush_work },
	{ "hotplug", test_hotplug },
	{ "setup_fail", test_setup_fail },
	{ "model_random", test_model_random },
	{ "threads", test_threads },
	{ "threads_migrate", test_threads_migrate },
};

int main(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "s:n:T:o:v")) != -1) {
		switch (c) {
		case 's':
			opt_seed = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			opt_steps = strtoul(optarg, NULL, 0);
			break;
		case 'T':
			opt_threads = atoi(optarg);
			break;
		case 'o':
			opt_ops = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			host_log_echo = true;
			break;
		default:
			fprintf(stderr, usage, argv[0]);
			return 2;
		}
	}
	if (opt_threads < 1)
		opt_threads = 1;
	return host_run_tests("slab_test", tests, ARRAY_SIZE(tests), argc, argv);
}
