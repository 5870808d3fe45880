# cli_repl_basic.sh - three offices and their hub replicate: the sample
# data, then 5,000 imported suggestions and 100 staff writes per office
# while the daemons run; the hub holds every record exactly once.
# Run by CTest as `bash tests/cli_repl_basic.sh BINDIR`.
. "$(dirname "$0")/lib_repl.sh" "$@"

OFFICES=(3503 3512 3578)
GEN=5000
ADDS=100

section "stores and sample data"
repl_hub_init
for o in "${OFFICES[@]}"; do
    repl_agent_init "$o"
    expect_exit 0 ag "$o" import "$LONTAR_REF/sample-suggestions.csv"
    expect_exit 0 ag "$o" import "$LONTAR_REF/sample-action-plan.csv"
    expect_exit 0 ag "$o" lke answer --year 2026 --item A1.1 --answer Y
    n=$(grep -c "^$o," "$LONTAR_REF/sample-suggestions.csv" "$LONTAR_REF/sample-action-plan.csv" \
        | awk -F: '{ s += $2 } END { print s }')
    declare "EXPECT_$o=$((n + 1))"
    export "EXPECT_$o"
done

section "--check-config refuses what run would refuse"
printf 'hub = tcp://10.1.1.1:7450\ninsecure = true\n' >"$T/far.conf"
printf 'insecure = false\n' >"$T/curve.conf"
printf 'data =\ninsecure = true\n' >"$T/nodata.conf"
expect_exit 78 "$AGENT" run --config "$T/far.conf" --check-config --data "$(agent_dir 3503)"
expect_contains "$ERR" "allows only a loopback hub"
expect_exit 78 "$AGENT" run --config "$T/curve.conf" --check-config --data "$(agent_dir 3503)"
expect_contains "$ERR" "CURVE security is not available"
expect_exit 78 "$AGENT" run --config "$T/nodata.conf" --check-config
expect_contains "$ERR" "the data folder is empty"
expect_exit 0 "$AGENT" run --insecure --check-config --data "$(agent_dir 3503)"
expect_contains "$OUT" "insecure = true"
printf 'bind = tcp://10.0.0.1:7450\ninsecure = true\n' >"$T/hubfar.conf"
expect_exit 78 "$HUB" run --config "$T/hubfar.conf" --check-config --data "$HUB_DIR"
expect_contains "$ERR" "allows only loopback endpoints"
expect_exit 78 "$HUB" run --config "$T/curve.conf" --check-config --data "$HUB_DIR"
expect_contains "$ERR" "CURVE security is not available"
expect_exit 0 "$HUB" run --insecure --check-config --data "$HUB_DIR"

section "first replication of the sample data"
t0=$(now)
hub_start
for o in "${OFFICES[@]}"; do agent_start "$o"; done
wait_synced 30 "${OFFICES[@]}"
timing "sample data of 3 offices replicated (from hub start)" "$t0"
check_union "${OFFICES[@]}"
check_offices "${OFFICES[@]}"

section "$GEN imported and $ADDS staff writes per office, daemons running"
for o in "${OFFICES[@]}"; do gen_suggestions "$o" "$GEN" "$T/gen-$o.csv"; done
t0=$(now)
jobs_=()
for o in "${OFFICES[@]}"; do
    ag "$o" import "$T/gen-$o.csv" >"$T/import-$o.out" 2>&1 &
    jobs_+=($!)
    add_suggestions "$o" "$ADDS" "tambahan" &
    jobs_+=($!)
done
bad=0
for j in "${jobs_[@]}"; do wait "$j" || bad=$((bad + 1)); done
expect_eq "$bad" 0 "imports and staff writes of 3 offices all exit 0"
timing "3 x ($GEN imported + $ADDS added) written" "$t0"
# Some updates of existing records: a replicated record changes.
for o in "${OFFICES[@]}"; do
    id=$(ag "$o" suggestion list --format json | "$PY" -S -E -c \
        'import json,sys; print(json.load(sys.stdin)[0]["id"])')
    expect_exit 0 ag "$o" suggestion status "$id" verified --note "dicek"
    expect_exit 0 ag "$o" lke answer --year 2026 --item A1.1 --answer T
    declare "EXPECT_$o=$(( EXPECT_$o + GEN + ADDS ))"
