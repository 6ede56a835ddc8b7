/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Offloads: TSO/USO super-packets and partial checksums through
 * xlat_packet_offload(), software segmentation with xlat_gso_segment().
 * Expected packets are built independently with the fixture builders;
 * partial checksums are the folded pseudo-header sums, not complemented.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <cmocka.h>

#include "fixture.h"
#include "xlat.h"

#define S4	"198.51.100.2"
#define D4	"203.0.113.5"
#define S6	"2001:db8:64::c633:6402"
#define D6	"2001:db8:64::cb00:7105"
#define NOW	1000000
#define TH_FIN	0x01
#define TH_PSH	0x08
#define TH_ACK	0x10
#define TH_CWR	0x80

static struct xlat_cfg cfg;
static struct xlat X;
static struct xlat_out OUT;
static uint8_t BUF[XLAT_HEADROOM + FX_MAX];
static uint8_t IN[FX_MAX], WANT[FX_MAX], L4[FX_MAX], DATA[FX_MAX];
static uint8_t GOT[FX_MAX], SEG[XLAT_HEADROOM + FX_MAX];
static const struct fx_ign ign_id[] = { FX_IGN_IP4_ID, FX_IGN_END };

static int
setup(void **state)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.ipv4_addr = fx_a4("192.0.2.1");
	cfg.ipv6_addr = fx_a6("2001:db8:1::1");
	cfg.has_prefix = true;
	cfg.prefix = fx_a6("2001:db8:64::");
	cfg.prefix_len = 96;
	cfg.udp_cksum = UDP_CKSUM_DROP;
	cfg.mtu = 1500;
	cfg.offlink_mtu = 1280;
	cfg.err4_pool = cfg.ipv4_addr;
	cfg.err4_pool_len = 32;
	cfg.err6_addr = cfg.ipv6_addr;
	xlat_init(&X, &cfg, NULL, NULL, NULL, 7);
	return 0;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The partial checksum a sending stack leaves: pseudo-header only. */
static void
set_partial(uint8_t *pkt, size_t l4off, size_t csum_at, uint8_t proto)
{
	uint8_t ph[40] = { 0 };
	size_t n, l4len;
	uint32_t len;

	if (pkt[0] >> 4 == 4) {
		l4len = (size_t)(pkt[2] << 8 | pkt[3]) - l4off;
		memcpy(ph, pkt + 12, 8);
		ph[9] = proto;
		ph[10] = (uint8_t)(l4len >> 8);
		ph[11] = (uint8_t)l4len;
		n = 12;
	} else {
		l4len = (size_t)(pkt[4] << 8 | pkt[5]) + 40 - l4off;
		memcpy(ph, pkt + 8, 32);
		len = (uint32_t)l4len;
		ph[34] = (uint8_t)(len >> 8);
		ph[35] = (uint8_t)len;
		ph[39] = proto;
		n = 40;
	}
	pkt[l4off + csum_at] = 0;
	pkt[l4off + csum_at + 1] = 0;
	len = fold(fx_sum(ph, n, 0));
	pkt[l4off + csum_at] = (uint8_t)(len >> 8);
	pkt[l4off + csum_at + 1] = (uint8_t)len;
}

static size_t
tcp4(uint8_t *p, uint16_t frag, uint8_t ttl, uint32_t seq, uint8_t flags,
    size_t dlen, bool full)
{
	size_t n = fx_tcp(L4, 4000, 80, seq, flags, DATA, dlen);

	n = fx_build_ip4(p, &(struct fx_ip4){ .src = S4, .dst = D4,
	    .proto = IPPROTO_TCP, .ttl = ttl, .id = 0x1234, .frag = frag,
	    .fix_l4 = full }, L4, n);
	if (!full)
		set_partial(p, 20, 16, IPPROTO_TCP);
	return n;
}

