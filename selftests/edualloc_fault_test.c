// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault injection: with the module failing a share of its own internal
 * allocations (parameter fault_rate), every ioctl either works or fails
 * with ENOMEM, nothing else; and once injection stops and the files are
 * closed, the pools are whole again (buddyinfo as at the start).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <linux/edualloc.h>

#include "kselftest_harness.h"
#include "edualloc_util.h"

#define RATE_PATH	"/sys/module/edualloc/parameters/fault_rate"
#define BUDDYINFO	"/sys/kernel/debug/edualloc/buddyinfo"

static int set_rate(int rate)
{
	FILE *f = fopen(RATE_PATH, "w");

	if (!f)
		return -1;
	fprintf(f, "%d\n", rate);
	return fclose(f);
}

/*
 * Give back everything parked: the slab caches' magazines and empty slabs
 * (the kmalloc classes keep a few slabs otherwise), then the per-CPU page
 * lists.
 */
static void drain_all(void)
{
	int fd = open("/dev/edualloc", O_RDWR);

	if (fd >= 0) {
		edu_settle(fd);
		close(fd);
	}
}

FIXTURE(fault) {
	char before[4096];
};

FIXTURE_SETUP(fault)
{
	if (access("/dev/edualloc", F_OK))
		SKIP(return, "module not loaded");
	if (access(RATE_PATH, W_OK))
		SKIP(return, "no fault_rate parameter");
	drain_all();
	edu_read_text(BUDDYINFO, self->before, sizeof(self->before));
}

FIXTURE_TEARDOWN(fault)
{
	set_rate(0);
}

/* An errno an injected fault may produce, or success. */
static int allowed(long ret)
{
	return ret == 0 || errno == ENOMEM;
}

TEST_F(fault, ioctls_fail_cleanly_and_nothing_leaks)
{
	unsigned long ok = 0, nomem = 0, other = 0, opens_failed = 0;
	char after[4096];
	int round;

	ASSERT_EQ(0, set_rate(250));
	srand(42);
	for (round = 0; round < 40; round++) {
		__u64 handles[64], objs[64], cache = 0;
		int nh = 0, no = 0, i;
		int fd = open("/dev/edualloc", O_RDWR);

		if (fd < 0) {
			EXPECT_EQ(ENOMEM, errno);
			opens_failed++;
			continue;
		}
		for (i = 0; i < 64; i++) {
			struct edu_page_alloc a = {
				.node = EDU_NODE_LOCAL,
				.order = rand() % 4,
			};
			struct edu_obj_alloc o = { .size = 1 + rand() % 2000,
						   .node = EDU_NODE_LOCAL };
			long r;

			r = ioctl(fd, EDU_IOC_PAGE_ALLOC, &a);
			EXPECT_TRUE(allowed(r)) TH_LOG("page alloc: %m");
			if (!r)
				handles[nh++] = a.handle;
			r ? (errno == ENOMEM ? nomem++ : other++) : ok++;

			r = ioctl(fd, EDU_IOC_OBJ_ALLOC, &o);
			EXPECT_TRUE(allowed(r)) TH_LOG("obj alloc: %m");
			if (!r)
				objs[no++] = o.handle;
			r ? (errno == ENOMEM ? nomem++ : other++) : ok++;
		}
		if (!cache) {
			struct edu_cache_create c = { .size = 100,
						      .node = EDU_NODE_LOCAL };
			long r;

			strcpy(c.name, "faulty");
			r = ioctl(fd, EDU_IOC_CACHE_CREATE, &c);
			EXPECT_TRUE(allowed(r)) TH_LOG("cache create: %m");
			if (!r)
				cache = c.cache_id;
		}
		/* Free half by hand, leave the rest to close(). */
		for (i = 0; i < nh / 2; i++) {
			struct edu_handle_arg h = { .handle = handles[i] };

			EXPECT_EQ(0, ioctl(fd, EDU_IOC_PAGE_FREE, &h));
		}
		for (i = 0; i < no / 2; i++) {
			struct edu_handle_arg h = { .handle = objs[i] };

			EXPECT_EQ(0, ioctl(fd, EDU_IOC_OBJ_FREE, &h));
		}
		close(fd);
	}
	EXPECT_EQ(0, other);
	EXPECT_GT(nomem, 0);	/* the injection did happen */
	EXPECT_GT(ok, 0);
	TH_LOG("%lu ok, %lu ENOMEM, %lu opens failed", ok, nomem,
	       opens_failed);

	ASSERT_EQ(0, set_rate(0));
	drain_all();
	edu_read_text(BUDDYINFO, after, sizeof(after));
	EXPECT_STREQ(self->before, after);
}

TEST_HARNESS_MAIN
