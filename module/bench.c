// SPDX-License-Identifier: GPL-2.0-only
/*
 * In-kernel benchmarks: edualloc's allocators and the kernel's own, side by
 * side, with the same loops (the way lib/test_vmalloc.c and time_bench do).
 *
 * One kthread per selected CPU, bound to it, all waiting on one completion
 * so they start together; each times its own loop with ktime_get_ns() and
 * the TSC, then ends with kthread_complete_and_exit() so no thread can still
 * be running module code once the ioctl returns.  Loops call cond_resched()
 * every EDU_BENCH_RESCHED ops and never disable preemption themselves.
 *
 * A run can be long (2^24 iterations, 64 repeats, under KASAN and TCG: hours),
 * so the caller waits killably: a fatal signal sets the run's stop flag,
 * which every thread reads where it yields, and the ioctl then waits the
 * short rest of the way, frees what is still in flight and fails with EINTR.
 *
 * Only one benchmark runs at a time (edu_bench_lock): two at once would
 * measure each other.  Runs of the kernel's side take the real kernel's
 * memory (up to batch x 2^order pages per CPU), so they need an opener
 * with CAP_SYS_ADMIN unless the bench_kernel_unprivileged parameter says
 * otherwise; runs of edualloc's side use only its pools.  A thread's
 * results are written by that thread only and read after its completion.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timex.h>
#include <linux/uaccess.h>

#include "buddy.h"
#include "edualloc.h"
#include "slab.h"

#define EDU_BENCH_RESCHED	1024
#define EDU_RING_SIZE		1024	/* power of two */
#define EDU_BENCH_MAX_SIZE	8192	/* bytes, slab workloads */

/* What one allocation gave: a page block or an object. */
struct edu_unit {
	void *ptr;			/* object, or the kernel's struct page */
	struct edu_page_ref ref;	/* edualloc's page block */
};

static DEFINE_MUTEX(edu_bench_lock);

static bool bench_kernel_unprivileged;
module_param(bench_kernel_unprivileged, bool, 0644);
MODULE_PARM_DESC(bench_kernel_unprivileged, "let openers without CAP_SYS_ADMIN benchmark the kernel's allocators (default: no, EPERM)");

/* Single-producer single-consumer ring for the cross-CPU workload. */
struct edu_ring {
	unsigned long head ____cacheline_aligned_in_smp;	/* producer */
	unsigned long tail ____cacheline_aligned_in_smp;	/* consumer */
	struct edu_unit slot[EDU_RING_SIZE];
};

struct edu_bench_thread {
	const struct edu_bench *p;
	struct completion *start;
	struct completion done;
	bool *stop;		/* written by the ioctl, read by the thread */
	struct edu_ring *ring;	/* cross-CPU: shared with the peer */
	bool producer;
	struct kmem_cache *kcache;	/* the kernel's, slab workloads */
	struct edu_cache *ecache;	/* edualloc's, slab workloads */
	u64 ns;
	u64 cycles;
	u64 ops;
	int err;
};

/*
 * The operations under test.  Each implementation gets the same calls:
 * allocate one unit (a page block or an object), free it.
 */
static bool edu_bench_alloc(struct edu_bench_thread *t, struct edu_unit *u)
{
	const struct edu_bench *p = t->p;
	bool kernel = p->impl == EDU_BENCH_KERNEL;

	switch (p->workload) {
	case EDU_BENCH_PAGE_REPEAT:
	case EDU_BENCH_PAGE_BULK:
	case EDU_BENCH_CROSS_CPU:
		if (kernel) {
			u->ptr = alloc_pages(GFP_KERNEL | __GFP_NOWARN,
					     p->size);
			return u->ptr;
		}
		return !edu_alloc_pages(NUMA_NO_NODE, p->size, 0, &u->ref);
	case EDU_BENCH_KMALLOC_REPEAT:
		u->ptr = kernel ? kmalloc(p->size, GFP_KERNEL | __GFP_NOWARN) :
				  edu_kmalloc(p->size, NUMA_NO_NODE);
		return u->ptr;
	default:
		u->ptr = kernel ? kmem_cache_alloc(t->kcache,
						   GFP_KERNEL | __GFP_NOWARN) :
				  edu_cache_alloc(t->ecache, NUMA_NO_NODE);
		return u->ptr;
	}
}

