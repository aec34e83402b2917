/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An independent model of the page replacement core (module/lru.c), written
 * from the rules that module/lru.h documents, with plain arrays: a list is
 * an array of page numbers from head (newest, index 0) to tail, the clock an
 * array in ring order with the hand an index into it, the flags and the
 * simulated Accessed bits one bool array each.  It includes none of the
 * module's headers; lru_harness.c runs it next to the core and compares.
 */
#ifndef _LRU_MODEL_H
#define _LRU_MODEL_H

#include <stdbool.h>

/* Policies, numbered as enum edu_lru_policy (lru_harness.c checks). */
#define LM_LRU			0
#define LM_FIFO			1
#define LM_CLOCK		2
#define LM_NR_POLICIES		3

enum lm_list { LM_INACTIVE, LM_ACTIVE, LM_FIFO_LIST, LM_RING, LM_NR_LISTS };

struct lm_stat {
	unsigned long pgactivate, pgdeactivate, pgrefill, pgscan, pgsteal;
	unsigned long pgrotated, kept;
	unsigned long workingset_refault, workingset_activate;
};

struct lru_model {
	int policy;
	unsigned int nr_pages;
	unsigned int *list[LM_NR_LISTS];	/* each nr_pages long */
	unsigned int len[LM_NR_LISTS];
	unsigned int hand;			/* index into list[LM_RING] */
	bool *on, *active, *referenced, *young;	/* per page */
	unsigned long age;			/* evictions + activations */
	struct lm_stat stat;
	unsigned int *victims;			/* of the last shrink */
	unsigned int nr_victims;
};

int lm_init(struct lru_model *m, unsigned int nr_pages, int policy);
void lm_free(struct lru_model *m);
int lm_set_policy(struct lru_model *m, int policy);
bool lm_inactive_is_low(const struct lru_model *m);
void lm_access(struct lru_model *m, unsigned int p);
void lm_add(struct lru_model *m, unsigned int p);
bool lm_add_refault(struct lru_model *m, unsigned int p, unsigned long shadow);
void lm_mark_accessed(struct lru_model *m, unsigned int p);
bool lm_del(struct lru_model *m, unsigned int p);
void lm_rotate(struct lru_model *m, unsigned int p);
unsigned int lm_shrink(struct lru_model *m, unsigned long nr_to_scan);

#endif /* _LRU_MODEL_H */
