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
