// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc_writeback_test: file-backed areas, seen from user space.  An
 * area made with EDU_AREA_FILE maps the first pages of a file: its pages
 * are read from the file at their first touch (major faults), become dirty
 * when written (the first write to a clean page faults again), and go back
 * to the file through writeback: msync(), fsync() of the device, freeing
 * the handle, the flusher (expiry, background ratio, a dead area) and
 * reclaim, which drops clean pages and never swaps a file page.
 *
 * The oracle is the file itself, read with pread() (the page cache, which
 * the module does not control): before writeback it still holds the old
 * data, after it exactly what the program wrote, page by page and byte by
 * byte.  The task's major faults (getrusage()), /proc/self/pagemap and the
 * swap view (pswpout) check the module's own counters.  Files live on a
 * tmpfs of the test's own, so the test leaves nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <linux/edualloc.h>

/* The 6.1 harness's SIGALRM handler ignores its third argument. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#include "edualloc_util.h"
#include "edualloc_area.h"
#pragma GCC diagnostic pop

#define DEV_PATH	"/dev/edualloc"
#define MAX_NODES	64

long page_size;

/* The word @w of page @i in round @r: every byte says where it belongs. */
static __u64 pat(long i, int r, long w)
{
	return ((__u64)i << 32) ^ ((__u64)r << 24) ^ (__u64)w ^
	       0x5a5a000000000000ULL;
}

static void fill(char *page, long i, int r)
{
	__u64 *q = (__u64 *)page;
	long w;

	for (w = 0; w < page_size / 8; w++)
		q[w] = pat(i, r, w);
}

/* Does @page hold round @r of page @i, every word? */
static bool holds(const char *page, long i, int r)
{
	const __u64 *q = (const __u64 *)page;
	long w;

	for (w = 0; w < page_size / 8; w++)
		if (q[w] != pat(i, r, w))
			return false;
	return true;
}

/* Pages of file @ffd, from @first on, that do not hold round @r: -1 if unread. */
static long file_wrong(int ffd, long first, long pages, int r)
{
	char *buf = malloc(page_size);
	long i, wrong = 0;

	if (!buf)
		return -1;
	for (i = first; i < first + pages; i++) {
		if (pread(ffd, buf, page_size, i * page_size) != page_size) {
			wrong = -1;
			break;
		}
		wrong += !holds(buf, i, r);
	}
	free(buf);
	return wrong;
}

/* Wait up to @ms for file @ffd's pages to hold round @r: 0, or how many do not. */
static long file_wait(int ffd, long pages, int r, int ms)
{
	long wrong;

	for (;;) {
		wrong = file_wrong(ffd, 0, pages, r);
		if (!wrong || ms <= 0)
			return wrong;
		usleep(20000);
		ms -= 20;
	}
}

static int file_area_create(int fd, __u64 pages, __u64 policy, __u64 node,
			    __u64 ffd, struct edu_area_create *c)
{
	memset(c, 0, sizeof(*c));
	c->pages = pages;
	c->policy = policy;
	c->node = node;
	c->flags = EDU_AREA_FILE;
	c->fd = ffd;
	return ioctl(fd, EDU_IOC_AREA_CREATE, c) ? -errno : 0;
}

