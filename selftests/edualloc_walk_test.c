// SPDX-License-Identifier: GPL-2.0-only
/*
 * Selftests of edualloc's page-table walker (EDU_IOC_WALK and friends).
 *
 * Run as root inside the test VM with the module loaded; SKIPs when
 * /dev/edualloc is absent.  The walker's answers are checked against
 * /proc/PID/pagemap, the kernel's own page-table walk: for every page,
 * present and frame number (bits 63 and 0-54) and swap (bit 62) must agree.
 * Pagemap is read before and after each walk, and a page whose pagemap
 * entry changed in between (NUMA balancing, khugepaged, reclaim) is not
 * judged.  The number of pages cross-checked is printed at the end.
 */
#include <cpuid.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

#include <linux/edualloc.h>

#include "kselftest_harness.h"
#include "edualloc_util.h"
#include "../include/edualloc_names.h"

#define DEV			"/dev/edualloc"
#define PM_PFN_MASK		((1ULL << 55) - 1)
#define PM_SWAP			0x4000000000000000ULL
#define PM_PRESENT		0x8000000000000000ULL
#define HPAGE			(2UL << 20)
#define NOBODY			65534

static size_t ps;
/* Pages cross-checked against pagemap, shared by the harness's forks. */
static __u64 *checked_total;

/* Targets for the classification tests. */
static int data_var = 42;
static char bss_big[64 * 4096];

static void __attribute__((constructor)) walk_test_init(void)
{
	ps = sysconf(_SC_PAGESIZE);
	checked_total = mmap(NULL, sizeof(*checked_total),
			     PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (checked_total == MAP_FAILED)
		checked_total = NULL;
	if (access(DEV, F_OK)) {
		ksft_print_header();
		ksft_set_plan(1);
		ksft_test_result_skip("%s is absent: load edualloc.ko\n", DEV);
		ksft_print_cnts();
		exit(KSFT_SKIP);
	}
}

static void __attribute__((destructor)) walk_test_fini(void)
{
	if (checked_total)
		ksft_print_msg("pagemap cross-check: %llu pages agreed with /proc/PID/pagemap\n",
			       (unsigned long long)*checked_total);
}

/* ------------------------------------------------------------ helpers -- */

static __u64 rnd_state;

static __u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static __u64 rnd_seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	rnd_state = (ts.tv_nsec ^ ((__u64)getpid() << 32)) | 1;
	return rnd_state;
}

static int walk_one(int fd, __u64 pid, __u64 addr, struct edu_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->pid = pid;
	w->addr = addr;
	return ioctl(fd, EDU_IOC_WALK, w) ? -errno : 0;
}

static int walk_range(int fd, __u64 pid, __u64 start, __u64 len,
		      struct edu_walk_page *pages, __u64 max,
		      struct edu_walk_range *out)
{
	struct edu_walk_range r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	r.start = start;
	r.len = len;
	r.pages = (uintptr_t)pages;
	r.max = max;
	ret = ioctl(fd, EDU_IOC_WALK_RANGE, &r) ? -errno : 0;
	if (out)
		*out = r;
	return ret;
}

static int pagemap_read(pid_t pid, uintptr_t addr, size_t n, __u64 *pm)
{
	char path[64];
	ssize_t got;
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagemap");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	got = pread(fd, pm, n * sizeof(*pm), addr / ps * sizeof(*pm));
	close(fd);
	return got == (ssize_t)(n * sizeof(*pm)) ? 0 : -EIO;
}

static bool result_in_memory(__u64 r)
{
	return r == EDU_WALK_PTE || r == EDU_WALK_PMD_LEAF ||
	       r == EDU_WALK_PUD_LEAF || r == EDU_WALK_PROT_NONE ||
	       r == EDU_WALK_NUMA_HINT;
}

/*
 * Walk @n pages at @addr of @pid (0: us) and compare every page with
 * pagemap, read before and after.  Returns the number of disagreements;
 * the walk is left in @pages (at least @n entries) if given.
 */
static int crosscheck(struct __test_metadata *_metadata, int fd, pid_t pid,
		      uintptr_t addr, size_t n, struct edu_walk_page *pages)
{
	__u64 *before, *after;
	struct edu_walk_page *w = pages;
	struct edu_walk_range r;
	size_t i, stable = 0;
	int bad = 0, ret;

	before = calloc(n, sizeof(*before));
	after = calloc(n, sizeof(*after));
	if (!w)
		w = calloc(n, sizeof(*w));
	if (!before || !after || !w)
		return -1;
	if (pagemap_read(pid, addr, n, before) ||
	    walk_range(fd, pid, addr, n * ps, w, n, &r) ||
	    pagemap_read(pid, addr, n, after) || r.nr != n) {
		TH_LOG("walk or pagemap read failed at %#lx", (long)addr);
		bad = 1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		__u64 pm = before[i], res = w[i].result;
		bool ok;

		if (pm != after[i])
			continue;	/* changed while we looked */
		stable++;
		if (w[i].addr != addr + i * ps) {
			ok = false;
		} else if (pm & PM_PRESENT) {
			ok = result_in_memory(res) &&
			     (!(pm & PM_PFN_MASK) ||
			      w[i].pfn == (pm & PM_PFN_MASK));
		} else if (pm & PM_SWAP) {
			ok = res == EDU_WALK_SWAPPED ||
			     res == EDU_WALK_MIGRATING || res == EDU_WALK_OTHER;
		} else {
			ok = res == EDU_WALK_NOT_PRESENT ||
			     res == EDU_WALK_NO_VMA;
		}
		if (!ok) {
			if (bad < 8)
				TH_LOG("page %#lx: pagemap %#llx, walk %llu/%llu pfn %#llx",
				       (long)(addr + i * ps),
				       (unsigned long long)pm,
				       (unsigned long long)res,
				       (unsigned long long)w[i].level,
				       (unsigned long long)w[i].pfn);
			bad++;
		}
	}
	if (stable * 4 < n * 3) {
		TH_LOG("only %zu of %zu pages held still", stable, n);
		bad++;
	}
	if (checked_total)
		__atomic_fetch_add(checked_total, stable, __ATOMIC_RELAXED);
out:
	ret = bad;
	free(before);
	free(after);
	if (w != pages)
		free(w);
	return ret;
}

/* Read a byte for real: a read fault, unlike a write, maps no new frame. */
static char touch_read(const char *p)
{
	char c = *p;

	asm volatile("" : : "r"(c) : "memory");
	return c;
}

static char *map_anon(size_t len, bool nohuge)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (nohuge)
		madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static int become_nobody(void)
{
	if (setresgid(NOBODY, NOBODY, NOBODY))
		return -1;
	return setresuid(NOBODY, NOBODY, NOBODY);
}

static int wait_exit(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ------------------------------------------------------------ fixture -- */

FIXTURE(walk) {
	int fd;
	struct edu_info info;
};

FIXTURE_SETUP(walk)
{
	self->fd = open(DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0)
		SKIP(return, "cannot open %s: %s", DEV, strerror(errno));
	memset(&self->info, 0, sizeof(self->info));
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_INFO, &self->info));
	if (!(self->info.caps & EDU_CAP_PFN))
		SKIP(return, "needs root (CAP_SYS_ADMIN) to compare frames");
}

FIXTURE_TEARDOWN(walk)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* ---------------------------------------------------------- mappings -- */

/* Random pages of anonymous memory, written, read (zero page) or not. */
TEST_F(walk, anon_random)
{
	const size_t n = 256;
	struct edu_walk_page *w = calloc(n, sizeof(*w));
	__u64 seed = rnd_seed();
	char *p = map_anon(n * ps, true);
	int touched[256];
	size_t i;

	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, w);
	TH_LOG("seed %#llx", (unsigned long long)seed);
	for (i = 0; i < n; i++) {
		touched[i] = rnd() % 3;	/* 0: not, 1: read, 2: written */
		if (touched[i] == 2)
			p[i * ps] = 1;
		else if (touched[i] == 1)
			touch_read(p + i * ps);
	}
	ASSERT_EQ(0, crosscheck(_metadata, self->fd, 0, (uintptr_t)p, n, w));
	for (i = 0; i < n; i++) {
		if (touched[i] == 0) {
			EXPECT_EQ(EDU_WALK_NOT_PRESENT, w[i].result);
		} else if (touched[i] == 1 && w[i].result == EDU_WALK_PTE) {
			EXPECT_EQ(EDU_PAGE_ZERO, w[i].kind);
			EXPECT_FALSE(w[i].flags & EDU_PTE_WRITE);
		} else if (touched[i] == 2 && w[i].result == EDU_WALK_PTE) {
			EXPECT_EQ(EDU_PAGE_ANON, w[i].kind);
			EXPECT_TRUE(w[i].flags & EDU_PTE_WRITE);
			EXPECT_TRUE(w[i].flags & EDU_PTE_DIRTY);
			EXPECT_TRUE(w[i].flags & EDU_PTE_USER);
			EXPECT_TRUE(w[i].flags & EDU_PTE_NX);
			EXPECT_EQ(1, w[i].mapcount);
		}
	}
	munmap(p, n * ps);
	free(w);
}

/* The type of the filesystem mounted over @path, from /proc/self/mounts. */
static void fs_type(const char *path, char *type, size_t size)
{
	char line[1024], mnt[512], fst[64];
	FILE *f = fopen("/proc/self/mounts", "r");
	size_t len, best = 0;

	snprintf(type, size, "?");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %511s %63s", mnt, fst) != 2)
			continue;
		len = strlen(mnt);
		if (strncmp(path, mnt, len) ||
		    (len > 1 && path[len] && path[len] != '/') || len < best)
			continue;
		best = len;
		snprintf(type, size, "%s", fst);
	}
	fclose(f);
}

static void file_test(struct __test_metadata *_metadata, int fd,
		      const char *dir)
{
	const size_t n = 64;
	struct edu_walk_page *w = calloc(n, sizeof(*w));
	char path[PATH_MAX], type[64], *buf, *p;
	struct edu_walk one;
	__u64 seed = rnd_seed();
	size_t i;
	int f;

	ASSERT_NE(NULL, w);
	snprintf(path, sizeof(path), "%s/edu_walk_XXXXXX", dir);
	f = mkstemp(path);
	ASSERT_LE(0, f) TH_LOG("mkstemp %s: %s", path, strerror(errno));
	unlink(path);
	fs_type(dir, type, sizeof(type));
	TH_LOG("a file in %s (%s), seed %#llx", dir, type,
	       (unsigned long long)seed);
	buf = malloc(n * ps);
	ASSERT_NE(NULL, buf);
	memset(buf, 'f', n * ps);
	ASSERT_EQ((ssize_t)(n * ps), write(f, buf, n * ps));
	free(buf);
	p = mmap(NULL, n * ps, PROT_READ, MAP_SHARED, f, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < n; i++)
		if (rnd() & 1)
			ASSERT_EQ('f', touch_read(p + i * ps));
	ASSERT_EQ(0, crosscheck(_metadata, fd, 0, (uintptr_t)p, n, w));
	for (i = 0; i < n; i++)
		if (w[i].result == EDU_WALK_PTE)
			EXPECT_EQ(EDU_PAGE_FILE, w[i].kind);
	ASSERT_EQ(0, walk_one(fd, 0, (uintptr_t)p, &one));
	EXPECT_EQ(EDU_VMA_CLASS_FILE, one.vm_class);
	munmap(p, n * ps);
	close(f);
	free(w);
}

TEST_F(walk, file_tmp)
{
	file_test(_metadata, self->fd, "/tmp");
}

