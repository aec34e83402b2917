// SPDX-License-Identifier: GPL-2.0-only
/*
 * The buddy allocator: free lists per order, split on allocation, merge
 * with the buddy on free; the same ideas as mm/page_alloc.c's
 * __rmqueue_smallest(), expand() and __free_one_page(), on a private pool.
 *
 * Data structures and the locking rules are described in buddy.h.  This file
 * is compiled unchanged in user space for the host tests (see mm_env.h).
 */
#include "buddy.h"

struct edu_node *edu_nodes[MAX_NUMNODES];

static void edu_add_free(struct edu_node *n, unsigned long idx,
			 unsigned int order)
{
	WRITE_ONCE(n->meta[idx], EDU_PM(EDU_PM_FREE, order));
	list_add(edu_idx_link(n, idx), &n->free_area[order].free_list);
	n->free_area[order].nr_free++;
	/* Marked: edu_alloc_pages() and kswapd read it without the lock. */
	WRITE_ONCE(n->free_pages, n->free_pages + (1UL << order));
}

static void edu_del_free(struct edu_node *n, unsigned long idx,
			 unsigned int order)
{
	list_del(edu_idx_link(n, idx));
	n->free_area[order].nr_free--;
	WRITE_ONCE(n->free_pages, n->free_pages - (1UL << order));
}

/*
 * Would taking 2^order (+ @extra) pages leave the node above its min mark?
 * High-priority requests may use half of the reserve, as ALLOC_HIGH does.
 */
bool edu_wmark_ok(struct edu_node *n, unsigned int order, unsigned int flags,
		  unsigned long extra)
{
	unsigned long min = n->wmark[EDU_WMARK_MIN];
	unsigned long want = (1UL << order) + extra;

	if (flags & EDU_AF_HIGH)
		min -= min / 2;
	return n->free_pages >= want && n->free_pages - want >= min;
}

/*
 * Take a block of exactly @order: the smallest free block that is large
 * enough, split in halves until it fits; each unused upper half goes onto
 * the free list one order down (expand() in mm/page_alloc.c).
 */
long edu_buddy_alloc_locked(struct edu_node *n, unsigned int order,
			    unsigned int flags)
{
	unsigned int o;
	unsigned long idx;

	lockdep_assert_held(&n->lock);
	for (o = order; o <= EDU_MAX_ORDER; o++)
		if (!list_empty(&n->free_area[o].free_list))
			break;
	if (o > EDU_MAX_ORDER)
		return -ENOMEM;

	idx = list_first_entry(&n->free_area[o].free_list,
			       struct edu_free_page, link)->idx;
	edu_del_free(n, idx, o);
	while (o > order) {
		o--;
		edu_add_free(n, idx + (1UL << o), o);
		n->splits++;
		trace_edualloc_split(n->nid, edu_idx_to_pfn(n, idx), o + 1);
	}
	WRITE_ONCE(n->meta[idx], EDU_PM(flags & EDU_AF_SLAB ?
					EDU_PM_SLAB : EDU_PM_ALLOC, order));
	return idx;
}

/*
 * Give a block back and merge it with its buddy for as long as the buddy is
 * a free block of the same order (__free_one_page() in mm/page_alloc.c).
 */
void edu_buddy_free_locked(struct edu_node *n, unsigned long idx,
			   unsigned int order)
{
	lockdep_assert_held(&n->lock);
	while (order < EDU_MAX_ORDER) {
		unsigned long buddy = idx ^ (1UL << order);

		if (READ_ONCE(n->meta[buddy]) != EDU_PM(EDU_PM_FREE, order))
			break;
		edu_del_free(n, buddy, order);
		/* The upper half stops being a block head. */
		WRITE_ONCE(n->meta[idx | buddy], EDU_PM(EDU_PM_TAIL, 0));
		idx &= buddy;
		n->merges++;
		order++;
		trace_edualloc_merge(n->nid, edu_idx_to_pfn(n, idx), order);
	}
	edu_add_free(n, idx, order);
}

static long edu_node_alloc(struct edu_node *n, unsigned int order,
			   unsigned int flags, bool *pcp)
{
	long idx;

	*pcp = false;
	if (order == 0 && !(flags & (EDU_AF_NOPCP | EDU_AF_SLAB))) {
		idx = edu_pcp_alloc(n, flags);
		*pcp = idx >= 0;
		return idx;
	}
	spin_lock(&n->lock);
	if (edu_wmark_ok(n, order, flags, 0))
		idx = edu_buddy_alloc_locked(n, order, flags);
	else
		idx = -ENOMEM;
	if (idx >= 0)
		n->allocs[order]++;
	spin_unlock(&n->lock);
	return idx;
}

/* A node without a pool (memoryless): its nearest pooled node stands in. */
static struct edu_node *edu_nearest_pool(int nid)
{
	struct edu_node *best = NULL;
	int i;

	for (i = 0; i < MAX_NUMNODES; i++) {
		if (!edu_nodes[i])
			continue;
		if (!best || node_distance(nid, i) < node_distance(nid, best->nid))
			best = edu_nodes[i];
	}
	return best;
}

