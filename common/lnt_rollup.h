/*  lnt_rollup.h - province rollups: what each record adds to its office's
    counters, kept up to date from the old and the new state of every
    record in the transaction that merges it, so a query never scans the
    records (DESIGN section 6).

    Counters live in LNT_DB_ROLLUPS. Every value is an array of int64,
    big-endian; every key starts with a letter, the office (8 bytes,
    NUL-padded) and the year (2 bytes, big-endian):
      'S' office year            suggestions: LNT_ROLLUP_S_* counters
      'D' office year day(4)     open suggestions whose resolve due date
                                 is that local day (day number + 2^31,
                                 big-endian): overdue is counted at query
                                 time as those due before today
      'R' office year            action plan: LNT_ROLLUP_R_* counters
      'P' office year day(4)     action-plan items not done, due that day
      'L' office year instrument LKE answers under that instrument:
                                 LNT_ROLLUP_L_* counters
    A year counts a suggestion by the local year it was received, an
    action-plan item and an LKE answer by their own year (DESIGN 11).
    Cancelled action-plan items and deleted records count nowhere.

    The arithmetic here does no I/O but through the transaction given to
    lnt_rollup_flush; the contribution of a record depends only on the
    record and the reference data, so recomputing from the records gives
    the same counters (lontar-hub verify).                                */
#ifndef LNT_ROLLUP_H
#define LNT_ROLLUP_H

#include <stdbool.h>
#include <stdint.h>

#include "lnt_codec.h"
#include "lnt_ref.h"
#include "lnt_store.h"

/*  Suggestion counters ('S'), by index.                                   */
#define LNT_ROLLUP_S_RECEIVED 0      /* suggestions received that year     */
#define LNT_ROLLUP_S_STATUS 1        /* 8: by status (lnt_status_t order)  */
#define LNT_ROLLUP_S_CHANNEL 9       /* 7: by channel                      */
#define LNT_ROLLUP_S_CLASS 16        /* 4: by class                        */
#define LNT_ROLLUP_S_OPEN 20         /* open (not done, archived, not ours) */
#define LNT_ROLLUP_S_IN_TIME 21      /* reached done on or before the
                                        resolve due date                  */
#define LNT_ROLLUP_S_RESPONDED 22    /* have a first response             */
#define LNT_ROLLUP_S_DAYS 23         /* 367: first responses by local days
                                        from received (0..365, then 366 for
                                        a year or more)                   */
#define LNT_ROLLUP_S_COUNT (23 + 367)

/*  Action-plan counters ('R'): totals, then per area 1-8.                 */
#define LNT_ROLLUP_R_ITEMS 0         /* items, not cancelled               */
#define LNT_ROLLUP_R_DONE 1          /* of which done                      */
#define LNT_ROLLUP_R_PROGRESS 2      /* sum of progress, in 10^-9 of an
                                        item (realisation / target, capped
                                        at 1): fine enough that the mean,
                                        rounded to 0.01 %, is exact        */
#define LNT_ROLLUP_PROGRESS_UNIT 1000000000LL
#define LNT_ROLLUP_R_AREA 3          /* 8 x (items, done, progress)        */
#define LNT_ROLLUP_R_COUNT (3 + 3 * 8)

/*  LKE counters ('L'), under one instrument.                              */
#define LNT_ROLLUP_L_ANSWERS 0       /* answers (office sections)          */
#define LNT_ROLLUP_L_EVIDENCE 1      /* of which with evidence             */
#define LNT_ROLLUP_L_VERIFIED 2      /* answers the province verified      */
#define LNT_ROLLUP_L_SELF 3          /* 8: per area sum of rel * value of
                                        the office's answers (lnt_score)   */
#define LNT_ROLLUP_L_CHECKED 11      /* 8: the same of the verified answers */
#define LNT_ROLLUP_L_COUNT 19

/*  Pending changes to counters, summed in memory and written once per
    transaction (a group commit touches few offices and years).           */
typedef struct lnt_rollup_t lnt_rollup_t;

lnt_rollup_t *lnt_rollup_new (void);
void lnt_rollup_destroy (lnt_rollup_t **self_p);

/*  Empties the pending changes (for a transaction that is run again).    */
void lnt_rollup_reset (lnt_rollup_t *self);

/*  Adds (sign +1) or takes away (sign -1) what a record contributes.
    record may be NULL (nothing). A section that does not decode, or an
    answer the reference data does not know, contributes nothing to that
    part. 0 or LNT_ENOMEM.                                                 */
int lnt_rollup_add (lnt_rollup_t *self, const lnt_ref_t *ref,
                    const lnt_record_t *record, int sign);

/*  What the office section of a suggestion or an action-plan item adds
    to the counters: up to two keys and the counters it moves. It depends
    on that section and the reference data only, so it can be worked out
    where the body is decoded anyway (the hub's validation) and given to
    lnt_rollup_hint.                                                      */
