/*  test_score.c - unit test for lnt_score: the plan of the shipped 2020
    instrument and of a small test instrument, item points kept exact
    (three thirds make exactly 1.00), the best and worst answers, grade
    band boundaries reached exactly (80.00 is BB, 80.005 rounds to 80.01
    and is A), half-up rounding of scores and areas, exact means over
    offices under two instruments rounded once, instruments that cannot be
    scored, and a property: over random answers, an independent rational
    recomputation agrees with the module to the hundredth.

    Usage: test_score [data-folder [seed]]. The random part prints its
    seed; give that seed to replay a failure.                              */
#include "lnt_error.h"
#include "lnt_ref.h"
#include "lnt_score.h"
#include "lnt_test.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define S_2020 "permenpanrb-26-2020-pemenuhan"

//  Sevenths and thirds (D = lcm (7, 3) in 1/10,000 = 210,000), an area
//  node without items and a result node, neither of which counts: max is
//  3 + 7 = 10 points.
static const char s_test_instrument[] =
    "# node,parent,kind,area,weight_or_rel_weight,answer_type,title\n"
    "T,,component,,10,,Uji\n"
    "T1,T,area,1,3,,Satu\n"
    "T1.1,T1,item,1,1,YT,a\n"
    "T1.2,T1,item,1,1,YT,b\n"
    "T1.3,T1,item,1,1,YT,c\n"
    "T1.4,T1,item,1,1,YT,d\n"
    "T1.5,T1,item,1,1,YT,e\n"
    "T1.6,T1,item,1,1,YT,f\n"
    "T1.7,T1,item,1,1,PCT,g\n"
    "T2,T,area,2,7,,Dua\n"
    "T2.1,T2,item,2,1,ABC,h\n"
    "T2.2,T2,item,2,2,ABCD,i\n"
    "T3,T,area,3,5,,Tiga tanpa butir\n"
    "H,,result,,40,,Hasil\n";

static const char *s_dir;

//  Loads one part from its file in the data folder; 0 or the error
static int
s_load_file (lnt_ref_t *ref, const char *name, const char *file)
{
    char path[1024];
    snprintf (path, sizeof path, "%s/%s", s_dir, file);
    char *text;
    size_t len;
    int rc = lnt_ref_read_file (path, &text, &len);
    if (rc) {
        fprintf (stderr, "cannot read %s: %s\n", path, lnt_strerror (rc));
        return rc;
    }
    lnt_why_t why = {""};
    rc = lnt_ref_load (ref, name, text, len, &why);
    if (rc)
        fprintf (stderr, "%s: %s\n", name, why.text);
    free (text);
    return rc;
}

//  Loads a text part given as a C string
static int
s_load (lnt_ref_t *ref, const char *name, const char *text, lnt_why_t *why)
{
    why->text[0] = 0;
    return lnt_ref_load (ref, name, text, strlen (text), why);
}

//  True if why holds word; otherwise prints the message
static bool
s_says (const lnt_why_t *why, const char *word)
{
    if (strstr (why->text, word))
        return true;
    fprintf (stderr, "  message \"%s\" lacks \"%s\"\n", why->text, word);
    return false;
}

static const char *
s_grade (const lnt_ref_t *ref, int64_t hundredths)
{
    const lnt_ref_band_t *band = lnt_ref_grade (ref, (int) hundredths);
    return band ? band->grade : "(none)";
}

//  Adds one answer to sums; a refusal is a failed check
static void
s_answer (const lnt_ref_t *ref, const lnt_ref_instrument_t *in,
          const char *item, const char *answer, int64_t sums[8])
{
    int area = 0;
    int64_t contribution = 0;
    lnt_why_t why = {""};
    int rc = lnt_score_contribution (ref, in, item, answer, &area,
                                     &contribution, &why);
    if (rc) { //  counted only when refused, to keep the counts readable
        CHECK_INT (rc, 0);
        fprintf (stderr, "  %s=%s: %s\n", item, answer, why.text);
    }
    else
        sums[area - 1] += contribution;
}

//  Sums of answers to every item of in: the override listed for it in
//  pairs (item, answer, ..., NULL; "" leaves it unanswered), else the best
//  answer (worst when !best)
static void
s_fill (const lnt_ref_t *ref, const lnt_ref_instrument_t *in, bool best,
        const char *const *pairs, int64_t sums[8])
{
    memset (sums, 0, 8 * sizeof sums[0]);
    for (size_t i = 0; i < in->node_count; i++) {
        const lnt_ref_node_t *node = &in->nodes[i];
        if (strcmp (node->kind, "item") != 0)
            continue;
        const char *answer = NULL;
        for (size_t k = 0; pairs && pairs[k]; k += 2)
            if (strcmp (pairs[k], node->code) == 0)
                answer = pairs[k + 1];
        if (!answer) {
            const char *type = node->answer_type;
            answer = strcmp (type, "PCT") == 0 ? (best ? "100" : "0")
                     : strcmp (type, "YT") == 0 ? (best ? "Y" : "T")
                     : strcmp (type, "ABC") == 0 ? (best ? "A" : "C")
                                                 : (best ? "A" : "D");
        }
        if (*answer)
            s_answer (ref, in, node->code, answer, sums);
    }
}

