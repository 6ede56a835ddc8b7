/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAT64 prefix discovery: RFC 8781 PREF64 router-advertisement option,
 * RFC 7050 DNS64 discovery (AAAA ipv4only.arpa), a configured fallback.
 * See discover.h for how a poll loop drives it.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "addr.h"
#include "discover.h"
#include "log.h"

#ifndef ND_OPT_PREF64
#define ND_OPT_PREF64		38	/* RFC 8781 4 */
#endif

#define DNS_PORT		53
#define DNS_HDR_LEN		12
#define DNS_NAME_MAX		255	/* RFC 1035 3.1, wire form */
#define DNS_PTR_HOPS		32
#define DNS_MSG_MAX		1232	/* what we read; TC beyond */
#define DNS_T_CNAME		5
#define DNS_T_SOA		6
#define DNS_T_AAAA		28
#define DNS_C_IN		1
#define DNS_F_QR		0x8000
#define DNS_F_OPCODE		0x7800
#define DNS_F_TC		0x0200
#define DNS_F_RD		0x0100
#define DNS_F_RCODE		0x000f
#define DNS_R_NOERROR		0
#define DNS_R_NXDOMAIN		3
#define DNS_MAX_AAAA		16
#define DNS_MAX_CNAME		8

#define RESOLV_TIMEOUT_S	5	/* libc defaults (resolv.conf(5)) */
#define RESOLV_ATTEMPTS		2
#define RESOLV_TIMEOUT_MAX	30
#define RESOLV_ATTEMPTS_MAX	5
#define RESOLV_FILE_MAX		65536

#define RA_MAX_ENTRIES		8
#define RA_HOPLIMIT		255	/* RFC 4861 6.1.2 */
#define RS_MAX			3	/* RFC 4861 10: MAX_RTR_SOLICITATIONS */
#define RS_INTERVAL_MS		4000	/* RTR_SOLICITATION_INTERVAL */

static const uint8_t ipv4only_arpa[] = "\x08ipv4only\x04" "arpa";

/* RFC 7050 2.2: the well-known IPv4 addresses 192.0.0.170, .171. */
#define WKA_170			0xc00000aaU
#define WKA_171			0xc00000abU

/* RFC 6052 2.2: where the 4 IPv4 octets sit for each prefix length
 * (octet 8, bits 64-71, is the u-octet and never holds them). */
static const struct {
	uint8_t	len;
	uint8_t	at[4];
} rfc6052_pos[] = {
	{ 32, { 4, 5, 6, 7 } },
	{ 40, { 5, 6, 7, 9 } },
	{ 48, { 6, 7, 9, 10 } },
	{ 56, { 7, 9, 10, 11 } },
	{ 64, { 9, 10, 11, 12 } },
	{ 96, { 12, 13, 14, 15 } },
};
#define NPOS	(sizeof(rfc6052_pos) / sizeof(rfc6052_pos[0]))

/* RFC 8781 4: Prefix Length Code -> prefix length; others invalid. */
static const uint8_t pref64_plc[] = { 96, 64, 56, 48, 40, 32 };

struct ra_entry {
	struct in6_addr		router;
	struct discover_prefix	pfx;
	uint64_t		expiry_ms;
};

struct discover {
	struct discover_params	p;
	char			resolv_path[PATH_MAX];

	/* RFC 7050 */
	struct discover_resolv	rc;
	bool			resolv_failed;	/* warned already */
	int			dns_fd;		/* -1 unless a query is out */
	uint16_t		dns_id;
	unsigned		dns_sent;	/* sends in this transaction */
	uint64_t		dns_deadline;
	uint64_t		dns_next;	/* next transaction when idle */
	unsigned		dns_backoff_s;
	struct discover_prefix	dns_pfx[DISCOVER_MAX_PREFIXES];
	size_t			dns_npfx;
	char			dns_from[INET6_ADDRSTRLEN];

	/* RFC 8781 */
	int			ra_fd;
	unsigned		ra_ifindex;
	struct ra_entry		ra[RA_MAX_ENTRIES];
	size_t			nra;
	unsigned		rs_sent;
	uint64_t		rs_next;
	bool			ra_seen;

	/* the decision */
	bool			have;
	struct discover_prefix	cur;
	enum discover_source	cur_src;
	uint64_t		gen;
};

/* ---- bounds-checked reader ------------------------------------------- */

struct rd {
	const uint8_t	*p;
	size_t		 len;
	size_t		 off;
	bool		 err;
};

static bool
rd_need(struct rd *r, size_t n)
{
	if (r->err || r->len - r->off < n) {
		r->err = true;
		return false;
	}
	return true;
}

static uint16_t
rd16(struct rd *r)
{
	uint16_t v;

	if (!rd_need(r, 2))
		return 0;
	v = (uint16_t)(r->p[r->off] << 8 | r->p[r->off + 1]);
	r->off += 2;
	return v;
}

static uint32_t
rd32(struct rd *r)
{
	uint32_t hi = rd16(r);

	return hi << 16 | rd16(r);
}

/*
 * A domain name at r->off into out (wire form, lowercased), r->off past
 * it.  RFC 1035 4.1.4 pointers must point backwards and stay out of the
 * header; the hop count and the 255-octet limit end any loop.
 */
