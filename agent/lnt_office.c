/*  lnt_office.c - staff operations on an office's records.                */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lnt_csv.h"
#include "lnt_office.h"

/*  Writes the office section of a record from an encoded body.            */
static int
s_write_body (lnt_node_t *node, lnt_txn_t *txn, uint8_t kind, const char *id,
              lnt_buf_t *body)
{
    return lnt_node_write_section (node, txn, kind, id, lnt_node_code (node),
                                   LNT_SECTION_OFFICE, body->data, body->len,
                                   false, NULL);
}

/*  The time of a new step: now, but never before the step it follows, so
    a history stays in order even when the PC's clock is behind.          */
static int64_t
s_step_time (int64_t previous)
{
    int64_t now = lnt_time_now_ms ();
    return now > previous ? now : previous;
}

static int
s_missing (lnt_why_t *why, const char *what, const char *id)
{
    return lnt_why (why, LNT_ENOTFOUND, "no %s with id %s in this office; "
                    "list them to see the ids", what, id);
}

/*  Why a record that was deleted cannot be used: when (local time when
    ref is given, else UTC), and that a tombstone is all that is left.   */
static int
s_deleted (lnt_why_t *why, const char *what, const lnt_record_t *rec,
           const lnt_ref_t *ref, const char *tail)
{
    int64_t ms = lnt_clock_ms (rec->sec[LNT_SECTION_OFFICE].version);
    char when[32];
    if (ref)
        lnt_time_format_local (ms, lnt_ref_utc_offset (ref, rec->office),
                               when);
    else
        lnt_time_format_utc (ms, when);
    return lnt_why (why, LNT_ENOTFOUND, "%s %s was deleted (dihapus) on %s; "
                    "%s", what, rec->id, when, tail);
}

/*  Copies a text field of size bytes up to its NUL, or all of it when it
    has none: what a copy of the whole array would give the checks, which
    read no further than the NUL or the end, without copying 4 KiB of
    unused bytes for every suggestion added.                               */
static void
s_copy_text (char *dst, const char *src, size_t size)
{
    size_t len = strnlen (src, size);
    memcpy (dst, src, len < size ? len + 1 : size);
}

/*  The number a new record of kind takes: id holds its id made with
    number 0 (its last width digits are zeros), the part before them is
    the prefix of the office-year's numbers.                              */
static int
s_next_number (lnt_node_t *node, lnt_txn_t *txn, uint8_t kind,
               const char *id, int width, uint64_t *n)
{
    char prefix[LNT_ID_MAX + 1];
    size_t len = strlen (id) - (size_t) width;
    memcpy (prefix, id, len);
    prefix[len] = 0;
    return lnt_node_next_number (node, txn, kind, prefix, width, n);
}

/*  Adds a suggestion in txn; known: what lnt_suggestion_check_known may
    take as checked already.                                               */
