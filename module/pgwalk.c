// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page-table walker: follow a virtual address down the x86-64 page
 * tables by hand, PGD -> P4D -> PUD -> PMD -> PTE, as the MMU does, and say
 * what each level holds.  (walk_page_range() is not exported to modules,
 * and doing it by hand is the lesson anyway.)
 *
 * What protects what, outermost lock first:
 *
 *  1. mmap_read_lock(mm) of the target.  It keeps the VMA tree stable and,
 *     with it, the page tables under every VMA: under the read lock a table
 *     may be filled in (empty -> table) and a huge PMD may be split (leaf ->
 *     table), but no table is freed and no table becomes a leaf - those need
 *     mmap_write_lock.  munmap() however frees tables *after* downgrading to
 *     the read lock, once the VMAs are gone, so we only ever walk addresses
 *     inside a VMA we found under the lock.
 *  2. the page-table lock of the entry we decode, as the kernel's own walkers
 *     take it: pte_offset_map_lock() for a PTE table, pmd_lock() for an entry
 *     that may be a huge (or non-present huge) PMD, pud_lock() for a PUD leaf.
 *     Entries are first read once with READ_ONCE(); only "empty" and "points
 *     to a table" are trusted without the lock, anything that may be a leaf
 *     is read again under its lock before we believe it.
 *
 * No lock is held across copy_to_user() (the target may be the caller, and a
 * fault would take its mmap lock again), and edu_buddy_explain_pfn() is only
 * called with no lock held.  Kernel addresses - only our own kmalloc() and
 * vmalloc() buffers - are walked without locks: their tables live as long as
 * the buffers, and kernel tables have no split page-table locks to take.
 * Nothing here ever writes a page table.  The lock order of the whole
 * module is in edualloc.h.
 *
 * Range walks descend once per table: one pass over a PTE table covers its
 * 512 pages, and an empty upper entry accounts for all the pages below it
 * at once.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#include "area.h"
#include "compat.h"
#include "edualloc.h"
#include "pgwalk.h"

/* ---------------------------------------------------------- decoding -- */

/* An entry is empty; the MMU may have set A/D bits by erratum (KNL). */
static bool edu_none(u64 v)
{
	return !(v & ~_PAGE_KNL_ERRATUM_MASK);
}

/*
 * At the PUD and PMD levels: an entry that is neither empty nor a pointer
 * to a table, so a huge leaf (present, PROT_NONE or a migration entry).
 * Tables are always present and never have PSE.
 */
static bool edu_maybe_leaf(u64 v)
{
	return !edu_none(v) && (!(v & _PAGE_PRESENT) || (v & _PAGE_PSE));
}

/*
 * What a leaf-level entry is.  On x86 a PROT_NONE entry has _PAGE_PRESENT
 * clear, so the MMU faults on any access, and _PAGE_PROTNONE (the bit that
 * means "global" in a present entry) set: the kernel's pte_present() still
 * calls it present, because the page is in memory.  Anything else that is
 * not present is a swap-style entry.  Kernel tables have no PROT_NONE.
 */
static unsigned int edu_leaf_state(u64 v, bool user)
{
	if (v & _PAGE_PRESENT)
		return EDU_ENTRY_LEAF;
	if (user && (v & _PAGE_PROTNONE))
		return EDU_ENTRY_PROT_NONE;
	return EDU_ENTRY_NOT_PRESENT;
}

