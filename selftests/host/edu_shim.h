/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel API that module/buddy.c and module/pcp.c use, in user space.
 * module/mm_env.h includes this file instead of the kernel headers when the
 * cores are compiled with -DEDU_USERSPACE, so the very same .c files run in
 * the host tests, the way tools/testing/radix-tree builds lib/radix-tree.c.
 *
 * Only what the cores use is here, and each piece is as thin as it can be
 * while keeping the kernel's semantics that matter to the tests:
 *   - a "spinlock" is a mutex (threads outnumber the 2 cores here and a
 *     spinning waiter would burn the holder's time slice) that remembers its
 *     holder, so lockdep_assert_held() is a real check;
 *   - a CPU is a number each thread sets in edu_cpu (host_set_cpu()), and
 *     several threads may share one, which is what the per-CPU lock is for;
 *   - READ_ONCE()/WRITE_ONCE() are relaxed atomics, so that ThreadSanitizer
 *     treats them as marked accesses, as KCSAN does in the kernel;
 *   - allocations can be made to fail (edu_fail_nth), as failslab does.
 * The state behind it (edu_cpu, edu_distance, ...) is defined in harness.c.
 */
#ifndef _EDU_SHIM_H
#define _EDU_SHIM_H

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include <linux/edualloc.h>	/* -I include/uapi: EDU_MAX_ORDER, ... */

typedef __u8 u8;
typedef __u64 u64;

#define BIT(nr)			(1UL << (nr))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define min(a, b)							\
	({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b)							\
	({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })

#define PAGE_SHIFT		12
#define PAGE_SIZE		BIT(PAGE_SHIFT)
/* Empty, as without CONFIG_SMP: padding is only a matter of speed here. */
#define ____cacheline_aligned_in_smp
#define __percpu

/* A failed check aborts: the tests, ASan and the fuzzer all notice. */
#define EDU_SHIM_ASSERT(cond, what)					\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s: %s\n", __FILE__,	\
				__LINE__, __func__, what);		\
			abort();					\
		}							\
	} while (0)

/* ---- lists (include/linux/list.h) ---- */

struct list_head {
	struct list_head *next, *prev;
};

/* list_del() leaves these behind so that a stale user faults at once. */
#define LIST_POISON1		((struct list_head *)0x100)
#define LIST_POISON2		((struct list_head *)0x122)

#define container_of(ptr, type, member)					\
	((type *)((char *)(ptr) - offsetof(type, member)))
#define list_entry(ptr, type, member)	container_of(ptr, type, member)
#define list_first_entry(head, type, member)				\
	list_entry((head)->next, type, member)
#define list_last_entry(head, type, member)				\
	list_entry((head)->prev, type, member)

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	list->next = list;
	list->prev = list;
}

static inline void __list_add(struct list_head *new, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = new;
	new->next = next;
	new->prev = prev;
	prev->next = new;
}

static inline void list_add(struct list_head *new, struct list_head *head)
{
	__list_add(new, head, head->next);
}

static inline void list_add_tail(struct list_head *new, struct list_head *head)
{
	__list_add(new, head->prev, head);
}

/* Checked, like CONFIG_DEBUG_LIST's __list_del_entry_valid(). */
static inline void list_del(struct list_head *entry)
{
	EDU_SHIM_ASSERT(entry->next->prev == entry &&
			entry->prev->next == entry, "corrupted list");
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
	entry->next = LIST_POISON1;
	entry->prev = LIST_POISON2;
}

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

/* ---- marked accesses and atomics ---- */

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

struct edu_atomic_long {
	long counter;
};

#define atomic_long_t		struct edu_atomic_long

