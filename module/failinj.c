// SPDX-License-Identifier: GPL-2.0-only
/*
 * Failure injection for edualloc's own internal allocations (the kernel's
 * "fault injection", lib/fault-inject.c's should_fail(); nothing to do with
 * page faults), so every error path can be exercised on any kernel
 * (Debian's has no CONFIG_FAULT_INJECTION; on the debug kernel
 * fail_page_alloc and failslab add the kernel's own).
 *
 *   echo 100 > /sys/module/edualloc/parameters/fault_rate   # 10% fail
 *   insmod edualloc.ko fault_rate=300                       # load too
 *
 * Each call site asks edu_should_fail() before an allocation it makes for
 * itself (handle tables, bookkeeping, pool chunks) and fails as if it had
 * run out of memory.  The count of injected failures shows in debugfs
 * "info" (faults_injected).
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
