/*  hub_main.c - lontar-hub: the provincial hub's daemon and the commands
    of provincial staff and operators.                                     */
#include <czmq.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lnt_cli.h"
#include "lnt_config.h"
#include "lnt_control.h"
#include "lnt_hub.h"
#include "lnt_log.h"
#include "lnt_msg.h"
#include "lnt_rollup.h"

#define HUB_PROG "lontar-hub"
#define HUB_BIND "tcp://127.0.0.1:7450"
#define HUB_QUERY "tcp://127.0.0.1:7451"

static const char *s_usage =
    "Usage: lontar-hub COMMAND [OPTIONS]\n"
    "\n"
    "The provincial hub of lontar: merges the records of the province's\n"
    "offices (KPU Kabupaten/Kota) and answers provincial staff's queries.\n"
    "\n"
    "Operators:\n"
    "  init --province CODE        create the hub's store (35: Jawa Timur)\n"
    "  run [--bind EP] [--query EP] [--insecure]\n"
    "                              the daemon (foreground, for systemd)\n"
    "  backup FILE                 a hot, compacted copy of the store\n"
    "  verify                      recompute the rollups from the records\n"
    "                              and report any difference\n"
    "  instrument load FILE [--id ID]\n"
    "                              store an LKE instrument; it goes down to\n"
    "                              every office\n"
    "  reference load NAME FILE    store a part of the reference data (sla,\n"
    "                              holidays, offices, instrument-years, ...)\n"
    "  reference list              the parts the store holds\n"
    "\n"
    "Provincial staff (queries, over --hub ENDPOINT, default " HUB_QUERY "):\n"
    "  rollup [--year Y] [--office CODE] [--area A]\n"
    "                              the province table: one row per office\n"
    "                              and a total; --area: one area of change\n"
    "                              (1-8), its action plan and LKE score\n"
    "  offices [--office CODE]     each office's replication: last contact,\n"
    "                              acknowledged, backlog, conflicts, dead letters\n"
    "  conflicts [--office CODE]   versions that lost to another writer\n"
    "  dead-letters [--office CODE] changes the hub refused, with the reason\n"
    "  suggestions [--office CODE] [--status S] [--class CL] [--overdue]\n"
    "              [--open] [--from DATE] [--to DATE] [--year Y]\n"
    "                              the offices' suggestions (never the text of\n"
    "                              a confidential one, never the reporter)\n"
    "  rb [--office CODE] [--year Y] [--area A] [--status S] [--overdue]\n"
    "                              the offices' action-plan items\n"
    "  lke [--office CODE] [--year Y] [--item CODE] [--verified|--unverified]\n"
    "                              the offices' LKE answers and the verified\n"
    "                              answers\n"
    "  lke verify OFFICE YEAR ITEM ANSWER [--note T]\n"
    "                              an assessor's verified LKE answer\n"
    "\n"
    "Every command takes -h/--help; commands that open the store take\n"
    "--data DIR (default $LONTAR_DATA, then /var/lib/lontar/hub); queries\n"
    "take --format table|csv|json.\n"
    "\n"
    "Exit codes: 0 done, 64 usage, 65 refused data, 69 hub or store\n"
    "unavailable, 70 internal error, 73 cannot create, 74 I/O error,\n"
    "78 configuration.\n";

/*  Options shared by the hub's commands.                                 */
typedef struct {
    const char *data;         /* --data                                   */
    const char *hub;          /* --hub: the query endpoint                */
    lnt_out_format_t format;  /* --format                                 */
} s_common_t;

#define COMMON_OPTIONS                                                       \
    {"data", required_argument, NULL, 'd'},                                  \
    {"hub", required_argument, NULL, 'H'},                                   \
    {"format", required_argument, NULL, 'f'},                                \
    {"help", no_argument, NULL, 'h'}

/*  0 handled, 1 help printed, 64 bad value, -1 not a common option.      */
static int
s_common (s_common_t *common, int c, const char *usage)
{
    switch (c) {
        case 'd': return lnt_cli_data (HUB_PROG, optarg, &common->data);
        case 'H': common->hub = optarg; return 0;
        case 'f': return lnt_cli_format (HUB_PROG, optarg, &common->format);
        case 'h': fputs (usage, stdout); return 1;
        default: fputs (usage, stderr); return 64;
    }
}

