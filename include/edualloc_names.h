/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Words for what the page-table walker reports: table levels, PTE flags and
 * regions of the kernel's address space.  Shared by the module's debugfs
 * views and the edu tool (tools/edu.c), so that both say the same thing.
 * Names only, not ABI: the values are in the uapi header.
 */
#ifndef _EDUALLOC_NAMES_H
#define _EDUALLOC_NAMES_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <uapi/linux/edualloc.h>
#else
#include <linux/edualloc.h>
#endif

static const char *const edu_level_names[EDU_NR_LEVELS] = {
	"PGD", "P4D", "PUD", "PMD", "PTE",
};

static const struct edu_flag_name {
	__u64 bit;
	const char *name;
} edu_pte_flag_names[] = {
	{ EDU_PTE_PRESENT, "present" },
	{ EDU_PTE_PROT_NONE, "PROT_NONE" },
	{ EDU_PTE_WRITE, "write" },
	{ EDU_PTE_USER, "user" },
	{ EDU_PTE_PWT, "write-through" },
	{ EDU_PTE_PCD, "uncached" },
	{ EDU_PTE_ACCESSED, "accessed" },
	{ EDU_PTE_DIRTY, "dirty" },
	{ EDU_PTE_HUGE, "huge" },
	{ EDU_PTE_GLOBAL, "global" },
	{ EDU_PTE_PAT, "PAT" },
	{ EDU_PTE_NX, "NX" },
	{ EDU_PTE_SOFT_DIRTY, "soft-dirty" },
	{ EDU_PTE_SPECIAL, "special" },
	{ EDU_PTE_UFFD_WP, "uffd-wp" },
	{ EDU_PTE_DEVMAP, "devmap" },
};

static const char *const edu_region_names[EDU_NR_REGIONS] = {
	[EDU_REGION_USER] = "user space",
	[EDU_REGION_DIRECT_MAP] = "direct map of all RAM",
	[EDU_REGION_VMALLOC] = "vmalloc/ioremap space",
	[EDU_REGION_VMEMMAP] = "vmemmap: struct page array",
	[EDU_REGION_CPU_ENTRY] = "cpu_entry_area",
	[EDU_REGION_ESPFIX] = "%esp fixup stacks",
	[EDU_REGION_EFI] = "EFI runtime services",
	[EDU_REGION_KERNEL_IMAGE] = "kernel image window",
	[EDU_REGION_KERNEL_TEXT] = "kernel text (from the tables)",
	[EDU_REGION_MODULES] = "module space",
	[EDU_REGION_THIS_MODULE] = "edualloc.ko itself",
	[EDU_REGION_FIXMAP] = "fixmap",
	[EDU_REGION_LDT_REMAP] = "LDT remap for PTI",
};

#endif /* _EDUALLOC_NAMES_H */
