# cli_hub_queries.sh - the record queries of provincial staff:
# `lontar-hub suggestions | rb | lke` with their filters, answered by a
# real hub from the records three offices replicated to it.
#
# The offices import the sample files and rows this test makes, add
# suggestions by hand (a subject with a comma, a quote and UTF-8; a
# confidential one with a reporter), move statuses, answer LKE items; the
# hub verifies some answers. A model of what was written (model.py, below)
# gives the rows each query must return; every query is checked in json
# (rows and fields as the model says), csv (the same rows, read cleanly by
# Python's csv module) and table (aligned, as many rows). The hub's rows
# must also equal the offices' own listings. Then: the text of a
# confidential suggestion and the reporter appear nowhere at the hub; bad
# filters are refused with 64 by the client and, sent raw, by the hub; a
# query with no hub running fails with 69, one whose --hub is no endpoint
# with 64, and one whose output cannot be written with 74; `lontar-hub
# verify` finds no difference. Run by CTest as `bash tests/cli_hub_queries.sh BINDIR`.
. "$(dirname "$0")/lib_repl.sh" "$@"

OFFICES=(3503 3512 3578)
PROBE=$BINDIR/tests/wire_probe

# ---- the model --------------------------------------------------------------
# model.py gen T YEAR_NOW REF     writes the files to import, adds.sh,
#                                 verify.sh, ops.json and model.json
# model.py ops T                  with the offices' listings in T, writes
#                                 ops.sh (status moves by tracking number)
# model.py check T KIND FILTERS   stdin: the hub's json; compares with the
#                                 rows the model expects
# model.py csv KIND JSONFILE      stdin: the hub's csv; the same rows
# model.py count                  stdin: json; prints the number of rows
# model.py agents KIND HUBJSON AGENTJSON...  the union of the offices'
#                                 listings is the hub's listing
# model.py secrets T FILE...      none of the confidential texts and
#                                 reporters occurs in the files; each
#                                 occurs in its own office's store
# model.py query NAME FORMAT K=V...  a QUERY frame in hex, for wire_probe
cat >"$T/model.py" <<'PYEOF'
import csv, datetime, io, json, os, shlex, sys

OFFICES = ["3503", "3512", "3578"]
OPEN_NOT = ("done", "archived", "not_our_authority")
COLUMNS = {
    "suggestions": ["id", "office", "year", "received", "channel", "class",
                    "field_check", "category", "privacy", "subject", "text",
                    "status", "verify_due", "resolve_due", "overdue",
                    "responded", "response"],
    "rb": ["id", "office", "year", "area", "programme", "activity",
           "sub_activity", "indicator", "target", "unit", "realisation",
           "progress", "status", "due", "overdue", "person", "evidence",
           "updated"],
    "lke": ["id", "office", "year", "instrument", "item", "area", "title",
            "answer", "justification", "evidence", "answered",
            "verified_answer", "verified_note", "verified"],
}

def today():
    """The offices' local date (WIB, UTC+7)."""
    return (datetime.datetime.now(datetime.timezone.utc)
            + datetime.timedelta(hours=7)).date()

def rows_of(path):
    with open(path, encoding="utf-8", newline="") as f:
        return [r for r in csv.reader(f) if r and not r[0].startswith("#")]

def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)

