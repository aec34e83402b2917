// SPDX-License-Identifier: GPL-2.0-only
/*
 * Address spaces as a whole: the VMAs of a process (what /proc/PID/maps
 * shows, plus what each area is for and how much of it is in memory), the
 * layout of the kernel's half of the address space, and what the kernel
 * knows of a physical frame.
 *
 * Locking: VMAs are read under mmap_read_lock() of their mm, which keeps
 * them and their files alive; counting their pages takes the page-table
 * locks as pgwalk.c describes.  The VMA list is built into a kernel buffer
 * a few VMAs at a time, which walk_dev.c copies out with no lock held.
 * The kernel layout reads only constants and kernel tables we never free
 * (lockless).  A frame's struct page is read without any lock: what it
 * says is a snapshot that may be stale by the time it is shown, which is
 * fine for a lesson and never unsafe, as we only read it and never follow
 * its pointers.
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/hugetlb_inline.h>
#include <linux/kdev_t.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/page-flags.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <asm/cpu_entry_area.h>
#include <asm/fixmap.h>

#include <edualloc_names.h>

#include "edualloc.h"
#include "pgwalk.h"

/* How far to look for the executable mapping of an image's file. */
#define EDU_IMAGE_SCAN		8

/* ----------------------------------------------------------- VMAs -- */

static bool edu_same_file(struct vm_area_struct *a, struct vm_area_struct *b)
{
	return a && b && a->vm_file && b->vm_file &&
		file_inode(a->vm_file) == file_inode(b->vm_file);
}

/*
 * Is @vma part of a program or library image?  The ELF loader maps the
 * segments of a file side by side, its code with VM_EXEC: look for an
 * executable mapping of the same file among the neighbours.
 */
static struct vm_area_struct *edu_vma_prev(struct vm_area_struct *vma)
{
	VMA_ITERATOR(vmi, vma->vm_mm, vma->vm_start);

	return vma_prev(&vmi);
}

static bool edu_vma_in_image(struct vm_area_struct *vma)
{
	struct vm_area_struct *v;
	unsigned int i;

	v = vma;
	for (i = 0; i < EDU_IMAGE_SCAN && edu_same_file(v, vma); i++) {
		if (v->vm_flags & VM_EXEC)
			return true;
		v = find_vma(vma->vm_mm, v->vm_end);
	}
	v = edu_vma_prev(vma);
	for (i = 0; i < EDU_IMAGE_SCAN && edu_same_file(v, vma); i++) {
		if (v->vm_flags & VM_EXEC)
			return true;
		v = edu_vma_prev(v);
	}
	return false;
}

static bool edu_vma_is_heap(struct vm_area_struct *vma)
{
	return vma->vm_start <= vma->vm_mm->brk &&
		vma->vm_end >= vma->vm_mm->start_brk;
}

static bool edu_vma_is_stack(struct vm_area_struct *vma)
{
	return vma->vm_start <= vma->vm_mm->start_stack &&
		vma->vm_end >= vma->vm_mm->start_stack;
}

/* The name of a kernel-provided special mapping: [vdso], [vvar]. */
static const char *edu_vma_special_name(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->name)
		return vma->vm_ops->name(vma);
	return NULL;
}

/*
 * What an area is for.  The heap and stack tests are those of
 * /proc/PID/maps; "bss" is anonymous memory right after an image's
 * writable data (the rest of the zero-initialised data that did not fit
 * in the data segment's last page).  Under mmap_read_lock.
 */
