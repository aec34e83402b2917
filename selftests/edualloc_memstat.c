// SPDX-License-Identifier: GPL-2.0-only
/*
 * edualloc_memstat: settle the kernel and account the memory it holds, once
 * per line read from stdin; for edualloc_leak.sh (root, in the test VM).
 *
 *   edualloc_memstat [PASSES [PAUSE_MS]]	(default 2 passes, 100 ms apart)
 *
 * A pass drops the page cache and the dentry and inode caches, shrinks every
 * slab cache (which flushes the per-CPU slabs and, on a KASAN kernel, empties
 * the quarantine), folds the per-CPU vmstat deltas, then reads the counters
 * below.  Each output line has, per counter, the least of PASSES passes:
 * what one pass catches in flight (an RCU-deferred free, a buffer some
 * kernel thread holds for a moment) only ever adds.  In pages unless said:
 *
 *   objs     bytes of live slab objects (/proc/slabinfo active_objs * objsize
 *            over all caches, but those of tasks: see task_caches[])
 *   large    kmalloc()s too large for a slab cache: the nr_slab_* pages that
 *            no cache of /proc/slabinfo holds
 *   vmalloc  VmallocUsed, kernel stacks left out (/proc/vmallocinfo)
 *   pt       PageTables (user page tables)
 *   percpu   Percpu: populated pages of the per-CPU allocator, all CPUs
 *   raw      every other page the kernel holds: alloc_pages() and the like.
 *            Held pages are the pgalloc_* - pgfree events of /proc/vmstat,
 *            exact (a page on a per-CPU free list counts as free), less the
 *            anonymous and page-cache pages (nr_anon_pages, nr_file_pages),
 *            the slab pages (whole slabs), VmallocUsed, PageTables, Percpu,
 *            and the page tables of the direct map (DirectMap4k / 2 MiB,
 *            DirectMap1G / 1 GiB): each module load write-protects its text,
 *            which splits the direct mapping of those pages for good
 *   tasks    threads alive (/proc/loadavg)
 *   compact  pages compaction isolated since boot; compaction takes pages
 *            from the buddy allocator without pgalloc events, so "raw" only
 *            holds while this stays put
 *
 * Why a program and not the shell: every file is opened and read once before
 * the first measurement and later read again from offset 0, so nothing is
 * allocated between the shrink and the reading (no exec, no 9p traffic for a
 * binary, no new seq_file buffer) that would leave a per-CPU slab in use,
 * which /proc/slabinfo counts as live objects, all of them.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE	(1024 * 1024)

/* Caches whose objects come and go with the tasks (kworkers come and go). */
static const char * const task_caches[] = {
	"task_struct", "signal_cache", "sighand_cache", "mm_struct",
	"files_cache", "fs_cache", "pid", "cred_jar", NULL,
};

/* Who vmallocs kernel stacks, as /proc/vmallocinfo names the caller. */
static const char * const stack_callers[] = {
	" kernel_clone+", " copy_process+", " dup_task_struct+",
	" alloc_thread_stack_node+", " fork_idle+", NULL,
};

enum { OBJS, LARGE, VMALLOC, PT, PERCPU, RAW, TASKS, COMPACT, NR_COUNTERS };
static const char * const names[NR_COUNTERS] = {
	"objs", "large", "vmalloc", "pt", "percpu", "raw", "tasks", "compact",
};

static char buf[BUF_SIZE];
static int *shrink_fds, nr_shrink, kmalloc8_fd = -1;
static int drop_fd, refresh_fd, slabinfo_fd, vmallocinfo_fd, meminfo_fd;
static int vmstat_fd, loadavg_fd;

static int open_or_die(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		perror(path);
		exit(1);
	}
	return fd;
}

/* The whole of a /proc file, read again from the start. */
static char *slurp(int fd)
{
	ssize_t n, len = 0;

	if (lseek(fd, 0, SEEK_SET) < 0) {
		perror("lseek");
		exit(1);
	}
	while ((n = read(fd, buf + len, BUF_SIZE - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	return buf;
}

/* One character; a cache destroyed since it was opened refuses it. */
static void poke(int fd, const char *what)
{
	ssize_t n = write(fd, what, 1);

	(void)n;
}

/* Every cache's shrink file, aliases (symlinks) left out. */
static void open_shrink_files(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	struct dirent *e;
	char path[512];
	int fd, cap = 0;

	if (!d) {
		perror("/sys/kernel/slab");
		exit(1);
	}
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 e->d_name);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			continue;
		/*
		 * Every write to a sysfs file takes its buffer from kmalloc-8,
		 * leaving a per-CPU slab of it in use: shrunk last.
		 */
		if (!strcmp(e->d_name, "kmalloc-8")) {
			kmalloc8_fd = fd;
			continue;
		}
		if (nr_shrink == cap) {
			cap = cap ? 2 * cap : 256;
			shrink_fds = realloc(shrink_fds, cap * sizeof(int));
			if (!shrink_fds)
				exit(1);
		}
		shrink_fds[nr_shrink++] = fd;
	}
	closedir(d);
}

static int task_cache(const char *name)
{
	int i;

	for (i = 0; task_caches[i]; i++)
		if (!strcmp(name, task_caches[i]))
			return 1;
	return 0;
}

static int stack_area(const char *line)
{
	int i;

	for (i = 0; stack_callers[i]; i++)
		if (strstr(line, stack_callers[i]))
			return 1;
	return 0;
}

/* The number after "KEY " or "KEY:" at the start of a line of TEXT. */
static long long field(const char *text, const char *key)
{
	size_t len = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, len) && (p[len] == ' ' || p[len] == ':'))
			return atoll(p + len + 1 + strspn(p + len + 1, " :"));
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

