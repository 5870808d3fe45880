/*  lnt_clock.c - hybrid logical clock.                                     */
#include "lnt_clock.h"
#include "lnt_time.h"

uint64_t
lnt_clock_tick (lnt_clock_t *self)
{
    int64_t ms = self->source ? self->source (self->arg) : lnt_time_now_ms ();
    uint64_t wall = ms > 0 ? (uint64_t) ms << 16 : 0;
    self->last = wall > self->last ? wall : self->last + 1;
    return self->last;
}

void
lnt_clock_observe (lnt_clock_t *self, uint64_t version)
{
    if (version > self->last)
        self->last = version;
}

int64_t
lnt_clock_ms (uint64_t version)
{
    return (int64_t) (version >> 16);
}
