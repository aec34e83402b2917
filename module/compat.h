/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel API differences between the releases edualloc builds on (Debian's
 * 6.1 and 6.12), in this one file: the sources call the neutral helpers
 * below and test no version.  For 6.1 each helper is exactly the code the
 * sources used before it existed.  Kernel-only: the host tests never
 * include it.
 */
#ifndef _EDU_COMPAT_H
#define _EDU_COMPAT_H

#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/version.h>

/* 6.3: vma->vm_flags is read-only, set through vm_flags_set(). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define edu_vm_flags_set(vma, flags)	vm_flags_set(vma, flags)
#else
#define edu_vm_flags_set(vma, flags)	((vma)->vm_flags |= (flags))
#endif

/*
 * 6.4: struct module's core_layout is split into mem[MOD_TEXT], MOD_DATA,
 * ...; the text, where the core image starts, stands for it.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define edu_module_core_base(mod)	((mod)->mem[MOD_TEXT].base)
#define edu_module_core_size(mod)	((mod)->mem[MOD_TEXT].size)
#else
#define edu_module_core_base(mod)	((mod)->core_layout.base)
#define edu_module_core_size(mod)	((mod)->core_layout.size)
#endif

/*
 * The number of page orders of the kernel's buddy allocator.  6.4: MAX_ORDER
 * is the largest order, no longer the count; 6.8: it is MAX_PAGE_ORDER, with
 * NR_PAGE_ORDERS the count.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define EDU_KERNEL_NR_ORDERS		NR_PAGE_ORDERS
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define EDU_KERNEL_NR_ORDERS		(MAX_ORDER + 1)
#else
#define EDU_KERNEL_NR_ORDERS		MAX_ORDER
#endif

/*
 * 6.5: pte_offset_map_lock() fails (NULL) if the PMD changed before the
 * table was locked (page tables may now be freed under mmap_read_lock(),
 * after an RCU grace period), and its __pte_offset_map_lock() is not
 * exported: do the same here, RCU held until pte_unmap_unlock().  The
 * __release()s and __cond_lock()s only tell sparse that the lock is taken
 * when the result is not NULL.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
static inline pte_t *__edu_pte_offset_map_lock(struct mm_struct *mm,
					       pmd_t *pmdp, unsigned long addr,
					       spinlock_t **ptlp)
{
	spinlock_t *ptl;	/* lock of the PTE table */
	pmd_t pmdval;
	pte_t *pte;

	rcu_read_lock();
	pmdval = pmdp_get_lockless(pmdp);
	if (pmd_none(pmdval) || !pmd_present(pmdval) ||
	    pmd_trans_huge(pmdval) || pmd_devmap(pmdval) || pmd_bad(pmdval))
		goto fail;
	pte = pte_offset_kernel(&pmdval, addr);
	ptl = pte_lockptr(mm, &pmdval);
	spin_lock(ptl);
	if (likely(pmd_same(pmdval, pmdp_get_lockless(pmdp)))) {
		*ptlp = ptl;
		__release(ptl);
		__release(RCU);
		return pte;
	}
	spin_unlock(ptl);
fail:
	rcu_read_unlock();
	return NULL;
}

#define edu_pte_offset_map_lock(mm, pmdp, addr, ptlp) ({		\
	spinlock_t **__ptlp = (ptlp);					\
	pte_t *__pte;							\
	(void)__cond_lock(RCU, __cond_lock(*__ptlp,				\
		__pte = __edu_pte_offset_map_lock(mm, pmdp, addr, __ptlp))); \
	__pte;								\
})
#else
#define edu_pte_offset_map_lock(mm, pmdp, addr, ptlp) ({		\
	spinlock_t **__ptlp = (ptlp);					\
	pte_t *__pte;							\
	(void)__cond_lock(*__ptlp, __pte =				\
		({ pte_t *__p = pte_offset_map_lock(mm, pmdp, addr, __ptlp); \
		   __release(*__ptlp); __p; }));			\
	__pte;								\
})
#endif

/*
 * 6.10: __assign_str() takes the field only, the source being the one named
 * in __string().
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define edu_assign_str(dst, src)	__assign_str(dst)
#else
#define edu_assign_str(dst, src)	__assign_str(dst, src)
#endif

/*
 * 6.12: page_mapcount() is gone.  As its last version (6.11) did: the
 * page's own mapcount (0 for a typed page, whose _mapcount is its type) plus,
 * in a large folio, the mappings of the whole folio by PMD/PUD, which
 * folio_mapcount() would give only summed over all the folio's pages.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
static inline int edu_page_mapcount(struct page *page)
{
	int mapcount = atomic_read(&page->_mapcount) + 1;

	if (page_mapcount_is_type(mapcount))
		mapcount = 0;
	if (unlikely(PageCompound(page)))
		mapcount += folio_entire_mapcount(page_folio(page));
	return mapcount;
}
#else
#define edu_page_mapcount(page)		page_mapcount(page)
#endif

/*
 * Not a release difference but an export one, on every release: x86's
 * ptep_test_and_clear_young() (arch/x86/mm/pgtable.c) is not exported to
 * modules.  The same atomic clear of the Accessed bit, under the PTE lock.
 */
static inline bool edu_ptep_test_and_clear_young(pte_t *ptep)
{
	return pte_young(ptep_get(ptep)) &&
	       test_and_clear_bit(_PAGE_BIT_ACCESSED,
				  (unsigned long *)&ptep->pte);
}

/*
 * 6.6: pte_mkwrite() takes the VMA, for x86's shadow-stack PTEs, and is out
 * of line there and not exported; for any other VMA (areas never are
 * shadow stacks) it is pte_mkwrite_novma(), an inline.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define edu_pte_mkwrite(pte, vma)	pte_mkwrite_novma(pte)
#else
#define edu_pte_mkwrite(pte, vma)	pte_mkwrite(pte)
#endif

/*
 * 6.7: shrinkers are allocated by the kernel (shrinker_alloc(), then
 * shrinker_register(), shrinker_free()); before, the caller's struct is
 * registered with register_shrinker().  Both: NUMA-aware (asked per node),
 * seeks 0 (objects free to recreate), the default batch.
 */
typedef unsigned long (*edu_shrink_fn)(struct shrinker *s,
				       struct shrink_control *sc);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
static inline struct shrinker *edu_shrinker_register(edu_shrink_fn count,
						     edu_shrink_fn scan,
						     const char *name)
{
	struct shrinker *s = shrinker_alloc(SHRINKER_NUMA_AWARE, "%s", name);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = 0;
	shrinker_register(s);
	return s;
}

static inline void edu_shrinker_unregister(struct shrinker *s)
{
	shrinker_free(s);
}
#else
static inline struct shrinker *edu_shrinker_register(edu_shrink_fn count,
						     edu_shrink_fn scan,
						     const char *name)
{
	struct shrinker *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = 0;
	s->flags = SHRINKER_NUMA_AWARE;
	if (register_shrinker(s, "%s", name)) {
		kfree(s);
		return NULL;
	}
	return s;
}

static inline void edu_shrinker_unregister(struct shrinker *s)
{
	unregister_shrinker(s);
	kfree(s);
}
#endif

#endif /* _EDU_COMPAT_H */