def gen(t, year_now, ref):
    y_old1, y_old2 = year_now - 3, year_now - 2
    model = {"today": today().isoformat(), "s": [], "rb": [], "lke": [],
             "secrets": []}
    ops = {"s": [], "rb": []}
    adds, verifies = [], []
    # Suggestions: the samples of our offices, then made-up rows.
    for r in rows_of(os.path.join(ref, "sample-suggestions.csv")):
        if r[0] in OFFICES:
            model["s"].append(dict(zip(
                ["office", "received", "channel", "class", "category",
                 "privacy", "subject", "text"], r)))
    chans = "website suggestion_box letter in_person phone lapor social_media".split()
    classes = "suggestion complaint information_request whistleblowing".split()
    privs = "public anonymous confidential".split()
    for o in OFFICES:
        rows = []
        for i in range(14):
            year = y_old1 if i % 2 else y_old2
            received = "%d-%02d-%02d %02d:%02d" % (
                year, 1 + (i * 5) % 12, 1 + (i * 7) % 28, 8 + i % 9, (i * 13) % 60)
            subject = "Saran %s nomor %d" % (o, i)
            if i % 5 == 0:
                subject += " \u2014 caf\u00e9 \u00f1 \u65e5\u672c"
            if i == 7:
                subject = 'Kursi, "ruang" tunggu %s \u2014 \u00ff' % o
            priv = privs[i % 3]
            text = ("RAHASIA isi %s %d" % (o, i) if priv == "confidential"
                    else "Teks saran %s %d, dengan koma" % (o, i))
            row = [o, received, chans[i % 7], classes[i % 4], "kat%d" % (i % 3),
                   priv, subject, text]
            rows.append(row)
            model["s"].append(dict(zip(
                ["office", "received", "channel", "class", "category",
                 "privacy", "subject", "text"], row)))
        write_csv(os.path.join(t, "s_%s.csv" % o),
                  ["office", "received", "channel", "class", "category",
                   "privacy", "subject", "text"], rows)
        # By hand: received now, one public with a reporter, one
        # confidential with a reporter; a complaint with a field check.
        hand = [
            dict(office=o, received=None, channel="in_person", class_="suggestion",
                 category="layanan", privacy="public",
                 subject='Baru %s: koma, "kutip" dan \u00fcn\u00efc\u00f6d\u00e9 \u2713' % o,
                 text='Isi, dengan "kutip" \u2014 %s' % o,
                 reporter=("Pelapor Umum %s" % o, "0812-%s-111" % o)),
            dict(office=o, received=None, channel="phone", class_="complaint",
                 category="petugas", privacy="confidential",
                 subject="Rahasia baru %s" % o,
                 text="RAHASIA teks baru %s" % o,
                 reporter=("Pelapor Rahasia %s" % o, "0813-%s-222" % o)),
            dict(office=o, received="%d-08-15 10:00" % y_old2, channel="letter",
                 class_="complaint", category="lapangan", privacy="anonymous",
                 subject="Cek lapangan %s" % o, text="Perlu cek lapangan %s" % o,
                 field_check=True, reporter=None),
        ]
        for h in hand:
            cmd = ["expect_exit", "0", "ag", o, "suggestion", "add",
                   "--channel", h["channel"], "--class", h["class_"],
                   "--category", h["category"], "--privacy", h["privacy"],
                   "--subject", h["subject"], "--text", h["text"]]
            if h["received"]:
                cmd += ["--received", h["received"]]
            if h.get("field_check"):
                cmd += ["--field-check"]
            if h["reporter"]:
                cmd += ["--reporter-name", h["reporter"][0],
                        "--reporter-contact", h["reporter"][1]]
                model["secrets"].append([o, h["reporter"][0]])
                model["secrets"].append([o, h["reporter"][1]])
            adds.append(" ".join(shlex.quote(c) for c in cmd))
            model["s"].append({"office": o, "received": h["received"],
                               "channel": h["channel"], "class": h["class_"],
                               "category": h["category"], "privacy": h["privacy"],
                               "subject": h["subject"], "text": h["text"],
                               "field_check": bool(h.get("field_check"))})
        # Status moves on the made-up rows, by subject.
        plan = {0: ["verified", "in_progress", "respond"], 1: ["archived"],
                2: ["not_our_authority"], 3: ["verified", "on_hold"],
                4: ["verified", "referred"], 5: ["respond"],
                6: ["respond", "archived"], 8: ["verified", "in_progress"]}
        for i, steps in plan.items():
            ops["s"].append([o, rows[i][6], steps])
        ops["s"].append([o, hand[0]["subject"], ["verified"]])
    for s in model["s"]:
        s.setdefault("field_check", False)
        s["status"], s["response"] = "received", ""
        if s["privacy"] == "confidential":
            model["secrets"].append([s["office"], s["text"]])
    for o, subject, steps in ops["s"]:
        s = [x for x in model["s"] if x["office"] == o and x["subject"] == subject][0]
        for st in steps:
            if st == "respond":
                s["status"], s["response"] = "done", "Jawaban untuk %s, \"terima kasih\"" % subject
            else:
                s["status"] = st
    # Action-plan items: the samples, then made-up rows.
    rbcols = ["office", "year", "area", "activity", "indicator", "target",
              "unit", "realisation", "due", "status", "evidence"]
    for r in rows_of(os.path.join(ref, "sample-action-plan.csv")):
        if r[0] in OFFICES:
            model["rb"].append(dict(zip(rbcols, r)))
    for o in OFFICES:
        rows = []
        for j in range(8):
            row = [o, str([y_old2, year_now, year_now + 1][j % 3]),
                   str(1 + (j * 3) % 8),
                   'Kegiatan %s-%d, "tahap" \u2713' % (o, j), "Indikator %d" % j,
                   "10", "dokumen", str(j),
                   ["%d-12-31" % y_old2, "%d-06-30" % (year_now + 1), ""][j % 3],
                   ["planned", "in_progress", "done", "cancelled"][j % 4],
                   "Bukti %d" % j if j % 2 else ""]
            rows.append(row)
            model["rb"].append(dict(zip(rbcols, row)))
        write_csv(os.path.join(t, "rb_%s.csv" % o), rbcols, rows)
        ops["rb"].append([o, rows[0][3], ["--status", "in_progress", "--realisation", "4"]])
        ops["rb"].append([o, rows[1][3], ["--status", "cancelled"]])
    for o, activity, args in ops["rb"]:
        r = [x for x in model["rb"] if x["office"] == o and x["activity"] == activity][0]
        r["status"] = args[1]
        if "--realisation" in args:
            r["realisation"] = args[3]
    # LKE answers: made-up rows; the hub verifies some.
    items = [r for r in rows_of(os.path.join(
        ref, "instrument-permenpanrb-26-2020-pemenuhan.csv")) if r[2] == "item"]
    model["items"] = {r[0]: {"area": int(r[3]), "title": r[6], "type": r[5]} for r in items}
    model["item_pick"] = items[2][0]
    first = {"YT": "Y", "ABC": "B", "ABCD": "C", "PCT": "75"}
    second = {"YT": "T", "ABC": "A", "ABCD": "D", "PCT": "50"}
    for o in OFFICES:
        rows = []
        for year, n in ((year_now - 1, 3), (year_now, 5)):
            for r in items[:n]:
                row = [o, str(year), r[0], first[r[5]],
                       "https://example.org/%s/%s" % (o, r[0]) if len(rows) % 2 else "",
                       'Bukti, "notulen" rapat \u2014 \u2713 %s' % o]
                rows.append(row)
                model["lke"].append({"office": o, "year": year, "item": r[0],
                                     "answer": row[3], "evidence": row[4],
                                     "justification": row[5],
                                     "verified_answer": None, "verified_note": None})
        write_csv(os.path.join(t, "lke_%s.csv" % o),
                  ["office", "year", "item", "answer", "evidence", "justification"],
                  rows)
    for o, year, k in (("3503", year_now, 0), ("3503", year_now, 2),
                       ("3503", year_now - 1, 1), ("3512", year_now, 2)):
        item = items[k]
        a = [x for x in model["lke"] if x["office"] == o and x["year"] == year
             and x["item"] == item[0]][0]
        a["verified_answer"] = second[item[5]]
        a["verified_note"] = "Catatan asesor, \"%s\" \u2713" % item[0]
        verifies.append('expect_exit 0 "$HUB" ' + " ".join(shlex.quote(c) for c in [
            "lke", "verify", o, str(year), item[0], a["verified_answer"],
            "--note", a["verified_note"]]) + ' --data "$HUB_DIR"')
    with open(os.path.join(t, "adds.sh"), "w") as f:
        f.write("\n".join(adds) + "\n")
    with open(os.path.join(t, "verify.sh"), "w") as f:
        f.write("\n".join(verifies) + "\n")
    with open(os.path.join(t, "ops.json"), "w") as f:
        json.dump(ops, f)
    with open(os.path.join(t, "model.json"), "w") as f:
        json.dump(model, f)

