// SPDX-License-Identifier: GPL-2.0-only
/*
 * The buddy allocator as programs see it: its ioctls and mmap() of a block.
 * Each handler copies its argument in, validates it, calls the allocator
 * (buddy.c, pcp.c, pool.c) and copies the answer out; no allocator lock is
 * held across a user copy.  The debugfs views are in buddy_debugfs.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/nospec.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "buddy.h"
#include "buddy_dev.h"
#include "compat.h"
#include "edualloc.h"
#include "pool.h"

/* The tracepoints of trace.h are instantiated here, once. */
#define CREATE_TRACE_POINTS
#include "trace.h"

static void edu_block_release(struct edu_obj *obj)
{
	struct edu_block *b = container_of(obj, struct edu_block, obj);

	edu_free_pages(b->ref.node, b->ref.idx, b->ref.order);
	kfree(b);
}

struct edu_block *edu_block_alloc(int nid, unsigned int order,
				  unsigned int flags, int *err)
{
	struct edu_block *b;

	b = edu_should_fail() ? NULL : kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = edu_alloc_pages(nid, order, flags, &b->ref);
	if (*err) {
		kfree(b);
		return NULL;
	}
	edu_obj_init(&b->obj, EDU_OBJ_BLOCK, edu_block_release);
	/* Programs see the pages: no stale data, no free-list links. */
	memset(edu_idx_to_virt(b->ref.node, b->ref.idx), 0,
	       PAGE_SIZE << order);
	return b;
}

static int edu_page_alloc_one(struct edu_file *ef, u64 node, u64 order,
			      u64 flags, u64 *handle, u64 *node_out,
			      u64 *pfn, u64 *result_flags)
{
	struct edu_block *b;
	int nid, ret;

	if (order > EDU_MAX_ORDER || (flags & ~EDU_ALLOC_FLAGS))
		return -EINVAL;
	ret = edu_uapi_node(node, &nid);
	if (ret)
		return ret;
	b = edu_block_alloc(nid, order, flags, &ret);
	if (!b)
		return ret;
	ret = edu_handle_add(ef, &b->obj, handle);
	if (ret) {
		edu_obj_put(&b->obj);
		return ret;
	}
	*node_out = b->ref.node->nid;
	*pfn = ef->privileged ? edu_idx_to_pfn(b->ref.node, b->ref.idx) : 0;
	if (result_flags)
		*result_flags = (b->ref.fallback ? EDU_RESULT_FALLBACK : 0) |
				(b->ref.pcp ? EDU_RESULT_PCP : 0);
	return 0;
}

static long edu_ioctl_page_alloc(struct edu_file *ef, void __user *uarg)
{
	struct edu_page_alloc a;
	int ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&a) || a.handle || a.pfn || a.mmap_offset ||
	    a.result_flags)
		return -EINVAL;
	ret = edu_page_alloc_one(ef, a.node, a.order, a.flags, &a.handle,
				 &a.node, &a.pfn, &a.result_flags);
	if (ret)
		return ret;
	a.mmap_offset = edu_handle_mmap_offset(a.handle);
	if (copy_to_user(uarg, &a, sizeof(a))) {
		/* The caller cannot learn the handle: do not leak the block. */
		edu_handle_free(ef, a.handle, EDU_OBJ_BLOCK);
		return -EFAULT;
	}
	return 0;
}

static long edu_ioctl_page_free(struct edu_file *ef, void __user *uarg)
{
	return edu_ioctl_handle_free(ef, uarg, EDU_OBJ_BLOCK);
}

