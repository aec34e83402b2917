// SPDX-License-Identifier: GPL-2.0-only
/*
 * Areas: virtual memory backed on demand, the way mm/memory.c's
 * do_anonymous_page() and a filesystem's ->fault back a VMA.  mmap() maps
 * nothing; the first touch of a page faults into edu_area_fault(), which
 * takes an order-0 page from edualloc's buddy allocator on the node the
 * area's policy names, clears it and installs it in the faulting page
 * table.  That is a minor fault: no I/O.  Reclaim (reclaim.c) may later
 * evict the page: unmapped from every process, its content written to a
 * swap slot (swap.c), its frame freed.  The next touch faults again and
 * reads the slot back into a new page: a major fault, reported to the kernel
 * as VM_FAULT_MAJOR so that the task's maj_flt counts it as for any
 * swap-in.  A fault that finds no free page reclaims itself (direct
 * reclaim) and tries again; SIGBUS only when nothing can be evicted either.
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
 * Eviction must unmap a page from every process.  Each page has an mmap
 * offset of its own in the device's address_space (area.h), and every VMA
 * of the area is in that address_space's i_mmap tree, so
 * unmap_mapping_range(a->mapping, offset, PAGE_SIZE, 0) does it, after
 * fork() and mremap() too, TLB flush included.  Reading the Accessed bits
 * needs the VMAs themselves (the PTEs of a page in each process), and the
 * kernel's i_mmap iterators are not exported: the area keeps its own list,
 * struct edu_area_vma, added by mmap() and ->open, removed by ->close.
 *
 * Page states: NONE -> PRESENT (first fault) -> SWAPPED (evicted) ->
 * PRESENT (major fault) ...; a present page is on its node's LRU lists,
 * or isolated by reclaim, which then holds the area's structure (@life)
 * but not its users' reference (@obj): when the last user goes, the
 * release gives every page back at once, but for the isolated ones, which
 * reclaim frees when it finds the area dead.
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
 *                        Never held across reclaim: a fault that must
 *                        reclaim drops it first, so that reclaim may take
 *                        any area's lock, this one's included.
 *         i_mmap_rwsem   of the device's address_space, taken by
 *                        unmap_mapping_range() (eviction); like the folio
 *                        lock of mm/rmap.c's order, ours comes first
 *           page-table lock   taken by vmf_insert_mixed()
 *         edu_lruvec.lock    (reclaim.c) to add or remove a present page
 *         edu_swap.lock      (swap.c) a leaf
 *         edu_pcp.lock, edu_node.lock   the buddy allocator's (buddy.h)
 *   edu_lruvec.lock      reclaim's young test, with no mutex held, takes
 *     edu_area.vma_lock  a spinlock: the list of VMAs (@vmas)
 *       mmap_lock        mmap_read_trylock() of each mapping process: a
 *                        fault holds mmap_lock around edu_area.lock, so
 *                        only a trylock may come this way round
 *         page-table lock
 *   xa_lock(edu_areas)   a leaf: id allocation, lookup by mmap(), @handle
 *
 * Release takes edu_areas_lock under a caller's mmap_lock (munmap()); the
 * view takes edu_areas_lock then edu_area.lock with no mmap_lock; no one
 * takes mmap_lock under either.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/pagemap.h>
#include <linux/pfn_t.h>
#include <linux/sched.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>

#include "area.h"
#include "buddy.h"
#include "compat.h"
#include "edualloc.h"
#include "reclaim.h"
#include "swap.h"
#include "writeback.h"

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

/* Pages an area's release takes off the lists per lock round trip. */
#define EDU_RELEASE_BATCH	64

/*
 * The last reference to the structure: reclaim's, the flusher's or the
 * release's.  Process context, no lock held.  A task's fput() completes as
 * it returns to user space; a kthread's (kswapd, the flusher) would wait
 * for a workqueue: __fput_sync() closes it now, so that the file is closed
 * once the area is gone (a umount right after a program ends finds it
 * free).
 */
