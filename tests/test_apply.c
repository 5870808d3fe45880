/*  test_apply.c - unit test for hub/lnt_apply with real messages over real
    stores in temporary folders: agents of offices 3503 and 3512 write
    suggestions (their logs are the changes sent up); BATCH frames are
    built from those log values and decoded as the hub decodes them; HELLO
    frames are encoded and decoded too. A hub of province 35 answers.

    Covered: HELLO refused for an unknown office and for another province's
    office; the first HELLO; a batch before HELLO; batches applied with the
    checkpoint advanced, resent (skipped, nothing changes), overlapping (only
    the new part applied), after a gap (refused with the expected
    sequence); a group of batches of two offices in one transaction; bad
    changes (a body that does not decode or does not validate, another
    office's change, a province section, another office's id, a kind that
    is not an office's, an element that is not a change) going to the dead
    letters with their reason while the stream goes on; a tombstone and the
    replay of the record's creation after it; a conflict counted; the
    checkpoint's version (of the change at acked) after each batch and in
    the HELLO answer; the incarnation rules (REINCARNATE, restore, a BATCH
    of an old incarnation); a restore owed (LNT_CP_RESTORING) from the HELLO
    of another incarnation, across HELLOs, until lnt_apply_restored for
    that incarnation; lnt_apply_down_acked; where the down stream starts
    (after down_applied only when the hub's log has the agent's
    down_version there, under the same hub incarnation; else from 1; the
    hub never takes a new incarnation for it); HELLO's clock moving the
    hub's clock forward only; a checkpoint of the older 9-field layout.
    The group commit in two steps (prepare, commit) as the hub runs it:
    the rollups equal the records; reference data changed between the
    steps (LNT_APPLY_AGAIN, nothing applied, then prepared again).

    Usage: test_apply DATA-FOLDER (the reference data, common/data).       */
#include "lnt_apply.h"
#include "lnt_codec.h"
#include "lnt_error.h"
#include "lnt_msg.h"
#include "lnt_node.h"
#include "lnt_office.h"
#include "lnt_replica.h"
#include "lnt_store.h"
#include "lnt_test.h"
#include "lnt_time.h"

#include <ftw.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define AGENT_CHANGES 40 /* suggestions the agent of 3503 writes           */
#define OTHER_CHANGES 6  /* suggestions the agent of 3512 writes           */
#define RECEIVED 1772417520000LL /* 2026-03-02 09:12 WIB, ms UTC         */

static const char *s_ref_dir; /* the reference data folder (argv[1])    */
static char *s_root;          /* this run's temporary folder            */
static int s_stores;          /* stores made so far, for their names    */
static int64_t s_now = 1772420000000LL; /* the time of each message       */

//  ---- helpers -----------------------------------------------------------

static int
s_rm_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st, (void) flag, (void) ftw;
    return remove (path);
}

static lnt_node_t *
s_node_new (lnt_role_t role, const char *code)
{
    char dir[4096];
    snprintf (dir, sizeof dir, "%s/store-%d", s_root, ++s_stores);
    lnt_why_t why = {""};
    lnt_node_t *node = NULL;
    if (lnt_node_init (dir, role, code, s_ref_dir, 0, &why)
        || lnt_node_open (dir, 0, &node, &why)) {
        fprintf (stderr, "cannot make a store in %s: %s\n", dir, why.text);
        exit (1);
    }
    return node;
}

static lnt_txn_t *
s_read (lnt_node_t *node)
{
    lnt_txn_t *txn = NULL;
    if (lnt_store_read (lnt_node_store (node), &txn)) {
        fprintf (stderr, "cannot read the store\n");
        exit (1);
    }
    return txn;
}

typedef struct {
    lnt_node_t *node; /* the agent                                          */
    int count;        /* suggestions to add                                 */
} s_adds_t;

static int
s_adds_fn (lnt_txn_t *txn, void *arg)
{
    s_adds_t *a = arg;
    lnt_suggestion_t *s = calloc (1, sizeof *s);
    int rc = s ? 0 : LNT_ENOMEM;
    for (int i = 0; !rc && i < a->count; i++) {
        memset (s, 0, sizeof *s);
        s->received = RECEIVED + i * 60000LL;
        s->channel = (uint8_t) (i % LNT_CH_COUNT);
        s->class_ = LNT_CL_SUGGESTION;
        s->privacy = LNT_PR_PUBLIC;
        snprintf (s->category, sizeof s->category, "facilities");
        snprintf (s->subject, sizeof s->subject, "Suggestion %d", i + 1);
        snprintf (s->text, sizeof s->text, "Text of suggestion %d.", i + 1);
        lnt_why_t why = {""};
        rc = lnt_office_suggestion_add_txn (a->node, txn, s, NULL, &why);
        if (rc)
            fprintf (stderr, "cannot add a suggestion: %s\n", why.text);
    }
    free (s);
    return rc;
}

//  An agent of office with count suggestions in its log
static lnt_node_t *
s_agent_new (const char *office, int count)
{
    lnt_node_t *agent = s_node_new (LNT_ROLE_AGENT, office);
    s_adds_t a = {agent, count};
    if (lnt_store_write (lnt_node_store (agent), s_adds_fn, &a)) {
        fprintf (stderr, "cannot fill the agent of %s\n", office);
        exit (1);
    }
    return agent;
}

//  Copies the value of seq in node's log into out (appended)
static void
s_log_value (lnt_node_t *node, uint64_t seq, lnt_buf_t *out)
{
    lnt_txn_t *txn = s_read (node);
    unsigned char key[8];
    lnt_store_key_u64 (seq, key);
    const void *val;
    size_t len;
    if (lnt_txn_get (txn, LNT_DB_LOG, key, 8, &val, &len)) {
        fprintf (stderr, "no change %" PRIu64 " in the log\n", seq);
        exit (1);
    }
    lnt_buf_append (out, val, len);
    lnt_txn_end (&txn);
}

//  A BATCH frame of node's log from first to last
static void
s_batch_frame (lnt_node_t *node, uint64_t first, uint64_t last,
               lnt_buf_t *frame)
{
    lnt_buf_reset (frame);
    lnt_msg_batch_begin (frame, LNT_MSG_BATCH, first, last,
                         (uint32_t) (last - first + 1));
    for (uint64_t seq = first; seq <= last; seq++)
        s_log_value (node, seq, frame);
}

//  A BATCH frame from first of the n encoded changes in values
static void
s_batch_of (uint64_t first, lnt_buf_t *values, size_t n, lnt_buf_t *frame)
{
    lnt_buf_reset (frame);
    lnt_msg_batch_begin (frame, LNT_MSG_BATCH, first, first + n - 1,
                         (uint32_t) n);
    for (size_t i = 0; i < n; i++)
        lnt_buf_append (frame, values[i].data, values[i].len);
}

//  Decodes a frame as the hub does; exits when it does not decode (the
//  test built it wrong)
static void
s_decode (const lnt_buf_t *frame, lnt_msg_t *msg)
{
    lnt_why_t why = {""};
    memset (msg, 0, sizeof *msg);
    if (lnt_msg_decode (frame->data, frame->len, msg, &why)) {
        fprintf (stderr, "the test's frame does not decode: %s\n", why.text);
        exit (1);
    }
}

//  Sends a HELLO with the agent's clock and the version of the hub's
//  change at down_applied through the codec and lets the hub answer it
static int
s_hello_v (lnt_node_t *hub, const char *office, uint64_t incarnation,
           uint64_t log_head, uint64_t acked, uint64_t hub_incarnation,
           uint64_t down_applied, uint64_t clock, uint64_t down_version,
           lnt_hello_t *out)
{
    lnt_msg_t m = {.type = LNT_MSG_HELLO, .incarnation = incarnation,
                   .log_head = log_head, .acked = acked,
                   .hub_incarnation = hub_incarnation,
                   .down_applied = down_applied, .clock = clock,
                   .down_version = down_version};
    snprintf (m.office, sizeof m.office, "%s", office);
    lnt_buf_t frame = {0};
    CHECK_INT (lnt_msg_encode (&m, &frame), 0);
    lnt_msg_t msg;
    s_decode (&frame, &msg);
    CHECK_INT (msg.type, LNT_MSG_HELLO);
    s_now += 1000;
    int rc = lnt_apply_hello (hub, &msg, s_now, out);
    lnt_msg_release (&msg);
    lnt_buf_free (&frame);
    return rc;
}

