#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# edualloc under the kernel's own fault injection, fail_page_alloc and
# failslab (Documentation/fault-injection/fault-injection.rst): load, ioctls,
# debugfs control and unload must each succeed or fail with ENOMEM, leave
# nothing behind and print no warning.  Only the debug kernel of
# `make check-debug` has them: elsewhere SKIP (exit 4).  KTAP output; the
# counts go out as comments.  Leaves the module loaded, fault-free.
#
# Only the test's children fail: task-filter=Y and /proc/PID/make-it-fail.
# GFP_KERNEL allocations fail too (ignore-gfp-wait=N), order-0 pages too
# (min-order=0); user pages never (ignore-gfp-highmem=Y), or every page
# fault would fail.  x86_64 has no stacktrace filter, so the kernel's own
# paths in those children fail as well (exec, load_module(), vmalloc()):
# the stack dumps of warn_alloc() that follow are expected, and every
# injection window is marked in the kernel log ("edualloc-test: injected
# faults on" ... "off") for scripts/logcheck, which still fails the run on
# any WARNING, BUG, KASAN, lockdep or kmemleak report in it.
#
# The failing children run from a tmpfs copy (kmod and edualloc_fuzz with
# their libraries, through ld.so; static busybox; the module), never from
# 9p, the guest's root and the repo: a failed allocation in a 9p close
# (TCLUNK) leaks the fid on the server, the client then reuses its number,
# and from then on every open in the guest fails with EINVAL.
#
# Faults start where the child reaches what is tested (`space`, measured
# by fault-free runs that stop right there): for insmod, once
# load_module() has run the module notifiers (a load refused at a bad
# parameter), as a failed allocation in jump_label's notifier is a WARN
# and one in kmemleak's scan areas a kmemleak message, the kernel's and
# not edualloc's business; for edualloc_fuzz, once it is past its set-up
# (a run of no calls), for rmmod at delete_module().
#
#  1-2  insmod under each: one fault moved through the rest of the load,
#       module init included (times=1, `space`), then repeated faults (at
#       random, every Nth, N in a row); each load succeeds (and the module
#       works and unloads) or fails with ENOMEM and leaves nothing loaded;
#  3-4  ioctl (edualloc_fuzz) and debugfs control workloads under each,
#       the module loaded without faults: the answers are counted, the
#       programs' verdicts not ours; afterwards the module works and its
#       pools are whole (buddyinfo as before);
#  5    the module still works (edualloc_core_test);
#  6    rmmod under each, one fault moved through it, the module holding
#       blocks and objects: it unloads or fails cleanly and loads again;
#  7-9  no leak report from the module, no warning in the kernel log,
#       the kernel's memory back (edualloc_memstat: slab objects, large
#       kmallocs, vmalloc, page tables, per-CPU and raw pages, each within
#       EDU_MEM_TOLERANCE pages);
#  10   reload without faults.
#
# EDU_MODULE: path of edualloc.ko (set by scripts/run-selftests)
# EDU_BIN: the selftest programs (default build/selftests)
# EDU_FAILINJ_POINTS: evenly spaced faults per sweep, besides the
#   logarithmic ones (default 6)
# EDU_FAILINJ_CALLS: edualloc_fuzz calls per run (default 6000)
# EDU_MEM_TOLERANCE: pages a kernel counter may grow by (default 256: the
#   injected faults reach the kernel's own caches too; a leaked pool chunk
#   is 1024 pages)
set -u
. "$(dirname "$0")/edualloc_lib.sh"

top=$(cd "$(dirname "$0")/.." && pwd)
ko=$(edu_module)
bin=$(edu_bin)
edu=$top/build/tools/edu
points=${EDU_FAILINJ_POINTS:-6}
calls=${EDU_FAILINJ_CALLS:-6000}
mem_tol=${EDU_MEM_TOLERANCE:-256}
dbg=/sys/kernel/debug/edualloc
rate=/sys/module/edualloc/parameters/fault_rate
fs=/sys/kernel/debug/failslab
fpa=/sys/kernel/debug/fail_page_alloc

ktap_start "$ko"
if [ ! -d "$fs" ] || [ ! -d "$fpa" ] || [ ! -e /proc/self/make-it-fail ]; then
	echo "1..0 # SKIP no failslab/fail_page_alloc in debugfs (CONFIG_FAULT_INJECTION_DEBUG_FS)"
	exit 4
