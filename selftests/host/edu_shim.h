/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel API that the allocator cores use, in user space: module/buddy.c
 * and module/pcp.c, the slab layer on top (module/slab.c, slab_cpu.c,
 * slab_debug.c, kmalloc.c), and the page replacement core (module/lru.c).
 * module/mm_env.h includes this file instead of the kernel headers when the
 * cores are compiled with -DEDU_USERSPACE, so the very same .c files run in
 * the host tests, the way tools/testing/radix-tree builds lib/radix-tree.c.
 *
 * Only what the cores use is here, and each piece is as thin as it can be
 * while keeping the kernel's semantics that matter to the tests:
 *   - a "spinlock" is a mutex (threads outnumber the 2 cores here and a
 *     spinning waiter would burn the holder's time slice) that remembers its
 *     holder, so lockdep_assert_held() is a real check; like the kernel's,
 *     it counts as atomic context, so might_sleep() (and with it every
 *     GFP_KERNEL allocation, mutex_lock(), flush_work()) under it aborts;
 *   - a CPU is a number each thread sets in edu_cpu (host_set_cpu()), and
 *     several threads may share one, which is what the per-CPU locks are
 *     for.  Per-CPU data lives in units of EDU_PCPU_UNIT bytes per CPU at a
 *     fixed distance, as the kernel's per-CPU offsets: per_cpu_ptr() adds
 *     cpu * EDU_PCPU_UNIT, for alloc_percpu() and DEFINE_PER_CPU() alike;
 *     this_cpu_inc()/this_cpu_add() are one atomic add on this CPU's copy
 *     (one instruction, not interruptible, on x86);
 *   - local_lock() is a mutex per CPU: it excludes whatever else runs as the
 *     same CPU, which is all preempt_disable() guarantees in the kernel;
 *   - a work item queued on CPU n runs when it is flushed, in the flushing
 *     thread, which becomes CPU n for the call: under CPU n's local locks it
 *     is exactly as exclusive as the kworker bound to CPU n is;
 *   - cpus_read_lock() is a read-write lock that host_cpu_down() takes for
 *     writing around the CPU-dead callbacks cpuhp_setup_state_nocalls()
 *     registered; an offline CPU is one no thread uses;
 *   - a thread may be moved to another CPU wherever the kernel may preempt
 *     and migrate it (might_sleep(), with edu_migrate_pct set);
 *   - READ_ONCE()/WRITE_ONCE() are relaxed atomics, so that ThreadSanitizer
 *     treats them as marked accesses, as KCSAN does in the kernel;
 *   - allocations can be made to fail (edu_fail_nth), as failslab does;
 *   - printk() goes to a log the tests read (host_log_*), kmemleak_alloc()
 *     and kmemleak_free() to a registry that catches unbalanced calls.
 * The state behind it (edu_cpu, edu_distance, ...) is defined in harness.c
 * and, for the slab layer, slab_harness.c.
 */
#ifndef _EDU_SHIM_H
#define _EDU_SHIM_H

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <linux/types.h>
#include <linux/edualloc.h>	/* -I include/uapi: EDU_MAX_ORDER, ... */

typedef __u8 u8;
typedef __u32 u32;
typedef __u64 u64;

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
/* No speculation to fence in a user-space test: the index as it is. */
#define array_index_nospec(i, n)	(i)
#define EDU_ATTR(list)		__attribute__(list)
#define noinline		EDU_ATTR((noinline))
#define __printf(a, b)		EDU_ATTR((format(printf, a, b)))

#define BIT(nr)			(1UL << (nr))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define min(a, b)							\
	({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b)							\
	({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })

#define min_t(type, a, b)	min((type)(a), (type)(b))
#define max_t(type, a, b)	max((type)(a), (type)(b))
#define clamp_t(type, v, lo, hi) min_t(type, max_t(type, v, lo), hi)
/* @a a power of two; each argument named once. */
#define ALIGN_DOWN(x, a)						\
	({ __typeof__(x) _mask = (__typeof__(x))(a) - 1; (x) & ~_mask; })
#define ALIGN(x, a)							\
	({ __typeof__(x) _mask = (__typeof__(x))(a) - 1;		\
	   ((x) + _mask) & ~_mask; })

#define PAGE_SHIFT		12
#define PAGE_SIZE		BIT(PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)
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

/* ---- bits (linux/bitops.h, linux/log2.h, asm/page.h) ---- */

static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static inline unsigned long __ffs(unsigned long x)
{
	return __builtin_ctzl(x);
}

static inline int ilog2(unsigned long n)
{
	return 63 - __builtin_clzl(n);
}

static inline int order_base_2(unsigned long n)
{
	return n > 1 ? ilog2(n - 1) + 1 : 0;
}

static inline bool is_power_of_2(unsigned long n)
{
	return n && !(n & (n - 1));
}

/* As the kernel's: get_order(0) is 52, beyond any order. */
static inline int get_order(unsigned long size)
{
	size--;
	size >>= PAGE_SHIFT;
	return size ? 64 - __builtin_clzl(size) : 0;
}

/* lib/math/int_sqrt.c: floor(sqrt(x)), one result bit at a time. */
static inline unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, bit;

	if (!x)
		return 0;
	for (bit = 1UL << (ilog2(x) & ~1); bit; bit >>= 2) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

#define swab(x)			((unsigned long)__builtin_bswap64(x))

/* ---- errors in pointers (linux/err.h) ---- */

#define MAX_ERRNO		4095

static inline void *ERR_PTR(long error)
{
	return (void *)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return (unsigned long)ptr >= (unsigned long)-MAX_ERRNO;
}

/* ---- strings ---- */

static inline ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++) {
		dst[i] = src[i];
		if (!src[i])
			return i;
	}
	if (size)
		dst[size - 1] = '\0';
	return -E2BIG;
}

