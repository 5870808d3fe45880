/*  test_msg.c - unit test for proto/lnt_msg: round trips of every message
    type through lnt_msg_encode and lnt_msg_decode (BATCH, DOWN and
    RESTORE through lnt_msg_batch_begin, appended change encodings and
    lnt_msg_change), the exact bytes PROTOCOL.md gives for each, and then
    malformed frames, which the decoder must refuse with LNT_EINVAL and a
    reason, without crashing or leaking: an empty frame, no array, wrong
    and unknown versions and types, every missing field, each field with
    each wrong msgpack type, strings past their bound or holding a NUL,
    integers one past their range, BATCH counts that do not match
    last - first + 1 or pass LNT_BATCH_MAX, sequence 0, last before
    first, every truncation, trailing bytes, window 0, incarnation 0, a
    query with 9 arguments, and headers that claim more elements than the
    frame has bytes. Extra fields at the end (from a newer peer) decode,
    and so do frames without the optional trailing fields a later layout
    added (HELLO's clock and down_version, WELCOME's version, down_from
    and restore, DOWN's last_version), which then read as 0; something
    else in their place is refused. An empty RESTORE (count 0, which ends
    a restore) round-trips. Query arguments may hold more than [name, value]. After a
    refusal, msg->code is LNT_REFUSE_VERSION for a version mismatch and 0
    otherwise. The examples of PROTOCOL.md §16 are checked byte for byte.

    The frames are written by a tiny msgpack writer here (tests do not
    include msgpack.h), driven by one table of fields per message, so the
    test also checks the wire layout independently of the encoder.

    With LNT_MSG_SEEDS=DIR set, every valid frame of the round trips is
    also written to DIR as a seed corpus for tests/fuzz_msg.

    Usage: test_msg [data-folder] (the folder is not used).               */
#include "lnt_buf.h"
#include "lnt_codec.h"
#include "lnt_error.h"
#include "lnt_msg.h"
#include "lnt_record.h"
#include "lnt_test.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  ---- a minimal msgpack writer --------------------------------------------

static void
w_raw (lnt_buf_t *b, const void *p, size_t len)
{
    if (len && lnt_buf_append (b, p, len)) {
        fprintf (stderr, "out of memory\n");
        exit (1);
    }
}

static void
w_byte (lnt_buf_t *b, unsigned c)
{
    unsigned char x = (unsigned char) c;
    w_raw (b, &x, 1);
}

static void
w_be (lnt_buf_t *b, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--)
        w_byte (b, (unsigned) (v >> (8 * i)) & 0xff);
}

static void
w_head (lnt_buf_t *b, unsigned fix, unsigned b16, uint32_t n)
{
    if (n < 16)
        w_byte (b, fix | n);
    else if (n < 65536) {
        w_byte (b, b16);
        w_be (b, n, 2);
    }
    else {
        w_byte (b, b16 + 1);
        w_be (b, n, 4);
    }
}

static void w_array (lnt_buf_t *b, uint32_t n) { w_head (b, 0x90, 0xdc, n); }
static void w_nil (lnt_buf_t *b) { w_byte (b, 0xc0); }

//  The smallest encoding, as msgpack-c and PROTOCOL.md's encoders write it
static void
w_uint (lnt_buf_t *b, uint64_t u)
{
    if (u < 128)
        w_byte (b, (unsigned) u);
    else if (u <= 0xff) {
        w_byte (b, 0xcc);
        w_be (b, u, 1);
    }
    else if (u <= 0xffff) {
        w_byte (b, 0xcd);
        w_be (b, u, 2);
    }
    else if (u <= 0xffffffffu) {
        w_byte (b, 0xce);
        w_be (b, u, 4);
    }
    else {
        w_byte (b, 0xcf);
        w_be (b, u, 8);
    }
}

static void
w_str (lnt_buf_t *b, const char *s, size_t len)
{
    if (len < 32)
        w_byte (b, 0xa0 | (unsigned) len);
    else if (len < 256) {
        w_byte (b, 0xd9);
        w_be (b, len, 1);
    }
    else if (len < 65536) {
        w_byte (b, 0xda);
        w_be (b, len, 2);
    }
    else {
        w_byte (b, 0xdb);
        w_be (b, len, 4);
    }
    w_raw (b, s, len);
}

static void w_cstr (lnt_buf_t *b, const char *s) { w_str (b, s, strlen (s)); }

//  A string of len copies of c
static char *
s_fill (char c, size_t len)
{
    char *s = malloc (len + 1);
    if (!s)
        exit (1);
    memset (s, c, len);
    s[len] = 0;
    return s;
}

//  The msgpack types, to write one of each where another is expected
enum {
    M_NIL, M_BOOL, M_UINT, M_NEG, M_FLOAT, M_STR, M_BIN, M_ARRAY, M_MAP,
    M_EXT, M_COUNT
};
static const char *s_mtype_names[] = {"nil", "bool", "uint", "negative int",
                                      "float", "str", "bin", "array", "map",
                                      "ext"};

static void
w_of_type (lnt_buf_t *b, int mtype)
{
    switch (mtype) {
        case M_NIL: w_nil (b); break;
        case M_BOOL: w_byte (b, 0xc3); break;
        case M_UINT: w_uint (b, 1); break;
        case M_NEG: w_byte (b, 0xff); break; /* -1                        */
        case M_FLOAT:
            w_byte (b, 0xcb);
            w_be (b, UINT64_C (0x3ff0000000000000), 8); /* 1.0           */
            break;
        case M_STR: w_cstr (b, "1"); break;
        case M_BIN: w_byte (b, 0xc4); w_byte (b, 1); w_byte (b, 1); break;
        case M_ARRAY: w_array (b, 0); break;
        case M_MAP: w_byte (b, 0x80); break;
        case M_EXT: w_byte (b, 0xd4); w_byte (b, 1); w_byte (b, 1); break;
    }
}

//  ---- messages as tables of fields ----------------------------------------

//  One field after [version, type]: an unsigned integer, a string (with
//  its length, so it may hold a NUL), or bytes already encoded
typedef struct {
    int mtype;       //  M_UINT, M_STR, or M_ARRAY for raw bytes
    uint64_t u;      //  M_UINT: the value
    const char *s;   //  M_STR, M_ARRAY: the bytes
    size_t len;      //  their length
} f_t;

#define FU(x) ((f_t){M_UINT, (uint64_t) (x), NULL, 0})
#define FS(x) ((f_t){M_STR, 0, (x), strlen (x)})
#define FSL(x, n) ((f_t){M_STR, 0, (x), (n)})
#define FRAW(p, n) ((f_t){M_ARRAY, 0, (const char *) (p), (n)})

#define FIELDS_MAX 8

typedef struct {
    const char *name;     //  for failure messages
    uint64_t version;     //  LNT_PROTO_VERSION, unless testing others
    uint64_t type;        //  lnt_msg_type_t
    f_t f[FIELDS_MAX];    //  the fields in order
    int n;                //  how many
    int req;              //  how many are required (the rest were added
                          //  later at the end and are optional); 0: all
} m_t;

//  Fields a decoder needs: the others may be left out (an older peer)
static int
s_req (const m_t *m)
{
    return m->req ? m->req : m->n;
}

static void
w_field (lnt_buf_t *b, const f_t *f)
{
    if (f->mtype == M_UINT)
        w_uint (b, f->u);
    else if (f->mtype == M_STR)
        w_str (b, f->s, f->len);
    else
        w_raw (b, f->s, f->len);
}

//  Writes m with its first n fields (n may be less than m->n) and extra
//  fields after them (each a different msgpack type)
static void
w_msg (lnt_buf_t *b, const m_t *m, int n, int extra)
{
    lnt_buf_reset (b);
    w_array (b, (uint32_t) (2 + n + extra));
    w_uint (b, m->version);
    w_uint (b, m->type);
    for (int i = 0; i < n; i++)
        w_field (b, &m->f[i]);
    for (int i = 0; i < extra; i++)
        w_of_type (b, i % M_COUNT);
}

//  ---- checks -----------------------------------------------------------------

static int s_bad_count; //  malformed frames tried

//  After a refusal, msg->code says LNT_REFUSE_VERSION for a version
//  mismatch and 0 for anything else (also for a REFUSE or ANSWER whose
//  code field decoded before another field failed)
static void
s_refusal_code (const lnt_msg_t *m, const lnt_why_t *why, const char *what)
{
    int want = strstr (why->text, "protocol version") ? LNT_REFUSE_VERSION
                                                      : 0;
    if (m->code != want) {
        fprintf (stderr, "%s: refused with code %u, expected %d\n", what,
                 m->code, want);
        CHECK_INT (m->code, want);
    }
    else
        lnt_test_passed_++;
}

