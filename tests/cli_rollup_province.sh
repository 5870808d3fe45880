# cli_rollup_province.sh - the province rollup against an independent
# recomputation. A hub of province 35 and its offices' agents replicate a
# seeded year of records (tests/gen_province.py: suggestions, action
# plans, LKE answers, then staff actions along legal paths and assessors'
# verdicts); `lontar-hub rollup --format json` must then equal, field by
# field for every office and the total, what plain Python computes here
# from each office's own records (its `lontar-agent export` and, for the
# status history that export does not hold, the suggestion bodies in its
# store, decoded per proto/PROTOCOL.md 5.2) and the reference data CSVs:
# exact fractions, half-up rounding, grade bands with exclusive lower
# bounds (docs/ROLLUP.md). So must `rollup --area A` of each of the eight
# areas (the area's action plan and LKE points). Nothing here uses the
# rollup code.
#
# Phases, each followed by the comparison and `lontar-hub verify`:
#   1. import and staff actions of the year, verdicts;
#   2. more: status changes, archiving, LKE re-answers, cancellations, new
#      suggestions received now, deletes (hapus) of suggestions, action-plan
#      items and LKE answers (some answered again); the recomputation leaves
#      out every record whose office section is a tombstone in the office's
#      store, and the hub's listings must hold exactly the exports' records;
#   3. a large import at a few offices, the hub SIGKILLed in the middle of
#      that stream while staff keep working, restarted.
# Boundary cases (a year of their own, B): a suggestion due across a
# weekend and 17 August answered on its due date and a day later (the
# test's reference data counts information requests' resolve period in
# working days, the others keep calendar days), field-check complaints,
# LKE scores exactly on a grade band edge (80.00 is BB, 90.00 is A, 30.00
# is D, 80.0003 rounds to 80.00: BB), a score of 0 (D), a tie in
# evidence_share (1 of 32), and an office with no data at all.
#
# Environment: LONTAR_SEED (default: random; printed, replay with it),
# LONTAR_ROLLUP_OFFICES (generated offices: a number, or "all" for the
# 38; default all: about 95 s on 2 CPUs, 30 s with 8), LONTAR_ROLLUP_BIG_ROWS
# (suggestions of each large import, default 4000), LONTAR_KEEP (keep the
# folder).
# Run by CTest as `bash tests/cli_rollup_province.sh BINDIR`.
. "$(dirname "$0")/lib_repl.sh" "$@"

GEN=$LONTAR_SRC/tests/gen_province.py
SEED=${LONTAR_SEED:-$(( (RANDOM << 15) | RANDOM ))}
NOFF=${LONTAR_ROLLUP_OFFICES:-all}
YEAR=$YEAR_PREV                      # the generated year
NOW_LOCAL=$(date -u -d '+7 hours -1 hour' '+%Y-%m-%d %H:%M')
echo "seed $SEED, $NOFF offices, year $YEAR (replay: LONTAR_SEED=$SEED LONTAR_ROLLUP_OFFICES=$NOFF)"
T_ALL=$(now)