#define LNT_ROLLUP_KEY_MAX (11 + LNT_INSTRUMENT_MAX) /* longest key         */
#define LNT_ROLLUP_PART_MAX 12                   /* counters moved, at most */
typedef struct {
    unsigned char key[2][15]; /* the year key ('S', 'R'), the day key     */
    uint8_t klen[2];          /* their lengths; 0 for no key              */
    uint8_t n;                /* counters in add                          */
    struct {
        uint8_t key;          /* 0 or 1: which key                        */
        uint16_t index;       /* which counter of it                      */
        int64_t value;        /* what it adds                             */
    } add[LNT_ROLLUP_PART_MAX]; /* the counters moved                     */
} lnt_rollup_part_t;

/*  The part of suggestion s (its office set) under ref, or of action-plan
    item r (its office set). 0.                                           */
int lnt_rollup_part_suggestion (const lnt_ref_t *ref, const lnt_suggestion_t *s,
                                lnt_rollup_part_t *part);
int lnt_rollup_part_rb_item (const lnt_rb_item_t *r, lnt_rollup_part_t *part);

/*  Tells the pending set that the office section body at body (len
    bytes) of a suggestion or an action-plan item adds part, so that
    lnt_rollup_add of a record whose office section is that very body (the
    same pointer and length) uses part instead of decoding the body again.
    part must be what lnt_rollup_part_* gives for that body under the
    reference data given to lnt_rollup_add. When counted, the caller has
    already added part to the sums (lnt_rollup_add_part): an add (+1) of
    that body is then skipped, while taking it away (-1) still counts.
    body and part must stay unchanged until the hint is cleared with
    lnt_rollup_hint (self, NULL, 0, NULL, false). Borrows both.          */
void lnt_rollup_hint (lnt_rollup_t *self, const void *body, size_t len,
                      const lnt_rollup_part_t *part, bool counted);

/*  Adds part (sign +1) to the pending changes or takes it away (-1):
    what lnt_rollup_add of a record whose office section gives part does,
    for a caller that sums the parts of many changes before it knows
    which of them will be written. 0 or LNT_ENOMEM.                       */
int lnt_rollup_add_part (lnt_rollup_t *self, const lnt_rollup_part_t *part,
                         int sign);

/*  Adds every pending change of from to self's; from is unchanged.
    0 or LNT_ENOMEM (self then holds some of them: reset it).             */
int lnt_rollup_add_all (lnt_rollup_t *self, const lnt_rollup_t *from);

/*  lnt_rollup_add (old, -1) then (new, +1): a record's change.           */
int lnt_rollup_change (lnt_rollup_t *self, const lnt_ref_t *ref,
                       const lnt_record_t *old_record,
                       const lnt_record_t *new_record);

/*  Writes the pending changes into LNT_DB_ROLLUPS in txn (keys whose
    counters all become 0 are deleted) and empties them. 0 or a store
    error; on an error the pending changes are kept, and the caller, which
    aborts txn, resets them before running the transaction again.         */
int lnt_rollup_flush (lnt_rollup_t *self, lnt_txn_t *txn);

/*  Recomputes every rollup from the records in txn and compares with
    LNT_DB_ROLLUPS. Returns the number of keys that differ (0: equal), or
    a negative store error; calls report (may be NULL) for each difference
    with a sentence naming the key and the counter.                       */
typedef void (lnt_rollup_report_fn) (const char *difference, void *arg);
int lnt_rollup_verify (lnt_txn_t *txn, const lnt_ref_t *ref,
                       lnt_rollup_report_fn *report, void *arg);

/*  Empties LNT_DB_ROLLUPS and recomputes it from the records in txn (a
    write transaction): for a change of the reference data that changes
    what records contribute (SLA table, holidays, offices' time zones, an
    instrument loaded again). 0 or a store error / LNT_ENOMEM.             */
int lnt_rollup_rebuild (lnt_txn_t *txn, const lnt_ref_t *ref);

/*  Reads the counters of one key into values (count of them; counters
    past the letter's own count read as 0); absent keys read as zeros.
    letter is 'S', 'R' or 'L'; instrument is used (and needed) for 'L'
    only. 0 or a store error.                                              */
int lnt_rollup_read (lnt_txn_t *txn, char letter, const char *office,
                     int year, const char *instrument, int64_t *values,
                     size_t count);

/*  Sums the day-keyed counters ('D' or 'P') of an office and year for the
    days before day (not counting day itself): overdue as of day. A
    negative store error when the cursor fails.                            */
int64_t lnt_rollup_due_before (lnt_txn_t *txn, char letter,
                               const char *office, int year, int32_t day);

/*  Day counts from a response histogram (LNT_ROLLUP_S_DAYS counters): the
    median and the 90th percentile (nearest rank), or -1 with no response.
    percent 0-100: the smallest d whose cumulative count reaches
    ceil(percent / 100 * n), at least 1.                                   */
int lnt_rollup_percentile (const int64_t *days, int percent);

#endif
