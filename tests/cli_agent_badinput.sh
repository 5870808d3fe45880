# cli_agent_badinput.sh - refused input leaves the store byte-for-byte as
# it was (mdb_dump of every database and the data file's checksum before
# and after), with the exit code of DESIGN.md section 11 and a message.
# Also: output that cannot be written exits 74 and says so (a write it
# printed for is stored all the same).
# Run: bash tests/cli_agent_badinput.sh BUILD_DIR
. "$(dirname "$0")/lib_cli.sh" "$@"

D=$T/s
A () { "$AGENT" "$@" --data "$D"; }
# R CODE CMD...: refused with CODE, store unchanged.
R () { local code=$1; shift; expect_refused "$code" "$D" "$AGENT" "$@" --data "$D"; }
CUR=$YEAR_NOW
ADD=(suggestion add --channel website --class complaint --text 'isi')

section "a store with a few records"
expect_exit 0 "$AGENT" init --office 3503 --data "$D"
expect_exit 0 A "${ADD[@]}" --subject 'pertama'
S1=$OUT
expect_exit 0 A rb add --year "$CUR" --area 1 --activity 'Deklarasi' \
    --indicator 'BA' --target 1 --unit dokumen
RB1=$OUT
expect_exit 0 A rb update "$RB1" --status cancelled
expect_exit 0 A lke answer --year "$CUR" --item A1.1 --answer Y

section "suggestion add: bad words and fields"
R 64 suggestion add --channel fax --class complaint --subject s --text t
expect_contains "$ERR" "website, suggestion_box" "a bad channel lists the channels"
R 64 suggestion add --channel website --class gripe --subject s --text t
expect_contains "$ERR" "information_request" "a bad class lists the classes"
R 64 "${ADD[@]}" --subject s --privacy secret
expect_contains "$ERR" "confidential" "a bad privacy lists the words"
R 64 "${ADD[@]}" --subject "$(printf '%0201d' 0)"
expect_contains "$ERR" "200" "a long subject names the limit"
R 64 "${ADD[@]}" --subject "$(printf 'é%.0s' $(seq 101))"
expect_exit 0 A "${ADD[@]}" --subject "$(printf '%0200d' 0)"
S2=$OUT
pass "a subject of exactly 200 bytes is taken ($S2)"
R 65 "${ADD[@]}" --subject "$(printf 'bad \xff byte')"
expect_contains "$ERR" "UTF-8" "invalid UTF-8 in --subject is named"
R 65 suggestion add --channel website --class complaint --subject s \
    --text "$(printf 'cut \xc3')"
R 65 "${ADD[@]}" --subject s --reporter-name "$(printf '\xfe\xff')"
R 65 "${ADD[@]}" --subject ''
R 64 "${ADD[@]}" --subject s --received 2026-02-30
expect_contains "$ERR" "2026-02-30" "the bad date is named"
R 64 "${ADD[@]}" --subject s --received yesterday
R 64 "${ADD[@]}" --subject s --received '2026-03-01 25:00'
R 64 "${ADD[@]}" --subject s --received '01/03/2026'
R 64 suggestion add --channel website --class complaint --subject s
R 64 "${ADD[@]}" --subject s --category "$(printf '%065d' 0)"
R 64 "${ADD[@]}" --subject s extra-argument

section "rb add and update: bad numbers and dates"
RBA=(rb add --activity a --indicator i --unit u)
R 64 "${RBA[@]}" --year 1999 --area 1 --target 1
R 64 "${RBA[@]}" --year 20x6 --area 1 --target 1
R 64 "${RBA[@]}" --year "$CUR" --area 9 --target 1
expect_contains "$ERR" "1 to 8" "a bad area gives the range"
R 64 "${RBA[@]}" --year "$CUR" --area 0 --target 1
R 64 "${RBA[@]}" --year "$CUR" --area one --target 1
R 65 "${RBA[@]}" --year "$CUR" --area 1 --target 0
R 64 "${RBA[@]}" --year "$CUR" --area 1 --target -3
R 64 "${RBA[@]}" --year "$CUR" --area 1 --target abc
R 64 "${RBA[@]}" --year "$CUR" --area 1 --target 1.23456
R 64 "${RBA[@]}" --year "$CUR" --area 1 --target 1 --due 2026-13-01
R 64 "${RBA[@]}" --year "$CUR" --area 1 --target 1 --due 2026-02-30
R 64 "${RBA[@]}" --year "$CUR" --area 1 --target 1 --due tomorrow
R 64 rb add --year "$CUR" --area 1 --activity a --unit u --target 1
R 64 rb update "$RB1" --realisation -1
R 64 rb update "$RB1" --realisation lots
R 64 rb update "$RB1" --due 31-12-2026
R 65 rb update "$RB1" --evidence 'bukti'
R 64 rb list --area 9
R 64 rb list --year 26

