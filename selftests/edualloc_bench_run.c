// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc_bench_run: one EDU_IOC_BENCH call from the command line, for
 * shell tests that need a benchmark running while they do something else
 * (edualloc_hotplug.sh takes CPUs offline under it).  scripts/bench-run
 * issues many short calls, each of which wants every CPU it names online
 * when it starts; this issues exactly one, of the length asked for.
 *
 *   edualloc_bench_run WORKLOAD CPULIST ITERATIONS REPEATS [SIZE [BATCH]]
 *
 * WORKLOAD is a name (page_repeat, page_bulk, slab_repeat, slab_bulk,
 * slab_random, kmalloc_repeat, cross_cpu), always on edualloc; CPULIST
 * names its CPUs as taskset -c does, e.g. 0-3,6.  Prints
 * the figures and the wall time in one line; exit status 0, or 1 with the
 * errno when the call fails, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <linux/edualloc.h>

static const char *const names[EDU_BENCH_NR] = {
	[EDU_BENCH_PAGE_REPEAT] = "page_repeat",
	[EDU_BENCH_PAGE_BULK] = "page_bulk",
	[EDU_BENCH_SLAB_REPEAT] = "slab_repeat",
	[EDU_BENCH_SLAB_BULK] = "slab_bulk",
	[EDU_BENCH_SLAB_RANDOM] = "slab_random",
	[EDU_BENCH_KMALLOC_REPEAT] = "kmalloc_repeat",
	[EDU_BENCH_CROSS_CPU] = "cross_cpu",
};

static int print_usage(void)
{
	fputs("usage: edualloc_bench_run WORKLOAD CPULIST ITERATIONS REPEATS [SIZE [BATCH]]\n",
	      stderr);
	return 2;
}

/*
 * A CPU list ("0-3,6") into a set for edu_bench.cpu_mask, of @bits bits:
 * as many as its highest CPU needs.  NULL on a bad list.
 */
static __u64 *parse_cpus(const char *list, __u64 *bits)
{
	unsigned long a, b, c, top = 0;
	const char *p = list;
	__u64 *set = NULL, *more;
	char *end;

	for (;;) {
		a = strtoul(p, &end, 10);
		if (end == p)
			goto bad;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
			if (end == p || b < a)
				goto bad;
		}
		if (b >= EDU_MASK_MAX_BITS)
			goto bad;
		if (b + 1 > top) {
			more = realloc(set, EDU_MASK_WORDS(b + 1) * 8);
			if (!more)
				goto bad;
			memset(more + EDU_MASK_WORDS(top), 0,
			       (EDU_MASK_WORDS(b + 1) - EDU_MASK_WORDS(top)) * 8);
			set = more;
			top = b + 1;
		}
		for (c = a; c <= b; c++)
			set[c / 64] |= 1ULL << (c % 64);
		if (!*end)
			break;
		if (*end != ',')
			goto bad;
		p = end + 1;
	}
	*bits = top;
	return set;
bad:
	free(set);
	return NULL;
}

int main(int argc, char **argv)
{
	__u64 *cpus, bits;
	struct edu_bench b = { .impl = EDU_BENCH_EDUALLOC };
	struct timespec t0, t1;
	double secs;
	int fd, i;

	if (argc < 5 || argc > 7)
		return print_usage();
	for (i = 1; i < EDU_BENCH_NR; i++)
		if (!strcmp(argv[1], names[i]))
			b.workload = i;
	if (!b.workload)
		return print_usage();
	cpus = parse_cpus(argv[2], &bits);
	if (!cpus)
		return print_usage();
	b.cpu_mask = (uintptr_t)cpus;
	b.cpu_bits = bits;
	b.iterations = strtoull(argv[3], NULL, 0);
	b.repeats = strtoull(argv[4], NULL, 0);
	b.size = argc > 5 ? strtoull(argv[5], NULL, 0) : 0;
	b.batch = argc > 6 ? strtoull(argv[6], NULL, 0) : 0;

	fd = open("/dev/edualloc", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "/dev/edualloc: %s\n", strerror(errno));
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (ioctl(fd, EDU_IOC_BENCH, &b)) {
		fprintf(stderr, "EDU_IOC_BENCH %s: %s\n", argv[1],
			strerror(errno));
		close(fd);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fd);
	secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%s cpus=%llu ns_per_op=%.1f ops_per_sec=%llu ms=%.0f\n",
	       argv[1], (unsigned long long)b.nr_cpus,
	       b.ps_per_op_median / 1000.0,
	       (unsigned long long)b.ops_per_sec, secs * 1000);
	return 0;
}
