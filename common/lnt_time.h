/*  lnt_time.h - instants, local dates, ISO 8601 input and the working-day
    calendar.

    An instant is int64 milliseconds since 1970-01-01T00:00Z (UTC). A local
    date is int32 days since 1970-01-01 in the proleptic Gregorian calendar,
    in the office's own time zone, which is a fixed offset from UTC in
    minutes (WIB +420, WITA +480, WIT +540; Indonesia has no daylight saving).
    Nothing here reads the TZ environment or the system time zone.         */
#ifndef LNT_TIME_H
#define LNT_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*  The system's wall clock, in ms since the epoch (CLOCK_REALTIME).        */
int64_t lnt_time_now_ms (void);

/*  Parses local ISO 8601: "YYYY-MM-DD", "YYYY-MM-DD HH:MM",
    "YYYY-MM-DDTHH:MM", each optionally followed by ":SS". A date alone
    means 00:00. The time is local at utc_offset_min minutes east of UTC.
    Years 1900..9999; the date must exist (no 2026-02-30, no 24:00).
    Returns 0 and sets *ms, or LNT_EINVAL and leaves *ms alone.            */
int lnt_time_parse_local (const char *text, int utc_offset_min, int64_t *ms);

/*  Parses "YYYY-MM-DD" into a day number. 0 or LNT_EINVAL.                 */
int lnt_date_parse (const char *text, int32_t *day);

/*  Writes "YYYY-MM-DD" (10 chars and NUL) into buf.                        */
void lnt_date_format (int32_t day, char buf[11]);

/*  Writes the local time "YYYY-MM-DD HH:MM" (16 chars and NUL) into buf.   */
void lnt_time_format_local (int64_t ms, int utc_offset_min, char buf[17]);

/*  Writes the instant as UTC "YYYY-MM-DDTHH:MM:SSZ" (20 chars and NUL).    */
void lnt_time_format_utc (int64_t ms, char buf[21]);

/*  The local date of an instant.                                          */
int32_t lnt_time_local_day (int64_t ms, int utc_offset_min);

/*  Day number from year, month 1-12, day 1-31 (no checking), and back.    */
int32_t lnt_date_from_ymd (int year, int month, int mday);
void lnt_date_to_ymd (int32_t day, int *year, int *month, int *mday);

/*  ISO weekday of a day: 1 Monday .. 7 Sunday.                             */
int lnt_date_weekday (int32_t day);

/*  A working-day calendar: Monday to Friday, less a set of holidays.      */
typedef struct lnt_calendar_t lnt_calendar_t;

/*  A calendar with no holidays, or NULL when out of memory.               */
lnt_calendar_t *lnt_calendar_new (void);

/*  Frees the calendar and sets *self_p to NULL; safe on NULL.             */
void lnt_calendar_destroy (lnt_calendar_t **self_p);

/*  Adds a holiday (adding one twice is fine). 0 or LNT_ENOMEM.            */
int lnt_calendar_add_holiday (lnt_calendar_t *self, int32_t day);

/*  How many holidays the calendar holds.                                  */
size_t lnt_calendar_holidays (const lnt_calendar_t *self);

/*  True if day is Monday-Friday and not a holiday. self may be NULL
    (weekends only).                                                        */
bool lnt_calendar_is_working (const lnt_calendar_t *self, int32_t day);

/*  The day that ends a period of n days (n >= 0) that starts the day after
    from: with working, the n-th working day after from; otherwise from + n.
    A period of 0 days ends on from itself. self may be NULL.              */
int32_t lnt_calendar_add_days (const lnt_calendar_t *self, int32_t from,
                               int n, bool working);

#endif
