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
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/edualloc.h>

#include "kselftest_harness.h"
#include "edualloc_util.h"

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

#define NODE_DIR	"/sys/devices/system/node"
#define MAX_BITS	EDU_MASK_MAX_BITS
#define MAX_WORDS	EDU_MASK_WORDS(MAX_BITS)

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
	static __u64 mem_nodes[MAX_WORDS], pool_nodes[MAX_WORDS];
	struct edu_info info = { 0 };
	int nodes = count_list(NODE_DIR "/online");
	long node_ids, cpu_ids, i;

	/* No set asked for: the facts, and the size a set needs. */
	ASSERT_EQ(0, edu_get_info(self->fd, &info, NULL, 0));
	node_ids = edu_list_mask(NODE_DIR "/possible", NULL, 0);
	cpu_ids = edu_list_mask("/sys/devices/system/cpu/possible", NULL, 0);
	ASSERT_GT(node_ids, 0);
	ASSERT_GT(cpu_ids, 0);
	EXPECT_EQ(node_ids, info.node_ids);
	EXPECT_EQ(cpu_ids, info.cpu_ids);
	EXPECT_EQ(0, info.pool_node_mask);
	EXPECT_EQ(0, info.pool_node_bits);

	/* Out fields are ignored on input: garbage in them is no error. */
	memset(&info, 0xa5, sizeof(info));
	memset(info.reserved, 0, sizeof(info.reserved));
	info.pool_node_mask = (uintptr_t)pool_nodes;
	info.pool_node_bits = node_ids;
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
	EXPECT_EQ((uintptr_t)pool_nodes, info.pool_node_mask);
	EXPECT_EQ(node_ids, info.pool_node_bits);
	ASSERT_LT(0, edu_list_mask(NODE_DIR "/has_memory", mem_nodes, MAX_BITS));
	for (i = 0; i < node_ids; i++)
		EXPECT_EQ(edu_mask_has(mem_nodes, i),
			  edu_mask_has(pool_nodes, i)) {
			TH_LOG("node %ld", i);
		}
	EXPECT_GT(info.pool_pages, 0);
	EXPECT_EQ(0, info.pool_pages % (1ULL << EDU_MAX_ORDER));
	EXPECT_EQ((unsigned long long)expected_levels(), info.pgtable_levels);
	for (i = 0; i < (long)ARRAY_SIZE(info.reserved); i++)
		EXPECT_EQ(0, info.reserved[i]);
}

/*
 * The node set at its largest, in a buffer of 0xff: all of it written, the
 * nodes with memory set, every bit past them clear.  Then at its smallest,
 * node_ids bits: the rest of the last word is not part of the set, and
 * comes back clear as well.
 */
TEST_F(core, info_node_set_any_size)
{
	static __u64 mem_nodes[MAX_WORDS], set[MAX_WORDS + 1];
	struct edu_info info = { 0 };
	long node_ids, i;

	node_ids = edu_list_mask(NODE_DIR "/possible", NULL, 0);
	ASSERT_LT(0, edu_list_mask(NODE_DIR "/has_memory", mem_nodes, MAX_BITS));

	memset(set, 0xff, sizeof(set));
	ASSERT_EQ(0, edu_get_info(self->fd, &info, set, MAX_BITS));
	ASSERT_EQ(node_ids, info.node_ids);
	for (i = 0; i < MAX_BITS; i++)
		if (edu_mask_has(set, i) != edu_mask_has(mem_nodes, i))
			break;
	EXPECT_EQ(MAX_BITS, i) {
		TH_LOG("first wrong bit: %ld", i);
	}
	EXPECT_EQ(~0ULL, set[MAX_WORDS]);	/* not one word more */

	memset(set, 0xff, sizeof(set));
	ASSERT_EQ(0, edu_get_info(self->fd, &info, set, node_ids));
	for (i = 0; i < (long)EDU_MASK_WORDS(node_ids) * 64; i++)
		if (edu_mask_has(set, i) != edu_mask_has(mem_nodes, i))
			break;
	EXPECT_EQ(EDU_MASK_WORDS(node_ids) * 64, i) {
		TH_LOG("first wrong bit: %ld", i);
	}
	EXPECT_EQ(~0ULL, set[EDU_MASK_WORDS(node_ids)]);
}

