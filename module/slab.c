// SPDX-License-Identifier: GPL-2.0-only
/*
 * Slab caches on edualloc's buddy allocator: cache creation and layout, the
 * slab order, slabs and their freelists, the per-node partial lists and the
 * slow paths that use them (mm/slub.c's kmem_cache_node, ___slab_alloc()
 * and __slab_free()).  Structures and lock order: see slab.h.
 *
 * Life of an object: a new slab's free objects are threaded on its
 * freelist.  Allocation pops objects off the freelist of the first slab on
 * the node's partial list (a batch at a time, into a CPU magazine, see
 * slab_cpu.c); a slab with no free object left moves to the full list.
 * A free pushes the object back; a full slab becomes partial again, and an
 * empty slab is given back to the buddy allocator unless the node keeps
 * fewer than min_partial partial slabs (so a cache that oscillates around a
 * slab boundary does not hit the buddy allocator each time).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": slab: " fmt

#include "mm_env.h"
#include "pool.h"
#include "slab.h"

/* Largest slab order tried for the objects-vs-waste rule (SLUB: 3). */
#define EDU_SLAB_MAX_ORDER	3

/* Guards edu_slab_caches: creation, destruction, slabinfo. */
DEFINE_MUTEX(edu_slab_mutex);
LIST_HEAD(edu_slab_caches);
static atomic_long_t edu_cache_gid = ATOMIC_LONG_INIT(0);

/*
 * Pool index -> slab, per node; written when a slab is created (before any
 * of its objects exists) and cleared before its block goes back to the
 * buddy allocator.  Read without a lock for live objects only.
 */
static struct edu_slab **edu_slab_map[MAX_NUMNODES];

/*
 * Address -> row of edu_slab_map, one entry per chunk-sized stretch of the
 * direct map from the lowest pool chunk on (see slab.h): NULL where no
 * chunk is.  Built at load from the pools; when the shrinker gives a chunk
 * back its row is cleared, and a chunk taken later gets one if it lies
 * inside the table (edu_slab_chunk_changed()).  Outside it, or without the
 * table (pools not laid out as expected, or spread too far apart),
 * edu_slab_of() falls back to edu_pfn_to_idx().  Rows change only while no
 * page of their chunk is allocated, so a live object's row is stable.
 */
#define EDU_CHUNK_SHIFT		(PAGE_SHIFT + EDU_CHUNK_ORDER)
#define EDU_CHUNK_ROWS_MAX	65536	/* a 512 KiB table: 256 GiB of span */

static unsigned long edu_chunk_lo;	/* first byte of the lowest chunk */
static unsigned long edu_chunk_lo_pfn;	/* its frame */
static unsigned long edu_chunk_span;	/* bytes covered from there */
static struct edu_slab ***edu_chunk_rows;

static noinline struct edu_slab *edu_slab_of_slow(const void *addr)
{
	struct edu_node *n;
	unsigned long idx;

	if (!addr || !virt_addr_valid(addr))
		return NULL;
	n = edu_pfn_to_idx(page_to_pfn(virt_to_page(addr)), &idx);
	if (!n || !edu_slab_map[n->nid])
		return NULL;
	return READ_ONCE(edu_slab_map[n->nid][idx]);
}

struct edu_slab *edu_slab_of(const void *addr)
{
	unsigned long off = (unsigned long)addr - edu_chunk_lo;
	struct edu_slab **row;

	if (unlikely(!edu_chunk_rows) || off >= READ_ONCE(edu_chunk_span))
		return edu_slab_of_slow(addr);
	row = READ_ONCE(edu_chunk_rows[off >> EDU_CHUNK_SHIFT]);
	if (!row)
		return NULL;
	return READ_ONCE(row[(off >> PAGE_SHIFT) & (EDU_CHUNK_PAGES - 1)]);
}

/*
 * Every chunk is a naturally aligned order-EDU_CHUNK_ORDER block in the
 * direct map, so chunk addresses differ by whole multiples of the chunk
 * size, as their frame numbers do; checked rather than assumed.
 */