# The test's reference data: the project's, with information requests'
# resolve period in working days (the shipped table counts every resolve
# period in calendar days), so both kinds of period are checked.
mkdir -p "$T/ref"
cp "$LONTAR_REF"/*.csv "$T/ref/"
sed -i 's/^information_request,3,working,5,calendar$/information_request,3,working,5,working/' \
    "$T/ref/sla-defaults.csv"
grep -q '^information_request,3,working,5,working$' "$T/ref/sla-defaults.csv" \
    || fail "could not set the test's SLA row for information_request"
export LONTAR_REF=$T/ref

# The boundary year B: the latest of the years before last whose 17 August
# falls on a weekday, and the Friday before it.
read -r BYEAR BFRI < <("$PY" -S -E -c '
import datetime as dt, sys
now = int(sys.argv[1])
for y in range(now - 2, now - 9, -1):
    h = dt.date(y, 8, 17)
    if h.weekday() < 5:
        f = h - dt.timedelta(days=(h.weekday() - 4) % 7 or 7)
        print(y, f.isoformat())
        break' "$YEAR_NOW")

# ---- offices -----------------------------------------------------------------

mapfile -t PROVINCE < <(awk -F, '$2 == "35" { print $1 }' "$LONTAR_REF/offices.csv")
if [ "$NOFF" = all ]; then
    GENERATED=("${PROVINCE[@]}")
else
    GENERATED=("${PROVINCE[@]:0:$NOFF}")
fi
EDGE_LKE=(3571 3572 3573 3574 3575)  # grade band edges, year B
EDGE_SUGG=3576                       # due dates across 17 August, year B
EMPTY=3579                           # an agent with no records at all
OFFICES=()
declare -A SEEN
for o in "${GENERATED[@]}" "${EDGE_LKE[@]}" "$EDGE_SUGG" "$EMPTY"; do
    [ -n "${SEEN[$o]:-}" ] && continue
    SEEN[$o]=1
    OFFICES+=("$o")
done
echo "agents: ${OFFICES[*]}"

# ---- the recomputation -------------------------------------------------------

# recompute.py REF STORES EXPORTS ROLLUPS T0 T1 OFFICE...: EXPORTS holds
# OFFICE.json (the office's export) and ROLLUPS rollup-YEAR.json (the hub's
# answer, asked between the instants T0 and T1); each agent's store is
# STORES/aOFFICE. Compares every field and prints each difference; exit 1 on
# any. Writes the expected rows to ROLLUPS/expected-YEAR.json.
cat >"$T/recompute.py" <<'PYEOF'
import csv, datetime as dt, json, math, os, sys
from decimal import Decimal
from fractions import Fraction as F

ref, root, exports, rollups, t0, t1 = sys.argv[1:7]
agents = sys.argv[7:]
INSTRUMENT = "permenpanrb-26-2020-pemenuhan"
STATUSES = ["received", "verified", "on_hold", "not_our_authority", "referred",
            "in_progress", "done", "archived"]
CHANNELS = ["website", "suggestion_box", "letter", "in_person", "phone", "lapor", "social_media"]
CLASSES = ["suggestion", "complaint", "information_request", "whistleblowing"]
CLOSED = {"done", "archived", "not_our_authority"}

def rows(name):
    with open(os.path.join(ref, name), encoding="utf-8", newline="") as f:
        return list(csv.reader([l for l in f if l.strip() and not l.startswith("#")]))

# -- reference data
offices = [(r[0], r[3]) for r in rows("offices.csv")[1:] if r[1] == "35"]
offset = {r[0]: int(r[2]) for r in rows("provinces.csv")[1:]}
holidays = {dt.date.fromisoformat(r[0]) for r in rows("holidays.csv")[1:]}
sla = {r[0]: (int(r[1]), r[2] == "working", int(r[3]), r[4] == "working")
       for r in rows("sla-defaults.csv")[1:]}
bands = [(r[0], F(r[1]), F(r[2])) for r in rows("grade-bands.csv")[1:]]
values = {}
for t, a, v in rows("answer-types.csv")[1:]:
    values.setdefault(t, {})[a] = None if "answer" in v else F(v)
weight, items, relsum = {}, {}, {}
for r in rows("instrument-%s.csv" % INSTRUMENT):
    if len(r) > 5 and r[2] == "area":
        weight[int(r[3])] = F(r[4])
    elif len(r) > 5 and r[2] == "item":
        items[r[0]] = (int(r[3]), F(r[4]), r[5])
        relsum[int(r[3])] = relsum.get(int(r[3]), 0) + F(r[4])
MAX = sum(weight[a] for a in relsum)

def value(kind, answer):
    if values[kind].get(answer) is not None:
        return values[kind][answer]
    if kind == "PCT":
        return F(answer) / 100
    raise ValueError("answer %s is not a %s answer" % (answer, kind))

def points(item, answer):
    area, rel, kind = items[item]
    return weight[area] * rel / relsum[area] * value(kind, answer)

def half_up(x, places):
    q = 10 ** places
    return Decimal(math.floor(F(x) * q + F(1, 2))) / q

def grade(percent):
    p = F(half_up(percent, 2))
    for g, above, up_to in bands:
        if above < p <= up_to:
            return g
    return min(bands, key=lambda b: b[1])[0]     # a score of 0 is the lowest band

def working(d):
    return d.weekday() < 5 and d not in holidays

def add_days(day, n, is_working):
    if not is_working:
        return day + dt.timedelta(days=n)
    while n > 0:
        day += dt.timedelta(days=1)
        if working(day):
            n -= 1
    return day

def local_day(ms, off):
    return dt.date(1970, 1, 1) + dt.timedelta(days=(ms // 1000 + off * 60) // 86400)

def progress(r):
    # docs/ROLLUP.md: realisation / target, capped at 100 %, taken to 10^-9
    # of an item (rounded down); the mean over items is rounded (half up)
    # once, when shown.
    p = min(F(r["realisation"]) / F(r["target"]), 1)
    return F(int(p * 10**9), 10**9)

def nearest_rank(days, pct):
    if not days:
        return None
    s = sorted(days)
    return s[max(1, math.ceil(F(pct, 100) * len(s))) - 1]

# -- msgpack, enough for the store's records (proto/PROTOCOL.md 5.1, 5.2)
def unpack(b, i=0):
    t = b[i]
    if t <= 0x7F: return t, i + 1
    if t >= 0xE0: return t - 256, i + 1
    if 0xA0 <= t <= 0xBF:
        n = t & 0x1F
        return b[i + 1:i + 1 + n].decode(), i + 1 + n
    if 0x90 <= t <= 0x9F or t in (0xDC, 0xDD):
        if t <= 0x9F: n, i = t & 0x0F, i + 1
        else:
            w = 2 if t == 0xDC else 4
            n, i = int.from_bytes(b[i + 1:i + 1 + w], "big"), i + 1 + w
        out = []
        for _ in range(n):
            v, i = unpack(b, i)
            out.append(v)
        return out, i
    if 0x80 <= t <= 0x8F or t in (0xDE, 0xDF):
        if t <= 0x8F: n, i = t & 0x0F, i + 1
        else:
            w = 2 if t == 0xDE else 4
            n, i = int.from_bytes(b[i + 1:i + 1 + w], "big"), i + 1 + w
        out = {}
        for _ in range(n):
            k, i = unpack(b, i)
            out[k], i = unpack(b, i)
        return out, i
    if t == 0xC0: return None, i + 1
    if t == 0xC2: return False, i + 1
    if t == 0xC3: return True, i + 1
    if t in (0xC4, 0xC5, 0xC6, 0xD9, 0xDA, 0xDB):
        w = {0xC4: 1, 0xC5: 2, 0xC6: 4, 0xD9: 1, 0xDA: 2, 0xDB: 4}[t]
        n = int.from_bytes(b[i + 1:i + 1 + w], "big")
        raw = b[i + 1 + w:i + 1 + w + n]
        return (raw if t <= 0xC6 else raw.decode()), i + 1 + w + n
    if t in (0xCC, 0xCD, 0xCE, 0xCF):
        w = 1 << (t - 0xCC)
        return int.from_bytes(b[i + 1:i + 1 + w], "big"), i + 1 + w
    if t in (0xD0, 0xD1, 0xD2, 0xD3):
        w = 1 << (t - 0xD0)
        return int.from_bytes(b[i + 1:i + 1 + w], "big", signed=True), i + 1 + w
    raise ValueError("msgpack byte %02x" % t)

def record_values(store):
    """The values of the office's records (kinds 1-3): store.py's read(),
    which knows the trees records/<kind>/<office> (common/lnt_store.c)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import store as store_py
    return list(store_py.read(store).values())

def histories(store):
    """{suggestion id: [(status, ms)]} from the office's own store: the
    export does not hold the status history (nor does `suggestion show
    --format json`), so it is read from the bodies, proto/PROTOCOL.md 5.2."""
    out = {}
    for value in record_values(store):
        rec, _ = unpack(value)
        if rec[0] != 1 or not rec[3] or rec[3][2]:
            continue
        s, _ = unpack(rec[3][3])
        out[rec[1]] = [(STATUSES[h[0]], h[1]) for h in s[9]]
    return out

def tombstones(store):
    """The ids of the office's records (kinds 1-3) whose office section is
    a tombstone: deleted (hapus), they count nowhere (proto/PROTOCOL.md 5.1:
    a section is [version, node, deleted, body])."""
    out = set()
    for value in record_values(store):
        rec, _ = unpack(value)
        if rec[0] in (1, 2, 3) and rec[3] and rec[3][2]:
            out.add(rec[1])
    return out

# -- the offices' own records
data = {}
for o in agents:
    with open(os.path.join(exports, o + ".json"), encoding="utf-8") as f:
        data[o] = json.load(f, parse_float=Decimal)
    data[o]["history"] = histories(os.path.join(root, "a" + o))

problems = []
notes = []

# Deleted records are left out, whatever the export says: one the export
# still lists is a problem of its own.
deleted = 0
for o in agents:
    gone = tombstones(os.path.join(root, "a" + o))
    deleted += len(gone)
    for kind in ("suggestions", "rb", "lke"):
        leaked = [r["id"] for r in data[o][kind] if r["id"] in gone]
        if leaked:
            problems.append("%s: export lists deleted records %s" % (o, leaked[:3]))
        data[o][kind] = [r for r in data[o][kind] if r["id"] not in gone]

def office_row(o, name, year, today):
    off = offset[o[:2]]
    d = data.get(o, {"suggestions": [], "rb": [], "lke": [], "history": {}})
    S = {"received": 0, "open": 0, "overdue": 0, "answered_in_time": 0}
    by = {"by_status": dict.fromkeys(STATUSES, 0), "by_channel": dict.fromkeys(CHANNELS, 0),
          "by_class": dict.fromkeys(CLASSES, 0)}
    days, edges = [], {}
    for s in d["suggestions"]:
        rday = dt.date.fromisoformat(s["received"][:10])
        if rday.year != year:
            continue
        if s["year"] != year:
            problems.append("%s: export says year %s for %s received %s" % (o, s["year"], s["id"], s["received"]))
        cls = "complaint_field_check" if s["class"] == "complaint" and s["field_check"] else s["class"]
        vd, vw, rd, rw = sla[cls]
        due = add_days(rday, rd, rw)
        if s["resolve_due"] != due.isoformat() or s["verify_due"] != add_days(rday, vd, vw).isoformat():
            problems.append("%s %s: the office's due dates %s/%s, the SLA and calendar give %s/%s"
                            % (o, s["id"], s["verify_due"], s["resolve_due"],
                               add_days(rday, vd, vw), due))
        hist = d["history"].get(s["id"])
        if hist:
            hist = [(st, local_day(ms, off)) for st, ms in hist]
        if isinstance(s.get("history"), list):
            # An export that holds the history ([{"status", "at" local
            # time, ...}]) is used, and must agree with the store.
            mine = [(h["status"], dt.date.fromisoformat(h["at"][:10])) for h in s["history"]]
            if hist and mine != hist:
                problems.append("%s %s: exported history %s, store %s" % (o, s["id"], mine, hist))
            hist = mine
        if not hist or hist[-1][0] != s["status"] or hist[0][0] != "received" \
                or hist[0][1] != rday:
            problems.append("%s %s: store history %s does not match export status %s received %s"
                            % (o, s["id"], hist, s["status"], s["received"]))
            continue
        S["received"] += 1
        by["by_status"][s["status"]] += 1
        by["by_channel"][s["channel"]] += 1
        by["by_class"][s["class"]] += 1
        is_open = s["status"] not in CLOSED
        S["open"] += is_open
        S["overdue"] += is_open and due < today
        done = [day for st, day in hist if st == "done"]
        in_time = bool(done) and done[0] <= due
        S["answered_in_time"] += in_time
        if len(hist) > 1:
            days.append(min(366, max(0, (hist[1][1] - rday).days)))
        if "[edge-" in s["subject"]:
            edges[s["subject"]] = {"due": due.isoformat(), "in_time": in_time,
                                   "done": done[0].isoformat() if done else None}
    S["median_days"] = nearest_rank(days, 50)
    S["p90_days"] = nearest_rank(days, 90)
    S.update(by)
    # action plan
    A = {"items": 0, "done": 0, "overdue": 0}
    prog, area_prog = [], {a: [] for a in range(1, 9)}
    area_done = dict.fromkeys(range(1, 9), 0)
    for r in d["rb"]:
        if r["year"] != year or r["status"] == "cancelled":
            continue
        p = progress(r)
        A["items"] += 1
        A["done"] += r["status"] == "done"
        A["overdue"] += r["status"] != "done" and r["due"] is not None \
            and dt.date.fromisoformat(r["due"]) < today
        prog.append(p)
        area_prog[r["area"]].append(p)
        area_done[r["area"]] += r["status"] == "done"
    mean = lambda ps: half_up(sum(ps, F(0)) / len(ps) * 100, 2) if ps else None
    A["mean_progress"] = mean(prog)
    A["areas"] = {str(a): {"items": len(area_prog[a]), "done": area_done[a],
                           "mean_progress": mean(area_prog[a])} for a in range(1, 9)}
    # LKE
    ans = [a for a in d["lke"] if a["year"] == year and a["instrument"] == INSTRUMENT]
    score = sum((points(a["item"], a["answer"]) for a in ans), F(0))
    ver = [a for a in ans if a["verified_answer"] is not None]
    vscore = sum((points(a["item"], a["verified_answer"]) for a in ver), F(0))
    ev = sum(1 for a in ans if a["evidence"])
    L = {"answers": len(ans), "score": half_up(score, 2) if ans else None,
         "verified_score": half_up(vscore, 2) if ver else None, "max": half_up(MAX, 2),
         "grade": grade(score / MAX * 100) if ans else None,
         "evidence_share": half_up(F(ev, len(ans)), 4) if ans else None}
    row = {"office": o, "name": name, "suggestions": S, "action_plan": A, "lke": L}
    raw = {"days": days, "prog": prog, "area_prog": area_prog, "area_done": area_done,
           "score": score if ans else None, "vscore": vscore if ver else None,
           "answers": len(ans), "evidence": ev, "edges": edges}
    # per area of change: (self-assessed, verified) points, for --area
    raw["area_lke"] = {a: (sum((points(x["item"], x["answer"]) for x in ans
                                if items[x["item"]][0] == a), F(0)),
                           sum((points(x["item"], x["verified_answer"]) for x in ver
                                if items[x["item"]][0] == a), F(0))) for a in range(1, 9)}
    return row, raw

def total_row(rows, raws):
    T = {"office": "total", "name": "35"}
    S = {k: sum(r["suggestions"][k] for r in rows)
         for k in ("received", "open", "overdue", "answered_in_time")}
    days = [x for w in raws for x in w["days"]]
    S["median_days"], S["p90_days"] = nearest_rank(days, 50), nearest_rank(days, 90)
    for g in ("by_status", "by_channel", "by_class"):
        S[g] = {k: sum(r["suggestions"][g][k] for r in rows) for k in rows[0]["suggestions"][g]}
    A = {k: sum(r["action_plan"][k] for r in rows) for k in ("items", "done", "overdue")}
    prog = [p for w in raws for p in w["prog"]]
    mean = lambda ps: half_up(sum(ps, F(0)) / len(ps) * 100, 2) if ps else None
    A["mean_progress"] = mean(prog)
    A["areas"] = {}
    for a in range(1, 9):
        ps = [p for w in raws for p in w["area_prog"][a]]
        A["areas"][str(a)] = {"items": len(ps), "done": sum(w["area_done"][a] for w in raws),
                              "mean_progress": mean(ps)}
    scores = [w["score"] for w in raws if w["score"] is not None]
    vscores = [w["vscore"] for w in raws if w["vscore"] is not None]
    n = sum(w["answers"] for w in raws)
    ev = sum(w["evidence"] for w in raws)
    ms = sum(scores, F(0)) / len(scores) if scores else None
    L = {"answers": n, "score": half_up(ms, 2) if scores else None,
         "verified_score": half_up(sum(vscores, F(0)) / len(vscores), 2) if vscores else None,
         "max": half_up(MAX, 2), "grade": grade(ms / MAX * 100) if scores else None,
         "evidence_share": half_up(F(ev, n), 4) if n else None}
    T.update({"suggestions": S, "action_plan": A, "lke": L})
    return T

def compare(path, want, got, out):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            out.append((path, want, got))
            return
        for k in want:
            if k not in got:
                out.append((path + "." + k, want[k], "(missing)"))
            else:
                compare(path + "." + k, want[k], got[k], out)
    elif want is None or got is None or isinstance(want, str):
        if want != got:
            out.append((path, want, got))
    elif isinstance(got, bool) or Decimal(want) != Decimal(got):
        out.append((path, want, got))

def area_table(year, a, want, raws):
    """`rollup --area A` from the recomputed rows (docs/ROLLUP.md): the
    area's action plan, and its LKE points under the instrument; null
    score without answers, the total's scores the mean over offices."""
    mx = weight[a] if a in relsum else None
    rows, s_all, v_all = [], [], []
    for r, w in zip(want["offices"], raws):
        s, v = w["area_lke"][a]
        s = s if w["score"] is not None and mx else None
        v = v if w["vscore"] is not None and mx else None
        s_all += [s] if s is not None else []
        v_all += [v] if v is not None else []
        rows.append({"office": r["office"], "name": r["name"],
                     "action_plan": r["action_plan"]["areas"][str(a)],
                     "lke": {"score": None if s is None else half_up(s, 2),
                             "verified_score": None if v is None else half_up(v, 2),
                             "max": None if mx is None else half_up(mx, 2)}})
    mean = lambda xs: half_up(sum(xs, F(0)) / len(xs), 2) if xs else None
    total = {"office": "total", "name": "35",
             "action_plan": want["total"]["action_plan"]["areas"][str(a)],
             "lke": {"score": mean(s_all), "verified_score": mean(v_all),
                     "max": None if mx is None else half_up(mx, 2)}}
    return rows, total

def compare_area(year, a, path, want, raws):
    with open(path, encoding="utf-8") as f:
        got = json.load(f, parse_float=Decimal)
    rows, total = area_table(year, a, want, raws)
    diffs = []
    compare("", {"year": year, "province": "35", "area": a}, got, diffs)
    gl = {r.get("office"): r for r in got.get("offices", [])}
    if [r.get("office") for r in got.get("offices", [])] != [r["office"] for r in rows]:
        diffs.append(("offices", [r["office"] for r in rows], sorted(gl)))
    for r in rows + [total]:
        g = got.get("total", {}) if r["office"] == "total" else gl.get(r["office"], {})
        compare("offices[%s]" % r["office"], r, g, diffs)
        if {k: sorted(v) if isinstance(v, dict) else None for k, v in g.items()} \
                != {k: sorted(v) if isinstance(v, dict) else None for k, v in r.items()}:
            diffs.append(("offices[%s] fields" % r["office"], sorted(r), sorted(g)))
    for where, w, g in diffs:
        problems.append("year %d --area %d %s: rollup %s, recomputed %s" % (year, a, where, g, w))
    return len(diffs)

def day_of(t):
    return (dt.datetime.fromtimestamp(float(t), dt.timezone.utc) + dt.timedelta(minutes=offset["35"])).date()

summary = []
edges_out = {}
for name in sorted(os.listdir(rollups)):
    if not (name.startswith("rollup-") and name.endswith(".json")):
        continue
    year = int(name[7:-5])
    with open(os.path.join(rollups, name), encoding="utf-8") as f:
        got = json.load(f, parse_float=Decimal)
    days = sorted({day_of(t0), day_of(t1)})
    best = None
    for today in days:     # the query ran on one of these local days
        rows, raws = zip(*[office_row(o, n, year, today) for o, n in offices])
        want = {"year": year, "province": "35", "offices": list(rows),
                "total": total_row(rows, raws)}
        diffs = []
        compare("", {"year": year, "province": "35"}, got, diffs)
        gl = {r.get("office"): r for r in got.get("offices", [])}
        if len(gl) != len(got.get("offices", [])) or set(gl) != {o for o, _ in offices}:
            diffs.append(("offices", sorted(o for o, _ in offices), sorted(gl)))
        for r in rows:
            compare("offices[%s]" % r["office"], r, gl.get(r["office"], {}), diffs)
        compare("total", want["total"], got.get("total", {}), diffs)
        if best is None or len(diffs) < len(best[0]):
            best = (diffs, want, raws)
    diffs, want, raws = best
    areas = [a for a in range(1, 9)     # rollup --area A (compare_rollups)
             if os.path.exists(os.path.join(rollups, "area-%d-%d.json" % (year, a)))]
    bad = sum(compare_area(year, a, os.path.join(rollups, "area-%d-%d.json" % (year, a)),
                           want, raws) for a in areas)
    summary.append("year %d --area %s: %d differences" % (year, ",".join(map(str, areas)), bad))
    with open(os.path.join(rollups, "expected-%d.json" % year), "w") as f:
        json.dump(want, f, default=str, indent=1)
    for w in raws:
        edges_out.update(w["edges"])
    for path, w, g in diffs:
        problems.append("year %d %s: rollup %s, recomputed %s" % (year, path, g, w))
    t = want["total"]
    summary.append("year %d: %d offices, %d suggestions (%d responded), %d items, %d answers%s"
                   % (year, len(want["offices"]), t["suggestions"]["received"],
                      sum(len(w["days"]) for w in raws), t["action_plan"]["items"],
                      t["lke"]["answers"], "" if not diffs else ", %d differences" % len(diffs)))
with open(os.path.join(rollups, "edges.json"), "w") as f:
    json.dump(edges_out, f, indent=1)
summary.append("%d deleted records left out" % deleted)
print("; ".join(summary))
if problems:
    print("\n".join(problems[:60]))
    if len(problems) > 60:
        print("... and %d more" % (len(problems) - 60))
    sys.exit(1)
PYEOF

# compare_rollups WHAT YEAR...: every office's export, then the hub's
# rollup of each year, then the recomputation; and lontar-hub verify.
compare_rollups () {
    local what=$1 y o t0 t1 msg
    shift
    rm -rf "$T/cmp"
    mkdir -p "$T/cmp/exports" "$T/cmp/rollups"
    for o in "${OFFICES[@]}"; do
        ag "$o" export >"$T/cmp/exports/$o.json" \
            || { fail "$what: lontar-agent export of $o failed"; return 1; }
    done
    t0=$(date +%s.%N)
    for y in "$@"; do
        "$HUB" rollup --year "$y" --hub "$QUERY_EP" --format json \
            >"$T/cmp/rollups/rollup-$y.json" 2>"$T/cmp/rollup.err" \
            || { fail "$what: lontar-hub rollup --year $y failed" "$(cat "$T/cmp/rollup.err")"; return 1; }
        for a in 1 2 3 4 5 6 7 8; do
            "$HUB" rollup --year "$y" --area "$a" --hub "$QUERY_EP" --format json \
                >"$T/cmp/rollups/area-$y-$a.json" 2>"$T/cmp/rollup.err" \
                || { fail "$what: lontar-hub rollup --year $y --area $a failed" "$(cat "$T/cmp/rollup.err")"; return 1; }
        done
    done
    t1=$(date +%s.%N)
    if msg=$("$PY" -S -E "$T/recompute.py" "$LONTAR_REF" "$T" "$T/cmp/exports" "$T/cmp/rollups" \
                 "$t0" "$t1" "${OFFICES[@]}" 2>&1); then
        pass "$what: rollup = recomputation, every field of every office and the total ($msg)"
    else
        fail "$what: rollup differs from the recomputation" "${msg//$'\n'/$'\n'     }"
    fi
    expect_exit 0 "$HUB" verify --data "$HUB_DIR"
}

# s_province OFFICE...: the verdicts at the hub and at the offices agree.
s_province () { "$PY" -S -E "$T/store.py" province "$HUB_DIR" "$@" >/dev/null 2>&1; }

# sync_all WHAT: every agent sent everything, and every verdict came down.
sync_all () {
    local t0
    t0=$(now)
    wait_synced 60 "${OFFICES[@]}" || return 1
    if wait_until 60 s_province "${OFFICES[@]}"; then
        pass "verdicts at the hub and at the offices agree"
    else
        check_province "${OFFICES[@]}"
    fi
    timing "$1: replication" "$t0"
}

# apply PHASE offices|hub: one phase of the generated actions.
apply () {
    local t0
    t0=$(now)
    expect_exit 0 "$PY" -S -E "$GEN" apply --actions "$T/gen" --phase "$1" --who "$2" \
        --bin "$BINDIR" --agents "$T" --hub-data "$HUB_DIR" --shim "$SHIM" --jobs "${LONTAR_ROLLUP_JOBS:-10}" \
        --offices "$(IFS=,; echo "${GENERATED[*]}")"
    printf '     %s\n' "$OUT"
    timing "phase $1: $2 actions" "$t0"
}

# ---- set-up ------------------------------------------------------------------

section "generate (seed $SEED) and start"
t0=$(now)
expect_exit 0 "$PY" -S -E "$GEN" gen --seed "$SEED" --year "$YEAR" --out "$T/gen" \
    --offices "$(IFS=,; echo "${GENERATED[*]}")" --not-after "$NOW_LOCAL"
printf '     %s\n' "$OUT"
expect_exit 0 "$PY" -S -E "$GEN" gen --seed "$SEED" --year "$YEAR" --out "$T/gen2" \
    --offices "$(IFS=,; echo "${GENERATED[*]}")" --not-after "$NOW_LOCAL"
if diff -r "$T/gen" "$T/gen2" >/dev/null; then
    pass "the generator gives the same files for the same seed"
else
    fail "the generator is not deterministic for seed $SEED"
fi
SHIM=""
if run "$PY" -S -E "$GEN" shim "$T/fakenow.so" && [ "$RC" = 0 ]; then
    SHIM=$T/fakenow.so
    pass "fake-clock library built: staff actions get the dates of the script"
else
    echo "     no C compiler: staff actions run at the real time ($ERR)"
fi
timing "generate" "$t0"

t0=$(now)
repl_hub_init
for o in "${OFFICES[@]}"; do repl_agent_init "$o"; done
hub_start
for o in "${OFFICES[@]}"; do agent_start "$o"; done
timing "start hub and ${#OFFICES[@]} agents" "$t0"

# ---- phase 1 -------------------------------------------------------------------

section "phase 1: a year of records, staff actions, verdicts"
t0=$(now)
bad=0
for o in "${GENERATED[@]}"; do
    for kind in suggestions rb lke; do
        f=$T/gen/$o-$kind.csv
        [ -f "$f" ] || continue
        ag "$o" import "$f" >/dev/null 2>"$T/import.err" \
            || { bad=$((bad + 1)); fail "import $f" "$(head -3 "$T/import.err")"; }
    done
done
[ $bad = 0 ] && pass "imported the generated files of ${#GENERATED[@]} offices"
timing "phase 1: imports" "$t0"

# Boundary records, year B. Suggestions received on the Friday before 17
# August: an information request (5 working days: the weekend and the
# holiday are skipped) and a suggestion (14 calendar days), each answered
# on its due date and one day later; an information request verified on
# its due date but done a day late (done counts, not the first response);
# a field-check complaint (60 calendar days) done on its due date.
read -r D_INFO D_SUGG D_FIELD < <("$PY" -S -E -c '
import csv, datetime as dt, sys
hol = {l.split(",")[0] for l in open(sys.argv[2]) if l[:1].isdigit()}
f = dt.date.fromisoformat(sys.argv[1])
d, n = f, 5
while n:
    d += dt.timedelta(days=1)
    n -= d.weekday() < 5 and d.isoformat() not in hol
print(d, f + dt.timedelta(days=14), f + dt.timedelta(days=60))' "$BFRI" "$LONTAR_REF/holidays.csv")
echo "     boundary year $BYEAR: received $BFRI 10:00; due: information request $D_INFO, suggestion $D_SUGG, field check $D_FIELD"
next_day () { date -d "$1 + 1 day" +%Y-%m-%d; }
# edge N CLASS [--field-check]: a suggestion of $EDGE_SUGG received on BFRI.
edge () {
    ag "$EDGE_SUGG" suggestion add --channel letter --class "$2" --subject "Batas [edge-$1]" \
        --text "Kasus batas $1" --received "$BFRI 10:00" "${@:3}" 2>&1
}
# at LOCALTIME CMD...: a staff command at that local time (fake clock).
at () {
    local when=$1 ms
    shift
    ms=$(( $(date -u -d "$when" +%s) * 1000 - 7 * 3600 * 1000 ))
    if [ -n "$SHIM" ]; then
        LD_PRELOAD=$SHIM LNT_FAKE_NOW_MS=$ms "$@"
    else
        "$@"
    fi
}
if [ -n "$SHIM" ]; then
    ok=1
    id1=$(edge 1 information_request) && id2=$(edge 2 information_request) \
        && id3=$(edge 3 suggestion) && id4=$(edge 4 suggestion) \
        && id5=$(edge 5 information_request) && id6=$(edge 6 complaint --field-check) || ok=0
    {
        at "$D_INFO 14:00" ag "$EDGE_SUGG" suggestion respond "$id1" --text "Tepat waktu" &&
        at "$(next_day "$D_INFO") 09:00" ag "$EDGE_SUGG" suggestion respond "$id2" --text "Terlambat sehari" &&
        at "$D_SUGG 15:59" ag "$EDGE_SUGG" suggestion respond "$id3" --text "Tepat waktu" &&
        at "$(next_day "$D_SUGG") 07:30" ag "$EDGE_SUGG" suggestion respond "$id4" --text "Terlambat" &&
        at "$D_INFO 08:00" ag "$EDGE_SUGG" suggestion status "$id5" verified &&
        at "$(next_day "$D_INFO") 08:00" ag "$EDGE_SUGG" suggestion respond "$id5" --text "Terlambat" &&
        at "$BFRI 11:00" ag "$EDGE_SUGG" suggestion status "$id6" verified &&
        at "$D_FIELD 10:00" ag "$EDGE_SUGG" suggestion status "$id6" done
    } >/dev/null || ok=0
    if [ $ok = 1 ]; then pass "boundary suggestions of $EDGE_SUGG entered"; else fail "boundary suggestions of $EDGE_SUGG"; fi
fi
# LKE answers on grade band edges, year B, as import files. Points: area 7
# weighs 4 of 20, area 8 2, areas 5 and 2 together 6; A7.3 is a
# percentage worth 4 * 2/12 points at 100 (2 of area 7's 12 relative
# weight), so 0.01 of it is 1/15,000 of a point.
"$PY" -S -E - "$LONTAR_REF" "$T/edge" "$BYEAR" <<'PYEOF'
import csv, os, sys
ref, out, year = sys.argv[1:]
os.makedirs(out, exist_ok=True)
items = [(r[0], int(r[3]), r[5]) for r in csv.reader(
    l for l in open(os.path.join(ref, "instrument-permenpanrb-26-2020-pemenuhan.csv"))
    if not l.startswith("#")) if len(r) > 5 and r[2] == "item"]
best = {"YT": "Y", "ABC": "A", "ABCD": "A", "PCT": "100"}
worst = {"YT": "T", "ABC": "C", "ABCD": "D", "PCT": "0"}
cases = {
    "3571": lambda c, a, k: worst[k] if a == 7 else best[k],                    # 16.00 = 80.00 %: BB
    "3572": lambda c, a, k: "0.01" if c == "A7.3" else worst[k] if a == 7 else best[k],  # 80.0003 %: BB
    "3573": lambda c, a, k: worst[k],                                           # 0: D
    "3574": lambda c, a, k: worst[k] if a == 8 else best[k],                    # 18.00 = 90.00 %: A
    "3575": lambda c, a, k: None if c == "A8.5" else best[k] if a in (2, 5) else worst[k],  # 30.00 %: D
}
for office, f in cases.items():
    with open(os.path.join(out, office + ".csv"), "w") as w:
        w.write("# office,year,item,answer,evidence,justification\n")
        first = True
        for code, area, kind in items:
            a = f(code, area, kind)
            if a is None:
                continue
            # 3575: 32 answers, one with evidence: a share of 1/32 = 0.03125
            ev = ("Bukti " + code) if (office != "3575" or first) else ""
            first = False
            w.write("%s,%s,%s,%s,%s,\n" % (office, year, code, a, ev))
PYEOF
bad=0
for o in "${EDGE_LKE[@]}"; do
    ag "$o" import "$T/edge/$o.csv" >/dev/null 2>"$T/import.err" \
        || { bad=$((bad + 1)); fail "import $T/edge/$o.csv" "$(head -3 "$T/import.err")"; }
done
[ $bad = 0 ] && pass "imported the grade-edge answers of ${EDGE_LKE[*]}"
# A year of one suggestion, answered now, more than a year after it was
# received: median and 90th percentile 366, "a year or more".
LONGYEAR=$((BYEAR - 1))
if long_id=$(ag 3573 suggestion add --channel letter --class suggestion --subject "Setahun lebih" \
        --text "Dijawab setelah setahun" --received "$LONGYEAR-03-02 10:00") \
    && ag 3573 suggestion respond "$long_id" --text "Maaf, terlambat" >/dev/null; then
    pass "a suggestion of 3573 received in $LONGYEAR, answered now"
else
    fail "a suggestion of 3573 received in $LONGYEAR, answered now"
fi

apply 1 offices
sync_all "phase 1 offices"
apply 1 hub
expect_exit 0 "$HUB" lke verify 3571 "$BYEAR" A7.3 50 --note "separuh" --data "$HUB_DIR"
sync_all "phase 1 verdicts"
compare_rollups "phase 1" "$BYEAR" "$YEAR" "$YEAR_NOW"

section "boundary cases (year $BYEAR)"
run cat "$T/cmp/rollups/rollup-$BYEAR.json"
expect_py "grade edges: 80.00 is BB, 80.0003 rounds to 80.00 (BB), 0 is D, 90.00 is A, 30.00 is D; 1 of 32 with evidence" '
from decimal import Decimal as D
rows = {r["office"]: r["lke"] for r in d["offices"]}
want = {"3571": ("16.00", "BB"), "3572": ("16.00", "BB"), "3573": ("0.00", "D"),
        "3574": ("18.00", "A"), "3575": ("6.00", "D")}
bad = ["%s: score %s grade %s, want %s %s" % (o, rows[o]["score"], rows[o]["grade"], s, g)
       for o, (s, g) in want.items()
       if rows[o]["score"] is None or D(str(rows[o]["score"])) != D(s) or rows[o]["grade"] != g]
assert not bad, bad
assert D(str(rows["3571"]["verified_score"])) == D("0.33"), ("A7.3 verified 50: 4 * 2/12 / 2", rows["3571"])
assert D(str(rows["3575"]["evidence_share"])) == D("0.0313"), ("1/32 = 0.03125, half up 0.0313", rows["3575"])
'
expect_py "an office with no data: zeros, and null where a value needs data" '
r = [r for r in d["offices"] if r["office"] == "3579"][0]
s, a, l = r["suggestions"], r["action_plan"], r["lke"]
assert (s["received"], s["open"], s["overdue"], s["answered_in_time"]) == (0, 0, 0, 0), s
assert s["median_days"] is None and s["p90_days"] is None, s
assert (a["items"], a["done"], a["mean_progress"]) == (0, 0, None), a
assert (l["answers"], l["score"], l["grade"], l["evidence_share"], l["verified_score"]) == (0, None, None, None, None), l
'
if [ -n "$SHIM" ]; then
    run cat "$T/cmp/rollups/edges.json"
    expect_py "due across a weekend and 17 August: on the due date in time, a day later not" '
want = {"1": ("'"$D_INFO"'", True), "2": ("'"$D_INFO"'", False), "3": ("'"$D_SUGG"'", True),
        "4": ("'"$D_SUGG"'", False), "5": ("'"$D_INFO"'", False), "6": ("'"$D_FIELD"'", True)}
got = {k[k.index("[edge-") + 6:-1]: v for k, v in d.items()}
for n, (due, in_time) in want.items():
    assert got[n]["due"] == due and got[n]["in_time"] == in_time, (n, got[n], due, in_time)
'
    run cat "$T/cmp/rollups/rollup-$BYEAR.json"
    expect_py "office $EDGE_SUGG, year $BYEAR: 6 received, 3 answered in time, none open" '
r = [r for r in d["offices"] if r["office"] == "'"$EDGE_SUGG"'"][0]["suggestions"]
assert (r["received"], r["answered_in_time"], r["open"], r["overdue"]) == (6, 3, 0, 0), r'
fi

section "the rollup as staff and spreadsheets see it"
# CSV columns are named as the JSON fields, with dots (docs/ROLLUP.md).
for area in "" 3; do
    args=(--year "$YEAR" ${area:+--area "$area"} --hub "$QUERY_EP")
    "$HUB" rollup "${args[@]}" --format json >"$T/rollup.json" 2>&1
    run "$HUB" rollup "${args[@]}" --format csv
    expect_csv "rollup ${area:+--area $area }--format csv: the header names every column as its JSON path" '
import json
def paths(o, at=""):
    for k, v in o.items():
        if isinstance(v, dict):
            yield from paths(v, at + k + ".")
        else:
            yield at + k
want = list(paths(json.load(open("'"$T"'/rollup.json"))["total"]))
head = raw.split("\r\n")[0].split(",")
assert head == want, [(h, w) for h, w in zip(head, want) if h != w] or (len(head), len(want))
assert rows[-1]["office"] == "total" and rows[-1]["name"] == "35", rows[-1]'
done
# The table's total names the province, or the one office of --office.
run "$HUB" rollup --year "$YEAR" --hub "$QUERY_EP"
expect_match "$(printf '%s\n' "$OUT" | tail -1)" '^total +Jawa Timur ' \
    "the table's total row is named Jawa Timur, not 35"
run "$HUB" rollup --year "$LONGYEAR" --office 3573 --hub "$QUERY_EP"
body=$(printf '%s\n' "$OUT" | tail -n +2)
printf '%s\n' "$body" >"$T/.out"
expect_table "rollup --office 3573 (table): aligned, the office and its total" 2
expect_match "$(printf '%s\n' "$body" | tail -1)" '^total +Malang only ' \
    "with --office the total row is named \"Malang only\""
expect_match "$(printf '%s\n' "$body" | sed -n 3p)" '^3573 +Malang +1 +0 +0 +0 +>365 +>365 ' \
    "days to the first response of a year or more show as >365 (median and P90)"
expect_match "$(printf '%s\n' "$body" | tail -1)" '^total +Malang only +1 +0 +0 +0 +>365 +>365 ' \
    "and so in the total row"
hub_query rollup --year "$LONGYEAR" --office 3573
expect_py "JSON keeps 366 (a year or more) as a number, and the total named 35" '
for r in (d["offices"][0], d["total"]):
    assert r["suggestions"]["median_days"] == 366 and r["suggestions"]["p90_days"] == 366, r
assert d["total"]["name"] == "35", d["total"]'

# ---- phase 2 -------------------------------------------------------------------

section "phase 2: more status changes, re-answers, cancellations, new suggestions, deletes"
apply 2 offices
sync_all "phase 2 offices"
apply 2 hub
sync_all "phase 2 verdicts"
compare_rollups "phase 2" "$BYEAR" "$YEAR" "$YEAR_NOW"
# The deletes of phase 2: the generator made some, and the hub's listings,
# like its rollup, leave the deleted records out: they hold exactly the
# records of the offices' exports (taken by compare_rollups just now).
ndel=$(cat "$T"/gen/*-actions.jsonl | grep -c '"delete"')
if [ "${#GENERATED[@]}" -ge 10 ]; then
    expect_match "$ndel" '^[1-9][0-9]*$' "the generated actions delete records ($ndel deletes)"
fi
for kind in suggestions rb lke; do
    hub_query "$kind"
    expect_py "phase 2: the hub's $kind = the records of the offices' exports (deleted ones out)" "
import glob
want = set()
for f in glob.glob('$T/cmp/exports/*.json'):
    want |= {r['id'] for r in json.load(open(f, encoding='utf-8'))['$kind']}
got = {r['id'] for r in d}
assert len(got) == len(d) and got == want, \
    ('hub only', sorted(got - want)[:5], 'exports only', sorted(want - got)[:5])"
done

# ---- phase 3: the hub killed in the middle of a stream ------------------------

section "phase 3: SIGKILL the hub in the middle of a large import's stream"
BIG=("${GENERATED[@]:0:3}")
BIG_ROWS=${LONTAR_ROLLUP_BIG_ROWS:-4000}
for o in "${BIG[@]}"; do
    "$PY" -S -E "$GEN" big --seed "$SEED" --year "$YEAR" --office "$o" --rows "$BIG_ROWS" \
        --out "$T/gen/$o-big.csv" >/dev/null || fail "gen big $o"
done
# The imports go into stopped agents, which then all stream at once; the
# hub is killed as soon as it has applied part of the stream.
for o in "${BIG[@]}"; do agent_stop "$o"; done
base=$(hub_sum "${BIG[@]}")
t0=$(now)
for o in "${BIG[@]}"; do
    ag "$o" import "$T/gen/$o-big.csv" >/dev/null || fail "import the big file of $o"
done
heads=0
for o in "${BIG[@]}"; do heads=$((heads + $(agent_status "$o" | cut -d' ' -f3))); done
timing "phase 3: import $BIG_ROWS suggestions at each of ${BIG[*]}" "$t0"
# A watcher kills the hub (by its pid) as soon as its store shows part of
# the stream applied.
s_kill_when_moving () {
    [ "$(hub_sum "${BIG[@]}")" -gt "$base" ] || return 1
    kill -9 "$HUB_PID" 2>/dev/null
    return 0
}
t0=$(now)
( POLL=0.002 wait_until 60 s_kill_when_moving ) &
watcher=$!
for o in "${BIG[@]}"; do agent_start "$o"; done
wait "$watcher" || fail "the hub's store showed no progress of the stream within 60 s"
hub_kill
killed_at=$(hub_sum "${BIG[@]}")
if [ "$killed_at" -gt "$base" ] && [ "$killed_at" -lt "$heads" ]; then
    pass "hub SIGKILLed mid-stream: it had applied $((killed_at - base)) of $((heads - base)) changes"
else
    fail "the hub was not killed mid-stream: applied $killed_at, stream from $base to $heads" \
        "(make LONTAR_ROLLUP_BIG_ROWS larger)"
fi
# Staff keep working while the hub is away.
apply 3 offices
hub_start
sync_all "phase 3 after the restart"
timing "phase 3: import, kill, restart, catch-up" "$t0"
check_union "${OFFICES[@]}"
compare_rollups "phase 3 (after SIGKILL)" "$BYEAR" "$YEAR" "$YEAR_NOW"

hub_query dead-letters
expect_py "no dead letters" 'assert d == [], d[:3]'
hub_query conflicts
expect_py "no conflicts" 'assert d == [], d[:3]'

timing "whole test" "$T_ALL"
repl_finish
