/*  bench_rollup.c - what the province rollups cost: the `rollup` query
    against a store of millions of records, and the merge with rollups
    kept against the merge without them, each beside a floor measured in
    the same run on the same machine.

    Figures:
      rollup query   a hub store of province 35 (38 offices, five years of
                     suggestions, action-plan items and LKE answers) made
                     directly, as the hub's group commit makes it
                     (lnt_replica_apply_rolled, then lnt_rollup_flush, in
                     big durable transactions), one of --small records and
                     one of --records; then the real `lontar-hub run
                     --insecure` on each (both at once), and `rollup
                     --year Y` round trips from a DEALER as `lontar-hub
                     rollup` sends them (QUERY encoded with lnt_msg_encode,
                     the ANSWER decoded), in json and in table format, p50
                     and p99, the two sizes in the same turns.
      floor          the `offices --office 3503` query on the same hub in
                     the same turns: the same socket, loop, decoding, read
                     transaction and answer, with one checkpoint read and
                     a one-row answer instead of the rollup's work. A raw
                     ZeroMQ echo (a ROUTER in a child process sending the
                     frame back) is printed below the table.
      merge          one stream of changes applied in transactions of
                     about --group changes, each committed durably, to two
                     fresh hub stores: one through lnt_replica_apply_rolled
                     with a lnt_rollup_t and lnt_rollup_flush (the hub),
                     one through lnt_replica_apply alone (the floor).
                     Two streams: "as offices work" (a record's first
                     state, then its later states as changes of their own)
                     and "new records only" (a catch-up or an import).
                     Neither side validates: the hub validates before it
                     merges whether or not it keeps rollups.

    Records come from a seeded generator in which every record is a pure
    function of its slot (0 .. records - 1), so stores made twice hold the
    same records; every generated body passes the hub's validation
    (lnt_suggestion_check and the others), checked as it is made.

    The goals are printed, never enforced: the exit status is 0 unless
    something failed to run. Everything lives in a temporary folder under
    $TMPDIR (or /tmp), removed at the end; the hubs and the echo are
    stopped on every path and die with this process. The hubs run from a
    copy taken at the start.                                              */
#include <czmq.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <locale.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_gen.h"
#include "bench_proc.h"

#include "lnt_log.h"
#include "lnt_msg.h"
#include "lnt_node.h"
#include "lnt_out.h"
#include "lnt_replica.h"
#include "lnt_rollup.h"
#include "lnt_time.h"

#define BENCH_PROVINCE "35"      /* East Java: 38 offices                  */
#define BENCH_FLOOR_OFFICE "3503" /* the floor query's one office          */
#define BENCH_OFFICES 64         /* the most offices a province may have   */
#define BENCH_ITEMS 128          /* the most items an instrument may have  */
#define BENCH_YEARS 5            /* years of records, the last this year   */
#define BENCH_RB_PER_YEAR 40     /* action-plan items per office and year  */
#define BENCH_CHUNK 50000        /* records per transaction when making    */
#define BENCH_LAG 5000           /* slots between a record's states        */
#define BENCH_PER_SLOT 64        /* versions a slot may use                */
#define BENCH_WARMUP 100         /* untimed queries of each kind first     */
#define BENCH_BLOCK 50           /* queries of one kind in a row           */
#define BENCH_GOAL_P99_MS 2.0    /* rollup p99                             */
#define BENCH_GOAL_GROWTH 10.0   /* p99 at --records / at --small          */
#define BENCH_GOAL_MERGE 0.7     /* merge with rollups / without           */

static const char *s_usage =
    "Usage: bench_rollup [OPTIONS]\n"
    "\n"
    "Measures the hub's rollup query (the real lontar-hub) against a store\n"
    "of province 35, and the merge with rollups against the merge without,\n"
    "on this machine in this run, and prints one table: figure, lontar,\n"
    "floor, ratio, goal.\n"
    "\n"
    "  --records N      records of the large store (1000000)\n"
    "  --small N        records of the small store (100000)\n"
    "  --queries N      timed queries of each kind at each size (1000)\n"
    "  --merge N        changes of each merge stream (500000)\n"
    "  --group N        changes per merge transaction, about (2000)\n"
    "  --year Y         the year queried (this year)\n"
    "  --quick          200000 records, 300 queries, 100000 changes\n"
    "  --only LIST      query, merge (comma-separated; both)\n"
    "  --verify         also check the large store's rollups against its\n"
    "                   records (lnt_rollup_verify; the small store and\n"
    "                   the merge store are always checked)\n"
    "  --bin DIR        folder of lontar-hub (the build's)\n"
    "  --ref DIR        reference data (default $LONTAR_REF, then the\n"
    "                   source tree's common/data)\n"
    "  --seed N         seed of the generator (1)\n"
    "  --keep           keep the temporary folder and the stores in it\n"
    "                   (its path is printed)\n"
    "  --wrap-hub CMD   run the hub under CMD, split at spaces (a profiler;\n"
    "                   figures from such a run are not comparable)\n"
    "  -h, --help       this help\n"
    "  -V, --version    the version\n"
    "\n"
    "The goals are for reading only: the exit status is 0 unless something\n"
    "failed to run (64 usage, 69 the hub did not start or died, 70\n"
    "internal, 73/74 store or I/O).\n";

static char s_root[4096]; /* the temporary folder, or ""                     */
static bool s_keep;       /* --keep                                          */
static bool s_tty;        /* stderr is a terminal: show progress             */

static void
s_cleanup (void)
{
    bench_cleanup (s_root, s_keep);
}

/*  ---- options and results ----------------------------------------------- */

typedef struct {
    const char *ref;        /* reference data folder                         */
    const char *bin;        /* folder of lontar-hub                          */
    const char *wrap_hub;   /* runs the hub under this                       */
    size_t records;         /* the large store                               */
    size_t small;           /* the small store                               */
    size_t queries;         /* timed queries of each kind                    */
    size_t merge;           /* changes of each merge stream                  */
    size_t group;           /* changes per merge transaction                 */
    int year;               /* the year queried                              */
    uint64_t seed;          /* generator seed                                */
    bool verify;            /* verify the large store too                    */
    unsigned only;          /* S_RUN_*                                       */
} s_bench_t;

#define S_RUN_QUERY 1u
#define S_RUN_MERGE 2u

/*  The kinds of round trip timed against a hub.                           */
enum { S_Q_JSON, S_Q_TABLE, S_Q_FLOOR, S_Q_ECHO, S_Q_KINDS };

/*  What one store size measured.                                          */
typedef struct {
    size_t slots;           /* --records or --small                          */
    size_t records;         /* records in the store                          */
    size_t rollup_keys;     /* keys in LNT_DB_ROLLUPS                        */
    size_t year_suggestions; /* suggestions made for the year queried       */
    double make_s;          /* seconds to make the store                     */
    double make_cpu;        /* CPU seconds of it                             */
    double store_mib;       /* data.mdb                                      */
    int differences;        /* lnt_rollup_verify; -1 not checked             */
    double p50[S_Q_KINDS];  /* ms                                            */
    double p99[S_Q_KINDS];  /* ms                                            */
    double max[S_Q_KINDS];  /* ms                                            */
    size_t answer[S_Q_KINDS]; /* bytes of the answer's frame                 */
    long received;          /* "received" of the json total, -1 unread       */
    double hub_cpu_ms[S_Q_KINDS]; /* the hub's CPU per query, ms (/proc
                                     ticks, summed over the blocks)       */
} s_size_t;

/*  What one merge stream measured.                                        */
typedef struct {
    size_t changes;         /* changes applied                               */
    size_t records;         /* of which made a record                        */
    size_t groups;          /* transactions on each side                     */
    double seconds[2];      /* rollups on, off: time in the transactions     */
    double cpu[2];          /* their CPU seconds                             */
    double written[2];      /* bytes written to storage in them              */
    double mib[2];          /* data.mdb at the end                           */
    int differences;        /* lnt_rollup_verify of the rollup store         */
} s_merge_t;

typedef struct {
    s_size_t size[2];       /* small, large                                  */
    s_merge_t merge[2];     /* as offices work, new records only             */
    double load[2];         /* the 1-minute load average at start and end    */
} s_result_t;

/*  The 1-minute load average: other jobs on the machine move every figure. */
static double
s_load (void)
{
    double load = -1;
    FILE *in = fopen ("/proc/loadavg", "r");
    if (in && fscanf (in, "%lf", &load) != 1)
        load = -1;
    if (in)
        fclose (in);
    return load;
}

