#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Module load under fault injection: with fault_rate set at insmod time the
# pool set-up fails some of its own allocations.  Every load must either
# succeed (with a smaller pool) or fail with ENOMEM, leave nothing behind
# (the kernel's memory, accounted by edualloc_memstat, comes back after
# unload) and nothing at warning level or worse in the kernel log.  KTAP
# output; leaves the module loaded, fault-free.
#
# EDU_FAULT_LOAD_CYCLES: loads (default 20)
# EDU_MEM_TOLERANCE: pages any kernel counter may grow by (default 32: clean
#   runs move by 15 at most; a leaked pool chunk is 1024 pages)
set -u
. "$(dirname "$0")/edualloc_lib.sh"
ko=$(edu_module)
cycles=${EDU_FAULT_LOAD_CYCLES:-20}
tol=${EDU_MEM_TOLERANCE:-32}

ktap_start "$ko"
echo "1..4"
grep -q '^edualloc ' /proc/modules && rmmod edualloc
memstat_start
# One clean cycle first, so the readings start from warm caches.
insmod "$ko" && rmmod edualloc
memstat_read
before=$memstat
marker="edualloc_fault_load.sh: start $$"
echo "$marker" > /dev/kmsg

loaded=0 refused=0 bad=0
for i in $(seq "$cycles"); do
	if out=$(insmod "$ko" fault_rate=300 2>&1); then
		loaded=$((loaded + 1))
		rmmod edualloc || bad=$((bad + 1))
	elif grep -q 'Cannot allocate memory' <<< "$out"; then
		refused=$((refused + 1))
	else
		echo "# unexpected: $out"
		bad=$((bad + 1))
	fi
done
echo "# $cycles loads with fault_rate=300: $loaded loaded, $refused refused with ENOMEM"
[ "$bad" = 0 ]
ok $? "every_load_succeeds_or_fails_with_enomem"

# Nothing at warning level or worse but the pool notes that fault
# injection provokes, no kernel report.
ok_quiet_log "$marker" 'edualloc: node [0-9]*: no pool' \
	'edualloc: node [0-9]*: got [0-9]* of [0-9]* chunks'

memstat_read
memstat_grew "$before" "$memstat" "$tol"
ok $? "memory_returned_to_kernel"

insmod "$ko" && [ -c /dev/edualloc ]
ok $? "reload_without_faults"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
