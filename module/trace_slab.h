/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of the slab allocator (system "edualloc", next to the buddy's
 * in trace.h):
 *
 *   echo 1 > /sys/kernel/tracing/events/edualloc/edualloc_slab_new/enable
 *
 * Object events name the cache and node, not addresses; slab events give
 * the block's PFN (tracefs is root-only, like the kmem events).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM edualloc

#if !defined(_EDU_TRACE_SLAB_H) || defined(TRACE_HEADER_MULTI_READ)
#define _EDU_TRACE_SLAB_H

#include <linux/tracepoint.h>
#include "compat.h"

DECLARE_EVENT_CLASS(edualloc_slab_obj,
	TP_PROTO(const char *cache, int nid, bool fast),
	TP_ARGS(cache, nid, fast),
	TP_STRUCT__entry(
		__string(cache, cache)
		__field(int, nid)
		__field(int, cpu)
		__field(bool, fast)
	),
	TP_fast_assign(
		edu_assign_str(cache, cache);
		__entry->nid = nid;
		__entry->cpu = raw_smp_processor_id();
		__entry->fast = fast;
	),
	TP_printk("cache=%s node=%d cpu=%d path=%s", __get_str(cache),
		  __entry->nid, __entry->cpu, __entry->fast ? "fast" : "slow")
);

/* An object handed out: from the CPU's magazine (fast) or the node lists. */
DEFINE_EVENT(edualloc_slab_obj, edualloc_slab_obj_alloc,
	TP_PROTO(const char *cache, int nid, bool fast),
	TP_ARGS(cache, nid, fast));

/* An object freed; fast: may go to the magazine (node of its slab). */
DEFINE_EVENT(edualloc_slab_obj, edualloc_slab_obj_free,
	TP_PROTO(const char *cache, int nid, bool fast),
	TP_ARGS(cache, nid, fast));

/* @count objects taken from node @nid's slabs; @new_slab: from a new one. */
TRACE_EVENT(edualloc_slab_refill,
	TP_PROTO(const char *cache, int nid, int count, bool new_slab),
	TP_ARGS(cache, nid, count, new_slab),
	TP_STRUCT__entry(
		__string(cache, cache)
		__field(int, nid)
		__field(int, count)
		__field(bool, new_slab)
	),
	TP_fast_assign(
		edu_assign_str(cache, cache);
		__entry->nid = nid;
		__entry->count = count;
		__entry->new_slab = new_slab;
	),
	TP_printk("cache=%s node=%d objects=%d from=%s", __get_str(cache),
		  __entry->nid, __entry->count,
		  __entry->new_slab ? "new_slab" : "partial")
);

DECLARE_EVENT_CLASS(edualloc_slab_block,
	TP_PROTO(const char *cache, int nid, unsigned long pfn,
		 unsigned int order),
	TP_ARGS(cache, nid, pfn, order),
	TP_STRUCT__entry(
		__string(cache, cache)
		__field(int, nid)
		__field(unsigned long, pfn)
		__field(unsigned int, order)
	),
	TP_fast_assign(
		edu_assign_str(cache, cache);
		__entry->nid = nid;
		__entry->pfn = pfn;
		__entry->order = order;
	),
	TP_printk("cache=%s node=%d pfn=0x%lx order=%u", __get_str(cache),
		  __entry->nid, __entry->pfn, __entry->order)
);

/* A slab given back to the buddy allocator. */
DEFINE_EVENT(edualloc_slab_block, edualloc_slab_release,
	TP_PROTO(const char *cache, int nid, unsigned long pfn,
		 unsigned int order),
	TP_ARGS(cache, nid, pfn, order));

/* A new slab of @objects objects taken from the buddy allocator. */
TRACE_EVENT(edualloc_slab_new,
	TP_PROTO(const char *cache, int nid, unsigned long pfn,
		 unsigned int order, unsigned int objects),
	TP_ARGS(cache, nid, pfn, order, objects),
	TP_STRUCT__entry(
		__string(cache, cache)
		__field(int, nid)
		__field(unsigned long, pfn)
		__field(unsigned int, order)
		__field(unsigned int, objects)
	),
	TP_fast_assign(
		edu_assign_str(cache, cache);
		__entry->nid = nid;
		__entry->pfn = pfn;
		__entry->order = order;
		__entry->objects = objects;
	),
	TP_printk("cache=%s node=%d pfn=0x%lx order=%u objects=%u",
		  __get_str(cache), __entry->nid, __entry->pfn,
		  __entry->order, __entry->objects)
);

/* A debug check failed; the object is reported and quarantined. */
TRACE_EVENT(edualloc_slab_error,
	TP_PROTO(const char *cache, const char *kind, unsigned long slab,
		 unsigned int index),
	TP_ARGS(cache, kind, slab, index),
	TP_STRUCT__entry(
		__string(cache, cache)
		__string(kind, kind)
		__field(unsigned long, slab)
		__field(unsigned int, index)
	),
	TP_fast_assign(
		edu_assign_str(cache, cache);
		edu_assign_str(kind, kind);
		__entry->slab = slab;
		__entry->index = index;
	),
	TP_printk("cache=%s kind=%s slab=%lu object=%u", __get_str(cache),
		  __get_str(kind), __entry->slab, __entry->index)
);

#endif /* _EDU_TRACE_SLAB_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace_slab
#include <trace/define_trace.h>