fi
# The tmpfs copy of what the failing children run (see above).
fdir=$(mktemp -d -p /dev/shm edualloc-failinj.XXXXXX)
progs=("$(command -v kmod)" "$bin/edualloc_fuzz")
mapfile -t libs < <(ldd "${progs[@]}" 2> /dev/null |
	awk '$2 == "=>" { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' | sort -u)
for f in "$(command -v busybox)" "$ko" "${progs[@]}" "${libs[@]}"; do
	cp -L "$f" "$fdir/" || break
done
ld=$(echo "$fdir"/ld-linux*)
if ldd "$fdir/busybox" > /dev/null 2>&1 || [ ! -x "$ld" ] ||
   [ ! -f "$fdir/kmod" ] || [ ! -f "$fdir/edualloc_fuzz" ]; then
	rm -rf "$fdir"
	echo "1..0 # SKIP needs static busybox, kmod, $bin/edualloc_fuzz"
	exit 4
fi
echo "1..10"

# Everything changed is put back on every way out, probability 0 first.
attrs="probability interval times space verbose task-filter ignore-gfp-wait
       ignore-gfp-highmem min-order"
declare -A saved
for d in "$fs" "$fpa"; do
	for a in $attrs; do
		[ -f "$d/$a" ] && saved[$d/$a]=$(cat "$d/$a")
	done
done
inj_on=0
# A child may die of a fault of its own on an error path (kmod did, of a
# general protection fault); the kernel's note on that ("traps: ... general
# protection fault") would read as one of its own to scripts/logcheck.
trace=$(cat /proc/sys/debug/exception-trace)
echo 0 > /proc/sys/debug/exception-trace
tmp=$(mktemp)

faults_off() {
	echo 0 > "$fs/probability"
	echo 0 > "$fpa/probability"
	if [ "$inj_on" = 1 ]; then
		echo "edualloc-test: injected faults off" > /dev/kmsg
		inj_on=0
	fi
}

restore() {
	local f

	faults_off
	for f in "${!saved[@]}"; do
		echo "${saved[$f]}" > "$f"
	done
	[ -w "$rate" ] && echo 0 > "$rate"
	echo "$trace" > /proc/sys/debug/exception-trace
	rm -rf "$fdir" "$tmp"
}
trap restore EXIT
trap 'exit 1' INT TERM

for d in "$fs" "$fpa"; do
	echo 0 > "$d/probability"
	echo 1 > "$d/verbose"	# one line per fault, no stack dump
	echo Y > "$d/task-filter"
	echo N > "$d/ignore-gfp-wait"
done
echo Y > "$fpa/ignore-gfp-highmem"
echo 0 > "$fpa/min-order"

# arm DIR PROBABILITY INTERVAL TIMES SPACE: faults on for make-it-fail tasks.
arm() {
	echo 0 > "$1/probability"
	echo "$3" > "$1/interval"
	echo "$4" > "$1/times"
	echo "$5" > "$1/space"
	if [ "$inj_on" = 0 ]; then
		echo "edualloc-test: injected faults on" > /dev/kmsg
		inj_on=1
	fi
	echo "$2" > "$1/probability"
}

# used DIR: what was counted against `space` since it was armed with
# 2^31-1: bytes for failslab, pages for fail_page_alloc.
used() { echo $((2147483647 - $(cat "$1/space"))); }

# inject CMD...: CMD as a child that fails, from its exec() on.
inject() {
	"$fdir/busybox" sh -c 'echo 1 > /proc/self/make-it-fail && exec "$@"' \
		inject "$@"
}

# spare DIR CMD...: sets `spared` to what CMD, run as a failing child
# without faults, has counted against `space` when it exits: the most of
# three runs, plus twice their spread and 1%.  Armed with that, faults
# start where CMD stops.
spare() {
	local dir=$1 i u min max

	shift
	for i in 1 2 3; do
		arm "$dir" 100 1 1 2147483647
		inject "$@" > /dev/null 2>&1
		u=$(used "$dir")
		[ "$i" = 1 ] && min=$u max=$u
		[ "$u" -lt "$min" ] && min=$u
		[ "$u" -gt "$max" ] && max=$u
	done
	faults_off
	spared=$((max + 2 * (max - min) + max / 100 + 1))
	spared_runs="$min..$max"
}

# The module answers through the device, and through debugfs when it got
# it (debugfs errors do not fail the load, by design).
module_works() {
	[ -c /dev/edualloc ] || return 1
	if [ -x "$edu" ]; then
		"$edu" block 0 > /dev/null || return 1
	fi
	[ -e "$dbg/control" ] || return 0
	echo "alloc order=1" > "$dbg/control" && echo "free all" > "$dbg/control"
}

loaded() { grep -q '^edualloc ' /proc/modules; }

