/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 7915 section 5 (IPv6 -> IPv4) fixtures: every expected packet is
 * built independently with the fixture builders (checksums from scratch)
 * and compared byte for byte.  Test names cite the RFC section proved;
 * tests/RFC7915.md traces each MUST/SHOULD to them.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <cmocka.h>

#include "fixture.h"
#include "fx_env.h"
#include "maps.h"
#include "pool.h"
#include "xlat.h"
#include "xlat_int.h"

/* The H4/H6 literals below override their defaults on purpose. */
#ifdef __clang__
#pragma clang diagnostic ignored "-Winitializer-overrides"
#else
#pragma GCC diagnostic ignored "-Woverride-init"
#endif

/* Network-specific prefix 2001:db8:64::/96 (RFC 6052 2.4 style). */
#define S6	"2001:db8:64::c633:6402"	/* 198.51.100.2 */
#define D6	"2001:db8:64::cb00:7105"	/* 203.0.113.5 */
#define S4	"198.51.100.2"
#define D4	"203.0.113.5"
#define R6	"2001:db8:ffff::1"	/* native IPv6 router, no IPv4 */
#define N6	"2001:db8:99::7"	/* outside prefix, EAM and pool */
#define OWN4	"192.0.2.1"
#define OWN6	"2001:db8:1::1"
#define NOW	1000000

#define H6(...) (&(struct fx_ip6){ .src = S6, .dst = D6, .hlim = 64, \
	.fix_l4 = true, __VA_ARGS__ })
#define H4(...) (&(struct fx_ip4){ .src = S4, .dst = D4, .ttl = 63, \
	.fix_l4 = true, __VA_ARGS__ })

static struct xlat_out OUT;
static uint8_t IN[FX_MAX], WANT[FX_MAX], SEG[FX_MAX], DATA[FX_MAX];
static uint8_t GOT[FX_MAX], INNER[FX_MAX], INNER6[FX_MAX], SEG2[FX_MAX];
static uint8_t FULL[FX_MAX];

/* ---- configurations */

static struct fx_env E = { .own4 = OWN4, .own6 = OWN6 };
#define cfg	(E.cfg)
#define X	(E.x)
#define M	(E.m)
#define P	(E.p)

static void
reset(void)
{
	fx_env_reset(&E);
}

static void
use_prefix(const char *prefix, unsigned len, bool strict)
{
	fx_env_prefix(&E, prefix, len, strict);
}

static void
nsp(void)
{
	use_prefix("2001:db8:64::", 96, false);
}

static void
reinit(void)
{
	fx_env_reinit(&E);
}

static void
add_eam(const char *p4, unsigned l4, const char *p6, unsigned l6)
{
	fx_env_eam(&E, p4, l4, p6, l6);
}

static void
add_pool(const char *net, unsigned len)
{
	fx_env_pool(&E, net, len);
}

static int
teardown(void **st)
{
	reset();
	return 0;
}

/* ---- builders */

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

static size_t
udp_seg(uint8_t *p, size_t dlen, uint8_t seed)
{
	fx_fill(DATA, dlen, seed);
	return fx_udp(p, 40000, 53, DATA, dlen);
}

static size_t
tcp_seg(uint8_t *p, size_t dlen, uint8_t seed)
{
	fx_fill(DATA, dlen, seed);
	return fx_tcp(p, 40001, 443, 0x01020304, 0x18, DATA, dlen);
}

static size_t
udp6(uint8_t *p, const struct fx_ip6 *h, size_t dlen)
{
	size_t n = udp_seg(SEG, dlen, 3);
	struct fx_ip6 hh = *h;

	if (hh.extlen)
		hh.l4proto = IPPROTO_UDP;
	else
		hh.nh = IPPROTO_UDP;
	return fx_build_ip6(p, &hh, SEG, n);
}

static size_t
udp4(uint8_t *p, const struct fx_ip4 *h, size_t dlen)
{
	size_t n = udp_seg(SEG, dlen, 3);
	struct fx_ip4 hh = *h;

	hh.proto = IPPROTO_UDP;
	return fx_build_ip4(p, &hh, SEG, n);
}

static size_t
tcp6(uint8_t *p, const struct fx_ip6 *h, size_t dlen)
{
	size_t n = tcp_seg(SEG, dlen, 5);
	struct fx_ip6 hh = *h;

	if (hh.extlen)
		hh.l4proto = IPPROTO_TCP;
	else
		hh.nh = IPPROTO_TCP;
	return fx_build_ip6(p, &hh, SEG, n);
}

static size_t
tcp4(uint8_t *p, const struct fx_ip4 *h, size_t dlen)
{
	size_t n = tcp_seg(SEG, dlen, 5);
	struct fx_ip4 hh = *h;

	hh.proto = IPPROTO_TCP;
	return fx_build_ip4(p, &hh, SEG, n);
}

static size_t
echo6(uint8_t *p, const struct fx_ip6 *h, uint8_t type, size_t dlen)
{
	size_t n;
	struct fx_ip6 hh = *h;

	fx_fill(DATA, dlen, 9);
	n = fx_icmp(SEG, type, 0, 0x4d2001c, DATA, dlen);
	if (hh.extlen)
		hh.l4proto = IPPROTO_ICMPV6;
	else
		hh.nh = IPPROTO_ICMPV6;
	return fx_build_ip6(p, &hh, SEG, n);
}

static size_t
echo4(uint8_t *p, const struct fx_ip4 *h, uint8_t type, size_t dlen)
{
	size_t n;
	struct fx_ip4 hh = *h;

	fx_fill(DATA, dlen, 9);
	n = fx_icmp(SEG, type, 0, 0x4d2001c, DATA, dlen);
	hh.proto = IPPROTO_ICMP;
	return fx_build_ip4(p, &hh, SEG, n);
}

/* Any ICMPv6 message (checksum with pseudo-header by the builder). */
static size_t
icmp6(uint8_t *p, const struct fx_ip6 *h, uint8_t type, uint8_t code,
    uint32_t rest, const uint8_t *data, size_t dlen)
{
	size_t n = fx_icmp(SEG2, type, code, rest, data, dlen);
	struct fx_ip6 hh = *h;

	hh.nh = IPPROTO_ICMPV6;
	return fx_build_ip6(p, &hh, SEG2, n);
}

static size_t
icmp4(uint8_t *p, const struct fx_ip4 *h, uint8_t type, uint8_t code,
    uint32_t rest, const uint8_t *data, size_t dlen)
{
	size_t n = fx_icmp(SEG2, type, code, rest, data, dlen);
	struct fx_ip4 hh = *h;

	hh.proto = IPPROTO_ICMP;
	return fx_build_ip4(p, &hh, SEG2, n);
}

/* IPv6 fragment of a whole datagram (no extension headers in full). */
static size_t
frag6(uint8_t *p, const uint8_t *full, size_t off, size_t n, bool mf,
    uint32_t id)
{
	memmove(p, full, 40);
	wr16(p + 4, (uint16_t)(8 + n));
	p[6] = IPPROTO_FRAGMENT;
	p[40] = full[6];
	p[41] = 0;
	wr16(p + 42, (uint16_t)((off / 8) << 3 | (mf ? 1 : 0)));
	wr32(p + 44, id);
	memmove(p + 48, full + 40 + off, n);
	return 48 + n;
}

/* Cut an IPv4 fragment out of a whole datagram (header recomputed). */
static size_t
frag4(uint8_t *p, const uint8_t *full, size_t off, size_t n, bool mf,
    uint16_t id)
{
	memmove(p, full, 20);
	memmove(p + 20, full + 20 + off, n);
	wr16(p + 2, (uint16_t)(20 + n));
	wr16(p + 4, id);
	wr16(p + 6, (uint16_t)((mf ? 0x2000 : 0) | off / 8));
	wr16(p + 10, 0);
	wr16(p + 10, fx_csum(p, 20, 0));
	return 20 + n;
}

/* Our own ICMPv6 error about orig (RFC 7915 5.4): 1280 bytes at most. */
static size_t
err6(uint8_t *w, const char *dst, uint8_t type, uint8_t code, uint32_t rest,
    const uint8_t *orig, size_t olen)
{
	size_t n = olen > 1232 ? 1232 : olen;

	return icmp6(w, &(struct fx_ip6){ .src = OWN6, .dst = dst,
	    .hlim = 64, .fix_l4 = true }, type, code, rest, orig, n);
}

/* Extension headers: 8-byte hop-by-hop / destination options (PadN). */
static size_t
opt_hdr(uint8_t *p, uint8_t nh)
{
	static const uint8_t pad[8] = { 0, 0, 1, 4, 0, 0, 0, 0 };

	memcpy(p, pad, 8);
	p[0] = nh;
	return 8;
}

/* A 24-byte routing header (type 0 layout, one address). */
static size_t
rt_hdr(uint8_t *p, uint8_t nh, uint8_t segleft)
{
	memset(p, 0, 24);
	p[0] = nh;
	p[1] = 2;
	p[2] = 0;
	p[3] = segleft;
	memcpy(p + 8, fx_a6("2001:db8:5::1").s6_addr, 16);
	return 24;
}

/* ---- runners */

static enum xlat_verdict
run(size_t len)
{
	return fx_run(&X, IN, len, NOW, &OUT);
}

/* The ID the generator hands out next, without consuming it. */
static uint16_t
peek_id(void)
{
	struct xlat y = X;

	return xlat_next_id(&y);
}

/* Run IN and compare with the IPv4 packet h + seg (ID from generator
 * unless the case sets it). */
static void
expect4_seg(size_t inlen, struct fx_ip4 h, bool gen_id, const uint8_t *seg,
    size_t n)
{
	uint16_t id = peek_id();
	size_t w;

	assert_int_equal(run(inlen), XLAT_FORWARD);
	assert_int_equal(OUT.reason, XLAT_DROP_NONE);
	if (gen_id)
		h.id = id;
	w = fx_build_ip4(WANT, &h, seg, n);
	fx_assert_out1(&OUT, WANT, w, NULL);
}

static void
expect4_raw(size_t inlen, size_t wlen)
{
	assert_int_equal(run(inlen), XLAT_FORWARD);
	assert_int_equal(OUT.reason, XLAT_DROP_NONE);
	fx_assert_out1(&OUT, WANT, wlen, NULL);
}

static void
expect_drop(size_t inlen, enum xlat_drop r)
{
	uint64_t before = X.stats.drop[r];

	assert_int_equal(run(inlen), XLAT_DROP);
	assert_string_equal(xlat_drop_name(OUT.reason), xlat_drop_name(r));
	assert_int_equal(OUT.n, 0);
	assert_int_equal(X.stats.drop[r], before + 1);
}

static void
expect_reject(size_t inlen, const char *dst, uint8_t type, uint8_t code,
    uint32_t rest, enum xlat_drop r)
{
	uint64_t icmp_before = X.stats.icmp_out;
	size_t wl;

	assert_int_equal(run(inlen), XLAT_REJECT);
	assert_string_equal(xlat_drop_name(OUT.reason), xlat_drop_name(r));
	wl = err6(WANT, dst, type, code, rest, IN, inlen);
	fx_assert_out1(&OUT, WANT, wl, NULL);
	assert_int_equal(X.stats.icmp_out, icmp_before + 1);
}

/* UDP S6->D6 with dlen data bytes: in IN, expected in WANT. */
static void
udp_case(const struct fx_ip6 *h6, const struct fx_ip4 *h4, size_t dlen)
{
	size_t n = udp6(IN, h6, dlen), k;

	k = udp_seg(SEG2, dlen, 3);
	expect4_seg(n, *h4, true, SEG2, k);
}

/* ==== RFC 7915 5.1: header fields */

static void
rfc7915_5_1_udp_translated(void **st)
{
	nsp();
	udp_case(H6(), H4(.proto = IPPROTO_UDP), 20);
	assert_int_equal(X.stats.tx4, 1);
}