static void edu_chunk_rows_init(void)
{
	unsigned long lo = ULONG_MAX, lo_pfn = 0, hi = 0, rows;
	struct edu_slab ***tab;
	unsigned int i;
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_node *n = edu_nodes[nid];

		for (i = 0; n && i < n->nr_chunks; i++) {
			unsigned long va = (unsigned long)n->chunks[i].vaddr;

			if (!va)	/* an empty slot */
				continue;
			if (va < lo) {
				lo = va;
				lo_pfn = n->chunks[i].pfn;
			}
			hi = max(hi, va + (1UL << EDU_CHUNK_SHIFT));
		}
	}
	if (!hi)
		return;
	rows = (hi - lo) >> EDU_CHUNK_SHIFT;
	if (rows > EDU_CHUNK_ROWS_MAX) {
		pr_info("pool chunks too far apart for a direct lookup table\n");
		return;
	}
	tab = kvcalloc(rows, sizeof(*tab), GFP_KERNEL | __GFP_NOWARN);
	if (!tab)
		return;
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_node *n = edu_nodes[nid];

		for (i = 0; n && i < n->nr_chunks; i++) {
			unsigned long va = (unsigned long)n->chunks[i].vaddr;
			unsigned long pfn = n->chunks[i].pfn;

			if (!va)
				continue;
			if ((va - lo) != (pfn - lo_pfn) << PAGE_SHIFT ||
			    pfn % EDU_CHUNK_PAGES) {
				pr_info("pool chunks not linear in the direct map: no lookup table\n");
				kvfree(tab);
				return;
			}
			tab[(va - lo) >> EDU_CHUNK_SHIFT] =
				&edu_slab_map[nid][(unsigned long)i *
						   EDU_CHUNK_PAGES];
		}
	}
	edu_chunk_lo = lo;
	edu_chunk_lo_pfn = lo_pfn;
	edu_chunk_span = hi - lo;
	edu_chunk_rows = tab;
}

/*
 * shrinker.c: chunk slot @c of @n was just filled (@present) or is about to
 * be emptied, while none of its pages is allocated.  A chunk inside the
 * table gets or loses its row; one that does not sit where the direct map
 * says it should turns the table off (every lookup then takes the slow
 * path), rather than leave a live chunk without a row.
 */
void edu_slab_chunk_changed(struct edu_node *n, unsigned int c, bool present)
{
	unsigned long va = (unsigned long)n->chunks[c].vaddr;
	unsigned long off = va - edu_chunk_lo;

	if (!edu_chunk_rows || off >= edu_chunk_span)
		return;
	if (off != (n->chunks[c].pfn - edu_chunk_lo_pfn) << PAGE_SHIFT) {
		WRITE_ONCE(edu_chunk_span, 0);
		return;
	}
	WRITE_ONCE(edu_chunk_rows[off >> EDU_CHUNK_SHIFT],
		   present ? &edu_slab_map[n->nid][(unsigned long)c *
						   EDU_CHUNK_PAGES] : NULL);
}

static void edu_slab_map_set(struct edu_slab *s, struct edu_slab *val)
{
	unsigned long i;

	for (i = 0; i < (1UL << s->cache->order); i++)
		WRITE_ONCE(edu_slab_map[s->nid][s->idx + i], val);
}

/*
 * The node a request for @nid (NUMA_NO_NODE: the cache's preferred node,
 * else the calling CPU's) is served from: @nid if it has a pool, else the
 * nearest node that has one.
 */
int edu_cache_home(struct edu_cache *c, int nid)
{
	int best = -1, i;

	if (nid == NUMA_NO_NODE)
		nid = c->nid != NUMA_NO_NODE ? c->nid : numa_node_id();
	if (nid >= 0 && nid < MAX_NUMNODES && c->node[nid])
		return nid;
	for (i = 0; i < MAX_NUMNODES; i++) {
		if (!c->node[i])
			continue;
		if (best < 0 || node_distance(nid, i) < node_distance(nid, best))
			best = i;
	}
	return best;
}

/*
 * Slab order, following calculate_order() in mm/slub.c: a bigger slab
 * wastes less at its end (the remainder of slab bytes / stride) and needs
 * the node lists less often (more objects per refill), but is harder for
 * the buddy allocator to find and ties up more memory per partly used slab.
 * So: the smallest order up to EDU_SLAB_MAX_ORDER that holds at least
 * min_objects objects with at most 1/16 of it wasted, else 1/8; if no order
 * fits, halve min_objects and try again.  min_objects grows with the CPU
 * count (4 * (fls(cpus) + 1), as SLUB), since more CPUs refill more often.
 * Objects too big for an order-3 slab get the smallest order holding one.
 */