void edu_area_put_life(struct edu_area *a)
{
	might_sleep();
	if (!refcount_dec_and_test(&a->life))
		return;
	if (a->file) {
		if (current->flags & PF_KTHREAD)
			__fput_sync(a->file);
		else
			fput(a->file);
	}
	mutex_destroy(&a->lock);
	kvfree(a->map);
	kfree(a);
}

/*
 * A dead area's pages go back: every one but those reclaim has isolated
 * (it frees them when it sees the area dead) and, of a file-backed area,
 * the dirty ones and those being written: the flusher writes them first,
 * then calls this again (writeback.c).  Swap slots are freed.
 */
void edu_area_free_pages(struct edu_area *a)
{
	struct edu_lru_page *lru[EDU_RELEASE_BATCH];
	u16 nids[EDU_RELEASE_BATCH];
	unsigned long i, j, n, nr;

	mutex_lock(&a->lock);
	WARN_ON(!a->dead);
	/*
	 * Off the lists a batch at a time (a page not on them is reclaim's),
	 * then back to the buddy allocator and the swap area.
	 */
	for (i = 0; i < a->pages; i += n) {
		n = min_t(unsigned long, a->pages - i, EDU_RELEASE_BATCH);
		for (j = 0, nr = 0; j < n; j++) {
			struct edu_area_page *p = &a->map[i + j];

			if (p->state == EDU_AP_PRESENT && !p->flags) {
				lru[nr] = &p->lru;
				nids[nr++] = p->nid;
			}
		}
		edu_reclaim_del_many(lru, nids, nr);
		for (j = 0, nr = 0; j < n; j++) {
			struct edu_area_page *p = &a->map[i + j];

			if (p->state == EDU_AP_SWAPPED) {
				edu_swap_free(p->idx);
				p->state = EDU_AP_NONE;
				a->swapped--;
			} else if (p->state == EDU_AP_FILE) {
				p->state = EDU_AP_NONE;
			} else if (p->state == EDU_AP_PRESENT && !p->flags &&
				   lru[nr++]) {
				edu_free_pages(edu_nodes[p->nid], p->idx, 0);
				p->state = EDU_AP_NONE;
				a->present--;
			}
		}
		cond_resched();
	}
	mutex_unlock(&a->lock);
}

/*
 * The last user is gone (handle and mappings): give every page back now,
 * as munmap() and exit do.  A page reclaim has isolated (off the lists,
 * being evicted) is the only one left: reclaim frees it when it sees the
 * area dead, and drops the last hold on the structure.
 */
static void edu_area_release(struct edu_obj *obj)
{
	struct edu_area *a = container_of(obj, struct edu_area, obj);

	/* Out of the view first: it reads the area under edu_areas_lock. */
	mutex_lock(&edu_areas_lock);
	xa_erase(&edu_areas, a->id);
	mutex_unlock(&edu_areas_lock);
	WARN_ON(!list_empty(&a->vmas));
	mutex_lock(&a->lock);
	a->dead = true;
	mutex_unlock(&a->lock);
	edu_area_free_pages(a);
	/*
	 * The flusher holds the area (and its file) while it has had dirty
	 * pages: wake it, to write what is left (written after the handle
	 * went, then munmap(): we may hold the mmap lock, which the file's
	 * locks nest outside) and to let go of it now, not a period later.
	 */
	edu_wb_area_gone(a);
	edu_area_put_life(a);
}

/*
 * The handle of @obj is being freed (EDU_IOC_AREA_DESTROY, close): write
 * a file-backed area's dirty pages back before that returns, with no mmap
 * lock held, so a program that closes finds its file whole.  Pages
 * written later through a mapping still open go at munmap (the flusher).
 */
static void edu_area_unhandle(struct edu_obj *obj)
{
	struct edu_area *a = container_of(obj, struct edu_area, obj);

	if (a->file)
		edu_writeback_area(a, EDU_WB_SYNC);
}

/*
 * A new area of @pages pages; of the file @file if not NULL, whose
 * reference the area takes over when it succeeds.
 */