static bool
rd_name(struct rd *r, uint8_t out[DNS_NAME_MAX], size_t *outlen)
{
	size_t off = r->off, n = 0, ptr, i;
	unsigned hops = 0;
	bool jumped = false;
	uint8_t c;

	for (;;) {
		if (r->err || off >= r->len)
			return r->err = true, false;
		c = r->p[off];
		if ((c & 0xc0) == 0xc0) {
			if (off + 1 >= r->len)
				return r->err = true, false;
			ptr = (size_t)(c & 0x3f) << 8 | r->p[off + 1];
			if (!jumped)
				r->off = off + 2;
			if (ptr >= off || ptr < DNS_HDR_LEN || ++hops > DNS_PTR_HOPS)
				return r->err = true, false;
			jumped = true;
			off = ptr;
			continue;
		}
		if (c & 0xc0)		/* RFC 6891 extended label types */
			return r->err = true, false;
		if (n + 1 + c > DNS_NAME_MAX || r->len - off - 1 < c)
			return r->err = true, false;
		out[n++] = c;
		for (i = 0; i < c; i++)
			out[n++] = (uint8_t)tolower(r->p[off + 1 + i]);
		off += 1 + (size_t)c;
		if (c == 0)
			break;
	}
	if (!jumped)
		r->off = off;
	*outlen = n;
	return true;
}

static bool
name_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

/* ---- resolv.conf ------------------------------------------------------ */

static bool
resolv_addr(const char *s, uint16_t port, struct discover_ns *ns)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ns->ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ns->ss;
	char buf[INET6_ADDRSTRLEN + IFNAMSIZ + 2], *pct, *end;
	unsigned long idx;

	memset(ns, 0, sizeof(*ns));
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	if (inet_pton(AF_INET, buf, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		ns->sslen = sizeof(*s4);
		return true;
	}
	if ((pct = strchr(buf, '%')) != NULL)
		*pct++ = '\0';
	if (inet_pton(AF_INET6, buf, &s6->sin6_addr) != 1)
		return false;
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	if (pct != NULL) {
		errno = 0;
		idx = strtoul(pct, &end, 10);
		if (*pct == '\0' || *end != '\0' || errno || idx > UINT32_MAX)
			idx = if_nametoindex(pct);
		if (idx == 0)
			return false;
		s6->sin6_scope_id = (uint32_t)idx;
	}
	ns->sslen = sizeof(*s6);
	return true;
}

/* options timeout:N attempts:N; the rest is the libc resolver's. */
static void
resolv_option(const char *opt, struct discover_resolv *r)
{
	unsigned long v;
	char *end;

	if (strncmp(opt, "timeout:", 8) == 0) {
		errno = 0;
		v = strtoul(opt + 8, &end, 10);
		if (opt[8] != '\0' && *end == '\0' && errno == 0)
			r->timeout_s = v < 1 ? 1 :
			    v > RESOLV_TIMEOUT_MAX ? RESOLV_TIMEOUT_MAX : (unsigned)v;
	} else if (strncmp(opt, "attempts:", 9) == 0) {
		errno = 0;
		v = strtoul(opt + 9, &end, 10);
		if (opt[9] != '\0' && *end == '\0' && errno == 0)
			r->attempts = v < 1 ? 1 :
			    v > RESOLV_ATTEMPTS_MAX ? RESOLV_ATTEMPTS_MAX : (unsigned)v;
	}
}

static void
resolv_line(char *line, uint16_t port, struct discover_resolv *r)
{
	const char *sep = " \t\r";
	char *save, *kw, *arg;

	line[strcspn(line, "#;")] = '\0';	/* resolv.conf(5) comments */
	if ((kw = strtok_r(line, sep, &save)) == NULL)
		return;
	if (strcmp(kw, "nameserver") == 0) {
		arg = strtok_r(NULL, sep, &save);
		if (arg != NULL && r->nns < DISCOVER_MAX_NS &&
		    resolv_addr(arg, port, &r->ns[r->nns]))
			r->nns++;
	} else if (strcmp(kw, "options") == 0) {
		while ((arg = strtok_r(NULL, sep, &save)) != NULL)
			resolv_option(arg, r);
	}
}

size_t
discover_resolv_parse(const char *text, uint16_t port,
    struct discover_resolv *r)
{
	char line[1024];
	const char *nl;
	size_t n;

	memset(r, 0, sizeof(*r));
	r->timeout_s = RESOLV_TIMEOUT_S;
	r->attempts = RESOLV_ATTEMPTS;
	while (*text != '\0') {
		nl = strchr(text, '\n');
		n = nl != NULL ? (size_t)(nl - text) : strlen(text);
		if (n < sizeof(line)) {		/* longer lines: not ours */
			memcpy(line, text, n);
			line[n] = '\0';
			resolv_line(line, port, r);
		}
		text += n + (nl != NULL);
	}
	return r->nns;
}