section "lke answer: bad answers and items"
R 65 lke answer --year "$CUR" --item A1.3 --answer E
R 65 lke answer --year "$CUR" --item A1.1 --answer y
R 65 lke answer --year "$CUR" --item A4.1 --answer 100.5
R 65 lke answer --year "$CUR" --item A4.1 --answer abc
R 65 lke answer --year "$CUR" --item NOPE --answer Y
R 64 lke answer --year 1900 --item A1.1 --answer Y

section "unknown ids"
R 65 suggestion show 3503-2001-999999
expect_contains "$ERR" "3503-2001-999999" "the unknown id is named"
R 65 suggestion status 3503-2001-999999 verified
R 65 suggestion respond 3503-2001-999999 --text 'jawaban'
R 65 rb update 3503-RB-2001-9999 --status "done"
R 65 suggestion show "$RB1"
R 64 suggestion show
R 64 suggestion status "$S1" finished

section "refused status steps"
R 65 suggestion status "$S1" "done"
R 65 suggestion status "$S1" received
expect_exit 0 A suggestion respond "$S1" --text 'sudah'
R 65 suggestion respond "$S1" --text 'lagi'
R 65 rb update "$RB1" --status planned

section "delete: unknown ids, records deleted already, usage"
R 65 suggestion delete 3503-2001-999999
expect_contains "$ERR" "3503-2001-999999" "the unknown id is named"
R 65 rb delete 3503-RB-2001-9999
expect_contains "$ERR" "3503-RB-2001-9999" "the unknown item is named"
R 65 lke delete --year "$CUR" --item A1.3
expect_contains "$ERR" "3503-LKE-$CUR-A1.3" "an item never answered is named"
R 65 lke delete --year 2001 --item A1.1
R 65 lke delete --year "$CUR" --item NOPE
R 65 rb delete "$S1"
R 65 suggestion delete "$RB1"
R 65 suggestion delete 3320-2026-000001
expect_exit 0 A "${ADD[@]}" --subject 'salah ketik' --reporter-name 'Pelapor Uji'
DEL=$OUT
expect_exit 0 A suggestion delete "$DEL"
R 65 suggestion delete "$DEL"
expect_contains "$ERR" "$DEL was deleted" "a deleted suggestion is named as deleted"
expect_contains "$ERR" "again"
R 65 suggestion show "$DEL"
expect_contains "$ERR" "deleted"
R 65 suggestion status "$DEL" verified
R 65 suggestion respond "$DEL" --text 'jawaban'
# A cancelled item may be deleted; then nothing more
expect_exit 0 A rb delete "$RB1"
R 65 rb delete "$RB1"
expect_contains "$ERR" "deleted"
R 65 rb update "$RB1" --status planned
expect_exit 0 A lke delete --year "$CUR" --item A1.1
R 65 lke delete --year "$CUR" --item A1.1
expect_contains "$ERR" "deleted"
R 64 suggestion delete
R 64 suggestion delete "$S1" "$S2"
R 64 suggestion delete "$S1" --no-such-option
R 64 suggestion delete "$S1" --format xml
R 64 rb delete
R 64 rb delete "$RB1" extra
R 64 lke delete --year "$CUR"
R 64 lke delete --item A1.1
R 64 lke delete --year 26 --item A1.1
R 64 lke delete --year "$CUR" --item ''
R 64 lke delete --year "$CUR" --item "$(printf 'A%.0s' $(seq 20))"
R 64 lke delete --year "$CUR" --item A1.1 A1.3
expect_exit 69 "$AGENT" suggestion delete "$S1" --data "$T/nonexistent"
[ ! -e "$T/nonexistent" ] && pass "a delete in a missing store creates nothing" \
    || fail "a delete in a missing store created $T/nonexistent"

section "import: files that cannot be read"
R 74 import "$T/no-such-file.csv"
expect_contains "$ERR" "no-such-file.csv" "the missing file is named"
mkdir "$T/folder.csv"
R 74 import "$T/folder.csv"
expect_contains "$ERR" "folder" "a folder given as the file is named"
: >"$T/empty.csv"
R 65 import "$T/empty.csv"
expect_contains "$ERR" "no rows"
printf '# only a comment\noffice,received,channel,class,category,privacy,subject,text\n' >"$T/header.csv"
R 65 import "$T/header.csv"

