# cli_repl_ref.sh - reference data as data: `lontar-hub instrument load`
# and `lontar-hub reference load` store a part in the hub's store and send
# it down to every office. A second instrument and an instrument-years
# assignment change which items an office-year may answer (at the office
# and at the hub, both reloading); bad files are refused with their line
# and field and change no store; an SLA table that comes down changes the
# due dates an office shows; an office that joins later gets it all; and
# the hub's rollups still equal its records at the end.
# Run by CTest as `bash tests/cli_repl_ref.sh BINDIR`.
. "$(dirname "$0")/lib_repl.sh" "$@"

OFFICES=(3503 3512)
SHIPPED=$LONTAR_REF/instrument-permenpanrb-26-2020-pemenuhan.csv

# ref_value DIR PART: the exact text of a reference part in a store (from
# mdb_dump's hex form), or "<absent>".
ref_value () {
    mdb_dump -s ref "$1" 2>/dev/null | "$PY" -S -E -c '
import sys
lines = [l.strip() for l in sys.stdin]
body = lines[lines.index("HEADER=END") + 1:lines.index("DATA=END")]
parts = {bytes.fromhex(body[i]).decode(): bytes.fromhex(body[i + 1])
         for i in range(0, len(body), 2)}
sys.stdout.buffer.write(parts.get(sys.argv[1], b"<absent>"))' "$2"
}

# s_part_is OFFICE PART FILE: the office's store holds FILE's text as PART.
s_part_is () { [ "$(ref_value "$(agent_dir "$1")" "$2")" = "$(cat "$3")" ]; }

# expect_part TIMEOUT OFFICE PART FILE: waits until the part came down;
# also shows it in mdb_dump's printable form of the office's ref database.
expect_part () {
    if wait_until "$1" s_part_is "$2" "$3" "$4"; then
        pass "agent $2 holds $3 as in $(basename "$4") (within $1 s)"
    else
        fail "agent $2 does not hold $3 as in $(basename "$4") within $1 s" \
            "it holds: $(ref_value "$(agent_dir "$2")" "$3" | head -3)"
    fi
    if mdb_dump -p -s ref "$(agent_dir "$2")" | grep -qxF " $3"; then
        pass "mdb_dump -p -s ref of agent $2 lists $3"
    else
        fail "mdb_dump -p -s ref of agent $2 does not list $3"
    fi
}

# s_due OFFICE ID: "verify_due resolve_due" of a suggestion, from
# `suggestion list --format json`.
s_due () {
    ag "$1" suggestion list --format json 2>/dev/null | "$PY" -S -E -c '
import json, sys
r = [r for r in json.load(sys.stdin) if r["id"] == sys.argv[1]][0]
print(r["verify_due"], r["resolve_due"])' "$2"
}
s_due_is () { [ "$(s_due "$1" "$2")" = "$3" ]; }

# replicated OFFICE FILE: what the hub could change in an office's store
# (its reference parts, records and log), printable. The rest of meta
# moves on its own: the daemon writes how far the hub acknowledged lazily.
replicated () {
    local db
    for db in ref records log; do
        mdb_dump -p -s "$db" "$(agent_dir "$1")"
        echo "== $db rc $?"
    done >"$2" 2>&1
}

# The second instrument: the 2020 one with other weights in area 5 (A5.4
# weighs 4 instead of 6) and an item A5.9 that only it has; area 5's
# relative weights still add up to 15, so scores stay exact.
NEW=$T/instrument-kpu-2026.csv
sed 's/^A5\.4,A5,item,5,6,/A5.4,A5,item,5,4,/' "$SHIPPED" >"$NEW"
echo "A5.9,A5,item,5,2,YT,Survei budaya kerja pegawai" >>"$NEW"
# Bad ones, each from the 2020 file with one fault.
sed 's/^A1\.2,A1,/A1.2,A9,/' "$SHIPPED" >"$T/instrument-no-parent.csv"
sed 's/^A1\.3,A1,item,1,2,/A1.3,A1,item,1,dua,/' "$SHIPPED" >"$T/instrument-bad-weight.csv"
sed 's/^A1\.4,A1,item,1,1,ABC,/A1.4,A1,item,1,1,,/' "$SHIPPED" >"$T/instrument-no-type.csv"
sed 's/^A1\.4,A1,item,1,1,ABC,/A1.4,A1,item,1,1,XYZ,/' "$SHIPPED" >"$T/instrument-odd-type.csv"
printf 'year,office,instrument\n2026,3503,kpu-2026\n' >"$T/years.csv"
printf 'year,office,instrument\n2026,3503,kpu-2027\n' >"$T/years-unknown.csv"

# s_lke OFFICE: the office's 2026 LKE score, verified score and max in the
# hub's rollup, "-" for null.
s_lke () {
    hub_query rollup --year 2026 --office "$1"
    "$PY" -S -E -c '
import json, sys
l = json.loads(sys.argv[1])["offices"][0]["lke"]
print(" ".join("-" if l[k] is None else "%.2f" % l[k]
               for k in ("score", "verified_score", "max")))' "$OUT"
}

