#!/usr/bin/env python3
"""gen_province.py - a seeded generator of a province's year of records, and
the staff actions that follow, for the rollup tests (tests/cli_rollup_*.sh)
and anyone who wants realistic data. Python 3 standard library only.

    gen_province.py gen --seed N --year Y --out DIR [--offices all|CODE,...]
                        [--ref DIR] [--scale F] [--not-after "Y-M-D H:M"]
    gen_province.py big --seed N --year Y --office CODE --rows N --out FILE
    gen_province.py apply --actions DIR --phase N --who offices|hub
                          --bin DIR --agents ROOT --hub-data DIR
                          [--shim SO] [--jobs N]
    gen_province.py shim OUT.so

gen writes into DIR, for each office (default: the 38 offices of province
35 in the reference data's offices.csv):
  OFFICE-suggestions.csv  a year of suggestions, import shape
                          (office,received,channel,class,category,privacy,
                          subject,text): channels, classes and privacy in a
                          realistic mix; counter channels (suggestion box,
                          letter, in person, phone) in office hours on
                          working days, the online ones at any hour
  OFFICE-rb.csv           the action plan (office,year,area,activity,
                          indicator,target,unit,realisation,due,status,
                          evidence)
  OFFICE-lke.csv          LKE answers (office,year,item,answer,evidence,
                          justification) with the items and answer types of
                          the 2020 'pemenuhan' instrument; some offices
                          answer part of the items, about one in ten none
                          (no file then)
  OFFICE-actions.jsonl    the staff actions to apply afterwards, one JSON
                          object a line: {"phase", "office", "at", "cmd"}.
                          cmd is a lontar-agent command line (without
                          --data); "@gN" stands for the suggestion whose
                          subject ends "[gN]", "@rN" for the action-plan
                          item whose activity ends "[rN]". at is the local
                          time the staff did it ("" for now). Phase 1
                          follows the import: suggestions along legal
                          status paths (status, respond), action-plan
                          realisation and status along planned ->
                          in_progress -> done. Phase 2 is later: more
                          status changes and archiving, LKE re-answers
                          (some dropping their evidence), cancellations,
                          and new suggestions received now (some complaints
                          with --field-check); last, deletes (hapus) of some
                          suggestions, action-plan items and LKE answers,
                          some of those answered again. Phase 3: staff work
                          (and delete) while the hub may be away.
  hub-actions.jsonl       the assessors' verdicts (`lontar-hub lke verify`),
                          {"phase", "office", "cmd"}, phases 1 and 2
Everything depends only on the seed, the year, --scale, --not-after and
the office (each office has its own random stream, so a subset of offices
gets the same data as in the whole province). The seed is printed; the
same arguments give the same bytes.

big writes one office's large suggestions file (phase 3 of the test: a
stream that the hub is killed in the middle of).

apply runs one phase of the actions: each office's commands in order
(offices in parallel, --jobs at a time), or the hub's. With --shim (see
'shim'), a command whose "at" is set runs with the wall clock at that
local time (LD_PRELOAD, LNT_FAKE_NOW_MS), so a history has the dates of
the script, not of the test run; without it, at the real time.

shim builds that LD_PRELOAD library with cc (CLOCK_REALTIME and
gettimeofday shifted to LNT_FAKE_NOW_MS, advancing from there).
"""
import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_REF = os.environ.get("LONTAR_REF") or os.path.join(HERE, "..", "common", "data")

CHANNELS = ["website", "suggestion_box", "letter", "in_person", "phone", "lapor", "social_media"]
CHANNEL_W = [30, 18, 7, 15, 10, 12, 8]
ONLINE = {"website", "lapor", "social_media"}
CLASSES = ["suggestion", "complaint", "information_request", "whistleblowing"]
CLASS_W = [40, 25, 31, 4]
CATEGORIES = ["data", "service", "facilities", "information", "socialisation", "staff",
              "participants", "logistics"]