section "import: a truncated file, garbage, wrong shapes"
printf '3503,2026-03-01 09:12,website,suggestion,,public,"Open quote,text\n' >"$T/trunc.csv"
R 65 import "$T/trunc.csv"
expect_contains "$ERR" "line 1" "the open quote's line is named"
expect_contains "$ERR" "nothing was imported"
head -c 2000 /dev/urandom >"$T/garbage.csv"
R 65 import "$T/garbage.csv"
# With --keep-going a file of nothing but bad rows imports nothing and
# exits 65: either with its summary ("imported 0, ... refused N"), or with
# no summary when the first row that parses has a field count of no kind.
snapshot "$D" "$T/g1"
run "$AGENT" import --keep-going "$T/garbage.csv" --data "$D"
snapshot "$D" "$T/g2"
if [ "$RC" = 65 ] && { [[ "$OUT" == "imported 0, skipped 0 of other offices, refused "* ]] \
    || [ -z "$OUT" ]; }; then
    pass "--keep-going on garbage imports nothing (exit $RC)"
else
    fail "--keep-going on garbage"; show_last
fi
cmp -s "$T/g1" "$T/g2" && pass "the store is unchanged" || fail "garbage changed the store"
# the binary itself is not a CSV file either
R 65 import "$AGENT"
printf '3503,2026,A1.1\n' >"$T/three.csv"
R 65 import "$T/three.csv"
expect_contains "$ERR" "3 fields" "a row of unknown shape is described"
{
    echo '3503,2026-03-01 09:12,website,suggestion,,public,satu,isi'
    echo '3503,2026-03-02 09:12,website,suggestion,,public,dua'
    echo '3503,2026-03-03 09:12,website,suggestion,,public,tiga,isi,lebih'
} >"$T/fields.csv"
R 65 import "$T/fields.csv"
expect_contains "$ERR" "line 2" "a short row is reported by its line"
expect_contains "$ERR" "line 3" "a long row is reported by its line"
{
    for i in 1 2 3 4 5 6; do
        echo "3503,2026-04-0$i 10:00,letter,suggestion,,public,surat $i,isi $i"
    done
    echo '3503,2026-04-07 10:00,letter,suggestion,,public,"kutip "salah",isi'
    for i in 8 9; do
        echo "3503,2026-04-0$i 10:00,letter,suggestion,,public,surat $i,isi $i"
    done
} >"$T/one-bad.csv"
R 65 import "$T/one-bad.csv"
expect_contains "$ERR" "one-bad.csv line 7:" "the one bad row among eight good ones is named"
expect_contains "$ERR" "1 bad row; nothing was imported" "and nothing is imported"
{
    echo 'office,received,channel,class,category,privacy,subject,text'
    echo '3503,2026-03-01 09:12,website,suggestion,,public,baik satu,isi'
    echo '3503,2026-03-02 09:12,fax,suggestion,,public,kanal salah,isi'
    echo '3503,2026-03-03 09:12,website,suggestion,,public,baik dua,isi'
    echo '3503,2026-02-30 09:12,website,suggestion,,public,tanggal salah,isi'
    echo '9999,2026-03-04 09:12,website,suggestion,,public,kantor salah,isi'
    echo '3503,2026-03-05 09:12,website,suggestion,,rahasia,privasi salah,isi'
    echo '3320,2026-03-05 09:12,website,suggestion,,public,kantor lain,isi'
    echo '3503,2026-03-06 09:12,website,suggestion,,public,baik tiga,isi'
} >"$T/mixed.csv"
R 65 import "$T/mixed.csv"
for n in 3 5 6 7; do
    expect_contains "$ERR" "mixed.csv line $n:" "bad line $n is reported with its number"
done
expect_not_contains "$ERR" "line 2:" "a good line is not reported"
expect_not_contains "$ERR" "line 8:" "another office's row is not an error"
{
    echo 'office,year,area,activity,indicator,target,unit,realisation,due,status,evidence'
    echo '3503,2026,1,Baik,BA,1,dokumen,0,2026-12-31,planned,'
    echo '3503,2026,9,Area salah,BA,1,dokumen,0,2026-12-31,planned,'
    echo '3503,2026,2,Target nol,BA,0,dokumen,0,2026-12-31,planned,'
    echo '3503,2026,3,Status salah,BA,1,dokumen,0,2026-12-31,finished,'
    echo '3503,2026,4,Tanggal salah,BA,1,dokumen,0,2026-12-32,planned,'
} >"$T/plan-mixed.csv"
R 65 import "$T/plan-mixed.csv"
for n in 3 4 5 6; do
    expect_contains "$ERR" "plan-mixed.csv line $n:" "action plan: bad line $n is reported"