//  The frame must be refused with LNT_EINVAL and a reason
static void
s_refused (const void *data, size_t len, const char *what)
{
    lnt_msg_t m;
    lnt_why_t why = {""};
    int rc = lnt_msg_decode (data, len, &m, &why);
    s_bad_count++;
    if (rc != LNT_EINVAL || !why.text[0]) {
        fprintf (stderr, "not refused: %s (rc %d)\n", what, rc);
        CHECK (rc == LNT_EINVAL);
        CHECK (why.text[0] != 0);
    }
    else {
        lnt_test_passed_++;
        s_refusal_code (&m, &why, what);
    }
    lnt_msg_release (&m);
    lnt_msg_release (&m); //  safe twice
}

//  The frame must be refused, and the reason must hold word
static void
s_refused_saying (const lnt_buf_t *b, const char *word, const char *what)
{
    lnt_msg_t m;
    lnt_why_t why = {""};
    int rc = lnt_msg_decode (b->data, b->len, &m, &why);
    s_bad_count++;
    CHECK_INT (rc, LNT_EINVAL);
    if (!strstr (why.text, word)) {
        fprintf (stderr, "%s: reason \"%s\" does not say \"%s\"\n", what,
                 why.text, word);
        CHECK (false);
    }
    if (rc)
        s_refusal_code (&m, &why, what);
    lnt_msg_release (&m);
}

static bool
s_decodes (const lnt_buf_t *b, lnt_msg_t *m, const char *what)
{
    lnt_why_t why = {""};
    int rc = lnt_msg_decode (b->data, b->len, m, &why);
    if (rc) {
        fprintf (stderr, "%s: refused: %s\n", what, why.text);
        CHECK_INT (rc, 0);
        return false;
    }
    lnt_test_passed_++;
    return true;
}

static void
s_accepted (const lnt_buf_t *b, const char *what)
{
    lnt_msg_t m;
    s_decodes (b, &m, what);
    lnt_msg_release (&m);
}

//  The same bytes
static void
s_same_bytes (const lnt_buf_t *a, const lnt_buf_t *b, const char *what)
{
    if (a->len == b->len && memcmp (a->data, b->data, a->len) == 0)
        lnt_test_passed_++;
    else {
        fprintf (stderr, "%s: encoder and PROTOCOL.md layout differ (%zu and "
                 "%zu bytes)\n", what, a->len, b->len);
        CHECK (false);
    }
}

//  Every malformation that applies to a message of any type: each
//  required field missing, extra fields (accepted), optional fields left
//  out (accepted) or of another type (refused), wrong version, each field
//  with each wrong msgpack type, every truncation, trailing bytes
static void
s_malform (const m_t *m)
{
    lnt_buf_t b = {0};
    char what[160];
    // the table itself is valid, also with extra fields at the end
    w_msg (&b, m, m->n, 0);
    snprintf (what, sizeof what, "%s as in the table", m->name);
    s_accepted (&b, what);
    for (int extra = 1; extra <= M_COUNT; extra += 3) {
        w_msg (&b, m, m->n, extra);
        snprintf (what, sizeof what, "%s with %d extra fields", m->name,
                  extra);
        s_accepted (&b, what);
    }
    // every field missing: a required one is refused, the optional ones
    // (an older peer's layout) decode; something else in the place of an
    // optional field is refused
    for (int n = m->n - 1; n >= 0; n--) {
        w_msg (&b, m, n, 0);
        snprintf (what, sizeof what, "%s with %d of %d fields", m->name, n,
                  m->n);
        if (n < s_req (m))
            s_refused_saying (&b, "fields", what);
        else {
            s_accepted (&b, what);
            w_msg (&b, m, n, 1); //  a nil where field n + 2 goes
            snprintf (what, sizeof what, "%s with %d of %d fields and a nil",
                      m->name, n, m->n);
            s_refused_saying (&b, "field", what);
        }
    }
    // wrong versions: refused, and the message says it was the version
    uint64_t versions[] = {0, LNT_PROTO_VERSION + 1, 255, UINT64_MAX};
    for (size_t v = 0; v < sizeof versions / sizeof versions[0]; v++) {
        m_t other = *m;
        other.version = versions[v];
        w_msg (&b, &other, other.n, 0);
        snprintf (what, sizeof what, "%s in version %llu", m->name,
                  (unsigned long long) versions[v]);
        s_refused_saying (&b, "protocol version", what);
        lnt_msg_t vm;
        CHECK_INT (lnt_msg_decode (b.data, b.len, &vm, NULL), LNT_EINVAL);
        CHECK_INT (vm.code, LNT_REFUSE_VERSION);
        lnt_msg_release (&vm);
    }
    // version and type of the wrong msgpack type
    for (int t = 0; t < M_COUNT; t++) {
        if (t == M_UINT)
            continue;
        for (int which = 0; which < 2; which++) {
            lnt_buf_reset (&b);
            w_array (&b, (uint32_t) (2 + m->n));
            if (which)
                w_uint (&b, m->version);
            w_of_type (&b, t);
            if (!which)
                w_uint (&b, m->type);
            for (int i = 0; i < m->n; i++)
                w_field (&b, &m->f[i]);
            snprintf (what, sizeof what, "%s with a %s %s", m->name,
                      s_mtype_names[t], which ? "type" : "version");
            s_refused (b.data, b.len, what);
        }
    }
    // each field with each wrong msgpack type
    for (int i = 0; i < m->n; i++)
        for (int t = 0; t < M_COUNT; t++) {
            if (t == m->f[i].mtype)
                continue;
            m_t other = *m;
            lnt_buf_t one = {0};
            w_of_type (&one, t);
            other.f[i] = FRAW (one.data, one.len);
            w_msg (&b, &other, other.n, 0);
            snprintf (what, sizeof what, "%s field %d as %s", m->name, i + 2,
                      s_mtype_names[t]);
            s_refused_saying (&b, "field", what);
            lnt_buf_free (&one);
        }
    // every truncation, and trailing bytes
    w_msg (&b, m, m->n, 0);
    for (size_t len = 0; len < b.len; len++) {
        snprintf (what, sizeof what, "%s cut to %zu of %zu bytes", m->name,
                  len, b.len);
        s_refused (len ? b.data : NULL, len, what);
        // a copy of exactly len bytes, so ASan sees any read past it
        char *cut = malloc (len + 1);
        memcpy (cut, b.data, len);
        s_refused (cut, len, what);
        free (cut);
    }
    for (int t = 0; t < M_COUNT; t++) {
        w_msg (&b, m, m->n, 0);
        w_of_type (&b, t);
        snprintf (what, sizeof what, "%s and a trailing %s", m->name,
                  s_mtype_names[t]);
        s_refused_saying (&b, "stray bytes", what);
    }
    lnt_buf_free (&b);
}

//  ---- changes for batches -----------------------------------------------------

static const char s_body[] = "\x93\x01\x02\x03"; //  any bytes: [1, 2, 3]

//  Change i of a test batch: office sections, every third a tombstone,
//  every fifth a province section
static void
s_change (uint32_t i, lnt_change_t *c)
{
    memset (c, 0, sizeof *c);
    c->kind = (uint8_t) (LNT_KIND_SUGGESTION + i % 3);
    snprintf (c->id, sizeof c->id, "3503-2026-%06u", i + 1);
    snprintf (c->office, sizeof c->office, "3503");
    c->section = i % 5 == 4 ? LNT_SECTION_PROVINCE : LNT_SECTION_OFFICE;
    c->state.present = true;
    c->state.version = (UINT64_C (1767225600000) + i) << 16 | i;
    c->state.node = UINT64_C (0x0123456789abcdef) + i;
    c->state.deleted = i % 3 == 2;
    c->state.body = c->state.deleted ? NULL : s_body;
    c->state.body_len = c->state.deleted ? 0 : sizeof s_body - 1;
}

//  The changes array of a test batch of count changes, into b
static void
w_changes (lnt_buf_t *b, uint32_t count)
{
    lnt_buf_reset (b);
    w_array (b, count);
    for (uint32_t i = 0; i < count; i++) {
        lnt_change_t c;
        s_change (i, &c);
        CHECK_INT (lnt_codec_change_encode (&c, b), 0);
    }
}