/*  ---- the province: records as a pure function of their slot ----------- */

#define S_PICK BENCH_PICK
#define S_DAY_MS 86400000LL

static const char *s_notes[] = {
    "Menunggu data dari kecamatan", "Diteruskan ke bagian umum",
    "Koordinasi dengan PPK", "Perlu survei lapangan"};
static const char *s_responses[] = {
    "Terima kasih atas masukan Bapak/Ibu. Hal tersebut telah kami "
    "tindak lanjuti.",
    "Terima kasih. Data yang diminta sudah diunggah di laman resmi.",
    "Masukan diterima dan akan menjadi bahan evaluasi tahapan berikutnya."};
static const char *s_activities[] = {
    "Penyusunan SOP pelayanan informasi", "Pelatihan petugas PPID",
    "Survei kepuasan masyarakat", "Digitalisasi arsip",
    "Penguatan zona integritas", "Evaluasi beban kerja"};
static const char *s_indicators[] = {
    "Dokumen SOP ditetapkan", "Petugas terlatih", "Indeks kepuasan",
    "Arsip terdigitalisasi", "Laporan evaluasi"};
static const char *s_units[] = {"dokumen", "orang", "persen", "laporan"};

/*  Everything the generator needs to know of the province, and where the
    slots fall in time. Slot j is on day first_day + j * days / slots.    */
typedef struct {
    const lnt_ref_t *ref;                 /* the hub's reference data       */
    char offices[BENCH_OFFICES][8];       /* the province's offices         */
    size_t office_count;                  /* how many                       */
    int offset;                           /* their minutes east of UTC      */
    const char *instrument;               /* the default instrument's id    */
    const lnt_ref_node_t *items[BENCH_ITEMS]; /* its items                  */
    size_t item_count;                    /* how many                       */
    uint64_t seed;                        /* the generator's seed           */
    size_t slots;                         /* records, about                 */
    int first_year;                       /* the first of BENCH_YEARS        */
    int32_t first_day;                    /* its 1 January                  */
    int32_t days;                         /* days up to today (not included) */
    int64_t now;                          /* what has happened by now, ms   */
    size_t year_slot[BENCH_YEARS + 1];    /* the first slot of each year    */
    uint64_t version;                     /* versions start here            */
} s_world_t;

/*  One slot: which record, and the state of its own generator.           */
typedef struct {
    uint8_t kind;           /* LNT_KIND_*                                    */
    size_t office;          /* index into offices                            */
    int year;               /* the record's year                             */
    size_t n;               /* tracking number, item number or item index    */
    int64_t at;             /* received (answered, updated), ms UTC          */
    uint64_t rng;           /* what the record's fields are drawn from       */
} s_slot_t;

static int
s_world_init (s_world_t *w, const lnt_ref_t *ref, size_t slots, uint64_t seed,
              int64_t now)
{
    memset (w, 0, sizeof *w);
    w->ref = ref;
    w->seed = seed;
    w->slots = slots;
    w->now = now;
    for (size_t i = 0; i < lnt_ref_office_count (ref); i++) {
        const lnt_ref_office_t *o = lnt_ref_office_at (ref, i);
        if (strcmp (o->province, BENCH_PROVINCE) == 0
            && w->office_count < BENCH_OFFICES)
            snprintf (w->offices[w->office_count++], 8, "%s", o->code);
    }
    const lnt_ref_instrument_t *in
        = lnt_ref_instrument (ref, LNT_REF_DEFAULT_INSTRUMENT);
    for (size_t i = 0; in && i < in->node_count; i++)
        if (strcmp (in->nodes[i].kind, "item") == 0
            && w->item_count < BENCH_ITEMS)
            w->items[w->item_count++] = &in->nodes[i];
    if (!w->office_count || !w->item_count) {
        fprintf (stderr, "%s: the reference data has no office of province "
                 "%s or no instrument %s\n", BENCH_PROG, BENCH_PROVINCE,
                 LNT_REF_DEFAULT_INSTRUMENT);
        return LNT_EINVAL;
    }
    w->instrument = in->id;
    w->offset = lnt_ref_utc_offset (ref, w->offices[0]);
    int32_t today = lnt_time_local_day (now, w->offset);
    int year, mon, mday;
    lnt_date_to_ymd (today, &year, &mon, &mday);
    w->first_year = year - (BENCH_YEARS - 1);
    w->first_day = lnt_date_from_ymd (w->first_year, 1, 1);
    w->days = today - w->first_day;
    for (int k = 0; k < BENCH_YEARS; k++) {
        uint64_t from = (uint64_t) (lnt_date_from_ymd (w->first_year + k, 1, 1)
                                    - w->first_day);
        w->year_slot[k] = (size_t) ((from * slots + (uint64_t) w->days - 1)
                                    / (uint64_t) w->days);
    }
    w->year_slot[BENCH_YEARS] = slots;
    /* Versions a little behind now, so that the hub's clock (which moves
       past what it merges, up to a day ahead) stays near the wall clock. */
    w->version = (uint64_t) (now - 60000) << 16;
    return 0;
}

/*  Which record slot j holds. Each year's slots hold, spread evenly, one
    LKE answer per office and item of the instrument, BENCH_RB_PER_YEAR
    action-plan items per office, and suggestions in the rest, the offices
    taking turns; numbers are unique per office and year.               */
static void
s_slot (const s_world_t *w, size_t j, s_slot_t *sl)
{
    int k = 0;
    while (k < BENCH_YEARS - 1 && w->year_slot[k + 1] <= j)
        k++;
    uint64_t off = j - w->year_slot[k];
    uint64_t ny = w->year_slot[k + 1] - w->year_slot[k];
    uint64_t nof = w->office_count;
    uint64_t ly = nof * w->item_count, ry = nof * BENCH_RB_PER_YEAR;
    uint64_t state = (w->seed + 1) * 0xd1b54a32d192ed03ULL ^ (uint64_t) j;
    sl->rng = bench_rand (&state);
    sl->year = w->first_year + k;
    int32_t day = w->first_day
                  + (int32_t) ((uint64_t) j * (uint64_t) w->days / w->slots);
    int64_t minute = 7 * 60 + (int64_t) (bench_rand (&state) % 600);
    sl->at = ((int64_t) day * 1440 + minute - w->offset) * 60000
             + (int64_t) (bench_rand (&state) % 60000);
    if (ny > ly + ry && (off + 1) * ly / ny > off * ly / ny) {
        uint64_t n = off * ly / ny;
        sl->kind = LNT_KIND_LKE_ANSWER;
        sl->office = (size_t) (n % nof);
        sl->n = (size_t) (n / nof);
    }
    else if (ny > ly + ry
             && ((off + 1) * ry + ny / 2) / ny > (off * ry + ny / 2) / ny) {
        uint64_t n = (off * ry + ny / 2) / ny;
        sl->kind = LNT_KIND_RB_ITEM;
        sl->office = (size_t) (n % nof);
        sl->n = (size_t) (n / nof + 1);
    }
    else {
        sl->kind = LNT_KIND_SUGGESTION;
        sl->office = (size_t) (j % nof);
        sl->n = (size_t) (off / nof + 1);
    }
}

/*  A suggestion with the whole history it has by now: received; then
    archived as spam, or not our authority, or verified and on through
    in progress (perhaps on hold a while) or referred, to done, perhaps
    archived later. Steps after now have not happened yet.               */
