/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 7915 section 4: IPv4 -> IPv6.  Header translation (4.1) in place,
 * fragmentation of DF=0 packets, ICMPv4 -> ICMPv6 (4.2) with the packet
 * in error translated (4.3), transport checksums (4.5), and the ICMPv4
 * errors the translator sends itself (4.4).
 */

#include <stddef.h>
#include <string.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>

#include "addr.h"
#include "pkt.h"
#include "xlat.h"
#include "xlat_int.h"

#define IP4_HLEN	20
#define IP6_HLEN	40
#define FRAG_HLEN	8
#define ICMP_HLEN	8
#define TCP_MINLEN	20
#define UDP_HLEN	8
#define IP6_MIN_MTU	1280
#define IP4_ERR_MAX	576	/* RFC 1812 4.3.2.3 */
#define OWN_TTL		64
#define MTU_ADJ		20	/* IPv6 header minus IPv4 header */
#define EXT_ORIG_MIN	128	/* RFC 4884 4: padded original datagram */
#define OFF_CSUM_TCP	16
#define OFF_CSUM_UDP	6
#define OFF_CSUM_ICMP	2
#define IP4F_DF		0x4000
#define PTR_NONE	0xff

/* Per-packet state of one translation. */
struct ctx {
	struct xlat	*x;
	struct xlat_out	*out;
	uint8_t		*pkt;
	struct ip4_info	ip;
	uint64_t	now;
	unsigned	flags;
	struct in6_addr	src6;
	struct in6_addr	dst6;
};

/* What an ICMPv4 error becomes (RFC 7915 4.2). */
struct icmp6_map {
	uint8_t		type;
	uint8_t		code;
	uint32_t	rest;
	bool		has_len;	/* RFC 4884 length attribute in ICMPv6 */
};

/* RFC 7915 4.2, Destination Unreachable codes.  Type 0 = untranslatable. */
static const struct {
	uint8_t type, code;
} unreach_map[] = {
	[ICMP_NET_UNREACH]	= { ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOROUTE },
	[ICMP_HOST_UNREACH]	= { ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOROUTE },
	[ICMP_PROT_UNREACH]	= { ICMP6_PARAM_PROB, ICMP6_PARAMPROB_NEXTHEADER },
	[ICMP_PORT_UNREACH]	= { ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT },
	[ICMP_FRAG_NEEDED]	= { ICMP6_PACKET_TOO_BIG, 0 },
	[ICMP_SR_FAILED]	= { ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOROUTE },
	[ICMP_NET_UNKNOWN]	= { ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOROUTE },
	[ICMP_HOST_UNKNOWN]	= { ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOROUTE },
	[ICMP_HOST_ISOLATED]	= { ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOROUTE },
	[ICMP_NET_ANO]		= { ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADMIN },
	[ICMP_HOST_ANO]		= { ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADMIN },
	[ICMP_NET_UNR_TOS]	= { ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOROUTE },
	[ICMP_HOST_UNR_TOS]	= { ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOROUTE },
	[ICMP_PKT_FILTERED]	= { ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADMIN },
	[ICMP_PREC_VIOLATION]	= { 0, 0 },	/* untranslatable: dropped */
	[ICMP_PREC_CUTOFF]	= { ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADMIN },
};

/* RFC 7915 4.2 Figure 3: Parameter Problem pointer, IPv4 -> IPv6. */
static const uint8_t pptr_map[IP4_HLEN] = {
	0, 1, 4, 4,				/* version/IHL, TOS, length */
	PTR_NONE, PTR_NONE, PTR_NONE, PTR_NONE,	/* ID, flags, offset */
	7, 6, PTR_NONE, PTR_NONE,		/* TTL, protocol, checksum */
	8, 8, 8, 8,				/* source address */
	24, 24, 24, 24,				/* destination address */
};

/* RFC 1191 7.1 plateau table, greatest first. */
static const uint16_t plateaus[] = {
	65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68,
};

static bool
icmp4_is_error(uint8_t type)
{
	switch (type) {
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		return true;
	default:
		return false;
	}
}

static bool
is_fragment(const struct ip4_info *ip)
{
	return ip->mf || ip->frag_off != 0;
}

static uint32_t
sum_addr4(struct in_addr s, struct in_addr d)
{
	return csum_partial(&d, 4, csum_partial(&s, 4, 0));
}

static uint32_t
sum_addr6(const struct in6_addr *s, const struct in6_addr *d)
{
	return csum_partial(d, 16, csum_partial(s, 16, 0));
}

/* ---- ICMPv4 errors of our own (RFC 7915 4.4, RFC 1812 4.3.2.7) */

static bool
may_send_error(const struct ctx *c)
{
	const struct ip4_info *ip = &c->ip;
	const uint8_t *l4 = c->pkt + ip->hdr_len;

	if (ip->frag_off != 0)
		return false;
	if (addr4_is_invalid(ip->src))
		return false;
	if (ip->proto == IPPROTO_ICMP && ip->l4_len >= 1 &&
	    icmp4_is_error(l4[0]))
		return false;
	return true;
}

