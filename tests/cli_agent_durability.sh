# cli_agent_durability.sh - what lontar-agent printed as done is in the
# store, even when the writer is killed with SIGKILL at a random point.
#
# A loop in its own process group adds suggestions; each add writes its
# id to a file through a line-buffered stdout, so an id is in the file
# as soon as the binary printed it (which it must do only after the
# commit). The test waits on the loop's pipe for a random number of adds,
# kills the whole group (loop and the add in flight) with SIGKILL, and
# checks that every id in the file is found, that the ids are consecutive
# and unique, and that the store still opens, takes writes and reads with
# the stock LMDB tools. Several rounds on one store. The seed is printed;
# LONTAR_SEED=N replays one run.
# Run: bash tests/cli_agent_durability.sh BUILD_DIR
. "$(dirname "$0")/lib_cli.sh" "$@"

SEED=${LONTAR_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$SEED
echo "seed=$SEED (LONTAR_SEED=$SEED replays it)"
ROUNDS=${LONTAR_ROUNDS:-6}
D=$T/s
IDS=$T/ids
A () { "$AGENT" "$@" --data "$D"; }
CUR=$YEAR_NOW
command -v stdbuf >/dev/null && LB=(stdbuf -oL) || LB=()

section "a fresh store"
expect_exit 0 "$AGENT" init --office 3503 --data "$D"
: >"$IDS"

# The writer: prints its process group first, then one line a finished
# add on stdout (the pipe the test reads). Started with setsid, it leads
# its own group, so one kill reaches it and the add it is running.
writer () {
    setsid bash -c '
        echo "pgid $$"
        n=0
        # ends with the test, should the test be killed before it
        while kill -0 "$TEST_PID" 2>/dev/null; do
            n=$((n + 1))
            "$@" suggestion add --channel website --class complaint \
                --subject "beban $n" --text "uji ketahanan $n" \
                --reporter-name "Pelapor $n" --data "$D" >>"$IDS" 2>>"$IDS.err"
            rc=$?
            echo "added $rc"
            # the binary cannot run at all: stop rather than spin
            [ "$rc" -lt 126 ] || exit "$rc"
        done' writer "${LB[@]}" "$AGENT"
}
export IDS D
export TEST_PID=$$
pgid=""   # the writer's process group while it runs
trap '[ -z "$pgid" ] || kill -KILL -- "-$pgid" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

checked=0
for round in $(seq "$ROUNDS"); do
    section "round $round"
    want=$((1 + RANDOM % 25))     # adds to wait for
    spin=$((RANDOM % 20000))      # then 0-50 ms more, at random
    exec 3< <(writer)
    read -r -u 3 word started
    if [ "$word" != pgid ] || ! [[ "$started" =~ ^[1-9][0-9]*$ ]]; then
        fail "the writer did not start: $word $started"
        break
    fi
    pgid=$started
    seen=0
    while [ "$seen" -lt "$want" ] && read -r -u 3 word rc; do
        if [ "$rc" != 0 ]; then
            fail "round $round: an add failed with exit $rc"
            tail -3 "$IDS.err" | sed 's/^/       | /'
            break
        fi
        seen=$((seen + 1))
    done
    for ((i = 0; i < spin; i++)); do :; done
    kill -KILL -- "-$pgid" 2>/dev/null
    pgid=""
    exec 3<&-
    expect_eq "$seen" "$want" "round $round: the writer finished $want adds before the kill"
    # Every id that was printed is in the store.
    # Every id is looked up with show once, in the round that printed it.
    missing=0 bad=0
    while read -r id; do
        [[ "$id" =~ ^3503-$CUR-[0-9]{6}$ ]] || { bad=$((bad + 1)); continue; }
        "$AGENT" suggestion show "$id" --data "$D" >/dev/null 2>&1 || {
            missing=$((missing + 1)); echo "     missing: $id"; }
    done < <(tail -n +"$((checked + 1))" "$IDS")
    n=$(wc -l <"$IDS")
    expect_eq "$bad" 0 "round $round: every line printed is a whole tracking number"
    expect_eq "$missing" 0 "round $round: the $((n - checked)) ids printed in this round are in the store"
    expect_eq "$(sort -u "$IDS" | wc -l)" "$n" "round $round: no id was given twice"
    # In the order printed, the numbers grow (an add killed after its
    # commit but before its print leaves a number out, nothing more).
    expect_eq "$(sed 's/.*-//' "$IDS" | sort -c -n 2>&1 && echo sorted)" sorted \
        "round $round: the numbers grow in the order they were printed"
    # The store opens and takes a write after the kill (a stale reader
    # slot or a dead writer's lock must not block it).
    expect_exit 0 A suggestion add --channel phone --class suggestion \
        --subject "setelah kill $round" --text 'x'
    [ "$RC" != 0 ] || printf '%s\n' "$OUT" >>"$IDS"
    checked=$(wc -l <"$IDS")
    expect_exit 0 mdb_stat -a "$D"
    expect_exit 0 mdb_dump -a "$D"
done

section "writers at the same time get distinct, consecutive numbers"
P=$T/p
expect_exit 0 "$AGENT" init --office 3320 --data "$P"
for w in 1 2 3 4; do
    (for i in $(seq 15); do
        "$AGENT" suggestion add --channel letter --class suggestion \
            --subject "penulis $w-$i" --text 'x' --data "$P" || echo "FAILED $?"
    done >"$T/par.$w" 2>&1) &
done
wait
cat "$T/par."[1-4] >"$T/par"
expect_eq "$(grep -c FAILED "$T/par")" 0 "no add failed while others wrote"
expect_eq "$(sort -u "$T/par" | wc -l)" 60 "60 distinct ids"
expect_eq "$(sort "$T/par" | sed -n '1p;$p' | tr '\n' ' ')" \
    "3320-$CUR-000001 3320-$CUR-000060 " "numbered 000001 to 000060 without a gap"
expect_exit 0 "$AGENT" suggestion list --format json --data "$P"
expect_py "all 60 are listed" "assert len(d) == 60, len(d)"

section "after all rounds"
expect_exit 0 A suggestion list --format json
expect_py "every id printed is listed, and nothing else" "
listed = sorted(o['id'] for o in d)
printed = sorted(open('$IDS').read().split())
assert set(printed) <= set(listed), set(printed) - set(listed)
extra = set(listed) - set(printed)
# an add killed after its commit but before its line reached the file
assert len(extra) <= $ROUNDS, extra"
expect_exit 0 mdb_dump -p -s log "$D"
expect_not_contains "$OUT" "Pelapor" "no reporter name reached the log"
expect_exit 0 mdb_stat -a "$D"
expect_exit 0 mdb_dump -a "$D"
expect_exit 0 A backup "$T/after.mdb"
mkdir "$T/copy" && cp "$T/after.mdb" "$T/copy/data.mdb"
expect_exit 0 "$AGENT" suggestion list --format csv --data "$T/copy"
expect_eq "$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)" "$(A suggestion list --format csv | tail -n +2 | wc -l)" \
    "a backup after the kills holds every suggestion"

finish