repl_hub_init
for o in "${OFFICES[@]}"; do repl_agent_init "$o"; done
hub_start
for o in "${OFFICES[@]}"; do agent_start "$o"; done

section "before: the 2020 instrument everywhere, the shipped SLA"
expect_refused 65 "$(agent_dir 3503)" ag 3503 lke answer --year 2026 --item A5.9 --answer Y
expect_contains "$ERR" "A5.9" "the refusal names the item"
expect_exit 0 ag 3503 lke answer --year 2026 --item A5.4 --answer B --evidence "SK"
run ag 3503 suggestion add --channel letter --class suggestion --subject "Antrean" \
    --text "Antrean terlalu panjang" --received "2026-03-02 09:00" --format json
SUGG=$("$PY" -S -E -c 'import json, sys; print(json.loads(sys.argv[1])["id"])' "$OUT")
expect_eq "$(s_due 3503 "$SUGG")" "2026-03-05 2026-03-16" \
    "due dates under the shipped SLA: verify 3 working days, resolve 14 calendar days"
wait_synced 20 "${OFFICES[@]}"
# A5.4 weighs 6 of area 5's 15 under the 2020 instrument: 5 x 6/15 x 0.67.
expect_eq "$(s_lke 3503)" "1.34 - 20.00" \
    "3503's 2026 LKE score under the 2020 instrument: A5.4 = B gives 1.34 of 20"

section "bad files are refused with file, line and field; no store changes"
for o in "${OFFICES[@]}"; do replicated "$o" "$T/agent-$o-before"; done
expect_refused 65 "$HUB_DIR" "$HUB" instrument load "$T/instrument-no-parent.csv" --data "$HUB_DIR"
expect_contains "$ERR" "instrument-no-parent.csv: instrument/no-parent line 9: parent A9" \
    "missing parent: the message names file, line and parent"
expect_refused 65 "$HUB_DIR" "$HUB" instrument load "$T/instrument-bad-weight.csv" --data "$HUB_DIR"
expect_contains "$ERR" "line 10: weight \"dua\" of node A1.3" \
    "non-numeric weight: the message names line and weight"
expect_refused 65 "$HUB_DIR" "$HUB" instrument load "$T/instrument-no-type.csv" --data "$HUB_DIR"
expect_contains "$ERR" "line 11: item A1.4 has no answer_type" \
    "item without an answer type: the message names line and answer_type"
expect_refused 65 "$HUB_DIR" "$HUB" instrument load "$T/instrument-odd-type.csv" --data "$HUB_DIR"
expect_contains "$ERR" "line 11: answer_type \"XYZ\"" \
    "an answer type answer-types does not define is refused"
expect_refused 65 "$HUB_DIR" "$HUB" instrument load \
    "$LONTAR_REF/instrument-permenpanrb-14-2014.csv" --data "$HUB_DIR"
expect_contains "$ERR" "cannot be scored" "an instrument that cannot be scored is refused"
expect_refused 65 "$HUB_DIR" "$HUB" reference load instrument-years "$T/years-unknown.csv" \
    --data "$HUB_DIR"
expect_contains "$ERR" "instrument kpu-2027 is not loaded" \
    "instrument-years naming an instrument not loaded is refused"
expect_refused 64 "$HUB_DIR" "$HUB" instrument load "$T/years.csv" --data "$HUB_DIR"
expect_refused 64 "$HUB_DIR" "$HUB" reference load weather "$T/years.csv" --data "$HUB_DIR"
expect_refused 74 "$HUB_DIR" "$HUB" instrument load "$T/instrument-none.csv" --data "$HUB_DIR"
for o in "${OFFICES[@]}"; do
    replicated "$o" "$T/agent-$o-after"
    if cmp -s "$T/agent-$o-before" "$T/agent-$o-after"; then
        pass "agent $o: reference parts, records and log unchanged (mdb_dump)"
    else
        fail "agent $o's store changed while the hub refused every file" \
            "$(diff "$T/agent-$o-before" "$T/agent-$o-after" | head -10)"
    fi
done

section "a second instrument and an assignment come down"
t0=$(now)
expect_exit 0 "$HUB" instrument load "$NEW" --data "$HUB_DIR"
expect_contains "$OUT" "instrument/kpu-2026" "load says which part"
expect_exit 0 "$HUB" reference load instrument-years "$T/years.csv" --data "$HUB_DIR"
expect_part 20 3503 instrument-years "$T/years.csv"
expect_part 20 3503 instrument/kpu-2026 "$NEW"
timing "instrument and assignment from load to the office's store" "$t0"
expect_part 20 3512 instrument/kpu-2026 "$NEW"
# Nothing of the refused files came down before these (the log is in order).
parts=$(mdb_dump -p -s ref "$(agent_dir 3503)" | sed -n '/^HEADER=END$/,/^DATA=END$/p' \
    | sed -n '2~2p' | grep -v '^DATA=END$' | tr -d ' ' | tr '\n' ' ')