/* A file on the project directory, 9p in the test VM: where we live. */
TEST_F(walk, file_project_dir)
{
	char exe[PATH_MAX], *slash;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	ASSERT_LT(0, len);
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	ASSERT_NE(NULL, slash);
	*slash = '\0';
	file_test(_metadata, self->fd, exe);
}

static int stack_check(struct __test_metadata *_metadata, int fd)
{
	char buf[32 * 4096];
	uintptr_t start = ((uintptr_t)buf + ps - 1) & ~(ps - 1);
	size_t i, n = (sizeof(buf) - ps) / ps;
	struct edu_walk w;
	int bad;

	for (i = 0; i < sizeof(buf); i += 3 * ps)
		buf[i] = 1;
	asm volatile("" : : "r"(buf) : "memory");	/* keep the stores */
	bad = crosscheck(_metadata, fd, 0, start, n, NULL);
	if (walk_one(fd, 0, (uintptr_t)buf, &w) ||
	    w.vm_class != EDU_VMA_CLASS_STACK ||
	    w.page.result != EDU_WALK_PTE || w.page.kind != EDU_PAGE_ANON) {
		TH_LOG("stack page: class %llu result %llu kind %llu",
		       (unsigned long long)w.vm_class,
		       (unsigned long long)w.page.result,
		       (unsigned long long)w.page.kind);
		bad++;
	}
	return bad;
}

TEST_F(walk, stack)
{
	ASSERT_EQ(0, stack_check(_metadata, self->fd));
}

/* AnonHugePages of the VMA starting at @start, in pages (-1: not found). */
static long smaps_anon_huge(uintptr_t start)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	unsigned long a, b, kb;
	bool in = false;
	char line[512];
	long ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &a, &b) == 2)
			in = a == start;
		else if (in && sscanf(line, "AnonHugePages: %lu kB", &kb) == 1)
			ret = kb * 1024 / ps;
	}
	fclose(f);
	return ret;
}

/* A transparent huge page, and the huge zero page. */
TEST_F(walk, thp)
{
	struct edu_walk_page *w = calloc(512, sizeof(*w));
	char *raw = map_anon(3 * HPAGE, false), *p, *q;
	struct edu_vma_list l;
	struct edu_vma v;
	struct edu_walk one;
	size_t i;

	ASSERT_NE(NULL, raw);
	ASSERT_NE(NULL, w);
	p = (char *)(((uintptr_t)raw + HPAGE - 1) & ~(HPAGE - 1));
	q = p + HPAGE;
	/* Debian's PREEMPT_RT kernel is built without THP (6.12: RT rules it out). */
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK))
		SKIP(goto out, "no transparent huge pages in this kernel");
	ASSERT_EQ(0, madvise(p, 2 * HPAGE, MADV_HUGEPAGE));
	p[0] = 1;
	ASSERT_EQ(0, walk_one(self->fd, 0, (uintptr_t)p + 5 * ps, &one));
	if (one.page.result != EDU_WALK_PMD_LEAF)
		SKIP(goto out, "no THP for this mapping (result %llu)",
		     (unsigned long long)one.page.result);
	EXPECT_EQ(EDU_LVL_PMD, one.page.level);
	EXPECT_EQ(EDU_ENTRY_LEAF, one.level[EDU_LVL_PMD].state);
	EXPECT_EQ(EDU_ENTRY_UNUSED, one.level[EDU_LVL_PTE].state);
	EXPECT_TRUE(one.page.flags & EDU_PTE_HUGE);
	EXPECT_EQ(EDU_PAGE_ANON, one.page.kind);
	EXPECT_EQ(one.level[EDU_LVL_PMD].next_pfn + 5, one.page.pfn);

	ASSERT_EQ(0, crosscheck(_metadata, self->fd, 0, (uintptr_t)p, 512, w));
	for (i = 0; i < 512; i++)
		if (w[i].result == EDU_WALK_PMD_LEAF)
			EXPECT_EQ(w[0].pfn + i, w[i].pfn);

	/* The VMA list counts the huge page, as smaps' AnonHugePages. */
	memset(&l, 0, sizeof(l));
	l.start = (uintptr_t)p;
	l.vmas = (uintptr_t)&v;
	l.max = 1;
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_VMA_LIST, &l));
	ASSERT_EQ(1, l.nr);
	EXPECT_LE(512, v.huge);
	EXPECT_EQ(smaps_anon_huge(v.start), (long)v.huge);

	/* Reading untouched THP memory maps the shared huge zero page. */
	touch_read(q);
	ASSERT_EQ(0, walk_one(self->fd, 0, (uintptr_t)q, &one));
	if (one.page.kind == EDU_PAGE_HUGE_ZERO) {
		EXPECT_EQ(EDU_WALK_PMD_LEAF, one.page.result);
		EXPECT_FALSE(one.page.flags & EDU_PTE_WRITE);
		ASSERT_EQ(0, crosscheck(_metadata, self->fd, 0, (uintptr_t)q,
					512, NULL));
	} else {
		TH_LOG("no huge zero page here (kind %llu)",
		       (unsigned long long)one.page.kind);
	}
out:
	munmap(raw, 3 * HPAGE);
	free(w);
}

/* ------------------------------------------------- changing mappings -- */

TEST_F(walk, mprotect_bits)
{
	const size_t n = 4;
	char *p = map_anon(n * ps, true);
	struct edu_walk w;
	__u64 pm;

	ASSERT_NE(NULL, p);
	memset(p, 1, n * ps);
	ASSERT_EQ(0, walk_one(self->fd, 0, (uintptr_t)p, &w));
	if (w.page.result == EDU_WALK_PTE) {
		EXPECT_TRUE(w.page.flags & EDU_PTE_PRESENT);
		EXPECT_TRUE(w.page.flags & EDU_PTE_WRITE);
		EXPECT_TRUE(w.level[EDU_LVL_PTE].flags & EDU_PTE_WRITE);
		EXPECT_TRUE(w.effective & EDU_PTE_WRITE);
	}

	ASSERT_EQ(0, mprotect(p, n * ps, PROT_READ));
	ASSERT_EQ(0, walk_one(self->fd, 0, (uintptr_t)p, &w));
	EXPECT_TRUE(w.page.result == EDU_WALK_PTE ||
		    w.page.result == EDU_WALK_NUMA_HINT);
	EXPECT_FALSE(w.page.flags & EDU_PTE_WRITE);
	EXPECT_FALSE(w.effective & EDU_PTE_WRITE);

	ASSERT_EQ(0, mprotect(p, n * ps, PROT_NONE));
	ASSERT_EQ(0, walk_one(self->fd, 0, (uintptr_t)p, &w));
	EXPECT_EQ(EDU_WALK_PROT_NONE, w.page.result);
	EXPECT_EQ(EDU_ENTRY_PROT_NONE, w.level[EDU_LVL_PTE].state);
	EXPECT_TRUE(w.page.flags & EDU_PTE_PROT_NONE);
	EXPECT_FALSE(w.page.flags & EDU_PTE_PRESENT);
	EXPECT_FALSE(w.page.flags & EDU_PTE_GLOBAL);
	EXPECT_EQ(0, w.effective);
	EXPECT_EQ(EDU_PAGE_ANON, w.page.kind);
	/* The frame is still there, and not the inverted bits of the PTE. */
	ASSERT_EQ(0, pagemap_read(0, (uintptr_t)p, 1, &pm));
	EXPECT_TRUE(pm & PM_PRESENT);
	EXPECT_EQ(pm & PM_PFN_MASK, w.page.pfn);
	ASSERT_EQ(0, crosscheck(_metadata, self->fd, 0, (uintptr_t)p, n, NULL));

	ASSERT_EQ(0, mprotect(p, n * ps, PROT_READ | PROT_WRITE));
	ASSERT_EQ(0, walk_one(self->fd, 0, (uintptr_t)p, &w));
	EXPECT_TRUE(result_in_memory(w.page.result));
	EXPECT_NE(EDU_WALK_PROT_NONE, w.page.result);
	munmap(p, n * ps);
}

TEST_F(walk, dontneed)
{
	const size_t n = 32;
	struct edu_walk_page w[32];
	char *p = map_anon(n * ps, true);
	size_t i;

	ASSERT_NE(NULL, p);
	memset(p, 1, n * ps);
	for (i = 0; i < n; i += 2)
		ASSERT_EQ(0, madvise(p + i * ps, ps, MADV_DONTNEED));
	ASSERT_EQ(0, crosscheck(_metadata, self->fd, 0, (uintptr_t)p, n, w));
	for (i = 0; i < n; i++) {
		bool gone = w[i].result == EDU_WALK_NOT_PRESENT;

		EXPECT_EQ(i % 2 == 0, gone) TH_LOG("page %zu: result %llu", i,
						   (unsigned long long)w[i].result);
	}
	munmap(p, n * ps);
}

/* Is any swap space on?  /proc/swaps has a header line. */
static bool have_swap(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[256];
	int lines = 0;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		lines++;
	fclose(f);
	return lines > 1;
}

static const char zram_up[] =
	"{ [ -e /sys/block/zram0 ] || modprobe zram num_devices=2 2>/dev/null; } &&\n"
	"echo 64M > /sys/block/zram0/disksize &&\n"
	"mkswap /dev/zram0 >/dev/null && swapon /dev/zram0";
static const char zram_down[] =
	"swapoff /dev/zram0 && echo 1 > /sys/block/zram0/reset";
/* A second area, preferred to the first: its swap type is 1. */
static const char zram_up2[] =
	"{ [ -e /sys/block/zram1 ] || cat /sys/class/zram-control/hot_add; } >/dev/null &&\n"
	"echo 64M > /sys/block/zram1/disksize &&\n"
	"mkswap /dev/zram1 >/dev/null && swapon -p 10 /dev/zram1";
static const char zram_down2[] =
	"swapoff /dev/zram1 && echo 1 > /sys/block/zram1/reset";

/*
 * Without swap space, make some on zram, in the test VM only: @areas (1 or
 * 2) areas.  NULL, or why not (for SKIP); *@made: the areas made, for
 * swap_unmake().
 */
static const char *swap_make(unsigned int areas, unsigned int *made)
{
	char host[64] = "";

	*made = 0;
	if (have_swap())
		return NULL;
	/* Load no module outside the throwaway test VM (scripts/vm). */
	gethostname(host, sizeof(host) - 1);
	if (strcmp(host, "edualloc-vm"))
		return "no swap space (and not in the test VM)";
	if (system(zram_up))
		return "no swap space, and no zram to make some";
	*made = 1;
	if (areas > 1 && !system(zram_up2))
		*made = 2;
	return NULL;
}

static int swap_unmake(unsigned int made)
{
	int ret = 0;

	if (made > 1 && system(zram_down2))
		ret = -1;
	if (made && system(zram_down))
		ret = -1;
	return ret;
}

/*
 * Swapped-out pages: the PTE holds a swap entry (area and slot) instead of
 * a frame.  Without swap space, the test makes some on a zram device, in
 * the test VM only, and takes it down again afterwards.
 */
