/*  lnt_rollup.c - what each record adds to the rollup counters, a pending
    set of changes summed in memory, and writing, reading, recomputing and
    comparing the counters in LNT_DB_ROLLUPS.

    The pending set is an open-addressing hash table keyed by the whole
    rollup key; each entry holds int64 deltas, as many as its letter has
    counters. It grows with the distinct keys touched and is emptied by
    flush and reset.                                                       */
#include <assert.h>
#include <stddef.h>
#include <endian.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lnt_rollup.h"
#include "lnt_score.h"

#define S_KEY_MAX (11 + LNT_INSTRUMENT_MAX) /* letter, office, year, rest */
#define S_PREFIX 11                         /* letter, office, year      */
#define S_DAYS 367                          /* days histogram: 0..366    */

typedef struct {
    unsigned char key[S_KEY_MAX]; /* the rollup key                        */
    size_t klen;                  /* its length; 0 for an empty slot       */
    int64_t *values;              /* deltas, s_count (key[0]) of them      */
    bool seen;                    /* verify: matched a stored key          */
} s_entry_t;

/*  Space to decode one record's body into: too big for the stack, and
    allocated once per rollup rather than once per change.                */
typedef union {
    lnt_suggestion_t suggestion; /* a suggestion's office section         */
    lnt_lke_answer_t answer;     /* an LKE answer's office section        */
} s_scratch_t;

struct lnt_rollup_t {
    s_entry_t *slots; /* the table; NULL until the first key               */
    size_t cap;       /* slots, a power of two                             */
    size_t used;      /* slots holding a key                               */
    const void *hint_body;         /* a body whose part is known: hint    */
    size_t hint_len;               /* its length                          */
    const lnt_rollup_part_t *hint; /* borrowed; NULL for no hint          */
    bool hint_counted;             /* the hint's part is in the sums: an
                                      add (+1) of its body is skipped    */
    s_scratch_t *scratch;          /* decoding space (25 kB), kept        */
    s_entry_t *last[2];            /* the entries found last for a year
                                      key and a day key: changes of one
                                      office and year come in runs       */
};

//  ---- keys ------------------------------------------------------------

//  How many counters a key of this letter holds, 0 for no such letter
static size_t
s_count (unsigned char letter)
{
    switch (letter) {
    case 'S': return LNT_ROLLUP_S_COUNT;
    case 'R': return LNT_ROLLUP_R_COUNT;
    case 'L': return LNT_ROLLUP_L_COUNT;
    case 'D': case 'P': return 1;
    default: return 0;
    }
}

//  Writes letter, office (8 bytes, NUL-padded) and year (2 bytes BE)
static size_t
s_key (unsigned char *key, char letter, const char *office, int year)
{
    key[0] = (unsigned char) letter;
    memset (key + 1, 0, 8);
    memcpy (key + 1, office, strnlen (office, LNT_OFFICE_MAX));
    key[9] = (unsigned char) (year >> 8);
    key[10] = (unsigned char) year;
    return S_PREFIX;
}

//  Appends a day as day + 2^31, big-endian, so that keys sort by day
static size_t
s_key_day (unsigned char *key, int32_t day)
{
    uint32_t u = (uint32_t) day + 0x80000000u;
    for (int i = 0; i < 4; i++)
        key[S_PREFIX + i] = (unsigned char) (u >> (24 - 8 * i));
    return S_PREFIX + 4;
}

static int32_t
s_day_of_key (const unsigned char *key)
{
    uint32_t u = 0;
    for (int i = 0; i < 4; i++)
        u = (u << 8) | key[S_PREFIX + i];
    return (int32_t) (u - 0x80000000u);
}

static void
s_put_be (unsigned char *p, int64_t v)
{
    uint64_t u = (uint64_t) v;
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char) (u >> (56 - 8 * i));
}

static int64_t
s_get_be (const unsigned char *p)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = (u << 8) | p[i];
    return (int64_t) u;
}

//  ---- the pending set -------------------------------------------------

static size_t
s_hash (const unsigned char *key, size_t klen)
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a                      */
    for (size_t i = 0; i < klen; i++)
        h = (h ^ key[i]) * 1099511628211ULL;
    return (size_t) h;
}

