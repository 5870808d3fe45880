/*  bench_gen.c - the benchmarks' seeded words, statistics and count
    parsing.                                                               */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_gen.h"

uint64_t
bench_rand (uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

const char *const bench_categories[BENCH_CATEGORIES] = {
    "facilities", "data", "information", "service", "socialisation", "staff",
    "participants", "logistics"};
static const char *s_subjects[] = {
    "Ruang tunggu", "Data pemilih per desa", "Jadwal tahapan",
    "Antrian layanan", "Sosialisasi pemilih pemula", "Hasil pemilu",
    "Sikap petugas", "Daftar pemilih tetap", "Akses disabilitas",
    "Rekrutmen badan adhoc", "Logistik TPS", "Salinan dokumen"};
static const char *s_openings[] = {
    "Mohon", "Kami berharap", "Saya menyarankan agar",
    "Warga mengeluhkan bahwa", "Mohon penjelasan mengapa", "Sebaiknya"};
static const char *s_matters[] = {
    "pelayanan permintaan salinan dokumen",
    "jadwal tahapan pemilihan di laman resmi",
    "daftar pemilih tetap tingkat desa",
    "sosialisasi untuk pemilih pemula di sekolah",
    "ruang tunggu pelayanan di kantor",
    "akses bagi pemilih penyandang disabilitas",
    "distribusi logistik ke TPS terpencil"};
static const char *s_places[] = {
    "Kecamatan Panggul", "Kecamatan Munjungan", "Kecamatan Watulimo",
    "Kecamatan Kampak", "Kecamatan Dongko", "Kecamatan Pule",
    "Kecamatan Durenan", "Kecamatan Pogalan", "Kecamatan Bendungan"};
static const char *s_asks[] = {
    "segera diperbaiki", "diperbarui secara berkala",
    "disediakan dalam bentuk soft data", "diumumkan lebih awal",
    "dibuat lebih ramah bagi lansia",
    "dijelaskan kepada warga secara terbuka"};

void
bench_gen_words (uint64_t *state, lnt_suggestion_t *s)
{
    snprintf (s->category, sizeof s->category, "%s",
              BENCH_PICK (state, bench_categories));
    snprintf (s->subject, sizeof s->subject, "%s",
              BENCH_PICK (state, s_subjects));
    size_t len = 0;
    s->text[0] = 0;
    while (len < 100) {
        /* One pick after the other: the order of a call's arguments is
           unspecified, and the sequence must not depend on the compiler. */
        const char *opening = BENCH_PICK (state, s_openings);
        const char *matter = BENCH_PICK (state, s_matters);
        const char *place = BENCH_PICK (state, s_places);
        const char *ask = BENCH_PICK (state, s_asks);
        len += (size_t) snprintf (s->text + len, sizeof s->text - len,
                                  "%s%s %s di %s %s.", len ? " " : "",
                                  opening, matter, place, ask);
    }
}

int
bench_count (const char *prog, const char *option, const char *text,
             size_t lo, size_t hi, size_t *value)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull (text, &end, 10);
    if (errno || end == text || *end || *text == '-' || v < lo || v > hi) {
        fprintf (stderr, "%s: %s wants a whole number from %zu to %zu, not "
                 "\"%s\"\nTry '%s --help'.\n", prog, option, lo, hi, text,
                 prog);
        return 64;
    }
    *value = (size_t) v;
    return 0;
}

double
bench_ratio (double a, double b)
{
    return b > 0 ? a / b : 0;
}

static int
s_cmp_double (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

void
bench_sort (double *v, size_t n)
{
    qsort (v, n, sizeof *v, s_cmp_double);
}

double
bench_quantile (const double *sorted, size_t n, double q)
{
    size_t rank = (size_t) (q * (double) n + 0.999999);
    return n ? sorted[(rank ? rank : 1) - 1] : 0;
}

int
bench_only (const char *prog, const char *text, const char *const names[],
            size_t n, unsigned *only)
{
    *only = 0;
    for (const char *p = text; *p;) {
        size_t len = strcspn (p, ",");
        size_t i = 0;
        while (i < n && !(strlen (names[i]) == len
                          && strncmp (names[i], p, len) == 0))
            i++;
        if (i == n) {
            fprintf (stderr, "%s: --only: \"%.*s\" is not one of", prog,
                     (int) len, p);
            for (i = 0; i < n; i++)
                fprintf (stderr, "%s %s", i ? "," : "", names[i]);
            fputc ('\n', stderr);
            return 64;
        }
        *only |= 1u << i;
        p += len + (p[len] == ',');
    }
    if (*only)
        return 0;
    fprintf (stderr, "%s: --only wants at least one word\n", prog);
    return 64;
}
