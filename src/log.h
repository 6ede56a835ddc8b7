/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging, OpenBSD vocabulary.  The log layer adds the newline. */
#ifndef NAT64D_LOG_H
#define NAT64D_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_target {
	LOG_TO_SYSLOG = 0,	/* ident nat64d, LOG_DAEMON, LOG_PID */
	LOG_TO_STDERR,		/* -d */
	LOG_TO_STDOUT,		/* --stdout; line buffered */
};

/* Packet-log categories (the `log` directive). */
#define LOGCAT_DROP	0x01
#define LOGCAT_REJECT	0x02
#define LOGCAT_ICMP	0x04
#define LOGCAT_SELF	0x08
#define LOGCAT_DYN	0x10

void log_init(enum log_target t, bool debug);
void log_set_categories(unsigned mask);
unsigned log_categories(void);
bool log_debug_enabled(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* Category-gated, rate-limited packet/event line (notice for DROP and
 * REJECT, info otherwise).  now_ms drives the rate limit. */
void log_cat(unsigned cat, unsigned long long now_ms, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