static size_t
tcp6(uint8_t *p, uint8_t hlim, uint32_t seq, uint8_t flags, size_t dlen,
    bool full)
{
	size_t n = fx_tcp(L4, 4000, 80, seq, flags, DATA, dlen);

	n = fx_build_ip6(p, &(struct fx_ip6){ .src = S6, .dst = D6,
	    .nh = IPPROTO_TCP, .hlim = hlim, .l4proto = IPPROTO_TCP,
	    .fix_l4 = full }, L4, n);
	if (!full)
		set_partial(p, 40, 16, IPPROTO_TCP);
	return n;
}

static size_t
udp(uint8_t *p, int family, size_t dlen)
{
	size_t n = fx_udp(L4, 5000, 53, DATA, dlen);

	if (family == 4) {
		n = fx_build_ip4(p, &(struct fx_ip4){ .src = S4, .dst = D4,
		    .proto = IPPROTO_UDP, .ttl = 64, .frag = 0x4000 }, L4, n);
		set_partial(p, 20, 6, IPPROTO_UDP);
	} else {
		n = fx_build_ip6(p, &(struct fx_ip6){ .src = S6, .dst = D6,
		    .nh = IPPROTO_UDP, .hlim = 63, .l4proto = IPPROTO_UDP },
		    L4, n);
		set_partial(p, 40, 6, IPPROTO_UDP);
	}
	return n;
}

static enum xlat_verdict
run(const uint8_t *pkt, size_t len, const struct xlat_offload *o)
{
	memcpy(BUF + XLAT_HEADROOM, pkt, len);
	return xlat_packet_offload(&X, BUF + XLAT_HEADROOM, len, NOW, o, &OUT);
}

static void
assert_off(const struct xlat_offload *got, const struct xlat_offload *want)
{
	assert_int_equal(got->flags, want->flags);
	assert_int_equal(got->gso_type, want->gso_type);
	assert_int_equal(got->hdr_len, want->hdr_len);
	assert_int_equal(got->gso_size, want->gso_size);
	assert_int_equal(got->csum_start, want->csum_start);
	assert_int_equal(got->csum_offset, want->csum_offset);
}

/* ---- one header per super-packet */

static void
tso4_to_tso6_exact(void **state)
{
	struct xlat_offload in = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_TCPV4, 40,
	    1000, 20, 16 };
	size_t n, w, g;

	fx_fill(DATA, 3000, 1);
	n = tcp4(IN, 0x4000, 64, 1000, TH_ACK | TH_PSH, 3000, false);
	w = tcp6(WANT, 63, 1000, TH_ACK | TH_PSH, 3000, false);
	assert_int_equal(run(IN, n, &in), XLAT_FORWARD);
	assert_int_equal(OUT.n, 1);
	g = fx_out(&OUT, 0, GOT, sizeof(GOT));
	fx_assert_pkt(GOT, g, WANT, w, NULL);
	assert_off(&OUT.pkt[0].off, &(struct xlat_offload){
	    XLAT_OFF_NEEDS_CSUM, XLAT_GSO_TCPV6, 60, 1000, 40, 16 });
	assert_int_equal(X.stats.gso_in, 1);
	assert_int_equal(X.stats.tx6, 1);
	assert_int_equal(X.stats.rx4, 1);
}

static void
tso6_to_tso4_exact(void **state)
{
	struct xlat_offload in = { XLAT_OFF_NEEDS_CSUM,
	    XLAT_GSO_TCPV6 | XLAT_GSO_ECN, 60, 1400, 40, 16 };
	size_t n, w, g;

	fx_fill(DATA, 4200, 2);
	n = tcp6(IN, 64, 7, TH_ACK, 4200, false);
	/* Segments of 1440 bytes > 1260: DF on all of them (5.1). */
	w = tcp4(WANT, 0x4000, 63, 7, TH_ACK, 4200, false);
	assert_int_equal(run(IN, n, &in), XLAT_FORWARD);
	g = fx_out(&OUT, 0, GOT, sizeof(GOT));
	fx_assert_pkt(GOT, g, WANT, w, ign_id);
	assert_off(&OUT.pkt[0].off, &(struct xlat_offload){
	    XLAT_OFF_NEEDS_CSUM, XLAT_GSO_TCPV4 | XLAT_GSO_ECN, 40, 1400,
	    20, 16 });
}

