/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Page replacement: which resident page to give up when memory runs short.
 * The policy core of the virtual-memory lab, independent of how pages are
 * mapped: the caller embeds a struct edu_lru_page in its per-page metadata,
 * adds pages when they are faulted in, and asks edu_lru_shrink() for
 * victims; whether a page was used lately it learns from the caller's
 * ops->test_and_clear_young() (in the kernel, the PTE Accessed bit).  The
 * same file is built in user space for the host tests (see mm_env.h).
 *
 * Three policies, chosen per struct edu_lru, so that a lab can compare their
 * hit rates on one access trace:
 *
 * EDU_LRU_POLICY_LRU, two lists with second chance, as mm/vmscan.c does it
 * without multi-gen LRU.  Lists run from head (newest) to tail (oldest).
 *   add:           inactive head, flags cleared (folio_add_lru(): a new
 *                  anon page starts inactive since Linux 5.9).
 *   mark_accessed: from a syscall path (folio_mark_accessed()): a page
 *                  without REFERENCED gets it; an inactive page with
 *                  REFERENCED is activated (active head, REFERENCED
 *                  cleared, pgactivate); an active REFERENCED page stays.
 *   shrink:        first aging: if inactive_is_low(), up to nr_to_scan
 *                  pages leave the active tail one at a time for the
 *                  inactive head, ACTIVE cleared, REFERENCED kept, young bit
 *                  tested and cleared but not obeyed (shrink_active_list()
 *                  on anon pages: the cleared bit makes the page earn a new
 *                  reference on its inactive trip).  Then up to nr_to_scan
 *                  pages (no more than were inactive) from the inactive tail
 *                  are checked (folio_check_references()): young and
 *                  REFERENCED -> activated (active head, REFERENCED kept);
 *                  young only -> REFERENCED set, kept (inactive head);
 *                  not young -> victim, whatever REFERENCED said.
 *   inactive_is_low(): inactive * ratio < active, ratio = int_sqrt(10 * GB)
 *                  with GB the gigabytes on both lists, or 1 below 1 GB:
 *                  the inactive list must be long enough for a page to be
 *                  used again before it reaches the tail, but no longer,
 *                  for what it holds is what the active list cannot; a
 *                  small share of a big memory is still many pages, a long
 *                  enough trip (at least 50% under 1 GB, 25% at 1 GB, 9%
 *                  at 10 GB, 3% at 100 GB).
 *
 * EDU_LRU_POLICY_FIFO, one list in arrival order: add at the head, evict at
 * the tail; references are ignored (mark_accessed does nothing and the young
 * bit is not even read).
 *
 * EDU_LRU_POLICY_CLOCK, one ring and a hand pointing at the page it looks at
 * next.  add: just behind the hand (the page is looked at last).
 * mark_accessed: sets REFERENCED.  shrink: the hand looks at up to
 * nr_to_scan pages: one young or REFERENCED (both are cleared) gets a second
 * chance and the hand moves on; any other page is a victim.  It is FIFO with
 * second chance, without moving a page on a reference.
 *
 * Refaults (mm/workingset.c): an evicted page leaves a shadow, the lists'
 * nonresident age (evictions and activations so far) when it went
 * (edu_lru_shadow(), at eviction).  When it faults back in,
 * edu_lru_add_refault() adds it with that shadow: the refault distance,
 * age now minus shadow, is how much memory it would have needed to stay.
 * With the LRU policy, a distance within the lists' size (active and
 * inactive) activates it at once (active head, workingset_activate):
 * it is part of a working set that was evicted before it could prove
 * itself.  The kernel compares with the lists the page competes with
 * besides the inactive list it came from (for an anon page both file
 * lists and the active anon list, 6.1's workingset_refault()); here all
 * pages are of one kind, so that would be the active list alone, and
 * with an empty active list no refault could ever activate: a working
 * set that a scan of a young list evicts before any of its pages is seen
 * young twice would never get in.  Comparing with both lists asks
 * "would it have stayed in twice the memory?"; a wrong guess is aged back
 * out, as the active list stays bounded by inactive_is_low().  Other
 * policies count the refault and add the page as edu_lru_add() does.
 *
 * For all three:
 *   del:           a page on the lists leaves them, flags cleared (a page
 *                  unmapped or freed); a page not on them is left alone.
 *   shrink:        victims leave the lists for @victims (in the order
 *                  they were chosen) with flags cleared, isolated: the
 *                  caller evicts them, or takes them off @victims and adds
 *                  them back.
 *   rotate:        a page on the lists moves to where it is evicted next,
 *                  ACTIVE cleared: the inactive tail, the FIFO tail, under
 *                  the clock hand (folio_rotate_reclaimable(), for a page
 *                  whose writeback just ended).
 * Only a page on the lists (EDU_LRU_PG_LRU) moves; mark_accessed, del and
 * rotate leave any other page alone.
 *
 * Counters, named after /proc/vmstat's where it has one (struct
 * edu_lru_stat).  Nothing is counted for add and del.
 *
 * Locking: the core takes no lock.  Every call but edu_lru_init() needs the
 * caller's one lock, given to edu_lru_init() (lruvec->lru_lock's role): it
 * protects struct edu_lru, and the list node and flags of every page on its
 * lists and of pages isolated to a victims list until the caller takes
 * them.  The calls check it with lockdep_assert_held().  Flags are plain
 * bits for that reason, where the kernel's PG_ flags are atomic.
 * ops->test_and_clear_young() runs under that lock: it must not sleep, and
 * whatever lock it takes (a page table lock) nests inside the LRU lock.
 * The kernel does the opposite (lru_lock nests inside the PTE lock: it
 * isolates a batch, drops lru_lock for folio_referenced(), then puts the
 * batch back); here a caller must not call in with a PTE lock held.
 */
