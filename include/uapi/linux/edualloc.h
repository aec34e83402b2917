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
 * (a block still mmap()ed keeps the file open until it is unmapped).  One
 * open file holds at most max_handles handles, max_caches of them caches
 * (module parameters); past that, calls that make one fail with -ENOSPC.
 * When the pools run out, an allocation fails with -ENOMEM, after the
 * per-CPU lists have been drained and the request tried once more.
 *
 * Physical frame numbers and kernel addresses are filled in only for openers
 * that had CAP_SYS_ADMIN when they opened the device (EDU_CAP_PFN in
 * edu_info.caps), exactly as /proc/PID/pagemap hides PFNs; otherwise they
 * read as zero.
 *
 * Arrays travel as a user pointer and a count (EDU_IOC_VMA_LIST: @vmas,
 * @max).  Their elements, and the structures embedded in others, end in
 * reserved words too; in one the module only writes, it writes them as zero.
 * Sets of nodes or CPUs are bitmaps of __u64 words at a user pointer with
 * their length in bits, as get_mempolicy()'s nmask and maxnode: member n is
 * bit n % 64 of word n / 64, so a set is not capped at 64 members.  Bits of
 * the last word past the length are not part of the set: ignored on input,
 * zero on output.
 */
#ifndef _UAPI_LINUX_EDUALLOC_H
#define _UAPI_LINUX_EDUALLOC_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * 2: node and CPU sets became bitmaps at user pointers (edu_info,
 * edu_bench) and EDU_IOC_INFO _IOWR; edu_walk_level, edu_walk_page and
 * edu_region gained reserved words.
 * 3: areas, fault-driven mappings (EDU_IOC_NR_AREA); nothing else changed.
 * 4: area pages are reclaimed to swap and read back (major faults); an area
 * may be larger than the pools, up to pools plus swap; edu_area_info
 * reports swapped pages and a page's state (three reserved words less).
 * 5: the walker explains the pages of areas: edu_walk_page.area (a reserved
 * word less), and an area page in edualloc's swap is EDU_WALK_SWAPPED with
 * @swap_type EDU_SWAP_TYPE_EDUALLOC.
 * 6: file-backed areas (EDU_AREA_FILE) with dirty tracking and writeback;
 * edu_area_info reports dirty and written pages (two words more) and
 * EDU_AREA_LRU_DIRTY / _WRITEBACK; the walker's EDU_WALK_AREA_FILE,
 * _DIRTY, _WRITEBACK.
 */
#define EDU_ABI_VERSION		6
#define EDU_IOC_MAGIC		0xED

/*
 * ioctl numbers, by subsystem: each range runs from its base to the next
 * one's.  A number of no range, or unused in its range, is -ENOTTY.
 */
#define EDU_IOC_NR_CORE		0x00	/* the device itself: 0x00-0x0f */
#define EDU_IOC_NR_BUDDY	0x10	/* the buddy allocator: 0x10-0x2f */
#define EDU_IOC_NR_SLAB		0x30	/* the slab allocator: 0x30-0x4f */
#define EDU_IOC_NR_WALK		0x50	/* the page-table walker: 0x50-0x6f */
#define EDU_IOC_NR_BENCH	0x70	/* benchmarks: 0x70-0x7f */
#define EDU_IOC_NR_AREA		0x80	/* areas (virtual memory): 0x80-0x8f */
#define EDU_IOC_NR_END		0x90	/* the first number past them */

/* Node and CPU sets: the words a set of @bits bits takes, the largest set */
#define EDU_MASK_WORDS(bits)	(((bits) + 63) / 64)
#define EDU_MASK_MAX_BITS	65536

/* Orders 0..EDU_MAX_ORDER: blocks of 1..1024 pages, as MAX_ORDER-1 in 6.1. */
#define EDU_MAX_ORDER		10
#define EDU_NR_ORDERS		(EDU_MAX_ORDER + 1)

/* "No node given": use the calling CPU's node (numa_node_id()). */
#define EDU_NODE_LOCAL		((__u64)-1)

/* ---------------------------------------------------------------- core -- */

/* edu_info.caps */
#define EDU_CAP_PFN		_BITULL(0)	/* opener may see PFNs/addresses */

/*
 * The module's facts, and the set of nodes with a buddy pool.  The inputs
 * are @pool_node_mask and @pool_node_bits (the other fields, reserved words
 * aside, are ignored: one structure may be passed again).  Both 0: no set
 * is written, and @node_ids says how many bits one needs.  Otherwise
 * @pool_node_bits must be 1..EDU_MASK_MAX_BITS (else -EINVAL) and at least
 * @node_ids: a smaller set is -E2BIG, with the rest of the structure filled
 * in all the same, so that @node_ids tells the size to retry with.  The
 * whole set is written, bits past the nodes as zero; if the module cannot
 * write all of it, -EFAULT.
 */
