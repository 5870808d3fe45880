/*  lnt_score.h - exact LKE scores under an instrument.

    An item's points are its area's weight times its share of the area's
    relative weights (PermenPANRB 26/2020: 5 * 6/15 = 2.00, 5 * 1/15 =
    0.333...). To keep such thirds exact, every score is an integer count
    of score units of 1 / (10^8 * D) points, where D is the instrument's
    common denominator: the least common multiple of its areas' sums of
    relative weights (in 1/10,000). A sum of answers is then exact, and it
    is rounded (half up, to hundredths) only when shown, so no rounding of
    parts ever drifts a total: grade bands compare exactly (80.00 is BB).

    Answers accumulate per area as sum(rel * value): relative weight and
    answer value both in 1/10,000 (lnt_ref_answer_value). That integer is
    what rollups keep; lnt_score turns it into points.

    Only areas with items count: components and "result" nodes are not
    answered, so max_points is the sum of the weights of the areas that
    have items (20 points for the shipped 2020 instrument, whose D is
    600,000: the lcm of 5, 2, 2, 5, 15, 3, 12 and 6 in 1/10,000).

    Limits, checked by lnt_score_plan so that nothing below can overflow:
    an area's relative weights add up to at most 10^12 (1/10,000), D is
    at most 10^12 and max_points at most 100 points. Exact values are then
    fractions of hundredths with denominators of at most 10^18, held in
    128-bit integers (GCC and clang on 64-bit targets).

    No function here allocates, does I/O or keeps state: safe from any
    thread for distinct outputs.                                           */
#ifndef LNT_SCORE_H
#define LNT_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lnt_error.h"
#include "lnt_ref.h"

#define LNT_SCORE_AREAS 8

/*  A signed 128-bit integer (a GCC and clang extension).                  */
__extension__ typedef __int128 lnt_score_int_t;

/*  An exact non-negative value: num / den.                                */
typedef struct {
    lnt_score_int_t num; /* numerator, 0 or more                            */
    lnt_score_int_t den; /* denominator, above 0                            */
} lnt_score_frac_t;

/*  What an instrument's scoring needs, worked out once.                   */
typedef struct {
    const lnt_ref_instrument_t *instrument; /* borrowed                    */
    int64_t area_weight[LNT_SCORE_AREAS];   /* points of area 1-8, 1/10,000
                                               (its area node's weight)    */
    int64_t area_rel_sum[LNT_SCORE_AREAS];  /* sum of its items' relative
                                               weights, 1/10,000; 0 when the
                                               area has no items           */
    int64_t denominator;                    /* D: lcm of the non-zero sums  */
    int64_t max_points;                     /* sum of weights of the areas
                                               that have items, 1/10,000   */
} lnt_score_plan_t;

/*  Works out the plan of an instrument; plan borrows instrument (it lives
    until the reference set changes). 0, or LNT_EINVAL with why when it
    cannot be scored exactly: no items (the 2014 instrument), an item
    outside the areas 1-8, an area with items but no area node or with two,
    an area's relative weights over 10^12, a denominator over 10^12 or
    more than 100 points in all. The plan is unchanged on failure.         */
int lnt_score_plan (const lnt_ref_instrument_t *instrument,
                    lnt_score_plan_t *plan, lnt_why_t *why);

/*  An answer's contribution to its area: rel * value, both in 1/10,000,
    with *area 1-8; or LNT_EINVAL when the item is not in the instrument,
    its relative weight is over 10^12 or the answer not allowed (why says
    which). Outputs are set only on success.                               */
int lnt_score_contribution (const lnt_ref_t *ref,
                            const lnt_ref_instrument_t *instrument,
                            const char *item, const char *answer, int *area,
                            int64_t *contribution, lnt_why_t *why);

/*  The functions below take per-area sums of contributions (index 0 is
    area 1). Each sum must be one the area's answers can make, 0 to
    area_rel_sum * 10,000 (0 for an area without items): each item
    answered at most once. Anything else is a bug in the caller (assert).  */

