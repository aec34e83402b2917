// SPDX-License-Identifier: GPL-2.0-only
/*
 * The slab harness (see slab_harness.h): what the slab layer needs from the
 * parts of the module that are not built here (pool.c's address lookup,
 * slab_debugfs.c's debugfs hooks), kmemleak's registry, the operations with
 * the model, and the checks after each of them.
 *
 * Every check that walks memory marks each object slot it meets, per
 * 8-byte granule of the pools, with the check's generation: a slot met
 * twice (on two freelists, in a magazine and on a freelist, live and free,
 * live twice) is a failure, which is what "no object is handed out twice
 * and no two objects overlap" comes down to.
 */
#include <stdarg.h>
#include <string.h>

#include "slab_harness.h"

#define SM_GRANULE_SHIFT	3
#define SM_GRANULES(pages)	((pages) << (PAGE_SHIFT - SM_GRANULE_SHIFT))

/* ---- what the module's other files provide ---- */

/* pool.c's lookup: the host's chunks are few, a scan will do. */
static struct edu_node *sm_pfn_to_idx(unsigned long pfn, unsigned long *idx)
{
	int nid;
	unsigned int c;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_node *n = edu_nodes[nid];

		for (c = 0; n && c < n->nr_chunks; c++) {
			unsigned long first = n->chunks[c].pfn;

			if (pfn >= first && pfn < first + EDU_CHUNK_PAGES) {
				*idx = c * EDU_CHUNK_PAGES + (pfn - first);
				return n;
			}
		}
	}
	return NULL;
}

unsigned long sm_pfn_lookups;

struct edu_node *edu_pfn_to_idx(unsigned long pfn, unsigned long *idx)
{
	__atomic_fetch_add(&sm_pfn_lookups, 1, __ATOMIC_RELAXED);
	return sm_pfn_to_idx(pfn, idx);
}

/* slab_debugfs.c: no debugfs here. */
void edu_slab_debugfs_add(struct edu_cache *c)
{
}

void edu_slab_debugfs_del(struct edu_cache *c)
{
}

int edu_slab_debugfs_init(void)
{
	return 0;
}

void edu_slab_debugfs_exit(void)
{
}

struct edu_node *sm_addr_node(const void *p, unsigned long *idx)
{
	if (!virt_addr_valid(p))
		return NULL;
	return sm_pfn_to_idx((unsigned long)p >> PAGE_SHIFT, idx);
}

/* Granule of @p in its node's maps, or -1 outside the pools. */
static long sm_granule(const void *p, int *nid)
{
	unsigned long idx;
	struct edu_node *n = sm_addr_node(p, &idx);

	if (!n)
		return -1;
	*nid = n->nid;
	return (long)((idx << (PAGE_SHIFT - SM_GRANULE_SHIFT)) +
		      (offset_in_page(p) >> SM_GRANULE_SHIFT));
}

/* ---- kmemleak ---- */

static u8 *sm_leak_map[MAX_NUMNODES];	/* per granule: registered */
static long sm_leak_count;

void edu_kmemleak_alloc(const void *ptr, size_t size)
{
	long g;
	int nid;

	if (!sm_leak_map[0] && !sm_leak_map[1])
		return;		/* no registry set up */
	g = sm_granule(ptr, &nid);
	if (g < 0 || !size) {
		host_fail("kmemleak_alloc(%p, %zu): not an object of the pools",
			  ptr, size);
		return;
	}
	if (__atomic_exchange_n(&sm_leak_map[nid][g], 1, __ATOMIC_RELAXED)) {
		host_fail("kmemleak_alloc(%p): already registered: handed out twice?",
			  ptr);
		return;
	}
	__atomic_fetch_add(&sm_leak_count, 1, __ATOMIC_RELAXED);
}

void edu_kmemleak_free(const void *ptr)
{
	long g;
	int nid;

	if (!sm_leak_map[0] && !sm_leak_map[1])
		return;
	g = sm_granule(ptr, &nid);
	if (g < 0 ||
	    !__atomic_exchange_n(&sm_leak_map[nid][g], 0, __ATOMIC_RELAXED)) {
		host_fail("kmemleak_free(%p): not registered", ptr);
		return;
	}
	__atomic_fetch_sub(&sm_leak_count, 1, __ATOMIC_RELAXED);
}

long host_kmemleak_count(void)
{
	return __atomic_load_n(&sm_leak_count, __ATOMIC_RELAXED);
}

/* ---- slot marks ---- */

enum { SM_M_FREE = 1, SM_M_MAG, SM_M_LIVE };
static const char *const sm_mark_names[] = {
	"", "on a freelist", "in a magazine", "live",
};

static u32 *sm_mark_map[MAX_NUMNODES];
static u32 sm_gen;

static bool sm_mark(const void *p, unsigned int kind)
{
	u32 *m;
	long g;
	int nid;

	g = sm_granule(p, &nid);
	if (g < 0)
		return host_fail("object %p %s: not in the pools", p,
				 sm_mark_names[kind]);
	m = &sm_mark_map[nid][g];
	if (*m >> 2 == sm_gen)
		return host_fail("object %p %s and %s", p,
				 sm_mark_names[*m & 3], sm_mark_names[kind]);
	*m = sm_gen << 2 | kind;
	return true;
}

/* ---- patterns ---- */

static unsigned long sm_word(unsigned long stamp, size_t i)
{
	unsigned long x = stamp ^ (i * 0x9e3779b97f4a7c15UL);

	return x ^ (x >> 29);
}

void sm_fill(void *p, size_t size, unsigned long stamp)
{
	size_t i;

	for (i = 0; i + 8 <= size; i += 8) {
		unsigned long v = sm_word(stamp, i);

		memcpy((char *)p + i, &v, 8);
	}
	for (; i < size; i++)
		((u8 *)p)[i] = (u8)(stamp + i);
}

bool sm_pattern_ok(const void *p, size_t size, unsigned long stamp)
{
	size_t i;

	for (i = 0; i + 8 <= size; i += 8) {
		unsigned long v = sm_word(stamp, i);

		if (memcmp((const char *)p + i, &v, 8))
			return false;
	}
	for (; i < size; i++)
		if (((const u8 *)p)[i] != (u8)(stamp + i))
			return false;
	return true;
}