struct edu_info {
	__u64 abi_version;	/* out: EDU_ABI_VERSION */
	__u64 nr_nodes;		/* out: online NUMA nodes */
	__u64 nr_cpus;		/* out: online CPUs */
	__u64 page_size;	/* out: bytes */
	__u64 nr_orders;	/* out: EDU_NR_ORDERS */
	__u64 caps;		/* out: EDU_CAP_* of this open file */
	__u64 pool_node_mask;	/* in: user pointer to a node set, or 0;
				 * out there: member n: node n has a pool
				 */
	__u64 pool_node_bits;	/* in: bits of that set, 0 with no pointer */
	__u64 pool_pages;	/* out: pages in all pools now (the shrinker
				 * may give chunks back: pool_mb is a cap)
				 */
	__u64 pgtable_levels;	/* out: 4 or 5: the kernel's paging mode */
	__u64 node_ids;		/* out: node numbers are below this: the bits
				 * a node set needs (the kernel's nr_node_ids)
				 */
	__u64 cpu_ids;		/* out: CPU numbers are below this: the bits a
				 * CPU set may use (the kernel's nr_cpu_ids)
				 */
	__u64 reserved[4];
};

#define EDU_IOC_INFO		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_CORE + 0x00, \
				      struct edu_info)

/* -------------------------------------------------------------- buddy -- */

/*
 * Blocks handed to a program are always cleared first, as every page the
 * kernel maps into a process is: no stale data of earlier users (or the
 * allocator's own free-list links) leaks through read or mmap.
 */

/* edu_page_alloc.flags (in) */
#define EDU_ALLOC_THISNODE	_BITULL(0)	/* no NUMA fallback */
#define EDU_ALLOC_HIGH		_BITULL(1)	/* may dip below the min mark */
#define EDU_ALLOC_NOPCP		_BITULL(2)	/* bypass the per-CPU lists */
#define EDU_ALLOC_FLAGS		0x7ULL
/* edu_page_alloc.result_flags (out) */
#define EDU_RESULT_FALLBACK	_BITULL(0)	/* came from another node */
#define EDU_RESULT_PCP		_BITULL(1)	/* served by a per-CPU list */

struct edu_page_alloc {
	__u64 node;		/* in: node or EDU_NODE_LOCAL; out: node used */
	__u64 order;		/* in: 0..EDU_MAX_ORDER */
	__u64 flags;		/* in: EDU_ALLOC_* */
	__u64 handle;		/* out */
	__u64 pfn;		/* out: first frame (EDU_CAP_PFN only) */
	__u64 mmap_offset;	/* out: mmap() offset that maps this block
				 * (MAP_SHARED only: -EINVAL for private);
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
 * can rerun the very same fragmentation experiment.  A fatal signal stops a
 * batch between two operations (EINTR); those done stay done (@done).
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

#define EDU_BATCH_CONTINUE	_BITULL(0)	/* go on after a failed op */
#define EDU_BATCH_RANDOM	_BITULL(1)	/* generate ops from @seed */
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
	__u64 pool_pages;	/* pages the node's pool holds now; its
				 * cap: debugfs nodeN/stats pool_cap_pages
				 */
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
	__u64 drain_retries;	/* retried after draining per-CPU lists */
	__u64 reserved[7];
};

#define EDU_IOC_PAGE_ALLOC	_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_BUDDY + 0x00, \
				      struct edu_page_alloc)
#define EDU_IOC_PAGE_FREE	_IOW(EDU_IOC_MAGIC, EDU_IOC_NR_BUDDY + 0x01, \
				     struct edu_handle_arg)
#define EDU_IOC_PAGE_BATCH	_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_BUDDY + 0x02, \
				      struct edu_page_batch)
#define EDU_IOC_PCP_DRAIN	_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_BUDDY + 0x03, \
				      struct edu_drain_arg)
#define EDU_IOC_NODE_STATS	_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_BUDDY + 0x04, \
				      struct edu_node_stats)

/* --------------------------------------------------------------- slab -- */

/* edu_cache_create.flags */
#define EDU_CACHE_RED_ZONE	_BITULL(0)	/* guard bytes around objects */
#define EDU_CACHE_POISON	_BITULL(1)	/* fill free objects, check */
#define EDU_CACHE_CONSISTENCY	_BITULL(2)	/* double/wrong-cache free */
#define EDU_CACHE_HARDENED	_BITULL(3)	/* obfuscated freelist ptrs */
#define EDU_CACHE_DEBUG		0xfULL		/* all of the above */
#define EDU_CACHE_FLAGS		0xfULL

#define EDU_CACHE_NAME_LEN	32
#define EDU_OBJ_MAX_SIZE	_BITULL(20)	/* larger: use the buddy */

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
	__u64 done;		/* out; a fatal signal stops early: EINTR */
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

#define EDU_IOC_CACHE_CREATE	_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_SLAB + 0x00, \
				      struct edu_cache_create)
#define EDU_IOC_CACHE_DESTROY	_IOW(EDU_IOC_MAGIC, EDU_IOC_NR_SLAB + 0x01, \
				     struct edu_handle_arg)
#define EDU_IOC_OBJ_ALLOC	_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_SLAB + 0x02, \
				      struct edu_obj_alloc)
#define EDU_IOC_OBJ_FREE	_IOW(EDU_IOC_MAGIC, EDU_IOC_NR_SLAB + 0x03, \
				     struct edu_handle_arg)
