/*  lnt_error.c - phrases and exit statuses for lontar's error codes.      */
#include <stdarg.h>
#include <stdio.h>

#include "lnt_error.h"

int
lnt_why (lnt_why_t *why, int code, const char *format, ...)
{
    if (why) {
        va_list args;
        va_start (args, format);
        vsnprintf (why->text, sizeof why->text, format, args);
        va_end (args);
    }
    return code;
}

const char *
lnt_strerror (int code)
{
    switch (code) {
        case LNT_OK: return "success";
        case LNT_EINVAL: return "bad data";
        case LNT_ENOTFOUND: return "not found";
        case LNT_EEXIST: return "already exists";
        case LNT_ESTORE: return "store error";
        case LNT_EIO: return "I/O error";
        case LNT_ENOMEM: return "out of memory";
        case LNT_EUNAVAIL: return "unavailable";
        case LNT_ECONFIG: return "configuration error";
        case LNT_EUSAGE: return "usage error";
        case LNT_EINTERNAL: return "internal error";
        case LNT_ECANTCREAT: return "cannot create";
        case LNT_EMAPFULL: return "store map full";
        default: return "unknown error";
    }
}

int
lnt_exit_code (int code)
{
    switch (code) {
        case LNT_OK: return 0;
        case LNT_EUSAGE: return 64;
        case LNT_EINVAL:
        case LNT_ENOTFOUND:
        case LNT_EEXIST: return 65;
        case LNT_EUNAVAIL: return 69;
        case LNT_ECANTCREAT: return 73;
        case LNT_ESTORE:
        case LNT_EIO:
        case LNT_EMAPFULL: return 74;
        case LNT_ECONFIG: return 78;
        default: return 70;
    }
}
