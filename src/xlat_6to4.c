/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 7915 section 5: IPv6 -> IPv4.  Header translation (5.1, 5.1.1) in
 * place, ICMPv6 -> ICMPv4 (5.2) with the packet in error translated
 * (5.3), the ICMPv6 errors the translator sends itself (5.4), transport
 * checksums (5.5), and RFC 7757 4 hairpinning back through xlat_4to6().
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
#define DF_MAXLEN	1260	/* RFC 7915 5.1: DF=0 up to this size */
#define OWN_HLIM	64
#define MTU_ADJ		20	/* IPv6 header minus IPv4 header */
#define EXT_ORIG_MIN	128	/* RFC 4884 4: padded original datagram */
#define OFF_CSUM_TCP	16
#define OFF_CSUM_UDP	6
#define OFF_CSUM_ICMP	2
#define IP4F_DF		0x4000
#define IP4F_MF		0x2000
#define PTR_NONE	0xff
#define HDR_HAIRPIN	(IP6_HLEN - IP4_HLEN)	/* room xlat_4to6 grows into */

/* RFC 4443 3.1 codes glibc does not name. */
#define ICMP6_DST_UNREACH_POLICY	5
#define ICMP6_DST_UNREACH_REJECT	6

/* Per-packet state of one translation. */
struct ctx {
	struct xlat	*x;
	struct xlat_out	*out;
	uint8_t		*pkt;
	struct ip6_info	ip;
	uint64_t	now;
	unsigned	flags;
	struct in_addr	src4;
	struct in_addr	dst4;
	bool		hairpin;	/* RFC 7757 4: back out as IPv6 */
};

/* What an ICMPv6 error becomes (RFC 7915 5.2). */
struct icmp4_map {
	uint8_t		type;
	uint8_t		code;
	uint32_t	rest;		/* bytes 4..7 without the length */
	bool		has_len;	/* RFC 4884 length attribute in ICMPv6 */
};

/* RFC 7915 5.2, Destination Unreachable codes.  Type 0 = untranslatable. */
static const struct {
	uint8_t type, code;
} unreach_map[] = {
	[ICMP6_DST_UNREACH_NOROUTE]	= { ICMP_DEST_UNREACH, ICMP_HOST_UNREACH },
	[ICMP6_DST_UNREACH_ADMIN]	= { ICMP_DEST_UNREACH, ICMP_HOST_ANO },
	[ICMP6_DST_UNREACH_BEYONDSCOPE]	= { ICMP_DEST_UNREACH, ICMP_HOST_UNREACH },
	[ICMP6_DST_UNREACH_ADDR]	= { ICMP_DEST_UNREACH, ICMP_HOST_UNREACH },
	[ICMP6_DST_UNREACH_NOPORT]	= { ICMP_DEST_UNREACH, ICMP_PORT_UNREACH },
	[ICMP6_DST_UNREACH_POLICY]	= { 0, 0 },	/* "other": dropped */
	[ICMP6_DST_UNREACH_REJECT]	= { 0, 0 },	/* "other": dropped */
};

/* RFC 7915 5.2 Figure 6: Parameter Problem pointer, IPv6 -> IPv4. */
static const uint8_t pptr_map[IP6_HLEN] = {
	0, 1, PTR_NONE, PTR_NONE,		/* version/TC, TC/flow, flow */
	2, 2, 9, 8,				/* payload length, NH, HL */
	12, 12, 12, 12, 12, 12, 12, 12,		/* source address */
	12, 12, 12, 12, 12, 12, 12, 12,
	16, 16, 16, 16, 16, 16, 16, 16,		/* destination address */
	16, 16, 16, 16, 16, 16, 16, 16,
};

static bool
icmp6_is_error(uint8_t type)
{
	return (type & ICMP6_INFOMSG_MASK) == 0;
}

static bool
is_fragment(const struct ip6_info *ip)
{
	return ip->has_frag && (ip->mf || ip->frag_off != 0);
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

static bool
icmp6_csum_ok(const struct ip6_info *ip, const uint8_t *l4)
{
	return csum_fold(csum_partial(l4, ip->l4_len, csum_pseudo6(&ip->src,
	    &ip->dst, IPPROTO_ICMPV6, (uint32_t)ip->l4_len))) == 0;
}

/*
 * RFC 7915 5.1.1: a Fragment header followed by another extension
 * header (ESP excepted) SHOULD be dropped; the later fragments would
 * otherwise carry a different protocol than the first.
 */
static bool
ext_after_frag(const uint8_t *p, const struct ip6_info *ip)
{
	if (!ip->has_frag)
		return false;
	switch (p[ip->frag_hdr_off]) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_AH:
	case IPPROTO_DSTOPTS:
	case IPPROTO_MH:
	case 139:	/* HIP, RFC 7401 */
	case 140:	/* Shim6, RFC 5533 */
	case 253:	/* experimental, RFC 3692 */
	case 254:
		return true;
	default:
		return false;
	}
}