#define EDU_IOC_OBJ_BATCH	_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_SLAB + 0x04, \
				      struct edu_obj_batch)
#define EDU_IOC_OBJ_READ	_IOW(EDU_IOC_MAGIC, EDU_IOC_NR_SLAB + 0x05, \
				     struct edu_obj_rw)
#define EDU_IOC_OBJ_WRITE	_IOW(EDU_IOC_MAGIC, EDU_IOC_NR_SLAB + 0x06, \
				     struct edu_obj_rw)
#define EDU_IOC_OBJ_INFO	_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_SLAB + 0x07, \
				      struct edu_obj_info)
#define EDU_IOC_OBJ_CORRUPT	_IOW(EDU_IOC_MAGIC, EDU_IOC_NR_SLAB + 0x08, \
				     struct edu_corrupt_arg)

/* ------------------------------------------------- page-table walker -- */
/* (ioctl numbers from EDU_IOC_NR_WALK) */

/*
 * The walker follows a virtual address down the page tables by hand, the way
 * the MMU does: PGD -> P4D -> PUD -> PMD -> PTE.  With 4-level paging the P4D
 * level is folded into the PGD (its entry reads EDU_ENTRY_FOLDED).
 *
 * Targets: @pid 0 is the caller; another process only if the caller could
 * read it with ptrace (PTRACE_MODE_READ_FSCREDS, as /proc/PID/maps), else
 * -EACCES; a PID that does not exist (or has no user memory) is -ESRCH; an
 * address at or above the end of the target's user space is -EINVAL.
 * Frame numbers, swap offsets, raw frame bits and kernel addresses read as
 * zero without EDU_CAP_PFN.  Each answer is a snapshot: the tables may change
 * as soon as the call returns.
 */

/* Indexes of edu_walk.level[], top-down, and values of edu_walk_page.level */
#define EDU_LVL_PGD		0
#define EDU_LVL_P4D		1
#define EDU_LVL_PUD		2
#define EDU_LVL_PMD		3
#define EDU_LVL_PTE		4
#define EDU_NR_LEVELS		5
#define EDU_LVL_NONE		5	/* no table was read (EDU_WALK_NO_VMA) */

/* edu_walk_level.state: what the entry at this level is */
#define EDU_ENTRY_UNUSED	0	/* the walk stopped above this level */
#define EDU_ENTRY_NONE		1	/* empty: nothing mapped below */
#define EDU_ENTRY_TABLE		2	/* points to the next-level table */
#define EDU_ENTRY_LEAF		3	/* maps a page (a huge one above PTE) */
#define EDU_ENTRY_NOT_PRESENT	4	/* swap, migration or other entry */
#define EDU_ENTRY_PROT_NONE	5	/* maps a page, but not accessible */
#define EDU_ENTRY_BAD		6	/* corrupt: pXd_bad() says so */
#define EDU_ENTRY_FOLDED	7	/* P4D with 4-level paging */

/* Decoded bits of an entry: edu_walk_level.flags, edu_walk_page.flags */
#define EDU_PTE_PRESENT		_BITULL(0)	/* the MMU may use it */
#define EDU_PTE_WRITE		_BITULL(1)
#define EDU_PTE_USER		_BITULL(2)	/* user mode may access */
#define EDU_PTE_PWT		_BITULL(3)	/* write-through */
#define EDU_PTE_PCD		_BITULL(4)	/* cache disabled */
#define EDU_PTE_ACCESSED	_BITULL(5)	/* set by the MMU on use */
#define EDU_PTE_DIRTY		_BITULL(6)	/* set by the MMU on write */
#define EDU_PTE_HUGE		_BITULL(7)	/* PSE: a 2 MiB/1 GiB leaf */
#define EDU_PTE_GLOBAL		_BITULL(8)	/* kept in the TLB across CR3 */
#define EDU_PTE_PAT		_BITULL(9)	/* PAT memory-type bit */
#define EDU_PTE_NX		_BITULL(10)	/* no execute */
#define EDU_PTE_SOFT_DIRTY	_BITULL(11)	/* written since clear_refs */
#define EDU_PTE_SPECIAL		_BITULL(12)	/* PFN map: no struct page use */
#define EDU_PTE_PROT_NONE	_BITULL(13)	/* PROT_NONE: present clear */
#define EDU_PTE_UFFD_WP		_BITULL(14)	/* userfaultfd write-protect */
#define EDU_PTE_DEVMAP		_BITULL(15)	/* device (ZONE_DEVICE) memory */
#define EDU_PTE_PKEY_SHIFT	32		/* protection key, 4 bits */
#define EDU_PTE_PKEY(flags)	(((flags) >> EDU_PTE_PKEY_SHIFT) & 0xf)

struct edu_walk_level {
	__u64 state;		/* EDU_ENTRY_* */
	__u64 index;		/* of the entry in its table: address bits */
	__u64 entry;		/* raw value (frame bits need EDU_CAP_PFN) */
	__u64 flags;		/* EDU_PTE_* decoded from @entry */
	__u64 table_pfn;	/* frame of the table read (EDU_CAP_PFN) */
	__u64 next_pfn;		/* frame it points to: table or page */
	__u64 reserved[2];	/* out: zero */
};

