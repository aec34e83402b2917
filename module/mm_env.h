/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one seam between the allocator cores (buddy.c, pcp.c) and their
 * surroundings.  In the kernel it pulls in the kernel headers they use; the
 * user-space build (selftests/host) compiles the same .c files with
 * -DEDU_USERSPACE, which swaps in a thin shim of the same names, the way
 * tools/testing/radix-tree builds lib/radix-tree.c.
 */
#ifndef _EDU_MM_ENV_H
#define _EDU_MM_ENV_H

#ifdef EDU_USERSPACE
#include "edu_shim.h"
#else
#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/topology.h>
#include <uapi/linux/edualloc.h>
#include "trace.h"
#endif

#endif /* _EDU_MM_ENV_H */
