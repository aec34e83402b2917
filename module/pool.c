// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pools: memory edualloc takes from the real kernel and manages itself.
 *
 * At load, each online node with memory gets pool_mb MiB, taken from the
 * kernel's own buddy allocator with alloc_pages_node(__GFP_THISNODE) one
 * order-10 chunk at a time.  The chunks need not be contiguous: buddies only
 * ever merge inside a chunk (see buddy.h).  Watermarks follow from the pool
 * size the way min_free_kbytes sets a zone's: min is a reserve only
 * high-priority requests may touch, low and high are where a reclaim thread
 * (kswapd) would start and stop working.  At unload every chunk goes back.
 * pool_mb is a cap: the node has that many chunk slots, and under the real
 * kernel's memory pressure the shrinker gives whole free chunks back and
 * reclaim takes new ones later (shrinker.c), wherever the kernel has them.
 *
 * The pools are built before /dev/edualloc exists and torn down after it is
 * gone, so nothing else runs concurrently with edu_pools_create/destroy;
 * edu_nodes[] is read-only in between.  edu_chunk_of_pfn maps a chunk's
 * first frame (>> EDU_CHUNK_ORDER) to its slot, for edu_pfn_to_idx();
 * written at creation and by shrinker.c's resizing, read under RCU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/xarray.h>

#include "buddy.h"
#include "edualloc.h"
#include "pool.h"

static unsigned int pool_mb = 64;
module_param(pool_mb, uint, 0444);
MODULE_PARM_DESC(pool_mb, "MiB of pool per NUMA node, in 4 MiB chunks (default 64)");

static unsigned int pcp_batch = 16;
module_param(pcp_batch, uint, 0444);
MODULE_PARM_DESC(pcp_batch, "pages moved per per-CPU list refill or drain (default 16)");

static unsigned int pcp_high = 96;
module_param(pcp_high, uint, 0444);
MODULE_PARM_DESC(pcp_high, "per-CPU list length that triggers a drain (default 96)");

static unsigned int wmark_min_pages;
module_param(wmark_min_pages, uint, 0444);
MODULE_PARM_DESC(wmark_min_pages, "min watermark per node in pages (default: pool/128)");

/* Largest pcp_batch or pcp_high: 256 MiB of pages on one list. */
#define EDU_PCP_MAX	65536U

static int edu_cpuhp_state;

static DEFINE_XARRAY(edu_chunk_of_pfn);

/* Make chunk slot @c (filled in) findable by frame; 0 or -ENOMEM. */
int edu_pool_index_chunk(struct edu_node *n, unsigned int c)
{
	return xa_err(xa_store(&edu_chunk_of_pfn,
			       n->chunks[c].pfn >> EDU_CHUNK_ORDER,
			       xa_mk_value(c), GFP_KERNEL));
}

void edu_pool_unindex_chunk(struct edu_node *n, unsigned int c)
{
	xa_erase(&edu_chunk_of_pfn, n->chunks[c].pfn >> EDU_CHUNK_ORDER);
}

/* Every present chunk back to the kernel (an absent slot has no cookie). */
static void edu_pool_free_chunks(struct edu_node *n)
{
	unsigned int c;

	for (c = 0; c < n->nr_chunks; c++) {
		if (!n->chunks[c].cookie)
			continue;
		edu_pool_unindex_chunk(n, c);
		__free_pages(n->chunks[c].cookie, EDU_CHUNK_ORDER);
		n->chunks[c].cookie = NULL;
	}
}

/*
 * Default marks: min = pool/128, low = min * 5/4, high = min * 3/2, of the
 * pool at its cap (the shrinker must not lower them by shrinking it).
 */
void edu_pool_default_wmarks(struct edu_node *n)
{
	unsigned long min = wmark_min_pages ?: n->span_pages / 128;

	edu_node_set_wmarks(n, min, min + min / 4, min + min / 2);
}

static int edu_chunk_cmp(const void *a, const void *b)
{
	unsigned long x = ((const struct edu_chunk *)a)->pfn;
	unsigned long y = ((const struct edu_chunk *)b)->pfn;

	return x < y ? -1 : x > y;
}

static struct edu_node *edu_pool_create_node(int nid, unsigned int want)
{
	/* At most half of the node's memory: the pool must not starve it. */
	unsigned int cap = (node_present_pages(nid) / 2) >> EDU_CHUNK_ORDER;
	unsigned int c, i, nr_chunks;
	struct edu_node *n;
	int ret;

	if (want > cap) {
		pr_info("node %d: pool_mb=%u is more than half of the node's memory: taking %u MiB\n",
			nid, pool_mb,
			cap * (unsigned int)(EDU_CHUNK_PAGES >> (20 - PAGE_SHIFT)));
		want = cap;
	}
	if (!want)
		return NULL;
	n = edu_should_fail() ? NULL : kzalloc_node(sizeof(*n), GFP_KERNEL, nid);
	if (!n)
		return NULL;
	/* A slot for every chunk of the cap, whether obtained now or later. */
	if (edu_node_setup(n, nid, want))
		goto err_node;
	ret = edu_pcp_setup(n, max(pcp_batch, 1U), max(pcp_high, pcp_batch));
	if (ret)
		goto err_setup;