static void
rfc7915_5_1_tcp_translated(void **st)
{
	size_t n, k;

	nsp();
	n = tcp6(IN, H6(), 100);
	k = tcp_seg(SEG2, 100, 5);
	expect4_seg(n, *H4(.proto = IPPROTO_TCP), true, SEG2, k);
}

static void
rfc7915_5_1_version_ihl_no_options(void **st)
{
	nsp();
	udp_case(H6(), H4(.proto = IPPROTO_UDP), 0);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	assert_int_equal(GOT[0], 0x45);
}

static void
rfc7915_5_1_tclass_copied_to_tos(void **st)
{
	nsp();
	udp_case(H6(.tclass = 0xb9), H4(.proto = IPPROTO_UDP, .tos = 0xb9),
	    10);
	udp_case(H6(.tclass = 0xff), H4(.proto = IPPROTO_UDP, .tos = 0xff),
	    10);
}

static void
rfc7915_5_1_flow_label_ignored(void **st)
{
	nsp();
	udp_case(H6(.flow = 0xabcde), H4(.proto = IPPROTO_UDP), 10);
}

static void
rfc7915_5_1_total_length(void **st)
{
	nsp();
	udp_case(H6(), H4(.proto = IPPROTO_UDP), 333);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	assert_int_equal(GOT[2] << 8 | GOT[3], 20 + 8 + 333);
}

static void
rfc7915_5_1_trailing_bytes_ignored(void **st)
{
	size_t n, k;

	/* Bytes after the Payload Length are not part of the packet. */
	nsp();
	n = udp6(IN, H6(), 10);
	memset(IN + n, 0xaa, 7);
	k = udp_seg(SEG2, 10, 3);
	expect4_seg(n + 7, *H4(.proto = IPPROTO_UDP), true, SEG2, k);
}

static void
rfc7915_5_1_hop_limit_decremented(void **st)
{
	nsp();
	udp_case(H6(.hlim = 2), H4(.proto = IPPROTO_UDP, .ttl = 1), 10);
	udp_case(H6(.hlim = 255), H4(.proto = IPPROTO_UDP, .ttl = 254), 10);
}

static void
rfc7915_5_1_hop_limit_expired_time_exceeded(void **st)
{
	size_t n;

	nsp();
	n = udp6(IN, H6(.hlim = 1), 10);
	expect_reject(n, S6, ICMP6_TIME_EXCEEDED, 0, 0, XLAT_DROP_TTL_EXPIRED);
	n = udp6(IN, H6(.hlim = 0), 10);
	expect_reject(n, S6, ICMP6_TIME_EXCEEDED, 0, 0, XLAT_DROP_TTL_EXPIRED);
	assert_int_equal(X.stats.tx6, 2);
	assert_int_equal(X.stats.tx4, 0);
}

static void
rfc7915_5_1_df_clear_up_to_1260(void **st)
{
	/* 1260-byte IPv4 packet: UDP 8 + 1232 data. */
	nsp();
	udp_case(H6(), H4(.proto = IPPROTO_UDP), 1232);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	assert_int_equal(GOT[2] << 8 | GOT[3], 1260);
	assert_int_equal(GOT[6] & 0x40, 0);
}

static void
rfc7915_5_1_df_set_above_1260(void **st)
{
	nsp();
	udp_case(H6(), H4(.proto = IPPROTO_UDP, .frag = 0x4000), 1233);
	udp_case(H6(), H4(.proto = IPPROTO_UDP, .frag = 0x4000), 1400);
}

static void
rfc7915_5_1_identification_generated(void **st)
{
	uint16_t a, b;

	nsp();
	udp_case(H6(), H4(.proto = IPPROTO_UDP), 10);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	a = (uint16_t)(GOT[4] << 8 | GOT[5]);
	udp_case(H6(), H4(.proto = IPPROTO_UDP), 10);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	b = (uint16_t)(GOT[4] << 8 | GOT[5]);
	assert_int_not_equal(a, b);
}

static void
rfc7915_5_1_hop_by_hop_skipped(void **st)
{
	uint8_t ext[8];
	size_t e = opt_hdr(ext, IPPROTO_UDP);

	nsp();
	udp_case(H6(.nh = IPPROTO_HOPOPTS, .ext = ext, .extlen = e),
	    H4(.proto = IPPROTO_UDP), 30);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	assert_int_equal(GOT[2] << 8 | GOT[3], 20 + 8 + 30);
}

static void
rfc7915_5_1_destination_options_skipped(void **st)
{
	uint8_t ext[8];
	size_t e = opt_hdr(ext, IPPROTO_TCP), n, k;

	nsp();
	n = tcp6(IN, H6(.nh = IPPROTO_DSTOPTS, .ext = ext, .extlen = e), 40);
	k = tcp_seg(SEG2, 40, 5);
	expect4_seg(n, *H4(.proto = IPPROTO_TCP), true, SEG2, k);
}

static void
rfc7915_5_1_routing_segments_left_zero_skipped(void **st)
{
	uint8_t ext[24];
	size_t e = rt_hdr(ext, IPPROTO_UDP, 0);

	nsp();
	udp_case(H6(.nh = IPPROTO_ROUTING, .ext = ext, .extlen = e),
	    H4(.proto = IPPROTO_UDP), 30);
}

static void
rfc7915_5_1_extension_chain_skipped(void **st)
{
	uint8_t ext[48];
	size_t e;

	nsp();
	e = opt_hdr(ext, IPPROTO_DSTOPTS);
	e += opt_hdr(ext + e, IPPROTO_ROUTING);
	e += rt_hdr(ext + e, IPPROTO_DSTOPTS, 0);
	e += opt_hdr(ext + e, IPPROTO_UDP);
	udp_case(H6(.nh = IPPROTO_HOPOPTS, .ext = ext, .extlen = e),
	    H4(.proto = IPPROTO_UDP), 30);
}

static void
rfc7915_5_1_routing_segments_left_parameter_problem(void **st)
{
	uint8_t ext[32];
	size_t e, n;

	nsp();
	e = rt_hdr(ext, IPPROTO_UDP, 1);
	n = udp6(IN, H6(.nh = IPPROTO_ROUTING, .ext = ext, .extlen = e), 10);
	expect_reject(n, S6, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER, 43,
	    XLAT_DROP_ROUTING_HDR);
}

static void
rfc7915_5_1_routing_segments_left_pointer_after_hop_by_hop(void **st)
{
	uint8_t ext[32];
	size_t e, n;

	nsp();
	e = opt_hdr(ext, IPPROTO_ROUTING);
	e += rt_hdr(ext + e, IPPROTO_TCP, 3);
	n = tcp6(IN, H6(.nh = IPPROTO_HOPOPTS, .ext = ext, .extlen = e), 10);
	expect_reject(n, S6, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER, 51,
	    XLAT_DROP_ROUTING_HDR);
}

static void
rfc7915_5_1_next_header_copied(void **st)
{
	size_t n;

	/* SCTP (132) and GRE (47): payload untouched, protocol copied. */
	nsp();
	fx_fill(SEG2, 64, 1);
	n = fx_build_ip6(IN, H6(.nh = IPPROTO_SCTP), SEG2, 64);
	expect4_seg(n, *H4(.proto = IPPROTO_SCTP), true, SEG2, 64);
	n = fx_build_ip6(IN, H6(.nh = IPPROTO_GRE), SEG2, 64);
	expect4_seg(n, *H4(.proto = IPPROTO_GRE), true, SEG2, 64);
}

static void
rfc7915_5_1_icmpv6_protocol_becomes_icmp(void **st)
{
	size_t n, w;
	uint16_t id;

	nsp();
	n = echo6(IN, H6(), ICMP6_ECHO_REQUEST, 16);
	id = peek_id();
	w = echo4(WANT, H4(.id = id), ICMP_ECHO, 16);
	expect4_raw(n, w);
	assert_int_equal(WANT[9], IPPROTO_ICMP);
}

static void
rfc7915_5_1_src_reserved_dropped(void **st)
{
	size_t n;

	nsp();
	n = udp6(IN, H6(.src = "::1"), 10);
	expect_drop(n, XLAT_DROP_SRC_RESERVED);
	n = udp6(IN, H6(.src = "fe80::1"), 10);
	expect_drop(n, XLAT_DROP_SRC_RESERVED);
	n = udp6(IN, H6(.src = "ff0e::1"), 10);
	expect_drop(n, XLAT_DROP_SRC_RESERVED);
	n = udp6(IN, H6(.src = "::ffff:198.51.100.2"), 10);
	expect_drop(n, XLAT_DROP_SRC_RESERVED);
}

static void
rfc7915_5_1_dst_reserved_dropped(void **st)
{
	size_t n;

	nsp();
	n = udp6(IN, H6(.dst = "ff02::1"), 10);
	expect_drop(n, XLAT_DROP_DST_RESERVED);
	n = udp6(IN, H6(.dst = "::"), 10);
	expect_drop(n, XLAT_DROP_DST_RESERVED);
}

static void
rfc7915_5_1_extracted_address_reserved_dropped(void **st)
{
	size_t n;

	nsp();
	n = udp6(IN, H6(.dst = "2001:db8:64::7f00:1"), 10);	/* 127.0.0.1 */
	expect_drop(n, XLAT_DROP_DST_RESERVED);
	n = udp6(IN, H6(.dst = "2001:db8:64::e000:1"), 10);	/* 224.0.0.1 */
	expect_drop(n, XLAT_DROP_DST_RESERVED);
	n = udp6(IN, H6(.dst = "2001:db8:64::ffff:ffff"), 10);
	expect_drop(n, XLAT_DROP_DST_RESERVED);
	n = udp6(IN, H6(.src = "2001:db8:64::1"), 10);		/* 0.0.0.1 */
	expect_drop(n, XLAT_DROP_SRC_RESERVED);
	assert_int_equal(X.stats.icmp_out, 0);
}

static void
rfc7915_5_4_dst_unmapped_admin_prohibited(void **st)
{
	size_t n;

	nsp();
	n = udp6(IN, H6(.dst = N6), 10);
	expect_reject(n, S6, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADMIN, 0,
	    XLAT_DROP_DST_UNMAPPED);
}

static void
rfc7915_5_4_src_unmapped_policy_failed(void **st)
{
	size_t n;

	nsp();
	n = udp6(IN, H6(.src = N6), 10);
	expect_reject(n, N6, ICMP6_DST_UNREACH, 5, 0, XLAT_DROP_SRC_UNMAPPED);
}

static void
rfc7915_5_4_no_error_about_icmpv6_error(void **st)
{
	size_t n;

	/* An error with an unmappable destination: dropped, no answer. */
	nsp();
	n = udp6(INNER6, H6(.src = D6, .dst = S6), 10);
	n = icmp6(IN, H6(.dst = N6), ICMP6_DST_UNREACH, 4, 0, INNER6, n);
	expect_drop(n, XLAT_DROP_DST_UNMAPPED);
	assert_int_equal(X.stats.icmp_out, 0);
}

static void
rfc7915_5_4_no_error_about_non_first_fragment(void **st)
{
	size_t n;

	nsp();
	udp6(FULL, H6(.hlim = 1), 200);
	n = frag6(IN, FULL, 104, 104, false, 77);
	expect_drop(n, XLAT_DROP_TTL_EXPIRED);
	assert_int_equal(X.stats.icmp_out, 0);
}

static void
rfc7915_5_4_error_truncated_to_1280(void **st)
{
	size_t n;

	nsp();
	n = udp6(IN, H6(.hlim = 1), 1400);
	expect_reject(n, S6, ICMP6_TIME_EXCEEDED, 0, 0, XLAT_DROP_TTL_EXPIRED);
	assert_int_equal(fx_out(&OUT, 0, GOT, sizeof(GOT)), 1280);
}

static void
rfc7915_5_4_error_rate_limited(void **st)
{
	size_t n;

	nsp();
	cfg.icmp_rate = 1;
	cfg.icmp_burst = 1;
	reinit();
	n = udp6(IN, H6(.hlim = 1), 10);
	expect_reject(n, S6, ICMP6_TIME_EXCEEDED, 0, 0, XLAT_DROP_TTL_EXPIRED);
	expect_drop(n, XLAT_DROP_TTL_EXPIRED);
	assert_int_equal(X.stats.drop[XLAT_DROP_RATELIMITED], 1);
	/* One second later the bucket holds a token again. */
	assert_int_equal(fx_run(&X, IN, n, NOW + 1000, &OUT), XLAT_REJECT);
}