static s_entry_t *
s_find (const lnt_rollup_t *self, const unsigned char *key, size_t klen)
{
    if (!self->cap)
        return NULL;
    size_t i = s_hash (key, klen) & (self->cap - 1);
    while (self->slots[i].klen) {
        s_entry_t *e = &self->slots[i];
        if (e->klen == klen && memcmp (e->key, key, klen) == 0)
            return e;
        i = (i + 1) & (self->cap - 1);
    }
    return NULL;
}

static int
s_grow (lnt_rollup_t *self)
{
    /* A group commit touches a few hundred keys (a day key for each due
       date): start there rather than grow to it in every transaction.  */
    size_t cap = self->cap ? self->cap * 2 : 1024;
    s_entry_t *slots = calloc (cap, sizeof *slots);
    if (!slots)
        return LNT_ENOMEM;
    for (size_t j = 0; j < self->cap; j++) {
        if (!self->slots[j].klen)
            continue;
        size_t i = s_hash (self->slots[j].key, self->slots[j].klen)
                   & (cap - 1);
        while (slots[i].klen)
            i = (i + 1) & (cap - 1);
        slots[i] = self->slots[j];
    }
    free (self->slots);
    self->slots = slots;
    self->cap = cap;
    self->last[0] = self->last[1] = NULL;
    return 0;
}

//  The deltas of key, added (as zeros) when absent; NULL when out of memory
static int64_t *
s_deltas (lnt_rollup_t *self, const unsigned char *key, size_t klen)
{
    int c = klen > S_PREFIX && (key[0] == 'D' || key[0] == 'P');
    s_entry_t *e = self->last[c];
    if (e && e->klen == klen && memcmp (e->key, key, klen) == 0)
        return e->values;
    if ((e = s_find (self, key, klen))) {
        self->last[c] = e;
        return e->values;
    }
    if ((self->used + 1) * 10 > self->cap * 7 && s_grow (self))
        return NULL;
    int64_t *values = calloc (s_count (key[0]), sizeof *values);
    if (!values)
        return NULL;
    size_t i = s_hash (key, klen) & (self->cap - 1);
    while (self->slots[i].klen)
        i = (i + 1) & (self->cap - 1);
    e = &self->slots[i];
    memcpy (e->key, key, klen);
    e->klen = klen;
    e->values = values;
    e->seen = false;
    self->used++;
    self->last[c] = e;
    return values;
}

static bool
s_all_zero (const int64_t *values, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (values[i])
            return false;
    return true;
}

lnt_rollup_t *
lnt_rollup_new (void)
{
    return calloc (1, sizeof (lnt_rollup_t));
}

void
lnt_rollup_reset (lnt_rollup_t *self)
{
    for (size_t i = 0; i < self->cap; i++)
        free (self->slots[i].values);
    free (self->slots);
    self->slots = NULL;
    self->cap = self->used = 0;
    self->last[0] = self->last[1] = NULL;
}

void
lnt_rollup_destroy (lnt_rollup_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    lnt_rollup_reset (*self_p);
    free ((*self_p)->scratch);
    free (*self_p);
    *self_p = NULL;
}

//  ---- contributions ---------------------------------------------------

static int
s_local_year (int64_t ms, int offset)
{
    int year, month, mday;
    lnt_date_to_ymd (lnt_time_local_day (ms, offset), &year, &month, &mday);
    return year;
}

void
lnt_rollup_hint (lnt_rollup_t *self, const void *body, size_t len,
                 const lnt_rollup_part_t *part, bool counted)
{
    self->hint_body = part ? body : NULL;
    self->hint_len = part ? len : 0;
    self->hint = part;
    self->hint_counted = part && counted;
}

//  Adds counter index of the part's key k (0 or 1) by value
static void
s_part_add (lnt_rollup_part_t *part, int k, size_t index, int64_t value)
{
    assert (part->n < LNT_ROLLUP_PART_MAX);
    part->add[part->n].key = (uint8_t) k;
    part->add[part->n].index = (uint16_t) index;
    part->add[part->n].value = value;
    part->n++;
}