/*
 * Allocate 2^order pages on node @nid (NUMA_NO_NODE: the calling CPU's
 * node), falling back to the other nodes nearest first unless
 * EDU_AF_THISNODE, the way a zonelist is walked.  A node without a pool
 * is served by the nearest node that has one.
 */
/*
 * One pass over the preferred node and, unless EDU_AF_THISNODE, its
 * fallback nodes nearest first: the pool index, or -ENOMEM.
 */
static long edu_alloc_pass(struct edu_node *pref, int nid, unsigned int order,
			   unsigned int flags, struct edu_page_ref *ref)
{
	long idx;
	int i;

	idx = edu_node_alloc(pref, order, flags, &ref->pcp);
	if (idx >= 0) {
		ref->node = pref;
		ref->fallback = false;
		return idx;
	}
	if (flags & EDU_AF_THISNODE)
		return -ENOMEM;
	for (i = 0; i < pref->nr_fallback; i++) {
		struct edu_node *n = edu_nodes[pref->fallback[i]];

		idx = edu_node_alloc(n, order, flags, &ref->pcp);
		if (idx < 0)
			continue;
		atomic_long_inc(&n->fallbacks);
		trace_edualloc_fallback(nid, n->nid, order);
		ref->node = n;
		ref->fallback = true;
		return idx;
	}
	return -ENOMEM;
}

/*
 * Give back the pages parked on every CPU's list of the nodes a request may
 * use; true if that freed any.  The kernel does the same before it gives up
 * (drain_all_pages() in __alloc_pages_direct_reclaim()): those pages are
 * free, but neither the buddy lists nor the watermark check see them.
 */
static bool edu_alloc_drain(struct edu_node *pref, unsigned int flags)
{
	unsigned long drained = edu_pcp_drain_node(pref);
	int i;

	if (!(flags & EDU_AF_THISNODE))
		for (i = 0; i < pref->nr_fallback; i++)
			drained += edu_pcp_drain_node(edu_nodes[pref->fallback[i]]);
	return drained != 0;
}

int edu_alloc_pages(int nid, unsigned int order, unsigned int flags,
		    struct edu_page_ref *ref)
{
	struct edu_node *pref;
	long idx;

	if (order > EDU_MAX_ORDER)
		return -EINVAL;
	if (nid == NUMA_NO_NODE)
		nid = numa_node_id();
	if (nid < 0 || nid >= MAX_NUMNODES)
		return -EINVAL;
	nid = array_index_nospec(nid, MAX_NUMNODES);
	pref = edu_nodes[nid];
	if (!pref && !(flags & EDU_AF_THISNODE))
		pref = edu_nearest_pool(nid);
	if (!pref)
		return -ENOMEM;

	idx = edu_alloc_pass(pref, nid, order, flags, ref);
	/* Out of memory?  Drain the per-CPU lists and try once more. */
	if (idx < 0 && edu_alloc_drain(pref, flags)) {
		atomic_long_inc(&pref->drain_retries);
		idx = edu_alloc_pass(pref, nid, order, flags, ref);
	}
	if (idx < 0) {
		atomic_long_inc(&pref->failures);
		edu_kswapd_wake(pref);
		return -ENOMEM;
	}
	ref->idx = idx;
	ref->order = order;
	/*
	 * Below the low watermark: wake the node's kswapd now, so that it
	 * frees pages in the background before allocations reach min and
	 * must reclaim themselves (wakeup_kswapd() in mm/page_alloc.c).
	 */
	if (READ_ONCE(ref->node->free_pages) < ref->node->wmark[EDU_WMARK_LOW])
		edu_kswapd_wake(ref->node);
	trace_edualloc_page_alloc(ref->node->nid,
				  edu_idx_to_pfn(ref->node, idx), order,
				  ref->pcp);
	return 0;
}

/* Free a block from edu_alloc_pages(); order-0 pages go to this CPU's list. */
void edu_free_pages(struct edu_node *n, unsigned long idx, unsigned int order)
{
	u8 meta = READ_ONCE(n->meta[idx]);

	trace_edualloc_page_free(n->nid, edu_idx_to_pfn(n, idx), order);
	if (order == 0 && EDU_PM_STATE(meta) == EDU_PM_ALLOC) {
		edu_pcp_free(n, idx);
		return;
	}
	spin_lock(&n->lock);
	n->frees[order]++;
	edu_buddy_free_locked(n, idx, order);
	spin_unlock(&n->lock);
}

/*
 * Which block holds pool page @idx?  Looks for the head at each order's
 * alignment: the nearest head at or below @idx whose block covers @idx.
 * Racy by nature (the answer may change at once): for views and "explain".
 */