static void
s_suggestion_make (const s_world_t *w, const s_slot_t *sl, lnt_suggestion_t *s)
{
    uint64_t st = sl->rng;
    const char *office = w->offices[sl->office];
    lnt_id_suggestion (s->id, office, sl->year, sl->n);
    snprintf (s->office, sizeof s->office, "%s", office);
    s->received = sl->at;
    s->channel = (uint8_t) (bench_rand (&st) % LNT_CH_COUNT);
    s->class_ = (uint8_t) (bench_rand (&st) % 3);
    s->field_check = s->class_ == LNT_CL_COMPLAINT && bench_rand (&st) % 3 == 0;
    uint64_t p = bench_rand (&st) % 10;
    s->privacy = p == 9 ? LNT_PR_CONFIDENTIAL : p >= 6 ? LNT_PR_ANONYMOUS
                                                       : LNT_PR_PUBLIC;
    bench_gen_words (&st, s);
    if (s->privacy == LNT_PR_CONFIDENTIAL)
        s->text[0] = 0; /* stays at the office                            */

    int n = 0;
    int64_t t = s->received;
#define S_STEP(status_, note_)                                               \
    do {                                                                     \
        s->history[n].status = (status_);                                    \
        s->history[n].at = t;                                                \
        snprintf (s->history[n].note, sizeof s->history[n].note, "%s",       \
                  (note_));                                                  \
        n++;                                                                 \
    } while (0)
    S_STEP (LNT_ST_RECEIVED, "");
    uint64_t r = bench_rand (&st) % 100;
    if (r < 3) {
        t += (int64_t) (bench_rand (&st) % (3 * S_DAY_MS));
        S_STEP (LNT_ST_ARCHIVED, "");
    }
    else if (r < 8) {
        t += (int64_t) (1 + bench_rand (&st) % 5) * S_DAY_MS;
        S_STEP (LNT_ST_NOT_OUR_AUTHORITY, S_PICK (&st, s_notes));
    }
    else {
        t += (int64_t) (bench_rand (&st) % 5) * S_DAY_MS
             + (int64_t) (bench_rand (&st) % (8 * 3600000));
        S_STEP (LNT_ST_VERIFIED, "");
        uint64_t r2 = bench_rand (&st) % 100;
        if (r2 < 10) {
            t += (int64_t) (1 + bench_rand (&st) % 10) * S_DAY_MS;
            S_STEP (LNT_ST_REFERRED, S_PICK (&st, s_notes));
        }
        else if (r2 < 70) {
            t += (int64_t) (1 + bench_rand (&st) % 7) * S_DAY_MS;
            S_STEP (LNT_ST_IN_PROGRESS, "");
            if (r2 >= 60) {
                t += (int64_t) (1 + bench_rand (&st) % 10) * S_DAY_MS;
                S_STEP (LNT_ST_ON_HOLD, S_PICK (&st, s_notes));
                t += (int64_t) (1 + bench_rand (&st) % 20) * S_DAY_MS;
                S_STEP (LNT_ST_IN_PROGRESS, "");
            }
        }
        t += (int64_t) (2 + bench_rand (&st) % 40) * S_DAY_MS;
        S_STEP (LNT_ST_DONE, "");
        if (bench_rand (&st) % 100 < 30) {
            t += (int64_t) (30 + bench_rand (&st) % 60) * S_DAY_MS;
            S_STEP (LNT_ST_ARCHIVED, "");
        }
    }
#undef S_STEP
    while (n > 1 && s->history[n - 1].at > w->now)
        n--;
    s->history_len = (uint8_t) n;
    s->status = s->history[n - 1].status;
    const char *response = S_PICK (&st, s_responses);
    s->response[0] = 0;
    s->responded = 0;
    for (int i = 0; i < n; i++)
        if (s->history[i].status == LNT_ST_DONE) {
            snprintf (s->response, sizeof s->response, "%s", response);
            s->responded = s->history[i].at;
            break;
        }
}

/*  The suggestion as it was after its first steps steps.                 */
static void
s_suggestion_cut (lnt_suggestion_t *s, int steps)
{
    s->history_len = (uint8_t) steps;
    s->status = s->history[steps - 1].status;
    bool done = false;
    for (int i = 0; i < steps; i++)
        done |= s->history[i].status == LNT_ST_DONE;
    if (!done) {
        s->response[0] = 0;
        s->responded = 0;
    }
}

/*  An action-plan item as planned (final false) or as it stands now.    */
static void
s_rb_make (const s_world_t *w, const s_slot_t *sl, bool final,
           lnt_rb_item_t *r)
{
    uint64_t st = sl->rng;
    const char *office = w->offices[sl->office];
    memset (r, 0, sizeof *r);
    lnt_id_rb_item (r->id, office, sl->year, sl->n);
    snprintf (r->office, sizeof r->office, "%s", office);
    r->year = sl->year;
    r->area = 1 + (int) (bench_rand (&st) % 8);
    snprintf (r->programme, sizeof r->programme, "Program reformasi area %d",
              r->area);
    snprintf (r->activity, sizeof r->activity, "%s",
              S_PICK (&st, s_activities));
    snprintf (r->indicator, sizeof r->indicator, "%s",
              S_PICK (&st, s_indicators));
    snprintf (r->unit, sizeof r->unit, "%s", S_PICK (&st, s_units));
    snprintf (r->person, sizeof r->person, "Kasubbag %d",
              (int) (bench_rand (&st) % 5) + 1);
    r->target = (int64_t) (1 + bench_rand (&st) % 100) * 1000;
    uint64_t due = bench_rand (&st) % 10;
    r->due = due < 8 ? lnt_date_from_ymd (sl->year, 1, 1) + 30
                           + (int32_t) (bench_rand (&st) % 330)
                     : LNT_NONE_DAY;
    uint64_t p = bench_rand (&st) % 100;
    int64_t part = (int64_t) (bench_rand (&st) % (uint64_t) r->target);
    r->updated = sl->at;
    r->status = LNT_RB_PLANNED;
    if (!final)
        return;
    if (p < 8)
        r->status = LNT_RB_CANCELLED;
    else if (p < 50) {
        r->status = LNT_RB_DONE;
        r->realisation = r->target;
        snprintf (r->evidence, sizeof r->evidence, "Laporan %s", r->id);
    }
    else if (p < 80) {
        r->status = LNT_RB_IN_PROGRESS;
        r->realisation = part;
    }
}

/*  An LKE answer, and whether the province verifies it (and how).        */
static bool
s_lke_make (const s_world_t *w, const s_slot_t *sl, lnt_lke_answer_t *a,
            lnt_lke_verdict_t *v)
{
    uint64_t st = sl->rng;
    const char *office = w->offices[sl->office];
    const lnt_ref_node_t *item = w->items[sl->n];
    memset (a, 0, sizeof *a);
    lnt_id_lke_answer (a->id, office, sl->year, item->code);
    snprintf (a->office, sizeof a->office, "%s", office);
    a->year = sl->year;
    snprintf (a->instrument, sizeof a->instrument, "%s", w->instrument);
    snprintf (a->item, sizeof a->item, "%s", item->code);
    char answers[2][8];
    for (int i = 0; i < 2; i++) {
        uint64_t x = bench_rand (&st);
        if (strcmp (item->answer_type, "PCT") == 0)
            snprintf (answers[i], 8, "%d", (int) (x % 101));
        else if (strcmp (item->answer_type, "YT") == 0)
            snprintf (answers[i], 8, "%s", x % 3 ? "Y" : "T");
        else
            snprintf (answers[i], 8, "%c",
                      'A' + (int) (x % (strcmp (item->answer_type, "ABC") == 0
                                            ? 3 : 4)));
    }
    snprintf (a->answer, sizeof a->answer, "%s", answers[0]);
    snprintf (a->justification, sizeof a->justification,
              "Sudah dilaksanakan sesuai %s pada tahun %d.", item->title,
              a->year);
    if (bench_rand (&st) % 2)
        snprintf (a->evidence, sizeof a->evidence, "SK Nomor %d/%d",
                  (int) (bench_rand (&st) % 900) + 100, a->year);
    a->answered = sl->at;
    memset (v, 0, sizeof *v);
    bool verified = bench_rand (&st) % 10 < 4;
    snprintf (v->answer, sizeof v->answer, "%s",
              bench_rand (&st) % 10 < 7 ? answers[0] : answers[1]);
    v->verified = sl->at + 14 * S_DAY_MS;
    return verified;
}

/*  ---- changes ----------------------------------------------------------- */

/*  Receives each change made; 0 or an error that stops the stream.       */
typedef int (s_sink_fn) (void *arg, const lnt_change_t *change);

/*  How a slot's record reaches the hub.                                   */
typedef enum {
    S_FINAL,    /* once, as it stands now (and the verdict): a catch-up     */
    S_LIFE      /* first as new; its later states come BENCH_LAG slots
                   apart, as changes of their own                        */
} s_mode_t;

/*  Scratch for making changes: the records are large (a suggestion is
    some 25 KiB), so one of each, on the heap.                           */
typedef struct {
    lnt_suggestion_t s;     /* scratch                                       */
    lnt_rb_item_t r;        /* scratch                                       */
    lnt_lke_answer_t a;     /* scratch                                       */
    lnt_lke_verdict_t v;    /* scratch                                       */
    lnt_buf_t body;         /* an encoded body                               */
    lnt_why_t why;          /* why a made record failed validation           */
    size_t records;         /* changes that made a record                    */
} s_maker_t;

