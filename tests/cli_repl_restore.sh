# cli_repl_restore.sh - restores from old backups: an office's store put
# back to an early `lontar-agent backup` gets its later records back from
# the hub (and takes new writes without losing or doubling any); staff
# writes on it wait (exit 69) until its records are back, unless the
# store never replicated; the hub's store put back to an early
# `lontar-hub backup` gets again from the agents what it lost.
# Run by CTest as `bash tests/cli_repl_restore.sh BINDIR`.
. "$(dirname "$0")/lib_repl.sh" "$@"

OFFICES=(3503 3512)

# snapshot_records OFFICE FILE: the office records of the agent's store
# (ids and office sections), as JSON.
snapshot_records () {
    "$PY" -S -E "$T/store.py" snapshot "$(agent_dir "$1")" >"$2"
}
# s_same_records OFFICE FILE: the agent's records are those of FILE.
s_same_records () {
    snapshot_records "$1" "$T/.now.json" && cmp -s "$T/.now.json" "$2"
}
# ids OFFICE: the ids of `suggestion list --format json`, one a line.
suggestion_ids () {
    ag "$1" suggestion list --format json | "$PY" -S -E -c '
import json, sys
for r in json.load(sys.stdin):
    print(r["id"])' | sort
}

# s_restoring OFFICE: the "restoring" of `lontar-agent status` (true or
# false), or nothing when status fails.
s_restoring () {
    ag "$1" status --format json 2>/dev/null | "$PY" -S -E -c '
import json, sys
print("true" if json.load(sys.stdin)["restoring"] is True else "false")'
}
s_not_restoring () { [ "$(s_restoring "$1")" = false ]; }
# stored_acked OFFICE: the "acked" the agent's store holds (its meta
# database, read with mdb_dump; 0 when none).
stored_acked () {
    local hex
    hex=$(mdb_dump -s meta "$(agent_dir "$1")" 2>/dev/null               | sed -n '/^HEADER=END$/,/^DATA=END$/{/^ /p}'               | awk 'NR % 2 == 1 { k = $1 } NR % 2 == 0 && k == "61636b6564" { print $1 }')
    echo $((16#${hex:-0}))
}
s_stored_acked () { [ "$(stored_acked "$1")" -gt 0 ]; }
# wait_restored OFFICE [TIMEOUT]: waits until the office's store no longer
# waits for its records (staff may write again); a check of its own.
wait_restored () {
    if wait_until "${2:-30}" s_not_restoring "$1"; then
        pass "agent $1: status says restoring false (staff may write)"
        return 0
    fi
    fail "agent $1 still restoring after ${2:-30} s" "log: $(tail -3 "$(agent_log "$1")")"
    return 1
}

section "stores, first writes, first replication"
repl_hub_init
for o in "${OFFICES[@]}"; do
    repl_agent_init "$o"
    expect_exit 0 ag "$o" import "$LONTAR_REF/sample-suggestions.csv"
    add_suggestions "$o" 10 "awal"
    expect_exit 0 ag "$o" lke answer --year 2026 --item A1.1 --answer Y
done
hub_start
for o in "${OFFICES[@]}"; do agent_start "$o"; done
wait_synced 30 "${OFFICES[@]}"
check_union "${OFFICES[@]}"

section "agent 3503 restored from an early backup"
expect_exit 0 ag 3503 backup "$T/agent-3503.backup"
early=$(suggestion_ids 3503 | head -1)
add_suggestions 3503 20 "setelah cadangan"
expect_exit 0 ag 3503 rb add --year 2026 --area 3 --activity "Setelah cadangan" \
    --indicator "SOP" --target 2 --unit dokumen
expect_exit 0 ag 3503 suggestion status "$early" verified --note "setelah cadangan"
expect_exit 0 ag 3503 lke answer --year 2026 --item A1.1 --answer T
expect_exit 0 ag 3503 lke answer --year 2026 --item A1.2 --answer Y
add_suggestions 3512 5 "bystander"
wait_synced 30 "${OFFICES[@]}"
check_union "${OFFICES[@]}"
snapshot_records 3503 "$T/before-3503.json"
suggestion_ids 3503 >"$T/before-3503.ids"
n_before=$(grep -c . "$T/before-3503.ids")
restores0=$(offices_field 3503 restores)
agent_stop 3503
rm -rf "$(agent_dir 3503)"
mkdir "$(agent_dir 3503)"
cp "$T/agent-3503.backup" "$(agent_dir 3503)/data.mdb"
suggestion_ids 3503 >"$T/backup-3503.ids"
expect_eq "$(grep -c . "$T/backup-3503.ids")" "$((n_before - 20))" \
    "the backup holds the suggestions of before it (20 fewer)"
t0=$(now)
agent_start 3503
if wait_until 30 s_same_records 3503 "$T/before-3503.json"; then
    pass "agent 3503 got back every record, each as it was last written"
else
    fail "agent 3503 did not get its records back within 30 s" \
        "$(diff <(tr ',' '\n' <"$T/before-3503.json") <(tr ',' '\n' <"$T/.now.json") | head -5)"
fi
timing "agent restore (records back from the hub)" "$t0"
wait_restored 3503
suggestion_ids 3503 >"$T/after-3503.ids"
expect_eq "$(diff "$T/before-3503.ids" "$T/after-3503.ids" && echo same)" same \
    "suggestion list after the restore shows the suggestions written after the backup"
run ag 3503 lke list --format json
expect_py "lke list after the restore shows the re-answer and the later item" '
a = {r["item"]: r["answer"] for r in d}
assert a == {"A1.1": "T", "A1.2": "Y"}, a'
run ag 3503 suggestion show "$early" --format json
expect_contains "$OUT" '"verified"' "a record changed after the backup comes back changed"
wait_synced 30 "${OFFICES[@]}"
expect_match "$(offices_field 3503 restores)" "^[1-9][0-9]*$" \
    "hub offices: restores of 3503 >= 1 (was $restores0)"
grep -h "3503" "$T"/log/agent-3503-*.log | grep -i "incarnation" | tail -1 | sed 's/^/     /'

section "new writes after the restore replicate, no loss, no duplicate"
add_suggestions 3503 5 "sesudah pemulihan"
expect_exit 0 ag 3503 rb add --year 2026 --area 4 --activity "Sesudah pemulihan" \
    --indicator "Laporan" --target 1 --unit dokumen
suggestion_ids 3503 >"$T/new-3503.ids"
expect_eq "$(grep -c . "$T/new-3503.ids")" "$((n_before + 5))" \
    "5 new suggestions after the restore make 5 more records (no id taken twice)"
# Every record of before the restore is still as it was.
"$PY" -S -E "$T/store.py" snapshot "$(agent_dir 3503)" | "$PY" -S -E -c '
import json, sys
now = json.load(sys.stdin)
before = json.load(open(sys.argv[1]))
changed = [k for k in before if now.get(k) != before[k]]
assert not changed, "overwritten by the new writes: %s" % changed[:5]
' "$T/before-3503.json" && pass "no record of before the restore was overwritten by a new write" \
    || fail "new writes after the restore overwrote restored records"
wait_synced 30 "${OFFICES[@]}"
check_union "${OFFICES[@]}"
check_offices "${OFFICES[@]}"
hub_query conflicts
expect_py "no conflicts at the hub" 'assert d == [], d'

section "the hub restored from an early backup"
expect_exit 0 "$HUB" backup "$T/hub.backup" --data "$HUB_DIR"
acked_at_backup=$(hub_acked 3512)
for o in "${OFFICES[@]}"; do add_suggestions "$o" 15 "setelah cadangan hub"; done
expect_exit 0 ag 3512 import "$LONTAR_REF/sample-action-plan.csv"
expect_exit 0 ag 3512 lke answer --year 2026 --item A1.1 --answer T
wait_synced 30 "${OFFICES[@]}"
check_union "${OFFICES[@]}"
acked_before=$(hub_acked 3512)
hub_stop
rm -rf "$HUB_DIR"
mkdir "$HUB_DIR"
cp "$T/hub.backup" "$HUB_DIR/data.mdb"
expect_eq "$(hub_acked 3512)" "$acked_at_backup" \
    "the hub's store is back at the backup (3512 acked $acked_at_backup, was $acked_before)"
t0=$(now)
hub_start
wait_synced 30 "${OFFICES[@]}"
timing "hub restore (agents send again what it lost)" "$t0"
check_union "${OFFICES[@]}"
check_offices "${OFFICES[@]}"
hub_query dead-letters
expect_py "no dead letters" 'assert d == [], d'
add_suggestions 3512 3 "sesudah pemulihan hub"
wait_synced 30 "${OFFICES[@]}"
check_union "${OFFICES[@]}"
check_offices "${OFFICES[@]}"

section "restores interrupted by a SIGKILL of the hub, and of the agent"
# records_in OFFICE: entries of the agent's records databases (cheap).
records_in () {
    mdb_stat -a "$(agent_dir "$1")" 2>/dev/null \
        | awk '$1 == "Status" { r = $3 ~ /^records/ } r && /Entries:/ { n += $2 } END { print n + 0 }'
}
s_records_above () { [ "$(records_in "$1")" -gt "$2" ]; }
repl_agent_init 3578
agent_start 3578
OFFICES+=(3578)
for pair in "3512 hub" "3578 agent"; do
    set -- $pair
    o=$1 victim=$2
    rm -f "$T/big-$o.backup"
    expect_exit 0 ag "$o" backup "$T/big-$o.backup"
    gen_suggestions "$o" 20000 "$T/big-$o.csv" 2024
    expect_exit 0 ag "$o" import "$T/big-$o.csv"
    wait_synced 60 "${OFFICES[@]}"
    snapshot_records "$o" "$T/before-big-$o.json"
    full=$(records_in "$o")
    agent_stop "$o"
    rm -rf "$(agent_dir "$o")"
    mkdir "$(agent_dir "$o")"
    cp "$T/big-$o.backup" "$(agent_dir "$o")/data.mdb"
    old=$(records_in "$o")
    t0=$(now)
    agent_start "$o"
    POLL=0.002
    if wait_until 30 s_records_above "$o" "$old"; then
        if [ "$victim" = hub ]; then hub_kill; else agent_kill "$o"; fi
        POLL=0.05
        at=$(records_in "$o")
        printf '     %s SIGKILLed with %d of %d records back at %s\n' "$victim" \
            "$((at - old))" "$((full - old))" "$o"
        # Whether the kill landed mid-restore is up to timing; the checks
        # that follow (every record back, nothing repeated) hold either way.
        if [ "$at" -lt "$full" ]; then
            printf '     the %s was killed in the middle of the restore of %s\n' "$victim" "$o"
        else
            printf '     note: the restore of %s was complete before the %s was killed\n' "$o" "$victim"
        fi
        if [ "$victim" = hub ]; then hub_start; else agent_start "$o"; fi
    else
        POLL=0.05
        fail "the restore of $o did not start within 30 s"
    fi
    if wait_until 60 s_same_records "$o" "$T/before-big-$o.json"; then
        pass "agent $o got back every record after the interrupted restore"
    else
        fail "agent $o did not get its records back after the $victim SIGKILL" \
            "records: $(records_in "$o") of $full"
    fi
    timing "restore of 20000 records of $o through a $victim SIGKILL" "$t0"
    wait_restored "$o" 60
    add_suggestions "$o" 3 "sesudah"
    wait_synced 60 "${OFFICES[@]}"
    check_union "${OFFICES[@]}"
    check_offices "${OFFICES[@]}"
done
hub_query conflicts
expect_py "no conflicts at the hub" 'assert d == [], d'

section "staff write on a restored store waits until its records are back"
# Staff write on the restored store before its daemon met the hub: the
# write is refused (69), or it would take the numbers of the records
# written after the backup and overwrite them everywhere.
repl_agent_init 3571
add_suggestions 3571 3 "awal"
agent_start 3571
OFFICES+=(3571)
wait_synced 30 "${OFFICES[@]}"
# The daemon keeps acked in the store at most once a second: the backup is
# taken once the store itself says it replicated (proto/PROTOCOL.md
# section 9.4; one taken before is not held back, section 15).
if wait_until 10 s_stored_acked 3571; then
    pass "3571's store records that it replicated (acked $(stored_acked 3571))"
else
    fail "3571's store does not record its acked within 10 s"
fi
expect_exit 0 ag 3571 backup "$T/early-3571.backup"
add_suggestions 3571 5 "setelah cadangan"
wait_synced 30 "${OFFICES[@]}"
suggestion_ids 3571 >"$T/before-3571.ids"
snapshot_records 3571 "$T/before-3571.json"
expect_eq "$(grep -c . "$T/before-3571.ids")" 8 "3571 holds 8 suggestions before the restore"
agent_stop 3571
# Only the data file is put back: the new file often gets the inode number
# of the one removed (ext4 hands a freed inode out again at once), so the
# store must tell it from the old one by more than device and inode.
ino0=$(stat -c %i "$(agent_dir 3571)/data.mdb")
rm "$(agent_dir 3571)/data.mdb"
cp "$T/early-3571.backup" "$(agent_dir 3571)/data.mdb"
ino1=$(stat -c %i "$(agent_dir 3571)/data.mdb")
printf '     data.mdb inode %s, was %s (%s)\n' "$ino1" "$ino0" \
    "$([ "$ino0" = "$ino1" ] && echo "the same number" || echo "another number")"
expect_eq "$(s_restoring 3571)" true \
    "status of the restored store (nothing opened it to write yet): restoring true"
expect_exit 69 ag 3571 suggestion add --channel website --class suggestion \
    --subject "sebelum daemon 1" --text "Teks sebelum daemon"
expect_contains "$ERR" "hub" "the refusal says the records must come back from the hub"
# Refused again, and other writes too, leaving the store as it is
expect_refused 69 "$(agent_dir 3571)" ag 3571 suggestion add --channel website \
    --class suggestion --subject "sebelum daemon 2" --text "Teks sebelum daemon"
expect_refused 69 "$(agent_dir 3571)" ag 3571 rb add --year 2026 --area 3 \
    --activity "Sebelum daemon" --indicator "SOP" --target 1 --unit dokumen
expect_refused 69 "$(agent_dir 3571)" ag 3571 lke answer --year 2026 --item A1.1 --answer Y
expect_refused 69 "$(agent_dir 3571)" ag 3571 suggestion status \
    "$(head -1 "$T/before-3571.ids")" verified --note "sebelum daemon"
# Reading is allowed: the backup's suggestions
expect_eq "$(suggestion_ids 3571 | grep -c .)" 3 "suggestion list still works: the backup's 3"
run ag 3571 status --format json
expect_py "lontar-agent status --format json: restoring true" '
assert d["restoring"] is True, d'
run ag 3571 status
expect_contains "$OUT" "staff writes wait" "lontar-agent status (table) says staff writes wait"
t0=$(now)
agent_start 3571
wait_restored 3571
timing "restored store of 3571 writable again" "$t0"
wait_synced 30 "${OFFICES[@]}"
suggestion_ids 3571 >"$T/back-3571.ids"
expect_eq "$(diff "$T/before-3571.ids" "$T/back-3571.ids" && echo same)" same \
    "the 5 suggestions written after the backup are back at 3571"
add_suggestions 3571 7 "sesudah pemulihan"
expect_exit 0 ag 3571 rb add --year 2026 --area 3 --activity "Sesudah pemulihan" \
    --indicator "SOP" --target 1 --unit dokumen
suggestion_ids 3571 >"$T/after-3571.ids"
expect_eq "$(grep -c . "$T/after-3571.ids")" 15 "8 old and 7 new suggestions at 3571"
expect_eq "$(sort -u "$T/after-3571.ids" | grep -c .)" 15 \
    "no new suggestion took the id of an old one (15 distinct ids)"
expect_eq "$(comm -23 "$T/before-3571.ids" "$T/after-3571.ids" | grep -c .)" 0 \
    "every old suggestion id is still listed"
wait_synced 30 "${OFFICES[@]}"
check_union "${OFFICES[@]}"
# s_old_intact DIR: the store in DIR holds every record 3571 held before
# the restore, each as it was.
s_old_intact () {
    "$PY" -S -E "$T/store.py" snapshot "$1" | "$PY" -S -E -c '
import json, sys
now = json.load(sys.stdin)
before = json.load(open(sys.argv[1]))
changed = sorted(k for k in before if now.get(k) != before[k])
if changed:
    print("%d changed or lost, e.g. %s" % (len(changed), changed[:3]))
    sys.exit(1)
print("%d records as they were" % len(before))' "$T/before-3571.json"
}
if msg=$(s_old_intact "$HUB_DIR"); then
    pass "the hub holds the records of 3571 of before the restore intact: $msg"
else
    fail "records of 3571 at the hub were overwritten after the restore" "$msg"
fi
if msg=$(s_old_intact "$(agent_dir 3571)"); then
    pass "office 3571 holds its records of before the restore intact: $msg"
else
    fail "records of 3571 at the office were overwritten after the restore" "$msg"
fi
# s_all_subjects: every suggestion staff entered is listed at the office
# (and so at the hub) once; none went to the hub's conflicts instead.
s_all_subjects () {
    run ag 3571 suggestion list --format json
    local listed=$OUT
    hub_query conflicts --office 3571
    "$PY" -S -E -c '
import json, sys
listed, conflicts = json.loads(sys.argv[1]), json.loads(sys.argv[2])
subjects = [r["subject"] for r in listed]
want = {"awal %d" % i for i in range(1, 4)} | {"setelah cadangan %d" % i for i in range(1, 6)} \
       | {"sesudah pemulihan %d" % i for i in range(1, 8)}
lost = sorted(want - set(subjects))
if lost or len(subjects) != len(want) or conflicts:
    print("lost: %s; %d listed for %d entered; %d conflicts"
          % (lost, len(subjects), len(want), len(conflicts)))
    sys.exit(1)
' "$listed" "$OUT"
}
if msg=$(s_all_subjects); then
    pass "every suggestion entered at 3571 is there once, no conflict at the hub"
else
    fail "suggestions entered at 3571 were lost or doubled" "$msg"
fi

section "a store that never replicated is not held back"
# Restored from its own backup before it ever met a hub: nothing of it
# can be at the hub, so staff go on writing at once.
repl_agent_init 3573
add_suggestions 3573 3 "awal"
expect_exit 0 ag 3573 backup "$T/early-3573.backup"
add_suggestions 3573 2 "setelah cadangan"
rm -rf "$(agent_dir 3573)"
mkdir "$(agent_dir 3573)"
cp "$T/early-3573.backup" "$(agent_dir 3573)/data.mdb"
expect_eq "$(s_restoring 3573)" false \
    "status of the restored store that never replicated: restoring false"
expect_exit 0 ag 3573 suggestion add --channel website --class suggestion \
    --subject "sesudah pemulihan 1" --text "Teks sesudah pemulihan"
expect_eq "$(suggestion_ids 3573 | grep -c .)" 4 "3 suggestions from the backup and 1 new"
expect_eq "$(s_restoring 3573)" false "status after the write: restoring false"
# A copy of it (another file) is not held back either
cp -r "$(agent_dir 3573)" "$T/a3573-copy"
expect_exit 0 "$AGENT" suggestion add --channel website --class suggestion \
    --subject "salinan 1" --text "Teks salinan" --data "$T/a3573-copy"
rm -rf "$T/a3573-copy"
# It replicates as usual
agent_start 3573
OFFICES+=(3573)
wait_synced 30 "${OFFICES[@]}"
expect_eq "$(s_restoring 3573)" false "3573 after meeting the hub: restoring false"
check_union "${OFFICES[@]}"

# After every integration test the hub's rollups equal a recomputation
# from its records (lontar-hub verify finds no difference).
expect_exit 0 "$HUB" verify --data "$HUB_DIR"

repl_finish