static int
s_init (int argc, char **argv)
{
    static const char *usage =
        "Usage: lontar-hub init --province CODE [--data DIR] [--ref DIR]\n"
        "\n"
        "Creates the hub's store for a province (its Kemendagri code, such\n"
        "as 35 for Jawa Timur) in DIR, with the reference data of --ref DIR\n"
        "(default $LONTAR_REF, then " LNT_REF_DIR "). An existing\n"
        "store is refused with exit 73 and left as it is.\n";
    static const struct option options[] = {
        {"province", required_argument, NULL, 'p'},
        {"ref", required_argument, NULL, 'r'},
        COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    s_common_t common = {0};
    const char *province = NULL, *ref = NULL;
    int rc = 0, c;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        if (c == 'p')
            province = optarg;
        else if (c == 'r')
            ref = optarg;
        else
            rc = s_common (&common, c, usage);
    }
    if (rc)
        return rc == 1 ? 0 : rc;
    if (optind < argc || !province || province[0] == '-')
        return lnt_cli_usage (HUB_PROG, "init needs --province CODE (such as "
                              "35 for Jawa Timur) and nothing else");
    const char *dir = lnt_cli_data_dir (common.data, LNT_ROLE_HUB);
    lnt_why_t why = {""};
    int err = lnt_node_init (dir, LNT_ROLE_HUB, province,
                             ref ? ref : lnt_ref_default_dir (), 0, &why);
    if (err == LNT_EEXIST)
        err = LNT_ECANTCREAT;
    if (err)
        return lnt_cli_fail (HUB_PROG, err, &why);
    printf ("created the hub store of province %s in %s\n", province, dir);
    return 0;
}

/*  The daemon's settings: the config file, the flags and --check-config
    all come from this table.                                              */
static const lnt_config_key_t s_keys[] = {
    {"data", LNT_CONFIG_STRING, NULL, 0, 0, "data folder of the hub's store"},
    {"bind", LNT_CONFIG_STRING, HUB_BIND, 0, 0,
     "replication endpoint the offices connect to"},
    {"query", LNT_CONFIG_STRING, HUB_QUERY, 0, 0,
     "query endpoint for provincial staff"},
    {"insecure", LNT_CONFIG_BOOL, "false", 0, 0,
     "plain TCP on loopback endpoints only (no CURVE yet)"},
    {"window", LNT_CONFIG_INT, "4", 1, 64,
     "batches in flight per office, each way"},
    {"catchup_window", LNT_CONFIG_INT, "12", 1, 64,
     "batches in flight for an office with a backlog (at most 4 at once)"},
    {"heartbeat_ms", LNT_CONFIG_INT, "5000", 100, 600000,
     "ZeroMQ heartbeat interval in ms; a peer is gone after 3 missed"},
};