static u64 edu_pte_flags(u64 v, unsigned int level, unsigned int state)
{
	u64 f = 0;

	if (state == EDU_ENTRY_NOT_PRESENT) {
		/* Most bits are swap type and offset; two are flags. */
		if (v & _PAGE_SWP_SOFT_DIRTY)
			f |= EDU_PTE_SOFT_DIRTY;
		if (v & _PAGE_SWP_UFFD_WP)
			f |= EDU_PTE_UFFD_WP;
		return f;
	}
	if (v & _PAGE_PRESENT)
		f |= EDU_PTE_PRESENT;
	if (v & _PAGE_RW)
		f |= EDU_PTE_WRITE;
	if (v & _PAGE_USER)
		f |= EDU_PTE_USER;
	if (v & _PAGE_PWT)
		f |= EDU_PTE_PWT;
	if (v & _PAGE_PCD)
		f |= EDU_PTE_PCD;
	if (v & _PAGE_ACCESSED)
		f |= EDU_PTE_ACCESSED;
	if (v & _PAGE_NX)
		f |= EDU_PTE_NX;
	if (state == EDU_ENTRY_TABLE)
		return f;

	/* A leaf, present or PROT_NONE. */
	if (v & _PAGE_DIRTY)
		f |= EDU_PTE_DIRTY;
	if (v & _PAGE_SOFT_DIRTY)
		f |= EDU_PTE_SOFT_DIRTY;
	if (v & _PAGE_UFFD_WP)
		f |= EDU_PTE_UFFD_WP;
	if (v & _PAGE_DEVMAP)
		f |= EDU_PTE_DEVMAP;
	if (state == EDU_ENTRY_PROT_NONE)
		f |= EDU_PTE_PROT_NONE;
	else if (v & _PAGE_GLOBAL)
		f |= EDU_PTE_GLOBAL;
	if (level == EDU_LVL_PTE) {
		/* In a PTE, bit 7 is PAT; in a PMD/PUD it says "huge". */
		if (v & _PAGE_PAT)
			f |= EDU_PTE_PAT;
		if (v & _PAGE_SPECIAL)
			f |= EDU_PTE_SPECIAL;
	} else {
		f |= EDU_PTE_HUGE;
		if (v & _PAGE_PAT_LARGE)
			f |= EDU_PTE_PAT;
	}
	f |= ((v & _PAGE_PKEY_MASK) >> _PAGE_BIT_PKEY_BIT0) <<
		EDU_PTE_PKEY_SHIFT;
	return f;
}

/* The addresses an entry at @level covers: mask of their common bits. */
unsigned long edu_level_mask(unsigned int level)
{
	switch (level) {
	case EDU_LVL_PGD:
		return PGDIR_MASK;
	case EDU_LVL_P4D:
		return P4D_MASK;
	case EDU_LVL_PUD:
		return PUD_MASK;
	case EDU_LVL_PMD:
		return PMD_MASK;
	}
	return PAGE_MASK;
}

/* First frame a leaf maps; pXd_pfn() undo the PROT_NONE inversion. */
static unsigned long edu_leaf_pfn(u64 v, unsigned int level)
{
	if (level == EDU_LVL_PUD)
		return pud_pfn(__pud(v));
	if (level == EDU_LVL_PMD)
		return pmd_pfn(__pmd(v));
	return pte_pfn(__pte(v));
}

static void edu_page_init(struct edu_walk_page *pg, unsigned long addr)
{
	memset(pg, 0, sizeof(*pg));
	pg->addr = addr & PAGE_MASK;
	pg->nid = EDU_NODE_NONE;
}

/* A not-present entry: swapped out, being migrated, or something else. */
static void edu_decode_swap(u64 v, unsigned int level, unsigned long addr,
			    struct edu_walk_page *pg)
{
	swp_entry_t e = pte_to_swp_entry(__pte(v));

	if (is_migration_entry(e)) {
		pg->result = EDU_WALK_MIGRATING;
		pg->pfn = swp_offset_pfn(e) +
			((addr & ~edu_level_mask(level)) >> PAGE_SHIFT);
	} else if (!non_swap_entry(e)) {
		pg->result = EDU_WALK_SWAPPED;
		pg->swap_type = swp_type(e);
		pg->swap_offset = swp_offset(e);
	} else {
		pg->result = EDU_WALK_OTHER;	/* hwpoison, device, marker */
	}
}

/*
 * What kind of frame a leaf maps.  Returns its struct page if the frame is
 * ordinary memory in use by the mapping, so the caller can read the map
 * count while it still holds the page-table lock.  Frames of PFN maps
 * (remap_pfn_range(), as an mmap()ed edualloc block) have no struct page in
 * use, and may have none at all: we never look at theirs.
 */
static struct page *edu_frame_kind(struct vm_area_struct *vma,
				   unsigned int level, u64 v,
				   struct edu_walk_page *pg)
{
	unsigned long pfn = pg->pfn;
	struct folio *folio;
	struct page *page;

	if (pfn_valid(pfn))
		pg->nid = page_to_nid(pfn_to_page(pfn));
	if (!vma) {
		pg->kind = EDU_PAGE_KERNEL;
		return NULL;
	}
	if (is_zero_pfn(pfn)) {
		pg->kind = EDU_PAGE_ZERO;
		return NULL;
	}
	if ((level == EDU_LVL_PTE && (v & _PAGE_SPECIAL)) ||
	    (vma->vm_flags & (VM_PFNMAP | VM_IO)) || !pfn_valid(pfn)) {
		pg->kind = EDU_PAGE_SPECIAL;
		return NULL;
	}
	page = pfn_to_page(pfn);
	folio = page_folio(page);
	if (folio_test_anon(folio)) {
		pg->kind = EDU_PAGE_ANON;
	} else if (level != EDU_LVL_PTE && vma_is_anonymous(vma)) {
		/*
		 * A huge leaf in anonymous memory that is not anonymous
		 * memory: only the huge zero page is mapped so (a read fault
		 * on untouched THP-enabled memory).
		 */
		pg->kind = EDU_PAGE_HUGE_ZERO;
		return NULL;
	} else if (READ_ONCE(folio->mapping)) {
		pg->kind = EDU_PAGE_FILE;
	} else {
		pg->kind = EDU_PAGE_OTHER;
	}
	return page;
}

