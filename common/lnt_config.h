/*  lnt_config.h - a daemon's settings: one table drives the config file,
    the command-line flags and --check-config.

    The file has one "key = value" a line; '#' starts a comment; blank
    lines are fine; a value may be quoted with "...". An unknown key, a
    key given twice, a value of the wrong type or out of bounds is an error
    that names the file and the line. Flags override the file. (CZMQ's
    zconfig reads another format and keeps no line numbers, which operators
    need to find a mistake, so this is a small parser of our own.)       */
#ifndef LNT_CONFIG_H
#define LNT_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "lnt_error.h"

typedef enum {
    LNT_CONFIG_STRING, /* any text up to 255 bytes                          */
    LNT_CONFIG_INT,    /* a whole number in [min, max]                      */
    LNT_CONFIG_BOOL    /* true/false, yes/no, on/off, 1/0                   */
} lnt_config_type_t;

typedef struct {
    const char *name;         /* key in the file; the flag is --name       */
    lnt_config_type_t type;   /* its type                                  */
    const char *dflt;         /* default, as text; NULL for none           */
    int min, max;             /* bounds of an INT                          */
    const char *help;         /* one line for the docs and --help          */
} lnt_config_key_t;

typedef struct lnt_config_t lnt_config_t;

/*  Settings with the defaults of keys (count of them); keys must outlive
    the settings. NULL when out of memory.                                 */
lnt_config_t *lnt_config_new (const lnt_config_key_t *keys, size_t count);
void lnt_config_destroy (lnt_config_t **self_p);

/*  Reads a config file. 0, or LNT_ECONFIG with why "FILE:LINE: ...",
    or LNT_ECONFIG when the file cannot be read.                          */
int lnt_config_load (lnt_config_t *self, const char *path, lnt_why_t *why);

/*  Sets a key from a flag (origin names it in messages, "--hub").
    0 or LNT_ECONFIG / LNT_EUSAGE with why.                                */
int lnt_config_set (lnt_config_t *self, const char *name, const char *value,
                    const char *origin, lnt_why_t *why);

/*  Values; the key must be in the table (asserted). Strings are borrowed
    until the settings change; NULL when the key has no value.            */
const char *lnt_config_str (const lnt_config_t *self, const char *name);
int lnt_config_int (const lnt_config_t *self, const char *name);
bool lnt_config_bool (const lnt_config_t *self, const char *name);

/*  Prints the settings in effect as a config file, with where each came
    from, for --check-config.                                              */
void lnt_config_print (const lnt_config_t *self, FILE *out);

#endif