static void
tso6_small_segments_df_clear(void **state)
{
	struct xlat_offload in = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_TCPV6, 60,
	    1000, 40, 16 };
	size_t n, w, g;

	fx_fill(DATA, 2500, 3);
	n = tcp6(IN, 64, 7, TH_ACK, 2500, false);
	/* 1040-byte and 540-byte IPv4 segments: DF=0 for all (5.1). */
	w = tcp4(WANT, 0, 63, 7, TH_ACK, 2500, false);
	assert_int_equal(run(IN, n, &in), XLAT_FORWARD);
	g = fx_out(&OUT, 0, GOT, sizeof(GOT));
	fx_assert_pkt(GOT, g, WANT, w, ign_id);
}

static void
uso_both_ways(void **state)
{
	struct xlat_offload in4 = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_UDP_L4, 28,
	    1200, 20, 6 };
	struct xlat_offload in6 = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_UDP_L4, 48,
	    1200, 40, 6 };
	size_t n, w, g;

	fx_fill(DATA, 12000, 4);
	n = udp(IN, 4, 12000);
	w = udp(WANT, 6, 12000);
	WANT[7] = 63;
	assert_int_equal(run(IN, n, &in4), XLAT_FORWARD);
	g = fx_out(&OUT, 0, GOT, sizeof(GOT));
	fx_assert_pkt(GOT, g, WANT, w, NULL);
	assert_off(&OUT.pkt[0].off, &(struct xlat_offload){
	    XLAT_OFF_NEEDS_CSUM, XLAT_GSO_UDP_L4, 48, 1200, 40, 6 });

	n = udp(IN, 6, 12000);
	w = udp(WANT, 4, 12000);
	WANT[8] = 62;			/* hop limit 63 - 1 */
	WANT[6] = 0;			/* 1228-byte segments: DF=0 (5.1) */
	assert_int_equal(run(IN, n, &in6), XLAT_FORWARD);
	g = fx_out(&OUT, 0, GOT, sizeof(GOT));
	fx_assert_pkt(GOT, g, WANT, w, ign_id);
	assert_off(&OUT.pkt[0].off, &(struct xlat_offload){
	    XLAT_OFF_NEEDS_CSUM, XLAT_GSO_UDP_L4, 28, 1200, 20, 6 });
}

static void
needs_csum_adjusted_not_completed(void **state)
{
	struct xlat_offload in = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_NONE, 0, 0,
	    20, 16 };
	size_t n, w, g;

	fx_fill(DATA, 100, 5);
	n = tcp4(IN, 0x4000, 64, 1, TH_ACK, 100, false);
	w = tcp6(WANT, 63, 1, TH_ACK, 100, false);
	assert_int_equal(run(IN, n, &in), XLAT_FORWARD);
	g = fx_out(&OUT, 0, GOT, sizeof(GOT));
	fx_assert_pkt(GOT, g, WANT, w, NULL);
	assert_off(&OUT.pkt[0].off, &(struct xlat_offload){
	    XLAT_OFF_NEEDS_CSUM, XLAT_GSO_NONE, 0, 0, 40, 16 });
	assert_int_equal(X.stats.csum_partial, 1);
	assert_int_equal(X.stats.gso_in, 0);
}

static void
no_offload_is_xlat_packet(void **state)
{
	size_t n, w, g;

	fx_fill(DATA, 100, 6);
	n = tcp4(IN, 0x4000, 64, 1, TH_ACK, 100, true);
	w = tcp6(WANT, 63, 1, TH_ACK, 100, true);
	assert_int_equal(run(IN, n, NULL), XLAT_FORWARD);
	g = fx_out(&OUT, 0, GOT, sizeof(GOT));
	fx_assert_pkt(GOT, g, WANT, w, NULL);
	assert_int_equal(OUT.pkt[0].off.flags, 0);
	assert_int_equal(OUT.pkt[0].off.gso_type, 0);
}

