/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Classic pcap files (not pcapng) for --translate-pcap. */
#ifndef NAT64D_PCAP_H
#define NAT64D_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>

/* Link types (tcpdump.org/linktypes.html). */
#define PCAP_LINKTYPE_NULL	0	/* 4-byte AF_ header, host order */
#define PCAP_LINKTYPE_EN10MB	1
#define PCAP_LINKTYPE_RAW_12	12	/* DLT_RAW on most systems */
#define PCAP_LINKTYPE_RAW_14	14	/* DLT_RAW on OpenBSD */
#define PCAP_LINKTYPE_RAW	101
#define PCAP_LINKTYPE_LOOP	108	/* 4-byte AF_ header, network order */
#define PCAP_LINKTYPE_LINUX_SLL	113
#define PCAP_LINKTYPE_IPV4	228
#define PCAP_LINKTYPE_IPV6	229

#define PCAP_MAX_RECORD		(65535 + 64)	/* IP packet plus link header */

struct pcap_reader {
	FILE		*f;
	bool		swapped;	/* file byte order differs from ours */
	bool		nsec;		/* nanosecond timestamps */
	uint32_t	linktype;
	uint32_t	snaplen;
	unsigned long	recno;		/* records read, 1-based after read */
	char		err[160];
};

struct pcap_rec {
	uint64_t	ts_ns;		/* capture time, ns since the epoch */
	size_t		caplen;		/* bytes stored in buf */
	size_t		origlen;	/* length on the wire */
	size_t		ip_off;		/* IP packet at buf + ip_off ... */
	size_t		ip_len;		/* ... of ip_len bytes; 0: not IP */
};

/* Read and check the global header.  0, or -1 with r->err set. */
int pcap_reader_open(struct pcap_reader *r, FILE *f)
    __attribute__((warn_unused_result));

/* Next record into buf (cap >= PCAP_MAX_RECORD is always enough).
 * Returns 1, 0 at a clean end of file, -1 with r->err set. */
int pcap_next(struct pcap_reader *r, uint8_t *buf, size_t cap,
    struct pcap_rec *rec) __attribute__((warn_unused_result));

struct pcap_writer {
	FILE		*f;
	unsigned long	count;
};

/* Write a microsecond, host-byte-order header.  0 or -1 (errno). */
int pcap_writer_open(struct pcap_writer *w, FILE *f, uint32_t linktype)
    __attribute__((warn_unused_result));
/* One record gathered from iov.  0 or -1 (errno). */
int pcap_write(struct pcap_writer *w, uint64_t ts_ns,
    const struct iovec *iov, unsigned niov)
    __attribute__((warn_unused_result));

#endif