int
lnt_rollup_part_suggestion (const lnt_ref_t *ref, const lnt_suggestion_t *s,
                            lnt_rollup_part_t *part)
{
    memset (part, 0, offsetof (lnt_rollup_part_t, add));
    int offset = lnt_ref_utc_offset (ref, s->office);
    int year = s_local_year (s->received, offset);
    int32_t received_day = lnt_time_local_day (s->received, offset);
    int32_t verify_due, resolve_due;
    bool has_due = lnt_suggestion_due (s, ref, &verify_due, &resolve_due) == 0;
    bool open = lnt_status_is_open ((lnt_status_t) s->status);

    part->klen[0] = (uint8_t) s_key (part->key[0], 'S', s->office, year);
    s_part_add (part, 0, LNT_ROLLUP_S_RECEIVED, 1);
    s_part_add (part, 0, LNT_ROLLUP_S_STATUS + s->status, 1);
    s_part_add (part, 0, LNT_ROLLUP_S_CHANNEL + s->channel, 1);
    s_part_add (part, 0, LNT_ROLLUP_S_CLASS + s->class_, 1);
    if (open)
        s_part_add (part, 0, LNT_ROLLUP_S_OPEN, 1);
    for (int i = 0; has_due && i < s->history_len; i++)
        if (s->history[i].status == LNT_ST_DONE) {
            if (lnt_time_local_day (s->history[i].at, offset) <= resolve_due)
                s_part_add (part, 0, LNT_ROLLUP_S_IN_TIME, 1);
            break;
        }
    if (s->history_len >= 2) {
        //  The first response is the first step after "received"
        int64_t days = (int64_t) lnt_time_local_day (s->history[1].at, offset)
                       - received_day;
        days = days < 0 ? 0 : days > S_DAYS - 1 ? S_DAYS - 1 : days;
        s_part_add (part, 0, LNT_ROLLUP_S_RESPONDED, 1);
        s_part_add (part, 0, LNT_ROLLUP_S_DAYS + (size_t) days, 1);
    }
    if (open && has_due) {
        memcpy (part->key[1], part->key[0], S_PREFIX);
        part->klen[1] = (uint8_t) s_key_day (part->key[1], resolve_due);
        part->key[1][0] = 'D';
        s_part_add (part, 1, 0, 1);
    }
    return 0;
}

//  Progress of an item in 10^-9, capped at 1. The codec bounds target and
//  realisation to 10^15; the product takes 128 bits. Rounded down, which
//  at 10^-9 never moves a mean shown to 0.01 %.
static int64_t
s_progress (int64_t realisation, int64_t target)
{
    if (target <= 0 || realisation <= 0)
        return 0;
    if (realisation >= target)
        return LNT_ROLLUP_PROGRESS_UNIT;
    __extension__ unsigned __int128 p = (unsigned __int128) realisation
                                        * LNT_ROLLUP_PROGRESS_UNIT;
    return (int64_t) (p / (unsigned __int128) target);
}

int
lnt_rollup_part_rb_item (const lnt_rb_item_t *r, lnt_rollup_part_t *part)
{
    memset (part, 0, offsetof (lnt_rollup_part_t, add));
    if (r->area < 1 || r->area > 8 || r->status == LNT_RB_CANCELLED)
        return 0; /* cancelled items count nowhere                        */
    bool done = r->status == LNT_RB_DONE;
    int64_t progress = s_progress (r->realisation, r->target);
    size_t area = LNT_ROLLUP_R_AREA + 3 * (size_t) (r->area - 1);
    part->klen[0] = (uint8_t) s_key (part->key[0], 'R', r->office, r->year);
    s_part_add (part, 0, LNT_ROLLUP_R_ITEMS, 1);
    s_part_add (part, 0, area + LNT_ROLLUP_R_ITEMS, 1);
    if (done) {
        s_part_add (part, 0, LNT_ROLLUP_R_DONE, 1);
        s_part_add (part, 0, area + LNT_ROLLUP_R_DONE, 1);
    }
    s_part_add (part, 0, LNT_ROLLUP_R_PROGRESS, progress);
    s_part_add (part, 0, area + LNT_ROLLUP_R_PROGRESS, progress);
    if (!done && r->due != LNT_NONE_DAY) {
        memcpy (part->key[1], part->key[0], S_PREFIX);
        part->key[1][0] = 'P';
        part->klen[1] = (uint8_t) s_key_day (part->key[1], r->due);
        s_part_add (part, 1, 0, 1);
    }
    return 0;
}

//  Adds part (sign +1) or takes it away (-1)
static int
s_apply_part (lnt_rollup_t *self, const lnt_rollup_part_t *part,
              int64_t sign)
{
    int64_t *v[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++)
        if (part->klen[k]
            && !(v[k] = s_deltas (self, part->key[k], part->klen[k])))
            return LNT_ENOMEM;
    for (size_t i = 0; i < part->n; i++)
        v[part->add[i].key][part->add[i].index] += sign * part->add[i].value;
    return 0;
}

