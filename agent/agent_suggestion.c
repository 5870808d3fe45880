/*  agent_suggestion.c - "lontar-agent suggestion ...": the suggestion box
    (kotak saran): add, list, show, status, respond, delete.              */
#include <stdlib.h>
#include <string.h>

#include "agent_cmd.h"
#include "lnt_listing.h"

static const char *s_usage =
    "Usage: lontar-agent suggestion add --channel CH --class CL --subject TEXT\n"
    "                                   --text TEXT [--category C]\n"
    "                                   [--privacy public|anonymous|confidential]\n"
    "                                   [--received TIME] [--field-check]\n"
    "                                   [--reporter-name N] [--reporter-contact C]\n"
    "       lontar-agent suggestion list [--status S] [--year Y] [--open] [--overdue]\n"
    "       lontar-agent suggestion show ID\n"
    "       lontar-agent suggestion status ID STATUS [--note T]\n"
    "       lontar-agent suggestion respond ID --text T\n"
    "       lontar-agent suggestion delete ID\n"
    "\n"
    "Suggestions, complaints and requests from citizens (saran dan pengaduan).\n"
    "  channel:  website, suggestion_box, letter, in_person, phone, lapor,\n"
    "            social_media\n"
    "  class:    suggestion, complaint, information_request, whistleblowing\n"
    "            (--field-check: a complaint that needs a field check)\n"
    "  privacy:  public (default), anonymous, confidential (the text stays\n"
    "            in this office); the reporter's name and contact never\n"
    "            leave this office\n"
    "  TIME:     local time, 2026-03-01, 2026-03-01 09:12 or 2026-03-01T09:12\n"
    "            (default: now)\n"
    "  status:   received -> verified, not_our_authority, archived;\n"
    "            verified -> in_progress, on_hold, referred, done;\n"
    "            in_progress -> on_hold, referred, done; on_hold ->\n"
    "            in_progress, done; referred -> done; done -> archived\n"
    "  respond records the answer given to the citizen and sets done.\n"
    "  delete (hapus) removes a suggestion entered by mistake, such as a\n"
    "            duplicate or a test entry, in any status: it leaves every\n"
    "            listing, export and count, here and (once sent) at the\n"
    "            provincial hub, and the reporter's name and contact and a\n"
    "            confidential text are erased. It cannot be undone and the\n"
    "            number is not given again. A real suggestion is closed\n"
    "            with a status (archived, not_our_authority), not deleted.\n"
    "\n"
    "add prints the tracking number; status and respond print the record;\n"
    "delete prints what it deleted ({\"id\": ..., \"deleted\": true} in\n"
    "JSON).\n"
    "Options: --data DIR, --format table|csv|json, -h/--help.\n";

/*  Copies an option's text into a bounded field, refusing what is longer. */
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
s_word (lnt_word_set_t set, const char *text, int *value)
{
    lnt_why_t why;
    if (lnt_word_parse (set, text, value, &why) == 0)
        return 0;
    return lnt_cli_usage (AGENT_PROG, "%s", why.text);
}

/*  Prints one suggestion: its fields, then (in a table) its history.      */
/*  Prints one suggestion: its fields, the reporter (p, when given: the
    office's own view; it never leaves the office), then (in a table) its
    history.                                                               */
static void
s_print_one (lnt_node_t *node, const lnt_suggestion_t *s,
             const lnt_private_t *p, lnt_out_format_t format)
{
    lnt_out_t *out = lnt_out_new (format);
    lnt_out_format_t full = format == LNT_OUT_TABLE ? LNT_OUT_CSV : format;
    lnt_listing_suggestion_columns (out, full);
    if (p) {
        lnt_out_column (out, "reporter_name", NULL);
        lnt_out_column (out, "reporter_contact", NULL);
    }
    lnt_listing_suggestion_row (out, full, s, lnt_node_ref (node),
                                lnt_time_now_ms ());
    if (p) {
        lnt_out_str (out, p->reporter_name);
        lnt_out_str (out, p->reporter_contact);
    }
    lnt_out_print_one (out, stdout);
    lnt_out_destroy (&out);
    if (format == LNT_OUT_TABLE) {
        out = lnt_out_new (format);
        printf ("\nHistory:\n");
        lnt_listing_history (out, s, lnt_node_ref (node));
        lnt_out_print (out, stdout);
        lnt_out_destroy (&out);
    }
}

