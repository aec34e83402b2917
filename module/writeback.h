/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writeback: dirty pages of file-backed areas going back to their files
 * (writeback.c), as mm/page-writeback.c and fs/fs-writeback.c do for the
 * page cache.
 */
#ifndef _EDU_WRITEBACK_H
#define _EDU_WRITEBACK_H

#include <linux/types.h>

struct edu_area;
struct edu_area_page;

/* Why a page was written back: the view's columns, the tracepoint's. */
enum edu_wb_reason {
	EDU_WB_EXPIRE,		/* the flusher: dirty longer than the expiry */
	EDU_WB_BACKGROUND,	/* the flusher: above the background ratio */
	EDU_WB_SYNC,		/* msync(), fsync(), the handle freed */
	EDU_WB_RECLAIM,		/* kswapd or reclaim_control: pageout() */
	EDU_WB_RELEASE,		/* the flusher: the area is gone */
	EDU_WB_NR_REASONS
};

struct edu_wb_stat {
	u64 dirtied;		/* vmstat nr_dirtied: pages made dirty */
	u64 written;		/* vmstat nr_written: pages written back */
	u64 by[EDU_WB_NR_REASONS];	/* @written by reason */
	u64 errors;		/* writes that failed: the page stays dirty */
	u64 flusher_runs;	/* flusher passes that wrote something */
	long nr_dirty;		/* vmstat nr_dirty: pages dirty now */
	long nr_writeback;	/* vmstat nr_writeback: being written now */
	long dirty_areas;	/* areas the flusher holds */
};

int edu_writeback_init(void);
void edu_writeback_exit(void);
void edu_wb_set_dirty(struct edu_area *a, struct edu_area_page *p);
void edu_wb_clear_dirty(struct edu_area *a, struct edu_area_page *p);
int edu_writeback_page(struct edu_area *a, unsigned long i,
		       enum edu_wb_reason why);
int edu_writeback_area(struct edu_area *a, enum edu_wb_reason why);
int edu_writeback_range(loff_t start, loff_t end);
void edu_wb_kick(void);
void edu_wb_area_gone(struct edu_area *a);
void edu_wb_stat(struct edu_wb_stat *st);
const char *edu_wb_reason_name(enum edu_wb_reason why);

#endif /* _EDU_WRITEBACK_H */
