// SPDX-License-Identifier: GPL-2.0-only
/*
 * Page replacement policies: LRU with second chance (the active/inactive
 * lists of mm/vmscan.c and mm/swap.c), FIFO and CLOCK.  The rules, the
 * counters and the lock rule are in lru.h; this file is compiled unchanged
 * in user space for the host tests (see mm_env.h).
 *
 * One set of helpers serves the three policies: a page is unlinked from
 * wherever it is and linked again according to its flags, so that the
 * counts and the clock hand are kept right in two places only.
 */
#include "lru.h"

static const char * const edu_lru_policy_names[EDU_LRU_NR_POLICIES] = {
	[EDU_LRU_POLICY_LRU] = "lru",
	[EDU_LRU_POLICY_FIFO] = "fifo",
	[EDU_LRU_POLICY_CLOCK] = "clock",
};

const char *edu_lru_policy_name(enum edu_lru_policy policy)
{
	if ((unsigned int)policy >= EDU_LRU_NR_POLICIES)
		return "?";
	return edu_lru_policy_names[policy];
}

void edu_lru_init(struct edu_lru *lru, spinlock_t *lock,
		  enum edu_lru_policy policy)
{
	memset(lru, 0, sizeof(*lru));
	lru->lock = lock;
	if (WARN((unsigned int)policy >= EDU_LRU_NR_POLICIES,
		 "edualloc: lru: no policy %d\n", policy))
		policy = EDU_LRU_POLICY_LRU;
	lru->policy = policy;
	INIT_LIST_HEAD(&lru->inactive);
	INIT_LIST_HEAD(&lru->active);
	INIT_LIST_HEAD(&lru->fifo);
	INIT_LIST_HEAD(&lru->clock);
	lru->hand = &lru->clock;
}

unsigned long edu_lru_nr_pages(const struct edu_lru *lru)
{
	return lru->nr_inactive + lru->nr_active + lru->nr_fifo +
	       lru->nr_clock;
}

/* Only on empty lists: a page's flags mean something else per policy. */
int edu_lru_set_policy(struct edu_lru *lru, enum edu_lru_policy policy)
{
	lockdep_assert_held(lru->lock);
	if ((unsigned int)policy >= EDU_LRU_NR_POLICIES)
		return -EINVAL;
	if (edu_lru_nr_pages(lru))
		return -EBUSY;
	lru->policy = policy;
	return 0;
}

/*
 * inactive_is_low() in mm/vmscan.c: the active list may hold up to ratio
 * times the inactive one, the ratio growing with the square root of the
 * memory on the lists (see lru.h for why).
 */
bool edu_lru_inactive_is_low(const struct edu_lru *lru)
{
	unsigned long inactive = lru->nr_inactive, active = lru->nr_active;
	unsigned long gb = (inactive + active) >> (30 - PAGE_SHIFT);
	unsigned long ratio = gb ? int_sqrt(10 * gb) : 1;

	lockdep_assert_held(lru->lock);
	return inactive * ratio < active;
}

static unsigned long *edu_lru_count(struct edu_lru *lru,
				    struct edu_lru_page *page)
{
	switch (lru->policy) {
	case EDU_LRU_POLICY_LRU:
		return page->flags & EDU_LRU_PG_ACTIVE ? &lru->nr_active :
							 &lru->nr_inactive;
	case EDU_LRU_POLICY_FIFO:
		return &lru->nr_fifo;
	default:
		return &lru->nr_clock;
	}
}

/* The hand moves to the next page of the ring, over the list head. */
static void edu_clock_advance(struct edu_lru *lru)
{
	lru->hand = lru->hand->next;
	if (lru->hand == &lru->clock)
		lru->hand = lru->clock.next;
}

/* Off its list; the flags are the caller's to change. */
static void edu_lru_unlink(struct edu_lru *lru, struct edu_lru_page *page)
{
	if (lru->policy == EDU_LRU_POLICY_CLOCK && lru->hand == &page->lru) {
		edu_clock_advance(lru);
		if (lru->hand == &page->lru)	/* the last page */
			lru->hand = &lru->clock;
	}
	list_del(&page->lru);
	(*edu_lru_count(lru, page))--;
}

/*
 * Onto the list its flags say, at the head (@next false: evicted last) or
 * where it is evicted next; for the clock, behind the hand or under it.
 */
static void edu_lru_link(struct edu_lru *lru, struct edu_lru_page *page,
			 bool next)
{
	struct list_head *head;

	(*edu_lru_count(lru, page))++;
	switch (lru->policy) {
	case EDU_LRU_POLICY_LRU:
		head = page->flags & EDU_LRU_PG_ACTIVE ? &lru->active :
							 &lru->inactive;
		break;
	case EDU_LRU_POLICY_FIFO:
		head = &lru->fifo;
		break;
	default:
		list_add_tail(&page->lru, lru->hand);
		if (next || lru->hand == &lru->clock)
			lru->hand = &page->lru;
		return;
	}
	if (next)
		list_add_tail(&page->lru, head);
	else
		list_add(&page->lru, head);
}