/* Offset of the Next Header field that names the upper layer. */
static size_t
nh_field_off(const uint8_t *p, const struct ip6_info *ip)
{
	size_t off = IP6_HLEN, field = offsetof(struct ip6_hdr, ip6_nxt);
	uint8_t nh = p[field];

	/* The chain was validated by pkt_parse_ip6(). */
	while (off < ip->l4_off) {
		field = off;
		if (nh == IPPROTO_FRAGMENT)
			off += FRAG_HLEN;
		else
			off += (size_t)(p[off + 1] + 1) * 8;
		nh = p[field];
	}
	return field;
}

/* ---- ICMPv6 errors of our own (RFC 7915 5.4, RFC 4443 2.4) */

static bool
may_send_error(const struct ctx *c)
{
	const struct ip6_info *ip = &c->ip;
	const uint8_t *l4 = c->pkt + ip->l4_off;

	if (ip->frag_off != 0)
		return false;
	if (addr6_is_invalid(&ip->src))
		return false;
	if (ip->proto == IPPROTO_ICMPV6 && ip->l4_len >= 1 &&
	    icmp6_is_error(l4[0]))
		return false;
	return true;
}

/*
 * Refuse the packet with an ICMPv6 error from our ipv6-addr, quoting as
 * much of it as fits in 1280 bytes.  The original reason is kept in
 * out->reason and counted; a suppressed error (rate limit) is counted as
 * RATELIMITED in addition.
 */
static enum xlat_verdict
reject6(struct ctx *c, uint8_t type, uint8_t code, uint32_t rest,
    enum xlat_drop reason)
{
	struct xlat *x = c->x;
	size_t body = c->ip.pkt_len, mlen;
	uint8_t *h, *icmp;

	if (!may_send_error(c))
		return xlat_drop(x, c->out, reason);
	if (!xlat_icmp_allowed(x, c->now)) {
		x->stats.drop[XLAT_DROP_RATELIMITED]++;
		return xlat_drop(x, c->out, reason);
	}
	if (body > IP6_MIN_MTU - IP6_HLEN - ICMP_HLEN)
		body = IP6_MIN_MTU - IP6_HLEN - ICMP_HLEN;
	mlen = ICMP_HLEN + body;
	if ((h = xlat_scratch(c->out, IP6_HLEN + mlen)) == NULL)
		return xlat_drop(x, c->out, XLAT_DROP_NO_SPACE);
	put32(h, 6u << 28);
	put16(h + 4, (uint16_t)mlen);
	h[6] = IPPROTO_ICMPV6;
	h[7] = OWN_HLIM;
	memcpy(h + 8, &x->cfg->ipv6_addr, 16);
	memcpy(h + 24, &c->ip.src, 16);
	icmp = h + IP6_HLEN;
	icmp[0] = type;
	icmp[1] = code;
	put16(icmp + 2, 0);
	put32(icmp + 4, rest);
	memcpy(icmp + ICMP_HLEN, c->pkt, body);
	put16(icmp + 2, csum_fold(csum_partial(icmp, mlen,
	    csum_pseudo6(&x->cfg->ipv6_addr, &c->ip.src, IPPROTO_ICMPV6,
	    (uint32_t)mlen))));
	x->stats.drop[reason]++;
	c->out->n = 0;
	c->out->reason = reason;
	xlat_emit(c->out, h, IP6_HLEN + mlen);
	x->stats.icmp_out++;
	x->stats.tx6++;
	return XLAT_REJECT;
}

/* ---- packets for the translator itself */

static enum xlat_verdict
echo_reply6(struct ctx *c)
{
	const struct ip6_info *ip = &c->ip;
	uint8_t *icmp = c->pkt + ip->l4_off;
	uint8_t *h = icmp - IP6_HLEN;

	/* Written over the request; extension headers are not echoed.  The
	 * pseudo-header sum does not change when the addresses swap. */
	put32(h, 6u << 28 | (uint32_t)ip->tclass << 20);
	put16(h + 4, (uint16_t)ip->l4_len);
	h[6] = IPPROTO_ICMPV6;
	h[7] = OWN_HLIM;
	memcpy(h + 8, &ip->dst, 16);
	memcpy(h + 24, &ip->src, 16);
	icmp[0] = ICMP6_ECHO_REPLY;
	put16(icmp + 2, csum_replace(get16(icmp + 2), ICMP6_ECHO_REQUEST << 8,
	    ICMP6_ECHO_REPLY << 8));
	xlat_emit(c->out, h, IP6_HLEN + ip->l4_len);
	c->x->stats.tx6++;
	return XLAT_SELF;
}

