/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The page-table walker's internal interface, shared by its four files:
 *   pgwalk.c       walking the tables by hand, translations
 *   addrspace.c    whose address space may be read, VMAs and their classes,
 *                  the kernel's layout and the kmalloc/vmalloc buffers,
 *                  frames
 *   walk_dev.c     the ioctls
 *   walk_debugfs.c the debugfs views (layout, walk_target, maps, walk, kbuf)
 * Locking rules are in the comment at the top of pgwalk.c.
 */
#ifndef _EDU_PGWALK_H
#define _EDU_PGWALK_H

#include <linux/lockdep.h>
#include <linux/mm_types.h>
#include <linux/types.h>
#include "edualloc.h"

struct seq_file;

/*
 * The mmap lock is held (either way).  Not mmap_assert_locked(): with
 * CONFIG_DEBUG_VM it calls dump_mm(), which is not exported to modules.
 */
static inline void edu_assert_mmap_locked(struct mm_struct *mm)
{
	lockdep_assert_held(&mm->mmap_lock);
}

/* A walk over a range of user addresses (see edu_walk_user_range()). */
struct edu_pt_walk {
	struct mm_struct *mm;
	struct vm_area_struct *vma;	/* the VMA being walked */
	bool area;			/* ... is an edualloc area's */
	struct edu_walk_page *out;	/* one entry per page, or NULL: count */
	unsigned long nr;		/* entries written to @out */
	unsigned long resident;		/* pages in memory */
	unsigned long huge;		/* of those, in PMD/PUD leaves */
	unsigned long swapped;		/* pages in swap */
};

/* pgwalk.c */
void edu_walk_user_range(struct edu_pt_walk *w, unsigned long start,
			 unsigned long end);
void edu_walk_vma_count(struct edu_pt_walk *w, struct vm_area_struct *vma);
void edu_translate_kernel(unsigned long addr, struct edu_walk_level *lv,
			  struct edu_walk_page *pg);
unsigned long edu_level_mask(unsigned int level);
u64 edu_effective_flags(const struct edu_walk_level *lv, bool user);
int edu_walk_one(u64 pid, u64 addr, bool privileged, struct edu_walk *w);
u64 edu_phys(const struct edu_walk_page *pg, unsigned long addr);
int edu_walk_range_chunk(struct edu_pt_walk *w, unsigned long addr,
			 unsigned long stop, bool privileged);

/* addrspace.c */
struct mm_struct *edu_target_mm(u64 pid);
int edu_kwalk_one(struct edu_kwalk *k);
int edu_kbuf_init(void);
void edu_kbuf_exit(void);
unsigned int edu_vma_class(struct vm_area_struct *vma);
int edu_vmas_get(struct mm_struct *mm, unsigned long start,
		 struct edu_vma *v, unsigned int max, unsigned long *next);
void edu_layout_get(struct edu_layout *l, bool privileged);
void edu_pfn_describe(struct edu_pfn_info *p);

/* walk_debugfs.c */
void edu_walk_debugfs_init(void);
void edu_walk_debugfs_exit(void);

#endif /* _EDU_PGWALK_H */
