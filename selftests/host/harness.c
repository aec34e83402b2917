// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host harness: the state behind edu_shim.h, pool set-up as in
 * module/pool.c, one operation at a time on the allocator and the model,
 * and the checks after each operation.
 *
 * The structural check (host_check_node()) needs no model.  It parses the
 * meta bytes of a node into blocks, which must tile the pool exactly (every
 * page a head or a tail of one aligned block), then holds the free lists,
 * the per-CPU lists and the test's own record of live blocks against that
 * tiling, and looks for free buddies left unmerged.  The model comparison
 * then checks what the tiling cannot show: that each outcome, counter and
 * free-list shape is the one the rules predict.
 */
#include <assert.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* ---- the state behind edu_shim.h ---- */

__thread char edu_thread_self;
__thread int edu_cpu;
__thread int edu_preempt_count;
__thread int edu_numa_node;
__thread int edu_migrate_pct;
static __thread unsigned long edu_migrate_rand;
int edu_distance[MAX_NUMNODES][MAX_NUMNODES];
int edu_fail_nth;
unsigned long edu_random_state = 1;
bool edu_cpu_online[EDU_NR_CPUS] = {
	[0 ... EDU_NR_CPUS - 1] = true,
};

int edu_cpu_node[EDU_NR_CPUS];
pthread_rwlock_t edu_cpu_hotplug_lock = PTHREAD_RWLOCK_INITIALIZER;

static_assert(MODEL_MAX_NODES == MAX_NUMNODES, "node ids differ");
static_assert(MODEL_MAX_CPUS >= EDU_NR_CPUS, "model has too few CPUs");
static_assert(MODEL_AF_SLAB == EDU_AF_SLAB, "slab flag differs");
static_assert(MODEL_CHUNK_PAGES == EDU_CHUNK_PAGES, "chunk size differs");

/* ---- CPUs: migration, hotplug, work items ---- */

/* At a point where the kernel could preempt the task: maybe move it. */
void edu_migrate(void)
{
	int cpu;

	if (!edu_migrate_rand)
		edu_migrate_rand = (unsigned long)&edu_thread_self | 1;
	if (host_rand(&edu_migrate_rand) % 100 >= (unsigned long)edu_migrate_pct)
		return;
	cpu = host_rand(&edu_migrate_rand) % EDU_NR_CPUS;
	if (cpu_online(cpu))
		host_set_cpu(cpu);
}

void edu_run_on_cpu(int cpu, void (*fn)(struct work_struct *),
		    struct work_struct *work)
{
	int self = edu_cpu, pct = edu_migrate_pct;

	EDU_SHIM_ASSERT(cpu >= 0 && cpu < EDU_NR_CPUS && cpu_online(cpu),
			"work queued on an offline CPU");
	/* A work item bound to a CPU stays on it (kworkers are bound). */
	edu_migrate_pct = 0;
	host_set_cpu(cpu);
	fn(work);
	EDU_SHIM_ASSERT(!edu_preempt_count, "work item left preemption off");
	host_set_cpu(self);
	edu_migrate_pct = pct;
}

/* edu_kswapd_wake(): buddy.c asks reclaim.c's kswapd to run; count it. */
unsigned long host_kswapd_wakeups[MAX_NUMNODES];

void edu_kswapd_wake(struct edu_node *n)
{
	__atomic_fetch_add(&host_kswapd_wakeups[n->nid], 1, __ATOMIC_RELAXED);
}

#define HOST_MAX_CPUHP		4

static int (*host_cpuhp_dead[HOST_MAX_CPUHP])(unsigned int cpu);

int edu_cpuhp_setup(int (*dead)(unsigned int cpu))
{
	int i;

	for (i = 0; i < HOST_MAX_CPUHP; i++) {
		if (!host_cpuhp_dead[i]) {
			host_cpuhp_dead[i] = dead;
			return 100 + i;	/* positive, as a dynamic state */
		}
	}
	return -ENOSPC;
}

/* After a failed test: forget what a layer left registered. */
void host_cpuhp_reset(void)
{
	memset(host_cpuhp_dead, 0, sizeof(host_cpuhp_dead));
}

void edu_cpuhp_remove(int state)
{
	EDU_SHIM_ASSERT(state >= 100 && state < 100 + HOST_MAX_CPUHP &&
			host_cpuhp_dead[state - 100], "unknown cpuhp state");
	host_cpuhp_dead[state - 100] = NULL;
}