/* The first and the last word, for the check after every step. */
static bool sm_pattern_quick(const void *p, size_t size, unsigned long stamp)
{
	size_t last = size >= 16 ? (size - 8) & ~7UL : 0;

	if (size < 16)
		return sm_pattern_ok(p, size, stamp);
	return !memcmp(p, (unsigned long[]){ sm_word(stamp, 0) }, 8) &&
	       !memcmp((const char *)p + last,
		       (unsigned long[]){ sm_word(stamp, last) }, 8);
}

/* ---- the model's own facts ---- */

static const unsigned int sm_classes[SM_NR_KMALLOC] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

unsigned int sm_kmalloc_class(size_t size)
{
	unsigned int i;

	for (i = 0; size && i < SM_NR_KMALLOC; i++)
		if (size <= sm_classes[i])
			return sm_classes[i];
	return 0;
}

struct sm_cache *sm_cache_of(struct sm_world *w, struct edu_cache *c)
{
	unsigned int i;

	for (i = 0; c && i < SM_MAX_CACHES; i++)
		if (w->caches[i].c == c)
			return &w->caches[i];
	return NULL;
}

static bool sm_debug(const struct sm_cache *mc)
{
	return mc->flags & (EDU_CACHE_RED_ZONE | EDU_CACHE_POISON |
			    EDU_CACHE_CONSISTENCY);
}

/* The pooled node nearest to @nid (ties: lowest id), as slab.h says. */
static int sm_home(int nid)
{
	int best = -1, i;

	if (nid >= 0 && nid < MAX_NUMNODES && edu_nodes[nid])
		return nid;
	for (i = 0; i < MAX_NUMNODES; i++)
		if (edu_nodes[i] && (best < 0 || edu_distance[nid][i] <
				     edu_distance[nid][best]))
			best = i;
	return best;
}

/* ---- the world ---- */

bool sm_slow_lookup;

void sm_cfg_default(struct model_cfg *cfg)
{
	host_cfg_default(cfg);
	cfg->wmark_min[0] = 16;
	cfg->wmark_min[1] = 16;
}

static void sm_maps_free(void)
{
	int nid;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		free(sm_leak_map[nid]);
		free(sm_mark_map[nid]);
		sm_leak_map[nid] = NULL;
		sm_mark_map[nid] = NULL;
	}
	sm_leak_count = 0;
}

int sm_world_init(struct sm_world *w, const struct model_cfg *cfg,
		  unsigned int max_objs)
{
	unsigned int i;
	int nid, cpu;

	memset(w, 0, sizeof(*w));
	w->max_objs = max_objs;
	w->full_every = 64;
	w->objs = calloc(max_objs, sizeof(*w->objs));
	if (!w->objs)
		return -ENOMEM;
	for (cpu = 0; cpu < EDU_NR_CPUS; cpu++)
		edu_cpu_online[cpu] = true;
	edu_random_state = 1;
	if (host_pool_create(cfg))
		goto err;
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		unsigned long g;

		if (!edu_nodes[nid])
			continue;
		g = SM_GRANULES(edu_nodes[nid]->pool_pages);
		sm_leak_map[nid] = calloc(g, 1);
		sm_mark_map[nid] = calloc(g, sizeof(u32));
		if (!sm_leak_map[nid] || !sm_mark_map[nid])
			goto err_pool;
	}
	/* The rows table is the third allocation with two pooled nodes. */
	if (sm_slow_lookup)
		edu_fail_nth = !!edu_nodes[0] + !!edu_nodes[1] +
			       !!edu_nodes[2] + !!edu_nodes[3] + 1;
	if (edu_slab_init()) {
		edu_fail_nth = 0;
		goto err_pool;
	}
	edu_fail_nth = 0;
	for (i = 0; i < SM_NR_KMALLOC; i++) {
		struct sm_cache *mc = &w->caches[i];

		mc->c = edu_kmalloc_cache(sm_classes[i]);
		mc->size = sm_classes[i];
		mc->nid = NUMA_NO_NODE;
		mc->kmalloc = true;
		if (!mc->c || mc->c->size != sm_classes[i]) {
			host_fail("kmalloc class %u missing", sm_classes[i]);
			edu_slab_exit();
			goto err_pool;
		}
	}
	host_set_cpu(0);
	w->slab_up = true;
	return 0;

err_pool:
	sm_maps_free();
	host_pool_destroy();
err:
	free(w->objs);
	w->objs = NULL;
	return -ENOMEM;
}

void sm_world_destroy(struct sm_world *w)
{
	/* A test that failed half-way: the next one starts afresh. */
	if (w->slab_up) {
		INIT_LIST_HEAD(&edu_slab_caches);
		host_cpuhp_reset();
	}
	sm_maps_free();
	host_pool_destroy();
	free(w->objs);
	memset(w, 0, sizeof(*w));
}

/* ---- operations ---- */

bool sm_log_has(unsigned long since, const char *what)
{
	unsigned long i;

	for (i = since; i < host_log_count(); i++)
		if (strstr(host_log_line(i), what))
			return true;
	return host_fail("no log line with \"%s\" (last: \"%s\")", what,
			 host_log_line(host_log_count() - 1));
}

/* Has node @nid a free block of @order above its min mark? */
static bool sm_node_can_serve(int nid, unsigned int order)
{
	struct edu_node *n = edu_nodes[nid];
	unsigned int o;

	if (n->free_pages < (1UL << order) + n->wmark[EDU_WMARK_MIN])
		return false;
	for (o = order; o <= EDU_MAX_ORDER; o++)
		if (n->free_area[o].nr_free)
			return true;
	return false;
}

