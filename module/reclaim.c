// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reclaim: taking pages back from areas when a node's pool runs short, as
 * mm/vmscan.c does for the kernel's zones.
 *
 * Every present area page is on the LRU lists of the node it lives on (an
 * edu_lruvec, like a node's lruvec): lru.c decides which pages to give up,
 * by one of three policies (module parameter lru_policy: lru, the
 * active/inactive lists with second chance; fifo; clock).  Whether a page
 * was used lately is the hardware's answer: edu_area_page_young() reads and
 * clears the Accessed bit in every PTE that maps the page, as
 * folio_referenced() does through the rmap; a page found young is then
 * unmapped (edu_area_page_rearm()), so that its next use faults and sets
 * the bit in a fresh PTE even where a CPU still caches the old translation
 * (x86 clears the bit without a TLB flush; under emulation such entries
 * can live for good).  A victim is evicted by area.c: unmapped from every
 * process, written to a swap slot, its frame freed.
 *
 * Two ways into reclaim, as in the kernel:
 *   kswapd      one kthread per node.  An allocation that leaves the node's
 *               free pages below its low watermark wakes it
 *               (edu_kswapd_wake(), called by buddy.c as wakeup_kswapd() is
 *               by mm/page_alloc.c); it reclaims batches of
 *               EDU_RECLAIM_BATCH pages until the high watermark is
 *               reached, then sleeps: the gap between low and high is what
 *               lets it work in batches rather than a page per allocation.
 *   direct      a fault that finds no page (the node is at its min
 *               watermark, kswapd could not keep up) reclaims a batch
 *               itself and tries again: allocstall, the latency a task
 *               feels when memory is short.
 * Only area pages are reclaimable: blocks, slabs and the views' buffers
 * are not (the kernel's unevictable and kernel memory).
 *
 * Locking (where this sits among the module's locks: edualloc.h):
 *   edu_lruvec.lock    a spinlock per node: the lists (lru.c's one lock),
 *                      every page's list node and flags, the counters.
 *                      Under it the young test takes edu_area.vma_lock,
 *                      mmap_read_trylock() of each mapping process and the
 *                      PTE lock (area.c); a trylock that fails counts as a
 *                      reference, as a contended rmap walk does.
 *   edu_area.lock      (area.c) taken to evict, with the lruvec lock
 *                      dropped: victims are isolated, off the lists, and a
 *                      reference on their area keeps it from going.
 * kswapd holds no lock while it sleeps or between batches.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "buddy.h"
#include "pool.h"
#include "reclaim.h"
#include "trace_area.h"

struct edu_lruvec *edu_lruvecs[MAX_NUMNODES];

/* The policy of all nodes' lists; changed only while they are empty. */
static enum edu_lru_policy edu_lru_policy_now = EDU_LRU_POLICY_LRU;
static DEFINE_MUTEX(edu_lru_policy_lock);

static int edu_lru_policy_set(const char *val, const struct kernel_param *kp)
{
	enum edu_lru_policy policy;
	int nid, err = 0;

	for (policy = 0; policy < EDU_LRU_NR_POLICIES; policy++)
		if (sysfs_streq(val, edu_lru_policy_name(policy)))
			break;
	if (policy == EDU_LRU_NR_POLICIES)
		return -EINVAL;
	mutex_lock(&edu_lru_policy_lock);
	/* All or nothing: check every node first. */
	for (nid = 0; nid < MAX_NUMNODES && !err; nid++) {
		struct edu_lruvec *v = edu_lruvecs[nid];

		if (!v)
			continue;
		spin_lock(&v->lock);
		if (edu_lru_nr_pages(&v->lru))
			err = -EBUSY;
		spin_unlock(&v->lock);
	}
	for (nid = 0; nid < MAX_NUMNODES && !err; nid++) {
		struct edu_lruvec *v = edu_lruvecs[nid];

		if (!v)
			continue;
		spin_lock(&v->lock);
		err = edu_lru_set_policy(&v->lru, policy);
		spin_unlock(&v->lock);
	}
	if (!err)
		edu_lru_policy_now = policy;
	mutex_unlock(&edu_lru_policy_lock);
	return err;
}

static int edu_lru_policy_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n",
			  edu_lru_policy_name(READ_ONCE(edu_lru_policy_now)));
}

static const struct kernel_param_ops edu_lru_policy_ops = {
	.set = edu_lru_policy_set,
	.get = edu_lru_policy_get,
};
module_param_cb(lru_policy, &edu_lru_policy_ops, NULL, 0644);
MODULE_PARM_DESC(lru_policy, "page replacement: lru (second chance, default), fifo or clock; changes only while no area page is present (else EBUSY)");

void edu_reclaim_add(int nid, struct edu_lru_page *page)
{
	struct edu_lruvec *v = edu_lruvecs[nid];

	spin_lock(&v->lock);
	edu_lru_add(&v->lru, page);
	spin_unlock(&v->lock);
}

/* A page of @nid is being evicted: its shadow (lru.h, refaults). */
unsigned long edu_reclaim_shadow(int nid)
{
	struct edu_lruvec *v = edu_lruvecs[nid];
	unsigned long shadow;

	spin_lock(&v->lock);
	shadow = edu_lru_shadow(&v->lru);
	spin_unlock(&v->lock);
	return shadow;
}

/*
 * A page evicted from @evicted_nid with @shadow is back, on @nid.  Its
 * refault distance means something only on the lists it was evicted
 * from: a page that comes back on another node (interleave, local) starts
 * inactive, as any new page.
 */
void edu_reclaim_add_refault(int nid, struct edu_lru_page *page,
			     int evicted_nid, unsigned long shadow)
{
	struct edu_lruvec *v = edu_lruvecs[nid];

	if (nid != evicted_nid) {
		edu_reclaim_add(nid, page);
		return;
	}
	spin_lock(&v->lock);
	edu_lru_add_refault(&v->lru, page, shadow);
	spin_unlock(&v->lock);
}

/*
 * Take @nr pages off their nodes' lists, @nids[i] the node of page i; one
 * lock round trip per run of pages of one node, so that freeing a large
 * area does not queue for the lock once per page behind kswapd.  A page
 * that was not on them (isolated by reclaim) is set to NULL in @pages.
 */
void edu_reclaim_del_many(struct edu_lru_page **pages, const u16 *nids,
			  unsigned int nr)
{
	unsigned int i, j;

	for (i = 0; i < nr; i = j) {
		struct edu_lruvec *v = edu_lruvecs[nids[i]];

		spin_lock(&v->lock);
		for (j = i; j < nr && nids[j] == nids[i]; j++)
			if (!edu_lru_del(&v->lru, pages[j]))
				pages[j] = NULL;	/* isolated */
		spin_unlock(&v->lock);
	}
}

static bool edu_reclaim_young(struct edu_lru_page *page)
{
	return edu_area_page_young(page);
}

static const struct edu_lru_ops edu_reclaim_ops = {
	.test_and_clear_young = edu_reclaim_young,
};

/*
 * One batch: look at up to EDU_RECLAIM_BATCH pages and evict the victims.
 * Returns the frames it freed (evicted, or of a dead area); *scanned the
 * pages looked at.
 */
static unsigned long edu_shrink_batch(struct edu_lruvec *v, bool direct,
				      bool may_write, unsigned long *scanned)
{
	struct edu_lru_page *page, *next;
	unsigned long before, evicted = 0, failed = 0, dropped = 0;
	unsigned long anon = 0, file = 0, wrote = 0, kept = 0;
	bool w;
	struct edu_lru_page *rearm[ARRAY_SIZE(v->rearm)];
	unsigned int i, nr_rearm;
	LIST_HEAD(victims);
	int ret;

	spin_lock(&v->lock);
	before = v->lru.stat.pgscan + v->lru.stat.pgrefill;
	edu_lru_shrink(&v->lru, EDU_RECLAIM_BATCH, &edu_reclaim_ops, &victims);
	*scanned = v->lru.stat.pgscan + v->lru.stat.pgrefill - before;
	/*
	 * Each victim holds its area's structure until evicted (a page on the
	 * lists always can: see edu_area_page_tryget()).
	 */
	list_for_each_entry_safe(page, next, &victims, lru)
		if (!edu_area_page_tryget(page))
			list_del_init(&page->lru);
	nr_rearm = v->nr_rearm;
	memcpy(rearm, v->rearm, nr_rearm * sizeof(*rearm));
	v->nr_rearm = 0;
	spin_unlock(&v->lock);

	for (i = 0; i < nr_rearm; i++)
		edu_area_page_rearm(rearm[i]);

	list_for_each_entry_safe(page, next, &victims, lru) {
		list_del_init(&page->lru);
		/*
		 * Evicts, or puts the page back on the lists; drops the ref.
		 * A dead area's page is freed, not stolen: it counts as
		 * progress only, so that pgsteal is the swap's pswpout.
		 */
		ret = edu_area_page_evict(page, may_write, &w);
		wrote += w;
		if (ret == -EAGAIN)
			kept++;
		else if (ret < 0)
			failed++;
		else if (ret == EDU_EVICT_FREED)
			dropped++;
		else if (ret == EDU_EVICT_DROPPED)
			file++;
		else
			anon++;
	}
	evicted = anon + file;

	spin_lock(&v->lock);
	if (direct) {
		v->stat.pgscan_direct += *scanned;
		v->stat.pgsteal_direct += evicted;
	} else {
		v->stat.pgscan_kswapd += *scanned;
		v->stat.pgsteal_kswapd += evicted;
	}
	v->stat.evict_failed += failed;
	v->stat.pgsteal_anon += anon;
	v->stat.pgsteal_file += file;
	v->stat.nr_vmscan_write += wrote;
	v->stat.dirty_kept += kept;
	spin_unlock(&v->lock);
	trace_edualloc_reclaim(v->nid, direct, *scanned, evicted);
	return evicted + dropped;
}

/* As the kernel's DEF_PRIORITY: the first pass looks at 1/4096 of a list. */
#define EDU_DEF_PRIORITY	12

/*
 * shrink_node(): evict up to @nr pages of node @v.  Each pass looks at
 * (pages on the lists) >> priority pages, at least a batch, the priority
 * going down from EDU_DEF_PRIORITY to 0 until enough were evicted: most of
 * the time a small look at the tails suffices, and when every page there is
 * young (each got its second chance) the last passes look at the whole
 * lists, twice over in all, so a page not used since its last look goes.
 * Returns the pages evicted, 0 when nothing could be.
 */
static unsigned long edu_shrink_node(struct edu_lruvec *v, bool direct,
				     bool may_write, unsigned long nr)
{
	unsigned long evicted = 0, scanned, want, done, size;
	int prio;

	for (prio = EDU_DEF_PRIORITY; prio >= 0 && evicted < nr; prio--) {
		spin_lock(&v->lock);
		size = edu_lru_nr_pages(&v->lru);
		spin_unlock(&v->lock);
		want = max(size >> prio, (unsigned long)EDU_RECLAIM_BATCH);
		for (done = 0; done < want && evicted < nr; done += scanned) {
			evicted += edu_shrink_batch(v, direct, may_write,
						    &scanned);
			if (!scanned || (!direct && kthread_should_stop()))
				return evicted;	/* empty lists, or unload */
			cond_resched();
		}
	}
	return evicted;
}

static unsigned long edu_free_pages_of(int nid)
{
	return READ_ONCE(edu_nodes[nid]->free_pages);
}

/*
 * The faulting task reclaims: a batch from @nid, or if that frees nothing
 * and @this_node_only is false, from the others.  If nothing could be
 * evicted, the pages other CPUs freed onto their per-CPU lists are the
 * last ones to be had: drained to the buddy lists, as the kernel's
 * __alloc_pages_direct_reclaim() calls drain_all_pages() before it gives
 * up.  But first, a pool smaller than its cap takes chunks from the kernel
 * (shrinker.c).  Returns the pages the pool grew by, or else evicted, or
 * else drained; 1 after a short wait
 * when all it found were dirty pages it may not write (the flusher is on
 * them).
 */
unsigned long edu_reclaim_direct(int nid, bool this_node_only)
{
	unsigned long evicted = 0, drained = 0, kept = 0, grown;
	struct edu_node *n;
	int i;

	if (nid == NUMA_NO_NODE)
		nid = numa_node_id();
	/* A pool the shrinker made smaller grows back before anything goes. */
	n = edu_nodes[nid];
	if (n) {
		grown = edu_pool_grow(n, READ_ONCE(n->wmark[EDU_WMARK_HIGH]));
		if (grown)
			return grown;
	}
	for (i = 0; i < MAX_NUMNODES && !evicted; i++) {
		struct edu_lruvec *v = edu_lruvecs[(nid + i) % MAX_NUMNODES];

		if (i && this_node_only)
			break;
		if (!v)
			continue;
		spin_lock(&v->lock);
		v->stat.allocstall++;
		kept -= v->stat.dirty_kept;
		spin_unlock(&v->lock);
		/* In a fault, under the mmap lock: no writeback. */
		evicted = edu_shrink_node(v, true, false, EDU_RECLAIM_BATCH);
		spin_lock(&v->lock);
		kept += v->stat.dirty_kept;
		spin_unlock(&v->lock);
	}
	/*
	 * Only dirty pages to be had: the flusher was woken; wait a little
	 * for it and try again, as reclaim_throttle() waits on writeback.
	 */
	if (!evicted && kept) {
		schedule_timeout_killable(HZ / 50);
		return 1;
	}
	for (i = 0; i < MAX_NUMNODES && !evicted; i++) {
		struct edu_node *n = edu_nodes[(nid + i) % MAX_NUMNODES];

		if (i && this_node_only)
			break;
		if (n)
			drained += edu_pcp_drain_node(n);
	}
	return evicted ?: drained;
}

/*
 * Proactive reclaim of @nr pages from node @nid, as a write to a cgroup's
 * memory.reclaim asks of the kernel: no allocation waits for it.  Counted
 * as direct reclaim, as 6.1 counts memory.reclaim.  0 once @nr pages are
 * evicted; -EAGAIN if reclaim stops short (nothing left it may evict),
 * -EINTR on a fatal signal.
 */
int edu_reclaim_proactive(int nid, unsigned long nr)
{
	struct edu_lruvec *v = nid >= 0 && nid < MAX_NUMNODES ?
			       edu_lruvecs[nid] : NULL;
	unsigned long done = 0, got;

	if (!v)
		return -EINVAL;
	while (done < nr) {
		if (fatal_signal_pending(current))
			return -EINTR;
		got = edu_shrink_node(v, true, true, nr - done);
		if (!got)
			return -EAGAIN;
		done += got;
	}
	return 0;
}

static int edu_kswapd(void *arg)
{
	struct edu_lruvec *v = arg;
	struct edu_node *n = edu_nodes[v->nid];

	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!test_and_clear_bit(EDU_KSWAPD_WANTED, &v->kswapd_flags)) {
			trace_edualloc_kswapd_sleep(v->nid,
						    edu_free_pages_of(v->nid));
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		set_bit(EDU_KSWAPD_RUNNING, &v->kswapd_flags);
		trace_edualloc_kswapd_wake(v->nid, edu_free_pages_of(v->nid));
		spin_lock(&v->lock);
		v->stat.pageoutrun++;
		spin_unlock(&v->lock);
		/*
		 * balance_pgdat(): up to the high watermark, in batches; but
		 * first take back from the kernel what the shrinker gave it.
		 */
		for (;;) {
			unsigned long free = edu_free_pages_of(v->nid);
			unsigned long high = READ_ONCE(n->wmark[EDU_WMARK_HIGH]);

			if (kthread_should_stop() || free >= high)
				break;
			if (edu_pool_grow(n, high))
				continue;
			if (!edu_shrink_node(v, false, true, high - free))
				break;
		}
		clear_bit(EDU_KSWAPD_RUNNING, &v->kswapd_flags);
	}
	return 0;
}

/*
 * buddy.c: an allocation left node @n below its low watermark.  Wake its
 * kswapd if it sleeps and has something to reclaim.  Any context: the
 * lruvec lives until an RCU grace period after reclaim stops, and
 * wake_up_process() takes only raw locks.
 */
void edu_kswapd_wake(struct edu_node *n)
{
	struct edu_lruvec *v;
	struct task_struct *t;

	rcu_read_lock();
	v = READ_ONCE(edu_lruvecs[n->nid]);	/* published by release */
	if (!v || (!data_race(edu_lru_nr_pages(&v->lru)) &&
		   !edu_pool_can_grow(n)) ||
	    test_and_set_bit(EDU_KSWAPD_WANTED, &v->kswapd_flags))
		goto out;
	t = rcu_dereference(v->kswapd);
	if (t)
		wake_up_process(t);
out:
	rcu_read_unlock();
}

/*
 * Stop every kswapd (unload: before writeback's last pass, so that none is
 * left writing a page then).  Reclaim on demand still works without them.
 */
void edu_kswapd_stop_all(void)
{
	struct task_struct *t;
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_lruvec *v = edu_lruvecs[nid];

		if (!v)
			continue;
		t = rcu_dereference_protected(v->kswapd, true);
		if (!t)
			continue;
		RCU_INIT_POINTER(v->kswapd, NULL);
		synchronize_rcu();	/* no waker sees @t any more */
		kthread_stop(t);
		put_task_struct(t);
	}
}

