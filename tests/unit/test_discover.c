/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * discover.c: resolv.conf, the RFC 7050 query and reply parser, WKA
 * extraction at every RFC 6052 length, RFC 8781 PREF64 parsing, the
 * RA > DNS > fallback decision with time passed in, and one real UDP
 * exchange over the loopback (no root).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <cmocka.h>

#include "discover.h"
#include "log.h"

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		fail_msg("bad test address %s", s);
	return a;
}

static void
assert_pfx(const struct discover_prefix *p, const char *want, unsigned len)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr w = a6(want);

	inet_ntop(AF_INET6, &p->addr, buf, sizeof(buf));
	if (memcmp(&p->addr, &w, sizeof(w)) != 0 || p->len != len)
		fail_msg("got %s/%u, want %s/%u", buf, p->len, want, len);
}

/* ---- a DNS message builder (independent of the parser) ------------------ */

struct msg {
	uint8_t	b[2048];
	size_t	n;
};

static void
put(struct msg *m, const void *p, size_t n)
{
	assert_true(m->n + n <= sizeof(m->b));
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void
put16(struct msg *m, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(m, b, 2);
}

static void
put32(struct msg *m, uint32_t v)
{
	put16(m, (uint16_t)(v >> 16));
	put16(m, (uint16_t)v);
}

#define QNAME		"\x08ipv4only\x04" "arpa"	/* + implicit NUL */
#define PTR_Q		"\xc0\x0c"			/* -> question name */
#define T_A		1
#define T_CNAME		5
#define T_SOA		6
#define T_AAAA		28
#define ID		0x1234
#define F_RESP		0x8180				/* QR RD RA, NOERROR */

static void
hdr(struct msg *m, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an,
    uint16_t ns, uint16_t ar)
{
	m->n = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

static void
question(struct msg *m, const char *name, size_t namelen, uint16_t type)
{
	put(m, name, namelen);
	put16(m, type);
	put16(m, 1);
}

static void
std_question(struct msg *m)
{
	question(m, QNAME, sizeof(QNAME), T_AAAA);
}

static void
rr_head(struct msg *m, const char *name, size_t namelen, uint16_t type,
    uint32_t ttl, uint16_t rdlen)
{
	put(m, name, namelen);
	put16(m, type);
	put16(m, 1);
	put32(m, ttl);
	put16(m, rdlen);
}

static void
rr_aaaa(struct msg *m, const char *name, size_t namelen, uint32_t ttl,
    const char *addr)
{
	struct in6_addr a = a6(addr);

	rr_head(m, name, namelen, T_AAAA, ttl, 16);
	put(m, &a, 16);
}

static void
rr_cname(struct msg *m, const char *name, size_t namelen, uint32_t ttl,
    const char *target, size_t tlen)
{
	rr_head(m, name, namelen, T_CNAME, ttl, (uint16_t)tlen);
	put(m, target, tlen);
}

/* Names given as string literals include their terminating NUL (the
 * root label); pointers are given without it. */
#define N(s)	s, sizeof(s)
#define P(s)	s, sizeof(s) - 1

/* The usual DNS64 answer: two AAAA, owners compressed to the question. */
static void
good_reply(struct msg *m, const char *pfx170, const char *pfx171)
{
	hdr(m, ID, F_RESP, 1, 2, 0, 0);
	std_question(m);
	rr_aaaa(m, P(PTR_Q), 300, pfx170);
	rr_aaaa(m, P(PTR_Q), 200, pfx171);
}

static enum discover_dns_status
parse(const struct msg *m, struct discover_dns_result *res)
{
	return discover_dns_parse(m->b, m->n, ID, res);
}

/* ---- the query ------------------------------------------------------------- */

static void
dns_query_bytes(void **state)
{
	static const uint8_t want[] = {
		0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		8, 'i', 'p', 'v', '4', 'o', 'n', 'l', 'y', 4, 'a', 'r', 'p', 'a', 0,
		0, 28, 0, 1,
	};
	uint8_t buf[64];

	assert_int_equal(discover_dns_query(buf, sizeof(buf), 0xbeef),
	    sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(discover_dns_query(buf, sizeof(want) - 1, 1), 0);
}

/* ---- valid replies ---------------------------------------------------------- */

static void
dns_two_aaaa_compressed(void **state)
{
	struct discover_dns_result r;
	struct msg m;

	good_reply(&m, "64:ff9b::c000:aa", "64:ff9b::c000:ab");
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_ANSWER);
	assert_int_equal(r.npfx, 1);
	assert_pfx(&r.pfx[0], "64:ff9b::", 96);
	assert_int_equal(r.ttl, 200);
}

static void
dns_uncompressed_mixed_case(void **state)
{
	struct discover_dns_result r;
	struct msg m;

	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	question(&m, N("\x08IPv4Only\x04" "ARPA"), T_AAAA);
	rr_aaaa(&m, N("\x08ipv4ONLY\x04" "arpa"), 77, "2001:db8:64::c000:ab");
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_ANSWER);
	assert_int_equal(r.npfx, 1);
	assert_pfx(&r.pfx[0], "2001:db8:64::", 96);
	assert_int_equal(r.ttl, 77);
}

static void
dns_multiple_prefixes(void **state)
{
	struct discover_dns_result r;
	struct msg m;

	hdr(&m, ID, F_RESP, 1, 4, 0, 0);
	std_question(&m);
	rr_aaaa(&m, P(PTR_Q), 60, "64:ff9b::c000:aa");
	rr_aaaa(&m, P(PTR_Q), 60, "2001:db8:122:344:c0:0:aa00:0");
	rr_aaaa(&m, P(PTR_Q), 60, "64:ff9b::c000:ab");
	rr_aaaa(&m, P(PTR_Q), 60, "2001:db8:122:344:c0:0:ab00:0");
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_ANSWER);
	assert_int_equal(r.npfx, 2);
	assert_pfx(&r.pfx[0], "64:ff9b::", 96);
	assert_pfx(&r.pfx[1], "2001:db8:122:344::", 64);
}

/* ipv4only.arpa -> a.example -> b.example (listed out of order), the
 * AAAA under b.example; TTL is the chain's minimum; an AAAA of an
 * unrelated owner and an A record are ignored. */
