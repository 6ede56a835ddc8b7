/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write-side GRO: datagrams of one flow become one UDP GSO super-packet
 * whose bytes and virtio-net metadata are checked exactly against an
 * independently built packet, then cut again with xlat_gso_segment() and
 * compared to the originals.  Anything not coalescable comes out alone,
 * in order, through the same flush discipline as the daemon's loop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "fixture.h"
#include "gro.h"
#include "xlat.h"

#define S4	"198.51.100.2"
#define D4	"192.0.2.5"
#define S6	"2001:db8:64::c633:6402"
#define D6	"2001:db8:1::2"
#define NPKT	80

static struct gro G;
static uint8_t PK[NPKT][2048];
static size_t PLEN[NPKT];
static struct xlat_offload OFF[NPKT];	/* zero: complete checksum */
static uint8_t FULL[NPKT][2048];		/* PK with its complete checksum */
static uint8_t WANT[FX_MAX], SEG[FX_MAX], L4[FX_MAX], DATA[FX_MAX];
static const struct fx_ign ign_id[] = { FX_IGN_IP4_ID, FX_IGN_END };

/* One IPv4 or IPv6 UDP datagram into PK[i], seeded payload. */
static void
mk4(unsigned i, size_t dlen, uint8_t ttl, uint16_t frag, bool csum)
{
	struct fx_ip4 h = { .src = S4, .dst = D4, .proto = IPPROTO_UDP,
	    .ttl = ttl, .tos = 0x10, .id = (uint16_t)(100 + i), .frag = frag,
	    .fix_l4 = csum };
	size_t n;

	fx_fill(DATA, dlen, (uint8_t)i);
	n = fx_udp(L4, 5001, 9002, DATA, dlen);
	PLEN[i] = fx_build_ip4(PK[i], &h, L4, n);
}

static void
mk6(unsigned i, size_t dlen, uint8_t hlim, uint16_t sport)
{
	struct fx_ip6 h = { .src = S6, .dst = D6, .nh = IPPROTO_UDP,
	    .hlim = hlim, .tclass = 0x10, .flow = 0x12345, .fix_l4 = true,
	    .l4proto = IPPROTO_UDP };
	size_t n;

	fx_fill(DATA, dlen, (uint8_t)i);
	n = fx_udp(L4, sport, 9001, DATA, dlen);
	PLEN[i] = fx_build_ip6(PK[i], &h, L4, n);
}

/* The loop's discipline: offer, flush and re-offer on GRO_NO, write
 * alone what still does not join; flush at the end.  Records each write
 * as (datagram count, bytes). */
struct wr {
	unsigned		n;
	size_t			len;
	struct xlat_offload	off;
	uint8_t			b[FX_MAX];
};
static struct wr W[NPKT];
static unsigned NW;

static void
flush(void)
{
	struct iovec iov;
	struct xlat_offload off;
	unsigned n = gro_flush(&G, &iov, &off);

	if (n == 0)
		return;
	W[NW].n = n;
	W[NW].len = iov.iov_len;
	W[NW].off = off;
	memcpy(W[NW].b, iov.iov_base, iov.iov_len);
	NW++;
}

static void
run(unsigned npkt)
{
	enum gro_result r;

	NW = 0;
	for (unsigned i = 0; i < npkt; i++) {
		r = gro_add(&G, PK[i], PLEN[i], &OFF[i]);
		if (r == GRO_NO && G.nseg > 0) {
			flush();
			r = gro_add(&G, PK[i], PLEN[i], &OFF[i]);
		}
		if (r == GRO_FULL)
			flush();
		if (r != GRO_NO)
			continue;
		W[NW].n = 1;
		W[NW].len = PLEN[i];
		W[NW].off = OFF[i];
		memcpy(W[NW].b, PK[i], PLEN[i]);
		NW++;
	}
	flush();
}

static int
setup(void **state)
{
	(void)state;
	gro_init(&G, true, true);
	memset(OFF, 0, sizeof(OFF));
	return 0;
}

/* Segment W[w] in software; each piece equals PK[first..]. */
static void
assert_segments(unsigned w, unsigned first, const struct fx_ign *ign)
{
	long n;
	unsigned i;

	for (i = 0;; i++) {
		n = xlat_gso_segment(W[w].b, W[w].len, &W[w].off, i, SEG,
		    sizeof(SEG));
		assert_true(n >= 0);
		if (n == 0)
			break;
		fx_assert_pkt(SEG, (size_t)n, OFF[first + i].flags ?
		    FULL[first + i] : PK[first + i], PLEN[first + i], ign);
	}
	assert_int_equal(i, W[w].n);
}

/* Each packet written alone, unchanged, in order. */
static void
assert_all_alone(unsigned npkt)
{
	assert_int_equal(NW, npkt);
	for (unsigned i = 0; i < npkt; i++) {
		assert_int_equal(W[i].n, 1);
		assert_memory_equal(&W[i].off, &OFF[i], sizeof(OFF[i]));
		fx_assert_pkt(W[i].b, W[i].len, PK[i], PLEN[i], NULL);
	}
}