//  Sums of only the answers listed in pairs
static void
s_only (const lnt_ref_t *ref, const lnt_ref_instrument_t *in,
        const char *const *pairs, int64_t sums[8])
{
    memset (sums, 0, 8 * sizeof sums[0]);
    for (size_t k = 0; pairs[k]; k += 2)
        s_answer (ref, in, pairs[k], pairs[k + 1], sums);
}

static void
s_test_plan (lnt_ref_t *ref, lnt_score_plan_t *plan)
{
    const lnt_ref_instrument_t *in = lnt_ref_instrument (ref, S_2020);
    CHECK (in != NULL);
    if (!in)
        return;
    lnt_why_t why = {""};
    CHECK_INT (lnt_score_plan (in, plan, &why), 0);
    CHECK (plan->instrument == in);
    static const int64_t rel[8] = {5, 2, 2, 5, 15, 3, 12, 6};
    static const int64_t weight[8] = {2, 1, 2, 2, 5, 2, 4, 2};
    for (int a = 0; a < 8; a++) {
        CHECK_INT (plan->area_rel_sum[a], rel[a] * 10000);
        CHECK_INT (plan->area_weight[a], weight[a] * 10000);
    }
    //  lcm (5, 2, 2, 5, 15, 3, 12, 6) = 60, times 10,000
    CHECK_INT (plan->denominator, 600000);
    CHECK_INT (plan->max_points, 200000);

    //  The test instrument: the item-less area and the result node do not
    //  count, D = lcm (70,000, 30,000)
    CHECK_INT (s_load (ref, "instrument/test",
                       s_test_instrument, &why), 0);
    const lnt_ref_instrument_t *test = lnt_ref_instrument (ref, "test");
    lnt_score_plan_t tp;
    CHECK (test && lnt_score_plan (test, &tp, &why) == 0);
    if (test) {
        CHECK_INT (tp.area_rel_sum[0], 70000);
        CHECK_INT (tp.area_rel_sum[1], 30000);
        CHECK_INT (tp.area_rel_sum[2], 0);
        CHECK_INT (tp.area_weight[2], 50000);
        CHECK_INT (tp.denominator, 210000);
        CHECK_INT (tp.max_points, 100000);
    }
}

static void
s_test_items (const lnt_ref_t *ref, const lnt_score_plan_t *plan)
{
    const lnt_ref_instrument_t *in = plan->instrument;
    int64_t sums[8];
    //  A5.4 = 5 * 6/15 = 2.00 points
    s_only (ref, in, (const char *const[]){"A5.4", "A", NULL}, sums);
    CHECK_INT (sums[4], 6 * 10000 * 10000);
    CHECK_INT (lnt_score_area_hundredths (plan, 5, sums[4]), 200);
    CHECK_INT (lnt_score_hundredths (plan, sums), 200);
    lnt_score_frac_t x = lnt_score_exact (plan, sums);
    CHECK (x.num == 200 && x.den == 1);
    //  ...and ABCD's B is worth 0.67 of it: 1.34
    s_only (ref, in, (const char *const[]){"A5.4", "B", NULL}, sums);
    CHECK_INT (lnt_score_hundredths (plan, sums), 134);

    //  A5.1 = 5 * 1/15 = 0.333...: exactly 100/3 hundredths
    s_only (ref, in, (const char *const[]){"A5.1", "Y", NULL}, sums);
    x = lnt_score_area_exact (plan, 5, sums[4]);
    CHECK (x.num == 100 && x.den == 3);
    CHECK_INT (lnt_score_area_hundredths (plan, 5, sums[4]), 33);
    //  in units of 1 / (10^8 * D) points: 10^8 * 600,000 / 3
    CHECK (lnt_score_units (plan, sums)
           == (lnt_score_int_t) 100000000 * 600000 / 3);

    //  Three items of 1/3 point answered fully make exactly 1.00, where
    //  adding their rounded points would drift to 0.99
    s_only (ref, in,
            (const char *const[]){"A5.1", "Y", "A5.6", "Y", "A5.7", "Y",
                                  NULL},
            sums);
    x = lnt_score_exact (plan, sums);
    CHECK (x.num == 100 && x.den == 1);
    CHECK_INT (lnt_score_hundredths (plan, sums), 100);
    CHECK_INT (lnt_score_area_hundredths (plan, 5, sums[4]), 100);
    CHECK_INT (lnt_score_percent_hundredths (plan, sums), 500);
}

