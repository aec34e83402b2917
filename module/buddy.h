/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The buddy allocator's data structures, shared by the kernel module and the
 * user-space build of the core (selftests/host), which compiles buddy.c and
 * pcp.c unchanged behind mm_env.h.
 *
 * A node's pool is a set of chunks, each one block of EDU_MAX_ORDER taken from
 * the real kernel.  Pages are numbered by "pool index": chunk * 1024 + page
 * within the chunk.  Since every chunk is a naturally aligned order-10
 * block, the buddy of the block at index i of order o is i ^ (1 << o) and it
 * always lies in the same chunk; order-10 blocks have no buddy.
 *
 * Per-page metadata is one byte (edu_node.meta[]), the analogue of the
 * PageBuddy flag and page->private (the order) of struct page:
 *   bits 0-3  order of the block this page heads
 *   bits 4-6  state: TAIL (inside a block headed elsewhere), FREE (heads a
 *             block in a free list), ALLOC (heads an allocated block),
 *             PCP (an order-0 page in a per-CPU list), SLAB (heads a block
 *             the slab allocator owns), ABSENT (heads a chunk slot whose
 *             memory is with the kernel: given back by the shrinker, or
 *             not obtained yet; all its other pages are TAIL)
 * Free-list links (struct edu_free_page) live in the free pages themselves,
 * as the kernel threads page->lru.  So the whole bookkeeping costs one byte per 4 KiB page
 * (0.024%), plus a 24-byte struct edu_chunk per 4 MiB.
 *
 * Locking (the order in which locks nest, outermost first):
 *   edu_pcp.lock       one per CPU per node; taken by its own CPU on the fast
 *                      path, by others only to drain.  Protects the pcp list
 *                      and its count/high/batch.
 *   edu_node.lock      the zone->lock analogue: free_area[], free_pages,
 *                      the meta byte of every page that is not on a pcp
 *                      list or allocated, and the lock-protected counters.
 * A page's meta byte changes PCP -> ALLOC and ALLOC -> PCP under only its
 * pcp lock: no node-locked reader acts on those two states (merging looks
 * for FREE), and byte stores do not tear, so readers use READ_ONCE.
 * A node has nr_chunks chunk slots, its cap (pool_mb); pool_pages of them
 * are present.  A present chunk whose 1024 pages are one free block may be
 * given back to the kernel (shrinker.c), and an absent slot filled again
 * with whatever order-10 block the kernel hands out next: chunks[] entries
 * and the ABSENT head change only then, under edu_node.lock for the free
 * lists and pool_pages, with shrinker.c's resize mutex held around the
 * whole change.  A slot's chunk cannot change while any of its pages is
 * allocated, so readers of an allocated page's address need no lock.  nid,
 * nr_chunks and the fallback list are written at pool setup only.
 * Where these locks sit among the module's others: edualloc.h.
 */
#ifndef _EDU_BUDDY_H
#define _EDU_BUDDY_H

#include "mm_env.h"

#define EDU_CHUNK_ORDER		EDU_MAX_ORDER
#define EDU_CHUNK_PAGES		BIT(EDU_CHUNK_ORDER)

#define EDU_PM_ORDER_MASK	0x0f
#define EDU_PM_STATE_SHIFT	4
#define EDU_PM_TAIL		0
#define EDU_PM_FREE		1
#define EDU_PM_ALLOC		2
#define EDU_PM_PCP		3
#define EDU_PM_SLAB		4
#define EDU_PM_ABSENT		5
/* Every order fits the order bits, every state the three state bits. */
static_assert(EDU_MAX_ORDER <= EDU_PM_ORDER_MASK, "order bits");
static_assert(BIT(EDU_PM_STATE_SHIFT) > EDU_PM_ORDER_MASK, "order overlap");
static_assert(EDU_PM_ABSENT < 8, "state bits");

#define EDU_PM(state, order)	((u8)((state) << EDU_PM_STATE_SHIFT | (order)))
#define EDU_PM_STATE(m)		((m) >> EDU_PM_STATE_SHIFT)
#define EDU_PM_ORDER(m)		((m) & EDU_PM_ORDER_MASK)

/* edu_alloc_pages() flags: the uapi EDU_ALLOC_* bits plus internal ones. */
#define EDU_AF_THISNODE		EDU_ALLOC_THISNODE
#define EDU_AF_HIGH		EDU_ALLOC_HIGH
#define EDU_AF_NOPCP		EDU_ALLOC_NOPCP
#define EDU_AF_SLAB		BIT(8)	/* block for the slab layer */

enum edu_wmark { EDU_WMARK_MIN, EDU_WMARK_LOW, EDU_WMARK_HIGH, EDU_NR_WMARK };

struct edu_chunk {
	void *vaddr;		/* first byte, in the direct map */
	unsigned long pfn;	/* first frame */
	void *cookie;		/* pool.c: what to give back (struct page) */
};

/*
 * What a free page holds: its list link and its own pool index, so taking
 * the first block of a list needs no address-to-index search.
 */
struct edu_free_page {
	struct list_head link;
	unsigned long idx;
};

struct edu_free_area {
	struct list_head free_list;
	unsigned long nr_free;
};