/*
 * Take @cpu offline, as cpu_down() does: under the hotplug lock held for
 * writing, the CPU-dead callbacks run on another CPU (this thread's), and
 * pool.c's one, which drains the CPU's page lists.  No thread may run as
 * @cpu from now until host_cpu_up().
 */
void host_cpu_down(int cpu)
{
	int i, nid;

	pthread_rwlock_wrlock(&edu_cpu_hotplug_lock);
	__atomic_store_n(&edu_cpu_online[cpu], false, __ATOMIC_RELAXED);
	for (i = 0; i < HOST_MAX_CPUHP; i++)
		if (host_cpuhp_dead[i])
			host_cpuhp_dead[i](cpu);
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		if (edu_nodes[nid])
			edu_pcp_drain_cpu(edu_nodes[nid], cpu);
	pthread_rwlock_unlock(&edu_cpu_hotplug_lock);
}

void host_cpu_up(int cpu)
{
	pthread_rwlock_wrlock(&edu_cpu_hotplug_lock);
	__atomic_store_n(&edu_cpu_online[cpu], true, __ATOMIC_RELAXED);
	pthread_rwlock_unlock(&edu_cpu_hotplug_lock);
}

/* ---- printk ---- */

#define HOST_LOG_LINES		32

static char host_log_buf[HOST_LOG_LINES][256];
static unsigned long host_log_nr;	/* lines ever logged */
static pthread_mutex_t host_log_lock = PTHREAD_MUTEX_INITIALIZER;
bool host_log_echo;

/* vsnprintf() with the kernel's %pV; returns the length it wanted. */
static size_t host_vformat(char *buf, size_t size, const char *fmt,
			   va_list *ap)
{
	size_t n = 0;

	while (*fmt) {
		const char *start = fmt;
		char spec[32], conv;
		int lng = 0, len;

		if (*fmt != '%' || fmt[1] == '%') {
			if (n + 1 < size)
				buf[n] = *fmt;
			n++;
			fmt += *fmt == '%' ? 2 : 1;
			continue;
		}
		if (fmt[1] == 'p' && fmt[2] == 'V') {
			struct va_format *vaf = va_arg(*ap, struct va_format *);
			va_list copy;

			va_copy(copy, *vaf->va);
			n += host_vformat(buf + min(n, size), size - min(n, size),
					  vaf->fmt, &copy);
			va_end(copy);
			fmt += 3;
			continue;
		}
		for (fmt++; *fmt && strchr("-+ #0123456789.", *fmt); fmt++)
			;
		for (; *fmt == 'l' || *fmt == 'z' || *fmt == 'h'; fmt++)
			lng += *fmt == 'l' || *fmt == 'z';
		conv = *fmt++;
		EDU_SHIM_ASSERT(fmt - start < (long)sizeof(spec),
				"printk: conversion too long");
		memcpy(spec, start, fmt - start);
		spec[fmt - start] = '\0';
		if (n >= size)
			n = size ? size - 1 : 0;
		switch (conv) {
		case 'd':
		case 'i':
			len = lng ? snprintf(buf + n, size - n, spec,
					     va_arg(*ap, long)) :
				    snprintf(buf + n, size - n, spec,
					     va_arg(*ap, int));
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			len = lng ? snprintf(buf + n, size - n, spec,
					     va_arg(*ap, unsigned long)) :
				    snprintf(buf + n, size - n, spec,
					     va_arg(*ap, unsigned int));
			break;
		case 'c':
			len = snprintf(buf + n, size - n, spec, va_arg(*ap, int));
			break;
		case 's':
			len = snprintf(buf + n, size - n, spec,
				       va_arg(*ap, const char *));
			break;
		case 'p':
			len = snprintf(buf + n, size - n, spec,
				       va_arg(*ap, void *));
			break;
		default:
			EDU_SHIM_ASSERT(0, "printk: unknown conversion");
			len = 0;
		}
		n += len;
	}
	if (size)
		buf[min(n, size - 1)] = '\0';
	return n;
}

void edu_printk(char level, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	line[0] = level;
	line[1] = ' ';
	host_vformat(line + 2, sizeof(line) - 2, fmt, &ap);
	va_end(ap);
	pthread_mutex_lock(&host_log_lock);
	strcpy(host_log_buf[host_log_nr++ % HOST_LOG_LINES], line);
	pthread_mutex_unlock(&host_log_lock);
	if (host_log_echo)
		fprintf(stderr, "%s", line);
}

unsigned long host_log_count(void)
{
	return __atomic_load_n(&host_log_nr, __ATOMIC_RELAXED);
}

