/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pool.c: TAYGA's start offset, probing, exclusions, dormancy, LRU
 * reclaim, expiry, dynamic.map load/save (bytes on disk, bad lines,
 * future timestamps, atomic replace), a full /16, reconfiguration.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"
#include "maps.h"
#include "pool.h"

#define DORMANT_S	7440
#define EXPIRE_S	(14 * 86400)
#define S		1000ULL		/* ms per second */
#define T0		(1000 * S)	/* monotonic start of a test */
#define WALL		((time_t)1700000000)	/* 2023-11-14 22:13:20 */

/* ---- helpers ---- */

static struct in6_addr
A6(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		fail_msg("bad IPv6 literal %s", s);
	return a;
}

static struct in_addr
A4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		fail_msg("bad IPv4 literal %s", s);
	return a;
}

static const char *
str4(struct in_addr a)
{
	static char buf[4][INET_ADDRSTRLEN];
	static int n;

	n = (n + 1) % 4;
	return inet_ntop(AF_INET, &a, buf[n], sizeof(buf[n]));
}

static struct pool *
mkpool(const char *net, unsigned len)
{
	struct pool_params prm = {
		.net = A4(net), .len = (uint8_t)len,
		.dormant_s = DORMANT_S, .expire_s = EXPIRE_S,
	};
	struct pool *p = pool_new(&prm);

	assert_non_null(p);
	return p;
}

/* Look up (and assign) src; returns the address as text, or the result
 * name when nothing was returned. */
static const char *
get6(struct pool *p, const char *src, bool assign, uint64_t now)
{
	struct in6_addr a6 = A6(src);
	struct in_addr a4;

	switch (pool_ops.lookup6(p, &a6, assign, now, &a4)) {
	case POOL_OK:
		return str4(a4);
	case POOL_NONE:
		return "NONE";
	case POOL_FULL:
		return "FULL";
	}
	return "?";
}

static const char *
get4(struct pool *p, const char *a4s, uint64_t now)
{
	static char buf[INET6_ADDRSTRLEN];
	struct in6_addr a6;

	if (pool_ops.lookup4(p, A4(a4s), now, &a6) != POOL_OK)
		return "NONE";
	return inet_ntop(AF_INET6, &a6, buf, sizeof(buf));
}

/* Lease state of a4: "active", "dormant" or "none". */
static const char *
state4(const struct pool *p, const char *a4s)
{
	struct pool_lease_info li;
	struct in_addr a4 = A4(a4s);
	size_t i;

	for (i = 0; pool_get(p, i, &li); i++)
		if (li.a4.s_addr == a4.s_addr)
			return li.dormant ? "dormant" : "active";
	return "none";
}

/* Capture stderr, where log.c writes with LOG_TO_STDERR. */
struct capture {
	int	saved;
	FILE	*tmp;
	char	buf[65536];
};

static void
cap_start(struct capture *c)
{
	fflush(stderr);
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->saved = dup(2);
	assert_true(c->saved >= 0);
	assert_int_equal(dup2(fileno(c->tmp), 2), 2);
}

static const char *
cap_end(struct capture *c)
{
	size_t n;

	fflush(stderr);
	assert_int_equal(dup2(c->saved, 2), 2);
	close(c->saved);
	rewind(c->tmp);
	n = fread(c->buf, 1, sizeof(c->buf) - 1, c->tmp);
	c->buf[n] = '\0';
	fclose(c->tmp);
	return c->buf;
}

static void
assert_has_line(const char *log, const char *line)
{
	const char *p = log;
	size_t n = strlen(line);

	for (; (p = strstr(p, line)) != NULL; p++)
		if ((p == log || p[-1] == '\n') && p[n] == '\n')
			return;
	fail_msg("log lacks line \"%s\"; log was:\n%s", line, log);
}

static char tmpdir[64];