/* ---- per-segment decisions: left to software, packet untouched */

static void
assert_segment_untouched(const uint8_t *pkt, size_t n,
    const struct xlat_offload *in)
{
	struct xlat_stats before = X.stats;

	assert_int_equal(run(pkt, n, in), XLAT_SEGMENT);
	assert_int_equal(OUT.n, 0);
	assert_memory_equal(BUF + XLAT_HEADROOM, pkt, n);
	assert_int_equal(X.stats.rx4 + X.stats.rx6, before.rx4 + before.rx6);
	assert_int_equal(X.stats.gso_sw, before.gso_sw + 1);
	assert_int_equal(X.stats.icmp_out, before.icmp_out);
}

/* RFC 7915 4.1: DF and each IPv6 segment (40+20+1300) above the MTU:
 * every segment gets its own Fragmentation Needed, as without TSO. */
static void
rfc7915_4_1_tso_df_too_big_per_segment(void **state)
{
	struct xlat_offload in = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_TCPV4, 40,
	    1300, 20, 16 };
	size_t n, w, g, e;
	long s;

	cfg.mtu = 1340;
	fx_fill(DATA, 2600, 7);
	n = tcp4(IN, 0x4000, 64, 50, TH_ACK, 2600, false);
	assert_segment_untouched(IN, n, &in);
	/* The first segment, cut in software, is the packet TCP would
	 * have sent without TSO, and is refused like it. */
	s = xlat_gso_segment(BUF + XLAT_HEADROOM, n, &in, 0,
	    SEG + XLAT_HEADROOM, FX_MAX);
	assert_int_equal(s, 20 + 20 + 1300);
	w = tcp4(WANT, 0x4000, 64, 50, TH_ACK, 1300, true);
	fx_assert_pkt(SEG + XLAT_HEADROOM, (size_t)s, WANT, w, NULL);
	assert_int_equal(xlat_packet(&X, SEG + XLAT_HEADROOM, (size_t)s, NOW,
	    &OUT), XLAT_REJECT);
	g = fx_out(&OUT, 0, GOT, sizeof(GOT));
	assert_int_equal(GOT[20], ICMP_DEST_UNREACH);
	assert_int_equal(GOT[21], ICMP_FRAG_NEEDED);
	assert_int_equal(GOT[26] << 8 | GOT[27], 1340 - 20);
	e = g - 28;
	assert_memory_equal(GOT + 28, WANT, e);	/* quotes a whole segment */
	/* Segments that fit go through whole. */
	cfg.mtu = 1360;
	assert_int_equal(run(IN, n, &in), XLAT_FORWARD);
}

/* RFC 7915 4.1: DF=0 and segments above the IPv6 limit: each would be
 * fragmented, so the super-packet is segmented first. */
static void
rfc7915_4_1_tso_no_df_fragmented_per_segment(void **state)
{
	struct xlat_offload in = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_TCPV4, 40,
	    1400, 20, 16 };
	size_t n;
	long s;

	fx_fill(DATA, 2800, 8);
	n = tcp4(IN, 0, 64, 50, TH_ACK, 2800, false);
	assert_segment_untouched(IN, n, &in);
	s = xlat_gso_segment(BUF + XLAT_HEADROOM, n, &in, 1,
	    SEG + XLAT_HEADROOM, FX_MAX);
	assert_int_equal(s, 1440);
	assert_int_equal(xlat_packet(&X, SEG + XLAT_HEADROOM, (size_t)s, NOW,
	    &OUT), XLAT_FORWARD);
	assert_int_equal(OUT.n, 2);		/* two fragments of 1280 max */
	assert_int_equal(X.stats.frag_out, 2);
}

