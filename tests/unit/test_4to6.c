/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RFC 7915 section 4 (IPv4 -> IPv6) fixtures: every expected packet is
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
#define S4	"198.51.100.2"
#define D4	"203.0.113.5"
#define R4	"203.0.113.9"		/* an IPv4 router sending errors */
#define S6	"2001:db8:64::c633:6402"
#define D6	"2001:db8:64::cb00:7105"
#define R6	"2001:db8:64::cb00:7109"
#define OWN4	"192.0.2.1"
#define OWN6	"2001:db8:1::1"
#define NOW	1000000

#define H4(...) (&(struct fx_ip4){ .src = S4, .dst = D4, .ttl = 64, \
	.id = 0x1234, .fix_l4 = true, __VA_ARGS__ })
#define H6(...) (&(struct fx_ip6){ .src = S6, .dst = D6, .hlim = 63, \
	.fix_l4 = true, __VA_ARGS__ })

static struct xlat_out OUT;
static uint8_t IN[FX_MAX], WANT[FX_MAX], SEG[FX_MAX], DATA[FX_MAX];
static uint8_t GOT[FX_MAX], INNER[FX_MAX], INNER6[FX_MAX], SEG2[FX_MAX];

static const struct fx_ign ign_id[] = { FX_IGN_IP4_ID, FX_IGN_END };

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
add_eam(const char *p4, unsigned l4, const char *p6, unsigned l6)
{
	fx_env_eam(&E, p4, l4, p6, l6);
}

static void
add_pool(const char *net, unsigned len)
{
	fx_env_pool(&E, net, len);
}

/* ---- builders */

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
udp4(uint8_t *p, const struct fx_ip4 *h, size_t dlen)
{
	size_t n = udp_seg(SEG, dlen, 3);
	struct fx_ip4 hh = *h;

	hh.proto = IPPROTO_UDP;
	return fx_build_ip4(p, &hh, SEG, n);
}

