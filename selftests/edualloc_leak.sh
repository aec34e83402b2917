#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Leak accounting over many load / heavy use / unload cycles of edualloc.
# KTAP output; SKIP (exit 4) without root or the module file.
#
# Each cycle loads the module, uses it hard and unloads it with things
# still allocated:
#   - a short seeded run of edualloc_fuzz (every ioctl, error paths, mmap;
#     seed = cycle number) when it is built, its verdict ignored here;
#   - every 10th cycle a 1 s run of edualloc_stress (threads, processes,
#     debugfs readers);
#   - blocks left allocated through debugfs control and a cache with
#     objects left in slab/control (the fuzzer and the stress program also
#     close files that still own blocks, objects and caches).
# Then, with the module gone, the kernel must have everything back (the
# baseline is taken after one uncounted warm-up cycle):
#   - no "still in use at unload" / "leaked" report from the module;
#   - MemFree (after drop_caches) and the free pages of /proc/buddyinfo,
#     both with the pages on the kernel's per-CPU lists added back,
#     within the tolerance of what they were before the first load:
#     max(8 MiB, 1% of MemTotal).  A pool leaked once is pool_mb MiB per
#     node; one page leaked per cycle over 100 cycles would be 400 KiB,
#     below the noise: the module's own unload check catches those.
# Leaves the module loaded at the end, as the other tests expect.
#
# EDU_MODULE: path of edualloc.ko (set by scripts/run-selftests)
# EDU_LEAK_CYCLES: cycles (default 100; about 4.5 s each under TCG)
# EDU_LEAK_MAX_SECONDS: stop cycling after this long (default 200, so the
#   test stays under selftests/settings' timeout), the cycles done counted
# EDU_LEAK_WARMUP: uncounted cycles before the baseline (default 3)
# EDU_LEAK_FUZZ_CALLS: fuzzer calls per cycle (default 300)
# EDU_BIN: where the selftest programs are (default build/selftests)
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
ko=${EDU_MODULE:-$top/module/edualloc.ko}
cycles=${EDU_LEAK_CYCLES:-100}
max_s=${EDU_LEAK_MAX_SECONDS:-200}
warmup=${EDU_LEAK_WARMUP:-3}
fuzz_calls=${EDU_LEAK_FUZZ_CALLS:-300}
bin=${EDU_BIN:-$top/build/selftests}
dbg=/sys/kernel/debug/edualloc
. "$(dirname "$0")/edualloc_lib.sh"

memtotal_kb() { awk '/^MemTotal:/ { print $2 }' /proc/meminfo; }

# Free pages of the kernel's own buddy allocator, all nodes and zones,
# with those parked on its per-CPU lists (buddyinfo leaves them out).
buddy_free_pages() {
	echo $(( $(awk '{ for (i = 5; i <= NF; i++) s += $i * 2 ^ (i - 5) }
		END { printf "%d\n", s }' /proc/buddyinfo) + $(pcp_pages) ))
}

# Heavy use of a freshly loaded module, leaving things allocated.
use_module() {
	local cycle=$1

	if [ -x "$bin/edualloc_fuzz" ]; then
		EDU_FUZZ_SEED=${cycle#w} EDU_FUZZ_CALLS=$fuzz_calls "$bin/edualloc_fuzz" \
			> /dev/null 2>&1
	fi
	if [ "${cycle#w}" = "$cycle" ] && [ $((cycle % 10)) = 1 ] &&
	   [ -x "$bin/edualloc_stress" ]; then
		"$bin/edualloc_stress" 1 8 1 > /dev/null 2>&1
	fi
	# Left for the unload to free: control blocks, a cache with objects.
	for o in 0 3 10; do
		echo "alloc order=$o" > "$dbg/control" 2>/dev/null
	done
	echo "create leak$cycle 100 debug" > "$dbg/slab/control" 2>/dev/null
	echo "alloc leak$cycle 50" > "$dbg/slab/control" 2>/dev/null
}

ktap_start "$ko"
echo "1..4"

cycle() {	# cycle N: load, use, unload; false on failure
	insmod "$ko" && [ -c /dev/edualloc ] || return 1
	use_module "$1"
	rmmod edualloc && [ ! -e /dev/edualloc ]
}

marker="edualloc_leak.sh: start $$"
echo "$marker" > /dev/kmsg
grep -q '^edualloc ' /proc/modules && rmmod edualloc
settle_kernel
cold=$(memfree_kb)
# Warm-up cycles, not counted: the programs' page cache and the kernel's
# own caches grow over the first cycles after boot (plain insmod/rmmod
# cycles alone take ~2 MiB of MemFree each at first).
for i in $(seq "$warmup"); do
	cycle "w$i"
done
settle_kernel
before=$(memfree_kb)
bfree_before=$(buddy_free_pages)
total=$(memtotal_kb)
tol=$((total / 100))
[ "$tol" -lt 8192 ] && tol=8192
echo "# $warmup warm-up cycles: MemFree $cold kB -> $before kB"

start=$(date +%s)
bad_cycle=0 done=0
for i in $(seq "$cycles"); do
	if ! cycle "$i"; then
		bad_cycle=$i; break
	fi
	done=$i
	# The trend tells a leak (steady) from caches filling up (levels off).
	if [ $((i % 10)) = 0 ]; then
		settle_kernel
		echo "# cycle $i: MemFree $(memfree_kb) kB"
	fi
	if [ $(($(date +%s) - start)) -ge "$max_s" ]; then
		echo "# time cap EDU_LEAK_MAX_SECONDS=$max_s reached"
		break
	fi
done
elapsed=$(($(date +%s) - start))
[ "$bad_cycle" = 0 ]
ok $? "load_use_unload_${done}_cycles"
[ "$bad_cycle" = 0 ] || echo "# failed in cycle $bad_cycle"
echo "# $done of $cycles cycles in $elapsed s"
cycles=$done

# The module's own unload checks: pool pages or cache objects left over.
reports=$(dmesg | sed -n "/$marker/,\$p" |
	grep -E 'edualloc: .*(still in use at unload|leaked)')
[ -z "$reports" ]
ok $? "no_leak_reports_at_unload"
[ -z "$reports" ] || echo "$reports" | head -n 20 | sed 's/^/# /'

settle_kernel
after=$(memfree_kb)
bfree_after=$(buddy_free_pages)
delta=$((before - after))
bdelta_kb=$(((bfree_before - bfree_after) * $(getconf PAGESIZE) / 1024))
echo "# leak: MemFree before $before kB after $after kB (delta $delta kB) over $cycles cycles"
echo "# leak: buddyinfo free before $bfree_before pages after $bfree_after pages (delta $bdelta_kb kB)"
echo "# leak: tolerance $tol kB (max of 8 MiB and 1% of MemTotal $total kB)"
[ "$delta" -lt "$tol" ] && [ "$bdelta_kb" -lt "$tol" ]
ok $? "memory_returned_to_kernel"

# Leave the module loaded, as the other tests expect.
insmod "$ko" && [ -c /dev/edualloc ]
ok $? "reload"

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