static void
dns_cname_chain(void **state)
{
	struct discover_dns_result r;
	struct msg m;
	size_t a_off;

	hdr(&m, ID, F_RESP, 1, 5, 0, 0);
	std_question(&m);
	a_off = m.n + 12;	/* where the next RR's rdata (a.example) starts */
	rr_cname(&m, P(PTR_Q), 500, N("\x01" "a\x07" "example"));
	rr_aaaa(&m, N("\x05other\x07" "example"), 9, "64:ff9b::c000:aa");
	rr_aaaa(&m, N("\x01" "b\x07" "example"), 400, "2001:db8:1c0:0:aa::");
	{
		/* a.example CNAME b.example, owner compressed to a_off */
		char own[2] = { (char)(0xc0 | a_off >> 8), (char)a_off };

		rr_cname(&m, own, 2, 45, N("\x01" "b\x07" "example"));
	}
	rr_head(&m, P(PTR_Q), T_A, 5, 4);
	put(&m, "\xc0\x00\x00\xaa", 4);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_ANSWER);
	assert_int_equal(r.npfx, 1);
	assert_pfx(&r.pfx[0], "2001:db8:100::", 40);
	assert_int_equal(r.ttl, 45);
}

static void
dns_unrelated_owner_only(void **state)
{
	struct discover_dns_result r;
	struct msg m;

	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	std_question(&m);
	rr_aaaa(&m, N("\x07" "example"), 60, "64:ff9b::c000:aa");
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_NEGATIVE);
	assert_int_equal(r.npfx, 0);
}

/* ---- negative and failure answers ------------------------------------------ */

static void
soa(struct msg *m, uint32_t ttl, uint32_t minimum)
{
	rr_head(m, P(PTR_Q), T_SOA, ttl, 2 + 2 + 20);
	put(m, "\xc0\x0c\xc0\x0c", 4);
	put32(m, 1);
	put32(m, 3600);
	put32(m, 600);
	put32(m, 86400);
	put32(m, minimum);
}

static void
dns_nxdomain(void **state)
{
	struct discover_dns_result r;
	struct msg m;

	hdr(&m, ID, F_RESP | 3, 1, 0, 1, 0);
	std_question(&m);
	soa(&m, 900, 120);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_NEGATIVE);
	assert_int_equal(r.ttl, 120);
	hdr(&m, ID, F_RESP | 3, 1, 0, 1, 0);
	std_question(&m);
	soa(&m, 30, 120);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_NEGATIVE);
	assert_int_equal(r.ttl, 30);
}

static void
dns_nodata_and_no_wka(void **state)
{
	struct discover_dns_result r;
	struct msg m;

	hdr(&m, ID, F_RESP, 1, 0, 0, 0);
	std_question(&m);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_NEGATIVE);
	assert_int_equal(r.ttl, UINT32_MAX);	/* no SOA: caller's cap */

	/* a real AAAA (no DNS64 synthesis): no prefix in it */
	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	std_question(&m);
	rr_aaaa(&m, P(PTR_Q), 60, "2001:db8::1");
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_NEGATIVE);
}

static void
dns_servfail_refused_tc(void **state)
{
	struct discover_dns_result r;
	struct msg m;

	hdr(&m, ID, F_RESP | 2, 1, 0, 0, 0);
	std_question(&m);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_SERVFAIL);
	hdr(&m, ID, F_RESP | 5, 1, 0, 0, 0);
	std_question(&m);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_SERVFAIL);
	good_reply(&m, "64:ff9b::c000:aa", "64:ff9b::c000:ab");
	m.b[2] |= 0x02;		/* TC */
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_SERVFAIL);
}

/* ---- not our reply ------------------------------------------------------------ */

static void
dns_wrong_id_or_header(void **state)
{
	struct discover_dns_result r;
	struct msg m;

	good_reply(&m, "64:ff9b::c000:aa", "64:ff9b::c000:ab");
	assert_int_equal(discover_dns_parse(m.b, m.n, ID + 1, &r),
	    DISCOVER_DNS_MALFORMED);
	m.b[2] &= 0x7f;		/* QR = 0: a query */
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);
	good_reply(&m, "64:ff9b::c000:aa", "64:ff9b::c000:ab");
	m.b[2] |= 0x10;		/* opcode 2 */
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);
	good_reply(&m, "64:ff9b::c000:aa", "64:ff9b::c000:ab");
	m.b[5] = 0;		/* QDCOUNT 0 */
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);
	m.b[5] = 2;
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);
}

static void
dns_wrong_question(void **state)
{
	struct discover_dns_result r;
	struct msg m;

	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	question(&m, N("\x08ipv4only\x04" "arpb"), T_AAAA);
	rr_aaaa(&m, P(PTR_Q), 60, "64:ff9b::c000:aa");
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);

	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	question(&m, N(QNAME), T_A);
	rr_aaaa(&m, P(PTR_Q), 60, "64:ff9b::c000:aa");
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);

	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	question(&m, N("\x03www\x08ipv4only\x04" "arpa"), T_AAAA);
	rr_aaaa(&m, P(PTR_Q), 60, "64:ff9b::c000:aa");
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);

	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	put(&m, QNAME, sizeof(QNAME));
	put16(&m, T_AAAA);
	put16(&m, 3);		/* class CH */
	rr_aaaa(&m, P(PTR_Q), 60, "64:ff9b::c000:aa");
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);
}

/* ---- malformed --------------------------------------------------------------- */

/* Every strict prefix of a valid reply is malformed (never an answer). */
static void
dns_truncated_everywhere(void **state)
{
	struct discover_dns_result r;
	struct msg m;
	size_t n;

	good_reply(&m, "64:ff9b::c000:aa", "64:ff9b::c000:ab");
	for (n = 0; n < m.n; n++)
		if (discover_dns_parse(m.b, n, ID, &r) != DISCOVER_DNS_MALFORMED)
			fail_msg("reply cut at %zu of %zu accepted", n, m.n);
}

static void
dns_counts_wrong(void **state)
{
	struct discover_dns_result r;
	struct msg m;

	good_reply(&m, "64:ff9b::c000:aa", "64:ff9b::c000:ab");
	m.b[7] = 3;		/* ANCOUNT 3, two present */
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);
	good_reply(&m, "64:ff9b::c000:aa", "64:ff9b::c000:ab");
	m.b[9] = 1;		/* NSCOUNT 1, none present */
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);
	good_reply(&m, "64:ff9b::c000:aa", "64:ff9b::c000:ab");
	m.b[11] = 1;		/* ARCOUNT 1, none present */
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);
	/* ANCOUNT 1 of 2: the second record is trailing bytes, ignored */
	good_reply(&m, "64:ff9b::c000:aa", "64:ff9b::c000:ab");
	m.b[7] = 1;
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_ANSWER);
	assert_int_equal(r.ttl, 300);
}

