/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 6052 embedding/extraction and the special-purpose address tables. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "addr.h"

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

static void
assert_a6_equal(const struct in6_addr *got, const char *want)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr w = a6(want);

	if (memcmp(got, &w, sizeof(w)) != 0) {
		inet_ntop(AF_INET6, got, buf, sizeof(buf));
		fail_msg("got %s, want %s", buf, want);
	}
}

static void
assert_a4_equal(struct in_addr got, const char *want)
{
	char buf[INET_ADDRSTRLEN];

	if (got.s_addr != a4(want).s_addr) {
		inet_ntop(AF_INET, &got, buf, sizeof(buf));
		fail_msg("got %s, want %s", buf, want);
	}
}

/* RFC 6052 2.4, Tables 1 and 2: 192.0.2.33 under every prefix length. */
static const struct {
	const char	*prefix;
	unsigned	plen;
	const char	*embedded;
} rfc6052_2_4[] = {
	{ "2001:db8::",		32, "2001:db8:c000:221::" },
	{ "2001:db8:100::",	40, "2001:db8:1c0:2:21::" },
	{ "2001:db8:122::",	48, "2001:db8:122:c000:2:2100::" },
	{ "2001:db8:122:300::",	56, "2001:db8:122:3c0:0:221::" },
	{ "2001:db8:122:344::",	64, "2001:db8:122:344:c0:2:2100::" },
	{ "2001:db8:122:344::",	96, "2001:db8:122:344::192.0.2.33" },
	{ "64:ff9b::",		96, "64:ff9b::192.0.2.33" },
};
#define NVEC (sizeof(rfc6052_2_4) / sizeof(rfc6052_2_4[0]))

static void
rfc6052_2_4_embed(void **state)
{
	struct in6_addr p, out;
	size_t i;

	for (i = 0; i < NVEC; i++) {
		p = a6(rfc6052_2_4[i].prefix);
		addr_embed4(&p, rfc6052_2_4[i].plen, a4("192.0.2.33"), &out);
		assert_a6_equal(&out, rfc6052_2_4[i].embedded);
	}
}

static void
rfc6052_2_4_extract(void **state)
{
	struct in6_addr e;
	size_t i;

	for (i = 0; i < NVEC; i++) {
		e = a6(rfc6052_2_4[i].embedded);
		assert_a4_equal(addr_extract4(&e, rfc6052_2_4[i].plen),
		    "192.0.2.33");
	}
}

/* RFC 6052 2.2: embedding writes zero u-octet and suffix, whatever the
 * prefix argument carries beyond plen. */
static void
rfc6052_2_2_embed_zeroes_u_and_suffix(void **state)
{
	struct in6_addr p = a6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), out;

	addr_embed4(&p, 32, a4("192.0.2.33"), &out);
	assert_a6_equal(&out, "2001:db8:c000:221::");
	addr_embed4(&p, 64, a4("192.0.2.33"), &out);
	assert_a6_equal(&out, "2001:db8:ffff:ffff:c0:2:2100:0");
	addr_embed4(&p, 96, a4("255.255.255.255"), &out);
	assert_a6_equal(&out, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
}

/* RFC 6052 2.2 SHOULD: the u-octet and the suffix are ignored on
 * extraction (TAYGA #10 drops such packets instead). */
static void
rfc6052_2_2_extract_ignores_u_and_suffix(void **state)
{
	static const struct {
		const char	*addr;
		unsigned	plen;
	} v[] = {
		{ "2001:db8:c000:221:ff12:3456:789a:bcde",	32 },
		{ "2001:db8:1c0:2:ff21:ffff:ffff:ffff",		40 },
		{ "2001:db8:122:c000:ff02:2100:1:1",		48 },
		{ "2001:db8:122:3c0:ff00:221:dead:beef",	56 },
		{ "2001:db8:122:344:ffc0:2:21ff:ffff",		64 },
		{ "2001:db8:122:344:ff00::192.0.2.33",		96 },
	};
	struct in6_addr e;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		e = a6(v[i].addr);
		assert_a4_equal(addr_extract4(&e, v[i].plen), "192.0.2.33");
	}
}