static int
s_add (agent_common_t *common, int argc, char **argv)
{
    static const struct option options[] = {
        {"channel", required_argument, NULL, 'c'},
        {"class", required_argument, NULL, 'k'},
        {"subject", required_argument, NULL, 's'},
        {"text", required_argument, NULL, 't'},
        {"category", required_argument, NULL, 'g'},
        {"privacy", required_argument, NULL, 'p'},
        {"received", required_argument, NULL, 'r'},
        {"field-check", no_argument, NULL, 'F'},
        {"reporter-name", required_argument, NULL, 'n'},
        {"reporter-contact", required_argument, NULL, 'o'},
        AGENT_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    lnt_suggestion_t *s = calloc (1, sizeof *s);
    lnt_private_t *p = calloc (1, sizeof *p);
    const char *received = NULL, *channel = NULL, *class_ = NULL;
    int rc = s && p ? 0 : 70, c, v;
    bool has_subject = false, has_text = false;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        switch (c) {
            case 'c': channel = optarg; break;
            case 'k': class_ = optarg; break;
            case 's':
                has_subject = true;
                rc = s_set (s->subject, sizeof s->subject, optarg, "--subject");
                break;
            case 't':
                has_text = true;
                rc = s_set (s->text, sizeof s->text, optarg, "--text");
                break;
            case 'g':
                rc = s_set (s->category, sizeof s->category, optarg,
                            "--category");
                break;
            case 'p':
                rc = s_word (LNT_WORD_PRIVACY, optarg, &v);
                s->privacy = (uint8_t) v;
                break;
            case 'r': received = optarg; break;
            case 'F': s->field_check = true; break;
            case 'n':
                rc = s_set (p->reporter_name, sizeof p->reporter_name, optarg,
                            "--reporter-name");
                break;
            case 'o':
                rc = s_set (p->reporter_contact, sizeof p->reporter_contact,
                            optarg, "--reporter-contact");
                break;
            default:
                rc = agent_common_option (common, c, s_usage);
                if (rc < 0)
                    rc = agent_bad_option (s_usage);
        }
    }
    if (rc == 1) {
        rc = 0;
        goto done;
    }
    if (rc)
        goto done;
    if (optind < argc) {
        rc = lnt_cli_usage (AGENT_PROG, "unexpected argument \"%s\"",
                            argv[optind]);
        goto done;
    }
    if (!channel || !class_ || !has_subject || !has_text) {
        rc = lnt_cli_usage (AGENT_PROG, "suggestion add needs --channel, "
                            "--class, --subject and --text");
        goto done;
    }
    if ((rc = s_word (LNT_WORD_CHANNEL, channel, &v)))
        goto done;
    s->channel = (uint8_t) v;
    if ((rc = s_word (LNT_WORD_CLASS, class_, &v)))
        goto done;
    s->class_ = (uint8_t) v;
    lnt_node_t *node = NULL;
    if ((rc = agent_open (common, 0, &node)))
        goto done;
    lnt_why_t why = {""};
    s->received = lnt_time_now_ms ();
    if (received
        && lnt_time_parse_local (received,
                                 lnt_ref_utc_offset (lnt_node_ref (node),
                                                     lnt_node_code (node)),
                                 &s->received)) {
        lnt_node_destroy (&node);
        rc = lnt_cli_usage (AGENT_PROG, "--received \"%s\" is not a local "
                            "time such as 2026-03-01 09:12", received);
        goto done;
    }
    /* A mistyped year (2062 for 2026) would be stored silently and get a
       tracking number of that year: a day ahead is the most a wrong PC
       clock or time zone explains.                                      */
    if (s->received > lnt_time_now_ms () + 24 * 3600 * 1000LL) {
        lnt_node_destroy (&node);
        rc = lnt_cli_fail (AGENT_PROG, LNT_EINVAL,
                           &(lnt_why_t){"--received is more than a day in "
                                        "the future; check the date"});
        goto done;
    }
    int err = lnt_office_suggestion_add (node, s, p, &why);
    if (err)
        rc = lnt_cli_fail (AGENT_PROG, err, &why);
    else if (common->format == LNT_OUT_JSON)
        printf ("{\"id\": \"%s\"}\n", s->id);
    else
        printf ("%s\n", s->id);
    lnt_node_destroy (&node);
done:
    free (s);
    free (p);
    return rc;
}

