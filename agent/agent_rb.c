/*  agent_rb.c - "lontar-agent rb ...": the RB action plan (rencana aksi):
    add, update, list, delete.                                             */
#include <stdlib.h>
#include <string.h>

#include "agent_cmd.h"
#include "lnt_listing.h"

static const char *s_usage =
    "Usage: lontar-agent rb add --year Y --area A --activity T --indicator T\n"
    "                           --target N --unit U [--due DATE]\n"
    "                           [--programme T] [--sub-activity T]\n"
    "                           [--person N] [--evidence T]\n"
    "       lontar-agent rb update ID [--realisation N] [--status S]\n"
    "                           [--evidence T] [--due DATE] [--person N]\n"
    "       lontar-agent rb list [--year Y] [--area A] [--status S]\n"
    "       lontar-agent rb delete ID\n"
    "\n"
    "Items of the office's Reformasi Birokrasi action plan (rencana aksi).\n"
    "  area:     1-8, the areas of change (1 Manajemen Perubahan ...\n"
    "            8 Peningkatan Kualitas Pelayanan Publik)\n"
    "  N:        a number such as 12 or 2.5 (target above 0)\n"
    "  DATE:     2026-12-31; a time after it (2026-12-31 16:00 or\n"
    "            2026-12-31T16:00) is allowed, the date counts\n"
    "  status:   planned -> in_progress -> done; any -> cancelled\n"
    "            (cancelled items count nowhere and cannot change)\n"
    "  evidence: a title, a link or a SHA-256 of the document\n"
    "  delete (hapus) removes an item entered by mistake, such as a\n"
    "            duplicate or a test entry, in any status: it leaves every\n"
    "            listing, export and count, here and (once sent) at the\n"
    "            provincial hub. It cannot be undone. Work that stopped is\n"
    "            cancelled, not deleted.\n"
    "\n"
    "add prints the new id; update prints the item; delete prints what it\n"
    "deleted ({\"id\": ..., \"deleted\": true} in JSON).\n"
    "Options: --data DIR, --format table|csv|json, -h/--help.\n";

static int
s_set (char *dst, size_t size, const char *text, const char *option)
{
    if (strlen (text) >= size)
        return lnt_cli_usage (AGENT_PROG, "%s is longer than %zu bytes",
                              option, size - 1);
    strcpy (dst, text);
    return 0;
}

static int
s_number (const char *text, const char *option, int64_t *value)
{
    if (lnt_decimal_parse (text, 3, value) == 0)
        return 0;
    return lnt_cli_usage (AGENT_PROG, "%s \"%s\" is not a number such as 12 "
                          "or 2.5 (at most 3 decimals)", option, text);
}

/*  A due date: ISO 8601 as --received takes it (DESIGN section 11), the
    date part counting: a time with it is in the office's local time, so
    the date as written is the local due date.                           */
static int
s_date (const char *text, const char *option, int32_t *day)
{
    int64_t ms;
    if (lnt_time_parse_local (text, 0, &ms) == 0) {
        *day = lnt_time_local_day (ms, 0);
        return 0;
    }
    return lnt_cli_usage (AGENT_PROG, "%s \"%s\" is not a date such as "
                          "2026-12-31 or 2026-12-31 16:00", option, text);
}

static void
s_print_one (lnt_node_t *node, const lnt_rb_item_t *r, lnt_out_format_t format)
{
    lnt_out_t *out = lnt_out_new (format);
    lnt_out_format_t full = format == LNT_OUT_TABLE ? LNT_OUT_CSV : format;
    lnt_listing_rb_columns (out, full);
    lnt_listing_rb_row (out, full, r, lnt_node_ref (node), lnt_time_now_ms ());
    lnt_out_print_one (out, stdout);
    lnt_out_destroy (&out);
}