/* Line @nr (counted from 0 since the start), if still kept, else "". */
const char *host_log_line(unsigned long nr)
{
	if (nr >= host_log_count() || nr + HOST_LOG_LINES < host_log_count())
		return "";
	return host_log_buf[nr % HOST_LOG_LINES];
}

/* ---- failures ---- */

bool host_abort_on_fail;
static char host_msg[512];
static bool host_failed;
static pthread_mutex_t host_msg_lock = PTHREAD_MUTEX_INITIALIZER;

bool host_fail(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&host_msg_lock);
	if (!host_failed) {
		va_start(ap, fmt);
		vsnprintf(host_msg, sizeof(host_msg), fmt, ap);
		va_end(ap);
		host_failed = true;
	}
	pthread_mutex_unlock(&host_msg_lock);
	if (host_abort_on_fail) {
		fprintf(stderr, "host: %s\n", host_msg);
		abort();
	}
	return false;
}

const char *host_error(void)
{
	return host_failed ? host_msg : NULL;
}

void host_clear_error(void)
{
	host_failed = false;
	host_msg[0] = '\0';
}

/* ---- pools ---- */

#define HOST_CHUNK_BYTES	(EDU_CHUNK_PAGES * PAGE_SIZE)

/* Chunks are kept across pools: the fuzzer builds one per input. */
static void *host_chunk_mem[MAX_NUMNODES][HOST_MAX_CHUNKS];

/* Scratch for the checks, per node. */
static struct host_aux {
	u8 *seen;		/* page already met on a list */
} host_aux[MAX_NUMNODES];
static unsigned long host_check_rand = 1;

void host_set_cpu(int cpu)
{
	edu_cpu = cpu;
	edu_numa_node = edu_cpu_node[cpu];
}

void host_pool_destroy(void)
{
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_node *n = edu_nodes[nid];

		free(host_aux[nid].seen);
		host_aux[nid].seen = NULL;
		if (!n)
			continue;
		edu_nodes[nid] = NULL;
		edu_pcp_teardown(n);
		edu_node_teardown(n);
		kfree(n);
	}
}

static int host_node_create(const struct model_cfg *cfg, int nid)
{
	unsigned long min = cfg->wmark_min[nid];
	struct edu_node *n;
	unsigned int c;

	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	if (edu_node_setup(n, nid, cfg->chunks[nid])) {
		kfree(n);
		return -ENOMEM;
	}
	if (edu_pcp_setup(n, cfg->batch, cfg->high)) {
		edu_node_teardown(n);
		kfree(n);
		return -ENOMEM;
	}
	edu_nodes[nid] = n;
	for (c = 0; c < cfg->chunks[nid]; c++) {
		void **mem = &host_chunk_mem[nid][c];

		if (!*mem)
			*mem = aligned_alloc(HOST_CHUNK_BYTES, HOST_CHUNK_BYTES);
		if (!*mem)
			return -ENOMEM;
		n->chunks[c].vaddr = *mem;
		n->chunks[c].pfn = (unsigned long)*mem >> PAGE_SHIFT;
		edu_node_add_chunk(n, c);
	}
	edu_node_set_wmarks(n, min, min + min / 4, min + min / 2);
	host_aux[nid].seen = calloc(n->span_pages, 1);
	if (!host_aux[nid].seen)
		return -ENOMEM;
	return 0;
}

/* Nodes, chunks, marks and per-CPU lists as module/pool.c sets them up. */
int host_pool_create(const struct model_cfg *cfg)
{
	int nid, cpu;

	if (cfg->nr_cpus != EDU_NR_CPUS || cfg->batch < 1 ||
	    cfg->high < cfg->batch)
		return -EINVAL;
	memcpy(edu_distance, cfg->distance, sizeof(edu_distance));
	for (cpu = 0; cpu < EDU_NR_CPUS; cpu++)
		edu_cpu_node[cpu] = cfg->cpu_node[cpu];
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		if (cfg->chunks[nid] > HOST_MAX_CHUNKS)
			return -EINVAL;
		if (cfg->chunks[nid] && host_node_create(cfg, nid)) {
			host_pool_destroy();
			return -ENOMEM;
		}
	}
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		if (edu_nodes[nid])
			edu_node_build_fallback(edu_nodes[nid]);
	host_set_cpu(0);
	host_check_rand = 1;
	return 0;
}

/* ---- the structural check ---- */

#define HOST_MAX_PCP		1024	/* longest per-CPU list checked */