/* edu_walk_page.result: where the walk ended, and why */
#define EDU_WALK_NO_VMA		1	/* no VMA: the address is not mapped */
#define EDU_WALK_NOT_PRESENT	2	/* empty entry at @level: not touched */
#define EDU_WALK_PTE		3	/* a 4 KiB page mapped by a PTE */
#define EDU_WALK_PMD_LEAF	4	/* in a 2 MiB page mapped by the PMD */
#define EDU_WALK_PUD_LEAF	5	/* in a 1 GiB page mapped by the PUD */
#define EDU_WALK_PROT_NONE	6	/* in memory, made PROT_NONE: no access */
#define EDU_WALK_NUMA_HINT	7	/* PROT_NONE entry of NUMA balancing */
#define EDU_WALK_SWAPPED	8	/* in swap: @swap_type, @swap_offset */
#define EDU_WALK_MIGRATING	9	/* being moved to another frame */
#define EDU_WALK_OTHER		10	/* other non-present entry */
#define EDU_WALK_BAD		11	/* corrupt entry at @level */

/* edu_walk_page.kind: what the frame is */
#define EDU_PAGE_NONE		0	/* no frame */
#define EDU_PAGE_ANON		1	/* anonymous memory */
#define EDU_PAGE_FILE		2	/* page cache (files, tmpfs, shm) */
#define EDU_PAGE_ZERO		3	/* the shared zero page */
#define EDU_PAGE_HUGE_ZERO	4	/* the shared huge zero page */
#define EDU_PAGE_SPECIAL	5	/* PFN map without a struct page in use */
#define EDU_PAGE_POOL		6	/* a frame of an edualloc pool */
#define EDU_PAGE_KERNEL		7	/* kernel memory (EDU_IOC_KWALK) */
#define EDU_PAGE_OTHER		8	/* a page with no owner we know of */

/* "No node": edu_walk_page.nid of a frame that has no struct page */
#define EDU_NODE_NONE		((__u64)-1)

/* One page: the result of EDU_IOC_WALK, an element of EDU_IOC_WALK_RANGE */
struct edu_walk_page {
	__u64 addr;		/* virtual address of the page */
	__u64 result;		/* EDU_WALK_* */
	__u64 level;		/* EDU_LVL_* of the entry that decided it */
	__u64 flags;		/* EDU_PTE_* of that entry */
	__u64 pfn;		/* the frame, if in memory (EDU_CAP_PFN) */
	__u64 kind;		/* EDU_PAGE_* */
	__u64 nid;		/* NUMA node of the frame, or EDU_NODE_NONE */
	__u64 mapcount;		/* page tables mapping the frame, if known */
	__u64 swap_type;	/* EDU_WALK_SWAPPED: swap area (EDU_CAP_PFN) */
	__u64 swap_offset;	/* and slot in it (EDU_CAP_PFN) */
	__u64 area;		/* EDU_WALK_AREA_*: 0 outside an area */
	__u64 reserved[1];	/* out: zero */
};

/* edu_walk_page.swap_type of an area page in edualloc's own swap */
#define EDU_SWAP_TYPE_EDUALLOC	0xed	/* above any MAX_SWAPFILES */

/*
 * edu_walk_page.area: the page of an edualloc area (EDU_IOC_AREA_CREATE)
 * the address falls in, as the area sees it, whether or not this process
 * maps it: a snapshot, taken without the area's lock.
 */
#define EDU_WALK_AREA		_BITULL(0)	/* in an area */
#define EDU_WALK_AREA_PRESENT	_BITULL(1)	/* in a frame of a pool */
#define EDU_WALK_AREA_SWAPPED	_BITULL(2)	/* in edualloc's swap */
#define EDU_WALK_AREA_LRU	_BITULL(3)	/* present: on the LRU lists */
#define EDU_WALK_AREA_ACTIVE	_BITULL(4)	/* ... the active one */
#define EDU_WALK_AREA_REFERENCED _BITULL(5)	/* ... seen used once */
#define EDU_WALK_AREA_FILE	_BITULL(6)	/* the area is a file's */
#define EDU_WALK_AREA_DIRTY	_BITULL(7)	/* present, written since its
						 * last writeback
						 */
#define EDU_WALK_AREA_WRITEBACK	_BITULL(8)	/* being written to the file */

/* Translate one address, showing every level. */
struct edu_walk {
	__u64 pid;		/* in: 0 = the caller */
	__u64 addr;		/* in: user virtual address */
	__u64 levels;		/* out: 4 or 5 */
	__u64 vm_start;		/* out: the VMA holding @addr (0 if none) */
	__u64 vm_end;
	__u64 vm_class;		/* out: EDU_VMA_CLASS_* */
	__u64 phys;		/* out: physical address of @addr (EDU_CAP_PFN) */
	__u64 effective;	/* out: EDU_PTE_* the MMU allows, all levels */
	struct edu_walk_level level[EDU_NR_LEVELS];	/* out */
	struct edu_walk_page page;			/* out */
	__u64 reserved[8];
};