static int
s_run (int argc, char **argv)
{
    static const char *usage =
        "Usage: lontar-hub run [--bind ENDPOINT] [--query ENDPOINT]\n"
        "                      [--insecure] [--window N] [--catchup-window N]\n"
        "                      [--heartbeat-ms N]\n"
        "                      [--data DIR] [--config FILE] [--check-config]\n"
        "\n"
        "Runs the hub in the foreground until SIGTERM (systemd Type=notify).\n"
        "  --bind:   replication endpoint for the offices (" HUB_BIND ")\n"
        "  --query:  query endpoint for provincial staff (" HUB_QUERY ")\n"
        "  --insecure: plain TCP, loopback only (CURVE is not yet built in)\n"
        "  --window: batches in flight per office, each way (4)\n"
        "  --catchup-window: batches in flight for an office whose HELLO\n"
        "             reports more than a window of batches not yet sent, at\n"
        "             most 4 offices at once (12)\n"
        "  --config FILE: settings as \"key = value\" lines (keys: data, bind,\n"
        "             query, insecure, window, catchup_window, heartbeat_ms);\n"
        "             flags override\n"
        "  --check-config: check the settings, print them and exit\n"
        "Logs go to stderr, one event a line.\n";
    static const struct option options[] = {
        {"bind", required_argument, NULL, 'b'},
        {"query", required_argument, NULL, 'q'},
        {"insecure", no_argument, NULL, 'i'},
        {"window", required_argument, NULL, 'w'},
        {"heartbeat-ms", required_argument, NULL, 'B'},
        {"catchup-window", required_argument, NULL, 'W'},
        {"config", required_argument, NULL, 'c'},
        {"check-config", no_argument, NULL, 'C'},
        COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    s_common_t common = {0};
    /* Flags, kept until the file is read: they override it.             */
    const char *flag_names[] = {"bind", "query", "window", "heartbeat_ms",
                                "insecure", "data", "catchup_window"};
    const char *flag_values[7] = {NULL};
    const char *file = NULL;
    bool check = false;
    int rc = 0, c;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        switch (c) {
            case 'b': flag_values[0] = optarg; break;
            case 'q': flag_values[1] = optarg; break;
            case 'w': flag_values[2] = optarg; break;
            case 'B': flag_values[3] = optarg; break;
            case 'i': flag_values[4] = "true"; break;
            case 'W': flag_values[6] = optarg; break;
            case 'c': file = optarg; break;
            case 'C': check = true; break;
            default: rc = s_common (&common, c, usage);
        }
    }
    if (rc)
        return rc == 1 ? 0 : rc;
    if (optind < argc)
        return lnt_cli_usage (HUB_PROG, "unexpected argument \"%s\"",
                              argv[optind]);
    flag_values[5] = common.data;
    lnt_config_t *config = lnt_config_new (s_keys, sizeof s_keys / sizeof s_keys[0]);
    lnt_why_t why = {""};
    int err = config ? 0 : LNT_ENOMEM;
    if (!err)
        err = lnt_config_set (config, "data", lnt_cli_data_dir (NULL,
                                                                LNT_ROLE_HUB),
                              "default", &why);
    if (!err && file)
        err = lnt_config_load (config, file, &why);
    for (int i = 0; !err && i < 7; i++)
        if (flag_values[i]) {
            char origin[40];
            snprintf (origin, sizeof origin, "--%s", flag_names[i]);
            err = lnt_config_set (config, flag_names[i], flag_values[i],
                                  origin, &why);
        }
    lnt_hub_config_t hc = {0};
    if (!err) {
        hc = (lnt_hub_config_t) {lnt_config_str (config, "data"),
                                 lnt_config_str (config, "bind"),
                                 lnt_config_str (config, "query"),
                                 lnt_config_bool (config, "insecure"),
                                 lnt_config_int (config, "window"),
                                 lnt_config_int (config, "heartbeat_ms"),
                                 lnt_config_int (config, "catchup_window")};
        err = lnt_hub_check (&hc, &why);
    }
    /* --check-config says what run would refuse, then prints what runs. */
    if (!err && check) {
        lnt_config_print (config, stdout);
        lnt_config_destroy (&config);
        return 0;
    }
    if (!err)
        err = lnt_hub_run (&hc, &why);
    lnt_config_destroy (&config);
    return err ? lnt_cli_fail (HUB_PROG, err, &why) : 0;
}

/*  Sends a query to the hub and prints its answer. args: key, value, ...
    NULL-terminated; a NULL value is left out.                            */
