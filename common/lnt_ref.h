/*  lnt_ref.h - reference data: offices, provinces' time zones, RB areas,
    LKE instruments, answer types, grade bands, SLA table and holidays.

    Reference data is data, not code: each part is a CSV text in the shape
    of the files in common/data (installed to the prefix's share/lontar).
    A node keeps the texts in its store, so it validates against the copy
    it holds and the hub can send newer ones down. lnt_ref parses the
    texts and answers look-ups; it does no I/O but lnt_ref_read_file.

    Weights and answer values are kept exact: decimal text is read into
    integers of 1/10,000 (LNT_REF_UNIT), never into floating point.        */
#ifndef LNT_REF_H
#define LNT_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lnt_error.h"
#include "lnt_time.h"

#define LNT_REF_UNIT 10000 /* fixed-point scale of weights and values   */
#define LNT_REF_DEFAULT_INSTRUMENT "permenpanrb-26-2020-pemenuhan"

typedef struct {
    char code[8];       /* Kemendagri region code, "3503"                  */
    char province[4];   /* its province, "35"                               */
    char kind[16];      /* kabupaten, kota or provinsi                      */
    char name[64];      /* "Trenggalek"                                     */
} lnt_ref_office_t;

typedef struct {
    char code[16];      /* node code, "A5.4"                                */
    char parent[16];    /* parent node code, "" for a component             */
    char kind[12];      /* component, area, item or result                  */
    int area;           /* area of change 1-8, 0 when none                  */
    int64_t weight;     /* points (component, area, result) or relative
                           weight (item), in 1/LNT_REF_UNIT                 */
    char answer_type[8]; /* items: YT, ABC, ABCD or PCT                     */
    char title[128];    /* Indonesian title                                 */
    size_t line;        /* its line in the part's text (0: not from text)   */
} lnt_ref_node_t;

typedef struct {
    char id[64];            /* "permenpanrb-26-2020-pemenuhan"             */
    lnt_ref_node_t *nodes;  /* the tree in file order; owned                */
    size_t node_count;      /* how many nodes                               */
} lnt_ref_instrument_t;

typedef struct {
    char grade[4];    /* AA, A, BB, B, CC, C, D                             */
    int above;        /* exclusive lower bound, in hundredths of a point    */
    int up_to;        /* inclusive upper bound, in hundredths               */
    char label[48];   /* "Sangat Memuaskan"                                 */
} lnt_ref_band_t;

typedef struct {
    char class_name[32]; /* suggestion class or complaint_field_check        */
    int verify_days;     /* days to the first response                       */
    bool verify_working; /* counted in working days (else calendar)          */
    int resolve_days;    /* days to the final answer                         */
    bool resolve_working; /* counted in working days                         */
} lnt_ref_sla_t;

typedef struct lnt_ref_t lnt_ref_t;

/*  The parts, in the order a node loads them: name in the store, file in
    the data folder. Instruments are "instrument/ID" <- instrument-ID.csv.
    One more part has no shipped file and may be absent: "instrument-years"
    (year,office,instrument: which instrument an office-year uses; office
    "*" means every office; a later line overrides an earlier one), which
    the hub loads (lontar-hub reference load) and sends down.             */
typedef struct {
    const char *name; /* key in the store's ref database                   */
    const char *file; /* file name in the data folder                       */
} lnt_ref_part_t;
extern const lnt_ref_part_t lnt_ref_parts[];
extern const size_t lnt_ref_part_count;

/*  An empty set, or NULL when out of memory.                               */
lnt_ref_t *lnt_ref_new (void);
void lnt_ref_destroy (lnt_ref_t **self_p);

/*  Parses one part from its CSV text and installs it, replacing what that
    part held. name is a part name or "instrument/ID". 0, or LNT_EINVAL
    with why naming the part, line and field; the set is unchanged then.   */
int lnt_ref_load (lnt_ref_t *self, const char *name, const char *text,
                  size_t len, lnt_why_t *why);