static void
s_test_extremes (const lnt_ref_t *ref, const lnt_score_plan_t *plan)
{
    int64_t sums[8];
    s_fill (ref, plan->instrument, true, NULL, sums);
    CHECK (lnt_score_units (plan, sums)
           == (lnt_score_int_t) 200000 * 10000 * 600000);
    CHECK_INT (lnt_score_hundredths (plan, sums), 2000);
    CHECK_INT (lnt_score_percent_hundredths (plan, sums), 10000);
    lnt_score_frac_t x = lnt_score_percent_exact (plan, sums);
    CHECK (x.num == 10000 && x.den == 1);
    CHECK_STR (s_grade (ref, lnt_score_percent_hundredths (plan, sums)),
               "AA");
    //  Each area gives its whole weight, and the areas add up to the total
    static const int64_t area[8] = {200, 100, 200, 200, 500, 200, 400, 200};
    int64_t total = 0;
    for (int a = 0; a < 8; a++) {
        CHECK_INT (lnt_score_area_hundredths (plan, a + 1, sums[a]),
                   area[a]);
        total += lnt_score_area_hundredths (plan, a + 1, sums[a]);
    }
    CHECK_INT (total, 2000);

    s_fill (ref, plan->instrument, false, NULL, sums);
    for (int a = 0; a < 8; a++)
        CHECK_INT (sums[a], 0);
    CHECK (lnt_score_units (plan, sums) == 0);
    CHECK_INT (lnt_score_hundredths (plan, sums), 0);
    CHECK_INT (lnt_score_percent_hundredths (plan, sums), 0);
    CHECK_STR (s_grade (ref, lnt_score_percent_hundredths (plan, sums)),
               "D");
    CHECK_STR (s_grade (ref, 0), "D");
}

//  The percent of answers to every item, best but for the overrides
static int64_t
s_percent (const lnt_ref_t *ref, const lnt_score_plan_t *plan,
           const char *const *pairs, int64_t *score)
{
    int64_t sums[8];
    s_fill (ref, plan->instrument, true, pairs, sums);
    *score = lnt_score_hundredths (plan, sums);
    return lnt_score_percent_hundredths (plan, sums);
}

static void
s_test_bands (const lnt_ref_t *ref, const lnt_score_plan_t *plan)
{
    int64_t score, pct;
    //  Losing A5.4 (2), A3.1 (1), half of A3.2 (0.5) and A8.3 (0.5 at 0%)
    //  leaves exactly 16.00 of 20: 80.00, which is BB
    const char *at80[] = {"A5.4", "D", "A3.1", "C", "A3.2", "B",
                          "A8.3", "0", NULL};
    pct = s_percent (ref, plan, at80, &score);
    CHECK_INT (score, 1600);
    CHECK_INT (pct, 8000);
    CHECK_STR (s_grade (ref, pct), "BB");
    int64_t sums[8];
    s_fill (ref, plan->instrument, true, at80, sums);
    lnt_score_frac_t x = lnt_score_percent_exact (plan, sums);
    CHECK (x.num == 8000 && x.den == 1);

    //  A8.3 at p% adds 0.5 * p/100 points, 2.5 * p/100 percent: at 0.2%
    //  exactly 80.005, which rounds half up to 80.01: A. At 0.19%,
    //  80.00475 is still 80.00: BB.
    at80[7] = "0.2";
    pct = s_percent (ref, plan, at80, &score);
    CHECK_INT (pct, 8001);
    CHECK_STR (s_grade (ref, pct), "A");
    s_fill (ref, plan->instrument, true, at80, sums);
    x = lnt_score_percent_exact (plan, sums);
    CHECK (x.num == 16001 && x.den == 2);
    CHECK_INT (score, 1600); //  16.001 points
    at80[7] = "0.19";
    pct = s_percent (ref, plan, at80, &score);
    CHECK_INT (pct, 8000);
    CHECK_STR (s_grade (ref, pct), "BB");

    //  Scores round half up too: A8.3 at 1% gives 16.005 -> 16.01, at
    //  0.99% 16.00495 -> 16.00; the area alone 0.005 -> 0.01
    at80[7] = "1";
    pct = s_percent (ref, plan, at80, &score);
    CHECK_INT (score, 1601);
    CHECK_INT (pct, 8003); //  80.025 -> 80.03
    at80[7] = "0.99";
    pct = s_percent (ref, plan, at80, &score);
    CHECK_INT (score, 1600);
    CHECK_INT (pct, 8002); //  80.02475
    s_only (ref, plan->instrument, (const char *const[]){"A8.3", "1", NULL},
            sums);
    CHECK_INT (lnt_score_area_hundredths (plan, 8, sums[7]), 1);
    x = lnt_score_area_exact (plan, 8, sums[7]);
    CHECK (x.num == 1 && x.den == 2);
    s_only (ref, plan->instrument,
            (const char *const[]){"A8.3", "0.99", NULL}, sums);
    CHECK_INT (lnt_score_area_hundredths (plan, 8, sums[7]), 0);

    //  90.00 (18 of 20) is A, not AA
    pct = s_percent (ref, plan, (const char *const[]){"A5.4", "D", NULL},
                     &score);
    CHECK_INT (pct, 9000);
    CHECK_STR (s_grade (ref, pct), "A");
    //  70.00 (14 of 20) is B: A1 all lost too
    pct = s_percent (ref, plan,
                     (const char *const[]){"A5.4", "D", "A3.1", "C", "A3.2",
                                           "C", "A1.1", "T", "A1.2", "T",
                                           "A1.3", "D", "A1.4", "C", NULL},
                     &score);
    CHECK_INT (pct, 7000);
    CHECK_STR (s_grade (ref, pct), "B");

    //  30.00 (A5 and A3.1, 6 points) is D; 30.005 is C, 30.00475 D
    const char *at30[] = {"A5.1", "Y", "A5.2", "A", "A5.3", "100", "A5.4",
                          "A", "A5.5", "A", "A5.6", "Y", "A5.7", "Y",
                          "A5.8", "A", "A3.1", "A", "A8.3", "0", NULL};
    s_only (ref, plan->instrument, at30, sums);
    CHECK_INT (lnt_score_hundredths (plan, sums), 600);
    CHECK_INT (lnt_score_percent_hundredths (plan, sums), 3000);
    CHECK_STR (s_grade (ref, lnt_score_percent_hundredths (plan, sums)),
               "D");
    at30[19] = "0.2";
    s_only (ref, plan->instrument, at30, sums);
    CHECK_INT (lnt_score_percent_hundredths (plan, sums), 3001);
    CHECK_STR (s_grade (ref, lnt_score_percent_hundredths (plan, sums)),
               "C");
    at30[19] = "0.19";
    s_only (ref, plan->instrument, at30, sums);
    CHECK_INT (lnt_score_percent_hundredths (plan, sums), 3000);
}