static void
rfc7915_5_4_no_error_to_invalid_source(void **st)
{
	size_t n;

	nsp();
	n = udp6(IN, H6(.src = "ff0e::1", .dst = N6), 10);
	expect_drop(n, XLAT_DROP_DST_UNMAPPED);
	assert_int_equal(X.stats.icmp_out, 0);
}

/* ==== RFC 7915 5 intro, 5.1: the translator as a router (MTU) */

static void
rfc7915_5_too_big_packet_too_big(void **st)
{
	size_t n;

	/* IPv6 1521 -> IPv4 1501 > 1500. */
	nsp();
	n = udp6(IN, H6(), 1473);
	expect_reject(n, S6, ICMP6_PACKET_TOO_BIG, 0, 1520, XLAT_DROP_TOO_BIG);
}

static void
rfc7915_5_exact_mtu_forwarded(void **st)
{
	nsp();
	udp_case(H6(), H4(.proto = IPPROTO_UDP, .frag = 0x4000), 1472);
	assert_int_equal(fx_out(&OUT, 0, GOT, sizeof(GOT)), 1500);
}

static void
rfc7915_5_mtu_follows_config(void **st)
{
	size_t n;

	nsp();
	cfg.mtu = 1280;
	reinit();
	n = udp6(IN, H6(), 1253);
	expect_reject(n, S6, ICMP6_PACKET_TOO_BIG, 0, 1300, XLAT_DROP_TOO_BIG);
	udp_case(H6(), H4(.proto = IPPROTO_UDP, .frag = 0x4000), 1252);
}

static void
rfc7915_5_extension_headers_count_not_for_mtu(void **st)
{
	uint8_t ext[24];
	size_t e = rt_hdr(ext, IPPROTO_UDP, 0);

	/* 1544-byte IPv6 packet becomes exactly 1500 bytes of IPv4. */
	nsp();
	udp_case(H6(.nh = IPPROTO_ROUTING, .ext = ext, .extlen = e),
	    H4(.proto = IPPROTO_UDP, .frag = 0x4000), 1472);
}

static void
rfc7915_5_non_first_fragment_too_big_dropped(void **st)
{
	size_t n;

	nsp();
	udp6(FULL, H6(), 3000);
	n = frag6(IN, FULL, 1496, 1496, true, 5);
	expect_drop(n, XLAT_DROP_TOO_BIG);
	n = frag6(IN, FULL, 0, 1496, true, 5);
	expect_reject(n, S6, ICMP6_PACKET_TOO_BIG, 0, 1520, XLAT_DROP_TOO_BIG);
}

/* ==== RFC 7915 5.1.1: Fragment header */

static void
rfc7915_5_1_1_first_fragment(void **st)
{
	size_t n, w, k;

	/* ID low 16 bits, MF copied, DF clear, UDP checksum adjusted. */
	nsp();
	udp6(FULL, H6(.tclass = 0x28), 500);
	n = frag6(IN, FULL, 0, 256, true, 0x12345678);
	udp4(FULL + 2000, H4(.tos = 0x28), 500);
	k = frag4(WANT, FULL + 2000, 0, 256, true, 0x5678);
	w = k;
	expect4_raw(n, w);
}

static void
rfc7915_5_1_1_middle_fragment_untouched(void **st)
{
	size_t n, w;

	nsp();
	udp6(FULL, H6(), 800);
	n = frag6(IN, FULL, 256, 256, true, 0xabcd0001);
	udp4(FULL + 2000, H4(), 800);
	w = frag4(WANT, FULL + 2000, 256, 256, true, 0x0001);
	expect4_raw(n, w);
}

static void
rfc7915_5_1_1_last_fragment(void **st)
{
	size_t n, w;

	nsp();
	udp6(FULL, H6(), 500);
	n = frag6(IN, FULL, 256, 252, false, 0xffff);
	udp4(FULL + 2000, H4(), 500);
	w = frag4(WANT, FULL + 2000, 256, 252, false, 0xffff);
	expect4_raw(n, w);
}

static void
rfc7915_5_1_1_atomic_fragment(void **st)
{
	size_t n, w;

	/* Offset 0, M 0: still translated with ID copied and DF clear. */
	nsp();
	udp6(FULL, H6(), 40);
	n = frag6(IN, FULL, 0, 48, false, 0x00010002);
	udp4(FULL + 2000, H4(), 40);
	w = frag4(WANT, FULL + 2000, 0, 48, false, 0x0002);
	expect4_raw(n, w);
}

static void
rfc7915_5_1_1_large_fragment_df_clear(void **st)
{
	size_t n, w;

	nsp();
	udp6(FULL, H6(), 3000);
	n = frag6(IN, FULL, 1400, 1400, true, 9);
	udp4(FULL + 4000, H4(), 3000);
	w = frag4(WANT, FULL + 4000, 1400, 1400, true, 9);
	expect4_raw(n, w);
	assert_int_equal(WANT[6] & 0x40, 0);
}

static void
rfc7915_5_1_1_tcp_first_fragment_checksum(void **st)
{
	size_t n, w;

	nsp();
	tcp6(FULL, H6(), 300);
	n = frag6(IN, FULL, 0, 160, true, 0x10);
	tcp4(FULL + 2000, H4(), 300);
	w = frag4(WANT, FULL + 2000, 0, 160, true, 0x10);
	expect4_raw(n, w);
}

static void
rfc7915_5_1_1_hop_by_hop_before_fragment_removed(void **st)
{
	size_t n, w;
	uint8_t *p;

	nsp();
	udp6(FULL, H6(), 200);
	n = frag6(IN + 8, FULL, 0, 104, true, 0x4242);
	/* Insert a hop-by-hop header before the fragment header. */
	memmove(IN, IN + 8, 40);
	p = IN + 40;
	opt_hdr(p, IPPROTO_FRAGMENT);
	IN[6] = IPPROTO_HOPOPTS;
	wr16(IN + 4, (uint16_t)(n - 40 + 8));
	udp4(FULL + 2000, H4(), 200);
	w = frag4(WANT, FULL + 2000, 0, 104, true, 0x4242);
	expect4_raw(n + 8, w);
}

static void
rfc7915_5_1_1_extension_after_fragment_dropped(void **st)
{
	uint8_t body[64];
	size_t n;

	/* Fragment header, then destination options: SHOULD drop. */
	nsp();
	memset(body, 0, sizeof(body));
	body[0] = IPPROTO_DSTOPTS;
	wr16(body + 2, 1);	/* offset 0, M */
	wr32(body + 4, 1);
	opt_hdr(body + 8, IPPROTO_UDP);
	udp_seg(body + 16, 40, 1);
	n = fx_build_ip6(IN, &(struct fx_ip6){ .src = S6, .dst = D6,
	    .hlim = 64, .nh = IPPROTO_FRAGMENT }, body, 64);
	expect_drop(n, XLAT_DROP_PROTO_UNSUPPORTED);
	/* The later fragments of the same packet go the same way. */
	wr16(body + 2, 8 << 3);
	n = fx_build_ip6(IN, &(struct fx_ip6){ .src = S6, .dst = D6,
	    .hlim = 64, .nh = IPPROTO_FRAGMENT }, body, 64);
	expect_drop(n, XLAT_DROP_PROTO_UNSUPPORTED);
	/* AH and HIP are extension headers too (RFC 7045 list). */
	body[0] = IPPROTO_AH;
	n = fx_build_ip6(IN, &(struct fx_ip6){ .src = S6, .dst = D6,
	    .hlim = 64, .nh = IPPROTO_FRAGMENT }, body, 64);
	expect_drop(n, XLAT_DROP_PROTO_UNSUPPORTED);
	body[0] = 139;
	n = fx_build_ip6(IN, &(struct fx_ip6){ .src = S6, .dst = D6,
	    .hlim = 64, .nh = IPPROTO_FRAGMENT }, body, 64);
	expect_drop(n, XLAT_DROP_PROTO_UNSUPPORTED);
}

static void
rfc7915_5_1_1_esp_after_fragment_translated(void **st)
{
	uint8_t body[64];
	size_t n, w;
	uint16_t id;

	nsp();
	fx_fill(body, sizeof(body), 4);
	body[0] = IPPROTO_ESP;
	body[1] = 0;
	wr16(body + 2, 0);
	wr32(body + 4, 0x99);
	n = fx_build_ip6(IN, &(struct fx_ip6){ .src = S6, .dst = D6,
	    .hlim = 64, .nh = IPPROTO_FRAGMENT }, body, 64);
	id = 0x99;
	w = fx_build_ip4(WANT, H4(.proto = IPPROTO_ESP, .id = id), body + 8,
	    56);
	expect4_raw(n, w);
}

static void
rfc7915_5_1_1_fragmented_icmpv6_dropped(void **st)
{
	size_t n;

	nsp();
	echo6(FULL, H6(), ICMP6_ECHO_REQUEST, 300);
	n = frag6(IN, FULL, 0, 160, true, 3);
	expect_drop(n, XLAT_DROP_FRAG_ICMP);
	n = frag6(IN, FULL, 160, 148, false, 3);
	expect_drop(n, XLAT_DROP_FRAG_ICMP);
}

static void
rfc7915_5_1_1_fragment_ttl_decremented(void **st)
{
	size_t n, w;

	nsp();
	udp6(FULL, H6(.hlim = 9), 500);
	n = frag6(IN, FULL, 256, 252, false, 1);
	udp4(FULL + 2000, H4(.ttl = 8), 500);
	w = frag4(WANT, FULL + 2000, 256, 252, false, 1);
	expect4_raw(n, w);
}

/* ==== RFC 7915 5.2: ICMPv6 informational messages */

static void
rfc7915_5_2_echo_request(void **st)
{
	size_t n, w;

	nsp();
	n = echo6(IN, H6(.tclass = 4), ICMP6_ECHO_REQUEST, 56);
	w = echo4(WANT, H4(.tos = 4, .id = peek_id()), ICMP_ECHO, 56);
	expect4_raw(n, w);
}

static void
rfc7915_5_2_echo_reply(void **st)
{
	size_t n, w;

	nsp();
	n = echo6(IN, H6(), ICMP6_ECHO_REPLY, 56);
	w = echo4(WANT, H4(.id = peek_id()), ICMP_ECHOREPLY, 56);
	expect4_raw(n, w);
}

static void
rfc7915_5_2_echo_odd_length(void **st)
{
	size_t n, w;

	nsp();
	n = echo6(IN, H6(), ICMP6_ECHO_REQUEST, 33);
	w = echo4(WANT, H4(.id = peek_id()), ICMP_ECHO, 33);
	expect4_raw(n, w);
	n = echo6(IN, H6(), ICMP6_ECHO_REQUEST, 0);
	w = echo4(WANT, H4(.id = peek_id()), ICMP_ECHO, 0);
	expect4_raw(n, w);
}

static void
rfc7915_5_2_echo_nonzero_code_dropped(void **st)
{
	size_t n;

	nsp();
	n = icmp6(IN, H6(), ICMP6_ECHO_REQUEST, 1, 0, DATA, 0);
	expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
}

static void
rfc7915_5_2_mld_dropped(void **st)
{
	uint8_t t;
	size_t n;

	nsp();
	for (t = 130; t <= 132; t++) {
		n = icmp6(IN, H6(), t, 0, 0, DATA, 16);
		expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
	}
	assert_int_equal(X.stats.icmp_out, 0);
}

static void
rfc7915_5_2_neighbor_discovery_dropped(void **st)
{
	uint8_t t;
	size_t n;

	nsp();
	memset(DATA, 0, 32);
	for (t = 133; t <= 137; t++) {
		n = icmp6(IN, H6(.hlim = 255), t, 0, 0, DATA, 32);
		expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
	}
}

