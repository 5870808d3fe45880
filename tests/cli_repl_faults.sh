# cli_repl_faults.sh - replication survives faults: the hub SIGKILLed
# again and again in the middle of a stream, an agent SIGKILLed in the
# middle of a stream, the hub down while offices keep writing. After
# each, the hub holds every record exactly once.
# Run by CTest as `bash tests/cli_repl_faults.sh BINDIR`.
. "$(dirname "$0")/lib_repl.sh" "$@"

OFFICES=(3503 3512 3578)
BIG=20000
KILLS=5


repl_hub_init
for o in "${OFFICES[@]}"; do
    repl_agent_init "$o"
    gen_suggestions "$o" "$BIG" "$T/big-$o.csv" 2024
    gen_suggestions "$o" 3000 "$T/mid-$o.csv" 2023
    declare -x "EXPECT_$o=0"
done
hub_start
for o in "${OFFICES[@]}"; do agent_start "$o"; done

section "hub SIGKILLed $KILLS times while 3 agents catch up $BIG-row imports (and 10000 more before each restart)"
# The imports go in with the hub stopped, so the stream starts when
# it comes back and is in full flow when it is killed.
hub_stop
for o in "${OFFICES[@]}"; do
    expect_exit 0 ag "$o" import "$T/big-$o.csv"
    declare -x "EXPECT_$o=$((EXPECT_$o + BIG))"
