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
 * Exclusion: a magazine belongs to its CPU.  The fast paths run with
 * preemption disabled (local_lock(), which on !PREEMPT_RT is just that,
 * plus lockdep's view), so the task cannot migrate between choosing the
 * magazine and using it; no interrupt handler touches a magazine.  No
 * atomic instruction, no shared cache line: about what SLUB's
 * this_cpu_cmpxchg_double fast path costs.  Other CPUs never touch the
 * magazine of an online CPU: to flush it (shrink, destroy, validate) they
 * queue a work item on its CPU and wait for it, as SLUB's flush_all()
 * does (an IPI would run the flush in hard-irq context, where the node
 * and buddy locks, plain spin_lock()s, must not be taken).  The magazine
 * of an offline CPU is emptied by the CPU-dead callback, or by a flush
 * holding cpus_read_lock(), which keeps the CPU offline meanwhile.
 *
 * Each magazine holds objects of one node, its "home" (the cache's
 * preferred node, else the CPU's own), so allocation stays node-local; an
 * object of another node is freed straight into its slab under that node's
 * lock (a remote free).  When a magazine is empty, a batch (mag_size / 2)
 * is taken from the node's partial slabs; when full, the older half goes
 * back to the slabs: refills and flushes amortise the node lock over a batch.
 */
#include "mm_env.h"
#include "slab.h"

/* One flush request per CPU: edu_cpu_flush_all() queues them. */
struct edu_cpu_flush_work {
	struct work_struct work;
	struct edu_cache *cache;
	unsigned int nr;		/* objects flushed */
	bool queued;
};

static DEFINE_PER_CPU(struct edu_cpu_flush_work, edu_cpu_flush_works);
/* Serialises the users of edu_cpu_flush_works; nests in cpus_read_lock. */
static DEFINE_MUTEX(edu_cpu_flush_mutex);

/*
 * The slow path, with no lock held: a new slab's bookkeeping is allocated
 * with GFP_KERNEL.  Refill a batch for the home node; a request for
 * another node gets a single object.
 */
static noinline void *edu_cpu_alloc_slow(struct edu_cache *c, int nid,
					 int home)
{
	void *objs[EDU_MAG_MAX];
	struct edu_cache_cpu *cc;
	unsigned int want, rest = 0;
	int got, got_nid, i;
	void *obj;

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
		local_lock(&c->cpu->lock);
		cc = this_cpu_ptr(c->cpu);
		edu_stat(c, EDU_ST_REFILL);
		for (i = 1; i < got; i++) {
			if (got_nid == cc->nid && cc->count < c->mag_size) {
				cc->objs[cc->count] = objs[i];
				WRITE_ONCE(cc->count, cc->count + 1);
			} else {
				objs[rest++] = objs[i];
			}
		}
		local_unlock(&c->cpu->lock);
		if (rest)
			edu_slab_put_objs(c, objs, rest);
	}
	trace_edualloc_slab_obj_alloc(c->name, got_nid, false);
	return obj;
}

void *edu_cpu_alloc(struct edu_cache *c, int nid)
{
	struct edu_cache_cpu *cc;
	void *obj = NULL;
	int home;

	local_lock(&c->cpu->lock);
	cc = this_cpu_ptr(c->cpu);
	home = cc->nid;
	if (likely(cc->count) && (nid == NUMA_NO_NODE || nid == home)) {
		WRITE_ONCE(cc->count, cc->count - 1);
		obj = cc->objs[cc->count];
		/* A stale copy would hide a leak from kmemleak (slab.h). */
		cc->objs[cc->count] = NULL;
		edu_stat(c, EDU_ST_ALLOC_FAST);
	}
	local_unlock(&c->cpu->lock);
	if (likely(obj)) {
		trace_edualloc_slab_obj_alloc(c->name, home, true);
		return obj;
	}
	return edu_cpu_alloc_slow(c, nid, home);
}

/*
 * Flush the @nr oldest objects of @cc: under its local lock on its CPU,
 * or for an offline CPU that cannot come back meanwhile.
 */
static void edu_cpu_flush_locked(struct edu_cache *c, struct edu_cache_cpu *cc,
				 unsigned int nr)
{
	if (!nr)
		return;
	edu_slab_put_objs(c, cc->objs, nr);
	WRITE_ONCE(cc->count, cc->count - nr);
	memmove(cc->objs, cc->objs + nr, cc->count * sizeof(void *));
	memset(cc->objs + cc->count, 0, nr * sizeof(void *));
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

	local_lock(&c->cpu->lock);
	cc = this_cpu_ptr(c->cpu);
	if (unlikely(s->nid != cc->nid)) {
		local_unlock(&c->cpu->lock);
		edu_stat(c, EDU_ST_REMOTE_FREE);
		return false;
	}
	if (unlikely(cc->count == c->mag_size))
		edu_cpu_flush_locked(c, cc, c->batch);
	cc->objs[cc->count] = obj;
	WRITE_ONCE(cc->count, cc->count + 1);
	edu_stat(c, EDU_ST_FREE_FAST);
	local_unlock(&c->cpu->lock);
	return true;
}

/* Work item: empty this CPU's magazine of the cache asked for. */
static void edu_cpu_flush_fn(struct work_struct *work)
{
	struct edu_cpu_flush_work *fw =
		container_of(work, struct edu_cpu_flush_work, work);
	struct edu_cache *c = fw->cache;
	struct edu_cache_cpu *cc;

	local_lock(&c->cpu->lock);
	cc = this_cpu_ptr(c->cpu);
	fw->nr = cc->count;
	edu_cpu_flush_locked(c, cc, cc->count);
	local_unlock(&c->cpu->lock);
}

/*
 * Empty the magazine of @cpu, which is offline and stays so (CPU-dead
 * callback, or cpus_read_lock() held): nothing else can touch it.
 */
static unsigned int edu_cpu_flush_offline(struct edu_cache *c,
					  unsigned int cpu)
{
	struct edu_cache_cpu *cc = per_cpu_ptr(c->cpu, cpu);
	unsigned int nr = cc->count;

	edu_cpu_flush_locked(c, cc, nr);
	return nr;
}

/* CPU-dead callback (slab.c): give the dead CPU's objects back. */
void edu_cpu_flush_dead(struct edu_cache *c, unsigned int cpu)
{
	edu_cpu_flush_offline(c, cpu);
}

/*
 * Empty every CPU's magazine into the slabs; returns how many objects.
 * Each online CPU empties its own, in a work item (may sleep).  Objects
 * freed after the call started may stay in magazines.
 */
unsigned int edu_cpu_flush_all(struct edu_cache *c)
{
	struct edu_cpu_flush_work *fw;
	unsigned int nr = 0;
	int cpu;

	might_sleep();
	cpus_read_lock();
	mutex_lock(&edu_cpu_flush_mutex);
	for_each_online_cpu(cpu) {
		fw = per_cpu_ptr(&edu_cpu_flush_works, cpu);
		fw->queued = false;
		if (!READ_ONCE(per_cpu_ptr(c->cpu, cpu)->count))
			continue;
		INIT_WORK(&fw->work, edu_cpu_flush_fn);
		fw->cache = c;
		fw->nr = 0;
		fw->queued = true;
		queue_work_on(cpu, system_wq, &fw->work);
	}
	for_each_online_cpu(cpu) {
		fw = per_cpu_ptr(&edu_cpu_flush_works, cpu);
		if (!fw->queued)
			continue;
		flush_work(&fw->work);
		nr += fw->nr;
	}
	mutex_unlock(&edu_cpu_flush_mutex);
	for_each_possible_cpu(cpu)
		if (!cpu_online(cpu))
			nr += edu_cpu_flush_offline(c, cpu);
	cpus_read_unlock();
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

	c->cpu = alloc_percpu_gfp(struct edu_cache_cpu, __GFP_NOWARN |
				  (c->kmalloc ? GFP_KERNEL : GFP_KERNEL_ACCOUNT));
	if (!c->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct edu_cache_cpu *cc = per_cpu_ptr(c->cpu, cpu);

		local_lock_init(&cc->lock);
		/* A CPU of a node without a pool: the nearest pooled node. */
		cc->nid = edu_cache_home(c, c->nid != NUMA_NO_NODE ? c->nid :
					 cpu_to_node(cpu));
	}
	return 0;
}
