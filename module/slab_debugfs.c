// SPDX-License-Identifier: GPL-2.0-only
/*
 * The slab allocator's debugfs files: edualloc/slabinfo, the views of
 * edualloc/slab/<cache>/ (stats, partial, cpu, layout; validate and shrink
 * to write) and edualloc/slab/control.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": slab: " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "slab.h"

static struct dentry *edu_slab_dir;
static struct dentry *edu_slabinfo_dentry;
static struct dentry *edu_slab_ctl_dentry;

struct edu_cache_counts {
	unsigned long slabs, active_slabs, objs, inuse, quarantined;
	unsigned long partial, full;
};

static void edu_cache_count(struct edu_cache *c, struct edu_cache_counts *k)
{
	int nid;

	memset(k, 0, sizeof(*k));
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_cache_node *n = c->node[nid];
		struct edu_slab *s;
		int l;

		if (!n)
			continue;
		spin_lock(&n->lock);
		for (l = 0; l < 2; l++) {
			list_for_each_entry(s, l ? &n->full : &n->partial,
					    list) {
				k->slabs++;
				k->active_slabs += s->inuse != 0;
				k->inuse += s->inuse;
				k->quarantined += s->quarantined;
			}
		}
		k->partial += n->nr_partial;
		k->full += n->nr_full;
		spin_unlock(&n->lock);
	}
	k->objs = k->slabs * c->objects;
}

/*
 * /proc/slabinfo's format.  active_objs: objects off the freelists minus
 * those cached in CPU magazines (SLUB counts its per-CPU slab's objects as
 * active instead); objsize is the slot stride as in SLUB; the tunables are
 * the magazine capacity and batch, sharedfactor 0.
 */