TOPICS = [
    ("Data pemilih", "Mohon data rekapitulasi pemilih per desa disediakan dalam bentuk soft data"),
    ("Ruang tunggu", "Ruang tunggu pelayanan sebaiknya diberi kursi tambahan dan papan informasi"),
    ("Jadwal tahapan", "Jadwal tahapan di website belum diperbarui sejak bulan lalu"),
    ("Antrian layanan", "Pelayanan salinan dokumen terlalu lama dan tidak ada nomor antrian"),
    ("Sosialisasi", "Sosialisasi untuk pemilih pemula di sekolah perlu diperbanyak"),
    ("Hasil pemilu", "Mohon tautan unduhan hasil pemilu per kecamatan"),
    ("Sikap petugas", "Petugas di meja layanan kurang ramah kepada pengunjung lanjut usia"),
    ("Media sosial", "Informasi di media sosial sebaiknya juga ditulis dalam bahasa daerah"),
    ("Verifikasi partai", "Kapan jadwal verifikasi faktual partai politik diumumkan?"),
    ("Rekrutmen badan adhoc", "Syarat pendaftaran PPK dan PPS mohon diumumkan lebih awal"),
    ("Logistik", "Kotak suara di gudang terlihat rusak, mohon dicek sebelum tahapan"),
    ("Gratifikasi", "Ada dugaan pemberian hadiah kepada petugas, mohon ditindaklanjuti"),
    ("Parkir", "Lahan parkir kantor sempit, kendaraan pengunjung meluber ke jalan"),
    ("Aksesibilitas", "Belum ada jalur kursi roda menuju ruang pelayanan"),
]
EXTRA = ["", " Terima kasih.", ", mohon segera.", " (berulang kali)", ", \"segera\" katanya.",
         "; sudah dua kali datang."]
RB_ACTIVITIES = {
    1: ["Pembentukan tim reformasi birokrasi", "Penetapan agen perubahan",
        "Rapat evaluasi pelaksanaan RB", "Penetapan budaya kerja"],
    2: ["Inventarisasi keputusan internal", "Harmonisasi SOP dengan regulasi terbaru"],
    3: ["Evaluasi kelembagaan sekretariat", "Penataan tugas subbagian"],
    4: ["Penyusunan SOP pelayanan", "Pengembangan layanan data digital",
        "Keterbukaan informasi publik di website"],
    5: ["Analisis jabatan dan beban kerja", "Pelatihan teknis pegawai",
        "Penilaian kinerja individu"],
    6: ["Penyusunan perjanjian kinerja", "Evaluasi internal dengan lembar kerja evaluasi"],
    7: ["Pembangunan zona integritas", "Sosialisasi pengendalian gratifikasi",
        "Whistle-blowing system"],
    8: ["Kotak saran di ruang Lontar dan website", "Survei kepuasan layanan",
        "Pelatihan pelayanan prima"],
}
RB_UNITS = [("dokumen", [1, 2, 3, 4, 6]), ("kegiatan", [2, 4, 12]), ("orang", [10, 20, 25]),
            ("persen", [100]), ("SOP", [2, 5, 8]), ("laporan", [4, 12]),
            ("kali", [1.5, 2.5, 4])]


def log(*a):
    print("gen_province:", *a, file=sys.stderr)


# ---- reference data --------------------------------------------------------

def read_csv(ref, name):
    with open(os.path.join(ref, name), encoding="utf-8", newline="") as f:
        lines = [ln for ln in f if not ln.startswith("#") and ln.strip()]
    return list(csv.reader(lines))


def province_offices(ref, province="35"):
    rows = read_csv(ref, "offices.csv")
    return [(r[0], r[3]) for r in rows[1:] if r[1] == province]


def holidays(ref):
    try:
        rows = read_csv(ref, "holidays.csv")
    except FileNotFoundError:
        return set()
    return {dt.date.fromisoformat(r[0]) for r in rows[1:]}


def instrument_items(ref):
    """[(code, area, answer_type)] of the default instrument's items."""
    rows = read_csv(ref, "instrument-permenpanrb-26-2020-pemenuhan.csv")
    return [(r[0], int(r[3]), r[5]) for r in rows if len(r) > 5 and r[2] == "item"]


# ---- helpers ---------------------------------------------------------------

def pick(rng, items, weights):
    return rng.choices(items, weights)[0]


def working(day, hols):
    return day.weekday() < 5 and day not in hols


def fmt(t):
    return t.strftime("%Y-%m-%d %H:%M")


