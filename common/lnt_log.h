/*  lnt_log.h - the one logging facade, over CZMQ's zsys_* functions.

    One event a line: "subject key=value ... - event". Daemons log to
    stderr, where journald picks the lines up. Never call these from a
    signal handler.                                                         */
#ifndef LNT_LOG_H
#define LNT_LOG_H

/*  Routes CZMQ's log to stderr only, with ident as the program name.       */
void lnt_log_init (const char *ident);

void lnt_log_error (const char *format, ...)
    __attribute__ ((format (printf, 1, 2)));
void lnt_log_warning (const char *format, ...)
    __attribute__ ((format (printf, 1, 2)));
void lnt_log_info (const char *format, ...)
    __attribute__ ((format (printf, 1, 2)));
void lnt_log_debug (const char *format, ...)
    __attribute__ ((format (printf, 1, 2)));

#endif