/* A number from debugfs "writeback": the word after @name, or -1. */
static long wb_stat(const char *name)
{
	char buf[8192], key[64], *at;
	long v;

	if (edu_read_text(EDU_DBG_DIR "/writeback", buf, sizeof(buf)) < 0)
		return -1;
	snprintf(key, sizeof(key), "\n%s ", name);
	at = strstr(buf, key);
	if (!at && !strncmp(buf, key + 1, strlen(key + 1)))
		at = buf - 1;
	if (!at || sscanf(at + strlen(key), "%ld", &v) != 1)
		return -1;
	return v;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long ms_since(long t0)
{
	return now_ms() - t0;
}

/* ---------------------------------------------------------- fixture -- */

FIXTURE(wb)
{
	int fd;
	int skip;
	struct edu_info info;
	int nr_pool;
	int pool[MAX_NODES];
	long free0[MAX_NODES];
	char dir[64];
	char expire[32], ratio[32];
};

FIXTURE_SETUP(wb)
{
	const char *only = getenv("EDU_WB_ONLY");
	int ret;

	/* 6.1's harness takes no test name: run one by this variable. */
	if (only && !strstr(_metadata->name, only)) {
		self->skip = 1;
		SKIP(longjmp(_metadata->env, 1), "not %s (EDU_WB_ONLY)", only);
	}

	ret = area_fixture_open(&self->fd, &self->info, self->pool,
				MAX_NODES, &self->nr_pool, self->free0);
	if (ret > 0) {
		self->skip = 1;
		SKIP(return, DEV_PATH " not present (edualloc not loaded)");
	}
	ASSERT_EQ(0, ret);
	/* A tmpfs of our own for the files. */
	snprintf(self->dir, sizeof(self->dir), "/tmp/edu-wb-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, mount("edu-wb", self->dir, "tmpfs", 0, "size=512m"));
	ASSERT_LT(0, edu_read_text("/sys/module/edualloc/parameters/dirty_expire_ms",
				   self->expire, sizeof(self->expire)));
	ASSERT_LT(0, edu_read_text("/sys/module/edualloc/parameters/dirty_background_ratio",
				   self->ratio, sizeof(self->ratio)));
	self->expire[strcspn(self->expire, "\n")] = '\0';
	self->ratio[strcspn(self->ratio, "\n")] = '\0';
}

/* Every page back in the buddy allocator, the flusher idle, the files gone. */
FIXTURE_TEARDOWN(wb)
{
	int i, fd, ret;

	if (self->skip)
		return;
	EXPECT_EQ(0, edu_param_set("dirty_expire_ms", self->expire));
	EXPECT_EQ(0, edu_param_set("dirty_background_ratio", self->ratio));
	close(self->fd);
	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	EXPECT_LE(0, fd);
	for (i = 0; i < self->nr_pool; i++)
		EXPECT_EQ(self->free0[i], area_free_back(fd, self->pool[i],
							 self->free0[i], 1000))
			TH_LOG("teardown: node %d free pages", self->pool[i]);
	/* The flusher lets go of a clean dead area at its next pass: soon. */
	for (i = 0; i < 100 && wb_stat("dirty_areas"); i++)
		usleep(10000);
	EXPECT_EQ(0, wb_stat("nr_dirty"));
	EXPECT_EQ(0, wb_stat("dirty_areas"));
	close(fd);
	/* ... and closes its file as it lets go: within a moment. */
	for (i = 0; (ret = umount(self->dir)) && errno == EBUSY && i < 100; i++)
		usleep(10000);
	EXPECT_EQ(0, ret);
	rmdir(self->dir);
}

/* A file of @pages pages in the test's tmpfs, page i holding round @r. */
static int make_file(const char *dir, const char *name, long pages, int r)
{
	char path[128], *buf = malloc(page_size);
	long i;
	int ffd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ffd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (ffd < 0 || !buf)
		goto err;
	for (i = 0; i < pages; i++) {
		fill(buf, i, r);
		if (pwrite(ffd, buf, page_size, i * page_size) != page_size)
			goto err;
	}
	free(buf);
	return ffd;
err:
	free(buf);
	if (ffd >= 0)
		close(ffd);
	return -1;
}

/* ------------------------------------------------------------- tests -- */

/*
 * Each page's first touch reads it from the file: a major fault, as the
 * task's maj_flt counts, nothing cleared; reading dirties nothing; the
 * walker calls the page file-backed and clean.
 */
TEST_F(wb, first_touch_reads_the_file)
{
	const long pages = 64;
	struct edu_area_create c;
	struct edu_area_info ai;
	struct edu_walk w = { 0 };
	long i, maj, bad = 0;
	char *p;
	int ffd;

	ffd = make_file(self->dir, "read", pages, 0);
	ASSERT_LE(0, ffd);
	ASSERT_EQ(0, file_area_create(self->fd, pages, EDU_AREA_POLICY_LOCAL,
				      0, ffd, &c));
	close(ffd);	/* the area holds the file */
	p = area_map(self->fd, &c, pages);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, pagemap_entry(p) & PM_PRESENT);
	maj = majflt();
	for (i = 0; i < pages; i++)
		bad += !holds(p + i * page_size, i, 0);
	EXPECT_EQ(pages, majflt() - maj);
	EXPECT_EQ(0, bad);
	ASSERT_EQ(0, area_info(self->fd, c.handle, 5, &ai));
	EXPECT_EQ(EDU_AREA_FILE, ai.flags);
	EXPECT_EQ(pages, ai.faults_major);
	EXPECT_EQ(0, ai.zero_fills);
	EXPECT_EQ(pages, ai.present);
	EXPECT_EQ(0, ai.dirty);
	EXPECT_EQ(0, ai.page_lru & (EDU_AREA_LRU_DIRTY | EDU_AREA_LRU_WRITEBACK));
	EXPECT_NE(0, pagemap_entry(p + 5 * page_size) & PM_PRESENT);
	w.addr = (uintptr_t)(p + 5 * page_size);
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_WALK, &w));
	EXPECT_EQ(EDU_WALK_AREA | EDU_WALK_AREA_FILE | EDU_WALK_AREA_PRESENT,
		  w.page.area & (EDU_WALK_AREA | EDU_WALK_AREA_FILE |
				 EDU_WALK_AREA_PRESENT | EDU_WALK_AREA_DIRTY |
				 EDU_WALK_AREA_SWAPPED));
	EXPECT_EQ(0, munmap(p, pages * page_size));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
}

/*
 * A write makes the page dirty (and only it); the file keeps the old data
 * until writeback: msync(MS_SYNC) writes exactly the dirty page, after
 * which the page is clean and write-protected again, so the next write
 * dirties it again.
 */
