// SPDX-License-Identifier: GPL-2.0-only
/*
 * Slab debugging, per cache (EDU_CACHE_* flags), as SLUB's slub_debug:
 *
 *   RED_ZONE     guard bytes (EDU_RZ_BYTE) on both sides of each object,
 *                checked on allocation, on free and by a validate pass:
 *                catches writes past either end of an object.
 *   POISON       a free object is filled with EDU_POISON_FREE and ends in
 *                EDU_POISON_END; checked when it is handed out again and
 *                by validate: catches writes after free.
 *   CONSISTENCY  per-object state (free / in use / quarantined) in the
 *                slab: double frees, frees of a pointer that is not an
 *                object start, freelists that reach objects in use.
 *   HARDENED     the freelist pointer stored in a free object is
 *                ptr ^ cache secret ^ swab(address where it is stored), as
 *                CONFIG_SLAB_FREELIST_HARDENED; a decoded pointer outside
 *                the slab or off a slot boundary is caught before it is
 *                followed.
 *
 * The first three make a cache a "debug cache": it has no per-CPU
 * magazines, every allocation and free goes through the node lock where
 * the checks and the state array live (as SLUB debug caches bypass the
 * lockless fast path).  Wrong-cache frees are caught for every cache,
 * since the slab is looked up on each free anyway.
 *
 * A detected error is reported once with pr_err ("edualloc: slab error:"),
 * counted, traced, and the object is quarantined: never handed out again,
 * so the damage does not spread to a new owner.  Nothing is fixed up in
 * place and the kernel carries on.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": slab error: " fmt

#include "mm_env.h"
#include "slab.h"

const char *const edu_slab_err_names[EDU_ERR_NR] = {
	[EDU_ERR_REDZONE]	= "redzone",
	[EDU_ERR_POISON]	= "use_after_free",
	[EDU_ERR_DOUBLE_FREE]	= "double_free",
	[EDU_ERR_WRONG_CACHE]	= "wrong_cache",
	[EDU_ERR_BAD_PTR]	= "bad_pointer",
	[EDU_ERR_FREELIST]	= "freelist",
};

void edu_debug_report(struct edu_cache *c, struct edu_slab *s,
		      const void *obj, enum edu_slab_err kind,
		      const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	atomic_long_inc(&c->err[kind]);
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	/* No kernel addresses in the log: slab number and slot instead. */
	if (s)
		pr_err("cache %s: %s: slab %lu object %u (offset %lu): %pV\n",
		       c->name, edu_slab_err_names[kind], s->id,
		       edu_slab_obj_index(s->cache, s, obj),
		       (unsigned long)((const char *)obj -
				       (const char *)s->base), &vaf);
	else
		pr_err("cache %s: %s: %pV\n", c->name,
		       edu_slab_err_names[kind], &vaf);
	va_end(args);
	trace_edualloc_slab_error(c->name, edu_slab_err_names[kind],
				  s ? s->id : 0,
				  s ? edu_slab_obj_index(s->cache, s, obj) : 0);
}

/* ------------------------------------------------ freelist pointers -- */

static void **edu_fp_addr(const struct edu_cache *c, const void *obj)
{
	return (void **)((char *)obj - c->obj_offset + c->fp_offset);
}

static unsigned long edu_fp_mask(const struct edu_cache *c, void **where)
{
	if (!(c->flags & EDU_CACHE_HARDENED))
		return 0;
	return c->random ^ swab((unsigned long)where);
}

void *edu_fp_get(const struct edu_cache *c, const void *obj)
{
	void **where = edu_fp_addr(c, obj);

	return (void *)((unsigned long)READ_ONCE(*where) ^
			edu_fp_mask(c, where));
}

void edu_fp_set(const struct edu_cache *c, void *obj, void *next)
{
	void **where = edu_fp_addr(c, obj);

	WRITE_ONCE(*where, (void *)((unsigned long)next ^
				    edu_fp_mask(c, where)));
}

/*
 * NULL, or the start of an object slot of @s.  On every free, so without a
 * division: see stride_inv in struct edu_cache.  An address below the
 * first slot wraps around to a huge offset.
 */