/* The next line of a buffer, cut at its end; NULL past the end. */
static char *next_line(char **pos)
{
	char *line = *pos, *end;

	if (!line || !*line)
		return NULL;
	end = strchr(line, '\n');
	if (end) {
		*end = '\0';
		*pos = end + 1;
	} else {
		*pos = NULL;
	}
	return line;
}

static void settle(void)
{
	int i;

	poke(drop_fd, "3");
	for (i = 0; i < nr_shrink; i++)
		poke(shrink_fds[i], "1");
	poke(refresh_fd, "1");
	if (kmalloc8_fd >= 0)
		poke(kmalloc8_fd, "1");
}

static void measure(long long *c)
{
	long long objs = 0, slab_pages = 0, stacks = 0, held, user, slab;
	long long vmalloc, dmap, kb = sysconf(_SC_PAGESIZE) / 1024;
	char *pos, *line, *p;

	settle();

	/*
	 * name active_objs num_objs objsize objperslab pagesperslab
	 *   : tunables ... : slabdata active_slabs num_slabs sharedavail
	 */
	pos = slurp(slabinfo_fd);
	while ((line = next_line(&pos))) {
		long long act, num, size, per, pages, slabs;
		char name[64];

		if (sscanf(line, "%63s %lld %lld %lld %lld %lld", name, &act,
			   &num, &size, &per, &pages) != 6)
			continue;	/* the two header lines */
		p = strstr(line, "slabdata");
		if (!p || sscanf(p, "slabdata %*d %lld", &slabs) != 1)
			continue;
		slab_pages += slabs * pages;
		if (!task_cache(name))
			objs += act * size;
	}

	/* Kernel stacks: those of live tasks and those cached for new ones. */
	pos = slurp(vmallocinfo_fd);
	while ((line = next_line(&pos))) {
		p = strstr(line, " pages=");
		if (p && stack_area(line))
			stacks += atoll(p + 7);
	}

	pos = slurp(meminfo_fd);
	c[PERCPU] = field(pos, "Percpu") / kb;
	vmalloc = field(pos, "VmallocUsed") / kb;
	dmap = field(pos, "DirectMap4k") / 2048 -
	       field(pos, "DirectMap1G") / (1024 * 1024);

	pos = slurp(vmstat_fd);
	held = field(pos, "pgalloc_dma") + field(pos, "pgalloc_dma32") +
	       field(pos, "pgalloc_normal") + field(pos, "pgalloc_movable") -
	       field(pos, "pgfree");
	user = field(pos, "nr_anon_pages") + field(pos, "nr_file_pages");
	slab = field(pos, "nr_slab_reclaimable") +
	       field(pos, "nr_slab_unreclaimable");
	c[PT] = field(pos, "nr_page_table_pages");
	c[COMPACT] = field(pos, "compact_isolated");

	pos = slurp(loadavg_fd);	/* "0.00 0.01 0.00 1/76 123" */
	p = strchr(pos, '/');
	c[TASKS] = p ? atoll(p + 1) : 0;

	c[OBJS] = objs;
	c[LARGE] = slab - slab_pages;
	c[VMALLOC] = vmalloc - stacks;
	c[RAW] = held - user - slab - vmalloc - c[PT] - c[PERCPU] - dmap;
}

int main(int argc, char **argv)
{
	int passes = argc > 1 && atoi(argv[1]) > 0 ? atoi(argv[1]) : 2;
	int pause_ms = argc > 2 ? atoi(argv[2]) : 100;
	struct timespec pause = {
		.tv_sec = pause_ms / 1000,
		.tv_nsec = pause_ms % 1000 * 1000000L,
	};
	long long c[NR_COUNTERS], least[NR_COUNTERS];
	char line[256];
	int i, pass;

	drop_fd = open_or_die("/proc/sys/vm/drop_caches", O_WRONLY);
	refresh_fd = open_or_die("/proc/sys/vm/stat_refresh", O_WRONLY);
	slabinfo_fd = open_or_die("/proc/slabinfo", O_RDONLY);
	vmallocinfo_fd = open_or_die("/proc/vmallocinfo", O_RDONLY);
	meminfo_fd = open_or_die("/proc/meminfo", O_RDONLY);
	vmstat_fd = open_or_die("/proc/vmstat", O_RDONLY);
	loadavg_fd = open_or_die("/proc/loadavg", O_RDONLY);
	open_shrink_files();
	/* A first reading now: the seq_file buffers stay for the later ones. */
	measure(c);

	while (fgets(line, sizeof(line), stdin)) {
		for (pass = 0; pass < passes; pass++) {
			if (pass)
				nanosleep(&pause, NULL);
			measure(c);
			for (i = 0; i < NR_COUNTERS; i++)
				if (!pass || c[i] < least[i])
					least[i] = c[i];
		}
		for (i = 0; i < NR_COUNTERS; i++)
			printf("%s=%lld%c", names[i], least[i],
			       i == NR_COUNTERS - 1 ? '\n' : ' ');
		fflush(stdout);
	}
	return 0;
}
