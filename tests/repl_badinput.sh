# repl_badinput.sh - the hub under bad input: tests/wire_probe sends
# garbage, empty and truncated frames, a HELLO of protocol version 2 or
# for an office not of the province, a BATCH before HELLO, a BATCH with a
# gap, changes the hub must refuse, a multipart message, an oversized
# frame and a flood, while a real agent writes and replicates. Each is
# refused with the right code (or dropped, where the protocol says so),
# the hub's log names it, and the agent's records still all arrive. Last,
# a HELLO with a clock at the end of the range (a documented gap).
# Run by CTest as `bash tests/repl_badinput.sh BINDIR PROBE` (its own
# add_test in tests/CMakeLists.txt: it needs the probe's path).
. "$(dirname "$0")/lib_repl.sh" "$@"

PROBE=${2:-$BINDIR/tests/wire_probe}
if [ ! -x "$PROBE" ]; then
    fail "no wire_probe at $PROBE (build the wire_probe target)"
    repl_finish
fi

# probe STEP...: runs the probe on the replication endpoint; its output
# goes to $T/probe.out (and is shown). It waits PROBE_TIMEOUT ms (3000)
# for the first reply to each step: a step that should get none costs
# that long, so such steps run with a shorter one.
probe () {
    "$PROBE" "$HUB_EP" --timeout "${PROBE_TIMEOUT:-3000}" "$@" >"$T/probe.out" 2>&1
    local rc=$?
    sed 's/^/     /' "$T/probe.out"
    return $rc
}
# expect_reply STEP REGEX WHAT: the replies to STEP in the last probe's
# output match REGEX (bash regex over the lines joined by "|").
expect_reply () {
    local got
    got=$(awk -v s="> $1" '$0 == s { on = 1; next } /^> / { on = 0 } on' "$T/probe.out" | paste -sd'|')
    expect_match "$got" "$2" "$3"
}
# expect_logged TEXT WHAT: the hub's log of this run names TEXT.
expect_logged () {
    if grep -qF -- "$1" "$(hub_log)"; then
        pass "hub log: $2"
    else
        fail "hub log does not name: $2" "looked for: $1"
    fi
}

repl_hub_init
repl_agent_init 3503
expect_exit 0 ag 3503 import "$LONTAR_REF/sample-suggestions.csv"
hub_start
agent_start 3503
wait_synced 20 3503

# A real office writes all along (each write nudges its daemon).
add_suggestions 3503 40 "selama probe" &
WRITER=$!
t0=$(now)

section "frames that do not decode, or are not for the hub"
probe garbage empty hello-truncated:3503 hello-v2:3503 hello:9999 hello:3320 \
    batch:1 welcome
expect_eq "$?" 0 "the probe sent every frame"
expect_reply garbage '^< REFUSE code=2 expected=0 reason="frame of 13 bytes is not msgpack"$' \
    "garbage: REFUSE MALFORMED"
expect_reply empty '^< REFUSE code=2 ' "empty frame: REFUSE MALFORMED"
expect_reply hello-truncated:3503 '^< REFUSE code=2 ' "truncated HELLO: REFUSE MALFORMED"
expect_reply hello-v2:3503 '^< REFUSE code=1 .*protocol version 2' "HELLO of version 2: REFUSE VERSION"
expect_reply hello:9999 '^< REFUSE code=3 .*office 9999 is not an office of province 35' \
    "HELLO for office 9999: REFUSE OFFICE"
expect_reply hello:3320 '^< REFUSE code=3 .*3320' "HELLO for an office of another province: REFUSE OFFICE"
expect_reply batch:1 '^< REFUSE code=5 expected=0 ' "BATCH before HELLO: REFUSE NO_HELLO"
expect_reply welcome '^< REFUSE code=2 .*not for the replication endpoint' \
    "a WELCOME sent to the hub: REFUSE MALFORMED"
PROBE_TIMEOUT=1000 probe multi garbage
expect_reply multi '^< none$' "a multipart message: dropped without an answer"
expect_reply garbage '^< REFUSE code=2 ' "the connection still works after it"