static int
s_add (agent_common_t *common, int argc, char **argv)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"area", required_argument, NULL, 'a'},
        {"activity", required_argument, NULL, 'A'},
        {"indicator", required_argument, NULL, 'i'},
        {"target", required_argument, NULL, 't'},
        {"unit", required_argument, NULL, 'u'},
        {"due", required_argument, NULL, 'D'},
        {"programme", required_argument, NULL, 'p'},
        {"sub-activity", required_argument, NULL, 's'},
        {"person", required_argument, NULL, 'P'},
        {"evidence", required_argument, NULL, 'e'},
        AGENT_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    lnt_rb_item_t *r = calloc (1, sizeof *r);
    if (!r)
        return 70;
    r->due = LNT_NONE_DAY;
    int rc = 0, c;
    unsigned seen = 0; /* bits of the required options given              */
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        switch (c) {
            case 'y':
                seen |= 1;
                rc = lnt_cli_int (AGENT_PROG, "--year", optarg, 2000, 2100,
                                  &r->year);
                break;
            case 'a':
                seen |= 2;
                rc = lnt_cli_int (AGENT_PROG, "--area", optarg, 1, 8, &r->area);
                break;
            case 'A':
                seen |= 4;
                rc = s_set (r->activity, sizeof r->activity, optarg,
                            "--activity");
                break;
            case 'i':
                seen |= 8;
                rc = s_set (r->indicator, sizeof r->indicator, optarg,
                            "--indicator");
                break;
            case 't':
                seen |= 16;
                rc = s_number (optarg, "--target", &r->target);
                break;
            case 'u':
                seen |= 32;
                rc = s_set (r->unit, sizeof r->unit, optarg, "--unit");
                break;
            case 'D': rc = s_date (optarg, "--due", &r->due); break;
            case 'p':
                rc = s_set (r->programme, sizeof r->programme, optarg,
                            "--programme");
                break;
            case 's':
                rc = s_set (r->sub_activity, sizeof r->sub_activity, optarg,
                            "--sub-activity");
                break;
            case 'P':
                rc = s_set (r->person, sizeof r->person, optarg, "--person");
                break;
            case 'e':
                rc = s_set (r->evidence, sizeof r->evidence, optarg,
                            "--evidence");
                break;
            default:
                rc = agent_common_option (common, c, s_usage);
                if (rc < 0)
                    rc = agent_bad_option (s_usage);
        }
    }
    if (!rc && optind < argc)
        rc = lnt_cli_usage (AGENT_PROG, "unexpected argument \"%s\"",
                            argv[optind]);
    if (!rc && seen != 63)
        rc = lnt_cli_usage (AGENT_PROG, "rb add needs --year, --area, "
                            "--activity, --indicator, --target and --unit");
    lnt_node_t *node = NULL;
    if (rc || (rc = agent_open (common, 0, &node))) {
        free (r);
        return rc == 1 ? 0 : rc;
    }
    lnt_why_t why = {""};
    int err = lnt_office_rb_add (node, r, &why);
    if (err)
        rc = lnt_cli_fail (AGENT_PROG, err, &why);
    else if (common->format == LNT_OUT_JSON)
        printf ("{\"id\": \"%s\"}\n", r->id);
    else
        printf ("%s\n", r->id);
    lnt_node_destroy (&node);
    free (r);
    return rc;
}

static int
s_update (agent_common_t *common, int argc, char **argv)
{
    static const struct option options[] = {
        {"realisation", required_argument, NULL, 'r'},
        {"status", required_argument, NULL, 's'},
        {"evidence", required_argument, NULL, 'e'},
        {"due", required_argument, NULL, 'D'},
        {"person", required_argument, NULL, 'P'},
        AGENT_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    lnt_rb_patch_t patch = {0};
    int rc = 0, c, v;
    lnt_why_t why = {""};
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        switch (c) {
            case 'r':
                patch.has_realisation = true;
                rc = s_number (optarg, "--realisation", &patch.realisation);
                break;
            case 's':
                if (lnt_word_parse (LNT_WORD_RB_STATUS, optarg, &v, &why))
                    rc = lnt_cli_usage (AGENT_PROG, "%s", why.text);
                patch.has_status = true;
                patch.status = (lnt_rb_status_t) v;
                break;
            case 'e': patch.evidence = optarg; break;
            case 'D':
                patch.has_due = true;
                rc = s_date (optarg, "--due", &patch.due);
                break;
            case 'P': patch.person = optarg; break;
            default:
                rc = agent_common_option (common, c, s_usage);
                if (rc < 0)
                    rc = agent_bad_option (s_usage);
        }
    }
    if (rc)
        return rc == 1 ? 0 : rc;
    if (argc - optind != 1)
        return lnt_cli_usage (AGENT_PROG, "rb update needs one ID");
    if (!patch.has_realisation && !patch.has_status && !patch.evidence
        && !patch.has_due && !patch.person)
        return lnt_cli_usage (AGENT_PROG, "rb update needs something to "
                              "change: --realisation, --status, --evidence, "
                              "--due or --person");
    lnt_node_t *node = NULL;
    if ((rc = agent_open (common, 0, &node)))
        return rc;
    lnt_rb_item_t *r = malloc (sizeof *r);
    int err = r ? lnt_office_rb_update (node, argv[optind], &patch, r, &why)
                : LNT_ENOMEM;
    if (err)
        rc = lnt_cli_fail (AGENT_PROG, err, &why);
    else
        s_print_one (node, r, common->format);
    free (r);
    lnt_node_destroy (&node);
    return rc;
}

