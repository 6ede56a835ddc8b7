/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CLAT mode (RFC 6877): the host side of 464XLAT.  Picks the CLAT's
 * IPv6 address (clat-ipv6 = auto), makes it reach the TUN (clat-reach),
 * adds the IPv4 default route, and undoes all of it at exit.
 */
#ifndef NAT64D_CLAT_H
#define NAT64D_CLAT_H

#include <stdint.h>
#include <netinet/in.h>

struct config;

/*
 * After the TUN is open, before the maps are built and privileges
 * dropped: resolve clat-ipv6 (adding the clat-ipv4 map to cfg when it
 * was auto) and set up routes, proxy neighbour entry and sysctls.
 * Returns 0, or -1 (logged).  Does nothing without clat-uplink.
 */
int clat_setup(struct config *cfg, unsigned tun_ifindex)
    __attribute__((warn_unused_result));

/* SIGHUP: carry the running CLAT address into the new config n (its
 * map too).  -1 on allocation failure. */
int clat_reload(const struct config *o, struct config *n)
    __attribute__((warn_unused_result));

/* Remove what clat_setup added; restore the sysctls. */
void clat_teardown(void);

/* The pure part, for tests: the RFC 7217-style interface identifier for
 * prefix64 (first 8 bytes), the TUN name, the uplink's MAC (or index)
 * and a collision counter, written into the last 8 bytes of out. */
void clat_make_addr(const uint8_t prefix64[8], const char *tun,
    const uint8_t *hw, size_t hwlen, unsigned counter,
    struct in6_addr *out);

#endif
