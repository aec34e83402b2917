// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the buddy allocator and its per-CPU lists (module/buddy.c,
 * module/pcp.c, compiled unchanged).  Every single-threaded step runs on
 * the allocator and on the reference model at once and is followed by the
 * full set of checks (harness.c); the threaded tests check what can be
 * checked while everything moves (no page handed out twice, no block
 * written by anyone but its owner, the lock rules) and the counters and the
 * pool once all threads are done.
 *
 *   buddy_test [-s seed] [-n steps] [-T threads] [-o ops] [test...]
 *
 * Output is TAP-like: "ok N - name" or "not ok N - name" per test.
 */
#include <getopt.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static unsigned long opt_seed = 1;
static unsigned long opt_steps = 6000;	/* per seed of model_random */
static int opt_threads = 8;
static unsigned long opt_ops = 200000;	/* per thread */

static bool check(bool cond, const char *what)
{
	return cond || host_fail("%s", what);
}

/* One pooled node of one chunk. */
static void cfg_one(struct model_cfg *cfg, unsigned long min, int batch,
		    int high)
{
	host_cfg_default(cfg);
	cfg->chunks[1] = 0;
	cfg->chunks[0] = 1;
	cfg->wmark_min[0] = min;
	cfg->batch = batch;
	cfg->high = high;
}

static struct host_op op_alloc(int nid, unsigned int order,
			       unsigned int flags, int cpu)
{
	struct host_op op = {
		.kind = HOST_OP_ALLOC, .nid = nid, .order = order,
		.flags = flags, .cpu = cpu,
	};

	return op;
}

/*
 * Allocate and expect @want (0 or -errno); on success *@b is the block.
 * Every step checks everything against the model as well.
 */
static bool alloc_expect(struct host_world *w, int nid, unsigned int order,
			 unsigned int flags, int cpu, int want,
			 struct host_block *b)
{
	struct host_op op = op_alloc(nid, order, flags, cpu);
	unsigned int before = w->nr_live;
	bool served;

	if (!host_step(w, &op))
		return false;
	served = w->nr_live > before;
	if (served != !want)
		return host_fail("alloc node %d order %u flags %#x cpu %d: %s, want %d",
				 nid, order, flags, cpu,
				 served ? "served" : "failed", want);
	if (!want && b)
		*b = w->live[w->nr_live - 1];
	return true;
}

/* Free the live block @b on @cpu. */
static bool free_block(struct host_world *w, const struct host_block *b,
		       int cpu)
{
	struct host_op op = { .kind = HOST_OP_FREE, .cpu = cpu };
	unsigned int i;

	for (i = 0; i < w->nr_live; i++)
		if (w->live[i].nid == b->nid && w->live[i].idx == b->idx)
			break;
	if (i == w->nr_live)
		return host_fail("test: block %lu not live", b->idx);
	op.pick = i;
	return host_step(w, &op);
}

/* Drain CPU @cpu's list of node @nid, or with @cpu < 0 all of them. */
static bool drain(struct host_world *w, int nid, int cpu)
{
	struct host_op op = {
		.kind = cpu < 0 ? HOST_OP_DRAIN_NODE : HOST_OP_DRAIN_CPU,
		.nid = nid, .cpu = cpu < 0 ? 0 : cpu,
	};

	return host_step(w, &op);
}

static struct edu_pcp *pcp_of(int nid, int cpu)
{
	return per_cpu_ptr(edu_nodes[nid]->pcp, cpu);
}

/* ---- deterministic tests ---- */

/* Fallback lists follow node_distance(), ties by node id. */
static bool test_setup(void)
{
	static const int want[MAX_NUMNODES][2] = {
		{ 2, 1 }, { 0, 2 }, { 0, 1 },
	};
	static const int dist[MAX_NUMNODES][MAX_NUMNODES] = {
		{ 10, 30, 20, 25 },
		{ 20, 10, 40, 15 },
		{ 15, 35, 10, 30 },
		{ 40, 12, 20, 10 },
	};
	struct model_cfg cfg;
	int nid, i;
	bool ok;

	host_cfg_default(&cfg);
	memcpy(cfg.distance, dist, sizeof(dist));
	cfg.chunks[2] = 1;
	if (host_pool_create(&cfg))
		return host_fail("pool setup failed");
	ok = host_pool_whole();
	for (nid = 0; ok && nid < 3; nid++) {
		ok = check(edu_nodes[nid]->nr_fallback == 2,
			   "fallback list length");
		for (i = 0; ok && i < 2; i++)
			ok = check(edu_nodes[nid]->fallback[i] == want[nid][i],
				   "fallback order is not by distance");
	}
	host_pool_destroy();

	/* A tie: node 0 is as far from 1 as from 2, so 1 comes first. */
	cfg.distance[0][2] = cfg.distance[0][1];
	if (ok && host_pool_create(&cfg))
		return host_fail("pool setup failed");
	if (ok)
		ok = check(edu_nodes[0]->fallback[0] == 1 &&
			   edu_nodes[0]->fallback[1] == 2,
			   "fallback tie not broken by node id");
	host_pool_destroy();
	return ok;
}