struct edu_area *edu_area_create(struct edu_file *ef, unsigned long pages,
				 unsigned int policy, int nid, struct file *file,
				 int *err)
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
	spin_lock_init(&a->vma_lock);
	INIT_LIST_HEAD(&a->vmas);
	a->policy = policy;
	a->nid = nid;
	a->pages = pages;
	a->mapping = ef->mapping;
	a->owner = task_tgid_nr(current);
	get_task_comm(a->comm, current);
	atomic_set(&a->mappings, 0);
	INIT_LIST_HEAD(&a->wb_link);
	*err = xa_alloc(&edu_areas, &a->id, a, XA_LIMIT(1, EDU_AREA_MAX_ID),
			GFP_KERNEL_ACCOUNT);
	if (*err)
		goto err_map;
	a->pgoff = EDU_AREA_PGOFF_BASE +
		   ((unsigned long)a->id << EDU_AREA_WINDOW_SHIFT);
	edu_obj_init(&a->obj, EDU_OBJ_AREA, edu_area_release);
	a->obj.unhandle = edu_area_unhandle;
	refcount_set(&a->life, 1);	/* the users' (@obj), as one */
	a->file = file;
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

/*
 * Read page @i of @a's file into @page, through the page cache, as
 * filemap_fault() and shmem_fault() do under the mmap lock (never
 * ->read_iter(), which may take the file's i_rwsem: that nests outside the
 * mmap lock).  Past the end of the file (it shrank): -EINVAL, a SIGBUS as
 * for the kernel's mappings.
 */
static int edu_area_read_file(struct edu_area *a, unsigned long i, void *page)
{
	struct address_space *mapping = a->file->f_mapping;
	struct folio *folio;
	struct page *src;
	void *from;

	if ((loff_t)i << PAGE_SHIFT >= i_size_read(mapping->host))
		return -EINVAL;
	if (shmem_mapping(mapping)) {
		src = shmem_read_mapping_page(mapping, i);
		if (IS_ERR(src))
			return PTR_ERR(src);
		folio = page_folio(src);
	} else {
		folio = read_mapping_folio(mapping, i, a->file);
		if (IS_ERR(folio))
			return PTR_ERR(folio);
		src = folio_file_page(folio, i);
	}
	from = kmap_local_page(src);
	copy_page(page, from);
	kunmap_local(from);
	folio_put(folio);
	return 0;
}

/*
 * Back page @i with a page of the pool: cleared on its first touch, read
 * from its swap slot after an eviction (*major); of a file-backed area,
 * read from the file (*major too).  Under a->lock.
 */
static int edu_area_fill(struct edu_area *a, unsigned long i, bool *major)
{
	struct edu_area_page *p = &a->map[i];
	unsigned long shadow = 0;
	bool refault = false;
	struct edu_page_ref ref;
	int nid, old_nid = 0, err;
	unsigned int flags;
	void *page;

	lockdep_assert_held(&a->lock);
	nid = edu_area_node(a, i, &flags);
	/* Injected (fault_rate): as if the pool were empty, reclaim and all. */
	err = edu_should_fail() ? -ENOMEM :
	      edu_alloc_pages(nid, 0, flags, &ref);
	if (err)
		return err;
	page = edu_idx_to_virt(ref.node, ref.idx);
	*major = p->state == EDU_AP_SWAPPED || a->file;
	if (a->file) {
		err = edu_area_read_file(a, i, page);
		if (err) {
			edu_free_pages(ref.node, ref.idx, 0);
			return err;
		}
		if (p->state == EDU_AP_FILE) {
			refault = true;
			shadow = p->shadow;
			old_nid = p->nid;
		}
	} else if (*major) {
		edu_swap_in(p->idx, page);
		edu_swap_free(p->idx);
		a->swapped--;
		refault = true;
		shadow = p->shadow;
		old_nid = p->nid;
	} else {
		clear_page(page);
	}
	/* The content before the PTE, as __folio_mark_uptodate() orders it. */
	smp_wmb();
	p->idx = ref.idx;
	p->nid = ref.node->nid;
	p->state = EDU_AP_PRESENT;
	p->flags = 0;
	a->present++;
	memset(&p->lru, 0, sizeof(p->lru));
	p->lru.owner = a;
	if (refault)
		edu_reclaim_add_refault(p->nid, &p->lru, old_nid, shadow);
	else
		edu_reclaim_add(p->nid, &p->lru);
	return 0;
}

