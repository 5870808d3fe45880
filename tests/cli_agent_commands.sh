# cli_agent_commands.sh - every staff command of lontar-agent, used as a
# user would, in a temporary store (DESIGN.md section 11).
# Run: bash tests/cli_agent_commands.sh BUILD_DIR
. "$(dirname "$0")/lib_cli.sh" "$@"

D=$T/s           # office 3503 (Trenggalek, WIB)
# A CMD...: lontar-agent on the test store.
A () { "$AGENT" "$@" --data "$D"; }
CUR=$YEAR_NOW
PREV=$YEAR_PREV

section "version, help and usage"
expect_exit 0 "$AGENT" -V
expect_match "$OUT" '^lontar-agent [0-9]+\.[0-9]+' "-V prints the name and version"
expect_exit 0 "$AGENT" --version
expect_exit 0 "$AGENT" --help
expect_contains "$OUT" "Exit codes"
expect_eq "$ERR" "" "--help writes nothing to stderr"
expect_exit 64 "$AGENT"
expect_eq "$OUT" "" "no command: usage goes to stderr, not stdout"
expect_contains "$ERR" "Usage:"
for args in "init" "suggestion" "suggestion add" "suggestion list" \
    "suggestion show" "suggestion status" "suggestion respond" \
    "suggestion delete" "rb" "rb add" "rb update" "rb list" "rb delete" "lke" \
    "lke answer" "lke list" "lke delete" "import" "export" "backup" "status" \
    "run"; do
    # shellcheck disable=SC2086
    expect_exit 0 "$AGENT" $args --help
    expect_contains "$OUT" "Usage: lontar-agent ${args%% *}" \
        "'$args --help' prints its usage to stdout"
    expect_eq "$ERR" "" "'$args --help' writes nothing to stderr"
    # shellcheck disable=SC2086
    expect_exit 0 "$AGENT" $args -h
done
expect_exit 64 "$AGENT" frobnicate
expect_contains "$ERR" "frobnicate" "unknown command is named"
expect_exit 64 "$AGENT" suggestion frobnicate
expect_exit 64 "$AGENT" rb frobnicate
expect_exit 64 "$AGENT" lke frobnicate
for args in "init --office 3503" "suggestion list" "suggestion add" "rb list" \
    "rb add" "lke list" "import x.csv" "export" "backup x.mdb" \
    "suggestion delete X" "rb delete X" "lke delete --year 2026 --item A1.1"; do
    # shellcheck disable=SC2086
    expect_exit 64 "$AGENT" $args --no-such-option --data "$T/none"
    expect_eq "$OUT" "" "'$args --no-such-option': nothing on stdout"
done
expect_exit 64 "$AGENT" init
expect_contains "$ERR" "--office"

section "init"
expect_exit 0 "$AGENT" init --office 3503 --data "$D"
expect_contains "$OUT" "3503"
[ -f "$D/data.mdb" ] && pass "init made $D/data.mdb" || fail "init made no data.mdb"
snapshot "$D" "$T/init1"
expect_exit 73 "$AGENT" init --office 3503 --data "$D"
expect_contains "$ERR" "already"
expect_exit 73 "$AGENT" init --office 3320 --data "$D"
snapshot "$D" "$T/init2"
cmp -s "$T/init1" "$T/init2" && pass "a second init leaves the store as it was" \
    || fail "a second init changed the store"
expect_exit 65 "$AGENT" init --office 9999 --data "$T/s9999"
expect_contains "$ERR" "9999" "an unknown office code is named"
[ ! -e "$T/s9999/data.mdb" ] && pass "no store made for an unknown office" \
    || fail "a store was made for office 9999"

section "format words"
for cmd in "suggestion list" "rb list" "lke list"; do
    # shellcheck disable=SC2086
    expect_exit 64 A $cmd --format xml
    expect_contains "$ERR" "xml"
done
for cmd in "suggestion list" "rb list" "lke list"; do
    # shellcheck disable=SC2086
    expect_exit 0 A $cmd
    expect_table "empty '$cmd' is a header and a rule" 0
    # shellcheck disable=SC2086
    expect_exit 0 A $cmd --format json
    expect_py "empty '$cmd' in JSON is []" 'assert d == [], d'
done