static int
setup_dir(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_pool.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown_dir(void **state)
{
	char cmd[2 * sizeof(tmpdir) + 64];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx %s; rm -rf %s", tmpdir,
	    tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *
tpath(const char *name)
{
	static char buf[2][sizeof(tmpdir) + 128];
	static int n;

	n ^= 1;
	snprintf(buf[n], sizeof(buf[n]), "%s/%s", tmpdir, name);
	return buf[n];
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static char *
read_text(const char *path)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The file minus its "### Last written:" line, which is returned in
 * when (without the newline). */
static char *
strip_written(const char *text, char *when, size_t whenlen)
{
	static char out[1 << 20];
	const char *l = strstr(text, "### Last written: ");
	const char *eol;

	assert_non_null(l);
	eol = strchr(l, '\n');
	assert_non_null(eol);
	snprintf(when, whenlen, "%.*s", (int)(eol - l), l);
	snprintf(out, sizeof(out), "%.*s%s", (int)(l - text), text, eol + 1);
	return out;
}

static const char header_no_date[] =
	"###\n###\n### nat64d dynamic map database (TAYGA format)\n###\n"
	"### You can edit this (carefully!) as long as you shut down nat64d "
	"first\n###\n###\n###\n###\n\n";

/* ---- assignment ---- */

/* TAYGA's own test: 2001:db8::69 -> .80 in a /24. */
static void
test_hash_tayga_80(void **state)
{
	struct pool *p = mkpool("192.168.255.0", 24);

	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.80");
	pool_free(p);
}

/*
 * In a /24 the fold is the end-around-carry sum of the 16 bytes,
 * whatever the byte order: 20+01+0d+b8 = 230 (0xe6).
 */
static void
test_hash_byte_sum_24(void **state)
{
	struct pool *p = mkpool("192.168.255.0", 24);

	assert_string_equal(get6(p, "2001:db8::1", true, T0),
	    "192.168.255.231");
	assert_string_equal(get6(p, "2001:db8:1::2", true, T0),
	    "192.168.255.233");
	/* 230 + 0x10 + 0x20 = 278 -> 278 - 255 = 23 */
	assert_string_equal(get6(p, "2001:db8::1020", true, T0),
	    "192.168.255.23");
	pool_free(p);
}

/* In a /16 the words are folded in 16 bits as TAYGA reads them from
 * memory, so the result depends on the host's byte order. */
static void
test_hash_word_order_16(void **state)
{
	struct pool *p = mkpool("192.168.0.0", 16);

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* 0xb80d0120 + 0x69000000: 0x0120+0xb80d = 0xb92d; +0x6900 =
	 * 0x1222d -> 0x222e */
	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.34.46");
#else
	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.46.34");
#endif
	pool_free(p);
}

/* Broadcast is handed out; the network address never is. */
static void
test_broadcast_used_network_skipped(void **state)
{
	struct pool *p = mkpool("192.168.255.0", 24);

	/* 230 + 0x19 = 255: the broadcast address */
	assert_string_equal(get6(p, "2001:db8::19", true, T0),
	    "192.168.255.255");
	/* also starts at 255, wraps, skips .0 */
	assert_string_equal(get6(p, "2001:db8::1:18", true, T0),
	    "192.168.255.1");
	assert_int_equal(pool_capacity(p), 255);
	pool_free(p);
}

static void
test_probe_linear(void **state)
{
	struct pool *p = mkpool("192.168.255.0", 24);

	/* ::69, ::6900 and ::68:1 all start at .80 */
	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.80");
	assert_string_equal(get6(p, "2001:db8::6900", true, T0),
	    "192.168.255.81");
	assert_string_equal(get6(p, "2001:db8::68:1", true, T0),
	    "192.168.255.82");
	pool_free(p);
}

static struct maps *
mkmaps(const char *const *v4, const unsigned *len4, const char *const *v6,
    const unsigned *len6, size_t n)
{
	struct maps *m = maps_new();
	char err[256];
	size_t i;

	assert_non_null(m);
	for (i = 0; i < n; i++) {
		struct eam e = {
			.p4 = A4(v4[i]), .len4 = (uint8_t)len4[i],
			.p6 = A6(v6[i]), .len6 = (uint8_t)len6[i],
		};

		if (maps_add(m, &e, err, sizeof(err)) != 0)
			fail_msg("maps_add: %s", err);
	}
	return m;
}

static void
test_exclusions_skipped(void **state)
{
	static const char *const v4[] = { "192.168.255.80", "192.168.255.82",
	    "10.0.0.0" };
	static const unsigned l4[] = { 31, 32, 8 };
	static const char *const v6[] = { "2001:db8:ffff::", "2001:db8:fffe::1",
	    "2001:db8:1000::" };
	static const unsigned l6[] = { 127, 128, 104 };
	struct maps *m = mkmaps(v4, l4, v6, l6, 3);
	struct pool *p = mkpool("192.168.255.0", 24);

	pool_set_exclusions(p, m, A4("192.168.255.83"));
	/* .80-.83 excluded: network + 4 */
	assert_int_equal(pool_capacity(p), 256 - 5);
	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.84");
	/* covers4 is about the range, excluded or not */
	assert_true(pool_ops.covers4(p, A4("192.168.255.80")));
	assert_true(pool_ops.covers4(p, A4("192.168.255.0")));
	assert_true(pool_ops.covers4(p, A4("192.168.255.255")));
	assert_false(pool_ops.covers4(p, A4("192.168.254.255")));
	assert_false(pool_ops.covers4(p, A4("10.0.0.1")));
	pool_free(p);
	maps_free(m);
}

/* An excluded block covering the start: the probe jumps over it. */
static void
test_exclusion_ranges(void **state)
{
	static const char *const v4[] = { "10.0.0.0", "10.0.128.0" };
	static const unsigned l4[] = { 17, 32 };
	static const char *const v6[] = { "2001:db8:1::", "2001:db8:2::" };
	static const unsigned l6[] = { 113, 128 };
	struct maps *m = mkmaps(v4, l4, v6, l6, 2);
	struct pool *p = mkpool("10.0.0.0", 16);

	pool_set_exclusions(p, m, A4("10.0.128.1"));
	assert_int_equal(pool_capacity(p), 32768 - 2);
	/* ::69 starts inside the excluded half */
	assert_string_equal(get6(p, "2001:db8::69", true, T0), "10.0.128.2");
	/* 0x69 one byte pair earlier: the same 16-bit fold, the same start */
	assert_string_equal(get6(p, "2001:db8::69:0", true, T0), "10.0.128.3");
	pool_free(p);
	maps_free(m);
	/* a map covering the whole pool leaves nothing */
	m = mkmaps((const char *const[]){ "10.0.0.0" }, (const unsigned[]){ 8 },
	    (const char *const[]){ "2001:db8:3::" },
	    (const unsigned[]){ 104 }, 1);
	p = mkpool("10.0.0.0", 16);
	pool_set_exclusions(p, m, A4("192.0.2.1"));
	assert_int_equal(pool_capacity(p), 0);
	assert_string_equal(get6(p, "2001:db8::69", true, T0), "FULL");
	pool_free(p);
	maps_free(m);
}

/* TAYGA's start offset, written out plainly as a reference. */
static uint32_t
ref_start(const struct in6_addr *a6, unsigned bits)
{
	uint32_t w[4], base = 0, max = (uint32_t)((1ULL << bits) - 1);
	int i;

	memcpy(w, a6, sizeof(w));
	for (i = 0; i < 4; i++) {
		base += w[i];
		while (base > max)
			base = (base & max) + (base >> bits);
	}
	return base;
}

/*
 * Fill a /19 (two IPv4 pages) with exclusions across bitmap words and
 * pages; every assignment must be what naive linear probing from the
 * reference start gives.
 */
static void
test_probe_matches_reference(void **state)
{
	static const char *const v4[] = { "10.1.15.192", "10.1.16.0",
	    "10.1.31.255", "10.1.8.64" };
	static const unsigned l4[] = { 26, 30, 32, 27 };
	static const char *const v6[] = { "2001:db8:1::", "2001:db8:2::",
	    "2001:db8:3::", "2001:db8:4::" };
	static const unsigned l6[] = { 122, 126, 128, 123 };
	struct maps *m = mkmaps(v4, l4, v6, l6, 4);
	struct pool *p = mkpool("10.1.0.0", 19);
	static bool taken[8192];
	struct in6_addr a6 = A6("2001:db8:c000::");
	struct in_addr a4;
	uint64_t x = 88172645463325252ULL;
	uint32_t i, n, off, k;

	pool_set_exclusions(p, m, A4("10.1.0.77"));
	memset(taken, 0, sizeof(taken));
	taken[0] = taken[77] = true;
	for (k = 0; k < 64; k++)
		taken[15 * 256 + 192 + k] = true;
	for (k = 0; k < 4; k++)
		taken[16 * 256 + k] = true;
	for (k = 0; k < 32; k++)
		taken[8 * 256 + 64 + k] = true;
	taken[8191] = true;
	n = 8192 - 2 - 64 - 4 - 32 - 1;
	assert_int_equal(pool_capacity(p), n);
	for (i = 0; i < n; i++) {
		uint32_t start;

		/* half clustered (consecutive sources), half scattered */
		if (i % 2) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(&a6.s6_addr[8], &x, 8);
		} else {
			memset(&a6.s6_addr[8], 0, 8);
			a6.s6_addr[14] = (uint8_t)(i >> 8);
			a6.s6_addr[15] = (uint8_t)i;
		}
		start = ref_start(&a6, 13);
		for (k = 0; k < 8192; k++)
			if (!taken[(start + k) & 8191])
				break;
		assert_true(k < 8192);
		off = (start + k) & 8191;
		taken[off] = true;
		assert_int_equal(pool_ops.lookup6(p, &a6, true, T0, &a4),
		    POOL_OK);
		assert_int_equal(ntohl(a4.s_addr) - ntohl(A4("10.1.0.0").s_addr),
		    off);
	}
	assert_int_equal(pool_count(p), n);
	a6 = A6("2001:db8:d::1");
	assert_int_equal(pool_ops.lookup6(p, &a6, true, T0, &a4), POOL_FULL);
	pool_free(p);
	maps_free(m);
}

/* Leases that a new exclusion covers are dropped and logged. */
static void
test_exclusions_drop_leases(void **state)
{
	static const char *const v4[] = { "192.168.255.81" };
	static const unsigned l4[] = { 32 };
	static const char *const v6[] = { "2001:db8:77::" };
	static const unsigned l6[] = { 112 };
	struct maps *m = mkmaps(v4, l4, v6, l6, 1);
	struct pool *p = mkpool("192.168.255.0", 24);
	struct capture c;
	const char *log;

	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.80");
	assert_string_equal(get6(p, "2001:db8::6900", true, T0),
	    "192.168.255.81");
	assert_string_equal(get6(p, "2001:db8:77::5", true, T0),
	    "192.168.255.99");
	assert_string_equal(get6(p, "2001:db8::1", true, T0),
	    "192.168.255.231");
	cap_start(&c);
	pool_set_exclusions(p, m, A4("192.168.255.80"));
	log = cap_end(&c);
	assert_int_equal(pool_count(p), 1);
	assert_string_equal(state4(p, "192.168.255.231"), "active");
	assert_has_line(log, "dynamic pool: dropped lease 192.168.255.80 -> "
	    "2001:db8::69: IPv4 address now excluded (ipv4-addr or map)");
	assert_has_line(log, "dynamic pool: dropped lease 192.168.255.81 -> "
	    "2001:db8::6900: IPv4 address now excluded (ipv4-addr or map)");
	assert_has_line(log, "dynamic pool: dropped lease 192.168.255.99 -> "
	    "2001:db8:77::5: IPv6 address now covered by a map");
	assert_string_equal(get4(p, "192.168.255.231", T0), "2001:db8::1");
	assert_string_equal(get6(p, "2001:db8::1", false, T0),
	    "192.168.255.231");
	/* 2001:db8::69 now probes past .80 and .81 */
	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.82");
	pool_free(p);
	maps_free(m);
}

static void
test_same_host_same_address(void **state)
{
	struct pool *p = mkpool("192.168.255.0", 24);

	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.80");
	assert_string_equal(get6(p, "2001:db8::69", true, T0 + S),
	    "192.168.255.80");
	assert_string_equal(get6(p, "2001:db8::69", false, T0 + 2 * S),
	    "192.168.255.80");
	assert_string_equal(get6(p, "2001:db8::70", false, T0), "NONE");
	assert_int_equal(pool_count(p), 1);
	assert_string_equal(get4(p, "192.168.255.80", T0), "2001:db8::69");
	assert_string_equal(get4(p, "192.168.255.81", T0), "NONE");
	assert_string_equal(get4(p, "10.1.2.3", T0), "NONE");
	pool_free(p);
}

/* ---- dormancy, reclaim, expiry ---- */

static void
test_dormant_then_reactivated(void **state)
{
	struct pool *p = mkpool("192.168.255.0", 24);
	struct capture c;
	const char *log;

	log_set_categories(LOGCAT_DYN);
	cap_start(&c);
	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.80");
	/* IPv4 traffic at T0 + 100 s keeps it alive */
	assert_string_equal(get4(p, "192.168.255.80", T0 + 100 * S),
	    "2001:db8::69");
	pool_maintain(p, T0 + 100 * S + DORMANT_S * S - 1);
	assert_string_equal(state4(p, "192.168.255.80"), "active");
	pool_maintain(p, T0 + 100 * S + DORMANT_S * S);
	assert_string_equal(state4(p, "192.168.255.80"), "dormant");
	/* dormant leases are unreachable from IPv4 */
	assert_string_equal(get4(p, "192.168.255.80", T0 + 8000 * S), "NONE");
	/* and come back only with a packet that may assign */
	assert_string_equal(get6(p, "2001:db8::69", false, T0 + 8000 * S),
	    "NONE");
	assert_string_equal(state4(p, "192.168.255.80"), "dormant");
	assert_int_equal(pool_save(p, tpath("d.map"), WALL, T0 + 8000 * S),
	    0);
	assert_false(pool_dirty(p));
	assert_string_equal(get6(p, "2001:db8::69", true, T0 + 9000 * S),
	    "192.168.255.80");
	log = cap_end(&c);
	log_set_categories(0);
	assert_string_equal(state4(p, "192.168.255.80"), "active");
	assert_string_equal(get4(p, "192.168.255.80", T0 + 9000 * S),
	    "2001:db8::69");
	/* a reactivation is no reason to rewrite the file */
	assert_false(pool_dirty(p));
	assert_has_line(log, "DYN: assigned 192.168.255.80 -> 2001:db8::69");
	assert_has_line(log, "DYN: dormant 192.168.255.80 -> 2001:db8::69");
	assert_has_line(log,
	    "DYN: reactivated 192.168.255.80 -> 2001:db8::69");
	pool_free(p);
}

static void
test_dyn_log_needs_category(void **state)
{
	struct pool *p = mkpool("192.168.255.0", 24);
	struct capture c;
	const char *log;

	log_set_categories(LOGCAT_DROP);
	cap_start(&c);
	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.80");
	log = cap_end(&c);
	log_set_categories(0);
	assert_null(strstr(log, "DYN:"));
	pool_free(p);
}

/* /30: .1 .2 .3 assignable. */
static void
test_lru_dormant_reclaim(void **state)
{
	struct pool *p = mkpool("192.168.255.0", 30);
	char a1[16], a2[16], a3[16], line[128];
	struct capture c;
	const char *log;

	snprintf(a1, sizeof(a1), "%s", get6(p, "2001:db8::a", true, T0 + S));
	snprintf(a2, sizeof(a2), "%s",
	    get6(p, "2001:db8::b", true, T0 + 2 * S));
	snprintf(a3, sizeof(a3), "%s",
	    get6(p, "2001:db8::c", true, T0 + 3 * S));
	assert_int_equal(pool_count(p), 3);
	assert_string_not_equal(a1, a2);
	assert_string_not_equal(a2, a3);
	assert_string_not_equal(a1, a3);
	/* ::b used again later than ::c */
	assert_string_equal(get6(p, "2001:db8::b", true, T0 + 4 * S), a2);
	/* all dormant (not yet expired) */
	pool_maintain(p, T0 + 10 * S + DORMANT_S * S);
	assert_string_equal(state4(p, a1), "dormant");
	assert_string_equal(state4(p, a2), "dormant");
	assert_string_equal(state4(p, a3), "dormant");
	assert_int_equal(pool_save(p, tpath("l.map"), WALL, T0), 0);
	log_set_categories(LOGCAT_DYN);
	cap_start(&c);
	/* LRU order: ::a (1 s), ::c (3 s), ::b (4 s) */
	assert_string_equal(get6(p, "2001:db8::d", true, T0 + 8000 * S), a1);
	assert_string_equal(get6(p, "2001:db8::e", true, T0 + 8001 * S), a3);
	log = cap_end(&c);
	log_set_categories(0);
	assert_true(pool_dirty(p));
	assert_int_equal(pool_count(p), 3);
	snprintf(line, sizeof(line), "DYN: reassigned %s -> 2001:db8::d", a1);
	assert_has_line(log, line);
	/* the old owners lost their leases */
	assert_string_equal(get6(p, "2001:db8::a", false, T0 + 8002 * S),
	    "NONE");
	assert_string_equal(get4(p, a1, T0 + 8002 * S), "2001:db8::d");
	assert_string_equal(get4(p, a3, T0 + 8002 * S), "2001:db8::e");
	/* ::b is still dormant and still its own */
	assert_string_equal(get6(p, "2001:db8::b", true, T0 + 8003 * S), a2);
	/* all three active now: no room for ::a */
	assert_string_equal(get6(p, "2001:db8::a", true, T0 + 8004 * S),
	    "FULL");
	pool_free(p);
}

static void
test_full_when_all_active(void **state)
{
	struct pool *p = mkpool("192.168.255.0", 30);

	assert_string_not_equal(get6(p, "2001:db8::1", true, T0), "FULL");
	assert_string_not_equal(get6(p, "2001:db8::2", true, T0), "FULL");
	assert_string_not_equal(get6(p, "2001:db8::3", true, T0), "FULL");
	assert_int_equal(pool_capacity(p), 3);
	assert_string_equal(get6(p, "2001:db8::4", true, T0), "FULL");
	assert_string_equal(get6(p, "2001:db8::4", false, T0), "NONE");
	assert_int_equal(pool_count(p), 3);
	/* /31: only the "broadcast" half is usable */
	pool_free(p);
	p = mkpool("192.168.255.0", 31);
	assert_string_equal(get6(p, "2001:db8::1", true, T0), "192.168.255.1");
	assert_string_equal(get6(p, "2001:db8::2", true, T0), "FULL");
	pool_free(p);
}

static void
test_expiry(void **state)
{
	struct pool *p = mkpool("192.168.255.0", 24);
	struct capture c;
	const char *log;

	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.80");
	assert_string_equal(get6(p, "2001:db8::1", true, T0 + 5 * S),
	    "192.168.255.231");
	pool_maintain(p, T0 + DORMANT_S * S + 5 * S);
	assert_string_equal(state4(p, "192.168.255.80"), "dormant");
	assert_string_equal(state4(p, "192.168.255.231"), "dormant");
	pool_maintain(p, T0 + EXPIRE_S * S - 1);
	assert_int_equal(pool_count(p), 2);
	log_set_categories(LOGCAT_DYN);
	cap_start(&c);
	pool_maintain(p, T0 + EXPIRE_S * S);
	log = cap_end(&c);
	log_set_categories(0);
	assert_int_equal(pool_count(p), 1);
	assert_string_equal(state4(p, "192.168.255.80"), "none");
	assert_string_equal(state4(p, "192.168.255.231"), "dormant");
	assert_has_line(log, "DYN: expired 192.168.255.80 -> 2001:db8::69");
	/* gone for good: a new host may get .80 */
	assert_string_equal(get6(p, "2001:db8::6900", true, T0 + EXPIRE_S * S),
	    "192.168.255.80");
	pool_maintain(p, T0 + EXPIRE_S * S + 5 * S);
	assert_int_equal(pool_count(p), 1);
	assert_string_equal(state4(p, "192.168.255.80"), "active");
	pool_free(p);
}

/* An active lease idle past expire_s in one pass goes all the way. */
static void
test_active_expires_in_one_pass(void **state)
{
	struct pool *p = mkpool("192.168.255.0", 24);

	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.80");
	pool_maintain(p, T0 + EXPIRE_S * S);
	assert_int_equal(pool_count(p), 0);
	assert_string_equal(get4(p, "192.168.255.80", T0), "NONE");
	pool_free(p);
}

static void
test_maintain_save_due(void **state)
{
	struct pool *p = mkpool("192.168.255.0", 24);
	uint64_t t = T0;

	/* TAYGA writes at the first pass after start */
	assert_true(pool_maintain(p, t));
	assert_false(pool_dirty(p));
	assert_int_equal(pool_save(p, tpath("s.map"), WALL, t), 0);
	assert_false(pool_maintain(p, t += 45 * S));
	assert_string_equal(get6(p, "2001:db8::69", true, t), "192.168.255.80");
	assert_true(pool_dirty(p));
	assert_true(pool_maintain(p, t += 45 * S));
	assert_int_equal(pool_save(p, tpath("s.map"), WALL, t), 0);
	assert_false(pool_maintain(p, t += 45 * S));
	/* every 3.5 days regardless */
	assert_false(pool_maintain(p, T0 + 90 * S + 302400 * S - 1));
	assert_true(pool_maintain(p, T0 + 90 * S + 302400 * S));
	pool_free(p);
}

/* ---- dynamic.map ---- */

/* The file TAYGA would read, active leases first (file order), dormant
 * ones by last use, most recent first. */
static void
test_load_save_roundtrip_bytes(void **state)
{
	char body[1024], want[2048], when[128];
	const char *in = tpath("in.map"), *out = tpath("out.map");
	struct pool *p = mkpool("192.168.255.0", 24);
	struct capture c;
	const char *log;
	char *got;

	snprintf(body, sizeof(body),
	    "192.168.255.80\t2001:db8::69\t%lld\n"
	    "192.168.255.7\t2001:db8:1:2::7\t%lld\n"
	    "192.168.255.255\t2001:db8::ff\t%lld\n"
	    "192.168.255.9\t2001:db8::9\t%lld\n"
	    "192.168.255.10\t2001:db8::a\t%lld\n",
	    (long long)WALL - 10, (long long)WALL - 7439,
	    (long long)WALL, (long long)WALL - 7440,
	    (long long)WALL - 86400);
	snprintf(want, sizeof(want), "%s%s", header_no_date, body);
	write_text(in, want);
	cap_start(&c);
	assert_int_equal(pool_load(p, in, WALL, T0), 5);
	log = cap_end(&c);
	{
		char line[PATH_MAX + 64];

		snprintf(line, sizeof(line), "Loaded 5 dynamic maps from %s",
		    in);
		assert_has_line(log, line);
	}
	assert_string_equal(state4(p, "192.168.255.80"), "active");
	assert_string_equal(state4(p, "192.168.255.7"), "active");
	assert_string_equal(state4(p, "192.168.255.255"), "active");
	assert_string_equal(state4(p, "192.168.255.9"), "dormant");
	assert_string_equal(state4(p, "192.168.255.10"), "dormant");
	assert_string_equal(get4(p, "192.168.255.9", T0), "NONE");
	/* saved with the same clocks: the same bytes */
	assert_int_equal(pool_save(p, out, WALL, T0), 0);
	got = strip_written(read_text(out), when, sizeof(when));
	assert_string_equal(got, want);
	assert_string_equal(when,
	    "### Last written: Tue Nov 14 22:13:20 2023");
	assert_false(exists(tpath("out.map~~")));
	pool_free(p);
}

/* Leases built by traffic survive save -> load into a new pool. */
static void
test_save_load_state(void **state)
{
	const char *path = tpath("dynamic.map");
	struct pool *p = mkpool("10.200.0.0", 16), *q;
	struct pool_lease_info a, b;
	char src[64], line[256];
	struct capture c;
	size_t i, j;

	for (i = 0; i < 300; i++) {
		snprintf(src, sizeof(src), "2001:db8:%zx::%zx", i % 7, i);
		assert_string_not_equal(get6(p, src, true, T0 + i * S), "FULL");
	}
	/* the first 100 go dormant */
	pool_maintain(p, T0 + 99 * S + DORMANT_S * S);
	assert_int_equal(pool_save(p, path, WALL, T0 + 99 * S + DORMANT_S * S),
	    0);
	q = mkpool("10.200.0.0", 16);
	cap_start(&c);
	assert_int_equal(pool_load(q, path, WALL + 60, T0 + 99 * S +
	    DORMANT_S * S + 60 * S), 300);
	snprintf(line, sizeof(line), "Loaded 300 dynamic maps from %s\n", path);
	assert_string_equal(cap_end(&c), line);
	assert_int_equal(pool_count(q), 300);
	for (i = 0; pool_get(p, i, &a); i++) {
		uint64_t now = T0 + 99 * S + DORMANT_S * S + 60 * S;
		bool found = false;

		for (j = 0; pool_get(q, j, &b); j++) {
			if (b.a4.s_addr != a.a4.s_addr)
				continue;
			found = true;
			assert_memory_equal(&a.a6, &b.a6, sizeof(a.a6));
			/* 60 s later on both clocks: same monotonic time */
			assert_int_equal(a.last_use_ms, b.last_use_ms);
			/* the 60 s count: idle >= dormant_s -> dormant */
			assert_int_equal(b.dormant,
			    now - b.last_use_ms >= DORMANT_S * S);
			if (a.dormant)
				assert_true(b.dormant);
		}
		assert_true(found);
	}
	pool_free(p);
	pool_free(q);
}

static void
test_load_bad_lines(void **state)
{
	const char *path = tpath("bad.map");
	struct pool *p = mkpool("192.168.255.0", 24);
	char text[4096], line[PATH_MAX + 256];
	struct capture c;
	const char *log;
	long long t = (long long)WALL - 5;
	static const char *const want[] = {
		"3: malformed line: expected 3 fields (IPv4 IPv6 last-use), "
		    "found fewer",
		"4: malformed line: expected 3 fields (IPv4 IPv6 last-use), "
		    "found more",
		"5: malformed line: '300.1.1.1' is not an IPv4 address",
		"6: malformed line: '2001:db8::zz' is not an IPv6 address",
		"7: malformed line: last-use 'abc' is not a positive number of "
		    "seconds",
		"8: malformed line: last-use '0' is not a positive number of "
		    "seconds",
		"9: malformed line: last-use '12x' is not a positive number of "
		    "seconds",
		"10: malformed line: last-use '-5' is not a positive number of "
		    "seconds",
		"11: ignoring map 10.0.0.1 -> 2001:db8::b: lies outside the "
		    "dynamic pool",
		"12: ignoring map 192.168.255.0 -> 2001:db8::c: is the dynamic "
		    "pool's network address",
		"13: ignoring map 192.168.255.84 -> 2001:db8::d: is excluded "
		    "(ipv4-addr or a map)",
		"14: ignoring map 192.168.255.14 -> ff02::1: has an invalid "
		    "IPv6 address",
		"15: ignoring map 192.168.255.15 -> ::ffff:192.0.2.1: has an "
		    "invalid IPv6 address",
		"16: ignoring map 192.168.255.1 -> 2001:db8::10: is a duplicate "
		    "IPv4 address",
		"17: ignoring map 192.168.255.17 -> 2001:db8::1: has a "
		    "duplicate IPv6 address",
	};
	size_t i;

	snprintf(text, sizeof(text),
	    "# comment\n"					/* 1 */
	    "192.168.255.1\t2001:db8::1\t%lld\n"		/* 2 */
	    "192.168.255.2\t2001:db8::2\n"			/* 3 */
	    "192.168.255.3 2001:db8::3 %lld extra\n"		/* 4 */
	    "300.1.1.1\t2001:db8::4\t%lld\n"			/* 5 */
	    "192.168.255.6\t2001:db8::zz\t%lld\n"		/* 6 */
	    "192.168.255.7\t2001:db8::7\tabc\n"			/* 7 */
	    "192.168.255.8\t2001:db8::8\t0\n"			/* 8 */
	    "192.168.255.9\t2001:db8::9\t12x\n"			/* 9 */
	    "192.168.255.10\t2001:db8::a\t-5\n"			/* 10 */
	    "10.0.0.1\t2001:db8::b\t%lld\n"			/* 11 */
	    "192.168.255.0\t2001:db8::c\t%lld\n"		/* 12 */
	    "192.168.255.84\t2001:db8::d\t%lld\n"		/* 13 */
	    "192.168.255.14\tff02::1\t%lld\n"			/* 14 */
	    "192.168.255.15\t::ffff:192.0.2.1\t%lld\n"		/* 15 */
	    "192.168.255.1\t2001:db8::10\t%lld\n"		/* 16 */
	    "192.168.255.17\t2001:db8::1\t%lld\n"		/* 17 */
	    "\n"						/* 18 */
	    "   192.168.255.19   2001:db8::13  %lld  \r\n",	/* 19 */
	    t, t, t, t, t, t, t, t, t, t, t, t);
	write_text(path, text);
	pool_set_exclusions(p, NULL, A4("192.168.255.84"));
	cap_start(&c);
	assert_int_equal(pool_load(p, path, WALL, T0), 2);
	log = cap_end(&c);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(line, sizeof(line), "%s:%s", path, want[i]);
		assert_has_line(log, line);
	}
	snprintf(line, sizeof(line), "Loaded 2 dynamic maps from %s", path);
	assert_has_line(log, line);
	/* 15 complaints + the summary, nothing else */
	{
		size_t n = 0;
		const char *q;

		for (q = log; (q = strchr(q, '\n')) != NULL; q++)
			n++;
		assert_int_equal(n, 16);
	}
	assert_int_equal(pool_count(p), 2);
	assert_string_equal(get4(p, "192.168.255.1", T0), "2001:db8::1");
	assert_string_equal(get4(p, "192.168.255.19", T0), "2001:db8::13");
	pool_free(p);
}

static void
test_load_missing_and_unreadable(void **state)
{
	struct pool *p = mkpool("192.168.255.0", 24);
	struct capture c;
	const char *log;

	cap_start(&c);
	assert_int_equal(pool_load(p, tpath("nonexistent.map"), WALL, T0), 0);
	log = cap_end(&c);
	assert_string_equal(log, "");
	assert_int_equal(mkdir(tpath("adir"), 0755), 0);
	cap_start(&c);
	assert_int_equal(pool_load(p, tpath("adir"), WALL, T0), -1);
	log = cap_end(&c);
	assert_non_null(strstr(log, "Is a directory"));
	assert_int_equal(pool_count(p), 0);
	pool_free(p);
}

/* Ages: < dormant_s active, >= dormant_s dormant, >= expire_s dropped. */
static void
test_load_ages(void **state)
{
	const char *path = tpath("ages.map");
	struct pool *p = mkpool("192.168.255.0", 24);
	char text[512];
	struct capture c;
	const char *log;

	snprintf(text, sizeof(text),
	    "192.168.255.1\t2001:db8::1\t%lld\n"
	    "192.168.255.2\t2001:db8::2\t%lld\n"
	    "192.168.255.3\t2001:db8::3\t%lld\n"
	    "192.168.255.4\t2001:db8::4\t%lld\n",
	    (long long)WALL - DORMANT_S + 1, (long long)WALL - DORMANT_S,
	    (long long)WALL - EXPIRE_S + 1, (long long)WALL - EXPIRE_S);
	write_text(path, text);
	log_set_categories(LOGCAT_DYN);
	cap_start(&c);
	assert_int_equal(pool_load(p, path, WALL, 5 * S), 3);
	log = cap_end(&c);
	log_set_categories(0);
	assert_string_equal(state4(p, "192.168.255.1"), "active");
	assert_string_equal(state4(p, "192.168.255.2"), "dormant");
	assert_string_equal(state4(p, "192.168.255.3"), "dormant");
	assert_string_equal(state4(p, "192.168.255.4"), "none");
	assert_has_line(log, "DYN: loaded 192.168.255.1 -> 2001:db8::1");
	assert_has_line(log, "DYN: expired 192.168.255.4 -> 2001:db8::4");
	/* a monotonic clock younger than the leases: still exact */
	pool_maintain(p, 6 * S - 1);
	assert_string_equal(state4(p, "192.168.255.1"), "active");
	assert_string_equal(state4(p, "192.168.255.3"), "dormant");
	pool_maintain(p, 6 * S);
	assert_string_equal(state4(p, "192.168.255.1"), "dormant");
	assert_string_equal(state4(p, "192.168.255.3"), "none");
	assert_string_equal(state4(p, "192.168.255.2"), "dormant");
	pool_free(p);
}

/* TAYGA: a timestamp in the future means the clock was off; all
 * leases load dormant and none is expired. */
static void
test_load_future_all_dormant(void **state)
{
	const char *path = tpath("future.map");
	struct pool *p = mkpool("192.168.255.0", 24);
	char text[512], line[256];
	struct capture c;

	snprintf(text, sizeof(text),
	    "192.168.255.1\t2001:db8::1\t%lld\n"
	    "192.168.255.2\t2001:db8::2\t%lld\n"
	    "192.168.255.3\t2001:db8::3\t%lld\n",
	    (long long)WALL - 10, (long long)WALL + 100,
	    (long long)WALL - EXPIRE_S - 10);
	write_text(path, text);
	cap_start(&c);
	assert_int_equal(pool_load(p, path, WALL, T0), 3);
	snprintf(line, sizeof(line), "Loaded 3 dynamic maps from %s\n", path);
	assert_string_equal(cap_end(&c), line);
	assert_string_equal(state4(p, "192.168.255.1"), "dormant");
	assert_string_equal(state4(p, "192.168.255.2"), "dormant");
	assert_string_equal(state4(p, "192.168.255.3"), "dormant");
	assert_string_equal(get4(p, "192.168.255.1", T0), "NONE");
	assert_string_equal(get4(p, "192.168.255.2", T0), "NONE");
	assert_string_equal(get6(p, "2001:db8::2", true, T0), "192.168.255.2");
	assert_string_equal(get4(p, "192.168.255.2", T0), "2001:db8::2");
	pool_free(p);
}

static void
test_save_atomic_success(void **state)
{
	const char *path = tpath("dynamic.map");
	struct pool *p = mkpool("192.168.255.0", 24);
	char want[1024], when[128], *got;

	write_text(path, "old contents\n");
	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.80");
	assert_int_equal(pool_save(p, path, WALL + 3600, T0 + 1500), 0);
	assert_false(exists(tpath("dynamic.map~~")));
	got = strip_written(read_text(path), when, sizeof(when));
	/* 1.5 s ago rounds to the earlier second */
	snprintf(want, sizeof(want), "%s192.168.255.80\t2001:db8::69\t%lld\n",
	    header_no_date, (long long)WALL + 3600 - 2);
	assert_string_equal(got, want);
	assert_string_equal(when,
	    "### Last written: Tue Nov 14 23:13:20 2023");
	pool_free(p);
}

/* Saving must fail cleanly, leave the old file and no temp file. */
static void
check_failed_save(const char *path, const char *tmp)
{
	assert_string_equal(read_text(path), "old contents\n");
	assert_false(exists(tmp));
}

static void
test_save_unwritable_dir(void **state)
{
	const char *dir = tpath("ro");
	char path[512], tmp[520];
	struct pool *p = mkpool("192.168.255.0", 24);
	struct capture c;
	const char *log;
	pid_t pid;
	int st;

	snprintf(path, sizeof(path), "%s/dynamic.map", dir);
	snprintf(tmp, sizeof(tmp), "%s~~", path);
	assert_int_equal(mkdir(dir, 0755), 0);
	write_text(path, "old contents\n");
	assert_int_equal(chmod(dir, 0555), 0);
	assert_int_equal(chmod(tmpdir, 0755), 0);
	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.80");
	/* root ignores the mode bits: save as nobody in a child */
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int rc;

		if (geteuid() == 0 && (setgid(65534) == -1 ||
		    setuid(65534) == -1))
			_exit(2);
		cap_start(&c);
		rc = pool_save(p, path, WALL, T0);
		log = cap_end(&c);
		if (rc != -1)
			_exit(3);
		if (strstr(log, "dynamic.map~~: Permission denied") == NULL)
			_exit(4);
		if (!pool_dirty(p))
			_exit(5);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	check_failed_save(path, tmp);
	assert_int_equal(chmod(dir, 0755), 0);
	pool_free(p);
}

/* The temp name taken by a directory: fopen fails, old file kept. */
static void
test_save_tmp_blocked(void **state)
{
	const char *path = tpath("blocked.map");
	struct pool *p = mkpool("192.168.255.0", 24);
	struct capture c;
	const char *log;
	struct stat st;

	write_text(path, "old contents\n");
	assert_int_equal(mkdir(tpath("blocked.map~~"), 0755), 0);
	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.80");
	cap_start(&c);
	assert_int_equal(pool_save(p, path, WALL, T0), -1);
	log = cap_end(&c);
	assert_non_null(strstr(log, "blocked.map~~: Is a directory"));
	assert_string_equal(read_text(path), "old contents\n");
	assert_int_equal(stat(tpath("blocked.map~~"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_true(pool_dirty(p));
	/* no such directory */
	cap_start(&c);
	assert_int_equal(pool_save(p, tpath("nodir/dynamic.map"), WALL, T0),
	    -1);
	log = cap_end(&c);
	assert_non_null(strstr(log, "nodir/dynamic.map~~: No such file"));
	pool_free(p);
}

/* /16 fully leased: every lookup right both ways, little memory. */
static void
test_slash16_full(void **state)
{
	struct pool *p = mkpool("100.64.0.0", 16);
	static uint32_t owner[65536];	/* offset -> source index + 1 */
	struct in6_addr a6 = A6("2001:db8:aaaa::");
	struct in_addr a4, back4;
	struct in6_addr back6;
	struct timespec c0, c1;
	uint32_t i, n;
	size_t mem;
	double cpu;

	assert_int_equal(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0), 0);
	pool_set_exclusions(p, NULL, A4("100.64.0.1"));
	n = (uint32_t)pool_capacity(p);
	assert_int_equal(n, 65534);
	memset(owner, 0, sizeof(owner));
	for (i = 0; i < n; i++) {
		uint32_t off;

		a6.s6_addr[12] = (uint8_t)(i >> 24);
		a6.s6_addr[13] = (uint8_t)(i >> 16);
		a6.s6_addr[14] = (uint8_t)(i >> 8);
		a6.s6_addr[15] = (uint8_t)i;
		assert_int_equal(pool_ops.lookup6(p, &a6, true, T0 + i, &a4),
		    POOL_OK);
		off = ntohl(a4.s_addr) - ntohl(A4("100.64.0.0").s_addr);
		assert_true(off < 65536);
		assert_true(off != 0 && off != 1);
		assert_int_equal(owner[off], 0);
		owner[off] = i + 1;
	}
	assert_int_equal(pool_count(p), n);
	a6.s6_addr[11] = 1;
	assert_int_equal(pool_ops.lookup6(p, &a6, true, T0 + n, &a4),
	    POOL_FULL);
	a6.s6_addr[11] = 0;
	/* both directions, every lease */
	for (i = 2; i < 65536; i++) {
		uint32_t src = owner[i] - 1;

		assert_int_not_equal(owner[i], 0);
		a4.s_addr = htonl(ntohl(A4("100.64.0.0").s_addr) + i);
		/* touched again in source order */
		assert_int_equal(pool_ops.lookup4(p, a4, T0 + n + src, &back6),
		    POOL_OK);
		a6.s6_addr[12] = (uint8_t)(src >> 24);
		a6.s6_addr[13] = (uint8_t)(src >> 16);
		a6.s6_addr[14] = (uint8_t)(src >> 8);
		a6.s6_addr[15] = (uint8_t)src;
		assert_memory_equal(&back6, &a6, sizeof(a6));
		assert_int_equal(pool_ops.lookup6(p, &a6, false, T0 + n + src,
		    &back4), POOL_OK);
		assert_int_equal(back4.s_addr, a4.s_addr);
	}
	/* Reported, not asserted: timings are noisy here (make bench
	 * measures performance). */
	assert_int_equal(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1), 0);
	cpu = (double)(c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9;
	print_message("/16 fill and lookups: %.3f s CPU\n", cpu);
	mem = pool_mem_bytes(p);
	print_message("/16 full: %zu bytes, %zu per lease\n", mem, mem / n);
	assert_true(mem / n <= 64);
	assert_true(mem < 5 * 1024 * 1024);
	/* half goes dormant, then a new host reclaims the oldest */
	pool_maintain(p, T0 + n + n / 2 + DORMANT_S * S);
	for (i = 0; i < 3; i++) {
		a6 = A6("2001:db8:bbbb::");
		a6.s6_addr[15] = (uint8_t)i;
		assert_int_equal(pool_ops.lookup6(p, &a6, true,
		    T0 + 2 * n + DORMANT_S * S, &a4), POOL_OK);
		/* sources 0, 1, 2 were used first: their addresses go to
		 * the newcomers, in that order */
		assert_int_equal(owner[ntohl(a4.s_addr) & 0xffff], i + 1);
	}
	assert_int_equal(pool_count(p), n);
	pool_free(p);
}

static void
test_reconfigure(void **state)
{
	struct pool_params np = {
		.net = A4("192.168.255.0"), .len = 25,
		.dormant_s = 100, .expire_s = 200,
	};
	struct pool *p = mkpool("192.168.255.0", 24);
	struct capture c;
	const char *log;

	assert_string_equal(get6(p, "2001:db8::69", true, T0),
	    "192.168.255.80");
	assert_string_equal(get6(p, "2001:db8::1", true, T0),
	    "192.168.255.231");
	assert_string_equal(get6(p, "2001:db8::19", true, T0),
	    "192.168.255.255");
	assert_string_equal(get6(p, "2001:db8::1:18", true, T0),
	    "192.168.255.1");
	pool_set_exclusions(p, NULL, A4("192.168.255.2"));
	cap_start(&c);
	pool_reconfigure(p, &np);
	log = cap_end(&c);
	assert_int_equal(pool_capacity(p), 128 - 2);
	assert_int_equal(pool_count(p), 2);
	assert_has_line(log, "dynamic pool: dropped lease 192.168.255.231 -> "
	    "2001:db8::1: outside the new dynamic-pool range");
	assert_has_line(log, "dynamic pool: dropped lease 192.168.255.255 -> "
	    "2001:db8::19: outside the new dynamic-pool range");
	assert_string_equal(get4(p, "192.168.255.80", T0), "2001:db8::69");
	assert_string_equal(get4(p, "192.168.255.1", T0), "2001:db8::1:18");
	assert_string_equal(get4(p, "192.168.255.231", T0), "NONE");
	assert_false(pool_ops.covers4(p, A4("192.168.255.128")));
	/* starts folded into 7 bits: ::1 -> 42, ::69 -> 112 */
	assert_string_equal(get6(p, "2001:db8::1", true, T0),
	    "192.168.255.42");
	/* new lifetimes apply */
	pool_maintain(p, T0 + 100 * S);
	assert_string_equal(state4(p, "192.168.255.80"), "dormant");
	pool_maintain(p, T0 + 200 * S);
	assert_int_equal(pool_count(p), 0);
	assert_string_equal(get6(p, "2001:db8::69", true, T0 + 300 * S),
	    "192.168.255.112");
	/* a range with nothing in common drops everything */
	np.net = A4("10.9.0.0");
	np.len = 24;
	cap_start(&c);
	pool_reconfigure(p, &np);
	log = cap_end(&c);
	assert_has_line(log, "dynamic pool: dropped lease 192.168.255.112 -> "
	    "2001:db8::69: outside the new dynamic-pool range");
	assert_int_equal(pool_count(p), 0);
	assert_string_equal(get6(p, "2001:db8::69", true, T0 + 300 * S),
	    "10.9.0.80");
	assert_int_equal(pool_capacity(p), 255);
	pool_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_tayga_80),
		cmocka_unit_test(test_hash_byte_sum_24),
		cmocka_unit_test(test_hash_word_order_16),
		cmocka_unit_test(test_broadcast_used_network_skipped),
		cmocka_unit_test(test_probe_linear),
		cmocka_unit_test(test_exclusions_skipped),
		cmocka_unit_test(test_exclusion_ranges),
		cmocka_unit_test(test_probe_matches_reference),
		cmocka_unit_test(test_exclusions_drop_leases),
		cmocka_unit_test(test_same_host_same_address),
		cmocka_unit_test(test_dormant_then_reactivated),
		cmocka_unit_test(test_dyn_log_needs_category),
		cmocka_unit_test(test_lru_dormant_reclaim),
		cmocka_unit_test(test_full_when_all_active),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_active_expires_in_one_pass),
		cmocka_unit_test(test_maintain_save_due),
		cmocka_unit_test(test_load_save_roundtrip_bytes),
		cmocka_unit_test(test_save_load_state),
		cmocka_unit_test(test_load_bad_lines),
		cmocka_unit_test(test_load_missing_and_unreadable),
		cmocka_unit_test(test_load_ages),
		cmocka_unit_test(test_load_future_all_dormant),
		cmocka_unit_test(test_save_atomic_success),
		cmocka_unit_test(test_save_unwritable_dir),
		cmocka_unit_test(test_save_tmp_blocked),
		cmocka_unit_test(test_slash16_full),
		cmocka_unit_test(test_reconfigure),
	};

	log_init(LOG_TO_STDERR, false);
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