static inline long atomic_long_read(const atomic_long_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static inline void atomic_long_set(atomic_long_t *v, long i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static inline void atomic_long_inc(atomic_long_t *v)
{
	__atomic_fetch_add(&v->counter, 1, __ATOMIC_RELAXED);
}

/* ---- locks ---- */

/* Its address identifies the calling thread as a lock holder. */
extern __thread char edu_thread_self;

struct edu_spinlock {
	pthread_mutex_t mutex;
	const char *owner;	/* &edu_thread_self of the holder */
};

#define spinlock_t		struct edu_spinlock

static inline void spin_lock_init(spinlock_t *lock)
{
	pthread_mutex_init(&lock->mutex, NULL);
	lock->owner = NULL;
}

static inline void spin_lock(spinlock_t *lock)
{
	pthread_mutex_lock(&lock->mutex);
	__atomic_store_n(&lock->owner, &edu_thread_self, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *lock)
{
	EDU_SHIM_ASSERT(__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) ==
			&edu_thread_self, "lock not held by this thread");
	__atomic_store_n(&lock->owner, NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lock->mutex);
}

#define lockdep_assert_held(lock)					\
	EDU_SHIM_ASSERT(__atomic_load_n(&(lock)->owner, __ATOMIC_RELAXED) ==	\
			&edu_thread_self, "lock not held")

/* ---- memory ---- */

#define GFP_KERNEL		0

/* Fault injection: if set to n, the n-th allocation from now fails. */
extern int edu_fail_nth;

static inline bool edu_should_fail(void)
{
	return edu_fail_nth > 0 && !--edu_fail_nth;
}

static inline void *kcalloc(size_t n, size_t size, int gfp)
{
	return edu_should_fail() ? NULL : calloc(n, size);
}

static inline void *kzalloc(size_t size, int gfp)
{
	return kcalloc(1, size, gfp);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

/* ---- CPUs and per-CPU data ---- */

/* Possible CPUs: all of them, 0..EDU_NR_CPUS-1 (-DEDU_NR_CPUS=n). */
#ifndef EDU_NR_CPUS
#define EDU_NR_CPUS		8
#endif

/*
 * The emulated CPU this thread runs on, and the get_cpu_ptr() nesting depth
 * (preempt_count()): the tests check it is back to 0 after every call.
 */
extern __thread int edu_cpu;
extern __thread int edu_preempt_count;

#define smp_processor_id()	(edu_cpu)

static inline int *edu_first_cpu(int *cpu)
{
	*cpu = 0;
	return cpu;
}

/* Through a pointer, so that @cpu is named (and evaluated) once. */
#define for_each_possible_cpu(cpu)					\
	for (int *_cpu = edu_first_cpu(&(cpu)); *_cpu < EDU_NR_CPUS; (*_cpu)++)

/*
 * One zeroed copy per possible CPU, back to back, so per_cpu_ptr() is an
 * array index.  sizeof() is a multiple of the alignment, as aligned_alloc()
 * wants.
 */
static inline void *edu_alloc_percpu(size_t size, size_t align)
{
	void *p = edu_should_fail() ? NULL :
		  aligned_alloc(align, EDU_NR_CPUS * size);

	if (p)
		memset(p, 0, EDU_NR_CPUS * size);
	return p;
}

#define alloc_percpu(type)						\
	((type *)edu_alloc_percpu(sizeof(type), __alignof__(type)))
#define free_percpu(ptr)	free(ptr)
#define per_cpu_ptr(ptr, cpu)	(&(ptr)[cpu])

#define get_cpu_ptr(ptr)						\
	(edu_preempt_count++, per_cpu_ptr(ptr, smp_processor_id()))
#define put_cpu_ptr(ptr)						\
	do {								\
		(void)(ptr);						\
		edu_preempt_count--;					\
	} while (0)

/* ---- NUMA ---- */

#ifndef MAX_NUMNODES
#define MAX_NUMNODES		4
#endif
#define NUMA_NO_NODE		(-1)

/* This thread's node, and the SLIT-like table node_distance() reads. */
extern __thread int edu_numa_node;
extern int edu_distance[MAX_NUMNODES][MAX_NUMNODES];

#define numa_node_id()		(edu_numa_node)
#define node_distance(a, b)	(edu_distance[a][b])

/*
 * ---- tracepoints ----
 * Empty functions rather than empty macros, so the arguments are still
 * type-checked against the TP_PROTO()s of module/trace.h.
 */
static inline void trace_edualloc_split(int nid, unsigned long pfn,
					unsigned int order)
{
}

static inline void trace_edualloc_merge(int nid, unsigned long pfn,
					unsigned int order)
{
}

static inline void trace_edualloc_page_alloc(int nid, unsigned long pfn,
					     unsigned int order, bool pcp)
{
}

static inline void trace_edualloc_page_free(int nid, unsigned long pfn,
					    unsigned int order)
{
}

static inline void trace_edualloc_pcp_refill(int nid, int count)
{
}

static inline void trace_edualloc_pcp_drain(int nid, int count)
{
}

static inline void trace_edualloc_fallback(int want, int got,
					   unsigned int order)
{
}

#endif /* _EDU_SHIM_H */
