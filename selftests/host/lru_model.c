// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reference model of page replacement: see lru_model.h.  Every rule
 * below is one of module/lru.h's, restated on arrays.
 */
#include <stdlib.h>
#include <string.h>

#include "lru_model.h"

#define LM_PAGES_PER_GB		262144UL	/* 4 KiB pages */

int lm_init(struct lru_model *m, unsigned int nr_pages, int policy)
{
	int l;

	memset(m, 0, sizeof(*m));
	m->nr_pages = nr_pages;
	m->policy = policy;
	for (l = 0; l < LM_NR_LISTS; l++)
		m->list[l] = calloc(nr_pages, sizeof(unsigned int));
	m->victims = calloc(nr_pages, sizeof(unsigned int));
	m->on = calloc(nr_pages, sizeof(bool));
	m->active = calloc(nr_pages, sizeof(bool));
	m->referenced = calloc(nr_pages, sizeof(bool));
	m->young = calloc(nr_pages, sizeof(bool));
	for (l = 0; l < LM_NR_LISTS; l++)
		if (!m->list[l])
			return -1;
	return m->victims && m->on && m->active && m->referenced &&
	       m->young ? 0 : -1;
}

void lm_free(struct lru_model *m)
{
	int l;

	for (l = 0; l < LM_NR_LISTS; l++)
		free(m->list[l]);
	free(m->victims);
	free(m->on);
	free(m->active);
	free(m->referenced);
	free(m->young);
}

static unsigned int lm_total(const struct lru_model *m)
{
	unsigned int n = 0;
	int l;

	for (l = 0; l < LM_NR_LISTS; l++)
		n += m->len[l];
	return n;
}

int lm_set_policy(struct lru_model *m, int policy)
{
	if (policy < 0 || policy >= LM_NR_POLICIES)
		return -22;	/* EINVAL */
	if (lm_total(m))
		return -16;	/* EBUSY */
	m->policy = policy;
	return 0;
}