/*
 * Decode a leaf-level entry @v (not empty, not a table) that maps @addr.
 * With @detail, also find the kind of frame (and return its page, see
 * edu_frame_kind()); counting walks need only the result.
 */
static struct page *edu_decode_leaf(struct vm_area_struct *vma,
				    unsigned long addr, unsigned int level,
				    u64 v, struct edu_walk_page *pg,
				    bool detail)
{
	unsigned int state = edu_leaf_state(v, !!vma);

	pg->level = level;
	pg->flags = edu_pte_flags(v, level, state);
	if (state == EDU_ENTRY_NOT_PRESENT) {
		if (vma)
			edu_decode_swap(v, level, addr, pg);
		else
			pg->result = EDU_WALK_OTHER;
		return NULL;
	}
	pg->pfn = edu_leaf_pfn(v, level) +
		((addr & ~edu_level_mask(level)) >> PAGE_SHIFT);
	if (state == EDU_ENTRY_PROT_NONE)
		/* NUMA balancing uses PROT_NONE to catch the next access. */
		pg->result = vma_is_accessible(vma) ? EDU_WALK_NUMA_HINT :
						      EDU_WALK_PROT_NONE;
	else if (level == EDU_LVL_PTE)
		pg->result = EDU_WALK_PTE;
	else if (level == EDU_LVL_PMD)
		pg->result = EDU_WALK_PMD_LEAF;
	else
		pg->result = EDU_WALK_PUD_LEAF;
	if (!detail)
		return NULL;
	return edu_frame_kind(vma, level, v, pg);
}

/* --------------------------------------------- one address, all levels -- */

static void edu_level_set(struct edu_walk_level *l, unsigned int state,
			  const void *entryp, unsigned long index, u64 v)
{
	l->state = state;
	l->index = index;
	l->entry = v;
	l->table_pfn = PHYS_PFN(__pa(entryp));
	if (state == EDU_ENTRY_TABLE)
		l->next_pfn = (v & PTE_PFN_MASK) >> PAGE_SHIFT;
}

/*
 * An entry above the leaf level that should point to a table.  Returns true
 * if it does; otherwise the walk ends here and @pg says why.
 */
static bool edu_table_level(struct edu_walk_level *l, unsigned int level,
			    const void *entryp, unsigned long index, u64 v,
			    bool bad, struct edu_walk_page *pg)
{
	unsigned int state = EDU_ENTRY_TABLE;

	if (edu_none(v))
		state = EDU_ENTRY_NONE;
	else if (bad || !(v & _PAGE_PRESENT))
		state = EDU_ENTRY_BAD;
	edu_level_set(l, state, entryp, index, v);
	l->flags = edu_pte_flags(v, level, EDU_ENTRY_TABLE);
	if (state == EDU_ENTRY_TABLE)
		return true;
	if (state == EDU_ENTRY_NONE)
		l->flags = 0;
	pg->level = level;
	pg->result = state == EDU_ENTRY_NONE ? EDU_WALK_NOT_PRESENT :
					       EDU_WALK_BAD;
	return false;
}

/* The entry that ends the walk: a leaf, PROT_NONE, swap... */
static void edu_leaf_level(struct edu_walk_level *l, unsigned int level,
			   const void *entryp, unsigned long index, u64 v,
			   struct vm_area_struct *vma, unsigned long addr,
			   struct edu_walk_page *pg)
{
	unsigned int state = edu_leaf_state(v, !!vma);
	struct page *page;

	edu_level_set(l, state, entryp, index, v);
	l->flags = edu_pte_flags(v, level, state);
	if (state != EDU_ENTRY_NOT_PRESENT)
		l->next_pfn = edu_leaf_pfn(v, level);
	page = edu_decode_leaf(vma, addr, level, v, pg, true);
	if (page)
		pg->mapcount = edu_page_mapcount(page);
}