static void
dns_bad_rdlength(void **state)
{
	struct discover_dns_result r;
	struct msg m;

	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	std_question(&m);
	rr_head(&m, P(PTR_Q), T_AAAA, 60, 15);
	put(&m, "\0\x64\xff\x9b\0\0\0\0\0\0\0\0\xc0\0\0", 15);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);

	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	std_question(&m);
	rr_head(&m, P(PTR_Q), T_AAAA, 60, 17);
	put(&m, "\0\x64\xff\x9b\0\0\0\0\0\0\0\0\xc0\0\0\xaa\0", 17);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);

	/* RDLENGTH beyond the message */
	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	std_question(&m);
	rr_head(&m, P(PTR_Q), T_AAAA, 60, 16);
	put(&m, "\0\x64\xff\x9b\0\0\0\0\0\0\0\0", 12);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);

	/* an unknown type's RDLENGTH beyond the message */
	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	std_question(&m);
	rr_head(&m, P(PTR_Q), 99, 60, 200);
	put(&m, "xx", 2);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);
}

static void
dns_cname_rdata_overrun(void **state)
{
	struct discover_dns_result r;
	struct msg m;

	/* RDLENGTH 3 but the name inside is 11 octets */
	hdr(&m, ID, F_RESP, 1, 2, 0, 0);
	std_question(&m);
	rr_head(&m, P(PTR_Q), T_CNAME, 60, 3);
	put(&m, "\x01" "a\x07" "example", 11);
	rr_aaaa(&m, N("\x01" "a\x07" "example"), 60, "64:ff9b::c000:aa");
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);

	/* RDLENGTH longer than the name */
	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	std_question(&m);
	rr_head(&m, P(PTR_Q), T_CNAME, 60, 13);
	put(&m, "\x01" "a\x07" "example\0xx", 13);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);
}

static void
one_bad_owner(const char *owner, size_t len, const char *what)
{
	struct discover_dns_result r;
	struct msg m;

	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	std_question(&m);
	rr_aaaa(&m, owner, len, 60, "64:ff9b::c000:aa");
	if (parse(&m, &r) != DISCOVER_DNS_MALFORMED)
		fail_msg("owner name with %s accepted", what);
}

static void
dns_compression_abuse(void **state)
{
	struct discover_dns_result r;
	struct msg m;
	char longname[300];
	size_t i;

	/* the owner starts at offset 31 (0x1f) */
	one_bad_owner(P("\xc0\x1f"), "a pointer to itself");
	one_bad_owner(P("\xc0\x25"), "a forward pointer");
	one_bad_owner(P("\xc0\x03"), "a pointer into the header");
	one_bad_owner(P("\xc1\x00"), "a pointer beyond the message");
	one_bad_owner(P("\x41" "a"), "label type 01");
	one_bad_owner(P("\x81" "a"), "label type 10");

	/* the message ends inside a label, and inside a pointer */
	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	std_question(&m);
	put(&m, "\x05" "ab", 3);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);
	m.n -= 3;
	put(&m, "\xc0", 1);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);

	/* a label then a pointer back to that label: a loop */
	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	std_question(&m);
	put(&m, "\x01" "a\xc0\x1f", 4);		/* at 31: "a", ptr -> 31 */
	put16(&m, T_AAAA);
	put16(&m, 1);
	put32(&m, 60);
	put16(&m, 16);
	put(&m, "\0\x64\xff\x9b\0\0\0\0\0\0\0\0\xc0\0\0\xaa", 16);
	assert_int_equal(m.b[31], 1);
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_MALFORMED);

	/* a name of 4 x 63-octet labels: 257 octets > 255 */
	for (i = 0; i < 4; i++) {
		longname[i * 64] = 63;
		memset(longname + i * 64 + 1, 'x', 63);
	}
	longname[256] = 0;
	one_bad_owner(longname, 257, "257 octets");
	/* 3 x 63 + a 61-octet label + root = 255: legal (then no match) */
	longname[192] = 61;
	longname[254] = 0;
	hdr(&m, ID, F_RESP, 1, 1, 0, 0);
	std_question(&m);
	rr_aaaa(&m, longname, 255, 60, "64:ff9b::c000:aa");
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_NEGATIVE);
}

/* Random corruption never crashes (ASan/UBSan watch) and never turns
 * into something other than one of the four results. */
static void
dns_fuzz(void **state)
{
	struct discover_dns_result r;
	struct msg m, x;
	unsigned i, k, seed = 7;
	enum discover_dns_status st;

	hdr(&m, ID, F_RESP, 1, 3, 1, 0);
	std_question(&m);
	rr_cname(&m, P(PTR_Q), 60, N("\x01" "a\x07" "example"));
	rr_aaaa(&m, P("\xc0\x2b"), 60, "64:ff9b::c000:aa");
	rr_aaaa(&m, P("\xc0\x2b"), 60, "64:ff9b::c000:ab");
	soa(&m, 60, 60);
	assert_int_equal(m.b[0x2b], 1);		/* a.example's first label */
	assert_int_equal(parse(&m, &r), DISCOVER_DNS_ANSWER);
	for (i = 0; i < 20000; i++) {
		x = m;
		for (k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245 + 12345;
			x.b[(seed >> 8) % m.n] = (uint8_t)(seed >> 20);
		}
		seed = seed * 1103515245 + 12345;
		x.n = i % 3 == 0 ? (seed >> 8) % m.n : m.n;
		st = parse(&x, &r);
		assert_true(st <= DISCOVER_DNS_MALFORMED);
		assert_true(r.npfx <= DISCOVER_MAX_PREFIXES);
	}
}

/* ---- RFC 7050 / RFC 6052 extraction --------------------------------------- */

/* RFC 6052 2.4's prefixes with 192.0.0.170 and .171 embedded (the
 * octets as RFC 6052 2.2 places them, u-octet zero). */