def office_hours(rng, day, hols, start=(7, 30), end=(16, 0)):
    """A time in office hours on the first working day from day."""
    while not working(day, hols):
        day += dt.timedelta(days=1)
    lo, hi = start[0] * 60 + start[1], end[0] * 60 + end[1]
    m = rng.randrange(lo, hi)
    return dt.datetime(day.year, day.month, day.day, m // 60, m % 60)


def any_time(rng, day):
    # Evenings and nights less likely than the day
    h = pick(rng, list(range(24)), [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 7, 7, 7, 7, 6, 6, 6, 6, 5,
                                    4, 3, 2])
    return dt.datetime(day.year, day.month, day.day, h, rng.randrange(60))


def later(rng, t, days, hols, not_after):
    """Office hours about `days` days after t (never before t), clamped."""
    day = t.date() + dt.timedelta(days=days)
    u = office_hours(rng, day, hols, (8, 0), (15, 30))
    if u <= t:
        u = t + dt.timedelta(minutes=rng.randrange(5, 90))
    if not_after and u > not_after:
        u = not_after
    if u < t:  # the clamp came before t: leave it at t (the code keeps order)
        u = t
    return u


def csv_text(rows, header):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    out.write("# " + header + "\n")
    w.writerows(rows)
    return out.getvalue()


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


# ---- one office --------------------------------------------------------------

def gen_suggestions(rng, office, year, hols, scale, not_after):
    size = 2.0 if office in ("3578", "3515", "3507") else 1.0
    n = max(5, int(rng.randint(40, 120) * size * scale))
    start = dt.date(year, 1, 1)
    span = (dt.date(year, 12, 31) - start).days
    rows = []
    for i in range(n):
        day = start + dt.timedelta(days=rng.randrange(span + 1))
        ch = pick(rng, CHANNELS, CHANNEL_W)
        t = any_time(rng, day) if ch in ONLINE else office_hours(rng, day, hols)
        if t.year != year:   # office hours moved past 31 December
            t = dt.datetime(year, 12, 31, 10, 0)
        rows.append([t, ch])
    # Edges of the local year: just after midnight on 1 January (UTC is
    # still the year before) and just before midnight on 31 December.
    if rng.random() < 0.5:
        rows.append([dt.datetime(year, 1, 1, 0, rng.randrange(1, 59)), "website"])
        rows.append([dt.datetime(year, 12, 31, 23, rng.randrange(1, 59)), "lapor"])
    rows = [r for r in rows if not not_after or r[0] <= not_after]
    rows.sort(key=lambda r: r[0])
    out = []
    for i, (t, ch) in enumerate(rows, 1):
        cl = pick(rng, CLASSES, CLASS_W)
        if cl == "whistleblowing":
            priv = pick(rng, ["confidential", "anonymous", "public"], [60, 35, 5])
        else:
            priv = pick(rng, ["public", "anonymous", "confidential"], [72, 20, 8])
        subject, text = rng.choice(TOPICS)
        out.append({"n": i, "received": t, "channel": ch, "class": cl,
                    "category": rng.choice(CATEGORIES), "privacy": priv,
                    "subject": "%s [g%d]" % (subject, i),
                    "text": text + rng.choice(EXTRA)})
    return out


def gen_lifecycle(rng, s, hols, not_after):
    """The staff steps of one suggestion: [(time, cmd)]."""
    t = s["received"]
    ref = "@g%d" % s["n"]
    # Days to the first response: mostly soon, some late, a few very late
    first = pick(rng, [rng.randint(0, 3), rng.randint(4, 14), rng.randint(15, 75)], [62, 28, 10])
    nxt = lambda: rng.choice([0, 1, 2, 3, 5, 8, 13, 21])
    path = pick(rng, [
        [],                                             # untouched
        ["verified"],
        ["not_our_authority"],
        ["archived"],
        ["respond"],
        ["verified", "respond"],
        ["verified", "in_progress", "respond"],
        ["verified", "referred", "done"],
        ["verified", "on_hold", "in_progress", "done"],
        ["verified", "in_progress"],
        ["verified", "on_hold"],
        ["verified", "done"],
    ], [11, 8, 4, 3, 20, 22, 10, 5, 4, 6, 2, 5])
    steps = []
    for k, st in enumerate(path):
        t = later(rng, t, first if k == 0 else nxt(), hols, not_after)
        if st == "respond":
            cmd = ["suggestion", "respond", ref, "--text",
                   "Terima kasih, sudah kami tindaklanjuti (%s)." % s["category"]]
        else:
            cmd = ["suggestion", "status", ref, st]
            if rng.random() < 0.4:
                cmd += ["--note", "catatan %s" % st]
        steps.append((t, cmd))
    state = "received" if not path else "done" if path[-1] == "respond" else path[-1]
    return steps, state, t


def gen_rb(rng, office, year, not_after):
    n = rng.randint(6, 18)
    items = []
    for i in range(1, n + 1):
        area = rng.randint(1, 8)
        unit, targets = rng.choice(RB_UNITS)
        target = rng.choice(targets)
        r = rng.random()
        if r < 0.2:
            real, status = None, "planned"
        elif r < 0.3:
            real, status = 0, "planned"
        elif r < 0.75:
            # part of the target; thirds and sixths make repeating decimals
            real = rng.choice([target / 3, target / 2, target * 2 / 3, target / 6, target * 0.9])
            real = round(real, rng.choice([0, 1, 2]))
            real = min(max(real, 0), target)
            status = "in_progress"
        elif r < 0.93:
            real = target if rng.random() < 0.85 else target * rng.choice([1.2, 2])
            status = "done"
        else:
            real, status = rng.choice([None, 1]), "cancelled"
        if rng.random() < 0.12:
            due = ""
        else:
            dy = year + (1 if rng.random() < 0.1 else 0) + (2 if rng.random() < 0.04 else 0)
            month = rng.randint(3, 12)
            due = (dt.date(dy + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()
        evidence = ""
        if status == "done" or (real and rng.random() < 0.4):
            evidence = rng.choice(["Laporan kegiatan", "SK Ketua", "https://jdih.kpu.go.id/x",
                                   "Berita acara", "Notulen rapat"])
        items.append({"n": i, "area": area, "activity": "%s [r%d]" % (
            rng.choice(RB_ACTIVITIES[area]), i), "indicator": "Indikator capaian %d" % i,
            "target": target, "unit": unit, "realisation": real, "due": due,
            "status": status, "evidence": evidence})
    return items


def num(x):
    if x is None:
        return ""
    if isinstance(x, float) and x == int(x):
        x = int(x)
    return ("%.3f" % x).rstrip("0").rstrip(".") if isinstance(x, float) else str(x)


def answer_for(rng, kind, m):
    if kind == "YT":
        return "Y" if rng.random() < m else "T"
    if kind == "ABC":
        return pick(rng, ["A", "B", "C"], [m * m, 2 * m * (1 - m) + 0.1, (1 - m) ** 2])
    if kind == "ABCD":
        return pick(rng, ["A", "B", "C", "D"],
                    [m ** 3 + .05, 3 * m * m * (1 - m), 3 * m * (1 - m) ** 2, (1 - m) ** 3 + .02])
    v = min(100.0, max(0.0, rng.gauss(m * 100, 15)))
    v = round(v, pick(rng, [0, 1, 2], [60, 25, 15]))
    return num(float(v))


def gen_office(args, office, items, hols):
    rng = random.Random("%d:%s:%d" % (args.seed, office, args.year))
    year, not_after = args.year, args.not_after
    files = {}
    actions = []
    # suggestions and their life cycles
    sugg = gen_suggestions(rng, office, year, hols, args.scale, not_after)
    files["suggestions"] = csv_text(
        [[office, fmt(s["received"]), s["channel"], s["class"], s["category"], s["privacy"],
          s["subject"], s["text"]] for s in sugg],
        "office,received,channel,class,category,privacy,subject,text")
    status_of = {}
    for s in sugg:
        steps, state, last = gen_lifecycle(rng, s, hols, not_after)
        for t, cmd in steps:
            actions.append({"phase": 1, "office": office, "at": fmt(t), "cmd": cmd})
        status_of[s["n"]] = [state, last]
    # action plan
    rb = gen_rb(rng, office, year, not_after)
    files["rb"] = csv_text(
        [[office, year, r["area"], r["activity"], r["indicator"], num(r["target"]), r["unit"],
          num(r["realisation"]), r["due"], r["status"], r["evidence"]] for r in rb],
        "office,year,area,activity,indicator,target,unit,realisation,due,status,evidence")
    for r in rb:
        ref = "@r%d" % r["n"]
        at = fmt(office_hours(rng, dt.date(year, rng.randint(6, 12), rng.randint(1, 28)), hols))
        if not_after and at > fmt(not_after):
            at = fmt(not_after)
        if r["status"] == "planned" and rng.random() < 0.5:
            real = num(float(round(r["target"] * rng.choice([0.25, 1 / 3, 0.5]), 2)))
            actions.append({"phase": 1, "office": office, "at": at,
                            "cmd": ["rb", "update", ref, "--realisation", real, "--status",
                                    "in_progress"]})
            r["status"] = "in_progress"
        elif r["status"] == "in_progress" and rng.random() < 0.4:
            cmd = ["rb", "update", ref, "--realisation", num(r["target"]), "--status", "done"]
            if rng.random() < 0.7:
                cmd += ["--evidence", "Laporan akhir %d" % r["n"]]
            actions.append({"phase": 1, "office": office, "at": at, "cmd": cmd})
            r["status"] = "done"
        elif r["status"] == "in_progress" and rng.random() < 0.3:
            actions.append({"phase": 1, "office": office, "at": at,
                            "cmd": ["rb", "update", ref, "--realisation",
                                    num(float(round(r["target"] * 2 / 3, 3)))]})
    # LKE answers: most offices answer every item, some a part, some none
    cover = pick(rng, ["all", "part", "none"], [72, 18, 10])
    m = rng.uniform(0.25, 0.97)
    answered = []
    if cover != "none":
        chosen = items if cover == "all" else sorted(rng.sample(items, rng.randint(5, len(items) - 1)),
                                                     key=items.index)
        rows = []
        for code, area, kind in chosen:
            ev = rng.choice(["Dokumen %s" % code, "SK %s" % code, "https://lontar.example/%s" % code]) \
                if rng.random() < m else ""
            rows.append([office, year, code, answer_for(rng, kind, m), ev,
                         "Penjelasan %s" % code if rng.random() < 0.5 else ""])
            answered.append((code, kind))
        files["lke"] = csv_text(rows, "office,year,item,answer,evidence,justification")
    # phase 1: assessors verify some answers of some offices
    hub = []
    if answered and rng.random() < 0.6:
        for code, kind in rng.sample(answered, min(len(answered), rng.randint(1, 8))):
            hub.append({"phase": 1, "office": office,
                        "cmd": ["lke", "verify", office, str(year), code,
                                answer_for(rng, kind, m * 0.8), "--note", "verifikasi %s" % code]})
    # phase 2: more work later on
    late = not_after or dt.datetime(year + 1, 1, 31, 12, 0)
    for s in sugg:
        state, last = status_of[s["n"]]
        r = rng.random()
        ref = "@g%d" % s["n"]
        t = later(rng, last, rng.randint(1, 30), hols, late)
        cmd = None
        if state == "done" and r < 0.3:
            cmd, state = ["suggestion", "status", ref, "archived"], "archived"
        elif state == "received" and r < 0.5:
            cmd, state = ["suggestion", "respond", ref, "--text", "Jawaban susulan."], "done"
        elif state in ("in_progress", "on_hold") and r < 0.6:
            cmd, state = ["suggestion", "status", ref, "done", "--note", "selesai"], "done"
        if cmd:
            actions.append({"phase": 2, "office": office, "at": fmt(t), "cmd": cmd})
            status_of[s["n"]] = [state, t]
    for r in rb:
        if r["status"] != "cancelled" and rng.random() < 0.12:
            actions.append({"phase": 2, "office": office, "at": "",
                            "cmd": ["rb", "update", "@r%d" % r["n"], "--status", "cancelled"]})
            r["status"] = "cancelled"
    for code, kind in rng.sample(answered, min(len(answered), rng.randint(0, 4))):
        cmd = ["lke", "answer", "--year", str(year), "--item", code,
               "--answer", answer_for(rng, kind, min(1.0, m + 0.2))]
        if rng.random() < 0.6:
            cmd += ["--evidence", "Bukti baru %s" % code]   # else: the evidence goes
        actions.append({"phase": 2, "office": office, "at": "", "cmd": cmd})
        if rng.random() < 0.5:
            hub.append({"phase": 2, "office": office,
                        "cmd": ["lke", "verify", office, str(year), code,
                                answer_for(rng, kind, m), "--note", "verifikasi ulang"]})
    # new suggestions received now (this year), a few answered at once
    for k in range(rng.randint(0, 3)):
        cl = rng.choice(CLASSES)
        cmd = ["suggestion", "add", "--channel", rng.choice(CHANNELS), "--class", cl,
               "--subject", "Saran baru %d [n%d]" % (k, k), "--text", "Teks saran baru %d" % k,
               "--privacy", rng.choice(["public", "anonymous", "confidential"])]
        if cl == "complaint" and rng.random() < 0.7:
            cmd.append("--field-check")
        actions.append({"phase": 2, "office": office, "at": "", "cmd": cmd})
        if rng.random() < 0.5:
            actions.append({"phase": 2, "office": office, "at": "",
                            "cmd": ["suggestion", "status", "@n%d" % k, "verified"]})
    # phase 3: staff keep working while the hub may be away
    nexts = {"received": "verified", "verified": "in_progress", "on_hold": "in_progress"}
    for s in rng.sample(sugg, min(len(sugg), 6)):
        state = status_of[s["n"]][0]
        if state in nexts:
            actions.append({"phase": 3, "office": office, "at": "",
                            "cmd": ["suggestion", "status", "@g%d" % s["n"], nexts[state]]})
    if answered:
        code, kind = rng.choice(answered)
        actions.append({"phase": 3, "office": office, "at": "",
                        "cmd": ["lke", "answer", "--year", str(year), "--item", code,
                                "--answer", answer_for(rng, kind, m)]})
    # phase 2, last: staff delete (hapus) what they entered by mistake (a
    # duplicate, a test entry): suggestions in any status, action-plan
    # items (cancelled ones too) and LKE answers, some answered again at
    # once. An own random stream, so that everything above is what the
    # seed gave before deletes existed. Nothing later names a deleted
    # record: not phase 3's status changes, nor phase 2's verdicts (the
    # hub refuses to verify a withdrawn answer). Phase 3 may answer a
    # deleted item again (while the hub is away).
    drng = random.Random("%d:%s:%d:delete" % (args.seed, office, year))
    busy = {a["cmd"][2] for a in actions if a["phase"] == 3 and a["cmd"][0] == "suggestion"}
    new_tags = ["@" + a["cmd"][a["cmd"].index("--subject") + 1].rsplit("[", 1)[1][:-1]
                for a in actions if a["phase"] == 2 and a["cmd"][:2] == ["suggestion", "add"]]
    for tag in ["@g%d" % s["n"] for s in sugg] + new_tags:
        if tag not in busy and drng.random() < (0.2 if tag[1] == "n" else 0.04):
            actions.append({"phase": 2, "office": office, "at": "",
                            "cmd": ["suggestion", "delete", tag]})
    for r in rb:
        if drng.random() < 0.08:
            actions.append({"phase": 2, "office": office, "at": "",
                            "cmd": ["rb", "delete", "@r%d" % r["n"]]})
    # and one in phase 3, while the hub may be away
    gone = {a["cmd"][2] for a in actions if a["cmd"][:2] == ["suggestion", "delete"]}
    left = ["@g%d" % s["n"] for s in sugg if "@g%d" % s["n"] not in busy | gone]
    if left and drng.random() < 0.5:
        actions.append({"phase": 3, "office": office, "at": "",
                        "cmd": ["suggestion", "delete", drng.choice(left)]})
    verdicts = {a["cmd"][4] for a in hub if a["phase"] == 2}
    for code, kind in answered:
        if code in verdicts or drng.random() >= 0.06:
            continue
        actions.append({"phase": 2, "office": office, "at": "",
                        "cmd": ["lke", "delete", "--year", str(year), "--item", code]})
        if drng.random() < 0.4:
            actions.append({"phase": 2, "office": office, "at": "",
                            "cmd": ["lke", "answer", "--year", str(year), "--item", code,
                                    "--answer", answer_for(drng, kind, m)]})
    actions.sort(key=lambda a: (a["phase"], a["at"] or "9999"))
    return files, actions, hub


def cmd_gen(args):
    ref = args.ref
    items = instrument_items(ref)
    hols = holidays(ref)
    offices = [o for o, _ in province_offices(ref)] if args.offices == "all" \
        else args.offices.split(",")
    os.makedirs(args.out, exist_ok=True)
    hub_all = []
    totals = [0, 0, 0, 0]
    for o in offices:
        files, actions, hub = gen_office(args, o, items, hols)
        for kind, text in files.items():
            write(os.path.join(args.out, "%s-%s.csv" % (o, kind)), text)
            totals[["suggestions", "rb", "lke"].index(kind)] += text.count("\n") - 1
        write(os.path.join(args.out, "%s-actions.jsonl" % o),
              "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in actions))
        totals[3] += len(actions)
        hub_all += hub
    write(os.path.join(args.out, "hub-actions.jsonl"),
          "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in hub_all))
    na = " --not-after '%s'" % fmt(args.not_after) if args.not_after else ""
    print("gen_province: seed %d, year %d, %d offices: %d suggestions, %d action-plan items, "
          "%d LKE answers, %d staff actions, %d verdicts (replay: gen_province.py gen --seed %d "
          "--year %d --scale %g --offices %s%s)"
          % (args.seed, args.year, len(offices), totals[0], totals[1], totals[2], totals[3],
             len(hub_all), args.seed, args.year, args.scale, args.offices, na))


def cmd_big(args):
    rng = random.Random("%d:%s:%d:big" % (args.seed, args.office, args.year))
    hols = holidays(args.ref)
    start = dt.date(args.year, 1, 1)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        f.write("# office,received,channel,class,category,privacy,subject,text\n")
        w = csv.writer(f, lineterminator="\n")
        for i in range(1, args.rows + 1):
            day = start + dt.timedelta(days=rng.randrange(365))
            ch = pick(rng, CHANNELS, CHANNEL_W)
            t = any_time(rng, day) if ch in ONLINE else office_hours(rng, day, hols)
            if t.year != args.year:
                t = dt.datetime(args.year, 12, 31, 9, 0)
            subject, text = rng.choice(TOPICS)
            w.writerow([args.office, fmt(t), ch, pick(rng, CLASSES, CLASS_W),
                        rng.choice(CATEGORIES), pick(rng, ["public", "anonymous", "confidential"],
                                                     [72, 20, 8]),
                        "%s [b%d]" % (subject, i), text])
    print("gen_province: seed %d: %d suggestions of %s in %s"
          % (args.seed, args.rows, args.office, args.out))


# ---- applying the actions ----------------------------------------------------

SHIM_C = r"""
/* fakenow.c - LD_PRELOAD: the wall clock starts at LNT_FAKE_NOW_MS (ms
   since the epoch) and runs on from there; other clocks are untouched. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

typedef int (*cg_fn) (clockid_t, struct timespec *);
static int64_t s_shift_ns (cg_fn real)
{
    static int done;
    static int64_t shift;
    if (!done) {
        const char *e = getenv ("LNT_FAKE_NOW_MS");
        struct timespec ts;
        real (CLOCK_REALTIME, &ts);
        if (e && *e)
            shift = strtoll (e, NULL, 10) * 1000000LL
                    - ((int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec);
        done = 1;
    }
    return shift;
}
static cg_fn s_real (void)
{
    static cg_fn real;
    if (!real)
        real = (cg_fn) dlsym (RTLD_NEXT, "clock_gettime");
    return real;
}
int clock_gettime (clockid_t id, struct timespec *ts)
{
    cg_fn real = s_real ();
    int rc = real (id, ts);
    if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) {
        int64_t ns = (int64_t) ts->tv_sec * 1000000000LL + ts->tv_nsec + s_shift_ns (real);
        ts->tv_sec = ns / 1000000000LL;
        ts->tv_nsec = ns % 1000000000LL;
    }
    return rc;
}
int gettimeofday (struct timeval *tv, void *tz)
{
    struct timespec ts;
    (void) tz;
    clock_gettime (CLOCK_REALTIME, &ts);
    tv->tv_sec = ts.tv_sec;
    tv->tv_usec = ts.tv_nsec / 1000;
    return 0;
}
time_t time (time_t *t)
{
    struct timespec ts;
    clock_gettime (CLOCK_REALTIME, &ts);
    if (t)
        *t = ts.tv_sec;
    return ts.tv_sec;
}
"""


def cmd_shim(args):
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        sys.exit("gen_province shim: no C compiler")
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "fakenow.c")
        write(src, SHIM_C)
        subprocess.run([cc, "-shared", "-fPIC", "-O1", "-o", args.out, src, "-ldl"], check=True)
    print(args.out)


def utc_offset_min(ref, office):
    prov = office[:2]
    for r in read_csv(ref, "provinces.csv")[1:]:
        if r[0] == prov:
            return int(r[2])
    return 420


def fake_ms(at, offset):
    t = dt.datetime.strptime(at, "%Y-%m-%d %H:%M").replace(tzinfo=dt.timezone.utc)
    return int(t.timestamp() * 1000) - offset * 60000 + 30000   # half a minute in


class Tags:
    """Tag ("g17", "r5", "n0") -> record id, from the office's own export."""

    def __init__(self, agent, data):
        self.agent, self.data, self.map = agent, data, None

    def load(self):
        out = subprocess.run([self.agent, "export", "--data", self.data],
                             capture_output=True, text=True, check=True).stdout
        d = json.loads(out)
        self.map = {}
        for s in d["suggestions"]:
            self._take(s["subject"], s["id"])
        for r in d["rb"]:
            self._take(r["activity"], r["id"])

    def _take(self, text, ident):
        if text.endswith("]") and " [" in text:
            self.map[text[text.rindex(" [") + 2:-1]] = ident

    def resolve(self, arg):
        if not arg.startswith("@"):
            return arg
        if self.map is None or arg[1:] not in self.map:
            self.load()
        return self.map[arg[1:]]


def run_office(args, office, actions, problems, lock):
    agent = os.path.join(args.bin, "lontar-agent")
    data = os.path.join(args.agents, "a" + office)
    tags = Tags(agent, data)
    offset = utc_offset_min(args.ref, office)
    for a in actions:
        env = dict(os.environ)
        if a["at"] and args.shim:
            env["LD_PRELOAD"] = args.shim
            env["LNT_FAKE_NOW_MS"] = str(fake_ms(a["at"], offset))
        try:
            cmd = [agent] + [tags.resolve(x) for x in a["cmd"]] + ["--data", data]
        except KeyError as e:
            with lock:
                problems.append("%s: no record tagged %s for %s" % (office, e, a["cmd"]))
            continue
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if p.returncode != 0:
            with lock:
                problems.append("%s: exit %d: %s at %s: %s" % (
                    office, p.returncode, " ".join(a["cmd"]), a["at"] or "now",
                    p.stderr.strip()[:300]))


def cmd_apply(args):
    phase = args.phase
    problems, lock = [], threading.Lock()
    count = 0
    if args.who == "hub":
        hub = os.path.join(args.bin, "lontar-hub")
        with open(os.path.join(args.actions, "hub-actions.jsonl"), encoding="utf-8") as f:
            acts = [json.loads(ln) for ln in f]
        for a in acts:
            if a["phase"] != phase or (args.offices and a["office"] not in args.offices):
                continue
            count += 1
            p = subprocess.run([hub] + a["cmd"] + ["--data", args.hub_data],
                               capture_output=True, text=True)
            if p.returncode != 0:
                problems.append("hub: exit %d: %s: %s" % (p.returncode, " ".join(a["cmd"]),
                                                          p.stderr.strip()[:300]))
    else:
        per = {}
        for name in sorted(os.listdir(args.actions)):
            if not name.endswith("-actions.jsonl") or name.startswith("hub"):
                continue
            office = name.split("-")[0]
            if args.offices and office not in args.offices:
                continue
            with open(os.path.join(args.actions, name), encoding="utf-8") as f:
                per[office] = [a for a in map(json.loads, f) if a["phase"] == phase]
            count += len(per[office])
        todo = list(per.items())
        def worker():
            while True:
                with lock:
                    if not todo:
                        return
                    office, acts = todo.pop(0)
                run_office(args, office, acts, problems, lock)
        threads = [threading.Thread(target=worker) for _ in range(max(1, args.jobs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    print("gen_province apply: phase %d, %s: %d commands, %d failed%s"
          % (phase, args.who, count, len(problems), " (fake clock)" if args.shim else ""))
    for p in problems[:20]:
        print("  " + p)
    sys.exit(1 if problems else 0)


# ---- command line --------------------------------------------------------------

def local_time(text):
    return dt.datetime.strptime(text.replace("T", " "), "%Y-%m-%d %H:%M")


def main():
    ap = argparse.ArgumentParser(prog="gen_province.py",
                                 description="A seeded province of lontar records.")
    sub = ap.add_subparsers(dest="command", required=True)
    g = sub.add_parser("gen", help="a province's year of records and the actions after it")
    g.add_argument("--seed", type=int, required=True)
    g.add_argument("--year", type=int, required=True)
    g.add_argument("--out", required=True)
    g.add_argument("--offices", default="all", help="all, or CODE,CODE,...")
    g.add_argument("--ref", default=DEFAULT_REF)
    g.add_argument("--scale", type=float, default=1.0, help="suggestions per office x F")
    g.add_argument("--not-after", type=local_time, default=None,
                   help="no received time or action later than this local time")
    b = sub.add_parser("big", help="one office's large suggestions file")
    b.add_argument("--seed", type=int, required=True)
    b.add_argument("--year", type=int, required=True)
    b.add_argument("--office", required=True)
    b.add_argument("--rows", type=int, required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--ref", default=DEFAULT_REF)
    a = sub.add_parser("apply", help="run one phase of the actions")
    a.add_argument("--actions", required=True)
    a.add_argument("--phase", type=int, required=True)
    a.add_argument("--who", choices=["offices", "hub"], required=True)
    a.add_argument("--bin", required=True)
    a.add_argument("--agents", default="", help="folder of the agents' a<OFFICE> stores")
    a.add_argument("--hub-data", default="")
    a.add_argument("--offices", type=lambda s: s.split(","), default=None)
    a.add_argument("--shim", default="")
    a.add_argument("--jobs", type=int, default=4)
    a.add_argument("--ref", default=DEFAULT_REF)
    s = sub.add_parser("shim", help="build the fake-clock LD_PRELOAD library")
    s.add_argument("out")
    args = ap.parse_args()
    {"gen": cmd_gen, "big": cmd_big, "apply": cmd_apply, "shim": cmd_shim}[args.command](args)


if __name__ == "__main__":
    main()