static bool
resolv_read(const char *path, uint16_t port, struct discover_resolv *r)
{
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	if ((buf = malloc(RESOLV_FILE_MAX + 1)) == NULL) {
		close(fd);
		return false;
	}
	while (got < RESOLV_FILE_MAX &&
	    (n = read(fd, buf + got, RESOLV_FILE_MAX - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	discover_resolv_parse(buf, port, r);
	free(buf);
	return true;
}

/* ---- RFC 7050 query and reply ----------------------------------------- */

size_t
discover_dns_query(uint8_t *buf, size_t len, uint16_t id)
{
	size_t qlen = DNS_HDR_LEN + sizeof(ipv4only_arpa) + 4;

	if (len < qlen)
		return 0;
	memset(buf, 0, DNS_HDR_LEN);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = DNS_F_RD >> 8;
	buf[5] = 1;					/* QDCOUNT */
	memcpy(buf + DNS_HDR_LEN, ipv4only_arpa, sizeof(ipv4only_arpa));
	buf[qlen - 4] = 0;
	buf[qlen - 3] = DNS_T_AAAA;
	buf[qlen - 2] = 0;
	buf[qlen - 1] = DNS_C_IN;
	return qlen;
}

static uint32_t
wka_at(const struct in6_addr *a, size_t pos)
{
	const uint8_t *b = a->s6_addr, *at = rfc6052_pos[pos].at;
	uint32_t v = (uint32_t)b[at[0]] << 24 | (uint32_t)b[at[1]] << 16 |
	    (uint32_t)b[at[2]] << 8 | b[at[3]];

	return v == WKA_170 || v == WKA_171 ? v : 0;
}

static void
prefix_of(const struct in6_addr *a, size_t pos, struct discover_prefix *p)
{
	uint8_t len = rfc6052_pos[pos].len;

	memset(p, 0, sizeof(*p));
	memcpy(p->addr.s6_addr, a->s6_addr, len / 8);
	p->len = len;
}

static bool
prefix_eq(const struct discover_prefix *a, const struct discover_prefix *b)
{
	return a->len == b->len && memcmp(&a->addr, &b->addr, 16) == 0;
}

/*
 * RFC 7050 3: a prefix whose own bits happen to contain a WKA shows it at
 * more than one position.  The true position is the one where another
 * AAAA of the answer carries the other WKA under the same prefix: there
 * the embedded address differs, in the prefix bits it cannot.  With only
 * one WKA in the answer the record is ambiguous and not used.
 */
static bool
extract_one(const struct in6_addr *aaaa, size_t n, size_t i,
    struct discover_prefix *out)
{
	struct discover_prefix p, q;
	size_t pos, j, hits = 0, found = 0;
	uint32_t w;

	for (pos = 0; pos < NPOS; pos++) {
		if (wka_at(&aaaa[i], pos) == 0)
			continue;
		hits++;
		prefix_of(&aaaa[i], pos, &p);
		if (hits == 1)
			*out = p;
	}
	if (hits <= 1)
		return hits == 1;
	for (pos = 0; pos < NPOS; pos++) {
		if ((w = wka_at(&aaaa[i], pos)) == 0)
			continue;
		prefix_of(&aaaa[i], pos, &p);
		for (j = 0; j < n; j++) {
			if (j == i || wka_at(&aaaa[j], pos) == 0 ||
			    wka_at(&aaaa[j], pos) == w)
				continue;
			prefix_of(&aaaa[j], pos, &q);
			if (prefix_eq(&p, &q)) {
				*out = p;
				found++;
				break;
			}
		}
	}
	return found == 1;
}

size_t
discover_extract(const struct in6_addr *aaaa, size_t n,
    struct discover_prefix *out, size_t max)
{
	struct discover_prefix p;
	size_t i, k, nout = 0;

	for (i = 0; i < n && nout < max; i++) {
		if (!extract_one(aaaa, n, i, &p))
			continue;
		if (addr6_is_invalid(&p.addr))
			continue;	/* ::/8, fe80::/10, ff00::/8 */
		for (k = 0; k < nout; k++)
			if (prefix_eq(&out[k], &p))
				break;
		if (k == nout)
			out[nout++] = p;
	}
	return nout;
}

struct dns_rr {
	uint8_t		owner[DNS_NAME_MAX];
	size_t		ownerlen;
	uint16_t	type;
	uint32_t	ttl;
	uint8_t		target[DNS_NAME_MAX];	/* CNAME */
	size_t		targetlen;
	struct in6_addr	a6;			/* AAAA */
};

struct dns_answer {
	struct dns_rr	cname[DNS_MAX_CNAME];
	size_t		ncname;
	struct dns_rr	aaaa[DNS_MAX_AAAA];
	size_t		naaaa;
	uint32_t	neg_ttl;		/* from an authority SOA */
	bool		has_soa;
};

/* RFC 2181 8: a TTL with the top bit set is zero. */
static uint32_t
ttl_fix(uint32_t t)
{
	return t & 0x80000000U ? 0 : t;
}

/* One RR; answer RRs of the kinds we follow are kept in a. */
static bool
parse_rr(struct rd *r, bool in_answer, struct dns_answer *a)
{
	struct dns_rr rr;
	uint16_t cls, rdlen;
	size_t end;
	struct rd sub;
	uint32_t min;

	if (!rd_name(r, rr.owner, &rr.ownerlen))
		return false;
	rr.type = rd16(r);
	cls = rd16(r);
	rr.ttl = ttl_fix(rd32(r));
	rdlen = rd16(r);
	if (!rd_need(r, rdlen))
		return false;
	end = r->off + rdlen;
	if (rr.type == DNS_T_AAAA && cls == DNS_C_IN) {
		if (rdlen != sizeof(rr.a6))
			return false;
		memcpy(&rr.a6, r->p + r->off, sizeof(rr.a6));
		if (in_answer && a->naaaa < DNS_MAX_AAAA)
			a->aaaa[a->naaaa++] = rr;
	} else if (rr.type == DNS_T_CNAME && cls == DNS_C_IN) {
		sub = *r;
		sub.len = end;		/* the name must fit the RDATA */
		if (!rd_name(&sub, rr.target, &rr.targetlen) || sub.off != end)
			return false;
		if (in_answer && a->ncname < DNS_MAX_CNAME)
			a->cname[a->ncname++] = rr;
	} else if (rr.type == DNS_T_SOA && !in_answer && rdlen >= 22) {
		/* RFC 2308 5: negative TTL = min(SOA TTL, SOA MINIMUM) */
		sub = *r;
		sub.off = end - 4;
		min = ttl_fix(rd32(&sub));
		a->neg_ttl = rr.ttl < min ? rr.ttl : min;
		a->has_soa = true;
	}
	r->off = end;
	return true;
}

static bool
parse_question(struct rd *r)
{
	uint8_t name[DNS_NAME_MAX];
	size_t len;

	if (!rd_name(r, name, &len))
		return false;
	if (!name_eq(name, len, ipv4only_arpa, sizeof(ipv4only_arpa)))
		return false;
	return rd16(r) == DNS_T_AAAA && rd16(r) == DNS_C_IN && !r->err;
}

/* Follow the CNAME chain from ipv4only.arpa (any order, bounded). */
static size_t
chain_aaaa(const struct dns_answer *a, struct in6_addr *out, uint32_t *ttl)
{
	const uint8_t *t = ipv4only_arpa;
	size_t tlen = sizeof(ipv4only_arpa), i, hops, n = 0;

	*ttl = UINT32_MAX;
	for (hops = 0; hops < DNS_MAX_CNAME; hops++) {
		for (i = 0; i < a->ncname; i++)
			if (name_eq(a->cname[i].owner, a->cname[i].ownerlen, t, tlen))
				break;
		if (i == a->ncname)
			break;
		if (a->cname[i].ttl < *ttl)
			*ttl = a->cname[i].ttl;
		t = a->cname[i].target;
		tlen = a->cname[i].targetlen;
	}
	for (i = 0; i < a->naaaa; i++) {
		if (!name_eq(a->aaaa[i].owner, a->aaaa[i].ownerlen, t, tlen))
			continue;
		out[n++] = a->aaaa[i].a6;
		if (a->aaaa[i].ttl < *ttl)
			*ttl = a->aaaa[i].ttl;
	}
	return n;
}

enum discover_dns_status
discover_dns_parse(const uint8_t *msg, size_t len, uint16_t id,
    struct discover_dns_result *res)
{
	struct rd r = { .p = msg, .len = len };
	struct dns_answer *a;
	struct in6_addr aaaa[DNS_MAX_AAAA];
	uint16_t flags, qd, an, ns, ar, i;
	size_t naaaa;
	uint32_t ttl;
	enum discover_dns_status st = DISCOVER_DNS_MALFORMED;

	memset(res, 0, sizeof(*res));
	if (len < DNS_HDR_LEN || rd16(&r) != id)
		return DISCOVER_DNS_MALFORMED;
	flags = rd16(&r);
	qd = rd16(&r);
	an = rd16(&r);
	ns = rd16(&r);
	ar = rd16(&r);
	if (!(flags & DNS_F_QR) || (flags & DNS_F_OPCODE) || qd != 1 ||
	    !parse_question(&r))
		return DISCOVER_DNS_MALFORMED;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return DISCOVER_DNS_SERVFAIL;
	for (i = 0; i < an; i++)
		if (!parse_rr(&r, true, a))
			goto out;
	for (i = 0; i < ns + ar; i++)
		if (!parse_rr(&r, false, a))
			goto out;
	if ((flags & DNS_F_TC) || ((flags & DNS_F_RCODE) != DNS_R_NOERROR &&
	    (flags & DNS_F_RCODE) != DNS_R_NXDOMAIN)) {
		st = DISCOVER_DNS_SERVFAIL;	/* we do not fall back to TCP */
		goto out;
	}
	res->ttl = a->has_soa ? a->neg_ttl : UINT32_MAX;
	st = DISCOVER_DNS_NEGATIVE;
	if ((flags & DNS_F_RCODE) == DNS_R_NXDOMAIN)
		goto out;
	naaaa = chain_aaaa(a, aaaa, &ttl);
	res->npfx = discover_extract(aaaa, naaaa, res->pfx,
	    DISCOVER_MAX_PREFIXES);
	if (res->npfx > 0) {
		res->ttl = ttl;
		st = DISCOVER_DNS_ANSWER;
	}
out:
	free(a);
	return st;
}

/* ---- RFC 8781 router advertisements ----------------------------------- */

static int
pref64_option(const uint8_t *o, size_t olen, struct discover_pref64 *p)
{
	uint16_t w;
	uint8_t plc, plen;

	/* RFC 8781 4: Length 1 is ignored; longer: use the first 16 octets. */
	if (olen < 16)
		return 0;
	w = (uint16_t)(o[2] << 8 | o[3]);
	plc = w & 0x7;
	if (plc >= sizeof(pref64_plc))
		return 0;
	plen = pref64_plc[plc];
	memset(p, 0, sizeof(*p));
	memcpy(p->pfx.addr.s6_addr, o + 4, plen / 8);
	p->pfx.len = plen;
	p->lifetime_s = (uint32_t)(w >> 3) * 8;
	return addr6_is_invalid(&p->pfx.addr) ? 0 : 1;
}

int
discover_ra_parse(const uint8_t *icmp, size_t len,
    struct discover_pref64 *out, size_t max)
{
	size_t off = sizeof(struct nd_router_advert), olen;
	int n = 0;

	if (len < off || icmp[0] != ND_ROUTER_ADVERT || icmp[1] != 0)
		return -1;
	while (off < len) {
		/* RFC 4861 4.6, 6.1.2: a zero or overlong option voids the RA */
		if (len - off < 2 || icmp[off + 1] == 0)
			return -1;
		olen = (size_t)icmp[off + 1] * 8;
		if (olen > len - off)
			return -1;
		if (icmp[off] == ND_OPT_PREF64 && (size_t)n < max)
			n += pref64_option(icmp + off, olen, &out[n]);
		off += olen;
	}
	return n;
}

/* ---- the decision -------------------------------------------------------- */

const char *
discover_source_name(enum discover_source src)
{
	switch (src) {
	case DISCOVER_SRC_FALLBACK:
		return "fallback";
	case DISCOVER_SRC_DNS:
		return "dns";
	case DISCOVER_SRC_RA:
		return "ra";
	case DISCOVER_SRC_NONE:
		break;
	}
	return "none";
}

static void
log_choice(const struct discover *d)
{
	char a[INET6_ADDRSTRLEN];

	if (!d->have) {
		log_info("NAT64 prefix: none (no router advertisement, DNS64 "
		    "or fallback prefix)");
		return;
	}
	inet_ntop(AF_INET6, &d->cur.addr, a, sizeof(a));
	switch (d->cur_src) {
	case DISCOVER_SRC_RA:
		log_info("NAT64 prefix %s/%u (from RFC 8781 router advertisement "
		    "on %s)", a, d->cur.len,
		    d->p.uplink[0] != '\0' ? d->p.uplink : "any interface");
		break;
	case DISCOVER_SRC_DNS:
		log_info("NAT64 prefix %s/%u (from RFC 7050 DNS64 discovery via "
		    "%s)", a, d->cur.len, d->dns_from);
		break;
	default:
		log_info("NAT64 prefix %s/%u (configured fallback)", a,
		    d->cur.len);
		break;
	}
}

/* Keep the current prefix while its source still offers it, so answer
 * order (DNS round robin, RA option order) does not make it flap. */
static const struct discover_prefix *
pick(const struct discover *d, enum discover_source *src)
{
	size_t i;

	if (d->nra > 0) {
		*src = DISCOVER_SRC_RA;
		for (i = 0; i < d->nra; i++)
			if (d->cur_src == DISCOVER_SRC_RA &&
			    prefix_eq(&d->ra[i].pfx, &d->cur))
				return &d->ra[i].pfx;
		return &d->ra[0].pfx;
	}
	if (d->dns_npfx > 0) {
		*src = DISCOVER_SRC_DNS;
		for (i = 0; i < d->dns_npfx; i++)
			if (d->cur_src == DISCOVER_SRC_DNS &&
			    prefix_eq(&d->dns_pfx[i], &d->cur))
				return &d->dns_pfx[i];
		return &d->dns_pfx[0];
	}
	*src = DISCOVER_SRC_NONE;
	return NULL;
}

/* RFC 9872: PREF64 first, then RFC 7050, then the configured prefix.
 * True if the prefix (not just its source) changed. */
static bool
decide(struct discover *d)
{
	struct discover_prefix fb, none;
	const struct discover_prefix *p;
	enum discover_source src;
	bool changed;

	p = pick(d, &src);
	if (p == NULL && d->p.has_fallback) {
		memset(&fb, 0, sizeof(fb));
		fb.addr = d->p.fallback;
		fb.len = d->p.fallback_len;
		p = &fb;
		src = DISCOVER_SRC_FALLBACK;
	}
	if (p == NULL) {
		memset(&none, 0, sizeof(none));
		p = &none;
	}
	changed = (p == &none) == d->have || !prefix_eq(p, &d->cur);
	if (!changed && src == d->cur_src)
		return false;
	d->have = p != &none;
	d->cur = *p;
	d->cur_src = src;
	if (changed)
		d->gen++;
	log_choice(d);
	return changed;
}

bool
discover_current(const struct discover *d, struct in6_addr *pfx,
    uint8_t *len, enum discover_source *src)
{
	if (src != NULL)
		*src = d->have ? d->cur_src : DISCOVER_SRC_NONE;
	if (!d->have)
		return false;
	if (pfx != NULL)
		*pfx = d->cur.addr;
	if (len != NULL)
		*len = d->cur.len;
	return true;
}

uint64_t
discover_generation(const struct discover *d)
{
	return d->gen;
}

static unsigned
clamp_ttl(const struct discover *d, uint32_t ttl)
{
	unsigned lo = d->p.ttl_min_s ? d->p.ttl_min_s : DISCOVER_TTL_MIN_S;
	unsigned hi = d->p.ttl_max_s ? d->p.ttl_max_s : DISCOVER_TTL_MAX_S;

	if (hi < lo)
		hi = lo;
	return ttl < lo ? lo : ttl > hi ? hi : (unsigned)ttl;
}

/*
 * A failure keeps the DNS prefix we had (a resolver outage must not take
 * the CLAT down) and retries with backoff; a definite negative answer
 * (NXDOMAIN, no AAAA, no WKA in them: no DNS64 here) withdraws it.
 */
bool
discover_apply_dns(struct discover *d, enum discover_dns_status st,
    const struct discover_dns_result *res, uint64_t now_ms)
{
	switch (st) {
	case DISCOVER_DNS_ANSWER:
		memcpy(d->dns_pfx, res->pfx, sizeof(d->dns_pfx));
		d->dns_npfx = res->npfx;
		d->dns_next = now_ms + clamp_ttl(d, res->ttl) * 1000ULL;
		d->dns_backoff_s = 0;
		break;
	case DISCOVER_DNS_NEGATIVE:
		if (d->dns_npfx > 0)
			log_info("NAT64 prefix discovery: no DNS64 answer for "
			    "ipv4only.arpa from %s", d->dns_from);
		d->dns_npfx = 0;
		d->dns_next = now_ms + clamp_ttl(d, res->ttl) * 1000ULL;
		d->dns_backoff_s = 0;
		break;
	default:
		if (d->dns_backoff_s == 0)
			log_warnx("NAT64 prefix discovery: no usable answer from "
			    "the nameservers in %s", d->resolv_path);
		d->dns_backoff_s = d->dns_backoff_s == 0 ?
		    DISCOVER_BACKOFF_MIN_S : d->dns_backoff_s * 2;
		if (d->dns_backoff_s > DISCOVER_BACKOFF_MAX_S)
			d->dns_backoff_s = DISCOVER_BACKOFF_MAX_S;
		d->dns_next = now_ms + d->dns_backoff_s * 1000ULL;
		log_debug("NAT64 prefix discovery: query failed, retrying in "
		    "%u s", d->dns_backoff_s);
		break;
	}
	return decide(d);
}

static void
ra_remove(struct discover *d, size_t i)
{
	memmove(&d->ra[i], &d->ra[i + 1], (d->nra - i - 1) * sizeof(d->ra[0]));
	d->nra--;
}

static void
ra_update(struct discover *d, const struct in6_addr *from,
    const struct discover_pref64 *p, uint64_t now_ms)
{
	size_t i, victim = 0;

	for (i = 0; i < d->nra; i++)
		if (memcmp(&d->ra[i].router, from, sizeof(*from)) == 0 &&
		    prefix_eq(&d->ra[i].pfx, &p->pfx))
			break;
	if (p->lifetime_s == 0) {	/* RFC 8781 4: no longer to be used */
		if (i < d->nra)
			ra_remove(d, i);
		return;
	}
	if (i == d->nra) {
		if (d->nra == RA_MAX_ENTRIES) {
			for (i = 1; i < d->nra; i++)
				if (d->ra[i].expiry_ms < d->ra[victim].expiry_ms)
					victim = i;
			ra_remove(d, victim);
		}
		i = d->nra++;
		d->ra[i].router = *from;
		d->ra[i].pfx = p->pfx;
	}
	d->ra[i].expiry_ms = now_ms + p->lifetime_s * 1000ULL;
}

bool
discover_apply_ra(struct discover *d, const struct in6_addr *from,
    const struct discover_pref64 *p, size_t n, uint64_t now_ms)
{
	size_t i;

	d->ra_seen = true;
	for (i = 0; i < n; i++)
		ra_update(d, from, &p[i], now_ms);
	return decide(d);
}

/* ---- sockets ----------------------------------------------------------- */

static uint16_t
random16(void)
{
	uint16_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint16_t)(rand() ^ getpid());
	return v;
}

static void
dns_close(struct discover *d)
{
	if (d->dns_fd != -1)
		close(d->dns_fd);
	d->dns_fd = -1;
}

static const struct discover_ns *
dns_server(const struct discover *d)
{
	return &d->rc.ns[(d->dns_sent - 1) % d->rc.nns];
}

static void
ns_string(const struct discover_ns *ns, char *buf, size_t len)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ns->ss;
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ns->ss;

	if (ns->ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &s4->sin_addr, buf, (socklen_t)len);
	else
		inet_ntop(AF_INET6, &s6->sin6_addr, buf, (socklen_t)len);
}

/* Next server in turn, each with a fresh socket (a new random port) and
 * id.  False once attempts x servers sends are used up. */
static bool
dns_send_next(struct discover *d, uint64_t now_ms)
{
	const struct discover_ns *ns;
	uint8_t q[64];
	size_t qlen;
	char a[INET6_ADDRSTRLEN];

	while (d->dns_sent < d->rc.attempts * d->rc.nns) {
		dns_close(d);
		d->dns_sent++;
		ns = dns_server(d);
		d->dns_id = random16();
		qlen = discover_dns_query(q, sizeof(q), d->dns_id);
		d->dns_fd = socket(ns->ss.ss_family,
		    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (d->dns_fd == -1) {
			log_warn("NAT64 prefix discovery: socket");
			continue;
		}
		/* connected: the kernel drops other sources and reports
		 * port unreachable as ECONNREFUSED */
		if (connect(d->dns_fd, (const struct sockaddr *)&ns->ss,
		    ns->sslen) == -1 || send(d->dns_fd, q, qlen, 0) == -1) {
			ns_string(ns, a, sizeof(a));
			log_debug("NAT64 prefix discovery: query to %s: %s", a,
			    strerror(errno));
			continue;
		}
		d->dns_deadline = now_ms + d->rc.timeout_s * 1000ULL;
		return true;
	}
	dns_close(d);
	return false;
}

/* Re-read each time (DHCPv6/RA-learnt servers change); if the file is
 * gone (a chroot, say), the last copy read stays in use. */
static void
dns_servers(struct discover *d)
{
	struct discover_resolv rc;
	uint16_t port = d->p.dns_port ? d->p.dns_port : DNS_PORT;

	if (resolv_read(d->resolv_path, port, &rc)) {
		d->rc = rc;
		d->resolv_failed = false;
	} else if (!d->resolv_failed) {
		log_warn("NAT64 prefix discovery: %s", d->resolv_path);
		d->resolv_failed = true;
	}
	if (d->rc.nns == 0)
		log_debug("NAT64 prefix discovery: no nameserver in %s",
		    d->resolv_path);
}

static bool
dns_start(struct discover *d, uint64_t now_ms)
{
	struct discover_dns_result none;

	memset(&none, 0, sizeof(none));
	d->dns_sent = 0;
	dns_servers(d);
	if (d->rc.nns == 0)
		return discover_apply_dns(d, DISCOVER_DNS_SERVFAIL, &none,
		    now_ms);
	if (!dns_send_next(d, now_ms))
		return discover_apply_dns(d, DISCOVER_DNS_SERVFAIL, &none,
		    now_ms);
	return false;
}

static bool
same_source(const struct discover_ns *ns, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&ns->ss;
	const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)&ns->ss;
	const struct sockaddr_in *b4 = (const struct sockaddr_in *)ss;

	if (ns->ss.ss_family != ss->ss_family)
		return false;
	if (ss->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return a6->sin6_port == b6->sin6_port &&
	    memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
}

/* RFC 5452: only a reply from the server asked, to our id and
 * question; anything else is dropped and we keep waiting. */
static bool
dns_recv(struct discover *d, uint64_t now_ms)
{
	struct discover_dns_result res;
	struct sockaddr_storage ss;
	socklen_t sslen;
	uint8_t buf[DNS_MSG_MAX];
	enum discover_dns_status st;
	ssize_t n;

	memset(&res, 0, sizeof(res));
	for (;;) {
		sslen = sizeof(ss);
		n = recvfrom(d->dns_fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&ss, &sslen);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR) {
				/* ICMP port unreachable and the like */
				log_debug("NAT64 prefix discovery: recv: %s",
				    strerror(errno));
				if (!dns_send_next(d, now_ms))
					return discover_apply_dns(d,
					    DISCOVER_DNS_SERVFAIL, &res, now_ms);
			}
			return false;
		}
		if (!same_source(dns_server(d), &ss))
			continue;
		st = discover_dns_parse(buf, (size_t)n, d->dns_id, &res);
		if (st == DISCOVER_DNS_MALFORMED) {
			log_debug("NAT64 prefix discovery: bad DNS reply ignored");
			continue;
		}
		if (st == DISCOVER_DNS_SERVFAIL) {
			if (dns_send_next(d, now_ms))
				return false;
			return discover_apply_dns(d, st, &res, now_ms);
		}
		ns_string(dns_server(d), d->dns_from, sizeof(d->dns_from));
		dns_close(d);
		return discover_apply_dns(d, st, &res, now_ms);
	}
}

