/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write-side GRO.  A datagram joins only when its every header field but
 * the lengths and the IPv4 ID/header checksum equals the first's: the
 * kernel's UDP GSO copies the first header to each segment, fixing only
 * the lengths, the checksums and the IPv4 ID (counted up from the
 * first's, which RFC 7915 5.1/4.1 leaves to the translator anyway).
 * The super-packet carries a partial checksum that nothing downstream
 * verifies, so every complete checksum is verified before its datagram
 * joins: a corrupt one must reach the receiver corrupt.  A partial one
 * (the sender's checksum offload) is to be computed over the data
 * anyway; it joins when it is the pseudo-header sum of its length.
 */
#include <string.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>

#include "gro.h"
#include "pkt.h"
#include "xlat_int.h"

#define UDPH	sizeof(struct udphdr)
#define IP4H	sizeof(struct ip)
#define IP6H	sizeof(struct ip6_hdr)
#define IP4_FRAG_MASK	(IP_MF | IP_OFFMASK)

void
gro_init(struct gro *g, bool v4, bool v6)
{
	memset(g, 0, sizeof(*g));
	g->v4 = v4;
	g->v6 = v6;
}

static uint32_t
pseudo(const uint8_t *p, size_t iphlen, uint32_t udplen)
{
	struct in_addr s4, d4;
	struct in6_addr s6, d6;

	if (iphlen == IP4H) {
		memcpy(&s4, p + 12, 4);
		memcpy(&d4, p + 16, 4);
		return csum_pseudo4(s4, d4, IPPROTO_UDP, udplen);
	}
	memcpy(&s6, p + 8, 16);
	memcpy(&d6, p + 24, 16);
	return csum_pseudo6(&s6, &d6, IPPROTO_UDP, udplen);
}

static bool
l4_csum_ok(const uint8_t *p, size_t len, size_t h,
    const struct xlat_offload *off)
{
	uint32_t ps = pseudo(p, h, (uint32_t)(len - h));
	uint16_t partial = (uint16_t)~csum_fold(ps);

	if (off == NULL || !(off->flags & XLAT_OFF_NEEDS_CSUM))
		/* RFC 768: a zero checksum is "none", not verifiable. */
		return get16(p + h + 6) != 0 &&
		    csum_fold(csum_partial(p + h, len - h, ps)) == 0;
	return off->csum_start == h &&
	    off->csum_offset == offsetof(struct udphdr, uh_sum) &&
	    get16(p + h + 6) == partial;
}

/* The IP header length of an eligible datagram, else 0. */
static size_t
eligible(const struct gro *g, const uint8_t *p, size_t len,
    const struct xlat_offload *off)
{
	size_t h;

	if (off != NULL && (off->gso_type != XLAT_GSO_NONE ||
	    (off->flags & ~(XLAT_OFF_NEEDS_CSUM | XLAT_OFF_DATA_VALID))))
		return 0;
	if (len < IP4H + UDPH || len > GRO_MAX_LEN)
		return 0;
	if (p[0] == 0x45 && g->v4) {
		h = IP4H;
		if (get16(p + 2) != len || (get16(p + 6) & IP4_FRAG_MASK) ||
		    p[9] != IPPROTO_UDP || csum_fold(csum_partial(p, h, 0)))
			return 0;
	} else if (p[0] >> 4 == 6 && g->v6) {
		h = IP6H;
		if (len < IP6H + UDPH || get16(p + 4) + IP6H != len ||
		    p[6] != IPPROTO_UDP)
			return 0;
	} else
		return 0;
	if (get16(p + h + 4) != len - h || len == h + UDPH ||
	    !l4_csum_ok(p, len, h, off))
		return 0;
	return h;
}

/* Same flow and same per-segment header fields as the batch's first. */
static bool
same_flow(const struct gro *g, const uint8_t *p, size_t h)
{
	const uint8_t *f = g->buf;

	if (h != g->iphlen)
		return false;
	if (h == IP4H)
		return memcmp(f, p, 2) == 0 && memcmp(f + 6, p + 6, 4) == 0 &&
		    memcmp(f + 12, p + 12, 8 + 4) == 0;
	return memcmp(f, p, 4) == 0 && memcmp(f + 6, p + 6, 34 + 4) == 0;
}

enum gro_result
gro_add(struct gro *g, const uint8_t *pkt, size_t len,
    const struct xlat_offload *off)
{
	size_t h = eligible(g, pkt, len, off), plen;

	if (h == 0)
		return GRO_NO;
	plen = len - h - UDPH;
	if (g->nseg == 0) {
		memcpy(g->buf, pkt, len);
		g->len = len;
		g->iphlen = h;
		g->seg = (uint16_t)plen;
		g->full = false;
		g->nseg = 1;
		if (off != NULL)
			g->off1 = *off;
		else
			memset(&g->off1, 0, sizeof(g->off1));
		return GRO_HELD;
	}
	if (g->full || !same_flow(g, pkt, h) || plen > g->seg ||
	    g->len + plen > GRO_MAX_LEN)
		return GRO_NO;
	memcpy(g->buf + g->len, pkt + h + UDPH, plen);
	g->len += plen;
	g->nseg++;
	if (plen < g->seg || g->nseg == GRO_MAX_SEGS ||
	    g->len + g->seg > GRO_MAX_LEN)
		g->full = true;
	return g->full ? GRO_FULL : GRO_HELD;
}

/* Lengths for the whole, the UDP checksum field the pseudo-header sum
 * (folded, not complemented) that the segmentation completes. */
static void
finish(struct gro *g, struct xlat_offload *off)
{
	uint8_t *p = g->buf, *u = p + g->iphlen;
	uint32_t ulen = (uint32_t)(g->len - g->iphlen);

	if (g->iphlen == IP4H) {
		put16(p + 2, (uint16_t)g->len);
		put16(p + 10, 0);
		put16(p + 10, csum_fold(csum_partial(p, IP4H, 0)));
	} else
		put16(p + 4, (uint16_t)ulen);
	put16(u + 4, (uint16_t)ulen);
	put16(u + 6, (uint16_t)~csum_fold(pseudo(p, g->iphlen, ulen)));
	off->flags = XLAT_OFF_NEEDS_CSUM;
	off->gso_type = XLAT_GSO_UDP_L4;
	off->hdr_len = (uint16_t)(g->iphlen + UDPH);
	off->gso_size = g->seg;
	off->csum_start = (uint16_t)g->iphlen;
	off->csum_offset = (uint16_t)offsetof(struct udphdr, uh_sum);
}

unsigned
gro_flush(struct gro *g, struct iovec *iov, struct xlat_offload *off)
{
	unsigned n = g->nseg;

	memset(off, 0, sizeof(*off));
	if (n == 0)
		return 0;
	if (n == 1)
		*off = g->off1;
	else {
		finish(g, off);
		g->batches++;
		g->datagrams += n;
	}
	iov->iov_base = g->buf;
	iov->iov_len = g->len;
	g->nseg = 0;
	return n;
}
