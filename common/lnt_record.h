/*  lnt_record.h - the kinds of record, their fields, the words that name
    them, and validation of every field against the reference data.

    A record has a kind, an id, an owning office and two sections: the office
    section (written only by the owning office) and the province section
    (written only by the hub). The structs here are the decoded bodies of
    those sections; proto/lnt_codec turns them into bytes and back. Every
    string is bounded by the size of its buffer (LNT_*_MAX bytes, UTF-8).  */
#ifndef LNT_RECORD_H
#define LNT_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "lnt_error.h"
#include "lnt_ref.h"

typedef enum {
    LNT_KIND_SUGGESTION = 1, /* a citizen's suggestion or complaint        */
    LNT_KIND_RB_ITEM = 2,    /* an RB action-plan item                      */
    LNT_KIND_LKE_ANSWER = 3, /* a self-assessment answer                    */
    LNT_KIND_REF = 4         /* a part of the reference data (from the hub) */
} lnt_kind_t;

#define LNT_SECTION_OFFICE 0   /* written by the owning office             */
#define LNT_SECTION_PROVINCE 1 /* written by the hub                        */

#define LNT_ID_MAX 47
#define LNT_OFFICE_MAX 7
#define LNT_CATEGORY_MAX 64
#define LNT_SUBJECT_MAX 200
#define LNT_TEXT_MAX 4000
#define LNT_NOTE_MAX 500
#define LNT_HISTORY_MAX 32
#define LNT_NAME_MAX 200
#define LNT_SHORT_MAX 300
#define LNT_UNIT_MAX 40
#define LNT_EVIDENCE_MAX 500
#define LNT_ANSWER_MAX 7
#define LNT_ITEM_MAX 15
#define LNT_INSTRUMENT_MAX 63
#define LNT_NONE_DAY INT32_MIN /* an absent date                            */

/*  The words (DESIGN section 11). Each enum starts at 0 and its names are
    in the same order in lnt_record.c.                                      */
typedef enum {
    LNT_CH_WEBSITE, LNT_CH_SUGGESTION_BOX, LNT_CH_LETTER, LNT_CH_IN_PERSON,
    LNT_CH_PHONE, LNT_CH_LAPOR, LNT_CH_SOCIAL_MEDIA, LNT_CH_COUNT
} lnt_channel_t;
typedef enum {
    LNT_CL_SUGGESTION, LNT_CL_COMPLAINT, LNT_CL_INFORMATION_REQUEST,
    LNT_CL_WHISTLEBLOWING, LNT_CL_COUNT
} lnt_class_t;
typedef enum {
    LNT_PR_PUBLIC, LNT_PR_ANONYMOUS, LNT_PR_CONFIDENTIAL, LNT_PR_COUNT
} lnt_privacy_t;
typedef enum {
    LNT_ST_RECEIVED, LNT_ST_VERIFIED, LNT_ST_ON_HOLD, LNT_ST_NOT_OUR_AUTHORITY,
    LNT_ST_REFERRED, LNT_ST_IN_PROGRESS, LNT_ST_DONE, LNT_ST_ARCHIVED,
    LNT_ST_COUNT
} lnt_status_t;
typedef enum {
    LNT_RB_PLANNED, LNT_RB_IN_PROGRESS, LNT_RB_DONE, LNT_RB_CANCELLED,
    LNT_RB_COUNT
} lnt_rb_status_t;

typedef enum {
    LNT_WORD_CHANNEL, LNT_WORD_CLASS, LNT_WORD_PRIVACY, LNT_WORD_STATUS,
    LNT_WORD_RB_STATUS
} lnt_word_set_t;

/*  The word for value in a set, or NULL when out of range.                */
const char *lnt_word (lnt_word_set_t set, int value);

/*  The value of a word: 0 and *value, or LNT_EINVAL with why listing the
    words allowed ("channel \"fax\" is not one of website, ...").          */
int lnt_word_parse (lnt_word_set_t set, const char *word, int *value,
                    lnt_why_t *why);

typedef struct {
    uint8_t status;          /* lnt_status_t it moved to                  */
    int64_t at;              /* when, ms UTC                              */
    char note[LNT_NOTE_MAX + 1]; /* why, as staff wrote it                */
} lnt_step_t;

/*  The office section of a suggestion. The reporter's identity, and the
    text of a confidential suggestion, are not here: they stay in the
    office's private data and never replicate.                            */
typedef struct {
    char id[LNT_ID_MAX + 1];         /* tracking number 3503-2026-000042   */
    char office[LNT_OFFICE_MAX + 1]; /* owning office                       */
    int64_t received;                /* received, ms UTC                    */
    uint8_t channel;                 /* lnt_channel_t                       */
    uint8_t class_;                  /* lnt_class_t                         */
    bool field_check;                /* a complaint that needs a field check */
    uint8_t privacy;                 /* lnt_privacy_t                       */
    char category[LNT_CATEGORY_MAX + 1]; /* free category, "facilities"    */
    char subject[LNT_SUBJECT_MAX + 1];   /* short subject                  */
    char text[LNT_TEXT_MAX + 1];     /* the text; "" when confidential      */
    uint8_t status;                  /* lnt_status_t, the current status    */
    uint8_t history_len;             /* steps in history                    */
    lnt_step_t history[LNT_HISTORY_MAX]; /* every status, first received   */
    char response[LNT_TEXT_MAX + 1]; /* answer given to the citizen         */
    int64_t responded;               /* when it was given, ms UTC; 0 none   */
} lnt_suggestion_t;

/*  What of a suggestion never leaves the office.                          */
typedef struct {
    char reporter_name[LNT_NAME_MAX + 1];    /* who wrote it               */
    char reporter_contact[LNT_NAME_MAX + 1]; /* how to reach them          */
    char text[LNT_TEXT_MAX + 1];  /* text of a confidential suggestion     */
} lnt_private_t;

