// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc_lockdown_test: edualloc under kernel lockdown (plain KTAP, root,
 * in the test VM).
 *
 * IRREVERSIBLE: this raises the lockdown level of the running kernel to
 * "integrity" (unless it is already locked down), which only a reboot
 * undoes.  Run it LAST (it is last in tests.list), in a throwaway VM only;
 * it refuses to run unless EDU_ALLOW_LOCKDOWN=1 or it runs as PID 1's
 * child of the test VM (hostname edualloc-vm).
 *
 * Under lockdown debugfs refuses to open any file that is writable or has
 * ioctl/mmap (LOCKDOWN_DEBUGFS, an integrity reason): edualloc's control
 * files (0600) fail with EPERM, even for reading, while the 0400 views
 * still read.  The device's ioctls and mmap() are not affected.  Module
 * unloading is not restricted by lockdown, so edualloc must still unload;
 * loading it again is refused unless the module is signed with a trusted
 * key (LOCKDOWN_MODULE_SIGNATURE), which is reported, not failed.
 *
 * The test unloads the module itself (and reloads it when the kernel lets
 * it, from EDU_MODULE).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/edualloc.h>

#include "kselftest.h"
#include "edualloc_util.h"

#define DEV_PATH	"/dev/edualloc"
#define SEC_DIR		"/sys/kernel/security"
#define LOCKDOWN	SEC_DIR "/lockdown"

/* The bracketed word of /sys/kernel/security/lockdown. */
static const char *lockdown_level(char *buf, size_t size)
{
	char *a, *b;

	if (edu_read_text(LOCKDOWN, buf, size) <= 0)
		return NULL;
	a = strchr(buf, '[');
	b = a ? strchr(a, ']') : NULL;
	if (!b)
		return NULL;
	*b = '\0';
	return a + 1;
}

