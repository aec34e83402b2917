/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Areas: fault-driven mappings, what area.c, area_dev.c and area_debugfs.c
 * share.  An area is a range of pages of virtual memory; each page is
 * either not present or backed by an order-0 page of edualloc's buddy
 * allocator, taken at its first fault.  Locking rules: area.c.
 */
#ifndef _EDU_AREA_H
#define _EDU_AREA_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/xarray.h>

#include "buddy.h"
#include "edualloc.h"
#include "lru.h"

/*
 * mmap() offsets: blocks use their handle (below 2^48 pages), areas a window
 * of EDU_AREA_MAX_PAGES pages each from EDU_AREA_PGOFF_BASE on, indexed by
 * the area's id, which is unique among live areas of all files.  So every
 * page of every area has an offset of its own in the device's address_space:
 * unmap_mapping_range() on it reaches exactly that page, in every process
 * that maps it (fork, mremap included).
 */
#define EDU_AREA_PGOFF_BASE	BIT(48)
#define EDU_AREA_WINDOW_SHIFT	20
#define EDU_AREA_MAX_ID		((1U << 28) - 1)
static_assert(EDU_AREA_MAX_PAGES == 1ULL << EDU_AREA_WINDOW_SHIFT);
/* The last page of the last window still has a positive loff_t. */
static_assert(EDU_AREA_PGOFF_BASE +
	      ((u64)(EDU_AREA_MAX_ID + 1) << EDU_AREA_WINDOW_SHIFT) <=
	      (1ULL << (63 - PAGE_SHIFT)));

/* edu_area_page.state */
#define EDU_AP_NONE	0	/* never touched, or failed: nothing behind it */
#define EDU_AP_PRESENT	1	/* a page of the pool: @nid, @idx */
#define EDU_AP_SWAPPED	2	/* evicted: its content is in swap slot @idx */
#define EDU_AP_FILE	3	/* evicted from a file-backed area: the file
				 * has its content (@shadow as for SWAPPED)
				 */

/* edu_area_page.flags, under the area's lock (writeback.c) */
#define EDU_APF_DIRTY		BIT(0)	/* PRESENT, written since written back */
#define EDU_APF_WRITEBACK	BIT(1)	/* PRESENT, being written to the file */

/*
 * One page of an area: 40 bytes.  Pool indexes and swap slots fit 32 bits
 * (pool_mb, swap_mb).  While present, the page is on its node's LRU lists
 * through @lru (reclaim.c), whose owner is the area.  While swapped it
 * keeps its @shadow instead, the lists' age when it was evicted (lru.h:
 * refaults), as the kernel leaves a shadow entry where the page was; @nid
 * is then the node it was evicted from, whose lists the shadow dates.
 */
struct edu_area_page {
	union {
		struct edu_lru_page lru;	/* PRESENT */
		unsigned long shadow;		/* SWAPPED */
	};
	u32 idx;		/* PRESENT: pool index on @nid; SWAPPED: slot */
	u16 nid;
	u8 state;		/* EDU_AP_* */
	u8 flags;		/* EDU_APF_* */
};

/*
 * A VMA mapping the area (vm_private_data), on the area's list so that
 * reclaim can find the PTEs of a page in every process.  The kernel's own
 * list, the address_space's i_mmap tree, has no iterator for modules.
 */
struct edu_area_vma {
	struct list_head link;		/* in edu_area.vmas */
	struct vm_area_struct *vma;
	struct edu_area *area;
};

struct edu_area {
	struct edu_obj obj;	/* refs: the handle, each VMA mapping it */
	refcount_t life;	/* the structure: @obj's users as one, and
				 * reclaim per page it isolated (area.c)
				 */
	struct mutex lock;	/* see area.c */
	u32 id;			/* window of mmap offsets, edu_areas key */
	unsigned int policy;	/* EDU_AREA_POLICY_* */
	int nid;		/* EDU_AREA_POLICY_NODE: the node */
	unsigned long pages;
	unsigned long pgoff;	/* offset (pages) of page 0 */
	struct address_space *mapping;	/* the device file's, for eviction */
	struct file *file;	/* EDU_AREA_FILE: the backing file, else NULL */
	u64 handle;		/* in its file's table; 0 until it is */
	pid_t owner;		/* tgid of the creator */
	char comm[TASK_COMM_LEN];
	atomic_t mappings;	/* VMAs mapping it */
	spinlock_t vma_lock;	/* @vmas */
	struct list_head vmas;	/* of struct edu_area_vma */
	/* Under @lock: */
	bool dead;		/* its users are gone, its pages given back */
	unsigned long present;
	unsigned long swapped;
	u64 faults_minor;
	u64 faults_major;
	u64 zero_fills;
	u64 faults_sigbus;
	unsigned long dirty;		/* pages with EDU_APF_DIRTY */
	unsigned long writeback;	/* pages with EDU_APF_WRITEBACK */
	u64 written;			/* pages written back */
	u64 write_errors;		/* writes that failed */
	unsigned long dirtied_when;	/* jiffies: first page dirtied since
					 * the area was last clean
					 */
	/* Under edu_wb.lock (writeback.c): */
	bool wb_queued;		/* the flusher holds it (@life), on its list
				 * or being written
				 */
	struct list_head wb_link;	/* on the flusher's list of dirty areas */
	struct edu_area_page *map;	/* @pages entries */
};

/* All areas, for the view and the totals (area.c). */
struct edu_area_totals {
	u64 faults_minor;
	u64 faults_major;
	u64 zero_fills;
	u64 faults_sigbus;
};

extern struct xarray edu_areas;
extern struct mutex edu_areas_lock;

/* How a fault was served (tracepoint edualloc_area_fault). */
#define EDU_AREA_FAULT_ZERO	0	/* minor: page allocated and cleared */
#define EDU_AREA_FAULT_MAPPED	1	/* minor: the page was present */
#define EDU_AREA_FAULT_SIGBUS	2	/* no page to be had */
#define EDU_AREA_FAULT_MAJOR	3	/* read back from swap */
#define EDU_AREA_FAULT_FILE	4	/* major: read from the file */
#define EDU_AREA_FAULT_MKWRITE	5	/* first write: the page is dirty */

/* What a reclaim look at a page's PTEs found (trace edualloc_lru_look). */
#define EDU_AREA_LOOK_NONE	0	/* no PTE maps it: unused since re-armed */
#define EDU_AREA_LOOK_OLD	1	/* mapped, Accessed bit clear */
#define EDU_AREA_LOOK_YOUNG	2	/* Accessed bit was set (now clear) */
#define EDU_AREA_LOOK_BUSY	3	/* an mmap_lock was taken: counts as young */

/* area.c */
struct edu_area *edu_area_create(struct edu_file *ef, unsigned long pages,
				 unsigned int policy, int nid, struct file *file,
				 int *err);
void edu_area_put_life(struct edu_area *a);
void edu_area_free_pages(struct edu_area *a);
void edu_area_publish(struct edu_area *a, u64 handle);
void edu_area_totals(struct edu_area_totals *t);
bool edu_is_area_vma(const struct vm_area_struct *vma);
bool edu_area_walk_page(struct vm_area_struct *vma, unsigned long addr,
			struct edu_walk_page *pg);

/* area_debugfs.c */
void edu_area_debugfs_init(void);
void edu_area_debugfs_exit(void);

#endif /* _EDU_AREA_H */
