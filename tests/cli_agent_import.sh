# cli_agent_import.sh - lontar-agent import, export and backup with the
# sample files of common/data, as an office (3320 Jepara) would use them.
# Run: bash tests/cli_agent_import.sh BUILD_DIR
. "$(dirname "$0")/lib_cli.sh" "$@"

SUG=$LONTAR_REF/sample-suggestions.csv
PLAN=$LONTAR_REF/sample-action-plan.csv
D=$T/s
A () { "$AGENT" "$@" --data "$D"; }
# rows of office 3320 and of the others in a sample file
rows_of () { grep -v '^#' "$1" | grep -c "^$2,"; }
others_of () { grep -v '^#' "$1" | grep -vc "^$2,"; }

section "import the samples into office 3320"
expect_exit 0 "$AGENT" init --office 3320 --data "$D"
NS=$(rows_of "$SUG" 3320)
NSO=$(others_of "$SUG" 3320)
NP=$(rows_of "$PLAN" 3320)
NPO=$(others_of "$PLAN" 3320)
expect_exit 0 A import "$SUG"
expect_eq "$OUT" "imported $NS, skipped $NSO of other offices, refused 0" \
    "suggestions: the office's rows in, the others skipped"
expect_exit 0 A import "$PLAN"
expect_eq "$OUT" "imported $NP, skipped $NPO of other offices, refused 0" \
    "action plan: the office's rows in, the others skipped"
expect_exit 0 A suggestion list
expect_table "the imported suggestions as a table" "$NS"
expect_exit 0 A suggestion list --format json
expect_py "imported suggestions keep their fields" "
assert len(d) == $NS and all(o['office'] == '3320' for o in d), d
by = {o['subject']: o for o in d}
o = by['Ruang tunggu']
assert o['id'] == '3320-2020-000001' and o['received'] == '2020-09-01 09:12', o
assert (o['channel'], o['class'], o['category'], o['privacy']) == \
    ('suggestion_box', 'suggestion', 'facilities', 'public'), o
assert by['Jadwal tahapan']['privacy'] == 'anonymous'
assert all(o['year'] == 2020 and o['status'] == 'received' for o in d)"
expect_exit 0 A rb list
expect_table "the imported action plan as a table" "$NP"
expect_exit 0 A rb list --format json
expect_py "imported items keep status, realisation and evidence" "
assert len(d) == $NP and all(o['office'] == '3320' for o in d), d
by = {o['activity']: o for o in d}
o = by['Layanan data kepemiluan digital']
assert (o['area'], o['target'], o['realisation'], o['unit'], o['status'], o['due']) == \
    (8, 100, 60, 'persen', 'in_progress', '2020-12-31'), o
assert by['Deklarasi reformasi birokrasi dan penandatanganan ikrar']['evidence'] \
    == 'Berita acara deklarasi RB 12 Agustus'"
expect_exit 0 A rb list --area 8 --format csv
expect_csv "--area 8 of the imported plan" "
assert len(rows) == $(grep -v '^#' "$PLAN" | grep -c '^3320,2020,8,') and all(r['area'] == '8' for r in rows), rows"

section "import --keep-going of a clean file is the same import"
expect_exit 0 "$AGENT" init --office 3320 --data "$T/k"
expect_exit 0 "$AGENT" import --keep-going "$SUG" --data "$T/k"
expect_eq "$OUT" "imported $NS, skipped $NSO of other offices, refused 0" "--keep-going, nothing bad"
expect_exit 0 "$AGENT" import "$PLAN" --keep-going --data "$T/k"
expect_exit 0 "$AGENT" rb list --data "$T/k" --format json
expect_py "the same items" "assert len(d) == $NP, d"

section "import of LKE answers"
cat >"$T/lke.csv" <<'EOF'
office,year,item,answer,evidence,justification
# LKE answers of 2020
3320,2020,A1.1,Y,SK Tim RB 2020,"Tim dibentuk, SK ditandatangani"
3320,2020,A1.3,B,,
3320,2020,A4.1,80,Daftar SOP,
3503,2020,A1.1,T,,
EOF
expect_exit 0 A import "$T/lke.csv"
expect_eq "$OUT" "imported 3, skipped 1 of other offices, refused 0" "LKE answers imported"
expect_exit 0 A lke list --format json
expect_py "the imported answers" "
by = {o['item']: o for o in d}
assert sorted(by) == ['A1.1', 'A1.3', 'A4.1'], by
assert by['A1.1']['answer'] == 'Y' and by['A1.1']['justification'] == 'Tim dibentuk, SK ditandatangani'
assert str(by['A4.1']['answer']) == '80' and by['A4.1']['evidence'] == 'Daftar SOP'"

section "export"
expect_exit 0 A export
expect_py "export is one JSON object with every kind" "
assert d['office'] == '3320', d.get('office')
assert len(d['suggestions']) == $NS and len(d['rb']) == $NP and len(d['lke']) == 3, d
for k in ('suggestions', 'rb', 'lke'):
    for o in d[k]:
        assert o['office'] == '3320' and isinstance(o['id'], str), o"
expect_exit 0 A export --format json
expect_py "export --format json is the same" "assert len(d['rb']) == $NP"
expect_exit 0 A export --kind rb --format csv
cp "$T/.out" "$T/rb.csv"
expect_exit 0 A export --kind lke --format csv
cp "$T/.out" "$T/lke-out.csv"
expect_exit 0 A export --kind suggestions --format csv
cp "$T/.out" "$T/sug-out.csv"
expect_exit 64 A export --kind nothing --format csv
expect_exit 64 A export --format csv
expect_contains "$ERR" "--kind"