def ops_sh(t):
    ops = json.load(open(os.path.join(t, "ops.json")))
    out = []
    for o, subject, steps in ops["s"]:
        rows = json.load(open(os.path.join(t, "list_s_%s.json" % o)))
        sid = [r["id"] for r in rows if r["subject"] == subject][0]
        for st in steps:
            if st == "respond":
                cmd = ["suggestion", "respond", sid, "--text",
                       "Jawaban untuk %s, \"terima kasih\"" % subject]
            else:
                cmd = ["suggestion", "status", sid, st]
            out.append(["expect_exit", "0", "ag", o] + cmd)
    for o, activity, args in ops["rb"]:
        rows = json.load(open(os.path.join(t, "list_rb_%s.json" % o)))
        rid = [r["id"] for r in rows if r["activity"] == activity][0]
        out.append(["expect_exit", "0", "ag", o, "rb", "update", rid] + args)
    with open(os.path.join(t, "ops.sh"), "w") as f:
        for cmd in out:
            f.write(" ".join(shlex.quote(c) for c in cmd) + "\n")

def parse_filters(args):
    f, i = {}, 0
    while i < len(args):
        a = args[i][2:]
        if a in ("overdue", "open", "verified", "unverified"):
            f[a] = True
            i += 1
        else:
            f[a] = args[i + 1]
            i += 2
    return f

def expected(m, kind, f):
    """{key: expected fields} of the rows the filters select."""
    day = datetime.date.fromisoformat(m["today"])
    out = {}
    if kind == "suggestions":
        for s in m["s"]:
            rdate = (datetime.date.fromisoformat(s["received"][:10])
                     if s["received"] else day)
            is_open = s["status"] not in OPEN_NOT
            # Every suggestion received before today is months old (past
            # any resolve limit, 60 days at most); today's are not due.
            overdue = is_open and (day - rdate).days > 90
            assert rdate == day or (day - rdate).days > 90, s
            ok = (("office" not in f or s["office"] == f["office"])
                  and ("status" not in f or s["status"] == f["status"])
                  and ("class" not in f or s["class"] == f["class"])
                  and ("overdue" not in f or overdue)
                  and ("open" not in f or is_open)
                  and ("from" not in f or rdate.isoformat() >= f["from"])
                  and ("to" not in f or rdate.isoformat() <= f["to"])
                  and ("year" not in f or rdate.year == int(f["year"])))
            if ok:
                e = {k: s[k] for k in ("office", "channel", "class", "category",
                                        "privacy", "subject", "status",
                                        "field_check", "response")}
                e.update(year=rdate.year, overdue=overdue,
                         text="" if s["privacy"] == "confidential" else s["text"])
                if s["received"]:
                    e["received"] = s["received"]
                out[(s["office"], s["subject"])] = e
    elif kind == "rb":
        for r in m["rb"]:
            overdue = (r["due"] != "" and r["due"] < m["today"]
                       and r["status"] not in ("done", "cancelled"))
            ok = (("office" not in f or r["office"] == f["office"])
                  and ("year" not in f or r["year"] == f["year"])
                  and ("area" not in f or r["area"] == f["area"])
                  and ("status" not in f or r["status"] == f["status"])
                  and ("overdue" not in f or overdue))
            if ok:
                out[(r["office"], r["activity"])] = {
                    "office": r["office"], "year": int(r["year"]),
                    "area": int(r["area"]), "activity": r["activity"],
                    "indicator": r["indicator"], "target": float(r["target"]),
                    "unit": r["unit"], "realisation": float(r["realisation"]),
                    "status": r["status"], "due": r["due"] or None,
                    "overdue": overdue, "evidence": r["evidence"]}
    else:
        for a in m["lke"]:
            v = a["verified_answer"] is not None
            ok = (("office" not in f or a["office"] == f["office"])
                  and ("year" not in f or a["year"] == int(f["year"]))
                  and ("item" not in f or a["item"] == f["item"])
                  and ("verified" not in f or v)
                  and ("unverified" not in f or not v))
            if ok:
                it = m["items"][a["item"]]
                e = dict(a, instrument="permenpanrb-26-2020-pemenuhan",
                         area=it["area"], title=it["title"])
                out["%s-LKE-%d-%s" % (a["office"], a["year"], a["item"])] = e
    return out

def key_of(kind, row):
    if kind == "suggestions":
        return (row["office"], row["subject"])
    if kind == "rb":
        return (row["office"], row["activity"])
    return row["id"]