/* Walk one free or per-CPU list; every entry must head a block as listed. */
static bool host_check_list(struct edu_node *n, struct list_head *list,
			    u8 want, unsigned long nr, const char *what)
{
	struct host_aux *aux = &host_aux[n->nid];
	unsigned int order = EDU_PM_ORDER(want);
	struct list_head *pos;
	unsigned long seen = 0;

	for (pos = list->next; pos != list; pos = pos->next) {
		struct edu_free_page *fp;

		fp = list_entry(pos, struct edu_free_page, link);
		if (pos->next->prev != pos)
			return host_fail("node %d %s: list corrupted",
					 n->nid, what);
		if (++seen > nr)
			return host_fail("node %d %s: more entries than %lu",
					 n->nid, what, nr);
		if (fp->idx >= n->span_pages ||
		    (void *)fp != edu_idx_to_virt(n, fp->idx))
			return host_fail("node %d %s: entry at %p claims page %lu",
					 n->nid, what, (void *)fp, fp->idx);
		if (n->meta[fp->idx] != want)
			return host_fail("node %d %s: page %lu meta %#x, want %#x",
					 n->nid, what, fp->idx,
					 n->meta[fp->idx], want);
		if (fp->idx % (1UL << order) ||
		    edu_idx_to_pfn(n, fp->idx) % (1UL << order))
			return host_fail("node %d %s: page %lu misaligned",
					 n->nid, what, fp->idx);
		if (aux->seen[fp->idx]++)
			return host_fail("node %d %s: page %lu listed twice",
					 n->nid, what, fp->idx);
	}
	if (seen != nr)
		return host_fail("node %d %s: %lu entries, counted %lu",
				 n->nid, what, seen, nr);
	return true;
}

static bool host_check_lookup(struct edu_node *n, unsigned long idx,
			      unsigned long want)
{
	unsigned long head;
	unsigned int order, state;
	u8 m = n->meta[want];

	if (edu_lookup_idx(n, idx, &head, &order, &state) || head != want ||
	    order != EDU_PM_ORDER(m) || state != EDU_PM_STATE(m))
		return host_fail("node %d: lookup of page %lu wrong (head %lu)",
				 n->nid, idx, want);
	return true;
}

/*
 * Check node @n on its own.  @live: the test's @nr_live live blocks
 * (1 + order, | MODEL_LIVE_SLAB, at their heads), or NULL to skip that.
 * edu_lookup_idx() is tried on every page, or on a few random ones.
 */
