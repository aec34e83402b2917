// SPDX-License-Identifier: GPL-2.0-only
/*
 * Address spaces as a whole: whose address space the caller may read, the
 * VMAs of a process (what /proc/PID/maps shows, plus what each area is for
 * and how much of it is in memory), the layout of the kernel's half of the
 * address space, a kmalloc() and a vmalloc() buffer to compare, and what
 * the kernel knows of a physical frame.
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
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/hugetlb_inline.h>
#include <linux/io.h>
#include <linux/kdev_t.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/page-flags.h>
#include <linux/pgtable.h>
#include <linux/pid.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/cpu_entry_area.h>
#include <asm/fixmap.h>

#include "compat.h"
#include "edualloc.h"
#include "pgwalk.h"

/* How far to look for the executable mapping of an image's file. */
#define EDU_IMAGE_SCAN		8

/* The kmalloc-vs-vmalloc lesson: two buffers of EDU_KBUF_PAGES pages. */
static void *edu_kbuf_kmalloc;
static void *edu_kbuf_vmalloc;

/* ------------------------------------------------------------ target -- */

/*
 * May the caller read @task's memory map?  This is the decision
 * ptrace_may_access(task, PTRACE_MODE_READ_FSCREDS) makes for
 * /proc/PID/maps and pagemap; that function is not exported to modules, so
 * here are its steps (kernel/ptrace.c): a thread of the same process may;
 * otherwise the caller's fsuid/fsgid must equal the target's real, effective
 * and saved ids, or the caller needs CAP_SYS_PTRACE in the target's user
 * namespace; and a target that is not dumpable (a setuid program, or after
 * prctl(PR_SET_DUMPABLE, 0)) needs CAP_SYS_PTRACE over its mm's namespace.
 * Dumpability is read from @mm, the address space we got with
 * get_task_mm() and will walk, not from task->mm: exit_mm() may have
 * cleared that since, while we still hold the mm.  The kernel refuses that
 * case too (task_still_dumpable(): the dumpability exit_mm() saved).
 * What we cannot ask are the LSMs (security_ptrace_access_check() is not
 * exported either): Yama only restricts PTRACE_MODE_ATTACH, but an SELinux
 * or AppArmor policy is not consulted.  Called under task_lock(task).
 */
static bool edu_may_read_task(struct task_struct *task, struct mm_struct *mm)
{
	const struct cred *cred, *tcred;
	bool ok;

	lockdep_assert_held(&task->alloc_lock);
	if (same_thread_group(task, current))
		return true;
	rcu_read_lock();
	cred = current_cred();
	tcred = __task_cred(task);
	ok = (uid_eq(cred->fsuid, tcred->euid) &&
	      uid_eq(cred->fsuid, tcred->suid) &&
	      uid_eq(cred->fsuid, tcred->uid) &&
	      gid_eq(cred->fsgid, tcred->egid) &&
	      gid_eq(cred->fsgid, tcred->sgid) &&
	      gid_eq(cred->fsgid, tcred->gid)) ||
	     ns_capable(tcred->user_ns, CAP_SYS_PTRACE);
	rcu_read_unlock();
	if (!ok)
		return false;
	if (get_dumpable(mm) != SUID_DUMP_USER &&
	    !ns_capable(mm->user_ns, CAP_SYS_PTRACE))
		return false;
	return true;
}

/*
 * The address space of process @pid (0: the caller), with a reference the
 * caller drops with mmput().  -ESRCH if there is no such process or it has
 * no user memory (a kernel thread, or it has exited), -EACCES if the caller
 * may not read it.  As mm_access() does, the check runs under the target's
 * exec_update_lock, so that an exec() cannot swap a setuid program's mm in
 * between the check and get_task_mm().
 */