static void
s_test_contribution (const lnt_ref_t *ref, const lnt_score_plan_t *plan)
{
    const lnt_ref_instrument_t *in = plan->instrument;
    int area = -1;
    int64_t c = -1;
    lnt_why_t why = {""};
    CHECK_INT (lnt_score_contribution (ref, in, "A4.1", "37.5", &area, &c,
                                       &why), 0);
    CHECK_INT (area, 4);
    CHECK_INT (c, 15000LL * 3750);
    CHECK_INT (lnt_score_contribution (ref, in, "A9.9", "Y", &area, &c,
                                       &why), LNT_EINVAL);
    CHECK (s_says (&why, "A9.9"));
    CHECK_INT (lnt_score_contribution (ref, in, "A5", "Y", &area, &c, &why),
               LNT_EINVAL); //  an area, not an item
    CHECK_INT (lnt_score_contribution (ref, in, "A5.4", "E", &area, &c,
                                       &why), LNT_EINVAL);
    CHECK (s_says (&why, "A, B, C, D"));
    CHECK_INT (lnt_score_contribution (ref, in, "A5.2", "Y", &area, &c,
                                       &why), LNT_EINVAL);
    CHECK_INT (lnt_score_contribution (ref, in, "A4.1", "100.01", &area, &c,
                                       &why), LNT_EINVAL);
    CHECK_INT (lnt_score_contribution (ref, in, "A4.1", "-1", &area, &c,
                                       &why), LNT_EINVAL);
    //  Refusals leave the outputs alone
    CHECK_INT (area, 4);
    CHECK_INT (c, 15000LL * 3750);
}

//  lnt_score_plan refuses the instrument with a why holding word, and
//  leaves the plan as it was
static void
s_refused (const lnt_ref_instrument_t *in, const char *word)
{
    lnt_score_plan_t plan, before;
    memset (&plan, 0x5a, sizeof plan);
    before = plan;
    lnt_why_t why = {""};
    CHECK (in != NULL);
    if (!in)
        return;
    CHECK_INT (lnt_score_plan (in, &plan, &why), LNT_EINVAL);
    CHECK (s_says (&why, word));
    CHECK (memcmp (&plan, &before, sizeof plan) == 0);
}