bool host_check_node(struct edu_node *n, const u8 *live,
		     unsigned long nr_live, bool lookups_all)
{
	static const u8 tails[EDU_CHUNK_PAGES];	/* EDU_PM(EDU_PM_TAIL, 0) */
	struct host_aux *aux = &host_aux[n->nid];
	unsigned long nr_free[EDU_NR_ORDERS] = { 0 };
	unsigned long free_pages = 0, pcp_pages = 0, used = 0, absent = 0;
	unsigned long sample[4], idx, i;
	unsigned int o;
	bool slab;
	int cpu;

	if (n->span_pages != n->nr_chunks * EDU_CHUNK_PAGES)
		return host_fail("node %d: span_pages %lu", n->nid,
				 n->span_pages);
	for (i = 0; i < ARRAY_SIZE(sample); i++)
		sample[i] = host_rand(&host_check_rand) % n->span_pages;

	/* The meta bytes must tile the pool with aligned blocks. */
	for (idx = 0; idx < n->span_pages; idx += 1UL << o) {
		u8 m = n->meta[idx];
		unsigned int st = EDU_PM_STATE(m);
		unsigned long end;

		o = EDU_PM_ORDER(m);
		end = idx + (1UL << o);
		if (st == EDU_PM_TAIL || st > EDU_PM_ABSENT ||
		    (st == EDU_PM_ABSENT && o != EDU_MAX_ORDER) ||
		    o > EDU_MAX_ORDER || idx % (1UL << o))
			return host_fail("node %d page %lu: meta %#x where a block should start",
					 n->nid, idx, m);
		if (memcmp(&n->meta[idx + 1], tails, end - idx - 1))
			for (i = idx + 1; i < end; i++)
				if (n->meta[i] != EDU_PM(EDU_PM_TAIL, 0))
					return host_fail("node %d page %lu: meta %#x in block %lu",
							 n->nid, i, n->meta[i],
							 idx);
		switch (st) {
		case EDU_PM_FREE:
			nr_free[o]++;
			free_pages += 1UL << o;
			if (o < EDU_MAX_ORDER &&
			    n->meta[idx ^ (1UL << o)] == m)
				return host_fail("node %d: buddies %lu, %lu (order %u) unmerged",
						 n->nid, idx,
						 idx ^ (1UL << o), o);
			break;
		case EDU_PM_PCP:
			if (o)
				return host_fail("node %d page %lu: per-CPU block of order %u",
						 n->nid, idx, o);
			pcp_pages++;
			break;
		case EDU_PM_ABSENT:	/* a chunk given back */
			absent += 1UL << o;
			break;
		default:
			used += 1UL << o;
			if (!live)
				break;
			slab = st == EDU_PM_SLAB;
			if ((live[idx] & ~MODEL_LIVE_SLAB) != 1 + o ||
			    slab != !!(live[idx] & MODEL_LIVE_SLAB))
				return host_fail("node %d: block %lu order %u: not the test's",
						 n->nid, idx, o);
			nr_live--;
		}
		for (i = 0; i < ARRAY_SIZE(sample); i++)
			if (sample[i] >= idx && sample[i] < end &&
			    !host_check_lookup(n, sample[i], idx))
				return false;
		for (i = idx; lookups_all && i < end; i++)
			if (!host_check_lookup(n, i, idx))
				return false;
	}
	if (free_pages != n->free_pages ||
	    free_pages + pcp_pages + used != n->pool_pages ||
	    n->pool_pages + absent != n->span_pages)
		return host_fail("node %d: free %lu (%lu) + pcp %lu + used %lu != %lu, %lu absent",
				 n->nid, free_pages, n->free_pages, pcp_pages,
				 used, n->pool_pages, absent);
	/* Each allocated block was one of the test's: now, all of those. */
	if (live && nr_live)
		return host_fail("node %d: %lu live blocks not allocated",
				 n->nid, nr_live);

	/* The lists must hold exactly the blocks the meta bytes say. */
	memset(aux->seen, 0, n->span_pages);
	for (o = 0; o <= EDU_MAX_ORDER; o++) {
		if (n->free_area[o].nr_free != nr_free[o])
			return host_fail("node %d: nr_free[%u] %lu, blocks %lu",
					 n->nid, o, n->free_area[o].nr_free,
					 nr_free[o]);
		if (!host_check_list(n, &n->free_area[o].free_list,
				     EDU_PM(EDU_PM_FREE, o), nr_free[o],
				     "free list"))
			return false;
	}
	for (cpu = 0; cpu < EDU_NR_CPUS; cpu++) {
		struct edu_pcp *pcp = per_cpu_ptr(n->pcp, cpu);

		if (pcp->count < 0 || pcp->count > pcp->high ||
		    pcp->count > HOST_MAX_PCP)
			return host_fail("node %d cpu %d: pcp count %d",
					 n->nid, cpu, pcp->count);
		if (!host_check_list(n, &pcp->list, EDU_PM(EDU_PM_PCP, 0),
				     pcp->count, "pcp list"))
			return false;
		pcp_pages -= pcp->count;
	}
	if (pcp_pages)
		return host_fail("node %d: per-CPU pages on no list", n->nid);
	return true;
}

/* Every node back to what it was built as: each chunk one free block. */
bool host_pool_whole(void)
{
	unsigned int o, c;
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_node *n = edu_nodes[nid];

		if (!n)
			continue;
		if (!host_check_node(n, NULL, 0, true))
			return false;
		if (edu_pcp_pages(n) || n->free_pages != n->pool_pages)
			return host_fail("node %d: %lu per-CPU, %lu of %lu free",
					 nid, edu_pcp_pages(n), n->free_pages,
					 n->pool_pages);
		for (o = 0; o < EDU_MAX_ORDER; o++)
			if (n->free_area[o].nr_free)
				return host_fail("node %d: order %u blocks left",
						 nid, o);
		for (c = 0; c < n->nr_chunks; c++)
			if (n->meta[c * EDU_CHUNK_PAGES] !=
			    EDU_PM(EDU_PM_FREE, EDU_MAX_ORDER))
				return host_fail("node %d: chunk %u not whole",
						 nid, c);
	}
	return true;
}

/* ---- operations with the model ---- */

