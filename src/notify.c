/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sd_notify: one datagram to the AF_UNIX socket systemd names in the env. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "log.h"
#include "notify.h"

static int notify_fd = -1;

/* Datagram socket connected to $NOTIFY_SOCKET; -1 if unset or failed. */
static int
notify_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = getenv("NOTIFY_SOCKET");
	size_t plen;
	socklen_t slen;
	int fd;

	if (path == NULL || path[0] == '\0')
		return -1;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || plen >= sizeof(sun.sun_path)) {
		log_warnx("NOTIFY_SOCKET %s: not an absolute or abstract "
		    "socket name", path);
		return -1;
	}
	memcpy(sun.sun_path, path, plen);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen +
	    (path[0] == '/' ? 1 : 0));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warn("notify socket");
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, slen) == -1) {
		log_warn("notify %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

void
notify_init(void)
{
	if (notify_fd != -1)
		close(notify_fd);
	notify_fd = notify_connect();
}

int
notify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	ssize_t n;

	if (path == NULL || path[0] == '\0')
		return 0;
	/* Reconnect once: the receiver may have been re-created. */
	for (int tries = 0; tries < 2; tries++) {
		if (notify_fd == -1 && (notify_fd = notify_connect()) == -1)
			return -1;
		n = send(notify_fd, state, strlen(state), MSG_NOSIGNAL);
		if (n >= 0)
			return 1;
		close(notify_fd);
		notify_fd = -1;
	}
	log_warn("notify %s", path);
	return -1;
}

void
notify_ready(void)
{
	(void)notify_send("READY=1\nSTATUS=translating");
}

void
notify_reloading(void)
{
	struct timespec ts;
	char msg[64];

	/* systemd >= 253 (Type=notify-reload) wants the timestamp. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
	(void)notify_send(msg);
}

void
notify_stopping(void)
{
	(void)notify_send("STOPPING=1");
}
