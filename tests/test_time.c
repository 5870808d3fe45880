/*  test_time.c - unit test for lnt_time: day numbers, weekdays, strict
    ISO 8601 parsing, formatting and the working-day calendar.

    Known dates were checked against `date -u` on the build machine. The
    sweeps count mismatches and check the count once, so a bad run prints
    one line per sweep instead of millions.                                */

//  gmtime_r, used as an independent oracle, is POSIX
#if !defined (_GNU_SOURCE) && !defined (_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include "lnt_error.h"
#include "lnt_test.h"
#include "lnt_time.h"

#include <stdint.h>
#include <time.h>

//  A value no parse can produce, to show a refused parse left *ms alone
#define SENTINEL_MS INT64_C (0x5a5a5a5a5a5a)
#define SENTINEL_DAY INT32_C (0x5a5a5a)

static void
s_test_known_dates (void)
{
    CHECK_INT (lnt_date_from_ymd (1970, 1, 1), 0);
    CHECK_INT (lnt_date_weekday (0), 4);                 //  Thursday
    CHECK_INT (lnt_date_from_ymd (1969, 12, 31), -1);
    CHECK_INT (lnt_date_weekday (-1), 3);
    CHECK_INT (lnt_date_from_ymd (2026, 11, 25), 20782); //  1795564800 / 86400
    CHECK_INT (lnt_date_weekday (20782), 3);             //  Wednesday
    CHECK_INT (lnt_date_from_ymd (1900, 1, 1), -25567);
    CHECK_INT (lnt_date_weekday (-25567), 1);            //  Monday
    CHECK_INT (lnt_date_from_ymd (2000, 2, 29), 11016);
    CHECK_INT (lnt_date_weekday (11016), 2);             //  Tuesday
    CHECK_INT (lnt_date_from_ymd (9999, 12, 31), 2932896);
    CHECK_INT (lnt_date_weekday (2932896), 5);           //  Friday
    //  2000 is a leap year (divisible by 400), 1900 is not
    CHECK_INT (lnt_date_from_ymd (2000, 3, 1), 11016 + 1);
    CHECK_INT (lnt_date_from_ymd (1900, 3, 1),
               lnt_date_from_ymd (1900, 2, 28) + 1);

    int year, month, mday;
    lnt_date_to_ymd (11016, &year, &month, &mday);
    CHECK_INT (year, 2000);
    CHECK_INT (month, 2);
    CHECK_INT (mday, 29);
    lnt_date_to_ymd (-1, &year, &month, &mday);
    CHECK_INT (year, 1969);
    CHECK_INT (month, 12);
    CHECK_INT (mday, 31);

    char buf [11];
    lnt_date_format (20782, buf);
    CHECK_STR (buf, "2026-11-25");
    lnt_date_format (-25567, buf);
    CHECK_STR (buf, "1900-01-01");

    int32_t day = SENTINEL_DAY;
    CHECK_INT (lnt_date_parse ("2000-02-29", &day), 0);
    CHECK_INT (day, 11016);
    day = SENTINEL_DAY;
    CHECK_INT (lnt_date_parse ("1900-02-29", &day), LNT_EINVAL);
    CHECK_INT (lnt_date_parse ("2026-02-29", &day), LNT_EINVAL);
    CHECK_INT (lnt_date_parse ("2026-11-25 00:00", &day), LNT_EINVAL);
    CHECK_INT (lnt_date_parse ("2026-11-2", &day), LNT_EINVAL);
    CHECK_INT (lnt_date_parse (NULL, &day), LNT_EINVAL);
    CHECK_INT (day, SENTINEL_DAY);
}

