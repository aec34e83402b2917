/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel API differences between the releases edualloc builds on (Debian's
 * 6.1 and 6.12), in this one file: the sources call the neutral helpers
 * below and test no version.  For 6.1 each helper is exactly the code the
 * sources used before it existed.  Kernel-only: the host tests never
 * include it.
 */
#ifndef _EDU_COMPAT_H
#define _EDU_COMPAT_H

#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/version.h>

/* 6.3: vma->vm_flags is read-only, set through vm_flags_set(). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define edu_vm_flags_set(vma, flags)	vm_flags_set(vma, flags)
#else
#define edu_vm_flags_set(vma, flags)	((vma)->vm_flags |= (flags))
#endif

/*
 * 6.4: struct module's core_layout is split into mem[MOD_TEXT], MOD_DATA,
 * ...; the text, where the core image starts, stands for it.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define edu_module_core_base(mod)	((mod)->mem[MOD_TEXT].base)
#define edu_module_core_size(mod)	((mod)->mem[MOD_TEXT].size)
#else
#define edu_module_core_base(mod)	((mod)->core_layout.base)
#define edu_module_core_size(mod)	((mod)->core_layout.size)
#endif

/*
 * The number of page orders of the kernel's buddy allocator.  6.4: MAX_ORDER
 * is the largest order, no longer the count; 6.8: it is MAX_PAGE_ORDER, with
 * NR_PAGE_ORDERS the count.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define EDU_KERNEL_NR_ORDERS		NR_PAGE_ORDERS
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define EDU_KERNEL_NR_ORDERS		(MAX_ORDER + 1)
#else
#define EDU_KERNEL_NR_ORDERS		MAX_ORDER
#endif

#endif /* _EDU_COMPAT_H */