static const struct {
	const char	*prefix;
	unsigned	len;
	const char	*with170;
	const char	*with171;
} wka_table[] = {
	{ "2001:db8::", 32, "2001:db8:c000:aa::", "2001:db8:c000:ab::" },
	{ "2001:db8:100::", 40, "2001:db8:1c0:0:aa::", "2001:db8:1c0:0:ab::" },
	{ "2001:db8:122::", 48, "2001:db8:122:c000:0:aa00::",
	    "2001:db8:122:c000:0:ab00::" },
	{ "2001:db8:122:300::", 56, "2001:db8:122:3c0:0:aa::",
	    "2001:db8:122:3c0:0:ab::" },
	{ "2001:db8:122:344::", 64, "2001:db8:122:344:c0:0:aa00:0",
	    "2001:db8:122:344:c0:0:ab00:0" },
	{ "2001:db8:122:344::", 96, "2001:db8:122:344::c000:aa",
	    "2001:db8:122:344::c000:ab" },
	/* RFC 7050 with the well-known prefix */
	{ "64:ff9b::", 96, "64:ff9b::c000:aa", "64:ff9b::c000:ab" },
};

static void
extract_every_length(void **state)
{
	struct discover_prefix out[4];
	struct in6_addr in[2];
	size_t i;

	for (i = 0; i < sizeof(wka_table) / sizeof(wka_table[0]); i++) {
		in[0] = a6(wka_table[i].with170);
		in[1] = a6(wka_table[i].with171);
		assert_int_equal(discover_extract(in, 2, out, 4), 1);
		assert_pfx(&out[0], wka_table[i].prefix, wka_table[i].len);
		/* one WKA alone is enough when it sits at one position */
		assert_int_equal(discover_extract(&in[1], 1, out, 4), 1);
		assert_pfx(&out[0], wka_table[i].prefix, wka_table[i].len);
		/* some other IPv4 address: nothing */
		in[0].s6_addr[15] ^= 0x10;
		if (wka_table[i].len == 96)
			assert_int_equal(discover_extract(in, 1, out, 4), 0);
	}
}

/* The suffix (bits 104-127) and u-octet are no part of the prefix. */
static void
extract_ignores_suffix(void **state)
{
	struct discover_prefix out[1];
	struct in6_addr in = a6("2001:db8:122:344:c0:0:aa00:0");

	in.s6_addr[15] = 0x5a;
	assert_int_equal(discover_extract(&in, 1, out, 1), 1);
	assert_pfx(&out[0], "2001:db8:122:344::", 64);
}

/*
 * The /96 prefix 2001:db8:c000:aa::/96 itself contains 192.0.0.170 at the
 * /32 position.  Both WKAs together pin the /96; either alone is ambiguous
 * (RFC 7050 3) and yields nothing.
 */
static void
extract_ambiguous(void **state)
{
	struct discover_prefix out[4];
	struct in6_addr in[2];

	in[0] = a6("2001:db8:c000:aa::c000:aa");
	in[1] = a6("2001:db8:c000:aa::c000:ab");
	assert_int_equal(discover_extract(in, 2, out, 4), 1);
	assert_pfx(&out[0], "2001:db8:c000:aa::", 96);
	assert_int_equal(discover_extract(&in[0], 1, out, 4), 0);
	assert_int_equal(discover_extract(&in[1], 1, out, 4), 0);
	in[1] = in[0];
	assert_int_equal(discover_extract(in, 2, out, 4), 0);
}

static void
extract_dedup_invalid_max(void **state)
{
	struct discover_prefix out[4];
	struct in6_addr in[4];

	in[0] = a6("64:ff9b::c000:aa");
	in[1] = a6("64:ff9b::c000:aa");
	assert_int_equal(discover_extract(in, 2, out, 4), 1);
	in[0] = a6("fe80::c000:aa");		/* link-local: no NAT64 prefix */
	in[1] = a6("ff02::c000:ab");
	in[2] = a6("::c000:aa");
	assert_int_equal(discover_extract(in, 3, out, 4), 0);
	in[0] = a6("64:ff9b::c000:aa");
	in[1] = a6("2001:db8:1::c000:aa");
	in[2] = a6("2001:db8:2::c000:aa");
	assert_int_equal(discover_extract(in, 3, out, 2), 2);
	assert_pfx(&out[1], "2001:db8:1::", 96);
}

/* ---- resolv.conf ----------------------------------------------------------- */

static void
resolv_parse(void **state)
{
	const struct sockaddr_in6 *s6;
	const struct sockaddr_in *s4;
	struct discover_resolv r;
	char buf[INET6_ADDRSTRLEN];
	const char *text =
	    "# generated by someone\n"
	    "domain example.org\n"
	    "search example.org example.net\n"
	    "  nameserver\t2001:db8::53   # the DNS64\n"
	    ";nameserver 192.0.2.99\n"
	    "nameserver 192.0.2.53;comment\n"
	    "nameserver not-an-address\n"
	    "nameserver\n"
	    "options ndots:2 timeout:3 attempts:4 rotate\n"
	    "nameserver fe80::1%1\n"
	    "nameserver 2001:db8::54\n";	/* a 4th: beyond MAXNS */

	assert_int_equal(discover_resolv_parse(text, 5353, &r), 3);
	s6 = (const struct sockaddr_in6 *)&r.ns[0].ss;
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 5353);
	assert_int_equal(r.ns[0].sslen, sizeof(*s6));
	inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::53");
	s4 = (const struct sockaddr_in *)&r.ns[1].ss;
	assert_int_equal(s4->sin_family, AF_INET);
	assert_int_equal(r.ns[1].sslen, sizeof(*s4));
	inet_ntop(AF_INET, &s4->sin_addr, buf, sizeof(buf));
	assert_string_equal(buf, "192.0.2.53");
	s6 = (const struct sockaddr_in6 *)&r.ns[2].ss;
	inet_ntop(AF_INET6, &s6->sin6_addr, buf, sizeof(buf));
	assert_string_equal(buf, "fe80::1");
	assert_int_equal(s6->sin6_scope_id, 1);
	assert_int_equal(r.timeout_s, 3);
	assert_int_equal(r.attempts, 4);
}

static void
resolv_defaults_and_limits(void **state)
{
	struct discover_resolv r;

	assert_int_equal(discover_resolv_parse("", 53, &r), 0);
	assert_int_equal(r.timeout_s, 5);
	assert_int_equal(r.attempts, 2);
	assert_int_equal(discover_resolv_parse(
	    "options timeout:0 attempts:99\noptions timeout:x attempts:\n"
	    "nameserver fe80::1%no-such-if0\nnameserver ::1", 53, &r), 1);
	assert_int_equal(r.timeout_s, 1);
	assert_int_equal(r.attempts, 5);
	assert_int_equal(discover_resolv_parse("options timeout:999", 53, &r),
	    0);
	assert_int_equal(r.timeout_s, 30);
}

