/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Classic pcap reader and writer. */
#include <byteswap.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <net/ethernet.h>

#include "pcap.h"

#define PCAP_MAGIC_US	0xa1b2c3d4U
#define PCAP_MAGIC_NS	0xa1b23c4dU
#define PCAPNG_MAGIC	0x0a0d0d0aU
#define PCAP_SNAPLEN	262144U
#define ETHERTYPE_VLAN_8021Q	0x8100
#define SLL_HDR_LEN	16

struct pcap_file_hdr {
	uint32_t	magic;
	uint16_t	version_major;
	uint16_t	version_minor;
	int32_t		thiszone;
	uint32_t	sigfigs;
	uint32_t	snaplen;
	uint32_t	linktype;
};

struct pcap_rec_hdr {
	uint32_t	ts_sec;
	uint32_t	ts_frac;	/* us or ns */
	uint32_t	caplen;
	uint32_t	origlen;
};

static int
rd_err(struct pcap_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
rd_err(struct pcap_reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return -1;
}

static uint32_t
rd32(const struct pcap_reader *r, uint32_t v)
{
	return r->swapped ? bswap_32(v) : v;
}

static bool
linktype_ok(uint32_t lt)
{
	switch (lt) {
	case PCAP_LINKTYPE_NULL:
	case PCAP_LINKTYPE_EN10MB:
	case PCAP_LINKTYPE_RAW_12:
	case PCAP_LINKTYPE_RAW_14:
	case PCAP_LINKTYPE_RAW:
	case PCAP_LINKTYPE_LOOP:
	case PCAP_LINKTYPE_LINUX_SLL:
	case PCAP_LINKTYPE_IPV4:
	case PCAP_LINKTYPE_IPV6:
		return true;
	}
	return false;
}

int
pcap_reader_open(struct pcap_reader *r, FILE *f)
{
	struct pcap_file_hdr h;

	memset(r, 0, sizeof(*r));
	r->f = f;
	if (fread(&h, 1, sizeof(h), f) != sizeof(h))
		return rd_err(r, "not a pcap file: shorter than the %zu-byte "
		    "file header", sizeof(h));
	if (h.magic == PCAP_MAGIC_US || h.magic == PCAP_MAGIC_NS)
		r->swapped = false;
	else if (bswap_32(h.magic) == PCAP_MAGIC_US ||
	    bswap_32(h.magic) == PCAP_MAGIC_NS)
		r->swapped = true;
	else if (h.magic == PCAPNG_MAGIC)
		return rd_err(r, "pcapng is not supported; convert it with "
		    "`editcap -F pcap IN OUT`");
	else
		return rd_err(r, "not a pcap file: magic 0x%08x", h.magic);
	r->nsec = rd32(r, h.magic) == PCAP_MAGIC_NS;
	r->snaplen = rd32(r, h.snaplen);
	r->linktype = rd32(r, h.linktype) & 0xffff;	/* upper bits: FCS info */
	if (!linktype_ok(r->linktype))
		return rd_err(r, "link type %u is not supported; expected RAW "
		    "(101), IPV4 (228), IPV6 (229), EN10MB (1), NULL (0), "
		    "LOOP (108) or LINUX_SLL (113)", r->linktype);
	return 0;
}

/* Drop link-layer padding after the IP packet (short Ethernet frames). */
static size_t
ip_trim(const uint8_t *p, size_t len)
{
	size_t want;

	if (len >= 20 && (p[0] >> 4) == 4)
		want = (size_t)p[2] << 8 | p[3];
	else if (len >= 40 && (p[0] >> 4) == 6)
		want = 40 + ((size_t)p[4] << 8 | p[5]);
	else
		return len;
	return want > 0 && want < len ? want : len;
}

/* Locate the IP packet in a frame; ip_len 0 for non-IP frames. */
static void
pcap_strip_link(const struct pcap_reader *r, const uint8_t *b,
    struct pcap_rec *rec)
{
	size_t off = 0, n = rec->caplen;
	unsigned et;

	rec->ip_off = 0;
	rec->ip_len = 0;
	switch (r->linktype) {
	case PCAP_LINKTYPE_NULL:
	case PCAP_LINKTYPE_LOOP:
		off = 4;
		break;
	case PCAP_LINKTYPE_EN10MB:
		off = ETHER_HDR_LEN;
		if (n < off)
			return;
		et = (unsigned)b[12] << 8 | b[13];
		if (et == ETHERTYPE_VLAN_8021Q && n >= off + 4) {
			et = (unsigned)b[16] << 8 | b[17];
			off += 4;
		}
		if (et != ETHERTYPE_IP && et != ETHERTYPE_IPV6)
			return;
		break;
	case PCAP_LINKTYPE_LINUX_SLL:
		off = SLL_HDR_LEN;
		if (n < off)
			return;
		et = (unsigned)b[14] << 8 | b[15];
		if (et != ETHERTYPE_IP && et != ETHERTYPE_IPV6)
			return;
		break;
	default:
		break;
	}
	if (n <= off)
		return;
	rec->ip_off = off;
	rec->ip_len = off == 0 ? n - off : ip_trim(b + off, n - off);
}

int
pcap_next(struct pcap_reader *r, uint8_t *buf, size_t cap,
    struct pcap_rec *rec)
{
	struct pcap_rec_hdr h;
	size_t n;
	uint64_t frac;

	n = fread(&h, 1, sizeof(h), r->f);
	if (n == 0 && feof(r->f))
		return 0;
	if (n != sizeof(h))
		return rd_err(r, "record %lu: truncated record header (%zu of "
		    "%zu bytes)", r->recno + 1, n, sizeof(h));
	r->recno++;
	rec->caplen = rd32(r, h.caplen);
	rec->origlen = rd32(r, h.origlen);
	if (rec->caplen > cap || rec->caplen > PCAP_SNAPLEN)
		return rd_err(r, "record %lu: capture length %zu exceeds the "
		    "maximum of %zu", r->recno, rec->caplen,
		    cap < PCAP_SNAPLEN ? cap : (size_t)PCAP_SNAPLEN);
	frac = rd32(r, h.ts_frac);
	rec->ts_ns = (uint64_t)rd32(r, h.ts_sec) * 1000000000ULL +
	    (r->nsec ? frac : frac * 1000ULL);
	n = fread(buf, 1, rec->caplen, r->f);
	if (n != rec->caplen)
		return rd_err(r, "record %lu: truncated packet data (%zu of "
		    "%zu bytes)", r->recno, n, rec->caplen);
	pcap_strip_link(r, buf, rec);
	return 1;
}

int
pcap_writer_open(struct pcap_writer *w, FILE *f, uint32_t linktype)
{
	struct pcap_file_hdr h = {
		.magic = PCAP_MAGIC_US,
		.version_major = 2,
		.version_minor = 4,
		.snaplen = PCAP_SNAPLEN,
		.linktype = linktype,
	};

	w->f = f;
	w->count = 0;
	if (fwrite(&h, 1, sizeof(h), f) != sizeof(h))
		return -1;
	return 0;
}

int
pcap_write(struct pcap_writer *w, uint64_t ts_ns, const struct iovec *iov,
    unsigned niov)
{
	struct pcap_rec_hdr h;
	size_t len = 0;

	for (unsigned i = 0; i < niov; i++)
		len += iov[i].iov_len;
	if (len > PCAP_SNAPLEN) {
		errno = EMSGSIZE;
		return -1;
	}
	h.ts_sec = (uint32_t)(ts_ns / 1000000000ULL);
	h.ts_frac = (uint32_t)(ts_ns % 1000000000ULL / 1000ULL);
	h.caplen = (uint32_t)len;
	h.origlen = (uint32_t)len;
	if (fwrite(&h, 1, sizeof(h), w->f) != sizeof(h))
		return -1;
	for (unsigned i = 0; i < niov; i++)
		if (iov[i].iov_len > 0 &&
		    fwrite(iov[i].iov_base, 1, iov[i].iov_len, w->f) !=
		    iov[i].iov_len)
			return -1;
	w->count++;
	return 0;
}