/* folio_add_lru(): a new page is inactive until it proves itself. */
void edu_lru_add(struct edu_lru *lru, struct edu_lru_page *page)
{
	lockdep_assert_held(lru->lock);
	if (WARN(page->flags & EDU_LRU_PG_LRU,
		 "edualloc: lru: page %p added twice\n", page))
		return;
	page->flags = EDU_LRU_PG_LRU;
	edu_lru_link(lru, page, false);
}

/* workingset_eviction(): what an evicted page keeps to be known again. */
unsigned long edu_lru_shadow(const struct edu_lru *lru)
{
	lockdep_assert_held(lru->lock);
	return lru->nonresident_age;
}

/*
 * workingset_refault() and folio_add_lru() in one: page @page, evicted
 * with @shadow, is back.  Returns whether it went straight to the active
 * list (see lru.h for the distance it is compared with).
 */
bool edu_lru_add_refault(struct edu_lru *lru, struct edu_lru_page *page,
			 unsigned long shadow)
{
	unsigned long distance = lru->nonresident_age - shadow;

	lockdep_assert_held(lru->lock);
	if (WARN(page->flags & EDU_LRU_PG_LRU,
		 "edualloc: lru: page %p added twice\n", page))
		return false;
	lru->stat.workingset_refault++;
	page->flags = EDU_LRU_PG_LRU;
	if (lru->policy == EDU_LRU_POLICY_LRU &&
	    distance <= lru->nr_active + lru->nr_inactive) {
		page->flags |= EDU_LRU_PG_ACTIVE;
		lru->stat.workingset_activate++;
		lru->nonresident_age++;
	}
	edu_lru_link(lru, page, false);
	return page->flags & EDU_LRU_PG_ACTIVE;
}

/*
 * folio_mark_accessed(): an access the page tables do not see (read(2) of
 * a file page, in the kernel).  It takes two to activate a page, as a scan
 * takes two young bits: one use says little.
 */
void edu_lru_mark_accessed(struct edu_lru *lru, struct edu_lru_page *page)
{
	lockdep_assert_held(lru->lock);
	if (!(page->flags & EDU_LRU_PG_LRU) ||
	    lru->policy == EDU_LRU_POLICY_FIFO)
		return;
	if (!(page->flags & EDU_LRU_PG_REFERENCED)) {
		page->flags |= EDU_LRU_PG_REFERENCED;
		return;
	}
	if (lru->policy == EDU_LRU_POLICY_LRU &&
	    !(page->flags & EDU_LRU_PG_ACTIVE)) {
		/* folio_activate(): the active head, a fresh start there. */
		edu_lru_unlink(lru, page);
		page->flags &= ~EDU_LRU_PG_REFERENCED;
		page->flags |= EDU_LRU_PG_ACTIVE;
		edu_lru_link(lru, page, false);
		lru->stat.pgactivate++;
		lru->nonresident_age++;
	}
}

bool edu_lru_del(struct edu_lru *lru, struct edu_lru_page *page)
{
	lockdep_assert_held(lru->lock);
	if (!(page->flags & EDU_LRU_PG_LRU))
		return false;
	edu_lru_unlink(lru, page);
	page->flags = 0;
	return true;
}

/* folio_rotate_reclaimable(): written back and clean, so evict it next. */
void edu_lru_rotate(struct edu_lru *lru, struct edu_lru_page *page)
{
	lockdep_assert_held(lru->lock);
	if (!(page->flags & EDU_LRU_PG_LRU))
		return;
	edu_lru_unlink(lru, page);
	page->flags &= ~EDU_LRU_PG_ACTIVE;
	edu_lru_link(lru, page, true);
	lru->stat.pgrotated++;
}

/* A victim: off the lists, onto the caller's list, like isolate_lru_folios(). */
static void edu_lru_isolate(struct edu_lru *lru, struct edu_lru_page *page,
			    struct list_head *victims)
{
	edu_lru_unlink(lru, page);
	page->flags = 0;
	list_add_tail(&page->lru, victims);
	lru->stat.pgsteal++;
	lru->nonresident_age++;
}

/*
 * shrink_active_list() for anon pages: the oldest active pages go to the
 * inactive head whether young or not.  Their young bit is cleared all the
 * same, so that only a use during the inactive trip brings them back (with
 * REFERENCED still set from their activation, one use is enough).
 */
