/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What buddy_dev.c (ioctls, mmap) and buddy_debugfs.c (views, control)
 * share.  Kernel only: buddy.h and pool.h are also built in user space.
 */
#ifndef _EDU_BUDDY_DEV_H
#define _EDU_BUDDY_DEV_H

#include "buddy.h"
#include "edualloc.h"

/* A block owned by a handle (or by the control file). */
struct edu_block {
	struct edu_obj obj;
	struct edu_page_ref ref;
};

/* buddy_dev.c */
struct edu_block *edu_block_alloc(int nid, unsigned int order,
				  unsigned int flags, int *err);

/* buddy_debugfs.c */
void edu_buddy_debugfs_init(void);
void edu_buddy_debugfs_exit(void);

#endif /* _EDU_BUDDY_DEV_H */
