// SPDX-License-Identifier: GPL-2.0-only
/*
 * The swap area: swap_mb MiB of slots, one page each, the way a swap
 * partition is an array of page-sized slots (mm/swapfile.c's swap_map).
 * Reclaim writes an evicted area page to a free slot (swap-out, pswpout);
 * the page's next fault reads it back and frees the slot (swap-in, pswpin:
 * the major fault).  A slot's content lives in a page of the real kernel,
 * taken when the slot is written and given back when it is freed, so an
 * idle swap area costs only its map; that makes it a RAM-backed swap device
 * like zram without compression, which keeps a lab machine safe: nothing is
 * written to disk.
 *
 * Each slot has an owner (area id and page index) for the "swap" view, as
 * the kernel's swap cache knows which page a slot holds.  Slots are handed
 * out next-fit from a cursor, as scan_swap_map_slots() scans on from the
 * last allocation, so consecutive evictions land in consecutive slots.
 *
 * Locking: edu_swap.lock (a spinlock, a leaf: nothing is taken under it)
 * protects the map, the owners, the cursor and the counters.  A slot's page
 * belongs to whoever holds the slot: reclaim between taking the slot and
 * publishing it in the area's page map, then the area (under its lock),
 * which reads it back and frees it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "edualloc.h"
#include "swap.h"

static unsigned int swap_mb = 128;
module_param(swap_mb, uint, 0444);
MODULE_PARM_DESC(swap_mb, "MiB of swap slots for evicted area pages (default 128, 0: no swap)");

/* At most 16 GiB of slots: a slot number fits the area page's 32 bits. */
#define EDU_SWAP_MAX_MB		16384

struct edu_slot_owner {
	u32 area;		/* area id, 0 when the slot is free */
	u32 index;		/* page of the area */
};

static struct {
	spinlock_t lock;	/* see above */
	unsigned long nr;	/* slots */
	unsigned long *map;	/* a bit per slot: in use */
	struct page **pages;	/* a slot's content while in use */
	struct edu_slot_owner *owner;
	unsigned long cursor;	/* next-fit: where the next search starts */
	struct edu_swap_stat stat;
} edu_swap = {
	.lock = __SPIN_LOCK_UNLOCKED(edu_swap.lock),
};

int edu_swap_init(void)
{
	if (swap_mb > EDU_SWAP_MAX_MB) {
		pr_err("swap_mb=%u: must be 0..%u\n", swap_mb,
		       EDU_SWAP_MAX_MB);
		return -EINVAL;
	}
	edu_swap.nr = (unsigned long)swap_mb << (20 - PAGE_SHIFT);
	edu_swap.cursor = 0;
	memset(&edu_swap.stat, 0, sizeof(edu_swap.stat));
	if (!edu_swap.nr)
		return 0;
	edu_swap.map = bitmap_zalloc(edu_swap.nr, GFP_KERNEL);
	edu_swap.pages = kvcalloc(edu_swap.nr, sizeof(*edu_swap.pages),
				  GFP_KERNEL);
	edu_swap.owner = kvcalloc(edu_swap.nr, sizeof(*edu_swap.owner),
				  GFP_KERNEL);
	if (!edu_swap.map || !edu_swap.pages || !edu_swap.owner) {
		edu_swap_exit();
		return -ENOMEM;
	}
	edu_swap.stat.slots = edu_swap.nr;
	return 0;
}

/* Every area is gone, and with it every slot. */
void edu_swap_exit(void)
{
	WARN_ON(edu_swap.map && !bitmap_empty(edu_swap.map, edu_swap.nr));
	bitmap_free(edu_swap.map);
	kvfree(edu_swap.pages);
	kvfree(edu_swap.owner);
	edu_swap.map = NULL;
	edu_swap.pages = NULL;
	edu_swap.owner = NULL;
	edu_swap.nr = 0;
}

/*
 * Write @page to a free slot for page @index of area @area: 0 and the slot,
 * or -ENOSPC (no free slot) or -ENOMEM (no page to hold it).
 */
int edu_swap_out(const void *page, u32 area, u32 index, u32 *slot)
{
	struct page *data;
	unsigned long s;

	data = edu_should_fail() ? NULL :
	       alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY);
	spin_lock(&edu_swap.lock);
	if (!data) {
		edu_swap.stat.failed++;
		spin_unlock(&edu_swap.lock);
		return -ENOMEM;
	}
	s = edu_swap.nr ? find_next_zero_bit(edu_swap.map, edu_swap.nr,
					     edu_swap.cursor) : 0;
	if (s >= edu_swap.nr && edu_swap.cursor)
		s = find_first_zero_bit(edu_swap.map, edu_swap.nr);
	if (s >= edu_swap.nr) {
		edu_swap.stat.failed++;
		spin_unlock(&edu_swap.lock);
		__free_page(data);
		return -ENOSPC;
	}
	__set_bit(s, edu_swap.map);
	edu_swap.pages[s] = data;
	edu_swap.owner[s].area = area;
	edu_swap.owner[s].index = index;
	edu_swap.cursor = s + 1 < edu_swap.nr ? s + 1 : 0;
	edu_swap.stat.used++;
	edu_swap.stat.pswpout++;
	spin_unlock(&edu_swap.lock);
	/* The slot is ours until the caller publishes it. */
	copy_page(page_address(data), (void *)page);
	*slot = s;
	return 0;
}

/* Read slot @slot into @page; the slot stays the caller's. */
void edu_swap_in(u32 slot, void *page)
{
	if (WARN_ON_ONCE(slot >= edu_swap.nr || !edu_swap.pages[slot]))
		return;
	copy_page(page, page_address(edu_swap.pages[slot]));
	spin_lock(&edu_swap.lock);
	edu_swap.stat.pswpin++;
	spin_unlock(&edu_swap.lock);
}

void edu_swap_free(u32 slot)
{
	struct page *data;

	if (WARN_ON_ONCE(slot >= edu_swap.nr))
		return;
	spin_lock(&edu_swap.lock);
	WARN_ON_ONCE(!__test_and_clear_bit(slot, edu_swap.map));
	data = edu_swap.pages[slot];
	edu_swap.pages[slot] = NULL;
	edu_swap.owner[slot].area = 0;
	edu_swap.owner[slot].index = 0;
	edu_swap.stat.used--;
	spin_unlock(&edu_swap.lock);
	if (data)
		__free_page(data);
}

void edu_swap_stat(struct edu_swap_stat *s)
{
	spin_lock(&edu_swap.lock);
	*s = edu_swap.stat;
	spin_unlock(&edu_swap.lock);
}

/*
 * The slots in use, as runs: "slots FIRST-LAST area ID pages FROM-TO" for
 * each run of slots holding consecutive pages of one area, so that a
 * streaming eviction reads as one line.
 */
void edu_swap_show_map(struct seq_file *m)
{
	struct edu_slot_owner run = { 0 }, o;
	unsigned long s, first = 0, n = 0;

	spin_lock(&edu_swap.lock);
	for (s = 0; s <= edu_swap.nr; s++) {
		bool used = s < edu_swap.nr && test_bit(s, edu_swap.map);

		o = used ? edu_swap.owner[s] : (struct edu_slot_owner){ 0 };
		if (n && used && o.area == run.area &&
		    o.index == run.index + n) {
			n++;
			continue;
		}
		if (n)
			seq_printf(m, "slots %lu-%lu area %u pages %u-%lu\n",
				   first, first + n - 1, run.area, run.index,
				   run.index + n - 1);
		n = used;
		first = s;
		run = o;
	}
	spin_unlock(&edu_swap.lock);
}
