// SPDX-License-Identifier: GPL-2.0-only
/*
 * The slab allocator as programs see it: the ioctls of EDU_IOC_NR_SLAB.  Each
 * handler copies its argument in, validates it, calls the allocator (slab.c,
 * kmalloc.c, slab_debug.c) and copies the answer out.  The debugfs views
 * and the control file are in slab_debugfs.c.
 *
 * A cache handle (struct edu_ucache) owns its cache.  Each object handle
 * (struct edu_uobj) holds a reference on its cache handle and counts in
 * @nr_live, so a cache is never freed under its objects.  Destroy takes
 * @sem for writing and refuses while @nr_live is not zero; allocation
 * holds it for reading across the allocation and the @nr_live increment,
 * so no object can appear in a cache that destroy has just found empty.
 * Frees need no lock: they only decrement @nr_live afterwards.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": slab: " fmt

#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "pool.h"
#include "slab.h"

/* The tracepoints of trace_slab.h are instantiated here, once. */
#define CREATE_TRACE_POINTS
#include "trace_slab.h"

struct edu_ucache {
	struct edu_obj obj;
	struct edu_cache *cache;
	struct rw_semaphore sem;	/* read: allocating; write: destroy */
	atomic_long_t nr_live;		/* objects owned by handles */
	bool dead;			/* destroyed: under @sem */
	u64 handle;			/* set once, after the handle exists */
};

struct edu_uobj {
	struct edu_obj obj;
	struct edu_ucache *uc;		/* NULL: a kmalloc-class object */
	void *addr;
	size_t size;			/* bytes the caller may use */
	/*
	 * A freeing EDU_CORRUPT_* kind, set by EDU_IOC_OBJ_CORRUPT once it has
	 * taken the handle: the damaging free then happens in release, when
	 * the last reference goes, so a read or write that still holds one
	 * never touches a freed object.
	 */
	unsigned int corrupt_kind;
};

static void edu_ucache_release(struct edu_obj *obj)
{
	struct edu_ucache *uc = container_of(obj, struct edu_ucache, obj);

	/* No object is left (each holds a reference): cannot fail. */
	WARN_ONCE(edu_cache_destroy(uc->cache), "edualloc: cache %s leaked\n",
		  uc->cache->name);
	kfree(uc);
}

static void edu_uobj_release(struct edu_obj *obj)
{
	struct edu_uobj *uo = container_of(obj, struct edu_uobj, obj);

	if (uo->uc) {
		if (uo->corrupt_kind)
			edu_debug_corrupt(uo->uc->cache, uo->addr,
					  uo->corrupt_kind, NULL);
		else
			edu_cache_free(uo->uc->cache, uo->addr);
		atomic_long_dec(&uo->uc->nr_live);
		edu_obj_put(&uo->uc->obj);
	} else {
		edu_kfree(uo->addr);
	}
	kfree(uo);
}

/* Names show up in slabinfo and debugfs: no spaces, no slashes. */
bool edu_cache_name_ok(const char *name)
{
	size_t len = strnlen(name, EDU_CACHE_NAME_LEN);
	size_t i;

	if (!len || len == EDU_CACHE_NAME_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!isgraph(name[i]) || name[i] == '/')
			return false;
	return true;
}

static long edu_ioctl_cache_create(struct edu_file *ef, void __user *uarg)
{
	struct edu_cache_create a;
	struct edu_ucache *uc;
	struct edu_cache *c;
	int nid, ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&a) || a.cache_id || a.obj_stride ||
	    a.objs_per_slab || a.slab_order || !edu_cache_name_ok(a.name) ||
	    !a.size || a.size > EDU_OBJ_MAX_SIZE ||
	    (a.flags & ~EDU_CACHE_FLAGS) || a.align > PAGE_SIZE ||
	    (a.align && !is_power_of_2(a.align)))
		return -EINVAL;
	ret = edu_uapi_node(a.node, &nid);
	if (ret)
		return ret;
	uc = kzalloc(sizeof(*uc), GFP_KERNEL_ACCOUNT);
	if (!uc)
		return -ENOMEM;
	c = edu_cache_create(a.name, a.size, a.align, a.flags, nid, false);
	if (IS_ERR(c)) {
		kfree(uc);
		return PTR_ERR(c);
	}
	uc->cache = c;
	init_rwsem(&uc->sem);
	atomic_long_set(&uc->nr_live, 0);
	edu_obj_init(&uc->obj, EDU_OBJ_CACHE, edu_ucache_release);
	ret = edu_handle_add(ef, &uc->obj, &a.cache_id);
	if (ret) {
		edu_obj_put(&uc->obj);
		return ret;
	}
	uc->handle = a.cache_id;
	a.obj_stride = c->stride;
	a.objs_per_slab = c->objects;
	a.slab_order = c->order;
	if (copy_to_user(uarg, &a, sizeof(a))) {
		struct edu_obj *obj = edu_handle_take(ef, a.cache_id,
						      EDU_OBJ_CACHE);

		if (obj)
			edu_obj_put(obj);
		return -EFAULT;
	}
	return 0;
}