/* Faults that found no page reclaim and retry at most this many times. */
#define EDU_AREA_RECLAIM_RETRIES	8

static vm_fault_t edu_area_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct edu_area_vma *av = vma->vm_private_data;
	struct edu_area *a = av->area;
	unsigned long i = vmf->pgoff - a->pgoff, pfn;
	unsigned int kind = EDU_AREA_FAULT_MAPPED, flags;
	struct edu_area_page *p;
	vm_fault_t ret = 0;
	int nid, tries, err;
	bool major;

	/* mmap() checked the range and VM_DONTEXPAND keeps it. */
	if (WARN_ON_ONCE(i >= a->pages))
		return VM_FAULT_SIGBUS;
	i = array_index_nospec(i, a->pages);
	p = &a->map[i];
	for (tries = 0;; tries++) {
		mutex_lock(&a->lock);
		if (p->state == EDU_AP_PRESENT)
			break;
		err = edu_area_fill(a, i, &major);
		if (!err) {
			if (major) {
				a->faults_major++;
				atomic64_inc(&edu_area_major);
				kind = a->file ? EDU_AREA_FAULT_FILE :
				       EDU_AREA_FAULT_MAJOR;
				ret = VM_FAULT_MAJOR;
			} else {
				a->zero_fills++;
				atomic64_inc(&edu_area_zero_fills);
				kind = EDU_AREA_FAULT_ZERO;
			}
			break;
		}
		mutex_unlock(&a->lock);
		/*
		 * No page: reclaim one ourselves, without our lock.  (Not
		 * for a file that could not be read: SIGBUS, as the kernel's.)
		 */
		nid = edu_area_node(a, i, &flags);
		if (err == -ENOMEM && tries < EDU_AREA_RECLAIM_RETRIES &&
		    edu_reclaim_direct(nid, flags & EDU_AF_THISNODE))
			continue;
		mutex_lock(&a->lock);
		if (p->state == EDU_AP_PRESENT)
			break;	/* another thread got one meanwhile */
		a->faults_sigbus++;
		mutex_unlock(&a->lock);
		atomic64_inc(&edu_area_sigbus);
		trace_edualloc_area_fault(a->id, i, NUMA_NO_NODE, 0,
					  EDU_AREA_FAULT_SIGBUS);
		return VM_FAULT_SIGBUS;
	}
	nid = p->nid;
	pfn = edu_idx_to_pfn(edu_nodes[nid], p->idx);
	/* VM_FAULT_NOPAGE, also when a racing thread mapped it first. */
	ret |= vmf_insert_mixed(vma, vmf->address, pfn_to_pfn_t(pfn));
	if (!(ret & VM_FAULT_MAJOR))
		a->faults_minor++;
	mutex_unlock(&a->lock);
	if (!(ret & VM_FAULT_MAJOR))
		atomic64_inc(&edu_area_minor);
	trace_edualloc_area_fault(a->id, i, nid, pfn, kind);
	return ret;
}

/*
 * The first write to a present page of a file-backed area, mapped
 * read-only until now (write-notify): the page becomes dirty and its PTE
 * writable, both under the area's lock.  Not the kernel's
 * finish_mkwrite_fault() after we return: writeback could clean and unmap
 * the page in between, and a read fault map it again with the very same
 * PTE, which finish_mkwrite_fault() would then make writable on a clean
 * page, and the write after it would never be written back.  (The page
 * cache closes that window with the folio lock, DAX with
 * vmf_insert_mixed_mkwrite(), which 6.12 does not export.)  Under the mmap
 * lock, as ->fault; a PTE that changed since the fault read it (evicted,
 * written back, replaced) is left alone and the write faults again.
 */
