/*  lnt_listing.h - how records appear in listings: the columns of each
    kind and one row per record, for the agent's staff commands and the
    hub's queries alike.

    CSV and JSON carry every field, named with the words of DESIGN section
    11; the table for people shows the columns that fit on a screen. Dates
    and times are the office's local time ("2026-03-01 09:12"). Due dates
    and overdue are computed here from the SLA table and the calendar, as
    of now (ms UTC), never taken from the record.                           */
#ifndef LNT_LISTING_H
#define LNT_LISTING_H

#include "lnt_out.h"
#include "lnt_record.h"
#include "lnt_ref.h"

void lnt_listing_suggestion_columns (lnt_out_t *out, lnt_out_format_t format);
void lnt_listing_suggestion_row (lnt_out_t *out, lnt_out_format_t format,
                                 const lnt_suggestion_t *s,
                                 const lnt_ref_t *ref, int64_t now);

/*  The history of one suggestion: status, at, note.                       */
void lnt_listing_history (lnt_out_t *out, const lnt_suggestion_t *s,
                          const lnt_ref_t *ref);

void lnt_listing_rb_columns (lnt_out_t *out, lnt_out_format_t format);
void lnt_listing_rb_row (lnt_out_t *out, lnt_out_format_t format,
                         const lnt_rb_item_t *r, const lnt_ref_t *ref,
                         int64_t now);

/*  verdict may be NULL: not verified yet.                                  */
void lnt_listing_lke_columns (lnt_out_t *out, lnt_out_format_t format);
void lnt_listing_lke_row (lnt_out_t *out, lnt_out_format_t format,
                          const lnt_lke_answer_t *a,
                          const lnt_lke_verdict_t *verdict,
                          const lnt_ref_t *ref);

/*  Is an action-plan item overdue at now: not done or cancelled, and its
    due date has passed in the office's local time.                        */
bool lnt_listing_rb_overdue (const lnt_rb_item_t *r, const lnt_ref_t *ref,
                             int64_t now);

/*  Is a suggestion overdue at now: open and past its resolve due date.   */
bool lnt_listing_suggestion_overdue (const lnt_suggestion_t *s,
                                     const lnt_ref_t *ref, int64_t now);

#endif
