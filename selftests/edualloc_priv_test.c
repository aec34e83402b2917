// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc_priv_test: who may use /dev/edualloc and who sees physical frame
 * numbers and kernel addresses (kselftest harness, root, in the test VM).
 *
 * The rules (include/uapi/linux/edualloc.h):
 *   - the device node is 0600 root: an unprivileged user cannot open it;
 *   - whether PFNs and kernel addresses are shown is decided once, at
 *     open(), on the opener's credentials (CAP_SYS_ADMIN), exactly as
 *     /proc/PID/pagemap decides on its opener.  So a file opened by root
 *     and handed to an unprivileged process, by inheritance or over a Unix
 *     socket, keeps showing them: that is by design, the opener chose to
 *     hand it on.  And a file opened without CAP_SYS_ADMIN shows zeros
 *     (EDU_CAP_PFN clear) even in the hands of root;
 *   - the debugfs views are root-only: files 0400/0600 (0200 for the
 *     write-only triggers), directories debugfs's 0755 under the 0700
 *     debugfs root.
 * The page-table walker's ioctls and debugfs views have theirs in
 * edualloc_walk_test (unprivileged_opener, swap_slots_hidden,
 * layout_hidden, debugfs_no_sys_admin).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/edualloc.h>

/* The 6.1 harness's SIGALRM handler ignores its third argument. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#include "edualloc_util.h"
#pragma GCC diagnostic pop

#define DEV_PATH	"/dev/edualloc"
#define NOBODY		65534
#define MAX_FILES	512

static long page_size;

/* ------------------------------------------------------------ helpers -- */

static int become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	return geteuid() == NOBODY ? 0 : -1;
}

/* Run @fn(@arg) in a child; its exit status (the failed check), -1. */
static int run_child(int (*fn)(int), int arg)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static int send_fd(int sock, int fd)
{
	char byte = 'F', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_level != SOL_SOCKET ||
	    cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * What an open file shows.  @pfn: whether PFNs and kernel addresses must
 * be there (non-zero) or hidden (zero).  Everything else must work the
 * same either way.  Returns 0 or the number of the first failed check
 * (an exit status for the children).
 */
static int check_file(int fd, bool pfn)
{
	struct edu_cache_create cc = { .name = "priv_test", .size = 200,
				       .node = EDU_NODE_LOCAL };
	struct edu_page_op op = { .op = EDU_OP_ALLOC,
				  .node = EDU_NODE_LOCAL };
	struct edu_page_batch b = { .nr_ops = 1 };
	static const __u64 sizes[] = { 0, 100, 3000, 100000 };
	struct edu_page_alloc a = { .node = EDU_NODE_LOCAL, .order = 1 };
	struct edu_handle_arg h = { 0 };
	struct edu_info info = { 0 };
	unsigned char *m;
	unsigned int i;

	if (ioctl(fd, EDU_IOC_INFO, &info))
		return 20;
	if (!!(info.caps & EDU_CAP_PFN) != pfn)
		return 21;
	if (ioctl(fd, EDU_IOC_PAGE_ALLOC, &a) || !a.handle)
		return 22;
	if (!!a.pfn != pfn)
		return 23;
	/* The mapping works either way: it is the opener's block. */
	m = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 a.mmap_offset);
	if (m == MAP_FAILED)
		return 24;
	m[0] = 1;
	m[2 * page_size - 1] = 2;
	munmap(m, 2 * page_size);
	h.handle = a.handle;
	if (ioctl(fd, EDU_IOC_PAGE_FREE, &h))
		return 25;
	b.ops = (uintptr_t)&op;
	if (ioctl(fd, EDU_IOC_PAGE_BATCH, &b) || op.result || !op.handle)
		return 26;
	if (!!op.pfn != pfn)
		return 27;
	h.handle = op.handle;
	if (ioctl(fd, EDU_IOC_PAGE_FREE, &h))
		return 28;

	/* Objects: of a cache (0) and of kmalloc classes, small and large. */
	if (ioctl(fd, EDU_IOC_CACHE_CREATE, &cc))
		return 29;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct edu_obj_alloc oa = { .node = EDU_NODE_LOCAL };
		struct edu_obj_info oi = { 0 };

		if (sizes[i])
			oa.size = sizes[i];
		else
			oa.cache_id = cc.cache_id;
		if (ioctl(fd, EDU_IOC_OBJ_ALLOC, &oa))
			return 30;
		oi.handle = oa.handle;
		if (ioctl(fd, EDU_IOC_OBJ_INFO, &oi))
			return 31;
		if (oi.size < (sizes[i] ?: cc.size))
			return 32;
		if (!!oi.addr != pfn || !!oi.slab_pfn != pfn)
			return 33;
		h.handle = oa.handle;
		if (ioctl(fd, EDU_IOC_OBJ_FREE, &h))
			return 34;
	}
	h.handle = cc.cache_id;
	if (ioctl(fd, EDU_IOC_CACHE_DESTROY, &h))
		return 35;
	return 0;
}