/* ---- RFC 8781 router advertisements --------------------------------------- */

struct ra {
	uint8_t	b[512];
	size_t	n;
};

static void
ra_start(struct ra *r)
{
	memset(r, 0, sizeof(*r));
	r->b[0] = 134;		/* ND_ROUTER_ADVERT */
	r->b[4] = 64;		/* cur hop limit */
	r->b[6] = 0x07;		/* router lifetime 1800 */
	r->b[7] = 0x08;
	r->n = 16;
}

static void
ra_opt(struct ra *r, uint8_t type, uint8_t len8, const uint8_t *body)
{
	r->b[r->n] = type;
	r->b[r->n + 1] = len8;
	memcpy(r->b + r->n + 2, body, (size_t)len8 * 8 - 2);
	r->n += (size_t)len8 * 8;
}

static void
ra_pref64(struct ra *r, unsigned scaled, unsigned plc, const char *prefix)
{
	uint8_t body[14];
	struct in6_addr a = a6(prefix);
	uint16_t w = (uint16_t)(scaled << 3 | plc);

	body[0] = (uint8_t)(w >> 8);
	body[1] = (uint8_t)w;
	memcpy(body + 2, a.s6_addr, 12);
	ra_opt(r, 38, 2, body);
}

static void
ra_every_plc(void **state)
{
	static const struct {
		unsigned	plc, len;
		const char	*want;
	} t[] = {
		{ 0, 96, "2001:db8:122:344:ffff:ffff::" },
		{ 1, 64, "2001:db8:122:344::" },
		{ 2, 56, "2001:db8:122:300::" },
		{ 3, 48, "2001:db8:122::" },
		{ 4, 40, "2001:db8:100::" },
		{ 5, 32, "2001:db8::" },
	};
	struct discover_pref64 p[2];
	struct ra r;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ra_start(&r);
		/* bits beyond the length are set in the option and dropped */
		ra_pref64(&r, 225, t[i].plc, "2001:db8:122:344:ffff:ffff::");
		assert_int_equal(discover_ra_parse(r.b, r.n, p, 2), 1);
		assert_pfx(&p[0].pfx, t[i].want, t[i].len);
		assert_int_equal(p[0].lifetime_s, 1800);
	}
	ra_start(&r);
	ra_pref64(&r, 6, 6, "64:ff9b::");
	ra_pref64(&r, 6, 7, "64:ff9b::");
	assert_int_equal(discover_ra_parse(r.b, r.n, p, 2), 0);
	/* no NAT64 prefix can be link-local, multicast or in ::/8 */
	ra_start(&r);
	ra_pref64(&r, 6, 0, "fe80::");
	ra_pref64(&r, 6, 1, "ff02::");
	ra_pref64(&r, 6, 0, "::");
	assert_int_equal(discover_ra_parse(r.b, r.n, p, 2), 0);
}