int
lnt_rollup_add_part (lnt_rollup_t *self, const lnt_rollup_part_t *part,
                     int sign)
{
    assert (sign == 1 || sign == -1);
    return s_apply_part (self, part, sign);
}

int
lnt_rollup_add_all (lnt_rollup_t *self, const lnt_rollup_t *from)
{
    for (size_t j = 0; j < from->cap; j++) {
        const s_entry_t *e = &from->slots[j];
        size_t count = e->klen ? s_count (e->key[0]) : 0;
        if (!count)
            continue;
        int64_t *v = s_deltas (self, e->key, e->klen);
        if (!v)
            return LNT_ENOMEM;
        for (size_t i = 0; i < count; i++)
            v[i] += e->values[i];
    }
    return 0;
}

//  The rollup's decoding space, allocated on first use; NULL when out of
//  memory
static s_scratch_t *
s_scratch (lnt_rollup_t *self)
{
    if (!self->scratch)
        self->scratch = malloc (sizeof *self->scratch);
    return self->scratch;
}

//  The part of record's office section: the hint when it is that body,
//  else from the decoded body into scratch; NULL when it does not decode
static const lnt_rollup_part_t *
s_part (lnt_rollup_t *self, const lnt_ref_t *ref, const lnt_record_t *record,
        lnt_rollup_part_t *scratch, int *rc)
{
    const lnt_section_t *sec = &record->sec[LNT_SECTION_OFFICE];
    *rc = 0;
    if (self->hint && self->hint_body == sec->body
        && self->hint_len == sec->body_len)
        return self->hint;
    lnt_why_t why;
    if (record->kind == LNT_KIND_RB_ITEM) {
        lnt_rb_item_t r;
        if (lnt_codec_rb_item_decode (sec->body, sec->body_len, &r, &why))
            return NULL;
        memcpy (r.office, record->office, sizeof r.office);
        lnt_rollup_part_rb_item (&r, scratch);
        return scratch;
    }
    if (!s_scratch (self)) {
        *rc = LNT_ENOMEM;
        return NULL;
    }
    lnt_suggestion_t *s = &self->scratch->suggestion;
    if (lnt_codec_suggestion_decode (sec->body, sec->body_len, s, &why))
        return NULL;
    memcpy (s->id, record->id, sizeof s->id);
    memcpy (s->office, record->office, sizeof s->office);
    lnt_rollup_part_suggestion (ref, s, scratch);
    return scratch;
}

//  A suggestion or an action-plan item: what its office section adds
static int
s_add_part (lnt_rollup_t *self, const lnt_ref_t *ref,
            const lnt_record_t *record, int64_t sign)
{
    lnt_rollup_part_t scratch;
    int rc;
    const lnt_rollup_part_t *part = s_part (self, ref, record, &scratch, &rc);
    if (part == self->hint && self->hint_counted && sign > 0)
        return 0; /* the caller summed it beforehand                    */
    return part ? s_apply_part (self, part, sign) : rc;
}

static int
s_add_lke_answer (lnt_rollup_t *self, const lnt_ref_t *ref,
                  const lnt_record_t *record, int64_t sign)
{
    const lnt_section_t *sec = &record->sec[LNT_SECTION_OFFICE];
    if (!s_scratch (self))
        return LNT_ENOMEM;
    lnt_lke_answer_t *a = &self->scratch->answer;
    lnt_why_t why;
    if (lnt_codec_lke_answer_decode (sec->body, sec->body_len, a, &why))
        return 0;
    unsigned char key[S_KEY_MAX];
    size_t klen = s_key (key, 'L', record->office, a->year);
    size_t ilen = strnlen (a->instrument, LNT_INSTRUMENT_MAX);
    memcpy (key + klen, a->instrument, ilen);
    int64_t *v = s_deltas (self, key, klen + ilen);
    if (!v)
        return LNT_ENOMEM;
    v[LNT_ROLLUP_L_ANSWERS] += sign;
    if (a->evidence[0])
        v[LNT_ROLLUP_L_EVIDENCE] += sign;
    //  An item or answer the reference data does not know scores nothing
    const lnt_ref_instrument_t *in = lnt_ref_instrument (ref, a->instrument);
    int area;
    int64_t part;
    if (in && lnt_score_contribution (ref, in, a->item, a->answer, &area,
                                      &part, &why) == 0
        && area >= 1 && area <= 8)
        v[LNT_ROLLUP_L_SELF + area - 1] += sign * part;
    const lnt_section_t *prov = &record->sec[LNT_SECTION_PROVINCE];
    lnt_lke_verdict_t verdict;
    if (in && prov->present && !prov->deleted
        && lnt_codec_lke_verdict_decode (prov->body, prov->body_len, &verdict,
                                         &why) == 0
        && lnt_score_contribution (ref, in, a->item, verdict.answer, &area,
                                   &part, &why) == 0
        && area >= 1 && area <= 8) {
        v[LNT_ROLLUP_L_VERIFIED] += sign;
        v[LNT_ROLLUP_L_CHECKED + area - 1] += sign * part;
    }
    return 0;
}