static int
s_suggestion_add_txn (lnt_node_t *node, lnt_txn_t *txn, lnt_suggestion_t *s,
                      const lnt_private_t *p, unsigned known, lnt_why_t *why)
{
    const lnt_ref_t *ref = lnt_node_ref (node);
    const char *office = lnt_node_code (node);
    /* Only the fields' texts, not the whole 4 KiB struct.                */
    lnt_private_t priv;
    if (p) {
        s_copy_text (priv.reporter_name, p->reporter_name,
                     sizeof priv.reporter_name);
        s_copy_text (priv.reporter_contact, p->reporter_contact,
                     sizeof priv.reporter_contact);
    }
    else
        priv.reporter_name[0] = priv.reporter_contact[0] = 0;
    if (s->privacy == LNT_PR_CONFIDENTIAL) {
        /* The text of a confidential suggestion stays in the office.    */
        s_copy_text (priv.text, s->text, sizeof priv.text);
        s->text[0] = 0;
    }
    else if (p)
        s_copy_text (priv.text, p->text, sizeof priv.text);
    else
        priv.text[0] = 0;
    int year, mon, day;
    lnt_date_to_ymd (lnt_time_local_day (s->received,
                                         lnt_ref_utc_offset (ref, office)),
                     &year, &mon, &day);
    /* The number is taken when the record is written, after its checks:
       in an import that goes on past bad rows, a refused row must not use
       one up and leave a gap in the tracking numbers.                    */
    uint64_t n;
    lnt_id_suggestion (s->id, office, year, 0);
    int rc = s_next_number (node, txn, LNT_KIND_SUGGESTION, s->id,
                            LNT_ID_SUGGESTION_DIGITS, &n);
    if (rc)
        return rc;
    /* The node's code always fits (lnt_node checks it); cut as snprintf
       would if it did not.                                               */
    size_t olen = strnlen (office, sizeof s->office - 1);
    memcpy (s->office, office, olen);
    s->office[olen] = 0;
    lnt_id_suggestion (s->id, office, year, n);
    s->status = LNT_ST_RECEIVED;
    s->history_len = 1;
    memset (&s->history[0], 0, sizeof s->history[0]);
    s->history[0].status = LNT_ST_RECEIVED;
    s->history[0].at = s->received;
    s->response[0] = 0;
    s->responded = 0;
    lnt_why_t inner;
    if (lnt_suggestion_check_known (s, ref, known, &inner)) {
        /* Name the record by what staff typed: it has no number yet.     */
        const char *detail = strchr (inner.text, ':');
        return lnt_why (why, LNT_EINVAL, "new suggestion \"%.60s\"%s",
                        s->subject, detail ? detail : inner.text);
    }
    /* Without p, name and contact are empty, and so is the text unless
       it was moved here: empty texts pass every check, so the check runs
       only when there is something to check (an import's rows seldom).  */
    if ((p || priv.text[0]) && (rc = lnt_private_check (&priv, s->id, why)))
        return rc;
    if (s->privacy == LNT_PR_CONFIDENTIAL && !priv.text[0])
        return lnt_why (why, LNT_EINVAL, "new suggestion \"%.60s\": text is "
                        "empty; it is required", s->subject);
    lnt_buf_t *body = lnt_node_body_buf (node);
    rc = lnt_codec_suggestion_encode (s, body);
    if (!rc)
        rc = s_write_body (node, txn, LNT_KIND_SUGGESTION, s->id, body);
    if (!rc && (priv.reporter_name[0] || priv.reporter_contact[0]
                || priv.text[0])) {
        body = lnt_node_body_buf (node);
        rc = lnt_codec_private_encode (&priv, body);
        if (!rc)
            rc = lnt_txn_put (txn, LNT_DB_PRIVATE, s->id, strlen (s->id),
                              body->data, body->len);
    }
    return rc;
}

int
lnt_office_suggestion_add_txn (lnt_node_t *node, lnt_txn_t *txn,
                               lnt_suggestion_t *s, const lnt_private_t *p,
                               lnt_why_t *why)
{
    return s_suggestion_add_txn (node, txn, s, p, 0, why);
}

int
lnt_office_suggestion_import_txn (lnt_node_t *node, lnt_txn_t *txn,
                                  lnt_suggestion_t *s, lnt_why_t *why)
{
    return s_suggestion_add_txn (node, txn, s, NULL, LNT_KNOWN_UTF8, why);
}

typedef struct {
    lnt_node_t *node;           /* the office                              */
    lnt_suggestion_t *s;        /* in: the new suggestion; out: as stored  */
    lnt_suggestion_t copy;      /* s as given, to start again after growth */
    const lnt_private_t *p;     /* reporter identity                       */
    lnt_why_t *why;             /* why it was refused                      */
} s_add_t;

static int
s_suggestion_add (lnt_txn_t *txn, void *arg)
{
    s_add_t *a = arg;
    *a->s = a->copy;
    return lnt_office_suggestion_add_txn (a->node, txn, a->s, a->p, a->why);
}