section "suggestion add: tracking numbers per year"
expect_exit 0 A suggestion add --channel website --class complaint \
    --subject 'Kotak saran, "rusak"' --text 'Kotak saran di lobi rusak.' \
    --category fasilitas
S1=$OUT
expect_eq "$S1" "3503-$CUR-000001" "the first suggestion of the year is 000001"
expect_exit 0 A suggestion add --channel letter --class suggestion \
    --subject 'Jam layanan' --text 'Mohon layanan dibuka hari Sabtu.' --format json
expect_eq "$OUT" "{\"id\": \"3503-$CUR-000002\"}" "--format json prints {\"id\": ...}"
S2=3503-$CUR-000002
expect_py "the JSON id parses" "assert d['id'] == '$S2', d"
expect_exit 0 A suggestion add --channel suggestion_box --class complaint \
    --subject 'Antrian lama' --text 'Antrian pelayanan terlalu lama.' \
    --received "$PREV-01-06 09:12"
P1=$OUT
expect_eq "$P1" "3503-$PREV-000001" "--received last year gets last year's number"
expect_exit 0 A suggestion add --channel phone --class information_request \
    --subject 'Data DPT' --text 'Minta data DPT per desa.' \
    --received "${PREV}-06-02T14:30"
P2=$OUT
expect_eq "$P2" "3503-$PREV-000002" "last year's second suggestion is 000002"
CONF_TEXT='RAHASIA: petugas meminta imbalan di meja 3'
REP_NAME='Siti Rahayu Wulandari'
REP_CONTACT='0812-7777-3503'
expect_exit 0 A suggestion add --channel in_person --class whistleblowing \
    --subject 'Laporan petugas' --text "$CONF_TEXT" --privacy confidential \
    --reporter-name "$REP_NAME" --reporter-contact "$REP_CONTACT"
C1=$OUT
expect_eq "$C1" "3503-$CUR-000003" "numbers go on in the current year"
PUB_NAME='Bambang Sutrisno Wibowo'
PUB_CONTACT='bambang.sw@example.org'
expect_exit 0 A suggestion add --channel lapor --class suggestion \
    --subject 'Informasi TPS' --text 'Peta lokasi TPS perlu diunggah.' \
    --privacy anonymous --reporter-name "$PUB_NAME" \
    --reporter-contact "$PUB_CONTACT" --received "$CUR-01-02 08:00"
N1=$OUT
expect_eq "$N1" "3503-$CUR-000004" "a back-dated suggestion of this year takes the next number"
expect_exit 0 A suggestion add --channel social_media --class complaint \
    --subject 'Cek lapangan' --text 'Baliho di lokasi terlarang.' --field-check
F1=$OUT
for w in website suggestion_box letter in_person phone lapor social_media; do
    expect_exit 0 A suggestion add --channel "$w" --class suggestion \
        --subject "kanal $w" --text "lewat $w"
done

section "suggestion list"
NSUG=14
expect_exit 0 A suggestion list
expect_table "the table is aligned, one row a suggestion" $NSUG
expect_contains "$OUT" 'Kotak saran, "rusak"' "the subject shows as written"
expect_exit 0 A suggestion list --format csv
expect_eq "$(printf '%s\n' "$OUT" | head -1 | cut -d, -f1-3)" "id,office,year" \
    "the CSV starts with a header"
expect_contains "$OUT" '"Kotak saran, ""rusak"""' \
    "a comma and a quote are quoted as RFC 4180 says"
expect_csv "the CSV parses back to the same subject" "
assert len(rows) == $NSUG, len(rows)
r = [r for r in rows if r['id'] == '$S1'][0]
assert r['subject'] == 'Kotak saran, \"rusak\"', r['subject']
assert r['office'] == '3503' and r['year'] == '$CUR', r"
expect_exit 0 A suggestion list --format json
expect_py "the JSON is an array of objects with the contract's fields" "
assert isinstance(d, list) and len(d) == $NSUG, len(d)
for o in d:
    for k in ('id', 'office', 'status', 'year', 'channel', 'class', 'privacy'):
        assert k in o, (k, o)
    assert isinstance(o['id'], str) and o['office'] == '3503', o
    assert isinstance(o['year'], int), o