bool edu_fp_valid(const struct edu_cache *c, const struct edu_slab *s,
		  const void *next)
{
	unsigned long off;

	if (!next)
		return true;
	off = (unsigned long)next - (unsigned long)s->base - c->obj_offset;
	return off < c->slots_bytes &&
	       !(off & ((1UL << c->stride_shift) - 1)) &&
	       (off >> c->stride_shift) * c->stride_inv <= c->stride_lim;
}

/* Relink a debug slab's freelist from its state array (node lock held). */
void edu_debug_rebuild_freelist(struct edu_cache *c, struct edu_slab *s)
{
	unsigned int i, nr_free = 0;
	void *next = NULL;

	lockdep_assert_held(&edu_cache_node_of(c, s)->lock);
	for (i = c->objects; i-- > 0;) {
		void *obj;

		if (s->state[i] != EDU_OS_FREE)
			continue;
		obj = edu_slab_obj(c, s, i);
		edu_fp_set(c, obj, next);
		next = obj;
		nr_free++;
	}
	s->freelist = next;
	s->inuse = c->objects - nr_free;
}

/* ---------------------------------------------- red zones and poison -- */

static void edu_poison(struct edu_cache *c, void *obj)
{
	memset(obj, EDU_POISON_FREE, c->size - 1);
	((u8 *)obj)[c->size - 1] = EDU_POISON_END;
}

void edu_debug_init_slot(struct edu_cache *c, void *obj)
{
	u8 *slot = (u8 *)obj - c->obj_offset;

	if (c->flags & EDU_CACHE_RED_ZONE) {
		memset(slot, EDU_RZ_BYTE, c->obj_offset);
		memset(slot + c->obj_offset + c->size, EDU_RZ_BYTE,
		       c->rz_end - c->obj_offset - c->size);
	}
	if (c->flags & EDU_CACHE_POISON)
		edu_poison(c, obj);
}

void edu_debug_on_free(struct edu_cache *c, void *obj)
{
	if (c->flags & EDU_CACHE_POISON)
		edu_poison(c, obj);
}

/* First byte of [p, p + len) that is not @val, or NULL. */
static const u8 *edu_first_bad(const u8 *p, size_t len, u8 val)
{
	const u8 *end = p + len;

	for (; p < end; p++)
		if (*p != val)
			return p;
	return NULL;
}

/* Reports damage to either red zone of @obj; true if they are intact. */
bool edu_debug_check_redzone(struct edu_cache *c, struct edu_slab *s,
			     void *obj, const char *when)
{
	u8 *slot = (u8 *)obj - c->obj_offset;
	u8 *right = (u8 *)obj + c->size;
	const u8 *bad;

	if (!(c->flags & EDU_CACHE_RED_ZONE))
		return true;
	bad = edu_first_bad(slot, c->obj_offset, EDU_RZ_BYTE);
	if (bad) {
		edu_debug_report(c, s, obj, EDU_ERR_REDZONE,
				 "red zone before the object overwritten at -%ld (0x%02x, expected 0x%02x), found %s",
				 (long)(obj - (void *)bad), *bad, EDU_RZ_BYTE,
				 when);
		return false;
	}
	bad = edu_first_bad(right, slot + c->rz_end - right, EDU_RZ_BYTE);
	if (bad) {
		edu_debug_report(c, s, obj, EDU_ERR_REDZONE,
				 "red zone after the object overwritten at +%ld past its end (0x%02x, expected 0x%02x), found %s",
				 (long)(bad - right), *bad, EDU_RZ_BYTE, when);
		return false;
	}
	return true;
}

static bool edu_debug_check_poison(struct edu_cache *c, struct edu_slab *s,
				   void *obj, const char *when)
{
	const u8 *bad;
	u8 want = EDU_POISON_FREE;

	if (!(c->flags & EDU_CACHE_POISON))
		return true;
	bad = edu_first_bad(obj, c->size - 1, EDU_POISON_FREE);
	if (!bad && ((u8 *)obj)[c->size - 1] != EDU_POISON_END) {
		bad = (u8 *)obj + c->size - 1;
		want = EDU_POISON_END;
	}
	if (!bad)
		return true;
	edu_debug_report(c, s, obj, EDU_ERR_POISON,
			 "free object written at +%ld (0x%02x, expected 0x%02x), found %s",
			 (long)((void *)bad - obj), *bad, want, when);
	return false;
}

