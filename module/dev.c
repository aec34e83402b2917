// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/edualloc: the character device, its per-open-file handle table and
 * the ioctl dispatch.
 *
 * A handle is (tag << 32 | id): @id indexes the file's xarray, @tag is a
 * random 16-bit value drawn at open and unique among open files
 * (edu_tags), so a handle copied from another open file (whose ids start
 * from 1 too) is refused instead of naming one of ours.
 * Ids are allocated cyclically so a freed handle is not at once reissued and
 * a stale one fails cleanly.  Handles stay below 2^48, so
 * handle << PAGE_SHIFT is a valid mmap() offset.
 *
 * What one open file may hold is bounded (module parameters max_handles and
 * max_caches, writable at run time), and what it allocates for its handles
 * is charged to the opener's memory cgroup (GFP_KERNEL_ACCOUNT): an
 * unprivileged user cannot pin unbounded kernel memory.  The pool pages
 * themselves are bounded by the pools.
 *
 * ioctl numbers are split by subsystem into the ranges the uapi header
 * names (EDU_IOC_NR_*): edu_ioctl() hands a number to the <sub>_dev.c of
 * its range, which answers -ENOTTY to a number it does not know.
 */
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/nospec.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/pgtable.h>

#include "edualloc.h"
#include "writeback.h"

/*
 * ABI version 2 is these sizes: every uapi structure is a run of __u64
 * words, the same for 32- and 64-bit callers.  A change to any of them must
 * be deliberate, so it fails the build until this table says so.
 */
static_assert(sizeof(struct edu_info) == 128);
static_assert(sizeof(struct edu_page_alloc) == 96);
static_assert(sizeof(struct edu_handle_arg) == 32);
static_assert(sizeof(struct edu_page_op) == 64);
static_assert(sizeof(struct edu_page_batch) == 128);
static_assert(sizeof(struct edu_drain_arg) == 32);
static_assert(sizeof(struct edu_node_stats) == 280);
static_assert(sizeof(struct edu_cache_create) == 144);
static_assert(sizeof(struct edu_obj_alloc) == 64);
static_assert(sizeof(struct edu_obj_batch) == 80);
static_assert(sizeof(struct edu_obj_rw) == 64);
static_assert(sizeof(struct edu_obj_info) == 96);
static_assert(sizeof(struct edu_corrupt_arg) == 32);
static_assert(sizeof(struct edu_walk_level) == 64);
static_assert(sizeof(struct edu_walk_page) == 96);
static_assert(sizeof(struct edu_walk) == 544);
static_assert(sizeof(struct edu_walk_range) == 128);
static_assert(sizeof(struct edu_vma) == 384);
static_assert(sizeof(struct edu_vma_list) == 96);
static_assert(sizeof(struct edu_region) == 32);
static_assert(sizeof(struct edu_layout) == 848);
static_assert(sizeof(struct edu_pfn_info) == 160);
static_assert(sizeof(struct edu_kwalk) == 544);
static_assert(sizeof(struct edu_bench) == 144);
static_assert(sizeof(struct edu_area_create) == 96);
static_assert(sizeof(struct edu_area_info) == 176);

static unsigned int max_handles = 1U << 20;
module_param(max_handles, uint, 0644);
MODULE_PARM_DESC(max_handles, "handles one open file may hold (default 1048576); past it: ENOSPC");

static unsigned int max_caches = 256;
module_param(max_caches, uint, 0644);
MODULE_PARM_DESC(max_caches, "slab caches one open file may hold (default 256); past it: ENOSPC");

static unsigned int max_areas = 256;
module_param(max_areas, uint, 0644);
MODULE_PARM_DESC(max_areas, "areas one open file may hold (default 256); past it: ENOSPC");

#define EDU_ID_BITS	32
#define EDU_ID_MASK	((1ULL << EDU_ID_BITS) - 1)
/*
 * A handle is tag << EDU_ID_BITS | id: the ids xa_alloc_cyclic() hands out
 * (xa_limit_32b) must fit below the tag, and the tag above them in a __u64.
 */
static_assert(EDU_ID_BITS >= 32);
static_assert(EDU_ID_BITS + 8 * sizeof(((struct edu_file *)0)->tag) <= 64);

/* Tags of the open files (an xarray has its own lock). */
static DEFINE_XARRAY(edu_tags);

/* A random tag no open file has; 0 is never one, so 0 is never a handle. */
static int edu_tag_get(u16 *tag)
{
	int tries;

	for (tries = 0; tries < 64; tries++) {
		u16 t = get_random_u16();

		if (t && !xa_insert(&edu_tags, t, xa_mk_value(t), GFP_KERNEL)) {
			*tag = t;
			return 0;
		}
	}
	return -EMFILE;	/* tens of thousands of open files */
}