#define EDU_WALK_RANGE_MAX	65536	/* pages per call */

/*
 * Translate [@start, @start + @len) page by page into @pages.  At most @max
 * pages are done per call; @next says where to go on (0: all done).
 */
struct edu_walk_range {
	__u64 pid;		/* in: 0 = the caller */
	__u64 start;		/* in: rounded down to a page */
	__u64 len;		/* in: bytes, > 0, within user space */
	__u64 pages;		/* in: user pointer to edu_walk_page[@max] */
	__u64 max;		/* in: 1..EDU_WALK_RANGE_MAX */
	__u64 nr;		/* out: pages written, from @start on */
	__u64 next;		/* out: address to go on from, 0 when done */
	__u64 resident;		/* out: of @nr, pages in memory */
	__u64 huge;		/* out: of those, in 2 MiB/1 GiB leaves */
	__u64 swapped;		/* out: of @nr, pages in swap */
	__u64 reserved[6];
};

/* edu_vma.class: what the area is used for */
#define EDU_VMA_CLASS_NONE	0	/* (no VMA) */
#define EDU_VMA_CLASS_ANON	1	/* anonymous memory (mmap, malloc) */
#define EDU_VMA_CLASS_TEXT	2	/* code of a program or library */
#define EDU_VMA_CLASS_RODATA	3	/* read-only data, headers of one */
#define EDU_VMA_CLASS_DATA	4	/* initialised writable data of one */
#define EDU_VMA_CLASS_BSS	5	/* zero-initialised data after it */
#define EDU_VMA_CLASS_HEAP	6	/* the brk() heap */
#define EDU_VMA_CLASS_STACK	7	/* the main thread's stack */
#define EDU_VMA_CLASS_FILE	8	/* another file mapping */
#define EDU_VMA_CLASS_VDSO	9	/* vdso/vvar, provided by the kernel */
#define EDU_VMA_CLASS_SPECIAL	10	/* PFN/IO map, e.g. an edualloc block */

/* edu_vma.prot, as the "rwxs" column of /proc/PID/maps */
#define EDU_VMA_READ		_BITULL(0)
#define EDU_VMA_WRITE		_BITULL(1)
#define EDU_VMA_EXEC		_BITULL(2)
#define EDU_VMA_SHARED		_BITULL(3)	/* 's', else 'p' */

/* edu_vma.flags */
#define EDU_VMA_NAME_TRUNC	_BITULL(0)	/* @name was cut short */
#define EDU_VMA_HUGETLB		_BITULL(1)	/* hugetlbfs pages */
#define EDU_VMA_PFNMAP		_BITULL(2)	/* frames without struct page */
#define EDU_VMA_LOCKED		_BITULL(3)	/* mlock()ed */

#define EDU_VMA_NAME_LEN	256
#define EDU_VMA_MAX		4096	/* VMAs per call */

struct edu_vma {
	__u64 start;		/* first address */
	__u64 end;		/* first address after it */
	__u64 prot;		/* EDU_VMA_READ... */
	__u64 offset;		/* bytes into the file (0 if anonymous) */
	__u64 dev_major;	/* device and inode of the file, or 0 */
	__u64 dev_minor;
	__u64 inode;
	__u64 class;		/* EDU_VMA_CLASS_* */
	__u64 flags;		/* EDU_VMA_* flags */
	__u64 resident;		/* pages in memory */
	__u64 huge;		/* of those, in 2 MiB/1 GiB leaves */
	__u64 swapped;		/* pages in swap */
	char name[EDU_VMA_NAME_LEN];	/* as /proc/PID/maps: path, [heap]... */
	__u64 reserved[4];	/* zero */
};

/* List the VMAs of a process, as /proc/PID/maps, @max at a time. */
struct edu_vma_list {
	__u64 pid;		/* in: 0 = the caller */
	__u64 start;		/* in: VMAs ending above this address */
	__u64 vmas;		/* in: user pointer to edu_vma[@max] */
	__u64 max;		/* in: 1..EDU_VMA_MAX */
	__u64 nr;		/* out: VMAs written */
	__u64 next;		/* out: @start of the next call, 0 when done */
	__u64 reserved[6];
};

/* The kernel's address-space layout: edu_layout.region[] */
#define EDU_REGION_USER		0	/* user space: 0..TASK_SIZE */
#define EDU_REGION_DIRECT_MAP	1	/* all RAM, at PAGE_OFFSET */
#define EDU_REGION_VMALLOC	2	/* vmalloc/ioremap area */
#define EDU_REGION_VMEMMAP	3	/* the struct page array (used part) */
#define EDU_REGION_CPU_ENTRY	4	/* cpu_entry_area */
#define EDU_REGION_ESPFIX	5	/* %esp fixup stacks */
#define EDU_REGION_EFI		6	/* EFI runtime services */
#define EDU_REGION_KERNEL_IMAGE	7	/* the window the kernel image is in */
#define EDU_REGION_KERNEL_TEXT	8	/* kernel code, found in the tables */
#define EDU_REGION_MODULES	9	/* module mapping space */
#define EDU_REGION_THIS_MODULE	10	/* edualloc's own code and data */
#define EDU_REGION_FIXMAP	11	/* fixed mappings */
#define EDU_REGION_LDT_REMAP	12	/* LDT remap for PTI */
#define EDU_NR_REGIONS		13
#define EDU_REGION_SLOTS	24