#ifndef _EDU_LRU_H
#define _EDU_LRU_H

#include "mm_env.h"

enum edu_lru_policy {
	EDU_LRU_POLICY_LRU,
	EDU_LRU_POLICY_FIFO,
	EDU_LRU_POLICY_CLOCK,
	EDU_LRU_NR_POLICIES,
};

/* struct edu_lru_page.flags: PG_lru, PG_active, PG_referenced. */
#define EDU_LRU_PG_LRU		BIT(0)	/* on one of the lists */
#define EDU_LRU_PG_ACTIVE	BIT(1)	/* on the active list (LRU only) */
#define EDU_LRU_PG_REFERENCED	BIT(2)	/* used since last looked at */

struct edu_lru_page {
	struct list_head lru;	/* on a list, or a victims list */
	unsigned long flags;
	void *owner;		/* the caller's: not used by the core */
};

struct edu_lru_stat {
	unsigned long pgactivate;	/* inactive -> active */
	unsigned long pgdeactivate;	/* active -> inactive (aging) */
	unsigned long pgrefill;		/* active pages scanned for aging */
	unsigned long pgscan;		/* pages scanned for a victim */
	unsigned long pgsteal;		/* victims */
	unsigned long pgrotated;	/* moved to be evicted next */
	/*
	 * Second chances that are no activation: a young page sent to the
	 * inactive head again (LRU), one the hand passed (CLOCK).  The kernel
	 * has no vmstat for them.
	 */
	unsigned long kept;
	unsigned long workingset_refault;	/* evicted pages back */
	unsigned long workingset_activate;	/* ... activated at once */
};

struct edu_lru {
	spinlock_t *lock;		/* the caller's: see above */
	enum edu_lru_policy policy;
	struct list_head inactive;	/* LRU */
	struct list_head active;	/* LRU */
	struct list_head fifo;		/* FIFO */
	struct list_head clock;		/* CLOCK: the ring */
	/* CLOCK: the page looked at next; &clock when the ring is empty. */
	struct list_head *hand;
	unsigned long nr_inactive, nr_active, nr_fifo, nr_clock;
	/* Evictions and activations so far: the clock of shadows. */
	unsigned long nonresident_age;
	struct edu_lru_stat stat;
};

struct edu_lru_ops {
	/* Was @page used since the last call?  Clears the bit it reads. */
	bool (*test_and_clear_young)(struct edu_lru_page *page);
};

void edu_lru_init(struct edu_lru *lru, spinlock_t *lock,
		  enum edu_lru_policy policy);
int edu_lru_set_policy(struct edu_lru *lru, enum edu_lru_policy policy);
const char *edu_lru_policy_name(enum edu_lru_policy policy);
unsigned long edu_lru_nr_pages(const struct edu_lru *lru);
bool edu_lru_inactive_is_low(const struct edu_lru *lru);

void edu_lru_add(struct edu_lru *lru, struct edu_lru_page *page);
unsigned long edu_lru_shadow(const struct edu_lru *lru);
bool edu_lru_add_refault(struct edu_lru *lru, struct edu_lru_page *page,
			 unsigned long shadow);
void edu_lru_mark_accessed(struct edu_lru *lru, struct edu_lru_page *page);
bool edu_lru_del(struct edu_lru *lru, struct edu_lru_page *page);
void edu_lru_rotate(struct edu_lru *lru, struct edu_lru_page *page);
unsigned long edu_lru_shrink(struct edu_lru *lru, unsigned long nr_to_scan,
			     const struct edu_lru_ops *ops,
			     struct list_head *victims);

#endif /* _EDU_LRU_H */