/* A set too small for every node number: E2BIG, and the size it needs. */
TEST_F(core, info_node_set_too_small_reports_size)
{
	__u64 set[2] = { 0x5a5a5a5a5a5a5a5aULL, 0x5a5a5a5a5a5a5a5aULL };
	long node_ids = edu_list_mask(NODE_DIR "/possible", NULL, 0);
	struct edu_info info = { 0 };

	ASSERT_GT(node_ids, 0);
	if (node_ids < 2)
		SKIP(return, "one possible node: no set is too small");
	if (node_ids > 128)
		SKIP(return, "%ld possible nodes: more than this test's set",
		     node_ids);
	errno = 0;
	EXPECT_EQ(-1, edu_get_info(self->fd, &info, set, node_ids - 1));
	EXPECT_EQ(E2BIG, errno);
	/* The answer came back all the same, with the size to retry with. */
	EXPECT_EQ(node_ids, info.node_ids);
	EXPECT_EQ(EDU_ABI_VERSION, info.abi_version);
	EXPECT_GT(info.pool_pages, 0);
	/* And the set was left alone. */
	EXPECT_EQ(0x5a5a5a5a5a5a5a5aULL, set[0]);
	EXPECT_EQ(0x5a5a5a5a5a5a5a5aULL, set[1]);

	EXPECT_EQ(0, edu_get_info(self->fd, &info, set, info.node_ids));
}

/* Lengths the ABI does not allow, and reserved words: EINVAL. */
TEST_F(core, info_bad_lengths_are_einval)
{
	static __u64 set[MAX_WORDS + 1];
	struct edu_info info = { 0 };
	unsigned int i;

	errno = 0;
	EXPECT_EQ(-1, edu_get_info(self->fd, &info, set, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, edu_get_info(self->fd, &info, set, MAX_BITS + 1));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, edu_get_info(self->fd, &info, set, -1ULL));
	EXPECT_EQ(EINVAL, errno);
	for (i = 0; i < ARRAY_SIZE(info.reserved); i++) {
		memset(&info, 0, sizeof(info));
		info.reserved[i] = 1;
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_INFO, &info));
		EXPECT_EQ(EINVAL, errno);
	}
}

/* A set the module cannot write all of: EFAULT. */
TEST_F(core, info_bad_set_pointer_is_efault)
{
	long node_ids = edu_list_mask(NODE_DIR "/possible", NULL, 0);
	long page = sysconf(_SC_PAGESIZE);
	struct edu_info info = { 0 };
	char *m;

	/* No pointer but a length, a kernel address, a non-canonical one. */
	info.pool_node_bits = 64;
	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_INFO, &info));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, edu_get_info(self->fd, &info,
				   (__u64 *)0xffff888000000000UL, 64));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, edu_get_info(self->fd, &info,
				   (__u64 *)0x8000000000000000UL, 64));
	EXPECT_EQ(EFAULT, errno);

	/* Read-only, PROT_NONE, and a set that runs off its mapping. */
	m = mmap(NULL, 2 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, m);
	ASSERT_EQ(0, munmap(m + page, page));
	errno = 0;
	EXPECT_EQ(-1, edu_get_info(self->fd, &info, (__u64 *)m, 64));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, mprotect(m, page, PROT_NONE));
	errno = 0;
	EXPECT_EQ(-1, edu_get_info(self->fd, &info, (__u64 *)m, 64));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, mprotect(m, page, PROT_READ | PROT_WRITE));
	errno = 0;
	EXPECT_EQ(-1, edu_get_info(self->fd, &info,
				   (__u64 *)(m + page - sizeof(__u64)), 128));
	EXPECT_EQ(EFAULT, errno);
	/* The same place, one word: it fits (if one word is enough). */
	if (node_ids <= 64)
		EXPECT_EQ(0, edu_get_info(self->fd, &info,
					  (__u64 *)(m + page - sizeof(__u64)),
					  64));
	munmap(m, page);
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
		/* The last number of each range, and the first past them. */
		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_BUDDY - 1, struct edu_info),
		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_SLAB - 1, struct edu_info),
		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_WALK - 1, struct edu_info),
		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_BENCH - 1, struct edu_info),
		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_AREA - 1, struct edu_info),
		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_END - 1, struct edu_info),
		_IOWR(EDU_IOC_MAGIC, EDU_IOC_NR_END, struct edu_info),
		/* EDU_IOC_INFO of ABI 1, read-only. */
		_IOR(EDU_IOC_MAGIC, 0x00, struct edu_info),
	};
	struct edu_info info = { 0 };

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
	struct edu_info info = { 0 };

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
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("child: exit %d (1: no go, 2: open or batch failed, 3/4: pipe)",
		       WEXITSTATUS(status));
}