done
wait_synced 60 "${OFFICES[@]}"
timing "3 x $((GEN + ADDS)) changes replicated (from the first write)" "$t0"
check_union "${OFFICES[@]}"
check_offices "${OFFICES[@]}"
for o in "${OFFICES[@]}"; do
    expect_eq "$(count_records "$o")" "$(eval echo \$EXPECT_$o)" "agent $o holds every record it wrote"
done

section "restarting a daemon changes nothing"
agent_stop 3512
agent_start 3512
wait_synced 20 "${OFFICES[@]}"
hub_query offices --office 3512
expect_py "3512 reconnected; restores still 0" '
r = [r for r in d if r["office"] == "3512"][0]
assert r["connected"] and r["restores"] == 0, r'
check_union "${OFFICES[@]}"

section "an office back with a backlog catches up with the catch-up window"
# 3512 restarted above with nothing pending: the base window (4).
expect_contains "$(cat "$(agent_log 3512)")" "window=4 - welcomed by the hub" "3512, nothing pending: window 4"
agent_stop 3578
gen_suggestions 3578 "$GEN" "$T/backlog-3578.csv" 2024
expect_exit 0 ag 3578 import "$T/backlog-3578.csv"
export EXPECT_3578=$((EXPECT_3578 + GEN))
agent_start 3578
wait_synced 60 "${OFFICES[@]}"
expect_contains "$(cat "$(agent_log 3578)")" "window=12 - welcomed by the hub" \
    "3578, $GEN pending (more than 4 batches): window 12"
check_union "${OFFICES[@]}"

section "a second daemon on the same data folder is refused"
# It would take the first one's control socket and write the same store.
expect_exit 69 timeout 10 "$AGENT" run --insecure --hub "$HUB_EP" --data "$(agent_dir 3512)"
expect_contains "$ERR" "another lontar-agent (pid ${AGENT_PID[3512]}) is running on the data folder"
expect_exit 69 timeout 10 "$HUB" run --insecure --bind "tcp://127.0.0.1:$(free_port)" \
    --query "tcp://127.0.0.1:$(free_port)" --data "$HUB_DIR"
expect_contains "$ERR" "another lontar-hub (pid $HUB_PID) is running on the data folder"
expect_eq "$(agent_status 3512 | cut -d' ' -f2)" true \
    "the first agent still answers status, hub reachable"
expect_exit 0 ag 3512 suggestion add --channel website --class suggestion \
    --subject "Sesudah penolakan" --text "Daemon kedua ditolak."
export EXPECT_3512=$((EXPECT_3512 + 1))
wait_synced 20 "${OFFICES[@]}"
check_union "${OFFICES[@]}"

section "an office whose daemon died is not shown as connected"
s_connected_is () {
    [ "$(offices_field "$1" connected)" = "$2" ]
}
agent_kill 3578

if wait_until 10 s_connected_is 3578 False; then
    pass "3578 killed with SIGKILL: offices shows it not connected"
else
    fail "3578 killed, but offices still shows connected=$(offices_field 3578 connected)"
fi
expect_eq "$(offices_field 3503 connected)" True "3503, alive and idle, still connected"
agent_start 3578
if wait_until 10 s_connected_is 3578 True; then
    pass "3578 restarted: connected again"
else
    fail "3578 restarted, but offices shows connected=$(offices_field 3578 connected)"
fi
wait_synced 20 "${OFFICES[@]}"

hub_query dead-letters
expect_py "no dead letters" 'assert d == [], d'
hub_query conflicts
expect_py "no conflicts" 'assert d == [], d'

# After every integration test the hub's rollups equal a recomputation
# from its records (lontar-hub verify finds no difference).
expect_exit 0 "$HUB" verify --data "$HUB_DIR"

repl_finish