/* A PUD or PMD entry that is a leaf: decode it and end the walk. */
static bool edu_try_leaf(struct edu_walk_level *l, unsigned int level,
			 const void *entryp, unsigned long index, u64 v,
			 struct vm_area_struct *vma, unsigned long addr,
			 struct edu_walk_page *pg)
{
	if (!edu_maybe_leaf(v))
		return false;
	edu_leaf_level(l, level, entryp, index, v, vma, addr, pg);
	return true;
}

/*
 * A user PUD or PMD entry that looked like a leaf without the lock: read it
 * again under its lock, since a huge page may be split (or zapped) under
 * us until we hold it.  Returns true if it was still a leaf; else *@v is
 * what it has become (a table, or empty).
 */
static bool edu_pud_leaf_locked(struct mm_struct *mm, pud_t *pudp,
				struct edu_walk_level *l, u64 *v,
				struct vm_area_struct *vma, unsigned long addr,
				struct edu_walk_page *pg)
{
	spinlock_t *ptl = pud_lock(mm, pudp);
	bool leaf;

	*v = pud_val(READ_ONCE(*pudp));
	leaf = edu_try_leaf(l, EDU_LVL_PUD, pudp, pud_index(addr), *v, vma,
			    addr, pg);
	spin_unlock(ptl);
	return leaf;
}

static bool edu_pmd_leaf_locked(struct mm_struct *mm, pmd_t *pmdp,
				struct edu_walk_level *l, u64 *v,
				struct vm_area_struct *vma, unsigned long addr,
				struct edu_walk_page *pg)
{
	spinlock_t *ptl = pmd_lock(mm, pmdp);
	bool leaf;

	*v = pmd_val(READ_ONCE(*pmdp));
	leaf = edu_try_leaf(l, EDU_LVL_PMD, pmdp, pmd_index(addr), *v, vma,
			    addr, pg);
	spin_unlock(ptl);
	return leaf;
}

/* The last level, one PTE. */
static void edu_pte_level(struct edu_walk_level *l, pte_t *ptep,
			  struct vm_area_struct *vma, unsigned long addr,
			  struct edu_walk_page *pg)
{
	u64 v = pte_val(ptep_get(ptep));

	if (!edu_none(v)) {
		edu_leaf_level(l, EDU_LVL_PTE, ptep, pte_index(addr), v, vma,
			       addr, pg);
		return;
	}
	edu_level_set(l, EDU_ENTRY_NONE, ptep, pte_index(addr), v);
	pg->level = EDU_LVL_PTE;
	pg->result = EDU_WALK_NOT_PRESENT;
}

/* False when the PMD changed before its table was locked: read it again. */
static bool edu_pte_level_locked(struct mm_struct *mm, pmd_t *pmdp,
				 struct edu_walk_level *l,
				 struct vm_area_struct *vma, unsigned long addr,
				 struct edu_walk_page *pg)
{
	spinlock_t *ptl;	/* lock of the PTE table */
	pte_t *ptep;

	ptep = edu_pte_offset_map_lock(mm, pmdp, addr, &ptl);
	if (ptep) {
		edu_pte_level(l, ptep, vma, addr, pg);
		pte_unmap_unlock(ptep, ptl);
	}
	return ptep;
}

/*
 * Follow @addr down the tables, recording every level in @lv[] and the end
 * of the walk in @pg.  A user walk (@mm set) runs under mmap_read_lock(mm)
 * with @addr inside @vma.  A kernel walk (@mm NULL) reads the kernel half of
 * the current process's top-level table, which every process shares with
 * init_mm (not exported to modules), and takes no locks.
 */
static void edu_translate(struct mm_struct *mm, struct vm_area_struct *vma,
			  unsigned long addr, struct edu_walk_level *lv,
			  struct edu_walk_page *pg)
{
	unsigned int lvl;
	unsigned long idx;
	pgd_t *pgdp;
	p4d_t *p4dp;
	pud_t *pudp;
	pmd_t *pmdp;
	u64 v;

	if (mm)
		edu_assert_mmap_locked(mm);
	memset(lv, 0, sizeof(*lv) * EDU_NR_LEVELS);
	edu_page_init(pg, addr);