/* ---- printk: into the log the tests read (harness.c) ---- */

struct va_format {
	const char *fmt;
	va_list *va;
};

#ifndef KBUILD_MODNAME
#define KBUILD_MODNAME		"edualloc"
#endif
#ifndef pr_fmt
#define pr_fmt(fmt)		fmt
#endif

/* Knows the kernel's %pV (struct va_format); level 'E', 'W' or 'I'. */
void edu_printk(char level, const char *fmt, ...) __printf(2, 3);

#define pr_err(fmt, ...)	edu_printk('E', pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	edu_printk('W', pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	edu_printk('I', pr_fmt(fmt), ##__VA_ARGS__)
/* A bug of the module: logged like the kernel's, for the log checks. */
#define WARN(cond, fmt, ...) ({						\
	bool __edu_warn = !!(cond);					\
	if (__edu_warn)							\
		edu_printk('W', "WARNING: " fmt, ##__VA_ARGS__);	\
	__edu_warn;							\
})
#define WARN_ONCE(cond, fmt, ...)	WARN(cond, fmt, ##__VA_ARGS__)
#define WARN_ON_ONCE(cond)		WARN(cond, "%s\n", #cond)

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
	if (!head->next)	/* see LIST_HEAD() */
		INIT_LIST_HEAD(head);
	__list_add(new, head, head->next);
}

static inline void list_add_tail(struct list_head *new, struct list_head *head)
{
	if (!head->next)
		INIT_LIST_HEAD(head);
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

/*
 * LIST_HEAD() leaves @next NULL: without an address to point at in a single
 * mention of the name, the head is made empty on first use.
 */
#define LIST_HEAD(name)		struct list_head name = { NULL, NULL }

static inline struct list_head *edu_list_head(struct list_head *head)
{
	if (!head->next)
		INIT_LIST_HEAD(head);
	return head;
}

static inline bool list_empty(struct list_head *head)
{
	return edu_list_head(head)->next == head;
}

static inline void list_move(struct list_head *entry, struct list_head *head)
{
	list_del(entry);
	list_add(entry, edu_list_head(head));
}

static inline void list_splice_init(struct list_head *list,
				    struct list_head *head)
{
	struct list_head *first, *last;

	if (list_empty(list))
		return;
	first = list->next;
	last = list->prev;
	edu_list_head(head);
	first->prev = head;
	last->next = head->next;
	head->next->prev = last;
	head->next = first;
	INIT_LIST_HEAD(list);
}

/*
 * The iterators, with the next entry read before the body runs (so both
 * are "safe" against removal of the current one), through a cursor so
 * that each macro argument is named once.
 */
struct edu_list_iter {
	struct list_head *head, *next;
};

static inline struct edu_list_iter edu_list_iter(struct list_head *head)
{
	struct edu_list_iter it = { head, edu_list_head(head)->next };

	return it;
}

/* Sets *@pos (and *@n) to the entry at @off of the next node, if any. */
static inline bool edu_list_iter_next(struct edu_list_iter *it, void *pos,
				      void *n, size_t off)
{
	struct list_head *node = it->next;
	void *entry = (char *)node - off, *next;

	if (node == it->head)
		return false;
	it->next = node->next;
	next = (char *)it->next - off;
	memcpy(pos, &entry, sizeof(entry));
	if (n)
		memcpy(n, &next, sizeof(next));
	return true;
}

/* offsetof() the member of what a pointer of type @ptype points to. */
#define edu_offsetof(ptype, member)					\
	offsetof(__typeof__(*(ptype)NULL), member)

#define list_for_each_entry_safe(pos, n, head, member)			\
	for (struct edu_list_iter _it = edu_list_iter(head);		\
	     edu_list_iter_next(&_it, &(pos), &(n),			\
				edu_offsetof(__typeof__(pos), member));)
#define list_for_each_entry(pos, head, member)				\
	for (struct edu_list_iter _it = edu_list_iter(head);		\
	     edu_list_iter_next(&_it, &(pos), NULL,			\
				edu_offsetof(__typeof__(pos), member));)

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

/* Fully ordered, as the kernel's value-returning atomics. */
static inline long atomic_long_inc_return(atomic_long_t *v)
{
	return __atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST);
}