TEST_F_TIMEOUT(walk, swap, 120)
{
	const size_t n = 16;
	struct edu_walk_page w[16];
	struct edu_vma_list l;
	struct edu_walk one;
	struct edu_vma v;
	__u64 pm[16];
	size_t i, swapped = 0;
	const char *why;
	unsigned int made;
	char *p;

	why = swap_make(1, &made);
	if (why)
		SKIP(return, "%s", why);
	p = map_anon(n * ps, true);
	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i++)
		memset(p + i * ps, 'a' + i, ps);
	if (madvise(p, n * ps, MADV_PAGEOUT))
		TH_LOG("MADV_PAGEOUT: %s", strerror(errno));
	EXPECT_EQ(0, crosscheck(_metadata, self->fd, 0, (uintptr_t)p, n, w));
	EXPECT_EQ(0, pagemap_read(0, (uintptr_t)p, n, pm));
	for (i = 0; i < n; i++) {
		if (w[i].result != EDU_WALK_SWAPPED || !(pm[i] & PM_SWAP))
			continue;
		swapped++;
		/* pagemap packs a swap entry as type | offset << 5. */
		EXPECT_EQ(pm[i] & 0x1f, w[i].swap_type);
		EXPECT_EQ((pm[i] & PM_PFN_MASK) >> 5, w[i].swap_offset);
		EXPECT_EQ(0, w[i].pfn);
		EXPECT_FALSE(w[i].flags & EDU_PTE_PRESENT);
	}
	TH_LOG("%zu of %zu pages swapped out", swapped, n);
	EXPECT_LT(0, swapped);

	EXPECT_EQ(0, walk_one(self->fd, 0, (uintptr_t)p, &one));
	if (one.page.result == EDU_WALK_SWAPPED) {
		EXPECT_EQ(EDU_ENTRY_NOT_PRESENT, one.level[EDU_LVL_PTE].state);
		EXPECT_EQ(0, one.phys);
		EXPECT_EQ(0, one.effective);
	}
	memset(&l, 0, sizeof(l));
	l.start = (uintptr_t)p;
	l.vmas = (uintptr_t)&v;
	l.max = 1;
	EXPECT_EQ(0, ioctl(self->fd, EDU_IOC_VMA_LIST, &l));
	EXPECT_LE(swapped, v.swapped);

	/* Touching them swaps them back in, contents intact. */
	for (i = 0; i < n; i++)
		EXPECT_EQ('a' + (int)i, touch_read(p + i * ps));
	EXPECT_EQ(0, crosscheck(_metadata, self->fd, 0, (uintptr_t)p, n, w));
	for (i = 0; i < n; i++)
		EXPECT_TRUE(result_in_memory(w[i].result));
	munmap(p, n * ps);
	if (made)
		EXPECT_EQ(0, swap_unmake(made));
}

/* ------------------------------------------------------------- VMAs -- */

static int read_maps(char *buf, size_t size)
{
	int fd = open("/proc/self/maps", O_RDONLY);
	size_t len = 0;
	ssize_t got;

	if (fd < 0)
		return -1;
	while ((got = read(fd, buf + len, size - 1 - len)) > 0)
		len += got;
	close(fd);
	buf[len] = '\0';
	return got < 0 || len == size - 1 ? -1 : 0;
}

static int list_vmas(int fd, struct edu_vma *v, size_t max, size_t *nr)
{
	struct edu_vma_list l;

	memset(&l, 0, sizeof(l));
	*nr = 0;
	do {
		l.vmas = (uintptr_t)(v + *nr);
		l.max = max - *nr;
		if (!l.max || ioctl(fd, EDU_IOC_VMA_LIST, &l))
			return -1;
		*nr += l.nr;
		l.start = l.next;
	} while (l.next);
	return 0;
}

TEST_F(walk, vma_list_matches_maps)
{
	static char maps_a[1 << 17], maps_b[1 << 17];
	const size_t max = 1024;
	struct edu_vma *v = calloc(max, sizeof(*v));
	char *line, *save;
	size_t nr = 0, i = 0;
	int try;

	ASSERT_NE(NULL, v);
	/* Maps and list must describe the same moment: retry if not. */
	for (try = 0; try < 5; try++) {
		ASSERT_EQ(0, read_maps(maps_a, sizeof(maps_a)));
		ASSERT_EQ(0, list_vmas(self->fd, v, max, &nr));
		ASSERT_EQ(0, read_maps(maps_b, sizeof(maps_b)));
		if (!strcmp(maps_a, maps_b))
			break;
	}
	ASSERT_GT(5, try);

	for (line = strtok_r(maps_a, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		unsigned long start, end, ino;
		unsigned long long off;
		unsigned int maj, min;
		char perms[5], name[PATH_MAX] = "";
		char want[5];
		int pos = 0;

		int got = sscanf(line, "%lx-%lx %4s %llx %x:%x %lu %n", &start,
				 &end, perms, &off, &maj, &min, &ino, &pos);

		ASSERT_LE(7, got);
		if (pos)
			snprintf(name, sizeof(name), "%s", line + pos);
		/* The vsyscall page (LEGACY_VSYSCALL_XONLY kernels) is the
		 * gate area, shown by maps but not a VMA of the process.
		 */
		if (!strcmp(name, "[vsyscall]")) {
			i--;
			continue;
		}
		ASSERT_GT(nr, i) TH_LOG("maps has more lines than the list");
		snprintf(want, sizeof(want), "%c%c%c%c",
			 v[i].prot & EDU_VMA_READ ? 'r' : '-',
			 v[i].prot & EDU_VMA_WRITE ? 'w' : '-',
			 v[i].prot & EDU_VMA_EXEC ? 'x' : '-',
			 v[i].prot & EDU_VMA_SHARED ? 's' : 'p');
		EXPECT_EQ(start, v[i].start);
		EXPECT_EQ(end, v[i].end);
		EXPECT_STREQ(perms, want);
		EXPECT_EQ(off, v[i].offset);
		EXPECT_EQ(maj, v[i].dev_major);
		EXPECT_EQ(min, v[i].dev_minor);
		EXPECT_EQ(ino, v[i].inode);
		EXPECT_STREQ(name, v[i].name) TH_LOG("line: %s", line);
		EXPECT_GE((end - start) / ps, v[i].resident);
	}
	EXPECT_EQ(nr, i);
	TH_LOG("%zu VMAs agree with /proc/self/maps", i);
	free(v);
}

static __u64 class_of(int fd, const void *addr)
{
	struct edu_walk w;

	if (walk_one(fd, 0, (uintptr_t)addr, &w))
		return ~0ULL;
	return w.vm_class;
}

TEST_F(walk, vma_classes)
{
	char *heap = malloc(64), *anon = map_anon(4 * ps, true);
	struct edu_vma v;
	struct edu_vma_list l;
	int local = 1;

	ASSERT_NE(NULL, heap);
	ASSERT_NE(NULL, anon);
	memset(anon, 1, 4 * ps);
	data_var++;
	bss_big[sizeof(bss_big) / 2] = 1;
	EXPECT_EQ(EDU_VMA_CLASS_TEXT, class_of(self->fd, (void *)crosscheck));
	EXPECT_EQ(EDU_VMA_CLASS_DATA, class_of(self->fd, &data_var));
	EXPECT_EQ(EDU_VMA_CLASS_BSS,
		  class_of(self->fd, &bss_big[sizeof(bss_big) / 2]));
	EXPECT_EQ(EDU_VMA_CLASS_HEAP, class_of(self->fd, heap));
	EXPECT_EQ(EDU_VMA_CLASS_STACK, class_of(self->fd, &local));
	EXPECT_EQ(EDU_VMA_CLASS_ANON, class_of(self->fd, anon));
	EXPECT_EQ(EDU_VMA_CLASS_VDSO,
		  class_of(self->fd, (void *)getauxval(AT_SYSINFO_EHDR)));

	/* The VMA's counts agree with a walk of all its pages. */
	memset(&l, 0, sizeof(l));
	l.start = (uintptr_t)anon;
	l.vmas = (uintptr_t)&v;
	l.max = 1;
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_VMA_LIST, &l));
	ASSERT_EQ(1, l.nr);
	EXPECT_GE((uintptr_t)anon, v.start);
	EXPECT_LE((uintptr_t)anon + 4 * ps, v.end);
	EXPECT_EQ(EDU_VMA_CLASS_ANON, v.class);
	EXPECT_LE(4, v.resident);
	EXPECT_EQ(0, v.swapped);
	EXPECT_STREQ("", v.name);
	EXPECT_NE(0, l.next);
	if (v.end - v.start <= 4096 * ps) {
		struct edu_walk_page *pg = calloc(4096, sizeof(*pg));
		struct edu_walk_range r;

		ASSERT_NE(NULL, pg);
		ASSERT_EQ(0, walk_range(self->fd, 0, v.start, v.end - v.start,
					pg, 4096, &r));
		EXPECT_EQ(v.resident, r.resident);
		EXPECT_EQ(v.huge, r.huge);
		EXPECT_EQ(0, r.next);
		free(pg);
	}
	munmap(anon, 4 * ps);
	free(heap);
}

/* ------------------------------------------------- other processes -- */

TEST_F(walk, fork_child)
{
	const size_t n = 16;
	struct edu_walk_page mine[16], theirs[16];
	int c2p[2], p2c[2];
	char *p = map_anon(n * ps, true), c;
	pid_t pid;
	size_t i;

	ASSERT_NE(NULL, p);
	memset(p, 1, n * ps);
	ASSERT_EQ(0, pipe(c2p));
	ASSERT_EQ(0, pipe(p2c));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Write the first half: copy-on-write gives it new frames. */
		memset(p, 2, n / 2 * ps);
		if (write(c2p[1], "r", 1) != 1 || read(p2c[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(1, read(c2p[0], &c, 1));
	EXPECT_EQ(0, crosscheck(_metadata, self->fd, pid, (uintptr_t)p, n,
				theirs));
	EXPECT_EQ(0, crosscheck(_metadata, self->fd, 0, (uintptr_t)p, n, mine));
	for (i = 0; i < n; i++) {
		if (mine[i].result != EDU_WALK_PTE ||
		    theirs[i].result != EDU_WALK_PTE)
			continue;
		if (i < n / 2) {
			EXPECT_NE(mine[i].pfn, theirs[i].pfn);
			EXPECT_EQ(1, theirs[i].mapcount);
		} else {
			/* Still shared: one frame, two page tables. */
			EXPECT_EQ(mine[i].pfn, theirs[i].pfn);
			EXPECT_EQ(2, theirs[i].mapcount);
			EXPECT_FALSE(theirs[i].flags & EDU_PTE_WRITE);
		}
	}
	ASSERT_EQ(1, write(p2c[1], "q", 1));
	EXPECT_EQ(0, wait_exit(pid));
	/* Gone: its PID no longer names a process. */
	EXPECT_EQ(-ESRCH, walk_range(self->fd, pid, (uintptr_t)p, ps, mine, 1,
				     NULL));
	munmap(p, n * ps);
}

/*
 * PFNs are decided when the device is opened, as for pagemap: an opener
 * without CAP_SYS_ADMIN (here uid 0 with the capability dropped, so that
 * the 0600 device still opens) sees none, nor any kernel address.
 */
TEST_F(walk, unprivileged_opener)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct edu_walk_page pg[4];
		struct edu_layout lay;
		struct edu_pfn_info pi;
		struct edu_kwalk k;
		struct edu_info info = { 0 };
		struct edu_walk w;
		char *p = map_anon(4 * ps, true);
		unsigned int i;
		int fd;

		if (!p || edu_drop_sys_admin())
			_exit(1);
		memset(p, 1, 4 * ps);
		fd = open(DEV, O_RDWR);
		memset(&info, 0, sizeof(info));
		if (fd < 0 || ioctl(fd, EDU_IOC_INFO, &info) ||
		    (info.caps & EDU_CAP_PFN))
			_exit(2);
		if (walk_one(fd, 0, (uintptr_t)p, &w) ||
		    w.page.result != EDU_WALK_PTE || w.page.pfn || w.phys ||
		    !(w.page.flags & EDU_PTE_PRESENT))
			_exit(3);
		for (i = 0; i < EDU_NR_LEVELS; i++)
			if (w.level[i].table_pfn || w.level[i].next_pfn ||
			    (w.level[i].entry & 0x000ffffffffff000ULL))
				_exit(4);
		if (walk_range(fd, 0, (uintptr_t)p, 4 * ps, pg, 4, NULL))
			_exit(5);
		for (i = 0; i < 4; i++)
			if (pg[i].pfn || !result_in_memory(pg[i].result))
				_exit(5);
		memset(&lay, 0, sizeof(lay));
		if (ioctl(fd, EDU_IOC_LAYOUT, &lay) ||
		    !lay.region[EDU_REGION_USER].end ||
		    lay.region[EDU_REGION_DIRECT_MAP].start ||
		    lay.region[EDU_REGION_KERNEL_TEXT].end)
			_exit(6);
		memset(&k, 0, sizeof(k));
		k.which = EDU_KBUF_KMALLOC;
		if (!ioctl(fd, EDU_IOC_KWALK, &k) || errno != EPERM)
			_exit(7);
		memset(&pi, 0, sizeof(pi));
		pi.pfn = 1;
		if (!ioctl(fd, EDU_IOC_PFN_INFO, &pi) || errno != EPERM)
			_exit(8);
		/* The root-opened fd we inherited still sees frames. */
		if (walk_one(self->fd, 0, (uintptr_t)p, &w) || !w.page.pfn)
			_exit(9);
		_exit(0);
	}
	ASSERT_EQ(0, wait_exit(pid));
}

/* A child that becomes nobody, optionally dumpable, and waits. */
static pid_t spawn_nobody(bool dumpable, int ready[2])
{
	pid_t pid = fork();

	if (pid)
		return pid;
	if (become_nobody() ||
	    (dumpable && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)))
		_exit(1);
	if (write(ready[1], "r", 1) != 1)
		_exit(1);
	pause();
	_exit(0);
}

