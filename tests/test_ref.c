/*  test_ref.c - unit test for lnt_ref: every shipped part loads from its
    file and answers the look-ups the other modules rely on (offices, time
    zones, areas, instruments, answer values, grade bands, SLA rows,
    holidays); bad texts are refused with a message naming the part and
    line and leave the part loaded before untouched; exact decimals.

    Usage: test_ref [data-folder]. The folder defaults to $LONTAR_REF, then
    common/data (run from the top of the tree).                            */
#include "lnt_error.h"
#include "lnt_ref.h"
#include "lnt_test.h"
#include "lnt_time.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *s_dir;

//  Loads one part from its file in the data folder; 0 or the error
static int
s_load_file (lnt_ref_t *ref, const char *name, const char *file,
             lnt_why_t *why)
{
    char path[1024];
    snprintf (path, sizeof path, "%s/%s", s_dir, file);
    char *text;
    size_t len;
    int rc = lnt_ref_read_file (path, &text, &len);
    if (rc) {
        fprintf (stderr, "cannot read %s: %s\n", path, lnt_strerror (rc));
        return rc;
    }
    rc = lnt_ref_load (ref, name, text, len, why);
    if (rc)
        fprintf (stderr, "%s: %s\n", name, why->text);
    free (text);
    return rc;
}

//  Loads a text part given as a C string
static int
s_load (lnt_ref_t *ref, const char *name, const char *text, lnt_why_t *why)
{
    why->text[0] = 0;
    return lnt_ref_load (ref, name, text, strlen (text), why);
}

//  True if why holds word; otherwise prints the message, so the failing
//  CHECK's line and the message appear together
static bool
s_says (const lnt_why_t *why, const char *word)
{
    if (strstr (why->text, word))
        return true;
    fprintf (stderr, "  message \"%s\" lacks \"%s\"\n", why->text, word);
    return false;
}

static int32_t
s_day (const char *text)
{
    int32_t day = 0;
    if (lnt_date_parse (text, &day))
        fprintf (stderr, "  bad date in test: %s\n", text);
    return day;
}

static void
s_test_files (lnt_ref_t *ref)
{
    lnt_why_t why = {""};
    //  A fresh set is incomplete and says what is missing first
    CHECK (!lnt_ref_complete (ref, &why));
    CHECK (s_says (&why, "offices"));
    CHECK (lnt_ref_grade (ref, 5000) == NULL);
    CHECK (lnt_ref_office (ref, "3503") == NULL);

    char path[1024];
    snprintf (path, sizeof path, "%s/no-such-file.csv", s_dir);
    char *text = NULL;
    size_t len = 0;
    CHECK_INT (lnt_ref_read_file (path, &text, &len), LNT_ENOTFOUND);

    //  The parts list names every shipped file, each once
    CHECK_INT (lnt_ref_part_count, 9);
    for (size_t i = 0; i < lnt_ref_part_count; i++) {
        if (strcmp (lnt_ref_parts[i].name, "holidays") == 0)
            continue; //  loaded last, to see complete() wait for it
        CHECK_INT (s_load_file (ref, lnt_ref_parts[i].name,
                                lnt_ref_parts[i].file, &why), 0);
    }
    CHECK (!lnt_ref_complete (ref, &why));
    CHECK (s_says (&why, "holidays"));
    CHECK_INT (s_load_file (ref, "holidays", "holidays.csv", &why), 0);
    why.text[0] = 0;
    CHECK (lnt_ref_complete (ref, &why));
    CHECK_STR (why.text, "");

    //  read_file gives a NUL-terminated copy of the whole file
    snprintf (path, sizeof path, "%s/rb-areas.csv", s_dir);
    CHECK_INT (lnt_ref_read_file (path, &text, &len), 0);
    CHECK (text && len > 100 && strlen (text) == len);
    CHECK (text && strncmp (text, "area,name_id,name_en\n", 21) == 0);
    free (text);
}