/* Count one more handle of @type, or -ENOSPC past the file's limit. */
static int edu_handle_charge(struct edu_file *ef, enum edu_obj_type type)
{
	unsigned int limit = UINT_MAX;

	/* Caches and areas cost more than a handle: each has its own cap. */
	if (type == EDU_OBJ_CACHE)
		limit = READ_ONCE(max_caches);
	else if (type == EDU_OBJ_AREA)
		limit = READ_ONCE(max_areas);

	if (atomic_inc_return(&ef->nr[0]) > READ_ONCE(max_handles))
		goto undo_all;
	if (atomic_inc_return(&ef->nr[type]) > limit)
		goto undo_type;
	return 0;

undo_type:
	atomic_dec(&ef->nr[type]);
undo_all:
	atomic_dec(&ef->nr[0]);
	return -ENOSPC;
}

static void edu_handle_uncharge(struct edu_file *ef, enum edu_obj_type type)
{
	atomic_dec(&ef->nr[type]);
	atomic_dec(&ef->nr[0]);
}

int edu_handle_add(struct edu_file *ef, struct edu_obj *obj, u64 *handle)
{
	u32 id;
	int ret;

	if (edu_should_fail())
		return -ENOMEM;
	ret = edu_handle_charge(ef, obj->type);
	if (ret)
		return ret;
	ret = xa_alloc_cyclic(&ef->handles, &id, obj, xa_limit_32b,
			      &ef->next_id, GFP_KERNEL_ACCOUNT);
	if (ret < 0) {
		edu_handle_uncharge(ef, obj->type);
		return ret == -EBUSY ? -ENOMEM : ret;
	}
	*handle = (u64)ef->tag << EDU_ID_BITS | id;
	return 0;
}

static bool edu_handle_split(struct edu_file *ef, u64 handle, u32 *id)
{
	if (handle >> EDU_ID_BITS != ef->tag)
		return false;
	*id = handle & EDU_ID_MASK;
	return *id != 0;
}

/* Look a handle up and take a reference; NULL if it is not ours. */
struct edu_obj *edu_handle_get(struct edu_file *ef, u64 handle,
			       enum edu_obj_type type)
{
	struct edu_obj *obj;
	u32 id;

	if (!edu_handle_split(ef, handle, &id))
		return NULL;
	xa_lock(&ef->handles);
	obj = xa_load(&ef->handles, id);
	if (obj && obj->type == type)
		refcount_inc(&obj->ref);
	else
		obj = NULL;
	xa_unlock(&ef->handles);
	return obj;
}

/*
 * Remove a handle from the table and hand the table's reference to the
 * caller.  Of two threads freeing the same handle only one gets it.
 */
struct edu_obj *edu_handle_take(struct edu_file *ef, u64 handle,
				enum edu_obj_type type)
{
	struct edu_obj *obj;
	u32 id;

	if (!edu_handle_split(ef, handle, &id))
		return NULL;
	xa_lock(&ef->handles);
	obj = xa_load(&ef->handles, id);
	if (obj && obj->type == type)
		__xa_erase(&ef->handles, id);
	else
		obj = NULL;
	xa_unlock(&ef->handles);
	if (obj)
		edu_handle_uncharge(ef, type);
	return obj;
}

/* Drop a handle; its object goes when its last user (e.g. an mmap) does. */
int edu_handle_free(struct edu_file *ef, u64 handle, enum edu_obj_type type)
{
	struct edu_obj *obj = edu_handle_take(ef, handle, type);

	if (!obj)
		return -EINVAL;
	if (obj->unhandle)
		obj->unhandle(obj);
	edu_obj_put(obj);
	return 0;
}

/* The free ioctl of each kind of handle: a struct edu_handle_arg. */
long edu_ioctl_handle_free(struct edu_file *ef, void __user *uarg,
			   enum edu_obj_type type)
{
	struct edu_handle_arg h;

	if (copy_from_user(&h, uarg, sizeof(h)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&h))
		return -EINVAL;
	return edu_handle_free(ef, h.handle, type);
}

/*
 * A node number from user space: an online node (clamped under speculation
 * too), or EDU_NODE_LOCAL, which becomes NUMA_NO_NODE.
 */
int edu_uapi_node(u64 node, int *nid)
{
	if (node == EDU_NODE_LOCAL) {
		*nid = NUMA_NO_NODE;
		return 0;
	}
	if (node >= nr_node_ids || !node_online(node))
		return -EINVAL;
	*nid = array_index_nospec(node, nr_node_ids);
	return 0;
}

void edu_obj_put(struct edu_obj *obj)
{
	if (refcount_dec_and_test(&obj->ref))
		obj->release(obj);
}