int edu_lookup_idx(struct edu_node *n, unsigned long idx, unsigned long *head,
		   unsigned int *order, unsigned int *state)
{
	unsigned int o;

	if (idx >= n->span_pages)
		return -ENOENT;
	for (o = 0; o <= EDU_MAX_ORDER; o++) {
		unsigned long h = idx & ~((1UL << o) - 1);
		u8 m = READ_ONCE(n->meta[h]);

		if (EDU_PM_STATE(m) == EDU_PM_TAIL)
			continue;
		if (EDU_PM_ORDER(m) < o)
			continue;
		*head = h;
		*order = EDU_PM_ORDER(m);
		*state = EDU_PM_STATE(m);
		return 0;
	}
	return -ENOENT;
}

int edu_node_setup(struct edu_node *n, int nid, unsigned int nr_chunks)
{
	unsigned int o, c;

	spin_lock_init(&n->lock);
	for (o = 0; o <= EDU_MAX_ORDER; o++)
		INIT_LIST_HEAD(&n->free_area[o].free_list);
	atomic_long_set(&n->fallbacks, 0);
	atomic_long_set(&n->failures, 0);
	atomic_long_set(&n->drain_retries, 0);
	n->nid = nid;
	n->nr_chunks = nr_chunks;
	n->span_pages = (unsigned long)nr_chunks * EDU_CHUNK_PAGES;
	/* One byte a page: 16 MiB for a 64 GiB pool, past kmalloc's limit. */
	n->chunks = kvcalloc(nr_chunks, sizeof(*n->chunks),
			     GFP_KERNEL | __GFP_NOWARN);
	n->meta = kvcalloc(nr_chunks, EDU_CHUNK_PAGES, GFP_KERNEL | __GFP_NOWARN);
	if (!n->chunks || !n->meta) {
		kvfree(n->chunks);
		kvfree(n->meta);
		return -ENOMEM;
	}
	/* Every slot is empty until its chunk is added. */
	for (c = 0; c < nr_chunks; c++)
		n->meta[(unsigned long)c * EDU_CHUNK_PAGES] =
			EDU_PM(EDU_PM_ABSENT, EDU_CHUNK_ORDER);
	return 0;
}

/* Hand chunk slot @chunk (its vaddr/pfn filled in) to the free lists. */
void edu_node_add_chunk(struct edu_node *n, unsigned int chunk)
{
	unsigned long idx = (unsigned long)chunk * EDU_CHUNK_PAGES;

	spin_lock(&n->lock);
	if (!WARN_ON_ONCE(chunk >= n->nr_chunks ||
			  READ_ONCE(n->meta[idx]) !=
			  EDU_PM(EDU_PM_ABSENT, EDU_CHUNK_ORDER))) {
		WRITE_ONCE(n->pool_pages, n->pool_pages + EDU_CHUNK_PAGES);
		edu_add_free(n, idx, EDU_MAX_ORDER);
	}
	spin_unlock(&n->lock);
}

/*
 * Take a whole free chunk off the free lists so that its memory can go back
 * to the kernel, if @keep free pages remain after it: the one at the tail
 * of the order-10 list, freed longest ago (the head is the one allocated
 * next, as in the kernel's lists).  Returns its slot, or -1.
 */
long edu_node_take_chunk(struct edu_node *n, unsigned long keep)
{
	long idx = -1;

	spin_lock(&n->lock);
	if (n->free_pages >= keep + EDU_CHUNK_PAGES &&
	    !list_empty(&n->free_area[EDU_MAX_ORDER].free_list)) {
		idx = list_last_entry(&n->free_area[EDU_MAX_ORDER].free_list,
				      struct edu_free_page, link)->idx;
		edu_del_free(n, idx, EDU_MAX_ORDER);
		WRITE_ONCE(n->meta[idx], EDU_PM(EDU_PM_ABSENT, EDU_CHUNK_ORDER));
		WRITE_ONCE(n->pool_pages, n->pool_pages - EDU_CHUNK_PAGES);
	}
	spin_unlock(&n->lock);
	return idx < 0 ? -1 : idx / (long)EDU_CHUNK_PAGES;
}

void edu_node_set_wmarks(struct edu_node *n, unsigned long min,
			 unsigned long low, unsigned long high)
{
	spin_lock(&n->lock);
	n->wmark[EDU_WMARK_MIN] = min;
	n->wmark[EDU_WMARK_LOW] = low;
	n->wmark[EDU_WMARK_HIGH] = high;
	spin_unlock(&n->lock);
}

/* Other pooled nodes by node_distance(), nearest first, ties by id. */
void edu_node_build_fallback(struct edu_node *n)
{
	int i, j, nid;

	n->nr_fallback = 0;
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		if (nid == n->nid || !edu_nodes[nid])
			continue;
		/* Insertion sort: at most MAX_NUMNODES entries, once. */
		for (i = n->nr_fallback; i > 0; i--) {
			j = n->fallback[i - 1];
			if (node_distance(n->nid, j) <= node_distance(n->nid, nid))
				break;
			n->fallback[i] = j;
		}
		n->fallback[i] = nid;
		n->nr_fallback++;
	}
}

void edu_node_teardown(struct edu_node *n)
{
	kvfree(n->meta);
	kvfree(n->chunks);
}
