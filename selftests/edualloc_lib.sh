# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers shared by the shell selftests (sourced, not run).

pass=0 fail=0 n=0

# Where the module file and the selftest programs are: $EDU_MODULE and
# $EDU_BIN when set (scripts/run-selftests sets them); next to the scripts
# in an installed kselftest tree (make -C selftests install); in the source
# tree, module/ and build/selftests; else, for the module, the one modprobe
# would load (installed by dkms or make install).
edu_here=$(cd "$(dirname "$0")" && pwd)
edu_module() {
	local top

	top=$(dirname "$edu_here")
	if [ -n "${EDU_MODULE:-}" ]; then
		echo "$EDU_MODULE"
	elif [ -f "$edu_here/edualloc.ko" ]; then
		echo "$edu_here/edualloc.ko"
	elif [ -f "$top/module/edualloc.ko" ]; then
		echo "$top/module/edualloc.ko"
	else
		modinfo -n edualloc 2>/dev/null || echo "$top/module/edualloc.ko"
	fi
}

edu_bin() {
	if [ -n "${EDU_BIN:-}" ]; then
		echo "$EDU_BIN"
	elif [ -x "$edu_here/edualloc_memstat" ]; then
		echo "$edu_here"
	else
		echo "$(dirname "$edu_here")/build/selftests"
	fi
}

# run_reloaded PARAMS PROGRAM [ARG...]: a C test program that wants the
# module loaded with other parameters (PARAMS, words).  SKIP (exit 4)
# without root or the module file; else reload edualloc with PARAMS, run
# PROGRAM from edu_bin (its KTAP is the caller's), load the module again
# with its defaults, as the tests after it expect, and exit with
# PROGRAM's status (1 if the reload fails).
run_reloaded() {
	local params=$1 prog=$2 ko rc

	shift 2
	ko=$(edu_module)
	if [ ! -f "$ko" ] || [ "$(id -u)" != 0 ]; then
		echo "TAP version 13"
		echo "1..0 # SKIP needs root and $ko"
		exit 4
	fi
	grep -q '^edualloc ' /proc/modules && rmmod edualloc
	# shellcheck disable=SC2086 # the parameters are words
	if ! insmod "$ko" $params; then
		echo "TAP version 13"
		echo "1..1"
		echo "not ok 1 insmod $params"
		insmod "$ko"
		exit 1
	fi
	"$(edu_bin)/$prog" "$@"
	rc=$?
	rmmod edualloc && insmod "$ko" || rc=1
	exit "$rc"
}

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

# The kernel's memory, accounted by edualloc_memstat (see its header): one
# "objs=B large=P vmalloc=P pt=P percpu=P raw=P tasks=N compact=P" line
# per reading.  MemFree is no oracle for a leak: it swings by 20 MiB
# between two settled readings of an idle guest, while these counters stay
# within a few pages.  memstat_start runs the program as a coprocess before
# the first reading, so that a reading execs nothing; memstat_read leaves
# its line in $memstat.
memstat_start() {
	local bin

	bin=$(edu_bin)

	if [ ! -x "$bin/edualloc_memstat" ]; then
		echo "Bail out! no $bin/edualloc_memstat: build the selftests"
		exit 1
	fi
	coproc MEMSTAT { "$bin/edualloc_memstat" 2; }
}

memstat_read() {
	echo >&"${MEMSTAT[1]}"
	read -r memstat <&"${MEMSTAT[0]}"
}

# memstat_grew BEFORE AFTER PAGES: print how each counter moved from the
# reading BEFORE to AFTER; true unless one of them (objs in bytes, counted
# in pages) grew by more than PAGES pages.  Tasks come and go (kworkers);
# "raw" is only accounted while compaction has not moved pages meanwhile
# (it takes them from the free lists without allocation events), which is
# said when it happens.
memstat_grew() {
	awk -v b="$1" -v a="$2" -v tol="$3" -v ps="$(getconf PAGESIZE)" '
	function parse(s, v,   f, n, i, kv) {
		n = split(s, f, " ")
		for (i = 1; i <= n; i++) {
			split(f[i], kv, "=")
			v[kv[1]] = kv[2] + 0
		}
		return n
	}
	BEGIN {
		if (parse(b, x) < 8 || parse(a, y) < 8) {
			print "# memstat: no reading"
			exit 1
		}
		split("objs large vmalloc pt percpu raw", c, " ")
		bad = 0
		line = "# kernel memory growth (pages):"
		for (i = 1; i <= 6; i++) {
			d = y[c[i]] - x[c[i]]
			if (c[i] == "objs")
				d = d / ps
			if (c[i] == "raw" && y["compact"] != x["compact"]) {
				line = line sprintf(" raw n/a (compaction)")
				continue
			}
			line = line sprintf(" %s %+.1f", c[i], d)
			if (d > tol)
				bad = 1
		}
		print line " (tolerance " tol ")"
		exit bad
	}'
}

# Give back what the kernel keeps parked before measuring: the page cache,
# and every slab cache shrunk, which on the debug kernel also empties KASAN's
# quarantine of freed objects (else tens of MiB of noise).
settle_kernel() {
	local shr=/sys/module/edualloc/parameters/pool_shrinker was=

	sync
	# edualloc's pools are what gets measured: its shrinker sits this out.
	if [ -w $shr ]; then
		read -r was < $shr
		echo N > $shr
	fi
	echo 3 > /proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 > "$f"
	done 2>/dev/null
	echo 1 > /proc/sys/vm/compact_memory 2>/dev/null
	[ -z "$was" ] || echo "$was" > $shr
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
