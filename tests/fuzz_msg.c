/*  fuzz_msg.c - libFuzzer target for proto/lnt_msg: the input is a frame
    as it comes off a socket. The decoder must return 0, or LNT_EINVAL with
    a reason, and never crash, read out of bounds, or ask for memory the
    frame cannot justify. A message that decodes is checked further:
      - BATCH, DOWN, RESTORE: every change is decoded with lnt_msg_change
        (0, or LNT_EINVAL with a reason); a change that decodes is encoded
        again and must decode to the same value, and its body is decoded as
        the hub or the agent would (the body decoders must not crash
        either). When every change decodes, the message is built again
        with lnt_msg_batch_begin and the re-encoded changes, and must
        decode to the same header and changes.
      - every other type: encoded again with lnt_msg_encode, which must
        decode to the same fields and encode to the same bytes (the
        encoder is canonical).
    A mismatch aborts, which libFuzzer reports as a crash.

    Run through tests/fuzz.sh (the "fuzz" test), or by hand:
        bash tests/fuzz.sh . /tmp/fuzzbuild msg
    A seed corpus: LNT_MSG_SEEDS=DIR build/tests/test_msg writes every
    valid frame that test makes into DIR.                                  */
#include "lnt_codec.h"
#include "lnt_msg.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  Stops the run with a message; libFuzzer saves the input
static void
s_fail (const char *what)
{
    fprintf (stderr, "fuzz_msg: %s\n", what);
    abort ();
}

//  A refusal must be LNT_EINVAL and say why
static void
s_refused (int rc, const lnt_why_t *why, const char *what)
{
    if (rc != LNT_EINVAL)
        s_fail (what);
    if (!why->text[0])
        s_fail ("a refusal without a reason");
}

static bool
s_same_section (const lnt_section_t *a, const lnt_section_t *b)
{
    return a->present == b->present && a->version == b->version
           && a->node == b->node && a->deleted == b->deleted
           && a->body_len == b->body_len
           && (a->body_len == 0 || memcmp (a->body, b->body, a->body_len) == 0);
}

static bool
s_same_change (const lnt_change_t *a, const lnt_change_t *b)
{
    return a->kind == b->kind && strcmp (a->id, b->id) == 0
           && strcmp (a->office, b->office) == 0 && a->section == b->section
           && s_same_section (&a->state, &b->state);
}

//  The fields a message of a's type carries
static bool
s_same_msg (const lnt_msg_t *a, const lnt_msg_t *b)
{
    if (a->type != b->type)
        return false;
    switch (a->type) {
        case LNT_MSG_HELLO:
            return strcmp (a->office, b->office) == 0
                   && a->incarnation == b->incarnation
                   && a->log_head == b->log_head && a->acked == b->acked
                   && a->hub_incarnation == b->hub_incarnation
                   && a->down_applied == b->down_applied
                   && a->clock == b->clock
                   && a->down_version == b->down_version;
        case LNT_MSG_DOWN_ACK:
        case LNT_MSG_ACK: return a->seq == b->seq;
        case LNT_MSG_QUERY:
            if (strcmp (a->text, b->text) != 0 || a->format != b->format
                || a->arg_count != b->arg_count)
                return false;
            for (int i = 0; i < a->arg_count; i++)
                if (strcmp (a->args[i].key, b->args[i].key) != 0
                    || strcmp (a->args[i].value, b->args[i].value) != 0)
                    return false;
            return true;
        case LNT_MSG_WELCOME:
            return a->verdict == b->verdict && a->seq == b->seq
                   && a->incarnation == b->incarnation
                   && a->window == b->window && a->version == b->version
                   && a->down_from == b->down_from
                   && a->restore == b->restore;
        case LNT_MSG_REFUSE:
            return a->code == b->code && a->seq == b->seq
                   && strcmp (a->text, b->text) == 0;
        case LNT_MSG_ANSWER:
            return a->code == b->code && a->body_len == b->body_len
                   && memcmp (a->body, b->body, a->body_len) == 0;
        default:
            return a->seq == b->seq && a->last == b->last
                   && a->count == b->count
                   && a->last_version == b->last_version;
    }
}

//  A change's body, decoded as its receiver would. Only "no crash"
//  matters here: tests/fuzz_codec checks the bodies' round trips.
static void
s_body (const lnt_change_t *c)
{
    static union {
        lnt_suggestion_t s;    //  office section of a suggestion
        lnt_rb_item_t r;       //  of an action-plan item
        lnt_lke_answer_t a;    //  of an LKE answer
        lnt_lke_verdict_t v;   //  province section of an LKE answer
    } u;
    lnt_why_t why = {""};
    int rc = 0;
    if (c->state.deleted)
        return;
    if (c->kind == LNT_KIND_SUGGESTION)
        rc = lnt_codec_suggestion_decode (c->state.body, c->state.body_len,
                                          &u.s, &why);
    else if (c->kind == LNT_KIND_RB_ITEM)
        rc = lnt_codec_rb_item_decode (c->state.body, c->state.body_len, &u.r,
                                       &why);
    else if (c->kind == LNT_KIND_LKE_ANSWER && c->section == 0)
        rc = lnt_codec_lke_answer_decode (c->state.body, c->state.body_len,
                                          &u.a, &why);
    else if (c->kind == LNT_KIND_LKE_ANSWER)
        rc = lnt_codec_lke_verdict_decode (c->state.body, c->state.body_len,
                                           &u.v, &why);
    if (rc)
        s_refused (rc, &why, "body decode: not LNT_EINVAL");
}