static enum xlat_verdict
to_self(struct ctx *c)
{
	const struct ip6_info *ip = &c->ip;
	const uint8_t *l4 = c->pkt + ip->l4_off;

	switch (ip->proto) {
	case IPPROTO_ICMPV6:
		if (is_fragment(ip))
			return xlat_drop(c->x, c->out, XLAT_DROP_FRAG_ICMP);
		if (ip->l4_len < ICMP_HLEN)
			return xlat_drop(c->x, c->out, XLAT_DROP_BAD_L4);
		if (!icmp6_csum_ok(ip, l4))
			return xlat_drop(c->x, c->out, XLAT_DROP_BAD_ICMP_CSUM);
		if (l4[0] == ICMP6_ECHO_REQUEST && l4[1] == 0)
			return echo_reply6(c);
		return xlat_drop(c->x, c->out, XLAT_DROP_SELF_UNREACH);
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		return reject6(c, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT,
		    0, XLAT_DROP_SELF_UNREACH);
	default:
		return reject6(c, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_NEXTHEADER,
		    (uint32_t)nh_field_off(c->pkt, ip), XLAT_DROP_SELF_UNREACH);
	}
}

/* ---- validation */

static enum xlat_drop
check_l4(const struct ip6_info *ip, const uint8_t *l4)
{
	if (ip->frag_off != 0)
		return ip->proto == IPPROTO_ICMPV6 ? XLAT_DROP_FRAG_ICMP :
		    XLAT_DROP_NONE;
	switch (ip->proto) {
	case IPPROTO_TCP:
		return pkt_check_tcp(l4, ip->l4_len);
	case IPPROTO_UDP:
		return pkt_check_udp(l4, ip->l4_len, !ip->mf);
	case IPPROTO_ICMPV6:
		/* The ICMPv4 checksum needs the whole message to drop the
		 * pseudo-header: fragmented ICMPv6 is not translated. */
		if (ip->mf)
			return XLAT_DROP_FRAG_ICMP;
		if (ip->l4_len < ICMP_HLEN)
			return XLAT_DROP_BAD_L4;
		if (!icmp6_csum_ok(ip, l4))
			return XLAT_DROP_BAD_ICMP_CSUM;
		return XLAT_DROP_NONE;
	default:
		return XLAT_DROP_NONE;
	}
}

/* ---- address mapping */

/* RFC 7757 4: a destination through the prefix that an EAM or the pool
 * owns goes back out as IPv6.  XLAT_FORWARD means carry on. */
static enum xlat_verdict
hairpin_check(struct ctx *c, bool via_prefix)
{
	if (!via_prefix || !xlat_owns4(c->x, c->dst4))
		return XLAT_FORWARD;
	if (c->flags & XLAT_F_HAIRPIN)
		return xlat_drop(c->x, c->out, XLAT_DROP_LOOP);
	if (c->x->cfg->hairpin == HAIRPIN_DROP)
		return xlat_drop(c->x, c->out, XLAT_DROP_HAIRPIN);
	c->hairpin = true;
	return XLAT_FORWARD;
}

/*
 * Data packet: destination first (no lease for a packet that goes
 * nowhere), then the source, which may get a pool lease.  RFC 7915 5.4:
 * the default error is 1/1; a source the translator will not take is
 * refused with 1/5 (RFC 4443 3.1, TAYGA's pool-exhausted answer).
 */
static enum xlat_verdict
map_addrs(struct ctx *c)
{
	struct xlat *x = c->x;
	enum xlat_verdict v;
	enum xlat_drop r;
	bool via;

	r = xlat_addr6to4(x, &c->ip.dst, false, false, c->now, &c->dst4, &via);
	switch (r) {
	case XLAT_DROP_NONE:
		break;
	case XLAT_DROP_DST_UNMAPPED:
	case XLAT_DROP_WKPF_NONGLOBAL:
		return reject6(c, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADMIN,
		    0, r);
	default:
		return xlat_drop(x, c->out, r);
	}
	if (c->dst4.s_addr == x->cfg->ipv4_addr.s_addr)
		return to_self(c);
	if ((v = hairpin_check(c, via)) != XLAT_FORWARD)
		return v;
	r = xlat_addr6to4(x, &c->ip.src, true, true, c->now, &c->src4, &via);
	switch (r) {
	case XLAT_DROP_NONE:
		return XLAT_FORWARD;
	case XLAT_DROP_SRC_UNMAPPED:
	case XLAT_DROP_POOL_EXHAUSTED:
		return reject6(c, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_POLICY,
		    0, r);
	case XLAT_DROP_WKPF_NONGLOBAL:
		return reject6(c, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADMIN,
		    0, r);
	default:
		return xlat_drop(x, c->out, r);
	}
}

/* ---- IPv4 header writer (RFC 7915 5.1, 5.1.1) */

struct hdr4 {
	struct in_addr	src, dst;
	uint8_t		tos;
	uint16_t	tot_len;
	uint16_t	id;
	uint16_t	frag;		/* flags and offset */
	uint8_t		ttl;
	uint8_t		proto;
};

