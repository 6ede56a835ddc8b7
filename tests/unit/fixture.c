/* SPDX-License-Identifier: GPL-2.0-or-later */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "fixture.h"

size_t
fx_hex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *hex; hex++) {
		if (*hex >= '0' && *hex <= '9')
			v = *hex - '0';
		else if (*hex >= 'a' && *hex <= 'f')
			v = *hex - 'a' + 10;
		else if (*hex >= 'A' && *hex <= 'F')
			v = *hex - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		assert_true(n < cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	assert_int_equal(hi, -1);
	return n;
}

struct in6_addr
fx_a6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

struct in_addr
fx_a4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

uint32_t
fx_sum(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		sum += (uint32_t)p[i] << 8 | p[i + 1];
		if (sum > 0xffff)
			sum = (sum & 0xffff) + 1;
	}
	if (len & 1) {
		sum += (uint32_t)p[len - 1] << 8;
		if (sum > 0xffff)
			sum = (sum & 0xffff) + 1;
	}
	return sum;
}

uint16_t
fx_csum(const void *p, size_t len, uint32_t init)
{
	return (uint16_t)~fx_sum(p, len, init);
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Offset of the checksum field in a transport header, or -1. */
static int
l4_csum_off(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return 16;
	case IPPROTO_UDP:
		return 6;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 2;
	default:
		return -1;
	}
}

size_t
fx_build_ip4(uint8_t *p, const struct fx_ip4 *h, const uint8_t *payload,
    size_t plen)
{
	size_t hl = 20 + h->optlen;
	struct in_addr s = fx_a4(h->src), d = fx_a4(h->dst);
	uint8_t ph[12];
	int co;

	assert_true(h->optlen % 4 == 0 && hl <= 60 && hl + plen <= FX_MAX);
	memset(p, 0, 20);
	p[0] = 0x40 | (uint8_t)(hl / 4);
	p[1] = h->tos;
	wr16(p + 2, (uint16_t)(hl + plen));
	wr16(p + 4, h->id);
	wr16(p + 6, h->frag);
	p[8] = h->ttl;
	p[9] = h->proto;
	memcpy(p + 12, &s, 4);
	memcpy(p + 16, &d, 4);
	if (h->optlen)
		memcpy(p + 20, h->opts, h->optlen);
	memmove(p + hl, payload, plen);
	co = l4_csum_off(h->proto);
	if (h->fix_l4 && co >= 0 && plen >= (size_t)co + 2) {
		wr16(p + hl + co, 0);
		if (h->proto == IPPROTO_ICMP) {
			wr16(p + hl + co, fx_csum(p + hl, plen, 0));
		} else {
			memcpy(ph, &s, 4);
			memcpy(ph + 4, &d, 4);
			ph[8] = 0;
			ph[9] = h->proto;
			wr16(ph + 10, (uint16_t)plen);
			uint16_t c = fx_csum(p + hl, plen, fx_sum(ph, 12, 0));
			if (c == 0 && h->proto == IPPROTO_UDP)
				c = 0xffff;
			wr16(p + hl + co, c);
		}
	}
	wr16(p + 10, fx_csum(p, hl, 0));
	if (h->bad_csum)
		p[11] ^= 0x5a;
	return hl + plen;
}

size_t
fx_build_ip6(uint8_t *p, const struct fx_ip6 *h, const uint8_t *payload,
    size_t plen)
{
	struct in6_addr s = fx_a6(h->src), d = fx_a6(h->dst);
	size_t tot = h->extlen + plen;
	uint8_t ph[40];
	uint8_t proto = h->extlen ? h->l4proto : h->nh;
	uint8_t *l4 = p + 40 + h->extlen;
	uint32_t vtf;
	int co;

	assert_true(40 + tot <= FX_MAX);
	vtf = 6u << 28 | (uint32_t)h->tclass << 20 | (h->flow & 0xfffff);
	p[0] = vtf >> 24;
	p[1] = (vtf >> 16) & 0xff;
	p[2] = (vtf >> 8) & 0xff;
	p[3] = vtf & 0xff;
	wr16(p + 4, (uint16_t)tot);
	p[6] = h->nh;
	p[7] = h->hlim;
	memcpy(p + 8, &s, 16);
	memcpy(p + 24, &d, 16);
	if (h->extlen)
		memcpy(p + 40, h->ext, h->extlen);
	memmove(l4, payload, plen);
	co = l4_csum_off(proto);
	if (h->fix_l4 && co >= 0 && plen >= (size_t)co + 2) {
		memcpy(ph, &s, 16);
		memcpy(ph + 16, &d, 16);
		ph[32] = (plen >> 24) & 0xff;
		ph[33] = (plen >> 16) & 0xff;
		ph[34] = (plen >> 8) & 0xff;
		ph[35] = plen & 0xff;
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = proto;
		wr16(l4 + co, 0);
		uint16_t c = fx_csum(l4, plen, fx_sum(ph, 40, 0));
		if (c == 0 && proto == IPPROTO_UDP)
			c = 0xffff;
		wr16(l4 + co, c);
	}
	return 40 + tot;
}

