/*  test_node.c - unit test for lnt_node over real stores in a temporary
    folder: init of agents and hubs (and what a refused init leaves behind:
    nothing), open, section writes with their log entries and versions, a
    wall clock that goes back a day between writes and across a reopen,
    aborted writes, the two sections of a record, and tracking numbers.

    Usage: test_node data-folder (the reference data, common/data).      */
#include "lnt_codec.h"
#include "lnt_error.h"
#include "lnt_node.h"
#include "lnt_test.h"

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define DAY_MS INT64_C (86400000)

//  2026-11-25T00:00:00Z: where the injected wall clock starts
#define T0_MS INT64_C (1795564800000)

static const char *s_ref_dir; //  the reference data folder, argv[1]

//  ---- helpers -----------------------------------------------------------

static int
s_rm_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st, (void) flag, (void) ftw;
    return remove (path);
}

//  Removes a folder and everything in it
static void
s_rmtree (const char *dir)
{
    nftw (dir, s_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

//  Makes a fresh temporary folder; the caller frees the name
static char *
s_tmpdir (void)
{
    char *dir = strdup ("/tmp/lnt-test-node-XXXXXX");
    if (!dir || !mkdtemp (dir)) {
        perror ("mkdtemp");
        exit (1);
    }
    return dir;
}

//  A new agent store of office 3503 in dir, opened; NULL (and a failed
//  check) when it cannot be made
static lnt_node_t *
s_agent_new (const char *dir)
{
    lnt_why_t why = {""};
    lnt_node_t *node = NULL;
    CHECK_INT (lnt_node_init (dir, LNT_ROLE_AGENT, "3503", s_ref_dir, 0, &why),
               0);
    CHECK_INT (lnt_node_open (dir, 0, &node, &why), 0);
    return node;
}

//  dir/name in buf
static const char *
s_path (char *buf, size_t size, const char *dir, const char *name)
{
    snprintf (buf, size, "%s/%s", dir, name);
    return buf;
}

static bool
s_exists (const char *path)
{
    struct stat st;
    return stat (path, &st) == 0;
}

//  The output of `mdb_dump -a dir` (the caller frees), or NULL when the
//  tool failed
static char *
s_dump (const char *dir)
{
    char command[1024];
    snprintf (command, sizeof command, "mdb_dump -a '%s' 2>/dev/null", dir);
    FILE *pipe = popen (command, "r");
    if (!pipe)
        return NULL;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    char chunk[4096];
    size_t got;
    while (out && (got = fread (chunk, 1, sizeof chunk, pipe)) > 0)
        fwrite (chunk, 1, got, out);
    if (out)
        fclose (out);
    int status = pclose (pipe);
    if (!WIFEXITED (status) || WEXITSTATUS (status) != 0 || !text
        || !*text) {
        free (text);
        return NULL;
    }
    return text;
}

//  The injected wall clock
typedef struct {
    int64_t ms; //  what it says
} s_wall_t;

static int64_t
s_wall_read (void *arg)
{
    return ((s_wall_t *) arg)->ms;
}

//  One section write for s_sections_write
typedef struct {
    uint8_t kind;       //  record kind
    const char *id;     //  record id
    const char *office; //  owning office
    int section;        //  LNT_SECTION_OFFICE or _PROVINCE
    const char *body;   //  the body (any bytes will do here)
    bool deleted;       //  a tombstone
    uint64_t seq;       //  out: the change's sequence number
} s_section_t;

//  Section writes in one transaction, then result
typedef struct {
    lnt_node_t *node;   //  the node
    s_section_t *sec;   //  the writes, in order
    size_t count;       //  how many
    int result;         //  what the function returns after them
} s_write_t;

static int
s_sections_write (lnt_txn_t *txn, void *arg)
{
    s_write_t *w = arg;
    for (size_t i = 0; i < w->count; i++) {
        s_section_t *s = &w->sec[i];
        int rc = lnt_node_write_section (w->node, txn, s->kind, s->id,
                                         s->office, s->section, s->body,
                                         s->body ? strlen (s->body) : 0,
                                         s->deleted, &s->seq);
        if (rc)
            return rc;
    }
    return w->result;
}

//  Writes one section in its own transaction; returns the sequence number
//  (0 on failure)
static uint64_t
s_write_one (lnt_node_t *node, uint8_t kind, const char *id, int section,
             const char *body)
{
    s_section_t sec = {kind, id, "3503", section, body, false, 0};
    s_write_t w = {node, &sec, 1, 0};
    if (lnt_store_write (lnt_node_store (node), s_sections_write, &w) != 0)
        return 0;
    return sec.seq;
}

//  A copy of a record's section, made before its transaction ends
typedef struct {
    bool present;      //  the section exists
    uint64_t version;  //  its version
    uint64_t node;     //  its writer
    bool deleted;      //  a tombstone
    char body[64];     //  its body, as text
} s_sec_copy_t;

//  Reads record (kind, id) into office and province copies: 0 or the error
static int
s_get (lnt_node_t *node, uint8_t kind, const char *id, s_sec_copy_t out[2],
       char office[LNT_OFFICE_MAX + 1])
{
    lnt_txn_t *txn = NULL;
    int rc = lnt_store_read (lnt_node_store (node), &txn);
    if (rc)
        return rc;
    lnt_record_t record;
    lnt_why_t why = {""};
    rc = lnt_node_get (txn, kind, id, &record, &why);
    memset (out, 0, 2 * sizeof out[0]);
    if (!rc) {
        for (int s = 0; s < 2; s++) {
            out[s].present = record.sec[s].present;
            out[s].version = record.sec[s].version;
            out[s].node = record.sec[s].node;
            out[s].deleted = record.sec[s].deleted;
            snprintf (out[s].body, sizeof out[s].body, "%.*s",
                      (int) record.sec[s].body_len,
                      record.sec[s].body ? (const char *) record.sec[s].body
                                         : "");
        }
        if (office)
            snprintf (office, LNT_OFFICE_MAX + 1, "%s", record.office);
        if (record.kind != kind || strcmp (record.id, id) != 0)
            rc = LNT_EINTERNAL;
    }
    lnt_txn_end (&txn);
    return rc;
}

//  The log head, the number of log entries and the stored clock
static void
s_log_state (lnt_node_t *node, uint64_t *head, size_t *entries,
             uint64_t *clock)
{
    lnt_txn_t *txn = NULL;
    *head = *clock = UINT64_MAX;
    *entries = (size_t) -1;
    if (lnt_store_read (lnt_node_store (node), &txn))
        return;
    *head = lnt_node_log_head (txn);
    *entries = lnt_txn_count (txn, LNT_DB_LOG);
    *clock = lnt_node_clock (txn);
    lnt_txn_end (&txn);
}

//  A change from the log, copied out of its transaction
typedef struct {
    uint64_t seq;       //  its key
    lnt_change_t change; //  decoded; body points into body below
    char body[64];      //  the body as text
} s_logged_t;

//  Reads up to max log entries from the first; returns how many, or -1
//  when one does not decode
static int
s_read_log (lnt_node_t *node, s_logged_t *out, int max)
{
    lnt_txn_t *txn = NULL;
    lnt_cursor_t *cursor = NULL;
    if (lnt_store_read (lnt_node_store (node), &txn))
        return -1;
    int n = 0, rc;
    const void *k, *v;
    size_t kl, vl;
    if (lnt_cursor_open (txn, LNT_DB_LOG, &cursor) == 0) {
        for (rc = lnt_cursor_seek (cursor, NULL, 0, &k, &kl, &v, &vl);
             rc == 0 && n < max;
             rc = lnt_cursor_next (cursor, &k, &kl, &v, &vl), n++) {
            lnt_why_t why = {""};
            if (kl != 8
                || lnt_codec_change_decode (v, vl, &out[n].change, &why)) {
                fprintf (stderr, "log entry %d: %s\n", n, why.text);
                n = -1;
                break;
            }
            out[n].seq = lnt_store_u64_key (k);
            snprintf (out[n].body, sizeof out[n].body, "%.*s",
                      (int) out[n].change.state.body_len,
                      out[n].change.state.body
                          ? (const char *) out[n].change.state.body
                          : "");
            out[n].change.state.body = NULL;
        }
    }
    lnt_cursor_close (&cursor);
    lnt_txn_end (&txn);
    return n;
}

//  ---- the tests -----------------------------------------------------------

static void
s_test_init (void)
{
    char *tmp = s_tmpdir ();
    char dir[512], path[600], bad_ref[512];
    lnt_why_t why = {""};

    //  An agent of Trenggalek
    s_path (dir, sizeof dir, tmp, "agent");
    CHECK_INT (lnt_node_init (dir, LNT_ROLE_AGENT, "3503", s_ref_dir, 0, &why),
               0);
    CHECK (s_exists (s_path (path, sizeof path, dir, "data.mdb")));

    //  An office that is not in the list: refused, and no folder made
    s_path (dir, sizeof dir, tmp, "unknown");
    why.text[0] = 0;
    CHECK_INT (lnt_node_init (dir, LNT_ROLE_AGENT, "9999", s_ref_dir, 0, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "9999") != NULL);
    CHECK (!s_exists (s_path (path, sizeof path, dir, "data.mdb")));
    CHECK (!s_exists (dir));
    //  A province code is not an office
    CHECK_INT (lnt_node_init (dir, LNT_ROLE_AGENT, "35", s_ref_dir, 0, &why),
               LNT_EINVAL);
    CHECK (!s_exists (dir));
    //  ... nor is an empty one
    CHECK_INT (lnt_node_init (dir, LNT_ROLE_AGENT, "", s_ref_dir, 0, &why),
               LNT_EINVAL);
    CHECK (!s_exists (dir));

    //  Reference data that is not there
    s_path (bad_ref, sizeof bad_ref, tmp, "no-such-ref");
    why.text[0] = 0;
    CHECK_INT (lnt_node_init (dir, LNT_ROLE_AGENT, "3503", bad_ref, 0, &why),
               LNT_EIO);
    CHECK (strstr (why.text, "no-such-ref") != NULL);
    CHECK (!s_exists (dir));

    //  Init twice: refused, and the first store is byte for byte the same
    //  (the second init would have written a new random node id)
    s_path (dir, sizeof dir, tmp, "agent");
    char *before = s_dump (dir);
    CHECK (before != NULL);
    CHECK (before && strstr (before, "VERSION=3"));
    why.text[0] = 0;
    CHECK_INT (lnt_node_init (dir, LNT_ROLE_AGENT, "3503", s_ref_dir, 0, &why),
               LNT_EEXIST);
    CHECK (strstr (why.text, dir) != NULL);
    CHECK_INT (lnt_node_init (dir, LNT_ROLE_HUB, "35", s_ref_dir, 0, &why),
               LNT_EEXIST);
    char *after = s_dump (dir);
    CHECK (after != NULL);
    CHECK (before && after && strcmp (before, after) == 0);
    free (before);
    free (after);

    //  A hub of Jawa Timur; province 99 has no offices
    s_path (dir, sizeof dir, tmp, "hub");
    CHECK_INT (lnt_node_init (dir, LNT_ROLE_HUB, "35", s_ref_dir, 0, &why), 0);
    CHECK (s_exists (s_path (path, sizeof path, dir, "data.mdb")));
    s_path (dir, sizeof dir, tmp, "hub99");
    why.text[0] = 0;
    CHECK_INT (lnt_node_init (dir, LNT_ROLE_HUB, "99", s_ref_dir, 0, &why),
               LNT_EINVAL);
    CHECK (strstr (why.text, "99") != NULL);
    CHECK (!s_exists (dir));
    //  An office code is not a province
    CHECK_INT (lnt_node_init (dir, LNT_ROLE_HUB, "3503", s_ref_dir, 0, &why),
               LNT_EINVAL);
    CHECK (!s_exists (dir));

    s_rmtree (tmp);
    free (tmp);
}

//  A key to delete, for s_del_write
typedef struct {
    lnt_db_t db;     //  where
    const char *key; //  what
} s_drop_t;

static int
s_del_write (lnt_txn_t *txn, void *arg)
{
    s_drop_t *drop = arg;
    return lnt_txn_del (txn, drop->db, drop->key, strlen (drop->key));
}

//  Marks a store as of format 1 (one records tree for all offices)
static int
s_format_write (lnt_txn_t *txn, void *arg)
{
    (void) arg;
    return lnt_txn_put_u64 (txn, LNT_DB_META, "format", 1);
}

static void
s_test_open (void)
{
    char *tmp = s_tmpdir ();
    char agent_dir[512], hub_dir[512], other[512], path[600];
    s_path (agent_dir, sizeof agent_dir, tmp, "agent");
    s_path (hub_dir, sizeof hub_dir, tmp, "hub");
    lnt_why_t why = {""};
    lnt_node_t *agent = NULL, *hub = NULL, *node = NULL;
    CHECK_INT (lnt_node_init (agent_dir, LNT_ROLE_AGENT, "3503", s_ref_dir, 0,
                              &why), 0);
    CHECK_INT (lnt_node_init (hub_dir, LNT_ROLE_HUB, "35", s_ref_dir, 0, &why),
               0);

    CHECK_INT (lnt_node_open (agent_dir, 0, &agent, &why), 0);
    CHECK_INT (lnt_node_open (hub_dir, 0, &hub, &why), 0);
    if (!agent || !hub)
        goto done;
    CHECK_INT (lnt_node_role (agent), LNT_ROLE_AGENT);
    CHECK_STR (lnt_node_code (agent), "3503");
    CHECK (lnt_node_id (agent) != 0);
    CHECK (lnt_node_ref (agent) != NULL);
    CHECK (lnt_ref_office (lnt_node_ref (agent), "3503") != NULL);
    CHECK (lnt_ref_complete (lnt_node_ref (agent), NULL));
    CHECK (lnt_ref_office_count (lnt_node_ref (agent)) > 1);
    CHECK_STR (lnt_store_dir (lnt_node_store (agent)), agent_dir);

    CHECK_INT (lnt_node_role (hub), LNT_ROLE_HUB);
    CHECK_STR (lnt_node_code (hub), "35");
    CHECK (lnt_node_id (hub) != 0);
    //  Node ids are random
    CHECK (lnt_node_id (hub) != lnt_node_id (agent));
    CHECK (lnt_ref_office (lnt_node_ref (hub), "3503") != NULL);

    //  The id is the store's: the same after a reopen, also readonly
    uint64_t id = lnt_node_id (agent);
    lnt_node_destroy (&agent);
    CHECK (agent == NULL);
    lnt_node_destroy (&agent); //  safe twice
    CHECK_INT (lnt_node_open (agent_dir, LNT_STORE_READONLY, &node, &why), 0);
    if (node) {
        CHECK (lnt_node_id (node) == id);
        CHECK_STR (lnt_node_code (node), "3503");
        //  and a readonly node writes nothing
        CHECK (s_write_one (node, LNT_KIND_SUGGESTION, "x", 0, "b") == 0);
    }
    lnt_node_destroy (&node);

    //  Where no store is
    s_path (other, sizeof other, tmp, "nothing");
    why.text[0] = 0;
    CHECK_INT (lnt_node_open (other, 0, &node, &why), LNT_EUNAVAIL);
    CHECK (node == NULL);
    CHECK (strstr (why.text, "nothing") != NULL);
    CHECK (!s_exists (s_path (path, sizeof path, other, "data.mdb")));
    //  A store that is not a lontar store
    lnt_store_t *plain = NULL;
    CHECK_INT (lnt_store_open (other, LNT_STORE_CREATE, 0, &plain), 0);
    lnt_store_destroy (&plain);
    CHECK_INT (lnt_node_open (other, 0, &node, &why), LNT_EINVAL);
    CHECK (node == NULL);

    //  A store of the format before the records' trees: refused, saying
    //  so, and left as it was
    CHECK_INT (lnt_store_open (agent_dir, 0, 0, &plain), 0);
    if (plain) {
        CHECK_INT (lnt_store_write (plain, s_format_write, NULL), 0);
        lnt_store_destroy (&plain);
        why.text[0] = 0;
        CHECK_INT (lnt_node_open (agent_dir, 0, &node, &why), LNT_EINVAL);
        CHECK (node == NULL);
        CHECK (strstr (why.text, "has format 1") != NULL);
        CHECK (strstr (why.text, "init") != NULL);
        CHECK_INT (lnt_store_open (agent_dir, 0, 0, &plain), 0);
        lnt_txn_t *txn = NULL;
        if (plain && lnt_store_read (plain, &txn) == 0) {
            CHECK_INT (lnt_txn_get_u64 (txn, LNT_DB_META, "format", 0), 1);
            lnt_txn_end (&txn);
        }
        lnt_store_destroy (&plain);
    }

    //  A lontar store missing a part of its reference data
    lnt_node_destroy (&hub);
    CHECK_INT (lnt_store_open (hub_dir, 0, 0, &plain), 0);
    if (plain) {
        s_drop_t drop = {LNT_DB_REF, "offices"};
        CHECK_INT (lnt_store_write (plain, s_del_write, &drop), 0);
        lnt_store_destroy (&plain);
        why.text[0] = 0;
        CHECK_INT (lnt_node_open (hub_dir, 0, &node, &why), LNT_EINVAL);
        CHECK (node == NULL);
        CHECK (why.text[0] != 0);
    }
done:
    lnt_node_destroy (&agent);
    lnt_node_destroy (&hub);
    s_rmtree (tmp);
    free (tmp);
}

static void
s_test_write_section (void)
{
    char *tmp = s_tmpdir ();
    lnt_why_t why = {""};
    lnt_node_t *node = s_agent_new (tmp);
    if (!node)
        goto done;
    uint64_t id = lnt_node_id (node);
    s_wall_t wall = {T0_MS};
    lnt_node_set_clock_source (node, s_wall_read, &wall);

    uint64_t head, clock;
    size_t entries;
    s_log_state (node, &head, &entries, &clock);
    CHECK_INT (head, 0);
    CHECK_INT (entries, 0);
    CHECK_INT (clock, 0);

    //  Three writes, the wall clock a day further back before each of the
    //  later two
    const char *id1 = "3503-2026-000001", *id2 = "3503-2026-000002";
    s_section_t sec[3] = {
        {LNT_KIND_SUGGESTION, id1, "3503", LNT_SECTION_OFFICE, "body-1", false, 0},
        {LNT_KIND_RB_ITEM, id2, "3503", LNT_SECTION_OFFICE, "body-2", false, 0},
        {LNT_KIND_SUGGESTION, id1, "3503", LNT_SECTION_OFFICE, "body-3", false, 0}};
    uint64_t version[4] = {0};
    for (int i = 0; i < 3; i++) {
        s_write_t w = {node, &sec[i], 1, 0};
        CHECK_INT (lnt_store_write (lnt_node_store (node), s_sections_write, &w),
                   0);
        CHECK_INT (sec[i].seq, i + 1);
        s_log_state (node, &head, &entries, &clock);
        CHECK_INT (head, i + 1);
        CHECK_INT (entries, i + 1);
        version[i] = clock;
        wall.ms -= DAY_MS;
    }
    //  The first took the wall clock; the others still grew
    CHECK (version[0] == (uint64_t) T0_MS << 16);
    CHECK_INT (lnt_clock_ms (version[0]), T0_MS);
    CHECK (version[1] > version[0]);
    CHECK (version[2] > version[1]);

    //  The records: id1 has the third body and version, id2 the second
    s_sec_copy_t got[2];
    char office[LNT_OFFICE_MAX + 1] = "";
    CHECK_INT (s_get (node, LNT_KIND_SUGGESTION, id1, got, office), 0);
    CHECK_STR (office, "3503");
    CHECK (got[0].present);
    CHECK (got[0].version == version[2]);
    CHECK (got[0].node == id);
    CHECK (!got[0].deleted);
    CHECK_STR (got[0].body, "body-3");
    CHECK (!got[1].present);
    CHECK_INT (s_get (node, LNT_KIND_RB_ITEM, id2, got, NULL), 0);
    CHECK (got[0].version == version[1]);
    CHECK_STR (got[0].body, "body-2");
    //  The kind is part of the key
    CHECK_INT (s_get (node, LNT_KIND_RB_ITEM, id1, got, NULL), LNT_ENOTFOUND);
    CHECK_INT (s_get (node, LNT_KIND_SUGGESTION, "3503-2026-000009", got,
                      NULL), LNT_ENOTFOUND);

    //  The log: sequences 1, 2, 3, each change what was written
    s_logged_t log[8];
    CHECK_INT (s_read_log (node, log, 8), 3);
    for (int i = 0; i < 3; i++) {
        CHECK (log[i].seq == (uint64_t) i + 1);
        CHECK_INT (log[i].change.kind, sec[i].kind);
        CHECK_STR (log[i].change.id, sec[i].id);
        CHECK_STR (log[i].change.office, "3503");
        CHECK_INT (log[i].change.section, LNT_SECTION_OFFICE);
        CHECK (log[i].change.state.version == version[i]);
        CHECK (log[i].change.state.node == id);
        CHECK (!log[i].change.state.deleted);
        CHECK_STR (log[i].body, sec[i].body);
    }

    //  Closed and reopened, with the wall clock still in the past (and
    //  going back further), the next version is above the last
    lnt_node_destroy (&node);
    CHECK_INT (lnt_node_open (tmp, 0, &node, &why), 0);
    if (!node)
        goto done;
    lnt_node_set_clock_source (node, s_wall_read, &wall);
    wall.ms -= DAY_MS;
    CHECK_INT (s_write_one (node, LNT_KIND_SUGGESTION, id2, LNT_SECTION_OFFICE,
                            "body-4"), 4);
    s_log_state (node, &head, &entries, &clock);
    version[3] = clock;
    CHECK (version[3] > version[2]);
    CHECK_INT (head, 4);

    //  When the wall clock is ahead again, it gives the version
    wall.ms = T0_MS + DAY_MS;
    CHECK_INT (s_write_one (node, LNT_KIND_SUGGESTION, id2, LNT_SECTION_OFFICE,
                            "body-5"), 5);
    s_log_state (node, &head, &entries, &clock);
    CHECK (clock == (uint64_t) (T0_MS + DAY_MS) << 16);
    CHECK_INT (s_get (node, LNT_KIND_SUGGESTION, id2, got, NULL), 0);
    CHECK (got[0].version == clock);

    //  A tombstone: no body, and the log says deleted
    s_section_t tomb = {LNT_KIND_SUGGESTION, id2, "3503", LNT_SECTION_OFFICE,
                        "ignored", true, 0};
    s_write_t w = {node, &tomb, 1, 0};
    CHECK_INT (lnt_store_write (lnt_node_store (node), s_sections_write, &w), 0);
    CHECK_INT (tomb.seq, 6);
    CHECK_INT (s_get (node, LNT_KIND_SUGGESTION, id2, got, NULL), 0);
    CHECK (got[0].present && got[0].deleted);
    CHECK_STR (got[0].body, "");
    CHECK (got[0].version > clock);
    CHECK_INT (s_read_log (node, log, 8), 6);
    CHECK (log[5].change.state.deleted);
    CHECK_STR (log[5].body, "");
done:
    lnt_node_destroy (&node);
    s_rmtree (tmp);
    free (tmp);
}

static void
s_test_write_fails (void)
{
    char *tmp = s_tmpdir ();
    lnt_node_t *node = s_agent_new (tmp);
    if (!node)
        goto done;
    CHECK_INT (s_write_one (node, LNT_KIND_SUGGESTION, "3503-2026-000001",
                            LNT_SECTION_OFFICE, "kept"), 1);
    uint64_t head, clock;
    size_t entries;
    s_log_state (node, &head, &entries, &clock);

    //  Two sections written, then the function fails: none of it stays
    s_section_t sec[2] = {
        {LNT_KIND_SUGGESTION, "3503-2026-000002", "3503", LNT_SECTION_OFFICE,
         "new", false, 0},
        {LNT_KIND_SUGGESTION, "3503-2026-000001", "3503", LNT_SECTION_OFFICE,
         "changed", false, 0}};
    s_write_t w = {node, sec, 2, LNT_EINVAL};
    CHECK_INT (lnt_store_write (lnt_node_store (node), s_sections_write, &w),
               LNT_EINVAL);
    //  (inside, the writes had gone through)
    CHECK_INT (sec[0].seq, 2);
    CHECK_INT (sec[1].seq, 3);
    s_sec_copy_t got[2];
    CHECK_INT (s_get (node, LNT_KIND_SUGGESTION, "3503-2026-000002", got, NULL),
               LNT_ENOTFOUND);
    CHECK_INT (s_get (node, LNT_KIND_SUGGESTION, "3503-2026-000001", got, NULL),
               0);
    CHECK_STR (got[0].body, "kept");
    uint64_t head2, clock2;
    size_t entries2;
    s_log_state (node, &head2, &entries2, &clock2);
    CHECK (head2 == head);
    CHECK_INT (head2, 1);
    CHECK_INT (entries2, entries);
    CHECK (clock2 == clock);

    //  The next write takes sequence 2, as if nothing had happened
    CHECK_INT (s_write_one (node, LNT_KIND_SUGGESTION, "3503-2026-000002",
                            LNT_SECTION_OFFICE, "new"), 2);
done:
    lnt_node_destroy (&node);
    s_rmtree (tmp);
    free (tmp);
}

static void
s_test_sections (void)
{
    char *tmp = s_tmpdir ();
    lnt_why_t why = {""};
    lnt_node_t *node = NULL;
    CHECK_INT (lnt_node_init (tmp, LNT_ROLE_HUB, "35", s_ref_dir, 0, &why), 0);
    CHECK_INT (lnt_node_open (tmp, 0, &node, &why), 0);
    if (!node)
        goto done;
    const char *id = "3503-LKE-2026-A1.3";
    s_sec_copy_t got[2];

    //  Office, then province: both there
    CHECK_INT (s_write_one (node, LNT_KIND_LKE_ANSWER, id, LNT_SECTION_OFFICE,
                            "answer-Y"), 1);
    CHECK_INT (s_get (node, LNT_KIND_LKE_ANSWER, id, got, NULL), 0);
    s_sec_copy_t office1 = got[0];
    CHECK (office1.present && !got[1].present);
    CHECK_INT (s_write_one (node, LNT_KIND_LKE_ANSWER, id, LNT_SECTION_PROVINCE,
                            "verdict-T"), 2);
    CHECK_INT (s_get (node, LNT_KIND_LKE_ANSWER, id, got, NULL), 0);
    CHECK (got[0].present && got[0].version == office1.version);
    CHECK_STR (got[0].body, "answer-Y");
    CHECK (got[1].present && got[1].version > office1.version);
    CHECK_STR (got[1].body, "verdict-T");
    s_sec_copy_t province1 = got[1];

    //  Office again: the province section stays
    CHECK_INT (s_write_one (node, LNT_KIND_LKE_ANSWER, id, LNT_SECTION_OFFICE,
                            "answer-T"), 3);
    CHECK_INT (s_get (node, LNT_KIND_LKE_ANSWER, id, got, NULL), 0);
    CHECK_STR (got[0].body, "answer-T");
    CHECK (got[0].version > province1.version);
    CHECK (got[1].present && got[1].version == province1.version);
    CHECK (got[1].node == province1.node);
    CHECK_STR (got[1].body, "verdict-T");

    //  Both sections, several times, in one transaction: each write reads
    //  the record the one before it wrote (in pages this transaction has
    //  already changed)
    const char *id2 = "3503-LKE-2026-A2.1";
    s_section_t sec[5] = {
        {LNT_KIND_LKE_ANSWER, id2, "3503", LNT_SECTION_OFFICE, "o-1", false, 0},
        {LNT_KIND_LKE_ANSWER, id2, "3503", LNT_SECTION_PROVINCE, "p-1", false, 0},
        {LNT_KIND_LKE_ANSWER, id2, "3503", LNT_SECTION_OFFICE, "o-2-longer", false, 0},
        {LNT_KIND_LKE_ANSWER, id2, "3503", LNT_SECTION_PROVINCE, "p-2", false, 0},
        {LNT_KIND_LKE_ANSWER, id2, "3503", LNT_SECTION_OFFICE, "o-3", false, 0}};
    s_write_t w = {node, sec, 5, 0};
    CHECK_INT (lnt_store_write (lnt_node_store (node), s_sections_write, &w), 0);
    CHECK_INT (sec[0].seq, 4);
    CHECK_INT (sec[4].seq, 8);
    CHECK_INT (s_get (node, LNT_KIND_LKE_ANSWER, id2, got, NULL), 0);
    CHECK_STR (got[0].body, "o-3");
    CHECK_STR (got[1].body, "p-2");
    CHECK (got[0].version > got[1].version);
    //  and the first record is as it was
    CHECK_INT (s_get (node, LNT_KIND_LKE_ANSWER, id, got, NULL), 0);
    CHECK_STR (got[0].body, "answer-T");
    CHECK_STR (got[1].body, "verdict-T");

    s_logged_t log[16];
    CHECK_INT (s_read_log (node, log, 16), 8);
    int bad = 0;
    for (int i = 0; i < 5; i++)
        if (log[3 + i].seq != (uint64_t) 4 + i
            || log[3 + i].change.section != sec[i].section
            || strcmp (log[3 + i].body, sec[i].body) != 0
            || log[3 + i].change.state.version <= log[2 + i].change.state.version)
            bad++;
    CHECK_INT (bad, 0);
done:
    lnt_node_destroy (&node);
    s_rmtree (tmp);
    free (tmp);
}

//  Tracking numbers, read from the records: each step asks for the next
//  number of kinds[i] under prefixes[i] and, when write[i], writes the
//  record of that number (as suggestion add does) before the next step
typedef struct {
    lnt_node_t *node;        //  the office
    const uint8_t *kinds;    //  record kinds
    const char **prefixes;   //  "3503-2026-", "3503-RB-2026-"
    const bool *write;       //  whether step i writes its record
    uint64_t *numbers;       //  out: what each step got
    size_t count;            //  how many steps
    int result;              //  returned after
} s_numbers_t;

//  Writes the record of kind whose id is prefix and n padded to width
static int
s_number_write (lnt_node_t *node, lnt_txn_t *txn, uint8_t kind,
                const char *prefix, uint64_t n)
{
    char id[LNT_ID_MAX + 1];
    int width = kind == LNT_KIND_RB_ITEM ? LNT_ID_RB_DIGITS
                                         : LNT_ID_SUGGESTION_DIGITS;
    snprintf (id, sizeof id, "%s%0*llu", prefix, width,
              (unsigned long long) n);
    return lnt_node_write_section (node, txn, kind, id, "3503",
                                   LNT_SECTION_OFFICE, "\xc0", 1, false,
                                   NULL);
}

static int
s_numbers_write (lnt_txn_t *txn, void *arg)
{
    s_numbers_t *n = arg;
    for (size_t i = 0; i < n->count; i++) {
        int width = n->kinds[i] == LNT_KIND_RB_ITEM
                        ? LNT_ID_RB_DIGITS : LNT_ID_SUGGESTION_DIGITS;
        int rc = lnt_node_next_number (n->node, txn, n->kinds[i],
                                       n->prefixes[i], width,
                                       &n->numbers[i]);
        if (!rc && n->write[i])
            rc = s_number_write (n->node, txn, n->kinds[i], n->prefixes[i],
                                 n->numbers[i]);
        if (rc)
            return rc;
    }
    return n->result;
}

//  Writes the records numbered from..to under prefix in one transaction
typedef struct {
    lnt_node_t *node;    //  the office
    uint8_t kind;        //  their kind
    const char *prefix;  //  their prefix
    uint64_t from, to;   //  the numbers
} s_range_t;

static int
s_range_write (lnt_txn_t *txn, void *arg)
{
    s_range_t *r = arg;
    int rc = 0;
    for (uint64_t n = r->from; !rc && n <= r->to; n++)
        rc = s_number_write (r->node, txn, r->kind, r->prefix, n);
    return rc;
}

//  Writes the record of a suggestion whose id is given whole
typedef struct {
    lnt_node_t *node;  //  the office
    const char *id;    //  the id
} s_odd_t;

static int
s_odd_write (lnt_txn_t *txn, void *arg)
{
    s_odd_t *o = arg;
    return lnt_node_write_section (o->node, txn, LNT_KIND_SUGGESTION, o->id,
                                   "3503", LNT_SECTION_OFFICE, "\xc0", 1,
                                   false, NULL);
}

//  Entries in the records
static size_t
s_count_records (lnt_node_t *node)
{
    lnt_txn_t *txn = NULL;
    if (lnt_store_read (lnt_node_store (node), &txn) != 0)
        return 0;
    size_t n = lnt_txn_count (txn, LNT_DB_RECORDS);
    lnt_txn_end (&txn);
    return n;
}

//  One step of a scripted transaction: take the next number under prefix
//  (n 0; the record of the number taken is written when write), or write
//  the record numbered n (n > 0) as another writer would
typedef struct {
    uint8_t kind;        //  record kind
    const char *prefix;  //  ids' prefix
    uint64_t n;          //  0: take; else write this number
    bool write;          //  take: write the record of the number taken
} s_step_t;

typedef struct {
    lnt_node_t *node;        //  the office
    const s_step_t *steps;   //  the script
    size_t count;            //  its length
    uint64_t taken[8];       //  out: the numbers taken, in order
    size_t ntaken;           //  how many
} s_script_t;

static int
s_script_write (lnt_txn_t *txn, void *arg)
{
    s_script_t *sc = arg;
    sc->ntaken = 0;
    for (size_t i = 0; i < sc->count; i++) {
        const s_step_t *st = &sc->steps[i];
        int width = st->kind == LNT_KIND_RB_ITEM ? LNT_ID_RB_DIGITS
                                                 : LNT_ID_SUGGESTION_DIGITS;
        uint64_t n = st->n;
        int rc = 0;
        if (!n) {
            rc = lnt_node_next_number (sc->node, txn, st->kind, st->prefix,
                                       width, &n);
            if (!rc && sc->ntaken < 8)
                sc->taken[sc->ntaken++] = n;
        }
        if (!rc && (st->n || st->write))
            rc = s_number_write (sc->node, txn, st->kind, st->prefix, n);
        if (rc)
            return rc;
    }
    return 0;
}

static void
s_test_next_number (void)
{
    char *tmp = s_tmpdir ();
    lnt_why_t why = {""};
    lnt_node_t *node = s_agent_new (tmp);
    if (!node)
        goto done;
    lnt_store_t *store = lnt_node_store (node);
    const uint8_t kinds[] = {LNT_KIND_SUGGESTION, LNT_KIND_SUGGESTION,
                             LNT_KIND_RB_ITEM, LNT_KIND_SUGGESTION,
                             LNT_KIND_SUGGESTION};
    const char *prefixes[] = {"3503-2026-", "3503-2026-", "3503-RB-2026-",
                              "3503-2026-", "3503-2026-"};
    const bool write[] = {true, true, true, false, true};
    uint64_t numbers[5] = {0};

    //  One at a time, in separate transactions
    s_numbers_t one = {node, kinds, prefixes, write, numbers, 1, 0};
    for (uint64_t expect = 1; expect <= 3; expect++) {
        CHECK_INT (lnt_store_write (store, s_numbers_write, &one), 0);
        CHECK (numbers[0] == expect);
    }
    //  Several in one transaction, two kinds; asking again before the
    //  record is written gives the same number
    s_numbers_t many = {node, kinds, prefixes, write, numbers, 5, 0};
    CHECK_INT (lnt_store_write (store, s_numbers_write, &many), 0);
    CHECK_INT (numbers[0], 4);
    CHECK_INT (numbers[1], 5);
    CHECK_INT (numbers[2], 1);
    CHECK_INT (numbers[3], 6);
    CHECK_INT (numbers[4], 6);
    //  An aborted write takes no number
    many.result = LNT_EINVAL;
    CHECK_INT (lnt_store_write (store, s_numbers_write, &many), LNT_EINVAL);
    s_numbers_t rb = {node, kinds + 2, prefixes + 2, write + 2, numbers, 1,
                      0};
    CHECK_INT (lnt_store_write (store, s_numbers_write, &rb), 0);
    CHECK_INT (numbers[0], 2);
    //  A record written by another way in the same transaction (one that
    //  came back from the hub) moves the number on
    s_range_t back = {node, LNT_KIND_SUGGESTION, "3503-2026-", 7, 9};
    CHECK_INT (lnt_store_write (store, s_range_write, &back), 0);
    CHECK_INT (lnt_store_write (store, s_numbers_write, &one), 0);
    CHECK_INT (numbers[0], 10);
    //  Past the padded digits: 1000000 sorts before 999999, 10000 before
    //  9999; all nines with nothing after is the greatest
    s_range_t wide = {node, LNT_KIND_SUGGESTION, "3503-2027-", 999990,
                      999999};
    const uint8_t k2[] = {LNT_KIND_SUGGESTION, LNT_KIND_RB_ITEM};
    const char *p2[] = {"3503-2027-", "3503-RB-2027-"};
    const bool w2[] = {false, false};
    s_numbers_t two = {node, k2, p2, w2, numbers, 2, 0};
    CHECK_INT (lnt_store_write (store, s_range_write, &wide), 0);
    CHECK_INT (lnt_store_write (store, s_numbers_write, &two), 0);
    CHECK_INT (numbers[0], 1000000);
    CHECK_INT (numbers[1], 1);
    wide.from = 1000000;
    wide.to = 1000012;
    s_range_t rbs = {node, LNT_KIND_RB_ITEM, "3503-RB-2027-", 9998, 10003};
    CHECK_INT (lnt_store_write (store, s_range_write, &wide), 0);
    CHECK_INT (lnt_store_write (store, s_range_write, &rbs), 0);
    CHECK_INT (lnt_store_write (store, s_numbers_write, &two), 0);
    CHECK_INT (numbers[0], 1000013);
    CHECK_INT (numbers[1], 10004);
    //  In one transaction: a number taken and its record written, then
    //  the next record written by another writer; the next take sees it
    const s_step_t same[] = {
        {LNT_KIND_SUGGESTION, "3503-2030-", 0, true},
        {LNT_KIND_SUGGESTION, "3503-2030-", 2, false},
        {LNT_KIND_SUGGESTION, "3503-2030-", 0, true},
        {LNT_KIND_SUGGESTION, "3503-2030-", 0, false}};
    s_script_t sc = {node, same, 4, {0}, 0};
    CHECK_INT (lnt_store_write (store, s_script_write, &sc), 0);
    CHECK_INT (sc.ntaken, 3);
    CHECK_INT (sc.taken[0], 1);
    CHECK_INT (sc.taken[1], 3);
    CHECK_INT (sc.taken[2], 4);
    //  A number asked for in a read transaction, its record then written
    //  in another: the next write transaction does not take it again
    lnt_txn_t *rd = NULL;
    uint64_t asked = 0;
    CHECK_INT (lnt_store_read (store, &rd), 0);
    if (rd)
        CHECK_INT (lnt_node_next_number (node, rd, LNT_KIND_SUGGESTION,
                                         "3503-2030-", LNT_ID_SUGGESTION_DIGITS,
                                         &asked), 0);
    lnt_txn_end (&rd);
    CHECK_INT (asked, 4);
    s_range_t fourth = {node, LNT_KIND_SUGGESTION, "3503-2030-", 4, 4};
    CHECK_INT (lnt_store_write (store, s_range_write, &fourth), 0);
    const s_step_t once[] = {{LNT_KIND_SUGGESTION, "3503-2030-", 0, false}};
    sc = (s_script_t) {node, once, 1, {0}, 0};
    CHECK_INT (lnt_store_write (store, s_script_write, &sc), 0);
    CHECK_INT (sc.taken[0], 5);
    //  Keys under the prefix of another shape (a hub could send them
    //  down) are stepped over: 3 is the greatest well-made number
    const char *odd[] = {"3503-2031-000003.1", "3503-2031-5",
                         "3503-2031-0000009", "3503-2031-00000A"};
    s_range_t three = {node, LNT_KIND_SUGGESTION, "3503-2031-", 1, 3};
    CHECK_INT (lnt_store_write (store, s_range_write, &three), 0);
    for (size_t i = 0; i < 4; i++) {
        s_odd_t o = {node, odd[i]};
        CHECK_INT (lnt_store_write (store, s_odd_write, &o), 0);
    }
    const s_step_t after_odd[] = {{LNT_KIND_SUGGESTION, "3503-2031-", 0,
                                   false}};
    sc = (s_script_t) {node, after_odd, 1, {0}, 0};
    CHECK_INT (lnt_store_write (store, s_script_write, &sc), 0);
    CHECK_INT (sc.taken[0], 4);
    //  A gap past the padding: 9999, then 10001-10003; three takes in one
    //  transaction fill 10000 and go on past 10003, writing over nothing
    s_range_t nines = {node, LNT_KIND_RB_ITEM, "3503-RB-2032-", 9999, 9999};
    s_range_t above = {node, LNT_KIND_RB_ITEM, "3503-RB-2032-", 10001,
                       10003};
    CHECK_INT (lnt_store_write (store, s_range_write, &nines), 0);
    CHECK_INT (lnt_store_write (store, s_range_write, &above), 0);
    const s_step_t gap[] = {{LNT_KIND_RB_ITEM, "3503-RB-2032-", 0, true},
                            {LNT_KIND_RB_ITEM, "3503-RB-2032-", 0, true},
                            {LNT_KIND_RB_ITEM, "3503-RB-2032-", 0, true}};
    sc = (s_script_t) {node, gap, 3, {0}, 0};
    size_t records_before = s_count_records (node);
    CHECK_INT (lnt_store_write (store, s_script_write, &sc), 0);
    CHECK_INT (sc.taken[0], 10000);
    CHECK_INT (sc.taken[1], 10004);
    CHECK_INT (sc.taken[2], 10005);
    CHECK_INT (s_count_records (node), records_before + 3);
    //  and they last across a reopen
    lnt_node_destroy (&node);
    CHECK_INT (lnt_node_open (tmp, 0, &node, &why), 0);
    if (!node)
        goto done;
    one.node = node;
    CHECK_INT (lnt_store_write (lnt_node_store (node), s_numbers_write, &one),
               0);
    CHECK_INT (numbers[0], 11);
done:
    lnt_node_destroy (&node);
    s_rmtree (tmp);
    free (tmp);
}

//  Many writes in one transaction (as an import makes): the node keeps the
//  log head, clock and node id between them, and must notice when
//  something else changed meta or the log in between; records come in
//  and out of key order (appended, or put in their place).
typedef struct {
    lnt_node_t *node;   //  the node
    int step;           //  which part of the test
    uint64_t seq[8];    //  out: sequence numbers of the writes
} s_one_txn_t;

static int
s_one_txn_write (lnt_txn_t *txn, void *arg)
{
    s_one_txn_t *t = arg;
    lnt_node_t *node = t->node;
    int rc = 0, n = 0;
#define W(id, section, body)                                                  \
    if (!rc)                                                                  \
    rc = lnt_node_write_section (node, txn, LNT_KIND_SUGGESTION, id, "3503", \
                                 section, body, strlen (body), false,         \
                                 &t->seq[n++])
    if (t->step == 0) {
        W ("3503-2026-000005", LNT_SECTION_OFFICE, "five");
        W ("3503-2026-000009", LNT_SECTION_OFFICE, "nine");
        W ("3503-2026-000007", LNT_SECTION_OFFICE, "seven");
        W ("3503-2026-000005", LNT_SECTION_PROVINCE, "five-p");
        //  Replication saw a version far ahead; then a new incarnation
        if (!rc)
            rc = lnt_txn_put_u64 (txn, LNT_DB_META, "clock",
                                  (uint64_t) (T0_MS + 10 * DAY_MS) << 16);
        W ("3503-2026-000011", LNT_SECTION_OFFICE, "eleven");
        if (!rc)
            rc = lnt_txn_put_u64 (txn, LNT_DB_META, "node", 77);
        W ("3503-2026-000013", LNT_SECTION_OFFICE, "thirteen");
        //  The last log entry taken away again: its number is free
        unsigned char key[8];
        lnt_store_key_u64 (t->seq[n - 1], key);
        if (!rc)
            rc = lnt_txn_del (txn, LNT_DB_LOG, key, 8);
        W ("3503-2026-000015", LNT_SECTION_OFFICE, "fifteen");
    }
    else if (t->step == 1) {
        //  Written, then the transaction aborts: none of it counts
        W ("3503-2026-000021", LNT_SECTION_OFFICE, "lost");
        W ("3503-2026-000023", LNT_SECTION_OFFICE, "lost");
        if (!rc)
            rc = LNT_EINVAL;
    }
    else
        W ("3503-2026-000001", LNT_SECTION_OFFICE, "one");
#undef W
    return rc;
}

static void
s_test_one_txn (void)
{
    char *tmp = s_tmpdir ();
    lnt_node_t *node = s_agent_new (tmp);
    if (!node)
        goto done;
    uint64_t id = lnt_node_id (node);
    s_wall_t wall = {T0_MS};
    lnt_node_set_clock_source (node, s_wall_read, &wall);
    s_one_txn_t t = {node, 0, {0}};
    CHECK_INT (lnt_store_write (lnt_node_store (node), s_one_txn_write, &t), 0);
    for (int i = 0; i < 6; i++)
        CHECK_INT (t.seq[i], i + 1);
    CHECK_INT (t.seq[6], 6);
    t.step = 1;
    CHECK_INT (lnt_store_write (lnt_node_store (node), s_one_txn_write, &t),
               LNT_EINVAL);
    t.step = 2;
    CHECK_INT (lnt_store_write (lnt_node_store (node), s_one_txn_write, &t), 0);
    CHECK_INT (t.seq[0], 7);

    s_logged_t log[10];
    CHECK_INT (s_read_log (node, log, 10), 7);
    static const char *bodies[] = {"five", "nine", "seven", "five-p",
                                   "eleven", "fifteen", "one"};
    for (int i = 0; i < 7; i++) {
        CHECK_INT (log[i].seq, i + 1);
        CHECK_STR (log[i].body, bodies[i]);
        if (i > 0)
            CHECK (log[i].change.state.version
                   > log[i - 1].change.state.version);
        CHECK_INT (log[i].change.state.node, i < 5 ? id : 77);
    }
    CHECK (log[4].change.state.version
           > (uint64_t) (T0_MS + 10 * DAY_MS) << 16);
    s_sec_copy_t sec[2];
    CHECK_INT (s_get (node, LNT_KIND_SUGGESTION, "3503-2026-000005", sec, NULL),
               0);
    CHECK_STR (sec[0].body, "five");
    CHECK_STR (sec[1].body, "five-p");
    static const char *ids[] = {"3503-2026-000001", "3503-2026-000007",
                                "3503-2026-000009", "3503-2026-000011",
                                "3503-2026-000013", "3503-2026-000015"};
    static const char *stored[] = {"one", "seven", "nine", "eleven",
                                   "thirteen", "fifteen"};
    for (int i = 0; i < 6; i++) {
        CHECK_INT (s_get (node, LNT_KIND_SUGGESTION, ids[i], sec, NULL), 0);
        CHECK_STR (sec[0].body, stored[i]);
        CHECK (!sec[1].present);
    }
    CHECK_INT (s_get (node, LNT_KIND_SUGGESTION, "3503-2026-000021", sec, NULL),
               LNT_ENOTFOUND);
done:
    lnt_node_destroy (&node);
    s_rmtree (tmp);
    free (tmp);
}

int
main (int argc, char *argv[])
{
    if (argc < 2) {
        fprintf (stderr, "usage: test_node DATA-FOLDER\n");
        return 64;
    }
    s_ref_dir = argv[1];
    s_test_init ();
    s_test_open ();
    s_test_write_section ();
    s_test_write_fails ();
    s_test_sections ();
    s_test_next_number ();
    s_test_one_txn ();
    return LNT_TEST_DONE ();
}