/* Every allocation of the set-up failing in turn: clean errors, no leaks. */
static bool test_setup_fail(void)
{
	struct model_cfg cfg;
	int nth, ret, nid;
	bool ok = true;

	host_cfg_default(&cfg);
	for (nth = 1; ok; nth++) {
		edu_fail_nth = nth;
		ret = host_pool_create(&cfg);
		if (!ret) {
			host_pool_destroy();
			break;	/* nothing left to fail */
		}
		ok = check(ret == -ENOMEM, "not -ENOMEM");
		for (nid = 0; nid < MAX_NUMNODES; nid++)
			ok = ok && check(!edu_nodes[nid], "node left behind");
	}
	edu_fail_nth = 0;
	printf("# setup_fail: %d allocations failed in turn\n", nth - 1);
	return ok && check(nth > 6, "fewer allocations than expected");
}

/* Splitting down to one page and merging back up, counted. */
static bool test_split_merge(void)
{
	const unsigned int nopcp = EDU_AF_NOPCP | EDU_AF_THISNODE;
	static struct host_block blk[512];
	struct model_cfg cfg;
	struct host_world w;
	struct host_block b;
	struct edu_node *n;
	unsigned long r = 7;
	unsigned int o, i;
	bool ok;

	cfg_one(&cfg, 0, 4, 8);
	if (host_world_init(&w, &cfg, 1024, 1))
		return host_fail("pool setup failed");
	n = edu_nodes[0];

	ok = check(edu_lookup_idx(n, n->pool_pages, &b.idx, &o, &i) == -ENOENT,
		   "lookup beyond the pool");

	/* One page from a whole chunk: ten splits, one block per order left. */
	ok = ok && alloc_expect(&w, 0, 0, nopcp, 0, 0, &b) &&
	     check(n->splits == 10 && b.idx == 0,
		   "order 0 from order 10: not ten splits, lower half");
	for (o = 0; ok && o < EDU_MAX_ORDER; o++)
		ok = check(n->free_area[o].nr_free == 1, "one block per order");
	/* Order 0 goes to the per-CPU list even when taken around it. */
	ok = ok && free_block(&w, &b, 0) &&
	     check(pcp_of(0, 0)->count == 1 && n->merges == 0,
		   "freed page not on the per-CPU list") &&
	     drain(&w, 0, 0) &&
	     check(n->merges == 10, "draining the page: not ten merges");

	/* The whole chunk, then nothing is left. */
	ok = ok && alloc_expect(&w, 0, EDU_MAX_ORDER, 0, 0, 0, &b) &&
	     alloc_expect(&w, 0, 0, nopcp, 0, -ENOMEM, NULL) &&
	     check(atomic_long_read(&n->failures) == 1, "failure not counted") &&
	     free_block(&w, &b, 0);

	/* 512 pairs, freed in random order: 511 splits, 511 merges. */
	for (i = 0; ok && i < 512; i++)
		ok = alloc_expect(&w, 0, 1, nopcp, 0, 0, &blk[i]);
	ok = ok && check(n->splits == 10 + 511, "512 pairs: not 511 splits");
	for (i = 512; ok && i > 0; i--) {
		unsigned int k = host_rand(&r) % i;

		ok = free_block(&w, &blk[k], i % EDU_NR_CPUS);
		blk[k] = blk[i - 1];
	}
	ok = ok && check(n->merges == 10 + 511, "512 pairs: not 511 merges") &&
	     host_release_all(&w);
	host_world_destroy(&w);
	return ok;
}

/*
 * The shrinker's side of the buddy core: only a wholly free chunk leaves,
 * the one freed longest ago, and only while @keep free pages remain; an
 * empty slot is never allocated from and reads ABSENT; a chunk added to it
 * again is whole and usable.  The node is checked whole after each step.
 */
static bool test_chunk_return(void)
{
	const unsigned int flags = EDU_AF_NOPCP | EDU_AF_THISNODE;
	struct edu_page_ref page, big;
	unsigned long head, used;
	unsigned int o, st, c;
	struct model_cfg cfg;
	struct edu_node *n;
	long a, b;
	bool ok;

	cfg_one(&cfg, 0, 4, 8);
	cfg.chunks[0] = 3;
	if (host_pool_create(&cfg))
		return host_fail("pool setup failed");
	n = edu_nodes[0];

	/* One page splits the chunk at the head of the order-10 list. */
	ok = check(!edu_alloc_pages(0, 0, flags, &page), "one page") &&
	     host_check_node(n, NULL, 0, true);
	used = page.idx / EDU_CHUNK_PAGES;
	a = edu_node_take_chunk(n, 0);
	b = edu_node_take_chunk(n, 0);
	ok = ok && check(a >= 0 && b >= 0 && a != b && a != (long)used &&
			 b != (long)used, "the two whole chunks, not the used one") &&
	     check(edu_node_take_chunk(n, 0) < 0, "a split chunk given back") &&
	     check(n->pool_pages == EDU_CHUNK_PAGES &&
		   n->free_pages == EDU_CHUNK_PAGES - 1, "counts after two") &&
	     host_check_node(n, NULL, 0, true) &&
	     check(!edu_lookup_idx(n, a * EDU_CHUNK_PAGES + 5, &head, &o, &st) &&
		   st == EDU_PM_ABSENT && head == a * EDU_CHUNK_PAGES,
		   "an empty slot does not read ABSENT");
	/* Only the split chunk is left: no order-10 block to be had. */
	ok = ok && check(edu_alloc_pages(0, EDU_MAX_ORDER, flags, &big) == -ENOMEM,
			 "order 10 from an empty slot");

	/* Back into slot a; then the keep rule: 2047 free, keep 1024: no. */
	edu_node_add_chunk(n, a);
	ok = ok && host_check_node(n, NULL, 0, true) &&
	     check(n->pool_pages == 2 * EDU_CHUNK_PAGES, "pool after one back") &&
	     check(edu_node_take_chunk(n, EDU_CHUNK_PAGES) < 0,
		   "given back below the keep mark") &&
	     check(!edu_alloc_pages(0, EDU_MAX_ORDER, flags, &big) &&
		   big.idx == (unsigned long)a * EDU_CHUNK_PAGES,
		   "the chunk taken again is not the one allocated");
	/* The chunk freed longest ago leaves first: the used one, not a. */
	edu_free_pages(n, page.idx, 0);
	edu_pcp_drain_node(n);
	if (ok)
		edu_free_pages(n, big.idx, EDU_MAX_ORDER);
	c = edu_node_take_chunk(n, 0);
	ok = ok && check(c == used, "not the chunk freed longest ago first");
	edu_node_add_chunk(n, c);
	edu_node_add_chunk(n, b);
	ok = ok && host_pool_whole();
	host_pool_destroy();
	return ok;
}