int
lnt_office_suggestion_add (lnt_node_t *node, lnt_suggestion_t *s,
                           const lnt_private_t *p, lnt_why_t *why)
{
    s_add_t *a = malloc (sizeof *a);
    if (!a)
        return LNT_ENOMEM;
    *a = (s_add_t){node, s, *s, p, why};
    int rc = lnt_store_write (lnt_node_store (node), s_suggestion_add, a);
    free (a);
    return rc;
}

int
lnt_office_suggestion_get (lnt_node_t *node, lnt_txn_t *txn, const char *id,
                           lnt_suggestion_t *s, lnt_private_t *p,
                           lnt_why_t *why)
{
    lnt_record_t rec;
    int rc = lnt_node_get (txn, LNT_KIND_SUGGESTION, id, &rec, why);
    if (rc == LNT_ENOTFOUND || (!rc && !rec.sec[0].present))
        return s_missing (why, "suggestion", id);
    if (rc)
        return rc;
    if (rec.sec[0].deleted)
        return s_deleted (why, "suggestion", &rec, lnt_node_ref (node),
                          "a deleted suggestion cannot be shown or changed");
    memset (s, 0, sizeof *s);
    if ((rc = lnt_codec_suggestion_decode (rec.sec[0].body, rec.sec[0].body_len,
                                           s, why)))
        return rc;
    snprintf (s->id, sizeof s->id, "%s", rec.id);
    snprintf (s->office, sizeof s->office, "%s", rec.office);
    if (!p)
        return 0;
    memset (p, 0, sizeof *p);
    const void *val;
    size_t len;
    rc = lnt_txn_get (txn, LNT_DB_PRIVATE, id, strlen (id), &val, &len);
    if (rc == LNT_ENOTFOUND)
        return 0;
    if (!rc)
        rc = lnt_codec_private_decode (val, len, p, why);
    if (!rc && s->privacy == LNT_PR_CONFIDENTIAL)
        memcpy (s->text, p->text, sizeof s->text);
    return rc;
}

typedef struct {
    lnt_node_t *node;        /* the office                                  */
    const char *id;          /* which suggestion                            */
    lnt_status_t status;     /* the status to move to                       */
    const char *note;        /* the note of the step                        */
    const char *response;    /* with respond: the answer; else NULL         */
    lnt_suggestion_t *out;   /* the record as stored                        */
    lnt_why_t *why;          /* why it was refused                          */
} s_move_t;

static int
s_suggestion_move (lnt_txn_t *txn, void *arg)
{
    s_move_t *m = arg;
    lnt_suggestion_t *s = m->out;
    int rc = lnt_office_suggestion_get (m->node, txn, m->id, s, NULL, m->why);
    if (rc)
        return rc;
    lnt_status_t from = s->status;
    if (m->response) {
        if (!lnt_status_is_open (from))
            return lnt_why (m->why, LNT_EINVAL, "suggestion %s is %s, not "
                            "open; only an open suggestion can be answered",
                            m->id, lnt_word (LNT_WORD_STATUS, from));
    }
    else if (!lnt_status_can_move (from, m->status))
        return lnt_why (m->why, LNT_EINVAL, "suggestion %s cannot move from "
                        "%s to %s; see the allowed transitions in "
                        "'suggestion status --help'", m->id,
                        lnt_word (LNT_WORD_STATUS, from),
                        lnt_word (LNT_WORD_STATUS, m->status));
    /* The last two places of a history are kept for done and archived,
       so a suggestion with a long history can always be closed.         */
    bool closing = m->response || m->status == LNT_ST_DONE
                   || m->status == LNT_ST_ARCHIVED
                   || m->status == LNT_ST_NOT_OUR_AUTHORITY;
    if (s->history_len >= LNT_HISTORY_MAX
        || (!closing && s->history_len >= LNT_HISTORY_MAX - 2))
        return lnt_why (m->why, LNT_EINVAL, "suggestion %s has %d history "
                        "steps; only done and archived can follow now",
                        m->id, s->history_len);
    lnt_step_t *step = &s->history[s->history_len];
    memset (step, 0, sizeof *step);
    step->status = (uint8_t) m->status;
    step->at = s_step_time (s->history[s->history_len - 1].at);
    if (strlen (m->note) > LNT_NOTE_MAX)
        return lnt_why (m->why, LNT_EINVAL, "suggestion %s: note is longer "
                        "than %d bytes", m->id, LNT_NOTE_MAX);
    strcpy (step->note, m->note);
    s->history_len++;
    s->status = (uint8_t) m->status;
    if (m->response) {
        if (strlen (m->response) > LNT_TEXT_MAX)
            return lnt_why (m->why, LNT_EINVAL, "suggestion %s: response is "
                            "longer than %d bytes", m->id, LNT_TEXT_MAX);
        strcpy (s->response, m->response);
        s->responded = step->at;
    }
    /* The stored body never holds a confidential text.                   */
    lnt_suggestion_t *stored = malloc (sizeof *stored);
    if (!stored)
        return LNT_ENOMEM;
    *stored = *s;
    if (stored->privacy == LNT_PR_CONFIDENTIAL)
        stored->text[0] = 0;
    rc = lnt_suggestion_check (stored, lnt_node_ref (m->node), m->why);
    lnt_buf_t body = {0};
    if (!rc)
        rc = lnt_codec_suggestion_encode (stored, &body);
    if (!rc)
        rc = s_write_body (m->node, txn, LNT_KIND_SUGGESTION, m->id, &body);
    lnt_buf_free (&body);
    free (stored);
    return rc;
}

