/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * edualloc: a teaching memory manager (buddy + slab allocators, page-table
 * walker) driven through /dev/edualloc.
 *
 * ABI rules, as in lib/test_hmm_uapi.h: every field is a __u64 (or an array
 * of them) so the layout is the same for 32- and 64-bit callers, user
 * pointers travel as __u64, and every structure ends in reserved words that
 * must be zero on input (the module answers -EINVAL otherwise) so that later
 * ABI versions can give them meaning.
 *
 * Handles are opaque cookies from a per-open-file table.  They are never
 * kernel pointers; a handle of another file, a freed one or a forged one is
 * rejected with -EINVAL.  Closing the file frees everything it still owns
 * (a block still mmap()ed keeps the file open until it is unmapped).
 *
 * Physical frame numbers and kernel addresses are filled in only for openers
 * that had CAP_SYS_ADMIN when they opened the device (EDU_CAP_PFN in
 * edu_info.caps), exactly as /proc/PID/pagemap hides PFNs; otherwise they
 * read as zero.
 */
#ifndef _UAPI_LINUX_EDUALLOC_H
#define _UAPI_LINUX_EDUALLOC_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define EDU_ABI_VERSION		1
#define EDU_IOC_MAGIC		0xED

/* Orders 0..EDU_MAX_ORDER: blocks of 1..1024 pages, as MAX_ORDER-1 in 6.1. */
#define EDU_MAX_ORDER		10
#define EDU_NR_ORDERS		(EDU_MAX_ORDER + 1)

/* "No node given": use the calling CPU's node (numa_node_id()). */
#define EDU_NODE_LOCAL		((__u64)-1)

/* ---------------------------------------------------------------- core -- */

/* edu_info.caps */
#define EDU_CAP_PFN		(1ULL << 0)	/* opener may see PFNs/addresses */

struct edu_info {
	__u64 abi_version;	/* EDU_ABI_VERSION */
	__u64 nr_nodes;		/* online NUMA nodes */
	__u64 nr_cpus;		/* online CPUs */
	__u64 page_size;	/* bytes */
	__u64 nr_orders;	/* EDU_NR_ORDERS */
	__u64 caps;		/* EDU_CAP_* of this open file */
	__u64 pool_nodes;	/* bit n set: node n has a buddy pool */
	__u64 pool_pages;	/* pages in all pools */
	__u64 pgtable_levels;	/* 4 or 5: paging mode of the running kernel */
	__u64 reserved[7];
};

#define EDU_IOC_INFO		_IOR(EDU_IOC_MAGIC, 0x00, struct edu_info)

/* -------------------------------------------------------------- buddy -- */

/*
 * Blocks handed to a program are always cleared first, as every page the
 * kernel maps into a process is: no stale data of earlier users (or the
 * allocator's own free-list links) leaks through read or mmap.
 */

/* edu_page_alloc.flags (in) */
#define EDU_ALLOC_THISNODE	(1ULL << 0)	/* no NUMA fallback */
#define EDU_ALLOC_HIGH		(1ULL << 1)	/* may dip below the min mark */
#define EDU_ALLOC_NOPCP		(1ULL << 2)	/* bypass the per-CPU lists */
#define EDU_ALLOC_FLAGS		0x7ULL
/* edu_page_alloc.result_flags (out) */
#define EDU_RESULT_FALLBACK	(1ULL << 0)	/* came from another node */
#define EDU_RESULT_PCP		(1ULL << 1)	/* served by a per-CPU list */

struct edu_page_alloc {
	__u64 node;		/* in: node or EDU_NODE_LOCAL; out: node used */
	__u64 order;		/* in: 0..EDU_MAX_ORDER */
	__u64 flags;		/* in: EDU_ALLOC_* */
	__u64 handle;		/* out */
	__u64 pfn;		/* out: first frame (EDU_CAP_PFN only) */
	__u64 mmap_offset;	/* out: mmap() offset that maps this block;
				 * always handle << page shift, also for
				 * blocks allocated by a batch
				 */
	__u64 result_flags;	/* out: EDU_RESULT_* */
	__u64 reserved[5];
};

struct edu_handle_arg {
	__u64 handle;		/* in */
	__u64 reserved[3];
};