done
total=$((BIG * ${#OFFICES[@]}))
s_hub_progressed () { [ "$(hub_sum "${OFFICES[@]}")" -gt "$1" ]; }
t0=$(now)
mid=0
base=0
for ((k = 1; k <= KILLS; k++)); do
    if [ "$k" -gt 1 ]; then
        # Fresh changes while the hub is down, so that the stream is in
        # full flow at each kill even on a slow, loaded machine.
        o=${OFFICES[$((k % ${#OFFICES[@]}))]}
        gen_suggestions "$o" 10000 "$T/extra$k-$o.csv" $((2010 + k))
        expect_exit 0 ag "$o" import "$T/extra$k-$o.csv"
        declare -x "EXPECT_$o=$((EXPECT_$o + 10000))"
        total=$((total + 10000))
    fi
    tk=$(now)
    hub_start || break
    # Poll the hub's store as fast as it can be read: the stream moves
    # some 100,000 changes a second, and the kill must land inside it.
    POLL=0.002
    if ! wait_until 30 s_hub_progressed "$base"; then
        POLL=0.05
        fail "kill $k: no progress within 30 s of the hub's restart" "applied $base"
        hub_kill
        break
    fi
    hub_kill
    POLL=0.05
    base=$(hub_sum "${OFFICES[@]}")
    printf '     kill %d at %.2f s after the restart: hub applied %d of %d\n' \
        "$k" "$(elapsed "$tk")" "$base" "$total"
    [ "$base" -lt "$total" ] && mid=$((mid + 1))
    # An ACK goes out only after its commit: what an agent was last told
    # is acknowledged (it keeps that until the next WELCOME) must be in
    # the hub's store after the SIGKILL.
    for o in "${OFFICES[@]}"; do
        told=$(agent_status "$o" | cut -d' ' -f4)
        durable=$(hub_acked "$o")
        if [ "$told" -gt "$durable" ]; then
            fail "kill $k: agent $o was acknowledged $told but the hub holds $durable"
        fi
    done
done
expect_eq "$mid" "$KILLS" "each of the $KILLS SIGKILLs hit the hub with changes still pending"
hub_start
t1=$(now)
wait_synced 60 "${OFFICES[@]}"
timing "catch-up of the rest after the last SIGKILL" "$t1"
timing "$total changes through $KILLS hub SIGKILLs (with the imports between)" "$t0"
check_union "${OFFICES[@]}"
check_offices "${OFFICES[@]}"
# Every WELCOME after a kill told the agent what the hub had durably
# applied; nothing was applied twice.
hub_query offices
expect_py "no dead letters, no conflicts, no restores after the kills" '
for r in d:
    if r["office"] in ("3503", "3512", "3578"):
        assert r["dead_letters"] == 0 and r["conflicts"] == 0 and r["restores"] == 0, r'

section "an agent SIGKILLed in the middle of its stream, 3 times"
t0=$(now)
agent_stop 3503
AK=50000
for k in 1 2 3; do gen_suggestions 3503 "$AK" "$T/ak$k-3503.csv" $((2018 + k)); done
s_office_progressed () { [ "$(hub_acked 3503)" -gt "$1" ]; }
amid=0
for ((k = 1; k <= 3; k++)); do
    # Fresh changes for each round (an import numbers its rows anew).
    expect_exit 0 ag 3503 import "$T/ak$k-3503.csv"
    declare -x "EXPECT_3503=$((EXPECT_3503 + AK))"
    a0=$(hub_acked 3503)
    tk=$(now)
    agent_start 3503
    POLL=0.002
    if ! wait_until 20 s_office_progressed "$a0"; then
        POLL=0.05
        fail "agent kill $k: no progress within 20 s"
        break
    fi
    agent_kill 3503
    POLL=0.05
    a1=$(hub_acked 3503)
    head=$EXPECT_3503  # one change a record: the log head
    printf '     agent kill %d at %.2f s after its start: hub applied %d of %d\n' \
        "$k" "$(elapsed "$tk")" "$a1" "$head"
    [ "$a1" -lt "$head" ] && amid=$((amid + 1))
    # A write while the daemon is dead: staff commands need no daemon.
    expect_exit 0 ag 3503 suggestion add --channel letter --class complaint \
        --subject "Saat agen mati $k" --text "Ditulis saat daemon mati"
    declare -x "EXPECT_3503=$((EXPECT_3503 + 1))"
done
expect_eq "$amid" 3 "each agent SIGKILL hit with changes still unsent or unacknowledged"
agent_start 3503
wait_synced 30 "${OFFICES[@]}"
timing "3 x $AK changes through 3 agent SIGKILLs" "$t0"
check_union "${OFFICES[@]}"
check_offices "${OFFICES[@]}"

section "SIGTERM in the middle of a stream: the hub, then an agent, exit 0"
gen_suggestions 3512 20000 "$T/term-3512.csv" 2021
expect_exit 0 ag 3512 import "$T/term-3512.csv"
declare -x "EXPECT_3512=$((EXPECT_3512 + 20000))"
POLL=0.002
a0=$(hub_acked 3512)
s_3512_progressed () { [ "$(hub_acked 3512)" -gt "$1" ]; }
wait_until 20 s_3512_progressed "$a0"
POLL=0.05
hub_stop
printf '     hub stopped with 3512 applied up to %d of %d\n' "$(hub_acked 3512)" \
    "$(agent_status 3512 | cut -d' ' -f3)"
gen_suggestions 3578 20000 "$T/term-3578.csv" 2021
expect_exit 0 ag 3578 import "$T/term-3578.csv"
declare -x "EXPECT_3578=$((EXPECT_3578 + 20000))"
hub_start
a0=$(hub_acked 3578)
POLL=0.002
s_3578_progressed () { [ "$(hub_acked 3578)" -gt "$1" ]; }
wait_until 20 s_3578_progressed "$a0"
POLL=0.05
agent_stop 3578
# (3578 has written only imports so far: one change a record.)
printf '     agent 3578 stopped with %d of %d applied at the hub\n' "$(hub_acked 3578)" "$EXPECT_3578"
agent_start 3578
wait_synced 60 "${OFFICES[@]}"
check_union "${OFFICES[@]}"
check_offices "${OFFICES[@]}"

section "the hub down while offices keep writing"
hub_stop
t0=$(now)
for o in "${OFFICES[@]}"; do
    expect_exit 0 ag "$o" import "$T/mid-$o.csv"
done
for o in "${OFFICES[@]}"; do declare -x "EXPECT_$o=$((EXPECT_$o + 3000))"; done
add_suggestions 3512 20 "hub mati" && declare -x "EXPECT_3512=$((EXPECT_3512 + 20))"
expect_exit 0 ag 3578 rb add --year 2026 --area 2 --activity "Saat hub mati" \
    --indicator "Dokumen" --target 1 --unit dokumen
declare -x "EXPECT_3578=$((EXPECT_3578 + 1))"
expect_exit 0 ag 3578 lke answer --year 2026 --item A1.3 --answer B
declare -x "EXPECT_3578=$((EXPECT_3578 + 1))"
run ag 3512 status --format json
expect_py "with the hub down: hub_reachable false, pending > 0" '
assert d["hub_reachable"] is False, d
assert d["pending"] >= 3020, d'
t1=$(now)
hub_start
wait_synced 30 "${OFFICES[@]}"
timing "catch-up of 3 x 3000 + 22 changes after the hub came back" "$t1"
check_union "${OFFICES[@]}"
check_offices "${OFFICES[@]}"

section "hub and agents all down while offices write, then all up"
for o in "${OFFICES[@]}"; do agent_stop "$o"; done
hub_stop
for o in "${OFFICES[@]}"; do
    add_suggestions "$o" 5 "semua mati"
    declare -x "EXPECT_$o=$((EXPECT_$o + 5))"
done
t1=$(now)
for o in "${OFFICES[@]}"; do agent_start "$o"; done
hub_start
wait_synced 30 "${OFFICES[@]}"
timing "catch-up with agents started before the hub" "$t1"
check_union "${OFFICES[@]}"
check_offices "${OFFICES[@]}"
hub_query dead-letters
expect_py "no dead letters" 'assert d == [], d'

# After every integration test the hub's rollups equal a recomputation
# from its records (lontar-hub verify finds no difference).
expect_exit 0 "$HUB" verify --data "$HUB_DIR"

repl_finish