unsigned int edu_vma_class(struct vm_area_struct *vma)
{
	struct vm_area_struct *prev;

	if (edu_vma_special_name(vma))
		return EDU_VMA_CLASS_VDSO;
	if (vma->vm_flags & (VM_PFNMAP | VM_IO | VM_MIXEDMAP))
		return EDU_VMA_CLASS_SPECIAL;
	if (vma->vm_file) {
		if (vma->vm_flags & VM_EXEC)
			return EDU_VMA_CLASS_TEXT;
		if (!(vma->vm_flags & VM_MAYSHARE) && edu_vma_in_image(vma))
			return vma->vm_flags & VM_WRITE ? EDU_VMA_CLASS_DATA :
							  EDU_VMA_CLASS_RODATA;
		return EDU_VMA_CLASS_FILE;
	}
	if (edu_vma_is_heap(vma))
		return EDU_VMA_CLASS_HEAP;
	if (edu_vma_is_stack(vma))
		return EDU_VMA_CLASS_STACK;
	prev = edu_vma_prev(vma);
	if (prev && prev->vm_end == vma->vm_start && prev->vm_file &&
	    (prev->vm_flags & (VM_WRITE | VM_MAYSHARE)) == VM_WRITE &&
	    edu_vma_in_image(prev))
		return EDU_VMA_CLASS_BSS;
	return EDU_VMA_CLASS_ANON;
}

const char *edu_vma_class_name(unsigned int class)
{
	static const char * const names[] = {
		[EDU_VMA_CLASS_NONE] = "-",
		[EDU_VMA_CLASS_ANON] = "anon",
		[EDU_VMA_CLASS_TEXT] = "text",
		[EDU_VMA_CLASS_RODATA] = "rodata",
		[EDU_VMA_CLASS_DATA] = "data",
		[EDU_VMA_CLASS_BSS] = "bss",
		[EDU_VMA_CLASS_HEAP] = "heap",
		[EDU_VMA_CLASS_STACK] = "stack",
		[EDU_VMA_CLASS_FILE] = "file",
		[EDU_VMA_CLASS_VDSO] = "vdso",
		[EDU_VMA_CLASS_SPECIAL] = "special",
	};

	return class < ARRAY_SIZE(names) ? names[class] : "?";
}

/* The name column of /proc/PID/maps; @path is a PATH_MAX scratch buffer. */
static void edu_vma_name(struct vm_area_struct *vma, struct edu_vma *v,
			 char *path)
{
	const char *name = "";

	if (vma->vm_file) {
		name = d_path(&vma->vm_file->f_path, path, PATH_MAX);
		if (IS_ERR(name)) {
			/* Longer than PATH_MAX: give the file's own name. */
			snprintf(v->name, sizeof(v->name), "%pD", vma->vm_file);
			v->flags |= EDU_VMA_NAME_TRUNC;
			return;
		}
	} else if (edu_vma_special_name(vma)) {
		name = edu_vma_special_name(vma);
	} else if (edu_vma_is_heap(vma)) {
		name = "[heap]";
	} else if (edu_vma_is_stack(vma)) {
		name = "[stack]";
	}
	if (strscpy(v->name, name, sizeof(v->name)) < 0)
		v->flags |= EDU_VMA_NAME_TRUNC;
}

static void edu_vma_describe(struct mm_struct *mm, struct vm_area_struct *vma,
			     struct edu_vma *v, char *path)
{
	vm_flags_t f = vma->vm_flags;
	struct edu_pt_walk w = { .mm = mm };

	memset(v, 0, sizeof(*v));
	v->start = vma->vm_start;
	v->end = vma->vm_end;
	v->prot = (f & VM_READ ? EDU_VMA_READ : 0) |
		  (f & VM_WRITE ? EDU_VMA_WRITE : 0) |
		  (f & VM_EXEC ? EDU_VMA_EXEC : 0) |
		  (f & VM_MAYSHARE ? EDU_VMA_SHARED : 0);
	if (vma->vm_file) {
		struct inode *inode = file_inode(vma->vm_file);

		v->offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
		v->dev_major = MAJOR(inode->i_sb->s_dev);
		v->dev_minor = MINOR(inode->i_sb->s_dev);
		v->inode = inode->i_ino;
	}
	v->class = edu_vma_class(vma);
	if (is_vm_hugetlb_page(vma))
		v->flags |= EDU_VMA_HUGETLB;
	if (f & (VM_PFNMAP | VM_IO))
		v->flags |= EDU_VMA_PFNMAP;
	if (f & VM_LOCKED)
		v->flags |= EDU_VMA_LOCKED;
	edu_vma_name(vma, v, path);

