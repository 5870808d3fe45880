/*  agent_main.c - lontar-agent: the office's daemon and staff commands.
    Parses the command word and hands over to the command's function.     */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "agent_cmd.h"
#include "lnt_control.h"
#include "lnt_log.h"

const char *agent_written_dir;

static const char *s_usage =
    "Usage: lontar-agent COMMAND [OPTIONS]\n"
    "\n"
    "The office side of lontar, for a KPU Kabupaten/Kota office.\n"
    "\n"
    "Commands for staff:\n"
    "  init --office CODE          create this office's store\n"
    "  suggestion add|list|show|status|respond|delete\n"
    "                              suggestions from citizens (saran, kotak saran)\n"
    "  rb add|update|list|delete   the RB action plan (rencana aksi)\n"
    "  lke answer|list|delete      self-assessment answers (LKE)\n"
    "                              (delete, hapus: a record entered by mistake)\n"
    "  import FILE                 records from a CSV file\n"
    "  export                      every record, as JSON or CSV\n"
    "  backup FILE                 a hot, compacted copy of the store\n"
    "  status                      the link to the provincial hub\n"
    "\n"
    "The daemon (for systemd):\n"
    "  run [--hub ENDPOINT] [--insecure]\n"
    "                              send records to the hub, apply what it\n"
    "                              sends back\n"
    "\n"
    "Every command takes --data DIR (default $LONTAR_DATA, then\n"
    "/var/lib/lontar/agent) and -h/--help; listings take\n"
    "--format table|csv|json. 'lontar-agent COMMAND --help' tells more.\n"
    "\n"
    "Exit codes: 0 done, 64 usage, 65 refused data, 69 store unavailable,\n"
    "70 internal error, 73 cannot create, 74 I/O error, 78 configuration.\n";

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
        printf ("lontar-agent %s\n", LNT_VERSION);
        return 0;
    }
    static const struct {
        const char *name;                 /* command word                  */
        int (*fn) (int argc, char **argv); /* its function                 */
    } commands[] = {
        {"init", agent_init},         {"suggestion", agent_suggestion},
        {"rb", agent_rb},             {"lke", agent_lke},
        {"import", agent_import},     {"export", agent_export},
        {"backup", agent_backup},     {"run", agent_run},
        {"status", agent_status},
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp (cmd, commands[i].name) == 0) {
            int rc = commands[i].fn (argc - 1, argv + 1);
            /* A write ships at once: tell the daemon, if one runs.       */
            if (rc == 0 && agent_written_dir)
                lnt_control_nudge (agent_written_dir);
            return rc;
        }
    return lnt_cli_usage (AGENT_PROG, "unknown command \"%s\"", cmd);
}

int
main (int argc, char **argv)
{
    /* Numbers in CSV and JSON always use a decimal point.                */
    setlocale (LC_ALL, "C");
    lnt_cli_std_fds ();
    lnt_log_init (AGENT_PROG);
    int rc = s_command (argc, argv);
    /* A write that could not print its result (a new tracking number,
       say) is stored all the same: say so, and where to find it.        */
    const char *cmd = argc > 1 ? argv[1] : "";
    char note[80] = "the change was stored";
    if (strcmp (cmd, "suggestion") == 0 || strcmp (cmd, "rb") == 0
        || strcmp (cmd, "lke") == 0)
        snprintf (note, sizeof note, "the change was stored; see '%s %s "
                  "list'", AGENT_PROG, cmd);
    return lnt_cli_close_stdout (AGENT_PROG, rc,
                                 rc == 0 && agent_written_dir ? note : NULL);
}

int
agent_common_option (agent_common_t *common, int c, const char *usage)
{
    switch (c) {
        case 'd':
            return lnt_cli_data (AGENT_PROG, optarg, &common->data);
        case 'f':
            return lnt_cli_format (AGENT_PROG, optarg, &common->format);
        case 'h':
            fputs (usage, stdout);
            return 1;
        default:
            return -1;
    }
}

int
agent_bad_option (const char *usage)
{
    fputs (usage, stderr);
    return 64;
}

int
agent_parse_common (agent_common_t *common, int argc, char **argv,
                    const char *usage)
{
    static const struct option options[] = {AGENT_COMMON_OPTIONS,
                                            {NULL, 0, NULL, 0}};
    int rc = 0, c;
    while (!rc && (c = getopt_long (argc, argv, "d:f:h", options, NULL)) != -1)
        if ((rc = agent_common_option (common, c, usage)) < 0)
            rc = agent_bad_option (usage);
    return rc;
}

void
agent_print_deleted (lnt_out_format_t format, const char *id,
                     const char *fmt, ...)
{
    if (format == LNT_OUT_JSON) {
        printf ("{\"id\": ");
        lnt_out_json_string (stdout, id);
        printf (", \"deleted\": true}\n");
        return;
    }
    va_list args;
    va_start (args, fmt);
    printf ("deleted ");
    vprintf (fmt, args);
    va_end (args);
    putchar ('\n');
}

int
agent_open (const agent_common_t *common, int flags, lnt_node_t **node)
{
    lnt_why_t why = {""};
    const char *dir = lnt_cli_data_dir (common->data, LNT_ROLE_AGENT);
    int rc = lnt_node_open (dir, flags, node, &why);
    if (!rc && !(flags & LNT_STORE_READONLY)
        && lnt_node_role (*node) == LNT_ROLE_AGENT) {
        lnt_txn_t *txn = NULL;
        bool restoring = lnt_store_read (lnt_node_store (*node), &txn) == 0
                         && lnt_node_restoring (txn);
        lnt_txn_end (&txn);
        if (restoring) {
            lnt_node_destroy (node);
            rc = lnt_why (&why, LNT_EUNAVAIL, "the store in %s was restored "
                          "from a backup (or copied): its records must come "
                          "back from the hub before staff write again, or "
                          "new numbers would repeat old ones. Start "
                          "'lontar-agent run' with the hub reachable; "
                          "'lontar-agent status' shows when it is done", dir);
        }
        else
            agent_written_dir = dir;
    }
    if (!rc && lnt_node_role (*node) != LNT_ROLE_AGENT) {
        lnt_node_destroy (node);
        /* No office store there: unavailable (69), as for a folder
           without a store.                                             */
        rc = lnt_why (&why, LNT_EUNAVAIL, "the store in %s is a hub's, not "
                      "an office's; give the office's --data", dir);
    }
    return rc ? lnt_cli_fail (AGENT_PROG, rc, &why) : 0;
}