static void
s_check_changes (const lnt_msg_t *m, uint32_t count, const char *what)
{
    CHECK_INT (m->count, count);
    for (uint32_t i = 0; i < count && i < m->count; i++) {
        lnt_change_t want, got;
        lnt_why_t why = {""};
        s_change (i, &want);
        if (lnt_msg_change (m, i, &got, &why)) {
            fprintf (stderr, "%s: change %u: %s\n", what, i, why.text);
            CHECK (false);
            continue;
        }
        CHECK_INT (got.kind, want.kind);
        CHECK_STR (got.id, want.id);
        CHECK_STR (got.office, want.office);
        CHECK_INT (got.section, want.section);
        CHECK (got.state.present);
        CHECK (got.state.version == want.state.version);
        CHECK (got.state.node == want.state.node);
        CHECK_INT (got.state.deleted, want.state.deleted);
        CHECK_INT (got.state.body_len, want.state.body_len);
        CHECK (!got.state.body_len
               || memcmp (got.state.body, s_body, got.state.body_len) == 0);
    }
    lnt_change_t c;
    lnt_why_t why = {""};
    CHECK_INT (lnt_msg_change (m, m->count, &c, &why), LNT_EINVAL);
    CHECK (why.text[0] != 0);
}

//  ---- round trips ----------------------------------------------------------------

//  Writes a valid frame to $LNT_MSG_SEEDS, when set
static void
s_seed (const lnt_buf_t *b, const char *name)
{
    static int n;
    const char *dir = getenv ("LNT_MSG_SEEDS");
    if (!dir || !*dir)
        return;
    char path[1024];
    snprintf (path, sizeof path, "%s/%s-%03d", dir, name, n++);
    for (char *p = path + strlen (dir) + 1; *p; p++)
        if (*p == ' ')
            *p = '-';
    FILE *f = fopen (path, "wb");
    if (f) {
        fwrite (b->data, 1, b->len, f);
        fclose (f);
    }
}

//  The frame of the last round trip: a decoded message borrows from it
static lnt_buf_t s_enc;

//  Encodes in, checks the bytes against the table t, decodes into out
//  (which borrows from s_enc until the next round trip).
static bool
s_trip (const lnt_msg_t *in, const m_t *t, lnt_msg_t *out)
{
    lnt_buf_t want = {0};
    lnt_buf_reset (&s_enc);
    CHECK_INT (lnt_msg_encode (in, &s_enc), 0);
    w_msg (&want, t, t->n, 0);
    s_same_bytes (&s_enc, &want, t->name);
    s_seed (&s_enc, t->name);
    bool ok = s_decodes (&s_enc, out, t->name);
    if (ok)
        CHECK_INT (out->type, in->type);
    lnt_buf_free (&want);
    return ok;
}

static void
s_test_hello (void)
{
    //  incarnation, log_head, acked, hub_incarnation, down_applied, clock,
    //  down_version
    uint64_t values[][7] = {{1, 0, 0, 0, 0, 0, 0},
                            {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX,
                             UINT64_MAX, UINT64_MAX, UINT64_MAX},
                            {0x8000000000000001u, 42, 40, 0x77, 7,
                             UINT64_C (1767225600000) << 16 | 3,
                             UINT64_C (1767225500000) << 16}};
    const char *offices[] = {"3503", "35", "1234567"};
    for (int k = 0; k < 3; k++) {
        lnt_msg_t in = {.type = LNT_MSG_HELLO, .incarnation = values[k][0],
                        .log_head = values[k][1], .acked = values[k][2],
                        .hub_incarnation = values[k][3],
                        .down_applied = values[k][4], .clock = values[k][5],
                        .down_version = values[k][6]};
        snprintf (in.office, sizeof in.office, "%s", offices[k]);
        m_t t = {"HELLO", 1, 1,
                 {FS (offices[k]), FU (values[k][0]), FU (values[k][1]),
                  FU (values[k][2]), FU (values[k][3]), FU (values[k][4]),
                  FU (values[k][5]), FU (values[k][6])},
                 8, 6};
        lnt_msg_t out;
        if (s_trip (&in, &t, &out)) {
            CHECK_STR (out.office, in.office);
            CHECK (out.incarnation == in.incarnation);
            CHECK (out.log_head == in.log_head);
            CHECK (out.acked == in.acked);
            CHECK (out.hub_incarnation == in.hub_incarnation);
            CHECK (out.down_applied == in.down_applied);
            CHECK (out.clock == in.clock);
            CHECK (out.down_version == in.down_version);
            CHECK_INT (out.code, 0);
        }
        lnt_msg_release (&out);
    }
    m_t t = {"HELLO", 1, 1, {FS ("3503"), FU (9), FU (3), FU (2), FU (5),
                             FU (4), FU (UINT64_C (1) << 40), FU (77)}, 8, 6};
    s_malform (&t);
    lnt_buf_t b = {0};
    // an older agent's HELLO: without down_version, or without both; the
    // fields it leaves out are 0 (whatever the message held before)
    for (int n = 6; n <= 8; n++) {
        w_msg (&b, &t, n, 0);
        lnt_msg_t m;
        memset (&m, 0xa5, sizeof m);
        m.impl = NULL;
        if (s_decodes (&b, &m, "HELLO of an older layout")) {
            CHECK_STR (m.office, "3503");
            CHECK_INT (m.down_applied, 4);
            CHECK (m.clock == (n >= 7 ? UINT64_C (1) << 40 : 0));
            CHECK (m.down_version == (n >= 8 ? 77 : 0));
            CHECK (m.version == 0 && m.last_version == 0);
        }
        lnt_msg_release (&m);
    }
    // a newer agent's HELLO: more fields after down_version are ignored
    w_msg (&b, &t, 8, 3);
    lnt_msg_t m;
    if (s_decodes (&b, &m, "HELLO of a newer layout")) {
        CHECK (m.clock == UINT64_C (1) << 40);
        CHECK_INT (m.down_version, 77);
    }
    lnt_msg_release (&m);
    // the optional fields are uints like the others
    m_t o = t;
    o.f[6] = FU (UINT64_MAX);
    o.f[7] = FRAW ("\xc3", 1); //  true
    w_msg (&b, &o, 8, 0);
    s_refused_saying (&b, "field 9", "HELLO with a bool down_version");
    o.f[6] = FRAW ("\xd0\xff", 2); //  -1
    w_msg (&b, &o, 7, 0);
    s_refused_saying (&b, "field 8", "HELLO with a clock of -1");
    // incarnation 0
    t.f[1] = FU (0);
    w_msg (&b, &t, t.n, 0);
    s_refused_saying (&b, "incarnation", "HELLO with incarnation 0");
    t.f[1] = FU (9);
    // the office: empty, 8 bytes, a NUL
    const f_t bad[] = {FS (""), FS ("35030000"), FSL ("35\0003", 4),
                       FSL ("3503\0", 5)};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t.f[0] = bad[i];
        w_msg (&b, &t, t.n, 0);
        s_refused_saying (&b, "field 2", "HELLO with a bad office");
    }
    lnt_buf_free (&b);
}

static void
s_test_acks (void)
{
    uint8_t types[] = {LNT_MSG_DOWN_ACK, LNT_MSG_ACK};
    const char *names[] = {"DOWN_ACK", "ACK"};
    uint64_t seqs[] = {0, 1, 127, 128, 65536, UINT64_MAX};
    for (int k = 0; k < 2; k++) {
        for (size_t s = 0; s < sizeof seqs / sizeof seqs[0]; s++) {
            lnt_msg_t in = {.type = types[k], .seq = seqs[s]};
            m_t t = {names[k], 1, types[k], {FU (seqs[s])}, 1, 0};
            lnt_msg_t out;
            if (s_trip (&in, &t, &out))
                CHECK (out.seq == seqs[s]);
            lnt_msg_release (&out);
        }
        m_t t = {names[k], 1, types[k], {FU (77)}, 1, 0};
        s_malform (&t);
    }
}

