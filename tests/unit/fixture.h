/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Packet fixtures for the translation-core tests: builders that write
 * packets with correct lengths and checksums (independently of the
 * translator's own checksum code), a runner, and a byte comparison with
 * a list of fields a case ignores.
 */
#ifndef NAT64D_TEST_FIXTURE_H
#define NAT64D_TEST_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "xlat.h"

#define FX_MAX	70000

/* Parse hex digits (whitespace and ':' ignored); returns bytes written. */
size_t fx_hex(const char *hex, uint8_t *out, size_t cap);

struct in6_addr fx_a6(const char *s);
struct in_addr fx_a4(const char *s);

/* Independent RFC 1071 checksum over a list of buffers. */
uint16_t fx_csum(const void *p, size_t len, uint32_t init);
uint32_t fx_sum(const void *p, size_t len, uint32_t init);

/*
 * Builders write at p and return the packet length.  Transport builders
 * write only the transport segment; wrap it with fx_ip4/fx_ip6, which
 * then fill the transport checksum if fix_l4 (needs the pseudo-header).
 */
struct fx_ip4 {
	const char	*src, *dst;
	uint8_t		proto, ttl, tos;
	uint16_t	id;
	uint16_t	frag;		/* flags (0x4000 DF, 0x2000 MF) | offset */
	const uint8_t	*opts;		/* IPv4 options, multiple of 4 */
	size_t		optlen;
	bool		fix_l4;		/* fill TCP/UDP/ICMP checksum */
	bool		bad_csum;	/* corrupt the header checksum */
};

struct fx_ip6 {
	const char	*src, *dst;
	uint8_t		nh, hlim, tclass;
	uint32_t	flow;
	const uint8_t	*ext;		/* extension headers (already chained) */
	size_t		extlen;
	uint8_t		l4proto;	/* upper-layer proto after ext (for csum) */
	bool		fix_l4;
};

size_t fx_build_ip4(uint8_t *p, const struct fx_ip4 *h, const uint8_t *payload,
    size_t plen);
size_t fx_build_ip6(uint8_t *p, const struct fx_ip6 *h, const uint8_t *payload,
    size_t plen);

/* Transport segments with a zero checksum field (fx_build_* fills it). */
size_t fx_udp(uint8_t *p, uint16_t sport, uint16_t dport,
    const uint8_t *data, size_t dlen);
size_t fx_tcp(uint8_t *p, uint16_t sport, uint16_t dport, uint32_t seq,
    uint8_t flags, const uint8_t *data, size_t dlen);
size_t fx_icmp(uint8_t *p, uint8_t type, uint8_t code, uint32_t rest,
    const uint8_t *data, size_t dlen);

/* Deterministic filler bytes. */
void fx_fill(uint8_t *p, size_t n, uint8_t seed);

/* Run one packet through xlat_packet with XLAT_HEADROOM in front. */
enum xlat_verdict fx_run(struct xlat *x, const uint8_t *pkt, size_t len,
    uint64_t now_ms, struct xlat_out *out);

/* Concatenate output packet i into buf; returns its length. */
size_t fx_out(const struct xlat_out *out, unsigned i, uint8_t *buf, size_t cap);

/* Byte ranges of the output a case does not compare. */
struct fx_ign {
	size_t	off;
	size_t	len;
};
#define FX_IGN_END	{ 0, 0 }
/* IPv4 ID and, because it covers the ID, the header checksum; the
 * checksum is then verified for validity instead. */
#define FX_IGN_IP4_ID	{ 4, 2 }

/*
 * Compare got against want except the ignored ranges (list ends with
 * FX_IGN_END).  On mismatch prints both packets in hex with the first
 * differing offset and fails the test.  If FX_IGN_IP4_ID is ignored and
 * got is IPv4, the header checksum is checked for validity.
 */
void fx_assert_pkt(const uint8_t *got, size_t glen, const uint8_t *want,
    size_t wlen, const struct fx_ign *ign);

/* Assert that the single output packet equals want (with ignores). */
void fx_assert_out1(const struct xlat_out *out, const uint8_t *want,
    size_t wlen, const struct fx_ign *ign);

#endif
