/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one seam between the allocator cores (buddy.c, pcp.c, and the slab
 * layer: slab.c, slab_cpu.c, slab_debug.c, kmalloc.c) and their
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
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kmemleak.h>
#include <linux/list.h>
#include <linux/local_lock.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/numa.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/swab.h>
#include <linux/topology.h>
#include <linux/workqueue.h>
#include <uapi/linux/edualloc.h>
#include "edualloc.h"
#include "trace.h"
#include "trace_slab.h"
#endif

#endif /* _EDU_MM_ENV_H */