/*  Encodes the body in m->body and hands the change to sink.             */
static int
s_emit (const s_world_t *w, s_maker_t *m, uint8_t kind, const char *id,
        size_t office, uint8_t section, uint64_t version, bool is_new,
        s_sink_fn *sink, void *arg)
{
    lnt_change_t c;
    memset (&c, 0, offsetof (lnt_change_t, state));
    c.kind = kind;
    snprintf (c.id, sizeof c.id, "%s", id);
    snprintf (c.office, sizeof c.office, "%s", w->offices[office]);
    c.section = section;
    c.state = (lnt_section_t){true, version,
                              section == LNT_SECTION_PROVINCE
                                  ? 0x35
                                  : 0x10000 + (uint64_t) office,
                              false, m->body.data, m->body.len};
    m->records += is_new;
    return sink (arg, &c);
}

/*  A generated record that the hub would refuse is a bug here.           */
static int
s_refused (s_maker_t *m, const char *id)
{
    fprintf (stderr, "%s: the generator made a record the hub refuses (%s): "
             "%s\n", BENCH_PROG, id, m->why.text);
    return LNT_EINTERNAL;
}

/*  The state of suggestion slot j after steps steps (all when 0), if it
    has that many; *made false when not.                                  */
static int
s_suggestion_change (const s_world_t *w, s_maker_t *m, const s_slot_t *sl,
                     int steps, uint64_t version, s_sink_fn *sink, void *arg,
                     bool *made)
{
    s_suggestion_make (w, sl, &m->s);
    *made = steps <= m->s.history_len;
    if (!*made)
        return 0;
    if (steps)
        s_suggestion_cut (&m->s, steps);
    if (lnt_suggestion_check (&m->s, w->ref, &m->why))
        return s_refused (m, m->s.id);
    lnt_buf_reset (&m->body);
    int rc = lnt_codec_suggestion_encode (&m->s, &m->body);
    return rc ? rc : s_emit (w, m, LNT_KIND_SUGGESTION, m->s.id, sl->office,
                             LNT_SECTION_OFFICE, version, steps <= 1, sink,
                             arg);
}

static int
s_rb_change (const s_world_t *w, s_maker_t *m, const s_slot_t *sl, bool final,
             uint64_t version, bool is_new, s_sink_fn *sink, void *arg)
{
    s_rb_make (w, sl, final, &m->r);
    if (lnt_rb_item_check (&m->r, w->ref, &m->why))
        return s_refused (m, m->r.id);
    lnt_buf_reset (&m->body);
    int rc = lnt_codec_rb_item_encode (&m->r, &m->body);
    return rc ? rc : s_emit (w, m, LNT_KIND_RB_ITEM, m->r.id, sl->office,
                             LNT_SECTION_OFFICE, version, is_new, sink, arg);
}

/*  The answer (verdict false) or, when the province verifies it, its
    verdict (the province section the hub writes).                        */
static int
s_lke_change (const s_world_t *w, s_maker_t *m, const s_slot_t *sl,
              bool verdict, uint64_t version, s_sink_fn *sink, void *arg)
{
    bool verified = s_lke_make (w, sl, &m->a, &m->v);
    if (verdict && !verified)
        return 0;
    if (lnt_lke_answer_check (&m->a, w->ref, &m->why)
        || (verdict && lnt_lke_verdict_check (&m->v, &m->a, w->ref, &m->why)))
        return s_refused (m, m->a.id);
    lnt_buf_reset (&m->body);
    int rc = verdict ? lnt_codec_lke_verdict_encode (&m->v, &m->body)
                     : lnt_codec_lke_answer_encode (&m->a, &m->body);
    return rc ? rc : s_emit (w, m, LNT_KIND_LKE_ANSWER, m->a.id, sl->office,
                             verdict ? LNT_SECTION_PROVINCE
                                     : LNT_SECTION_OFFICE,
                             version, !verdict, sink, arg);
}

/*  The changes that slot i brings, in mode. Versions grow with i, and
    within a slot, so a later state always wins.                         */
static int
s_slot_changes (const s_world_t *w, s_maker_t *m, s_mode_t mode, size_t i,
                s_sink_fn *sink, void *arg)
{
    uint64_t version = w->version + (uint64_t) i * BENCH_PER_SLOT;
    s_slot_t sl;
    bool made;
    s_slot (w, i, &sl);
    int rc = 0;
    switch (sl.kind) {
        case LNT_KIND_SUGGESTION:
            rc = s_suggestion_change (w, m, &sl, mode == S_FINAL ? 0 : 1,
                                      version++, sink, arg, &made);
            break;
        case LNT_KIND_RB_ITEM:
            rc = s_rb_change (w, m, &sl, mode == S_FINAL, version++, true,
                              sink, arg);
            break;
        default:
            rc = s_lke_change (w, m, &sl, false, version++, sink, arg);
            if (!rc && mode == S_FINAL)
                rc = s_lke_change (w, m, &sl, true, version++, sink, arg);
    }
    if (rc || mode == S_FINAL)
        return rc;
    /* The later states of earlier records: suggestion j's step h comes
       (h - 1) lags after it was new; action-plan items and verdicts one
       lag after.                                                         */
    for (int h = 2; !rc && h <= LNT_HISTORY_MAX; h++) {
        if ((size_t) (h - 1) * BENCH_LAG > i)
            break;
        size_t j = i - (size_t) (h - 1) * BENCH_LAG;
        s_slot (w, j, &sl);
        if (sl.kind == LNT_KIND_SUGGESTION)
            rc = s_suggestion_change (w, m, &sl, h, version++, sink, arg,
                                      &made);
        else if (h == 2 && sl.kind == LNT_KIND_RB_ITEM)
            rc = s_rb_change (w, m, &sl, true, version++, false, sink, arg);
        else if (h == 2)
            rc = s_lke_change (w, m, &sl, true, version++, sink, arg);
    }
    return rc;
}

/*  ---- making a hub store ------------------------------------------------ */

/*  A chunk of slots applied in one transaction, as the hub's group commit
    applies changes. lnt_store_write runs the function again after
    growing a full map, so it depends only on the slots.                 */
typedef struct {
    const s_world_t *w;     /* the province                                  */
    s_maker_t *m;           /* scratch                                       */
    lnt_rollup_t *rollup;   /* the transaction's rollups                     */
    lnt_txn_t *txn;         /* the transaction                               */
    size_t from, to;        /* its slots                                     */
} s_chunk_t;

static int
s_chunk_apply (void *arg, const lnt_change_t *change)
{
    s_chunk_t *c = arg;
    return lnt_replica_apply_rolled (c->txn, change, true, NULL, c->rollup,
                                     c->w->ref);
}

static int
s_chunk_fn (lnt_txn_t *txn, void *arg)
{
    s_chunk_t *c = arg;
    c->txn = txn;
    lnt_rollup_reset (c->rollup);
    int rc = 0;
    for (size_t i = c->from; !rc && i < c->to; i++)
        rc = s_slot_changes (c->w, c->m, S_FINAL, i, s_chunk_apply, c);
    return rc ? rc : lnt_rollup_flush (c->rollup, txn);
}