static void
s_test_offices (const lnt_ref_t *ref)
{
    CHECK_INT (lnt_ref_office_count (ref), 73);
    const lnt_ref_office_t *o = lnt_ref_office (ref, "3503");
    CHECK (o != NULL);
    if (o) {
        CHECK_STR (o->name, "Trenggalek");
        CHECK_STR (o->province, "35");
        CHECK_STR (o->kind, "kabupaten");
    }
    o = lnt_ref_office (ref, "3320");
    CHECK (o != NULL);
    if (o) {
        CHECK_STR (o->name, "Jepara");
        CHECK_STR (o->province, "33");
    }
    CHECK (lnt_ref_office (ref, "3599") == NULL);
    CHECK (lnt_ref_office (ref, "35") == NULL);
    CHECK (lnt_ref_office (ref, "") == NULL);
    CHECK (lnt_ref_office (ref, "35030000") == NULL); //  past the bound
    //  Every office is found by its code, the first and last included,
    //  and a code just before or after each is not
    size_t found = 0;
    for (size_t i = 0; i < lnt_ref_office_count (ref); i++) {
        const lnt_ref_office_t *at = lnt_ref_office_at (ref, i);
        found += at && lnt_ref_office (ref, at->code) == at;
        char before[16], after[16];
        snprintf (before, sizeof before, "%s", at ? at->code : "");
        snprintf (after, sizeof after, "%s0", at ? at->code : "");
        before[strlen (before) - 1]--;
        CHECK (lnt_ref_office (ref, after) == NULL);
        const lnt_ref_office_t *b = lnt_ref_office (ref, before);
        CHECK (b == NULL || strcmp (b->code, before) == 0);
    }
    CHECK_INT (found, lnt_ref_office_count (ref));
    o = lnt_ref_office_at (ref, 0);
    CHECK (o && strcmp (o->code, "3301") == 0);
    CHECK (lnt_ref_office_at (ref, 72) != NULL);
    CHECK (lnt_ref_office_at (ref, 73) == NULL);

    //  Time zones come from provinces.csv: WIB for Java, and the table is
    //  really read (420 is also the default for an unknown province)
    CHECK_INT (lnt_ref_utc_offset (ref, "3503"), 420);
    CHECK_INT (lnt_ref_utc_offset (ref, "3320"), 420);
    CHECK_INT (lnt_ref_utc_offset (ref, "5171"), 480); //  Bali, WITA
    CHECK_INT (lnt_ref_utc_offset (ref, "9101"), 540); //  Papua, WIT
    CHECK_INT (lnt_ref_utc_offset (ref, "9901"), 420); //  unknown

    CHECK_STR (lnt_ref_area_name (ref, 1), "Manajemen Perubahan");
    CHECK_STR (lnt_ref_area_name (ref, 5), "Penataan Sistem Manajemen SDM ASN");
    CHECK_STR (lnt_ref_area_name (ref, 8),
               "Peningkatan Kualitas Pelayanan Publik");
    CHECK (lnt_ref_area_name (ref, 0) == NULL);
    CHECK (lnt_ref_area_name (ref, 9) == NULL);
    CHECK (lnt_ref_area_name (ref, -1) == NULL);
}

static void
s_test_instruments (const lnt_ref_t *ref)
{
    const lnt_ref_instrument_t *in
        = lnt_ref_instrument (ref, "permenpanrb-26-2020-pemenuhan");
    CHECK (in != NULL);
    if (!in)
        return;
    CHECK_STR (in->id, LNT_REF_DEFAULT_INSTRUMENT);
    CHECK_INT (in->node_count, 42);
    const lnt_ref_node_t *item = lnt_ref_item (in, "A5.4");
    CHECK (item != NULL);
    if (item) {
        CHECK_INT (item->area, 5);
        CHECK_INT (item->weight, 60000); //  relative weight 6
        CHECK_STR (item->answer_type, "ABCD");
        CHECK_STR (item->parent, "A5");
        CHECK_STR (item->kind, "item");
        CHECK_STR (item->title, "Promosi jabatan dilakukan secara terbuka");
    }
    item = lnt_ref_item (in, "A4.1"); //  a fractional weight, 1.5
    CHECK (item && item->weight == 15000 && strcmp (item->answer_type, "PCT") == 0);
    //  Areas and components are nodes, not items
    CHECK (lnt_ref_item (in, "A5") == NULL);
    CHECK (lnt_ref_item (in, "PM") == NULL);
    CHECK (lnt_ref_item (in, "A9.1") == NULL);
    CHECK_STR (in->nodes[0].code, "PM");
    CHECK_STR (in->nodes[0].kind, "component");
    CHECK_INT (in->nodes[0].weight, 200000);
    CHECK_STR (in->nodes[0].parent, "");

    //  The 2014 instrument: 6 columns, no answer types, no items
    in = lnt_ref_instrument (ref, "permenpanrb-14-2014");
    CHECK (in != NULL);
    if (in) {
        CHECK_INT (in->node_count, 13);
        size_t items = 0;
        for (size_t i = 0; i < in->node_count; i++)
            if (strcmp (in->nodes[i].kind, "item") == 0 || in->nodes[i].answer_type[0])
                items++;
        CHECK_INT (items, 0);
        CHECK_STR (in->nodes[2].code, "P1");
        CHECK_STR (in->nodes[2].title, "Manajemen Perubahan");
        CHECK_INT (in->nodes[2].area, 1);
        CHECK_INT (in->nodes[2].weight, 50000);
        CHECK_STR (in->nodes[10].kind, "result");
        CHECK_INT (in->nodes[10].area, 0);
    }
    CHECK (lnt_ref_instrument (ref, "permenpanrb-90-2023") == NULL);
}

