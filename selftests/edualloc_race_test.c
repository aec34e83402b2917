// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc_race_test: an object is freed only after the last reference to
 * it goes, whatever frees it (kselftest harness, root, in the test VM).
 *
 * A read or a write of an object (EDU_IOC_OBJ_READ/WRITE) holds a reference
 * while it copies to or from the caller's buffer.  Here that buffer lies
 * on a page registered with userfaultfd, so the copy stalls inside the
 * kernel, with the reference held, for as long as the test likes.  Meanwhile
 * another thread frees the object through each freeing kind of
 * EDU_IOC_OBJ_CORRUPT (and a plain EDU_IOC_OBJ_FREE).  The free must wait:
 * while the copy is stalled the cache still counts the object in use and
 * no debug check has fired; only when the copy completes does the object
 * go, and then the damage is detected as its kind says.  Before the fix
 * the freeing kinds freed at once, so the stalled copy wrote into memory
 * that a second open file could own by then.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/edualloc.h>

#include "kselftest_harness.h"
#include "edualloc_util.h"

#define OBJ_SIZE	256

/* One line "NAME VALUE" of debugfs slab/<cache>/stats; -1 if absent. */
static long cache_stat(const char *cache, const char *name)
{
	char path[256], buf[4096], *p;
	size_t len = strlen(name);

	snprintf(path, sizeof(path), EDU_DBG_DIR "/slab/%s/stats", cache);
	if (edu_read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, len) && p[len] == ' ')
			return strtol(p + len, NULL, 10);
	return -1;
}

/* The debugfs directory of the user cache @name: "NAME-<id>". */
static int cache_dir(const char *name, char *dname, size_t size)
{
	char pat[128];
	glob_t g;
	int ret = -1;

	snprintf(pat, sizeof(pat), EDU_DBG_DIR "/slab/%s-[0-9]*", name);
	if (!glob(pat, 0, NULL, &g) && g.gl_pathc == 1) {
		snprintf(dname, size, "%s", strrchr(g.gl_pathv[0], '/') + 1);
		ret = 0;
	}
	globfree(&g);
	return ret;
}

/* Sum of the cache's error_* counters. */
static long cache_errors(const char *cache)
{
	static const char *const kinds[] = {
		"error_redzone", "error_use_after_free", "error_double_free",
		"error_wrong_cache", "error_bad_pointer", "error_freelist",
	};
	long sum = 0, v;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		v = cache_stat(cache, kinds[i]);
		if (v < 0)
			return -1;
		sum += v;
	}
	return sum;
}

static void cache_validate(const char *cache)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), EDU_DBG_DIR "/slab/%s/validate", cache);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			perror("validate");
		close(fd);
	}
}

/* A page whose first touch, by the kernel too, waits for the test. */
struct stall {
	int uffd;
	char *page;
	size_t page_size;
};

static int stall_setup(struct stall *s)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };

	s->page_size = sysconf(_SC_PAGESIZE);
	s->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (s->uffd < 0)
		return -errno;
	if (ioctl(s->uffd, UFFDIO_API, &api))
		return -errno;
	s->page = mmap(NULL, s->page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->page == MAP_FAILED)
		return -errno;
	reg.range.start = (uintptr_t)s->page;
	reg.range.len = s->page_size;
	if (ioctl(s->uffd, UFFDIO_REGISTER, &reg))
		return -errno;
	return 0;
}