/*
 * Refuse the packet with an ICMPv4 error from our ipv4-addr.  The
 * original reason is kept in out->reason and counted; a suppressed
 * error (rate limit) is counted as RATELIMITED in addition.
 */
static enum xlat_verdict
reject4(struct ctx *c, uint8_t type, uint8_t code, uint32_t rest,
    enum xlat_drop reason)
{
	struct xlat *x = c->x;
	size_t body = c->ip.pkt_len;
	uint8_t *h;
	size_t tot;

	if (!may_send_error(c))
		return xlat_drop(x, c->out, reason);
	if (!xlat_icmp_allowed(x, c->now)) {
		x->stats.drop[XLAT_DROP_RATELIMITED]++;
		return xlat_drop(x, c->out, reason);
	}
	if (body > IP4_ERR_MAX - IP4_HLEN - ICMP_HLEN)
		body = IP4_ERR_MAX - IP4_HLEN - ICMP_HLEN;
	tot = IP4_HLEN + ICMP_HLEN + body;
	if ((h = xlat_scratch(c->out, tot)) == NULL)
		return xlat_drop(x, c->out, XLAT_DROP_NO_SPACE);
	h[0] = 0x45;
	h[1] = 0;
	put16(h + 2, (uint16_t)tot);
	put16(h + 4, xlat_next_id(x));
	put16(h + 6, 0);
	h[8] = OWN_TTL;
	h[9] = IPPROTO_ICMP;
	put16(h + 10, 0);
	memcpy(h + 12, &x->cfg->ipv4_addr, 4);
	memcpy(h + 16, &c->ip.src, 4);
	put16(h + 10, csum_fold(csum_partial(h, IP4_HLEN, 0)));
	h[20] = type;
	h[21] = code;
	put16(h + 22, 0);
	put32(h + 24, rest);
	memcpy(h + 28, c->pkt, body);
	put16(h + 22, csum_fold(csum_partial(h + 20, ICMP_HLEN + body, 0)));
	x->stats.drop[reason]++;
	c->out->n = 0;
	c->out->reason = reason;
	xlat_emit(c->out, h, tot);
	x->stats.icmp_out++;
	x->stats.tx4++;
	return XLAT_REJECT;
}

/* ---- packets for our own ipv4-addr */

static enum xlat_verdict
echo_reply4(struct ctx *c)
{
	const struct ip4_info *ip = &c->ip;
	uint8_t *icmp = c->pkt + ip->hdr_len;
	uint8_t *h = icmp - IP4_HLEN;

	/* Written over the request; options are not echoed. */
	h[0] = 0x45;
	h[1] = ip->tos;
	put16(h + 2, (uint16_t)(IP4_HLEN + ip->l4_len));
	put16(h + 4, xlat_next_id(c->x));
	put16(h + 6, 0);
	h[8] = OWN_TTL;
	h[9] = IPPROTO_ICMP;
	put16(h + 10, 0);
	memcpy(h + 12, &ip->dst, 4);
	memcpy(h + 16, &ip->src, 4);
	put16(h + 10, csum_fold(csum_partial(h, IP4_HLEN, 0)));
	icmp[0] = ICMP_ECHOREPLY;
	put16(icmp + 2, csum_replace(get16(icmp + 2), ICMP_ECHO << 8,
	    ICMP_ECHOREPLY << 8));
	xlat_emit(c->out, h, IP4_HLEN + ip->l4_len);
	c->x->stats.tx4++;
	return XLAT_SELF;
}

static enum xlat_verdict
to_self(struct ctx *c)
{
	const struct ip4_info *ip = &c->ip;
	const uint8_t *l4 = c->pkt + ip->hdr_len;

	switch (ip->proto) {
	case IPPROTO_ICMP:
		if (is_fragment(ip))
			return xlat_drop(c->x, c->out, XLAT_DROP_FRAG_ICMP);
		if (ip->l4_len < ICMP_HLEN)
			return xlat_drop(c->x, c->out, XLAT_DROP_BAD_L4);
		if (csum_fold(csum_partial(l4, ip->l4_len, 0)) != 0)
			return xlat_drop(c->x, c->out, XLAT_DROP_BAD_ICMP_CSUM);
		if (l4[0] == ICMP_ECHO && l4[1] == 0)
			return echo_reply4(c);
		return xlat_drop(c->x, c->out, XLAT_DROP_SELF_UNREACH);
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		return reject4(c, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0,
		    XLAT_DROP_SELF_UNREACH);
	default:
		return reject4(c, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0,
		    XLAT_DROP_SELF_UNREACH);
	}
}

/* ---- validation */

