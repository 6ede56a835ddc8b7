/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Header validation (pkt.c) and the checksum helpers (xlat.c). */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "pkt.h"
#include "xlat_int.h"

static uint8_t p[FX_MAX];

/* RFC 1071 4.1's worked example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
static void
csum_rfc1071_example(void **state)
{
	static const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
	    0xf6, 0xf7 };

	assert_int_equal(csum_fold(csum_partial(d, sizeof(d), 0)),
	    (uint16_t)~0xddf2);
}

static void
csum_odd_length_pads_zero(void **state)
{
	static const uint8_t d[] = { 0x12, 0x34, 0x56 };

	assert_int_equal(csum_fold(csum_partial(d, 3, 0)),
	    (uint16_t)~(0x1234 + 0x5600));
}

/* RFC 1624 3: incremental update equals recomputation, including the
 * case of eqn. 2's -0 pitfall (a field change that sums to 0xffff). */
static void
csum_replace_matches_recompute(void **state)
{
	uint8_t d[20];
	uint16_t before, after, inc;
	uint32_t old_sum, new_sum;
	unsigned i, seed;

	for (seed = 0; seed < 300; seed++) {
		fx_fill(d, sizeof(d), (uint8_t)seed);
		d[10] = d[11] = 0;
		before = csum_fold(csum_partial(d, sizeof(d), 0));
		old_sum = csum_partial(d + 12, 8, 0);
		for (i = 12; i < 20; i++)
			d[i] = (uint8_t)(seed * 31 + i * 3);
		if (seed == 7) {
			memset(d, 0, sizeof(d));
			before = csum_fold(0);
			old_sum = 0;
			d[12] = d[13] = 0xff;
		}
		new_sum = csum_partial(d + 12, 8, 0);
		after = csum_fold(csum_partial(d, sizeof(d), 0));
		inc = csum_replace(before, old_sum, new_sum);
		/* 0x0000 and 0xffff are the same number in one's
		 * complement; a header stores the recomputed form. */
		if (after != inc)
			assert_true((after == 0 && inc == 0xffff) ||
			    (after == 0xffff && inc == 0));
	}
}

static void
pseudo6_matches_manual(void **state)
{
	struct in6_addr s = fx_a6("2001:db8::1"), d = fx_a6("64:ff9b::c000:201");
	uint8_t ph[40];

	memcpy(ph, &s, 16);
	memcpy(ph + 16, &d, 16);
	memset(ph + 32, 0, 8);
	ph[34] = 0x01;
	ph[35] = 0x23;
	ph[39] = IPPROTO_UDP;
	assert_int_equal(csum_fold(csum_pseudo6(&s, &d, IPPROTO_UDP, 0x123)),
	    fx_csum(ph, 40, 0));
}

static void
pseudo4_matches_manual(void **state)
{
	struct in_addr s = fx_a4("192.0.2.1"), d = fx_a4("198.51.100.7");
	uint8_t ph[12];

	memcpy(ph, &s, 4);
	memcpy(ph + 4, &d, 4);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP;
	ph[10] = 0x05;
	ph[11] = 0xdc;
	assert_int_equal(csum_fold(csum_pseudo4(s, d, IPPROTO_TCP, 1500)),
	    fx_csum(ph, 12, 0));
}

static size_t
udp4(uint16_t frag, size_t dlen)
{
	uint8_t seg[2000], data[2000];
	struct fx_ip4 h = { .src = "192.0.2.1", .dst = "198.51.100.2",
	    .proto = IPPROTO_UDP, .ttl = 64, .frag = frag, .fix_l4 = true };

	fx_fill(data, dlen, 1);
	return fx_build_ip4(p, &h, seg, fx_udp(seg, 1000, 53, data, dlen));
}

