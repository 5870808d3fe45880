/*  lnt_log.c - logging through zsys_* so CZMQ's and lontar's lines share
    one format and one destination.                                         */
#include <czmq.h>
#include <stdarg.h>
#include <stdio.h>

#include "lnt_log.h"

void
lnt_log_init (const char *ident)
{
    zsys_set_logident (ident);
    zsys_set_logstream (stderr);
    zsys_set_logsystem (false);
}

#define LNT_LOG_FN(name, zfn)                                                \
    void name (const char *format, ...)                                      \
    {                                                                        \
        char line[1024];                                                     \
        va_list args;                                                        \
        va_start (args, format);                                             \
        vsnprintf (line, sizeof line, format, args);                         \
        va_end (args);                                                       \
        zfn ("%s", line);                                                    \
    }

LNT_LOG_FN (lnt_log_error, zsys_error)
LNT_LOG_FN (lnt_log_warning, zsys_warning)
LNT_LOG_FN (lnt_log_info, zsys_info)
LNT_LOG_FN (lnt_log_debug, zsys_debug)