static bool sm_add_obj(struct sm_world *w, struct sm_cache *mc, void *ptr,
		       size_t size, int want_nid)
{
	struct sm_obj *o;
	struct edu_slab *s = edu_slab_of(ptr);
	unsigned long align;

	if (w->nr_objs == w->max_objs)
		return host_fail("test: too many objects");
	if (mc) {
		if (!s || s->cache != mc->c)
			return host_fail("cache %s: object %p not in one of its slabs",
					 mc->c->name, ptr);
		align = max_t(unsigned int, mc->align, EDU_MIN_ALIGN);
		/* Power-of-two kmalloc classes are naturally aligned. */
		if (mc->kmalloc && is_power_of_2(mc->size))
			align = min((unsigned long)mc->size, PAGE_SIZE);
		if ((unsigned long)ptr % align)
			return host_fail("cache %s: object %p not aligned to %lu",
					 mc->c->name, ptr, align);
		/* The node asked for, unless it could not give a slab. */
		if (s->nid != want_nid && sm_node_can_serve(want_nid,
							    mc->c->order))
			return host_fail("cache %s: object of node %d, want %d",
					 mc->c->name, s->nid, want_nid);
	}
	o = &w->objs[w->nr_objs++];
	memset(o, 0, sizeof(*o));
	o->ptr = ptr;
	o->mc = mc;
	o->size = size;
	o->nid = s ? s->nid : -1;
	o->stamp = ++w->stamp * 0x2545f4914f6cdd1dUL;
	sm_fill(ptr, size, o->stamp);
	if (mc) {
		mc->allocs++;
		mc->live++;
	}
	w->t_allocs++;
	return true;
}

/* The node a request for @nid from this CPU should be served from. */
static int sm_want_nid(const struct sm_cache *mc, int nid)
{
	if (nid == NUMA_NO_NODE)
		nid = mc->nid != NUMA_NO_NODE ? mc->nid : numa_node_id();
	return sm_home(nid);
}

/* ---- the magazines' model ---- */

static int sm_mag_home(const struct sm_cache *mc, int cpu)
{
	return sm_home(mc->nid != NUMA_NO_NODE ? mc->nid : cpu_to_node(cpu));
}

/* Read CPU @cpu's magazine of @mc as it is. */
static void sm_mag_read(struct sm_cache *mc, int cpu)
{
	struct edu_cache_cpu *cc = per_cpu_ptr(mc->c->cpu, cpu);

	mc->mag_n[cpu] = min_t(unsigned int, cc->count, EDU_MAG_MAX);
	memcpy(mc->mag[cpu], cc->objs, mc->mag_n[cpu] * sizeof(void *));
}

void sm_mag_resync(struct sm_world *w)
{
	unsigned int i;
	int cpu;

	for (i = 0; i < SM_MAX_CACHES; i++) {
		struct sm_cache *mc = &w->caches[i];
		unsigned long st[EDU_ST_NR];

		if (!mc->c)
			continue;
		for (cpu = 0; cpu < EDU_NR_CPUS; cpu++)
			sm_mag_read(mc, cpu);
		edu_cache_stats_sum(mc->c, st);
		mc->fast_allocs = st[EDU_ST_ALLOC_FAST];
		mc->fast_frees = st[EDU_ST_FREE_FAST];
		mc->remote_frees = st[EDU_ST_REMOTE_FREE];
		mc->mag_flushes = st[EDU_ST_FLUSH];
	}
}

/* Every magazine of @mc flushed (shrink, validate, destroy). */
static void sm_mag_flush_all(struct sm_cache *mc)
{
	int cpu;

	for (cpu = 0; cpu < EDU_NR_CPUS; cpu++) {
		mc->mag_flushes += !!mc->mag_n[cpu];
		mc->mag_n[cpu] = 0;
	}
}

/*
 * Before an allocation from @mc for @nid on this CPU: the object the
 * magazine must give, or NULL if it takes the slow path.
 */
static void *sm_mag_predict(struct sm_cache *mc, int nid)
{
	int cpu = smp_processor_id();

	if (sm_debug(mc) || !mc->mag_n[cpu] ||
	    (nid != NUMA_NO_NODE && nid != sm_mag_home(mc, cpu)))
		return NULL;
	return mc->mag[cpu][mc->mag_n[cpu] - 1];
}

/* After it: the prediction held, or the refill is read back. */
static bool sm_mag_after(struct sm_cache *mc, void *want, void *got)
{
	int cpu = smp_processor_id();

	if (sm_debug(mc))
		return true;
	if (!want) {
		sm_mag_read(mc, cpu);
		return true;
	}
	if (got != want)
		return host_fail("%s: CPU %d: allocated %p, magazine's top %p",
				 mc->c->name, cpu, got, want);
	mc->mag_n[cpu]--;
	mc->fast_allocs++;
	return true;
}

/* A free of @o (past the pointer checks) on this CPU. */
static void sm_mag_free(struct sm_cache *mc, const struct sm_obj *o)
{
	int cpu = smp_processor_id();
	unsigned int batch = mc->c->batch, *n = &mc->mag_n[cpu];

	if (sm_debug(mc))
		return;
	if (o->nid != sm_mag_home(mc, cpu)) {
		mc->remote_frees++;
		return;
	}
	if (*n == mc->c->mag_size) {
		memmove(mc->mag[cpu], mc->mag[cpu] + batch,
			(*n - batch) * sizeof(void *));
		*n -= batch;
		mc->mag_flushes++;
	}
	mc->mag[cpu][(*n)++] = o->ptr;
	mc->fast_frees++;
}

/* The magazines against the model's. */
static bool sm_mag_check(struct sm_cache *mc)
{
	struct edu_cache *c = mc->c;
	unsigned long st[EDU_ST_NR];
	int cpu;

	for (cpu = 0; cpu < EDU_NR_CPUS; cpu++) {
		struct edu_cache_cpu *cc = per_cpu_ptr(c->cpu, cpu);

		if (cc->count != mc->mag_n[cpu] ||
		    memcmp(cc->objs, mc->mag[cpu], cc->count * sizeof(void *)))
			return host_fail("%s: CPU %d: magazine of %u, model %u, or other",
					 c->name, cpu, cc->count,
					 mc->mag_n[cpu]);
	}
	edu_cache_stats_sum(c, st);
	if (st[EDU_ST_ALLOC_FAST] != mc->fast_allocs ||
	    st[EDU_ST_FREE_FAST] != mc->fast_frees ||
	    st[EDU_ST_REMOTE_FREE] != mc->remote_frees ||
	    st[EDU_ST_FLUSH] != mc->mag_flushes)
		return host_fail("%s: fast %lu/%lu remote %lu flush %lu, model %lu/%lu %lu %lu",
				 c->name, st[EDU_ST_ALLOC_FAST],
				 st[EDU_ST_FREE_FAST], st[EDU_ST_REMOTE_FREE],
				 st[EDU_ST_FLUSH], mc->fast_allocs,
				 mc->fast_frees, mc->remote_frees,
				 mc->mag_flushes);
	return true;
}