def check(t, kind, args):
    m = json.load(open(os.path.join(t, "model.json")))
    got = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    want = expected(m, kind, parse_filters(args))
    problems = []
    assert isinstance(got, list), "not a JSON array"
    ids = [r["id"] for r in got]
    if ids != sorted(ids, key=lambda x: x.encode()):
        problems.append("rows are not in id order")
    if len(set(ids)) != len(ids):
        problems.append("an id is listed twice")
    rows = {}
    for r in got:
        if list(r) != COLUMNS[kind]:
            problems.append("fields %s, want %s" % (list(r), COLUMNS[kind]))
            break
        if not r["id"].startswith(r["office"] + "-"):
            problems.append("id %s does not begin with its office" % r["id"])
        rows[key_of(kind, r)] = r
    missing = [k for k in want if k not in rows]
    extra = [k for k in rows if k not in want]
    if missing:
        problems.append("%d rows missing, e.g. %s" % (len(missing), missing[:2]))
    if extra:
        problems.append("%d rows the filters exclude, e.g. %s" % (len(extra), extra[:2]))
    for k, e in want.items():
        r = rows.get(k)
        if r is None:
            continue
        for field, value in e.items():
            if field in r and r[field] != value:
                problems.append("%s %s: %r, want %r" % (r["id"], field, r[field], value))
        if kind == "suggestions":
            if "received" not in e and not r["received"].startswith(m["today"]):
                problems.append("%s received %s, want today" % (r["id"], r["received"]))
            if r["id"][len(r["office"]) + 1:][:5] != "%d-" % r["year"]:
                problems.append("%s: tracking number not of year %d" % (r["id"], r["year"]))
            if (e["response"] != "") != (r["responded"] is not None):
                problems.append("%s: responded %r, response %r" % (r["id"], r["responded"], r["response"]))
        if kind == "lke" and (r["verified"] is None) != (r["verified_answer"] is None):
            problems.append("%s: verified %r, verified_answer %r" % (r["id"], r["verified"], r["verified_answer"]))
    if problems:
        print("\n".join(problems[:12]))
        sys.exit(1)
    print("%d rows" % len(got))

def csv_check(kind, json_path):
    raw = sys.stdin.buffer.read()
    text = raw.decode("utf-8")             # strict: the CSV must be UTF-8
    got = json.load(open(json_path, encoding="utf-8"))
    assert raw == b"" or raw.endswith(b"\r\n"), "records do not end with CRLF"
    assert "\n" not in text.replace("\r\n", ""), "a bare LF outside CRLF"
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert rows, "no header row"
    assert rows[0] == COLUMNS[kind], "header %s" % rows[0]
    body = rows[1:]
    assert len(body) == len(got), "%d rows, json has %d" % (len(body), len(got))
    for line, (c, j) in enumerate(zip(body, got), 2):
        assert len(c) == len(COLUMNS[kind]), "line %d: %d fields" % (line, len(c))
        for name, cell in zip(COLUMNS[kind], c):
            v = j[name]
            if v is None:
                ok = cell == ""
            elif isinstance(v, bool):
                ok = cell == ("yes" if v else "no")
            elif isinstance(v, (int, float)):
                ok = cell != "" and float(cell) == v
            else:
                ok = cell == v
            assert ok, "line %d, %s: csv %r, json %r" % (line, name, cell, v)
    print("%d rows" % len(body))

def agents(kind, hub_path, paths):
    hub = json.load(open(hub_path, encoding="utf-8"))
    union = []
    for p in paths:
        union += json.load(open(p, encoding="utf-8"))
    union.sort(key=lambda r: r["id"].encode())
    if hub != union:
        hk = {r["id"]: r for r in hub}
        uk = {r["id"]: r for r in union}
        diff = [i for i in set(hk) | set(uk) if hk.get(i) != uk.get(i)]
        i = sorted(diff)[0]
        print("%d rows differ, e.g. hub %s\n office %s" % (len(diff), hk.get(i), uk.get(i)))
        sys.exit(1)
    print("%d rows" % len(hub))

def secrets(t, files):
    m = json.load(open(os.path.join(t, "model.json")))
    blobs = [(p, open(p, "rb").read()) for p in files]
    problems = []
    for office, secret in m["secrets"]:
        b = secret.encode()
        for p, blob in blobs:
            if b in blob:
                problems.append("%r found in %s" % (secret, p))
        own = open(os.path.join(t, "a" + office, "data.mdb"), "rb").read()
        if b not in own:
            problems.append("%r is not in its office's store (the check "
                            "would prove nothing)" % secret)
    if problems:
        print("\n".join(problems[:10]))
        sys.exit(1)
    print("%d secrets, none at the hub" % len(m["secrets"]))

def pack(o):
    if isinstance(o, int):
        assert 0 <= o < 128
        return bytes([o])
    if isinstance(o, str):
        b = o.encode()
        return (bytes([0xA0 | len(b)]) if len(b) < 32 else bytes([0xD9, len(b)])) + b
    assert len(o) < 16
    return bytes([0x90 | len(o)]) + b"".join(pack(x) for x in o)

cmd, a = sys.argv[1], sys.argv[2:]
if cmd == "gen":
    gen(a[0], int(a[1]), a[2])
elif cmd == "ops":
    ops_sh(a[0])
elif cmd == "check":
    check(a[0], a[1], a[2:])
elif cmd == "csv":
    csv_check(a[0], a[1])
elif cmd == "count":
    print(len(json.load(sys.stdin)))
elif cmd == "agents":
    agents(a[0], a[1], a[2:])
elif cmd == "secrets":
    secrets(a[0], a[1:])
elif cmd == "query":
    fmt = {"table": 0, "csv": 1, "json": 2}[a[1]]
    print(pack([1, 4, a[0], fmt, [kv.split("=", 1) for kv in a[2:]]]).hex())
else:
    sys.exit("model.py: unknown command " + cmd)
PYEOF
M () { "$PY" -S -E "$T/model.py" "$@"; }

