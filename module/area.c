// SPDX-License-Identifier: GPL-2.0-only
/*
 * Areas: virtual memory backed on demand, the way mm/memory.c's
 * do_anonymous_page() and a filesystem's ->fault back a VMA.  mmap() maps
 * nothing; the first touch of a page faults into edu_area_fault(), which
 * takes an order-0 page from edualloc's buddy allocator on the node the
 * area's policy names, clears it and installs it in the faulting page
 * table.  That is a minor fault: no I/O.  (Major faults, reading a page
 * back from swap or a file, come with those.)
 *
 * How pages are mapped.  Our pages are sub-pages of order-10 chunks taken
 * without __GFP_COMP, so their struct pages have no reference count of
 * their own (the tail pages' count is 0): they must not be handed to the
 * kernel's rmap and refcounting through vmf->page or vm_insert_page().  The
 * VMA is VM_MIXEDMAP and the fault uses vmf_insert_mixed(), which on x86
 * writes a special PTE: the kernel never takes a reference nor a mapcount,
 * munmap() just clears the PTE, and the area alone decides when the page
 * goes back to the buddy allocator.  Unlike VM_PFNMAP, the page walkers of
 * /proc/PID/pagemap and mincore() still look at a VM_MIXEDMAP VMA, so a
 * test can see from outside which pages are present.
 *
 * Lifetime.  An area is an edu_obj: the file's handle table holds one
 * reference and every VMA mapping it another (taken by mmap() and
 * vm_ops->open, for fork() and VMA splits; dropped by vm_ops->close).  The
 * last one gone frees the pages.  The kernel zaps a VMA's PTEs and flushes
 * the TLB before it calls ->close, so no process can reach a page freed
 * there.  fork() copies the PTEs of a VM_MIXEDMAP VMA as they are (a shared
 * mapping is not copy-on-write): parent and child map the same pages.
 *
 * Eviction (a later step) needs to unmap one page from every process.  Each
 * page has an mmap offset of its own in the device's address_space (area.h),
 * and every VMA of the area is in that address_space's i_mmap tree, so
 * unmap_mapping_range(a->mapping, offset, PAGE_SIZE, 0) does it, after fork()
 * and mremap() too, with no list of VMAs of our own.
 *
 * Locking, outermost first (the module's ladder is in edualloc.h):
 *
 *   mmap_lock            held by the kernel around ->fault (read), mmap()
 *                        and ->open/->close (write)
 *     edu_areas_lock     a mutex: removal from edu_areas, and the view's walk
 *       edu_area.lock    a mutex: the area's page states and counters.
 *                        Held across the whole fault, the page-table update
 *                        included, so a page is allocated once however many
 *                        threads fault on it, and so eviction, holding it
 *                        too, cannot free a page between its allocation
 *                        and its PTE.  May sleep (page-table allocation).
 *         i_mmap_rwsem   of the device's address_space, taken by
 *                        unmap_mapping_range() (eviction, later); like the
 *                        folio lock of mm/rmap.c's order, ours comes first
 *           page-table lock   taken by vmf_insert_mixed()
 *         edu_pcp.lock, edu_node.lock   the buddy allocator's (buddy.h)
 *   xa_lock(edu_areas)   a leaf: id allocation, lookup by mmap(), @handle
 *
 * Release takes edu_areas_lock under a caller's mmap_lock (munmap()); the
 * view takes edu_areas_lock then edu_area.lock with no mmap_lock; no one
 * takes mmap_lock under either.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/pfn_t.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "area.h"
#include "buddy.h"
#include "compat.h"
#include "edualloc.h"

#define CREATE_TRACE_POINTS
#include "trace_area.h"

/* Live areas by id (xa_lock: see above); removal also under the mutex. */
DEFINE_XARRAY_ALLOC1(edu_areas);
/* Held to remove an area and to walk them all (the view). */
DEFINE_MUTEX(edu_areas_lock);

/* Totals of all areas, live or gone. */
static atomic64_t edu_area_minor;
static atomic64_t edu_area_major;
static atomic64_t edu_area_zero_fills;
static atomic64_t edu_area_sigbus;

/* EDU_AREA_POLICY_INTERLEAVE's nodes: those with a pool, ascending. */
static int edu_il_nodes[MAX_NUMNODES];
static unsigned int edu_nr_il_nodes;

bool edu_area_pgoff(unsigned long pgoff)
{
	return pgoff >= EDU_AREA_PGOFF_BASE;
}