static long edu_ioctl_cache_destroy(struct edu_file *ef, void __user *uarg)
{
	struct edu_handle_arg h;
	struct edu_ucache *uc;
	struct edu_obj *obj;
	long live;

	if (copy_from_user(&h, uarg, sizeof(h)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&h))
		return -EINVAL;
	obj = edu_handle_get(ef, h.handle, EDU_OBJ_CACHE);
	if (!obj)
		return -EINVAL;
	uc = container_of(obj, struct edu_ucache, obj);
	down_write(&uc->sem);
	live = atomic_long_read(&uc->nr_live);
	if (uc->dead || live) {
		bool dead = uc->dead;

		up_write(&uc->sem);
		if (!dead)
			pr_info("cache %s: %ld objects still in use, not destroyed\n",
				uc->cache->name, live);
		edu_obj_put(obj);
		return dead ? -EINVAL : -EBUSY;
	}
	uc->dead = true;
	up_write(&uc->sem);
	/* Drops the table's reference; ours is the last: destroys. */
	obj = edu_handle_take(ef, h.handle, EDU_OBJ_CACHE);
	if (obj)
		edu_obj_put(obj);
	edu_obj_put(&uc->obj);
	return 0;
}

static int edu_obj_alloc_one(struct edu_file *ef, u64 cache_id, u64 size,
			     int nid, u64 *handle)
{
	struct edu_ucache *uc = NULL;
	struct edu_uobj *uo;
	void *addr;
	int ret;

	if (cache_id ? size != 0 : (!size || size > EDU_OBJ_MAX_SIZE))
		return -EINVAL;
	uo = kzalloc(sizeof(*uo), GFP_KERNEL_ACCOUNT);
	if (!uo)
		return -ENOMEM;
	if (cache_id) {
		struct edu_obj *obj = edu_handle_get(ef, cache_id,
						     EDU_OBJ_CACHE);

		ret = -EINVAL;
		if (!obj)
			goto err_uo;
		uc = container_of(obj, struct edu_ucache, obj);
		down_read(&uc->sem);
		addr = uc->dead ? NULL : edu_cache_alloc(uc->cache, nid);
		if (addr)
			atomic_long_inc(&uc->nr_live);
		else
			ret = uc->dead ? -EINVAL : -ENOMEM;
		up_read(&uc->sem);
		if (!addr) {
			edu_obj_put(obj);
			goto err_uo;
		}
		size = uc->cache->size;
	} else {
		addr = edu_kmalloc(size, nid);
		ret = -ENOMEM;
		if (!addr)
			goto err_uo;
	}
	/* Programs see the bytes: no stale data, no freelist pointers. */
	memset(addr, 0, size);
	uo->uc = uc;	/* the handle's reference on the cache */
	uo->addr = addr;
	uo->size = size;
	edu_obj_init(&uo->obj, EDU_OBJ_SLAB_OBJ, edu_uobj_release);
	ret = edu_handle_add(ef, &uo->obj, handle);
	if (ret)
		edu_obj_put(&uo->obj);
	return ret;

err_uo:
	kfree(uo);
	return ret;
}

static long edu_ioctl_obj_alloc(struct edu_file *ef, void __user *uarg)
{
	struct edu_obj_alloc a;
	int nid, ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&a) || a.handle)
		return -EINVAL;
	ret = edu_uapi_node(a.node, &nid);
	if (ret)
		return ret;
	ret = edu_obj_alloc_one(ef, a.cache_id, a.size, nid, &a.handle);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &a, sizeof(a))) {
		edu_handle_free(ef, a.handle, EDU_OBJ_SLAB_OBJ);
		return -EFAULT;
	}
	return 0;
}

