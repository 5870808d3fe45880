/*  hub_ref.c - "lontar-hub instrument load" and "lontar-hub reference
    load|list": reference data as data. A part (an LKE instrument, the SLA
    table, holidays, the office list, ...) is read from a CSV file,
    validated with every other part the hub's store holds, and stored in
    one transaction: the text in the store's reference data, and a record
    of kind LNT_KIND_REF (id the part's name, the province section) whose
    change enters the hub's log and flows down to every office. The hub
    daemon reloads it (the store's ref_version moved) and so do agents.  */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lnt_cli.h"
#include "lnt_control.h"
#include "lnt_node.h"
#include "lnt_rollup.h"
#include "lnt_score.h"

#define HUB_PROG "lontar-hub"

/*  The parts `reference load` takes; instruments go through `instrument
    load`. rollups: whether records contribute differently under a new
    text, so the rollups are recomputed in the same transaction.         */
static const struct {
    const char *name; /* the part's name in the store                     */
    bool rollups;     /* changes what records add to the rollups          */
} s_parts[] = {
    {"sla", true},           {"holidays", true},
    {"offices", true},       {"grade-bands", false},
    {"answer-types", true},  {"areas", false},
    {"provinces", true},     {"instrument-years", false},
};
#define S_PART_COUNT (sizeof s_parts / sizeof s_parts[0])

/*  An instrument's id: what "instrument/" leaves of a record id.         */
#define S_INSTRUMENT_ID_MAX (LNT_ID_MAX - 11)

static const char *s_instrument_usage =
    "Usage: lontar-hub instrument load FILE [--id ID] [--data DIR]\n"
    "\n"
    "Loads an LKE instrument (the evaluation worksheet's tree: components,\n"
    "areas with their points, items with relative weights and answer\n"
    "types) from a CSV file in the shape of instrument-*.csv:\n"
    "    node,parent,kind,area,weight,answer_type,title\n"
    "ID defaults to the file's name instrument-ID.csv; other names need\n"
    "--id. ID: 1-36 letters, digits, '.', '_' or '-'. Loading an ID again\n"
    "replaces that instrument (the rollups are recomputed).\n"
    "\n"
    "The file is checked whole first: every field, every parent before its\n"
    "children, answer types that answer-types defines, and that scores under\n"
    "it are exact (lnt_score). A bad file is refused with its line and\n"
    "field (exit 65), and the store is left unchanged. A good one is stored\n"
    "and sent down to every office; assign it to office-years with\n"
    "'lontar-hub reference load instrument-years FILE'. Up to 16\n"
    "instruments live side by side.\n";

static const char *s_reference_usage =
    "Usage: lontar-hub reference load NAME FILE [--data DIR]\n"
    "       lontar-hub reference list [--data DIR] [--format table|csv|json]\n"
    "\n"
    "load stores a new text of a part of the reference data, checked with\n"
    "the other parts the hub holds, and sends it down to every office.\n"
    "NAME and the shape of FILE:\n"
    "  sla               class,verify_days,verify_day_kind,resolve_days,\n"
    "                    resolve_day_kind (like sla-defaults.csv)\n"
    "  holidays          date,name\n"
    "  offices           code,province_code,kind,name\n"
    "  grade-bands       grade,above,up_to,label_id\n"
    "  answer-types      answer_type,answer,value\n"
    "  areas             area,name_id,name_en (like rb-areas.csv)\n"
    "  provinces         code,zone,utc_offset_min,name\n"
    "  instrument-years  year,office,instrument: the instrument an office\n"
    "                    uses for a year; office * means every office of\n"
    "                    the province; a later line overrides an earlier\n"
    "                    one; without a line, permenpanrb-26-2020-pemenuhan\n"
    "Instruments: lontar-hub instrument load. A bad file is refused with\n"
    "its line and field (exit 65) and nothing changes. Due dates, overdue\n"
    "counts and scores follow the new data; the rollups are recomputed.\n"
    "\n"
    "list shows the parts the store holds, their size, and whether the\n"
    "offices are sent that text (parts never loaded here are the ones\n"
    "each office got at its own init).\n";

