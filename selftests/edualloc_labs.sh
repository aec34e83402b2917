#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The lab handouts (docs/labs/NN-*.md) as a test.  Each handout's commands
# are its fenced ```sh blocks, each named by a "<!-- run: NAME -->" line
# just above it; they are taken from the handout and run verbatim, in
# order, in one fresh bash per handout (a student's shell: as root, from
# the top of the tree, with nothing of this script's), each block's output
# kept under its name.  Then every answer of the handout's instructor key
# (**Q1.**, **Q2.**, ... after "## Instructor key") is checked against
# that output by its function here (check_NN, one `key` call per answer):
# one KTAP result each.  The expected values are derived from what the
# module reports (pool size, batch, high, watermarks, slab geometry) or
# from an oracle of the kernel's own (/proc/zoneinfo, /proc/PID/maps,
# /proc/self/pagemap, /proc/modules, /proc/kallsyms, /proc/vmallocinfo,
# sysfs), never assumed; and the numbers a key answer states for the
# module's defaults must be the ones derived (key's WORDS).  Per handout,
# two more results: every block ran and exited 0; and its questions, its
# key entries and the answers checked here are the same set, so a question
# without a key or a check fails.  So a change of the module that makes a
# handout wrong fails `make check`.
#
# A block must not need anything but the tree and the loaded module: each
# handout loads the module itself (first block), so a loaded module is
# unloaded first and loaded again afterwards, as the next tests expect.
# It needs the source tree (docs/labs, build/tools/edu): an installed
# kselftest tree has no labs, and SKIPs.  KTAP; SKIP (exit 4) without root
# or the module.  The walk handout depends on the paging mode, so
# scripts/check runs this with 5- and with 4-level paging.
#
# EDU_MODULE: path of edualloc.ko (set by scripts/run-selftests), which
# the handouts' insmod lines use.  EDU_LABS: handouts to run (NN-name,
# default all).  EDU_EXPECT_LEVELS: the paging mode the run must see.
# EDU_LABS_KEEP=DIR keeps each block's output in DIR/NN-name/BLOCK.
#
# kselftest timeout: 900
set -u
. "$(dirname "$0")/edualloc_lib.sh"

top=$(cd "$(dirname "$0")/.." && pwd)
ko=$(edu_module)

ktap_start "$ko"
if [ ! -d "$top/docs/labs" ] || [ ! -f "$top/scripts/demo-lib" ]; then
	echo "1..0 # SKIP no docs/labs: the labs run from the source tree"
	exit 4
fi
if [ ! -x "$top/build/tools/edu" ] && ! make -s -C "$top/tools" > /dev/null; then
	echo "1..0 # SKIP no build/tools/edu and it does not build"
	exit 4
fi
# The tour's small readers (kv, pick, count), on the kept outputs.
TOUR_TALLY=/dev/null
. "$top/scripts/demo-lib"

loaded=0
if grep -q '^edualloc ' /proc/modules; then
	loaded=1
	rmmod edualloc || { echo "Bail out! cannot unload edualloc"; exit 1; }
fi

work=$(mktemp -d)
tally=$work/tally
: > "$tally"

# result STATUS NAME [DIAGNOSTIC...]: one result, printed at the end
result() {
	local s=$1 name=$2

	shift 2
	printf '%s\t%s\n' "$([ "$s" = 0 ] && echo ok || echo 'not ok')" "$name" >> "$tally"
	[ "$s" = 0 ] || printf '# %s: %s\n' "$name" "$*"
}

# ------------------------------------------------------------ handouts --