struct edu_region {
	__u64 start;		/* first address; both 0: hidden/absent */
	__u64 end;		/* first address after it */
	__u64 reserved[2];	/* out: zero */
};

struct edu_layout {
	__u64 levels;		/* 4 or 5 */
	__u64 nr_regions;	/* EDU_NR_REGIONS */
	struct edu_region region[EDU_REGION_SLOTS];	/* kernel: EDU_CAP_PFN */
	__u64 reserved[8];
};

/* edu_pfn_info.flags: what the kernel's struct page says of a frame */
#define EDU_FRAME_VALID		_BITULL(0)	/* has a struct page */
#define EDU_FRAME_ONLINE	_BITULL(1)	/* online RAM */
#define EDU_FRAME_RESERVED	_BITULL(2)	/* reserved (firmware, kernel) */
#define EDU_FRAME_BUDDY		_BITULL(3)	/* free in the kernel's buddy */
#define EDU_FRAME_SLAB		_BITULL(4)	/* holds kernel slab objects */
#define EDU_FRAME_PGTABLE	_BITULL(5)	/* a page table */
#define EDU_FRAME_ANON		_BITULL(6)	/* anonymous user memory */
#define EDU_FRAME_FILE		_BITULL(7)	/* page cache */
#define EDU_FRAME_LRU		_BITULL(8)	/* on an LRU list (reclaimable) */
#define EDU_FRAME_COMPOUND	_BITULL(9)	/* part of a huge/compound page */
#define EDU_FRAME_ZERO		_BITULL(10)	/* the zero page */
#define EDU_FRAME_POOL		_BITULL(11)	/* in an edualloc pool */

/* edu_pfn_info.pool_state */
#define EDU_POOL_NONE		0	/* not one of ours */
#define EDU_POOL_FREE		1	/* in a buddy free list */
#define EDU_POOL_ALLOCATED	2	/* in an allocated block */
#define EDU_POOL_PCP		3	/* in a per-CPU list */
#define EDU_POOL_SLAB		4	/* in a block of the slab allocator */

/* Explain a frame (EDU_CAP_PFN only: else -EPERM). */
struct edu_pfn_info {
	__u64 pfn;		/* in */
	__u64 flags;		/* out: EDU_FRAME_* */
	__u64 nid;		/* out: node, or EDU_NODE_NONE */
	__u64 refcount;		/* out: page_count() */
	__u64 mapcount;		/* out: page tables mapping it */
	__u64 order;		/* out: of its compound or free buddy block */
	__u64 pool_state;	/* out: EDU_POOL_* */
	__u64 pool_node;	/* out: node of the pool */
	__u64 pool_block_pfn;	/* out: first frame of its block */
	__u64 pool_order;	/* out: order of that block */
	__u64 reserved[10];
};

/*
 * kmalloc versus vmalloc: at load the module takes EDU_KBUF_PAGES pages with
 * each and walks the kernel's own tables for them (EDU_CAP_PFN only).
 * kmalloc memory lies in the direct map, so its physical address is
 * va - PAGE_OFFSET (virt_to_phys()); vmalloc memory is any free frames,
 * mapped one by one in the vmalloc area (vmalloc_to_pfn()).
 */
#define EDU_KBUF_KMALLOC	1
#define EDU_KBUF_VMALLOC	2
#define EDU_KBUF_PAGES		4

struct edu_kwalk {
	__u64 which;		/* in: EDU_KBUF_* */
	__u64 offset;		/* in: byte offset into the buffer */
	__u64 size;		/* out: size of the buffer in bytes */
	__u64 va;		/* out: kernel virtual address of the byte */
	__u64 pa;		/* out: its physical address, by the formula */
	__u64 phys;		/* out: its physical address, by the walk */
	__u64 effective;	/* out: as edu_walk.effective */
	__u64 levels;		/* out: 4 or 5 */
	struct edu_walk_level level[EDU_NR_LEVELS];	/* out */
	struct edu_walk_page page;			/* out */
	__u64 reserved[8];
};

#define EDU_IOC_WALK		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_WALK + 0x00, \
				      struct edu_walk)
#define EDU_IOC_WALK_RANGE	_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_WALK + 0x01, \
				      struct edu_walk_range)
#define EDU_IOC_VMA_LIST	_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_WALK + 0x02, \
				      struct edu_vma_list)
#define EDU_IOC_LAYOUT		_IOR(EDU_IOC_MAGIC, EDU_IOC_NR_WALK + 0x03, \
				     struct edu_layout)
#define EDU_IOC_PFN_INFO	_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_WALK + 0x04, \
				      struct edu_pfn_info)
#define EDU_IOC_KWALK		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_WALK + 0x05, \
				      struct edu_kwalk)

/* ------------------------------------------------------------- bench -- */