int host_world_init(struct host_world *w, const struct model_cfg *cfg,
		    unsigned int max_live, unsigned int seed)
{
	int nid;

	memset(w, 0, sizeof(*w));
	w->seed = seed;
	w->max_live = max_live;
	w->live = calloc(max_live, sizeof(*w->live));
	if (!w->live || model_init(&w->model, cfg))
		goto err;
	if (host_pool_create(cfg)) {
		model_destroy(&w->model);
		goto err;
	}
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		if (!edu_nodes[nid])
			continue;
		w->live_map[nid] = calloc(edu_nodes[nid]->span_pages, 1);
		if (!w->live_map[nid]) {
			host_world_destroy(w);
			return -ENOMEM;
		}
	}
	return 0;
err:
	free(w->live);
	return -ENOMEM;
}

void host_world_destroy(struct host_world *w)
{
	int nid;

	host_pool_destroy();
	model_destroy(&w->model);
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		free(w->live_map[nid]);
	free(w->live);
	memset(w, 0, sizeof(*w));
}

/* The first and last word of a block the test owns carry its identity. */
static unsigned long host_stamp(int nid, unsigned long idx)
{
	return 0x5eedb10c00000000UL ^ ((unsigned long)nid << 48) ^ idx;
}

static unsigned long *host_block_word(const struct host_block *b, bool last)
{
	char *p = edu_idx_to_virt(edu_nodes[b->nid], b->idx);

	if (last)
		p += (PAGE_SIZE << b->order) - sizeof(unsigned long);
	return (unsigned long *)p;
}

static bool host_do_alloc(struct host_world *w, const struct host_op *op)
{
	struct edu_page_ref ref = { 0 };
	struct model_pred pred;
	struct host_block *b;
	const char *err;
	struct edu_node *n;
	int ret;

	model_alloc(&w->model, op->nid, op->order, op->flags, op->cpu, &pred);
	ret = edu_alloc_pages(op->nid, op->order, op->flags, &ref);
	if (ret != pred.err)
		return host_fail("alloc node %d order %u flags %#x cpu %d: got %d, model %d",
				 op->nid, op->order, op->flags, op->cpu, ret,
				 pred.err);
	if (ret)
		return true;
	n = ref.node;
	if (n->nid != pred.nid || ref.pcp != pred.pcp ||
	    ref.fallback != pred.fallback || ref.order != op->order)
		return host_fail("alloc %d/%u/%#x: node %d pcp %d fallback %d, model %d %d %d",
				 op->nid, op->order, op->flags, n->nid,
				 ref.pcp, ref.fallback, pred.nid, pred.pcp,
				 pred.fallback);
	if (ref.idx >= n->span_pages || ref.idx % (1UL << op->order) ||
	    edu_idx_to_pfn(n, ref.idx) % (1UL << op->order) ||
	    EDU_PM_STATE(n->meta[ref.idx]) !=
	    (op->flags & EDU_AF_SLAB ? EDU_PM_SLAB : EDU_PM_ALLOC))
		return host_fail("alloc: node %d block %lu order %u: not fresh, aligned",
				 n->nid, ref.idx, op->order);
	err = model_alloc_place(&w->model, &pred, ref.idx);
	if (err)
		return host_fail("alloc order %u flags %#x: block %lu: %s",
				 op->order, op->flags, ref.idx, err);
	if (w->nr_live == w->max_live)
		return host_fail("test: too many live blocks");
	b = &w->live[w->nr_live++];
	b->nid = n->nid;
	b->idx = ref.idx;
	b->order = op->order;
	b->slab = op->flags & EDU_AF_SLAB;
	w->live_map[b->nid][b->idx] = (1 + b->order) |
				      (b->slab ? MODEL_LIVE_SLAB : 0);
	w->nr_live_on[b->nid]++;
	*host_block_word(b, false) = host_stamp(b->nid, b->idx);
	*host_block_word(b, true) = host_stamp(b->nid, b->idx);
	return true;
}

static bool host_do_free(struct host_world *w, const struct host_op *op)
{
	struct host_block b;
	const char *err;
	unsigned int k;

	if (!w->nr_live)
		return true;
	k = op->pick % w->nr_live;
	b = w->live[k];
	w->live[k] = w->live[--w->nr_live];
	if (*host_block_word(&b, false) != host_stamp(b.nid, b.idx) ||
	    *host_block_word(&b, true) != host_stamp(b.nid, b.idx))
		return host_fail("node %d block %lu order %u: overwritten while live",
				 b.nid, b.idx, b.order);
	w->live_map[b.nid][b.idx] = 0;
	w->nr_live_on[b.nid]--;
	edu_free_pages(edu_nodes[b.nid], b.idx, b.order);
	err = model_free(&w->model, b.nid, b.idx, b.order, op->cpu);
	if (err)
		return host_fail("free %lu: %s", b.idx, err);
	return true;
}