static enum xlat_drop
check_l4(const struct ip4_info *ip, const uint8_t *l4)
{
	if (ip->frag_off != 0)
		return ip->proto == IPPROTO_ICMP ? XLAT_DROP_FRAG_ICMP :
		    XLAT_DROP_NONE;
	switch (ip->proto) {
	case IPPROTO_TCP:
		return pkt_check_tcp(l4, ip->l4_len);
	case IPPROTO_UDP:
		return pkt_check_udp(l4, ip->l4_len, !ip->mf);
	case IPPROTO_ICMP:
		/* RFC 7915 1.2: fragmented ICMP is not translated; its
		 * ICMPv6 checksum would need the whole message. */
		if (ip->mf)
			return XLAT_DROP_FRAG_ICMP;
		if (ip->l4_len < ICMP_HLEN)
			return XLAT_DROP_BAD_L4;
		if (csum_fold(csum_partial(l4, ip->l4_len, 0)) != 0)
			return XLAT_DROP_BAD_ICMP_CSUM;
		return XLAT_DROP_NONE;
	default:
		return XLAT_DROP_NONE;
	}
}

/* RFC 7915 4.1: an LSRR/SSRR option whose pointer has not passed its
 * length still has hops to visit (RFC 791 3.1). */
static bool
src_route_unexpired(const uint8_t *p, size_t hl)
{
	size_t off = IP4_HLEN;

	while (off < hl) {
		uint8_t t = p[off];

		if (t == IPOPT_END)
			return false;
		if (t == IPOPT_NOP) {
			off++;
			continue;
		}
		if (off + 2 > hl || p[off + 1] < 2)
			return false;
		if ((t == IPOPT_LSRR || t == IPOPT_SSRR) && off + 3 <= hl)
			return p[off + 2] <= p[off + 1];
		off += p[off + 1];
	}
	return false;
}

/* ---- address mapping of a data packet */

/*
 * RFC 7757 4: in the IPv4 half of a hairpin, the peer's address (the
 * outer source, the inner destination of an error) is translated with
 * the RFC 6052 prefix rather than the EAM or lease it belongs to, so the
 * receiver answers prefix+IPv4 and its reply hairpins back the same way
 * (connected sockets on both ends then see the address they used).
 */
static enum xlat_drop
map_peer4(struct ctx *c, struct in_addr a4, bool is_src, struct in6_addr *out)
{
	const struct xlat_cfg *cfg = c->x->cfg;

	if ((c->flags & XLAT_F_HAIRPIN) && cfg->has_prefix) {
		addr_embed4(&cfg->prefix, cfg->prefix_len, a4, out);
		return XLAT_DROP_NONE;
	}
	return xlat_addr4to6(c->x, a4, is_src, c->now, out);
}

static enum xlat_verdict
map_addrs(struct ctx *c)
{
	struct xlat *x = c->x;
	enum xlat_drop r;

	r = xlat_addr4to6(x, c->ip.dst, false, c->now, &c->dst6);
	switch (r) {
	case XLAT_DROP_NONE:
		break;
	case XLAT_DROP_DST_UNMAPPED:
		return reject4(c, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0, r);
	case XLAT_DROP_WKPF_NONGLOBAL:
		/* RFC 7915 4.4 default: administratively prohibited. */
		return reject4(c, ICMP_DEST_UNREACH, ICMP_PKT_FILTERED, 0, r);
	default:
		return xlat_drop(x, c->out, r);
	}
	r = map_peer4(c, c->ip.src, true, &c->src6);
	switch (r) {
	case XLAT_DROP_NONE:
		return XLAT_FORWARD;
	case XLAT_DROP_SRC_UNMAPPED:
	case XLAT_DROP_WKPF_NONGLOBAL:
		/* TAYGA: an unmappable source gets 3/10. */
		return reject4(c, ICMP_DEST_UNREACH, ICMP_HOST_ANO, 0, r);
	default:
		return xlat_drop(x, c->out, r);
	}
}

/* ---- IPv6 header writer (RFC 7915 4.1) */

struct hdr6 {
	const struct in6_addr *src, *dst;
	uint8_t		tclass;
	uint16_t	plen;		/* including the fragment header */
	uint8_t		proto;		/* upper layer, already ICMP -> 58 */
	uint8_t		hlim;
	bool		frag;
	uint16_t	frag_off;	/* 8-byte units */
	bool		mf;
	uint32_t	id;
};

static size_t
write_ip6(uint8_t *h, const struct hdr6 *f)
{
	put32(h, 6u << 28 | (uint32_t)f->tclass << 20);
	put16(h + 4, f->plen);
	h[6] = f->frag ? IPPROTO_FRAGMENT : f->proto;
	h[7] = f->hlim;
	memcpy(h + 8, f->src, 16);
	memcpy(h + 24, f->dst, 16);
	if (!f->frag)
		return IP6_HLEN;
	h[40] = f->proto;
	h[41] = 0;
	put16(h + 42, (uint16_t)(f->frag_off << 3 | (f->mf ? 1 : 0)));
	put32(h + 44, f->id);
	return IP6_HLEN + FRAG_HLEN;
}