u64 edu_handle_mmap_offset(u64 handle)
{
	return handle << PAGE_SHIFT;
}

u64 edu_mmap_offset_handle(unsigned long pgoff)
{
	return pgoff;
}

static int edu_open(struct inode *inode, struct file *file)
{
	struct edu_file *ef;

	ef = edu_should_fail() ? NULL : kzalloc(sizeof(*ef), GFP_KERNEL_ACCOUNT);
	if (!ef)
		return -ENOMEM;
	if (edu_tag_get(&ef->tag)) {
		kfree(ef);
		return -EMFILE;
	}
	xa_init_flags(&ef->handles, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	ef->next_id = 1;
	/* Decided once, on the opener's credentials, as pagemap does. */
	ef->privileged = capable(CAP_SYS_ADMIN);
	ef->mapping = file->f_mapping;
	file->private_data = ef;
	return 0;
}

/*
 * Close frees what the file still owns.  Slab objects go before their
 * caches, and both before buddy blocks, because a cache's destruction
 * needs its objects gone.  No area is mapped any more: a mapping holds the
 * file open.
 */
static int edu_release(struct inode *inode, struct file *file)
{
	static const enum edu_obj_type order[] = {
		EDU_OBJ_SLAB_OBJ, EDU_OBJ_CACHE, EDU_OBJ_BLOCK, EDU_OBJ_AREA,
	};
	struct edu_file *ef = file->private_data;
	struct edu_obj *obj;
	unsigned long id;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		xa_for_each(&ef->handles, id, obj) {
			if (obj->type != order[i])
				continue;
			xa_erase(&ef->handles, id);
			if (obj->unhandle)
				obj->unhandle(obj);
			edu_obj_put(obj);
			cond_resched();
		}
	}
	xa_destroy(&ef->handles);
	xa_erase(&edu_tags, ef->tag);
	kfree(ef);
	return 0;
}

/*
 * A set of CPUs from user space (edu_bench.cpu_mask): @bits bits of __u64
 * words at @uptr.  Every member must be an online CPU, else -EINVAL; bits
 * of the last word past @bits are not members.  The set may be empty.
 */
int edu_uapi_cpumask(u64 uptr, u64 bits, struct cpumask *mask)
{
	u64 __user *uwords = u64_to_user_ptr(uptr);
	u64 i, words, w, n;
	unsigned int cpu;

	if (!bits || bits > EDU_MASK_MAX_BITS)
		return -EINVAL;
	words = EDU_MASK_WORDS(bits);
	if (!access_ok(uwords, words * sizeof(*uwords)))
		return -EFAULT;
	cpumask_clear(mask);
	for (i = 0; i < words; i++) {
		if (get_user(w, uwords + i))
			return -EFAULT;
		if (i == words - 1 && bits % 64)
			w &= BIT_ULL(bits % 64) - 1;
		for (; w; w &= w - 1) {
			n = i * 64 + __ffs64(w);
			if (n >= nr_cpu_ids)
				return -EINVAL;
			cpu = array_index_nospec(n, nr_cpu_ids);
			if (!cpu_online(cpu))
				return -EINVAL;
			cpumask_set_cpu(cpu, mask);
		}
	}
	return 0;
}

/*
 * A set of nodes out to user space: @bits (at least nr_node_ids) bits of
 * __u64 words at @uptr, all written, those past the nodes as zero.
 */
static int edu_nodemask_to_user(u64 uptr, u64 bits, const nodemask_t *nodes)
{
	u64 __user *uwords = u64_to_user_ptr(uptr);
	u64 words = EDU_MASK_WORDS(bits);
	u64 used = EDU_MASK_WORDS(nr_node_ids);
	unsigned int nid, b;
	u64 i, w;

	if (!access_ok(uwords, words * sizeof(*uwords)))
		return -EFAULT;
	for (i = 0; i < used; i++) {
		w = 0;
		for (b = 0; b < 64; b++) {
			nid = i * 64 + b;
			if (nid < nr_node_ids && node_isset(nid, *nodes))
				w |= BIT_ULL(b);
		}
		if (put_user(w, uwords + i))
			return -EFAULT;
	}
	if (clear_user(uwords + used, (words - used) * sizeof(*uwords)))
		return -EFAULT;
	return 0;
}

/*
 * EDU_IOC_INFO: the facts, and the set of nodes with a pool if the caller
 * gave room for it.  A set too small for every node number is -E2BIG, the
 * facts (and so node_ids, the size needed) copied out all the same.
 */