size_t
fx_udp(uint8_t *p, uint16_t sport, uint16_t dport, const uint8_t *data,
    size_t dlen)
{
	wr16(p, sport);
	wr16(p + 2, dport);
	wr16(p + 4, (uint16_t)(8 + dlen));
	wr16(p + 6, 0);
	memmove(p + 8, data, dlen);
	return 8 + dlen;
}

size_t
fx_tcp(uint8_t *p, uint16_t sport, uint16_t dport, uint32_t seq,
    uint8_t flags, const uint8_t *data, size_t dlen)
{
	memset(p, 0, 20);
	wr16(p, sport);
	wr16(p + 2, dport);
	p[4] = seq >> 24;
	p[5] = (seq >> 16) & 0xff;
	p[6] = (seq >> 8) & 0xff;
	p[7] = seq & 0xff;
	p[12] = 5 << 4;
	p[13] = flags;
	wr16(p + 14, 65535);
	memmove(p + 20, data, dlen);
	return 20 + dlen;
}

size_t
fx_icmp(uint8_t *p, uint8_t type, uint8_t code, uint32_t rest,
    const uint8_t *data, size_t dlen)
{
	p[0] = type;
	p[1] = code;
	wr16(p + 2, 0);
	p[4] = rest >> 24;
	p[5] = (rest >> 16) & 0xff;
	p[6] = (rest >> 8) & 0xff;
	p[7] = rest & 0xff;
	memmove(p + 8, data, dlen);
	return 8 + dlen;
}

void
fx_fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* With FX_CORPUS_DIR set, every input packet is saved there: the seed
 * corpus of the fuzzer (make fuzz) is built from the fixtures. */
static void
corpus_save(const uint8_t *pkt, size_t len)
{
	const char *dir = getenv("FX_CORPUS_DIR");
	char path[4096];
	uint64_t h = 1469598103934665603ULL;
	size_t i;
	FILE *f;

	if (dir == NULL || len == 0)
		return;
	for (i = 0; i < len; i++)
		h = (h ^ pkt[i]) * 1099511628211ULL;
	snprintf(path, sizeof(path), "%s/fx-%016llx", dir,
	    (unsigned long long)h);
	if ((f = fopen(path, "wb")) == NULL)
		return;
	fwrite(pkt, 1, len, f);
	fclose(f);
}

enum xlat_verdict
fx_run(struct xlat *x, const uint8_t *pkt, size_t len, uint64_t now_ms,
    struct xlat_out *out)
{
	static uint8_t buf[XLAT_HEADROOM + FX_MAX];

	corpus_save(pkt, len);
	assert_true(len <= FX_MAX);
	memset(buf, 0xee, XLAT_HEADROOM);
	memcpy(buf + XLAT_HEADROOM, pkt, len);
	return xlat_packet(x, buf + XLAT_HEADROOM, len, now_ms, out);
}

size_t
fx_out(const struct xlat_out *out, unsigned i, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	unsigned k;

	assert_true(i < out->n);
	for (k = 0; k < out->pkt[i].niov; k++) {
		assert_true(n + out->pkt[i].iov[k].iov_len <= cap);
		memcpy(buf + n, out->pkt[i].iov[k].iov_base,
		    out->pkt[i].iov[k].iov_len);
		n += out->pkt[i].iov[k].iov_len;
	}
	return n;
}

static bool
ignored(const struct fx_ign *ign, size_t off)
{
	for (; ign && ign->len; ign++)
		if (off >= ign->off && off < ign->off + ign->len)
			return true;
	return false;
}

static void
hexdump(const char *what, const uint8_t *p, size_t len, size_t mark)
{
	size_t i;

	fprintf(stderr, "%s (%zu bytes):", what, len);
	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			fprintf(stderr, "\n  %04zx ", i);
		fprintf(stderr, i == mark ? "[%02x]" : " %02x", p[i]);
	}
	fprintf(stderr, "\n");
}

void
fx_assert_pkt(const uint8_t *got, size_t glen, const uint8_t *want,
    size_t wlen, const struct fx_ign *ign)
{
	bool ign_id = ignored(ign, 4) && glen >= 20 && (got[0] >> 4) == 4;
	size_t i, n = glen < wlen ? glen : wlen;

	for (i = 0; i < n; i++) {
		if (ignored(ign, i))
			continue;
		if (ign_id && (i == 10 || i == 11))
			continue;
		if (got[i] != want[i])
			break;
	}
	if (i < n || glen != wlen) {
		hexdump("got", got, glen, i);
		hexdump("want", want, wlen, i);
		fail_msg("packet differs at offset %zu (lengths %zu/%zu)",
		    i, glen, wlen);
	}
	if (ign_id) {
		size_t hl = (size_t)(got[0] & 0xf) * 4;

		assert_true(hl <= glen);
		if (fx_csum(got, hl, 0) != 0)
			fail_msg("IPv4 header checksum of output is wrong");
	}
}

void
fx_assert_out1(const struct xlat_out *out, const uint8_t *want, size_t wlen,
    const struct fx_ign *ign)
{
	static uint8_t got[FX_MAX];
	size_t n;

	assert_int_equal(out->n, 1);
	n = fx_out(out, 0, got, sizeof(got));
	fx_assert_pkt(got, n, want, wlen, ign);
}