static void
write_ip4(uint8_t *h, const struct hdr4 *f)
{
	h[0] = 0x45;
	h[1] = f->tos;
	put16(h + 2, f->tot_len);
	put16(h + 4, f->id);
	put16(h + 6, f->frag);
	h[8] = f->ttl;
	h[9] = f->proto;
	put16(h + 10, 0);
	memcpy(h + 12, &f->src, 4);
	memcpy(h + 16, &f->dst, 4);
	put16(h + 10, csum_fold(csum_partial(h, IP4_HLEN, 0)));
}

/*
 * Identification and flags.  5.1.1: a Fragment header gives the low 16
 * bits of its ID, M and the offset, DF=0.  5.1: otherwise DF=0 up to 1260
 * bytes (so IPv4 routers may fragment what an IPv6 host sized for the
 * 1280 minimum), DF=1 above; the ID from the generator (the inner
 * packet of an error gets 0: it is only quoted, never reassembled).
 */
static void
frag_fields(struct xlat *x, const struct ip6_info *ip, bool inner,
    struct hdr4 *f)
{
	if (ip->has_frag) {
		f->id = (uint16_t)ip->frag_id;
		f->frag = (uint16_t)((ip->mf ? IP4F_MF : 0) | ip->frag_off);
		return;
	}
	f->id = inner ? 0 : xlat_next_id(x);
	f->frag = f->tot_len > DF_MAXLEN ? IP4F_DF : 0;
}

static uint8_t
proto4(uint8_t proto6)
{
	return proto6 == IPPROTO_ICMPV6 ? IPPROTO_ICMP : proto6;
}

/* ---- transport checksums (RFC 7915 5.5) */

/*
 * Adjust a TCP/UDP checksum at l4 for the address change, or handle a
 * UDP zero checksum per udp-cksum-mode.  avail bytes of the segment are
 * present; full says the whole datagram is (only then can it be summed).
 */
static enum xlat_drop
fix_l4(struct xlat *x, uint8_t proto, uint8_t *l4, size_t avail,
    const struct in6_addr *s6, const struct in6_addr *d6, struct in_addr s4,
    struct in_addr d4, bool full)
{
	uint16_t c;
	size_t ulen;

	if (proto == IPPROTO_TCP && avail >= OFF_CSUM_TCP + 2) {
		put16(l4 + OFF_CSUM_TCP, csum_replace(get16(l4 + OFF_CSUM_TCP),
		    sum_addr6(s6, d6), sum_addr4(s4, d4)));
	} else if (proto == IPPROTO_UDP && avail >= UDP_HLEN) {
		c = get16(l4 + OFF_CSUM_UDP);
		if (c != 0) {
			c = csum_replace(c, sum_addr6(s6, d6),
			    sum_addr4(s4, d4));
		} else if (x->cfg->udp_cksum == UDP_CKSUM_DROP) {
			return XLAT_DROP_UDP_ZERO_CSUM;
		} else if (x->cfg->udp_cksum == UDP_CKSUM_CALC && full) {
			/* The UDP length, validated <= avail. */
			ulen = get16(l4 + 4);
			c = csum_fold(csum_partial(l4, ulen, csum_pseudo4(s4,
			    d4, IPPROTO_UDP, (uint32_t)ulen)));
		} else if (x->cfg->udp_cksum == UDP_CKSUM_CALC) {
			return XLAT_DROP_FRAG_ZERO_CSUM;
		} else {
			return XLAT_DROP_NONE;	/* fwd: zero is legal in IPv4 */
		}
		/* RFC 768: a computed zero is sent as all ones. */
		put16(l4 + OFF_CSUM_UDP, c ? c : 0xffff);
	}
	return XLAT_DROP_NONE;
}

/* ICMPv6 echo -> ICMPv4 echo (RFC 7915 5.2): type, no pseudo-header. */
static bool
fix_echo(uint8_t *icmp, size_t avail, uint32_t icmplen,
    const struct in6_addr *s6, const struct in6_addr *d6)
{
	uint8_t t4, oldw[2];

	if (icmp[0] == ICMP6_ECHO_REQUEST && (avail < 2 || icmp[1] == 0))
		t4 = ICMP_ECHO;
	else if (icmp[0] == ICMP6_ECHO_REPLY && (avail < 2 || icmp[1] == 0))
		t4 = ICMP_ECHOREPLY;
	else
		return false;
	memcpy(oldw, icmp, avail < 2 ? 1 : 2);
	if (avail < 2)
		oldw[1] = 0;
	icmp[0] = t4;
	if (avail >= OFF_CSUM_ICMP + 2)
		put16(icmp + 2, csum_replace(get16(icmp + 2),
		    csum_partial(oldw, 2, csum_pseudo6(s6, d6, IPPROTO_ICMPV6,
		    icmplen)), csum_partial(icmp, 2, 0)));
	return true;
}

