// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writeback: the dirty pages of file-backed areas go back to their files,
 * as mm/page-writeback.c and fs/fs-writeback.c send the page cache's.
 *
 * Dirty tracking.  A file-backed area maps its pages read-only at first
 * (area.c: vm_ops->pfn_mkwrite makes the mapping "write-notify", as
 * vma_wants_writenotify() says); the first write to a page faults again,
 * and edu_area_mkwrite() marks the page dirty before the kernel makes the
 * PTE writable.  To clean a page, writeback first unmaps it from every
 * process (the kernel write-protects, folio_mkclean()), then clears the
 * dirty flag and writes: a write during the copy faults, marks the page
 * dirty again, and it is written again later.  No write is ever lost; the
 * file may briefly hold a mix, as with the kernel's own pages.
 *
 * Who writes, and when (the kernel's names):
 *   the flusher   one kthread, "edu_flush" (once pdflush, today the
 *                 per-device "kworker/u:flush-*"), wakes every
 *                 dirty_writeback_ms and writes the areas that have been
 *                 dirty for dirty_expire_ms (the expiry is per area, its
 *                 first dirty page's time, as the kernel keeps it per inode:
 *                 dirtied_when); at once, and everything, when the dirty
 *                 pages pass dirty_background_ratio percent of the pools;
 *                 and an area whose last user is gone, so that its pages
 *                 can be freed.
 *   sync          msync(MS_SYNC) and fsync() of the device (f_op->fsync,
 *                 which the kernel calls with the mmap lock dropped), and
 *                 the area's handle being freed.
 *   reclaim       kswapd and reclaim_control write a dirty victim before
 *                 dropping it (pageout()); a task's direct reclaim, which
 *                 runs in a fault and so holds the mmap lock, skips dirty
 *                 pages and wakes the flusher, as the kernel's does.
 * The write is kernel_write() at the page's offset, with no lock of ours
 * held: the file's own locks (i_rwsem) come before the mmap lock, since
 * write(2) faults on its user buffer holding them, so nothing that holds
 * the mmap lock or an area's lock may write.  Reads (area.c) go through
 * the page cache, as filemap_fault() does, which is allowed there.
 *
 * Locking:
 *   edu_area.lock     a page's EDU_APF_* flags, the area's counts; taken
 *                     around each write, not across it: the page stays,
 *                     because reclaim and the release leave a page under
 *                     writeback to its writer
 *     edu_wb.lock     a spinlock, a leaf: the list of dirty areas and each
 *                     area's @wb_queued, @wb_link
 * An area on the list (@wb_queued) is held by the flusher (its @life): it
 * stays, and its file, until every page is clean.  Counters are atomics.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/wait.h>

#include "area.h"
#include "buddy.h"
#include "edualloc.h"
#include "writeback.h"
#include "trace_area.h"

/*
 * A tenth of the kernel's defaults (vm.dirty_expire_centisecs 30 s,
 * vm.dirty_writeback_centisecs 5 s), so that a lab sees writeback within
 * seconds; the background ratio is the kernel's.
 */
static unsigned int dirty_expire_ms = 3000;
module_param(dirty_expire_ms, uint, 0644);
MODULE_PARM_DESC(dirty_expire_ms, "age (ms) of an area's oldest dirty page at which the flusher writes it back (default 3000)");

static unsigned int dirty_writeback_ms = 500;
module_param(dirty_writeback_ms, uint, 0644);
MODULE_PARM_DESC(dirty_writeback_ms, "interval (ms) of the flusher's periodic pass (default 500)");

static unsigned int dirty_background_ratio = 10;
module_param(dirty_background_ratio, uint, 0644);
MODULE_PARM_DESC(dirty_background_ratio, "percent of the pools' pages dirty above which the flusher writes everything at once (default 10)");

static struct {
	spinlock_t lock;		/* @dirty, each area's @wb_* */
	struct list_head dirty;		/* areas with dirty pages */
	struct task_struct *flusher;
	wait_queue_head_t wait;
	bool kicked;			/* write at once: READ/WRITE_ONCE */
	unsigned long pool_pages;	/* all pools at their caps */
} edu_wb;

static atomic_long_t edu_nr_dirty;
static atomic_long_t edu_nr_writeback;
static atomic_long_t edu_dirty_areas;
static atomic64_t edu_wb_dirtied;
static atomic64_t edu_wb_by[EDU_WB_NR_REASONS];
static atomic64_t edu_wb_errors;
static atomic64_t edu_wb_runs;

static const char *const edu_wb_reasons[EDU_WB_NR_REASONS] = {
	[EDU_WB_EXPIRE] = "expire",
	[EDU_WB_BACKGROUND] = "background",
	[EDU_WB_SYNC] = "sync",
	[EDU_WB_RECLAIM] = "reclaim",
	[EDU_WB_RELEASE] = "release",
};

const char *edu_wb_reason_name(enum edu_wb_reason why)
{
	return edu_wb_reasons[why];
}

static bool edu_wb_over_background(void)
{
	unsigned long limit = edu_wb.pool_pages / 100 *
			      READ_ONCE(dirty_background_ratio);

	return atomic_long_read(&edu_nr_dirty) > limit;
}

/* Wake the flusher for a pass now. */
void edu_wb_kick(void)
{
	WRITE_ONCE(edu_wb.kicked, true);
	wake_up(&edu_wb.wait);
}

/* @a's last user is gone: if the flusher holds it, let it see so now. */
void edu_wb_area_gone(struct edu_area *a)
{
	bool queued;

	spin_lock(&edu_wb.lock);
	queued = a->wb_queued;
	spin_unlock(&edu_wb.lock);
	if (queued)
		edu_wb_kick();
}

/*
 * Page @p of @a becomes dirty (its first write since it was clean).  Under
 * a->lock.  The area's first dirty page starts its expiry clock and hands
 * it to the flusher, with a hold on it.
 */
void edu_wb_set_dirty(struct edu_area *a, struct edu_area_page *p)
{
	lockdep_assert_held(&a->lock);
	if (p->flags & EDU_APF_DIRTY)
		return;
	p->flags |= EDU_APF_DIRTY;
	if (!a->dirty++)
		a->dirtied_when = jiffies;
	atomic_long_inc(&edu_nr_dirty);
	atomic64_inc(&edu_wb_dirtied);
	spin_lock(&edu_wb.lock);
	if (!a->wb_queued) {
		a->wb_queued = true;
		refcount_inc(&a->life);	/* the caller holds one */
		list_add_tail(&a->wb_link, &edu_wb.dirty);
		atomic_long_inc(&edu_dirty_areas);
	}
	spin_unlock(&edu_wb.lock);
	if (edu_wb_over_background())
		edu_wb_kick();
}

/* Page @p of @a is clean again (being written back).  Under a->lock. */
void edu_wb_clear_dirty(struct edu_area *a, struct edu_area_page *p)
{
	lockdep_assert_held(&a->lock);
	if (!(p->flags & EDU_APF_DIRTY))
		return;
	p->flags &= ~EDU_APF_DIRTY;
	a->dirty--;
	atomic_long_dec(&edu_nr_dirty);
}

/*
 * Write page @i of file-backed area @a back to its file if it is dirty:
 * 1 if written, 0 if there was nothing to write (clean, not present, or
 * another writer has it), else the write's negative errno (the page stays
 * dirty).  The caller holds the area (@life), not its lock, and no mmap
 * lock: kernel_write() takes the file's locks.
 */
int edu_writeback_page(struct edu_area *a, unsigned long i,
		       enum edu_wb_reason why)
{
	struct edu_area_page *p = &a->map[i];
	loff_t pos = (loff_t)i << PAGE_SHIFT;
	ssize_t n;
	void *page;
	int ret;

	might_sleep();
	mutex_lock(&a->lock);
	if (p->state != EDU_AP_PRESENT || !(p->flags & EDU_APF_DIRTY) ||
	    (p->flags & EDU_APF_WRITEBACK)) {
		mutex_unlock(&a->lock);
		return 0;
	}
	/* Write-protect first: a write from now on faults and re-dirties. */
	unmap_mapping_range(a->mapping,
			    (loff_t)(a->pgoff + i) << PAGE_SHIFT, PAGE_SIZE, 0);
	edu_wb_clear_dirty(a, p);
	p->flags |= EDU_APF_WRITEBACK;
	a->writeback++;
	atomic_long_inc(&edu_nr_writeback);
	/* Reclaim and the release leave the frame to us while we write. */
	page = edu_idx_to_virt(edu_nodes[p->nid], p->idx);
	mutex_unlock(&a->lock);

	n = kernel_write(a->file, page, PAGE_SIZE, &pos);

	mutex_lock(&a->lock);
	p->flags &= ~EDU_APF_WRITEBACK;
	a->writeback--;
	atomic_long_dec(&edu_nr_writeback);
	if (n == PAGE_SIZE) {
		a->written++;
		atomic64_inc(&edu_wb_by[why]);
		ret = 1;
	} else {
		/* Short (the disk full) or failed: dirty again, for later. */
		edu_wb_set_dirty(a, p);
		a->write_errors++;
		atomic64_inc(&edu_wb_errors);
		ret = n < 0 ? n : -EIO;
	}
	mutex_unlock(&a->lock);
	trace_edualloc_writeback(a->id, i, why, n);
	return ret;
}

/*
 * Write every dirty page of @a from page @first to @last (included): the
 * number written, or the first error (the others are still tried).  As
 * edu_writeback_page().
 */
static int edu_writeback_pages(struct edu_area *a, unsigned long first,
			       unsigned long last, enum edu_wb_reason why)
{
	unsigned long i;
	int ret, written = 0, err = 0;

	/* Snapshots: edu_writeback_page() looks again, locked. */
	for (i = first; i <= last && data_race(READ_ONCE(a->dirty)); i++) {
		/* ... as this one */
		if (!(data_race(READ_ONCE(a->map[i].flags)) & EDU_APF_DIRTY))
			continue;
		ret = edu_writeback_page(a, i, why);
		if (ret > 0)
			written++;
		else if (ret < 0 && !err)
			err = ret;
		cond_resched();
	}
	return err ?: written;
}

/* All of @a's dirty pages: as edu_writeback_pages(). */
int edu_writeback_area(struct edu_area *a, enum edu_wb_reason why)
{
	return edu_writeback_pages(a, 0, a->pages - 1, why);
}

/*
 * fsync() and msync(MS_SYNC) of the device, @start..@end its offsets (both
 * included): write back the dirty pages of every file-backed area there.
 * The areas' windows are in edu_areas by id (area.h).
 */
int edu_writeback_range(loff_t start, loff_t end)
{
	unsigned long first = start >> PAGE_SHIFT, last = end >> PAGE_SHIFT;
	unsigned long id, id_last, lo, hi;
	struct edu_area *a;
	int ret, err = 0;

	if (end < start || last < EDU_AREA_PGOFF_BASE)
		return 0;
	id = first < EDU_AREA_PGOFF_BASE ? 0 :
	     (first - EDU_AREA_PGOFF_BASE) >> EDU_AREA_WINDOW_SHIFT;
	id_last = min_t(unsigned long, EDU_AREA_MAX_ID,
			(last - EDU_AREA_PGOFF_BASE) >> EDU_AREA_WINDOW_SHIFT);
	for (; id <= id_last; id++) {
		/* Held across the writes (@life), found under the lock. */
		mutex_lock(&edu_areas_lock);
		a = xa_find(&edu_areas, &id, id_last, XA_PRESENT);
		if (a && !refcount_inc_not_zero(&a->life))
			a = NULL;
		mutex_unlock(&edu_areas_lock);
		if (!a)
			break;
		lo = max(first, a->pgoff) - a->pgoff;
		hi = min(last, a->pgoff + a->pages - 1) - a->pgoff;
		ret = a->file ? edu_writeback_pages(a, lo, hi, EDU_WB_SYNC) : 0;
		if (ret < 0 && !err)
			err = ret;
		edu_area_put_life(a);
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return err;
}

/*
 * The flusher is done with @a for this pass: back on the list while pages
 * are dirty or being written, else let go of it; a dead area's remaining
 * pages are freed then (its release left the dirty ones to us).  @drop:
 * unload, and the writes keep failing: the dirty pages are lost (a log
 * line says how many).
 */
static void edu_wb_done(struct edu_area *a, bool drop)
{
	unsigned long i, lost = 0;
	bool dead;

	mutex_lock(&a->lock);
	if (drop && a->dead) {
		for (i = 0; i < a->pages && a->dirty; i++)
			if (a->map[i].flags & EDU_APF_DIRTY) {
				edu_wb_clear_dirty(a, &a->map[i]);
				lost++;
			}
	}
	spin_lock(&edu_wb.lock);
	if (a->dirty || a->writeback) {
		list_add_tail(&a->wb_link, &edu_wb.dirty);
		spin_unlock(&edu_wb.lock);
		mutex_unlock(&a->lock);
		return;
	}
	a->wb_queued = false;
	atomic_long_dec(&edu_dirty_areas);
	spin_unlock(&edu_wb.lock);
	dead = a->dead;
	mutex_unlock(&a->lock);
	if (lost)
		pr_warn("area %u: %lu dirty pages lost at unload: writes to its file failed\n",
			a->id, lost);
	if (dead)
		edu_area_free_pages(a);
	edu_area_put_life(a);
}

/*
 * One pass over the dirty areas: write those due (expired, gone, or all of
 * them above the background ratio or when @all).  Returns the pages written.
 */
static unsigned long edu_wb_pass(bool all, bool drop)
{
	unsigned long expire = msecs_to_jiffies(READ_ONCE(dirty_expire_ms));
	unsigned long written = 0;
	enum edu_wb_reason why;
	struct edu_area *a;
	LIST_HEAD(work);
	int ret;

	spin_lock(&edu_wb.lock);
	list_splice_init(&edu_wb.dirty, &work);
	spin_unlock(&edu_wb.lock);
	/* @work is ours: areas come back through edu_wb_done(). */
	while (!list_empty(&work)) {
		a = list_first_entry(&work, struct edu_area, wb_link);
		list_del_init(&a->wb_link);
		why = EDU_WB_NR_REASONS;
		/* Snapshots: a later pass sees what changes meanwhile. */
		if (data_race(READ_ONCE(a->dead)))
			why = EDU_WB_RELEASE;
		else if (all)
			why = EDU_WB_SYNC;
		else if (edu_wb_over_background())
			why = EDU_WB_BACKGROUND;
		else if (time_after_eq(jiffies,
				       /* ... as this one */
				       data_race(READ_ONCE(a->dirtied_when)) +
				       expire))
			why = EDU_WB_EXPIRE;
		if (why != EDU_WB_NR_REASONS) {
			ret = edu_writeback_area(a, why);
			if (ret > 0)
				written += ret;
		}
		edu_wb_done(a, drop);
		cond_resched();
	}
	if (written)
		atomic64_inc(&edu_wb_runs);
	return written;
}

static int edu_flusher(void *unused)
{
	while (!kthread_should_stop()) {
		unsigned int ms = max(READ_ONCE(dirty_writeback_ms), 10U);

		wait_event_interruptible_timeout(edu_wb.wait,
						 READ_ONCE(edu_wb.kicked) ||
						 kthread_should_stop(),
						 msecs_to_jiffies(ms));
		WRITE_ONCE(edu_wb.kicked, false);
		edu_wb_pass(false, false);
	}
	return 0;
}

void edu_wb_stat(struct edu_wb_stat *st)
{
	int r;

	st->dirtied = atomic64_read(&edu_wb_dirtied);
	st->written = 0;
	for (r = 0; r < EDU_WB_NR_REASONS; r++) {
		st->by[r] = atomic64_read(&edu_wb_by[r]);
		st->written += st->by[r];
	}
	st->errors = atomic64_read(&edu_wb_errors);
	st->flusher_runs = atomic64_read(&edu_wb_runs);
	st->nr_dirty = atomic_long_read(&edu_nr_dirty);
	st->nr_writeback = atomic_long_read(&edu_nr_writeback);
	st->dirty_areas = atomic_long_read(&edu_dirty_areas);
}

/*
 * The "writeback" view: the flusher's settings and counters, with
 * /proc/vmstat's names where there is one, then each file-backed area's
 * dirty, writeback and written pages.
 */
static int writeback_show(struct seq_file *m, void *unused)
{
	struct edu_wb_stat st;
	struct edu_area *a;
	unsigned long id;
	int r;

	edu_wb_stat(&st);
	seq_printf(m, "dirty_expire_ms %u\ndirty_writeback_ms %u\ndirty_background_ratio %u (%lu pages)\n",
		   READ_ONCE(dirty_expire_ms), READ_ONCE(dirty_writeback_ms),
		   READ_ONCE(dirty_background_ratio),
		   edu_wb.pool_pages / 100 * READ_ONCE(dirty_background_ratio));
	seq_printf(m, "nr_dirty %ld\nnr_writeback %ld\nnr_dirtied %llu\nnr_written %llu\n",
		   st.nr_dirty, st.nr_writeback, st.dirtied, st.written);
	for (r = 0; r < EDU_WB_NR_REASONS; r++)
		seq_printf(m, "written_%s %llu\n", edu_wb_reasons[r], st.by[r]);
	seq_printf(m, "write_errors %llu\nflusher_runs %llu\ndirty_areas %ld\n",
		   st.errors, st.flusher_runs, st.dirty_areas);
	mutex_lock(&edu_areas_lock);
	xa_for_each(&edu_areas, id, a) {
		if (!a->file)
			continue;
		mutex_lock(&a->lock);
		seq_printf(m, "area %u pages %lu present %lu dirty %lu writeback %lu written %llu errors %llu",
			   a->id, a->pages, a->present, a->dirty, a->writeback,
			   a->written, a->write_errors);
		if (a->dirty)
			seq_printf(m, " dirty_for_ms %u",
				   jiffies_to_msecs(jiffies - a->dirtied_when));
		seq_puts(m, " file ");
		seq_file_path(m, a->file, " \t\n\\");
		seq_putc(m, '\n');
		mutex_unlock(&a->lock);
	}
	mutex_unlock(&edu_areas_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(writeback);

static struct dentry *edu_wb_dentry;

int edu_writeback_init(void)
{
	spin_lock_init(&edu_wb.lock);
	INIT_LIST_HEAD(&edu_wb.dirty);
	init_waitqueue_head(&edu_wb.wait);
	/* The shrinker changes what the pools hold now, not their caps. */
	edu_wb.pool_pages = edu_pool_cap_pages();
	edu_wb.flusher = edu_should_fail() ? ERR_PTR(-ENOMEM) :
			 kthread_run(edu_flusher, NULL, "edu_flush");
	if (IS_ERR(edu_wb.flusher))
		return PTR_ERR(edu_wb.flusher);
	edu_wb_dentry = debugfs_create_file("writeback", 0400,
					    edu_debugfs_root, NULL,
					    &writeback_fops);
	return 0;
}

/*
 * Every file is closed and every mapping gone: the areas left are dead
 * ones the flusher holds.  Write them out (a few passes, for pages a
 * reclaim pass still had), then let go of what cannot be written.
 */
void edu_writeback_exit(void)
{
	int pass;

	debugfs_remove(edu_wb_dentry);
	kthread_stop(edu_wb.flusher);
	/* A page a reclaim pass is still writing comes back within these. */
	for (pass = 0; pass < 100 && !list_empty(&edu_wb.dirty); pass++) {
		if (pass)
			msleep(20);
		edu_wb_pass(true, false);
	}
	edu_wb_pass(true, true);
	WARN_ON(!list_empty(&edu_wb.dirty));
}
