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

# ok_quiet_log MARKER [PATTERN...]: one KTAP result, no_warnings_in_kernel_log:
# since the line MARKER, no kernel message at warning level or worse that
# names edualloc, except the once-per-boot notes on an unsigned module and
# lines matching a PATTERN (grep -e: what the test provokes on purpose),
# and nothing scripts/logcheck flags (emulation noise such as slow hrtimer
# interrupts under TCG is neither).  $EDU_LOG_FILTER, if set, is a command
# the log goes through first.  Leaves the log since MARKER in $seg.
ok_quiet_log() {
	local marker=$1 noise reports p
	local skip=(-e 'taints kernel' -e 'module verification failed')
	local check
	check=$(dirname "${BASH_SOURCE[0]}")/../scripts/logcheck

	shift
	for p in "$@"; do
		skip+=(-e "$p")
	done
	seg=$(dmesg -r | sed -n "/$marker/,\$p")
	noise=$(${EDU_LOG_FILTER:-cat} <<< "$seg" | grep -E '^<[0-4]>' |
		grep 'edualloc' | grep -v "${skip[@]}")
	if [ -x "$check" ]; then
		reports=$("$check" <(echo "$seg") 2>&1) || noise="$noise$reports"
	fi
	[ -z "$noise" ]
	ok $? "no_warnings_in_kernel_log"
	[ -z "$noise" ] || echo "$noise" | head -n 60 | sed 's/^/# /'
}

# get VAR FILE KEY: VAR = the value after KEY in a "key value" file.
get() {
	local _k _v _rest

	printf -v "$1" '%s' ''
	while read -r _k _v _rest; do
		if [ "$_k" = "$3" ]; then
			printf -v "$1" '%s' "$_v"
		fi
	done < "$2"
}