/* RFC 7915 5.1: DF is set per segment size; a last segment of 1260
 * bytes or less would get DF=0 while the others get DF=1. */
static void
rfc7915_5_1_tso_df_differs_last_segment(void **state)
{
	struct xlat_offload in = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_TCPV6, 60,
	    1400, 40, 16 };
	size_t n, g;
	long s;

	fx_fill(DATA, 1900, 9);
	n = tcp6(IN, 64, 9, TH_ACK | TH_FIN, 1900, false);
	assert_segment_untouched(IN, n, &in);
	for (unsigned i = 0; i < 2; i++) {
		s = xlat_gso_segment(BUF + XLAT_HEADROOM, n, &in, i,
		    SEG + XLAT_HEADROOM, FX_MAX);
		assert_int_equal(xlat_packet(&X, SEG + XLAT_HEADROOM,
		    (size_t)s, NOW, &OUT), XLAT_FORWARD);
		g = fx_out(&OUT, 0, GOT, sizeof(GOT));
		assert_int_equal(g, i == 0 ? 1440 : 540);
		assert_int_equal(GOT[6] & 0x40, i == 0 ? 0x40 : 0);
	}
	assert_int_equal(xlat_gso_segment(BUF + XLAT_HEADROOM, n, &in, 2,
	    SEG + XLAT_HEADROOM, FX_MAX), 0);
}

/* RFC 7915 5: too big for the IPv4 MTU -> a Packet Too Big per segment. */
static void
rfc7915_5_tso_too_big_per_segment(void **state)
{
	struct xlat_offload in = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_TCPV6, 60,
	    1440, 40, 16 };
	size_t n;

	cfg.mtu = 1400;
	fx_fill(DATA, 2880, 10);
	n = tcp6(IN, 64, 9, TH_ACK, 2880, false);
	assert_segment_untouched(IN, n, &in);
}

static void
hop_limit_expiring_left_to_software(void **state)
{
	struct xlat_offload in = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_TCPV6, 60,
	    1440, 40, 16 };
	size_t n;

	fx_fill(DATA, 2880, 11);
	n = tcp6(IN, 1, 9, TH_ACK, 2880, false);
	assert_segment_untouched(IN, n, &in);
}

/* ---- software fallbacks produce complete checksums */

/* TTL 1: the Time Exceeded quotes the packet; its partial checksum is
 * completed first, so the quote is what the host would have sent. */
static void
partial_checksum_completed_for_icmp_quote(void **state)
{
	struct xlat_offload in = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_NONE, 0, 0,
	    20, 16 };
	size_t n, w, g;

	fx_fill(DATA, 60, 12);
	n = tcp4(IN, 0x4000, 1, 1, TH_ACK, 60, false);
	w = tcp4(WANT, 0x4000, 1, 1, TH_ACK, 60, true);
	assert_int_equal(run(IN, n, &in), XLAT_REJECT);
	g = fx_out(&OUT, 0, GOT, sizeof(GOT));
	assert_int_equal(GOT[20], ICMP_TIME_EXCEEDED);
	assert_int_equal(g, 28 + w);
	assert_memory_equal(GOT + 28, WANT, w);
	assert_int_equal(X.stats.csum_sw, 1);
	assert_int_equal(X.stats.icmp_out, 1);
	assert_int_equal(X.stats.drop[XLAT_DROP_TTL_EXPIRED], 1);
	assert_int_equal(X.stats.rx4, 1);
}

/* The kernel's segmentation: sequence numbers advance, FIN/PSH only on
 * the last segment, CWR only on the first, IPv4 IDs consecutive, every
 * checksum complete. */
