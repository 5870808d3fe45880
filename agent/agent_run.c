/*  agent_run.c - "lontar-agent run" (the daemon) and "lontar-agent
    status" (how the link to the hub stands).                              */
#include <czmq.h>
#include <stdlib.h>
#include <string.h>

#include "agent_cmd.h"
#include "lnt_config.h"
#include "lnt_control.h"
#include "lnt_uplink.h"

#define AGENT_HUB "tcp://127.0.0.1:7450"

static const char *s_run_usage =
    "Usage: lontar-agent run [--hub ENDPOINT] [--insecure] [--data DIR]\n"
    "                        [--heartbeat-ms N] [--config FILE] [--check-config]\n"
    "\n"
    "Runs the office's daemon in the foreground until SIGTERM (systemd\n"
    "Type=notify): sends the office's records to the provincial hub and\n"
    "applies what the hub sends back (verified LKE answers, reference\n"
    "data). Staff commands keep working while it is stopped or the hub is\n"
    "away; what they write is sent when the link is back.\n"
    "  --hub:          the hub's replication endpoint (" AGENT_HUB ")\n"
    "  --insecure:     plain TCP, loopback only (CURVE is not yet built in)\n"
    "  --heartbeat-ms: ZeroMQ heartbeat; the hub counts as gone after 3 missed\n"
    "  --config FILE:  settings as \"key = value\" lines (keys: data, hub,\n"
    "                  insecure, heartbeat_ms); flags override the file\n"
    "  --check-config: check the settings, print them and exit\n"
    "Logs go to stderr, one event a line.\n";

static const char *s_status_usage =
    "Usage: lontar-agent status [--data DIR] [--format table|csv|json]\n"
    "\n"
    "Whether the hub is reachable and since when, how many changes the hub\n"
    "has not acknowledged yet (pending) and since when the oldest waits, and\n"
    "what has come down from the hub; when the hub refuses this office,\n"
    "its reason (hub_refused). Without a running daemon it reports from\n"
    "the store alone (hub_reachable is then false).\n";

/*  The daemon's settings: the config file, the flags and --check-config
    all come from this table.                                              */
static const lnt_config_key_t s_keys[] = {
    {"data", LNT_CONFIG_STRING, NULL, 0, 0,
     "data folder of the office's store"},
    {"hub", LNT_CONFIG_STRING, AGENT_HUB, 0, 0,
     "the hub's replication endpoint"},
    {"insecure", LNT_CONFIG_BOOL, "false", 0, 0,
     "plain TCP to a loopback hub (no CURVE yet)"},
    {"heartbeat_ms", LNT_CONFIG_INT, "5000", 100, 600000,
     "ZeroMQ heartbeat interval in ms; the hub is gone after 3 missed"},
};

int
agent_run (int argc, char **argv)
{
    static const struct option options[] = {
        {"hub", required_argument, NULL, 'H'},
        {"insecure", no_argument, NULL, 'i'},
        {"heartbeat-ms", required_argument, NULL, 'b'},
        {"config", required_argument, NULL, 'c'},
        {"check-config", no_argument, NULL, 'C'},
        AGENT_COMMON_OPTIONS,
        {NULL, 0, NULL, 0}};
    agent_common_t common = {NULL, LNT_OUT_TABLE};
    const char *file = NULL, *hub = NULL, *heartbeat = NULL;
    bool insecure = false, check = false;
    int rc = 0, c;
    optind = 0;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1) {
        switch (c) {
            case 'H': hub = optarg; break;
            case 'i': insecure = true; break;
            case 'b': heartbeat = optarg; break;
            case 'c': file = optarg; break;
            case 'C': check = true; break;
            default:
                if ((rc = agent_common_option (&common, c, s_run_usage)) < 0)
                    rc = agent_bad_option (s_run_usage);
        }
    }
    if (rc)
        return rc == 1 ? 0 : rc;
    if (optind < argc)
        return lnt_cli_usage (AGENT_PROG, "unexpected argument \"%s\"",
                              argv[optind]);
    lnt_config_t *config = lnt_config_new (s_keys, sizeof s_keys / sizeof s_keys[0]);
    lnt_why_t why = {""};
    int err = config ? 0 : LNT_ENOMEM;
    if (!err)
        err = lnt_config_set (config, "data",
                              lnt_cli_data_dir (NULL, LNT_ROLE_AGENT),
                              "default", &why);
    if (!err && file)
        err = lnt_config_load (config, file, &why);
    if (!err && common.data)
        err = lnt_config_set (config, "data", common.data, "--data", &why);
    if (!err && hub)
        err = lnt_config_set (config, "hub", hub, "--hub", &why);
    if (!err && insecure)
        err = lnt_config_set (config, "insecure", "true", "--insecure", &why);
    if (!err && heartbeat)
        err = lnt_config_set (config, "heartbeat_ms", heartbeat,
                              "--heartbeat-ms", &why);
    lnt_uplink_config_t up = {0};
    if (!err) {
        up = (lnt_uplink_config_t) {lnt_config_str (config, "data"),
                                    lnt_config_str (config, "hub"),
                                    lnt_config_bool (config, "insecure"),
                                    lnt_config_int (config, "heartbeat_ms")};
        err = lnt_uplink_check (&up, &why);
    }
    /* --check-config says what run would refuse, then prints what runs. */
    if (!err && check) {
        lnt_config_print (config, stdout);
        lnt_config_destroy (&config);
        return 0;
    }
    if (!err)
        err = lnt_uplink_run (&up, &why);
    lnt_config_destroy (&config);
    return err ? lnt_cli_fail (AGENT_PROG, err, &why) : 0;
}

