// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 2: which node serves a request that names none?  On each CPU in
 * turn, ask edualloc for one page with node EDU_NODE_LOCAL and print the
 * node the module filled in, and how the page came (EDU_RESULT_*).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/edualloc.h>

int main(void)
{
	long cpu, cpus = sysconf(_SC_NPROCESSORS_CONF);
	int fd = open("/dev/edualloc", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("/dev/edualloc");
		return 1;
	}
	for (cpu = 0; cpu < cpus; cpu++) {
		struct edu_page_alloc a = { .node = EDU_NODE_LOCAL };
		struct edu_handle_arg h = { 0 };
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			continue;	/* an offline CPU */
		if (ioctl(fd, EDU_IOC_PAGE_ALLOC, &a)) {
			printf("cpu %ld: %s\n", cpu, strerror(errno));
			continue;
		}
		printf("cpu %ld: node %llu%s%s\n", cpu, (unsigned long long)a.node,
		       a.result_flags & EDU_RESULT_PCP ? ", per-CPU list" : "",
		       a.result_flags & EDU_RESULT_FALLBACK ? ", fallback" : "");
		h.handle = a.handle;
		if (ioctl(fd, EDU_IOC_PAGE_FREE, &h))
			perror("EDU_IOC_PAGE_FREE");
	}
	close(fd);
	return 0;
}