/* Wait until something faults on the page: 0, or -ETIMEDOUT. */
static int stall_wait(struct stall *s)
{
	struct pollfd p = { .fd = s->uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&p, 1, 10000) != 1)
		return -ETIMEDOUT;
	if (read(s->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return -EIO;
	return 0;
}

/* Let the stalled access go on: the page appears filled with @byte. */
static int stall_release(struct stall *s, int byte)
{
	struct uffdio_copy copy = { .dst = (uintptr_t)s->page,
				    .len = s->page_size };
	char *src = malloc(s->page_size);
	int ret;

	if (!src)
		return -ENOMEM;
	memset(src, byte, s->page_size);
	copy.src = (uintptr_t)src;
	ret = ioctl(s->uffd, UFFDIO_COPY, &copy) ? -errno : 0;
	free(src);
	return ret;
}

static void stall_destroy(struct stall *s)
{
	if (s->page && s->page != MAP_FAILED)
		munmap(s->page, s->page_size);
	if (s->uffd >= 0)
		close(s->uffd);
}

struct rw_job {
	int fd;
	bool write;
	struct edu_obj_rw rw;
	int err;
};

static void *rw_thread(void *arg)
{
	struct rw_job *j = arg;

	j->err = ioctl(j->fd, j->write ? EDU_IOC_OBJ_WRITE : EDU_IOC_OBJ_READ,
		       &j->rw) ? errno : 0;
	return NULL;
}

FIXTURE(race) {
	int fd;
	bool skip;
	char name[32];
	char dname[96];		/* its debugfs directory: NAME-<id> */
	__u64 cache, other, obj;
	struct stall st;
};

FIXTURE_VARIANT(race) {
	__u64 kind;		/* EDU_CORRUPT_*, or 0: EDU_IOC_OBJ_FREE */
	bool write;		/* the stalled call writes (else reads) */
	const char *error;	/* counter the damage shows up in, or NULL */
	bool frees;		/* the call consumes the handle */
};

FIXTURE_VARIANT_ADD(race, uaf_vs_write) {
	.kind = EDU_CORRUPT_USE_AFTER_FREE,
	.write = true,
	.error = "error_use_after_free",
	.frees = true,
};

FIXTURE_VARIANT_ADD(race, uaf_vs_read) {
	.kind = EDU_CORRUPT_USE_AFTER_FREE,
	.write = false,
	.error = "error_use_after_free",
	.frees = true,
};

FIXTURE_VARIANT_ADD(race, double_free_vs_write) {
	.kind = EDU_CORRUPT_DOUBLE_FREE,
	.write = true,
	.error = "error_double_free",
	.frees = true,
};

FIXTURE_VARIANT_ADD(race, double_free_vs_read) {
	.kind = EDU_CORRUPT_DOUBLE_FREE,
	.write = false,
	.error = "error_double_free",
	.frees = true,
};

FIXTURE_VARIANT_ADD(race, freelist_vs_write) {
	.kind = EDU_CORRUPT_FREELIST,
	.write = true,
	.error = "error_freelist",
	.frees = true,
};

FIXTURE_VARIANT_ADD(race, freelist_vs_read) {
	.kind = EDU_CORRUPT_FREELIST,
	.write = false,
	.error = "error_freelist",
	.frees = true,
};

FIXTURE_VARIANT_ADD(race, wrong_cache_vs_write) {
	.kind = EDU_CORRUPT_WRONG_CACHE,
	.write = true,
	.error = "error_wrong_cache",
	.frees = false,
};

FIXTURE_VARIANT_ADD(race, wrong_cache_vs_read) {
	.kind = EDU_CORRUPT_WRONG_CACHE,
	.write = false,
	.error = "error_wrong_cache",
	.frees = false,
};

FIXTURE_VARIANT_ADD(race, free_vs_write) {
	.kind = 0,
	.write = true,
	.error = NULL,
	.frees = true,
};

FIXTURE_VARIANT_ADD(race, free_vs_read) {
	.kind = 0,
	.write = false,
	.error = NULL,
	.frees = true,
};

FIXTURE_SETUP(race)
{
	struct edu_cache_create c = { .size = OBJ_SIZE,
				      .flags = EDU_CACHE_DEBUG,
				      .node = EDU_NODE_LOCAL };
	struct edu_obj_alloc a = { .node = EDU_NODE_LOCAL };
	int ret;

	self->st.uffd = -1;
	self->skip = true;	/* until the set-up is complete */
	self->fd = open("/dev/edualloc", O_RDWR | O_CLOEXEC);
	if (self->fd < 0)
		SKIP(return, "no /dev/edualloc (module not loaded?)");
	if (access(EDU_DBG_DIR "/slabinfo", R_OK))
		SKIP(return, "no edualloc debugfs");
	ret = stall_setup(&self->st);
	if (ret)
		SKIP(return, "userfaultfd: %s", strerror(-ret));

	snprintf(self->name, sizeof(self->name), "race-%d", getpid());
	snprintf(c.name, sizeof(c.name), "%s", self->name);
	ASSERT_EQ(0, edu_announce_damage(self->name));
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_CACHE_CREATE, &c));
	self->cache = c.cache_id;
	ASSERT_EQ(0, cache_dir(self->name, self->dname, sizeof(self->dname)));
	snprintf(c.name, sizeof(c.name), "race-%d-b", getpid());
	c.cache_id = 0;
	c.obj_stride = 0;
	c.objs_per_slab = 0;
	c.slab_order = 0;
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_CACHE_CREATE, &c));
	self->other = c.cache_id;
	a.cache_id = self->cache;
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_OBJ_ALLOC, &a));
	self->obj = a.handle;
	self->skip = false;
}

