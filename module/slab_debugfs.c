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

#define EDU_PARTIAL_SHOWN	64	/* partial slabs listed per node */

struct edu_partial_row {
	unsigned long id, pfn;
	unsigned int inuse, quarantined;
};

/*
 * Partial slabs per node, at most EDU_PARTIAL_SHOWN each.  The rows are
 * copied under the node lock into a buffer allocated before it, sized from
 * the count read without the lock; if the list grew in between, the copy
 * starts over with a larger buffer (a few times at most, then the rows
 * that fit are shown).  Printing happens after unlocking.
 */
static int partial_show(struct seq_file *m, void *unused)
{
	struct edu_cache *c = m->private;
	struct edu_partial_row *rows = NULL;
	unsigned long nr_partial, nr_full;
	unsigned int cap = 0, want, shown, i;
	int nid, tries;

	seq_puts(m, "# node: slab_id pfn inuse/objects [quarantined]\n");
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_cache_node *n = c->node[nid];
		struct edu_slab *s;

		if (!n)
			continue;
		for (tries = 0; ; tries++) {
			want = min_t(unsigned long, READ_ONCE(n->nr_partial),
				     EDU_PARTIAL_SHOWN);
			if (want > cap) {
				kfree(rows);
				rows = kmalloc_array(want, sizeof(*rows),
						     GFP_KERNEL);
				if (!rows)
					return -ENOMEM;
				cap = want;
			}
			spin_lock(&n->lock);
			if (min_t(unsigned long, n->nr_partial,
				  EDU_PARTIAL_SHOWN) <= cap || tries == 3)
				break;
			spin_unlock(&n->lock);
		}
		nr_partial = n->nr_partial;
		nr_full = n->nr_full;
		shown = 0;
		list_for_each_entry(s, &n->partial, list) {
			if (shown == cap)
				break;
			rows[shown].id = s->id;
			rows[shown].pfn = edu_idx_to_pfn(s->node, s->idx);
			rows[shown].inuse = s->inuse;
			rows[shown].quarantined = s->quarantined;
			shown++;
		}
		spin_unlock(&n->lock);

		seq_printf(m, "node %d: %lu partial, %lu full\n", nid,
			   nr_partial, nr_full);
		for (i = 0; i < shown; i++) {
			seq_printf(m, "  slab %lu pfn 0x%lx %u/%u", rows[i].id,
				   rows[i].pfn, rows[i].inuse, c->objects);
			if (rows[i].quarantined)
				seq_printf(m, " quarantined %u",
					   rows[i].quarantined);
			seq_putc(m, '\n');
		}
		if (nr_partial > shown)
			seq_puts(m, "  ...\n");
	}
	kfree(rows);
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

/* What the layout view shows of one slab, copied under its node lock. */
struct edu_layout_copy {
	unsigned long id, pfn;
	int nid;
	unsigned int inuse, quarantined;
	char *map;		/* one character per object, NUL-terminated */
	unsigned int *order;	/* freelist, as slot numbers */
	unsigned int nr;	/* entries in @order */
};

/*
 * Copy slab @s (under its node lock): object states come from the debug
 * state array or, without it, from walking the freelist ('u': off the
 * freelist, in use or in a CPU magazine).
 */
static void edu_layout_copy(struct edu_cache *c, struct edu_slab *s,
			    struct edu_layout_copy *l)
{
	static const char st[] = { '.', 'U', 'X', 'Q' };
	unsigned int i;
	void *p;

	for (i = 0; i < c->objects; i++)
		l->map[i] = s->state ? st[s->state[i]] : 'u';
	l->map[c->objects] = 0;
	l->nr = 0;
	for (p = s->freelist; p && l->nr < c->objects; p = edu_fp_get(c, p)) {
		if (!edu_fp_valid(c, s, p))
			break;
		i = edu_slab_obj_index(c, s, p);
		if (!s->state)
			l->map[i] = '.';
		l->order[l->nr++] = i;
	}
	l->id = s->id;
	l->nid = s->node->nid;
	l->pfn = edu_idx_to_pfn(s->node, s->idx);
	l->inuse = s->inuse;
	l->quarantined = s->quarantined;
}

static void edu_layout_print(struct seq_file *m, struct edu_cache *c,
			     const struct edu_layout_copy *l)
{
	unsigned int i;

	seq_printf(m, "slab %lu: node %d pfn 0x%lx, %lu pages, %u/%u in use, %u quarantined\n",
		   l->id, l->nid, l->pfn, 1UL << c->order, l->inuse,
		   c->objects, l->quarantined);
	seq_puts(m, "objects (. free, U in use, u in use or in a CPU magazine, X in use and damaged, Q quarantined):\n");
	for (i = 0; i < c->objects; i += 64)
		seq_printf(m, "  %4u %.64s\n", i, l->map + i);
	seq_puts(m, "freelist order (slot numbers, first taken first):\n ");
	for (i = 0; i < l->nr; i++) {
		seq_printf(m, " %u", l->order[i]);
		if (i == 255 && l->nr > 256) {
			seq_puts(m, " ...");
			break;
		}
	}
	seq_putc(m, '\n');
}

/*
 * The slot layout, and one slab drawn: the first partial slab, else the
 * first full one, of the first node that has one.  The slab is copied
 * under its node lock into buffers allocated before (sized by c->objects,
 * which never changes), and printed after unlocking.
 */
static int layout_show(struct seq_file *m, void *unused)
{
	struct edu_cache *c = m->private;
	unsigned int left_rz = c->obj_offset;
	unsigned int right_rz = c->rz_end - c->obj_offset - c->size;
	struct edu_layout_copy l;
	bool found = false;
	int nid, ret = 0;

	l.map = kmalloc(c->objects + 1, GFP_KERNEL);
	l.order = kmalloc_array(c->objects, sizeof(*l.order), GFP_KERNEL);
	if (!l.map || !l.order) {
		ret = -ENOMEM;
		goto out;
	}
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
	for (nid = 0; nid < MAX_NUMNODES && !found; nid++) {
		struct edu_cache_node *n = c->node[nid];
		struct edu_slab *s;

		if (!n)
			continue;
		spin_lock(&n->lock);
		s = list_first_entry_or_null(&n->partial, struct edu_slab,
					     list);
		if (!s)
			s = list_first_entry_or_null(&n->full, struct edu_slab,
						     list);
		if (s) {
			edu_layout_copy(c, s, &l);
			found = true;
		}
		spin_unlock(&n->lock);
	}
	if (found)
		edu_layout_print(m, c, &l);
	else
		seq_puts(m, "(no slab yet)\n");
out:
	kfree(l.order);
	kfree(l.map);
	return ret;
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