static void
ip4_valid(void **state)
{
	struct ip4_info i;
	size_t n = udp4(0x4000, 100);

	assert_int_equal(pkt_parse_ip4(p, n, PKT_OUTER, &i), XLAT_DROP_NONE);
	assert_int_equal(i.hdr_len, 20);
	assert_int_equal(i.tot_len, n);
	assert_true(i.df);
	assert_false(i.mf);
	assert_int_equal(i.proto, IPPROTO_UDP);
	assert_int_equal(i.ttl, 64);
	assert_int_equal(i.l4_len, 108);
}

static void
ip4_rejects(void **state)
{
	struct ip4_info i;
	size_t n = udp4(0, 100);

	assert_int_equal(pkt_parse_ip4(p, 19, PKT_OUTER, &i), XLAT_DROP_TRUNCATED);
	p[0] = 0x44;
	assert_int_equal(pkt_parse_ip4(p, n, PKT_OUTER, &i), XLAT_DROP_BAD_IHL);
	p[0] = 0x4f;
	assert_int_equal(pkt_parse_ip4(p, 40, PKT_OUTER, &i), XLAT_DROP_BAD_IHL);
	p[0] = 0x55;
	assert_int_equal(pkt_parse_ip4(p, n, PKT_OUTER, &i), XLAT_DROP_BAD_VERSION);
	n = udp4(0, 100);
	assert_int_equal(pkt_parse_ip4(p, n - 1, PKT_OUTER, &i), XLAT_DROP_BAD_TOTLEN);
	/* Inner packets may be cut short. */
	assert_int_equal(pkt_parse_ip4(p, n - 1, PKT_INNER, &i), XLAT_DROP_NONE);
	assert_int_equal(i.pkt_len, n - 1);
	p[11] ^= 1;
	assert_int_equal(pkt_parse_ip4(p, n, PKT_OUTER, &i), XLAT_DROP_BAD_IP4_CSUM);
	assert_int_equal(pkt_parse_ip4(p, n, PKT_INNER, &i), XLAT_DROP_NONE);
}

static void
ip4_fragments(void **state)
{
	struct ip4_info i;
	size_t n;

	/* MF with a payload that is not a multiple of 8. */
	n = udp4(0x2000, 101);
	assert_int_equal(pkt_parse_ip4(p, n, PKT_OUTER, &i), XLAT_DROP_BAD_FRAG);
	n = udp4(0x2000, 104);
	assert_int_equal(pkt_parse_ip4(p, n, PKT_OUTER, &i), XLAT_DROP_NONE);
	assert_true(i.mf);
	/* Offset + length beyond 65535. */
	n = udp4(0x1fff, 100);
	assert_int_equal(pkt_parse_ip4(p, n, PKT_OUTER, &i), XLAT_DROP_BAD_FRAG);
	n = udp4(0x0010, 100);
	assert_int_equal(pkt_parse_ip4(p, n, PKT_OUTER, &i), XLAT_DROP_NONE);
	assert_int_equal(i.frag_off, 0x10);
}

static size_t
ip6_with(const uint8_t *ext, size_t extlen, uint8_t nh, size_t dlen)
{
	uint8_t seg[2000], data[2000];
	struct fx_ip6 h = { .src = "2001:db8::1", .dst = "64:ff9b::c000:201",
	    .nh = extlen ? ext[0] == 0xff ? 0 : nh : IPPROTO_UDP,
	    .hlim = 64, .ext = ext, .extlen = extlen,
	    .l4proto = IPPROTO_UDP, .fix_l4 = true };

	fx_fill(data, dlen, 2);
	return fx_build_ip6(p, &h, seg, fx_udp(seg, 1000, 53, data, dlen));
}