static int slabinfo_show(struct seq_file *m, void *unused)
{
	struct edu_cache_counts k;
	struct edu_cache *c;

	seq_puts(m, "slabinfo - version: 2.1\n");
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>");
	seq_puts(m, " : tunables <limit> <batchcount> <sharedfactor>");
	seq_puts(m, " : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	mutex_lock(&edu_slab_mutex);
	list_for_each_entry(c, &edu_slab_caches, list) {
		unsigned long cached = edu_cpu_cached(c);

		edu_cache_count(c, &k);
		seq_printf(m, "%-17s %6lu %6lu %6u %4u %4d", c->dname,
			   k.inuse - min(k.inuse, cached), k.objs, c->stride,
			   c->objects, 1 << c->order);
		seq_printf(m, " : tunables %4u %4u %4u", c->mag_size,
			   c->batch, 0);
		seq_printf(m, " : slabdata %6lu %6lu %6lu\n", k.active_slabs,
			   k.slabs, 0UL);
	}
	mutex_unlock(&edu_slab_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(slabinfo);

static const char *const edu_stat_names[EDU_ST_NR] = {
	[EDU_ST_ALLOC_FAST]	= "alloc_fastpath",
	[EDU_ST_ALLOC_SLOW]	= "alloc_slowpath",
	[EDU_ST_FREE_FAST]	= "free_fastpath",
	[EDU_ST_FREE_SLOW]	= "free_slowpath",
	[EDU_ST_REMOTE_FREE]	= "free_remote",
	[EDU_ST_REFILL]		= "cpu_refill",
	[EDU_ST_REFILL_PARTIAL]	= "refill_partial_objs",
	[EDU_ST_FLUSH]		= "cpu_flush",
	[EDU_ST_FLUSH_OBJS]	= "cpu_flush_objs",
	[EDU_ST_NEW_SLAB]	= "slab_new",
	[EDU_ST_SLAB_FREE]	= "slab_free",
	[EDU_ST_ALLOC_FAIL]	= "alloc_failed",
};

static int stats_show(struct seq_file *m, void *unused)
{
	struct edu_cache *c = m->private;
	unsigned long sum[EDU_ST_NR];
	struct edu_cache_counts k;
	int i;

	edu_cache_stats_sum(c, sum);
	edu_cache_count(c, &k);
	seq_printf(m, "name                %s\n", c->name);
	seq_printf(m, "object_size         %u\n", c->size);
	seq_printf(m, "align               %u\n", c->align);
	seq_printf(m, "stride              %u\n", c->stride);
	seq_printf(m, "objects_per_slab    %u\n", c->objects);
	seq_printf(m, "order               %u\n", c->order);
	seq_printf(m, "flags               %s%s%s%s%s\n",
		   c->flags & EDU_CACHE_RED_ZONE ? "red_zone " : "",
		   c->flags & EDU_CACHE_POISON ? "poison " : "",
		   c->flags & EDU_CACHE_CONSISTENCY ? "consistency " : "",
		   c->flags & EDU_CACHE_HARDENED ? "hardened " : "",
		   c->flags ? "" : "none");
	seq_printf(m, "node                %d\n", c->nid);
	seq_printf(m, "min_partial         %u\n", c->min_partial);
	seq_printf(m, "magazine            %u (batch %u)\n", c->mag_size,
		   c->batch);
	seq_printf(m, "slabs               %lu\n", k.slabs);
	seq_printf(m, "slabs_partial       %lu\n", k.partial);
	seq_printf(m, "slabs_full          %lu\n", k.full);
	seq_printf(m, "objects             %lu\n", k.objs);
	seq_printf(m, "objects_inuse       %lu\n", k.inuse);
	seq_printf(m, "objects_cpu_cached  %lu\n", edu_cpu_cached(c));
	seq_printf(m, "objects_quarantined %lu\n", k.quarantined);
	for (i = 0; i < EDU_ST_NR; i++)
		seq_printf(m, "%-19s %lu\n", edu_stat_names[i], sum[i]);
	for (i = 0; i < EDU_ERR_NR; i++)
		seq_printf(m, "error_%-13s %ld\n", edu_slab_err_names[i],
			   atomic_long_read(&c->err[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/* Partial slabs per node; printed under the node lock, at most 64 each. */
static int partial_show(struct seq_file *m, void *unused)
{
	struct edu_cache *c = m->private;
	int nid;

	seq_puts(m, "# node: slab_id pfn inuse/objects [quarantined]\n");
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_cache_node *n = c->node[nid];
		struct edu_slab *s;
		int shown = 0;

		if (!n)
			continue;
		spin_lock(&n->lock);
		seq_printf(m, "node %d: %lu partial, %lu full\n", nid,
			   n->nr_partial, n->nr_full);
		list_for_each_entry(s, &n->partial, list) {
			if (++shown > 64) {
				seq_puts(m, "  ...\n");
				break;
			}
			seq_printf(m, "  slab %lu pfn 0x%lx %u/%u", s->id,
				   edu_idx_to_pfn(s->node, s->idx), s->inuse,
				   c->objects);
			if (s->quarantined)
				seq_printf(m, " quarantined %u", s->quarantined);
			seq_putc(m, '\n');
		}
		spin_unlock(&n->lock);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(partial);

static int cpu_show(struct seq_file *m, void *unused)
{
	struct edu_cache *c = m->private;
	int cpu;

	seq_puts(m, "# cpu home_node cached/capacity alloc_fast alloc_slow free_fast free_slow free_remote refills flushes\n");
	for_each_possible_cpu(cpu) {
		struct edu_cache_cpu *cc = per_cpu_ptr(c->cpu, cpu);
		struct edu_slab_stats *st = per_cpu_ptr(c->stats, cpu);

		seq_printf(m, "%3d %4d %4u/%-4u %10lu %10lu %9lu %9lu %11lu %7lu %7lu\n",
			   cpu, cc->nid, READ_ONCE(cc->count), c->mag_size,
			   READ_ONCE(st->n[EDU_ST_ALLOC_FAST]),
			   READ_ONCE(st->n[EDU_ST_ALLOC_SLOW]),
			   READ_ONCE(st->n[EDU_ST_FREE_FAST]),
			   READ_ONCE(st->n[EDU_ST_FREE_SLOW]),
			   READ_ONCE(st->n[EDU_ST_REMOTE_FREE]),
			   READ_ONCE(st->n[EDU_ST_REFILL]),
			   READ_ONCE(st->n[EDU_ST_FLUSH]));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cpu);

/*
 * One slab drawn: the first partial slab, else the first full one, of the
 * first node that has one.  Object states come from the debug state array
 * or, without it, from walking the freelist ('u': off the freelist, in use
 * or in a CPU magazine).
 */
static void edu_layout_slab(struct seq_file *m, struct edu_cache *c,
			    struct edu_slab *s)
{
	unsigned int *order, i, nr = 0;
	char *map;
	void *p;

	map = kmalloc(c->objects + 1, GFP_ATOMIC);
	order = kcalloc(c->objects, sizeof(*order), GFP_ATOMIC);
	if (!map || !order)
		goto out;
	for (i = 0; i < c->objects; i++) {
		static const char st[] = { '.', 'U', 'X', 'Q' };

		map[i] = s->state ? st[s->state[i]] : 'u';
	}
	map[c->objects] = 0;
	for (p = s->freelist; p && nr < c->objects; p = edu_fp_get(c, p)) {
		if (!edu_fp_valid(c, s, p))
			break;
		i = edu_slab_obj_index(c, s, p);
		if (!s->state)
			map[i] = '.';
		order[nr++] = i;
	}
	seq_printf(m, "slab %lu: node %d pfn 0x%lx, %lu pages, %u/%u in use, %u quarantined\n",
		   s->id, s->node->nid, edu_idx_to_pfn(s->node, s->idx),
		   1UL << c->order, s->inuse, c->objects, s->quarantined);
	seq_puts(m, "objects (. free, U in use, u in use or in a CPU magazine, X in use and damaged, Q quarantined):\n");
	for (i = 0; i < c->objects; i += 64)
		seq_printf(m, "  %4u %.64s\n", i, map + i);
	seq_puts(m, "freelist order (slot numbers, first taken first):\n ");
	for (i = 0; i < nr; i++) {
		seq_printf(m, " %u", order[i]);
		if (i == 255 && nr > 256) {
			seq_puts(m, " ...");
			break;
		}
	}
	seq_putc(m, '\n');
out:
	kfree(order);
	kfree(map);
}

static int layout_show(struct seq_file *m, void *unused)
{
	struct edu_cache *c = m->private;
	unsigned int left_rz = c->obj_offset;
	unsigned int right_rz = c->rz_end - c->obj_offset - c->size;
	int nid;

	seq_printf(m, "cache %s: object %u B, align %u, slot %u B, %u slots in %lu B (order %u), %lu B unused at the end\n",
		   c->name, c->size, c->align, c->stride, c->objects,
		   PAGE_SIZE << c->order, c->order,
		   (PAGE_SIZE << c->order) - (unsigned long)c->objects *
		   c->stride);
	seq_puts(m, "slot:");
	if (c->flags & EDU_CACHE_RED_ZONE)
		seq_printf(m, " [red zone %u B @0]", left_rz);
	seq_printf(m, " [object %u B @%u]", c->size, c->obj_offset);
	if (c->flags & EDU_CACHE_RED_ZONE)
		seq_printf(m, " [red zone %u B @%u]", right_rz,
			   c->obj_offset + c->size);
	if (c->flags & (EDU_CACHE_RED_ZONE | EDU_CACHE_POISON))
		seq_printf(m, " [free pointer 8 B @%u]", c->fp_offset);
	else
		seq_printf(m, " (free pointer inside the free object @%u)",
			   c->fp_offset);
	seq_printf(m, " [pad %u B]\n", c->stride -
		   max(c->rz_end, c->fp_offset + (unsigned int)sizeof(void *)));
	seq_printf(m, "free pointers: %s\n", c->flags & EDU_CACHE_HARDENED ?
		   "hardened (ptr ^ secret ^ swab(location))" : "plain");
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_cache_node *n = c->node[nid];
		struct edu_slab *s = NULL;

		if (!n)
			continue;
		spin_lock(&n->lock);
		s = list_first_entry_or_null(&n->partial, struct edu_slab,
					     list);
		if (!s)
			s = list_first_entry_or_null(&n->full, struct edu_slab,
						     list);
		if (s)
			edu_layout_slab(m, c, s);
		spin_unlock(&n->lock);
		if (s)
			return 0;
	}
	seq_puts(m, "(no slab yet)\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(layout);

static ssize_t validate_write(struct file *file, const char __user *buf,
			      size_t len, loff_t *ppos)
{
	struct edu_cache *c = file_inode(file)->i_private;
	unsigned long errors = edu_cache_validate(c);

	pr_info("cache %s: validate found %lu problems\n", c->name, errors);
	return len;
}

static const struct file_operations validate_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= validate_write,
	.llseek	= noop_llseek,
};

static ssize_t shrink_write(struct file *file, const char __user *buf,
			    size_t len, loff_t *ppos)
{
	edu_cache_shrink(file_inode(file)->i_private);
	return len;
}

static const struct file_operations shrink_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= shrink_write,
	.llseek	= noop_llseek,
};

/*
 * slab/control: caches and objects for the guided tour and quick
 * experiments from a shell, without a program.  Commands (one per write):
 *
 *   create NAME SIZE [redzone] [poison] [consistency] [hardened] [debug]
 *   alloc NAME COUNT       allocate COUNT objects, kept by the file
 *   free NAME COUNT        free the COUNT most recent ones
 *   corrupt NAME redzone   write one byte past the most recent object
 *   corrupt NAME uaf       free the most recent object, then write into it
 *   destroy NAME           free its objects, destroy the cache
 *
 * Reading lists the caches and how many objects each holds.  All under
 * edu_slab_ctl.lock, a mutex taken before any allocator lock.
 */
struct edu_ctl_cache {
	struct list_head list;
	struct edu_cache *cache;
	void **objs;
	unsigned int nr, cap;
};

static struct {
	struct mutex lock;		/* guards caches and each entry */
	struct list_head caches;
} edu_slab_ctl;

static struct edu_ctl_cache *edu_ctl_find(const char *name)
{
	struct edu_ctl_cache *cc;

	list_for_each_entry(cc, &edu_slab_ctl.caches, list)
		if (!strcmp(cc->cache->name, name))
			return cc;
	return NULL;
}

static void edu_ctl_destroy(struct edu_ctl_cache *cc)
{
	while (cc->nr)
		edu_cache_free(cc->cache, cc->objs[--cc->nr]);
	edu_cache_destroy(cc->cache);
	list_del(&cc->list);
	kvfree(cc->objs);
	kfree(cc);
}

static int edu_ctl_create(char *name, char *args)
{
	static const struct { const char *word; unsigned int flag; } fl[] = {
		{ "redzone", EDU_CACHE_RED_ZONE },
		{ "poison", EDU_CACHE_POISON },
		{ "consistency", EDU_CACHE_CONSISTENCY },
		{ "hardened", EDU_CACHE_HARDENED },
		{ "debug", EDU_CACHE_DEBUG },
	};
	unsigned int size, flags = 0, i;
	struct edu_ctl_cache *cc;
	struct edu_cache *c;
	char *w;

	w = edu_ctl_word(&args);
	if (!edu_cache_name_ok(name) || !w || kstrtouint(w, 0, &size) ||
	    edu_ctl_find(name))
		return -EINVAL;
	while ((w = edu_ctl_word(&args))) {
		for (i = 0; i < ARRAY_SIZE(fl); i++)
			if (!strcmp(w, fl[i].word))
				break;
		if (i == ARRAY_SIZE(fl))
			return -EINVAL;
		flags |= fl[i].flag;
	}
	cc = kzalloc(sizeof(*cc), GFP_KERNEL);
	if (!cc)
		return -ENOMEM;
	c = edu_cache_create(name, size, 0, flags, NUMA_NO_NODE, false);
	if (IS_ERR(c)) {
		kfree(cc);
		return PTR_ERR(c);
	}
	cc->cache = c;
	list_add_tail(&cc->list, &edu_slab_ctl.caches);
	return 0;
}

static int edu_ctl_alloc(struct edu_ctl_cache *cc, unsigned int count)
{
	if (count > EDU_BATCH_MAX - cc->nr)
		return -EINVAL;
	if (cc->nr + count > cc->cap) {
		unsigned int cap = cc->nr + count;
		void **objs = kvmalloc_array(cap, sizeof(*objs), GFP_KERNEL);

		if (!objs)
			return -ENOMEM;
		if (cc->nr)
			memcpy(objs, cc->objs, cc->nr * sizeof(*objs));
		kvfree(cc->objs);
		cc->objs = objs;
		cc->cap = cap;
	}
	while (count--) {
		void *obj = edu_cache_alloc(cc->cache, NUMA_NO_NODE);

		if (!obj)
			return -ENOMEM;
		cc->objs[cc->nr++] = obj;
	}
	return 0;
}

static int edu_ctl_exec(char *cmd)
{
	char *verb = edu_ctl_word(&cmd);
	char *name = edu_ctl_word(&cmd);
	struct edu_ctl_cache *cc;
	unsigned int count;
	char *arg;

	if (!verb || !name)
		return -EINVAL;
	if (!strcmp(verb, "create"))
		return edu_ctl_create(name, cmd);
	cc = edu_ctl_find(name);
	if (!cc)
		return -ENOENT;
	if (!strcmp(verb, "destroy")) {
		edu_ctl_destroy(cc);
		return 0;
	}
	/* Every other command has one more word, its last. */
	arg = edu_ctl_word(&cmd);
	if (!arg || edu_ctl_word(&cmd))
		return -EINVAL;
	if (!strcmp(verb, "corrupt")) {
		unsigned int kind;

		if (!cc->nr)
			return -EINVAL;
		if (!strcmp(arg, "redzone"))
			kind = EDU_CORRUPT_REDZONE;
		else if (!strcmp(arg, "uaf"))
			kind = EDU_CORRUPT_USE_AFTER_FREE;
		else
			return -EINVAL;
		if (edu_debug_corrupt_check(cc->cache, kind, NULL))
			return -EINVAL;
		edu_debug_corrupt(cc->cache, cc->objs[cc->nr - 1], kind, NULL);
		if (kind == EDU_CORRUPT_USE_AFTER_FREE)
			cc->nr--;
		return 0;
	}
	if (kstrtouint(arg, 0, &count))
		return -EINVAL;
	if (!strcmp(verb, "alloc"))
		return edu_ctl_alloc(cc, count);
	if (!strcmp(verb, "free")) {
		if (count > cc->nr)
			return -EINVAL;
		while (count--)
			edu_cache_free(cc->cache, cc->objs[--cc->nr]);
		return 0;
	}
	return -EINVAL;
}

static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	return edu_ctl_write(ubuf, len, 127, &edu_slab_ctl.lock, edu_ctl_exec);
}

static int control_show(struct seq_file *m, void *unused)
{
	struct edu_ctl_cache *cc;

	seq_puts(m, "# create NAME SIZE [redzone|poison|consistency|hardened|debug]..., alloc NAME N, free NAME N, corrupt NAME redzone|uaf, destroy NAME\n");
	mutex_lock(&edu_slab_ctl.lock);
	list_for_each_entry(cc, &edu_slab_ctl.caches, list)
		seq_printf(m, "%s %u\n", cc->cache->dname, cc->nr);
	mutex_unlock(&edu_slab_ctl.lock);
	return 0;
}

EDU_DEFINE_SHOW_STORE_ATTRIBUTE(control);

void edu_slab_debugfs_add(struct edu_cache *c)
{
	c->dir = debugfs_create_dir(c->dname, edu_slab_dir);
	debugfs_create_file("stats", 0400, c->dir, c, &stats_fops);
	debugfs_create_file("partial", 0400, c->dir, c, &partial_fops);
	debugfs_create_file("cpu", 0400, c->dir, c, &cpu_fops);
	debugfs_create_file("layout", 0400, c->dir, c, &layout_fops);
	debugfs_create_file("validate", 0200, c->dir, c, &validate_fops);
	debugfs_create_file("shrink", 0200, c->dir, c, &shrink_fops);
}

void edu_slab_debugfs_del(struct edu_cache *c)
{
	debugfs_remove_recursive(c->dir);
	c->dir = NULL;
}

int edu_slab_debugfs_init(void)
{
	mutex_init(&edu_slab_ctl.lock);
	INIT_LIST_HEAD(&edu_slab_ctl.caches);
	edu_slabinfo_dentry = debugfs_create_file("slabinfo", 0400,
						  edu_debugfs_root, NULL,
						  &slabinfo_fops);
	edu_slab_dir = debugfs_create_dir("slab", edu_debugfs_root);
	edu_slab_ctl_dentry = debugfs_create_file("control", 0600, edu_slab_dir,
						  NULL, &control_fops);
	return 0;
}

void edu_slab_debugfs_exit(void)
{
	struct edu_ctl_cache *cc, *tmp;

	/* No writer can be inside control once it is gone. */
	debugfs_remove(edu_slab_ctl_dentry);
	edu_slab_ctl_dentry = NULL;
	list_for_each_entry_safe(cc, tmp, &edu_slab_ctl.caches, list)
		edu_ctl_destroy(cc);
	debugfs_remove_recursive(edu_slab_dir);
	debugfs_remove(edu_slabinfo_dentry);
	edu_slab_dir = NULL;
	edu_slabinfo_dentry = NULL;
}