static unsigned long lm_isqrt(unsigned long x)
{
	unsigned long r = 0;

	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

/* inactive * ratio < active, ratio = isqrt(10 * GB), or 1 under a GB. */
bool lm_inactive_is_low(const struct lru_model *m)
{
	unsigned long in = m->len[LM_INACTIVE], act = m->len[LM_ACTIVE];
	unsigned long gb = (in + act) / LM_PAGES_PER_GB;

	return in * (gb ? lm_isqrt(10 * gb) : 1) < act;
}

/* Which list page @p is on, or would go on, under the current policy. */
static int lm_list_of(const struct lru_model *m, unsigned int p)
{
	if (m->policy == LM_FIFO)
		return LM_FIFO_LIST;
	if (m->policy == LM_CLOCK)
		return LM_RING;
	return m->active[p] ? LM_ACTIVE : LM_INACTIVE;
}

static void lm_insert(struct lru_model *m, int l, unsigned int i,
		      unsigned int p)
{
	memmove(&m->list[l][i + 1], &m->list[l][i],
		(m->len[l] - i) * sizeof(unsigned int));
	m->list[l][i] = p;
	m->len[l]++;
}

static unsigned int lm_find(const struct lru_model *m, int l, unsigned int p)
{
	unsigned int i;

	for (i = 0; i < m->len[l]; i++)
		if (m->list[l][i] == p)
			return i;
	abort();	/* the model lost a page: a bug of the model */
}

/* Off its list; on the ring the hand stays on the slot (the next page). */
static void lm_remove(struct lru_model *m, unsigned int p)
{
	int l = lm_list_of(m, p);
	unsigned int i = lm_find(m, l, p);

	memmove(&m->list[l][i], &m->list[l][i + 1],
		(m->len[l] - i - 1) * sizeof(unsigned int));
	m->len[l]--;
	if (l != LM_RING)
		return;
	if (i < m->hand)
		m->hand--;
	if (m->hand >= m->len[l])
		m->hand = 0;
}

/* At the head; on the ring just behind the hand, so looked at last. */
static void lm_put_head(struct lru_model *m, unsigned int p)
{
	int l = lm_list_of(m, p);

	if (l != LM_RING) {
		lm_insert(m, l, 0, p);
	} else if (!m->len[l]) {
		lm_insert(m, l, 0, p);
		m->hand = 0;
	} else {
		lm_insert(m, l, m->hand, p);
		m->hand++;
	}
}

/* Where it is evicted next: the tail; on the ring, under the hand. */
static void lm_put_next(struct lru_model *m, unsigned int p)
{
	int l = lm_list_of(m, p);

	lm_insert(m, l, l == LM_RING ? m->hand : m->len[l], p);
}

void lm_access(struct lru_model *m, unsigned int p)
{
	m->young[p] = true;
}

void lm_add(struct lru_model *m, unsigned int p)
{
	if (m->on[p])
		return;		/* the core warns and ignores it */
	m->on[p] = true;
	m->active[p] = false;
	m->referenced[p] = false;
	lm_put_head(m, p);
}

/* Back from eviction: active at once if it went less than the lists ago. */
bool lm_add_refault(struct lru_model *m, unsigned int p, unsigned long shadow)
{
	if (m->on[p])
		return false;
	m->stat.workingset_refault++;
	m->on[p] = true;
	m->referenced[p] = false;
	m->active[p] = m->policy == LM_LRU &&
		       m->age - shadow <= (unsigned long)m->len[LM_ACTIVE] +
					  m->len[LM_INACTIVE];
	if (m->active[p]) {
		m->stat.workingset_activate++;
		m->age++;
	}
	lm_put_head(m, p);
	return m->active[p];
}

void lm_mark_accessed(struct lru_model *m, unsigned int p)
{
	if (!m->on[p] || m->policy == LM_FIFO)
		return;
	if (!m->referenced[p]) {
		m->referenced[p] = true;
	} else if (m->policy == LM_LRU && !m->active[p]) {
		lm_remove(m, p);
		m->referenced[p] = false;
		m->active[p] = true;
		lm_put_head(m, p);
		m->stat.pgactivate++;
		m->age++;
	}
}

bool lm_del(struct lru_model *m, unsigned int p)
{
	if (!m->on[p])
		return false;
	lm_remove(m, p);
	m->on[p] = false;
	m->active[p] = false;
	m->referenced[p] = false;
	return true;
}

void lm_rotate(struct lru_model *m, unsigned int p)
{
	if (!m->on[p])
		return;
	lm_remove(m, p);
	m->active[p] = false;
	lm_put_next(m, p);
	m->stat.pgrotated++;
}

static void lm_evict(struct lru_model *m, unsigned int p)
{
	lm_del(m, p);
	m->victims[m->nr_victims++] = p;
	m->stat.pgsteal++;
	m->age++;
}

static bool lm_test_clear_young(struct lru_model *m, unsigned int p)
{
	bool y = m->young[p];

	m->young[p] = false;
	return y;
}

static void lm_shrink_lru(struct lru_model *m, unsigned long nr)
{
	unsigned long n, i;
	unsigned int p;
	bool was;

	if (lm_inactive_is_low(m)) {
		n = nr < m->len[LM_ACTIVE] ? nr : m->len[LM_ACTIVE];
		for (i = 0; i < n; i++) {
			p = m->list[LM_ACTIVE][m->len[LM_ACTIVE] - 1];
			m->stat.pgrefill++;
			lm_test_clear_young(m, p);	/* and ignored */
			lm_remove(m, p);
			m->active[p] = false;
			lm_put_head(m, p);
			m->stat.pgdeactivate++;
		}
	}
	n = nr < m->len[LM_INACTIVE] ? nr : m->len[LM_INACTIVE];
	for (i = 0; i < n; i++) {
		p = m->list[LM_INACTIVE][m->len[LM_INACTIVE] - 1];
		m->stat.pgscan++;
		if (!lm_test_clear_young(m, p)) {
			lm_evict(m, p);
			continue;
		}
		was = m->referenced[p];
		lm_remove(m, p);
		m->referenced[p] = true;
		if (was) {
			m->active[p] = true;
			m->stat.pgactivate++;
			m->age++;
		} else {
			m->stat.kept++;
		}
		lm_put_head(m, p);
	}
}

unsigned int lm_shrink(struct lru_model *m, unsigned long nr_to_scan)
{
	unsigned int p;
	bool y;

	m->nr_victims = 0;
	switch (m->policy) {
	case LM_LRU:
		lm_shrink_lru(m, nr_to_scan);
		break;
	case LM_FIFO:
		while (nr_to_scan-- && m->len[LM_FIFO_LIST]) {
			m->stat.pgscan++;
			lm_evict(m, m->list[LM_FIFO_LIST][m->len[LM_FIFO_LIST] - 1]);
		}
		break;
	default:
		while (nr_to_scan-- && m->len[LM_RING]) {
			p = m->list[LM_RING][m->hand];
			m->stat.pgscan++;
			y = lm_test_clear_young(m, p);
			if (y || m->referenced[p]) {
				m->referenced[p] = false;
				m->hand = (m->hand + 1) % m->len[LM_RING];
				m->stat.kept++;
			} else {
				lm_evict(m, p);
			}
		}
	}
	return m->nr_victims;
}