TEST_F(wb, write_dirties_msync_writes_back)
{
	const long pages = 16;
	struct edu_area_create c;
	struct edu_area_info ai;
	struct edu_walk w = { 0 };
	long sync0, dirtied0;
	char *p;
	int ffd;

	ASSERT_EQ(0, edu_param_set("dirty_expire_ms", "600000"));
	ffd = make_file(self->dir, "msync", pages, 0);
	ASSERT_LE(0, ffd);
	ASSERT_EQ(0, file_area_create(self->fd, pages, EDU_AREA_POLICY_LOCAL,
				      0, ffd, &c));
	p = area_map(self->fd, &c, pages);
	ASSERT_NE(NULL, p);
	sync0 = wb_stat("written_sync");
	dirtied0 = wb_stat("nr_dirtied");
	ASSERT_LE(0, sync0);

	/* Read page 2, then write page 3 twice: one page dirtied, once. */
	EXPECT_TRUE(holds(p + 2 * page_size, 2, 0));
	fill(p + 3 * page_size, 3, 1);
	fill(p + 3 * page_size, 3, 2);
	ASSERT_EQ(0, area_info(self->fd, c.handle, 3, &ai));
	EXPECT_EQ(1, ai.dirty);
	EXPECT_EQ(0, ai.written);
	EXPECT_NE(0, ai.page_lru & EDU_AREA_LRU_DIRTY);
	EXPECT_EQ(dirtied0 + 1, wb_stat("nr_dirtied"));
	ASSERT_EQ(0, area_info(self->fd, c.handle, 2, &ai));
	EXPECT_EQ(0, ai.page_lru & EDU_AREA_LRU_DIRTY);
	w.addr = (uintptr_t)(p + 3 * page_size);
	ASSERT_EQ(0, ioctl(self->fd, EDU_IOC_WALK, &w));
	EXPECT_NE(0, w.page.area & EDU_WALK_AREA_DIRTY);
	/* The file has not seen it yet. */
	EXPECT_EQ(0, file_wrong(ffd, 0, pages, 0));

	EXPECT_EQ(0, msync(p, pages * page_size, MS_SYNC));
	EXPECT_EQ(0, file_wrong(ffd, 3, 1, 2));
	EXPECT_EQ(0, file_wrong(ffd, 0, 3, 0));
	EXPECT_EQ(0, file_wrong(ffd, 4, pages - 4, 0));
	ASSERT_EQ(0, area_info(self->fd, c.handle, 3, &ai));
	EXPECT_EQ(0, ai.dirty);
	EXPECT_EQ(1, ai.written);
	EXPECT_EQ(0, ai.page_lru & EDU_AREA_LRU_DIRTY);
	EXPECT_EQ(sync0 + 1, wb_stat("written_sync"));

	/* Clean and read-only again: the next write dirties it anew. */
	EXPECT_TRUE(holds(p + 3 * page_size, 3, 2));
	fill(p + 3 * page_size, 3, 3);
	ASSERT_EQ(0, area_info(self->fd, c.handle, 3, &ai));
	EXPECT_EQ(1, ai.dirty);
	EXPECT_EQ(0, fsync(self->fd));	/* fsync() of the device: all */
	EXPECT_EQ(0, file_wrong(ffd, 3, 1, 3));
	ASSERT_EQ(0, area_info(self->fd, c.handle, 3, &ai));
	EXPECT_EQ(0, ai.dirty);
	EXPECT_EQ(2, ai.written);
	EXPECT_EQ(0, munmap(p, pages * page_size));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	close(ffd);
}

/*
 * The file holds every page as written once the area is gone: at close(),
 * before it returns; at munmap() after close() (the mapping kept the device
 * file open: its release runs as munmap() returns); and when the handle is
 * destroyed first and the mapping goes after, the handle's destruction
 * writes what was dirty then, and the flusher what was written in between
 * (munmap() itself cannot write: it holds the mmap lock).
 */
