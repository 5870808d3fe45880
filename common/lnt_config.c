/*  lnt_config.c - config file, flags and defaults from one table.         */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lnt_config.h"

#define LNT_CONFIG_VALUE_MAX 255

typedef struct {
    char value[LNT_CONFIG_VALUE_MAX + 1]; /* the value as text            */
    bool set;                /* has a value (default or given)             */
    char origin[300];        /* "default", "FILE:LINE" or "--flag"         */
    int line;                /* line in the file, 0 when not from it       */
} s_value_t;

struct lnt_config_t {
    const lnt_config_key_t *keys; /* the table                            */
    size_t count;                 /* its length                           */
    s_value_t *values;            /* one per key                          */
};

lnt_config_t *
lnt_config_new (const lnt_config_key_t *keys, size_t count)
{
    lnt_config_t *self = calloc (1, sizeof *self);
    if (!self || !(self->values = calloc (count, sizeof *self->values))) {
        free (self);
        return NULL;
    }
    self->keys = keys;
    self->count = count;
    for (size_t i = 0; i < count; i++)
        if (keys[i].dflt) {
            snprintf (self->values[i].value, sizeof self->values[i].value,
                      "%s", keys[i].dflt);
            self->values[i].set = true;
            strcpy (self->values[i].origin, "default");
        }
    return self;
}

void
lnt_config_destroy (lnt_config_t **self_p)
{
    lnt_config_t *self = *self_p;
    if (!self)
        return;
    free (self->values);
    free (self);
    *self_p = NULL;
}

static int
s_find (const lnt_config_t *self, const char *name)
{
    for (size_t i = 0; i < self->count; i++)
        if (strcmp (self->keys[i].name, name) == 0)
            return (int) i;
    return -1;
}

static bool
s_bool (const char *text, bool *value)
{
    static const char *yes[] = {"true", "yes", "on", "1"};
    static const char *no[] = {"false", "no", "off", "0"};
    for (int i = 0; i < 4; i++) {
        if (strcmp (text, yes[i]) == 0)
            return (*value = true);
        if (strcmp (text, no[i]) == 0) {
            *value = false;
            return true;
        }
    }
    return false;
}

/*  Checks value against key i's type and stores it.                       */
static int
s_store (lnt_config_t *self, int i, const char *value, const char *origin,
         int line, lnt_why_t *why)
{
    const lnt_config_key_t *key = &self->keys[i];
    if (strlen (value) > LNT_CONFIG_VALUE_MAX)
        return lnt_why (why, LNT_ECONFIG, "%s: %s is longer than %d bytes",
                        origin, key->name, LNT_CONFIG_VALUE_MAX);
    if (key->type == LNT_CONFIG_INT) {
        char *end;
        errno = 0;
        long v = strtol (value, &end, 10);
        if (errno || end == value || *end || v < key->min || v > key->max)
            return lnt_why (why, LNT_ECONFIG, "%s: %s must be a whole number "
                            "from %d to %d, not \"%s\"", origin, key->name,
                            key->min, key->max, value);
    }
    bool b;
    if (key->type == LNT_CONFIG_BOOL && !s_bool (value, &b))
        return lnt_why (why, LNT_ECONFIG, "%s: %s must be true or false, not "
                        "\"%s\"", origin, key->name, value);
    s_value_t *v = &self->values[i];
    strcpy (v->value, value);
    v->set = true;
    v->line = line;
    snprintf (v->origin, sizeof v->origin, "%s", origin);
    return 0;
}

int
lnt_config_set (lnt_config_t *self, const char *name, const char *value,
                const char *origin, lnt_why_t *why)
{
    int i = s_find (self, name);
    if (i < 0)
        return lnt_why (why, LNT_ECONFIG, "%s: unknown setting %s", origin,
                        name);
    return s_store (self, i, value, origin, 0, why);
}

static char *
s_trim (char *text)
{
    while (isspace ((unsigned char) *text))
        text++;
    char *end = text + strlen (text);
    while (end > text && isspace ((unsigned char) end[-1]))
        *--end = 0;
    return text;
}

int
lnt_config_load (lnt_config_t *self, const char *path, lnt_why_t *why)
{
    FILE *file = fopen (path, "r");
    if (!file)
        return lnt_why (why, LNT_ECONFIG, "cannot read the config file %s: %s",
                        path, strerror (errno));
    char line[1024];
    int number = 0, rc = 0;
    bool *seen = calloc (self->count, sizeof *seen);
    if (!seen) {
        fclose (file);
        return LNT_ENOMEM;
    }
    while (!rc && fgets (line, sizeof line, file)) {
        number++;
        char where[300];
        snprintf (where, sizeof where, "%s:%d", path, number);
        if (!strchr (line, '\n') && !feof (file)) {
            rc = lnt_why (why, LNT_ECONFIG, "%s: line is too long", where);
            break;
        }
        char *text = s_trim (line);
        if (!*text || *text == '#')
            continue;
        char *eq = strchr (text, '=');
        if (!eq) {
            rc = lnt_why (why, LNT_ECONFIG, "%s: expected \"key = value\"",
                          where);
            break;
        }
        *eq = 0;
        char *key = s_trim (text), *value = s_trim (eq + 1);
        size_t vlen = strlen (value);
        if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
            value[vlen - 1] = 0;
            value++;
        }
        else if (strchr (value, '#')) {
            /* A comment after the value: cut it, and the spaces before.  */
            *strchr (value, '#') = 0;
            value = s_trim (value);
        }
        int i = s_find (self, key);
        if (i < 0)
            rc = lnt_why (why, LNT_ECONFIG, "%s: unknown setting \"%s\"",
                          where, key);
        else if (seen[i])
            rc = lnt_why (why, LNT_ECONFIG, "%s: %s is set twice (first on "
                          "line %d)", where, key, self->values[i].line);
        else {
            seen[i] = true;
            rc = s_store (self, i, value, where, number, why);
        }
    }
    if (!rc && ferror (file))
        rc = lnt_why (why, LNT_ECONFIG, "reading %s failed", path);
    free (seen);
    fclose (file);
    return rc;
}

const char *
lnt_config_str (const lnt_config_t *self, const char *name)
{
    int i = s_find (self, name);
    assert (i >= 0);
    return self->values[i].set ? self->values[i].value : NULL;
}

int
lnt_config_int (const lnt_config_t *self, const char *name)
{
    const char *v = lnt_config_str (self, name);
    return v ? atoi (v) : 0;
}

bool
lnt_config_bool (const lnt_config_t *self, const char *name)
{
    const char *v = lnt_config_str (self, name);
    bool b = false;
    return v && s_bool (v, &b) && b;
}

void
lnt_config_print (const lnt_config_t *self, FILE *out)
{
    for (size_t i = 0; i < self->count; i++) {
        const lnt_config_key_t *key = &self->keys[i];
        const s_value_t *v = &self->values[i];
        fprintf (out, "# %s (from %s)\n", key->help,
                 v->set ? v->origin : "nowhere: not set");
        if (v->set)
            fprintf (out, "%s = %s\n", key->name, v->value);
        else
            fprintf (out, "# %s =\n", key->name);
    }
}
