// SPDX-License-Identifier: GPL-2.0-only
/*
 * The walker's debugfs views, in /sys/kernel/debug/edualloc/:
 *
 *   layout       the kernel's address-space layout of this boot (0400)
 *   walk_target  write "PID" or "PID ADDR" to choose what maps and walk
 *                show; PID 0 means whoever reads them (0600)
 *   maps         the target's VMAs, as /proc/PID/maps plus the class and
 *                resident, huge and swapped page counts (0400)
 *   walk         ADDR of the target followed level by level, in words (0400)
 *   kbuf         kmalloc() versus vmalloc(): two buffers and their frames
 *                (0400)
 *
 * The files show what the ioctls return, to the reader: the target must be
 * readable by the reader as with ptrace, and frames and kernel addresses are
 * shown only if the file was opened with CAP_SYS_ADMIN.
 *
 * Locking: the target (edu_target) is global state, a shell convenience,
 * protected by edu_target_lock; a reader copies it and lets go before
 * walking.  The walking itself locks as pgwalk.c says.
 *
 * Kernel lockdown: debugfs then refuses to open any file that can be
 * written (walk_target: -EPERM, even to read it back); the read-only files
 * (mode 0400, no ioctl or mmap) still open.  maps and walk keep showing the
 * target set before lockdown, by default the reader itself (PID 0, and walk
 * has no address to show).  As in pagemap, which does not consult lockdown
 * either, frames and kernel addresses stay visible to CAP_SYS_ADMIN.
 */
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <edualloc_names.h>

#include "edualloc.h"
#include "pgwalk.h"

static DEFINE_MUTEX(edu_target_lock);
static struct {
	pid_t pid;		/* 0: the reader */
	unsigned long addr;
	bool has_addr;
} edu_target;

static struct dentry *edu_walk_files[5];

static bool edu_seq_privileged(struct seq_file *m)
{
	return file_ns_capable(m->file, &init_user_ns, CAP_SYS_ADMIN);
}

/* ----------------------------------------------------------- words -- */

static void edu_seq_flags(struct seq_file *m, u64 f)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(edu_pte_flag_names); i++)
		if (f & edu_pte_flag_names[i].bit)
			seq_printf(m, " %s", edu_pte_flag_names[i].name);
	if (EDU_PTE_PKEY(f))
		seq_printf(m, " pkey=%llu", EDU_PTE_PKEY(f));
}

static void edu_seq_levels(struct seq_file *m,
			   const struct edu_walk_level *lv, bool priv)
{
	unsigned int i;

	for (i = 0; i < EDU_NR_LEVELS; i++) {
		const struct edu_walk_level *l = &lv[i];

		if (l->state == EDU_ENTRY_UNUSED)
			break;
		if (l->state == EDU_ENTRY_FOLDED) {
			seq_puts(m, "  P4D       folded into the PGD entry (4-level paging: no P4D table)\n");
			continue;
		}
		seq_printf(m, "  %s[%3llu]  0x%016llx  ", edu_level_names[i],
			   l->index, l->entry);
		switch (l->state) {
		case EDU_ENTRY_NONE:
			seq_puts(m, "empty: nothing mapped below");
			break;
		case EDU_ENTRY_TABLE:
			seq_printf(m, "-> %s table",
				   edu_level_names[edu_next_level(lv, i)]);
			break;
		case EDU_ENTRY_LEAF:
			seq_printf(m, "-> %s page", edu_leaf_size(i));
			break;
		case EDU_ENTRY_PROT_NONE:
			seq_printf(m, "-> %s page, not accessible (present bit clear)",
				   edu_leaf_size(i));
			break;
		case EDU_ENTRY_NOT_PRESENT:
			seq_puts(m, "not present: a swap-style entry");
			break;
		default:
			seq_puts(m, "bad entry");
			break;
		}
		if (l->next_pfn && priv)
			seq_printf(m, " at frame %#llx", l->next_pfn);
		edu_seq_flags(m, l->flags);
		seq_putc(m, '\n');
	}
}

