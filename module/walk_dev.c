// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page-table walker as programs see it: the ioctls of EDU_IOC_NR_WALK.  Each
 * handler copies its argument in, validates it, calls the walker (pgwalk.c,
 * addrspace.c) and copies the answer out.  Long answers go out a chunk at
 * a time: the walker fills a kernel buffer under the target's mmap lock,
 * and the copy to user space happens only once the lock is dropped (the
 * target may be the caller, whose fault would take that lock again).
 */
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "edualloc.h"
#include "pgwalk.h"

/* Pages translated per mmap_read_lock hold in EDU_IOC_WALK_RANGE. */
#define EDU_RANGE_CHUNK		1024
/* VMAs described per hold of the mmap lock in EDU_IOC_VMA_LIST. */
#define EDU_VMA_CHUNK		16

static long edu_ioctl_walk(struct edu_file *ef, void __user *uarg)
{
	struct edu_walk w;
	int ret;

	if (copy_from_user(&w, uarg, sizeof(w)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&w))
		return -EINVAL;
	ret = edu_walk_one(w.pid, w.addr, ef->privileged, &w);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &w, sizeof(w)))
		return -EFAULT;
	return 0;
}

/*
 * EDU_IOC_WALK_RANGE: EDU_RANGE_CHUNK pages per hold of the mmap lock,
 * copied out after dropping it.  Each chunk is a snapshot of its own.
 */
static long edu_ioctl_walk_range(struct edu_file *ef, void __user *uarg)
{
	struct edu_walk_range r;
	struct edu_walk_page __user *upages;
	struct edu_walk_page *buf;
	struct edu_pt_walk w;
	unsigned long start, end, limit, addr, stop;
	struct mm_struct *mm;
	u64 last;
	long ret = 0;

	if (copy_from_user(&r, uarg, sizeof(r)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&r))
		return -EINVAL;
	if (!r.len || !r.max || r.max > EDU_WALK_RANGE_MAX)
		return -EINVAL;
	if (check_add_overflow(r.start, r.len - 1, &last) ||
	    last > TASK_SIZE_MAX)
		return -EINVAL;
	upages = u64_to_user_ptr(r.pages);
	if (!access_ok(upages, r.max * sizeof(*upages)))
		return -EFAULT;

	start = r.start & PAGE_MASK;
	end = (last | ~PAGE_MASK) + 1;
	limit = start + (r.max << PAGE_SHIFT);
	if (limit > end || limit < start)
		limit = end;

	mm = edu_target_mm(r.pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	if (end > mm->task_size) {
		ret = -EINVAL;
		goto out_mm;
	}
	buf = kvmalloc_array(EDU_RANGE_CHUNK, sizeof(*buf), GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out_mm;
	}

	r.nr = 0;
	r.resident = 0;
	r.huge = 0;
	r.swapped = 0;
	for (addr = start; addr < limit; addr = stop) {
		stop = min(limit, addr + (EDU_RANGE_CHUNK << PAGE_SHIFT));
		memset(&w, 0, sizeof(w));
		w.mm = mm;
		w.out = buf;
		ret = edu_walk_range_chunk(&w, addr, stop, ef->privileged);
		if (ret)
			goto out_buf;
		if (copy_to_user(upages + r.nr, buf, w.nr * sizeof(*buf))) {
			ret = -EFAULT;
			goto out_buf;
		}
		r.nr += w.nr;
		r.resident += w.resident;
		r.huge += w.huge;
		r.swapped += w.swapped;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto out_buf;
		}
	}
	r.next = limit < end ? limit : 0;
	if (copy_to_user(uarg, &r, sizeof(r)))
		ret = -EFAULT;
out_buf:
	kvfree(buf);
out_mm:
	mmput(mm);
	return ret;
}

static long edu_ioctl_kwalk(struct edu_file *ef, void __user *uarg)
{
	struct edu_kwalk k;
	int ret;

	if (copy_from_user(&k, uarg, sizeof(k)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&k))
		return -EINVAL;
	if (!ef->privileged)
		return -EPERM;
	ret = edu_kwalk_one(&k);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &k, sizeof(k)))
		return -EFAULT;
	return 0;
}

static long edu_ioctl_vma_list(struct edu_file *ef, void __user *uarg)
{
	struct edu_vma __user *uvmas;
	struct edu_vma_list l;
	unsigned long start;
	struct mm_struct *mm;
	struct edu_vma *buf;
	long ret = 0;
	int n;

	if (copy_from_user(&l, uarg, sizeof(l)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&l))
		return -EINVAL;
	if (!l.max || l.max > EDU_VMA_MAX)
		return -EINVAL;
	uvmas = u64_to_user_ptr(l.vmas);
	if (!access_ok(uvmas, l.max * sizeof(*uvmas)))
		return -EFAULT;

	mm = edu_target_mm(l.pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	buf = kmalloc_array(EDU_VMA_CHUNK, sizeof(*buf), GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out_mm;
	}

	start = l.start;
	l.nr = 0;
	do {
		n = edu_vmas_get(mm, start, buf,
				 min_t(u64, EDU_VMA_CHUNK, l.max - l.nr),
				 &start);
		if (n < 0) {
			ret = n;
			goto out_buf;
		}
		if (copy_to_user(uvmas + l.nr, buf, n * sizeof(*buf))) {
			ret = -EFAULT;
			goto out_buf;
		}
		l.nr += n;
	} while (start && l.nr < l.max);
	l.next = start;
	if (copy_to_user(uarg, &l, sizeof(l)))
		ret = -EFAULT;
out_buf:
	kfree(buf);
out_mm:
	mmput(mm);
	return ret;
}

static long edu_ioctl_layout(struct edu_file *ef, void __user *uarg)
{
	struct edu_layout l;

	edu_layout_get(&l, ef->privileged);
	if (copy_to_user(uarg, &l, sizeof(l)))
		return -EFAULT;
	return 0;
}

static long edu_ioctl_pfn_info(struct edu_file *ef, void __user *uarg)
{
	struct edu_pfn_info p;
	u64 pfn;

	if (copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&p))
		return -EINVAL;
	if (!ef->privileged)
		return -EPERM;
	pfn = p.pfn;
	memset(&p, 0, sizeof(p));
	p.pfn = pfn;
	if (pfn == (unsigned long)pfn)
		edu_pfn_describe(&p);
	if (copy_to_user(uarg, &p, sizeof(p)))
		return -EFAULT;
	return 0;
}

long edu_walk_ioctl(struct edu_file *ef, unsigned int cmd, void __user *arg)
{
	switch (cmd) {
	case EDU_IOC_WALK:
		return edu_ioctl_walk(ef, arg);
	case EDU_IOC_WALK_RANGE:
		return edu_ioctl_walk_range(ef, arg);
	case EDU_IOC_VMA_LIST:
		return edu_ioctl_vma_list(ef, arg);
	case EDU_IOC_LAYOUT:
		return edu_ioctl_layout(ef, arg);
	case EDU_IOC_PFN_INFO:
		return edu_ioctl_pfn_info(ef, arg);
	case EDU_IOC_KWALK:
		return edu_ioctl_kwalk(ef, arg);
	}
	return -ENOTTY;
}

int edu_walk_init(void)
{
	int ret;

	ret = edu_kbuf_init();
	if (ret)
		return ret;
	edu_walk_debugfs_init();
	return 0;
}

void edu_walk_exit(void)
{
	/* Waits for readers of our files, which may look at the buffers. */
	edu_walk_debugfs_exit();
	edu_kbuf_exit();
}