/* Per-CPU page list of one node on one CPU (mm's struct per_cpu_pages). */
struct edu_pcp {
	spinlock_t lock;	/* see "Locking" above */
	struct list_head list;
	int count;		/* pages on @list */
	int high;		/* drain @batch pages above this */
	int batch;		/* pages moved per refill or drain */
	/* Statistics, written only under @lock, summed on read. */
	unsigned long alloc_hits;	/* order-0 allocations served here */
	unsigned long free_hits;	/* order-0 frees taken here */
	unsigned long refills;
	unsigned long drains;
} ____cacheline_aligned_in_smp;

struct edu_node {
	spinlock_t lock;	/* zone->lock: see "Locking" above */
	struct edu_free_area free_area[EDU_NR_ORDERS];
	unsigned long free_pages;	/* in free_area[], under @lock;
					 * WRITE_ONCE, read racily by the
					 * kswapd wake-up and kswapd
					 */
	unsigned long wmark[EDU_NR_WMARK];
	/* Counters under @lock: requests served by the buddy lists. */
	unsigned long allocs[EDU_NR_ORDERS];
	unsigned long frees[EDU_NR_ORDERS];
	unsigned long splits;
	unsigned long merges;
	/* Rare events, counted without the lock. */
	atomic_long_t fallbacks;	/* served here for another node */
	atomic_long_t failures;		/* requests for this node that failed */
	atomic_long_t drain_retries;	/* retried after draining pcp lists */

	unsigned long pool_pages;	/* present chunks' pages, under @lock;
					 * WRITE_ONCE, read racily
					 */
	/* shrinker.c: resizing, under its mutex; the counters read racily. */
	unsigned long grow_failed_at;	/* jiffies of the last refusal */
	unsigned long drained_at;	/* jiffies of the shrinker's drain */
	unsigned long chunks_returned;
	unsigned long chunks_regrown;
	unsigned long grow_failures;

	/* Set up once at pool creation, read-only afterwards. */
	int nid;
	unsigned int nr_chunks;		/* chunk slots: the cap */
	unsigned long span_pages;	/* nr_chunks pages each: pool indexes */
	struct edu_chunk *chunks;	/* entries: see "Locking" */
	u8 *meta;
	struct edu_pcp __percpu *pcp;
	int nr_fallback;
	int fallback[MAX_NUMNODES];	/* other nodes, nearest first */
};

/* The pools, indexed by node id; NULL for a node without one. */
extern struct edu_node *edu_nodes[MAX_NUMNODES];

/* A block, as the allocator hands it out. */
struct edu_page_ref {
	struct edu_node *node;
	unsigned long idx;
	unsigned int order;
	bool fallback;		/* not from the preferred node */
	bool pcp;		/* served by a per-CPU list */
};

static inline void *edu_idx_to_virt(const struct edu_node *n,
				    unsigned long idx)
{
	const struct edu_chunk *c = &n->chunks[idx / EDU_CHUNK_PAGES];

	return (char *)c->vaddr + (idx % EDU_CHUNK_PAGES) * PAGE_SIZE;
}

static inline unsigned long edu_idx_to_pfn(const struct edu_node *n,
					   unsigned long idx)
{
	return n->chunks[idx / EDU_CHUNK_PAGES].pfn + idx % EDU_CHUNK_PAGES;
}

/*
 * The link of free page @idx, for a buddy free list or a per-CPU list; the
 * page's own index is stored next to it.
 */
static inline struct list_head *edu_idx_link(const struct edu_node *n,
					     unsigned long idx)
{
	struct edu_free_page *fp = edu_idx_to_virt(n, idx);

	fp->idx = idx;
	return &fp->link;
}

/* buddy.c: node set-up (before the node is published in edu_nodes[]) */
int edu_node_setup(struct edu_node *n, int nid, unsigned int nr_chunks);
void edu_node_add_chunk(struct edu_node *n, unsigned int chunk);
long edu_node_take_chunk(struct edu_node *n, unsigned long keep);
void edu_node_set_wmarks(struct edu_node *n, unsigned long min,
			 unsigned long low, unsigned long high);
void edu_node_build_fallback(struct edu_node *n);
void edu_node_teardown(struct edu_node *n);

/* buddy.c: the allocator */
int edu_alloc_pages(int nid, unsigned int order, unsigned int flags,
		    struct edu_page_ref *ref);
void edu_free_pages(struct edu_node *n, unsigned long idx,
		    unsigned int order);
long edu_buddy_alloc_locked(struct edu_node *n, unsigned int order,
			    unsigned int flags);
void edu_buddy_free_locked(struct edu_node *n, unsigned long idx,
			   unsigned int order);
bool edu_wmark_ok(struct edu_node *n, unsigned int order, unsigned int flags,
		  unsigned long extra);
int edu_lookup_idx(struct edu_node *n, unsigned long idx, unsigned long *head,
		   unsigned int *order, unsigned int *state);

/*
 * reclaim.c: the node is short of free pages, wake its kswapd (any context;
 * the host tests' harness counts the calls).
 */
void edu_kswapd_wake(struct edu_node *n);

/* pcp.c: per-CPU lists */
int edu_pcp_setup(struct edu_node *n, int batch, int high);
void edu_pcp_teardown(struct edu_node *n);
long edu_pcp_alloc(struct edu_node *n, unsigned int flags);
void edu_pcp_free(struct edu_node *n, unsigned long idx);
unsigned long edu_pcp_drain_cpu(struct edu_node *n, int cpu);
unsigned long edu_pcp_drain_node(struct edu_node *n);
unsigned long edu_pcp_pages(struct edu_node *n);

#endif /* _EDU_BUDDY_H */
