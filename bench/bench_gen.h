/*  bench_gen.h - what the benchmarks share: a seeded random sequence, the
    Indonesian words their suggestions are made of, and the parsing of a
    count on the command line.                                             */
#ifndef BENCH_GEN_H
#define BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "lnt_record.h"

/*  splitmix64: small, fast, and the same sequence everywhere.             */
uint64_t bench_rand (uint64_t *state);

/*  One element of a static array, at random.                              */
#define BENCH_PICK(state, a) ((a)[bench_rand (state) % (sizeof (a) / sizeof (a)[0])])

/*  The categories staff file suggestions under.                          */
#define BENCH_CATEGORIES 8
extern const char *const bench_categories[BENCH_CATEGORIES];

/*  Fills s's category, subject and text (sentences of 100-200 bytes) as
    staff type them, from state.                                           */
void bench_gen_words (uint64_t *state, lnt_suggestion_t *s);

/*  a / b, or 0 when b is not positive (a figure that did not run).      */
double bench_ratio (double a, double b);

/*  Sorts n values in place, smallest first.                               */
void bench_sort (double *v, size_t n);

/*  The q quantile (0 < q <= 1, nearest rank) of n sorted values; 0 when
    n is 0.                                                                */
double bench_quantile (const double *sorted, size_t n, double q);

/*  Parses TEXT, the value of OPTION, as a whole number in [lo, hi]. On a
    bad value says so on stderr, as PROG, and returns 64.                  */
int bench_count (const char *prog, const char *option, const char *text,
                 size_t lo, size_t hi, size_t *value);

/*  Parses TEXT, the value of --only: comma-separated words of names (n of
    them), word i setting bit 1u << i of *only. On a word not among them,
    or none at all, says so on stderr, as PROG, and returns 64.          */
int bench_only (const char *prog, const char *text,
                const char *const names[], size_t n, unsigned *only);

#endif
