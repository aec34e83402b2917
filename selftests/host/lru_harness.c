// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page replacement core next to its model: see lru_harness.h.  The
 * core is called as the module will call it, under the one lock it asks
 * for (the shim's lockdep_assert_held() checks it).
 */
#include <stdarg.h>

#include "lru_harness.h"

/* What the shim leaves to its user: the lock owner tag, printk. */
__thread char edu_thread_self;
__thread int edu_preempt_count;
unsigned long lw_warnings;
static bool lw_warning_expected;

void edu_printk(char level, const char *fmt, ...)
{
	va_list ap;

	if (level == 'W')
		lw_warnings++;
	if (level == 'W' && lw_warning_expected)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static_assert(LM_LRU == EDU_LRU_POLICY_LRU, "policy numbers differ");
static_assert(LM_FIFO == EDU_LRU_POLICY_FIFO, "policy numbers differ");
static_assert(LM_CLOCK == EDU_LRU_POLICY_CLOCK, "policy numbers differ");
static_assert(LM_NR_POLICIES == EDU_LRU_NR_POLICIES, "policy count differs");

static bool lw_fail(struct lru_world *w, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lru: step %lu, policy %s: ", w->steps,
		edu_lru_policy_name(w->lru.policy));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

/* The MMU's bit, read and cleared as ptep_test_and_clear_young() will. */
static bool lw_test_and_clear_young(struct edu_lru_page *lp)
{
	struct lw_page *pg = container_of(lp, struct lw_page, lp);
	bool young = pg->young;

	pg->young = false;
	return young;
}

static const struct edu_lru_ops lw_ops = {
	.test_and_clear_young = lw_test_and_clear_young,
};

int lw_create(struct lru_world *w, unsigned int nr_pages,
	      enum edu_lru_policy policy)
{
	memset(w, 0, sizeof(*w));
	w->nr_pages = nr_pages;
	w->pages = calloc(nr_pages, sizeof(*w->pages));
	w->victims = calloc(nr_pages, sizeof(*w->victims));
	if (!w->pages || !w->victims || lm_init(&w->model, nr_pages, policy))
		return -1;
	spin_lock_init(&w->lock);
	edu_lru_init(&w->lru, &w->lock, policy);
	return 0;
}

void lw_destroy(struct lru_world *w)
{
	free(w->pages);
	free(w->victims);
	lm_free(&w->model);
}

static unsigned int lw_id(struct lru_world *w, struct edu_lru_page *lp)
{
	return container_of(lp, struct lw_page, lp) - w->pages;
}

/* Page @p's flags and bit as the model has them. */
static bool lw_check_page(struct lru_world *w, unsigned int p)
{
	const struct lru_model *m = &w->model;
	unsigned long want = (m->on[p] ? EDU_LRU_PG_LRU : 0) |
			     (m->active[p] ? EDU_LRU_PG_ACTIVE : 0) |
			     (m->referenced[p] ? EDU_LRU_PG_REFERENCED : 0);

	if (w->pages[p].lp.flags != want)
		return lw_fail(w, "page %u: flags %#lx, model %#lx", p,
			       w->pages[p].lp.flags, want);
	if (w->pages[p].young != m->young[p])
		return lw_fail(w, "page %u: young %d, model %d", p,
			       w->pages[p].young, m->young[p]);
	return true;
}

/* A core list, head to tail, against the model's array. */
static bool lw_check_list(struct lru_world *w, struct list_head *head,
			  unsigned long nr, int l, const char *name)
{
	const struct lru_model *m = &w->model;
	struct list_head *pos = head->next;
	unsigned int i;

	if (nr != m->len[l])
		return lw_fail(w, "%s: %lu pages, model %u", name, nr,
			       m->len[l]);
	for (i = 0; i < m->len[l]; i++, pos = pos->next) {
		struct edu_lru_page *lp = list_entry(pos, struct edu_lru_page,
						     lru);

		if (pos == head)
			return lw_fail(w, "%s: ends after %u pages, count %lu",
				       name, i, nr);
		if (lw_id(w, lp) != m->list[l][i])
			return lw_fail(w, "%s[%u]: page %u, model %u", name,
				       i, lw_id(w, lp), m->list[l][i]);
		if (!lw_check_page(w, m->list[l][i]))
			return false;
	}
	if (pos != head)
		return lw_fail(w, "%s: longer than %lu", name, nr);
	return true;
}

static bool lw_check_stat(struct lru_world *w, const char *name,
			  unsigned long got, unsigned long want)
{
	return got == want || lw_fail(w, "%s %lu, model %lu", name, got, want);
}

/* Everything observable; @touched (if >= 0) a page the step worked on. */
bool lw_check(struct lru_world *w, long touched)
{
	struct edu_lru *lru = &w->lru;
	struct lru_model *m = &w->model;
	unsigned int i;
	bool low;

	if ((int)lru->policy != m->policy)
		return lw_fail(w, "policy %d, model %d", lru->policy,
			       m->policy);
	if (w->lists_every > 1 && w->steps % w->lists_every)
		goto victims;
	if (!lw_check_list(w, &lru->inactive, lru->nr_inactive, LM_INACTIVE,
			   "inactive") ||
	    !lw_check_list(w, &lru->active, lru->nr_active, LM_ACTIVE,
			   "active") ||
	    !lw_check_list(w, &lru->fifo, lru->nr_fifo, LM_FIFO_LIST,
			   "fifo") ||
	    !lw_check_list(w, &lru->clock, lru->nr_clock, LM_RING, "clock"))
		return false;
	if (!m->len[LM_RING] ? lru->hand != &lru->clock :
	    lru->hand != &w->pages[m->list[LM_RING][m->hand]].lp.lru)
		return lw_fail(w, "clock hand not at slot %u of %u", m->hand,
			       m->len[LM_RING]);
	if (!lw_check_stat(w, "pgactivate", lru->stat.pgactivate,
			   m->stat.pgactivate) ||
	    !lw_check_stat(w, "pgdeactivate", lru->stat.pgdeactivate,
			   m->stat.pgdeactivate) ||
	    !lw_check_stat(w, "pgrefill", lru->stat.pgrefill,
			   m->stat.pgrefill) ||
	    !lw_check_stat(w, "pgscan", lru->stat.pgscan, m->stat.pgscan) ||
	    !lw_check_stat(w, "pgsteal", lru->stat.pgsteal, m->stat.pgsteal) ||
	    !lw_check_stat(w, "pgrotated", lru->stat.pgrotated,
			   m->stat.pgrotated) ||
	    !lw_check_stat(w, "kept", lru->stat.kept, m->stat.kept) ||
	    !lw_check_stat(w, "workingset_refault",
			   lru->stat.workingset_refault,
			   m->stat.workingset_refault) ||
	    !lw_check_stat(w, "workingset_activate",
			   lru->stat.workingset_activate,
			   m->stat.workingset_activate) ||
	    !lw_check_stat(w, "nonresident_age", lru->nonresident_age, m->age))
		return false;
	spin_lock(&w->lock);
	low = edu_lru_inactive_is_low(lru);
	spin_unlock(&w->lock);
	if (low != lm_inactive_is_low(m))
		return lw_fail(w, "inactive_is_low %d, model %d", low, !low);
victims:
	if (w->nr_victims != m->nr_victims)
		return lw_fail(w, "%u victims, model %u", w->nr_victims,
			       m->nr_victims);
	for (i = 0; i < w->nr_victims; i++) {
		if (w->victims[i] != m->victims[i])
			return lw_fail(w, "victim %u: page %u, model %u", i,
				       w->victims[i], m->victims[i]);
		if (!lw_check_page(w, w->victims[i]))
			return false;
	}
	if (touched >= 0 && !lw_check_page(w, touched))
		return false;
	for (i = 0; w->check_all && i < w->nr_pages; i++)
		if (!lw_check_page(w, i))
			return false;
	return true;
}

/* An access through the page tables: the MMU sets the bit, nothing else. */
bool lw_access(struct lru_world *w, unsigned int p)
{
	w->steps++;
	w->pages[p].young = true;
	lm_access(&w->model, p);
	return lw_check(w, p);
}

/* A page added twice must be refused with a WARN, the lists untouched. */
bool lw_add(struct lru_world *w, unsigned int p)
{
	unsigned long warnings = lw_warnings;
	bool twice = lw_on_lru(w, p);

	w->steps++;
	lw_warning_expected = twice;
	spin_lock(&w->lock);
	edu_lru_add(&w->lru, &w->pages[p].lp);
	spin_unlock(&w->lock);
	lw_warning_expected = false;
	lm_add(&w->model, p);
	if (lw_warnings != warnings + twice)
		return lw_fail(w, "add page %u: %lu warnings, want %d", p,
			       lw_warnings - warnings, twice);
	lw_warnings = warnings;	/* only unexpected ones stay counted */
	return lw_check(w, p);
}

/* Page @p back with the shadow its last eviction left (0 if none). */
bool lw_add_refault(struct lru_world *w, unsigned int p)
{
	unsigned long warnings = lw_warnings;
	bool twice = lw_on_lru(w, p), got, want;

	w->steps++;
	lw_warning_expected = twice;
	spin_lock(&w->lock);
	got = edu_lru_add_refault(&w->lru, &w->pages[p].lp,
				  w->pages[p].shadow);
	spin_unlock(&w->lock);
	lw_warning_expected = false;
	want = lm_add_refault(&w->model, p, w->pages[p].shadow);
	if (lw_warnings != warnings + twice)
		return lw_fail(w, "refault page %u: %lu warnings, want %d", p,
			       lw_warnings - warnings, twice);
	lw_warnings = warnings;
	if (got != want)
		return lw_fail(w, "refault page %u: active %d, model %d", p,
			       got, want);
	return lw_check(w, p);
}

bool lw_mark_accessed(struct lru_world *w, unsigned int p)
{
	w->steps++;
	spin_lock(&w->lock);
	edu_lru_mark_accessed(&w->lru, &w->pages[p].lp);
	spin_unlock(&w->lock);
	lm_mark_accessed(&w->model, p);
	return lw_check(w, p);
}

bool lw_del(struct lru_world *w, unsigned int p)
{
	bool got, want;

	w->steps++;
	spin_lock(&w->lock);
	got = edu_lru_del(&w->lru, &w->pages[p].lp);
	spin_unlock(&w->lock);
	want = lm_del(&w->model, p);
	if (got != want)
		return lw_fail(w, "del page %u: %d, model %d", p, got, want);
	return lw_check(w, p);
}

bool lw_rotate(struct lru_world *w, unsigned int p)
{
	w->steps++;
	spin_lock(&w->lock);
	edu_lru_rotate(&w->lru, &w->pages[p].lp);
	spin_unlock(&w->lock);
	lm_rotate(&w->model, p);
	return lw_check(w, p);
}

/* The victims are taken off the list as the caller will, to evict them. */
bool lw_shrink(struct lru_world *w, unsigned long nr_to_scan)
{
	struct edu_lru_page *lp, *next;
	unsigned long got;
	unsigned int want;
	LIST_HEAD(victims);

	w->steps++;
	spin_lock(&w->lock);
	got = edu_lru_shrink(&w->lru, nr_to_scan, &lw_ops, &victims);
	w->nr_victims = 0;
	list_for_each_entry_safe(lp, next, &victims, lru) {
		if (w->nr_victims == w->nr_pages) {
			spin_unlock(&w->lock);
			return lw_fail(w, "victims list longer than the world");
		}
		list_del(&lp->lru);
		/* Evicted now, as reclaim.c does after the batch. */
		container_of(lp, struct lw_page, lp)->shadow =
			edu_lru_shadow(&w->lru);
		w->victims[w->nr_victims++] = lw_id(w, lp);
	}
	spin_unlock(&w->lock);
	want = lm_shrink(&w->model, nr_to_scan);
	if (got != w->nr_victims || got != want)
		return lw_fail(w, "shrink %lu: returned %lu for %u victims, model %u",
			       nr_to_scan, got, w->nr_victims, want);
	return lw_check(w, -1);
}

bool lw_set_policy(struct lru_world *w, int policy)
{
	int got, want;

	w->steps++;
	spin_lock(&w->lock);
	got = edu_lru_set_policy(&w->lru, policy);
	spin_unlock(&w->lock);
	want = lm_set_policy(&w->model, policy);
	if (got != want)
		return lw_fail(w, "set_policy %d: %d, model %d", policy, got,
			       want);
	return lw_check(w, -1);
}