by = {o['id']: o for o in d}
o = by['$S1']
assert (o['status'], o['year'], o['channel'], o['class'], o['privacy']) == \
    ('received', $CUR, 'website', 'complaint', 'public'), o
assert o['subject'] == 'Kotak saran, \"rusak\"', o
o = by['$P1']
assert o['year'] == $PREV and o['channel'] == 'suggestion_box', o
assert by['$C1']['privacy'] == 'confidential' and by['$C1']['class'] == 'whistleblowing'
assert by['$N1']['privacy'] == 'anonymous' and by['$N1']['channel'] == 'lapor'
assert by['$F1']['field_check'] is True, by['$F1']
assert sorted({o['channel'] for o in d}) == sorted(['website', 'suggestion_box',
    'letter', 'in_person', 'phone', 'lapor', 'social_media'])"

section "suggestion show"
expect_exit 0 A suggestion show "$S1"
expect_contains "$OUT" "$S1"
expect_contains "$OUT" "Kotak saran di lobi rusak."
expect_contains "$OUT" "History"
expect_exit 0 A suggestion show "$S1" --format json
expect_py "show --format json is one object" "
assert d['id'] == '$S1' and d['status'] == 'received' and d['category'] == 'fasilitas', d"
expect_exit 0 A suggestion show "$P2" --format json
expect_py "--received 2026-06-02T14:30 is kept as local time" "
assert d['received'] == '${PREV}-06-02 14:30', d['received']"

section "suggestion status: the whole legal path"
for st in verified in_progress on_hold in_progress referred "done" archived; do
    expect_exit 0 A suggestion status "$S1" "$st" --note "ke $st"
    expect_match "$OUT" "status: $st" "status prints the record, now $st"
done
expect_exit 0 A suggestion show "$S1"
expect_eq "$(printf '%s\n' "$OUT" | sed -n '/^History:/,$p' | tail -n +4 | awk '{print $1}' | tr '\n' ' ')" \
    "received verified in_progress on_hold in_progress referred done archived " \
    "the history holds every step in order"
expect_contains "$OUT" "ke referred" "the notes are kept"
expect_exit 0 A suggestion status "$P2" verified --format json
expect_py "status --format json prints the changed record" "assert d['status'] == 'verified', d"
expect_exit 0 A suggestion status "$N1" not_our_authority
expect_exit 0 A suggestion status "$F1" archived

section "suggestion status: illegal steps are refused"
expect_exit 65 A suggestion status "$S1" in_progress
expect_contains "$ERR" "archived" "the message names the current status"
expect_contains "$ERR" "in_progress" "the message names the refused status"
expect_exit 65 A suggestion status "$S2" "done"
expect_contains "$ERR" "cannot move from received to done"
expect_exit 65 A suggestion status "$N1" verified
expect_exit 0 A suggestion show "$S2" --format json
expect_py "a refused step leaves the status" "assert d['status'] == 'received', d"
expect_exit 64 A suggestion status "$S2" finished
expect_contains "$ERR" "received, verified" "a bad status word lists the words"
expect_exit 64 A suggestion status "$S2"

section "suggestion respond"
RESP='Terima kasih; mulai bulan depan layanan dibuka hari Sabtu.'
expect_exit 0 A suggestion respond "$S2" --text "$RESP"
expect_contains "$OUT" "$RESP" "respond prints the response"
expect_match "$OUT" "status: done" "respond sets done"
expect_exit 0 A suggestion show "$S2" --format json
expect_py "the response and its time are stored" "
assert d['status'] == 'done' and d['response'] == '''$RESP''', d
assert d['responded'], d"
expect_exit 65 A suggestion respond "$S2" --text 'lagi'
expect_contains "$ERR" "done" "respond on a done suggestion is refused, naming its status"
expect_exit 0 A suggestion respond "$P2" --text 'Data dikirim lewat surel.' --format json
expect_py "respond --format json: done with the response" "
assert d['status'] == 'done' and d['response'] == 'Data dikirim lewat surel.', d"
expect_exit 64 A suggestion respond "$P1"
expect_contains "$ERR" "--text"