static int
ra_open(struct discover *d)
{
	struct icmp6_filter f;
	int fd, on = 1;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_ICMPV6);
	if (fd == -1) {
		log_warn("NAT64 prefix discovery: ICMPv6 socket");
		return -1;
	}
	ICMP6_FILTER_SETBLOCKALL(&f);
	ICMP6_FILTER_SETPASS(ND_ROUTER_ADVERT, &f);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on,
	    sizeof(on)) == -1 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
	    sizeof(on)) == -1) {
		log_warn("NAT64 prefix discovery: ICMPv6 socket options");
		close(fd);
		return -1;
	}
	if (d->p.uplink[0] != '\0' &&
	    (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, d->p.uplink,
	    (socklen_t)strlen(d->p.uplink)) == -1 ||
	    (d->ra_ifindex = if_nametoindex(d->p.uplink)) == 0)) {
		log_warn("NAT64 prefix discovery: uplink %s", d->p.uplink);
		close(fd);
		return -1;
	}
	d->ra_fd = fd;
	return 0;
}

/* RFC 4861 6.3.7: solicit, so we need not wait MaxRtrAdvInterval. */
static void
rs_send(struct discover *d, uint64_t now_ms)
{
	struct nd_router_solicit rs;
	struct sockaddr_in6 to;
	int hops = RA_HOPLIMIT;

	d->rs_sent++;
	d->rs_next = now_ms + RS_INTERVAL_MS;
	memset(&rs, 0, sizeof(rs));
	rs.nd_rs_type = ND_ROUTER_SOLICIT;
	memset(&to, 0, sizeof(to));
	to.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "ff02::2", &to.sin6_addr);
	to.sin6_scope_id = d->ra_ifindex;
	if (setsockopt(d->ra_fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
	    sizeof(hops)) == -1 ||
	    sendto(d->ra_fd, &rs, sizeof(rs), 0, (struct sockaddr *)&to,
	    sizeof(to)) == -1)
		log_debug("NAT64 prefix discovery: router solicitation: %s",
		    strerror(errno));
}