static uint8_t
proto6(uint8_t proto4)
{
	return proto4 == IPPROTO_ICMP ? IPPROTO_ICMPV6 : proto4;
}

/*
 * RFC 7915 4.1 copies the protocol, but an IPv4 protocol number that is
 * an IPv6 extension header (or ICMPv6) would turn the payload into a
 * header chain the receiver parses: such packets are not translatable.
 */
static bool
proto_translatable(uint8_t proto4)
{
	switch (proto4) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_DSTOPTS:
	case IPPROTO_ICMPV6:
		return false;
	default:
		return true;
	}
}

/* ---- transport checksums (RFC 7915 4.5) */

/*
 * Adjust a TCP/UDP checksum at l4 for the address change, or fill a UDP
 * zero checksum.  avail bytes of the segment are present; full says the
 * whole datagram is (only then can a zero UDP checksum be computed).
 */
static enum xlat_drop
fix_l4(struct xlat *x, uint8_t proto, uint8_t *l4, size_t avail,
    struct in_addr s4, struct in_addr d4, const struct in6_addr *s6,
    const struct in6_addr *d6, bool full)
{
	uint16_t c;

	if (proto == IPPROTO_TCP && avail >= OFF_CSUM_TCP + 2) {
		put16(l4 + OFF_CSUM_TCP, csum_replace(get16(l4 + OFF_CSUM_TCP),
		    sum_addr4(s4, d4), sum_addr6(s6, d6)));
	} else if (proto == IPPROTO_UDP && avail >= UDP_HLEN) {
		c = get16(l4 + OFF_CSUM_UDP);
		if (c != 0) {
			c = csum_replace(c, sum_addr4(s4, d4),
			    sum_addr6(s6, d6));
		} else if (x->cfg->udp_cksum == UDP_CKSUM_DROP) {
			return XLAT_DROP_UDP_ZERO_CSUM;
		} else if (x->cfg->udp_cksum == UDP_CKSUM_CALC && full) {
			/* The UDP length, validated <= avail, not padding. */
			avail = get16(l4 + 4);
			c = csum_fold(csum_partial(l4, avail, csum_pseudo6(s6,
			    d6, IPPROTO_UDP, (uint32_t)avail)));
		} else if (x->cfg->udp_cksum == UDP_CKSUM_CALC) {
			return XLAT_DROP_FRAG_ZERO_CSUM;
		} else {
			return XLAT_DROP_NONE;	/* fwd: stays zero */
		}
		put16(l4 + OFF_CSUM_UDP, c ? c : 0xffff);
	}
	return XLAT_DROP_NONE;
}

/* ICMPv4 echo -> ICMPv6 echo (RFC 7915 4.2): type and pseudo-header. */
static bool
fix_echo(uint8_t *icmp, size_t avail, uint32_t icmplen,
    const struct in6_addr *s6, const struct in6_addr *d6)
{
	uint8_t t6;
	uint16_t oldw;

	if (icmp[0] == ICMP_ECHO && icmp[1] == 0)
		t6 = ICMP6_ECHO_REQUEST;
	else if (icmp[0] == ICMP_ECHOREPLY && icmp[1] == 0)
		t6 = ICMP6_ECHO_REPLY;
	else
		return false;
	oldw = get16(icmp);
	icmp[0] = t6;
	if (avail >= OFF_CSUM_ICMP + 2)
		put16(icmp + 2, csum_replace(get16(icmp + 2), oldw,
		    (uint32_t)get16(icmp) + csum_pseudo6(s6, d6,
		    IPPROTO_ICMPV6, icmplen)));
	return true;
}

/* ---- data packets: output, DF handling, fragmentation */

static enum xlat_verdict
emit_frags(struct ctx *c, struct hdr6 *f, size_t limit)
{
	const struct ip4_info *ip = &c->ip;
	uint8_t *data = c->pkt + ip->hdr_len;
	size_t total = ip->l4_len, chunk, off, n;
	uint8_t *h;

	/* RFC 7915 4.1: each IPv6 fragment fits lowest-ipv6-mtu; all but
	 * the last carry a multiple of 8 bytes. */
	chunk = (limit - IP6_HLEN - FRAG_HLEN) & ~(size_t)7;
	for (off = 0; off < total; off += n) {
		n = total - off < chunk ? total - off : chunk;
		f->plen = (uint16_t)(FRAG_HLEN + n);
		f->frag = true;
		f->frag_off = (uint16_t)(ip->frag_off + off / 8);
		f->mf = off + n < total || ip->mf;
		h = xlat_scratch(c->out, IP6_HLEN + FRAG_HLEN);
		if (h == NULL)
			return xlat_drop(c->x, c->out, XLAT_DROP_NO_SPACE);
		write_ip6(h, f);
		if (!xlat_emit2(c->out, h, IP6_HLEN + FRAG_HLEN, data + off, n))
			return xlat_drop(c->x, c->out, XLAT_DROP_NO_SPACE);
	}
	c->x->stats.tx6 += c->out->n;
	c->x->stats.frag_out += c->out->n;
	return XLAT_FORWARD;
}