/* Requests stop at the min mark; EDU_AF_HIGH may use half the reserve. */
static bool test_wmark(void)
{
	const unsigned int nopcp = EDU_AF_NOPCP | EDU_AF_THISNODE;
	struct model_cfg cfg;
	struct host_world w;
	struct host_block b;
	struct edu_node *n;
	unsigned int i;
	bool ok = true;

	cfg_one(&cfg, 100, 8, 32);
	if (host_world_init(&w, &cfg, 1024, 2))
		return host_fail("pool setup failed");
	n = edu_nodes[0];
	ok = check(n->wmark[EDU_WMARK_MIN] == 100, "min mark not set");

	/*
	 * kswapd is woken by the allocation that leaves free pages below the
	 * low mark (125), not before; and by a failed one.
	 */
	host_kswapd_wakeups[0] = 0;
	for (i = 0; ok && i < 1024 - 125; i++)
		ok = alloc_expect(&w, 0, 0, nopcp, 0, 0, NULL);
	ok = ok && check(host_kswapd_wakeups[0] == 0, "kswapd woken above low") &&
	     alloc_expect(&w, 0, 0, nopcp, 0, 0, NULL) &&
	     check(host_kswapd_wakeups[0] == 1, "kswapd not woken below low") &&
	     host_release_all(&w);

	/* 1024 - 100 pages for anyone, then 50 more for EDU_AF_HIGH. */
	for (i = 0; ok && i < 924; i++)
		ok = alloc_expect(&w, 0, 0, nopcp, 0, 0, NULL);
	ok = ok && alloc_expect(&w, 0, 0, nopcp, 0, -ENOMEM, NULL);
	for (i = 0; ok && i < 50; i++)
		ok = alloc_expect(&w, 0, 0, nopcp | EDU_AF_HIGH, 0, 0, NULL);
	ok = ok && alloc_expect(&w, 0, 0, nopcp | EDU_AF_HIGH, 0, -ENOMEM,
				NULL) &&
	     check(n->free_pages == 50 &&
		   atomic_long_read(&n->failures) == 2,
		   "reserve: wrong free pages or failures") &&
	     host_release_all(&w);

	/* Larger orders: the mark counts, not whether a block exists. */
	ok = ok && alloc_expect(&w, 0, 9, 0, 0, 0, NULL) &&
	     alloc_expect(&w, 0, 9, 0, 0, -ENOMEM, NULL) &&
	     alloc_expect(&w, 0, 8, 0, 0, 0, NULL) &&
	     alloc_expect(&w, 0, 7, 0, 0, 0, NULL) &&
	     alloc_expect(&w, 0, 5, 0, 0, -ENOMEM, NULL) &&
	     alloc_expect(&w, 0, 5, EDU_AF_HIGH, 0, 0, NULL) &&
	     host_release_all(&w);

	/* A refill stops at the mark too: 3 pages above it, 3 pages moved. */
	for (i = 0; ok && i < 1024 - 103; i++)
		ok = alloc_expect(&w, 0, 0, nopcp, 0, 0, NULL);
	ok = ok && alloc_expect(&w, 0, 0, EDU_AF_THISNODE, 0, 0, &b) &&
	     check(pcp_of(0, 0)->count == 2 && n->free_pages == 100,
		   "refill did not stop at the min mark");
	/*
	 * Pages parked on another CPU's list do not make a request fail:
	 * CPU 0's two are drained, then CPU 1's refill takes them.
	 */
	ok = ok && alloc_expect(&w, 0, 0, EDU_AF_THISNODE, 1, 0, NULL) &&
	     check(pcp_of(0, 0)->count == 0 && pcp_of(0, 1)->count == 1 &&
		   n->free_pages == 100 &&
		   atomic_long_read(&n->drain_retries) == 1,
		   "no drain before failing") &&
	     host_release_all(&w);
	/* Only a refill's first page may use the reserve. */
	for (i = 0; ok && i < 1024 - 100; i++)
		ok = alloc_expect(&w, 0, 0, nopcp, 0, 0, NULL);
	ok = ok && alloc_expect(&w, 0, 0, EDU_AF_THISNODE, 1, -ENOMEM, NULL) &&
	     alloc_expect(&w, 0, 0, EDU_AF_THISNODE | EDU_AF_HIGH, 1, 0,
			  NULL) &&
	     check(pcp_of(0, 1)->count == 0 && n->free_pages == 99 &&
		   atomic_long_read(&n->drain_retries) == 1,
		   "EDU_AF_HIGH refill took more than its page") &&
	     host_release_all(&w);
	host_world_destroy(&w);
	return ok;
}

