/*  bench_store.c - how lontar's writes compare with raw LMDB on the same
    machine, in the same run.

    Two figures, each beside a floor measured here and now:
      durable single writes/s  lnt_office_suggestion_add on an agent node,
                               one durable transaction per suggestion,
                               against raw LMDB doing one mdb_txn_begin /
                               mdb_put / mdb_txn_commit per record of the
                               same key and value size.
      csv import rows/s        lnt_import_file of a generated CSV file into
                               a fresh node (one transaction), against raw
                               LMDB putting as many records of that size
                               with increasing keys and committing once.
    A third measurement, the layout floor, does in raw LMDB the reads and
    puts lontar's layout asks of one new suggestion (the records' last
    number, the clock, the log's last key; the record and its log entry,
    in named databases). It splits the gap:
    floor to layout floor is the cost of the layout, layout floor to lontar
    the cost of lontar's own code.

    fsync times wander by a factor of several within a minute on shared or
    virtual disks, so the single writes of lontar and both floors take
    turns in small blocks, and the import is run --rounds times with the
    best round of each kept. Inputs come from a seeded generator, so two
    runs write the same bytes.

    It prints a table (figure, lontar, floor, ratio, goal), the layout
    floor, the sizes used and the peak RSS. The goals are printed, never
    enforced: the exit status is 0 unless something fails to run.
    Everything lives in a temporary folder under $TMPDIR (or /tmp) that is
    removed at the end.

    The floors include lmdb.h: outside common/lnt_store.c only the
    benchmarks' floors may, since a floor must be LMDB with nothing of
    lontar in between.                                                    */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <lmdb.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_floor.h"
#include "bench_gen.h"
#include "bench_proc.h"
#include "lnt_csv.h"
#include "lnt_import.h"
#include "lnt_log.h"
#include "lnt_office.h"
#include "lnt_time.h"

#define BENCH_OFFICE "3503"      /* Trenggalek: the office of every record */
#define BENCH_WARMUP 20          /* untimed writes before the timed ones   */
#define BENCH_BLOCKS 200         /* single writes take turns this often    */
#define BENCH_MAP ((size_t) 64 << 20) /* floors' smallest map, 64 MiB      */
#define BENCH_GOAL_WRITES 0.8    /* goal for the durable-writes ratio      */
#define BENCH_GOAL_IMPORT 0.5    /* goal for the import ratio              */

static const char *s_usage =
    "Usage: bench_store [OPTIONS] [REF_DIR]\n"
    "\n"
    "Measures lontar's durable single writes and CSV import against raw\n"
    "LMDB on this machine, in this run, and prints the ratios.\n"
    "\n"
    "  REF_DIR          reference data (default $LONTAR_REF, then the\n"
    "                   source tree's common/data)\n"
    "  --ref DIR        the same, as an option\n"
    "  --writes N       durable single writes to time (default 2000)\n"
    "  --rows N         rows of the generated CSV file (default 100000)\n"
    "  --rounds N       import rounds, the best counts (default 3)\n"
    "  --seed N         seed of the generator (default 1)\n"
    "  -h, --help       this help\n"
    "  -V, --version    the version\n"
    "\n"
    "Temporary stores go under $TMPDIR (or /tmp) and are removed. The\n"
    "goals are for reading only: the exit status is 0 unless something\n"
    "failed to run (64 usage, 65 bad reference data, 70 internal, 73/74\n"
    "store or I/O).\n";

/*  ---- a seeded generator of realistic suggestions ----------------------- */

/*  bench_rand's splitmix64, reduced to [0, n). The word lists stay this
    file's own: they differ from bench_gen_words', and the CSV the import
    reads must keep its bytes.                                             */
static size_t
s_pick (uint64_t *state, size_t n)
{
    return (size_t) (bench_rand (state) % n);
}

#define S_COUNT(a) (sizeof (a) / sizeof (a)[0])

static const char *s_channels[] = {"website", "suggestion_box", "letter",
                                   "in_person", "phone", "lapor",
                                   "social_media"};
static const char *s_classes[] = {"suggestion", "suggestion", "complaint",
                                  "information_request"};
static const char *s_privacies[] = {"public", "public", "public", "public",
                                    "public", "public", "anonymous",
                                    "anonymous", "anonymous", "confidential"};
static const char *s_subjects[] = {
    "Ruang tunggu", "Data pemilih per desa", "Jadwal tahapan",
    "Antrian layanan", "Sosialisasi pemilih pemula", "Hasil pemilu",
    "Sikap petugas", "Media sosial", "Verifikasi partai", "Daftar pemilih tetap",
    "Akses disabilitas", "Rekrutmen badan adhoc", "Logistik TPS",
    "Salinan dokumen", "Informasi publik"};