/* errno of opening @path with @flags; 0 if it opened. */
static int open_errno(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int ioctls_work(void)
{
	struct edu_page_alloc a = { .node = EDU_NODE_LOCAL, .order = 2 };
	struct edu_obj_alloc oa = { .size = 500, .node = EDU_NODE_LOCAL };
	struct edu_drain_arg d = { .node = EDU_NODE_LOCAL };
	struct edu_handle_arg h = { 0 };
	long page_size = sysconf(_SC_PAGESIZE);
	struct edu_info info = { 0 };
	unsigned char *m;
	int fd, ret = 0;

	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 1;
	if (ioctl(fd, EDU_IOC_INFO, &info) ||
	    info.abi_version != EDU_ABI_VERSION)
		ret = 2;
	else if (ioctl(fd, EDU_IOC_PAGE_ALLOC, &a))
		ret = 3;
	if (!ret) {
		m = mmap(NULL, 4 * page_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, a.mmap_offset);
		if (m == MAP_FAILED) {
			ret = 4;
		} else {
			m[4 * page_size - 1] = 1;
			munmap(m, 4 * page_size);
		}
		h.handle = a.handle;
		if (ioctl(fd, EDU_IOC_PAGE_FREE, &h))
			ret = 5;
	}
	if (!ret && ioctl(fd, EDU_IOC_OBJ_ALLOC, &oa))
		ret = 6;
	if (!ret) {
		h.handle = oa.handle;
		if (ioctl(fd, EDU_IOC_OBJ_FREE, &h))
			ret = 7;
	}
	if (!ret && ioctl(fd, EDU_IOC_PCP_DRAIN, &d))
		ret = 8;
	close(fd);
	return ret;
}

int main(void)
{
	const char *ko = getenv("EDU_MODULE");
	const char *allow = getenv("EDU_ALLOW_LOCKDOWN");
	char buf[256], host[64] = "";
	const char *level;
	int ret, fd, mfd;

	ksft_print_header();
	if (access(DEV_PATH, F_OK))
		ksft_exit_skip(DEV_PATH " not present (edualloc not loaded)\n");
	gethostname(host, sizeof(host) - 1);
	if (strcmp(host, "edualloc-vm") && !(allow && !strcmp(allow, "1")))
		ksft_exit_skip("irreversible: test VM or EDU_ALLOW_LOCKDOWN=1 only\n");
	if (access(LOCKDOWN, F_OK))
		mount("securityfs", SEC_DIR, "securityfs", 0, NULL);
	if (access(EDU_DBG_DIR, F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	level = lockdown_level(buf, sizeof(buf));
	if (!level)
		ksft_exit_skip("no " LOCKDOWN " (lockdown LSM not active)\n");
	ksft_set_plan(7);
	ksft_print_msg("lockdown was [%s]\n", level);

	/* Before: control opens for writing. */
	ret = open_errno(EDU_DBG_DIR "/control", O_WRONLY);
	ksft_test_result(!strcmp(level, "none") ? ret == 0 : ret == EPERM,
			 "control_before_lockdown (%s)\n",
			 ret ? strerror(ret) : "opens");

	if (!strcmp(level, "none")) {
		fd = open(LOCKDOWN, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "integrity", 9) != 9)
			ksft_exit_fail_msg("raising lockdown: %s\n",
					   strerror(errno));
		close(fd);
	}
	level = lockdown_level(buf, sizeof(buf));
	ksft_print_msg("lockdown now [%s]\n", level ?: "?");
	ksft_test_result(level && strcmp(level, "none"), "lockdown_raised\n");

	ret = open_errno(EDU_DBG_DIR "/control", O_WRONLY);
	ret = ret ?: -1;
	if (ret == EPERM)
		ret = open_errno(EDU_DBG_DIR "/slab/control", O_WRONLY) ?: -1;
	if (ret == EPERM)
		ret = open_errno(EDU_DBG_DIR "/reclaim_control", O_WRONLY) ?: -1;
	if (ret == EPERM)	/* 0600: refused for reading too */
		ret = open_errno(EDU_DBG_DIR "/control", O_RDONLY) ?: -1;
	ksft_test_result(ret == EPERM, "control_files_refused (%s)\n",
			 ret > 0 ? strerror(ret) : "opened");

	ret = edu_read_text(EDU_DBG_DIR "/buddyinfo", buf, sizeof(buf));
	if (ret > 0)
		ret = edu_read_text(EDU_DBG_DIR "/info", buf, sizeof(buf));
	if (ret > 0)
		ret = edu_read_text(EDU_DBG_DIR "/slabinfo", buf, sizeof(buf));
	ksft_test_result(ret > 0, "read_only_views_read (%s)\n",
			 ret > 0 ? "ok" : strerror(-ret));

	ret = ioctls_work();
	ksft_test_result(!ret, "ioctls_and_mmap_work (check %d)\n", ret);

	/* Unloading is not a lockdown reason: it must work. */
	ret = syscall(SYS_delete_module, "edualloc", O_NONBLOCK) ? errno : 0;
	ksft_test_result(!ret && access(DEV_PATH, F_OK),
			 "rmmod_under_lockdown (%s)\n",
			 ret ? strerror(ret) : "unloaded");

	/* Loading again needs a trusted signature under lockdown. */
	if (!ko) {
		ksft_test_result_skip("reload: no EDU_MODULE\n");
	} else {
		mfd = open(ko, O_RDONLY | O_CLOEXEC);
		ret = mfd < 0 ? errno :
		      syscall(SYS_finit_module, mfd, "", 0) ? errno : 0;
		if (mfd >= 0)
			close(mfd);
		ksft_print_msg("reload under lockdown: %s\n",
			       ret ? strerror(ret) : "loaded (signed module)");
		/* EPERM/EKEYREJECTED: unsigned or untrusted, as expected. */
		ksft_test_result(!ret || ret == EPERM || ret == EKEYREJECTED ||
				 ret == ENOKEY,
				 "reload_refused_or_signed (%s)\n",
				 ret ? strerror(ret) : "loaded");
	}
	ksft_finished();
}
