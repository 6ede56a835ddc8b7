/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Translation core, shared parts: entry point, checksums, verdicts, the
 * ICMP rate limit, output assembly and address mapping.
 */

#include <string.h>

#include "addr.h"
#include "maps.h"
#include "pkt.h"
#include "xlat.h"
#include "xlat_int.h"

static const char *const drop_names[XLAT_DROP_MAX] = {
#define XLAT_NAME(e, name, text) [XLAT_DROP_##e] = name,
	XLAT_DROP_REASONS(XLAT_NAME)
#undef XLAT_NAME
};

static const char *const drop_texts[XLAT_DROP_MAX] = {
#define XLAT_TEXT(e, name, text) [XLAT_DROP_##e] = text,
	XLAT_DROP_REASONS(XLAT_TEXT)
#undef XLAT_TEXT
};

const char *
xlat_drop_name(enum xlat_drop r)
{
	return (unsigned)r < XLAT_DROP_MAX ? drop_names[r] : "?";
}

const char *
xlat_drop_text(enum xlat_drop r)
{
	return (unsigned)r < XLAT_DROP_MAX ? drop_texts[r] : "?";
}

void
xlat_init(struct xlat *x, const struct xlat_cfg *cfg, const struct maps *maps,
    const struct xlat_pool_ops *ops, void *pool, uint32_t seed)
{
	memset(x, 0, sizeof(*x));
	x->cfg = cfg;
	x->maps = maps;
	x->pool_ops = ops;
	x->pool = pool;
	x->tb_tokens_milli = (uint64_t)cfg->icmp_burst * 1000;
	x->ip4_id = seed ? seed : 0x9e3779b9;
}

/* ---- checksums */