static void
rfc6052_round_trip_all_lengths(void **state)
{
	static const unsigned lens[] = { 32, 40, 48, 56, 64, 96 };
	struct in6_addr p = a6("2001:db8:aaaa:bbbb:cccc:dddd::"), out;
	struct in_addr v4 = a4("203.0.113.254");
	size_t i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		addr_embed4(&p, lens[i], v4, &out);
		assert_int_equal(out.s6_addr[8], lens[i] == 96 ? 0xcc : 0);
		assert_true(addr6_in_prefix(&out, &p, lens[i]));
		assert_a4_equal(addr_extract4(&out, lens[i]), "203.0.113.254");
	}
}

static void
prefix_len_ok(void **state)
{
	unsigned i, n = 0;

	for (i = 0; i <= 129; i++)
		n += addr_prefix_len_ok(i);
	assert_int_equal(n, 6);
	assert_true(addr_prefix_len_ok(32));
	assert_true(addr_prefix_len_ok(40));
	assert_true(addr_prefix_len_ok(48));
	assert_true(addr_prefix_len_ok(56));
	assert_true(addr_prefix_len_ok(64));
	assert_true(addr_prefix_len_ok(96));
	assert_false(addr_prefix_len_ok(128));
}

static void
bad_len_gives_invalid_addresses(void **state)
{
	struct in6_addr p = a6("2001:db8::"), out;

	addr_embed4(&p, 128, a4("192.0.2.33"), &out);
	assert_a6_equal(&out, "::");
	assert_true(addr6_is_invalid(&out));
	out = a6("2001:db8::c000:221");
	assert_a4_equal(addr_extract4(&out, 72), "0.0.0.0");
}

static void
in_prefix6(void **state)
{
	struct in6_addr p = a6("2001:db8:1234:5600::"), x;

	x = a6("2001:db8:1234:56ff::1");
	assert_true(addr6_in_prefix(&x, &p, 56));
	assert_false(addr6_in_prefix(&x, &p, 57));
	assert_true(addr6_in_prefix(&x, &p, 0));
	x = a6("2001:db8:1234:5700::");
	assert_false(addr6_in_prefix(&x, &p, 56));
	assert_true(addr6_in_prefix(&x, &p, 55));
	assert_true(addr6_in_prefix(&p, &p, 128));
	x = a6("2001:db8:1234:5600::1");
	assert_false(addr6_in_prefix(&x, &p, 128));
	assert_true(addr6_in_prefix(&x, &p, 127));
	assert_false(addr6_in_prefix(&p, &p, 129));
	x = a6("::");
	assert_true(addr6_in_prefix(&x, &p, 0));
	assert_true(addr6_in_prefix(&x, &p, 2));	/* 0x20: 001... */
	assert_false(addr6_in_prefix(&x, &p, 3));
}

static void
in_prefix4_and_mask(void **state)
{
	assert_int_equal(addr4_mask(0), 0);
	assert_int_equal(addr4_mask(1), 0x80000000U);
	assert_int_equal(addr4_mask(24), 0xffffff00U);
	assert_int_equal(addr4_mask(31), 0xfffffffeU);
	assert_int_equal(addr4_mask(32), 0xffffffffU);

	assert_true(addr4_in_prefix(a4("192.0.2.200"), a4("192.0.2.128"), 25));
	assert_false(addr4_in_prefix(a4("192.0.2.127"), a4("192.0.2.128"), 25));
	assert_true(addr4_in_prefix(a4("1.2.3.4"), a4("0.0.0.0"), 0));
	assert_true(addr4_in_prefix(a4("192.0.2.1"), a4("192.0.2.1"), 32));
	assert_false(addr4_in_prefix(a4("192.0.2.1"), a4("192.0.2.0"), 32));
	assert_false(addr4_in_prefix(a4("192.0.2.1"), a4("192.0.2.1"), 33));
}

static void
invalid4(void **state)
{
	static const char *bad[] = {
		"0.0.0.0", "0.255.255.255", "127.0.0.1", "127.255.255.255",
		"224.0.0.1", "239.255.255.255", "255.255.255.255",
	};
	static const char *good[] = {
		"1.0.0.0", "126.255.255.255", "128.0.0.0", "223.255.255.255",
		"240.0.0.1", "255.255.255.254", "192.0.2.1", "10.0.0.1",
		"169.254.1.1",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!addr4_is_invalid(a4(bad[i])))
			fail_msg("%s should be invalid", bad[i]);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (addr4_is_invalid(a4(good[i])))
			fail_msg("%s should be valid", good[i]);
}