typedef struct {
    char id[LNT_ID_MAX + 1];         /* 3503-RB-2026-0001                  */
    char office[LNT_OFFICE_MAX + 1]; /* owning office                       */
    int year;                        /* plan year                           */
    int area;                        /* area of change 1-8                  */
    char programme[LNT_SHORT_MAX + 1];    /* programme                     */
    char activity[LNT_SHORT_MAX + 1];     /* activity (kegiatan)           */
    char sub_activity[LNT_SHORT_MAX + 1]; /* sub-activity                  */
    char indicator[LNT_SHORT_MAX + 1];    /* success indicator             */
    int64_t target;                  /* target value, in thousandths        */
    char unit[LNT_UNIT_MAX + 1];     /* unit of target and realisation      */
    int64_t realisation;             /* realised so far, in thousandths     */
    uint8_t status;                  /* lnt_rb_status_t                     */
    int32_t due;                     /* due local date, LNT_NONE_DAY none   */
    char person[LNT_NAME_MAX + 1];   /* person in charge                    */
    char evidence[LNT_EVIDENCE_MAX + 1]; /* title, link or SHA-256        */
    int64_t updated;                 /* last change, ms UTC                 */
} lnt_rb_item_t;

typedef struct {
    char id[LNT_ID_MAX + 1];         /* 3503-LKE-2026-A1.3                 */
    char office[LNT_OFFICE_MAX + 1]; /* owning office                       */
    int year;                        /* assessment year                     */
    char instrument[LNT_INSTRUMENT_MAX + 1]; /* instrument id               */
    char item[LNT_ITEM_MAX + 1];     /* item code, "A1.3"                   */
    char answer[LNT_ANSWER_MAX + 1]; /* Y/T, A-D, or 0-100 for PCT          */
    char justification[LNT_TEXT_MAX + 1]; /* why that answer               */
    char evidence[LNT_EVIDENCE_MAX + 1];  /* title, link or SHA-256        */
    int64_t answered;                /* when, ms UTC                        */
} lnt_lke_answer_t;

/*  The province section of an LKE answer: the assessor's verdict.         */
typedef struct {
    char answer[LNT_ANSWER_MAX + 1]; /* verified answer                     */
    char note[LNT_NOTE_MAX + 1];     /* assessor's note                     */
    int64_t verified;                /* when, ms UTC                        */
} lnt_lke_verdict_t;

/*  Validation. Each checks every field (bounds, UTF-8, words, ranges,
    references) and returns 0, or LNT_EINVAL with why naming the record
    and the field.                                                         */
int lnt_suggestion_check (const lnt_suggestion_t *s, const lnt_ref_t *ref,
                          lnt_why_t *why);
int lnt_private_check (const lnt_private_t *p, const char *id,
                       lnt_why_t *why);

/*  What a caller of lnt_suggestion_check_known vouches for (bits).        */
#define LNT_KNOWN_UTF8 1u /* category, subject and text passed
                             lnt_utf8_valid (lnt_csv checks every field with
                             it): that test is not run again              */

/*  lnt_suggestion_check, less the tests known holds; the same messages.
    Only for what provably passed them (the import: fields read by lnt_csv
    and copied whole); every other test runs.                             */
int lnt_suggestion_check_known (const lnt_suggestion_t *s,
                                const lnt_ref_t *ref, unsigned known,
                                lnt_why_t *why);
int lnt_rb_item_check (const lnt_rb_item_t *r, const lnt_ref_t *ref,
                       lnt_why_t *why);
int lnt_lke_answer_check (const lnt_lke_answer_t *a, const lnt_ref_t *ref,
                          lnt_why_t *why);
int lnt_lke_verdict_check (const lnt_lke_verdict_t *v,
                           const lnt_lke_answer_t *a, const lnt_ref_t *ref,
                           lnt_why_t *why);

/*  Checks one text field: valid UTF-8, at most max bytes, not empty when
    required. why names the record and the field.                          */
int lnt_text_check (const char *text, size_t max, bool required,
                    const char *record, const char *field, lnt_why_t *why);

/*  Whether a status may move to another (DESIGN section 11).              */
bool lnt_status_can_move (lnt_status_t from, lnt_status_t to);
bool lnt_rb_status_can_move (lnt_rb_status_t from, lnt_rb_status_t to);

/*  Open: any status but done, archived and not_our_authority.             */
bool lnt_status_is_open (lnt_status_t status);

/*  The SLA class name of a suggestion: its class word, or
    complaint_field_check for a complaint that needs a field check.       */
const char *lnt_suggestion_sla_class (const lnt_suggestion_t *s);

/*  The local due dates of a suggestion (verify and resolve), from the SLA
    table and working-day calendar. 0, or LNT_ENOTFOUND when the SLA table
    has no row for its class.                                               */
int lnt_suggestion_due (const lnt_suggestion_t *s, const lnt_ref_t *ref,
                        int32_t *verify_due, int32_t *resolve_due);

/*  Record ids: "3503-2026-000042", "3503-RB-2026-0001",
    "3503-LKE-2026-A1.3". buf holds LNT_ID_MAX + 1 bytes. Numbers are
    padded with zeros to the digits below, and grow past them.            */
#define LNT_ID_SUGGESTION_DIGITS 6
#define LNT_ID_RB_DIGITS 4
void lnt_id_suggestion (char *buf, const char *office, int year, uint64_t n);
void lnt_id_rb_item (char *buf, const char *office, int year, uint64_t n);
void lnt_id_lke_answer (char *buf, const char *office, int year,
                        const char *item);

#endif
