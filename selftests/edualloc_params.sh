#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# edualloc's module parameters: the defaults README's table documents hold,
# other values take effect, and bad values are refused cleanly or clamped,
# never a crash.  KTAP output; SKIP (exit 4) without root or the module.
#
# Each load is checked three ways:
#  - the views: debugfs info and nodeN/stats (pool pages), buddyinfo (all
#    of it in order-10 blocks), pcp (batch and high of every CPU's list
#    for every node), nodeN/watermarks (min, and low = min + min/4,
#    high = min + min/2 as edu_pool_default_wmarks() derives them), and
#    /sys/module/edualloc/parameters (the values given);
#  - behaviour: from a shell pinned to cpu0, one order-0 allocation leaves
#    batch - 1 pages on the list (a refill moves a batch), and freeing
#    high + 1 pages makes the list drain a batch once it passes high;
#    allocating ever smaller blocks until nothing more fits leaves exactly
#    min pages free, of which a high-priority request may still take one;
#  - an oracle outside the module: each node's MemFree (plus the kernel's
#    per-CPU pages of the node) falls by the pool's size at load (for the
#    defaults and every load that sets pool_mb).
# Bad values: pool_mb=0, negative or not a number: insmod fails with
# EINVAL and a message, nothing is left behind.  pcp_batch=0 is taken as
# 1; pcp_high below pcp_batch is raised to pcp_batch; wmark_min_pages
# above the pool loads a pool no normal request can use (ENOMEM).  The
# README's parameter table says nothing of these: the test asserts what
# the code does.  pool_mb above 16384 is not tried.
# Leaves the module loaded with the defaults, as the other tests expect.
# The test runs on cpu0 and parses with shell builtins: under TCG on a busy
# host every program started costs a lot.
#
# EDU_MODULE: path of edualloc.ko (set by scripts/run-selftests)
set -u
. "$(dirname "$0")/edualloc_lib.sh"

top=$(cd "$(dirname "$0")/.." && pwd)
ko=$(edu_module)
# The documented defaults: README.md of the tree, or the copy installed
# next to this script (make -C selftests install).
readme=$top/README.md
[ -f "$edu_here/README.md" ] && readme=$edu_here/README.md
dbg=/sys/kernel/debug/edualloc
params=/sys/module/edualloc/parameters

ktap_start "$ko"
echo "1..24"

marker="edualloc_params.sh: start $$"
echo "$marker" > /dev/kmsg
page_kb=$(($(getconf PAGESIZE) / 1024))

unload() {
	! grep -q '^edualloc ' /proc/modules || rmmod edualloc
}

# ncpus LIST: how many CPUs a list such as "0-3,6" names.
ncpus() {
	tr ',' '\n' <<< "$1" | awk -F- '{ n += NF == 2 ? $2 - $1 + 1 : 1 } END { print n }'
}

