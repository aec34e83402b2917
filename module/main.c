// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc: a small, real, parallel memory manager for teaching.
 *
 * Module init and exit, the debugfs "info" file and the words of the
 * control files.  Init brings the parts up in dependency order (debugfs
 * root, buddy pools, slab caches, walker, swap, reclaim, areas, then the
 * device, so no one can open /dev/edualloc before everything behind it
 * works) and unwinds in reverse on any failure.  Each part removes its own debugfs
 * files in its exit hook before freeing what they show: debugfs removal
 * waits for readers still inside a file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <asm/pgtable.h>

#include "edualloc.h"
#include "pool.h"
#include "reclaim.h"
#include "swap.h"
#include "writeback.h"

struct dentry *edu_debugfs_root;

/*
 * A write to a control file (buddy_debugfs.c, slab_debugfs.c): at most @max
 * bytes, of which the first line is the command, run by @exec under @lock.
 */
ssize_t edu_ctl_write(const char __user *ubuf, size_t len, size_t max,
		      struct mutex *lock, int (*exec)(char *cmd))
{
	char *buf, *nl;
	int ret;

	if (len > max)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	mutex_lock(lock);
	ret = exec(buf);
	mutex_unlock(lock);
	kfree(buf);
	return ret ? ret : len;
}

/* The next word of a control command, blanks skipped; NULL at the end. */
char *edu_ctl_word(char **cmd)
{
	char *w;

	do {
		w = strsep(cmd, " \t");
	} while (w && !*w);
	return w;
}

static int info_show(struct seq_file *m, void *unused)
{
	nodemask_t pool_nodes;
	u64 pool_pages;
	int nid;

	edu_buddy_info(&pool_nodes, &pool_pages);
	seq_printf(m, "abi_version:    %u\n", EDU_ABI_VERSION);
	seq_printf(m, "online_nodes:   %u\n", num_online_nodes());
	seq_printf(m, "online_cpus:    %u\n", num_online_cpus());
	seq_printf(m, "page_size:      %lu\n", PAGE_SIZE);
	seq_printf(m, "orders:         %u (0..%u)\n", EDU_NR_ORDERS,
		   EDU_MAX_ORDER);
	seq_printf(m, "paging_levels:  %d\n", pgtable_l5_enabled() ? 5 : 4);
	seq_printf(m, "pool_pages:     %llu (%llu KiB)\n", pool_pages,
		   pool_pages * (PAGE_SIZE / 1024));
	if (edu_pool_cap_pages()) {
		/* The bookkeeping is sized for the pools' caps. */
		u64 hundredths = div64_u64(edu_pool_meta_bytes() * 100ULL,
					   edu_pool_cap_pages());

		seq_printf(m, "metadata:       %llu.%02llu bytes/page\n",
			   div_u64(hundredths, 100), hundredths % 100);
	}
	seq_printf(m, "faults_injected: %lu\n", edu_faults_injected());
	seq_puts(m, "pool_nodes:    ");
	for_each_online_node(nid)
		if (node_isset(nid, pool_nodes))
			seq_printf(m, " %d", nid);
	seq_puts(m, "\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(info);

static int __init edu_init(void)
{
	int ret;

	/* debugfs errors are not fatal by design; the views just vanish. */
	edu_debugfs_root = debugfs_create_dir("edualloc", NULL);
	debugfs_create_file("info", 0400, edu_debugfs_root, NULL, &info_fops);

	ret = edu_buddy_init();
	if (ret)
		goto err_debugfs;

	ret = edu_slab_init();
	if (ret)
		goto err_buddy;

	ret = edu_walk_init();
	if (ret)
		goto err_slab;

	ret = edu_swap_init();
	if (ret)
		goto err_walk;

	ret = edu_reclaim_init();
	if (ret)
		goto err_swap;

	ret = edu_area_init();
	if (ret)
		goto err_reclaim;

	ret = edu_writeback_init();
	if (ret)
		goto err_area;

	/* Last: it gives chunks back, which the slab's lookups must know of. */
	ret = edu_pool_shrinker_init();
	if (ret)
		goto err_writeback;

	ret = misc_register(&edu_miscdev);
	if (ret)
		goto err_shrinker;

	pr_info("loaded: %u nodes, %u cpus, device /dev/%s\n",
		num_online_nodes(), num_online_cpus(), edu_miscdev.name);
	return 0;

err_shrinker:
	edu_pool_shrinker_exit();
err_writeback:
	edu_writeback_exit();
err_area:
	edu_area_exit();
err_reclaim:
	edu_reclaim_exit();
err_swap:
	edu_swap_exit();
err_walk:
	edu_walk_exit();
err_slab:
	edu_slab_exit();
err_buddy:
	edu_buddy_exit();
err_debugfs:
	debugfs_remove_recursive(edu_debugfs_root);
	return ret;
}

static void __exit edu_exit(void)
{
	misc_deregister(&edu_miscdev);
	edu_pool_shrinker_exit();
	edu_kswapd_stop_all();	/* none may be writing a page: */
	edu_writeback_exit();	/* its last pass writes everything */
	edu_area_exit();
	edu_reclaim_exit();
	edu_swap_exit();
	edu_walk_exit();
	edu_slab_exit();
	edu_buddy_exit();
	debugfs_remove_recursive(edu_debugfs_root);
	pr_info("unloaded\n");
}

module_init(edu_init);
module_exit(edu_exit);

MODULE_DESCRIPTION("edualloc: a teaching buddy/slab allocator and page-table walker");
MODULE_AUTHOR("edualloc developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(EDU_VERSION);
