/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * edualloc's swap area: where reclaim puts the content of an evicted area
 * page, and where its next fault reads it back (a major fault).  Rules in
 * swap.c.
 */
#ifndef _EDU_SWAP_H
#define _EDU_SWAP_H

#include <linux/types.h>

struct seq_file;

struct edu_swap_stat {
	unsigned long slots;	/* the area's size */
	unsigned long used;	/* slots holding a page */
	unsigned long pswpout;	/* pages written to a slot */
	unsigned long pswpin;	/* pages read back */
	unsigned long failed;	/* writes refused: no slot, or no memory */
};

int edu_swap_init(void);
void edu_swap_exit(void);
int edu_swap_out(const void *page, u32 area, u32 index, u32 *slot);
void edu_swap_in(u32 slot, void *page);
void edu_swap_free(u32 slot);
void edu_swap_stat(struct edu_swap_stat *s);
void edu_swap_show_map(struct seq_file *m);

#endif /* _EDU_SWAP_H */
