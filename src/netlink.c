/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Raw rtnetlink: RTM_NEWLINK (IFF_UP), RTM_NEWADDR, RTM_NEWROUTE, each ACKed. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "config.h"
#include "log.h"
#include "netlink.h"

#define NL_BUFSZ	8192

struct nl {
	int		fd;
	uint32_t	seq;
};

struct nl_req {
	struct nlmsghdr	nh;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct rtmsg	 rtm;
	} u;
	char		attrs[256];
};

static int
nl_open(struct nl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	nl->seq = 1;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd == -1) {
		log_warn("netlink socket");
		return -1;
	}
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		log_warn("netlink bind");
		close(nl->fd);
		return -1;
	}
	return 0;
}

static void
nl_attr(struct nl_req *r, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta;
	size_t off = NLMSG_ALIGN(r->nh.nlmsg_len);

	/* Callers add at most a few addresses: attrs[] always fits. */
	rta = (struct rtattr *)((char *)r + off);
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = (uint32_t)(off + RTA_ALIGN(rta->rta_len));
}

/* Send r, wait for its ACK.  Returns 0 or a positive errno. */
static int
nl_talk(struct nl *nl, struct nl_req *r)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	char buf[NL_BUFSZ];
	ssize_t n;

	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = ++nl->seq;
	if (sendto(nl->fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&to,
	    sizeof(to)) == -1)
		return errno;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		    h = NLMSG_NEXT(h, n)) {
			struct nlmsgerr *e = NLMSG_DATA(h);

			if (h->nlmsg_seq != nl->seq)
				continue;
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return EPROTO;
			return -e->error;
		}
	}
}

static void
nl_init(struct nl_req *r, uint16_t type, uint16_t flags, size_t hdrlen)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = (uint32_t)NLMSG_LENGTH(hdrlen);
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = flags;
}

static int
nl_link_up(struct nl *nl, unsigned ifindex)
{
	struct nl_req r;

	nl_init(&r, RTM_NEWLINK, 0, sizeof(r.u.ifi));
	r.u.ifi.ifi_family = AF_UNSPEC;
	r.u.ifi.ifi_index = (int)ifindex;
	r.u.ifi.ifi_flags = IFF_UP;
	r.u.ifi.ifi_change = IFF_UP;
	return nl_talk(nl, &r);
}

static size_t
net_alen(const struct config_net *n)
{
	return n->family == AF_INET ? sizeof(n->addr.v4) : sizeof(n->addr.v6);
}

/* RTM_NEWADDR (create or replace) or RTM_DELADDR. */
static int
nl_addr(struct nl *nl, uint16_t type, unsigned ifindex,
    const struct config_net *n)
{
	struct nl_req r;

	nl_init(&r, type, type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_REPLACE :
	    0, sizeof(r.u.ifa));
	r.u.ifa.ifa_family = (uint8_t)n->family;
	r.u.ifa.ifa_prefixlen = n->len;
	r.u.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	r.u.ifa.ifa_index = ifindex;
	nl_attr(&r, IFA_LOCAL, &n->addr, net_alen(n));
	/* IPv4 on a point-to-point link: IFA_ADDRESS is the peer; the same
	 * value makes it a plain local address with a prefix route. */
	if (n->family == AF_INET)
		nl_attr(&r, IFA_ADDRESS, &n->addr, net_alen(n));
	return nl_talk(nl, &r);
}

/* RTM_NEWROUTE (create or replace) or RTM_DELROUTE. */
static int
nl_route(struct nl *nl, uint16_t type, unsigned ifindex,
    const struct config_net *n)
{
	struct nl_req r;
	uint32_t oif = ifindex;

	nl_init(&r, type, type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_REPLACE :
	    0, sizeof(r.u.rtm));
	r.u.rtm.rtm_family = (uint8_t)n->family;
	r.u.rtm.rtm_dst_len = n->len;
	r.u.rtm.rtm_table = RT_TABLE_MAIN;
	r.u.rtm.rtm_protocol = RTPROT_BOOT;
	r.u.rtm.rtm_scope = RT_SCOPE_LINK;
	r.u.rtm.rtm_type = RTN_UNICAST;
	nl_attr(&r, RTA_DST, &n->addr, net_alen(n));
	nl_attr(&r, RTA_OIF, &oif, sizeof(oif));
	return nl_talk(nl, &r);
}

static const char *
net_str(const struct config_net *n, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(n->family, &n->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, n->len);
	return buf;
}

static bool
has_route4(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->ntun_routes; i++)
		if (cfg->tun_routes[i].family == AF_INET)
			return true;
	return false;
}

