// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reference model (see model.h).  Deliberately simple and slow: one
 * owner byte per page, and the free blocks recomputed from scratch after
 * every step, so that its answers do not depend on getting any incremental
 * bookkeeping right.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define MODEL_MARK		(-3)

static unsigned long pages_of(unsigned int order)
{
	return 1UL << order;
}

/*
 * The canonical decomposition, left to right: at each free page the
 * largest aligned, entirely free block that starts there belongs to it.
 */
static void model_canon(struct model_node *mn)
{
	unsigned long *prefix = mn->prefix, idx;
	unsigned int o;

	for (idx = 0; idx < mn->pages; idx++)
		prefix[idx + 1] = prefix[idx] + (mn->owner[idx] == MODEL_FREE);

	memset(mn->canon, 0, mn->pages);
	memset(mn->nr_free, 0, sizeof(mn->nr_free));
	mn->nr_blocks = 0;
	mn->free_pages = prefix[mn->pages];
	for (idx = 0; idx < mn->pages; ) {
		if (mn->owner[idx] != MODEL_FREE) {
			idx++;
			continue;
		}
		for (o = EDU_MAX_ORDER; o > 0; o--) {
			unsigned long end = idx + pages_of(o);

			if (idx % pages_of(o) == 0 && end <= mn->pages &&
			    prefix[end] - prefix[idx] == pages_of(o))
				break;
		}
		mn->canon[idx] = 1 + o;
		mn->nr_free[o]++;
		mn->nr_blocks++;
		idx += pages_of(o);
	}
}

int model_init(struct model *m, const struct model_cfg *cfg)
{
	int nid, other, i;

	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	for (nid = 0; nid < MODEL_MAX_NODES; nid++) {
		struct model_node *mn = &m->node[nid];

		if (!cfg->chunks[nid])
			continue;
		mn->present = true;
		mn->nr_chunks = cfg->chunks[nid];
		mn->pages = mn->nr_chunks * MODEL_CHUNK_PAGES;
		mn->wmark_min = cfg->wmark_min[nid];
		mn->owner = malloc(mn->pages);
		mn->live = calloc(mn->pages, 1);
		mn->canon = calloc(mn->pages, 1);
		mn->prefix = calloc(mn->pages + 1, sizeof(*mn->prefix));
		if (!mn->owner || !mn->live || !mn->canon || !mn->prefix) {
			model_destroy(m);
			return -ENOMEM;
		}
		memset(mn->owner, MODEL_FREE, mn->pages);
		model_canon(mn);
		memcpy(mn->pred_free, mn->nr_free, sizeof(mn->nr_free));
	}
	/* Fallback order: distance from the node, then node id. */
	for (nid = 0; nid < MODEL_MAX_NODES; nid++) {
		struct model_node *mn = &m->node[nid];

		if (!mn->present)
			continue;
		for (other = 0; other < MODEL_MAX_NODES; other++) {
			if (other == nid || !m->node[other].present)
				continue;
			i = mn->nr_fallback++;
			while (i > 0 && cfg->distance[nid][mn->fallback[i - 1]] >
			       cfg->distance[nid][other]) {
				mn->fallback[i] = mn->fallback[i - 1];
				i--;
			}
			mn->fallback[i] = other;
		}
	}
	return 0;
}

void model_destroy(struct model *m)
{
	int nid;

	for (nid = 0; nid < MODEL_MAX_NODES; nid++) {
		free(m->node[nid].owner);
		free(m->node[nid].live);
		free(m->node[nid].canon);
		free(m->node[nid].prefix);
	}
	memset(m, 0, sizeof(*m));
}

/* The min mark check of a request for @want pages (ALLOC_HIGH: half). */
static bool wmark_ok(const struct model_node *mn, unsigned long want,
		     bool high)
{
	unsigned long min = mn->wmark_min;

	if (high)
		min -= min / 2;
	return mn->free_pages >= want && mn->free_pages - want >= min;
}

/* Best fit: take the smallest free block of at least @order and split it. */
static unsigned int take_block(struct model_node *mn, unsigned int order)
{
	unsigned int o, from;

	for (from = order; from <= EDU_MAX_ORDER; from++)
		if (mn->pred_free[from])
			break;
	if (from > EDU_MAX_ORDER)
		abort();	/* the caller checked free_pages */
	mn->pred_free[from]--;
	for (o = order; o < from; o++)
		mn->pred_free[o]++;
	mn->splits += from - order;
	mn->alloc_step = true;
	return from;
}

/*
 * Serve a request from one node's lists.  Order 0 goes through the per-CPU
 * list, which, when empty, takes up to a batch of pages from the node: the
 * first may use the request's reserve rights, the others may not.
 */
