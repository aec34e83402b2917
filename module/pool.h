/* SPDX-License-Identifier: GPL-2.0-only */
/* Pools taken from the real kernel (pool.c). */
#ifndef _EDU_POOL_H
#define _EDU_POOL_H

#include "buddy.h"

int edu_pools_create(void);
void edu_pools_destroy(void);
void edu_pool_default_wmarks(struct edu_node *n);
struct edu_node *edu_pfn_to_idx(unsigned long pfn, unsigned long *idx);
unsigned long edu_pool_meta_bytes(void);
void edu_node_snapshot(struct edu_node *n, struct edu_node_stats *s);

#endif /* _EDU_POOL_H */
