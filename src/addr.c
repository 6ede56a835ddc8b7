/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 6052 address embedding and the special-purpose address tables. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "addr.h"

/* RFC 6052 2.2: bits 64-71 (byte 8) are the reserved "u" octet. */
#define U_OCTET		8

#define IP4(a, b, c, d)	(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
			 ((uint32_t)(c) << 8) | (uint32_t)(d))

bool
addr_prefix_len_ok(unsigned plen)
{
	switch (plen) {
	case 32: case 40: case 48: case 56: case 64: case 96:
		return true;
	default:
		return false;
	}
}

/*
 * RFC 6052 2.2: the IPv4 address starts right after the prefix and jumps
 * over the u-octet.  An invalid length yields ::, which addr6_is_invalid
 * rejects, rather than a plausible wrong address.
 */
void
addr_embed4(const struct in6_addr *prefix, unsigned plen, struct in_addr a4,
    struct in6_addr *out)
{
	const uint8_t *b4 = (const uint8_t *)&a4.s_addr;
	unsigned i, j;

	memset(out, 0, sizeof(*out));
	if (!addr_prefix_len_ok(plen))
		return;
	memcpy(out->s6_addr, prefix->s6_addr, plen / 8);
	for (i = 0, j = plen / 8; i < 4; i++, j++) {
		if (j == U_OCTET)
			j++;
		out->s6_addr[j] = b4[i];
	}
}

/* RFC 6052 2.2: the u-octet and the suffix are ignored on extraction. */
struct in_addr
addr_extract4(const struct in6_addr *a6, unsigned plen)
{
	struct in_addr a4 = { .s_addr = INADDR_ANY };
	uint8_t *b4 = (uint8_t *)&a4.s_addr;
	unsigned i, j;

	if (!addr_prefix_len_ok(plen))
		return a4;
	for (i = 0, j = plen / 8; i < 4; i++, j++) {
		if (j == U_OCTET)
			j++;
		b4[i] = a6->s6_addr[j];
	}
	return a4;
}

bool
addr6_in_prefix(const struct in6_addr *a6, const struct in6_addr *prefix,
    unsigned plen)
{
	unsigned full = plen / 8, rest = plen % 8;
	uint8_t mask;

	if (plen > 128)
		return false;
	if (memcmp(a6->s6_addr, prefix->s6_addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return ((a6->s6_addr[full] ^ prefix->s6_addr[full]) & mask) == 0;
}

uint32_t
addr4_mask(unsigned plen)
{
	if (plen == 0)
		return 0;
	if (plen >= 32)
		return 0xffffffffU;
	return 0xffffffffU << (32 - plen);
}

bool
addr4_in_prefix(struct in_addr a4, struct in_addr prefix, unsigned plen)
{
	if (plen > 32)
		return false;
	return ((ntohl(a4.s_addr) ^ ntohl(prefix.s_addr)) &
	    addr4_mask(plen)) == 0;
}

/*
 * Never translated: "this network", loopback, multicast and the limited
 * broadcast.  Class E (240/4) is translated, as TAYGA does.
 */
bool
addr4_is_invalid(struct in_addr a4)
{
	uint32_t h = ntohl(a4.s_addr);
	uint8_t first = (uint8_t)(h >> 24);

	if (first == 0 || first == IN_LOOPBACKNET)
		return true;
	if (IN_MULTICAST(h))
		return true;
	return h == INADDR_BROADCAST;
}

/*
 * ::/8 (unspecified, loopback, IPv4-compatible and -mapped), multicast
 * and link-local.  64:ff9b::/32 starts with a zero byte but is the
 * RFC 6052/8215 translation space, so it is always valid.
 */
bool
addr6_is_invalid(const struct in6_addr *a6)
{
	static const uint8_t nat64_space[4] = { 0x00, 0x64, 0xff, 0x9b };
	const uint8_t *b = a6->s6_addr;

	if (memcmp(b, nat64_space, sizeof(nat64_space)) == 0)
		return false;
	if (b[0] == 0x00 || b[0] == 0xff)
		return true;
	return b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
}

/*
 * IANA IPv4 Special-Purpose Address Registry (RFC 6890, updated by
 * RFC 8190): entries whose "Globally Reachable" is False.  The longest
 * matching row decides, so a globally reachable row carves an exception
 * out of a wider non-global one.
 *
 * Deliberate departures, both matching TAYGA's wkpf-strict behaviour:
 * - 192.0.0.0/29 (RFC 7335, IPv4 Service Continuity Prefix) is allowed:
 *   a 464XLAT CLAT such as clatd numbers its host side from it and talks
 *   through a PLAT on 64:ff9b::/96.
 * - 192.88.99.0/24 (deprecated 6to4 relay anycast, RFC 7526) is not
 *   listed, so it is allowed.
 */
static const struct {
	uint32_t	net;	/* host order */
	uint8_t		len;
	bool		global;
} special4[] = {
	{ IP4(0, 0, 0, 0),		8,	false },	/* RFC 791 */
	{ IP4(10, 0, 0, 0),		8,	false },	/* RFC 1918 */
	{ IP4(100, 64, 0, 0),		10,	false },	/* RFC 6598 */
	{ IP4(127, 0, 0, 0),		8,	false },	/* RFC 1122 */
	{ IP4(169, 254, 0, 0),		16,	false },	/* RFC 3927 */
	{ IP4(172, 16, 0, 0),		12,	false },	/* RFC 1918 */
	{ IP4(192, 0, 0, 0),		24,	false },	/* RFC 6890 */
	{ IP4(192, 0, 0, 0),		29,	true },		/* RFC 7335, see above */
	{ IP4(192, 0, 0, 9),		32,	true },		/* RFC 7723 PCP anycast */
	{ IP4(192, 0, 0, 10),		32,	true },		/* RFC 8155 TURN anycast */
	{ IP4(192, 0, 2, 0),		24,	false },	/* RFC 5737 */
	{ IP4(192, 168, 0, 0),		16,	false },	/* RFC 1918 */
	{ IP4(198, 18, 0, 0),		15,	false },	/* RFC 2544 */
	{ IP4(198, 51, 100, 0),		24,	false },	/* RFC 5737 */
	{ IP4(203, 0, 113, 0),		24,	false },	/* RFC 5737 */
	{ IP4(240, 0, 0, 0),		4,	false },	/* RFC 1112 */
	{ IP4(255, 255, 255, 255),	32,	false },	/* RFC 919 */
};

bool
addr4_is_nonglobal(struct in_addr a4)
{
	uint32_t h = ntohl(a4.s_addr);
	bool nonglobal = false;
	int best = -1;
	size_t i;

	for (i = 0; i < sizeof(special4) / sizeof(special4[0]); i++) {
		if ((h & addr4_mask(special4[i].len)) != special4[i].net)
			continue;
		if ((int)special4[i].len > best) {
			best = special4[i].len;
			nonglobal = !special4[i].global;
		}
	}
	return nonglobal;
}

/* Exactly 64:ff9b::/96; RFC 8215's 64:ff9b:1::/48 is a local-use NSP. */
bool
addr_is_wkpf(const struct in6_addr *prefix, unsigned plen)
{
	static const uint8_t wkpf[12] = { 0x00, 0x64, 0xff, 0x9b };

	return plen == 96 && memcmp(prefix->s6_addr, wkpf, sizeof(wkpf)) == 0;
}