static void
ip6_valid_and_ext(void **state)
{
	/* hop-by-hop (PadN) -> routing type 0 segleft 0 -> dst opts -> UDP */
	static const uint8_t ext[] = {
	    IPPROTO_ROUTING, 0, 1, 4, 0, 0, 0, 0,
	    IPPROTO_DSTOPTS, 0, 0, 0, 0, 0, 0, 0,
	    IPPROTO_UDP, 0, 1, 4, 0, 0, 0, 0 };
	struct ip6_info i;
	size_t n;

	n = ip6_with(NULL, 0, 0, 50);
	assert_int_equal(pkt_parse_ip6(p, n, PKT_OUTER, &i), XLAT_DROP_NONE);
	assert_int_equal(i.proto, IPPROTO_UDP);
	assert_int_equal(i.l4_off, 40);
	assert_int_equal(i.l4_len, 58);
	n = ip6_with(ext, sizeof(ext), IPPROTO_HOPOPTS, 50);
	assert_int_equal(pkt_parse_ip6(p, n, PKT_OUTER, &i), XLAT_DROP_NONE);
	assert_int_equal(i.proto, IPPROTO_UDP);
	assert_int_equal(i.l4_off, 64);
	assert_false(i.segleft_nonzero);
}

static void
ip6_routing_segleft(void **state)
{
	static const uint8_t ext[] = { IPPROTO_UDP, 0, 0, 2, 0, 0, 0, 0 };
	struct ip6_info i;
	size_t n = ip6_with(ext, sizeof(ext), IPPROTO_ROUTING, 10);

	assert_int_equal(pkt_parse_ip6(p, n, PKT_OUTER, &i), XLAT_DROP_NONE);
	assert_true(i.segleft_nonzero);
	assert_int_equal(i.segleft_off, 43);
}

static void
ip6_hopopts_not_first(void **state)
{
	static const uint8_t ext[] = {
	    IPPROTO_HOPOPTS, 0, 1, 4, 0, 0, 0, 0,
	    IPPROTO_UDP, 0, 1, 4, 0, 0, 0, 0 };
	struct ip6_info i;
	size_t n = ip6_with(ext, sizeof(ext), IPPROTO_DSTOPTS, 10);

	assert_int_equal(pkt_parse_ip6(p, n, PKT_OUTER, &i), XLAT_DROP_BAD_EXTHDR);
}

static void
ip6_fragment_header(void **state)
{
	uint8_t ext[8] = { IPPROTO_UDP, 0, 0, 1, 0x12, 0x34, 0x56, 0x78 };
	struct ip6_info i;
	size_t n;

	/* First fragment, M set, 8 + 48 bytes of data. */
	n = ip6_with(ext, sizeof(ext), IPPROTO_FRAGMENT, 48);
	assert_int_equal(pkt_parse_ip6(p, n, PKT_OUTER, &i), XLAT_DROP_NONE);
	assert_true(i.has_frag);
	assert_true(i.mf);
	assert_int_equal(i.frag_off, 0);
	assert_int_equal(i.frag_id, 0x12345678);
	assert_int_equal(i.frag_hdr_off, 40);
	assert_int_equal(i.l4_off, 48);
	/* M set with data not a multiple of 8. */
	n = ip6_with(ext, sizeof(ext), IPPROTO_FRAGMENT, 47);
	assert_int_equal(pkt_parse_ip6(p, n, PKT_OUTER, &i), XLAT_DROP_BAD_FRAG);
	/* Later fragment: no further header parsing. */
	ext[2] = 0x01;
	ext[3] = 0x00;
	n = ip6_with(ext, sizeof(ext), IPPROTO_FRAGMENT, 47);
	assert_int_equal(pkt_parse_ip6(p, n, PKT_OUTER, &i), XLAT_DROP_NONE);
	assert_int_equal(i.frag_off, 32);
	assert_false(i.mf);
	assert_int_equal(i.proto, IPPROTO_UDP);
}