static void edu_bench_free(struct edu_bench_thread *t, struct edu_unit *u)
{
	const struct edu_bench *p = t->p;
	bool kernel = p->impl == EDU_BENCH_KERNEL;

	switch (p->workload) {
	case EDU_BENCH_PAGE_REPEAT:
	case EDU_BENCH_PAGE_BULK:
	case EDU_BENCH_CROSS_CPU:
		if (kernel)
			__free_pages(u->ptr, p->size);
		else
			edu_free_pages(u->ref.node, u->ref.idx, u->ref.order);
		return;
	case EDU_BENCH_KMALLOC_REPEAT:
		if (kernel)
			kfree(u->ptr);
		else
			edu_kfree(u->ptr);
		return;
	default:
		if (kernel)
			kmem_cache_free(t->kcache, u->ptr);
		else
			edu_cache_free(t->ecache, u->ptr);
	}
}

/* Every EDU_BENCH_RESCHED ops: yield, and tell whether to give up. */
static bool edu_bench_pause(struct edu_bench_thread *t)
{
	cond_resched();
	return READ_ONCE(*t->stop);
}

static int edu_bench_repeat(struct edu_bench_thread *t)
{
	u64 i;

	struct edu_unit u;

	for (i = 0; i < t->p->iterations; i++) {
		if (!edu_bench_alloc(t, &u))
			return -ENOMEM;
		edu_bench_free(t, &u);
		if (i % EDU_BENCH_RESCHED == EDU_BENCH_RESCHED - 1 &&
		    edu_bench_pause(t))
			return -EINTR;
	}
	t->ops = t->p->iterations;
	return 0;
}

static int edu_bench_bulk(struct edu_bench_thread *t, struct edu_unit *v)
{
	u64 done = 0, n, i;

	while (done < t->p->iterations) {
		n = min(t->p->batch, t->p->iterations - done);
		for (i = 0; i < n; i++)
			if (!edu_bench_alloc(t, &v[i]))
				goto nomem;
		for (i = 0; i < n; i++)
			edu_bench_free(t, &v[i]);
		done += n;
		if (edu_bench_pause(t))
			return -EINTR;
	}
	t->ops = done;
	return 0;
nomem:
	while (i--)
		edu_bench_free(t, &v[i]);
	return -ENOMEM;
}

/* Allocate or free at random with at most @batch objects live. */
static int edu_bench_random(struct edu_bench_thread *t, struct edu_unit *v)
{
	u64 live = 0, i;
	int err = 0;
	u32 r;

	for (i = 0; i < t->p->iterations; i++) {
		r = get_random_u32();
		if (live < t->p->batch && (!live || (r & 1))) {
			if (!edu_bench_alloc(t, &v[live])) {
				err = -ENOMEM;
				break;
			}
			live++;
		} else {
			u64 k = (r >> 1) % live;

			edu_bench_free(t, &v[k]);
			v[k] = v[--live];
		}
		if (i % EDU_BENCH_RESCHED == EDU_BENCH_RESCHED - 1 &&
		    edu_bench_pause(t)) {
			err = -EINTR;
			break;
		}
	}
	while (live)
		edu_bench_free(t, &v[--live]);
	t->ops = i;
	return err;
}

static bool edu_ring_full(struct edu_ring *ring)
{
	/* Acquire: the consumer is done with the slots it has passed. */
	unsigned long tail = smp_load_acquire(&ring->tail);

	return READ_ONCE(ring->head) - tail == EDU_RING_SIZE;
}

static bool edu_ring_empty(struct edu_ring *ring)
{
	/* Acquire: see the slot the producer published. */
	return smp_load_acquire(&ring->head) == READ_ONCE(ring->tail);
}

/*
 * Spin, politely, until the ring has room (producer) or an item (consumer).
 * False if the run is being stopped.
 */