/*  One load, run in the store's write transaction (perhaps more than once:
    the store retries after growing its map).                             */
typedef struct {
    lnt_node_t *hub;       /* the hub                                      */
    const char *part;      /* the part's name: "sla", "instrument/ID"      */
    const char *file;      /* the file, for messages                       */
    const char *text;      /* its text                                     */
    size_t len;            /* its length                                   */
    lnt_why_t *why;        /* why it was refused                           */
    bool unchanged;        /* out: held and sent already; nothing written  */
    bool rebuilt;          /* out: the rollups were recomputed             */
    uint64_t version;      /* out: the store's new ref_version             */
    uint64_t seq;          /* out: the change's sequence in the hub's log  */
    char summary[160];     /* out: what was loaded, for the person         */
} s_load_t;

/*  Is the part's text stored, and sent down (its record holds it)?      */
static void
s_held (lnt_txn_t *txn, const char *part, const char *text, size_t len,
        bool *stored, bool *sent)
{
    const void *val;
    size_t vlen;
    *stored = lnt_txn_get (txn, LNT_DB_REF, part, strlen (part), &val,
                           &vlen) == 0
              && vlen == len && memcmp (val, text, len) == 0;
    lnt_record_t rec;
    const lnt_section_t *sec = &rec.sec[LNT_SECTION_PROVINCE];
    *sent = lnt_node_get (txn, LNT_KIND_REF, part, &rec, NULL) == 0
            && sec->present && !sec->deleted && sec->body_len == len
            && memcmp (sec->body, text, len) == 0;
}

/*  The checks that need the hub: an instrument scores exactly, every
    instrument an office-year is assigned does, the offices named are the
    province's, and no office that has replicated leaves the list.       */
static int
s_check_hub (s_load_t *l, lnt_txn_t *txn, const lnt_ref_t *ref)
{
    const char *province = lnt_node_code (l->hub);
    lnt_why_t inner = {""};
    lnt_score_plan_t plan;
    if (strncmp (l->part, "instrument/", 11) == 0) {
        const lnt_ref_instrument_t *in = lnt_ref_instrument (ref, l->part + 11);
        if (lnt_score_plan (in, &plan, &inner))
            return lnt_why (l->why, LNT_EINVAL, "%s: %s", l->file, inner.text);
        size_t items = 0;
        for (size_t i = 0; i < in->node_count; i++)
            items += strcmp (in->nodes[i].kind, "item") == 0;
        char points[32];
        lnt_decimal_format (plan.max_points, 4, points, sizeof points);
        snprintf (l->summary, sizeof l->summary, "%zu nodes, %zu items, %s "
                  "points", in->node_count, items, points);
        return 0;
    }
    if (strcmp (l->part, "instrument-years") == 0) {
        int year;
        const char *office, *id;
        size_t i = 0;
        for (; lnt_ref_instrument_year (ref, i, &year, &office, &id); i++) {
            const lnt_ref_office_t *o = lnt_ref_office (ref, office);
            if (o && strcmp (o->province, province) != 0)
                return lnt_why (l->why, LNT_EINVAL, "%s: office %s (year %d) "
                                "is not in province %s, this hub's", l->file,
                                office, year, province);
            if (lnt_score_plan (lnt_ref_instrument (ref, id), &plan, &inner))
                return lnt_why (l->why, LNT_EINVAL, "%s: for %d, %s: %s",
                                l->file, year, office, inner.text);
        }
        snprintf (l->summary, sizeof l->summary, "%zu line%s", i,
                  i == 1 ? "" : "s");
        return 0;
    }
    if (strcmp (l->part, "offices") == 0) {
        size_t mine = 0;
        for (size_t i = 0; i < lnt_ref_office_count (ref); i++)
            mine += strcmp (lnt_ref_office_at (ref, i)->province, province) == 0;
        if (!mine)
            return lnt_why (l->why, LNT_EINVAL, "%s: it has no office of "
                            "province %s, this hub's", l->file, province);
        /* An office whose records the hub holds must stay known, or
           its changes would all be refused from now on.                */
        lnt_cursor_t *cur;
        const void *k, *v;
        size_t kl, vl;
        int rc = lnt_cursor_open (txn, LNT_DB_CHECKPOINTS, &cur);
        if (rc)
            return rc;
        for (rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl); rc == 0;
             rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
            char code[LNT_OFFICE_MAX + 1];
            snprintf (code, sizeof code, "%.*s", (int) kl, (const char *) k);
            if (!lnt_ref_office (ref, code)) {
                rc = lnt_why (l->why, LNT_EINVAL, "%s: office %s is missing; "
                              "it replicates to this hub, so it must stay in "
                              "the list", l->file, code);
                break;
            }
        }
        lnt_cursor_close (&cur);
        if (rc != LNT_ENOTFOUND)
            return rc;
        snprintf (l->summary, sizeof l->summary, "%zu offices, %zu of "
                  "province %s", lnt_ref_office_count (ref), mine, province);
    }
    return 0;
}