TEST_F(core, debugfs_info_is_root_only_and_agrees)
{
	char line[256];
	struct stat st;
	struct edu_info info = { 0 };
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

static int page_alloc(int fd, __u64 *handle)
{
	struct edu_page_alloc a = { .node = EDU_NODE_LOCAL };

	if (ioctl(fd, EDU_IOC_PAGE_ALLOC, &a))
		return errno;
	*handle = a.handle;
	return 0;
}

static int cache_create(int fd, int i, __u64 *handle)
{
	struct edu_cache_create c = { .size = 64, .node = EDU_NODE_LOCAL };

	snprintf(c.name, sizeof(c.name), "limit-%d-%d", getpid(), i);
	if (ioctl(fd, EDU_IOC_CACHE_CREATE, &c))
		return errno;
	*handle = c.cache_id;
	return 0;
}

/*
 * What one open file may hold is bounded: max_handles handles of every
 * kind, max_caches of them caches; past that ENOSPC.  The limits are per
 * file, and a handle given back makes room again.
 */
TEST_F(core, per_file_limits)
{
	__u64 h[9], c[3], obj;
	struct edu_handle_arg arg = {};
	struct edu_obj_alloc oa = { .size = 32, .node = EDU_NODE_LOCAL };
	int fd2, i;

	ASSERT_EQ(0, edu_param_set("max_handles", "8"));
	ASSERT_EQ(0, edu_param_set("max_caches", "2"));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, page_alloc(self->fd, &h[i]));
	EXPECT_EQ(ENOSPC, page_alloc(self->fd, &h[8]));
	EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_OBJ_ALLOC, &oa));
	EXPECT_EQ(ENOSPC, errno);
	/* Another file has a limit of its own. */
	fd2 = open(DEV_PATH, O_RDWR);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, page_alloc(fd2, &h[8]));
	close(fd2);
	/* One given back, one more fits, and objects count too. */
	arg.handle = h[7];
	EXPECT_EQ(0, ioctl(self->fd, EDU_IOC_PAGE_FREE, &arg));
	EXPECT_EQ(0, ioctl(self->fd, EDU_IOC_OBJ_ALLOC, &oa));
	obj = oa.handle;
	EXPECT_EQ(ENOSPC, page_alloc(self->fd, &h[7]));
	arg.handle = obj;
	EXPECT_EQ(0, ioctl(self->fd, EDU_IOC_OBJ_FREE, &arg));
	for (i = 0; i < 7; i++) {
		arg.handle = h[i];
		EXPECT_EQ(0, ioctl(self->fd, EDU_IOC_PAGE_FREE, &arg));
	}
	/* Caches: two, then ENOSPC, then room again after a destroy. */
	EXPECT_EQ(0, cache_create(self->fd, 0, &c[0]));
	EXPECT_EQ(0, cache_create(self->fd, 1, &c[1]));
	EXPECT_EQ(ENOSPC, cache_create(self->fd, 2, &c[2]));
	arg.handle = c[0];
	EXPECT_EQ(0, ioctl(self->fd, EDU_IOC_CACHE_DESTROY, &arg));
	EXPECT_EQ(0, cache_create(self->fd, 2, &c[2]));
	ASSERT_EQ(0, edu_param_set("max_handles", "1048576"));
	ASSERT_EQ(0, edu_param_set("max_caches", "256"));
}

