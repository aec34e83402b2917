// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pools under the real kernel's memory pressure: a shrinker, and growing
 * back.
 *
 * The kernel cannot take back memory it gave a driver, but it can ask.  Each
 * registered shrinker (include/linux/shrinker.h) is asked by shrink_slab(),
 * from kswapd, from direct reclaim and from "echo 2 > drop_caches", how much
 * it could give back (count_objects), then to give some back (scan_objects):
 * the dentry and inode caches answer this way.  edualloc's answer is the
 * chunks of its pools that are wholly free (its per-CPU lists drained if
 * need be), as long as the node keeps its high watermark's worth of free
 * pages, so that giving back never wakes edualloc's own kswapd; the chunk
 * freed longest ago goes first.  Objects are pages, given back a whole
 * chunk at a time (a request for fewer gets one chunk).  seeks is 0, as a
 * free page costs nothing to make again: the kernel then asks for half of
 * what is freeable at every call, whatever its reclaim priority
 * (do_shrink_slab() in mm/vmscan.c, mm/shrinker.c in 6.7+).
 *
 * Growing back: the cap stays pool_mb.  When an allocation leaves a node
 * below its low watermark, its kswapd first takes chunks from the kernel
 * again, up to the high watermark and the cap, and a task in direct reclaim
 * does the same before it evicts anything; both ask with __GFP_NORETRY, so
 * that a kernel still short of memory says no at once and edualloc reclaims
 * its own pages instead.  A refusal holds further tries off for a second;
 * a fatal signal stops a task's wait for another's growing.
 * The new chunk is wherever the kernel had one: the slot keeps its number
 * (pool indexes stay valid), its frame changes.
 *
 * Locking: edu_resize_mutex serializes every change of a chunk slot, give
 * back or take; edu_node.lock nests inside it (buddy.c).  The shrinker only
 * trylocks it: the growing side holds it across alloc_pages_node(), which
 * may itself enter the kernel's reclaim and call the shrinker.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/shrinker.h>

#include "compat.h"
#include "edualloc.h"
#include "pool.h"
#include "slab.h"

static bool pool_shrinker = true;
module_param(pool_shrinker, bool, 0644);
MODULE_PARM_DESC(pool_shrinker,
		 "give wholly free pool chunks back to the kernel under its memory pressure (default Y)");

static DEFINE_MUTEX(edu_resize_mutex);
static struct shrinker *edu_shrinker;

/* The per-CPU lists may be drained for the shrinker once a second. */
static bool edu_pool_may_drain(struct edu_node *n)
{
	return time_after(jiffies, READ_ONCE(n->drained_at) + HZ) &&
	       edu_pcp_pages(n);
}

/*
 * Pages @n could give back now: its wholly free chunks, and one more if
 * pages parked on the per-CPU lists may be what keeps one from being whole,
 * as long as the high watermark's worth of free pages stays.  An estimate,
 * as counts are; scan gives back what it finds.
 */
static unsigned long edu_pool_freeable(struct edu_node *n)
{
	unsigned long free = READ_ONCE(n->free_pages) + edu_pcp_pages(n);
	unsigned long high = READ_ONCE(n->wmark[EDU_WMARK_HIGH]);
	/* A racy read is what count_objects() may return. */
	unsigned long chunks = data_race(n->free_area[EDU_MAX_ORDER].nr_free);

	if (free < high + EDU_CHUNK_PAGES)
		return 0;
	chunks += edu_pool_may_drain(n);
	return min(chunks * EDU_CHUNK_PAGES,
		   rounddown(free - high, EDU_CHUNK_PAGES));
}

/*
 * Give up to @nr pages of @n's free chunks back (at least one chunk if any
 * may go); returns the pages given.  Order-0 pages parked on the per-CPU
 * lists may be all that keeps a chunk from being whole: when no whole
 * chunk is left, the lists are drained (at most once a second, so that a
 * kernel under steady pressure does not empty them at every pass) and the
 * search goes on, as the kernel drains its own lists before an allocation
 * gives up.
 */
unsigned long edu_pool_shrink(struct edu_node *n, unsigned long nr)
{
	unsigned long done = 0;

	if (!mutex_trylock(&edu_resize_mutex))
		return 0;
	while (done < nr) {
		struct page *page;
		long c;

		c = edu_node_take_chunk(n, READ_ONCE(n->wmark[EDU_WMARK_HIGH]));
		if (c < 0 && edu_pool_may_drain(n)) {
			WRITE_ONCE(n->drained_at, jiffies);
			if (edu_pcp_drain_node(n))
				continue;
		}
		if (c < 0)
			break;
		/* No page of it is in use: no lookup may find it any more. */
		edu_slab_chunk_changed(n, c, false);
		edu_pool_unindex_chunk(n, c);
		page = n->chunks[c].cookie;
		n->chunks[c].cookie = NULL;
		__free_pages(page, EDU_CHUNK_ORDER);
		WRITE_ONCE(n->chunks_returned, n->chunks_returned + 1);
		done += EDU_CHUNK_PAGES;
	}
	mutex_unlock(&edu_resize_mutex);
	return done;
}