	pgdp = pgd_offset_pgd(mm ? mm->pgd : current->active_mm->pgd, addr);
	v = pgd_val(READ_ONCE(*pgdp));
	if (pgtable_l5_enabled()) {
		if (!edu_table_level(&lv[EDU_LVL_PGD], EDU_LVL_PGD, pgdp,
				     pgd_index(addr), v, pgd_bad(__pgd(v)), pg))
			return;
		p4dp = (p4d_t *)pgd_page_vaddr(__pgd(v)) + p4d_index(addr);
		v = p4d_val(READ_ONCE(*p4dp));
		lvl = EDU_LVL_P4D;
		idx = p4d_index(addr);
	} else {
		/* 4-level paging: the PGD entry is the P4D entry. */
		lv[EDU_LVL_P4D].state = EDU_ENTRY_FOLDED;
		p4dp = (p4d_t *)pgdp;
		lvl = EDU_LVL_PGD;
		idx = pgd_index(addr);
	}
	if (!edu_table_level(&lv[lvl], lvl, p4dp, idx, v, p4d_bad(__p4d(v)),
			     pg))
		return;

	pudp = (pud_t *)p4d_pgtable(__p4d(v)) + pud_index(addr);
	v = pud_val(READ_ONCE(*pudp));
	if (edu_maybe_leaf(v)) {
		if (mm ? edu_pud_leaf_locked(mm, pudp, &lv[EDU_LVL_PUD], &v,
					     vma, addr, pg) :
			 edu_try_leaf(&lv[EDU_LVL_PUD], EDU_LVL_PUD, pudp,
				      pud_index(addr), v, NULL, addr, pg))
			return;
	}
	if (!edu_table_level(&lv[EDU_LVL_PUD], EDU_LVL_PUD, pudp,
			     pud_index(addr), v, pud_bad(__pud(v)), pg))
		return;

	pmdp = pud_pgtable(__pud(v)) + pmd_index(addr);
again:
	v = pmd_val(READ_ONCE(*pmdp));
	if (edu_maybe_leaf(v)) {
		if (mm ? edu_pmd_leaf_locked(mm, pmdp, &lv[EDU_LVL_PMD], &v,
					     vma, addr, pg) :
			 edu_try_leaf(&lv[EDU_LVL_PMD], EDU_LVL_PMD, pmdp,
				      pmd_index(addr), v, NULL, addr, pg))
			return;
	}
	if (!edu_table_level(&lv[EDU_LVL_PMD], EDU_LVL_PMD, pmdp,
			     pmd_index(addr), v, pmd_bad(__pmd(v)), pg))
		return;

	if (mm) {
		if (!edu_pte_level_locked(mm, pmdp, &lv[EDU_LVL_PTE], vma,
					  addr, pg))
			goto again;
	} else {
		edu_pte_level(&lv[EDU_LVL_PTE], pte_offset_kernel(pmdp, addr),
			      NULL, addr, pg);
	}
}

void edu_translate_kernel(unsigned long addr, struct edu_walk_level *lv,
			  struct edu_walk_page *pg)
{
	edu_translate(NULL, NULL, addr, lv, pg);
}

/*
 * What the MMU allows after combining all levels: writable only if every
 * level says writable, user-accessible only if every level says user, and
 * no execute if any level says NX.  One exception for user addresses: with
 * page-table isolation (Meltdown) the kernel's copy of a user top-level
 * entry carries NX, so that the kernel can never run user code, while user
 * mode runs on a second top-level table without it.
 */
u64 edu_effective_flags(const struct edu_walk_level *lv, bool user)
{
	u64 all = EDU_PTE_WRITE | EDU_PTE_USER, nx = 0;
	unsigned int i;

	for (i = 0; i < EDU_NR_LEVELS; i++) {
		if (lv[i].state == EDU_ENTRY_FOLDED)
			continue;
		if (lv[i].state != EDU_ENTRY_TABLE &&
		    lv[i].state != EDU_ENTRY_LEAF)
			return 0;
		all &= lv[i].flags;
		if (!(i == EDU_LVL_PGD && user &&
		      cpu_feature_enabled(X86_FEATURE_PTI)))
			nx |= lv[i].flags & EDU_PTE_NX;
		if (lv[i].state == EDU_ENTRY_LEAF)
			return EDU_PTE_PRESENT | all | nx;
	}
	return 0;
}

/* ---------------------------------------------------- range of pages -- */

static bool edu_has_frame(u64 result)
{
	switch (result) {
	case EDU_WALK_PTE:
	case EDU_WALK_PMD_LEAF:
	case EDU_WALK_PUD_LEAF:
	case EDU_WALK_PROT_NONE:
	case EDU_WALK_NUMA_HINT:
	case EDU_WALK_MIGRATING:
		return true;
	}
	return false;
}

static void edu_walk_set_vma(struct edu_pt_walk *w,
			     struct vm_area_struct *vma)
{
	w->vma = vma;
	w->area = edu_is_area_vma(vma);
}