/* ---- output */

static enum xlat_verdict
emit4(struct ctx *c, uint8_t *h, size_t len)
{
	if (c->hairpin) {
		c->x->stats.hairpin++;
		return xlat_4to6(c->x, h, len, c->now, c->out,
		    c->flags | XLAT_F_HAIRPIN);
	}
	if (!xlat_emit(c->out, h, len))
		return xlat_drop(c->x, c->out, XLAT_DROP_NO_SPACE);
	c->x->stats.tx4++;
	return XLAT_FORWARD;
}

/* ---- data packets */

/*
 * A super-packet or a partial checksum: one IPv4 header for all its
 * segments, the partial checksum adjusted for the addresses (its length
 * part is the same in both pseudo-headers).  XLAT_SEGMENT, with nothing
 * written, when a segment would not simply be translated: too big
 * (RFC 7915 5: its own Packet Too Big), DF (5.1: set above 1260 bytes)
 * not the same for the full and the last segment, hop limit expiring,
 * a hairpin or a Fragment header.
 */
static enum xlat_verdict
xlat_data_offload(struct ctx *c)
{
	struct ip6_info *ip = &c->ip;
	const struct xlat_offload *in = c->out->off_in;
	size_t seg, last, len4 = IP4_HLEN + ip->l4_len, at;
	uint8_t *l4 = c->pkt + ip->l4_off, *h;
	struct hdr4 f;

	if (c->hairpin || ip->has_frag || ip->hlim <= 1 || len4 > 0xffff ||
	    !(in->flags & XLAT_OFF_NEEDS_CSUM) ||
	    !xlat_off_usable(in, 6, ip->proto, l4, ip->l4_off, ip->l4_len,
	    &seg, &last))
		return XLAT_SEGMENT;
	if (IP4_HLEN + seg > c->x->cfg->mtu ||
	    (IP4_HLEN + seg > DF_MAXLEN) != (IP4_HLEN + last > DF_MAXLEN))
		return XLAT_SEGMENT;
	at = ip->proto == IPPROTO_TCP ? OFF_CSUM_TCP : OFF_CSUM_UDP;
	put16(l4 + at, csum_replace_partial(get16(l4 + at),
	    sum_addr6(&ip->src, &ip->dst), sum_addr4(c->src4, c->dst4)));
	f = (struct hdr4){ .src = c->src4, .dst = c->dst4, .tos = ip->tclass,
	    .tot_len = (uint16_t)len4, .id = xlat_next_id(c->x),
	    .frag = IP4_HLEN + seg > DF_MAXLEN ? IP4F_DF : 0,
	    .ttl = (uint8_t)(ip->hlim - 1), .proto = ip->proto };
	h = l4 - IP4_HLEN;
	write_ip4(h, &f);
	if (!xlat_emit(c->out, h, len4))
		return xlat_drop(c->x, c->out, XLAT_DROP_NO_SPACE);
	xlat_off_rewrite(in, ip->l4_off, IP4_HLEN,
	    &c->out->pkt[c->out->n - 1].off);
	c->x->stats.tx4++;
	c->x->stats.csum_partial++;
	if (in->gso_type != XLAT_GSO_NONE)
		c->x->stats.gso_in++;
	return XLAT_FORWARD;
}

static enum xlat_verdict
xlat_data(struct ctx *c)
{
	struct ip6_info *ip = &c->ip;
	const struct xlat_cfg *cfg = c->x->cfg;
	uint8_t *l4 = c->pkt + ip->l4_off, *h;
	size_t len4 = IP4_HLEN + ip->l4_len;
	struct hdr4 f;
	enum xlat_verdict v;
	enum xlat_drop r;
	uint32_t mtu;

	if (ip->frag_off == 0 && ip->proto == IPPROTO_ICMPV6 &&
	    !((l4[0] == ICMP6_ECHO_REQUEST || l4[0] == ICMP6_ECHO_REPLY) &&
	    l4[1] == 0))
		return xlat_drop(c->x, c->out, XLAT_DROP_ICMP_UNTRANSLATABLE);
	/* RFC 7915 5.1: MUST NOT translate; 4/0 at Segments Left. */
	if (ip->segleft_nonzero)
		return reject6(c, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER,
		    (uint32_t)ip->segleft_off, XLAT_DROP_ROUTING_HDR);
	if ((v = map_addrs(c)) != XLAT_FORWARD)
		return v;
	if (c->out->off_in != NULL)
		return xlat_data_offload(c);
	/* RFC 7915 5: the translator is a router and does not fragment
	 * what it cannot pass; checked before anything is rewritten. */
	if (len4 > cfg->mtu) {
		mtu = cfg->mtu + MTU_ADJ;
		return reject6(c, ICMP6_PACKET_TOO_BIG, 0,
		    mtu < IP6_MIN_MTU ? IP6_MIN_MTU : mtu, XLAT_DROP_TOO_BIG);
	}
	if (ip->hlim <= 1)
		return reject6(c, ICMP6_TIME_EXCEEDED,
		    ICMP6_TIME_EXCEED_TRANSIT, 0, XLAT_DROP_TTL_EXPIRED);
	if (ip->frag_off == 0 && ip->proto == IPPROTO_ICMPV6) {
		fix_echo(l4, ip->l4_len, (uint32_t)ip->l4_len, &ip->src,
		    &ip->dst);
	} else if (ip->frag_off == 0) {
		r = fix_l4(c->x, ip->proto, l4, ip->l4_len, &ip->src, &ip->dst,
		    c->src4, c->dst4, !ip->mf);
		if (r != XLAT_DROP_NONE)
			return xlat_drop(c->x, c->out, r);
	}
	f = (struct hdr4){ .src = c->src4, .dst = c->dst4, .tos = ip->tclass,
	    .tot_len = (uint16_t)len4, .ttl = (uint8_t)(ip->hlim - 1),
	    .proto = proto4(ip->proto) };
	frag_fields(c->x, ip, false, &f);
	h = l4 - IP4_HLEN;
	write_ip4(h, &f);
	return emit4(c, h, len4);
}