int
lnt_office_suggestion_move (lnt_node_t *node, const char *id,
                            lnt_status_t status, const char *note,
                            lnt_suggestion_t *out, lnt_why_t *why)
{
    s_move_t m = {node, id, status, note ? note : "", NULL, out, why};
    return lnt_store_write (lnt_node_store (node), s_suggestion_move, &m);
}

int
lnt_office_suggestion_respond (lnt_node_t *node, const char *id,
                               const char *text, lnt_suggestion_t *out,
                               lnt_why_t *why)
{
    if (!text || !*text)
        return lnt_why (why, LNT_EINVAL, "suggestion %s: the response text "
                        "is empty; write the answer given to the citizen",
                        id);
    if (!lnt_utf8_valid (text, strlen (text)))
        return lnt_why (why, LNT_EINVAL, "suggestion %s: the response is not "
                        "valid UTF-8 text", id);
    s_move_t m = {node, id, LNT_ST_DONE, "responded", text, out, why};
    return lnt_store_write (lnt_node_store (node), s_suggestion_move, &m);
}

/*  ---- action plan -------------------------------------------------------- */

static int
s_rb_write (lnt_node_t *node, lnt_txn_t *txn, lnt_rb_item_t *r, lnt_why_t *why)
{
    r->updated = lnt_time_now_ms ();
    int rc = lnt_rb_item_check (r, lnt_node_ref (node), why);
    if (rc)
        return rc;
    lnt_buf_t body = {0};
    rc = lnt_codec_rb_item_encode (r, &body);
    if (!rc)
        rc = s_write_body (node, txn, LNT_KIND_RB_ITEM, r->id, &body);
    lnt_buf_free (&body);
    return rc;
}

int
lnt_office_rb_add_txn (lnt_node_t *node, lnt_txn_t *txn, lnt_rb_item_t *r,
                       lnt_why_t *why)
{
    const char *office = lnt_node_code (node);
    uint64_t n;
    if (r->year < 2000 || r->year > 2100)
        return lnt_why (why, LNT_EINVAL, "new action-plan item \"%.60s\": "
                        "year %d is not 2000-2100", r->activity, r->year);
    /* As for suggestions: the number is taken when the item is written. */
    lnt_id_rb_item (r->id, office, r->year, 0);
    int rc = s_next_number (node, txn, LNT_KIND_RB_ITEM, r->id,
                            LNT_ID_RB_DIGITS, &n);
    if (rc)
        return rc;
    snprintf (r->office, sizeof r->office, "%s", office);
    lnt_id_rb_item (r->id, office, r->year, n);
    lnt_why_t inner;
    if ((rc = lnt_rb_item_check (r, lnt_node_ref (node), &inner))) {
        /* Name the item by what staff typed: its number is not taken, and
           the next item will have it.                                   */
        const char *detail = strchr (inner.text, ':');
        return lnt_why (why, rc, "new action-plan item \"%.60s\"%s",
                        r->activity, detail ? detail : inner.text);
    }
    return s_rb_write (node, txn, r, why);
}

