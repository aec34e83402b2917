/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The page replacement core (module/lru.c) and its model (lru_model.c) side
 * by side: a "world" of pages, each a struct edu_lru_page with a simulated
 * Accessed bit, on which every operation runs on both and is followed by a
 * comparison of everything observable (lists in order, the clock hand,
 * counts, flags, Accessed bits, counters, the victims in order).
 * A disagreement makes the operation return false after saying why on
 * stderr.
 */
#ifndef _LRU_HARNESS_H
#define _LRU_HARNESS_H

#include "mm_env.h"
#include "lru.h"
#include "lru_model.h"

struct lw_page {
	struct edu_lru_page lp;
	bool young;		/* the PTE Accessed bit, as the MMU sets it */
	unsigned long shadow;	/* edu_lru_shadow() when last a victim */
};

struct lru_world {
	spinlock_t lock;	/* the LRU lock: every call to the core */
	struct edu_lru lru;
	struct lw_page *pages;
	unsigned int nr_pages;
	struct lru_model model;
	unsigned int *victims;	/* the core's, of the last shrink */
	unsigned int nr_victims;
	unsigned long steps;
	bool check_all;		/* every page's flags after every step */
	unsigned int lists_every; /* compare the lists every n steps (0: 1) */
};

/* WARNs of the core so far (edu_printk() counts them). */
extern unsigned long lw_warnings;

int lw_create(struct lru_world *w, unsigned int nr_pages,
	      enum edu_lru_policy policy);
void lw_destroy(struct lru_world *w);

bool lw_access(struct lru_world *w, unsigned int p);
bool lw_add(struct lru_world *w, unsigned int p);
bool lw_add_refault(struct lru_world *w, unsigned int p);
bool lw_mark_accessed(struct lru_world *w, unsigned int p);
bool lw_del(struct lru_world *w, unsigned int p);
bool lw_rotate(struct lru_world *w, unsigned int p);
bool lw_shrink(struct lru_world *w, unsigned long nr_to_scan);
bool lw_set_policy(struct lru_world *w, int policy);
bool lw_check(struct lru_world *w, long touched);

static inline bool lw_on_lru(const struct lru_world *w, unsigned int p)
{
	return w->pages[p].lp.flags & EDU_LRU_PG_LRU;
}

#endif /* _LRU_HARNESS_H */