TEST_F(wb, file_holds_the_data_after_close)
{
	const long pages = 256;
	struct edu_area_create c;
	long i, release0;
	char *p;
	int ffd, fd;

	ASSERT_EQ(0, edu_param_set("dirty_expire_ms", "600000"));
	ffd = make_file(self->dir, "close", pages, 0);
	ASSERT_LE(0, ffd);

	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, file_area_create(fd, pages, EDU_AREA_POLICY_INTERLEAVE,
				      0, ffd, &c));
	p = area_map(fd, &c, pages);
	ASSERT_NE(NULL, p);
	for (i = 0; i < pages; i++)
		fill(p + i * page_size, i, 1);
	EXPECT_EQ(0, munmap(p, pages * page_size));
	EXPECT_EQ(0, file_wrong(ffd, 0, pages, 0));	/* not yet written */
	EXPECT_EQ(0, close(fd));
	EXPECT_EQ(0, file_wrong(ffd, 0, pages, 1));

	/* close(), then writes, then munmap(). */
	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, file_area_create(fd, pages, EDU_AREA_POLICY_LOCAL, 0,
				      ffd, &c));
	p = area_map(fd, &c, pages);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, close(fd));
	for (i = 0; i < pages; i++)
		fill(p + i * page_size, i, 2);
	EXPECT_EQ(0, file_wrong(ffd, 0, pages, 1));
	EXPECT_EQ(0, munmap(p, pages * page_size));
	EXPECT_EQ(0, file_wrong(ffd, 0, pages, 2));

	/* The handle destroyed, then more writes, then munmap(). */
	release0 = wb_stat("written_release");
	ASSERT_EQ(0, file_area_create(self->fd, pages, EDU_AREA_POLICY_LOCAL,
				      0, ffd, &c));
	p = area_map(self->fd, &c, pages);
	ASSERT_NE(NULL, p);
	for (i = 0; i < pages; i++)
		fill(p + i * page_size, i, 1);
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));	/* writes them */
	EXPECT_EQ(0, file_wrong(ffd, 0, pages, 1));
	for (i = 0; i < pages; i += 2)
		fill(p + i * page_size, i, 2);
	EXPECT_EQ(0, munmap(p, pages * page_size));
	for (i = 0; i < 250 && file_wrong(ffd, 0, pages, 1) != pages / 2; i++)
		usleep(20000);
	EXPECT_EQ(pages / 2, file_wrong(ffd, 0, pages, 1));
	for (i = 0; i < pages; i++) {
		if (file_wrong(ffd, i, 1, i % 2 ? 1 : 2))
			break;
	}
	EXPECT_EQ(pages, i) TH_LOG("page %ld holds the wrong round", i);
	EXPECT_EQ(release0 + pages / 2, wb_stat("written_release"));
	close(ffd);
}

/* The flusher writes an area dirty for longer than dirty_expire_ms. */
TEST_F(wb, flusher_writes_after_expiry)
{
	const long pages = 32;
	struct edu_area_create c;
	struct edu_area_info ai;
	long expire0, i;
	char *p;
	int ffd;

	ASSERT_EQ(0, edu_param_set("dirty_expire_ms", "600000"));
	ffd = make_file(self->dir, "expire", pages, 0);
	ASSERT_LE(0, ffd);
	ASSERT_EQ(0, file_area_create(self->fd, pages, EDU_AREA_POLICY_LOCAL,
				      0, ffd, &c));
	p = area_map(self->fd, &c, pages);
	ASSERT_NE(NULL, p);
	expire0 = wb_stat("written_expire");
	for (i = 0; i < pages; i++)
		fill(p + i * page_size, i, 1);
	/* Not yet due: nothing written for a second. */
	usleep(1000000);
	EXPECT_EQ(0, file_wrong(ffd, 0, pages, 0));
	EXPECT_EQ(expire0, wb_stat("written_expire"));
	ASSERT_EQ(0, edu_param_set("dirty_expire_ms", "200"));
	EXPECT_EQ(0, file_wait(ffd, pages, 1, 5000));
	ASSERT_EQ(0, area_info(self->fd, c.handle, 0, &ai));
	EXPECT_EQ(0, ai.dirty);
	EXPECT_EQ(pages, ai.written);
	EXPECT_EQ(expire0 + pages, wb_stat("written_expire"));
	EXPECT_EQ(0, munmap(p, pages * page_size));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	close(ffd);
}

/* Above dirty_background_ratio of the pools, the flusher writes at once. */
TEST_F(wb, background_ratio_wakes_the_flusher)
{
	struct edu_area_create c;
	long pages, bg0, limit;
	char *p;
	int ffd;
	long i;

	ASSERT_EQ(0, edu_param_set("dirty_expire_ms", "600000"));
	ASSERT_EQ(0, edu_param_set("dirty_background_ratio", "1"));
	limit = self->info.pool_pages / 100;
	pages = 2 * limit + 64;
	ffd = make_file(self->dir, "bg", pages, 0);
	ASSERT_LE(0, ffd);
	ASSERT_EQ(0, file_area_create(self->fd, pages,
				      EDU_AREA_POLICY_INTERLEAVE, 0, ffd, &c));
	p = area_map(self->fd, &c, pages);
	ASSERT_NE(NULL, p);
	bg0 = wb_stat("written_background");
	for (i = 0; i < pages; i++)
		fill(p + i * page_size, i, 1);
	/* Written without any expiry or sync: at most the limit stays. */
	for (i = 0; i < 250 && wb_stat("nr_dirty") > limit; i++)
		usleep(20000);
	EXPECT_GE(limit, wb_stat("nr_dirty"));
	EXPECT_LT(bg0, wb_stat("written_background"));
	EXPECT_EQ(0, msync(p, pages * page_size, MS_SYNC));
	EXPECT_EQ(0, file_wrong(ffd, 0, pages, 1));
	EXPECT_EQ(0, munmap(p, pages * page_size));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	close(ffd);
}

