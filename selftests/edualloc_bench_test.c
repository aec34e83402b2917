// SPDX-License-Identifier: GPL-2.0-only
/*
 * The benchmark ioctl: bad parameters are refused with a clear errno, and a
 * short run of every workload on both implementations produces sane
 * figures.  No timing is asserted: speed claims come from `make bench`.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <linux/edualloc.h>

#include "kselftest_harness.h"

FIXTURE(bench) {
	int fd;
	__u64 all_cpus;
	int nr_cpus;
};

FIXTURE_SETUP(bench)
{
	self->fd = open("/dev/edualloc", O_RDWR);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "module not loaded");
	ASSERT_GE(self->fd, 0);
	self->nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	ASSERT_GT(self->nr_cpus, 0);
	ASSERT_LE(self->nr_cpus, 64);
	self->all_cpus = self->nr_cpus == 64 ? ~0ULL :
			 (1ULL << self->nr_cpus) - 1;
}

FIXTURE_TEARDOWN(bench)
{
	if (self->fd >= 0)
		close(self->fd);
}

static struct edu_bench good(__u64 workload, __u64 impl, __u64 cpus)
{
	struct edu_bench b = {
		.workload = workload,
		.impl = impl,
		.cpus = cpus,
		.iterations = 200,
		.repeats = 3,
	};

	switch (workload) {
	case EDU_BENCH_PAGE_BULK:
		b.batch = 16;
		break;
	case EDU_BENCH_SLAB_BULK:
	case EDU_BENCH_SLAB_RANDOM:
		b.batch = 16;
		b.size = 64;
		break;
	case EDU_BENCH_SLAB_REPEAT:
	case EDU_BENCH_KMALLOC_REPEAT:
		b.size = 64;
		break;
	}
	return b;
}

static int run(int fd, struct edu_bench *b)
{
	return ioctl(fd, EDU_IOC_BENCH, b) ? errno : 0;
}

TEST_F(bench, bad_parameters_are_einval)
{
	struct edu_bench b;

	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, 1);
	ASSERT_EQ(0, run(self->fd, &b));

	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, 1);
	b.iterations = 0;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.iterations = EDU_BENCH_MAX_ITER + 1;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.iterations = ~0ULL;
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, 1);
	b.repeats = 0;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.repeats = EDU_BENCH_MAX_REPEATS + 1;
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	/* Empty CPU set, and CPUs that are not online. */
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, 0);
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	if (self->nr_cpus < 64) {
		b.cpus = 1ULL << self->nr_cpus;
		EXPECT_EQ(EINVAL, run(self->fd, &b));
		b.cpus = ~0ULL;
		EXPECT_EQ(EINVAL, run(self->fd, &b));
	}

	/* Unknown workloads and implementations. */
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, 1);
	b.workload = 0;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.workload = EDU_BENCH_NR;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b = good(EDU_BENCH_PAGE_REPEAT, 2, 1);
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	/* Sizes, orders and batches out of range. */
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, 1);
	b.size = EDU_MAX_ORDER + 1;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b = good(EDU_BENCH_SLAB_REPEAT, EDU_BENCH_EDUALLOC, 1);
	b.size = 0;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.size = 1 << 20;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b = good(EDU_BENCH_SLAB_BULK, EDU_BENCH_EDUALLOC, 1);
	b.batch = 0;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.batch = EDU_BENCH_MAX_BATCH + 1;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, 1);
	b.batch = 4;
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	/* Cross-CPU needs pairs. */
	b = good(EDU_BENCH_CROSS_CPU, EDU_BENCH_EDUALLOC, 1);
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	/* Output fields and reserved words must be zero on input. */
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, 1);
	b.reserved[4] = 1;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, 1);
	b.ops_per_sec = 1;
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_BENCH, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(bench, every_workload_gives_sane_figures)
{
	for (__u64 w = 1; w < EDU_BENCH_NR; w++) {
		for (__u64 impl = 0; impl <= EDU_BENCH_KERNEL; impl++) {
			__u64 cpus = w == EDU_BENCH_CROSS_CPU ? 3 : 1;
			struct edu_bench b;

			if (w == EDU_BENCH_CROSS_CPU && self->nr_cpus < 2)
				continue;
			b = good(w, impl, cpus);
			ASSERT_EQ(0, run(self->fd, &b)) {
				TH_LOG("workload %llu impl %llu", w, impl);
			}
			EXPECT_EQ(__builtin_popcountll(cpus), b.nr_cpus);
			EXPECT_GT(b.ps_per_op_min, 0);
			EXPECT_LE(b.ps_per_op_min, b.ps_per_op_median);
			EXPECT_LE(b.ps_per_op_median, b.ps_per_op_max);
			EXPECT_GT(b.ops_per_sec, 0);
			/* Below a second per op and above a picosecond. */
			EXPECT_LT(b.ps_per_op_max, 1000000000000ULL);
		}
	}
}

TEST_F(bench, all_cpus_run)
{
	struct edu_bench b = good(EDU_BENCH_SLAB_REPEAT, EDU_BENCH_EDUALLOC,
				  self->all_cpus);

	ASSERT_EQ(0, run(self->fd, &b));
	EXPECT_EQ(self->nr_cpus, b.nr_cpus);
	EXPECT_GT(b.ops_per_sec, 0);
}

TEST_HARNESS_MAIN
