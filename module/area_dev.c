// SPDX-License-Identifier: GPL-2.0-only
/*
 * Areas as programs see them: the ioctls of EDU_IOC_NR_AREA.  Each handler
 * copies its argument in, validates it, calls area.c and copies the answer
 * out; no lock is held across a user copy.  mmap() and the faults are in
 * area.c.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/nospec.h>
#include <linux/shmem_fs.h>
#include <linux/uaccess.h>

#include "area.h"
#include "buddy.h"
#include "edualloc.h"
#include "swap.h"

/*
 * The file a file-backed area maps (EDU_AREA_FILE), with a reference: open
 * for reading and writing (-EACCES, as mmap(MAP_SHARED, PROT_WRITE) says),
 * a regular file whose page cache can be read as a fault reads it, not
 * O_APPEND (kernel_write() would append) nor O_DIRECT, and no shorter
 * than the area (-EINVAL: extend it first, as for mmap()).
 */
static int edu_area_file_get(u64 fd, u64 pages, struct file **filep)
{
	struct file *file;
	struct inode *inode;
	int ret = -EINVAL;

	if (fd > INT_MAX)
		return -EBADF;
	file = fget(fd);
	if (!file)
		return -EBADF;
	inode = file_inode(file);
	if ((file->f_mode & (FMODE_READ | FMODE_WRITE)) !=
	    (FMODE_READ | FMODE_WRITE)) {
		ret = -EACCES;
		goto err;
	}
	if (!S_ISREG(inode->i_mode) || (file->f_flags & (O_APPEND | O_DIRECT)))
		goto err;
	if (!shmem_mapping(file->f_mapping) &&
	    !file->f_mapping->a_ops->read_folio)
		goto err;
	if (i_size_read(inode) < (loff_t)pages << PAGE_SHIFT)
		goto err;
	*filep = file;
	return 0;
err:
	fput(file);
	return ret;
}

static long edu_ioctl_area_create(struct edu_file *ef, void __user *uarg)
{
	struct file *file = NULL;
	struct edu_area_create c;
	struct edu_swap_stat swap;
	struct edu_area *a;
	int nid = NUMA_NO_NODE, ret;

	if (copy_from_user(&c, uarg, sizeof(c)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&c) || c.handle || c.mmap_offset ||
	    (c.fd && !(c.flags & EDU_AREA_FILE)) ||
	    (c.flags & ~EDU_AREA_FLAGS) || !c.pages ||
	    c.pages > EDU_AREA_MAX_PAGES || c.policy >= EDU_AREA_NR_POLICIES)
		return -EINVAL;
	if (c.policy == EDU_AREA_POLICY_NODE) {
		/* Bound to one node: one with a pool. */
		if (c.node == EDU_NODE_LOCAL || edu_uapi_node(c.node, &nid) ||
		    !edu_nodes[nid])
			return -EINVAL;
	} else if (c.node) {
		return -EINVAL;
	}
	if (c.flags & EDU_AREA_FILE) {
		ret = edu_area_file_get(c.fd, c.pages, &file);
		if (ret)
			return ret;
	} else {
		/*
		 * More than the pools (grown to their caps) and swap together
		 * could never be present.
		 */
		edu_swap_stat(&swap);
		if (c.pages > edu_pool_cap_pages() + swap.slots)
			return -ENOMEM;
	}

	a = edu_area_create(ef, c.pages, c.policy, nid, file, &ret);
	if (!a) {
		if (file)
			fput(file);
		return ret;
	}
	ret = edu_handle_add(ef, &a->obj, &c.handle);
	if (ret) {
		edu_obj_put(&a->obj);
		return ret;
	}
	edu_area_publish(a, c.handle);
	c.mmap_offset = (u64)a->pgoff << PAGE_SHIFT;
	if (copy_to_user(uarg, &c, sizeof(c))) {
		/* The caller cannot learn the handle: do not leak the area. */
		edu_handle_free(ef, c.handle, EDU_OBJ_AREA);
		return -EFAULT;
	}
	return 0;
}

static long edu_ioctl_area_info(struct edu_file *ef, void __user *uarg)
{
	struct edu_area_info in, out = { 0 };
	struct edu_area_page *p;
	struct edu_obj *obj;
	struct edu_area *a;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&in))
		return -EINVAL;
	obj = edu_handle_get(ef, in.handle, EDU_OBJ_AREA);
	if (!obj)
		return -EINVAL;
	a = container_of(obj, struct edu_area, obj);
	if (in.page >= a->pages) {
		edu_obj_put(obj);
		return -EINVAL;
	}
	out.handle = in.handle;
	out.page = in.page;
	out.pages = a->pages;
	out.policy = a->policy;
	out.node = a->policy == EDU_AREA_POLICY_NODE ? a->nid : 0;
	out.flags = a->file ? EDU_AREA_FILE : 0;
	out.mmap_offset = (u64)a->pgoff << PAGE_SHIFT;
	out.mappings = atomic_read(&a->mappings);
	p = &a->map[array_index_nospec(in.page, a->pages)];

	mutex_lock(&a->lock);
	out.present = a->present;
	out.faults_minor = a->faults_minor;
	out.faults_major = a->faults_major;
	out.zero_fills = a->zero_fills;
	out.faults_sigbus = a->faults_sigbus;
	out.swapped = a->swapped;
	out.dirty = a->dirty;
	out.written = a->written;
	out.page_node = EDU_NODE_NONE;
	out.page_state = p->state == EDU_AP_PRESENT ? EDU_AREA_PAGE_PRESENT :
			 p->state == EDU_AP_SWAPPED ? EDU_AREA_PAGE_SWAPPED :
			 EDU_AREA_PAGE_NONE;
	if (p->state == EDU_AP_PRESENT) {
		/* Written under the lruvec lock: a snapshot. */
		unsigned long lru = data_race(READ_ONCE(p->lru.flags));

		out.page_lru = (lru & EDU_LRU_PG_LRU ? EDU_AREA_LRU_ON : 0) |
			(lru & EDU_LRU_PG_ACTIVE ? EDU_AREA_LRU_ACTIVE : 0) |
			(lru & EDU_LRU_PG_REFERENCED ?
			 EDU_AREA_LRU_REFERENCED : 0) |
			(p->flags & EDU_APF_DIRTY ? EDU_AREA_LRU_DIRTY : 0) |
			(p->flags & EDU_APF_WRITEBACK ?
			 EDU_AREA_LRU_WRITEBACK : 0);
		out.page_node = p->nid;
		if (ef->privileged)
			out.page_pfn = edu_idx_to_pfn(edu_nodes[p->nid],
						      p->idx);
	}
	mutex_unlock(&a->lock);
	edu_obj_put(obj);
	return copy_to_user(uarg, &out, sizeof(out)) ? -EFAULT : 0;
}

long edu_area_ioctl(struct edu_file *ef, unsigned int cmd, void __user *arg)
{
	switch (cmd) {
	case EDU_IOC_AREA_CREATE:
		return edu_ioctl_area_create(ef, arg);
	case EDU_IOC_AREA_INFO:
		return edu_ioctl_area_info(ef, arg);
	case EDU_IOC_AREA_DESTROY:
		return edu_ioctl_handle_free(ef, arg, EDU_OBJ_AREA);
	}
	return -ENOTTY;
}