# qcheck KIND FILTER...: the query in json (the rows and fields the model
# expects), in csv (the same rows, RFC 4180, read by the csv module) and
# as a table (aligned, as many rows).
qcheck () {
    local kind=$1 msg n
    shift
    local what="$kind${*:+ $*}"
    run "$HUB" "$kind" "$@" --hub "$QUERY_EP" --format json || return 1
    if [ "$RC" != 0 ]; then
        fail "$what: exit $RC"
        show_last
        return 1
    fi
    cp "$T/.out" "$T/q.json"
    if msg=$(M check "$T" "$kind" "$@" <"$T/q.json" 2>&1); then
        pass "$what: json as the model says ($msg)"
    else
        fail "$what: json differs from the model" "$CMD"
        printf '%s\n' "$msg" | sed 's/^/       ! /'
    fi
    run "$HUB" "$kind" "$@" --hub "$QUERY_EP" --format csv || return 1
    if [ "$RC" = 0 ] && msg=$(M csv "$kind" "$T/q.json" <"$T/.out" 2>&1); then
        pass "$what: csv has the json's rows ($msg)"
    else
        fail "$what: csv (exit $RC) is not the json's rows" "$CMD"
        printf '%s\n' "$msg" | tail -3 | sed 's/^/       ! /'
    fi
    n=$(M count <"$T/q.json")
    run "$HUB" "$kind" "$@" --hub "$QUERY_EP" || return 1
    if [ "$RC" = 0 ]; then
        expect_table "$what: table of $n rows" "$n"
    else
        fail "$what: table exit $RC"
    fi
}

# refused_by_client KIND ARGS... -- NEEDLE: exit 64 from the command line
# alone (the --hub given has no hub behind it: asking one would take 10 s
# and exit 69), a message holding NEEDLE on stderr, nothing on stdout.
refused_by_client () {
    local args=() needle
    while [ "$1" != "--" ]; do args+=("$1"); shift; done
    needle=$2
    run "$HUB" "${args[@]}" --hub "tcp://127.0.0.1:$DEAD_PORT" || return 1
    if [ "$RC" = 64 ] && [ -z "$OUT" ] && [[ "$ERR" == *"$needle"* ]]; then
        pass "refused (64) by the client: $CMD"
        printf '     %s\n' "$(printf '%s' "$ERR" | head -1)"
    else
        fail "want exit 64, nothing on stdout and \"$needle\" on stderr"
        show_last
    fi
}

# refused_by_hub NAME K=V... -- NEEDLE: the QUERY, sent as it is (no client
# checks), is answered with status 64 and a text holding NEEDLE.
refused_by_hub () {
    local args=() needle hex
    while [ "$1" != "--" ]; do args+=("$1"); shift; done
    needle=$2
    hex=$(M query "${args[0]}" json "${args[@]:1}")
    run "$PROBE" "$QUERY_EP" --timeout 10000 "hex:$hex" || return 1
    if [[ "$OUT" == *"< ANSWER code=64 body=\""*"$needle"* ]]; then
        pass "refused (64) by the hub: ${args[*]}"
        printf '     %s\n' "$(printf '%s\n' "$OUT" | grep -m1 '< ANSWER')"
    else
        fail "hub: want ANSWER code=64 with \"$needle\" for ${args[*]}"
        show_last
    fi
}

# s_agents_match: the hub's listings (no filter) equal the union of the
# offices' own list commands, for all three kinds (verdicts come down).
s_agents_match () {
    local kind verb o files
    for kind in suggestions rb lke; do
        case $kind in suggestions) verb=suggestion ;; *) verb=$kind ;; esac
        "$HUB" "$kind" --hub "$QUERY_EP" --format json >"$T/m_hub.json" 2>/dev/null || return 1
        files=()
        for o in "${OFFICES[@]}"; do
            ag "$o" "$verb" list --format json >"$T/m_$o.json" 2>/dev/null || return 1
            files+=("$T/m_$o.json")
        done
        M agents "$kind" "$T/m_hub.json" "${files[@]}" >"$T/m_$kind.txt" 2>&1 || return 1
    done
}

# A port with no hub behind it: a query there runs in the background now
# (it waits its 10 s) and is checked at the end.
DEAD_PORT=$(free_port)
"$HUB" suggestions --hub "tcp://127.0.0.1:$DEAD_PORT" >"$T/nohub.out" 2>"$T/nohub.err" </dev/null &
NOHUB_PID=$!
ALL_PIDS+=("$NOHUB_PID")

section "help"
expect_exit 0 "$HUB" --help
expect_contains "$OUT" "suggestions [--office CODE]" "lontar-hub --help names the suggestions query"
expect_contains "$OUT" "rb [--office CODE]" "lontar-hub --help names the rb query"
expect_contains "$OUT" "lke [--office CODE]" "lontar-hub --help names the lke query"
expect_contains "$OUT" "rollup [--year Y] [--office CODE] [--area A]" "lontar-hub --help names rollup's --area"
for q in suggestions rb lke; do
    expect_exit 0 "$HUB" "$q" --help
    expect_contains "$OUT" "Usage: lontar-hub suggestions" "$q --help prints the listings' usage"
done
expect_exit 0 "$HUB" lke verify --help
expect_contains "$OUT" "lke verify OFFICE YEAR ITEM ANSWER" "lke verify --help is still lke verify's"

section "three offices write, the hub merges"
repl_hub_init
for o in "${OFFICES[@]}"; do repl_agent_init "$o"; done
hub_start
for o in "${OFFICES[@]}"; do agent_start "$o"; done
M gen "$T" "$YEAR_NOW" "$LONTAR_REF" || fail "model.py gen failed"
for o in "${OFFICES[@]}"; do
    expect_exit 0 ag "$o" import "$LONTAR_REF/sample-suggestions.csv"
    expect_exit 0 ag "$o" import "$LONTAR_REF/sample-action-plan.csv"
    expect_exit 0 ag "$o" import "$T/s_$o.csv"
    expect_exit 0 ag "$o" import "$T/rb_$o.csv"
    expect_exit 0 ag "$o" import "$T/lke_$o.csv"
done
. "$T/adds.sh"
for o in "${OFFICES[@]}"; do
    ag "$o" suggestion list --format json >"$T/list_s_$o.json"
    ag "$o" rb list --format json >"$T/list_rb_$o.json"
