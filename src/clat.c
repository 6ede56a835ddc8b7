/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CLAT mode (RFC 6877 6.3): the CLAT's dedicated IPv6 address, its
 * reachability through the TUN (route, proxy NDP), the IPv4 default
 * route, and their removal at exit.  Raw rtnetlink, as netlink.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "clat.h"
#include "config.h"
#include "log.h"

#define NL_BUFSZ	32768
#define CLAT_METRIC	2048	/* below a native IPv4 default route */
#define CLAT_MAX_TRIES	16	/* interface identifier collisions */
#define MAX_ADDRS	64
#define SYSCTL_MAX	8

struct sysctl_saved {
	char	path[96];
	char	old[16];
};

/* What clat_setup added, for clat_teardown (one CLAT per process). */
static struct {
	bool			active;
	unsigned		tun, uplink;
	struct in6_addr		a6;
	bool			route6, neigh, route4;
	struct sysctl_saved	sysctl[SYSCTL_MAX];
	size_t			nsysctl;
} st;

struct nlreq {
	struct nlmsghdr	nh;
	union {
		struct ifaddrmsg ifa;
		struct rtmsg	 rtm;
		struct ndmsg	 ndm;
	} u;
	char		attrs[128];
};

static void
rq_init(struct nlreq *r, uint16_t type, uint16_t flags, size_t hdrlen)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = (uint32_t)NLMSG_LENGTH(hdrlen);
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | flags;
}

static void
rq_attr(struct nlreq *r, unsigned short type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->nh.nlmsg_len);
	struct rtattr *rta = (struct rtattr *)((char *)r + off);

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = (uint32_t)(off + RTA_ALIGN(rta->rta_len));
}

static int
nl_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		log_warn("clat: netlink socket");
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* One request and its ACK: 0 or a positive errno. */
static int
nl_do(struct nlreq *r)
{
	char buf[4096];
	struct nlmsghdr *h;
	ssize_t n;
	int fd, err = EPROTO;

	if ((fd = nl_socket()) == -1)
		return errno ? errno : EIO;
	r->nh.nlmsg_flags |= NLM_F_ACK;
	r->nh.nlmsg_seq = 1;
	if (send(fd, r, r->nh.nlmsg_len, 0) == -1)
		err = errno;
	else if ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		h = (struct nlmsghdr *)buf;
		if (NLMSG_OK(h, (size_t)n) && h->nlmsg_type == NLMSG_ERROR &&
		    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr)))
			err = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
	} else
		err = n == 0 ? EPROTO : errno;
	close(fd);
	return err;
}

/* ---- the uplink's addresses ------------------------------------------ */

struct uplink_addrs {
	struct in6_addr	a[MAX_ADDRS];
	size_t		n;
	int		global64;	/* index of the first global /64, -1 */
};

static void
addr_msg(struct nlmsghdr *h, unsigned ifindex, struct uplink_addrs *u)
{
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	int len = (int)IFA_PAYLOAD(h);
	struct rtattr *rta = IFA_RTA(ifa);
	uint32_t flags = ifa->ifa_flags;
	const void *addr = NULL;

	if (h->nlmsg_type != RTM_NEWADDR || ifa->ifa_family != AF_INET6 ||
	    ifa->ifa_index != ifindex || u->n == MAX_ADDRS)
		return;
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFA_ADDRESS && addr == NULL)
			addr = RTA_DATA(rta);
		else if (rta->rta_type == IFA_LOCAL)
			addr = RTA_DATA(rta);
		else if (rta->rta_type == IFA_FLAGS)
			memcpy(&flags, RTA_DATA(rta), sizeof(flags));
	}
	if (addr == NULL)
		return;
	memcpy(&u->a[u->n], addr, sizeof(u->a[0]));
	if (u->global64 < 0 && ifa->ifa_scope == RT_SCOPE_UNIVERSE &&
	    ifa->ifa_prefixlen == 64 && !(flags & (IFA_F_TEMPORARY |
	    IFA_F_DEPRECATED | IFA_F_TENTATIVE | IFA_F_DADFAILED)))
		u->global64 = (int)u->n;
	u->n++;
}