//  Every day from 1900 to 9999: gmtime_r agrees, the next day is the next
//  date, and format then parse gives the day back
static void
s_test_sweep (void)
{
    int32_t first = lnt_date_from_ymd (1900, 1, 1);
    int32_t last = lnt_date_from_ymd (9999, 12, 31);
    int oracle_bad = 0, step_bad = 0, trip_bad = 0, weekday_bad = 0;
    int py = 1899, pm = 12, pd = 31;
    for (int32_t day = first; day <= last; day++) {
        int y, m, d;
        lnt_date_to_ymd (day, &y, &m, &d);
        time_t t = (time_t) day * 86400;
        struct tm tm;
        if (!gmtime_r (&t, &tm) || tm.tm_year + 1900 != y
            || tm.tm_mon + 1 != m || tm.tm_mday != d)
            oracle_bad++;
        if (lnt_date_weekday (day) != (tm.tm_wday == 0 ? 7 : tm.tm_wday))
            weekday_bad++;
        bool next = (y == py && m == pm && d == pd + 1)
                    || (y == py && m == pm + 1 && d == 1)
                    || (y == py + 1 && m == 1 && d == 1 && pm == 12);
        if (!next || lnt_date_from_ymd (y, m, d) != day)
            step_bad++;
        py = y, pm = m, pd = d;

        char buf [11];
        int32_t back = SENTINEL_DAY;
        lnt_date_format (day, buf);
        if (lnt_date_parse (buf, &back) != 0 || back != day)
            trip_bad++;
    }
    CHECK_INT (oracle_bad, 0);
    CHECK_INT (weekday_bad, 0);
    CHECK_INT (step_bad, 0);
    CHECK_INT (trip_bad, 0);
    CHECK_INT (py, 9999);

    //  Instants round-trip through the local format at WIB, minute by
    //  minute over a few days around the epoch and around a leap day
    int64_t starts [] = {-3 * 86400000LL, 11014 * 86400000LL};
    int instant_bad = 0;
    for (int s = 0; s < 2; s++)
        for (int64_t ms = starts [s]; ms < starts [s] + 6 * 86400000LL;
             ms += 7 * 60000) {
            char buf [17];
            int64_t back = SENTINEL_MS;
            lnt_time_format_local (ms, 420, buf);
            if (lnt_time_parse_local (buf, 420, &back) != 0 || back != ms)
                instant_bad++;
        }
    CHECK_INT (instant_bad, 0);
}

static void
s_test_parse (void)
{
    int64_t ms = SENTINEL_MS, utc = SENTINEL_MS;
    char buf [21];

    //  09:12 WIB is 02:12 UTC the same day; date -u gives 1772331120 s
    CHECK_INT (lnt_time_parse_local ("2026-03-01 09:12", 420, &ms), 0);
    CHECK_INT (lnt_time_parse_local ("2026-03-01T02:12", 0, &utc), 0);
    CHECK_INT (ms, utc);
    CHECK_INT (ms, 1772331120000LL);
    lnt_time_format_utc (ms, buf);
    CHECK_STR (buf, "2026-03-01T02:12:00Z");
    char local [17];
    lnt_time_format_local (ms, 420, local);
    CHECK_STR (local, "2026-03-01 09:12");

    CHECK_INT (lnt_time_parse_local ("2026-03-01T09:12:34", 420, &ms), 0);
    CHECK_INT (ms, 1772331154000LL);
    CHECK_INT (lnt_time_parse_local ("2026-03-01", 0, &ms), 0);
    CHECK_INT (ms, 1772323200000LL);
    //  A date alone is local midnight: 2026-03-01 00:00 WIB is 17:00Z the
    //  day before
    CHECK_INT (lnt_time_parse_local ("2026-03-01", 420, &ms), 0);
    lnt_time_format_utc (ms, buf);
    CHECK_STR (buf, "2026-02-28T17:00:00Z");
    CHECK_INT (lnt_time_parse_local ("9999-12-31 23:59:59", 0, &ms), 0);
    CHECK_INT (ms, 253402300799000LL);
    CHECK_INT (lnt_time_parse_local ("1900-01-01", 0, &ms), 0);
    CHECK_INT (ms, -2208988800000LL);
    CHECK_INT (lnt_time_parse_local ("2024-02-29 00:00:00", 540, &ms), 0);

    //  Before the epoch the day still rounds down, not towards zero
    lnt_time_format_utc (-1, buf);
    CHECK_STR (buf, "1969-12-31T23:59:59Z");

    const char *bad [] = {
        "",  "2026",  "2026-03",  "2026-3-01",  "2026-03-1",  "26-03-01",
        "+2026-03-01",  "-2026-03-01",  " 2026-03-01",  "2026-03-01 ",
        "2026-03-01x",  "2026-03-01T",  "2026-03-01 09",  "2026-03-01 09:",
        "2026-03-01 09:1",  "2026-03-01 9:12",  "2026-03-01 09:12 ",
        "2026-03-01 09:12x",  "2026-03-01 09:12:",  "2026-03-01 09:12:5",
        "2026-03-01 09:12:+5",  "2026-03-01 09:12:05 ",  "2026-03-01 09:12Z",
        "2026-03-01  09:12",  "2026-03-01t09:12",  "2026/03/01",
        "2026-03-01 -9:12",  "2026-03-01 09:12:00.5",
        "2026-13-01",  "2026-00-01",  "2026-01-00",  "2026-01-32",
        "2026-04-31",  "2026-02-29",  "1900-02-29",  "2100-02-29",
        "2026-03-01 24:00",  "2026-03-01 09:60",  "2026-03-01 09:12:60",
        "1899-12-31",  "1899-12-31 23:59",  "0000-01-01",  "10000-01-01",
    };
    size_t count = sizeof (bad) / sizeof (bad [0]);
    for (size_t i = 0; i < count; i++) {
        ms = SENTINEL_MS;
        int rc = lnt_time_parse_local (bad [i], 420, &ms);
        if (rc != LNT_EINVAL || ms != SENTINEL_MS)
            fprintf (stderr, "accepted \"%s\"\n", bad [i]);
        CHECK_INT (rc, LNT_EINVAL);
        CHECK_INT (ms, SENTINEL_MS);
    }
    ms = SENTINEL_MS;
    CHECK_INT (lnt_time_parse_local (NULL, 420, &ms), LNT_EINVAL);
    CHECK_INT (ms, SENTINEL_MS);
}