static size_t
udp6(uint8_t *p, const struct fx_ip6 *h, size_t dlen)
{
	size_t n = udp_seg(SEG, dlen, 3);
	struct fx_ip6 hh = *h;

	hh.nh = IPPROTO_UDP;
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
tcp6(uint8_t *p, const struct fx_ip6 *h, size_t dlen)
{
	size_t n = tcp_seg(SEG, dlen, 5);
	struct fx_ip6 hh = *h;

	hh.nh = IPPROTO_TCP;
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

static size_t
echo6(uint8_t *p, const struct fx_ip6 *h, uint8_t type, size_t dlen)
{
	size_t n;
	struct fx_ip6 hh = *h;

	fx_fill(DATA, dlen, 9);
	n = fx_icmp(SEG, type, 0, 0x4d2001c, DATA, dlen);
	hh.nh = IPPROTO_ICMPV6;
	return fx_build_ip6(p, &hh, SEG, n);
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Cut an IPv4 fragment out of a whole datagram (header recomputed). */
static size_t
frag4(uint8_t *p, const uint8_t *full, size_t off, size_t n, bool mf,
    bool df)
{
	size_t hl = (size_t)(full[0] & 0xf) * 4;

	memmove(p, full, hl);
	memmove(p + hl, full + hl + off, n);
	wr16(p + 2, (uint16_t)(hl + n));
	wr16(p + 6, (uint16_t)((df ? 0x4000 : 0) | (mf ? 0x2000 : 0) |
	    off / 8));
	wr16(p + 10, 0);
	wr16(p + 10, fx_csum(p, hl, 0));
	return hl + n;
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
	p[44] = id >> 24;
	p[45] = (id >> 16) & 0xff;
	p[46] = (id >> 8) & 0xff;
	p[47] = id & 0xff;
	memmove(p + 48, full + 40 + off, n);
	return 48 + n;
}

/* Our own ICMPv4 error about orig (RFC 7915 4.4): 576 bytes at most. */
static size_t
err4(uint8_t *w, const char *dst, uint8_t type, uint8_t code, uint32_t rest,
    const uint8_t *orig, size_t olen)
{
	size_t n = olen > 548 ? 548 : olen, k;

	k = fx_icmp(SEG2, type, code, rest, orig, n);
	return fx_build_ip4(w, &(struct fx_ip4){ .src = OWN4, .dst = dst,
	    .proto = IPPROTO_ICMP, .ttl = 64, .fix_l4 = true }, SEG2, k);
}

/* ---- runners */

static enum xlat_verdict
run(size_t len)
{
	return fx_run(&X, IN, len, NOW, &OUT);
}

static void
expect6(size_t inlen, size_t wlen)
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
	size_t wl;

	assert_int_equal(run(inlen), XLAT_REJECT);
	assert_string_equal(xlat_drop_name(OUT.reason), xlat_drop_name(r));
	wl = err4(WANT, dst, type, code, rest, IN, inlen);
	fx_assert_out1(&OUT, WANT, wl, ign_id);
}

/* ==== RFC 7915 4.1: header fields */

static void
rfc7915_4_1_udp_translated(void **st)
{
	size_t n, w;

	nsp();
	n = udp4(IN, H4(), 100);
	w = udp6(WANT, H6(), 100);
	expect6(n, w);
	assert_int_equal(X.stats.tx6, 1);
}

static void
rfc7915_4_1_tcp_translated(void **st)
{
	size_t n, w;

	nsp();
	n = tcp4(IN, H4(.frag = 0x4000), 333);
	w = tcp6(WANT, H6(), 333);
	expect6(n, w);
}

static void
rfc7915_4_1_tclass_copied_from_tos(void **st)
{
	size_t n, w;

	nsp();
	n = udp4(IN, H4(.tos = 0xb8), 10);
	w = udp6(WANT, H6(.tclass = 0xb8), 10);
	expect6(n, w);
	n = udp4(IN, H4(.tos = 0x03), 10);
	w = udp6(WANT, H6(.tclass = 0x03), 10);
	expect6(n, w);
}

static void
rfc7915_4_1_flow_label_zero(void **st)
{
	size_t n;

	nsp();
	n = udp4(IN, H4(.tos = 0xff), 10);
	assert_int_equal(run(n), XLAT_FORWARD);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	assert_int_equal(GOT[0], 0x6f);
	assert_int_equal(GOT[1], 0xf0);
	assert_int_equal(GOT[2], 0);
	assert_int_equal(GOT[3], 0);
}

static void
rfc7915_4_1_payload_length(void **st)
{
	size_t n, w;

	nsp();
	n = udp4(IN, H4(), 0);
	w = udp6(WANT, H6(), 0);
	expect6(n, w);
	assert_int_equal(WANT[4] << 8 | WANT[5], 8);
	n = udp4(IN, H4(.frag = 0x4000), 1451);
	w = udp6(WANT, H6(), 1451);
	expect6(n, w);
}

static void
rfc7915_4_1_options_ignored(void **st)
{
	/* Record route, NOP, NOP, timestamp, EOL (RFC 791). */
	static const uint8_t opts[] = {
		7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0,
		1, 1,
		68, 8, 5, 0, 0, 0, 0, 0,
		0, 0, 0,
	};
	size_t n, w;

	nsp();
	n = udp4(IN, H4(.opts = opts, .optlen = sizeof(opts)), 40);
	w = udp6(WANT, H6(), 40);
	expect6(n, w);
}

static void
rfc7915_4_1_hop_limit_decremented(void **st)
{
	size_t n, w;

	nsp();
	n = udp4(IN, H4(.ttl = 2), 10);
	w = udp6(WANT, H6(.hlim = 1), 10);
	expect6(n, w);
	n = udp4(IN, H4(.ttl = 255), 10);
	w = udp6(WANT, H6(.hlim = 254), 10);
	expect6(n, w);
}

static void
rfc7915_4_1_ttl_expired_time_exceeded(void **st)
{
	size_t n;

	nsp();
	n = udp4(IN, H4(.ttl = 1), 10);
	expect_reject(n, S4, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0,
	    XLAT_DROP_TTL_EXPIRED);
	assert_int_equal(X.stats.icmp_out, 1);
	n = tcp4(IN, H4(.ttl = 0), 10);
	expect_reject(n, S4, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0,
	    XLAT_DROP_TTL_EXPIRED);
}

static void
rfc7915_4_1_next_header_copied(void **st)
{
	size_t n, w;

	nsp();
	fx_fill(SEG, 77, 1);
	n = fx_build_ip4(IN, H4(.proto = 253), SEG, 77);
	w = fx_build_ip6(WANT, H6(.nh = 253), SEG, 77);
	expect6(n, w);
	fx_fill(SEG, 12, 2);
	n = fx_build_ip4(IN, H4(.proto = IPPROTO_GRE), SEG, 12);
	w = fx_build_ip6(WANT, H6(.nh = IPPROTO_GRE), SEG, 12);
	expect6(n, w);
}

/* An IPv4 protocol number that is an IPv6 extension header or ICMPv6
 * cannot be copied into Next Header: the payload would be parsed as a
 * header chain. */
static void
rfc7915_4_1_next_header_extension_numbers_refused(void **st)
{
	static const uint8_t protos[] = { IPPROTO_HOPOPTS, IPPROTO_ROUTING,
	    IPPROTO_FRAGMENT, IPPROTO_DSTOPTS, IPPROTO_ICMPV6 };
	size_t i, n;

	nsp();
	for (i = 0; i < sizeof(protos); i++) {
		fx_fill(SEG, 24, (uint8_t)i);
		n = fx_build_ip4(IN, H4(.proto = protos[i]), SEG, 24);
		expect_drop(n, XLAT_DROP_PROTO_UNSUPPORTED);
	}
}

static void
rfc7915_4_1_unexpired_lsrr_source_route_failed(void **st)
{
	static const uint8_t lsrr[] = { IPOPT_LSRR, 11, 4, 198, 51, 100, 7,
	    198, 51, 100, 8, 0 };
	size_t n;

	nsp();
	n = udp4(IN, H4(.opts = lsrr, .optlen = sizeof(lsrr)), 10);
	expect_reject(n, S4, ICMP_DEST_UNREACH, ICMP_SR_FAILED, 0,
	    XLAT_DROP_PROTO_UNSUPPORTED);
}

static void
rfc7915_4_1_unexpired_ssrr_source_route_failed(void **st)
{
	static const uint8_t ssrr[] = { IPOPT_NOP, IPOPT_SSRR, 7, 4, 198, 51,
	    100, 7, 0, 0, 0, 0 };
	size_t n;

	nsp();
	n = udp4(IN, H4(.opts = ssrr, .optlen = sizeof(ssrr)), 10);
	expect_reject(n, S4, ICMP_DEST_UNREACH, ICMP_SR_FAILED, 0,
	    XLAT_DROP_PROTO_UNSUPPORTED);
}

static void
rfc7915_4_1_expired_source_route_ignored(void **st)
{
	/* Pointer 12 > length 11: every hop visited. */
	static const uint8_t lsrr[] = { IPOPT_LSRR, 11, 12, 198, 51, 100, 7,
	    198, 51, 100, 8, 0 };
	size_t n, w;

	nsp();
	n = udp4(IN, H4(.opts = lsrr, .optlen = sizeof(lsrr)), 10);
	w = udp6(WANT, H6(), 10);
	expect6(n, w);
}

/* ==== RFC 7915 4.1: fragments and DF */

static void
rfc7915_4_1_df_small_no_fragment_header(void **st)
{
	size_t n, w;

	nsp();
	n = tcp4(IN, H4(.frag = 0x4000), 1220);
	w = tcp6(WANT, H6(), 1220);
	expect6(n, w);
}

static void
rfc7915_4_1_nodf_unfragmented_no_fragment_header(void **st)
{
	size_t n, w;

	/* RFC 8021: no atomic fragments; 4: "MUST NOT include the Fragment
	 * Header for the non-fragmented IPv6 packets". */
	nsp();
	n = tcp4(IN, H4(.frag = 0), 1220);
	w = tcp6(WANT, H6(), 1220);
	expect6(n, w);
	assert_int_equal(WANT[6], IPPROTO_TCP);
}

static void
rfc7915_4_1_fragment_header_added(void **st)
{
	uint8_t full4[2000], full6[2000];
	size_t n, w;

	nsp();
	udp4(full4, H4(.id = 0xabcd), 500);
	udp6(full6, H6(), 500);
	n = frag4(IN, full4, 0, 256, true, false);
	w = frag6(WANT, full6, 0, 256, true, 0xabcd);
	expect6(n, w);
	/* First fragment: the UDP checksum covers the IPv6 pseudo-header. */
	assert_memory_equal(WANT + 48, full6 + 40, 8);
}

static void
rfc7915_4_1_fragment_id_zero_extended(void **st)
{
	uint8_t full4[2000], full6[2000];
	size_t n;

	nsp();
	udp4(full4, H4(.id = 0xfedc), 100);
	udp6(full6, H6(), 100);
	n = frag4(IN, full4, 16, 32, true, false);
	assert_int_equal(run(n), XLAT_FORWARD);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	assert_int_equal(GOT[44], 0);
	assert_int_equal(GOT[45], 0);
	assert_int_equal(GOT[46], 0xfe);
	assert_int_equal(GOT[47], 0xdc);
}

static void
rfc7915_4_1_fragment_offset_and_m_copied(void **st)
{
	uint8_t full4[3000], full6[3000];
	size_t n, w;

	nsp();
	udp4(full4, H4(.id = 77), 1000);
	udp6(full6, H6(), 1000);
	/* Middle fragment. */
	n = frag4(IN, full4, 200, 400, true, false);
	w = frag6(WANT, full6, 200, 400, true, 77);
	expect6(n, w);
	/* Last fragment: M clear, payload untouched. */
	n = frag4(IN, full4, 600, 408, false, false);
	w = frag6(WANT, full6, 600, 408, false, 77);
	expect6(n, w);
}

static void
rfc7915_4_1_df_fragment_translated(void **st)
{
	uint8_t full4[2000], full6[2000];
	size_t n, w;

	/* DF on a fragment is unusual but the fragment header follows the
	 * fragmentation, not DF (RFC 7915 4). */
	nsp();
	tcp4(full4, H4(.id = 1234), 1400);
	tcp6(full6, H6(), 1400);
	n = frag4(IN, full4, 0, 1232, true, true);
	w = frag6(WANT, full6, 0, 1232, true, 1234);
	expect6(n, w);
}

static void
rfc7915_4_1_df_too_big_fragmentation_needed(void **st)
{
	size_t n;

	nsp();
	n = tcp4(IN, H4(.frag = 0x4000), 1461);	/* 1481 -> 1501 */
	expect_reject(n, S4, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1480,
	    XLAT_DROP_TOO_BIG);
	assert_int_equal(OUT.pkt[0].iov[0].iov_len, 576);
}

static void
rfc7915_4_1_df_exact_mtu_forwarded(void **st)
{
	size_t n, w;

	nsp();
	n = tcp4(IN, H4(.frag = 0x4000), 1440);	/* 1480 -> 1500 */
	w = tcp6(WANT, H6(), 1440);
	expect6(n, w);
}

static void
rfc7915_4_1_df_mtu_follows_config(void **st)
{
	size_t n;

	nsp();
	cfg.mtu = 1400;
	n = udp4(IN, H4(.frag = 0x4000), 1400);
	expect_reject(n, S4, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1380,
	    XLAT_DROP_TOO_BIG);
}

static void
rfc7915_4_1_df_fragment_too_big(void **st)
{
	uint8_t full4[3000];
	size_t n;

	nsp();
	tcp4(full4, H4(.id = 1234), 2000);
	/* 20 + 1456 -> 40 + 8 + 1456 = 1504 > 1500 */
	n = frag4(IN, full4, 0, 1456, true, true);
	expect_reject(n, S4, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1480,
	    XLAT_DROP_TOO_BIG);
}

static void
rfc7915_4_1_frag_needed_rate_limited(void **st)
{
	size_t n;

	nsp();
	cfg.icmp_rate = 1;
	cfg.icmp_burst = 1;
	xlat_init(&X, &cfg, NULL, NULL, NULL, 7);
	n = udp4(IN, H4(.frag = 0x4000), 1490);
	expect_reject(n, S4, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1480,
	    XLAT_DROP_TOO_BIG);
	expect_drop(n, XLAT_DROP_TOO_BIG);
	assert_int_equal(X.stats.drop[XLAT_DROP_RATELIMITED], 1);
	assert_int_equal(X.stats.icmp_out, 1);
	/* One token per second comes back. */
	assert_int_equal(fx_run(&X, IN, n, NOW + 1000, &OUT), XLAT_REJECT);
}

/*
 * Check a fragmented output against the whole IPv6 datagram full6:
 * every piece <= limit, 8-byte multiples but the last, IDs, offsets
 * from base, M on all but the last (and on the last when last_m), and
 * the reassembled payload equal to full6's.
 */
static void
check_frags(const uint8_t *full6, size_t full6len, size_t limit,
    uint32_t id, size_t base, bool last_m, unsigned nfrags)
{
	static uint8_t re[70000];
	size_t pl = full6len - 40, next = 0, len, off;
	unsigned i;

	assert_int_equal(OUT.n, nfrags);
	for (i = 0; i < OUT.n; i++) {
		len = fx_out(&OUT, i, GOT, sizeof(GOT));
		assert_true(len <= limit);
		assert_int_equal(GOT[6], IPPROTO_FRAGMENT);
		assert_int_equal((size_t)(GOT[4] << 8 | GOT[5]), len - 40);
		assert_memory_equal(GOT, full6, 4);
		assert_memory_equal(GOT + 7, full6 + 7, 33);
		assert_int_equal(GOT[40], full6[6]);
		assert_int_equal(GOT[41], 0);
		assert_int_equal((uint32_t)GOT[44] << 24 | GOT[45] << 16 |
		    GOT[46] << 8 | GOT[47], id);
		off = (size_t)((GOT[42] << 8 | GOT[43]) & 0xfff8);
		assert_int_equal(off, base + next);
		if (i + 1 < OUT.n) {
			assert_int_equal(GOT[43] & 1, 1);
			assert_int_equal((len - 48) % 8, 0);
		} else {
			assert_int_equal(GOT[43] & 1, last_m ? 1 : 0);
		}
		memcpy(re + next, GOT + 48, len - 48);
		next += len - 48;
	}
	assert_int_equal(next, pl);
	assert_memory_equal(re, full6 + 40, pl);
	/* Pieces of the input buffer, not copies: header + one slice. */
	assert_int_equal(OUT.pkt[0].niov, 2);
}

static void
rfc7915_4_1_nodf_too_big_fragmented(void **st)
{
	uint8_t full6[2000];
	size_t n, w;

	nsp();
	n = tcp4(IN, H4(.id = 1234), 1221);	/* Jool graybox cc */
	w = tcp6(full6, H6(), 1221);
	assert_int_equal(run(n), XLAT_FORWARD);
	check_frags(full6, w, 1280, 1234, 0, false, 2);
	assert_int_equal(OUT.pkt[0].iov[0].iov_len + OUT.pkt[0].iov[1].iov_len,
	    1280);
	assert_int_equal(OUT.pkt[1].iov[0].iov_len + OUT.pkt[1].iov[1].iov_len,
	    57);
	frag6(WANT, full6, 0, 1232, true, 1234);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	fx_assert_pkt(GOT, 1280, WANT, 1280, NULL);
	assert_int_equal(X.stats.frag_out, 2);
	assert_int_equal(X.stats.tx6, 2);
}

static void
rfc7915_4_1_nodf_limit_exact_unfragmented(void **st)
{
	size_t n, w;

	nsp();
	n = udp4(IN, H4(), 1232);		/* 1260 -> 1280 */
	w = udp6(WANT, H6(), 1232);
	expect6(n, w);
}

static void
rfc7915_4_1_nodf_limit_plus_one_fragmented(void **st)
{
	uint8_t full6[2000];
	size_t n, w;

	nsp();
	n = udp4(IN, H4(.id = 9), 1233);
	w = udp6(full6, H6(), 1233);
	assert_int_equal(run(n), XLAT_FORWARD);
	check_frags(full6, w, 1280, 9, 0, false, 2);
}

static void
rfc7915_4_1_offlink_mtu_configurable(void **st)
{
	uint8_t full6[4000];
	size_t n, w;

	nsp();
	cfg.offlink_mtu = 1400;
	n = udp4(IN, H4(.id = 4321), 3000);
	w = udp6(full6, H6(), 3000);
	assert_int_equal(run(n), XLAT_FORWARD);
	check_frags(full6, w, 1400, 4321, 0, false, 3);
	assert_int_equal(OUT.pkt[0].iov[1].iov_len, 1352);
}

static void
rfc7915_4_1_fragment_size_limited_by_mtu(void **st)
{
	uint8_t full6[4000];
	size_t n, w;

	nsp();
	cfg.mtu = 1300;
	cfg.offlink_mtu = 9000;
	n = udp4(IN, H4(.id = 5), 2000);
	w = udp6(full6, H6(), 2000);
	assert_int_equal(run(n), XLAT_FORWARD);
	check_frags(full6, w, 1300, 5, 0, false, 2);
	assert_int_equal(OUT.pkt[0].iov[1].iov_len, 1248);
}

static void
rfc7915_4_1_fragment_refragmented(void **st)
{
	uint8_t full4[4000], full6[4000], part6[4000];
	size_t n;

	/* An IPv4 fragment too big for lowest-ipv6-mtu: its offset is
	 * kept and M stays on the last piece (Jool graybox cf). */
	nsp();
	tcp4(full4, H4(.id = 4321), 3000);
	tcp6(full6, H6(), 3000);
	n = frag4(IN, full4, 0, 1248, true, false);
	memcpy(part6, full6, 40);
	memcpy(part6 + 40, full6 + 40, 1248);
	assert_int_equal(run(n), XLAT_FORWARD);
	check_frags(part6, 40 + 1248, 1280, 4321, 0, true, 2);
	n = frag4(IN, full4, 1248, 1600, true, false);
	memcpy(part6 + 40, full6 + 40 + 1248, 1600);
	assert_int_equal(run(n), XLAT_FORWARD);
	check_frags(part6, 40 + 1600, 1280, 4321, 1248, true, 2);
}

static void
rfc7915_4_1_last_fragment_refragmented(void **st)
{
	uint8_t full4[4000], full6[4000], part6[4000];
	size_t n;

	nsp();
	udp4(full4, H4(.id = 0x8001), 2992);
	udp6(full6, H6(), 2992);
	n = frag4(IN, full4, 1000, 2000, false, false);
	memcpy(part6, full6, 40);
	memcpy(part6 + 40, full6 + 40 + 1000, 2000);
	assert_int_equal(run(n), XLAT_FORWARD);
	check_frags(part6, 40 + 2000, 1280, 0x8001, 1000, false, 2);
}

static void
rfc7915_4_1_largest_datagram_fragmented(void **st)
{
	static uint8_t full6[70000];
	size_t n, w;

	nsp();
	n = udp4(IN, H4(.id = 0xffff), 65535 - 28);
	w = udp6(full6, H6(), 65535 - 28);
	assert_int_equal(n, 65535);
	assert_int_equal(run(n), XLAT_FORWARD);
	check_frags(full6, w, 1280, 0xffff, 0, false, 54);
}

/* ==== RFC 7915 4.1 / section 6: addresses */

static void
rfc7915_4_1_src_reserved_dropped(void **st)
{
	size_t n;

	nsp();
	n = udp4(IN, H4(.src = "127.0.0.1"), 10);
	expect_drop(n, XLAT_DROP_SRC_RESERVED);
	n = udp4(IN, H4(.src = "0.1.2.3"), 10);
	expect_drop(n, XLAT_DROP_SRC_RESERVED);
	n = udp4(IN, H4(.src = "224.0.0.5", .ttl = 1), 10);
	expect_drop(n, XLAT_DROP_SRC_RESERVED);
}

static void
rfc7915_4_1_dst_reserved_dropped(void **st)
{
	size_t n;

	nsp();
	n = udp4(IN, H4(.dst = "239.1.2.3"), 10);
	expect_drop(n, XLAT_DROP_DST_RESERVED);
	n = udp4(IN, H4(.dst = "255.255.255.255"), 10);
	expect_drop(n, XLAT_DROP_DST_RESERVED);
	assert_int_equal(X.stats.icmp_out, 0);
}

static void
rfc7915_4_1_dst_in_pool_without_lease_host_unreachable(void **st)
{
	size_t n;

	nsp();
	add_pool("100.64.0.0", 24);
	n = udp4(IN, H4(.dst = "100.64.0.77"), 10);
	expect_reject(n, S4, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0,
	    XLAT_DROP_DST_UNMAPPED);
}

static void
rfc7915_4_1_dst_pool_lease_translated(void **st)
{
	struct in6_addr client = fx_a6("2001:db8:aaaa::69");
	struct in_addr lease;
	char a4[INET_ADDRSTRLEN];
	size_t n, w;

	nsp();
	add_pool("100.64.0.0", 24);
	assert_int_equal(pool_ops.lookup6(P, &client, true, NOW, &lease),
	    POOL_OK);
	inet_ntop(AF_INET, &lease, a4, sizeof(a4));
	n = udp4(IN, H4(.dst = a4), 10);
	w = udp6(WANT, H6(.dst = "2001:db8:aaaa::69"), 10);
	expect6(n, w);
}

static void
rfc7915_4_1_no_prefix_dst_unmapped(void **st)
{
	size_t n;

	use_prefix(NULL, 0, false);
	add_eam(S4, 32, "2001:db8:5::2", 128);
	n = udp4(IN, H4(), 10);
	expect_reject(n, S4, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0,
	    XLAT_DROP_DST_UNMAPPED);
}

static void
rfc7915_4_1_src_unmapped_admin_prohibited(void **st)
{
	size_t n;

	use_prefix(NULL, 0, false);
	add_eam(D4, 32, "2001:db8:5::5", 128);
	n = udp4(IN, H4(), 10);
	expect_reject(n, S4, ICMP_DEST_UNREACH, ICMP_HOST_ANO, 0,
	    XLAT_DROP_SRC_UNMAPPED);
}

static void
rfc7757_eam_both_addresses(void **st)
{
	size_t n, w;

	nsp();
	add_eam("198.51.100.0", 24, "2001:db8:aaaa::", 120);
	add_eam(D4, 32, "2001:db8:bbbb::5", 128);
	n = udp4(IN, H4(), 10);
	w = udp6(WANT, H6(.src = "2001:db8:aaaa::2",
	    .dst = "2001:db8:bbbb::5"), 10);
	expect6(n, w);
}

static void
rfc7757_eam_longer_ipv6_suffix(void **st)
{
	size_t n, w;

	/* RFC 7757 3.2: IPv4 suffix bits copied right after the IPv6
	 * prefix; the remaining IPv6 bits are zero. */
	nsp();
	add_eam("198.51.100.0", 24, "2001:db8:cccc::", 64);
	n = tcp4(IN, H4(), 20);
	w = tcp6(WANT, H6(.src = "2001:db8:cccc:0:200::"), 20);
	expect6(n, w);
}

static void
rfc6052_3_1_wkpf_nonglobal_src_refused(void **st)
{
	size_t n;

	use_prefix("64:ff9b::", 96, true);
	n = udp4(IN, H4(.src = "10.1.2.3", .dst = "192.0.0.3"), 10);
	expect_reject(n, "10.1.2.3", ICMP_DEST_UNREACH, ICMP_HOST_ANO, 0,
	    XLAT_DROP_WKPF_NONGLOBAL);
}

static void
rfc6052_3_1_wkpf_nonglobal_dst_refused(void **st)
{
	size_t n;

	use_prefix("64:ff9b::", 96, true);
	n = udp4(IN, H4(.src = "192.0.0.2", .dst = "192.168.7.7"), 10);
	expect_reject(n, "192.0.0.2", ICMP_DEST_UNREACH, ICMP_PKT_FILTERED, 0,
	    XLAT_DROP_WKPF_NONGLOBAL);
	n = udp4(IN, H4(.src = "192.0.0.2", .dst = D4), 10);
	expect_reject(n, "192.0.0.2", ICMP_DEST_UNREACH, ICMP_PKT_FILTERED, 0,
	    XLAT_DROP_WKPF_NONGLOBAL);
}

static void
rfc6052_3_1_wkpf_global_translated(void **st)
{
	size_t n, w;

	use_prefix("64:ff9b::", 96, true);
	n = udp4(IN, H4(.src = "192.0.0.2", .dst = "192.0.0.3"), 10);
	w = udp6(WANT, H6(.src = "64:ff9b::c000:2", .dst = "64:ff9b::c000:3"),
	    10);
	expect6(n, w);
}

static void
rfc6052_3_1_wkpf_strict_off_translates_private(void **st)
{
	size_t n, w;

	use_prefix("64:ff9b::", 96, false);
	n = udp4(IN, H4(.src = "10.1.2.3"), 10);
	w = udp6(WANT, H6(.src = "64:ff9b::a01:203",
	    .dst = "64:ff9b::cb00:7105"), 10);
	expect6(n, w);
}

/* RFC 6052 2.4 table: 192.0.2.33 under each prefix length. */
static void
prefix_case(const char *prefix, unsigned len, const char *want6)
{
	size_t n, w;

	use_prefix(prefix, len, false);
	n = tcp4(IN, H4(.src = "192.0.2.33", .dst = "192.0.2.33"), 8);
	w = tcp6(WANT, H6(.src = want6, .dst = want6), 8);
	expect6(n, w);
}

static void
rfc6052_2_2_prefix_32(void **st)
{
	prefix_case("2001:db8::", 32, "2001:db8:c000:221::");
}

static void
rfc6052_2_2_prefix_40(void **st)
{
	prefix_case("2001:db8:100::", 40, "2001:db8:1c0:2:21::");
}

static void
rfc6052_2_2_prefix_48(void **st)
{
	prefix_case("2001:db8:122::", 48, "2001:db8:122:c000:2:2100::");
}

static void
rfc6052_2_2_prefix_56(void **st)
{
	prefix_case("2001:db8:122:300::", 56, "2001:db8:122:3c0:0:221::");
}

static void
rfc6052_2_2_prefix_64(void **st)
{
	prefix_case("2001:db8:122:344::", 64, "2001:db8:122:344:c0:2:2100:0");
}

static void
rfc6052_2_2_prefix_96(void **st)
{
	prefix_case("2001:db8:122:344::", 96, "2001:db8:122:344::c000:221");
}

/* ==== RFC 7915 4.4 / our own ipv4-addr */

static void
rfc7915_4_4_echo_to_own_addr_answered(void **st)
{
	size_t n, w;

	nsp();
	n = echo4(IN, H4(.dst = OWN4, .tos = 0x10), ICMP_ECHO, 56);
	w = echo4(WANT, H4(.src = OWN4, .dst = S4, .tos = 0x10),
	    ICMP_ECHOREPLY, 56);
	assert_int_equal(run(n), XLAT_SELF);
	fx_assert_out1(&OUT, WANT, w, ign_id);
	assert_int_equal(X.stats.tx4, 1);
	assert_int_equal(X.stats.tx6, 0);
}

static void
rfc7915_4_4_echo_to_own_addr_options_not_echoed(void **st)
{
	static const uint8_t opts[] = { 1, 1, 1, 0 };
	size_t n, w;

	nsp();
	n = echo4(IN, H4(.dst = OWN4, .opts = opts, .optlen = 4), ICMP_ECHO,
	    7);
	w = echo4(WANT, H4(.src = OWN4, .dst = S4), ICMP_ECHOREPLY, 7);
	assert_int_equal(run(n), XLAT_SELF);
	fx_assert_out1(&OUT, WANT, w, ign_id);
}

static void
rfc7915_4_4_udp_to_own_addr_port_unreachable(void **st)
{
	size_t n;

	nsp();
	n = udp4(IN, H4(.dst = OWN4), 20);
	expect_reject(n, S4, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0,
	    XLAT_DROP_SELF_UNREACH);
	n = tcp4(IN, H4(.dst = OWN4), 0);
	expect_reject(n, S4, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0,
	    XLAT_DROP_SELF_UNREACH);
}

static void
rfc7915_4_4_other_proto_to_own_addr_protocol_unreachable(void **st)
{
	size_t n;

	nsp();
	fx_fill(SEG, 30, 4);
	n = fx_build_ip4(IN, H4(.dst = OWN4, .proto = IPPROTO_GRE), SEG, 30);
	expect_reject(n, S4, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0,
	    XLAT_DROP_SELF_UNREACH);
}

static void
rfc7915_4_4_icmp_error_to_own_addr_dropped(void **st)
{
	size_t k, n;

	nsp();
	k = udp4(INNER, H4(.src = OWN4), 8);
	k = fx_icmp(SEG2, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, INNER, k);
	n = fx_build_ip4(IN, H4(.dst = OWN4, .proto = IPPROTO_ICMP), SEG2, k);
	expect_drop(n, XLAT_DROP_SELF_UNREACH);
	n = echo4(IN, H4(.dst = OWN4), ICMP_ECHOREPLY, 8);
	expect_drop(n, XLAT_DROP_SELF_UNREACH);
}

static void
rfc7915_4_4_no_error_about_icmp_error(void **st)
{
	size_t k, n;

	nsp();
	k = udp4(INNER, H4(.src = D4, .dst = S4), 8);
	k = fx_icmp(SEG2, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, INNER, k);
	n = fx_build_ip4(IN, H4(.src = R4, .dst = D4, .ttl = 1,
	    .proto = IPPROTO_ICMP), SEG2, k);
	expect_drop(n, XLAT_DROP_TTL_EXPIRED);
	assert_int_equal(X.stats.icmp_out, 0);
}

static void
rfc7915_4_4_no_error_about_nonfirst_fragment(void **st)
{
	uint8_t full4[1000];
	size_t n;

	nsp();
	udp4(full4, H4(.ttl = 1), 200);
	n = frag4(IN, full4, 64, 64, true, false);
	expect_drop(n, XLAT_DROP_TTL_EXPIRED);
	assert_int_equal(X.stats.icmp_out, 0);
	/* The first fragment gets one. */
	n = frag4(IN, full4, 0, 64, true, false);
	expect_reject(n, S4, ICMP_TIME_EXCEEDED, 0, 0, XLAT_DROP_TTL_EXPIRED);
}

static void
rfc7915_4_4_own_error_truncated_to_576(void **st)
{
	size_t n;

	nsp();
	n = udp4(IN, H4(.ttl = 1), 1400);
	expect_reject(n, S4, ICMP_TIME_EXCEEDED, 0, 0, XLAT_DROP_TTL_EXPIRED);
	assert_int_equal(OUT.pkt[0].iov[0].iov_len, 576);
}

/* ==== RFC 7915 4.2: ICMPv4 queries */

static void
rfc7915_4_2_echo_request_to_128(void **st)
{
	size_t n, w;

	nsp();
	n = echo4(IN, H4(), ICMP_ECHO, 56);
	w = echo6(WANT, H6(), ICMP6_ECHO_REQUEST, 56);
	expect6(n, w);
}

static void
rfc7915_4_2_echo_reply_to_129(void **st)
{
	size_t n, w;

	nsp();
	n = echo4(IN, H4(.tos = 0x20, .ttl = 9), ICMP_ECHOREPLY, 1);
	w = echo6(WANT, H6(.tclass = 0x20, .hlim = 8), ICMP6_ECHO_REPLY, 1);
	expect6(n, w);
	n = echo4(IN, H4(), ICMP_ECHOREPLY, 0);
	w = echo6(WANT, H6(), ICMP6_ECHO_REPLY, 0);
	expect6(n, w);
}

static void
rfc7915_4_2_echo_large_fragmented_output(void **st)
{
	uint8_t full6[3000];
	size_t n, w;

	/* An unfragmented DF=0 echo larger than the limit: the ICMPv6
	 * checksum is computed over the whole message, then split. */
	nsp();
	n = echo4(IN, H4(.id = 66), ICMP_ECHO, 1472);
	w = echo6(full6, H6(), ICMP6_ECHO_REQUEST, 1472);
	assert_int_equal(run(n), XLAT_FORWARD);
	check_frags(full6, w, 1280, 66, 0, false, 2);
}

static void
rfc7915_4_2_icmp_checksum_verified(void **st)
{
	size_t n;

	nsp();
	n = echo4(IN, H4(), ICMP_ECHO, 20);
	IN[30] ^= 0x40;
	expect_drop(n, XLAT_DROP_BAD_ICMP_CSUM);
}

static void
rfc7915_4_2_icmp_truncated_header_dropped(void **st)
{
	size_t n;

	nsp();
	fx_fill(SEG, 7, 1);
	SEG[0] = ICMP_ECHO;
	n = fx_build_ip4(IN, H4(.proto = IPPROTO_ICMP), SEG, 7);
	expect_drop(n, XLAT_DROP_BAD_L4);
}

static void
rfc7915_1_2_fragmented_icmp_dropped(void **st)
{
	uint8_t full4[3000];
	size_t n;

	nsp();
	echo4(full4, H4(), ICMP_ECHO, 2000);
	n = frag4(IN, full4, 0, 1480, true, false);
	expect_drop(n, XLAT_DROP_FRAG_ICMP);
	n = frag4(IN, full4, 1480, 528, false, false);
	expect_drop(n, XLAT_DROP_FRAG_ICMP);
}

static void
query_dropped(uint8_t type, uint8_t code)
{
	size_t n;

	fx_fill(DATA, 12, 1);
	n = fx_icmp(SEG, type, code, 0x10002, DATA, 12);
	n = fx_build_ip4(IN, H4(.proto = IPPROTO_ICMP), SEG, n);
	expect_drop(n, XLAT_DROP_ICMP_UNTRANSLATABLE);
}

static void
rfc7915_4_2_timestamp_dropped(void **st)
{
	nsp();
	query_dropped(ICMP_TIMESTAMP, 0);
	query_dropped(ICMP_TIMESTAMPREPLY, 0);
}

static void
rfc7915_4_2_information_request_dropped(void **st)
{
	nsp();
	query_dropped(ICMP_INFO_REQUEST, 0);
	query_dropped(ICMP_INFO_REPLY, 0);
}

static void
rfc7915_4_2_address_mask_dropped(void **st)
{
	nsp();
	query_dropped(ICMP_ADDRESS, 0);
	query_dropped(ICMP_ADDRESSREPLY, 0);
}

static void
rfc7915_4_2_router_advertisement_solicitation_dropped(void **st)
{
	nsp();
	query_dropped(9, 0);
	query_dropped(10, 0);
}

static void
rfc7915_4_2_unknown_type_dropped(void **st)
{
	nsp();
	query_dropped(42, 0);
	query_dropped(253, 0);
	/* An echo with a nonzero code is no echo. */
	query_dropped(ICMP_ECHO, 1);
}

/* ==== RFC 7915 4.2 / 4.3: ICMPv4 errors */

/*
 * The packet in error: what S4 (an IPv6 host) once sent to D4, with TTL
 * 60; the ICMPv4 error comes from router R4 to S4.  INNER/INNER6 hold
 * the IPv4 original and its expected translation.
 */
static size_t inner4len, inner6len;

static void
inner_udp(size_t dlen)
{
	inner4len = udp4(INNER, H4(.ttl = 60, .tos = 0x28), dlen);
	inner6len = udp6(INNER6, H6(.hlim = 60, .tclass = 0x28), dlen);
}

/* ICMPv4 error from R4 carrying body; returns the packet length. */
static size_t
err_in(uint8_t type, uint8_t code, uint32_t rest, const uint8_t *body,
    size_t blen)
{
	size_t k = fx_icmp(SEG2, type, code, rest, body, blen);

	return fx_build_ip4(IN, H4(.src = R4, .dst = S4, .ttl = 50,
	    .proto = IPPROTO_ICMP), SEG2, k);
}

/* Expected ICMPv6 error from R6 to S6 carrying body. */
static size_t
err_want(uint8_t type, uint8_t code, uint32_t rest, const uint8_t *body,
    size_t blen)
{
	size_t k = fx_icmp(SEG2, type, code, rest, body, blen);

	return fx_build_ip6(WANT, H6(.src = R6, .dst = S6, .hlim = 49,
	    .nh = IPPROTO_ICMPV6), SEG2, k);
}

static void
error_case(uint8_t t4, uint8_t c4, uint32_t r4, uint8_t t6, uint8_t c6,
    uint32_t r6)
{
	size_t n, w;

	n = err_in(t4, c4, r4, INNER, inner4len);
	/* RFC 7915 4.3 with RFC 4443 2.4(c): at most 1280 bytes. */
	w = err_want(t6, c6, r6, INNER6, inner6len < 1232 ? inner6len : 1232);
	expect6(n, w);
}

static void
error_dropped(uint8_t t4, uint8_t c4, uint32_t r4, enum xlat_drop r)
{
	size_t n = err_in(t4, c4, r4, INNER, inner4len);

	expect_drop(n, r);
}

static void
rfc7915_4_2_unreach_codes_to_no_route(void **st)
{
	static const uint8_t codes[] = { 0, 1, 5, 6, 7, 8, 11, 12 };
	size_t i;

	nsp();
	inner_udp(20);
	for (i = 0; i < sizeof(codes); i++)
		error_case(ICMP_DEST_UNREACH, codes[i], 0, ICMP6_DST_UNREACH,
		    ICMP6_DST_UNREACH_NOROUTE, 0);
}

static void
rfc7915_4_2_unreach_protocol_to_parameter_problem(void **st)
{
	nsp();
	inner_udp(20);
	error_case(ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0, ICMP6_PARAM_PROB,
	    ICMP6_PARAMPROB_NEXTHEADER, 6);
}

static void
rfc7915_4_2_unreach_port(void **st)
{
	nsp();
	inner_udp(20);
	error_case(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, ICMP6_DST_UNREACH,
	    ICMP6_DST_UNREACH_NOPORT, 0);
}

static void
rfc7915_4_2_unreach_admin_codes(void **st)
{
	static const uint8_t codes[] = { 9, 10, 13, 15 };
	size_t i;

	nsp();
	inner_udp(20);
	for (i = 0; i < sizeof(codes); i++)
		error_case(ICMP_DEST_UNREACH, codes[i], 0, ICMP6_DST_UNREACH,
		    ICMP6_DST_UNREACH_ADMIN, 0);
}

static void
rfc7915_4_2_unreach_precedence_violation_dropped(void **st)
{
	nsp();
	inner_udp(20);
	error_dropped(ICMP_DEST_UNREACH, ICMP_PREC_VIOLATION, 0,
	    XLAT_DROP_ICMP_UNTRANSLATABLE);
}

static void
rfc7915_4_2_unreach_unknown_code_dropped(void **st)
{
	nsp();
	inner_udp(20);
	error_dropped(ICMP_DEST_UNREACH, 16, 0, XLAT_DROP_ICMP_UNTRANSLATABLE);
	error_dropped(ICMP_DEST_UNREACH, 255, 0, XLAT_DROP_ICMP_UNTRANSLATABLE);
}

static void
rfc7915_4_2_frag_needed_mtu_plus_20(void **st)
{
	nsp();
	inner_udp(1400);
	error_case(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1400,
	    ICMP6_PACKET_TOO_BIG, 0, 1420);
}

static void
rfc7915_4_2_frag_needed_capped_by_ipv6_mtu(void **st)
{
	nsp();
	inner_udp(20);
	error_case(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1500,
	    ICMP6_PACKET_TOO_BIG, 0, 1500);
	cfg.mtu = 9000;
	error_case(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 4000,
	    ICMP6_PACKET_TOO_BIG, 0, 4020);
}

static void
rfc7915_5_frag_needed_never_below_1280(void **st)
{
	nsp();
	inner_udp(20);
	error_case(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1261,
	    ICMP6_PACKET_TOO_BIG, 0, 1281);
	error_case(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1260,
	    ICMP6_PACKET_TOO_BIG, 0, 1280);
	error_case(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1259,
	    ICMP6_PACKET_TOO_BIG, 0, 1280);
	error_case(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 68,
	    ICMP6_PACKET_TOO_BIG, 0, 1280);
}

static void
rfc7915_4_2_frag_needed_plateau(void **st)
{
	nsp();
	cfg.mtu = 9000;
	/* Inner Total Length 4028: greatest plateau below it is 2002. */
	inner_udp(4000);
	error_case(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 0,
	    ICMP6_PACKET_TOO_BIG, 0, 2022);
	/* 8166 is not below 8166: 4352. */
	inner_udp(8166 - 28);
	error_case(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 0,
	    ICMP6_PACKET_TOO_BIG, 0, 4372);
	/* 1500 -> 1492 -> 1512, capped to the IPv6 MTU. */
	cfg.mtu = 1500;
	inner_udp(1472);
	error_case(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 0,
	    ICMP6_PACKET_TOO_BIG, 0, 1500);
	/* 600 -> 508 -> 528 -> at least 1280. */
	inner_udp(572);
	error_case(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 0,
	    ICMP6_PACKET_TOO_BIG, 0, 1280);
}

static void
rfc7915_4_2_time_exceeded_code_copied(void **st)
{
	nsp();
	inner_udp(20);
	error_case(ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0, ICMP6_TIME_EXCEEDED,
	    ICMP6_TIME_EXCEED_TRANSIT, 0);
	error_case(ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0,
	    ICMP6_TIME_EXCEEDED, ICMP6_TIME_EXCEED_REASSEMBLY, 0);
}

static void
rfc7915_4_2_parameter_problem_pointer_table(void **st)
{
	/* RFC 7915 Figure 3; -1 = n/a (dropped). */
	static const int map[20] = { 0, 1, 4, 4, -1, -1, -1, -1, 7, 6, -1,
	    -1, 8, 8, 8, 8, 24, 24, 24, 24 };
	uint32_t p;

	nsp();
	inner_udp(20);
	for (p = 0; p < 20; p++) {
		if (map[p] < 0)
			error_dropped(ICMP_PARAMETERPROB, 0, p << 24,
			    XLAT_DROP_ICMP_UNTRANSLATABLE);
		else
			error_case(ICMP_PARAMETERPROB, 0, p << 24,
			    ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER,
			    (uint32_t)map[p]);
	}
}

static void
rfc7915_4_2_parameter_problem_bad_length(void **st)
{
	nsp();
	inner_udp(20);
	error_case(ICMP_PARAMETERPROB, 2, 2u << 24, ICMP6_PARAM_PROB,
	    ICMP6_PARAMPROB_HEADER, 4);
}

static void
rfc7915_4_2_parameter_problem_missing_option_dropped(void **st)
{
	nsp();
	inner_udp(20);
	error_dropped(ICMP_PARAMETERPROB, 1, 0, XLAT_DROP_ICMP_UNTRANSLATABLE);
	error_dropped(ICMP_PARAMETERPROB, 3, 0, XLAT_DROP_ICMP_UNTRANSLATABLE);
	/* Pointer into the options: not in Figure 3. */
	error_dropped(ICMP_PARAMETERPROB, 0, 20u << 24,
	    XLAT_DROP_ICMP_UNTRANSLATABLE);
}

static void
rfc7915_4_2_redirect_source_quench_dropped(void **st)
{
	nsp();
	inner_udp(20);
	error_dropped(ICMP_REDIRECT, 1, 0x01020304,
	    XLAT_DROP_ICMP_UNTRANSLATABLE);
	error_dropped(ICMP_SOURCE_QUENCH, 0, 0, XLAT_DROP_ICMP_UNTRANSLATABLE);
	query_dropped(6, 0);	/* alternative host address */
}

static void
rfc7915_4_2_error_checksum_verified(void **st)
{
	size_t n;

	nsp();
	inner_udp(20);
	n = err_in(ICMP_DEST_UNREACH, 1, 0, INNER, inner4len);
	IN[n - 1] ^= 1;
	expect_drop(n, XLAT_DROP_BAD_ICMP_CSUM);
}

static void
rfc7915_4_3_inner_tcp_translated(void **st)
{
	nsp();
	inner4len = tcp4(INNER, H4(.ttl = 3), 100);
	inner6len = tcp6(INNER6, H6(.hlim = 3), 100);
	error_case(ICMP_TIME_EXCEEDED, 0, 0, ICMP6_TIME_EXCEEDED, 0, 0);
}

static void
rfc7915_4_3_inner_truncated_checksum_adjusted(void **st)
{
	size_t n, w;

	/* The usual "header + 64 bits": the TCP checksum is not there;
	 * the UDP one is and is adjusted as if the datagram were whole. */
	nsp();
	inner4len = tcp4(INNER, H4(.ttl = 3), 100);
	inner6len = tcp6(INNER6, H6(.hlim = 3), 100);
	n = err_in(ICMP_DEST_UNREACH, 3, 0, INNER, 28);
	w = err_want(ICMP6_DST_UNREACH, 4, 0, INNER6, 48);
	expect6(n, w);
	inner_udp(300);
	n = err_in(ICMP_DEST_UNREACH, 3, 0, INNER, 28);
	w = err_want(ICMP6_DST_UNREACH, 4, 0, INNER6, 48);
	expect6(n, w);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	/* Inner IPv6 payload length comes from the inner Total Length. */
	assert_int_equal(GOT[48 + 4] << 8 | GOT[48 + 5], 308);
}

static void
rfc7915_4_3_inner_options_dropped(void **st)
{
	static const uint8_t opts[] = { 1, 1, 1, 1, 7, 7, 4, 0, 0, 0, 0, 0 };

	nsp();
	inner4len = udp4(INNER, H4(.ttl = 3, .opts = opts, .optlen = 12), 16);
	inner6len = udp6(INNER6, H6(.hlim = 3), 16);
	error_case(ICMP_DEST_UNREACH, 1, 0, ICMP6_DST_UNREACH, 0, 0);
}

static void
rfc7915_4_3_inner_echo_translated(void **st)
{
	nsp();
	inner4len = echo4(INNER, H4(.ttl = 1), ICMP_ECHO, 32);
	inner6len = echo6(INNER6, H6(.hlim = 1), ICMP6_ECHO_REQUEST, 32);
	error_case(ICMP_TIME_EXCEEDED, 0, 0, ICMP6_TIME_EXCEEDED, 0, 0);
}

static void
rfc7915_4_3_inner_fragment_gets_fragment_header(void **st)
{
	uint8_t full4[1000], full6[1000];
	size_t f4;

	nsp();
	udp4(full4, H4(.ttl = 7, .id = 0x0bad), 400);
	udp6(full6, H6(.hlim = 7), 400);
	f4 = frag4(INNER, full4, 0, 200, true, false);
	inner4len = f4;
	inner6len = frag6(INNER6, full6, 0, 200, true, 0x0bad);
	error_case(ICMP_DEST_UNREACH, 1, 0, ICMP6_DST_UNREACH, 0, 0);
}

static void
rfc7915_4_3_nested_error_dropped(void **st)
{
	size_t k;

	nsp();
	inner_udp(8);
	k = fx_icmp(SEG, ICMP_DEST_UNREACH, 3, 0, INNER, inner4len);
	inner4len = fx_build_ip4(INNER, H4(.proto = IPPROTO_ICMP), SEG, k);
	error_dropped(ICMP_DEST_UNREACH, 1, 0, XLAT_DROP_ICMP_NESTED);
	error_dropped(ICMP_TIME_EXCEEDED, 0, 0, XLAT_DROP_ICMP_NESTED);
}

static void
rfc7915_4_3_inner_malformed_dropped(void **st)
{
	size_t n;

	nsp();
	inner_udp(20);
	n = err_in(ICMP_DEST_UNREACH, 1, 0, INNER, 19);
	expect_drop(n, XLAT_DROP_ICMP_INNER);
	INNER[0] = 0x65;
	error_dropped(ICMP_DEST_UNREACH, 1, 0, XLAT_DROP_ICMP_INNER);
	inner_udp(20);
	INNER[0] = 0x4f;	/* IHL beyond the bytes present */
	error_dropped(ICMP_DEST_UNREACH, 1, 0, XLAT_DROP_ICMP_INNER);
}

static void
rfc7915_4_3_inner_unmappable_dropped(void **st)
{
	nsp();
	inner4len = udp4(INNER, H4(.dst = "224.1.1.1"), 8);
	error_dropped(ICMP_DEST_UNREACH, 1, 0, XLAT_DROP_ICMP_INNER);
}

static void
rfc7915_4_3_truncated_to_1280(void **st)
{
	size_t n, w;

	/* Jool graybox bb: 1500-byte ICMPv4 error -> 1280 bytes. */
	nsp();
	inner_udp(1444);
	n = err_in(ICMP_DEST_UNREACH, 3, 0, INNER, inner4len);
	assert_int_equal(n, 1500);
	w = err_want(ICMP6_DST_UNREACH, 4, 0, INNER6, 1232);
	expect6(n, w);
	assert_int_equal(w, 1280);
	/* Graybox bc: 1280 in, still 1280 out. */
	inner_udp(1224);
	n = err_in(ICMP_DEST_UNREACH, 3, 0, INNER, inner4len);
	w = err_want(ICMP6_DST_UNREACH, 4, 0, INNER6, 1232);
	expect6(n, w);
}

static void
rfc7915_4_3_grows_by_header_difference(void **st)
{
	size_t n, w;

	/* Graybox ba: 400 -> 440. */
	nsp();
	inner_udp(344);
	n = err_in(ICMP_DEST_UNREACH, 3, 0, INNER, inner4len);
	w = err_want(ICMP6_DST_UNREACH, 4, 0, INNER6, inner6len);
	assert_int_equal(n, 400);
	assert_int_equal(w, 440);
	expect6(n, w);
}

static void
rfc7915_4_3_inner_udp_zero_checksum(void **st)
{
	size_t n, w;

	nsp();
	inner_udp(20);
	INNER[26] = INNER[27] = 0;
	INNER6[46] = INNER6[47] = 0;
	error_dropped(ICMP_DEST_UNREACH, 3, 0, XLAT_DROP_UDP_ZERO_CSUM);
	cfg.udp_cksum = UDP_CKSUM_FWD;
	n = err_in(ICMP_DEST_UNREACH, 3, 0, INNER, inner4len);
	w = err_want(ICMP6_DST_UNREACH, 4, 0, INNER6, inner6len);
	expect6(n, w);
}

static void
rfc6791_error_from_unmappable_router(void **st)
{
	size_t k, n, w;

	/* WKPF strict: a router at 10.0.0.1 cannot be embedded; the error
	 * still reaches the IPv6 host, from our err6 address. */
	use_prefix("64:ff9b::", 96, true);
	inner4len = udp4(INNER, H4(.src = "192.0.0.2", .dst = "192.0.0.3",
	    .ttl = 1), 12);
	inner6len = udp6(INNER6, H6(.src = "64:ff9b::c000:2",
	    .dst = "64:ff9b::c000:3", .hlim = 1), 12);
	k = fx_icmp(SEG2, ICMP_TIME_EXCEEDED, 0, 0, INNER, inner4len);
	n = fx_build_ip4(IN, H4(.src = "10.0.0.1", .dst = "192.0.0.2",
	    .ttl = 250, .proto = IPPROTO_ICMP), SEG2, k);
	k = fx_icmp(SEG2, ICMP6_TIME_EXCEEDED, 0, 0, INNER6, inner6len);
	w = fx_build_ip6(WANT, H6(.src = OWN6, .dst = "64:ff9b::c000:2",
	    .hlim = 249, .nh = IPPROTO_ICMPV6), SEG2, k);
	expect6(n, w);
}

static void
rfc7915_4_3_inner_addresses_through_eam(void **st)
{
	size_t k, n, w;

	/* The IPv6 host behind an EAM gets its error: outer destination
	 * and inner source map through the same entry. */
	nsp();
	add_eam("198.51.100.0", 24, "2001:db8:aaaa::", 120);
	inner4len = udp4(INNER, H4(.ttl = 5), 30);
	inner6len = udp6(INNER6, H6(.src = "2001:db8:aaaa::2", .hlim = 5), 30);
	n = err_in(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, INNER, inner4len);
	k = fx_icmp(SEG2, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, 0,
	    INNER6, inner6len);
	w = fx_build_ip6(WANT, H6(.src = R6, .dst = "2001:db8:aaaa::2",
	    .hlim = 49, .nh = IPPROTO_ICMPV6), SEG2, k);
	expect6(n, w);
}

static void
rfc7915_4_3_error_to_unmapped_dst_dropped(void **st)
{
	size_t n;

	nsp();
	add_pool("100.64.0.0", 24);
	inner4len = udp4(INNER, H4(.src = "100.64.0.9"), 12);
	n = err_in(ICMP_DEST_UNREACH, 1, 0, INNER, inner4len);
	IN[16] = 100, IN[17] = 64, IN[18] = 0, IN[19] = 9;
	IN[10] = IN[11] = 0;
	wr16(IN + 10, fx_csum(IN, 20, 0));
	expect_drop(n, XLAT_DROP_DST_UNMAPPED);
	assert_int_equal(X.stats.icmp_out, 0);
}

/* ==== RFC 4884 extensions */

static uint8_t ext[400] = {
	0x20, 0x00, 0x12, 0x34,		/* version 2, checksum (opaque) */
	0x00, 0x08, 0x01, 0x01,		/* object: length 8, class 1 */
	0xde, 0xad, 0xbe, 0xef,
};
static size_t extlen = 12;

/* ICMPv4 error with the packet in error padded to olen plus ext. */
static size_t
ext_in(uint8_t type, uint8_t code, uint32_t rest, size_t olen)
{
	static uint8_t body[2000];

	assert_true(olen / 4 <= 255);
	memset(body, 0, sizeof(body));
	memcpy(body, INNER, inner4len < olen ? inner4len : olen);
	memcpy(body + olen, ext, extlen);
	return err_in(type, code, rest | (uint32_t)(olen / 4) << 16, body,
	    olen + extlen);
}

static void
rfc4884_time_exceeded_extension_kept(void **st)
{
	static uint8_t body6[2000];
	size_t n, w;

	nsp();
	inner_udp(20);				/* 48 bytes, padded to 128 */
	n = ext_in(ICMP_TIME_EXCEEDED, 0, 0, 128);
	/* 128 - 20 + 40 = 148 -> 152: length 19 (64-bit words). */
	memset(body6, 0, sizeof(body6));
	memcpy(body6, INNER6, inner6len);
	memcpy(body6 + 152, ext, extlen);
	w = err_want(ICMP6_TIME_EXCEEDED, 0, 19u << 24, body6,
	    152 + extlen);
	expect6(n, w);
}

static void
rfc4884_unreach_extension_kept(void **st)
{
	static uint8_t body6[2000];
	size_t n, w;

	nsp();
	inner_udp(200);				/* 228 bytes, len 57 */
	n = ext_in(ICMP_DEST_UNREACH, 1, 0, 228);
	memset(body6, 0, sizeof(body6));
	memcpy(body6, INNER6, inner6len);	/* 248 = 31 * 8 */
	memcpy(body6 + 248, ext, extlen);
	w = err_want(ICMP6_DST_UNREACH, 0, 31u << 24, body6,
	    248 + extlen);
	expect6(n, w);
}

static void
rfc4884_extension_dropped_when_truncated(void **st)
{
	size_t n, w;

	nsp();
	inner_udp(992);				/* 1020 bytes, length 255 */
	fx_fill(ext + 12, 288, 0x33);
	extlen = 300;
	n = ext_in(ICMP_DEST_UNREACH, 1, 0, 1020);
	extlen = 12;
	/* 1040 + 300 > 1232 would cut into the extension: dropped. */
	w = err_want(ICMP6_DST_UNREACH, 0, 0, INNER6, 1040);
	expect6(n, w);
	/* Still fits with a small one: kept. */
	n = ext_in(ICMP_DEST_UNREACH, 1, 0, 1020);
	fx_out(&OUT, 0, GOT, sizeof(GOT));
	assert_int_not_equal(run(n), XLAT_DROP);
	assert_int_equal(fx_out(&OUT, 0, GOT, sizeof(GOT)), 48 + 1040 + 12);
	assert_int_equal(GOT[44], 130);
}

static void
rfc4884_no_length_in_ptb_or_parameter_problem(void **st)
{
	size_t n, w;

	nsp();
	inner_udp(200);
	n = ext_in(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 1400, 228);
	w = err_want(ICMP6_PACKET_TOO_BIG, 0, 1420, INNER6, inner6len);
	expect6(n, w);
	n = ext_in(ICMP_PARAMETERPROB, 0, 9u << 24, 228);
	w = err_want(ICMP6_PARAM_PROB, 0, 6, INNER6, inner6len);
	expect6(n, w);
	n = ext_in(ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0, 228);
	w = err_want(ICMP6_PARAM_PROB, 1, 6, INNER6, inner6len);
	expect6(n, w);
}

static void
rfc4884_length_beyond_message_ignored(void **st)
{
	size_t n, w;

	nsp();
	inner_udp(20);
	/* Length 100 words = 400 bytes, only 48 present: no extension. */
	n = err_in(ICMP_TIME_EXCEEDED, 0, 100u << 16, INNER, inner4len);
	w = err_want(ICMP6_TIME_EXCEEDED, 0, 0, INNER6, inner6len);
	expect6(n, w);
}

/* ==== RFC 7915 4.5: transport checksums */

static void
rfc7915_4_5_udp_zero_checksum_drop(void **st)
{
	size_t n;

	nsp();
	n = udp4(IN, H4(), 30);
	IN[26] = IN[27] = 0;
	expect_drop(n, XLAT_DROP_UDP_ZERO_CSUM);
}

static void
rfc7915_4_5_udp_zero_checksum_forward(void **st)
{
	size_t n, w;

	nsp();
	cfg.udp_cksum = UDP_CKSUM_FWD;
	n = udp4(IN, H4(), 30);
	IN[26] = IN[27] = 0;
	w = udp6(WANT, H6(), 30);
	WANT[46] = WANT[47] = 0;
	expect6(n, w);
}

static void
rfc7915_4_5_udp_zero_checksum_calculated(void **st)
{
	size_t n, w;

	nsp();
	cfg.udp_cksum = UDP_CKSUM_CALC;
	n = udp4(IN, H4(), 31);
	IN[26] = IN[27] = 0;
	w = udp6(WANT, H6(), 31);
	expect6(n, w);
	/* Link padding after the UDP length is not summed. */
	n = udp4(IN, H4(), 20);
	IN[26] = IN[27] = 0;
	wr16(IN + 24, 25);
	w = udp6(WANT, H6(), 17);
	WANT[44] = 0, WANT[45] = 25;
	WANT[46] = WANT[47] = 0;
	memcpy(WANT + 48, IN + 28, 20);
	WANT[5] = 28;
	wr16(WANT + 46, fx_csum(WANT + 40, 25, fx_sum((uint8_t[]){ 0, 0, 0,
	    25, 0, 0, 0, IPPROTO_UDP }, 8, fx_sum(WANT + 8, 32, 0))));
	assert_int_equal(w, 65);
	expect6(n, 68);
}

static void
rfc7915_4_5_udp_zero_checksum_fragment_not_calculated(void **st)
{
	uint8_t full4[1000], full6[1000];
	size_t n, w;

	nsp();
	cfg.udp_cksum = UDP_CKSUM_CALC;
	udp4(full4, H4(), 100);
	full4[26] = full4[27] = 0;
	n = frag4(IN, full4, 0, 64, true, false);
	expect_drop(n, XLAT_DROP_FRAG_ZERO_CSUM);
	cfg.udp_cksum = UDP_CKSUM_FWD;
	udp6(full6, H6(), 100);
	full6[46] = full6[47] = 0;
	w = frag6(WANT, full6, 0, 64, true, 0x1234);
	expect6(n, w);
}

static void
rfc7915_4_5_nonfirst_fragment_untouched(void **st)
{
	uint8_t full4[1000];
	size_t n, w;

	nsp();
	/* Payload that looks like a UDP header with checksum 0: not one. */
	tcp4(full4, H4(.id = 3), 300);
	memset(full4 + 20 + 64, 0, 8);
	n = frag4(IN, full4, 64, 64, true, false);
	memcpy(WANT, "\x60\x00\x00\x00\x00\x48\x2c\x3f", 8);
	memcpy(WANT + 8, fx_a6(S6).s6_addr, 16);
	memcpy(WANT + 24, fx_a6(D6).s6_addr, 16);
	memcpy(WANT + 40, "\x06\x00\x00\x41\x00\x00\x00\x03", 8);
	memcpy(WANT + 48, full4 + 20 + 64, 64);
	w = 112;
	expect6(n, w);
}

static void
rfc7915_4_5_udp_length_validated(void **st)
{
	size_t n;

	nsp();
	n = udp4(IN, H4(), 30);
	wr16(IN + 24, 39);
	expect_drop(n, XLAT_DROP_BAD_L4);
	wr16(IN + 24, 7);
	expect_drop(n, XLAT_DROP_BAD_L4);
	n = fx_build_ip4(IN, H4(.proto = IPPROTO_UDP), SEG, 7);
	expect_drop(n, XLAT_DROP_BAD_L4);
}

static void
rfc7915_4_5_tcp_header_validated(void **st)
{
	size_t n;

	nsp();
	n = tcp4(IN, H4(), 0);
	IN[32] = 0x40;			/* data offset 4 */
	expect_drop(n, XLAT_DROP_BAD_L4);
	IN[32] = 0x60;			/* 24 > 20 present */
	expect_drop(n, XLAT_DROP_BAD_L4);
	n = fx_build_ip4(IN, H4(.proto = IPPROTO_TCP), SEG, 19);
	expect_drop(n, XLAT_DROP_BAD_L4);
}

/* ==== outer IPv4 validation (pkt.c via this direction) */

static void
rfc791_header_validated(void **st)
{
	size_t n;

	nsp();
	n = udp4(IN, H4(.bad_csum = true), 10);
	expect_drop(n, XLAT_DROP_BAD_IP4_CSUM);
	n = udp4(IN, H4(), 10);
	expect_drop(n - 1, XLAT_DROP_BAD_TOTLEN);
	expect_drop(19, XLAT_DROP_TRUNCATED);
	IN[0] = 0x44;
	expect_drop(n, XLAT_DROP_BAD_IHL);
}

static void
rfc7915_4_1_trailing_bytes_ignored(void **st)
{
	size_t n, w;

	/* Link padding after Total Length is not translated. */
	nsp();
	n = udp4(IN, H4(), 10);
	memset(IN + n, 0xaa, 6);
	w = udp6(WANT, H6(), 10);
	expect6(n + 6, w);
}

/* ==== RFC 7757 4: the IPv4 half of a hairpin */

static void
rfc7757_4_hairpin_ipv4_half(void **st)
{
	static uint8_t buf[XLAT_HEADROOM + 2000];
	size_t n, w;

	nsp();
	add_eam("198.51.100.0", 24, "2001:db8:aaaa::", 120);
	n = udp4(buf + XLAT_HEADROOM, H4(.ttl = 40), 50);
	/* The source is behind an EAM, but in a hairpin it is translated
	 * with the RFC 6052 prefix so the reply hairpins back. */
	w = udp6(WANT, H6(.hlim = 40), 50);
	OUT.n = 0;
	OUT.scratch_used = 0;
	assert_int_equal(xlat_4to6(&X, buf + XLAT_HEADROOM, n, NOW, &OUT,
	    XLAT_F_HAIRPIN), XLAT_FORWARD);
	fx_assert_out1(&OUT, WANT, w, NULL);
	/* Not a hairpin: the EAM applies. */
	n = udp4(buf + XLAT_HEADROOM, H4(.ttl = 40), 50);
	w = udp6(WANT, H6(.src = "2001:db8:aaaa::2", .hlim = 39), 50);
	OUT.n = 0;
	OUT.scratch_used = 0;
	assert_int_equal(xlat_4to6(&X, buf + XLAT_HEADROOM, n, NOW, &OUT, 0),
	    XLAT_FORWARD);
	fx_assert_out1(&OUT, WANT, w, NULL);
	/* TTL 1 is not expired again: decremented on the IPv6 side. */
	n = udp4(buf + XLAT_HEADROOM, H4(.ttl = 1), 50);
	OUT.n = 0;
	OUT.scratch_used = 0;
	assert_int_equal(xlat_4to6(&X, buf + XLAT_HEADROOM, n, NOW, &OUT,
	    XLAT_F_HAIRPIN), XLAT_FORWARD);
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
			assert_true(len <= cfg.mtu);
		} else {
			assert_int_equal(GOT[0] >> 4, 4);
			assert_int_equal((size_t)(GOT[2] << 8 | GOT[3]), len);
			assert_int_equal(fx_csum(GOT, (GOT[0] & 0xf) * 4, 0), 0);
		}
	}
}