static void
invalid6(void **state)
{
	static const char *bad[] = {
		"::", "::1", "::ffff:192.0.2.1", "::192.0.2.1",
		"ff:ffff::", "ff02::1", "ff0e::1", "fe80::1", "febf:ffff::",
		"65:ff9b::1", "64:ff9a::1",
	};
	static const char *good[] = {
		"64:ff9b::192.0.2.1", "64:ff9b:1::192.0.2.1",
		"64:ff9b:ffff:ffff::", "100::", "2001:db8::1", "fec0::1",
		"fe7f::1", "fc00::1", "feff::1",
	};
	struct in6_addr x;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		x = a6(bad[i]);
		if (!addr6_is_invalid(&x))
			fail_msg("%s should be invalid", bad[i]);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		x = a6(good[i]);
		if (addr6_is_invalid(&x))
			fail_msg("%s should be valid", good[i]);
	}
}

/* The IANA registry's non-globally-reachable blocks, edges included,
 * with the globally reachable exceptions and TAYGA-compatible allowances. */
static void
nonglobal4(void **state)
{
	static const char *nonglobal[] = {
		"0.0.0.0", "0.255.255.255", "10.0.0.0", "10.255.255.255",
		"100.64.0.0", "100.127.255.255", "127.0.0.1",
		"169.254.0.0", "169.254.255.255", "172.16.0.0",
		"172.31.255.255", "192.0.0.8", "192.0.0.11", "192.0.0.170",
		"192.0.0.171", "192.0.0.255", "192.0.2.0", "192.0.2.255",
		"192.168.0.0", "192.168.255.255", "198.18.0.0",
		"198.19.255.255", "198.51.100.0", "198.51.100.255",
		"203.0.113.0", "203.0.113.255", "240.0.0.0",
		"255.255.255.254", "255.255.255.255",
	};
	static const char *global[] = {
		"1.1.1.1", "9.255.255.255", "11.0.0.0", "100.63.255.255",
		"100.128.0.0", "169.253.255.255", "169.255.0.0",
		"172.15.255.255", "172.32.0.0", "192.0.0.0", "192.0.0.1",
		"192.0.0.7", "192.0.0.9", "192.0.0.10", "192.0.1.255",
		"192.0.3.0", "192.88.99.1", "192.31.196.1", "192.167.255.255",
		"192.169.0.0", "198.17.255.255", "198.20.0.0",
		"198.51.99.255", "198.51.101.0", "203.0.112.255",
		"203.0.114.0", "224.0.0.1", "239.255.255.255", "8.8.8.8",
	};
	size_t i;

	for (i = 0; i < sizeof(nonglobal) / sizeof(nonglobal[0]); i++)
		if (!addr4_is_nonglobal(a4(nonglobal[i])))
			fail_msg("%s should be non-global", nonglobal[i]);
	for (i = 0; i < sizeof(global) / sizeof(global[0]); i++)
		if (addr4_is_nonglobal(a4(global[i])))
			fail_msg("%s should be global", global[i]);
}

static void
wkpf(void **state)
{
	struct in6_addr p = a6("64:ff9b::");

	assert_true(addr_is_wkpf(&p, 96));
	assert_false(addr_is_wkpf(&p, 64));
	assert_false(addr_is_wkpf(&p, 32));
	p = a6("64:ff9b:1::");
	assert_false(addr_is_wkpf(&p, 48));
	assert_false(addr_is_wkpf(&p, 96));
	p = a6("64:ff9b::1:0:0");
	assert_false(addr_is_wkpf(&p, 96));
	p = a6("2001:db8::");
	assert_false(addr_is_wkpf(&p, 96));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc6052_2_4_embed),
		cmocka_unit_test(rfc6052_2_4_extract),
		cmocka_unit_test(rfc6052_2_2_embed_zeroes_u_and_suffix),
		cmocka_unit_test(rfc6052_2_2_extract_ignores_u_and_suffix),
		cmocka_unit_test(rfc6052_round_trip_all_lengths),
		cmocka_unit_test(prefix_len_ok),
		cmocka_unit_test(bad_len_gives_invalid_addresses),
		cmocka_unit_test(in_prefix6),
		cmocka_unit_test(in_prefix4_and_mask),
		cmocka_unit_test(invalid4),
		cmocka_unit_test(invalid6),
		cmocka_unit_test(nonglobal4),
		cmocka_unit_test(wkpf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
