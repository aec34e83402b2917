/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Words for what the page-table walker reports: table levels, PTE flags,
 * the results of walks, kinds of frames, classes of VMAs and regions of the
 * kernel's address space.  Shared by the module's debugfs views and the edu
 * tool (tools/edu.c), so that both say the same thing.  Names only, not
 * ABI: the values are in the uapi header.
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

#define EDU_NR_WALK_RESULTS	(EDU_WALK_BAD + 1)
#define EDU_NR_PAGE_KINDS	(EDU_PAGE_OTHER + 1)
#define EDU_NR_VMA_CLASSES	(EDU_VMA_CLASS_SPECIAL + 1)

/* edu_walk_page.result, in one column-sized word (0 is none) */
static const char *const edu_walk_result_short_names[EDU_NR_WALK_RESULTS] = {
	[EDU_WALK_NO_VMA] = "no-vma",
	[EDU_WALK_NOT_PRESENT] = "not-present",
	[EDU_WALK_PTE] = "pte",
	[EDU_WALK_PMD_LEAF] = "pmd-leaf",
	[EDU_WALK_PUD_LEAF] = "pud-leaf",
	[EDU_WALK_PROT_NONE] = "prot-none",
	[EDU_WALK_NUMA_HINT] = "numa-hint",
	[EDU_WALK_SWAPPED] = "swapped",
	[EDU_WALK_MIGRATING] = "migrating",
	[EDU_WALK_OTHER] = "other",
	[EDU_WALK_BAD] = "bad",
};

/* edu_walk_page.kind, in words and in one column-sized word */
static const char *const edu_page_kind_names[EDU_NR_PAGE_KINDS] = {
	[EDU_PAGE_NONE] = "no frame",
	[EDU_PAGE_ANON] = "anonymous memory",
	[EDU_PAGE_FILE] = "page cache (a file's data)",
	[EDU_PAGE_ZERO] = "the shared zero page",
	[EDU_PAGE_HUGE_ZERO] = "the shared huge zero page",
	[EDU_PAGE_SPECIAL] = "a PFN map (no struct page in use)",
	[EDU_PAGE_POOL] = "a frame of an edualloc pool",
	[EDU_PAGE_KERNEL] = "kernel memory",
	[EDU_PAGE_OTHER] = "a page of unknown use",
};

static const char *const edu_page_kind_short_names[EDU_NR_PAGE_KINDS] = {
	[EDU_PAGE_NONE] = "-",
	[EDU_PAGE_ANON] = "anon",
	[EDU_PAGE_FILE] = "file",
	[EDU_PAGE_ZERO] = "zero",
	[EDU_PAGE_HUGE_ZERO] = "hugezero",
	[EDU_PAGE_SPECIAL] = "special",
	[EDU_PAGE_POOL] = "pool",
	[EDU_PAGE_KERNEL] = "kernel",
	[EDU_PAGE_OTHER] = "other",
};

/* edu_vma.class, edu_walk.vm_class */
static const char *const edu_vma_class_names[EDU_NR_VMA_CLASSES] = {
	[EDU_VMA_CLASS_NONE] = "-",
	[EDU_VMA_CLASS_ANON] = "anon",
	[EDU_VMA_CLASS_TEXT] = "text",
	[EDU_VMA_CLASS_RODATA] = "rodata",
	[EDU_VMA_CLASS_DATA] = "data",
	[EDU_VMA_CLASS_BSS] = "bss",
	[EDU_VMA_CLASS_HEAP] = "heap",
	[EDU_VMA_CLASS_STACK] = "stack",
	[EDU_VMA_CLASS_FILE] = "file",
	[EDU_VMA_CLASS_VDSO] = "vdso",
	[EDU_VMA_CLASS_SPECIAL] = "special",
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

/* The name of a value from the module, "?" for one this header predates. */
static inline const char *edu_walk_result_short(__u64 result)
{
	return result < EDU_NR_WALK_RESULTS &&
	       edu_walk_result_short_names[result] ?
	       edu_walk_result_short_names[result] : "?";
}

static inline const char *edu_page_kind_name(__u64 kind)
{
	return kind < EDU_NR_PAGE_KINDS ? edu_page_kind_names[kind] : "?";
}

static inline const char *edu_page_kind_short(__u64 kind)
{
	return kind < EDU_NR_PAGE_KINDS ? edu_page_kind_short_names[kind] : "?";
}

static inline const char *edu_vma_class_name(__u64 class)
{
	return class < EDU_NR_VMA_CLASSES ? edu_vma_class_names[class] : "?";
}

static inline const char *edu_region_name(__u64 region)
{
	return region < EDU_NR_REGIONS ? edu_region_names[region] : "?";
}

/* The size of what a leaf at @level maps. */
static inline const char *edu_leaf_size(__u64 level)
{
	if (level == EDU_LVL_PUD)
		return "1 GiB";
	if (level == EDU_LVL_PMD)
		return "2 MiB";
	return "4 KiB";
}

/* The level an entry at @i points to: with 4-level paging, PGD -> PUD. */
static inline unsigned int edu_next_level(const struct edu_walk_level *lv,
					  unsigned int i)
{
	if (i == EDU_LVL_PGD && lv[EDU_LVL_P4D].state == EDU_ENTRY_FOLDED)
		return EDU_LVL_PUD;
	return i + 1;
}

#endif /* _EDUALLOC_NAMES_H */
