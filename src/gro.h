/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Userspace GRO on the write side: consecutive translated UDP datagrams
 * of one flow become one UDP GSO super-packet (VIRTIO_NET_HDR_GSO_UDP_L4)
 * written with one writev(); the kernel segments it again.  Pure: no I/O.
 */
#ifndef NAT64D_GRO_H
#define NAT64D_GRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "xlat.h"

#define GRO_MAX_SEGS	64
#define GRO_MAX_LEN	65535		/* IPv4 total / IPv6 payload length */

struct gro {
	bool		v4, v6;		/* the TUN takes USO for the family */
	unsigned	nseg;		/* datagrams in buf */
	size_t		len;		/* bytes in buf */
	size_t		iphlen;
	uint16_t	seg;		/* payload bytes of the first datagram */
	bool		full;		/* a shorter datagram ended the batch */
	struct xlat_offload off1;	/* the first's, for a batch of one */
	uint64_t	batches;	/* super-packets handed out */
	uint64_t	datagrams;	/* datagrams in them */
	uint8_t		buf[GRO_MAX_LEN];
};

enum gro_result {
	GRO_NO,		/* not taken; the batch is unchanged */
	GRO_HELD,	/* taken */
	GRO_FULL,	/* taken, and the batch must be flushed now */
};

void gro_init(struct gro *g, bool v4, bool v6);
/*
 * Offer one translated packet (copied when taken) with its offload
 * metadata (NULL: none).  GRO_NO for anything that is not a valid,
 * unfragmented, option-free UDP datagram of the batch's flow and payload
 * size, with a complete checksum or a partial one over the whole UDP
 * datagram: the caller flushes and, if the batch was not empty, offers
 * it again as the first of a new batch.
 */
enum gro_result gro_add(struct gro *g, const uint8_t *pkt, size_t len,
    const struct xlat_offload *off);
/*
 * Hand out the batch and empty it.  Returns the number of datagrams in
 * it (0: nothing to write).  One datagram is the packet as offered, with
 * its own metadata in *off; more are a super-packet that *off describes.
 * *iov points into g, valid until the next gro_add().
 */
unsigned gro_flush(struct gro *g, struct iovec *iov, struct xlat_offload *off);

#endif