/*  True when every part that validation needs is loaded and the parts
    agree with each other: every instrument item's answer type is one that
    answer-types defines, and every line of instrument-years names an
    office of the office list (or "*") and a loaded instrument. Otherwise
    false, and why names the missing part or the first disagreement.     */
bool lnt_ref_complete (const lnt_ref_t *self, lnt_why_t *why);

/*  Reads a whole file into a fresh NUL-terminated buffer (the caller's to
    free). At most 16 MiB. 0, LNT_ENOTFOUND, LNT_EIO or LNT_ENOMEM.        */
int lnt_ref_read_file (const char *path, char **text, size_t *len);

/*  The folder the reference files come from: $LONTAR_REF if set, else
    the installed one (LNT_REF_DIR at build time: the install prefix's
    share/lontar).                                                        */
const char *lnt_ref_default_dir (void);

/*  Look-ups. Returned pointers are borrowed until the set changes.        */
const lnt_ref_office_t *lnt_ref_office (const lnt_ref_t *self,
                                        const char *code);
size_t lnt_ref_office_count (const lnt_ref_t *self);
const lnt_ref_office_t *lnt_ref_office_at (const lnt_ref_t *self, size_t i);

/*  Minutes east of UTC for an office's province; 420 (WIB) if unknown.    */
int lnt_ref_utc_offset (const lnt_ref_t *self, const char *office);

/*  The name of area 1-8, or NULL.                                          */
const char *lnt_ref_area_name (const lnt_ref_t *self, int area);

const lnt_ref_instrument_t *lnt_ref_instrument (const lnt_ref_t *self,
                                                const char *id);
const lnt_ref_node_t *lnt_ref_item (const lnt_ref_instrument_t *instrument,
                                    const char *code);

/*  The value of an answer under an answer type, in 1/LNT_REF_UNIT: 0 and
    *value, or LNT_EINVAL when the type does not allow that answer (why
    lists what it allows).                                                  */
int lnt_ref_answer_value (const lnt_ref_t *self, const char *type,
                          const char *answer, int64_t *value,
                          lnt_why_t *why);

/*  The instrument an office uses for a year: the last line of
    instrument-years for that year and that office or "*", else
    LNT_REF_DEFAULT_INSTRUMENT. Never NULL; borrowed until the set
    changes. (lnt_ref_complete makes sure the instrument is loaded.)     */
const char *lnt_ref_instrument_for (const lnt_ref_t *self, const char *office,
                                    int year);

/*  Line i (from 0, in file order) of instrument-years: true and its year,
    office ("*" for every office) and instrument, borrowed until the set
    changes; false past the last line. Any output may be NULL.           */
bool lnt_ref_instrument_year (const lnt_ref_t *self, size_t i, int *year,
                              const char **office, const char **instrument);

/*  The grade band of a score in hundredths (0..10000), never NULL once
    grade bands are loaded.                                                 */
const lnt_ref_band_t *lnt_ref_grade (const lnt_ref_t *self, int hundredths);

/*  The SLA row of a class name, or NULL.                                   */
const lnt_ref_sla_t *lnt_ref_sla (const lnt_ref_t *self,
                                  const char *class_name);

/*  The working-day calendar (holidays); borrowed, never NULL.             */
const lnt_calendar_t *lnt_ref_calendar (const lnt_ref_t *self);



/*  Parses a non-negative decimal ("12", "0.67", "1.5") into an integer of
    10^decimals units, refusing more digits after the point than decimals,
    signs, exponents and values of 10^15 units or more. 0 or LNT_EINVAL.   */
int lnt_decimal_parse (const char *text, int decimals, int64_t *value);

/*  Writes value (in 10^decimals units) as a decimal with no trailing zeros
    after the point ("1.5", "12"). buf should hold 32 bytes.               */
void lnt_decimal_format (int64_t value, int decimals, char *buf,
                         size_t size);
#endif