typedef struct {
    lnt_node_t *node;          /* the office                               */
    lnt_rb_item_t *r;          /* in: the new item; out: as stored         */
    lnt_rb_item_t copy;        /* r as given, to start again               */
    const char *id;            /* update: which item                       */
    const lnt_rb_patch_t *patch; /* update: what changes                   */
    lnt_why_t *why;            /* why it was refused                       */
} s_rb_t;

static int
s_rb_add (lnt_txn_t *txn, void *arg)
{
    s_rb_t *a = arg;
    *a->r = a->copy;
    return lnt_office_rb_add_txn (a->node, txn, a->r, a->why);
}

int
lnt_office_rb_add (lnt_node_t *node, lnt_rb_item_t *r, lnt_why_t *why)
{
    s_rb_t a = {node, r, *r, NULL, NULL, why};
    return lnt_store_write (lnt_node_store (node), s_rb_add, &a);
}

/*  lnt_office_rb_get, saying when a deleted item was deleted in the
    office's local time when ref is given (else in UTC).                  */
static int
s_rb_get (lnt_txn_t *txn, const lnt_ref_t *ref, const char *id,
          lnt_rb_item_t *r, lnt_why_t *why)
{
    lnt_record_t rec;
    int rc = lnt_node_get (txn, LNT_KIND_RB_ITEM, id, &rec, why);
    if (rc == LNT_ENOTFOUND || (!rc && !rec.sec[0].present))
        return s_missing (why, "action-plan item", id);
    if (rc)
        return rc;
    if (rec.sec[0].deleted)
        return s_deleted (why, "action-plan item", &rec, ref,
                          "a deleted item cannot be shown or changed");
    memset (r, 0, sizeof *r);
    rc = lnt_codec_rb_item_decode (rec.sec[0].body, rec.sec[0].body_len, r,
                                   why);
    snprintf (r->id, sizeof r->id, "%s", rec.id);
    snprintf (r->office, sizeof r->office, "%s", rec.office);
    return rc;
}

int
lnt_office_rb_get (lnt_txn_t *txn, const char *id, lnt_rb_item_t *r,
                   lnt_why_t *why)
{
    return s_rb_get (txn, NULL, id, r, why);
}

static int
s_rb_update (lnt_txn_t *txn, void *arg)
{
    s_rb_t *u = arg;
    const lnt_rb_patch_t *p = u->patch;
    lnt_rb_item_t *r = u->r;
    int rc = s_rb_get (txn, lnt_node_ref (u->node), u->id, r, u->why);
    if (rc)
        return rc;
    if (r->status == LNT_RB_CANCELLED)
        return lnt_why (u->why, LNT_EINVAL, "action-plan item %s is "
                        "cancelled; a cancelled item cannot change", u->id);
    if (p->has_status && !lnt_rb_status_can_move (r->status, p->status))
        return lnt_why (u->why, LNT_EINVAL, "action-plan item %s cannot move "
                        "from %s to %s; items go planned, in_progress, done, "
                        "and any may be cancelled", u->id,
                        lnt_word (LNT_WORD_RB_STATUS, r->status),
                        lnt_word (LNT_WORD_RB_STATUS, p->status));
    if (p->has_status)
        r->status = (uint8_t) p->status;
    if (p->has_realisation)
        r->realisation = p->realisation;
    if (p->has_due)
        r->due = p->due;
    if (p->evidence)
        snprintf (r->evidence, sizeof r->evidence, "%s", p->evidence);
    if (p->person)
        snprintf (r->person, sizeof r->person, "%s", p->person);
    if (p->evidence && strlen (p->evidence) > LNT_EVIDENCE_MAX)
        return lnt_why (u->why, LNT_EINVAL, "action-plan item %s: evidence "
                        "is %zu bytes, longer than %d", u->id,
                        strlen (p->evidence), LNT_EVIDENCE_MAX);
    if (p->person && strlen (p->person) > LNT_NAME_MAX)
        return lnt_why (u->why, LNT_EINVAL, "action-plan item %s: person in "
                        "charge is %zu bytes, longer than %d", u->id,
                        strlen (p->person), LNT_NAME_MAX);
    return s_rb_write (u->node, txn, r, u->why);
}