static bool try_node(struct model *m, int nid, struct model_pred *p)
{
	struct model_node *mn = &m->node[nid];
	bool high = p->flags & EDU_ALLOC_HIGH;
	unsigned int o;

	if (p->order == 0 &&
	    !(p->flags & (EDU_ALLOC_NOPCP | MODEL_AF_SLAB))) {
		struct model_pcp *pc = &mn->pcp[p->cpu];
		int k = 0;

		if (!pc->count) {
			while (k < m->cfg.batch && mn->free_pages > (unsigned long)k) {
				unsigned long min = mn->wmark_min;

				if (!k && high)
					min -= min / 2;
				if (mn->free_pages - k - 1 < min)
					break;
				k++;
			}
			if (!k)
				return false;
			for (int i = 0; i < k; i++)
				take_block(mn, 0);
			pc->count = k;
			pc->refills++;
			pc->mode = MODEL_PCP_REFILLED;
			p->refill = true;
		}
		pc->count--;
		pc->alloc_hits++;
		p->pcp = true;
		return true;
	}
	if (!wmark_ok(mn, pages_of(p->order), high))
		return false;
	for (o = p->order; o <= EDU_MAX_ORDER; o++)
		if (mn->pred_free[o])
			break;
	if (o > EDU_MAX_ORDER)
		return false;	/* enough pages, but fragmented */
	take_block(mn, p->order);
	mn->allocs[p->order]++;
	return true;
}

/*
 * Drain every per-CPU list of node @nid before a retry and bring the free
 * blocks up to date at once, as the retry must see them merged.  Pages
 * drained: each is one block given back.
 */
static unsigned long model_drain_for_retry(struct model *m, int nid)
{
	struct model_node *mn = &m->node[nid];
	unsigned long before = mn->nr_blocks;
	unsigned long n = model_drain_node(m, nid);

	if (!n)
		return 0;
	model_canon(mn);
	mn->merges += before + mn->returned - mn->nr_blocks;
	memcpy(mn->pred_free, mn->nr_free, sizeof(mn->nr_free));
	mn->returned = 0;
	mn->dirty = false;
	return n;
}

/* One pass: the preferred node, then its fallbacks unless THISNODE. */
static bool model_alloc_pass(struct model *m, int pref, struct model_pred *p)
{
	int i;

	p->nid = pref;
	if (try_node(m, pref, p))
		return true;
	if (p->flags & EDU_ALLOC_THISNODE)
		return false;
	for (i = 0; i < m->node[pref].nr_fallback; i++) {
		int fb = m->node[pref].fallback[i];

		if (!try_node(m, fb, p))
			continue;
		m->node[fb].fallbacks++;
		p->nid = fb;
		p->fallback = true;
		return true;
	}
	return false;
}

void model_alloc(struct model *m, int nid, unsigned int order,
		 unsigned int flags, int cpu, struct model_pred *p)
{
	int pref, best, i;

	memset(p, 0, sizeof(*p));
	p->order = order;
	p->flags = flags;
	p->cpu = cpu;
	p->err = -EINVAL;
	if (order > EDU_MAX_ORDER)
		return;
	if (nid < 0)
		nid = m->cfg.cpu_node[cpu];
	if (nid >= MODEL_MAX_NODES)
		return;

	p->err = -ENOMEM;
	pref = nid;
	if (!m->node[nid].present) {
		/* Stood in for by the nearest node with a pool. */
		if (flags & EDU_ALLOC_THISNODE)
			return;
		best = -1;
		for (i = 0; i < MODEL_MAX_NODES; i++)
			if (m->node[i].present &&
			    (best < 0 || m->cfg.distance[nid][i] <
					 m->cfg.distance[nid][best]))
				best = i;
		if (best < 0)
			return;
		pref = best;
	}
	if (model_alloc_pass(m, pref, p)) {
		p->err = 0;
		return;
	}
	/* Out of memory: drain the per-CPU lists and try once more. */
	{
		unsigned long drained = model_drain_for_retry(m, pref);

		if (!(flags & EDU_ALLOC_THISNODE))
			for (i = 0; i < m->node[pref].nr_fallback; i++)
				drained += model_drain_for_retry(m,
						m->node[pref].fallback[i]);
		if (drained) {
			m->node[pref].drain_retries++;
			if (model_alloc_pass(m, pref, p)) {
				p->err = 0;
				return;
			}
		}
	}
	p->nid = pref;
	m->node[pref].failures++;
}

/* The block @p was served with: is it one the rules allow? */
const char *model_alloc_place(struct model *m, const struct model_pred *p,
			      unsigned long idx)
{
	struct model_node *mn = &m->node[p->nid];
	unsigned long i, n = pages_of(p->order);
	unsigned int o;

	if (idx % n || idx + n > mn->pages)
		return "block misaligned or outside the pool";
	if (p->pcp && !p->refill) {
		if (mn->owner[idx] != p->cpu)
			return "page was not on this CPU's list";
	} else {
		for (i = idx; i < idx + n; i++)
			if (mn->owner[i] != MODEL_FREE)
				return "block was not free";
	}
	if (!p->pcp) {
		/* It must come from a smallest block that was large enough. */
		for (o = p->order; o <= EDU_MAX_ORDER; o++)
			if (mn->canon[idx & ~(pages_of(o) - 1)] == 1 + o)
				break;
		for (i = p->order; i < o; i++)
			if (mn->nr_free[i])
				return "not the smallest free block that fits";
	}
	memset(&mn->owner[idx], MODEL_LIVE, n);
	mn->dirty = true;
	mn->live[idx] = (1 + p->order) |
			(p->flags & MODEL_AF_SLAB ? MODEL_LIVE_SLAB : 0);
	return NULL;
}