section "a session with a gap and changes the hub must refuse"
probe hello:3501 batch:5 batch:1:2:3501:tomb batch:3:1 batch:4:1:3503 hello:3502
expect_reply hello:3501 '^< WELCOME verdict=0 acked=0 ' "HELLO for 3501: WELCOME OK from 0"
expect_reply batch:5 '^< REFUSE code=4 expected=1 ' "BATCH from 5 after HELLO: REFUSE GAP, expected 1"
expect_reply batch:1:2:3501:tomb '^< ACK acked=2$' "BATCH 1-2 (tombstones): ACK 2"
expect_reply batch:3:1 '^< ACK acked=3$' "BATCH 3 with a body that is no suggestion: ACK 3 (dead letter)"
expect_reply batch:4:1:3503 '^< ACK acked=4$' "BATCH 4 with a change of office 3503: ACK 4 (dead letter)"
expect_reply hello:3502 '^< REFUSE code=3 .*another office' \
    "HELLO for 3502 on 3501's connection: REFUSE OFFICE"
hub_query dead-letters --office 3501
expect_py "dead letters: 3501's sequences 3 and 4, with their reasons" '
by = {r["seq"]: r for r in d}
assert sorted(by) == [3, 4], d
assert by[3]["id"] == "3501-2026-000003" and "suggestion body" in by[3]["reason"], by[3]
assert "of office 3503 sent by office 3501" in by[4]["reason"], by[4]
'
hub_query offices --office 3501
expect_py "offices: 3501 acked 4, dead letters 2" '
r = [r for r in d if r["office"] == "3501"][0]
assert r["acked"] == 4 and r["dead_letters"] == 2, r'

section "a flood, an oversized frame, the query endpoint"
tf=$(now)
probe flood:2000
expect_reply flood:2000 '^< 2000 x REFUSE code=2$' "2000 garbage frames: 2000 REFUSE MALFORMED"
timing "2000 garbage frames answered" "$tf"
PROBE_TIMEOUT=1000 probe big:9000000
expect_reply big:9000000 '^< none$' "a frame over 8 MiB: dropped, no answer"
probe hello:3502
expect_reply hello:3502 '^< WELCOME verdict=0 ' "a new connection is still welcomed after the oversized frame"
"$PROBE" "$QUERY_EP" --timeout 10000 garbage >"$T/probe.out" 2>&1
expect_reply garbage '^< ANSWER code=64 body="not a query' "garbage on the query endpoint: ANSWER 64"

section "the hub served the real agent all along"
if kill -0 "$HUB_PID" 2>/dev/null; then pass "the hub is still running"; else fail "the hub died"; fi
wait "$WRITER"
expect_eq "$?" 0 "40 staff writes during the probes exit 0"
declare -x EXPECT_3503=$(( $(grep -c '^3503,' "$LONTAR_REF/sample-suggestions.csv") + 40 ))
wait_synced 20 3503
timing "40 writes replicated during the probes (from the first)" "$t0"
check_union 3503
check_offices 3503
hub_query dead-letters --office 3503
expect_py "no dead letters for the real office" 'assert d == [], d'

section "the hub's log names what it refused"
expect_logged 'error="frame of 13 bytes is not msgpack" - malformed frame dropped' "garbage"
expect_logged 'error="protocol version 2, this side speaks 1"' "the HELLO of version 2"
expect_logged 'office=9999 - HELLO refused: office 9999 is not an office of province 35' "office 9999"
expect_logged 'office=3320 - HELLO refused' "office 3320"
expect_logged 'BATCH before HELLO refused' "the BATCH before HELLO"
expect_logged 'not for the replication endpoint refused' "the WELCOME sent to the hub"
expect_logged 'multipart message dropped' "the multipart message"
expect_logged 'office=3501 first=5 expected=1 code=4 - BATCH refused: gap' "the gap"
expect_logged 'office=3501 claimed=3502 - HELLO for another office' "the HELLO for another office"
printf '     hub log: %s lines, %s of them warnings\n' "$(wc -l <"$(hub_log)")" \
    "$(grep -c '^W:' "$(hub_log)")"

