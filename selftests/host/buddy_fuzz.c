// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the input is a pool configuration and a sequence of
 * operations, run on the allocator and the reference model with every check
 * of harness.c after each one; any disagreement aborts.
 *
 *   byte 0    bit 0: node 0 has 1 or 2 chunks; bits 1-2: node 1 has 0-2
 *             (3: 1); bit 3: node 2 has a chunk; bits 4-5: min mark;
 *             bits 6-7: per-CPU batch and high
 *   byte 1    bits 0-1: distance table; bits 2-3: CPU-to-node map
 *   then two bytes per operation:
 *     a       bits 0-2: 0-2 alloc on node (bits 6-7), 3 alloc on
 *             NUMA_NO_NODE, 4-5 free, 6 drain a CPU, 7 drain a node;
 *             bits 3-5: the CPU
 *     b       alloc: bits 0-3 order (12-15 wrap, 11 is out of range),
 *             bits 4-7 THISNODE, HIGH, NOPCP, SLAB; free: which block
 */
#include <string.h>

#include "harness.h"

static const unsigned long fuzz_min[] = { 0, 8, 40, 200 };
static const int fuzz_batch[] = { 1, 4, 8, 16 };
static const int fuzz_high[] = { 1, 8, 24, 64 };

static void fuzz_cfg(const u8 *data, struct model_cfg *cfg)
{
	static const int dist[2][MAX_NUMNODES][MAX_NUMNODES] = {
		{ { 10, 20, 30, 25 }, { 20, 10, 15, 40 },
		  { 30, 15, 10, 20 }, { 25, 40, 20, 10 } },
		{ { 10, 30, 20, 20 }, { 20, 10, 20, 15 },
		  { 15, 35, 10, 30 }, { 40, 12, 12, 10 } },
	};
	u8 c = data[0], d = data[1];
	int cpu, nid;

	memset(cfg, 0, sizeof(*cfg));
	cfg->nr_cpus = EDU_NR_CPUS;
	cfg->chunks[0] = 1 + (c & 1);
	cfg->chunks[1] = (c >> 1 & 3) == 3 ? 1 : c >> 1 & 3;
	cfg->chunks[2] = c >> 3 & 1;
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		cfg->wmark_min[nid] = fuzz_min[c >> 4 & 3];
	cfg->batch = fuzz_batch[c >> 6];
	cfg->high = fuzz_high[c >> 6];
	memcpy(cfg->distance, dist[d & 1], sizeof(cfg->distance));
	if (d & 2)	/* symmetric ties */
		cfg->distance[0][1] = cfg->distance[0][2];
	for (cpu = 0; cpu < EDU_NR_CPUS; cpu++)
		cfg->cpu_node[cpu] = cpu % (1 + (d >> 2 & 3));
}

static void fuzz_op(const u8 *p, struct host_op *op)
{
	unsigned int kind = p[0] & 7;

	memset(op, 0, sizeof(*op));
	op->cpu = p[0] >> 3 & 7;
	op->nid = p[0] >> 6;
	if (kind <= 3) {
		op->kind = HOST_OP_ALLOC;
		if (kind == 3)
			op->nid = NUMA_NO_NODE;
		op->order = (p[1] & 15) % (EDU_MAX_ORDER + 2);
		op->flags = (p[1] & 0x10 ? EDU_AF_THISNODE : 0) |
			    (p[1] & 0x20 ? EDU_AF_HIGH : 0) |
			    (p[1] & 0x40 ? EDU_AF_NOPCP : 0) |
			    (p[1] & 0x80 ? EDU_AF_SLAB : 0);
	} else if (kind <= 5) {
		op->kind = HOST_OP_FREE;
		op->pick = p[1];
	} else {
		op->kind = kind == 6 ? HOST_OP_DRAIN_CPU : HOST_OP_DRAIN_NODE;
	}
}

/* LLVMFuzzerTestOneInput(), renamed by the Makefile: checkpatch dislikes camels */
int edu_fuzz_one_input(const u8 *data, size_t size)
{
	struct model_cfg cfg;
	struct host_world w;
	struct host_op op;
	size_t i;

	if (size < 2)
		return -1;	/* not worth keeping */
	host_abort_on_fail = true;
	fuzz_cfg(data, &cfg);
	if (host_world_init(&w, &cfg, (size - 2) / 2 + 1, 0))
		abort();
	for (i = 2; i + 1 < size; i += 2) {
		fuzz_op(&data[i], &op);
		host_step(&w, &op);
	}
	host_release_all(&w);
	host_world_destroy(&w);
	return 0;
}