static enum xlat_verdict
emit_data(struct ctx *c, uint8_t hlim)
{
	const struct xlat_cfg *cfg = c->x->cfg;
	const struct ip4_info *ip = &c->ip;
	size_t limit = cfg->mtu < cfg->offlink_mtu ? cfg->mtu :
	    cfg->offlink_mtu;
	bool frag = is_fragment(ip);
	size_t len6 = IP6_HLEN + (frag ? FRAG_HLEN : 0) + ip->l4_len;
	struct hdr6 f = {
		.src = &c->src6, .dst = &c->dst6, .tclass = ip->tos,
		.plen = (uint16_t)(len6 - IP6_HLEN), .proto = proto6(ip->proto),
		.hlim = hlim, .frag = frag, .frag_off = ip->frag_off,
		.mf = ip->mf, .id = ip->id,
	};
	uint8_t *h;

	if (!ip->df && len6 > limit)
		return emit_frags(c, &f, limit);
	h = c->pkt + ip->hdr_len - (len6 - ip->l4_len);
	write_ip6(h, &f);
	xlat_emit(c->out, h, len6);
	c->x->stats.tx6++;
	return XLAT_FORWARD;
}

/*
 * A super-packet or a partial checksum: one IPv6 header for all its
 * segments, the partial checksum adjusted for the addresses (its length
 * part is the same in both pseudo-headers).  XLAT_SEGMENT, with nothing
 * written, when a segment would not simply be translated (RFC 7915 4.1:
 * DF and too big -> its own Fragmentation Needed; no DF and too big ->
 * fragmented).
 */
static enum xlat_verdict
xlat_data_offload(struct ctx *c, uint8_t hlim)
{
	const struct xlat_cfg *cfg = c->x->cfg;
	const struct ip4_info *ip = &c->ip;
	const struct xlat_offload *in = c->out->off_in;
	size_t limit = cfg->mtu < cfg->offlink_mtu ? cfg->mtu :
	    cfg->offlink_mtu;
	size_t seg, last, len6 = IP6_HLEN + ip->l4_len, at;
	uint8_t *l4 = c->pkt + ip->hdr_len, *h;
	struct hdr6 f;

	if (is_fragment(ip) || !(in->flags & XLAT_OFF_NEEDS_CSUM) ||
	    !xlat_off_usable(in, 4, ip->proto, l4, ip->hdr_len, ip->l4_len,
	    &seg, &last))
		return XLAT_SEGMENT;
	if (IP6_HLEN + seg > (ip->df ? cfg->mtu : limit))
		return XLAT_SEGMENT;
	at = ip->proto == IPPROTO_TCP ? OFF_CSUM_TCP : OFF_CSUM_UDP;
	put16(l4 + at, csum_replace_partial(get16(l4 + at),
	    sum_addr4(ip->src, ip->dst), sum_addr6(&c->src6, &c->dst6)));
	f = (struct hdr6){ .src = &c->src6, .dst = &c->dst6,
	    .tclass = ip->tos, .plen = (uint16_t)ip->l4_len,
	    .proto = ip->proto, .hlim = hlim };
	h = l4 - IP6_HLEN;
	write_ip6(h, &f);
	xlat_emit(c->out, h, len6);
	xlat_off_rewrite(in, ip->hdr_len, IP6_HLEN,
	    &c->out->pkt[c->out->n - 1].off);
	c->x->stats.tx6++;
	c->x->stats.csum_partial++;
	if (in->gso_type != XLAT_GSO_NONE)
		c->x->stats.gso_in++;
	return XLAT_FORWARD;
}