static void
s_test_answers (const lnt_ref_t *ref)
{
    lnt_why_t why = {""};
    int64_t v = -7;
    CHECK_INT (lnt_ref_answer_value (ref, "YT", "Y", &v, &why), 0);
    CHECK_INT (v, 10000);
    CHECK_INT (lnt_ref_answer_value (ref, "YT", "T", &v, &why), 0);
    CHECK_INT (v, 0);
    CHECK_INT (lnt_ref_answer_value (ref, "ABCD", "B", &v, &why), 0);
    CHECK_INT (v, 6700);
    CHECK_INT (lnt_ref_answer_value (ref, "ABCD", "C", &v, &why), 0);
    CHECK_INT (v, 3300);
    CHECK_INT (lnt_ref_answer_value (ref, "ABC", "B", &v, &why), 0);
    CHECK_INT (v, 5000);
    CHECK_INT (lnt_ref_answer_value (ref, "PCT", "75", &v, &why), 0);
    CHECK_INT (v, 7500);
    CHECK_INT (lnt_ref_answer_value (ref, "PCT", "100", &v, &why), 0);
    CHECK_INT (v, 10000);
    CHECK_INT (lnt_ref_answer_value (ref, "PCT", "0", &v, &why), 0);
    CHECK_INT (v, 0);
    CHECK_INT (lnt_ref_answer_value (ref, "PCT", "12.34", &v, &why), 0);
    CHECK_INT (v, 1234);

    //  Refusals leave *value alone and say what the type allows
    static const char *bad_pct[] = {"100.5", "101", "-1", "", "1e2", "7.125",
                                    " 5", "abc"};
    for (size_t i = 0; i < sizeof bad_pct / sizeof bad_pct[0]; i++) {
        v = -7;
        why.text[0] = 0;
        CHECK_INT (lnt_ref_answer_value (ref, "PCT", bad_pct[i], &v, &why),
                   LNT_EINVAL);
        CHECK_INT (v, -7);
        CHECK (s_says (&why, "a number 0-100"));
    }
    CHECK_INT (lnt_ref_answer_value (ref, "ABCD", "E", &v, &why), LNT_EINVAL);
    CHECK (s_says (&why, "\"E\""));
    CHECK (s_says (&why, "ABCD"));
    CHECK (s_says (&why, "A, B, C, D"));
    CHECK_INT (lnt_ref_answer_value (ref, "YT", "N", &v, &why), LNT_EINVAL);
    CHECK (s_says (&why, "Y, T"));
    CHECK_INT (lnt_ref_answer_value (ref, "ABC", "D", &v, &why), LNT_EINVAL);
    CHECK (s_says (&why, "A, B, C"));
    CHECK (!strstr (why.text, "D,") && !strstr (why.text, "C, D"));
    CHECK_INT (lnt_ref_answer_value (ref, "YT", "y", &v, &why), LNT_EINVAL);
    CHECK_INT (lnt_ref_answer_value (ref, "YT", "", &v, &why), LNT_EINVAL);
    CHECK_INT (lnt_ref_answer_value (ref, "XYZ", "A", &v, &why), LNT_EINVAL);
    CHECK (s_says (&why, "XYZ"));
    CHECK_INT (v, -7);
}