static vm_fault_t edu_area_mkwrite(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct edu_area_vma *av = vma->vm_private_data;
	struct edu_area *a = av->area;
	unsigned long i = vmf->pgoff - a->pgoff, pfn;
	struct edu_area_page *p;
	spinlock_t *ptl;	/* lock of the PTE table */
	pte_t *pte;
	int nid;

	if (WARN_ON_ONCE(i >= a->pages))
		return VM_FAULT_SIGBUS;
	p = &a->map[array_index_nospec(i, a->pages)];
	mutex_lock(&a->lock);
	if (p->state != EDU_AP_PRESENT ||
	    edu_idx_to_pfn(edu_nodes[p->nid], p->idx) !=
	    pte_pfn(vmf->orig_pte))
		goto out;	/* evicted or replaced: fault again */
	pte = edu_pte_offset_map_lock(vma->vm_mm, vmf->pmd, vmf->address,
				      &ptl);
	if (!pte)
		goto out;
	if (!pte_same(ptep_get(pte), vmf->orig_pte)) {
		pte_unmap_unlock(pte, ptl);
		goto out;
	}
	edu_wb_set_dirty(a, p);
	/* A permission upgrade: x86 needs no TLB flush (a stale entry faults). */
	set_pte_at(vma->vm_mm, vmf->address, pte,
		   pte_mkyoung(pte_mkdirty(edu_pte_mkwrite(vmf->orig_pte,
							   vma))));
	update_mmu_cache(vma, vmf->address, pte);
	pte_unmap_unlock(pte, ptl);
	nid = p->nid;
	pfn = pte_pfn(vmf->orig_pte);
	mutex_unlock(&a->lock);
	trace_edualloc_area_fault(a->id, i, nid, pfn, EDU_AREA_FAULT_MKWRITE);
	return VM_FAULT_NOPAGE;
out:
	mutex_unlock(&a->lock);
	return VM_FAULT_NOPAGE;
}

/*
 * Clear the Accessed bit of the PTE mapping @pfn at @addr in @mm; returns
 * what it found (EDU_AREA_LOOK_*).  Under mmap_read_lock(), which keeps
 * every level but the PTE table (edu_pte_offset_map_lock() checks that
 * one).  Areas map only PTEs.
 */
static unsigned int edu_pte_look(struct mm_struct *mm, unsigned long addr,
				 unsigned long pfn)
{
	unsigned int found = EDU_AREA_LOOK_NONE;
	spinlock_t *ptl;	/* lock of the PTE table */
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
	pte_t *pte;

	pgd = pgd_offset(mm, addr);
	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return found;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return found;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud) || pud_bad(*pud))
		return found;
	pmd = pmd_offset(pud, addr);
	if (pmd_none(*pmd) || pmd_bad(*pmd) || pmd_trans_huge(*pmd))
		return found;
	pte = edu_pte_offset_map_lock(mm, pmd, addr, &ptl);
	if (!pte)
		return found;
	if (pte_present(ptep_get(pte)) && pte_pfn(ptep_get(pte)) == pfn)
		found = edu_ptep_test_and_clear_young(pte) ?
			EDU_AREA_LOOK_YOUNG : EDU_AREA_LOOK_OLD;
	pte_unmap_unlock(pte, ptl);
	return found;
}

/*
 * Was page @lp used since the last look?  Reads and clears the Accessed bit
 * of every PTE mapping it, in every process, as folio_referenced() does
 * (x86 needs no TLB flush for that: a stale TLB entry only delays the next
 * A bit, see ptep_clear_flush_young()).  Under the page's lruvec lock, which
 * keeps the page on the lists and so its area from being freed.  A process
 * whose mmap_lock is taken counts as a reference: come back later.
 */