static const char *s_openings[] = {
    "Mohon", "Kami berharap", "Saya menyarankan agar", "Warga mengeluhkan bahwa",
    "Mohon penjelasan mengapa", "Sebaiknya", "Perlu diperhatikan bahwa"};
static const char *s_matters[] = {
    "pelayanan permintaan salinan dokumen",
    "jadwal tahapan pemilihan di laman resmi",
    "daftar pemilih tetap tingkat desa",
    "sosialisasi untuk pemilih pemula di sekolah",
    "ruang tunggu pelayanan di kantor",
    "informasi di media sosial KPU",
    "rekrutmen anggota PPK dan PPS",
    "akses bagi pemilih penyandang disabilitas",
    "distribusi logistik ke TPS terpencil",
    "rekapitulasi hasil penghitungan suara"};
static const char *s_places[] = {
    "Kecamatan Panggul", "Kecamatan Munjungan", "Kecamatan Watulimo",
    "Kecamatan Kampak", "Kecamatan Dongko", "Kecamatan Pule",
    "Kecamatan Karangan", "Kecamatan Suruh", "Kecamatan Gandusari",
    "Kecamatan Durenan", "Kecamatan Pogalan", "Kecamatan Trenggalek",
    "Kecamatan Tugu", "Kecamatan Bendungan"};
static const char *s_asks[] = {
    "segera diperbaiki", "diperbarui secara berkala",
    "disediakan dalam bentuk soft data", "diumumkan lebih awal",
    "diperbanyak menjelang tahapan 2024", "dibuat lebih ramah bagi lansia",
    "dijelaskan kepada warga secara terbuka"};

/*  One suggestion as staff would type it: the import shape's fields.     */
typedef struct {
    char received[32];  /* local "YYYY-MM-DD HH:MM"                        */
    const char *channel;  /* channel word                                  */
    const char *class_;   /* class word                                    */
    const char *category; /* category                                      */
    const char *privacy;  /* privacy word                                  */
    const char *subject;  /* subject                                       */
    char text[256];       /* Indonesian text of 100-200 bytes              */
} s_row_t;

/*  The generator: random choices, and a clock of office hours that moves
    forward, because suggestions arrive (and are typed in, and exported)
    in the order of time. Tracking numbers therefore grow within a year,
    as in a real office; random dates would scatter every write across
    the years' key ranges and dirty more pages than real use does.        */
typedef struct {
    uint64_t state;      /* splitmix64 state                               */
    int32_t day;         /* the clock's local day                          */
    int minute;          /* and minute of that day                         */
} s_gen_t;

static void
s_gen_init (s_gen_t *gen, uint64_t seed, int year)
{
    gen->state = seed;
    gen->day = lnt_date_from_ymd (year, 1, 2);
    gen->minute = 8 * 60;
}

/*  Fills row with the next suggestion of the sequence: 1-30 minutes after
    the one before, between 07:00 and 16:00 on weekdays.                  */
static void
s_row_make (s_gen_t *gen, s_row_t *row)
{
    uint64_t *state = &gen->state;
    gen->minute += 1 + (int) s_pick (state, 30);
    while (gen->minute >= 16 * 60 || lnt_date_weekday (gen->day) > 5) {
        gen->day++;
        gen->minute = 7 * 60 + (int) s_pick (state, 60);
    }
    int year, month, day;
    lnt_date_to_ymd (gen->day, &year, &month, &day);
    snprintf (row->received, sizeof row->received, "%04d-%02d-%02d %02d:%02d",
              year, month, day, gen->minute / 60, gen->minute % 60);
    row->channel = s_channels[s_pick (state, S_COUNT (s_channels))];
    row->class_ = s_classes[s_pick (state, S_COUNT (s_classes))];
    row->category = bench_categories[s_pick (state, BENCH_CATEGORIES)];
    row->privacy = s_privacies[s_pick (state, S_COUNT (s_privacies))];
    row->subject = s_subjects[s_pick (state, S_COUNT (s_subjects))];
    size_t len = 0;
    row->text[0] = 0;
    /* Sentences until the text is at least 100 bytes; each is under 100,
       so the text ends between 100 and 200.                              */
    while (len < 100) {
        int n = snprintf (row->text + len, sizeof row->text - len,
                          "%s%s %s di %s %s.", len ? " " : "",
                          s_openings[s_pick (state, S_COUNT (s_openings))],
                          s_matters[s_pick (state, S_COUNT (s_matters))],
                          s_places[s_pick (state, S_COUNT (s_places))],
                          s_asks[s_pick (state, S_COUNT (s_asks))]);
        len += (size_t) n;
    }
}