static int
s_load_fn (lnt_txn_t *txn, void *arg)
{
    s_load_t *l = arg;
    l->unchanged = l->rebuilt = false;
    l->summary[0] = 0;
    bool stored, sent;
    s_held (txn, l->part, l->text, l->len, &stored, &sent);
    lnt_ref_t *ref = lnt_ref_new ();
    lnt_why_t inner = {""};
    if (!ref)
        return LNT_ENOMEM;
    /* The store's other parts, then the new text in place of its own. */
    int rc = lnt_node_read_ref (txn, ref, l->part, &inner);
    if (rc)
        rc = lnt_why (l->why, rc == LNT_EINVAL ? LNT_ESTORE : rc, "the hub's "
                      "store holds reference data that does not load: %s",
                      inner.text);
    else if ((rc = lnt_ref_load (ref, l->part, l->text, l->len, &inner)))
        lnt_why (l->why, rc, "%s: %s", l->file, inner.text);
    else if (!lnt_ref_complete (ref, &inner))
        rc = lnt_why (l->why, LNT_EINVAL, "%s: with it the reference data "
                      "would not hold together: %s", l->file, inner.text);
    else
        rc = s_check_hub (l, txn, ref);
    if (!rc && stored && sent) {
        l->unchanged = true; /* nothing to write, nothing to send        */
        lnt_ref_destroy (&ref);
        return 0;
    }
    /* A new instrument has no answers yet (the hub refuses answers to
       instruments it does not know): only a replaced one changes what
       records contribute.                                              */
    bool rollups = strncmp (l->part, "instrument/", 11) == 0;
    if (rollups) {
        const void *val;
        size_t vlen;
        rollups = lnt_txn_get (txn, LNT_DB_REF, l->part, strlen (l->part),
                               &val, &vlen) == 0;
    }
    for (size_t i = 0; i < S_PART_COUNT; i++)
        if (strcmp (s_parts[i].name, l->part) == 0)
            rollups = s_parts[i].rollups;
    rollups = rollups && !stored;
    if (!rc)
        rc = lnt_txn_put (txn, LNT_DB_REF, l->part, strlen (l->part), l->text,
                          l->len);
    if (!rc)
        rc = lnt_node_write_section (l->hub, txn, LNT_KIND_REF, l->part,
                                     lnt_node_code (l->hub),
                                     LNT_SECTION_PROVINCE, l->text, l->len,
                                     false, &l->seq);
    if (!rc)
        rc = lnt_node_ref_changed (txn, &l->version);
    if (!rc && rollups) {
        rc = lnt_rollup_rebuild (txn, ref);
        l->rebuilt = rc == 0;
    }
    lnt_ref_destroy (&ref);
    return rc;
}