section "a conflict tells what the losing version said"
# Office 3505's store as one PC (incarnation aaaa) deletes suggestion 1,
# then as another (bbbb, a copy) deletes it again, later: the first
# version loses, written by another node, and is kept as a conflict.
probe hello:3505:aaaa batch:1:1:3505:tomb hello:3505:bbbb batch:1:1:3505:tomb
expect_reply batch:1:1:3505:tomb '< ACK acked=1' "each incarnation's delete: ACK 1 (a RESTORE of the new incarnation may come first)"
hub_query conflicts --office 3505
expect_py "the conflict of 3505 says what lost and what is kept" '
assert len(d) == 1, d
c = d[0]
assert c["id"] == "3505-2026-000001" and c["node"] == "000000000000aaaa", c
assert c["summary"] == "(deleted)" and c["kept_summary"] == "(deleted)", c'
run "$HUB" conflicts --office 3505 --hub "$QUERY_EP" --format csv
expect_contains "$OUT" "Lost version,Kept version" "the CSV has both columns"

section "an office of another province sees why the hub refuses it"
repl_agent_init 3320
agent_start 3320
s_refused () {
    ag 3320 status --format json 2>/dev/null | "$PY" -S -E -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if d["hub_refused"] and "not an office of province 35" in d["hub_refused"] and not d["hub_reachable"] else 1)'
}
if wait_until 10 s_refused; then
    pass "status of 3320 gives the hub's reason, hub not reachable"
else
    fail "status of 3320 does not say why the hub refuses it" "$(ag 3320 status --format json 2>&1)"
fi
out=$(ag 3320 status 2>&1)
expect_contains "$out" "Refused by the hub" "the status table has the reason's row"
run ag 3503 status --format json
expect_py "status of 3503, welcomed: hub_refused is null" \
    'assert d["hub_refused"] is None and d["hub_reachable"], d'
agent_stop 3320

section "a HELLO whose clock is at the end of the range"
# Last, as it spoils the hub's clock for good. An assessor's verdict is
# made before and after it; the later one must reach the office.
s_verdict () {
    ag 3503 lke list --format json 2>/dev/null | "$PY" -S -E -c '
import json, sys
sys.exit(0 if [r["verified_answer"] for r in json.load(sys.stdin) if r["item"] == "A1.3"] == [sys.argv[1]] else 1)' "$1"
}
expect_exit 0 ag 3503 lke answer --year 2026 --item A1.3 --answer B
wait_synced 20 3503
expect_exit 0 "$HUB" lke verify 3503 2026 A1.3 C --data "$HUB_DIR"
if wait_until 20 s_verdict C; then pass "verdict C reached 3503"; else fail "verdict C did not reach 3503"; fi
probe hello:3502:1234:0:ffffffffffffffff
expect_reply hello:3502:1234:0:ffffffffffffffff '^< (WELCOME|REFUSE) ' "HELLO with clock 2^64-1: answered"
expect_exit 0 "$HUB" lke verify 3503 2026 A1.3 D --data "$HUB_DIR"
check_later_verdict () {
    if wait_until 5 s_verdict D; then
        pass "a verdict made after the HELLO with the huge clock reaches the office"
    else
        fail "a verdict made after a HELLO with clock 2^64-1 never reaches the office" \
            "the hub's clock wrapped: its new version orders before the old verdict" \
            "hub meta clock: $(mdb_dump -s meta "$HUB_DIR" | grep -A1 '^ 636c6f636b$' | tail -1)"
    fi
}
# The hub's clock follows what agents send only up to a day ahead.
check_later_verdict
add_suggestions 3503 2 "sesudah jam"
declare -x EXPECT_3503=$((EXPECT_3503 + 3))
wait_synced 20 3503
check_union 3503
# Nothing refused above left a rollup that differs from the records.
expect_exit 0 "$HUB" verify --data "$HUB_DIR"

repl_finish
