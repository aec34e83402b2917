/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The slab allocator: object caches carved out of blocks of edualloc's own
 * buddy allocator, in the manner of mm/slub.c.
 *
 * Files:
 *   slab.c       caches, slabs, per-node partial lists, the slow paths
 *   slab_cpu.c   the per-CPU fast path (object magazines)
 *   slab_debug.c red zones, poisoning, consistency checks, reports
 *   kmalloc.c    the general size classes (edu_kmalloc/edu_kfree)
 *   slab_dev.c   the ioctls
 *   slab_debugfs.c  the debugfs views and the control file
 *
 * The first four are also compiled unchanged in user space, on buddy.c and
 * pcp.c, for the host tests (selftests/host: slab_test, slab_fuzz); they
 * take the kernel from mm_env.h only.
 *
 * A slab is one buddy block of 2^order pages, allocated with EDU_AF_SLAB so
 * the buddy's map shows it as slab-owned.  Its bookkeeping (struct edu_slab)
 * is kmalloc()ed from the kernel's own slab allocator, so the block holds
 * objects only.  From an object address to its slab: a per-node array
 * edu_slab_map[nid][idx] gives the slab of pool page idx (8 bytes per pool
 * page, 0.2% of the pool; every page of a slab points to it), the role
 * struct page's slab_cache plays in the kernel.  The pool index comes from
 * a table with one entry per 4 MiB of the direct map between the lowest
 * and the highest pool chunk (a chunk is a naturally aligned order-10
 * block): (address - lowest chunk) >> 22 selects the chunk's row of the
 * map, a subtraction, a compare and two loads on every free, where
 * edu_pfn_to_idx() (pfn_valid, the node from struct page, an xarray
 * lookup of the chunk) would cost several times that.
 *
 * Slot layout (stride bytes, a multiple of the object alignment):
 *
 *   | left red zone | object (size) | right red zone | free pointer | pad |
 *   0               obj_offset      +size            fp_offset
 *
 * Red zones exist only with EDU_CACHE_RED_ZONE.  The free pointer sits
 * outside the object when the object must stay intact while free (red zones
 * or poisoning: both are checked); otherwise it is stored in the middle of
 * the free object, word aligned, as SLUB does since 5.7, so a small overflow
 * from the previous object does not hit it.
 *
 * Locking and per-CPU rules (outermost first):
 *
 *   cpu_hotplug_lock     cpus_read_lock() around a flush of all magazines
 *                        (edu_cpu_flush_all: shrink, destroy, validate);
 *                        held for writing around the CPU-dead callback.
 *   edu_slab_mutex       the list of all caches, creation and destruction,
 *                        debugfs views that walk the list, the CPU-dead
 *                        callback.  Sleeps.  Never held around a flush of
 *                        all magazines (cpu_hotplug_lock nests outside).
 *   edu_cpu_flush_mutex  the per-CPU flush work items (slab_cpu.c).
 *   edu_cache_cpu.lock   a local_lock_t: preemption disabled on !RT (plus
 *                        lockdep's view of it).  Protects objs[] and count
 *                        of this CPU's magazine.  Only its own CPU ever
 *                        touches a magazine of an online CPU: the fast
 *                        paths, and flushes, which other CPUs ask for
 *                        with a work item queued on the owner and waited
 *                        for (flush_work), as SLUB's flush_all() does.
 *                        The magazine of an offline CPU is flushed by the
 *                        CPU-dead callback, or under cpus_read_lock() by
 *                        edu_cpu_flush_all(), which keeps it offline.  No
 *                        atomic instruction and no shared cache line on
 *                        the fast path: the magazine and the statistics
 *                        are per-CPU, the cache itself is read-only there.
 *   edu_cache_node.lock  the kmem_cache_node analogue: partial and full
 *                        lists, nr_partial/nr_full, and of every slab on
 *                        them: freelist, inuse, quarantined, state[].
 *                        Taken under a magazine's local lock (refill and
 *                        flush batches), never the other way round.
 *   buddy locks          edu_pcp.lock, edu_node.lock (buddy.h): taken by
 *                        edu_alloc_pages/edu_free_pages under at most a
 *                        magazine's local lock, never under a cache node
 *                        lock.
 *
 * The lock order of the whole module, these included, is in edualloc.h.
 *
 * Nothing here runs in interrupt context: plain spin_lock() everywhere, and
 * a magazine is never touched from an interrupt, so disabling preemption
 * is enough to own it.  Statistics are per-CPU counters (this_cpu_inc, no
 * lock), summed on read.  Error counters are atomics (rare).  A slab's id,
 * base, order, node, nid and cache are written before the slab is
 * published and never change.
 *
 * What the kernel's debug tools see of a private allocator:
 *
 *   kmemleak  tracks kmalloc/vmalloc memory and whatever is registered
 *            with it.  Pool memory comes from alloc_pages(), which it does
 *            not track, so each object is registered when handed out
 *            (kmemleak_alloc in edu_cache_alloc and edu_kmalloc's large
 *            path) and unregistered when its owner lets go of it: on free,
 *            before it enters a magazine, or for debug caches once the free
 *            passed its checks (a double free must not unregister twice).
 *            A quarantined object is unregistered too: nobody owns it.  An
 *            object whose handle was lost is then reported as unreferenced,
 *            and kmemleak scans live objects for pointers like any other.
 *            Free objects are not registered: freelist and magazine
 *            pointers to them are not references.  A magazine slot is
 *            cleared when its object leaves: a stale copy there would
 *            count as a reference and hide a leak of that object.
 *   KASAN    checks every access of instrumented code (edualloc's own, and
 *            the kernel's user copies) against its shadow, which says the
 *            whole pool is one live allocation: it cannot tell an object's
 *            bytes from its red zone or a freed object.  Marking them would
 *            need kasan_poison(), exported only for KASAN's own tests and
 *            declared in mm/kasan/kasan.h with private shadow values, not
 *            an interface for modules.  Debug caches do the same job with
 *            their own red zones and poison (slab_debug.c), checked on
 *            every free and allocation.
 *   lockdep  sees every lock here, the local locks of the magazines too.
 */
#ifndef _EDU_SLAB_H
#define _EDU_SLAB_H

#include "mm_env.h"
#include "buddy.h"

#define EDU_MAG_MAX		32	/* per-CPU magazine capacity (max) */
#define EDU_RZ_BYTES		8	/* minimum red zone on each side */
#define EDU_MIN_ALIGN		sizeof(void *)

#define EDU_RZ_BYTE		0xcc	/* red zone fill */
#define EDU_POISON_FREE		0x6b	/* free object fill */
#define EDU_POISON_END		0xa5	/* last byte of a free object */

/* Per-object state of a debug cache's slab (edu_slab.state[]). */
enum edu_obj_state {
	EDU_OS_FREE,		/* on the slab's freelist */
	EDU_OS_USED,		/* handed out */
	EDU_OS_USED_BAD,	/* handed out, damage already reported */
	EDU_OS_QUAR,		/* quarantined: damaged, never reused */
};

/* Per-CPU statistics: one array per CPU, summed on read. */
enum edu_slab_stat {
	EDU_ST_ALLOC_FAST,	/* served from the CPU's magazine */
	EDU_ST_ALLOC_SLOW,	/* served by the node lists / a new slab */
	EDU_ST_FREE_FAST,	/* put into the CPU's magazine */
	EDU_ST_FREE_SLOW,	/* freed directly into its slab */
	EDU_ST_REMOTE_FREE,	/* slow free of an object of another node */
	EDU_ST_REFILL,		/* magazine refills */
	EDU_ST_REFILL_PARTIAL,	/* objects taken from partial slabs */
	EDU_ST_FLUSH,		/* magazine flushes (full or drained) */
	EDU_ST_FLUSH_OBJS,	/* objects flushed back to their slabs */
	EDU_ST_NEW_SLAB,	/* slabs taken from the buddy allocator */
	EDU_ST_SLAB_FREE,	/* slabs given back to the buddy allocator */
	EDU_ST_ALLOC_FAIL,	/* allocations that failed */
	EDU_ST_NR,
};

/* Debug errors, counted per cache (atomics: rare). */
enum edu_slab_err {
	EDU_ERR_REDZONE,	/* a red zone byte overwritten */
	EDU_ERR_POISON,		/* a free object written (use after free) */
	EDU_ERR_DOUBLE_FREE,
	EDU_ERR_WRONG_CACHE,	/* freed to a cache it does not belong to */
	EDU_ERR_BAD_PTR,	/* not an object start / not a slab object */
	EDU_ERR_FREELIST,	/* a freelist pointer damaged */
	EDU_ERR_NR,
};

struct edu_cache;

struct edu_slab_stats {
	unsigned long n[EDU_ST_NR];
};

/* One slab; see the locking rules above. */
struct edu_slab {
	struct list_head list;		/* partial or full list: node lock */
	struct edu_cache *cache;
	struct edu_node *node;		/* buddy node of the block */
	int nid;			/* node->nid, one load less on free */
	unsigned long idx;		/* pool index of the first page */
	void *base;			/* first byte */
	unsigned long id;		/* stable number within the cache */
	void *freelist;			/* first free object: node lock */
	unsigned int inuse;		/* objects off the freelist: node lock */
	unsigned int quarantined;	/* of @inuse, never reused: node lock */
	bool full;			/* on the full list: node lock */
	u8 *state;			/* debug caches: enum edu_obj_state */
};

/* The kmem_cache_node analogue, one per node with a pool. */
struct edu_cache_node {
	spinlock_t lock;		/* guards all below and their slabs */
	struct list_head partial;	/* slabs with free objects (or empty) */
	struct list_head full;		/* slabs with no free object */
	unsigned long nr_partial;
	unsigned long nr_full;
};

/* The per-CPU magazine, the fast path's state (see slab_cpu.c). */
struct edu_cache_cpu {
	local_lock_t lock;		/* owned by its CPU, see above */
	unsigned int count;		/* objects in @objs; WRITE_ONCE: peeked at */
	int nid;			/* home node of this CPU for the cache */
	void *objs[EDU_MAG_MAX];
};

struct edu_cache {
	char name[EDU_CACHE_NAME_LEN];
	char dname[EDU_CACHE_NAME_LEN + 24];	/* debugfs directory name */
	unsigned long gid;		/* global number, names the directory */
	unsigned int size;		/* object size asked for */
	unsigned int align;		/* effective alignment */
	unsigned int flags;		/* EDU_CACHE_* */
	unsigned int mag_size;		/* magazine capacity */
	unsigned int batch;		/* objects per refill / flush */
	struct edu_cache_cpu __percpu *cpu;
	struct edu_slab_stats __percpu *stats;
	unsigned int obj_offset;	/* object start within the slot */
	unsigned int fp_offset;		/* free pointer within the slot */
	unsigned int rz_end;		/* end of the right red zone */
	unsigned int stride;		/* bytes per slot */
	unsigned int objects;		/* slots per slab */
	unsigned int order;		/* slab = 2^order pages */
	unsigned int min_partial;	/* empty slabs kept per node */
	/* Is an offset from the first slot a slot start?  No division:
	 * off < slots_bytes, the low stride_shift bits clear, and the rest
	 * divisible by the odd part of the stride, checked by multiplying
	 * with its inverse mod 2^BITS_PER_LONG (Hacker's Delight 10-17).
	 */
	unsigned int stride_shift;
	unsigned long stride_inv;
	unsigned long stride_lim;
	unsigned long slots_bytes;	/* objects * stride */
	int nid;			/* preferred node or NUMA_NO_NODE */
	bool kmalloc;			/* a general size class */
	unsigned long random;		/* freelist hardening key */
	struct edu_cache_node *node[MAX_NUMNODES];
	atomic_long_t next_slab_id;	/* written by the slow path only */
	atomic_long_t err[EDU_ERR_NR];
	struct list_head list;		/* edu_slab_caches: edu_slab_mutex */
	struct dentry *dir;
};

extern struct mutex edu_slab_mutex;
extern struct list_head edu_slab_caches;

#define edu_stat(c, item)	this_cpu_inc((c)->stats->n[item])

/* Red zones, poisoning or consistency checks: no fast path, state[]. */
static inline bool edu_cache_debug(const struct edu_cache *c)
{
	return c->flags & (EDU_CACHE_RED_ZONE | EDU_CACHE_POISON |
			   EDU_CACHE_CONSISTENCY);
}

static inline bool edu_cache_checks_ptrs(const struct edu_cache *c)
{
	return c->flags & (EDU_CACHE_HARDENED | EDU_CACHE_CONSISTENCY);
}

static inline void *edu_slab_obj(const struct edu_cache *c,
				 const struct edu_slab *s, unsigned int i)
{
	return (char *)s->base + (size_t)i * c->stride + c->obj_offset;
}

static inline unsigned int edu_slab_obj_index(const struct edu_cache *c,
					      const struct edu_slab *s,
					      const void *obj)
{
	return ((const char *)obj - (const char *)s->base) / c->stride;
}

static inline struct edu_cache_node *
edu_cache_node_of(struct edu_cache *c, const struct edu_slab *s)
{
	return c->node[s->nid];
}

/* slab.c */
struct edu_cache *edu_cache_create(const char *name, unsigned int size,
				   unsigned int align, unsigned int flags,
				   int nid, bool kmalloc);
int edu_cache_destroy(struct edu_cache *c);
void *edu_cache_alloc(struct edu_cache *c, int nid);
int edu_cache_home(struct edu_cache *c, int nid);
void edu_cache_free(struct edu_cache *c, void *obj);
void edu_slab_free_obj(struct edu_cache *c, struct edu_slab *s, void *obj);
struct edu_slab *edu_slab_of(const void *addr);
void edu_slab_chunk_changed(struct edu_node *n, unsigned int c, bool present);
int edu_slab_take(struct edu_cache *c, int nid, void **objs,
		  unsigned int want, int *got_nid);
void edu_slab_free_locked(struct edu_cache *c, struct edu_cache_node *n,
			  struct edu_slab *s, void *obj,
			  struct list_head *to_free);
void edu_slab_discard_list(struct edu_cache *c, struct list_head *to_free);
void edu_slab_put_objs(struct edu_cache *c, void **objs, unsigned int nr);
void edu_cache_shrink(struct edu_cache *c);
unsigned long edu_cache_live(struct edu_cache *c);
void edu_cache_stats_sum(struct edu_cache *c, unsigned long *sum);

/* slab_cpu.c */
void *edu_cpu_alloc(struct edu_cache *c, int nid);
bool edu_cpu_free(struct edu_cache *c, struct edu_slab *s, void *obj);
unsigned int edu_cpu_flush_all(struct edu_cache *c);
void edu_cpu_flush_dead(struct edu_cache *c, unsigned int cpu);
unsigned long edu_cpu_cached(struct edu_cache *c);
int edu_cpu_setup(struct edu_cache *c);

/* slab_debug.c */
void edu_debug_init_slot(struct edu_cache *c, void *obj);
void edu_debug_on_free(struct edu_cache *c, void *obj);
bool edu_debug_check_alloc(struct edu_cache *c, struct edu_slab *s,
			   void *obj);
bool edu_debug_check_free(struct edu_cache *c, struct edu_slab *s,
			  void *obj);
bool edu_debug_check_redzone(struct edu_cache *c, struct edu_slab *s,
			     void *obj, const char *when);
void edu_debug_report(struct edu_cache *c, struct edu_slab *s,
		      const void *obj, enum edu_slab_err kind,
		      const char *fmt, ...) __printf(5, 6);
void *edu_fp_get(const struct edu_cache *c, const void *obj);
void edu_fp_set(const struct edu_cache *c, void *obj, void *next);
bool edu_fp_valid(const struct edu_cache *c, const struct edu_slab *s,
		  const void *next);
void edu_debug_rebuild_freelist(struct edu_cache *c, struct edu_slab *s);
unsigned long edu_cache_validate(struct edu_cache *c);
int edu_debug_corrupt_check(struct edu_cache *c, unsigned int kind,
			    struct edu_cache *other);
void edu_debug_corrupt(struct edu_cache *c, void *obj, unsigned int kind,
		       struct edu_cache *other);
extern const char *const edu_slab_err_names[EDU_ERR_NR];

/* kmalloc.c */
void *edu_kmalloc(size_t size, int nid);
void edu_kfree(const void *ptr);
size_t edu_ksize(const void *ptr);
struct edu_cache *edu_kmalloc_cache(size_t size);
int edu_kmalloc_init(void);
void edu_kmalloc_exit(void);

/* slab_dev.c */
bool edu_cache_name_ok(const char *name);

/* slab_debugfs.c */
void edu_slab_debugfs_add(struct edu_cache *c);
void edu_slab_debugfs_del(struct edu_cache *c);
int edu_slab_debugfs_init(void);
void edu_slab_debugfs_exit(void);

#endif /* _EDU_SLAB_H */
