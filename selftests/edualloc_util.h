/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by the edualloc selftest programs.
 */
#ifndef EDUALLOC_UTIL_H
#define EDUALLOC_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/edualloc.h>

#define EDU_DBG_DIR	"/sys/kernel/debug/edualloc"

/*
 * Read a whole (small) text file into @buf, NUL-terminated; @buf is "" if
 * it cannot be read.  The length read, or -errno.
 */
static inline ssize_t edu_read_text(const char *path, char *buf, size_t size)
{
	ssize_t n, len = 0;
	int fd;

	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return len;
}

/*
 * The members of a sysfs list such as "0-1,3" (/sys/devices/system/node/
 * has_memory, .../cpu/online) into @mask, a set of @bits bits as the uapi's
 * (NULL: none).  The highest member + 1 (0 for an empty list), or -1.
 */
static inline long edu_list_mask(const char *path, __u64 *mask,
				 unsigned long bits)
{
	char buf[4096], *p, *tok;
	long a, b, i, top = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	for (tok = strtok_r(buf, ",\n", &p); tok;
	     tok = strtok_r(NULL, ",\n", &p)) {
		if (sscanf(tok, "%ld-%ld", &a, &b) != 2) {
			a = atol(tok);
			b = a;
		}
		for (i = a; i <= b; i++)
			if (mask && (unsigned long)i < bits)
				mask[i / 64] |= 1ULL << (i % 64);
		if (b + 1 > top)
			top = b + 1;
	}
	return top;
}

/* Whether @n is a member of a node or CPU set (uapi: __u64 words). */
static inline int edu_mask_has(const __u64 *mask, unsigned long n)
{
	return (mask[n / 64] >> (n % 64)) & 1;
}

static inline void edu_mask_set(__u64 *mask, unsigned long n)
{
	mask[n / 64] |= 1ULL << (n % 64);
}

/*
 * EDU_IOC_INFO into @info, with the set of pool nodes in @mask if not NULL
 * (EDU_MASK_WORDS(@bits) words).  0, or -1 with errno.
 */
static inline int edu_get_info(int fd, struct edu_info *info, __u64 *mask,
			       __u64 bits)
{
	memset(info, 0, sizeof(*info));
	if (mask) {
		info->pool_node_mask = (uintptr_t)mask;
		info->pool_node_bits = bits;
	}
	return ioctl(fd, EDU_IOC_INFO, info);
}

/*
 * The nodes with a pool, ascending, in @nodes: the way a program sizes the
 * set, by asking for info->node_ids first.  How many, or -1 with errno
 * (ERANGE: more than @max).
 */
static inline int edu_pool_nodes(int fd, struct edu_info *info, int *nodes,
				 int max)
{
	__u64 *mask, bits;
	int n = 0;

	if (edu_get_info(fd, info, NULL, 0))
		return -1;
	bits = info->node_ids;
	mask = calloc(EDU_MASK_WORDS(bits) ?: 1, sizeof(*mask));
	if (!mask)
		return -1;
	if (edu_get_info(fd, info, mask, bits)) {
		free(mask);
		return -1;
	}
	for (__u64 i = 0; i < bits; i++) {
		if (!edu_mask_has(mask, i))
			continue;
		if (n == max) {
			free(mask);
			errno = ERANGE;
			return -1;
		}
		nodes[n++] = i;
	}
	free(mask);
	return n;
}

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

/*
 * Give back everything parked: every cache shrunk, then every per-CPU page
 * list drained, so that free page counts and buddyinfo can be compared.
 * 0, or -1 with errno.
 */
static inline int edu_settle(int fd)
{
	struct edu_drain_arg d = { .node = EDU_NODE_LOCAL };
	int ret = edu_shrink_caches();

	if (ioctl(fd, EDU_IOC_PCP_DRAIN, &d))
		return -1;
	return ret;
}

/*
 * Fork a child that opens the device for itself and makes one ioctl;
 * SIGKILL it @delay_us after it is about to make the call, and reap it.
 * 1: it died of the kill; 0: the call had returned first (nothing shown);
 * -1: the set-up failed.
 */
static inline int edu_kill_during_ioctl(unsigned long cmd, void *arg,
					unsigned int delay_us)
{
	int p[2], status;
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		int fd = open("/dev/edualloc", O_RDWR);

		if (fd < 0 || write(p[1], "", 1) != 1)
			_exit(2);
		ioctl(fd, cmd, arg);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) == 1)
		usleep(delay_us);
	close(p[0]);
	kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == SIGKILL;
	return WEXITSTATUS(status) ? -1 : 0;
}

/*
 * Drop CAP_SYS_ADMIN from this process for good (effective, permitted and
 * inheritable), staying uid 0: an opener that may do everything else.
 * 0, or -1 if it could not be dropped.
 */
static inline int edu_drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	unsigned int i = CAP_TO_INDEX(CAP_SYS_ADMIN);

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[i].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[i].permitted &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	data[i].inheritable &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &hdr, data) || syscall(SYS_capget, &hdr, data))
		return -1;
	return data[i].effective & CAP_TO_MASK(CAP_SYS_ADMIN) ? -1 : 0;
}

/* Write @val to a module parameter: 0, or -1 with errno. */
static inline int edu_param_set(const char *name, const char *val)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/edualloc/parameters/%s",
		 name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -1 : 0;
}

/*
 * Tell scripts/logcheck that the caller is about to damage slab cache
 * @name on purpose: the module's "slab error: cache NAME: ..." reports
 * that follow are then expected, not failures.  The line format is fixed,
 * other tests write it too.  Call it before the damage, so the line comes
 * before the reports.  0, or -errno: then the cache must not be damaged.
 * /dev/kmsg is opened per line: it rate-limits writes per open file and
 * drops the excess silently.
 */
static inline int edu_announce_damage(const char *name)
{
	char line[128];
	int fd, len, ret = 0;
	ssize_t n;

	len = snprintf(line, sizeof(line),
		       "edualloc-test: damaging cache %s\n", name);
	if (len < 0 || (size_t)len >= sizeof(line) || strchr(name, ' '))
		return -EINVAL;
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, line, len);
	if (n < 0)
		ret = -errno;
	else if (n != len)
		ret = -EIO;
	close(fd);
	return ret;
}

#endif /* EDUALLOC_UTIL_H */