static void
s_test_refused (lnt_ref_t *ref)
{
    //  The 2014 instrument has components, areas and results but no items
    s_refused (lnt_ref_instrument (ref, "permenpanrb-14-2014"), "no items");
    lnt_why_t why = {""};
    CHECK_INT (s_load (ref, "instrument/bad",
                       "C,,component,,10,,c\n"
                       "X1.1,C,item,4,1,YT,x\n", &why), 0);
    s_refused (lnt_ref_instrument (ref, "bad"), "area 4 has items but no");
    CHECK_INT (s_load (ref, "instrument/bad",
                       "C,,component,,10,,c\n"
                       "A1,C,area,1,2,,a\n"
                       "B1,C,area,1,3,,b\n"
                       "A1.1,A1,item,1,1,YT,x\n", &why), 0);
    s_refused (lnt_ref_instrument (ref, "bad"), "two area nodes");
    //  Pairwise coprime sums: their lcm is about 10^15 in 1/10,000
    CHECK_INT (s_load (ref, "instrument/bad",
                       "C,,component,,10,,c\n"
                       "A1,C,area,1,1,,a\nA1.1,A1,item,1,9.9991,YT,x\n"
                       "A2,C,area,2,1,,b\nA2.1,A2,item,2,9.9989,YT,x\n"
                       "A3,C,area,3,1,,c\nA3.1,A3,item,3,9.9971,YT,x\n",
                       &why), 0);
    s_refused (lnt_ref_instrument (ref, "bad"), "lcm");
    //  ...while two of them (about 10^10) are fine
    CHECK_INT (s_load (ref, "instrument/bad",
                       "C,,component,,10,,c\n"
                       "A1,C,area,1,1,,a\nA1.1,A1,item,1,9.9991,YT,x\n"
                       "A2,C,area,2,1,,b\nA2.1,A2,item,2,9.9989,YT,x\n",
                       &why), 0);
    lnt_score_plan_t plan;
    CHECK_INT (lnt_score_plan (lnt_ref_instrument (ref, "bad"), &plan, &why),
               0);
    CHECK_INT (plan.denominator, 99991LL * 99989);
    //  An area's relative weights over 10^8
    CHECK_INT (s_load (ref, "instrument/bad",
                       "C,,component,,10,,c\n"
                       "A1,C,area,1,1,,a\n"
                       "A1.1,A1,item,1,100000000.0001,YT,x\n", &why), 0);
    s_refused (lnt_ref_instrument (ref, "bad"), "10^8");
    //  More than 100 points; exactly 100 is fine
    CHECK_INT (s_load (ref, "instrument/bad",
                       "A1,,area,1,60,,a\nA1.1,A1,item,1,1,YT,x\n"
                       "A2,,area,2,40.0001,,b\nA2.1,A2,item,2,1,YT,x\n",
                       &why), 0);
    s_refused (lnt_ref_instrument (ref, "bad"), "100 points");
    CHECK_INT (s_load (ref, "instrument/bad",
                       "A1,,area,1,60,,a\nA1.1,A1,item,1,1,YT,x\n"
                       "A2,,area,2,40,,b\nA2.1,A2,item,2,1,YT,x\n",
                       &why), 0);
    CHECK_INT (lnt_score_plan (lnt_ref_instrument (ref, "bad"), &plan, &why),
               0);
    CHECK_INT (plan.max_points, 1000000);

    //  What lnt_ref would not load, built by hand: an item outside the
    //  areas, an item without weight
    lnt_ref_node_t nodes[2] = {
        {"A1", "", "area", 1, 10000, "", "a", 0},
        {"A1.1", "A1", "item", 9, 10000, "YT", "x", 0},
    };
    lnt_ref_instrument_t hand = {"hand", nodes, 2};
    s_refused (&hand, "area 9");
    nodes[1].area = 1;
    nodes[1].weight = 0;
    s_refused (&hand, "no relative weight");
    nodes[1].weight = 10000;
    CHECK_INT (lnt_score_plan (&hand, &plan, &why), 0);
    CHECK_INT (plan.max_points, 10000);
}

//  Office scores as plans and sums, for the means
typedef struct {
    const lnt_score_plan_t *plans[8]; /* each office's plan                */
    int64_t sums[8][8];               /* each office's area sums           */
    size_t n;                         /* how many offices                  */
} s_offices_t;

