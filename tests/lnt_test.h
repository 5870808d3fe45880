/*  lnt_test.h - the few macros lontar's unit tests use.

    CHECK records a failure with file and line and goes on; a test program
    ends with LNT_TEST_DONE, which prints "N passed, N failed" and returns
    non-zero when anything failed.                                          */
#ifndef LNT_TEST_H
#define LNT_TEST_H

#include <stdio.h>
#include <string.h>

static int lnt_test_passed_;
static int lnt_test_failed_;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond)                                                            \
            lnt_test_passed_++;                                              \
        else {                                                               \
            lnt_test_failed_++;                                              \
            fprintf (stderr, "%s:%d: check failed: %s\n", __FILE__,          \
                     __LINE__, #cond);                                       \
        }                                                                    \
    } while (0)

#define CHECK_INT(a, b)                                                      \
    do {                                                                     \
        long long lnt_a_ = (long long) (a), lnt_b_ = (long long) (b);        \
        if (lnt_a_ == lnt_b_)                                                \
            lnt_test_passed_++;                                              \
        else {                                                               \
            lnt_test_failed_++;                                              \
            fprintf (stderr, "%s:%d: %s is %lld, expected %lld\n", __FILE__, \
                     __LINE__, #a, lnt_a_, lnt_b_);                          \
        }                                                                    \
    } while (0)

#define CHECK_STR(a, b)                                                      \
    do {                                                                     \
        const char *lnt_a_ = (a), *lnt_b_ = (b);                             \
        if (lnt_a_ && lnt_b_ && strcmp (lnt_a_, lnt_b_) == 0)                \
            lnt_test_passed_++;                                              \
        else {                                                               \
            lnt_test_failed_++;                                              \
            fprintf (stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n",       \
                     __FILE__, __LINE__, #a, lnt_a_ ? lnt_a_ : "(null)",     \
                     lnt_b_ ? lnt_b_ : "(null)");                            \
        }                                                                    \
    } while (0)

#define LNT_TEST_DONE()                                                      \
    (printf ("%d passed, %d failed\n", lnt_test_passed_, lnt_test_failed_),  \
     lnt_test_failed_ ? 1 : 0)

#endif
