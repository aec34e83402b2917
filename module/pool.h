/* SPDX-License-Identifier: GPL-2.0-only */
/* Pools taken from the real kernel (pool.c). */
#ifndef _EDU_POOL_H
#define _EDU_POOL_H

#include "buddy.h"

int edu_pools_create(void);
void edu_pools_destroy(void);
void edu_pool_default_wmarks(struct edu_node *n);
struct edu_node *edu_pfn_to_idx(unsigned long pfn, unsigned long *idx);
int edu_pool_index_chunk(struct edu_node *n, unsigned int c);
void edu_pool_unindex_chunk(struct edu_node *n, unsigned int c);
unsigned long edu_pool_meta_bytes(void);

/* shrinker.c: giving chunks back to the kernel, taking them again */
unsigned long edu_pool_shrink(struct edu_node *n, unsigned long nr);
unsigned long edu_pool_grow(struct edu_node *n, unsigned long want);
bool edu_pool_can_grow(struct edu_node *n);
int edu_pool_shrinker_init(void);
void edu_pool_shrinker_exit(void);
void edu_node_snapshot(struct edu_node *n, struct edu_node_stats *s);

#endif /* _EDU_POOL_H */