static void
s_test_means (const lnt_ref_t *ref, const lnt_score_plan_t *plan)
{
    lnt_score_plan_t tp;
    lnt_why_t why = {""};
    const lnt_ref_instrument_t *test = lnt_ref_instrument (ref, "test");
    CHECK (test && lnt_score_plan (test, &tp, &why) == 0);
    if (!test)
        return;
    s_offices_t o = {{plan, &tp}, {{0}}, 2};
    //  33.333... (33) under 2020 and 43.5 (44) under the test instrument:
    //  the exact mean 38.41666... is 38; the mean of the rounded, 38.5,
    //  would round to 39
    s_only (ref, plan->instrument, (const char *const[]){"A5.1", "Y", NULL},
            o.sums[0]);
    s_only (ref, test, (const char *const[]){"T1.1", "Y", "T1.7", "1.5",
                                             NULL}, o.sums[1]);
    CHECK_INT (lnt_score_hundredths (o.plans[0], o.sums[0]), 33);
    CHECK_INT (lnt_score_hundredths (o.plans[1], o.sums[1]), 44);
    int64_t mean = -1;
    CHECK_INT (lnt_score_mean_hundredths (o.plans, o.sums, o.n, &mean), 0);
    CHECK_INT (mean, 38);
    //  percent: 166.666... and 435: mean 300.8333...
    CHECK_INT (lnt_score_mean_percent_hundredths (o.plans, o.sums, o.n,
                                                  &mean), 0);
    CHECK_INT (mean, 301);
    CHECK_INT (lnt_score_mean_hundredths (o.plans, o.sums, 1, &mean), 0);
    CHECK_INT (mean, 33);

    //  80.00475 (80.00) and 80.005 (80.01): the province is at 80.004875,
    //  so BB, where the mean of the rounded (80.005) would make it A
    const char *at80[] = {"A5.4", "D", "A3.1", "C", "A3.2", "B",
                          "A8.3", "0.19", NULL};
    o.plans[1] = plan;
    s_fill (ref, plan->instrument, true, at80, o.sums[0]);
    at80[7] = "0.2";
    s_fill (ref, plan->instrument, true, at80, o.sums[1]);
    CHECK_INT (lnt_score_mean_percent_hundredths (o.plans, o.sums, 2, &mean),
               0);
    CHECK_INT (mean, 8000);
    CHECK_STR (s_grade (ref, mean), "BB");
    //  A third office at exactly 80.005: the mean 80.00491... is 80.00
    memcpy (o.sums[2], o.sums[1], sizeof o.sums[1]);
    o.plans[2] = plan;
    CHECK_INT (lnt_score_mean_percent_hundredths (o.plans, o.sums, 3, &mean),
               0);
    CHECK_INT (mean, 8000);
    //  Every office at 80.005: the mean is exactly 80.005 -> A
    memcpy (o.sums[0], o.sums[1], sizeof o.sums[1]);
    CHECK_INT (lnt_score_mean_percent_hundredths (o.plans, o.sums, 3, &mean),
               0);
    CHECK_INT (mean, 8001);
    mean = -1;
    CHECK_INT (lnt_score_mean_hundredths (o.plans, o.sums, 0, &mean),
               LNT_EINVAL);
    CHECK_INT (mean, -1);

    //  The running sum: half up exactly at the half, also through the
    //  fractional part
    lnt_score_sum_t sum;
    lnt_score_sum_init (&sum);
    CHECK_INT (lnt_score_sum_mean (&sum), 0);
    CHECK_INT (lnt_score_sum_add (&sum, (lnt_score_frac_t){1, 2}), 0);
    CHECK_INT (lnt_score_sum_mean (&sum), 1);
    CHECK_INT (lnt_score_sum_add (&sum, (lnt_score_frac_t){1, 1}), 0);
    CHECK_INT (lnt_score_sum_add (&sum, (lnt_score_frac_t){0, 7}), 0);
    CHECK_INT (lnt_score_sum_mean (&sum), 1); //  (1/2 + 1 + 0) / 3
    lnt_score_sum_init (&sum);
    CHECK_INT (lnt_score_sum_add (&sum, (lnt_score_frac_t){499, 1000}), 0);
    CHECK_INT (lnt_score_sum_add (&sum, (lnt_score_frac_t){1, 1}), 0);
    CHECK_INT (lnt_score_sum_add (&sum, (lnt_score_frac_t){0, 1}), 0);
    CHECK_INT (lnt_score_sum_mean (&sum), 0); //  0.49966...
    CHECK_INT (lnt_score_sum_add (&sum, (lnt_score_frac_t){7, 3}), 0);
    CHECK_INT (sum.count, 4);
    CHECK (sum.whole == 3 && sum.part.num == 2497 && sum.part.den == 3000);
    CHECK_INT (lnt_score_sum_mean (&sum), 1); //  3.83233.../4

    //  Two values with coprime denominators of about 10^18 (the most an
    //  instrument can have) fit; a third is refused, the sum unchanged
    const lnt_score_int_t e18 = (lnt_score_int_t) 1000000000000000000LL;
    lnt_score_sum_init (&sum);
    CHECK_INT (lnt_score_sum_add (&sum, (lnt_score_frac_t){e18 - 1, e18}),
               0);
    CHECK_INT (lnt_score_sum_add (&sum, (lnt_score_frac_t){e18, e18 + 1}),
               0);
    lnt_score_sum_t kept = sum;
    CHECK_INT (lnt_score_sum_add (&sum, (lnt_score_frac_t){1, e18 - 1}),
               LNT_EINVAL);
    CHECK (memcmp (&sum, &kept, sizeof sum) == 0);
    CHECK_INT (lnt_score_sum_mean (&sum), 1); //  (2 - 10^-18 - ...)/2
}