static void
sweep(const uint8_t *pkt, size_t len)
{
	size_t cut;
	uint8_t *b;
	enum xlat_verdict v;

	for (cut = 0; cut <= len; cut++) {
		b = malloc(XLAT_HEADROOM + cut + 1);
		assert_non_null(b);
		memcpy(b + XLAT_HEADROOM, pkt, cut);
		/* Claimed lengths untouched: only cut == len is whole. */
		v = xlat_packet(&X, b + XLAT_HEADROOM, cut, NOW, &OUT);
		if (cut < len && v == XLAT_FORWARD)
			fail_msg("prefix %zu of %zu translated", cut, len);
		if (v != XLAT_DROP)
			check_output_sane();
		else
			assert_int_equal(OUT.n, 0);
		free(b);
	}
	assert_int_not_equal(v, XLAT_DROP);
}

static void
truncation_sweep_data(void **st)
{
	static uint8_t p[4000];
	static const uint8_t opts[] = { 1, 1, 1, 0 };
	uint8_t full4[2000];
	size_t n;

	nsp();
	n = udp4(p, H4(), 40);
	sweep(p, n);
	n = tcp4(p, H4(.opts = opts, .optlen = 4, .frag = 0x4000), 60);
	sweep(p, n);
	n = echo4(p, H4(), ICMP_ECHO, 30);
	sweep(p, n);
	n = udp4(p, H4(), 1500);
	sweep(p, n);
	udp4(full4, H4(), 500);
	n = frag4(p, full4, 0, 256, true, false);
	sweep(p, n);
	n = frag4(p, full4, 256, 252, false, false);
	sweep(p, n);
	n = echo4(p, H4(.dst = OWN4), ICMP_ECHO, 30);
	sweep(p, n);
}