int
lnt_office_rb_update (lnt_node_t *node, const char *id,
                      const lnt_rb_patch_t *patch, lnt_rb_item_t *out,
                      lnt_why_t *why)
{
    s_rb_t u = {.node = node, .r = out, .id = id, .patch = patch, .why = why};
    return lnt_store_write (lnt_node_store (node), s_rb_update, &u);
}

/*  ---- LKE ----------------------------------------------------------------- */

int
lnt_office_lke_answer_txn (lnt_node_t *node, lnt_txn_t *txn,
                           lnt_lke_answer_t *a, lnt_why_t *why)
{
    const char *office = lnt_node_code (node);
    /* The instrument the hub assigned to this office-year (reference
       part instrument-years), the 2020 'pemenuhan' one until it does.   */
    if (!a->instrument[0])
        snprintf (a->instrument, sizeof a->instrument, "%s",
                  lnt_ref_instrument_for (lnt_node_ref (node), office,
                                          a->year));
    snprintf (a->office, sizeof a->office, "%s", office);
    if (strlen (a->item) > LNT_ITEM_MAX)
        return lnt_why (why, LNT_EINVAL, "LKE item \"%.20s...\" is not an "
                        "item code", a->item);
    lnt_id_lke_answer (a->id, office, a->year, a->item);
    a->answered = lnt_time_now_ms ();
    int rc = lnt_lke_answer_check (a, lnt_node_ref (node), why);
    if (rc)
        return rc;
    lnt_buf_t body = {0};
    rc = lnt_codec_lke_answer_encode (a, &body);
    if (!rc)
        rc = s_write_body (node, txn, LNT_KIND_LKE_ANSWER, a->id, &body);
    lnt_buf_free (&body);
    return rc;
}

typedef struct {
    lnt_node_t *node;      /* the office                                   */
    lnt_lke_answer_t *a;   /* the answer                                   */
    lnt_why_t *why;        /* why it was refused                           */
} s_lke_t;

static int
s_lke_answer (lnt_txn_t *txn, void *arg)
{
    s_lke_t *l = arg;
    return lnt_office_lke_answer_txn (l->node, txn, l->a, l->why);
}

int
lnt_office_lke_answer (lnt_node_t *node, lnt_lke_answer_t *a, lnt_why_t *why)
{
    s_lke_t l = {node, a, why};
    return lnt_store_write (lnt_node_store (node), s_lke_answer, &l);
}

/*  ---- deletes ------------------------------------------------------------ */

typedef struct {
    lnt_node_t *node;      /* the office                                   */
    uint8_t kind;          /* the record's kind                            */
    const char *id;        /* the record                                   */
    void *out;             /* the kind's struct: the record as it was      */
    lnt_why_t *why;        /* why it was refused                           */
} s_delete_t;

/*  Reads an LKE answer's office section into a.                           */
static int
s_lke_decode (const lnt_record_t *rec, lnt_lke_answer_t *a, lnt_why_t *why)
{
    memset (a, 0, sizeof *a);
    int rc = lnt_codec_lke_answer_decode (rec->sec[0].body,
                                          rec->sec[0].body_len, a, why);
    snprintf (a->id, sizeof a->id, "%s", rec->id);
    snprintf (a->office, sizeof a->office, "%s", rec->office);
    return rc;
}