/*
 * In-kernel benchmarks: one kthread per CPU of @cpu_mask, bound to it, all
 * released together; each runs @iterations operations per repetition.  The
 * same workload runs on edualloc or on the kernel's own allocator
 * (@impl), so the two can be compared side by side in one VM run.
 * An "op" is one allocation and its free.  Only a fatal signal interrupts a
 * run (within a few thousand ops): what it allocated is freed and the call
 * fails with EINTR.  Runs on the kernel's allocators need an opener with
 * CAP_SYS_ADMIN (-EPERM otherwise, unless the module parameter
 * bench_kernel_unprivileged is set); one run at a time, others wait.
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

#define EDU_BENCH_MAX_ITER	_BITULL(24)
#define EDU_BENCH_MAX_REPEATS	64
#define EDU_BENCH_MAX_BATCH	4096

struct edu_bench {
	__u64 workload;		/* in: EDU_BENCH_* */
	__u64 impl;		/* in: EDU_BENCH_EDUALLOC or _KERNEL */
	__u64 cpu_mask;		/* in: user pointer to a CPU set: member n
				 * is CPU n, which must be online (-EINVAL)
				 */
	__u64 cpu_bits;		/* in: bits of that set, 1..EDU_MASK_MAX_BITS;
				 * fewer than edu_info.cpu_ids is fine, a
				 * member at or past it is -EINVAL
				 */
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
	__u64 reserved[4];
};

#define EDU_IOC_BENCH		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_BENCH + 0x00, \
				      struct edu_bench)

/* -------------------------------------------------------------- areas -- */

/*
 * An area is virtual memory the way a process gets it from mmap(): a run
 * of @pages pages of which none is present at first.  Map it with
 * mmap(fd, offset = mmap_offset + i * page size, length) (MAP_SHARED only,
 * -EINVAL for private: copy-on-write would hand out copies of pages that
 * are not edualloc's; any page-aligned part of the area, from page i on;
 * mremap() cannot grow it).  The first touch of a page faults, and the
 * module takes an order-0 page from its buddy allocator on the node the
 * area's policy names, clears it and maps it: a minor fault.  Later touches
 * of the page, from any mapping, find it present.
 *
 * When a node runs short, reclaim evicts area pages: the ones not used
 * lately by the lru_policy module parameter (lru: active and inactive lists
 * with second chance, from the PTEs' Accessed bits; fifo; clock), written
 * to edualloc's swap area (swap_mb module parameter) and unmapped from
 * every process.  The next touch reads the page back into a new frame: a
 * major fault, counted in the task's maj_flt (getrusage()) like any
 * swap-in.  The content is always the one last written.
 *
 * A page stays the area's, in every mapping of it, until the area goes:
 * when its handle is freed (EDU_IOC_AREA_DESTROY or close) and its last
 * mapping is unmapped, whichever comes last.  fork() shares the area: the
 * child's mapping maps the same pages and keeps the area alive too.
 *
 * When the policy's nodes have no page left (the min watermark counts), the
 * faulting task reclaims (direct reclaim) and tries again; when nothing can
 * be evicted either (every other page busy, or the swap area full), the
 * fault fails with SIGBUS, as a hugetlbfs or tmpfs mapping whose pool is
 * empty does, and the page stays as it was (a later touch tries again).
 * A system call that touches such a page fails with -EFAULT.
 *
 * A file-backed area (EDU_AREA_FILE) maps the first @pages pages of the
 * file @fd names, as mmap(MAP_SHARED) of the file would: a page's first
 * touch reads it from the file (through the page cache: a major fault),
 * and reclaim never swaps such a page: a clean one is dropped (the file
 * has it: the next touch reads it again), a dirty one written back first.
 * Pages are mapped read-only until written: the first write to a page
 * faults again and marks it dirty, as the kernel's write-notify mappings
 * do (vm_ops->pfn_mkwrite).  Dirty pages go back to the file (writeback):
 * by the flusher thread once dirty_expire_ms have passed since the area's
 * first dirty page, or at once above dirty_background_ratio percent of
 * the pools (module parameters); by msync(MS_SYNC) for its range, fsync()
 * of the device for all areas; by kswapd or reclaim_control before
 * eviction (a task's own direct reclaim skips dirty pages and wakes the
 * flusher, as the kernel's does); when the handle is freed
 * (EDU_IOC_AREA_DESTROY, close), before that returns; and by the flusher
 * when the last mapping goes after the handle (munmap() cannot write: it
 * holds the mmap lock, which the file's locks nest outside).  Until
 * written back, the file's read() does not see the area's writes: the
 * area is a copy in front of the page cache, not the page cache itself.
 * A write that fails (the disk full, the file shrunk) leaves the page
 * dirty and counts in the writeback view.
 *
 * The pages are mapped as PFNs without struct page references
 * (VM_MIXEDMAP), so /proc/PID/pagemap and mincore() see them, but
 * get_user_pages() does not: O_DIRECT, process_vm_readv() and vmsplice()
 * on an area fail with -EFAULT.
 */
#define EDU_AREA_POLICY_LOCAL	 0	/* the faulting CPU's node, others
					 * when it is full (first touch)
					 */