# parse FILE: blocks (names in order, texts), questions, key entries
parse() {
	local l n=0 fence='' pending='' name='' text='' in_key=0 id=''

	blocks=() questions=() keys=() problems=''
	declare -gA btext=() keytext=()
	while IFS= read -r l; do
		n=$((n + 1))
		if [ -n "$fence" ]; then
			if [[ $l = '```'* ]]; then
				[ "$fence" != sh ] || btext[$name]=$text
				fence=''
			elif [ "$fence" = sh ]; then
				text+="$l"$'\n'
			fi
			continue
		fi
		if [[ $l =~ ^'<!-- run: '([a-z0-9-]+)' -->'$ ]]; then
			pending=${BASH_REMATCH[1]}
		elif [[ $l =~ ^'```'(.*)$ ]]; then
			fence=${BASH_REMATCH[1]:-text}
			fence=${fence%% *}
			if [ "$fence" = sh ]; then
				name=$pending text=''
				if [ -z "$name" ]; then
					problems+=" unnamed sh block at line $n;"
					name=line$n
				elif [ -n "${btext[$name]+set}" ]; then
					problems+=" two blocks named $name;"
				fi
				blocks+=("$name")
			fi
			pending=''
		elif [[ $l = '## Instructor key'* ]]; then
			in_key=1 id=''
		elif [[ $l =~ ^'**'(Q[0-9]+)'.**' ]]; then
			id=${BASH_REMATCH[1]}
			if [ $in_key = 1 ]; then
				keys+=("$id")
				keytext[$id]=$l
			else
				questions+=("$id")
			fi
		elif [ $in_key = 1 ] && [ -n "$id" ]; then
			[[ $l = '## '* ]] && id='' || keytext[$id]+=" $l"
		fi
	done < "$1"
}

# o NAME: the file holding the output of the handout's block NAME
o() { echo "$dir/$1"; }

# run_handout FILE: its blocks, in one clean shell, each into o NAME
run_handout() {
	local b

	for b in "${blocks[@]}"; do
		printf '{\n%s} > %q 2>&1\necho $? > %q\n' "${btext[$b]}" \
			"$dir/$b" "$dir/$b.rc"
	done > "$dir/.script"
	(cd "$top" && env -i PATH="$PATH" HOME="${HOME:-/tmp}" LC_ALL=C \
		EDU_MODULE="$ko" bash --norc --noprofile "$dir/.script" < /dev/null)
	for b in "${blocks[@]}"; do
		echo "# ---- $lab: $b (exit $(cat "$dir/$b.rc" 2>/dev/null || echo -))"
		sed 's/^/# /' "$dir/$b" 2>/dev/null
	done
}