static void
s_test_query (void)
{
    // no arguments, and the most (8), with an empty value
    for (int n = 0; n <= LNT_QUERY_ARGS_MAX; n += LNT_QUERY_ARGS_MAX) {
        lnt_msg_t in = {.type = LNT_MSG_QUERY, .format = 2,
                        .arg_count = (uint8_t) n};
        snprintf (in.text, sizeof in.text, "dead-letters");
        lnt_buf_t args = {0};
        w_array (&args, (uint32_t) n);
        for (int i = 0; i < n; i++) {
            snprintf (in.args[i].key, sizeof in.args[i].key, "key%d", i);
            snprintf (in.args[i].value, sizeof in.args[i].value, "%s",
                      i == 3 ? "" : "3503");
            w_array (&args, 2);
            w_cstr (&args, in.args[i].key);
            w_cstr (&args, in.args[i].value);
        }
        m_t t = {"QUERY", 1, LNT_MSG_QUERY,
                 {FS ("dead-letters"), FU (2), FRAW (args.data, args.len)}, 3,
                 0};
        lnt_msg_t out;
        if (s_trip (&in, &t, &out)) {
            CHECK_STR (out.text, "dead-letters");
            CHECK_INT (out.format, 2);
            CHECK_INT (out.arg_count, n);
            for (int i = 0; i < n && i < out.arg_count; i++) {
                CHECK_STR (out.args[i].key, in.args[i].key);
                CHECK_STR (out.args[i].value, in.args[i].value);
            }
        }
        lnt_msg_release (&out);
        if (n)
            s_malform (&t);
        lnt_buf_free (&args);
    }
    // the encoder refuses more arguments than the struct holds
    lnt_msg_t nine = {.type = LNT_MSG_QUERY, .arg_count = 9};
    lnt_buf_t b = {0};
    CHECK_INT (lnt_msg_encode (&nine, &b), LNT_EINVAL);
    CHECK_INT (b.len, 0);

    // bounds: name 1-31 bytes, key 1-31, value 0-127, format 0-2, 0-8 args
    char *n31 = s_fill ('q', 31), *n32 = s_fill ('q', 32);
    char *v127 = s_fill ('v', 127), *v128 = s_fill ('v', 128);
    struct {
        const char *name; //  query name
        size_t name_len;  //  its length
        uint64_t format;  //  format
        const char *key;  //  one argument's key
        size_t key_len;   //  its length
        const char *value; //  its value
        size_t value_len; //  its length
        int args;         //  how many copies of the argument
        bool ok;          //  accepted
        const char *what; //  what it tests
    } cases[] = {
        {n31, 31, 0, n31, 31, v127, 127, 1, true, "longest strings"},
        {"offices", 7, 1, "office", 6, "", 0, 8, true, "8 arguments"},
        {n32, 32, 0, "office", 6, "3503", 4, 1, false, "name of 32"},
        {"", 0, 0, "office", 6, "3503", 4, 1, false, "empty name"},
        {"off\0ices", 8, 0, "office", 6, "3503", 4, 1, false, "NUL in name"},
        {"offices", 7, 3, "office", 6, "3503", 4, 1, false, "format 3"},
        {"offices", 7, 0, n32, 32, "3503", 4, 1, false, "key of 32"},
        {"offices", 7, 0, "", 0, "3503", 4, 1, false, "empty key"},
        {"offices", 7, 0, "off\0ce", 6, "3503", 4, 1, false, "NUL in key"},
        {"offices", 7, 0, "office", 6, v128, 128, 1, false, "value of 128"},
        {"offices", 7, 0, "office", 6, "35\0003", 4, 1, false, "NUL in value"},
        {"offices", 7, 0, "office", 6, "3503", 4, 9, false, "9 arguments"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        lnt_buf_t args = {0};
        w_array (&args, (uint32_t) cases[c].args);
        for (int i = 0; i < cases[c].args; i++) {
            w_array (&args, 2);
            w_str (&args, cases[c].key, cases[c].key_len);
            w_str (&args, cases[c].value, cases[c].value_len);
        }
        m_t t = {"QUERY", 1, LNT_MSG_QUERY,
                 {FSL (cases[c].name, cases[c].name_len), FU (cases[c].format),
                  FRAW (args.data, args.len)}, 3, 0};
        w_msg (&b, &t, t.n, 0);
        if (cases[c].ok)
            s_accepted (&b, cases[c].what);
        else
            s_refused (b.data, b.len, cases[c].what);
        lnt_buf_free (&args);
    }
    // an argument that is not [name, value]
    const char *shapes[] = {"\x91\xa1k", "\x90", "\xa1k", "\xc0",
                            "\x92\x01\xa1v", "\x92\xa1k\x01",
                            "\x93\x01\xa1v\xa1w", "\x93\xa1k\xc0\xa1w"};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        lnt_buf_t args = {0};
        w_array (&args, 1);
        w_raw (&args, shapes[s], strlen (shapes[s]));
        m_t t = {"QUERY", 1, LNT_MSG_QUERY,
                 {FS ("offices"), FU (0), FRAW (args.data, args.len)}, 3, 0};
        w_msg (&b, &t, t.n, 0);
        s_refused (b.data, b.len, "an argument of the wrong shape");
        lnt_buf_free (&args);
    }
    // [name, value] and more elements of any type, which a later version
    // may add: accepted, name and value taken, the rest ignored
    const struct {
        const char *bytes; //  the argument
        size_t len;        //  its length
    } longer[] = {
#define ARG(x) {x, sizeof x - 1}
        ARG ("\x93\xa1k\xa1v\xa1w"),
        ARG ("\x93\xa1k\xa1v\xc0"),
        ARG ("\x94\xa1k\xa1v\x92\x01\x02\x81\x01\x02"),
        ARG ("\x9f\xa1k\xa1v\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a"
             "\x0b\x0c"),
        ARG ("\x93\xa1k\xa1v\xcb\x3f\xf0\x00\x00\x00\x00\x00\x00"),
        ARG ("\x93\xa1k\xa0\xc4\x00"), //  an empty value
#undef ARG
    };
    for (size_t s = 0; s < sizeof longer / sizeof longer[0]; s++) {
        lnt_buf_t args = {0};
        w_array (&args, 2);
        w_raw (&args, longer[s].bytes, longer[s].len);
        w_array (&args, 2);
        w_cstr (&args, "office");
        w_cstr (&args, "3503");
        m_t t = {"QUERY", 1, LNT_MSG_QUERY,
                 {FS ("offices"), FU (1), FRAW (args.data, args.len)}, 3, 0};
        w_msg (&b, &t, t.n, 0);
        lnt_msg_t m;
        if (s_decodes (&b, &m, "an argument with more elements")) {
            CHECK_INT (m.arg_count, 2);
            CHECK_STR (m.args[0].key, "k");
            CHECK_STR (m.args[0].value, s == 5 ? "" : "v");
            CHECK_STR (m.args[1].key, "office");
            CHECK_STR (m.args[1].value, "3503");
        }
        lnt_msg_release (&m);
        lnt_buf_free (&args);
    }
    // the bounds hold for name and value in a longer argument too
    const char *long_bad[] = {"\x93\xa0\xa1v\x01", "\x93\xa1k\x01\x01"};
    for (size_t s = 0; s < sizeof long_bad / sizeof long_bad[0]; s++) {
        lnt_buf_t args = {0};
        w_array (&args, 1);
        w_raw (&args, long_bad[s], strlen (long_bad[s]));
        m_t t = {"QUERY", 1, LNT_MSG_QUERY,
                 {FS ("offices"), FU (0), FRAW (args.data, args.len)}, 3, 0};
        w_msg (&b, &t, t.n, 0);
        s_refused (b.data, b.len, "a longer argument, bad name or value");
        lnt_buf_free (&args);
    }
    free (n31);
    free (n32);
    free (v127);
    free (v128);
    lnt_buf_free (&b);
}