static void
rfc7915_5_2_unknown_informational_dropped(void **st)
{
	size_t n;

	nsp();
	n = icmp6(IN, H6(), 200, 0, 0, DATA, 0);
	expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
	n = icmp6(IN, H6(), 255, 0, 0, DATA, 0);
	expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
}

static void
rfc7915_5_2_bad_checksum_dropped(void **st)
{
	size_t n;

	nsp();
	n = echo6(IN, H6(), ICMP6_ECHO_REQUEST, 20);
	IN[n - 1] ^= 1;
	expect_drop(n, XLAT_DROP_BAD_ICMP_CSUM);
}

static void
rfc7915_5_2_truncated_header_dropped(void **st)
{
	size_t n;

	nsp();
	memset(SEG2, 0, 8);
	SEG2[0] = ICMP6_ECHO_REQUEST;
	n = fx_build_ip6(IN, H6(.nh = IPPROTO_ICMPV6, .fix_l4 = false),
	    SEG2, 7);
	expect_drop(n, XLAT_DROP_BAD_L4);
}

/* ==== RFC 7915 5.2 / 5.3: ICMPv6 errors */

static size_t inner6len, inner4len;

/* The packet in error: UDP that D4 sent to S4 (as translated to IPv6). */
static void
inner_udp(size_t dlen)
{
	inner6len = udp6(INNER6, H6(.src = D6, .dst = S6, .hlim = 50), dlen);
	inner4len = udp4(INNER, H4(.src = D4, .dst = S4, .ttl = 50), dlen);
}

static void
inner_tcp(size_t dlen)
{
	inner6len = tcp6(INNER6, H6(.src = D6, .dst = S6, .hlim = 50), dlen);
	inner4len = tcp4(INNER, H4(.src = D4, .dst = S4, .ttl = 50), dlen);
}

/* ICMPv6 error from src6 to D6 quoting INNER6; returns IN's length. */
static size_t
err_in(const char *src6, uint8_t type, uint8_t code, uint32_t rest)
{
	return icmp6(IN, H6(.src = src6, .hlim = 30), type, code, rest,
	    INNER6, inner6len);
}

/* Expected ICMPv4 error from src4 to D4 quoting INNER (cut to 548). */
static size_t
err_want(const char *src4, uint8_t type, uint8_t code, uint32_t rest,
    uint16_t id)
{
	size_t q = inner4len > 548 ? 548 : inner4len;

	return icmp4(WANT, H4(.src = src4, .ttl = 29, .id = id), type, code,
	    rest, INNER, q);
}

static void
expect_err(uint8_t t6, uint8_t c6, uint32_t r6, uint8_t t4, uint8_t c4,
    uint32_t r4)
{
	size_t n, w;
	uint16_t id;

	n = err_in(S6, t6, c6, r6);
	id = peek_id();
	w = err_want(S4, t4, c4, r4, id);
	expect4_raw(n, w);
}

static void
rfc7915_5_2_dest_unreach_no_route(void **st)
{
	nsp();
	inner_udp(20);
	expect_err(ICMP6_DST_UNREACH, 0, 0, ICMP_DEST_UNREACH,
	    ICMP_HOST_UNREACH, 0);
}

static void
rfc7915_5_2_dest_unreach_admin(void **st)
{
	nsp();
	inner_udp(20);
	expect_err(ICMP6_DST_UNREACH, 1, 0, ICMP_DEST_UNREACH, ICMP_HOST_ANO,
	    0);
}

static void
rfc7915_5_2_dest_unreach_beyond_scope(void **st)
{
	nsp();
	inner_udp(20);
	expect_err(ICMP6_DST_UNREACH, 2, 0, ICMP_DEST_UNREACH,
	    ICMP_HOST_UNREACH, 0);
}

static void
rfc7915_5_2_dest_unreach_address(void **st)
{
	nsp();
	inner_udp(20);
	expect_err(ICMP6_DST_UNREACH, 3, 0, ICMP_DEST_UNREACH,
	    ICMP_HOST_UNREACH, 0);
}

static void
rfc7915_5_2_dest_unreach_port(void **st)
{
	nsp();
	inner_udp(20);
	expect_err(ICMP6_DST_UNREACH, 4, 0, ICMP_DEST_UNREACH,
	    ICMP_PORT_UNREACH, 0);
	assert_int_equal(X.stats.icmp_out, 0);
}

static void
rfc7915_5_2_dest_unreach_other_codes_dropped(void **st)
{
	uint8_t code;
	size_t n;

	nsp();
	inner_udp(20);
	for (code = 5; code <= 8; code++) {
		n = err_in(S6, ICMP6_DST_UNREACH, code, 0);
		expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
	}
	n = err_in(S6, ICMP6_DST_UNREACH, 255, 0);
	expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
}

static void
rfc7915_5_2_packet_too_big_mtu_minus_20(void **st)
{
	nsp();
	inner_udp(20);
	expect_err(ICMP6_PACKET_TOO_BIG, 0, 1400, ICMP_DEST_UNREACH,
	    ICMP_FRAG_NEEDED, 1380);
}

static void
rfc7915_5_2_packet_too_big_translator_mtu(void **st)
{
	/* minimum(advertised - 20, IPv4 next hop, IPv6 next hop - 20). */
	nsp();
	inner_udp(20);
	expect_err(ICMP6_PACKET_TOO_BIG, 0, 9000, ICMP_DEST_UNREACH,
	    ICMP_FRAG_NEEDED, 1480);
	cfg.mtu = 1400;
	reinit();
	expect_err(ICMP6_PACKET_TOO_BIG, 0, 1500, ICMP_DEST_UNREACH,
	    ICMP_FRAG_NEEDED, 1380);
}

static void
rfc7915_5_2_packet_too_big_huge_mtu_clamped(void **st)
{
	/* The ICMPv4 field has 16 bits; a 32-bit advertised MTU above
	 * that never leaks into the length attribute byte. */
	nsp();
	cfg.mtu = 65535;
	reinit();
	inner_udp(20);
	expect_err(ICMP6_PACKET_TOO_BIG, 0, 0x00ff0000, ICMP_DEST_UNREACH,
	    ICMP_FRAG_NEEDED, 65515);
}

static void
rfc7915_5_2_time_exceeded(void **st)
{
	nsp();
	inner_udp(20);
	expect_err(ICMP6_TIME_EXCEEDED, 0, 0, ICMP_TIME_EXCEEDED, 0, 0);
	expect_err(ICMP6_TIME_EXCEEDED, 1, 0, ICMP_TIME_EXCEEDED, 1, 0);
}

static void
rfc7915_5_2_parameter_problem_pointer_table(void **st)
{
	/* RFC 7915 Figure 6, written out independently. */
	static const int want[40] = {
		0, 1, -1, -1, 2, 2, 9, 8,
		12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
		16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
	};
	uint32_t ptr;
	size_t n;

	nsp();
	inner_udp(20);
	for (ptr = 0; ptr < 40; ptr++) {
		if (want[ptr] < 0) {
			n = err_in(S6, ICMP6_PARAM_PROB, 0, ptr);
			expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
			continue;
		}
		expect_err(ICMP6_PARAM_PROB, 0, ptr, ICMP_PARAMETERPROB, 0,
		    (uint32_t)want[ptr] << 24);
	}
}

static void
rfc7915_5_2_parameter_problem_pointer_beyond_header_dropped(void **st)
{
	size_t n;

	nsp();
	inner_udp(20);
	n = err_in(S6, ICMP6_PARAM_PROB, 0, 40);
	expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
	n = err_in(S6, ICMP6_PARAM_PROB, 0, 0x01000000);
	expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
}

static void
rfc7915_5_2_parameter_problem_next_header(void **st)
{
	nsp();
	inner_udp(20);
	expect_err(ICMP6_PARAM_PROB, 1, 6, ICMP_DEST_UNREACH,
	    ICMP_PROT_UNREACH, 0);
}

static void
rfc7915_5_2_parameter_problem_option_dropped(void **st)
{
	size_t n;

	nsp();
	inner_udp(20);
	n = err_in(S6, ICMP6_PARAM_PROB, 2, 40);
	expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
	n = err_in(S6, ICMP6_PARAM_PROB, 3, 0);
	expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
}

static void
rfc7915_5_2_unknown_error_dropped(void **st)
{
	size_t n;

	nsp();
	inner_udp(20);
	n = err_in(S6, 5, 0, 0);
	expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
	n = err_in(S6, 127, 0, 0);
	expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
}

static void
rfc7915_5_2_error_checksum_verified(void **st)
{
	size_t n;

	nsp();
	inner_udp(20);
	n = err_in(S6, ICMP6_DST_UNREACH, 4, 0);
	IN[n - 3] ^= 0x40;
	expect_drop(n, XLAT_DROP_BAD_ICMP_CSUM);
}

static void
rfc6791_error_from_untranslatable_router(void **st)
{
	size_t n, w;
	uint16_t id;

	nsp();
	inner_udp(20);
	n = err_in(R6, ICMP6_TIME_EXCEEDED, 0, 0);
	id = peek_id();
	w = err_want(OWN4, ICMP_TIME_EXCEEDED, 0, 0, id);
	expect4_raw(n, w);
}

static void
rfc6791_error_source_from_pool(void **st)
{
	struct in_addr a;
	uint32_t h;
	size_t n;

	nsp();
	cfg.err4_pool = fx_a4("192.0.2.64");
	cfg.err4_pool_len = 28;
	reinit();
	inner_udp(20);
	n = err_in(R6, ICMP6_TIME_EXCEEDED, 0, 0);
	assert_int_equal(run(n), XLAT_FORWARD);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	memcpy(&a, GOT + 12, 4);
	h = ntohl(a.s_addr);
	assert_true(h >= 0xc0000240 && h <= 0xc000024f);
	/* The same router always gets the same address. */
	assert_int_equal(run(n), XLAT_FORWARD);
	fx_out(&OUT, 0, GOT + 100, sizeof(GOT) - 100);
	assert_memory_equal(GOT + 12, GOT + 112, 4);
}

static void
rfc7915_5_2_error_hop_limit_expired_dropped(void **st)
{
	size_t n;

	nsp();
	inner_udp(20);
	n = icmp6(IN, H6(.hlim = 1), ICMP6_DST_UNREACH, 4, 0, INNER6,
	    inner6len);
	expect_drop(n, XLAT_DROP_TTL_EXPIRED);
	assert_int_equal(X.stats.icmp_out, 0);
}

static void
rfc7915_5_2_error_to_translator_ipv4_dropped(void **st)
{
	size_t n;

	nsp();
	inner_udp(20);
	n = icmp6(IN, H6(.dst = "2001:db8:64::c000:201"), ICMP6_DST_UNREACH,
	    4, 0, INNER6, inner6len);
	expect_drop(n, XLAT_DROP_SELF_UNREACH);
}

/* ==== RFC 7915 5.3: the packet in error */

static void
rfc7915_5_3_inner_udp_translated(void **st)
{
	/* Addresses mapped, TTL not decremented, both checksums right. */
	nsp();
	inner_udp(100);
	expect_err(ICMP6_DST_UNREACH, 4, 0, ICMP_DEST_UNREACH,
	    ICMP_PORT_UNREACH, 0);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	assert_int_equal(GOT[28 + 8], 50);
}

static void
rfc7915_5_3_inner_tcp_translated(void **st)
{
	nsp();
	inner_tcp(60);
	expect_err(ICMP6_DST_UNREACH, 0, 0, ICMP_DEST_UNREACH,
	    ICMP_HOST_UNREACH, 0);
}

static void
rfc7915_5_3_inner_echo_translated(void **st)
{
	nsp();
	inner6len = echo6(INNER6, H6(.src = D6, .dst = S6, .hlim = 50),
	    ICMP6_ECHO_REQUEST, 24);
	inner4len = echo4(INNER, H4(.src = D4, .dst = S4, .ttl = 50),
	    ICMP_ECHO, 24);
	expect_err(ICMP6_TIME_EXCEEDED, 0, 0, ICMP_TIME_EXCEEDED, 0, 0);
}