done
M ops "$T" || fail "model.py ops failed"
. "$T/ops.sh"
wait_synced 30 "${OFFICES[@]}"
. "$T/verify.sh"
check_union "${OFFICES[@]}"
if wait_until 30 s_agents_match; then
    pass "hub listings = the offices' own listings, verdicts included ($(cat "$T/m_suggestions.txt") suggestions, $(cat "$T/m_rb.txt") rb, $(cat "$T/m_lke.txt") lke)"
else
    fail "hub listings differ from the offices' own" "$(cat "$T"/m_*.txt 2>/dev/null)"
fi

Y2=$((YEAR_NOW - 2))
Y3=$((YEAR_NOW - 3))
TODAY=$(date -u -d '+7 hours' +%F)

section "suggestions"
qcheck suggestions
for o in "${OFFICES[@]}"; do qcheck suggestions --office "$o"; done
for st in received verified on_hold not_our_authority referred in_progress done archived; do
    qcheck suggestions --status "$st"
done
for cl in suggestion complaint information_request whistleblowing; do
    qcheck suggestions --class "$cl"
done
qcheck suggestions --overdue
qcheck suggestions --open
qcheck suggestions --year "$Y2"
qcheck suggestions --year "$YEAR_NOW"
qcheck suggestions --year 2021
qcheck suggestions --from "$Y3-03-01" --to "$Y3-09-30"
qcheck suggestions --from "$Y2-08-15" --to "$Y2-08-15"
qcheck suggestions --from "$TODAY"
qcheck suggestions --to 2021-12-31
qcheck suggestions --office 3503 --year "$Y2"
qcheck suggestions --office 3512 --year "$Y3" --open
qcheck suggestions --office 3578 --open --overdue --class complaint
qcheck suggestions --office 3503 --status done --from "$Y3-01-01" --to "$Y2-12-31"
qcheck suggestions --open --year "$YEAR_NOW" --status verified
qcheck suggestions --office 3578 --year 2030

section "rb"
qcheck rb
for o in "${OFFICES[@]}"; do qcheck rb --office "$o"; done
qcheck rb --year 2021
qcheck rb --year "$YEAR_NOW"
for a in 1 4 8; do qcheck rb --area "$a"; done
for st in planned in_progress done cancelled; do qcheck rb --status "$st"; done
qcheck rb --overdue
qcheck rb --office 3503 --year 2021 --overdue
qcheck rb --office 3512 --area 4 --status in_progress
qcheck rb --office 3578 --year "$((YEAR_NOW + 1))" --status done

section "lke"
qcheck lke
for o in "${OFFICES[@]}"; do qcheck lke --office "$o"; done
qcheck lke --year "$YEAR_NOW"
qcheck lke --year "$((YEAR_NOW - 1))"
ITEM=$("$PY" -S -E -c 'import json,sys; print(json.load(open(sys.argv[1]))["item_pick"])' "$T/model.json")
qcheck lke --item "$ITEM"
qcheck lke --verified
qcheck lke --unverified
qcheck lke --office 3503 --year "$YEAR_NOW" --verified
qcheck lke --office 3503 --year "$YEAR_NOW" --item "$ITEM"
qcheck lke --office 3512 --unverified --item "$ITEM"
qcheck lke --office 3578 --verified

section "rollup --area: one area of change"
# The area's action-plan figures are the full rollup's action_plan.areas.A
# (the province test recomputes both from the records); its LKE max adds
# up over the areas to the instrument's max, and its scores to the score
# (each rounded once: within 0.005 a term).
for y in "$YEAR_NOW" "$((YEAR_NOW - 1))"; do
    "$HUB" rollup --year "$y" --hub "$QUERY_EP" --format json >"$T/rollup_$y.json" 2>&1 \
        || fail "rollup --year $y failed" "$(cat "$T/rollup_$y.json")"
    for a in 1 2 3 4 5 6 7 8; do
        "$HUB" rollup --year "$y" --area "$a" --hub "$QUERY_EP" --format json \
            >"$T/rollup_${y}_$a.json" 2>&1 || fail "rollup --year $y --area $a failed" \
            "$(cat "$T/rollup_${y}_$a.json")"
    done
    run cat "$T/rollup_$y.json"
    expect_py "rollup --area 1-8, year $y: the areas' figures add up to the rollup's" '
from decimal import Decimal as D
y, t = '"$y"', "'"$T"'"
d = json.loads(raw, parse_float=D)
areas = {a: json.load(open("%s/rollup_%d_%d.json" % (t, y, a)), parse_float=D) for a in range(1, 9)}
rows = {r["office"]: r for r in d["offices"]}
rows["total"] = d["total"]
for a, got in areas.items():
    assert got["year"] == y and got["province"] == "35" and got["area"] == a, (a, list(got)[:4])
    assert [r["office"] for r in got["offices"]] == [r["office"] for r in d["offices"]], a
    for r in got["offices"] + [got["total"]]:
        assert sorted(r) == ["action_plan", "lke", "name", "office"], r
        assert sorted(r["action_plan"]) == ["done", "items", "mean_progress"], r
        assert sorted(r["lke"]) == ["max", "score", "verified_score"], r
        want = rows[r["office"]]["action_plan"]["areas"][str(a)]
        assert r["action_plan"] == want, (a, r["office"], r["action_plan"], want)
        assert r["name"] == rows[r["office"]]["name"], r
answered = 0
for o, full in rows.items():
    lke = [areas[a]["total"]["lke"] if o == "total" else
           [r for r in areas[a]["offices"] if r["office"] == o][0]["lke"] for a in range(1, 9)]
    assert sum(l["max"] for l in lke) == full["lke"]["max"], (o, lke, full["lke"])
    for k in ("score", "verified_score"):
        if full["lke"][k] is None:
            assert all(l[k] is None for l in lke), (o, k, lke)
        else:
            answered += k == "score"
            s = sum(l[k] for l in lke)
            assert abs(s - full["lke"][k]) <= D("0.04"), (o, k, s, full["lke"][k])