static void
gso_segments_like_the_kernel(void **state)
{
	struct xlat_offload in = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_TCPV4, 40,
	    1000, 20, 16 };
	uint8_t fl = TH_ACK | TH_PSH | TH_FIN | TH_CWR;
	size_t n, w;
	long s;

	fx_fill(DATA, 2500, 13);
	n = tcp4(IN, 0x4000, 64, 0xfffffc00, fl, 2500, false);
	for (unsigned i = 0; i < 3; i++) {
		s = xlat_gso_segment(IN, n, &in, i, SEG, FX_MAX);
		fx_fill(DATA, 2500, 13);
		memmove(DATA, DATA + i * 1000, 2500 - i * 1000);
		w = fx_tcp(L4, 4000, 80, 0xfffffc00 + i * 1000, (uint8_t)(fl &
		    ~(i < 2 ? TH_FIN | TH_PSH : 0) & ~(i > 0 ? TH_CWR : 0)),
		    DATA, i < 2 ? 1000 : 500);
		w = fx_build_ip4(WANT, &(struct fx_ip4){ .src = S4, .dst = D4,
		    .proto = IPPROTO_TCP, .ttl = 64, .id = (uint16_t)(0x1234 +
		    i), .frag = 0x4000, .fix_l4 = true }, L4, w);
		fx_assert_pkt(SEG, (size_t)s, WANT, w, NULL);
	}
	assert_int_equal(xlat_gso_segment(IN, n, &in, 3, SEG, FX_MAX), 0);
	in.gso_size = 0;
	assert_int_equal(xlat_gso_segment(IN, n, &in, 0, SEG, FX_MAX), -1);
}

static void
uso_segments_like_the_kernel(void **state)
{
	struct xlat_offload in = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_UDP_L4, 48,
	    1200, 40, 6 };
	size_t n, w;
	long s;

	fx_fill(DATA, 3000, 14);
	n = udp(IN, 6, 3000);
	s = xlat_gso_segment(IN, n, &in, 2, SEG, FX_MAX);
	memmove(DATA, DATA + 2400, 600);
	w = fx_udp(L4, 5000, 53, DATA, 600);
	w = fx_build_ip6(WANT, &(struct fx_ip6){ .src = S6, .dst = D6,
	    .nh = IPPROTO_UDP, .hlim = 63, .l4proto = IPPROTO_UDP,
	    .fix_l4 = true }, L4, w);
	fx_assert_pkt(SEG, (size_t)s, WANT, w, NULL);
}

/* Offload metadata on a protocol that has none: software path. */
static void
icmp_with_offload_goes_plain(void **state)
{
	struct xlat_offload in = { XLAT_OFF_NEEDS_CSUM, XLAT_GSO_NONE, 0, 0,
	    20, 2 };
	uint8_t icmp[64];
	size_t n;

	fx_fill(DATA, 32, 15);
	n = fx_icmp(icmp, ICMP_ECHO, 0, 0x00010002, DATA, 32);
	n = fx_build_ip4(IN, &(struct fx_ip4){ .src = S4, .dst = D4,
	    .proto = IPPROTO_ICMP, .ttl = 64, .fix_l4 = true }, icmp, n);
	/* A partial ICMP "checksum" of zero, completed in software. */
	IN[22] = IN[23] = 0;
	assert_int_equal(run(IN, n, &in), XLAT_FORWARD);
	assert_int_equal(OUT.pkt[0].off.flags, 0);
	assert_int_equal(X.stats.csum_sw, 1);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(tso4_to_tso6_exact),
		T(tso6_to_tso4_exact),
		T(tso6_small_segments_df_clear),
		T(uso_both_ways),
		T(needs_csum_adjusted_not_completed),
		T(no_offload_is_xlat_packet),
		T(rfc7915_4_1_tso_df_too_big_per_segment),
		T(rfc7915_4_1_tso_no_df_fragmented_per_segment),
		T(rfc7915_5_1_tso_df_differs_last_segment),
		T(rfc7915_5_tso_too_big_per_segment),
		T(hop_limit_expiring_left_to_software),
		T(partial_checksum_completed_for_icmp_quote),
		T(gso_segments_like_the_kernel),
		T(uso_segments_like_the_kernel),
		T(icmp_with_offload_goes_plain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