static int
s_delete (lnt_txn_t *txn, void *arg)
{
    s_delete_t *d = arg;
    static const char *what[] = {"", "suggestion", "action-plan item",
                                 "LKE answer"};
    assert (d->kind >= LNT_KIND_SUGGESTION && d->kind <= LNT_KIND_LKE_ANSWER);
    lnt_record_t rec;
    int rc = lnt_node_get (txn, d->kind, d->id, &rec, d->why);
    if (rc == LNT_ENOTFOUND || (!rc && !rec.sec[0].present))
        return s_missing (d->why, what[d->kind], d->id);
    if (rc)
        return rc;
    if (rec.sec[0].deleted)
        return s_deleted (d->why, what[d->kind], &rec, lnt_node_ref (d->node),
                          "it cannot be deleted again");
    /* The record as it was, for the caller to say what went.            */
    if (d->kind == LNT_KIND_SUGGESTION)
        rc = lnt_office_suggestion_get (d->node, txn, d->id, d->out, NULL,
                                        d->why);
    else if (d->kind == LNT_KIND_RB_ITEM)
        rc = s_rb_get (txn, lnt_node_ref (d->node), d->id, d->out, d->why);
    else
        rc = s_lke_decode (&rec, d->out, d->why);
    /* The tombstone replicates like any change; the private data (the
       reporter, a confidential text) never did, and goes here.          */
    if (!rc)
        rc = lnt_node_write_section (d->node, txn, d->kind, d->id,
                                     lnt_node_code (d->node),
                                     LNT_SECTION_OFFICE, NULL, 0, true, NULL);
    if (!rc && d->kind == LNT_KIND_SUGGESTION) {
        rc = lnt_txn_del (txn, LNT_DB_PRIVATE, d->id, strlen (d->id));
        if (rc == LNT_ENOTFOUND)
            rc = 0;
    }
    return rc;
}

int
lnt_office_suggestion_delete (lnt_node_t *node, const char *id,
                              lnt_suggestion_t *out, lnt_why_t *why)
{
    s_delete_t d = {node, LNT_KIND_SUGGESTION, id, out, why};
    return lnt_store_write (lnt_node_store (node), s_delete, &d);
}

int
lnt_office_rb_delete (lnt_node_t *node, const char *id, lnt_rb_item_t *out,
                      lnt_why_t *why)
{
    s_delete_t d = {node, LNT_KIND_RB_ITEM, id, out, why};
    return lnt_store_write (lnt_node_store (node), s_delete, &d);
}

int
lnt_office_lke_delete (lnt_node_t *node, int year, const char *item,
                       lnt_lke_answer_t *out, lnt_why_t *why)
{
    if (year < 2000 || year > 2100 || strlen (item) > LNT_ITEM_MAX)
        return lnt_why (why, LNT_EINVAL, "no LKE answer of year %d and item "
                        "\"%.20s\" can exist: the year is 2000-2100 and an "
                        "item code such as A1.3", year, item);
    char id[LNT_ID_MAX + 1];
    lnt_id_lke_answer (id, lnt_node_code (node), year, item);
    s_delete_t d = {node, LNT_KIND_LKE_ANSWER, id, out, why};
    return lnt_store_write (lnt_node_store (node), s_delete, &d);
}

int
lnt_office_each (lnt_txn_t *txn, uint8_t kind, lnt_office_each_fn *fn,
                 void *arg)
{
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl;
    char start = (char) kind;
    int rc = lnt_cursor_open (txn, LNT_DB_RECORDS, &cur);
    if (rc)
        return rc;
    for (rc = lnt_cursor_seek (cur, &start, 1, &k, &kl, &v, &vl); rc == 0;
         rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
        if (kl < 1 || *(const unsigned char *) k != kind)
            break;
        lnt_record_t rec;
        if ((rc = lnt_codec_record_decode (v, vl, &rec, NULL)))
            break;
        if ((rc = fn (&rec, arg)))
            break;
    }
    lnt_cursor_close (&cur);
    return rc == LNT_ENOTFOUND ? 0 : rc;
}
