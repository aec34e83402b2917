#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Leak accounting over many load / heavy use / unload cycles of edualloc.
# KTAP output; SKIP (exit 4) without root or the module file.
#
# A round is one heavy cycle and EDU_LEAK_LIGHT plain ones.  The heavy cycle
# loads the module, uses it hard and unloads it with things still allocated:
#   - a short seeded run of edualloc_fuzz (every ioctl, error paths, mmap;
#     seed = round number), its verdict ignored here;
#   - a 1 s run of edualloc_stress (threads, processes, debugfs readers) in
#     the first warm-up round and in rounds 1, 11, 21...;
#   - blocks left allocated through debugfs control and a cache with
#     objects left in slab/control (the fuzzer and the stress program also
#     close files that still own blocks, objects and caches).
# A plain cycle is insmod and rmmod.  Checked:
#   - every cycle loads and unloads;
#   - no "still in use at unload" / "leaked" report from the module;
#   - the kernel's memory does not grow with the cycles.  After each round,
#     edualloc_memstat settles the kernel (drops caches, shrinks every slab
#     cache) and accounts what it holds, apart, to the page: live slab
#     objects (bytes, not slabs), kmalloc()s too large for a cache, vmalloc,
#     page tables, per-CPU pages, threads, and every other page it holds
#     (pgalloc - pgfree events, less everything above and the anonymous and
#     page-cache pages).  Per counter, the trend is the Theil-Sen slope (the
#     median of the slopes between every two rounds, which a few odd rounds
#     do not move) over the baseline (after EDU_LEAK_WARMUP uncounted rounds)
#     and the rounds, divided by the cycles per round.  It must stay below
#     EDU_LEAK_TOLERANCE pages per load/unload cycle, default 0.5: a leak of
#     one page per load reads about 1.0.
#     Measured in the VM (20 rounds): clean runs read -0.1..0.1 on objs,
#     0 on the others, but raw pages; those move in steps of up to ~15
#     pages now and then (the kernel's own caches and page tables), which
#     without the plain cycles read up to 0.7 page per cycle on a clean
#     module; with one plain cycle per round the clean runs read at most
#     0.35 and a one-page leak per load 0.9 or more.  Per-CPU memory is
#     counted in populated pages (one per CPU at a time): a leak of less per
#     cycle shows once it has filled a page; kmemleak (check-debug) sees
#     each object.
# Leaves the module loaded at the end, as the other tests expect.
#
# EDU_MODULE: path of edualloc.ko (set by scripts/run-selftests)
# EDU_LEAK_CYCLES: counted rounds (default 100)
# EDU_LEAK_LIGHT: plain load/unload cycles per round (default 1)
# EDU_LEAK_MAX_SECONDS: stop after this long (default 200, so the test stays
#   under selftests/settings' timeout), the rounds done counted
# EDU_LEAK_WARMUP: uncounted rounds before the baseline (default 3)
# EDU_LEAK_FUZZ_CALLS: fuzzer calls per heavy cycle (default 300)
# EDU_LEAK_TOLERANCE: pages per load/unload cycle (default 0.5)
# EDU_LEAK_PASSES: settle-and-read passes per reading, the least kept
#   (default 2)
# EDU_BIN: where the selftest programs are (default build/selftests)
set -u
. "$(dirname "$0")/edualloc_lib.sh"

top=$(cd "$(dirname "$0")/.." && pwd)
ko=$(edu_module)
rounds=${EDU_LEAK_CYCLES:-100}
light=${EDU_LEAK_LIGHT:-1}
max_s=${EDU_LEAK_MAX_SECONDS:-200}
warmup=${EDU_LEAK_WARMUP:-3}
fuzz_calls=${EDU_LEAK_FUZZ_CALLS:-300}
tol=${EDU_LEAK_TOLERANCE:-0.5}
passes=${EDU_LEAK_PASSES:-2}
bin=$(edu_bin)
dbg=/sys/kernel/debug/edualloc
counters="objs large vmalloc pt percpu raw tasks"