done
{
    echo '3503,2026,A1.1,Y,,'
    echo '3503,2026,A1.3,E,,'
    echo '3503,2026,ZZ.9,Y,,'
} >"$T/lke-mixed.csv"
R 65 import "$T/lke-mixed.csv"
expect_contains "$ERR" "line 2:" "LKE: a bad answer's line"
expect_contains "$ERR" "line 3:" "LKE: an unknown item's line"

section "import --keep-going takes the good rows and reports the bad"
expect_exit 65 A import --keep-going "$T/mixed.csv"
expect_eq "$OUT" "imported 3, skipped 1 of other offices, refused 4" "the counts"
for n in 3 5 6 7; do
    expect_contains "$ERR" "line $n:" "--keep-going still reports line $n"
done
expect_contains "$ERR" "the 3 good rows are stored; to add the refused ones, put only those rows" \
    "it says how to add the refused rows without storing the good ones twice"
expect_exit 0 A suggestion list --format json
expect_py "exactly the good rows are in" "
subj = sorted(o['subject'] for o in d if o['received'].startswith('2026-03'))
assert subj == ['baik dua', 'baik satu', 'baik tiga'], subj"

section "stores that are missing or not an office's"
expect_exit 69 "$AGENT" suggestion list --data "$T/nonexistent"
expect_contains "$ERR" "$T/nonexistent" "the missing folder is named"
expect_exit 69 "$AGENT" "${ADD[@]}" --subject s --data "$T/nonexistent"
[ ! -e "$T/nonexistent" ] && pass "a write to a missing store creates nothing" \
    || fail "a write to a missing store created $T/nonexistent"
expect_exit 69 "$AGENT" rb list --data /nonexistent
expect_contains "$ERR" "/nonexistent" "/nonexistent is named"
mkdir "$T/other"
echo 'not lontar' >"$T/other/notes.txt"
expect_exit 69 "$AGENT" lke list --data "$T/other"
expect_exit 69 "$AGENT" "${ADD[@]}" --subject s --data "$T/other"
expect_eq "$(ls "$T/other")" "notes.txt" "nothing is written into a folder without a store"
# Another program's LMDB environment: neither read nor written into.
mkdir "$T/foreign"
printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n hello\n world\nDATA=END\n' \
    | mdb_load "$T/foreign"
expect_refused 69 "$T/foreign" "$AGENT" suggestion list --data "$T/foreign"
expect_refused 69 "$T/foreign" "$AGENT" "${ADD[@]}" --subject s --data "$T/foreign"
expect_refused 69 "$T/foreign" "$AGENT" rb add --year "$CUR" --area 1 --activity a \
    --indicator i --target 1 --unit u --data "$T/foreign"
# A hub's store: made by lontar-hub init when it is built, else from an
# office's dump with its role and code changed.
if [ -x "$BINDIR/lontar-hub" ]; then
    expect_exit 0 "$BINDIR/lontar-hub" init --province 35 --data "$T/hub"
else
    mkdir "$T/hub"
    mdb_dump -a -p "$D" | awk 'p == " role" { print " hub"; p = ""; next }
                               p == " code" { print " 35"; p = ""; next }
                               { print; p = $0 }' | mdb_load "$T/hub" 2>/dev/null
fi
expect_refused 69 "$T/hub" "$AGENT" suggestion list --data "$T/hub"
expect_contains "$ERR" "hub" "a hub's store is called one"
expect_refused 69 "$T/hub" "$AGENT" "${ADD[@]}" --subject s --data "$T/hub"
expect_refused 69 "$T/hub" "$AGENT" import "$LONTAR_REF/sample-suggestions.csv" --data "$T/hub"
expect_refused 73 "$T/hub" "$AGENT" init --office 3503 --data "$T/hub"
mkdir "$T/junk"
head -c 16384 /dev/urandom >"$T/junk/data.mdb"
expect_exit 74 "$AGENT" suggestion list --data "$T/junk"
expect_contains "$ERR" "$T/junk" "a damaged store is named"