static void edu_lruvec_free(int nid)
{
	struct edu_lruvec *v = edu_lruvecs[nid];

	if (!v)
		return;
	WRITE_ONCE(edu_lruvecs[nid], NULL);
	synchronize_rcu();	/* no waker sees @v any more */
	WARN_ON(edu_lru_nr_pages(&v->lru));
	kfree(v);
}

int edu_reclaim_init(void)
{
	struct task_struct *t;
	int nid, err;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_lruvec *v;

		if (!edu_nodes[nid])
			continue;
		v = edu_should_fail() ? NULL :
		    kzalloc_node(sizeof(*v), GFP_KERNEL, nid);
		err = -ENOMEM;
		if (!v)
			goto err;
		spin_lock_init(&v->lock);
		edu_lru_init(&v->lru, &v->lock, edu_lru_policy_now);
		v->nid = nid;
		t = kthread_create_on_node(edu_kswapd, v, nid,
					   "edu_kswapd%d", nid);
		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			kfree(v);
			goto err;
		}
		get_task_struct(t);	/* for kthread_stop() */
		if (!cpumask_empty(cpumask_of_node(nid)))
			set_cpus_allowed_ptr(t, cpumask_of_node(nid));
		RCU_INIT_POINTER(v->kswapd, t);
		/* @v whole before edu_kswapd_wake()'s READ_ONCE() sees it. */
		smp_store_release(&edu_lruvecs[nid], v);
		wake_up_process(t);
	}
	edu_reclaim_debugfs_init();
	return 0;
err:
	edu_reclaim_exit();
	return err;
}

/* Every area is gone: the lists are empty. */
void edu_reclaim_exit(void)
{
	int nid;

	edu_kswapd_stop_all();
	edu_reclaim_debugfs_exit();
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		edu_lruvec_free(nid);
}
