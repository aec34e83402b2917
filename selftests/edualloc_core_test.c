// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc core selftests: the device node, the info ioctl checked against
 * what sysfs and sysconf say, ioctl error handling, and module pinning by
 * an open file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/edualloc.h>

#include "kselftest_harness.h"

#define DEV_PATH	"/dev/edualloc"

/* Count the entries of a sysfs cpu/node list such as "0-1,3". */
static int count_list(const char *path)
{
	char buf[4096], *p, *tok;
	int count = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	for (tok = strtok_r(buf, ",\n", &p); tok; tok = strtok_r(NULL, ",\n", &p)) {
		int a, b;

		if (sscanf(tok, "%d-%d", &a, &b) != 2) {
			a = atoi(tok);
			b = a;
		}
		count += b - a + 1;
	}
	return count;
}

/* Bit mask of the nodes in a sysfs node list. */
static unsigned long long list_mask(const char *path)
{
	char buf[4096], *p, *tok;
	unsigned long long mask = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	for (tok = strtok_r(buf, ",\n", &p); tok; tok = strtok_r(NULL, ",\n", &p)) {
		int a, b, i;

		if (sscanf(tok, "%d-%d", &a, &b) != 2) {
			a = atoi(tok);
			b = a;
		}
		for (i = a; i <= b && i < 64; i++)
			mask |= 1ULL << i;
	}
	return mask;
}

/* 5-level paging is in use when the CPU has LA57 and no5lvl was not given. */
static int expected_levels(void)
{
	char line[8192];
	int la57 = 0, no5lvl = 0;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5) && strstr(line, " la57"))
			la57 = 1;
	fclose(f);
	f = fopen("/proc/cmdline", "r");
	if (f) {
		if (fgets(line, sizeof(line), f) && strstr(line, "no5lvl"))
			no5lvl = 1;
		fclose(f);
	}
	return la57 && !no5lvl ? 5 : 4;
}

FIXTURE(core) {
	int fd;
};

FIXTURE_SETUP(core)
{
	self->fd = open(DEV_PATH, O_RDWR);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, DEV_PATH " not present: module not loaded");
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(core)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(core, device_node_is_private_char_device)
{
	struct stat st;

	ASSERT_EQ(0, stat(DEV_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid);
}

TEST_F(core, info_matches_sysfs_and_sysconf)
{
	struct edu_info info;
	int nodes = count_list("/sys/devices/system/node/online");
	unsigned long long mem_nodes =
		list_mask("/sys/devices/system/node/has_memory");

	memset(&info, 0xa5, sizeof(info));
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_INFO, &info));
	EXPECT_EQ(EDU_ABI_VERSION, info.abi_version);
	ASSERT_GT(nodes, 0);
	EXPECT_EQ((unsigned long long)nodes, info.nr_nodes);
	EXPECT_EQ((unsigned long long)sysconf(_SC_NPROCESSORS_ONLN),
		  info.nr_cpus);
	EXPECT_EQ((unsigned long long)sysconf(_SC_PAGESIZE), info.page_size);
	EXPECT_EQ(EDU_NR_ORDERS, info.nr_orders);
	/* Run as root: the opener may see PFNs. */
	EXPECT_EQ(EDU_CAP_PFN, info.caps);
	/* Every node with memory has a pool, and no other node does. */
	EXPECT_EQ(mem_nodes, info.pool_nodes);
	EXPECT_GT(info.pool_pages, 0);
	EXPECT_EQ(0, info.pool_pages % (1ULL << EDU_MAX_ORDER));
	EXPECT_EQ((unsigned long long)expected_levels(), info.pgtable_levels);
	for (int i = 0; i < 7; i++)
		EXPECT_EQ(0, info.reserved[i]);
}

TEST_F(core, unknown_ioctl_is_enotty)
{
	/* Another driver's magic, our magic with an unused number, and a
	 * known number with the wrong size or direction.
	 */
	const unsigned long cmds[] = {
		_IOR('x', 0x00, struct edu_info),
		_IO(EDU_IOC_MAGIC, 0x0f),
		_IOR(EDU_IOC_MAGIC, 0x01, struct edu_info),
		_IOWR(EDU_IOC_MAGIC, 0x7f, struct edu_info),
		_IOR(EDU_IOC_MAGIC, 0x00, __u64),
		_IOW(EDU_IOC_MAGIC, 0x00, struct edu_info),
		_IOWR(EDU_IOC_MAGIC, 0x10, __u64),
		_IO(EDU_IOC_MAGIC, 0xff),
	};
	struct edu_info info;

	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], &info)) {
			TH_LOG("cmd %#lx", cmds[i]);
		}
		EXPECT_EQ(ENOTTY, errno) {
			TH_LOG("cmd %#lx", cmds[i]);
		}
	}
}

TEST_F(core, bad_pointer_is_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	void *none;

	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_INFO, (void *)1));
	EXPECT_EQ(EFAULT, errno);

	/* Mapped but neither readable nor writable; the page after it is
	 * unmapped so that an answer straddling the end cannot land.
	 */
	none = mmap(NULL, 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, none);
	ASSERT_EQ(0, munmap((char *)none + page, page));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_INFO, none));
	EXPECT_EQ(EFAULT, errno);

	/* Read-only memory cannot receive the answer. */
	ASSERT_EQ(0, mprotect(none, page, PROT_READ));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_INFO, none));
	EXPECT_EQ(EFAULT, errno);

	/* Straddling the end of a mapping. */
	ASSERT_EQ(0, mprotect(none, page, PROT_READ | PROT_WRITE));
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_INFO,
			    (char *)none + page - sizeof(__u64)));
	EXPECT_EQ(EFAULT, errno);
	munmap(none, page);
}

TEST_F(core, open_file_pins_module)
{
	struct edu_info info;

	/* What rmmod does; O_NONBLOCK: fail at once instead of waiting. */
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_delete_module, "edualloc", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	/* Still there and working. */
	EXPECT_EQ(0, access(DEV_PATH, F_OK));
	EXPECT_EQ(0, ioctl(self->fd, EDU_IOC_INFO, &info));
	EXPECT_EQ(EDU_ABI_VERSION, info.abi_version);
}

TEST_F(core, unprivileged_user_cannot_open)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(10);
		if (open(DEV_PATH, O_RDWR) >= 0)
			_exit(11);
		_exit(errno == EACCES ? 0 : 12);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(core, debugfs_info_is_root_only_and_agrees)
{
	char line[256];
	struct stat st;
	struct edu_info info;
	unsigned long long pool = 0;
	FILE *f;

	if (stat("/sys/kernel/debug/edualloc/info", &st))
		SKIP(return, "debugfs not mounted");
	EXPECT_EQ(0400, st.st_mode & 07777);
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_INFO, &info));
	f = fopen("/sys/kernel/debug/edualloc/info", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		sscanf(line, "pool_pages: %llu", &pool);
	fclose(f);
	EXPECT_EQ(info.pool_pages, pool);
}

TEST_HARNESS_MAIN