/* --------------------------------------------------------- children -- */

/* As nobody, the 0600 node opens neither for writing nor for reading. */
static int nobody_open_child(int unused)
{
	if (become_nobody())
		return 10;
	if (open(DEV_PATH, O_RDWR) >= 0 || errno != EACCES)
		return 11;
	if (open(DEV_PATH, O_RDONLY) >= 0 || errno != EACCES)
		return 12;
	if (open(DEV_PATH, O_WRONLY) >= 0 || errno != EACCES)
		return 13;
	return 0;
}

/* A root-opened file inherited across fork, used after dropping to nobody. */
static int inherited_child(int fd)
{
	if (become_nobody())
		return 10;
	if (open(DEV_PATH, O_RDWR) >= 0)
		return 11;
	return check_file(fd, true);
}

/*
 * A process that drops to nobody before it gets anything, then receives a
 * root-opened file over a Unix socket.
 */
static int scm_child(int sock)
{
	int fd;

	if (become_nobody())
		return 10;
	fd = recv_fd(sock);
	if (fd < 0)
		return 11;
	return check_file(fd, true);
}

/* Without CAP_SYS_ADMIN, as uid 0: opens (0600 root), but no PFNs. */
static int no_admin_child(int sock)
{
	int fd, ret;

	if (edu_drop_sys_admin())
		return 10;
	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 11;
	ret = check_file(fd, false);
	/* Hand the file to root: it must stay without PFNs there too. */
	if (!ret && sock >= 0 && send_fd(sock, fd))
		ret = 12;
	close(fd);
	return ret;
}

static char dbg_files[MAX_FILES][300];
static int nr_dbg_files;

static void list_tree(const char *dir)
{
	struct dirent *de;
	struct stat st;
	char path[300];
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d)) && nr_dbg_files < MAX_FILES) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) || lstat(path, &st))
			continue;
		memcpy(dbg_files[nr_dbg_files++], path, sizeof(path));
		if (S_ISDIR(st.st_mode))
			list_tree(path);
	}
	closedir(d);
}

/* As nobody, nothing under debugfs/edualloc can be read or written. */
static int nobody_debugfs_child(int unused)
{
	int i, fd;

	if (become_nobody())
		return 10;
	if (opendir(EDU_DBG_DIR) || errno != EACCES)
		return 11;
	for (i = 0; i < nr_dbg_files; i++) {
		if (!access(dbg_files[i], R_OK) || !access(dbg_files[i], W_OK))
			return 12;
		fd = open(dbg_files[i], O_RDONLY);
		if (fd >= 0 || errno != EACCES)
			return 13;
		fd = open(dbg_files[i], O_WRONLY);
		if (fd >= 0 || (errno != EACCES && errno != EISDIR))
			return 14;
	}
	return 0;
}

/* ------------------------------------------------------------ tests -- */

FIXTURE(priv) {
	int fd;
};

FIXTURE_SETUP(priv)
{
	page_size = sysconf(_SC_PAGESIZE);
	self->fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, DEV_PATH " not present (edualloc not loaded)");
	ASSERT_LE(0, self->fd);
	if (getuid() != 0)
		SKIP(return, "needs root");
}