/*  Fills s from row, as the staff command does from its arguments.       */
static int
s_row_to_suggestion (const s_row_t *row, const lnt_ref_t *ref,
                     lnt_suggestion_t *s, lnt_why_t *why)
{
    int v;
    memset (s, 0, sizeof *s);
    if (lnt_time_parse_local (row->received,
                              lnt_ref_utc_offset (ref, BENCH_OFFICE),
                              &s->received))
        return lnt_why (why, LNT_EINTERNAL, "generated time %s does not "
                        "parse", row->received);
    if (lnt_word_parse (LNT_WORD_CHANNEL, row->channel, &v, why))
        return LNT_EINTERNAL;
    s->channel = (uint8_t) v;
    if (lnt_word_parse (LNT_WORD_CLASS, row->class_, &v, why))
        return LNT_EINTERNAL;
    s->class_ = (uint8_t) v;
    if (lnt_word_parse (LNT_WORD_PRIVACY, row->privacy, &v, why))
        return LNT_EINTERNAL;
    s->privacy = (uint8_t) v;
    snprintf (s->category, sizeof s->category, "%s", row->category);
    snprintf (s->subject, sizeof s->subject, "%s", row->subject);
    snprintf (s->text, sizeof s->text, "%s", row->text);
    return 0;
}

/*  Fills len bytes of buf with printable bytes from the generator, so a
    floor's values are neither zeros nor all alike.                       */
static void
s_fill (uint64_t *state, char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (char) ('a' + s_pick (state, 26));
}

/*  ---- sizes ---------------------------------------------------------- */

/*  The mean key and value length of the entries of db in node's store.   */
static int
s_mean_sizes (lnt_node_t *node, lnt_db_t db, size_t *klen, size_t *vlen)
{
    lnt_txn_t *txn;
    lnt_cursor_t *cur;
    const void *k, *v;
    size_t kl, vl, n = 0, ksum = 0, vsum = 0;
    int rc = lnt_store_read (lnt_node_store (node), &txn);
    if (rc)
        return rc;
    if ((rc = lnt_cursor_open (txn, db, &cur))) {
        lnt_txn_end (&txn);
        return rc;
    }
    for (rc = lnt_cursor_seek (cur, NULL, 0, &k, &kl, &v, &vl); rc == 0;
         rc = lnt_cursor_next (cur, &k, &kl, &v, &vl)) {
        n++;
        ksum += kl;
        vsum += vl;
    }
    lnt_cursor_close (&cur);
    lnt_txn_end (&txn);
    if (rc != LNT_ENOTFOUND)
        return rc;
    *klen = n ? (ksum + n / 2) / n : 0;
    *vlen = n ? (vsum + n / 2) / n : 0;
    return 0;
}

/*  ---- the floors: raw LMDB ---------------------------------------------- */

/*  A floor is a fresh LMDB environment with default (durable) flags. The
    plain floor puts one record per write into the main database. The
    layout floor does, in raw LMDB, the reads and puts that lontar's
    layout asks of one new suggestion (s_floor_row), in named databases:
    lontar against it shows the cost of lontar's own code, the plain
    floor against it the cost of the layout. It leaves out the private
    entry of a confidential suggestion (one in ten here).                 */
typedef struct {
    MDB_env *env;       /* the environment                                 */
    bool layout;        /* the layout floor, not the plain one             */
    MDB_dbi main;       /* plain: the main database                        */
    MDB_dbi records;    /* layout: lontar's databases, with their names    */
    MDB_dbi log;        /* layout: the log                                 */
    MDB_dbi meta;       /* layout: the clock                               */
} s_floor_t;

static int
s_floor_fail (const char *what, int rc)
{
    fprintf (stderr, "%s: floor: %s: %s\n", BENCH_PROG, what,
             mdb_strerror (rc));
    return LNT_ESTORE;
}

/*  Opens a fresh environment in dir (made here) with a map of map bytes:
    lontar's named databases for the layout floor, else the main one.     */
static int
s_floor_open (s_floor_t *self, const char *dir, size_t map, bool layout)
{
    static const char *const names[] = {"records", "log", "meta"};
    MDB_dbi dbis[3];
    memset (self, 0, sizeof *self);
    self->layout = layout;
    int rc = layout ? bench_floor_env_new (dir, map, names, 3, &self->env,
                                           dbis)
                    : bench_floor_env_new (dir, map, (const char *[]) {NULL},
                                           1, &self->env, &self->main);
    if (rc == -1) {
        fprintf (stderr, "%s: cannot create %s: %s\n", BENCH_PROG, dir,
                 strerror (errno));
        return LNT_ECANTCREAT;
    }
    if (rc)
        return s_floor_fail ("open", rc);
    if (layout) {
        self->records = dbis[0];
        self->log = dbis[1];
        self->meta = dbis[2];
    }
    return 0;
}