/* Tell the model what node @nid's per-CPU lists hold now. */
static bool host_sync_pcp(struct host_world *w, int nid)
{
	struct edu_node *n = edu_nodes[nid];
	unsigned long idx[HOST_MAX_PCP];
	const char *err;
	int cpu;

	for (cpu = 0; cpu < EDU_NR_CPUS; cpu++) {
		struct edu_pcp *pcp = per_cpu_ptr(n->pcp, cpu);
		struct list_head *pos;
		int nr = 0;

		/* host_check_node() has vetted the list and its length. */
		for (pos = pcp->list.next; pos != &pcp->list; pos = pos->next)
			idx[nr++] = list_entry(pos, struct edu_free_page,
					       link)->idx;
		err = model_sync_pcp(&w->model, nid, cpu, idx, nr);
		if (err)
			return host_fail("node %d cpu %d: %s", nid, cpu, err);
	}
	return true;
}

/* Node @nid of the core against the model. */
static bool host_compare_node(struct host_world *w, int nid)
{
	struct edu_node *n = edu_nodes[nid];
	struct model_node *mn = &w->model.node[nid];
	struct list_head *pos, *head;
	unsigned long i;
	unsigned int o;
	int cpu;

	if (n->free_pages != mn->free_pages)
		return host_fail("node %d: %lu free pages, model %lu",
				 nid, n->free_pages, mn->free_pages);
	for (o = 0; o <= EDU_MAX_ORDER; o++) {
		if (n->free_area[o].nr_free != mn->nr_free[o])
			return host_fail("node %d: %lu free blocks of order %u, model %lu",
					 nid, n->free_area[o].nr_free, o,
					 mn->nr_free[o]);
		/* Equal counts, each one of the model's: the same blocks. */
		head = &n->free_area[o].free_list;
		for (pos = head->next; pos != head; pos = pos->next) {
			i = list_entry(pos, struct edu_free_page, link)->idx;
			if (mn->canon[i] != 1 + o)
				return host_fail("node %d: free block %lu order %u not the model's",
						 nid, i, o);
		}
		if (n->allocs[o] != mn->allocs[o] ||
		    n->frees[o] != mn->frees[o])
			return host_fail("node %d order %u: allocs/frees %lu/%lu, model %lu/%lu",
					 nid, o, n->allocs[o], n->frees[o],
					 mn->allocs[o], mn->frees[o]);
	}
	if (n->splits != mn->splits || n->merges != mn->merges)
		return host_fail("node %d: splits/merges %lu/%lu, model %lu/%lu",
				 nid, n->splits, n->merges, mn->splits,
				 mn->merges);
	if (atomic_long_read(&n->fallbacks) != (long)mn->fallbacks ||
	    atomic_long_read(&n->failures) != (long)mn->failures)
		return host_fail("node %d: fallbacks/failures %ld/%ld, model %lu/%lu",
				 nid, atomic_long_read(&n->fallbacks),
				 atomic_long_read(&n->failures),
				 mn->fallbacks, mn->failures);
	if (atomic_long_read(&n->drain_retries) != (long)mn->drain_retries)
		return host_fail("node %d: drain retries %ld, model %lu", nid,
				 atomic_long_read(&n->drain_retries),
				 mn->drain_retries);
	for (cpu = 0; cpu < EDU_NR_CPUS; cpu++) {
		struct edu_pcp *pcp = per_cpu_ptr(n->pcp, cpu);
		struct model_pcp *mp = &mn->pcp[cpu];

		/* Per-CPU hits, frees, refills, drains. */
		if (pcp->alloc_hits != mp->alloc_hits ||
		    pcp->free_hits != mp->free_hits ||
		    pcp->refills != mp->refills || pcp->drains != mp->drains)
			return host_fail("node %d cpu %d: %lu %lu %lu %lu, model %lu %lu %lu %lu",
					 nid, cpu, pcp->alloc_hits,
					 pcp->free_hits, pcp->refills,
					 pcp->drains, mp->alloc_hits,
					 mp->free_hits, mp->refills,
					 mp->drains);
	}
	return true;
}

/* The core against the model, after one step. */
static bool host_compare(struct host_world *w)
{
	const char *err;
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++)
		if (edu_nodes[nid] && !host_sync_pcp(w, nid))
			return false;
	err = model_end_step(&w->model);
	if (err)
		return host_fail("model: %s", err);
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		if (edu_nodes[nid] && !host_compare_node(w, nid))
			return false;
	return true;
}

