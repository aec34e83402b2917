/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What slab_test and slab_fuzz share: the slab layer (module/slab.c,
 * slab_cpu.c, slab_debug.c, kmalloc.c, compiled unchanged) on pools built
 * by harness.c the way module/pool.c builds them, a model of what the test
 * holds and expects, the operations, and the checks after each one.
 *
 * The model is the test's own record, written from the documented
 * behaviour (slab.h, the uapi header), never from the core's state: every
 * live object with the pattern written into it, per cache what was
 * allocated, freed, refused, reported and quarantined, and the kmalloc
 * size classes.  The checks hold the core's structures (slab lists,
 * freelists, magazines, debug state, statistics, the slab map, the buddy
 * pool under it) against that record and against each other.
 */
#ifndef _EDU_HOST_SLAB_HARNESS_H
#define _EDU_HOST_SLAB_HARNESS_H

#include "harness.h"
#include "pool.h"
#include "slab.h"

/* slab.c's set-up, declared in the kernel-only edualloc.h. */
int edu_slab_init(void);
void edu_slab_exit(void);

#define SM_NR_KMALLOC		13	/* kmalloc classes */
#define SM_MAX_USER		16	/* user caches alive at once */
#define SM_MAX_CACHES		(SM_NR_KMALLOC + SM_MAX_USER)

/* A cache as the test knows it. */
struct sm_cache {
	struct edu_cache *c;		/* NULL: unused slot */
	unsigned int size, align, flags;
	int nid;
	bool kmalloc;
	unsigned long live;		/* objects the test holds */
	unsigned long allocs, fails;	/* edu_cache_alloc() results */
	unsigned long frees;		/* frees past the pointer check */
	unsigned long err[EDU_ERR_NR];	/* errors reported so far */
	unsigned long quar;		/* objects quarantined so far */
	unsigned long pending_uaf;	/* free objects written, unreported */
	/*
	 * The magazines as slab_cpu.c documents them: frees of objects of
	 * the CPU's home node push, allocations for it pop (LIFO), a full
	 * magazine gives back its older half, a flush empties it.  Only a
	 * refill is not predicted: its objects are read back after it.
	 */
	void *mag[EDU_NR_CPUS][EDU_MAG_MAX];
	unsigned int mag_n[EDU_NR_CPUS];
	unsigned long fast_allocs, fast_frees, remote_frees, mag_flushes;
#define SM_MAX_UAF	8
	void *uaf_ptr[SM_MAX_UAF];	/* ... which, in which slab: */
	unsigned long uaf_slab[SM_MAX_UAF];	/* gone with it if freed */
};

/* An object (or a large kmalloc block) the test holds. */
struct sm_obj {
	void *ptr;
	struct sm_cache *mc;		/* NULL: a large kmalloc block */
	size_t size;			/* bytes it may use */
	int nid;			/* node of its slab */
	unsigned long stamp;		/* seeds its pattern */
	bool rz_damaged;		/* a red zone byte overwritten */
	bool rz_reported;		/* ... and found by validate */
};

enum sm_op_kind {
	SM_CREATE,	/* size, align, flags, nid */
	SM_DESTROY,	/* pick: a user cache */
	SM_ALLOC,	/* pick: any cache; count objects; nid */
	SM_FREE,	/* pick: an object; how: 1 edu_kfree(); count */
	SM_KMALLOC,	/* size; nid */
	SM_SHRINK,	/* pick: any cache */
	SM_VALIDATE,	/* pick: any cache */
	SM_CPU_DOWN,	/* pick: a CPU other than 0 */
	SM_CPU_UP,	/* pick: a CPU */
	SM_CORRUPT,	/* how: enum sm_corrupt; pick, pick2 */
	SM_NR_OPS,
};

enum sm_corrupt {
	SM_BAD_REDZONE,		/* write past either end of a live object */
	SM_BAD_UAF,		/* free an object, then write into it */
	SM_BAD_DOUBLE,		/* free an object of a debug cache twice */
	SM_BAD_WRONG_CACHE,	/* free an object to another cache */
	SM_BAD_PTR,		/* free a pointer into an object */
	SM_BAD_FOREIGN,		/* free a pointer not in any slab */
	SM_BAD_NR,
};

struct sm_op {
	enum sm_op_kind kind;
	int cpu;		/* the CPU it runs on (if offline: CPU 0) */
	int nid;		/* node or NUMA_NO_NODE */
	unsigned long pick, pick2;
	unsigned int size, align, flags, count, how;
	int fail_nth;		/* make the fail_nth-th allocation fail */
};

struct sm_world {
	struct sm_cache caches[SM_MAX_CACHES];	/* kmalloc classes first */
	struct sm_obj *objs;
	unsigned int nr_objs, max_objs;
	unsigned long steps;
	unsigned long stamp;		/* next object's */
	unsigned long full_every;	/* full content check every n steps */
	unsigned long nr_created;	/* caches, for names */
	bool slab_up;			/* edu_slab_init() done, no exit yet */
	/* What happened, to show the sequences reach the corners. */
	unsigned long t_allocs, t_fails, t_frees, t_large, t_ebusy;
	unsigned long t_destroyed, t_errors, t_hotplug, t_shrinks;
	unsigned long t_fast, t_slow, t_remote, t_flush, t_new, t_slab_free;
};

/*
 * Pools (as harness.c), then the slab layer on them; with sm_slow_lookup,
 * without slab.c's address table (its allocation fails), so that
 * edu_slab_of() takes its slow path through edu_pfn_to_idx().
 */
extern bool sm_slow_lookup;
extern unsigned long sm_pfn_lookups;	/* calls of edu_pfn_to_idx() */
void sm_cfg_default(struct model_cfg *cfg);
int sm_world_init(struct sm_world *w, const struct model_cfg *cfg,
		  unsigned int max_objs);
/* Frees what is left, destroys every cache; false if anything is off. */
bool sm_world_finish(struct sm_world *w);
void sm_world_destroy(struct sm_world *w);

/* One operation, then every check. */
bool sm_step(struct sm_world *w, const struct sm_op *op);
bool sm_check(struct sm_world *w, bool full);

/* Objects' patterns: a stamp per object, every byte derived from it. */
void sm_fill(void *p, size_t size, unsigned long stamp);
bool sm_pattern_ok(const void *p, size_t size, unsigned long stamp);

/* The kmalloc size class of @size as documented, 0 for none. */
unsigned int sm_kmalloc_class(size_t size);

/* A log line since line @since contains @what (else a failure). */
bool sm_log_has(unsigned long since, const char *what);

/* kmemleak's view: objects registered now; bad calls are failures. */
long host_kmemleak_count(void);

/* Pool index of an address in the pools, or NULL. */
struct edu_node *sm_addr_node(const void *p, unsigned long *idx);

/* Take the magazines' contents as they are (after threads). */
void sm_mag_resync(struct sm_world *w);

/* The test's cache for @c, or NULL. */
struct sm_cache *sm_cache_of(struct sm_world *w, struct edu_cache *c);

#endif /* _EDU_HOST_SLAB_HARNESS_H */
