/*  agent_lke.c - "lontar-agent lke ...": the office's self-assessment
    answers on the evaluation worksheet (LKE): answer, list, delete.      */
#include <stdlib.h>
#include <string.h>

#include "agent_cmd.h"
#include "lnt_listing.h"

static const char *s_usage =
    "Usage: lontar-agent lke answer --year Y --item CODE --answer A\n"
    "                               [--evidence T] [--justification T]\n"
    "                               [--instrument ID]\n"
    "       lontar-agent lke list [--year Y]\n"
    "       lontar-agent lke delete --year Y --item CODE\n"
    "\n"
    "Self-assessment answers on the RB evaluation worksheet (LKE).\n"
    "  CODE:     an item of the instrument, such as A1.3 (see the items with\n"
    "            their titles in instrument-*.csv of the reference data)\n"
    "  A:        as the item's answer type allows: Y or T; A, B or C;\n"
    "            A, B, C or D; or a number 0-100 for a percentage\n"
    "  ID:       the instrument; default the one the hub assigned to the\n"
    "            office and year, else permenpanrb-26-2020-pemenuhan\n"
    "A new answer to the same item and year replaces the whole answer,\n"
    "evidence included. The list shows the province's verified answer too.\n"
    "delete (hapus) withdraws the office's answer to an item, one given by\n"
    "mistake: it leaves the list, the export and the scores, here and (once\n"
    "sent) at the provincial hub. The item can be answered again later. An\n"
    "assessor's verdict on the withdrawn answer stays with the hub; after a\n"
    "new answer, ask the assessor to verify again.\n"
    "\n"
    "answer prints the answer's id; delete prints what it deleted\n"
    "({\"id\": ..., \"deleted\": true} in JSON).\n"
    "Options: --data DIR, --format table|csv|json, -h/--help.\n";

static int
s_answer (agent_common_t *common, int argc, char **argv)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"item", required_argument, NULL, 'i'},
        {"answer", required_argument, NULL, 'a'},
        {"evidence", required_argument, NULL, 'e'},
        {"justification", required_argument, NULL, 'j'},
        {"instrument", required_argument, NULL, 'I'},
        AGENT_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    lnt_lke_answer_t *a = calloc (1, sizeof *a);
    if (!a)
        return 70;
    int rc = 0, c;
    const char *item = NULL, *answer = NULL;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        switch (c) {
            case 'y':
                rc = lnt_cli_int (AGENT_PROG, "--year", optarg, 2000, 2100,
                                  &a->year);
                break;
            case 'i': item = optarg; break;
            case 'a': answer = optarg; break;
            case 'e':
            case 'j':
            case 'I': {
                char *dst = c == 'e' ? a->evidence
                            : c == 'j' ? a->justification : a->instrument;
                size_t size = c == 'e' ? sizeof a->evidence
                              : c == 'j' ? sizeof a->justification
                                         : sizeof a->instrument;
                if (strlen (optarg) >= size)
                    rc = lnt_cli_usage (AGENT_PROG, "--%s is longer than %zu "
                                        "bytes", c == 'e' ? "evidence"
                                        : c == 'j' ? "justification"
                                                   : "instrument", size - 1);
                else
                    strcpy (dst, optarg);
                break;
            }
            default:
                rc = agent_common_option (common, c, s_usage);
                if (rc < 0)
                    rc = agent_bad_option (s_usage);
        }
    }
    if (!rc && optind < argc)
        rc = lnt_cli_usage (AGENT_PROG, "unexpected argument \"%s\"",
                            argv[optind]);
    if (!rc && (!a->year || !item || !answer))
        rc = lnt_cli_usage (AGENT_PROG, "lke answer needs --year, --item and "
                            "--answer");
    if (!rc && (strlen (item) >= sizeof a->item
                || strlen (answer) >= sizeof a->answer))
        rc = lnt_cli_usage (AGENT_PROG, "--item \"%.20s\" or --answer "
                            "\"%.20s\" is too long to be one", item, answer);
    lnt_node_t *node = NULL;
    if (rc || (rc = agent_open (common, 0, &node))) {
        free (a);
        return rc == 1 ? 0 : rc;
    }
    strcpy (a->item, item);
    strcpy (a->answer, answer);
    lnt_why_t why = {""};
    int err = lnt_office_lke_answer (node, a, &why);
    if (err)
        rc = lnt_cli_fail (AGENT_PROG, err, &why);
    else if (common->format == LNT_OUT_JSON)
        printf ("{\"id\": \"%s\"}\n", a->id);
    else
        printf ("%s\n", a->id);
    lnt_node_destroy (&node);
    free (a);
    return rc;
}

typedef struct {
    lnt_node_t *node;        /* the office                                  */
    lnt_out_t *out;          /* the listing                                 */
    lnt_out_format_t format; /* its format                                  */
    int year;                /* filter, 0 for all                           */
    lnt_lke_answer_t a;      /* scratch                                     */
    lnt_lke_verdict_t v;     /* scratch                                     */
} s_list_t;

