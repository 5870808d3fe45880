/*  fuzz_codec.c - libFuzzer target for proto/lnt_codec: every decoder gets
    the input. A decoder must return 0 or LNT_EINVAL with a reason, never
    crash. What decodes is encoded again; that encoding must decode to the
    same value and encode to the same bytes (the encoders are canonical, so
    encode o decode is idempotent even when the input was not canonical).
    A mismatch aborts, which libFuzzer reports as a crash.

    Build and run by hand:
        clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
            -Icommon -Iproto tests/fuzz_codec.c proto/lnt_codec.c \
            common/lnt_buf.c common/lnt_error.c common/lnt_record.c \
            common/lnt_csv.c common/lnt_ref.c common/lnt_time.c \
            $(pkg-config --cflags --libs msgpack) -o /tmp/fuzz_codec
        /tmp/fuzz_codec -max_total_time=60
    or through tests/fuzz.sh, which the "fuzz" test runs.                   */
#include "lnt_codec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  Stops the run with a message; libFuzzer saves the input
static void
s_fail (const char *what)
{
    fprintf (stderr, "fuzz_codec: %s\n", what);
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
s_same_record (const lnt_record_t *a, const lnt_record_t *b)
{
    return a->kind == b->kind && strcmp (a->id, b->id) == 0
           && strcmp (a->office, b->office) == 0
           && s_same_section (&a->sec[0], &b->sec[0])
           && s_same_section (&a->sec[1], &b->sec[1]);
}

static bool
s_same_change (const lnt_change_t *a, const lnt_change_t *b)
{
    return a->kind == b->kind && strcmp (a->id, b->id) == 0
           && strcmp (a->office, b->office) == 0 && a->section == b->section
           && s_same_section (&a->state, &b->state);
}

static void
s_record (const uint8_t *data, size_t size)
{
    lnt_record_t first, again;
    lnt_why_t why = {""};
    int rc = lnt_codec_record_decode (data, size, &first, &why);
    if (rc) {
        s_refused (rc, &why, "record decode: not LNT_EINVAL");
        return;
    }
    lnt_buf_t one = {0}, two = {0};
    if (lnt_codec_record_encode (&first, &one))
        s_fail ("record encode failed");
    if (lnt_codec_record_decode (one.data, one.len, &again, &why))
        s_fail ("a re-encoded record does not decode");
    if (!s_same_record (&first, &again))
        s_fail ("a re-encoded record decodes to another value");
    if (lnt_codec_record_encode (&again, &two) || two.len != one.len
        || memcmp (one.data, two.data, one.len) != 0)
        s_fail ("record encoding is not stable");
    lnt_buf_free (&one);
    lnt_buf_free (&two);
}

static void
s_change (const uint8_t *data, size_t size)
{
    lnt_change_t first, again;
    lnt_why_t why = {""};
    int rc = lnt_codec_change_decode (data, size, &first, &why);
    if (rc) {
        s_refused (rc, &why, "change decode: not LNT_EINVAL");
        return;
    }
    lnt_buf_t one = {0}, two = {0};
    if (lnt_codec_change_encode (&first, &one))
        s_fail ("change encode failed");
    if (lnt_codec_change_decode (one.data, one.len, &again, &why))
        s_fail ("a re-encoded change does not decode");
    if (!s_same_change (&first, &again))
        s_fail ("a re-encoded change decodes to another value");
    if (lnt_codec_change_encode (&again, &two) || two.len != one.len
        || memcmp (one.data, two.data, one.len) != 0)
        s_fail ("change encoding is not stable");
    lnt_buf_free (&one);
    lnt_buf_free (&two);
}

//  The bodies: decode into zeroed structs, so two decodings of the same
//  value compare equal byte for byte (padding included).
#define S_BODY(name, type)                                                   \
    static void s_##name (const uint8_t *data, size_t size)                  \
    {                                                                        \
        static type first, again;                                            \
        lnt_why_t why = {""};                                                \
        memset (&first, 0, sizeof first);                                    \
        memset (&again, 0, sizeof again);                                    \
        int rc = lnt_codec_##name##_decode (data, size, &first, &why);       \
        if (rc) {                                                            \
            s_refused (rc, &why, #name " decode: not LNT_EINVAL");           \
            return;                                                          \
        }                                                                    \
        lnt_buf_t one = {0};                                                 \
        if (lnt_codec_##name##_encode (&first, &one))                        \
            s_fail (#name " encode failed");                                 \
        if (lnt_codec_##name##_decode (one.data, one.len, &again, &why))     \
            s_fail ("a re-encoded " #name " does not decode");               \
        if (memcmp (&first, &again, sizeof first) != 0)                      \
            s_fail ("a re-encoded " #name " decodes to another value");      \
        lnt_buf_free (&one);                                                 \
    }

S_BODY (suggestion, lnt_suggestion_t)
S_BODY (private, lnt_private_t)
S_BODY (rb_item, lnt_rb_item_t)
S_BODY (lke_answer, lnt_lke_answer_t)
S_BODY (lke_verdict, lnt_lke_verdict_t)

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
    s_record (data, size);
    s_change (data, size);
    s_suggestion (data, size);
    s_private (data, size);
    s_rb_item (data, size);
    s_lke_answer (data, size);
    s_lke_verdict (data, size);
    return 0;
}