/* "NAME VALUE" of a cgroup's memory.stat, or -1. */
static long long memcg_stat(const char *cg, const char *name)
{
	char path[256], line[256];
	long long v = -1;
	size_t len = strlen(name);
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.stat", cg);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ' ')
			v = atoll(line + len + 1);
	fclose(f);
	return v;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret;

	if (fd < 0)
		return -1;
	ret = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return ret;
}

/*
 * What a file makes for its handles is charged to the opener's memory
 * cgroup (GFP_KERNEL_ACCOUNT): 20000 objects (handle structures and the
 * handle table) show up as unreclaimable slab of the cgroup the opener
 * runs in, at least 48 bytes each, and go when the file is closed.  The
 * 20000 allocations are slow on the KASAN kernel under TCG.
 */
TEST_F_TIMEOUT(core, handles_charged_to_memcg, 300)
{
	enum { N = 20000 };
	const char *root = "/sys/fs/cgroup", *cg = "/sys/fs/cgroup/edu-memcg";
	char buf[256];
	long long before, during = -1, after;
	int p[2], q[2], status;
	pid_t pid;
	char c;

	if (access("/sys/fs/cgroup/cgroup.controllers", R_OK))
		mount("none", root, "cgroup2", 0, NULL);
	if (edu_read_text("/sys/fs/cgroup/cgroup.controllers", buf,
			  sizeof(buf)) <= 0 || !strstr(buf, "memory"))
		SKIP(return, "no cgroup v2 memory controller");
	write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	rmdir(cg);
	ASSERT_EQ(0, mkdir(cg, 0755));
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(q));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct edu_obj_batch b = { .op = EDU_OP_ALLOC, .size = 8,
					   .nr = N };
		static __u64 handles[N];
		int fd;

		/* Moved into the cgroup by the parent before this read. */
		if (read(p[0], &c, 1) != 1)
			_exit(1);
		fd = open(DEV_PATH, O_RDWR);
		b.handles = (uintptr_t)handles;
		if (fd < 0 || ioctl(fd, EDU_IOC_OBJ_BATCH, &b) || b.done != N)
			_exit(2);
		if (write(q[1], "", 1) != 1 || read(p[0], &c, 1) != 1)
			_exit(3);
		close(fd);
		if (write(q[1], "", 1) != 1)
			_exit(4);
		_exit(0);
	}
	/* Only the child's ends stay open there: its death reads as EOF. */
	close(p[0]);
	close(q[1]);
	snprintf(buf, sizeof(buf), "%d", pid);
	ASSERT_EQ(0, write_file("/sys/fs/cgroup/edu-memcg/cgroup.procs", buf));
	before = memcg_stat(cg, "slab_unreclaimable");
	ASSERT_LE(0, before);
	ASSERT_EQ(1, write(p[1], "", 1));
	if (read(q[0], &c, 1) == 1) {
		during = memcg_stat(cg, "slab_unreclaimable");
		ASSERT_EQ(1, write(p[1], "", 1));
		EXPECT_EQ(1, read(q[0], &c, 1));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("child: exit %d (1: no go, 2: open or batch failed, 3/4: pipe)",
		       WEXITSTATUS(status));
	after = memcg_stat(cg, "slab_unreclaimable");
	TH_LOG("cgroup slab_unreclaimable: %lld before, %lld with %d objects, %lld after close",
	       before, during, N, after);
	EXPECT_LE(before + 48LL * N, during);
	EXPECT_GT(during - 24LL * N, after);
	rmdir(cg);
}

/*
 * Without the module there is nothing to test: the whole program is
 * skipped (the harness would run each body after its set-up skipped).
 */
int main(int argc, char **argv)
{
	if (access(DEV_PATH, F_OK)) {
		printf("1..0 # SKIP " DEV_PATH " not present: module not loaded\n");
		return KSFT_SKIP;
	}
	return test_harness_run(argc, argv);
}