/*  Loads FILE as part into the store of dir. Returns the exit code.     */
static int
s_load (const char *dir, const char *part, const char *file)
{
    lnt_why_t why = {""};
    char *text = NULL;
    size_t len = 0;
    int err = lnt_ref_read_file (file, &text, &len);
    if (err) {
        if (err != LNT_ENOMEM)
            err = lnt_why (&why, LNT_EIO, "cannot read %s (%s)", file,
                           err == LNT_ENOTFOUND ? "no such file"
                                                : "not a readable file of "
                                                  "at most 16 MiB");
        return lnt_cli_fail (HUB_PROG, err, &why);
    }
    if (len > LNT_BODY_MAX || memchr (text, 0, len)) {
        free (text);
        lnt_why (&why, LNT_EINVAL, "%s: %s; a part of the reference data is "
                 "CSV text of at most %d bytes", file,
                 len > LNT_BODY_MAX ? "too large" : "not text (a NUL byte)",
                 LNT_BODY_MAX);
        return lnt_cli_fail (HUB_PROG, LNT_EINVAL, &why);
    }
    s_load_t l = {.part = part, .file = file, .text = text, .len = len,
                  .why = &why};
    err = lnt_node_open (dir, 0, &l.hub, &why);
    if (!err && lnt_node_role (l.hub) != LNT_ROLE_HUB)
        err = lnt_why (&why, LNT_EINVAL, "the store in %s is an office's, not "
                       "a hub's", dir);
    if (!err)
        err = lnt_store_write (lnt_node_store (l.hub), s_load_fn, &l);
    lnt_node_destroy (&l.hub);
    free (text);
    if (err)
        return lnt_cli_fail (HUB_PROG, err, &why);
    if (l.unchanged) {
        printf ("%s: the hub holds and sends this text already; nothing "
                "changed\n", part);
        return 0;
    }
    lnt_control_nudge (dir);
    printf ("loaded %s from %s%s%s%s; reference version %llu, hub log "
            "sequence %llu: it goes down to every office\n", part, file,
            l.summary[0] ? " (" : "", l.summary, l.summary[0] ? ")" : "",
            (unsigned long long) l.version, (unsigned long long) l.seq);
    if (l.rebuilt)
        printf ("rollups recomputed under the new data\n");
    return 0;
}

/*  Parses the options every command here takes; returns -1 to go on,
    else the exit code.                                                   */
