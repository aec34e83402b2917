// SPDX-License-Identifier: GPL-2.0-only
/*
 * Failure injection for edualloc's own internal allocations (the kernel's
 * "fault injection", lib/fault-inject.c's should_fail(); nothing to do with
 * page faults), so the error paths of what a user's calls allocate can be
 * exercised on any kernel: an open file, a handle and its table slot, a
 * block's bookkeeping, an area, the page a fault on an area takes (the
 * fault reclaims and retries, then SIGBUS), a swap slot's page (the victim
 * stays in memory), and at load a pool's node structure and chunks.
 * Debian's kernel has no CONFIG_FAULT_INJECTION; on the debug kernel,
 * fail_page_alloc and failslab reach every other allocation too
 * (edualloc_failinj.sh).
 *
 *   echo 100 > /sys/module/edualloc/parameters/fault_rate   # 10% fail
 *   insmod edualloc.ko fault_rate=300                       # load too
 *
 * Each of those call sites asks edu_should_fail() before it allocates and
 * fails as if it had run out of memory.  The count of injected failures
 * shows in debugfs "info" (faults_injected).
 */
#include <linux/atomic.h>
#include <linux/moduleparam.h>
#include <linux/random.h>

#include "edualloc.h"

static unsigned int fault_rate;
module_param(fault_rate, uint, 0644);
MODULE_PARM_DESC(fault_rate, "fail this many per 1000 of the module's internal allocations (default 0)");

static atomic_long_t edu_faults = ATOMIC_LONG_INIT(0);

bool edu_should_fail(void)
{
	unsigned int rate = READ_ONCE(fault_rate);

	if (likely(!rate))
		return false;
	if (get_random_u32() % 1000 >= rate)
		return false;
	atomic_long_inc(&edu_faults);
	return true;
}

unsigned long edu_faults_injected(void)
{
	return atomic_long_read(&edu_faults);
}