/*
 * Batch: a vector of operations run in order, stopping at the first error
 * unless EDU_BATCH_CONTINUE.  With EDU_BATCH_RANDOM the module generates the
 * operations itself from @seed (the generator is documented below so that a
 * program can replay it) and writes what it did into the vector, so a class
 * can rerun the very same fragmentation experiment.
 */
#define EDU_OP_ALLOC		1
#define EDU_OP_FREE		2

struct edu_page_op {
	__u64 op;		/* EDU_OP_*; out in random mode */
	__u64 node;		/* alloc: in node; out node used */
	__u64 order;		/* alloc: in */
	__u64 flags;		/* alloc: EDU_ALLOC_* */
	__u64 handle;		/* alloc: out; free: in */
	__u64 pfn;		/* alloc: out (EDU_CAP_PFN only) */
	__s64 result;		/* out: 0 or -errno */
	__u64 reserved;
};

#define EDU_BATCH_CONTINUE	(1ULL << 0)	/* go on after a failed op */
#define EDU_BATCH_RANDOM	(1ULL << 1)	/* generate ops from @seed */
#define EDU_BATCH_FLAGS		0x3ULL
#define EDU_BATCH_MAX		65536

/*
 * Random mode, step i: x = xorshift64(x) (x ^= x << 13; x ^= x >> 7;
 * x ^= x << 17; starting from @seed, or 1 when @seed is 0).  If no block of
 * this batch is live or (x >> 32) % 100 < @alloc_pct, allocate order
 * (x >> 8) % (@max_order + 1) on @node with @alloc_flags; otherwise free the
 * live block at index (x >> 16) % live of the batch's live list, whose last
 * entry then moves into the freed slot.  Blocks still live at the end stay
 * allocated and owned by the file.
 */
struct edu_page_batch {
	__u64 ops;		/* in: user pointer to struct edu_page_op[] */
	__u64 nr_ops;		/* in: 1..EDU_BATCH_MAX */
	__u64 flags;		/* in: EDU_BATCH_* */
	__u64 seed;		/* random mode */
	__u64 max_order;	/* random mode */
	__u64 alloc_pct;	/* random mode: 1..100 */
	__u64 node;		/* random mode */
	__u64 alloc_flags;	/* random mode */
	__u64 done;		/* out: ops carried out (failed ones included) */
	__u64 failed;		/* out: ops that failed */
	__u64 reserved[6];
};

/* Return every per-CPU list of one node (or all with EDU_NODE_LOCAL) to it. */
struct edu_drain_arg {
	__u64 node;		/* in: node, or EDU_NODE_LOCAL for all */
	__u64 drained;		/* out: pages returned */
	__u64 reserved[2];
};

/* Per-node figures, as shown by debugfs buddyinfo and stats. */
struct edu_node_stats {
	__u64 node;		/* in */
	__u64 nr_free[EDU_NR_ORDERS];	/* free blocks per order */
	__u64 pool_pages;	/* pages the node's pool holds */
	__u64 free_pages;	/* in free lists (pcp pages excluded) */
	__u64 pcp_pages;	/* sitting in per-CPU lists */
	__u64 wmark_min;	/* pages */
	__u64 wmark_low;
	__u64 wmark_high;
	__u64 allocs;		/* successful allocations (all orders) */
	__u64 frees;
	__u64 splits;
	__u64 merges;
	__u64 pcp_hits;
	__u64 pcp_refills;
	__u64 pcp_drains;
	__u64 fallbacks;	/* allocations served here for another node */
	__u64 failures;
	__u64 reserved[8];
};

#define EDU_IOC_PAGE_ALLOC	_IOWR(EDU_IOC_MAGIC, 0x10, struct edu_page_alloc)
#define EDU_IOC_PAGE_FREE	_IOW(EDU_IOC_MAGIC, 0x11, struct edu_handle_arg)
#define EDU_IOC_PAGE_BATCH	_IOWR(EDU_IOC_MAGIC, 0x12, struct edu_page_batch)
#define EDU_IOC_PCP_DRAIN	_IOWR(EDU_IOC_MAGIC, 0x13, struct edu_drain_arg)
#define EDU_IOC_NODE_STATS	_IOWR(EDU_IOC_MAGIC, 0x14, struct edu_node_stats)