static enum xlat_verdict
xlat_data(struct ctx *c)
{
	struct ip4_info *ip = &c->ip;
	uint8_t *l4 = c->pkt + ip->hdr_len;
	bool hairpin = (c->flags & XLAT_F_HAIRPIN) != 0;
	enum xlat_verdict v;
	enum xlat_drop r;

	if (ip->frag_off == 0 && ip->proto == IPPROTO_ICMP &&
	    !((l4[0] == ICMP_ECHO || l4[0] == ICMP_ECHOREPLY) && l4[1] == 0))
		return xlat_drop(c->x, c->out, XLAT_DROP_ICMP_UNTRANSLATABLE);
	if (!proto_translatable(ip->proto))
		return xlat_drop(c->x, c->out, XLAT_DROP_PROTO_UNSUPPORTED);
	if ((v = map_addrs(c)) != XLAT_FORWARD)
		return v;
	/* RFC 7915 4.1: the translator is a router.  The IPv4 half of a
	 * hairpin (RFC 7757 4) was decremented on its way in already. */
	if (!hairpin && ip->ttl <= 1)
		return reject4(c, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0,
		    XLAT_DROP_TTL_EXPIRED);
	if (ip->hdr_len > IP4_HLEN && src_route_unexpired(c->pkt, ip->hdr_len))
		return reject4(c, ICMP_DEST_UNREACH, ICMP_SR_FAILED, 0,
		    XLAT_DROP_PROTO_UNSUPPORTED);
	if (c->out->off_in != NULL)
		return xlat_data_offload(c, hairpin ? ip->ttl : ip->ttl - 1);
	/* RFC 7915 4.1: DF set and too big for the next hop.  Checked
	 * before the checksums change: the error quotes the original. */
	if (ip->df && IP6_HLEN + (is_fragment(ip) ? FRAG_HLEN : 0) +
	    ip->l4_len > c->x->cfg->mtu)
		return reject4(c, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
		    c->x->cfg->mtu - MTU_ADJ, XLAT_DROP_TOO_BIG);
	if (ip->frag_off == 0 && ip->proto == IPPROTO_ICMP) {
		fix_echo(l4, ip->l4_len, (uint32_t)ip->l4_len, &c->src6,
		    &c->dst6);
	} else if (ip->frag_off == 0) {
		r = fix_l4(c->x, ip->proto, l4, ip->l4_len, ip->src, ip->dst,
		    &c->src6, &c->dst6, !ip->mf);
		if (r != XLAT_DROP_NONE)
			return xlat_drop(c->x, c->out, r);
	}
	return emit_data(c, hairpin ? ip->ttl : ip->ttl - 1);
}

/* ---- ICMPv4 errors -> ICMPv6 (RFC 7915 4.2, 4.3, RFC 4884) */

static uint32_t
ptb_mtu(const struct xlat_cfg *cfg, uint16_t mtu4, uint16_t inner_totlen)
{
	uint32_t m;
	size_t i;

	/* A router without RFC 1191 sends zero: estimate from the plateau
	 * table with the returned Total Length (RFC 1191 5). */
	if (mtu4 == 0) {
		for (i = 0; i < sizeof(plateaus) / sizeof(plateaus[0]); i++)
			if (plateaus[i] < inner_totlen) {
				mtu4 = plateaus[i];
				break;
			}
	}
	/* minimum(advertised MTU+20, MTU_of_IPv6_nexthop,
	 * MTU_of_IPv4_nexthop+20); never below 1280 (RFC 7915 5). */
	m = (uint32_t)mtu4 + MTU_ADJ;
	if (m > cfg->mtu)
		m = cfg->mtu;
	return m < IP6_MIN_MTU ? IP6_MIN_MTU : m;
}

/* Type, code and the 32-bit field after the checksum; false: drop. */
static bool
map_icmp_error(const uint8_t *icmp, struct icmp6_map *m)
{
	uint8_t code = icmp[1];

	m->rest = 0;
	m->has_len = false;
	switch (icmp[0]) {
	case ICMP_DEST_UNREACH:
		if (code >= sizeof(unreach_map) / sizeof(unreach_map[0]) ||
		    unreach_map[code].type == 0)
			return false;
		m->type = unreach_map[code].type;
		m->code = unreach_map[code].code;
		if (code == ICMP_PROT_UNREACH)
			m->rest = offsetof(struct ip6_hdr, ip6_nxt);
		m->has_len = m->type == ICMP6_DST_UNREACH;
		return true;
	case ICMP_TIME_EXCEEDED:
		m->type = ICMP6_TIME_EXCEEDED;
		m->code = code;
		m->has_len = true;
		return true;
	case ICMP_PARAMETERPROB:
		if (code != 0 && code != 2)
			return false;
		if (icmp[4] >= IP4_HLEN || pptr_map[icmp[4]] == PTR_NONE)
			return false;
		m->type = ICMP6_PARAM_PROB;
		m->code = ICMP6_PARAMPROB_HEADER;
		m->rest = pptr_map[icmp[4]];
		return true;
	default:
		return false;
	}
}

static bool
icmp4_has_len(uint8_t type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED ||
	    type == ICMP_PARAMETERPROB;
}

/* The packet in error, translated (RFC 7915 4.3). */
struct inner {
	const uint8_t	*p;		/* original datagram field */
	size_t		len;		/* its length (RFC 4884 or all) */
	struct ip4_info	ip;
	struct in6_addr	src6, dst6;
	size_t		len6;		/* translated length, untruncated */
};