static void
s_test_welcome (void)
{
    struct {
        uint8_t verdict;     //  LNT_WELCOME_*
        uint64_t seq;        //  acked
        uint64_t incarnation; //  the hub's
        uint32_t window;     //  batches in flight
        uint64_t version;    //  of the office's change at acked
        uint64_t down_from;  //  the first hub sequence the DOWNs send
        uint64_t restore;    //  1: RESTOREs follow, ended by an empty one
    } cases[] = {{LNT_WELCOME_OK, 0, 1, 1, 0, 0, 0},
                 {LNT_WELCOME_OK, 0, 1, 1, 0, 1, 1},
                 {LNT_WELCOME_OK, 12345, UINT64_MAX, 4,
                  UINT64_C (1767225600000) << 16 | 7, 128, 0},
                 {LNT_WELCOME_OK, 12345, UINT64_MAX, 4,
                  UINT64_C (1767225600000) << 16 | 7, 128, 1},
                 {LNT_WELCOME_OK, 7, 9, 64, 3, UINT64_C (1) << 32, 1},
                 {LNT_WELCOME_REINCARNATE, UINT64_MAX, 0, 1024, UINT64_MAX,
                  UINT64_MAX, 0},
                 {LNT_WELCOME_REINCARNATE, UINT64_MAX, 0, 1024, UINT64_MAX,
                  UINT64_MAX, 1}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        lnt_msg_t in = {.type = LNT_MSG_WELCOME, .verdict = cases[c].verdict,
                        .seq = cases[c].seq,
                        .incarnation = cases[c].incarnation,
                        .window = cases[c].window,
                        .version = cases[c].version,
                        .down_from = cases[c].down_from,
                        .restore = cases[c].restore};
        m_t t = {"WELCOME", 1, LNT_MSG_WELCOME,
                 {FU (cases[c].verdict), FU (cases[c].seq),
                  FU (cases[c].incarnation), FU (cases[c].window),
                  FU (cases[c].version), FU (cases[c].down_from),
                  FU (cases[c].restore)}, 7, 4};
        lnt_msg_t out;
        if (s_trip (&in, &t, &out)) {
            CHECK_INT (out.verdict, cases[c].verdict);
            CHECK (out.seq == cases[c].seq);
            CHECK (out.incarnation == cases[c].incarnation);
            CHECK_INT (out.window, cases[c].window);
            CHECK (out.version == cases[c].version);
            CHECK (out.down_from == cases[c].down_from);
            CHECK (out.restore == cases[c].restore);
        }
        lnt_msg_release (&out);
    }
    m_t t = {"WELCOME", 1, LNT_MSG_WELCOME,
             {FU (0), FU (5), FU (6), FU (4), FU (99), FU (41), FU (1)}, 7, 4};
    s_malform (&t);
    lnt_buf_t b = {0};
    // older hubs' WELCOMEs, without version, down_from and restore, or
    // without down_from and restore, or without restore: each absent one
    // reads as 0, which the agent takes as "not said" (for restore: no
    // restore follows); a newer hub's, with more fields: they are ignored
    struct {
        int n, extra;
        uint64_t version, down_from, restore;
    } layouts[] = {{4, 0, 0, 0, 0}, {5, 0, 99, 0, 0}, {6, 0, 99, 41, 0},
                   {7, 0, 99, 41, 1}, {7, 2, 99, 41, 1}};
    for (size_t l = 0; l < sizeof layouts / sizeof layouts[0]; l++) {
        w_msg (&b, &t, layouts[l].n, layouts[l].extra);
        lnt_msg_t m;
        if (s_decodes (&b, &m, "WELCOME of another layout")) {
            CHECK_INT (m.seq, 5);
            CHECK_INT (m.window, 4);
            CHECK (m.version == layouts[l].version);
            CHECK (m.down_from == layouts[l].down_from);
            CHECK (m.restore == layouts[l].restore);
        }
        lnt_msg_release (&m);
    }
    t.f[0] = FU (2);
    w_msg (&b, &t, t.n, 0);
    s_refused (b.data, b.len, "WELCOME verdict 2");
    t.f[0] = FU (0);
    t.f[3] = FU (0);
    w_msg (&b, &t, t.n, 0);
    s_refused_saying (&b, "window", "WELCOME window 0");
    t.f[3] = FU (1025);
    w_msg (&b, &t, t.n, 0);
    s_refused (b.data, b.len, "WELCOME window 1025");
    t.f[3] = FU (4);
    t.f[4] = FS ("1");
    w_msg (&b, &t, t.n, 0);
    s_refused_saying (&b, "field 6", "WELCOME with a str version");
    t.f[4] = FU (99);
    t.f[5] = FS ("41");
    w_msg (&b, &t, t.n, 0);
    s_refused_saying (&b, "field 7", "WELCOME with a str down_from");
    // a nil down_from is not "absent": refused too
    lnt_buf_t nil = {0}, yes = {0};
    w_nil (&nil);
    t.f[5] = FRAW (nil.data, nil.len);
    w_msg (&b, &t, t.n, 0);
    s_refused_saying (&b, "field 7", "WELCOME with a nil down_from");
    // restore is an unsigned integer: a str, a nil or a bool is refused
    t.f[5] = FU (41);
    t.f[6] = FS ("1");
    w_msg (&b, &t, t.n, 0);
    s_refused_saying (&b, "field 8", "WELCOME with a str restore");
    t.f[6] = FRAW (nil.data, nil.len);
    w_msg (&b, &t, t.n, 0);
    s_refused_saying (&b, "field 8", "WELCOME with a nil restore");
    w_byte (&yes, 0xc3);
    t.f[6] = FRAW (yes.data, yes.len);
    w_msg (&b, &t, t.n, 0);
    s_refused_saying (&b, "field 8", "WELCOME with a bool restore");
    lnt_buf_free (&yes);
    lnt_buf_free (&nil);
    lnt_buf_free (&b);
}

static void
s_test_refuse (void)
{
    char *t255 = s_fill ('r', 255), *t256 = s_fill ('r', 256);
    uint16_t codes[] = {LNT_REFUSE_VERSION, LNT_REFUSE_MALFORMED,
                        LNT_REFUSE_OFFICE, LNT_REFUSE_GAP,
                        LNT_REFUSE_NO_HELLO, LNT_REFUSE_UNAVAILABLE,
                        0, 999, 65535}; //  unknown codes still decode
    for (size_t c = 0; c < sizeof codes / sizeof codes[0]; c++) {
        const char *text = c == 0 ? "" : c == 1 ? t255 : "batch does not "
                                                          "follow on";
        lnt_msg_t in = {.type = LNT_MSG_REFUSE, .code = codes[c],
                        .seq = c * 1000};
        snprintf (in.text, sizeof in.text, "%s", text);
        m_t t = {"REFUSE", 1, LNT_MSG_REFUSE,
                 {FU (codes[c]), FU (c * 1000), FS (text)}, 3, 0};
        lnt_msg_t out;
        if (s_trip (&in, &t, &out)) {
            CHECK_INT (out.code, codes[c]);
            CHECK (out.seq == c * 1000);
            CHECK_STR (out.text, text);
        }
        lnt_msg_release (&out);
    }
    m_t t = {"REFUSE", 1, LNT_MSG_REFUSE, {FU (4), FU (43), FS ("gap")}, 3, 0};
    s_malform (&t);
    lnt_buf_t b = {0};
    t.f[0] = FU (65536);
    w_msg (&b, &t, t.n, 0);
    s_refused (b.data, b.len, "REFUSE code 65536");
    t.f[0] = FU (4);
    t.f[2] = FS (t256);
    w_msg (&b, &t, t.n, 0);
    s_refused (b.data, b.len, "REFUSE text of 256");
    t.f[2] = FSL ("a\0b", 3);
    w_msg (&b, &t, t.n, 0);
    s_refused (b.data, b.len, "REFUSE text with a NUL");
    free (t255);
    free (t256);
    lnt_buf_free (&b);
}

static void
s_test_answer (void)
{
    // empty, short, and one of 70000 bytes (str 32), NULs allowed inside
    size_t lens[] = {0, 5, 70000};
    for (size_t c = 0; c < sizeof lens / sizeof lens[0]; c++) {
        char *body = s_fill ('a', lens[c]);
        if (lens[c] > 2)
            body[2] = 0;
        lnt_msg_t in = {.type = LNT_MSG_ANSWER, .code = (uint16_t) (c * 32),
                        .body = lens[c] ? body : NULL, .body_len = lens[c]};
        m_t t = {"ANSWER", 1, LNT_MSG_ANSWER,
                 {FU (c * 32), FSL (body, lens[c])}, 2, 0};
        lnt_msg_t out;
        if (s_trip (&in, &t, &out)) {
            CHECK_INT (out.code, c * 32);
            CHECK_INT (out.body_len, lens[c]);
            CHECK (out.body != NULL);
            CHECK (memcmp (out.body, body, lens[c]) == 0);
        }
        lnt_msg_release (&out);
        free (body);
    }
    m_t t = {"ANSWER", 1, LNT_MSG_ANSWER, {FU (64), FS ("unknown query\n")},
             2, 0};
    s_malform (&t);
    lnt_buf_t b = {0};
    t.f[0] = FU (256);
    w_msg (&b, &t, t.n, 0);
    s_refused (b.data, b.len, "ANSWER code 256");
    lnt_buf_free (&b);
}

//  A BATCH, DOWN or RESTORE header from lnt_msg_batch_begin, count
//  changes after it and lnt_msg_batch_end (which ends a DOWN with
//  last_version and writes nothing for the others), checked against the
//  table and decoded
static void
s_batch_trip (uint8_t type, const char *name, uint64_t seq, uint64_t last,
              uint32_t count, uint64_t last_version)
{
    lnt_buf_t enc = {0}, changes = {0}, want = {0};
    CHECK_INT (lnt_msg_batch_begin (&enc, type, seq, last, count), 0);
    for (uint32_t i = 0; i < count; i++) {
        lnt_change_t c;
        s_change (i, &c);
        CHECK_INT (lnt_codec_change_encode (&c, &enc), 0);
    }
    size_t before_end = enc.len;
    CHECK_INT (lnt_msg_batch_end (&enc, type, last_version), 0);
    if (type != LNT_MSG_DOWN)
        CHECK_INT (enc.len, before_end);
    w_changes (&changes, count);
    bool down = type == LNT_MSG_DOWN;
    m_t t = {name, 1, type,
             {FU (seq), FU (last), FU (count),
              FRAW (changes.data, changes.len), FU (last_version)},
             down ? 5 : 4, 4};
    w_msg (&want, &t, t.n, 0);
    s_same_bytes (&enc, &want, name);
    s_seed (&enc, name);
    lnt_msg_t out;
    if (s_decodes (&enc, &out, name)) {
        CHECK_INT (out.type, type);
        CHECK (out.seq == seq);
        CHECK (out.last == last);
        CHECK (out.last_version == (down ? last_version : 0));
        s_check_changes (&out, count, name);
    }
    lnt_msg_release (&out);
    lnt_buf_free (&enc);
    lnt_buf_free (&changes);
    lnt_buf_free (&want);
}