/*
 * Account [addr, end), all described by @t (the page at @addr), and write
 * one entry per page if the walk has an output buffer.  Within a huge leaf
 * the frame number and the struct page advance with the address.
 */
static void edu_emit(struct edu_pt_walk *w, unsigned long addr,
		     unsigned long end, const struct edu_walk_page *t,
		     struct page *page)
{
	unsigned long i, n = (end - addr) >> PAGE_SHIFT;
	bool framed = edu_has_frame(t->result);
	struct edu_walk_page one;

	/*
	 * An area's pages differ one by one (in memory, in edualloc's swap,
	 * never touched) where their PTEs do not: ask the area about each.
	 * Areas map only PTEs, so a run of them is a hole.
	 */
	if (w->area) {
		for (i = 0; n > 1 && i < n; i++)
			edu_emit(w, addr + (i << PAGE_SHIFT),
				 addr + ((i + 1) << PAGE_SHIFT), t, NULL);
		if (n > 1)
			return;
		one = *t;
		edu_area_walk_page(w->vma, addr, &one);
		t = &one;
	}

	if (framed && t->result != EDU_WALK_MIGRATING) {
		w->resident += n;
		if (t->level != EDU_LVL_PTE)
			w->huge += n;
	} else if (t->result == EDU_WALK_SWAPPED) {
		w->swapped += n;
	}
	if (!w->out)
		return;
	for (i = 0; i < n; i++) {
		struct edu_walk_page *p = &w->out[w->nr++];

		*p = *t;
		p->addr = addr + (i << PAGE_SHIFT);
		if (framed)
			p->pfn += i;
		if (page)
			p->mapcount = edu_page_mapcount(page + i);
	}
}

/* Pages with nothing to decode: no VMA, or an empty entry at @level. */
static void edu_emit_hole(struct edu_pt_walk *w, unsigned long addr,
			  unsigned long end, u64 result, unsigned int level)
{
	struct edu_walk_page t;

	edu_page_init(&t, addr);
	t.result = result;
	t.level = level;
	edu_emit(w, addr, end, &t, NULL);
}

/* False, having emitted nothing, when the PMD changed: read it again. */
static bool edu_walk_ptes(struct edu_pt_walk *w, pmd_t *pmdp,
			  unsigned long addr, unsigned long end)
{
	struct edu_walk_page t;
	struct page *page;
	pte_t *start, *ptep;
	spinlock_t *ptl;	/* lock of the PTE table */
	u64 v;

	start = edu_pte_offset_map_lock(w->mm, pmdp, addr, &ptl);
	if (!start)
		return false;
	for (ptep = start; addr != end; ptep++, addr += PAGE_SIZE) {
		v = pte_val(ptep_get(ptep));
		if (edu_none(v)) {
			edu_emit_hole(w, addr, addr + PAGE_SIZE,
				      EDU_WALK_NOT_PRESENT, EDU_LVL_PTE);
			continue;
		}
		edu_page_init(&t, addr);
		page = edu_decode_leaf(w->vma, addr, EDU_LVL_PTE, v, &t,
				       !!w->out);
		edu_emit(w, addr, addr + PAGE_SIZE, &t, page);
	}
	pte_unmap_unlock(start, ptl);
	return true;
}

static void edu_walk_pmds(struct edu_pt_walk *w, pud_t pud,
			  unsigned long addr, unsigned long end)
{
	pmd_t *pmdp = pud_pgtable(pud) + pmd_index(addr);
	struct edu_walk_page t;
	struct page *page;
	unsigned long next;
	spinlock_t *ptl;	/* lock of the PMD entry */
	u64 v;

	do {
		next = pmd_addr_end(addr, end);
again:
		v = pmd_val(READ_ONCE(*pmdp));
		if (edu_maybe_leaf(v)) {
			ptl = pmd_lock(w->mm, pmdp);
			v = pmd_val(READ_ONCE(*pmdp));
			if (edu_maybe_leaf(v)) {
				edu_page_init(&t, addr);
				page = edu_decode_leaf(w->vma, addr,
						       EDU_LVL_PMD, v, &t,
						       !!w->out);
				edu_emit(w, addr, next, &t, page);
				spin_unlock(ptl);
				continue;
			}
			spin_unlock(ptl);	/* split meanwhile: a table */
		}
		if (edu_none(v))
			edu_emit_hole(w, addr, next, EDU_WALK_NOT_PRESENT,
				      EDU_LVL_PMD);
		else if (pmd_bad(__pmd(v)))
			edu_emit_hole(w, addr, next, EDU_WALK_BAD,
				      EDU_LVL_PMD);
		else if (!edu_walk_ptes(w, pmdp, addr, next))
			goto again;
		cond_resched();
	} while (pmdp++, addr = next, addr != end);
}

