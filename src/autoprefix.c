/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `prefix = auto` in the daemon: discover.c (RFC 8781 PREF64, RFC 7050
 * DNS64, prefix-fallback) in the poll loop.  A new prefix is written
 * into the running xlat_cfg between two packets (one thread: no packet
 * is half translated), with ipv6-addr and icmp-error-ipv6 re-derived
 * when they came from the prefix; maps and pool leases stay.
 */
#include <arpa/inet.h>
#include <string.h>

#include "addr.h"
#include "autoprefix.h"
#include "config.h"
#include "discover.h"
#include "log.h"
#include "loop.h"

static struct discover *disc;

int
autoprefix_start(struct nat64d *d, uint64_t now_ms)
{
	const struct config *c = d->cfg;
	struct discover_params p;

	if (!c->prefix_auto)
		return 0;
	memset(&p, 0, sizeof(p));
	if (c->clat.enabled)
		snprintf(p.uplink, sizeof(p.uplink), "%s", c->clat.uplink);
	p.use_dns = true;
	p.use_ra = true;
	if (c->has_prefix_fallback) {
		p.has_fallback = true;
		p.fallback = c->prefix_fallback;
		p.fallback_len = c->prefix_fallback_len;
	}
	if ((disc = discover_new(&p, now_ms)) == NULL)
		return -1;
	(void)discover_tick(disc, now_ms);
	autoprefix_apply(d);
	return 0;
}

bool
autoprefix_running(void)
{
	return disc != NULL;
}

size_t
autoprefix_fds(struct pollfd *p, size_t max)
{
	return disc != NULL ? discover_poll_fds(disc, p, max) : 0;
}

int
autoprefix_timeout(uint64_t now_ms)
{
	return disc != NULL ? discover_timeout(disc, now_ms) : -1;
}

void
autoprefix_run(struct nat64d *d, const struct pollfd *p, size_t n,
    uint64_t now_ms)
{
	bool changed = false;

	if (disc == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		if (p[i].revents & (POLLIN | POLLERR))
			changed |= discover_handle(disc, p[i].fd, now_ms);
	changed |= discover_tick(disc, now_ms);
	if (changed)
		autoprefix_apply(d);
}

void
autoprefix_apply(struct nat64d *d)
{
	struct config *c = d->cfg;
	struct xlat_cfg *x = &c->xlat;
	char p6[INET6_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
	enum discover_source src;
	struct in6_addr pfx;
	uint8_t len;

	if (disc == NULL || !c->prefix_auto)
		return;
	if (!discover_current(disc, &pfx, &len, &src)) {
		if (x->has_prefix)
			log_warnx("prefix = auto: no NAT64 prefix any more; "
			    "dropping packets that need one");
		x->has_prefix = false;
		x->prefix_pending = true;
		return;
	}
	if (x->has_prefix && x->prefix_len == len &&
	    memcmp(&x->prefix, &pfx, sizeof(pfx)) == 0)
		return;
	x->prefix = pfx;
	x->prefix_len = len;
	x->has_prefix = true;
	x->prefix_pending = false;
	if (c->ipv6_addr_derived)
		addr_embed4(&pfx, len, x->ipv4_addr, &x->ipv6_addr);
	if (c->err6_addr_derived)
		x->err6_addr = x->ipv6_addr;
	inet_ntop(AF_INET6, &pfx, p6, sizeof(p6));
	inet_ntop(AF_INET6, &x->ipv6_addr, a6, sizeof(a6));
	log_info("prefix = auto: now translating with %s/%u (%s), ipv6-addr "
	    "%s", p6, len, discover_source_name(src), a6);
}

void
autoprefix_stop(void)
{
	if (disc != NULL)
		discover_free(disc);
	disc = NULL;
}
