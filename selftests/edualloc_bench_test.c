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
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <linux/edualloc.h>

#include "kselftest_harness.h"
#include "edualloc_util.h"

#define CPU_DIR		"/sys/devices/system/cpu"

/* CPU sets of one word: none, CPU 0, CPUs 0 and 1 (a cross-CPU pair). */
static __u64 cpus_none[1], cpus_0[1] = { 1 }, cpus_01[1] = { 3 };

FIXTURE(bench) {
	int fd;
	__u64 cpu_ids;		/* edu_info.cpu_ids: bits a CPU set may use */
	__u64 *all;		/* the online CPUs, a set of cpu_ids bits */
	int nr_cpus;		/* how many */
};

FIXTURE_SETUP(bench)
{
	struct edu_info info;

	self->all = NULL;
	self->fd = open("/dev/edualloc", O_RDWR);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, "module not loaded");
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, edu_get_info(self->fd, &info, NULL, 0));
	self->cpu_ids = info.cpu_ids;
	ASSERT_EQ(edu_list_mask(CPU_DIR "/possible", NULL, 0),
		  (long)self->cpu_ids);
	self->all = calloc(EDU_MASK_WORDS(self->cpu_ids), sizeof(__u64));
	ASSERT_NE(NULL, self->all);
	ASSERT_LT(0, edu_list_mask(CPU_DIR "/online", self->all,
				   self->cpu_ids));
	for (__u64 i = 0; i < self->cpu_ids; i++)
		self->nr_cpus += edu_mask_has(self->all, i);
	ASSERT_EQ(sysconf(_SC_NPROCESSORS_ONLN), self->nr_cpus);
	/* The small sets above take CPU 0 (and 1) for online. */
	ASSERT_TRUE(edu_mask_has(self->all, 0));
}

FIXTURE_TEARDOWN(bench)
{
	if (self->fd >= 0)
		close(self->fd);
	free(self->all);
}

static struct edu_bench good(__u64 workload, __u64 impl, const __u64 *cpus,
			     __u64 bits)
{
	struct edu_bench b = {
		.workload = workload,
		.impl = impl,
		.cpu_mask = (uintptr_t)cpus,
		.cpu_bits = bits,
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

	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, cpus_0, 64);
	ASSERT_EQ(0, run(self->fd, &b));

	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, cpus_0, 64);
	b.iterations = 0;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.iterations = EDU_BENCH_MAX_ITER + 1;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.iterations = ~0ULL;
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, cpus_0, 64);
	b.repeats = 0;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.repeats = EDU_BENCH_MAX_REPEATS + 1;
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	/* An empty CPU set (the other bad sets: cpu_set_* below). */
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, cpus_none, 64);
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	/* Unknown workloads and implementations. */
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, cpus_0, 64);
	b.workload = 0;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.workload = EDU_BENCH_NR;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b = good(EDU_BENCH_PAGE_REPEAT, 2, cpus_0, 64);
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	/* Sizes, orders and batches out of range. */
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, cpus_0, 64);
	b.size = EDU_MAX_ORDER + 1;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b = good(EDU_BENCH_SLAB_REPEAT, EDU_BENCH_EDUALLOC, cpus_0, 64);
	b.size = 0;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.size = 1 << 20;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b = good(EDU_BENCH_SLAB_BULK, EDU_BENCH_EDUALLOC, cpus_0, 64);
	b.batch = 0;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.batch = EDU_BENCH_MAX_BATCH + 1;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, cpus_0, 64);
	b.batch = 4;
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	/* Cross-CPU needs pairs. */
	b = good(EDU_BENCH_CROSS_CPU, EDU_BENCH_EDUALLOC, cpus_0, 64);
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	/* Output fields and reserved words must be zero on input. */
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, cpus_0, 64);
	b.reserved[3] = 1;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, cpus_0, 64);
	b.ops_per_sec = 1;
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_BENCH, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(bench, every_workload_gives_sane_figures)
{
	for (__u64 w = 1; w < EDU_BENCH_NR; w++) {
		for (__u64 impl = 0; impl <= EDU_BENCH_KERNEL; impl++) {
			bool pair = w == EDU_BENCH_CROSS_CPU;
			struct edu_bench b;

			if (pair && !edu_mask_has(self->all, 1))
				continue;
			b = good(w, impl, pair ? cpus_01 : cpus_0, 64);
			ASSERT_EQ(0, run(self->fd, &b)) {
				TH_LOG("workload %llu impl %llu", w, impl);
			}
			EXPECT_EQ(pair ? 2 : 1, b.nr_cpus);
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
				  self->all, self->cpu_ids);

	ASSERT_EQ(0, run(self->fd, &b));
	EXPECT_EQ(self->nr_cpus, b.nr_cpus);
	EXPECT_GT(b.ops_per_sec, 0);
}

/*
 * A CPU set is not capped at 64 bits: one of EDU_MASK_MAX_BITS (CPU 0 in
 * it) runs, and so do all online CPUs copied into one that long.  Bits of
 * the last word past the length are not part of the set.
 */
TEST_F(bench, cpu_set_longer_than_64_bits_is_accepted)
{
	static __u64 big[EDU_MASK_WORDS(EDU_MASK_MAX_BITS)];
	__u64 two[2] = { 1, ~1ULL };	/* CPU 0; bits past 65 ignored */
	struct edu_bench b;

	big[0] = 1;
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, big,
		 EDU_MASK_MAX_BITS);
	ASSERT_EQ(0, run(self->fd, &b));
	EXPECT_EQ(1, b.nr_cpus);

	memcpy(big, self->all, EDU_MASK_WORDS(self->cpu_ids) * sizeof(__u64));
	b = good(EDU_BENCH_SLAB_REPEAT, EDU_BENCH_EDUALLOC, big,
		 EDU_MASK_MAX_BITS);
	ASSERT_EQ(0, run(self->fd, &b));
	EXPECT_EQ(self->nr_cpus, b.nr_cpus);

	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, two, 65);
	ASSERT_EQ(0, run(self->fd, &b));
	EXPECT_EQ(1, b.nr_cpus);
}