/* RTM_GETADDR dump, the uplink's IPv6 addresses.  0 or -1. */
static int
uplink_addrs(unsigned ifindex, struct uplink_addrs *u)
{
	static char buf[NL_BUFSZ];
	struct nlreq r;
	struct nlmsghdr *h;
	ssize_t n;
	int fd, rc = -1;

	u->n = 0;
	u->global64 = -1;
	if ((fd = nl_socket()) == -1)
		return -1;
	rq_init(&r, RTM_GETADDR, NLM_F_DUMP, sizeof(r.u.ifa));
	r.u.ifa.ifa_family = AF_INET6;
	r.nh.nlmsg_seq = 1;
	if (send(fd, &r, r.nh.nlmsg_len, 0) == -1)
		goto out;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		    h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				rc = 0;
				goto out;
			}
			if (h->nlmsg_type == NLMSG_ERROR)
				goto out;
			addr_msg(h, ifindex, u);
		}
	}
out:
	if (rc == -1)
		log_warn("clat: reading the uplink's addresses");
	close(fd);
	return rc;
}

/* ---- clat-ipv6 = auto ------------------------------------------------ */

static uint64_t
fnv1a(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * RFC 7217 5: F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret).
 * The TUN name stands in for the secret (so two CLATs on one uplink
 * differ) and the uplink's MAC for Net_Iface: stable across restarts,
 * different per network.
 */
void
clat_make_addr(const uint8_t prefix64[8], const char *tun, const uint8_t *hw,
    size_t hwlen, unsigned counter, struct in6_addr *out)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv1a(h, prefix64, 8);
	h = fnv1a(h, tun, strlen(tun) + 1);
	h = fnv1a(h, hw, hwlen);
	h = fnv1a(h, &counter, sizeof(counter));
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	memcpy(out->s6_addr, prefix64, 8);
	for (int i = 0; i < 8; i++)
		out->s6_addr[8 + i] = (uint8_t)(h >> (56 - 8 * i));
}

/* RFC 5453 reserved identifiers: zero, and the subnet anycast range
 * fdff:ffff:ffff:ff80/121. */
static bool
iid_reserved(const struct in6_addr *a)
{
	static const uint8_t anycast[7] = {
		0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	static const uint8_t zero[8];

	if (memcmp(a->s6_addr + 8, zero, 8) == 0)
		return true;
	return memcmp(a->s6_addr + 8, anycast, 7) == 0 &&
	    (a->s6_addr[15] & 0x80);
}

static size_t
uplink_hw(const char *ifname, unsigned ifindex, uint8_t *hw)
{
	struct ifreq ifr;
	int fd;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd != -1 && ioctl(fd, SIOCGIFHWADDR, &ifr) == 0 &&
	    ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER) {
		close(fd);
		memcpy(hw, ifr.ifr_hwaddr.sa_data, 6);
		return 6;
	}
	if (fd != -1)
		close(fd);
	memcpy(hw, &ifindex, sizeof(ifindex));
	return sizeof(ifindex);
}

static int
auto_addr(const struct config *c, unsigned uplink, struct in6_addr *out)
{
	struct uplink_addrs u;
	uint8_t hw[8];
	size_t hwlen, i;
	unsigned k;

	if (uplink_addrs(uplink, &u) == -1)
		return -1;
	if (u.global64 < 0) {
		log_warnx("clat-ipv6 auto: clat-uplink %s has no global /64 "
		    "IPv6 address", c->clat.uplink);
		return -1;
	}
	hwlen = uplink_hw(c->clat.uplink, uplink, hw);
	for (k = 0; k < CLAT_MAX_TRIES; k++) {
		clat_make_addr(u.a[u.global64].s6_addr, c->tun_device, hw,
		    hwlen, k, out);
		for (i = 0; i < u.n; i++)
			if (memcmp(&u.a[i], out, sizeof(*out)) == 0)
				break;
		if (i == u.n && !iid_reserved(out))
			return 0;
	}
	log_warnx("clat-ipv6 auto: no free address on %s", c->clat.uplink);
	return -1;
}

static int
add_clat_map(struct config *c)
{
	struct config_map *n, *cm;

	n = reallocarray(c->maps, c->nmaps + 1, sizeof(*n));
	if (n == NULL) {
		log_warnx("clat: out of memory");
		return -1;
	}
	c->maps = n;
	cm = &n[c->nmaps++];
	memset(cm, 0, sizeof(*cm));
	cm->eam.p4 = c->clat.ipv4;
	cm->eam.len4 = 32;
	cm->eam.p6 = c->clat.ipv6;
	cm->eam.len6 = 128;
	cm->origin = MAP_ORIGIN_CLAT;
	snprintf(cm->file, sizeof(cm->file), "%s", c->path);
	return 0;
}

