// SPDX-License-Identifier: GPL-2.0-only
/*
 * The buddy allocator as users see it: ioctls, mmap() of a block, and the
 * debugfs views under /sys/kernel/debug/edualloc/.
 *
 * Views copy what they show under the node lock in short bounded steps and
 * print afterwards, so a slow reader never holds up allocations.  The
 * "control" file keeps its blocks on edu_ctl.blocks under edu_ctl.lock (a
 * mutex; it is taken before any allocator lock).  Debugfs refuses to open
 * writable files under kernel lockdown, so there "control" fails with
 * EPERM while the read-only views and the ioctls keep working.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/nospec.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "buddy.h"
#include "edualloc.h"
#include "pool.h"

/* The tracepoints of trace.h are instantiated here, once. */
#define CREATE_TRACE_POINTS
#include "trace.h"

/* A block owned by a handle (or by the control file). */
struct edu_block {
	struct edu_obj obj;
	struct edu_page_ref ref;
};

static void edu_block_release(struct edu_obj *obj)
{
	struct edu_block *b = container_of(obj, struct edu_block, obj);

	edu_free_pages(b->ref.node, b->ref.idx, b->ref.order);
	kfree(b);
}

/* Validate a uapi node number; EDU_NODE_LOCAL becomes NUMA_NO_NODE. */
static int edu_uapi_node(u64 node, int *nid)
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

