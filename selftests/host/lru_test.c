// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host tests of the page replacement core (module/lru.c, compiled
 * unchanged): scenarios spelled out step by step, the core against its
 * model (lru_model.c) over random operation sequences, and a trace-driven
 * simulation that compares the policies' hit rates with each other and with
 * Belady's optimum.  Every step of every test, the simulation's included,
 * runs on the core and the model at once (lru_harness.c).
 *
 *   lru_test [-s seed] [-n steps] [-S seeds] [test...]
 *
 * Output is TAP-like: "ok N - name" or "not ok N - name" per test; the
 * simulation's table goes out as "#" lines.
 */
#include <getopt.h>
#include <time.h>

#include "lru_harness.h"

static unsigned long opt_seed = 1;
static unsigned long opt_steps = 4000;	/* per seed of model_random */
static unsigned long opt_seeds = 40;

static unsigned long long rng_state;

/* splitmix64: reproducible from the seed. */
static unsigned long long rnd(void)
{
	unsigned long long x = rng_state += 0x9e3779b97f4a7c15ULL;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static unsigned int rnd_below(unsigned int n)
{
	return rnd() % n;
}

static bool fail(const char *fmt, ...) __printf(1, 2);

static bool fail(const char *fmt, ...)
{
	va_list ap;

	fputs("lru_test: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

/* ---- the lib's and the kernel's arithmetic ---- */

static bool test_int_sqrt(void)
{
	static const unsigned long big[] = {
		1UL << 32, (1UL << 32) - 1, 999999999999UL, ~0UL, ~0UL >> 1,
	};
	unsigned long x, r;
	unsigned int i;

	for (x = 0; x < 70000; x++) {
		r = int_sqrt(x);
		if (r * r > x || (r + 1) * (r + 1) <= x)
			return fail("int_sqrt(%lu) = %lu", x, r);
	}
	for (i = 0; i < ARRAY_SIZE(big); i++) {
		x = big[i];
		r = int_sqrt(x);
		if (r * r > x || (r + 1 <= 0xffffffffUL && (r + 1) * (r + 1) <= x))
			return fail("int_sqrt(%lu) = %lu", x, r);
	}
	return true;
}

/*
 * The table above inactive_is_low() in mm/vmscan.c: the ratio for 10 MB,
 * 1 GB, 10 GB, 100 GB, 1 TB and 10 TB on the lists.  With T pages, i of
 * them inactive, the list is low while i * ratio < T - i, so the first i
 * that is not low is ceil(T / (ratio + 1)).
 */
static bool test_inactive_ratio(void)
{
	static const struct {
		unsigned long pages, ratio;
	} tab[] = {
		{ 2560, 1 }, { 1UL << 18, 3 }, { 10UL << 18, 10 },
		{ 100UL << 18, 31 }, { 1024UL << 18, 101 },
		{ 10240UL << 18, 320 },
	};
	spinlock_t lock;	/* held around the calls, as they check */
	struct edu_lru lru;
	unsigned long t, i;
	unsigned int k;
	bool ok = true;

	spin_lock_init(&lock);
	edu_lru_init(&lru, &lock, EDU_LRU_POLICY_LRU);
	spin_lock(&lock);
	for (k = 0; ok && k < ARRAY_SIZE(tab); k++) {
		t = tab[k].pages;
		i = (t + tab[k].ratio) / (tab[k].ratio + 1);
		lru.nr_inactive = i;
		lru.nr_active = t - i;
		ok = !edu_lru_inactive_is_low(&lru) ||
		     fail("%lu pages, %lu inactive: low", t, i);
		lru.nr_inactive = i - 1;
		lru.nr_active = t - i + 1;
		ok = ok && (edu_lru_inactive_is_low(&lru) ||
			    fail("%lu pages, %lu inactive: not low", t, i - 1));
	}
	lru.nr_inactive = 0;
	lru.nr_active = 0;
	spin_unlock(&lock);
	return ok;
}

/* ---- scenarios ---- */

static bool expect_flags(struct lru_world *w, unsigned int p,
			 unsigned long flags)
{
	return w->pages[p].lp.flags == flags ||
	       fail("page %u: flags %#lx, want %#lx", p,
		    w->pages[p].lp.flags, flags);
}

static bool expect_victims(struct lru_world *w, unsigned int nr,
			   const unsigned int *want)
{
	unsigned int i;

	if (w->nr_victims != nr)
		return fail("%u victims, want %u", w->nr_victims, nr);
	for (i = 0; i < nr; i++)
		if (w->victims[i] != want[i])
			return fail("victim %u is page %u, want %u", i,
				    w->victims[i], want[i]);
	return true;
}

/* A fault: the page goes on the lists, and the access sets its bit. */
static bool fault(struct lru_world *w, unsigned int p)
{
	return lw_add(w, p) && lw_access(w, p);
}

#define PG_LRU		EDU_LRU_PG_LRU
#define PG_ACT		EDU_LRU_PG_ACTIVE
#define PG_REF		EDU_LRU_PG_REFERENCED

/*
 * LRU: a page used once (its fault) goes round the inactive list twice and
 * is evicted; one used again on its way is activated; mark_accessed()
 * activates on its second call.
 */
static bool test_second_chance(void)
{
	static const unsigned int v0[] = { 0 }, v2[] = { 2 };
	struct lru_world w;
	bool ok;

	if (lw_create(&w, 4, EDU_LRU_POLICY_LRU))
		return fail("no memory");
	w.check_all = true;
	ok = fault(&w, 0) && fault(&w, 1) && expect_flags(&w, 0, PG_LRU);
	/* Both young from their fault: each kept once, marked referenced. */
	ok = ok && lw_shrink(&w, 1) && expect_victims(&w, 0, NULL) &&
	     expect_flags(&w, 0, PG_LRU | PG_REF) &&
	     lw_shrink(&w, 1) && expect_victims(&w, 0, NULL);
	/* 1 is used again; 0 is not and goes. */
	ok = ok && lw_access(&w, 1) && lw_shrink(&w, 1) &&
	     expect_victims(&w, 1, v0) && expect_flags(&w, 0, 0);
	/* 1: young and referenced, activated (REFERENCED stays). */
	ok = ok && lw_shrink(&w, 1) && expect_victims(&w, 0, NULL) &&
	     expect_flags(&w, 1, PG_LRU | PG_ACT | PG_REF) &&
	     (w.lru.stat.pgactivate == 1 || fail("pgactivate"));
	/* mark_accessed twice: referenced, then active with it cleared. */
	ok = ok && lw_add(&w, 2) && lw_mark_accessed(&w, 2) &&
	     expect_flags(&w, 2, PG_LRU | PG_REF) &&
	     lw_mark_accessed(&w, 2) && expect_flags(&w, 2, PG_LRU | PG_ACT);
	/*
	 * 1 and 2 active, 3 alone inactive: the list is low, so aging first
	 * moves the oldest active page (1) down, REFERENCED kept; then the
	 * inactive tail, 3, never used since it came, goes.
	 */
	ok = ok && lw_add(&w, 3) && lw_shrink(&w, 1) &&
	     (w.lru.stat.pgdeactivate == 1 || fail("pgdeactivate")) &&
	     expect_flags(&w, 1, PG_LRU | PG_REF) &&
	     expect_victims(&w, 1, (const unsigned int[]){ 3 });
	/* Rotated: off the active list, to the inactive tail, next to go. */
	ok = ok && lw_rotate(&w, 2) && expect_flags(&w, 2, PG_LRU) &&
	     lw_shrink(&w, 1) && expect_victims(&w, 1, v2);
	lw_destroy(&w);
	return ok;
}

/*
 * Refaults (mm/workingset.c): a page evicted and back within the lists'
 * size of evictions starts active; one back after more starts inactive,
 * as does any page under FIFO (counted all the same).
 */
static bool test_refault(void)
{
	struct lru_world w;
	unsigned int p;
	bool ok = true;

	if (lw_create(&w, 12, EDU_LRU_POLICY_LRU))
		return fail("no memory");
	/* Four pages, each evicted after two looks: page 0 first. */
	for (p = 0; ok && p < 4; p++)
		ok = fault(&w, p);
	ok = ok && lw_shrink(&w, 4) && lw_shrink(&w, 1) &&
	     expect_victims(&w, 1, (const unsigned int[]){ 0 });
	/* Back at once: distance 0 <= 3 pages on the lists. */
	ok = ok && lw_add_refault(&w, 0) &&
	     expect_flags(&w, 0, PG_LRU | PG_ACT) &&
	     (w.lru.stat.workingset_activate == 1 || fail("activate"));
	/* Page 1 goes; then 8 more evictions before it comes back. */
	ok = ok && lw_shrink(&w, 1) &&
	     expect_victims(&w, 1, (const unsigned int[]){ 1 });
	for (p = 4; ok && p < 12; p++)
		ok = fault(&w, p) && lw_shrink(&w, 32);
	ok = ok && (w.lru.nonresident_age - w.pages[1].shadow >
		    w.lru.nr_active + w.lru.nr_inactive ||
		    fail("distance %lu", w.lru.nonresident_age -
			 w.pages[1].shadow));
	ok = ok && lw_add_refault(&w, 1) && expect_flags(&w, 1, PG_LRU) &&
	     (w.lru.stat.workingset_refault == 2 || fail("refaults"));
	lw_destroy(&w);
	if (!ok || lw_create(&w, 4, EDU_LRU_POLICY_FIFO))
		return ok && fail("no memory");
	ok = fault(&w, 0) && lw_shrink(&w, 1) && lw_add_refault(&w, 0) &&
	     expect_flags(&w, 0, PG_LRU) &&
	     (w.lru.stat.workingset_refault == 1 || fail("fifo refault"));
	lw_destroy(&w);
	return ok;
}

/*
 * CLOCK: pages are looked at in arrival order; a young one costs the hand
 * a step and its bit, nothing more.  FIFO: arrival order, bits ignored.
 */
static bool test_clock_fifo(void)
{
	static const unsigned int v0[] = { 0 }, v3[] = { 3 };
	static const unsigned int v012[] = { 0, 1, 2 };
	struct lru_world w;
	bool ok;

	if (lw_create(&w, 4, EDU_LRU_POLICY_CLOCK))
		return fail("no memory");
	w.check_all = true;
	ok = fault(&w, 0) && fault(&w, 1) && fault(&w, 2);
	ok = ok && lw_shrink(&w, 3) && expect_victims(&w, 0, NULL) &&
	     w.lru.stat.kept == 3 && lw_shrink(&w, 1) &&
	     expect_victims(&w, 1, v0);
	/* mark_accessed is a reference too: 1 survives, 2 goes. */
	ok = ok && lw_mark_accessed(&w, 1) && lw_shrink(&w, 2) &&
	     expect_victims(&w, 1, (const unsigned int[]){ 2 });
	/* Rotated under the hand: looked at next, so 3 goes before 1. */
	ok = ok && lw_add(&w, 3) && lw_access(&w, 1) && lw_rotate(&w, 3) &&
	     lw_shrink(&w, 1) && expect_victims(&w, 1, v3);
	/* A policy changes on empty lists only. */
	ok = ok && lw_set_policy(&w, EDU_LRU_POLICY_FIFO) && lw_del(&w, 1) &&
	     lw_set_policy(&w, EDU_LRU_POLICY_FIFO) &&
	     (w.lru.policy == EDU_LRU_POLICY_FIFO || fail("policy"));
	ok = ok && fault(&w, 0) && fault(&w, 1) && fault(&w, 2) &&
	     lw_mark_accessed(&w, 0) && lw_shrink(&w, 8) &&
	     expect_victims(&w, 3, v012);
	lw_destroy(&w);
	return ok;
}

/* ---- the core against the model, random operation sequences ---- */

static bool random_step(struct lru_world *w)
{
	static const unsigned long scans[] = { 1, 1, 2, 3, 5, 8, 32, 1000 };
	unsigned int p = rnd_below(w->nr_pages), k = rnd_below(100), q;

	if (k < 30)
		return lw_access(w, p);
	if (k < 50) {
		/* Mostly pages not on the lists: adding twice is rare. */
		if (lw_on_lru(w, p) && rnd_below(8))
			return true;
		return k & 1 ? lw_add_refault(w, p) : lw_add(w, p);
	}
	if (k < 63)
		return lw_mark_accessed(w, p);
	if (k < 68)
		return lw_del(w, p);
	if (k < 73)
		return lw_rotate(w, p);
	if (k < 96)
		return lw_shrink(w, scans[rnd_below(ARRAY_SIZE(scans))]);
	if (k < 98)
		return lw_set_policy(w, rnd_below(EDU_LRU_NR_POLICIES + 1));
	/* Everything off, then a new policy (a lab switching). */
	for (q = 0; q < w->nr_pages; q++)
		if (!lw_del(w, q))
			return false;
	return lw_set_policy(w, rnd_below(EDU_LRU_NR_POLICIES));
}

static bool test_model_random(void)
{
	unsigned long s, i, steps = 0, victims = 0;
	struct lru_world w;
	bool ok = true;

	for (s = 0; ok && s < opt_seeds; s++) {
		rng_state = opt_seed * 1000003 + s;
		if (lw_create(&w, 2 + rnd_below(40),
			      rnd_below(EDU_LRU_NR_POLICIES)))
			return fail("no memory");
		w.check_all = true;
		for (i = 0; ok && i < opt_steps; i++)
			ok = random_step(&w);
		if (!ok)
			fail("seed %lu (-s %lu), step %lu", s, opt_seed, i);
		steps += i;
		victims += w.lru.stat.pgsteal;
		lw_destroy(&w);
	}
	printf("# model_random: %lu steps over %lu seeds, %lu victims\n",
	       steps, opt_seeds, victims);
	return ok;
}

/* ---- trace-driven simulation ---- */

/*
 * A memory of @frames page frames and a trace of page numbers.  An access
 * to a resident page is a hit and sets its Accessed bit; any other is a
 * fault: the policy picks a victim if memory is full, the page comes in
 * and its bit is set (the access that faulted).  Pages below @hot are the
 * hot set, counted apart.
 */
struct trace {
	const char *name;
	unsigned int *acc;
	unsigned long n;
	unsigned int nr_pages, frames, hot;
};

struct hits {
	unsigned long hits, hot_hits, hot_acc;
};

#define SIM_FRAMES	64
#define SIM_LEN		40000

/*
 * A hot set of 16 pages, one access in 4, among a stream of pages used
 * once: the scan that must not flush a working set.
 */
static void trace_hotcold(struct trace *t)
{
	unsigned int cold = 16;
	unsigned long i;

	t->name = "hotcold";
	t->frames = SIM_FRAMES;
	t->hot = 16;
	for (i = 0; i < t->n; i++)
		t->acc[i] = rnd_below(4) ? cold++ : rnd_below(t->hot);
	t->nr_pages = cold;
}

/* A loop over 80 pages in 64 frames: what is evicted is needed soonest. */
static void trace_loop(struct trace *t)
{
	unsigned long i;

	t->name = "loop";
	t->frames = SIM_FRAMES;
	t->hot = 0;
	t->nr_pages = SIM_FRAMES * 5 / 4;
	for (i = 0; i < t->n; i++)
		t->acc[i] = i % t->nr_pages;
}

/* Uniform over 128 pages: nothing to learn, frames / pages for anyone. */
static void trace_random(struct trace *t)
{
	unsigned long i;

	t->name = "random";
	t->frames = SIM_FRAMES;
	t->hot = 0;
	t->nr_pages = SIM_FRAMES * 2;
	for (i = 0; i < t->n; i++)
		t->acc[i] = rnd_below(t->nr_pages);
}

static bool sim_policy(const struct trace *t, enum edu_lru_policy policy,
		       struct hits *h)
{
	unsigned int resident = 0, p, tries;
	struct lru_world w;
	unsigned long i;
	bool ok = true, *seen;

	memset(h, 0, sizeof(*h));
	seen = calloc(t->nr_pages, sizeof(*seen));
	if (!seen || lw_create(&w, t->nr_pages, policy)) {
		free(seen);
		return fail("no memory");
	}
	w.lists_every = 7;	/* a full check is O(frames) */
	for (i = 0; ok && i < t->n; i++) {
		p = t->acc[i];
		h->hot_acc += p < t->hot;
		if (lw_on_lru(&w, p)) {
			h->hits++;
			h->hot_hits += p < t->hot;
			ok = lw_access(&w, p);
			continue;
		}
		/* Each call looks at one page, as one could per fault. */
		for (tries = 0; ok && resident == t->frames; tries++) {
			if (tries > 4 * t->frames)
				ok = fail("%s: no victim in %u scans", t->name,
					  tries);
			ok = ok && lw_shrink(&w, 1);
			resident -= w.nr_victims;
		}
		/* As the module: a page evicted before comes back a refault. */
		ok = ok && (seen[p] ? lw_add_refault(&w, p) && lw_access(&w, p) :
				      fault(&w, p));
		seen[p] = true;
		resident++;
	}
	free(seen);
	w.lists_every = 0;
	ok = ok && lw_check(&w, -1);
	lw_destroy(&w);
	return ok;
}

/*
 * Belady's OPT: evict the page used again farthest in the future (or
 * never).  No policy that cannot see the future does better.
 */
static void sim_opt(const struct trace *t, struct hits *h)
{
	unsigned long *next = calloc(t->n, sizeof(*next));
	unsigned long *next_use = calloc(t->nr_pages, sizeof(*next_use));
	unsigned int *frame = calloc(t->frames, sizeof(*frame));
	bool *in = calloc(t->nr_pages, sizeof(*in));
	unsigned int used = 0, f, far, p;
	unsigned long i;

	memset(h, 0, sizeof(*h));
	for (p = 0; p < t->nr_pages; p++)
		next_use[p] = t->n;	/* never */
	for (i = t->n; i-- > 0;) {
		next[i] = next_use[t->acc[i]];
		next_use[t->acc[i]] = i;
	}
	for (i = 0; i < t->n; i++) {
		p = t->acc[i];
		h->hot_acc += p < t->hot;
		if (in[p]) {
			h->hits++;
			h->hot_hits += p < t->hot;
		} else if (used < t->frames) {
			frame[used++] = p;
		} else {
			for (far = 0, f = 1; f < t->frames; f++)
				if (next_use[frame[f]] > next_use[frame[far]])
					far = f;
			in[frame[far]] = false;
			frame[far] = p;
		}
		in[p] = true;
		next_use[p] = next[i];
	}
	free(next);
	free(next_use);
	free(frame);
	free(in);
}

static double pct(unsigned long part, unsigned long whole)
{
	return whole ? 100.0 * part / whole : 0;
}

#define SIM_TRACES	3
#define SIM_OPT		EDU_LRU_NR_POLICIES	/* its row in the table */

static bool test_simulate(void)
{
	static void (*const make[SIM_TRACES])(struct trace *) = {
		trace_hotcold, trace_loop, trace_random,
	};
	struct hits h[SIM_TRACES][EDU_LRU_NR_POLICIES + 1];
	struct trace t[SIM_TRACES] = { 0 };
	double rate[SIM_TRACES][EDU_LRU_NR_POLICIES + 1], hot[4];
	unsigned int k, pol;
	bool ok = true;

	rng_state = opt_seed;
	for (k = 0; ok && k < SIM_TRACES; k++) {
		t[k].n = SIM_LEN;
		t[k].acc = calloc(SIM_LEN, sizeof(*t[k].acc));
		if (!t[k].acc)
			return fail("no memory");
		make[k](&t[k]);
		for (pol = 0; ok && pol < EDU_LRU_NR_POLICIES; pol++)
			ok = sim_policy(&t[k], pol, &h[k][pol]);
		sim_opt(&t[k], &h[k][SIM_OPT]);
		for (pol = 0; pol <= SIM_OPT; pol++)
			rate[k][pol] = pct(h[k][pol].hits, SIM_LEN);
	}
	for (pol = 0; ok && pol <= SIM_OPT; pol++)
		hot[pol] = pct(h[0][pol].hot_hits, h[0][pol].hot_acc);
	if (ok) {
		printf("# hit %%, %u frames, %u accesses per trace\n",
		       SIM_FRAMES, SIM_LEN);
		printf("# hotcold: %u hot pages, 1 access in 4, among pages used once\n",
		       t[0].hot);
		printf("# loop: %u pages in turn; random: %u pages, uniform\n",
		       t[1].nr_pages, t[2].nr_pages);
		printf("# %-8s %8s %8s %8s %8s\n", "policy", "hotcold",
		       "hot set", "loop", "random");
		for (pol = 0; pol <= SIM_OPT; pol++)
			printf("# %-8s %8.1f %8.1f %8.1f %8.1f\n",
			       pol == SIM_OPT ? "opt" : edu_lru_policy_name(pol),
			       rate[0][pol], hot[pol], rate[1][pol],
			       rate[2][pol]);
	}
	for (k = 0; ok && k < SIM_TRACES; k++)
		for (pol = 0; ok && pol < EDU_LRU_NR_POLICIES; pol++)
			ok = h[k][pol].hits <= h[k][SIM_OPT].hits ||
			     fail("%s: %s beats OPT", t[k].name,
				  edu_lru_policy_name(pol));
	/* The done-when of issue 16. */
	ok = ok && (hot[EDU_LRU_POLICY_LRU] >= 90 ||
		    fail("hotcold: LRU keeps %.1f%% of the hot set's accesses",
			 hot[EDU_LRU_POLICY_LRU]));
	ok = ok && (hot[EDU_LRU_POLICY_FIFO] <= hot[EDU_LRU_POLICY_LRU] - 30 ||
		    fail("hotcold: FIFO %.1f%% on the hot set, LRU %.1f%%",
			 hot[EDU_LRU_POLICY_FIFO], hot[EDU_LRU_POLICY_LRU]));
	/* A loop larger than memory defeats them all; OPT keeps most. */
	for (pol = 0; ok && pol < EDU_LRU_NR_POLICIES; pol++)
		ok = rate[1][pol] <= 10 ||
		     fail("loop: %s hits %.1f%%", edu_lru_policy_name(pol),
			  rate[1][pol]);
	ok = ok && (rate[1][SIM_OPT] >= 70 || fail("loop: OPT"));
	/* No locality: each policy near frames / pages. */
	for (pol = 0; ok && pol < EDU_LRU_NR_POLICIES; pol++)
		ok = (rate[2][pol] >= 40 && rate[2][pol] <= 60) ||
		     fail("random: %s hits %.1f%%", edu_lru_policy_name(pol),
			  rate[2][pol]);
	for (k = 0; k < SIM_TRACES; k++)
		free(t[k].acc);
	return ok;
}

struct lru_test {
	const char *name;
	bool (*fn)(void);
};

static const struct lru_test tests[] = {
	{ "int_sqrt", test_int_sqrt },
	{ "inactive_ratio", test_inactive_ratio },
	{ "second_chance", test_second_chance },
	{ "refault", test_refault },
	{ "clock_fifo", test_clock_fifo },
	{ "model_random", test_model_random },
	{ "simulate", test_simulate },
};

static const char usage[] =
	"usage: %s [-s seed] [-n steps] [-S seeds] [test...]\n";

int main(int argc, char **argv)
{
	unsigned int i, nr = 0, failed = 0;
	struct timespec t0, t1;
	int c, a;

	while ((c = getopt(argc, argv, "s:n:S:")) != -1) {
		switch (c) {
		case 's':
			opt_seed = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			opt_steps = strtoul(optarg, NULL, 0);
			break;
		case 'S':
			opt_seeds = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, usage, argv[0]);
			return 2;
		}
	}
	for (a = optind; a < argc; a++) {
		for (i = 0; i < ARRAY_SIZE(tests); i++)
			if (!strcmp(argv[a], tests[i].name))
				break;
		if (i == ARRAY_SIZE(tests)) {
			fprintf(stderr, "lru_test: no test %s\n", argv[a]);
			return 2;
		}
	}
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		bool ok, want = optind == argc;

		for (a = optind; a < argc; a++)
			want |= !strcmp(argv[a], tests[i].name);
		if (!want)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ok = tests[i].fn() && (!lw_warnings ||
				       fail("%lu unexpected warnings",
					    lw_warnings));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%s %u - %s (%.2f s)\n", ok ? "ok" : "not ok", ++nr,
		       tests[i].name, (t1.tv_sec - t0.tv_sec) +
		       (t1.tv_nsec - t0.tv_nsec) / 1e9);
		fflush(stdout);
		failed += !ok;
		lw_warnings = 0;
	}
	printf("# lru_test: %u passed, %u failed\n", nr - failed, failed);
	return failed ? 1 : 0;
}
