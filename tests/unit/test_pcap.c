/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pcap.c: writer/reader round trip, both byte orders, us/ns, link headers, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "pcap.h"

static uint8_t recbuf[PCAP_MAX_RECORD];

/* Build a file byte by byte in a chosen byte order. */
struct fbuf {
	uint8_t	b[4096];
	size_t	n;
	bool	be;
};

static void
put32(struct fbuf *f, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		f->b[f->n++] = f->be ? (uint8_t)(v >> (24 - 8 * i)) :
		    (uint8_t)(v >> (8 * i));
}

static void
put16(struct fbuf *f, uint16_t v)
{
	f->b[f->n++] = f->be ? (uint8_t)(v >> 8) : (uint8_t)v;
	f->b[f->n++] = f->be ? (uint8_t)v : (uint8_t)(v >> 8);
}

static void
put_hdr(struct fbuf *f, uint32_t magic, uint32_t linktype)
{
	put32(f, magic);
	put16(f, 2);
	put16(f, 4);
	put32(f, 0);
	put32(f, 0);
	put32(f, 65535);
	put32(f, linktype);
}

static void
put_rec(struct fbuf *f, uint32_t sec, uint32_t frac, const void *d,
    uint32_t len)
{
	put32(f, sec);
	put32(f, frac);
	put32(f, len);
	put32(f, len);
	memcpy(f->b + f->n, d, len);
	f->n += len;
}

static FILE *
fb_open(struct fbuf *f)
{
	FILE *fp = fmemopen(f->b, f->n, "r");

	assert_non_null(fp);
	return fp;
}

/* A 28-byte IPv4 header + 8 bytes: version nibble and total length. */
static const uint8_t ip4[28] = {
	0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0,
	192, 0, 2, 1, 198, 51, 100, 1, 0x12, 0x34, 0x56, 0x78, 0, 8, 0, 0,
};

static void
test_roundtrip(void **state)
{
	struct pcap_writer w;
	struct pcap_reader r;
	struct pcap_rec rec;
	uint8_t a[3] = { 1, 2, 3 }, b[5] = { 4, 5, 6, 7, 8 };
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(pcap_writer_open(&w, f, PCAP_LINKTYPE_RAW), 0);
	assert_int_equal(pcap_write(&w, 1700000000123456789ULL, iov, 2), 0);
	assert_int_equal(pcap_write(&w, 5000000000ULL, iov + 1, 1), 0);
	assert_int_equal(w.count, 2);
	rewind(f);

	assert_int_equal(pcap_reader_open(&r, f), 0);
	assert_false(r.swapped);
	assert_false(r.nsec);
	assert_int_equal(r.linktype, PCAP_LINKTYPE_RAW);
	assert_int_equal(pcap_next(&r, recbuf, sizeof(recbuf), &rec), 1);
	/* Microsecond file: nanoseconds are truncated. */
	assert_int_equal(rec.ts_ns, 1700000000123456000ULL);
	assert_int_equal(rec.caplen, 8);
	assert_int_equal(rec.ip_off, 0);
	assert_int_equal(rec.ip_len, 8);
	assert_memory_equal(recbuf, "\1\2\3\4\5\6\7\10", 8);
	assert_int_equal(pcap_next(&r, recbuf, sizeof(recbuf), &rec), 1);
	assert_int_equal(rec.ts_ns, 5000000000ULL);
	assert_int_equal(rec.ip_len, 5);
	assert_memory_equal(recbuf, b, 5);
	assert_int_equal(pcap_next(&r, recbuf, sizeof(recbuf), &rec), 0);
	assert_int_equal(r.recno, 2);
	fclose(f);
}

static void
check_one(struct fbuf *fb, bool nsec, uint64_t want_ns)
{
	struct pcap_reader r;
	struct pcap_rec rec;
	FILE *f = fb_open(fb);
	uint16_t one = 1;
	bool host_be = *(uint8_t *)&one == 0;

	assert_int_equal(pcap_reader_open(&r, f), 0);
	assert_int_equal(r.swapped, fb->be != host_be);
	assert_int_equal(r.nsec, nsec);
	assert_int_equal(r.linktype, PCAP_LINKTYPE_IPV4);
	assert_int_equal(r.snaplen, 65535);
	assert_int_equal(pcap_next(&r, recbuf, sizeof(recbuf), &rec), 1);
	assert_int_equal(rec.ts_ns, want_ns);
	assert_int_equal(rec.origlen, sizeof(ip4));
	assert_int_equal(rec.ip_len, sizeof(ip4));
	assert_memory_equal(recbuf, ip4, sizeof(ip4));
	assert_int_equal(pcap_next(&r, recbuf, sizeof(recbuf), &rec), 0);
	fclose(f);
}

static void
test_big_endian_us(void **state)
{
	struct fbuf fb = { .be = true };

	put_hdr(&fb, 0xa1b2c3d4, PCAP_LINKTYPE_IPV4);
	put_rec(&fb, 10, 250000, ip4, sizeof(ip4));
	check_one(&fb, false, 10250000000ULL);
}

static void
test_little_endian_us(void **state)
{
	struct fbuf fb = { .be = false };

	put_hdr(&fb, 0xa1b2c3d4, PCAP_LINKTYPE_IPV4);
	put_rec(&fb, 3, 7, ip4, sizeof(ip4));
	check_one(&fb, false, 3000007000ULL);
}