/*
 * The ptrace rules: a walker running as nobody may walk itself and another
 * dumpable nobody process, but not init (root) nor a nobody process that
 * is not dumpable (as after a uid change, until PR_SET_DUMPABLE).
 */
TEST_F(walk, ptrace_rules)
{
	int ready[2];
	pid_t plain, dumpable, walker;
	char c;

	ASSERT_EQ(0, pipe(ready));
	plain = spawn_nobody(false, ready);
	ASSERT_LE(0, plain);
	dumpable = spawn_nobody(true, ready);
	ASSERT_LE(0, dumpable);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(1, read(ready[0], &c, 1));

	walker = fork();
	ASSERT_LE(0, walker);
	if (!walker) {
		struct edu_vma_list l;
		struct edu_walk w;
		struct edu_vma v;

		if (become_nobody())
			_exit(1);
		if (walk_one(self->fd, 1, (uintptr_t)&data_var, &w) != -EACCES)
			_exit(2);
		if (walk_one(self->fd, plain, (uintptr_t)&data_var, &w) !=
		    -EACCES)
			_exit(3);
		if (walk_one(self->fd, dumpable, (uintptr_t)&data_var, &w))
			_exit(4);
		if (walk_one(self->fd, 0, (uintptr_t)&data_var, &w) ||
		    w.vm_class != EDU_VMA_CLASS_DATA)
			_exit(5);
		memset(&l, 0, sizeof(l));
		l.pid = 1;
		l.vmas = (uintptr_t)&v;
		l.max = 1;
		if (!ioctl(self->fd, EDU_IOC_VMA_LIST, &l) || errno != EACCES)
			_exit(6);
		_exit(0);
	}
	EXPECT_EQ(0, wait_exit(walker));
	kill(plain, SIGKILL);
	kill(dumpable, SIGKILL);
	wait_exit(plain);
	wait_exit(dumpable);
}

/* ------------------------------------- an exiting, non-dumpable target -- */

/* Is @cap in this thread's effective set? */
static bool cap_effective(unsigned int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return true;	/* cannot tell: assume the worst */
	return data[cap / 32].effective & (1U << (cap % 32));
}

#define EXIT_RACE_WALKERS_MAX	8

/* Shared by the walkers (threads), the spawner and its children. */
struct exit_race {
	pid_t target;		/* the child to walk, 0: none yet (__atomic) */
	bool stop;		/* __atomic */
	unsigned long walks;	/* __atomic: children wait for walks */
	unsigned long denied;	/* EACCES: before the child's exit_mm() */
	unsigned long gone;	/* ESRCH: after it */
	unsigned long leaked;	/* allowed: the bug */
	unsigned long other;	/* any other result */
	int other_err;
	unsigned long children;
	unsigned int walkers;
	bool child_failed;	/* a child could not make itself non-dumpable */
};

struct exit_walker {
	struct exit_race *r;
	int fd;
};

static void *exit_race_walker(void *arg)
{
	struct exit_walker *ew = arg;
	struct exit_race *r = ew->r;
	unsigned long denied = 0, gone = 0, leaked = 0, other = 0;
	struct edu_walk w;
	pid_t pid;
	int ret;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		pid = __atomic_load_n(&r->target, __ATOMIC_ACQUIRE);
		if (!pid)
			continue;
		ret = walk_one(ew->fd, pid, (uintptr_t)&data_var, &w);
		if (!ret) {
			leaked++;
		} else if (ret == -EACCES) {
			denied++;
		} else if (ret == -ESRCH) {
			gone++;
		} else {
			other++;
			__atomic_store_n(&r->other_err, ret, __ATOMIC_RELAXED);
		}
		__atomic_fetch_add(&r->walks, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&r->denied, denied, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->gone, gone, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->leaked, leaked, __ATOMIC_RELAXED);
	__atomic_fetch_add(&r->other, other, __ATOMIC_RELAXED);
	return NULL;
}

/*
 * A child that makes itself (and the address space it shares with its
 * parent) non-dumpable, offers itself to the walkers and exits once they
 * have had a few goes at it, so that some walks meet it in exit_mm().
 */
static int exit_race_child(void *arg)
{
	struct exit_race *r = arg;
	unsigned long w0, spins;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) ||
	    prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) {
		r->child_failed = true;
		_exit(1);
	}
	w0 = __atomic_load_n(&r->walks, __ATOMIC_RELAXED);
	__atomic_store_n(&r->target, syscall(SYS_gettid), __ATOMIC_RELEASE);
	for (spins = 0; spins < 1000000; spins++)
		if (__atomic_load_n(&r->walks, __ATOMIC_RELAXED) >=
		    w0 + 2 * r->walkers)
			break;
	_exit(0);
}

/*
 * The children, one at a time, for @secs seconds.  They share our address
 * space, as after vfork(), and we go on as soon as one lets go of it, on
 * its way out, without waiting to reap it (SIGCHLD ignored): several times
 * as many children a second as with fork() and waitpid().  The walkers
 * stay on a child until the next one replaces it.
 */
static int exit_race_spawn(struct exit_race *r, unsigned int secs)
{
	const size_t stack_size = 64 << 10;
	struct timespec t0, t;
	char *stack;

	stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED || signal(SIGCHLD, SIG_IGN) == SIG_ERR)
		return 4;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (clone(exit_race_child, stack + stack_size,
			  CLONE_VM | CLONE_VFORK | SIGCHLD, r) < 0)
			return 5;
		r->children++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < secs && !r->child_failed);
	return r->child_failed ? 6 : 0;
}

/*
 * As nobody without CAP_SYS_PTRACE: walker threads, and a process of our
 * own (small and single-threaded, quick to make children) for the targets.
 */
static int exit_race_run(struct exit_race *r, int fd, unsigned int secs)
{
	pthread_t th[EXIT_RACE_WALKERS_MAX];
	struct exit_walker ew = { .r = r, .fd = fd };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int i;
	pid_t pid;
	int ret;

	if (become_nobody())
		return 1;
	if (cap_effective(CAP_SYS_PTRACE) || cap_effective(CAP_SYS_ADMIN))
		return 2;
	/* One CPU for the children, the others walk. */
	r->walkers = cpus > 2 ? cpus - 1 : 1;
	if (r->walkers > EXIT_RACE_WALKERS_MAX)
		r->walkers = EXIT_RACE_WALKERS_MAX;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 3;
	if (!pid) {
		close(fd);
		_exit(exit_race_spawn(r, secs));
	}
	for (i = 0; i < r->walkers; i++)
		if (pthread_create(&th[i], NULL, exit_race_walker, &ew))
			break;
	ret = wait_exit(pid);
	__atomic_store_n(&r->stop, true, __ATOMIC_RELAXED);
	while (i--)
		pthread_join(th[i], NULL);
	return ret;
}

/*
 * The ptrace rules hold for a target that is exiting, as the kernel's
 * own check (task_still_dumpable()): the walker may hold the mm of a
 * target whose task->mm exit_mm() has just cleared, and that mm is not
 * dumpable.  Walkers as nobody hammer short-lived nobody children that
 * made themselves non-dumpable; every walk must be refused, EACCES while
 * the child has its mm, ESRCH once it has let go.  A race: how often a
 * broken check lets a walk through depends on timing: in the test VM, a
 * check that read dumpability from task->mm let 0.6 to 2.3 walks a second
 * through.  The run takes EDU_EXIT_RACE_SECS seconds (default 10).
 */
TEST_F_TIMEOUT(walk, ptrace_exiting_nondumpable, 120)
{
	const char *env = getenv("EDU_EXIT_RACE_SECS");
	unsigned int secs = env ? strtoul(env, NULL, 10) : 10;
	struct exit_race *r;
	pid_t pid;

	if (secs < 1 || secs > 60)
		secs = 10;
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r);
	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(exit_race_run(r, self->fd, secs));
	ASSERT_EQ(0, wait_exit(pid));
	TH_LOG("%lu children in %u s, walks of them: %lu allowed, %lu other",
	       r->children, secs, r->leaked, r->other);
	TH_LOG("and %lu refused (EACCES), %lu gone (ESRCH)", r->denied,
	       r->gone);
	EXPECT_EQ(0, r->leaked);
	EXPECT_EQ(0, r->other) TH_LOG("last error %d", r->other_err);
	/* The walks did meet the children alive and gone. */
	EXPECT_LT(0, r->denied);
	EXPECT_LT(0, r->gone);
	munmap(r, sizeof(*r));
}

/* --------------------------------------------------------------- race -- */

#define RACE_PAGES	64

struct race {
	char *area;		/* RACE_PAGES pages, churned */
	char *spare;		/* where mremap() moves it to and fro */
	bool stop;		/* __atomic: set by the walker */
	unsigned long rounds;
};

static void *race_mutator(void *arg)
{
	struct race *r = arg;
	size_t len = RACE_PAGES * ps;
	unsigned long i = 0;
	char *p;
	pid_t pid;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		switch (i++ % 4) {
		case 0:	/* fresh memory, half of it touched */
			p = mmap(r->area, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			if (p != MAP_FAILED)
				memset(p, 1, len / 2);
			break;
		case 1:	/* holes */
			munmap(r->area + (i % (RACE_PAGES - 4)) * ps, 4 * ps);
			madvise(r->area, len / 4, MADV_DONTNEED);
			break;
		case 2:	/* move away and back, then hold the spare slot */
			p = mremap(r->area, len, len,
				   MREMAP_MAYMOVE | MREMAP_FIXED, r->spare);
			if (p != MAP_FAILED)
				mremap(p, len, len,
				       MREMAP_MAYMOVE | MREMAP_FIXED, r->area);
			mmap(r->spare, len, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			     -1, 0);
			break;
		case 3:	/* copy the page tables, mark everything COW */
			pid = fork();
			if (!pid)
				_exit(0);
			if (pid > 0)
				waitpid(pid, NULL, 0);
			break;
		}
		r->rounds++;
	}
	return NULL;
}