//  The same with clock and down_version 0 (as from an agent that has
//  neither)
static int
s_hello (lnt_node_t *hub, const char *office, uint64_t incarnation,
         uint64_t log_head, uint64_t acked, uint64_t hub_incarnation,
         uint64_t down_applied, lnt_hello_t *out)
{
    return s_hello_v (hub, office, incarnation, log_head, acked,
                      hub_incarnation, down_applied, 0, 0, out);
}

//  The version of change seq of node's log
static uint64_t
s_log_version (lnt_node_t *node, uint64_t seq)
{
    lnt_buf_t value = {0};
    lnt_change_t change;
    s_log_value (node, seq, &value);
    uint64_t version = 0;
    if (lnt_codec_change_decode (value.data, value.len, &change, NULL) == 0)
        version = change.state.version;
    else {
        fprintf (stderr, "change %" PRIu64 " does not decode\n", seq);
        exit (1);
    }
    lnt_buf_free (&value);
    return version;
}

//  The hub's stored clock
static uint64_t
s_clock (lnt_node_t *node)
{
    lnt_txn_t *txn = s_read (node);
    uint64_t clock = lnt_txn_get_u64 (txn, LNT_DB_META, "clock", 0);
    lnt_txn_end (&txn);
    return clock;
}

//  Applies one BATCH frame of office in its own group
static void
s_apply (lnt_node_t *hub, const char *office, uint64_t incarnation,
         const lnt_buf_t *frame, lnt_apply_item_t *item,
         lnt_apply_stats_t *stats)
{
    lnt_msg_t msg;
    s_decode (frame, &msg);
    *item = (lnt_apply_item_t){office, incarnation, &msg, false, 0, 0};
    memset (stats, 0, sizeof *stats);
    s_now += 1000;
    CHECK_INT (lnt_apply_batches (hub, item, 1, s_now, stats), 0);
    item->msg = NULL;
    lnt_msg_release (&msg);
}

static lnt_checkpoint_t
s_checkpoint (lnt_node_t *hub, const char *office)
{
    lnt_checkpoint_t cp;
    memset (&cp, 0, sizeof cp);
    lnt_txn_t *txn = s_read (hub);
    CHECK_INT (lnt_checkpoint_get (txn, office, &cp), 0);
    lnt_txn_end (&txn);
    return cp;
}

static bool
s_has_checkpoint (lnt_node_t *hub, const char *office)
{
    lnt_checkpoint_t cp;
    lnt_txn_t *txn = s_read (hub);
    int rc = lnt_checkpoint_get (txn, office, &cp);
    lnt_txn_end (&txn);
    return rc == 0;
}

//  Every entry of db as one byte string, to compare before and after
static void
s_dump (lnt_node_t *node, lnt_db_t db, lnt_buf_t *out)
{
    lnt_buf_reset (out);
    lnt_txn_t *txn = s_read (node);
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    if (lnt_cursor_open (txn, db, &cur) == 0) {
        for (int rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl);
             rc == 0; rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
            uint64_t n = kl;
            lnt_buf_append (out, &n, sizeof n);
            lnt_buf_append (out, k, kl);
            n = vl;
            lnt_buf_append (out, &n, sizeof n);
            lnt_buf_append (out, v, vl);
        }
        lnt_cursor_close (&cur);
    }
    lnt_txn_end (&txn);
}

static bool
s_same_buf (const lnt_buf_t *a, const lnt_buf_t *b)
{
    return a->len == b->len
           && (a->len == 0 || memcmp (a->data, b->data, a->len) == 0);
}

//  The stored bytes of a suggestion record (empty when there is none)
static void
s_record_bytes (lnt_node_t *node, const char *id, lnt_buf_t *out)
{
    lnt_buf_reset (out);
    lnt_txn_t *txn = s_read (node);
    char key[LNT_ID_MAX + 2];
    const void *val;
    size_t len;
    if (lnt_txn_get (txn, LNT_DB_RECORDS, key,
                     lnt_node_key (LNT_KIND_SUGGESTION, id, key), &val, &len)
        == 0)
        lnt_buf_append (out, val, len);
    lnt_txn_end (&txn);
}

static bool
s_has_record (lnt_node_t *node, const char *id)
{
    lnt_buf_t b = {0};
    s_record_bytes (node, id, &b);
    bool has = b.len > 0;
    lnt_buf_free (&b);
    return has;
}

//  Whether suggestion n of office is on the hub with the same bytes as
//  on the agent
static bool
s_same_record (lnt_node_t *hub, lnt_node_t *agent, const char *office, int n)
{
    char id[LNT_ID_MAX + 1];
    lnt_id_suggestion (id, office, 2026, (uint64_t) n);
    lnt_buf_t a = {0}, b = {0};
    s_record_bytes (hub, id, &a);
    s_record_bytes (agent, id, &b);
    bool same = a.len > 0 && s_same_buf (&a, &b);
    lnt_buf_free (&a);
    lnt_buf_free (&b);
    return same;
}

//  How many of suggestions first..last of office the hub holds
static int
s_held (lnt_node_t *hub, const char *office, int first, int last)
{
    int held = 0;
    for (int n = first; n <= last; n++) {
        char id[LNT_ID_MAX + 1];
        lnt_id_suggestion (id, office, 2026, (uint64_t) n);
        held += s_has_record (hub, id);
    }
    return held;
}

//  The dead letter of (office, incarnation, seq): 0 and its reason and the
//  change bytes that follow it, or LNT_ENOTFOUND
static int
s_dead (lnt_node_t *hub, const char *office, uint64_t incarnation,
        uint64_t seq, char *reason, size_t size, lnt_buf_t *change)
{
    unsigned char key[24];
    CHECK_INT (lnt_apply_dead_key (office, incarnation, seq, key), 24);
    lnt_txn_t *txn = s_read (hub);
    const void *val;
    size_t len;
    int rc = lnt_txn_get (txn, LNT_DB_DEAD, key, 24, &val, &len);
    if (rc == 0) {
        const char *v = val;
        size_t rlen = strnlen (v, len);
        snprintf (reason, size, "%.*s", (int) rlen, v);
        lnt_buf_reset (change);
        if (rlen < len)
            lnt_buf_append (change, v + rlen + 1, len - rlen - 1);
        else
            rc = LNT_EINVAL; // no NUL after the reason
    }
    lnt_txn_end (&txn);
    return rc;
}

//  Decodes change seq of node's log (borrowing from value, which it fills)
static void
s_log_change (lnt_node_t *node, uint64_t seq, lnt_buf_t *value,
              lnt_change_t *change)
{
    lnt_buf_reset (value);
    s_log_value (node, seq, value);
    if (lnt_codec_change_decode (value->data, value->len, change, NULL)) {
        fprintf (stderr, "change %" PRIu64 " does not decode\n", seq);
        exit (1);
    }
}

//  ---- the test ------------------------------------------------------------

typedef struct {
    lnt_node_t *hub; /* the hub                                            */
    int written;     /* province sections to write                          */
} s_hub_write_t;