/*  Filters of suggestion list.                                             */
typedef struct {
    lnt_node_t *node;     /* the office                                     */
    lnt_txn_t *txn;       /* the read transaction                           */
    lnt_out_t *out;       /* the listing                                    */
    lnt_out_format_t format; /* its format                                  */
    int status;           /* only this status, or -1                        */
    int year;             /* only this received year, or 0                  */
    bool open;            /* only open ones                                 */
    bool overdue;         /* only overdue ones                              */
    int64_t now;          /* now, for due dates                             */
    lnt_suggestion_t s;   /* the decoded suggestion                         */
} s_list_t;

static int
s_list_one (const lnt_record_t *rec, void *arg)
{
    s_list_t *l = arg;
    const lnt_ref_t *ref = lnt_node_ref (l->node);
    int rc = lnt_office_suggestion_get (l->node, l->txn, rec->id, &l->s, NULL,
                                        NULL);
    if (rc == LNT_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    int year, mon, day;
    lnt_date_to_ymd (lnt_time_local_day (l->s.received,
                                         lnt_ref_utc_offset (ref, l->s.office)),
                     &year, &mon, &day);
    if ((l->status >= 0 && l->s.status != l->status)
        || (l->year && year != l->year)
        || (l->open && !lnt_status_is_open (l->s.status))
        || (l->overdue && !lnt_listing_suggestion_overdue (&l->s, ref, l->now)))
        return 0;
    lnt_listing_suggestion_row (l->out, l->format, &l->s, ref, l->now);
    return 0;
}

static int
s_list (agent_common_t *common, int argc, char **argv)
{
    static const struct option options[] = {
        {"status", required_argument, NULL, 's'},
        {"year", required_argument, NULL, 'y'},
        {"open", no_argument, NULL, 'o'},
        {"overdue", no_argument, NULL, 'O'},
        AGENT_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    s_list_t *l = calloc (1, sizeof *l);
    if (!l)
        return 70;
    l->status = -1;
    int rc = 0, c;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        switch (c) {
            case 's': rc = s_word (LNT_WORD_STATUS, optarg, &l->status); break;
            case 'y':
                rc = lnt_cli_int (AGENT_PROG, "--year", optarg, 2000, 2100,
                                  &l->year);
                break;
            case 'o': l->open = true; break;
            case 'O': l->overdue = true; break;
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
    lnt_listing_suggestion_columns (l->out, l->format);
    int err = lnt_store_read (lnt_node_store (l->node), &l->txn);
    if (!err)
        err = lnt_office_each (l->txn, LNT_KIND_SUGGESTION, s_list_one, l);
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

/*  show, status and respond: one record by id.                             */
static int
s_one (agent_common_t *common, const char *verb, int argc, char **argv)
{
    static const struct option options[] = {
        {"note", required_argument, NULL, 'n'},
        {"text", required_argument, NULL, 't'},
        AGENT_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    const char *note = NULL, *text = NULL;
    int rc = 0, c;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        switch (c) {
            case 'n': note = optarg; break;
            case 't': text = optarg; break;
            default:
                rc = agent_common_option (common, c, s_usage);
                if (rc < 0)
                    rc = agent_bad_option (s_usage);
        }
    }
    if (rc)
        return rc == 1 ? 0 : rc;
    bool is_status = strcmp (verb, "status") == 0;
    bool is_respond = strcmp (verb, "respond") == 0;
    int want = is_status ? 2 : 1;
    if (argc - optind != want)
        return lnt_cli_usage (AGENT_PROG, "suggestion %s needs %s", verb,
                              is_status ? "ID and STATUS" : "an ID");
    if (is_respond && !text)
        return lnt_cli_usage (AGENT_PROG, "suggestion respond needs --text");
    if ((note && !is_status) || (text && !is_respond))
        return lnt_cli_usage (AGENT_PROG, "--note goes with status, --text "
                              "with respond");
    const char *id = argv[optind];
    int status = 0;
    if (is_status && (rc = s_word (LNT_WORD_STATUS, argv[optind + 1], &status)))
        return rc;
    lnt_node_t *node = NULL;
    lnt_suggestion_t *s = malloc (sizeof *s);
    if (!s)
        return 70;
    if ((rc = agent_open (common, is_status || is_respond ? 0
                                                          : LNT_STORE_READONLY,
                          &node))) {
        free (s);
        return rc;
    }
    lnt_why_t why = {""};
    int err;
    /* show is the office's own view: with the reporter and the text of a
       confidential suggestion, which live in the private data.          */
    lnt_private_t *p = is_status || is_respond ? NULL : malloc (sizeof *p);
    if (is_status)
        err = lnt_office_suggestion_move (node, id, (lnt_status_t) status,
                                          note, s, &why);
    else if (is_respond)
        err = lnt_office_suggestion_respond (node, id, text, s, &why);
    else {
        lnt_txn_t *txn = NULL;
        err = p ? lnt_store_read (lnt_node_store (node), &txn) : LNT_ENOMEM;
        if (!err)
            err = lnt_office_suggestion_get (node, txn, id, s, p, &why);
        lnt_txn_end (&txn);
    }
    if (err)
        rc = lnt_cli_fail (AGENT_PROG, err, &why);
    else
        s_print_one (node, s, p, common->format);
    free (p);
    lnt_node_destroy (&node);
    free (s);
    return rc;
}

/*  delete: a suggestion entered by mistake.                               */
static int
s_delete (agent_common_t *common, int argc, char **argv)
{
    int rc = agent_parse_common (common, argc, argv, s_usage);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (argc - optind != 1)
        return lnt_cli_usage (AGENT_PROG, "suggestion delete needs one ID");
    lnt_node_t *node = NULL;
    lnt_suggestion_t *s = malloc (sizeof *s);
    if (!s)
        return 70;
    if ((rc = agent_open (common, 0, &node))) {
        free (s);
        return rc;
    }
    lnt_why_t why = {""};
    int err = lnt_office_suggestion_delete (node, argv[optind], s, &why);
    if (err)
        rc = lnt_cli_fail (AGENT_PROG, err, &why);
    else
        agent_print_deleted (common->format, s->id, "suggestion %s (%s, %s)",
                             s->id, s->subject,
                             lnt_word (LNT_WORD_STATUS, s->status));
    lnt_node_destroy (&node);
    free (s);
    return rc;
}

int
agent_suggestion (int argc, char **argv)
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
    if (strcmp (verb, "list") == 0)
        return s_list (&common, argc - 1, argv + 1);
    if (strcmp (verb, "show") == 0 || strcmp (verb, "status") == 0
        || strcmp (verb, "respond") == 0)
        return s_one (&common, verb, argc - 1, argv + 1);
    if (strcmp (verb, "delete") == 0)
        return s_delete (&common, argc - 1, argv + 1);
    return lnt_cli_usage (AGENT_PROG, "unknown suggestion command \"%s\"; "
                          "use add, list, show, status, respond or delete",
                          verb);
}