/* ---- ICMPv6 errors -> ICMPv4 (RFC 7915 5.2, 5.3, RFC 4884) */

/* minimum(advertised MTU - 20, MTU of the IPv4 next hop, MTU of the IPv6
 * next hop - 20); both next hops are the TUN device here. */
static uint32_t
ptb_mtu(const struct xlat_cfg *cfg, uint32_t mtu6)
{
	uint32_t m = mtu6 > MTU_ADJ ? mtu6 - MTU_ADJ : 0;

	if (m > cfg->mtu - MTU_ADJ)
		m = cfg->mtu - MTU_ADJ;
	return m > 0xffff ? 0xffff : m;
}

/* Type, code and bytes 4..7; false: silently drop. */
static bool
map_icmp_error(const uint8_t *icmp, struct icmp4_map *m)
{
	uint8_t code = icmp[1];
	uint32_t ptr;

	m->rest = 0;
	m->has_len = false;
	switch (icmp[0]) {
	case ICMP6_DST_UNREACH:
		if (code >= sizeof(unreach_map) / sizeof(unreach_map[0]) ||
		    unreach_map[code].type == 0)
			return false;
		m->type = unreach_map[code].type;
		m->code = unreach_map[code].code;
		m->has_len = true;
		return true;
	case ICMP6_PACKET_TOO_BIG:
		m->type = ICMP_DEST_UNREACH;
		m->code = ICMP_FRAG_NEEDED;
		return true;
	case ICMP6_TIME_EXCEEDED:
		m->type = ICMP_TIME_EXCEEDED;
		m->code = code;
		m->has_len = true;
		return true;
	case ICMP6_PARAM_PROB:
		if (code == ICMP6_PARAMPROB_NEXTHEADER) {
			m->type = ICMP_DEST_UNREACH;
			m->code = ICMP_PROT_UNREACH;
			return true;
		}
		ptr = get32(icmp + 4);
		if (code != ICMP6_PARAMPROB_HEADER || ptr >= IP6_HLEN ||
		    pptr_map[ptr] == PTR_NONE)
			return false;
		m->type = ICMP_PARAMETERPROB;
		m->code = 0;
		m->rest = (uint32_t)pptr_map[ptr] << 24;
		return true;
	default:
		return false;
	}
}

/* The packet in error, translated (RFC 7915 5.3). */
struct inner {
	const uint8_t	*p;		/* original datagram field */
	size_t		len;		/* its length (RFC 4884 or all) */
	struct ip6_info	ip;
	struct in_addr	src4, dst4;
	uint32_t	ulen;		/* upper-layer length per the header */
	size_t		len4;		/* translated length of what is present */
};

static enum xlat_drop
inner_parse(struct ctx *c, struct inner *in)
{
	struct ip6_info *ip = &in->ip;
	const uint8_t *l4;
	bool via;

	if (pkt_parse_ip6(in->p, in->len, PKT_INNER, ip) != XLAT_DROP_NONE ||
	    ext_after_frag(in->p, ip))
		return XLAT_DROP_ICMP_INNER;
	l4 = in->p + ip->l4_off;
	if (ip->proto == IPPROTO_ICMPV6 && ip->frag_off == 0 &&
	    ip->l4_len >= 1) {
		if (icmp6_is_error(l4[0]))
			return XLAT_DROP_ICMP_NESTED;
		if ((l4[0] != ICMP6_ECHO_REQUEST && l4[0] != ICMP6_ECHO_REPLY) ||
		    (ip->l4_len >= 2 && l4[1] != 0))
			return XLAT_DROP_ICMP_INNER;
	}
	if (xlat_addr6to4(c->x, &ip->src, true, false, c->now, &in->src4,
	    &via) != XLAT_DROP_NONE ||
	    xlat_addr6to4(c->x, &ip->dst, false, false, c->now, &in->dst4,
	    &via) != XLAT_DROP_NONE)
		return XLAT_DROP_ICMP_INNER;
	in->ulen = (uint32_t)(IP6_HLEN + ip->plen - ip->l4_off);
	if (in->ulen > 0xffff - IP4_HLEN)
		in->ulen = 0xffff - IP4_HLEN;
	in->len4 = IP4_HLEN + ip->l4_len;
	return XLAT_DROP_NONE;
}