TEST_F_TIMEOUT(walk, race_munmap_mremap_fork, 60)
{
	const size_t n = RACE_PAGES + 16;
	struct edu_walk_page *w = calloc(n, sizeof(*w));
	struct edu_vma *v = calloc(256, sizeof(*v));
	struct race r = { 0 };
	struct timespec t0, t;
	unsigned long walks = 0, bad = 0;
	struct edu_walk_range out;
	struct edu_walk one;
	pthread_t th;
	size_t i, nr;

	ASSERT_NE(NULL, w);
	ASSERT_NE(NULL, v);
	r.area = map_anon(RACE_PAGES * ps, false);
	r.spare = map_anon(RACE_PAGES * ps, false);
	ASSERT_NE(NULL, r.area);
	ASSERT_NE(NULL, r.spare);
	ASSERT_EQ(0, pthread_create(&th, NULL, race_mutator, &r));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		if (walk_range(self->fd, 0, (uintptr_t)r.area, n * ps, w, n,
			       &out) || out.nr != n) {
			bad++;
		} else {
			for (i = 0; i < n; i++) {
				if (w[i].addr != (uintptr_t)r.area + i * ps ||
				    !w[i].result || w[i].result > EDU_WALK_BAD ||
				    (result_in_memory(w[i].result) &&
				     !w[i].pfn))
					bad++;
			}
		}
		if (walk_one(self->fd, 0, (uintptr_t)r.area + ps, &one) ||
		    (result_in_memory(one.page.result) && !one.phys))
			bad++;
		if (list_vmas(self->fd, v, 256, &nr))
			bad++;
		walks++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < 2);
	__atomic_store_n(&r.stop, true, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	TH_LOG("%lu walks against %lu map changes", walks, r.rounds);
	EXPECT_EQ(0, bad);
	munmap(r.area, RACE_PAGES * ps);
	munmap(r.spare, RACE_PAGES * ps);
	free(w);
	free(v);
}

/* ---------------------------------------------------------- bad input -- */

TEST_F(walk, bad_input)
{
	const __u64 kaddr = 0xffff800000000000ULL;
	struct edu_walk_page pg[2];
	struct edu_walk_range r;
	struct edu_vma_list l;
	struct edu_pfn_info pi;
	struct edu_kwalk k;
	struct edu_walk w;
	struct edu_vma v;
	char *p = map_anon(ps, true);

	ASSERT_NE(NULL, p);
	/* PIDs: none such, out of range, a kernel thread (no user memory). */
	EXPECT_EQ(-ESRCH, walk_one(self->fd, INT_MAX, (uintptr_t)p, &w));
	EXPECT_EQ(-ESRCH, walk_one(self->fd, 1ULL << 40, (uintptr_t)p, &w));
	EXPECT_EQ(-ESRCH, walk_one(self->fd, -1ULL, (uintptr_t)p, &w));
	EXPECT_EQ(-ESRCH, walk_one(self->fd, 2, 0x1000, &w));	/* kthreadd */

	/* Kernel and non-canonical addresses are not user addresses. */
	EXPECT_EQ(-EINVAL, walk_one(self->fd, 0, kaddr, &w));
	EXPECT_EQ(-EINVAL, walk_one(self->fd, 0, -1ULL, &w));
	EXPECT_EQ(-EINVAL, walk_range(self->fd, 0, kaddr, ps, pg, 1, NULL));
	EXPECT_EQ(-EINVAL, walk_range(self->fd, 0, kaddr - ps, 2 * ps, pg, 2,
				      NULL));

	/* Ranges: empty, wrapping, no room, too much room. */
	EXPECT_EQ(-EINVAL, walk_range(self->fd, 0, (uintptr_t)p, 0, pg, 1,
				      NULL));
	EXPECT_EQ(-EINVAL, walk_range(self->fd, 0, (uintptr_t)p, -1ULL, pg, 1,
				      NULL));
	EXPECT_EQ(-EINVAL, walk_range(self->fd, 0, (uintptr_t)p, ps, pg, 0,
				      NULL));
	EXPECT_EQ(-EINVAL, walk_range(self->fd, 0, (uintptr_t)p, ps, pg,
				      EDU_WALK_RANGE_MAX + 1, NULL));
	EXPECT_EQ(-EINVAL, walk_range(self->fd, 0, (uintptr_t)p, ps, pg,
				      -1ULL, NULL));

	/* Bad pointers. */
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_WALK, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_WALK_RANGE, (void *)1));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-EFAULT, walk_range(self->fd, 0, (uintptr_t)p, ps,
				      (void *)8, 1, NULL));
	EXPECT_EQ(-EFAULT, walk_range(self->fd, 0, (uintptr_t)p, ps,
				      (void *)kaddr, 1, NULL));
	memset(&l, 0, sizeof(l));
	l.vmas = 8;
	l.max = 1;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_VMA_LIST, &l));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_LAYOUT, (void *)kaddr));
	EXPECT_EQ(EFAULT, errno);

	/* Reserved words must be zero. */
	memset(&w, 0, sizeof(w));
	w.addr = (uintptr_t)p;
	w.reserved[7] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_WALK, &w));
	EXPECT_EQ(EINVAL, errno);
	memset(&r, 0, sizeof(r));
	r.start = (uintptr_t)p;
	r.len = ps;
	r.pages = (uintptr_t)pg;
	r.max = 1;
	r.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_WALK_RANGE, &r));
	EXPECT_EQ(EINVAL, errno);
	memset(&l, 0, sizeof(l));
	l.vmas = (uintptr_t)&v;
	l.max = 1;
	l.reserved[5] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_VMA_LIST, &l));
	EXPECT_EQ(EINVAL, errno);
	memset(&pi, 0, sizeof(pi));
	pi.reserved[9] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_PFN_INFO, &pi));
	EXPECT_EQ(EINVAL, errno);
	memset(&k, 0, sizeof(k));
	k.which = EDU_KBUF_KMALLOC;
	k.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_KWALK, &k));
	EXPECT_EQ(EINVAL, errno);

	/* Counts and selectors out of range. */
	memset(&l, 0, sizeof(l));
	l.vmas = (uintptr_t)&v;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_VMA_LIST, &l));
	EXPECT_EQ(EINVAL, errno);
	l.max = EDU_VMA_MAX + 1;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_VMA_LIST, &l));
	EXPECT_EQ(EINVAL, errno);
	memset(&k, 0, sizeof(k));
	k.which = 3;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_KWALK, &k));
	EXPECT_EQ(EINVAL, errno);
	k.which = EDU_KBUF_VMALLOC;
	k.offset = EDU_KBUF_PAGES * ps;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_KWALK, &k));
	EXPECT_EQ(EINVAL, errno);

	/* A frame far beyond memory is simply nothing the kernel knows. */
	memset(&pi, 0, sizeof(pi));
	pi.pfn = 1ULL << 60;
	EXPECT_EQ(0, ioctl(self->fd, EDU_IOC_PFN_INFO, &pi));
	EXPECT_EQ(0, pi.flags);
	EXPECT_EQ(EDU_NODE_NONE, pi.nid);

	/* Unknown commands of the walker's range. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(EDU_IOC_MAGIC, 0x6f, struct edu_walk),
			    &w));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IOR(EDU_IOC_MAGIC, 0x50, struct edu_walk),
			    &w));
	EXPECT_EQ(ENOTTY, errno);

	/* An unmapped address is not an error: it is not mapped. */
	munmap(p, ps);
	EXPECT_EQ(0, walk_one(self->fd, 0, (uintptr_t)p, &w));
	EXPECT_EQ(EDU_WALK_NO_VMA, w.page.result);
	EXPECT_EQ(EDU_LVL_NONE, w.page.level);
	EXPECT_EQ(EDU_ENTRY_UNUSED, w.level[EDU_LVL_PGD].state);
}

/* ------------------------------------------------ levels and kernel -- */

TEST_F(walk, levels)
{
	char *p = map_anon(ps, true);
	uintptr_t a;
	struct edu_walk w;
	unsigned int top = self->info.pgtable_levels == 5 ? 48 : 39;

	ASSERT_NE(NULL, p);
	p[0] = 1;
	a = (uintptr_t)p;
	ASSERT_EQ(0, walk_one(self->fd, 0, a, &w));
	EXPECT_EQ(self->info.pgtable_levels, w.levels);
	EXPECT_EQ((a >> top) & 511, w.level[EDU_LVL_PGD].index);
	EXPECT_EQ(EDU_ENTRY_TABLE, w.level[EDU_LVL_PGD].state);
	if (w.levels == 5) {
		EXPECT_EQ(EDU_ENTRY_TABLE, w.level[EDU_LVL_P4D].state);
		EXPECT_EQ((a >> 39) & 511, w.level[EDU_LVL_P4D].index);
	} else {
		EXPECT_EQ(EDU_ENTRY_FOLDED, w.level[EDU_LVL_P4D].state);
	}
	EXPECT_EQ((a >> 30) & 511, w.level[EDU_LVL_PUD].index);
	EXPECT_EQ((a >> 21) & 511, w.level[EDU_LVL_PMD].index);
	EXPECT_EQ((a >> 12) & 511, w.level[EDU_LVL_PTE].index);
	EXPECT_EQ(EDU_ENTRY_LEAF, w.level[EDU_LVL_PTE].state);
	EXPECT_EQ(w.level[EDU_LVL_PTE].next_pfn, w.page.pfn);
	EXPECT_EQ(w.page.pfn * ps + (a & (ps - 1)), w.phys);
	/* Each table entry points at the frame holding the next table. */
	EXPECT_EQ(w.level[EDU_LVL_PUD].next_pfn,
		  w.level[EDU_LVL_PMD].table_pfn);
	EXPECT_EQ(w.level[EDU_LVL_PMD].next_pfn,
		  w.level[EDU_LVL_PTE].table_pfn);
	EXPECT_EQ(EDU_PTE_PRESENT | EDU_PTE_WRITE | EDU_PTE_USER |
		  EDU_PTE_NX, w.effective);
	munmap(p, ps);
}

/* Does /proc/cpuinfo list @flag (for the first CPU)?  -1: no flags line. */
static int cpuinfo_has(const char *flag)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192], *tok, *save;
	int ret = -1;

	if (!f)
		return -1;
	while (ret < 0 && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		ret = 0;
		strtok_r(line, ":", &save);
		while ((tok = strtok_r(NULL, " \t\n", &save)))
			if (!strcmp(tok, flag))
				ret = 1;
	}
	fclose(f);
	return ret;
}

/*
 * The paging mode the run is meant to test, from EDU_EXPECT_LEVELS (4 or
 * 5, set by scripts/check for each VM run): a run meant for 5-level paging
 * must fail if LA57 is lost, not test 4-level paging twice.  Two witnesses
 * besides the module: /proc/cpuinfo lists la57 only while the kernel uses
 * it (it clears the flag otherwise, as for no5lvl), and only 5-level
 * paging lets user space map above 47 bits when asked for.
 */