static bool
ra_checks(const struct discover *d, const struct msghdr *m,
    const struct sockaddr_in6 *from)
{
	struct cmsghdr *c;
	struct in6_pktinfo pi;
	int hlim = -1;
	unsigned ifindex = 0;

	for (c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR((struct msghdr *)m, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_HOPLIMIT &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(&hlim, CMSG_DATA(c), sizeof(hlim));
		else if (c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(pi))) {
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			ifindex = pi.ipi6_ifindex;
		}
	}
	/* RFC 4861 6.1.2: hop limit 255 and a link-local source */
	if (hlim != RA_HOPLIMIT || !IN6_IS_ADDR_LINKLOCAL(&from->sin6_addr))
		return false;
	return d->ra_ifindex == 0 || ifindex == d->ra_ifindex;
}

static bool
ra_recv(struct discover *d, uint64_t now_ms)
{
	struct discover_pref64 p[RA_MAX_ENTRIES];
	struct sockaddr_in6 from;
	union {
		struct cmsghdr	hdr;
		uint8_t		buf[CMSG_SPACE(sizeof(int)) +
		    CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cm;
	uint8_t buf[1500];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m;
	char a[INET6_ADDRSTRLEN];
	bool changed = false;
	ssize_t len;
	int n;

	for (;;) {
		memset(&m, 0, sizeof(m));
		m.msg_name = &from;
		m.msg_namelen = sizeof(from);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = cm.buf;
		m.msg_controllen = sizeof(cm.buf);
		if ((len = recvmsg(d->ra_fd, &m, 0)) == -1)
			return changed;
		inet_ntop(AF_INET6, &from.sin6_addr, a, sizeof(a));
		if (!ra_checks(d, &m, &from)) {
			log_debug("NAT64 prefix discovery: RA from %s ignored "
			    "(hop limit, source or interface)", a);
			continue;
		}
		if ((m.msg_flags & MSG_TRUNC) ||
		    (n = discover_ra_parse(buf, (size_t)len, p,
		    RA_MAX_ENTRIES)) < 0) {
			log_debug("NAT64 prefix discovery: malformed RA from %s", a);
			continue;
		}
		changed |= discover_apply_ra(d, &from.sin6_addr, p, (size_t)n,
		    now_ms);
	}
}

/* ---- the loop interface ------------------------------------------------- */

struct discover *
discover_new(const struct discover_params *p, uint64_t now_ms)
{
	struct discover *d;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		log_warn("NAT64 prefix discovery");
		return NULL;
	}
	d->p = *p;
	d->dns_fd = -1;
	d->ra_fd = -1;
	snprintf(d->resolv_path, sizeof(d->resolv_path), "%s",
	    p->resolv_conf[0] != '\0' ? p->resolv_conf : DISCOVER_RESOLV_CONF);
	snprintf(d->dns_from, sizeof(d->dns_from), "-");
	d->dns_next = now_ms;
	d->rs_next = now_ms;
	if (p->use_dns)
		dns_servers(d);
	if (p->use_ra && ra_open(d) == -1) {
		free(d);
		return NULL;
	}
	decide(d);
	return d;
}

void
discover_free(struct discover *d)
{
	if (d == NULL)
		return;
	dns_close(d);
	if (d->ra_fd != -1)
		close(d->ra_fd);
	free(d);
}

size_t
discover_poll_fds(const struct discover *d, struct pollfd *fds, size_t max)
{
	size_t n = 0;

	if (d->ra_fd != -1 && n < max) {
		fds[n].fd = d->ra_fd;
		fds[n].events = POLLIN;
		fds[n++].revents = 0;
	}
	if (d->dns_fd != -1 && n < max) {
		fds[n].fd = d->dns_fd;
		fds[n].events = POLLIN;
		fds[n++].revents = 0;
	}
	return n;
}

bool
discover_handle(struct discover *d, int fd, uint64_t now_ms)
{
	if (fd == -1)
		return false;
	if (fd == d->dns_fd)
		return dns_recv(d, now_ms);
	if (fd == d->ra_fd)
		return ra_recv(d, now_ms);
	return false;
}

static uint64_t
next_event(const struct discover *d)
{
	uint64_t t = UINT64_MAX;
	size_t i;

	if (d->dns_fd != -1)
		t = d->dns_deadline;
	else if (d->p.use_dns)
		t = d->dns_next;
	for (i = 0; i < d->nra; i++)
		if (d->ra[i].expiry_ms < t)
			t = d->ra[i].expiry_ms;
	if (d->ra_fd != -1 && d->ra_ifindex != 0 && !d->ra_seen &&
	    d->rs_sent < RS_MAX && d->rs_next < t)
		t = d->rs_next;
	return t;
}

int
discover_timeout(const struct discover *d, uint64_t now_ms)
{
	uint64_t t = next_event(d);

	if (t == UINT64_MAX)
		return -1;
	if (t <= now_ms)
		return 0;
	return t - now_ms > INT_MAX ? INT_MAX : (int)(t - now_ms);
}

bool
discover_tick(struct discover *d, uint64_t now_ms)
{
	struct discover_dns_result none;
	bool changed = false, expired = false;
	size_t i;

	for (i = d->nra; i-- > 0;)
		if (d->ra[i].expiry_ms <= now_ms) {
			ra_remove(d, i);	/* RFC 8781 4: lifetime over */
			expired = true;
		}
	if (expired)
		changed |= decide(d);
	if (d->dns_fd != -1 && now_ms >= d->dns_deadline &&
	    !dns_send_next(d, now_ms)) {
		memset(&none, 0, sizeof(none));
		changed |= discover_apply_dns(d, DISCOVER_DNS_SERVFAIL, &none,
		    now_ms);
	}
	if (d->dns_fd == -1 && d->p.use_dns && now_ms >= d->dns_next)
		changed |= dns_start(d, now_ms);
	if (d->ra_fd != -1 && d->ra_ifindex != 0 && !d->ra_seen &&
	    d->rs_sent < RS_MAX && now_ms >= d->rs_next)
		rs_send(d, now_ms);
	return changed;
}