static void
ra_lifetimes_and_options(void **state)
{
	static const uint8_t slla[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t mtu[6] = { 0, 0, 0, 0, 5, 0xdc };
	struct discover_pref64 p[3];
	struct ra r;

	ra_start(&r);
	ra_opt(&r, 1, 1, slla);
	ra_pref64(&r, 0, 0, "64:ff9b::");
	ra_opt(&r, 5, 1, mtu);
	ra_pref64(&r, 8191, 1, "2001:db8:64:64::");
	ra_pref64(&r, 1, 0, "2001:db8:1::");
	assert_int_equal(discover_ra_parse(r.b, r.n, p, 3), 3);
	assert_pfx(&p[0].pfx, "64:ff9b::", 96);
	assert_int_equal(p[0].lifetime_s, 0);
	assert_pfx(&p[1].pfx, "2001:db8:64:64::", 64);
	assert_int_equal(p[1].lifetime_s, 65528);
	assert_int_equal(p[2].lifetime_s, 8);
	assert_int_equal(discover_ra_parse(r.b, r.n, p, 1), 1);
	/* no options at all */
	ra_start(&r);
	assert_int_equal(discover_ra_parse(r.b, r.n, p, 3), 0);
}

static void
ra_pref64_lengths(void **state)
{
	uint8_t body[22];
	struct discover_pref64 p[1];
	struct ra r;

	/* Length 1: ignored (RFC 8781 4) */
	memset(body, 0, sizeof(body));
	body[1] = 0x08;
	ra_start(&r);
	ra_opt(&r, 38, 1, body);
	assert_int_equal(discover_ra_parse(r.b, r.n, p, 1), 0);
	/* Length 3: the first 16 octets count */
	body[0] = 0x00;
	body[1] = 0x40;		/* scaled 8, PLC 0 */
	body[2] = 0x00;
	body[3] = 0x64;
	body[4] = 0xff;
	body[5] = 0x9b;
	memset(body + 14, 0xee, 8);
	ra_start(&r);
	ra_opt(&r, 38, 3, body);
	assert_int_equal(discover_ra_parse(r.b, r.n, p, 1), 1);
	assert_pfx(&p[0].pfx, "64:ff9b::", 96);
	assert_int_equal(p[0].lifetime_s, 64);
}

static void
ra_malformed(void **state)
{
	static const uint8_t z[6];
	struct discover_pref64 p[1];
	struct ra r;

	ra_start(&r);
	ra_pref64(&r, 100, 0, "64:ff9b::");
	r.b[r.n] = 1;		/* zero-length option after it */
	r.b[r.n + 1] = 0;
	r.n += 8;
	assert_int_equal(discover_ra_parse(r.b, r.n, p, 1), -1);

	ra_start(&r);
	ra_pref64(&r, 100, 0, "64:ff9b::");
	r.b[17] = 3;		/* 24 octets claimed, 16 present */
	assert_int_equal(discover_ra_parse(r.b, r.n, p, 1), -1);

	ra_start(&r);
	ra_pref64(&r, 100, 0, "64:ff9b::");
	r.n++;			/* one stray octet */
	assert_int_equal(discover_ra_parse(r.b, r.n, p, 1), -1);

	ra_start(&r);
	ra_opt(&r, 1, 1, z);
	assert_int_equal(discover_ra_parse(r.b, 15, p, 1), -1);	/* short */
	assert_int_equal(discover_ra_parse(r.b, r.n - 1, p, 1), -1);
	r.b[0] = 133;		/* a router solicitation */
	assert_int_equal(discover_ra_parse(r.b, r.n, p, 1), -1);
	r.b[0] = 134;
	r.b[1] = 1;		/* code 1 */
	assert_int_equal(discover_ra_parse(r.b, r.n, p, 1), -1);
}

/* ---- the decision, time passed in ------------------------------------------ */

static struct discover *
new_disc(bool fallback)
{
	struct discover_params p;
	struct discover *d;

	memset(&p, 0, sizeof(p));
	snprintf(p.uplink, sizeof(p.uplink), "eth0");
	if (fallback) {
		p.has_fallback = true;
		p.fallback = a6("2001:db8:ffff::");
		p.fallback_len = 96;
	}
	d = discover_new(&p, 1000);
	assert_non_null(d);
	return d;
}

static void
assert_cur(const struct discover *d, const char *want, unsigned len,
    enum discover_source src)
{
	struct discover_prefix p;
	enum discover_source s;

	memset(&p, 0, sizeof(p));
	assert_true(discover_current(d, &p.addr, &p.len, &s));
	assert_pfx(&p, want, len);
	assert_int_equal(s, src);
}

static struct discover_dns_result
dns_res(const char *a, const char *b, uint32_t ttl)
{
	struct discover_dns_result r;

	memset(&r, 0, sizeof(r));
	r.pfx[0].addr = a6(a);
	r.pfx[0].len = 96;
	r.npfx = 1;
	if (b != NULL) {
		r.pfx[1].addr = a6(b);
		r.pfx[1].len = 96;
		r.npfx = 2;
	}
	r.ttl = ttl;
	return r;
}

static struct discover_pref64
pref64(const char *a, unsigned len, uint32_t lifetime)
{
	struct discover_pref64 p;

	memset(&p, 0, sizeof(p));
	p.pfx.addr = a6(a);
	p.pfx.len = (uint8_t)len;
	p.lifetime_s = lifetime;
	return p;
}

static void
decide_none(void **state)
{
	struct discover *d = new_disc(false);
	enum discover_source s;

	assert_false(discover_current(d, NULL, NULL, &s));
	assert_int_equal(s, DISCOVER_SRC_NONE);
	assert_int_equal(discover_generation(d), 0);
	assert_int_equal(discover_timeout(d, 1000), -1);
	assert_int_equal(discover_poll_fds(d, NULL, 0), 0);
	assert_false(discover_tick(d, 5000));
	discover_free(d);
}

static void
decide_priorities(void **state)
{
	struct discover *d = new_disc(true);
	struct discover_dns_result r = dns_res("64:ff9b::", NULL, 600);
	struct discover_pref64 p = pref64("2001:db8:ab::", 48, 1800);
	struct in6_addr rtr = a6("fe80::1");

	assert_cur(d, "2001:db8:ffff::", 96, DISCOVER_SRC_FALLBACK);
	assert_int_equal(discover_generation(d), 1);
	assert_true(discover_apply_dns(d, DISCOVER_DNS_ANSWER, &r, 2000));
	assert_cur(d, "64:ff9b::", 96, DISCOVER_SRC_DNS);
	assert_true(discover_apply_ra(d, &rtr, &p, 1, 3000));
	assert_cur(d, "2001:db8:ab::", 48, DISCOVER_SRC_RA);
	assert_int_equal(discover_generation(d), 3);
	/* a new DNS answer does not displace the RA prefix */
	r = dns_res("2001:db8:64::", NULL, 600);
	assert_false(discover_apply_dns(d, DISCOVER_DNS_ANSWER, &r, 4000));
	assert_cur(d, "2001:db8:ab::", 48, DISCOVER_SRC_RA);
	/* withdrawal (lifetime 0): back to DNS at once */
	p.lifetime_s = 0;
	assert_true(discover_apply_ra(d, &rtr, &p, 1, 5000));
	assert_cur(d, "2001:db8:64::", 96, DISCOVER_SRC_DNS);
	/* no DNS64 any more: the fallback */
	assert_true(discover_apply_dns(d, DISCOVER_DNS_NEGATIVE, &r, 6000));
	assert_cur(d, "2001:db8:ffff::", 96, DISCOVER_SRC_FALLBACK);
	assert_int_equal(discover_generation(d), 5);
	discover_free(d);
}

static void
decide_ra_expiry(void **state)
{
	struct discover *d = new_disc(false);
	struct discover_dns_result r = dns_res("64:ff9b::", NULL, 600);
	struct discover_pref64 p = pref64("2001:db8:ab::", 96, 16);
	struct in6_addr rtr = a6("fe80::1");

	assert_true(discover_apply_dns(d, DISCOVER_DNS_ANSWER, &r, 1000));
	assert_true(discover_apply_ra(d, &rtr, &p, 1, 10000));
	assert_int_equal(discover_timeout(d, 10000), 16000);
	assert_int_equal(discover_timeout(d, 25000), 1000);
	assert_false(discover_tick(d, 25999));
	assert_cur(d, "2001:db8:ab::", 96, DISCOVER_SRC_RA);
	/* refreshed by the next RA at 20 s: now lasts until 36 s */
	assert_false(discover_apply_ra(d, &rtr, &p, 1, 20000));
	assert_false(discover_tick(d, 26000));
	assert_int_equal(discover_timeout(d, 26000), 10000);
	assert_true(discover_tick(d, 36000));
	assert_cur(d, "64:ff9b::", 96, DISCOVER_SRC_DNS);
	assert_int_equal(discover_timeout(d, 36000), -1);
	discover_free(d);
}

static void
decide_two_routers(void **state)
{
	struct discover *d = new_disc(false);
	struct discover_pref64 p1 = pref64("2001:db8:1::", 96, 600);
	struct discover_pref64 p2 = pref64("2001:db8:2::", 96, 600);
	struct in6_addr r1 = a6("fe80::1"), r2 = a6("fe80::2");

	assert_true(discover_apply_ra(d, &r1, &p1, 1, 1000));
	assert_false(discover_apply_ra(d, &r2, &p2, 1, 2000));
	assert_cur(d, "2001:db8:1::", 96, DISCOVER_SRC_RA);
	/* r2 cannot withdraw r1's prefix */
	p1.lifetime_s = 0;
	assert_false(discover_apply_ra(d, &r2, &p1, 1, 3000));
	assert_cur(d, "2001:db8:1::", 96, DISCOVER_SRC_RA);
	assert_true(discover_apply_ra(d, &r1, &p1, 1, 4000));
	assert_cur(d, "2001:db8:2::", 96, DISCOVER_SRC_RA);
	discover_free(d);
}

/* Answer order must not make the prefix flap; a source change with the
 * same prefix is no prefix change. */
static void
decide_stability(void **state)
{
	struct discover *d = new_disc(false);
	struct discover_dns_result r = dns_res("2001:db8:a::", "2001:db8:b::", 60);
	struct discover_pref64 p = pref64("2001:db8:b::", 96, 600);
	struct in6_addr rtr = a6("fe80::1");
	enum discover_source s;

	assert_true(discover_apply_dns(d, DISCOVER_DNS_ANSWER, &r, 1000));
	assert_cur(d, "2001:db8:a::", 96, DISCOVER_SRC_DNS);
	r = dns_res("2001:db8:b::", "2001:db8:a::", 60);
	assert_false(discover_apply_dns(d, DISCOVER_DNS_ANSWER, &r, 2000));
	assert_cur(d, "2001:db8:a::", 96, DISCOVER_SRC_DNS);
	r = dns_res("2001:db8:b::", NULL, 60);
	assert_true(discover_apply_dns(d, DISCOVER_DNS_ANSWER, &r, 3000));
	assert_cur(d, "2001:db8:b::", 96, DISCOVER_SRC_DNS);
	assert_int_equal(discover_generation(d), 2);
	assert_false(discover_apply_ra(d, &rtr, &p, 1, 4000));
	assert_true(discover_current(d, NULL, NULL, &s));
	assert_int_equal(s, DISCOVER_SRC_RA);
	assert_int_equal(discover_generation(d), 2);
	discover_free(d);
}

/* A failed query keeps the DNS prefix and backs off 5, 10, 20 ... 300 s. */
static void
decide_dns_failure_backoff(void **state)
{
	struct discover_params p;
	struct discover_dns_result r = dns_res("64:ff9b::", NULL, 60);
	struct discover *d;
	char path[] = "/tmp/test_discover.XXXXXX";
	uint64_t now = 1000;
	unsigned want = 5000;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "# no servers\n", 13), 13);
	close(fd);
	memset(&p, 0, sizeof(p));
	p.use_dns = true;
	snprintf(p.resolv_conf, sizeof(p.resolv_conf), "%s", path);
	d = discover_new(&p, now);
	assert_non_null(d);
	assert_int_equal(discover_timeout(d, now), 0);
	assert_true(discover_apply_dns(d, DISCOVER_DNS_ANSWER, &r, now));
	assert_int_equal(discover_timeout(d, now), 60000);
	now += 60000;
	while (want <= 300000) {
		assert_false(discover_tick(d, now));	/* fails: no servers */
		assert_cur(d, "64:ff9b::", 96, DISCOVER_SRC_DNS);
		assert_int_equal(discover_timeout(d, now), want);
		assert_int_equal(discover_poll_fds(d, NULL, 0), 0);
		now += want;
		want = want * 2 > 300000 && want != 300000 ? 300000 : want * 2;
	}
	/* a good answer resets the backoff; TTL clamped to [60 s, 1 h] */
	r.ttl = 5;
	assert_false(discover_apply_dns(d, DISCOVER_DNS_ANSWER, &r, now));
	assert_int_equal(discover_timeout(d, now), 60000);
	r.ttl = 86400;
	assert_false(discover_apply_dns(d, DISCOVER_DNS_ANSWER, &r, now));
	assert_int_equal(discover_timeout(d, now), 3600000);
	r.ttl = 300;
	assert_false(discover_apply_dns(d, DISCOVER_DNS_ANSWER, &r, now));
	assert_int_equal(discover_timeout(d, now), 300000);
	assert_false(discover_apply_dns(d, DISCOVER_DNS_SERVFAIL, &r, now));
	assert_int_equal(discover_timeout(d, now), 5000);
	discover_free(d);
	unlink(path);
}