/* An object about to be handed out (node lock held): intact? */
bool edu_debug_check_alloc(struct edu_cache *c, struct edu_slab *s,
			   void *obj)
{
	lockdep_assert_held(&edu_cache_node_of(c, s)->lock);
	return edu_debug_check_redzone(c, s, obj, "on allocation") &&
	       edu_debug_check_poison(c, s, obj, "on allocation");
}

/*
 * An object being freed (node lock held).  False: do not put it on the
 * freelist; the state has been updated (quarantine) or the free ignored.
 */
bool edu_debug_check_free(struct edu_cache *c, struct edu_slab *s, void *obj)
{
	unsigned int i = edu_slab_obj_index(c, s, obj);

	lockdep_assert_held(&edu_cache_node_of(c, s)->lock);
	switch (s->state[i]) {
	case EDU_OS_FREE:
	case EDU_OS_QUAR:
		edu_debug_report(c, s, obj, EDU_ERR_DOUBLE_FREE,
				 "object freed twice (it is %s)",
				 s->state[i] == EDU_OS_FREE ? "already free" :
				 "quarantined");
		return false;
	}
	/* A live object leaves its owner, whether reused or quarantined. */
	kmemleak_free(obj);
	switch (s->state[i]) {
	case EDU_OS_USED_BAD:
		/* Damage already reported once: quarantine silently. */
		s->state[i] = EDU_OS_QUAR;
		s->quarantined++;
		return false;
	}
	if (!edu_debug_check_redzone(c, s, obj, "on free")) {
		s->state[i] = EDU_OS_QUAR;
		s->quarantined++;
		return false;
	}
	return true;
}

/* ------------------------------------------------------- validation -- */

/*
 * Check every object of @s (node lock held): red zones of all live and free
 * objects, poison of free ones, and the freelist.  Returns errors found.
 */
static unsigned long edu_validate_slab(struct edu_cache *c, struct edu_slab *s)
{
	unsigned long errors = 0;
	unsigned int i, walked = 0, nr_free = c->objects - s->inuse;
	bool relink = false;
	void *p;

	if (!s->state)
		goto walk;
	for (i = 0; i < c->objects; i++) {
		void *obj = edu_slab_obj(c, s, i);

		if (s->state[i] == EDU_OS_USED &&
		    !edu_debug_check_redzone(c, s, obj, "by validate")) {
			s->state[i] = EDU_OS_USED_BAD;
			errors++;
		} else if (s->state[i] == EDU_OS_FREE &&
			   (!edu_debug_check_redzone(c, s, obj, "by validate") ||
			    !edu_debug_check_poison(c, s, obj, "by validate"))) {
			s->state[i] = EDU_OS_QUAR;
			s->quarantined++;
			relink = true;
			errors++;
		}
	}
walk:
	/*
	 * The freelist must hold exactly the free objects, each once.  The
	 * head is the slab's own; each next pointer was stored in a free
	 * object, where it can be damaged: that object is quarantined.
	 */
	for (p = s->freelist; p && !relink; p = edu_fp_get(c, p)) {
		void *next = edu_fp_get(c, p);

		i = edu_slab_obj_index(c, s, p);
		walked++;
		if (!edu_fp_valid(c, s, next) ||
		    (next ? walked >= nr_free : walked != nr_free) ||
		    (s->state && next &&
		     s->state[edu_slab_obj_index(c, s, next)] != EDU_OS_FREE)) {
			edu_debug_report(c, s, p, EDU_ERR_FREELIST,
					 "next-free pointer stored in the free object is damaged, found by validate");
			errors++;
			relink = true;
			if (s->state) {
				s->state[i] = EDU_OS_QUAR;
				s->quarantined++;
			}
		}
	}
	if (relink) {
		if (s->state) {
			edu_debug_rebuild_freelist(c, s);
		} else {
			/* No state to rebuild from: quarantine the free ones. */
			s->quarantined += c->objects - s->inuse;
			s->inuse = c->objects;
			s->freelist = NULL;
		}
	}
	return errors;
}