static unsigned int edu_calc_order(unsigned int stride)
{
	unsigned int min_objects = 4 * (fls(num_online_cpus()) + 1);
	unsigned int want, frac, o;

	for (want = min_objects; want >= 1; want /= 2) {
		for (frac = 16; frac >= 8; frac /= 2) {
			o = get_order((unsigned long)stride * want);
			for (; o <= EDU_SLAB_MAX_ORDER; o++) {
				unsigned long bytes = PAGE_SIZE << o;

				if (bytes / stride < want)
					continue;
				if ((bytes % stride) * frac <= bytes)
					return o;
			}
		}
	}
	return get_order(stride);
}

/* Slot layout: see the picture in slab.h. */
static void edu_cache_layout(struct edu_cache *c)
{
	unsigned int end, i;
	unsigned long odd;

	c->obj_offset = 0;
	if (c->flags & EDU_CACHE_RED_ZONE)
		c->obj_offset = ALIGN(EDU_RZ_BYTES, c->align);
	end = c->obj_offset + c->size;
	if (c->flags & EDU_CACHE_RED_ZONE)
		end += EDU_RZ_BYTES;
	end = ALIGN(end, sizeof(void *));
	c->rz_end = end;
	if (c->flags & (EDU_CACHE_RED_ZONE | EDU_CACHE_POISON)) {
		/* The whole object is checked while free: pointer outside. */
		c->fp_offset = end;
		end += sizeof(void *);
	} else {
		c->fp_offset = c->size >= 2 * sizeof(void *) ?
			       ALIGN_DOWN(c->size / 2, sizeof(void *)) : 0;
	}
	c->stride = ALIGN(end, c->align);
	c->order = edu_calc_order(c->stride);
	c->objects = (PAGE_SIZE << c->order) / c->stride;
	c->slots_bytes = (unsigned long)c->objects * c->stride;
	c->stride_shift = __ffs(c->stride);
	odd = c->stride >> c->stride_shift;
	/* Newton's iteration, from 3 correct low bits: 6, 12, 24, 48, 96. */
	c->stride_inv = odd;
	for (i = 0; i < 5; i++)
		c->stride_inv *= 2 - odd * c->stride_inv;
	c->stride_lim = ULONG_MAX / odd;
	/* As SLUB's set_min_partial(): bigger objects keep more slabs. */
	c->min_partial = clamp_t(unsigned int, ilog2(c->size) / 2, 5, 10);
	/* Magazines: fewer big objects, as set_cpu_partial() does. */
	if (c->stride >= PAGE_SIZE)
		c->mag_size = 8;
	else if (c->stride >= 1024)
		c->mag_size = 16;
	else
		c->mag_size = EDU_MAG_MAX;
	c->batch = c->mag_size / 2;
}

static void edu_slab_discard(struct edu_cache *c, struct edu_slab *s)
{
	trace_edualloc_slab_release(c->name, s->node->nid,
				    edu_idx_to_pfn(s->node, s->idx), c->order);
	edu_slab_map_set(s, NULL);
	edu_free_pages(s->node, s->idx, c->order);
	edu_stat(c, EDU_ST_SLAB_FREE);
	kfree(s->state);
	kfree(s);
}

void edu_slab_discard_list(struct edu_cache *c, struct list_head *to_free)
{
	struct edu_slab *s, *tmp;

	list_for_each_entry_safe(s, tmp, to_free, list) {
		list_del(&s->list);
		edu_slab_discard(c, s);
	}
}

/* A new slab from the buddy allocator, all objects free.  May sleep. */
static struct edu_slab *edu_slab_new(struct edu_cache *c, int nid)
{
	struct edu_page_ref ref;
	struct edu_slab *s;
	void *next = NULL;
	unsigned int i;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	if (edu_cache_debug(c)) {
		/* All EDU_OS_FREE (0). */
		s->state = kzalloc(c->objects, GFP_KERNEL);
		if (!s->state)
			goto err_slab;
	}
	if (edu_alloc_pages(nid, c->order, EDU_AF_SLAB, &ref))
		goto err_state;
	s->cache = c;
	s->node = ref.node;
	s->nid = ref.node->nid;
	s->idx = ref.idx;
	s->base = edu_idx_to_virt(ref.node, ref.idx);
	s->id = atomic_long_inc_return(&c->next_slab_id);
	INIT_LIST_HEAD(&s->list);
	for (i = c->objects; i-- > 0;) {
		void *obj = edu_slab_obj(c, s, i);

		if (edu_cache_debug(c))
			edu_debug_init_slot(c, obj);
		edu_fp_set(c, obj, next);
		next = obj;
	}
	s->freelist = next;
	edu_slab_map_set(s, s);
	edu_stat(c, EDU_ST_NEW_SLAB);
	trace_edualloc_slab_new(c->name, s->node->nid,
				edu_idx_to_pfn(s->node, s->idx), c->order,
				c->objects);
	return s;

err_state:
	kfree(s->state);
err_slab:
	kfree(s);
	return NULL;
}

