#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The guided tour (scripts/demo, with demo-walk, demo-slab and demo-vm) as
# a test:
# every fact a step's text states is checked by the tour itself, and each
# check becomes one KTAP result here, plus one for the tour's exit status.
# A tour whose text and output disagree fails `make check`.  The walk's
# steps depend on the paging mode, so scripts/check runs this with 5- and
# with 4-level paging.
#
# The tour loads the module and unloads it at the end: a loaded module is
# unloaded first and loaded again afterwards, as the next tests expect.
# It needs the source tree (scripts/, build/tools/edu): an installed
# kselftest tree has no tour, and SKIPs.  KTAP; SKIP (exit 4) without
# root or the module.
#
# EDU_MODULE: path of edualloc.ko (set by scripts/run-selftests)
set -u
. "$(dirname "$0")/edualloc_lib.sh"

top=$(cd "$(dirname "$0")/.." && pwd)
ko=$(edu_module)

ktap_start "$ko"
if [ ! -x "$top/scripts/demo" ]; then
	echo "1..0 # SKIP no scripts/demo: the tour runs from the source tree"
	exit 4
fi
if [ ! -x "$top/build/tools/edu" ] && ! make -s -C "$top/tools" > /dev/null; then
	echo "1..0 # SKIP no build/tools/edu and it does not build"
	exit 4
fi

loaded=0
if grep -q '^edualloc ' /proc/modules; then
	loaded=1
	rmmod edualloc || { echo "Bail out! cannot unload edualloc"; exit 1; }
fi

TOUR_TALLY=$(mktemp)
export TOUR_TALLY
log=$(mktemp)
# Its output as KTAP diagnostics, as it goes (a timeout still shows where).
EDU_MODULE=$ko "$top/scripts/demo" < /dev/null 2>&1 | tee "$log" | sed 's/^/# /'
rc=${PIPESTATUS[0]}

echo "1..$(($(wc -l < "$TOUR_TALLY") + 1))"
while IFS=$'\t' read -r status name; do
	ok "$([ "$status" = ok ] && echo 0 || echo 1)" "$name"
done < "$TOUR_TALLY"
# A tour that stopped early, or failed for another reason than a broken
# claim (each counted above), fails once more here.
grep -q '^tour: summary: ' "$log" &&
	{ [ "$rc" = 0 ] || grep -q '^not ok' "$TOUR_TALLY"; }
ok $? "the tour ran to its end (exit $rc)"
rm -f "$TOUR_TALLY" "$log"

if [ $loaded = 1 ] && ! grep -q '^edualloc ' /proc/modules; then
	insmod "$ko" ${EDU_MODULE_PARAMS:-} || echo "# insmod $ko failed"
fi
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