bool edu_area_page_young(struct edu_lru_page *lp)
{
	struct edu_area_page *p = container_of(lp, struct edu_area_page, lru);
	struct edu_area *a = lp->owner;
	unsigned long pgoff = a->pgoff + (p - a->map);
	unsigned long pfn = edu_idx_to_pfn(edu_nodes[p->nid], p->idx);
	unsigned int found = EDU_AREA_LOOK_NONE;
	struct edu_area_vma *av;

	spin_lock(&a->vma_lock);
	list_for_each_entry(av, &a->vmas, link) {
		struct vm_area_struct *vma = av->vma;
		struct mm_struct *mm = vma->vm_mm;
		unsigned long addr;

		if (!mmap_read_trylock(mm)) {
			found = max(found, EDU_AREA_LOOK_BUSY);
			continue;
		}
		/*
		 * Under mmap_lock the VMA is stable, and still in the tree
		 * unless munmap() has detached it (its page tables may be
		 * going: skip it).
		 */
		if (pgoff >= vma->vm_pgoff &&
		    pgoff - vma->vm_pgoff < vma_pages(vma)) {
			addr = vma->vm_start +
			       ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
			if (vma_lookup(mm, addr) == vma)
				found = max(found, edu_pte_look(mm, addr, pfn));
		}
		mmap_read_unlock(mm);
	}
	spin_unlock(&a->vma_lock);
	trace_edualloc_lru_look(a->id, p - a->map, p->nid, lp->flags, found);
	if (found < EDU_AREA_LOOK_YOUNG)
		return false;
	if (found == EDU_AREA_LOOK_YOUNG) {
		/* Re-armed by the caller (reclaim.c), holding the area. */
		struct edu_lruvec *v = edu_lruvecs[p->nid];

		if (v->nr_rearm < ARRAY_SIZE(v->rearm) &&
		    refcount_inc_not_zero(&a->life))
			v->rearm[v->nr_rearm++] = lp;
	}
	return true;
}

/*
 * Page @lp was found young and its Accessed bits cleared: unmap it, so
 * that its next use faults (minor) and the CPU's walk of the new PTE sets
 * the bit again.  Without this a CPU that still caches the translation
 * would set no new bit (x86 clears it without a TLB flush, see
 * ptep_clear_flush_young()); on hardware the stale entry soon goes, under
 * emulation it can stay for good, and a hot page would look unused.
 * Drops the hold edu_area_page_young() took.
 */
void edu_area_page_rearm(struct edu_lru_page *lp)
{
	struct edu_area_page *p = container_of(lp, struct edu_area_page, lru);
	struct edu_area *a = lp->owner;

	unmap_mapping_range(a->mapping,
			    (loff_t)(a->pgoff + (p - a->map)) << PAGE_SHIFT,
			    PAGE_SIZE, 0);
	edu_area_put_life(a);
}

/*
 * Reclaim isolated @lp: keep its area's structure until
 * edu_area_page_evict().  The page was on the lists, under their lock, so
 * the release has not yet been past it and holds the structure.
 */
bool edu_area_page_tryget(struct edu_lru_page *lp)
{
	struct edu_area *a = lp->owner;

	return !WARN_ON_ONCE(!refcount_inc_not_zero(&a->life));
}

/*
 * Evict isolated page @lp: unmap it everywhere; write an anonymous page to
 * a swap slot; of a file-backed area, drop a clean page (the file has it)
 * and write a dirty one back first if @may_write (kswapd, reclaim_control;
 * never a task's direct reclaim, which holds an mmap lock; *wrote says);
 * free its frame: EDU_EVICT_SWAPPED or EDU_EVICT_DROPPED.  A page that
 * cannot go (no swap slot; dirty and @may_write false, or written again
 * meanwhile; being written) goes back on the lists, still present
 * (unmapped: its next touch maps it again, a minor fault): a negative
 * errno, -EAGAIN for a dirty one.  A page whose area died meanwhile is
 * just freed: EDU_EVICT_FREED (a dirty one is left to the flusher).  Drops
 * the reference of edu_area_page_tryget().
 */
