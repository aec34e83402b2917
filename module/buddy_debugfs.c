// SPDX-License-Identifier: GPL-2.0-only
/*
 * The buddy allocator's debugfs views under /sys/kernel/debug/edualloc/
 * (buddyinfo, pcp, fragmentation, node<N>/{stats,watermarks,free_lists,map})
 * and its "control" file.
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
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "buddy.h"
#include "buddy_dev.h"
#include "edualloc.h"
#include "pool.h"

/* Free blocks per order of @n, one copy under its lock. */
static void edu_copy_nr_free(struct edu_node *n, unsigned long *nr_free)
{
	unsigned int o;

	spin_lock(&n->lock);
	for (o = 0; o <= EDU_MAX_ORDER; o++)
		nr_free[o] = n->free_area[o].nr_free;
	spin_unlock(&n->lock);
}

static int buddyinfo_show(struct seq_file *m, void *unused)
{
	unsigned long nr_free[EDU_NR_ORDERS];
	unsigned int o;
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_node *n = edu_nodes[nid];

		if (!n)
			continue;
		edu_copy_nr_free(n, nr_free);
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
		edu_copy_nr_free(n, nr_free);
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
	seq_puts(m, "# the shrinker: chunks given back to the kernel, taken again\n");
	seq_printf(m, "pool_cap_pages  %lu\n", n->span_pages);
	seq_printf(m, "chunks_returned %lu\n", READ_ONCE(n->chunks_returned));
	seq_printf(m, "chunks_regrown  %lu\n", READ_ONCE(n->chunks_regrown));
	seq_printf(m, "grow_failures   %lu\n", READ_ONCE(n->grow_failures));
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
#define EDU_MAP_STEP	EDU_CHUNK_PAGES	/* meta bytes copied per lock hold */

/*
 * One character per page: the order (0-9, A for 10) of the free block it
 * belongs to, '#' allocated, 'S' slab, 'p' on a per-CPU list.  One line is
 * 64 pages, one chunk 16 lines; an empty chunk slot (given back to the
 * kernel by the shrinker) is one line.
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
	for (base = 0; base < n->span_pages; base += EDU_MAP_STEP) {
		spin_lock(&n->lock);
		memcpy(meta, n->meta + base, EDU_MAP_STEP);
		spin_unlock(&n->lock);
		if (EDU_PM_STATE(meta[0]) == EDU_PM_ABSENT) {
			seq_printf(m, "chunk %lu: with the kernel (shrinker)\n",
				   base / EDU_CHUNK_PAGES);
			continue;
		}
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
					   READ_ONCE(n->chunks[idx / EDU_CHUNK_PAGES].pfn));
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
				n->span_pages + n->span_pages / 16 + 4096);
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

	verb = edu_ctl_word(&cmd);
	if (!verb)
		return -EINVAL;
	while (!err && (tok = edu_ctl_word(&cmd))) {
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
		int nid;

		if (edu_uapi_node(node, &nid))
			return -EINVAL;
		node = nid;
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
		if (min > low || low > high || high > n->span_pages)
			return -EINVAL;
		edu_node_set_wmarks(n, min, low, high);
		return 0;
	}
	return -EINVAL;
}

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	return edu_ctl_write(ubuf, len, 256, &edu_ctl.lock, edu_ctl_exec);
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

EDU_DEFINE_SHOW_STORE_ATTRIBUTE(control);

static struct dentry *edu_buddy_dentries[MAX_NUMNODES + 4];

void edu_buddy_debugfs_init(void)
{
	struct dentry **d = edu_buddy_dentries;
	int nid;

	mutex_init(&edu_ctl.lock);
	INIT_LIST_HEAD(&edu_ctl.blocks);

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
}

/* Before the pools go: the control file's blocks are theirs. */
void edu_buddy_debugfs_exit(void)
{
	struct edu_ctl_block *cb, *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(edu_buddy_dentries); i++)
		debugfs_remove_recursive(edu_buddy_dentries[i]);
	memset(edu_buddy_dentries, 0, sizeof(edu_buddy_dentries));
	list_for_each_entry_safe(cb, tmp, &edu_ctl.blocks, list)
		edu_ctl_free(cb);
}