struct mm_struct *edu_target_mm(u64 pid)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *p;
	bool ok = true;
	int err;

	if (!pid) {
		task = current;
		get_task_struct(task);
	} else {
		if (pid > INT_MAX)
			return ERR_PTR(-ESRCH);
		p = find_get_pid(pid);
		task = get_pid_task(p, PIDTYPE_PID);
		put_pid(p);
		if (!task)
			return ERR_PTR(-ESRCH);
	}

	err = down_read_killable(&task->signal->exec_update_lock);
	if (err) {
		put_task_struct(task);
		return ERR_PTR(err);
	}
	mm = get_task_mm(task);
	if (mm && mm != current->mm) {
		task_lock(task);
		ok = edu_may_read_task(task, mm);
		task_unlock(task);
	}
	up_read(&task->signal->exec_update_lock);
	put_task_struct(task);

	if (!mm)
		return ERR_PTR(-ESRCH);
	if (!ok) {
		mmput(mm);
		return ERR_PTR(-EACCES);
	}
	return mm;
}

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

	edu_assert_mmap_locked(vma->vm_mm);
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
		(unsigned long)edu_module_core_base(THIS_MODULE);
	r[EDU_REGION_THIS_MODULE].end = r[EDU_REGION_THIS_MODULE].start +
					edu_module_core_size(THIS_MODULE);
	r[EDU_REGION_FIXMAP].start = FIXADDR_START;
	r[EDU_REGION_FIXMAP].end = FIXADDR_TOP;
	r[EDU_REGION_LDT_REMAP].start = LDT_BASE_ADDR;
	r[EDU_REGION_LDT_REMAP].end = LDT_END_ADDR;
}

/* ------------------------------------------------ kmalloc vs vmalloc -- */

int edu_kwalk_one(struct edu_kwalk *k)
{
	unsigned long va;
	void *base;

	if (k->which == EDU_KBUF_KMALLOC)
		base = edu_kbuf_kmalloc;
	else if (k->which == EDU_KBUF_VMALLOC)
		base = edu_kbuf_vmalloc;
	else
		return -EINVAL;
	k->size = EDU_KBUF_PAGES * PAGE_SIZE;
	if (k->offset >= k->size)
		return -EINVAL;

	va = (unsigned long)base + k->offset;
	k->va = va;
	/*
	 * The shortcuts the kernel itself uses: the direct map is a linear
	 * copy of physical memory, so __pa() is a subtraction; a vmalloc
	 * address has to be looked up in the tables, page by page.
	 */
	if (k->which == EDU_KBUF_KMALLOC)
		k->pa = virt_to_phys((void *)va);
	else
		k->pa = PFN_PHYS(vmalloc_to_pfn((void *)va)) +
			offset_in_page(va);
	k->levels = pgtable_l5_enabled() ? 5 : 4;
	edu_translate_kernel(va, k->level, &k->page);
	k->phys = edu_phys(&k->page, va);
	k->effective = edu_effective_flags(k->level, false);
	return 0;
}

/* The two buffers, filled with 'k' and 'v' so their pages are all there. */
int edu_kbuf_init(void)
{
	unsigned int i;

	/* kmalloc() of 4 pages comes straight from the page allocator. */
	edu_kbuf_kmalloc = kmalloc(EDU_KBUF_PAGES * PAGE_SIZE,
				   GFP_KERNEL | __GFP_NOWARN);
	edu_kbuf_vmalloc = __vmalloc(EDU_KBUF_PAGES * PAGE_SIZE,
				     GFP_KERNEL | __GFP_NOWARN);
	if (!edu_kbuf_kmalloc || !edu_kbuf_vmalloc) {
		vfree(edu_kbuf_vmalloc);
		kfree(edu_kbuf_kmalloc);
		return -ENOMEM;
	}
	for (i = 0; i < EDU_KBUF_PAGES; i++) {
		memset(edu_kbuf_kmalloc + i * PAGE_SIZE, 'k', PAGE_SIZE);
		memset(edu_kbuf_vmalloc + i * PAGE_SIZE, 'v', PAGE_SIZE);
	}
	return 0;
}

void edu_kbuf_exit(void)
{
	vfree(edu_kbuf_vmalloc);
	kfree(edu_kbuf_kmalloc);
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
		if (order < EDU_KERNEL_NR_ORDERS)
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
		p->mapcount = max(edu_page_mapcount(page), 0);
}