	edu_walk_vma_count(&w, vma);
	v->resident = w.resident;
	v->huge = w.huge;
	v->swapped = w.swapped;
}

/*
 * Describe up to @max VMAs of @mm that end above @start, in address order.
 * *@next is where to go on from, 0 when there are no more.  Returns how
 * many were written or a negative errno.  Takes mmap_read_lock itself.
 */
int edu_vmas_get(struct mm_struct *mm, unsigned long start,
		 struct edu_vma *v, unsigned int max, unsigned long *next)
{
	struct vm_area_struct *vma;
	unsigned int n = 0;
	char *path;

	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	if (mmap_read_lock_killable(mm)) {
		kfree(path);
		return -EINTR;
	}
	for (vma = find_vma(mm, start); vma && n < max;
	     vma = find_vma(mm, vma->vm_end))
		edu_vma_describe(mm, vma, &v[n++], path);
	*next = !vma ? 0 : n ? v[n - 1].end : start;
	mmap_read_unlock(mm);
	kfree(path);
	return n;
}

/* ------------------------------------------------------ kernel layout -- */

const char *edu_region_name(unsigned int region)
{
	return region < EDU_NR_REGIONS ? edu_region_names[region] : "?";
}

/*
 * Where the kernel's code is, found the way the MMU sees it: in the kernel
 * image window, the first run of present, executable pages.  (_text and
 * _etext are not exported to modules; the tables tell us anyway.)
 */
static void edu_find_kernel_text(struct edu_region *r)
{
	struct edu_walk_level lv[EDU_NR_LEVELS];
	unsigned long addr = __START_KERNEL_map;
	unsigned long end = __START_KERNEL_map + KERNEL_IMAGE_SIZE;
	struct edu_walk_page pg;
	unsigned long mask;
	bool exec;
	u64 eff;

	r->start = 0;
	r->end = 0;
	while (addr < end) {
		edu_translate_kernel(addr, lv, &pg);
		eff = edu_effective_flags(lv, false);
		exec = (eff & EDU_PTE_PRESENT) && !(eff & EDU_PTE_NX);
		if (exec && !r->start)
			r->start = addr;
		if (!exec && r->start) {
			r->end = addr;
			return;
		}
		/* Skip what the entry that ended the walk covers. */
		mask = edu_level_mask(pg.level);
		addr = (addr & mask) + ~mask + 1;
	}
	if (r->start)
		r->end = end;
}

/* Kernel addresses are only shown to privileged openers (else all zero). */
void edu_layout_get(struct edu_layout *l, bool privileged)
{
	struct edu_region *r = l->region;
	unsigned long max_pfn;

	memset(l, 0, sizeof(*l));
	l->levels = pgtable_l5_enabled() ? 5 : 4;
	l->nr_regions = EDU_NR_REGIONS;
	r[EDU_REGION_USER].end = TASK_SIZE_MAX;
	if (!privileged)
		return;

	/* high_memory: the end of RAM in the direct map. */
	max_pfn = PHYS_PFN(__pa(high_memory - 1)) + 1;
	r[EDU_REGION_DIRECT_MAP].start = PAGE_OFFSET;
	r[EDU_REGION_DIRECT_MAP].end = (unsigned long)high_memory;
	r[EDU_REGION_VMALLOC].start = VMALLOC_START;
	r[EDU_REGION_VMALLOC].end = VMALLOC_END + 1;
	r[EDU_REGION_VMEMMAP].start = VMEMMAP_START;
	r[EDU_REGION_VMEMMAP].end = (unsigned long)pfn_to_page(max_pfn);
	r[EDU_REGION_CPU_ENTRY].start = CPU_ENTRY_AREA_BASE;
	r[EDU_REGION_CPU_ENTRY].end = CPU_ENTRY_AREA_BASE +
				      CPU_ENTRY_AREA_MAP_SIZE;
	r[EDU_REGION_ESPFIX].start = ESPFIX_BASE_ADDR;
	r[EDU_REGION_ESPFIX].end = ESPFIX_BASE_ADDR + P4D_SIZE;
	r[EDU_REGION_EFI].start = EFI_VA_END;
	r[EDU_REGION_EFI].end = EFI_VA_START;
	r[EDU_REGION_KERNEL_IMAGE].start = __START_KERNEL_map;
	r[EDU_REGION_KERNEL_IMAGE].end = __START_KERNEL_map +
					 KERNEL_IMAGE_SIZE;
	edu_find_kernel_text(&r[EDU_REGION_KERNEL_TEXT]);
	r[EDU_REGION_MODULES].start = MODULES_VADDR;
	r[EDU_REGION_MODULES].end = MODULES_END;
	r[EDU_REGION_THIS_MODULE].start =
		(unsigned long)THIS_MODULE->core_layout.base;
	r[EDU_REGION_THIS_MODULE].end = r[EDU_REGION_THIS_MODULE].start +
					THIS_MODULE->core_layout.size;
	r[EDU_REGION_FIXMAP].start = FIXADDR_START;
	r[EDU_REGION_FIXMAP].end = FIXADDR_TOP;
	r[EDU_REGION_LDT_REMAP].start = LDT_BASE_ADDR;
	r[EDU_REGION_LDT_REMAP].end = LDT_END_ADDR;
}

