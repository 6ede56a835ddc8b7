/* SPDX-License-Identifier: GPL-2.0-or-later */
/* notify.c: the sd_notify datagram reaches path and abstract sockets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include "log.h"
#include "notify.h"

/* Bind a datagram socket at name ("/path" or "@abstract"). */
static int
listen_at(const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	memcpy(sun.sun_path, name, n);
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	else
		len++;
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, len), 0);
	return fd;
}

static void
expect_msg(int fd, const char *want)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void
test_path_socket(void **state)
{
	char dir[] = "/tmp/nat64d-notify.XXXXXX", path[64];
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = listen_at(path);
	setenv("NOTIFY_SOCKET", path, 1);
	notify_ready();
	expect_msg(fd, "READY=1\nSTATUS=translating");
	notify_stopping();
	expect_msg(fd, "STOPPING=1");
	assert_int_equal(notify_send("WATCHDOG=1"), 1);
	expect_msg(fd, "WATCHDOG=1");
	close(fd);
	unlink(path);
	rmdir(dir);
}

/* Connected before chroot: sends still arrive once the path is gone. */
static void
test_connected_survives_unlink(void **state)
{
	char dir[] = "/tmp/nat64d-notify.XXXXXX", path[64];
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = listen_at(path);
	setenv("NOTIFY_SOCKET", path, 1);
	notify_init();
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	notify_ready();
	expect_msg(fd, "READY=1\nSTATUS=translating");
	close(fd);
}

static void
test_abstract_socket(void **state)
{
	char name[64], buf[256];
	ssize_t n;
	int fd;

	snprintf(name, sizeof(name), "@nat64d-test-%ld", (long)getpid());
	fd = listen_at(name);
	setenv("NOTIFY_SOCKET", name, 1);
	notify_reloading();
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_true(strncmp(buf, "RELOADING=1\nMONOTONIC_USEC=", 27) == 0);
	assert_true(strtoull(buf + 27, NULL, 10) > 0);
	close(fd);
}

static void
test_unset_and_bad(void **state)
{
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_send("READY=1"), 0);
	log_init(LOG_TO_STDERR, false);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(notify_send("READY=1"), -1);
	setenv("NOTIFY_SOCKET", "/nonexistent/nat64d/sock", 1);
	assert_int_equal(notify_send("READY=1"), -1);
	unsetenv("NOTIFY_SOCKET");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_connected_survives_unlink),
		cmocka_unit_test(test_abstract_socket),
		cmocka_unit_test(test_unset_and_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