/*
 * An area of file pages a quarter over its node's free pages, written
 * twice by four threads: reclaim drops clean pages and writes dirty ones
 * back (kswapd's pageout, the flusher), never swaps one; every page is read
 * back intact, from memory or from the file; after close the file holds
 * the last round, every byte.
 */
struct writer {
	char *p;
	long first, pages;
	int rounds;
	long bad;
};

static void *writer_run(void *arg)
{
	struct writer *wr = arg;
	long i;
	int r;

	for (r = 1; r <= wr->rounds; r++) {
		for (i = wr->first; i < wr->first + wr->pages; i++)
			fill(wr->p + i * page_size, i, r);
		for (i = wr->first; i < wr->first + wr->pages; i++)
			wr->bad += !holds(wr->p + i * page_size, i, r);
	}
	return NULL;
}

TEST_F_TIMEOUT(wb, reclaim_under_writes, 900)
{
	struct writer wr[4];
	pthread_t t[4];
	struct edu_area_create c;
	struct swap_stat sw0, sw1;
	long pages, node_pages, file0, vmw0, i, bad = 0, t0;
	int node = self->pool[0], ffd, fd, k, pinfd;
	char *p;

	ASSERT_EQ(0, edu_param_set("dirty_expire_ms", "1000"));
	/*
	 * Blocks of 1024 pages held on the node leave about 4096 free: the
	 * pressure of a pool that size, at a quarter of the cost (a debug
	 * kernel takes minutes for the whole pool).
	 */
	pinfd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, pinfd);
	while (node_free(pinfd, node) > 4096 + 1024) {
		struct edu_page_alloc pa = { .node = node, .order = 10,
					     .flags = EDU_ALLOC_THISNODE };

		ASSERT_EQ(0, ioctl(pinfd, EDU_IOC_PAGE_ALLOC, &pa));
	}
	node_pages = node_free(pinfd, node);
	pages = node_pages * 5 / 4 / 4 * 4;
	ffd = make_file(self->dir, "reclaim", pages, 0);
	ASSERT_LE(0, ffd);
	fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, file_area_create(fd, pages, EDU_AREA_POLICY_NODE, node,
				      ffd, &c));
	p = area_map(fd, &c, pages);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, swap_stat(&sw0));
	t0 = now_ms();
	file0 = reclaim_stat(node, "pgsteal_file");
	vmw0 = reclaim_stat(node, "nr_vmscan_write");
	for (k = 0; k < 4; k++) {
		wr[k] = (struct writer){ .p = p, .first = k * (pages / 4),
					 .pages = pages / 4, .rounds = 2 };
		ASSERT_EQ(0, pthread_create(&t[k], NULL, writer_run, &wr[k]));
	}
	for (k = 0; k < 4; k++) {
		pthread_join(t[k], NULL);
		bad += wr[k].bad;
	}
	TH_LOG("writers done after %ld ms", ms_since(t0));
	EXPECT_EQ(0, bad);
	ASSERT_EQ(0, swap_stat(&sw1));
	EXPECT_EQ(sw0.pswpout, sw1.pswpout);	/* file pages: never swapped */
	EXPECT_LT(file0, reclaim_stat(node, "pgsteal_file"));
	TH_LOG("%ld pages, %ld free: %ld clean dropped, reclaim wrote %ld, the flusher %ld",
	       pages, node_pages, reclaim_stat(node, "pgsteal_file") - file0,
	       reclaim_stat(node, "nr_vmscan_write") - vmw0,
	       wb_stat("written_expire") + wb_stat("written_background"));
	EXPECT_EQ(0, munmap(p, pages * page_size));
	EXPECT_EQ(0, close(fd));
	TH_LOG("closed after %ld ms", ms_since(t0));
	close(pinfd);	/* the blocks go back */
	EXPECT_EQ(0, file_wrong(ffd, 0, pages, 2));
	/* All of it back from the file, by a new area. */
	ASSERT_EQ(0, file_area_create(self->fd, pages, EDU_AREA_POLICY_LOCAL,
				      0, ffd, &c));
	p = area_map(self->fd, &c, pages);
	ASSERT_NE(NULL, p);
	for (i = 0, bad = 0; i < pages; i++)
		bad += !holds(p + i * page_size, i, 2);
	EXPECT_EQ(0, bad);
	TH_LOG("read back after %ld ms", ms_since(t0));
	EXPECT_EQ(0, munmap(p, pages * page_size));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	close(ffd);
}

/*
 * Writes racing with writeback: two threads keep writing counters into
 * pages, one keeps calling msync(), one keeps reading (so that pages the
 * writeback unmapped are mapped again, read-only).  No write may be lost:
 * after the last msync() the file holds exactly what memory holds.  (A
 * write-notify fault that marks the page dirty and leaves the PTE to be
 * made writable later could lose one: writeback cleans the page in
 * between, a read maps it again identically, and the write goes to a
 * clean page.)
 */