static u64 edu_xorshift64(u64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* One operation of a batch: explicit ones come from the user's vector. */
static int edu_batch_step(struct edu_file *ef, struct edu_page_batch *b,
			  struct edu_page_op *op, u64 *rng, u64 *live,
			  u64 *nr_live)
{
	int ret;

	if (b->flags & EDU_BATCH_RANDOM) {
		u64 x = edu_xorshift64(rng);

		memset(op, 0, sizeof(*op));
		if (!*nr_live || (x >> 32) % 100 < b->alloc_pct) {
			op->op = EDU_OP_ALLOC;
			op->node = b->node;
			op->order = (x >> 8) % (b->max_order + 1);
			op->flags = b->alloc_flags;
		} else {
			u64 slot = (x >> 16) % *nr_live;

			op->op = EDU_OP_FREE;
			op->handle = live[slot];
			live[slot] = live[--*nr_live];
		}
	} else if (op->result || op->reserved) {
		return -EINVAL;
	}

	switch (op->op) {
	case EDU_OP_ALLOC:
		if (op->handle || op->pfn)
			return -EINVAL;
		ret = edu_page_alloc_one(ef, op->node, op->order, op->flags,
					 &op->handle, &op->node, &op->pfn,
					 NULL);
		if (!ret && live)
			live[(*nr_live)++] = op->handle;
		return ret;
	case EDU_OP_FREE:
		return edu_handle_free(ef, op->handle, EDU_OBJ_BLOCK);
	default:
		return -EINVAL;
	}
}

static long edu_ioctl_page_batch(struct edu_file *ef, void __user *uarg)
{
	struct edu_page_op __user *uops;
	struct edu_page_batch b;
	u64 *live = NULL, nr_live = 0, rng, i;
	long ret = 0;

	if (copy_from_user(&b, uarg, sizeof(b)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&b) || b.done || b.failed ||
	    !b.nr_ops || b.nr_ops > EDU_BATCH_MAX ||
	    (b.flags & ~EDU_BATCH_FLAGS))
		return -EINVAL;
	if (b.flags & EDU_BATCH_RANDOM) {
		int nid;

		if (b.max_order > EDU_MAX_ORDER || !b.alloc_pct ||
		    b.alloc_pct > 100 || (b.alloc_flags & ~EDU_ALLOC_FLAGS) ||
		    edu_uapi_node(b.node, &nid))
			return -EINVAL;
		/* Sized by the caller: fail quietly, with -ENOMEM. */
		live = kvmalloc_array(b.nr_ops, sizeof(*live),
				      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!live)
			return -ENOMEM;
	} else if (b.seed || b.max_order || b.alloc_pct || b.node ||
		   b.alloc_flags) {
		return -EINVAL;
	}
	rng = b.seed ?: 1;
	uops = u64_to_user_ptr(b.ops);

	for (i = 0; i < b.nr_ops; i++) {
		struct edu_page_op op;
		int err;

		if (!(b.flags & EDU_BATCH_RANDOM) &&
		    copy_from_user(&op, &uops[i], sizeof(op))) {
			ret = -EFAULT;
			break;
		}
		err = edu_batch_step(ef, &b, &op, &rng, live, &nr_live);
		op.result = err;
		b.done++;
		if (err)
			b.failed++;
		if (copy_to_user(&uops[i], &op, sizeof(op))) {
			/* The caller cannot learn the handle: undo the op. */
			if (!err && op.op == EDU_OP_ALLOC) {
				edu_handle_free(ef, op.handle, EDU_OBJ_BLOCK);
				if (live)
					nr_live--;
			}
			ret = -EFAULT;
			break;
		}
		if (err && !(b.flags & EDU_BATCH_CONTINUE))
			break;
		/* 65536 ops of order 10 take a minute under KASAN and TCG. */
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	kvfree(live);
	if (copy_to_user(uarg, &b, sizeof(b)))
		return -EFAULT;
	return ret;
}

static long edu_ioctl_pcp_drain(struct edu_file *ef, void __user *uarg)
{
	struct edu_drain_arg d;
	int nid, ret;

	if (copy_from_user(&d, uarg, sizeof(d)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&d) || d.drained)
		return -EINVAL;
	ret = edu_uapi_node(d.node, &nid);
	if (ret)
		return ret;
	for (ret = 0; ret < MAX_NUMNODES; ret++) {
		if (!edu_nodes[ret] || (nid != NUMA_NO_NODE && nid != ret))
			continue;
		d.drained += edu_pcp_drain_node(edu_nodes[ret]);
	}
	return copy_to_user(uarg, &d, sizeof(d)) ? -EFAULT : 0;
}

static long edu_ioctl_node_stats(struct edu_file *ef, void __user *uarg)
{
	struct edu_node_stats s;
	struct edu_node *n;

	if (copy_from_user(&s, uarg, sizeof(s)))
		return -EFAULT;
	if (s.node >= MAX_NUMNODES)
		return -EINVAL;
	n = edu_nodes[array_index_nospec(s.node, MAX_NUMNODES)];
	if (!n)
		return -ENOENT;
	if (!EDU_RESERVED_OK(&s))
		return -EINVAL;
	memset(&s, 0, sizeof(s));
	edu_node_snapshot(n, &s);
	return copy_to_user(uarg, &s, sizeof(s)) ? -EFAULT : 0;
}

long edu_buddy_ioctl(struct edu_file *ef, unsigned int cmd, void __user *arg)
{
	switch (cmd) {
	case EDU_IOC_PAGE_ALLOC:
		return edu_ioctl_page_alloc(ef, arg);
	case EDU_IOC_PAGE_FREE:
		return edu_ioctl_page_free(ef, arg);
	case EDU_IOC_PAGE_BATCH:
		return edu_ioctl_page_batch(ef, arg);
	case EDU_IOC_PCP_DRAIN:
		return edu_ioctl_pcp_drain(ef, arg);
	case EDU_IOC_NODE_STATS:
		return edu_ioctl_node_stats(ef, arg);
	}
	return -ENOTTY;
}

/*
 * mmap(): each mapping holds a reference on the block, so a block freed by
 * handle while still mapped goes back to the allocator only at munmap()
 * (vm_ops->close), never while a process can still write to it.
 */
static void edu_vma_open(struct vm_area_struct *vma)
{
	struct edu_block *b = vma->vm_private_data;

	refcount_inc(&b->obj.ref);
}

static void edu_vma_close(struct vm_area_struct *vma)
{
	struct edu_block *b = vma->vm_private_data;

	edu_obj_put(&b->obj);
}

static const struct vm_operations_struct edu_vm_ops = {
	.open	= edu_vma_open,
	.close	= edu_vma_close,
};

int edu_buddy_mmap(struct edu_file *ef, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;
	struct edu_obj *obj;
	struct edu_block *b;
	int ret;

	/*
	 * Shared mappings only.  A private one would be copy-on-write, where
	 * writes land in anonymous copies (useless here), and for such a
	 * mapping remap_pfn_range() stores the frame number in vm_pgoff,
	 * which /proc/PID/maps would show to an unprivileged opener.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	obj = edu_handle_get(ef, edu_mmap_offset_handle(vma->vm_pgoff),
			     EDU_OBJ_BLOCK);
	if (!obj)
		return -EINVAL;
	b = container_of(obj, struct edu_block, obj);
	if (size != PAGE_SIZE << b->ref.order) {
		edu_obj_put(obj);
		return -EINVAL;
	}
	/* Our pages are not refcounted individually: map them as raw PFNs. */
	edu_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	ret = remap_pfn_range(vma, vma->vm_start,
			      edu_idx_to_pfn(b->ref.node, b->ref.idx), size,
			      vma->vm_page_prot);
	if (ret) {
		edu_obj_put(obj);
		return ret;
	}
	vma->vm_private_data = b;
	vma->vm_ops = &edu_vm_ops;	/* the reference is the vma's now */
	return 0;
}

int edu_buddy_init(void)
{
	int ret;

	ret = edu_pools_create();
	if (ret)
		return ret;
	edu_buddy_debugfs_init();
	return 0;
}

void edu_buddy_exit(void)
{
	edu_buddy_debugfs_exit();
	edu_pools_destroy();
}
