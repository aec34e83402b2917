/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of areas (system "edualloc", next to the buddy's in trace.h):
 *
 *   echo 1 > /sys/kernel/tracing/events/edualloc/edualloc_area_fault/enable
 *
 * One event per fault on an area: which page, the node and frame that back
 * it, and how it was served (minor, major: read back from swap, SIGBUS);
 * per eviction to swap; per reclaim pass; when a kswapd wakes and sleeps;
 * per page written back to its file.
 * PFNs appear because tracefs is root-only.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM edualloc

#if !defined(_EDU_TRACE_AREA_H) || defined(TRACE_HEADER_MULTI_READ)
#define _EDU_TRACE_AREA_H

#include <linux/tracepoint.h>
#include "area.h"

TRACE_EVENT(edualloc_area_fault,
	TP_PROTO(unsigned int area, unsigned long page, int nid,
		 unsigned long pfn, unsigned int kind),
	TP_ARGS(area, page, nid, pfn, kind),
	TP_STRUCT__entry(
		__field(unsigned int, area)
		__field(unsigned long, page)
		__field(int, nid)
		__field(unsigned long, pfn)
		__field(unsigned int, kind)
	),
	TP_fast_assign(
		__entry->area = area;
		__entry->page = page;
		__entry->nid = nid;
		__entry->pfn = pfn;
		__entry->kind = kind;
	),
	TP_printk("area=%u page=%lu node=%d pfn=0x%lx %s", __entry->area,
		  __entry->page, __entry->nid, __entry->pfn,
		  __print_symbolic(__entry->kind,
				   { EDU_AREA_FAULT_ZERO, "minor-zero" },
				   { EDU_AREA_FAULT_MAPPED, "minor-present" },
				   { EDU_AREA_FAULT_SIGBUS, "sigbus" },
				   { EDU_AREA_FAULT_MAJOR, "major" },
				   { EDU_AREA_FAULT_FILE, "major-file" },
				   { EDU_AREA_FAULT_MKWRITE, "mkwrite-dirty" }))
);

/*
 * Page @page of file-backed @area was written back (@ret: bytes written,
 * or a negative errno), and why (writeback.h: 0 expire, 1 background,
 * 2 sync, 3 reclaim, 4 release).
 */
TRACE_EVENT(edualloc_writeback,
	TP_PROTO(unsigned int area, unsigned long page, unsigned int why,
		 long ret),
	TP_ARGS(area, page, why, ret),
	TP_STRUCT__entry(
		__field(unsigned int, area)
		__field(unsigned long, page)
		__field(unsigned int, why)
		__field(long, ret)
	),
	TP_fast_assign(
		__entry->area = area;
		__entry->page = page;
		__entry->why = why;
		__entry->ret = ret;
	),
	TP_printk("area=%u page=%lu %s ret=%ld", __entry->area,
		  __entry->page,
		  __print_symbolic(__entry->why,
				   { 0, "expire" }, { 1, "background" },
				   { 2, "sync" }, { 3, "reclaim" },
				   { 4, "release" }),
		  __entry->ret)
);

/*
 * Reclaim looked at page @page of @area on @nid: its LRU flags before the
 * look (lru.h: 2 active, 4 referenced) and what the PTEs said.  With the
 * LRU policy the outcome follows: inactive and not young -> evicted; young
 * -> kept (referenced set) or, if it was referenced, activated; active ->
 * deactivated whatever the bit said.
 */
TRACE_EVENT(edualloc_lru_look,
	TP_PROTO(unsigned int area, unsigned long page, int nid,
		 unsigned long flags, unsigned int found),
	TP_ARGS(area, page, nid, flags, found),
	TP_STRUCT__entry(
		__field(unsigned int, area)
		__field(unsigned long, page)
		__field(int, nid)
		__field(unsigned long, flags)
		__field(unsigned int, found)
	),
	TP_fast_assign(
		__entry->area = area;
		__entry->page = page;
		__entry->nid = nid;
		__entry->flags = flags;
		__entry->found = found;
	),
	TP_printk("area=%u page=%lu node=%d %s%s %s", __entry->area,
		  __entry->page, __entry->nid,
		  __entry->flags & EDU_LRU_PG_ACTIVE ? "active" : "inactive",
		  __entry->flags & EDU_LRU_PG_REFERENCED ? ",referenced" : "",
		  __print_symbolic(__entry->found,
				   { EDU_AREA_LOOK_NONE, "no-pte" },
				   { EDU_AREA_LOOK_OLD, "old" },
				   { EDU_AREA_LOOK_YOUNG, "young" },
				   { EDU_AREA_LOOK_BUSY, "busy" }))
);

/* Reclaim evicted page @page of @area from @nid into swap slot @slot. */
TRACE_EVENT(edualloc_swap_out,
	TP_PROTO(unsigned int area, unsigned long page, int nid,
		 unsigned int slot),
	TP_ARGS(area, page, nid, slot),
	TP_STRUCT__entry(
		__field(unsigned int, area)
		__field(unsigned long, page)
		__field(int, nid)
		__field(unsigned int, slot)
	),
	TP_fast_assign(
		__entry->area = area;
		__entry->page = page;
		__entry->nid = nid;
		__entry->slot = slot;
	),
	TP_printk("area=%u page=%lu node=%d slot=%u", __entry->area,
		  __entry->page, __entry->nid, __entry->slot)
);

/* One pass of reclaim on @nid: pages looked at, pages evicted. */
TRACE_EVENT(edualloc_reclaim,
	TP_PROTO(int nid, bool direct, unsigned long scanned,
		 unsigned long evicted),
	TP_ARGS(nid, direct, scanned, evicted),
	TP_STRUCT__entry(
		__field(int, nid)
		__field(bool, direct)
		__field(unsigned long, scanned)
		__field(unsigned long, evicted)
	),
	TP_fast_assign(
		__entry->nid = nid;
		__entry->direct = direct;
		__entry->scanned = scanned;
		__entry->evicted = evicted;
	),
	TP_printk("node=%d %s scanned=%lu evicted=%lu", __entry->nid,
		  __entry->direct ? "direct" : "kswapd", __entry->scanned,
		  __entry->evicted)
);

DECLARE_EVENT_CLASS(edualloc_kswapd,
	TP_PROTO(int nid, unsigned long free),
	TP_ARGS(nid, free),
	TP_STRUCT__entry(
		__field(int, nid)
		__field(unsigned long, free)
	),
	TP_fast_assign(
		__entry->nid = nid;
		__entry->free = free;
	),
	TP_printk("node=%d free=%lu", __entry->nid, __entry->free)
);

/* kswapd of @nid starts a run, @free pages free (below low). */
DEFINE_EVENT(edualloc_kswapd, edualloc_kswapd_wake,
	TP_PROTO(int nid, unsigned long free),
	TP_ARGS(nid, free)
);

/* ... and goes to sleep (high reached, or nothing left to evict). */
DEFINE_EVENT(edualloc_kswapd, edualloc_kswapd_sleep,
	TP_PROTO(int nid, unsigned long free),
	TP_ARGS(nid, free)
);

#endif /* _EDU_TRACE_AREA_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace_area
#include <trace/define_trace.h>