/*
 * A validate pass over a whole cache (debugfs "validate").  Magazines are
 * flushed first so every free object is on a freelist.
 */
unsigned long edu_cache_validate(struct edu_cache *c)
{
	unsigned long errors = 0;
	int nid;

	edu_cpu_flush_all(c);
	for (nid = 0; nid < MAX_NUMNODES; nid++) {
		struct edu_cache_node *n = c->node[nid];
		struct edu_slab *s, *tmp;

		if (!n)
			continue;
		spin_lock(&n->lock);
		list_for_each_entry(s, &n->full, list)
			errors += edu_validate_slab(c, s);
		list_for_each_entry_safe(s, tmp, &n->partial, list) {
			errors += edu_validate_slab(c, s);
			if (!s->freelist) {
				list_move(&s->list, &n->full);
				s->full = true;
				n->nr_partial--;
				n->nr_full++;
			}
		}
		spin_unlock(&n->lock);
	}
	return errors;
}

/* ------------------------------------------------- deliberate damage -- */

/* Has @c the check that catches damage of @kind?  0 or -EINVAL. */
int edu_debug_corrupt_check(struct edu_cache *c, unsigned int kind,
			    struct edu_cache *other)
{
	switch (kind) {
	case EDU_CORRUPT_REDZONE:
		return c->flags & EDU_CACHE_RED_ZONE ? 0 : -EINVAL;
	case EDU_CORRUPT_USE_AFTER_FREE:
		return c->flags & EDU_CACHE_POISON ? 0 : -EINVAL;
	case EDU_CORRUPT_DOUBLE_FREE:
		return c->flags & EDU_CACHE_CONSISTENCY ? 0 : -EINVAL;
	case EDU_CORRUPT_WRONG_CACHE:
		return other && other != c &&
		       (c->flags & EDU_CACHE_CONSISTENCY) ? 0 : -EINVAL;
	case EDU_CORRUPT_FREELIST:
		return edu_cache_debug(c) && edu_cache_checks_ptrs(c) ?
		       0 : -EINVAL;
	}
	return -EINVAL;
}

/*
 * EDU_IOC_OBJ_CORRUPT: damage @obj (handed out, owned by the caller) of
 * debug cache @c the way a buggy kernel user would, once
 * edu_debug_corrupt_check() has agreed.  Kinds that free the object do so
 * under the node lock together with the damage, so no other allocation
 * can take the object in between.
 */
void edu_debug_corrupt(struct edu_cache *c, void *obj, unsigned int kind,
		       struct edu_cache *other)
{
	struct edu_slab *s = edu_slab_of(obj);
	struct edu_cache_node *n = edu_cache_node_of(c, s);
	LIST_HEAD(to_free);
	void **where;

	switch (kind) {
	case EDU_CORRUPT_REDZONE:
		((u8 *)obj)[c->size] = 'A';
		return;
	case EDU_CORRUPT_WRONG_CACHE:
		edu_cache_free(other, obj);	/* refused: obj stays ours */
		return;
	}
	spin_lock(&n->lock);
	edu_slab_free_locked(c, n, s, obj, &to_free);
	switch (kind) {
	case EDU_CORRUPT_USE_AFTER_FREE:
		((u8 *)obj)[0] = 'A';
		break;
	case EDU_CORRUPT_DOUBLE_FREE:
		edu_slab_free_locked(c, n, s, obj, &to_free);
		break;
	case EDU_CORRUPT_FREELIST:
		where = (void **)((char *)obj - c->obj_offset + c->fp_offset);
		*where = (void *)((unsigned long)*where ^ 0x5a5a5a5a5a5aUL);
		break;
	}
	spin_unlock(&n->lock);
	edu_stat(c, EDU_ST_FREE_SLOW);
	edu_slab_discard_list(c, &to_free);
}