const char *model_free(struct model *m, int nid, unsigned long idx,
		       unsigned int order, int cpu)
{
	struct model_node *mn = &m->node[nid];
	bool slab = mn->live[idx] & MODEL_LIVE_SLAB;

	if ((mn->live[idx] & ~MODEL_LIVE_SLAB) != 1 + order)
		return "freeing a block that is not live";
	mn->live[idx] = 0;
	if (order == 0 && !slab) {
		struct model_pcp *pc = &mn->pcp[cpu];

		mn->owner[idx] = cpu;
		pc->count++;
		pc->free_hits++;
		if (pc->count > m->cfg.high) {
			pc->count -= m->cfg.batch;
			pc->drains++;
			pc->mode = MODEL_PCP_DRAINED;
			mn->returned += m->cfg.batch;
		}
		return NULL;
	}
	memset(&mn->owner[idx], MODEL_FREE, pages_of(order));
	mn->dirty = true;
	mn->frees[order]++;
	mn->returned++;
	return NULL;
}

unsigned long model_drain_cpu(struct model *m, int nid, int cpu)
{
	struct model_node *mn = &m->node[nid];
	unsigned long i, n = mn->pcp[cpu].count;

	if (!n)
		return 0;
	for (i = 0; i < mn->pages; i++)
		if (mn->owner[i] == cpu)
			mn->owner[i] = MODEL_FREE;
	mn->pcp[cpu].count = 0;
	mn->pcp[cpu].drains++;
	mn->dirty = true;
	mn->returned += n;
	return n;
}

unsigned long model_drain_node(struct model *m, int nid)
{
	unsigned long n = 0;
	int cpu;

	for (cpu = 0; cpu < m->cfg.nr_cpus; cpu++)
		n += model_drain_cpu(m, nid, cpu);
	return n;
}

/*
 * Learn which pages CPU @cpu's list of node @nid holds now, where the
 * allocator had a choice, and check that choice: after a batch drain they
 * must be some of the pages it held, after a refill some that were free.
 */
const char *model_sync_pcp(struct model *m, int nid, int cpu,
			   const unsigned long *idx, int nr)
{
	struct model_node *mn = &m->node[nid];
	struct model_pcp *pc = &mn->pcp[cpu];
	signed char from = pc->mode == MODEL_PCP_REFILLED ? MODEL_FREE : cpu;
	const char *err = NULL;
	unsigned long i;
	int k, j;

	if (nr != pc->count)
		return "per-CPU list length differs from the model";
	/*
	 * Marking catches a page listed twice.  The model holds exactly
	 * pc->count pages for the CPU, so equal counts make the sets equal.
	 */
	for (k = 0; k < nr; k++) {
		if (idx[k] >= mn->pages || mn->owner[idx[k]] != from) {
			err = pc->mode == MODEL_PCP_REFILLED ?
			      "refilled page was not free" :
			      "page the per-CPU list did not hold";
			break;
		}
		mn->owner[idx[k]] = MODEL_MARK;
	}
	/* After a batch drain, the pages no longer listed went back. */
	if (pc->mode == MODEL_PCP_DRAINED)
		for (i = 0; i < mn->pages; i++)
			if (mn->owner[i] == cpu)
				mn->owner[i] = MODEL_FREE;
	for (j = 0; j < k; j++)
		mn->owner[idx[j]] = cpu;
	if (pc->mode != MODEL_PCP_EXACT)
		mn->dirty = true;
	pc->mode = MODEL_PCP_EXACT;
	return err;
}

/*
 * Close a step: recompute the free blocks.  An allocation must have split
 * blocks exactly as best fit predicts; blocks given back merged as far as
 * their buddies allowed, which the canonical form already encodes, so the
 * number of merges follows from the block count.
 */
const char *model_end_step(struct model *m)
{
	const char *err = NULL;
	int nid;

	for (nid = 0; nid < MODEL_MAX_NODES; nid++) {
		struct model_node *mn = &m->node[nid];
		unsigned long before = mn->nr_blocks;

		if (!mn->present || !mn->dirty)
			continue;
		mn->dirty = false;
		model_canon(mn);
		if (mn->alloc_step) {
			if (memcmp(mn->pred_free, mn->nr_free,
				   sizeof(mn->nr_free)))
				err = "free blocks differ from a best-fit split";
		} else if (before + mn->returned < mn->nr_blocks ||
			   (!mn->returned && before != mn->nr_blocks)) {
			err = "free blocks changed unaccountably";
		} else {
			/* Each merge joins two free blocks into one. */
			mn->merges += before + mn->returned - mn->nr_blocks;
		}
		memcpy(mn->pred_free, mn->nr_free, sizeof(mn->nr_free));
		mn->alloc_step = false;
		mn->returned = 0;
	}
	return err;
}