#define ATOMIC_LONG_INIT(i)	{ (i) }

/* ---- preemption and sleeping ---- */

/*
 * The emulated CPU this thread runs on, and its preemption-disable depth
 * (preempt_count(): spinlocks, local locks, get_cpu_ptr()); the tests check
 * it is back to 0 after every call.
 */
extern __thread int edu_cpu;
extern __thread int edu_preempt_count;

#define smp_processor_id()	(edu_cpu)

/* Percentage of might_sleep() calls that move the thread to another CPU. */
extern __thread int edu_migrate_pct;
void edu_migrate(void);

/* Where the kernel may sleep, it may also move the task to another CPU. */
#define might_sleep()							\
	do {								\
		EDU_SHIM_ASSERT(!edu_preempt_count,			\
				"sleeping function called from atomic context"); \
		if (edu_migrate_pct)					\
			edu_migrate();					\
	} while (0)

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

static inline void edu_lock(struct edu_spinlock *lock)
{
	pthread_mutex_lock(&lock->mutex);
	__atomic_store_n(&lock->owner, &edu_thread_self, __ATOMIC_RELAXED);
}

static inline void edu_unlock(struct edu_spinlock *lock)
{
	EDU_SHIM_ASSERT(__atomic_load_n(&lock->owner, __ATOMIC_RELAXED) ==
			&edu_thread_self, "lock not held by this thread");
	__atomic_store_n(&lock->owner, NULL, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&lock->mutex);
}

/* A spinlock holder runs with preemption disabled, as in the kernel. */
static inline void spin_lock(spinlock_t *lock)
{
	edu_lock(lock);
	edu_preempt_count++;
}

static inline void spin_unlock(spinlock_t *lock)
{
	edu_preempt_count--;
	edu_unlock(lock);
}

#define lockdep_assert_held(lock)					\
	EDU_SHIM_ASSERT(__atomic_load_n(&(lock)->owner, __ATOMIC_RELAXED) ==	\
			&edu_thread_self, "lock not held")

/* A mutex sleeps: might_sleep() first. */
struct mutex {
	struct edu_spinlock lock;
};

#define DEFINE_MUTEX(name)						\
	struct mutex name = { { PTHREAD_MUTEX_INITIALIZER, NULL } }

static inline void mutex_lock(struct mutex *m)
{
	might_sleep();
	edu_lock(&m->lock);
}

static inline void mutex_unlock(struct mutex *m)
{
	edu_unlock(&m->lock);
}

/* ---- memory ---- */

#define gfp_t			unsigned int
#define GFP_KERNEL		0
#define GFP_KERNEL_ACCOUNT	GFP_KERNEL	/* no memory cgroups here */
#define __GFP_NOWARN		0

/* Fault injection: if set to n, the n-th allocation from now fails. */
extern int edu_fail_nth;

static inline bool edu_should_fail(void)
{
	return edu_fail_nth > 0 && !--edu_fail_nth;
}

/* GFP_KERNEL may sleep. */
static inline void *kcalloc(size_t n, size_t size, int gfp)
{
	might_sleep();
	return edu_should_fail() ? NULL : calloc(n, size);
}

static inline void *kzalloc(size_t size, int gfp)
{
	return kcalloc(1, size, gfp);
}