section "standard output that cannot be written"
# full CMD...: as run, with stdout on /dev/full (every write fails ENOSPC).
full () {
    CMD="$(printf '%q ' "$@")>/dev/full"
    "$@" >/dev/full 2>"$T/.err" </dev/null
    RC=$?
    OUT=""
    ERR=$(cat "$T/.err")
}
NOSPACE="writing to standard output failed: No space left on device"
for cmd in "suggestion list" "rb list --format json" "lke list --format csv" \
    "status" "export" "suggestion show $S1" "--help"; do
    # shellcheck disable=SC2086 # the words of cmd are its arguments
    full "$AGENT" $cmd --data "$D"
    expect_eq "$RC" 74 "$cmd >/dev/full exits 74"
    expect_contains "$ERR" "lontar-agent: $NOSPACE" "$cmd names standard output and the reason"
done
full "$AGENT" suggestion show 3503-2001-999999 --data "$D"
expect_eq "$RC" 65 "a command that failed keeps its own code with stdout full"
expect_exit 0 A suggestion list --format json
cp "$T/.out" "$T/before.json"
full A "${ADD[@]}" --subject 'nomor hilang'
expect_eq "$RC" 74 "suggestion add >/dev/full exits 74"
expect_contains "$ERR" "$NOSPACE; the change was stored; see 'lontar-agent suggestion list'" \
    "and says the suggestion was stored and where to find its number"
expect_exit 0 A suggestion list --format json
expect_py "the suggestion whose number was not printed is stored" "
before = {o['id'] for o in json.load(open('$T/before.json'))}
new = [o['subject'] for o in d if o['id'] not in before]
assert new == ['nomor hilang'], new"

# With stdout closed (>&-) nothing is lost to write, and a command's
# code is its own: the fd is not left for libzmq to take.
for want_cmd in "0 --help" "64 bogus" "69 suggestion list --data $T/missing"; do
    want=${want_cmd%% *}
    # shellcheck disable=SC2086 # the words are the command's arguments
    "$AGENT" ${want_cmd#* } >&- 2>"$T/.err" </dev/null
    expect_eq "$?" "$want" "lontar-agent ${want_cmd#* } with stdout closed exits $want"
done

section "an empty --data is refused, not taken as the default folder"
expect_refused 64 "$D" "$AGENT" suggestion list --data ''
expect_contains "$ERR" "--data is empty" "the empty --data is named"
expect_exit 64 "$AGENT" "${ADD[@]}" --subject s --data ''
expect_exit 64 "$AGENT" init --office 3503 --data ''

section "init --office with its value left out"
# getopt takes the next flag for the code: the message names --office.
expect_exit 64 "$AGENT" init --office --data "$T/no-code"
expect_contains "$ERR" "init needs --office CODE" "the missing code is named"
[ ! -e "$T/no-code" ] && pass "nothing was made" || fail "init --office --data made $T/no-code"
expect_exit 64 "$BINDIR/lontar-hub" init --province --data "$T/no-province"
expect_contains "$ERR" "init needs --province CODE" "the missing province is named"

section "backup to a file that cannot be made says why"
R 74 backup "$T/no-such-dir/copy.mdb"
expect_contains "$ERR" "$T/no-such-dir/copy.mdb: No such file or directory" \
    "the file and the reason are named"
expect_contains "$ERR" "a folder that exists" "and what to do"
[ ! -e "$T/no-such-dir" ] && pass "no folder is made for a failed backup" \
    || fail "a failed backup made $T/no-such-dir"
R 73 backup "$D/data.mdb"
expect_contains "$ERR" "exists already" "an existing file is refused as such"

section "a received time far in the future is a mistyped date"
R 65 "${ADD[@]}" --subject 'masa depan' --received "$((CUR + 36))-01-01"
expect_contains "$ERR" "future" "the message says the date is in the future"

section "the same file imported twice"
printf '3503,2026-03-03 10:00,website,suggestion,,public,sekali,isi\n' >"$T/once.csv"
expect_exit 0 A import "$T/once.csv"
R 65 import "$T/once.csv"
expect_contains "$ERR" "imported already" "a second import of the same file is refused"
expect_exit 0 A import --again "$T/once.csv"

section "init makes the missing folders of --data"
expect_exit 0 "$AGENT" init --office 3503 --data "$T/deep/er/store"
expect_exit 0 "$AGENT" suggestion list --data "$T/deep/er/store"
: >"$T/plainfile"
expect_exit 73 "$AGENT" init --office 3503 --data "$T/plainfile"
expect_contains "$ERR" "Not a directory" "the reason is given"

finish