static void edu_walk_puds(struct edu_pt_walk *w, p4d_t p4d,
			  unsigned long addr, unsigned long end)
{
	pud_t *pudp = (pud_t *)p4d_pgtable(p4d) + pud_index(addr);
	struct edu_walk_page t;
	struct page *page;
	unsigned long next;
	spinlock_t *ptl;	/* lock of the PUD entry */
	u64 v;

	do {
		next = pud_addr_end(addr, end);
		v = pud_val(READ_ONCE(*pudp));
		if (edu_maybe_leaf(v)) {
			ptl = pud_lock(w->mm, pudp);
			v = pud_val(READ_ONCE(*pudp));
			if (edu_maybe_leaf(v)) {
				edu_page_init(&t, addr);
				page = edu_decode_leaf(w->vma, addr,
						       EDU_LVL_PUD, v, &t,
						       !!w->out);
				edu_emit(w, addr, next, &t, page);
				spin_unlock(ptl);
				continue;
			}
			spin_unlock(ptl);
		}
		if (edu_none(v))
			edu_emit_hole(w, addr, next, EDU_WALK_NOT_PRESENT,
				      EDU_LVL_PUD);
		else if (pud_bad(__pud(v)))
			edu_emit_hole(w, addr, next, EDU_WALK_BAD,
				      EDU_LVL_PUD);
		else
			edu_walk_pmds(w, __pud(v), addr, next);
	} while (pudp++, addr = next, addr != end);
}

/* One P4D entry, or with 4-level paging the PGD entry standing for it. */
static void edu_walk_p4d_entry(struct edu_pt_walk *w, p4d_t *p4dp,
			       unsigned int level, unsigned long addr,
			       unsigned long end)
{
	u64 v = p4d_val(READ_ONCE(*p4dp));

	if (edu_none(v))
		edu_emit_hole(w, addr, end, EDU_WALK_NOT_PRESENT, level);
	else if (p4d_bad(__p4d(v)))
		edu_emit_hole(w, addr, end, EDU_WALK_BAD, level);
	else
		edu_walk_puds(w, __p4d(v), addr, end);
}

static void edu_walk_p4ds(struct edu_pt_walk *w, pgd_t *pgdp,
			  unsigned long addr, unsigned long end)
{
	u64 v = pgd_val(READ_ONCE(*pgdp));
	unsigned long next;
	p4d_t *p4dp;

	if (edu_none(v)) {
		edu_emit_hole(w, addr, end, EDU_WALK_NOT_PRESENT, EDU_LVL_PGD);
		return;
	}
	if (pgd_bad(__pgd(v))) {
		edu_emit_hole(w, addr, end, EDU_WALK_BAD, EDU_LVL_PGD);
		return;
	}
	p4dp = (p4d_t *)pgd_page_vaddr(__pgd(v)) + p4d_index(addr);
	do {
		next = p4d_addr_end(addr, end);
		edu_walk_p4d_entry(w, p4dp, EDU_LVL_P4D, addr, next);
	} while (p4dp++, addr = next, addr != end);
}

/* [addr, end) inside w->vma, under mmap_read_lock. */
static void edu_walk_pgds(struct edu_pt_walk *w, unsigned long addr,
			  unsigned long end)
{
	pgd_t *pgdp = pgd_offset(w->mm, addr);
	unsigned long next;

	do {
		next = pgd_addr_end(addr, end);
		if (pgtable_l5_enabled())
			edu_walk_p4ds(w, pgdp, addr, next);
		else
			edu_walk_p4d_entry(w, (p4d_t *)pgdp, EDU_LVL_PGD,
					   addr, next);
	} while (pgdp++, addr = next, addr != end);
}

/*
 * Walk [start, end) of w->mm, page-aligned, under mmap_read_lock: VMA by
 * VMA, the gaps between them reported as EDU_WALK_NO_VMA without looking
 * at their tables (which munmap() may be freeing).
 */
