// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "areas" view: every area, its counters, and two maps of its pages,
 * one character each, in the style of nodeN/map: the node backing each
 * page, and where reclaim keeps it (LRU list, referenced, swap); a third
 * for a file-backed area, what writeback sees.  No frame numbers: which node
 * backs a page is the lesson; the frames are in EDU_IOC_AREA_INFO for
 * openers with CAP_SYS_ADMIN and in /proc/PID/pagemap.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "area.h"
#include "edualloc.h"

#define EDU_AREA_MAP_COLS	64

static const char *const edu_policy_names[EDU_AREA_NR_POLICIES] = {
	[EDU_AREA_POLICY_LOCAL] = "local",
	[EDU_AREA_POLICY_NODE] = "node",
	[EDU_AREA_POLICY_INTERLEAVE] = "interleave",
};

/*
 * '.' never touched, 's' in swap, 'f' evicted to its file, else the node:
 * 0-9, then a-z, '*' past those.
 */
static char edu_area_page_char(const struct edu_area_page *p)
{
	if (p->state == EDU_AP_SWAPPED)
		return 's';
	if (p->state == EDU_AP_FILE)
		return 'f';
	if (p->state != EDU_AP_PRESENT)
		return '.';
	if (p->nid < 10)
		return '0' + p->nid;
	if (p->nid < 36)
		return 'a' + p->nid - 10;
	return '*';
}

/*
 * Where reclaim has the page: 'A' active and referenced, 'a' active, 'r'
 * inactive and referenced (its second chance used), 'i' inactive, '-'
 * present but off the lists (reclaim holds it), 's' in swap, '.' nothing.
 * The flags change under the lruvec lock, not the area's: a snapshot.
 */
static char edu_area_lru_char(const struct edu_area_page *p)
{
	unsigned long f;

	if (p->state != EDU_AP_PRESENT)
		return p->state == EDU_AP_SWAPPED ? 's' :
		       p->state == EDU_AP_FILE ? 'f' : '.';
	/* Written under the lruvec lock: a snapshot, as said above. */
	f = data_race(READ_ONCE(p->lru.flags));
	if (!(f & EDU_LRU_PG_LRU))
		return '-';
	if (f & EDU_LRU_PG_ACTIVE)
		return f & EDU_LRU_PG_REFERENCED ? 'A' : 'a';
	return f & EDU_LRU_PG_REFERENCED ? 'r' : 'i';
}

/*
 * Of a file-backed area, what writeback sees: 'D' dirty (written since
 * its last writeback), 'W' being written, 'c' clean in memory, 'f' only in
 * the file (evicted), '.' never read.  Under the area's lock.
 */
static char edu_area_dirty_char(const struct edu_area_page *p)
{
	if (p->state != EDU_AP_PRESENT)
		return p->state == EDU_AP_FILE ? 'f' : '.';
	if (p->flags & EDU_APF_WRITEBACK)
		return 'W';
	return p->flags & EDU_APF_DIRTY ? 'D' : 'c';
}

static void edu_area_show_one(struct seq_file *m, struct edu_area *a)
{
	char line[EDU_AREA_MAP_COLS + 1], lru[EDU_AREA_MAP_COLS + 1];
	char dirty[EDU_AREA_MAP_COLS + 1];
	unsigned long i;

	mutex_lock(&a->lock);
	seq_printf(m, "area %u pid %d comm %s pages %lu policy %s",
		   a->id, a->owner, a->comm, a->pages,
		   edu_policy_names[a->policy]);
	if (a->policy == EDU_AREA_POLICY_NODE)
		seq_printf(m, " %d", a->nid);
	seq_printf(m, " present %lu swapped %lu mappings %d minor %llu major %llu zero_fills %llu sigbus %llu",
		   a->present, a->swapped, atomic_read(&a->mappings),
		   a->faults_minor,
		   a->faults_major, a->zero_fills, a->faults_sigbus);
	if (a->file)
		seq_printf(m, " file dirty %lu writeback %lu written %llu",
			   a->dirty, a->writeback, a->written);
	seq_putc(m, '\n');
	for (i = 0; i < a->pages; i++) {
		line[i % EDU_AREA_MAP_COLS] = edu_area_page_char(&a->map[i]);
		lru[i % EDU_AREA_MAP_COLS] = edu_area_lru_char(&a->map[i]);
		dirty[i % EDU_AREA_MAP_COLS] = edu_area_dirty_char(&a->map[i]);
		if (i % EDU_AREA_MAP_COLS == EDU_AREA_MAP_COLS - 1 ||
		    i == a->pages - 1) {
			line[i % EDU_AREA_MAP_COLS + 1] = '\0';
			lru[i % EDU_AREA_MAP_COLS + 1] = '\0';
			dirty[i % EDU_AREA_MAP_COLS + 1] = '\0';
			if (a->file)
				seq_printf(m, "  %s  %s  %s\n", line, lru,
					   dirty);
			else
				seq_printf(m, "  %s  %s\n", line, lru);
		}
	}
	mutex_unlock(&a->lock);
}

static int areas_show(struct seq_file *m, void *unused)
{
	struct edu_area_totals t;
	struct edu_area *a;
	unsigned long id;

	edu_area_totals(&t);
	seq_printf(m, "faults: minor %llu major %llu zero_fills %llu sigbus %llu\n",
		   t.faults_minor, t.faults_major, t.zero_fills,
		   t.faults_sigbus);
	seq_puts(m, "map: . never touched, s in swap, 0-9 a-z node of the present page, 64 pages a line;\n");
	seq_puts(m, "then its lists: A/a active (referenced or not), r/i inactive (the same), - held by reclaim;\n");
	seq_puts(m, "of a file-backed area (f: evicted to its file), then writeback: D dirty, W being written, c clean, f in the file\n");
	mutex_lock(&edu_areas_lock);
	xa_for_each(&edu_areas, id, a)
		edu_area_show_one(m, a);
	mutex_unlock(&edu_areas_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(areas);

static struct dentry *edu_areas_dentry;

void edu_area_debugfs_init(void)
{
	edu_areas_dentry = debugfs_create_file("areas", 0400, edu_debugfs_root,
					       NULL, &areas_fops);
}

void edu_area_debugfs_exit(void)
{
	debugfs_remove(edu_areas_dentry);
	edu_areas_dentry = NULL;
}