int edu_area_page_evict(struct edu_lru_page *lp, bool may_write,
			bool *wrote)
{
	struct edu_area_page *p = container_of(lp, struct edu_area_page, lru);
	struct edu_area *a = lp->owner;
	unsigned long i = p - a->map;
	loff_t off = (loff_t)(a->pgoff + i) << PAGE_SHIFT;
	struct edu_node *n;
	u32 slot;
	int err;

	*wrote = false;
	mutex_lock(&a->lock);
again:
	if (WARN_ON_ONCE(p->state != EDU_AP_PRESENT)) {
		err = -EINVAL;
		goto out;
	}
	n = edu_nodes[p->nid];
	if (a->dead) {
		/* Its release left it to us: no one can map it again. */
		if (p->flags) {
			/* ... but for the flusher to write first. */
			edu_reclaim_add(p->nid, &p->lru);
			err = -EAGAIN;
			goto out;
		}
		edu_free_pages(n, p->idx, 0);
		p->state = EDU_AP_NONE;
		a->present--;
		err = EDU_EVICT_FREED;
		goto out;
	}
	/* First unmap: no process may write the page once it is copied. */
	unmap_mapping_range(a->mapping, off, PAGE_SIZE, 0);
	if (a->file) {
		if ((p->flags & EDU_APF_WRITEBACK) ||
		    ((p->flags & EDU_APF_DIRTY) && (!may_write || *wrote))) {
			/* The kernel's keep-dirty rotation: the flusher's. */
			edu_reclaim_add(p->nid, &p->lru);
			if (p->flags & EDU_APF_DIRTY)
				edu_wb_kick();
			err = -EAGAIN;
			goto out;
		}
		if (p->flags & EDU_APF_DIRTY) {
			/* pageout(): write, then look again from the top. */
			mutex_unlock(&a->lock);
			*wrote = edu_writeback_page(a, i, EDU_WB_RECLAIM) > 0;
			mutex_lock(&a->lock);
			if (!*wrote) {
				/* Failed: dirty still; the flusher retries. */
				edu_reclaim_add(p->nid, &p->lru);
				err = -EAGAIN;
				goto out;
			}
			goto again;
		}
		/* Clean: the file has it; its next touch reads it again. */
		edu_free_pages(n, p->idx, 0);
		p->shadow = edu_reclaim_shadow(p->nid);
		p->state = EDU_AP_FILE;
		a->present--;
		err = EDU_EVICT_DROPPED;
		goto out;
	}
	err = edu_swap_out(edu_idx_to_virt(n, p->idx), a->id, i, &slot);
	if (err) {
		edu_reclaim_add(p->nid, &p->lru);
		goto out;
	}
	trace_edualloc_swap_out(a->id, i, p->nid, slot);
	edu_free_pages(n, p->idx, 0);
	p->idx = slot;
	p->shadow = edu_reclaim_shadow(p->nid);
	p->state = EDU_AP_SWAPPED;
	a->present--;
	a->swapped++;
	err = EDU_EVICT_SWAPPED;
out:
	mutex_unlock(&a->lock);
	edu_area_put_life(a);
	return err;
}

/* A VMA starts mapping @a: on its list, with a reference. */
static void edu_area_vma_link(struct edu_area *a, struct edu_area_vma *av,
			      struct vm_area_struct *vma)
{
	av->vma = vma;
	av->area = a;
	vma->vm_private_data = av;
	spin_lock(&a->vma_lock);
	list_add(&av->link, &a->vmas);
	spin_unlock(&a->vma_lock);
	atomic_inc(&a->mappings);
}

/*
 * A copy of a mapping: fork(), mremap(), or a VMA split by munmap() or
 * mprotect().  @vma still points at the original's edu_area_vma.  ->open
 * cannot fail, and the entry is 32 bytes: __GFP_NOFAIL, as the kernel's own
 * VMA copies are small, unfailing allocations in effect.
 */
static void edu_area_vma_open(struct vm_area_struct *vma)
{
	struct edu_area_vma *old = vma->vm_private_data;
	struct edu_area_vma *av;

	av = kmalloc(sizeof(*av), GFP_KERNEL_ACCOUNT | __GFP_NOFAIL);
	refcount_inc(&old->area->obj.ref);
	edu_area_vma_link(old->area, av, vma);
}

static void edu_area_vma_close(struct vm_area_struct *vma)
{
	struct edu_area_vma *av = vma->vm_private_data;
	struct edu_area *a = av->area;

	spin_lock(&a->vma_lock);
	list_del(&av->link);
	spin_unlock(&a->vma_lock);
	kfree(av);
	atomic_dec(&a->mappings);
	edu_obj_put(&a->obj);
}

static const struct vm_operations_struct edu_area_vm_ops = {
	.open	= edu_area_vma_open,
	.close	= edu_area_vma_close,
	.fault	= edu_area_fault,
};

/*
 * A file-backed area's: with ->pfn_mkwrite the kernel maps its pages
 * read-only in a shared writable mapping until each is written
 * (vma_wants_writenotify()), so that writes can be tracked.
 */
