/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TAYGA's config dialect: one `directive arg...` per line.  Lexing as
 * TAYGA does it: tokens split on space, tab, CR and LF; `#` starts a
 * comment only at the start of a token; names are case-insensitive (config.c
 * matches them so); lines shorter than 511 characters with at most 10
 * tokens.
 */
#include <stdlib.h>
#include <string.h>

#include "config_int.h"

#define TAYGA_LINE_MAX	511	/* TAYGA reads into a 512-byte buffer */
#define TAYGA_TOKENS	10

static bool
is_sep(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/*
 * Split line[0..len) into tokens (NUL-terminated in place).  Returns the
 * token count, or TAYGA_TOKENS + 1 if there are more.
 */
static size_t
tokenize(char *line, size_t len, char **tok)
{
	size_t i = 0, n = 0;

	while (i < len) {
		while (i < len && is_sep(line[i]))
			i++;
		if (i == len || line[i] == '#')
			break;
		if (n == TAYGA_TOKENS)
			return TAYGA_TOKENS + 1;
		tok[n++] = &line[i];
		while (i < len && !is_sep(line[i]))
			i++;
		line[i++] = '\0';	/* line has one spare byte */
	}
	return n;
}

static void
read_line(struct raw *r, const char *file, unsigned lineno,
    const char *src, size_t len, enum map_origin origin)
{
	char line[TAYGA_LINE_MAX + 1], value[TAYGA_LINE_MAX + 1];
	char *tok[TAYGA_TOKENS];
	size_t i, n;

	if (len >= TAYGA_LINE_MAX) {
		raw_diag(r, true, file, lineno, "line is too long; expected "
		    "fewer than %d characters", TAYGA_LINE_MAX);
		return;
	}
	memcpy(line, src, len);
	line[len] = '\0';
	n = tokenize(line, len, tok);
	if (n == 0)
		return;
	if (n > TAYGA_TOKENS) {
		raw_diag(r, true, file, lineno, "line has too many words; "
		    "expected at most %d", TAYGA_TOKENS);
		return;
	}
	value[0] = '\0';
	for (i = 1; i < n; i++) {
		if (i > 1)
			strcat(value, " ");
		strcat(value, tok[i]);
	}
	raw_add(r, tok[0], value, file, lineno, origin);
}

void
tayga_read(struct raw *r, const char *file, const char *buf, size_t len,
    enum map_origin origin)
{
	unsigned lineno = 0;
	const char *p = buf, *end = buf + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		read_line(r, file, ++lineno, p, (size_t)(nl - p), origin);
		p = nl + 1;
	}
}

/*
 * The first line that is not blank or a comment decides: `=`, `{` or `(`
 * (include) only occur in the native syntax, as do // and C comments.
 */
bool
tayga_detect(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		while (p < nl && is_sep(*p))
			p++;
		if (p < nl && *p != '#') {
			if (nl - p >= 2 && p[0] == '/' &&
			    (p[1] == '/' || p[1] == '*'))
				return false;
			for (; p < nl; p++) {
				if (*p == '#' && is_sep(p[-1]))
					break;
				if (*p == '=' || *p == '{' || *p == '(')
					return false;
			}
			return true;
		}
		p = nl + 1;
	}
	return false;
}