/*  The value of key in "key=value" lines, or NULL.                        */
static const char *
s_value (const char *lines, const char *key, char *buf, size_t size)
{
    size_t klen = strlen (key);
    for (const char *p = lines; p && *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL) {
        if (strncmp (p, key, klen) == 0 && p[klen] == '=') {
            const char *v = p + klen + 1;
            size_t len = strcspn (v, "\n");
            snprintf (buf, size, "%.*s", (int) len, v);
            return buf;
        }
    }
    return NULL;
}

static long long
s_number (const char *lines, const char *key)
{
    char buf[64];
    const char *v = s_value (lines, key, buf, sizeof buf);
    return v ? atoll (v) : 0;
}

int
agent_status (int argc, char **argv)
{
    agent_common_t common = {NULL, LNT_OUT_TABLE};
    optind = 0;
    int rc = agent_parse_common (&common, argc, argv, s_status_usage);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (optind < argc)
        return lnt_cli_usage (AGENT_PROG, "unexpected argument \"%s\"",
                              argv[optind]);
    lnt_node_t *node = NULL;
    if ((rc = agent_open (&common, LNT_STORE_READONLY, &node)))
        return rc;
    const char *dir = lnt_cli_data_dir (common.data, LNT_ROLE_AGENT);
    char *live = lnt_control_status (dir, 500);
    char *lines = live;
    if (!lines) {
        /* No daemon: what the store alone can tell.                     */
        lnt_txn_t *txn = NULL;
        uint64_t head = 0, acked = 0, down = 0;
        int64_t oldest = 0;
        if (lnt_store_read (lnt_node_store (node), &txn) == 0) {
            head = lnt_node_log_head (txn);
            acked = lnt_txn_get_u64 (txn, LNT_DB_META, "acked", 0);
            down = lnt_txn_get_u64 (txn, LNT_DB_META, "down_applied", 0);
            unsigned char key[8];
            const void *v;
            size_t vl;
            lnt_change_t change;
            lnt_store_key_u64 (acked + 1, key);
            if (head > acked && lnt_txn_get (txn, LNT_DB_LOG, key, 8, &v, &vl) == 0
                && lnt_codec_change_decode (v, vl, &change, NULL) == 0)
                oldest = lnt_clock_ms (change.state.version);
            lnt_txn_end (&txn);
        }
        lines = zsys_sprintf ("daemon=0\nhub_reachable=0\nlog_head=%llu\n"
                              "acked=%llu\npending=%llu\noldest_pending=%lld\n"
                              "down_applied=%llu\n",
                              (unsigned long long) head,
                              (unsigned long long) acked,
                              (unsigned long long) (head > acked ? head - acked
                                                                 : 0),
                              (long long) oldest, (unsigned long long) down);
    }
    const lnt_ref_t *ref = lnt_node_ref (node);
    int offset = lnt_ref_utc_offset (ref, lnt_node_code (node));
    bool json = common.format == LNT_OUT_JSON;
    lnt_out_t *out = lnt_out_new (common.format);
    lnt_out_column (out, "office", "Office");
    lnt_out_column (out, "daemon", "Daemon running");
    lnt_out_column (out, "hub", "Hub");
    lnt_out_column (out, "hub_reachable", "Hub reachable");
    lnt_out_column (out, "since", "Since");
    lnt_out_column (out, "pending", "Pending changes");
    lnt_out_column (out, "oldest_pending", "Oldest pending since");
    lnt_out_column (out, "acked", "Acknowledged up to");
    lnt_out_column (out, "log_head", "Log head");
    lnt_out_column (out, "down_applied", "Hub changes applied up to");
    lnt_out_column (out, "restoring", "Waiting for records from the hub");
    lnt_out_column (out, "hub_refused", "Refused by the hub");
    lnt_out_row (out);
    lnt_out_str (out, lnt_node_code (node));
    bool daemon = s_number (lines, "daemon") != 0;
    bool reachable = s_number (lines, "hub_reachable") != 0;
    if (json) {
        lnt_out_bool (out, daemon);
    }
    else
        lnt_out_str (out, daemon ? "yes" : "no");
    char hub[256];
    lnt_out_str (out, s_value (lines, "hub", hub, sizeof hub));
    if (json)
        lnt_out_bool (out, reachable);
    else
        lnt_out_str (out, reachable ? "yes" : "no");
    char when[17];
    long long since = s_number (lines, "since");
    long long oldest = s_number (lines, "oldest_pending");
    if (since > 0) {
        lnt_time_format_local (since, offset, when);
        lnt_out_str (out, when);
    }
    else
        lnt_out_null (out);
    lnt_out_int (out, s_number (lines, "pending"));
    if (oldest > 0) {
        lnt_time_format_local (oldest, offset, when);
        lnt_out_str (out, when);
    }
    else
        lnt_out_null (out);
    lnt_out_int (out, s_number (lines, "acked"));
    lnt_out_int (out, s_number (lines, "log_head"));
    lnt_out_int (out, s_number (lines, "down_applied"));
    lnt_txn_t *rtxn = NULL;
    bool restoring = lnt_store_read (lnt_node_store (node), &rtxn) == 0
                     && lnt_node_restoring (rtxn);
    lnt_txn_end (&rtxn);
    if (json)
        lnt_out_bool (out, restoring);
    else
        lnt_out_str (out, restoring ? "yes: staff writes wait" : "no");
    /* Why the hub would not take this office, until it does.           */
    char refused[256];
    if (s_value (lines, "refused", refused, sizeof refused) && refused[0])
        lnt_out_str (out, refused);
    else
        lnt_out_null (out);
    lnt_out_print_one (out, stdout);
    lnt_out_destroy (&out);
    if (live)
        zstr_free (&live);
    else
        zstr_free (&lines);
    lnt_node_destroy (&node);
    return 0;
}