static enum xlat_drop
inner_parse(struct ctx *c, struct inner *in)
{
	struct ip4_info *ip = &in->ip;
	const uint8_t *l4;

	if (pkt_parse_ip4(in->p, in->len, PKT_INNER, ip) != XLAT_DROP_NONE ||
	    !proto_translatable(ip->proto))
		return XLAT_DROP_ICMP_INNER;
	l4 = in->p + ip->hdr_len;
	if (ip->proto == IPPROTO_ICMP && ip->frag_off == 0 &&
	    in->len > ip->hdr_len) {
		if (icmp4_is_error(l4[0]))
			return XLAT_DROP_ICMP_NESTED;
		if ((l4[0] != ICMP_ECHO && l4[0] != ICMP_ECHOREPLY) ||
		    (in->len > ip->hdr_len + 1 && l4[1] != 0))
			return XLAT_DROP_ICMP_INNER;
	}
	if (xlat_addr4to6(c->x, ip->src, true, c->now, &in->src6) !=
	    XLAT_DROP_NONE ||
	    map_peer4(c, ip->dst, false, &in->dst6) != XLAT_DROP_NONE)
		return XLAT_DROP_ICMP_INNER;
	in->len6 = IP6_HLEN + (is_fragment(ip) ? FRAG_HLEN : 0) +
	    (in->len - ip->hdr_len);
	return XLAT_DROP_NONE;
}

/* Write at most cap bytes of the translated inner packet to o. */
static enum xlat_drop
inner_write(struct ctx *c, const struct inner *in, uint8_t *o, size_t cap)
{
	const struct ip4_info *ip = &in->ip;
	bool frag = is_fragment(ip);
	size_t hl6 = IP6_HLEN + (frag ? FRAG_HLEN : 0), n;
	uint8_t hdr[IP6_HLEN + FRAG_HLEN], *l4;
	struct hdr6 f = {
		.src = &in->src6, .dst = &in->dst6, .tclass = ip->tos,
		.plen = (uint16_t)(ip->tot_len - ip->hdr_len +
		    (frag ? FRAG_HLEN : 0)),
		.proto = proto6(ip->proto), .hlim = ip->ttl, .frag = frag,
		.frag_off = ip->frag_off, .mf = ip->mf, .id = ip->id,
	};

	write_ip6(hdr, &f);
	memcpy(o, hdr, hl6 < cap ? hl6 : cap);
	if (cap <= hl6)
		return XLAT_DROP_NONE;
	n = in->len - ip->hdr_len;
	if (n > cap - hl6)
		n = cap - hl6;
	l4 = o + hl6;
	memcpy(l4, in->p + ip->hdr_len, n);
	if (ip->frag_off != 0)
		return XLAT_DROP_NONE;
	/* The packet in error is cut short: TCP/UDP checksums are adjusted,
	 * never computed; a zero UDP checksum stays zero unless the mode
	 * drops it (TAYGA). */
	if (ip->proto == IPPROTO_ICMP) {
		if (n >= 1)
			fix_echo(l4, n, (uint32_t)(ip->tot_len - ip->hdr_len),
			    &in->src6, &in->dst6);
		return XLAT_DROP_NONE;
	}
	return fix_l4(c->x, ip->proto, l4, n, ip->src, ip->dst, &in->src6,
	    &in->dst6, false) == XLAT_DROP_UDP_ZERO_CSUM ?
	    XLAT_DROP_UDP_ZERO_CSUM : XLAT_DROP_NONE;
}

static enum xlat_drop
map_err_src(struct ctx *c)
{
	enum xlat_drop r;

	r = xlat_addr4to6(c->x, c->ip.dst, false, c->now, &c->dst6);
	if (r != XLAT_DROP_NONE)
		return r;
	r = map_peer4(c, c->ip.src, true, &c->src6);
	if (r == XLAT_DROP_SRC_UNMAPPED || r == XLAT_DROP_WKPF_NONGLOBAL) {
		/* A router without a translatable address (RFC 6791's
		 * counterpart for this direction). */
		c->src6 = c->x->cfg->err6_addr;
		r = XLAT_DROP_NONE;
	}
	return r;
}

/*
 * Lay out the ICMPv6 body: translated packet in error, then (RFC 4884)
 * padding and the extension structure, or plain truncation to 1280.
 * Returns the ICMPv6 message length; *len8 is the length attribute.
 */
static enum xlat_drop
build_err_body(struct ctx *c, const struct inner *in, const uint8_t *ext,
    size_t extlen, uint8_t *msg, size_t *msglen, uint8_t *len8)
{
	size_t room = IP6_MIN_MTU - IP6_HLEN - ICMP_HLEN, orig;
	enum xlat_drop r;

	*len8 = 0;
	orig = (in->len6 + 7) & ~(size_t)7;
	if (orig < EXT_ORIG_MIN)
		orig = EXT_ORIG_MIN;
	if (extlen > 0 && orig + extlen <= room) {
		memset(msg + ICMP_HLEN, 0, orig);
		r = inner_write(c, in, msg + ICMP_HLEN, in->len6);
		memcpy(msg + ICMP_HLEN + orig, ext, extlen);
		*len8 = (uint8_t)(orig / 8);
		*msglen = ICMP_HLEN + orig + extlen;
		return r;
	}
	/* Truncated into the extension (or none): drop it, length 0. */
	orig = in->len6 < room ? in->len6 : room;
	*msglen = ICMP_HLEN + orig;
	return inner_write(c, in, msg + ICMP_HLEN, orig);
}