expect_eq "$parts" "answer-types areas grade-bands holidays instrument-years instrument/kpu-2026 instrument/permenpanrb-14-2014 instrument/permenpanrb-26-2020-pemenuhan offices provinces sla " \
    "agent 3503 holds the shipped parts and the two loaded, no refused one"
run "$HUB" reference list --data "$HUB_DIR" --format json
expect_py "reference list: both parts sent down, the shipped ones not" '
rows = {r["part"]: r for r in d}
assert rows["instrument/kpu-2026"]["sent_down"] is True, rows
assert rows["instrument-years"]["sent_down"] is True, rows
assert rows["sla"]["sent_down"] is False, rows'
expect_exit 0 "$HUB" instrument load "$NEW" --data "$HUB_DIR"
expect_contains "$OUT" "nothing changed" "loading the same text again changes nothing"
if wait_until 10 grep -q "reference data reloaded" "$(hub_log)"; then
    pass "the hub daemon reloaded its reference data"
else
    fail "the hub daemon did not log a reload"
fi

section "the office-year uses the new instrument"
# Mid-year the office-year changed instrument: answers given under the old
# one no longer count (the office answers again, and lke list shows each
# answer's instrument).
expect_eq "$(s_lke 3503)" "- - 20.00" \
    "after the change of instrument 3503 has no 2026 answer under kpu-2026 yet"
expect_exit 0 ag 3503 lke answer --year 2026 --item A5.9 --answer Y --evidence "Laporan survei"
run ag 3503 lke list --year 2026 --format json
expect_py "3503's 2026 answer to A5.9 is under kpu-2026" '
r = [r for r in d if r["item"] == "A5.9"][0]
assert r["instrument"] == "kpu-2026", r'
expect_refused 65 "$(agent_dir 3512)" ag 3512 lke answer --year 2026 --item A5.9 --answer Y
expect_refused 65 "$(agent_dir 3503)" ag 3503 lke answer --year 2025 --item A5.9 --answer Y
expect_exit 0 ag 3503 lke answer --year 2026 --item A5.4 --answer A
expect_exit 0 ag 3512 lke answer --year 2026 --item A5.4 --answer A
wait_synced 20 "${OFFICES[@]}"
check_union "${OFFICES[@]}"
for o in "${OFFICES[@]}"; do
    expect_eq "$(offices_field "$o" dead_letters)" 0 \
        "the hub took every change of $o (it validates against the new instrument)"
done
expect_exit 0 "$HUB" lke verify 3503 2026 A5.9 T --note "belum ada survei" --data "$HUB_DIR"
# Under kpu-2026 A5.4 weighs 4 of 15 and A5.9 2 of 15: 5 x 4/15 + 5 x 2/15;
# the province verified A5.9 only, as T.
expect_eq "$(s_lke 3503)" "2.00 0.00 20.00" \
    "3503's 2026 LKE score under kpu-2026: A5.4 = A and A5.9 = Y give 2.00, verified 0.00"

section "a new SLA table comes down and moves the due dates"
sed 's/^suggestion,3,working,14,calendar/suggestion,5,working,30,calendar/' \
    "$LONTAR_REF/sla-defaults.csv" >"$T/sla.csv"
t0=$(now)
expect_exit 0 "$HUB" reference load sla "$T/sla.csv" --data "$HUB_DIR"
expect_contains "$OUT" "rollups recomputed" "the SLA load recomputes the hub's rollups"
if wait_until 20 s_due_is 3503 "$SUGG" "2026-03-09 2026-04-01"; then
    pass "3503 shows due dates under the new SLA: 5 working days, 30 calendar days"
    timing "SLA from load to the office's suggestion list" "$t0"
else
    fail "3503's due dates did not follow the new SLA within 20 s" "got: $(s_due 3503 "$SUGG")"
fi
expect_part 20 3512 sla "$T/sla.csv"

section "an office that joins later gets the hub's reference data"
repl_agent_init 3504
agent_start 3504
expect_part 20 3504 instrument-years "$T/years.csv"
expect_part 20 3504 sla "$T/sla.csv"
expect_exit 0 ag 3504 lke answer --year 2026 --item A5.4 --answer C
expect_refused 65 "$(agent_dir 3504)" ag 3504 lke answer --year 2026 --item A5.9 --answer Y
wait_synced 20 3503 3512 3504
check_union 3503 3512 3504

section "the hub after a restart; rollups equal the records"
hub_stop
hub_start
expect_exit 0 ag 3512 suggestion add --channel website --class suggestion \
    --subject "Setelah mulai ulang" --text "Teks"
wait_synced 20 3503 3512 3504
check_province 3503 3512 3504
expect_exit 0 "$HUB" verify --data "$HUB_DIR"

repl_finish
