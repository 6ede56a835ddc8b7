/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The poll loop, SIGHUP reload, pool timers, and the offline pcap mode. */
#ifndef NAT64D_LOOP_H
#define NAT64D_LOOP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tun.h"
#include "xlat.h"

struct config;
struct maps;
struct pool;

/* The running translator: what main builds and the loop mutates. */
struct nat64d {
	const char	*conf_path;
	bool		 chrooted;	/* config file unreachable for reload */
	struct config	*cfg;
	struct maps	*maps;
	struct pool	*pool;		/* NULL without dynamic-pool */
	struct xlat	 x;
	struct tun	 tun;
	char		 dynmap[PATH_MAX];	/* dynamic.map; "" if none */

	uint64_t	 read_err;
	uint64_t	 write_full;	/* EAGAIN/ENOBUFS on the TUN */
	uint64_t	 write_err;
};

/* Maps, pool and translator state from d->cfg; the TUN MTU is mtu.
 * 0, or -1 (logged). */
int loop_core_init(struct nat64d *d, uint32_t mtu, uint32_t seed)
    __attribute__((warn_unused_result));
void loop_core_free(struct nat64d *d);

/* Monotonic clock in milliseconds. */
uint64_t loop_now_ms(void);

/*
 * One packet through the core, logging its verdict by category.  pkt has
 * XLAT_HEADROOM writable bytes before it.  Shared by the daemon loop and
 * --translate-pcap, so both treat every packet identically.
 */
enum xlat_verdict loop_handle_packet(struct xlat *x, uint8_t *pkt,
    size_t len, uint64_t now_ms, struct xlat_out *out);
/* The same with the TUN's offload metadata (may be NULL); XLAT_SEGMENT
 * is not logged: its segments are, one by one. */
enum xlat_verdict loop_handle_offload(struct xlat *x, uint8_t *pkt,
    size_t len, uint64_t now_ms, const struct xlat_offload *off,
    struct xlat_out *out);

const char *loop_verdict_name(enum xlat_verdict v);

/* Run until an exit signal.  Returns the exit status. */
int loop_run(struct nat64d *d);

/* --translate-pcap: every packet of in through loop_handle_packet, the
 * output to out as LINKTYPE_RAW.  verbose prints "N: VERDICT detail" per
 * packet to stdout.  Returns the exit status. */
int loop_translate_pcap(struct nat64d *d, const char *in, const char *out,
    bool verbose);

#endif