/* Fallback in distance order, THISNODE, nodes without a pool. */
static bool test_numa(void)
{
	static const int dist[MAX_NUMNODES][MAX_NUMNODES] = {
		{ 10, 30, 20, 25 },
		{ 20, 10, 40, 15 },
		{ 15, 35, 10, 30 },
		{ 40, 12, 20, 10 },
	};
	const unsigned int big = EDU_MAX_ORDER;
	struct model_cfg cfg;
	struct host_world w;
	struct host_block b;
	int nid;
	bool ok;

	host_cfg_default(&cfg);
	memcpy(cfg.distance, dist, sizeof(dist));
	for (nid = 0; nid < 3; nid++) {
		cfg.chunks[nid] = 1;
		cfg.wmark_min[nid] = 0;
	}
	if (host_world_init(&w, &cfg, 64, 3))
		return host_fail("pool setup failed");

	/* Node 0 is full after one chunk, then 2 (20) serves, then 1 (30). */
	ok = alloc_expect(&w, 0, big, 0, 0, 0, &b) &&
	     check(b.nid == 0, "not served by the preferred node") &&
	     alloc_expect(&w, 0, big, 0, 0, 0, &b) &&
	     check(b.nid == 2, "first fallback is not the nearest node") &&
	     alloc_expect(&w, 0, big, 0, 0, 0, &b) &&
	     check(b.nid == 1, "second fallback is not the next nearest") &&
	     alloc_expect(&w, 0, big, 0, 0, -ENOMEM, NULL) &&
	     check(atomic_long_read(&edu_nodes[0]->failures) == 1 &&
		   atomic_long_read(&edu_nodes[2]->fallbacks) == 1 &&
		   atomic_long_read(&edu_nodes[1]->fallbacks) == 1,
		   "fallback or failure counters") &&
	     host_release_all(&w);

	/* THISNODE fails rather than falling back. */
	ok = ok && alloc_expect(&w, 1, big, EDU_AF_THISNODE, 0, 0, NULL) &&
	     alloc_expect(&w, 1, 0, EDU_AF_THISNODE, 0, -ENOMEM, NULL) &&
	     alloc_expect(&w, 1, 0, EDU_AF_THISNODE | EDU_AF_NOPCP, 0,
			  -ENOMEM, NULL) &&
	     check(atomic_long_read(&edu_nodes[1]->failures) == 2 &&
		   atomic_long_read(&edu_nodes[0]->fallbacks) == 0,
		   "THISNODE fell back or was not counted") &&
	     host_release_all(&w);

	/* Node 3 has no pool: its nearest, node 1 (12), stands in for it. */
	ok = ok && alloc_expect(&w, 3, 2, 0, 0, 0, &b) &&
	     check(b.nid == 1, "pool-less node: not the nearest stand-in") &&
	     alloc_expect(&w, 3, 2, EDU_AF_THISNODE, 0, -ENOMEM, NULL);

	/* NUMA_NO_NODE is the CPU's node: CPU 2 is on node 2. */
	ok = ok && alloc_expect(&w, NUMA_NO_NODE, 3, 0, 2, 0, &b) &&
	     check(b.nid == 2, "NUMA_NO_NODE: not the CPU's node");

	/* Out of range. */
	ok = ok && alloc_expect(&w, 0, EDU_MAX_ORDER + 1, 0, 0, -EINVAL,
				NULL) &&
	     alloc_expect(&w, MAX_NUMNODES, 0, 0, 0, -EINVAL, NULL) &&
	     host_release_all(&w);
	host_world_destroy(&w);
	return ok;
}