/* ------------------------------------------------------------ frames -- */

/* What the kernel knows of frame p->pfn; the rest of @p is zero. */
void edu_pfn_describe(struct edu_pfn_info *p)
{
	unsigned long pfn = p->pfn;
	struct edu_pfn_owner own;
	struct page *page, *head;
	unsigned long order;

	p->nid = EDU_NODE_NONE;
	if (is_zero_pfn(pfn))
		p->flags |= EDU_FRAME_ZERO;
	if (edu_buddy_explain_pfn(pfn, &own)) {
		static const u64 states[] = {
			[EDU_PFN_FREE] = EDU_POOL_FREE,
			[EDU_PFN_ALLOCATED] = EDU_POOL_ALLOCATED,
			[EDU_PFN_PCP] = EDU_POOL_PCP,
			[EDU_PFN_SLAB] = EDU_POOL_SLAB,
		};

		p->flags |= EDU_FRAME_POOL;
		if (own.state < ARRAY_SIZE(states))
			p->pool_state = states[own.state];
		p->pool_node = own.nid;
		p->pool_block_pfn = own.block_pfn;
		p->pool_order = own.order;
	}
	if (!pfn_valid(pfn))
		return;
	p->flags |= EDU_FRAME_VALID;
	p->nid = page_to_nid(pfn_to_page(pfn));
	page = pfn_to_online_page(pfn);
	if (!page)
		return;
	p->flags |= EDU_FRAME_ONLINE;

	/* Page types first: they reuse the fields the others are read from. */
	if (PageReserved(page))
		p->flags |= EDU_FRAME_RESERVED;
	if (PageBuddy(page)) {
		p->flags |= EDU_FRAME_BUDDY;
		order = READ_ONCE(page->private);
		if (order < MAX_ORDER)
			p->order = order;
		return;
	}
	if (PageTable(page)) {
		p->flags |= EDU_FRAME_PGTABLE;
		p->refcount = page_ref_count(page);
		return;
	}
	head = compound_head(page);
	p->refcount = page_ref_count(head);
	if (PageCompound(page)) {
		p->flags |= EDU_FRAME_COMPOUND;
		p->order = compound_order(head);
	}
	if (PageSlab(head)) {
		p->flags |= EDU_FRAME_SLAB;
		return;
	}
	if (PageLRU(head))
		p->flags |= EDU_FRAME_LRU;
	if (PageAnon(head))
		p->flags |= EDU_FRAME_ANON;
	else if (READ_ONCE(head->mapping))
		p->flags |= EDU_FRAME_FILE;
	if (p->flags & (EDU_FRAME_ANON | EDU_FRAME_FILE))
		p->mapcount = max(page_mapcount(page), 0);
}
