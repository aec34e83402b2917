// SPDX-License-Identifier: GPL-2.0-only
/*
 * The slab fast path: a per-CPU magazine of free objects per cache.
 *
 * Design choice.  SLUB (6.1) gives each CPU an active slab whose freelist
 * it pops with a cmpxchg_double on (freelist, tid), lockless but intricate:
 * frees of objects of other slabs take the slow path, and correctness rests
 * on the transaction id.  SLUB's newer "sheaves" (and SLAB's array_cache,
 * Bonwick's magazines) instead keep a small per-CPU array of object
 * pointers.  edualloc uses the array: allocation pops the top pointer,
 * free pushes it, whichever slab the object belongs to, so a free on
 * another CPU than the allocating one is as fast as a local one, and the
 * code stays readable.  The cost: objects sit in magazines instead of in
 * their slabs (at most mag_size per CPU per cache), which keeps some slabs
 * from emptying until a flush, and a magazine flush must look up each
 * object's slab.
 *
 * Exclusion: the magazine has a spinlock that only its own CPU takes on the
 * fast path, with preemption disabled (get_cpu_ptr()) so the task cannot
 * migrate between choosing the magazine and using it; another CPU takes it
 * only to flush (shrink, destroy).  Never contended in steady state, so its
 * cache line stays in the owning CPU's cache, like pcp.c's lists.
 *
 * Each magazine holds objects of one node, its "home" (the cache's
 * preferred node, else the CPU's own), so allocation stays node-local; an
 * object of another node is freed straight into its slab under that node's
 * lock (a remote free).  When a magazine is empty, a batch (mag_size / 2)
 * is taken from the node's partial slabs; when full, the older half goes
 * back to the slabs: refills and flushes amortise the node lock over a batch.
 */
#include "slab.h"
#include "trace_slab.h"

void *edu_cpu_alloc(struct edu_cache *c, int nid)
{
	void *objs[EDU_MAG_MAX];
	struct edu_cache_cpu *cc;
	unsigned int want, rest = 0;
	void *obj = NULL;
	int got, got_nid, home, i;

	cc = get_cpu_ptr(c->cpu);
	spin_lock(&cc->lock);
	home = cc->nid;
	if (cc->count && (nid == NUMA_NO_NODE || nid == home)) {
		obj = cc->objs[--cc->count];
		edu_stat(c, EDU_ST_ALLOC_FAST);
	}
	spin_unlock(&cc->lock);
	put_cpu_ptr(c->cpu);
	if (obj) {
		trace_edualloc_slab_obj_alloc(c->name, home, true);
		return obj;
	}

	/*
	 * Slow path, with no lock held: a new slab's bookkeeping is
	 * allocated with GFP_KERNEL.  Refill a batch for the home node; a
	 * request for another node gets a single object.
	 */
	if (nid == NUMA_NO_NODE)
		nid = home;
	want = nid == home ? c->batch : 1;
	got = edu_slab_take(c, nid, objs, max(want, 1U), &got_nid);
	if (got <= 0) {
		edu_stat(c, EDU_ST_ALLOC_FAIL);
		return NULL;
	}
	edu_stat(c, EDU_ST_ALLOC_SLOW);
	obj = objs[0];
	if (got > 1) {
		/* We may have moved to another CPU meanwhile: check again. */
		cc = get_cpu_ptr(c->cpu);
		spin_lock(&cc->lock);
		edu_stat(c, EDU_ST_REFILL);
		for (i = 1; i < got; i++) {
			if (got_nid == cc->nid && cc->count < c->mag_size)
				cc->objs[cc->count++] = objs[i];
			else
				objs[rest++] = objs[i];
		}
		spin_unlock(&cc->lock);
		put_cpu_ptr(c->cpu);
		if (rest)
			edu_slab_put_objs(c, objs, rest);
	}
	trace_edualloc_slab_obj_alloc(c->name, got_nid, false);
	return obj;
}

/* Flush the @nr oldest objects of @cc; called under cc->lock. */
static void edu_cpu_flush_locked(struct edu_cache *c, struct edu_cache_cpu *cc,
				 unsigned int nr)
{
	if (!nr)
		return;
	edu_slab_put_objs(c, cc->objs, nr);
	cc->count -= nr;
	memmove(cc->objs, cc->objs + nr, cc->count * sizeof(void *));
	edu_stat(c, EDU_ST_FLUSH);
	this_cpu_add(c->stats->n[EDU_ST_FLUSH_OBJS], nr);
}

/*
 * Free into this CPU's magazine.  Returns false when the object belongs
 * to another node than the magazine's: the caller frees it to its slab.
 */
bool edu_cpu_free(struct edu_cache *c, struct edu_slab *s, void *obj)
{
	struct edu_cache_cpu *cc;
	bool done = false;

	cc = get_cpu_ptr(c->cpu);
	spin_lock(&cc->lock);
	if (s->node->nid == cc->nid) {
		if (cc->count == c->mag_size)
			edu_cpu_flush_locked(c, cc, c->batch);
		cc->objs[cc->count++] = obj;
		edu_stat(c, EDU_ST_FREE_FAST);
		done = true;
	}
	spin_unlock(&cc->lock);
	put_cpu_ptr(c->cpu);
	if (!done)
		edu_stat(c, EDU_ST_REMOTE_FREE);
	return done;
}

/* Empty one CPU's magazine into the slabs; returns how many objects. */
unsigned int edu_cpu_flush(struct edu_cache *c, int cpu)
{
	struct edu_cache_cpu *cc = per_cpu_ptr(c->cpu, cpu);
	unsigned int nr;

	spin_lock(&cc->lock);
	nr = cc->count;
	edu_cpu_flush_locked(c, cc, nr);
	spin_unlock(&cc->lock);
	return nr;
}

unsigned int edu_cpu_flush_all(struct edu_cache *c)
{
	unsigned int nr = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		nr += edu_cpu_flush(c, cpu);
	return nr;
}

/* Objects sitting in magazines (a snapshot). */
unsigned long edu_cpu_cached(struct edu_cache *c)
{
	unsigned long nr = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		nr += READ_ONCE(per_cpu_ptr(c->cpu, cpu)->count);
	return nr;
}

int edu_cpu_setup(struct edu_cache *c)
{
	int cpu;

	c->cpu = alloc_percpu(struct edu_cache_cpu);
	if (!c->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct edu_cache_cpu *cc = per_cpu_ptr(c->cpu, cpu);

		spin_lock_init(&cc->lock);
		/* A CPU of a node without a pool: the nearest pooled node. */
		cc->nid = edu_cache_home(c, c->nid != NUMA_NO_NODE ? c->nid :
					 cpu_to_node(cpu));
	}
	return 0;
}