/* Per-CPU lists: batch refill, LIFO, drain above high, cross-CPU free. */
static bool test_pcp(void)
{
	const unsigned int here = EDU_AF_THISNODE;
	struct host_block b, c = { 0 }, held[16];
	struct model_cfg cfg;
	struct host_world w;
	struct edu_node *n;
	int i;
	bool ok;

	host_cfg_default(&cfg);
	cfg.wmark_min[0] = 0;
	cfg.batch = 4;
	cfg.high = 8;
	if (host_world_init(&w, &cfg, 64, 4))
		return host_fail("pool setup failed");
	n = edu_nodes[0];

	/* An empty list takes a batch; the most recent free comes back. */
	ok = alloc_expect(&w, 0, 0, here, 0, 0, &b) &&
	     check(pcp_of(0, 0)->count == 3 && pcp_of(0, 0)->refills == 1 &&
		   pcp_of(0, 0)->alloc_hits == 1, "refill of a batch") &&
	     free_block(&w, &b, 0) &&
	     check(pcp_of(0, 0)->count == 4, "free to the list") &&
	     alloc_expect(&w, 0, 0, here, 0, 0, &c) &&
	     check(c.idx == b.idx, "not the hot page back");

	/* Allocated on CPU 0, freed on CPU 1: the pages join CPU 1's list. */
	held[0] = c;
	for (i = 1; ok && i < 9; i++)
		ok = alloc_expect(&w, 0, 0, here, 0, 0, &held[i]);
	for (i = 0; ok && i < 8; i++)
		ok = free_block(&w, &held[i], 1);
	ok = ok && check(pcp_of(0, 1)->count == 8 && pcp_of(0, 1)->drains == 0,
			 "cross-CPU frees not on the freeing CPU's list") &&
	     free_block(&w, &held[8], 1) &&
	     check(pcp_of(0, 1)->count == 9 - 4 && pcp_of(0, 1)->drains == 1,
		   "above high: not one batch drained");

	/* Bypassing the lists: NOPCP takes from the node, frees to the list;
	 * a slab page bypasses them both ways.
	 */
	/* (The NOPCP and slab requests leave the lists as they are.) */
	i = pcp_of(0, 0)->count;
	ok = ok && alloc_expect(&w, 0, 0, here | EDU_AF_NOPCP, 0, 0, &b) &&
	     check(pcp_of(0, 0)->count == i && n->allocs[0] == 1,
		   "NOPCP used the list") &&
	     free_block(&w, &b, 0) &&
	     check(pcp_of(0, 0)->count == i + 1, "NOPCP page not freed to it") &&
	     alloc_expect(&w, 0, 0, here | EDU_AF_SLAB, 0, 0, &b) &&
	     free_block(&w, &b, 0) &&
	     check(pcp_of(0, 0)->count == i + 1 && n->frees[0] == 1,
		   "slab page went through the list");

	/* Node 1's lists are its own; draining one CPU, then a node. */
	ok = ok && alloc_expect(&w, 1, 0, here, 1, 0, &b) &&
	     free_block(&w, &b, 1) &&
	     check(edu_pcp_pages(n) == (unsigned long)i + 1 + 5,
		   "edu_pcp_pages() sum") &&
	     drain(&w, 0, 1) &&
	     check(pcp_of(0, 1)->count == 0 && pcp_of(1, 1)->count == 4,
		   "drain of one CPU") &&
	     drain(&w, 0, -1) &&
	     check(edu_pcp_pages(n) == 0 && edu_pcp_pages(edu_nodes[1]) == 4,
		   "drain of a node") &&
	     host_release_all(&w);
	host_world_destroy(&w);
	return ok;
}

/* ---- random sequences against the model ---- */

static unsigned int random_order(unsigned long *r)
{
	unsigned long x = host_rand(r) % 100;

	if (x < 50)
		return 0;
	if (x < 75)
		return 1 + host_rand(r) % 2;
	if (x < 90)
		return 3 + host_rand(r) % 3;
	return 6 + host_rand(r) % 5;
}

static unsigned int random_flags(unsigned long *r)
{
	unsigned long x = host_rand(r);
	unsigned int flags = 0;

	if (x % 4 == 0)
		flags |= EDU_AF_THISNODE;
	if ((x >> 8) % 4 == 0)
		flags |= EDU_AF_HIGH;
	if ((x >> 16) % 10 < 3)
		flags |= EDU_AF_NOPCP;
	if ((x >> 24) % 20 == 0)
		flags |= EDU_AF_SLAB;
	return flags;
}

/*
 * Phases of mostly allocating and mostly freeing drive the pool into and
 * out of exhaustion, where the watermarks, fallbacks and failures are.
 */
static void random_op(unsigned long *r, unsigned long step,
		      struct host_op *op)
{
	static const unsigned int alloc_pct[] = { 75, 55, 30 };
	unsigned long x = host_rand(r) % 100;

	memset(op, 0, sizeof(*op));
	op->cpu = host_rand(r) % EDU_NR_CPUS;
	op->nid = host_rand(r) % 5 ? (int)(host_rand(r) % MAX_NUMNODES) :
				     NUMA_NO_NODE;
	if (x < alloc_pct[step / 500 % 3]) {
		op->kind = HOST_OP_ALLOC;
		op->order = random_order(r);
		op->flags = random_flags(r);
		/* Now and then, a request out of range. */
		if (host_rand(r) % 500 == 0)
			op->order = EDU_MAX_ORDER + 1;
		if (host_rand(r) % 500 == 0)
			op->nid = MAX_NUMNODES;
	} else if (x < 97) {
		op->kind = HOST_OP_FREE;
		op->pick = host_rand(r);
	} else {
		op->kind = x < 99 ? HOST_OP_DRAIN_CPU : HOST_OP_DRAIN_NODE;
		op->nid = host_rand(r) % 2;
	}
}

/* What the random sequences did, to show they reach the corners. */
static struct {
	unsigned long steps, buddy, pcp, fallbacks, failures, merges;
} seen;

static void model_tally(const struct model *m)
{
	const struct model_node *mn;
	unsigned int o;
	int nid, cpu;

	for (nid = 0; nid < MODEL_MAX_NODES; nid++) {
		mn = &m->node[nid];
		for (o = 0; o <= EDU_MAX_ORDER; o++)
			seen.buddy += mn->allocs[o];
		for (cpu = 0; cpu < EDU_NR_CPUS; cpu++)
			seen.pcp += mn->pcp[cpu].alloc_hits;
		seen.fallbacks += mn->fallbacks;
		seen.failures += mn->failures;
		seen.merges += mn->merges;
	}
}

