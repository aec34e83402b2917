/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reclaim: each pool node's LRU lists of area pages, its kswapd, and direct
 * reclaim; what reclaim.c, area.c and reclaim_debugfs.c share.  Rules and
 * lock order in reclaim.c.
 */
#ifndef _EDU_RECLAIM_H
#define _EDU_RECLAIM_H

#include <linux/sched.h>
#include <linux/spinlock.h>

#include "lru.h"

/* Pages reclaim tries to free per pass, as SWAP_CLUSTER_MAX. */
#define EDU_RECLAIM_BATCH	32

/* Counters of a node, named after /proc/vmstat's. */
struct edu_reclaim_stat {
	unsigned long pgscan_kswapd;	/* pages looked at by kswapd */
	unsigned long pgsteal_kswapd;	/* ... and evicted */
	unsigned long pgscan_direct;	/* by a task that could not allocate */
	unsigned long pgsteal_direct;
	unsigned long allocstall;	/* direct reclaim entered */
	unsigned long pageoutrun;	/* kswapd woke up and ran */
	unsigned long evict_failed;	/* victims put back: no swap slot */
	unsigned long pgsteal_anon;	/* of the steals: to swap */
	unsigned long pgsteal_file;	/* ... clean file pages dropped */
	unsigned long nr_vmscan_write;	/* dirty pages reclaim wrote back */
	unsigned long dirty_kept;	/* dirty pages put back: direct reclaim
					 * may not write, or being written
					 */
};

/* One per node with a pool (the lruvec of mm/vmscan.c). */
struct edu_lruvec {
	spinlock_t lock;		/* lruvec->lru_lock: @lru, @stat */
	struct edu_lru lru;
	struct edu_reclaim_stat stat;
	struct task_struct __rcu *kswapd;
	unsigned long kswapd_flags;	/* EDU_KSWAPD_* bits, atomic ops */
	/* Under @lock: pages found young, to unmap once it is dropped. */
	unsigned int nr_rearm;
	struct edu_lru_page *rearm[2 * EDU_RECLAIM_BATCH];
	int nid;
};

#define EDU_KSWAPD_WANTED	0	/* woken, not yet looked at */
#define EDU_KSWAPD_RUNNING	1	/* reclaiming (for the view) */

extern struct edu_lruvec *edu_lruvecs[MAX_NUMNODES];

int edu_reclaim_init(void);
void edu_reclaim_exit(void);
void edu_kswapd_stop_all(void);
void edu_reclaim_add(int nid, struct edu_lru_page *page);
unsigned long edu_reclaim_shadow(int nid);
void edu_reclaim_add_refault(int nid, struct edu_lru_page *page,
			     int evicted_nid, unsigned long shadow);
void edu_reclaim_del_many(struct edu_lru_page **pages, const u16 *nids,
			  unsigned int nr);
unsigned long edu_reclaim_direct(int nid, bool this_node_only);
int edu_reclaim_proactive(int nid, unsigned long nr);

/* area.c: what reclaim asks of the pages it finds on its lists */
bool edu_area_page_young(struct edu_lru_page *page);
bool edu_area_page_tryget(struct edu_lru_page *page);
/* What edu_area_page_evict() did with a page it could take */
#define EDU_EVICT_SWAPPED	0	/* anonymous: written to a swap slot */
#define EDU_EVICT_FREED		1	/* of a dead area: just freed */
#define EDU_EVICT_DROPPED	2	/* file-backed, clean: the file has it */
int edu_area_page_evict(struct edu_lru_page *page, bool may_write,
			bool *wrote);
void edu_area_page_rearm(struct edu_lru_page *page);

/* reclaim_debugfs.c */
void edu_reclaim_debugfs_init(void);
void edu_reclaim_debugfs_exit(void);

#endif /* _EDU_RECLAIM_H */