	for (c = 0; c < want; c++) {
		struct page *page;

		page = edu_should_fail() ? NULL :
			alloc_pages_node(nid, GFP_KERNEL | __GFP_THISNODE |
					 __GFP_NOWARN, EDU_CHUNK_ORDER);
		if (!page)
			break;
		n->chunks[c].vaddr = page_address(page);
		n->chunks[c].pfn = page_to_pfn(page);
		n->chunks[c].cookie = page;
	}
	/* In frame order, so that the maps read like the kernel's memory. */
	sort(n->chunks, c, sizeof(*n->chunks), edu_chunk_cmp, NULL);
	nr_chunks = c;
	for (c = 0; c < nr_chunks; c++)
		if (edu_should_fail() || edu_pool_index_chunk(n, c))
			break;
	/* What could not be indexed goes back, as if never obtained. */
	for (i = c; i < nr_chunks; i++) {
		__free_pages(n->chunks[i].cookie, EDU_CHUNK_ORDER);
		memset(&n->chunks[i], 0, sizeof(n->chunks[i]));
	}
	nr_chunks = c;
	if (!nr_chunks)
		goto err_pcp;
	for (c = 0; c < nr_chunks; c++)
		edu_node_add_chunk(n, c);
	if (nr_chunks < want)
		pr_info("node %d: got %u of %u chunks\n", nid, nr_chunks, want);
	edu_pool_default_wmarks(n);
	return n;

err_pcp:
	edu_pcp_teardown(n);
err_setup:
	edu_node_teardown(n);
err_node:
	kfree(n);
	return NULL;
}

static void edu_pool_destroy_node(struct edu_node *n)
{
	edu_pcp_drain_node(n);
	/*
	 * Every handle, mapping and cache is gone by now: pages still in use
	 * are a bug of the module.  Its chunks are then never given back to
	 * the kernel, as something may still write to them.
	 */
	if (!WARN_ONCE(n->free_pages != n->pool_pages,
		       "edualloc: node %d: %lu of %lu pages still in use at unload\n",
		       n->nid, n->pool_pages - n->free_pages, n->pool_pages))
		edu_pool_free_chunks(n);
	edu_pcp_teardown(n);
	edu_node_teardown(n);
	kfree(n);
}

/* A CPU is gone: give its per-CPU pages back (page_alloc_cpu_dead()). */
static int edu_cpu_dead(unsigned int cpu)
{
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++)
		if (edu_nodes[nid])
			edu_pcp_drain_cpu(edu_nodes[nid], cpu);
	return 0;
}

int edu_pools_create(void)
{
	unsigned int nr_chunks;
	int nid, ret;

	nr_chunks = DIV_ROUND_UP(pool_mb, (EDU_CHUNK_PAGES << PAGE_SHIFT) >> 20);
	if (!nr_chunks || pool_mb > 65536) {
		pr_err("pool_mb=%u: must be 1..65536\n", pool_mb);
		return -EINVAL;
	}
	/* The per-CPU lists keep int counts: refuse what would overflow. */
	if (pcp_batch > EDU_PCP_MAX || pcp_high > EDU_PCP_MAX) {
		pr_err("pcp_batch=%u pcp_high=%u: each must be at most %u\n",
		       pcp_batch, pcp_high, EDU_PCP_MAX);
		return -EINVAL;
	}
	for_each_node_state(nid, N_MEMORY) {
		edu_nodes[nid] = edu_pool_create_node(nid, nr_chunks);
		if (!edu_nodes[nid])
			pr_warn("node %d: no pool (out of memory)\n", nid);
	}
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		if (edu_nodes[nid])
			break;
	if (nid == MAX_NUMNODES)
		return -ENOMEM;
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		if (edu_nodes[nid])
			edu_node_build_fallback(edu_nodes[nid]);

	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "edualloc:dead",
					NULL, edu_cpu_dead);
	if (ret < 0) {
		edu_pools_destroy();
		return ret;
	}
	edu_cpuhp_state = ret;
	return 0;
}

void edu_pools_destroy(void)
{
	int nid;

	if (edu_cpuhp_state > 0)
		cpuhp_remove_state_nocalls(edu_cpuhp_state);
	edu_cpuhp_state = 0;
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		if (!edu_nodes[nid])
			continue;
		edu_pool_destroy_node(edu_nodes[nid]);
		edu_nodes[nid] = NULL;
	}
	/* Empty unless a node kept its chunks (pages in use at unload). */
	xa_destroy(&edu_chunk_of_pfn);
}