static void
s_test_grades (const lnt_ref_t *ref)
{
    static const struct {
        int hundredths;
        const char *grade;
    } cases[] = {
        {0, "D"},      {1, "D"},     {3000, "D"},   {3001, "C"},
        {5000, "C"},   {5001, "CC"}, {6000, "CC"},  {6001, "B"},
        {7000, "B"},   {7001, "BB"}, {8000, "BB"},  {8001, "A"},
        {9000, "A"},   {9001, "AA"}, {10000, "AA"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const lnt_ref_band_t *b = lnt_ref_grade (ref, cases[i].hundredths);
        CHECK (b != NULL);
        if (!b)
            continue;
        if (strcmp (b->grade, cases[i].grade) != 0)
            fprintf (stderr, "  %d hundredths:\n", cases[i].hundredths);
        CHECK_STR (b->grade, cases[i].grade);
    }
    const lnt_ref_band_t *b = lnt_ref_grade (ref, 8000);
    if (b) {
        CHECK_INT (b->above, 7000);
        CHECK_INT (b->up_to, 8000);
        CHECK_STR (b->label, "Sangat Baik");
    }
}

static void
s_test_sla (const lnt_ref_t *ref)
{
    static const struct {
        const char *name;
        int verify;
        int resolve;
    } rows[] = {
        {"information_request", 3, 5}, {"suggestion", 3, 14},
        {"complaint", 3, 14}, {"complaint_field_check", 3, 60},
        {"whistleblowing", 3, 60},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const lnt_ref_sla_t *s = lnt_ref_sla (ref, rows[i].name);
        CHECK (s != NULL);
        if (!s)
            continue;
        CHECK_INT (s->verify_days, rows[i].verify);
        CHECK (s->verify_working);
        CHECK_INT (s->resolve_days, rows[i].resolve);
        CHECK (!s->resolve_working);
    }
    CHECK (lnt_ref_sla (ref, "aspiration") == NULL);
    CHECK (lnt_ref_sla (ref, "") == NULL);

    const lnt_calendar_t *cal = lnt_ref_calendar (ref);
    CHECK (cal != NULL);
    CHECK_INT (lnt_calendar_holidays (cal), 60);
    CHECK (!lnt_calendar_is_working (cal, s_day ("2026-08-17"))); //  Monday
    CHECK (lnt_calendar_is_working (cal, s_day ("2026-08-18")));
    CHECK (!lnt_calendar_is_working (cal, s_day ("2026-12-25"))); //  Friday
    CHECK (lnt_calendar_is_working (cal, s_day ("2026-12-24")));
    CHECK (!lnt_calendar_is_working (cal, s_day ("2026-08-15"))); //  Saturday
}

//  One refused text: the result, the part and line in the message
static void
s_refuse (lnt_ref_t *ref, const char *name, const char *text,
          const char *line, const char *detail)
{
    lnt_why_t why = {""};
    int rc = s_load (ref, name, text, &why);
    if (rc != LNT_EINVAL)
        fprintf (stderr, "  %s accepted:\n%s\n", name, text);
    CHECK_INT (rc, LNT_EINVAL);
    const char *part = strncmp (name, "instrument/", 11) == 0 ? name + 11 : name;
    CHECK (s_says (&why, part));
    CHECK (s_says (&why, line));
    if (detail)
        CHECK (s_says (&why, detail));
}

//  Each bad text starts with rows that differ from the shipped part, so a
//  half-loaded part would show in the look-ups after the refusal
static void
s_test_refusals (lnt_ref_t *ref)
{
    const char *head = "code,province_code,kind,name\n";
    char text[2048];

    snprintf (text, sizeof text, "%s9901,99,kabupaten,Satu\n"
              "9902,99,kabupaten,Dua\n9901,99,kota,Lagi\n", head);
    s_refuse (ref, "offices", text, "line 4", "9901");
    snprintf (text, sizeof text, "%s9901,99,kabupaten,Satu\n35A3,35,kabupaten,"
              "Huruf\n", head);
    s_refuse (ref, "offices", text, "line 3", "35A3");
    snprintf (text, sizeof text, "%s9901,99,kabupaten,Satu\n"
              "9902,99,kabupaten,%064d\n", head, 0);
    s_refuse (ref, "offices", text, "line 3", "name");
    snprintf (text, sizeof text, "%s9901,99,kabupaten,Satu\n"
              "9902,99,kabupaten,%0600d\n", head, 0);
    s_refuse (ref, "offices", text, "line 3", NULL); //  past the CSV bound
    snprintf (text, sizeof text, "%s9901,99,kabupaten,Satu\n"
              "9902,99,kabupaten,\"Dua\n9903,99,kota,Tiga\n", head);
    s_refuse (ref, "offices", text, "line 3", NULL); //  quote left open
    s_refuse (ref, "offices", "code,province_code,kind,name\n9901,99,kota\n",
              "line 2", "fields");
    CHECK_INT (lnt_ref_office_count (ref), 73);
    CHECK (lnt_ref_office (ref, "9901") == NULL);
    CHECK (lnt_ref_office (ref, "3503") != NULL);

    s_refuse (ref, "areas", "area,name_id,name_en\n1,Satu,One\n9,Sembilan,Nine\n",
              "line 3", "1-8");
    s_refuse (ref, "areas", "area,name_id,name_en\n1,Satu,One\n0,Nol,Zero\n",
              "line 3", "1-8");
    CHECK_STR (lnt_ref_area_name (ref, 1), "Manajemen Perubahan");

    s_refuse (ref, "answer-types", "answer_type,answer,value\nYT,Y,0.5\n"
              "YT,T,1.5\n", "line 3", "1.5");
    s_refuse (ref, "answer-types", "answer_type,answer,value\nYT,Y,-1\n",
              "line 2", NULL);
    int64_t v = 0;
    CHECK_INT (lnt_ref_answer_value (ref, "YT", "Y", &v, NULL), 0);
    CHECK_INT (v, 10000);

    s_refuse (ref, "grade-bands", "grade,above,up_to,label_id\nAA,95,100,X\n"
              "A,80,80,Y\n", "line 3", "above < up_to");
    s_refuse (ref, "grade-bands", "grade,above,up_to,label_id\nAA,95,100,X\n"
              "A,90,85,Y\n", "line 3", NULL);
    s_refuse (ref, "grade-bands", "grade,above,up_to,label_id\nAA,95,100.01,X\n",
              "line 2", NULL);
    const lnt_ref_band_t *b = lnt_ref_grade (ref, 9300);
    CHECK (b && strcmp (b->grade, "AA") == 0);

    s_refuse (ref, "sla", "class,verify_days,verify_day_kind,resolve_days,"
              "resolve_day_kind\nsuggestion,1,working,2,calendar\n"
              "complaint,3,weekly,14,calendar\n", "line 3", "working or calendar");
    s_refuse (ref, "sla", "class,verify_days,verify_day_kind,resolve_days,"
              "resolve_day_kind\nsuggestion,1,working,366,calendar\n",
              "line 2", NULL);
    const lnt_ref_sla_t *s = lnt_ref_sla (ref, "suggestion");
    CHECK (s && s->verify_days == 3 && s->resolve_days == 14);

    s_refuse (ref, "holidays", "date,name\n2026-08-18,Libur\n2026-02-30,Tidak "
              "ada\n", "line 3", "2026-02-30");
    s_refuse (ref, "holidays", "date,name\n2026-8-18,Libur\n", "line 2", NULL);
    CHECK_INT (lnt_calendar_holidays (lnt_ref_calendar (ref)), 60);
    CHECK (lnt_calendar_is_working (lnt_ref_calendar (ref), s_day ("2026-08-18")));

    const char *iname = "instrument/" LNT_REF_DEFAULT_INSTRUMENT;
    const char *ihead = "node,parent,kind,area,weight,answer_type,title\n"
                        "Z,,component,,10,,Baru\nZ1,Z,area,1,5,,Satu\n";
    snprintf (text, sizeof text, "%sZ1.1,Z9,item,1,1,YT,Tanpa induk\n", ihead);
    s_refuse (ref, iname, text, "line 4", "Z9");
    snprintf (text, sizeof text, "%sZ1.2,Z1.3,item,1,1,YT,Induk nanti\n"
              "Z1.3,Z1,item,1,1,YT,Induk\n", ihead);
    s_refuse (ref, iname, text, "line 4", "Z1.3");
    snprintf (text, sizeof text, "%sZ1.1,Z1,item,1,1,,Tanpa jenis\n", ihead);
    s_refuse (ref, iname, text, "line 4", "answer type");
    snprintf (text, sizeof text, "%sZ1.1,Z1,item,1,1,YT\n", ihead);
    s_refuse (ref, iname, text, "line 4", "answer type"); //  6 columns
    snprintf (text, sizeof text, "%sZ1.1,Z1,item,1,1,YT,Satu\n"
              "Z1.1,Z1,item,1,2,ABC,Dua\n", ihead);
    s_refuse (ref, iname, text, "line 5", "twice");
    snprintf (text, sizeof text, "%sZ1.1,Z1,item,,1,YT,Tanpa area\n", ihead);
    s_refuse (ref, iname, text, "line 4", NULL);
    snprintf (text, sizeof text, "%sZ1.1,Z1,item,1,0,YT,Bobot nol\n", ihead);
    s_refuse (ref, iname, text, "line 4", NULL);
    snprintf (text, sizeof text, "%sZ1.1,Z1,item,9,1,YT,Area 9\n", ihead);
    s_refuse (ref, iname, text, "line 4", NULL);
    snprintf (text, sizeof text, "%sZ1.1,Z1,leaf,1,1,YT,Jenis\n", ihead);
    s_refuse (ref, iname, text, "line 4", NULL);
    snprintf (text, sizeof text, "%sZ1.1,Z1,item,1,1,YT,%0130d\n", ihead, 0);
    s_refuse (ref, iname, text, "line 4", "title");
    snprintf (text, sizeof text, "%sZ1.12345678901234,Z1,item,1,1,YT,Kode\n",
              ihead);
    s_refuse (ref, iname, text, "line 4", "node");
    snprintf (text, sizeof text, "%sZ1.1,Z1,item,1,1,YT,\"Kutip\n", ihead);
    s_refuse (ref, iname, text, "line 4", NULL);
    //  Comments and the header alone: no nodes
    lnt_why_t why = {""};
    CHECK_INT (s_load (ref, iname, "# nothing\nnode,parent,kind,area,weight,"
                       "answer_type,title\n", &why), LNT_EINVAL);
    CHECK (s_says (&why, "no nodes"));
    const lnt_ref_instrument_t *in = lnt_ref_instrument (ref, LNT_REF_DEFAULT_INSTRUMENT);
    CHECK (in && in->node_count == 42 && lnt_ref_item (in, "A5.4"));
    CHECK (in && !lnt_ref_item (in, "Z1.1"));

    //  Unknown part names are refused too
    CHECK_INT (s_load (ref, "weather", "a,b\n", &why), LNT_EINVAL);
    CHECK (s_says (&why, "weather"));
    CHECK_INT (s_load (ref, "instrument/", ihead, &why), LNT_EINVAL);

    //  The controls: the same kind of text, made good, does replace the
    //  part, so the "unchanged" checks above can fail
    snprintf (text, sizeof text, "%s9901,99,kabupaten,Satu\n"
              "9902,99,kabupaten,Dua\n", head);
    lnt_ref_t *other = lnt_ref_new ();
    CHECK (other != NULL);
    if (!other)
        return;
    CHECK_INT (s_load (other, "offices", text, &why), 0);
    CHECK_INT (lnt_ref_office_count (other), 2);
    CHECK_INT (s_load (other, "offices", text, &why), 0); //  replaces
    CHECK_INT (lnt_ref_office_count (other), 2);
    snprintf (text, sizeof text, "%sZ1.1,Z1,item,1,1,YT,Satu\n", ihead);
    CHECK_INT (s_load (other, iname, text, &why), 0);
    in = lnt_ref_instrument (other, LNT_REF_DEFAULT_INSTRUMENT);
    CHECK (in && in->node_count == 3 && lnt_ref_item (in, "Z1.1"));
    CHECK_INT (s_load (other, "holidays", "date,name\n2026-08-18,Libur\n", &why), 0);
    CHECK (!lnt_calendar_is_working (lnt_ref_calendar (other), s_day ("2026-08-18")));
    CHECK_INT (s_load (other, "areas", "area,name_id,name_en\n1,Satu,One\n", &why), 0);
    CHECK_STR (lnt_ref_area_name (other, 1), "Satu");
    CHECK (lnt_ref_area_name (other, 2) == NULL);
    //  An empty text is a valid, empty part (but not a complete set)
    CHECK_INT (s_load (other, "offices", "", &why), 0);
    CHECK_INT (lnt_ref_office_count (other), 0);
    lnt_ref_destroy (&other);
    CHECK (other == NULL);
    lnt_ref_destroy (&other); //  safe twice
}

static void
s_test_decimals (void)
{
    int64_t v = -7;
    CHECK_INT (lnt_decimal_parse ("12", 3, &v), 0);
    CHECK_INT (v, 12000);
    CHECK_INT (lnt_decimal_parse ("2.5", 3, &v), 0);
    CHECK_INT (v, 2500);
    CHECK_INT (lnt_decimal_parse ("0.001", 3, &v), 0);
    CHECK_INT (v, 1);
    CHECK_INT (lnt_decimal_parse ("1.234", 3, &v), 0);
    CHECK_INT (v, 1234);
    CHECK_INT (lnt_decimal_parse ("0", 0, &v), 0);
    CHECK_INT (v, 0);
    CHECK_INT (lnt_decimal_parse ("007", 2, &v), 0);
    CHECK_INT (v, 700);
    CHECK_INT (lnt_decimal_parse ("99999999999.9999", 4, &v), 0);
    CHECK_INT (v, 999999999999999LL);
    static const char *bad[] = {"1.2345", "", ".", "1.", ".5", "-1", "+1",
                                "1e3", " 1", "1 ", "1,5", "1.2.3", "0x10",
                                "1000000000000", "1000000000000000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = -7;
        int rc = lnt_decimal_parse (bad[i], 3, &v);
        if (rc != LNT_EINVAL)
            fprintf (stderr, "  \"%s\" accepted\n", bad[i]);
        CHECK_INT (rc, LNT_EINVAL);
        CHECK_INT (v, -7);
    }
    CHECK_INT (lnt_decimal_parse ("1.5", 0, &v), LNT_EINVAL);

    char buf[32];
    lnt_decimal_format (12000, 3, buf, sizeof buf);
    CHECK_STR (buf, "12");
    lnt_decimal_format (2500, 3, buf, sizeof buf);
    CHECK_STR (buf, "2.5");
    lnt_decimal_format (1, 3, buf, sizeof buf);
    CHECK_STR (buf, "0.001");
    lnt_decimal_format (1230, 3, buf, sizeof buf);
    CHECK_STR (buf, "1.23");
    lnt_decimal_format (6700, 4, buf, sizeof buf);
    CHECK_STR (buf, "0.67");
    lnt_decimal_format (0, 2, buf, sizeof buf);
    CHECK_STR (buf, "0");
    lnt_decimal_format (-1500, 3, buf, sizeof buf);
    CHECK_STR (buf, "-1.5");
    lnt_decimal_format (42, 0, buf, sizeof buf);
    CHECK_STR (buf, "42");
    //  parse (format (x)) == x
    static const int64_t values[] = {0, 1, 10, 999, 1000, 1001, 123456789};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        lnt_decimal_format (values[i], 3, buf, sizeof buf);
        CHECK_INT (lnt_decimal_parse (buf, 3, &v), 0);
        CHECK_INT (v, values[i]);
    }
}