static void
test_both_orders_ns(void **state)
{
	struct fbuf be = { .be = true }, le = { .be = false };

	put_hdr(&be, 0xa1b23c4d, PCAP_LINKTYPE_IPV4);
	put_rec(&be, 1, 999999999, ip4, sizeof(ip4));
	check_one(&be, true, 1999999999ULL);
	put_hdr(&le, 0xa1b23c4d, PCAP_LINKTYPE_IPV4);
	put_rec(&le, 2, 5, ip4, sizeof(ip4));
	check_one(&le, true, 2000000005ULL);
}

static void
expect_error(struct fbuf *fb, int open_rc, const char *msg)
{
	struct pcap_reader r;
	struct pcap_rec rec;
	FILE *f = fb_open(fb);

	if (open_rc == -1) {
		assert_int_equal(pcap_reader_open(&r, f), -1);
	} else {
		assert_int_equal(pcap_reader_open(&r, f), 0);
		assert_int_equal(pcap_next(&r, recbuf, sizeof(recbuf), &rec),
		    -1);
	}
	assert_string_equal(r.err, msg);
	fclose(f);
}

static void
test_truncated(void **state)
{
	struct fbuf fb = { .be = false };

	put_hdr(&fb, 0xa1b2c3d4, PCAP_LINKTYPE_RAW);
	put_rec(&fb, 1, 0, ip4, sizeof(ip4));
	fb.n -= 5;
	expect_error(&fb, 0,
	    "record 1: truncated packet data (23 of 28 bytes)");

	fb.n = 24 + 10;
	expect_error(&fb, 0,
	    "record 1: truncated record header (10 of 16 bytes)");

	fb.n = 20;
	expect_error(&fb, -1,
	    "not a pcap file: shorter than the 24-byte file header");
}

static void
test_bad_files(void **state)
{
	struct fbuf fb = { .be = false };

	put_hdr(&fb, 0x0a0d0d0a, PCAP_LINKTYPE_RAW);
	expect_error(&fb, -1, "pcapng is not supported; convert it with "
	    "`editcap -F pcap IN OUT`");
	fb.n = 0;
	put_hdr(&fb, 0x12345678, PCAP_LINKTYPE_RAW);
	expect_error(&fb, -1, "not a pcap file: magic 0x12345678");
	fb.n = 0;
	put_hdr(&fb, 0xa1b2c3d4, 105);
	expect_error(&fb, -1, "link type 105 is not supported; expected RAW "
	    "(101), IPV4 (228), IPV6 (229), EN10MB (1), NULL (0), LOOP (108) "
	    "or LINUX_SLL (113)");
	fb.n = 0;
	put_hdr(&fb, 0xa1b2c3d4, PCAP_LINKTYPE_RAW);
	put32(&fb, 0);
	put32(&fb, 0);
	put32(&fb, 300000);
	put32(&fb, 300000);
	expect_error(&fb, 0, "record 1: capture length 300000 exceeds the "
	    "maximum of 65599");
}

static void
test_ethernet(void **state)
{
	struct fbuf fb = { .be = false };
	uint8_t frame[14 + 28 + 18], arp[42] = { 0 };
	struct pcap_reader r;
	struct pcap_rec rec;
	FILE *f;

	memset(frame, 0xee, 12);
	frame[12] = 0x08;
	frame[13] = 0x00;
	memcpy(frame + 14, ip4, sizeof(ip4));
	memset(frame + 42, 0, 18);	/* padding to 60 bytes */
	arp[12] = 0x08;
	arp[13] = 0x06;
	put_hdr(&fb, 0xa1b2c3d4, PCAP_LINKTYPE_EN10MB);
	put_rec(&fb, 1, 0, frame, sizeof(frame));
	put_rec(&fb, 1, 1, arp, sizeof(arp));
	f = fb_open(&fb);
	assert_int_equal(pcap_reader_open(&r, f), 0);
	assert_int_equal(pcap_next(&r, recbuf, sizeof(recbuf), &rec), 1);
	assert_int_equal(rec.caplen, 60);
	assert_int_equal(rec.ip_off, 14);
	assert_int_equal(rec.ip_len, 28);	/* padding trimmed */
	assert_memory_equal(recbuf + rec.ip_off, ip4, sizeof(ip4));
	assert_int_equal(pcap_next(&r, recbuf, sizeof(recbuf), &rec), 1);
	assert_int_equal(rec.ip_len, 0);	/* ARP: not IP */
	assert_int_equal(pcap_next(&r, recbuf, sizeof(recbuf), &rec), 0);
	fclose(f);
}

static void
test_null_linktype(void **state)
{
	struct fbuf fb = { .be = true };
	uint8_t frame[4 + 28] = { 0, 0, 0, 2 };
	struct pcap_reader r;
	struct pcap_rec rec;
	FILE *f;

	memcpy(frame + 4, ip4, sizeof(ip4));
	put_hdr(&fb, 0xa1b2c3d4, PCAP_LINKTYPE_LOOP);
	put_rec(&fb, 1, 0, frame, sizeof(frame));
	f = fb_open(&fb);
	assert_int_equal(pcap_reader_open(&r, f), 0);
	assert_int_equal(pcap_next(&r, recbuf, sizeof(recbuf), &rec), 1);
	assert_int_equal(rec.ip_off, 4);
	assert_int_equal(rec.ip_len, 28);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_big_endian_us),
		cmocka_unit_test(test_little_endian_us),
		cmocka_unit_test(test_both_orders_ns),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_ethernet),
		cmocka_unit_test(test_null_linktype),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