static long edu_ioctl_obj_free(struct edu_file *ef, void __user *uarg)
{
	return edu_ioctl_handle_free(ef, uarg, EDU_OBJ_SLAB_OBJ);
}

static long edu_ioctl_obj_batch(struct edu_file *ef, void __user *uarg)
{
	struct edu_obj_batch b;
	u64 __user *uh;
	u64 *handles;
	long ret = 0;
	u64 i;

	if (copy_from_user(&b, uarg, sizeof(b)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&b) || b.done || !b.nr || b.nr > EDU_BATCH_MAX ||
	    (b.op != EDU_OP_ALLOC && b.op != EDU_OP_FREE) ||
	    (b.op == EDU_OP_FREE && (b.cache_id || b.size)))
		return -EINVAL;
	uh = u64_to_user_ptr(b.handles);
	/* Sized by the caller: fail quietly, with -ENOMEM. */
	handles = kvmalloc_array(b.nr, sizeof(*handles),
				 GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!handles)
		return -ENOMEM;
	if (b.op == EDU_OP_FREE &&
	    copy_from_user(handles, uh, b.nr * sizeof(*handles))) {
		ret = -EFAULT;
		goto out;
	}
	for (i = 0; i < b.nr; i++) {
		if (b.op == EDU_OP_ALLOC)
			ret = edu_obj_alloc_one(ef, b.cache_id, b.size,
						NUMA_NO_NODE, &handles[i]);
		else
			ret = edu_handle_free(ef, handles[i], EDU_OBJ_SLAB_OBJ);
		if (ret)
			break;
		if (!(i & 63)) {
			if (fatal_signal_pending(current)) {
				ret = -EINTR;
				i++;	/* this one is done */
				break;
			}
			cond_resched();
		}
	}
	b.done = i;
	if (b.op == EDU_OP_ALLOC && i &&
	    copy_to_user(uh, handles, i * sizeof(*handles))) {
		/* The caller cannot learn the handles: free them. */
		while (i--)
			edu_handle_free(ef, handles[i], EDU_OBJ_SLAB_OBJ);
		ret = -EFAULT;
		goto out;
	}
	if (copy_to_user(uarg, &b, sizeof(b)))
		ret = -EFAULT;
out:
	kvfree(handles);
	return ret;
}

static long edu_ioctl_obj_rw(struct edu_file *ef, void __user *uarg,
			     bool write)
{
	struct edu_uobj *uo;
	struct edu_obj_rw rw;
	struct edu_obj *obj;
	void __user *ubuf;
	long ret = 0;

	if (copy_from_user(&rw, uarg, sizeof(rw)))
		return -EFAULT;
	if (!EDU_RESERVED_OK(&rw))
		return -EINVAL;
	obj = edu_handle_get(ef, rw.handle, EDU_OBJ_SLAB_OBJ);
	if (!obj)
		return -EINVAL;
	uo = container_of(obj, struct edu_uobj, obj);
	ubuf = u64_to_user_ptr(rw.buf);
	if (rw.len > uo->size || rw.offset > uo->size - rw.len)
		ret = -EINVAL;
	else if (write)
		ret = copy_from_user(uo->addr + rw.offset, ubuf, rw.len) ?
		      -EFAULT : 0;
	else
		ret = copy_to_user(ubuf, uo->addr + rw.offset, rw.len) ?
		      -EFAULT : 0;
	edu_obj_put(obj);
	return ret;
}

