/* JSON path -> line:column, by re-scanning the file text.
 *
 * Jansson keeps no positions for values (its maintainer declined to, issue
 * #272), so an error message that points at a value finds it again here.
 * This runs only on the error path, on text Jansson has already accepted,
 * so it is a plain tolerant scanner: it never allocates, never recurses, and
 * on text it does not understand it stops at the deepest value it reached.
 */
#include <stdlib.h>
#include <string.h>

#include "model/load_int.h"

typedef struct scan {
    const char *s;
    size_t n, i;
    int line, col;
} scan;

static int at_end(const scan *sc) { return sc->i >= sc->n; }

static char peek(const scan *sc) { return at_end(sc) ? '\0' : sc->s[sc->i]; }

/* Advances one byte. Columns count characters: UTF-8 continuation bytes do
 * not start a new column. */
static void next(scan *sc)
{
    if (at_end(sc))
        return;
    unsigned char ch = (unsigned char)sc->s[sc->i++];
    if (ch == '\n') {
        sc->line++;
        sc->col = 1;
    } else if ((ch & 0xC0) != 0x80) {
        sc->col++;
    }
}

static void skip_ws(scan *sc)
{
    while (!at_end(sc) && strchr(" \t\r\n", peek(sc)))
        next(sc);
}

/* At an opening quote: moves past the closing one. */
static void skip_string(scan *sc)
{
    next(sc);
    while (!at_end(sc) && peek(sc) != '"') {
        if (peek(sc) == '\\')
            next(sc);
        next(sc);
    }
    next(sc);
}

/* Moves past one value of any kind. */
static void skip_value(scan *sc)
{
    char ch = peek(sc);
    if (ch == '"') {
        skip_string(sc);
    } else if (ch == '{' || ch == '[') {
        int depth = 0;
        do {
            ch = peek(sc);
            if (ch == '"') {
                skip_string(sc);
                continue;
            }
            if (ch == '{' || ch == '[')
                depth++;
            else if (ch == '}' || ch == ']')
                depth--;
            next(sc);
        } while (depth > 0 && !at_end(sc));
    } else {
        while (!at_end(sc) && !strchr(",]} \t\r\n", peek(sc)))
            next(sc);
    }
}

/* At an opening quote: reads the string into buf (simple escapes decoded,
 * \u kept verbatim: only keys are compared, and ours are ASCII), moves
 * past it. Returns 0 when it did not fit. */
static int read_string(scan *sc, char *buf, size_t size)
{
    size_t k = 0;
    int fits = 1;
    next(sc);
    while (!at_end(sc) && peek(sc) != '"') {
        char ch = peek(sc);
        if (ch == '\\') {
            next(sc);
            ch = peek(sc);
            switch (ch) {
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            case 'r': ch = '\r'; break;
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            default: break;
            }
        }
        if (k + 1 < size)
            buf[k++] = ch;
        else
            fits = 0;
        next(sc);
    }
    next(sc);
    buf[k] = '\0';
    return fits;
}

/* One path segment: a key or an index. */
typedef struct seg {
    const char *key; /* NULL for an index */
    size_t key_len;
    size_t index;
} seg;

/* Reads the segment at *p; returns 0 at the end of the path or on a
 * malformed path. */
static int next_seg(const char **p, seg *out)
{
    const char *s = *p;
    if (*s == '.')
        s++;
    if (*s == '\0')
        return 0;
    if (*s == '[') {
        char *end;
        out->key = NULL;
        out->index = strtoul(s + 1, &end, 10);
        if (end == s + 1 || *end != ']')
            return 0;
        *p = end + 1;
        return 1;
    }
    size_t n = strcspn(s, ".[");
    out->key = s;
    out->key_len = n;
    *p = s + n;
    return n > 0;
}

/* At '{': moves to the value of member `key` and returns 1, or returns 0. */
static int find_member(scan *sc, const seg *sg)
{
    char buf[256];
    next(sc);
    for (;;) {
        skip_ws(sc);
        if (peek(sc) != '"')
            return 0;
        int fits = read_string(sc, buf, sizeof buf);
        skip_ws(sc);
        if (peek(sc) != ':')
            return 0;
        next(sc);
        skip_ws(sc);
        if (fits && strlen(buf) == sg->key_len &&
            memcmp(buf, sg->key, sg->key_len) == 0)
            return 1;
        skip_value(sc);
        skip_ws(sc);
        if (peek(sc) != ',')
            return 0;
        next(sc);
    }
}

/* At '[': moves to element `index` and returns 1, or returns 0. */
static int find_element(scan *sc, size_t index)
{
    next(sc);
    for (size_t k = 0;; k++) {
        skip_ws(sc);
        if (peek(sc) == ']' || at_end(sc))
            return 0;
        if (k == index)
            return 1;
        skip_value(sc);
        skip_ws(sc);
        if (peek(sc) != ',')
            return 0;
        next(sc);
    }
}

int mp_m_jsonpos(const char *text, size_t len, const char *path, int *line,
                 int *col)
{
    scan sc = {text, text ? len : 0, 0, 1, 1};
    *line = *col = 0;
    skip_ws(&sc);
    if (at_end(&sc))
        return -1;
    *line = sc.line;
    *col = sc.col;
    int depth = 0;
    const char *p = path ? path : "";
    seg sg;
    while (next_seg(&p, &sg)) {
        scan save = sc;
        int found = sg.key ? (peek(&sc) == '{' && find_member(&sc, &sg))
                           : (peek(&sc) == '[' && find_element(&sc, sg.index));
        if (!found) {
            sc = save;
            break;
        }
        depth++;
        *line = sc.line;
        *col = sc.col;
    }
    return depth;
}