static int
s_ask (const s_common_t *common, const char *name, const char *const *args)
{
    lnt_msg_t q = {.type = LNT_MSG_QUERY, .format = (uint8_t) common->format};
    snprintf (q.text, sizeof q.text, "%s", name);
    for (int i = 0; args && args[i] && q.arg_count < LNT_QUERY_ARGS_MAX; i += 2)
        if (args[i + 1]) {
            snprintf (q.args[q.arg_count].key, sizeof q.args[0].key, "%s",
                      args[i]);
            snprintf (q.args[q.arg_count].value, sizeof q.args[0].value, "%s",
                      args[i + 1]);
            q.arg_count++;
        }
    const char *endpoint = common->hub ? common->hub : HUB_QUERY;
    lnt_buf_t buf = {0};
    lnt_msg_encode (&q, &buf);
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_linger (sock, 0);
    zsock_set_rcvtimeo (sock, 10000);
    zsock_set_sndtimeo (sock, 10000);
    zsock_set_maxmsgsize (sock, LNT_REPLY_MAX + 1024);
    int rc = 69;
    if (zsock_connect (sock, "%s", endpoint) != 0)
        /* Only the text is at fault: a hub that is down shows later, as
           no answer.                                                    */
        rc = lnt_cli_usage (HUB_PROG, "--hub \"%s\" is not a ZeroMQ "
                            "endpoint (%s); give one such as " HUB_QUERY,
                            endpoint, zmq_strerror (zmq_errno ()));
    else if (zmq_send (zsock_resolve (sock), buf.data, buf.len, 0) < 0)
        fprintf (stderr, "%s: cannot send the query to %s\n", HUB_PROG,
                 endpoint);
    else {
        zframe_t *frame = zframe_recv (sock);
        lnt_msg_t answer = {0};
        lnt_why_t why = {""};
        if (!frame)
            fprintf (stderr, "%s: the hub at %s did not answer in 10 s; is "
                     "lontar-hub run going, and is --hub right?\n", HUB_PROG,
                     endpoint);
        else if (lnt_msg_decode (zframe_data (frame), zframe_size (frame),
                                 &answer, &why)
                 || answer.type != LNT_MSG_ANSWER)
            fprintf (stderr, "%s: the hub's answer is malformed: %s\n",
                     HUB_PROG, why.text);
        else {
            rc = answer.code;
            FILE *to = rc ? stderr : stdout;
            if (rc)
                fprintf (to, "%s: ", HUB_PROG);
            if (fwrite (answer.body, 1, answer.body_len, to)
                    != answer.body_len
                && to == stdout)
                lnt_cli_stdout_error (errno);
        }
        lnt_msg_release (&answer);
        zframe_destroy (&frame);
    }
    zsock_destroy (&sock);
    lnt_buf_free (&buf);
    return rc;
}

static int
s_query (int argc, char **argv)
{
    static const char *usage =
        "Usage: lontar-hub rollup [--year Y] [--office CODE] [--area A]\n"
        "                  [--hub ENDPOINT] [--format table|csv|json]\n"
        "       lontar-hub offices|conflicts|dead-letters [--office CODE]\n"
        "                  [--hub ENDPOINT] [--format table|csv|json]\n"
        "\n"
        "  rollup        the province table for a year (default: this year):\n"
        "                per office and in total, suggestions received, open,\n"
        "                overdue, answered in time and days to first response;\n"
        "                action-plan items, done, overdue and progress; the LKE\n"
        "                score, verified score, grade and share with evidence.\n"
        "                csv and json add status, channel, class and area\n"
        "                detail (docs/ROLLUP.md). --area A: one area of\n"
        "                change (1-8): per office and in total its action-plan\n"
        "                items, done and progress, and its LKE score,\n"
        "                verified score and points under the instrument\n"
        "  offices       each office of the province: connected now, last\n"
        "                contact, incarnation of its store, acknowledged\n"
        "                sequence, backlog it reported, conflicts, dead\n"
        "                letters and restores\n"
        "  conflicts     versions kept because they lost to another writer\n"
        "  dead-letters  changes the hub could not apply, with the reason\n";
    static const struct option options[] = {
        {"office", required_argument, NULL, 'o'},
        {"year", required_argument, NULL, 'y'},
        {"area", required_argument, NULL, 'a'},
        COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    s_common_t common = {0};
    const char *office = NULL, *year = NULL, *area = NULL;
    int rc = 0, c, y;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        if (c == 'o')
            office = optarg;
        else if (c == 'y') {
            year = optarg;
            rc = lnt_cli_int (HUB_PROG, "--year", optarg, 2000, 2100, &y);
        }
        else if (c == 'a') {
            area = optarg;
            rc = lnt_cli_int (HUB_PROG, "--area", optarg, 1, 8, &y);
        }
        else
            rc = s_common (&common, c, usage);
    }
    if (rc)
        return rc == 1 ? 0 : rc;
    if (optind < argc)
        return lnt_cli_usage (HUB_PROG, "unexpected argument \"%s\"",
                              argv[optind]);
    if (year && strcmp (argv[0], "rollup") != 0)
        return lnt_cli_usage (HUB_PROG, "--year goes with rollup");
    if (area && strcmp (argv[0], "rollup") != 0)
        return lnt_cli_usage (HUB_PROG, "--area goes with rollup");
    const char *args[] = {"office", office, "year", year, "area", area, NULL};
    return s_ask (&common, argv[0], args);
}