/*  CPU seconds of this process or thread (clock).                        */
static double
s_cpu (clockid_t clock)
{
    struct timespec ts;
    clock_gettime (clock, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static double
s_file_mib (const char *dir)
{
    char path[8500];
    struct stat st;
    snprintf (path, sizeof path, "%s/data.mdb", dir);
    return stat (path, &st) == 0 ? (double) st.st_size / 1048576.0 : 0;
}

/*  A fresh hub store of province 35 in dir, its map sized for bytes.    */
static int
s_hub_init (const s_bench_t *b, const char *dir, size_t bytes,
            lnt_node_t **node)
{
    lnt_why_t why = {""};
    int rc = lnt_node_init (dir, LNT_ROLE_HUB, BENCH_PROVINCE, b->ref, bytes,
                            &why);
    if (!rc)
        rc = lnt_node_open (dir, 0, node, &why);
    if (rc)
        fprintf (stderr, "%s: making a hub in %s: %s\n", BENCH_PROG, dir,
                 why.text[0] ? why.text : lnt_strerror (rc));
    return rc;
}

static void
s_report (const char *difference, void *arg)
{
    int *shown = arg;
    if ((*shown)++ < 5)
        fprintf (stderr, "%s: %s\n", BENCH_PROG, difference);
}

/*  Recomputes the rollups from the records and compares: the number of
    keys that differ, or a negative error.                               */
static int
s_verify (lnt_node_t *node)
{
    lnt_txn_t *txn = NULL;
    int shown = 0;
    int rc = lnt_store_read (lnt_node_store (node), &txn);
    if (!rc)
        rc = lnt_rollup_verify (txn, lnt_node_ref (node), s_report, &shown);
    lnt_txn_end (&txn);
    return rc;
}

/*  Makes the hub store of size->slots slots in dir; counts what it holds
    and, with verify, checks its rollups.                                 */
static int
s_store_make (const s_bench_t *b, const char *dir, s_size_t *size, bool verify)
{
    lnt_node_t *node = NULL;
    s_world_t w;
    s_chunk_t c = {0};
    double t0 = bench_now (), c0 = s_cpu (CLOCK_PROCESS_CPUTIME_ID);
    int rc = s_hub_init (b, dir, size->slots * 1024 + ((size_t) 512 << 20),
                         &node);
    if (!rc)
        rc = s_world_init (&w, lnt_node_ref (node), size->slots, b->seed,
                           lnt_time_now_ms ());
    c.w = &w;
    c.m = calloc (1, sizeof *c.m);
    c.rollup = lnt_rollup_new ();
    if (!rc && (!c.m || !c.rollup))
        rc = LNT_ENOMEM;
    for (size_t from = 0; !rc && from < size->slots; from += BENCH_CHUNK) {
        c.from = from;
        c.to = size->slots - from < BENCH_CHUNK ? size->slots
                                                : from + BENCH_CHUNK;
        rc = lnt_store_write (lnt_node_store (node), s_chunk_fn, &c);
        if (!rc && bench_stop)
            rc = LNT_EINTERNAL;
        if (s_tty)
            fprintf (stderr, "\r%s: making %zu records: %zu%%  ", BENCH_PROG,
                     size->slots, c.to * 100 / size->slots);
    }
    if (s_tty)
        fprintf (stderr, "\n");
    size->make_s = bench_now () - t0;
    size->make_cpu = s_cpu (CLOCK_PROCESS_CPUTIME_ID) - c0;
    /* How many suggestions the year queried received, from the slots.   */
    size->year_suggestions = 0;
    for (size_t i = 0; !rc && i < size->slots; i++) {
        s_slot_t sl;
        s_slot (&w, i, &sl);
        size->year_suggestions += sl.kind == LNT_KIND_SUGGESTION
                                  && sl.year == b->year;
    }
    lnt_txn_t *txn = NULL;
    if (!rc && !(rc = lnt_store_read (lnt_node_store (node), &txn))) {
        size->records = lnt_txn_count (txn, LNT_DB_RECORDS);
        size->rollup_keys = lnt_txn_count (txn, LNT_DB_ROLLUPS);
    }
    lnt_txn_end (&txn);
    size->differences = -1;
    if (!rc && verify) {
        int d = s_verify (node);
        if (d < 0)
            rc = d;
        else
            size->differences = d;
    }
    size->store_mib = s_file_mib (dir);
    if (rc && rc != LNT_EINTERNAL)
        fprintf (stderr, "%s: making the store in %s: %s\n", BENCH_PROG, dir,
                 lnt_strerror (rc));
    if (c.m)
        lnt_buf_free (&c.m->body);
    free (c.m);
    lnt_rollup_destroy (&c.rollup);
    lnt_node_destroy (&node);
    return rc;
}

/*  ---- the hub, the echo and the queries --------------------------------- */

/*  Starts `lontar-hub run` on dir and waits until it has bound its
    sockets (the control socket, bound last, appears). *query is its
    query endpoint.                                                      */
static pid_t
s_hub_start (const s_bench_t *b, const char *dir, char *query, size_t qsize,
             char *log, size_t lsize)
{
    char bin[4300], bind[64], sock[4300];
    int port = bench_free_port (), qport = bench_free_port ();
    snprintf (bin, sizeof bin, "%s/lontar-hub", b->bin);
    snprintf (log, lsize, "%s.log", dir);
    snprintf (bind, sizeof bind, "tcp://127.0.0.1:%d", port);
    snprintf (query, qsize, "tcp://127.0.0.1:%d", qport);
    snprintf (sock, sizeof sock, "%s/control.sock", dir);
    char *args[] = {bin, "run", "--insecure", "--bind", bind, "--query",
                    query, "--data", (char *) dir, NULL};
    char *argv[32], words[1024];
    bench_wrap (b->wrap_hub, words, sizeof words, args, argv, 32);
    pid_t pid = port < 0 || qport < 0 ? -1 : bench_spawn (argv, log);
    if (pid > 0 && bench_wait_file (pid, sock, b->wrap_hub ? 120 : 30))
        return pid;
    fprintf (stderr, "%s: lontar-hub did not start\n", BENCH_PROG);
    bench_log_tail (log);
    if (pid > 0)
        bench_proc_stop (pid, 5);
    return -1;
}

/*  The echo floor: a ROUTER on 127.0.0.1:port in a child process sends
    every frame back to its sender. Forked before this process makes any
    ZeroMQ context, and it makes its own.                                */
static pid_t
s_echo_start (int port)
{
    pid_t pid = bench_fork ();
    if (pid != 0)
        return pid;
    void *ctx = zmq_ctx_new ();
    void *router = ctx ? zmq_socket (ctx, ZMQ_ROUTER) : NULL;
    char endpoint[64];
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", port);
    if (!router || zmq_bind (router, endpoint) != 0)
        _exit (69);
    for (;;) {
        zmq_msg_t id, body;
        zmq_msg_init (&id);
        zmq_msg_init (&body);
        if (zmq_msg_recv (&id, router, 0) < 0
            || zmq_msg_recv (&body, router, 0) < 0)
            _exit (0);
        zmq_msg_send (&id, router, ZMQ_SNDMORE);
        zmq_msg_send (&body, router, 0);
    }
}

/*  A QUERY frame as `lontar-hub NAME --format F [--KEY VALUE]` sends it. */
static int
s_query_encode (const char *name, lnt_out_format_t format, const char *key,
                const char *value, lnt_buf_t *out)
{
    lnt_msg_t q = {.type = LNT_MSG_QUERY, .format = (uint8_t) format};
    snprintf (q.text, sizeof q.text, "%s", name);
    if (key) {
        snprintf (q.args[0].key, sizeof q.args[0].key, "%s", key);
        snprintf (q.args[0].value, sizeof q.args[0].value, "%s", value);
        q.arg_count = 1;
    }
    return lnt_msg_encode (&q, out);
}

/*  A DEALER set up as the query client sets it up.                        */
static zsock_t *
s_dealer (const char *endpoint)
{
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    if (!sock)
        return NULL;
    zsock_set_linger (sock, 0);
    zsock_set_rcvtimeo (sock, 10000);
    zsock_set_sndtimeo (sock, 10000);
    zsock_set_maxmsgsize (sock, LNT_REPLY_MAX + 1024);
    if (zsock_connect (sock, "%s", endpoint) != 0)
        zsock_destroy (&sock);
    return sock;
}

/*  One round trip: send frame, wait for the answer; decode it and check
    it is a successful ANSWER unless echo. *ms the time, *bytes the size
    of the frame back; a copy of the answer's text in *text if asked.   */
static int
s_round_trip (zsock_t *sock, const lnt_buf_t *frame, bool echo, double *ms,
              size_t *bytes, char **text)
{
    void *handle = zsock_resolve (sock);
    zmq_msg_t reply;
    zmq_msg_init (&reply);
    double t0 = bench_now ();
    if (zmq_send (handle, frame->data, frame->len, 0) < 0
        || zmq_msg_recv (&reply, handle, 0) < 0) {
        if (!bench_stop)
            fprintf (stderr, "%s: no answer: %s\n", BENCH_PROG,
                     zmq_strerror (zmq_errno ()));
        zmq_msg_close (&reply);
        return LNT_EUNAVAIL;
    }
    lnt_msg_t answer = {0};
    lnt_why_t why = {""};
    int rc = 0;
    if (!echo
        && (lnt_msg_decode (zmq_msg_data (&reply), zmq_msg_size (&reply),
                            &answer, &why)
            || answer.type != LNT_MSG_ANSWER || answer.code != 0)) {
        fprintf (stderr, "%s: the hub's answer is not a good ANSWER: %s%.*s\n",
                 BENCH_PROG, why.text,
                 answer.body ? (int) (answer.body_len > 200
                                          ? 200 : answer.body_len)
                             : 0,
                 answer.body ? answer.body : "");
        rc = LNT_EINTERNAL;
    }
    *ms = (bench_now () - t0) * 1000;
    *bytes = zmq_msg_size (&reply);
    if (!rc && text && !echo)
        *text = strndup (answer.body, answer.body_len);
    lnt_msg_release (&answer);
    zmq_msg_close (&reply);
    return rc;
}

/*  p50 and p99 (nearest rank) and the largest of n values; sorts them.   */
static void
s_percentiles (double *v, size_t n, double *p50, double *p99, double *max)
{
    bench_sort (v, n);
    *p50 = bench_quantile (v, n, 0.50);
    *p99 = bench_quantile (v, n, 0.99);
    *max = n ? v[n - 1] : 0;
}

/*  The total's suggestions.received in the rollup's json answer, or -1.  */
static long
s_json_received (const char *text)
{
    const char *total = text ? strstr (text, "\"total\"") : NULL;
    const char *r = total ? strstr (total, "\"received\"") : NULL;
    if (!r)
        return -1;
    r = strchr (r, ':');
    return r ? strtol (r + 1, NULL, 10) : -1;
}

/*  Times the queries against two real hubs at once, one on each store
    (small and large), with the echo at echo_port: after a warm-up, the
    kinds of both take turns in blocks, so that a change of the machine's
    pace falls on both sizes and on the floors alike.                   */
static int
s_queries (const s_bench_t *b, char dirs[2][4200], int echo_port,
           s_size_t *sizes)
{
    char query[2][64], log[2][4300], echo_ep[64], year[16];
    lnt_buf_t frames[S_Q_KINDS] = {{0}};
    zsock_t *socks[2][S_Q_KINDS] = {{NULL}};
    double *ms[2][S_Q_KINDS] = {{NULL}}, cpu[2][S_Q_KINDS] = {{0}};
    pid_t hubs[2] = {-1, -1};
    int rc = 0;
    snprintf (year, sizeof year, "%d", b->year);
    snprintf (echo_ep, sizeof echo_ep, "tcp://127.0.0.1:%d", echo_port);
    for (int z = 0; !rc && z < 2; z++)
        if ((hubs[z] = s_hub_start (b, dirs[z], query[z], sizeof query[z],
                                    log[z], sizeof log[z])) < 0)
            rc = LNT_EUNAVAIL;
    if (!rc
        && (s_query_encode ("rollup", LNT_OUT_JSON, "year", year,
                            &frames[S_Q_JSON])
            || s_query_encode ("rollup", LNT_OUT_TABLE, "year", year,
                               &frames[S_Q_TABLE])
            || s_query_encode ("offices", LNT_OUT_TABLE, "office",
                               BENCH_FLOOR_OFFICE, &frames[S_Q_FLOOR])
            || s_query_encode ("offices", LNT_OUT_TABLE, "office",
                               BENCH_FLOOR_OFFICE, &frames[S_Q_ECHO])))
        rc = LNT_ENOMEM;
    for (int i = 0; !rc && i < 2 * S_Q_KINDS; i++) {
        int z = i / S_Q_KINDS, k = i % S_Q_KINDS;
        socks[z][k] = s_dealer (k == S_Q_ECHO ? echo_ep : query[z]);
        ms[z][k] = calloc (b->queries, sizeof (double));
        if (!socks[z][k] || !ms[z][k])
            rc = LNT_ENOMEM;
    }
    /* Warm-up (connections, page cache, the hubs' first read
       transactions); the first json answer is kept to check its total. */
    for (int i = 0; !rc && i < 2 * S_Q_KINDS; i++) {
        int z = i / S_Q_KINDS, k = i % S_Q_KINDS;
        char *text = NULL;
        double t;
        for (size_t n = 0; !rc && n < BENCH_WARMUP; n++)
            rc = s_round_trip (socks[z][k], &frames[k], k == S_Q_ECHO, &t,
                               &sizes[z].answer[k],
                               k == S_Q_JSON && n == 0 ? &text : NULL);
        if (k == S_Q_JSON)
            sizes[z].received = s_json_received (text);
        free (text);
    }
    for (size_t done = 0, turn = 0; !rc && done < b->queries; turn++) {
        size_t n = b->queries - done < BENCH_BLOCK ? b->queries - done
                                                   : BENCH_BLOCK;
        for (int j = 0; !rc && j < 2 * S_Q_KINDS; j++) {
            int i = (int) ((turn + (size_t) j) % (2 * S_Q_KINDS));
            int z = i / S_Q_KINDS, k = i % S_Q_KINDS;
            double c0 = bench_cpu_seconds (hubs[z]);
            for (size_t q = 0; !rc && q < n; q++)
                rc = s_round_trip (socks[z][k], &frames[k], k == S_Q_ECHO,
                                   &ms[z][k][done + q], &sizes[z].answer[k],
                                   NULL);
            cpu[z][k] += bench_cpu_seconds (hubs[z]) - c0;
        }
        done += n;
        if (bench_stop)
            rc = LNT_EINTERNAL;
    }
    for (int i = 0; i < 2 * S_Q_KINDS; i++) {
        int z = i / S_Q_KINDS, k = i % S_Q_KINDS;
        sizes[z].hub_cpu_ms[k] = cpu[z][k] * 1000 / (double) b->queries;
        if (!rc)
            s_percentiles (ms[z][k], b->queries, &sizes[z].p50[k],
                           &sizes[z].p99[k], &sizes[z].max[k]);
        zsock_destroy (&socks[z][k]);
        free (ms[z][k]);
    }
    for (int z = 0; z < 2; z++) {
        if (!rc && !bench_alive (hubs[z], NULL)) {
            fprintf (stderr, "%s: lontar-hub ended\n", BENCH_PROG);
            bench_log_tail (log[z]);
            rc = LNT_EUNAVAIL;
        }
        if (hubs[z] > 0)
            bench_proc_stop (hubs[z], 10);
    }
    for (int k = 0; k < S_Q_KINDS; k++)
        lnt_buf_free (&frames[k]);
    return rc;
}

/*  Makes the small and the large store, times the queries on both, and
    removes them.                                                         */
static int
s_bench_query (const s_bench_t *b, int echo_port, s_size_t *sizes)
{
    char dirs[2][4200];
    int rc = 0;
    for (int z = 0; !rc && z < 2; z++) {
        snprintf (dirs[z], sizeof dirs[z], "%s/%s", s_root,
                  z ? "large" : "small");
        rc = s_store_make (b, dirs[z], &sizes[z], z == 0 || b->verify);
        if (!rc)
            fprintf (stderr, "%s: made %zu records (%zu rollup keys, %.0f "
                     "MiB) in %.1f s\n", BENCH_PROG, sizes[z].records,
                     sizes[z].rollup_keys, sizes[z].store_mib,
                     sizes[z].make_s);
    }
    if (!rc)
        rc = s_queries (b, dirs, echo_port, sizes);
    for (int z = 0; z < 2 && !s_keep; z++)
        bench_remove_tree (dirs[z]);
    return rc;
}

/*  ---- merge throughput --------------------------------------------------- */

/*  A group of changes made before it is timed, applied to both stores.  */
typedef struct {
    lnt_change_t *changes;  /* the changes; bodies point into bodies         */
    size_t *offsets;        /* where each body starts in bodies              */
    size_t n, cap;          /* changes held, room                            */
    lnt_buf_t bodies;       /* the bodies, one after the other               */
    uint64_t max_version;   /* the greatest version in the group             */
} s_group_t;

static int
s_group_add (void *arg, const lnt_change_t *change)
{
    s_group_t *g = arg;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 4096;
        lnt_change_t *c = realloc (g->changes, cap * sizeof *c);
        if (c)
            g->changes = c;
        size_t *o = realloc (g->offsets, cap * sizeof *o);
        if (o)
            g->offsets = o;
        if (!c || !o)
            return LNT_ENOMEM;
        g->cap = cap;
    }
    g->offsets[g->n] = g->bodies.len;
    g->changes[g->n] = *change;
    if (change->state.version > g->max_version)
        g->max_version = change->state.version;
    g->n++;
    return lnt_buf_append (&g->bodies, change->state.body,
                           change->state.body_len);
}

/*  Points the bodies into the finished group.                            */
static void
s_group_seal (s_group_t *g)
{
    for (size_t i = 0; i < g->n; i++)
        g->changes[i].state.body = g->bodies.data + g->offsets[i];
}

/*  One side's transaction: the group merged as the hub merges it, with
    the rollups (rollup not NULL) or without, the clock moved once.      */
typedef struct {
    const s_group_t *g;     /* the changes                                   */
    lnt_rollup_t *rollup;   /* NULL: rollups off                             */
    const lnt_ref_t *ref;   /* the store's reference data                    */
} s_side_t;

static int
s_side_fn (lnt_txn_t *txn, void *arg)
{
    s_side_t *s = arg;
    int rc = 0;
    if (s->rollup)
        lnt_rollup_reset (s->rollup);
    for (size_t i = 0; !rc && i < s->g->n; i++)
        rc = s->rollup ? lnt_replica_apply_rolled (txn, &s->g->changes[i],
                                                   true, NULL, s->rollup,
                                                   s->ref)
                       : lnt_replica_apply (txn, &s->g->changes[i], true,
                                            NULL);
    if (!rc)
        rc = lnt_replica_observe (txn, s->g->max_version);
    if (!rc && s->rollup)
        rc = lnt_rollup_flush (s->rollup, txn);
    return rc;
}

/*  Applies one stream of b->merge changes, in mode, to two fresh stores;
    the sides take turns going first, group by group, so that a change of
    the disk's pace falls on both.                                        */
static int
s_bench_merge (const s_bench_t *b, s_mode_t mode, s_merge_t *r)
{
    char dirs[2][4200] = {"", ""};
    lnt_node_t *nodes[2] = {NULL, NULL};
    s_side_t sides[2] = {{0}};
    s_group_t g = {0};
    s_world_t w;
    s_maker_t *m = calloc (1, sizeof *m);
    int rc = m ? 0 : LNT_ENOMEM;
    size_t map = b->merge * 2048 + ((size_t) 256 << 20);
    memset (r, 0, sizeof *r);
    for (int k = 0; !rc && k < 2; k++) {
        snprintf (dirs[k], sizeof dirs[k], "%s/merge-%s-%s", s_root,
                  mode == S_LIFE ? "life" : "final", k ? "off" : "on");
        rc = s_hub_init (b, dirs[k], map, &nodes[k]);
    }
    /* The world as large as the stream: as offices work, a record brings
       some three changes, so the stream ends about a third of the way
       through the years.                                                */
    if (!rc)
        rc = s_world_init (&w, lnt_node_ref (nodes[0]), b->merge, b->seed,
                           lnt_time_now_ms ());
    for (int k = 0; !rc && k < 2; k++) {
        sides[k].g = &g;
        sides[k].ref = lnt_node_ref (nodes[k]);
        if (k == 0 && !(sides[k].rollup = lnt_rollup_new ()))
            rc = LNT_ENOMEM;
    }
    for (size_t slot = 0; !rc && r->changes < b->merge && slot < w.slots;) {
        g.n = 0;
        g.max_version = 0;
        lnt_buf_reset (&g.bodies);
        size_t records = m->records;
        while (!rc && g.n < b->group && r->changes + g.n < b->merge
               && slot < w.slots)
            rc = s_slot_changes (&w, m, mode, slot++, s_group_add, &g);
        if (rc)
            break;
        s_group_seal (&g);
        for (int j = 0; !rc && j < 2; j++) {
            int k = (int) ((r->groups + (size_t) j) % 2);
            double w0 = bench_io_written (getpid ());
            double t0 = bench_now (), c0 = s_cpu (CLOCK_THREAD_CPUTIME_ID);
            rc = lnt_store_write (lnt_node_store (nodes[k]), s_side_fn,
                                  &sides[k]);
            r->seconds[k] += bench_now () - t0;
            r->cpu[k] += s_cpu (CLOCK_THREAD_CPUTIME_ID) - c0;
            r->written[k] += bench_io_written (getpid ()) - w0;
        }
        r->changes += g.n;
        r->records += m->records - records;
        r->groups++;
        if (bench_stop)
            rc = LNT_EINTERNAL;
        if (s_tty)
            fprintf (stderr, "\r%s: merging, %s: %zu%%  ", BENCH_PROG,
                     mode == S_LIFE ? "as offices work" : "new records",
                     r->changes * 100 / b->merge);
    }
    if (s_tty)
        fprintf (stderr, "\n");
    r->differences = -1;
    if (!rc) {
        int d = s_verify (nodes[0]);
        if (d < 0)
            rc = d;
        else
            r->differences = d;
    }
    for (int k = 0; k < 2; k++) {
        r->mib[k] = s_file_mib (dirs[k]);
        lnt_node_destroy (&nodes[k]);
        if (dirs[k][0] && !s_keep)
            bench_remove_tree (dirs[k]);
    }
    if (rc && rc != LNT_EINTERNAL)
        fprintf (stderr, "%s: merging: %s\n", BENCH_PROG, lnt_strerror (rc));
    lnt_rollup_destroy (&sides[0].rollup);
    free (g.changes);
    free (g.offsets);
    lnt_buf_free (&g.bodies);
    if (m)
        lnt_buf_free (&m->body);
    free (m);
    return rc;
}

/*  ---- the table --------------------------------------------------------- */

static void
s_row (const char *figure, const char *lontar, const char *floor,
       const char *ratio, const char *goal, const char *floor_is)
{
    printf ("  %-40s %9s %9s %7s  %-10s %s\n", figure, lontar, floor, ratio,
            goal, floor_is);
}

/*  A row of numbers with decimals places.                                 */
static void
s_row_num (const char *figure, double lontar, double floor, int decimals,
           const char *goal, const char *floor_is)
{
    char a[32], f[32], q[32];
    snprintf (a, sizeof a, "%.*f", decimals, lontar);
    snprintf (f, sizeof f, "%.*f", decimals, floor);
    snprintf (q, sizeof q, "%.2f", bench_ratio (lontar, floor));
    s_row (figure, a, f, q, goal, floor_is);
}

static void
s_print (const s_bench_t *b, const s_result_t *r)
{
    char fig[80], goal[32];
    printf ("%s %s: records=%zu small=%zu queries=%zu year=%d merge=%zu "
            "group=%zu seed=%" PRIu64 "\n", BENCH_PROG, LNT_VERSION, b->records,
            b->small, b->queries, b->year, b->merge, b->group, b->seed);
    s_row ("figure", "lontar", "floor", "ratio", "goal", "floor is");
    static const char *formats[2] = {"json", "table"};
    for (int z = 0; (b->only & S_RUN_QUERY) && z < 2; z++) {
        const s_size_t *s = &r->size[z];
        for (int f = 0; f < 2; f++) {
            snprintf (fig, sizeof fig, "rollup p50 ms, %zu rec, %s",
                      s->records, formats[f]);
            s_row_num (fig, s->p50[f], s->p50[S_Q_FLOOR], 3, "",
                       "offices query");
            snprintf (fig, sizeof fig, "rollup p99 ms, %zu rec, %s",
                      s->records, formats[f]);
            snprintf (goal, sizeof goal, "< %.0f ms", BENCH_GOAL_P99_MS);
            s_row_num (fig, s->p99[f], s->p99[S_Q_FLOOR], 3, goal,
                       "offices query");
        }
    }
    if (b->only & S_RUN_QUERY)
        for (int f = 0; f < 2; f++) {
            snprintf (fig, sizeof fig, "rollup p99 ms, large / small, %s",
                      formats[f]);
            snprintf (goal, sizeof goal, "< %.0f", BENCH_GOAL_GROWTH);
            s_row_num (fig, r->size[1].p99[f], r->size[0].p99[f], 3, goal,
                       "the small store");
        }
    static const char *streams[2] = {"as offices work", "new records only"};
    for (int k = 0; (b->only & S_RUN_MERGE) && k < 2; k++) {
        const s_merge_t *m = &r->merge[k];
        snprintf (fig, sizeof fig, "merge changes/s, %s", streams[k]);
        snprintf (goal, sizeof goal, ">= %.1f", BENCH_GOAL_MERGE);
        s_row_num (fig, bench_ratio ((double) m->changes, m->seconds[0]),
                   bench_ratio ((double) m->changes, m->seconds[1]), 0, goal,
                   "rollups off");
    }
    printf ("details:\n");
    printf ("  %ld CPUs; load average %.2f at the start, %.2f at the end\n",
            sysconf (_SC_NPROCESSORS_ONLN), r->load[0], r->load[1]);
    for (int z = 0; (b->only & S_RUN_QUERY) && z < 2; z++) {
        const s_size_t *s = &r->size[z];
        printf ("  %zu records (%zu slots): made in %.1f s (%.1f s CPU), "
                "data.mdb %.0f MiB, %zu rollup keys; rollups %s\n",
                s->records, s->slots, s->make_s, s->make_cpu, s->store_mib,
                s->rollup_keys,
                s->differences < 0    ? "not verified"
                : s->differences == 0 ? "equal the records (verified)"
                                      : "DIFFER from the records");
        printf ("    answers %zu B json, %zu B table, %zu B offices; year %d "
                "total received %ld (%zu made)%s\n", s->answer[S_Q_JSON],
                s->answer[S_Q_TABLE], s->answer[S_Q_FLOOR], b->year,
                s->received, s->year_suggestions,
                s->received == (long) s->year_suggestions ? "" : " MISMATCH");
        printf ("    max ms: json %.3f, table %.3f, offices %.3f; raw ZeroMQ "
                "echo p50 %.3f ms, p99 %.3f ms\n", s->max[S_Q_JSON],
                s->max[S_Q_TABLE], s->max[S_Q_FLOOR], s->p50[S_Q_ECHO],
                s->p99[S_Q_ECHO]);
        printf ("    hub CPU a query: json %.3f ms, table %.3f ms, offices "
                "%.3f ms\n", s->hub_cpu_ms[S_Q_JSON], s->hub_cpu_ms[S_Q_TABLE],
                s->hub_cpu_ms[S_Q_FLOOR]);
    }
    for (int k = 0; (b->only & S_RUN_MERGE) && k < 2; k++) {
        const s_merge_t *m = &r->merge[k];
        printf ("  merge, %s: %zu changes (%zu new records, %zu later "
                "states), %zu transactions each side\n", streams[k],
                m->changes, m->records, m->changes - m->records, m->groups);
        for (int k = 0; k < 2; k++)
            printf ("    rollups %s: %.2f s, of which %.2f s CPU; wrote %.0f B "
                    "a change; data.mdb %.0f MiB\n", k ? "off" : "on ",
                    m->seconds[k], m->cpu[k],
                    m->written[k] / (double) m->changes, m->mib[k]);
        printf ("    rollups %s\n", m->differences == 0
                                      ? "equal the records (verified)"
                                      : "DIFFER from the records");
    }
}

/*  ---- main -------------------------------------------------------------- */

static int
s_only (const char *text, unsigned *only)
{
    /* In the order of the S_RUN_ bits.                                   */
    static const char *const names[] = {"query", "merge"};
    return bench_only (BENCH_PROG, text, names, 2, only);
}

int
main (int argc, char **argv)
{
    static const struct option options[] = {
        {"records", required_argument, NULL, 'n'},
        {"small", required_argument, NULL, 'S'},
        {"queries", required_argument, NULL, 'Q'},
        {"merge", required_argument, NULL, 'm'},
        {"group", required_argument, NULL, 'g'},
        {"year", required_argument, NULL, 'y'},
        {"quick", no_argument, NULL, 'q'},
        {"only", required_argument, NULL, 'o'},
        {"verify", no_argument, NULL, 'v'},
        {"bin", required_argument, NULL, 'b'},
        {"ref", required_argument, NULL, 'R'},
        {"seed", required_argument, NULL, 's'},
        {"keep", no_argument, NULL, 'k'},
        {"wrap-hub", required_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    s_bench_t b = {NULL, LNT_BENCH_BIN, NULL, 1000000, 100000, 1000, 500000,
                   2000, 0, 1, false, S_RUN_QUERY | S_RUN_MERGE};
    size_t seed = 1, year = 0;
    int c, rc;
    setlocale (LC_ALL, "C");
    while ((c = getopt_long (argc, argv, "hV", options, NULL)) != -1) {
        rc = 0;
        switch (c) {
            case 'n':
                rc = bench_count (BENCH_PROG, "--records", optarg, 50000, 100000000,
                              &b.records);
                break;
            case 'S':
                rc = bench_count (BENCH_PROG, "--small", optarg, 50000, 100000000, &b.small);
                break;
            case 'Q':
                rc = bench_count (BENCH_PROG, "--queries", optarg, 10, 10000000, &b.queries);
                break;
            case 'm':
                rc = bench_count (BENCH_PROG, "--merge", optarg, 10000, 100000000, &b.merge);
                break;
            case 'g':
                rc = bench_count (BENCH_PROG, "--group", optarg, 1, 1000000, &b.group);
                break;
            case 'y': rc = bench_count (BENCH_PROG, "--year", optarg, 2000, 2100, &year); break;
            case 'q':
                b.records = 200000;
                b.queries = 300;
                b.merge = 100000;
                break;
            case 'o': rc = s_only (optarg, &b.only); break;
            case 'v': b.verify = true; break;
            case 'b': b.bin = optarg; break;
            case 'R': b.ref = optarg; break;
            case 's':
                rc = bench_count (BENCH_PROG, "--seed", optarg, 0, SIZE_MAX, &seed);
                b.seed = seed;
                break;
            case 'k': s_keep = true; break;
            case 'H': b.wrap_hub = optarg; break;
            case 'h': fputs (s_usage, stdout); return 0;
            case 'V': printf ("%s %s\n", BENCH_PROG, LNT_VERSION); return 0;
            default: fputs (s_usage, stderr); return 64;
        }
        if (rc)
            return rc;
    }
    if (optind < argc) {
        fprintf (stderr, "%s: unexpected argument \"%s\"\n%s", BENCH_PROG,
                 argv[optind], s_usage);
        return 64;
    }
    b.ref = bench_ref (b.ref, LNT_BENCH_REF);
    setenv ("LONTAR_REF", b.ref, 1);
    int today_year, mon, mday;
    lnt_date_to_ymd (lnt_time_local_day (lnt_time_now_ms (), 420),
                     &today_year, &mon, &mday);
    b.year = year ? (int) year : today_year;
    s_tty = isatty (2);

    /* CZMQ would take SIGINT and SIGTERM for itself at its first socket:
       they are ours, to stop the children and clean up.                 */
    zsys_handler_set (NULL);
    lnt_log_init (BENCH_PROG);
    struct sigaction sa = {.sa_handler = bench_on_signal};
    sigaction (SIGINT, &sa, NULL);
    sigaction (SIGTERM, &sa, NULL);
    signal (SIGPIPE, SIG_IGN);

    if ((rc = bench_mkdtemp (s_root, sizeof s_root, "lontar-bench-rollup")))
        return rc;
    atexit (s_cleanup);
    if (s_keep)
        fprintf (stderr, "%s: working in %s\n", BENCH_PROG, s_root);

    s_result_t r;
    memset (&r, 0, sizeof r);
    r.load[0] = s_load ();
    r.size[0].slots = b.small;
    r.size[1].slots = b.records;
    rc = 0;
    if (b.only & S_RUN_QUERY) {
        /* The hub runs from a copy: a build going on beside the run may
           rewrite the binary at any moment. The echo is forked before
           this process makes a ZeroMQ context.                          */
        char bin[4200];
        snprintf (bin, sizeof bin, "%s/bin", s_root);
        if (mkdir (bin, 0750) != 0
            || bench_copy_file (b.bin, bin, "lontar-hub"))
            return 69;
        b.bin = bin;
        int echo_port = bench_free_port ();
        pid_t echo = echo_port < 0 ? -1 : s_echo_start (echo_port);
        if (echo < 0)
            return 69;
        rc = s_bench_query (&b, echo_port, r.size);
        bench_proc_stop (echo, 5);
    }
    if (!rc && (b.only & S_RUN_MERGE))
        rc = s_bench_merge (&b, S_LIFE, &r.merge[0]);
    if (!rc && (b.only & S_RUN_MERGE))
        rc = s_bench_merge (&b, S_FINAL, &r.merge[1]);
    if (rc) {
        fprintf (stderr, "%s: stopped: %s\n", BENCH_PROG,
                 bench_stop ? "interrupted" : lnt_strerror (rc));
        return lnt_exit_code (rc);
    }
    r.load[1] = s_load ();
    s_print (&b, &r);
    return 0;
}
