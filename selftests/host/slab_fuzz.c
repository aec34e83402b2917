// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target of the slab layer: the input is a machine and a sequence
 * of operations, run on the allocator and the test's model with every
 * check of slab_harness.c after each one; any disagreement aborts.
 *
 *   byte 0    bit 0: node 1 has no pool; bits 1-2: CPU-to-node map;
 *             bit 3: no direct lookup table; bits 4-5: min mark
 *   then four bytes a, b, c, d per operation:
 *     a       bits 0-3: the operation (table below); bits 4-6: the CPU;
 *             bit 7: one of its allocations fails (1st or 2nd: d bit 7)
 *     b, c    which cache or object (b), a second pick (c); sizes: b the
 *             low byte, c the high bits (bit 7: large)
 *     d       bits 0-2: node (4-7: NUMA_NO_NODE); bits 3-7: how
 *             (free: kfree or cache free; corruption kind and way;
 *             create: alignment when bit 3 is set, and flags)
 */
#include <string.h>

#include "slab_harness.h"

static const enum sm_op_kind fuzz_kinds[16] = {
	SM_CREATE, SM_DESTROY, SM_ALLOC, SM_ALLOC, SM_ALLOC, SM_FREE,
	SM_FREE, SM_FREE, SM_KMALLOC, SM_KMALLOC, SM_SHRINK, SM_VALIDATE,
	SM_CPU_DOWN, SM_CPU_UP, SM_CORRUPT, SM_CREATE,
};

static const unsigned long fuzz_min[] = { 0, 8, 40, 200 };

static void fuzz_cfg(u8 c, struct model_cfg *cfg)
{
	int cpu;

	sm_cfg_default(cfg);
	if (c & 1)
		cfg->chunks[1] = 0;
	for (cpu = 0; cpu < EDU_NR_CPUS; cpu++)
		cfg->cpu_node[cpu] = cpu % (1 + (c >> 1 & 3));
	cfg->wmark_min[0] = fuzz_min[c >> 4 & 3];
	cfg->wmark_min[1] = fuzz_min[c >> 4 & 3];
	sm_slow_lookup = c & 8;
}

static void fuzz_op(const u8 *p, struct sm_op *op)
{
	u8 a = p[0], b = p[1], c = p[2], d = p[3];
	bool big = c & 0x80;

	memset(op, 0, sizeof(*op));
	op->kind = fuzz_kinds[a & 15];
	op->cpu = a >> 4 & 7;
	op->fail_nth = a & 0x80 ? 1 + (d >> 7) : 0;
	op->nid = (d & 7) < MAX_NUMNODES ? d & 7 : NUMA_NO_NODE;
	op->pick = b;
	op->pick2 = c;
	op->count = 1 + (c & 7);
	op->how = d >> 3;
	switch (op->kind) {
	case SM_CREATE:
		op->size = big ? ((c & 0x7f) << 8 | b) * 8 + 1 : b + 1U;
		op->align = d & 8 ? 1U << (d >> 4) % 14 : 0;
		op->flags = c >> 3 & 15;
		break;
	case SM_KMALLOC:
		op->size = big ? ((c & 0x7f) << 8 | b) * 64 :
				 ((unsigned int)c << 8 | b) % 8193;
		break;
	case SM_FREE:
		op->how &= 1;
		op->count = 1 + (c & 3);
		break;
	default:
		break;
	}
}

/* LLVMFuzzerTestOneInput(), renamed by the Makefile: checkpatch dislikes camels */
int edu_fuzz_one_input(const u8 *data, size_t size)
{
	struct model_cfg cfg;
	struct sm_world w;
	struct sm_op op;
	size_t i;

	if (size < 1)
		return -1;
	host_abort_on_fail = true;
	fuzz_cfg(data[0], &cfg);
	if (sm_world_init(&w, &cfg, 1024))
		abort();
	w.full_every = 16;
	for (i = 1; i + 3 < size; i += 4) {
		fuzz_op(&data[i], &op);
		sm_step(&w, &op);
	}
	sm_world_finish(&w);
	sm_world_destroy(&w);
	sm_slow_lookup = false;
	return 0;
}