# key ID WORDS WHAT WANT SAW [STATUS]: the handout's key answer ID holds
# when SAW is WANT (or, with STATUS, when STATUS is 0), and the answer's
# text names each of WORDS (the numbers the module's defaults give).
key() {
	local id=$1 words=$2 what=$3 want=$4 saw=$5 status w t missing=''

	if [ $# -ge 6 ]; then
		status=$6
	else
		[ "$want" = "$saw" ]
		status=$?
	fi
	t=" ${keytext[$id]:-} "
	t=${t//[^A-Za-z0-9_]/ }
	for w in $words; do
		[[ $t = *" $w "* ]] || missing+=" $w"
	done
	checked+=("$id")
	if [ "$status" = 0 ] && [ -z "$missing" ]; then
		result 0 "$lab $id: $what [$saw]"
	elif [ "$status" = 0 ]; then
		result 1 "$lab $id: $what" "the key's text does not say:$missing"
	else
		result 1 "$lab $id: $what" "expected [$want], saw [${saw:-nothing}]"
	fi
}

# sorted WORDS...: one line, sorted, duplicates kept
sorted() { printf '%s\n' "$@" | sort | xargs; }

# ------------------------------------------------------------- readers --

# bl FILE NODE: node NODE's free blocks per order in a buddyinfo output
bl() {
	local l

	l=$(pick "^Node $2, zone +pool +(.*[^ ]) *\$" "$(< "$1")")
	echo $l
}

# pcpt FILE CPU NODE FIELD: a column of the pcp view in an output
pcpt() {
	local f i cols=()

	while read -ra f; do
		if [ "${f[0]:-}" = '#' ] && [ "${f[1]:-}" = cpu ]; then
			cols=("${f[@]:1}")
		elif [ "${f[0]:-}" = "$2" ] && [ "${f[1]:-}" = "$3" ]; then
			for i in "${!cols[@]}"; do
				[ "${cols[i]}" != "$4" ] || echo "${f[i]}"
			done
			return
		fi
	done < "$1"
}

# plus LINE ORDER DELTA: LINE (counts per order) with DELTA added at ORDER
plus() {
	local a

	read -ra a <<< "$1"
	a[$2]=$((a[$2] + $3))
	echo "${a[*]}"
}

# ----------------------------------------------------- the answer keys --

# Lab 1: the buddy allocator and per-CPU lists.
check_01() {
	local top_o fresh want o2 batch high r0 lo i left

	top_o=$(($(kv "$(o load)" orders:) - 1))
	fresh=$(bl "$(o load)" 0)
	want=$(plus "$fresh" "$top_o" -1)
	for ((i = 3; i < top_o; i++)); do
		want=$(plus "$want" $i 1)
	done
	key Q1 "3 $((top_o - 1)) $top_o" \
		"an order-3 block: orders 3..$((top_o - 1)) +1, order $top_o -1" \
		"$want" "$(bl "$(o order3)" 0)"
	key Q2 "$((top_o - 3))" "$((top_o - 3)) splits" \
		"$(($(kv "$(o load)" splits) + top_o - 3))" "$(kv "$(o order3)" splits)"
	key Q3 "$((top_o - 3))" "freed: the fresh pool again, after $((top_o - 3)) merges" \
		"$fresh $((top_o - 3))" "$(bl "$(o free3)" 0) $(kv "$(o free3)" merges)"

	batch=$(pcpt "$(o pcp)" 0 0 batch)
	high=$(pcpt "$(o pcp)" 0 0 high)
	r0=$(pcpt "$(o pcp)" 0 0 refills)
	key Q4 "$((batch - 1))" "CPU 0's list holds batch - 1 after one refill" \
		"$((batch - 1)) $((r0 + 1))" \
		"$(pcpt "$(o alloc1)" 0 0 count) $(pcpt "$(o alloc1)" 0 0 refills)"
	# What is left of a chunk without its first $batch pages, cut into
	# the largest aligned blocks.
	want=$(plus "$fresh" "$top_o" -1)
	i=$batch lo=''
	while [ $i -lt $((1 << top_o)) ]; do
		for ((o2 = top_o - 1; o2 > 0; o2--)); do
			[ $((i % (1 << o2))) != 0 ] || [ $((i + (1 << o2))) -gt $((1 << top_o)) ] || break
		done
		want=$(plus "$want" $o2 1)
		lo=${lo:-$o2}
		i=$((i + (1 << o2)))
	done
	left=$(bl "$(o alloc1)" 0)
	key Q5 "$lo $((top_o - 1)) $top_o" \
		"a refill of $batch pages leaves one block of each order $lo..$((top_o - 1))" \
		"$want" "$left"
	key Q6 "$batch" "freed on CPU 0: buddyinfo unchanged, the list holds a batch" \
		"$left $batch" "$(bl "$(o free1)" 0) $(pcpt "$(o free1)" 0 0 count)"
	key Q7 "" "drained: the list is empty, the pool fresh" \
		"0 $fresh" "$(pcpt "$(o drain)" 0 0 count) $(bl "$(o drain)" 0)"
	key Q8 "$((high + 1 - batch))" "high + 1 frees on CPU 0: high + 1 - batch stay, 1 drain" \
		"$((high + 1 - batch)) $(($(pcpt "$(o drain)" 0 0 drains) + 1))" \
		"$(pcpt "$(o high)" 0 0 count) $(pcpt "$(o high)" 0 0 drains)"
}

# Lab 2: NUMA nodes and watermarks.
check_02() {
	local pool min low high top_o l f zones=0 equal=0 m lo hi row fb i
	local served falls failures cpu node want saw

	pool=$(kv "$(o load)" pool_pages)
	top_o=$(($(kv "$(o load)" orders:) - 1))
	min=$((pool / 128))
	low=$((min + min / 4))
	high=$((min + min / 2))
	key Q1 "$min $low $high" "node 0's marks follow from its $pool pages" \
		"$min $low $high" \
		"$(kv "$(o marks)" min) $(kv "$(o marks)" low) $(kv "$(o marks)" high)"

	# /proc/zoneinfo, the kernel's own: min, low, high of each zone
	while read -ra f; do
		case ${f[0]} in
		Node) zones=$((zones + 1)) ;;
		min) m=${f[1]} ;;
		low) lo=${f[1]} ;;
		high) hi=${f[1]}
			[ $((hi - lo)) != $((lo - m)) ] || equal=$((equal + 1)) ;;
		esac
	done < "$(o zoneinfo)"
	key Q2 "" "high - low = low - min in every zone" \
		"equal in $zones of $zones zones" "equal in $equal of $zones zones" \
		"$([ "$zones" -gt 0 ] && [ $equal = "$zones" ]; echo $?)"

	key Q3 "$min" "the fill stops at min, below low" \
		"$min below low (kswapd would wake)" \
		"$(kv "$(o fill)" free) $(pick '^state (.*)' "$(< "$(o fill)")")"
	failures=$(kv "$(o fill)" failures)
	key Q4 "$((top_o + 1))" "one failure per order" "$((top_o + 1))" "$failures"

	# The nearest other node: the smallest distance in node 0's row.
	read -ra row < <(grep -E '^[0-9]+( [0-9]+)+$' "$(o load)")
	fb=1
	for ((i = 2; i < ${#row[@]}; i++)); do
		[ "${row[i]}" -ge "${row[fb]}" ] || fb=$i
	done
	read -r _ served _ < <(tail -n 1 "$(o fallback)")
	falls=$(pick "node$fb/stats:fallbacks +([0-9]+)" "$(< "$(o fallback)")")
	key Q5 "$fb" "node $fb, the nearest, serves and counts the fallback" \
		"$fb 1" "${served:-} ${falls:-}"
	key Q6 "$((failures + 1))" "thisnode: refused, one more failure" \
		"refused $((failures + 1))" \
		"$(grep -x refused "$(o thisnode)") $(kv "$(o thisnode)" failures)"
	key Q7 "$((min - min / 2))" "highprio stops with half the reserve left" \
		"$((min - min / 2))" "$(kv "$(o highprio)" free)"

	# The sysfs links (the oracle) against the program's answers.
	want='' saw=''
	while IFS= read -r l; do
		[[ $l =~ /cpu([0-9]+)/node([0-9]+)$ ]] || continue
		want+="cpu ${BASH_REMATCH[1]}: node ${BASH_REMATCH[2]}, per-CPU list;"
	done < "$(o local)"
	while IFS= read -r l; do
		saw+="$l;"
	done < "$(o localrun)"
	key Q8 "" "each CPU is served by its own node, from its per-CPU list" \
		"$(tr ';' '\n' <<< "$want" | sort | xargs)" \
		"$(tr ';' '\n' <<< "$saw" | sort | xargs)" \
		"$([ -n "$want" ] && [ "$(tr ';' '\n' <<< "$want" | sort)" = "$(tr ';' '\n' <<< "$saw" | sort)" ]; echo $?)"
}

# Lab 3: the slab allocator and its debug modes.
check_03() {
	local ps size align stride order slots unused per bt mag slow fast new
	local left i rz_end fp

	ps=$(kv "$(o load)" page_size:)
	read -r size align stride slots order unused <<< "$(pick \
		'object ([0-9]+) B, align ([0-9]+), slot ([0-9]+) B, ([0-9]+) slots in [0-9]+ B \(order ([0-9]+)\), ([0-9]+) B unused' \
		"$(< "$(o layout)")")"
	# a slot: the object rounded up to the alignment
	i=$(((size + align - 1) / align * align))
	per=$((ps / i))
	key Q1 "$per $((ps - per * i))" "a one-page slab holds $per objects of $size B" \
		"0 $i $per $((ps - per * i))" "$order $stride $slots $unused"

	# The magazine's refills, replayed: up to a batch from the partial
	# slabs, else from one new slab.
	read -r mag bt <<< "$(pick '^magazine +([0-9]+) \(batch ([0-9]+)\)' "$(< "$(o alloc)")")"
	slow=0 fast=0 new=0 left=0 mag=0
	for ((i = 0; i < 41; i++)); do
		if [ $mag -gt 0 ]; then
			mag=$((mag - 1)) fast=$((fast + 1))
			continue
		fi
		slow=$((slow + 1))
		[ $left -gt 0 ] || { left=$per; new=$((new + 1)); }
		mag=$((left < bt ? left : bt))
		left=$((left - mag))
		mag=$((mag - 1))
	done
	key Q2 "$slow $fast $new $per $bt $mag" \
		"41 allocations: slow, fast, new slabs, objects left in the magazine" \
		"$slow $fast $new $mag" \
		"$(kv "$(o alloc)" alloc_slowpath) $(kv "$(o alloc)" alloc_fastpath) $(kv "$(o alloc)" slab_new) $(kv "$(o alloc)" objects_cpu_cached)"

	rz_end=$(pick '\[red zone ([0-9]+) B @([0-9]+)\] \[free pointer' "$(< "$(o debug)")")
	rz_end=$((${rz_end% *} + ${rz_end#* }))
	fp=$(pick '\[free pointer [0-9]+ B @([0-9]+)\]' "$(< "$(o debug)")")
	key Q3 "" "plain: inside the free object; debug: after the object's red zone" \
		"1 yes" "$(count 'free pointer inside the free object' "$(< "$(o layout)")") $([ -n "$fp" ] && [ "$fp" -ge "$rz_end" ] && echo yes || echo "no: @${fp:-?}")"
	key Q4 "" "a red-zone overwrite: reported and quarantined" "1 1" \
		"$(kv "$(o redzone)" error_redzone) $(kv "$(o redzone)" objects_quarantined)"
	key Q5 "" "a write after free: found by validate, not at once" "0 1" \
		"$(grep error_use_after_free "$(o uaf)" | awk '{ print $2 }' | xargs)"
	key Q6 "" "the same handle again: EINVAL" "Invalid argument" \
		"$(pick '^the same handle again: (.*)' "$(< "$(o doublefree)")")"
	key Q7 "" "no checks: EINVAL; checked: one double free, nothing quarantined" \
		"Invalid argument done 1 0" \
		"$(pick '^dfplain: double free: (.*)' "$(< "$(o doublefree)")") $(pick '^dfcheck: double free: (.*)' "$(< "$(o doublefree)")") $(pick '^dfcheck: error_double_free +([0-9]+)' "$(< "$(o doublefree)")") $(pick '^dfcheck: objects_quarantined +([0-9]+)' "$(< "$(o doublefree)")")"
}

# Lab 4: page tables and the address space.
check_04() {
	local levels addr want='' saw='' name idx shift l a b procs=() edus=()
	local have zero

	levels=4
	if [ "$(count la57 "$(< "$(o load)")")" -gt 0 ] &&
	   [ "$(count no5lvl "$(< "$(o load)")")" = 0 ]; then
		levels=5
	fi
	if [ -n "${EDU_EXPECT_LEVELS:-}" ] && [ "$EDU_EXPECT_LEVELS" != $levels ]; then
		levels="$levels (but EDU_EXPECT_LEVELS=$EDU_EXPECT_LEVELS)"
	fi
	key Q1 "" "$levels-level paging, P4D $([ "$levels" = 5 ] && echo a table || echo folded)" \
		"$levels $([ "$levels" = 5 ] && echo table || echo folded)" \
		"$(pick ', ([0-9])-level paging$' "$(< "$(o walk)")") $(pick '^  P4D +(folded)' "$(< "$(o walk)")")$(pick '^  P4D\[.*-> PUD (table)' "$(< "$(o walk)")")"

	addr=$((16#$(pick '^walk of 0x([0-9a-f]+) ' "$(< "$(o walk)")")))
	while read -r l; do
		[[ $l =~ ^(PGD|P4D|PUD|PMD|PTE)\[\ *([0-9]+)\] ]] || continue
		name=${BASH_REMATCH[1]} idx=${BASH_REMATCH[2]}
		case $name in
		PTE) shift=12 ;; PMD) shift=21 ;; PUD) shift=30 ;; P4D) shift=39 ;;
		PGD) shift=$([ "${levels%% *}" = 5 ] && echo 48 || echo 39) ;;
		esac
		want+="$name[$(((addr >> shift) & 511))] " saw+="$name[$idx] "
	done < "$(o walk)"
	key Q2 "" "the indexes are the address's 9-bit fields" "$want" "$saw" \
		"$([ -n "$want" ] && [ "$want" = "$saw" ]; echo $?)"

	while read -r a l; do
		[[ $a =~ ^[0-9a-f]+-[0-9a-f]+$ ]] || continue
		[[ $l = *'[vsyscall]'* ]] || procs+=("${a%-*}")
	done < "$(o procmaps)"
	while read -r a l; do
		[[ $a =~ ^[0-9a-f]+-[0-9a-f]+$ ]] && edus+=("${a%-*}")
	done < "$(o maps)"
	# The vsyscall page: vsyscall= on the command line, else the config.
	l=$(pick 'vsyscall=([a-z]+)' "$(< "$(o load)")")
	[ -n "$l" ] || l=$(pick '^CONFIG_LEGACY_VSYSCALL_([A-Z]+)=y' "$(< "$(o load)")")
	l=$([ "${l,,}" = none ] && echo no || echo a)
	key Q3 "" "the same areas, but for [vsyscall] in /proc ($l vsyscall page)" \
		"the same ${#procs[@]} areas, $l [vsyscall] in /proc" \
		"$([ "${procs[*]}" = "${edus[*]}" ] && echo "the same ${#edus[@]} areas" || echo "different: ${edus[*]}"), $([ "$(count '[vsyscall]' "$(< "$(o procmaps)")")" = 0 ] && echo no || echo a) [vsyscall] in /proc"

	have='' zero='' saw=0
	while read -r _ i _ _ res kind _ f _ pm _ pf; do
		[ "$res" != pte ] || have+="$i "
		[ "$kind" != zero ] || zero+="$f "
		# the walker and pagemap: both present with one frame, or both not
		if { [ "$res" = pte ] && [ "$pm" = present ] && [ $((f)) = $((pf)) ]; } ||
		   { [ "$res" = not-present ] && [ "$pm" = absent ]; }; then
			saw=$((saw + 1))
		fi
	done < <(grep '^page ' "$(o touch)")
	key Q4 "" "written and read pages have a frame" "0 2 4 6 " "$have"
	read -r a b <<< "$zero"
	key Q5 "" "read pages: the one shared zero page" "2 zero pages, one frame" \
		"$(wc -w <<< "$zero") zero pages, $([ -n "${a:-}" ] && [ "$a" = "${b:-}" ] && echo one frame || echo "frames $zero")"
	key Q6 "" "the walker and pagemap agree on every page" "8 of 8" "$saw of $(grep -c '^page ' "$(o touch)")"
}

# hx HEX: the value of a hex number (64-bit wrap: compare differences)
hx() { echo $((16#${1#0x})); }

# region FILE NAME: "START END" of a region of edu layout's output
region() {
	local s e r

	while read -r s _ e _ _ r; do
		[ "$r" != "$2" ] || { echo "$(hx "$s") $(hx "$e")"; return; }
	done < "$1"
}

# within ADDR START END: true if START <= ADDR <= END
within() { [ $(($1 - $2)) -ge 0 ] && [ $(($3 - $1)) -ge 0 ]; }

# Lab 5: the kernel's layout, kmalloc and vmalloc.
check_05() {
	local levels s e size ms me ts te ws we dm a pages=0 va pa w n=0 ps
	local bad=0 prev='' contig=yes vsize vpages

	ps=$(getconf PAGESIZE)
	levels=$(pick '^paging: ([0-9])-level' "$(< "$(o load)")")
	[ -z "${EDU_EXPECT_LEVELS:-}" ] || [ "$levels" = "$EDU_EXPECT_LEVELS" ] ||
		levels="$levels (but EDU_EXPECT_LEVELS=$EDU_EXPECT_LEVELS)"
	read -r s e <<< "$(region "$(o load)" 'user space')"
	size=$(pick '^0x0+ - 0x[0-9a-f]+ +([0-9]+ [A-Za-z]+) +user space' "$(< "$(o load)")")
	key Q1 "$([ "$levels" = 5 ] && echo 64 PiB 56 || echo 128 TiB 47)" \
		"user space with $levels-level paging" \
		"0 $(((1 << (9 * ${levels%% *} + 11)) - 4096)) $([ "$levels" = 5 ] && echo 64 PiB || echo 128 TiB)" \
		"${s:-} $((${e:-0} + 1)) $size"

	read -r ms me <<< "$(region "$(o load)" 'module space')"
	read -r s e <<< "$(region "$(o load)" 'edualloc.ko itself')"
	a=$(pick '^edualloc .* 0x([0-9a-f]+)' "$(< "$(o lists)")")
	key Q2 "" "edualloc's address is in the module space, where edualloc.ko itself starts" \
		"in the module space, at its start" \
		"$(within "$(hx "${a:-1}")" "$ms" "$me" && echo in the module space || echo "0x${a:-?} not in the module space"), $([ "$(hx "${a:-1}")" = "${s:-}" ] && echo at its start || echo elsewhere)"

	read -r ws we <<< "$(region "$(o load)" 'kernel image window')"
	read -r ts te <<< "$(region "$(o load)" 'kernel text (from the tables)')"
	a=$(pick '^([0-9a-f]+) T _stext' "$(< "$(o lists)")")
	key Q3 "" "_stext: in the image window and the kernel text, at its start" \
		"window text start" \
		"$(within "$(hx "${a:-1}")" "$ws" "$we" && echo window) $(within "$(hx "${a:-1}")" "$ts" "$te" && echo text) $([ "$(hx "${a:-1}")" = "${ts:-}" ] && echo start)"

	read -r dm _ <<< "$(region "$(o load)" 'direct map of all RAM')"
	while read -r w _ _ va _ pa _ a _; do
		[ "$w" != vmalloc: ] || break
		[ "$w" = page ] || continue
		n=$((n + 1))
		[ $(($(hx "$va") - dm)) = $(($(hx "$a"))) ] && [ "$pa" = "$a" ] || bad=$((bad + 1))
		[ -z "$prev" ] || [ $(($(hx "$a") - prev)) = "$ps" ] || contig=no
		prev=$(hx "$a")
	done < <(sed -n '/^kmalloc:/,$p' "$(o kbuf)")
	key Q4 "" "kmalloc: pa = va - direct map start, contiguous" \
		"$n of $n pages, contiguous: yes" "$((n - bad)) of $n pages, contiguous: $contig" \
		"$([ $n -gt 0 ] && [ $bad = 0 ] && [ $contig = yes ]; echo $?)"

	vpages=$(sed -n '/^vmalloc:/,$p' "$(o kbuf)" | grep -c '^  page ')
	key Q5 "" "every vmalloc page is a PTE leaf" "$vpages of $vpages" \
		"$(sed -n '/^vmalloc:/,$p' "$(o kbuf)" | grep '^  page ' | grep -c '(PTE leaf)$') of $vpages" \
		"$([ "$vpages" -gt 0 ] && [ "$(sed -n '/^vmalloc:/,$p' "$(o kbuf)" | grep '^  page ' | grep -vc '(PTE leaf)$')" = 0 ]; echo $?)"

	read -r vsize < <(awk '/\[edualloc\]/ { print $2 }' "$(o kbuf)")
	key Q6 "$(((vpages + 1) * ps)) $vpages" "vmallocinfo: the pages and a guard page" \
		"$(((vpages + 1) * ps)) pages=$vpages" \
		"${vsize:-} $(pick '\[edualloc\] (pages=[0-9]+)' "$(< "$(o kbuf)")")"
}

# --------------------------------------------------------------- main --

check_06() {
	local out pool min pages present swapped major task in0 in1
	local pools ret reg outs

	out=$(< "$(o demand)")
	key Q1 "" "6 of 8 pages present, by 6 minor faults that cleared them, no major" \
		"6 6 6 0, pagemap 6 of 8" \
		"$(pick '^  present ([0-9]+), .*minor ([0-9]+) \(zero-filled ([0-9]+)\) major ([0-9]+)' "${out#*touched two}"), pagemap $(pick '^/proc/self/pagemap: ([0-9]+ of [0-9]+)' "$out")"

	pool=$(kv "$(o load)" pool_pages)
	min=$(kv "$(o load)" min)
	out=$(< "$(o reclaim)")
	pages=$(pick '^area of ([0-9]+) pages' "$out")
	read -r present swapped <<< "$(pick '^now present ([0-9]+), swapped ([0-9]+);' "$out")"
	key Q2 "$pool $min $((pool - min))" "at most pool - min present ($pool - $min), the rest in swap" \
		"<= $((pool - min)), $pages in all" \
		"$present, $((present + swapped)) in all" \
		"$([ -n "$present" ] && [ "$present" -le $((pool - min)) ] &&
		   [ $((present + swapped)) = "$pages" ]; echo $?)"

	major=$(pick ' major ([0-9]+)$' "$out")
	task=$(pick '^this task.s major faults \(getrusage\): ([0-9]+)' "$out")
	read -r in0 in1 <<< "$(grep '^pswpin ' "$(o reclaim)" | cut -d' ' -f2 | xargs)"
	key Q3 "" "major faults: the area's = the task's = pswpin, all pages read intact" \
		"$major $major $major 0 wrong" \
		"$major $task $((in1 - in0)) $(pick ': ([0-9]+) wrong$' "$out") wrong" \
		"$([ "${major:-0}" -gt 0 ] && [ "$major" = "$task" ] &&
		   [ "$major" = $((in1 - in0)) ] &&
		   [ "$(pick ': ([0-9]+) wrong$' "$out")" = 0 ]; echo $?)"
	key Q4 "" "the walk finds an empty PTE and names edualloc's swap slot" \
		"empty PTE, edualloc's swap slot" \
		"$(pick '^  PTE\[.*(empty):' "$out") PTE, $(pick "swapped out to (edualloc's swap), slot" "$out") slot"

	out=$(< "$(o writeback)")
	key Q5 "dirty msync" "0 dirty after reads, 4 after writes; the file: zeros, then the text" \
		'0 4 "" 0 4 "page 0 written by edu"' \
		"$(pick 'major faults \(getrusage\), dirty ([0-9]+)$' "$out") $(pick '^wrote every other page: dirty ([0-9]+),' "$out") $(pick "^the file's page 0 before writeback: (\"[^\"]*\")" "$out") $(pick '^msync\(MS_SYNC\): dirty ([0-9]+), written back ([0-9]+)$' "$out") $(pick "^the file's page 0 after writeback: (\"[^\"]*\")" "$out")"
	key Q6 "VM_FAULT_MAJOR pfn_mkwrite" "8 major faults for 8 reads; the walker: dirty" \
		"8 dirty" \
		"$(pick ' ([0-9]+) major faults \(getrusage\)' "$out") $(pick '^(dirty): written since' "$out")"

	# The shrinker block: two readings of the stats and of pswpout.
	out=$(< "$(o shrinker)")
	pools=$(awk '$1 == "pool_pages" { print $2 }' <<< "$out" | xargs)
	ret=$(awk '$1 == "chunks_returned" { print $2 }' <<< "$out" | xargs)
	reg=$(awk '$1 == "chunks_regrown" { print $2 }' <<< "$out" | xargs)
	outs=$(awk '$1 == "pswpout" { print $2 }' <<< "$out" | xargs)
	key Q7 "high watermark" "3 chunks given back, 1024 pages kept" \
		"3 1024" "${ret%% *} ${pools%% *}"
	key Q8 "" "nothing swapped, 3 chunks taken again, 4096 pages, every page intact" \
		"0 3 4096 0 wrong" \
		"$((${outs##* } - ${outs%% *})) ${reg##* } ${pools##* } $(pick ': ([0-9]+) wrong$' "$out") wrong"
}

# The slab lab damages these caches on purpose (scripts/logcheck).
for c in buggy dfcheck; do
	echo "edualloc-test: damaging cache $c" > /dev/kmsg
done

nlabs=0
for f in "$top"/docs/labs/[0-9][0-9]-*.md; do
	lab=$(basename "$f" .md)
	[[ " ${EDU_LABS:-$lab} " = *" $lab "* ]] || continue
	nlabs=$((nlabs + 1))
	dir=$work/$lab
	mkdir -p "$dir"
	parse "$f"
	echo "# ==== $lab: ${#blocks[@]} command blocks, ${#questions[@]} questions"
	t0=$SECONDS
	run_handout
	t1=$SECONDS
	checked=()
	if declare -F "check_${lab%%-*}" > /dev/null; then
		"check_${lab%%-*}"
	fi
	echo "# $lab: commands $((t1 - t0)) s, checks $((SECONDS - t1)) s"
	[ -z "${EDU_LABS_KEEP:-}" ] || { mkdir -p "$EDU_LABS_KEEP"; cp -r "$dir" "$EDU_LABS_KEEP/"; }

	bad=''
	for b in "${blocks[@]}"; do
		[ "$(cat "$dir/$b.rc" 2>/dev/null)" = 0 ] || bad+=" $b"
	done
	result "$([ -z "$bad" ]; echo $?)" \
		"$lab: its ${#blocks[@]} command blocks ran and exited 0" \
		"failed:$bad"
	q=$(sorted "${questions[@]}") k=$(sorted "${keys[@]}") c=$(sorted "${checked[@]}")
	result "$([ -n "$q" ] && [ "$q" = "$k" ] && [ "$q" = "$c" ] &&
		  [ "$q" = "$(printf '%s\n' $q | uniq | xargs)" ] && [ -z "$problems" ]; echo $?)" \
		"$lab: each of its ${#questions[@]} questions has one key answer and one check" \
		"questions [$q], key [$k], checked [$c];$problems"
done
[ $nlabs -gt 0 ] || result 1 "the labs" "no handout docs/labs/NN-*.md"

if grep -q '^edualloc ' /proc/modules; then
	rmmod edualloc || echo "# rmmod edualloc failed"
fi

echo "1..$(wc -l < "$tally")"
while IFS=$'\t' read -r status name; do
	ok "$([ "$status" = ok ] && echo 0 || echo 1)" "$name"
done < "$tally"
rm -rf "$work"

if [ $loaded = 1 ] && ! grep -q '^edualloc ' /proc/modules; then
	insmod "$ko" ${EDU_MODULE_PARAMS:-} || echo "# insmod $ko failed"
fi
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