/*
 * Take the first object off @s's freelist, under the node lock.  Checks the
 * stored next pointer (hardened or consistency caches) and, in debug
 * caches, the object itself; damaged objects are quarantined and skipped.
 */
static void *edu_slab_pop(struct edu_cache *c, struct edu_slab *s)
{
	void *obj;

	while ((obj = s->freelist)) {
		unsigned int i = edu_slab_obj_index(c, s, obj);
		void *next = edu_fp_get(c, obj);
		bool bad = edu_cache_checks_ptrs(c) && !edu_fp_valid(c, s, next);

		if (s->state && s->state[i] != EDU_OS_FREE) {
			edu_debug_report(c, s, obj, EDU_ERR_FREELIST,
					 "freelist reaches an object that is not free");
			edu_debug_rebuild_freelist(c, s);
			continue;
		}
		s->freelist = bad ? NULL : next;
		s->inuse++;
		if (bad)
			edu_debug_report(c, s, obj, EDU_ERR_FREELIST,
					 "next-free pointer stored in the free object is damaged");
		if (s->state) {
			s->state[i] = EDU_OS_USED;
			if (bad) {
				/* Its pointer slot was hit: do not reuse it. */
				s->state[i] = EDU_OS_QUAR;
				s->quarantined++;
				edu_debug_rebuild_freelist(c, s);
				continue;
			}
			if (!edu_debug_check_alloc(c, s, obj)) {
				s->state[i] = EDU_OS_QUAR;
				s->quarantined++;
				continue;
			}
		} else if (bad) {
			/* No map of free objects: the rest of the list is lost. */
			unsigned int lost = c->objects - s->inuse;

			s->inuse += lost;
			s->quarantined += lost;
		}
		return obj;
	}
	return NULL;
}

/* Take up to @want objects from @n's partial slabs, under its lock. */
static unsigned int edu_take_partial(struct edu_cache *c,
				     struct edu_cache_node *n, void **objs,
				     unsigned int want)
{
	unsigned int got = 0;

	lockdep_assert_held(&n->lock);
	while (got < want && !list_empty(&n->partial)) {
		struct edu_slab *s = list_first_entry(&n->partial,
						      struct edu_slab, list);
		void *obj = edu_slab_pop(c, s);

		if (obj)
			objs[got++] = obj;
		if (!s->freelist) {
			list_move(&s->list, &n->full);
			s->full = true;
			n->nr_partial--;
			n->nr_full++;
		}
	}
	return got;
}

/*
 * The slow path: fill @objs with up to @want objects for node @nid from
 * that node's partial slabs, else from a new slab (which the buddy
 * allocator may take from another node).  All objects come from one node,
 * returned in *@got_nid.  Returns how many, or -ENOMEM.  May sleep.
 */
int edu_slab_take(struct edu_cache *c, int nid, void **objs,
		  unsigned int want, int *got_nid)
{
	struct edu_cache_node *n;
	struct edu_slab *s;
	unsigned int got;

	nid = edu_cache_home(c, nid);
	if (nid < 0)
		return -ENOMEM;
	n = c->node[nid];
	spin_lock(&n->lock);
	got = edu_take_partial(c, n, objs, want);
	spin_unlock(&n->lock);
	if (got) {
		this_cpu_add(c->stats->n[EDU_ST_REFILL_PARTIAL], got);
		trace_edualloc_slab_refill(c->name, nid, got, false);
		*got_nid = nid;
		return got;
	}

	/* Retry: a new slab may be empty of good objects in debug caches. */
	do {
		s = edu_slab_new(c, nid);
		if (!s)
			return -ENOMEM;
		n = edu_cache_node_of(c, s);
		spin_lock(&n->lock);
		list_add(&s->list, &n->partial);
		n->nr_partial++;
		got = edu_take_partial(c, n, objs, want);
		spin_unlock(&n->lock);
	} while (!got);
	*got_nid = s->node->nid;
	trace_edualloc_slab_refill(c->name, s->node->nid, got, true);
	return got;
}