TEST_F(walk, expected_levels)
{
	const char *env = getenv("EDU_EXPECT_LEVELS");
	unsigned int eax, ebx, ecx = 0, edx;
	struct edu_layout lay;
	struct edu_walk w;
	int want, la57;
	char *p, *hi;

	if (!env || !*env)
		SKIP(return, "EDU_EXPECT_LEVELS is not set");
	want = atoi(env);
	ASSERT_TRUE(want == 4 || want == 5)
		TH_LOG("EDU_EXPECT_LEVELS=%s: 4 or 5", env);
	__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx);
	la57 = cpuinfo_has("la57");
	ASSERT_LE(0, la57) TH_LOG("no flags in /proc/cpuinfo");
	TH_LOG("want %d levels: module %llu, cpuinfo la57 %d, CPUID LA57 %d",
	       want, (unsigned long long)self->info.pgtable_levels, la57,
	       !!(ecx & (1U << 16)));
	EXPECT_EQ(want, self->info.pgtable_levels);
	EXPECT_EQ(want == 5, la57);

	hi = mmap((void *)(1UL << 50), ps, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hi);
	EXPECT_EQ(want == 5, (uintptr_t)hi >= (1UL << 47))
		TH_LOG("a mapping asked for at 1 << 50 is at %p", hi);
	munmap(hi, ps);

	p = map_anon(ps, true);
	ASSERT_NE(NULL, p);
	p[0] = 1;
	ASSERT_EQ(0, walk_one(self->fd, 0, (uintptr_t)p, &w));
	EXPECT_EQ(want, w.levels);
	EXPECT_EQ(want == 5 ? EDU_ENTRY_TABLE : EDU_ENTRY_FOLDED,
		  w.level[EDU_LVL_P4D].state);
	memset(&lay, 0, sizeof(lay));
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_LAYOUT, &lay));
	EXPECT_EQ(want, lay.levels);
	munmap(p, ps);
}

TEST_F(walk, pfn_info)
{
	char *p = map_anon(2 * ps, true);
	struct edu_pfn_info pi;
	struct edu_walk w;

	ASSERT_NE(NULL, p);
	p[0] = 1;
	touch_read(p + ps);
	ASSERT_EQ(0, walk_one(self->fd, 0, (uintptr_t)p, &w));
	ASSERT_EQ(EDU_WALK_PTE, w.page.result);
	memset(&pi, 0, sizeof(pi));
	pi.pfn = w.page.pfn;
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_PFN_INFO, &pi));
	EXPECT_TRUE(pi.flags & EDU_FRAME_VALID);
	EXPECT_TRUE(pi.flags & EDU_FRAME_ANON);
	EXPECT_FALSE(pi.flags & EDU_FRAME_POOL);
	EXPECT_EQ(w.page.nid, pi.nid);
	EXPECT_LE(1, pi.mapcount);

	/* The frame holding our PTE is a page table. */
	memset(&pi, 0, sizeof(pi));
	pi.pfn = w.level[EDU_LVL_PTE].table_pfn;
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_PFN_INFO, &pi));
	EXPECT_TRUE(pi.flags & EDU_FRAME_PGTABLE);

	/* A read of untouched memory maps the zero page. */
	ASSERT_EQ(0, walk_one(self->fd, 0, (uintptr_t)p + ps, &w));
	if (w.page.result == EDU_WALK_PTE) {
		EXPECT_EQ(EDU_PAGE_ZERO, w.page.kind);
		memset(&pi, 0, sizeof(pi));
		pi.pfn = w.page.pfn;
		ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_PFN_INFO, &pi));
		EXPECT_TRUE(pi.flags & EDU_FRAME_ZERO);
	}
	munmap(p, 2 * ps);
}

TEST_F(walk, kmalloc_vs_vmalloc)
{
	struct edu_region *dm, *vm;
	struct edu_layout lay;
	struct edu_kwalk k;
	__u64 pa0 = 0;
	unsigned int i;

	memset(&lay, 0, sizeof(lay));
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_LAYOUT, &lay));
	dm = &lay.region[EDU_REGION_DIRECT_MAP];
	vm = &lay.region[EDU_REGION_VMALLOC];
	for (i = 0; i < EDU_KBUF_PAGES; i++) {
		memset(&k, 0, sizeof(k));
		k.which = EDU_KBUF_KMALLOC;
		k.offset = i * ps + 12;
		ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_KWALK, &k));
		EXPECT_EQ(k.pa, k.phys);
		EXPECT_EQ(k.va - dm->start, k.pa);	/* pa = va - PAGE_OFFSET */
		EXPECT_TRUE(k.va >= dm->start && k.va < dm->end);
		EXPECT_EQ(EDU_PAGE_KERNEL, k.page.kind);
		EXPECT_FALSE(k.effective & EDU_PTE_USER);
		EXPECT_TRUE(k.effective & EDU_PTE_NX);
		if (!i)
			pa0 = k.pa - 12;
		EXPECT_EQ(pa0 + i * ps + 12, k.pa);	/* contiguous */

		memset(&k, 0, sizeof(k));
		k.which = EDU_KBUF_VMALLOC;
		k.offset = i * ps + 34;
		ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_KWALK, &k));
		EXPECT_EQ(k.pa, k.phys);
		EXPECT_EQ(EDU_WALK_PTE, k.page.result);
		EXPECT_TRUE(k.va >= vm->start && k.va < vm->end);
		EXPECT_EQ(34, k.pa & (ps - 1));
	}
}

TEST_F(walk, layout)
{
	struct edu_layout lay;
	struct edu_region *r;
	struct edu_walk w;
	__u64 user_end;

	memset(&lay, 0, sizeof(lay));
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_LAYOUT, &lay));
	r = lay.region;
	EXPECT_EQ(self->info.pgtable_levels, lay.levels);
	EXPECT_EQ(EDU_NR_REGIONS, lay.nr_regions);
	user_end = (1ULL << (lay.levels == 5 ? 56 : 47)) - ps;
	EXPECT_EQ(user_end, r[EDU_REGION_USER].end);
	EXPECT_LT(r[EDU_REGION_USER].end, r[EDU_REGION_DIRECT_MAP].start);
	EXPECT_LT(r[EDU_REGION_DIRECT_MAP].start, r[EDU_REGION_VMALLOC].start);
	EXPECT_LT(r[EDU_REGION_VMALLOC].end, r[EDU_REGION_VMEMMAP].start);
	EXPECT_LE(r[EDU_REGION_KERNEL_IMAGE].start,
		  r[EDU_REGION_KERNEL_TEXT].start);
	EXPECT_LT(r[EDU_REGION_KERNEL_TEXT].start,
		  r[EDU_REGION_KERNEL_TEXT].end);
	EXPECT_LE(r[EDU_REGION_KERNEL_TEXT].end,
		  r[EDU_REGION_KERNEL_IMAGE].end);
	EXPECT_LE(r[EDU_REGION_MODULES].start,
		  r[EDU_REGION_THIS_MODULE].start);
	EXPECT_LT(r[EDU_REGION_THIS_MODULE].start,
		  r[EDU_REGION_THIS_MODULE].end);
	EXPECT_LE(r[EDU_REGION_THIS_MODULE].end, r[EDU_REGION_MODULES].end);
	EXPECT_LT(r[EDU_REGION_MODULES].end, r[EDU_REGION_FIXMAP].end);
	/* The last user page is a user address, the next one is not. */
	EXPECT_EQ(0, walk_one(self->fd, 0, user_end - 1, &w));
	EXPECT_EQ(-EINVAL, walk_one(self->fd, 0, user_end, &w));
}

/*
 * Whether the two reserved words that end each of @n elements of @size
 * bytes at @elems are zero; logs the first that is not.
 */
static bool tail_zero(struct __test_metadata *_metadata, const char *what,
		      const void *elems, size_t n, size_t size)
{
	const unsigned char *p = elems;
	const __u64 *r;
	size_t i;

	for (i = 0; i < n; i++) {
		r = (const __u64 *)(p + (i + 1) * size) - 2;
		if (r[0] || r[1]) {
			TH_LOG("%s[%zu].reserved: %#llx %#llx", what, i,
			       (unsigned long long)r[0],
			       (unsigned long long)r[1]);
			return false;
		}
	}
	return true;
}

static_assert(offsetof(struct edu_walk_level, reserved) + 16 ==
	      sizeof(struct edu_walk_level), "reserved[2] ends it");
/* Outside an area, @area is zero too: the two words that end it. */
static_assert(offsetof(struct edu_walk_page, area) + 16 ==
	      sizeof(struct edu_walk_page), "area, reserved[1] end it");
static_assert(offsetof(struct edu_region, reserved) + 16 ==
	      sizeof(struct edu_region), "reserved[2] ends it");
static_assert(offsetof(struct edu_vma, reserved) + 32 ==
	      sizeof(struct edu_vma), "reserved[4] ends it");

/*
 * The array elements end in reserved words the module only writes: they
 * come back zero, whatever the caller's memory held before.
 */
TEST_F(walk, reserved_words_out_are_zero)
{
	const size_t n = 64;
	struct edu_walk_page *pg = calloc(n, sizeof(*pg));
	char *p = map_anon(n * ps, true);
	struct edu_walk_range r;
	struct edu_layout lay;
	struct edu_kwalk k;
	struct edu_walk w;
	size_t i;

	ASSERT_NE(NULL, pg);
	ASSERT_NE(NULL, p);
	/* Written, read (zero page), never touched, and a hole. */
	for (i = 0; i < n; i += 3)
		p[i * ps] = 1;
	for (i = 1; i < n; i += 3)
		touch_read(p + i * ps);
	ASSERT_EQ(0, munmap(p + (n - 8) * ps, 8 * ps));

	for (i = 0; i < 3; i++) {
		memset(&w, 0xff, sizeof(w));
		memset(w.reserved, 0, sizeof(w.reserved));
		w.pid = 0;
		w.addr = (uintptr_t)p + (i ? (i == 1 ? 2 : n - 1) * ps : 0);
		ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_WALK, &w));
		EXPECT_TRUE(tail_zero(_metadata, "level", w.level,
				      EDU_NR_LEVELS, sizeof(w.level[0])));
		EXPECT_TRUE(tail_zero(_metadata, "page", &w.page, 1,
				      sizeof(w.page)));
	}
	EXPECT_EQ(EDU_WALK_NO_VMA, w.page.result);

	memset(pg, 0xff, n * sizeof(*pg));
	ASSERT_EQ(0, walk_range(self->fd, 0, (uintptr_t)p, n * ps, pg, n, &r));
	ASSERT_EQ(n, r.nr);
	EXPECT_TRUE(tail_zero(_metadata, "pages", pg, n, sizeof(*pg)));

	for (i = 0; i < 2; i++) {
		memset(&k, 0xff, sizeof(k));
		memset(k.reserved, 0, sizeof(k.reserved));
		k.which = i ? EDU_KBUF_VMALLOC : EDU_KBUF_KMALLOC;
		k.offset = ps + 5;
		ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_KWALK, &k));
		EXPECT_TRUE(tail_zero(_metadata, "level", k.level,
				      EDU_NR_LEVELS, sizeof(k.level[0])));
		EXPECT_TRUE(tail_zero(_metadata, "page", &k.page, 1,
				      sizeof(k.page)));
	}

	/* EDU_IOC_LAYOUT reads nothing: all of it is output. */
	memset(&lay, 0xff, sizeof(lay));
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_LAYOUT, &lay));
	EXPECT_TRUE(tail_zero(_metadata, "region", lay.region,
			      EDU_REGION_SLOTS, sizeof(lay.region[0])));
	for (i = 0; i < ARRAY_SIZE(lay.reserved); i++)
		EXPECT_EQ(0, lay.reserved[i]);

	/* Each VMA of the list, the caller's memory full of ones before. */
	{
		struct edu_vma v[16];
		struct edu_vma_list l;
		size_t j;

		memset(v, 0xff, sizeof(v));
		memset(&l, 0, sizeof(l));
		l.vmas = (uintptr_t)v;
		l.max = ARRAY_SIZE(v);
		ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_VMA_LIST, &l));
		ASSERT_LT(0, l.nr);
		for (i = 0; i < l.nr; i++)
			for (j = 0; j < ARRAY_SIZE(v[i].reserved); j++)
				EXPECT_EQ(0, v[i].reserved[j])
					TH_LOG("vma[%zu].reserved[%zu]", i, j);
	}

	munmap(p, (n - 8) * ps);
	free(pg);
}