/* Write at most cap bytes of the translated inner packet to o.  The TTL
 * is not decremented (5.3); TCP/UDP checksums are adjusted, never
 * computed (the quote is cut short). */
static enum xlat_drop
inner_write(struct ctx *c, const struct inner *in, uint8_t *o, size_t cap)
{
	const struct ip6_info *ip = &in->ip;
	uint8_t hdr[IP4_HLEN], *l4;
	struct hdr4 f = { .src = in->src4, .dst = in->dst4, .tos = ip->tclass,
	    .tot_len = (uint16_t)(IP4_HLEN + in->ulen), .ttl = ip->hlim,
	    .proto = proto4(ip->proto) };
	enum xlat_drop r;
	size_t n;

	frag_fields(c->x, ip, true, &f);
	write_ip4(hdr, &f);
	memcpy(o, hdr, cap < IP4_HLEN ? cap : IP4_HLEN);
	if (cap <= IP4_HLEN)
		return XLAT_DROP_NONE;
	n = ip->l4_len < cap - IP4_HLEN ? ip->l4_len : cap - IP4_HLEN;
	l4 = o + IP4_HLEN;
	memcpy(l4, in->p + ip->l4_off, n);
	if (ip->frag_off != 0 || n == 0)
		return XLAT_DROP_NONE;
	if (ip->proto == IPPROTO_ICMPV6) {
		fix_echo(l4, n, in->ulen, &ip->src, &ip->dst);
		return XLAT_DROP_NONE;
	}
	/* TAYGA: drop mode drops an error quoting zero-checksum UDP too. */
	r = fix_l4(c->x, ip->proto, l4, n, &ip->src, &ip->dst, in->src4,
	    in->dst4, false);
	return r == XLAT_DROP_UDP_ZERO_CSUM ? r : XLAT_DROP_NONE;
}

/* Outer addresses of an error: its destination must map; a source
 * without an IPv4 address (a native IPv6 router) gets one from the
 * RFC 6791 pool. */
static enum xlat_verdict
map_err_addrs(struct ctx *c)
{
	const uint8_t *s = c->ip.src.s6_addr;
	enum xlat_drop r;
	bool via, svia;

	r = xlat_addr6to4(c->x, &c->ip.dst, false, false, c->now, &c->dst4,
	    &via);
	if (r != XLAT_DROP_NONE)
		return xlat_drop(c->x, c->out, r);
	if (c->dst4.s_addr == c->x->cfg->ipv4_addr.s_addr)
		return xlat_drop(c->x, c->out, XLAT_DROP_SELF_UNREACH);
	r = xlat_addr6to4(c->x, &c->ip.src, true, false, c->now, &c->src4,
	    &svia);
	if (r == XLAT_DROP_SRC_UNMAPPED || r == XLAT_DROP_WKPF_NONGLOBAL ||
	    r == XLAT_DROP_POOL_EXHAUSTED) {
		c->src4 = xlat_err4_source(c->x, get32(s) ^ get32(s + 4) ^
		    get32(s + 8) ^ get32(s + 12));
		r = XLAT_DROP_NONE;
	}
	if (r != XLAT_DROP_NONE)
		return xlat_drop(c->x, c->out, r);
	return hairpin_check(c, via);
}

/*
 * Lay out the ICMPv4 body: translated packet in error, then (RFC 4884)
 * zero padding to a 32-bit boundary and at least 128 bytes, and the
 * extension structure; or plain truncation to 576 bytes in all, the
 * extension dropped with the length attribute left zero.
 */