/* An area's page, as reclaim sees it (edu_walk_page.area). */
static void edu_seq_area(struct seq_file *m, u64 area)
{
	if (!area)
		return;
	seq_puts(m, area & EDU_WALK_AREA_FILE ?
		 "edualloc area page (file-backed): " : "edualloc area page: ");
	if (area & EDU_WALK_AREA_SWAPPED)
		seq_puts(m, "in swap, not in memory\n");
	else if (!(area & EDU_WALK_AREA_PRESENT))
		seq_puts(m, area & EDU_WALK_AREA_FILE ?
			 "only in the file: the next touch reads it (major fault)\n" :
			 "never touched, no page behind it\n");
	else if (!(area & EDU_WALK_AREA_LRU))
		seq_puts(m, "in memory, taken off the LRU lists by reclaim\n");
	else
		seq_printf(m, "in memory, on the %s list%s\n",
			   area & EDU_WALK_AREA_ACTIVE ? "active" : "inactive",
			   area & EDU_WALK_AREA_REFERENCED ?
			   ", referenced (seen used once)" : "");
	if (area & EDU_WALK_AREA_WRITEBACK)
		seq_puts(m, "writeback: being written to the file now\n");
	else if (area & EDU_WALK_AREA_DIRTY)
		seq_puts(m, "dirty: written since its last writeback; the flusher, msync() or reclaim writes it to the file\n");
	else if (area & EDU_WALK_AREA_PRESENT && area & EDU_WALK_AREA_FILE)
		seq_puts(m, "clean: the file holds the same; mapped read-only until the next write\n");
}

static void edu_seq_result(struct seq_file *m, const struct edu_walk_page *pg,
			   u64 phys, u64 eff, bool priv)
{
	const char *lvl = pg->level < EDU_NR_LEVELS ?
			  edu_level_names[pg->level] : "-";

	seq_puts(m, "result: ");
	switch (pg->result) {
	case EDU_WALK_NO_VMA:
		seq_puts(m, "no VMA covers this address: not mapped (a SIGSEGV if touched)\n");
		return;
	case EDU_WALK_NOT_PRESENT:
		if (pg->area & EDU_WALK_AREA_PRESENT)
			seq_printf(m, "not mapped here: the %s entry is empty, but the area's page is in memory; a touch is a minor fault that maps it again\n",
				   lvl);
		else if (pg->area)
			seq_printf(m, "never touched: the %s entry is empty; the first touch takes a page from the pool and clears it (a minor fault)\n",
				   lvl);
		else
			seq_printf(m, "not present: the %s entry is empty; a touch would fault a page in\n",
				   lvl);
		edu_seq_area(m, pg->area);
		return;
	case EDU_WALK_BAD:
		seq_printf(m, "the %s entry is corrupt\n", lvl);
		return;
	case EDU_WALK_SWAPPED:
		if (pg->swap_type == EDU_SWAP_TYPE_EDUALLOC ||
		    (pg->area & EDU_WALK_AREA_SWAPPED)) {
			seq_puts(m, "swapped out to edualloc's swap");
			if (priv)
				seq_printf(m, ", slot %llu", pg->swap_offset);
			seq_puts(m, ": the next touch is a major fault that reads it back\n");
			edu_seq_area(m, pg->area);
			return;
		}
		seq_puts(m, "swapped out");
		if (priv)
			seq_printf(m, " to swap area %llu, slot %#llx",
				   pg->swap_type, pg->swap_offset);
		seq_puts(m, "\n");
		return;
	case EDU_WALK_OTHER:
		seq_puts(m, "not present (hwpoison, device or marker entry)\n");
		return;
	case EDU_WALK_PTE:
	case EDU_WALK_PMD_LEAF:
	case EDU_WALK_PUD_LEAF:
		seq_printf(m, "in a %s page mapped by the %s", edu_leaf_size(pg->level),
			   lvl);
		break;
	case EDU_WALK_PROT_NONE:
		seq_printf(m, "in memory but PROT_NONE: the %s says not present, any access faults",
			   lvl);
		break;
	case EDU_WALK_NUMA_HINT:
		seq_printf(m, "in memory; NUMA balancing made the %s PROT_NONE to see who touches it",
			   lvl);
		break;
	case EDU_WALK_MIGRATING:
		seq_puts(m, "being migrated to another frame");
		break;
	}
	if (priv)
		seq_printf(m, "; frame %#llx", pg->pfn);
	if (pg->nid != EDU_NODE_NONE)
		seq_printf(m, " on node %llu", pg->nid);
	seq_printf(m, ", %s", edu_page_kind_name(pg->kind));
	if (pg->mapcount)
		seq_printf(m, ", mapped %llu time%s", pg->mapcount,
			   pg->mapcount == 1 ? "" : "s");
	seq_putc(m, '\n');
	edu_seq_area(m, pg->area);
	if (priv && phys)
		seq_printf(m, "physical address: %#llx\n", phys);
	if (eff & EDU_PTE_PRESENT)
		seq_printf(m, "the MMU allows: %s, %s, %s\n",
			   eff & EDU_PTE_USER ? "user and kernel" : "kernel only",
			   eff & EDU_PTE_WRITE ? "read/write" : "read only",
			   eff & EDU_PTE_NX ? "no execute" : "execute");
}