static int dbg_write(const char *file, const char *text)
{
	char path[128];
	ssize_t ret;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/edualloc/%s", file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, text, strlen(text));
	ret = ret < 0 ? -errno : 0;
	close(fd);
	return ret;
}

static int dbg_read(const char *file, char *buf, size_t size)
{
	char path[128];
	size_t len = 0;
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/edualloc/%s", file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while (len < size - 1 && (got = read(fd, buf + len, size - 1 - len)) > 0)
		len += got;
	close(fd);
	buf[len] = '\0';
	return 0;
}

/* The debugfs views: walk_target, walk, maps, layout and kbuf. */
TEST_F(walk, debugfs)
{
	static char buf[1 << 16];
	char target[64], want[64];
	char *p = map_anon(ps, true);

	ASSERT_NE(NULL, p);
	p[0] = 1;
	if (access("/sys/kernel/debug/edualloc/walk_target", F_OK))
		SKIP(return, "no debugfs files (is debugfs mounted?)");
	snprintf(target, sizeof(target), "%d %lx\n", getpid(), (long)p);
	ASSERT_EQ(0, dbg_write("walk_target", target));
	ASSERT_EQ(0, dbg_read("walk_target", buf, sizeof(buf)));
	snprintf(want, sizeof(want), "%d %#lx\n", getpid(), (long)p);
	EXPECT_STREQ(want, buf);
	ASSERT_EQ(0, dbg_read("walk", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "PTE["));
	EXPECT_NE(NULL, strstr(buf, "anonymous memory"));
	EXPECT_NE(NULL, strstr(buf, "physical address: 0x"));
	ASSERT_EQ(0, dbg_read("maps", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "[stack]"));
	EXPECT_NE(NULL, strstr(buf, " text "));
	ASSERT_EQ(0, dbg_read("layout", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "direct map of all RAM"));
	ASSERT_EQ(0, dbg_read("kbuf", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "vmalloc"));
	EXPECT_EQ(NULL, strstr(buf, "MISMATCH"));

	/* Bad targets are refused; a PID alone is fine. */
	EXPECT_EQ(-EINVAL, dbg_write("walk_target", "x 1000"));
	EXPECT_EQ(-EINVAL, dbg_write("walk_target", "-5"));
	EXPECT_EQ(-EINVAL, dbg_write("walk_target", "1 zz"));
	EXPECT_EQ(-ESRCH, dbg_write("walk_target", "2147483647"));
	EXPECT_EQ(0, dbg_write("walk_target", "0"));
	ASSERT_EQ(0, dbg_read("walk", buf, sizeof(buf)));
	EXPECT_NE(NULL, strstr(buf, "no address"));
	munmap(p, ps);
}

/* ------------------------------------ openers without CAP_SYS_ADMIN -- */

/* Frame bits of a table entry (PTE_PFN_MASK: 52-bit physical addresses). */
#define ENTRY_PFN_BITS		0x000ffffffffff000ULL
/*
 * A swap PTE on x86-64 (asm/pgtable_64.h): the type in bits 59-63, the
 * slot inverted (L1TF) in bits 9-58, flags below.
 */
#define SWP_FLAG_BITS		0x1ffULL
#define SWP_PTE_TYPE(e)		((e) >> 59)
#define SWP_PTE_OFFSET(e)	((~(e) << 5) >> 14)

/*
 * Open the device with CAP_SYS_ADMIN out of the effective set, which is
 * what the module asks at open(), then take it back.  -1 on failure.
 */
static int open_without_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2], saved[2];
	int fd, err;

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	memcpy(saved, data, sizeof(saved));
	data[CAP_SYS_ADMIN / 32].effective &= ~(1U << (CAP_SYS_ADMIN % 32));
	if (syscall(SYS_capset, &hdr, data))
		return -1;
	fd = open(DEV, O_RDWR | O_CLOEXEC);
	err = errno;
	if (syscall(SYS_capset, &hdr, saved)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	errno = err;
	return fd;
}

/*
 * Read debugfs file @file as uid 0 without CAP_SYS_ADMIN (dropped from
 * every set, in a child) into @buf, which must be shared memory.
 */
static int dbg_read_no_admin(const char *file, char *buf, size_t size)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (edu_drop_sys_admin() || cap_effective(CAP_SYS_ADMIN) ||
		    getuid() != 0)
			_exit(1);
		_exit(dbg_read(file, buf, size) ? 2 : 0);
	}
	return wait_exit(pid);
}

/*
 * The raw entry of every level line ("  PTE[ 12]  0x...") of a debugfs
 * walk view, by level; entries not shown stay ~0.  The number of lines.
 */
static int dbg_walk_entries(const char *text, __u64 *entry)
{
	const char *line;
	unsigned long long v;
	unsigned int i, idx;
	char name[8];
	int n = 0;

	for (i = 0; i < EDU_NR_LEVELS; i++)
		entry[i] = ~0ULL;
	for (line = text; line; line = strchr(line, '\n')) {
		line += *line == '\n';
		if (sscanf(line, " %3[A-Z4][%u] 0x%llx", name, &idx, &v) != 3)
			continue;
		for (i = 0; i < EDU_NR_LEVELS; i++)
			if (!strcmp(name, edu_level_names[i]))
				entry[i] = v;
		n++;
	}
	return n;
}

/*
 * A swapped-out page: a privileged opener sees its swap area and slot, as
 * pagemap does, and the slot in the raw PTE; an opener without
 * CAP_SYS_ADMIN sees that it is swapped out, with the same flags, but
 * neither area nor slot, in the page or in the raw entries.  The debugfs
 * walk view says the same to a reader without CAP_SYS_ADMIN.  With swap
 * made here, two areas, the second preferred: the slots are in area 1, so
 * that a hidden area (0) differs from the real one.
 */
TEST_F_TIMEOUT(walk, swap_slots_hidden, 120)
{
	const size_t n = 16;
	struct edu_walk_page wp[16], wu[16];
	struct edu_walk_range rp, ru;
	struct edu_walk op, ou;
	struct edu_info info = { 0 };
	__u64 pm[16], pm2[16], pte, ep[EDU_NR_LEVELS], eu[EDU_NR_LEVELS];
	const size_t size = 1 << 16;
	size_t i, k = n, swapped = 0;
	char *p, *buf, want[128], target[64];
	unsigned int made, l;
	const char *why;
	int ufd;

	why = swap_make(2, &made);
	if (why)
		SKIP(return, "%s", why);
	ufd = open_without_sys_admin();
	ASSERT_LE(0, ufd) TH_LOG("open without CAP_SYS_ADMIN: %s",
				 strerror(errno));
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, ioctl(ufd, EDU_IOC_INFO, &info));
	ASSERT_FALSE(info.caps & EDU_CAP_PFN);
	p = map_anon(n * ps, true);
	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i++)
		memset(p + i * ps, 'A' + i, ps);
	if (madvise(p, n * ps, MADV_PAGEOUT))
		TH_LOG("MADV_PAGEOUT: %s", strerror(errno));

	ASSERT_EQ(0, pagemap_read(0, (uintptr_t)p, n, pm));
	ASSERT_EQ(0, walk_range(self->fd, 0, (uintptr_t)p, n * ps, wp, n,
				&rp));
	ASSERT_EQ(0, walk_range(ufd, 0, (uintptr_t)p, n * ps, wu, n, &ru));
	ASSERT_EQ(0, pagemap_read(0, (uintptr_t)p, n, pm2));
	for (i = 0; i < n; i++) {
		if (pm[i] != pm2[i] || !(pm[i] & PM_SWAP) ||
		    wp[i].result != EDU_WALK_SWAPPED)
			continue;
		if (k == n)
			k = i;
		swapped++;
		EXPECT_EQ(pm[i] & 0x1f, wp[i].swap_type);
		EXPECT_EQ((pm[i] & PM_PFN_MASK) >> 5, wp[i].swap_offset);
		EXPECT_NE(0, wp[i].swap_offset);	/* slot 0: the header */
		if (made == 2)
			EXPECT_EQ(1, wp[i].swap_type);
		EXPECT_EQ(EDU_WALK_SWAPPED, wu[i].result);
		EXPECT_EQ(wp[i].level, wu[i].level);
		EXPECT_EQ(wp[i].flags, wu[i].flags);
		EXPECT_EQ(0, wu[i].swap_type) TH_LOG("page %zu", i);
		EXPECT_EQ(0, wu[i].swap_offset) TH_LOG("page %zu", i);
		EXPECT_EQ(0, wu[i].pfn);
	}
	TH_LOG("%zu of %zu pages swapped out, %u swap area(s) made", swapped,
	       n, made);
	ASSERT_LT(0, swapped);
	/* How many pages are in swap is no secret. */
	EXPECT_EQ(rp.swapped, ru.swapped);

	/* One page, every level: the slot is in the raw PTE, or not. */
	ASSERT_EQ(0, walk_one(self->fd, 0, (uintptr_t)p + k * ps, &op));
	ASSERT_EQ(0, walk_one(ufd, 0, (uintptr_t)p + k * ps, &ou));
	ASSERT_EQ(EDU_WALK_SWAPPED, op.page.result);
	ASSERT_EQ(EDU_WALK_SWAPPED, ou.page.result);
	ASSERT_EQ(EDU_ENTRY_NOT_PRESENT, op.level[EDU_LVL_PTE].state);
	pte = op.level[EDU_LVL_PTE].entry;
	EXPECT_EQ(wp[k].swap_type, SWP_PTE_TYPE(pte));
	EXPECT_EQ(wp[k].swap_offset, SWP_PTE_OFFSET(pte));
	EXPECT_EQ(pte & SWP_FLAG_BITS, ou.level[EDU_LVL_PTE].entry);
	EXPECT_EQ(0, ou.page.swap_type);
	EXPECT_EQ(0, ou.page.swap_offset);
	EXPECT_EQ(0, ou.phys);
	for (l = 0; l < EDU_NR_LEVELS; l++) {
		EXPECT_EQ(op.level[l].state, ou.level[l].state);
		EXPECT_EQ(op.level[l].flags, ou.level[l].flags);
		EXPECT_EQ(0, ou.level[l].table_pfn) TH_LOG("level %u", l);
		EXPECT_EQ(0, ou.level[l].next_pfn) TH_LOG("level %u", l);
		if (l != EDU_LVL_PTE)
			EXPECT_EQ(op.level[l].entry & ~ENTRY_PFN_BITS,
				  ou.level[l].entry) TH_LOG("level %u", l);
	}

	/*
	 * The debugfs walk view, read without CAP_SYS_ADMIN first: by a
	 * child, and fork() clears the "exclusive" bit of our swap PTEs.
	 */
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	snprintf(target, sizeof(target), "%d %lx", getpid(),
		 (long)(p + k * ps));
	if (dbg_write("walk_target", target))
		SKIP(goto out, "no debugfs walk_target");
	ASSERT_EQ(0, dbg_read_no_admin("walk", buf, size));
	EXPECT_NE(NULL, strstr(buf, "result: swapped out\n")) TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strstr(buf, "slot")) TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strstr(buf, "frame")) TH_LOG("%s", buf);
	ASSERT_LT(0, dbg_walk_entries(buf, eu));
	for (l = 0; l < EDU_NR_LEVELS; l++)
		if (eu[l] != ~0ULL)
			EXPECT_EQ(0, eu[l] & ENTRY_PFN_BITS) TH_LOG("%s", buf);
	ASSERT_EQ(0, dbg_read("walk", buf, size));
	snprintf(want, sizeof(want), "swapped out to swap area %llu, slot %#llx\n",
		 (unsigned long long)wp[k].swap_type,
		 (unsigned long long)wp[k].swap_offset);
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	ASSERT_LT(0, dbg_walk_entries(buf, ep));
	EXPECT_EQ(wp[k].swap_offset, SWP_PTE_OFFSET(ep[EDU_LVL_PTE]));
	EXPECT_EQ(ep[EDU_LVL_PTE] & SWP_FLAG_BITS, eu[EDU_LVL_PTE])
		TH_LOG("%s", buf);
