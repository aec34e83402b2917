#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# CPU hotplug while edualloc is in use.  A CPU that goes offline must give
# back what it keeps for itself: the pages on its per-CPU lists (the
# CPU-dead callback edu_cpu_dead(), as page_alloc_cpu_dead()) and the
# objects in its slab magazines (edu_slab_cpu_dead(), as slub_cpu_dead()).
# KTAP output; SKIP (exit 4) without root, the module file or a CPU that
# can go offline (cpu0 usually cannot).
#
#  1. Per hot-pluggable CPU, EDU_HOTPLUG_ROUNDS times: a shell pinned to it
#     (taskset) leaves pages on its lists for every node and fills its
#     magazine of a cache made through slab/control; they must be there.
#     Then the CPU goes offline: its lists and magazines are empty, each
#     node's free count grew by exactly what the CPU's list for that node
#     held (the pages went back to the buddy lists) and the cache's
#     objects in use fell by what the magazine held.  Back online, the
#     next round must be able to fill it again.
#  2. edualloc_stress runs while the CPUs go offline and online, one at a
#     time and all but cpu0 together; after every offline the CPU's lists
#     and magazines are empty, and the stress program's own end checks
#     (pools whole, counters balanced, no cache left) must pass.
#  3. The same under benchmarks: one EDU_IOC_BENCH call on every CPU with
#     several repetitions, so its threads are also created for CPUs that
#     are offline by then; page, slab and cross-CPU workloads must finish,
#     and at least one CPU must have gone offline while each ran.
#  4. With every CPU back and every user gone, after a shrink of every
#     cache and a drain: each pool is whole (node stats free = pool pages,
#     buddyinfo all order-10 blocks, the node map all free), no cache holds
#     an object or a slab, the CPUs are online as before, nothing at
#     warning level in the kernel log, and the module unloads.
# All CPUs are put back online on the way out, also on failure.  The test
# itself runs on cpu0, parsing with shell builtins: under TCG on a busy
# host every program started costs a lot.
#
# EDU_MODULE: path of edualloc.ko (set by scripts/run-selftests)
# EDU_BIN: where the selftest programs are (default build/selftests)
# EDU_HOTPLUG_ROUNDS: rounds of part 1 (default 2)
# EDU_HOTPLUG_STRESS_SECONDS: length of the stress run (default 20)
# EDU_HOTPLUG_BENCH_MS: wanted length of each benchmark with every CPU
#   online (default 8000; hotplug makes them longer)
set -u
. "$(dirname "$0")/edualloc_lib.sh"

top=$(cd "$(dirname "$0")/.." && pwd)
ko=$(edu_module)
bin=$(edu_bin)
rounds=${EDU_HOTPLUG_ROUNDS:-2}
stress_s=${EDU_HOTPLUG_STRESS_SECONDS:-20}
bench_ms=${EDU_HOTPLUG_BENCH_MS:-8000}
dbg=/sys/kernel/debug/edualloc
sysfs=/sys/devices/system/cpu

ktap_start "$ko"