section "suggestion list filters"
expect_exit 0 A suggestion list --status archived --format json
expect_py "--status archived" "assert sorted(o['id'] for o in d) == sorted(['$S1', '$F1']), d"
expect_exit 0 A suggestion list --status "done" --format csv
expect_csv "--status done (csv)" "assert sorted(r['id'] for r in rows) == sorted(['$S2', '$P2']), rows"
expect_exit 0 A suggestion list --year "$PREV" --format json
expect_py "--year $PREV" "assert sorted(o['id'] for o in d) == ['$P1', '$P2'], d"
expect_exit 0 A suggestion list --year "$CUR" --format json
expect_py "--year $CUR" "assert len(d) == $NSUG - 2 and all(o['year'] == $CUR for o in d), d"
expect_exit 0 A suggestion list --year 2001 --format json
expect_py "--year with nothing" "assert d == [], d"
expect_exit 0 A suggestion list --open --format json
expect_py "--open: all but done, archived, not_our_authority" "
ids = {o['id'] for o in d}
assert not ids & {'$S1', '$S2', '$P2', '$N1', '$F1'}, ids
assert {'$P1', '$C1'} <= ids and len(ids) == $NSUG - 5, ids
assert all(o['status'] not in ('done', 'archived', 'not_our_authority') for o in d)"
expect_exit 0 A suggestion list --overdue --format json
expect_py "--overdue: the one received long ago and still open" "
assert [o['id'] for o in d] == ['$P1'], d
assert d[0]['overdue'] is True"
expect_exit 0 A suggestion list --overdue --open --year "$PREV"
expect_table "filters combine" 1
expect_exit 0 A suggestion list --status received --year "$CUR" --format json
expect_py "--status with --year" "assert all(o['status'] == 'received' and o['year'] == $CUR for o in d) and len(d) >= 8, d"

section "confidential suggestions and the reporter's identity"
expect_exit 0 A suggestion show "$C1"
expect_contains "$OUT" "$CONF_TEXT" "the office itself can read a confidential text (show)"
expect_exit 0 A suggestion status "$C1" verified
expect_exit 0 A suggestion show "$C1" --format json
expect_py "the confidential text survives a status change" "assert d['text'] == '''$CONF_TEXT''', d"
expect_exit 0 A suggestion list --format json
expect_not_contains "$OUT" "$REP_NAME" "list never shows the reporter's name"
expect_not_contains "$OUT" "$REP_CONTACT" "list never shows the reporter's contact"
expect_exit 0 A export
expect_py "export is JSON" "assert set(d) >= {'suggestions', 'rb', 'lke'}, d.keys()"
for s in "$REP_NAME" "$REP_CONTACT" "$PUB_NAME" "$PUB_CONTACT"; do
    expect_not_contains "$OUT" "$s" "export leaves out the reporter ($s)"
done
expect_not_contains "$OUT" "$CONF_TEXT" "export leaves out the confidential text"
expect_py "export still lists the confidential suggestion, text withheld" "
c = [o for o in d['suggestions'] if o['id'] == '$C1'][0]
assert c['privacy'] == 'confidential' and c['text'] == '', c"
# The CSV export is the import shape, read back by import: it carries a
# confidential text (import refuses one without), never the reporter.
expect_exit 0 A export --kind suggestions --format csv
for s in "$REP_NAME" "$REP_CONTACT" "$PUB_NAME" "$PUB_CONTACT"; do
    expect_not_contains "$OUT" "$s" "the CSV export leaves out \"$s\""
done
expect_exit 0 mdb_dump -p -s log "$D"
expect_contains "$OUT" "Kotak saran" "the replication log holds the public records"
for s in "$CONF_TEXT" "RAHASIA" "$REP_NAME" "$REP_CONTACT" "$PUB_NAME" "$PUB_CONTACT"; do
    expect_not_contains "$OUT" "$s" "the replication log never holds \"$s\""
done
expect_exit 0 records_dump "$D"
expect_contains "$OUT" "Kotak saran" "the records hold the public ones"
for s in "$CONF_TEXT" "$REP_NAME" "$PUB_NAME" "$PUB_CONTACT"; do
    expect_not_contains "$OUT" "$s" "the replicated records never hold \"$s\""
done
expect_exit 0 mdb_dump -p -s private "$D"
expect_contains "$OUT" "$REP_NAME" "the reporter is kept in the office's private data"

section "rb add and list"
expect_exit 0 A rb add --year "$CUR" --area 1 --activity 'Deklarasi RB' \
    --indicator 'Berita acara ditandatangani' --target 1 --unit dokumen \
    --due "$CUR-12-31"
