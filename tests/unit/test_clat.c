/* SPDX-License-Identifier: GPL-2.0-or-later */
/* clat_make_addr: the RFC 7217-style clat-ipv6 = auto address. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "../../src/clat.h"

static const uint8_t pfx[8] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2 };
static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x11 };

static void
test_prefix_kept_and_stable(void **state)
{
	struct in6_addr a, b;

	(void)state;
	clat_make_addr(pfx, "clat", mac, sizeof(mac), 0, &a);
	clat_make_addr(pfx, "clat", mac, sizeof(mac), 0, &b);
	assert_memory_equal(a.s6_addr, pfx, 8);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_false(a.s6_addr[8] == 0 && a.s6_addr[9] == 0 &&
	    a.s6_addr[10] == 0 && a.s6_addr[11] == 0);
}

/* Each input of F() changes the identifier (RFC 7217 5). */
static void
test_inputs_matter(void **state)
{
	static const uint8_t mac2[6] = { 0x02, 0, 0, 0, 0, 0x12 };
	static const uint8_t pfx2[8] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 3 };
	struct in6_addr base, x;

	(void)state;
	clat_make_addr(pfx, "clat", mac, sizeof(mac), 0, &base);
	clat_make_addr(pfx, "clat", mac, sizeof(mac), 1, &x);
	assert_memory_not_equal(base.s6_addr + 8, x.s6_addr + 8, 8);
	clat_make_addr(pfx, "clat2", mac, sizeof(mac), 0, &x);
	assert_memory_not_equal(base.s6_addr + 8, x.s6_addr + 8, 8);
	clat_make_addr(pfx, "clat", mac2, sizeof(mac2), 0, &x);
	assert_memory_not_equal(base.s6_addr + 8, x.s6_addr + 8, 8);
	clat_make_addr(pfx2, "clat", mac, sizeof(mac), 0, &x);
	assert_memory_equal(x.s6_addr, pfx2, 8);
	assert_memory_not_equal(base.s6_addr + 8, x.s6_addr + 8, 8);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_kept_and_stable),
		cmocka_unit_test(test_inputs_matter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