static enum xlat_verdict
emit_icmp_error(struct ctx *c, uint8_t *h, const struct icmp6_map *m,
    size_t mlen, uint8_t len8)
{
	uint8_t *icmp6 = h + IP6_HLEN;
	bool hairpin = (c->flags & XLAT_F_HAIRPIN) != 0;
	struct hdr6 f = {
		.src = &c->src6, .dst = &c->dst6, .tclass = c->ip.tos,
		.plen = (uint16_t)mlen, .proto = IPPROTO_ICMPV6,
		.hlim = hairpin ? c->ip.ttl : c->ip.ttl - 1,
	};

	write_ip6(h, &f);
	icmp6[0] = m->type;
	icmp6[1] = m->code;
	put16(icmp6 + 2, 0);
	if (m->type == ICMP6_DST_UNREACH || m->type == ICMP6_TIME_EXCEEDED)
		put32(icmp6 + 4, (uint32_t)len8 << 24);
	else
		put32(icmp6 + 4, m->rest);
	put16(icmp6 + 2, csum_fold(csum_partial(icmp6, mlen,
	    csum_pseudo6(&c->src6, &c->dst6, IPPROTO_ICMPV6,
	    (uint32_t)mlen))));
	xlat_emit(c->out, h, IP6_HLEN + mlen);
	c->x->stats.tx6++;
	return XLAT_FORWARD;
}

static enum xlat_verdict
xlat_icmp_error(struct ctx *c)
{
	const uint8_t *icmp = c->pkt + c->ip.hdr_len;
	size_t avail = c->ip.l4_len - ICMP_HLEN, extlen = 0, mlen;
	struct icmp6_map m;
	struct inner in;
	enum xlat_drop r;
	uint8_t *h, len8;

	if (!map_icmp_error(icmp, &m))
		return xlat_drop(c->x, c->out, XLAT_DROP_ICMP_UNTRANSLATABLE);
	in.p = icmp + ICMP_HLEN;
	in.len = avail;
	/* RFC 4884 5: a length that does not fit means no extension. */
	if (icmp4_has_len(icmp[0]) && icmp[5] != 0 &&
	    (size_t)icmp[5] * 4 < avail) {
		in.len = (size_t)icmp[5] * 4;
		extlen = m.has_len ? avail - in.len : 0;
	}
	if ((r = map_err_src(c)) != XLAT_DROP_NONE ||
	    (r = inner_parse(c, &in)) != XLAT_DROP_NONE)
		return xlat_drop(c->x, c->out, r);
	/* Never an ICMP error about an ICMP error (RFC 1812 4.3.2.7). */
	if (!(c->flags & XLAT_F_HAIRPIN) && c->ip.ttl <= 1)
		return xlat_drop(c->x, c->out, XLAT_DROP_TTL_EXPIRED);
	if (m.type == ICMP6_PACKET_TOO_BIG)
		m.rest = ptb_mtu(c->x->cfg, get16(icmp + 6), in.ip.tot_len);
	if ((h = xlat_scratch(c->out, IP6_MIN_MTU)) == NULL)
		return xlat_drop(c->x, c->out, XLAT_DROP_NO_SPACE);
	r = build_err_body(c, &in, in.p + in.len, extlen, h + IP6_HLEN, &mlen,
	    &len8);
	if (r != XLAT_DROP_NONE)
		return xlat_drop(c->x, c->out, r);
	return emit_icmp_error(c, h, &m, mlen, len8);
}

/* ---- entry point */

enum xlat_verdict
xlat_4to6(struct xlat *x, uint8_t *pkt, size_t len, uint64_t now_ms,
    struct xlat_out *out, unsigned flags)
{
	struct ctx c = { .x = x, .out = out, .pkt = pkt, .now = now_ms,
	    .flags = flags };
	const uint8_t *l4;
	enum xlat_drop r;

	if ((r = pkt_parse_ip4(pkt, len, PKT_OUTER, &c.ip)) != XLAT_DROP_NONE)
		return xlat_drop(x, out, r);
	l4 = pkt + c.ip.hdr_len;
	/* Offloads come only with TCP and UDP; anything else is odd. */
	if (out->off_in != NULL && c.ip.proto != IPPROTO_TCP &&
	    c.ip.proto != IPPROTO_UDP)
		return XLAT_SEGMENT;
	if (c.ip.dst.s_addr == x->cfg->ipv4_addr.s_addr)
		return to_self(&c);
	if ((r = check_l4(&c.ip, l4)) != XLAT_DROP_NONE)
		return xlat_drop(x, out, r);
	if (c.ip.proto == IPPROTO_ICMP && c.ip.frag_off == 0 &&
	    icmp4_is_error(l4[0]))
		return xlat_icmp_error(&c);
	return xlat_data(&c);
}