static void
s_floor_close (s_floor_t *self)
{
    if (self->env)
        mdb_env_close (self->env);
    self->env = NULL;
}

/*  The floor's key for record i, klen bytes long (at most size): the
    counter's digits at the end, so that the keys increase with i.        */
static size_t
s_floor_key (size_t i, size_t klen, char *key, size_t size)
{
    char text[64];
    int n = snprintf (text, sizeof text, "%s-%012zu", BENCH_OFFICE, i);
    if (klen > size)
        klen = size;
    if ((size_t) n >= klen)
        memcpy (key, text + (size_t) n - klen, klen);
    else {
        memset (key, '0', klen - (size_t) n);
        memcpy (key + klen - (size_t) n, text, (size_t) n);
    }
    return klen;
}

/*  A big-endian u64 under name in dbi (0 when absent).                   */
static int
s_floor_get_u64 (MDB_txn *txn, MDB_dbi dbi, const char *name, uint64_t *v)
{
    MDB_val k = {strlen (name), (void *) name}, d;
    int rc = mdb_get (txn, dbi, &k, &d);
    *v = 0;
    if (rc == MDB_NOTFOUND)
        return 0;
    for (size_t i = 0; !rc && i < d.mv_size && i < 8; i++)
        *v = *v << 8 | ((const unsigned char *) d.mv_data)[i];
    return rc;
}


/*  What one record asks of the floor in txn: one put (plain), or the
    layout's reads and puts with a record of vlen and a log entry of
    log_vlen bytes (val holds at least the larger of the two): the
    tracking number from the records' last key (a cursor's seek and step
    back), the clock from meta, the log's last key, then the record and
    its log entry.                                                        */
static int
s_floor_row (s_floor_t *self, MDB_txn *txn, const char *key, size_t klen,
             const char *val, size_t vlen, size_t log_vlen)
{
    MDB_val k = {klen, (void *) key}, v = {vlen, (void *) val}, d;
    if (!self->layout)
        return mdb_put (txn, self->main, &k, &v, 0);
    uint64_t clock, head = 0;
    MDB_cursor *cur;
    MDB_val ck = {klen, (void *) key}, cv;
    int rc = mdb_cursor_open (txn, self->records, &cur);
    if (!rc) {
        rc = mdb_cursor_get (cur, &ck, &cv, MDB_SET_RANGE);
        if (!rc)
            rc = mdb_cursor_get (cur, &ck, &cv, MDB_PREV);
        if (rc == MDB_NOTFOUND)
            rc = 0;
        mdb_cursor_close (cur);
    }
    if (!rc)
        rc = s_floor_get_u64 (txn, self->meta, "clock", &clock);
    if (!rc && !(rc = mdb_cursor_open (txn, self->log, &cur))) {
        rc = mdb_cursor_get (cur, &ck, &cv, MDB_LAST);
        if (!rc && ck.mv_size == 8)
            for (size_t i = 0; i < 8; i++)
                head = head << 8 | ((const unsigned char *) ck.mv_data)[i];
        if (rc == MDB_NOTFOUND)
            rc = 0;
        mdb_cursor_close (cur);
    }
    if (!rc && (rc = mdb_get (txn, self->records, &k, &d)) == MDB_NOTFOUND)
        rc = 0;
    if (!rc)
        rc = mdb_put (txn, self->records, &k, &v, 0);
    if (!rc) {
        unsigned char lk[8];
        uint64_t seq = head + 1;
        for (int i = 7; i >= 0; i--, seq >>= 8)
            lk[i] = (unsigned char) (seq & 0xff);
        MDB_val mk = {8, lk}, mv = {log_vlen, (void *) val};
        rc = mdb_put (txn, self->log, &mk, &mv, MDB_APPEND);
    }
    return rc;
}

/*  One durable write of one record: begin, the row, commit.              */
static int
s_floor_one (s_floor_t *self, const char *key, size_t klen, const char *val,
             size_t vlen, size_t log_vlen)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin (self->env, NULL, 0, &txn);
    if (rc)
        return s_floor_fail ("begin", rc);
    if ((rc = s_floor_row (self, txn, key, klen, val, vlen, log_vlen))) {
        mdb_txn_abort (txn);
        return s_floor_fail ("put", rc);
    }
    if ((rc = mdb_txn_commit (txn)))
        return s_floor_fail ("commit", rc);
    return 0;
}

/*  rows records in one transaction, committed once; *elapsed gets the
    seconds from begin to the end of the commit.                          */