//  ---- The independent recomputation: plain fractions -------------------

__extension__ typedef __int128 s_int_t;

typedef struct {
    s_int_t n; /* numerator                                                 */
    s_int_t d; /* denominator, above 0                                      */
} s_q_t;

static s_q_t
s_q (s_int_t n, s_int_t d)
{
    s_int_t a = n < 0 ? -n : n, b = d;
    while (b) {
        s_int_t t = a % b;
        a = b;
        b = t;
    }
    if (a > 1) {
        n /= a;
        d /= a;
    }
    return (s_q_t){n, d};
}

static s_q_t
s_q_add (s_q_t x, s_q_t y)
{
    return s_q (x.n * y.d + y.n * x.d, x.d * y.d);
}

//  Nearest integer, halves up
static int64_t
s_q_round (s_q_t x)
{
    s_int_t whole = x.n / x.d, rest = x.n % x.d;
    return (int64_t) (whole + (2 * rest >= x.d ? 1 : 0));
}

static uint64_t
s_random (uint64_t *state)
{
    //  splitmix64
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

//  One random office under in: its area sums through the module and its
//  exact score in points and per area by hand
typedef struct {
    s_q_t points;    /* the score in points                                 */
    s_q_t area[8];   /* each area's points                                  */
    int64_t max;     /* max points, 1/10,000                                */
} s_office_t;

static void
s_random_office (const lnt_ref_t *ref, const lnt_ref_instrument_t *in,
                 uint64_t *state, int64_t sums[8], s_office_t *office)
{
    //  Area weights and the sums of relative weights, from the nodes
    int64_t weight[9] = {0}, rel[9] = {0};
    for (size_t i = 0; i < in->node_count; i++) {
        const lnt_ref_node_t *node = &in->nodes[i];
        if (strcmp (node->kind, "area") == 0)
            weight[node->area] = node->weight;
        else if (strcmp (node->kind, "item") == 0)
            rel[node->area] += node->weight;
    }
    office->max = 0;
    for (int a = 1; a <= 8; a++)
        office->max += rel[a] ? weight[a] : 0;
    office->points = (s_q_t){0, 1};
    for (int a = 0; a < 8; a++)
        office->area[a] = (s_q_t){0, 1};
    memset (sums, 0, 8 * sizeof sums[0]);
    for (size_t i = 0; i < in->node_count; i++) {
        const lnt_ref_node_t *node = &in->nodes[i];
        if (strcmp (node->kind, "item") != 0)
            continue;
        uint64_t r = s_random (state);
        if (r % 5 == 0)
            continue; //  unanswered
        r /= 5;
        const char *type = node->answer_type;
        char answer[16];
        s_q_t value;
        if (strcmp (type, "PCT") == 0) {
            int p = (int) (r % 10001); //  hundredths of a percent
            if (r % 7 == 0)
                p = (int) (r / 7 % 101) * 100; //  whole percents too
            snprintf (answer, sizeof answer, "%d.%02d", p / 100, p % 100);
            value = s_q (p, 10000);
        }
        else {
            static const char *letters = "ABCD";
            int choices = strcmp (type, "YT") == 0 ? 2
                          : strcmp (type, "ABC") == 0 ? 3 : 4;
            int k = (int) (r % (uint64_t) choices);
            snprintf (answer, sizeof answer, "%c",
                      choices == 2 ? "YT"[k] : letters[k]);
            static const int yt[] = {100, 0}, abc[] = {100, 50, 0},
                             abcd[] = {100, 67, 33, 0};
            value = s_q (choices == 2 ? yt[k] : choices == 3 ? abc[k]
                                                             : abcd[k],
                         100);
        }
        s_answer (ref, in, node->code, answer, sums);
        //  points = area weight * rel / rel sum * value (weights in
        //  1/10,000 cancel but for the area weight's)
        int a = node->area;
        s_q_t item = s_q (weight[a] * node->weight * value.n,
                          (s_int_t) 10000 * rel[a] * value.d);
        office->points = s_q_add (office->points, item);
        office->area[a - 1] = s_q_add (office->area[a - 1], item);
    }
}

static void
s_test_random (const lnt_ref_t *ref, const lnt_score_plan_t *plan,
               uint64_t seed)
{
    printf ("test_score: random answers seed=%" PRIu64
            " (replay: test_score DATA %" PRIu64 ")\n", seed, seed);
    uint64_t state = seed;
    lnt_score_plan_t tp;
    lnt_why_t why = {""};
    const lnt_ref_instrument_t *test = lnt_ref_instrument (ref, "test");
    CHECK (test && lnt_score_plan (test, &tp, &why) == 0);
    if (!test)
        return;
    const lnt_score_plan_t *plans[2] = {plan, &tp};
    long disagree = 0, rounds = 0, mean_disagree = 0, both = 0, halves = 0;
    for (int round = 0; round < 3000; round++) {
        s_offices_t o;
        size_t n = 1 + s_random (&state) % 6;
        s_q_t total = {0, 1}, total_pct = {0, 1};
        bool mixed[2] = {false, false};
        for (size_t i = 0; i < n; i++) {
            int which = (int) (s_random (&state) % 2);
            mixed[which] = true;
            o.plans[i] = plans[which];
            s_office_t office;
            s_random_office (ref, plans[which]->instrument, &state,
                             o.sums[i], &office);
            s_q_t hundredths = s_q (office.points.n * 100, office.points.d);
            s_q_t pct = s_q (office.points.n * 100000000,
                             office.points.d * office.max);
            int64_t h = lnt_score_hundredths (o.plans[i], o.sums[i]);
            int64_t p = lnt_score_percent_hundredths (o.plans[i], o.sums[i]);
            bool ok = h == s_q_round (hundredths) && p == s_q_round (pct);
            for (int a = 0; a < 8; a++)
                ok = ok && lnt_score_area_hundredths (o.plans[i], a + 1,
                                                      o.sums[i][a])
                               == s_q_round (s_q (office.area[a].n * 100,
                                                  office.area[a].d));
            if (!ok && disagree++ < 5)
                fprintf (stderr, "  round %d office %zu: %" PRId64
                         " and %" PRId64 "%%, by hand %" PRId64 " and %"
                         PRId64 "%%\n", round, i, h, p,
                         s_q_round (hundredths), s_q_round (pct));
            //  Halves are where rounding matters most: count them
            halves += hundredths.d == 2 || pct.d == 2;
            total = s_q_add (total, hundredths);
            total_pct = s_q_add (total_pct, pct);
            rounds++;
        }
        o.n = n;
        both += mixed[0] && mixed[1];
        int64_t mean = -1, mean_pct = -1;
        CHECK_INT (lnt_score_mean_hundredths (o.plans, o.sums, n, &mean), 0);
        CHECK_INT (lnt_score_mean_percent_hundredths (o.plans, o.sums, n,
                                                      &mean_pct), 0);
        int64_t want = s_q_round (s_q (total.n, total.d * (s_int_t) n));
        int64_t want_pct = s_q_round (s_q (total_pct.n,
                                           total_pct.d * (s_int_t) n));
        if ((mean != want || mean_pct != want_pct) && mean_disagree++ < 5)
            fprintf (stderr, "  round %d: mean %" PRId64 " and %" PRId64
                     "%%, by hand %" PRId64 " and %" PRId64 "%%\n", round,
                     mean, mean_pct, want, want_pct);
    }
    CHECK_INT (disagree, 0);
    CHECK_INT (mean_disagree, 0);
    //  The walk did what it claims: many offices, means over both
    //  instruments at once
    CHECK (rounds > 9000);
    CHECK (both > 1000);
    printf ("test_score: %ld offices, %ld exact halves, %ld mixed means\n",
            rounds, halves, both);
}

int
main (int argc, char *argv[])
{
    s_dir = argc > 1 ? argv[1] : lnt_ref_default_dir ();
    uint64_t seed = argc > 2 ? strtoull (argv[2], NULL, 10)
                             : (uint64_t) time (NULL) ^ (uint64_t) getpid ();
    lnt_ref_t *ref = lnt_ref_new ();
    CHECK (ref != NULL);
    if (!ref)
        return LNT_TEST_DONE ();
    int failed = 0;
    for (size_t i = 0; i < lnt_ref_part_count; i++)
        failed |= s_load_file (ref, lnt_ref_parts[i].name,
                               lnt_ref_parts[i].file) != 0;
    CHECK_INT (failed, 0);
    lnt_score_plan_t plan;
    memset (&plan, 0, sizeof plan);
    s_test_plan (ref, &plan);
    if (plan.instrument) {
        s_test_items (ref, &plan);
        s_test_extremes (ref, &plan);
        s_test_bands (ref, &plan);
        s_test_contribution (ref, &plan);
        s_test_means (ref, &plan);
        s_test_random (ref, &plan, seed);
    }
    s_test_refused (ref);
    lnt_ref_destroy (&ref);
    return LNT_TEST_DONE ();
}
