/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Offloads: TCP/UDP super-packets (GSO) and partial checksums as a TUN
 * device with IFF_VNET_HDR hands them over.  The fast path lives in the
 * two directions (one header rewritten per super-packet); here are the
 * entry point, its fallbacks (checksum completion, software
 * segmentation) and the metadata helpers both directions share.
 */

#include <string.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/tcp.h>

#include "pkt.h"
#include "xlat.h"
#include "xlat_int.h"

#define IP4_HLEN	20
#define IP6_HLEN	40
#define TCP_MINLEN	20
#define UDP_HLEN	8
#define OFF_CSUM_TCP	16
#define OFF_CSUM_UDP	6
#define TCPF_FIN	0x01
#define TCPF_PSH	0x08
#define TCPF_CWR	0x80

uint16_t
csum_replace_partial(uint16_t partial, uint32_t old_sum, uint32_t new_sum)
{
	/* csum_replace(~P) = ~(P + ~m + m'); the partial is its complement. */
	return (uint16_t)~csum_replace((uint16_t)~partial, old_sum, new_sum);
}

static uint8_t
gso_base(uint8_t gso_type)
{
	return gso_type & (uint8_t)~XLAT_GSO_ECN;
}

bool
xlat_off_usable(const struct xlat_offload *o, int family, uint8_t proto,
    const uint8_t *l4, size_t l4off, size_t l4len, size_t *seg, size_t *last)
{
	uint8_t g = gso_base(o->gso_type);
	size_t hl, pay;

	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return false;
	if (o->flags & XLAT_OFF_NEEDS_CSUM) {
		if (o->csum_start != l4off || o->csum_offset !=
		    (proto == IPPROTO_TCP ? OFF_CSUM_TCP : OFF_CSUM_UDP))
			return false;
	} else if (g != XLAT_GSO_NONE) {
		return false;
	}
	*seg = *last = l4len;
	if (g == XLAT_GSO_NONE)
		return true;
	if (proto == IPPROTO_TCP && g != (family == 4 ? XLAT_GSO_TCPV4 :
	    XLAT_GSO_TCPV6))
		return false;
	if (proto == IPPROTO_UDP && g != XLAT_GSO_UDP_L4)
		return false;
	if (o->gso_size == 0)
		return false;
	/* The callers validated the TCP data offset / UDP length. */
	hl = proto == IPPROTO_TCP ? (size_t)(l4[12] >> 4) * 4 : UDP_HLEN;
	pay = l4len - hl;
	if (pay == 0)
		return false;
	if (pay > o->gso_size) {
		*seg = hl + o->gso_size;
		*last = hl + (pay - 1) % o->gso_size + 1;
	}
	return true;
}

void
xlat_off_rewrite(const struct xlat_offload *in, size_t old_l4off,
    size_t new_l4off, struct xlat_offload *o)
{
	long d = (long)new_l4off - (long)old_l4off;
	uint8_t g = gso_base(in->gso_type);

	*o = *in;
	o->flags = in->flags & XLAT_OFF_NEEDS_CSUM;
	if (g == XLAT_GSO_TCPV4)
		o->gso_type = (uint8_t)(XLAT_GSO_TCPV6 |
		    (in->gso_type & XLAT_GSO_ECN));
	else if (g == XLAT_GSO_TCPV6)
		o->gso_type = (uint8_t)(XLAT_GSO_TCPV4 |
		    (in->gso_type & XLAT_GSO_ECN));
	if (in->hdr_len != 0)
		o->hdr_len = (uint16_t)((long)in->hdr_len + d);
	o->csum_start = (uint16_t)new_l4off;
}

/* ---- fallbacks */

/* Bytes of the IP packet itself (link padding excluded), 0 if odd. */
static size_t
ip_length(const uint8_t *p, size_t len)
{
	size_t n;

	if (len >= IP4_HLEN && p[0] >> 4 == 4)
		n = get16(p + 2);
	else if (len >= IP6_HLEN && p[0] >> 4 == 6)
		n = IP6_HLEN + (size_t)get16(p + 4);
	else
		return 0;
	return n <= len ? n : 0;
}

