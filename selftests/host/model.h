/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An independent reference model of the buddy allocator and its per-CPU
 * lists, written from the documented behaviour (buddy.h, the uapi header)
 * rather than from buddy.c: it keeps one owner byte per page and derives
 * everything else from that.  It includes none of the module's headers.
 *
 * The free space is always its canonical buddy decomposition, the maximal
 * naturally aligned free blocks inside each 1024-page chunk: that is exactly
 * what a buddy allocator with no two free buddies of one order left unmerged
 * must hold.  The model predicts the outcome of every request (which node,
 * per-CPU list or buddy lists, success), every counter, and the per-order
 * free counts; where the allocator has a free choice it does not predict
 * (which of several equal blocks, which pages a per-CPU list refill or drain
 * takes) it checks the choice made against the rules instead.
 */
#ifndef _EDU_MODEL_H
#define _EDU_MODEL_H

#include <stdbool.h>
#include <linux/edualloc.h>

#define MODEL_MAX_NODES		4
#define MODEL_MAX_CPUS		16
#define MODEL_CHUNK_PAGES	1024UL
#define MODEL_ORDERS		EDU_NR_ORDERS

/* buddy.h's internal EDU_AF_SLAB (harness.c checks that they agree). */
#define MODEL_AF_SLAB		0x100U

/* Owner of a page: free, part of a live block, or on CPU n's list (n >= 0). */
#define MODEL_FREE		(-1)
#define MODEL_LIVE		(-2)

/* What the model must confirm about one per-CPU list at the next sync. */
enum model_pcp_mode {
	MODEL_PCP_EXACT,	/* members known exactly */
	MODEL_PCP_DRAINED,	/* a batch left: members are a subset */
	MODEL_PCP_REFILLED,	/* the members came from the free pages */
};

struct model_pcp {
	int count;
	enum model_pcp_mode mode;
	unsigned long alloc_hits, free_hits, refills, drains;
};

struct model_node {
	bool present;
	unsigned int nr_chunks;
	unsigned long pages;
	signed char *owner;		/* per page: MODEL_FREE, _LIVE or a CPU */
	unsigned char *live;		/* per live block head: 1 + order */
#define MODEL_LIVE_SLAB		0x80	/* ... | this for a slab block */
	unsigned long wmark_min;
	int fallback[MODEL_MAX_NODES];	/* other pooled nodes, nearest first */
	int nr_fallback;

	/* The canonical decomposition of the free pages (model_canon()). */
	unsigned char *canon;		/* per free block head: 1 + order */
	unsigned long nr_free[MODEL_ORDERS];
	unsigned long free_pages;
	unsigned long nr_blocks;
	unsigned long *prefix;		/* scratch: free pages below each */

	/* Predicted for the current step. */
	bool dirty;			/* free pages may have changed */
	bool alloc_step;		/* nr_free[] predicted by splitting */
	unsigned long pred_free[MODEL_ORDERS];
	unsigned long returned;		/* blocks given back to the lists */

	/* Counters, as struct edu_node and struct edu_pcp keep them. */
	unsigned long allocs[MODEL_ORDERS], frees[MODEL_ORDERS];
	unsigned long splits, merges, fallbacks, failures, drain_retries;
	struct model_pcp pcp[MODEL_MAX_CPUS];
};

struct model_cfg {
	int nr_cpus;
	int cpu_node[MODEL_MAX_CPUS];
	int distance[MODEL_MAX_NODES][MODEL_MAX_NODES];
	unsigned int chunks[MODEL_MAX_NODES];	/* 0: node without a pool */
	unsigned long wmark_min[MODEL_MAX_NODES];
	int batch, high;
};

struct model {
	struct model_cfg cfg;
	struct model_node node[MODEL_MAX_NODES];
};

/* The outcome of a request as the model predicts it. */
struct model_pred {
	int err;		/* 0, -ENOMEM or -EINVAL */
	int nid;		/* node that serves it */
	bool pcp;		/* served by the per-CPU list of @cpu */
	bool fallback;		/* not by the preferred node */
	bool refill;		/* the per-CPU list was refilled first */
	unsigned int order, flags;
	int cpu;
};

int model_init(struct model *m, const struct model_cfg *cfg);
void model_destroy(struct model *m);

/* Each returns NULL or what went wrong. */
void model_alloc(struct model *m, int nid, unsigned int order,
		 unsigned int flags, int cpu, struct model_pred *p);
const char *model_alloc_place(struct model *m, const struct model_pred *p,
			      unsigned long idx);
const char *model_free(struct model *m, int nid, unsigned long idx,
		       unsigned int order, int cpu);
unsigned long model_drain_cpu(struct model *m, int nid, int cpu);
unsigned long model_drain_node(struct model *m, int nid);
const char *model_sync_pcp(struct model *m, int nid, int cpu,
			   const unsigned long *idx, int nr);
const char *model_end_step(struct model *m);

#endif /* _EDU_MODEL_H */