static void
s_test_local_day (void)
{
    int32_t mar1 = lnt_date_from_ymd (2026, 3, 1);
    //  20:00Z on 1 March is 03:00 on 2 March in WIB, still 1 March in UTC
    int64_t ms = (int64_t) mar1 * 86400000LL + 20 * 3600000LL;
    CHECK_INT (lnt_time_local_day (ms, 0), mar1);
    CHECK_INT (lnt_time_local_day (ms, 420), mar1 + 1);
    //  16:59:59.999Z is 23:59:59.999 WIB, 17:00Z is midnight WIB
    int64_t edge = (int64_t) mar1 * 86400000LL + 17 * 3600000LL;
    CHECK_INT (lnt_time_local_day (edge - 1, 420), mar1);
    CHECK_INT (lnt_time_local_day (edge, 420), mar1 + 1);
    //  WITA's midnight is an hour earlier, WIT's two
    CHECK_INT (lnt_time_local_day (edge - 3600000 - 1, 480), mar1);
    CHECK_INT (lnt_time_local_day (edge - 3600000, 480), mar1 + 1);
    CHECK_INT (lnt_time_local_day (edge - 7200000, 540), mar1 + 1);
    //  Just before the epoch is day -1; WIB puts the epoch at 07:00
    CHECK_INT (lnt_time_local_day (-1, 0), -1);
    CHECK_INT (lnt_time_local_day (-1, 420), 0);
    char buf [17];
    lnt_time_format_local (ms, 420, buf);
    CHECK_STR (buf, "2026-03-02 03:00");

    //  The clock is after 2020 and before 2100
    int64_t now = lnt_time_now_ms ();
    CHECK (now > 1577836800000LL && now < 4102444800000LL);
}