int
lnt_rollup_add (lnt_rollup_t *self, const lnt_ref_t *ref,
                const lnt_record_t *record, int sign)
{
    assert (sign == 1 || sign == -1);
    if (!record)
        return 0;
    const lnt_section_t *sec = &record->sec[LNT_SECTION_OFFICE];
    if (!sec->present || sec->deleted || !sec->body)
        return 0; /* deleted records count nowhere                        */
    switch (record->kind) {
    case LNT_KIND_SUGGESTION:
    case LNT_KIND_RB_ITEM: return s_add_part (self, ref, record, sign);
    case LNT_KIND_LKE_ANSWER: return s_add_lke_answer (self, ref, record, sign);
    default: return 0;
    }
}

int
lnt_rollup_change (lnt_rollup_t *self, const lnt_ref_t *ref,
                   const lnt_record_t *old_record,
                   const lnt_record_t *new_record)
{
    int rc = lnt_rollup_add (self, ref, old_record, -1);
    return rc ? rc : lnt_rollup_add (self, ref, new_record, 1);
}

//  ---- the store -------------------------------------------------------

//  Reads the stored counters of key into values (count), zeros if absent;
//  a shorter value (from an older layout) reads as zeros past its end
static int
s_read (lnt_txn_t *txn, const unsigned char *key, size_t klen,
        int64_t *values, size_t count)
{
    memset (values, 0, count * sizeof *values);
    const void *val;
    size_t vlen;
    int rc = lnt_txn_get (txn, LNT_DB_ROLLUPS, key, klen, &val, &vlen);
    if (rc == LNT_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    for (size_t i = 0; i < count && (i + 1) * 8 <= vlen; i++)
        values[i] = s_get_be ((const unsigned char *) val + 8 * i);
    return 0;
}

int
lnt_rollup_flush (lnt_rollup_t *self, lnt_txn_t *txn)
{
    int64_t values[LNT_ROLLUP_S_COUNT];
    unsigned char bytes[8 * LNT_ROLLUP_S_COUNT];
    for (size_t j = 0; j < self->cap; j++) {
        s_entry_t *e = &self->slots[j];
        size_t count = e->klen ? s_count (e->key[0]) : 0;
        if (!count || s_all_zero (e->values, count))
            continue; /* untouched, or what was taken away came back   */
        int rc = s_read (txn, e->key, e->klen, values, count);
        if (rc)
            return rc;
        for (size_t i = 0; i < count; i++)
            values[i] += e->values[i];
        if (s_all_zero (values, count)) {
            rc = lnt_txn_del (txn, LNT_DB_ROLLUPS, e->key, e->klen);
            if (rc == LNT_ENOTFOUND)
                rc = 0;
        }
        else {
            for (size_t i = 0; i < count; i++)
                s_put_be (bytes + 8 * i, values[i]);
            rc = lnt_txn_put (txn, LNT_DB_ROLLUPS, e->key, e->klen, bytes,
                              8 * count);
        }
        if (rc)
            return rc; /* the caller aborts; reset before running again */
    }
    lnt_rollup_reset (self);
    return 0;
}

//  Decodes count big-endian counters at p into values: one 8-byte load
//  and a byte swap each (the query decodes 390 of an office's 'S' value)
static void
s_decode_be (const unsigned char *p, int64_t *values, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        uint64_t u;
        memcpy (&u, p + 8 * i, 8);
        values[i] = (int64_t) be64toh (u);
    }
}