/*
 * Put @obj back on its slab's freelist, under the node lock; an emptied
 * slab beyond min_partial goes onto @to_free, to be given back to the
 * buddy allocator once the lock is dropped.
 */
void edu_slab_free_locked(struct edu_cache *c, struct edu_cache_node *n,
			  struct edu_slab *s, void *obj,
			  struct list_head *to_free)
{
	lockdep_assert_held(&n->lock);
	if (s->state) {
		if (!edu_debug_check_free(c, s, obj))
			return;
		edu_debug_on_free(c, obj);
		s->state[edu_slab_obj_index(c, s, obj)] = EDU_OS_FREE;
	}
	edu_fp_set(c, obj, s->freelist);
	s->freelist = obj;
	s->inuse--;
	if (s->full) {
		list_move(&s->list, &n->partial);
		s->full = false;
		n->nr_full--;
		n->nr_partial++;
	}
	if (!s->inuse && n->nr_partial > c->min_partial) {
		list_move(&s->list, to_free);
		n->nr_partial--;
	}
}

/*
 * Give objects back to their slabs (magazine flushes, unused refills): one
 * node lock round trip per run of objects of the same node.
 */
void edu_slab_put_objs(struct edu_cache *c, void **objs, unsigned int nr)
{
	unsigned int i = 0;

	while (i < nr) {
		struct edu_slab *s = edu_slab_of(objs[i]);
		struct edu_cache_node *n = edu_cache_node_of(c, s);
		LIST_HEAD(to_free);

		spin_lock(&n->lock);
		do {
			edu_slab_free_locked(c, n, s, objs[i], &to_free);
			if (++i == nr)
				break;
			s = edu_slab_of(objs[i]);
		} while (edu_cache_node_of(c, s) == n);
		spin_unlock(&n->lock);
		edu_slab_discard_list(c, &to_free);
	}
}

void *edu_cache_alloc(struct edu_cache *c, int nid)
{
	void *obj;
	int got_nid;

	if (likely(!edu_cache_debug(c))) {
		obj = edu_cpu_alloc(c, nid);
	} else {
		/* Debug caches always take the slow path, where checks run. */
		if (edu_slab_take(c, nid, &obj, 1, &got_nid) < 1) {
			edu_stat(c, EDU_ST_ALLOC_FAIL);
			return NULL;
		}
		edu_stat(c, EDU_ST_ALLOC_SLOW);
		trace_edualloc_slab_obj_alloc(c->name, got_nid, false);
	}
	/* For kmemleak, see slab.h; process context (see slab_cpu.c). */
	if (obj)
		kmemleak_alloc(obj, c->size, 1, GFP_KERNEL);
	return obj;
}

/*
 * Is @obj the start of an object of @s?  Reports when it is not.  Cheap
 * enough for every free (a compare, and for the slot boundary a mask and a
 * multiply, see struct edu_cache), so even caches without debugging keep
 * a stray pointer out of the magazines, where it would be handed out.
 */
static bool edu_obj_check_ptr(struct edu_cache *c, struct edu_slab *s,
			      const void *obj)
{
	if (unlikely(s->cache != c)) {
		edu_debug_report(s->cache, s, obj, EDU_ERR_WRONG_CACHE,
				 "freed to cache %s but belongs to cache %s",
				 c->name, s->cache->name);
		return false;
	}
	if (unlikely(!edu_fp_valid(c, s, obj))) {
		edu_debug_report(c, s, obj, EDU_ERR_BAD_PTR,
				 "freed pointer is not the start of an object");
		return false;
	}
	return true;
}

