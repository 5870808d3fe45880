/*  lnt_clock.h - the hybrid logical clock that versions every section.

    A version is 64 bits: the physical time in milliseconds since the epoch
    in the high 48 bits and a counter in the low 16. Versions a node makes
    always grow, even when the wall clock jumps back: a new version is the
    greater of the wall clock (with counter 0) and the last version plus
    one. When a node sees a version from elsewhere it moves its clock past
    it, so its next write orders after what it has seen. The clock itself is
    a plain value; the store keeps it in the same transaction as the write
    that used it. The time source is injectable for tests.                  */
#ifndef LNT_CLOCK_H
#define LNT_CLOCK_H

#include <stdint.h>

/*  How far ahead of the wall clock a version seen from another node may be
    for the clock to follow it: a day.                                     */
#define LNT_CLOCK_HORIZON_MS (24 * 3600 * 1000LL)

/*  A time source: milliseconds since the epoch.                           */
typedef int64_t (lnt_clock_source_fn) (void *arg);

typedef struct {
    uint64_t last;               /* the last version handed out or seen     */
    lnt_clock_source_fn *source; /* wall clock; NULL means lnt_time_now_ms  */
    void *arg;                   /* passed to source                        */
} lnt_clock_t;

/*  The next version: greater than every version before it.                */
uint64_t lnt_clock_tick (lnt_clock_t *self);

/*  Moves the clock past a version seen from another node.                 */
void lnt_clock_observe (lnt_clock_t *self, uint64_t version);

/*  The physical milliseconds of a version.                                */
int64_t lnt_clock_ms (uint64_t version);

#endif