/* May @n grow now?  Below its cap, and not refused in the last second. */
bool edu_pool_can_grow(struct edu_node *n)
{
	return READ_ONCE(n->pool_pages) < n->span_pages &&
	       (!READ_ONCE(n->grow_failures) ||
		time_after(jiffies, READ_ONCE(n->grow_failed_at) + HZ));
}

/*
 * Take chunks from the kernel into @n's empty slots until it has @want free
 * pages or is at its cap.  Sleeps.  Returns the pages added, or 1 if the
 * node has @want free pages already: another task (kswapd, a fault) grew
 * the pool, or freed pages, since the caller's allocation failed.  Either
 * way that allocation may now succeed (@want is above the min watermark),
 * and the caller must not go on to evict pages.
 */
unsigned long edu_pool_grow(struct edu_node *n, unsigned long want)
{
	unsigned long done = 0;
	unsigned int c = 0;

	if (!edu_pool_can_grow(n) || mutex_lock_killable(&edu_resize_mutex))
		return 0;
	if (READ_ONCE(n->free_pages) >= want) {
		mutex_unlock(&edu_resize_mutex);
		return 1;
	}
	while (READ_ONCE(n->free_pages) < want &&
	       n->pool_pages < n->span_pages) {
		struct page *page;

		while (c < n->nr_chunks && n->chunks[c].cookie)
			c++;
		if (WARN_ON_ONCE(c == n->nr_chunks))
			break;
		/*
		 * Optional memory: no reserves (__GFP_NOMEMALLOC), no kswapd
		 * of the kernel's woken for it, one try of the kernel's own
		 * reclaim and compaction at most (__GFP_NORETRY).
		 */
		page = edu_should_fail() ? NULL :
			alloc_pages_node(n->nid, (GFP_KERNEL &
						  ~__GFP_KSWAPD_RECLAIM) |
					 __GFP_THISNODE | __GFP_NORETRY |
					 __GFP_NOMEMALLOC | __GFP_NOWARN,
					 EDU_CHUNK_ORDER);
		if (page) {
			n->chunks[c].vaddr = page_address(page);
			WRITE_ONCE(n->chunks[c].pfn, page_to_pfn(page));
			n->chunks[c].cookie = page;
			if (!edu_pool_index_chunk(n, c)) {
				edu_slab_chunk_changed(n, c, true);
				edu_node_add_chunk(n, c);
				WRITE_ONCE(n->chunks_regrown,
					   n->chunks_regrown + 1);
				done += EDU_CHUNK_PAGES;
				continue;
			}
			n->chunks[c].cookie = NULL;
			__free_pages(page, EDU_CHUNK_ORDER);
		}
		WRITE_ONCE(n->grow_failed_at, jiffies);
		WRITE_ONCE(n->grow_failures, n->grow_failures + 1);
		break;
	}
	mutex_unlock(&edu_resize_mutex);
	return done;
}

static struct edu_node *edu_shrinker_node(struct shrink_control *sc)
{
	if (!READ_ONCE(pool_shrinker) || sc->nid < 0 ||
	    sc->nid >= MAX_NUMNODES)
		return NULL;
	return edu_nodes[sc->nid];
}

static unsigned long edu_shrinker_count(struct shrinker *s,
					struct shrink_control *sc)
{
	struct edu_node *n = edu_shrinker_node(sc);
	unsigned long pages = n ? edu_pool_freeable(n) : 0;

	return pages ?: SHRINK_EMPTY;
}

static unsigned long edu_shrinker_scan(struct shrinker *s,
				       struct shrink_control *sc)
{
	struct edu_node *n = edu_shrinker_node(sc);
	unsigned long done = n ? edu_pool_shrink(n, sc->nr_to_scan) : 0;

	/*
	 * A whole chunk went for a request of fewer pages: say so, or the
	 * kernel would ask again for the rest of its quota (half of what
	 * count said) and get a chunk each time.
	 */
	sc->nr_scanned = max(sc->nr_to_scan, done);
	return done ?: SHRINK_STOP;
}

int edu_pool_shrinker_init(void)
{
	edu_shrinker = edu_should_fail() ? NULL :
		edu_shrinker_register(edu_shrinker_count, edu_shrinker_scan,
				      "edualloc-pool");
	return edu_shrinker ? 0 : -ENOMEM;
}

void edu_pool_shrinker_exit(void)
{
	if (edu_shrinker)
		edu_shrinker_unregister(edu_shrinker);
	edu_shrinker = NULL;
}