# Heavy use of a freshly loaded module, leaving things allocated.
use_module() {
	local round=$1

	if [ -x "$bin/edualloc_fuzz" ]; then
		EDU_FUZZ_SEED=${round#w} EDU_FUZZ_CALLS=$fuzz_calls "$bin/edualloc_fuzz" \
			> /dev/null 2>&1
	fi
	if [ $((${round#w} % 10)) = 1 ] && [ -x "$bin/edualloc_stress" ]; then
		"$bin/edualloc_stress" 1 8 1 > /dev/null 2>&1
	fi
	# Left for the unload to free: control blocks, a cache with objects.
	for o in 0 3 10; do
		echo "alloc order=$o" > "$dbg/control" 2>/dev/null
	done
	echo "create leak$round 100 debug" > "$dbg/slab/control" 2>/dev/null
	echo "alloc leak$round 50" > "$dbg/slab/control" 2>/dev/null
}

load() { insmod "$ko" && [ -c /dev/edualloc ]; }
unload() { rmmod edualloc && [ ! -e /dev/edualloc ]; }

round() {	# round N: a heavy cycle and the plain ones; false on failure
	local i

	load || return 1
	use_module "$1"
	unload || return 1
	# A small pool: the cycle is the point, and it loads twice as fast.
	for i in $(seq "$light"); do
		insmod "$ko" pool_mb=4 && [ -c /dev/edualloc ] && unload || return 1
	done
}

# Per counter, over the readings (one line per round, name=value words):
# the Theil-Sen slope in pages per load/unload cycle.
slopes() {
	local c

	for c in $counters; do
		awk -v c="$c" -v per=$((1 + light)) '
		{
			for (i = 1; i <= NF; i++)
				if (index($i, c "=") == 1)
					y[n++] = substr($i, length(c) + 2)
		}
		END {
			scale = (c == "objs" ? 4096 : 1) * per
			for (i = 0; i < n; i++)
				for (j = i + 1; j < n; j++)
					print (y[j] - y[i]) / (j - i) / scale
		}' <<< "$readings" | sort -g | awk -v c="$c" '
		{ s[NR] = $1 }
		END {
			m = NR % 2 ? s[(NR + 1) / 2] : (s[NR / 2] + s[NR / 2 + 1]) / 2
			if (NR)
				printf "%s %.2f\n", c, m
		}'
	done
}

ktap_start "$ko"
if [ ! -x "$bin/edualloc_memstat" ]; then
	echo "Bail out! no $bin/edualloc_memstat: build the selftests"
	exit 1
fi
echo "1..4"

# Started once, before the baseline: its later readings exec nothing.
coproc MEMSTAT { "$bin/edualloc_memstat" "$passes"; }
measure() {	# append one reading to $readings
	local line

	echo >&"${MEMSTAT[1]}"
	read -r line <&"${MEMSTAT[0]}"
	readings+="$line"$'\n'
}

marker="edualloc_leak.sh: start $$"
echo "$marker" > /dev/kmsg
grep -q '^edualloc ' /proc/modules && rmmod edualloc
# Warm-up rounds, not counted: the programs' page cache and the kernel's
# own caches grow over the first cycles after boot.
for i in $(seq "$warmup"); do
	round "w$i"
done
readings=
measure

start=$(date +%s)
bad_round=0 done=0
for i in $(seq "$rounds"); do
	if ! round "$i"; then
		bad_round=$i; break
	fi
	measure
	done=$i
	if [ $(($(date +%s) - start)) -ge "$max_s" ]; then
		echo "# time cap EDU_LEAK_MAX_SECONDS=$max_s reached"
		break
	fi
done
elapsed=$(($(date +%s) - start))
eval "exec ${MEMSTAT[1]}>&-"
wait "$MEMSTAT_PID"
[ "$bad_round" = 0 ]
ok $? "load_use_unload_${done}_rounds"
[ "$bad_round" = 0 ] || echo "# failed in round $bad_round"
echo "# $done of $rounds rounds of $((1 + light)) cycles in $elapsed s"

# The module's own unload checks: pool pages or cache objects left over.
reports=$(dmesg | sed -n "/$marker/,\$p" |
	grep -E 'edualloc: .*(still in use at unload|leaked)')
[ -z "$reports" ]
ok $? "no_leak_reports_at_unload"
[ -z "$reports" ] || echo "$reports" | head -n 20 | sed 's/^/# /'

# Readings relative to the baseline, at most ~20 lines of them.
every=$(((done + 19) / 20))
awk -v every="$every" -v counters="$counters" '
	BEGIN { nc = split(counters, name, " "); printf "# round" }
	NR == 1 { for (k = 1; k <= nc; k++) printf " %s", name[k]; printf "\n" }
	NF {
		for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		if (NR == 1)
			for (k in v) base[k] = v[k]
		if ((NR - 1) % every)
			next
		printf "# %5d", NR - 1
		for (k = 1; k <= nc; k++)
			printf " %+d", v[name[k]] - base[name[k]]
		printf "\n"
	}' <<< "$readings"
echo "# (objs in bytes, the others in pages but tasks; growth since the baseline)"

result=0
if [ "$done" -lt 8 ]; then
	echo "# only $done rounds: too few for a trend"
	result=1
fi
# Compaction moves pages without the events "raw" counts them by.
compact=$(awk 'NF {
		for (i = 1; i <= NF; i++)
			if (index($i, "compact=") == 1)
				v = substr($i, 9) + 0
		if (NR == 1)
			first = v
	}
	END { print v - first }' <<< "$readings")
if [ "$compact" != 0 ]; then
	echo "# leak: compaction isolated $compact pages meanwhile: raw pages not accounted"
	result=1
fi
seen=0
while read -r c slope; do
	seen=$((seen + 1))
	verdict=ok
	if awk -v s="$slope" -v t="$tol" 'BEGIN { exit !(s >= t) }'; then
		verdict=LEAK
		result=1
	fi
	echo "# leak: $c $slope per cycle (tolerance $tol) $verdict"
done < <(slopes)
# Per-CPU memory shows in whole pages per CPU, populated a few at a time:
# a leak of less per cycle moves the slope too little, but sooner or later
# makes the allocator populate more.  Clean rounds never did after the
# warm-up, so its high-water mark must stay put.
pcpu=$(awk 'NF {
		for (i = 1; i <= NF; i++)
			if (index($i, "percpu=") == 1)
				v = substr($i, 8) + 0
		if (NR == 1)
			base = high = v
		else if (v > high)
			high = v
	}
	END { print high - base }' <<< "$readings")
echo "# leak: percpu high-water mark $pcpu pages above the baseline (must be 0)"
[ "$pcpu" = 0 ] || result=1
if [ "$seen" != "$(wc -w <<< "$counters")" ]; then
	echo "# leak: $seen trends of $(wc -w <<< "$counters") computed"
	result=1
fi
[ "$result" = 0 ]
ok $? "kernel_memory_flat"

# Leave the module loaded, as the other tests expect.
load
ok $? "reload"

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