static bool sm_do_alloc(struct sm_world *w, struct sm_cache *mc, int nid)
{
	void *want = sm_mag_predict(mc, nid);
	void *ptr = edu_cache_alloc(mc->c, nid);

	if (!sm_mag_after(mc, want, ptr))
		return false;
	if (!ptr) {
		mc->fails++;
		w->t_fails++;
		return true;
	}
	return sm_add_obj(w, mc, ptr, mc->size, sm_want_nid(mc, nid));
}

static bool sm_do_kmalloc(struct sm_world *w, size_t size, int nid,
			  bool may_fail)
{
	unsigned int class = sm_kmalloc_class(size);
	struct sm_cache *mc = class ? sm_cache_of(w, edu_kmalloc_cache(size)) :
			      NULL;
	void *want = mc ? sm_mag_predict(mc, nid) : NULL;
	void *ptr = edu_kmalloc(size, nid);
	unsigned int order = get_order(size);
	unsigned long idx, head;
	unsigned int o, state;
	struct edu_node *n;

	if (class) {
		if (!mc || mc->size != class)
			return host_fail("kmalloc(%zu): class %u, not %u", size,
					 mc ? mc->size : 0, class);
		if (!sm_mag_after(mc, want, ptr))
			return false;
		if (!ptr) {
			mc->fails++;
			w->t_fails++;
			return true;
		}
		if (edu_ksize(ptr) != class)
			return host_fail("ksize of kmalloc(%zu): %zu, want %u",
					 size, edu_ksize(ptr), class);
		return sm_add_obj(w, mc, ptr, class, sm_want_nid(mc, nid));
	}
	if (!size || order > EDU_MAX_ORDER) {
		if (ptr)
			return host_fail("kmalloc(%zu) succeeded", size);
		return true;
	}
	if (!ptr) {
		if (!may_fail)
			return host_fail("kmalloc(%zu) failed", size);
		w->t_fails++;
		return true;
	}
	n = sm_addr_node(ptr, &idx);
	if (!n || offset_in_page(ptr) || edu_slab_of(ptr) ||
	    edu_lookup_idx(n, idx, &head, &o, &state) || head != idx ||
	    o != order || state != EDU_PM_SLAB)
		return host_fail("kmalloc(%zu): %p is not a slab-owned block of order %u",
				 size, ptr, order);
	if (edu_ksize(ptr) != PAGE_SIZE << order)
		return host_fail("ksize of kmalloc(%zu): %zu", size,
				 edu_ksize(ptr));
	w->t_large++;
	return sm_add_obj(w, NULL, ptr, size, 0);
}

static struct sm_obj sm_take_obj(struct sm_world *w, unsigned long pick)
{
	unsigned int k = pick % w->nr_objs;
	struct sm_obj o = w->objs[k];

	w->objs[k] = w->objs[--w->nr_objs];
	return o;
}

/* Free @o the way @how says; false on a failed check. */
static bool sm_free_obj(struct sm_world *w, const struct sm_obj *o,
			unsigned int how)
{
	struct sm_cache *mc = o->mc;
	unsigned long logs = host_log_count();

	if (!sm_pattern_ok(o->ptr, o->size, o->stamp))
		return host_fail("object %p (%s, %zu bytes): overwritten while live",
				 o->ptr, mc ? mc->c->name : "large", o->size);
	w->t_frees++;
	if (!mc || how & 1)
		edu_kfree(o->ptr);
	else
		edu_cache_free(mc->c, o->ptr);
	if (!mc)
		return true;
	mc->live--;
	mc->frees++;
	sm_mag_free(mc, o);
	if (o->rz_damaged) {
		mc->quar++;
		if (!o->rz_reported) {
			mc->err[EDU_ERR_REDZONE]++;
			w->t_errors++;
			return sm_log_has(logs, ": redzone: ");
		}
	}
	return true;
}

static bool sm_do_create(struct sm_world *w, const struct sm_op *op)
{
	bool bad = !op->size || op->size > EDU_OBJ_MAX_SIZE ||
		   (op->flags & ~EDU_CACHE_FLAGS) ||
		   (op->align && (!is_power_of_2(op->align) ||
				  op->align > PAGE_SIZE));
	struct sm_cache *mc = NULL;
	struct edu_cache *c;
	char name[32];
	unsigned int i;

	for (i = SM_NR_KMALLOC; i < SM_MAX_CACHES && !mc; i++)
		if (!w->caches[i].c)
			mc = &w->caches[i];
	if (!mc)
		return true;
	snprintf(name, sizeof(name), "c%lu", ++w->nr_created);
	c = edu_cache_create(name, op->size, op->align, op->flags, op->nid,
			     false);
	if (bad || IS_ERR(c)) {
		if (bad && PTR_ERR(c) == -EINVAL)
			return true;
		if (!bad && PTR_ERR(c) == -ENOMEM && op->fail_nth)
			return true;
		return host_fail("create %u/%u/%#x: %ld", op->size, op->align,
				 op->flags, IS_ERR(c) ? PTR_ERR(c) : 0L);
	}
	memset(mc, 0, sizeof(*mc));
	mc->c = c;
	mc->size = op->size;
	mc->align = op->align;
	mc->flags = op->flags;
	mc->nid = op->nid;
	if (c->size != op->size || c->flags != op->flags ||
	    c->align != max(op->align, (unsigned int)EDU_MIN_ALIGN) ||
	    strcmp(c->name, name))
		return host_fail("create %s: size %u align %u flags %#x",
				 name, c->size, c->align, c->flags);
	return true;
}

static bool sm_do_destroy(struct sm_world *w, struct sm_cache *mc)
{
	unsigned long logs = host_log_count();
	char what[64];
	int ret;

	ret = edu_cache_destroy(mc->c);
	sm_mag_flush_all(mc);
	if (mc->live) {
		if (ret != -EBUSY)
			return host_fail("destroy of %s with %lu live: %d",
					 mc->c->name, mc->live, ret);
		w->t_ebusy++;
		snprintf(what, sizeof(what), "cache %s: %lu objects still in use",
			 mc->c->name, mc->live);
		return sm_log_has(logs, what);
	}
	if (ret)
		return host_fail("destroy of an unused cache: %d", ret);
	memset(mc, 0, sizeof(*mc));
	w->t_destroyed++;
	return true;
}