struct racer {
	char *p;
	long pages;
	int role;		/* 0, 1 writers; 2 msync; 3 reader */
	int *stop;
	long n;
};

static void *racer_run(void *arg)
{
	struct racer *r = arg;
	long i;

	while (!__atomic_load_n(r->stop, __ATOMIC_RELAXED)) {
		for (i = r->role % 2; i < r->pages; i += 2) {
			if (r->role < 2)
				*(long *)(r->p + i * page_size + 8 * r->role) = ++r->n;
			else if (r->role == 3)
				r->n += *(long *)(r->p + i * page_size);
		}
		if (r->role == 2 && !msync(r->p, r->pages * page_size, MS_SYNC))
			r->n++;
	}
	return NULL;
}

TEST_F(wb, writes_racing_writeback_are_kept)
{
	const long pages = 16;
	struct edu_area_create c;
	struct racer r[4];
	pthread_t t[4];
	int stop = 0;
	char *p, *buf;
	long i, lost = 0;
	int ffd, k;

	ASSERT_EQ(0, edu_param_set("dirty_expire_ms", "600000"));
	ffd = make_file(self->dir, "race", pages, 0);
	ASSERT_LE(0, ffd);
	ASSERT_EQ(0, file_area_create(self->fd, pages, EDU_AREA_POLICY_LOCAL,
				      0, ffd, &c));
	p = area_map(self->fd, &c, pages);
	ASSERT_NE(NULL, p);
	for (k = 0; k < 4; k++) {
		r[k] = (struct racer){ .p = p, .pages = pages, .role = k,
				       .stop = &stop };
		ASSERT_EQ(0, pthread_create(&t[k], NULL, racer_run, &r[k]));
	}
	sleep(10);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (k = 0; k < 4; k++)
		pthread_join(t[k], NULL);
	TH_LOG("%ld and %ld writes, %ld msync() calls", r[0].n, r[1].n, r[2].n);
	EXPECT_LT(0, r[2].n);
	EXPECT_EQ(0, msync(p, pages * page_size, MS_SYNC));
	buf = malloc(page_size);
	ASSERT_NE(NULL, buf);
	for (i = 0; i < pages; i++) {
		ASSERT_EQ(page_size, pread(ffd, buf, page_size, i * page_size));
		lost += memcmp(buf, p + i * page_size, page_size) != 0;
	}
	free(buf);
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, munmap(p, pages * page_size));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	close(ffd);
}

/* reclaim_control drops clean file pages and writes the dirty ones first. */
TEST_F(wb, proactive_reclaim_writes_then_drops)
{
	const long pages = 128;
	struct edu_area_create c;
	struct edu_area_info ai;
	long vmw0, file0, maj, i, bad = 0;
	int node = self->pool[0], ctl;
	char cmd[64], *p;
	int ffd;

	ASSERT_EQ(0, edu_param_set("dirty_expire_ms", "600000"));
	ffd = make_file(self->dir, "proactive", pages, 0);
	ASSERT_LE(0, ffd);
	ASSERT_EQ(0, file_area_create(self->fd, pages, EDU_AREA_POLICY_NODE,
				      node, ffd, &c));
	p = area_map(self->fd, &c, pages);
	ASSERT_NE(NULL, p);
	for (i = 0; i < pages; i++)
		if (i % 2)
			fill(p + i * page_size, i, 1);
		else
			bad += !holds(p + i * page_size, i, 0);
	ASSERT_EQ(0, bad);
	ASSERT_EQ(0, area_info(self->fd, c.handle, 0, &ai));
	ASSERT_EQ(pages / 2, ai.dirty);
	vmw0 = reclaim_stat(node, "nr_vmscan_write");
	file0 = reclaim_stat(node, "pgsteal_file");
	ctl = open(EDU_DBG_DIR "/reclaim_control", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, ctl);
	/* Looked at twice (second chance): ask for all of them. */
	snprintf(cmd, sizeof(cmd), "reclaim node=%d pages=%ld", node, pages);
	EXPECT_EQ((ssize_t)strlen(cmd), write(ctl, cmd, strlen(cmd)));
	close(ctl);
	ASSERT_EQ(0, area_info(self->fd, c.handle, 0, &ai));
	EXPECT_EQ(0, ai.present);
	EXPECT_EQ(0, ai.dirty);
	EXPECT_EQ(0, ai.swapped);
	EXPECT_EQ(EDU_AREA_PAGE_NONE, ai.page_state);
	EXPECT_EQ(pages / 2, reclaim_stat(node, "nr_vmscan_write") - vmw0);
	EXPECT_EQ(pages, reclaim_stat(node, "pgsteal_file") - file0);
	EXPECT_EQ(0, pagemap_entry(p) & PM_PRESENT);
	/* The file has the odd pages' new data, the even ones' old. */
	for (i = 0; i < pages; i++)
		bad += file_wrong(ffd, i, 1, i % 2) != 0;
	EXPECT_EQ(0, bad);
	/* Read back from the file: major faults, the same data. */
	maj = majflt();
	for (i = 0; i < pages; i++)
		bad += !holds(p + i * page_size, i, i % 2);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(pages, majflt() - maj);
	EXPECT_EQ(0, munmap(p, pages * page_size));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	close(ffd);
}