static void
s_test_calendar (void)
{
    int32_t fri = lnt_date_from_ymd (2026, 11, 20);
    int32_t sat = fri + 1, mon = fri + 3, tue = fri + 4, wed = fri + 5;
    int32_t thu = fri + 6;
    CHECK_INT (lnt_date_weekday (fri), 5);
    CHECK_INT (wed, lnt_date_from_ymd (2026, 11, 25));

    //  No calendar: weekends only
    CHECK (lnt_calendar_is_working (NULL, fri));
    CHECK (!lnt_calendar_is_working (NULL, sat));
    CHECK (!lnt_calendar_is_working (NULL, sat + 1));
    CHECK_INT (lnt_calendar_holidays (NULL), 0);
    CHECK_INT (lnt_calendar_add_days (NULL, fri, 3, true), wed);
    CHECK_INT (lnt_calendar_add_days (NULL, sat, 3, true), wed);
    CHECK_INT (lnt_calendar_add_days (NULL, sat + 1, 1, true), mon);
    CHECK_INT (lnt_calendar_add_days (NULL, fri, 1, true), mon);
    CHECK_INT (lnt_calendar_add_days (NULL, fri, 3, false), mon);
    CHECK_INT (lnt_calendar_add_days (NULL, sat, 0, true), sat);
    CHECK_INT (lnt_calendar_add_days (NULL, sat, 0, false), sat);
    //  260 working days from a Monday are exactly 52 weeks
    CHECK_INT (lnt_calendar_add_days (NULL, mon, 260, true), mon + 364);

    lnt_calendar_t *calendar = lnt_calendar_new ();
    CHECK (calendar != NULL);
    if (!calendar)
        return;
    CHECK_INT (lnt_calendar_holidays (calendar), 0);
    CHECK_INT (lnt_calendar_add_days (calendar, fri, 3, true), wed);

    //  A holiday in the period pushes the end one day
    CHECK_INT (lnt_calendar_add_holiday (calendar, tue), 0);
    CHECK (!lnt_calendar_is_working (calendar, tue));
    CHECK (lnt_calendar_is_working (calendar, mon));
    CHECK_INT (lnt_calendar_add_days (calendar, fri, 3, true), thu);
    CHECK_INT (lnt_calendar_add_days (calendar, sat, 3, true), thu);
    //  from itself is never counted, holiday or not
    CHECK_INT (lnt_calendar_add_days (calendar, tue, 1, true), wed);
    CHECK_INT (lnt_calendar_add_days (calendar, tue, 0, true), tue);
    //  Calendar days ignore holidays
    CHECK_INT (lnt_calendar_add_days (calendar, fri, 3, false), mon);
    CHECK_INT (lnt_calendar_add_days (calendar, fri, 10, false), fri + 10);

    //  Twice is fine and is still one holiday
    CHECK_INT (lnt_calendar_add_holiday (calendar, tue), 0);
    CHECK_INT (lnt_calendar_holidays (calendar), 1);

    //  Consecutive holidays, added out of order, push it two days
    CHECK_INT (lnt_calendar_add_holiday (calendar, wed), 0);
    CHECK_INT (lnt_calendar_holidays (calendar), 2);
    CHECK_INT (lnt_calendar_add_days (calendar, fri, 3, true), fri + 7);
    CHECK_INT (lnt_calendar_add_days (calendar, mon, 1, true), thu);

    //  A holiday on a weekend changes nothing
    CHECK_INT (lnt_calendar_add_holiday (calendar, sat), 0);
    CHECK_INT (lnt_calendar_holidays (calendar), 3);
    CHECK_INT (lnt_calendar_add_days (calendar, fri, 3, true), fri + 7);

    //  Many holidays, added in reverse, grow the array; every Wednesday of
    //  the next 200 weeks is a holiday, so a week has four working days
    int rc = 0;
    for (int week = 199; week >= 0; week--)
        rc |= lnt_calendar_add_holiday (calendar, wed + 7 * (week + 1));
    CHECK_INT (rc, 0);
    CHECK_INT (lnt_calendar_holidays (calendar), 203);
    CHECK_INT (lnt_calendar_add_days (calendar, fri + 7, 400, true),
               fri + 7 + 700);
    CHECK (!lnt_calendar_is_working (calendar, wed + 7 * 200));
    CHECK (lnt_calendar_is_working (calendar, wed + 7 * 201));

    //  Against a plain day-by-day count from every start in a month
    int bad = 0;
    for (int32_t from = fri - 10; from < fri + 20; from++)
        for (int n = 0; n < 30; n++) {
            int32_t day = from;
            for (int left = n; left > 0;)
                if (lnt_calendar_is_working (calendar, ++day))
                    left--;
            if (lnt_calendar_add_days (calendar, from, n, true) != day)
                bad++;
        }
    CHECK_INT (bad, 0);

    lnt_calendar_destroy (&calendar);
    CHECK (calendar == NULL);
    lnt_calendar_destroy (&calendar);
    CHECK (calendar == NULL);
}

int
main (void)
{
    s_test_known_dates ();
    s_test_sweep ();
    s_test_parse ();
    s_test_local_day ();
    s_test_calendar ();
    return LNT_TEST_DONE ();
}