/*  Is text an office code as the command line can tell: 2 to 7 digits.
    Which offices the province has is the hub's to say.                   */
static bool
s_office_code (const char *text)
{
    size_t n = strlen (text);
    return n >= 2 && n <= LNT_OFFICE_MAX && strspn (text, "0123456789") == n;
}

/*  The record listings: suggestions, rb and lke (but lke verify), with
    their filters, checked here and again by the hub.                    */
static int
s_records (int argc, char **argv)
{
    static const char *usage =
        "Usage: lontar-hub suggestions [--office CODE] [--status S] [--class CL]\n"
        "                  [--overdue] [--open] [--from DATE] [--to DATE]\n"
        "                  [--year Y] [--hub ENDPOINT] [--format table|csv|json]\n"
        "       lontar-hub rb [--office CODE] [--year Y] [--area A] [--status S]\n"
        "                  [--overdue] [--hub ENDPOINT] [--format table|csv|json]\n"
        "       lontar-hub lke [--office CODE] [--year Y] [--item CODE]\n"
        "                  [--verified|--unverified] [--hub ENDPOINT]\n"
        "                  [--format table|csv|json]\n"
        "\n"
        "The records of the province's offices as the hub holds them, in the\n"
        "columns of the offices' own list commands: csv and json carry every\n"
        "field (id, office, year, status, ...), the table what fits a screen.\n"
        "Due dates and overdue are as of now, from the hub's reference data.\n"
        "Filters combine; with none, everything is listed. --office CODE reads\n"
        "only that office's records.\n"
        "  suggestions  --status: received, verified, on_hold, not_our_authority,\n"
        "               referred, in_progress, done or archived; --class:\n"
        "               suggestion, complaint, information_request or\n"
        "               whistleblowing; --open: any status but done, archived and\n"
        "               not_our_authority; --overdue: open and past its resolve\n"
        "               due date; --from, --to: the local date received\n"
        "               (YYYY-MM-DD, inclusive); --year: the year received. The\n"
        "               text of a confidential suggestion and the reporter stay\n"
        "               at the office: the hub never has them.\n"
        "  rb           action-plan items: --year: the plan year; --area: 1-8;\n"
        "               --status: planned, in_progress, done or cancelled;\n"
        "               --overdue: neither done nor cancelled, past its due date\n"
        "  lke          LKE answers, each with the province's verified answer:\n"
        "               --year: the assessment year; --item: an item code such\n"
        "               as A1.3; --verified, --unverified: only the answers the\n"
        "               province has, or has not, verified.\n"
        "               (To record a verified answer: lontar-hub lke verify.)\n";
    static const struct option suggestion_options[] = {
        {"office", required_argument, NULL, 'o'},
        {"status", required_argument, NULL, 's'},
        {"class", required_argument, NULL, 'c'},
        {"overdue", no_argument, NULL, 'O'},
        {"open", no_argument, NULL, 'p'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"year", required_argument, NULL, 'y'},
        COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    static const struct option rb_options[] = {
        {"office", required_argument, NULL, 'o'},
        {"year", required_argument, NULL, 'y'},
        {"area", required_argument, NULL, 'a'},
        {"status", required_argument, NULL, 's'},
        {"overdue", no_argument, NULL, 'O'},
        COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    static const struct option lke_options[] = {
        {"office", required_argument, NULL, 'o'},
        {"year", required_argument, NULL, 'y'},
        {"item", required_argument, NULL, 'i'},
        {"verified", no_argument, NULL, 'v'},
        {"unverified", no_argument, NULL, 'u'},
        COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    const char *name = argv[0];
    bool rb = strcmp (name, "rb") == 0, lke = strcmp (name, "lke") == 0;
    const struct option *options = rb    ? rb_options
                                   : lke ? lke_options
                                         : suggestion_options;
    s_common_t common = {0};
    const char *office = NULL, *status = NULL, *class_ = NULL, *overdue = NULL,
               *open = NULL, *from = NULL, *to = NULL, *year = NULL,
               *area = NULL, *item = NULL, *verified = NULL;
    int32_t from_day = INT32_MIN, to_day = INT32_MAX;
    lnt_why_t why = {""};
    int rc = 0, c, n;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        switch (c) {
            case 'o':
                office = optarg;
                if (!s_office_code (optarg))
                    rc = lnt_cli_usage (HUB_PROG, "--office must be an office "
                                        "code of 2 to 7 digits, such as "
                                        "3503, not \"%s\"", optarg);
                break;
            case 's':
                status = optarg;
                if (lnt_word_parse (rb ? LNT_WORD_RB_STATUS : LNT_WORD_STATUS,
                                    optarg, &n, &why))
                    rc = lnt_cli_usage (HUB_PROG, "%s", why.text);
                break;
            case 'c':
                class_ = optarg;
                if (lnt_word_parse (LNT_WORD_CLASS, optarg, &n, &why))
                    rc = lnt_cli_usage (HUB_PROG, "%s", why.text);
                break;
            case 'O': overdue = "yes"; break;
            case 'p': open = "yes"; break;
            case 'F':
            case 'T':
                if (c == 'F')
                    from = optarg;
                else
                    to = optarg;
                if (lnt_date_parse (optarg, c == 'F' ? &from_day : &to_day))
                    rc = lnt_cli_usage (HUB_PROG, "--%s must be a date "
                                        "YYYY-MM-DD, not \"%s\"",
                                        c == 'F' ? "from" : "to", optarg);
                break;
            case 'y':
                year = optarg;
                rc = lnt_cli_int (HUB_PROG, "--year", optarg, 2000, 2100, &n);
                break;
            case 'a':
                area = optarg;
                rc = lnt_cli_int (HUB_PROG, "--area", optarg, 1, 8, &n);
                break;
            case 'i':
                item = optarg;
                n = (int) strlen (optarg);
                if (n < 1 || n > LNT_ITEM_MAX
                    || strspn (optarg, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.")
                           != (size_t) n)
                    rc = lnt_cli_usage (HUB_PROG, "--item must be an item "
                                        "code such as A1.3 (capitals, digits "
                                        "and dots), not \"%s\"", optarg);
                break;
            case 'v':
            case 'u':
                if (verified && strcmp (verified, c == 'v' ? "yes" : "no") != 0)
                    rc = lnt_cli_usage (HUB_PROG, "--verified and --unverified "
                                        "exclude each other");
                verified = c == 'v' ? "yes" : "no";
                break;
            default: rc = s_common (&common, c, usage);
        }
    }
    if (rc)
        return rc == 1 ? 0 : rc;
    if (optind < argc)
        return lnt_cli_usage (HUB_PROG, "unexpected argument \"%s\"",
                              argv[optind]);
    if (from_day > to_day)
        return lnt_cli_usage (HUB_PROG, "--from %s is after --to %s", from,
                              to);
    const char *args[] = {"office", office, "status", status, "class", class_,
                          "overdue", overdue, "open", open, "from", from,
                          "to", to, "year", year, "area", area, "item", item,
                          "verified", verified, NULL};
    return s_ask (&common, name, args);
}

static int
s_backup (int argc, char **argv)
{
    static const char *usage =
        "Usage: lontar-hub backup FILE [--data DIR]\n"
        "\n"
        "Writes a hot, compacted copy of the hub's store to FILE (which must\n"
        "not exist), also while the hub runs.\n";
    static const struct option options[] = {COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    s_common_t common = {0};
    int rc = 0, c;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1)
        rc = s_common (&common, c, usage);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (argc - optind != 1)
        return lnt_cli_usage (HUB_PROG, "backup needs one FILE");
    lnt_node_t *node = NULL;
    lnt_why_t why = {""};
    const char *dir = lnt_cli_data_dir (common.data, LNT_ROLE_HUB);
    int err = lnt_node_open (dir, 0, &node, &why);
    if (!err)
        err = lnt_cli_backup (lnt_node_store (node), argv[optind], &why);
    lnt_node_destroy (&node);
    if (err)
        return lnt_cli_fail (HUB_PROG, err, &why);
    printf ("backed up the hub store to %s\n", argv[optind]);
    return 0;
}

static void
s_difference (const char *difference, void *arg)
{
    (void) arg;
    printf ("%s\n", difference);
}

static int
s_verify (int argc, char **argv)
{
    static const char *usage =
        "Usage: lontar-hub verify [--data DIR]\n"
        "\n"
        "Recomputes every rollup from the records in the hub's store and\n"
        "compares with the rollups the hub keeps; prints each difference.\n"
        "Reads the store directly (also while the hub runs). Exit 0 when all\n"
        "are equal, 65 when any differs.\n";
    static const struct option options[] = {COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    s_common_t common = {0};
    int rc = 0, c;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1)
        rc = s_common (&common, c, usage);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (optind < argc)
        return lnt_cli_usage (HUB_PROG, "unexpected argument \"%s\"",
                              argv[optind]);
    const char *dir = lnt_cli_data_dir (common.data, LNT_ROLE_HUB);
    lnt_node_t *node = NULL;
    lnt_txn_t *txn = NULL;
    lnt_why_t why = {""};
    int err = lnt_node_open (dir, LNT_STORE_READONLY, &node, &why);
    if (!err && lnt_node_role (node) != LNT_ROLE_HUB)
        err = lnt_why (&why, LNT_EUNAVAIL, "the store in %s is not a hub's",
                       dir);
    if (!err)
        err = lnt_store_read (lnt_node_store (node), &txn);
    int differences = err ? 0 : lnt_rollup_verify (txn, lnt_node_ref (node),
                                                    s_difference, NULL);
    lnt_txn_end (&txn);
    lnt_node_destroy (&node);
    if (err)
        return lnt_cli_fail (HUB_PROG, err, &why);
    if (differences < 0)
        return lnt_cli_fail (HUB_PROG, differences, NULL);
    if (differences > 0) {
        fprintf (stderr, "%s: %d rollup%s differ from the records\n",
                 HUB_PROG, differences, differences == 1 ? "" : "s");
        return 65;
    }
    printf ("rollups equal the records\n");
    return 0;
}

int hub_lke (int argc, char **argv);
int hub_instrument (int argc, char **argv);
int hub_reference (int argc, char **argv);

/*  Runs the command of argv[1]; returns its exit code.                    */
static int
s_command (int argc, char **argv)
{
    if (argc < 2) {
        fputs (s_usage, stderr);
        return 64;
    }
    const char *cmd = argv[1];
    if (strcmp (cmd, "-h") == 0 || strcmp (cmd, "--help") == 0
        || strcmp (cmd, "help") == 0) {
        fputs (s_usage, stdout);
        return 0;
    }
    if (strcmp (cmd, "-V") == 0 || strcmp (cmd, "--version") == 0) {
        printf ("lontar-hub %s\n", LNT_VERSION);
        return 0;
    }
    optind = 0;
    if (strcmp (cmd, "init") == 0)
        return s_init (argc - 1, argv + 1);
    if (strcmp (cmd, "run") == 0)
        return s_run (argc - 1, argv + 1);
    if (strcmp (cmd, "backup") == 0)
        return s_backup (argc - 1, argv + 1);
    if (strcmp (cmd, "verify") == 0)
        return s_verify (argc - 1, argv + 1);
    if (strcmp (cmd, "offices") == 0 || strcmp (cmd, "conflicts") == 0
        || strcmp (cmd, "dead-letters") == 0 || strcmp (cmd, "rollup") == 0)
        return s_query (argc - 1, argv + 1);
    if (strcmp (cmd, "suggestions") == 0 || strcmp (cmd, "rb") == 0
        || (strcmp (cmd, "lke") == 0
            && (argc < 3 || strcmp (argv[2], "verify") != 0)))
        return s_records (argc - 1, argv + 1);
    if (strcmp (cmd, "lke") == 0)
        return hub_lke (argc - 1, argv + 1);
    if (strcmp (cmd, "instrument") == 0)
        return hub_instrument (argc - 1, argv + 1);
    if (strcmp (cmd, "reference") == 0)
        return hub_reference (argc - 1, argv + 1);
    return lnt_cli_usage (HUB_PROG, "unknown command \"%s\"", cmd);
}

int
main (int argc, char **argv)
{
    setlocale (LC_ALL, "C");
    lnt_cli_std_fds ();
    lnt_log_init (HUB_PROG);
    return lnt_cli_close_stdout (HUB_PROG, s_command (argc, argv), NULL);
}