static void
truncation_sweep_errors(void **st)
{
	static uint8_t p[4000];

	nsp();
	inner_udp(30);
	memcpy(p, IN, err_in(ICMP_DEST_UNREACH, 3, 0, INNER, inner4len));
	sweep(p, err_in(ICMP_DEST_UNREACH, 3, 0, INNER, inner4len));
	inner4len = tcp4(INNER, H4(), 40);
	memcpy(p, IN, err_in(ICMP_DEST_UNREACH, 4, 1400, INNER, inner4len));
	sweep(p, err_in(ICMP_DEST_UNREACH, 4, 1400, INNER, inner4len));
	inner4len = echo4(INNER, H4(), ICMP_ECHO, 20);
	memcpy(p, IN, err_in(ICMP_TIME_EXCEEDED, 0, 0, INNER, inner4len));
	sweep(p, err_in(ICMP_TIME_EXCEEDED, 0, 0, INNER, inner4len));
	inner_udp(20);
	memcpy(p, IN, ext_in(ICMP_TIME_EXCEEDED, 0, 0, 128));
	sweep(p, ext_in(ICMP_TIME_EXCEEDED, 0, 0, 128));
	inner_udp(20);
	memcpy(p, IN, err_in(ICMP_PARAMETERPROB, 0, 8u << 24, INNER,
	    inner4len));
	sweep(p, err_in(ICMP_PARAMETERPROB, 0, 8u << 24, INNER, inner4len));
}