/*  The exact score in units of 1 / (10^8 * D) points: the sum over areas
    of weight * sum * (D / rel_sum). At most max_points * 10^4 * D.        */
lnt_score_int_t lnt_score_units (const lnt_score_plan_t *plan,
                                 const int64_t sums[LNT_SCORE_AREAS]);

/*  The exact score in hundredths of a point: units / (10^6 * D), reduced. */
lnt_score_frac_t lnt_score_exact (const lnt_score_plan_t *plan,
                                  const int64_t sums[LNT_SCORE_AREAS]);

/*  One area's exact score (area 1-8) in hundredths of a point, reduced.   */
lnt_score_frac_t lnt_score_area_exact (const lnt_score_plan_t *plan,
                                       int area, int64_t sum);

/*  score / max * 100 exactly, in hundredths of a percent: units /
    (D * max_points), reduced; 0 when max is 0.                            */
lnt_score_frac_t lnt_score_percent_exact (const lnt_score_plan_t *plan,
                                          const int64_t sums[LNT_SCORE_AREAS]);

/*  An exact value rounded half up to an integer (x.5 goes up): the one
    rounding a shown number gets.                                          */
int64_t lnt_score_round (lnt_score_frac_t value);

/*  A score from per-area sums of contributions, as
    hundredths of a point, rounded half up: the exact value behind it is
    sum over areas of weight * sum / rel_sum.                              */
int64_t lnt_score_hundredths (const lnt_score_plan_t *plan,
                              const int64_t sums[LNT_SCORE_AREAS]);

/*  One area's (1-8) score in hundredths of a point, rounded half up.      */
int64_t lnt_score_area_hundredths (const lnt_score_plan_t *plan, int area,
                                   int64_t sum);

/*  score / max * 100 in hundredths, rounded half up, computed from the
    exact score (not from the rounded one): the number the grade band is
    taken on. 0 when max is 0.                                             */
int64_t lnt_score_percent_hundredths (const lnt_score_plan_t *plan,
                                      const int64_t sums[LNT_SCORE_AREAS]);

/*  An exact running sum, for means over offices that may be under
    different instruments: the mean is rounded once, from the exact sum.  */
typedef struct {
    lnt_score_int_t whole; /* integer part of the sum                       */
    lnt_score_frac_t part; /* the rest: 0 <= num < den, reduced            */
    size_t count;          /* how many values were added                    */
} lnt_score_sum_t;

/*  Empties a sum.                                                         */
void lnt_score_sum_init (lnt_score_sum_t *sum);

/*  Adds an exact value (from lnt_score_exact, _area_exact or
    _percent_exact). 0, or LNT_EINVAL when the sum's denominator (the lcm
    of the values' reduced denominators) would pass 2^126; the sum is then
    unchanged. Never for values under at most two distinct instruments
    (each denominator is at most 10^18); for the shipped instrument the
    denominators divide 6 * 10^11.                                         */
int lnt_score_sum_add (lnt_score_sum_t *sum, lnt_score_frac_t value);

/*  The mean of the values added, rounded half up once; 0 when empty.     */
int64_t lnt_score_sum_mean (const lnt_score_sum_t *sum);

/*  The mean over n offices of their scores (plans[i] and sums[i] are
    office i's), in hundredths of a point, rounded half up once from the
    exact mean; and the same for score / max * 100, the number the
    province's grade band is taken on. 0 and *mean, or LNT_EINVAL when n
    is 0 or the exact sum overflows (see lnt_score_sum_add).               */
int lnt_score_mean_hundredths (const lnt_score_plan_t *const *plans,
                               const int64_t (*sums)[LNT_SCORE_AREAS],
                               size_t n, int64_t *mean);
int lnt_score_mean_percent_hundredths (const lnt_score_plan_t *const *plans,
                                       const int64_t (*sums)[LNT_SCORE_AREAS],
                                       size_t n, int64_t *mean);

#endif