static void
ip6_rejects(void **state)
{
	struct ip6_info i;
	size_t n = ip6_with(NULL, 0, 0, 20);

	assert_int_equal(pkt_parse_ip6(p, 39, PKT_OUTER, &i), XLAT_DROP_TRUNCATED);
	assert_int_equal(pkt_parse_ip6(p, n - 1, PKT_OUTER, &i), XLAT_DROP_BAD_PLEN);
	assert_int_equal(pkt_parse_ip6(p, n - 1, PKT_INNER, &i), XLAT_DROP_NONE);
	p[0] = 0x45;
	assert_int_equal(pkt_parse_ip6(p, n, PKT_OUTER, &i), XLAT_DROP_BAD_VERSION);
}

/* Every prefix of a packet with a long extension chain parses or is
 * refused without reading past the end (ASan proves the latter). */
static void
ip6_every_prefix(void **state)
{
	static const uint8_t ext[] = {
	    IPPROTO_DSTOPTS, 0, 1, 4, 0, 0, 0, 0,
	    IPPROTO_FRAGMENT, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    IPPROTO_UDP, 0, 0, 1, 0, 0, 0, 9 };
	struct ip6_info i;
	enum xlat_drop r;
	uint8_t *copy;
	size_t n, k;

	n = ip6_with(ext, sizeof(ext), IPPROTO_HOPOPTS, 64);
	for (k = 0; k <= n; k++) {
		copy = test_malloc(k ? k : 1);
		memcpy(copy, p, k);
		r = pkt_parse_ip6(copy, k, PKT_OUTER, &i);
		assert_true(k == n || r != XLAT_DROP_NONE);
		r = pkt_parse_ip6(copy, k, PKT_INNER, &i);
		assert_true(k >= 40 + 32 || r != XLAT_DROP_NONE);
		test_free(copy);
	}
}

static void
l4_tcp_and_udp_checks(void **state)
{
	uint8_t h[60];

	memset(h, 0, sizeof(h));
	h[12] = 5 << 4;
	assert_int_equal(pkt_check_tcp(h, 19), XLAT_DROP_BAD_L4);
	assert_int_equal(pkt_check_tcp(h, 20), XLAT_DROP_NONE);
	h[12] = 4 << 4;		/* data offset below the minimum */
	assert_int_equal(pkt_check_tcp(h, 40), XLAT_DROP_BAD_L4);
	h[12] = 15 << 4;	/* 60 bytes of header, only 40 present */
	assert_int_equal(pkt_check_tcp(h, 40), XLAT_DROP_BAD_L4);
	assert_int_equal(pkt_check_tcp(h, 60), XLAT_DROP_NONE);

	put16(h + 4, 7);
	assert_int_equal(pkt_check_udp(h, 20, true), XLAT_DROP_BAD_L4);
	put16(h + 4, 30);
	assert_int_equal(pkt_check_udp(h, 20, true), XLAT_DROP_BAD_L4);
	/* A first fragment carries less than the UDP length says. */
	assert_int_equal(pkt_check_udp(h, 20, false), XLAT_DROP_NONE);
	put16(h + 4, 20);
	assert_int_equal(pkt_check_udp(h, 20, true), XLAT_DROP_NONE);
	assert_int_equal(pkt_check_udp(h, 7, false), XLAT_DROP_BAD_L4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csum_rfc1071_example),
		cmocka_unit_test(csum_odd_length_pads_zero),
		cmocka_unit_test(csum_replace_matches_recompute),
		cmocka_unit_test(pseudo6_matches_manual),
		cmocka_unit_test(pseudo4_matches_manual),
		cmocka_unit_test(ip4_valid),
		cmocka_unit_test(ip4_rejects),
		cmocka_unit_test(ip4_fragments),
		cmocka_unit_test(ip6_valid_and_ext),
		cmocka_unit_test(ip6_routing_segleft),
		cmocka_unit_test(ip6_hopopts_not_first),
		cmocka_unit_test(ip6_fragment_header),
		cmocka_unit_test(ip6_rejects),
		cmocka_unit_test(ip6_every_prefix),
		cmocka_unit_test(l4_tcp_and_udp_checks),
	};

	return cmocka_run_group_tests_name("pkt", tests, NULL, NULL);
}