FIXTURE_TEARDOWN(race)
{
	stall_destroy(&self->st);
	if (self->fd >= 0)
		close(self->fd);	/* frees what is left, caches included */
}

TEST_F(race, free_waits_for_stalled_copy)
{
	struct rw_job job = { .fd = self->fd, .write = variant->write };
	struct edu_corrupt_arg ca = { .handle = self->obj,
				      .kind = variant->kind };
	struct edu_handle_arg h = { .handle = self->obj };
	char buf[OBJ_SIZE];
	pthread_t t;
	int ret;

	if (self->skip)
		return;
	ASSERT_EQ(1, cache_stat(self->dname, "objects_inuse"));
	ASSERT_EQ(0, cache_errors(self->dname));

	/* A copy from or to the stalling page, holding the object. */
	job.rw.handle = self->obj;
	job.rw.len = OBJ_SIZE;
	job.rw.buf = (uintptr_t)self->st.page;
	ASSERT_EQ(0, pthread_create(&t, NULL, rw_thread, &job));
	ret = stall_wait(&self->st);
	if (ret) {
		stall_release(&self->st, 0);
		pthread_join(t, NULL);
		ASSERT_EQ(0, ret);
	}

	/* Free it now, by the variant's kind. */
	if (variant->kind == EDU_CORRUPT_WRONG_CACHE)
		ca.cache_id = self->other;
	if (variant->kind)
		ret = ioctl(self->fd, EDU_IOC_OBJ_CORRUPT, &ca) ? errno : 0;
	else
		ret = ioctl(self->fd, EDU_IOC_OBJ_FREE, &h) ? errno : 0;
	EXPECT_EQ(0, ret);
	if (variant->frees) {
		/* The handle is gone at once: a second free is refused. */
		EXPECT_EQ(-1, ioctl(self->fd, EDU_IOC_OBJ_FREE, &h));
		EXPECT_EQ(EINVAL, errno);
	}

	/* While the copy is stalled, nothing may have happened to it. */
	EXPECT_EQ(1, cache_stat(self->dname, "objects_inuse"));
	if (variant->kind != EDU_CORRUPT_WRONG_CACHE)
		EXPECT_EQ(0, cache_errors(self->dname));

	ASSERT_EQ(0, stall_release(&self->st, 0x5a));
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, job.err);

	/* The copy was done: now the object is gone (or, wrongly freed, kept). */
	EXPECT_EQ(variant->frees ? 0 : 1,
		  cache_stat(self->dname, "objects_inuse"));
	if (!variant->frees) {
		/* Refused by the other cache: still ours, copy intact. */
		struct edu_obj_rw rw = { .handle = self->obj, .len = OBJ_SIZE,
					 .buf = (uintptr_t)buf };

		ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_OBJ_READ, &rw));
		if (variant->write) {
			char want[OBJ_SIZE];

			memset(want, 0x5a, sizeof(want));
			EXPECT_EQ(0, memcmp(buf, want, sizeof(buf)));
		}
	}
	if (variant->error) {
		cache_validate(self->dname);
		EXPECT_LE(1, cache_stat(self->dname, variant->error));
	} else {
		EXPECT_EQ(0, cache_errors(self->dname));
	}
}

TEST_HARNESS_MAIN
