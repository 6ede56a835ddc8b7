/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to config.c and config_tayga.c.  Both dialect readers only
 * collect `directive value` items with their file:line; one validation
 * pass in config.c turns them into a struct config.
 */
#ifndef NAT64D_CONFIG_INT_H
#define NAT64D_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define RAW_MAX_FILE	(1024 * 1024)	/* bigger config files are refused */

struct raw_item {
	char		*name;		/* directive as written */
	char		*value;		/* TAYGA: its tokens joined by one space */
	const char	*file;		/* interned in struct raw */
	unsigned	 line;
	enum map_origin	 origin;
};

struct raw_diag {
	size_t		 rank;		/* file order, for sorting */
	unsigned	 line;		/* 0: about the whole file */
	size_t		 seq;
	bool		 error;
	char		*text;		/* complete line, no newline */
};

struct raw {
	struct raw_item	*items;
	size_t		 nitems;
	char		**files;	/* interned names; index is the rank */
	size_t		 nfiles;
	struct raw_diag	*diags;
	size_t		 ndiags;
	unsigned	 nerrors;
	bool		 oom;
};

const char *raw_file(struct raw *r, const char *path);
void raw_add(struct raw *r, const char *name, const char *value,
    const char *file, unsigned line, enum map_origin origin);
/* text is printf-formatted; file:line (or file: when line is 0) and, for
 * warnings, "warning: " are prepended. */
void raw_diag(struct raw *r, bool error, const char *file, unsigned line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* TAYGA's `key value` lines (also the map-file format). */
void tayga_read(struct raw *r, const char *file, const char *buf,
    size_t len, enum map_origin origin);
/* Decide the dialect: true for a tayga.conf. */
bool tayga_detect(const char *buf, size_t len);

#endif