/* One operation on allocator and model, then every check. */
bool host_step(struct host_world *w, const struct host_op *op)
{
	struct edu_node *n = op->nid >= 0 && op->nid < MAX_NUMNODES ?
			     edu_nodes[op->nid] : NULL;
	unsigned long got, want;
	bool ok = true;
	int nid;

	host_set_cpu(op->cpu);
	switch (op->kind) {
	case HOST_OP_ALLOC:
		ok = host_do_alloc(w, op);
		break;
	case HOST_OP_FREE:
		ok = host_do_free(w, op);
		break;
	case HOST_OP_DRAIN_CPU:
	case HOST_OP_DRAIN_NODE:
		if (!n)
			break;
		if (op->kind == HOST_OP_DRAIN_CPU) {
			got = edu_pcp_drain_cpu(n, op->cpu);
			want = model_drain_cpu(&w->model, op->nid, op->cpu);
		} else {
			got = edu_pcp_drain_node(n);
			want = model_drain_node(&w->model, op->nid);
		}
		if (got != want)
			ok = host_fail("node %d: drained %lu, model %lu",
				       op->nid, got, want);
		break;
	}
	w->steps++;
	if (ok && edu_preempt_count)
		ok = host_fail("preempt count %d after an operation",
			       edu_preempt_count);
	for (nid = 0; ok && nid < MAX_NUMNODES; nid++)
		if (edu_nodes[nid])
			ok = host_check_node(edu_nodes[nid], w->live_map[nid],
					     w->nr_live_on[nid], false);
	return ok && host_compare(w);
}

/* Free every live block, drain every list: the pool must be whole again. */
bool host_release_all(struct host_world *w)
{
	struct host_op op = { .kind = HOST_OP_FREE };
	int nid;

	while (w->nr_live) {
		op.cpu = w->nr_live % EDU_NR_CPUS;
		op.pick = w->nr_live - 1;
		if (!host_step(w, &op))
			return false;
	}
	op.kind = HOST_OP_DRAIN_NODE;
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		op.nid = nid;
		if (edu_nodes[nid] && !host_step(w, &op))
			return false;
	}
	return host_pool_whole();
}

/* Is @name among the test names after the options (all when none)? */
static bool host_test_wanted(const char *name, int argc, char **argv)
{
	int i;

	if (optind >= argc)
		return true;
	for (i = optind; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

/*
 * Run the wanted tests, one "ok N - name (time)" line each, the first
 * failure message before a "not ok"; a summary line for make run to read.
 * Returns the exit status.
 */
int host_run_tests(const char *prog, const struct host_test *tests,
		   unsigned int nr, int argc, char **argv)
{
	unsigned int i, done = 0, failed = 0;
	struct timespec t0, t1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < nr; i++) {
		bool ok;

		if (!host_test_wanted(tests[i].name, argc, argv))
			continue;
		host_clear_error();
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ok = tests[i].fn() && !host_error();
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (host_error())
			printf("# %s\n", host_error());
		printf("%sok %u - %s (%.1f s)\n", ok ? "" : "not ", ++done,
		       tests[i].name, (t1.tv_sec - t0.tv_sec) +
		       (t1.tv_nsec - t0.tv_nsec) / 1e9);
		failed += !ok;
	}
	printf("# %s: %u passed, %u failed\n", prog, done - failed, failed);
	return failed ? 1 : 0;
}

/*
 * The usual world of the host tests: four nodes at uneven distances, CPUs
 * spread over nodes 0-2; pools on node 0 (two chunks) and 1 (one chunk).
 */
void host_cfg_default(struct model_cfg *cfg)
{
	static const int dist[MAX_NUMNODES][MAX_NUMNODES] = {
		{ 10, 20, 30, 25 },
		{ 20, 10, 15, 40 },
		{ 30, 15, 10, 20 },
		{ 25, 40, 20, 10 },
	};
	int cpu;

	memset(cfg, 0, sizeof(*cfg));
	cfg->nr_cpus = EDU_NR_CPUS;
	for (cpu = 0; cpu < EDU_NR_CPUS; cpu++)
		cfg->cpu_node[cpu] = cpu % 3;
	memcpy(cfg->distance, dist, sizeof(dist));
	cfg->chunks[0] = 2;
	cfg->chunks[1] = 1;
	cfg->wmark_min[0] = 48;
	cfg->wmark_min[1] = 20;
	cfg->batch = 8;
	cfg->high = 24;
}