static uint16_t
fold_partial(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void
test_v6_batch(void **state)
{
	struct fx_ip6 h = { .src = S6, .dst = D6, .nh = IPPROTO_UDP,
	    .hlim = 63, .tclass = 0x10, .flow = 0x12345 };
	struct in6_addr s = fx_a6(S6), d = fx_a6(D6);
	size_t ulen, n, at = 8;
	uint32_t ps;

	setup(state);
	for (unsigned i = 0; i < 3; i++)
		mk6(i, 64, 63, 5001);
	mk6(3, 20, 63, 5001);
	run(4);
	assert_int_equal(NW, 1);
	assert_int_equal(W[0].n, 4);
	/* Expected: the first header, lengths of the whole, the payloads
	 * back to back, the pseudo-header sum in the checksum field. */
	ulen = 8 + 3 * 64 + 20;
	fx_udp(L4, 5001, 9001, DATA, 0);
	for (unsigned i = 0; i < 4; i++) {
		memcpy(L4 + at, PK[i] + 48, PLEN[i] - 48);
		at += PLEN[i] - 48;
	}
	assert_int_equal(at, ulen);
	L4[4] = (uint8_t)(ulen >> 8);
	L4[5] = (uint8_t)ulen;
	ps = fx_sum(&s, 16, fx_sum(&d, 16, (uint32_t)ulen + IPPROTO_UDP));
	n = fx_build_ip6(WANT, &h, L4, ulen);
	WANT[46] = (uint8_t)(fold_partial(ps) >> 8);
	WANT[47] = (uint8_t)fold_partial(ps);
	fx_assert_pkt(W[0].b, W[0].len, WANT, n, NULL);
	assert_int_equal(W[0].off.flags, XLAT_OFF_NEEDS_CSUM);
	assert_int_equal(W[0].off.gso_type, XLAT_GSO_UDP_L4);
	assert_int_equal(W[0].off.gso_size, 64);
	assert_int_equal(W[0].off.hdr_len, 48);
	assert_int_equal(W[0].off.csum_start, 40);
	assert_int_equal(W[0].off.csum_offset, 6);
	assert_segments(0, 0, NULL);
	assert_int_equal(G.batches, 1);
	assert_int_equal(G.datagrams, 4);
}

static void
test_v4_batch(void **state)
{
	struct fx_ip4 h = { .src = S4, .dst = D4, .proto = IPPROTO_UDP,
	    .ttl = 64, .tos = 0x10, .id = 100, .frag = 0x4000 };
	struct in_addr s = fx_a4(S4), d = fx_a4(D4);
	size_t ulen = 8 + 5 * 100, n;
	uint32_t ps;

	setup(state);
	for (unsigned i = 0; i < 5; i++)
		mk4(i, 100, 64, 0x4000, true);
	run(5);
	assert_int_equal(NW, 1);
	assert_int_equal(W[0].n, 5);
	fx_udp(L4, 5001, 9002, DATA, 0);
	for (unsigned i = 0; i < 5; i++)
		memcpy(L4 + 8 + i * 100, PK[i] + 28, 100);
	L4[4] = (uint8_t)(ulen >> 8);
	L4[5] = (uint8_t)ulen;
	ps = fx_sum(&s, 4, fx_sum(&d, 4, (uint32_t)ulen + IPPROTO_UDP));
	n = fx_build_ip4(WANT, &h, L4, ulen);	/* valid header checksum */
	WANT[26] = (uint8_t)(fold_partial(ps) >> 8);
	WANT[27] = (uint8_t)fold_partial(ps);
	fx_assert_pkt(W[0].b, W[0].len, WANT, n, NULL);
	assert_int_equal(W[0].off.gso_type, XLAT_GSO_UDP_L4);
	assert_int_equal(W[0].off.gso_size, 100);
	assert_int_equal(W[0].off.hdr_len, 28);
	assert_int_equal(W[0].off.csum_start, 20);
	assert_int_equal(W[0].off.csum_offset, 6);
	assert_segments(0, 0, ign_id);
}

/* A batch of one is the packet as offered, no metadata. */
static void
test_single(void **state)
{
	setup(state);
	mk4(0, 64, 64, 0, true);
	run(1);
	assert_all_alone(1);
	assert_int_equal(G.batches, 0);
}

static void
test_limits(void **state)
{
	setup(state);
	for (unsigned i = 0; i < 65; i++)
		mk6(i, 64, 63, 5001);
	run(65);
	assert_int_equal(NW, 2);
	assert_int_equal(W[0].n, GRO_MAX_SEGS);
	assert_int_equal(W[1].n, 1);
	assert_segments(0, 0, NULL);
	fx_assert_pkt(W[1].b, W[1].len, PK[64], PLEN[64], NULL);
	/* 64 KiB: 46 x 1400 bytes + headers fit, a 47th does not. */
	for (unsigned i = 0; i < 48; i++)
		mk4(i, 1400, 64, 0, true);
	run(48);
	assert_int_equal(NW, 2);
	assert_int_equal(W[0].n, 46);
	assert_true(W[0].len <= 65535);
	assert_int_equal(W[1].n, 2);
	assert_segments(0, 0, ign_id);
	assert_segments(1, 46, ign_id);
}

/* Family not accepted by the TUN: nothing joins. */
static void
test_family_off(void **state)
{
	(void)state;
	gro_init(&G, false, true);
	mk4(0, 64, 64, 0, true);
	mk4(1, 64, 64, 0, true);
	run(2);
	assert_all_alone(2);
}

/* Pairs that must not join: each written alone, in order. */
static void
test_negative(void **state)
{
	static const uint8_t opt[4] = { 1, 1, 1, 0 };
	struct fx_ip4 h = { .src = S4, .dst = D4, .proto = IPPROTO_UDP,
	    .ttl = 64, .tos = 0x10, .opts = opt, .optlen = 4, .fix_l4 = true };

	setup(state);
	mk6(0, 64, 63, 5001);			/* different flow (port) */
	mk6(1, 64, 63, 5002);
	mk6(2, 64, 62, 5002);			/* different hop limit */
	mk4(3, 64, 64, 0, true);
	mk4(4, 64, 63, 0, true);		/* different TTL */
	mk4(5, 64, 63, 0x4000, true);		/* DF differs */
	mk4(6, 64, 63, 0x4000, true);
	PK[6][40] ^= 0x01;			/* bad checksum */
	mk4(7, 64, 63, 0x4000, true);
	mk4(8, 64, 63, 0x4000, false);		/* zero checksum */
	mk4(9, 64, 63, 0x4000, true);
	mk4(10, 64, 63, 0x2000, true);		/* fragment (MF) */
	mk4(11, 64, 63, 0x4000, true);
	fx_fill(DATA, 64, 12);
	PLEN[12] = fx_build_ip4(PK[12], &h, L4,
	    fx_udp(L4, 5001, 9002, DATA, 64));	/* options */
	mk4(13, 64, 63, 0x4000, true);
	run(14);
	/* Each neighbour pair differs in one way: all fourteen alone, the
	 * corrupt one still corrupt. */
	assert_all_alone(14);
	assert_true(PK[6][40] != 0);
}

/* A larger datagram mid-batch ends it; a shorter one ends it after
 * joining; the order holds. */
static void
test_size_change(void **state)
{
	setup(state);
	mk6(0, 64, 63, 5001);
	mk6(1, 64, 63, 5001);
	mk6(2, 100, 63, 5001);			/* larger: new batch */
	mk6(3, 100, 63, 5001);
	mk6(4, 50, 63, 5001);			/* shorter: joins, ends */
	mk6(5, 100, 63, 5001);
	run(6);
	assert_int_equal(NW, 3);
	assert_int_equal(W[0].n, 2);
	assert_int_equal(W[1].n, 3);
	assert_int_equal(W[2].n, 1);
	assert_segments(0, 0, NULL);
	assert_segments(1, 2, NULL);
	fx_assert_pkt(W[2].b, W[2].len, PK[5], PLEN[5], NULL);
	/* A zero-payload datagram never joins. */
	mk6(0, 0, 63, 5001);
	mk6(1, 0, 63, 5001);
	run(2);
	assert_all_alone(2);
}

/* PK[i] (IPv6) with the sender's checksum offload: the field holds
 * the pseudo-header sum of length ulen (folded, not complemented). */
static void
partial6(unsigned i, size_t ulen)
{
	struct in6_addr s = fx_a6(S6), d = fx_a6(D6);
	uint16_t ps = fold_partial(fx_sum(&s, 16, fx_sum(&d, 16,
	    (uint32_t)ulen + IPPROTO_UDP)));

	memcpy(FULL[i], PK[i], PLEN[i]);
	PK[i][46] = (uint8_t)(ps >> 8);
	PK[i][47] = (uint8_t)ps;
	OFF[i].flags = XLAT_OFF_NEEDS_CSUM;
	OFF[i].csum_start = 40;
	OFF[i].csum_offset = 6;
}

/* Partial checksums join (the segmentation completes them); a partial
 * that is not the pseudo-header sum, or one elsewhere, goes alone with
 * its metadata, as does anything already a super-packet. */
static void
test_partial(void **state)
{
	setup(state);
	for (unsigned i = 0; i < 4; i++)
		mk6(i, 64, 63, 5001);
	partial6(0, 72);
	partial6(2, 72);
	run(4);
	assert_int_equal(NW, 1);
	assert_int_equal(W[0].n, 4);
	assert_segments(0, 0, NULL);

	setup(state);
	for (unsigned i = 0; i < 5; i++)
		mk6(i, 64, 63, 5001);
	partial6(0, 72);
	partial6(1, 73);			/* wrong sum */
	partial6(2, 72);
	OFF[2].csum_start = 42;			/* wrong place */
	partial6(3, 72);
	OFF[3].gso_type = XLAT_GSO_UDP_L4;	/* a super-packet already */
	OFF[3].gso_size = 32;
	partial6(4, 72);
	OFF[4].flags |= 0x04;			/* an unknown flag */
	run(5);
	assert_all_alone(5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v6_batch),
		cmocka_unit_test(test_v4_batch),
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_family_off),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_size_change),
		cmocka_unit_test(test_partial),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