//  The hub writes the province section of a few suggestions of 3503
static int
s_hub_write_fn (lnt_txn_t *txn, void *arg)
{
    s_hub_write_t *w = arg;
    lnt_lke_verdict_t v = {"Y", "checked", RECEIVED};
    lnt_buf_t body = {0};
    int rc = lnt_codec_lke_verdict_encode (&v, &body);
    for (int i = 0; !rc && i < w->written; i++) {
        char id[LNT_ID_MAX + 1];
        lnt_id_suggestion (id, "3503", 2026, (uint64_t) (10 + i));
        rc = lnt_node_write_section (w->hub, txn, LNT_KIND_SUGGESTION, id,
                                     "3503", LNT_SECTION_PROVINCE, body.data,
                                     body.len, false, NULL);
    }
    lnt_buf_free (&body);
    return rc;
}

typedef struct {
    const char *office; /* whose checkpoint                               */
    int fields;         /* how many 8-byte fields to write                  */
} s_old_cp_t;

//  Writes a checkpoint of fields big-endian fields: incarnation 0x1234,
//  acked 7, last contact, log head 8, hub incarnation, down_acked, dead,
//  conflicts, restores 1, then zeros
static int
s_old_cp_fn (lnt_txn_t *txn, void *arg)
{
    s_old_cp_t *o = arg;
    uint64_t f[16] = {0x1234, 7, (uint64_t) s_now, 8, 0, 0, 0, 0, 1};
    unsigned char buf[16 * 8];
    for (int i = 0; i < o->fields; i++)
        lnt_store_key_u64 (f[i], buf + 8 * i);
    return lnt_txn_put (txn, LNT_DB_CHECKPOINTS, o->office,
                        strlen (o->office), buf, (size_t) o->fields * 8);
}

//  lnt_rollup_verify's reports: print them, for the log
static void
s_report (const char *difference, void *arg)
{
    (void) arg;
    fprintf (stderr, "rollup difference: %s\n", difference);
}

//  How many rollup keys differ from those recomputed from the hub's
//  records: the sums made while preparing, less what the commit did not
//  write (resent, refused, duplicate and losing changes), must come out
//  as the records say
static int
s_rollup_diffs (lnt_node_t *hub)
{
    lnt_txn_t *txn = s_read (hub);
    int diffs = lnt_rollup_verify (txn, lnt_node_ref (hub), s_report, NULL);
    lnt_txn_end (&txn);
    return diffs;
}