static bool edu_ring_wait(struct edu_bench_thread *t, u64 *spins)
{
	while (t->producer ? edu_ring_full(t->ring) : edu_ring_empty(t->ring)) {
		if (++*spins % EDU_BENCH_RESCHED)
			cpu_relax();
		else if (edu_bench_pause(t))
			return false;
	}
	return true;
}

/*
 * Producer allocates into the ring, consumer (the next CPU) frees.  A
 * failed allocation still sends an item (ptr = NULL, no ref) so the
 * consumer's count stays in step.
 */
static int edu_bench_cross(struct edu_bench_thread *t)
{
	struct edu_ring *ring = t->ring;
	struct edu_unit *u;
	u64 i, spins = 0;
	int err = 0;

	for (i = 0; i < t->p->iterations; i++) {
		if (!edu_ring_wait(t, &spins))
			goto stop;
		if (t->producer) {
			u = &ring->slot[ring->head % EDU_RING_SIZE];
			if (!edu_bench_alloc(t, u)) {
				memset(u, 0, sizeof(*u));
				err = -ENOMEM;
			}
			/* Release: publish the slot with the new head. */
			smp_store_release(&ring->head, ring->head + 1);
		} else {
			u = &ring->slot[ring->tail % EDU_RING_SIZE];
			if (u->ptr || u->ref.node)
				edu_bench_free(t, u);
			/* Release: the slot may be reused after this. */
			smp_store_release(&ring->tail, ring->tail + 1);
		}
		if (i % EDU_BENCH_RESCHED == EDU_BENCH_RESCHED - 1 &&
		    edu_bench_pause(t))
			goto stop;
	}
	t->ops = t->p->iterations;
	return err;
stop:
	/* What the producer sent and nobody took: edu_bench_once() frees. */
	t->ops = i;
	return -EINTR;
}

/* After a stopped cross-CPU run: free what is still in the rings. */
static void edu_bench_drain_rings(struct edu_bench_thread *thr,
				  unsigned int n)
{
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2) {
		struct edu_ring *ring = thr[i].ring;
		struct edu_unit *u;

		for (; ring->tail != ring->head; ring->tail++) {
			u = &ring->slot[ring->tail % EDU_RING_SIZE];
			if (u->ptr || u->ref.node)
				edu_bench_free(&thr[i + 1], u);
		}
	}
}

static int edu_bench_thread_fn(void *arg)
{
	struct edu_bench_thread *t = arg;
	const struct edu_bench *p = t->p;
	struct edu_unit *v = NULL;
	u64 t0, c0;
	int err;

	if (p->workload == EDU_BENCH_PAGE_BULK ||
	    p->workload == EDU_BENCH_SLAB_BULK ||
	    p->workload == EDU_BENCH_SLAB_RANDOM) {
		v = kvmalloc_array(p->batch, sizeof(*v),
				   GFP_KERNEL | __GFP_NOWARN);
		if (!v) {
			t->err = -ENOMEM;
			kthread_complete_and_exit(&t->done, 0);
		}
	}
	wait_for_completion(t->start);

	c0 = get_cycles();
	t0 = ktime_get_ns();
	switch (p->workload) {
	case EDU_BENCH_PAGE_BULK:
	case EDU_BENCH_SLAB_BULK:
		err = edu_bench_bulk(t, v);
		break;
	case EDU_BENCH_SLAB_RANDOM:
		err = edu_bench_random(t, v);
		break;
	case EDU_BENCH_CROSS_CPU:
		err = edu_bench_cross(t);
		break;
	default:
		err = edu_bench_repeat(t);
		break;
	}
	t->ns = ktime_get_ns() - t0;
	t->cycles = get_cycles() - c0;
	t->err = err;
	kvfree(v);
	kthread_complete_and_exit(&t->done, 0);
}

struct edu_bench_rep {
	u64 ps_per_op;		/* mean over the CPUs of their time per op */
	u64 ops_per_sec;	/* all ops over the longest thread's time */
	u64 cycles_per_op;
};

static int edu_bench_cmp(const void *a, const void *b)
{
	u64 x = ((const struct edu_bench_rep *)a)->ps_per_op;
	u64 y = ((const struct edu_bench_rep *)b)->ps_per_op;

	return x < y ? -1 : x > y;
}