#define kzalloc_node(size, gfp, nid)	kzalloc(size, gfp)
#define kvcalloc(n, size, gfp)		kcalloc(n, size, gfp)

static inline void kfree(const void *p)
{
	free((void *)p);
}

#define kvfree(p)		kfree(p)

/* The pool is memory of our own, where the kernel's is the direct map. */
struct page;
#define virt_addr_valid(addr)	((unsigned long)(addr) >= PAGE_SIZE)
#define virt_to_page(addr)	((struct page *)(addr))
#define page_to_pfn(page)	((unsigned long)(page) >> PAGE_SHIFT)

/* kmemleak: a registry of the objects handed out (slab_harness.c). */
void edu_kmemleak_alloc(const void *ptr, size_t size);
void edu_kmemleak_free(const void *ptr);

static inline void kmemleak_alloc(const void *ptr, size_t size, int min_count,
				  int gfp)
{
	edu_kmemleak_alloc(ptr, size);
}

static inline void kmemleak_free(const void *ptr)
{
	edu_kmemleak_free(ptr);
}

/* Reproducible: the tests seed it (harness.c). */
extern unsigned long edu_random_state;

static inline unsigned long get_random_long(void)
{
	unsigned long x = __atomic_add_fetch(&edu_random_state,
					     0x9e3779b97f4a7c15UL,
					     __ATOMIC_RELAXED);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
	return x ^ (x >> 31);
}

/* ---- CPUs and per-CPU data ---- */

/* Possible CPUs: all of them, 0..EDU_NR_CPUS-1 (-DEDU_NR_CPUS=n). */
#ifndef EDU_NR_CPUS
#define EDU_NR_CPUS		8
#endif

/* Which CPUs are online (host_cpu_down/up), and the node of each. */
extern bool edu_cpu_online[EDU_NR_CPUS];
extern int edu_cpu_node[EDU_NR_CPUS];

#define cpu_online(cpu)		__atomic_load_n(&edu_cpu_online[cpu], \
						__ATOMIC_RELAXED)
#define cpu_to_node(cpu)	(edu_cpu_node[cpu])

static inline int *edu_first_cpu(int *cpu)
{
	*cpu = 0;
	return cpu;
}

/* Through a pointer, so that @cpu is named (and evaluated) once. */
#define for_each_possible_cpu(cpu)					\
	for (int *_cpu = edu_first_cpu(&(cpu)); *_cpu < EDU_NR_CPUS; (*_cpu)++)
static inline int *edu_next_online(int *cpu)
{
	while (*cpu < EDU_NR_CPUS && !cpu_online(*cpu))
		(*cpu)++;
	return cpu;
}

#define for_each_online_cpu(cpu)					\
	for (int *_cpu = edu_next_online(edu_first_cpu(&(cpu)));	\
	     *_cpu < EDU_NR_CPUS; (*_cpu)++, edu_next_online(_cpu))

static inline unsigned int num_online_cpus(void)
{
	unsigned int nr = 0;
	int cpu;

	for_each_online_cpu(cpu)
		nr++;
	return nr;
}

/*
 * Per-CPU data: each CPU's copy EDU_PCPU_UNIT bytes after the previous
 * one's, as the kernel's per-CPU areas sit at fixed offsets, so that
 * per_cpu_ptr() and this_cpu_*() need no more than an address.
 */
#define EDU_PCPU_UNIT		1024

/* Through an empty asm: the compiler must not take &var's size for the copies'. */
static inline void *edu_pcpu(const void *ptr, int cpu)
{
	char *p = (char *)ptr + (long)cpu * EDU_PCPU_UNIT;

	__asm__("" : "+r" (p));
	return p;
}

static inline void *edu_alloc_percpu(size_t size, size_t align)
{
	void *p = edu_should_fail() ? NULL :
		  aligned_alloc(max(align, (size_t)64),
				EDU_NR_CPUS * EDU_PCPU_UNIT);

	if (p)
		memset(p, 0, EDU_NR_CPUS * EDU_PCPU_UNIT);
	return p;
}

#define alloc_percpu(type)						\
	({								\
		static_assert(sizeof(type) <= EDU_PCPU_UNIT,		\
			      "per-CPU type larger than a unit");	\
		(type *)edu_alloc_percpu(sizeof(type), __alignof__(type)); \
	})