static bool test_model_random(void)
{
	struct model_cfg cfg;
	struct host_world w;
	unsigned long seed, step, r;
	bool ok = true;

	host_cfg_default(&cfg);
	for (seed = opt_seed; ok && seed < opt_seed + 4; seed++) {
		struct host_op op;

		r = seed * 0x9e3779b97f4a7c15UL | 1;
		/* Vary the lists' shape from seed to seed. */
		cfg.batch = 1 + seed % 8;
		cfg.high = cfg.batch + seed % 3 * 8;
		if (host_world_init(&w, &cfg, 4096, seed))
			return host_fail("pool setup failed");
		for (step = 0; ok && step < opt_steps; step++) {
			random_op(&r, step, &op);
			ok = host_step(&w, &op);
		}
		ok = ok && host_release_all(&w);
		seen.steps += w.steps;
		model_tally(&w.model);
		if (!ok)
			printf("# seed %lu failed at step %lu\n", seed, step);
		host_world_destroy(&w);
	}
	printf("# model_random: %lu steps checked against the model:",
	       seen.steps);
	printf(" %lu buddy + %lu per-CPU allocations, %lu fallbacks,",
	       seen.buddy, seen.pcp, seen.fallbacks);
	printf(" %lu failures, %lu merges\n", seen.failures, seen.merges);
	return ok;
}

/* ---- many threads ---- */

#define THR_OWN		64	/* blocks a thread holds at most */
#define THR_QUEUE	256	/* blocks in transit between threads */

/* What a thread saw, summed per node at the end and held to the counters. */
struct thr_count {
	unsigned long buddy_allocs[EDU_NR_ORDERS];
	unsigned long buddy_frees[EDU_NR_ORDERS];
	unsigned long pcp_allocs, pcp_frees, fallbacks, failures;
};

struct thr_block {
	struct host_block b;
	int owner;		/* 1 + thread that allocated it */
};

struct thr_test {
	const char *name;
	int nr_threads;
	int nr_cpus;		/* threads share CPUs 0..nr_cpus-1 */
	unsigned long ops;
	unsigned int max_order;
	int nopcp_pct;
	bool drainer;		/* a thread that only drains */

	int *owner[MAX_NUMNODES];	/* per page: 1 + holder, or 0 */
	pthread_mutex_t qlock;
	struct thr_block queue[THR_QUEUE];
	unsigned int nr_queued;
	bool stop;
	unsigned long lookups;
	unsigned long allocs, failures;	/* summed at the end */
};

struct thr {
	struct thr_test *t;
	pthread_t tid;
	int id, cpu;
	unsigned long rand;
	struct thr_block own[THR_OWN];
	unsigned int nr_own;
	struct thr_count count[MAX_NUMNODES];
};

static unsigned long thr_stamp(const struct thr_block *tb)
{
	return 0x7d3e000000000000UL ^ ((unsigned long)tb->owner << 40) ^
	       ((unsigned long)tb->b.nid << 32) ^ tb->b.idx;
}

static unsigned long *thr_word(const struct thr_block *tb, bool last)
{
	char *p = edu_idx_to_virt(edu_nodes[tb->b.nid], tb->b.idx);

	if (last)
		p += (PAGE_SIZE << tb->b.order) - sizeof(unsigned long);
	return (unsigned long *)p;
}

/* Take or give back every page of a block in the ownership map. */
static bool thr_claim(struct thr_test *t, const struct thr_block *tb,
		      bool take)
{
	int *owner = t->owner[tb->b.nid];
	unsigned long i;

	for (i = tb->b.idx; i < tb->b.idx + (1UL << tb->b.order); i++) {
		int want = take ? 0 : tb->owner;

		if (!__atomic_compare_exchange_n(&owner[i], &want,
						 take ? tb->owner : 0, false,
						 __ATOMIC_RELAXED,
						 __ATOMIC_RELAXED))
			return host_fail("node %d page %lu: held by %d, %s by %d",
					 tb->b.nid, i, want,
					 take ? "handed out again" : "freed",
					 tb->owner);
	}
	return true;
}

static bool thr_alloc(struct thr *th)
{
	struct thr_test *t = th->t;
	unsigned long x = host_rand(&th->rand);
	unsigned int order = x % 100 < 70 ? 0 : host_rand(&th->rand) %
						(t->max_order + 1);
	unsigned int flags = 0;
	struct edu_page_ref ref;
	struct thr_block *tb;
	int nid = NUMA_NO_NODE;

	if ((x >> 8) % 100 < (unsigned long)t->nopcp_pct)
		flags |= EDU_AF_NOPCP;
	if ((x >> 16) % 5 == 0)
		flags |= EDU_AF_THISNODE;
	if ((x >> 24) % 5 == 0)
		flags |= EDU_AF_HIGH;
	if ((x >> 32) % 20 == 0)
		flags |= EDU_AF_SLAB;
	if ((x >> 40) % 2)
		nid = (x >> 48) % 2;

	if (edu_alloc_pages(nid, order, flags, &ref)) {
		th->count[nid < 0 ? edu_numa_node : nid].failures++;
		return true;
	}
	tb = &th->own[th->nr_own++];
	tb->b.nid = ref.node->nid;
	tb->b.idx = ref.idx;
	tb->b.order = order;
	tb->b.slab = flags & EDU_AF_SLAB;
	tb->owner = 1 + th->id;
	if (ref.pcp)
		th->count[tb->b.nid].pcp_allocs++;
	else
		th->count[tb->b.nid].buddy_allocs[order]++;
	th->count[tb->b.nid].fallbacks += ref.fallback;
	if (!thr_claim(t, tb, true))
		return false;
	*thr_word(tb, false) = thr_stamp(tb);
	*thr_word(tb, true) = thr_stamp(tb);
	return true;
}

