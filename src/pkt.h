/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bounds-checked access to packet bytes and full validation of IPv4 and
 * IPv6 headers.  Parsers check every length before anything else reads a
 * field; callers translate only what a parser accepted.
 */
#ifndef NAT64D_PKT_H
#define NAT64D_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include "xlat.h"

/* Big-endian loads and stores at any alignment. */
static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/*
 * Read cursor.  Every read past the end returns 0 and sets the sticky
 * err flag; check it once after a group of reads.
 */
struct pkt_cur {
	const uint8_t	*p;
	size_t		len;
	size_t		off;
	bool		err;
};

static inline void
cur_init(struct pkt_cur *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->off = 0;
	c->err = false;
}

static inline size_t
cur_left(const struct pkt_cur *c)
{
	return c->err ? 0 : c->len - c->off;
}

static inline const uint8_t *
cur_take(struct pkt_cur *c, size_t n)
{
	const uint8_t *r;

	if (c->err || c->len - c->off < n) {
		c->err = true;
		return NULL;
	}
	r = c->p + c->off;
	c->off += n;
	return r;
}

static inline uint8_t
cur_u8(struct pkt_cur *c)
{
	const uint8_t *p = cur_take(c, 1);

	return p ? p[0] : 0;
}

static inline uint16_t
cur_u16(struct pkt_cur *c)
{
	const uint8_t *p = cur_take(c, 2);

	return p ? get16(p) : 0;
}

static inline uint32_t
cur_u32(struct pkt_cur *c)
{
	const uint8_t *p = cur_take(c, 4);

	return p ? get32(p) : 0;
}

/* Accepted IPv4 header.  Offsets are from the start of the header. */
struct ip4_info {
	size_t		hdr_len;	/* IHL * 4 */
	size_t		pkt_len;	/* bytes present, <= tot_len */
	uint16_t	tot_len;
	uint8_t		tos;
	uint16_t	id;
	bool		df;
	bool		mf;
	uint16_t	frag_off;	/* in 8-byte units */
	uint8_t		ttl;
	uint8_t		proto;
	struct in_addr	src;
	struct in_addr	dst;
	size_t		l4_len;		/* bytes after the header present */
};

/* Accepted IPv6 header chain. */
struct ip6_info {
	size_t		pkt_len;	/* bytes present, <= 40 + plen */
	uint16_t	plen;
	uint8_t		tclass;
	uint32_t	flow;
	uint8_t		hlim;
	struct in6_addr	src;
	struct in6_addr	dst;
	uint8_t		proto;		/* upper layer after extension headers */
	size_t		l4_off;		/* offset of upper-layer data */
	size_t		l4_len;		/* upper-layer bytes present */

	bool		has_frag;
	size_t		frag_hdr_off;
	uint16_t	frag_off;	/* in 8-byte units */
	bool		mf;
	uint32_t	frag_id;

	/* Routing header with Segments Left != 0 (RFC 7915 5.1). */
	bool		segleft_nonzero;
	size_t		segleft_off;	/* offset of the Segments Left field */
};

#define PKT_OUTER	0	/* a whole packet: lengths must agree */
#define PKT_INNER	1	/* inside an ICMP error: may be truncated */

/*
 * Validate and decode.  Return XLAT_DROP_NONE or the reason.  With
 * PKT_INNER the packet may be cut short of its stated length (ICMP
 * errors carry a prefix of the offending packet) but the IP header
 * itself must be whole, and the IPv4 header checksum is not verified.
 */
enum xlat_drop pkt_parse_ip4(const uint8_t *p, size_t len, int mode,
    struct ip4_info *out) __attribute__((warn_unused_result));
enum xlat_drop pkt_parse_ip6(const uint8_t *p, size_t len, int mode,
    struct ip6_info *out) __attribute__((warn_unused_result));

/*
 * Transport headers, the same checks for both directions: a TCP header
 * with a sane data offset, a UDP length within [8, len] when the whole
 * datagram is here (whole == false for a first fragment).
 */
enum xlat_drop pkt_check_tcp(const uint8_t *l4, size_t len)
    __attribute__((warn_unused_result));
enum xlat_drop pkt_check_udp(const uint8_t *l4, size_t len, bool whole)
    __attribute__((warn_unused_result));

#endif
