# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers shared by the shell selftests (sourced, not run).

pass=0 fail=0 n=0

# ktap_start KO: the KTAP header; SKIP (exit 4) unless root with the module
# file KO to load.
ktap_start() {
	echo "TAP version 13"
	if [ ! -f "$1" ] || [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root and $1"
		exit 4
	fi
}

# ok STATUS NAME: one KTAP result line, counted in $pass and $fail.
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		pass=$((pass + 1))
		echo "ok $n $2"
	else
		fail=$((fail + 1))
		echo "not ok $n $2"
	fi
}

# Free memory as the kernel's buddy allocator sees it: MemFree plus the
# pages parked on its per-CPU lists, which MemFree does not count and which
# would otherwise swamp the figure with noise of several MiB.
pcp_pages() {
	awk '$1 == "count:" { s += $2 } END { print s + 0 }' /proc/zoneinfo
}

# Give back what the kernel keeps parked before measuring: the page cache,
# and every slab cache shrunk, which on the debug kernel also empties KASAN's
# quarantine of freed objects (else tens of MiB of noise).
settle_kernel() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 > "$f"
	done 2>/dev/null
	echo 1 > /proc/sys/vm/compact_memory 2>/dev/null
}

memfree_kb() {
	settle_kernel
	echo $(( $(awk '/^MemFree:/ { print $2 }' /proc/meminfo) +
		$(pcp_pages) * $(getconf PAGESIZE) / 1024 ))
}