# node_free_kb NODE: the node's MemFree plus the pages on the kernel's
# per-CPU lists of its zones (MemFree leaves those out).
node_free_kb() {
	local pcp

	pcp=$(awk -v n="$1" '$1 == "Node" { cur = $2 + 0 }
		$1 == "count:" && cur == n { s += $2 } END { print s + 0 }' /proc/zoneinfo)
	echo $(($(awk '/MemFree:/ { print $4 }' \
		"/sys/devices/system/node/node$1/meminfo") + pcp * page_kb))
}

# The README table's default of a parameter: "| `NAME` | VALUE | ... |".
readme_default() {
	sed -n "s/^| \`$1\` | \([^ |]*\) |.*/\1/p" "$readme"
}

# ctl CMD...: one command to debugfs control; false if it fails.
ctl() {
	echo "$*" 2>/dev/null > "$dbg/control"
}

# ctl_err CMD...: the error text of a command to debugfs control.
ctl_err() {
	{ echo "$*" > "$dbg/control"; } 2>&1 | sed 's/.*: //'
}

# pcp_count VAR NODE: VAR = pages on cpu0's list for NODE.
pcp_count() {
	local cpu node count rest

	while read -r cpu node count rest; do
		if [ "$cpu" = 0 ] && [ "$node" = "$2" ]; then
			printf -v "$1" '%s' "$count"
		fi
	done < "$dbg/pcp"
}

# check_views POOL BATCH HIGH MIN: the pool, per-CPU list and watermark
# settings every view shows; complains on stdout.
check_views() {
	local pool=$1 batch=$2 high=$3 min=$4 nd nr=0 got a b c n rest
	local -a bi
	local -A lists

	for nd in $nodes; do
		nr=$((nr + 1))
		get a "$dbg/node$nd/stats" pool_pages
		get b "$dbg/node$nd/stats" free_pages
		[ "$a $b" = "$pool $pool" ] ||
			echo "node $nd: pool and free pages $a $b, want $pool"
		read -r -a bi <<< "$(grep "^Node $nd," "$dbg/buddyinfo")"
		[ "${bi[14]}" = $((pool / 1024)) ] ||
			echo "node $nd: ${bi[14]} order-10 blocks, want $((pool / 1024))"
		get a "$dbg/node$nd/watermarks" min
		get b "$dbg/node$nd/watermarks" low
		get c "$dbg/node$nd/watermarks" high
		got="$min $((min + min / 4)) $((min + min / 2))"
		[ "$a $b $c" = "$got" ] ||
			echo "node $nd: watermarks $a $b $c, want $got"
	done
	get a "$dbg/info" pool_pages:
	[ "$a" = $((pool * nr)) ] ||
		echo "info: $a pool pages, want $((pool * nr))"
	# Every list of every CPU: how many have each (batch, high).
	while read -r a n c b got rest; do
		[ "$a" = "#" ] && continue
		lists["$b $got"]=$((${lists["$b $got"]:-0} + 1))
	done < "$dbg/pcp"
	got=
	for a in "${!lists[@]}"; do
		got+="${lists[$a]} lists with batch, high $a; "
	done
	[ "$got" = "$((ncpu * nr)) lists with batch, high $batch $high; " ] ||
		echo "pcp: ${got}want $((ncpu * nr)) lists with $batch $high"
}

# check_pcp NODE BATCH HIGH: cpu0's list for NODE refills and drains a
# batch, and drains once it holds more than high; complains on stdout.
check_pcp() {
	local nd=$1 batch=$2 high=$3 want=0 i got=

	ctl drain
	ctl "alloc node=$nd order=0 thisnode"
	pcp_count got "$nd"
	[ "$got" = $((batch - 1)) ] ||
		echo "node $nd: $got pages on the list after one allocation, want $((batch - 1))"
	ctl free all
	ctl drain
	# high + 1 pages taken around the list, then freed onto it.
	for ((i = 0; i <= high; i++)); do
		ctl "alloc node=$nd order=0 thisnode nopcp"
		want=$((want + 1))
		[ "$want" -gt "$high" ] && want=$((want - batch))
	done
	ctl free all
	pcp_count got "$nd"
	[ "$got" = "$want" ] ||
		echo "node $nd: $got pages on the list after $((high + 1)) frees, want $want"
	ctl drain
}

# check_min NODE MIN: blocks of order 10, 9, ... 0 taken until none fits
# must leave exactly MIN pages free; then a high-priority page still fits
# (when MIN leaves it a reserve).  Complains on stdout.
check_min() {
	local nd=$1 min=$2 o got err

	ctl drain
	for ((o = 10; o >= 0; o--)); do
		while ctl "alloc node=$nd order=$o thisnode nopcp"; do
			:
		done
	done
	get got "$dbg/node$nd/stats" free_pages
	[ "$got" = "$min" ] ||
		echo "node $nd: $got pages left free, want the min watermark $min"
	err=$(ctl_err "alloc node=$nd order=0 thisnode nopcp")
	[ "$err" = "Cannot allocate memory" ] ||
		echo "node $nd: an allocation below min gave '$err', want ENOMEM"
	if [ $((min / 2)) -ge 1 ] &&
	   ! ctl "alloc node=$nd order=0 thisnode nopcp highprio"; then
		echo "node $nd: a high-priority page below min failed"
	fi
	ctl free all
	ctl drain
}

# try_load NAME POOL BATCH HIGH MIN [PARAM=VALUE...]: load with the
# parameters and check the views and the behaviour of every node, and
# each node's MemFree when the pool size is set (settling the kernel for
# a reading costs seconds under TCG); one KTAP line NAME.
try_load() {
	local name=$1 pool=$2 batch=$3 high=$4 min=$5 nd p v drop problems=
	local t0=${EPOCHREALTIME%.*} measure=
	local -A before

	shift 5
	[ $# = 0 ] || [[ " $* " == *" pool_mb="* ]] && measure=1
	unload
	if [ -n "$measure" ]; then
		settle_kernel
		for nd in $nodes; do
			before[$nd]=$(node_free_kb "$nd")
		done
	fi
	if ! insmod "$ko" "$@" || [ ! -c /dev/edualloc ]; then
		ok 1 "$name"
		return
	fi
	[ -n "$measure" ] && settle_kernel
	for nd in ${measure:+$nodes}; do
		drop=$((before[$nd] - $(node_free_kb "$nd")))
		echo "# $name: node $nd MemFree fell by $drop kB, pool $((pool * page_kb)) kB"
		# The pool, its bookkeeping and some noise (a few MiB).
		if [ "$drop" -lt $((pool * page_kb - 1024)) ] ||
		   [ "$drop" -gt $((pool * page_kb + 6144)) ]; then
			problems+="node $nd: MemFree fell by $drop kB, want about $((pool * page_kb)) kB"$'\n'
		fi
	done
	for p in "$@"; do
		read -r v < "$params/${p%%=*}"
		[ "$v" = "${p#*=}" ] ||
			problems+="$params/${p%%=*}: $v, want ${p#*=}"$'\n'
	done
	problems+=$(check_views "$pool" "$batch" "$high" "$min")$'\n'
	for nd in $nodes; do
		problems+=$(check_pcp "$nd" "$batch" "$high")$'\n'
		problems+=$(check_min "$nd" "$min")$'\n'
	done
	problems=$(grep . <<< "$problems")
	echo "# $name: $((${EPOCHREALTIME%.*} - t0)) s"
	[ -z "$problems" ]
	ok $? "$name"
	[ -z "$problems" ] || echo "$problems" | head -n 20 | sed 's/^/# /'
}

# bad_load NAME PARAM=VALUE...: insmod must fail with EINVAL and leave
# nothing behind.
bad_load() {
	local name=$1 out

	shift
	unload
	out=$(insmod "$ko" "$@" 2>&1)
	rc=$?
	echo "# $name: insmod exit $rc: $out"
	[ "$rc" != 0 ] && grep -q 'Invalid' <<< "$out" &&
		! grep -q '^edualloc ' /proc/modules && [ ! -e /dev/edualloc ] &&
		[ ! -e "$dbg" ]
	ok $? "$name"
}

taskset -p -c 0 $$ > /dev/null
unload
insmod "$ko" || { echo "# insmod failed"; exit 1; }
nodes=$(cd "$dbg" && ls -d node* | sed 's/node//' | sort -n | xargs)
ncpu=$(ncpus "$(cat /sys/devices/system/cpu/possible)")
echo "# pool nodes: $nodes; possible CPUs: $ncpu"

# --------------------------------------------------- (a) defaults --

d_pool=$(readme_default pool_mb)
d_batch=$(readme_default pcp_batch)
d_high=$(readme_default pcp_high)
d_min=$(readme_default wmark_min_pages)
echo "# README defaults: pool_mb=$d_pool pcp_batch=$d_batch pcp_high=$d_high wmark_min_pages=$d_min"
[ "$d_pool" = 64 ] && [ "$d_batch" = 16 ] && [ "$d_high" = 96 ] &&
	[ "$d_min" = pool/128 ]
ok $? "readme_documents_the_defaults"

got=
for p in pool_mb pcp_batch pcp_high wmark_min_pages; do
	read -r v < "$params/$p"
	got+="${got:+ }$v"
done
echo "# $params: pool_mb pcp_batch pcp_high wmark_min_pages = $got"
[ "$got" = "$d_pool $d_batch $d_high 0" ]
ok $? "sysfs_parameters_hold_the_defaults"

# The writeback and shrinker parameters (writable at run time) as README
# documents them.
got= want=
for p in dirty_expire_ms dirty_writeback_ms dirty_background_ratio \
	 pool_shrinker; do
	read -r v < "$params/$p"
	got+="${got:+ }$v"
	want+="${want:+ }$(readme_default $p)"
done
echo "# run-time parameters: $got (README: $want)"
[ "$got" = "$want" ] && [ -n "$(echo $want | cut -d' ' -f4)" ]
ok $? "runtime_parameters_as_documented"

# 64 MiB per node: 16384 pages; min = 16384 / 128 = 128, low 160, high 192.
pool=$((${d_pool:-64} * 1024 / page_kb))
try_load defaults "$pool" "${d_batch:-16}" "${d_high:-96}" $((pool / 128))

# ---------------------------------------------- (b) other values --

# Whole 4 MiB chunks: 1 MiB is rounded up to 4, 10 MiB to 12.
try_load pool_mb_1_rounds_up_to_4 1024 16 96 8 pool_mb=1
try_load pool_mb_8 2048 16 96 16 pool_mb=8
try_load pool_mb_20_batch_8_high_40 5120 8 40 40 pool_mb=20 pcp_batch=8 pcp_high=40
try_load pool_mb_10_rounds_up_to_12 3072 16 96 24 pool_mb=10
try_load wmark_min_pages_100 16384 16 96 100 wmark_min_pages=100
try_load pool_mb_8_batch_32_high_200_min_1000 2048 32 200 1000 \
	pool_mb=8 pcp_batch=32 pcp_high=200 wmark_min_pages=1000
try_load batch_1024_high_4096 16384 1024 4096 128 pcp_batch=1024 pcp_high=4096

# ------------------------------------------------ (c) bad values --

bad_load pool_mb_0_refused pool_mb=0
grep -q 'edualloc: pool_mb=0: must be' <<< "$(dmesg | sed -n "/$marker/,\$p")"
ok $? "pool_mb_0_explained_in_log"
bad_load pool_mb_negative_refused pool_mb=-1
bad_load pool_mb_not_a_number_refused pool_mb=lots
# The per-CPU lists count in ints: batch or high past 65536 is refused
# (above INT_MAX they once went negative and crashed the first drain).
bad_load pcp_batch_huge_refused pcp_batch=4294967295
bad_load pcp_high_huge_refused pcp_high=2147483648
grep -q 'edualloc: pcp_batch=.* must be at most' <<< "$(dmesg | sed -n "/$marker/,\$p")"
ok $? "pcp_huge_explained_in_log"

# pcp_high below pcp_batch: raised to the batch (sysfs keeps the value given).
try_load pcp_high_below_batch_raised_to_batch 16384 32 32 128 \
	pcp_batch=32 pcp_high=8
# pcp_batch 0: one page at a time.
try_load pcp_batch_0_taken_as_1 16384 1 96 128 pcp_batch=0
try_load pcp_batch_0_high_0 16384 1 0 128 pcp_batch=0 pcp_high=0

# wmark_min_pages beyond the pool: loads, but nothing can be allocated.
unload
if insmod "$ko" pool_mb=4 wmark_min_pages=5000 && [ -c /dev/edualloc ]; then
	get min "$dbg/node0/watermarks" min
	e1=$(ctl_err alloc node=0 order=0 thisnode)
	e2=$(ctl_err alloc node=0 order=0 thisnode highprio)
	get free "$dbg/node0/stats" free_pages
	echo "# pool_mb=4 wmark_min_pages=5000: min $min, free $free; alloc: $e1; highprio alloc: $e2"
	[ "$min" = 5000 ] && [ "$e1" = "Cannot allocate memory" ] &&
		[ "$e2" = "Cannot allocate memory" ] && [ "$free" = 1024 ]
else
	false
fi
ok $? "wmark_min_above_pool_loads_but_gives_enomem"

# ------------------------------------------------------ the end --

# The refused loads' messages are expected; anything else is not.
ok_quiet_log "$marker" 'pool_mb=0: must be' 'must be at most' \
	'invalid for parameter'

# Leave the module loaded with the defaults, as the other tests expect.
unload && insmod "$ko" && [ -c /dev/edualloc ] &&
	[ -z "$(check_views "$pool" "${d_batch:-16}" "${d_high:-96}" $((pool / 128)))" ]
ok $? "reload_with_defaults"

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