static int
s_options (int argc, char **argv, const char *usage, const char **data,
           const char **id, lnt_out_format_t *format)
{
    static const struct option options[] = {
        {"data", required_argument, NULL, 'd'},
        {"id", required_argument, NULL, 'i'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    optind = 0;
    while ((c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        if (c == 'd') {
            int rc = lnt_cli_data (HUB_PROG, optarg, data);
            if (rc)
                return rc;
        }
        else if (c == 'i' && id)
            *id = optarg;
        else if (c == 'f' && format) {
            int rc = lnt_cli_format (HUB_PROG, optarg, format);
            if (rc)
                return rc;
        }
        else if (c == 'h') {
            fputs (usage, stdout);
            return 0;
        }
        else {
            fputs (usage, stderr);
            return 64;
        }
    }
    return -1;
}

/*  Is id usable: 1-36 of letters, digits, '.', '_', '-'.                 */
static bool
s_id_ok (const char *id)
{
    size_t len = strlen (id);
    return len >= 1 && len <= S_INSTRUMENT_ID_MAX
           && strspn (id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "0123456789._-") == len
           && id[0] != '.';
}

int hub_instrument (int argc, char **argv);

int
hub_instrument (int argc, char **argv)
{
    if (argc >= 2 && (strcmp (argv[1], "-h") == 0
                      || strcmp (argv[1], "--help") == 0)) {
        fputs (s_instrument_usage, stdout);
        return 0;
    }
    if (argc < 2 || strcmp (argv[1], "load") != 0) {
        fputs (s_instrument_usage, stderr);
        return 64;
    }
    const char *data = NULL, *id = NULL;
    int rc = s_options (argc - 1, argv + 1, s_instrument_usage, &data, &id,
                        NULL);
    if (rc >= 0)
        return rc;
    argc--;
    argv++;
    if (argc - optind != 1)
        return lnt_cli_usage (HUB_PROG, "instrument load needs one FILE");
    const char *file = argv[optind];
    char derived[64] = "";
    if (!id) {
        const char *base = strrchr (file, '/');
        base = base ? base + 1 : file;
        size_t len = strlen (base);
        if (strncmp (base, "instrument-", 11) != 0 || len <= 15
            || strcmp (base + len - 4, ".csv") != 0
            || len - 15 >= sizeof derived)
            return lnt_cli_usage (HUB_PROG, "%s is not named "
                                  "instrument-ID.csv; give the ID with --id",
                                  file);
        snprintf (derived, sizeof derived, "%.*s", (int) (len - 15),
                  base + 11);
        id = derived;
    }
    if (!s_id_ok (id))
        return lnt_cli_usage (HUB_PROG, "instrument id \"%s\" must be 1-%d "
                              "letters, digits, '.', '_' or '-'", id,
                              S_INSTRUMENT_ID_MAX);
    char part[LNT_ID_MAX + 1];
    snprintf (part, sizeof part, "instrument/%s", id);
    return s_load (lnt_cli_data_dir (data, LNT_ROLE_HUB), part, file);
}

/*  reference list: the parts the store holds.                            */
static int
s_list (const char *dir, lnt_out_format_t format)
{
    lnt_node_t *hub = NULL;
    lnt_txn_t *txn = NULL;
    lnt_why_t why = {""};
    int err = lnt_node_open (dir, LNT_STORE_READONLY, &hub, &why);
    if (!err)
        err = lnt_store_read (lnt_node_store (hub), &txn);
    lnt_cursor_t *cur = NULL;
    if (!err)
        err = lnt_cursor_open (txn, LNT_DB_REF, &cur);
    if (err) {
        lnt_txn_end (&txn);
        lnt_node_destroy (&hub);
        return lnt_cli_fail (HUB_PROG, err, &why);
    }
    lnt_out_t *out = lnt_out_new (format);
    lnt_out_column (out, "part", "Part");
    lnt_out_column (out, "bytes", "Bytes");
    lnt_out_column (out, "sent_down", "Sent down");
    const void *k, *v;
    size_t kl, vl;
    for (int rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl); rc == 0;
         rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
        char name[LNT_ID_MAX + 1];
        snprintf (name, sizeof name, "%.*s", (int) kl, (const char *) k);
        bool stored, sent;
        s_held (txn, name, v, vl, &stored, &sent);
        lnt_out_row (out);
        lnt_out_str (out, name);
        lnt_out_int (out, (int64_t) vl);
        lnt_out_bool (out, sent);
    }
    lnt_cursor_close (&cur);
    lnt_txn_end (&txn);
    lnt_node_destroy (&hub);
    lnt_out_print (out, stdout);
    lnt_out_destroy (&out);
    return 0;
}

int hub_reference (int argc, char **argv);

int
hub_reference (int argc, char **argv)
{
    if (argc >= 2 && (strcmp (argv[1], "-h") == 0
                      || strcmp (argv[1], "--help") == 0)) {
        fputs (s_reference_usage, stdout);
        return 0;
    }
    bool load = argc >= 2 && strcmp (argv[1], "load") == 0;
    bool list = argc >= 2 && strcmp (argv[1], "list") == 0;
    if (!load && !list) {
        fputs (s_reference_usage, stderr);
        return 64;
    }
    const char *data = NULL;
    lnt_out_format_t format = LNT_OUT_TABLE;
    int rc = s_options (argc - 1, argv + 1, s_reference_usage, &data, NULL,
                        &format);
    if (rc >= 0)
        return rc;
    argc--;
    argv++;
    const char *dir = lnt_cli_data_dir (data, LNT_ROLE_HUB);
    if (list) {
        if (optind < argc)
            return lnt_cli_usage (HUB_PROG, "unexpected argument \"%s\"",
                                  argv[optind]);
        return s_list (dir, format);
    }
    if (argc - optind != 2)
        return lnt_cli_usage (HUB_PROG, "reference load needs NAME and FILE");
    const char *name = argv[optind];
    for (size_t i = 0; i < S_PART_COUNT; i++)
        if (strcmp (s_parts[i].name, name) == 0)
            return s_load (dir, name, argv[optind + 1]);
    if (strncmp (name, "instrument", 10) == 0)
        return lnt_cli_usage (HUB_PROG, "load instruments with 'lontar-hub "
                              "instrument load FILE'");
    return lnt_cli_usage (HUB_PROG, "unknown part \"%s\"; use sla, holidays, "
                          "offices, grade-bands, answer-types, areas, "
                          "provinces or instrument-years", name);
}