static void
rfc7915_5_3_inner_extension_headers_removed(void **st)
{
	uint8_t ext[32];
	size_t e;

	nsp();
	e = opt_hdr(ext, IPPROTO_DSTOPTS);
	e += opt_hdr(ext + e, IPPROTO_UDP);
	inner6len = udp6(INNER6, H6(.src = D6, .dst = S6, .hlim = 50,
	    .nh = IPPROTO_HOPOPTS, .ext = ext, .extlen = e), 40);
	inner4len = udp4(INNER, H4(.src = D4, .dst = S4, .ttl = 50), 40);
	expect_err(ICMP6_DST_UNREACH, 4, 0, ICMP_DEST_UNREACH,
	    ICMP_PORT_UNREACH, 0);
}

static void
rfc7915_5_3_inner_fragment(void **st)
{
	/* The quoted packet is a first fragment: ID, MF from it. */
	nsp();
	udp6(FULL, H6(.src = D6, .dst = S6, .hlim = 50), 300);
	inner6len = frag6(INNER6, FULL, 0, 104, true, 0xaaaa1234);
	udp4(FULL + 2000, H4(.src = D4, .dst = S4, .ttl = 50), 300);
	inner4len = frag4(INNER, FULL + 2000, 0, 104, true, 0x1234);
	expect_err(ICMP6_PACKET_TOO_BIG, 0, 1280, ICMP_DEST_UNREACH,
	    ICMP_FRAG_NEEDED, 1260);
}

static void
rfc7915_5_3_inner_truncated_checksum_adjusted(void **st)
{
	/* Only 16 bytes of the UDP datagram were quoted. */
	nsp();
	inner_udp(200);
	inner6len = 40 + 16;
	inner4len = 20 + 16;
	expect_err(ICMP6_DST_UNREACH, 4, 0, ICMP_DEST_UNREACH,
	    ICMP_PORT_UNREACH, 0);
}

static void
rfc7915_5_3_inner_header_only(void **st)
{
	nsp();
	inner_udp(200);
	inner6len = 40;
	inner4len = 20;
	expect_err(ICMP6_DST_UNREACH, 4, 0, ICMP_DEST_UNREACH,
	    ICMP_PORT_UNREACH, 0);
}

static void
rfc7915_5_3_inner_truncated_header_dropped(void **st)
{
	size_t n;

	nsp();
	inner_udp(20);
	inner6len = 39;
	n = err_in(S6, ICMP6_DST_UNREACH, 4, 0);
	expect_drop(n, XLAT_DROP_ICMP_INNER);
}

static void
rfc7915_5_3_inner_unmappable_dropped(void **st)
{
	size_t n;

	nsp();
	inner6len = udp6(INNER6, H6(.src = D6, .dst = N6), 20);
	n = err_in(S6, ICMP6_DST_UNREACH, 4, 0);
	expect_drop(n, XLAT_DROP_ICMP_INNER);
}

static void
rfc7915_5_3_nested_error_dropped(void **st)
{
	size_t n, k;

	nsp();
	inner_udp(20);
	k = fx_icmp(SEG, ICMP6_DST_UNREACH, 4, 0, INNER6, inner6len);
	memcpy(INNER6 + 1000, SEG, k);
	inner6len = fx_build_ip6(FULL, H6(.src = D6, .dst = S6,
	    .nh = IPPROTO_ICMPV6), INNER6 + 1000, k);
	memcpy(INNER6, FULL, inner6len);
	n = err_in(S6, ICMP6_DST_UNREACH, 4, 0);
	expect_drop(n, XLAT_DROP_ICMP_NESTED);
}

static void
rfc7915_5_3_inner_informational_untranslatable_dropped(void **st)
{
	size_t n;

	nsp();
	inner6len = icmp6(INNER6, H6(.src = D6, .dst = S6), 135, 0, 0, DATA,
	    16);
	n = err_in(S6, ICMP6_DST_UNREACH, 4, 0);
	expect_drop(n, XLAT_DROP_ICMP_INNER);
}

static void
rfc7915_5_3_truncated_to_576(void **st)
{
	nsp();
	inner_udp(1100);
	expect_err(ICMP6_DST_UNREACH, 4, 0, ICMP_DEST_UNREACH,
	    ICMP_PORT_UNREACH, 0);
	assert_int_equal(fx_out(&OUT, 0, GOT, sizeof(GOT)), 576);
}

static void
rfc7915_5_3_inner_udp_zero_checksum(void **st)
{
	size_t n, w;

	/* TAYGA: drop mode drops the error too; fwd keeps the zero. */
	nsp();
	inner_udp(20);
	wr16(INNER6 + 46, 0);
	n = err_in(S6, ICMP6_DST_UNREACH, 4, 0);
	expect_drop(n, XLAT_DROP_UDP_ZERO_CSUM);
	cfg.udp_cksum = UDP_CKSUM_FWD;
	reinit();
	wr16(INNER + 26, 0);
	n = err_in(S6, ICMP6_DST_UNREACH, 4, 0);
	w = err_want(S4, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, peek_id());
	expect4_raw(n, w);
}

static void
rfc7915_5_3_error_does_not_assign_lease(void **st)
{
	size_t n;

	nsp();
	add_pool("10.64.0.0", 24);
	inner6len = udp6(INNER6, H6(.src = D6, .dst = N6), 20);
	n = icmp6(IN, H6(.src = R6, .dst = D6), ICMP6_DST_UNREACH, 4, 0,
	    INNER6, inner6len);
	expect_drop(n, XLAT_DROP_ICMP_INNER);
	assert_int_equal(pool_count(P), 0);
}

/* ==== RFC 4884 extensions in translated errors */

static uint8_t EXT[64];
#define EXTLEN	16

static void
mk_ext(void)
{
	memset(EXT, 0, sizeof(EXT));
	EXT[0] = 0x20;			/* version 2 */
	wr16(EXT + 4, 12);		/* object length */
	EXT[6] = 1;			/* class: MPLS stack */
	EXT[7] = 1;
	fx_fill(EXT + 8, 8, 0x30);
	wr16(EXT + 2, fx_csum(EXT, EXTLEN, 0));
}

/* ICMPv6 error with INNER6 padded per RFC 4884 (64-bit words, >= 128)
 * and the extension; expected ICMPv4 with 32-bit words, >= 128. */
static void
expect_ext(uint8_t t6, uint8_t c6, uint8_t t4, uint8_t c4)
{
	size_t o6, o4, n, w, k;
	uint16_t id;

	mk_ext();
	o6 = (inner6len + 7) & ~(size_t)7;
	o6 = o6 < 128 ? 128 : o6;
	memset(FULL, 0, o6);
	memcpy(FULL, INNER6, inner6len);
	memcpy(FULL + o6, EXT, EXTLEN);
	n = icmp6(IN, H6(.hlim = 30), t6, c6, (uint32_t)(o6 / 8) << 24, FULL,
	    o6 + EXTLEN);
	o4 = (inner4len + 3) & ~(size_t)3;
	o4 = o4 < 128 ? 128 : o4;
	memset(FULL + 4000, 0, o4);
	memcpy(FULL + 4000, INNER, inner4len);
	memcpy(FULL + 4000 + o4, EXT, EXTLEN);
	id = peek_id();
	k = o4 + EXTLEN;
	w = icmp4(WANT, H4(.ttl = 29, .id = id), t4, c4,
	    (uint32_t)(o4 / 4) << 16, FULL + 4000, k);
	expect4_raw(n, w);
}