static long edu_ioctl_obj_info(struct edu_file *ef, void __user *uarg)
{
	struct edu_obj_info in, info = {};
	struct edu_uobj *uo;
	struct edu_obj *obj;
	struct edu_slab *s;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	info.handle = in.handle;
	/* Everything but the handle is output and must come in as zero. */
	if (memcmp(&in, &info, sizeof(in)))
		return -EINVAL;
	obj = edu_handle_get(ef, in.handle, EDU_OBJ_SLAB_OBJ);
	if (!obj)
		return -EINVAL;
	uo = container_of(obj, struct edu_uobj, obj);
	info.cache_id = uo->uc ? uo->uc->handle : 0;
	info.size = uo->size;
	s = edu_slab_of(uo->addr);
	if (s) {
		info.node = s->node->nid;
		info.offset = uo->addr - s->base;
		info.slab_id = s->id;
		if (ef->privileged)
			info.slab_pfn = edu_idx_to_pfn(s->node, s->idx);
	} else {
		/* A large kmalloc block: the object is the whole block. */
		unsigned long idx;
		struct edu_node *n = edu_pfn_to_idx(page_to_pfn(virt_to_page(uo->addr)),
						    &idx);

		info.node = n ? n->nid : 0;
		if (ef->privileged)
			info.slab_pfn = page_to_pfn(virt_to_page(uo->addr));
	}
	if (ef->privileged)
		info.addr = (unsigned long)uo->addr;
	edu_obj_put(obj);
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static bool edu_corrupt_frees(u64 kind)
{
	return kind == EDU_CORRUPT_USE_AFTER_FREE ||
	       kind == EDU_CORRUPT_DOUBLE_FREE || kind == EDU_CORRUPT_FREELIST;
}

static long edu_ioctl_obj_corrupt(struct edu_file *ef, void __user *uarg)
{
	struct edu_obj *obj, *other_obj = NULL, *taken;
	struct edu_cache *other = NULL;
	struct edu_corrupt_arg a;
	struct edu_uobj *uo;
	long ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	/* Only a wrong-cache free names a second cache. */
	if (!EDU_RESERVED_OK(&a) ||
	    (a.kind == EDU_CORRUPT_WRONG_CACHE ? !a.cache_id : !!a.cache_id))
		return -EINVAL;
	obj = edu_handle_get(ef, a.handle, EDU_OBJ_SLAB_OBJ);
	if (!obj)
		return -EINVAL;
	uo = container_of(obj, struct edu_uobj, obj);
	ret = -EINVAL;
	if (!uo->uc || !edu_cache_debug(uo->uc->cache))
		goto out;
	if (a.cache_id) {
		other_obj = edu_handle_get(ef, a.cache_id, EDU_OBJ_CACHE);
		if (!other_obj)
			goto out;
		other = container_of(other_obj, struct edu_ucache, obj)->cache;
	}
	ret = edu_debug_corrupt_check(uo->uc->cache, a.kind, other);
	if (ret)
		goto out;
	if (edu_corrupt_frees(a.kind)) {
		/*
		 * The object is freed: its handle goes with it.  Only the
		 * thread that takes the handle sets the kind; the free itself
		 * waits for the last reference (edu_uobj_release()), which is
		 * ours unless another thread is inside a read or a write.
		 */
		taken = edu_handle_take(ef, a.handle, EDU_OBJ_SLAB_OBJ);
		ret = -EINVAL;
		if (!taken)
			goto out;
		uo->corrupt_kind = a.kind;
		edu_obj_put(taken);
		ret = 0;
	} else {
		edu_debug_corrupt(uo->uc->cache, uo->addr, a.kind, other);
	}
out:
	if (other_obj)
		edu_obj_put(other_obj);
	edu_obj_put(obj);
	return ret;
}

long edu_slab_ioctl(struct edu_file *ef, unsigned int cmd, void __user *arg)
{
	switch (cmd) {
	case EDU_IOC_CACHE_CREATE:
		return edu_ioctl_cache_create(ef, arg);
	case EDU_IOC_CACHE_DESTROY:
		return edu_ioctl_cache_destroy(ef, arg);
	case EDU_IOC_OBJ_ALLOC:
		return edu_ioctl_obj_alloc(ef, arg);
	case EDU_IOC_OBJ_FREE:
		return edu_ioctl_obj_free(ef, arg);
	case EDU_IOC_OBJ_BATCH:
		return edu_ioctl_obj_batch(ef, arg);
	case EDU_IOC_OBJ_READ:
		return edu_ioctl_obj_rw(ef, arg, false);
	case EDU_IOC_OBJ_WRITE:
		return edu_ioctl_obj_rw(ef, arg, true);
	case EDU_IOC_OBJ_INFO:
		return edu_ioctl_obj_info(ef, arg);
	case EDU_IOC_OBJ_CORRUPT:
		return edu_ioctl_obj_corrupt(ef, arg);
	}
	return -ENOTTY;
}