static enum xlat_drop
build_err_body(struct ctx *c, const struct inner *in, const uint8_t *ext,
    size_t extlen, uint8_t *msg, size_t *msglen, uint8_t *len32)
{
	size_t room = IP4_ERR_MAX - IP4_HLEN - ICMP_HLEN, orig;

	*len32 = 0;
	orig = (in->len4 + 3) & ~(size_t)3;
	if (orig < EXT_ORIG_MIN)
		orig = EXT_ORIG_MIN;
	if (extlen > 0 && orig + extlen <= room) {
		memset(msg + ICMP_HLEN, 0, orig);
		memcpy(msg + ICMP_HLEN + orig, ext, extlen);
		*len32 = (uint8_t)(orig / 4);
		*msglen = ICMP_HLEN + orig + extlen;
		return inner_write(c, in, msg + ICMP_HLEN, in->len4);
	}
	orig = in->len4 < room ? in->len4 : room;
	*msglen = ICMP_HLEN + orig;
	return inner_write(c, in, msg + ICMP_HLEN, orig);
}

static enum xlat_verdict
xlat_icmp_error(struct ctx *c)
{
	const uint8_t *icmp = c->pkt + c->ip.l4_off;
	size_t avail = c->ip.l4_len - ICMP_HLEN, extlen = 0, mlen;
	struct icmp4_map m;
	struct inner in;
	struct hdr4 f;
	enum xlat_verdict v;
	enum xlat_drop r;
	uint8_t *h, *icmp4, len32;

	if (!map_icmp_error(icmp, &m))
		return xlat_drop(c->x, c->out, XLAT_DROP_ICMP_UNTRANSLATABLE);
	in.p = icmp + ICMP_HLEN;
	in.len = avail;
	/* RFC 4884 5: a length that does not fit means no extension. */
	if (m.has_len && icmp[4] != 0 && (size_t)icmp[4] * 8 < avail) {
		in.len = (size_t)icmp[4] * 8;
		extlen = avail - in.len;
	}
	if ((v = map_err_addrs(c)) != XLAT_FORWARD)
		return v;
	if ((r = inner_parse(c, &in)) != XLAT_DROP_NONE)
		return xlat_drop(c->x, c->out, r);
	/* Never an ICMP error about an ICMP error (RFC 4443 2.4). */
	if (c->ip.hlim <= 1)
		return xlat_drop(c->x, c->out, XLAT_DROP_TTL_EXPIRED);
	if (icmp[0] == ICMP6_PACKET_TOO_BIG)
		m.rest = ptb_mtu(c->x->cfg, get32(icmp + 4));
	h = xlat_scratch(c->out, HDR_HAIRPIN + IP4_ERR_MAX);
	if (h == NULL)
		return xlat_drop(c->x, c->out, XLAT_DROP_NO_SPACE);
	h += HDR_HAIRPIN;
	icmp4 = h + IP4_HLEN;
	r = build_err_body(c, &in, in.p + in.len, extlen, icmp4, &mlen,
	    &len32);
	if (r != XLAT_DROP_NONE)
		return xlat_drop(c->x, c->out, r);
	icmp4[0] = m.type;
	icmp4[1] = m.code;
	put16(icmp4 + 2, 0);
	put32(icmp4 + 4, m.rest | (uint32_t)len32 << 16);
	put16(icmp4 + 2, csum_fold(csum_partial(icmp4, mlen, 0)));
	f = (struct hdr4){ .src = c->src4, .dst = c->dst4,
	    .tos = c->ip.tclass, .tot_len = (uint16_t)(IP4_HLEN + mlen),
	    .ttl = (uint8_t)(c->ip.hlim - 1), .proto = IPPROTO_ICMP };
	frag_fields(c->x, &c->ip, false, &f);
	write_ip4(h, &f);
	return emit4(c, h, IP4_HLEN + mlen);
}

/* ---- entry point */

enum xlat_verdict
xlat_6to4(struct xlat *x, uint8_t *pkt, size_t len, uint64_t now_ms,
    struct xlat_out *out, unsigned flags)
{
	struct ctx c = { .x = x, .out = out, .pkt = pkt, .now = now_ms,
	    .flags = flags };
	const uint8_t *l4;
	enum xlat_drop r;

	if ((r = pkt_parse_ip6(pkt, len, PKT_OUTER, &c.ip)) != XLAT_DROP_NONE)
		return xlat_drop(x, out, r);
	l4 = pkt + c.ip.l4_off;
	/* Offloads come only with TCP and UDP; anything else is odd. */
	if (out->off_in != NULL && c.ip.proto != IPPROTO_TCP &&
	    c.ip.proto != IPPROTO_UDP)
		return XLAT_SEGMENT;
	if (memcmp(&c.ip.dst, &x->cfg->ipv6_addr, sizeof(c.ip.dst)) == 0)
		return to_self(&c);
	if (ext_after_frag(pkt, &c.ip))
		return xlat_drop(x, out, XLAT_DROP_PROTO_UNSUPPORTED);
	if ((r = check_l4(&c.ip, l4)) != XLAT_DROP_NONE)
		return xlat_drop(x, out, r);
	if (c.ip.proto == IPPROTO_ICMPV6 && c.ip.frag_off == 0 &&
	    icmp6_is_error(l4[0]))
		return xlat_icmp_error(&c);
	return xlat_data(&c);
}
