# lib_cli.sh - shared helpers of the integration tests (tests/cli_*.sh).
# Sourced, not run: its name keeps it out of the cli_*.sh glob that
# tests/CMakeLists.txt registers. A script does
#
#     . "$(dirname "$0")/lib_cli.sh" "$@"
#     expect_exit 0 "$AGENT" init --office 3503 --data "$T/s"
#     expect_contains "$OUT" "created"
#     finish
#
# and CTest runs it as `bash tests/cli_X.sh BINDIR`, with LONTAR_REF and
# LONTAR_SRC in the environment. Every check counts; the last line is
# exactly "N passed, M failed" and the exit status is 1 on any failure.
# No check waits with sleep: commands are run to completion, and the
# durability test waits on a pipe.

set -u
export LC_ALL=C.UTF-8 2>/dev/null || export LC_ALL=C

BINDIR=${1:?"usage: bash $0 BINDIR (the folder holding lontar-agent)"}
AGENT=$BINDIR/lontar-agent
if [ ! -x "$AGENT" ]; then
    echo "$(basename "$0"): no lontar-agent in $BINDIR; build first"
    echo "0 passed, 1 failed"
    exit 1
fi
BINDIR=$(cd "$BINDIR" && pwd)
AGENT=$BINDIR/lontar-agent
LONTAR_SRC=${LONTAR_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
LONTAR_REF=${LONTAR_REF:-$LONTAR_SRC/common/data}
export LONTAR_SRC LONTAR_REF
# No command may fall back to a real store of this machine.
unset LONTAR_DATA

# The tests read the store with LMDB's stock tools and check JSON with
# python3 (.ci/deps installs them).
for tool in mdb_dump mdb_stat mdb_load python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "$(basename "$0"): needs $tool (lmdb-utils, python3: see .ci/deps)"
        echo "0 passed, 1 failed"
        exit 1
    fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/lontar-cli.XXXXXX") || exit 70
trap 'rm -rf "$T"' EXIT
CLI_START=$(date +%s.%N)
# The interpreter itself, run with -S -E: a version-manager shim and
# site start-up cost ~100 ms a call.
PY=$(python3 -c "import sys; print(sys.executable)" 2>/dev/null) || PY=python3

PASSED=0
FAILED=0
OUT=""     # stdout of the last command run by run / expect_exit
ERR=""     # its stderr
RC=0       # its exit status
CMD=""     # it, quoted, for messages

# The office's local year (WIB, UTC+7, for the Java offices used here):
# the year a suggestion received now is numbered in.
YEAR_NOW=$(date -u -d '+7 hours' +%Y)
export YEAR_PREV=$((YEAR_NOW - 1))

# section TITLE: a heading in the log, to find a failure's context.
section () { printf '\n== %s\n' "$*"; }

pass () { PASSED=$((PASSED + 1)); printf 'ok   %s\n' "$*"; }

# fail WHAT [DETAIL...]: counts a failure and shows what went wrong.
fail () {
    FAILED=$((FAILED + 1))
    printf 'FAIL %s\n' "$1"
    shift
    local line
    for line in "$@"; do printf '     %s\n' "$line"; done
}

# show_last: the last command with its status and both outputs.
show_last () {
    printf '     command: %s\n     exit:    %s\n' "$CMD" "$RC"
    printf '     stdout:\n'; printf '%s\n' "$OUT" | head -40 | sed 's/^/       | /'
    printf '     stderr:\n'; printf '%s\n' "$ERR" | head -40 | sed 's/^/       | /'
}

# run CMD...: runs a command to completion, keeping OUT, ERR and RC.
run () {
    CMD=$(printf '%q ' "$@")
    "$@" >"$T/.out" 2>"$T/.err" </dev/null
    RC=$?
    OUT=$(cat "$T/.out")
    ERR=$(cat "$T/.err")
    if [ "$RC" -gt 128 ] && [ "$RC" -lt 160 ]; then
        fail "crashed with signal $((RC - 128)): $CMD"
        show_last
        return 1
    fi
    return 0
}

# expect_exit CODE CMD...: runs CMD and checks its exit status; on a
# mismatch shows the command, both statuses and both outputs.
expect_exit () {
    local want=$1
    shift
    run "$@" || return 1
    if [ "$RC" = "$want" ]; then
        pass "exit $want: $CMD"
        return 0
    fi
    fail "expected exit $want, got $RC"
    show_last
    return 1
}

# expect_contains TEXT NEEDLE [WHAT]: TEXT holds NEEDLE (fixed string).
expect_contains () {
    local what=${3:-"output contains \"$2\""}
    if [[ "$1" == *"$2"* ]]; then
        pass "$what"
        return 0
    fi
    fail "$what" "in: $CMD" "looked for: $2" "in text:"
    printf '%s\n' "$1" | head -40 | sed 's/^/       | /'
    return 1
}

# expect_not_contains TEXT NEEDLE [WHAT]
expect_not_contains () {
    local what=${3:-"output does not contain \"$2\""}
    if [[ "$1" != *"$2"* ]]; then
        pass "$what"
        return 0
    fi
    fail "$what" "in: $CMD" "found: $2"
    return 1
}

# expect_eq GOT WANT WHAT
expect_eq () {
    if [ "$1" = "$2" ]; then
        pass "$3"
        return 0
    fi
    fail "$3" "want: $2" "got:  $1"
    return 1
}

# expect_match TEXT REGEX WHAT (bash extended regex, whole text)
expect_match () {
    if [[ "$1" =~ $2 ]]; then
        pass "$3"
        return 0
    fi
    fail "$3" "want to match: $2" "got: $1"
    return 1
}

# expect_py WHAT PYTHON: runs the Python statements on the last stdout,
# parsed as JSON into d (and the raw text in raw); passes when they
# raise nothing. Use assert with a message.
expect_py () {
    local what=$1 code=$2 msg
    if msg=$("$PY" -S -E -c '
import json, sys
raw = sys.stdin.read()
d = json.loads(raw)
exec(sys.argv[1])
' "$code" <"$T/.out" 2>&1); then
        pass "$what"
        return 0
    fi
    fail "$what" "in: $CMD"
    printf '%s\n' "$msg" | tail -5 | sed 's/^/       ! /'
    printf '%s\n' "$OUT" | head -20 | sed 's/^/       | /'
    return 1
}

# expect_csv WHAT PYTHON: as expect_py, with the last stdout read as CSV
# (rows: a list of dicts by the header row; raw: the text).
expect_csv () {
    local what=$1 code=$2 msg
    if msg=$("$PY" -S -E -c '
import csv, io, sys
raw = sys.stdin.read()
rows = list(csv.DictReader(io.StringIO(raw, newline="")))
exec(sys.argv[1])
' "$code" <"$T/.out" 2>&1); then
        pass "$what"
        return 0
    fi
    fail "$what" "in: $CMD"
    printf '%s\n' "$msg" | tail -5 | sed 's/^/       ! /'
    printf '%s\n' "$OUT" | head -20 | sed 's/^/       | /'
    return 1
}

# expect_table WHAT [ROWS]: the last stdout is an aligned table: a
# header, a rule of dashes, then rows whose columns start where the
# header's do (counted in characters, not bytes). With ROWS, also the
# number of rows ("(none)" counts as none).
expect_table () {
    local what=$1 rows=${2:-} msg
    if msg=$("$PY" -S -E -c '
import re, sys
lines = sys.stdin.buffer.read().decode("utf-8").split("\n")
if lines and lines[-1] == "":
    lines.pop()
assert len(lines) >= 2, "no header and rule"
head, rule, body = lines[0], lines[1], lines[2:]
if body == ["(none)"]:
    body = []   # an empty listing says so
assert re.fullmatch(r"-+(  -+)*", rule), "second line is not a rule: %r" % rule
spans = [m.span() for m in re.finditer(r"-+", rule)]
assert len(head.rstrip()) <= len(rule), "header longer than its rule"
for n, line in enumerate([head] + body):
    for (a, b), (c, d) in zip(spans, spans[1:]):
        assert line[b:c].strip() == "", \
            "line %d: columns at %d and %d run together: %r" % (n + 1, a, c, line)
    for i, (a, b) in enumerate(spans):
        last = i == len(spans) - 1
        cell = line[a:] if last else line[a:b]
        if cell.strip():
            # left-aligned: starts at the column; right-aligned: ends at it
            assert cell[0] != " " or (not last and len(cell) == b - a and cell[-1] != " "), \
                "line %d: column %d (at %d) is out of line: %r" % (n + 1, i + 1, a, line)
want = sys.argv[1]
if want:
    assert len(body) == int(want), "%d rows, want %s" % (len(body), want)
' "$rows" <"$T/.out" 2>&1); then
        pass "$what"
        return 0
    fi
    fail "$what" "in: $CMD"
    printf '%s\n' "$msg" | tail -3 | sed 's/^/       ! /'
    printf '%s\n' "$OUT" | head -20 | sed 's/^/       | /'
    return 1
}

# snapshot DIR FILE: the store's every database, printable, plus the
# bytes of its data file, to compare before and after a command.
snapshot () {
    { mdb_dump -a -p "$1" 2>&1; echo "== rc $?"; cksum <"$1/data.mdb"; } >"$2"
}

# records_dump DIR: prints every database of the store's records
# (printable form): "records" and the trees records/<kind>/<office>,
# the offices' records, one per kind and office (common/lnt_store.c).
records_dump () {
    local db
    for db in $(mdb_stat -a "$1" | awk '$1 == "Status" && $3 ~ /^records/ { print $3 }'); do
        mdb_dump -p -s "$db" "$1" || return 1
    done
}

# expect_refused CODE DIR CMD...: CMD exits CODE with a message on
# stderr and nothing on stdout, and the store in DIR is byte-for-byte
# what it was.
expect_refused () {
    local want=$1 dir=$2
    shift 2
    snapshot "$dir" "$T/.before"
    run "$@" || return 1
    snapshot "$dir" "$T/.after"
    local problems=()
    [ "$RC" = "$want" ] || problems+=("expected exit $want, got $RC")
    [ -n "$ERR" ] || problems+=("no message on stderr")
    [ -z "$OUT" ] || problems+=("something on stdout")
    cmp -s "$T/.before" "$T/.after" || problems+=("the store changed")
    if [ ${#problems[@]} -eq 0 ]; then
        pass "refused ($want), store unchanged: $CMD"
        printf '     %s\n' "$(printf '%s' "$ERR" | head -1)"
        return 0
    fi
    fail "$(IFS=';'; echo "${problems[*]}")"
    show_last
    diff "$T/.before" "$T/.after" | head -20 | sed 's/^/       d /'
    return 1
}

# finish: the summary, as the last line, and the exit status.
finish () {
    local end
    end=$(date +%s.%N)
    printf '\n%s: %s s\n' "$(basename "$0")" \
        "$(awk -v a="$CLI_START" -v b="$end" 'BEGIN { printf "%.1f", b - a }')"
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit $?
}