static void
s_test_apply (void)
{
    lnt_node_t *hub = s_node_new (LNT_ROLE_HUB, "35");
    lnt_node_t *agent = s_agent_new ("3503", AGENT_CHANGES);
    lnt_node_t *other = s_agent_new ("3512", OTHER_CHANGES);
    uint64_t inc = lnt_node_id (agent);
    uint64_t other_inc = lnt_node_id (other);
    uint64_t hub_id = lnt_node_id (hub);
    lnt_txn_t *txn = s_read (agent);
    CHECK_INT (lnt_node_log_head (txn), AGENT_CHANGES);
    lnt_txn_end (&txn);
    lnt_buf_t frame = {0}, before = {0}, after = {0}, value = {0};
    lnt_hello_t hello;
    lnt_apply_item_t item;
    lnt_apply_stats_t st;
    lnt_checkpoint_t cp;

    //  ---- HELLO refused for offices not of this province
    const char *strangers[] = {"9999", "3320", "35"};
    for (int i = 0; i < 3; i++) {
        memset (&hello, 0, sizeof hello);
        CHECK_INT (s_hello (hub, strangers[i], 77, 0, 0, 0, 0, &hello), 0);
        CHECK (hello.refused);
        CHECK_INT (hello.code, LNT_REFUSE_OFFICE);
        CHECK (strstr (hello.why, strangers[i]) != NULL);
        CHECK (strstr (hello.why, "province 35") != NULL);
        CHECK (!s_has_checkpoint (hub, strangers[i]));
    }

    //  ---- a BATCH before any HELLO
    s_batch_frame (agent, 1, 10, &frame);
    s_apply (hub, "3503", inc, &frame, &item, &st);
    CHECK (item.refused);
    CHECK_INT (item.code, LNT_REFUSE_NO_HELLO);
    CHECK_INT (item.acked, 0);
    CHECK_INT (s_held (hub, "3503", 1, AGENT_CHANGES), 0);
    CHECK (!s_has_checkpoint (hub, "3503"));
    CHECK_INT (s_rollup_diffs (hub), 0);

    //  ---- the first HELLO
    CHECK_INT (s_hello (hub, "3503", inc, AGENT_CHANGES, 0, 0, 0, &hello), 0);
    CHECK (!hello.refused);
    CHECK_INT (hello.verdict, LNT_WELCOME_OK);
    CHECK_INT (hello.acked, 0);
    CHECK (!hello.restore);
    CHECK_INT (hello.down_from, 1);
    cp = s_checkpoint (hub, "3503");
    CHECK_INT (cp.incarnation, inc);
    CHECK_INT (cp.acked, 0);
    CHECK_INT (cp.log_head, AGENT_CHANGES);
    CHECK_INT (cp.last_contact, s_now);
    CHECK_INT (cp.hub_incarnation, hub_id);
    CHECK_INT (cp.down_acked, 0);
    CHECK_INT (cp.restores, 0);
    CHECK_INT (cp.dead, 0);
    CHECK_INT (cp.version, 0);
    CHECK_INT (cp.flags, 0);
    CHECK_INT (hello.version, 0);

    //  ---- 1..10: applied, the checkpoint at 10, the records as the agent's
    s_apply (hub, "3503", inc, &frame, &item, &st);
    CHECK (!item.refused);
    CHECK_INT (item.acked, 10);
    CHECK_INT (st.applied, 10);
    CHECK_INT (st.skipped, 0);
    CHECK_INT (st.dead, 0);
    CHECK_INT (st.duplicates, 0);
    cp = s_checkpoint (hub, "3503");
    CHECK_INT (cp.acked, 10);
    CHECK_INT (cp.last_contact, s_now);
    CHECK_INT (cp.log_head, AGENT_CHANGES);
    CHECK (cp.version == s_log_version (agent, 10)); // of the change at acked
    CHECK (cp.version != 0);
    int same = 0;
    for (int n = 1; n <= 10; n++)
        same += s_same_record (hub, agent, "3503", n);
    CHECK_INT (same, 10);
    CHECK_INT (s_held (hub, "3503", 11, AGENT_CHANGES), 0);
    //  The hub's clock moved past the versions it applied
    lnt_change_t change;
    s_log_change (agent, 10, &value, &change);
    txn = s_read (hub);
    CHECK (lnt_txn_get_u64 (txn, LNT_DB_META, "clock", 0)
           >= change.state.version);
    CHECK_INT (lnt_node_log_head (txn), 0); // nothing of this is the hub's
    lnt_txn_end (&txn);

    //  ---- the same batch again: skipped, nothing changes
    s_dump (hub, LNT_DB_RECORDS, &before);
    lnt_checkpoint_t cp_before = s_checkpoint (hub, "3503");
    s_apply (hub, "3503", inc, &frame, &item, &st);
    CHECK (!item.refused);
    CHECK_INT (item.acked, 10);
    CHECK_INT (st.skipped, 10);
    CHECK_INT (st.applied, 0);
    CHECK_INT (st.duplicates, 0);
    s_dump (hub, LNT_DB_RECORDS, &after);
    CHECK (s_same_buf (&before, &after));
    cp = s_checkpoint (hub, "3503");
    CHECK_INT (cp.acked, cp_before.acked);
    CHECK_INT (cp.incarnation, cp_before.incarnation);
    CHECK_INT (cp.dead, cp_before.dead);
    CHECK (cp.version == cp_before.version);
    CHECK_INT (cp.last_contact, s_now); // the contact is news, though

    //  ---- 5..15: only 11..15 applied
    s_batch_frame (agent, 5, 15, &frame);
    s_apply (hub, "3503", inc, &frame, &item, &st);
    CHECK (!item.refused);
    CHECK_INT (item.acked, 15);
    CHECK_INT (st.skipped, 6);
    CHECK_INT (st.applied, 5);
    CHECK_INT (s_held (hub, "3503", 11, 15), 5);
    CHECK_INT (s_held (hub, "3503", 16, AGENT_CHANGES), 0);
    CHECK_INT (s_checkpoint (hub, "3503").acked, 15);
    CHECK (s_checkpoint (hub, "3503").version == s_log_version (agent, 15));

    //  ---- a gap: refused, expecting 16, nothing applied
    s_dump (hub, LNT_DB_RECORDS, &before);
    s_batch_frame (agent, 20, 22, &frame);
    s_apply (hub, "3503", inc, &frame, &item, &st);
    CHECK (item.refused);
    CHECK_INT (item.code, LNT_REFUSE_GAP);
    CHECK_INT (item.acked, 15);
    CHECK_INT (st.applied, 0);
    CHECK_INT (s_rollup_diffs (hub), 0);
    s_dump (hub, LNT_DB_RECORDS, &after);
    CHECK (s_same_buf (&before, &after));
    CHECK_INT (s_checkpoint (hub, "3503").acked, 15);
    CHECK (s_checkpoint (hub, "3503").version == s_log_version (agent, 15));

    //  ---- a group: batches of two offices in one transaction, one of
    //  them after a gap (refused alone)
    CHECK_INT (s_hello (hub, "3512", other_inc, OTHER_CHANGES, 0, 0, 0,
                        &hello), 0);
    CHECK (!hello.refused);
    CHECK_INT (hello.acked, 0);
    lnt_buf_t frames[5] = {{0}};
    s_batch_frame (agent, 16, 18, &frames[0]);
    s_batch_frame (other, 1, 4, &frames[1]);
    s_batch_frame (agent, 19, 20, &frames[2]);
    s_batch_frame (other, 6, 6, &frames[3]); // 5 is missing
    s_batch_frame (agent, 16, 17, &frames[4]); // resent, all covered
    lnt_msg_t msgs[5];
    lnt_apply_item_t items[5];
    const char *offices[5] = {"3503", "3512", "3503", "3512", "3503"};
    for (int i = 0; i < 5; i++) {
        s_decode (&frames[i], &msgs[i]);
        items[i] = (lnt_apply_item_t){offices[i],
                                      i % 2 ? other_inc : inc, &msgs[i],
                                      true, 99, 99};
    }
    memset (&st, 0, sizeof st);
    s_now += 1000;
    CHECK_INT (lnt_apply_batches (hub, items, 5, s_now, &st), 0);
    CHECK (!items[0].refused);
    CHECK_INT (items[0].acked, 18);
    CHECK (!items[1].refused);
    CHECK_INT (items[1].acked, 4);
    CHECK (!items[2].refused);
    CHECK_INT (items[2].acked, 20);
    CHECK (items[3].refused);
    CHECK_INT (items[3].code, LNT_REFUSE_GAP);
    CHECK_INT (items[3].acked, 4);
    CHECK (!items[4].refused);
    CHECK_INT (items[4].acked, 20);
    CHECK_INT (st.applied, 3 + 4 + 2);
    CHECK_INT (st.skipped, 2);
    CHECK_INT (s_rollup_diffs (hub), 0);
    for (int i = 0; i < 5; i++) {
        lnt_msg_release (&msgs[i]);
        lnt_buf_free (&frames[i]);
    }
    cp = s_checkpoint (hub, "3503");
    CHECK_INT (cp.acked, 20);
    CHECK_INT (cp.last_contact, s_now);
    CHECK (cp.version == s_log_version (agent, 20)); // not moved by the resend
    cp = s_checkpoint (hub, "3512");
    CHECK_INT (cp.acked, 4);
    CHECK_INT (cp.incarnation, other_inc);
    CHECK_INT (cp.last_contact, s_now);
    CHECK (cp.version == s_log_version (other, 4)); // not 6: refused
    CHECK_INT (s_held (hub, "3503", 16, 20), 5);
    CHECK_INT (s_held (hub, "3512", 1, 4), 4);
    CHECK_INT (s_held (hub, "3512", 5, OTHER_CHANGES), 0);
    same = 0;
    for (int n = 1; n <= 4; n++)
        same += s_same_record (hub, other, "3512", n);
    CHECK_INT (same, 4);

    //  ---- bad changes go to the dead letters; the stream goes on
    enum { BAD = 10 };
    lnt_buf_t v[BAD] = {{0}};
    lnt_buf_t body = {0};
    lnt_suggestion_t *s = calloc (1, sizeof *s);
    //  21: good
    s_log_value (agent, 21, &v[0]);
    //  22: a body that does not decode: channel 9 of 7
    s_log_change (agent, 22, &value, &change);
    CHECK_INT (lnt_codec_suggestion_decode (change.state.body,
                                            change.state.body_len, s, NULL), 0);
    s->channel = 9;
    lnt_codec_suggestion_encode (s, &body);
    change.state.body = body.data;
    change.state.body_len = body.len;
    lnt_codec_change_encode (&change, &v[1]);
    //  23: another office's change (of its own id)
    s_log_value (other, 5, &v[2]);
    //  24: the province section of one of its records
    s_log_change (agent, 23, &value, &change);
    change.section = LNT_SECTION_PROVINCE;
    lnt_codec_change_encode (&change, &v[3]);
    //  25: its office, but another office's id
    s_log_change (agent, 24, &value, &change);
    snprintf (change.id, sizeof change.id, "3512-2026-000006");
    lnt_codec_change_encode (&change, &v[4]);
    //  26: a kind that is not an office record
    s_log_change (agent, 25, &value, &change);
    change.kind = LNT_KIND_REF;
    lnt_codec_change_encode (&change, &v[5]);
    //  27: not a change at all (nil)
    lnt_buf_append (&v[6], "\xc0", 1);
    //  28: a body that decodes but does not validate: a subject that is
    //  not UTF-8
    s_log_change (agent, 28, &value, &change);
    CHECK_INT (lnt_codec_suggestion_decode (change.state.body,
                                            change.state.body_len, s, NULL), 0);
    snprintf (s->subject, sizeof s->subject, "Bad \xff\xfe subject");
    lnt_buf_reset (&body);
    lnt_codec_suggestion_encode (s, &body);
    change.state.body = body.data;
    change.state.body_len = body.len;
    lnt_codec_change_encode (&change, &v[7]);
    //  29, 30: good
    s_log_value (agent, 29, &v[8]);
    s_log_value (agent, 30, &v[9]);
    free (s);

    lnt_buf_t other5 = {0};
    s_record_bytes (hub, "3512-2026-000005", &other5);
    CHECK_INT (other5.len, 0);
    s_batch_of (21, v, BAD, &frame);
    s_apply (hub, "3503", inc, &frame, &item, &st);
    CHECK (!item.refused);
    CHECK_INT (item.acked, 30);
    CHECK_INT (st.dead, 7);
    CHECK_INT (st.applied, 3);
    cp = s_checkpoint (hub, "3503");
    CHECK_INT (cp.acked, 30);
    CHECK_INT (cp.dead, 7);
    CHECK (cp.version == s_log_version (agent, 30));
    CHECK_INT (s_checkpoint (hub, "3512").dead, 0);
    txn = s_read (hub);
    CHECK_INT (lnt_txn_count (txn, LNT_DB_DEAD), 7);
    lnt_txn_end (&txn);
    //  Each with its reason, and the change as it came
    struct {
        uint64_t seq;      /* its sequence                                  */
        const char *words; /* what its reason must say                      */
        int value;         /* index in v of the change as sent, or -1       */
    } dead[] = {
        {22, "channel", 1},
        {23, "sent by office 3503", 2},
        {24, "province section", 3},
        {25, "is not an id of office 3503", 4},
        {26, "not an office record", 5},
        {27, "change", -1},
        {28, "subject", 7},
    };
    for (size_t i = 0; i < sizeof dead / sizeof dead[0]; i++) {
        char reason[512] = "";
        lnt_buf_t got = {0};
        int rc = s_dead (hub, "3503", inc, dead[i].seq, reason, sizeof reason,
                         &got);
        CHECK_INT (rc, 0);
        if (!strstr (reason, dead[i].words))
            fprintf (stderr, "dead letter %" PRIu64 ": \"%s\" does not say "
                     "\"%s\"\n", dead[i].seq, reason, dead[i].words);
        CHECK (strstr (reason, dead[i].words) != NULL);
        if (dead[i].value >= 0)
            CHECK (s_same_buf (&got, &v[dead[i].value]));
        else
            CHECK_INT (got.len, 0);
        lnt_buf_free (&got);
    }
    //  The good ones are there; the bad ones changed nothing
    CHECK (s_same_record (hub, agent, "3503", 21));
    CHECK (s_same_record (hub, agent, "3503", 29));
    CHECK (s_same_record (hub, agent, "3503", 30));
    CHECK_INT (s_held (hub, "3503", 22, 28), 0);
    s_record_bytes (hub, "3512-2026-000005", &other5);
    CHECK_INT (other5.len, 0);
    CHECK (!s_has_record (hub, "3512-2026-000006"));
    //  The same batch again: skipped, no new dead letters
    s_apply (hub, "3503", inc, &frame, &item, &st);
    CHECK_INT (item.acked, 30);
    CHECK_INT (st.skipped, BAD);
    CHECK_INT (st.dead, 0);
    CHECK_INT (s_checkpoint (hub, "3503").dead, 7);
    for (int i = 0; i < BAD; i++)
        lnt_buf_free (&v[i]);
    lnt_buf_free (&other5);

    //  ---- a delete, then the record's creation replayed: it stays deleted;
    //  then a losing version of another node: a conflict
    lnt_buf_t w[3] = {{0}};
    s_log_change (agent, 1, &value, &change);
    uint64_t created = change.state.version;
    change.state = (lnt_section_t){true, created + 1000, inc, true, NULL, 0};
    lnt_codec_change_encode (&change, &w[0]);
    s_log_value (agent, 1, &w[1]);
    s_log_change (agent, 2, &value, &change);
    change.state.version -= 1;
    change.state.node = 12345; // an older store of this office
    lnt_codec_change_encode (&change, &w[2]);
    s_batch_of (31, w, 3, &frame);
    s_apply (hub, "3503", inc, &frame, &item, &st);
    CHECK_INT (item.acked, 33);
    CHECK_INT (st.applied, 1);
    CHECK_INT (st.lost, 2);
    CHECK_INT (st.conflicts, 1);
    CHECK_INT (st.dead, 0);
    CHECK_INT (s_rollup_diffs (hub), 0);
    cp = s_checkpoint (hub, "3503");
    CHECK_INT (cp.conflicts, 1);
    //  the version of the change at acked as it came, though it lost
    CHECK (cp.version == change.state.version);
    uint64_t v33 = cp.version;
    txn = s_read (hub);
    lnt_record_t rec;
    CHECK_INT (lnt_node_get (txn, LNT_KIND_SUGGESTION, "3503-2026-000001",
                             &rec, NULL), 0);
    CHECK (rec.sec[0].deleted);
    CHECK_INT (rec.sec[0].version, created + 1000);
    CHECK_INT (lnt_txn_count (txn, LNT_DB_CONFLICTS), 1);
    char ckey[LNT_ID_MAX + 12];
    size_t clen = lnt_replica_conflict_key (LNT_KIND_SUGGESTION,
                                            "3503-2026-000002",
                                            LNT_SECTION_OFFICE, 12345, ckey);
    const void *cval;
    size_t cvlen;
    CHECK_INT (lnt_txn_get (txn, LNT_DB_CONFLICTS, ckey, clen, &cval, &cvlen),
               0);
    lnt_txn_end (&txn);
    CHECK (s_same_record (hub, agent, "3503", 2)); // the agent's still wins
    for (int i = 0; i < 3; i++)
        lnt_buf_free (&w[i]);

    //  ---- the office's store went back in time (same incarnation, a log
    //  behind what the hub applied): REINCARNATE, with the version at acked
    CHECK_INT (s_hello (hub, "3503", inc, 10, 10, hub_id, 0, &hello), 0);
    CHECK (!hello.refused);
    CHECK_INT (hello.verdict, LNT_WELCOME_REINCARNATE);
    CHECK_INT (hello.acked, 33);
    CHECK (hello.version == v33);
    CHECK (!hello.restore);
    cp = s_checkpoint (hub, "3503");
    CHECK_INT (cp.incarnation, inc);
    CHECK_INT (cp.acked, 33);
    CHECK (cp.version == v33);
    CHECK_INT (cp.restores, 0);
    CHECK_INT (cp.flags, 0);
    //  Its log at or past what was applied: a plain welcome, with the
    //  version of the change at acked, for the agent to check its log has
    //  it (a store that went back and wrote past acked again would not)
    CHECK_INT (s_hello (hub, "3503", inc, 33, 33, hub_id, 0, &hello), 0);
    CHECK_INT (hello.verdict, LNT_WELCOME_OK);
    CHECK_INT (hello.acked, 33);
    CHECK (hello.version == v33);
    CHECK (!hello.restore);
    CHECK_INT (s_hello (hub, "3503", inc, 40, 33, hub_id, 0, &hello), 0);
    CHECK_INT (hello.verdict, LNT_WELCOME_OK);
    CHECK (hello.version == v33);

    //  ---- another store of the office: follow it from its start and
    //  send it everything back; the restore is owed until it was sent
    uint64_t inc2 = inc ^ 0x5A5A5A5A5A5A5A5AULL;
    CHECK_INT (s_hello (hub, "3503", inc2, 0, 0, hub_id, 0, &hello), 0);
    CHECK (!hello.refused);
    CHECK_INT (hello.verdict, LNT_WELCOME_OK);
    CHECK (hello.restore);
    CHECK_INT (hello.acked, 0);
    CHECK_INT (hello.version, 0);
    cp = s_checkpoint (hub, "3503");
    CHECK_INT (cp.incarnation, inc2);
    CHECK_INT (cp.acked, 0);
    CHECK_INT (cp.version, 0);
    CHECK_INT (cp.restores, 1);
    CHECK_INT (cp.flags, LNT_CP_RESTORING);
    CHECK_INT (cp.dead, 7); // its history stays
    //  A BATCH of the old incarnation: refused, say HELLO
    s_dump (hub, LNT_DB_RECORDS, &before);
    s_batch_frame (agent, 34, 35, &frame);
    s_apply (hub, "3503", inc, &frame, &item, &st);
    CHECK (item.refused);
    CHECK_INT (item.code, LNT_REFUSE_NO_HELLO);
    CHECK_INT (item.acked, 0);
    CHECK_INT (st.applied, 0);
    CHECK_INT (s_rollup_diffs (hub), 0);
    s_dump (hub, LNT_DB_RECORDS, &after);
    CHECK (s_same_buf (&before, &after));
    CHECK_INT (s_checkpoint (hub, "3503").acked, 0);
    //  The new store's log from 1: its changes are all there already
    s_batch_frame (agent, 1, 3, &frame);
    s_apply (hub, "3503", inc2, &frame, &item, &st);
    CHECK (!item.refused);
    CHECK_INT (item.acked, 3);
    CHECK_INT (st.duplicates, 2);
    CHECK_INT (st.lost, 1); // the deleted one stays deleted
    CHECK_INT (st.applied, 0);
    CHECK_INT (s_rollup_diffs (hub), 0);
    s_dump (hub, LNT_DB_RECORDS, &after);
    CHECK (s_same_buf (&before, &after));
    cp = s_checkpoint (hub, "3503");
    CHECK (cp.version == s_log_version (agent, 3));
    CHECK_INT (cp.flags, LNT_CP_RESTORING); // batches do not clear it
    //  A HELLO of the same store again (a break before the restore was
    //  acknowledged): the restore again, not counted again
    CHECK_INT (s_hello (hub, "3503", inc2, 3, 3, hub_id, 0, &hello), 0);
    CHECK_INT (hello.verdict, LNT_WELCOME_OK);
    CHECK (hello.restore);
    CHECK_INT (hello.acked, 3);
    CHECK (hello.version == s_log_version (agent, 3));
    cp = s_checkpoint (hub, "3503");
    CHECK_INT (cp.restores, 1);
    CHECK_INT (cp.flags, LNT_CP_RESTORING);
    //  A REINCARNATE answer sends no restore, but the restore stays owed
    CHECK_INT (s_hello (hub, "3503", inc2, 1, 1, hub_id, 0, &hello), 0);
    CHECK_INT (hello.verdict, LNT_WELCOME_REINCARNATE);
    CHECK (!hello.restore);
    CHECK_INT (s_checkpoint (hub, "3503").flags, LNT_CP_RESTORING);
    //  Restored for another incarnation (the old store): still owed
    CHECK_INT (lnt_apply_restored (hub, "3503", inc), 0);
    cp = s_checkpoint (hub, "3503");
    CHECK_INT (cp.flags, LNT_CP_RESTORING);
    CHECK_INT (cp.incarnation, inc2);
    CHECK_INT (cp.acked, 3);
    CHECK_INT (s_hello (hub, "3503", inc2, 3, 3, hub_id, 0, &hello), 0);
    CHECK (hello.restore);
    //  Restored for this one: done; the next HELLO sends no restore
    CHECK_INT (lnt_apply_restored (hub, "3503", inc2), 0);
    cp = s_checkpoint (hub, "3503");
    CHECK_INT (cp.flags, 0);
    CHECK_INT (cp.incarnation, inc2);
    CHECK_INT (cp.acked, 3);
    CHECK_INT (cp.restores, 1);
    CHECK_INT (s_hello (hub, "3503", inc2, 3, 3, hub_id, 0, &hello), 0);
    CHECK_INT (hello.verdict, LNT_WELCOME_OK);
    CHECK (!hello.restore);
    CHECK_INT (hello.acked, 3);
    //  Again, and for an office without a checkpoint: nothing to do
    CHECK_INT (lnt_apply_restored (hub, "3503", inc2), 0);
    CHECK_INT (s_checkpoint (hub, "3503").flags, 0);
    CHECK_INT (lnt_apply_restored (hub, "3505", inc2), 0);
    CHECK (!s_has_checkpoint (hub, "3505"));
    //  And a third store: restores counts, owed again
    CHECK_INT (s_hello (hub, "3503", inc2 + 1, 0, 0, hub_id, 0, &hello), 0);
    CHECK (hello.restore);
    cp = s_checkpoint (hub, "3503");
    CHECK_INT (cp.restores, 2);
    CHECK_INT (cp.flags, LNT_CP_RESTORING);
    CHECK_INT (cp.acked, 0);
    CHECK_INT (cp.version, 0);

    //  ---- down positions from DOWN_ACKs, for the offices query
    lnt_checkpoint_t cp3503 = s_checkpoint (hub, "3503");
    lnt_checkpoint_t cp3512 = s_checkpoint (hub, "3512");
    const char *down_offices[] = {"3503", "3512", "3506"};
    const uint64_t down_acked[] = {2, 3, 9};
    CHECK_INT (lnt_apply_down_acked (hub, down_offices, down_acked, 3), 0);
    cp = s_checkpoint (hub, "3503");
    CHECK_INT (cp.down_acked, 2);
    cp.down_acked = cp3503.down_acked;
    CHECK (memcmp (&cp, &cp3503, sizeof cp) == 0); // nothing else moved
    cp = s_checkpoint (hub, "3512");
    CHECK_INT (cp.down_acked, 3);
    cp.down_acked = cp3512.down_acked;
    CHECK (memcmp (&cp, &cp3512, sizeof cp) == 0);
    CHECK (!s_has_checkpoint (hub, "3506")); // no office made up
    CHECK_INT (lnt_apply_down_acked (hub, down_offices, down_acked, 0), 0);
    CHECK_INT (s_checkpoint (hub, "3503").down_acked, 2);

    //  ---- the hub's own log: where the down stream starts
    s_hub_write_t hw = {hub, 3};
    CHECK_INT (lnt_store_write (lnt_node_store (hub), s_hub_write_fn, &hw), 0);
    txn = s_read (hub);
    CHECK_INT (lnt_node_log_head (txn), 3);
    lnt_txn_end (&txn);
    uint64_t hv[4] = {0, s_log_version (hub, 1), s_log_version (hub, 2),
                      s_log_version (hub, 3)};
    CHECK (hv[1] < hv[2] && hv[2] < hv[3]);
    struct {
        uint64_t hub_incarnation; /* HELLO's                              */
        uint64_t down_applied;    /* HELLO's                              */
        uint64_t down_version;    /* HELLO's                              */
        uint64_t down_from;       /* expected                             */
        const char *what;         /* the case                             */
    } downs[] = {
        {hub_id, 2, hv[2], 3, "part way, the same change at 2"},
        {hub_id, 3, hv[3], 4, "all of it, the same change at 3"},
        {hub_id, 1, hv[1], 2, "the first, the same change at 1"},
        {hub_id, 2, 0, 3, "part way, no version (an older agent)"},
        {hub_id, 2, hv[3], 1, "another change at 2 (the hub was restored "
                              "and wrote again)"},
        {hub_id, 2, hv[2] + 1, 1, "a version one off"},
        {hub_id, 5, hv[3], 1, "past the hub's log (an older backup)"},
        {hub_id, 4, 0, 1, "past the hub's log, no version"},
        {hub_id, 0, 0, 1, "nothing applied yet"},
        {777, 2, hv[2], 1, "another hub's incarnation"},
        {0, 2, hv[2], 1, "no hub incarnation"},
        {hub_id, 2, hv[2], 3, "part way again, after all that"},
    };
    for (size_t i = 0; i < sizeof downs / sizeof downs[0]; i++) {
        memset (&hello, 0xff, sizeof hello);
        CHECK_INT (s_hello_v (hub, "3512", other_inc, OTHER_CHANGES, 4,
                              downs[i].hub_incarnation, downs[i].down_applied,
                              0, downs[i].down_version, &hello), 0);
        if (hello.down_from != downs[i].down_from)
            fprintf (stderr, "down stream (%s): from %" PRIu64 ", expected "
                     "%" PRIu64 "\n", downs[i].what, hello.down_from,
                     downs[i].down_from);
        CHECK_INT (hello.down_from, downs[i].down_from);
        CHECK (!hello.refused);
        CHECK_INT (hello.verdict, LNT_WELCOME_OK);
        CHECK_INT (hello.acked, 4);
        CHECK (hello.version == s_log_version (other, 4));
        CHECK (!hello.restore);
        cp = s_checkpoint (hub, "3512");
        CHECK_INT (cp.hub_incarnation, hub_id);
        CHECK_INT (cp.down_acked, downs[i].down_from - 1);
        CHECK_INT (cp.acked, 4);
        //  the hub never takes a new incarnation for it
        CHECK_INT (lnt_node_id (hub), hub_id);
        txn = s_read (hub);
        CHECK_INT (lnt_txn_get_u64 (txn, LNT_DB_META, "node", 0), hub_id);
        CHECK_INT (lnt_node_log_head (txn), 3);
        lnt_txn_end (&txn);
    }
    //  The hub's next write is stamped with the same id
    hw.written = 1;
    CHECK_INT (lnt_store_write (lnt_node_store (hub), s_hub_write_fn, &hw), 0);
    txn = s_read (hub);
    CHECK_INT (lnt_node_log_head (txn), 4);
    lnt_txn_end (&txn);
    lnt_buf_t last = {0};
    lnt_change_t hub_change;
    s_log_change (hub, 4, &last, &hub_change);
    CHECK_INT (hub_change.state.node, hub_id);
    lnt_buf_free (&last);

    //  ---- HELLO's clock: the hub's clock moves past it, never back
    uint64_t clock0 = s_clock (hub);
    CHECK (clock0 != 0); // the agents' versions it applied
    CHECK_INT (s_hello_v (hub, "3512", other_inc, OTHER_CHANGES, 4, hub_id,
                          3, clock0 + 1000, hv[3], &hello), 0);
    CHECK (s_clock (hub) == clock0 + 1000);
    uint64_t lower[] = {clock0 + 999, clock0, 1, 0};
    for (size_t i = 0; i < sizeof lower / sizeof lower[0]; i++) {
        CHECK_INT (s_hello_v (hub, "3512", other_inc, OTHER_CHANGES, 4,
                              hub_id, 3, lower[i], hv[3], &hello), 0);
        CHECK (s_clock (hub) == clock0 + 1000);
    }
    //  A clock ahead of the hub's wall clock (within the day the clock
    //  follows): its next version orders after
    uint64_t ahead = (uint64_t) (lnt_time_now_ms () + 82800000LL) << 16 | 5;
    CHECK_INT (s_hello_v (hub, "3512", other_inc, OTHER_CHANGES, 4, hub_id, 3,
                          ahead, hv[3], &hello), 0);
    CHECK (s_clock (hub) == ahead);
    CHECK_INT (lnt_store_write (lnt_node_store (hub), s_hub_write_fn, &hw), 0);
    CHECK (s_log_version (hub, 5) > ahead);
    //  Also from a HELLO answered REINCARNATE; not from a refused one
    uint64_t clock1 = s_clock (hub);
    CHECK_INT (s_hello (hub, "3503", inc2 + 1, 0, 0, hub_id, 0, &hello), 0);
    CHECK_INT (s_checkpoint (hub, "3503").acked, 0);
    CHECK_INT (lnt_apply_restored (hub, "3503", inc2 + 1), 0);
    s_batch_frame (agent, 1, 2, &frame);
    s_apply (hub, "3503", inc2 + 1, &frame, &item, &st);
    CHECK_INT (item.acked, 2);
    CHECK_INT (s_hello_v (hub, "3503", inc2 + 1, 1, 1, hub_id, 0,
                          clock1 + 7, 0, &hello), 0);
    CHECK_INT (hello.verdict, LNT_WELCOME_REINCARNATE);
    CHECK (s_clock (hub) == clock1 + 7);
    CHECK_INT (s_hello_v (hub, "9999", 1, 0, 0, 0, 0, clock1 + 1000000, 0,
                          &hello), 0);
    CHECK (hello.refused);
    CHECK (s_clock (hub) == clock1 + 7);
    //  A batch that ends in a change that does not decode: the version at
    //  acked is not known (0), which the agent does not check
    CHECK (s_checkpoint (hub, "3503").version == s_log_version (agent, 2));
    lnt_buf_t nil = {0};
    lnt_buf_append (&nil, "\xc0", 1);
    s_batch_of (3, &nil, 1, &frame);
    s_apply (hub, "3503", inc2 + 1, &frame, &item, &st);
    CHECK_INT (item.acked, 3);
    CHECK_INT (st.dead, 1);
    CHECK_INT (s_checkpoint (hub, "3503").version, 0);
    lnt_buf_free (&nil);

    //  ---- a checkpoint of the layout before version and flags (9 fields)
    //  reads with both 0, and is written back in the new layout
    s_old_cp_t old = {"3501", 9};
    CHECK_INT (lnt_store_write (lnt_node_store (hub), s_old_cp_fn, &old), 0);
    cp = s_checkpoint (hub, "3501");
    CHECK_INT (cp.incarnation, 0x1234);
    CHECK_INT (cp.acked, 7);
    CHECK_INT (cp.log_head, 8);
    CHECK_INT (cp.restores, 1);
    CHECK_INT (cp.version, 0);
    CHECK_INT (cp.flags, 0);
    CHECK_INT (s_hello (hub, "3501", 0x1234, 8, 7, hub_id, 0, &hello), 0);
    CHECK_INT (hello.verdict, LNT_WELCOME_OK);
    CHECK_INT (hello.acked, 7);
    CHECK_INT (hello.version, 0); // not known: the agent does not check
    CHECK (!hello.restore);
    txn = s_read (hub);
    const void *cpv;
    size_t cpl = 0;
    CHECK_INT (lnt_txn_get (txn, LNT_DB_CHECKPOINTS, "3501", 4, &cpv, &cpl),
               0);
    CHECK_INT (cpl, 11 * 8);
    lnt_txn_end (&txn);
    //  any other length is a store error
    old = (s_old_cp_t){"3502", 10};
    CHECK_INT (lnt_store_write (lnt_node_store (hub), s_old_cp_fn, &old), 0);
    txn = s_read (hub);
    CHECK_INT (lnt_checkpoint_get (txn, "3502", &cp), LNT_ESTORE);
    lnt_txn_end (&txn);
    CHECK_INT (s_rollup_diffs (hub), 0);

    lnt_buf_free (&frame);
    lnt_buf_free (&before);
    lnt_buf_free (&after);
    lnt_buf_free (&value);
    lnt_buf_free (&body);
    lnt_node_destroy (&other);
    lnt_node_destroy (&agent);
    lnt_node_destroy (&hub);
}