static int
s_floor_batch (s_floor_t *self, size_t rows, size_t klen, size_t vlen,
               size_t log_vlen, uint64_t seed, double *elapsed)
{
    size_t size = vlen > log_vlen ? vlen : log_vlen;
    char *val = malloc (size + 1), key[64];
    uint64_t state = seed;
    MDB_txn *txn;
    if (!val)
        return LNT_ENOMEM;
    double t0 = bench_now ();
    int rc = mdb_txn_begin (self->env, NULL, 0, &txn);
    if (rc) {
        free (val);
        return s_floor_fail ("begin", rc);
    }
    for (size_t i = 0; !rc && i < rows; i++) {
        s_fill (&state, val, size);
        size_t kl = s_floor_key (i, klen, key, sizeof key);
        rc = s_floor_row (self, txn, key, kl, val, vlen, log_vlen);
    }
    if (rc) {
        mdb_txn_abort (txn);
        rc = s_floor_fail ("put", rc);
    }
    else if ((rc = mdb_txn_commit (txn)))
        rc = s_floor_fail ("commit", rc);
    *elapsed = bench_now () - t0;
    free (val);
    return rc;
}

/*  ---- the figures ---------------------------------------------------------- */

typedef struct {
    const char *ref;     /* reference data folder                          */
    size_t writes;       /* timed durable single writes                    */
    size_t rows;         /* rows of the CSV file                           */
    uint64_t seed;       /* generator seed                                 */
    size_t rounds;       /* import rounds; the best one counts             */
    char root[4096];     /* the temporary folder                           */
} s_bench_t;

/*  What a figure measured: rates are per second.                          */
typedef struct {
    double lontar;       /* lontar                                         */
    double floor;        /* the plain floor: one put per record            */
    double layout;       /* the layout floor: lontar's puts in raw LMDB    */
    size_t klen;         /* mean record key length in lontar's store       */
    size_t vlen;         /* mean record length (the floors' values)        */
    size_t log_vlen;     /* mean log entry length                          */
    size_t map_before;   /* lontar's map size before, bytes                */
    size_t map_after;    /* and after                                      */
    size_t csv_bytes;    /* import: the CSV file's size                    */
    size_t passes;       /* import: times lnt_store_write ran the import   */
    double wasted;       /* import: seconds spent in passes that aborted   */
    double seconds;      /* import: lontar's whole time                    */
} s_figure_t;

/*  Initialises an agent node in dir and opens it, as init and a staff
    command would.                                                         */
static int
s_node_make (const s_bench_t *b, const char *dir, lnt_node_t **node)
{
    lnt_why_t why = {""};
    int rc = lnt_node_init (dir, LNT_ROLE_AGENT, BENCH_OFFICE, b->ref, 0, &why);
    if (!rc)
        rc = lnt_node_open (dir, 0, node, &why);
    if (rc)
        fprintf (stderr, "%s: %s\n", BENCH_PROG,
                 why.text[0] ? why.text : lnt_strerror (rc));
    return rc;
}

/*  Adds the next generated suggestion through the store, as the staff
    command does; adds the seconds of the call to *elapsed.               */
static int
s_lontar_add (lnt_node_t *node, s_gen_t *gen, lnt_suggestion_t *s,
              double *elapsed)
{
    s_row_t row;
    lnt_why_t why = {""};
    s_row_make (gen, &row);
    int rc = s_row_to_suggestion (&row, lnt_node_ref (node), s, &why);
    if (!rc) {
        double t0 = bench_now ();
        rc = lnt_office_suggestion_add (node, s, NULL, &why);
        *elapsed += bench_now () - t0;
    }
    if (rc)
        fprintf (stderr, "%s: suggestion add: %s\n", BENCH_PROG,
                 why.text[0] ? why.text : lnt_strerror (rc));
    return rc;
}

/*  The floors' side of the single writes: n durable writes to floor.     */
static int
s_floor_ones (s_floor_t *floor, size_t n, size_t *next, uint64_t *state,
              const s_figure_t *fig, char *val, double *elapsed)
{
    char key[64];
    int rc = 0;
    size_t size = fig->vlen > fig->log_vlen ? fig->vlen : fig->log_vlen;
    for (size_t i = 0; !rc && i < n; i++) {
        s_fill (state, val, size);
        size_t klen = s_floor_key ((*next)++, fig->klen, key, sizeof key);
        double t0 = bench_now ();
        rc = s_floor_one (floor, key, klen, val, fig->vlen, fig->log_vlen);
        *elapsed += bench_now () - t0;
    }
    return rc;
}