static void edu_seq_err(struct seq_file *m, const char *what, int err)
{
	const char *why = "";

	if (err == -ESRCH)
		why = ": no such process, or it has no user memory";
	else if (err == -EACCES)
		why = ": you may not read it (ptrace rules)";
	else if (err == -EINVAL)
		why = ": not a user-space address";
	seq_printf(m, "%s: error %d%s\n", what, err, why);
}

/* -------------------------------------------------------------- layout -- */

/* A size in the largest binary unit it has at least ten of, rounded. */
static void edu_seq_size(struct seq_file *m, u64 size)
{
	static const char * const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	unsigned int u = 0;

	while (u < ARRAY_SIZE(units) - 1 && size >> (10 * (u + 1)) >= 10)
		u++;
	/* Rounded to the nearest unit; no division (do_div() is 32-bit). */
	seq_printf(m, "%6llu %-3s",
		   (size + (BIT_ULL(10 * u) >> 1)) >> (10 * u), units[u]);
}

/* Region @a starts before @b (or at the same place and is larger). */
static bool edu_region_before(const struct edu_region *a,
			      const struct edu_region *b)
{
	if (a->start != b->start)
		return a->start < b->start;
	return a->end > b->end;
}

static int layout_show(struct seq_file *m, void *unused)
{
	bool priv = edu_seq_privileged(m);
	unsigned int idx[EDU_NR_REGIONS];
	const struct edu_region *r;
	struct edu_layout *l;
	unsigned int i, j;

	l = kmalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	edu_layout_get(l, priv);
	r = l->region;
	seq_printf(m, "paging: %llu-level, %s\n", l->levels,
		   l->levels == 5 ? "57-bit virtual addresses (LA57)" :
				    "48-bit virtual addresses");
	if (!priv)
		seq_puts(m, "kernel addresses hidden: open this file with CAP_SYS_ADMIN\n");
	seq_printf(m, "%-18s   %-18s %10s  %s\n", "start", "end", "size",
		   "region");

	/* In address order: an insertion sort of a dozen indexes. */
	for (i = 0; i < EDU_NR_REGIONS; i++) {
		idx[i] = i;
		for (j = i; j > 0 && edu_region_before(&r[idx[j]],
						       &r[idx[j - 1]]); j--)
			swap(idx[j], idx[j - 1]);
	}
	for (i = 0; i < EDU_NR_REGIONS; i++) {
		const struct edu_region *e = &r[idx[i]];

		if (!e->end)
			continue;	/* hidden, or not in this kernel */
		seq_printf(m, "0x%016llx - 0x%016llx ", e->start, e->end - 1);
		edu_seq_size(m, e->end - e->start);
		seq_printf(m, "  %s\n", edu_region_name(idx[i]));
	}
	kfree(l);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(layout);

/* --------------------------------------------------------- the target -- */

static void edu_target_get(pid_t *pid, unsigned long *addr, bool *has_addr)
{
	mutex_lock(&edu_target_lock);
	*pid = edu_target.pid;
	*addr = edu_target.addr;
	*has_addr = edu_target.has_addr;
	mutex_unlock(&edu_target_lock);
}

static int walk_target_show(struct seq_file *m, void *unused)
{
	unsigned long addr;
	bool has_addr;
	pid_t pid;

	edu_target_get(&pid, &addr, &has_addr);
	seq_printf(m, "%d", pid);
	if (has_addr)
		seq_printf(m, " %#lx", addr);
	seq_putc(m, '\n');
	return 0;
}

/* "PID" or "PID ADDR": PID in decimal, ADDR in hex (0x optional). */
static ssize_t walk_target_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	char buf[64], *p, *word;
	unsigned long addr = 0;
	bool has_addr = false;
	struct pid *found;
	int pid, ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	p = strim(buf);
	word = strsep(&p, " \t");
	ret = kstrtoint(word, 10, &pid);
	if (ret)
		return ret;
	if (pid < 0)
		return -EINVAL;
	if (p) {
		p = skip_spaces(p);
		if (*p) {
			ret = kstrtoul(p, 16, &addr);
			if (ret)
				return ret;
			has_addr = true;
		}
	}
	if (pid) {
		found = find_get_pid(pid);
		put_pid(found);
		if (!found)
			return -ESRCH;
	}
	mutex_lock(&edu_target_lock);
	edu_target.pid = pid;
	edu_target.addr = addr;
	edu_target.has_addr = has_addr;
	mutex_unlock(&edu_target_lock);
	return len;
}