typedef struct {
    lnt_node_t *node;          /* the office                                */
    lnt_txn_t *txn;            /* read transaction                          */
    lnt_out_t *out;            /* the listing                               */
    lnt_out_format_t format;   /* its format                                */
    int year, area, status;    /* filters: 0 / 0 / -1 for all               */
    int64_t now;               /* now                                       */
    lnt_rb_item_t r;           /* scratch                                   */
} s_list_t;

static int
s_list_one (const lnt_record_t *rec, void *arg)
{
    s_list_t *l = arg;
    int rc = lnt_office_rb_get (l->txn, rec->id, &l->r, NULL);
    if (rc == LNT_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    if ((l->year && l->r.year != l->year) || (l->area && l->r.area != l->area)
        || (l->status >= 0 && l->r.status != l->status))
        return 0;
    lnt_listing_rb_row (l->out, l->format, &l->r, lnt_node_ref (l->node),
                        l->now);
    return 0;
}

static int
s_list (agent_common_t *common, int argc, char **argv)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"area", required_argument, NULL, 'a'},
        {"status", required_argument, NULL, 's'},
        AGENT_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    s_list_t *l = calloc (1, sizeof *l);
    if (!l)
        return 70;
    l->status = -1;
    int rc = 0, c;
    lnt_why_t why = {""};
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        switch (c) {
            case 'y':
                rc = lnt_cli_int (AGENT_PROG, "--year", optarg, 2000, 2100,
                                  &l->year);
                break;
            case 'a':
                rc = lnt_cli_int (AGENT_PROG, "--area", optarg, 1, 8, &l->area);
                break;
            case 's':
                if (lnt_word_parse (LNT_WORD_RB_STATUS, optarg, &l->status, &why))
                    rc = lnt_cli_usage (AGENT_PROG, "%s", why.text);
                break;
            default:
                rc = agent_common_option (common, c, s_usage);
                if (rc < 0)
                    rc = agent_bad_option (s_usage);
        }
    }
    if (!rc && optind < argc)
        rc = lnt_cli_usage (AGENT_PROG, "unexpected argument \"%s\"",
                            argv[optind]);
    if (rc || (rc = agent_open (common, LNT_STORE_READONLY, &l->node))) {
        free (l);
        return rc == 1 ? 0 : rc;
    }
    l->format = common->format;
    l->now = lnt_time_now_ms ();
    l->out = lnt_out_new (l->format);
    lnt_listing_rb_columns (l->out, l->format);
    int err = lnt_store_read (lnt_node_store (l->node), &l->txn);
    if (!err)
        err = lnt_office_each (l->txn, LNT_KIND_RB_ITEM, s_list_one, l);
    lnt_txn_end (&l->txn);
    if (err)
        rc = lnt_cli_fail (AGENT_PROG, err, NULL);
    else
        lnt_out_print (l->out, stdout);
    lnt_out_destroy (&l->out);
    lnt_node_destroy (&l->node);
    free (l);
    return rc;
}

/*  delete: an item entered by mistake.                                    */
static int
s_delete (agent_common_t *common, int argc, char **argv)
{
    int rc = agent_parse_common (common, argc, argv, s_usage);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (argc - optind != 1)
        return lnt_cli_usage (AGENT_PROG, "rb delete needs one ID");
    lnt_node_t *node = NULL;
    if ((rc = agent_open (common, 0, &node)))
        return rc;
    lnt_why_t why = {""};
    lnt_rb_item_t *r = malloc (sizeof *r);
    int err = r ? lnt_office_rb_delete (node, argv[optind], r, &why)
                : LNT_ENOMEM;
    if (err)
        rc = lnt_cli_fail (AGENT_PROG, err, &why);
    else
        agent_print_deleted (common->format, r->id,
                             "action-plan item %s (%s, %s)", r->id,
                             r->activity,
                             lnt_word (LNT_WORD_RB_STATUS, r->status));
    free (r);
    lnt_node_destroy (&node);
    return rc;
}

int
agent_rb (int argc, char **argv)
{
    agent_common_t common = {NULL, LNT_OUT_TABLE};
    if (argc < 2) {
        fputs (s_usage, stderr);
        return 64;
    }
    const char *verb = argv[1];
    if (strcmp (verb, "-h") == 0 || strcmp (verb, "--help") == 0) {
        fputs (s_usage, stdout);
        return 0;
    }
    optind = 0;
    if (strcmp (verb, "add") == 0)
        return s_add (&common, argc - 1, argv + 1);
    if (strcmp (verb, "update") == 0)
        return s_update (&common, argc - 1, argv + 1);
    if (strcmp (verb, "list") == 0)
        return s_list (&common, argc - 1, argv + 1);
    if (strcmp (verb, "delete") == 0)
        return s_delete (&common, argc - 1, argv + 1);
    return lnt_cli_usage (AGENT_PROG, "unknown rb command \"%s\"; use add, "
                          "update, list or delete", verb);
}