static int
s_bench_writes (const s_bench_t *b, s_figure_t *fig)
{
    char dir[4200], fdir[4200], ldir[4200];
    snprintf (dir, sizeof dir, "%s/writes-lontar", b->root);
    snprintf (fdir, sizeof fdir, "%s/writes-floor", b->root);
    snprintf (ldir, sizeof ldir, "%s/writes-layout", b->root);
    lnt_node_t *node = NULL;
    s_floor_t floor = {0}, layout = {0};
    char *val = NULL;
    /* A suggestion is some 25 KiB: one on the heap, reused.              */
    lnt_suggestion_t *s = malloc (sizeof *s);
    uint64_t fstate = b->seed ^ 0x5a5a5a5a5a5a5a5aULL;
    s_gen_t gen;
    s_gen_init (&gen, b->seed, 2025);
    double t[3] = {0, 0, 0}, ignored = 0;
    size_t next[2] = {0, 0}, k;
    int rc = s ? 0 : LNT_ENOMEM;
    if (!rc)
        rc = s_node_make (b, dir, &node);
    if (rc)
        goto done;
    fig->map_before = lnt_store_map_size (lnt_node_store (node));
    /* Warm lontar up; its records tell the floors how big a value is.    */
    for (size_t i = 0; !rc && i < BENCH_WARMUP; i++)
        rc = s_lontar_add (node, &gen, s, &ignored);
    if (rc
        || (rc = s_mean_sizes (node, LNT_DB_RECORDS, &fig->klen, &fig->vlen))
        || (rc = s_mean_sizes (node, LNT_DB_LOG, &k, &fig->log_vlen))
        || (rc = s_floor_open (&floor, fdir, BENCH_MAP, false))
        || (rc = s_floor_open (&layout, ldir, BENCH_MAP, true)))
        goto done;
    if (!(val = malloc ((fig->vlen > fig->log_vlen ? fig->vlen
                                                   : fig->log_vlen) + 1))) {
        rc = LNT_ENOMEM;
        goto done;
    }
    if ((rc = s_floor_ones (&floor, BENCH_WARMUP, &next[0], &fstate, fig, val,
                            &ignored))
        || (rc = s_floor_ones (&layout, BENCH_WARMUP, &next[1], &fstate, fig,
                               val, &ignored)))
        goto done;
    /* The three take turns in small blocks, each block in another order,
       so that the disk's changes of pace during the run fall on all three
       alike: fsync times on shared or virtual disks wander by a factor of
       several within a minute.                                           */
    size_t blocks = b->writes < BENCH_BLOCKS ? b->writes : BENCH_BLOCKS;
    for (size_t blk = 0; !rc && blk < blocks; blk++) {
        size_t n = b->writes / blocks + (blk < b->writes % blocks ? 1 : 0);
        for (size_t turn = 0; !rc && turn < 3; turn++) {
            size_t who = (turn + blk) % 3;
            if (who == 0)
                rc = s_floor_ones (&floor, n, &next[0], &fstate, fig, val,
                                   &t[0]);
            else if (who == 1)
                rc = s_floor_ones (&layout, n, &next[1], &fstate, fig, val,
                                   &t[1]);
            else
                for (size_t i = 0; !rc && i < n; i++)
                    rc = s_lontar_add (node, &gen, s, &t[2]);
        }
    }
    if (rc)
        goto done;
    fig->map_after = lnt_store_map_size (lnt_node_store (node));
    fig->floor = t[0] > 0 ? (double) b->writes / t[0] : 0;
    fig->layout = t[1] > 0 ? (double) b->writes / t[1] : 0;
    fig->lontar = t[2] > 0 ? (double) b->writes / t[2] : 0;
done:
    s_floor_close (&floor);
    s_floor_close (&layout);
    lnt_node_destroy (&node);
    free (val);
    free (s);
    return rc;
}

/*  Writes rows generated suggestions of the office to path.              */
static int
s_csv_write (const s_bench_t *b, const char *path, size_t *bytes)
{
    FILE *out = fopen (path, "wb");
    if (!out) {
        fprintf (stderr, "%s: cannot write %s: %s\n", BENCH_PROG, path,
                 strerror (errno));
        return LNT_EIO;
    }
    s_gen_t gen;
    s_gen_init (&gen, b->seed ^ 0x243f6a8885a308d3ULL, 2018);
    fputs ("# Generated by bench_store.\n"
           "office,received,channel,class,category,privacy,subject,text\r\n",
           out);
    for (size_t i = 0; i < b->rows; i++) {
        s_row_t row;
        s_row_make (&gen, &row);
        lnt_csv_write_field (out, BENCH_OFFICE, true);
        lnt_csv_write_field (out, row.received, false);
        lnt_csv_write_field (out, row.channel, false);
        lnt_csv_write_field (out, row.class_, false);
        lnt_csv_write_field (out, row.category, false);
        lnt_csv_write_field (out, row.privacy, false);
        lnt_csv_write_field (out, row.subject, false);
        lnt_csv_write_field (out, row.text, false);
        lnt_csv_end_record (out);
    }
    long size = ftell (out);
    if (ferror (out) | (fclose (out) != 0)) {
        fprintf (stderr, "%s: writing %s failed\n", BENCH_PROG, path);
        return LNT_EIO;
    }
    *bytes = size > 0 ? (size_t) size : 0;
    return 0;
}