static void edu_area_release(struct edu_obj *obj)
{
	struct edu_area *a = container_of(obj, struct edu_area, obj);
	unsigned long i;

	/* Out of the view first: it reads the area under edu_areas_lock. */
	mutex_lock(&edu_areas_lock);
	xa_erase(&edu_areas, a->id);
	mutex_unlock(&edu_areas_lock);
	for (i = 0; i < a->pages; i++) {
		struct edu_area_page *p = &a->map[i];

		if (p->state == EDU_AP_PRESENT)
			edu_free_pages(edu_nodes[p->nid], p->idx, 0);
		if (i % 4096 == 4095)
			cond_resched();
	}
	mutex_destroy(&a->lock);
	kvfree(a->map);
	kfree(a);
}

struct edu_area *edu_area_create(struct edu_file *ef, unsigned long pages,
				 unsigned int policy, int nid, int *err)
{
	struct edu_area *a;

	a = edu_should_fail() ? NULL : kzalloc(sizeof(*a), GFP_KERNEL_ACCOUNT);
	if (!a)
		goto nomem;
	/* Sized by the caller (up to 8 MiB): fail quietly, with -ENOMEM. */
	a->map = edu_should_fail() ? NULL :
		 kvcalloc(pages, sizeof(*a->map),
			  GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!a->map)
		goto err_area;
	mutex_init(&a->lock);
	a->policy = policy;
	a->nid = nid;
	a->pages = pages;
	a->mapping = ef->mapping;
	a->owner = task_tgid_nr(current);
	get_task_comm(a->comm, current);
	atomic_set(&a->mappings, 0);
	*err = xa_alloc(&edu_areas, &a->id, a, XA_LIMIT(1, EDU_AREA_MAX_ID),
			GFP_KERNEL_ACCOUNT);
	if (*err)
		goto err_map;
	a->pgoff = EDU_AREA_PGOFF_BASE +
		   ((unsigned long)a->id << EDU_AREA_WINDOW_SHIFT);
	edu_obj_init(&a->obj, EDU_OBJ_AREA, edu_area_release);
	return a;

err_map:
	if (*err == -EBUSY)	/* 2^28 live areas */
		*err = -ENOSPC;
	mutex_destroy(&a->lock);
	kvfree(a->map);
	kfree(a);
	return NULL;
err_area:
	kfree(a);
nomem:
	*err = -ENOMEM;
	return NULL;
}

/* The area has its handle: from now on mmap() may find it. */
void edu_area_publish(struct edu_area *a, u64 handle)
{
	xa_lock(&edu_areas);
	a->handle = handle;
	xa_unlock(&edu_areas);
}

/*
 * The area of window @id, with a reference, if @ef holds its handle: an
 * area of another file, or one whose handle was freed, is not mapped anew.
 */
static struct edu_area *edu_area_get(struct edu_file *ef, unsigned long id)
{
	struct edu_obj *obj;
	struct edu_area *a;
	u64 handle = 0;

	xa_lock(&edu_areas);
	a = xa_load(&edu_areas, id);
	if (a)
		handle = a->handle;
	xa_unlock(&edu_areas);
	obj = handle ? edu_handle_get(ef, handle, EDU_OBJ_AREA) : NULL;
	if (!obj)
		return NULL;
	a = container_of(obj, struct edu_area, obj);
	if (a->id != id) {	/* the handle was reused meanwhile */
		edu_obj_put(obj);
		return NULL;
	}
	return a;
}

/* The node page @i should come from, and the allocation flags that says. */
static int edu_area_node(struct edu_area *a, unsigned long i,
			 unsigned int *flags)
{
	*flags = 0;
	switch (a->policy) {
	case EDU_AREA_POLICY_NODE:
		*flags = EDU_AF_THISNODE;
		return a->nid;
	case EDU_AREA_POLICY_INTERLEAVE:
		return edu_il_nodes[i % edu_nr_il_nodes];
	default:
		return NUMA_NO_NODE;	/* the faulting CPU's */
	}
}

/* Back page @i with a cleared page of the pool.  Under a->lock. */
static int edu_area_fill(struct edu_area *a, unsigned long i)
{
	struct edu_area_page *p = &a->map[i];
	struct edu_page_ref ref;
	unsigned int flags;
	int nid, err;

	lockdep_assert_held(&a->lock);
	nid = edu_area_node(a, i, &flags);
	err = edu_alloc_pages(nid, 0, flags, &ref);
	if (err)
		return err;
	clear_page(edu_idx_to_virt(ref.node, ref.idx));
	/* The zeros before the PTE, as __folio_mark_uptodate() orders them. */
	smp_wmb();
	p->idx = ref.idx;
	p->nid = ref.node->nid;
	p->state = EDU_AP_PRESENT;
	a->present++;
	return 0;
}