//  A batch-like frame with these header values and an array of n changes
//  (and a DOWN's last_version)
static void
w_batch (lnt_buf_t *b, uint64_t type, uint64_t seq, uint64_t last,
         uint64_t count, uint32_t n)
{
    lnt_buf_t changes = {0};
    w_changes (&changes, n);
    m_t t = {"batch", 1, type,
             {FU (seq), FU (last), FU (count),
              FRAW (changes.data, changes.len), FU (last * 1000)},
             type == LNT_MSG_DOWN ? 5 : 4, 4};
    w_msg (b, &t, t.n, 0);
    lnt_buf_free (&changes);
}

static void
s_test_batches (void)
{
    uint64_t v = UINT64_C (1767225600000) << 16 | 9; //  a version
    s_batch_trip (LNT_MSG_BATCH, "BATCH", 1, 1, 1, v);
    s_batch_trip (LNT_MSG_BATCH, "BATCH of 7", 41, 47, 7, 0);
    s_batch_trip (LNT_MSG_BATCH, "BATCH of the most", 1000, 1999,
                  LNT_BATCH_MAX, v);
    s_batch_trip (LNT_MSG_BATCH, "BATCH at the top", UINT64_MAX - 1,
                  UINT64_MAX, 2, UINT64_MAX);
    s_batch_trip (LNT_MSG_DOWN, "DOWN", 1, 1, 1, v);
    s_batch_trip (LNT_MSG_DOWN, "DOWN that skips", 100, 1099, 3, v + 1);
    s_batch_trip (LNT_MSG_DOWN, "DOWN of nothing", 5, 9, 0, 1);
    s_batch_trip (LNT_MSG_DOWN, "DOWN of version 0", 5, 9, 2, 0);
    s_batch_trip (LNT_MSG_DOWN, "DOWN of the top version", 7, 1006,
                  LNT_BATCH_MAX, UINT64_MAX);
    s_batch_trip (LNT_MSG_RESTORE, "RESTORE", 0, 0, 4, v);
    s_batch_trip (LNT_MSG_RESTORE, "RESTORE of the most", 0, 0,
                  LNT_BATCH_MAX, 0);
    // the empty RESTORE the hub sends after the last chunk: it ends a
    // restore (the agent clears its restoring mark on it)
    s_batch_trip (LNT_MSG_RESTORE, "empty RESTORE", 0, 0, 0, 0);
    {
        lnt_buf_t end = {0};
        CHECK_INT (lnt_msg_batch_begin (&end, LNT_MSG_RESTORE, 0, 0, 0), 0);
        CHECK_INT (lnt_msg_batch_end (&end, LNT_MSG_RESTORE, 0), 0);
        lnt_buf_t want = {0};
        w_raw (&want, "\x96\x01\x15\x00\x00\x00\x90", 7);
        s_same_bytes (&end, &want, "empty RESTORE bytes");
        lnt_msg_t out;
        if (s_decodes (&end, &out, "empty RESTORE")) {
            CHECK_INT (out.type, LNT_MSG_RESTORE);
            CHECK_INT (out.count, 0);
            lnt_change_t c;
            lnt_why_t why = {""};
            CHECK_INT (lnt_msg_change (&out, 0, &c, &why), LNT_EINVAL);
        }
        lnt_msg_release (&out);
        lnt_buf_free (&want);
        lnt_buf_free (&end);
    }

    // the usual malformations, on each of the three; a DOWN's last_version
    // is optional (a DOWN from an older hub has none)
    lnt_buf_t changes = {0};
    w_changes (&changes, 3);
    m_t tables[] = {
        {"BATCH", 1, LNT_MSG_BATCH,
         {FU (8), FU (10), FU (3), FRAW (changes.data, changes.len)}, 4, 0},
        {"DOWN", 1, LNT_MSG_DOWN,
         {FU (8), FU (20), FU (3), FRAW (changes.data, changes.len), FU (v)},
         5, 4},
        {"RESTORE", 1, LNT_MSG_RESTORE,
         {FU (0), FU (0), FU (3), FRAW (changes.data, changes.len)}, 4, 0}};
    for (size_t i = 0; i < 3; i++)
        s_malform (&tables[i]);

    // a DOWN with and without last_version; BATCH and RESTORE do not read
    // a field there
    lnt_buf_t b = {0};
    for (size_t i = 0; i < 3; i++)
        for (int n = 4; n <= 5; n++) {
            m_t t = tables[i];
            t.f[4] = FU (v);
            w_msg (&b, &t, n, 0);
            lnt_msg_t m;
            char what[80];
            snprintf (what, sizeof what, "%s of %d fields", t.name, n);
            if (s_decodes (&b, &m, what)) {
                bool has = t.type == LNT_MSG_DOWN && n == 5;
                CHECK (m.last_version == (has ? v : 0));
                CHECK_INT (m.count, 3);
            }
            lnt_msg_release (&m);
        }
    lnt_buf_free (&changes);
    // a DOWN begun but not ended: its array is one element short
    lnt_buf_reset (&b);
    CHECK_INT (lnt_msg_batch_begin (&b, LNT_MSG_DOWN, 1, 1, 0), 0);
    s_refused (b.data, b.len, "DOWN without lnt_msg_batch_end");

    // the header rules
    struct {
        uint64_t type;    //  BATCH, DOWN or RESTORE
        uint64_t seq;     //  first
        uint64_t last;    //  last
        uint64_t count;   //  count field
        uint32_t n;       //  changes in the array
        bool ok;          //  accepted
        const char *what; //  what it tests
    } cases[] = {
        {LNT_MSG_BATCH, 5, 7, 2, 2, false, "BATCH count 2 for 5..7"},
        {LNT_MSG_BATCH, 5, 7, 4, 4, false, "BATCH count 4 for 5..7"},
        {LNT_MSG_BATCH, 5, 7, 3, 2, false, "BATCH of 2 changes, count 3"},
        {LNT_MSG_BATCH, 5, 7, 3, 4, false, "BATCH of 4 changes, count 3"},
        {LNT_MSG_BATCH, 0, 2, 3, 3, false, "BATCH from sequence 0"},
        {LNT_MSG_BATCH, 0, 0, 1, 1, false, "BATCH of sequence 0"},
        {LNT_MSG_BATCH, 7, 5, 3, 3, false, "BATCH last before first"},
        {LNT_MSG_BATCH, 7, 6, 0, 0, false, "BATCH of 0 changes"},
        {LNT_MSG_BATCH, 1, 1001, 1001, 1001, false, "BATCH of 1001"},
        {LNT_MSG_BATCH, 1, 1001, 1001, 0, false, "BATCH count 1001, none"},
        {LNT_MSG_BATCH, 1, 1000, 1000, 1000, true, "BATCH of 1000"},
        {LNT_MSG_DOWN, 1, 1000, 1, 1, true, "DOWN over 1000 sequences"},
        {LNT_MSG_DOWN, 1, 1001, 1, 1, false, "DOWN over 1001 sequences"},
        {LNT_MSG_DOWN, 0, 3, 1, 1, false, "DOWN from sequence 0"},
        {LNT_MSG_DOWN, 4, 3, 1, 1, false, "DOWN last before first"},
        {LNT_MSG_DOWN, 4, 5, 3, 3, false, "DOWN of more than it covers"},
        {LNT_MSG_DOWN, 4, 5, 1, 2, false, "DOWN array longer than count"},
        {LNT_MSG_DOWN, 1, 1001, 1001, 1001, false, "DOWN of 1001"},
        {LNT_MSG_RESTORE, 0, 0, 1001, 1001, false, "RESTORE of 1001"},
        {LNT_MSG_RESTORE, 0, 0, 2, 1, false, "RESTORE array shorter"},
        {LNT_MSG_RESTORE, 9, 3, 1, 1, true, "RESTORE ignores seq and last"},
        {LNT_MSG_RESTORE, 0, 0, 0, 0, true, "RESTORE of nothing"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        w_batch (&b, cases[c].type, cases[c].seq, cases[c].last,
                 cases[c].count, cases[c].n);
        if (cases[c].ok)
            s_accepted (&b, cases[c].what);
        else
            s_refused (b.data, b.len, cases[c].what);
    }
    // a count that is not even a uint32
    w_batch (&b, LNT_MSG_BATCH, 1, 1, UINT64_C (1) << 32 | 1, 1);
    s_refused (b.data, b.len, "BATCH count 2^32 + 1");

    // the envelope decodes, a bad change inside is refused on its own
    lnt_buf_t arr = {0};
    w_array (&arr, 3);
    lnt_change_t c;
    s_change (0, &c);
    CHECK_INT (lnt_codec_change_encode (&c, &arr), 0);
    w_nil (&arr);
    w_array (&arr, 8); //  a change whose kind is 9
    w_uint (&arr, 9);
    w_cstr (&arr, "3503-2026-000001");
    w_cstr (&arr, "3503");
    w_uint (&arr, 0);
    w_uint (&arr, 1);
    w_uint (&arr, 1);
    w_byte (&arr, 0xc2);
    w_byte (&arr, 0xc4);
    w_byte (&arr, 1);
    w_byte (&arr, 0x90);
    m_t t = {"BATCH", 1, LNT_MSG_BATCH,
             {FU (1), FU (3), FU (3), FRAW (arr.data, arr.len)}, 4, 0};
    w_msg (&b, &t, t.n, 0);
    lnt_msg_t m;
    if (s_decodes (&b, &m, "BATCH with bad changes")) {
        lnt_why_t why = {""};
        CHECK_INT (lnt_msg_change (&m, 0, &c, &why), 0);
        CHECK_STR (c.id, "3503-2026-000001");
        why.text[0] = 0;
        CHECK_INT (lnt_msg_change (&m, 1, &c, &why), LNT_EINVAL);
        CHECK (why.text[0] != 0);
        why.text[0] = 0;
        CHECK_INT (lnt_msg_change (&m, 2, &c, &why), LNT_EINVAL);
        CHECK (strstr (why.text, "kind") != NULL);
    }
    lnt_msg_release (&m);
    lnt_buf_free (&arr);

    // changes of messages that have none
    lnt_msg_t ack = {.type = LNT_MSG_ACK, .seq = 1};
    lnt_buf_reset (&b);
    CHECK_INT (lnt_msg_encode (&ack, &b), 0);
    if (s_decodes (&b, &m, "ACK")) {
        lnt_why_t why = {""};
        CHECK_INT (lnt_msg_change (&m, 0, &c, &why), LNT_EINVAL);
    }
    lnt_msg_release (&m);
    lnt_buf_free (&b);
}

//  Bytes from hex pairs separated by spaces, as PROTOCOL.md writes them
static void
w_hex (lnt_buf_t *b, const char *hex)
{
    lnt_buf_reset (b);
    for (const char *p = hex; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned x = 0;
        if (sscanf (p, "%2x", &x) != 1) {
            fprintf (stderr, "bad hex in the test: %s\n", p);
            exit (1);
        }
        w_byte (b, x);
        p += 2;
    }
}

//  The encoder gives exactly the bytes of PROTOCOL.md's examples (§16)
static void
s_example (const lnt_buf_t *enc, const char *hex, const char *what)
{
    lnt_buf_t want = {0};
    w_hex (&want, hex);
    s_same_bytes (enc, &want, what);
    lnt_buf_free (&want);
}

static void
s_test_examples (void)
{
    lnt_buf_t b = {0}, hex = {0};
    uint64_t v1 = UINT64_C (1767225600000) << 16 | 1;
    uint64_t hub = UINT64_C (0x00fedcba98765432);
    uint64_t agent = UINT64_C (0x0123456789abcdef);
    lnt_msg_t m = {.type = LNT_MSG_HELLO, .incarnation = agent,
                   .log_head = 42, .acked = 40, .clock = v1};
    snprintf (m.office, sizeof m.office, "3503");
    CHECK_INT (lnt_msg_encode (&m, &b), 0);
    s_example (&b, "9a 01 01 a4 33 35 30 33 cf 01 23 45 67 89 ab cd ef 2a 28 "
                   "00 00 cf 01 9b 76 da a8 00 00 01 00", "HELLO example");
    // the same HELLO in the layout before clock and down_version
    w_hex (&hex, "98 01 01 a4 33 35 30 33 cf 01 23 45 67 89 ab cd ef 2a 28 "
                 "00 00");
    lnt_msg_t out;
    if (s_decodes (&hex, &out, "HELLO example, older layout")) {
        CHECK (out.incarnation == agent);
        CHECK_INT (out.log_head, 42);
        CHECK_INT (out.acked, 40);
        CHECK_INT (out.clock, 0);
        CHECK_INT (out.down_version, 0);
    }
    lnt_msg_release (&out);

    m = (lnt_msg_t){.type = LNT_MSG_WELCOME, .verdict = LNT_WELCOME_OK,
                    .seq = 40, .incarnation = hub, .window = 4,
                    .version = UINT64_C (1767225540000) << 16,
                    .down_from = 1};
    lnt_buf_reset (&b);
    CHECK_INT (lnt_msg_encode (&m, &b), 0);
    s_example (&b, "99 01 10 00 28 cf 00 fe dc ba 98 76 54 32 04 "
                   "cf 01 9b 76 d9 bd a0 00 00 01 00", "WELCOME example");
    if (s_decodes (&b, &out, "WELCOME example")) {
        CHECK (out.incarnation == hub);
        CHECK (out.version == m.version);
        CHECK_INT (out.down_from, 1);
        CHECK_INT (out.restore, 0);
    }
    lnt_msg_release (&out);
    // the WELCOME of a new incarnation, whose records follow: restore 1
    m = (lnt_msg_t){.type = LNT_MSG_WELCOME, .verdict = LNT_WELCOME_OK,
                    .seq = 0, .incarnation = hub, .window = 4,
                    .version = 0, .down_from = 1, .restore = 1};
    lnt_buf_reset (&b);
    CHECK_INT (lnt_msg_encode (&m, &b), 0);
    s_example (&b, "99 01 10 00 00 cf 00 fe dc ba 98 76 54 32 04 00 01 01",
               "WELCOME example with a restore");
    if (s_decodes (&b, &out, "WELCOME example with a restore")) {
        CHECK_INT (out.seq, 0);
        CHECK_INT (out.down_from, 1);
        CHECK_INT (out.restore, 1);
    }
    lnt_msg_release (&out);
    // the first WELCOME in the layouts before restore, before down_from,
    // and before version
    w_hex (&hex, "98 01 10 00 28 cf 00 fe dc ba 98 76 54 32 04 "
                 "cf 01 9b 76 d9 bd a0 00 00 01");
    if (s_decodes (&hex, &out, "WELCOME example, layout before restore")) {
        CHECK_INT (out.seq, 40);
        CHECK_INT (out.down_from, 1);
        CHECK_INT (out.restore, 0);
    }
    lnt_msg_release (&out);
    w_hex (&hex, "97 01 10 00 28 cf 00 fe dc ba 98 76 54 32 04 "
                 "cf 01 9b 76 d9 bd a0 00 00");
    if (s_decodes (&hex, &out, "WELCOME example, layout before down_from")) {
        CHECK_INT (out.seq, 40);
        CHECK (out.version == UINT64_C (1767225540000) << 16);
        CHECK_INT (out.down_from, 0);
        CHECK_INT (out.restore, 0);
    }
    lnt_msg_release (&out);
    w_hex (&hex, "96 01 10 00 28 cf 00 fe dc ba 98 76 54 32 04");
    if (s_decodes (&hex, &out, "WELCOME example, layout before version")) {
        CHECK_INT (out.seq, 40);
        CHECK_INT (out.version, 0);
        CHECK_INT (out.down_from, 0);
        CHECK_INT (out.restore, 0);
    }
    lnt_msg_release (&out);

    lnt_change_t c = {LNT_KIND_LKE_ANSWER, "3503-LKE-2026-A1.3", "3503",
                      LNT_SECTION_OFFICE, {true, v1, agent, true, NULL, 0}};
    lnt_buf_reset (&b);
    CHECK_INT (lnt_msg_batch_begin (&b, LNT_MSG_BATCH, 41, 41, 1), 0);
    CHECK_INT (lnt_codec_change_encode (&c, &b), 0);
    CHECK_INT (lnt_msg_batch_end (&b, LNT_MSG_BATCH, 0), 0);
    s_example (&b, "96 01 02 29 29 01 91 98 03 b2 33 35 30 33 2d 4c 4b 45 2d "
                   "32 30 32 36 2d 41 31 2e 33 a4 33 35 30 33 00 cf 01 9b 76 "
                   "da a8 00 00 01 cf 01 23 45 67 89 ab cd ef c3 c4 00",
               "BATCH example");

    c.section = LNT_SECTION_PROVINCE;
    c.state.version = v1 + 1;
    c.state.node = hub;
    lnt_buf_reset (&b);
    CHECK_INT (lnt_msg_batch_begin (&b, LNT_MSG_DOWN, 5, 7, 1), 0);
    CHECK_INT (lnt_codec_change_encode (&c, &b), 0);
    CHECK_INT (lnt_msg_batch_end (&b, LNT_MSG_DOWN, v1 + 2), 0);
    s_example (&b, "97 01 13 05 07 01 91 98 03 b2 33 35 30 33 2d 4c 4b 45 2d "
                   "32 30 32 36 2d 41 31 2e 33 a4 33 35 30 33 01 cf 01 9b 76 "
                   "da a8 00 00 02 cf 00 fe dc ba 98 76 54 32 c3 c4 00 "
                   "cf 01 9b 76 da a8 00 00 03", "DOWN example");
    if (s_decodes (&b, &out, "DOWN example")) {
        CHECK_INT (out.seq, 5);
        CHECK_INT (out.last, 7);
        CHECK (out.last_version == v1 + 2);
    }
    lnt_msg_release (&out);

    m = (lnt_msg_t){.type = LNT_MSG_ACK, .seq = 42};
    lnt_buf_reset (&b);
    CHECK_INT (lnt_msg_encode (&m, &b), 0);
    s_example (&b, "93 01 11 2a", "ACK example");
    lnt_buf_reset (&b);
    CHECK_INT (lnt_msg_batch_begin (&b, LNT_MSG_RESTORE, 0, 0, 0), 0);
    CHECK_INT (lnt_msg_batch_end (&b, LNT_MSG_RESTORE, 0), 0);
    s_example (&b, "96 01 15 00 00 00 90", "empty RESTORE example");
    m = (lnt_msg_t){.type = LNT_MSG_REFUSE, .code = LNT_REFUSE_GAP, .seq = 41,
                    .text = "gap"};
    lnt_buf_reset (&b);
    CHECK_INT (lnt_msg_encode (&m, &b), 0);
    s_example (&b, "95 01 12 04 29 a3 67 61 70", "REFUSE example");
    m = (lnt_msg_t){.type = LNT_MSG_QUERY, .text = "offices", .format = 2,
                    .arg_count = 1, .args = {{"office", "3503"}}};
    lnt_buf_reset (&b);
    CHECK_INT (lnt_msg_encode (&m, &b), 0);
    s_example (&b, "95 01 04 a7 6f 66 66 69 63 65 73 02 91 92 a6 6f 66 66 69 "
                   "63 65 a4 33 35 30 33", "QUERY example");
    lnt_buf_free (&b);
    lnt_buf_free (&hex);
}

//  Frames that are not messages at all
static void
s_test_not_messages (void)
{
    struct {
        const char *bytes; //  the frame
        size_t len;        //  its length
        const char *what;  //  what it tests
    } cases[] = {
        {"", 0, "empty frame"},
        {"\x01", 1, "an integer"},
        {"\xa5hello", 6, "a string"},
        {"\x82\x01\x01\x02\x11", 5, "a map"},
        {"\x90", 1, "an empty array"},
        {"\x91\x01", 2, "[version]"},
        {"\x92\x01\x00", 3, "type 0"},
        {"\x92\x01\x05", 3, "type 5"},
        {"\x92\x01\x0f", 3, "type 15"},
        {"\x92\x01\x16", 3, "type 22"},
        {"\x92\x01\xcd\x01\x01", 5, "type 257 (1 mod 256)"},
        {"\x92\x01\xcf\x00\x00\x00\x01\x00\x00\x00\x11", 11, "type 2^32+17"},
        {"\x92\xff\x01", 3, "version -1"},
        {"\x92\x01\xff", 3, "type -1"},
        {"\xc1", 1, "the never-used byte"},
        // headers that claim more than the frame holds
        {"\xdd\xff\xff\xff\xff", 5, "array of 2^32-1, no elements"},
        {"\xdd\x0f\xff\xff\xff\x01\x01", 7, "array of 2^28, two elements"},
        {"\xdf\xff\xff\xff\xff", 5, "map of 2^32-1 pairs"},
        {"\x92\x01\xdd\x0f\xff\xff\xff", 7, "nested array of 2^28"},
        {"\x93\x01\x11\xdb\xff\xff\xff\xff", 8, "str of 4 GB"},
        {"\x93\x01\x11\xc6\xff\xff\xff\xff", 8, "bin of 4 GB"},
        {"\x93\x01\x11\xc9\xff\xff\xff\xff\x01", 9, "ext of 4 GB"},
        {"\x96\x01\x02\x01\x01\x01\xdd\x7f\xff\xff\xff", 11,
         "BATCH whose changes claim 2^31"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char *copy = malloc (cases[c].len + 1);
        memcpy (copy, cases[c].bytes, cases[c].len);
        s_refused (copy, cases[c].len, cases[c].what);
        free (copy);
    }
    // deep nesting: msgpack-c's stack is 32 levels deep
    lnt_buf_t b = {0};
    w_array (&b, 3);
    w_uint (&b, 1);
    w_uint (&b, LNT_MSG_ACK);
    for (int i = 0; i < 100; i++)
        w_array (&b, 1);
    w_nil (&b);
    s_refused (b.data, b.len, "100 nested arrays");
    // a non-negative integer in a signed or wider encoding is the same
    lnt_buf_reset (&b);
    w_raw (&b, "\x93\xd0\x01\xd3\x00\x00\x00\x00\x00\x00\x00\x11"
               "\xcf\x00\x00\x00\x00\x00\x00\x00\x07", 21);
    lnt_msg_t m;
    if (s_decodes (&b, &m, "ACK in wide encodings")) {
        CHECK_INT (m.type, LNT_MSG_ACK);
        CHECK_INT (m.seq, 7);
    }
    lnt_msg_release (&m);
    // the encoder refuses what it cannot encode alone
    uint8_t no[] = {LNT_MSG_BATCH, LNT_MSG_DOWN, LNT_MSG_RESTORE, 0, 5, 22};
    for (size_t i = 0; i < sizeof no; i++) {
        lnt_msg_t in = {.type = no[i]};
        lnt_buf_reset (&b);
        CHECK_INT (lnt_msg_encode (&in, &b), LNT_EINVAL);
        CHECK_INT (b.len, 0);
    }
    // a malformed frame leaves the message empty and releasable; a frame
    // of another protocol version says so in code, for the answer
    CHECK_INT (lnt_msg_decode ("\x92\x02\x01", 3, &m, NULL), LNT_EINVAL);
    CHECK_INT (m.type, 0);
    CHECK_INT (m.count, 0);
    CHECK_INT (m.code, LNT_REFUSE_VERSION);
    lnt_msg_release (&m);
    CHECK_INT (lnt_msg_decode ("\x92\x01\x05", 3, &m, NULL), LNT_EINVAL);
    CHECK_INT (m.code, 0);
    lnt_msg_release (&m);
    // a REFUSE of code 1 (VERSION) that fails after its code decoded is
    // malformed, not a version mismatch
    lnt_buf_reset (&b);
    w_raw (&b, "\x95\x01\x12\x01\x00\xc0", 6);
    CHECK_INT (lnt_msg_decode (b.data, b.len, &m, NULL), LNT_EINVAL);
    CHECK_INT (m.code, 0);
    lnt_msg_release (&m);
    lnt_buf_reset (&b);
    w_raw (&b, "\x94\x01\x14\x01\xc0", 5); //  an ANSWER of status 1
    CHECK_INT (lnt_msg_decode (b.data, b.len, &m, NULL), LNT_EINVAL);
    CHECK_INT (m.code, 0);
    lnt_msg_release (&m);
    lnt_buf_free (&b);
}

int
main (void)
{
    s_test_hello ();
    s_test_acks ();
    s_test_query ();
    s_test_welcome ();
    s_test_refuse ();
    s_test_answer ();
    s_test_batches ();
    s_test_examples ();
    s_test_not_messages ();
    lnt_buf_free (&s_enc);
    printf ("%d malformed frames refused or checked\n", s_bad_count);
    return LNT_TEST_DONE ();
}