/*  Watches the import's progress to see it begin again: lnt_store_write
    runs the whole import anew after it grows a full map.                 */
typedef struct {
    double start;        /* when the current pass began                    */
    size_t last;         /* rows read in the current pass so far           */
    size_t passes;       /* passes seen                                    */
    double wasted;       /* seconds of the passes that were thrown away    */
} s_passes_t;

static void
s_progress (size_t rows, void *arg)
{
    s_passes_t *p = arg;
    if (rows < p->last) {
        double now = bench_now ();
        p->wasted += now - p->start;
        p->start = now;
        p->passes++;
    }
    p->last = rows;
}

/*  One round of the import figure: lontar, then the two floors, each in
    a fresh folder of the round, removed at its end.                      */
static int
s_import_round (const s_bench_t *b, size_t round, const char *path,
                s_figure_t *fig)
{
    char dir[4200], fdir[4200], ldir[4200];
    snprintf (dir, sizeof dir, "%s/import-lontar-%zu", b->root, round);
    snprintf (fdir, sizeof fdir, "%s/import-floor-%zu", b->root, round);
    snprintf (ldir, sizeof ldir, "%s/import-layout-%zu", b->root, round);
    lnt_node_t *node = NULL;
    s_floor_t floor = {0}, layout = {0};
    lnt_import_result_t res = {0};
    lnt_why_t why = {""};
    s_passes_t passes = {0, 0, 1, 0};
    size_t k;
    int rc = s_node_make (b, dir, &node);
    if (rc)
        goto done;
    fig->map_before = lnt_store_map_size (lnt_node_store (node));
    double t0 = passes.start = bench_now ();
    rc = lnt_import_file (node, path, false, s_progress, &passes, &res, &why);
    fig->seconds = bench_now () - t0;
    if (!rc && res.imported != b->rows)
        rc = lnt_why (&why, LNT_EINTERNAL, "imported %zu rows of %zu",
                      res.imported, b->rows);
    if (rc) {
        fprintf (stderr, "%s: import: %s\n", BENCH_PROG,
                 why.text[0] ? why.text : lnt_strerror (rc));
        for (size_t i = 0; i < res.problem_count && i < 5; i++)
            fprintf (stderr, "%s: %s\n", BENCH_PROG, res.problems[i]);
        goto done;
    }
    fig->passes = passes.passes;
    fig->wasted = passes.wasted;
    fig->map_after = lnt_store_map_size (lnt_node_store (node));
    if ((rc = s_mean_sizes (node, LNT_DB_RECORDS, &fig->klen, &fig->vlen))
        || (rc = s_mean_sizes (node, LNT_DB_LOG, &k, &fig->log_vlen)))
        goto done;
    lnt_node_destroy (&node);

    /* The floors get a map big enough from the start: they are the cost
       of the puts alone, with no growth.                                 */
    size_t map = b->rows * (fig->vlen + fig->log_vlen + 128) * 2;
    double t_floor, t_layout;
    if (map < BENCH_MAP)
        map = BENCH_MAP;
    if ((rc = s_floor_open (&floor, fdir, map, false))
        || (rc = s_floor_batch (&floor, b->rows, fig->klen, fig->vlen,
                                fig->log_vlen, b->seed, &t_floor)))
        goto done;
    s_floor_close (&floor);
    if ((rc = s_floor_open (&layout, ldir, map, true))
        || (rc = s_floor_batch (&layout, b->rows, fig->klen, fig->vlen,
                                fig->log_vlen, b->seed, &t_layout)))
        goto done;
    fig->lontar = fig->seconds > 0 ? (double) b->rows / fig->seconds : 0;
    fig->floor = t_floor > 0 ? (double) b->rows / t_floor : 0;
    fig->layout = t_layout > 0 ? (double) b->rows / t_layout : 0;
done:
    s_floor_close (&floor);
    s_floor_close (&layout);
    lnt_node_destroy (&node);
    lnt_import_result_free (&res);
    bench_remove_tree (dir);
    bench_remove_tree (fdir);
    bench_remove_tree (ldir);
    return rc;
}

/*  The import figure: the best of b->rounds rounds for each of lontar and
    the floors. Each import commits tens of MB at once, so one slow write-
    back or a neighbour's burst on a shared machine can halve one round;
    the best round is the one least disturbed, for all three alike.      */