/* Finish a partial checksum as the kernel's skb_checksum_help() would;
 * a UDP result of zero goes out as all ones (RFC 768). */
static void
complete_csum(uint8_t *p, size_t len, const struct xlat_offload *o)
{
	size_t n = ip_length(p, len), at = (size_t)o->csum_start +
	    o->csum_offset;
	uint16_t c;

	if (n == 0 || o->csum_start >= n || at + 2 > n)
		return;		/* the core rejects such a packet anyway */
	c = csum_fold(csum_partial(p + o->csum_start, n - o->csum_start, 0));
	if (c == 0 && o->csum_offset == OFF_CSUM_UDP)
		c = 0xffff;
	put16(p + at, c);
}

struct snapshot {
	struct xlat_stats	stats;
	uint64_t		tokens, last;
	uint32_t		id;
};

static void
snap_take(const struct xlat *x, struct snapshot *s)
{
	s->stats = x->stats;
	s->tokens = x->tb_tokens_milli;
	s->last = x->tb_last_ms;
	s->id = x->ip4_id;
}

static void
snap_restore(struct xlat *x, const struct snapshot *s)
{
	x->stats = s->stats;
	x->tb_tokens_milli = s->tokens;
	x->tb_last_ms = s->last;
	x->ip4_id = s->id;
}

enum xlat_verdict
xlat_packet_offload(struct xlat *x, uint8_t *pkt, size_t len, uint64_t now_ms,
    const struct xlat_offload *off, struct xlat_out *out)
{
	struct snapshot snap;
	enum xlat_verdict v;

	if (off == NULL || (gso_base(off->gso_type) == XLAT_GSO_NONE &&
	    !(off->flags & XLAT_OFF_NEEDS_CSUM)) || len < 1 ||
	    (pkt[0] >> 4 != 4 && pkt[0] >> 4 != 6))
		return xlat_packet(x, pkt, len, now_ms, out);
	snap_take(x, &snap);
	out->n = 0;
	out->reason = XLAT_DROP_NONE;
	out->scratch_used = 0;
	out->off_in = off;
	if (pkt[0] >> 4 == 6) {
		x->stats.rx6++;
		v = xlat_6to4(x, pkt, len, now_ms, out, 0);
	} else {
		x->stats.rx4++;
		v = xlat_4to6(x, pkt, len, now_ms, out, 0);
	}
	out->off_in = NULL;
	/* Translated whole, or dropped without an answer: done.  An ICMP
	 * error would quote the super-packet or a partial checksum: the
	 * pieces go through the ordinary path instead. */
	if (v == XLAT_FORWARD || v == XLAT_DROP)
		return v;
	snap_restore(x, &snap);
	if (gso_base(off->gso_type) != XLAT_GSO_NONE) {
		x->stats.gso_sw++;
		out->n = 0;
		out->reason = XLAT_DROP_NONE;
		return XLAT_SEGMENT;
	}
	complete_csum(pkt, len, off);
	x->stats.csum_sw++;
	return xlat_packet(x, pkt, len, now_ms, out);
}

/* ---- software segmentation */

struct gso_geom {
	int		family;
	uint8_t		proto;
	size_t		l4off, hl, pay;	/* L4 offset, all headers, payload */
	unsigned	nseg;
};

static bool
gso_geometry(const uint8_t *p, size_t len, const struct xlat_offload *o,
    struct gso_geom *g)
{
	size_t n = ip_length(p, len);
	uint8_t t = gso_base(o->gso_type);

