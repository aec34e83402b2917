#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Load and unload edualloc many times: each load must bring up the device
# and debugfs, each unload must remove them, return every pool page to the
# kernel (the kernel's memory, accounted by edualloc_memstat, comes back)
# and leave nothing at warning level or worse in the kernel log.  KTAP
# output; SKIP (exit 4) without the module file.  The per-cycle trend of
# each counter, to the page, is edualloc_leak.sh's.
#
# EDU_MODULE: path of edualloc.ko (default module/edualloc.ko)
# EDU_LOAD_CYCLES: how many cycles (default 20: a cycle takes 3 to 6 s
#   under emulation, more on PREEMPT_RT; the leak test cycles too)
# EDU_MEM_TOLERANCE: pages any kernel counter may grow by (default 32: clean
#   runs move by 15 at most; a leaked pool is 16384 pages per node)
set -u
. "$(dirname "$0")/edualloc_lib.sh"

ko=$(edu_module)
cycles=${EDU_LOAD_CYCLES:-20}
tol=${EDU_MEM_TOLERANCE:-32}
dbg=/sys/kernel/debug/edualloc

ktap_start "$ko"
echo "1..5"

# Start from an unloaded module, so the loop measures whole cycles.
grep -q '^edualloc ' /proc/modules && rmmod edualloc
memstat_start
# One clean cycle first, so the readings start from warm caches.
insmod "$ko" && rmmod edualloc
memstat_read
before=$memstat
marker="edualloc_load.sh: start $$"
echo "$marker" > /dev/kmsg

bad_cycle=0
for i in $(seq "$cycles"); do
	if ! insmod "$ko"; then
		bad_cycle=$i; break
	fi
	if [ ! -c /dev/edualloc ] || ! cat "$dbg/info" > /dev/null; then
		bad_cycle=$i; break
	fi
	if ! rmmod edualloc || [ -e /dev/edualloc ] || [ -e "$dbg" ]; then
		bad_cycle=$i; break
	fi
done
[ "$bad_cycle" = 0 ]
ok $? "load_unload_${cycles}_cycles"
[ "$bad_cycle" = 0 ] || echo "# failed in cycle $bad_cycle"

# Nothing at warning level or worse, no kernel report.
ok_quiet_log "$marker"

memstat_read
memstat_grew "$before" "$memstat" "$tol"
ok $? "memory_returned_to_kernel"

# A pool_mb beyond what fits (up to the documented 65536) loads without a
# kernel warning: the per-page metadata is vmalloc()ed when large, and each
# pool takes at most half of its node's memory.
marker="edualloc_load.sh: big pool $$"
echo "$marker" > /dev/kmsg
big_ok=1
if insmod "$ko" pool_mb=65536; then
	pages=$(awk '/^pool_pages:/ { print $2 }' "$dbg/info")
	# Half of each node's present pages (/proc/zoneinfo), summed.
	half=$(awk '/^Node/ { n = $2 + 0 } $1 == "present" { p[n] += $2 }
		END { for (n in p) s += int(p[n] / 2); print s + 0 }' /proc/zoneinfo)
	echo "# pool_mb=65536: $pages pool pages, half of the nodes' memory $half pages"
	[ -n "$pages" ] && [ "$pages" -gt 0 ] && [ "$pages" -le "$half" ] ||
		big_ok=0
	rmmod edualloc || big_ok=0
else
	big_ok=0
fi
warn=$(dmesg -r | sed -n "/$marker/,\$p" | grep -E 'WARNING:|Call Trace:|BUG')
[ -z "$warn" ] || { big_ok=0; echo "$warn" | sed 's/^/# /'; }
[ "$big_ok" = 1 ]
ok $? "pool_mb_65536_loads_capped_without_warning"

# Leave the module loaded, as the other tests expect.
insmod "$ko" && [ -c /dev/edualloc ]
ok $? "reload"

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
