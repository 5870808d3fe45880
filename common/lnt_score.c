/*  lnt_score.c - exact LKE scores: an instrument's plan, answers' area
    contributions, exact scores as fractions, half-up rounding and exact
    means over offices. No I/O, no allocation.                            */
#include <assert.h>
#include <string.h>

#include "lnt_score.h"

#define S_MAX_REL_SUM 1000000000000LL      /* 10^12, 1/10,000           */
#define S_MAX_DENOMINATOR 1000000000000LL  /* D at most 10^12           */
#define S_MAX_POINTS (100LL * LNT_REF_UNIT) /* 100 points                */
#define S_SUM_LIMIT ((lnt_score_int_t) 1 << 126) /* sums' denominators  */

static lnt_score_int_t
s_gcd (lnt_score_int_t a, lnt_score_int_t b)
{
    while (b) {
        lnt_score_int_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

//  num / den in lowest terms; den > 0, num >= 0
static lnt_score_frac_t
s_frac (lnt_score_int_t num, lnt_score_int_t den)
{
    assert (num >= 0 && den > 0);
    lnt_score_int_t g = s_gcd (num, den); /* den when num is 0           */
    return (lnt_score_frac_t){num / g, den / g};
}

int
lnt_score_plan (const lnt_ref_instrument_t *instrument,
                lnt_score_plan_t *plan, lnt_why_t *why)
{
    lnt_score_plan_t p;
    memset (&p, 0, sizeof p);
    p.instrument = instrument;
    int area_nodes[LNT_SCORE_AREAS] = {0};
    size_t items = 0;
    for (size_t i = 0; i < instrument->node_count; i++) {
        const lnt_ref_node_t *node = &instrument->nodes[i];
        bool is_item = strcmp (node->kind, "item") == 0;
        if (!is_item && strcmp (node->kind, "area") != 0)
            continue; /* components and results are not answered      */
        if (node->area < 1 || node->area > LNT_SCORE_AREAS) {
            if (!is_item)
                continue; /* an area node outside 1-8 has no items      */
            return lnt_why (why, LNT_EINVAL, "instrument %s: item %s is in "
                            "area %d; areas are 1-%d", instrument->id,
                            node->code, node->area, LNT_SCORE_AREAS);
        }
        int a = node->area - 1;
        if (!is_item) {
            if (area_nodes[a]++)
                return lnt_why (why, LNT_EINVAL, "instrument %s: area %d has "
                                "two area nodes", instrument->id, a + 1);
            p.area_weight[a] = node->weight;
            continue;
        }
        if (node->weight <= 0)
            return lnt_why (why, LNT_EINVAL, "instrument %s: item %s has no "
                            "relative weight", instrument->id, node->code);
        if (node->weight > S_MAX_REL_SUM - p.area_rel_sum[a])
            return lnt_why (why, LNT_EINVAL, "instrument %s: the relative "
                            "weights of area %d add up to more than 10^8",
                            instrument->id, a + 1);
        p.area_rel_sum[a] += node->weight;
        items++;
    }
    if (items == 0)
        return lnt_why (why, LNT_EINVAL, "instrument %s has no items to "
                        "answer, so it cannot be scored; use an instrument "
                        "with item-level weights such as %s", instrument->id,
                        LNT_REF_DEFAULT_INSTRUMENT);
    lnt_score_int_t d = 1;
    for (int a = 0; a < LNT_SCORE_AREAS; a++) {
        if (!p.area_rel_sum[a])
            continue;
        if (!area_nodes[a])
            return lnt_why (why, LNT_EINVAL, "instrument %s: area %d has "
                            "items but no area node with its weight",
                            instrument->id, a + 1);
        p.max_points += p.area_weight[a];
        d = d / s_gcd (d, p.area_rel_sum[a]) * p.area_rel_sum[a];
        if (d > S_MAX_DENOMINATOR || p.max_points > S_MAX_POINTS)
            return lnt_why (why, LNT_EINVAL, "instrument %s cannot be scored "
                            "exactly: the lcm of its areas' sums of relative "
                            "weights must be at most 10^12 in 1/10,000 and its "
                            "areas with "
                            "items weigh at most 100 points in all",
                            instrument->id);
    }
    p.denominator = (int64_t) d;
    *plan = p;
    return 0;
}

int
lnt_score_contribution (const lnt_ref_t *ref,
                        const lnt_ref_instrument_t *instrument,
                        const char *item, const char *answer, int *area,
                        int64_t *contribution, lnt_why_t *why)
{
    const lnt_ref_node_t *node = lnt_ref_item (instrument, item);
    if (!node)
        return lnt_why (why, LNT_EINVAL, "item %s is not in instrument %s",
                        item, instrument->id);
    if (node->area < 1 || node->area > LNT_SCORE_AREAS
        || node->weight <= 0 || node->weight > S_MAX_REL_SUM)
        return lnt_why (why, LNT_EINVAL, "item %s of instrument %s cannot be "
                        "scored: it needs an area 1-%d and a relative weight "
                        "above 0, at most 10^8", item, instrument->id,
                        LNT_SCORE_AREAS);
    int64_t value;
    int rc = lnt_ref_answer_value (ref, node->answer_type, answer, &value,
                                   why);
    if (rc)
        return rc;
    assert (value >= 0 && value <= LNT_REF_UNIT);
    *area = node->area;
    *contribution = node->weight * value;
    return 0;
}

//  Area a's (0-7) part of the units: weight * sum * (D / rel_sum)
static lnt_score_int_t
s_area_units (const lnt_score_plan_t *plan, int a, int64_t sum)
{
    int64_t rel = plan->area_rel_sum[a];
    assert (sum >= 0 && sum <= (lnt_score_int_t) rel * LNT_REF_UNIT);
    if (!rel)
        return 0;
    return (lnt_score_int_t) plan->area_weight[a] * sum
           * (plan->denominator / rel);
}

lnt_score_int_t
lnt_score_units (const lnt_score_plan_t *plan,
                 const int64_t sums[LNT_SCORE_AREAS])
{
    lnt_score_int_t units = 0;
    for (int a = 0; a < LNT_SCORE_AREAS; a++)
        units += s_area_units (plan, a, sums[a]);
    return units;
}

//  Units are 1 / (10^8 * D) points, so 1 / (10^6 * D) hundredths
lnt_score_frac_t
lnt_score_exact (const lnt_score_plan_t *plan,
                 const int64_t sums[LNT_SCORE_AREAS])
{
    return s_frac (lnt_score_units (plan, sums),
                   (lnt_score_int_t) 1000000 * plan->denominator);
}

lnt_score_frac_t
lnt_score_area_exact (const lnt_score_plan_t *plan, int area, int64_t sum)
{
    assert (area >= 1 && area <= LNT_SCORE_AREAS);
    return s_frac (s_area_units (plan, area - 1, sum),
                   (lnt_score_int_t) 1000000 * plan->denominator);
}

//  units / (10^8 * D) / (max / 10^4) * 100 * 100 = units / (D * max)
lnt_score_frac_t
lnt_score_percent_exact (const lnt_score_plan_t *plan,
                         const int64_t sums[LNT_SCORE_AREAS])
{
    lnt_score_int_t units = lnt_score_units (plan, sums);
    if (plan->max_points == 0)
        return (lnt_score_frac_t){0, 1};
    return s_frac (units, (lnt_score_int_t) plan->denominator
                              * plan->max_points);
}

//  floor (num / den + 1/2)
int64_t
lnt_score_round (lnt_score_frac_t value)
{
    assert (value.num >= 0 && value.den > 0);
    return (int64_t) ((2 * value.num + value.den) / (2 * value.den));
}

int64_t
lnt_score_hundredths (const lnt_score_plan_t *plan,
                      const int64_t sums[LNT_SCORE_AREAS])
{
    return lnt_score_round (lnt_score_exact (plan, sums));
}

int64_t
lnt_score_area_hundredths (const lnt_score_plan_t *plan, int area,
                           int64_t sum)
{
    return lnt_score_round (lnt_score_area_exact (plan, area, sum));
}

int64_t
lnt_score_percent_hundredths (const lnt_score_plan_t *plan,
                              const int64_t sums[LNT_SCORE_AREAS])
{
    return lnt_score_round (lnt_score_percent_exact (plan, sums));
}

void
lnt_score_sum_init (lnt_score_sum_t *sum)
{
    memset (sum, 0, sizeof *sum);
    sum->part.den = 1;
}

int
lnt_score_sum_add (lnt_score_sum_t *sum, lnt_score_frac_t value)
{
    assert (value.num >= 0 && value.den > 0);
    lnt_score_frac_t rest = s_frac (value.num % value.den, value.den);
    lnt_score_int_t b = sum->part.den, g = s_gcd (b, rest.den);
    //  The new denominator is lcm (b, rest.den); both numerators are
    //  below their denominators, so the new numerator is below 2 * lcm
    if (b / g > S_SUM_LIMIT / rest.den)
        return LNT_EINVAL;
    lnt_score_int_t den = b / g * rest.den;
    lnt_score_int_t num = sum->part.num * (rest.den / g)
                          + rest.num * (b / g);
    lnt_score_int_t whole = sum->whole + value.num / value.den;
    if (num >= den) {
        num -= den;
        whole++;
    }
    sum->whole = whole;
    sum->part = s_frac (num, den);
    sum->count++;
    return 0;
}

//  floor ((whole + a/b) / n + 1/2) = floor ((K + 2a/b) / 2n) with
//  K = 2 whole + n = q 2n + r: q, plus 1 when r + 2a/b >= 2n. As
//  0 <= 2a/b < 2, that is only when r = 2n - 1 and 2a >= b.
int64_t
lnt_score_sum_mean (const lnt_score_sum_t *sum)
{
    if (sum->count == 0)
        return 0;
    lnt_score_int_t n2 = 2 * (lnt_score_int_t) sum->count;
    lnt_score_int_t k = 2 * sum->whole + (lnt_score_int_t) sum->count;
    lnt_score_int_t q = k / n2, r = k % n2;
    if (r == n2 - 1 && 2 * sum->part.num >= sum->part.den)
        q++;
    return (int64_t) q;
}

static int
s_mean (const lnt_score_plan_t *const *plans,
        const int64_t (*sums)[LNT_SCORE_AREAS], size_t n, bool percent,
        int64_t *mean)
{
    if (n == 0)
        return LNT_EINVAL;
    lnt_score_sum_t sum;
    lnt_score_sum_init (&sum);
    for (size_t i = 0; i < n; i++) {
        lnt_score_frac_t value = percent
                                     ? lnt_score_percent_exact (plans[i],
                                                                sums[i])
                                     : lnt_score_exact (plans[i], sums[i]);
        if (lnt_score_sum_add (&sum, value))
            return LNT_EINVAL;
    }
    *mean = lnt_score_sum_mean (&sum);
    return 0;
}

int
lnt_score_mean_hundredths (const lnt_score_plan_t *const *plans,
                           const int64_t (*sums)[LNT_SCORE_AREAS], size_t n,
                           int64_t *mean)
{
    return s_mean (plans, sums, n, false, mean);
}

int
lnt_score_mean_percent_hundredths (const lnt_score_plan_t *const *plans,
                                   const int64_t (*sums)[LNT_SCORE_AREAS],
                                   size_t n, int64_t *mean)
{
    return s_mean (plans, sums, n, true, mean);
}