static const struct vm_operations_struct edu_area_file_vm_ops = {
	.open		= edu_area_vma_open,
	.close		= edu_area_vma_close,
	.fault		= edu_area_fault,
	.pfn_mkwrite	= edu_area_mkwrite,
};

/* Does @vma map an area (the walker asks, under the mmap lock)? */
bool edu_is_area_vma(const struct vm_area_struct *vma)
{
	return vma->vm_ops == &edu_area_vm_ops ||
	       vma->vm_ops == &edu_area_file_vm_ops;
}

/*
 * The walker's question (pgwalk.c): @addr lies in @vma; is that an area's,
 * and what is its page there?  Fills pg->area and, for a page in swap, the
 * walk's swap fields, as a swap entry in a PTE would.  The caller's
 * mmap_lock keeps the VMA and so the area; the page is read without the
 * area's lock (the walker may hold a PTE lock), a snapshot as the views
 * take, of fields that change only under it.
 */
bool edu_area_walk_page(struct vm_area_struct *vma, unsigned long addr,
			struct edu_walk_page *pg)
{
	struct edu_area_vma *av = vma->vm_private_data;
	struct edu_area *a;
	struct edu_area_page *p;
	unsigned long i, lru;
	u8 pf;

	if (!edu_is_area_vma(vma))
		return false;
	a = av->area;
	i = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT) - a->pgoff;
	if (WARN_ON_ONCE(i >= a->pages))	/* mmap() checked the range */
		return false;
	p = &a->map[array_index_nospec(i, a->pages)];
	pg->area = EDU_WALK_AREA | (a->file ? EDU_WALK_AREA_FILE : 0);
	/* A view's snapshot: the state is written under a->lock. */
	switch (data_race(READ_ONCE(p->state))) {
	case EDU_AP_PRESENT:
		/* ... as the writeback flags; the LRU's under its lock */
		lru = data_race(READ_ONCE(p->lru.flags));
		/* ... and the writeback flags under a->lock: a snapshot */
		pf = data_race(READ_ONCE(p->flags));
		pg->area |= (pf & EDU_APF_DIRTY ? EDU_WALK_AREA_DIRTY : 0) |
			    (pf & EDU_APF_WRITEBACK ?
			     EDU_WALK_AREA_WRITEBACK : 0);
		pg->area |= EDU_WALK_AREA_PRESENT |
			    (lru & EDU_LRU_PG_LRU ? EDU_WALK_AREA_LRU : 0) |
			    (lru & EDU_LRU_PG_ACTIVE ? EDU_WALK_AREA_ACTIVE : 0) |
			    (lru & EDU_LRU_PG_REFERENCED ?
			     EDU_WALK_AREA_REFERENCED : 0);
		break;
	case EDU_AP_SWAPPED:
		pg->area |= EDU_WALK_AREA_SWAPPED;
		/* No PTE says so: the area's map is the swap entry. */
		if (pg->result == EDU_WALK_NOT_PRESENT) {
			pg->result = EDU_WALK_SWAPPED;
			pg->swap_type = EDU_SWAP_TYPE_EDUALLOC;
			/* ... the slot under a->lock, as the state */
			pg->swap_offset = data_race(READ_ONCE(p->idx));
		}
		break;
	}
	return true;
}

int edu_area_mmap(struct edu_file *ef, struct vm_area_struct *vma)
{
	unsigned long off = vma->vm_pgoff - EDU_AREA_PGOFF_BASE;
	unsigned long id = off >> EDU_AREA_WINDOW_SHIFT;
	unsigned long first = off & (EDU_AREA_MAX_PAGES - 1);
	struct edu_area_vma *av;
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
	av = edu_should_fail() ? NULL :
	     kmalloc(sizeof(*av), GFP_KERNEL_ACCOUNT);
	if (!av) {
		edu_obj_put(&a->obj);
		return -ENOMEM;
	}
	/* No page yet: each comes at its first fault.  No growing. */
	edu_vm_flags_set(vma, VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = a->file ? &edu_area_file_vm_ops : &edu_area_vm_ops;
	edu_area_vma_link(a, av, vma);	/* the reference is the VMA's now */
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