void edu_buddy_info(nodemask_t *pool_nodes, u64 *pool_pages)
{
	int nid;

	nodes_clear(*pool_nodes);
	*pool_pages = 0;
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		if (!edu_nodes[nid])
			continue;
		node_set(nid, *pool_nodes);
		*pool_pages += READ_ONCE(edu_nodes[nid]->pool_pages);
	}
}

/* The pools' caps: what they hold when no chunk has been given back. */
u64 edu_pool_cap_pages(void)
{
	u64 pages = 0;
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++)
		if (edu_nodes[nid])
			pages += edu_nodes[nid]->span_pages;
	return pages;
}

/* A consistent snapshot of one node, for the stats ioctl and the views. */
void edu_node_snapshot(struct edu_node *n, struct edu_node_stats *s)
{
	unsigned int o;
	int cpu;

	spin_lock(&n->lock);
	for (o = 0; o <= EDU_MAX_ORDER; o++) {
		s->nr_free[o] = n->free_area[o].nr_free;
		s->allocs += n->allocs[o];
		s->frees += n->frees[o];
	}
	s->free_pages = n->free_pages;
	s->wmark_min = n->wmark[EDU_WMARK_MIN];
	s->wmark_low = n->wmark[EDU_WMARK_LOW];
	s->wmark_high = n->wmark[EDU_WMARK_HIGH];
	s->splits = n->splits;
	s->merges = n->merges;
	s->pool_pages = n->pool_pages;
	spin_unlock(&n->lock);

	for_each_possible_cpu(cpu) {
		struct edu_pcp *pcp = per_cpu_ptr(n->pcp, cpu);

		spin_lock(&pcp->lock);
		s->pcp_pages += pcp->count;
		s->pcp_hits += pcp->alloc_hits;
		s->allocs += pcp->alloc_hits;
		s->frees += pcp->free_hits;
		s->pcp_refills += pcp->refills;
		s->pcp_drains += pcp->drains;
		spin_unlock(&pcp->lock);
	}
	s->node = n->nid;
	s->fallbacks = atomic_long_read(&n->fallbacks);
	s->failures = atomic_long_read(&n->failures);
	s->drain_retries = atomic_long_read(&n->drain_retries);
}

/*
 * Bytes of bookkeeping the pools cost: the meta byte of every page, the
 * chunk table and the node structures (per-CPU lists excluded: they hold
 * no per-page data).  The free-list links live inside free pages.
 */
unsigned long edu_pool_meta_bytes(void)
{
	unsigned long bytes = 0;
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_node *n = edu_nodes[nid];

		if (!n)
			continue;
		bytes += n->span_pages + sizeof(*n) +
			 n->nr_chunks * sizeof(*n->chunks);
	}
	return bytes;
}

/*
 * Find the node and pool index of a frame, if it is one of ours: the frame's
 * node names the only pool it can be in (chunks are taken __GFP_THISNODE),
 * and edu_chunk_of_pfn the slot of its chunk.  This is on the slab
 * allocator's slow free path, so it must not scan.  The slot is checked
 * against the chunk's frame, as the shrinker may have emptied it and taken
 * another chunk into it meanwhile; for a page that is allocated, neither can
 * happen.
 */
struct edu_node *edu_pfn_to_idx(unsigned long pfn, unsigned long *idx)
{
	unsigned long first = pfn & ~(EDU_CHUNK_PAGES - 1);
	struct edu_node *n;
	unsigned long c;
	void *entry;
	int nid;

	if (!pfn_valid(pfn))
		return NULL;
	nid = pfn_to_nid(pfn);
	if (nid < 0 || nid >= MAX_NUMNODES)
		return NULL;
	n = edu_nodes[nid];
	if (!n)
		return NULL;
	entry = xa_load(&edu_chunk_of_pfn, pfn >> EDU_CHUNK_ORDER);
	if (!xa_is_value(entry))
		return NULL;
	c = xa_to_value(entry);
	if (c >= n->nr_chunks || READ_ONCE(n->chunks[c].pfn) != first)
		return NULL;
	*idx = c * EDU_CHUNK_PAGES + (pfn - first);
	return n;
}

bool edu_buddy_explain_pfn(unsigned long pfn, struct edu_pfn_owner *own)
{
	static const enum edu_pfn_state states[] = {
		[EDU_PM_FREE] = EDU_PFN_FREE,
		[EDU_PM_ALLOC] = EDU_PFN_ALLOCATED,
		[EDU_PM_PCP] = EDU_PFN_PCP,
		[EDU_PM_SLAB] = EDU_PFN_SLAB,
	};
	unsigned long idx, head;
	unsigned int order, state;
	struct edu_node *n;

	n = edu_pfn_to_idx(pfn, &idx);
	if (!n || edu_lookup_idx(n, idx, &head, &order, &state))
		return false;
	if (state >= ARRAY_SIZE(states) || state == EDU_PM_TAIL)
		return false;
	own->nid = n->nid;
	own->block_pfn = edu_idx_to_pfn(n, head);
	own->order = order;
	own->state = states[state];
	return true;
}
