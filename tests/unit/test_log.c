/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c: targets, strerror suffix, debug gating, category mask, rate limit. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"

/* Capture what the log layer writes to fd (1 or 2) during a test. */
struct capture {
	int	fd;
	int	saved;
	FILE	*tmp;
	char	buf[16384];
};

static void
cap_start(struct capture *c, int fd)
{
	c->fd = fd;
	fflush(fd == 1 ? stdout : stderr);
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->saved = dup(fd);
	assert_true(c->saved >= 0);
	assert_int_equal(dup2(fileno(c->tmp), fd), fd);
}

static const char *
cap_end(struct capture *c)
{
	size_t n;

	fflush(c->fd == 1 ? stdout : stderr);
	assert_int_equal(dup2(c->saved, c->fd), c->fd);
	close(c->saved);
	rewind(c->tmp);
	n = fread(c->buf, 1, sizeof(c->buf) - 1, c->tmp);
	c->buf[n] = '\0';
	fclose(c->tmp);
	return c->buf;
}

static size_t
count_lines(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void
test_warnx_adds_newline(void **state)
{
	struct capture c;

	log_init(LOG_TO_STDERR, false);
	cap_start(&c, 2);
	log_warnx("tun-device %s: %d", "nat64", 7);
	log_info("second");
	assert_string_equal(cap_end(&c), "tun-device nat64: 7\nsecond\n");
}

static void
test_warn_appends_strerror(void **state)
{
	struct capture c;

	log_init(LOG_TO_STDERR, false);
	cap_start(&c, 2);
	errno = ENOENT;
	log_warn("open %s", "/nonexistent");
	assert_int_equal(errno, ENOENT);
	assert_string_equal(cap_end(&c),
	    "open /nonexistent: No such file or directory\n");
}

static void
test_debug_gated(void **state)
{
	struct capture c;

	log_init(LOG_TO_STDERR, false);
	assert_false(log_debug_enabled());
	cap_start(&c, 2);
	log_debug("hidden %d", 1);
	assert_string_equal(cap_end(&c), "");

	log_init(LOG_TO_STDERR, true);
	assert_true(log_debug_enabled());
	cap_start(&c, 2);
	log_debug("shown %d", 2);
	assert_string_equal(cap_end(&c), "shown 2\n");
}

static void
test_stdout_target(void **state)
{
	struct capture out, err;

	log_init(LOG_TO_STDOUT, false);
	cap_start(&err, 2);
	cap_start(&out, 1);
	log_info("to stdout");
	assert_string_equal(cap_end(&out), "to stdout\n");
	assert_string_equal(cap_end(&err), "");
	log_init(LOG_TO_STDERR, false);
}

static void
test_category_mask(void **state)
{
	struct capture c;

	log_init(LOG_TO_STDERR, false);
	log_set_categories(LOGCAT_DROP | LOGCAT_SELF);
	assert_int_equal(log_categories(), LOGCAT_DROP | LOGCAT_SELF);
	cap_start(&c, 2);
	log_cat(LOGCAT_DROP, 1000, "DROP: a");
	log_cat(LOGCAT_REJECT, 1000, "REJECT: b");
	log_cat(LOGCAT_ICMP, 1000, "ICMP: c");
	log_cat(LOGCAT_SELF, 1000, "SELF: d");
	log_cat(LOGCAT_DYN, 1000, "DYN: e");
	assert_string_equal(cap_end(&c), "DROP: a\nSELF: d\n");
	log_set_categories(0);
}

static void
test_rate_limit(void **state)
{
	struct capture c;
	const char *s;

	log_init(LOG_TO_STDERR, false);
	log_set_categories(LOGCAT_DROP);
	cap_start(&c, 2);
	/* Burst of 50 at one instant, the next 30 suppressed. */
	for (int i = 0; i < 80; i++)
		log_cat(LOGCAT_DROP, 5000, "DROP: n");
	/* One second refills 20 lines; the first reports the gap. */
	for (int i = 0; i < 25; i++)
		log_cat(LOGCAT_DROP, 6000, "DROP: m");
	s = cap_end(&c);
	assert_int_equal(count_lines(s, "DROP: n\n"), 50);
	assert_int_equal(count_lines(s, "DROP: m\n"), 20);
	assert_non_null(strstr(s, "DROP: n\n30 lines suppressed\nDROP: m\n"));
	assert_int_equal(count_lines(s, "suppressed"), 1);
	log_set_categories(0);
}

static void
test_rate_limit_refill_capped(void **state)
{
	struct capture c;

	log_init(LOG_TO_STDERR, false);
	log_set_categories(LOGCAT_REJECT);
	cap_start(&c, 2);
	log_cat(LOGCAT_REJECT, 0, "x");
	/* An hour of silence refills only up to the burst size. */
	for (int i = 0; i < 60; i++)
		log_cat(LOGCAT_REJECT, 3600000, "y");
	assert_int_equal(count_lines(cap_end(&c), "y\n"), 50);
	log_set_categories(0);
}

static void
test_fatal_exits_1(void **state)
{
	int st;
	pid_t pid;
	int p[2];
	char buf[256] = { 0 };
	ssize_t n;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 2);
		log_init(LOG_TO_STDERR, false);
		errno = EACCES;
		fatal("chroot %s", "/var/lib/nat64d");
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	assert_true(n > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	assert_string_equal(buf, "chroot /var/lib/nat64d: Permission denied\n");
}

static void
test_fatalx_exits_1(void **state)
{
	int st;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 2);
		fatalx("no");
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warnx_adds_newline),
		cmocka_unit_test(test_warn_appends_strerror),
		cmocka_unit_test(test_debug_gated),
		cmocka_unit_test(test_stdout_target),
		cmocka_unit_test(test_category_mask),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_rate_limit_refill_capped),
		cmocka_unit_test(test_fatal_exits_1),
		cmocka_unit_test(test_fatalx_exits_1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