FIXTURE_TEARDOWN(priv)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* The node is 0600 root:root; nobody cannot open it at all. */
TEST_F(priv, nobody_cannot_open)
{
	struct stat st;
	int ret;

	ASSERT_EQ(0, stat(DEV_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600U, st.st_mode & 07777);
	EXPECT_EQ(0U, st.st_uid);
	ret = run_child(nobody_open_child, 0);
	EXPECT_EQ(0, ret) TH_LOG("as uid %d: check %d failed", NOBODY, ret);
}

/* Root with CAP_SYS_ADMIN sees everything. */
TEST_F(priv, root_sees_pfns)
{
	int ret = check_file(self->fd, true);

	EXPECT_EQ(0, ret) TH_LOG("check %d failed", ret);
}

/*
 * A root-opened file inherited by a child that then drops to nobody keeps
 * the opener's view: PFNs visible.  By design, as pagemap: the check is
 * made on the opener, who chose to hand the file on.
 */
TEST_F(priv, inherited_root_fd_keeps_pfns)
{
	int fd, ret;

	/* Without O_CLOEXEC, so it is what a child would inherit on exec. */
	fd = open(DEV_PATH, O_RDWR);
	ASSERT_LE(0, fd);
	ret = run_child(inherited_child, fd);
	close(fd);
	EXPECT_EQ(0, ret) TH_LOG("as uid %d with root's fd: check %d failed",
				 NOBODY, ret);
}

/* The same for a file received over SCM_RIGHTS by a process that is nobody. */
TEST_F(priv, scm_rights_root_fd_keeps_pfns)
{
	int sv[2], ret, status;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Nothing of edualloc's is open in the child before recv. */
		close(self->fd);
		close(sv[0]);
		_exit(scm_child(sv[1]));
	}
	close(sv[1]);
	EXPECT_EQ(0, send_fd(sv[0], self->fd));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(sv[0]);
	ASSERT_TRUE(WIFEXITED(status));
	ret = WEXITSTATUS(status);
	EXPECT_EQ(0, ret) TH_LOG("as uid %d with a received fd: check %d failed",
				 NOBODY, ret);
}

/*
 * Opened without CAP_SYS_ADMIN (uid 0, so the 0600 node opens): every PFN
 * and address field reads zero, EDU_CAP_PFN is clear, the rest works.
 * Passed back to root over a socket, the file still shows no PFNs.
 */
TEST_F(priv, no_sys_admin_opener_sees_no_pfns)
{
	int sv[2], fd, ret, status;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sv[0]);
		_exit(no_admin_child(sv[1]));
	}
	close(sv[1]);
	fd = recv_fd(sv[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(sv[0]);
	ASSERT_TRUE(WIFEXITED(status));
	ret = WEXITSTATUS(status);
	EXPECT_EQ(0, ret) TH_LOG("without CAP_SYS_ADMIN: check %d failed", ret);
	ASSERT_LE(0, fd);
	ret = check_file(fd, false);
	EXPECT_EQ(0, ret) TH_LOG("root with that fd: check %d failed", ret);
	close(fd);
}

/* debugfs: no group or other permission anywhere; nobody gets nothing. */
TEST_F(priv, debugfs_root_only)
{
	struct stat st;
	int i, ret;

	if (access(EDU_DBG_DIR, F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (access(EDU_DBG_DIR, F_OK))
		SKIP(return, "no " EDU_DBG_DIR);
	nr_dbg_files = 0;
	list_tree(EDU_DBG_DIR);
	ASSERT_LT(0, nr_dbg_files);
	for (i = 0; i < nr_dbg_files; i++) {
		ASSERT_EQ(0, lstat(dbg_files[i], &st));
		/* Directories are debugfs's 0755: the 0700 root guards them. */
		if (S_ISDIR(st.st_mode))
			continue;
		EXPECT_EQ(0U, st.st_mode & 0077)
			TH_LOG("%s: mode %o", dbg_files[i],
			       st.st_mode & 07777);
		EXPECT_EQ(0U, st.st_uid);
	}
	ASSERT_EQ(0, stat("/sys/kernel/debug", &st));
	EXPECT_EQ(0U, st.st_mode & 0077)
		TH_LOG("/sys/kernel/debug: mode %o", st.st_mode & 07777);
	ret = run_child(nobody_debugfs_child, 0);
	EXPECT_EQ(0, ret) TH_LOG("as uid %d: check %d failed", NOBODY, ret);
}

TEST_HARNESS_MAIN