/* ---- reachability ----------------------------------------------------- */

static int
sysctl_set(const char *dev, const char *name, const char *val,
    const char *only_if)
{
	struct sysctl_saved *s = &st.sysctl[st.nsysctl];
	char cur[16] = "";
	ssize_t n;
	int fd;

	if (st.nsysctl == SYSCTL_MAX)
		return -1;
	snprintf(s->path, sizeof(s->path), "/proc/sys/net/ipv6/conf/%s/%s",
	    dev, name);
	if ((fd = open(s->path, O_RDWR | O_CLOEXEC)) == -1) {
		log_warn("clat: %s", s->path);
		return -1;
	}
	n = read(fd, cur, sizeof(cur) - 1);
	cur[n > 0 ? n : 0] = '\0';
	cur[strcspn(cur, "\n")] = '\0';
	if (strcmp(cur, val) == 0 || (only_if && strcmp(cur, only_if) != 0)) {
		close(fd);
		return 0;
	}
	if (pwrite(fd, val, strlen(val), 0) != (ssize_t)strlen(val)) {
		log_warn("clat: %s = %s", s->path, val);
		close(fd);
		return -1;
	}
	close(fd);
	log_info("clat: sysctl net.ipv6.conf.%s.%s = %s (was %s)", dev, name,
	    val, cur);
	snprintf(s->old, sizeof(s->old), "%s", cur);
	if (st.nsysctl < SYSCTL_MAX)
		st.nsysctl++;
	return 0;
}

static int
route(uint16_t type, int af, const void *dst, uint8_t len, unsigned oif,
    uint32_t metric)
{
	struct nlreq r;

	rq_init(&r, type, type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL :
	    0, sizeof(r.u.rtm));
	r.u.rtm.rtm_family = (uint8_t)af;
	r.u.rtm.rtm_dst_len = len;
	r.u.rtm.rtm_table = RT_TABLE_MAIN;
	r.u.rtm.rtm_protocol = RTPROT_STATIC;
	r.u.rtm.rtm_scope = RT_SCOPE_LINK;
	r.u.rtm.rtm_type = RTN_UNICAST;
	if (len > 0)
		rq_attr(&r, RTA_DST, dst, af == AF_INET ? 4 : 16);
	rq_attr(&r, RTA_OIF, &oif, sizeof(oif));
	if (metric)
		rq_attr(&r, RTA_PRIORITY, &metric, sizeof(metric));
	return nl_do(&r);
}

static int
proxy_neigh(uint16_t type, unsigned ifindex, const struct in6_addr *a)
{
	struct nlreq r;

	rq_init(&r, type, type == RTM_NEWNEIGH ? NLM_F_CREATE | NLM_F_REPLACE :
	    0, sizeof(r.u.ndm));
	r.u.ndm.ndm_family = AF_INET6;
	r.u.ndm.ndm_ifindex = (int)ifindex;
	r.u.ndm.ndm_flags = NTF_PROXY;
	r.u.ndm.ndm_state = NUD_PERMANENT;
	rq_attr(&r, NDA_DST, a, sizeof(*a));
	return nl_do(&r);
}

/* RFC 4861 7.2.8 proxy answers need forwarding on the uplink (the
 * kernel answers only as a router) and proxy_ndp; forwarding turns RAs
 * off unless accept_ra is 2. */
static int
proxy_ndp(const struct config *c)
{
	const char *up = c->clat.uplink;
	int err;

	if (sysctl_set(up, "accept_ra", "2", "1") == -1 ||
	    sysctl_set("all", "forwarding", "1", NULL) == -1 ||
	    sysctl_set(up, "forwarding", "1", NULL) == -1 ||
	    sysctl_set(up, "proxy_ndp", "1", NULL) == -1)
		return -1;
	if ((err = proxy_neigh(RTM_NEWNEIGH, st.uplink, &st.a6)) != 0) {
		log_warnx("clat-reach proxy-ndp: neighbour proxy on %s: %s",
		    up, strerror(err));
		return -1;
	}
	st.neigh = true;
	return 0;
}

