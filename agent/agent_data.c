/*  agent_data.c - "lontar-agent init | import | export | backup": creating
    the store and moving records in and out of it.                         */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_cmd.h"
#include "lnt_import.h"
#include "lnt_listing.h"

static const char *s_init_usage =
    "Usage: lontar-agent init --office CODE [--data DIR] [--ref DIR]\n"
    "\n"
    "Creates this office's store in DIR (the folder is made; an existing\n"
    "store is refused with exit 73 and left as it is).\n"
    "  CODE: the office's Kemendagri region code, such as 3503 (Trenggalek)\n"
    "  --ref DIR: the reference data to start from (default $LONTAR_REF,\n"
    "             then " LNT_REF_DIR ")\n";

static const char *s_import_usage =
    "Usage: lontar-agent import FILE [--keep-going] [--again] [--data DIR]\n"
    "\n"
    "Imports records from a CSV file (UTF-8, comma-separated, '#' lines are\n"
    "comments, a header row starting with 'office' is skipped), one of:\n"
    "  suggestions: office,received,channel,class,category,privacy,subject,text\n"
    "  action plan: office,year,area,activity,indicator,target,unit,\n"
    "               realisation,due,status,evidence\n"
    "  LKE answers: office,year,item,answer,evidence,justification\n"
    "Rows of other offices are skipped. The file is imported whole or not at\n"
    "all; every bad line is reported with its number. --keep-going imports\n"
    "the good rows, reports the bad ones and exits 65 if there were any.\n"
    "A file imported before is refused (it would store its rows twice)\n"
    "unless --again.\n";

static const char *s_export_usage =
    "Usage: lontar-agent export [--kind suggestions|rb|lke] [--format json|csv]\n"
    "                           [--data DIR]\n"
    "\n"
    "Writes every record to standard output. Without --kind: one JSON object\n"
    "with the arrays suggestions, rb and lke, every field included; with\n"
    "--kind, that kind's array. With --kind and --format csv: the import\n"
    "shape of that kind, which import reads back. The reporter's name and\n"
    "contact are never exported. The text of a confidential suggestion is\n"
    "left out of the JSON; the CSV carries it, since import needs it: keep\n"
    "such a file in the office.\n";

static const char *s_backup_usage =
    "Usage: lontar-agent backup FILE [--data DIR]\n"
    "\n"
    "Writes a hot, compacted copy of the store to FILE (which must not\n"
    "exist), also while the daemon runs. To restore, stop the agent, put the\n"
    "file as data.mdb in an empty data folder and start it again.\n";

int
agent_init (int argc, char **argv)
{
    static const struct option options[] = {
        {"office", required_argument, NULL, 'o'},
        {"ref", required_argument, NULL, 'r'},
        AGENT_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    agent_common_t common = {NULL, LNT_OUT_TABLE};
    const char *office = NULL, *ref = NULL;
    int rc = 0, c;
    optind = 0;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        if (c == 'o')
            office = optarg;
        else if (c == 'r')
            ref = optarg;
        else if ((rc = agent_common_option (&common, c, s_init_usage)) < 0)
            rc = agent_bad_option (s_init_usage);
    }
    if (rc)
        return rc == 1 ? 0 : rc;
    /* `init --office --data X`: getopt took --data for the code.         */
    if (!office || office[0] == '-')
        return lnt_cli_usage (AGENT_PROG, "init needs --office CODE, the "
                              "office's region code such as 3503");
    if (optind < argc)
        return lnt_cli_usage (AGENT_PROG, "unexpected argument \"%s\"",
                              argv[optind]);
    const char *dir = lnt_cli_data_dir (common.data, LNT_ROLE_AGENT);
    lnt_why_t why = {""};
    int err = lnt_node_init (dir, LNT_ROLE_AGENT, office,
                             ref ? ref : lnt_ref_default_dir (), 0, &why);
    if (err == LNT_EEXIST)
        err = LNT_ECANTCREAT; /* exit 73, as DESIGN section 11 asks      */
    if (err)
        return lnt_cli_fail (AGENT_PROG, err, &why);
    printf ("created the store of office %s in %s\n", office, dir);
    return 0;
}

static void
s_progress (size_t rows, void *arg)
{
    (void) arg;
    fprintf (stderr, "\rimport: %zu rows read", rows);
}

