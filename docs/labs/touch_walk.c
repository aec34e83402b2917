// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 4: eight anonymous pages; pages 0 and 2 are written, 4 and 6 only
 * read, the others never touched.  For each page, what the walker
 * (EDU_IOC_WALK_RANGE) finds, and what /proc/self/pagemap says.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/edualloc.h>
#include <edualloc_names.h>

#define NR	8

int main(void)
{
	static const char *const how[] = { "written", "read" };
	long ps = getpagesize();
	struct edu_walk_page pg[NR];
	struct edu_walk_range r = { .len = NR * ps, .max = NR };
	unsigned long long e;
	char *p;
	int fd, pm, i;

	fd = open("/dev/edualloc", O_RDWR | O_CLOEXEC);
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	p = mmap(NULL, NR * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || pm < 0 || p == MAP_FAILED) {
		perror("touch_walk");
		return 1;
	}
	madvise(p, NR * ps, MADV_NOHUGEPAGE);	/* 4 KiB pages */
	/* Real stores and loads, which the compiler may not drop. */
	__atomic_store_n(&p[0], 1, __ATOMIC_RELAXED);
	__atomic_store_n(&p[2 * ps], 1, __ATOMIC_RELAXED);
	(void)__atomic_load_n(&p[4 * ps], __ATOMIC_RELAXED);
	(void)__atomic_load_n(&p[6 * ps], __ATOMIC_RELAXED);

	r.start = (uintptr_t)p;
	r.pages = (uintptr_t)pg;
	if (ioctl(fd, EDU_IOC_WALK_RANGE, &r)) {
		perror("EDU_IOC_WALK_RANGE");
		return 1;
	}
	for (i = 0; i < NR; i++) {
		/* pagemap: one u64 per page; bit 63 present, 0-54 the PFN */
		if (pread(pm, &e, sizeof(e), (r.start / ps + i) * sizeof(e)) !=
		    sizeof(e))
			return 1;
		printf("page %d %-9s walker: %-11s %-5s frame %#-9llx pagemap: %-7s frame %#llx\n",
		       i, i % 2 ? "untouched" : how[i / 4],
		       edu_walk_result_short(pg[i].result),
		       edu_page_kind_short(pg[i].kind),
		       (unsigned long long)pg[i].pfn,
		       e >> 63 ? "present" : "absent",
		       e & ((1ULL << 55) - 1));
	}
	return 0;
}
