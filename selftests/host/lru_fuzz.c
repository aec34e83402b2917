// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the input is a world and a sequence of operations, run
 * on the page replacement core and its model with every check of
 * lru_harness.c (all pages) after each one; any disagreement aborts.
 *
 *   byte 0    bits 0-1: policy (3: LRU); bits 2-6: 2 + that many pages
 *   then two bytes per operation:
 *     a       bits 0-2: 0 access, 1 add as a refault, 2 add, 3 mark_accessed, 4 del,
 *             5 rotate, 6 shrink, 7 set_policy (bits 3-4; 3 is invalid)
 *             or, with bit 5, empty the lists first
 *     b       the page (modulo the number of pages); for shrink, bits
 *             0-2 pick how many pages to look at
 */
#include "lru_harness.h"

static const unsigned long fuzz_scan[] = { 1, 1, 2, 3, 4, 8, 32, 1000 };

static bool fuzz_op(struct lru_world *w, const u8 *op)
{
	unsigned int p = op[1] % w->nr_pages, q;

	switch (op[0] & 7) {
	case 0:
		return lw_access(w, p);
	case 1:
		return lw_add_refault(w, p);
	case 2:
		return lw_add(w, p);
	case 3:
		return lw_mark_accessed(w, p);
	case 4:
		return lw_del(w, p);
	case 5:
		return lw_rotate(w, p);
	case 6:
		return lw_shrink(w, fuzz_scan[op[1] & 7]);
	default:
		for (q = 0; (op[0] & 0x20) && q < w->nr_pages; q++)
			if (!lw_del(w, q))
				return false;
		return lw_set_policy(w, op[0] >> 3 & 3);
	}
}

int edu_fuzz_one_input(const u8 *data, size_t size);

int edu_fuzz_one_input(const u8 *data, size_t size)
{
	struct lru_world w;
	size_t i;

	if (!size)
		return 0;
	if (lw_create(&w, 2 + (data[0] >> 2 & 31),
		      (data[0] & 3) % EDU_LRU_NR_POLICIES))
		abort();
	w.check_all = true;
	for (i = 1; i + 1 < size; i += 2)
		if (!fuzz_op(&w, &data[i]))
			abort();
	if (lw_warnings)
		abort();
	lw_destroy(&w);
	return 0;
}
