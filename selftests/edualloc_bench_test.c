// SPDX-License-Identifier: GPL-2.0-only
/*
 * The benchmark ioctl: bad parameters are refused with a clear errno, and a
 * short run of every workload on both implementations produces sane
 * figures.  No timing is asserted: speed claims come from `make bench`.
 * A run that would take hours stops when its caller is killed, and gives
 * back everything it held.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <linux/edualloc.h>

#include "kselftest_harness.h"
#include "edualloc_util.h"

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

/*
 * Pages free in all of edualloc's pools once the slab caches are shrunk
 * (per-CPU magazines flushed, empty slabs freed) and the per-CPU page
 * lists drained: what a finished run must leave as it found it.
 */
static long settled_free_pages(int fd)
{
	struct edu_info info;
	long total = 0;

	if (edu_settle(fd) || ioctl(fd, EDU_IOC_INFO, &info))
		return -1;
	for (__u64 n = 0; n < 64; n++) {
		struct edu_node_stats st = { .node = n };

		if (!(info.pool_nodes & (1ULL << n)))
			continue;
		if (ioctl(fd, EDU_IOC_NODE_STATS, &st))
			return -1;
		total += st.free_pages + st.pcp_pages;
	}
	return total;
}

/* How many of the benchmark's kthreads ("edu_bench/CPU") exist. */
static int bench_threads(void)
{
	char path[300], comm[32];
	struct dirent *de;
	int n = 0;
	DIR *dir = opendir("/proc");

	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) &&
		    !strncmp(comm, "edu_bench/", 10))
			n++;
		fclose(f);
	}
	closedir(dir);
	return n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The longest run the ABI allows (hours here) of every workload, killed
 * once its threads are seen running: the caller dies within seconds (a
 * page run that ignored the signal took 12 s here, the others minutes), no
 * thread stays behind, every page comes back, and the next run works.
 */
TEST_F_TIMEOUT(bench, killed_run_stops_and_frees, 180)
{
	long before, after;

	before = settled_free_pages(self->fd);
	if (before < 0)
		SKIP(return, "no %s/slab (debugfs)", EDU_DBG_DIR);
	for (__u64 w = 1; w < EDU_BENCH_NR; w++) {
		__u64 cpus = w == EDU_BENCH_CROSS_CPU ? 3 : self->all_cpus;
		struct edu_bench b;
		double t0, t_kill;
		int status = 0, seen = 0;
		pid_t pid;

		if (w == EDU_BENCH_CROSS_CPU && self->nr_cpus < 2)
			continue;
		b = good(w, EDU_BENCH_EDUALLOC, cpus);
		b.iterations = EDU_BENCH_MAX_ITER;
		b.repeats = EDU_BENCH_MAX_REPEATS;
		if (b.batch)
			b.batch = 512;
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			_exit(run(self->fd, &b));
		/* Kill it once its threads run (or it ended: a failure). */
		t0 = now();
		while (now() - t0 < 20 && !waitpid(pid, &status, WNOHANG)) {
			seen = bench_threads();
			if (seen > 0)
				break;
			usleep(20000);
		}
		ASSERT_LT(0, seen) {
			TH_LOG("workload %llu: no bench thread seen", w);
			kill(pid, SIGKILL);
		}
		usleep(200000);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		t_kill = now();
		while (now() - t_kill < 10 && !waitpid(pid, &status, WNOHANG))
			usleep(10000);
		ASSERT_TRUE(WIFSIGNALED(status) &&
			    WTERMSIG(status) == SIGKILL) {
			TH_LOG("workload %llu: still running 10 s after SIGKILL",
			       w);
		}
		TH_LOG("workload %llu: %d threads, gone %.2f s after SIGKILL",
		       w, seen, now() - t_kill);
		EXPECT_EQ(0, bench_threads());
		after = settled_free_pages(self->fd);
		EXPECT_EQ(before, after) TH_LOG("workload %llu", w);
	}
	/* The runs' lock was let go. */
	{
		struct edu_bench b = good(EDU_BENCH_PAGE_REPEAT,
					  EDU_BENCH_EDUALLOC, 1);

		EXPECT_EQ(0, run(self->fd, &b));
	}
}

/*
 * Runs on the kernel's allocators take the real kernel's memory: only an
 * opener with CAP_SYS_ADMIN may start one (EPERM otherwise), unless the
 * bench_kernel_unprivileged parameter allows it.  edualloc's own side,
 * which uses only its pools, stays open to everyone who may open.
 */
static int unprivileged_bench(__u64 impl)
{
	struct edu_bench b = good(EDU_BENCH_SLAB_REPEAT, impl, 1);
	int fd, status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (edu_drop_sys_admin())
			_exit(100);
		fd = open("/dev/edualloc", O_RDWR);
		if (fd < 0)
			_exit(101);
		_exit(ioctl(fd, EDU_IOC_BENCH, &b) ? errno : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(bench, kernel_side_needs_sys_admin)
{
	struct edu_bench b = good(EDU_BENCH_SLAB_REPEAT, EDU_BENCH_KERNEL, 1);

	EXPECT_EQ(0, run(self->fd, &b));
	EXPECT_EQ(EPERM, unprivileged_bench(EDU_BENCH_KERNEL));
	EXPECT_EQ(0, unprivileged_bench(EDU_BENCH_EDUALLOC));
	ASSERT_EQ(0, edu_param_set("bench_kernel_unprivileged", "1"));
	EXPECT_EQ(0, unprivileged_bench(EDU_BENCH_KERNEL));
	ASSERT_EQ(0, edu_param_set("bench_kernel_unprivileged", "0"));
	EXPECT_EQ(EPERM, unprivileged_bench(EDU_BENCH_KERNEL));
}

TEST_HARNESS_MAIN