static long edu_ioctl_info(struct edu_file *ef, void __user *uarg)
{
	nodemask_t pool_nodes;
	struct edu_info info;
	long ret = 0;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&info))
		return -EINVAL;
	if (info.pool_node_bits > EDU_MASK_MAX_BITS ||
	    (info.pool_node_mask && !info.pool_node_bits))
		return -EINVAL;

	info.abi_version = EDU_ABI_VERSION;
	info.nr_nodes = num_online_nodes();
	info.nr_cpus = num_online_cpus();
	info.page_size = PAGE_SIZE;
	info.nr_orders = EDU_NR_ORDERS;
	info.caps = ef->privileged ? EDU_CAP_PFN : 0;
	info.pgtable_levels = pgtable_l5_enabled() ? 5 : 4;
	info.node_ids = nr_node_ids;
	info.cpu_ids = nr_cpu_ids;
	edu_buddy_info(&pool_nodes, &info.pool_pages);

	if (info.pool_node_bits && info.pool_node_bits < nr_node_ids)
		ret = -E2BIG;
	else if (info.pool_node_bits)
		ret = edu_nodemask_to_user(info.pool_node_mask,
					   info.pool_node_bits, &pool_nodes);
	if (ret == -EFAULT || copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return ret;
}

static long edu_core_ioctl(struct edu_file *ef, unsigned int cmd,
			   void __user *uarg)
{
	if (cmd == EDU_IOC_INFO)
		return edu_ioctl_info(ef, uarg);
	return -ENOTTY;
}

/* The ranges of ioctl numbers, in order: each ends where the next begins. */
static const struct edu_ioc_range {
	unsigned int first;
	long (*ioctl)(struct edu_file *ef, unsigned int cmd, void __user *arg);
} edu_ioc_ranges[] = {
	{ EDU_IOC_NR_CORE,	edu_core_ioctl },
	{ EDU_IOC_NR_BUDDY,	edu_buddy_ioctl },
	{ EDU_IOC_NR_SLAB,	edu_slab_ioctl },
	{ EDU_IOC_NR_WALK,	edu_walk_ioctl },
	{ EDU_IOC_NR_BENCH,	edu_bench_ioctl },
	{ EDU_IOC_NR_AREA,	edu_area_ioctl },
	{ EDU_IOC_NR_END,	NULL },
};

/* Each command lies in the range of the subsystem that serves it. */
static_assert(_IOC_NR(EDU_IOC_INFO) < EDU_IOC_NR_BUDDY);
static_assert(_IOC_NR(EDU_IOC_NODE_STATS) < EDU_IOC_NR_SLAB);
static_assert(_IOC_NR(EDU_IOC_OBJ_CORRUPT) < EDU_IOC_NR_WALK);
static_assert(_IOC_NR(EDU_IOC_KWALK) < EDU_IOC_NR_BENCH);
static_assert(_IOC_NR(EDU_IOC_BENCH) < EDU_IOC_NR_AREA);
static_assert(_IOC_NR(EDU_IOC_AREA_CREATE) >= EDU_IOC_NR_AREA);
static_assert(_IOC_NR(EDU_IOC_AREA_DESTROY) < EDU_IOC_NR_END);

static long edu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct edu_file *ef = file->private_data;
	void __user *uarg = (void __user *)arg;
	unsigned int nr = _IOC_NR(cmd);
	unsigned int i;

	if (_IOC_TYPE(cmd) != EDU_IOC_MAGIC)
		return -ENOTTY;
	for (i = 0; i + 1 < ARRAY_SIZE(edu_ioc_ranges); i++)
		if (nr >= edu_ioc_ranges[i].first &&
		    nr < edu_ioc_ranges[i + 1].first)
			return edu_ioc_ranges[i].ioctl(ef, cmd, uarg);
	return -ENOTTY;
}

/* The offset says what is mapped: an area's window, or a block's handle. */
static int edu_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (edu_area_pgoff(vma->vm_pgoff))
		return edu_area_mmap(file->private_data, vma);
	return edu_buddy_mmap(file->private_data, vma);
}

/*
 * fsync() of the device, and msync(MS_SYNC) of a mapping of it (which the
 * kernel calls with the mmap lock dropped): the file-backed areas' dirty
 * pages in @start..@end go back to their files (writeback.c).
 */
static int edu_fsync(struct file *file, loff_t start, loff_t end,
		     int datasync)
{
	return edu_writeback_range(start, end);
}

static const struct file_operations edu_fops = {
	.owner		= THIS_MODULE,
	.open		= edu_open,
	.release	= edu_release,
	.unlocked_ioctl	= edu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= edu_mmap,
	.fsync		= edu_fsync,
	.llseek		= noop_llseek,
};

struct miscdevice edu_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "edualloc",
	.fops	= &edu_fops,
	.mode	= 0600,
};
