/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * discover-probe: runs src/discover.c in its own poll loop for a while and
 * prints every change of the NAT64 prefix, for tests/integration.
 *
 *   discover-probe [-d] [-D] [-N] [-r resolv.conf] [-i uplink]
 *                  [-f prefix/len] [-m ttl-min] [-t seconds]
 *
 * stdout, one line per change:  <ms since start> <prefix>/<len> <source>
 * (or "<ms> none none"); the daemon's log lines go to stderr.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "discover.h"
#include "log.h"

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
usage(void)
{
	fprintf(stderr, "usage: discover-probe [-d] [-D] [-N] [-r resolv.conf] "
	    "[-i uplink] [-f prefix/len] [-m ttl-min] [-t seconds]\n");
	exit(2);
}

static unsigned long
number(const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v > max)
		usage();
	return v;
}

static void
fallback(struct discover_params *p, char *arg)
{
	char *slash = strchr(arg, '/');

	if (slash == NULL)
		usage();
	*slash = '\0';
	if (inet_pton(AF_INET6, arg, &p->fallback) != 1)
		usage();
	p->fallback_len = (uint8_t)number(slash + 1, 128);
	p->has_fallback = true;
}

static void
report(const struct discover *d, uint64_t t)
{
	struct in6_addr pfx;
	enum discover_source src;
	char a[INET6_ADDRSTRLEN];
	uint8_t len;

	if (discover_current(d, &pfx, &len, &src)) {
		inet_ntop(AF_INET6, &pfx, a, sizeof(a));
		printf("%llu %s/%u %s\n", (unsigned long long)t, a, len,
		    discover_source_name(src));
	} else
		printf("%llu none none\n", (unsigned long long)t);
	fflush(stdout);
}

int
main(int argc, char *argv[])
{
	struct discover_params p;
	struct discover *d;
	struct pollfd pfd[DISCOVER_MAX_FDS];
	enum discover_source src, last_src = DISCOVER_SRC_NONE;
	uint64_t start, end, t, last_gen = 0;
	unsigned long secs = 10;
	bool debug = false;
	size_t n, i;
	int c, tmo;

	memset(&p, 0, sizeof(p));
	p.use_dns = p.use_ra = true;
	while ((c = getopt(argc, argv, "dDNr:i:f:m:t:")) != -1) {
		switch (c) {
		case 'd': debug = true; break;
		case 'D': p.use_dns = false; break;
		case 'N': p.use_ra = false; break;
		case 'r':
			snprintf(p.resolv_conf, sizeof(p.resolv_conf), "%s", optarg);
			break;
		case 'i':
			snprintf(p.uplink, sizeof(p.uplink), "%s", optarg);
			break;
		case 'f': fallback(&p, optarg); break;
		case 'm': p.ttl_min_s = (unsigned)number(optarg, 86400); break;
		case 't': secs = number(optarg, 86400); break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	log_init(LOG_TO_STDERR, debug);
	start = now_ms();
	end = start + secs * 1000;
	if ((d = discover_new(&p, start)) == NULL)
		return 1;
	for (t = start; t < end; t = now_ms()) {
		(void)discover_current(d, NULL, NULL, &src);
		if (discover_generation(d) != last_gen || src != last_src) {
			last_gen = discover_generation(d);
			last_src = src;
			report(d, t - start);
		}
		n = discover_poll_fds(d, pfd, DISCOVER_MAX_FDS);
		tmo = discover_timeout(d, t);
		if (tmo < 0 || (uint64_t)tmo > end - t)
			tmo = (int)(end - t);
		if (poll(pfd, n, tmo) == -1 && errno != EINTR) {
			log_warn("poll");
			break;
		}
		t = now_ms();
		for (i = 0; i < n; i++)
			if (pfd[i].revents != 0)
				(void)discover_handle(d, pfd[i].fd, t);
		(void)discover_tick(d, t);
	}
	discover_free(d);
	return 0;
}