EDU_DEFINE_SHOW_STORE_ATTRIBUTE(walk_target);

/* ---------------------------------------------------------------- maps -- */

static void edu_seq_vma(struct seq_file *m, const struct edu_vma *v)
{
	seq_printf(m, "%08llx-%08llx %c%c%c%c %08llx %02llx:%02llx %-10llu %8llu %6llu %6llu %-7s %s%s\n",
		   v->start, v->end,
		   v->prot & EDU_VMA_READ ? 'r' : '-',
		   v->prot & EDU_VMA_WRITE ? 'w' : '-',
		   v->prot & EDU_VMA_EXEC ? 'x' : '-',
		   v->prot & EDU_VMA_SHARED ? 's' : 'p',
		   v->offset, v->dev_major, v->dev_minor, v->inode,
		   v->resident, v->huge, v->swapped,
		   edu_vma_class_name(v->class), v->name,
		   v->flags & EDU_VMA_NAME_TRUNC ? "..." : "");
}

static int maps_show(struct seq_file *m, void *unused)
{
	unsigned long addr, start = 0;
	struct mm_struct *mm;
	struct edu_vma *buf;
	bool has_addr;
	int i, n = 0;
	pid_t pid;

	edu_target_get(&pid, &addr, &has_addr);
	seq_printf(m, "# pid %d%s; counts in pages\n", pid,
		   pid ? "" : " (the reader)");
	mm = edu_target_mm(pid);
	if (IS_ERR(mm)) {
		edu_seq_err(m, "maps", PTR_ERR(mm));
		return 0;
	}
	buf = kmalloc_array(4, sizeof(*buf), GFP_KERNEL);
	if (!buf) {
		mmput(mm);
		return -ENOMEM;
	}
	seq_printf(m, "# %-24s %-4s %-8s %-5s %-10s %8s %6s %6s %-7s %s\n",
		   "start-end", "perm", "offset", "dev", "inode", "resident",
		   "huge", "swap", "class", "name");
	do {
		n = edu_vmas_get(mm, start, buf, 4, &start);
		for (i = 0; i < n; i++)
			edu_seq_vma(m, &buf[i]);
	} while (n > 0 && start);
	if (n < 0)
		edu_seq_err(m, "maps", n);
	kfree(buf);
	mmput(mm);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(maps);

/* ---------------------------------------------------------------- walk -- */

static int walk_show(struct seq_file *m, void *unused)
{
	bool priv = edu_seq_privileged(m);
	struct edu_walk *w;
	unsigned long addr;
	bool has_addr;
	pid_t pid;
	int ret;

	edu_target_get(&pid, &addr, &has_addr);
	if (!has_addr) {
		seq_puts(m, "no address: write \"PID ADDR\" to walk_target first (PID 0: the reader)\n");
		return 0;
	}
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	ret = edu_walk_one(pid, addr, priv, w);
	seq_printf(m, "walk of %#lx in pid %d%s, %d-level paging\n", addr,
		   pid, pid ? "" : " (the reader)",
		   pgtable_l5_enabled() ? 5 : 4);
	if (ret) {
		edu_seq_err(m, "walk", ret);
		goto out;
	}
	if (w->vm_end)
		seq_printf(m, "VMA %#llx-%#llx, %s\n", w->vm_start, w->vm_end,
			   edu_vma_class_name(w->vm_class));
	edu_seq_levels(m, w->level, priv);
	edu_seq_result(m, &w->page, w->phys, w->effective, priv);
out:
	kfree(w);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(walk);

/* ---------------------------------------------------------------- kbuf -- */

static int kbuf_show(struct seq_file *m, void *unused)
{
	static const char * const what[] = {
		[EDU_KBUF_KMALLOC] =
			"kmalloc: in the direct map, so pa = va - PAGE_OFFSET (virt_to_phys)",
		[EDU_KBUF_VMALLOC] =
			"vmalloc: any free frames, mapped in the vmalloc area: pa = vmalloc_to_pfn(va)",
	};
	struct edu_kwalk *k;
	unsigned int which, i;

	if (!edu_seq_privileged(m)) {
		seq_puts(m, "kernel addresses hidden: open this file with CAP_SYS_ADMIN\n");
		return 0;
	}
	k = kmalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	for (which = EDU_KBUF_KMALLOC; which <= EDU_KBUF_VMALLOC; which++) {
		seq_printf(m, "%s\n", what[which]);
		for (i = 0; i < EDU_KBUF_PAGES; i++) {
			memset(k, 0, sizeof(*k));
			k->which = which;
			k->offset = i * PAGE_SIZE;
			if (edu_kwalk_one(k))
				break;
			seq_printf(m, "  page %u: va %#llx  pa %#llx  walked %#llx (%s leaf)%s\n",
				   i, k->va, k->pa, k->phys,
				   k->page.level < EDU_NR_LEVELS ?
				   edu_level_names[k->page.level] : "no",
				   k->pa == k->phys ? "" : "  MISMATCH");
		}
		memset(k, 0, sizeof(*k));
		k->which = which;
		if (!edu_kwalk_one(k)) {
			seq_puts(m, "  the walk of page 0:\n");
			edu_seq_levels(m, k->level, true);
		}
	}
	kfree(k);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kbuf);

void edu_walk_debugfs_init(void)
{
	struct dentry *d = edu_debugfs_root;

	edu_walk_files[0] = debugfs_create_file("layout", 0400, d, NULL,
						&layout_fops);
	edu_walk_files[1] = debugfs_create_file("walk_target", 0600, d, NULL,
						&walk_target_fops);
	edu_walk_files[2] = debugfs_create_file("maps", 0400, d, NULL,
						&maps_fops);
	edu_walk_files[3] = debugfs_create_file("walk", 0400, d, NULL,
						&walk_fops);
	edu_walk_files[4] = debugfs_create_file("kbuf", 0400, d, NULL,
						&kbuf_fops);
}

void edu_walk_debugfs_exit(void)
{
	unsigned int i;

	/* Returns only once no reader is left inside the file. */
	for (i = 0; i < ARRAY_SIZE(edu_walk_files); i++) {
		debugfs_remove(edu_walk_files[i]);
		edu_walk_files[i] = NULL;
	}
}
