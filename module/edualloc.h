/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * edualloc internals shared by the module's files (kernel build only).
 *
 * Map of the module, one concept of Linux memory management per file.
 * Each subsystem has engine files (the algorithm: no user copies, no
 * seq_file), a <sub>_dev.c (its ioctls and mmap: copy in, validate, call
 * the engine, copy out) and a <sub>_debugfs.c (its views and control file).
 *   edualloc.h       this header: handles, objects, subsystem hooks
 *   main.c           module init/exit, parameters, the debugfs "info" file
 *   dev.c            /dev/edualloc: per-open-file handle table, ioctl dispatch
 *   failinj.c        failure injection for the module's own allocations
 *   mm_env.h         the seam of the allocator cores: kernel headers here,
 *                    selftests/host's shim in the user-space build
 *   bench.c          in-kernel benchmarks against the kernel's allocators
 *   compat.h         kernel API differences between releases (6.1, 6.12)
 * The buddy allocator:
 *   buddy.h          its data structures and locking rules
 *   buddy.c          the core (mm/page_alloc.c's free areas)
 *   pcp.c            per-CPU page lists (mm/page_alloc.c's per_cpu_pages)
 *   pool.h, pool.c   pools taken from the real kernel, watermarks, fallback
 *   shrinker.c       the pools under the kernel's memory pressure: free
 *                    chunks given back, taken again when a node runs short
 *   buddy_dev.h      what buddy_dev.c and buddy_debugfs.c share
 *   buddy_dev.c      ioctls, mmap of a block
 *   buddy_debugfs.c  views (buddyinfo, pcp, fragmentation, node<N>/), control
 *   trace.h          its tracepoints (system "edualloc")
 * The slab allocator:
 *   slab.h           its data structures and locking rules
 *   slab.c           caches, slabs, per-node partial lists, slow paths
 *   slab_cpu.c       the fast path: per-CPU object magazines
 *   slab_debug.c     red zones, poisoning, consistency checks, reports
 *   kmalloc.c        general size classes: edu_kmalloc()/edu_kfree()
 *   slab_dev.c       ioctls
 *   slab_debugfs.c   views (slabinfo, slab/<cache>/), control
 *   trace_slab.h     its tracepoints
 * The page-table walker:
 *   pgwalk.h         its internal interface
 *   pgwalk.c         the walk: PGD -> P4D -> PUD -> PMD -> PTE, locking rules
 *   addrspace.c      the target's mm, VMAs and their classes, the kernel
 *                    layout, kmalloc vs vmalloc buffers, frame facts
 *   walk_dev.c       ioctls
 *   walk_debugfs.c   views (layout, walk_target, maps, walk, kbuf)
 * Areas, the virtual-memory lab:
 *   area.h           an area, its pages, its locking rules
 *   area.c           creation, mmap(), the fault handler, release
 *   area_dev.c       ioctls
 *   area_debugfs.c   the "areas" view
 *   trace_area.h     its tracepoints
 * Page replacement and reclaim:
 *   lru.h, lru.c     LRU with second chance, FIFO and CLOCK: the policy
 *                    core, its rules and lock rule (mm/vmscan.c, mm/swap.c)
 *   reclaim.c, reclaim.h  per-node lists of area pages, kswapd, direct
 *                    reclaim
 *   reclaim_debugfs.c  the "reclaim" and "swap" views
 *   swap.c, swap.h   the swap area: slots, swap-out, swap-in
 *   writeback.c, writeback.h  file-backed areas' dirty pages going back to
 *                    their files: the flusher, sync, pageout; the
 *                    "writeback" view
 *
 * Lifetime rules for objects named by handles (struct edu_obj):
 *   - the handle table (edu_file.handles, an xarray with its own spinlock)
 *     holds one reference on each object it names;
 *   - a lookup takes another reference under the xarray lock (RCU-free and
 *     simple: objects are freed only after the last reference goes);
 *   - erasing the handle drops the table's reference; whoever drops the last
 *     reference runs ->release(), which gives the memory back.  So a free
 *     racing with a read or an mmap of the same handle is safe, and a block
 *     that is still mmap()ed returns to the allocator only on munmap().
 *
 * Lock order, for the whole module (outermost first; the details of each
 * subsystem are in buddy.h, slab.h and pgwalk.c):
 *
 *   1. the seq_file mutex of an open debugfs file (seq_read() holds it
 *      around ->show() and the copy to user space)
 *   2. edu_bench_lock (bench.c)
 *   3. edu_ctl.lock (buddy_debugfs.c), edu_slab_ctl.lock (slab_debugfs.c)
 *   4. edu_ucache.sem (slab_dev.c)
 *   5. cpu_hotplug_lock: cpus_read_lock() in edu_cpu_flush_all(), held
 *      for writing around the CPU-dead callbacks of pool.c and slab.c
 *   6.   edu_slab_mutex (slab.c), edu_cpu_flush_mutex (slab_cpu.c)
 *   7. mmap_lock: the caller's, held by the kernel around our mmap() and
 *      vm_ops->close and by the faults of user copies; a walk target's,
 *      mmap_read_lock() in pgwalk.c and addrspace.c
 *   7a.  edu_areas_lock (area.c), then edu_area.lock (area.h): the page
 *        faults of an area, under mmap_lock, and its eviction, with
 *        i_mmap_rwsem (unmap_mapping_range()) under it (details in area.c)
 *   7b.  edu_lruvec.lock (reclaim.c), then edu_area.vma_lock (area.h),
 *        then mmap_read_trylock() of a process mapping the page: reclaim's
 *        Accessed-bit test.  Only a trylock, for mmap_lock is above 7a:
 *        a fault adds its page to the lists (7b) under edu_area.lock
 *   7c.  edu_resize_mutex (shrinker.c): a pool growing, from kswapd or
 *        from a fault's direct reclaim (edu_area.lock not held), around
 *        alloc_pages_node(); edu_node.lock (12) inside it.  The shrinker,
 *        which the kernel's reclaim may call from anywhere, even from that
 *        alloc_pages_node(), only trylocks it
 *   8.   page-table locks: pud_lock(), pmd_lock(), pte_offset_map_lock()
 *   9. edu_cache_cpu.lock, the local lock of a CPU's magazines
 *  10.   edu_cache_node.lock (slab.h)
 *  11.   edu_pcp.lock (buddy.h)
 *  12.     edu_node.lock (buddy.h)
 *  13. xa_lock of an edu_file's handles, of edu_tags (dev.c);
 *      edu_swap.lock (swap.c); edu_wb.lock (writeback.c)
 *
 * What the numbers alone do not say:
 *   - A lock may be taken while holding any lock above it; indented ones
 *     usually are.  Two locks of one number are never held together (two
 *     nodes' locks, both control mutexes, edu_slab_mutex and
 *     edu_cpu_flush_mutex).
 *   - A slab node lock (10) and the buddy locks (11, 12) never nest:
 *     emptied slabs go back to the buddy allocator once the node lock is
 *     dropped, still under the local lock (9) in a magazine flush.
 *   - The walker takes nothing of ours under 7 and 8: edu_buddy_explain_pfn()
 *     runs after both are dropped.  Under a caller's mmap_lock only 7a (an
 *     area's fault, or its release at munmap()), 11, 12 (a block or an
 *     area's page freed at munmap()) and 13 (the handle lookup of mmap()).
 *   - No lock from 2 to 13 is held across a user copy, whose fault would
 *     take the caller's mmap_lock: 1 and the kernel's own locks only.
 *   - Writeback calls kernel_write() with nothing of ours held and no
 *     mmap_lock: the file's locks (i_rwsem, sb_writers) are above 7, as
 *     write(2) takes them and then faults on its user buffer.  So a fault
 *     or munmap() never writes a file page: they leave it to the flusher.
 *   - Leaves outside the ladder: edu_target_lock (walk_debugfs.c), held to
 *     copy the target; edu_target_mm() takes the target's exec_update_lock
 *     then task_lock with nothing of ours held, and drops them before 7.
 *   - Sleeping (GFP_KERNEL, flush_work()) only under 1 to 7a; nothing runs in
 *     interrupt context, so 9 to 13 are plain (spin_)lock()s.
 */
#ifndef _EDUALLOC_H
#define _EDUALLOC_H

#include <linux/types.h>
#include <linux/refcount.h>
#include <linux/xarray.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/nodemask.h>
#include <uapi/linux/edualloc.h>

struct cpumask;
struct dentry;
struct miscdevice;
struct mutex;

enum edu_obj_type {
	EDU_OBJ_BLOCK = 1,	/* a buddy block */
	EDU_OBJ_CACHE,		/* a slab cache */
	EDU_OBJ_SLAB_OBJ,	/* an object of a slab cache */
	EDU_OBJ_AREA,		/* an area: fault-driven virtual memory */
	EDU_OBJ_NR
};

struct edu_obj {
	enum edu_obj_type type;
	refcount_t ref;
	void (*release)(struct edu_obj *obj);
	/* Optional: the handle is being freed (its reference still held). */
	void (*unhandle)(struct edu_obj *obj);
};

/*
 * One per open file.  @handles is protected by its own xa_lock; @tag and
 * @privileged never change after open.  @nr counts the handles of each
 * type in the table (atomics: bumped before the insert, so the limits of
 * dev.c hold without a lock).
 */
struct edu_file {
	struct xarray handles;
	u32 next_id;		/* cyclic id allocation, under xa_lock */
	u16 tag;		/* high bits of every handle of this file */
	bool privileged;	/* CAP_SYS_ADMIN at open: may see PFNs */
	atomic_t nr[EDU_OBJ_NR];	/* handles per type; [0]: all */
	struct address_space *mapping;	/* the file's: its areas' VMAs */
};

extern struct dentry *edu_debugfs_root;
extern struct miscdevice edu_miscdev;

/*
 * A debugfs file shown by NAME_show() and written by NAME_write(), as
 * newer kernels' DEFINE_SHOW_STORE_ATTRIBUTE() (6.1 has none).
 */
#define EDU_DEFINE_SHOW_STORE_ATTRIBUTE(__name)				\
static int __name ## _open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, __name ## _show, inode->i_private);	\
}									\
									\
static const struct file_operations __name ## _fops = {			\
	.owner		= THIS_MODULE,					\
	.open		= __name ## _open,				\
	.read		= seq_read,					\
	.write		= __name ## _write,				\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}

/* main.c: the control files' commands */
ssize_t edu_ctl_write(const char __user *ubuf, size_t len, size_t max,
		      struct mutex *lock, int (*exec)(char *cmd));
char *edu_ctl_word(char **cmd);

/* dev.c: the per-file handle table */
int edu_handle_add(struct edu_file *ef, struct edu_obj *obj, u64 *handle);
struct edu_obj *edu_handle_get(struct edu_file *ef, u64 handle,
			       enum edu_obj_type type);
struct edu_obj *edu_handle_take(struct edu_file *ef, u64 handle,
				enum edu_obj_type type);
int edu_handle_free(struct edu_file *ef, u64 handle, enum edu_obj_type type);
long edu_ioctl_handle_free(struct edu_file *ef, void __user *uarg,
			   enum edu_obj_type type);
void edu_obj_put(struct edu_obj *obj);
u64 edu_handle_mmap_offset(u64 handle);
u64 edu_mmap_offset_handle(unsigned long pgoff);
int edu_uapi_node(u64 node, int *nid);
int edu_uapi_cpumask(u64 uptr, u64 bits, struct cpumask *mask);

static inline void edu_obj_init(struct edu_obj *obj, enum edu_obj_type type,
				void (*release)(struct edu_obj *obj))
{
	obj->type = type;
	refcount_set(&obj->ref, 1);
	obj->release = release;
	obj->unhandle = NULL;
}

/* Non-zero reserved words are refused, so they can gain a meaning later. */
static inline bool edu_reserved_ok(const u64 *words, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (words[i])
			return false;
	return true;
}

#define EDU_RESERVED_OK(arg) ({					\
	typeof(arg) __edu_arg = (arg);					\
	edu_reserved_ok(__edu_arg->reserved,				\
			ARRAY_SIZE(__edu_arg->reserved));		\
})