/* Wait for a byte on @rfd (the other process's go-ahead): 0, or -1. */
static int wait_go(int rfd)
{
	char b;

	return read(rfd, &b, 1) == 1 ? 0 : -1;
}

static int say_go(int wfd)
{
	return write(wfd, "g", 1) == 1 ? 0 : -1;
}

/*
 * fork() shares a file-backed area: parent and child dirty the same pages
 * (the child the odd ones, the parent the even ones), each sees the other's
 * writes at once, and one msync() writes them all.  Then the parent lets go
 * of the area (munmap(), destroy) while the child still maps it and writes
 * again: when the child exits, the last mapping of the dead area is gone
 * and the flusher writes the child's last writes back.
 */
TEST_F(wb, fork_shares_file_area)
{
	const long pages = 128;
	struct edu_area_create c;
	struct edu_area_info ai;
	int ffd, to_child[2], to_parent[2], status;
	long i, bad, release0;
	pid_t pid;
	char *p;

	ASSERT_EQ(0, edu_param_set("dirty_expire_ms", "600000"));
	ffd = make_file(self->dir, "fork", pages, 0);
	ASSERT_LE(0, ffd);
	ASSERT_EQ(0, file_area_create(self->fd, pages, EDU_AREA_POLICY_LOCAL,
				      0, ffd, &c));
	p = area_map(self->fd, &c, pages);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pipe(to_child));
	ASSERT_EQ(0, pipe(to_parent));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Odd pages, round 1; then, when told, every page round 3. */
		for (i = 1; i < pages; i += 2)
			fill(p + i * page_size, i, 1);
		if (say_go(to_parent[1]) || wait_go(to_child[0]))
			_exit(2);
		for (i = 0; i < pages; i++)
			fill(p + i * page_size, i, 3);
		_exit(0);
	}
	ASSERT_EQ(0, wait_go(to_parent[0]));
	for (i = 0; i < pages; i += 2)
		fill(p + i * page_size, i, 1);
	for (i = 0, bad = 0; i < pages; i++)
		bad += !holds(p + i * page_size, i, 1);
	EXPECT_EQ(0, bad);	/* the child's pages, seen by the parent */
	ASSERT_EQ(0, area_info(self->fd, c.handle, 0, &ai));
	EXPECT_EQ(pages, ai.dirty);
	EXPECT_EQ(0, file_wrong(ffd, 0, pages, 0));	/* not written yet */
	EXPECT_EQ(0, msync(p, pages * page_size, MS_SYNC));
	EXPECT_EQ(0, file_wrong(ffd, 0, pages, 1));
	ASSERT_EQ(0, area_info(self->fd, c.handle, 0, &ai));
	EXPECT_EQ(0, ai.dirty);
	EXPECT_EQ(pages, ai.written);

	/* The parent lets go; the child writes on and exits. */
	EXPECT_EQ(0, munmap(p, pages * page_size));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	release0 = wb_stat("written_release");
	ASSERT_EQ(0, say_go(to_child[1]));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(0, file_wait(ffd, pages, 3, 5000));
	EXPECT_EQ(release0 + pages, wb_stat("written_release"));
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	close(ffd);
}

/*
 * mremap() moves a file-backed area: the pages written before the move
 * are there at the new address, dirty and unwritten, the others are read
 * from the file at their first touch there, and writeback through the new
 * mapping (msync(), then destroy and munmap()) puts every page in the file.
 */