section "export --kind rb --format csv, re-imported, gives the same plan"
expect_exit 0 "$AGENT" init --office 3320 --data "$T/r"
expect_exit 0 "$AGENT" import "$T/rb.csv" --data "$T/r"
expect_eq "$OUT" "imported $NP, skipped 0 of other offices, refused 0" "the exported plan imports"
# Compare every field but the time of the last update.
strip='import json,sys; d=json.load(sys.stdin); [o.pop("updated", None) for o in d]; print(json.dumps(d, sort_keys=True, indent=1))'
A rb list --format json | "$PY" -c "$strip" >"$T/rb-a.json"
"$AGENT" rb list --format json --data "$T/r" | "$PY" -c "$strip" >"$T/rb-b.json"
if cmp -s "$T/rb-a.json" "$T/rb-b.json" && [ -s "$T/rb-a.json" ]; then
    pass "rb list of the re-imported store equals the original"
else
    fail "rb list differs after export and import"
    diff "$T/rb-a.json" "$T/rb-b.json" | head -20 | sed 's/^/       d /'
fi
expect_exit 0 "$AGENT" import "$T/lke-out.csv" --data "$T/r"
expect_exit 0 "$AGENT" lke list --format csv --data "$T/r"
expect_csv "LKE answers survive export and import" "
got = sorted((r['item'], r['answer'], r['evidence'], r['justification']) for r in rows)
assert got == [('A1.1', 'Y', 'SK Tim RB 2020', 'Tim dibentuk, SK ditandatangani'),
               ('A1.3', 'B', '', ''), ('A4.1', '80', 'Daftar SOP', '')], got"

section "export --kind suggestions --format csv, re-imported"
# The export must read back, as 'export --help' promises, a confidential
# suggestion too (with its text, which stays in the office's private
# data); the reporter is never exported.
expect_exit 0 A suggestion add --channel letter --class whistleblowing \
    --subject 'Laporan' --text 'RAHASIA isi laporan' --privacy confidential \
    --received '2020-11-02 10:00' --reporter-name 'Nama Pelapor'
expect_exit 0 A export --kind suggestions --format csv
cp "$T/.out" "$T/sug-out.csv"
expect_not_contains "$OUT" "Nama Pelapor" "the reporter is not exported"
expect_exit 0 "$AGENT" init --office 3320 --data "$T/q"
expect_exit 0 "$AGENT" import "$T/sug-out.csv" --data "$T/q"
expect_eq "$OUT" "imported $((NS + 1)), skipped 0 of other offices, refused 0" \
    "the exported suggestions import"
expect_exit 0 "$AGENT" suggestion list --format json --data "$T/q"
expect_py "every suggestion comes back" "
assert len(d) == $NS + 1, len(d)
assert sorted(o['subject'] for o in d) == sorted(['Ruang tunggu', 'Data pemilih per desa',
    'Jadwal tahapan', 'Antrian layanan', 'Laporan']), d
c = [o for o in d if o['subject'] == 'Laporan'][0]
assert c['privacy'] == 'confidential' and c['text'] == '', c"
expect_exit 0 "$AGENT" suggestion show 3320-2020-000005 --data "$T/q"
expect_contains "$OUT" "RAHASIA isi laporan" "the re-imported confidential text is kept, privately"
expect_exit 0 mdb_dump -p -s log "$T/q"
expect_not_contains "$OUT" "RAHASIA" "and it is not in the re-imported store's log"

section "backup"
expect_exit 0 A backup "$T/b1.mdb"
[ -s "$T/b1.mdb" ] && pass "the backup file is written" || fail "no backup file"
mkdir "$T/restored"
cp "$T/b1.mdb" "$T/restored/data.mdb"
expect_exit 0 "$AGENT" rb list --data "$T/restored" --format json
expect_py "the backup opens and holds the plan" "assert len(d) == $NP, len(d)"
"$AGENT" rb list --data "$T/restored" >"$T/rb-restored.txt" 2>&1
A rb list >"$T/rb-live.txt" 2>&1
cmp -s "$T/rb-restored.txt" "$T/rb-live.txt" && pass "rb list of the backup equals the live store's" \
    || fail "rb list of the backup differs"
expect_exit 0 "$AGENT" suggestion list --data "$T/restored" --format json
expect_py "the backup holds the suggestions" "assert len(d) == $NS + 1, len(d)"
expect_exit 0 mdb_stat -a "$T/restored"
expect_exit 0 "$AGENT" suggestion add --channel website --class suggestion \
    --subject 'setelah pemulihan' --text 'x' --data "$T/restored"
expect_eq "$OUT" "3320-$YEAR_NOW-000001" "the restored store takes new records"
cksum <"$T/b1.mdb" >"$T/b1.sum"
expect_exit 73 A backup "$T/b1.mdb"
expect_contains "$ERR" "b1.mdb" "the existing file is named"
cksum <"$T/b1.mdb" | cmp -s - "$T/b1.sum" && pass "an existing backup file is left as it was" \
    || fail "backup overwrote an existing file"
expect_exit 74 A backup "$T/no/such/folder/b.mdb"
expect_exit 64 A backup

finish