static void
sweep_inner_cut(void **st)
{
	size_t cut, n;
	enum xlat_verdict v;

	/* Whole outer packets whose packet in error is cut anywhere. */
	nsp();
	inner_udp(60);
	for (cut = 0; cut <= inner4len; cut++) {
		n = err_in(ICMP_DEST_UNREACH, 3, 0, INNER, cut);
		v = run(n);
		if (cut < 20)
			assert_int_equal(v, XLAT_DROP);
		else
			assert_int_equal(v, XLAT_FORWARD);
		if (v == XLAT_FORWARD) {
			check_output_sane();
			assert_int_equal(fx_out(&OUT, 0, GOT, sizeof(GOT)),
			    48 + 40 + cut - 20);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc7915_4_1_udp_translated),
		cmocka_unit_test(rfc7915_4_1_tcp_translated),
		cmocka_unit_test(rfc7915_4_1_tclass_copied_from_tos),
		cmocka_unit_test(rfc7915_4_1_flow_label_zero),
		cmocka_unit_test(rfc7915_4_1_payload_length),
		cmocka_unit_test(rfc7915_4_1_options_ignored),
		cmocka_unit_test(rfc7915_4_1_hop_limit_decremented),
		cmocka_unit_test(rfc7915_4_1_ttl_expired_time_exceeded),
		cmocka_unit_test(rfc7915_4_1_next_header_copied),
		cmocka_unit_test(rfc7915_4_1_next_header_extension_numbers_refused),
		cmocka_unit_test(rfc7915_4_1_unexpired_lsrr_source_route_failed),
		cmocka_unit_test(rfc7915_4_1_unexpired_ssrr_source_route_failed),
		cmocka_unit_test(rfc7915_4_1_expired_source_route_ignored),
		cmocka_unit_test(rfc7915_4_1_df_small_no_fragment_header),
		cmocka_unit_test(rfc7915_4_1_nodf_unfragmented_no_fragment_header),
		cmocka_unit_test(rfc7915_4_1_fragment_header_added),
		cmocka_unit_test(rfc7915_4_1_fragment_id_zero_extended),
		cmocka_unit_test(rfc7915_4_1_fragment_offset_and_m_copied),
		cmocka_unit_test(rfc7915_4_1_df_fragment_translated),
		cmocka_unit_test(rfc7915_4_1_df_too_big_fragmentation_needed),
		cmocka_unit_test(rfc7915_4_1_df_exact_mtu_forwarded),
		cmocka_unit_test(rfc7915_4_1_df_mtu_follows_config),
		cmocka_unit_test(rfc7915_4_1_df_fragment_too_big),
		cmocka_unit_test(rfc7915_4_1_frag_needed_rate_limited),
		cmocka_unit_test(rfc7915_4_1_nodf_too_big_fragmented),
		cmocka_unit_test(rfc7915_4_1_nodf_limit_exact_unfragmented),
		cmocka_unit_test(rfc7915_4_1_nodf_limit_plus_one_fragmented),
		cmocka_unit_test(rfc7915_4_1_offlink_mtu_configurable),
		cmocka_unit_test(rfc7915_4_1_fragment_size_limited_by_mtu),
		cmocka_unit_test(rfc7915_4_1_fragment_refragmented),
		cmocka_unit_test(rfc7915_4_1_last_fragment_refragmented),
		cmocka_unit_test(rfc7915_4_1_largest_datagram_fragmented),
		cmocka_unit_test(rfc7915_4_1_src_reserved_dropped),
		cmocka_unit_test(rfc7915_4_1_dst_reserved_dropped),
		cmocka_unit_test(rfc7915_4_1_dst_in_pool_without_lease_host_unreachable),
		cmocka_unit_test(rfc7915_4_1_dst_pool_lease_translated),
		cmocka_unit_test(rfc7915_4_1_no_prefix_dst_unmapped),
		cmocka_unit_test(rfc7915_4_1_src_unmapped_admin_prohibited),
		cmocka_unit_test(rfc7757_eam_both_addresses),
		cmocka_unit_test(rfc7757_eam_longer_ipv6_suffix),
		cmocka_unit_test(rfc6052_3_1_wkpf_nonglobal_src_refused),
		cmocka_unit_test(rfc6052_3_1_wkpf_nonglobal_dst_refused),
		cmocka_unit_test(rfc6052_3_1_wkpf_global_translated),
		cmocka_unit_test(rfc6052_3_1_wkpf_strict_off_translates_private),
		cmocka_unit_test(rfc6052_2_2_prefix_32),
		cmocka_unit_test(rfc6052_2_2_prefix_40),
		cmocka_unit_test(rfc6052_2_2_prefix_48),
		cmocka_unit_test(rfc6052_2_2_prefix_56),
		cmocka_unit_test(rfc6052_2_2_prefix_64),
		cmocka_unit_test(rfc6052_2_2_prefix_96),
		cmocka_unit_test(rfc7915_4_4_echo_to_own_addr_answered),
		cmocka_unit_test(rfc7915_4_4_echo_to_own_addr_options_not_echoed),
		cmocka_unit_test(rfc7915_4_4_udp_to_own_addr_port_unreachable),
		cmocka_unit_test(rfc7915_4_4_other_proto_to_own_addr_protocol_unreachable),
		cmocka_unit_test(rfc7915_4_4_icmp_error_to_own_addr_dropped),
		cmocka_unit_test(rfc7915_4_4_no_error_about_icmp_error),
		cmocka_unit_test(rfc7915_4_4_no_error_about_nonfirst_fragment),
		cmocka_unit_test(rfc7915_4_4_own_error_truncated_to_576),
		cmocka_unit_test(rfc7915_4_2_echo_request_to_128),
		cmocka_unit_test(rfc7915_4_2_echo_reply_to_129),
		cmocka_unit_test(rfc7915_4_2_echo_large_fragmented_output),
		cmocka_unit_test(rfc7915_4_2_icmp_checksum_verified),
		cmocka_unit_test(rfc7915_4_2_icmp_truncated_header_dropped),
		cmocka_unit_test(rfc7915_1_2_fragmented_icmp_dropped),
		cmocka_unit_test(rfc7915_4_2_timestamp_dropped),
		cmocka_unit_test(rfc7915_4_2_information_request_dropped),
		cmocka_unit_test(rfc7915_4_2_address_mask_dropped),
		cmocka_unit_test(rfc7915_4_2_router_advertisement_solicitation_dropped),
		cmocka_unit_test(rfc7915_4_2_unknown_type_dropped),
		cmocka_unit_test(rfc7915_4_2_unreach_codes_to_no_route),
		cmocka_unit_test(rfc7915_4_2_unreach_protocol_to_parameter_problem),
		cmocka_unit_test(rfc7915_4_2_unreach_port),
		cmocka_unit_test(rfc7915_4_2_unreach_admin_codes),
		cmocka_unit_test(rfc7915_4_2_unreach_precedence_violation_dropped),
		cmocka_unit_test(rfc7915_4_2_unreach_unknown_code_dropped),
		cmocka_unit_test(rfc7915_4_2_frag_needed_mtu_plus_20),
		cmocka_unit_test(rfc7915_4_2_frag_needed_capped_by_ipv6_mtu),
		cmocka_unit_test(rfc7915_5_frag_needed_never_below_1280),
		cmocka_unit_test(rfc7915_4_2_frag_needed_plateau),
		cmocka_unit_test(rfc7915_4_2_time_exceeded_code_copied),
		cmocka_unit_test(rfc7915_4_2_parameter_problem_pointer_table),
		cmocka_unit_test(rfc7915_4_2_parameter_problem_bad_length),
		cmocka_unit_test(rfc7915_4_2_parameter_problem_missing_option_dropped),
		cmocka_unit_test(rfc7915_4_2_redirect_source_quench_dropped),
		cmocka_unit_test(rfc7915_4_2_error_checksum_verified),
		cmocka_unit_test(rfc7915_4_3_inner_tcp_translated),
		cmocka_unit_test(rfc7915_4_3_inner_truncated_checksum_adjusted),
		cmocka_unit_test(rfc7915_4_3_inner_options_dropped),
		cmocka_unit_test(rfc7915_4_3_inner_echo_translated),
		cmocka_unit_test(rfc7915_4_3_inner_fragment_gets_fragment_header),
		cmocka_unit_test(rfc7915_4_3_nested_error_dropped),
		cmocka_unit_test(rfc7915_4_3_inner_malformed_dropped),
		cmocka_unit_test(rfc7915_4_3_inner_unmappable_dropped),
		cmocka_unit_test(rfc7915_4_3_truncated_to_1280),
		cmocka_unit_test(rfc7915_4_3_grows_by_header_difference),
		cmocka_unit_test(rfc7915_4_3_inner_udp_zero_checksum),
		cmocka_unit_test(rfc6791_error_from_unmappable_router),
		cmocka_unit_test(rfc7915_4_3_inner_addresses_through_eam),
		cmocka_unit_test(rfc7915_4_3_error_to_unmapped_dst_dropped),
		cmocka_unit_test(rfc4884_time_exceeded_extension_kept),
		cmocka_unit_test(rfc4884_unreach_extension_kept),
		cmocka_unit_test(rfc4884_extension_dropped_when_truncated),
		cmocka_unit_test(rfc4884_no_length_in_ptb_or_parameter_problem),
		cmocka_unit_test(rfc4884_length_beyond_message_ignored),
		cmocka_unit_test(rfc7915_4_5_udp_zero_checksum_drop),
		cmocka_unit_test(rfc7915_4_5_udp_zero_checksum_forward),
		cmocka_unit_test(rfc7915_4_5_udp_zero_checksum_calculated),
		cmocka_unit_test(rfc7915_4_5_udp_zero_checksum_fragment_not_calculated),
		cmocka_unit_test(rfc7915_4_5_nonfirst_fragment_untouched),
		cmocka_unit_test(rfc7915_4_5_udp_length_validated),
		cmocka_unit_test(rfc7915_4_5_tcp_header_validated),
		cmocka_unit_test(rfc791_header_validated),
		cmocka_unit_test(rfc7915_4_1_trailing_bytes_ignored),
		cmocka_unit_test(rfc7757_4_hairpin_ipv4_half),
		cmocka_unit_test(truncation_sweep_data),
		cmocka_unit_test(truncation_sweep_errors),
		cmocka_unit_test(sweep_inner_cut),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	reset();
	return rc;
}