# The kernel's own memory, as /proc/meminfo counts it.
kmem() {
	grep -E '^(Slab|SUnreclaim|VmallocUsed|Percpu|PageTables):' /proc/meminfo |
		tr -s ' ' | tr '\n' ' '
}

settle_pools() {
	local f

	for f in "$dbg"/slab/*/shrink; do
		echo 1 > "$f"
	done 2> /dev/null
	echo drain > "$dbg/control"
}

# sweep DIR STEP LO HI CMD: CMD under a single fault, placed where LO + x
# of the child's allocations have been counted (`space`), x = STEP,
# 4 * STEP, ...; as far before HI; and at evenly spaced points from LO to
# HI.
sweep() {
	local dir=$1 step=$2 lo=$3 hi=$4 cmd=$5 s k at

	mapfile -t at < <({
		for ((s = step; s < hi - lo; s *= 4)); do
			echo $((lo + s))
			echo $((hi - s))
		done
		for ((k = 0; k < points; k++)); do
			echo $((lo + (hi - lo) * k / points))
		done; } | sort -n -u)
	for s in "${at[@]}"; do
		arm "$dir" 100 1 1 "$s"
		"$cmd"
	done
	faults_off
}

grep -q '^edualloc ' /proc/modules && rmmod edualloc
marker="edualloc_failinj.sh: start $$"
echo "$marker" > /dev/kmsg
memstat_start
# One clean cycle first, so the readings start from warm caches.
insmod "$ko" && rmmod edualloc
memstat_read
before=$memstat
kmem_before=$(kmem)
start_s=$(date +%s)

# ---------------------------------------------------------------- insmod --
# try_load: one insmod as a failing child; adds to n_ok, n_nomem, n_notrun
# and, for anything but success or ENOMEM, to bad.
try_load() {
	local out rc

	out=$(inject "$ld" --library-path "$fdir" --argv0 insmod "$fdir/kmod" \
		"$fdir/${ko##*/}" 2>&1)
	rc=$?
	if [ "$rc" = 0 ]; then
		n_ok=$((n_ok + 1))
		if ! loaded || ! module_works; then
			echo "# loaded but not working: $out"
			bad=$((bad + 1))
		fi
		if ! rmmod edualloc; then
			echo "# rmmod after a load under faults failed"
			bad=$((bad + 1))
		fi
		return
	fi
	if [ "$rc" -ge 126 ]; then
		n_notrun=$((n_notrun + 1))	# exec() failed, or it died
		echo "# insmod not run or killed (exit $rc): $(head -c 200 <<< "$out")"
	elif [ "$rc" = 1 ] && grep -q 'Cannot allocate memory' <<< "$out"; then
		n_nomem=$((n_nomem + 1))
	else
		echo "# unexpected (exit $rc): $out"
		bad=$((bad + 1))
	fi
	if loaded; then
		echo "# a failed insmod left the module loaded"
		bad=$((bad + 1))
		rmmod edualloc
	fi
}

# load_test NAME DIR STEP UNITS
load_test() {
	local name=$1 dir=$2 lo hi p

	n_ok=0 n_nomem=0 n_notrun=0 bad=0
	# Where the notifiers are done: a load refused at its parameters.
	spare "$dir" "$ld" --library-path "$fdir" --argv0 insmod "$fdir/kmod" \
		"$fdir/${ko##*/}" pool_mb=x
	lo=$spared
	arm "$dir" 100 1 1 2147483647
	try_load
	hi=$(used "$dir")
	faults_off
	echo "# $name: faults from $lo (runs to the notifiers: $spared_runs)" \
	     "to $hi $4 of a load"
	sweep "$dir" "$3" "$lo" "$hi" try_load
	# Repeated faults: at random, every Nth, the first N in a row.
	for p in "2 1 -1" "10 1 -1" "10 1 -1" "100 7 -1" "100 31 -1" \
		 "100 1 4" "100 1 32"; do
		# shellcheck disable=SC2086 # probability, interval, times
		set -- $p
		arm "$dir" "$1" "$2" "$3" "$lo"
		try_load
	done
	faults_off
	echo "# $name: $n_ok loads ok, $n_nomem ENOMEM, $n_notrun not run or killed"
	[ "$bad" = 0 ] && [ "$n_nomem" -gt 0 ]
	ok $? "${name}_loads_succeed_or_fail_with_enomem"
}

load_test failslab "$fs" 64 bytes
load_test fail_page_alloc "$fpa" 1 pages