int
agent_import (int argc, char **argv)
{
    static const struct option options[] = {
        {"keep-going", no_argument, NULL, 'k'},
        {"again", no_argument, NULL, 'a'},
        AGENT_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    agent_common_t common = {NULL, LNT_OUT_TABLE};
    unsigned flags = 0;
    int rc = 0, c;
    optind = 0;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        if (c == 'k')
            flags |= LNT_IMPORT_KEEP_GOING;
        else if (c == 'a')
            flags |= LNT_IMPORT_AGAIN;
        else if ((rc = agent_common_option (&common, c, s_import_usage)) < 0)
            rc = agent_bad_option (s_import_usage);
    }
    if (rc)
        return rc == 1 ? 0 : rc;
    if (argc - optind != 1)
        return lnt_cli_usage (AGENT_PROG, "import needs one FILE");
    lnt_node_t *node = NULL;
    if ((rc = agent_open (&common, 0, &node)))
        return rc;
    bool tty = isatty (STDERR_FILENO);
    lnt_import_result_t result;
    lnt_why_t why = {""};
    int err = lnt_import_file (node, argv[optind], flags,
                               tty ? s_progress : NULL, NULL, &result, &why);
    if (tty)
        fputs ("\r\033[K", stderr);
    for (size_t i = 0; i < result.problem_count; i++)
        fprintf (stderr, "%s\n", result.problems[i]);
    if (result.bad > result.problem_count)
        fprintf (stderr, "(and %zu more bad rows)\n",
                 result.bad - result.problem_count);
    if (err)
        rc = lnt_cli_fail (AGENT_PROG, err, &why);
    else {
        printf ("imported %zu, skipped %zu of other offices, refused %zu\n",
                result.imported, result.skipped, result.bad);
        /* --keep-going stored the good rows; the refused ones still make
           the exit status say so, as make -k does.                      */
        if (result.bad) {
            rc = 65;
            /* A fixed copy of the whole file is another file: importing
               it would store the good rows a second time.              */
            if (result.imported)
                fprintf (stderr, "%s: the %zu good rows are stored; to add "
                         "the refused ones, put only those rows, fixed, in "
                         "a new file and import that (importing this whole "
                         "file again would store the good rows twice)\n",
                         AGENT_PROG, result.imported);
        }
    }
    lnt_import_result_free (&result);
    lnt_node_destroy (&node);
    return rc;
}

/*  Prints all records of a kind as a JSON array (listing fields).         */
typedef struct {
    lnt_node_t *node;        /* the office                                  */
    lnt_txn_t *txn;          /* read transaction                            */
    lnt_out_t *out;          /* the listing                                 */
    int64_t now;             /* now                                         */
    union {
        lnt_suggestion_t s;  /* scratch                                     */
        lnt_rb_item_t r;     /* scratch                                     */
    } u;                     /* scratch record                              */
    lnt_lke_answer_t a;      /* scratch                                     */
    lnt_lke_verdict_t v;     /* scratch                                     */
} s_dump_t;

static int
s_dump_one (const lnt_record_t *rec, void *arg)
{
    s_dump_t *d = arg;
    const lnt_ref_t *ref = lnt_node_ref (d->node);
    if (!rec->sec[0].present || rec->sec[0].deleted)
        return 0;
    int rc;
    if (rec->kind == LNT_KIND_SUGGESTION) {
        if ((rc = lnt_office_suggestion_get (d->node, d->txn, rec->id, &d->u.s,
                                             NULL, NULL)))
            return rc;
        lnt_listing_suggestion_row (d->out, LNT_OUT_JSON, &d->u.s, ref, d->now);
    }
    else if (rec->kind == LNT_KIND_RB_ITEM) {
        if ((rc = lnt_office_rb_get (d->txn, rec->id, &d->u.r, NULL)))
            return rc;
        lnt_listing_rb_row (d->out, LNT_OUT_JSON, &d->u.r, ref, d->now);
    }
    else {
        memset (&d->a, 0, sizeof d->a);
        if ((rc = lnt_codec_lke_answer_decode (rec->sec[0].body,
                                               rec->sec[0].body_len, &d->a,
                                               NULL)))
            return rc;
        snprintf (d->a.id, sizeof d->a.id, "%s", rec->id);
        snprintf (d->a.office, sizeof d->a.office, "%s", rec->office);
        bool verified = rec->sec[1].present && !rec->sec[1].deleted
                        && !lnt_codec_lke_verdict_decode (rec->sec[1].body,
                                                          rec->sec[1].body_len,
                                                          &d->v, NULL);
        lnt_listing_lke_row (d->out, LNT_OUT_JSON, &d->a,
                             verified ? &d->v : NULL, ref);
    }
    return 0;
}