static bool thr_free(struct thr *th, const struct thr_block *tb)
{
	struct thr_count *c = &th->count[tb->b.nid];

	if (*thr_word(tb, false) != thr_stamp(tb) ||
	    *thr_word(tb, true) != thr_stamp(tb))
		return host_fail("node %d block %lu: overwritten while live",
				 tb->b.nid, tb->b.idx);
	if (!thr_claim(th->t, tb, false))
		return false;
	if (tb->b.order == 0 && !tb->b.slab)
		c->pcp_frees++;
	else
		c->buddy_frees[tb->b.order]++;
	edu_free_pages(edu_nodes[tb->b.nid], tb->b.idx, tb->b.order);
	return true;
}

static bool thr_queue(struct thr_test *t, struct thr_block *tb, bool put)
{
	bool done = false;

	pthread_mutex_lock(&t->qlock);
	if (put && t->nr_queued < THR_QUEUE) {
		t->queue[t->nr_queued++] = *tb;
		done = true;
	} else if (!put && t->nr_queued) {
		*tb = t->queue[--t->nr_queued];
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

	host_set_cpu(th->cpu);
	for (i = 0; ok && i < t->ops && !host_error(); i++) {
		unsigned long x = host_rand(&th->rand) % 100;
		struct thr_block tb;
		unsigned int k;

		if (x < 45 && th->nr_own < THR_OWN) {
			ok = thr_alloc(th);
		} else if (x < 90 && th->nr_own) {
			/* Free it here, or hand it to whoever comes next. */
			k = host_rand(&th->rand) % th->nr_own;
			tb = th->own[k];
			th->own[k] = th->own[--th->nr_own];
			if (x >= 75 && thr_queue(t, &tb, true))
				continue;
			ok = thr_free(th, &tb);
		} else if (x < 99) {
			if (thr_queue(t, &tb, false))
				ok = thr_free(th, &tb);
		} else if (!t->drainer) {
			struct edu_node *n = edu_nodes[host_rand(&th->rand) % 2];

			if (host_rand(&th->rand) % 2)
				edu_pcp_drain_node(n);
			else
				edu_pcp_drain_cpu(n, host_rand(&th->rand) %
						  EDU_NR_CPUS);
		}
		if (ok && edu_preempt_count)
			ok = host_fail("preempt count %d", edu_preempt_count);
	}
	return NULL;
}

/* Drains from another "CPU" and racy lookups while the others work. */
static void *thr_side(void *arg)
{
	struct thr_test *t = arg;
	unsigned long r = 99, idx, head;
	unsigned int order, state;
	int nid;

	host_set_cpu(EDU_NR_CPUS - 1);
	while (!__atomic_load_n(&t->stop, __ATOMIC_RELAXED)) {
		nid = host_rand(&r) % 2;
		if (t->drainer)
			edu_pcp_drain_cpu(edu_nodes[nid],
					  host_rand(&r) % t->nr_cpus);
		/* Racy by nature: it may miss a block in mid-merge. */
		idx = host_rand(&r) % edu_nodes[nid]->span_pages;
		if (!edu_lookup_idx(edu_nodes[nid], idx, &head, &order,
				    &state) && (head > idx || order > EDU_MAX_ORDER))
			host_fail("lookup of page %lu: head %lu", idx, head);
		t->lookups++;
		if (!t->drainer)
			usleep(50);
	}
	return NULL;
}

/* The counters of node @nid must add up to what the threads saw. */
static bool thr_node_counters(struct thr_test *t, struct thr *ths, int nr,
			      int nid)
{
	struct edu_node *n = edu_nodes[nid];
	struct thr_count sum = { 0 };
	unsigned long hits = 0, fhits = 0;
	unsigned int o;
	int cpu, i;

	for (i = 0; i < nr; i++) {
		struct thr_count *c = &ths[i].count[nid];

		for (o = 0; o <= EDU_MAX_ORDER; o++) {
			sum.buddy_allocs[o] += c->buddy_allocs[o];
			sum.buddy_frees[o] += c->buddy_frees[o];
		}
		sum.pcp_allocs += c->pcp_allocs;
		sum.pcp_frees += c->pcp_frees;
		sum.fallbacks += c->fallbacks;
		sum.failures += c->failures;
	}
	for (o = 0; o <= EDU_MAX_ORDER; o++) {
		if (n->allocs[o] != sum.buddy_allocs[o] ||
		    n->frees[o] != sum.buddy_frees[o])
			return host_fail("node %d order %u: allocs/frees %lu/%lu, saw %lu/%lu",
					 nid, o, n->allocs[o], n->frees[o],
					 sum.buddy_allocs[o],
					 sum.buddy_frees[o]);
		t->allocs += sum.buddy_allocs[o];
	}
	for (cpu = 0; cpu < EDU_NR_CPUS; cpu++) {
		hits += pcp_of(nid, cpu)->alloc_hits;
		fhits += pcp_of(nid, cpu)->free_hits;
	}
	if (hits != sum.pcp_allocs || fhits != sum.pcp_frees)
		return host_fail("node %d: pcp hits %lu/%lu, threads saw %lu/%lu",
				 nid, hits, fhits, sum.pcp_allocs,
				 sum.pcp_frees);
	if (atomic_long_read(&n->fallbacks) != (long)sum.fallbacks ||
	    atomic_long_read(&n->failures) != (long)sum.failures)
		return host_fail("node %d: fallbacks/failures %ld/%ld, saw %lu/%lu",
				 nid, atomic_long_read(&n->fallbacks),
				 atomic_long_read(&n->failures),
				 sum.fallbacks, sum.failures);
	t->allocs += sum.pcp_allocs;
	t->failures += sum.failures;
	/* All given back: every split has been undone by a merge. */
	if (n->splits != n->merges)
		return host_fail("node %d: %lu splits, %lu merges",
				 nid, n->splits, n->merges);
	return true;
}

static bool thr_run(struct thr_test *t)
{
	struct thr *ths = calloc(t->nr_threads + 1, sizeof(*ths));
	struct thr *me = &ths[t->nr_threads];
	struct model_cfg cfg;
	pthread_t side;
	struct thr_block tb;
	int i, nid;
	bool ok = true;

	host_cfg_default(&cfg);
	cfg.chunks[1] = 2;
	for (i = 0; i < EDU_NR_CPUS; i++)
		cfg.cpu_node[i] = i % 2;
	cfg.wmark_min[0] = 32;
	cfg.wmark_min[1] = 32;
	cfg.batch = t->drainer ? 4 : 16;
	cfg.high = t->drainer ? 8 : 64;
	if (!ths || host_pool_create(&cfg)) {
		free(ths);
		return host_fail("pool setup failed");
	}
	pthread_mutex_init(&t->qlock, NULL);
	for (nid = 0; nid < 2; nid++) {
		t->owner[nid] = calloc(edu_nodes[nid]->span_pages, sizeof(int));
		if (!t->owner[nid])
			return host_fail("out of memory");
	}

	for (i = 0; i < t->nr_threads; i++) {
		ths[i].t = t;
		ths[i].id = i;
		ths[i].cpu = i % t->nr_cpus;
		ths[i].rand = (opt_seed + 1) * 0x9e3779b97f4a7c15UL * (i + 1) | 1;
		if (pthread_create(&ths[i].tid, NULL, thr_main, &ths[i]))
			return host_fail("pthread_create failed");
	}
	if (pthread_create(&side, NULL, thr_side, t))
		return host_fail("pthread_create failed");
	for (i = 0; i < t->nr_threads; i++)
		pthread_join(ths[i].tid, NULL);
	__atomic_store_n(&t->stop, true, __ATOMIC_RELAXED);
	pthread_join(side, NULL);

	/* Give everything back from here (CPU 0), then drain. */
	me->t = t;
	host_set_cpu(0);
	for (i = 0; ok && i < t->nr_threads; i++)
		while (ok && ths[i].nr_own)
			ok = thr_free(me, &ths[i].own[--ths[i].nr_own]);
	while (ok && thr_queue(t, &tb, false))
		ok = thr_free(me, &tb);
	for (nid = 0; nid < 2; nid++)
		edu_pcp_drain_node(edu_nodes[nid]);
	ok = ok && !host_error() && host_pool_whole() &&
	     thr_node_counters(t, ths, t->nr_threads + 1, 0) &&
	     thr_node_counters(t, ths, t->nr_threads + 1, 1);
	printf("# %s: %d threads on %d CPUs x %lu ops: %lu allocations",
	       t->name, t->nr_threads, t->nr_cpus, t->ops, t->allocs);
	printf(", %lu failed; %lu side lookups\n", t->failures, t->lookups);

	for (nid = 0; nid < 2; nid++)
		free(t->owner[nid]);
	free(ths);
	host_pool_destroy();
	return ok;
}

/* Mixed orders on two nodes; two pairs of threads share a CPU. */
static bool test_threads(void)
{
	static struct thr_test t;

	memset(&t, 0, sizeof(t));
	t.name = "threads";
	t.nr_threads = opt_threads;
	t.nr_cpus = opt_threads > 2 ? opt_threads - 2 : 1;
	t.ops = opt_ops;
	t.max_order = 6;
	t.nopcp_pct = 20;
	return thr_run(&t);
}

/*
 * Order 0 only, tiny lists, all threads on two CPUs and a thread draining
 * them all the time: the per-CPU locks and the refill/drain paths under
 * contention.
 */
static bool test_pcp_threads(void)
{
	static struct thr_test t;

	memset(&t, 0, sizeof(t));
	t.name = "pcp_threads";
	t.nr_threads = opt_threads;
	t.nr_cpus = 2;
	t.ops = opt_ops / 2;
	t.max_order = 0;
	t.nopcp_pct = 5;
	t.drainer = true;
	return thr_run(&t);
}

/* ---- the runner ---- */

static const char usage[] =
	"usage: %s [-s seed] [-n steps] [-T threads] [-o ops] [test]...\n";

static const struct host_test tests[] = {
	{ "setup", test_setup },
	{ "setup_fail", test_setup_fail },
	{ "split_merge", test_split_merge },
	{ "chunk_return", test_chunk_return },
	{ "wmark", test_wmark },
	{ "numa", test_numa },
	{ "pcp", test_pcp },
	{ "model_random", test_model_random },
	{ "threads", test_threads },
	{ "pcp_threads", test_pcp_threads },
};

int main(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "s:n:T:o:")) != -1) {
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
		default:
			fprintf(stderr, usage, argv[0]);
			return 2;
		}
	}
	if (opt_threads < 1)
		opt_threads = 1;
	return host_run_tests("buddy_test", tests, ARRAY_SIZE(tests), argc, argv);
}