/* --------------------------------------------------------------- slab -- */

/* edu_cache_create.flags */
#define EDU_CACHE_RED_ZONE	(1ULL << 0)	/* guard bytes around objects */
#define EDU_CACHE_POISON	(1ULL << 1)	/* fill free objects, check */
#define EDU_CACHE_CONSISTENCY	(1ULL << 2)	/* double/wrong-cache free */
#define EDU_CACHE_HARDENED	(1ULL << 3)	/* obfuscated freelist ptrs */
#define EDU_CACHE_DEBUG		0xfULL		/* all of the above */
#define EDU_CACHE_FLAGS		0xfULL

#define EDU_CACHE_NAME_LEN	32
#define EDU_OBJ_MAX_SIZE	(1ULL << 20)	/* larger: use the buddy */

struct edu_cache_create {
	char name[EDU_CACHE_NAME_LEN];	/* in: NUL-terminated, printable */
	__u64 size;		/* in: object size, 1..EDU_OBJ_MAX_SIZE */
	__u64 align;		/* in: 0 or a power of two <= page size */
	__u64 flags;		/* in: EDU_CACHE_* */
	__u64 node;		/* in: preferred node or EDU_NODE_LOCAL */
	__u64 cache_id;		/* out: handle of the cache */
	__u64 obj_stride;	/* out: bytes per slot, metadata included */
	__u64 objs_per_slab;	/* out */
	__u64 slab_order;	/* out */
	__u64 reserved[6];
};

/* Allocate from a cache (@cache_id) or, with @cache_id 0, kmalloc-style. */
struct edu_obj_alloc {
	__u64 cache_id;		/* in: cache handle, or 0 for kmalloc classes */
	__u64 size;		/* in: bytes, kmalloc mode only */
	__u64 node;		/* in: node or EDU_NODE_LOCAL */
	__u64 handle;		/* out */
	__u64 reserved[4];
};

struct edu_obj_batch {
	__u64 handles;		/* in: user pointer to __u64[] */
	__u64 nr;		/* in: 1..EDU_BATCH_MAX */
	__u64 op;		/* in: EDU_OP_ALLOC (fills handles) or _FREE */
	__u64 cache_id;		/* alloc: as edu_obj_alloc */
	__u64 size;		/* alloc: as edu_obj_alloc */
	__u64 done;		/* out */
	__u64 reserved[4];
};

struct edu_obj_rw {
	__u64 handle;		/* in */
	__u64 offset;		/* in: offset + len <= object size */
	__u64 len;		/* in */
	__u64 buf;		/* in: user pointer */
	__u64 reserved[4];
};

struct edu_obj_info {
	__u64 handle;		/* in */
	__u64 cache_id;		/* out: 0 for a kmalloc class */
	__u64 size;		/* out: usable bytes */
	__u64 node;		/* out: node of the slab */
	__u64 slab_pfn;		/* out: first frame of the slab (EDU_CAP_PFN) */
	__u64 offset;		/* out: byte offset of the object in its slab */
	__u64 addr;		/* out: kernel address (EDU_CAP_PFN) */
	__u64 slab_id;		/* out: stable number of the slab, per cache */
	__u64 reserved[4];
};

/*
 * Deliberate damage to an object of a debug cache of edualloc's own, so the
 * checks can be watched at work.  The cache needs the flag in brackets.
 * Kinds marked "frees" consume the handle; the others leave the object
 * allocated and owned.  Detection happens at the object's next free or
 * allocation, or at once by writing to debugfs slab/<cache>/validate.
 */
#define EDU_CORRUPT_REDZONE	1	/* write one byte past the object [RED_ZONE] */
#define EDU_CORRUPT_USE_AFTER_FREE 2	/* frees, then writes into it [POISON] */
#define EDU_CORRUPT_DOUBLE_FREE	3	/* frees it twice [CONSISTENCY] */
#define EDU_CORRUPT_WRONG_CACHE	4	/* frees it to @cache_id [CONSISTENCY] */
#define EDU_CORRUPT_FREELIST	5	/* frees, then damages its freelist
					 * pointer [debug + HARDENED or
					 * CONSISTENCY]
					 */