out:
	dbg_write("walk_target", "0");
	munmap(buf, size);
	munmap(p, n * ps);
	close(ufd);
	if (made)
		EXPECT_EQ(0, swap_unmake(made));
}

/*
 * EDU_IOC_LAYOUT: an opener without CAP_SYS_ADMIN gets the paging mode and
 * where user space ends, and zero in every other byte of the structure -
 * every region, the unused slots, the reserved words - while a privileged
 * opener gets every kernel region, non-empty, in the kernel half.
 */
TEST_F(walk, layout_hidden)
{
	const __u64 kernel_half = self->info.pgtable_levels == 5 ?
				  0xff00000000000000ULL : 0xffff800000000000ULL;
	struct edu_layout lp, lu, want;
	struct edu_info info = { 0 };
	unsigned int i;
	int ufd = open_without_sys_admin();

	ASSERT_LE(0, ufd);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, ioctl(ufd, EDU_IOC_INFO, &info));
	ASSERT_FALSE(info.caps & EDU_CAP_PFN);
	/* Garbage in, so that a field the module leaves alone shows. */
	memset(&lp, 0xa5, sizeof(lp));
	memset(&lu, 0xa5, sizeof(lu));
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_LAYOUT, &lp));
	ASSERT_EQ(0, ioctl(ufd, EDU_IOC_LAYOUT, &lu));
	close(ufd);

	EXPECT_EQ(self->info.pgtable_levels, lp.levels);
	EXPECT_EQ(EDU_NR_REGIONS, lp.nr_regions);
	EXPECT_EQ(0, lp.region[EDU_REGION_USER].start);
	EXPECT_NE(0, lp.region[EDU_REGION_USER].end);
	for (i = 1; i < EDU_NR_REGIONS; i++) {
		EXPECT_LE(kernel_half, lp.region[i].start) TH_LOG("region %u", i);
		EXPECT_LT(lp.region[i].start, lp.region[i].end)
			TH_LOG("region %u", i);
	}

	memset(&want, 0, sizeof(want));
	want.levels = lp.levels;
	want.nr_regions = lp.nr_regions;
	want.region[EDU_REGION_USER].end = lp.region[EDU_REGION_USER].end;
	for (i = 0; i < EDU_REGION_SLOTS; i++) {
		EXPECT_EQ(want.region[i].start, lu.region[i].start)
			TH_LOG("region %u", i);
		EXPECT_EQ(want.region[i].end, lu.region[i].end)
			TH_LOG("region %u", i);
		if (i >= EDU_NR_REGIONS)
			EXPECT_EQ(0, lp.region[i].start | lp.region[i].end);
	}
	/* And every byte, reserved words and all. */
	EXPECT_EQ(0, memcmp(&want, &lu, sizeof(want)));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, lp.reserved[i]);
}

/* Does the text have a hexadecimal number in the kernel half? */
static bool has_kernel_address(const char *text, __u64 kernel_half)
{
	const char *s;

	for (s = text; (s = strstr(s, "0x")); s += 2)
		if (strtoull(s, NULL, 16) >= kernel_half)
			return true;
	return false;
}

/*
 * The debugfs views read by root without CAP_SYS_ADMIN: a walk shows no
 * frame numbers (nor in the raw entries) and no physical address, maps no
 * kernel address, layout no kernel region, kbuf nothing at all.  Read with
 * CAP_SYS_ADMIN, the same views show them, the frame as pagemap says.
 */
TEST_F(walk, debugfs_no_sys_admin)
{
	const size_t size = 1 << 16;
	const __u64 kernel_half = self->info.pgtable_levels == 5 ?
				  0xff00000000000000ULL : 0xffff800000000000ULL;
	char *p = map_anon(ps, true), *buf, target[64], want[64];
	unsigned long long a, b;
	__u64 pm, ent[EDU_NR_LEVELS];
	const char *line;
	unsigned int i;
	int lines, n;

	ASSERT_NE(NULL, p);
	p[0] = 1;
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	snprintf(target, sizeof(target), "%d %lx", getpid(), (long)p);
	if (dbg_write("walk_target", target))
		SKIP(return, "no debugfs walk_target");

	/* walk */
	ASSERT_EQ(0, pagemap_read(0, (uintptr_t)p, 1, &pm));
	ASSERT_TRUE(pm & PM_PRESENT);
	ASSERT_EQ(0, dbg_read("walk", buf, size));
	snprintf(want, sizeof(want), "; frame %#llx on node",
		 (unsigned long long)(pm & PM_PFN_MASK));
	EXPECT_NE(NULL, strstr(buf, want)) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "physical address: 0x"));
	ASSERT_LT(0, dbg_walk_entries(buf, ent));
	EXPECT_EQ(pm & PM_PFN_MASK, (ent[EDU_LVL_PTE] & ENTRY_PFN_BITS) >> 12);
	ASSERT_EQ(0, dbg_read_no_admin("walk", buf, size));
	EXPECT_NE(NULL, strstr(buf, "anonymous memory")) TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strstr(buf, "frame")) TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strstr(buf, "physical")) TH_LOG("%s", buf);
	lines = dbg_walk_entries(buf, ent);
	EXPECT_EQ(self->info.pgtable_levels, lines) TH_LOG("%s", buf);
	for (i = 0; i < EDU_NR_LEVELS; i++)
		if (ent[i] != ~0ULL)
			EXPECT_EQ(0, ent[i] & ENTRY_PFN_BITS) TH_LOG("%s", buf);

	/* maps: user addresses only ("%08llx-%08llx ..."). */
	ASSERT_EQ(0, dbg_read_no_admin("maps", buf, size));
	lines = 0;
	for (line = buf; line && *line; line = strchr(line, '\n'), line += !!line) {
		if (*line == '#')
			continue;
		n = sscanf(line, "%llx-%llx ", &a, &b);
		ASSERT_EQ(2, n) TH_LOG("%s", line);
		EXPECT_GT(kernel_half, b) TH_LOG("%s", line);
		lines++;
	}
	EXPECT_LT(3, lines) TH_LOG("%s", buf);

	/* layout: user space, and not one kernel region by name. */
	ASSERT_EQ(0, dbg_read("layout", buf, size));
	for (i = 0; i < EDU_NR_REGIONS; i++)
		EXPECT_TRUE(!!strstr(buf, edu_region_names[i]))
			TH_LOG("region %u missing", i);
	EXPECT_TRUE(has_kernel_address(buf, kernel_half));
	ASSERT_EQ(0, dbg_read_no_admin("layout", buf, size));
	EXPECT_NE(NULL, strstr(buf, "kernel addresses hidden")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, edu_region_names[EDU_REGION_USER]));
	for (i = 1; i < EDU_NR_REGIONS; i++)
		EXPECT_FALSE(!!strstr(buf, edu_region_names[i]))
			TH_LOG("region %u shown:\n%s", i, buf);
	EXPECT_FALSE(has_kernel_address(buf, kernel_half)) TH_LOG("%s", buf);

	/* kbuf: nothing but why not. */
	ASSERT_EQ(0, dbg_read("kbuf", buf, size));
	EXPECT_TRUE(has_kernel_address(buf, kernel_half));
	ASSERT_EQ(0, dbg_read_no_admin("kbuf", buf, size));
	EXPECT_STREQ("kernel addresses hidden: open this file with CAP_SYS_ADMIN\n",
		     buf);

	dbg_write("walk_target", "0");
	munmap(buf, size);
	munmap(p, ps);
}

/* An edualloc buddy block, mmap()ed: a PFN map of our pool's frames. */
TEST_F(walk, pool_block)
{
	const __u64 order = 2, n = 1 << order;
	struct edu_walk_page pg[4];
	struct edu_page_alloc a;
	struct edu_handle_arg h;
	struct edu_pfn_info pi;
	struct edu_walk w;
	__u64 i;
	char *p;

	memset(&a, 0, sizeof(a));
	a.node = EDU_NODE_LOCAL;
	a.order = order;
	if (ioctl(self->fd, EDU_IOC_PAGE_ALLOC, &a))
		SKIP(return, "EDU_IOC_PAGE_ALLOC: %s", strerror(errno));
	p = mmap(NULL, n * ps, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		 a.mmap_offset);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 7, n * ps);
	/*
	 * No pagemap cross-check: pagemap reports PFN maps (VM_PFNMAP) as
	 * holes, as the kernel's walk_page_range() skips them.  Our walker
	 * reads their tables; the buddy allocator says what they must hold.
	 */
	ASSERT_EQ(0, walk_range(self->fd, 0, (uintptr_t)p, n * ps, pg, n,
				NULL));
	for (i = 0; i < n; i++) {
		EXPECT_EQ(EDU_WALK_PTE, pg[i].result);
		EXPECT_EQ(a.pfn + i, pg[i].pfn);
		EXPECT_EQ(EDU_PAGE_POOL, pg[i].kind);
		EXPECT_TRUE(pg[i].flags & EDU_PTE_SPECIAL);
		EXPECT_EQ(a.node, pg[i].nid);
	}
	ASSERT_EQ(0, walk_one(self->fd, 0, (uintptr_t)p + ps, &w));
	EXPECT_EQ(EDU_VMA_CLASS_SPECIAL, w.vm_class);
	EXPECT_EQ(a.pfn + 1, w.page.pfn);

	memset(&pi, 0, sizeof(pi));
	pi.pfn = a.pfn + 1;
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_PFN_INFO, &pi));
	EXPECT_TRUE(pi.flags & EDU_FRAME_POOL);
	EXPECT_EQ(EDU_POOL_ALLOCATED, pi.pool_state);
	EXPECT_EQ(a.pfn, pi.pool_block_pfn);
	EXPECT_EQ(order, pi.pool_order);
	EXPECT_EQ(a.node, pi.pool_node);

	munmap(p, n * ps);
	memset(&h, 0, sizeof(h));
	h.handle = a.handle;
	EXPECT_EQ(0, ioctl(self->fd, EDU_IOC_PAGE_FREE, &h));
}

TEST_HARNESS_MAIN