static bool
need_link_up(const struct config *cfg)
{
	if (cfg->tun_up)
		return true;
	if (has_route4(cfg)) {
		/* The kernel refuses IPv4 link routes on a down link
		 * (ENETDOWN); TAYGA exits there. */
		log_info("tun-route needs the link up: setting it up "
		    "although tun-up is not set");
		return true;
	}
	return false;
}

static int
nl_apply(struct nl *nl, const struct config *cfg, unsigned ifindex)
{
	char s[INET6_ADDRSTRLEN + 8];
	int err;

	if (need_link_up(cfg)) {
		if ((err = nl_link_up(nl, ifindex)) != 0) {
			log_warnx("tun-up: %s", strerror(err));
			return -1;
		}
		log_debug("tun-up: link %u up", ifindex);
	}
	for (size_t i = 0; i < cfg->ntun_ips; i++) {
		net_str(&cfg->tun_ips[i], s, sizeof(s));
		if ((err = nl_addr(nl, RTM_NEWADDR, ifindex, &cfg->tun_ips[i])) != 0) {
			log_warnx("tun-ip %s: %s", s, strerror(err));
			return -1;
		}
		log_debug("tun-ip %s added", s);
	}
	for (size_t i = 0; i < cfg->ntun_routes; i++) {
		net_str(&cfg->tun_routes[i], s, sizeof(s));
		if ((err = nl_route(nl, RTM_NEWROUTE, ifindex,
		    &cfg->tun_routes[i])) != 0) {
			log_warnx("tun-route %s: %s", s, strerror(err));
			return -1;
		}
		log_debug("tun-route %s added", s);
	}
	return 0;
}

int
netlink_configure(const struct config *cfg, unsigned ifindex)
{
	struct nl nl;
	int rc;

	if (!cfg->tun_up && cfg->ntun_ips == 0 && cfg->ntun_routes == 0)
		return 0;
	if (nl_open(&nl) == -1)
		return -1;
	rc = nl_apply(&nl, cfg, ifindex);
	close(nl.fd);
	return rc;
}

static bool
net_in(const struct config_net *n, const struct config_net *set, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (set[i].family == n->family && set[i].len == n->len &&
		    memcmp(&set[i].addr, &n->addr, net_alen(n)) == 0)
			return true;
	return false;
}

typedef int (*nl_op)(struct nl *, uint16_t, unsigned,
    const struct config_net *);

/* Delete what left the list, add what joined it; order kept. */
static int
nl_diff(struct nl *nl, unsigned ifindex, const char *what, nl_op op,
    uint16_t add, uint16_t del, const struct config_net *o, size_t no,
    const struct config_net *n, size_t nn)
{
	char s[INET6_ADDRSTRLEN + 8];
	int err;

	for (size_t i = 0; i < no; i++) {
		if (net_in(&o[i], n, nn))
			continue;
		err = op(nl, del, ifindex, &o[i]);
		/* Already gone (removed by hand) is what we wanted. */
		if (err != 0 && err != EADDRNOTAVAIL && err != ESRCH) {
			log_warnx("%s %s: remove: %s", what,
			    net_str(&o[i], s, sizeof(s)), strerror(err));
			return -1;
		}
		log_info("reload: %s %s removed", what, net_str(&o[i], s,
		    sizeof(s)));
	}
	for (size_t i = 0; i < nn; i++) {
		if (net_in(&n[i], o, no))
			continue;
		if ((err = op(nl, add, ifindex, &n[i])) != 0) {
			log_warnx("%s %s: %s", what, net_str(&n[i], s, sizeof(s)),
			    strerror(err));
			return -1;
		}
		log_info("reload: %s %s added", what, net_str(&n[i], s,
		    sizeof(s)));
	}
	return 0;
}

int
netlink_reconfigure(const struct config *o, const struct config *n,
    unsigned ifindex)
{
	struct nl nl;
	int rc = -1, err;

	if (nl_open(&nl) == -1)
		return -1;
	if ((n->tun_up || has_route4(n)) && !(o->tun_up || has_route4(o)) &&
	    (err = nl_link_up(&nl, ifindex)) != 0) {
		log_warnx("tun-up: %s", strerror(err));
		goto out;
	}
	if (nl_diff(&nl, ifindex, "tun-ip", nl_addr, RTM_NEWADDR, RTM_DELADDR,
	    o->tun_ips, o->ntun_ips, n->tun_ips, n->ntun_ips) == -1)
		goto out;
	if (nl_diff(&nl, ifindex, "tun-route", nl_route, RTM_NEWROUTE,
	    RTM_DELROUTE, o->tun_routes, o->ntun_routes, n->tun_routes,
	    n->ntun_routes) == -1)
		goto out;
	rc = 0;
out:
	close(nl.fd);
	return rc;
}