//  BATCH, DOWN, RESTORE: each change, then the whole message again
static void
s_batch (const lnt_msg_t *m)
{
    if (m->count > LNT_BATCH_MAX)
        s_fail ("a batch of more than LNT_BATCH_MAX changes decoded");
    if (m->type == LNT_MSG_BATCH && m->count != m->last - m->seq + 1)
        s_fail ("a BATCH whose count is not last - first + 1 decoded");
    if (m->type != LNT_MSG_RESTORE
        && (m->seq == 0 || m->last < m->seq
            || m->last - m->seq >= LNT_BATCH_MAX
            || m->count > m->last - m->seq + 1))
        s_fail ("a batch header out of its bounds decoded");
    lnt_buf_t frame = {0}, one = {0};
    bool all = true;
    if (lnt_msg_batch_begin (&frame, m->type, m->seq, m->last, m->count))
        s_fail ("batch begin failed");
    for (uint32_t i = 0; i < m->count; i++) {
        lnt_change_t first, again;
        lnt_why_t why = {""};
        int rc = lnt_msg_change (m, i, &first, &why);
        if (rc) {
            s_refused (rc, &why, "lnt_msg_change: not LNT_EINVAL");
            all = false;
            continue;
        }
        s_body (&first);
        lnt_buf_reset (&one);
        if (lnt_codec_change_encode (&first, &one))
            s_fail ("change encode failed");
        if (lnt_codec_change_decode (one.data, one.len, &again, &why))
            s_fail ("a re-encoded change does not decode");
        if (!s_same_change (&first, &again))
            s_fail ("a re-encoded change decodes to another value");
        if (lnt_buf_append (&frame, one.data, one.len))
            s_fail ("out of memory");
    }
    /* A DOWN ends with the version of the hub's change at last.          */
    if (lnt_msg_batch_end (&frame, m->type, m->last_version))
        s_fail ("batch end failed");
    lnt_why_t why = {""};
    lnt_change_t past;
    if (lnt_msg_change (m, m->count, &past, &why) != LNT_EINVAL)
        s_fail ("lnt_msg_change past the count did not refuse");
    if (all) {
        lnt_msg_t again;
        if (lnt_msg_decode (frame.data, frame.len, &again, &why))
            s_fail ("a rebuilt batch does not decode");
        if (!s_same_msg (m, &again))
            s_fail ("a rebuilt batch has another header");
        for (uint32_t i = 0; i < m->count; i++) {
            lnt_change_t a, b;
            if (lnt_msg_change (m, i, &a, NULL)
                || lnt_msg_change (&again, i, &b, NULL)
                || !s_same_change (&a, &b))
                s_fail ("a rebuilt batch has other changes");
        }
        lnt_msg_release (&again);
    }
    lnt_buf_free (&frame);
    lnt_buf_free (&one);
}

//  Every other type: encode, decode, compare, encode again, same bytes
static void
s_other (const lnt_msg_t *m)
{
    lnt_buf_t one = {0}, two = {0};
    lnt_msg_t again;
    lnt_why_t why = {""};
    if (lnt_msg_encode (m, &one))
        s_fail ("a decoded message does not encode");
    if (lnt_msg_decode (one.data, one.len, &again, &why))
        s_fail ("a re-encoded message does not decode");
    if (!s_same_msg (m, &again))
        s_fail ("a re-encoded message decodes to other fields");
    if (lnt_msg_encode (&again, &two) || two.len != one.len
        || memcmp (one.data, two.data, one.len) != 0)
        s_fail ("message encoding is not stable");
    lnt_msg_release (&again);
    lnt_buf_free (&one);
    lnt_buf_free (&two);
}

//  Undefined behaviour is a crash too, whatever the build's recover flags
const char *__ubsan_default_options (void);
const char *
__ubsan_default_options (void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    lnt_msg_t m;
    lnt_why_t why = {""};
    int rc = lnt_msg_decode (data, size, &m, &why);
    if (rc)
        s_refused (rc, &why, "message decode: not LNT_EINVAL");
    else if (m.type == LNT_MSG_BATCH || m.type == LNT_MSG_DOWN
             || m.type == LNT_MSG_RESTORE)
        s_batch (&m);
    else
        s_other (&m);
    lnt_msg_release (&m);
    return 0;
}