#define alloc_percpu_gfp(type, gfp)	alloc_percpu(type)
#define free_percpu(ptr)	free(ptr)
#define per_cpu_ptr(ptr, cpu)	((__typeof__(ptr))edu_pcpu((ptr), (cpu)))
#define this_cpu_ptr(ptr)	per_cpu_ptr(ptr, smp_processor_id())

/*
 * A static per-CPU variable: the units of all CPUs in one array, and @name
 * an alias of the first, so that per_cpu_ptr(&name, cpu) finds the others.
 */
#define DEFINE_PER_CPU(type, name)					\
	union edu_pcpu_##name {						\
		type var;						\
		char unit[EDU_PCPU_UNIT];				\
	} name##_edu_units[EDU_NR_CPUS];				\
	extern EDU_ATTR((alias(#name "_edu_units"))) type name

/* One instruction in the kernel: atomic with respect to this CPU. */
#define this_cpu_add(var, val)						\
	((void)__atomic_fetch_add(this_cpu_ptr(&(var)), (val),		\
				  __ATOMIC_RELAXED))
#define this_cpu_inc(var)	this_cpu_add(var, 1)

#define get_cpu_ptr(ptr)						\
	(edu_preempt_count++, per_cpu_ptr(ptr, smp_processor_id()))
#define put_cpu_ptr(ptr)						\
	do {								\
		(void)(ptr);						\
		edu_preempt_count--;					\
	} while (0)

/* A local lock: the CPU's own mutex, with preemption disabled. */
#define local_lock_t		struct edu_spinlock

#define local_lock_init(lock)	spin_lock_init(lock)
#define local_lock(lock)	spin_lock(this_cpu_ptr(lock))
#define local_unlock(lock)	spin_unlock(this_cpu_ptr(lock))

/* ---- CPU hotplug ---- */

/* Held for writing by host_cpu_down()/host_cpu_up() (harness.c). */
extern pthread_rwlock_t edu_cpu_hotplug_lock;

static inline void cpus_read_lock(void)
{
	might_sleep();
	pthread_rwlock_rdlock(&edu_cpu_hotplug_lock);
}

static inline void cpus_read_unlock(void)
{
	pthread_rwlock_unlock(&edu_cpu_hotplug_lock);
}

#define CPUHP_BP_PREPARE_DYN	0

/* Only the teardown ("dead") callback is kept: no CPU comes up new. */
int edu_cpuhp_setup(int (*dead)(unsigned int cpu));
void edu_cpuhp_remove(int state);

#define cpuhp_setup_state_nocalls(state, name, startup, teardown)	\
	edu_cpuhp_setup(teardown)
#define cpuhp_remove_state_nocalls(state)	edu_cpuhp_remove(state)

/* ---- work items ---- */

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	work_func_t func;
	int cpu;		/* queued on */
	bool pending;
};

struct workqueue_struct;
#define system_wq		((struct workqueue_struct *)NULL)

static inline void INIT_WORK(struct work_struct *work, work_func_t fn)
{
	work->func = fn;
	work->cpu = -1;
	work->pending = false;
}

static inline bool queue_work_on(int cpu, struct workqueue_struct *wq,
				 struct work_struct *work)
{
	if (work->pending)
		return false;
	work->cpu = cpu;
	work->pending = true;
	return true;
}

/* Runs the work in this thread as CPU work->cpu (harness.c). */
void edu_run_on_cpu(int cpu, void (*fn)(struct work_struct *),
		    struct work_struct *work);

static inline bool flush_work(struct work_struct *work)
{
	might_sleep();
	if (!work->pending)
		return false;
	work->pending = false;
	edu_run_on_cpu(work->cpu, work->func, work);
	return true;
}

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
 * type-checked against the TP_PROTO()s of module/trace.h and trace_slab.h.
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

static inline void trace_edualloc_slab_obj_alloc(const char *cache, int nid,
						 bool fast)
{
}

static inline void trace_edualloc_slab_obj_free(const char *cache, int nid,
						bool fast)
{
}

static inline void trace_edualloc_slab_refill(const char *cache, int nid,
					      int count, bool new_slab)
{
}

static inline void trace_edualloc_slab_release(const char *cache, int nid,
					       unsigned long pfn,
					       unsigned int order)
{
}

static inline void trace_edualloc_slab_new(const char *cache, int nid,
					   unsigned long pfn,
					   unsigned int order,
					   unsigned int objects)
{
}

static inline void trace_edualloc_slab_error(const char *cache,
					     const char *kind,
					     unsigned long slab,
					     unsigned int index)
{
}

#endif /* _EDU_SHIM_H */