/* failinj.c: should this internal allocation fail on purpose? */
bool edu_should_fail(void);
unsigned long edu_faults_injected(void);

/* Subsystem hooks, called by main.c and dev.c. */
int edu_buddy_init(void);
void edu_buddy_exit(void);
long edu_buddy_ioctl(struct edu_file *ef, unsigned int cmd, void __user *arg);
int edu_buddy_mmap(struct edu_file *ef, struct vm_area_struct *vma);
void edu_buddy_info(nodemask_t *pool_nodes, u64 *pool_pages);
u64 edu_pool_cap_pages(void);

/* What edualloc knows of a frame of its own pools (buddy.c). */
enum edu_pfn_state {
	EDU_PFN_FREE,		/* in a buddy free list */
	EDU_PFN_ALLOCATED,	/* in an allocated block */
	EDU_PFN_PCP,		/* in a per-CPU list */
	EDU_PFN_SLAB,		/* in a block owned by the slab allocator */
};

struct edu_pfn_owner {
	int nid;			/* node of the pool */
	unsigned long block_pfn;	/* first frame of the block */
	unsigned int order;		/* order of the block */
	enum edu_pfn_state state;
};

bool edu_buddy_explain_pfn(unsigned long pfn, struct edu_pfn_owner *own);

int edu_slab_init(void);
void edu_slab_exit(void);
long edu_slab_ioctl(struct edu_file *ef, unsigned int cmd, void __user *arg);

long edu_bench_ioctl(struct edu_file *ef, unsigned int cmd, void __user *arg);

int edu_walk_init(void);
void edu_walk_exit(void);
long edu_walk_ioctl(struct edu_file *ef, unsigned int cmd, void __user *arg);

int edu_area_init(void);
void edu_area_exit(void);
long edu_area_ioctl(struct edu_file *ef, unsigned int cmd, void __user *arg);
bool edu_area_pgoff(unsigned long pgoff);
int edu_area_mmap(struct edu_file *ef, struct vm_area_struct *vma);

#endif /* _EDUALLOC_H */
