// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU page lists: the analogue of struct per_cpu_pages in
 * mm/page_alloc.c.  Most allocations are single pages, and taking the
 * node's lock for each would make every CPU fight over one cache line.  So
 * each CPU keeps, per node, a short list of order-0 pages: it allocates and
 * frees there, and only every @batch pages does it go to the node, under the
 * node lock, to refill (rmqueue_bulk()) or to drain (free_pcppages_bulk()).
 *
 * The list is guarded by a lock of its own that only its CPU takes on the
 * fast path, so it stays in that CPU's cache and is never contended but by
 * a drain from elsewhere (on demand, CPU hot-unplug or unload); 6.1's
 * pcp->lock works the same way.  The task is pinned to its CPU while it uses
 * that CPU's list (edu_pcp_pin()) so it is not migrated in between.
 *
 * A page freed on another CPU than the one that allocated it simply joins
 * the freeing CPU's list for the page's node: pages have no home CPU.
 */
#include "buddy.h"

/* Move up to @batch pages from the node to @pcp.  Called under pcp->lock. */
static int edu_pcp_refill(struct edu_node *n, struct edu_pcp *pcp,
			  unsigned int flags)
{
	int i;

	lockdep_assert_held(&pcp->lock);
	spin_lock(&n->lock);
	for (i = 0; i < pcp->batch; i++) {
		long idx;

		/* The first page is the request itself: it may use the
		 * reserve if the request may; the rest must not.
		 */
		if (!edu_wmark_ok(n, 0, i ? 0 : flags, 0))
			break;
		idx = edu_buddy_alloc_locked(n, 0, 0);
		if (idx < 0)
			break;
		WRITE_ONCE(n->meta[idx], EDU_PM(EDU_PM_PCP, 0));
		list_add_tail(edu_idx_link(n, idx), &pcp->list);
	}
	spin_unlock(&n->lock);
	if (i) {
		WRITE_ONCE(pcp->count, pcp->count + i);
		pcp->refills++;
		trace_edualloc_pcp_refill(n->nid, i);
	}
	return i;
}

/*
 * Give @count pages from the cold end of @pcp back to the node.  Called
 * under pcp->lock.
 */
static unsigned long edu_pcp_free_bulk(struct edu_node *n, struct edu_pcp *pcp,
				       int count)
{
	int i;

	lockdep_assert_held(&pcp->lock);
	if (!count)
		return 0;
	spin_lock(&n->lock);
	for (i = 0; i < count; i++) {
		struct edu_free_page *fp;

		fp = list_last_entry(&pcp->list, struct edu_free_page, link);
		list_del(&fp->link);
		edu_buddy_free_locked(n, fp->idx, 0);
	}
	spin_unlock(&n->lock);
	WRITE_ONCE(pcp->count, pcp->count - count);
	pcp->drains++;
	trace_edualloc_pcp_drain(n->nid, count);
	return count;
}

/*
 * Pin the task to its CPU and return that CPU's list, as 6.1's
 * pcpu_task_pin() does around pcp->lock: preemption off on !PREEMPT_RT
 * (get_cpu_ptr(), as before); on PREEMPT_RT only migration off, for there
 * spinlock_t is a sleeping lock, never to be taken with preemption
 * disabled.  Exclusion is pcp->lock's either way: the pin only keeps the
 * list the one of the CPU the task runs on, so it stays uncontended.
 */
static struct edu_pcp *edu_pcp_pin(struct edu_node *n)
{
#ifdef CONFIG_PREEMPT_RT
	migrate_disable();
	return this_cpu_ptr(n->pcp);
#else
	return get_cpu_ptr(n->pcp);
#endif
}

static void edu_pcp_unpin(struct edu_node *n)
{
#ifdef CONFIG_PREEMPT_RT
	migrate_enable();
#else
	put_cpu_ptr(n->pcp);
#endif
}

/* The fast path: no node lock unless the list is empty. */
long edu_pcp_alloc(struct edu_node *n, unsigned int flags)
{
	struct edu_pcp *pcp;
	struct edu_free_page *fp;
	long idx = -ENOMEM;

	pcp = edu_pcp_pin(n);
	spin_lock(&pcp->lock);
	if (!pcp->count && !edu_pcp_refill(n, pcp, flags))
		goto out;
	/* Hot end: the most recently freed page is likely still cached. */
	fp = list_first_entry(&pcp->list, struct edu_free_page, link);
	list_del(&fp->link);
	WRITE_ONCE(pcp->count, pcp->count - 1);
	pcp->alloc_hits++;
	idx = fp->idx;
	WRITE_ONCE(n->meta[idx], EDU_PM(EDU_PM_ALLOC, 0));
out:
	spin_unlock(&pcp->lock);
	edu_pcp_unpin(n);
	return idx;
}

void edu_pcp_free(struct edu_node *n, unsigned long idx)
{
	struct edu_pcp *pcp;

	pcp = edu_pcp_pin(n);
	spin_lock(&pcp->lock);
	WRITE_ONCE(n->meta[idx], EDU_PM(EDU_PM_PCP, 0));
	list_add(edu_idx_link(n, idx), &pcp->list);
	WRITE_ONCE(pcp->count, pcp->count + 1);
	pcp->free_hits++;
	if (pcp->count > pcp->high)
		edu_pcp_free_bulk(n, pcp, pcp->batch);
	spin_unlock(&pcp->lock);
	edu_pcp_unpin(n);
}

unsigned long edu_pcp_drain_cpu(struct edu_node *n, int cpu)
{
	struct edu_pcp *pcp = per_cpu_ptr(n->pcp, cpu);
	unsigned long drained;

	spin_lock(&pcp->lock);
	drained = edu_pcp_free_bulk(n, pcp, pcp->count);
	spin_unlock(&pcp->lock);
	return drained;
}

unsigned long edu_pcp_drain_node(struct edu_node *n)
{
	unsigned long drained = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		drained += edu_pcp_drain_cpu(n, cpu);
	return drained;
}

/* Pages sitting in the node's per-CPU lists (a snapshot). */
unsigned long edu_pcp_pages(struct edu_node *n)
{
	unsigned long pages = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		pages += READ_ONCE(per_cpu_ptr(n->pcp, cpu)->count);
	return pages;
}

int edu_pcp_setup(struct edu_node *n, int batch, int high)
{
	int cpu;

	n->pcp = alloc_percpu_gfp(struct edu_pcp, GFP_KERNEL | __GFP_NOWARN);
	if (!n->pcp)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct edu_pcp *pcp = per_cpu_ptr(n->pcp, cpu);

		spin_lock_init(&pcp->lock);
		INIT_LIST_HEAD(&pcp->list);
		pcp->batch = batch;
		pcp->high = high;
	}
	return 0;
}

/* The lists must have been drained. */
void edu_pcp_teardown(struct edu_node *n)
{
	free_percpu(n->pcp);
	n->pcp = NULL;
}