int
lnt_rollup_read (lnt_txn_t *txn, char letter, const char *office, int year,
                 const char *instrument, int64_t *values, size_t count)
{
    assert (letter == 'S' || letter == 'R' || letter == 'L');
    assert (letter != 'L' || instrument);
    memset (values, 0, count * sizeof *values);
    if (year < 0 || year > 0xFFFF)
        return 0;
    unsigned char key[S_KEY_MAX];
    size_t klen = s_key (key, letter, office, year);
    if (letter == 'L') {
        size_t ilen = strnlen (instrument, LNT_INSTRUMENT_MAX);
        memcpy (key + klen, instrument, ilen);
        klen += ilen;
    }
    size_t max = s_count ((unsigned char) letter);
    if (count > max)
        count = max;
    const void *val;
    size_t vlen;
    int rc = lnt_txn_get (txn, LNT_DB_ROLLUPS, key, klen, &val, &vlen);
    if (rc == LNT_ENOTFOUND)
        return 0;
    if (rc)
        return rc;
    //  A shorter value (from an older layout) reads as zeros past its end
    s_decode_be (val, values, vlen / 8 < count ? vlen / 8 : count);
    return 0;
}

int64_t
lnt_rollup_due_before (lnt_txn_t *txn, char letter, const char *office,
                       int year, int32_t day)
{
    assert (letter == 'D' || letter == 'P');
    if (year < 0 || year > 0xFFFF)
        return 0;
    unsigned char from[S_KEY_MAX], upto[S_KEY_MAX];
    s_key (from, letter, office, year);
    memcpy (upto, from, S_PREFIX);
    s_key_day (from, INT32_MIN);
    s_key_day (upto, day);
    lnt_cursor_t *cursor;
    int rc = lnt_cursor_open (txn, LNT_DB_ROLLUPS, &cursor);
    if (rc)
        return rc;
    int64_t sum = 0;
    const void *k, *v;
    size_t kl, vl;
    rc = lnt_cursor_seek (cursor, from, S_PREFIX + 4, &k, &kl, &v, &vl);
    while (rc == 0 && kl == S_PREFIX + 4 && memcmp (k, upto, kl) < 0) {
        if (vl >= 8)
            sum += s_get_be (v);
        rc = lnt_cursor_next (cursor, &k, &kl, &v, &vl);
    }
    lnt_cursor_close (&cursor);
    return rc == 0 || rc == LNT_ENOTFOUND ? sum : rc;
}

int
lnt_rollup_percentile (const int64_t *days, int percent)
{
    assert (percent >= 0 && percent <= 100);
    int64_t n = 0;
    for (int d = 0; d < S_DAYS; d++)
        n += days[d];
    if (n <= 0)
        return -1;
    //  Nearest rank: the smallest d with at least ceil(percent/100 * n)
    //  responses at d or fewer days; rank 1 at least
    int64_t rank = (percent * n + 99) / 100;
    if (rank < 1)
        rank = 1;
    int64_t seen = 0;
    for (int d = 0; d < S_DAYS; d++)
        if ((seen += days[d]) >= rank)
            return d;
    return S_DAYS - 1;
}

//  ---- recomputing -----------------------------------------------------

//  Sums the contribution of every record in txn into self
static int
s_sum_records (lnt_rollup_t *self, lnt_txn_t *txn, const lnt_ref_t *ref)
{
    lnt_cursor_t *cursor;
    int rc = lnt_cursor_open (txn, LNT_DB_RECORDS, &cursor);
    if (rc)
        return rc;
    const void *k, *v;
    size_t kl, vl;
    rc = lnt_cursor_seek (cursor, NULL, 0, &k, &kl, &v, &vl);
    while (rc == 0) {
        lnt_record_t record;
        lnt_why_t why;
        if (lnt_codec_record_decode (v, vl, &record, &why) == 0
            && (rc = lnt_rollup_add (self, ref, &record, 1)))
            break;
        rc = lnt_cursor_next (cursor, &k, &kl, &v, &vl);
    }
    lnt_cursor_close (&cursor);
    return rc == LNT_ENOTFOUND ? 0 : rc;
}