print(answered, "rows with a score")
'
done
run "$HUB" rollup --area 4 --office 3512 --hub "$QUERY_EP" --format csv
expect_csv "rollup --area 4 --office 3512, csv: the office and the total, the area's columns" '
assert [r["office"] for r in rows] == ["3512", "total"], rows
assert list(rows[0]) == ["office", "name", "action_plan.items", "action_plan.done",
                         "action_plan.mean_progress", "lke.score", "lke.verified_score",
                         "lke.max"], list(rows[0])
figures = lambda r: [v for k, v in r.items() if k not in ("office", "name")]
assert figures(rows[0]) == figures(rows[1]), rows'
run "$HUB" rollup --area 4 --hub "$QUERY_EP"
expect_eq "$RC" 0 "rollup --area 4 (table) exits 0"
if msg=$(printf '%s\n' "$OUT" | "$PY" -S -E -c '
import re, sys
lines = sys.stdin.read().split("\n")[:-1]
assert re.fullmatch(r"Province 35, year \d{4}, area of change 4", lines[0]), lines[0]
head, rule, body = lines[1], lines[2], lines[3:]
assert head.split() == ["Office", "Name", "RB", "items", "Done", "Progress", "%", "Score",
                        "Verified", "Max"], head
assert re.fullmatch(r"-+(  -+)*", rule), rule
assert len(body) == 39 and body[-1].startswith("total "), (len(body), body[-1:])
assert all(len(l) <= len(rule) for l in body), "a row is wider than the rule"
' 2>&1); then
    pass "the table: a title naming the area, the area's columns, 38 offices and the total"
else
    fail "rollup --area 4 table" "$msg"
fi
run "$HUB" rollup --help
expect_contains "$OUT" "--area A" "rollup --help names --area"

section "the subject with a comma, a quote and UTF-8, exactly"
run "$HUB" suggestions --office 3503 --from "$TODAY" --hub "$QUERY_EP" --format csv
expect_contains "$OUT" '"Baru 3503: koma, ""kutip"" dan ünïcödé ✓"' "csv quotes the subject (comma, doubled quote) and keeps its UTF-8"
expect_csv "the csv module reads back the subject and text exactly" '
subjects = {r["subject"]: r for r in rows}
s = subjects["Baru 3503: koma, \"kutip\" dan \u00fcn\u00efc\u00f6d\u00e9 \u2713"]
assert s["text"] == "Isi, dengan \"kutip\" \u2014 3503", s
assert s["status"] == "verified" and s["overdue"] == "no", s
c = subjects["Rahasia baru 3503"]
assert c["privacy"] == "confidential" and c["text"] == "", c'
run "$HUB" suggestions --office 3503 --from "$TODAY" --hub "$QUERY_EP"
expect_table "the table aligns UTF-8 subjects (counted in characters)" 2

section "confidential text and reporters never reach the hub"
for q in suggestions rb lke; do
    for f in json csv table; do
        "$HUB" "$q" --hub "$QUERY_EP" --format "$f" >"$T/all_$q.$f" 2>&1
    done
done
if msg=$(M secrets "$T" "$T"/all_*.* "$HUB_DIR/data.mdb" 2>&1); then
    pass "no confidential text, reporter name or contact in any hub answer or in the hub's store: $msg"
else
    fail "confidential text or a reporter reached the hub" "$msg"
fi

section "bad filters: refused by the client"
refused_by_client suggestions --status bogus -- "received, verified, on_hold, not_our_authority, referred, in_progress, done, archived"
refused_by_client suggestions --class bogus -- "suggestion, complaint, information_request, whistleblowing"
refused_by_client rb --status received -- "planned, in_progress, done, cancelled"
refused_by_client suggestions --year 1999 -- "--year must be a whole number from 2000 to 2100"
refused_by_client rb --year 20x6 -- "--year must be"
refused_by_client rb --area 9 -- "--area must be a whole number from 1 to 8"
refused_by_client suggestions --from 2024-02-30 -- "--from must be a date YYYY-MM-DD"
refused_by_client suggestions --to yesterday -- "--to must be a date YYYY-MM-DD"
refused_by_client suggestions --from 2025-02-01 --to 2025-01-01 -- "is after --to"
refused_by_client suggestions --office 35O3 -- "--office must be an office code"
refused_by_client lke --office 3 -- "--office must be an office code"
refused_by_client lke --item a1.3 -- "--item must be an item code"
refused_by_client lke --verified --unverified -- "exclude each other"
refused_by_client suggestions --area 1 -- "Usage: lontar-hub suggestions"
refused_by_client rollup --area 0 -- "--area must be a whole number from 1 to 8, not \"0\""
refused_by_client rollup --area 9 -- "--area must be a whole number from 1 to 8, not \"9\""
refused_by_client rollup --area x -- "--area must be a whole number from 1 to 8, not \"x\""
refused_by_client rollup --area "" -- "--area must be a whole number from 1 to 8"
refused_by_client offices --area 1 -- "--area goes with rollup"
refused_by_client rb --class complaint -- "Usage: lontar-hub suggestions"
refused_by_client lke --status done -- "Usage: lontar-hub suggestions"
refused_by_client rb --open -- "Usage: lontar-hub suggestions"
refused_by_client suggestions 3503 -- "unexpected argument \"3503\""
refused_by_client suggestions --format xml -- "--format must be table, csv or json"

section "bad filters: refused by the hub (the client passes them on)"
run "$HUB" suggestions --office 3320 --hub "$QUERY_EP"
if [ "$RC" = 64 ] && [ -z "$OUT" ] && [[ "$ERR" == *'office "3320" is not an office of province 35'* ]]; then
    pass "an office of another province: the hub answers 64 and the client exits 64"
else
    fail "suggestions --office 3320: want 64 from the hub"; show_last
fi
for q in conflicts dead-letters offices; do
    run "$HUB" "$q" --office 9999 --hub "$QUERY_EP"
    if [ "$RC" = 64 ] && [ -z "$OUT" ] && [[ "$ERR" == *"$q: office \"9999\" is not an office of province 35"* ]]; then
        pass "$q --office 9999: the hub answers 64, as the record listings do"
    else
        fail "$q --office 9999: want 64 from the hub"; show_last
    fi
done
run "$HUB" lke --item Z9.9 --hub "$QUERY_EP"
if [ "$RC" = 64 ] && [[ "$ERR" == *'item "Z9.9" is not an item'* ]]; then
    pass "an item of no instrument: the hub answers 64"
else
    fail "lke --item Z9.9: want 64 from the hub"; show_last
fi

section "bad arguments sent raw: the hub answers 64"
if [ -x "$PROBE" ]; then
    hex=$(M query suggestions json office=3578)
    run "$PROBE" "$QUERY_EP" --timeout 10000 "hex:$hex"
    expect_contains "$OUT" "< ANSWER code=0 body=\"[" "a well-formed raw query is answered (code 0, a json array)"
    refused_by_hub suggestions area=1 -- 'suggestions takes no argument "area"; it takes office, status, class, overdue, open, from, to, year'
    refused_by_hub rb class=complaint -- 'rb takes no argument "class"'
    refused_by_hub lke status=done -- 'lke takes no argument "status"'
    refused_by_hub suggestions status=bogus -- 'status "bogus" is not one of: received, verified'
    refused_by_hub rb status=received -- 'is not one of: planned, in_progress, done, cancelled'
    refused_by_hub suggestions class=bogus -- 'is not one of: suggestion, complaint'
    refused_by_hub suggestions year=1999 -- 'year "1999" is not a year 2000-2100'
    refused_by_hub rb year=+2026 -- 'year "+2026" is not a year'
    refused_by_hub rb area=0 -- 'area "0" is not an area of change 1-8'
    refused_by_hub rollup area=9 -- 'area "9" is not an area of change from 1 to 8'
    refused_by_hub rollup area=x -- 'area "x" is not an area of change from 1 to 8'
    refused_by_hub rollup area=3x year=2026 -- 'area "3x" is not an area of change from 1 to 8'
    refused_by_hub suggestions from=2024-02-30 -- 'from "2024-02-30" is not a date'
    refused_by_hub suggestions from=2025-02-01 to=2025-01-01 -- 'from 2025-02-01 is after to 2025-01-01'
    refused_by_hub suggestions overdue=true -- 'overdue "true" is not yes or no'
    refused_by_hub lke verified=maybe -- 'verified "maybe" is not yes or no'
    refused_by_hub suggestions office=3320 -- 'office "3320" is not an office of province 35'
    refused_by_hub rb office= -- 'office "" is not an office'
    refused_by_hub lke item=Z9.9 -- 'item "Z9.9" is not an item'
    refused_by_hub suggestions office=3503 office=3512 -- 'argument "office" is given twice'
else
    fail "no wire_probe at $PROBE (build the wire_probe target)"
fi

section "standard output that cannot be written"
for q in "suggestions" "rollup --format csv" "lke --format json"; do
    # shellcheck disable=SC2086 # the words of q are its arguments
    "$HUB" $q --hub "$QUERY_EP" >/dev/full 2>"$T/full.err" </dev/null
    expect_eq "$?" 74 "$q >/dev/full exits 74"
    expect_contains "$(cat "$T/full.err")" \
        "lontar-hub: writing to standard output failed: No space left on device" \
        "$q names standard output and the reason"
done

section "a --hub that is no endpoint is a usage error"
for ep in garbage tcp:// 'tcp://127.0.0.1'; do
    run "$HUB" rollup --hub "$ep" || continue
    if [ "$RC" = 64 ] && [ -z "$OUT" ] \
        && [[ "$ERR" == *"--hub \"$ep\" is not a ZeroMQ endpoint"* ]]; then
        pass "refused (64), the endpoint named: $CMD"
    else
        fail "want exit 64 and the bad endpoint named"; show_last
    fi
done

section "an empty --data is refused; a backup that cannot be made says why"
expect_exit 64 "$HUB" verify --data ''
expect_contains "$ERR" "--data is empty" "the empty --data is named"
expect_exit 64 "$HUB" backup "$T/hub-copy.mdb" --data ''
expect_exit 64 "$HUB" lke verify 3503 2026 A1.1 Y --data ''
expect_contains "$ERR" "--data is empty" "lke verify: the empty --data is named"
expect_exit 64 "$HUB" instrument load "$LONTAR_REF/instrument-permenpanrb-26-2020-pemenuhan.csv" --data ''
expect_exit 64 "$HUB" reference list --data ''
[ ! -e "$T/hub-copy.mdb" ] && pass "no backup of another store is made" \
    || fail "backup --data '' wrote $T/hub-copy.mdb"
expect_exit 74 "$HUB" backup "$T/no-such-dir/hub.mdb" --data "$HUB_DIR"
expect_contains "$ERR" "$T/no-such-dir/hub.mdb: No such file or directory" \
    "a backup that cannot be made names the file and the reason"

section "no hub running"
wait "$NOHUB_PID"
rc=$?
expect_eq "$rc" 69 "a query with no hub at --hub exits 69"
expect_contains "$(cat "$T/nohub.err")" "did not answer in 10 s; is lontar-hub run going" "and says the hub did not answer, and what to check"
expect_eq "$(cat "$T/nohub.out")" "" "and prints nothing on stdout"

section "the hub's rollups still equal its records"
expect_exit 0 "$HUB" verify --data "$HUB_DIR"
expect_contains "$OUT" "rollups equal the records"

repl_finish
