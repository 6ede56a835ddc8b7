/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 7757 EAM table: validation, longest-prefix match both ways, scale. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "addr.h"
#include "maps.h"

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct in_addr
a4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct eam
mk(const char *p4, unsigned len4, const char *p6, unsigned len6)
{
	struct eam e;

	memset(&e, 0, sizeof(e));
	e.p4 = a4(p4);
	e.len4 = (uint8_t)len4;
	e.p6 = a6(p6);
	e.len6 = (uint8_t)len6;
	return e;
}

static void
add_ok(struct maps *m, const char *p4, unsigned len4, const char *p6,
    unsigned len6)
{
	struct eam e = mk(p4, len4, p6, len6);
	char err[256] = "";

	if (maps_add(m, &e, err, sizeof(err)) != 0)
		fail_msg("maps_add %s/%u %s/%u: %s", p4, len4, p6, len6, err);
}

static void
add_fails(struct maps *m, const char *p4, unsigned len4, const char *p6,
    unsigned len6, const char *want)
{
	struct eam e = mk(p4, len4, p6, len6);
	size_t before = maps_count(m);
	char err[256] = "";

	assert_int_equal(maps_add(m, &e, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_int_equal(maps_count(m), before);
}

static void
x46(const struct maps *m, const char *v4, const char *want6)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr out, w = a6(want6);

	if (!maps_4to6(m, a4(v4), &out))
		fail_msg("%s: no mapping, want %s", v4, want6);
	if (memcmp(&out, &w, sizeof(w)) != 0) {
		inet_ntop(AF_INET6, &out, buf, sizeof(buf));
		fail_msg("%s -> %s, want %s", v4, buf, want6);
	}
}

static void
x64(const struct maps *m, const char *v6, const char *want4)
{
	char buf[INET_ADDRSTRLEN];
	struct in6_addr in = a6(v6);
	struct in_addr out;

	if (!maps_6to4(m, &in, &out))
		fail_msg("%s: no mapping, want %s", v6, want4);
	if (out.s_addr != a4(want4).s_addr) {
		inet_ntop(AF_INET, &out, buf, sizeof(buf));
		fail_msg("%s -> %s, want %s", v6, buf, want4);
	}
}

static void
none46(const struct maps *m, const char *v4)
{
	struct in6_addr out;

	assert_false(maps_4to6(m, a4(v4), &out));
	assert_null(maps_find4(m, a4(v4)));
}

static void
none64(const struct maps *m, const char *v6)
{
	struct in6_addr in = a6(v6);
	struct in_addr out;

	assert_false(maps_6to4(m, &in, &out));
	assert_null(maps_find6(m, &in));
}

static int
setup(void **state)
{
	*state = maps_new();
	return *state == NULL;
}

static int
teardown(void **state)
{
	maps_free(*state);
	return 0;
}

static void
empty_table(void **state)
{
	struct maps *m = *state;

	assert_int_equal(maps_count(m), 0);
	assert_null(maps_get(m, 0));
	none46(m, "192.0.2.1");
	none64(m, "2001:db8::1");
	/* A NULL table is an empty table. */
	assert_int_equal(maps_count(NULL), 0);
	none46(NULL, "192.0.2.1");
	none64(NULL, "2001:db8::1");
}

/* The EAMT of Jool's EAMT documentation (RFC 7757 has no worked table). */
static void
rfc7757_host_and_prefix_maps(void **state)
{
	struct maps *m = *state;

	add_ok(m, "192.0.2.1", 32, "2001:db8:aaaa::5", 128);
	add_ok(m, "198.51.100.0", 24, "2001:db8:bbbb::", 120);
	add_ok(m, "203.0.113.8", 29, "2001:db8:cccc::", 125);

	x46(m, "192.0.2.1", "2001:db8:aaaa::5");
	x64(m, "2001:db8:aaaa::5", "192.0.2.1");
	none46(m, "192.0.2.2");
	none64(m, "2001:db8:aaaa::6");

	x46(m, "198.51.100.0", "2001:db8:bbbb::");
	x46(m, "198.51.100.1", "2001:db8:bbbb::1");
	x46(m, "198.51.100.254", "2001:db8:bbbb::fe");
	x46(m, "198.51.100.255", "2001:db8:bbbb::ff");
	x64(m, "2001:db8:bbbb::2", "198.51.100.2");
	x64(m, "2001:db8:bbbb::ff", "198.51.100.255");
	none64(m, "2001:db8:bbbb::100");

	/* Prefix replacement is bitwise: .8 is the first of the /29. */
	x46(m, "203.0.113.8", "2001:db8:cccc::");
	x46(m, "203.0.113.9", "2001:db8:cccc::1");
	x46(m, "203.0.113.12", "2001:db8:cccc::4");
	x46(m, "203.0.113.15", "2001:db8:cccc::7");
	x64(m, "2001:db8:cccc::2", "203.0.113.10");
	x64(m, "2001:db8:cccc::7", "203.0.113.15");
	none46(m, "203.0.113.7");
	none46(m, "203.0.113.16");
	none64(m, "2001:db8:cccc::8");
}

/*
 * RFC 7757 allows an IPv6 suffix longer than the IPv4 suffix (TAYGA #37
 * refuses it): the IPv4 suffix follows the IPv6 prefix, the remaining
 * IPv6 bits are zero on the way out and ignored on the way back.
 */
static void
rfc7757_unequal_suffix_lengths(void **state)
{
	struct maps *m = *state;

	add_ok(m, "192.0.2.0", 24, "2001:db8:1::", 120);
	add_ok(m, "198.51.100.0", 24, "2001:db8:1::", 112);
	x46(m, "192.0.2.5", "2001:db8:1::5");
	x46(m, "198.51.100.5", "2001:db8:1::500");
	x46(m, "198.51.100.255", "2001:db8:1::ff00");
	/* Longest match on the IPv6 side: the /120 wins for ::0-::ff. */
	x64(m, "2001:db8:1::5", "192.0.2.5");
	x64(m, "2001:db8:1::500", "198.51.100.5");
	x64(m, "2001:db8:1::5ff", "198.51.100.5");
	x64(m, "2001:db8:1::ff01", "198.51.100.255");
	none64(m, "2001:db8:1::1:0");

	/* Not byte aligned and crossing the middle of the address. */
	add_ok(m, "203.0.113.0", 28, "2001:db8::", 61);
	x46(m, "203.0.113.5", "2001:db8:0:2:8000::");
	x46(m, "203.0.113.15", "2001:db8:0:7:8000::");
	x64(m, "2001:db8:0:2:8000::1", "203.0.113.5");
	x64(m, "2001:db8:0:7:ffff::", "203.0.113.15");
	x64(m, "2001:db8::", "203.0.113.0");

	/* An RFC 6052-like /64 whole-space map (no u-octet: EAM is not
	 * RFC 6052) and a 24-bit suffix at bit 40. */
	add_ok(m, "0.0.0.0", 0, "2001:db8:64::", 64);
	add_ok(m, "10.0.0.0", 8, "2001:db8:ff00::", 40);
	x46(m, "100.64.2.33", "2001:db8:64:0:6440:221::");
	x64(m, "2001:db8:64:0:6440:221:ffff:ffff", "100.64.2.33");
	x46(m, "10.1.2.3", "2001:db8:ff01:203::");
	x64(m, "2001:db8:ff01:203:1::", "10.1.2.3");
	x64(m, "2001:db8:ffff:ffff::", "10.255.255.255");
	assert_int_equal(maps_count(m), 5);
}

static void
lpm_overlapping_both_sides(void **state)
{
	struct maps *m = *state;

	add_ok(m, "0.0.0.0", 0, "64:ff9b::", 96);			/* 0 */
	add_ok(m, "192.0.2.0", 24, "2001:db8:1::", 120);		/* 1 */
	add_ok(m, "192.0.2.128", 25, "2001:db8:2::", 121);		/* 2 */
	add_ok(m, "192.0.2.200", 32, "2001:db8:3::1", 128);		/* 3 */
	add_ok(m, "203.0.113.80", 32, "2001:db8:1::80", 128);		/* 4 */
	add_ok(m, "198.51.100.7", 32, "2001:db8:1::", 64);		/* 5 */
	add_ok(m, "192.0.2.0", 25, "2001:db8:4::", 96);			/* 6 */

	/* The /25's 7-bit suffix sits at bits 96-102 of the /96. */
	x46(m, "192.0.2.1", "2001:db8:4::200:0");
	x46(m, "192.0.2.127", "2001:db8:4::fe00:0");
	x46(m, "192.0.2.129", "2001:db8:2::1");
	x46(m, "192.0.2.200", "2001:db8:3::1");
	x46(m, "192.0.2.201", "2001:db8:2::49");
	x46(m, "198.51.100.1", "64:ff9b::c633:6401");
	x46(m, "203.0.113.80", "2001:db8:1::80");
	x46(m, "203.0.113.81", "64:ff9b::cb00:7151");

	x64(m, "2001:db8:1::80", "203.0.113.80");
	x64(m, "2001:db8:1::81", "192.0.2.129");
	x64(m, "2001:db8:1::1", "192.0.2.1");
	x64(m, "2001:db8:1::100", "198.51.100.7");
	x64(m, "2001:db8:1:0:ffff:ffff:ffff:ffff", "198.51.100.7");
	x64(m, "2001:db8:2::7f", "192.0.2.255");
	x64(m, "2001:db8:4::200:0", "192.0.2.1");
	x64(m, "2001:db8:4::ffff:ffff", "192.0.2.127");
	x64(m, "2001:db8:4::c000:201", "192.0.2.96");
	x64(m, "64:ff9b::8.8.8.8", "8.8.8.8");
	none64(m, "2001:db8:1:1::");
	none64(m, "2001:db8:3::2");

	assert_ptr_equal(maps_find4(m, a4("192.0.2.200")), maps_get(m, 3));
	assert_ptr_equal(maps_find4(m, a4("192.0.2.199")), maps_get(m, 2));
	assert_ptr_equal(maps_find4(m, a4("192.0.2.99")), maps_get(m, 6));
	assert_ptr_equal(maps_find4(m, a4("1.2.3.4")), maps_get(m, 0));
	{
		struct in6_addr x = a6("2001:db8:1::80");

		assert_ptr_equal(maps_find6(m, &x), maps_get(m, 4));
		x = a6("2001:db8:1::7f");
		assert_ptr_equal(maps_find6(m, &x), maps_get(m, 1));
		x = a6("2001:db8:1::1:0");
		assert_ptr_equal(maps_find6(m, &x), maps_get(m, 5));
		x = a6("2001:db8:3::1");
		assert_ptr_equal(maps_find6(m, &x), maps_get(m, 3));
	}
}

static void
duplicates_rejected(void **state)
{
	struct maps *m = *state;

	add_ok(m, "192.0.2.0", 24, "2001:db8:1::", 120);
	add_ok(m, "192.0.2.1", 32, "2001:db8:aaaa::5", 128);
	add_fails(m, "192.0.2.0", 24, "2001:db8:9::", 120,
	    "IPv4 prefix 192.0.2.0/24 is already mapped to 2001:db8:1::/120");
	add_fails(m, "198.51.100.0", 24, "2001:db8:1::", 120,
	    "IPv6 prefix 2001:db8:1::/120 is already mapped to 192.0.2.0/24");
	add_fails(m, "192.0.2.0", 24, "2001:db8:1::", 120,
	    "IPv4 prefix 192.0.2.0/24 is already mapped to 2001:db8:1::/120");
	add_fails(m, "192.0.2.1", 32, "2001:db8::1", 128,
	    "IPv4 prefix 192.0.2.1/32 is already mapped to 2001:db8:aaaa::5/128");
	add_fails(m, "203.0.113.1", 32, "2001:db8:aaaa::5", 128,
	    "IPv6 prefix 2001:db8:aaaa::5/128 is already mapped to 192.0.2.1/32");
	/* Same address, other length: an overlap, not a duplicate. */
	add_ok(m, "192.0.2.0", 25, "2001:db8:1::", 121);
	add_ok(m, "192.0.2.0", 23, "2001:db8:2::", 119);
	assert_int_equal(maps_count(m), 4);
	/* The failed adds left no trace in the index. */
	x46(m, "192.0.2.1", "2001:db8:aaaa::5");
	x64(m, "2001:db8:aaaa::5", "192.0.2.1");
	none64(m, "2001:db8:9::1");
	none46(m, "198.51.100.1");
}

static void
host_bits_rejected(void **state)
{
	struct maps *m = *state;

	add_fails(m, "192.0.2.1", 24, "2001:db8:1::", 120,
	    "IPv4 prefix 192.0.2.1/24 has host bits set; expected 192.0.2.0/24");
	add_fails(m, "192.0.2.0", 24, "2001:db8:1::1", 120,
	    "IPv6 prefix 2001:db8:1::1/120 has host bits set; "
	    "expected 2001:db8:1::/120");
	add_fails(m, "192.0.2.0", 24, "2001:db8::40", 121,
	    "IPv6 prefix 2001:db8::40/121 has host bits set; "
	    "expected 2001:db8::/121");
	add_fails(m, "10.0.0.0", 0, "64:ff9b::", 96,
	    "IPv4 prefix 10.0.0.0/0 has host bits set; expected 0.0.0.0/0");
	add_ok(m, "192.0.2.0", 25, "2001:db8::80", 121);
	x46(m, "192.0.2.1", "2001:db8::81");
}

static void
suffix_lengths_rejected(void **state)
{
	struct maps *m = *state;

	add_fails(m, "192.0.2.0", 24, "2001:db8::", 124,
	    "IPv6 prefix 2001:db8::/124 has a 4-bit suffix, shorter than "
	    "the 8-bit suffix of IPv4 prefix 192.0.2.0/24");
	add_fails(m, "0.0.0.0", 0, "2001:db8::", 97,
	    "IPv6 prefix 2001:db8::/97 has a 31-bit suffix, shorter than "
	    "the 32-bit suffix of IPv4 prefix 0.0.0.0/0");
	add_fails(m, "192.0.2.0", 33, "2001:db8::", 128,
	    "prefix length /33 or /128 out of range");
	add_fails(m, "192.0.2.0", 32, "2001:db8::", 129,
	    "prefix length /32 or /129 out of range");
	add_ok(m, "192.0.2.0", 24, "2001:db8::", 120);
	add_ok(m, "0.0.0.0", 0, "2001:db8:1::", 96);
	add_ok(m, "198.51.100.7", 32, "::", 0);
	x64(m, "2001:db8:ffff::1", "198.51.100.7");
}

static void
insertion_order(void **state)
{
	struct maps *m = *state;
	const struct eam *e;
	struct in6_addr want6;

	add_ok(m, "203.0.113.0", 24, "2001:db8:3::", 120);
	add_ok(m, "192.0.2.1", 32, "2001:db8:1::1", 128);
	add_ok(m, "0.0.0.0", 0, "64:ff9b::", 96);
	add_ok(m, "198.51.100.0", 25, "2001:db8:2::", 121);
	assert_int_equal(maps_count(m), 4);
	e = maps_get(m, 0);
	assert_int_equal(e->p4.s_addr, a4("203.0.113.0").s_addr);
	assert_int_equal(e->len4, 24);
	e = maps_get(m, 1);
	assert_int_equal(e->p4.s_addr, a4("192.0.2.1").s_addr);
	assert_int_equal(e->len6, 128);
	e = maps_get(m, 2);
	assert_int_equal(e->len4, 0);
	assert_int_equal(e->len6, 96);
	e = maps_get(m, 3);
	assert_int_equal(e->p4.s_addr, a4("198.51.100.0").s_addr);
	want6 = a6("2001:db8:2::");
	assert_memory_equal(&e->p6, &want6, sizeof(want6));
	assert_null(maps_get(m, 4));
}

/* ---- scale: 10,000 host maps plus random overlapping prefix maps ---- */

#define NHOSTS	10000
#define NPFX	600

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
getbit6(const struct in6_addr *a, unsigned i)
{
	return a->s6_addr[i / 8] >> (7 - i % 8) & 1;
}

static void
setbit6(struct in6_addr *a, unsigned i, int v)
{
	if (v)
		a->s6_addr[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	else
		a->s6_addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

/* Reference: linear longest match and bit-by-bit RFC 7757 translation. */
static const struct eam *
ref_find4(const struct eam *t, size_t n, struct in_addr x)
{
	const struct eam *best = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (addr4_in_prefix(x, t[i].p4, t[i].len4) &&
		    (best == NULL || t[i].len4 > best->len4))
			best = &t[i];
	return best;
}

static const struct eam *
ref_find6(const struct eam *t, size_t n, const struct in6_addr *x)
{
	const struct eam *best = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (addr6_in_prefix(x, &t[i].p6, t[i].len6) &&
		    (best == NULL || t[i].len6 > best->len6))
			best = &t[i];
	return best;
}

static struct in6_addr
ref_46(const struct eam *e, struct in_addr x)
{
	struct in6_addr out = e->p6;
	uint32_t h = ntohl(x.s_addr);
	unsigned i;

	for (i = e->len4; i < 32; i++)
		setbit6(&out, e->len6 + (i - e->len4), h >> (31 - i) & 1);
	return out;
}

static struct in_addr
ref_64(const struct eam *e, const struct in6_addr *x)
{
	uint32_t h = ntohl(e->p4.s_addr);
	struct in_addr out;
	unsigned i;

	for (i = e->len4; i < 32; i++)
		if (getbit6(x, e->len6 + (i - e->len4)))
			h |= 1U << (31 - i);
	out.s_addr = htonl(h);
	return out;
}

/* Hosts: 10.0.0.0/8 <-> 2001:db8:1::/96 random low 32 bits. */
static void
add_hosts(struct maps *m, struct eam *hosts, uint32_t *v4sorted)
{
	char err[256];
	size_t n = 0;

	while (n < NHOSTS) {
		struct eam e;
		uint32_t lo = rnd();

		memset(&e, 0, sizeof(e));
		e.p4.s_addr = htonl(0x0a000000U | (rnd() & 0x00ffffffU));
		e.len4 = 32;
		e.p6 = a6("2001:db8:1::");
		e.p6.s6_addr[12] = (uint8_t)(lo >> 24);
		e.p6.s6_addr[13] = (uint8_t)(lo >> 16);
		e.p6.s6_addr[14] = (uint8_t)(lo >> 8);
		e.p6.s6_addr[15] = (uint8_t)lo;
		e.len6 = 128;
		if (maps_add(m, &e, err, sizeof(err)) != 0) {
			assert_non_null(strstr(err, "is already mapped to"));
			continue;
		}
		hosts[n] = e;
		v4sorted[n++] = ntohl(e.p4.s_addr);
	}
	qsort(v4sorted, NHOSTS, sizeof(uint32_t), cmp_u32);
}

/* Prefixes: inside 100.64.0.0/10 <-> 2001:db8:8000::/33, random lengths. */
static size_t
add_prefixes(struct maps *m, struct eam *pfx)
{
	char err[256];
	size_t n = 0;
	unsigned tries;

	for (tries = 0; tries < NPFX; tries++) {
		struct eam e;
		unsigned i, k;
		uint32_t h;

		memset(&e, 0, sizeof(e));
		e.len4 = (uint8_t)(10 + rnd() % 23);
		h = 0x64400000U | (rnd() & 0x003fffffU);
		e.p4.s_addr = htonl(h & addr4_mask(e.len4));
		k = 32 - e.len4;
		e.len6 = (uint8_t)(33 + rnd() % (128 - 33 - k + 1));
		e.p6 = a6("2001:db8:8000::");
		for (i = 33; i < e.len6; i++)
			setbit6(&e.p6, i, rnd() & 1);
		if (maps_add(m, &e, err, sizeof(err)) != 0) {
			assert_non_null(strstr(err, "is already mapped to"));
			continue;
		}
		pfx[n++] = e;
	}
	return n;
}

static void
check_host_lookups(const struct maps *m, const struct eam *hosts,
    const uint32_t *v4sorted)
{
	struct in6_addr o6, miss6;
	struct in_addr o4, miss4;
	size_t i, misses = 0;

	for (i = 0; i < NHOSTS; i++) {
		assert_true(maps_4to6(m, hosts[i].p4, &o6));
		assert_memory_equal(&o6, &hosts[i].p6, sizeof(o6));
		assert_true(maps_6to4(m, &hosts[i].p6, &o4));
		assert_int_equal(o4.s_addr, hosts[i].p4.s_addr);
		assert_ptr_equal(maps_find4(m, hosts[i].p4), maps_get(m, i));
		assert_ptr_equal(maps_find6(m, &hosts[i].p6), maps_get(m, i));
	}
	while (misses < 1000) {
		uint32_t h = 0x0a000000U | (rnd() & 0x00ffffffU);

		if (bsearch(&h, v4sorted, NHOSTS, sizeof(h), cmp_u32))
			continue;
		miss4.s_addr = htonl(h);
		assert_null(maps_find4(m, miss4));
		misses++;
	}
	miss6 = hosts[0].p6;
	miss6.s6_addr[11] = 1;		/* 2001:db8:1::1:x:x, never added */
	assert_null(maps_find6(m, &miss6));
	none46(m, "192.0.2.1");
	none64(m, "2001:db8:2::1");
}

static void
check_prefix_lookups(const struct maps *m, const struct eam *pfx, size_t n)
{
	struct in6_addr x6, o6, want6;
	struct in_addr x4, o4, want4;
	const struct eam *r;
	unsigned i, j;

	for (i = 0; i < 4000; i++) {
		const struct eam *e = &pfx[rnd() % n];

		x4.s_addr = htonl(i % 2 ? 0x64400000U | (rnd() & 0x3fffffU) :
		    ntohl(e->p4.s_addr) | (rnd() & ~addr4_mask(e->len4)));
		r = ref_find4(pfx, n, x4);
		assert_ptr_equal(maps_find4(m, x4), r == NULL ? NULL :
		    maps_get(m, NHOSTS + (size_t)(r - pfx)));
		if (r != NULL) {
			assert_true(maps_4to6(m, x4, &o6));
			want6 = ref_46(r, x4);
			assert_memory_equal(&o6, &want6, sizeof(o6));
		}

		x6 = e->p6;
		for (j = e->len6; j < 128; j++)
			setbit6(&x6, j, rnd() & 1);
		r = ref_find6(pfx, n, &x6);
		assert_non_null(r);
		assert_ptr_equal(maps_find6(m, &x6),
		    maps_get(m, NHOSTS + (size_t)(r - pfx)));
		assert_true(maps_6to4(m, &x6, &o4));
		want4 = ref_64(r, &x6);
		assert_int_equal(o4.s_addr, want4.s_addr);
	}
}

static void
scale_10000_hosts_and_random_prefixes(void **state)
{
	struct maps *m = *state;
	struct eam *hosts = calloc(NHOSTS, sizeof(*hosts));
	struct eam *pfx = calloc(NPFX, sizeof(*pfx));
	uint32_t *v4sorted = calloc(NHOSTS, sizeof(*v4sorted));
	size_t n;

	assert_non_null(hosts);
	assert_non_null(pfx);
	assert_non_null(v4sorted);
	add_hosts(m, hosts, v4sorted);
	n = add_prefixes(m, pfx);
	assert_true(n > NPFX / 2);
	assert_int_equal(maps_count(m), NHOSTS + n);
	check_host_lookups(m, hosts, v4sorted);
	check_prefix_lookups(m, pfx, n);
	free(hosts);
	free(pfx);
	free(v4sorted);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(empty_table),
		T(rfc7757_host_and_prefix_maps),
		T(rfc7757_unequal_suffix_lengths),
		T(lpm_overlapping_both_sides),
		T(duplicates_rejected),
		T(host_bits_rejected),
		T(suffix_lengths_rejected),
		T(insertion_order),
		T(scale_10000_hosts_and_random_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