static void
rfc4884_dest_unreach_extension_reencoded(void **st)
{
	nsp();
	inner_udp(200);		/* 248 -> 228 bytes: 57 words */
	expect_ext(ICMP6_DST_UNREACH, 4, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	assert_int_equal(GOT[25], 57);
}

static void
rfc4884_time_exceeded_extension_reencoded(void **st)
{
	nsp();
	inner_udp(301);		/* 349 -> 329, padded to 332 */
	expect_ext(ICMP6_TIME_EXCEEDED, 0, ICMP_TIME_EXCEEDED, 0);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	assert_int_equal(GOT[25], 83);
}

static void
rfc4884_short_original_padded_to_128(void **st)
{
	nsp();
	inner_udp(10);
	expect_ext(ICMP6_DST_UNREACH, 0, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	assert_int_equal(GOT[25], 32);
}

static void
rfc4884_extension_dropped_when_truncated(void **st)
{
	size_t o6, n, w;
	uint16_t id;

	/* 528 bytes of translated original + 16 of extension > 548. */
	nsp();
	mk_ext();
	inner_udp(540);
	o6 = (inner6len + 7) & ~(size_t)7;
	memset(FULL, 0, o6);
	memcpy(FULL, INNER6, inner6len);
	memcpy(FULL + o6, EXT, EXTLEN);
	n = icmp6(IN, H6(.hlim = 30), ICMP6_DST_UNREACH, 4,
	    (uint32_t)(o6 / 8) << 24, FULL, o6 + EXTLEN);
	id = peek_id();
	w = err_want(S4, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, id);
	expect4_raw(n, w);
}

static void
rfc4884_length_beyond_message_ignored(void **st)
{
	size_t n, w;

	/* A length attribute pointing past the end: no extension. */
	nsp();
	inner_udp(20);
	n = err_in(S6, ICMP6_DST_UNREACH, 4, 200u << 24);
	w = err_want(S4, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, peek_id());
	expect4_raw(n, w);
}

static void
rfc4884_parameter_problem_has_no_length(void **st)
{
	/* ICMPv6 Parameter Problem carries a pointer, not a length. */
	nsp();
	inner_udp(200);
	expect_err(ICMP6_PARAM_PROB, 0, 7, ICMP_PARAMETERPROB, 0, 8u << 24);
}

/* ==== RFC 7915 5.5 and udp-cksum-mode */

static void
rfc7915_5_5_udp_zero_checksum_drop(void **st)
{
	size_t n;

	nsp();
	n = udp6(IN, H6(.fix_l4 = false), 20);
	expect_drop(n, XLAT_DROP_UDP_ZERO_CSUM);
}

static void
rfc7915_5_5_udp_zero_checksum_fwd(void **st)
{
	size_t n, k;

	nsp();
	cfg.udp_cksum = UDP_CKSUM_FWD;
	reinit();
	n = udp6(IN, H6(.fix_l4 = false), 20);
	k = udp_seg(SEG2, 20, 3);
	expect4_seg(n, *H4(.proto = IPPROTO_UDP, .fix_l4 = false), true,
	    SEG2, k);
}

static void
rfc7915_5_5_udp_zero_checksum_calc(void **st)
{
	nsp();
	cfg.udp_cksum = UDP_CKSUM_CALC;
	reinit();
	udp_case(H6(.fix_l4 = false), H4(.proto = IPPROTO_UDP), 21);
}

static void
rfc7915_5_5_udp_zero_checksum_calc_fragment(void **st)
{
	size_t n;

	nsp();
	cfg.udp_cksum = UDP_CKSUM_CALC;
	reinit();
	udp6(FULL, H6(.fix_l4 = false), 500);
	n = frag6(IN, FULL, 0, 256, true, 1);
	expect_drop(n, XLAT_DROP_FRAG_ZERO_CSUM);
}

static void
rfc7915_5_5_udp_checksum_never_zero(void **st)
{
	size_t n, w;
	uint16_t c;

	/* Pick data so the IPv4 checksum would come out as 0x0000: the
	 * last data word makes the one's-complement sum 0xffff. */
	nsp();
	udp_case(H6(), H4(.proto = IPPROTO_UDP), 20);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	c = (uint16_t)(GOT[26] << 8 | GOT[27]);
	udp_seg(SEG, 20, 3);
	/* Adding c to the last data word turns the sum into 0xffff. */
	n = (size_t)(SEG[26] << 8 | SEG[27]);
	n = (n + c) % 0xffff;
	SEG[26] = (uint8_t)(n >> 8);
	SEG[27] = (uint8_t)n;
	memcpy(SEG2, SEG, 28);
	n = fx_build_ip6(IN, H6(.nh = IPPROTO_UDP), SEG, 28);
	w = fx_build_ip4(WANT, H4(.proto = IPPROTO_UDP, .id = peek_id()),
	    SEG2, 28);
	assert_int_equal(WANT[26] << 8 | WANT[27], 0xffff);
	expect4_raw(n, w);
}

static void
rfc7915_5_5_tcp_bad_header_dropped(void **st)
{
	size_t n;

	nsp();
	n = tcp6(IN, H6(), 0);
	IN[40 + 12] = 0x40;	/* data offset 16 < 20 */
	expect_drop(n, XLAT_DROP_BAD_L4);
	n = tcp6(IN, H6(), 0);
	IN[40 + 12] = 0xf0;	/* 60 > segment */
	expect_drop(n, XLAT_DROP_BAD_L4);
	n = udp6(IN, H6(), 4);
	wr16(IN + 44, 40);	/* UDP length beyond payload */
	expect_drop(n, XLAT_DROP_BAD_L4);
}

/* ==== packets for the translator itself */

static void
self_echo_reply(void **st)
{
	size_t n, w;

	nsp();
	n = echo6(IN, H6(.dst = OWN6, .tclass = 8), ICMP6_ECHO_REQUEST, 40);
	w = echo6(WANT, H6(.src = OWN6, .dst = S6, .tclass = 8),
	    ICMP6_ECHO_REPLY, 40);
	assert_int_equal(run(n), XLAT_SELF);
	fx_assert_out1(&OUT, WANT, w, NULL);
	assert_int_equal(X.stats.tx6, 1);
}

static void
self_echo_reply_from_untranslatable_source(void **st)
{
	size_t n, w;

	nsp();
	n = echo6(IN, H6(.src = N6, .dst = OWN6), ICMP6_ECHO_REQUEST, 8);
	w = echo6(WANT, H6(.src = OWN6, .dst = N6), ICMP6_ECHO_REPLY, 8);
	assert_int_equal(run(n), XLAT_SELF);
	fx_assert_out1(&OUT, WANT, w, NULL);
}

static void
self_echo_via_prefix_ipv4_addr(void **st)
{
	const char *me = "2001:db8:64::c000:201";	/* 192.0.2.1 */
	size_t n, w;

	nsp();
	n = echo6(IN, H6(.dst = me), ICMP6_ECHO_REQUEST, 8);
	w = echo6(WANT, H6(.src = me, .dst = S6), ICMP6_ECHO_REPLY, 8);
	assert_int_equal(run(n), XLAT_SELF);
	fx_assert_out1(&OUT, WANT, w, NULL);
}

static void
self_udp_port_unreachable(void **st)
{
	size_t n;

	nsp();
	n = udp6(IN, H6(.dst = OWN6), 10);
	expect_reject(n, S6, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, 0,
	    XLAT_DROP_SELF_UNREACH);
	n = tcp6(IN, H6(.dst = OWN6), 10);
	expect_reject(n, S6, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, 0,
	    XLAT_DROP_SELF_UNREACH);
}

static void
self_other_protocol_next_header_unrecognised(void **st)
{
	uint8_t ext[8];
	size_t n, e;

	nsp();
	fx_fill(SEG2, 20, 2);
	n = fx_build_ip6(IN, H6(.dst = OWN6, .nh = IPPROTO_GRE), SEG2, 20);
	expect_reject(n, S6, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_NEXTHEADER, 6,
	    XLAT_DROP_SELF_UNREACH);
	e = opt_hdr(ext, IPPROTO_GRE);
	n = fx_build_ip6(IN, H6(.dst = OWN6, .nh = IPPROTO_DSTOPTS,
	    .ext = ext, .extlen = e, .l4proto = IPPROTO_GRE), SEG2, 20);
	expect_reject(n, S6, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_NEXTHEADER, 40,
	    XLAT_DROP_SELF_UNREACH);
}

static void
self_icmp_error_dropped(void **st)
{
	size_t n;

	nsp();
	inner_udp(20);
	n = icmp6(IN, H6(.dst = OWN6), ICMP6_DST_UNREACH, 4, 0, INNER6,
	    inner6len);
	expect_drop(n, XLAT_DROP_SELF_UNREACH);
	n = echo6(IN, H6(.dst = OWN6), ICMP6_ECHO_REPLY, 8);
	expect_drop(n, XLAT_DROP_SELF_UNREACH);
	assert_int_equal(X.stats.icmp_out, 0);
}

static void
self_never_assigns_lease(void **st)
{
	size_t n;

	nsp();
	add_pool("10.64.0.0", 24);
	n = echo6(IN, H6(.src = N6, .dst = "2001:db8:64::c000:201"),
	    ICMP6_ECHO_REQUEST, 8);
	assert_int_equal(run(n), XLAT_SELF);
	assert_int_equal(pool_count(P), 0);
}

/* ==== RFC 6052: prefixes, well-known prefix */

static void
rfc6052_3_1_wkpf_strict_refuses_nonglobal(void **st)
{
	size_t n;

	use_prefix("64:ff9b::", 96, true);
	n = udp6(IN, H6(.src = "64:ff9b::c000:9",	/* 192.0.0.9 */
	    .dst = "64:ff9b::c0a8:101"), 10);		/* 192.168.1.1 */
	expect_reject(n, "64:ff9b::c000:9", ICMP6_DST_UNREACH,
	    ICMP6_DST_UNREACH_ADMIN, 0, XLAT_DROP_WKPF_NONGLOBAL);
	n = udp6(IN, H6(.src = "64:ff9b::a00:1",	/* 10.0.0.1 */
	    .dst = "64:ff9b::c000:a"), 10);		/* 192.0.0.10 */
	expect_reject(n, "64:ff9b::a00:1", ICMP6_DST_UNREACH,
	    ICMP6_DST_UNREACH_ADMIN, 0, XLAT_DROP_WKPF_NONGLOBAL);
	n = udp6(IN, H6(.src = "64:ff9b::c000:9",
	    .dst = "64:ff9b::cb00:7105"), 10);		/* TEST-NET-3 */
	expect_reject(n, "64:ff9b::c000:9", ICMP6_DST_UNREACH,
	    ICMP6_DST_UNREACH_ADMIN, 0, XLAT_DROP_WKPF_NONGLOBAL);
}

static void
rfc6052_3_1_wkpf_strict_global_translated(void **st)
{
	use_prefix("64:ff9b::", 96, true);
	udp_case(H6(.src = "64:ff9b::c000:9", .dst = "64:ff9b::c000:a"),
	    H4(.src = "192.0.0.9", .dst = "192.0.0.10", .proto = IPPROTO_UDP),
	    10);
	udp_case(H6(.src = "64:ff9b::c000:9", .dst = "64:ff9b::c000:2"),
	    H4(.src = "192.0.0.9", .dst = "192.0.0.2", .proto = IPPROTO_UDP),
	    10);
}

static void
rfc6052_3_1_wkpf_not_strict_translates_documentation(void **st)
{
	use_prefix("64:ff9b::", 96, false);
	udp_case(H6(.src = "64:ff9b::c633:6402", .dst = "64:ff9b::cb00:7105"),
	    H4(.proto = IPPROTO_UDP), 10);
}

static void
rfc6052_3_1_wkpf_strict_error_source_falls_back(void **st)
{
	size_t n, w;

	/* A non-global router address in an error: RFC 6791 source. */
	use_prefix("64:ff9b::", 96, true);
	inner6len = udp6(INNER6, H6(.src = "64:ff9b::c000:a",
	    .dst = "64:ff9b::c000:9", .hlim = 50), 20);
	inner4len = udp4(INNER, H4(.src = "192.0.0.10", .dst = "192.0.0.9",
	    .ttl = 50), 20);
	n = icmp6(IN, H6(.src = "64:ff9b::a00:1", .dst = "64:ff9b::c000:a",
	    .hlim = 30), ICMP6_TIME_EXCEEDED, 0, 0, INNER6, inner6len);
	w = icmp4(WANT, H4(.src = OWN4, .dst = "192.0.0.10", .ttl = 29,
	    .id = peek_id()), ICMP_TIME_EXCEEDED, 0, 0, INNER, inner4len);
	expect4_raw(n, w);
}

/* Translate with prefix/len, addresses written out by hand. */
static void
prefix_case(const char *prefix, unsigned len, const char *s6,
    const char *d6)
{
	use_prefix(prefix, len, false);
	udp_case(H6(.src = s6, .dst = d6), H4(.proto = IPPROTO_UDP), 10);
}

static void
rfc6052_2_2_prefix_32(void **st)
{
	prefix_case("2001:db8::", 32, "2001:db8:c633:6402::",
	    "2001:db8:cb00:7105::");
}

static void
rfc6052_2_2_prefix_40(void **st)
{
	prefix_case("2001:db8:100::", 40, "2001:db8:1c6:3364:2::",
	    "2001:db8:1cb:71:5::");
}

static void
rfc6052_2_2_prefix_48(void **st)
{
	prefix_case("2001:db8:122::", 48, "2001:db8:122:c633:64:200::",
	    "2001:db8:122:cb00:71:500::");
}

static void
rfc6052_2_2_prefix_56(void **st)
{
	prefix_case("2001:db8:122:300::", 56, "2001:db8:122:3c6:33:6402::",
	    "2001:db8:122:3cb:0:7105::");
}

static void
rfc6052_2_2_prefix_64(void **st)
{
	prefix_case("2001:db8:122:344::", 64, "2001:db8:122:344:c6:3364:200:0",
	    "2001:db8:122:344:cb:71:500:0");
}

static void
rfc6052_2_2_u_octet_and_suffix_ignored(void **st)
{
	/* RFC 6052 2.2: bits 64-71 and the suffix SHOULD be ignored. */
	prefix_case("2001:db8:122:344::", 64, "2001:db8:122:344:ffc6:3364:2ff:1",
	    "2001:db8:122:344:1cb:71:5aa:bb");
	prefix_case("2001:db8::", 32, "2001:db8:c633:6402:ff00::1",
	    "2001:db8:cb00:7105:0:1::");
}

/* ==== RFC 7757: EAM */

static void
rfc7757_3_2_eam_source_and_destination(void **st)
{
	nsp();
	add_eam("198.51.100.0", 24, "2001:db8:aaaa::", 120);
	add_eam("203.0.113.5", 32, "2001:db8:bbbb::5", 128);
	udp_case(H6(.src = "2001:db8:aaaa::2", .dst = "2001:db8:bbbb::5"),
	    H4(.proto = IPPROTO_UDP), 30);
}

static void
rfc7757_3_2_eam_longest_match(void **st)
{
	nsp();
	add_eam("198.51.100.0", 24, "2001:db8:aaaa::", 120);
	add_eam("192.0.2.128", 25, "2001:db8:aaaa::", 121);
	udp_case(H6(.src = "2001:db8:aaaa::2"),
	    H4(.src = "192.0.2.130", .proto = IPPROTO_UDP), 30);
	udp_case(H6(.src = "2001:db8:aaaa::82"),
	    H4(.src = "198.51.100.130", .proto = IPPROTO_UDP), 30);
}

static void
rfc7757_3_2_eam_before_prefix(void **st)
{
	/* An EAM IPv6 side inside the prefix wins over RFC 6052. */
	nsp();
	add_eam("198.51.100.77", 32, D6, 128);
	udp_case(H6(), H4(.dst = "198.51.100.77", .proto = IPPROTO_UDP), 10);
}

static void
rfc7757_3_2_eam_icmp_error_inner(void **st)
{
	size_t n, w;

	nsp();
	add_eam("198.51.100.0", 24, "2001:db8:aaaa::", 120);
	inner6len = udp6(INNER6, H6(.src = D6, .dst = "2001:db8:aaaa::2",
	    .hlim = 50), 20);
	inner4len = udp4(INNER, H4(.src = D4, .dst = S4, .ttl = 50), 20);
	n = icmp6(IN, H6(.src = "2001:db8:aaaa::2", .hlim = 30),
	    ICMP6_DST_UNREACH, 4, 0, INNER6, inner6len);
	w = err_want(S4, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, peek_id());
	expect4_raw(n, w);
}

/* ==== dynamic pool */

static void
pool_lease_assigned_to_source(void **st)
{
	nsp();
	add_pool("10.64.0.0", 31);	/* only 10.64.0.1 assignable */
	udp_case(H6(.src = N6), H4(.src = "10.64.0.1", .proto = IPPROTO_UDP),
	    10);
	assert_int_equal(pool_count(P), 1);
	/* The same source keeps its lease. */
	udp_case(H6(.src = N6), H4(.src = "10.64.0.1", .proto = IPPROTO_UDP),
	    10);
}

static void
pool_exhausted_policy_failed(void **st)
{
	size_t n;

	nsp();
	add_pool("10.64.0.0", 31);
	udp_case(H6(.src = N6), H4(.src = "10.64.0.1", .proto = IPPROTO_UDP),
	    10);
	n = udp6(IN, H6(.src = "2001:db8:99::8"), 10);
	expect_reject(n, "2001:db8:99::8", ICMP6_DST_UNREACH, 5, 0,
	    XLAT_DROP_POOL_EXHAUSTED);
}

static void
pool_no_lease_for_unmapped_destination(void **st)
{
	size_t n;

	nsp();
	add_pool("10.64.0.0", 24);
	n = udp6(IN, H6(.src = N6, .dst = "2001:db8:98::1"), 10);
	expect_reject(n, N6, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADMIN, 0,
	    XLAT_DROP_DST_UNMAPPED);
	assert_int_equal(pool_count(P), 0);
}

/* ==== RFC 7757 4: hairpinning */

static void
rfc7757_4_hairpin_translated_back(void **st)
{
	size_t n, w;

	nsp();
	add_eam("198.51.100.0", 24, "2001:db8:aaaa::", 120);
	/* aaaa::5 (198.51.100.5) to prefix+198.51.100.7 (EAM aaaa::7). */
	n = udp6(IN, H6(.src = "2001:db8:aaaa::5",
	    .dst = "2001:db8:64::c633:6407", .hlim = 40, .tclass = 0x20), 50);
	/* The source comes back as prefix + A's IPv4, so that B's answer
	 * returns through the translator (RFC 7757 4.2). */
	w = udp6(WANT, H6(.src = "2001:db8:64::c633:6405",
	    .dst = "2001:db8:aaaa::7", .hlim = 39, .tclass = 0x20), 50);
	assert_int_equal(run(n), XLAT_FORWARD);
	fx_assert_out1(&OUT, WANT, w, NULL);
	assert_int_equal(X.stats.hairpin, 1);
	assert_int_equal(X.stats.tx6, 1);
	assert_int_equal(X.stats.tx4, 0);
}

static void
rfc7757_4_hairpin_echo(void **st)
{
	size_t n, w;

	nsp();
	add_eam("198.51.100.0", 24, "2001:db8:aaaa::", 120);
	n = echo6(IN, H6(.src = "2001:db8:aaaa::5",
	    .dst = "2001:db8:64::c633:6407"), ICMP6_ECHO_REQUEST, 20);
	w = echo6(WANT, H6(.src = "2001:db8:64::c633:6405",
	    .dst = "2001:db8:aaaa::7", .hlim = 63), ICMP6_ECHO_REQUEST, 20);
	assert_int_equal(run(n), XLAT_FORWARD);
	fx_assert_out1(&OUT, WANT, w, NULL);
}

static void
rfc7757_4_hairpin_pool_owner(void **st)
{
	size_t n, w;

	/* N6 holds 10.64.0.1; a prefix host reaches it via prefix+pool. */
	nsp();
	add_pool("10.64.0.0", 31);
	udp_case(H6(.src = N6), H4(.src = "10.64.0.1", .proto = IPPROTO_UDP),
	    10);
	n = udp6(IN, H6(.dst = "2001:db8:64::a40:1"), 10);
	w = udp6(WANT, H6(.dst = N6, .hlim = 63), 10);
	assert_int_equal(run(n), XLAT_FORWARD);
	fx_assert_out1(&OUT, WANT, w, NULL);
	assert_int_equal(X.stats.hairpin, 1);
}

static void
rfc7757_4_hairpin_pool_source_via_prefix(void **st)
{
	size_t n, w;

	/* The pool host N6 (10.64.0.1) to prefix + an EAM host: the EAM
	 * host sees prefix + 10.64.0.1, never N6 itself. */
	nsp();
	add_eam("192.0.2.5", 32, "2001:db8:1::5", 128);
	add_pool("10.64.0.0", 31);
	n = udp6(IN, H6(.src = N6, .dst = "2001:db8:64::c000:205"), 10);
	w = udp6(WANT, H6(.src = "2001:db8:64::a40:1", .dst = "2001:db8:1::5",
	    .hlim = 63), 10);
	assert_int_equal(run(n), XLAT_FORWARD);
	fx_assert_out1(&OUT, WANT, w, NULL);
	assert_int_equal(pool_count(P), 1);
}

static void
rfc7757_4_hairpin_icmp_error(void **st)
{
	size_t n, w, k;

	/* aaaa::7 got a hairpinned packet from prefix+.5 (A is aaaa::5)
	 * and reports port unreachable to prefix+.5: A receives it from
	 * prefix+.7, quoting exactly the packet A sent. */
	nsp();
	add_eam("198.51.100.0", 24, "2001:db8:aaaa::", 120);
	inner6len = udp6(INNER6, H6(.src = "2001:db8:64::c633:6405",
	    .dst = "2001:db8:aaaa::7", .hlim = 39), 20);
	n = icmp6(IN, H6(.src = "2001:db8:aaaa::7",
	    .dst = "2001:db8:64::c633:6405", .hlim = 64), ICMP6_DST_UNREACH,
	    4, 0, INNER6, inner6len);
	k = udp6(INNER, H6(.src = "2001:db8:aaaa::5",
	    .dst = "2001:db8:64::c633:6407", .hlim = 39), 20);
	w = icmp6(WANT, H6(.src = "2001:db8:64::c633:6407",
	    .dst = "2001:db8:aaaa::5", .hlim = 63), ICMP6_DST_UNREACH, 4, 0,
	    INNER, k);
	assert_int_equal(run(n), XLAT_FORWARD);
	fx_assert_out1(&OUT, WANT, w, NULL);
	assert_int_equal(X.stats.hairpin, 1);
}

static void
rfc7757_4_hairpin_drop_mode(void **st)
{
	size_t n;

	nsp();
	cfg.hairpin = HAIRPIN_DROP;
	add_eam("198.51.100.0", 24, "2001:db8:aaaa::", 120);
	n = udp6(IN, H6(.src = "2001:db8:aaaa::5",
	    .dst = "2001:db8:64::c633:6407"), 50);
	expect_drop(n, XLAT_DROP_HAIRPIN);
	assert_int_equal(X.stats.hairpin, 0);
}

static void
rfc7757_4_eam_destination_is_not_hairpin(void **st)
{
	/* The destination through the EAM itself: plain translation. */
	nsp();
	add_eam("198.51.100.0", 24, "2001:db8:aaaa::", 120);
	udp_case(H6(.dst = "2001:db8:aaaa::7"),
	    H4(.dst = "198.51.100.7", .proto = IPPROTO_UDP), 10);
	assert_int_equal(X.stats.hairpin, 0);
}

static void
rfc7757_4_never_hairpin_twice(void **st)
{
	static uint8_t buf[XLAT_HEADROOM + 2000];
	size_t n;

	nsp();
	add_eam("198.51.100.0", 24, "2001:db8:aaaa::", 120);
	n = udp6(buf + XLAT_HEADROOM, H6(.src = "2001:db8:aaaa::5",
	    .dst = "2001:db8:64::c633:6407"), 50);
	OUT.n = 0;
	OUT.scratch_used = 0;
	assert_int_equal(xlat_6to4(&X, buf + XLAT_HEADROOM, n, NOW, &OUT,
	    XLAT_F_HAIRPIN), XLAT_DROP);
	assert_int_equal(OUT.reason, XLAT_DROP_LOOP);
}

/* ==== input validation */

static void
rfc7915_5_1_malformed_dropped(void **st)
{
	size_t n;

	nsp();
	n = udp6(IN, H6(), 10);
	expect_drop(n - 1, XLAT_DROP_BAD_PLEN);
	expect_drop(39, XLAT_DROP_TRUNCATED);
	IN[0] = 0x50;
	expect_drop(n, XLAT_DROP_BAD_VERSION);
}

/* ==== robustness: every prefix of valid packets */

static void
check_output_sane(void)
{
	unsigned i;
	size_t len;

	for (i = 0; i < OUT.n; i++) {
		len = fx_out(&OUT, i, GOT, sizeof(GOT));
		assert_true(len >= 20);
		if (GOT[0] >> 4 == 6) {
			assert_true(len >= 40);
			assert_int_equal((size_t)(GOT[4] << 8 | GOT[5]) + 40,
			    len);
			assert_true(len <= 1280 || len <= cfg.mtu);
		} else {
			assert_int_equal(GOT[0], 0x45);
			assert_int_equal((size_t)(GOT[2] << 8 | GOT[3]), len);
			assert_int_equal(fx_csum(GOT, 20, 0), 0);
			assert_true(len <= cfg.mtu);
			if (GOT[9] == IPPROTO_ICMP && (GOT[6] & 0x3f) == 0 &&
			    GOT[7] == 0)
				assert_int_equal(fx_csum(GOT + 20, len - 20,
				    0), 0);
		}
	}
}

/* Feed every prefix; with fixlen also with Payload Length matching. */
static void
sweep(const uint8_t *pkt, size_t len)
{
	enum xlat_verdict v = XLAT_DROP;
	size_t cut;
	uint8_t *b;
	int fix;

	for (fix = 0; fix < 2; fix++) {
		for (cut = 0; cut <= len; cut++) {
			b = malloc(XLAT_HEADROOM + cut + 1);
			assert_non_null(b);
			memcpy(b + XLAT_HEADROOM, pkt, cut);
			if (fix && cut >= 40)
				wr16(b + XLAT_HEADROOM + 4,
				    (uint16_t)(cut - 40));
			v = xlat_packet(&X, b + XLAT_HEADROOM, cut, NOW, &OUT);
			if (!fix && cut < len && v == XLAT_FORWARD)
				fail_msg("prefix %zu of %zu translated", cut,
				    len);
			if (v != XLAT_DROP)
				check_output_sane();
			else
				assert_int_equal(OUT.n, 0);
			free(b);
		}
		if (!fix)
			assert_int_not_equal(v, XLAT_DROP);
	}
}

static void
truncation_sweep_data(void **st)
{
	static uint8_t p[4000];
	uint8_t ext[48];
	size_t n, e;

	nsp();
	n = udp6(p, H6(), 40);
	sweep(p, n);
	n = tcp6(p, H6(), 60);
	sweep(p, n);
	n = echo6(p, H6(), ICMP6_ECHO_REQUEST, 30);
	sweep(p, n);
	e = opt_hdr(ext, IPPROTO_ROUTING);
	e += rt_hdr(ext + e, IPPROTO_DSTOPTS, 0);
	e += opt_hdr(ext + e, IPPROTO_UDP);
	n = udp6(p, H6(.nh = IPPROTO_HOPOPTS, .ext = ext, .extlen = e), 30);
	sweep(p, n);
	udp6(FULL, H6(), 500);
	n = frag6(p, FULL, 0, 256, true, 0x1234);
	sweep(p, n);
	n = frag6(p, FULL, 256, 252, false, 0x1234);
	sweep(p, n);
	n = echo6(p, H6(.dst = OWN6), ICMP6_ECHO_REQUEST, 30);
	sweep(p, n);
	n = udp6(p, H6(), 1400);
	sweep(p, n);
}

static void
truncation_sweep_errors(void **st)
{
	static uint8_t p[4000];
	size_t n;

	nsp();
	inner_udp(30);
	n = err_in(S6, ICMP6_DST_UNREACH, 4, 0);
	memcpy(p, IN, n);
	sweep(p, n);
	inner_tcp(40);
	n = err_in(R6, ICMP6_PACKET_TOO_BIG, 0, 1400);
	memcpy(p, IN, n);
	sweep(p, n);
	inner6len = echo6(INNER6, H6(.src = D6, .dst = S6), ICMP6_ECHO_REQUEST,
	    20);
	n = err_in(S6, ICMP6_TIME_EXCEEDED, 0, 0);
	memcpy(p, IN, n);
	sweep(p, n);
	inner_udp(20);
	n = err_in(S6, ICMP6_PARAM_PROB, 0, 24);
	memcpy(p, IN, n);
	sweep(p, n);
	inner_udp(200);
	expect_ext(ICMP6_DST_UNREACH, 4, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	memcpy(p, IN, (size_t)(IN[4] << 8 | IN[5]) + 40);
	sweep(p, (size_t)(IN[4] << 8 | IN[5]) + 40);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc7915_5_1_udp_translated),
		cmocka_unit_test(rfc7915_5_1_tcp_translated),
		cmocka_unit_test(rfc7915_5_1_version_ihl_no_options),
		cmocka_unit_test(rfc7915_5_1_tclass_copied_to_tos),
		cmocka_unit_test(rfc7915_5_1_flow_label_ignored),
		cmocka_unit_test(rfc7915_5_1_total_length),
		cmocka_unit_test(rfc7915_5_1_trailing_bytes_ignored),
		cmocka_unit_test(rfc7915_5_1_hop_limit_decremented),
		cmocka_unit_test(rfc7915_5_1_hop_limit_expired_time_exceeded),
		cmocka_unit_test(rfc7915_5_1_df_clear_up_to_1260),
		cmocka_unit_test(rfc7915_5_1_df_set_above_1260),
		cmocka_unit_test(rfc7915_5_1_identification_generated),
		cmocka_unit_test(rfc7915_5_1_hop_by_hop_skipped),
		cmocka_unit_test(rfc7915_5_1_destination_options_skipped),
		cmocka_unit_test(rfc7915_5_1_routing_segments_left_zero_skipped),
		cmocka_unit_test(rfc7915_5_1_extension_chain_skipped),
		cmocka_unit_test(rfc7915_5_1_routing_segments_left_parameter_problem),
		cmocka_unit_test(rfc7915_5_1_routing_segments_left_pointer_after_hop_by_hop),
		cmocka_unit_test(rfc7915_5_1_next_header_copied),
		cmocka_unit_test(rfc7915_5_1_icmpv6_protocol_becomes_icmp),
		cmocka_unit_test(rfc7915_5_1_src_reserved_dropped),
		cmocka_unit_test(rfc7915_5_1_dst_reserved_dropped),
		cmocka_unit_test(rfc7915_5_1_extracted_address_reserved_dropped),
		cmocka_unit_test(rfc7915_5_1_malformed_dropped),
		cmocka_unit_test(rfc7915_5_4_dst_unmapped_admin_prohibited),
		cmocka_unit_test(rfc7915_5_4_src_unmapped_policy_failed),
		cmocka_unit_test(rfc7915_5_4_no_error_about_icmpv6_error),
		cmocka_unit_test(rfc7915_5_4_no_error_about_non_first_fragment),
		cmocka_unit_test(rfc7915_5_4_error_truncated_to_1280),
		cmocka_unit_test(rfc7915_5_4_error_rate_limited),
		cmocka_unit_test(rfc7915_5_4_no_error_to_invalid_source),
		cmocka_unit_test(rfc7915_5_too_big_packet_too_big),
		cmocka_unit_test(rfc7915_5_exact_mtu_forwarded),
		cmocka_unit_test(rfc7915_5_mtu_follows_config),
		cmocka_unit_test(rfc7915_5_extension_headers_count_not_for_mtu),
		cmocka_unit_test(rfc7915_5_non_first_fragment_too_big_dropped),
		cmocka_unit_test(rfc7915_5_1_1_first_fragment),
		cmocka_unit_test(rfc7915_5_1_1_middle_fragment_untouched),
		cmocka_unit_test(rfc7915_5_1_1_last_fragment),
		cmocka_unit_test(rfc7915_5_1_1_atomic_fragment),
		cmocka_unit_test(rfc7915_5_1_1_large_fragment_df_clear),
		cmocka_unit_test(rfc7915_5_1_1_tcp_first_fragment_checksum),
		cmocka_unit_test(rfc7915_5_1_1_hop_by_hop_before_fragment_removed),
		cmocka_unit_test(rfc7915_5_1_1_extension_after_fragment_dropped),
		cmocka_unit_test(rfc7915_5_1_1_esp_after_fragment_translated),
		cmocka_unit_test(rfc7915_5_1_1_fragmented_icmpv6_dropped),
		cmocka_unit_test(rfc7915_5_1_1_fragment_ttl_decremented),
		cmocka_unit_test(rfc7915_5_2_echo_request),
		cmocka_unit_test(rfc7915_5_2_echo_reply),
		cmocka_unit_test(rfc7915_5_2_echo_odd_length),
		cmocka_unit_test(rfc7915_5_2_echo_nonzero_code_dropped),
		cmocka_unit_test(rfc7915_5_2_mld_dropped),
		cmocka_unit_test(rfc7915_5_2_neighbor_discovery_dropped),
		cmocka_unit_test(rfc7915_5_2_unknown_informational_dropped),
		cmocka_unit_test(rfc7915_5_2_bad_checksum_dropped),
		cmocka_unit_test(rfc7915_5_2_truncated_header_dropped),
		cmocka_unit_test(rfc7915_5_2_dest_unreach_no_route),
		cmocka_unit_test(rfc7915_5_2_dest_unreach_admin),
		cmocka_unit_test(rfc7915_5_2_dest_unreach_beyond_scope),
		cmocka_unit_test(rfc7915_5_2_dest_unreach_address),
		cmocka_unit_test(rfc7915_5_2_dest_unreach_port),
		cmocka_unit_test(rfc7915_5_2_dest_unreach_other_codes_dropped),
		cmocka_unit_test(rfc7915_5_2_packet_too_big_mtu_minus_20),
		cmocka_unit_test(rfc7915_5_2_packet_too_big_translator_mtu),
		cmocka_unit_test(rfc7915_5_2_packet_too_big_huge_mtu_clamped),
		cmocka_unit_test(rfc7915_5_2_time_exceeded),
		cmocka_unit_test(rfc7915_5_2_parameter_problem_pointer_table),
		cmocka_unit_test(rfc7915_5_2_parameter_problem_pointer_beyond_header_dropped),
		cmocka_unit_test(rfc7915_5_2_parameter_problem_next_header),
		cmocka_unit_test(rfc7915_5_2_parameter_problem_option_dropped),
		cmocka_unit_test(rfc7915_5_2_unknown_error_dropped),
		cmocka_unit_test(rfc7915_5_2_error_checksum_verified),
		cmocka_unit_test(rfc7915_5_2_error_hop_limit_expired_dropped),
		cmocka_unit_test(rfc7915_5_2_error_to_translator_ipv4_dropped),
		cmocka_unit_test(rfc6791_error_from_untranslatable_router),
		cmocka_unit_test(rfc6791_error_source_from_pool),
		cmocka_unit_test(rfc7915_5_3_inner_udp_translated),
		cmocka_unit_test(rfc7915_5_3_inner_tcp_translated),
		cmocka_unit_test(rfc7915_5_3_inner_echo_translated),
		cmocka_unit_test(rfc7915_5_3_inner_extension_headers_removed),
		cmocka_unit_test(rfc7915_5_3_inner_fragment),
		cmocka_unit_test(rfc7915_5_3_inner_truncated_checksum_adjusted),
		cmocka_unit_test(rfc7915_5_3_inner_header_only),
		cmocka_unit_test(rfc7915_5_3_inner_truncated_header_dropped),
		cmocka_unit_test(rfc7915_5_3_inner_unmappable_dropped),
		cmocka_unit_test(rfc7915_5_3_nested_error_dropped),
		cmocka_unit_test(rfc7915_5_3_inner_informational_untranslatable_dropped),
		cmocka_unit_test(rfc7915_5_3_truncated_to_576),
		cmocka_unit_test(rfc7915_5_3_inner_udp_zero_checksum),
		cmocka_unit_test(rfc7915_5_3_error_does_not_assign_lease),
		cmocka_unit_test(rfc4884_dest_unreach_extension_reencoded),
		cmocka_unit_test(rfc4884_time_exceeded_extension_reencoded),
		cmocka_unit_test(rfc4884_short_original_padded_to_128),
		cmocka_unit_test(rfc4884_extension_dropped_when_truncated),
		cmocka_unit_test(rfc4884_length_beyond_message_ignored),
		cmocka_unit_test(rfc4884_parameter_problem_has_no_length),
		cmocka_unit_test(rfc7915_5_5_udp_zero_checksum_drop),
		cmocka_unit_test(rfc7915_5_5_udp_zero_checksum_fwd),
		cmocka_unit_test(rfc7915_5_5_udp_zero_checksum_calc),
		cmocka_unit_test(rfc7915_5_5_udp_zero_checksum_calc_fragment),
		cmocka_unit_test(rfc7915_5_5_udp_checksum_never_zero),
		cmocka_unit_test(rfc7915_5_5_tcp_bad_header_dropped),
		cmocka_unit_test(self_echo_reply),
		cmocka_unit_test(self_echo_reply_from_untranslatable_source),
		cmocka_unit_test(self_echo_via_prefix_ipv4_addr),
		cmocka_unit_test(self_udp_port_unreachable),
		cmocka_unit_test(self_other_protocol_next_header_unrecognised),
		cmocka_unit_test(self_icmp_error_dropped),
		cmocka_unit_test(self_never_assigns_lease),
		cmocka_unit_test(rfc6052_3_1_wkpf_strict_refuses_nonglobal),
		cmocka_unit_test(rfc6052_3_1_wkpf_strict_global_translated),
		cmocka_unit_test(rfc6052_3_1_wkpf_not_strict_translates_documentation),
		cmocka_unit_test(rfc6052_3_1_wkpf_strict_error_source_falls_back),
		cmocka_unit_test(rfc6052_2_2_prefix_32),
		cmocka_unit_test(rfc6052_2_2_prefix_40),
		cmocka_unit_test(rfc6052_2_2_prefix_48),
		cmocka_unit_test(rfc6052_2_2_prefix_56),
		cmocka_unit_test(rfc6052_2_2_prefix_64),
		cmocka_unit_test(rfc6052_2_2_u_octet_and_suffix_ignored),
		cmocka_unit_test(rfc7757_3_2_eam_source_and_destination),
		cmocka_unit_test(rfc7757_3_2_eam_longest_match),
		cmocka_unit_test(rfc7757_3_2_eam_before_prefix),
		cmocka_unit_test(rfc7757_3_2_eam_icmp_error_inner),
		cmocka_unit_test(pool_lease_assigned_to_source),
		cmocka_unit_test(pool_exhausted_policy_failed),
		cmocka_unit_test(pool_no_lease_for_unmapped_destination),
		cmocka_unit_test(rfc7757_4_hairpin_translated_back),
		cmocka_unit_test(rfc7757_4_hairpin_echo),
		cmocka_unit_test(rfc7757_4_hairpin_pool_owner),
		cmocka_unit_test(rfc7757_4_hairpin_pool_source_via_prefix),
		cmocka_unit_test(rfc7757_4_hairpin_icmp_error),
		cmocka_unit_test(rfc7757_4_hairpin_drop_mode),
		cmocka_unit_test(rfc7757_4_eam_destination_is_not_hairpin),
		cmocka_unit_test(rfc7757_4_never_hairpin_twice),
		cmocka_unit_test(truncation_sweep_data),
		cmocka_unit_test(truncation_sweep_errors),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
