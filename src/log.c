/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Logging: syslog, stderr (-d) or stdout (--stdout); rate-limited packet lines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

/* Packet lines: a token bucket of LOGCAT_RATE lines/s, LOGCAT_BURST deep. */
#define LOGCAT_RATE	20
#define LOGCAT_BURST	50
#define MILLI		1000ULL
#define LOG_LINE_MAX	2048

static enum log_target	log_target = LOG_TO_STDERR;
static bool		log_dbg;
static unsigned		log_mask;

static struct {
	bool			started;
	unsigned long long	tokens_milli;
	unsigned long long	last_ms;
	unsigned long		suppressed;
} cat_tb;

void
log_init(enum log_target t, bool debug)
{
	log_target = t;
	log_dbg = debug;
	cat_tb.started = false;
	cat_tb.suppressed = 0;
	switch (t) {
	case LOG_TO_SYSLOG:
		/* LOG_NDELAY: connect now, /dev/log is gone after chroot. */
		openlog("nat64d", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		break;
	case LOG_TO_STDOUT:
		setvbuf(stdout, NULL, _IOLBF, 0);
		break;
	case LOG_TO_STDERR:
		setvbuf(stderr, NULL, _IONBF, 0);
		break;
	}
}

void
log_set_categories(unsigned mask)
{
	log_mask = mask;
}

unsigned
log_categories(void)
{
	return log_mask;
}

bool
log_debug_enabled(void)
{
	return log_dbg;
}

static void
vlog(int pri, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	FILE *f;
	int n;

	if (pri == LOG_DEBUG && !log_dbg)
		return;
	if (log_target == LOG_TO_SYSLOG) {
		vsyslog(pri, fmt, ap);
		return;
	}
	/* One write per line, so lines from concurrent writers stay whole. */
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	f = log_target == LOG_TO_STDOUT ? stdout : stderr;
	fwrite(line, 1, n, f);
}

static void
logit(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

/* Message plus ": strerror(errno)", errno as it was on entry. */
static void
vlog_errno(int pri, int saved, const char *fmt, va_list ap)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) == -1) {
		logit(pri, "%s", strerror(saved));
		return;
	}
	logit(pri, "%s: %s", msg, strerror(saved));
	free(msg);
}

void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_dbg)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

/* Refill the bucket; true when one line may be printed. */
static bool
cat_allow(unsigned long long now_ms)
{
	unsigned long long cap = LOGCAT_BURST * MILLI;

	if (!cat_tb.started) {
		cat_tb.started = true;
		cat_tb.tokens_milli = cap;
		cat_tb.last_ms = now_ms;
	}
	if (now_ms > cat_tb.last_ms) {
		unsigned long long add = (now_ms - cat_tb.last_ms) * LOGCAT_RATE;

		cat_tb.tokens_milli = add >= cap - cat_tb.tokens_milli ?
		    cap : cat_tb.tokens_milli + add;
		cat_tb.last_ms = now_ms;
	}
	if (cat_tb.tokens_milli < MILLI)
		return false;
	cat_tb.tokens_milli -= MILLI;
	return true;
}

void
log_cat(unsigned cat, unsigned long long now_ms, const char *fmt, ...)
{
	int pri = (cat & (LOGCAT_DROP | LOGCAT_REJECT)) ? LOG_NOTICE : LOG_INFO;
	va_list ap;

	if (!(log_mask & cat))
		return;
	if (!cat_allow(now_ms)) {
		cat_tb.suppressed++;
		return;
	}
	if (cat_tb.suppressed > 0) {
		logit(LOG_NOTICE, "%lu lines suppressed", cat_tb.suppressed);
		cat_tb.suppressed = 0;
	}
	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}
