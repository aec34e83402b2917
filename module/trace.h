/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of edualloc (system "edualloc"), for watching the allocators
 * work through /sys/kernel/tracing:
 *
 *   echo 1 > /sys/kernel/tracing/events/edualloc/enable
 *   cat /sys/kernel/tracing/trace_pipe
 *
 * PFNs appear here because tracefs is root-only, as in the kernel's own
 * kmem events.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM edualloc

#if !defined(_EDU_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _EDU_TRACE_H

#include <linux/tracepoint.h>

DECLARE_EVENT_CLASS(edualloc_block,
	TP_PROTO(int nid, unsigned long pfn, unsigned int order),
	TP_ARGS(nid, pfn, order),
	TP_STRUCT__entry(
		__field(int, nid)
		__field(unsigned long, pfn)
		__field(unsigned int, order)
	),
	TP_fast_assign(
		__entry->nid = nid;
		__entry->pfn = pfn;
		__entry->order = order;
	),
	TP_printk("node=%d pfn=0x%lx order=%u", __entry->nid, __entry->pfn,
		  __entry->order)
);

/* A block of @order split into two halves of order - 1. */
DEFINE_EVENT(edualloc_block, edualloc_split,
	TP_PROTO(int nid, unsigned long pfn, unsigned int order),
	TP_ARGS(nid, pfn, order));

/* Two buddies merged into the block at @pfn of @order. */
DEFINE_EVENT(edualloc_block, edualloc_merge,
	TP_PROTO(int nid, unsigned long pfn, unsigned int order),
	TP_ARGS(nid, pfn, order));

DEFINE_EVENT(edualloc_block, edualloc_page_free,
	TP_PROTO(int nid, unsigned long pfn, unsigned int order),
	TP_ARGS(nid, pfn, order));

TRACE_EVENT(edualloc_page_alloc,
	TP_PROTO(int nid, unsigned long pfn, unsigned int order, bool pcp),
	TP_ARGS(nid, pfn, order, pcp),
	TP_STRUCT__entry(
		__field(int, nid)
		__field(unsigned long, pfn)
		__field(unsigned int, order)
		__field(bool, pcp)
	),
	TP_fast_assign(
		__entry->nid = nid;
		__entry->pfn = pfn;
		__entry->order = order;
		__entry->pcp = pcp;
	),
	TP_printk("node=%d pfn=0x%lx order=%u from=%s", __entry->nid,
		  __entry->pfn, __entry->order,
		  __entry->pcp ? "pcp" : "buddy")
);

DECLARE_EVENT_CLASS(edualloc_pcp,
	TP_PROTO(int nid, int count),
	TP_ARGS(nid, count),
	TP_STRUCT__entry(
		__field(int, nid)
		__field(int, cpu)
		__field(int, count)
	),
	TP_fast_assign(
		__entry->nid = nid;
		__entry->cpu = raw_smp_processor_id();
		__entry->count = count;
	),
	TP_printk("node=%d cpu=%d pages=%d", __entry->nid, __entry->cpu,
		  __entry->count)
);

/* @count pages moved from the node's free lists to a per-CPU list. */
DEFINE_EVENT(edualloc_pcp, edualloc_pcp_refill,
	TP_PROTO(int nid, int count),
	TP_ARGS(nid, count));

/* @count pages moved from a per-CPU list back to the node. */
DEFINE_EVENT(edualloc_pcp, edualloc_pcp_drain,
	TP_PROTO(int nid, int count),
	TP_ARGS(nid, count));

/* A request for node @want was served by node @got. */
TRACE_EVENT(edualloc_fallback,
	TP_PROTO(int want, int got, unsigned int order),
	TP_ARGS(want, got, order),
	TP_STRUCT__entry(
		__field(int, want)
		__field(int, got)
		__field(unsigned int, order)
	),
	TP_fast_assign(
		__entry->want = want;
		__entry->got = got;
		__entry->order = order;
	),
	TP_printk("wanted node=%d got node=%d order=%u", __entry->want,
		  __entry->got, __entry->order)
);

#endif /* _EDU_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