/*
 * Lengths out of range, members at or past cpu_ids (at the end of the
 * longest set too), and an offline CPU if the machine has one: EINVAL.
 */
TEST_F(bench, cpu_set_bad_lengths_and_members_are_einval)
{
	static __u64 big[EDU_MASK_WORDS(EDU_MASK_MAX_BITS)];
	__u64 offline = self->cpu_ids, i;
	struct edu_bench b;

	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, cpus_0, 0);
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.cpu_bits = EDU_MASK_MAX_BITS + 1;
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	b.cpu_bits = ~0ULL;
	EXPECT_EQ(EINVAL, run(self->fd, &b));

	/* CPU 0 and the first number past the CPUs. */
	big[0] = 1;
	edu_mask_set(big, self->cpu_ids);
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, big,
		 self->cpu_ids + 1);
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	/* Not a member if the length ends before it. */
	b.cpu_bits = self->cpu_ids;
	EXPECT_EQ(0, run(self->fd, &b));
	memset(big, 0, sizeof(big));

	big[0] = 1;
	edu_mask_set(big, EDU_MASK_MAX_BITS - 1);
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, big,
		 EDU_MASK_MAX_BITS);
	EXPECT_EQ(EINVAL, run(self->fd, &b));
	memset(big, 0, sizeof(big));

	for (i = 0; i < self->cpu_ids; i++)
		if (!edu_mask_has(self->all, i)) {
			offline = i;
			break;
		}
	if (offline == self->cpu_ids) {
		TH_LOG("every possible CPU is online: no offline one tried");
		return;
	}
	big[0] = 1;
	edu_mask_set(big, offline);
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, big,
		 offline + 1);
	EXPECT_EQ(EINVAL, run(self->fd, &b)) {
		TH_LOG("offline CPU %llu", offline);
	}
}

/* A CPU set the module cannot read all of: EFAULT. */
TEST_F(bench, cpu_set_bad_pointer_is_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	struct edu_bench b;
	__u64 *last;
	char *m;

	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, NULL, 64);
	EXPECT_EQ(EFAULT, run(self->fd, &b));
	b.cpu_mask = 0xffff888000000000ULL;	/* the kernel's */
	EXPECT_EQ(EFAULT, run(self->fd, &b));
	b.cpu_mask = 0x8000000000000000ULL;	/* non-canonical */
	EXPECT_EQ(EFAULT, run(self->fd, &b));

	m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(0, munmap(m + page, page));
	last = (__u64 *)(m + page) - 1;
	*last = 1;
	/* CPU 0 in the last word of the mapping: fine on its own... */
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, last, 64);
	EXPECT_EQ(0, run(self->fd, &b));
	/* ...but a longer set runs off the mapping. */
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, last, 65);
	EXPECT_EQ(EFAULT, run(self->fd, &b));
	ASSERT_EQ(0, mprotect(m, page, PROT_NONE));
	b = good(EDU_BENCH_PAGE_REPEAT, EDU_BENCH_EDUALLOC, last, 64);
	EXPECT_EQ(EFAULT, run(self->fd, &b));
	munmap(m, page);
}

/*
 * Pages free in all of edualloc's pools once the slab caches are shrunk
 * (per-CPU magazines flushed, empty slabs freed) and the per-CPU page
 * lists drained: what a finished run must leave as it found it.
 */
static long settled_free_pages(int fd)
{
	struct edu_info info;
	int nodes[256], nr, i;
	long total = 0;

	if (edu_settle(fd))
		return -1;
	nr = edu_pool_nodes(fd, &info, nodes, 256);
	if (nr < 0)
		return -1;
	for (i = 0; i < nr; i++) {
		struct edu_node_stats st = { .node = nodes[i] };

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
		bool pair = w == EDU_BENCH_CROSS_CPU;
		struct edu_bench b;
		double t0, t_kill;
		int status = 0, seen = 0;
		pid_t pid;

		if (pair && !edu_mask_has(self->all, 1))
			continue;
		if (pair)
			b = good(w, EDU_BENCH_EDUALLOC, cpus_01, 64);
		else
			b = good(w, EDU_BENCH_EDUALLOC, self->all,
				 self->cpu_ids);
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
					  EDU_BENCH_EDUALLOC, cpus_0, 64);

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
	struct edu_bench b = good(EDU_BENCH_SLAB_REPEAT, impl, cpus_0, 64);
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
	struct edu_bench b = good(EDU_BENCH_SLAB_REPEAT, EDU_BENCH_KERNEL,
				  cpus_0, 64);

	EXPECT_EQ(0, run(self->fd, &b));
	EXPECT_EQ(EPERM, unprivileged_bench(EDU_BENCH_KERNEL));
	EXPECT_EQ(0, unprivileged_bench(EDU_BENCH_EDUALLOC));
	ASSERT_EQ(0, edu_param_set("bench_kernel_unprivileged", "1"));
	EXPECT_EQ(0, unprivileged_bench(EDU_BENCH_KERNEL));
	ASSERT_EQ(0, edu_param_set("bench_kernel_unprivileged", "0"));
	EXPECT_EQ(EPERM, unprivileged_bench(EDU_BENCH_KERNEL));
}

TEST_HARNESS_MAIN