/* Free @obj of slab @s, @c being s->cache (edu_kfree() has looked it up). */
void edu_slab_free_obj(struct edu_cache *c, struct edu_slab *s, void *obj)
{
	struct edu_cache_node *n;
	LIST_HEAD(to_free);

	if (!edu_obj_check_ptr(c, s, obj))
		return;
	trace_edualloc_slab_obj_free(c->name, s->nid, !edu_cache_debug(c));
	if (likely(!edu_cache_debug(c))) {
		/* Debug caches tell kmemleak once the free passed its checks. */
		kmemleak_free(obj);
		if (likely(edu_cpu_free(c, s, obj)))
			return;
	}
	n = edu_cache_node_of(c, s);
	spin_lock(&n->lock);
	edu_slab_free_locked(c, n, s, obj, &to_free);
	spin_unlock(&n->lock);
	edu_stat(c, EDU_ST_FREE_SLOW);
	edu_slab_discard_list(c, &to_free);
}

void edu_cache_free(struct edu_cache *c, void *obj)
{
	struct edu_slab *s = edu_slab_of(obj);

	if (unlikely(!s)) {
		edu_debug_report(c, NULL, obj, EDU_ERR_BAD_PTR,
				 "freed pointer is not in a slab");
		return;
	}
	edu_slab_free_obj(c, s, obj);
}

/* Flush the magazines and give every empty slab back (SLUB's shrink). */
void edu_cache_shrink(struct edu_cache *c)
{
	int nid;

	edu_cpu_flush_all(c);
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_cache_node *n = c->node[nid];
		struct edu_slab *s, *tmp;
		LIST_HEAD(to_free);

		if (!n)
			continue;
		spin_lock(&n->lock);
		list_for_each_entry_safe(s, tmp, &n->partial, list) {
			if (s->inuse)
				continue;
			list_move(&s->list, &to_free);
			n->nr_partial--;
		}
		spin_unlock(&n->lock);
		edu_slab_discard_list(c, &to_free);
	}
}

/* Objects handed out and not freed (quarantined and cached ones aside). */
unsigned long edu_cache_live(struct edu_cache *c)
{
	unsigned long inuse = 0;
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_cache_node *n = c->node[nid];
		struct edu_slab *s;

		if (!n)
			continue;
		spin_lock(&n->lock);
		list_for_each_entry(s, &n->partial, list)
			inuse += s->inuse - s->quarantined;
		list_for_each_entry(s, &n->full, list)
			inuse += s->inuse - s->quarantined;
		spin_unlock(&n->lock);
	}
	return inuse - min(inuse, edu_cpu_cached(c));
}

void edu_cache_stats_sum(struct edu_cache *c, unsigned long *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum) * EDU_ST_NR);
	for_each_possible_cpu(cpu) {
		struct edu_slab_stats *st = per_cpu_ptr(c->stats, cpu);

		for (i = 0; i < EDU_ST_NR; i++)
			sum[i] += READ_ONCE(st->n[i]);
	}
}

static void edu_cache_free_struct(struct edu_cache *c)
{
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++)
		kfree(c->node[nid]);
	free_percpu(c->cpu);
	free_percpu(c->stats);
	kfree(c);
}

struct edu_cache *edu_cache_create(const char *name, unsigned int size,
				   unsigned int align, unsigned int flags,
				   int nid, bool kmalloc)
{
	/* A cache made for a user is charged to the user's memory cgroup. */
	gfp_t gfp = kmalloc ? GFP_KERNEL : GFP_KERNEL_ACCOUNT;
	struct edu_cache *c;
	int i;

	if (!size || size > EDU_OBJ_MAX_SIZE || (flags & ~EDU_CACHE_FLAGS) ||
	    (align && (!is_power_of_2(align) || align > PAGE_SIZE)))
		return ERR_PTR(-EINVAL);
	c = kzalloc(sizeof(*c), gfp);
	if (!c)
		return ERR_PTR(-ENOMEM);
	strscpy(c->name, name, sizeof(c->name));
	c->size = size;
	c->align = max_t(unsigned int, align, EDU_MIN_ALIGN);
	c->flags = flags;
	c->nid = nid;
	c->kmalloc = kmalloc;
	c->random = get_random_long();
	atomic_long_set(&c->next_slab_id, 0);
	for (i = 0; i < EDU_ERR_NR; i++)
		atomic_long_set(&c->err[i], 0);
	edu_cache_layout(c);

	for (i = 0; i < MAX_NUMNODES; i++) {
		struct edu_cache_node *n;

		if (!edu_nodes[i])
			continue;
		n = kzalloc_node(sizeof(*n), gfp, i);
		if (!n)
			goto err;
		spin_lock_init(&n->lock);
		INIT_LIST_HEAD(&n->partial);
		INIT_LIST_HEAD(&n->full);
		c->node[i] = n;
	}
	c->stats = alloc_percpu_gfp(struct edu_slab_stats, gfp | __GFP_NOWARN);
	if (!c->stats || edu_cpu_setup(c))
		goto err;

	c->gid = atomic_long_inc_return(&edu_cache_gid);
	if (kmalloc)
		strscpy(c->dname, c->name, sizeof(c->dname));
	else
		snprintf(c->dname, sizeof(c->dname), "%s-%lu", c->name, c->gid);
	mutex_lock(&edu_slab_mutex);
	list_add_tail(&c->list, &edu_slab_caches);
	mutex_unlock(&edu_slab_mutex);
	edu_slab_debugfs_add(c);
	return c;

err:
	edu_cache_free_struct(c);
	return ERR_PTR(-ENOMEM);
}