static int edu_bench_once(struct edu_bench *p, const struct cpumask *cpus,
			  struct edu_bench_thread *thr, struct task_struct **tasks,
			  struct edu_ring *rings, struct edu_bench_rep *rep)
{
	DECLARE_COMPLETION_ONSTACK(start);
	u64 ops = 0, longest = 0, ps = 0, cycles = 0;
	unsigned int i, n = 0, cpu;
	bool stop = false;

	/* Create every thread before any runs: a cross-CPU producer must
	 * not start without its consumer.
	 */
	for_each_cpu(cpu, cpus) {
		struct edu_bench_thread *t = &thr[n];

		t->start = &start;
		t->stop = &stop;
		t->ops = 0;
		t->err = 0;
		init_completion(&t->done);
		if (p->workload == EDU_BENCH_CROSS_CPU) {
			t->ring = &rings[n / 2];
			t->ring->head = 0;
			t->ring->tail = 0;
			t->producer = !(n % 2);
		}
		tasks[n] = kthread_create_on_cpu(edu_bench_thread_fn, t, cpu,
						 "edu_bench/%u");
		if (IS_ERR(tasks[n])) {
			int err = PTR_ERR(tasks[n]);

			/* Never woken: they exit without running. */
			while (n--)
				kthread_stop(tasks[n]);
			return err;
		}
		n++;
	}
	for (i = 0; i < n; i++)
		wake_up_process(tasks[i]);
	complete_all(&start);
	for (i = 0; i < n; i++) {
		/* Killed: stop them all; each stops within a few ops. */
		if (!stop && wait_for_completion_killable(&thr[i].done))
			WRITE_ONCE(stop, true);
		if (stop)
			wait_for_completion(&thr[i].done);
	}
	if (stop) {
		if (p->workload == EDU_BENCH_CROSS_CPU)
			edu_bench_drain_rings(thr, n);
		return -EINTR;
	}

	for (i = 0; i < n; i++) {
		if (thr[i].err)
			return thr[i].err;
		ops += thr[i].ops;
		longest = max(longest, thr[i].ns);
		ps += div64_u64(thr[i].ns * 1000, thr[i].ops);
		cycles += div64_u64(thr[i].cycles, thr[i].ops);
	}
	/* Cross-CPU: an op is counted once, by its consumer. */
	if (p->workload == EDU_BENCH_CROSS_CPU)
		ops /= 2;
	rep->ps_per_op = ps / n;
	rep->cycles_per_op = cycles / n;
	rep->ops_per_sec = longest ? div64_u64(ops * NSEC_PER_SEC, longest) : 0;
	return 0;
}

static int edu_bench_check(struct edu_bench *p, struct cpumask *cpus)
{
	int ret;

	if (!EDU_RESERVED_OK(p) || p->nr_cpus || p->ps_per_op_min ||
	    p->ps_per_op_median || p->ps_per_op_max || p->ops_per_sec ||
	    p->cycles_per_op)
		return -EINVAL;
	if (!p->workload || p->workload >= EDU_BENCH_NR ||
	    p->impl > EDU_BENCH_KERNEL)
		return -EINVAL;
	if (!p->iterations || p->iterations > EDU_BENCH_MAX_ITER ||
	    !p->repeats || p->repeats > EDU_BENCH_MAX_REPEATS)
		return -EINVAL;

	switch (p->workload) {
	case EDU_BENCH_PAGE_BULK:
	case EDU_BENCH_SLAB_BULK:
	case EDU_BENCH_SLAB_RANDOM:
		if (!p->batch || p->batch > EDU_BENCH_MAX_BATCH)
			return -EINVAL;
		break;
	default:
		if (p->batch)
			return -EINVAL;
	}
	switch (p->workload) {
	case EDU_BENCH_PAGE_REPEAT:
	case EDU_BENCH_PAGE_BULK:
		if (p->size > EDU_MAX_ORDER)
			return -EINVAL;
		break;
	case EDU_BENCH_CROSS_CPU:
		if (p->size)	/* order-0 pages */
			return -EINVAL;
		break;
	default:
		if (!p->size || p->size > EDU_BENCH_MAX_SIZE)
			return -EINVAL;
	}

	/* Every selected CPU must exist and be online. */
	ret = edu_uapi_cpumask(p->cpu_mask, p->cpu_bits, cpus);
	if (ret)
		return ret;
	if (cpumask_empty(cpus))
		return -EINVAL;
	if (p->workload == EDU_BENCH_CROSS_CPU && cpumask_weight(cpus) % 2)
		return -EINVAL;
	return 0;
}