static int
s_ref_changed_fn (lnt_txn_t *txn, void *arg)
{
    return lnt_node_ref_changed (txn, arg);
}

//  The group commit in two steps (prepare, then commit) as the hub's loop
//  and its writer thread do it: the rollups the parts of the validated
//  bodies make equal those recomputed from the records; a group prepared
//  before a command changed the reference data commits nothing and asks
//  for a new preparation.
static void
s_test_prepared (void)
{
    lnt_node_t *hub = s_node_new (LNT_ROLE_HUB, "35");
    lnt_node_t *agent = s_agent_new ("3503", AGENT_CHANGES);
    lnt_node_t *other = s_agent_new ("3512", OTHER_CHANGES);
    uint64_t inc = lnt_node_id (agent), other_inc = lnt_node_id (other);
    lnt_hello_t hello;
    CHECK_INT (s_hello (hub, "3503", inc, AGENT_CHANGES, 0, 0, 0, &hello), 0);
    CHECK_INT (hello.verdict, LNT_WELCOME_OK);
    CHECK_INT (s_hello (hub, "3512", other_inc, OTHER_CHANGES, 0, 0, 0,
                        &hello), 0);
    CHECK_INT (hello.verdict, LNT_WELCOME_OK);
    lnt_apply_group_t *g = lnt_apply_group_new (hub);
    CHECK (g != NULL);
    lnt_buf_t frame = {0};
    lnt_msg_t msg;
    lnt_apply_stats_t st = {0};
    uint64_t version = 0;

    //  ---- 1..20 in two steps
    s_batch_frame (agent, 1, 20, &frame);
    s_decode (&frame, &msg);
    lnt_apply_item_t item = {"3503", inc, &msg, false, 0, 0};
    CHECK_INT (lnt_apply_refresh (hub, &version), 0);
    CHECK_INT (lnt_apply_prepare (g, &item, 1, version), 0);
    CHECK_INT (lnt_apply_commit (g, ++s_now, &st), 0);
    CHECK (!item.refused);
    CHECK_INT (item.acked, 20);
    CHECK_INT (st.applied, 20);
    lnt_msg_release (&msg);

    //  ---- 3512's records: their keys come after 3503's (appended)
    s_batch_frame (other, 1, OTHER_CHANGES, &frame);
    s_decode (&frame, &msg);
    item = (lnt_apply_item_t){"3512", other_inc, &msg, false, 0, 0};
    CHECK_INT (lnt_apply_prepare (g, &item, 1, version), 0);
    CHECK_INT (lnt_apply_commit (g, ++s_now, &st), 0);
    CHECK_INT (item.acked, OTHER_CHANGES);
    CHECK_INT (s_held (hub, "3512", 1, OTHER_CHANGES), OTHER_CHANGES);
    lnt_msg_release (&msg);

    //  ---- 21..40 (before 3512's keys: not appended) prepared, then a
    //  command loads reference data
    s_batch_frame (agent, 21, AGENT_CHANGES, &frame);
    s_decode (&frame, &msg);
    item = (lnt_apply_item_t){"3503", inc, &msg, false, 0, 0};
    CHECK_INT (lnt_apply_prepare (g, &item, 1, version), 0);
    uint64_t next = 0;
    CHECK_INT (lnt_store_write (lnt_node_store (hub), s_ref_changed_fn, &next),
               0);
    CHECK (next != version);
    memset (&st, 0, sizeof st);
    CHECK_INT (lnt_apply_commit (g, ++s_now, &st), LNT_APPLY_AGAIN);
    CHECK_INT (st.applied, 0);
    CHECK_INT (s_checkpoint (hub, "3503").acked, 20);
    CHECK_INT (s_held (hub, "3503", 21, AGENT_CHANGES), 0);
    //  prepared again against the data now in the store: applied
    CHECK_INT (lnt_apply_refresh (hub, &version), 0);
    CHECK_INT (version, next);
    CHECK_INT (lnt_apply_prepare (g, &item, 1, version), 0);
    CHECK_INT (lnt_apply_commit (g, ++s_now, &st), 0);
    CHECK_INT (item.acked, AGENT_CHANGES);
    CHECK_INT (st.applied, AGENT_CHANGES - 20);
    CHECK_INT (s_held (hub, "3503", 1, AGENT_CHANGES), AGENT_CHANGES);
    lnt_msg_release (&msg);

    //  ---- the rollups equal the records
    lnt_txn_t *txn = s_read (hub);
    CHECK_INT (lnt_rollup_verify (txn, lnt_node_ref (hub), s_report, NULL), 0);
    int64_t counters[LNT_ROLLUP_S_COUNT];
    CHECK_INT (lnt_rollup_read (txn, 'S', "3503", 2026, NULL, counters,
                                LNT_ROLLUP_S_COUNT), 0);
    CHECK_INT (counters[LNT_ROLLUP_S_RECEIVED], AGENT_CHANGES);
    CHECK_INT (lnt_rollup_read (txn, 'S', "3512", 2026, NULL, counters,
                                LNT_ROLLUP_S_COUNT), 0);
    CHECK_INT (counters[LNT_ROLLUP_S_RECEIVED], OTHER_CHANGES);
    lnt_txn_end (&txn);

    lnt_buf_free (&frame);
    lnt_apply_group_destroy (&g);
    lnt_apply_group_destroy (&g);
    lnt_node_destroy (&other);
    lnt_node_destroy (&agent);
    lnt_node_destroy (&hub);
}