/*
 * Destroy a cache.  Objects still handed out make it fail with -EBUSY
 * (and a note in the log); quarantined objects do not count: their slabs
 * go back to the buddy allocator with the rest.
 */
int edu_cache_destroy(struct edu_cache *c)
{
	unsigned long live;
	int nid;

	edu_cpu_flush_all(c);
	live = edu_cache_live(c);
	if (live) {
		pr_info("cache %s: %lu objects still in use, not destroyed\n",
			c->name, live);
		return -EBUSY;
	}
	edu_slab_debugfs_del(c);
	mutex_lock(&edu_slab_mutex);
	list_del(&c->list);
	mutex_unlock(&edu_slab_mutex);
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_cache_node *n = c->node[nid];
		LIST_HEAD(to_free);

		if (!n)
			continue;
		spin_lock(&n->lock);
		list_splice_init(&n->partial, &to_free);
		list_splice_init(&n->full, &to_free);
		n->nr_partial = 0;
		n->nr_full = 0;
		spin_unlock(&n->lock);
		edu_slab_discard_list(c, &to_free);
	}
	edu_cache_free_struct(c);
	return 0;
}

/*
 * A CPU is gone: give back the objects in its magazines (SLUB's
 * slub_cpu_dead()).  Runs with cpu_hotplug_lock held for writing, so no
 * edu_cpu_flush_all() runs meanwhile.
 */
static int edu_slab_cpu_dead(unsigned int cpu)
{
	struct edu_cache *c;

	mutex_lock(&edu_slab_mutex);
	list_for_each_entry(c, &edu_slab_caches, list)
		edu_cpu_flush_dead(c, cpu);
	mutex_unlock(&edu_slab_mutex);
	return 0;
}

static int edu_slab_cpuhp_state;

static void edu_slab_maps_free(void)
{
	int nid;

	kvfree(edu_chunk_rows);
	edu_chunk_rows = NULL;
	edu_chunk_lo = 0;
	edu_chunk_span = 0;
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		kvfree(edu_slab_map[nid]);
		edu_slab_map[nid] = NULL;
	}
}

int edu_slab_init(void)
{
	int nid, ret;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		if (!edu_nodes[nid])
			continue;
		edu_slab_map[nid] = kvcalloc(edu_nodes[nid]->span_pages,
					     sizeof(struct edu_slab *),
					     GFP_KERNEL | __GFP_NOWARN);
		if (!edu_slab_map[nid]) {
			ret = -ENOMEM;
			goto err_map;
		}
	}
	edu_chunk_rows_init();
	ret = edu_slab_debugfs_init();
	if (ret)
		goto err_map;
	ret = edu_kmalloc_init();
	if (ret)
		goto err_debugfs;
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN,
					"edualloc/slab:dead", NULL,
					edu_slab_cpu_dead);
	if (ret < 0)
		goto err_kmalloc;
	edu_slab_cpuhp_state = ret;
	return 0;

err_kmalloc:
	edu_kmalloc_exit();
err_debugfs:
	edu_slab_debugfs_exit();
err_map:
	edu_slab_maps_free();
	return ret;
}

/* The device is gone, so no user cache is left: only the size classes. */
void edu_slab_exit(void)
{
	if (edu_slab_cpuhp_state > 0)
		cpuhp_remove_state_nocalls(edu_slab_cpuhp_state);
	edu_slab_cpuhp_state = 0;
	edu_kmalloc_exit();
	edu_slab_debugfs_exit();
	edu_slab_maps_free();
}