static int
reach(const struct config *c)
{
	char s[INET6_ADDRSTRLEN];
	int err;

	inet_ntop(AF_INET6, &st.a6, s, sizeof(s));
	if (c->clat.reach != CLAT_REACH_NONE) {
		err = route(RTM_NEWROUTE, AF_INET6, &st.a6, 128, st.tun, 0);
		if (err != 0 && err != EEXIST) {
			log_warnx("clat-reach: route %s/128: %s", s,
			    strerror(err));
			return -1;
		}
		st.route6 = err == 0;
	}
	if (c->clat.reach == CLAT_REACH_PROXY_NDP && proxy_ndp(c) == -1)
		return -1;
	if (c->clat.default_route) {
		err = route(RTM_NEWROUTE, AF_INET, NULL, 0, st.tun,
		    CLAT_METRIC);
		if (err != 0 && err != EEXIST) {
			log_warnx("clat-default-route: %s", strerror(err));
			return -1;
		}
		st.route4 = err == 0;
	}
	return 0;
}

int
clat_setup(struct config *c, unsigned tun_ifindex)
{
	static const char *how[] = { "proxy-ndp", "route", "none" };
	char s6[INET6_ADDRSTRLEN], s4[INET_ADDRSTRLEN];

	if (!c->clat.enabled)
		return 0;
	memset(&st, 0, sizeof(st));
	st.tun = tun_ifindex;
	if ((st.uplink = if_nametoindex(c->clat.uplink)) == 0) {
		log_warn("clat-uplink %s", c->clat.uplink);
		return -1;
	}
	if (c->clat.ipv6_auto) {
		if (auto_addr(c, st.uplink, &c->clat.ipv6) == -1 ||
		    add_clat_map(c) == -1)
			return -1;
	}
	st.a6 = c->clat.ipv6;
	st.active = true;
	inet_ntop(AF_INET6, &st.a6, s6, sizeof(s6));
	inet_ntop(AF_INET, &c->clat.ipv4, s4, sizeof(s4));
	log_info("CLAT: %s <-> %s%s, uplink %s, clat-reach %s", s4, s6,
	    c->clat.ipv6_auto ? " (auto)" : "", c->clat.uplink,
	    how[c->clat.reach]);
	return reach(c);
}

int
clat_reload(const struct config *o, struct config *n)
{
	if (!n->clat.enabled)
		return 0;
	if (!o->clat.enabled || strcmp(o->clat.uplink, n->clat.uplink) != 0 ||
	    o->clat.reach != n->clat.reach ||
	    o->clat.default_route != n->clat.default_route ||
	    (!n->clat.ipv6_auto &&
	    memcmp(&o->clat.ipv6, &n->clat.ipv6, 16) != 0))
		log_warnx("reload: changes to clat-* take effect only after "
		    "a restart");
	if (!n->clat.ipv6_auto || !o->clat.enabled)
		return 0;
	n->clat.ipv6 = o->clat.ipv6;
	return add_clat_map(n);
}

void
clat_teardown(void)
{
	int err;

	if (!st.active)
		return;
	st.active = false;
	if (st.route4 && (err = route(RTM_DELROUTE, AF_INET, NULL, 0, st.tun,
	    CLAT_METRIC)) != 0 && err != ESRCH && err != ENODEV)
		log_warnx("clat: removing the IPv4 default route: %s",
		    strerror(err));
	if (st.route6 && (err = route(RTM_DELROUTE, AF_INET6, &st.a6, 128,
	    st.tun, 0)) != 0 && err != ESRCH && err != ENODEV)
		log_warnx("clat: removing the /128 route: %s", strerror(err));
	if (st.neigh && (err = proxy_neigh(RTM_DELNEIGH, st.uplink,
	    &st.a6)) != 0 && err != ENOENT)
		log_warnx("clat: removing the neighbour proxy: %s",
		    strerror(err));
	/* Reverse order: all.forwarding before the uplink's own. */
	while (st.nsysctl > 0) {
		struct sysctl_saved *s = &st.sysctl[--st.nsysctl];
		int fd = open(s->path, O_WRONLY | O_CLOEXEC);

		if (fd == -1 || write(fd, s->old, strlen(s->old)) == -1)
			log_warn("clat: restoring %s", s->path);
		if (fd != -1)
			close(fd);
	}
	log_info("CLAT: routes, neighbour proxy and sysctls removed");
}