/* ---- the log line ------------------------------------------------------------ */

static void
decide_log_lines(void **state)
{
	struct discover_pref64 p = pref64("64:ff9b::", 96, 600);
	struct discover_dns_result r = dns_res("2001:db8:64::", NULL, 60);
	struct in6_addr rtr = a6("fe80::1");
	struct discover *d;
	char buf[1024];
	FILE *tmp;
	int saved;
	size_t n;

	fflush(stdout);
	tmp = tmpfile();
	assert_non_null(tmp);
	saved = dup(1);
	assert_int_equal(dup2(fileno(tmp), 1), 1);
	log_init(LOG_TO_STDOUT, false);
	d = new_disc(true);
	(void)discover_apply_ra(d, &rtr, &p, 1, 2000);
	p.lifetime_s = 0;
	(void)discover_apply_ra(d, &rtr, &p, 1, 3000);
	(void)discover_apply_dns(d, DISCOVER_DNS_ANSWER, &r, 3000);
	discover_free(d);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	log_init(LOG_TO_STDERR, false);
	rewind(tmp);
	n = fread(buf, 1, sizeof(buf) - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
	assert_string_equal(buf,
	    "NAT64 prefix 2001:db8:ffff::/96 (configured fallback)\n"
	    "NAT64 prefix 64:ff9b::/96 (from RFC 8781 router advertisement on eth0)\n"
	    "NAT64 prefix 2001:db8:ffff::/96 (configured fallback)\n"
	    "NAT64 prefix 2001:db8:64::/96 (from RFC 7050 DNS64 discovery via -)\n");
}

/* ---- a real exchange over the loopback ------------------------------------ */

static int
udp_server(uint16_t *port)
{
	struct sockaddr_in6 sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin6_family = AF_INET6;
	sa.sin6_addr = in6addr_loopback;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		return -1;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin6_port);
	return fd;
}

/* Read the query the module sent; check it, return its id and source. */
static uint16_t
recv_query(int srv, struct sockaddr_in6 *from)
{
	uint8_t q[512], want[64];
	socklen_t flen = sizeof(*from);
	ssize_t n;
	uint16_t id;
	struct timeval tv = { 2, 0 };

	setsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recvfrom(srv, q, sizeof(q), 0, (struct sockaddr *)from, &flen);
	assert_true(n > 12);
	id = (uint16_t)(q[0] << 8 | q[1]);
	assert_int_equal((size_t)n, discover_dns_query(want, sizeof(want), id));
	assert_memory_equal(q, want, (size_t)n);
	return id;
}