static struct edu_block *edu_block_alloc(int nid, unsigned int order,
					 unsigned int flags, int *err)
{
	struct edu_block *b;

	b = edu_fault() ? NULL : kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
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

/* A consistent snapshot of one node, for the stats ioctl and the views. */
static void edu_node_snapshot(struct edu_node *n, struct edu_node_stats *s)
{
	unsigned int o;
	int cpu;

	spin_lock(&n->lock);
	for (o = 0; o <= EDU_MAX_ORDER; o++) {
		s->nr_free[o] = n->free_area[o].nr_free;
		s->allocs += n->allocs[o];
		s->frees += n->frees[o];
	}
	s->free_pages = n->free_pages;
	s->wmark_min = n->wmark[EDU_WMARK_MIN];
	s->wmark_low = n->wmark[EDU_WMARK_LOW];
	s->wmark_high = n->wmark[EDU_WMARK_HIGH];
	s->splits = n->splits;
	s->merges = n->merges;
	spin_unlock(&n->lock);

	for_each_possible_cpu(cpu) {
		struct edu_pcp *pcp = per_cpu_ptr(n->pcp, cpu);

		spin_lock(&pcp->lock);
		s->pcp_pages += pcp->count;
		s->pcp_hits += pcp->alloc_hits;
		s->allocs += pcp->alloc_hits;
		s->frees += pcp->free_hits;
		s->pcp_refills += pcp->refills;
		s->pcp_drains += pcp->drains;
		spin_unlock(&pcp->lock);
	}
	s->node = n->nid;
	s->pool_pages = n->pool_pages;
	s->fallbacks = atomic_long_read(&n->fallbacks);
	s->failures = atomic_long_read(&n->failures);
	s->drain_retries = atomic_long_read(&n->drain_retries);
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
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
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

/* ------------------------------------------------------------ views -- */

static int buddyinfo_show(struct seq_file *m, void *unused)
{
	unsigned long nr_free[EDU_NR_ORDERS];
	unsigned int o;
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_node *n = edu_nodes[nid];

		if (!n)
			continue;
		spin_lock(&n->lock);
		for (o = 0; o <= EDU_MAX_ORDER; o++)
			nr_free[o] = n->free_area[o].nr_free;
		spin_unlock(&n->lock);
		/* The layout of /proc/buddyinfo, so the same parsers work. */
		seq_printf(m, "Node %d, zone %8s ", nid, "pool");
		for (o = 0; o <= EDU_MAX_ORDER; o++)
			seq_printf(m, "%6lu ", nr_free[o]);
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(buddyinfo);

static int pcp_show(struct seq_file *m, void *unused)
{
	int nid, cpu;

	seq_puts(m, "# cpu node count batch high alloc_hits free_hits refills drains\n");
	for_each_possible_cpu(cpu) {
		for (nid = 0; nid < MAX_NUMNODES; nid++) {
			struct edu_node *n = edu_nodes[nid];
			struct edu_pcp *pcp, s;

			if (!n)
				continue;
			pcp = per_cpu_ptr(n->pcp, cpu);
			spin_lock(&pcp->lock);
			s = *pcp;
			spin_unlock(&pcp->lock);
			seq_printf(m, "%5d %4d %5d %5d %4d %10lu %9lu %7lu %6lu\n",
				   cpu, nid, s.count, s.batch, s.high,
				   s.alloc_hits, s.free_hits, s.refills,
				   s.drains);
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pcp);

/*
 * Two measures of external fragmentation per order, in thousandths, as
 * /sys/kernel/debug/extfrag/ gives them:
 *  unusable: the share of free memory in blocks too small for an
 *    allocation of this order (0 = all free memory usable, 1000 = none);
 *  fragmentation index: when no block of this order is free, whether the
 *    failure is due to fragmentation (towards 1000: plenty of free memory,
 *    in pieces too small) or to lack of memory (towards 0); -1 when a
 *    block is available, so nothing fails.
 */
static int fragmentation_show(struct seq_file *m, void *unused)
{
	unsigned long nr_free[EDU_NR_ORDERS], free_pages, blocks;
	unsigned int o, j;
	int nid;

	seq_puts(m, "# per order 0..10: unusable free space index and fragmentation index (x1000)\n");
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_node *n = edu_nodes[nid];

		if (!n)
			continue;
		spin_lock(&n->lock);
		for (o = 0; o <= EDU_MAX_ORDER; o++)
			nr_free[o] = n->free_area[o].nr_free;
		spin_unlock(&n->lock);
		free_pages = 0;
		blocks = 0;
		for (o = 0; o <= EDU_MAX_ORDER; o++) {
			free_pages += nr_free[o] << o;
			blocks += nr_free[o];
		}

		seq_printf(m, "Node %d unusable     ", nid);
		for (o = 0; o <= EDU_MAX_ORDER; o++) {
			unsigned long usable = 0;

			for (j = o; j <= EDU_MAX_ORDER; j++)
				usable += nr_free[j] << j;
			seq_printf(m, " %5lu", free_pages ?
				   (free_pages - usable) * 1000 / free_pages :
				   1000);
		}
		seq_printf(m, "\nNode %d fragmentation", nid);
		for (o = 0; o <= EDU_MAX_ORDER; o++) {
			unsigned long suitable = 0;
			long idx;

			for (j = o; j <= EDU_MAX_ORDER; j++)
				suitable += nr_free[j];
			if (suitable)
				idx = -1;
			else if (!blocks)
				idx = 0;
			else
				idx = 1000 - (1000 + free_pages * 1000 /
					      (1UL << o)) / blocks;
			seq_printf(m, " %5ld", idx);
		}
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fragmentation);

static int stats_show(struct seq_file *m, void *unused)
{
	struct edu_node *n = m->private;
	unsigned long allocs[EDU_NR_ORDERS], frees[EDU_NR_ORDERS];
	struct edu_node_stats s = {};
	unsigned int o;

	edu_node_snapshot(n, &s);
	spin_lock(&n->lock);
	memcpy(allocs, n->allocs, sizeof(allocs));
	memcpy(frees, n->frees, sizeof(frees));
	spin_unlock(&n->lock);

	seq_printf(m, "node            %d\n", n->nid);
	seq_printf(m, "pool_pages      %llu\n", s.pool_pages);
	seq_printf(m, "free_pages      %llu\n", s.free_pages);
	seq_printf(m, "pcp_pages       %llu\n", s.pcp_pages);
	seq_printf(m, "used_pages      %llu\n",
		   s.pool_pages - s.free_pages - s.pcp_pages);
	seq_printf(m, "allocs          %llu\n", s.allocs);
	seq_printf(m, "frees           %llu\n", s.frees);
	seq_printf(m, "splits          %llu\n", s.splits);
	seq_printf(m, "merges          %llu\n", s.merges);
	seq_printf(m, "pcp_hits        %llu\n", s.pcp_hits);
	seq_printf(m, "pcp_refills     %llu\n", s.pcp_refills);
	seq_printf(m, "pcp_drains      %llu\n", s.pcp_drains);
	seq_printf(m, "fallbacks       %llu\n", s.fallbacks);
	seq_printf(m, "failures        %llu\n", s.failures);
	seq_printf(m, "drain_retries   %llu\n", s.drain_retries);
	seq_puts(m, "# buddy-list allocs and frees per order (pcp hits counted above)\n");
	seq_puts(m, "order_allocs   ");
	for (o = 0; o <= EDU_MAX_ORDER; o++)
		seq_printf(m, " %lu", allocs[o]);
	seq_puts(m, "\norder_frees    ");
	for (o = 0; o <= EDU_MAX_ORDER; o++)
		seq_printf(m, " %lu", frees[o]);
	seq_putc(m, '\n');
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

static int watermarks_show(struct seq_file *m, void *unused)
{
	struct edu_node *n = m->private;
	unsigned long w[EDU_NR_WMARK], free;

	spin_lock(&n->lock);
	memcpy(w, n->wmark, sizeof(w));
	free = n->free_pages;
	spin_unlock(&n->lock);
	seq_printf(m, "node %d (pages)\nmin  %lu\nlow  %lu\nhigh %lu\nfree %lu\n",
		   n->nid, w[EDU_WMARK_MIN], w[EDU_WMARK_LOW],
		   w[EDU_WMARK_HIGH], free);
	seq_printf(m, "state %s\n", free < w[EDU_WMARK_MIN] ? "below min" :
		   free < w[EDU_WMARK_LOW] ? "below low (kswapd would wake)" :
		   free < w[EDU_WMARK_HIGH] ? "below high" : "ok");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(watermarks);

#define EDU_FREE_LIST_CAP	32	/* PFNs shown per order */

static int free_lists_show(struct seq_file *m, void *unused)
{
	struct edu_node *n = m->private;
	unsigned long pfns[EDU_FREE_LIST_CAP], nr_free;
	struct edu_free_page *fp;
	unsigned int o, i, shown;

	for (o = 0; o <= EDU_MAX_ORDER; o++) {
		shown = 0;
		spin_lock(&n->lock);
		nr_free = n->free_area[o].nr_free;
		list_for_each_entry(fp, &n->free_area[o].free_list, link) {
			if (shown == EDU_FREE_LIST_CAP)
				break;
			pfns[shown++] = edu_idx_to_pfn(n, fp->idx);
		}
		spin_unlock(&n->lock);
		seq_printf(m, "order %2u: %lu free", o, nr_free);
		for (i = 0; i < shown; i++)
			seq_printf(m, " 0x%lx", pfns[i]);
		if (nr_free > shown)
			seq_puts(m, " ...");
		seq_putc(m, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(free_lists);

#define EDU_MAP_COLS	64
#define EDU_MAP_STEP	1024	/* meta bytes copied per lock hold */

/*
 * One character per page: the order (0-9, A for 10) of the free block it
 * belongs to, '#' allocated, 'S' slab, 'p' on a per-CPU list.  One line is
 * 64 pages, one chunk 16 lines.
 */
static int map_show(struct seq_file *m, void *unused)
{
	struct edu_node *n = m->private;
	unsigned long idx, left = 0, base;
	u8 *meta;
	char c = '?', line[EDU_MAP_COLS + 1];

	meta = kmalloc(EDU_MAP_STEP, GFP_KERNEL);
	if (!meta)
		return -ENOMEM;
	seq_printf(m, "node %d: 0-9,A free block of that order  # allocated  S slab  p per-CPU list\n",
		   n->nid);
	line[EDU_MAP_COLS] = '\0';
	for (base = 0; base < n->pool_pages; base += EDU_MAP_STEP) {
		spin_lock(&n->lock);
		memcpy(meta, n->meta + base, EDU_MAP_STEP);
		spin_unlock(&n->lock);
		for (idx = base; idx < base + EDU_MAP_STEP; idx++) {
			u8 pm = meta[idx - base];
			unsigned int o = EDU_PM_ORDER(pm);

			switch (EDU_PM_STATE(pm)) {
			case EDU_PM_FREE:
				c = o < 10 ? '0' + o : 'A' + o - 10;
				left = 1UL << o;
				break;
			case EDU_PM_ALLOC:
				c = '#';
				left = 1UL << o;
				break;
			case EDU_PM_SLAB:
				c = 'S';
				left = 1UL << o;
				break;
			case EDU_PM_PCP:
				c = 'p';
				left = 1;
				break;
			default:
				if (!left)	/* changed between copies */
					c = '?';
				break;
			}
			if (left)
				left--;
			if (idx % EDU_CHUNK_PAGES == 0)
				seq_printf(m, "chunk %lu pfn 0x%lx\n",
					   idx / EDU_CHUNK_PAGES,
					   edu_idx_to_pfn(n, idx));
			line[idx % EDU_MAP_COLS] = c;
			if (idx % EDU_MAP_COLS == EDU_MAP_COLS - 1)
				seq_printf(m, "  %s\n", line);
		}
	}
	kfree(meta);
	return 0;
}

static int map_open(struct inode *inode, struct file *file)
{
	struct edu_node *n = inode->i_private;

	/* Room for the whole picture: one byte per page plus line ends. */
	return single_open_size(file, map_show, n,
				n->pool_pages + n->pool_pages / 16 + 4096);
}

static const struct file_operations map_fops = {
	.owner		= THIS_MODULE,
	.open		= map_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/* ---------------------------------------------------------- control -- */

struct edu_ctl_block {
	struct list_head list;
	unsigned int id;
	struct edu_block *b;
};

static struct {
	struct mutex lock;	/* protects blocks and next_id */
	struct list_head blocks;
	unsigned int next_id;
} edu_ctl;

static void edu_ctl_free(struct edu_ctl_block *cb)
{
	list_del(&cb->list);
	edu_obj_put(&cb->b->obj);
	kfree(cb);
}

static int edu_ctl_alloc(int nid, unsigned int order, unsigned int flags)
{
	struct edu_ctl_block *cb;
	int ret;

	cb = kzalloc(sizeof(*cb), GFP_KERNEL);
	if (!cb)
		return -ENOMEM;
	cb->b = edu_block_alloc(nid, order, flags, &ret);
	if (!cb->b) {
		kfree(cb);
		return ret;
	}
	cb->id = ++edu_ctl.next_id;
	list_add_tail(&cb->list, &edu_ctl.blocks);
	return 0;
}

/* Parse "key=value" into @val when @tok starts with @key=. */
static bool edu_ctl_arg(const char *tok, const char *key, unsigned int *val,
			int *err)
{
	size_t len = strlen(key);

	if (strncmp(tok, key, len) || tok[len] != '=')
		return false;
	*err = kstrtouint(tok + len + 1, 0, val);
	return true;
}

static int edu_ctl_exec(char *cmd)
{
	unsigned int node = NUMA_NO_NODE, order = 0, id = 0;
	unsigned int min = 0, low = 0, high = 0, flags = 0;
	bool all = false, dflt = false;
	char *verb, *tok;
	int err = 0;

	verb = strsep(&cmd, " \t");
	while (!err && (tok = strsep(&cmd, " \t"))) {
		if (!*tok)
			continue;
		if (edu_ctl_arg(tok, "node", &node, &err) ||
		    edu_ctl_arg(tok, "order", &order, &err) ||
		    edu_ctl_arg(tok, "id", &id, &err) ||
		    edu_ctl_arg(tok, "min", &min, &err) ||
		    edu_ctl_arg(tok, "low", &low, &err) ||
		    edu_ctl_arg(tok, "high", &high, &err))
			continue;
		if (!strcmp(tok, "thisnode"))
			flags |= EDU_AF_THISNODE;
		else if (!strcmp(tok, "highprio"))
			flags |= EDU_AF_HIGH;
		else if (!strcmp(tok, "nopcp"))
			flags |= EDU_AF_NOPCP;
		else if (!strcmp(tok, "all"))
			all = true;
		else if (!strcmp(tok, "default"))
			dflt = true;
		else
			err = -EINVAL;
	}
	if (err)
		return err;
	if (node != NUMA_NO_NODE) {
		if (node >= nr_node_ids || !node_online(node))
			return -EINVAL;
		node = array_index_nospec(node, nr_node_ids);
	}

	if (!strcmp(verb, "alloc")) {
		if (order > EDU_MAX_ORDER)
			return -EINVAL;
		return edu_ctl_alloc(node, order, flags);
	}
	if (!strcmp(verb, "free")) {
		struct edu_ctl_block *cb, *tmp;

		list_for_each_entry_safe(cb, tmp, &edu_ctl.blocks, list) {
			if (all || cb->id == id) {
				edu_ctl_free(cb);
				if (!all)
					return 0;
			}
		}
		return all ? 0 : -ENOENT;
	}
	if (!strcmp(verb, "drain")) {
		int nid;

		for (nid = 0; nid < MAX_NUMNODES; nid++)
			if (edu_nodes[nid] &&
			    (node == NUMA_NO_NODE || node == nid))
				edu_pcp_drain_node(edu_nodes[nid]);
		return 0;
	}
	if (!strcmp(verb, "wmark")) {
		struct edu_node *n;

		if (node == NUMA_NO_NODE || !edu_nodes[node])
			return -EINVAL;
		n = edu_nodes[node];
		if (dflt) {
			edu_pool_default_wmarks(n);
			return 0;
		}
		if (min > low || low > high || high > n->pool_pages)
			return -EINVAL;
		edu_node_set_wmarks(n, min, low, high);
		return 0;
	}
	return -EINVAL;
}

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char *buf, *nl;
	int ret;

	if (len > 256)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	mutex_lock(&edu_ctl.lock);
	ret = edu_ctl_exec(strim(buf));
	mutex_unlock(&edu_ctl.lock);
	kfree(buf);
	return ret ? ret : len;
}

static int control_show(struct seq_file *m, void *unused)
{
	struct edu_ctl_block *cb;

	seq_puts(m, "# commands: alloc [node=N] order=O [thisnode] [highprio] [nopcp]\n"
		    "#           free id=K | free all | drain [node=N]\n"
		    "#           wmark node=N min=A low=B high=C | wmark node=N default\n"
		    "# id node order pfn\n");
	mutex_lock(&edu_ctl.lock);
	list_for_each_entry(cb, &edu_ctl.blocks, list)
		seq_printf(m, "%u %d %u 0x%lx\n", cb->id, cb->b->ref.node->nid,
			   cb->b->ref.order,
			   edu_idx_to_pfn(cb->b->ref.node, cb->b->ref.idx));
	mutex_unlock(&edu_ctl.lock);
	return 0;
}

static int control_open(struct inode *inode, struct file *file)
{
	return single_open(file, control_show, NULL);
}

static const struct file_operations control_fops = {
	.owner		= THIS_MODULE,
	.open		= control_open,
	.read		= seq_read,
	.write		= control_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static struct dentry *edu_buddy_dentries[MAX_NUMNODES + 4];

int edu_buddy_init(void)
{
	struct dentry **d = edu_buddy_dentries;
	int nid, ret;

	mutex_init(&edu_ctl.lock);
	INIT_LIST_HEAD(&edu_ctl.blocks);
	ret = edu_pools_create();
	if (ret)
		return ret;

	/* Root-only: PFNs are shown. */
	*d++ = debugfs_create_file("buddyinfo", 0400, edu_debugfs_root, NULL,
				   &buddyinfo_fops);
	*d++ = debugfs_create_file("pcp", 0400, edu_debugfs_root, NULL,
				   &pcp_fops);
	*d++ = debugfs_create_file("fragmentation", 0400, edu_debugfs_root,
				   NULL, &fragmentation_fops);
	*d++ = debugfs_create_file("control", 0600, edu_debugfs_root, NULL,
				   &control_fops);
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_node *n = edu_nodes[nid];
		char name[16];

		if (!n)
			continue;
		snprintf(name, sizeof(name), "node%d", nid);
		*d = debugfs_create_dir(name, edu_debugfs_root);
		debugfs_create_file("stats", 0400, *d, n, &stats_fops);
		debugfs_create_file("watermarks", 0400, *d, n,
				    &watermarks_fops);
		debugfs_create_file("free_lists", 0400, *d, n,
				    &free_lists_fops);
		debugfs_create_file("map", 0400, *d, n, &map_fops);
		d++;
	}
	return 0;
}

void edu_buddy_exit(void)
{
	struct edu_ctl_block *cb, *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(edu_buddy_dentries); i++)
		debugfs_remove_recursive(edu_buddy_dentries[i]);
	memset(edu_buddy_dentries, 0, sizeof(edu_buddy_dentries));
	list_for_each_entry_safe(cb, tmp, &edu_ctl.blocks, list)
		edu_ctl_free(cb);
	edu_pools_destroy();
}