struct edu_corrupt_arg {
	__u64 handle;		/* in: object of a cache with checks */
	__u64 kind;		/* in: EDU_CORRUPT_* */
	__u64 cache_id;		/* in: EDU_CORRUPT_WRONG_CACHE: another
				 * cache of this file; else 0
				 */
	__u64 reserved[1];
};

#define EDU_IOC_CACHE_CREATE	_IOWR(EDU_IOC_MAGIC, 0x30, struct edu_cache_create)
#define EDU_IOC_CACHE_DESTROY	_IOW(EDU_IOC_MAGIC, 0x31, struct edu_handle_arg)
#define EDU_IOC_OBJ_ALLOC	_IOWR(EDU_IOC_MAGIC, 0x32, struct edu_obj_alloc)
#define EDU_IOC_OBJ_FREE	_IOW(EDU_IOC_MAGIC, 0x33, struct edu_handle_arg)
#define EDU_IOC_OBJ_BATCH	_IOWR(EDU_IOC_MAGIC, 0x34, struct edu_obj_batch)
#define EDU_IOC_OBJ_READ	_IOW(EDU_IOC_MAGIC, 0x35, struct edu_obj_rw)
#define EDU_IOC_OBJ_WRITE	_IOW(EDU_IOC_MAGIC, 0x36, struct edu_obj_rw)
#define EDU_IOC_OBJ_INFO	_IOWR(EDU_IOC_MAGIC, 0x37, struct edu_obj_info)
#define EDU_IOC_OBJ_CORRUPT	_IOW(EDU_IOC_MAGIC, 0x38, struct edu_corrupt_arg)

/* ------------------------------------------------- page-table walker -- */
/* (ioctl numbers 0x50..0x6f) */

/* ------------------------------------------------------------- bench -- */

/*
 * In-kernel benchmarks: one kthread per CPU of @cpus, bound to it, all
 * released together; each runs @iterations operations per repetition.  The
 * same workload runs on edualloc or on the kernel's own allocator
 * (@impl), so the two can be compared side by side in one VM run.
 * An "op" is one allocation and its free.
 */
#define EDU_BENCH_PAGE_REPEAT	1	/* alloc+free of one block, order @size */
#define EDU_BENCH_PAGE_BULK	2	/* @batch allocs, then @batch frees */
#define EDU_BENCH_SLAB_REPEAT	3	/* one object of @size bytes */
#define EDU_BENCH_SLAB_BULK	4
#define EDU_BENCH_SLAB_RANDOM	5	/* random allocs/frees, <= @batch live */
#define EDU_BENCH_KMALLOC_REPEAT 6	/* kmalloc-style, @size bytes */
#define EDU_BENCH_CROSS_CPU	7	/* pairs: even CPU allocs, odd CPU frees */
#define EDU_BENCH_NR		8

#define EDU_BENCH_EDUALLOC	0
#define EDU_BENCH_KERNEL	1

#define EDU_BENCH_MAX_ITER	(1ULL << 24)
#define EDU_BENCH_MAX_REPEATS	64
#define EDU_BENCH_MAX_BATCH	4096

struct edu_bench {
	__u64 workload;		/* in: EDU_BENCH_* */
	__u64 impl;		/* in: EDU_BENCH_EDUALLOC or _KERNEL */
	__u64 cpus;		/* in: mask of online CPUs (bit n: CPU n) */
	__u64 iterations;	/* in: ops per CPU per repetition */
	__u64 repeats;		/* in: 1..EDU_BENCH_MAX_REPEATS */
	__u64 size;		/* in: order (page workloads) or bytes */
	__u64 batch;		/* in: bulk/random: 1..EDU_BENCH_MAX_BATCH */
	__u64 nr_cpus;		/* out: threads that ran */
	__u64 ps_per_op_min;	/* out: per-CPU time per op, picoseconds, */
	__u64 ps_per_op_median;	/*      over the repetitions */
	__u64 ps_per_op_max;
	__u64 ops_per_sec;	/* out: aggregate, median repetition */
	__u64 cycles_per_op;	/* out: TSC cycles per op, median */
	__u64 reserved[5];
};

#define EDU_IOC_BENCH		_IOWR(EDU_IOC_MAGIC, 0x70, struct edu_bench)

#endif /* _UAPI_LINUX_EDUALLOC_H */