static vm_fault_t edu_area_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct edu_area *a = vma->vm_private_data;
	unsigned long i = vmf->pgoff - a->pgoff, pfn;
	unsigned int kind = EDU_AREA_FAULT_MAPPED;
	struct edu_area_page *p;
	vm_fault_t ret;
	int nid;

	/* mmap() checked the range and VM_DONTEXPAND keeps it. */
	if (WARN_ON_ONCE(i >= a->pages))
		return VM_FAULT_SIGBUS;
	i = array_index_nospec(i, a->pages);
	p = &a->map[i];
	mutex_lock(&a->lock);
	if (p->state == EDU_AP_NONE) {
		if (edu_area_fill(a, i)) {
			a->faults_sigbus++;
			mutex_unlock(&a->lock);
			atomic64_inc(&edu_area_sigbus);
			trace_edualloc_area_fault(a->id, i, NUMA_NO_NODE, 0,
						  EDU_AREA_FAULT_SIGBUS);
			return VM_FAULT_SIGBUS;
		}
		a->zero_fills++;
		atomic64_inc(&edu_area_zero_fills);
		kind = EDU_AREA_FAULT_ZERO;
	}
	nid = p->nid;
	pfn = edu_idx_to_pfn(edu_nodes[nid], p->idx);
	/* VM_FAULT_NOPAGE, also when a racing thread mapped it first. */
	ret = vmf_insert_mixed(vma, vmf->address, pfn_to_pfn_t(pfn));
	a->faults_minor++;
	mutex_unlock(&a->lock);
	atomic64_inc(&edu_area_minor);
	trace_edualloc_area_fault(a->id, i, nid, pfn, kind);
	return ret;
}

/* A copy of a mapping: fork(), or a VMA split by munmap()/mprotect(). */
static void edu_area_vma_open(struct vm_area_struct *vma)
{
	struct edu_area *a = vma->vm_private_data;

	refcount_inc(&a->obj.ref);
	atomic_inc(&a->mappings);
}

static void edu_area_vma_close(struct vm_area_struct *vma)
{
	struct edu_area *a = vma->vm_private_data;

	atomic_dec(&a->mappings);
	edu_obj_put(&a->obj);
}

static const struct vm_operations_struct edu_area_vm_ops = {
	.open	= edu_area_vma_open,
	.close	= edu_area_vma_close,
	.fault	= edu_area_fault,
};

int edu_area_mmap(struct edu_file *ef, struct vm_area_struct *vma)
{
	unsigned long off = vma->vm_pgoff - EDU_AREA_PGOFF_BASE;
	unsigned long id = off >> EDU_AREA_WINDOW_SHIFT;
	unsigned long first = off & (EDU_AREA_MAX_PAGES - 1);
	struct edu_area *a;

	/*
	 * Shared only: a private mapping would be copy-on-write, its written
	 * pages anonymous copies that are not edualloc's.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (id > EDU_AREA_MAX_ID)
		return -EINVAL;
	a = edu_area_get(ef, id);
	if (!a)
		return -EINVAL;
	if (first >= a->pages || vma_pages(vma) > a->pages - first) {
		edu_obj_put(&a->obj);
		return -EINVAL;
	}
	/* No page yet: each comes at its first fault.  No growing. */
	edu_vm_flags_set(vma, VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = a;
	vma->vm_ops = &edu_area_vm_ops;	/* the reference is the VMA's now */
	atomic_inc(&a->mappings);
	return 0;
}

void edu_area_totals(struct edu_area_totals *t)
{
	t->faults_minor = atomic64_read(&edu_area_minor);
	t->faults_major = atomic64_read(&edu_area_major);
	t->zero_fills = atomic64_read(&edu_area_zero_fills);
	t->faults_sigbus = atomic64_read(&edu_area_sigbus);
}

int edu_area_init(void)
{
	int nid;

	/* edu_nodes[] is fixed from pool creation to unload. */
	edu_nr_il_nodes = 0;
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		if (edu_nodes[nid])
			edu_il_nodes[edu_nr_il_nodes++] = nid;
	if (!edu_nr_il_nodes)
		return -ENODEV;
	edu_area_debugfs_init();
	return 0;
}

/* Every file is closed, so every area is gone. */
void edu_area_exit(void)
{
	edu_area_debugfs_exit();
	WARN_ON(!xa_empty(&edu_areas));
}