//  A group large enough to be prepared in two shares (the loop's and a
//  helper's) leaves the hub as the same batches applied one by one do:
//  the same records, dead letters and rollups.
#define SHARED_CHANGES 1500 /* suggestions of each office of the test     */
static void
s_test_shared (void)
{
    lnt_node_t *hubs[2] = {s_node_new (LNT_ROLE_HUB, "35"),
                           s_node_new (LNT_ROLE_HUB, "35")};
    lnt_node_t *a = s_agent_new ("3504", SHARED_CHANGES);
    lnt_node_t *b = s_agent_new ("3505", SHARED_CHANGES);
    uint64_t inc_a = lnt_node_id (a), inc_b = lnt_node_id (b);
    lnt_hello_t hello;
    for (int h = 0; h < 2; h++) {
        CHECK_INT (s_hello (hubs[h], "3504", inc_a, SHARED_CHANGES, 0, 0, 0,
                            &hello), 0);
        CHECK_INT (hello.verdict, LNT_WELCOME_OK);
        CHECK_INT (s_hello (hubs[h], "3505", inc_b, SHARED_CHANGES, 0, 0, 0,
                            &hello), 0);
        CHECK_INT (hello.verdict, LNT_WELCOME_OK);
    }
    //  3505's last batch carries 3504's changes (dead letters), and 3504
    //  sends part of what it sent again (skipped)
    lnt_buf_t frames[5] = {{0}};
    s_batch_frame (a, 1, 700, &frames[0]);
    s_batch_frame (b, 1, 700, &frames[1]);
    s_batch_frame (a, 701, 1400, &frames[2]);
    s_batch_frame (b, 701, 1400, &frames[3]);
    s_batch_frame (a, 1401, 1500, &frames[4]);
    const char *offices[6] = {"3504", "3505", "3504", "3505", "3505", "3504"};
    lnt_msg_t msgs[6];
    lnt_apply_item_t items[6];
    lnt_apply_stats_t st[2] = {{0}};
    s_now += 1000;
    for (int h = 0; h < 2; h++) {
        for (int i = 0; i < 6; i++) {
            s_decode (&frames[i < 5 ? i : 2], &msgs[i]);
            items[i] = (lnt_apply_item_t){
                offices[i], strcmp (offices[i], "3504") ? inc_b : inc_a,
                &msgs[i], false, 0, 0};
        }
        if (h == 0) //  one group of 3,600 changes: shared
            CHECK_INT (lnt_apply_batches (hubs[h], items, 6, s_now, &st[h]),
                       0);
        else        //  batch by batch, none shared
            for (int i = 0; i < 6; i++)
                CHECK_INT (lnt_apply_batches (hubs[h], &items[i], 1, s_now,
                                              &st[h]), 0);
        for (int i = 0; i < 6; i++) {
            CHECK (!items[i].refused);
            lnt_msg_release (&msgs[i]);
        }
        CHECK_INT (items[4].acked, 1500);
        CHECK_INT (s_rollup_diffs (hubs[h]), 0);
    }
    CHECK_INT (st[0].applied, 2800);
    CHECK_INT (st[0].dead, 100);
    CHECK_INT (st[0].skipped, 700);
    CHECK (memcmp (&st[0], &st[1], sizeof st[0]) == 0);
    lnt_db_t dbs[3] = {LNT_DB_RECORDS, LNT_DB_DEAD, LNT_DB_ROLLUPS};
    lnt_buf_t dump[2] = {{0}};
    for (int d = 0; d < 3; d++) {
        s_dump (hubs[0], dbs[d], &dump[0]);
        s_dump (hubs[1], dbs[d], &dump[1]);
        CHECK (dump[0].len > 0);
        CHECK (s_same_buf (&dump[0], &dump[1]));
    }
    for (int i = 0; i < 5; i++)
        lnt_buf_free (&frames[i]);
    lnt_buf_free (&dump[0]);
    lnt_buf_free (&dump[1]);
    lnt_node_destroy (&b);
    lnt_node_destroy (&a);
    lnt_node_destroy (&hubs[1]);
    lnt_node_destroy (&hubs[0]);
}

int
main (int argc, char **argv)
{
    s_ref_dir = argc > 1 ? argv[1] : getenv ("LONTAR_REF");
    if (!s_ref_dir) {
        fprintf (stderr, "usage: test_apply DATA-FOLDER\n");
        return 64;
    }
    s_root = strdup ("/tmp/lnt-test-apply-XXXXXX");
    if (!s_root || !mkdtemp (s_root)) {
        perror ("mkdtemp");
        return 1;
    }
    s_test_apply ();
    s_test_prepared ();
    s_test_shared ();
    nftw (s_root, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free (s_root);
    return LNT_TEST_DONE ();
}