#define EDU_AREA_POLICY_NODE	 1	/* @node only, never another */
#define EDU_AREA_POLICY_INTERLEAVE 2	/* page i on the (i mod n)-th of the
					 * n nodes with a pool, ascending;
					 * others when that one is full
					 */
#define EDU_AREA_NR_POLICIES	3

/* edu_area_create.flags */
#define EDU_AREA_FILE		_BITULL(0)	/* backed by the file @fd */
#define EDU_AREA_FLAGS		0x1ULL		/* the flags accepted */

/* Largest area: the module also refuses more pages than all pools hold. */
#define EDU_AREA_MAX_PAGES	_BITULL(20)

/*
 * Create an area: its handle and the mmap() offset of its first page.
 * @pages of 0 or past EDU_AREA_MAX_PAGES, an unknown policy or flag, a
 * @node given to another policy than EDU_AREA_POLICY_NODE (or not a node
 * with a pool for it), a non-zero @fd without EDU_AREA_FILE, out fields or
 * reserved words: -EINVAL.  More pages than all the pools and the swap area
 * hold together (an anonymous area): -ENOMEM.  One open file holds at most
 * max_areas areas (module parameter): -ENOSPC.  With EDU_AREA_FILE: @fd not
 * an open file, -EBADF; not open for both reading and writing, -EACCES;
 * not a regular file, opened O_APPEND or O_DIRECT, or shorter than @pages
 * pages, -EINVAL.
 */
struct edu_area_create {
	__u64 pages;		/* in: 1..EDU_AREA_MAX_PAGES */
	__u64 policy;		/* in: EDU_AREA_POLICY_* */
	__u64 node;		/* in: EDU_AREA_POLICY_NODE: the node; else 0 */
	__u64 flags;		/* in: EDU_AREA_FLAGS */
	__u64 fd;		/* in: EDU_AREA_FILE: the file; else 0 */
	__u64 handle;		/* out */
	__u64 mmap_offset;	/* out: of page 0; areas' offsets never
				 * overlap, those of blocks neither
				 */
	__u64 reserved[5];
};

/*
 * What an area is, its counters, and one page of it (@page).  The inputs
 * are @handle and @page (< @pages, else -EINVAL); the other fields, reserved
 * words aside, are ignored, so one structure may be passed again.
 */
struct edu_area_info {
	__u64 handle;		/* in */
	__u64 page;		/* in: index of the page to describe */
	__u64 pages;		/* out: as created */
	__u64 policy;		/* out */
	__u64 node;		/* out */
	__u64 flags;		/* out */
	__u64 mmap_offset;	/* out */
	__u64 present;		/* out: pages present */
	__u64 mappings;		/* out: VMAs mapping it, in all processes */
	__u64 faults_minor;	/* out: faults served without I/O */
	__u64 faults_major;	/* out: faults that read the page from swap
				 * or from the file
				 */
	__u64 zero_fills;	/* out: of the minor ones, pages allocated and
				 * cleared (each page's first touch)
				 */
	__u64 faults_sigbus;	/* out: faults refused: no page to be had */
	__u64 page_node;	/* out: node of page @page, or EDU_NODE_NONE
				 * while it is not present
				 */
	__u64 page_pfn;		/* out: its frame (EDU_CAP_PFN), else 0 */
	__u64 swapped;		/* out: pages in swap */
	__u64 page_state;	/* out: EDU_AREA_PAGE_* of page @page */
	__u64 page_lru;		/* out: EDU_AREA_LRU_* bits of page @page */
	__u64 dirty;		/* out: pages dirty (file-backed areas) */
	__u64 written;		/* out: pages written back to the file */
	__u64 reserved[2];
};

/* edu_area_info.page_state */
#define EDU_AREA_PAGE_NONE	0	/* never touched; or, of a file-backed
					 * area, evicted: only the file has it
					 */
#define EDU_AREA_PAGE_PRESENT	1	/* in a frame of a pool */
#define EDU_AREA_PAGE_SWAPPED	2	/* evicted: in a swap slot */

/* edu_area_info.page_lru: where reclaim keeps a present page */
#define EDU_AREA_LRU_ON		_BITULL(0)	/* on its node's lists */
#define EDU_AREA_LRU_ACTIVE	_BITULL(1)	/* the active list (lru) */
#define EDU_AREA_LRU_REFERENCED	_BITULL(2)	/* seen used once already */
#define EDU_AREA_LRU_DIRTY	_BITULL(3)	/* written since its writeback */
#define EDU_AREA_LRU_WRITEBACK	_BITULL(4)	/* being written to the file */

#define EDU_IOC_AREA_CREATE	_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_AREA + 0x00, \
				      struct edu_area_create)
#define EDU_IOC_AREA_INFO	_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_AREA + 0x01, \
				      struct edu_area_info)
#define EDU_IOC_AREA_DESTROY	_IOW(EDU_IOC_MAGIC, EDU_IOC_NR_AREA + 0x02, \
				     struct edu_handle_arg)

#endif /* _UAPI_LINUX_EDUALLOC_H */
