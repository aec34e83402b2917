/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What buddy_test and buddy_fuzz share: pools set up the way module/pool.c
 * does it (chunks of 4 MiB from aligned_alloc(), their "pfn" the address
 * shifted down, so a multiple of 1024 as a real order-10 block's is), the
 * operations, and the checks run after each of them.
 */
#ifndef _EDU_HOST_HARNESS_H
#define _EDU_HOST_HARNESS_H

#include "buddy.h"
#include "model.h"

#define HOST_MAX_CHUNKS		4	/* per node */

/* A block the test owns. */
struct host_block {
	int nid;
	unsigned long idx;
	unsigned int order;
	bool slab;
};

enum host_op_kind {
	HOST_OP_ALLOC,
	HOST_OP_FREE,
	HOST_OP_DRAIN_CPU,
	HOST_OP_DRAIN_NODE,
};

struct host_op {
	enum host_op_kind kind;
	int cpu;		/* the CPU it runs on */
	int nid;		/* alloc: node or NUMA_NO_NODE; drain: node */
	unsigned int order;	/* alloc */
	unsigned int flags;	/* alloc: EDU_AF_* */
	unsigned long pick;	/* free: which live block, modulo their number */
};

/* A pool with the model following it, for sequences of operations. */
struct host_world {
	struct model model;
	struct host_block *live;
	unsigned int nr_live, max_live;
	u8 *live_map[MAX_NUMNODES];	/* per head: as model_node.live */
	unsigned long nr_live_on[MAX_NUMNODES];
	unsigned long steps;	/* operations carried out */
	unsigned long lookups;	/* pages checked with edu_lookup_idx() */
	unsigned int seed;	/* for the sampled checks */
};

/* Failure reporting: the first message is kept; the fuzzer aborts on it. */
extern bool host_abort_on_fail;
/* Calls of edu_kswapd_wake() per node (harness.c). */
extern unsigned long host_kswapd_wakeups[MAX_NUMNODES];
bool host_fail(const char *fmt, ...);
const char *host_error(void);
void host_clear_error(void);

/* A test program's tests, and the runner both programs share. */
struct host_test {
	const char *name;
	bool (*fn)(void);
};

int host_run_tests(const char *prog, const struct host_test *tests,
		   unsigned int nr, int argc, char **argv);

void host_cfg_default(struct model_cfg *cfg);
int host_pool_create(const struct model_cfg *cfg);
void host_pool_destroy(void);
void host_set_cpu(int cpu);
void host_cpu_down(int cpu);
void host_cpu_up(int cpu);
void host_cpuhp_reset(void);

/* What printk() said: the last lines are kept; echoed if host_log_echo. */
extern bool host_log_echo;
unsigned long host_log_count(void);
const char *host_log_line(unsigned long nr);

bool host_check_node(struct edu_node *n, const u8 *live,
		     unsigned long nr_live, bool lookups_all);
bool host_pool_whole(void);

int host_world_init(struct host_world *w, const struct model_cfg *cfg,
		    unsigned int max_live, unsigned int seed);
void host_world_destroy(struct host_world *w);
bool host_step(struct host_world *w, const struct host_op *op);
bool host_release_all(struct host_world *w);

/* A small, fast, reproducible generator (xorshift64*). */
static inline unsigned long host_rand(unsigned long *state)
{
	unsigned long x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return (x * 0x2545F4914F6CDD1DUL) >> 11;
}

#endif /* _EDU_HOST_HARNESS_H */