void edu_walk_user_range(struct edu_pt_walk *w, unsigned long start,
			 unsigned long end)
{
	struct vm_area_struct *vma;
	unsigned long stop;

	edu_assert_mmap_locked(w->mm);
	while (start < end) {
		vma = find_vma(w->mm, start);
		if (!vma || vma->vm_start >= end) {
			edu_emit_hole(w, start, end, EDU_WALK_NO_VMA,
				      EDU_LVL_NONE);
			return;
		}
		if (vma->vm_start > start) {
			edu_emit_hole(w, start, vma->vm_start, EDU_WALK_NO_VMA,
				      EDU_LVL_NONE);
			start = vma->vm_start;
		}
		stop = min(end, vma->vm_end);
		edu_walk_set_vma(w, vma);
		edu_walk_pgds(w, start, stop);
		start = stop;
	}
}

/* Count the resident, huge and swapped pages of @vma (mmap_read_lock). */
void edu_walk_vma_count(struct edu_pt_walk *w, struct vm_area_struct *vma)
{
	edu_assert_mmap_locked(w->mm);
	edu_walk_set_vma(w, vma);
	w->out = NULL;
	edu_walk_pgds(w, vma->vm_start, vma->vm_end);
}

/* ------------------------------------------------ after the walk -- */

/*
 * Finish an entry once every lock is dropped: a PFN-map frame may be one of
 * edualloc's pools (an mmap()ed block), and unprivileged openers see no
 * frame numbers or swap slots.
 */
static void edu_page_finish(struct edu_walk_page *pg, bool privileged)
{
	struct edu_pfn_owner own;

	if (pg->kind == EDU_PAGE_SPECIAL &&
	    edu_buddy_explain_pfn(pg->pfn, &own))
		pg->kind = EDU_PAGE_POOL;
	if (!privileged) {
		pg->pfn = 0;
		pg->swap_type = 0;
		pg->swap_offset = 0;
	}
}

/* Without EDU_CAP_PFN: keep the flag bits of raw entries, drop frames. */
static void edu_levels_hide(struct edu_walk_level *lv)
{
	unsigned int i;

	for (i = 0; i < EDU_NR_LEVELS; i++) {
		if (lv[i].state == EDU_ENTRY_NOT_PRESENT)
			lv[i].entry &= BIT_ULL(SWP_OFFSET_FIRST_BIT) - 1;
		else
			lv[i].entry &= ~PTE_PFN_MASK;
		lv[i].table_pfn = 0;
		lv[i].next_pfn = 0;
	}
}

/* The physical address of @addr in page @pg, 0 if it has no frame. */
u64 edu_phys(const struct edu_walk_page *pg, unsigned long addr)
{
	if (!edu_has_frame(pg->result) || pg->result == EDU_WALK_MIGRATING)
		return 0;
	return PFN_PHYS(pg->pfn) + offset_in_page(addr);
}

/* EDU_IOC_WALK and debugfs "walk": translate one user address. */
int edu_walk_one(u64 pid, u64 addr, bool privileged, struct edu_walk *w)
{
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	int ret = 0;

	memset(w, 0, sizeof(*w));
	w->pid = pid;
	w->addr = addr;
	w->levels = pgtable_l5_enabled() ? 5 : 4;
	edu_page_init(&w->page, addr);

	mm = edu_target_mm(pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	if (addr >= mm->task_size) {
		ret = -EINVAL;
		goto out;
	}
	if (mmap_read_lock_killable(mm)) {
		ret = -EINTR;
		goto out;
	}
	vma = vma_lookup(mm, addr);
	if (vma) {
		w->vm_start = vma->vm_start;
		w->vm_end = vma->vm_end;
		w->vm_class = edu_vma_class(vma);
		edu_translate(mm, vma, addr, w->level, &w->page);
		edu_area_walk_page(vma, addr, &w->page);
	} else {
		w->page.result = EDU_WALK_NO_VMA;
		w->page.level = EDU_LVL_NONE;
	}
	mmap_read_unlock(mm);

	w->phys = edu_phys(&w->page, addr);
	w->effective = edu_effective_flags(w->level, true);
	edu_page_finish(&w->page, privileged);
	if (!privileged) {
		edu_levels_hide(w->level);
		w->phys = 0;
	}
out:
	mmput(mm);
	return ret;
}

/*
 * One step of EDU_IOC_WALK_RANGE: [addr, stop) of w->mm into w->out under
 * mmap_read_lock, each entry then finished with the lock dropped.
 */
int edu_walk_range_chunk(struct edu_pt_walk *w, unsigned long addr,
			 unsigned long stop, bool privileged)
{
	unsigned long i;

	if (mmap_read_lock_killable(w->mm))
		return -EINTR;
	edu_walk_user_range(w, addr, stop);
	mmap_read_unlock(w->mm);

	for (i = 0; i < w->nr; i++)
		edu_page_finish(&w->out[i], privileged);
	return 0;
}
