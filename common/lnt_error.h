/*  lnt_error.h - error codes shared by every lontar module.

    Functions that can fail at run time return 0 on success or one of the
    negative codes below. lnt_strerror gives a short English phrase for a
    code; lnt_exit_code maps a code to the sysexits-style exit status that
    the commands use (DESIGN section 11).                                   */
#ifndef LNT_ERROR_H
#define LNT_ERROR_H

#define LNT_OK 0
#define LNT_EINVAL -1     /* bad data: input refused                       */
#define LNT_ENOTFOUND -2  /* no such record, file or key                   */
#define LNT_EEXIST -3     /* already exists                                */
#define LNT_ESTORE -4     /* the store failed (LMDB error)                 */
#define LNT_EIO -5        /* reading or writing a file failed              */
#define LNT_ENOMEM -6     /* out of memory                                 */
#define LNT_EUNAVAIL -7   /* store or hub unavailable                      */
#define LNT_ECONFIG -8    /* configuration error                           */
#define LNT_EUSAGE -9     /* command-line usage error                      */
#define LNT_EINTERNAL -10 /* a bug in lontar                               */
#define LNT_ECANTCREAT -11 /* cannot create (store exists, folder fails)   */
#define LNT_EMAPFULL -12  /* the store's map is full (retry after growth)  */

/*  Why something was refused, in words for the person who must fix it:
    what failed, on which record, field, file or line, and what to do.     */
typedef struct {
    char text[512]; /* the sentence; "" when nothing was said               */
} lnt_why_t;

/*  Sets why's text (printf-style); why may be NULL. Returns code, so a
    caller can write: return lnt_why (why, LNT_EINVAL, "...", ...).        */
int lnt_why (lnt_why_t *why, int code, const char *format, ...)
    __attribute__ ((format (printf, 3, 4)));

/*  Returns a static phrase for code; never NULL.                           */
const char *lnt_strerror (int code);

/*  Returns the exit status for code: 0, 64, 65, 69, 70, 73, 74 or 78.      */
int lnt_exit_code (int code);

#endif
