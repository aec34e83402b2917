// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc_vm_bench: the virtual-memory lab's benchmarks, each side by side
 * with the kernel doing the same in the same boot (make bench, through
 * scripts/bench-vm, which sets up the kernel's side first):
 *
 *   fault    ns per first-touch fault: an area of edualloc (its fault
 *            handler, a page of its buddy allocator, cleared, mapped with
 *            vmf_insert_mixed()) against private anonymous memory
 *            (do_anonymous_page(), THP off for the mapping), both on the
 *            node of the CPU the program is pinned to;
 *   reclaim  pages per second reclaimed to swap on request: edualloc's
 *            reclaim_control ("reclaim node=N pages=P", the LRU lists,
 *            the Accessed bits, a copy to a swap slot) against the
 *            kernel's memory.reclaim of a cgroup v2 holding the same
 *            amount of anonymous memory, its swap a RAM disk (zram, set
 *            up by scripts/bench-vm).  Both swap to RAM, but zram
 *            compresses where edualloc copies: a like-for-like of the
 *            scanning, not of the device.
 *
 *   edualloc_vm_bench fault|reclaim [--quick] [CGROUP]
 *
 * Prints one JSON object per line: bench, impl, pages, repeats and the
 * median figure (ns_per_fault, or pages_per_sec with the pages reclaimed).
 * Pages are filled with a pseudo-random pattern, so that no swap device
 * gets an easy page.  Exit status 0, 1 on a failure (said on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <linux/edualloc.h>

#define DBG "/sys/kernel/debug/edualloc"
#define MAX_REPEATS 16

static long psize;
static int dev_fd = -1;

static void die(const char *what)
{
	fprintf(stderr, "edualloc_vm_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* One JSON line; @reclaimed < 0: not a reclaim figure. */
static void emit(const char *bench, const char *impl, long pages,
		 long reclaimed, int repeats, const char *what, double value)
{
	printf("{\"bench\": \"%s\", \"impl\": \"%s\", \"pages\": %ld, ",
	       bench, impl, pages);
	if (reclaimed >= 0)
		printf("\"reclaimed\": %ld, ", reclaimed);
	printf("\"repeats\": %d, \"%s\": %.1f}\n", repeats, what, value);
}

/* Every word of every page: xorshift, seeded by the page number. */
static void fill(char *p, long pages)
{
	long i, j;

	for (i = 0; i < pages; i++) {
		__u64 x = i * 0x9e3779b97f4a7c15ULL + 1, *w;

		w = (__u64 *)(p + i * psize);
		for (j = 0; j < psize / 8; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			w[j] = x;
		}
	}
}

/* A debugfs "key value" line, e.g. of "swap"; -1 if absent. */
static long dbg_value(const char *file, const char *key)
{
	char path[128], line[256];
	size_t len = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), DBG "/%s", file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) &&
		    (line[len] == ' ' || line[len] == ':' || line[len] == '\t')) {
			v = atol(line + len + 1 + strspn(line + len + 1, " \t:"));
			break;
		}
	fclose(f);
	return v;
}

/* /proc/vmstat's @key */
static long vmstat_value(const char *key)
{
	char name[64];
	long v = -1, x;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", name, &x) == 2)
		if (!strcmp(name, key)) {
			v = x;
			break;
		}
	fclose(f);
	return v;
}

static char *area_map(long pages, int node, __u64 *handle)
{
	struct edu_area_create c;
	char *p;

	memset(&c, 0, sizeof(c));
	c.pages = pages;
	c.policy = node < 0 ? EDU_AREA_POLICY_LOCAL : EDU_AREA_POLICY_NODE;
	c.node = node < 0 ? 0 : node;
	if (ioctl(dev_fd, EDU_IOC_AREA_CREATE, &c))
		die("EDU_IOC_AREA_CREATE");
	p = mmap(NULL, pages * psize, PROT_READ | PROT_WRITE, MAP_SHARED,
		 dev_fd, (off_t)c.mmap_offset);
	if (p == MAP_FAILED)
		die("mmap of an area");
	*handle = c.handle;
	return p;
}

static void area_unmap(char *p, long pages, __u64 handle)
{
	struct edu_handle_arg h;

	munmap(p, pages * psize);
	memset(&h, 0, sizeof(h));
	h.handle = handle;
	if (ioctl(dev_fd, EDU_IOC_AREA_DESTROY, &h))
		die("EDU_IOC_AREA_DESTROY");
}

static char *anon_map(long pages)
{
	char *p = mmap(NULL, pages * psize, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap of anonymous memory");
	/* One fault per 4 KiB page, as in an area: no THP. */
	if (madvise(p, pages * psize, MADV_NOHUGEPAGE))
		die("MADV_NOHUGEPAGE");
	return p;
}

/* One write per page: each a first touch, a fault. */
static double touch_ns(char *p, long pages)
{
	double t0 = now_ns();
	long i;

	for (i = 0; i < pages; i++)
		p[i * psize] = 1;
	return (now_ns() - t0) / pages;
}

static void bench_fault(int repeats)
{
	double e[MAX_REPEATS], k[MAX_REPEATS];
	long pages = 4096;
	__u64 h;
	char *p;
	int r;

	for (r = 0; r < repeats; r++) {
		p = area_map(pages, -1, &h);
		e[r] = touch_ns(p, pages);
		area_unmap(p, pages, h);
		p = anon_map(pages);
		k[r] = touch_ns(p, pages);
		munmap(p, pages * psize);
	}
	emit("fault", "edualloc", pages, -1, repeats, "ns_per_fault",
	     median(e, repeats));
	emit("fault", "kernel", pages, -1, repeats, "ns_per_fault",
	     median(k, repeats));
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

/* edualloc: @pages filled on node 0, then half of them reclaimed. */
static double reclaim_edualloc(long pages, long *got)
{
	char cmd[64];
	double t0, t;
	long before;
	__u64 h;
	char *p;
	int err;

	p = area_map(pages, 0, &h);
	fill(p, pages);
	before = dbg_value("swap", "pswpout");
	snprintf(cmd, sizeof(cmd), "reclaim node=0 pages=%ld", pages / 2);
	t0 = now_ns();
	err = write_str(DBG "/reclaim_control", cmd);
	t = now_ns() - t0;
	*got = dbg_value("swap", "pswpout") - before;
	area_unmap(p, pages, h);
	if (err) {
		errno = -err;
		die("reclaim_control");
	}
	return *got / (t / 1e9);
}

/* The kernel: a child in @cg fills @pages, memory.reclaim takes half. */
static double reclaim_kernel(const char *cg, long pages, long *got)
{
	char path[256], buf[64];
	int up[2], ret;
	double t0, t;
	long before;
	pid_t pid;
	char c;

	if (pipe(up))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		char *p;

		snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
		snprintf(buf, sizeof(buf), "%d", getpid());
		if (write_str(path, buf))
			_exit(2);
		p = anon_map(pages);
		fill(p, pages);
		if (write(up[1], "x", 1) != 1)
			_exit(3);
		pause();
		_exit(0);
	}
	close(up[1]);
	if (read(up[0], &c, 1) != 1) {
		errno = ECHILD;
		die("the kernel's side did not fill its memory");
	}
	close(up[0]);
	before = vmstat_value("pswpout");
	snprintf(path, sizeof(path), "%s/memory.reclaim", cg);
	snprintf(buf, sizeof(buf), "%ld", pages / 2 * psize);
	t0 = now_ns();
	ret = write_str(path, buf);
	t = now_ns() - t0;
	*got = vmstat_value("pswpout") - before;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (ret && ret != -EAGAIN) {
		errno = -ret;
		die("memory.reclaim");
	}
	return *got / (t / 1e9);
}

static void bench_reclaim(const char *cg, int repeats)
{
	double e[MAX_REPEATS], k[MAX_REPEATS];
	long pool = dbg_value("node0/stats", "pool_pages");
	long pages = pool * 3 / 4, ge = 0, gk = 0;
	int r;

	if (pool <= 0) {
		errno = ENOENT;
		die(DBG "/node0/stats");
	}
	for (r = 0; r < repeats; r++) {
		e[r] = reclaim_edualloc(pages, &ge);
		k[r] = reclaim_kernel(cg, pages, &gk);
	}
	emit("reclaim", "edualloc", pages, ge, repeats, "pages_per_sec",
	     median(e, repeats));
	emit("reclaim", "kernel", pages, gk, repeats, "pages_per_sec",
	     median(k, repeats));
}

int main(int argc, char **argv)
{
	int quick = argc > 2 && !strcmp(argv[2], "--quick");
	int repeats = quick ? 3 : 7;
	const char *cg = argv[argc - 1];

	if (argc < 2 || (strcmp(argv[1], "fault") && strcmp(argv[1], "reclaim")) ||
	    (!strcmp(argv[1], "reclaim") && argc < 3 + quick)) {
		fprintf(stderr, "usage: %s fault [--quick] | %s\n", argv[0],
			"reclaim [--quick] CGROUP");
		return 2;
	}
	psize = sysconf(_SC_PAGESIZE);
	dev_fd = open("/dev/edualloc", O_RDWR | O_CLOEXEC);
	if (dev_fd < 0)
		die("/dev/edualloc");
	if (!strcmp(argv[1], "fault"))
		bench_fault(repeats);
	else
		bench_reclaim(cg, repeats);
	return 0;
}
