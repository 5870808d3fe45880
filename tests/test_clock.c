/*  test_clock.c - unit test for lnt_clock, the hybrid logical clock: with an
    injected wall clock that moves on, stands still, jumps back an hour and
    is overtaken by versions from other nodes, versions always grow.

    Usage: test_clock [data-folder [seed]]. The data folder is not used.
    The random walk prints its seed; give that seed to replay a failure.  */
#include "lnt_clock.h"
#include "lnt_test.h"
#include "lnt_time.h"

#include <inttypes.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define HOUR_MS INT64_C (3600000)

//  2026-11-25T00:00:00Z, a plausible wall clock
#define T0_MS INT64_C (1795564800000)

//  The injected wall clock: the test sets ms, the clock reads it
typedef struct {
    int64_t ms;  //  what the wall clock says
    long reads;  //  how often the clock asked
} s_wall_t;

static int64_t
s_wall_read (void *arg)
{
    s_wall_t *wall = arg;
    wall->reads++;
    return wall->ms;
}

//  splitmix64: a small generator that gives the same walk on every machine
static uint64_t
s_random (uint64_t *state)
{
    uint64_t z = (*state += UINT64_C (0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C (0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C (0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void
s_test_forward (void)
{
    s_wall_t wall = {T0_MS, 0};
    lnt_clock_t clock = {0, s_wall_read, &wall};

    //  A wall clock that moves on gives its own milliseconds, counter 0
    uint64_t v1 = lnt_clock_tick (&clock);
    CHECK_INT (wall.reads, 1);
    CHECK (v1 == (uint64_t) T0_MS << 16);
    CHECK_INT (lnt_clock_ms (v1), T0_MS);
    CHECK (clock.last == v1);

    wall.ms += 5;
    uint64_t v2 = lnt_clock_tick (&clock);
    CHECK (v2 > v1);
    CHECK_INT (lnt_clock_ms (v2), T0_MS + 5);
    CHECK_INT (v2 & 0xffff, 0);
}

static void
s_test_stuck (void)
{
    s_wall_t wall = {T0_MS, 0};
    lnt_clock_t clock = {0, s_wall_read, &wall};

    //  The wall clock stands still: the counter counts, the ms stay
    uint64_t first = lnt_clock_tick (&clock);
    uint64_t prev = first;
    int bad = 0;
    for (int i = 1; i <= 1000; i++) {
        uint64_t v = lnt_clock_tick (&clock);
        if (v != prev + 1 || (int) (v & 0xffff) != i
            || lnt_clock_ms (v) != T0_MS)
            bad++;
        prev = v;
    }
    CHECK_INT (bad, 0);
    CHECK_INT (prev - first, 1000);

    //  When the wall clock moves on again the counter starts from 0
    wall.ms += 1;
    uint64_t v = lnt_clock_tick (&clock);
    CHECK (v > prev);
    CHECK (v == (uint64_t) (T0_MS + 1) << 16);

    //  Past 65,535 ticks in one millisecond the counter carries into the
    //  milliseconds: still strictly growing
    prev = v;
    bad = 0;
    for (int i = 0; i < 70000; i++) {
        uint64_t next = lnt_clock_tick (&clock);
        if (next <= prev)
            bad++;
        prev = next;
    }
    CHECK_INT (bad, 0);
    CHECK_INT (lnt_clock_ms (prev), T0_MS + 2);
}

static void
s_test_backwards (void)
{
    s_wall_t wall = {T0_MS, 0};
    lnt_clock_t clock = {0, s_wall_read, &wall};

    uint64_t v1 = lnt_clock_tick (&clock);
    //  The office PC's clock is set back an hour
    wall.ms -= HOUR_MS;
    uint64_t v2 = lnt_clock_tick (&clock);
    CHECK (v2 > v1);
    CHECK (v2 == v1 + 1);
    CHECK_INT (lnt_clock_ms (v2), T0_MS);
    uint64_t v3 = lnt_clock_tick (&clock);
    CHECK (v3 > v2);

    //  While the wall clock creeps back towards where it was, versions
    //  keep the old milliseconds and count up
    wall.ms += HOUR_MS - 1;
    uint64_t v4 = lnt_clock_tick (&clock);
    CHECK (v4 == v3 + 1);
    //  Once it passes the last version, the wall clock leads again
    wall.ms += 2;
    uint64_t v5 = lnt_clock_tick (&clock);
    CHECK (v5 == (uint64_t) (T0_MS + 1) << 16);
    CHECK (v5 > v4);

    //  A wall clock before the epoch is no wall clock at all
    wall.ms = -1;
    uint64_t v6 = lnt_clock_tick (&clock);
    CHECK (v6 == v5 + 1);
}

static void
s_test_observe (void)
{
    s_wall_t wall = {T0_MS, 0};
    lnt_clock_t clock = {0, s_wall_read, &wall};
    uint64_t v1 = lnt_clock_tick (&clock);

    //  A version from a node whose clock is ten seconds ahead
    uint64_t future = ((uint64_t) (T0_MS + 10000) << 16) | 7;
    lnt_clock_observe (&clock, future);
    CHECK (clock.last == future);
    uint64_t v2 = lnt_clock_tick (&clock);
    CHECK (v2 > future);
    CHECK (v2 == future + 1);
    CHECK_INT (lnt_clock_ms (v2), T0_MS + 10000);

    //  A version from the past does not move the clock back
    lnt_clock_observe (&clock, v1);
    CHECK (clock.last == v2);
    lnt_clock_observe (&clock, 0);
    CHECK (clock.last == v2);
    uint64_t v3 = lnt_clock_tick (&clock);
    CHECK (v3 == v2 + 1);

    //  Observing an equal version changes nothing either
    lnt_clock_observe (&clock, v3);
    CHECK (clock.last == v3);
}

static void
s_test_ms (void)
{
    CHECK_INT (lnt_clock_ms (0), 0);
    CHECK_INT (lnt_clock_ms (UINT64_C (0xffff)), 0);
    CHECK_INT (lnt_clock_ms (UINT64_C (0x10000)), 1);
    CHECK_INT (lnt_clock_ms (((uint64_t) T0_MS << 16) | 0xffff), T0_MS);
    CHECK_INT (lnt_clock_ms (((uint64_t) T0_MS << 16) + 0x10000), T0_MS + 1);
    //  The largest millisecond 48 bits hold
    CHECK_INT (lnt_clock_ms (UINT64_MAX), (INT64_C (1) << 48) - 1);
}

static void
s_test_real_clock (void)
{
    //  No source: the clock reads lnt_time_now_ms
    lnt_clock_t clock = {0, NULL, NULL};
    int64_t before = lnt_time_now_ms ();
    uint64_t v = lnt_clock_tick (&clock);
    int64_t after = lnt_time_now_ms ();
    CHECK (lnt_clock_ms (v) >= before);
    CHECK (lnt_clock_ms (v) <= after);
    CHECK (lnt_clock_tick (&clock) > v);
}

//  The property: over a random walk of the wall clock, forwards, stuck and
//  backwards, with versions observed from other nodes now and then, every
//  version is greater than every version before it and than everything
//  observed, and never behind the wall clock.
static void
s_test_walk (uint64_t seed)
{
    printf ("test_clock: random walk seed=%" PRIu64
            " (replay: test_clock DATA %" PRIu64 ")\n",
            seed, seed);
    uint64_t state = seed;
    s_wall_t wall = {T0_MS, 0};
    lnt_clock_t clock = {0, s_wall_read, &wall};
    uint64_t prev = 0;
    long not_growing = 0, behind_wall = 0, behind_seen = 0, wall_ignored = 0;
    long jumps_back = 0, observed = 0, wall_led = 0;
    for (long i = 0; i < 100000; i++) {
        uint64_t r = s_random (&state);
        switch (r % 8) {
            case 0: //  a jump back of up to a day
                wall.ms -= (int64_t) (s_random (&state) % (24 * HOUR_MS));
                jumps_back++;
                break;
            case 1: //  a small step back (NTP slewing, a VM resumed)
                wall.ms -= (int64_t) (s_random (&state) % 50);
                break;
            case 2:
            case 3: //  stuck
                break;
            case 4: //  another node's version, up to a minute either way
            {
                int64_t off = (int64_t) (s_random (&state) % 120000) - 60000;
                uint64_t seen = ((uint64_t) (wall.ms + off) << 16)
                              | (s_random (&state) & 0xffff);
                lnt_clock_observe (&clock, seen);
                uint64_t v = lnt_clock_tick (&clock);
                if (v <= seen)
                    behind_seen++;
                if (v <= prev)
                    not_growing++;
                prev = v;
                observed++;
                continue;
            }
            default: //  forwards: mostly a little, sometimes up to two days
                     //  (so the wall clock often leads again)
                wall.ms += (int64_t) (s_random (&state)
                                      % ((r & 64) ? 48 * HOUR_MS : 20));
                break;
        }
        uint64_t last = clock.last;
        uint64_t v = lnt_clock_tick (&clock);
        if (v <= prev)
            not_growing++;
        if (wall.ms > 0 && v < (uint64_t) wall.ms << 16)
            behind_wall++;
        //  When the wall clock is ahead of everything, it gives the version
        if (wall.ms > 0 && (uint64_t) wall.ms << 16 > last) {
            wall_led++;
            if (v != (uint64_t) wall.ms << 16)
                wall_ignored++;
        }
        prev = v;
    }
    CHECK_INT (not_growing, 0);
    CHECK_INT (behind_wall, 0);
    CHECK_INT (behind_seen, 0);
    CHECK_INT (wall_ignored, 0);
    //  The walk did what it was meant to
    CHECK (jumps_back > 1000);
    CHECK (observed > 1000);
    CHECK (wall_led > 1000);
    CHECK (wall_led < 99000);
}

int
main (int argc, char *argv[])
{
    uint64_t seed = argc > 2 ? strtoull (argv[2], NULL, 10)
                             : (uint64_t) time (NULL) ^ (uint64_t) getpid ();
    s_test_forward ();
    s_test_stuck ();
    s_test_backwards ();
    s_test_observe ();
    s_test_ms ();
    s_test_real_clock ();
    s_test_walk (seed);
    return LNT_TEST_DONE ();
}
