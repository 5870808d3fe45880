# cli_repl_lke.sh - the down stream: an office's LKE answer goes up, the
# provincial assessor's verdict (`lontar-hub lke verify`) comes down to
# that office only; also when the office's daemon, or the hub, was down
# while the verdict was made, and after the hub's store was restored.
# Run by CTest as `bash tests/cli_repl_lke.sh BINDIR`.
. "$(dirname "$0")/lib_repl.sh" "$@"

OFFICES=(3503 3512)

# s_verified OFFICE ITEM ANSWER [NOTE]: the office's `lke list` shows the
# verified answer (and note).
s_verified () {
    ag "$1" lke list --format json 2>/dev/null | "$PY" -S -E -c '
import json, sys
want = sys.argv[1:]
for r in json.load(sys.stdin):
    if r["item"] == want[0]:
        ok = r["verified_answer"] == want[1]
        if len(want) > 2:
            ok = ok and r["verified_note"] == want[2]
        sys.exit(0 if ok else 1)
sys.exit(1)' "${@:2}"
}
# expect_verified TIMEOUT OFFICE ITEM ANSWER [NOTE]
expect_verified () {
    local limit=$1
    shift
    if wait_until "$limit" s_verified "$@"; then
        pass "agent $1 lke list shows verified_answer $3 for $2"
    else
        fail "agent $1 lke list does not show verified_answer $3 for $2 within $limit s" \
            "$(ag "$1" lke list --format json | grep "\"$2\"")"
    fi
}
repl_hub_init
for o in "${OFFICES[@]}"; do repl_agent_init "$o"; done
hub_start
for o in "${OFFICES[@]}"; do agent_start "$o"; done

section "answer up, verdict down"
expect_exit 0 ag 3503 lke answer --year 2026 --item A1.3 --answer B --evidence "Laporan monev"
expect_exit 0 ag 3512 lke answer --year 2026 --item A1.3 --answer A
wait_synced 20 "${OFFICES[@]}"
t0=$(now)
expect_exit 0 "$HUB" lke verify 3503 2026 A1.3 C --note x --data "$HUB_DIR"
expect_verified 20 3503 A1.3 C x
timing "verdict from lke verify to the office's lke list" "$t0"
run ag 3512 lke list --format json
expect_py "3512 does not get the verdict of 3503 (its own A1.3 stays unverified)" '
assert [r["verified_answer"] for r in d] == [None], d'
check_province "${OFFICES[@]}"
check_union "${OFFICES[@]}"
expect_refused 65 "$HUB_DIR" "$HUB" lke verify 3503 2026 A1.4 C --data "$HUB_DIR"
expect_refused 65 "$HUB_DIR" "$HUB" lke verify 9999 2026 A1.3 C --data "$HUB_DIR"
expect_contains "$ERR" 'office "9999" is not an office of province 35'
expect_refused 65 "$HUB_DIR" "$HUB" lke verify 3320 2026 A1.3 C --data "$HUB_DIR"
expect_contains "$ERR" 'office "3320" is not an office of province 35'

section "verdicts made while the office's daemon is down"
agent_stop 3503
expect_exit 0 "$HUB" lke verify 3503 2026 A1.3 D --note "diganti" --data "$HUB_DIR"
expect_exit 0 ag 3503 lke answer --year 2026 --item A1.4 --answer A
expect_exit 0 "$HUB" lke verify 3512 2026 A1.3 B --note "3512" --data "$HUB_DIR"
expect_verified 20 3512 A1.3 B 3512
t0=$(now)
agent_start 3503
expect_verified 20 3503 A1.3 D diganti
timing "verdict reaching an office whose daemon was down (from its start)" "$t0"
wait_synced 20 "${OFFICES[@]}"
expect_exit 0 "$HUB" lke verify 3503 2026 A1.4 B --note "A1.4" --data "$HUB_DIR"
expect_verified 20 3503 A1.4 B
check_province "${OFFICES[@]}"

section "a re-answer keeps the verdict; the verdict is made while the hub is down"
expect_exit 0 ag 3503 lke answer --year 2026 --item A1.3 --answer C --justification "diperbaiki"
wait_synced 20 "${OFFICES[@]}"
run ag 3503 lke list --format json
expect_py "after a re-answer: answer C, verified_answer still D" '
r = [r for r in d if r["item"] == "A1.3"][0]
assert r["answer"] == "C" and r["verified_answer"] == "D", r'
hub_stop
expect_exit 0 "$HUB" lke verify 3503 2026 A1.3 C --note "hub mati" --data "$HUB_DIR"
hub_start
expect_verified 30 3503 A1.3 C "hub mati"
wait_synced 20 "${OFFICES[@]}"
check_province "${OFFICES[@]}"
check_union "${OFFICES[@]}"

section "the hub restored from a backup made before a verdict"
expect_exit 0 "$HUB" backup "$T/hub.backup" --data "$HUB_DIR"
expect_exit 0 "$HUB" lke verify 3512 2026 A1.3 C --note "setelah cadangan" --data "$HUB_DIR"
expect_verified 20 3512 A1.3 C "setelah cadangan"
hub_stop
rm -rf "$HUB_DIR"
mkdir "$HUB_DIR"
cp "$T/hub.backup" "$HUB_DIR/data.mdb"
hub_start
wait_synced 20 "${OFFICES[@]}"
check_union "${OFFICES[@]}"
# The verdict made after the backup is in 3512's store only now; the
# hub's view and the office's should agree again. They do not: the hub
# does not get back the province sections it wrote after its backup.
as_known_gap "proto/PROTOCOL.md section 15: a restored hub does not get back the province sections it wrote after its backup" check_province "${OFFICES[@]}"
# A verdict made after the restore reaches the office.
expect_exit 0 "$HUB" lke verify 3503 2026 A1.4 A --note "sesudah pemulihan" --data "$HUB_DIR"
expect_verified 20 3503 A1.4 A "sesudah pemulihan"
check_province 3503

# After every integration test the hub's rollups equal a recomputation
# from its records (lontar-hub verify finds no difference).
expect_exit 0 "$HUB" verify --data "$HUB_DIR"

repl_finish