	if (n == 0 || o->gso_size == 0)
		return false;
	g->family = p[0] >> 4;
	g->proto = t == XLAT_GSO_UDP_L4 ? IPPROTO_UDP : IPPROTO_TCP;
	if (t != XLAT_GSO_TCPV4 && t != XLAT_GSO_TCPV6 && t != XLAT_GSO_UDP_L4)
		return false;
	g->l4off = o->csum_start;
	if (g->family == 4 && (g->l4off < IP4_HLEN ||
	    g->l4off != (size_t)(p[0] & 0x0f) * 4 || p[9] != g->proto))
		return false;
	if (g->family == 6 && g->l4off < IP6_HLEN)
		return false;
	if (g->l4off + (g->proto == IPPROTO_TCP ? TCP_MINLEN : UDP_HLEN) > n)
		return false;
	g->hl = g->l4off + (g->proto == IPPROTO_TCP ?
	    (size_t)(p[g->l4off + 12] >> 4) * 4 : UDP_HLEN);
	if (g->hl > n || g->hl < g->l4off + UDP_HLEN)
		return false;
	g->pay = n - g->hl;
	g->nseg = g->pay == 0 ? 1 :
	    (unsigned)((g->pay + o->gso_size - 1) / o->gso_size);
	return true;
}

static void
gso_fix_l4(const struct gso_geom *g, uint8_t *s, size_t total, unsigned i,
    const struct xlat_offload *o)
{
	uint8_t *l4 = s + g->l4off;
	size_t l4len = total - g->l4off;
	uint32_t sum;
	uint16_t c;

	if (g->proto == IPPROTO_TCP) {
		put32(l4 + 4, get32(l4 + 4) + i * (uint32_t)o->gso_size);
		if (i + 1 < g->nseg)
			l4[13] &= (uint8_t)~(TCPF_FIN | TCPF_PSH);
		if (i > 0)
			l4[13] &= (uint8_t)~TCPF_CWR;
		put16(l4 + OFF_CSUM_TCP, 0);
	} else {
		put16(l4 + 4, (uint16_t)l4len);
		put16(l4 + OFF_CSUM_UDP, 0);
	}
	if (g->family == 4)
		sum = csum_pseudo4(*(const struct in_addr *)(const void *)
		    (s + 12), *(const struct in_addr *)(const void *)(s + 16),
		    g->proto, (uint32_t)l4len);
	else
		sum = csum_pseudo6((const struct in6_addr *)(const void *)
		    (s + 8), (const struct in6_addr *)(const void *)(s + 24),
		    g->proto, (uint32_t)l4len);
	c = csum_fold(csum_partial(l4, l4len, sum));
	if (g->proto == IPPROTO_UDP && c == 0)
		c = 0xffff;
	put16(l4 + (g->proto == IPPROTO_TCP ? OFF_CSUM_TCP : OFF_CSUM_UDP), c);
}

long
xlat_gso_segment(const uint8_t *pkt, size_t len,
    const struct xlat_offload *off, unsigned i, uint8_t *seg, size_t cap)
{
	struct gso_geom g;
	size_t start, n, total;

	if (!gso_geometry(pkt, len, off, &g))
		return -1;
	if (i >= g.nseg)
		return 0;
	start = (size_t)i * off->gso_size;
	n = g.pay - start < off->gso_size ? g.pay - start : off->gso_size;
	total = g.hl + n;
	if (total > cap)
		return -1;
	memcpy(seg, pkt, g.hl);
	memcpy(seg + g.hl, pkt + g.hl + start, n);
	if (g.family == 4) {
		/* inet_gso_segment(): consecutive IDs unless FIXEDID. */
		put16(seg + 2, (uint16_t)total);
		put16(seg + 4, (uint16_t)(get16(seg + 4) + i));
		put16(seg + 10, 0);
		put16(seg + 10, csum_fold(csum_partial(seg, g.l4off, 0)));
	} else {
		put16(seg + 4, (uint16_t)(total - IP6_HLEN));
	}
	gso_fix_l4(&g, seg, total, i, off);
	return (long)total;
}