static void edu_shrink_active(struct edu_lru *lru, unsigned long nr_to_scan,
			      const struct edu_lru_ops *ops)
{
	unsigned long n = min(nr_to_scan, lru->nr_active);
	struct edu_lru_page *page;

	while (n--) {
		page = list_last_entry(&lru->active, struct edu_lru_page, lru);
		lru->stat.pgrefill++;
		ops->test_and_clear_young(page);
		edu_lru_unlink(lru, page);
		page->flags &= ~EDU_LRU_PG_ACTIVE;
		edu_lru_link(lru, page, false);
		lru->stat.pgdeactivate++;
	}
}

/*
 * shrink_inactive_list() with folio_check_references() for anon pages.
 * Every page is young once, from the fault that brought it in: a page must
 * be found young twice (or young with REFERENCED from mark_accessed) to be
 * activated, and one found young once goes round the inactive list again,
 * its REFERENCED set.  A page not young is evicted.  A use-once page thus
 * never reaches the active list, which is what protects the working set
 * from a streaming scan.  No more pages are looked at than were inactive:
 * one kept goes to the head and must not be seen twice in a call.
 */
static unsigned long edu_shrink_inactive(struct edu_lru *lru,
					 unsigned long nr_to_scan,
					 const struct edu_lru_ops *ops,
					 struct list_head *victims)
{
	unsigned long n = min(nr_to_scan, lru->nr_inactive), stolen = 0;
	struct edu_lru_page *page;
	bool referenced;

	while (n--) {
		page = list_last_entry(&lru->inactive, struct edu_lru_page,
				       lru);
		lru->stat.pgscan++;
		if (!ops->test_and_clear_young(page)) {
			edu_lru_isolate(lru, page, victims);
			stolen++;
			continue;
		}
		referenced = page->flags & EDU_LRU_PG_REFERENCED;
		edu_lru_unlink(lru, page);
		page->flags |= EDU_LRU_PG_REFERENCED;
		if (referenced) {
			page->flags |= EDU_LRU_PG_ACTIVE;
			lru->stat.pgactivate++;
			lru->nonresident_age++;
		} else {
			lru->stat.kept++;
		}
		edu_lru_link(lru, page, false);
	}
	return stolen;
}

/* Arrival order only: the young bit is not even read. */
static unsigned long edu_shrink_fifo(struct edu_lru *lru,
				     unsigned long nr_to_scan,
				     struct list_head *victims)
{
	unsigned long n = min(nr_to_scan, lru->nr_fifo), i;
	struct edu_lru_page *page;

	for (i = 0; i < n; i++) {
		page = list_last_entry(&lru->fifo, struct edu_lru_page, lru);
		lru->stat.pgscan++;
		edu_lru_isolate(lru, page, victims);
	}
	return n;
}

/*
 * The hand looks at up to @nr_to_scan pages, the same page again after a
 * full turn: by then the first look cleared its bits, so a turn always
 * finds a victim.  A reference costs a bit clear, never a list move.
 */
static unsigned long edu_shrink_clock(struct edu_lru *lru,
				      unsigned long nr_to_scan,
				      const struct edu_lru_ops *ops,
				      struct list_head *victims)
{
	unsigned long stolen = 0;
	struct edu_lru_page *page;
	bool young;

	while (nr_to_scan-- && lru->nr_clock) {
		page = list_entry(lru->hand, struct edu_lru_page, lru);
		lru->stat.pgscan++;
		young = ops->test_and_clear_young(page);
		if (young || (page->flags & EDU_LRU_PG_REFERENCED)) {
			page->flags &= ~EDU_LRU_PG_REFERENCED;
			edu_clock_advance(lru);
			lru->stat.kept++;
			continue;
		}
		edu_lru_isolate(lru, page, victims);
		stolen++;
	}
	return stolen;
}

/*
 * Look at up to @nr_to_scan pages for victims and isolate those found onto
 * @victims; returns how many.  Fewer than asked is normal (pages kept or
 * activated): the caller calls again, as shrink_node() loops.
 */
unsigned long edu_lru_shrink(struct edu_lru *lru, unsigned long nr_to_scan,
			     const struct edu_lru_ops *ops,
			     struct list_head *victims)
{
	lockdep_assert_held(lru->lock);
	switch (lru->policy) {
	case EDU_LRU_POLICY_LRU:
		/* Age first, so the inactive list has pages worth a look. */
		if (edu_lru_inactive_is_low(lru))
			edu_shrink_active(lru, nr_to_scan, ops);
		return edu_shrink_inactive(lru, nr_to_scan, ops, victims);
	case EDU_LRU_POLICY_FIFO:
		return edu_shrink_fifo(lru, nr_to_scan, victims);
	default:
		return edu_shrink_clock(lru, nr_to_scan, ops, victims);
	}
}
