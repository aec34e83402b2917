// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 3: a double free.  A program cannot free a slab object twice
 * through the device: the handle table refuses the second
 * EDU_IOC_OBJ_FREE.  EDU_CORRUPT_DOUBLE_FREE makes the module itself free
 * an object twice, in two caches of 64-byte objects: "dfplain" without
 * checks, "dfcheck" with consistency checks.  Then the checked cache's
 * counters, from debugfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/edualloc.h>

static int fd;

static const char *result(int ret)
{
	return ret ? strerror(errno) : "done";
}

static __u64 object_of(const char *name, __u64 flags)
{
	struct edu_cache_create c = { .size = 64, .flags = flags,
				      .node = EDU_NODE_LOCAL };
	struct edu_obj_alloc a = { .node = EDU_NODE_LOCAL };

	strcpy(c.name, name);
	if (ioctl(fd, EDU_IOC_CACHE_CREATE, &c))
		perror("EDU_IOC_CACHE_CREATE");
	a.cache_id = c.cache_id;
	if (ioctl(fd, EDU_IOC_OBJ_ALLOC, &a))
		perror("EDU_IOC_OBJ_ALLOC");
	return a.handle;
}

int main(void)
{
	struct edu_corrupt_arg d = { .kind = EDU_CORRUPT_DOUBLE_FREE };
	struct edu_handle_arg h = { 0 };
	char line[128];
	glob_t g;
	FILE *f;

	fd = open("/dev/edualloc", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("/dev/edualloc");
		return 1;
	}
	h.handle = object_of("dfplain", 0);
	printf("free: %s\n", result(ioctl(fd, EDU_IOC_OBJ_FREE, &h)));
	printf("the same handle again: %s\n",
	       result(ioctl(fd, EDU_IOC_OBJ_FREE, &h)));

	d.handle = object_of("dfplain", 0);
	printf("dfplain: double free: %s\n",
	       result(ioctl(fd, EDU_IOC_OBJ_CORRUPT, &d)));
	d.handle = object_of("dfcheck", EDU_CACHE_CONSISTENCY);
	printf("dfcheck: double free: %s\n",
	       result(ioctl(fd, EDU_IOC_OBJ_CORRUPT, &d)));

	if (glob("/sys/kernel/debug/edualloc/slab/dfcheck-*/stats", 0, NULL, &g))
		return 1;
	f = fopen(g.gl_pathv[0], "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "error_double_free", 17) ||
		    !strncmp(line, "objects_quarantined", 19))
			printf("dfcheck: %s", line);
	if (f)
		fclose(f);
	globfree(&g);
	close(fd);
	return 0;
}