uint32_t
csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t s = sum;

	while (len >= 2) {
		s += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t
csum_pseudo4(struct in_addr src, struct in_addr dst, uint8_t proto,
    uint32_t len)
{
	uint32_t sum;

	sum = csum_partial(&src, 4, 0);
	sum = csum_partial(&dst, 4, sum);
	return csum_partial((uint8_t[]){ 0, proto, len >> 8, len & 0xff }, 4,
	    sum);
}

uint32_t
csum_pseudo6(const struct in6_addr *src, const struct in6_addr *dst,
    uint8_t proto, uint32_t len)
{
	uint8_t tail[8] = { len >> 24, (len >> 16) & 0xff, (len >> 8) & 0xff,
	    len & 0xff, 0, 0, 0, proto };
	uint32_t sum;

	sum = csum_partial(src, 16, 0);
	sum = csum_partial(dst, 16, sum);
	return csum_partial(tail, sizeof(tail), sum);
}

uint16_t
csum_replace(uint16_t old_csum, uint32_t old_sum, uint32_t new_sum)
{
	uint32_t s;

	/* ~HC + ~m + m', all in one's complement; ~m of a 32-bit partial
	 * sum is taken after folding it to 16 bits. */
	s = (uint16_t)~old_csum;
	s += (uint16_t)csum_fold(old_sum);	/* fold() complements: ~m */
	s += (uint16_t)~csum_fold(new_sum);	/* m' */
	return csum_fold(s);
}

/* ---- verdicts, rate limit, IDs */

enum xlat_verdict
xlat_drop(struct xlat *x, struct xlat_out *out, enum xlat_drop reason)
{
	x->stats.drop[reason]++;
	out->n = 0;
	out->reason = reason;
	return XLAT_DROP;
}

bool
xlat_icmp_allowed(struct xlat *x, uint64_t now_ms)
{
	uint64_t cap = (uint64_t)x->cfg->icmp_burst * 1000;

	if (x->cfg->icmp_rate == 0)
		return true;
	if (now_ms > x->tb_last_ms) {
		x->tb_tokens_milli += (now_ms - x->tb_last_ms) *
		    x->cfg->icmp_rate;
		if (x->tb_tokens_milli > cap)
			x->tb_tokens_milli = cap;
	}
	x->tb_last_ms = now_ms;
	if (x->tb_tokens_milli < 1000)
		return false;
	x->tb_tokens_milli -= 1000;
	return true;
}

uint16_t
xlat_next_id(struct xlat *x)
{
	uint32_t s = x->ip4_id;

	/* xorshift32: IDs are not predictable from one another by simple
	 * increment, and never repeat within 2^32 - 1 packets. */
	s ^= s << 13;
	s ^= s >> 17;
	s ^= s << 5;
	x->ip4_id = s;
	return (uint16_t)(s ^ (s >> 16));
}

/* ---- output */

uint8_t *
xlat_scratch(struct xlat_out *out, size_t n)
{
	uint8_t *p;

	/* Keep pieces 8-byte aligned for the writers' convenience. */
	n = (n + 7) & ~(size_t)7;
	if (XLAT_SCRATCH - out->scratch_used < n)
		return NULL;
	p = out->scratch + out->scratch_used;
	out->scratch_used += n;
	return p;
}

bool
xlat_emit(struct xlat_out *out, uint8_t *p, size_t len)
{
	return xlat_emit2(out, p, len, NULL, 0);
}

bool
xlat_emit2(struct xlat_out *out, uint8_t *h, size_t hlen, uint8_t *b,
    size_t blen)
{
	struct xlat_pktout *po;

	if (out->n >= XLAT_MAX_OUT)
		return false;
	po = &out->pkt[out->n++];
	po->iov[0].iov_base = h;
	po->iov[0].iov_len = hlen;
	po->niov = 1;
	memset(&po->off, 0, sizeof(po->off));
	if (blen) {
		po->iov[1].iov_base = b;
		po->iov[1].iov_len = blen;
		po->niov = 2;
	}
	return true;
}

/* ---- address mapping */

static bool
wkpf_refuses(const struct xlat_cfg *c, struct in_addr a4)
{
	/* RFC 6052 3.1; RFC 8215's 64:ff9b:1::/48 is not the WKPF. */
	return c->wkpf_strict && addr_is_wkpf(&c->prefix, c->prefix_len) &&
	    addr4_is_nonglobal(a4);
}

enum xlat_drop
xlat_addr6to4(struct xlat *x, const struct in6_addr *a6, bool is_src,
    bool may_assign, uint64_t now_ms, struct in_addr *out, bool *via_prefix)
{
	const struct xlat_cfg *c = x->cfg;
	enum pool_result pr;

	*via_prefix = false;
	if (addr6_is_invalid(a6))
		return is_src ? XLAT_DROP_SRC_RESERVED : XLAT_DROP_DST_RESERVED;
	if (x->maps && maps_6to4(x->maps, a6, out))
		return XLAT_DROP_NONE;
	if (c->has_prefix && addr6_in_prefix(a6, &c->prefix, c->prefix_len)) {
		*out = addr_extract4(a6, c->prefix_len);
		*via_prefix = true;
		if (addr4_is_invalid(*out))
			return is_src ? XLAT_DROP_SRC_RESERVED :
			    XLAT_DROP_DST_RESERVED;
		if (wkpf_refuses(c, *out))
			return XLAT_DROP_WKPF_NONGLOBAL;
		return XLAT_DROP_NONE;
	}
	if (x->pool_ops) {
		pr = x->pool_ops->lookup6(x->pool, a6, may_assign, now_ms, out);
		if (pr == POOL_OK)
			return XLAT_DROP_NONE;
		if (pr == POOL_FULL)
			return XLAT_DROP_POOL_EXHAUSTED;
	}
	if (c->prefix_pending)
		return XLAT_DROP_NO_PREFIX;
	return is_src ? XLAT_DROP_SRC_UNMAPPED : XLAT_DROP_DST_UNMAPPED;
}

enum xlat_drop
xlat_addr4to6(struct xlat *x, struct in_addr a4, bool is_src, uint64_t now_ms,
    struct in6_addr *out)
{
	const struct xlat_cfg *c = x->cfg;

	if (addr4_is_invalid(a4))
		return is_src ? XLAT_DROP_SRC_RESERVED : XLAT_DROP_DST_RESERVED;
	if (x->maps && maps_4to6(x->maps, a4, out))
		return XLAT_DROP_NONE;
	if (x->pool_ops && x->pool_ops->covers4(x->pool, a4)) {
		if (x->pool_ops->lookup4(x->pool, a4, now_ms, out) == POOL_OK)
			return XLAT_DROP_NONE;
		return is_src ? XLAT_DROP_SRC_UNMAPPED : XLAT_DROP_DST_UNMAPPED;
	}
	if (c->has_prefix) {
		if (wkpf_refuses(c, a4))
			return XLAT_DROP_WKPF_NONGLOBAL;
		addr_embed4(&c->prefix, c->prefix_len, a4, out);
		return XLAT_DROP_NONE;
	}
	if (c->prefix_pending)
		return XLAT_DROP_NO_PREFIX;
	return is_src ? XLAT_DROP_SRC_UNMAPPED : XLAT_DROP_DST_UNMAPPED;
}

bool
xlat_owns4(const struct xlat *x, struct in_addr a4)
{
	if (x->maps && maps_find4(x->maps, a4) != NULL)
		return true;
	return x->pool_ops && x->pool_ops->covers4(x->pool, a4);
}

struct in_addr
xlat_err4_source(const struct xlat *x, uint32_t hint)
{
	const struct xlat_cfg *c = x->cfg;
	uint32_t base = ntohl(c->err4_pool.s_addr);
	uint32_t size;
	struct in_addr a;

	if (c->err4_pool_len >= 32) {
		a = c->err4_pool;
		return a;
	}
	/* RFC 6791 4: pick from the pool; a hash of the original source
	 * keeps one router's errors on one address (traceroute reads well). */
	size = 1u << (32 - c->err4_pool_len);
	a.s_addr = htonl(base + hint % size);
	return a;
}

/* ---- entry point */

enum xlat_verdict
xlat_packet(struct xlat *x, uint8_t *pkt, size_t len, uint64_t now_ms,
    struct xlat_out *out)
{
	out->n = 0;
	out->reason = XLAT_DROP_NONE;
	out->scratch_used = 0;
	out->off_in = NULL;
	if (len < 1)
		return xlat_drop(x, out, XLAT_DROP_TRUNCATED);
	switch (pkt[0] >> 4) {
	case 6:
		x->stats.rx6++;
		return xlat_6to4(x, pkt, len, now_ms, out, 0);
	case 4:
		x->stats.rx4++;
		return xlat_4to6(x, pkt, len, now_ms, out, 0);
	default:
		return xlat_drop(x, out, XLAT_DROP_BAD_VERSION);
	}
}