static long edu_ioctl_bench(struct edu_file *ef, void __user *uarg)
{
	struct edu_bench_rep *reps = NULL;
	struct edu_bench_thread *thr = NULL;
	struct task_struct **tasks = NULL;
	struct edu_ring *rings = NULL;
	cpumask_var_t cpus;
	struct kmem_cache *kcache = NULL;
	struct edu_cache *ecache = NULL;
	struct edu_bench p;
	unsigned int n, i;
	long ret;

	if (copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL))
		return -ENOMEM;
	ret = edu_bench_check(&p, cpus);
	if (ret)
		goto out_mask;
	ret = -EPERM;
	if (p.impl == EDU_BENCH_KERNEL && !ef->privileged &&
	    !READ_ONCE(bench_kernel_unprivileged))
		goto out_mask;
	n = cpumask_weight(cpus);

	ret = -ENOMEM;
	thr = kcalloc(n, sizeof(*thr), GFP_KERNEL);
	tasks = kcalloc(n, sizeof(*tasks), GFP_KERNEL);
	reps = kcalloc(p.repeats, sizeof(*reps), GFP_KERNEL);
	rings = kvcalloc(n / 2 + 1, sizeof(*rings), GFP_KERNEL);
	if (!thr || !tasks || !reps || !rings)
		goto out;

	if (p.workload == EDU_BENCH_SLAB_REPEAT ||
	    p.workload == EDU_BENCH_SLAB_BULK ||
	    p.workload == EDU_BENCH_SLAB_RANDOM) {
		if (p.impl == EDU_BENCH_KERNEL)
			kcache = kmem_cache_create("edu_bench", p.size, 0, 0,
						   NULL);
		else
			ecache = edu_cache_create("edu_bench", p.size, 0, 0,
						  NUMA_NO_NODE, false);
		if (IS_ERR_OR_NULL(ecache))
			ecache = NULL;
		if (!kcache && !ecache)
			goto out;
	}

	if (mutex_lock_interruptible(&edu_bench_lock)) {
		ret = -EINTR;
		goto out;
	}
	for (i = 0; i < n; i++) {
		thr[i].p = &p;
		thr[i].kcache = kcache;
		thr[i].ecache = ecache;
	}
	for (i = 0; i < p.repeats; i++) {
		ret = edu_bench_once(&p, cpus, thr, tasks, rings, &reps[i]);
		if (ret)
			break;
	}
	mutex_unlock(&edu_bench_lock);
	if (ret)
		goto out;

	sort(reps, p.repeats, sizeof(*reps), edu_bench_cmp, NULL);
	p.nr_cpus = cpumask_weight(cpus);
	p.ps_per_op_min = reps[0].ps_per_op;
	p.ps_per_op_median = reps[p.repeats / 2].ps_per_op;
	p.ps_per_op_max = reps[p.repeats - 1].ps_per_op;
	p.ops_per_sec = reps[p.repeats / 2].ops_per_sec;
	p.cycles_per_op = reps[p.repeats / 2].cycles_per_op;
	ret = copy_to_user(uarg, &p, sizeof(p)) ? -EFAULT : 0;
out:
	kmem_cache_destroy(kcache);
	if (ecache)
		edu_cache_destroy(ecache);
	kvfree(rings);
	kfree(reps);
	kfree(tasks);
	kfree(thr);
out_mask:
	free_cpumask_var(cpus);
	return ret;
}

long edu_bench_ioctl(struct edu_file *ef, unsigned int cmd, void __user *arg)
{
	if (cmd == EDU_IOC_BENCH)
		return edu_ioctl_bench(ef, arg);
	return -ENOTTY;
}