//  Names a key for people: "office 3503 year 2026 suggestions"
static void
s_key_name (const unsigned char *key, size_t klen, char *buf, size_t size)
{
    char office[9] = {0};
    memcpy (office, key + 1, 8);
    int year = key[9] << 8 | key[10];
    int n = snprintf (buf, size, "office %s year %d ", office, year);
    size_t at = n > 0 && (size_t) n < size ? (size_t) n : size - 1;
    char day[11];
    if (key[0] == 'D' || key[0] == 'P')
        lnt_date_format (s_day_of_key (key), day);
    switch (key[0]) {
    case 'S': snprintf (buf + at, size - at, "suggestions"); break;
    case 'R': snprintf (buf + at, size - at, "action plan"); break;
    case 'D': snprintf (buf + at, size - at, "suggestions due %s", day); break;
    case 'P': snprintf (buf + at, size - at, "action plan due %s", day); break;
    case 'L':
        snprintf (buf + at, size - at, "LKE instrument %.*s",
                  (int) (klen - S_PREFIX), (const char *) key + S_PREFIX);
        break;
    }
}

//  Names counter i of a key of letter: "received", "area 3 done"
static void
s_counter_name (unsigned char letter, size_t i, char *buf, size_t size)
{
    if (letter == 'S') {
        if (i == LNT_ROLLUP_S_RECEIVED) snprintf (buf, size, "received");
        else if (i < LNT_ROLLUP_S_CHANNEL)
            snprintf (buf, size, "status %s",
                      lnt_word (LNT_WORD_STATUS, (int) i - LNT_ROLLUP_S_STATUS));
        else if (i < LNT_ROLLUP_S_CLASS)
            snprintf (buf, size, "channel %s",
                      lnt_word (LNT_WORD_CHANNEL,
                                (int) i - LNT_ROLLUP_S_CHANNEL));
        else if (i < LNT_ROLLUP_S_OPEN)
            snprintf (buf, size, "class %s",
                      lnt_word (LNT_WORD_CLASS, (int) i - LNT_ROLLUP_S_CLASS));
        else if (i == LNT_ROLLUP_S_OPEN) snprintf (buf, size, "open");
        else if (i == LNT_ROLLUP_S_IN_TIME)
            snprintf (buf, size, "answered in time");
        else if (i == LNT_ROLLUP_S_RESPONDED) snprintf (buf, size, "responded");
        else
            snprintf (buf, size, "first responses after %d days",
                      (int) i - LNT_ROLLUP_S_DAYS);
    }
    else if (letter == 'R') {
        static const char *names[] = {"items", "done", "progress"};
        if (i < LNT_ROLLUP_R_AREA)
            snprintf (buf, size, "%s", names[i]);
        else
            snprintf (buf, size, "area %d %s",
                      (int) (i - LNT_ROLLUP_R_AREA) / 3 + 1,
                      names[(i - LNT_ROLLUP_R_AREA) % 3]);
    }
    else if (letter == 'L') {
        static const char *names[] = {"answers", "with evidence", "verified"};
        if (i < LNT_ROLLUP_L_SELF)
            snprintf (buf, size, "%s", names[i]);
        else if (i < LNT_ROLLUP_L_CHECKED)
            snprintf (buf, size, "self-assessed area %d",
                      (int) (i - LNT_ROLLUP_L_SELF) + 1);
        else
            snprintf (buf, size, "verified area %d",
                      (int) (i - LNT_ROLLUP_L_CHECKED) + 1);
    }
    else
        snprintf (buf, size, letter == 'D' ? "open" : "not done");
}

//  Compares one key's stored and recomputed counters (either may be NULL:
//  no such key); reports each counter that differs. True if any did.
static bool
s_compare (const unsigned char *key, size_t klen, const int64_t *stored,
           const int64_t *computed, lnt_rollup_report_fn *report, void *arg)
{
    size_t count = s_count (key[0]);
    bool differ = false;
    char name[160], counter[64], line[320];
    s_key_name (key, klen, name, sizeof name);
    for (size_t i = 0; i < count; i++) {
        int64_t a = stored ? stored[i] : 0, b = computed ? computed[i] : 0;
        if (a == b)
            continue;
        differ = true;
        s_counter_name (key[0], i, counter, sizeof counter);
        snprintf (line, sizeof line, "%s: %s is %lld in the rollup, %lld "
                  "from the records", name, counter, (long long) a,
                  (long long) b);
        if (report)
            report (line, arg);
    }
    if (!differ && (!stored || !computed)) {
        //  A key of zeros only: flush deletes those, so it should not be
        differ = true;
        snprintf (line, sizeof line, "%s: all zeros, %s", name,
                  stored ? "kept in the rollup" : "from the records");
        if (report)
            report (line, arg);
    }
    return differ;
}

