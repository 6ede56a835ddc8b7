/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAT64 prefix discovery for the CLAT: RFC 8781 PREF64 in router
 * advertisements and RFC 7050 (AAAA of ipv4only.arpa through the system
 * resolvers), with a configured fallback.  RFC 9872: PREF64 wins.
 *
 * Poll-loop driven, never blocks, never reads the clock: every entry
 * point takes the monotonic time in milliseconds.  Per loop iteration:
 *
 *	n = discover_poll_fds(d, pfd + k, max);	   (the set changes: re-gather)
 *	poll(..., min(other, discover_timeout(d, now)));
 *	for each ready fd of those n: changed |= discover_handle(d, fd, now);
 *	changed |= discover_tick(d, now);
 *	if (changed) discover_current(d, &pfx, &len, &src) -> apply.
 *
 * discover_generation() increases with every change of the current
 * prefix, for callers that poll it instead of using the return values.
 */
#ifndef NAT64D_DISCOVER_H
#define NAT64D_DISCOVER_H

#include <net/if.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define DISCOVER_RESOLV_CONF	"/etc/resolv.conf"
#define DISCOVER_MAX_NS		3	/* MAXNS, as the libc resolver */
#define DISCOVER_MAX_PREFIXES	4	/* kept per source */
#define DISCOVER_MAX_FDS	2	/* DNS query socket + RA socket */

/* RFC 7050 3: re-query at the answer's TTL, within these bounds. */
#define DISCOVER_TTL_MIN_S	60
#define DISCOVER_TTL_MAX_S	3600
/* After a failed query: 5 s, doubling up to 5 min. */
#define DISCOVER_BACKOFF_MIN_S	5
#define DISCOVER_BACKOFF_MAX_S	300

enum discover_source {
	DISCOVER_SRC_NONE = 0,
	DISCOVER_SRC_FALLBACK,		/* configured prefix */
	DISCOVER_SRC_DNS,		/* RFC 7050 */
	DISCOVER_SRC_RA,		/* RFC 8781 PREF64 */
};

struct discover_params {
	char		resolv_conf[PATH_MAX];	/* "" = /etc/resolv.conf */
	char		uplink[IFNAMSIZ];	/* RA interface; "" = any */
	bool		use_dns;		/* RFC 7050 queries */
	bool		use_ra;			/* RFC 8781 (raw socket, root) */
	bool		has_fallback;
	struct in6_addr	fallback;
	uint8_t		fallback_len;
	unsigned	ttl_min_s;		/* 0 = DISCOVER_TTL_MIN_S */
	unsigned	ttl_max_s;		/* 0 = DISCOVER_TTL_MAX_S */
	uint16_t	dns_port;		/* 0 = 53; tests only */
};

struct discover;

/* Opens the RA socket if use_ra; the first DNS query goes out at the
 * first discover_tick().  NULL on error (logged). */
struct discover *discover_new(const struct discover_params *p,
    uint64_t now_ms);
void discover_free(struct discover *d);

/* Fills up to max entries (fd, POLLIN); returns how many. */
size_t discover_poll_fds(const struct discover *d, struct pollfd *fds,
    size_t max);
/* fd was readable.  True if the current prefix changed. */
bool discover_handle(struct discover *d, int fd, uint64_t now_ms);
/* Milliseconds until discover_tick() has work; -1 if never. */
int discover_timeout(const struct discover *d, uint64_t now_ms);
/* Retransmits, re-queries, lifetime expiry.  True if the prefix changed. */
bool discover_tick(struct discover *d, uint64_t now_ms);

/* The prefix to use now: RA, else DNS, else fallback.  false if none. */
bool discover_current(const struct discover *d, struct in6_addr *pfx,
    uint8_t *len, enum discover_source *src);
uint64_t discover_generation(const struct discover *d);
const char *discover_source_name(enum discover_source src);

/* ---- the pure parts, exposed for the unit tests ---------------------- */

struct discover_prefix {
	struct in6_addr	addr;
	uint8_t		len;
};

struct discover_ns {
	struct sockaddr_storage	ss;
	socklen_t		sslen;
};

struct discover_resolv {
	struct discover_ns	ns[DISCOVER_MAX_NS];
	size_t			nns;
	unsigned		timeout_s;	/* options timeout:N (5) */
	unsigned		attempts;	/* options attempts:N (2) */
};

/* resolv.conf text (NUL-terminated); port is the server port.  Returns
 * the number of nameservers (0 is not an error: nothing to ask). */
size_t discover_resolv_parse(const char *text, uint16_t port,
    struct discover_resolv *r);

/* The RFC 7050 query for AAAA ipv4only.arpa with id.  Returns its length
 * or 0 if buf is too small. */
size_t discover_dns_query(uint8_t *buf, size_t len, uint16_t id);

enum discover_dns_status {
	DISCOVER_DNS_ANSWER = 0,	/* prefixes found */
	DISCOVER_DNS_NEGATIVE,		/* NXDOMAIN or no usable AAAA: no DNS64 */
	DISCOVER_DNS_SERVFAIL,		/* try the next server */
	DISCOVER_DNS_MALFORMED,		/* not our reply, or broken: ignore */
};

struct discover_dns_result {
	struct discover_prefix	pfx[DISCOVER_MAX_PREFIXES];
	size_t			npfx;
	uint32_t		ttl;		/* smallest of the AAAA used */
};

/* Checks a reply to query id (header, question, CNAME chain, every RR
 * bounds-checked) and extracts the prefixes. */
enum discover_dns_status discover_dns_parse(const uint8_t *msg, size_t len,
    uint16_t id, struct discover_dns_result *res)
    __attribute__((warn_unused_result));

/* RFC 7050 3: the NAT64 prefixes in a set of AAAA of ipv4only.arpa.
 * Returns how many (at most max, deduplicated). */
size_t discover_extract(const struct in6_addr *aaaa, size_t n,
    struct discover_prefix *out, size_t max);

struct discover_pref64 {
	struct discover_prefix	pfx;
	uint32_t		lifetime_s;	/* 0 = withdrawn */
};

/* An ICMPv6 router advertisement (from the ICMPv6 header on): -1 if the
 * RA is malformed (it is then ignored entirely, RFC 4861 6.1.2), else
 * the number of valid PREF64 options stored into out. */
int discover_ra_parse(const uint8_t *icmp, size_t len,
    struct discover_pref64 *out, size_t max)
    __attribute__((warn_unused_result));

/* Apply results as if received at now_ms (the socket paths call these;
 * the unit tests drive the decision logic through them).  from is the
 * router's address for RA.  True if the current prefix changed. */
bool discover_apply_dns(struct discover *d, enum discover_dns_status st,
    const struct discover_dns_result *res, uint64_t now_ms);
bool discover_apply_ra(struct discover *d, const struct in6_addr *from,
    const struct discover_pref64 *p, size_t n, uint64_t now_ms);

#endif
