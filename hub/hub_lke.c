/*  hub_lke.c - "lontar-hub lke verify": a provincial assessor's verified
    answer, written to the province section of the office's LKE answer in
    the hub's store; it flows down to the office.                         */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "lnt_cli.h"
#include "lnt_control.h"
#include "lnt_node.h"
#include "lnt_rollup.h"

#define HUB_PROG "lontar-hub"

static const char *s_usage =
    "Usage: lontar-hub lke verify OFFICE YEAR ITEM ANSWER [--note T]\n"
    "                             [--data DIR]\n"
    "\n"
    "Records the assessor's verified answer to an office's LKE item (the\n"
    "office must have answered it, and not deleted the answer). ANSWER is\n"
    "as the item's answer type allows (Y/T, A-D, or 0-100 for a\n"
    "percentage). It reaches the office, where 'lontar-agent lke list'\n"
    "shows both answers. Verifying again replaces the verdict.\n";

typedef struct {
    lnt_node_t *hub;          /* the hub                                   */
    const char *id;           /* the answer's id                           */
    lnt_lke_verdict_t v;      /* the verdict                               */
    lnt_why_t *why;           /* why it was refused                        */
} s_verify_t;

static int
s_verify (lnt_txn_t *txn, void *arg)
{
    s_verify_t *sv = arg;
    lnt_record_t rec;
    lnt_lke_answer_t a;
    int rc = lnt_node_get (txn, LNT_KIND_LKE_ANSWER, sv->id, &rec, sv->why);
    if (rc == LNT_ENOTFOUND || (!rc && !rec.sec[0].present))
        return lnt_why (sv->why, LNT_ENOTFOUND, "the hub holds no answer %s; "
                        "the office must answer the item first (see "
                        "lontar-hub offices for its replication)", sv->id);
    if (rc)
        return rc;
    if (rec.sec[0].deleted) {
        /* The office withdrew its answer (lontar-agent lke delete): a
           verdict on it would count nowhere and mislead.                 */
        char when[17];
        lnt_time_format_local (lnt_clock_ms (rec.sec[0].version),
                               lnt_ref_utc_offset (lnt_node_ref (sv->hub),
                                                   rec.office), when);
        return lnt_why (sv->why, LNT_ENOTFOUND, "office %s deleted (withdrew) "
                        "its answer %s on %s, local time; there is nothing "
                        "to verify until the office answers the item again",
                        rec.office, sv->id, when);
    }
    memset (&a, 0, sizeof a);
    if ((rc = lnt_codec_lke_answer_decode (rec.sec[0].body,
                                           rec.sec[0].body_len, &a, sv->why)))
        return rc;
    memcpy (a.id, rec.id, sizeof a.id);
    memcpy (a.office, rec.office, sizeof a.office);
    if ((rc = lnt_lke_verdict_check (&sv->v, &a, lnt_node_ref (sv->hub),
                                     sv->why)))
        return rc;
    /* The rollups move with the record: out with its old state (read
       before the write, while it is valid), in with the new one.        */
    const lnt_ref_t *ref = lnt_node_ref (sv->hub);
    lnt_rollup_t *rollup = lnt_rollup_new ();
    lnt_buf_t body = {0};
    rc = rollup ? lnt_rollup_add (rollup, ref, &rec, -1) : LNT_ENOMEM;
    if (!rc)
        rc = lnt_codec_lke_verdict_encode (&sv->v, &body);
    if (!rc)
        rc = lnt_node_write_section (sv->hub, txn, LNT_KIND_LKE_ANSWER, a.id,
                                     a.office, LNT_SECTION_PROVINCE, body.data,
                                     body.len, false, NULL);
    if (!rc)
        rc = lnt_node_get (txn, LNT_KIND_LKE_ANSWER, a.id, &rec, sv->why);
    if (!rc)
        rc = lnt_rollup_add (rollup, ref, &rec, +1);
    if (!rc)
        rc = lnt_rollup_flush (rollup, txn);
    lnt_rollup_destroy (&rollup);
    lnt_buf_free (&body);
    return rc;
}

int hub_lke (int argc, char **argv);

int
hub_lke (int argc, char **argv)
{
    static const struct option options[] = {
        {"note", required_argument, NULL, 'n'},
        {"data", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *note = "", *data = NULL;
    int c, year;
    if (argc < 2 || strcmp (argv[1], "verify") != 0) {
        if (argc >= 2 && (strcmp (argv[1], "-h") == 0
                          || strcmp (argv[1], "--help") == 0)) {
            fputs (s_usage, stdout);
            return 0;
        }
        fputs (s_usage, stderr);
        return 64;
    }
    argc--;
    argv++;
    optind = 0;
    while ((c = getopt_long (argc, argv, "d:h", options, NULL)) != -1) {
        if (c == 'n')
            note = optarg;
        else if (c == 'd') {
            int rc = lnt_cli_data (HUB_PROG, optarg, &data);
            if (rc)
                return rc;
        }
        else if (c == 'h') {
            fputs (s_usage, stdout);
            return 0;
        }
        else {
            fputs (s_usage, stderr);
            return 64;
        }
    }
    if (argc - optind != 4)
        return lnt_cli_usage (HUB_PROG, "lke verify needs OFFICE YEAR ITEM "
                              "ANSWER");
    const char *office = argv[optind], *item = argv[optind + 2],
               *answer = argv[optind + 3];
    int rc = lnt_cli_int (HUB_PROG, "YEAR", argv[optind + 1], 2000, 2100,
                          &year);
    if (rc)
        return rc;
    if (strlen (office) > LNT_OFFICE_MAX || strlen (item) > LNT_ITEM_MAX
        || strlen (answer) > LNT_ANSWER_MAX || strlen (note) > LNT_NOTE_MAX)
        return lnt_cli_usage (HUB_PROG, "OFFICE, ITEM, ANSWER or --note is "
                              "too long");
    char id[LNT_ID_MAX + 1];
    lnt_id_lke_answer (id, office, year, item);
    lnt_why_t why = {""};
    s_verify_t sv = {NULL, id, {{0}, {0}, lnt_time_now_ms ()}, &why};
    strcpy (sv.v.answer, answer);
    strcpy (sv.v.note, note);
    const char *dir = lnt_cli_data_dir (data, LNT_ROLE_HUB);
    int err = lnt_node_open (dir, 0, &sv.hub, &why);
    if (!err && lnt_node_role (sv.hub) != LNT_ROLE_HUB)
        err = lnt_why (&why, LNT_EINVAL, "the store in %s is not a hub's",
                       dir);
    if (!err && !lnt_node_province_office (sv.hub, office))
        err = lnt_why (&why, LNT_EINVAL, "office \"%s\" is not an office of "
                       "province %s (see lontar-hub offices)", office,
                       lnt_node_code (sv.hub));
    if (!err)
        err = lnt_store_write (lnt_node_store (sv.hub), s_verify, &sv);
    lnt_node_destroy (&sv.hub);
    if (err)
        return lnt_cli_fail (HUB_PROG, err, &why);
    lnt_control_nudge (dir);
    printf ("%s verified: %s\n", id, answer);
    return 0;
}