static bool
deliver(struct discover *d, uint64_t now)
{
	struct pollfd pfd[DISCOVER_MAX_FDS];
	size_t n, i;
	bool changed = false;

	n = discover_poll_fds(d, pfd, DISCOVER_MAX_FDS);
	assert_true(poll(pfd, n, 500) >= 0);	/* 0: the kernel dropped it */
	for (i = 0; i < n; i++)
		if (pfd[i].revents & POLLIN)
			changed |= discover_handle(d, pfd[i].fd, now);
	return changed;
}

static void
loopback_exchange(void **state)
{
	struct discover_params p;
	struct discover *d;
	struct pollfd pfd[DISCOVER_MAX_FDS];
	struct sockaddr_in6 from;
	struct msg m;
	char path[] = "/tmp/test_discover.XXXXXX";
	uint16_t port, id, other_port;
	int srv, other, fd;
	uint64_t now = 1000;

	if ((srv = udp_server(&port)) == -1) {
		skip();		/* no IPv6 loopback here */
	}
	other = udp_server(&other_port);
	assert_true(other >= 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	/* 127.0.0.2 stays silent: its timeout moves on to ::1 */
	dprintf(fd, "options timeout:2 attempts:1\nnameserver 127.0.0.2\n"
	    "nameserver ::1\n");
	close(fd);
	memset(&p, 0, sizeof(p));
	p.use_dns = true;
	p.dns_port = port;
	snprintf(p.resolv_conf, sizeof(p.resolv_conf), "%s", path);
	d = discover_new(&p, now);
	assert_non_null(d);
	assert_false(discover_tick(d, now));
	assert_int_equal(discover_poll_fds(d, pfd, DISCOVER_MAX_FDS), 1);
	assert_int_equal(pfd[0].events, POLLIN);
	assert_int_equal(discover_timeout(d, now), 2000);
	assert_false(discover_tick(d, now + 1999));
	now += 2000;
	assert_false(discover_tick(d, now));	/* -> ::1 */
	id = recv_query(srv, &from);

	/* wrong id, then the right reply from another port (the connected
	 * socket's kernel filter drops it already): both ignored */
	good_reply(&m, "64:ff9b::c000:aa", "64:ff9b::c000:ab");
	m.b[0] = (uint8_t)((id + 1) >> 8);
	m.b[1] = (uint8_t)(id + 1);
	assert_int_equal(sendto(srv, m.b, m.n, 0, (struct sockaddr *)&from,
	    sizeof(from)), (ssize_t)m.n);
	assert_false(deliver(d, now));
	m.b[0] = (uint8_t)(id >> 8);
	m.b[1] = (uint8_t)id;
	assert_int_equal(sendto(other, m.b, m.n, 0, (struct sockaddr *)&from,
	    sizeof(from)), (ssize_t)m.n);
	assert_false(deliver(d, now));
	assert_false(discover_current(d, NULL, NULL, NULL));
	/* the real one */
	assert_int_equal(sendto(srv, m.b, m.n, 0, (struct sockaddr *)&from,
	    sizeof(from)), (ssize_t)m.n);
	assert_true(deliver(d, now));
	assert_cur(d, "64:ff9b::", 96, DISCOVER_SRC_DNS);
	assert_int_equal(discover_poll_fds(d, pfd, DISCOVER_MAX_FDS), 0);
	/* TTL 200 -> re-query in 200 s */
	assert_int_equal(discover_timeout(d, now), 200000);
	discover_free(d);
	close(srv);
	close(other);
	unlink(path);
}

/* Read at discover_new(); if it cannot be read later (a chroot), the
 * copy read last stays in use. */
static void
resolv_kept_when_unreadable(void **state)
{
	struct discover_params p;
	struct discover *d;
	struct pollfd pfd[DISCOVER_MAX_FDS];
	struct sockaddr_in6 from;
	char path[] = "/tmp/test_discover.XXXXXX";
	uint16_t port;
	int srv, fd;

	if ((srv = udp_server(&port)) == -1)
		skip();
	fd = mkstemp(path);
	assert_true(fd >= 0);
	dprintf(fd, "nameserver ::1\n");
	close(fd);
	memset(&p, 0, sizeof(p));
	p.use_dns = true;
	p.dns_port = port;
	snprintf(p.resolv_conf, sizeof(p.resolv_conf), "%s", path);
	d = discover_new(&p, 1000);
	assert_non_null(d);
	assert_int_equal(unlink(path), 0);
	assert_false(discover_tick(d, 1000));
	assert_int_equal(discover_poll_fds(d, pfd, DISCOVER_MAX_FDS), 1);
	(void)recv_query(srv, &from);
	discover_free(d);
	close(srv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dns_query_bytes),
		cmocka_unit_test(dns_two_aaaa_compressed),
		cmocka_unit_test(dns_uncompressed_mixed_case),
		cmocka_unit_test(dns_multiple_prefixes),
		cmocka_unit_test(dns_cname_chain),
		cmocka_unit_test(dns_unrelated_owner_only),
		cmocka_unit_test(dns_nxdomain),
		cmocka_unit_test(dns_nodata_and_no_wka),
		cmocka_unit_test(dns_servfail_refused_tc),
		cmocka_unit_test(dns_wrong_id_or_header),
		cmocka_unit_test(dns_wrong_question),
		cmocka_unit_test(dns_truncated_everywhere),
		cmocka_unit_test(dns_counts_wrong),
		cmocka_unit_test(dns_bad_rdlength),
		cmocka_unit_test(dns_cname_rdata_overrun),
		cmocka_unit_test(dns_compression_abuse),
		cmocka_unit_test(dns_fuzz),
		cmocka_unit_test(extract_every_length),
		cmocka_unit_test(extract_ignores_suffix),
		cmocka_unit_test(extract_ambiguous),
		cmocka_unit_test(extract_dedup_invalid_max),
		cmocka_unit_test(resolv_parse),
		cmocka_unit_test(resolv_defaults_and_limits),
		cmocka_unit_test(ra_every_plc),
		cmocka_unit_test(ra_lifetimes_and_options),
		cmocka_unit_test(ra_pref64_lengths),
		cmocka_unit_test(ra_malformed),
		cmocka_unit_test(decide_none),
		cmocka_unit_test(decide_priorities),
		cmocka_unit_test(decide_ra_expiry),
		cmocka_unit_test(decide_two_routers),
		cmocka_unit_test(decide_stability),
		cmocka_unit_test(decide_dns_failure_backoff),
		cmocka_unit_test(decide_log_lines),
		cmocka_unit_test(loopback_exchange),
		cmocka_unit_test(resolv_kept_when_unreadable),
	};

	log_init(LOG_TO_STDERR, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