TEST_F(wb, mremap_moves_file_area)
{
	const long pages = 128;
	struct edu_area_create c;
	struct edu_area_info ai;
	long i, bad;
	char *p, *q;
	int ffd;

	ASSERT_EQ(0, edu_param_set("dirty_expire_ms", "600000"));
	ffd = make_file(self->dir, "mremap", pages, 0);
	ASSERT_LE(0, ffd);
	ASSERT_EQ(0, file_area_create(self->fd, pages, EDU_AREA_POLICY_LOCAL,
				      0, ffd, &c));
	p = area_map(self->fd, &c, pages);
	ASSERT_NE(NULL, p);
	for (i = 0; i < pages / 2; i++)
		fill(p + i * page_size, i, 1);
	q = move_elsewhere(p, pages * page_size);
	ASSERT_NE(MAP_FAILED, q);
	ASSERT_NE(p, q);
	for (i = 0, bad = 0; i < pages; i++)
		bad += !holds(q + i * page_size, i, i < pages / 2 ? 1 : 0);
	EXPECT_EQ(0, bad);
	ASSERT_EQ(0, area_info(self->fd, c.handle, 0, &ai));
	EXPECT_EQ(pages / 2, ai.dirty);
	EXPECT_EQ(0, file_wrong(ffd, 0, pages, 0));
	for (i = pages / 2; i < pages; i++)
		fill(q + i * page_size, i, 1);
	EXPECT_EQ(0, msync(q, pages * page_size, MS_SYNC));
	EXPECT_EQ(0, file_wrong(ffd, 0, pages, 1));
	ASSERT_EQ(0, area_info(self->fd, c.handle, 0, &ai));
	EXPECT_EQ(0, ai.dirty);
	EXPECT_EQ(pages, ai.written);

	/* Written again through the moved mapping; the area destroyed. */
	for (i = 0; i < pages; i++)
		fill(q + i * page_size, i, 2);
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	EXPECT_EQ(0, munmap(q, pages * page_size));
	EXPECT_EQ(0, file_wait(ffd, pages, 2, 5000));
	close(ffd);
}

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

/* Read the word at @addr into *val: 0, or 1 if that was a SIGBUS. */
static int read_or_sigbus(const char *addr, long *val)
{
	int bus = 1;

	signal(SIGBUS, on_sigbus);
	if (!sigsetjmp(bus_jmp, 1)) {
		*val = *(const long *)addr;
		bus = 0;
	}
	signal(SIGBUS, SIG_DFL);
	return bus;
}

/* A page past the end of a file that shrank: SIGBUS, as for mmap(). */
TEST_F(wb, shrunk_file_sigbus)
{
	struct edu_area_create c;
	struct edu_area_info ai;
	long got = 0;
	char *p;
	int ffd;

	ffd = make_file(self->dir, "shrink", 4, 0);
	ASSERT_LE(0, ffd);
	ASSERT_EQ(0, file_area_create(self->fd, 4, EDU_AREA_POLICY_LOCAL, 0,
				      ffd, &c));
	p = area_map(self->fd, &c, 4);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, ftruncate(ffd, page_size));
	EXPECT_EQ(1, read_or_sigbus(p + 2 * page_size, &got));
	ASSERT_EQ(0, area_info(self->fd, c.handle, 2, &ai));
	EXPECT_EQ(1, ai.faults_sigbus);
	EXPECT_EQ(EDU_AREA_PAGE_NONE, ai.page_state);
	EXPECT_TRUE(holds(p, 0, 0));	/* within the file: fine */
	EXPECT_EQ(0, munmap(p, 4 * page_size));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	close(ffd);
}

/* What EDU_AREA_FILE refuses, and with which errno. */
TEST_F(wb, bad_files_refused)
{
	char path[128];
	struct edu_area_create c;
	int ffd, ro, wo, app, sv[2], dir;

	ffd = make_file(self->dir, "bad", 4, 0);
	ASSERT_LE(0, ffd);
	snprintf(path, sizeof(path), "%s/bad", self->dir);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	wo = open(path, O_WRONLY | O_CLOEXEC);
	app = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	dir = open(self->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	ASSERT_LE(0, ro);
	ASSERT_LE(0, wo);
	ASSERT_LE(0, app);
	ASSERT_LE(0, dir);
	EXPECT_EQ(-EACCES, file_area_create(self->fd, 1, 0, 0, ro, &c));
	EXPECT_EQ(-EACCES, file_area_create(self->fd, 1, 0, 0, wo, &c));
	EXPECT_EQ(-EACCES, file_area_create(self->fd, 1, 0, 0, dir, &c));
	EXPECT_EQ(-EINVAL, file_area_create(self->fd, 1, 0, 0, app, &c));
	EXPECT_EQ(-EINVAL, file_area_create(self->fd, 1, 0, 0, sv[0], &c));
	EXPECT_EQ(-EINVAL, file_area_create(self->fd, 5, 0, 0, ffd, &c));
	EXPECT_EQ(-EINVAL, file_area_create(self->fd, 1, 0, 0, self->fd, &c));
	EXPECT_EQ(-EBADF, file_area_create(self->fd, 1, 0, 0, 9999, &c));
	EXPECT_EQ(-EBADF, file_area_create(self->fd, 1, 0, 0, 1ULL << 32, &c));
	/* A file's whole length is fine, and so is fd 0 if it is one. */
	EXPECT_EQ(0, file_area_create(self->fd, 4, 0, 0, ffd, &c));
	EXPECT_EQ(0, area_destroy(self->fd, c.handle));
	close(sv[0]);
	close(sv[1]);
	close(dir);
	close(app);
	close(wo);
	close(ro);
	close(ffd);
}

static void exit_skip(void)
{
	fflush(NULL);
	_exit(KSFT_SKIP);
}

int main(int argc, char **argv)
{
	if (access(DEV_PATH, F_OK))
		atexit(exit_skip);
	return test_harness_run(argc, argv);
}