/* After a shrink: no magazine holds anything, no slab is empty. */
static bool sm_check_shrunk(struct sm_cache *mc)
{
	struct edu_cache *c = mc->c;
	struct edu_slab *s;
	int nid, cpu;

	for_each_possible_cpu(cpu)
		if (per_cpu_ptr(c->cpu, cpu)->count)
			return host_fail("%s: CPU %d's magazine not flushed",
					 c->name, cpu);
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		if (!c->node[nid])
			continue;
		list_for_each_entry(s, &c->node[nid]->partial, list)
			if (!s->inuse)
				return host_fail("%s: empty slab kept by shrink",
						 c->name);
	}
	return true;
}

static bool sm_do_validate(struct sm_world *w, struct sm_cache *mc)
{
	unsigned long rz = 0, uaf = 0, early, errors, want;
	unsigned long logs = host_log_count();
	unsigned int i;

	for (i = 0; i < w->nr_objs; i++)
		if (w->objs[i].mc == mc && w->objs[i].rz_damaged &&
		    !w->objs[i].rz_reported)
			rz++;
	/*
	 * A written free object is found when handed out (early) or now,
	 * unless its slab went back to the buddy allocator in between
	 * (shrink, or emptied): then the damage went with it.
	 */
	for (i = 0; i < mc->pending_uaf; i++) {
		struct edu_slab *s = edu_slab_of(mc->uaf_ptr[i]);

		uaf += s && s->cache == mc->c && s->id == mc->uaf_slab[i];
	}
	early = atomic_long_read(&mc->c->err[EDU_ERR_POISON]) -
		mc->err[EDU_ERR_POISON];
	errors = edu_cache_validate(mc->c);
	sm_mag_flush_all(mc);
	want = rz + uaf - early;
	if (errors != want)
		return host_fail("validate %s: %lu errors, want %lu",
				 mc->c->name, errors, want);
	for (i = 0; i < w->nr_objs; i++)
		if (w->objs[i].mc == mc && w->objs[i].rz_damaged)
			w->objs[i].rz_reported = true;
	mc->err[EDU_ERR_REDZONE] += rz;
	mc->err[EDU_ERR_POISON] += uaf;
	mc->quar += uaf;
	mc->pending_uaf = 0;
	w->t_errors += want;
	return !want || sm_log_has(logs, "found by validate");
}

/* A live object of a cache with any of @flags, from @pick on; or -1. */
static long sm_find_obj(struct sm_world *w, unsigned long pick,
			unsigned int flags, bool any)
{
	unsigned int i;

	for (i = 0; i < w->nr_objs; i++) {
		unsigned int k = (pick + i) % w->nr_objs;
		struct sm_obj *o = &w->objs[k];

		if (o->mc && !o->rz_damaged &&
		    (any || (o->mc->flags & flags)))
			return k;
	}
	return -1;
}

static bool sm_do_corrupt(struct sm_world *w, const struct sm_op *op)
{
	unsigned long logs = host_log_count();
	struct sm_cache *mc, *other;
	struct edu_slab *s;
	struct sm_obj o;
	long k;
	u8 *p;

	if (!w->nr_objs)
		return true;
	switch (op->how % SM_BAD_NR) {
	case SM_BAD_REDZONE:
		k = sm_find_obj(w, op->pick, EDU_CACHE_RED_ZONE, false);
		if (k < 0)
			return true;
		o = w->objs[k];
		p = o.ptr;
		/* Either side, within EDU_RZ_BYTES of the object. */
		if (op->pick2 & 8)
			p[o.mc->size + (op->pick2 & 7)] ^= 0x5a;
		else
			p[-1 - (long)(op->pick2 & 7)] ^= 0x5a;
		w->objs[k].rz_damaged = true;
		return true;
	case SM_BAD_UAF:
		k = sm_find_obj(w, op->pick, EDU_CACHE_POISON, false);
		if (k < 0)
			return true;
		o = sm_take_obj(w, k);
		if (!sm_free_obj(w, &o, op->how >> 4))
			return false;
		/* Write only if the slab is still there (not given back). */
		s = edu_slab_of(o.ptr);
		mc = o.mc;
		if (s && s->cache == mc->c && mc->pending_uaf < SM_MAX_UAF) {
			((u8 *)o.ptr)[op->pick2 % mc->size] = 0;
			mc->uaf_ptr[mc->pending_uaf] = o.ptr;
			mc->uaf_slab[mc->pending_uaf++] = s->id;
		}
		return true;
	case SM_BAD_DOUBLE:
		k = sm_find_obj(w, op->pick, EDU_CACHE_RED_ZONE |
				EDU_CACHE_POISON | EDU_CACHE_CONSISTENCY, false);
		if (k < 0)
			return true;
		o = sm_take_obj(w, k);
		if (!sm_free_obj(w, &o, op->how >> 4))
			return false;
		logs = host_log_count();
		mc = o.mc;
		if (!edu_slab_of(o.ptr)) {
			/* Its slab went back to the buddy: a stray pointer. */
			edu_cache_free(mc->c, o.ptr);
			mc->err[EDU_ERR_BAD_PTR]++;
			return sm_log_has(logs, ": bad_pointer: ");
		}
		edu_cache_free(mc->c, o.ptr);
		mc->frees++;	/* counted as a slow free, refused */
		mc->err[EDU_ERR_DOUBLE_FREE]++;
		w->t_errors++;
		return sm_log_has(logs, ": double_free: ");
	case SM_BAD_WRONG_CACHE:
		k = sm_find_obj(w, op->pick, 0, true);
		if (k < 0)
			return true;
		mc = w->objs[k].mc;
		other = &w->caches[op->pick2 % SM_MAX_CACHES];
		if (!other->c || other == mc)
			return true;
		edu_cache_free(other->c, w->objs[k].ptr);
		mc->err[EDU_ERR_WRONG_CACHE]++;
		w->t_errors++;
		return sm_log_has(logs, ": wrong_cache: ");
	case SM_BAD_PTR:
		k = sm_find_obj(w, op->pick, 0, true);
		if (k < 0)
			return true;
		mc = w->objs[k].mc;
		p = (u8 *)w->objs[k].ptr + 1 + op->pick2 % 7;
		if (op->how & 16)
			edu_kfree(p);
		else
			edu_cache_free(mc->c, p);
		mc->err[EDU_ERR_BAD_PTR]++;
		w->t_errors++;
		return sm_log_has(logs, ": bad_pointer: ");
	case SM_BAD_FOREIGN: {
		static unsigned long foreign[8];

		mc = &w->caches[op->pick2 % SM_MAX_CACHES];
		if (op->how & 16) {
			edu_kfree(&foreign[op->pick2 % 8]);
			return sm_log_has(logs, "did not return");
		}
		if (!mc->c)
			return true;
		edu_cache_free(mc->c, &foreign[op->pick2 % 8]);
		mc->err[EDU_ERR_BAD_PTR]++;
		w->t_errors++;
		return sm_log_has(logs, "not in a slab");
	}
	}
	return true;
}

