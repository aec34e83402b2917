// SPDX-License-Identifier: GPL-2.0-only
/*
 * General-purpose allocation by size, as mm/slab_common.c's kmalloc caches:
 * one cache per size class, 8 B .. 8 KiB in powers of two plus 96 and 192
 * (common sizes that would waste a third of a 128- or 256-byte object).
 * A request is rounded up to its class; larger requests skip the slab
 * layer and take a block of the smallest sufficient order straight from
 * the buddy allocator (kmalloc_large()).  Such blocks are allocated with
 * EDU_AF_SLAB too, but have no entry in the slab map: that is how
 * edu_kfree() tells them from slabs.
 *
 * Process context only: these may sleep (a new slab's bookkeeping is
 * kmalloc(GFP_KERNEL)ed).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "mm_env.h"
#include "pool.h"
#include "slab.h"

#define EDU_KMALLOC_MAX		8192

static const unsigned int edu_kmalloc_sizes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

static struct edu_cache *edu_kmalloc_caches[ARRAY_SIZE(edu_kmalloc_sizes)];

/*
 * Class of sizes up to 192 by (size - 1) / 8, as size_index[] in
 * slab_common.c; above, by the power of two: 2^k is class k - 1 (the
 * classes 96 and 192 below it make up for starting at 8 = 2^3 in slot 0).
 */
static const u8 edu_size_index[24] = {
	0,			/* 1..8 */
	1,			/* 9..16 */
	2, 2,			/* 17..32 */
	3, 3, 3, 3,		/* 33..64 */
	4, 4, 4, 4,		/* 65..96 */
	5, 5, 5, 5,		/* 97..128 */
	6, 6, 6, 6, 6, 6, 6, 6,	/* 129..192 */
};

struct edu_cache *edu_kmalloc_cache(size_t size)
{
	unsigned int i;

	if (!size || size > EDU_KMALLOC_MAX)
		return NULL;
	if (size <= 192)
		i = edu_size_index[(size - 1) / 8];
	else
		i = order_base_2(size) - 1;	/* 256 -> 7 ... 8192 -> 12 */
	return edu_kmalloc_caches[i];
}

void *edu_kmalloc(size_t size, int nid)
{
	struct edu_cache *c = edu_kmalloc_cache(size);
	struct edu_page_ref ref;
	void *ptr;

	if (c)
		return edu_cache_alloc(c, nid);
	if (!size || get_order(size) > EDU_MAX_ORDER)
		return NULL;
	if (edu_alloc_pages(nid, get_order(size), EDU_AF_SLAB, &ref))
		return NULL;
	ptr = edu_idx_to_virt(ref.node, ref.idx);
	kmemleak_alloc(ptr, size, 1, GFP_KERNEL);
	return ptr;
}

/* A large block: head of a slab-owned buddy block, not in the slab map. */
static struct edu_node *edu_kmalloc_large(const void *ptr, unsigned long *idx,
					  unsigned int *order)
{
	unsigned int state;
	unsigned long head;
	struct edu_node *n;

	if (!virt_addr_valid(ptr) || offset_in_page(ptr))
		return NULL;
	n = edu_pfn_to_idx(page_to_pfn(virt_to_page(ptr)), idx);
	if (!n || edu_lookup_idx(n, *idx, &head, order, &state) ||
	    head != *idx || state != EDU_PM_SLAB)
		return NULL;
	return n;
}

void edu_kfree(const void *ptr)
{
	struct edu_slab *s;
	struct edu_node *n;
	unsigned long idx;
	unsigned int order;

	if (!ptr)
		return;
	s = edu_slab_of(ptr);
	if (likely(s)) {
		edu_slab_free_obj(s->cache, s, (void *)ptr);
		return;
	}
	n = edu_kmalloc_large(ptr, &idx, &order);
	if (n) {
		kmemleak_free(ptr);
		edu_free_pages(n, idx, order);
		return;
	}
	/* Only the module calls edu_kfree(): a foreign pointer is its bug. */
	WARN_ONCE(1, "edualloc: slab error: kfree of a pointer that edu_kmalloc did not return\n");
}

/* Usable bytes of an edu_kmalloc()ed pointer. */
size_t edu_ksize(const void *ptr)
{
	struct edu_slab *s = edu_slab_of(ptr);
	unsigned long idx;
	unsigned int order;

	if (s)
		return s->cache->size;
	if (edu_kmalloc_large(ptr, &idx, &order))
		return PAGE_SIZE << order;
	return 0;
}

int edu_kmalloc_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(edu_kmalloc_sizes); i++) {
		struct edu_cache *c;
		char name[EDU_CACHE_NAME_LEN];

		snprintf(name, sizeof(name), "kmalloc-%u",
			 edu_kmalloc_sizes[i]);
		c = edu_cache_create(name, edu_kmalloc_sizes[i], 0, 0,
				     NUMA_NO_NODE, true);
		if (IS_ERR(c)) {
			edu_kmalloc_exit();
			return PTR_ERR(c);
		}
		edu_kmalloc_caches[i] = c;
	}
	return 0;
}

void edu_kmalloc_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(edu_kmalloc_caches); i++) {
		if (!edu_kmalloc_caches[i])
			continue;
		/* Every user is gone: objects left are the module's bug. */
		WARN_ONCE(edu_cache_destroy(edu_kmalloc_caches[i]),
			  "edualloc: slab: %s still has objects at unload, leaked\n",
			  edu_kmalloc_caches[i]->name);
		edu_kmalloc_caches[i] = NULL;
	}
}
