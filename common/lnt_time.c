/*  lnt_time.c - instants, local dates, strict ISO 8601 input and the
    working-day calendar.

    All calendar arithmetic is done here on day numbers, so nothing depends
    on the TZ environment, timegm or mktime. The office's zone is a fixed
    offset from UTC, passed in by the caller.                              */

//  clock_gettime is POSIX, not C11; ask for it unless the build already did
#if !defined (_GNU_SOURCE) && !defined (_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include "lnt_time.h"
#include "lnt_error.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_MS_PER_MIN 60000LL
#define S_MS_PER_DAY 86400000LL

//  Days from 0000-03-01 to 1970-01-01, so day numbers count from the epoch
#define S_EPOCH_SHIFT 719468

struct lnt_calendar_t {
    int32_t *days;      //  holidays, ascending, without duplicates
    size_t size;        //  how many holidays days holds
    size_t max;         //  how many days there is room for
};

//  Division rounding towards minus infinity: instants and days before the
//  epoch are negative and must still fall into the right day or year
static int64_t
s_floor_div (int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

//  Days from 0000-03-01 to March 1st of year y. Counting years from March
//  puts the leap day last, so leap years only change where a year ends.
static int64_t
s_march_start (int64_t y)
{
    return 365 * y + s_floor_div (y, 4) - s_floor_div (y, 100)
           + s_floor_div (y, 400);
}

static int
s_days_in_month (int year, int month)
{
    static const int days [12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days [month - 1];
}

int64_t
lnt_time_now_ms (void)
{
    struct timespec ts;
    //  CLOCK_REALTIME always exists, so a failure is a bug, not input
    int rc = clock_gettime (CLOCK_REALTIME, &ts);
    assert (rc == 0);
    (void) rc;
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int32_t
lnt_date_from_ymd (int year, int month, int mday)
{
    //  March is month 0 and February month 11 of the shifted year; the
    //  (153 m + 2) / 5 term is the days before month m (31,30,31,30,31...)
    int64_t y = (int64_t) year - (month <= 2);
    int64_t m = month <= 2 ? month + 9 : month - 3;
    int64_t z = s_march_start (y) + (153 * m + 2) / 5 + mday - 1;
    return (int32_t) (z - S_EPOCH_SHIFT);
}

void
lnt_date_to_ymd (int32_t day, int *year, int *month, int *mday)
{
    int64_t z = (int64_t) day + S_EPOCH_SHIFT;
    //  400 years hold 146097 days; the estimate is off by at most one year
    int64_t y = s_floor_div (z * 400, 146097);
    while (s_march_start (y) > z)
        y--;
    while (s_march_start (y + 1) <= z)
        y++;
    int64_t doy = z - s_march_start (y);
    int64_t m = (5 * doy + 2) / 153;
    *mday = (int) (doy - (153 * m + 2) / 5 + 1);
    *month = (int) (m < 10 ? m + 3 : m - 9);
    *year = (int) (y + (*month <= 2));
}

int
lnt_date_weekday (int32_t day)
{
    //  Day 0, 1970-01-01, was a Thursday (4); r is day mod 7, never negative
    int64_t r = day - 7 * s_floor_div (day, 7);
    return (int) ((r + 3) % 7) + 1;
}

//  Reads exactly n digits; false on anything else, signs and spaces included
static bool
s_digits (const char *p, int n, int *value)
{
    *value = 0;
    for (int i = 0; i < n; i++) {
        if (p [i] < '0' || p [i] > '9')
            return false;
        *value = *value * 10 + (p [i] - '0');
    }
    return true;
}

//  Parses "YYYY-MM-DD" at the start of text and checks the date exists
static bool
s_parse_date (const char *text, int32_t *day)
{
    int year, month, mday;
    if (!s_digits (text, 4, &year) || text [4] != '-'
        || !s_digits (text + 5, 2, &month) || text [7] != '-'
        || !s_digits (text + 8, 2, &mday))
        return false;
    if (year < 1900 || month < 1 || month > 12 || mday < 1
        || mday > s_days_in_month (year, month))
        return false;
    *day = lnt_date_from_ymd (year, month, mday);
    return true;
}

int
lnt_date_parse (const char *text, int32_t *day)
{
    assert (day);
    int32_t result;
    if (!text || !s_parse_date (text, &result) || text [10] != '\0')
        return LNT_EINVAL;
    *day = result;              //  only now, so a refusal leaves *day alone
    return 0;
}

int
lnt_time_parse_local (const char *text, int utc_offset_min, int64_t *ms)
{
    assert (ms);
    int32_t day;
    int hour = 0, minute = 0, second = 0;
    if (!text || !s_parse_date (text, &day))
        return LNT_EINVAL;
    //  Each check reads a character only after the previous one was not
    //  NUL, so a short string never lets us read past its end
    const char *p = text + 10;
    if (*p == ' ' || *p == 'T') {
        if (!s_digits (p + 1, 2, &hour) || p [3] != ':'
            || !s_digits (p + 4, 2, &minute))
            return LNT_EINVAL;
        p += 6;
        if (*p == ':') {
            if (!s_digits (p + 1, 2, &second))
                return LNT_EINVAL;
            p += 3;
        }
    }
    if (*p != '\0' || hour > 23 || minute > 59 || second > 59)
        return LNT_EINVAL;
    int64_t local = (int64_t) day * S_MS_PER_DAY
                    + ((int64_t) hour * 3600 + minute * 60 + second) * 1000;
    *ms = local - utc_offset_min * S_MS_PER_MIN;
    return 0;
}

void
lnt_date_format (int32_t day, char buf [11])
{
    int year, month, mday;
    lnt_date_to_ymd (day, &year, &month, &mday);
    //  snprintf truncates years past 9999 instead of overrunning buf
    snprintf (buf, 11, "%04d-%02d-%02d", year, month, mday);
}

//  Splits an instant into its day and the milliseconds into that day
static int32_t
s_split (int64_t ms, int64_t *ms_of_day)
{
    int64_t day = s_floor_div (ms, S_MS_PER_DAY);
    *ms_of_day = ms - day * S_MS_PER_DAY;
    return (int32_t) day;
}

void
lnt_time_format_local (int64_t ms, int utc_offset_min, char buf [17])
{
    int64_t rest;
    int32_t day = s_split (ms + utc_offset_min * S_MS_PER_MIN, &rest);
    int year, month, mday;
    lnt_date_to_ymd (day, &year, &month, &mday);
    //  Unsigned, and % 24 (a no-op), show the compiler each field's width
    unsigned minutes = (unsigned) (rest / S_MS_PER_MIN);
    snprintf (buf, 17, "%04d-%02d-%02d %02u:%02u", year, month, mday,
              minutes / 60 % 24, minutes % 60);
}

void
lnt_time_format_utc (int64_t ms, char buf [21])
{
    int64_t rest;
    int32_t day = s_split (ms, &rest);
    int year, month, mday;
    lnt_date_to_ymd (day, &year, &month, &mday);
    unsigned seconds = (unsigned) (rest / 1000);
    snprintf (buf, 21, "%04d-%02d-%02dT%02u:%02u:%02uZ", year, month, mday,
              seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
}

int32_t
lnt_time_local_day (int64_t ms, int utc_offset_min)
{
    return (int32_t) s_floor_div (ms + utc_offset_min * S_MS_PER_MIN,
                                  S_MS_PER_DAY);
}

lnt_calendar_t *
lnt_calendar_new (void)
{
    return calloc (1, sizeof (lnt_calendar_t));
}

void
lnt_calendar_destroy (lnt_calendar_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        free ((*self_p)->days);
        free (*self_p);
        *self_p = NULL;
    }
}

//  Index of the first holiday on or after day (binary search)
static size_t
s_lower_bound (const lnt_calendar_t *self, int32_t day)
{
    size_t low = 0, high = self->size;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (self->days [mid] < day)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

int
lnt_calendar_add_holiday (lnt_calendar_t *self, int32_t day)
{
    assert (self);
    size_t at = s_lower_bound (self, day);
    if (at < self->size && self->days [at] == day)
        return 0;
    if (self->size == self->max) {
        size_t max = self->max ? self->max * 2 : 16;
        int32_t *days = realloc (self->days, max * sizeof (int32_t));
        if (!days)
            return LNT_ENOMEM;
        self->days = days;
        self->max = max;
    }
    memmove (self->days + at + 1, self->days + at,
             (self->size - at) * sizeof (int32_t));
    self->days [at] = day;
    self->size++;
    return 0;
}

size_t
lnt_calendar_holidays (const lnt_calendar_t *self)
{
    return self ? self->size : 0;
}

bool
lnt_calendar_is_working (const lnt_calendar_t *self, int32_t day)
{
    if (lnt_date_weekday (day) > 5)
        return false;
    if (!self)
        return true;
    size_t at = s_lower_bound (self, day);
    return !(at < self->size && self->days [at] == day);
}

int32_t
lnt_calendar_add_days (const lnt_calendar_t *self, int32_t from, int n,
                       bool working)
{
    assert (n >= 0);
    if (!working)
        return from + n;
    //  Walk forward day by day with a cursor into the sorted holidays, so
    //  a period costs one binary search plus one step per day
    size_t next = self ? s_lower_bound (self, from + 1) : 0;
    size_t size = self ? self->size : 0;
    int32_t day = from;
    while (n > 0) {
        day++;
        while (next < size && self->days [next] < day)
            next++;
        bool holiday = next < size && self->days [next] == day;
        if (!holiday && lnt_date_weekday (day) <= 5)
            n--;
    }
    return day;
}