//  instrument-years: which instrument an office-year uses, later lines
//  overriding earlier ones, "*" for every office; and the checks that
//  need every part (lnt_ref_complete): assigned instruments are loaded,
//  offices listed, items' answer types defined. ref is the complete
//  shipped set and is left so.
static void
s_test_instrument_years (lnt_ref_t *ref)
{
    lnt_why_t why = {""};
    const char *def = LNT_REF_DEFAULT_INSTRUMENT;
    //  Nothing assigned: the default, for every office and year
    CHECK_STR (lnt_ref_instrument_for (ref, "3503", 2026), def);
    CHECK (!lnt_ref_instrument_year (ref, 0, NULL, NULL, NULL));

    //  A second instrument, with an item the default lacks
    const char *other = "node,parent,kind,area,weight,answer_type,title\n"
                        "Z,,component,,10,,Baru\nZ1,Z,area,1,5,,Satu\n"
                        "Z1.1,Z1,item,1,1,YT,Satu\n";
    CHECK_INT (s_load (ref, "instrument/other", other, &why), 0);
    const lnt_ref_instrument_t *in = lnt_ref_instrument (ref, "other");
    CHECK (in && in->nodes[2].line == 4);
    CHECK_INT (s_load (ref, "instrument-years", "# comment\n"
                       "year,office,instrument\n"
                       "2026,*,other\n"
                       "2026,3512," LNT_REF_DEFAULT_INSTRUMENT "\n"
                       "2027,3503,other\n"
                       "2026,*,other\n", &why), 0);
    CHECK (lnt_ref_complete (ref, &why));
    CHECK_STR (lnt_ref_instrument_for (ref, "3503", 2026), "other");
    CHECK_STR (lnt_ref_instrument_for (ref, "3512", 2026), "other"); //  later *
    CHECK_STR (lnt_ref_instrument_for (ref, "3512", 2027), def);
    CHECK_STR (lnt_ref_instrument_for (ref, "3503", 2027), "other");
    CHECK_STR (lnt_ref_instrument_for (ref, "3503", 2025), def);
    int year = 0;
    const char *office = NULL, *id = NULL;
    CHECK (lnt_ref_instrument_year (ref, 1, &year, &office, &id));
    CHECK (year == 2026 && strcmp (office, "3512") == 0
           && strcmp (id, def) == 0);
    CHECK (lnt_ref_instrument_year (ref, 3, NULL, NULL, NULL));
    CHECK (!lnt_ref_instrument_year (ref, 4, NULL, NULL, NULL));

    //  Refused lines, each naming line and field; the set keeps its lines
    s_refuse (ref, "instrument-years", "year,office,instrument\n"
              "2026,*,other\n1999,*,other\n", "line 3", "year");
    s_refuse (ref, "instrument-years", "year,office,instrument\n"
              "2026,35A3,other\n", "line 2", "office");
    s_refuse (ref, "instrument-years", "year,office,instrument\n"
              "2026,3503,\n", "line 2", "instrument");
    s_refuse (ref, "instrument-years", "year,office,instrument\n2026,3503\n",
              "line 2", "fields");
    CHECK_STR (lnt_ref_instrument_for (ref, "3503", 2027), "other");

    //  Parts that parse alone but do not agree with the others
    CHECK_INT (s_load (ref, "instrument-years", "year,office,instrument\n"
                       "2026,3503,other\n2026,9999,other\n", &why), 0);
    CHECK (!lnt_ref_complete (ref, &why));
    CHECK (s_says (&why, "line 3") && s_says (&why, "9999"));
    CHECK_INT (s_load (ref, "instrument-years", "year,office,instrument\n"
                       "2026,3503,missing\n", &why), 0);
    CHECK (!lnt_ref_complete (ref, &why));
    CHECK (s_says (&why, "line 2") && s_says (&why, "missing"));
    CHECK_INT (s_load (ref, "instrument/odd", "node,parent,kind,area,weight,"
                       "answer_type,title\nZ1,,area,1,5,,Satu\n"
                       "Z1.1,Z1,item,1,1,XYZ,Satu\n", &why), 0);
    CHECK_INT (s_load (ref, "instrument-years", "", &why), 0);
    CHECK (!lnt_ref_complete (ref, &why));
    CHECK (s_says (&why, "instrument/odd line 3") && s_says (&why, "XYZ"));
    //  Made good again: the odd one replaced, the assignments emptied
    CHECK_INT (s_load (ref, "instrument/odd", other, &why), 0);
    CHECK (lnt_ref_complete (ref, &why));
    CHECK_STR (lnt_ref_instrument_for (ref, "3503", 2026), def);
}

int
main (int argc, char **argv)
{
    s_dir = argc > 1 ? argv[1] : lnt_ref_default_dir ();
    if (argc <= 1 && !getenv ("LONTAR_REF"))
        s_dir = "common/data";
    lnt_ref_t *ref = lnt_ref_new ();
    if (!ref) {
        fprintf (stderr, "out of memory\n");
        return 1;
    }
    s_test_files (ref);
    s_test_offices (ref);
    s_test_instruments (ref);
    s_test_answers (ref);
    s_test_grades (ref);
    s_test_sla (ref);
    s_test_refusals (ref);
    s_test_instrument_years (ref);
    //  After every refusal, the set is still the complete shipped one
    CHECK (lnt_ref_complete (ref, NULL));
    s_test_offices (ref);
    s_test_decimals ();
    lnt_ref_destroy (&ref);
    return LNT_TEST_DONE ();
}