static int
s_bench_import (const s_bench_t *b, s_figure_t *fig)
{
    char path[4200];
    snprintf (path, sizeof path, "%s/suggestions.csv", b->root);
    size_t csv_bytes = 0;
    int rc = s_csv_write (b, path, &csv_bytes);
    for (size_t round = 0; !rc && round < b->rounds; round++) {
        s_figure_t one = {0};
        if ((rc = s_import_round (b, round, path, &one)))
            break;
        if (one.lontar > fig->lontar) {
            double floor = fig->floor, layout = fig->layout;
            *fig = one;
            fig->floor = floor;
            fig->layout = layout;
        }
        if (one.floor > fig->floor)
            fig->floor = one.floor;
        if (one.layout > fig->layout)
            fig->layout = one.layout;
    }
    fig->csv_bytes = csv_bytes;
    unlink (path);
    return rc;
}

/*  ---- main ------------------------------------------------------------------ */

/*  Parses a count in [lo, hi] for option.                                 */
int
main (int argc, char **argv)
{
    static const struct option options[] = {
        {"ref", required_argument, NULL, 'r'},
        {"writes", required_argument, NULL, 'w'},
        {"rows", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"rounds", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    s_bench_t b = {NULL, 2000, 100000, 1, 3, ""};
    size_t seed = 1;
    int c, rc;
    setlocale (LC_ALL, "C");
    lnt_log_init (BENCH_PROG);
    while ((c = getopt_long (argc, argv, "hV", options, NULL)) != -1) {
        switch (c) {
            case 'r':
                b.ref = optarg;
                break;
            case 'w':
                if ((rc = bench_count (BENCH_PROG, "--writes", optarg, 1, 10000000, &b.writes)))
                    return rc;
                break;
            case 'n':
                if ((rc = bench_count (BENCH_PROG, "--rows", optarg, 1, 10000000, &b.rows)))
                    return rc;
                break;
            case 's':
                if ((rc = bench_count (BENCH_PROG, "--seed", optarg, 0, SIZE_MAX, &seed)))
                    return rc;
                b.seed = seed;
                break;
            case 'R':
                if ((rc = bench_count (BENCH_PROG, "--rounds", optarg, 1, 100, &b.rounds)))
                    return rc;
                break;
            case 'h':
                fputs (s_usage, stdout);
                return 0;
            case 'V':
                printf ("%s %s\n", BENCH_PROG, LNT_VERSION);
                return 0;
            default:
                fputs (s_usage, stderr);
                return 64;
        }
    }
    if (optind + 1 < argc) {
        fprintf (stderr, "%s: one reference folder at most\n%s", BENCH_PROG,
                 s_usage);
        return 64;
    }
    if (optind < argc)
        b.ref = argv[optind];
    b.ref = bench_ref (b.ref, LNT_BENCH_REF);

    if ((rc = bench_mkdtemp (b.root, sizeof b.root, "lontar-bench")))
        return rc;
    s_figure_t w = {0}, im = {0};
    rc = s_bench_writes (&b, &w);
    if (!rc)
        rc = s_bench_import (&b, &im);
    bench_remove_tree (b.root);
    if (rc)
        return lnt_exit_code (rc);

    struct rusage ru;
    getrusage (RUSAGE_SELF, &ru);
    printf ("bench_store %s: writes=%zu rows=%zu rounds=%zu seed=%" PRIu64
            "\n", LNT_VERSION, b.writes, b.rows, b.rounds, b.seed);
    printf ("  %-26s %10s %10s %7s  %s\n", "figure", "lontar", "floor",
            "ratio", "goal");
    printf ("  %-26s %10.0f %10.0f %7.2f  >= %.1f\n",
            "durable single writes/s", w.lontar, w.floor,
            bench_ratio (w.lontar, w.floor), BENCH_GOAL_WRITES);
    printf ("  %-26s %10.0f %10.0f %7.2f  >= %.1f\n", "csv import rows/s",
            im.lontar, im.floor, bench_ratio (im.lontar, im.floor),
            BENCH_GOAL_IMPORT);
    printf ("layout floor (lontar's gets and puts in raw LMDB):\n");
    printf ("  %-26s %10.0f %10s %7.2f  (lontar / layout)\n",
            "durable single writes/s", w.layout, "",
            bench_ratio (w.lontar, w.layout));
    printf ("  %-26s %10.0f %10s %7.2f\n", "csv import rows/s", im.layout, "",
            bench_ratio (im.lontar, im.layout));
    printf ("sizes: record %zu B, key %zu B, log entry %zu B (means; the "
            "floors use them); CSV %zu B\n", im.vlen, im.klen, im.log_vlen,
            im.csv_bytes);
    printf ("import: %.2f s in %zu pass%s, %.2f s thrown away; map %zu -> "
            "%zu MiB\n", im.seconds, im.passes, im.passes == 1 ? "" : "es",
            im.wasted, im.map_before >> 20, im.map_after >> 20);
    printf ("peak RSS: %ld KiB\n", ru.ru_maxrss);
    return 0;
}