/* A cache by pick: among those that exist, user ones only if @user. */
static struct sm_cache *sm_pick_cache(struct sm_world *w, unsigned long pick,
				      bool user)
{
	unsigned int first = user ? SM_NR_KMALLOC : 0, i;

	for (i = 0; i < SM_MAX_CACHES - first; i++) {
		struct sm_cache *mc = &w->caches[first + (pick + i) %
						 (SM_MAX_CACHES - first)];

		if (mc->c)
			return mc;
	}
	return NULL;
}

static bool sm_do(struct sm_world *w, const struct sm_op *op)
{
	struct sm_cache *mc;
	struct sm_obj o;
	unsigned int i;
	int online, cpu;

	switch (op->kind) {
	case SM_CREATE:
		return sm_do_create(w, op);
	case SM_DESTROY:
		mc = sm_pick_cache(w, op->pick, true);
		return !mc || sm_do_destroy(w, mc);
	case SM_ALLOC:
		mc = sm_pick_cache(w, op->pick, false);
		for (i = 0; mc && i < max(op->count, 1U); i++)
			if (w->nr_objs == w->max_objs ||
			    !sm_do_alloc(w, mc, op->nid))
				break;
		return !host_error();
	case SM_FREE:
		for (i = 0; i < max(op->count, 1U) && w->nr_objs; i++) {
			o = sm_take_obj(w, op->pick + i * 7919);
			if (!sm_free_obj(w, &o, op->how))
				return false;
		}
		return true;
	case SM_KMALLOC:
		if (w->nr_objs == w->max_objs)
			return true;
		return sm_do_kmalloc(w, op->size, op->nid, true);
	case SM_SHRINK:
		mc = sm_pick_cache(w, op->pick, false);
		if (!mc)
			return true;
		edu_cache_shrink(mc->c);
		sm_mag_flush_all(mc);
		w->t_shrinks++;
		return sm_check_shrunk(mc);
	case SM_VALIDATE:
		mc = sm_pick_cache(w, op->pick, false);
		return !mc || sm_do_validate(w, mc);
	case SM_CPU_DOWN:
		cpu = 1 + op->pick % (EDU_NR_CPUS - 1);
		online = num_online_cpus();
		if (!cpu_online(cpu) || online <= 2)
			return true;
		host_cpu_down(cpu);
		w->t_hotplug++;
		for (i = 0; i < SM_MAX_CACHES; i++) {
			mc = &w->caches[i];
			if (!mc->c)
				continue;
			if (per_cpu_ptr(mc->c->cpu, cpu)->count)
				return host_fail("CPU %d down: %s's magazine kept",
						 cpu, mc->c->name);
			mc->mag_flushes += !!mc->mag_n[cpu];
			mc->mag_n[cpu] = 0;
		}
		return true;
	case SM_CPU_UP:
		host_cpu_up(op->pick % EDU_NR_CPUS);
		return true;
	case SM_CORRUPT:
		return sm_do_corrupt(w, op);
	case SM_NR_OPS:
		break;
	}
	return true;
}

bool sm_step(struct sm_world *w, const struct sm_op *op)
{
	bool ok;

	host_set_cpu(cpu_online(op->cpu) ? op->cpu : 0);
	edu_fail_nth = op->fail_nth;
	ok = sm_do(w, op);
	edu_fail_nth = 0;
	w->steps++;
	if (ok && edu_preempt_count)
		ok = host_fail("preempt count %d after an operation",
			       edu_preempt_count);
	return ok && !host_error() &&
	       sm_check(w, w->full_every && w->steps % w->full_every == 0);
}

/* ---- checks ---- */

/* Totals of one cache's slabs, gathered by sm_check_cache(). */
struct sm_tally {
	unsigned long slabs, inuse, quar, mag;
};

/* One slab: its place, map entries, freelist and debug state. */
static bool sm_check_slab(struct edu_cache *c, struct edu_slab *s, int nid,
			  bool full, struct sm_tally *t)
{
	unsigned int i, nr_free = 0, used = 0, quar = 0;
	void *p;

	if (s->cache != c || s->nid != nid || s->node != edu_nodes[nid] ||
	    s->full != full || s->base != edu_idx_to_virt(s->node, s->idx) ||
	    s->idx % (1UL << c->order))
		return host_fail("%s: slab %lu on node %d's %s list is misfiled",
				 c->name, s->id, nid, full ? "full" : "partial");
	for (i = 0; i < 1U << c->order; i++)
		if (edu_slab_of((char *)s->base + i * PAGE_SIZE) != s)
			return host_fail("%s: slab map wrong for page %u of slab %lu",
					 c->name, i, s->id);
	if (s->inuse > c->objects || s->quarantined > s->inuse ||
	    full != !s->freelist)
		return host_fail("%s: slab %lu: inuse %u quarantined %u, %s",
				 c->name, s->id, s->inuse, s->quarantined,
				 full ? "full" : "partial");
	for (p = s->freelist; p; p = edu_fp_get(c, p)) {
		if (!edu_fp_valid(c, s, p))
			return host_fail("%s: slab %lu: freelist reaches %p",
					 c->name, s->id, p);
		if (++nr_free > c->objects - s->inuse)
			return host_fail("%s: slab %lu: freelist longer than %u",
					 c->name, s->id,
					 c->objects - s->inuse);
		if (s->state && s->state[edu_slab_obj_index(c, s, p)] !=
		    EDU_OS_FREE)
			return host_fail("%s: slab %lu: object on the freelist not free",
					 c->name, s->id);
		if (!sm_mark(p, SM_M_FREE))
			return false;
	}
	if (nr_free != c->objects - s->inuse)
		return host_fail("%s: slab %lu: %u free objects listed, %u not in use",
				 c->name, s->id, nr_free,
				 c->objects - s->inuse);
	for (i = 0; s->state && i < c->objects; i++) {
		used += s->state[i] == EDU_OS_USED ||
			s->state[i] == EDU_OS_USED_BAD;
		quar += s->state[i] == EDU_OS_QUAR;
	}
	if (s->state && (used + quar != s->inuse || quar != s->quarantined))
		return host_fail("%s: slab %lu: state says %u used %u quarantined, counts %u %u",
				 c->name, s->id, used, quar, s->inuse,
				 s->quarantined);
	t->slabs++;
	t->inuse += s->inuse;
	t->quar += s->quarantined;
	return true;
}