# The CPUs that can go offline: every one but cpu0 with an online file.
cpus=
nr=0
for f in "$sysfs"/cpu[0-9]*/online; do
	c=${f#"$sysfs"/cpu}
	c=${c%/online}
	[ -e "$f" ] && [ "$c" != 0 ] || continue
	cpus="$cpus $c"
	nr=$((nr + 1))
done
cpus=$(tr ' ' '\n' <<< "$cpus" | sort -n | xargs)
if [ -z "$cpus" ] || [ ! -x "$bin/edualloc_stress" ] ||
   [ ! -x "$bin/edualloc_bench_run" ]; then
	echo "1..0 # SKIP needs a hot-pluggable CPU and $bin/edualloc_{stress,bench_run}"
	exit 4
fi
echo "1..$((2 * nr + 11))"
echo "# hot-pluggable CPUs: $cpus"

grep -q '^edualloc ' /proc/modules || insmod "$ko"
read -r online_before < "$sysfs/online"
nodes=$(cd "$dbg" && ls -d node* | sed 's/node//' | sort -n | xargs)
marker="edualloc_hotplug.sh: start $$"
echo "$marker" > /dev/kmsg
# This shell stays on cpu0, which never goes, ahead of the users it runs
# (they get every CPU and the usual priority back): else a stress run
# leaves it too little time for more than a few transitions.
taskset -p -c 0 $$ > /dev/null
renice -n -10 -p $$ > /dev/null

bg=
cleanup() {
	if [ -n "$bg" ]; then
		kill "$bg" 2>/dev/null
		wait "$bg" 2>/dev/null
	fi
	for c in $cpus; do
		echo 1 > "$sysfs/cpu$c/online"
	done 2>/dev/null
	echo "destroy hotplug" > "$dbg/slab/control" 2>/dev/null
	echo "free all" > "$dbg/control" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ms: milliseconds since the epoch, without starting a program.
ms() {
	local t=${EPOCHREALTIME/./}

	echo $((t / 1000))
}

# set_cpu CPU 0|1: take it offline or online; false if it did not happen.
set_cpu() {
	local v

	echo "$2" > "$sysfs/cpu$1/online" 2>/dev/null &&
		read -r v < "$sysfs/cpu$1/online" && [ "$v" = "$2" ]
}

# alive PID: still running (a zombie is not).
alive() {
	local pid comm state rest

	read -r pid comm state rest 2>/dev/null < "/proc/$1/stat" &&
		[ "$state" != Z ]
}

# cached_on CPU: left = what CPU still keeps, a line per non-empty
# per-CPU list (debugfs pcp) and per cache whose magazine of CPU is not
# empty (slab/<cache>/cpu).  A cache may be destroyed as we read (stress,
# benchmarks): it is skipped.
cached_on() {
	local cpu node count rest d name

	left=
	while read -r cpu node count rest; do
		if [ "$cpu" = "$1" ] && [ "$count" != 0 ]; then
			left+="pcp node $node: $count pages"$'\n'
		fi
	done < "$dbg/pcp"
	for d in "$dbg"/slab/*/; do
		name=${d%/}
		name=${name##*/}
		while read -r cpu node count rest; do
			if [ "$cpu" = "$1" ] && [ "${count%/*}" != 0 ]; then
				left+="magazine $name: ${count%/*} objects"$'\n'
			fi
		done 2>/dev/null < "$d/cpu"
	done
}

# pcp_count VAR CPU NODE: VAR = pages on CPU's list for NODE.
pcp_count() {
	local cpu node count rest

	while read -r cpu node count rest; do
		if [ "$cpu" = "$2" ] && [ "$node" = "$3" ]; then
			printf -v "$1" '%s' "$count"
		fi
	done < "$dbg/pcp"
}

# mag_count VAR CPU DIR: VAR = objects in CPU's magazine of the cache DIR.
mag_count() {
	local cpu node count rest

	while read -r cpu node count rest; do
		if [ "$cpu" = "$2" ]; then
			printf -v "$1" '%s' "${count%/*}"
		fi
	done < "$3/cpu"
}

# -------------------------------------------- 1. one CPU at a time --

echo "create hotplug 64" > "$dbg/slab/control"
hpdir=
for d in "$dbg"/slab/hotplug-*/; do
	hpdir=${d%/}
done

# fill_cpu CPU: from a shell pinned to CPU, an order-0 page of every node
# allocated and freed (its list for that node is refilled by a batch and
# keeps it), then 100 objects of the cache, which leave it a full magazine.
# The cache keeps its two slabs when the magazine goes back (min_partial),
# so at offline a node's free count moves by the CPU's list alone.
fill_cpu() {
	local nd cmds=

	for nd in $nodes; do
		cmds="$cmds echo 'alloc node=$nd order=0' > $dbg/control;"
	done
	taskset -c "$1" bash -c "$cmds
		echo 'free all' > $dbg/control
		echo 'alloc hotplug 100' > $dbg/slab/control
		echo 'free hotplug 100' > $dbg/slab/control"
}

declare -a pcp_bad mag_bad
declare -A pcp0 free0
t0=$(ms)
for r in $(seq "$rounds"); do
	for c in $cpus; do
		fill_cpu "$c"
		pages=
		for nd in $nodes; do
			pcp0[$nd]=0
			pcp_count "pcp0[$nd]" "$c" "$nd"
			get "free0[$nd]" "$dbg/node$nd/stats" free_pages
			pages+=" ${pcp0[$nd]}"
			if [ "${pcp0[$nd]}" = 0 ]; then
				echo "# round $r cpu$c: nothing on its list for node $nd before going offline"
				pcp_bad[c]=1
			fi
		done
		mag0=0
		mag_count mag0 "$c" "$hpdir"
		get inuse0 "$hpdir/stats" objects_inuse
		if [ "$mag0" = 0 ]; then
			echo "# round $r cpu$c: its magazine was empty before going offline"
			mag_bad[c]=1
		fi
		echo "# round $r cpu$c: pages on its lists per node:$pages; objects in its magazine: $mag0"

		if ! set_cpu "$c" 0; then
			echo "# round $r: cpu$c did not go offline"
			pcp_bad[c]=1 mag_bad[c]=1
			continue
		fi
		cached_on "$c"
		if [ -n "$left" ]; then
			echo -n "$left" | sed "s/^/# round $r cpu$c offline, still: /"
			[[ $left == *pcp* ]] && pcp_bad[c]=1
			[[ $left == *magazine* ]] && mag_bad[c]=1
		fi
		for nd in $nodes; do
			get free1 "$dbg/node$nd/stats" free_pages
			if [ "$free1" != $((free0[$nd] + pcp0[$nd])) ]; then
				echo "# round $r cpu$c: node $nd free pages $free1, want ${free0[$nd]} + ${pcp0[$nd]} from the list"
				pcp_bad[c]=1
			fi
		done
		get inuse1 "$hpdir/stats" objects_inuse
		if [ "$inuse1" != $((inuse0 - mag0)) ]; then
			echo "# round $r cpu$c: $inuse1 objects in use, want $inuse0 - $mag0 from the magazine"
			mag_bad[c]=1
		fi
		if ! set_cpu "$c" 1; then
			echo "# round $r: cpu$c did not come back online"
			pcp_bad[c]=1 mag_bad[c]=1
		fi
	done
done
for c in $cpus; do
	[ -z "${pcp_bad[c]:-}" ]
	ok $? "cpu${c}_pcp_lists_given_back_at_offline"
	[ -z "${mag_bad[c]:-}" ]
	ok $? "cpu${c}_magazines_given_back_at_offline"
done
echo "destroy hotplug" > "$dbg/slab/control"
echo "# part 1: $rounds rounds in $((($(ms) - t0) / 1000)) s"

# ------------------------------------------ 2. and 3. under users --

# offline_check CPU: after CPU went offline, complain if it keeps anything.
offline_check() {
	cached_on "$1"
	[ -z "$left" ] && return
	bad=$((bad + 1))
	echo -n "$left" | head -n 5 | sed "s/^/# cpu$1 offline, still: /"
}

# hotplug_while PID: take CPUs offline and online while PID runs, each
# hot-pluggable CPU alone, then all of them together.  Counts offlines,
# those that completed with PID still running, those of a CPU that had
# something cached, failed transitions, and offline CPUs found keeping
# something (bad); the time single offlines took.
hotplug_while() {
	local c t

	offlines=0 during=0 busy=0 cycle_err=0 bad=0 hp_ms=0 singles=0
	while alive "$1"; do
		for c in $cpus; do
			alive "$1" || break
			cached_on "$c"
			[ -n "$left" ] && busy=$((busy + 1))
			t=$(ms)
			if ! set_cpu "$c" 0; then
				cycle_err=$((cycle_err + 1))
				continue
			fi
			hp_ms=$((hp_ms + $(ms) - t))
			singles=$((singles + 1))
			offlines=$((offlines + 1))
			alive "$1" && during=$((during + 1))
			offline_check "$c"
			set_cpu "$c" 1 || cycle_err=$((cycle_err + 1))
		done
		alive "$1" || break
		for c in $cpus; do
			set_cpu "$c" 0 || cycle_err=$((cycle_err + 1))
		done
		offlines=$((offlines + 1))
		alive "$1" && during=$((during + 1))
		for c in $cpus; do
			offline_check "$c"
		done
		for c in $cpus; do
			set_cpu "$c" 1 || cycle_err=$((cycle_err + 1))
		done
	done
}

hotplug_summary() {
	echo "# $1: $offlines offlines ($during while it ran, $busy of a CPU with something cached, $((hp_ms / (singles > 0 ? singles : 1))) ms for one alone), $cycle_err failed transitions, $bad times an offline CPU kept something"
}

# Every online CPU (all of them by now): the users' CPUs and benchmarks'.
all=1 allcpus=0
for c in $cpus; do
	all=$((all + 1))
	allcpus+=",$c"
done

# user PROGRAM ARG...: run a user of the module on every CPU, at the
# usual priority.
user() {
	taskset -c "$allcpus" nice -n 10 "$@"
}

t0=$(ms)
log=$(mktemp)
user "$bin/edualloc_stress" "$stress_s" > "$log" 2>&1 &
bg=$!
hotplug_while "$bg"
wait "$bg"
rc=$?
bg=
hotplug_summary "stress ($((($(ms) - t0) / 1000)) s)"
[ "$rc" = 0 ]
ok $? "stress_passes_while_cpus_come_and_go"
[ "$rc" = 0 ] || grep -E '^(not ok|#)' "$log" | head -n 20
[ "$bad" = 0 ] && [ "$cycle_err" = 0 ] && [ "$during" -gt 0 ]
ok $? "offline_cpus_keep_nothing_under_stress"
rm -f "$log"

reps=4
# calibrate NAME CPULIST [SIZE [BATCH]]: iters = iterations for about bench_ms
# in reps repetitions with every CPU online, from runs ten times longer
# until one takes half a second (the time of the call, as the helper
# measures it).
calibrate() {
	local name=$1 list=$2 it=1000 took=1 out

	shift 2
	while out=$(user "$bin/edualloc_bench_run" "$name" "$list" "$it" 1 \
		    "$@" 2>&1); do
		took=${out##*ms=}
		took=$((${took:-0} + 1))
		[ "$took" -ge 500 ] || [ "$it" -ge $((1 << 20)) ] && break
		it=$((it * 10))
	done
	iters=$((it * bench_ms / reps / took))
	[ "$iters" -gt $((1 << 24)) ] && iters=$((1 << 24))
	[ "$iters" -lt 1000 ] && iters=1000
	echo "# $name: $iters iterations x $reps on CPUs $allcpus ($it took $took ms)"
}

# bench_with_hotplug NAME CPULIST [SIZE [BATCH]]: a benchmark under hotplug,
# longer if it ended before a CPU could go offline under it (the host's
# speed varies).
bench_with_hotplug() {
	local name=$1 blist=$2 out rc try

	shift 2
	calibrate "$name" "$blist" "$@"
	out=$(mktemp)
	for try in 1 2 3; do
		t0=$(ms)
		user "$bin/edualloc_bench_run" "$name" "$blist" "$iters" \
			"$reps" "$@" > "$out" 2>&1 &
		bg=$!
		# It wants every CPU of its list online when it starts: wait
		# for its threads, made once that has been checked.
		while alive "$bg" && ! pgrep '^edu_bench/' > /dev/null; do
			sleep 0.02
		done
		hotplug_while "$bg"
		wait "$bg"
		rc=$?
		bg=
		echo "# $(cat "$out")"
		hotplug_summary "$name ($((($(ms) - t0) / 1000)) s)"
		[ "$rc" = 0 ] && [ "$during" = 0 ] || break
		iters=$((iters * 4))
		[ "$iters" -gt $((1 << 24)) ] && iters=$((1 << 24))
		echo "# too short for a CPU to go offline under it: again with $iters iterations"
	done
	rm -f "$out"
	[ "$rc" = 0 ] && [ "$bad" = 0 ] && [ "$cycle_err" = 0 ] &&
		[ "$during" -gt 0 ]
}

bench_with_hotplug page_repeat "$allcpus"
ok $? "bench_page_repeat_while_cpus_come_and_go"
bench_with_hotplug slab_repeat "$allcpus" 64
ok $? "bench_slab_repeat_while_cpus_come_and_go"
# Pairs: an even number of CPUs, the highest (the last) left out if need be.
cross=$allcpus
[ $((all % 2)) = 1 ] && cross=${allcpus%,*}
bench_with_hotplug cross_cpu "$cross"
ok $? "bench_cross_cpu_while_cpus_come_and_go"

# -------------------------------------------------- 4. afterwards --

# Every CPU online, no user left: give back all that is cached.
for c in $cpus; do
	set_cpu "$c" 1
done
for f in "$dbg"/slab/*/shrink; do
	echo 1 > "$f"
done
echo drain > "$dbg/control"

whole=0
for nd in $nodes; do
	st=$dbg/node$nd/stats
	get pool "$st" pool_pages
	get free "$st" free_pages
	get pcp "$st" pcp_pages
	# buddyinfo: "Node N, zone pool" then the counts of orders 0..10.
	read -r -a bi <<< "$(grep "^Node $nd," "$dbg/buddyinfo")"
	low=0
	for o in $(seq 4 13); do
		low=$((low + bi[o]))
	done
	# The map: a character per page, 'A' a page of a free order-10 block.
	notfree=$(grep '^  ' "$dbg/node$nd/map" | tr -d ' A\n' | wc -c)
	echo "# node $nd: pool $pool free $free pcp $pcp; buddyinfo: ${bi[14]} order-10 blocks, $low smaller; map: $notfree pages not free"
	if [ "$free" != "$pool" ] || [ "$pcp" != 0 ] || [ "$low" != 0 ] ||
	   [ $((bi[14] * 1024)) != "$pool" ] || [ "$notfree" != 0 ]; then
		whole=1
	fi
done
[ "$whole" = 0 ]
ok $? "pools_whole_after_hotplug"

held=
for d in "$dbg"/slab/*/; do
	for k in objects_inuse objects_cpu_cached slabs; do
		get val "$d/stats" "$k"
		[ "$val" = 0 ] || held+="${d%/}: $k $val"$'\n'
	done
done
[ -z "$held" ]
ok $? "slab_caches_empty_after_hotplug"
[ -z "$held" ] || echo -n "$held" | sed 's/^/# /'

read -r online_after < "$sysfs/online"
echo "# online CPUs before $online_before, after $online_after"
[ "$online_after" = "$online_before" ]
ok $? "cpus_back_online"

ok_quiet_log "$marker"

rmmod edualloc && [ ! -e /dev/edualloc ] &&
	! dmesg | sed -n "/$marker/,\$p" | grep -q 'still in use at unload'
ok $? "module_unloads"

# Leave the module loaded, as the other tests expect.
insmod "$ko" && [ -c /dev/edualloc ]
ok $? "reload"

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