static int
s_list_one (const lnt_record_t *rec, void *arg)
{
    s_list_t *l = arg;
    if (!rec->sec[0].present || rec->sec[0].deleted)
        return 0;
    memset (&l->a, 0, sizeof l->a);
    int rc = lnt_codec_lke_answer_decode (rec->sec[0].body,
                                          rec->sec[0].body_len, &l->a, NULL);
    if (rc)
        return rc;
    snprintf (l->a.id, sizeof l->a.id, "%s", rec->id);
    snprintf (l->a.office, sizeof l->a.office, "%s", rec->office);
    if (l->year && l->a.year != l->year)
        return 0;
    bool verified = rec->sec[1].present && !rec->sec[1].deleted
                    && lnt_codec_lke_verdict_decode (rec->sec[1].body,
                                                     rec->sec[1].body_len,
                                                     &l->v, NULL) == 0;
    lnt_listing_lke_row (l->out, l->format, &l->a, verified ? &l->v : NULL,
                         lnt_node_ref (l->node));
    return 0;
}

static int
s_list (agent_common_t *common, int argc, char **argv)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        AGENT_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    s_list_t *l = calloc (1, sizeof *l);
    if (!l)
        return 70;
    int rc = 0, c;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        if (c == 'y')
            rc = lnt_cli_int (AGENT_PROG, "--year", optarg, 2000, 2100,
                              &l->year);
        else if ((rc = agent_common_option (common, c, s_usage)) < 0)
            rc = agent_bad_option (s_usage);
    }
    if (!rc && optind < argc)
        rc = lnt_cli_usage (AGENT_PROG, "unexpected argument \"%s\"",
                            argv[optind]);
    if (rc || (rc = agent_open (common, LNT_STORE_READONLY, &l->node))) {
        free (l);
        return rc == 1 ? 0 : rc;
    }
    l->format = common->format;
    l->out = lnt_out_new (l->format);
    lnt_listing_lke_columns (l->out, l->format);
    lnt_txn_t *txn = NULL;
    int err = lnt_store_read (lnt_node_store (l->node), &txn);
    if (!err)
        err = lnt_office_each (txn, LNT_KIND_LKE_ANSWER, s_list_one, l);
    lnt_txn_end (&txn);
    if (err)
        rc = lnt_cli_fail (AGENT_PROG, err, NULL);
    else
        lnt_out_print (l->out, stdout);
    lnt_out_destroy (&l->out);
    lnt_node_destroy (&l->node);
    free (l);
    return rc;
}

/*  delete: withdraws the office's answer to an item.                      */
static int
s_delete (agent_common_t *common, int argc, char **argv)
{
    static const struct option options[] = {
        {"year", required_argument, NULL, 'y'},
        {"item", required_argument, NULL, 'i'},
        AGENT_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    int rc = 0, c, year = 0;
    const char *item = NULL;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        if (c == 'y')
            rc = lnt_cli_int (AGENT_PROG, "--year", optarg, 2000, 2100, &year);
        else if (c == 'i')
            item = optarg;
        else if ((rc = agent_common_option (common, c, s_usage)) < 0)
            rc = agent_bad_option (s_usage);
    }
    if (rc)
        return rc == 1 ? 0 : rc;
    if (optind < argc)
        return lnt_cli_usage (AGENT_PROG, "unexpected argument \"%s\"; lke "
                              "delete takes --year and --item", argv[optind]);
    if (!year || !item)
        return lnt_cli_usage (AGENT_PROG, "lke delete needs --year and "
                              "--item");
    if (!*item || strlen (item) > LNT_ITEM_MAX)
        return lnt_cli_usage (AGENT_PROG, "--item \"%.20s\" is not an item "
                              "code such as A1.3", item);
    lnt_node_t *node = NULL;
    if ((rc = agent_open (common, 0, &node)))
        return rc;
    lnt_why_t why = {""};
    lnt_lke_answer_t *a = malloc (sizeof *a);
    int err = a ? lnt_office_lke_delete (node, year, item, a, &why)
                : LNT_ENOMEM;
    if (err)
        rc = lnt_cli_fail (AGENT_PROG, err, &why);
    else
        agent_print_deleted (common->format, a->id, "LKE answer %s (answer %s)",
                             a->id, a->answer);
    free (a);
    lnt_node_destroy (&node);
    return rc;
}

int
agent_lke (int argc, char **argv)
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
    if (strcmp (verb, "answer") == 0)
        return s_answer (&common, argc - 1, argv + 1);
    if (strcmp (verb, "list") == 0)
        return s_list (&common, argc - 1, argv + 1);
    if (strcmp (verb, "delete") == 0)
        return s_delete (&common, argc - 1, argv + 1);
    return lnt_cli_usage (AGENT_PROG, "unknown lke command \"%s\"; use "
                          "answer, list or delete", verb);
}