# -------------------------------------------------------------- ioctls --
# fuzz SEED: edualloc_fuzz as a failing child; counts its ok and ENOMEM
# answers.
fuzz() {
	local rc

	inject "$ld" --library-path "$fdir" "$fdir/edualloc_fuzz" "$1" "$calls" \
		> "$tmp" 2>&1
	rc=$?
	w_ok=$((w_ok + $(awk '$1 == "#" && $2 == "OK" { n += $3 } END { print n + 0 }' "$tmp")))
	w_nomem=$((w_nomem + $(awk '$1 == "#" && $2 == "ENOMEM" { n += $3 } END { print n + 0 }' "$tmp")))
	echo "# edualloc_fuzz $1 $calls: exit $rc," \
	     "$(grep -oE 'fuzz: [0-9]+ calls' "$tmp" ||
		grep -m 1 -oE 'Bail out!.{0,60}' "$tmp" || echo 'no output')"
}

# control TAG: debugfs control writes from a failing shell (builtins only,
# nothing to exec): one "ok" per write that worked, the shell's message for
# the others.
control() {
	local out i

	# shellcheck disable=SC2016 # expanded by the child
	out=$("$fdir/busybox" sh -c 'echo 1 > /proc/self/make-it-fail || exit 126
		d=$1 t=$2 i=0
		while [ $i -lt 24 ]; do
			echo "alloc order=$((i % 4))" > "$d/control" && echo ok
			i=$((i + 1))
		done
		echo "alloc order=10" > "$d/control" && echo ok
		echo drain > "$d/control" && echo ok
		for i in 0 1 2; do
			echo "create $t$i 200 debug" > "$d/slab/control" && echo ok
			echo "alloc $t$i 100" > "$d/slab/control" && echo ok
			echo "free $t$i 40" > "$d/slab/control" && echo ok
		done
		echo "destroy ${t}0" > "$d/slab/control" && echo ok
		echo "free all" > "$d/control" && echo ok' control "$dbg" "$1" 2>&1)
	w_ok=$((w_ok + $(grep -c '^ok$' <<< "$out")))
	w_nomem=$((w_nomem + $(grep -c 'Cannot allocate memory' <<< "$out")))
	w_other=$((w_other + $(grep -v -e '^ok$' -e 'Cannot allocate memory' <<< "$out" | grep -c .)))
	# Without faults: what the failing shell left behind.
	echo "free all" > "$dbg/control"
	for i in 0 1 2; do
		echo "destroy $1$i" > "$dbg/slab/control"
	done 2> /dev/null
}

# ioctl_test NAME DIR START FUZZ-FAULTS CONTROL-PROBABILITY: FUZZ-FAULTS
# as arm's PROBABILITY INTERVAL TIMES.
ioctl_test() {
	local name=$1 dir=$2 bi now seed

	w_ok=0 w_nomem=0 w_other=0
	settle_pools
	bi=$(cat "$dbg/buddyinfo")
	for seed in 1 2; do
		# shellcheck disable=SC2086 # three words
		arm "$dir" $4 "$3"
		fuzz "$seed"
	done
	arm "$dir" "$5" 1 -1 0
	control "fi${name%%_*}"
	control "fj${name%%_*}"
	faults_off
	echo 0 > "$rate"
	echo "# $name: ioctls and control writes: $w_ok ok, $w_nomem ENOMEM," \
	     "$w_other other errors"
	settle_pools
	now=$(cat "$dbg/buddyinfo")
	[ "$now" = "$bi" ] && module_works
	ok $? "${name}_ioctls_fail_cleanly_pools_whole"
	[ "$now" = "$bi" ] ||
		printf 'buddyinfo before:\n%s\nafter:\n%s\n' "$bi" "$now" |
		sed 's/^/# /'
}

insmod "$ko"
# Where edualloc_fuzz is past its set-up: where a run of no calls ends.
fuzz_at=()
for d in "$fs" "$fpa"; do
	spare "$d" "$ld" --library-path "$fdir" "$fdir/edualloc_fuzz" 1 0
	fuzz_at+=("$spared")
done
# edualloc_fuzz gives up when it cannot reopen the device: under failslab,
# a few faults far apart let it finish and count its answers.
ioctl_test failslab "$fs" "${fuzz_at[0]}" "100 37 8" 5
ioctl_test fail_page_alloc "$fpa" "${fuzz_at[1]}" "2 1 -1" 10

out=$("$bin/edualloc_core_test" 2>&1)
ok $? "module_works_after_faults"
grep -E '^not ok|^# (FAIL|.*Expected)' <<< "$out" | head -n 20 | sed 's/^/# /'

# ---------------------------------------------------------------- rmmod --
# try_unload: rmmod as a failing child, the module loaded without faults
# and holding blocks and a slab cache with objects; adds to u_ok,
# u_nomem, u_notrun and bad.
try_unload() {
	local out rc

	loaded || insmod "$ko" || { bad=$((bad + 1)); return; }
	echo "alloc order=3" > "$dbg/control"
	echo "create fu 300 debug" > "$dbg/slab/control"
	echo "alloc fu 20" > "$dbg/slab/control"
	out=$(inject "$fdir/busybox" rmmod edualloc 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && ! loaded; then
		u_ok=$((u_ok + 1))
		return
	fi
	if [ "$rc" -ge 126 ]; then
		u_notrun=$((u_notrun + 1))
		echo "# rmmod not run or killed (exit $rc): $(head -c 200 <<< "$out")"
	elif [ "$rc" = 1 ] && grep -q 'Cannot allocate memory' <<< "$out"; then
		u_nomem=$((u_nomem + 1))
	else
		echo "# unexpected (exit $rc): $out"
		bad=$((bad + 1))
	fi
	# Still there, and still whole: it must work and unload now.
	if ! loaded || ! module_works || ! rmmod edualloc; then
		echo "# the module did not survive a failed rmmod"
		bad=$((bad + 1))
	fi
}

# unload_test NAME DIR STEP
unload_test() {
	local lo hi

	u_ok=0 u_nomem=0 u_notrun=0
	# Up to delete_module(): where it stops for a module that is not there.
	spare "$2" "$fdir/busybox" rmmod edualloc_none
	lo=$spared
	arm "$2" 100 1 1 2147483647
	try_unload
	hi=$(used "$2")
	faults_off
	sweep "$2" "$3" "$lo" "$hi" try_unload
	echo "# $1: $u_ok unloads ok, $u_nomem ENOMEM, $u_notrun not run or killed"
}

bad=0
unload_test failslab "$fs" 64
unload_test fail_page_alloc "$fpa" 1
loaded && rmmod edualloc
insmod "$ko" && module_works && rmmod edualloc && [ "$bad" = 0 ]
ok $? "unload_under_faults_then_clean_reload"

# ----------------------------------------------------------- aftermath --
seg=$(dmesg -r | sed -n "/$marker/,\$p")
reports=$(grep -E 'edualloc: .*(still in use at unload|leaked)' <<< "$seg")
[ -z "$reports" ]
ok $? "no_leak_reports_at_unload"
[ -z "$reports" ] || echo "$reports" | head -n 20 | sed 's/^/# /'

# The module's messages at warning level or worse (but the notes on an
# unsigned module, on a pool cut short and on the bad parameter above, the
# kernel's on its own failed allocations for the module's debugfs and
# sysfs entries, and slab errors, which the log checker judges: the fuzzer
# damages the caches it announced), and whatever the VM's log checker
# flags, injection windows and announcements taken into account.  Inside
# an injection window, the stack dump the kernel prints for an allocation
# it was told to fail (warn_alloc) has frames of ours, which are not
# reports; the module's own allocations that may fail say __GFP_NOWARN, so
# most injected faults print nothing at all.
in_window() {
	awk '/edualloc-test: injected faults on/ { w = 1 }
	     /edualloc-test: injected faults off/ { w = 0 }
	     !(w && / [a-z_0-9.]+\+0x[0-9a-f]+\/0x[0-9a-f]+ \[edualloc\]/)'
}
EDU_LOG_FILTER=in_window ok_quiet_log "$marker" 'edualloc: slab error: ' \
	'edualloc: node [0-9]*: no pool' \
	'edualloc: node [0-9]*: got [0-9]* of [0-9]* chunks' \
	"edualloc: \`x' invalid for parameter \`pool_mb'" \
	'debugfs: out of free dentries' \
	'kobject_add_internal failed for .* (error: -12 parent: edualloc)'
echo "# $(grep -c 'FAULT_INJECTION: forcing a failure' <<< "$seg") injected faults reported (rate-limited, none for __GFP_NOWARN)," \
     "$(grep -cE 'edualloc: node [0-9]+: (got|no pool)' <<< "$seg") pools cut short"

memstat_read
echo "# before: $kmem_before"
echo "# after:  $(kmem)"
memstat_grew "$before" "$memstat" "$mem_tol"
ok $? "memory_returned_to_kernel"

insmod "$ko" && [ -c /dev/edualloc ]
ok $? "reload_without_faults"
echo "# failinj: $(($(date +%s) - start_s)) s"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