R1=$OUT
expect_match "$R1" "^3503-RB-$CUR-[0-9]+$" "rb add prints the new id"
expect_exit 0 A rb add --year "$CUR" --area 8 --activity 'Kotak saran, "daring"' \
    --indicator 'Kanal tersedia' --target 2.5 --unit kanal --format json
expect_py "rb add --format json prints {\"id\": ...}" "assert list(d) == ['id'], d"
R2=$("$PY" -S -E -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$OUT")
expect_exit 0 A rb add --year "$PREV" --area 3 --activity 'Pelatihan SDM' \
    --indicator 'Pegawai terlatih' --target 20 --unit orang --due "$PREV-06-30" \
    --programme 'Penataan SDM' --sub-activity 'Pelatihan teknis' --person 'Kasubag SDM'
R3=$OUT
expect_exit 0 A rb add --year "$CUR" --area 8 --activity 'SOP layanan' \
    --indicator 'SOP ditetapkan' --target 3 --unit SOP
R4=$OUT
ids="$R1 $R2 $R3 $R4"
expect_eq "$(printf '%s\n' $ids | sort -u | wc -l)" 4 "rb ids are unique"
expect_exit 0 A rb list
expect_table "rb list is an aligned table" 4
expect_exit 0 A rb list --format json
expect_py "rb list JSON fields" "
by = {o['id']: o for o in d}
assert len(by) == 4
for o in d:
    for k in ('id', 'office', 'year', 'area', 'status', 'target', 'realisation', 'unit', 'due', 'evidence'):
        assert k in o, (k, o)
    assert o['office'] == '3503' and o['status'] == 'planned', o
assert by['$R1']['area'] == 1 and by['$R1']['due'] == '$CUR-12-31', by['$R1']
assert by['$R2']['target'] == 2.5 and by['$R2']['activity'] == 'Kotak saran, \"daring\"'
assert by['$R3']['year'] == $PREV and by['$R3']['person'] == 'Kasubag SDM', by['$R3']"
expect_exit 0 A rb list --format csv
expect_contains "$OUT" '"Kotak saran, ""daring"""' "rb CSV quotes as RFC 4180 says"
expect_exit 0 A rb list --area 8 --format json
expect_py "--area 8" "assert sorted(o['id'] for o in d) == sorted(['$R2', '$R4']), d"
expect_exit 0 A rb list --area 8
expect_table "--area 8 as a table" 2
expect_exit 0 A rb list --year "$PREV" --format json
expect_py "--year $PREV" "assert [o['id'] for o in d] == ['$R3'], d"
expect_exit 0 A rb list --area 5 --format json
expect_py "an area with no items" "assert d == [], d"

section "rb update: legal steps and realisation"
expect_exit 0 A rb update "$R1" --status in_progress --realisation 0.5
expect_contains "$OUT" "in_progress"
expect_exit 0 A rb update "$R1" --status "done" --realisation 1 \
    --evidence 'https://jdih.kpu.go.id/ba-deklarasi.pdf' --format json
expect_py "update --format json prints the item" "
assert d['id'] == '$R1' and d['status'] == 'done' and d['realisation'] == 1, d
assert d['evidence'] == 'https://jdih.kpu.go.id/ba-deklarasi.pdf', d"
expect_exit 0 A rb update "$R2" --realisation 1
expect_exit 0 A rb list --format json
expect_py "realisation and progress are listed" "
by = {o['id']: o for o in d}
assert by['$R2']['realisation'] == 1 and abs(by['$R2']['progress'] - 40.0) < 0.01, by['$R2']
assert by['$R2']['status'] == 'planned', by['$R2']
assert by['$R1']['progress'] == 100.0, by['$R1']"
expect_exit 0 A rb list --status "done" --format json
expect_py "--status done" "assert [o['id'] for o in d] == ['$R1'], d"
expect_exit 0 A rb update "$R3" --status cancelled
expect_contains "$OUT" "cancelled" "planned -> cancelled"
expect_exit 0 A rb update "$R1" --status cancelled
expect_contains "$OUT" "cancelled" "done -> cancelled (any -> cancelled)"

section "rb update: illegal steps are refused"
expect_exit 65 A rb update "$R2" --status "done"
expect_contains "$ERR" "planned to done" "planned -> done is refused, both named"
expect_exit 0 A rb update "$R4" --status in_progress
expect_exit 65 A rb update "$R4" --status planned
expect_contains "$ERR" "in_progress to planned"
for change in "--status planned" "--status in_progress" "--status cancelled" \
    "--realisation 2" "--evidence bukti"; do
    # shellcheck disable=SC2086
    expect_exit 65 A rb update "$R3" $change
    expect_contains "$ERR" "cancelled" "a cancelled item cannot change ($change)"
done
expect_exit 64 A rb update "$R2"
expect_contains "$ERR" "something to change"
expect_exit 64 A rb update "$R2" --status finished

section "lke answer and list"
expect_exit 0 A lke answer --year "$CUR" --item A1.1 --answer Y \
    --evidence 'SK Tim RB' --justification 'Tim sudah dibentuk'
L1=$OUT
expect_match "$L1" "A1.1" "lke answer prints an id naming the item"
expect_exit 0 A lke answer --year "$CUR" --item A1.3 --answer C --format json
expect_py "lke answer --format json" "assert 'A1.3' in d['id'], d"
expect_exit 0 A lke answer --year "$CUR" --item A4.1 --answer 75
expect_exit 0 A lke answer --year "$PREV" --item A1.1 --answer T
expect_exit 65 A lke answer --year "$CUR" --item A1.3 --answer E
expect_contains "$ERR" "A, B, C, D" "a bad letter lists the allowed answers"
expect_exit 65 A lke answer --year "$CUR" --item A1.1 --answer B
expect_contains "$ERR" "Y, T" "a YT item lists Y and T"
expect_exit 65 A lke answer --year "$CUR" --item A4.1 --answer 101
expect_contains "$ERR" "0-100"
expect_exit 65 A lke answer --year "$CUR" --item A4.1 --answer -1
expect_exit 65 A lke answer --year "$CUR" --item Z9.9 --answer Y
expect_contains "$ERR" "Z9.9" "an unknown item is named"
expect_exit 64 A lke answer --year "$CUR" --item A1.1
expect_exit 0 A lke list
expect_table "lke list is an aligned table" 4
expect_exit 0 A lke list --year "$CUR" --format json
expect_py "lke list JSON" "
by = {o['item']: o for o in d}
assert sorted(by) == ['A1.1', 'A1.3', 'A4.1'], by
for o in d:
    for k in ('id', 'office', 'year', 'item', 'answer', 'evidence'):
        assert k in o, (k, o)
assert by['A1.1']['answer'] == 'Y' and by['A1.1']['evidence'] == 'SK Tim RB', by['A1.1']
assert by['A1.1']['justification'] == 'Tim sudah dibentuk'
assert by['A1.3']['answer'] == 'C' and str(by['A4.1']['answer']) == '75', d"
expect_exit 0 A lke list --year "$PREV" --format csv
expect_csv "lke list --year $PREV (csv)" "assert [(r['item'], r['answer']) for r in rows] == [('A1.1', 'T')], rows"

section "lke: a re-answer replaces the whole answer"
expect_exit 0 A lke answer --year "$CUR" --item A1.1 --answer T
expect_eq "$OUT" "$L1" "the re-answer keeps the id"
expect_exit 0 A lke list --year "$CUR" --format json
expect_py "new answer, evidence and justification cleared" "
a = [o for o in d if o['item'] == 'A1.1']
assert len(a) == 1, a
a = a[0]
assert a['answer'] == 'T' and a['evidence'] == '' and a['justification'] == '', a"
expect_exit 0 A lke answer --year "$CUR" --item A4.1 --answer 60 --evidence 'Daftar SOP'
expect_exit 0 A lke list --year "$CUR" --format json
expect_py "a re-answer with evidence" "
a = [o for o in d if o['item'] == 'A4.1'][0]
assert str(a['answer']) == '60' and a['evidence'] == 'Daftar SOP', a"

section "delete (hapus): a confidential duplicate, its reporter erased"
DUP_NAME='Pelapor Duplikat Wirosari'
DUP_CONTACT='0812-4444-0013'
DUP_TEXT='RAHASIA duplikat: laporan yang sama dua kali'
expect_exit 0 A suggestion add --channel in_person --class whistleblowing \
    --subject 'Laporan ganda' --text "$DUP_TEXT" --privacy confidential \
    --reporter-name "$DUP_NAME" --reporter-contact "$DUP_CONTACT"
DUP=$OUT
expect_eq "$DUP" "3503-$CUR-000013" "the duplicate takes the next number"
expect_exit 0 mdb_dump -p -s private "$D"
expect_contains "$OUT" "$DUP_NAME" "before the delete, the reporter is in the private data"
expect_exit 0 A status --format json
PENDING=$("$PY" -S -E -c 'import json,sys; print(json.load(sys.stdin)["pending"])' <<<"$OUT")
expect_exit 0 A suggestion delete "$DUP"
expect_eq "$OUT" "deleted suggestion $DUP (Laporan ganda, received)" \
    "delete prints what it deleted"
expect_exit 0 A status --format json
expect_py "the tombstone is one change waiting for the hub" "
assert d['pending'] == $PENDING + 1, (d, $PENDING)"
expect_exit 0 A suggestion list --format json
expect_py "a deleted suggestion leaves the list" "
ids = [o['id'] for o in d]
assert '$DUP' not in ids and len(ids) == $NSUG, ids"
expect_exit 0 A suggestion list --status received
expect_not_contains "$OUT" "$DUP" "nor does it show in a filtered table"
expect_exit 65 A suggestion show "$DUP"
expect_contains "$ERR" "$DUP was deleted" "show of a deleted suggestion says it was deleted"
expect_eq "$OUT" "" "show of a deleted suggestion prints no record"
expect_exit 65 A suggestion status "$DUP" verified
expect_contains "$ERR" "deleted" "a deleted suggestion cannot change status"
expect_exit 65 A suggestion respond "$DUP" --text 'jawaban'
expect_contains "$ERR" "deleted"
expect_exit 65 A suggestion delete "$DUP"
expect_contains "$ERR" "cannot be deleted again" "a second delete is refused"
expect_exit 0 mdb_dump -p -s private "$D"
for x in "$DUP_NAME" "$DUP_CONTACT" "RAHASIA duplikat"; do
    expect_not_contains "$OUT" "$x" "the delete erased \"$x\" from the private data"
done
expect_exit 0 A export
expect_not_contains "$OUT" "$DUP" "export leaves the deleted suggestion out"
expect_exit 0 A export --kind suggestions --format csv
expect_not_contains "$OUT" "Laporan ganda" "the CSV export leaves it out"
expect_exit 0 A suggestion delete "$S2" --format json
expect_py "an answered suggestion can be deleted; JSON says {id, deleted}" "
assert d == {'id': '$S2', 'deleted': True}, d"
expect_exit 0 A suggestion list --status "done" --format json
expect_py "the rest of the done ones stay" "assert [o['id'] for o in d] == ['$P2'], d"
expect_exit 0 A suggestion add --channel website --class suggestion \
    --subject 'Sesudah hapus' --text 'nomor baru'
expect_eq "$OUT" "3503-$CUR-000014" "a deleted number is not given again"

section "delete (hapus): action-plan items"
expect_exit 0 A rb delete "$R3"
expect_eq "$OUT" "deleted action-plan item $R3 (Pelatihan SDM, cancelled)" \
    "a cancelled item can be deleted; delete prints it"
expect_exit 0 A rb delete "$R2" --format json
expect_py "rb delete --format json" "assert d == {'id': '$R2', 'deleted': True}, d"
expect_exit 0 A rb list --format json
expect_py "deleted items leave the list" "
assert sorted(o['id'] for o in d) == sorted(['$R1', '$R4']), d"
expect_exit 0 A rb list --area 8
expect_table "--area 8 shows the one left" 1
expect_exit 65 A rb update "$R2" --realisation 2
expect_contains "$ERR" "deleted" "a deleted item cannot change"
expect_exit 65 A rb delete "$R2"
expect_contains "$ERR" "cannot be deleted again"
expect_exit 0 A export --kind rb --format csv
expect_not_contains "$OUT" "daring" "the CSV export leaves the deleted item out"
expect_not_contains "$OUT" "Pelatihan SDM" "and the deleted cancelled one"

section "rb --due with a time: ISO 8601 as --received takes it, the date counts"
DUES=()
for due in "$CUR-03-01" "$CUR-03-01 09:12" "$CUR-03-01T09:12" "$CUR-03-01 23:59:59"; do
    expect_exit 0 A rb add --year "$CUR" --area 2 --activity 'Tenggat berjam' \
        --indicator 'Tepat waktu' --target 1 --unit kali --due "$due"
    DUES+=("$OUT")
done
expect_exit 0 A rb list --area 2 --format json
expect_py "the forms with a time give the due date of the date alone" "
by = {o['id']: o['due'] for o in d}
assert len(by) == 4 and set(by.values()) == {'$CUR-03-01'}, by"
expect_exit 0 A rb update "${DUES[0]}" --due "$CUR-04-02 07:30" --format json
expect_py "rb update --due with a time sets the date" "assert d['due'] == '$CUR-04-02', d"
expect_exit 0 A rb update "${DUES[1]}" --due "$CUR-04-02T23:59" --format json
expect_py "and with a T" "assert d['due'] == '$CUR-04-02', d"
for bad in "$CUR-03-01 24:00" "$CUR-03-01 09:60" "$CUR-03-01 9:12" "$CUR-03-01T" \
    "$CUR-03-01 09:12Z" "$CUR-02-30 09:12" "$CUR-03-01  09:12"; do
    expect_refused 64 "$D" A rb add --year "$CUR" --area 2 --activity 'Salah' \
        --indicator 'Salah' --target 1 --unit kali --due "$bad"
    expect_contains "$ERR" "--due \"$bad\" is not a date" "a bad due date is named: $bad"
    expect_refused 64 "$D" A rb update "${DUES[2]}" --due "$bad"
done

section "delete (hapus): an LKE answer withdrawn, then given again"
expect_exit 0 A lke delete --year "$CUR" --item A1.3
expect_eq "$OUT" "deleted LKE answer 3503-LKE-$CUR-A1.3 (answer C)" "lke delete prints it"
expect_exit 0 A lke list --year "$CUR" --format json
expect_py "the withdrawn answer leaves the list" "
assert sorted(o['item'] for o in d) == ['A1.1', 'A4.1'], d"
expect_exit 65 A lke delete --year "$CUR" --item A1.3
expect_contains "$ERR" "3503-LKE-$CUR-A1.3 was deleted" "a second delete names the answer"
expect_exit 0 A lke answer --year "$CUR" --item A1.3 --answer B --evidence 'Laporan baru'
expect_eq "$OUT" "3503-LKE-$CUR-A1.3" "the item can be answered again, under the same id"
expect_exit 0 A lke list --year "$CUR" --format json
expect_py "the new answer is listed, not the old one" "
a = [o for o in d if o['item'] == 'A1.3']
assert len(a) == 1 and a[0]['answer'] == 'B' and a[0]['evidence'] == 'Laporan baru', a"
expect_exit 0 A lke delete --year "$PREV" --item A1.1 --format json
expect_py "lke delete --format json" "assert d == {'id': '3503-LKE-$PREV-A1.1', 'deleted': True}, d"
expect_exit 0 A export
expect_py "export: the withdrawn answer is out, the others in" "
assert sorted((o['year'], o['item']) for o in d['lke']) == \
    [($CUR, 'A1.1'), ($CUR, 'A1.3'), ($CUR, 'A4.1')], d['lke']"
expect_exit 64 A lke delete --item A1.1
expect_contains "$ERR" "--year"
expect_exit 64 A lke delete --year "$CUR"
expect_exit 64 A lke delete --year "$CUR" --item A1.1 A4.1
expect_exit 64 A suggestion delete
expect_exit 64 A suggestion delete "$S1" "$P1"
expect_exit 64 A rb delete

section "status without a daemon"
expect_exit 0 A status
expect_contains "$OUT" "3503"
expect_exit 0 A status --format json
expect_py "status JSON: pending and hub_reachable" "
assert d['hub_reachable'] is False, d
assert isinstance(d['pending'], int) and d['pending'] > 0, d
assert d['pending'] == d['log_head'], d"

section "the stock LMDB tools read the store"
expect_exit 0 mdb_stat -a "$D"
expect_exit 0 mdb_dump -a "$D"

finish
