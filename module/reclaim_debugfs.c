// SPDX-License-Identifier: GPL-2.0-only
/*
 * The views of reclaim: "reclaim", per node its LRU lists, its kswapd and
 * the counters of /proc/vmstat's names; "swap", the swap area's use and
 * which area pages its slots hold.  One control, "reclaim_control"
 * (write-only): "reclaim node=N pages=P" evicts P pages of node N now,
 * as a write to a cgroup's memory.reclaim does (EAGAIN if it stops short).
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "buddy.h"
#include "edualloc.h"
#include "reclaim.h"
#include "swap.h"

static int reclaim_show(struct seq_file *m, void *unused)
{
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_lruvec *v = edu_lruvecs[nid];
		struct edu_node *n = edu_nodes[nid];
		struct edu_reclaim_stat st;
		struct edu_lru_stat ls;
		unsigned long inactive, active, fifo, clock;
		enum edu_lru_policy policy;

		if (!v)
			continue;
		spin_lock(&v->lock);
		st = v->stat;
		ls = v->lru.stat;
		policy = v->lru.policy;
		inactive = v->lru.nr_inactive;
		active = v->lru.nr_active;
		fifo = v->lru.nr_fifo;
		clock = v->lru.nr_clock;
		spin_unlock(&v->lock);
		seq_printf(m, "node %d policy %s\n", nid,
			   edu_lru_policy_name(policy));
		seq_printf(m, "  free %lu min %lu low %lu high %lu\n",
			   READ_ONCE(n->free_pages), n->wmark[EDU_WMARK_MIN],
			   n->wmark[EDU_WMARK_LOW], n->wmark[EDU_WMARK_HIGH]);
		seq_printf(m, "  nr_inactive %lu nr_active %lu nr_fifo %lu nr_clock %lu\n",
			   inactive, active, fifo, clock);
		seq_printf(m, "  kswapd %s\n",
			   test_bit(EDU_KSWAPD_RUNNING, &v->kswapd_flags) ?
			   "running" : "sleeping");
		seq_printf(m, "  pgscan_kswapd %lu\n  pgsteal_kswapd %lu\n",
			   st.pgscan_kswapd, st.pgsteal_kswapd);
		seq_printf(m, "  pgscan_direct %lu\n  pgsteal_direct %lu\n",
			   st.pgscan_direct, st.pgsteal_direct);
		seq_printf(m, "  allocstall %lu\n  pageoutrun %lu\n",
			   st.allocstall, st.pageoutrun);
		seq_printf(m, "  pgactivate %lu\n  pgdeactivate %lu\n  pgrefill %lu\n",
			   ls.pgactivate, ls.pgdeactivate, ls.pgrefill);
		seq_printf(m, "  pgrotated %lu\n  second_chances %lu\n  evict_failed %lu\n",
			   ls.pgrotated, ls.kept, st.evict_failed);
		seq_printf(m, "  workingset_refault %lu\n  workingset_activate %lu\n",
			   ls.workingset_refault, ls.workingset_activate);
		seq_printf(m, "  pgsteal_anon %lu\n  pgsteal_file %lu\n  nr_vmscan_write %lu\n  dirty_kept %lu\n",
			   st.pgsteal_anon, st.pgsteal_file,
			   st.nr_vmscan_write, st.dirty_kept);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(reclaim);

static int swap_show(struct seq_file *m, void *unused)
{
	struct edu_swap_stat s;

	edu_swap_stat(&s);
	seq_printf(m, "slots %lu\nused %lu\npswpout %lu\npswpin %lu\nfailed %lu\n",
		   s.slots, s.used, s.pswpout, s.pswpin, s.failed);
	edu_swap_show_map(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(swap);

static DEFINE_MUTEX(edu_reclaim_ctl_lock);	/* one command at a time */

static int edu_reclaim_ctl_exec(char *cmd)
{
	unsigned long pages = 0;
	unsigned int node = 0;
	bool have_node = false;
	char *verb, *tok;
	int nid, err = 0;

	verb = edu_ctl_word(&cmd);
	if (!verb || strcmp(verb, "reclaim"))
		return -EINVAL;
	while (!err && (tok = edu_ctl_word(&cmd))) {
		if (!strncmp(tok, "node=", 5)) {
			err = kstrtouint(tok + 5, 0, &node);
			have_node = true;
		} else if (!strncmp(tok, "pages=", 6)) {
			err = kstrtoul(tok + 6, 0, &pages);
		} else {
			err = -EINVAL;
		}
	}
	if (err || !have_node || !pages || edu_uapi_node(node, &nid) ||
	    !edu_lruvecs[nid])
		return -EINVAL;
	return edu_reclaim_proactive(nid, pages);
}

static ssize_t reclaim_control_write(struct file *file,
				     const char __user *ubuf, size_t len,
				     loff_t *ppos)
{
	return edu_ctl_write(ubuf, len, 64, &edu_reclaim_ctl_lock,
			     edu_reclaim_ctl_exec);
}

static const struct file_operations reclaim_control_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = reclaim_control_write,
	.llseek = noop_llseek,
};

static struct dentry *edu_reclaim_dentry, *edu_swap_dentry, *edu_rctl_dentry;

void edu_reclaim_debugfs_init(void)
{
	edu_reclaim_dentry = debugfs_create_file("reclaim", 0400,
						 edu_debugfs_root, NULL,
						 &reclaim_fops);
	edu_swap_dentry = debugfs_create_file("swap", 0400, edu_debugfs_root,
					      NULL, &swap_fops);
	edu_rctl_dentry = debugfs_create_file("reclaim_control", 0200,
					      edu_debugfs_root, NULL,
					      &reclaim_control_fops);
}

void edu_reclaim_debugfs_exit(void)
{
	debugfs_remove(edu_reclaim_dentry);
	debugfs_remove(edu_swap_dentry);
	debugfs_remove(edu_rctl_dentry);
	edu_reclaim_dentry = NULL;
	edu_swap_dentry = NULL;
	edu_rctl_dentry = NULL;
}