/* A cache's layout, node lists and magazines. */
static bool sm_check_cache(struct sm_cache *mc, struct sm_tally *t)
{
	struct edu_cache *c = mc->c;
	unsigned int rz = c->flags & EDU_CACHE_RED_ZONE ? 2 * EDU_RZ_BYTES : 0;
	int nid, cpu;

	if (c->stride < c->size + rz || c->stride % c->align ||
	    c->obj_offset % c->align || !c->objects ||
	    (unsigned long)c->objects * c->stride > PAGE_SIZE << c->order ||
	    c->order > max(3U, (unsigned int)get_order(c->stride)) ||
	    c->batch * 2 != c->mag_size || c->mag_size > EDU_MAG_MAX)
		return host_fail("%s: layout: size %u stride %u offset %u, %u objects of order %u",
				 c->name, c->size, c->stride, c->obj_offset,
				 c->objects, c->order);
	memset(t, 0, sizeof(*t));
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_cache_node *n = c->node[nid];
		unsigned long nr_partial = 0, nr_full = 0;
		struct edu_slab *s;

		if (!n != !edu_nodes[nid])
			return host_fail("%s: node %d: lists %s a pool",
					 c->name, nid, n ? "without" : "missing for");
		if (!n)
			continue;
		list_for_each_entry(s, &n->partial, list) {
			nr_partial++;
			if (!sm_check_slab(c, s, nid, false, t))
				return false;
		}
		list_for_each_entry(s, &n->full, list) {
			nr_full++;
			if (!sm_check_slab(c, s, nid, true, t))
				return false;
		}
		if (nr_partial != n->nr_partial || nr_full != n->nr_full)
			return host_fail("%s: node %d: %lu/%lu slabs listed, counts %lu/%lu",
					 c->name, nid, nr_partial, nr_full,
					 n->nr_partial, n->nr_full);
	}
	for_each_possible_cpu(cpu) {
		struct edu_cache_cpu *cc = per_cpu_ptr(c->cpu, cpu);
		unsigned int i;

		if (cc->count > c->mag_size || (sm_debug(mc) && cc->count) ||
		    (!cpu_online(cpu) && cc->count))
			return host_fail("%s: CPU %d: %u objects in the magazine",
					 c->name, cpu, cc->count);
		if (cc->nid != sm_home(mc->nid != NUMA_NO_NODE ? mc->nid :
				       cpu_to_node(cpu)))
			return host_fail("%s: CPU %d: magazine of node %d",
					 c->name, cpu, cc->nid);
		/* Emptied slots are cleared: a stale copy hides leaks. */
		for (i = cc->count; i < EDU_MAG_MAX; i++)
			if (cc->objs[i])
				return host_fail("%s: CPU %d: magazine slot %u stale",
						 c->name, cpu, i);
		for (i = 0; i < cc->count; i++) {
			struct edu_slab *s = edu_slab_of(cc->objs[i]);

			if (!s || s->cache != c || s->nid != cc->nid ||
			    !edu_fp_valid(c, s, cc->objs[i]))
				return host_fail("%s: CPU %d: magazine holds %p",
						 c->name, cpu, cc->objs[i]);
			if (!sm_mark(cc->objs[i], SM_M_MAG))
				return false;
		}
		t->mag += cc->count;
	}
	return true;
}

/* The cache's counters against the model. */
static bool sm_check_counts(struct sm_cache *mc, const struct sm_tally *t)
{
	struct edu_cache *c = mc->c;
	unsigned long st[EDU_ST_NR], live, early;
	int k;

	edu_cache_stats_sum(c, st);
	early = atomic_long_read(&c->err[EDU_ERR_POISON]) -
		mc->err[EDU_ERR_POISON];
	if (t->inuse - t->quar != mc->live + t->mag)
		return host_fail("%s: in use %lu - quarantined %lu != %lu + %lu cached",
				 c->name, t->inuse, t->quar, mc->live, t->mag);
	if (t->quar != mc->quar + early || early > mc->pending_uaf)
		return host_fail("%s: %lu quarantined, model %lu + %lu of %lu uaf",
				 c->name, t->quar, mc->quar, early,
				 mc->pending_uaf);
	live = edu_cache_live(c);
	if (live != mc->live)
		return host_fail("%s: edu_cache_live() %lu, model %lu",
				 c->name, live, mc->live);
	if (st[EDU_ST_ALLOC_FAST] + st[EDU_ST_ALLOC_SLOW] != mc->allocs ||
	    st[EDU_ST_ALLOC_FAIL] != mc->fails)
		return host_fail("%s: allocations %lu+%lu, %lu failed; model %lu, %lu",
				 c->name, st[EDU_ST_ALLOC_FAST],
				 st[EDU_ST_ALLOC_SLOW], st[EDU_ST_ALLOC_FAIL],
				 mc->allocs, mc->fails);
	if (st[EDU_ST_FREE_FAST] + st[EDU_ST_FREE_SLOW] != mc->frees ||
	    st[EDU_ST_REMOTE_FREE] > st[EDU_ST_FREE_SLOW])
		return host_fail("%s: frees %lu+%lu (%lu remote), model %lu",
				 c->name, st[EDU_ST_FREE_FAST],
				 st[EDU_ST_FREE_SLOW], st[EDU_ST_REMOTE_FREE],
				 mc->frees);
	if (st[EDU_ST_FLUSH_OBJS] < st[EDU_ST_FLUSH] ||
	    st[EDU_ST_NEW_SLAB] - st[EDU_ST_SLAB_FREE] != t->slabs)
		return host_fail("%s: flushes %lu of %lu objects, slabs %lu-%lu, listed %lu",
				 c->name, st[EDU_ST_FLUSH],
				 st[EDU_ST_FLUSH_OBJS], st[EDU_ST_NEW_SLAB],
				 st[EDU_ST_SLAB_FREE], t->slabs);
	if (!sm_mag_check(mc))
		return false;
	if (sm_debug(mc) && (st[EDU_ST_ALLOC_FAST] || st[EDU_ST_FREE_FAST] ||
			     st[EDU_ST_REFILL] || st[EDU_ST_REMOTE_FREE]))
		return host_fail("%s: a debug cache took a fast path", c->name);
	for (k = 0; k < EDU_ERR_NR; k++) {
		unsigned long got = atomic_long_read(&c->err[k]);

		if (got != mc->err[k] + (k == EDU_ERR_POISON ? early : 0))
			return host_fail("%s: %lu %s errors, model %lu",
					 c->name, got, edu_slab_err_names[k],
					 mc->err[k]);
	}
	return true;
}