static int
s_dump (lnt_node_t *node, lnt_import_kind_t only)
{
    s_dump_t *d = calloc (1, sizeof *d);
    if (!d)
        return LNT_ENOMEM;
    d->node = node;
    d->now = lnt_time_now_ms ();
    int rc = lnt_store_read (lnt_node_store (node), &d->txn);
    static const struct {
        const char *name;  /* JSON field                                    */
        uint8_t kind;      /* record kind                                   */
        void (*columns) (lnt_out_t *, lnt_out_format_t); /* its columns     */
    } parts[] = {{"suggestions", LNT_KIND_SUGGESTION,
                  lnt_listing_suggestion_columns},
                 {"rb", LNT_KIND_RB_ITEM, lnt_listing_rb_columns},
                 {"lke", LNT_KIND_LKE_ANSWER, lnt_listing_lke_columns}};
    /* One kind: its array alone. All: one object with the three.       */
    if (only == LNT_IMPORT_UNKNOWN) {
        printf ("{\"office\": ");
        lnt_out_json_string (stdout, lnt_node_code (node));
    }
    for (size_t i = 0; !rc && i < 3; i++) {
        if (only != LNT_IMPORT_UNKNOWN && (size_t) only != i + 1)
            continue;
        d->out = lnt_out_new (LNT_OUT_JSON);
        parts[i].columns (d->out, LNT_OUT_JSON);
        rc = lnt_office_each (d->txn, parts[i].kind, s_dump_one, d);
        if (only == LNT_IMPORT_UNKNOWN)
            printf (",\n\"%s\": ", parts[i].name);
        if (!rc)
            lnt_out_print (d->out, stdout);
        lnt_out_destroy (&d->out);
    }
    if (only == LNT_IMPORT_UNKNOWN)
        printf ("}\n");
    lnt_txn_end (&d->txn);
    free (d);
    return rc;
}

int
agent_export (int argc, char **argv)
{
    static const struct option options[] = {
        {"kind", required_argument, NULL, 'k'},
        AGENT_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    agent_common_t common = {NULL, LNT_OUT_JSON};
    lnt_import_kind_t kind = LNT_IMPORT_UNKNOWN;
    int rc = 0, c;
    optind = 0;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        if (c == 'k') {
            kind = strcmp (optarg, "suggestions") == 0 ? LNT_IMPORT_SUGGESTIONS
                   : strcmp (optarg, "rb") == 0        ? LNT_IMPORT_RB
                   : strcmp (optarg, "lke") == 0       ? LNT_IMPORT_LKE
                                                       : LNT_IMPORT_UNKNOWN;
            if (kind == LNT_IMPORT_UNKNOWN)
                rc = lnt_cli_usage (AGENT_PROG, "--kind must be suggestions, "
                                    "rb or lke");
        }
        else if ((rc = agent_common_option (&common, c, s_export_usage)) < 0)
            rc = agent_bad_option (s_export_usage);
    }
    if (rc)
        return rc == 1 ? 0 : rc;
    if (optind < argc)
        return lnt_cli_usage (AGENT_PROG, "unexpected argument \"%s\"",
                              argv[optind]);
    if (common.format == LNT_OUT_TABLE)
        return lnt_cli_usage (AGENT_PROG, "export writes json or csv, not a "
                              "table; for a table use the kind's list command");
    if (common.format == LNT_OUT_CSV && kind == LNT_IMPORT_UNKNOWN)
        return lnt_cli_usage (AGENT_PROG, "export --format csv needs --kind "
                              "suggestions, rb or lke: one CSV per kind");
    lnt_node_t *node = NULL;
    if ((rc = agent_open (&common, LNT_STORE_READONLY, &node)))
        return rc;
    int err = common.format == LNT_OUT_JSON ? s_dump (node, kind)
                                            : lnt_export_csv (node, kind,
                                                              stdout);
    /* A failed write to stdout is main's to report, as for every command. */
    if (err)
        rc = lnt_cli_fail (AGENT_PROG, err, NULL);
    lnt_node_destroy (&node);
    return rc;
}

int
agent_backup (int argc, char **argv)
{
    agent_common_t common = {NULL, LNT_OUT_TABLE};
    optind = 0;
    int rc = agent_parse_common (&common, argc, argv, s_backup_usage);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (argc - optind != 1)
        return lnt_cli_usage (AGENT_PROG, "backup needs one FILE");
    lnt_node_t *node = NULL;
    if ((rc = agent_open (&common, LNT_STORE_READONLY, &node)))
        return rc;
    const char *path = argv[optind];
    lnt_why_t why = {""};
    int err = lnt_cli_backup (lnt_node_store (node), path, &why);
    if (err)
        rc = lnt_cli_fail (AGENT_PROG, err, &why);
    else
        printf ("backed up the store of office %s to %s\n",
                lnt_node_code (node), path);
    lnt_node_destroy (&node);
    return rc;
}
