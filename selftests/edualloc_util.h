/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by the edualloc selftest programs.
 */
#ifndef EDUALLOC_UTIL_H
#define EDUALLOC_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#define EDU_DBG_DIR	"/sys/kernel/debug/edualloc"

/*
 * Shrink every edualloc slab cache (debugfs slab/NAME/shrink): per-CPU
 * magazines flushed, empty slabs given back to the buddy pools, so that
 * page counts can be compared.  0, or -1 with errno (ENOENT: no debugfs).
 */
static inline int edu_shrink_caches(void)
{
	char path[512];
	struct dirent *de;
	int fd, ret = 0;
	DIR *dir = opendir(EDU_DBG_DIR "/slab");

	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), EDU_DBG_DIR "/slab/%s/shrink",
			 de->d_name);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;	/* a cache destroyed meanwhile */
		if (write(fd, "1", 1) != 1)
			ret = -1;
		close(fd);
	}
	closedir(dir);
	return ret;
}

#endif /* EDUALLOC_UTIL_H */