/* The buddy pools under the slabs: every allocated block is ours. */
static bool sm_check_pools(struct sm_world *w)
{
	static u8 *live[MAX_NUMNODES];
	static unsigned long live_pages[MAX_NUMNODES];
	unsigned long nr[MAX_NUMNODES] = { 0 }, idx;
	struct edu_slab *s;
	unsigned int i;
	int nid, sn;

	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		if (!edu_nodes[nid])
			continue;
		if (live_pages[nid] < edu_nodes[nid]->pool_pages) {
			free(live[nid]);
			live_pages[nid] = edu_nodes[nid]->pool_pages;
			live[nid] = malloc(live_pages[nid]);
			if (!live[nid])
				return host_fail("out of memory");
		}
		memset(live[nid], 0, edu_nodes[nid]->pool_pages);
	}
	for (i = 0; i < SM_MAX_CACHES; i++) {
		struct edu_cache *c = w->caches[i].c;

		for (sn = 0; c && sn < MAX_NUMNODES; sn++) {
			if (!c->node[sn])
				continue;
			list_for_each_entry(s, &c->node[sn]->partial, list) {
				live[sn][s->idx] = (1 + c->order) | MODEL_LIVE_SLAB;
				nr[sn]++;
			}
			list_for_each_entry(s, &c->node[sn]->full, list) {
				live[sn][s->idx] = (1 + c->order) | MODEL_LIVE_SLAB;
				nr[sn]++;
			}
		}
	}
	for (i = 0; i < w->nr_objs; i++) {
		struct sm_obj *o = &w->objs[i];
		struct edu_node *n;

		if (o->mc)
			continue;
		n = sm_addr_node(o->ptr, &idx);
		live[n->nid][idx] = (1 + get_order(o->size)) | MODEL_LIVE_SLAB;
		nr[n->nid]++;
	}
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		if (edu_nodes[nid] &&
		    !host_check_node(edu_nodes[nid], live[nid], nr[nid], false))
			return false;
	return true;
}

bool sm_check(struct sm_world *w, bool full)
{
	struct sm_tally t[SM_MAX_CACHES];
	unsigned int i;

	if (++sm_gen >= 1U << 30)
		sm_gen = 1;
	for (i = 0; i < SM_MAX_CACHES; i++)
		if (w->caches[i].c && !sm_check_cache(&w->caches[i], &t[i]))
			return false;
	for (i = 0; i < w->nr_objs; i++) {
		struct sm_obj *o = &w->objs[i];
		struct edu_slab *s;

		if (!(full ? sm_pattern_ok(o->ptr, o->size, o->stamp) :
		      sm_pattern_quick(o->ptr, o->size, o->stamp)))
			return host_fail("object %p (%s, %zu bytes): overwritten while live",
					 o->ptr, o->mc ? o->mc->c->name : "large",
					 o->size);
		if (!o->mc)
			continue;
		s = edu_slab_of(o->ptr);
		if (!s || s->cache != o->mc->c || !edu_fp_valid(s->cache, s, o->ptr))
			return host_fail("object %p of %s: not a slot of its slabs",
					 o->ptr, o->mc->c->name);
		if (s->state && s->state[edu_slab_obj_index(s->cache, s, o->ptr)] !=
		    (o->rz_reported ? EDU_OS_USED_BAD : EDU_OS_USED))
			return host_fail("object %p of %s: state %u", o->ptr,
					 o->mc->c->name,
					 s->state[edu_slab_obj_index(s->cache, s,
								     o->ptr)]);
		if (!sm_mark(o->ptr, SM_M_LIVE))
			return false;
	}
	for (i = 0; i < SM_MAX_CACHES; i++)
		if (w->caches[i].c && !sm_check_counts(&w->caches[i], &t[i]))
			return false;
	if (host_kmemleak_count() != (long)w->nr_objs)
		return host_fail("kmemleak: %ld objects registered, test holds %u",
				 host_kmemleak_count(), w->nr_objs);
	return sm_check_pools(w);
}

/* Give back what is left, destroy every cache, then the slab layer. */
bool sm_world_finish(struct sm_world *w)
{
	unsigned long logs;
	unsigned int i;
	int cpu, nid;

	host_set_cpu(0);
	edu_migrate_pct = 0;
	for (cpu = 0; cpu < EDU_NR_CPUS; cpu++)
		host_cpu_up(cpu);
	while (w->nr_objs) {
		struct sm_obj o = sm_take_obj(w, w->nr_objs - 1);

		if (!sm_free_obj(w, &o, 0))
			return false;
	}
	for (i = SM_NR_KMALLOC; i < SM_MAX_CACHES; i++)
		if (w->caches[i].c && !sm_do_destroy(w, &w->caches[i]))
			return false;
	if (!sm_check(w, true))
		return false;
	logs = host_log_count();
	edu_slab_exit();
	w->slab_up = false;
	memset(w->caches, 0, sizeof(w->caches));
	if (host_log_count() != logs)
		return host_fail("slab exit: %s", host_log_line(logs));
	if (host_kmemleak_count())
		return host_fail("kmemleak: %ld objects left registered",
				 host_kmemleak_count());
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		if (edu_nodes[nid])
			edu_pcp_drain_node(edu_nodes[nid]);
	return host_pool_whole();
}