static int
s_compare_keys (const void *a, const void *b)
{
    const s_entry_t *x = *(const s_entry_t *const *) a;
    const s_entry_t *y = *(const s_entry_t *const *) b;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp (x->key, y->key, n);
    return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

//  Walks the stored keys, comparing each with self and marking it seen
static int
s_compare_stored (lnt_rollup_t *self, lnt_txn_t *txn,
                  lnt_rollup_report_fn *report, void *arg, int *differ)
{
    lnt_cursor_t *cursor;
    int rc = lnt_cursor_open (txn, LNT_DB_ROLLUPS, &cursor);
    if (rc)
        return rc;
    int64_t stored[LNT_ROLLUP_S_COUNT];
    const void *k, *v;
    size_t kl, vl;
    rc = lnt_cursor_seek (cursor, NULL, 0, &k, &kl, &v, &vl);
    for (; rc == 0; rc = lnt_cursor_next (cursor, &k, &kl, &v, &vl)) {
        const unsigned char *key = k;
        size_t count = kl ? s_count (key[0]) : 0;
        bool day_key = kl && (key[0] == 'D' || key[0] == 'P');
        if (!count || kl < S_PREFIX || kl > S_KEY_MAX || vl != 8 * count
            || (day_key && kl != S_PREFIX + 4)
            || (key[0] == 'L' && kl == S_PREFIX)
            || (!day_key && key[0] != 'L' && kl != S_PREFIX)) {
            char line[200];
            snprintf (line, sizeof line, "a rollup key of %zu bytes starting "
                      "with 0x%02x has a value of %zu bytes: not a rollup "
                      "counter", kl, kl ? key[0] : 0, vl);
            if (report)
                report (line, arg);
            (*differ)++;
            continue;
        }
        for (size_t i = 0; i < count; i++)
            stored[i] = s_get_be ((const unsigned char *) v + 8 * i);
        s_entry_t *e = s_find (self, key, kl);
        if (e)
            e->seen = true;
        if (e && s_all_zero (e->values, count))
            e = NULL;
        if (s_compare (key, kl, stored, e ? e->values : NULL, report, arg))
            (*differ)++;
    }
    lnt_cursor_close (&cursor);
    return rc == LNT_ENOTFOUND ? 0 : rc;
}

int
lnt_rollup_verify (lnt_txn_t *txn, const lnt_ref_t *ref,
                   lnt_rollup_report_fn *report, void *arg)
{
    lnt_rollup_t *sums = lnt_rollup_new ();
    if (!sums)
        return LNT_ENOMEM;
    int differ = 0;
    s_entry_t **unseen = NULL;
    int rc = s_sum_records (sums, txn, ref);
    if (!rc)
        rc = s_compare_stored (sums, txn, report, arg, &differ);
    //  Keys from the records that the rollup lacks, reported in key order
    if (!rc && sums->used
        && !(unseen = malloc (sums->used * sizeof *unseen)))
        rc = LNT_ENOMEM;
    size_t n = 0;
    for (size_t j = 0; !rc && j < sums->cap; j++) {
        s_entry_t *e = &sums->slots[j];
        if (e->klen && !e->seen && !s_all_zero (e->values, s_count (e->key[0])))
            unseen[n++] = e;
    }
    if (n)
        qsort (unseen, n, sizeof *unseen, s_compare_keys);
    for (size_t j = 0; !rc && j < n; j++)
        if (s_compare (unseen[j]->key, unseen[j]->klen, NULL,
                       unseen[j]->values, report, arg))
            differ++;
    free (unseen);
    lnt_rollup_destroy (&sums);
    return rc ? rc : differ;
}

int
lnt_rollup_rebuild (lnt_txn_t *txn, const lnt_ref_t *ref)
{
    lnt_rollup_t *sums = lnt_rollup_new ();
    if (!sums)
        return LNT_ENOMEM;
    int rc = lnt_txn_drop (txn, LNT_DB_ROLLUPS);
    if (!rc)
        rc = s_sum_records (sums, txn, ref);
    if (!rc)
        rc = lnt_rollup_flush (sums, txn);
    lnt_rollup_destroy (&sums);
    return rc;
}
