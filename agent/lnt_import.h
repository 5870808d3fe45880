/*  lnt_import.h - importing records from CSV files, and exporting them.

    Three shapes, told apart by their number of fields (a header row that
    starts with "office" is skipped; '#' lines are comments):
      suggestions (8):  office,received,channel,class,category,privacy,
                        subject,text
      action plan (11): office,year,area,activity,indicator,target,unit,
                        realisation,due,status,evidence
      LKE answers (6):  office,year,item,answer,evidence,justification
    These are the shapes of common/data/sample-*.csv. Rows of other offices
    are skipped and counted. A file is imported in one transaction: all or
    nothing, unless keep_going, when bad rows are reported and skipped and
    the good ones stored. Every bad row is reported with its line. A file
    whose bytes were imported before is refused (LNT_EEXIST) unless
    LNT_IMPORT_AGAIN: importing it twice would store every row twice.     */
#ifndef LNT_IMPORT_H
#define LNT_IMPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "lnt_node.h"

#define LNT_IMPORT_PROBLEMS_MAX 1000 /* problems kept; the rest counted    */

typedef enum {
    LNT_IMPORT_UNKNOWN,     /* not told yet                                */
    LNT_IMPORT_SUGGESTIONS, /* suggestions                                 */
    LNT_IMPORT_RB,          /* action-plan items                           */
    LNT_IMPORT_LKE          /* LKE answers                                 */
} lnt_import_kind_t;

typedef struct {
    lnt_import_kind_t kind; /* what the file held                          */
    size_t imported;        /* rows stored                                 */
    size_t skipped;         /* rows of other offices                       */
    size_t bad;             /* rows refused                                */
    char **problems;        /* "line 7: ...", at most PROBLEMS_MAX; owned   */
    size_t problem_count;   /* entries in problems                         */
} lnt_import_result_t;

/*  Called every 1,000 rows with the rows read so far.                     */
typedef void (lnt_import_progress_fn) (size_t rows, void *arg);

/*  Imports the file at path into node; flags are LNT_IMPORT_* bits.
    Returns 0 (with LNT_IMPORT_KEEP_GOING, also
    when rows were bad), LNT_EINVAL when any row was bad and nothing was
    stored, LNT_EIO when the file cannot be read (missing, a folder), or a
    store error; why says what. Fills result either way; free it with
    lnt_import_result_free.                                                */
#define LNT_IMPORT_KEEP_GOING 1 /* store the good rows, report the bad   */
#define LNT_IMPORT_AGAIN 2      /* import a file that was imported before */

int lnt_import_file (lnt_node_t *node, const char *path, unsigned flags,
                     lnt_import_progress_fn *progress, void *arg,
                     lnt_import_result_t *result, lnt_why_t *why);

void lnt_import_result_free (lnt_import_result_t *result);

/*  Writes every record of kind as CSV in its import shape, with a
    "# office,..." comment as header, so that import reads it back.
    Suggestions' reporter identity is not exported. 0 or a store error.   */
int lnt_export_csv (lnt_node_t *node, lnt_import_kind_t kind, FILE *out);

#endif
